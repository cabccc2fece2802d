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

use std::collections::HashMap;
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{png_document, svg_document, wrap, FAMILY, INK, NO_EVIDENCE_AT_ALL};
use crate::framework::OBJECTIVE_COUNT;

const ATLAS_TEXT: &str = include_str!("../../assets/map/countries.txt");
/// The radius the vendored areas were measured with (mean Earth radius, IUGG), in km.
const EARTH_RADIUS_KM: f64 = 6371.0088;

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

impl MapLabels {
    /// The legend in `language`, the class labels written from [`CLASS_LOWER_BOUNDS`].
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
// Classes and colours.

/// Number of colour classes.
pub const CLASS_COUNT: usize = 5;
/// The lowest number of objectives of each class; a class runs to the next one's bound less one, the
/// last to 23. Fixed breaks, not quantiles: a colour then means the same count on every map, for every
/// group and cycle, so two maps can be compared. Each class spans four or five objectives, about a fifth
/// of the 23, and the top class (19–23) asks for evidence on more than four objectives in five.
/// Zero is no class: a country without evidence for any objective has "no evidence in these sources".
pub const CLASS_LOWER_BOUNDS: [u32; CLASS_COUNT] = [1, 5, 10, 15, 19];

/// ColorBrewer YlGnBu (Cynthia Brewer, Apache-2.0 licence), five of its seven steps without the two
/// lightest: sequential, ordered in lightness (and so in grey scale) and readable with the common
/// colour-vision deficiencies; its lightest step is still green, so it cannot be taken for the grey of
/// "no evidence".
const CLASS_COLOURS: [RGBColor; CLASS_COUNT] = [
    RGBColor(199, 233, 180), // #c7e9b4
    RGBColor(127, 205, 187), // #7fcdbb
    RGBColor(65, 182, 196),  // #41b6c4
    RGBColor(34, 94, 168),   // #225ea8
    RGBColor(12, 44, 132),   // #0c2c84
];
/// The sea: a light blue-grey, so pale land is seen against it.
const SEA: RGBColor = RGBColor(230, 239, 246);
/// Countries outside the group: context only, nearly white, with a faint outline.
const OUTSIDE: RGBColor = RGBColor(250, 250, 250);
const OUTSIDE_OUTLINE: RGBColor = RGBColor(196, 196, 196);
/// The group's outlines: 4.3:1 against the sea, more against the light classes and the grey (WCAG's 3:1
/// for graphical objects), so every shape of the group is told from its surroundings.
const GROUP_OUTLINE: RGBColor = RGBColor(110, 110, 110);
/// Hatching over the no-evidence grey: 3.4:1 against it.
const HATCH: RGBColor = RGBColor(115, 115, 115);
const HATCH_SPACING: f64 = 6.0;

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
// Equal Earth (Šavrič, Patterson and Jenny, 2018), on the unit sphere.

const A1: f64 = 1.340264;
const A2: f64 = -0.081106;
const A3: f64 = 0.000893;
const A4: f64 = 0.003796;
/// √3 / 2.
const M: f64 = 0.866_025_403_784_438_6;

/// Equal Earth coordinates of a point given in degrees, longitude relative to the central meridian.
pub fn equal_earth(lon: f64, lat: f64) -> (f64, f64) {
    let lambda = lon.to_radians();
    let theta = (M * lat.to_radians().sin()).asin();
    let t2 = theta * theta;
    let t6 = t2 * t2 * t2;
    let x = lambda * theta.cos() / (M * (A1 + 3.0 * A2 * t2 + t6 * (7.0 * A3 + 9.0 * A4 * t2)));
    let y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2));
    (x, y)
}

/// Longitude and latitude in degrees of Equal Earth coordinates; `None` off the map.
pub fn equal_earth_inverse(x: f64, y: f64) -> Option<(f64, f64)> {
    // The largest y is at the pole, θ = π/3.
    let theta_max = std::f64::consts::FRAC_PI_3;
    let y_max = equal_earth(0.0, 90.0).1;
    if !x.is_finite() || !y.is_finite() || y.abs() > y_max + 1e-12 {
        return None;
    }
    // Newton's method on y(θ) = A1 θ + A2 θ³ + A3 θ⁷ + A4 θ⁹, which is increasing on [-π/3, π/3].
    let mut theta = y / A1;
    for _ in 0..12 {
        let t2 = theta * theta;
        let t6 = t2 * t2 * t2;
        let f = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2)) - y;
        let derivative = A1 + 3.0 * A2 * t2 + t6 * (7.0 * A3 + 9.0 * A4 * t2);
        let step = f / derivative;
        theta = (theta - step).clamp(-theta_max, theta_max);
        if step.abs() < 1e-13 {
            break;
        }
    }
    let t2 = theta * theta;
    let t6 = t2 * t2 * t2;
    let derivative = A1 + 3.0 * A2 * t2 + t6 * (7.0 * A3 + 9.0 * A4 * t2);
    let lambda = M * x * derivative / theta.cos();
    if lambda.abs() > std::f64::consts::PI + 1e-9 {
        return None;
    }
    let lat = (theta.sin() / M).clamp(-1.0, 1.0).asin();
    Some((lambda.to_degrees(), lat.to_degrees()))
}

// ---------------------------------------------------------------------------------------------------
// The vendored shapes.

/// A box `[x0, x1] × [y0, y1]`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Bounds {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

impl Bounds {
    const EMPTY: Bounds = Bounds {
        x0: f64::INFINITY,
        y0: f64::INFINITY,
        x1: f64::NEG_INFINITY,
        y1: f64::NEG_INFINITY,
    };
    fn add(&mut self, (x, y): (f64, f64)) {
        self.x0 = self.x0.min(x);
        self.y0 = self.y0.min(y);
        self.x1 = self.x1.max(x);
        self.y1 = self.y1.max(y);
    }
    fn union(mut self, other: Bounds) -> Bounds {
        self.x0 = self.x0.min(other.x0);
        self.y0 = self.y0.min(other.y0);
        self.x1 = self.x1.max(other.x1);
        self.y1 = self.y1.max(other.y1);
        self
    }
    fn is_empty(&self) -> bool {
        !(self.x0 <= self.x1 && self.y0 <= self.y1)
    }
    fn width(&self) -> f64 {
        self.x1 - self.x0
    }
    fn height(&self) -> f64 {
        self.y1 - self.y0
    }
    fn intersects(&self, other: &Bounds) -> bool {
        self.x0 <= other.x1 && other.x0 <= self.x1 && self.y0 <= other.y1 && other.y0 <= self.y1
    }
    fn contains(&self, other: &Bounds) -> bool {
        self.x0 <= other.x0 && other.x1 <= self.x1 && self.y0 <= other.y0 && other.y1 <= self.y1
    }
}

