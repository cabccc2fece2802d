//! The selection: what a request asks of the indicators (countries, cycles, bases, grouping, peers, the
//! two cycles a change compares, language, embedding), parsed from text and resolved against the
//! dataset in one place. The HTTP layer reads it from the query string and the command line from its
//! flags; both get the same [`Selection`], so they count alike and name a bad value alike. Pure.

mod country;
pub mod evidence;
pub mod groups;
pub mod params;

use std::collections::BTreeSet;

use serde::Deserialize;

pub use country::CountryView;
pub use groups::Group;
pub use params::{given, ParamError};

use crate::framework::Grouping;
use crate::indicators::{default_bases, Counting, Dataset};

/// The selection as given, as text, so that each bad value is named with its parameter. Unknown
/// parameters are left to the answer that reads them (an evidence filter, a chart's size).
#[derive(Debug, Default, Clone, PartialEq, Eq, Deserialize)]
pub struct SelectionParams {
    pub group: Option<String>,
    pub cycle: Option<String>,
    pub grouping: Option<String>,
    pub basis: Option<String>,
    pub peers: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub countries: Option<String>,
    pub lang: Option<String>,
    pub embed: Option<String>,
    /// An edition's id: the answer comes from that frozen edition (checked by the HTTP layer, which
    /// opens the edition's database before the selection is resolved against its dataset).
    pub snapshot: Option<String>,
}

impl SelectionParams {
    /// The selection parameters that were given, in a fixed order, without the language and the
    /// embedding: what a link to another page or table carries.
    pub fn pairs(&self) -> Vec<(String, String)> {
        [
            ("group", &self.group),
            ("cycle", &self.cycle),
            ("grouping", &self.grouping),
            ("basis", &self.basis),
            ("peers", &self.peers),
            ("from", &self.from),
            ("to", &self.to),
            ("countries", &self.countries),
            ("snapshot", &self.snapshot),
        ]
        .into_iter()
        .filter_map(|(k, v)| given(v).map(|v| (k.to_string(), v.to_string())))
        .collect()
    }
}

/// The languages a selection may name: pages and charts speak English and Spanish, tables follow the
/// spreadsheet conventions of all four.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    En,
    Es,
    Pt,
    Fr,
}

impl Language {
    pub const ALL: [Language; 4] = [Language::En, Language::Es, Language::Pt, Language::Fr];

    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Es => "es",
            Language::Pt => "pt",
            Language::Fr => "fr",
        }
    }

    /// `en`, `ES`, ` pt `: case and spaces do not matter.
    pub fn parse(text: &str) -> Option<Language> {
        Language::ALL
            .into_iter()
            .find(|l| l.code().eq_ignore_ascii_case(text.trim()))
    }
}

/// A group with its members, checked against the dataset.
pub type Members = (Group, Vec<String>);

/// A selection checked against the dataset.
#[derive(Debug, Clone)]
pub struct Selection {
    /// Which evidence counts: the cycles and the mapping bases.
    pub counting: Counting,
    pub grouping: Grouping,
    /// `group=`, when given.
    group: Option<Members>,
    /// `countries=`, when given (the countries compared side by side).
    countries: Option<Members>,
    /// `peers=`, when given (else each country's subregion).
    peers: Option<Members>,
    /// The two cycles a change compares: `from=` and `to=`, by default the two latest review cycles;
    /// None when the store has fewer than two.
    pub change: Option<(String, String)>,
    /// `lang=`, when given.
    pub language: Option<Language>,
    /// `embed=1`: a page without its header and footer, for an iframe.
    pub embed: bool,
    /// The parameters as given, for links that keep the selection.
    pub params: SelectionParams,
}

