//! Indicator endpoints. The dataset is read once per version of the evidence store and cached; the
//! indicators themselves are computed per request by the pure core, which takes milliseconds.

use std::sync::Arc;

use actix_web::{web, HttpResponse};
use serde_json::{json, Value};

use super::params::given;
use super::{ApiError, AppState};
use crate::framework::OBJECTIVE_COUNT;
use crate::indicators::request::{
    change_cycles, members, peers, resolve, IndicatorQuery, Resolved,
};
use crate::indicators::{self, groups::Group, CountryIndicators, Dataset, METHOD_VERSION};

/// What every answer states about what it counted: the denominator of its figures.
fn counted(data: &Dataset, resolved: &Resolved, group: Option<(&Group, usize)>) -> Value {
    json!({
        "method_version": METHOD_VERSION,
        "cycles": resolved.selection.cycle_list(data),
        "bases": resolved.selection.bases.iter().map(|b| b.as_str()).collect::<Vec<_>>(),
        "sources": resolved.selection.sources(data),
        "grouping": resolved.grouping.id,
        "grouping_version": resolved.grouping.version,
        "group": group.map(|(g, _)| g.to_string()),
        "countries_in_group": group.map(|(_, n)| n),
        "credit": "items credited to the country (reporting_iso3)",
    })
}

fn name(data: &Dataset, iso3: &str) -> Value {
    data.countries
        .get(iso3)
        .map(|c| json!({"en": c.name_en, "es": c.name_es}))
        .unwrap_or(Value::Null)
}

fn evidence_link(iso3: &str, objective: i32, resolved: &Resolved) -> String {
    let mut link = format!("/api/v1/evidence?country={iso3}&objective={objective}");
    if let Some(cycles) = &resolved.selection.cycles {
        let cycles: Vec<&str> = cycles.iter().map(String::as_str).collect();
        link.push_str(&format!("&cycle={}", cycles.join(",")));
    }
    let bases: Vec<&str> = resolved
        .selection
        .bases
        .iter()
        .map(|b| b.as_str())
        .collect();
    link.push_str(&format!("&basis={}", bases.join(",")));
    link
}

/// One country's indicators as JSON; `full` adds the items behind each cell.
fn country_json(data: &Dataset, c: &CountryIndicators, resolved: &Resolved, full: bool) -> Value {
    let overall_total = OBJECTIVE_COUNT as usize;
    json!({
        "iso3": c.iso3,
        "name": name(data, &c.iso3),
        "evidence_status": if c.has_evidence() { "evidence" } else { "no evidence in these sources" },
        "items_counted": c.items_counted,
        "objectives_covered": c.objectives_covered,
        "objectives_total": overall_total,
        "objectives_share": c.objectives_share,
        "objectives": c.objectives.iter().map(|o| {
            let mut cell = json!({
                "objective": o.objective,
                "depth": o.depth,
                "evidence_count": o.evidence_count,
                "status": if o.depth > 0 { "evidence" } else { "no evidence in these sources" },
            });
            if full {
                cell["items"] = json!(o.items);
                cell["evidence"] = json!(evidence_link(&c.iso3, o.objective, resolved));
            }
            cell
        }).collect::<Vec<_>>(),
        "areas": c.areas.iter().map(|a| json!({
            "id": a.id, "covered": a.covered, "total": a.total, "share": a.share,
        })).collect::<Vec<_>>(),
        "overall": {"covered": c.objectives_covered, "total": overall_total,
                    "note": "each objective counted once, objective 23 included"},
        "principles_covered": c.principles_covered,
        "principles_total": c.principles.len(),
        "principles": c.principles.iter().map(|p| {
            let mut cell = json!({"principle": p.principle, "evidence_count": p.evidence_count});
            if full { cell["items"] = json!(p.items); }
            cell
        }).collect::<Vec<_>>(),
        "balance": {"measure": "normalised Shannon evenness of area coverage shares", "value": c.balance},
        "solidity": {
            "mappings_counted": c.mappings_counted,
            "basis_counts": c.basis_counts,
            "solid_share": c.solid_share,
            "solid_bases": ["cited", "reviewed"],
        },
        "reporting": {
            "voluntary_reports": c.voluntary_reports,
            "submitted_to_selected_cycles": match &resolved.selection.cycles {
                None => !c.voluntary_reports.is_empty(),
                Some(cycles) => c.voluntary_reports.iter().any(|r| cycles.contains(r)),
            },
        },
        "sources": c.sources,
    })
}

/// Loads the dataset of the current store version, from the cache when it is current.
pub(super) async fn dataset(state: &AppState) -> Result<Arc<Dataset>, ApiError> {
    let cache = state.indicator_cache.clone();
    state
        .with_db(move |conn| {
            let version = crate::db::version::current(conn)?;
            if let Some((cached, data)) = cache.lock().ok().and_then(|c| c.clone()) {
                if cached == version {
                    return Ok(data);
                }
            }
            let (version, data) = crate::db::indicators::load_versioned_dataset(conn)?;
            let data = Arc::new(data);
            if let Ok(mut slot) = cache.lock() {
                *slot = Some((version, data.clone()));
            }
            Ok(data)
        })
        .await
}

pub async fn indicators(
    state: web::Data<AppState>,
    query: web::Query<IndicatorQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = dataset(&state).await?;
    let resolved = resolve(&data, &query)?;
    let (group, members) = members(&data, "group", given(&query.group), Group::Lac)?;
    let rows = indicators::compute(&data, &resolved.selection, &resolved.grouping, &members);
    Ok(HttpResponse::Ok().json(json!({
        "method_version": METHOD_VERSION,
        "counted": counted(&data, &resolved, Some((&group, members.len()))),
        "countries_with_evidence": rows.iter().filter(|r| r.has_evidence()).count(),
        "countries": rows.iter().map(|r| country_json(&data, r, &resolved, false)).collect::<Vec<_>>(),
    })))
}