#[derive(Debug)]
struct Ring {
    /// Drawn after every other ring: it fills a hole of the country around it.
    enclave: bool,
    /// Longitude and latitude, degrees.
    lonlat: Vec<(f64, f64)>,
    /// The middle of its longitudes, to place the whole ring on one side of a shifted antimeridian.
    centre_lon: f64,
    /// Projected with the central meridian at 0°, as the world map draws it.
    world: Vec<(f64, f64)>,
    world_bounds: Bounds,
    /// Area in square km.
    area_km2: f64,
}

#[derive(Debug)]
struct Shape {
    /// ISO 3166-1 alpha-3, or `~NAME` for a disputed area credited to no country.
    key: String,
    /// No land border: the country is islands only.
    island: bool,
    disputed: bool,
    /// A point inside its largest ring (longitude, latitude).
    point: (f64, f64),
    rings: Vec<Ring>,
    /// The rings that count when a map is fitted to the country: those of at least a tenth of its
    /// largest, so Hawaii, the Aleutians past 180° or the Galápagos do not stretch a regional map.
    main_rings: Vec<usize>,
    largest_ring_km2: f64,
}

#[derive(Debug)]
struct Atlas {
    /// Larger first, as the file lists them.
    shapes: Vec<Shape>,
    by_key: HashMap<String, usize>,
    /// The world map's extent, in Equal Earth coordinates.
    world_bounds: Bounds,
}

fn atlas() -> Result<&'static Atlas, String> {
    static ATLAS: OnceLock<Result<Atlas, String>> = OnceLock::new();
    ATLAS
        .get_or_init(|| parse_atlas(ATLAS_TEXT))
        .as_ref()
        .map_err(|e| format!("assets/map/countries.txt: {e}"))
}

/// Whether the map has a shape (or a point) for this country.
pub fn has_shape(iso3: &str) -> bool {
    atlas().is_ok_and(|a| a.by_key.contains_key(&iso3.to_ascii_uppercase()))
}

/// Planar shoelace area of a closed ring (the closing point implied).
fn ring_area(points: &[(f64, f64)]) -> f64 {
    let n = points.len();
    let mut sum = 0.0;
    for i in 0..n {
        let (x0, y0) = points[i];
        let (x1, y1) = points[(i + 1) % n];
        sum += x0 * y1 - x1 * y0;
    }
    (sum / 2.0).abs()
}

fn parse_atlas(text: &str) -> Result<Atlas, String> {
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, "gcm-map 1")) => {}
        _ => return Err("line 1: expected `gcm-map 1`".into()),
    }
    let mut shapes: Vec<Shape> = Vec::new();
    for (index, line) in lines {
        let number = index + 1;
        let bad = |what: &str| format!("line {number}: {what}");
        let mut fields = line.split(' ');
        let kind = fields.next().unwrap_or("");
        match kind {
            "" | "#" => continue,
            "C" => {
                let key = fields.next().ok_or_else(|| bad("no code"))?.to_string();
                let flags = fields.next().ok_or_else(|| bad("no flags"))?;
                let numbers: Vec<i64> = fields
                    .map(|f| f.parse::<i64>().map_err(|_| bad("not a number")))
                    .collect::<Result<_, _>>()?;
                let [_, lon, lat] = numbers[..] else {
                    return Err(bad("expected AREA LON LAT"));
                };
                shapes.push(Shape {
                    key,
                    island: flags.contains('i'),
                    disputed: flags.contains('d'),
                    point: (lon as f64 / 100.0, lat as f64 / 100.0),
                    rings: Vec::new(),
                    main_rings: Vec::new(),
                    largest_ring_km2: 0.0,
                });
            }
            "R" | "E" => {
                let shape = shapes
                    .last_mut()
                    .ok_or_else(|| bad("a ring before any country"))?;
                let numbers: Vec<i64> = fields
                    .map(|f| f.parse::<i64>().map_err(|_| bad("not a number")))
                    .collect::<Result<_, _>>()?;
                if numbers.len() < 6 || numbers.len() % 2 != 0 {
                    return Err(bad("a ring needs three points or more"));
                }
                let (mut x, mut y) = (0i64, 0i64);
                let mut lonlat = Vec::with_capacity(numbers.len() / 2);
                for (i, pair) in numbers.chunks_exact(2).enumerate() {
                    if i == 0 {
                        (x, y) = (pair[0], pair[1]);
                    } else {
                        x += pair[0];
                        y += pair[1];
                    }
                    if x.abs() > 18_000 || y.abs() > 9_000 {
                        return Err(bad("a point off the globe"));
                    }
                    lonlat.push((x as f64 / 100.0, y as f64 / 100.0));
                }
                let (min, max) = lonlat
                    .iter()
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
                        (lo.min(p.0), hi.max(p.0))
                    });
                let world: Vec<(f64, f64)> = lonlat
                    .iter()
                    .map(|&(lon, lat)| equal_earth(lon, lat))
                    .collect();
                let mut world_bounds = Bounds::EMPTY;
                for &p in &world {
                    world_bounds.add(p);
                }
                let area_km2 = ring_area(&world) * EARTH_RADIUS_KM * EARTH_RADIUS_KM;
                shape.rings.push(Ring {
                    enclave: kind == "E",
                    lonlat,
                    centre_lon: (min + max) / 2.0,
                    world,
                    world_bounds,
                    area_km2,
                });
            }
            other => return Err(bad(&format!("unknown record `{other}`"))),
        }
    }
    let mut by_key = HashMap::new();
    let mut world_bounds = Bounds::EMPTY;
    for (i, shape) in shapes.iter_mut().enumerate() {
        if by_key.insert(shape.key.clone(), i).is_some() {
            return Err(format!("{} appears twice", shape.key));
        }
        shape.largest_ring_km2 = shape.rings.iter().map(|r| r.area_km2).fold(0.0, f64::max);
        shape.main_rings = (0..shape.rings.len())
            .filter(|&r| shape.rings[r].area_km2 >= shape.largest_ring_km2 / 10.0)
            .collect();
        for ring in &shape.rings {
            world_bounds = world_bounds.union(ring.world_bounds);
        }
        world_bounds.add(equal_earth(shape.point.0, shape.point.1));
    }
    if world_bounds.is_empty() {
        return Err("no shapes".into());
    }
    Ok(Atlas {
        shapes,
        by_key,
        world_bounds,
    })
}

// ---------------------------------------------------------------------------------------------------
// The view: which part of the projected world goes where on the image.

/// `x` in [-180, 180).
fn wrap_degrees(x: f64) -> f64 {
    (x + 180.0).rem_euclid(360.0) - 180.0
}

