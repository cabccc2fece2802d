//! Charts rendered on the server with plotters, as SVG or PNG. Pure: plain data in, bytes out. The font is
//! shipped in `assets/fonts/` and registered once, so a machine without fonts renders the same charts.

use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::framework::Grouping;
use crate::indicators::CountryIndicators;

pub mod map;

/// DejaVu Sans (licence beside it in assets/fonts/).
const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const FAMILY: &str = "sans-serif";

/// Registers the shipped font under the family every chart uses; the first call does the work.
fn register_font() {
    static REGISTERED: OnceLock<()> = OnceLock::new();
    REGISTERED.get_or_init(|| {
        for style in [FontStyle::Normal, FontStyle::Bold] {
            // The bytes are a valid TrueType font compiled into the binary; a failure would show as
            // missing text in every chart, which the chart tests catch.
            let _ = plotters::style::register_font(FAMILY, style, FONT);
        }
    });
}

/// Depth colours: a sequential blue ramp that stays ordered in grey scale and for the common colour-vision
/// deficiencies; every cell also prints its depth, so nothing is told by colour alone.
const DEPTH_COLOURS: [RGBColor; 4] = [
    RGBColor(255, 255, 255), // 0: no evidence for this objective
    RGBColor(198, 219, 239), // 1: mentioned
    RGBColor(107, 174, 214), // 2: described
    RGBColor(8, 81, 156),    // 3: with results
];
/// A country without any evidence in these sources: hatched grey, marked "–".
const NO_EVIDENCE_AT_ALL: RGBColor = RGBColor(217, 217, 217);
/// The depth printed in each cell, by depth.
const DEPTH_MARKS: [&str; 4] = ["0", "1", "2", "3"];
const GRID: RGBColor = RGBColor(150, 150, 150);
const INK: RGBColor = RGBColor(20, 20, 20);

/// What a coverage-matrix chart shows, and what it counted (for its subtitle and text alternative).
#[derive(Debug, Clone)]
pub struct MatrixChart<'a> {
    pub title: String,
    pub subtitle: String,
    pub grouping: &'a Grouping,
    /// Rows: the country's name and its indicators.
    pub rows: Vec<(String, &'a CountryIndicators)>,
    /// The words drawn on the chart, in the reader's language.
    pub labels: MatrixLabels,
    /// The text alternative (SVG `<desc>`), in the reader's language.
    pub summary: String,
}

/// The words of a matrix chart: the legend, the shared-objective column and the no-evidence row mark.
#[derive(Debug, Clone)]
pub struct MatrixLabels {
    /// Legend entries for depth 3, 2, 1 and 0.
    pub depth: [String; 4],
    pub no_evidence_at_all: String,
    pub all_areas: String,
    pub row_without_evidence: String,
}

impl Default for MatrixLabels {
    fn default() -> MatrixLabels {
        MatrixLabels {
            depth: [
                "practice or measure with results".into(),
                "practice or measure described".into(),
                "mentioned only".into(),
                "no evidence for this objective".into(),
            ],
            no_evidence_at_all: "no evidence in these sources".into(),
            all_areas: "all areas".into(),
            row_without_evidence: "(no evidence)".into(),
        }
    }
}

/// Columns of the matrix: objectives grouped by the grouping's groups, each objective once (objective 23,
/// which sits in every MPTF area, gets a column of its own at the end, labelled as shared).
pub fn column_order(grouping: &Grouping) -> Vec<(String, Vec<i32>)> {
    let membership = grouping.groups_of_objective();
    let shared: Vec<i32> = membership
        .iter()
        .filter(|(_, groups)| groups.len() > 1)
        .map(|(o, _)| *o)
        .collect();
    let mut columns: Vec<(String, Vec<i32>)> = grouping
        .groups
        .iter()
        .map(|g| {
            (
                g.id.clone(),
                g.objectives
                    .iter()
                    .copied()
                    .filter(|o| !shared.contains(o))
                    .collect(),
            )
        })
        .collect();
    if !shared.is_empty() {
        columns.push(("all".to_string(), shared));
    }
    columns
}

const LEFT: i32 = 230;
/// Row labels longer than this are cut with an ellipsis so that "(no evidence)" still fits beside them
/// in the LEFT margin at 12 px ("South Georgia and the South Sandwich Islands" would not).
const ROW_LABEL_CHARS: usize = 22;

/// `text` cut to `max` characters, the last replaced by an ellipsis when cut.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}
const TOP: i32 = 110;
const CELL_H: i32 = 24;
const LEGEND_H: i32 = 60;

/// The natural size of a matrix chart for its number of rows.
pub fn matrix_size(rows: usize) -> (u32, u32) {
    (1200, (TOP + CELL_H * rows as i32 + LEGEND_H + 20) as u32)
}