pub async fn profile(
    state: web::Data<AppState>,
    iso3: web::Path<String>,
    query: web::Query<IndicatorQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = dataset(&state).await?;
    let iso3 = iso3.into_inner().to_uppercase();
    let Some(info) = data.countries.get(&iso3) else {
        return Err(ApiError::NotFound(format!(
            "no country `{iso3}`; use an ISO 3166-1 alpha-3 code such as MEX"
        )));
    };
    let resolved = resolve(&data, &query)?;
    let own = indicators::compute(
        &data,
        &resolved.selection,
        &resolved.grouping,
        std::slice::from_ref(&iso3),
    )
    .remove(0);

    // Peers: the country's subregion unless `peers=` names another group.
    let (peer_group, peer_members) = peers(&data, &query, &iso3)?;
    let peer_rows = indicators::compute(
        &data,
        &resolved.selection,
        &resolved.grouping,
        &peer_members,
    );
    let peers = indicators::compare_with_peers(&own, &peer_rows);

    // Change between two cycles: by default the two latest review cycles.
    let change = match change_cycles(&data, &query)? {
        Some((from, to)) => {
            let (change, _, _) = indicators::country_change(
                &data,
                &resolved.selection,
                &resolved.grouping,
                &iso3,
                (&from, &to),
            );
            json!(change)
        }
        _ => Value::Null,
    };

    let mut body = country_json(&data, &own, &resolved, true);
    body["method_version"] = json!(METHOD_VERSION);
    body["counted"] = counted(&data, &resolved, None);
    body["subregion"] = json!(info.subregion);
    body["blocs"] = json!(info.blocs);
    body["champion"] = json!(info.champion);
    body["peers"] = json!({"group": peer_group.to_string(), "comparison": peers});
    body["change"] = change;
    Ok(HttpResponse::Ok().json(body))
}

pub async fn objective_countries(
    state: web::Data<AppState>,
    objective: web::Path<String>,
    query: web::Query<IndicatorQuery>,
) -> Result<HttpResponse, ApiError> {
    let objective = objective.into_inner();
    let number = match objective.parse::<i32>() {
        Ok(n) if (1..=OBJECTIVE_COUNT).contains(&n) => n,
        _ => {
            return Err(ApiError::bad_parameter(
                "objective",
                format!("`{objective}` is not an objective number; accepted: 1-{OBJECTIVE_COUNT}"),
            ))
        }
    };
    let data = dataset(&state).await?;
    let resolved = resolve(&data, &query)?;
    let (group, members) = members(&data, "group", given(&query.group), Group::Lac)?;
    let rows = indicators::compute(&data, &resolved.selection, &resolved.grouping, &members);
    let mut cells: Vec<Value> = rows
        .iter()
        .map(|r| {
            let cell = &r.objectives[number as usize - 1];
            json!({
                "iso3": r.iso3,
                "name": name(&data, &r.iso3),
                "depth": cell.depth,
                "evidence_count": cell.evidence_count,
                "status": if cell.depth > 0 { "evidence" } else { "no evidence in these sources" },
                "country_has_evidence": r.has_evidence(),
                "items": cell.items,
                "evidence": evidence_link(&r.iso3, number, &resolved),
            })
        })
        .collect();
    // Deepest first, then most items, then code: who has done this, first.
    cells.sort_by(|a, b| {
        b["depth"]
            .as_u64()
            .cmp(&a["depth"].as_u64())
            .then(
                b["evidence_count"]
                    .as_u64()
                    .cmp(&a["evidence_count"].as_u64()),
            )
            .then(a["iso3"].as_str().cmp(&b["iso3"].as_str()))
    });
    Ok(HttpResponse::Ok().json(json!({
        "method_version": METHOD_VERSION,
        "objective": number,
        "counted": counted(&data, &resolved, Some((&group, members.len()))),
        "countries_with_evidence": rows.iter().filter(|r| r.objectives[number as usize - 1].depth > 0).count(),
        "countries": cells,
    })))
}

pub async fn compare(
    state: web::Data<AppState>,
    query: web::Query<IndicatorQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = dataset(&state).await?;
    let resolved = resolve(&data, &query)?;
    let (group, members) = members(
        &data,
        "countries",
        given(&query.countries),
        Group::Champions,
    )?;
    let rows = indicators::compute(&data, &resolved.selection, &resolved.grouping, &members);
    Ok(HttpResponse::Ok().json(json!({
        "method_version": METHOD_VERSION,
        "counted": counted(&data, &resolved, Some((&group, members.len()))),
        "countries": rows.iter().map(|r| country_json(&data, r, &resolved, false)).collect::<Vec<_>>(),
    })))
}

pub async fn gaps(
    state: web::Data<AppState>,
    query: web::Query<IndicatorQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = dataset(&state).await?;
    let resolved = resolve(&data, &query)?;
    let (group, members) = members(&data, "group", given(&query.group), Group::Lac)?;
    let rows = indicators::compute(&data, &resolved.selection, &resolved.grouping, &members);
    let gaps = indicators::gaps(&rows);
    Ok(HttpResponse::Ok().json(json!({
        "method_version": METHOD_VERSION,
        "counted": counted(&data, &resolved, Some((&group, members.len()))),
        "countries_with_evidence": rows.iter().filter(|r| r.has_evidence()).map(|r| &r.iso3).collect::<Vec<_>>(),
        "gaps": gaps,
    })))
}
