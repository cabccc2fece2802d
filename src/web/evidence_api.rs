//! `/api/v1/sources` and `/api/v1/evidence`: the documents and the evidence read out of them.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use super::params::{self, given};
use super::{ApiError, AppState};
use crate::db::items::{self, EvidenceFilter, EvidenceItem};
use crate::db::sources::{self, SourceSummary};
use crate::db::{cycles, reference};
use crate::db::{DbError, PooledConn};
use crate::evidence::{source_lines, ITEM_KINDS};
use crate::framework::OBJECTIVE_COUNT;

/// Largest page of evidence items, and the default.
pub const MAX_LIMIT: i64 = 200;
pub const DEFAULT_LIMIT: i64 = 50;
/// Largest span of source lines one request may read.
pub const MAX_LINES: usize = 2000;
/// Lines shown before and after an item's span as its context.
pub const CONTEXT_LINES: i32 = 3;

#[derive(Serialize)]
struct Line<'a> {
    number: usize,
    text: &'a str,
}

fn source_json(s: &SourceSummary) -> serde_json::Value {
    serde_json::json!({
        "id": s.id,
        "title": s.title,
        "publisher": s.publisher,
        "kind": s.kind,
        "language": s.language,
        "published": s.published,
        "published_precision": s.published_precision,
        "cycle": s.cycle,
        "origin": s.file_name,
        "note": s.note,
        "checksum_sha256": s.checksum,
        "line_count": s.line_count,
        "items": s.items,
        "links": {"self": format!("/api/v1/sources/{}", s.id), "evidence": format!("/api/v1/evidence?source={}", s.id)},
    })
}

pub async fn sources(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let list = state.with_db(|conn| sources::list(conn)).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "count": list.len(),
        "sources": list.iter().map(source_json).collect::<Vec<_>>(),
    })))
}

#[derive(Debug, Deserialize)]
pub struct SourceQuery {
    lines: Option<String>,
}

/// Parses `a-b` or `a` (1-based, inclusive).
fn parse_lines(text: &str) -> Result<(usize, usize), ApiError> {
    let bad = || {
        ApiError::bad_parameter(
            "lines",
            format!("`{text}` is not a line span; use START-END or LINE, e.g. lines=120-140"),
        )
    };
    let (start, end) = match text.split_once('-') {
        Some((a, b)) => (a.trim().parse::<usize>(), b.trim().parse::<usize>()),
        None => (text.trim().parse::<usize>(), text.trim().parse::<usize>()),
    };
    let (start, end) = (start.map_err(|_| bad())?, end.map_err(|_| bad())?);
    if start == 0 || end < start {
        return Err(bad());
    }
    if end - start + 1 > MAX_LINES {
        return Err(ApiError::bad_parameter(
            "lines",
            format!("at most {MAX_LINES} lines per request"),
        ));
    }
    Ok((start, end))
}

pub async fn source(
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<SourceQuery>,
) -> Result<HttpResponse, ApiError> {
    let span = query.lines.as_deref().map(parse_lines).transpose()?;
    let id = id.into_inner();
    let lookup = id.clone();
    let found = state
        .with_db(move |conn| sources::with_text(conn, &lookup))
        .await?;
    let Some((summary, body)) = found else {
        return Err(ApiError::NotFound(format!("no source `{id}`")));
    };
    let mut answer = source_json(&summary);
    if let Some((start, end)) = span {
        let lines = source_lines(&body);
        if start > lines.len() {
            return Err(ApiError::bad_parameter(
                "lines",
                format!("source `{id}` has {} lines", lines.len()),
            ));
        }
        let end = end.min(lines.len());
        answer["lines"] = serde_json::json!(lines[start - 1..end]
            .iter()
            .enumerate()
            .map(|(i, text)| Line {
                number: start + i,
                text
            })
            .collect::<Vec<_>>());
        answer["span"] = serde_json::json!({"start": start, "end": end});
    }
    Ok(HttpResponse::Ok().json(answer))
}

/// The evidence list's query string, read as text so each bad value gets a message naming it.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct EvidenceQuery {
    pub country: Option<String>,
    pub objective: Option<String>,
    pub principle: Option<String>,
    pub kind: Option<String>,
    pub source: Option<String>,
    pub cycle: Option<String>,
    pub basis: Option<String>,
    pub q: Option<String>,
    pub limit: Option<String>,
    pub offset: Option<String>,
}

/// The parts of a query that can be checked without the database.
#[derive(Debug, Clone)]
struct ParsedQuery {
    filter: EvidenceFilter,
    limit: i64,
    offset: i64,
}

/// The filters alone (for the CSV export, which has no paging; `gcm export evidence` reads them too).
pub fn parse_filter(query: &EvidenceQuery) -> Result<EvidenceFilter, ApiError> {
    let without_paging = EvidenceQuery {
        limit: None,
        offset: None,
        ..query.clone()
    };
    Ok(parse_query(&without_paging)?.filter)
}

