//! Layout: where the map and its legend go on the image, and the natural size of a map.

use super::projection::{fit, View};
use super::shapes::{atlas, Atlas};
use super::{MapChart, MapExtent, MapLabels};

const HEADER: f64 = 72.0;
const MARGIN: f64 = 12.0;
const LEGEND_COLUMN: f64 = 270.0;
pub(super) const LEGEND_ROW: f64 = 24.0;
/// Maps taller than this share of their width get the legend beside them, the others below.
const TALL: f64 = 0.75;
/// About 6.5 px a character of 12 px DejaVu Sans (as the other charts reckon).
fn text_width(text: &str) -> f64 {
    text.chars().count() as f64 * 6.5
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Layout {
    pub(super) view: View,
    /// Top-left corner of the legend.
    pub(super) legend: (f64, f64),
    pub(super) legend_vertical: bool,
    pub(super) legend_width: f64,
}

/// Legend entries in order; `true` starts a new row when the legend runs across.
pub(super) fn legend_entries(labels: &MapLabels) -> Vec<(LegendMark, &str, bool)> {
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
pub(super) enum LegendMark {
    Heading,
    Class(usize),
    NoEvidence,
    Outside,
    Small,
}

pub(super) fn entry_width(mark: LegendMark, label: &str) -> f64 {
    match mark {
        LegendMark::Heading => text_width(label) + 14.0,
        _ => 24.0 + text_width(label) + 18.0,
    }
}

/// Rows of a legend that runs across `width` pixels: each a list of entry indexes.
pub(super) fn legend_rows(entries: &[(LegendMark, &str, bool)], width: f64) -> Vec<Vec<usize>> {
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

pub(super) fn layout(atlas: &Atlas, chart: &MapChart, size: (u32, u32)) -> Layout {
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