/// A projection and its placement: Equal Earth with central meridian `lambda0`, the box `bounds` of
/// projected coordinates drawn at `scale` pixels a unit with its top-left corner at `origin`.
#[derive(Debug, Clone, Copy)]
struct View {
    lambda0: f64,
    bounds: Bounds,
    scale: f64,
    origin: (f64, f64),
    world: bool,
}

impl View {
    /// A ring projected with this view's central meridian. The whole ring is moved by a multiple of 360°
    /// so that its middle lies within 180° of the central meridian: no ring is torn across the map.
    fn project_ring<'a>(
        &self,
        ring: &'a Ring,
        buffer: &'a mut Vec<(f64, f64)>,
    ) -> &'a [(f64, f64)] {
        if self.lambda0 == 0.0 {
            return &ring.world;
        }
        let relative = ring.centre_lon - self.lambda0;
        let shift = wrap_degrees(relative) - relative - self.lambda0;
        buffer.clear();
        buffer.extend(
            ring.lonlat
                .iter()
                .map(|&(lon, lat)| equal_earth(lon + shift, lat)),
        );
        buffer
    }

    fn project_point(&self, (lon, lat): (f64, f64)) -> (f64, f64) {
        equal_earth(wrap_degrees(lon - self.lambda0), lat)
    }

    fn pixel(&self, (x, y): (f64, f64)) -> (f64, f64) {
        (
            self.origin.0 + (x - self.bounds.x0) * self.scale,
            self.origin.1 + (self.bounds.y1 - y) * self.scale,
        )
    }

    /// The map's rectangle on the image.
    fn frame(&self) -> Bounds {
        Bounds {
            x0: self.origin.0,
            y0: self.origin.1,
            x1: self.origin.0 + self.bounds.width() * self.scale,
            y1: self.origin.1 + self.bounds.height() * self.scale,
        }
    }
}

/// The smallest arc of longitudes that holds every interval: the complement of the largest gap that no
/// interval covers. Returns its middle, or `None` when the intervals leave no gap (they go round).
fn middle_meridian(intervals: &[(f64, f64)]) -> Option<f64> {
    // Endpoints on the circle, in [0, 360).
    let mut ends: Vec<f64> = intervals
        .iter()
        .flat_map(|&(a, b)| [a.rem_euclid(360.0), b.rem_euclid(360.0)])
        .collect();
    ends.sort_by(f64::total_cmp);
    ends.dedup();
    let covered = |lon: f64| {
        intervals.iter().any(|&(a, b)| {
            let width = b - a;
            width >= 360.0 || (lon - a).rem_euclid(360.0) <= width
        })
    };
    let mut best: Option<(f64, f64)> = None; // gap start, gap width
    for (i, &start) in ends.iter().enumerate() {
        let end = if i + 1 < ends.len() {
            ends[i + 1]
        } else {
            ends[0] + 360.0
        };
        let width = end - start;
        if width > 0.0 && !covered(start + width / 2.0) && best.is_none_or(|(_, w)| width > w) {
            best = Some((start, width));
        }
    }
    if ends.len() == 1 {
        return Some(wrap_degrees(ends[0]));
    }
    best.map(|(start, width)| wrap_degrees(start + width + (360.0 - width) / 2.0))
}

/// The longitudes a shape's main rings span (or its point, for a shape without rings).
fn main_intervals(shape: &Shape) -> Vec<(f64, f64)> {
    if shape.rings.is_empty() {
        return vec![(shape.point.0, shape.point.0)];
    }
    shape
        .main_rings
        .iter()
        .map(|&r| {
            let ring = &shape.rings[r];
            ring.lonlat
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
                    (lo.min(p.0), hi.max(p.0))
                })
        })
        .collect()
}

/// The share of a group's area its core must hold; the rest, small countries far from that core, may
/// fall outside a regional map (Bouvet Island, which M49 counts in South America, lies south of Africa).
const CORE_AREA_SHARE: f64 = 0.99;
/// How far outside the core's box (as a share of the box's larger side) a small member still widens it.
const NEAR_CORE: f64 = 0.15;

/// Where the map goes for `extent`: central meridian, projected box (before placement) and whether it is
/// the world map.
fn fit(atlas: &Atlas, extent: &MapExtent) -> (f64, Bounds, bool) {
    let world = (0.0, atlas.world_bounds, true);
    let MapExtent::Countries(codes) = extent else {
        return world;
    };
    let mut shapes: Vec<&Shape> = codes
        .iter()
        .filter_map(|code| atlas.by_key.get(&code.to_ascii_uppercase()))
        .map(|&i| &atlas.shapes[i])
        .collect();
    let area = |s: &Shape| {
        s.main_rings
            .iter()
            .map(|&r| s.rings[r].area_km2)
            .sum::<f64>()
    };
    shapes.sort_by(|a, b| area(b).total_cmp(&area(a)).then_with(|| a.key.cmp(&b.key)));
    shapes.dedup_by(|a, b| a.key == b.key);
    if shapes.is_empty() {
        return world;
    }
    // The core: the largest members up to 99 % of the group's area (at least one).
    let total: f64 = shapes.iter().map(|s| area(s)).sum();
    let mut core = 0;
    let mut held = 0.0;
    while core < shapes.len() && (core == 0 || held < CORE_AREA_SHARE * total) {
        held += area(shapes[core]);
        core += 1;
    }
    let intervals: Vec<(f64, f64)> = shapes[..core]
        .iter()
        .flat_map(|s| main_intervals(s))
        .collect();
    let Some(lambda0) = middle_meridian(&intervals) else {
        return world;
    };
    let probe = View {
        lambda0,
        bounds: atlas.world_bounds,
        scale: 1.0,
        origin: (0.0, 0.0),
        world: false,
    };
    let mut buffer = Vec::new();
    let mut bounds_of = |shape: &Shape| {
        let mut bounds = Bounds::EMPTY;
        for &r in &shape.main_rings {
            for &p in probe.project_ring(&shape.rings[r], &mut buffer) {
                bounds.add(p);
            }
        }
        if shape.rings.is_empty() {
            bounds.add(probe.project_point(shape.point));
        }
        bounds
    };
    let mut bounds = shapes[..core]
        .iter()
        .fold(Bounds::EMPTY, |b, s| b.union(bounds_of(s)));
    if bounds.is_empty() {
        return world;
    }
    let reach = NEAR_CORE * bounds.width().max(bounds.height());
    let near = Bounds {
        x0: bounds.x0 - reach,
        y0: bounds.y0 - reach,
        x1: bounds.x1 + reach,
        y1: bounds.y1 + reach,
    };
    for shape in &shapes[core..] {
        let (x, y) = probe.project_point(shape.point);
        if near.contains(&Bounds {
            x0: x,
            y0: y,
            x1: x,
            y1: y,
        }) {
            bounds = bounds.union(bounds_of(shape));
        }
    }
    // A set as wide as most of the world reads better as the world map than as a strip of it.
    if bounds.width() > 0.6 * atlas.world_bounds.width() {
        return world;
    }
    // A margin of 3 % around, and a little more for a single small country.
    let pad = (0.03 * bounds.width().max(bounds.height())).max(0.01);
    bounds.x0 -= pad;
    bounds.x1 += pad;
    bounds.y0 -= pad;
    bounds.y1 += pad;
    (lambda0, bounds, false)
}

