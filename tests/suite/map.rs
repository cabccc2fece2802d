//! The map chart, pure (no database): every country that must be on it is, the SVG is well-formed with its
//! text alternative, colours go to the countries they belong to (counted on a small hand-made input), the
//! no-evidence style is never the lowest class, the Caribbean island states are marked, the PNG decodes,
//! the projection matches hand-worked values, and the text alternative and table read as written below.

use gcm::charts::map::{
    self, equal_earth, equal_earth_inverse, has_shape, map_summary, map_table, MapChart, MapExtent,
    MapLabels, MapLanguage, MapValue,
};
use gcm::framework::ReferenceData;
use gcm::selection::groups::LAC_SUBREGIONS;

/// The 193 member states of the United Nations.
const UN_MEMBERS: [&str; 193] = [
    "AFG", "ALB", "DZA", "AND", "AGO", "ATG", "ARG", "ARM", "AUS", "AUT", "AZE", "BHS", "BHR",
    "BGD", "BRB", "BLR", "BEL", "BLZ", "BEN", "BTN", "BOL", "BIH", "BWA", "BRA", "BRN", "BGR",
    "BFA", "BDI", "CPV", "KHM", "CMR", "CAN", "CAF", "TCD", "CHL", "CHN", "COL", "COM", "COG",
    "CRI", "CIV", "HRV", "CUB", "CYP", "CZE", "PRK", "COD", "DNK", "DJI", "DMA", "DOM", "ECU",
    "EGY", "SLV", "GNQ", "ERI", "EST", "SWZ", "ETH", "FJI", "FIN", "FRA", "GAB", "GMB", "GEO",
    "DEU", "GHA", "GRC", "GRD", "GTM", "GIN", "GNB", "GUY", "HTI", "HND", "HUN", "ISL", "IND",
    "IDN", "IRN", "IRQ", "IRL", "ISR", "ITA", "JAM", "JPN", "JOR", "KAZ", "KEN", "KIR", "KWT",
    "KGZ", "LAO", "LVA", "LBN", "LSO", "LBR", "LBY", "LIE", "LTU", "LUX", "MDG", "MWI", "MYS",
    "MDV", "MLI", "MLT", "MHL", "MRT", "MUS", "MEX", "FSM", "MCO", "MNG", "MNE", "MAR", "MOZ",
    "MMR", "NAM", "NRU", "NPL", "NLD", "NZL", "NIC", "NER", "NGA", "MKD", "NOR", "OMN", "PAK",
    "PLW", "PAN", "PNG", "PRY", "PER", "PHL", "POL", "PRT", "QAT", "KOR", "MDA", "ROU", "RUS",
    "RWA", "KNA", "LCA", "VCT", "WSM", "SMR", "STP", "SAU", "SEN", "SRB", "SYC", "SLE", "SGP",
    "SVK", "SVN", "SLB", "SOM", "ZAF", "SSD", "ESP", "LKA", "SDN", "SUR", "SWE", "CHE", "SYR",
    "TJK", "THA", "TLS", "TGO", "TON", "TTO", "TUN", "TUR", "TKM", "TUV", "UGA", "UKR", "ARE",
    "GBR", "TZA", "USA", "URY", "UZB", "VUT", "VEN", "VNM", "YEM", "ZMB", "ZWE",
];

/// The eight Caribbean island states the issue names.
const CARIBBEAN_ISLAND_STATES: [&str; 8] = ["LCA", "GRD", "BRB", "ATG", "KNA", "DMA", "VCT", "TTO"];

// The fills the renderer uses, as plotters writes them.
const CLASS_FILLS: [&str; 5] = ["#C7E9B4", "#7FCDBB", "#41B6C4", "#225EA8", "#0C2C84"];
const NO_EVIDENCE_FILL: &str = "#D9D9D9";
const SEA_FILL: &str = "#E6EFF6";
const HATCH_STROKE: &str = "#737373";

fn member(iso3: &str, value: Option<u32>) -> MapValue {
    MapValue {
        iso3: iso3.into(),
        name: iso3.into(),
        value,
        in_group: true,
    }
}

