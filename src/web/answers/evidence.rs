//! `/api/v1/sources`, `/api/v1/evidence`, `/api/v1/cycles` and `/api/v1/champions`.

use serde::Serialize;
use utoipa::ToSchema;

use super::Bilingual;
use crate::db::cycles::{ChampionRecord, CycleSummary};
use crate::db::items::{
    CountryRef, EvidenceFilter, EvidenceItem, ItemCountry, ItemObjective, ItemPrinciple, ItemSource,
};
use crate::db::sources::SourceSummary;
use crate::evidence::ContextLine;

/// The source documents.
#[derive(Debug, Serialize, ToSchema)]
pub struct SourcesAnswer {
    pub count: usize,
    pub sources: Vec<SourceAnswer>,
}

/// A source document; with `lines=`, a span of its numbered lines.
#[derive(Debug, Serialize, ToSchema)]
pub struct SourceAnswer {
    pub checksum_sha256: String,
    pub cycle: String,
    pub id: String,
    /// Evidence items read out of the source.
    pub items: i64,
    pub kind: String,
    pub language: String,
    pub line_count: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lines: Option<Vec<NumberedLine>>,
    pub links: SourceLinks,
    pub note: Option<String>,
    /// The file the text was imported from.
    pub origin: String,
    pub published: Option<String>,
    /// day, month, year or unknown.
    pub published_precision: String,
    pub publisher: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<LineSpan>,
    pub title: String,
    /// Whose voice the source is: government, un, intergovernmental, civil_society, academic or other.
    pub voice: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SourceLinks {
    pub evidence: String,
    #[serde(rename = "self")]
    pub this: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NumberedLine {
    pub number: usize,
    pub text: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LineSpan {
    pub end: usize,
    pub start: usize,
}

impl SourceAnswer {
    pub fn new(s: &SourceSummary) -> SourceAnswer {
        SourceAnswer {
            checksum_sha256: s.checksum.clone(),
            cycle: s.cycle.clone(),
            id: s.id.clone(),
            items: s.items,
            kind: s.kind.clone(),
            language: s.language.clone(),
            line_count: s.line_count,
            lines: None,
            links: SourceLinks {
                evidence: format!("/api/v1/evidence?source={}", s.id),
                this: format!("/api/v1/sources/{}", s.id),
            },
            note: s.note.clone(),
            origin: s.file_name.clone(),
            published: s.published.clone(),
            published_precision: s.published_precision.clone(),
            publisher: s.publisher.clone(),
            span: None,
            title: s.title.clone(),
            voice: s.voice.clone(),
        }
    }

    /// The source with its lines `start..=end` (1-based, within the text).
    pub fn with_lines(mut self, lines: &[&str], start: usize, end: usize) -> SourceAnswer {
        self.lines = Some(
            lines[start - 1..end]
                .iter()
                .enumerate()
                .map(|(i, text)| NumberedLine {
                    number: start + i,
                    text: text.to_string(),
                })
                .collect(),
        );
        self.span = Some(LineSpan { end, start });
        self
    }
}

/// A page of evidence items.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceListAnswer {
    pub filters: FiltersAnswer,
    pub items: Vec<ItemAnswer>,
    pub limit: i64,
    /// The offset of the next page; null on the last page.
    pub next_offset: Option<i64>,
    pub offset: i64,
    /// Items matching the filters, on every page.
    pub total: i64,
}

/// The filters a page of evidence applied, as understood.
#[derive(Debug, Serialize, ToSchema)]
pub struct FiltersAnswer {
    pub basis: Vec<String>,
    pub country: Option<String>,
    pub cycle: Vec<String>,
    pub kind: Vec<String>,
    pub objective: Option<i32>,
    pub principle: Option<String>,
    pub q: Option<String>,
    pub source: Option<String>,
}

impl FiltersAnswer {
    pub fn new(filter: &EvidenceFilter) -> FiltersAnswer {
        FiltersAnswer {
            basis: filter
                .bases
                .iter()
                .map(|b| b.as_str().to_string())
                .collect(),
            country: filter.country.clone(),
            cycle: filter.cycles.clone(),
            kind: filter.kinds.clone(),
            objective: filter.objective,
            principle: filter.principle.clone(),
            q: filter.text.clone(),
            source: filter.source.clone(),
        }
    }
}

impl EvidenceListAnswer {
    pub fn new(
        filter: &EvidenceFilter,
        items: &[EvidenceItem],
        total: i64,
        limit: i64,
        offset: i64,
    ) -> EvidenceListAnswer {
        let next = offset + items.len() as i64;
        EvidenceListAnswer {
            filters: FiltersAnswer::new(filter),
            items: items.iter().map(ItemAnswer::new).collect(),
            limit,
            next_offset: (next < total).then_some(next),
            offset,
            total,
        }
    }
}

/// An evidence item with its mappings; alone (`/api/v1/evidence/{id}`), with the source lines around it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemAnswer {
    pub actor: Option<String>,
    pub actor_type: Option<String>,
    /// The section, network or session the item sits under.
    pub context: Option<String>,
    pub countries: Vec<ItemCountry>,
    pub date: Option<String>,
    pub figures: Vec<String>,
    pub id: String,
    pub kind: String,
    pub language: String,
    pub line_end: i32,
    pub line_start: i32,
    pub links: ItemLinks,
    pub objectives: Vec<ItemObjective>,
    /// Last page (1-based) of a passage of a paged report (a PDF); null for an unpaged text.
    pub page_end: Option<i32>,
    /// First page (1-based) of a passage of a paged report; null for an unpaged text.
    pub page_start: Option<i32>,
    pub principles: Vec<ItemPrinciple>,
    /// Verbatim from the source's lines.
    pub quote: String,
    /// The country credited with the item.
    pub reporting_country: Option<CountryRef>,
    pub source: ItemSource,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_context: Option<SourceContextAnswer>,
    pub status: Option<String>,
    pub summary: Option<String>,
    pub title: String,
    pub year: Option<i32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ItemLinks {
    #[serde(rename = "self")]
    pub this: String,
    pub source_lines: String,
}

/// The lines around an item's span.
#[derive(Debug, Serialize, ToSchema)]
pub struct SourceContextAnswer {
    pub end: usize,
    pub lines: Vec<ContextLineAnswer>,
    pub source: String,
    pub start: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContextLineAnswer {
    /// Whether the line is in the item's span.
    pub in_span: bool,
    pub number: usize,
    pub text: String,
}

impl ItemAnswer {
    pub fn new(item: &EvidenceItem) -> ItemAnswer {
        ItemAnswer {
            actor: item.actor.clone(),
            actor_type: item.actor_type.clone(),
            context: item.context.clone(),
            countries: item.countries.clone(),
            date: item.date.clone(),
            figures: item.figures.clone(),
            id: item.id.clone(),
            kind: item.kind.clone(),
            language: item.language.clone(),
            line_end: item.line_end,
            line_start: item.line_start,
            links: ItemLinks {
                this: format!("/api/v1/evidence/{}", item.id),
                source_lines: format!(
                    "/api/v1/sources/{}?lines={}-{}",
                    item.source.id, item.line_start, item.line_end
                ),
            },
            objectives: item.objectives.clone(),
            page_end: item.page_end,
            page_start: item.page_start,
            principles: item.principles.clone(),
            quote: item.quote.clone(),
            reporting_country: item.reporting_country.clone(),
            source: item.source.clone(),
            source_context: None,
            status: item.status.clone(),
            summary: item.summary.clone(),
            title: item.title.clone(),
            year: item.year,
        }
    }

    /// The item with the source lines around its span.
    pub fn with_context(mut self, context: &[ContextLine]) -> ItemAnswer {
        self.source_context = Some(SourceContextAnswer {
            end: context.last().map(|l| l.number).unwrap_or(0),
            lines: context
                .iter()
                .map(|l| ContextLineAnswer {
                    in_span: l.in_span,
                    number: l.number,
                    text: l.text.clone(),
                })
                .collect(),
            source: self.source.id.clone(),
            start: context.first().map(|l| l.number).unwrap_or(0),
        });
        self
    }
}

/// The review cycles.
#[derive(Debug, Serialize, ToSchema)]
pub struct CyclesAnswer {
    pub cycles: Vec<CycleAnswer>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CycleAnswer {
    /// Documents up to this date feed the cycle.
    pub feeds_until: String,
    pub id: String,
    pub items: i64,
    pub note: Option<String>,
    pub region: Option<String>,
    pub review_end: Option<String>,
    pub review_start: Option<String>,
    pub sources: Vec<String>,
    pub title: Bilingual,
    /// Countries that submitted a voluntary national report to the cycle.
    pub voluntary_reports: Vec<String>,
}

impl CyclesAnswer {
    pub fn new(cycles: &[CycleSummary]) -> CyclesAnswer {
        CyclesAnswer {
            cycles: cycles
                .iter()
                .map(|c| CycleAnswer {
                    feeds_until: c.feeds_until.clone(),
                    id: c.id.clone(),
                    items: c.items,
                    note: c.note.clone(),
                    region: c.region.clone(),
                    review_end: c.review_end.clone(),
                    review_start: c.review_start.clone(),
                    sources: c.sources.clone(),
                    title: Bilingual::new(&c.title_en, &c.title_es),
                    voluntary_reports: c.submissions.clone(),
                })
                .collect(),
        }
    }
}

/// The GCM champion countries.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChampionsAnswer {
    pub champions: Vec<ChampionAnswer>,
    pub count: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChampionAnswer {
    /// The date of the source that says so.
    pub as_of: String,
    pub iso3: String,
    pub line_end: Option<i32>,
    pub line_start: Option<i32>,
    pub links: Option<ChampionLinks>,
    pub name: Bilingual,
    pub note: Option<String>,
    /// Champion since (a partial date), when known.
    pub since: Option<String>,
    pub source: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChampionLinks {
    pub source_lines: String,
}

impl ChampionsAnswer {
    pub fn new(champions: &[ChampionRecord]) -> ChampionsAnswer {
        ChampionsAnswer {
            champions: champions
                .iter()
                .map(|c| ChampionAnswer {
                    as_of: c.as_of.clone(),
                    iso3: c.iso3.clone(),
                    line_end: c.line_end,
                    line_start: c.line_start,
                    links: c.source.as_ref().map(|s| ChampionLinks {
                        source_lines: format!(
                            "/api/v1/sources/{s}?lines={}-{}",
                            c.line_start.unwrap_or(1),
                            c.line_end.or(c.line_start).unwrap_or(1)
                        ),
                    }),
                    name: Bilingual::new(&c.name_en, &c.name_es),
                    note: c.note.clone(),
                    since: c.since.clone(),
                    source: c.source.clone(),
                })
                .collect(),
            count: champions.len(),
        }
    }
}