// ---------------------------------------------------------------------------------------------------
// Layout.

const HEADER: f64 = 72.0;
const MARGIN: f64 = 12.0;
const LEGEND_COLUMN: f64 = 270.0;
const LEGEND_ROW: f64 = 24.0;
/// Maps taller than this share of their width get the legend beside them, the others below.
const TALL: f64 = 0.75;
/// About 6.5 px a character of 12 px DejaVu Sans (as the other charts reckon).
fn text_width(text: &str) -> f64 {
    text.chars().count() as f64 * 6.5
}

#[derive(Debug, Clone, Copy)]
struct Layout {
    view: View,
    /// Top-left corner of the legend.
    legend: (f64, f64),
    legend_vertical: bool,
    legend_width: f64,
}

/// Legend entries in order; `true` starts a new row when the legend runs across.
fn legend_entries(labels: &MapLabels) -> Vec<(LegendMark, &str, bool)> {
    let mut entries = vec![(LegendMark::Heading, labels.legend_title.as_str(), false)];
    for (i, label) in labels.classes.iter().enumerate() {
        entries.push((LegendMark::Class(i), label.as_str(), false));
    }
    entries.push((LegendMark::NoEvidence, labels.no_evidence.as_str(), true));
    entries.push((LegendMark::Outside, labels.not_in_group.as_str(), false));
    entries.push((LegendMark::Small, labels.small_country.as_str(), false));
    entries
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum LegendMark {
    Heading,
    Class(usize),
    NoEvidence,
    Outside,
    Small,
}

fn entry_width(mark: LegendMark, label: &str) -> f64 {
    match mark {
        LegendMark::Heading => text_width(label) + 14.0,
        _ => 24.0 + text_width(label) + 18.0,
    }
}

/// Rows of a legend that runs across `width` pixels: each a list of entry indexes.
fn legend_rows(entries: &[(LegendMark, &str, bool)], width: f64) -> Vec<Vec<usize>> {
    let mut rows: Vec<Vec<usize>> = vec![Vec::new()];
    let mut x = 0.0;
    for (i, &(mark, label, break_before)) in entries.iter().enumerate() {
        let w = entry_width(mark, label);
        let row = rows.last_mut().map_or(0, |r| r.len());
        if row > 0 && (break_before || x + w > width) {
            rows.push(Vec::new());
            x = 0.0;
        }
        if let Some(last) = rows.last_mut() {
            last.push(i);
        }
        x += w;
    }
    rows
}

fn layout(atlas: &Atlas, chart: &MapChart, size: (u32, u32)) -> Layout {
    let (width, height) = (f64::from(size.0), f64::from(size.1));
    let (lambda0, bounds, world) = fit(atlas, &chart.extent);
    let aspect = bounds.height() / bounds.width().max(1e-9);
    let entries = legend_entries(&chart.labels);
    let vertical = aspect > TALL;
    let (area_w, area_h) = if vertical {
        (
            width - 2.0 * MARGIN - LEGEND_COLUMN,
            height - HEADER - MARGIN,
        )
    } else {
        let rows = legend_rows(&entries, width - 2.0 * MARGIN).len() as f64;
        (
            width - 2.0 * MARGIN,
            height - HEADER - MARGIN - rows * LEGEND_ROW - 8.0,
        )
    };
    let (area_w, area_h) = (area_w.max(10.0), area_h.max(10.0));
    let scale = (area_w / bounds.width()).min(area_h / bounds.height());
    let (map_w, map_h) = (bounds.width() * scale, bounds.height() * scale);
    let origin = if vertical {
        (MARGIN, HEADER + (area_h - map_h) / 2.0)
    } else {
        (MARGIN + (area_w - map_w) / 2.0, HEADER)
    };
    let view = View {
        lambda0,
        bounds,
        scale,
        origin,
        world,
    };
    let (legend, legend_width) = if vertical {
        (
            (origin.0 + map_w + 16.0, HEADER + 8.0),
            LEGEND_COLUMN - 16.0,
        )
    } else {
        ((MARGIN, HEADER + map_h + 12.0), width - 2.0 * MARGIN)
    };
    Layout {
        view,
        legend,
        legend_vertical: vertical,
        legend_width,
    }
}

/// The natural size of a map of `extent`: 1200 px wide for the world and other wide extents (legend
/// below), 900 px tall of map for tall ones such as Latin America and the Caribbean (legend beside).
pub fn map_size(extent: &MapExtent) -> (u32, u32) {
    let Ok(atlas) = atlas() else {
        return (1200, 640);
    };
    let (_, bounds, _) = fit(atlas, extent);
    let aspect = bounds.height() / bounds.width().max(1e-9);
    if aspect > TALL {
        let map_h = 900.0;
        let width = (map_h / aspect + 2.0 * MARGIN + LEGEND_COLUMN).clamp(700.0, 1400.0);
        (
            width.round() as u32,
            (HEADER + map_h + MARGIN).round() as u32,
        )
    } else {
        let width = 1200.0;
        let labels = MapLabels::default();
        let rows = legend_rows(&legend_entries(&labels), width - 2.0 * MARGIN).len() as f64;
        let map_h = (width - 2.0 * MARGIN) * aspect;
        let height = (HEADER + map_h + MARGIN + rows * LEGEND_ROW + 8.0).clamp(300.0, 1400.0);
        (width as u32, height.round() as u32)
    }
}

// ---------------------------------------------------------------------------------------------------
// The plan: what is drawn where, worked out before any drawing so tests can read it.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Class(usize),
    NoEvidence,
    Outside,
}

impl Style {
    fn fill(self) -> RGBColor {
        match self {
            Style::Class(c) => CLASS_COLOURS[c.min(CLASS_COUNT - 1)],
            Style::NoEvidence => NO_EVIDENCE_AT_ALL,
            Style::Outside => OUTSIDE,
        }
    }
    fn outline(self) -> RGBColor {
        match self {
            Style::Outside => OUTSIDE_OUTLINE,
            _ => GROUP_OUTLINE,
        }
    }
}

#[derive(Debug)]
struct PlannedRing {
    style: Style,
    enclave: bool,
    points: Vec<(i32, i32)>,
    /// Index into the atlas, for tests that ask which country a ring belongs to.
    #[cfg_attr(not(test), allow(dead_code))]
    shape: usize,
}

