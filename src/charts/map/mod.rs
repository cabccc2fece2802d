//! The map: a choropleth of how many GCM objectives each country of a group has evidence for.
//!
//! Pure, like the other charts: a [`MapChart`] in, SVG text or PNG bytes out. The country shapes are
//! vendored in `assets/map/countries.txt` (Natural Earth, public domain; how they were made is in
//! `assets/map/SOURCE.md` and `docs/MAP.md`), compiled into the binary and parsed once. The projection is
//! Equal Earth, an equal-area projection, so a country's colour covers an area in proportion to its size
//! on the ground and no region looks more or less covered than it is.
//!
//! What the reader must never be told by colour alone is carried three more ways: countries of the group
//! with no evidence in these sources are hatched (a pattern, not a hue), the text alternative says the
//! counts in one sentence, and [`map_table`] gives the number of every country for the table beside the map.
//!
//! The code, by concern: `shapes` reads the vendored file, `projection` projects it and fits a map to an
//! extent, `layout` places the map and its legend on the image, `plan` works out what is drawn where,
//! `draw` draws it with plotters, and `text` writes the labels, the text alternative and the table.

mod draw;
mod layout;
mod plan;
mod projection;
mod shapes;
mod text;

pub use layout::map_size;
pub use projection::{equal_earth, equal_earth_inverse};
pub use shapes::has_shape;
pub use text::{map_summary, map_table, MapRow};

use super::{png_document, svg_document};
use crate::framework::OBJECTIVE_COUNT;

// ---------------------------------------------------------------------------------------------------
// What the caller gives.

/// What a map shows and in which words.
#[derive(Debug, Clone, PartialEq)]
pub struct MapChart {
    pub title: String,
    pub subtitle: String,
    /// The part of the world drawn.
    pub extent: MapExtent,
    /// One entry per country the map should colour; countries without an entry are drawn as outside the
    /// group. Codes without a vendored shape are skipped (the table still lists them, see [`MapRow`]).
    pub values: Vec<MapValue>,
    pub labels: MapLabels,
    /// The text alternative (SVG `<desc>` and `aria-label`); [`map_summary`] writes one.
    pub summary: String,
}

/// The part of the world a map draws.
#[derive(Debug, Clone, PartialEq)]
pub enum MapExtent {
    /// The whole world but Antarctica, centred on Greenwich.
    World,
    /// Fitted to these countries (ISO 3166-1 alpha-3), centred on their middle meridian. Outlying small
    /// parts (Hawaii, the Aleutians past 180°, the Galápagos) do not widen the fit; unknown codes are
    /// ignored, and a set as wide as most of the world is drawn as [`MapExtent::World`].
    Countries(Vec<String>),
}

/// One country's figure.
#[derive(Debug, Clone, PartialEq)]
pub struct MapValue {
    /// ISO 3166-1 alpha-3.
    pub iso3: String,
    /// The name in the reader's language (for the text alternative and the table).
    pub name: String,
    /// Objectives with evidence, 0 to 23; `None` (or 0, which the indicators count the same way) is
    /// "no evidence in these sources", drawn hatched and never as the lowest class.
    pub value: Option<u32>,
    /// Whether the country belongs to the selected group; others are drawn in a neutral pale tone.
    pub in_group: bool,
}

/// The words drawn on a map, in the reader's language.
#[derive(Debug, Clone, PartialEq)]
pub struct MapLabels {
    /// Heading of the legend, e.g. "Objectives with evidence (of 23)".
    pub legend_title: String,
    /// One label per class, lowest first (see [`CLASS_LOWER_BOUNDS`]), e.g. "1–4".
    pub classes: [String; CLASS_COUNT],
    /// "no evidence in these sources".
    pub no_evidence: String,
    /// "not in the group".
    pub not_in_group: String,
    /// What a circle stands for: a country too small to see at this scale.
    pub small_country: String,
}

/// The languages the charts speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapLanguage {
    English,
    Spanish,
}

// ---------------------------------------------------------------------------------------------------
// Classes.

/// Number of colour classes.
pub const CLASS_COUNT: usize = 5;
/// The lowest number of objectives of each class; a class runs to the next one's bound less one, the
/// last to 23. Fixed breaks, not quantiles: a colour then means the same count on every map, for every
/// group and cycle, so two maps can be compared. Each class spans four or five objectives, about a fifth
/// of the 23, and the top class (19–23) asks for evidence on more than four objectives in five.
/// Zero is no class: a country without evidence for any objective has "no evidence in these sources".
pub const CLASS_LOWER_BOUNDS: [u32; CLASS_COUNT] = [1, 5, 10, 15, 19];

/// The class of a number of objectives with evidence: 0 for the lowest; `None` for 0 objectives.
/// Numbers above 23 (which the indicators never give) fall in the top class.
pub fn objective_class(objectives: u32) -> Option<usize> {
    if objectives == 0 {
        return None;
    }
    CLASS_LOWER_BOUNDS
        .iter()
        .rposition(|&low| objectives >= low)
}

/// The first and last objective count of class `class`.
fn class_range(class: usize) -> (u32, u32) {
    let low = CLASS_LOWER_BOUNDS[class.min(CLASS_COUNT - 1)];
    let high = CLASS_LOWER_BOUNDS
        .get(class + 1)
        .map_or(OBJECTIVE_COUNT as u32, |next| next - 1);
    (low, high)
}

// ---------------------------------------------------------------------------------------------------
// The images.

/// The map as an SVG document with a `<title>`, a `<desc>` and an `aria-label`.
pub fn map_svg(chart: &MapChart, size: (u32, u32)) -> Result<String, String> {
    let plan = plan::plan(shapes::atlas()?, chart, size);
    svg_document(
        &chart.title,
        &chart.subtitle,
        &chart.summary,
        size,
        |root| draw::draw_map(root, chart, &plan).map_err(|e| format!("chart drawing failed: {e}")),
    )
}

/// The map as a PNG image.
pub fn map_png(chart: &MapChart, size: (u32, u32)) -> Result<Vec<u8>, String> {
    let plan = plan::plan(shapes::atlas()?, chart, size);
    png_document(size, |root| {
        draw::draw_map(root, chart, &plan).map_err(|e| format!("chart drawing failed: {e}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_follow_the_breaks() {
        // The breaks 1, 5, 10, 15, 19: 4 is the last of the first class, 5 the first of the second.
        assert_eq!(objective_class(0), None);
        assert_eq!(objective_class(1), Some(0));
        assert_eq!(objective_class(4), Some(0));
        assert_eq!(objective_class(5), Some(1));
        assert_eq!(objective_class(14), Some(2));
        assert_eq!(objective_class(15), Some(3));
        assert_eq!(objective_class(18), Some(3));
        assert_eq!(objective_class(19), Some(4));
        assert_eq!(objective_class(23), Some(4));
        assert_eq!(objective_class(99), Some(4));
        assert_eq!(MapLabels::default().classes[4], "19–23");
        assert_eq!(MapLabels::default().classes[1], "5–9");
    }
}
