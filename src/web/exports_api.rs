//! `/exports/*.csv`: the indicator tables as CSV files, with a file name that says what they hold and an
//! ETag so an unchanged table is not sent twice.

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use super::indicators_api::dataset;
use super::{ApiError, AppState};
use crate::exports::{self, ExportQuery, Kind};

pub async fn indicators_csv(
    state: web::Data<AppState>,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, ApiError> {
    export(state, query.into_inner(), Kind::Indicators).await
}

pub async fn coverage_matrix_csv(
    state: web::Data<AppState>,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, ApiError> {
    export(state, query.into_inner(), Kind::CoverageMatrix).await
}

async fn export(
    state: web::Data<AppState>,
    query: ExportQuery,
    kind: Kind,
) -> Result<HttpResponse, ApiError> {
    query.csv_options()?; // a bad option is refused before any work
    let data = dataset(&state).await?;
    // Computing and encoding a table is CPU work: the blocking pool does it, not an HTTP worker.
    let rendered = state
        .render(move || exports::render(&data, &query, kind, chrono::Utc::now().date_naive()))
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
    query: web::Query<super::evidence_api::EvidenceQuery>,
    options: web::Query<CsvParams>,
) -> Result<HttpResponse, ApiError> {
    let options = ExportQuery {
        excel: options.excel.clone(),
        lang: options.lang.clone(),
        ..Default::default()
    }
    .csv_options()?;
    let filter = super::evidence_api::parse_filter(&query)?;
    let for_db = filter.clone();
    let items = state
        .with_db(move |conn| {
            if let Err(error) = super::evidence_api::check_references(conn, &for_db)? {
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

/// Only the CSV options, read beside the evidence filters.
#[derive(Debug, Default, serde::Deserialize)]
pub struct CsvParams {
    excel: Option<String>,
    lang: Option<String>,
}

/// `/exports/bundle.zip`: every table for the same selection, the methodology and a metadata file.
pub async fn bundle(
    state: web::Data<AppState>,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    query.csv_options()?;
    let data = dataset(&state).await?;
    let filter = exports::bundle_evidence_filter(&data, &query)?;
    let items = state
        .with_db(move |conn| crate::db::items::all(conn, &filter))
        .await?;
    let generated = chrono::Utc::now();
    let rendered = state
        .render(move || exports::bundle(&data, &query, &items, generated))
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