#[derive(Debug)]
struct PlannedPoint {
    style: Style,
    /// Where the circle is drawn: moved off its neighbours where circles would overlap ...
    centre: (i32, i32),
    /// ... and where the country is, joined to the circle by a thin line when they differ.
    anchor: (i32, i32),
    #[cfg_attr(not(test), allow(dead_code))]
    shape: usize,
}

#[derive(Debug)]
struct Plan {
    layout: Layout,
    /// In drawing order: larger countries first, enclaves last.
    rings: Vec<PlannedRing>,
    /// Countries of the group too small to see, drawn as circles on top.
    points: Vec<PlannedPoint>,
    /// The sea: the globe's outline on the world map, the frame on a regional one.
    sea: Vec<(i32, i32)>,
    radius: i32,
}

/// A country of the group whose largest ring covers less than this many square pixels gets a circle if
/// it is islands only (Trinidad and Tobago on the Latin American map, Jamaica on the world map) ...
const ISLAND_POINT_PX2: f64 = 50.0;
/// ... and any country of the group below this (Luxembourg, Andorra, Sint Maarten on the world map).
const TINY_POINT_PX2: f64 = 12.0;

fn style_of(value: Option<&MapValue>, disputed: bool) -> Style {
    match value {
        _ if disputed => Style::Outside,
        Some(v) if v.in_group => match v.value.and_then(objective_class) {
            Some(class) => Style::Class(class),
            None => Style::NoEvidence,
        },
        _ => Style::Outside,
    }
}

/// Sutherland-Hodgman clipping of a ring against a rectangle (the ring's closing point implied).
fn clip_to(points: &[(f64, f64)], frame: &Bounds) -> Vec<(f64, f64)> {
    // The four sides in turn: left, right, top, bottom.
    let inside = |p: (f64, f64), side: usize| match side {
        0 => p.0 >= frame.x0,
        1 => p.0 <= frame.x1,
        2 => p.1 >= frame.y0,
        _ => p.1 <= frame.y1,
    };
    let cross = |a: (f64, f64), b: (f64, f64), side: usize| {
        let vertical = |x: f64| (x, a.1 + (x - a.0) / (b.0 - a.0) * (b.1 - a.1));
        let horizontal = |y: f64| (a.0 + (y - a.1) / (b.1 - a.1) * (b.0 - a.0), y);
        match side {
            0 => vertical(frame.x0),
            1 => vertical(frame.x1),
            2 => horizontal(frame.y0),
            _ => horizontal(frame.y1),
        }
    };
    let mut ring: Vec<(f64, f64)> = points.to_vec();
    for side in 0..4 {
        if ring.is_empty() {
            break;
        }
        let mut out = Vec::with_capacity(ring.len() + 4);
        for i in 0..ring.len() {
            let a = ring[i];
            let b = ring[(i + 1) % ring.len()];
            let (ia, ib) = (inside(a, side), inside(b, side));
            if ia {
                out.push(a);
            }
            if ia != ib {
                out.push(cross(a, b, side));
            }
        }
        ring = out;
    }
    ring
}

/// Pixel points rounded, consecutive repeats dropped; `None` when fewer than three remain (the ring is
/// smaller than a pixel).
fn to_pixels(points: impl Iterator<Item = (f64, f64)>) -> Option<Vec<(i32, i32)>> {
    let mut out: Vec<(i32, i32)> = Vec::new();
    for (x, y) in points {
        let p = (x.round() as i32, y.round() as i32);
        if out.last() != Some(&p) {
            out.push(p);
        }
    }
    while out.len() > 1 && out.first() == out.last() {
        out.pop();
    }
    // Points on the straight line between their neighbours draw nothing: dropped. It depends only on a
    // point and its neighbours, so a border shared by two countries loses the same points in both.
    if out.len() > 3 {
        let n = out.len();
        let keep: Vec<bool> = (0..n)
            .map(|i| {
                let (a, b, c) = (out[(i + n - 1) % n], out[i], out[(i + 1) % n]);
                let cross = i64::from(b.0 - a.0) * i64::from(c.1 - a.1)
                    - i64::from(b.1 - a.1) * i64::from(c.0 - a.0);
                let between = (a.0.min(c.0)..=a.0.max(c.0)).contains(&b.0)
                    && (a.1.min(c.1)..=a.1.max(c.1)).contains(&b.1);
                cross != 0 || !between
            })
            .collect();
        let mut k = keep.iter();
        out.retain(|_| k.next().copied().unwrap_or(true));
    }
    (out.len() >= 3).then_some(out)
}

fn plan(atlas: &Atlas, chart: &MapChart, size: (u32, u32)) -> Plan {
    let layout = layout(atlas, chart, size);
    let view = layout.view;
    let frame = view.frame();
    let mut values: HashMap<String, &MapValue> = HashMap::new();
    for value in &chart.values {
        values
            .entry(value.iso3.to_ascii_uppercase())
            .or_insert(value);
    }
    let px2_per_km2 = (view.scale / EARTH_RADIUS_KM).powi(2);
    let mut rings = Vec::new();
    let mut enclaves = Vec::new();
    let mut points = Vec::new();
    let mut buffer = Vec::new();
    let mut pixels = Vec::new();
    for (index, shape) in atlas.shapes.iter().enumerate() {
        let value = values.get(&shape.key).copied();
        let style = style_of(value, shape.disputed);
        let mut drawn = 0;
        for ring in &shape.rings {
            let projected = view.project_ring(ring, &mut buffer);
            pixels.clear();
            pixels.extend(projected.iter().map(|&p| view.pixel(p)));
            let mut bounds = Bounds::EMPTY;
            for &p in &pixels {
                bounds.add(p);
            }
            if !bounds.intersects(&frame) {
                continue;
            }
            let points = if frame.contains(&bounds) {
                to_pixels(pixels.iter().copied())
            } else {
                to_pixels(clip_to(&pixels, &frame).into_iter())
            };
            let Some(points) = points else { continue };
            drawn += 1;
            let planned = PlannedRing {
                style,
                enclave: ring.enclave,
                points,
                shape: index,
            };
            if ring.enclave {
                enclaves.push(planned);
            } else {
                rings.push(planned);
            }
        }
        let in_group = value.is_some_and(|v| v.in_group) && !shape.disputed;
        if !in_group {
            continue;
        }
        let largest_px2 = shape.largest_ring_km2 * px2_per_km2;
        let small = drawn == 0
            || largest_px2 < TINY_POINT_PX2
            || (shape.island && largest_px2 < ISLAND_POINT_PX2);
        if small {
            let (x, y) = view.pixel(view.project_point(shape.point));
            if frame.contains(&Bounds {
                x0: x,
                y0: y,
                x1: x,
                y1: y,
            }) {
                let at = (x.round() as i32, y.round() as i32);
                points.push(PlannedPoint {
                    style,
                    centre: at,
                    anchor: at,
                    shape: index,
                });
            }
        }
    }
    rings.extend(enclaves);
    // Smaller circles on the world map, where a group's small members crowd a smaller space (the
    // Caribbean is a few dozen pixels across there), and on small images.
    let radius = if view.world { 4 } else { 5 } - i32::from(size.0 < 800);
    spread(&mut points, f64::from(2 * radius + 2), &frame);
    let sea = if view.world {
        // The globe's edge: the meridians 180° east and west, clipped to the frame (Antarctica's
        // latitudes are left out).
        let east = (0..=90).map(|i| equal_earth(180.0, 90.0 - 2.0 * f64::from(i)));
        let west = (0..=90).map(|i| equal_earth(-180.0, -90.0 + 2.0 * f64::from(i)));
        let outline: Vec<(f64, f64)> = east.chain(west).map(|p| view.pixel(p)).collect();
        to_pixels(clip_to(&outline, &frame).into_iter()).unwrap_or_default()
    } else {
        to_pixels(
            [
                (frame.x0, frame.y0),
                (frame.x1, frame.y0),
                (frame.x1, frame.y1),
                (frame.x0, frame.y1),
            ]
            .into_iter(),
        )
        .unwrap_or_default()
    };
    Plan {
        layout,
        rings,
        points,
        sea,
        radius,
    }
}

