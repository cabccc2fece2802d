//! `/exports/*.csv`: the indicator tables as CSV files, with a file name that says what they hold and an
//! ETag so an unchanged table is not sent twice.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::indicators_api::{dataset, members, resolve, IndicatorQuery};
use super::params::given;
use super::{ApiError, AppState};
use crate::exports::{self, CsvOptions, TableScope};
use crate::indicators::{self, groups::Group};

#[derive(Debug, Default, Deserialize)]
pub struct ExportQuery {
    #[serde(flatten)]
    indicators: IndicatorQuery,
    excel: Option<String>,
    lang: Option<String>,
}

/// Which table.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Indicators,
    CoverageMatrix,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Indicators => "indicators",
            Kind::CoverageMatrix => "coverage-matrix",
        }
    }
}

fn csv_options(query: &ExportQuery) -> Result<CsvOptions, ApiError> {
    let excel = match given(&query.excel) {
        None | Some("0") | Some("false") => false,
        Some("1") | Some("true") => true,
        Some(other) => {
            return Err(ApiError::bad_parameter(
                "excel",
                format!("`{other}` is not accepted; accepted: 1 (for Excel) or 0"),
            ))
        }
    };
    let lang = given(&query.lang);
    if let Some(lang) = lang {
        if !["en", "es", "pt", "fr"].contains(&lang) {
            return Err(ApiError::bad_parameter(
                "lang",
                format!("`{lang}` is not accepted; accepted: en, es, pt, fr"),
            ));
        }
    }
    Ok(CsvOptions::new(excel, lang))
}

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
    let options = csv_options(&query)?;
    let data = dataset(&state).await?;
    let resolved = resolve(&data, &query.indicators)?;
    let (group, countries) = members(&data, "group", given(&query.indicators.group), Group::Lac)?;
    let rows = indicators::compute(&data, &resolved.selection, &resolved.grouping, &countries);
    let scope = TableScope {
        data: &data,
        selection: &resolved.selection,
        grouping: &resolved.grouping,
        group: group.to_string(),
    };
    let table = match kind {
        Kind::Indicators => exports::indicators_table(&scope, &rows),
        Kind::CoverageMatrix => exports::coverage_matrix_table(&scope, &rows),
    };
    let bytes = exports::encode(&table, options);
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
    let file_name = scope.file_name(kind.name(), chrono::Utc::now().date_naive());
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file_name}\""),
        ))
        .insert_header((header::ETAG, etag))
        .body(bytes))
}
