//! The reviewer's pages: `/documents` (the uploaded reports and how far each one's review has come) and
//! `/documents/{source_id}` (a report's passages with their suggestions, to accept, reject or complete).
//! The page models are built by pure functions from what the store holds; the templates only write them.

use std::collections::BTreeSet;

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::marks::{marked_segments, rationale_headings, rationale_terms, Segment};
use super::{layout, pair, Account, InPage, Names, Page, PageError, PageRequest};
use crate::db::documents::{is_reviewed, DocumentListing, ReviewProgress, PASSAGE};
use crate::db::items::{EvidenceFilter, EvidenceItem};
use crate::framework::OBJECTIVE_COUNT;
use crate::selection::params::{given, WholeNumber, OBJECTIVE_NUMBER};
use crate::selection::ParamError;
use crate::web::i18n::{Lang, Messages};
use crate::web::{ApiError, AppState};

/// Which passages the review page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Show {
    /// Every passage.
    #[default]
    All,
    /// Only passages not yet reviewed.
    Undecided,
}

impl Show {
    fn code(self) -> &'static str {
        match self {
            Show::All => "all",
            Show::Undecided => "undecided",
        }
    }
}

/// Passages on one review page: a report of several hundred pages would otherwise make one page of
/// thousands of forms, slow to load and to find one's way in.
pub const PASSAGES_PER_PAGE: usize = 50;

/// A review page's number: 1 or more (past the last page is the last page).
const PAGE_NUMBER: WholeNumber = WholeNumber {
    what: "a page number",
    min: 1,
    max: Some(1_000_000),
};

/// The review page's filters as the address gives them (`?show=undecided|all&objective=N&page=N`).
#[derive(Debug, Default, Deserialize)]
pub struct ReviewParams {
    pub show: Option<String>,
    pub objective: Option<String>,
    pub page: Option<String>,
}

/// The review page's filters, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReviewFilter {
    pub show: Show,
    /// Only passages with a suggestion (of any state) for this objective.
    pub objective: Option<i32>,
    /// Which page of the passages shown (1 is the first).
    pub page: usize,
}

impl Default for ReviewFilter {
    fn default() -> ReviewFilter {
        ReviewFilter {
            show: Show::All,
            objective: None,
            page: 1,
        }
    }
}

impl ReviewFilter {
    pub fn parse(params: &ReviewParams) -> Result<ReviewFilter, ParamError> {
        let show = match given(&params.show) {
            None | Some("all") => Show::All,
            Some("undecided") => Show::Undecided,
            Some(other) => {
                return Err(ParamError::new(
                    "show",
                    format!("`{other}` is not accepted; accepted: undecided, all"),
                ))
            }
        };
        let objective = given(&params.objective)
            .map(|text| OBJECTIVE_NUMBER.read("objective", text))
            .transpose()?
            .map(|n| n as i32);
        let page = PAGE_NUMBER.read_or("page", &params.page, 1)? as usize;
        Ok(ReviewFilter {
            show,
            objective,
            page,
        })
    }

    /// The filters and the language as a query string (`show=undecided&objective=7&lang=es`): what the
    /// page's own links and forms carry, so a decision comes back to the same view.
    pub fn query(&self, lang: Lang) -> String {
        let mut pairs: Vec<(String, String)> = Vec::new();
        if self.show != Show::All {
            pairs.push(("show".into(), self.show.code().into()));
        }
        if let Some(objective) = self.objective {
            pairs.push(("objective".into(), objective.to_string()));
        }
        if self.page > 1 {
            pairs.push(("page".into(), self.page.to_string()));
        }
        pairs.push(("lang".into(), lang.code().into()));
        super::encode_pairs(&pairs)
    }
}

/// A suggestion a reviewer rejected: kept apart from the evidence, shown as rejected with an undo.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejected {
    pub mapping_id: Option<i32>,
    pub item_id: String,
    pub objective: Option<i32>,
    pub principle: Option<String>,
    pub confidence: f64,
    pub rationale: Option<String>,
    pub rejected_by: String,
}

/// What the review page is built from.
pub struct ReviewData {
    pub document: DocumentListing,
    /// The document's passages, in line order, with their mappings.
    pub passages: Vec<EvidenceItem>,
    pub rejected: Vec<Rejected>,
    /// Ids of the passages marked as not evidence.
    pub not_evidence: BTreeSet<String>,
}

/// A button of a small POST form: where it posts, the `decision` (or `value`) it sends, and its words.
pub struct Action {
    pub url: String,
    pub field: &'static str,
    pub value: String,
    pub label: String,
    /// What the button acts on, for those who hear the page (visually hidden).
    pub about: String,
}