fn chart(extent: MapExtent, values: Vec<MapValue>) -> MapChart {
    MapChart {
        title: "Objectives with evidence".into(),
        subtitle: "test".into(),
        extent,
        values,
        labels: MapLabels::default(),
        summary: "A test map.".into(),
    }
}

/// Elements named `tag` whose `fill` is `fill`.
fn count_filled(document: &roxmltree::Document, tag: &str, fill: &str) -> usize {
    document
        .descendants()
        .filter(|n| n.has_tag_name(tag) && n.attribute("fill") == Some(fill))
        .count()
}

fn points_of(node: &roxmltree::Node) -> Vec<(i32, i32)> {
    node.attribute("points")
        .unwrap_or("")
        .split_whitespace()
        .filter_map(|pair| {
            let (x, y) = pair.split_once(',')?;
            Some((x.parse().ok()?, y.parse().ok()?))
        })
        .collect()
}

fn lac_codes() -> Vec<String> {
    let reference = ReferenceData::bundled().unwrap();
    reference
        .countries
        .iter()
        .filter(|c| {
            c.subregion
                .as_deref()
                .is_some_and(|s| LAC_SUBREGIONS.contains(&s))
        })
        .map(|c| c.iso3.clone())
        .collect()
}

#[test]
fn every_country_of_the_americas_and_every_un_member_has_a_shape_or_a_point() {
    let reference = ReferenceData::bundled().unwrap();
    let americas: Vec<&str> = reference
        .countries
        .iter()
        .filter(|c| c.region.as_deref() == Some("Americas"))
        .map(|c| c.iso3.as_str())
        .collect();
    // countries.csv counts 57 countries and territories in the Americas (52 in LAC, 5 in Northern America).
    assert_eq!(americas.len(), 57);
    let missing: Vec<&str> = americas
        .iter()
        .chain(UN_MEMBERS.iter())
        .copied()
        .filter(|iso3| !has_shape(iso3))
        .collect();
    // No exception: the 1:50m file lacks Tuvalu, and Bouvet Island lies inside Norway there; both come
    // from the 1:10m file of the same release (assets/map/SOURCE.md).
    assert_eq!(missing, Vec::<&str>::new());
    // The one deliberate gap: Antarctica, in no M49 region and no member, left out of the world map.
    assert!(!has_shape("ATA"));
    // Every other code of countries.csv is on the map too.
    let others: Vec<&str> = reference
        .countries
        .iter()
        .map(|c| c.iso3.as_str())
        .filter(|iso3| *iso3 != "ATA" && !has_shape(iso3))
        .collect();
    assert_eq!(others, Vec::<&str>::new());
}

#[test]
fn the_svg_is_well_formed_with_its_text_alternative() {
    let mut chart = chart(MapExtent::World, vec![member("COL", Some(18))]);
    chart.title = "Objectives with evidence & more".into();
    let svg = map::map_svg(&chart, (1000, 560)).unwrap();
    let document = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    let root = document.root_element();
    assert_eq!(root.attribute("role"), Some("img"));
    assert_eq!(
        root.attribute("aria-label"),
        Some("Objectives with evidence & more. A test map.")
    );
    let child = |tag: &str| {
        root.children()
            .find(|n| n.has_tag_name(tag))
            .and_then(|n| n.text())
            .unwrap()
            .to_string()
    };
    assert_eq!(child("title"), "Objectives with evidence & more");
    assert_eq!(child("desc"), "test A test map.");
    let texts: Vec<&str> = document
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .map(str::trim)
        .collect();
    for label in [
        "Objectives with evidence (of 23)",
        "1–4",
        "5–9",
        "10–14",
        "15–18",
        "19–23",
        "no evidence in these sources",
        "not in the group",
        "small country or territory",
    ] {
        assert!(texts.contains(&label), "missing legend label {label}");
    }
}

