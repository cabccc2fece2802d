//! `/api/v1/sources`, `/api/v1/evidence`, `/api/v1/cycles` and `/api/v1/champions`: the documents and
//! the evidence read out of them.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::answers::evidence::{
    ChampionsAnswer, CyclesAnswer, EvidenceListAnswer, ItemAnswer, SourceAnswer, SourcesAnswer,
};
use super::answers::ErrorAnswer;
use super::{ApiError, AppState};
use crate::db::{cycles, items, sources};
use crate::evidence::source_lines;
use crate::selection::evidence::{check_references, EvidenceParams};
use crate::selection::ParamError;

/// Largest span of source lines one request may read.
pub const MAX_LINES: usize = 2000;
/// Lines shown before and after an item's span as its context.
pub const CONTEXT_LINES: i32 = 3;

/// The source documents.
#[utoipa::path(get, path = "/api/v1/sources", tag = "evidence",
    responses((status = 200, body = SourcesAnswer)))]
pub async fn sources(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let list = state.with_db(|conn| sources::list(conn)).await?;
    Ok(HttpResponse::Ok().json(SourcesAnswer {
        count: list.len(),
        sources: list.iter().map(SourceAnswer::new).collect(),
    }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SourceParams {
    /// A span of the source's lines: START-END or LINE (1-based), at most 2,000 lines.
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

/// One source; with `lines=`, a span of its numbered lines.
#[utoipa::path(get, path = "/api/v1/sources/{id}", tag = "evidence",
    params(("id" = String, Path, description = "source id"), SourceParams),
    responses((status = 200, body = SourceAnswer), (status = 400, body = ErrorAnswer),
        (status = 404, body = ErrorAnswer)))]
pub async fn source(
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<SourceParams>,
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
    let answer = SourceAnswer::new(&summary);
    let answer = match span {
        None => answer,
        Some((start, end)) => {
            let lines = source_lines(&body);
            if start > lines.len() {
                return Err(ApiError::bad_parameter(
                    "lines",
                    format!("source `{id}` has {} lines", lines.len()),
                ));
            }
            answer.with_lines(&lines, start, end.min(lines.len()))
        }
    };
    Ok(HttpResponse::Ok().json(answer))
}

/// Evidence items, filtered and paged, ordered by source and line.
#[utoipa::path(get, path = "/api/v1/evidence", params(EvidenceParams), tag = "evidence",
    responses((status = 200, body = EvidenceListAnswer), (status = 400, body = ErrorAnswer)))]
pub async fn evidence_list(
    state: web::Data<AppState>,
    query: web::Query<EvidenceParams>,
) -> Result<HttpResponse, ApiError> {
    let page = query.page()?;
    let for_db = page.clone();
    let found = state
        .with_db(move |conn| {
            let known = crate::db::lookups::known_references(conn, &for_db.filter)?;
            if let Err(error) = check_references(&for_db.filter, &known) {
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
    let (total, items) = found?;
    Ok(HttpResponse::Ok().json(EvidenceListAnswer::new(
        &page.filter,
        &items,
        total,
        page.limit,
        page.offset,
    )))
}

/// One item with its mappings, countries and roles, and the source lines around its span.
#[utoipa::path(get, path = "/api/v1/evidence/{id}", tag = "evidence",
    params(("id" = String, Path, description = "item id")),
    responses((status = 200, body = ItemAnswer), (status = 404, body = ErrorAnswer)))]
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
    Ok(HttpResponse::Ok().json(ItemAnswer::new(&item).with_context(&context)))
}

/// The review cycles with their sources, items and voluntary national reports.
#[utoipa::path(get, path = "/api/v1/cycles", tag = "evidence",
    responses((status = 200, body = CyclesAnswer)))]
pub async fn cycles(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let cycles = state.with_db(|conn| cycles::list(conn)).await?;
    Ok(HttpResponse::Ok().json(CyclesAnswer::new(&cycles)))
}

/// The GCM champion countries, with the source lines that say so.
#[utoipa::path(get, path = "/api/v1/champions", tag = "evidence",
    responses((status = 200, body = ChampionsAnswer)))]
pub async fn champions(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let champions = state.with_db(|conn| cycles::champions(conn)).await?;
    Ok(HttpResponse::Ok().json(ChampionsAnswer::new(&champions)))
}

/// A bad filter is a 400 naming it.
impl From<ParamError> for ApiError {
    fn from(error: ParamError) -> ApiError {
        ApiError::bad_parameter(&error.parameter, error.message)
    }
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
}