/// One suggestion (an objective or a principle) of a passage, in its state.
pub struct SuggestionView {
    pub label: String,
    pub href: Option<String>,
    /// `auto`, `accepted`, `rejected` or `annotated`: the CSS class.
    pub state: &'static str,
    pub state_text: String,
    pub confidence: String,
    /// The terms that triggered it, quoted and listed.
    pub terms: String,
    pub actions: Vec<Action>,
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct PassageView {
    pub anchor: String,
    pub heading: String,
    pub location: String,
    pub section: Option<String>,
    pub segments: Vec<Segment>,
    pub reviewed: bool,
    pub status: String,
    pub not_evidence: bool,
    pub objectives: Vec<SuggestionView>,
    pub principles: Vec<SuggestionView>,
    /// Objectives not yet on the passage, for the form that adds one.
    pub missing_objectives: Vec<Choice>,
    pub missing_principles: Vec<Choice>,
    pub add_objective_url: String,
    pub add_principle_url: String,
    pub not_evidence_action: Action,
    /// The next undecided passage shown after this one.
    pub next_undecided: Option<String>,
}

#[derive(Template)]
#[template(path = "review.html")]
pub struct ReviewPage {
    pub page: Page,
    pub source_id: String,
    pub facts: String,
    pub progress: ReviewProgress,
    pub progress_text: String,
    pub next_undecided: Option<String>,
    pub shown: String,
    /// Where the page is among the pages of passages; none when they all fit on one.
    pub paging: Option<Paging>,
    pub show_choices: Vec<Choice>,
    pub objective_choices: Vec<Choice>,
    pub passages: Vec<PassageView>,
    /// The token every form of the page carries; none when nobody is signed in (then no form is shown).
    pub csrf_token: Option<String>,
    pub sign_in_href: String,
}

#[derive(Template)]
#[template(path = "documents.html")]
pub struct DocumentsPage {
    pub page: Page,
    pub documents: Vec<DocumentRowView>,
    pub upload_href: Option<String>,
    pub sign_in_href: String,
}

pub struct DocumentRowView {
    pub title: String,
    pub href: String,
    pub country: String,
    pub country_href: String,
    pub cycle: String,
    pub format: String,
    pub pages: String,
    pub progress: ReviewProgress,
    pub progress_text: String,
    pub uploaded: String,
}

/// Which page of the passages is shown, with links to the pages beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Paging {
    /// "Passages 51–100 of 134 shown · page 2 of 3".
    pub text: String,
    pub previous_href: Option<String>,
    pub next_href: Option<String>,
}

/// Cuts the shown passages to the filter's page (past the last page, the last one). Links to an
/// undecided passage on another page (the "next undecided" of each passage and of the page) carry that
/// page's address; `base` is the review page's path.
pub fn paginate(
    views: Vec<PassageView>,
    filter: ReviewFilter,
    base: &str,
    lang: Lang,
    per_page: usize,
) -> (Vec<PassageView>, Option<Paging>, Option<String>) {
    let per_page = per_page.max(1);
    let shown = views.len();
    let pages = shown.div_ceil(per_page).max(1);
    let page = filter.page.clamp(1, pages);
    let page_of: std::collections::HashMap<String, usize> = views
        .iter()
        .enumerate()
        .map(|(index, view)| (format!("#{}", view.anchor), index / per_page + 1))
        .collect();
    let address = |target: usize| {
        format!(
            "{base}?{}",
            ReviewFilter {
                page: target,
                ..filter
            }
            .query(lang)
        )
    };
    let link = |fragment: &String| match page_of.get(fragment) {
        Some(&target) if target != page => format!("{}{fragment}", address(target)),
        _ => fragment.clone(),
    };
    let first_undecided = views
        .iter()
        .find(|view| !view.reviewed)
        .map(|view| link(&format!("#{}", view.anchor)));
    let mut on_page: Vec<PassageView> = views
        .into_iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .collect();
    for view in &mut on_page {
        view.next_undecided = view.next_undecided.as_ref().map(&link);
    }
    // On a page with an undecided passage, "next undecided" is the first of this page.
    let next_undecided = on_page
        .iter()
        .find(|view| !view.reviewed)
        .map(|view| format!("#{}", view.anchor))
        .or(first_undecided);
    let paging = (pages > 1).then(|| {
        let first = (page - 1) * per_page + 1;
        let last = first + on_page.len() - 1;
        Paging {
            text: lang.text().fill(
                "review.paging",
                &[
                    ("first", &first.to_string()),
                    ("last", &last.to_string()),
                    ("shown", &shown.to_string()),
                    ("page", &page.to_string()),
                    ("pages", &pages.to_string()),
                ],
            ),
            previous_href: (page > 1).then(|| address(page - 1)),
            next_href: (page < pages).then(|| address(page + 1)),
        }
    });
    (on_page, paging, next_undecided)
}

