//! `/api/v1/framework` and `/api/v1/countries`.

use serde::Serialize;
use utoipa::ToSchema;

use super::Bilingual;
use crate::db::reference::CountryWithBlocs;
use crate::framework::Framework;

/// The GCM framework: objectives, guiding principles and the groupings of objectives.
#[derive(Debug, Serialize, ToSchema)]
pub struct FrameworkAnswer {
    pub groupings: Vec<GroupingAnswer>,
    pub objectives: Vec<ObjectiveAnswer>,
    pub principles: Vec<PrincipleAnswer>,
    /// Version of the framework dataset.
    pub version: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ObjectiveAnswer {
    pub number: i32,
    pub short_label: Bilingual,
    pub title: Bilingual,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PrincipleAnswer {
    pub key: String,
    pub name: Bilingual,
    pub position: i32,
}

/// A grouping of objectives (the thematic areas, the IMRF round tables).
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupingAnswer {
    pub default: bool,
    pub groups: Vec<GroupAnswer>,
    pub id: String,
    pub source: String,
    pub title: Bilingual,
    pub version: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GroupAnswer {
    pub id: String,
    pub objectives: Vec<i32>,
    pub title: Bilingual,
}

impl FrameworkAnswer {
    pub fn new(f: &Framework) -> FrameworkAnswer {
        FrameworkAnswer {
            groupings: f
                .groupings
                .iter()
                .map(|g| GroupingAnswer {
                    default: g.default,
                    groups: g
                        .groups
                        .iter()
                        .map(|group| GroupAnswer {
                            id: group.id.clone(),
                            objectives: group.objectives.clone(),
                            title: Bilingual::new(&group.title_en, &group.title_es),
                        })
                        .collect(),
                    id: g.id.clone(),
                    source: g.source.clone(),
                    title: Bilingual::new(&g.title_en, &g.title_es),
                    version: g.version.clone(),
                })
                .collect(),
            objectives: f
                .objectives
                .iter()
                .map(|o| ObjectiveAnswer {
                    number: o.number,
                    short_label: Bilingual::new(&o.short_en, &o.short_es),
                    title: Bilingual::new(&o.title_en, &o.title_es),
                })
                .collect(),
            principles: f
                .principles
                .iter()
                .map(|p| PrincipleAnswer {
                    key: p.key.clone(),
                    name: Bilingual::new(&p.name_en, &p.name_es),
                    position: p.position,
                })
                .collect(),
            version: f.version.clone(),
        }
    }
}

/// Countries and territories (ISO 3166-1), with their UN M49 region and blocs.
#[derive(Debug, Serialize, ToSchema)]
pub struct CountriesAnswer {
    pub count: usize,
    pub countries: Vec<CountryAnswer>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CountryAnswer {
    pub aliases: Vec<String>,
    pub blocs: Vec<String>,
    pub iso2: String,
    pub iso3: String,
    pub m49: String,
    pub name: Bilingual,
    pub region: Option<String>,
    pub subregion: Option<String>,
}

impl CountriesAnswer {
    pub fn new(countries: &[CountryWithBlocs]) -> CountriesAnswer {
        CountriesAnswer {
            count: countries.len(),
            countries: countries
                .iter()
                .map(|c| {
                    let country = &c.country;
                    CountryAnswer {
                        aliases: country
                            .aliases
                            .split('|')
                            .filter(|a| !a.is_empty())
                            .map(str::to_string)
                            .collect(),
                        blocs: c.blocs.clone(),
                        iso2: country.iso2.clone(),
                        iso3: country.iso3.clone(),
                        m49: country.m49.clone(),
                        name: Bilingual::new(&country.name_en, &country.name_es),
                        region: country.region.clone(),
                        subregion: country.subregion.clone(),
                    }
                })
                .collect(),
        }
    }
}