#[test]
fn each_class_colour_fills_its_own_countries_and_no_evidence_is_hatched_grey() {
    // Six landlocked countries, each one ring in Natural Earth (no islands, no enclaves), one per class
    // and one without evidence; the rest of the world is outside the group. So each class fill appears
    // on exactly one polygon, the no-evidence grey on exactly one (Bolivia), and the lowest class's
    // green on Paraguay alone: Bolivia, with no evidence, is never drawn in it.
    let values = vec![
        member("PRY", Some(3)),  // 1–4
        member("HUN", Some(7)),  // 5–9
        member("AUT", Some(12)), // 10–14
        member("ETH", Some(16)), // 15–18
        member("CHE", Some(20)), // 19–23
        member("BOL", None),
    ];
    let svg = map::map_svg(&chart(MapExtent::World, values), (1200, 640)).unwrap();
    let document = roxmltree::Document::parse(&svg).unwrap();
    for (class, fill) in CLASS_FILLS.iter().enumerate() {
        assert_eq!(
            count_filled(&document, "polygon", fill),
            1,
            "class {class} ({fill})"
        );
    }
    assert_eq!(count_filled(&document, "polygon", NO_EVIDENCE_FILL), 1);
    // One sea: the globe's outline.
    assert_eq!(count_filled(&document, "polygon", SEA_FILL), 1);
    // None of the six is small enough for a circle: the only circles are the legend's three (halo, fill,
    // outline), none in a class colour.
    for fill in CLASS_FILLS.iter().chain([&NO_EVIDENCE_FILL]) {
        assert_eq!(count_filled(&document, "circle", fill), 0, "{fill}");
    }
    // Bolivia is hatched: hatching strokes lie within its polygon's box. Bolivia is about 25° by 20° on a
    // map about 5.4 units (1176 px) wide, some 50 px across, so 6 px apart there are well over five.
    let bolivia = document
        .descendants()
        .find(|n| n.has_tag_name("polygon") && n.attribute("fill") == Some(NO_EVIDENCE_FILL))
        .unwrap();
    let outline = points_of(&bolivia);
    let (x0, x1) = (
        outline.iter().map(|p| p.0).min().unwrap(),
        outline.iter().map(|p| p.0).max().unwrap(),
    );
    let (y0, y1) = (
        outline.iter().map(|p| p.1).min().unwrap(),
        outline.iter().map(|p| p.1).max().unwrap(),
    );
    let inside = document
        .descendants()
        .filter(|n| n.has_tag_name("polyline") && n.attribute("stroke") == Some(HATCH_STROKE))
        .filter(|n| {
            points_of(n)
                .iter()
                .all(|&(x, y)| (x0 - 1..=x1 + 1).contains(&x) && (y0 - 1..=y1 + 1).contains(&y))
        })
        .count();
    assert!(inside > 5, "{inside} hatching strokes in Bolivia");
}

#[test]
fn the_caribbean_island_states_are_circles_on_the_latin_american_map() {
    // Every LAC member in the group; the eight island states with 2 objectives (the lowest class), all
    // others without evidence. Mainland members are grey or hatched shapes, never green circles, so the
    // green circles are exactly the eight.
    let values: Vec<MapValue> = lac_codes()
        .iter()
        .map(|iso3| {
            let island = CARIBBEAN_ISLAND_STATES.contains(&iso3.as_str());
            member(iso3, island.then_some(2))
        })
        .collect();
    let chart = chart(MapExtent::Countries(lac_codes()), values);
    let size = map::map_size(&chart.extent);
    let svg = map::map_svg(&chart, size).unwrap();
    let document = roxmltree::Document::parse(&svg).unwrap();
    assert_eq!(count_filled(&document, "circle", CLASS_FILLS[0]), 8);
    // Small territories without evidence are circles too, in the no-evidence grey.
    assert!(count_filled(&document, "circle", NO_EVIDENCE_FILL) > 0);
}

