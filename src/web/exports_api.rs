//! `/exports/*.csv`: the indicator tables as CSV files, with a file name that says what they hold and an
//! ETag so an unchanged table is not sent twice.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

use super::indicators_api::dataset;
use super::params::given;
use super::{ApiError, AppState};
use crate::exports::{self, ExportQuery, Kind};

pub async fn indicators_csv(
    state: web::Data<AppState>,
    request: HttpRequest,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, ApiError> {
    export(state, request, query.into_inner(), Kind::Indicators).await
}

pub async fn coverage_matrix_csv(
    state: web::Data<AppState>,
    request: HttpRequest,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, ApiError> {
    export(state, request, query.into_inner(), Kind::CoverageMatrix).await
}

async fn export(
    state: web::Data<AppState>,
    request: HttpRequest,
    query: ExportQuery,
    kind: Kind,
) -> Result<HttpResponse, ApiError> {
    query.csv_options()?; // a bad option is refused before any work
    let data = dataset(&state).await?;
    // Computing and encoding a table is CPU work: the blocking pool does it, not an HTTP worker.
    let rendered =
        web::block(move || exports::render(&data, &query, kind, chrono::Utc::now().date_naive()))
            .await??;
    respond(&request, rendered.file_name, rendered.bytes)
}

/// A CSV answer: attachment with its file name, and an ETag honoured through If-None-Match.
fn respond(
    request: &HttpRequest,
    file_name: String,
    bytes: Vec<u8>,
) -> Result<HttpResponse, ApiError> {
    let etag = {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(&bytes);
        format!(
            "\"{}\"",
            digest[..16]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        )
    };
    let unchanged = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag));
    if unchanged {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .finish());
    }
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file_name}\""),
        ))
        .insert_header((header::ETAG, etag))
        .body(bytes))
}

/// `/exports/evidence.csv` with the filters of `/api/v1/evidence` (no paging: every matching item).
pub async fn evidence_csv(
    state: web::Data<AppState>,
    request: HttpRequest,
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
            Ok(Ok(crate::db::evidence::all_evidence(conn, &for_db)?))
        })
        .await??;
    let bytes =
        web::block(move || exports::encode(&exports::evidence_table(&items), options)).await?;
    let label = filter
        .country
        .clone()
        .unwrap_or_else(|| "all".to_string())
        .to_lowercase();
    let cycle = if filter.cycles.is_empty() {
        "all".to_string()
    } else {
        filter.cycles.join("+")
    };
    let file_name = format!(
        "gcm-evidence_{label}_{cycle}_{}.csv",
        chrono::Utc::now().date_naive().format("%Y-%m-%d")
    );
    respond(&request, file_name, bytes)
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
    let options = query.csv_options()?;
    let data = dataset(&state).await?;
    let today = chrono::Utc::now().date_naive();
    let resolved = crate::indicators::request::resolve(&data, &query.indicators)?;
    let (tables_data, query) = (data.clone(), std::sync::Arc::new(query));
    let tables_query = query.clone();
    let (indicators, matrix) = web::block(move || {
        Ok::<_, crate::indicators::request::ParamError>((
            exports::render(&tables_data, &tables_query, Kind::Indicators, today)?,
            exports::render(&tables_data, &tables_query, Kind::CoverageMatrix, today)?,
        ))
    })
    .await??;
    let filter = crate::db::evidence::EvidenceFilter {
        cycles: resolved
            .selection
            .cycles
            .clone()
            .map(|c| c.into_iter().collect())
            .unwrap_or_default(),
        ..Default::default()
    };
    let items = state
        .with_db(move |conn| crate::db::evidence::all_evidence(conn, &filter))
        .await?;
    let evidence =
        web::block(move || exports::encode(&exports::evidence_table(&items), options)).await?;
    let generated = chrono::Utc::now();
    let metadata = serde_json::json!({
        "generated_at": generated.to_rfc3339(),
        "method_version": crate::indicators::METHOD_VERSION,
        "group": given(&query.indicators.group).unwrap_or("lac"),
        "cycles": resolved.selection.cycle_list(&data),
        "bases": resolved.selection.bases.iter().map(|b| b.as_str()).collect::<Vec<_>>(),
        "grouping": {"id": resolved.grouping.id, "version": resolved.grouping.version},
        "sources": resolved.selection.sources(&data),
        "files": {
            "indicators": indicators.file_name,
            "coverage_matrix": matrix.file_name,
            "evidence": "evidence.csv",
            "methodology": "METHODOLOGY.md",
        },
    });
    let files = vec![
        (indicators.file_name.clone(), indicators.bytes),
        (matrix.file_name.clone(), matrix.bytes),
        ("evidence.csv".to_string(), evidence),
        (
            "METHODOLOGY.md".to_string(),
            exports::METHODOLOGY.as_bytes().to_vec(),
        ),
        (
            "metadata.json".to_string(),
            serde_json::to_vec_pretty(&metadata).unwrap_or_default(),
        ),
    ];
    let archive = web::block(move || exports::zip_files(&files))
        .await?
        .map_err(ApiError::Internal)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/zip"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"gcm-bundle_{}.zip\"",
                today.format("%Y-%m-%d")
            ),
        ))
        .body(archive))
}