/// "34 of 120 passages reviewed".
pub fn progress_text(progress: ReviewProgress, t: &Messages) -> String {
    t.fill(
        "review.progress",
        &[
            ("reviewed", &progress.reviewed.to_string()),
            ("passages", &progress.passages.to_string()),
        ],
    )
}

/// Where a passage stands in its report: "page 3, lines 12–15" (pages only for a paged report).
pub fn location(item: &EvidenceItem, t: &Messages) -> String {
    let pages = match (item.page_start, item.page_end) {
        (Some(start), Some(end)) if start == end => format!("{} {start}, ", t.get("evidence.page")),
        (Some(start), Some(end)) => format!("{} {start}–{end}, ", t.get("evidence.pages")),
        _ => String::new(),
    };
    if item.line_start == item.line_end {
        format!("{pages}{} {}", t.get("review.line"), item.line_start)
    } else {
        format!(
            "{pages}{} {}–{}",
            t.get("evidence.lines"),
            item.line_start,
            item.line_end
        )
    }
}

/// What triggered a suggestion, in words: its terms quoted, and the headings the passage sits under
/// ("“trata”, “víctimas” · under the heading “Objetivo 10”").
fn quoted_terms(rationale: Option<&str>, lang: Lang) -> String {
    let (open, close) = match lang {
        Lang::En => ("“", "”"),
        Lang::Es => ("«", "»"),
    };
    let Some(rationale) = rationale else {
        return String::new();
    };
    let quote = |text: &str| format!("{open}{text}{close}");
    let terms: Vec<String> = rationale_terms(rationale)
        .iter()
        .map(|t| quote(&t.term))
        .collect();
    let headings: Vec<String> = rationale_headings(rationale)
        .iter()
        .map(|h| format!("{} {}", lang.text().get("review.under_heading"), quote(h)))
        .collect();
    [terms.join(", "), headings.join(", ")]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
}

/// A path segment, percent-encoded (item ids and principle keys are plain, but the address is built
/// from stored text all the same).
pub fn segment(text: &str) -> String {
    const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(text, SEGMENT).to_string()
}

