//! The plan: what is drawn where, worked out before any drawing so tests can read it.

use std::collections::HashMap;

use super::layout::{layout, Layout};
use super::projection::equal_earth;
use super::shapes::{Atlas, Bounds, EARTH_RADIUS_KM};
use super::{objective_class, MapChart, MapValue};

/// How a country is drawn: in its class's colour, hatched for no evidence, or pale outside the group
/// (the colours themselves are in `draw`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Style {
    Class(usize),
    NoEvidence,
    Outside,
}

#[derive(Debug)]
pub(super) struct PlannedRing {
    pub(super) style: Style,
    pub(super) enclave: bool,
    pub(super) points: Vec<(i32, i32)>,
    /// Index into the atlas, for tests that ask which country a ring belongs to.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(super) shape: usize,
}

#[derive(Debug)]
pub(super) struct PlannedPoint {
    pub(super) style: Style,
    /// Where the circle is drawn: moved off its neighbours where circles would overlap ...
    pub(super) centre: (i32, i32),
    /// ... and where the country is, joined to the circle by a thin line when they differ.
    pub(super) anchor: (i32, i32),
    #[cfg_attr(not(test), allow(dead_code))]
    pub(super) shape: usize,
}

#[derive(Debug)]
pub(super) struct Plan {
    pub(super) layout: Layout,
    /// In drawing order: larger countries first, enclaves last.
    pub(super) rings: Vec<PlannedRing>,
    /// Countries of the group too small to see, drawn as circles on top.
    pub(super) points: Vec<PlannedPoint>,
    /// The sea: the globe's outline on the world map, the frame on a regional one.
    pub(super) sea: Vec<(i32, i32)>,
    pub(super) radius: i32,
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

pub(super) fn plan(atlas: &Atlas, chart: &MapChart, size: (u32, u32)) -> Plan {
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
pub(super) fn hatch_segments(points: &[(i32, i32)], spacing: f64) -> Vec<[(i32, i32); 2]> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::map::shapes::{atlas, ring_area};
    use crate::charts::map::{map_size, MapExtent, MapLabels};

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
