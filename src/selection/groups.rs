//! Country groups: the set of countries an indicator table, a peer comparison or a gap analysis covers.

use std::fmt;

use crate::indicators::{CountryInfo, Dataset};

/// UN M49 subregions that make up Latin America and the Caribbean.
pub const LAC_SUBREGIONS: [&str; 3] = ["Caribbean", "Central America", "South America"];

/// A group of countries, as written in `?group=`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Group {
    /// Latin America and the Caribbean (the default: the region whose reviews the seeds document).
    Lac,
    /// UN M49 region Americas (LAC plus Northern America).
    Americas,
    /// Every country and territory.
    World,
    Subregion(String),
    Bloc(String),
    Champions,
    /// Countries that submitted a voluntary national report to the cycle (any cycle when None).
    VoluntaryReports(Option<String>),
    Countries(Vec<String>),
}

/// How `?group=` is written, for error messages.
pub const GROUP_SYNTAX: &str = "lac, americas, world, champions, vnr, vnr:CYCLE, subregion:NAME, \
     bloc:ID, or a list of ISO3 codes such as COL,ECU,MEX";

impl Group {
    /// Parses the group syntax; names are checked against the data by `members`.
    pub fn parse(text: &str) -> Result<Group, String> {
        let text = text.trim();
        let lower = text.to_lowercase();
        let group = match lower.as_str() {
            "" | "lac" => Group::Lac,
            "americas" => Group::Americas,
            "world" | "all" => Group::World,
            "champions" => Group::Champions,
            "vnr" => Group::VoluntaryReports(None),
            _ => match text.split_once(':') {
                Some((kind, value)) => match kind.trim().to_lowercase().as_str() {
                    "subregion" => Group::Subregion(value.trim().to_string()),
                    "bloc" => Group::Bloc(value.trim().to_uppercase()),
                    "vnr" => Group::VoluntaryReports(Some(value.trim().to_string())),
                    "countries" => Group::Countries(parse_codes(value)?),
                    _ => return Err(format!("`{text}` is not a group; accepted: {GROUP_SYNTAX}")),
                },
                None => {
                    Group::Countries(parse_codes(text).map_err(|_| {
                        format!("`{text}` is not a group; accepted: {GROUP_SYNTAX}")
                    })?)
                }
            },
        };
        Ok(group)
    }

    /// The member ISO3 codes, sorted; an unknown name or code is an error that says what is accepted.
    pub fn members(&self, data: &Dataset) -> Result<Vec<String>, String> {
        let select = |keep: &dyn Fn(&CountryInfo) -> bool| -> Vec<String> {
            data.countries
                .values()
                .filter(|c| keep(c))
                .map(|c| c.iso3.clone())
                .collect()
        };
        let members = match self {
            Group::Lac => select(&|c| {
                c.subregion
                    .as_deref()
                    .is_some_and(|s| LAC_SUBREGIONS.contains(&s))
            }),
            Group::Americas => select(&|c| c.region.as_deref() == Some("Americas")),
            Group::World => select(&|_| true),
            Group::Champions => select(&|c| c.champion),
            Group::Subregion(name) => {
                let known: std::collections::BTreeSet<&str> = data
                    .countries
                    .values()
                    .filter_map(|c| c.subregion.as_deref())
                    .collect();
                let Some(canonical) = known.iter().find(|s| s.eq_ignore_ascii_case(name)) else {
                    return Err(format!(
                        "unknown subregion `{name}`; accepted: {}",
                        known.into_iter().collect::<Vec<_>>().join(", ")
                    ));
                };
                select(&|c| c.subregion.as_deref() == Some(*canonical))
            }
            Group::Bloc(id) => {
                let known: std::collections::BTreeSet<&str> = data
                    .countries
                    .values()
                    .flat_map(|c| c.blocs.iter().map(String::as_str))
                    .collect();
                if !known.contains(id.as_str()) {
                    return Err(format!(
                        "unknown bloc `{id}`; accepted: {}",
                        known.into_iter().collect::<Vec<_>>().join(", ")
                    ));
                }
                select(&|c| c.blocs.contains(id))
            }
            Group::VoluntaryReports(cycle) => {
                if let Some(cycle) = cycle {
                    if !data.cycles.contains(cycle) {
                        return Err(format!(
                            "unknown cycle `{cycle}`; accepted: {}",
                            data.cycles.join(", ")
                        ));
                    }
                }
                select(&|c| match cycle {
                    Some(cycle) => c.voluntary_reports.contains(cycle),
                    None => !c.voluntary_reports.is_empty(),
                })
            }
            Group::Countries(codes) => {
                for code in codes {
                    if !data.countries.contains_key(code) {
                        return Err(format!(
                            "unknown country code `{code}`; accepted: ISO 3166-1 alpha-3 codes"
                        ));
                    }
                }
                let mut codes = codes.clone();
                codes.sort();
                codes.dedup();
                codes
            }
        };
        Ok(members)
    }
}

impl fmt::Display for Group {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Group::Lac => write!(f, "lac"),
            Group::Americas => write!(f, "americas"),
            Group::World => write!(f, "world"),
            Group::Champions => write!(f, "champions"),
            Group::VoluntaryReports(None) => write!(f, "vnr"),
            Group::VoluntaryReports(Some(cycle)) => write!(f, "vnr:{cycle}"),
            Group::Subregion(name) => write!(f, "subregion:{name}"),
            Group::Bloc(id) => write!(f, "bloc:{id}"),
            Group::Countries(codes) => write!(f, "{}", codes.join(",")),
        }
    }
}

fn parse_codes(text: &str) -> Result<Vec<String>, String> {
    let codes: Vec<String> = text
        .split(',')
        .map(|c| c.trim().to_uppercase())
        .filter(|c| !c.is_empty())
        .collect();
    if codes.is_empty()
        || codes
            .iter()
            .any(|c| c.len() != 3 || !c.bytes().all(|b| b.is_ascii_uppercase()))
    {
        return Err(format!(
            "`{text}` is not a list of ISO3 codes such as COL,ECU,MEX"
        ));
    }
    Ok(codes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_syntax() {
        assert_eq!(Group::parse("").unwrap(), Group::Lac);
        assert_eq!(Group::parse("Champions").unwrap(), Group::Champions);
        assert_eq!(Group::parse("bloc:rcm").unwrap(), Group::Bloc("RCM".into()));
        assert_eq!(
            Group::parse("col, ecu,MEX").unwrap(),
            Group::Countries(vec!["COL".into(), "ECU".into(), "MEX".into()])
        );
        assert_eq!(
            Group::parse("vnr:2021").unwrap(),
            Group::VoluntaryReports(Some("2021".into()))
        );
        assert!(Group::parse("planet:mars").is_err());
        assert!(Group::parse("mexico").is_err());
    }
}