fn draw_matrix<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &MatrixChart<'_>,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let (width, _) = root.dim_in_pixel();
    root.fill(&WHITE)?;
    let text = |size: i32, bold: bool| {
        let font = if bold {
            (FAMILY, size).into_font().style(FontStyle::Bold)
        } else {
            (FAMILY, size).into_font()
        };
        font.color(&INK)
    };
    root.draw(&Text::new(chart.title.clone(), (12, 12), text(20, true)))?;
    root.draw(&Text::new(
        chart.subtitle.clone(),
        (12, 40),
        text(12, false),
    ))?;

    let columns = column_order(chart.grouping);
    let count: i32 = columns
        .iter()
        .map(|(_, o)| o.len() as i32)
        .sum::<i32>()
        .max(1);
    let cell_w = ((width as i32 - LEFT - 20) / count).max(12);
    let centre = Pos::new(HPos::Center, VPos::Center);
    let right = Pos::new(HPos::Right, VPos::Center);
    let mut x = LEFT;
    for (group, objectives) in &columns {
        let span = cell_w * objectives.len() as i32;
        let label = if group == "all" {
            chart.labels.all_areas.clone()
        } else {
            group.clone()
        };
        root.draw(&Rectangle::new(
            [(x, TOP - 52), (x + span, TOP - 30)],
            ShapeStyle::from(&GRID).stroke_width(1),
        ))?;
        root.draw(&Text::new(
            label,
            (x + span / 2, TOP - 41),
            text(12, true).pos(centre),
        ))?;
        for (i, objective) in objectives.iter().enumerate() {
            let cx = x + cell_w * i as i32 + cell_w / 2;
            root.draw(&Text::new(
                objective.to_string(),
                (cx, TOP - 14),
                text(11, false).pos(centre),
            ))?;
        }
        x += span;
    }
    // The cells' two text styles, made once: a font is looked up by its family on every `into_font`.
    let mark_ink = (FAMILY, 11).into_font().color(&INK).pos(centre);
    let mark_white = (FAMILY, 11).into_font().color(&WHITE).pos(centre);
    for (r, (name, indicators)) in chart.rows.iter().enumerate() {
        let y = TOP + CELL_H * r as i32;
        let has = indicators.has_evidence();
        let short = shorten(name, ROW_LABEL_CHARS);
        let label = if has {
            short
        } else {
            format!("{short} {}", chart.labels.row_without_evidence)
        };
        root.draw(&Text::new(
            label,
            (LEFT - 8, y + CELL_H / 2),
            text(12, false).pos(right),
        ))?;
        let mut x = LEFT;
        for (_, objectives) in &columns {
            for objective in objectives {
                let depth = indicators.depth_of(*objective).min(3);
                let (fill, mark) = if has {
                    (DEPTH_COLOURS[depth as usize], DEPTH_MARKS[depth as usize])
                } else {
                    (NO_EVIDENCE_AT_ALL, "–")
                };
                root.draw(&Rectangle::new(
                    [(x, y), (x + cell_w, y + CELL_H)],
                    fill.filled(),
                ))?;
                root.draw(&Rectangle::new(
                    [(x, y), (x + cell_w, y + CELL_H)],
                    ShapeStyle::from(&GRID).stroke_width(1),
                ))?;
                let style = if depth == 3 && has {
                    &mark_white
                } else {
                    &mark_ink
                };
                root.draw(&Text::new(
                    mark,
                    (x + cell_w / 2, y + CELL_H / 2),
                    style.clone(),
                ))?;
                x += cell_w;
            }
        }
    }
    // Legend: the colour, the printed mark and the words.
    let y = TOP + CELL_H * chart.rows.len() as i32 + 20;
    let labels = &chart.labels;
    let entries: [(RGBColor, &str, &str); 5] = [
        (DEPTH_COLOURS[3], "3", &labels.depth[0]),
        (DEPTH_COLOURS[2], "2", &labels.depth[1]),
        (DEPTH_COLOURS[1], "1", &labels.depth[2]),
        (DEPTH_COLOURS[0], "0", &labels.depth[3]),
        (NO_EVIDENCE_AT_ALL, "–", &labels.no_evidence_at_all),
    ];
    let mut x = 12;
    for (colour, mark, words) in entries {
        root.draw(&Rectangle::new([(x, y), (x + 18, y + 18)], colour.filled()))?;
        root.draw(&Rectangle::new(
            [(x, y), (x + 18, y + 18)],
            ShapeStyle::from(&GRID).stroke_width(1),
        ))?;
        let ink = if mark == "3" { WHITE } else { INK };
        root.draw(&Text::new(
            mark.to_string(),
            (x + 9, y + 9),
            (FAMILY, 11).into_font().color(&ink).pos(centre),
        ))?;
        root.draw(&Text::new(
            words.to_string(),
            (x + 24, y + 9),
            text(12, false).pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        // About 6.5 px per character of 12 px DejaVu Sans, then a gap.
        x += 24 + words.chars().count() as i32 * 13 / 2 + 28;
    }
    Ok(())
}

/// Splits text into lines of at most `width` characters at spaces (a longer word stands alone).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Escapes text for an XML element.
fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The chart as an SVG document with a `<title>`, a `<desc>` and an `aria-label`.
pub fn matrix_svg(chart: &MatrixChart<'_>, size: (u32, u32)) -> Result<String, String> {
    svg_document(
        &chart.title,
        &chart.subtitle,
        &chart.summary,
        size,
        |root| draw_matrix(root, chart).map_err(|e| format!("chart drawing failed: {e}")),
    )
}

/// The chart as a PNG image.
pub fn matrix_png(chart: &MatrixChart<'_>, size: (u32, u32)) -> Result<Vec<u8>, String> {
    png_document(size, |root| {
        draw_matrix(root, chart).map_err(|e| format!("chart drawing failed: {e}"))
    })
}

/// A horizontal bar chart: one bar per row on a common scale, its value printed beside it, and an optional
/// marker (a peer median) drawn as a black tick and printed too.
#[derive(Debug, Clone)]
pub struct BarChart {
    pub title: String,
    pub subtitle: String,
    /// What the scale measures, printed under the bars.
    pub unit: String,
    /// The scale's maximum (the denominator).
    pub max: f64,
    pub bars: Vec<Bar>,
    /// A sentence a screen reader reads instead of the chart.
    pub summary: String,
    pub marker_label: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub marker: Option<f64>,
    /// Printed at the end of the bar, e.g. "4 of 6".
    pub text: String,
}

const BAR_H: i32 = 22;
const BAR_GAP: i32 = 8;
const BAR_LEFT: i32 = 330;
/// Bars in the colour of depth 2; the value is always printed, so the colour carries nothing alone.
const BAR: RGBColor = RGBColor(107, 174, 214);

pub fn bar_size(bars: usize) -> (u32, u32) {
    (1000, (96 + (BAR_H + BAR_GAP) * bars as i32 + 70) as u32)
}

fn draw_bars<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &BarChart,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let (width, _) = root.dim_in_pixel();
    root.fill(&WHITE)?;
    let text = |size: i32| (FAMILY, size).into_font().color(&INK);
    root.draw(&Text::new(
        chart.title.clone(),
        (12, 12),
        (FAMILY, 20).into_font().style(FontStyle::Bold).color(&INK),
    ))?;
    // About 6.5 px a character: wrap the subtitle to the width.
    let per_line = ((width as usize).saturating_sub(24) * 2 / 13).max(20);
    for (i, line) in wrap(&chart.subtitle, per_line)
        .into_iter()
        .take(2)
        .enumerate()
    {
        root.draw(&Text::new(line, (12, 38 + 16 * i as i32), text(12)))?;
    }
    let span = (width as i32 - BAR_LEFT - 160).max(50);
    let scale = |v: f64| {
        if chart.max > 0.0 {
            ((v / chart.max).clamp(0.0, 1.0) * span as f64).round() as i32
        } else {
            0
        }
    };
    let top = 86;
    let right = Pos::new(HPos::Right, VPos::Center);
    let left = Pos::new(HPos::Left, VPos::Center);
    for (i, bar) in chart.bars.iter().enumerate() {
        let y = top + (BAR_H + BAR_GAP) * i as i32;
        root.draw(&Text::new(
            bar.label.clone(),
            (BAR_LEFT - 8, y + BAR_H / 2),
            text(12).pos(right),
        ))?;
        root.draw(&Rectangle::new(
            [(BAR_LEFT, y), (BAR_LEFT + span, y + BAR_H)],
            ShapeStyle::from(&GRID).stroke_width(1),
        ))?;
        let end = BAR_LEFT + scale(bar.value);
        if end > BAR_LEFT {
            root.draw(&Rectangle::new(
                [(BAR_LEFT, y), (end, y + BAR_H)],
                BAR.filled(),
            ))?;
        }
        if let Some(marker) = bar.marker {
            let x = BAR_LEFT + scale(marker);
            root.draw(&Rectangle::new(
                [(x - 1, y - 3), (x + 1, y + BAR_H + 3)],
                INK.filled(),
            ))?;
        }
        root.draw(&Text::new(
            bar.text.clone(),
            (BAR_LEFT + span + 8, y + BAR_H / 2),
            text(12).pos(left),
        ))?;
    }
    let y = top + (BAR_H + BAR_GAP) * chart.bars.len() as i32 + 10;
    root.draw(&Text::new(
        format!("0 to {} {}", chart.max, chart.unit),
        (BAR_LEFT, y),
        text(12),
    ))?;
    if let Some(label) = &chart.marker_label {
        root.draw(&Rectangle::new(
            [(BAR_LEFT - 1, y + 22), (BAR_LEFT + 1, y + 40)],
            INK.filled(),
        ))?;
        root.draw(&Text::new(
            label.clone(),
            (BAR_LEFT + 8, y + 31),
            text(12).pos(left),
        ))?;
    }
    Ok(())
}