/// Builds the passages of the review page, and the document's progress (over every passage, whatever
/// the filter shows).
pub fn passage_views(
    data: &ReviewData,
    filter: ReviewFilter,
    names: Names<'_>,
) -> (Vec<PassageView>, ReviewProgress) {
    let lang = names.lang;
    let t = lang.text();
    let back = filter.query(lang);
    let total = data.passages.len();
    let mut progress = ReviewProgress {
        reviewed: 0,
        passages: total as i64,
    };
    let mut views: Vec<PassageView> = Vec::new();
    for (index, item) in data.passages.iter().enumerate() {
        let not_evidence = data.not_evidence.contains(&item.id);
        let reviewed = is_reviewed(
            item.objectives.iter().map(|m| m.basis.as_str()),
            not_evidence,
        );
        if reviewed {
            progress.reviewed += 1;
        }
        let rejected: Vec<&Rejected> = data
            .rejected
            .iter()
            .filter(|r| r.item_id == item.id)
            .collect();
        let shown_for_objective = filter.objective.is_none_or(|n| {
            item.objectives.iter().any(|m| m.objective == n)
                || rejected.iter().any(|r| r.objective == Some(n))
        });
        let shown_for_state = filter.show == Show::All || !reviewed;
        if !(shown_for_objective && shown_for_state) {
            continue;
        }
        let item_path = format!("/items/{}", segment(&item.id));
        let number = (index + 1).to_string();
        let heading = t.fill(
            "review.passage",
            &[("number", &number), ("total", &total.to_string())],
        );

        // Objectives: the item's mappings and its rejected suggestions, by confidence (highest first),
        // then by number.
        let mut objectives: Vec<(f64, i32, SuggestionView)> = Vec::new();
        for mapping in &item.objectives {
            let label = names.objective(mapping.objective);
            let decision = format!("/mappings/{}/decision?{back}", mapping.id);
            let action = |value: &str, key: &str| Action {
                url: decision.clone(),
                field: "decision",
                value: value.into(),
                label: t.get(key).into(),
                about: label.clone(),
            };
            let (state, state_text, actions) = match mapping.basis.as_str() {
                "auto" => (
                    "auto",
                    t.get("review.state.auto").to_string(),
                    vec![
                        action("accept", "review.accept"),
                        action("reject", "review.reject"),
                    ],
                ),
                "reviewed" => (
                    "accepted",
                    t.fill("review.state.accepted", &[("by", &mapping.created_by)]),
                    vec![action("undo", "review.undo")],
                ),
                other => ("annotated", names.basis(other), vec![]),
            };
            objectives.push((
                mapping.confidence,
                mapping.objective,
                SuggestionView {
                    href: Some(format!(
                        "/objectives/{}?lang={}",
                        mapping.objective,
                        lang.code()
                    )),
                    label,
                    state,
                    state_text,
                    confidence: lang.number(mapping.confidence, 2),
                    terms: quoted_terms(mapping.rationale.as_deref(), lang),
                    actions,
                },
            ));
        }
        for r in &rejected {
            let Some(objective) = r.objective else {
                continue;
            };
            let label = names.objective(objective);
            let actions = r
                .mapping_id
                .map(|id| Action {
                    url: format!("/mappings/{id}/decision?{back}"),
                    field: "decision",
                    value: "undo".into(),
                    label: t.get("review.undo").into(),
                    about: label.clone(),
                })
                .into_iter()
                .collect();
            objectives.push((
                r.confidence,
                objective,
                SuggestionView {
                    href: Some(format!("/objectives/{objective}?lang={}", lang.code())),
                    label,
                    state: "rejected",
                    state_text: t.fill("review.state.rejected", &[("by", &r.rejected_by)]),
                    confidence: lang.number(r.confidence, 2),
                    terms: quoted_terms(r.rationale.as_deref(), lang),
                    actions,
                },
            ));
        }
        objectives.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));

        // The marks: every term of every objective suggestion still standing (not the rejected ones).
        let spans: Vec<(usize, usize)> = item
            .objectives
            .iter()
            .filter_map(|m| m.rationale.as_deref())
            .flat_map(rationale_terms)
            .map(|term| (term.start, term.end))
            .collect();
        let text = item.summary.as_deref().unwrap_or(&item.quote);

        let mut principles: Vec<(f64, String, SuggestionView)> = Vec::new();
        for mapping in &item.principles {
            let label = names.principle(&mapping.principle);
            let decision = format!(
                "{item_path}/principles/{}/decision?{back}",
                segment(&mapping.principle)
            );
            let action = |value: &str, key: &str| Action {
                url: decision.clone(),
                field: "decision",
                value: value.into(),
                label: t.get(key).into(),
                about: label.clone(),
            };
            let (state, state_text, actions) = match mapping.basis.as_str() {
                "auto" => (
                    "auto",
                    t.get("review.state.auto").to_string(),
                    vec![
                        action("accept", "review.accept"),
                        action("reject", "review.reject"),
                    ],
                ),
                "reviewed" => (
                    "accepted",
                    t.fill("review.state.accepted", &[("by", &mapping.created_by)]),
                    vec![action("undo", "review.undo")],
                ),
                other => ("annotated", names.basis(other), vec![]),
            };
            principles.push((
                mapping.confidence,
                mapping.principle.clone(),
                SuggestionView {
                    href: None,
                    label,
                    state,
                    state_text,
                    confidence: lang.number(mapping.confidence, 2),
                    terms: String::new(),
                    actions,
                },
            ));
        }
        for r in &rejected {
            let Some(principle) = &r.principle else {
                continue;
            };
            let label = names.principle(principle);
            principles.push((
                r.confidence,
                principle.clone(),
                SuggestionView {
                    href: None,
                    state: "rejected",
                    state_text: t.fill("review.state.rejected", &[("by", &r.rejected_by)]),
                    confidence: lang.number(r.confidence, 2),
                    terms: quoted_terms(r.rationale.as_deref(), lang),
                    actions: vec![Action {
                        url: format!(
                            "{item_path}/principles/{}/decision?{back}",
                            segment(principle)
                        ),
                        field: "decision",
                        value: "undo".into(),
                        label: t.get("review.undo").into(),
                        about: label.clone(),
                    }],
                    label,
                },
            ));
        }
        principles.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));

        let present: BTreeSet<i32> = item
            .objectives
            .iter()
            .map(|m| m.objective)
            .chain(rejected.iter().filter_map(|r| r.objective))
            .collect();
        let present_principles: BTreeSet<&str> = item
            .principles
            .iter()
            .map(|p| p.principle.as_str())
            .chain(rejected.iter().filter_map(|r| r.principle.as_deref()))
            .collect();
        let status = if not_evidence {
            t.get("review.status.not_evidence")
        } else if reviewed {
            t.get("review.status.reviewed")
        } else {
            t.get("review.status.undecided")
        };
        views.push(PassageView {
            anchor: passage_anchor(&item.id),
            heading,
            location: location(item, t),
            section: item.context.clone().filter(|c| !c.trim().is_empty()),
            segments: marked_segments(text, &spans),
            reviewed,
            status: status.to_string(),
            not_evidence,
            objectives: objectives.into_iter().map(|(_, _, v)| v).collect(),
            principles: principles.into_iter().map(|(_, _, v)| v).collect(),
            missing_objectives: (1..=OBJECTIVE_COUNT)
                .filter(|n| !present.contains(n))
                .map(|n| Choice {
                    value: n.to_string(),
                    label: names.objective(n),
                    selected: false,
                })
                .collect(),
            missing_principles: super::reference()
                .map(|r| r.framework.principles.as_slice())
                .unwrap_or_default()
                .iter()
                .filter(|p| !present_principles.contains(p.key.as_str()))
                .map(|p| Choice {
                    value: p.key.clone(),
                    label: names.principle(&p.key),
                    selected: false,
                })
                .collect(),
            add_objective_url: format!("{item_path}/objectives?{back}"),
            add_principle_url: format!("{item_path}/principles?{back}"),
            not_evidence_action: Action {
                url: format!("{item_path}/not-evidence?{back}"),
                field: "value",
                value: if not_evidence { "0" } else { "1" }.into(),
                label: if not_evidence {
                    t.get("review.evidence_after_all")
                } else {
                    t.get("review.not_evidence")
                }
                .into(),
                about: t.fill(
                    "review.passage",
                    &[("number", &number), ("total", &total.to_string())],
                ),
            },
            next_undecided: None,
        });
    }
    // Each passage links to the next undecided one shown after it.
    let mut next: Option<String> = None;
    for view in views.iter_mut().rev() {
        view.next_undecided = next.clone();
        if !view.reviewed {
            next = Some(format!("#{}", view.anchor));
        }
    }
    (views, progress)
}