/// Moves circles apart until no two centres are closer than `distance` (or after a fixed number of
/// rounds), each pair pushed away from each other by half their overlap, all kept inside `frame`. The
/// Lesser Antilles are a chain of a dozen states about a degree apart: without this their circles would
/// hide each other.
fn spread(points: &mut [PlannedPoint], distance: f64, frame: &Bounds) {
    let mut at: Vec<(f64, f64)> = points
        .iter()
        .map(|p| (f64::from(p.centre.0), f64::from(p.centre.1)))
        .collect();
    for _ in 0..60 {
        let mut moved = false;
        for i in 0..at.len() {
            for j in i + 1..at.len() {
                let (dx, dy) = (at[j].0 - at[i].0, at[j].1 - at[i].1);
                let d = dx.hypot(dy);
                if d >= distance {
                    continue;
                }
                // Two circles on the same spot part along a direction fixed by their order.
                let (ux, uy) = if d > 1e-9 {
                    (dx / d, dy / d)
                } else {
                    let angle = j as f64 * 2.399_963; // the golden angle, so directions differ
                    (angle.cos(), angle.sin())
                };
                let push = (distance - d) / 2.0 + 0.01;
                at[i] = (at[i].0 - ux * push, at[i].1 - uy * push);
                at[j] = (at[j].0 + ux * push, at[j].1 + uy * push);
                moved = true;
            }
        }
        for p in &mut at {
            p.0 = p.0.clamp(frame.x0, frame.x1);
            p.1 = p.1.clamp(frame.y0, frame.y1);
        }
        if !moved {
            break;
        }
    }
    for (point, p) in points.iter_mut().zip(at) {
        point.centre = (p.0.round() as i32, p.1.round() as i32);
    }
}

/// Segments of 45° hatching lines (rising to the right) inside a polygon, `spacing` pixels apart along
/// x; even-odd rule, so a ring that crosses itself after rounding still gets sensible hatching.
fn hatch_segments(points: &[(i32, i32)], spacing: f64) -> Vec<[(i32, i32); 2]> {
    // Along the lines u = x + y is constant; v = x - y runs along each line.
    let n = points.len();
    if n < 3 {
        return Vec::new();
    }
    let u = |p: (i32, i32)| f64::from(p.0 + p.1);
    let (lo, hi) = points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &p| {
            (lo.min(u(p)), hi.max(u(p)))
        });
    let mut segments = Vec::new();
    let mut crossings: Vec<(f64, f64)> = Vec::new();
    // Lines at multiples of the spacing, so neighbouring countries' hatching lines up.
    let mut c = (lo / spacing).ceil() * spacing;
    while c <= hi {
        crossings.clear();
        for i in 0..n {
            let (a, b) = (points[i], points[(i + 1) % n]);
            let (ua, ub) = (u(a), u(b));
            // Half-open, so a vertex on the line counts once.
            if (ua <= c && c < ub) || (ub <= c && c < ua) {
                let t = (c - ua) / (ub - ua);
                let x = f64::from(a.0) + t * f64::from(b.0 - a.0);
                let y = f64::from(a.1) + t * f64::from(b.1 - a.1);
                crossings.push((x, y));
            }
        }
        crossings.sort_by(|p, q| (p.0 - p.1).total_cmp(&(q.0 - q.1)));
        for pair in crossings.chunks_exact(2) {
            let from = (pair[0].0.round() as i32, pair[0].1.round() as i32);
            let to = (pair[1].0.round() as i32, pair[1].1.round() as i32);
            if from != to {
                segments.push([from, to]);
            }
        }
        c += spacing;
    }
    segments
}

// ---------------------------------------------------------------------------------------------------
// Drawing.

