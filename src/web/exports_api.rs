//! `/exports/*.csv`: the indicator tables as CSV files, with a file name that says what they hold and an
//! ETag so an unchanged table is not sent twice.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::extract::Selected;
use super::{ApiError, AppState};
use crate::exports::{self, Kind};
use crate::selection::evidence::{check_references, EvidenceParams};

/// `excel=1`: the table for Excel (byte-order mark; with `lang=es` or `pt`, `;` and decimal commas).
#[derive(Debug, Default, Deserialize)]
pub struct TableParams {
    excel: Option<String>,
}

pub async fn indicators_csv(
    state: web::Data<AppState>,
    selected: Selected,
    table: web::Query<TableParams>,
) -> Result<HttpResponse, ApiError> {
    export(state, selected, &table, Kind::Indicators).await
}

pub async fn coverage_matrix_csv(
    state: web::Data<AppState>,
    selected: Selected,
    table: web::Query<TableParams>,
) -> Result<HttpResponse, ApiError> {
    export(state, selected, &table, Kind::CoverageMatrix).await
}

async fn export(
    state: web::Data<AppState>,
    selected: Selected,
    table: &TableParams,
    kind: Kind,
) -> Result<HttpResponse, ApiError> {
    let Selected { data, selection } = selected;
    let options = exports::csv_options(&table.excel, &selection)?;
    // Computing and encoding a table is CPU work: the blocking pool does it, not an HTTP worker.
    let today = chrono::Utc::now().date_naive();
    let rendered = state
        .render(move || exports::render(&data, &selection, options, kind, today))
        .await??;
    respond(rendered.file_name, rendered.bytes)
}

/// A CSV answer: an attachment with its file name (the scope's middleware adds the ETag).
fn respond(file_name: String, bytes: Vec<u8>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file_name}\""),
        ))
        .body(bytes))
}

/// `/exports/evidence.csv` with the filters of `/api/v1/evidence` (no paging: every matching item).
pub async fn evidence_csv(
    state: web::Data<AppState>,
    selected: Selected,
    filters: web::Query<EvidenceParams>,
    table: web::Query<TableParams>,
) -> Result<HttpResponse, ApiError> {
    let options = exports::csv_options(&table.excel, &selected.selection)?;
    let filter = filters.filter()?;
    let for_db = filter.clone();
    let items = state
        .with_db(move |conn| {
            let known = crate::db::lookups::known_references(conn, &for_db)?;
            if let Err(error) = check_references(&for_db, &known) {
                return Ok(Err(error));
            }
            Ok(Ok(crate::db::items::all(conn, &for_db)?))
        })
        .await??;
    let bytes = state
        .render(move || exports::encode(&exports::evidence_table(&items), options))
        .await?;
    let file_name = exports::evidence_file_name(&filter, chrono::Utc::now().date_naive());
    respond(file_name, bytes)
}

/// `/exports/bundle.zip`: every table for the same selection, the methodology and a metadata file.
pub async fn bundle(
    state: web::Data<AppState>,
    selected: Selected,
    table: web::Query<TableParams>,
) -> Result<HttpResponse, ApiError> {
    let Selected { data, selection } = selected;
    let options = exports::csv_options(&table.excel, &selection)?;
    let filter = exports::bundle_evidence_filter(&selection);
    let items = state
        .with_db(move |conn| crate::db::items::all(conn, &filter))
        .await?;
    let generated = chrono::Utc::now();
    let edition = state.edition.as_ref().map(|opened| opened.info.clone());
    let rendered = state
        .render(move || {
            exports::bundle(
                &data,
                &selection,
                options,
                &items,
                generated,
                edition.as_deref(),
            )
        })
        .await?
        .map_err(|error| match error {
            exports::BundleError::Param(error) => ApiError::from(error),
            exports::BundleError::Zip(error) => ApiError::Internal(error),
        })?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/zip"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", rendered.file_name),
        ))
        .body(rendered.bytes))
}