#[test]
fn the_png_decodes_at_the_asked_size() {
    let values = vec![member("COL", Some(18)), member("MEX", None)];
    for (extent, size) in [
        (MapExtent::World, (800, 450)),
        (MapExtent::Countries(lac_codes()), (700, 800)),
    ] {
        let png = map::map_png(&chart(extent, values.clone()), size).unwrap();
        let image = image::load_from_memory(&png).expect("a PNG");
        assert_eq!((image.width(), image.height()), size);
    }
}

#[test]
fn natural_sizes_are_wide_for_the_world_and_tall_for_latin_america() {
    let (w, h) = map::map_size(&MapExtent::World);
    assert_eq!(w, 1200);
    assert!(h < w, "{w}x{h}");
    let (w, h) = map::map_size(&MapExtent::Countries(lac_codes()));
    assert!(h > w, "{w}x{h}");
}

#[test]
fn unknown_codes_are_skipped_not_a_panic() {
    let values = vec![
        member("XXX", Some(5)),
        member("", None),
        member("col", Some(18)), // lower case is still Colombia
    ];
    let chart = chart(
        MapExtent::Countries(vec!["XXX".into(), "".into()]),
        values.clone(),
    );
    // Fitted to nothing known: the world map.
    let svg = map::map_svg(&chart, (600, 400)).unwrap();
    let document = roxmltree::Document::parse(&svg).unwrap();
    // Colombia (18, class 15–18): its mainland and its islands (San Andrés, Malpelo) as polygons.
    assert!(count_filled(&document, "polygon", CLASS_FILLS[3]) >= 1);
    let rows = map_table(&values, &MapLabels::default());
    let xxx = rows.iter().find(|r| r.iso3 == "XXX").unwrap();
    assert!(!xxx.on_map);
    assert!(rows.iter().find(|r| r.iso3 == "COL").unwrap().on_map);
    // Degenerate sizes give an image or an error, never a panic.
    let _ = map::map_png(&chart, (1, 1));
    let _ = map::map_svg(&chart, (0, 0));
    let _ = map::map_png(&chart, (0, 0));
}

#[test]
fn equal_earth_matches_hand_worked_points_and_round_trips() {
    // On the equator θ = 0, so x = λ / (M·A1) with M = √3/2, A1 = 1.340264:
    // π / (0.8660254 × 1.340264) = 3.1415927 / 1.1607027 = 2.7066300.
    let (x, y) = equal_earth(180.0, 0.0);
    assert!((x - 2.706_630).abs() < 1e-6, "{x}");
    assert_eq!(y, 0.0);
    // At the pole sin θ = M, θ = π/3 = 1.0471976, and
    // y = A1 θ + A2 θ³ + A3 θ⁷ + A4 θ⁹ = 1.340264 × 1.0471976 − 0.081106 × 1.1483806
    //   + 0.000893 × 1.3810211 + 0.003796 × 1.5144591 = 1.403521 − 0.093140 + 0.001233 + 0.005749
    //   = 1.317363.
    let (x, y) = equal_earth(0.0, 90.0);
    assert_eq!(x, 0.0);
    assert!((y - 1.317_363).abs() < 1e-6, "{y}");
    // Symmetric in both axes.
    let (x1, y1) = equal_earth(-74.07, 4.71); // Bogotá
    let (x2, y2) = equal_earth(74.07, -4.71);
    assert!((x1 + x2).abs() < 1e-12 && (y1 + y2).abs() < 1e-12);
    // Round trips to a millionth of a degree.
    for (lon, lat) in [
        (0.0, 0.0),
        (-74.07, 4.71),
        (-99.13, 19.43),
        (179.9, -16.5),
        (-60.0, -70.0),
        (30.0, 89.0),
    ] {
        let (x, y) = equal_earth(lon, lat);
        let (back_lon, back_lat) = equal_earth_inverse(x, y).unwrap();
        assert!(
            (back_lon - lon).abs() < 1e-6 && (back_lat - lat).abs() < 1e-6,
            "{lon},{lat} -> {back_lon},{back_lat}"
        );
    }
    // Off the map: beyond the pole line, or beyond the 180th meridian.
    assert_eq!(equal_earth_inverse(0.0, 1.4), None);
    assert_eq!(equal_earth_inverse(2.8, 0.0), None);
}