fn draw_map<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &MapChart,
    plan: &Plan,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let (width, _) = root.dim_in_pixel();
    if !plan.sea.is_empty() {
        root.draw(&Polygon::new(plan.sea.clone(), SEA.filled()))?;
    }
    let outline = |points: &[(i32, i32)]| {
        let mut closed = Vec::with_capacity(points.len() + 1);
        closed.extend_from_slice(points);
        closed.push(points[0]);
        closed
    };
    let fill = |ring: &PlannedRing| -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        root.draw(&Polygon::new(
            ring.points.clone(),
            ring.style.fill().filled(),
        ))?;
        if ring.style == Style::NoEvidence {
            for segment in hatch_segments(&ring.points, HATCH_SPACING) {
                root.draw(&PathElement::new(segment.to_vec(), HATCH.stroke_width(1)))?;
            }
        }
        Ok(())
    };
    // Fills first, then outlines, so no fill covers half of a neighbour's border; the group's outlines
    // over the others'. Enclaves come last with their own outline, on top of their host.
    let (main, enclaves): (Vec<&PlannedRing>, Vec<&PlannedRing>) =
        plan.rings.iter().partition(|r| !r.enclave);
    for ring in &main {
        fill(ring)?;
    }
    for outside in [true, false] {
        for ring in main
            .iter()
            .filter(|r| (r.style == Style::Outside) == outside)
        {
            root.draw(&PathElement::new(
                outline(&ring.points),
                ring.style.outline().stroke_width(1),
            ))?;
        }
    }
    for ring in &enclaves {
        fill(ring)?;
        root.draw(&PathElement::new(
            outline(&ring.points),
            ring.style.outline().stroke_width(1),
        ))?;
    }
    if !plan.layout.view.world {
        let frame = plan.layout.view.frame();
        root.draw(&Rectangle::new(
            [
                (frame.x0.round() as i32, frame.y0.round() as i32),
                (frame.x1.round() as i32, frame.y1.round() as i32),
            ],
            OUTSIDE_OUTLINE.stroke_width(1),
        ))?;
    }
    for point in &plan.points {
        let (dx, dy) = (
            point.centre.0 - point.anchor.0,
            point.centre.1 - point.anchor.1,
        );
        if dx * dx + dy * dy > plan.radius * plan.radius {
            root.draw(&PathElement::new(
                vec![point.anchor, point.centre],
                INK.stroke_width(1),
            ))?;
        }
    }
    for point in &plan.points {
        draw_circle(root, point.centre, plan.radius, Some(point.style))?;
    }

    // Title and subtitle, as the other charts write them.
    root.draw(&Text::new(
        chart.title.clone(),
        (12, 12),
        (FAMILY, 20).into_font().style(FontStyle::Bold).color(&INK),
    ))?;
    let per_line = ((width as usize).saturating_sub(24) * 2 / 13).max(20);
    for (i, line) in wrap(&chart.subtitle, per_line)
        .into_iter()
        .take(2)
        .enumerate()
    {
        root.draw(&Text::new(
            line,
            (12, 38 + 16 * i as i32),
            (FAMILY, 12).into_font().color(&INK),
        ))?;
    }
    draw_legend(root, chart, plan)
}

/// A circle for a small country: a white halo, so neighbouring circles stay apart, the class colour (or
/// the no-evidence grey crossed by one hatching stroke) and a dark outline. `None`: the legend's
/// circle, white.
fn draw_circle<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    radius: i32,
    style: Option<Style>,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.draw(&Circle::new((x, y), radius + 2, WHITE.filled()))?;
    let fill = style.map_or(WHITE, Style::fill);
    root.draw(&Circle::new((x, y), radius, fill.filled()))?;
    if style == Some(Style::NoEvidence) {
        let d = (f64::from(radius) * 0.7).round() as i32;
        root.draw(&PathElement::new(
            vec![(x - d, y + d), (x + d, y - d)],
            HATCH.stroke_width(1),
        ))?;
    }
    root.draw(&Circle::new((x, y), radius, INK.stroke_width(1)))?;
    Ok(())
}

fn draw_legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &MapChart,
    plan: &Plan,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let layout = &plan.layout;
    let entries = legend_entries(&chart.labels);
    let rows: Vec<Vec<usize>> = if layout.legend_vertical {
        (0..entries.len()).map(|i| vec![i]).collect()
    } else {
        legend_rows(&entries, layout.legend_width)
    };
    let left = Pos::new(HPos::Left, VPos::Center);
    let (x0, y0) = (
        layout.legend.0.round() as i32,
        layout.legend.1.round() as i32,
    );
    for (r, row) in rows.iter().enumerate() {
        let y = y0 + r as i32 * LEGEND_ROW as i32;
        let mut x = x0;
        for &i in row {
            let (mark, label, _) = entries[i];
            let swatch = [(x, y + 3), (x + 18, y + 17)];
            match mark {
                LegendMark::Heading => {}
                LegendMark::Class(c) => {
                    root.draw(&Rectangle::new(swatch, CLASS_COLOURS[c].filled()))?;
                    root.draw(&Rectangle::new(swatch, GROUP_OUTLINE.stroke_width(1)))?;
                }
                LegendMark::NoEvidence => {
                    root.draw(&Rectangle::new(swatch, NO_EVIDENCE_AT_ALL.filled()))?;
                    let corners = [swatch[0], (x + 18, y + 3), swatch[1], (x, y + 17)];
                    for segment in hatch_segments(&corners, HATCH_SPACING) {
                        root.draw(&PathElement::new(segment.to_vec(), HATCH.stroke_width(1)))?;
                    }
                    root.draw(&Rectangle::new(swatch, GROUP_OUTLINE.stroke_width(1)))?;
                }
                LegendMark::Outside => {
                    root.draw(&Rectangle::new(swatch, OUTSIDE.filled()))?;
                    root.draw(&Rectangle::new(swatch, OUTSIDE_OUTLINE.stroke_width(1)))?;
                }
                LegendMark::Small => draw_circle(root, (x + 9, y + 10), plan.radius, None)?,
            }
            let (text_x, font) = match mark {
                LegendMark::Heading => (x, (FAMILY, 12).into_font().style(FontStyle::Bold)),
                _ => (x + 24, (FAMILY, 12).into_font()),
            };
            root.draw(&Text::new(
                label.to_string(),
                (text_x, y + 10),
                font.color(&INK).pos(left),
            ))?;
            x += entry_width(mark, label).round() as i32;
        }
    }
    Ok(())
}

/// The map as an SVG document with a `<title>`, a `<desc>` and an `aria-label`.
pub fn map_svg(chart: &MapChart, size: (u32, u32)) -> Result<String, String> {
    let plan = plan(atlas()?, chart, size);
    svg_document(
        &chart.title,
        &chart.subtitle,
        &chart.summary,
        size,
        |root| draw_map(root, chart, &plan).map_err(|e| format!("chart drawing failed: {e}")),
    )
}