/// Renders an SVG chart and adds its text alternative (`<title>`, `<desc>`, `role`, `aria-label`).
fn svg_document<F>(
    title: &str,
    subtitle: &str,
    summary: &str,
    size: (u32, u32),
    draw: F,
) -> Result<String, String>
where
    F: FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> Result<(), String>,
{
    register_font();
    // Room for the whole drawing up front: a world's matrix writes about a third of a byte a pixel
    // (1.9 MB for 1200 x 4822), and growing a string of megabytes by doubling copied it again and
    // again (room reserved but never written is, for a large chart, pages never provided).
    let mut svg = String::with_capacity(size.0 as usize * size.1 as usize / 2);
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        draw(&root)?;
        root.present()
            .map_err(|e| format!("chart drawing failed: {e}"))?;
    }
    // The SVG is read only after the drawing area is presented and dropped.
    let Some(end) = svg.find('>') else {
        return Err("the SVG backend wrote no document".into());
    };
    // The text alternative goes into the opening tag and right after it: the document is copied once
    // around it, not shifted twice.
    let accessible = format!(
        " role=\"img\" aria-label=\"{}\"",
        xml_escape(&format!("{title}. {summary}"))
    );
    let description = format!(
        "\n<title>{}</title>\n<desc>{} {}</desc>\n",
        xml_escape(title),
        xml_escape(subtitle),
        xml_escape(summary)
    );
    let mut document = String::with_capacity(svg.len() + accessible.len() + description.len());
    document.push_str(&svg[..end]);
    document.push_str(&accessible);
    document.push('>');
    document.push_str(&description);
    document.push_str(&svg[end + 1..]);
    Ok(document)
}

