//! Drawing the plan with plotters: the colours, fills and hatching, outlines, the circles of small
//! countries, the title and the legend.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::layout::{entry_width, legend_entries, legend_rows, LegendMark, LEGEND_ROW};
use super::plan::{hatch_segments, Plan, PlannedRing, Style};
use super::{MapChart, CLASS_COUNT};
use crate::charts::{wrap, FAMILY, INK, NO_EVIDENCE_AT_ALL};

// ---------------------------------------------------------------------------------------------------
// Colours.

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

/// The colours a style is drawn in.
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

// ---------------------------------------------------------------------------------------------------
// Drawing.

/// The whole image: the sea, the countries, the circles of small ones, the title and the legend.
pub(super) fn draw_map<DB: DrawingBackend>(
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
