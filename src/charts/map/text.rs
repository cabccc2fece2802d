//! The words: the legend's labels in both languages, the text alternative and the table behind the map.

use super::shapes::has_shape;
use super::{class_range, objective_class, MapLabels, MapLanguage, MapValue};
use crate::framework::OBJECTIVE_COUNT;

impl MapLabels {
    /// The legend in `language`, the class labels written from [`CLASS_LOWER_BOUNDS`](super::CLASS_LOWER_BOUNDS).
    pub fn new(language: MapLanguage) -> MapLabels {
        let classes = std::array::from_fn(|i| {
            let (low, high) = class_range(i);
            format!("{low}–{high}")
        });
        match language {
            MapLanguage::English => MapLabels {
                legend_title: format!("Objectives with evidence (of {OBJECTIVE_COUNT})"),
                classes,
                no_evidence: "no evidence in these sources".into(),
                not_in_group: "not in the group".into(),
                small_country: "small country or territory".into(),
            },
            MapLanguage::Spanish => MapLabels {
                legend_title: format!("Objetivos con evidencia (de {OBJECTIVE_COUNT})"),
                classes,
                no_evidence: "sin evidencia en estas fuentes".into(),
                not_in_group: "fuera del grupo".into(),
                small_country: "país o territorio pequeño".into(),
            },
        }
    }
}

impl Default for MapLabels {
    fn default() -> MapLabels {
        MapLabels::new(MapLanguage::English)
    }
}

// ---------------------------------------------------------------------------------------------------
// Text alternative and table.

/// `["A"]` → "A", `["A", "B"]` → "A and B", more → "A, B and C" (Spanish "y", or "e" before an "i" sound).
fn join_names(names: &[&str], language: MapLanguage) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => {
            let and = match language {
                MapLanguage::English => "and",
                MapLanguage::Spanish => {
                    let lower = last.to_lowercase();
                    let i_sound = (lower.starts_with('i') || lower.starts_with("hi"))
                        && !lower.starts_with("hie")
                        && !lower.starts_with("hia");
                    if i_sound {
                        "e"
                    } else {
                        "y"
                    }
                }
            };
            format!("{} {and} {last}", rest.join(", "))
        }
    }
}

/// At most this many names are listed as leaders; more ties are counted instead.
const LEADERS_NAMED: usize = 4;

/// One sentence a screen reader can read instead of the map: how many countries of the group have
/// evidence in these sources, which have the most objectives, and how many have none. `group` names the
/// group in the reader's language ("Latin America and the Caribbean"); only values in the group count.
pub fn map_summary(group: &str, values: &[MapValue], language: MapLanguage) -> String {
    let members: Vec<&MapValue> = values.iter().filter(|v| v.in_group).collect();
    let total = members.len();
    let with: Vec<(&str, u32)> = members
        .iter()
        .filter_map(|v| v.value.filter(|&n| n > 0).map(|n| (v.name.as_str(), n)))
        .collect();
    let without = total - with.len();
    let most = with.iter().map(|&(_, n)| n).max();
    let leaders: Vec<&str> = match most {
        Some(most) => {
            let mut names: Vec<&str> = with
                .iter()
                .filter(|&&(_, n)| n == most)
                .map(|&(name, _)| name)
                .collect();
            names.sort_unstable();
            names
        }
        None => Vec::new(),
    };
    let leaders_text = |language: MapLanguage| {
        if leaders.len() > LEADERS_NAMED {
            match language {
                MapLanguage::English => format!("{} countries", leaders.len()),
                MapLanguage::Spanish => format!("{} países", leaders.len()),
            }
        } else {
            join_names(&leaders, language)
        }
    };
    match language {
        MapLanguage::English => {
            if total == 0 {
                return format!("No country of {group} is on the map.");
            }
            let countries = if total == 1 { "country" } else { "countries" };
            let mut text = format!("Of {total} {countries} in {group}, ");
            match (with.len(), most) {
                (0, _) | (_, None) => text.push_str("none has evidence in these sources"),
                (n, Some(most)) => {
                    let verb = if n == 1 { "has" } else { "have" };
                    text.push_str(&format!(
                        "{n} {verb} evidence in these sources; most objectives: {} ({most})",
                        leaders_text(language)
                    ));
                    if without > 0 {
                        let verb = if without == 1 { "has" } else { "have" };
                        text.push_str(&format!("; {without} {verb} no evidence in these sources"));
                    }
                }
            }
            text.push('.');
            text
        }
        MapLanguage::Spanish => {
            if total == 0 {
                return format!("Ningún país de {group} está en el mapa.");
            }
            let mut text = if total == 1 {
                format!("De 1 país de {group}, ")
            } else {
                format!("De los {total} países de {group}, ")
            };
            match (with.len(), most) {
                (0, _) | (_, None) => text.push_str("ninguno tiene evidencia en estas fuentes"),
                (n, Some(most)) => {
                    let verb = if n == 1 { "tiene" } else { "tienen" };
                    text.push_str(&format!(
                        "{n} {verb} evidencia en estas fuentes; con más objetivos: {} ({most})",
                        leaders_text(language)
                    ));
                    if without > 0 {
                        let verb = if without == 1 { "tiene" } else { "tienen" };
                        text.push_str(&format!("; {without} no {verb} evidencia en estas fuentes"));
                    }
                }
            }
            text.push('.');
            text
        }
    }
}

/// One row of the table behind the map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapRow {
    pub iso3: String,
    pub name: String,
    /// Objectives with evidence; `None` when there is no evidence in these sources.
    pub objectives: Option<u32>,
    /// What the cell says: the number, or the no-evidence words of the labels.
    pub text: String,
    /// The legend class the map colours it with ("10–14"), or the no-evidence words.
    pub class: String,
    /// False when the map has no shape for the code (an unknown code): the table still lists it.
    pub on_map: bool,
}

/// The table behind the map: the group's countries, most objectives first, then by name; countries
/// with no evidence in these sources last, saying so.
pub fn map_table(values: &[MapValue], labels: &MapLabels) -> Vec<MapRow> {
    let mut rows: Vec<MapRow> = values
        .iter()
        .filter(|v| v.in_group)
        .map(|v| {
            let objectives = v.value.filter(|&n| n > 0);
            let (text, class) = match objectives.and_then(|n| objective_class(n).map(|c| (n, c))) {
                Some((n, c)) => (n.to_string(), labels.classes[c].clone()),
                None => (labels.no_evidence.clone(), labels.no_evidence.clone()),
            };
            MapRow {
                iso3: v.iso3.to_ascii_uppercase(),
                name: v.name.clone(),
                objectives,
                text,
                class,
                on_map: has_shape(&v.iso3),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.objectives
            .cmp(&a.objectives)
            .then_with(|| a.name.cmp(&b.name))
    });
    rows
}