fn hand_made() -> Vec<MapValue> {
    let v = |iso3: &str, name: &str, value: Option<u32>, in_group: bool| MapValue {
        iso3: iso3.into(),
        name: name.into(),
        value,
        in_group,
    };
    vec![
        v("COL", "Colombia", Some(18), true),
        v("MEX", "México", Some(18), true),
        v("ECU", "Ecuador", Some(12), true),
        v("NIC", "Nicaragua", None, true),
        v("CUB", "Cuba", Some(0), true), // zero objectives: no evidence too
        v("HTI", "Haití", None, true),
        v("USA", "Estados Unidos", Some(20), false), // outside the group: not counted
    ]
}

#[test]
fn the_text_alternative_reads_in_english_and_spanish() {
    // Six in the group (the United States is not); Colombia, Mexico and Ecuador have evidence; Cuba's
    // 0 counts as none, with Nicaragua and Haiti; the most is 18, shared by Colombia and Mexico.
    let values = hand_made();
    assert_eq!(
        map_summary(
            "Latin America and the Caribbean",
            &values,
            MapLanguage::English
        )
        .replace("México", "Mexico"),
        "Of 6 countries in Latin America and the Caribbean, 3 have evidence in these sources; \
         most objectives: Colombia and Mexico (18); 3 have no evidence in these sources."
    );
    assert_eq!(
        map_summary("América Latina y el Caribe", &values, MapLanguage::Spanish),
        "De los 6 países de América Latina y el Caribe, 3 tienen evidencia en estas fuentes; \
         con más objetivos: Colombia y México (18); 3 no tienen evidencia en estas fuentes."
    );
    // One with evidence, one without: singular verbs; Spanish "e" before Islandia's "i".
    let pair = vec![
        MapValue {
            iso3: "ISL".into(),
            name: "Islandia".into(),
            value: Some(4),
            in_group: true,
        },
        MapValue {
            iso3: "COL".into(),
            name: "Colombia".into(),
            value: Some(4),
            in_group: true,
        },
        MapValue {
            iso3: "NIC".into(),
            name: "Nicaragua".into(),
            value: None,
            in_group: true,
        },
    ];
    assert_eq!(
        map_summary("Sudamérica", &pair, MapLanguage::Spanish),
        "De los 3 países de Sudamérica, 2 tienen evidencia en estas fuentes; con más objetivos: \
         Colombia e Islandia (4); 1 no tiene evidencia en estas fuentes."
    );
    assert_eq!(
        map_summary("the group", &pair[2..], MapLanguage::English),
        "Of 1 country in the group, none has evidence in these sources."
    );
    assert_eq!(
        map_summary("Sudamérica", &pair[..1], MapLanguage::Spanish),
        "De 1 país de Sudamérica, 1 tiene evidencia en estas fuentes; con más objetivos: Islandia (4)."
    );
}

#[test]
fn the_table_lists_the_group_most_objectives_first_and_says_no_evidence() {
    let rows = map_table(&hand_made(), &MapLabels::new(MapLanguage::Spanish));
    let listed: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| (r.iso3.as_str(), r.text.as_str(), r.class.as_str()))
        .collect();
    // 18, 18 (by name: Colombia before México), 12, then the three without evidence by name; the
    // United States is outside the group and not listed.
    assert_eq!(
        listed,
        vec![
            ("COL", "18", "15–18"),
            ("MEX", "18", "15–18"),
            ("ECU", "12", "10–14"),
            (
                "CUB",
                "sin evidencia en estas fuentes",
                "sin evidencia en estas fuentes"
            ),
            (
                "HTI",
                "sin evidencia en estas fuentes",
                "sin evidencia en estas fuentes"
            ),
            (
                "NIC",
                "sin evidencia en estas fuentes",
                "sin evidencia en estas fuentes"
            ),
        ]
    );
    assert_eq!(rows[3].objectives, None);
    assert!(rows.iter().all(|r| r.on_map));
}