/// The anchor of a passage on the review page.
pub fn passage_anchor(item_id: &str) -> String {
    format!("p-{item_id}")
}

/// The review page of a document.
pub fn review_page(
    request: &PageRequest,
    data: &ReviewData,
    filter: ReviewFilter,
    account: Option<&Account>,
) -> ReviewPage {
    let names = request.names();
    let lang = request.lang;
    let t = lang.text();
    let document = &data.document;
    let page = layout(request, document.title.clone(), "documents");
    let (passages, progress) = passage_views(data, filter, names);
    let shown_count = passages.len();
    let (passages, paging, next_undecided) = paginate(
        passages,
        filter,
        &format!("/documents/{}", segment(&document.source_id)),
        lang,
        PASSAGES_PER_PAGE,
    );
    let pages = document
        .pages
        .map(|p| t.fill("documents.pages_n", &[("pages", &p.to_string())]));
    let facts = [
        Some(names.country(&document.country)),
        Some(format!("{} {}", t.get("documents.cycle"), document.cycle)),
        Some(document.format.to_uppercase()),
        pages,
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let shown = t.fill(
        "review.shown",
        &[
            ("shown", &shown_count.to_string()),
            ("passages", &progress.passages.to_string()),
        ],
    );
    ReviewPage {
        source_id: document.source_id.clone(),
        facts,
        progress,
        progress_text: progress_text(progress, t),
        next_undecided,
        shown,
        paging,
        show_choices: [
            (Show::All, "review.show.all"),
            (Show::Undecided, "review.show.undecided"),
        ]
        .into_iter()
        .map(|(show, key)| Choice {
            value: show.code().into(),
            label: t.get(key).into(),
            selected: filter.show == show,
        })
        .collect(),
        objective_choices: (1..=OBJECTIVE_COUNT)
            .map(|n| Choice {
                value: n.to_string(),
                label: names.objective(n),
                selected: filter.objective == Some(n),
            })
            .collect(),
        passages,
        csrf_token: account.map(|a| a.csrf_token.clone()),
        sign_in_href: sign_in_href(&format!("/documents/{}", document.source_id), lang),
        page,
    }
}

/// The sign-in page, coming back to `next` afterwards.
pub fn sign_in_href(next: &str, lang: Lang) -> String {
    format!("/sign-in?{}&lang={}", pair("next", next), lang.code())
}

/// The list of documents.
pub fn documents_page(
    request: &PageRequest,
    documents: &[DocumentListing],
    account: Option<&Account>,
) -> DocumentsPage {
    let names = request.names();
    let lang = request.lang;
    let t = lang.text();
    let page = layout(request, t.get("documents.title").to_string(), "documents");
    DocumentsPage {
        documents: documents
            .iter()
            .map(|d| DocumentRowView {
                title: d.title.clone(),
                href: format!("/documents/{}?lang={}", segment(&d.source_id), lang.code()),
                country: names.country(&d.country),
                country_href: page.href(&format!("/countries/{}", d.country)),
                cycle: d.cycle.clone(),
                format: d.format.to_uppercase(),
                pages: d.pages.map(|p| p.to_string()).unwrap_or_else(|| "–".into()),
                progress: d.progress,
                progress_text: progress_text(d.progress, t),
                uploaded: format!("{} · {}", lang.date(d.uploaded_at.date()), d.uploaded_by),
            })
            .collect(),
        upload_href: account.map(|_| format!("/documents/new?lang={}", lang.code())),
        sign_in_href: sign_in_href("/documents/new", lang),
        page,
    }
}

/// An answer that names who is signed in (or carries their form token) is theirs alone: no cache keeps
/// it.
pub fn private(mut response: HttpResponse, personal: bool) -> HttpResponse {
    if personal {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("private, no-store"),
        );
    }
    response
}

