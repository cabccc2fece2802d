//! The parameters of an indicator request (`group=`, `cycle=`, `basis=`, `grouping=`...), parsed and
//! checked against the dataset. Shared by the HTTP handlers and the CLI, so both answer alike.

use std::collections::BTreeSet;

use serde::Deserialize;

use super::groups::Group;
use super::{Dataset, Selection};
use crate::evidence::Basis;
use crate::framework::Grouping;

/// A bad parameter: which one, and what it accepts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{parameter}: {message}")]
pub struct ParamError {
    pub parameter: String,
    pub message: String,
}

impl ParamError {
    pub fn new(parameter: &str, message: impl Into<String>) -> ParamError {
        ParamError {
            parameter: parameter.to_string(),
            message: message.into(),
        }
    }
}

/// The parameter's value, trimmed; None when absent or empty.
pub fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// The non-empty items of a comma list; a list with no item (`basis=,`) is refused rather than read as
/// "count nothing".
pub fn list<'a>(parameter: &str, text: &'a str) -> Result<Vec<&'a str>, ParamError> {
    let items: Vec<&str> = text
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if items.is_empty() {
        return Err(ParamError::new(
            parameter,
            format!("`{text}` names nothing; give one or more values separated by commas"),
        ));
    }
    Ok(items)
}

/// `basis=cited,subject` (or `all`): the bases, in their fixed order.
pub fn bases(text: &str) -> Result<Vec<Basis>, ParamError> {
    if text.eq_ignore_ascii_case("all") {
        return Ok(Basis::ALL.to_vec());
    }
    let mut bases = Vec::new();
    for name in list("basis", text)? {
        match Basis::parse(name) {
            Some(basis) if !bases.contains(&basis) => bases.push(basis),
            Some(_) => {}
            None => {
                return Err(ParamError::new(
                    "basis",
                    format!(
                        "`{name}` is not a basis; accepted: all, {}",
                        Basis::accepted()
                    ),
                ))
            }
        }
    }
    bases.sort();
    Ok(bases)
}

/// The query parameters shared by the indicator endpoints, as text so each error names its parameter.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct IndicatorQuery {
    pub group: Option<String>,
    pub cycle: Option<String>,
    pub grouping: Option<String>,
    pub basis: Option<String>,
    pub peers: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub countries: Option<String>,
}

/// A request's choices, checked against the dataset.
pub struct Resolved {
    pub selection: Selection,
    pub grouping: Grouping,
}

pub fn resolve(data: &Dataset, query: &IndicatorQuery) -> Result<Resolved, ParamError> {
    let cycles = match given(&query.cycle) {
        None | Some("all") => None,
        Some(text) => {
            let mut set = BTreeSet::new();
            for cycle in list("cycle", text)? {
                if !data.cycles.iter().any(|c| c == cycle) {
                    return Err(ParamError::new(
                        "cycle",
                        format!(
                            "unknown cycle `{cycle}`; accepted: all, {}",
                            data.cycles.join(", ")
                        ),
                    ));
                }
                set.insert(cycle.to_string());
            }
            Some(set)
        }
    };
    let bases: BTreeSet<Basis> = match given(&query.basis) {
        None => super::default_bases(),
        Some(text) => bases(text)?.into_iter().collect(),
    };
    let grouping = match given(&query.grouping) {
        None => data.groupings.iter().find(|g| g.default).cloned(),
        Some(id) => data
            .groupings
            .iter()
            .find(|g| g.id.eq_ignore_ascii_case(id))
            .cloned(),
    };
    let Some(grouping) = grouping else {
        let known: Vec<&str> = data.groupings.iter().map(|g| g.id.as_str()).collect();
        return Err(ParamError::new(
            "grouping",
            format!(
                "unknown grouping `{}`; accepted: {}",
                given(&query.grouping).unwrap_or(""),
                known.join(", ")
            ),
        ));
    };
    Ok(Resolved {
        selection: Selection { cycles, bases },
        grouping,
    })
}

/// A country's peer group: `peers=` when given, else the country's subregion (the world for a country
/// without one), with its members.
pub fn peers(
    data: &Dataset,
    query: &IndicatorQuery,
    iso3: &str,
) -> Result<(Group, Vec<String>), ParamError> {
    let default = data
        .countries
        .get(iso3)
        .and_then(|c| c.subregion.clone())
        .map(Group::Subregion)
        .unwrap_or(Group::World);
    members(data, "peers", given(&query.peers), default)
}

pub fn members(
    data: &Dataset,
    parameter: &str,
    text: Option<&str>,
    default: Group,
) -> Result<(Group, Vec<String>), ParamError> {
    let group = match text {
        None => default,
        Some(text) => Group::parse(text).map_err(|m| ParamError::new(parameter, m))?,
    };
    let members = group
        .members(data)
        .map_err(|m| ParamError::new(parameter, m))?;
    Ok((group, members))
}

/// The two cycles a change compares: `from=` and `to=`, by default the two latest review cycles (the
/// pre-GCM baseline is not a review). None when the store has fewer than two review cycles.
pub fn change_cycles(
    data: &Dataset,
    query: &IndicatorQuery,
) -> Result<Option<(String, String)>, ParamError> {
    let reviews: Vec<&String> = data.cycles.iter().filter(|c| *c != "pre-gcm").collect();
    let from = given(&query.from)
        .map(str::to_string)
        .or_else(|| reviews.iter().rev().nth(1).map(|s| s.to_string()));
    let to = given(&query.to)
        .map(str::to_string)
        .or_else(|| reviews.last().map(|s| s.to_string()));
    let (Some(from), Some(to)) = (from, to) else {
        return Ok(None);
    };
    for (parameter, cycle) in [("from", &from), ("to", &to)] {
        if !data.cycles.contains(cycle) {
            return Err(ParamError::new(
                parameter,
                format!(
                    "unknown cycle `{cycle}`; accepted: {}",
                    data.cycles.join(", ")
                ),
            ));
        }
    }
    Ok(Some((from, to)))
}

/// Checks every selection parameter that was given, whether or not the answer uses it. A page carries
/// its selection into each of its links, so a bad value must be named on the page where it was given,
/// not on every page and table it links to.
pub fn check_selection(data: &Dataset, query: &IndicatorQuery) -> Result<(), ParamError> {
    resolve(data, query)?;
    for (parameter, value) in [
        ("group", &query.group),
        ("peers", &query.peers),
        ("countries", &query.countries),
    ] {
        if let Some(text) = given(value) {
            members(data, parameter, Some(text), Group::Lac)?;
        }
    }
    change_cycles(data, query)?;
    Ok(())
}