/// Renders a PNG chart.
fn png_document<F>(size: (u32, u32), draw: F) -> Result<Vec<u8>, String>
where
    F: FnOnce(&DrawingArea<BitMapBackend<'_>, Shift>) -> Result<(), String>,
{
    register_font();
    let (width, height) = size;
    let mut pixels = vec![0u8; width as usize * height as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, size).into_drawing_area();
        draw(&root)?;
        root.present()
            .map_err(|e| format!("chart drawing failed: {e}"))?;
    }
    let mut png = Vec::new();
    use image::ImageEncoder;
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(&pixels, width, height, image::ColorType::Rgb8)
        .map_err(|e| format!("PNG encoding failed: {e}"))?;
    Ok(png)
}

pub fn bars_svg(chart: &BarChart, size: (u32, u32)) -> Result<String, String> {
    svg_document(
        &chart.title,
        &chart.subtitle,
        &chart.summary,
        size,
        |root| draw_bars(root, chart).map_err(|e| format!("chart drawing failed: {e}")),
    )
}

pub fn bars_png(chart: &BarChart, size: (u32, u32)) -> Result<Vec<u8>, String> {
    png_document(size, |root| {
        draw_bars(root, chart).map_err(|e| format!("chart drawing failed: {e}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::ReferenceData;

    #[test]
    fn subtitles_wrap_at_spaces() {
        assert_eq!(wrap("aa bb cc", 5), vec!["aa bb", "cc"]);
        assert_eq!(wrap("verylongword x", 4), vec!["verylongword", "x"]);
    }

    #[test]
    fn columns_put_each_objective_once_with_23_shared() {
        let reference = ReferenceData::bundled().unwrap();
        let mptf = reference.framework.grouping("mptf").unwrap();
        let columns = column_order(mptf);
        let mut all: Vec<i32> = columns.iter().flat_map(|(_, o)| o.clone()).collect();
        assert_eq!(columns.last().unwrap(), &("all".to_string(), vec![23]));
        all.sort();
        assert_eq!(all, (1..=23).collect::<Vec<_>>());
        // The IMRF round tables share nothing: four columns groups, no "all".
        let imrf = reference.framework.grouping("imrf").unwrap();
        assert_eq!(column_order(imrf).len(), 4);
    }
}
