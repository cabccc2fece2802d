//! The GCM framework and the world's geography as reference data: types, the bundled files, and the rules
//! that data must satisfy. Pure: parsing and validation only, no I/O beyond the embedded text.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// Number of GCM objectives; objective numbers run from 1 to this.
pub const OBJECTIVE_COUNT: i32 = 23;

const FRAMEWORK_TOML: &str = include_str!("../../assets/reference/framework.toml");
const COUNTRIES_CSV: &str = include_str!("../../assets/reference/countries.csv");
const BLOCS_TOML: &str = include_str!("../../assets/reference/blocs.toml");

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    pub version: String,
    pub objectives: Vec<Objective>,
    pub principles: Vec<Principle>,
    pub groupings: Vec<Grouping>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Objective {
    pub number: i32,
    pub title_en: String,
    pub title_es: String,
    pub short_en: String,
    pub short_es: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Principle {
    /// Lower-case key as the corpus writes it, e.g. `human rights`.
    pub key: String,
    pub position: i32,
    pub name_en: String,
    pub name_es: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grouping {
    pub id: String,
    pub version: String,
    pub default: bool,
    pub title_en: String,
    pub title_es: String,
    pub source: String,
    pub groups: Vec<Group>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub id: String,
    pub title_en: String,
    pub title_es: String,
    pub objectives: Vec<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Country {
    pub iso3: String,
    pub iso2: String,
    pub m49: String,
    pub name_en: String,
    pub name_es: String,
    /// UN M49 region; `None` where M49 assigns none (Antarctica).
    pub region: Option<String>,
    /// UN M49 sub-region (intermediate region in Latin America and the Caribbean and Sub-Saharan Africa).
    pub subregion: Option<String>,
    /// `|`-separated other names.
    pub aliases: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bloc {
    pub id: String,
    pub kind: String,
    pub name_en: String,
    pub name_es: String,
    pub founded: Option<i32>,
    pub members: Vec<String>,
    #[serde(default)]
    pub suspended: Vec<String>,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct BlocsFile {
    version: String,
    blocs: Vec<Bloc>,
}

/// Everything the service loads into an empty database before it has any evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferenceData {
    pub framework: Framework,
    pub countries: Vec<Country>,
    pub countries_version: String,
    pub blocs: Vec<Bloc>,
    pub blocs_version: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ReferenceError {
    #[error("{file}: {message}")]
    Parse { file: &'static str, message: String },
    #[error("{file}: {message}")]
    Invalid { file: &'static str, message: String },
}

impl ReferenceData {
    /// Parses and validates the reference files compiled into the binary.
    pub fn bundled() -> Result<ReferenceData, ReferenceError> {
        let framework: Framework =
            toml::from_str(FRAMEWORK_TOML).map_err(|e| ReferenceError::Parse {
                file: "assets/reference/framework.toml",
                message: e.to_string(),
            })?;
        framework.validate()?;
        let countries = parse_countries(COUNTRIES_CSV)?;
        let blocs_file: BlocsFile =
            toml::from_str(BLOCS_TOML).map_err(|e| ReferenceError::Parse {
                file: "assets/reference/blocs.toml",
                message: e.to_string(),
            })?;
        validate_blocs(&blocs_file.blocs, &countries)?;
        Ok(ReferenceData {
            framework,
            // The CSV has no version line of its own; its content hash stands in, so a changed file is seen.
            countries_version: format!("m49-iso3166.{:016x}", fnv1a(COUNTRIES_CSV.as_bytes())),
            countries,
            blocs: blocs_file.blocs,
            blocs_version: blocs_file.version,
        })
    }
}

impl Framework {
    /// The rules any framework version must satisfy; a broken data file fails here, not in a chart.
    pub fn validate(&self) -> Result<(), ReferenceError> {
        let invalid = |message: String| ReferenceError::Invalid {
            file: "assets/reference/framework.toml",
            message,
        };
        let numbers: Vec<i32> = self.objectives.iter().map(|o| o.number).collect();
        let expected: Vec<i32> = (1..=OBJECTIVE_COUNT).collect();
        if numbers != expected {
            return Err(invalid(format!(
                "objectives must be numbered 1 to {OBJECTIVE_COUNT} in order, found {numbers:?}"
            )));
        }
        let keys: BTreeSet<&str> = self.principles.iter().map(|p| p.key.as_str()).collect();
        if keys.len() != self.principles.len() {
            return Err(invalid("principle keys must be unique".into()));
        }
        if self.groupings.iter().filter(|g| g.default).count() != 1 {
            return Err(invalid(
                "exactly one grouping must be marked default".into(),
            ));
        }
        let mut grouping_ids = BTreeSet::new();
        for grouping in &self.groupings {
            if !grouping_ids.insert(grouping.id.as_str()) {
                return Err(invalid(format!("grouping `{}` appears twice", grouping.id)));
            }
            let mut covered = BTreeSet::new();
            let mut group_ids = BTreeSet::new();
            for group in &grouping.groups {
                if !group_ids.insert(group.id.as_str()) {
                    return Err(invalid(format!(
                        "grouping `{}`: group `{}` appears twice",
                        grouping.id, group.id
                    )));
                }
                for &objective in &group.objectives {
                    if !(1..=OBJECTIVE_COUNT).contains(&objective) {
                        return Err(invalid(format!(
                            "grouping `{}`, group `{}`: objective {objective} is outside 1-{OBJECTIVE_COUNT}",
                            grouping.id, group.id
                        )));
                    }
                    covered.insert(objective);
                }
            }
            // Every grouping must place every objective somewhere, or coverage by group would lose evidence.
            if covered.len() != OBJECTIVE_COUNT as usize {
                let missing: Vec<i32> = (1..=OBJECTIVE_COUNT)
                    .filter(|o| !covered.contains(o))
                    .collect();
                return Err(invalid(format!(
                    "grouping `{}` leaves objectives {missing:?} in no group",
                    grouping.id
                )));
            }
        }
        Ok(())
    }

    pub fn grouping(&self, id: &str) -> Option<&Grouping> {
        self.groupings.iter().find(|g| g.id == id)
    }

    pub fn default_grouping(&self) -> &Grouping {
        // validate() guarantees exactly one default; fall back to the first to stay total.
        self.groupings
            .iter()
            .find(|g| g.default)
            .unwrap_or(&self.groupings[0])
    }
}

impl Grouping {
    /// For each objective, the groups it belongs to (objective 23 belongs to all five MPTF areas).
    pub fn groups_of_objective(&self) -> BTreeMap<i32, Vec<&str>> {
        let mut map: BTreeMap<i32, Vec<&str>> = BTreeMap::new();
        for group in &self.groups {
            for &objective in &group.objectives {
                map.entry(objective).or_default().push(group.id.as_str());
            }
        }
        map
    }
}

fn parse_countries(text: &str) -> Result<Vec<Country>, ReferenceError> {
    const FILE: &str = "assets/reference/countries.csv";
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut countries = Vec::new();
    let mut iso3s = BTreeSet::new();
    let mut iso2s = BTreeSet::new();
    for (index, record) in reader.deserialize::<Country>().enumerate() {
        let line = index + 2; // header is line 1
        let mut country = record.map_err(|e| ReferenceError::Parse {
            file: FILE,
            message: format!("line {line}: {e}"),
        })?;
        // Empty CSV cells mean "no region", not an empty-named one.
        country.region = country.region.filter(|r| !r.is_empty());
        country.subregion = country.subregion.filter(|r| !r.is_empty());
        let well_formed = |code: &str, len: usize| {
            code.len() == len && code.bytes().all(|b| b.is_ascii_uppercase())
        };
        if !well_formed(&country.iso3, 3) || !well_formed(&country.iso2, 2) {
            return Err(ReferenceError::Invalid {
                file: FILE,
                message: format!(
                    "line {line}: `{}`/`{}` are not ISO alpha-3/alpha-2 codes",
                    country.iso3, country.iso2
                ),
            });
        }
        if !iso3s.insert(country.iso3.clone()) || !iso2s.insert(country.iso2.clone()) {
            return Err(ReferenceError::Invalid {
                file: FILE,
                message: format!("line {line}: {} appears twice", country.iso3),
            });
        }
        countries.push(country);
    }
    Ok(countries)
}

fn validate_blocs(blocs: &[Bloc], countries: &[Country]) -> Result<(), ReferenceError> {
    let known: BTreeSet<&str> = countries.iter().map(|c| c.iso3.as_str()).collect();
    for bloc in blocs {
        for iso3 in bloc.members.iter().chain(&bloc.suspended) {
            if !known.contains(iso3.as_str()) {
                return Err(ReferenceError::Invalid {
                    file: "assets/reference/blocs.toml",
                    message: format!("bloc `{}`: unknown country code `{iso3}`", bloc.id),
                });
            }
        }
    }
    Ok(())
}

/// 64-bit FNV-1a: a stable fingerprint of a bundled file (not a security hash).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> ReferenceData {
        ReferenceData::bundled().expect("bundled reference data must be valid")
    }

    #[test]
    fn twenty_three_objectives_and_ten_principles() {
        let data = data();
        assert_eq!(data.framework.objectives.len(), 23);
        assert_eq!(data.framework.principles.len(), 10);
        assert_eq!(
            data.framework.objectives[8].short_es,
            "Combatir el tráfico de migrantes"
        );
    }

    #[test]
    fn five_thematic_areas_each_hold_objective_23() {
        let data = data();
        let mptf = data.framework.grouping("mptf").unwrap();
        assert!(mptf.default);
        assert_eq!(mptf.groups.len(), 5);
        for area in &mptf.groups {
            assert!(area.objectives.contains(&23), "{} lacks 23", area.id);
        }
        assert_eq!(mptf.groups[0].id, "TA1");
        assert_eq!(mptf.groups[0].objectives, vec![1, 3, 17, 23]);
        // Every objective but 23 sits in exactly one area.
        let membership = mptf.groups_of_objective();
        for objective in 1..=22 {
            assert_eq!(membership[&objective].len(), 1, "objective {objective}");
        }
        assert_eq!(membership[&23].len(), 5);
    }

    #[test]
    fn round_tables_partition_the_objectives() {
        let data = data();
        let imrf = data.framework.grouping("imrf").unwrap();
        assert_eq!(imrf.groups.len(), 4);
        let mut all: Vec<i32> = imrf
            .groups
            .iter()
            .flat_map(|g| g.objectives.clone())
            .collect();
        all.sort();
        assert_eq!(all, (1..=23).collect::<Vec<_>>());
    }

    #[test]
    fn a_grouping_that_drops_an_objective_is_refused() {
        let mut framework = data().framework;
        framework.groupings[1].groups[0]
            .objectives
            .retain(|&o| o != 2);
        let err = framework.validate().unwrap_err().to_string();
        assert!(err.contains("[2]"), "{err}");
    }

    #[test]
    fn countries_cover_the_world_with_m49_subregions() {
        let data = data();
        assert_eq!(data.countries.len(), 249);
        let find = |iso3: &str| data.countries.iter().find(|c| c.iso3 == iso3).unwrap();
        assert_eq!(find("MEX").subregion.as_deref(), Some("Central America"));
        assert_eq!(find("CAN").subregion.as_deref(), Some("Northern America"));
        assert_eq!(find("HTI").subregion.as_deref(), Some("Caribbean"));
        assert_eq!(find("BRA").subregion.as_deref(), Some("South America"));
        assert_eq!(find("JPN").region.as_deref(), Some("Asia"));
        assert_eq!(find("ATA").region, None);
        assert_eq!(find("USA").name_es, "Estados Unidos");
    }

    #[test]
    fn blocs_name_known_countries() {
        let data = data();
        let rcm = data.blocs.iter().find(|b| b.id == "RCM").unwrap();
        assert_eq!(rcm.members.len(), 11);
        let sacm = data.blocs.iter().find(|b| b.id == "SACM").unwrap();
        assert_eq!(sacm.members.len(), 12);
    }
}
