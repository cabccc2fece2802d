//! `/api/v1/framework` and `/api/v1/countries`.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use super::{ApiError, AppState};
use crate::db::reference::{self, CountryFilter, CountryWithBlocs};
use crate::framework::Framework;

/// A text in the service's two languages.
#[derive(Debug, Serialize)]
pub struct Bilingual<'a> {
    pub en: &'a str,
    pub es: &'a str,
}

fn bilingual<'a>(en: &'a str, es: &'a str) -> Bilingual<'a> {
    Bilingual { en, es }
}

pub async fn framework(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let framework = state.with_db(|conn| reference::framework(conn)).await?;
    Ok(HttpResponse::Ok().json(framework_json(&framework)))
}

fn framework_json(f: &Framework) -> serde_json::Value {
    serde_json::json!({
        "version": f.version,
        "objectives": f.objectives.iter().map(|o| serde_json::json!({
            "number": o.number,
            "title": bilingual(&o.title_en, &o.title_es),
            "short_label": bilingual(&o.short_en, &o.short_es),
        })).collect::<Vec<_>>(),
        "principles": f.principles.iter().map(|p| serde_json::json!({
            "key": p.key,
            "position": p.position,
            "name": bilingual(&p.name_en, &p.name_es),
        })).collect::<Vec<_>>(),
        "groupings": f.groupings.iter().map(|g| serde_json::json!({
            "id": g.id,
            "version": g.version,
            "default": g.default,
            "title": bilingual(&g.title_en, &g.title_es),
            "source": g.source,
            "groups": g.groups.iter().map(|group| serde_json::json!({
                "id": group.id,
                "title": bilingual(&group.title_en, &group.title_es),
                "objectives": group.objectives,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

#[derive(Debug, Deserialize)]
pub struct CountriesQuery {
    subregion: Option<String>,
    bloc: Option<String>,
}

pub async fn countries(
    state: web::Data<AppState>,
    query: web::Query<CountriesQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let result = state
        .with_db(move |conn| {
            // Validation needs the stored lists, so it runs with the same connection; the outcome is a
            // Result inside the Result: the outer one is the database, the inner one the request.
            let mut filter = CountryFilter::default();
            if let Some(wanted) = query.subregion.as_deref().filter(|s| !s.is_empty()) {
                let known = reference::subregions(conn)?;
                match known.iter().find(|s| s.eq_ignore_ascii_case(wanted.trim())) {
                    Some(canonical) => filter.subregion = Some(canonical.clone()),
                    None => {
                        return Ok(Err(ApiError::bad_parameter(
                            "subregion",
                            format!(
                                "unknown subregion `{wanted}`; accepted (UN M49): {}",
                                known.join(", ")
                            ),
                        )))
                    }
                }
            }
            if let Some(wanted) = query.bloc.as_deref().filter(|s| !s.is_empty()) {
                let known = reference::bloc_ids(conn)?;
                match known.iter().find(|b| b.eq_ignore_ascii_case(wanted.trim())) {
                    Some(canonical) => filter.bloc = Some(canonical.clone()),
                    None => {
                        return Ok(Err(ApiError::bad_parameter(
                            "bloc",
                            format!("unknown bloc `{wanted}`; accepted: {}", known.join(", ")),
                        )))
                    }
                }
            }
            Ok(Ok(reference::countries(conn, &filter)?))
        })
        .await?;
    let countries = result?;
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "count": countries.len(),
        "countries": countries.iter().map(country_json).collect::<Vec<_>>(),
    })))
}

fn country_json(c: &CountryWithBlocs) -> serde_json::Value {
    let country = &c.country;
    serde_json::json!({
        "iso3": country.iso3,
        "iso2": country.iso2,
        "m49": country.m49,
        "name": bilingual(&country.name_en, &country.name_es),
        "region": country.region,
        "subregion": country.subregion,
        "blocs": c.blocs,
        "aliases": country.aliases.split('|').filter(|a| !a.is_empty()).collect::<Vec<_>>(),
    })
}