impl Selection {
    /// Parses and checks every parameter that was given, whether or not the answer uses it: a page
    /// carries its selection into each of its links, so a bad value is named where it was given.
    pub fn resolve(data: &Dataset, params: &SelectionParams) -> Result<Selection, ParamError> {
        let cycles = match given(&params.cycle) {
            None => None,
            Some(text) => match params::cycles("cycle", text)? {
                None => None,
                Some(cycles) => {
                    if let Some(unknown) = cycles.iter().find(|c| !data.cycles.contains(c)) {
                        return Err(ParamError::new(
                            "cycle",
                            format!(
                                "unknown cycle `{unknown}`; accepted: all, {}",
                                data.cycles.join(", ")
                            ),
                        ));
                    }
                    Some(cycles)
                }
            },
        };
        let bases: BTreeSet<_> = match given(&params.basis) {
            None => default_bases(),
            Some(text) => params::bases(text)?.into_iter().collect(),
        };
        let grouping = match given(&params.grouping) {
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
                    given(&params.grouping).unwrap_or(""),
                    known.join(", ")
                ),
            ));
        };
        let named = |parameter: &str, value: &Option<String>| {
            given(value)
                .map(|text| members(data, parameter, text))
                .transpose()
        };
        let language = match given(&params.lang) {
            None => None,
            Some(code) => Some(Language::parse(code).ok_or_else(|| {
                ParamError::new(
                    "lang",
                    format!("`{code}` is not accepted; accepted: en, es, pt, fr"),
                )
            })?),
        };
        Ok(Selection {
            counting: Counting { cycles, bases },
            grouping,
            group: named("group", &params.group)?,
            countries: named("countries", &params.countries)?,
            peers: named("peers", &params.peers)?,
            change: change_cycles(data, params)?,
            language,
            embed: params::switch(
                "embed",
                &params.embed,
                "without the page's header and footer",
            )?,
            params: params.clone(),
        })
    }

    /// The countries of `group=`, or of `default` when it was not given.
    pub fn group_or(&self, data: &Dataset, default: Group) -> Result<Members, ParamError> {
        match &self.group {
            Some(members) => Ok(members.clone()),
            None => with_members(data, "group", default),
        }
    }

    /// The countries of `group=`, by default Latin America and the Caribbean.
    pub fn group(&self, data: &Dataset) -> Result<Members, ParamError> {
        self.group_or(data, Group::Lac)
    }

    /// The countries compared side by side: `countries=`, by default the champion countries.
    pub fn compared(&self, data: &Dataset) -> Result<Members, ParamError> {
        match &self.countries {
            Some(members) => Ok(members.clone()),
            None => with_members(data, "countries", Group::Champions),
        }
    }

    /// A country's peer group: `peers=` when given, else the country's subregion (the world for a
    /// country without one).
    pub fn peers_of(&self, data: &Dataset, iso3: &str) -> Result<Members, ParamError> {
        if let Some(members) = &self.peers {
            return Ok(members.clone());
        }
        let default = data
            .countries
            .get(iso3)
            .and_then(|c| c.subregion.clone())
            .map(Group::Subregion)
            .unwrap_or(Group::World);
        with_members(data, "peers", default)
    }
}

/// A group named in a parameter, with its members.
fn members(data: &Dataset, parameter: &str, text: &str) -> Result<Members, ParamError> {
    let group = Group::parse(text).map_err(|m| ParamError::new(parameter, m))?;
    with_members(data, parameter, group)
}

fn with_members(data: &Dataset, parameter: &str, group: Group) -> Result<Members, ParamError> {
    let members = group
        .members(data)
        .map_err(|m| ParamError::new(parameter, m))?;
    Ok((group, members))
}

/// The two cycles a change compares: `from=` and `to=`, by default the two latest review cycles (the
/// pre-GCM baseline is not a review). None when the store has fewer than two review cycles.
fn change_cycles(
    data: &Dataset,
    params: &SelectionParams,
) -> Result<Option<(String, String)>, ParamError> {
    let reviews: Vec<&String> = data.cycles.iter().filter(|c| *c != "pre-gcm").collect();
    let from = given(&params.from)
        .map(str::to_string)
        .or_else(|| reviews.iter().rev().nth(1).map(|s| s.to_string()));
    let to = given(&params.to)
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