/// `GET /documents`.
pub async fn documents(
    state: web::Data<AppState>,
    request: PageRequest,
) -> Result<HttpResponse, PageError> {
    let lang = request.lang;
    let listed = state
        .with_db(|conn| crate::db::documents::list(conn))
        .await
        .in_page(lang)?;
    let account = request.account.clone();
    let response = super::html(&documents_page(&request, &listed, account.as_ref()), lang)?;
    Ok(private(response, account.is_some()))
}

/// `GET /documents/{source_id}?show=&objective=`.
pub async fn review(
    state: web::Data<AppState>,
    request: PageRequest,
    path: web::Path<String>,
    params: web::Query<ReviewParams>,
) -> Result<HttpResponse, PageError> {
    let lang = request.lang;
    let filter = ReviewFilter::parse(&params).in_page(lang)?;
    let source_id = path.into_inner();
    let lookup = source_id.clone();
    let found = state
        .with_db(move |conn| load_review(conn, &lookup))
        .await
        .in_page(lang)?;
    let Some(data) = found else {
        return Err(PageError::new(
            lang,
            ApiError::NotFound(format!("no uploaded document `{source_id}`")),
        ));
    };
    let account = request.account.clone();
    let response = super::html(
        &review_page(&request, &data, filter, account.as_ref()),
        lang,
    )?;
    Ok(private(response, account.is_some()))
}

