//! The vendored shapes: `assets/map/countries.txt` parsed once into an [`Atlas`] of countries and their
//! rings, in longitude and latitude and projected for the world map.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::projection::equal_earth;

const ATLAS_TEXT: &str = include_str!("../../../assets/map/countries.txt");
/// The radius the vendored areas were measured with (mean Earth radius, IUGG), in km.
pub(super) const EARTH_RADIUS_KM: f64 = 6371.0088;

/// A box `[x0, x1] × [y0, y1]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Bounds {
    pub(super) x0: f64,
    pub(super) y0: f64,
    pub(super) x1: f64,
    pub(super) y1: f64,
}

impl Bounds {
    pub(super) const EMPTY: Bounds = Bounds {
        x0: f64::INFINITY,
        y0: f64::INFINITY,
        x1: f64::NEG_INFINITY,
        y1: f64::NEG_INFINITY,
    };
    pub(super) fn add(&mut self, (x, y): (f64, f64)) {
        self.x0 = self.x0.min(x);
        self.y0 = self.y0.min(y);
        self.x1 = self.x1.max(x);
        self.y1 = self.y1.max(y);
    }
    pub(super) fn union(mut self, other: Bounds) -> Bounds {
        self.x0 = self.x0.min(other.x0);
        self.y0 = self.y0.min(other.y0);
        self.x1 = self.x1.max(other.x1);
        self.y1 = self.y1.max(other.y1);
        self
    }
    pub(super) fn is_empty(&self) -> bool {
        !(self.x0 <= self.x1 && self.y0 <= self.y1)
    }
    pub(super) fn width(&self) -> f64 {
        self.x1 - self.x0
    }
    pub(super) fn height(&self) -> f64 {
        self.y1 - self.y0
    }
    pub(super) fn intersects(&self, other: &Bounds) -> bool {
        self.x0 <= other.x1 && other.x0 <= self.x1 && self.y0 <= other.y1 && other.y0 <= self.y1
    }
    pub(super) fn contains(&self, other: &Bounds) -> bool {
        self.x0 <= other.x0 && other.x1 <= self.x1 && self.y0 <= other.y0 && other.y1 <= self.y1
    }
}

#[derive(Debug)]
pub(super) struct Ring {
    /// Drawn after every other ring: it fills a hole of the country around it.
    pub(super) enclave: bool,
    /// Longitude and latitude, degrees.
    pub(super) lonlat: Vec<(f64, f64)>,
    /// The middle of its longitudes, to place the whole ring on one side of a shifted antimeridian.
    pub(super) centre_lon: f64,
    /// Projected with the central meridian at 0°, as the world map draws it.
    pub(super) world: Vec<(f64, f64)>,
    world_bounds: Bounds,
    /// Area in square km.
    pub(super) area_km2: f64,
}

#[derive(Debug)]
pub(super) struct Shape {
    /// ISO 3166-1 alpha-3, or `~NAME` for a disputed area credited to no country.
    pub(super) key: String,
    /// No land border: the country is islands only.
    pub(super) island: bool,
    pub(super) disputed: bool,
    /// A point inside its largest ring (longitude, latitude).
    pub(super) point: (f64, f64),
    pub(super) rings: Vec<Ring>,
    /// The rings that count when a map is fitted to the country: those of at least a tenth of its
    /// largest, so Hawaii, the Aleutians past 180° or the Galápagos do not stretch a regional map.
    pub(super) main_rings: Vec<usize>,
    pub(super) largest_ring_km2: f64,
}

#[derive(Debug)]
pub(super) struct Atlas {
    /// Larger first, as the file lists them.
    pub(super) shapes: Vec<Shape>,
    pub(super) by_key: HashMap<String, usize>,
    /// The world map's extent, in Equal Earth coordinates.
    pub(super) world_bounds: Bounds,
}

pub(super) fn atlas() -> Result<&'static Atlas, String> {
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
pub(super) fn ring_area(points: &[(f64, f64)]) -> f64 {
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
                if numbers.len() < 6 || !numbers.len().is_multiple_of(2) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_atlas_parses_with_the_enclaves_marked() {
        let atlas = atlas().unwrap();
        // 249 codes in countries.csv, Antarctica left out, plus the Siachen Glacier as a disputed area.
        assert_eq!(atlas.shapes.len(), 249);
        assert!(atlas.shapes[atlas.by_key["~SIACHEN"]].disputed);
        // Lesotho lies inside South Africa: its ring is an enclave, drawn after South Africa's.
        let lesotho = &atlas.shapes[atlas.by_key["LSO"]];
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
}
