//! The projection: Equal Earth (Šavrič, Patterson and Jenny, 2018), on the unit sphere, forward and
//! inverse, and the view that fits it to an extent.

use super::shapes::{Atlas, Bounds, Ring, Shape};
use super::MapExtent;

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
// The view: which part of the projected world goes where on the image.

/// `x` in [-180, 180).
fn wrap_degrees(x: f64) -> f64 {
    (x + 180.0).rem_euclid(360.0) - 180.0
}

/// A projection and its placement: Equal Earth with central meridian `lambda0`, the box `bounds` of
/// projected coordinates drawn at `scale` pixels a unit with its top-left corner at `origin`.
#[derive(Debug, Clone, Copy)]
pub(super) struct View {
    pub(super) lambda0: f64,
    pub(super) bounds: Bounds,
    pub(super) scale: f64,
    pub(super) origin: (f64, f64),
    pub(super) world: bool,
}

impl View {
    /// A ring projected with this view's central meridian. The whole ring is moved by a multiple of 360°
    /// so that its middle lies within 180° of the central meridian: no ring is torn across the map.
    pub(super) fn project_ring<'a>(
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

    pub(super) fn project_point(&self, (lon, lat): (f64, f64)) -> (f64, f64) {
        equal_earth(wrap_degrees(lon - self.lambda0), lat)
    }

    pub(super) fn pixel(&self, (x, y): (f64, f64)) -> (f64, f64) {
        (
            self.origin.0 + (x - self.bounds.x0) * self.scale,
            self.origin.1 + (self.bounds.y1 - y) * self.scale,
        )
    }

    /// The map's rectangle on the image.
    pub(super) fn frame(&self) -> Bounds {
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
pub(super) fn fit(atlas: &Atlas, extent: &MapExtent) -> (f64, Bounds, bool) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::map::shapes::atlas;

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
}
