//! Renders the map of Latin America and the Caribbean and the world map, SVG and PNG, into a folder, to
//! look at them: `cargo run --example map -- DIR [en|es] [ISO3,ISO3,...]`. The figures are illustrative
//! (objectives with evidence per reporting country in the seed fixtures, counted without the indicators'
//! rules). A list of codes adds `map-custom`, fitted to them, with made-up figures 1, 6, 11, ... in turn.

use std::path::PathBuf;

use gcm::charts::map::{self, MapChart, MapExtent, MapLabels, MapLanguage, MapValue};
use gcm::framework::ReferenceData;
use gcm::selection::groups::LAC_SUBREGIONS;

const FIGURES: [(&str, u32); 24] = [
    ("ARG", 10),
    ("BLZ", 7),
    ("BOL", 3),
    ("BRA", 11),
    ("BRB", 2),
    ("CAN", 8),
    ("CHL", 16),
    ("COL", 18),
    ("CRI", 9),
    ("DOM", 1),
    ("ECU", 12),
    ("GTM", 9),
    ("GUY", 3),
    ("HND", 2),
    ("JAM", 2),
    ("MEX", 18),
    ("PAN", 9),
    ("PER", 11),
    ("PRY", 3),
    ("SLV", 8),
    ("TTO", 3),
    ("URY", 5),
    ("USA", 12),
    ("VEN", 6),
];

fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| ".".into()));
    let language = match args.next().as_deref() {
        Some("es") => MapLanguage::Spanish,
        _ => MapLanguage::English,
    };
    let custom: Option<Vec<String>> = args
        .next()
        .map(|list| list.split(',').map(|c| c.trim().to_uppercase()).collect());
    let reference = ReferenceData::bundled().map_err(|e| e.to_string())?;
    let figure = |iso3: &str| FIGURES.iter().find(|(c, _)| *c == iso3).map(|&(_, n)| n);
    let name = |c: &gcm::framework::Country| match language {
        MapLanguage::English => c.name_en.clone(),
        MapLanguage::Spanish => c.name_es.clone(),
    };
    let lac: Vec<&gcm::framework::Country> = reference
        .countries
        .iter()
        .filter(|c| {
            c.subregion
                .as_deref()
                .is_some_and(|s| LAC_SUBREGIONS.contains(&s))
        })
        .collect();
    let (group_lac, group_world) = match language {
        MapLanguage::English => ("Latin America and the Caribbean", "the world"),
        MapLanguage::Spanish => ("América Latina y el Caribe", "el mundo"),
    };
    let values_lac: Vec<MapValue> = lac
        .iter()
        .map(|c| MapValue {
            iso3: c.iso3.clone(),
            name: name(c),
            value: figure(&c.iso3),
            in_group: true,
        })
        .collect();
    let values_world: Vec<MapValue> = reference
        .countries
        .iter()
        .map(|c| MapValue {
            iso3: c.iso3.clone(),
            name: name(c),
            value: figure(&c.iso3),
            in_group: true,
        })
        .collect();
    let lac_codes: Vec<String> = lac.iter().map(|c| c.iso3.clone()).collect();
    let caribbean: Vec<String> = lac
        .iter()
        .filter(|c| c.subregion.as_deref() == Some("Caribbean"))
        .map(|c| c.iso3.clone())
        .collect();
    let mut cases = vec![
        (
            "map-lac",
            MapExtent::Countries(lac_codes.clone()),
            values_lac.clone(),
            group_lac,
        ),
        (
            "map-caribbean",
            MapExtent::Countries(caribbean),
            values_lac.clone(),
            group_lac,
        ),
        ("map-world", MapExtent::World, values_world, group_world),
        // The world map of the Latin American group: the rest of the world outside it.
        ("map-world-lac", MapExtent::World, values_lac, group_lac),
    ];
    if let Some(codes) = custom {
        let values = codes
            .iter()
            .enumerate()
            .map(|(i, iso3)| MapValue {
                iso3: iso3.clone(),
                name: iso3.clone(),
                value: Some((i as u32 * 5) % 23 + 1),
                in_group: true,
            })
            .collect();
        cases.push((
            "map-custom",
            MapExtent::Countries(codes),
            values,
            "the list",
        ));
    }
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    for (file, extent, values, group) in cases {
        let summary = map::map_summary(group, &values, language);
        let chart = MapChart {
            title: match language {
                MapLanguage::English => format!("Objectives with evidence: {group}"),
                MapLanguage::Spanish => format!("Objetivos con evidencia: {group}"),
            },
            subtitle: "Illustrative figures from the seed fixtures".into(),
            extent,
            values,
            labels: MapLabels::new(language),
            summary,
        };
        let size = map::map_size(&chart.extent);
        let svg = map::map_svg(&chart, size)?;
        let png = map::map_png(&chart, size)?;
        std::fs::write(dir.join(format!("{file}.svg")), svg).map_err(|e| e.to_string())?;
        std::fs::write(dir.join(format!("{file}.png")), png).map_err(|e| e.to_string())?;
        println!("{file}: {}x{} px; {}", size.0, size.1, chart.summary);
    }
    Ok(())
}