fn parse_query(query: &EvidenceQuery) -> Result<ParsedQuery, ApiError> {
    let mut filter = EvidenceFilter::default();
    if let Some(country) = given(&query.country) {
        let code = country.to_uppercase();
        if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(ApiError::bad_parameter(
                "country",
                format!("`{country}` is not an ISO 3166-1 alpha-3 code such as MEX"),
            ));
        }
        filter.country = Some(code);
    }
    if let Some(objective) = given(&query.objective) {
        match objective.parse::<i32>() {
            Ok(n) if (1..=OBJECTIVE_COUNT).contains(&n) => filter.objective = Some(n),
            _ => {
                return Err(ApiError::bad_parameter(
                    "objective",
                    format!(
                        "`{objective}` is not an objective number; accepted: 1-{OBJECTIVE_COUNT}"
                    ),
                ))
            }
        }
    }
    filter.principle = given(&query.principle).map(|p| p.to_lowercase());
    if let Some(kinds) = given(&query.kind) {
        for kind in params::list("kind", kinds)? {
            if !ITEM_KINDS.contains(&kind) {
                return Err(ApiError::bad_parameter(
                    "kind",
                    format!(
                        "`{kind}` is not a kind; accepted: {}",
                        ITEM_KINDS.join(", ")
                    ),
                ));
            }
            filter.kinds.push(kind.to_string());
        }
    }
    filter.source = given(&query.source).map(str::to_string);
    if let Some(cycles) = given(&query.cycle) {
        filter.cycles = params::list("cycle", cycles)?
            .into_iter()
            .map(str::to_string)
            .collect();
    }
    if let Some(bases) = given(&query.basis) {
        filter.bases = params::bases(bases)?;
    }
    filter.text = given(&query.q).map(str::to_string);
    let limit = match given(&query.limit) {
        None => DEFAULT_LIMIT,
        Some(text) => match text.parse::<i64>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
            _ => {
                return Err(ApiError::bad_parameter(
                    "limit",
                    format!("`{text}` is not a page size; accepted: 1-{MAX_LIMIT}"),
                ))
            }
        },
    };
    let offset = match given(&query.offset) {
        None => 0,
        Some(text) => match text.parse::<i64>() {
            Ok(n) if n >= 0 => n,
            _ => {
                return Err(ApiError::bad_parameter(
                    "offset",
                    format!("`{text}` is not an offset; accepted: 0 or more"),
                ))
            }
        },
    };
    Ok(ParsedQuery {
        filter,
        limit,
        offset,
    })
}

/// Checks the values that name stored things (country, principle, source, cycle); `Ok(Err(..))` is a
/// bad request, `Err(..)` a database failure.
pub fn check_references(
    conn: &mut PooledConn,
    filter: &EvidenceFilter,
) -> Result<Result<(), ApiError>, DbError> {
    if let Some(country) = &filter.country {
        if !reference::country_exists(conn, country)? {
            return Ok(Err(ApiError::bad_parameter(
                "country",
                format!("unknown country code `{country}`; accepted: ISO 3166-1 alpha-3 codes (see /api/v1/countries)"),
            )));
        }
    }
    if let Some(principle) = &filter.principle {
        let keys = reference::principle_keys(conn)?;
        if !keys.contains(principle) {
            return Ok(Err(ApiError::bad_parameter(
                "principle",
                format!(
                    "unknown principle `{principle}`; accepted: {}",
                    keys.join(", ")
                ),
            )));
        }
    }
    if let Some(source) = &filter.source {
        let ids = sources::ids(conn)?;
        if !ids.contains(source) {
            return Ok(Err(ApiError::bad_parameter(
                "source",
                format!("unknown source `{source}`; accepted: {}", ids.join(", ")),
            )));
        }
    }
    if !filter.cycles.is_empty() {
        let ids = cycles::ids(conn)?;
        if let Some(cycle) = filter.cycles.iter().find(|c| !ids.contains(c)) {
            return Ok(Err(ApiError::bad_parameter(
                "cycle",
                format!("unknown cycle `{cycle}`; accepted: {}", ids.join(", ")),
            )));
        }
    }
    Ok(Ok(()))
}

pub async fn evidence_list(
    state: web::Data<AppState>,
    query: web::Query<EvidenceQuery>,
) -> Result<HttpResponse, ApiError> {
    let parsed = parse_query(&query)?;
    let for_db = parsed.clone();
    let outcome = state
        .with_db(move |conn| {
            if let Err(error) = check_references(conn, &for_db.filter)? {
                return Ok(Err(error));
            }
            Ok(Ok(items::search(
                conn,
                &for_db.filter,
                for_db.limit,
                for_db.offset,
            )?))
        })
        .await?;
    let (total, items) = outcome?;
    let next = parsed.offset + items.len() as i64;
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "total": total,
        "limit": parsed.limit,
        "offset": parsed.offset,
        "next_offset": if next < total { Some(next) } else { None },
        "filters": filter_json(&parsed.filter),
        "items": items.iter().map(item_json).collect::<Vec<_>>(),
    })))
}