/// Everything the review page of `source_id` shows, or `None` when no document has this source.
fn load_review(
    conn: &mut crate::db::AnyConnection,
    source_id: &str,
) -> Result<Option<ReviewData>, crate::db::DbError> {
    let Some(document) = crate::db::documents::find(conn, source_id)? else {
        return Ok(None);
    };
    let passages = crate::db::items::all(
        conn,
        &EvidenceFilter {
            source: Some(source_id.to_string()),
            kinds: vec![PASSAGE.to_string()],
            ..EvidenceFilter::default()
        },
    )?;
    let rejected = crate::db::review::rejections_of_source(conn, source_id)?
        .into_iter()
        .map(|r| Rejected {
            mapping_id: r.mapping_id,
            item_id: r.item_id,
            objective: r.objective,
            principle: r.principle,
            confidence: r.confidence,
            rationale: r.rationale,
            rejected_by: r.rejected_by,
        })
        .collect();
    let not_evidence = crate::db::review::not_evidence_items(conn, source_id)?
        .into_iter()
        .collect();
    Ok(Some(ReviewData {
        document,
        passages,
        rejected,
        not_evidence,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::items::{ItemObjective, ItemPrinciple, ItemSource};
    use crate::indicators::Dataset;

    fn at() -> chrono::NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap()
    }

    fn objective(
        id: i32,
        objective: i32,
        basis: &str,
        confidence: f64,
        rationale: &str,
    ) -> ItemObjective {
        ItemObjective {
            basis: basis.into(),
            confidence,
            created_at: at(),
            created_by: if basis == "auto" {
                "gcm-classify/x"
            } else {
                "user:ana"
            }
            .into(),
            id,
            objective,
            primary: false,
            rationale: Some(rationale.into()),
        }
    }

    fn passage(n: i32, text: &str, objectives: Vec<ItemObjective>) -> EvidenceItem {
        EvidenceItem {
            actor: None,
            actor_type: None,
            context: Some("Trata".into()),
            countries: vec![],
            date: None,
            figures: vec![],
            id: format!("doc-p{n:03}"),
            kind: PASSAGE.into(),
            language: "es".into(),
            line_end: n * 10 + 1,
            line_start: n * 10,
            objectives,
            page_end: Some(2),
            page_start: Some(if n == 1 { 1 } else { 2 }),
            principles: vec![],
            quote: text.into(),
            reporting_country: None,
            source: ItemSource {
                cycle: "2025".into(),
                id: "doc".into(),
                title: "Informe".into(),
            },
            status: None,
            summary: Some(text.into()),
            title: text.into(),
            year: None,
        }
    }

    fn data() -> ReviewData {
        let mut p2 = passage(
            2,
            "Las víctimas de trata en la frontera.",
            vec![
                // Confidence order puts 11 (0.9) before 10 (0.5), whatever their ids.
                objective(
                    20,
                    10,
                    "auto",
                    0.5,
                    "lexicon x: \"víctimas de trata\" at 4-21",
                ),
                objective(21, 11, "reviewed", 0.9, "lexicon x: \"frontera\" at 28-36"),
            ],
        );
        p2.principles.push(ItemPrinciple {
            basis: "auto".into(),
            confidence: 0.6,
            created_at: at(),
            created_by: "gcm-classify/x".into(),
            principle: "human rights".into(),
        });
        ReviewData {
            document: DocumentListing {
                source_id: "doc".into(),
                title: "Informe".into(),
                country: "COL".into(),
                cycle: "2025".into(),
                language: "es".into(),
                format: "pdf".into(),
                pages: Some(2),
                byte_count: 10,
                uploaded_by: "user:ana".into(),
                uploaded_at: at(),
                progress: ReviewProgress::default(),
            },
            passages: vec![
                // p1: no suggestion, reviewed from the start.
                passage(1, "Introducción.", vec![]),
                p2,
                // p3: its only suggestion was rejected; the rejection is listed with an undo.
                passage(3, "Remesas.", vec![]),
                // p4: marked not evidence.
                passage(4, "Índice.", vec![objective(40, 1, "auto", 0.4, "")]),
                // p5: undecided.
                passage(
                    5,
                    "Remesas y más.",
                    vec![objective(50, 20, "auto", 0.99, "")],
                ),
            ],
            rejected: vec![Rejected {
                mapping_id: Some(30),
                item_id: "doc-p003".into(),
                objective: Some(20),
                principle: None,
                confidence: 0.8,
                rationale: Some("lexicon x: \"remesas\" at 0-7".into()),
                rejected_by: "user:ana".into(),
            }],
            not_evidence: ["doc-p004".to_string()].into_iter().collect(),
        }
    }

    fn names(data: &Dataset) -> Names<'_> {
        Names {
            lang: Lang::En,
            data,
        }
    }

    #[test]
    fn passages_show_their_state_marks_and_suggestions_by_confidence() {
        let dataset = Dataset::default();
        let (views, progress) = passage_views(&data(), ReviewFilter::default(), names(&dataset));
        // p2 and p5 still have an `auto` objective; p1 (none), p3 (rejected) and p4 (not evidence) are
        // reviewed: 3 of 5.
        assert_eq!(
            progress,
            ReviewProgress {
                reviewed: 3,
                passages: 5
            }
        );
        assert_eq!(views.len(), 5);
        let p2 = &views[1];
        assert_eq!(p2.anchor, "p-doc-p002");
        assert_eq!(p2.heading, "Passage 2 of 5");
        assert_eq!(p2.location, "page 2, lines 20–21");
        assert_eq!(views[0].location, "pages 1–2, lines 10–11");
        assert_eq!(p2.section.as_deref(), Some("Trata"));
        assert!(!p2.reviewed);
        let marked: Vec<&str> = p2
            .segments
            .iter()
            .filter(|s| s.marked)
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(marked, vec!["víctimas de trata", "frontera"]);
        // 11 (0.90, accepted) before 10 (0.50, suggested); an accepted one can be undone, a suggestion
        // accepted or rejected.
        assert!(p2.objectives[0].label.starts_with("11."));
        assert_eq!(p2.objectives[0].state, "accepted");
        assert_eq!(p2.objectives[0].state_text, "accepted by user:ana");
        let values = |s: &SuggestionView| {
            s.actions
                .iter()
                .map(|a| a.value.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(values(&p2.objectives[0]), vec!["undo"]);
        assert_eq!(values(&p2.objectives[1]), vec!["accept", "reject"]);
        assert_eq!(
            p2.objectives[1].actions[0].url,
            "/mappings/20/decision?lang=en"
        );
        assert_eq!(p2.objectives[1].terms, "“víctimas de trata”");
        assert_eq!(
            p2.principles[0].actions[1].url,
            "/items/doc-p002/principles/human%20rights/decision?lang=en"
        );
        // Neither 10 nor 11 is offered to add again; 21 other objectives are.
        assert_eq!(p2.missing_objectives.len(), 21);
        assert!(!p2
            .missing_principles
            .iter()
            .any(|c| c.value == "human rights"));
        // The rejection is listed as such, with its undo, and is not marked in the text.
        let p3 = &views[2];
        assert!(p3.reviewed);
        assert_eq!(p3.objectives[0].state, "rejected");
        assert_eq!(
            p3.objectives[0].actions[0].url,
            "/mappings/30/decision?lang=en"
        );
        assert!(p3.segments.iter().all(|s| !s.marked));
        // Not evidence: reviewed, and its form takes it back.
        assert_eq!(views[3].status, "not evidence");
        assert_eq!(views[3].not_evidence_action.value, "0");
        // Each passage points to the next undecided one after it: p5 after p2, none after p5.
        assert_eq!(views[0].next_undecided.as_deref(), Some("#p-doc-p002"));
        assert_eq!(p2.next_undecided.as_deref(), Some("#p-doc-p005"));
        assert_eq!(views[4].next_undecided, None);
    }

    #[test]
    fn filters_choose_the_passages_and_travel_in_the_forms() {
        let dataset = Dataset::default();
        let undecided = ReviewFilter {
            show: Show::Undecided,
            ..ReviewFilter::default()
        };
        let (views, progress) = passage_views(&data(), undecided, names(&dataset));
        let anchors: Vec<&str> = views.iter().map(|v| v.anchor.as_str()).collect();
        assert_eq!(anchors, vec!["p-doc-p002", "p-doc-p005"]);
        // The progress counts every passage, whatever is shown.
        assert_eq!(progress.passages, 5);
        assert_eq!(
            views[0].add_objective_url,
            "/items/doc-p002/objectives?show=undecided&lang=en"
        );
        // One objective: its rejected suggestions count too (p3 and p5 for 20).
        let twenty = ReviewFilter {
            show: Show::All,
            objective: Some(20),
            ..ReviewFilter::default()
        };
        let (views, _) = passage_views(&data(), twenty, names(&dataset));
        let anchors: Vec<&str> = views.iter().map(|v| v.anchor.as_str()).collect();
        assert_eq!(anchors, vec!["p-doc-p003", "p-doc-p005"]);
        assert_eq!(twenty.query(Lang::Es), "objective=20&lang=es");
    }

    #[test]
    fn the_filters_of_the_address_are_checked() {
        let parse = |show: Option<&str>, objective: Option<&str>| {
            ReviewFilter::parse(&ReviewParams {
                show: show.map(String::from),
                objective: objective.map(String::from),
                page: None,
            })
        };
        assert_eq!(parse(None, None).unwrap(), ReviewFilter::default());
        assert_eq!(
            parse(Some("undecided"), Some(" 7 ")).unwrap().objective,
            Some(7)
        );
        assert_eq!(parse(Some("some"), None).unwrap_err().parameter, "show");
        assert_eq!(parse(None, Some("0")).unwrap_err().parameter, "objective");
        assert_eq!(parse(None, Some("x")).unwrap_err().parameter, "objective");
        let page = |text: &str| {
            ReviewFilter::parse(&ReviewParams {
                page: Some(text.into()),
                ..ReviewParams::default()
            })
        };
        assert_eq!(page("2").unwrap().page, 2);
        let error = page("0").unwrap_err();
        assert_eq!(error.parameter, "page");
        assert!(error.to_string().contains("a page number"), "{error}");
    }

    /// Five passages of which p2 and p5 are undecided (see `data`), cut into pages of two.
    #[test]
    fn passages_are_paged_and_links_to_other_pages_carry_their_page() {
        let dataset = Dataset::default();
        let page = |n: usize| {
            let filter = ReviewFilter {
                page: n,
                ..ReviewFilter::default()
            };
            let (views, _) = passage_views(&data(), filter, names(&dataset));
            paginate(views, filter, "/documents/doc", Lang::En, 2)
        };
        // Page 1 holds p1 and p2 (2 of 5 passages, 3 pages). p2 is undecided, so "next undecided" of the
        // page is p2 on this page; p2's own next undecided is p5, on page 3.
        let (views, paging, next) = page(1);
        let anchors: Vec<&str> = views.iter().map(|v| v.anchor.as_str()).collect();
        assert_eq!(anchors, vec!["p-doc-p001", "p-doc-p002"]);
        assert_eq!(next.as_deref(), Some("#p-doc-p002"));
        assert_eq!(
            views[1].next_undecided.as_deref(),
            Some("/documents/doc?page=3&lang=en#p-doc-p005")
        );
        let paging = paging.expect("three pages");
        assert_eq!(paging.text, "Passages 1–2 of 5 · page 1 of 3");
        assert_eq!(paging.previous_href, None);
        assert_eq!(
            paging.next_href.as_deref(),
            Some("/documents/doc?page=2&lang=en")
        );
        // Page 2 holds p3 and p4, both reviewed: the page's "next undecided" is the first undecided
        // passage of all, p2, back on page 1 (its address has no page: page 1 is the default).
        let (views, paging, next) = page(2);
        assert_eq!(views.len(), 2);
        assert_eq!(next.as_deref(), Some("/documents/doc?lang=en#p-doc-p002"));
        assert_eq!(
            paging.unwrap().previous_href.as_deref(),
            Some("/documents/doc?lang=en")
        );
        // Past the last page is the last page: p5 alone, "Passages 5–5".
        let (views, paging, _) = page(9);
        assert_eq!(views.len(), 1);
        assert_eq!(paging.unwrap().text, "Passages 5–5 of 5 · page 3 of 3");
        // All on one page: no pager at all.
        let filter = ReviewFilter::default();
        let (views, _) = passage_views(&data(), filter, names(&dataset));
        let (views, paging, _) = paginate(views, filter, "/documents/doc", Lang::En, 50);
        assert_eq!((views.len(), paging), (5, None));
    }
}