/// The map as a PNG image.
pub fn map_png(chart: &MapChart, size: (u32, u32)) -> Result<Vec<u8>, String> {
    let plan = plan(atlas()?, chart, size);
    png_document(size, |root| {
        draw_map(root, chart, &plan).map_err(|e| format!("chart drawing failed: {e}"))
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn value(iso3: &str, value: Option<u32>) -> MapValue {
        MapValue {
            iso3: iso3.into(),
            name: iso3.into(),
            value,
            in_group: true,
        }
    }

    fn chart(extent: MapExtent, values: Vec<MapValue>) -> MapChart {
        MapChart {
            title: "t".into(),
            subtitle: "s".into(),
            extent,
            values,
            labels: MapLabels::default(),
            summary: "d".into(),
        }
    }

    fn index(iso3: &str) -> usize {
        atlas().unwrap().by_key[iso3]
    }

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

    #[test]
    fn the_atlas_parses_with_the_enclaves_marked() {
        let atlas = atlas().unwrap();
        // 249 codes in countries.csv, Antarctica left out, plus the Siachen Glacier as a disputed area.
        assert_eq!(atlas.shapes.len(), 249);
        assert!(atlas.shapes[atlas.by_key["~SIACHEN"]].disputed);
        // Lesotho lies inside South Africa: its ring is an enclave, drawn after South Africa's.
        let lesotho = &atlas.shapes[index("LSO")];
        assert!(lesotho.rings.iter().all(|r| r.enclave));
        // Russia's ring across the antimeridian was cut: no ring spans more than 180° of longitude.
        for shape in &atlas.shapes {
            for ring in &shape.rings {
                let (lo, hi) = ring
                    .lonlat
                    .iter()
                    .fold((f64::MAX, f64::MIN), |(lo, hi), p| {
                        (lo.min(p.0), hi.max(p.0))
                    });
                assert!(hi - lo <= 180.0, "{} spans {lo}..{hi}", shape.key);
            }
        }
    }

    #[test]
    fn bad_atlas_text_is_an_error_not_a_panic() {
        assert!(parse_atlas("").is_err());
        assert!(parse_atlas("gcm-map 1\nR 1 2 3 4 5 6\n").is_err());
        assert!(parse_atlas("gcm-map 1\nC ABC - 1 2\nR 1 2 x 4 5 6\n").is_err());
        assert!(parse_atlas("gcm-map 1\nC ABC - 1 2\nR 1 2 3\n").is_err());
        assert!(parse_atlas("gcm-map 1\nC ABC - 1 2 3\nR 99999 2 3 4 5 6\n").is_err());
        assert!(parse_atlas("gcm-map 1\nC ABC - 1 2 3\nR 0 0 100 0 0 100\n").is_ok());
    }

    #[test]
    fn the_middle_meridian_takes_the_short_way_round() {
        // Mexico to Brazil: -118 to -34, middle -76.
        assert_eq!(
            middle_meridian(&[(-118.0, -86.0), (-74.0, -34.0)]),
            Some(-76.0)
        );
        // Fiji's halves at 177..180 and -180..-178: the short arc 177..182, middle 179.5.
        let middle = middle_meridian(&[(177.0, 180.0), (-180.0, -178.0)]).unwrap();
        assert!((middle - 179.5).abs() < 1e-9, "{middle}");
    }

    #[test]
    fn latin_america_is_fitted_on_its_own_meridian() {
        let atlas = atlas().unwrap();
        let lac = ["MEX", "BRA", "CHL", "ARG", "CUB", "TTO"]
            .map(String::from)
            .to_vec();
        let (lambda0, bounds, world) = fit(atlas, &MapExtent::Countries(lac));
        assert!(!world);
        // Mexico's west (Baja California, -117°) to Brazil's east (-34.8°): middle near -76°.
        assert!((-80.0..-72.0).contains(&lambda0), "{lambda0}");
        // Taller than wide: from Mexico's north (32.7°N) to Cape Horn (55.9°S).
        assert!(bounds.height() > bounds.width());
        // The United States alone: Alaska counts, Hawaii and the Aleutians past 180° do not.
        let (lambda0, _, world) = fit(atlas, &MapExtent::Countries(vec!["USA".into()]));
        assert!(!world);
        assert!((-130.0..-100.0).contains(&lambda0), "{lambda0}");
        // Unknown codes only: the world.
        assert!(fit(atlas, &MapExtent::Countries(vec!["XXX".into()])).2);
    }

    #[test]
    fn no_evidence_countries_are_hatched_grey_and_outside_ones_pale() {
        let atlas = atlas().unwrap();
        let values = vec![
            value("PRY", Some(3)),
            value("BOL", None),
            value("URY", Some(0)),
            MapValue {
                in_group: false,
                ..value("ARG", Some(20))
            },
        ];
        let plan = plan(atlas, &chart(MapExtent::World, values), (1200, 620));
        let style = |iso3: &str| {
            let styles: Vec<Style> = plan
                .rings
                .iter()
                .filter(|r| r.shape == index(iso3))
                .map(|r| r.style)
                .collect();
            assert!(!styles.is_empty(), "{iso3} not drawn");
            assert!(styles.iter().all(|s| *s == styles[0]));
            styles[0]
        };
        assert_eq!(style("PRY"), Style::Class(0));
        assert_eq!(style("BOL"), Style::NoEvidence);
        // Zero objectives is no evidence too, never the lowest class.
        assert_eq!(style("URY"), Style::NoEvidence);
        // Outside the group, whatever its number.
        assert_eq!(style("ARG"), Style::Outside);
        assert_eq!(style("FRA"), Style::Outside);
    }

    #[test]
    fn caribbean_island_states_become_points_on_the_latin_american_map() {
        let atlas = atlas().unwrap();
        let islands = ["LCA", "GRD", "BRB", "ATG", "KNA", "DMA", "VCT", "TTO"];
        let mainland = ["MEX", "BRA", "ARG", "CHL", "COL"];
        let codes: Vec<String> = islands
            .iter()
            .chain(&mainland)
            .map(|s| s.to_string())
            .collect();
        let values = codes.iter().map(|c| value(c, Some(7))).collect();
        let chart = chart(MapExtent::Countries(codes.clone()), values);
        let size = map_size(&chart.extent);
        let plan = plan(atlas, &chart, size);
        let pointed: Vec<&str> = plan
            .points
            .iter()
            .map(|p| atlas.shapes[p.shape].key.as_str())
            .collect();
        for island in islands {
            assert!(
                pointed.contains(&island),
                "{island} has no point: {pointed:?}"
            );
        }
        for country in mainland {
            assert!(!pointed.contains(&country), "{country} got a point");
        }
        // Every circle lies inside the map's frame.
        let frame = plan.layout.view.frame();
        for p in &plan.points {
            assert!(frame.x0 <= f64::from(p.centre.0) && f64::from(p.centre.0) <= frame.x1);
            assert!(frame.y0 <= f64::from(p.centre.1) && f64::from(p.centre.1) <= frame.y1);
        }
    }

    #[test]
    fn hatching_a_square_gives_diagonals_inside_it() {
        // A 12 x 12 square from (0,0): lines x + y = 6, 12, 18 cross it (0 and 24 touch only a corner).
        let square = [(0, 0), (12, 0), (12, 12), (0, 12)];
        let segments = hatch_segments(&square, 6.0);
        assert_eq!(
            segments,
            vec![[(0, 6), (6, 0)], [(0, 12), (12, 0)], [(6, 12), (12, 6)]]
        );
    }

    #[test]
    fn clipping_keeps_the_part_inside() {
        let frame = Bounds {
            x0: 0.0,
            y0: 0.0,
            x1: 10.0,
            y1: 10.0,
        };
        let square = [(5.0, 5.0), (15.0, 5.0), (15.0, 15.0), (5.0, 15.0)];
        let clipped = clip_to(&square, &frame);
        assert!((ring_area(&clipped) - 25.0).abs() < 1e-9);
    }
}