fn filter_json(filter: &EvidenceFilter) -> serde_json::Value {
    serde_json::json!({
        "country": filter.country,
        "objective": filter.objective,
        "principle": filter.principle,
        "kind": filter.kinds,
        "source": filter.source,
        "cycle": filter.cycles,
        "basis": filter.bases.iter().map(|b| b.as_str()).collect::<Vec<_>>(),
        "q": filter.text,
    })
}

fn item_json(item: &EvidenceItem) -> serde_json::Value {
    let mut value = serde_json::to_value(item).unwrap_or_default();
    value["links"] = serde_json::json!({
        "self": format!("/api/v1/evidence/{}", item.id),
        "source_lines": format!(
            "/api/v1/sources/{}?lines={}-{}",
            item.source.id, item.line_start, item.line_end
        ),
    });
    value
}

pub async fn evidence_item(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let lookup = id.clone();
    let found = state
        .with_db(move |conn| {
            let Some(item) = items::by_id(conn, &lookup)? else {
                return Ok(None);
            };
            let text = sources::with_text(conn, &item.source.id)?.map(|(_, body)| body);
            Ok(Some((item, text.unwrap_or_default())))
        })
        .await?;
    let Some((item, body)) = found else {
        return Err(ApiError::NotFound(format!("no evidence item `{id}`")));
    };
    let context =
        crate::evidence::context_lines(&body, item.line_start, item.line_end, CONTEXT_LINES);
    let (from, to) = (
        context.first().map(|l| l.number).unwrap_or(0),
        context.last().map(|l| l.number).unwrap_or(0),
    );
    let mut answer = item_json(&item);
    answer["source_context"] = serde_json::json!({
        "source": item.source.id,
        "start": from,
        "end": to,
        "lines": context,
    });
    Ok(HttpResponse::Ok().json(answer))
}

pub async fn cycles(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let cycles = state.with_db(|conn| cycles::list(conn)).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "cycles": cycles.iter().map(|c| serde_json::json!({
            "id": c.id,
            "region": c.region,
            "title": {"en": c.title_en, "es": c.title_es},
            "review_start": c.review_start,
            "review_end": c.review_end,
            "feeds_until": c.feeds_until,
            "note": c.note,
            "sources": c.sources,
            "items": c.items,
            "voluntary_reports": c.submissions,
        })).collect::<Vec<_>>(),
    })))
}

pub async fn champions(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let champions = state.with_db(|conn| cycles::champions(conn)).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "count": champions.len(),
        "champions": champions.iter().map(|c| serde_json::json!({
            "iso3": c.iso3,
            "name": {"en": c.name_en, "es": c.name_es},
            "since": c.since,
            "as_of": c.as_of,
            "note": c.note,
            "source": c.source,
            "line_start": c.line_start,
            "line_end": c.line_end,
            "links": c.source.as_ref().map(|s| serde_json::json!({
                "source_lines": format!("/api/v1/sources/{s}?lines={}-{}",
                    c.line_start.unwrap_or(1), c.line_end.or(c.line_start).unwrap_or(1)),
            })),
        })).collect::<Vec<_>>(),
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_spans_parse_and_refuse() {
        assert_eq!(parse_lines("120-140").unwrap(), (120, 140));
        assert_eq!(parse_lines("7").unwrap(), (7, 7));
        for bad in ["0-3", "9-3", "a-b", "", "1-99999"] {
            assert!(parse_lines(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn query_values_are_checked_with_the_parameter_named() {
        let query = |f: fn(&mut EvidenceQuery)| {
            let mut q = EvidenceQuery::default();
            f(&mut q);
            parse_query(&q)
        };
        let name = |r: Result<ParsedQuery, ApiError>| match r {
            Err(ApiError::BadRequest { parameter, .. }) => parameter,
            other => panic!("expected a bad request, got {other:?}"),
        };
        assert_eq!(
            name(query(|q| q.objective = Some("24".into()))),
            "objective"
        );
        assert_eq!(name(query(|q| q.objective = Some("x".into()))), "objective");
        assert_eq!(
            name(query(|q| q.country = Some("MEXICO".into()))),
            "country"
        );
        assert_eq!(
            name(query(|q| q.kind = Some("practice,rumour".into()))),
            "kind"
        );
        assert_eq!(name(query(|q| q.basis = Some("guess".into()))), "basis");
        assert_eq!(name(query(|q| q.limit = Some("500".into()))), "limit");
        assert_eq!(name(query(|q| q.offset = Some("-1".into()))), "offset");
        let ok = query(|q| {
            q.country = Some("mex".into());
            q.basis = Some("cited,subject".into());
        })
        .unwrap();
        assert_eq!(ok.filter.country.as_deref(), Some("MEX"));
        assert_eq!(
            ok.filter.bases,
            vec![
                crate::evidence::Basis::Cited,
                crate::evidence::Basis::Subject
            ]
        );
        assert_eq!(ok.limit, DEFAULT_LIMIT);
    }
}
