//! From positioned text runs to the canonical text: the page-aware half of PDF extraction, independent of
//! the PDF library (which only supplies [`Run`]s), so every rule is unit-tested on plain data.
//!
//! Per page: runs on one baseline make a line, split into cells where a gap is wider than a space
//! (table cells, or a header's date and title); a vertical gutter that no line crosses splits a page
//! into two columns, read left then right; lines in the margins that repeat on many pages (digits
//! aside), page numbers and a browser's date and address stamps are dropped; small lines at the foot of
//! a page that start with a note number are footnotes, kept out of the body and written after it as
//! `N. text` lines. Then lines become blocks: a vertical gap wider than the line pitch, a change of font
//! or a bullet starts a new one; a larger or bold font makes a heading, its level ranked by size; lines
//! of two or more cells make table rows. A paragraph that fills its last line at the foot of a column or
//! page and goes on at the top of the next one stays one paragraph, across the page break.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::debris::{clean_inline, is_margin_stamp, is_page_number, join_line, running_key};
use super::PAGE_BREAK;

/// A piece of text as the PDF placed it. Coordinates in points, y growing upwards (PDF user space).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Run {
    pub text: String,
    pub x: f32,
    /// The bottom of the run's box (its baseline, near enough).
    pub y: f32,
    pub width: f32,
    pub size: f32,
    pub bold: bool,
}

/// One page's runs and size.
#[derive(Debug, Clone, Default)]
pub(crate) struct Page {
    pub width: f32,
    pub height: f32,
    pub runs: Vec<Run>,
}

/// A gap between two runs of one line wider than this many font sizes separates cells.
const CELL_GAP_EMS: f32 = 0.8;
/// A gap wider than this (in font sizes) is a space between words.
const SPACE_GAP_EMS: f32 = 0.12;
/// Margin lines: the top and bottom tenth of the page.
const MARGIN_SHARE: f32 = 0.10;
/// A line gap wider than this many line pitches starts a new paragraph.
const PARAGRAPH_GAP_PITCHES: f32 = 1.3;
/// Sizes at least this many times the body size are headings.
const HEADING_SIZE_RATIO: f32 = 1.12;
/// A run of digits smaller than this share of its line's size is a footnote mark.
const MARK_SIZE_RATIO: f32 = 0.75;
/// Lines smaller than this share of the body size at the foot of a page may be footnotes.
const NOTE_SIZE_RATIO: f32 = 0.92;

/// One cell of a line: the text of adjacent runs.
#[derive(Debug, Clone, PartialEq)]
struct Cell {
    text: String,
    x0: f32,
    x1: f32,
    /// Where each run after the first starts: its x and the byte offset of its text in `text`, so that
    /// a cell can be split again at a table's column.
    breaks: Vec<(f32, usize)>,
}

/// A printed line.
#[derive(Debug, Clone, PartialEq)]
struct Line {
    cells: Vec<Cell>,
    y: f32,
    /// The size of most of its characters.
    size: f32,
    bold: bool,
    x0: f32,
    x1: f32,
    /// A footnote mark that opens the line (the note's number), when it is printed as a superscript.
    leading_mark: Option<String>,
    /// The first line of a new column or page: the flow breaks before it.
    flow_break: bool,
}

impl Line {
    fn text(&self) -> String {
        self.cells
            .iter()
            .map(|c| c.text.as_str())
            .collect::<Vec<_>>()
            .join(" | ")
    }
}

/// The laid-out text and what was noticed on the way.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LaidOut {
    pub text: String,
    pub warnings: Vec<String>,
    /// Pages that had no text at all.
    pub empty_pages: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq)]
enum Block {
    Heading { size: f32, bold: bool, text: String },
    Paragraph(String),
    Item(String),
    Table(Vec<String>),
    Note(String, String),
}

/// Lays out a document's pages into the canonical text.
pub(crate) fn lay_out(pages: &[Page]) -> LaidOut {
    let body_size = body_size(pages);
    let mut page_lines: Vec<Vec<Line>> = pages.iter().map(|p| page_lines(p, body_size)).collect();
    remove_margins(&mut page_lines, pages, body_size);
    for lines in &mut page_lines {
        merge_stray_cells(lines);
    }
    let pitch = line_pitch(&page_lines, body_size);

    let mut flows: Vec<PageFlow> = Vec::with_capacity(pages.len());
    let mut open_continues = None;
    let mut empty_pages = Vec::new();
    for (index, (lines, page)) in page_lines.iter().zip(pages).enumerate() {
        let (body, notes) = split_notes(lines, page, body_size);
        let flow = blocks(&body, notes, body_size, pitch, open_continues);
        if flow.blocks.is_empty() && flow.notes.is_empty() {
            empty_pages.push(index + 1);
        }
        open_continues = flow.continues;
        flows.push(flow);
    }
    let levels = heading_levels(flows.iter().flat_map(|f| &f.blocks));

    let mut text = String::new();
    for (index, flow) in flows.iter().enumerate() {
        if index > 0 {
            // A paragraph that goes on keeps no blank line around the break, so it stays one passage.
            if flow.joined_previous {
                text.push('\n');
                text.push_str(PAGE_BREAK);
                text.push('\n');
            } else {
                text.push_str("\n\n");
                text.push_str(PAGE_BREAK);
                text.push_str("\n\n");
            }
        }
        let runs_on = flows
            .get(index + 1)
            .is_some_and(|next| next.joined_previous);
        // Notes go before a paragraph that runs on to the next page, so that it stays whole and the
        // notes stay on their page.
        let last = flow.blocks.len().saturating_sub(1);
        let mut first = true;
        for (at, block) in flow.blocks.iter().enumerate() {
            if runs_on && at == last {
                for note in &flow.notes {
                    push_block(&mut text, note, &levels, &mut first);
                }
            }
            push_block(&mut text, block, &levels, &mut first);
        }
        if !runs_on || flow.blocks.is_empty() {
            for note in &flow.notes {
                push_block(&mut text, note, &levels, &mut first);
            }
        }
    }
    let mut warnings = Vec::new();
    if !empty_pages.is_empty() && empty_pages.len() < pages.len() {
        warnings.push(format!(
            "page(s) {} have no text layer (scanned pages?); their text is missing",
            empty_pages
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    text.push('\n');
    LaidOut {
        text,
        warnings,
        empty_pages,
    }
}

fn push_block(
    text: &mut String,
    block: &Block,
    levels: &BTreeMap<SizeKey, usize>,
    first: &mut bool,
) {
    if !*first {
        text.push_str("\n\n");
    }
    *first = false;
    match block {
        Block::Heading {
            size,
            bold,
            text: heading,
        } => {
            let level = levels.get(&SizeKey::of(*size, *bold)).copied().unwrap_or(6);
            text.push_str(&"#".repeat(level));
            text.push(' ');
            text.push_str(heading);
        }
        Block::Paragraph(paragraph) => text.push_str(paragraph),
        Block::Item(item) => {
            text.push_str("- ");
            text.push_str(item);
        }
        Block::Table(rows) => text.push_str(&rows.join("\n")),
        Block::Note(number, note) => {
            text.push_str(number);
            text.push_str(". ");
            text.push_str(note);
        }
    }
}

/// The size most characters are set in (to the half point).
fn body_size(pages: &[Page]) -> f32 {
    let mut chars: HashMap<i32, usize> = HashMap::new();
    for run in pages.iter().flat_map(|p| &p.runs) {
        *chars.entry((run.size * 2.0).round() as i32).or_default() += run.text.chars().count();
    }
    chars
        .into_iter()
        .max_by_key(|(size, count)| (*count, -size))
        .map_or(12.0, |(size, _)| size as f32 / 2.0)
}

/// Sizes as map keys: half points, and bold apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct SizeKey(i32, bool);

impl SizeKey {
    fn of(size: f32, bold: bool) -> SizeKey {
        SizeKey((size * 2.0).round() as i32, bold)
    }
}

/// Heading levels: the larger the size, the higher the level; bold at body size comes last.
fn heading_levels<'a>(blocks: impl Iterator<Item = &'a Block>) -> BTreeMap<SizeKey, usize> {
    let mut keys: Vec<SizeKey> = blocks
        .filter_map(|b| match b {
            Block::Heading { size, bold, .. } => Some(SizeKey::of(*size, *bold)),
            _ => None,
        })
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    keys.sort_by(|a, b| b.cmp(a));
    keys.into_iter()
        .enumerate()
        .map(|(rank, key)| (key, (rank + 1).min(6)))
        .collect()
}

/// The page's lines in reading order: columns found, runs grouped by baseline and split into cells.
fn page_lines(page: &Page, body_size: f32) -> Vec<Line> {
    let runs: Vec<&Run> = page
        .runs
        .iter()
        .filter(|r| !r.text.trim().is_empty() && r.size > 0.0 && r.x.is_finite() && r.y.is_finite())
        .collect();
    let mut lines = Vec::new();
    match gutter(&runs, page.width) {
        Some(band) => {
            let (mut left, mut right, mut full) = (Vec::new(), Vec::new(), Vec::new());
            for run in runs {
                if is_left(run, band) {
                    left.push(run);
                } else if is_right(run, band) {
                    right.push(run);
                } else {
                    full.push(run);
                }
            }
            // Full-width lines above the columns come first, those below last.
            let columns_top = left
                .iter()
                .chain(&right)
                .map(|r| r.y)
                .fold(f32::MIN, f32::max);
            let (above, below): (Vec<&Run>, Vec<&Run>) =
                full.into_iter().partition(|r| r.y >= columns_top);
            for (region, breaks) in [(above, false), (left, false), (right, true), (below, false)] {
                let mut region_lines = group_lines(&region, body_size);
                if breaks {
                    if let Some(first) = region_lines.first_mut() {
                        first.flow_break = true;
                    }
                }
                lines.extend(region_lines);
            }
        }
        None => lines = group_lines(&runs, body_size),
    }
    if let Some(first) = lines.first_mut() {
        first.flow_break = true;
    }
    lines
}

/// The band (from x, to x) of a gutter between two columns: a band in the middle of the page crossed by
/// few runs, with many runs side by side on both sides of it.
fn gutter(runs: &[&Run], page_width: f32) -> Option<(f32, f32)> {
    if runs.len() < 10 || page_width <= 0.0 {
        return None;
    }
    let bins = page_width.ceil() as usize;
    if bins > 20_000 {
        return None;
    }
    // Runs covering each 1 pt bin, by a difference array: linear in runs and bins, whatever the runs.
    let mut delta = vec![0isize; bins + 2];
    for run in runs {
        let start = (run.x.max(0.0) as usize).min(bins);
        let end = ((run.x + run.width).max(0.0) as usize).min(bins);
        if end >= start {
            delta[start] += 1;
            delta[end + 1] -= 1;
        }
    }
    let mut cover = vec![0usize; bins + 1];
    let mut running = 0isize;
    for (bin, count) in cover.iter_mut().enumerate() {
        running += delta[bin];
        *count = running.max(0) as usize;
    }
    let allowed = (runs.len() / 15).max(1);
    let (low, high) = ((page_width * 0.3) as usize, (page_width * 0.7) as usize);
    // The widest stretch of bins crossed by at most `allowed` runs.
    let (mut best, mut best_width) = (None, 0usize);
    let mut start = None;
    for (bin, count) in cover.iter().enumerate().take(high + 1).skip(low) {
        if *count <= allowed {
            let s = *start.get_or_insert(bin);
            if bin + 1 - s > best_width {
                best_width = bin + 1 - s;
                best = Some((s as f32, (bin + 1) as f32));
            }
        } else {
            start = None;
        }
    }
    // A gutter is a narrow band; a wide empty one is the space between a table's labels and figures.
    let band = best.filter(|_| best_width >= 8 && (best_width as f32) <= page_width * 0.12)?;
    let left: Vec<&Run> = runs.iter().copied().filter(|r| is_left(r, band)).collect();
    let right: Vec<&Run> = runs.iter().copied().filter(|r| is_right(r, band)).collect();
    // Columns of text are full of lines as wide as the column; a table's two columns of labels and
    // figures are not, and must be read row by row.
    let text_column = |side: &[&Run]| {
        let x0 = side.iter().map(|r| r.x).fold(f32::MAX, f32::min);
        let x1 = side.iter().map(|r| r.x + r.width).fold(f32::MIN, f32::max);
        let mut widths: Vec<f32> = side.iter().map(|r| r.width).collect();
        widths.sort_by(f32::total_cmp);
        side.len() >= 5 && widths[widths.len() / 2] >= (x1 - x0) * 0.6
    };
    (text_column(&left) && text_column(&right)).then_some(band)
}

/// Left of the gutter: ends before the band (a point of slack for rounding to bins).
fn is_left(run: &Run, band: (f32, f32)) -> bool {
    run.x + run.width <= band.0 + 1.0
}

/// Right of the gutter: starts after the band. A run that reaches into the band is full-width (a
/// centred footer such as "Página 1 de 2" is one line, not a piece in each column).
fn is_right(run: &Run, band: (f32, f32)) -> bool {
    run.x >= band.1 - 1.0
}

/// Runs on one baseline, left to right, as lines with cells.
fn group_lines(runs: &[&Run], body_size: f32) -> Vec<Line> {
    let mut sorted: Vec<&Run> = runs.to_vec();
    sorted.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x.total_cmp(&b.x)));
    let mut groups: Vec<Vec<&Run>> = Vec::new();
    for run in sorted {
        let tolerance = run.size.max(1.0) * 0.4;
        match groups.last_mut() {
            Some(group) if (group[0].y - run.y).abs() <= tolerance => group.push(run),
            _ => groups.push(vec![run]),
        }
    }
    let mut lines: Vec<Line> = groups
        .into_iter()
        .filter_map(|mut group| {
            group.sort_by(|a, b| a.x.total_cmp(&b.x));
            make_line(&group, body_size)
        })
        .collect();
    align_table_cells(&mut lines);
    lines
}

/// A line split into cells that no other line of the page shares a column with is no table row: a
/// wide space of justified text, or a tab. Its cells are joined back into one text.
fn merge_stray_cells(lines: &mut [Line]) {
    const TOLERANCE: f32 = 2.0;
    let starts: Vec<Vec<f32>> = lines
        .iter()
        .map(|l| {
            if l.cells.len() > 1 {
                l.cells[1..].iter().map(|c| c.x0).collect()
            } else {
                Vec::new()
            }
        })
        .collect();
    // Every start with its line, sorted by x: a line's start is shared when another line's start lies
    // within the tolerance (found by binary search, so a page of many cells stays linearithmic).
    let mut all: Vec<(f32, usize)> = starts
        .iter()
        .enumerate()
        .flat_map(|(index, xs)| xs.iter().map(move |x| (*x, index)))
        .collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    let shared_with_another = |x: f32, index: usize| {
        let from = all.partition_point(|(s, _)| *s < x - TOLERANCE);
        all[from..]
            .iter()
            .take_while(|(s, _)| *s <= x + TOLERANCE)
            .any(|(_, other)| *other != index)
    };
    for (index, line) in lines.iter_mut().enumerate() {
        if line.cells.len() < 2 {
            continue;
        }
        let shared = starts[index].iter().any(|x| shared_with_another(*x, index));
        if shared {
            continue;
        }
        let mut cells = std::mem::take(&mut line.cells).into_iter();
        if let Some(mut first) = cells.next() {
            for cell in cells {
                first.text.push(' ');
                first.text.push_str(&cell.text);
                first.x1 = cell.x1;
            }
            line.cells = vec![first];
        }
    }
}

/// Within a table, a cell whose text ran close to the next column's (a gap narrower than the cell gap)
/// is split where a run starts at a column that other rows start a cell at.
fn align_table_cells(lines: &mut [Line]) {
    const TOLERANCE: f32 = 2.0;
    let multi: Vec<bool> = lines.iter().map(|l| l.cells.len() > 1).collect();
    if multi.iter().filter(|m| **m).count() < 2 {
        return;
    }
    // Cell starts of the multi-cell lines, sorted, and clustered within the tolerance.
    let mut xs: Vec<f32> = lines
        .iter()
        .filter(|l| l.cells.len() > 1)
        .flat_map(|l| l.cells.iter().map(|c| c.x0))
        .collect();
    xs.sort_by(f32::total_cmp);
    let mut starts: Vec<(f32, usize)> = Vec::new();
    for x in xs {
        match starts.last_mut() {
            Some((first, count)) if x - *first <= TOLERANCE => *count += 1,
            _ => starts.push((x, 1)),
        }
    }
    starts.retain(|(_, count)| *count >= 2);
    let is_column = |x: f32| {
        let from = starts.partition_point(|(s, _)| *s < x - TOLERANCE);
        starts.get(from).is_some_and(|(s, _)| *s <= x + TOLERANCE)
    };
    for (index, line) in lines.iter_mut().enumerate() {
        let beside = index > 0 && multi[index - 1] || multi.get(index + 1) == Some(&true);
        if !(multi[index] || beside) {
            continue;
        }
        let mut cells = Vec::with_capacity(line.cells.len() + 1);
        for cell in std::mem::take(&mut line.cells) {
            let mut rest = cell;
            let splits: Vec<(f32, usize)> = rest
                .breaks
                .iter()
                .copied()
                .filter(|(x, _)| is_column(*x))
                .collect();
            // From the right, so that earlier offsets stay valid.
            let mut tail = Vec::new();
            for (x, offset) in splits.into_iter().rev() {
                if offset == 0 || offset >= rest.text.len() || !rest.text.is_char_boundary(offset) {
                    continue;
                }
                let right = rest.text.split_off(offset);
                rest.text.truncate(rest.text.trim_end().len());
                tail.push(Cell {
                    text: right,
                    x0: x,
                    x1: rest.x1,
                    breaks: Vec::new(),
                });
                rest.x1 = x;
                rest.breaks.retain(|(_, o)| *o < offset);
            }
            cells.push(rest);
            cells.extend(tail.into_iter().rev());
        }
        cells.retain(|c| !c.text.is_empty());
        line.cells = cells;
    }
}

fn is_digits(text: &str) -> bool {
    let t = text.trim();
    !t.is_empty() && t.len() <= 3 && t.bytes().all(|b| b.is_ascii_digit())
}

fn make_line(group: &[&Run], body_size: f32) -> Option<Line> {
    // The size of most characters, and whether all are bold.
    let mut by_size: HashMap<i32, usize> = HashMap::new();
    for run in group {
        *by_size.entry((run.size * 2.0).round() as i32).or_default() += run.text.chars().count();
    }
    let size = by_size
        .into_iter()
        .max_by_key(|(size, count)| (*count, *size))
        .map_or(body_size, |(s, _)| s as f32 / 2.0);
    let is_mark = |run: &Run| is_digits(&run.text) && run.size < size * MARK_SIZE_RATIO;
    let mut leading_mark = None;
    let mut cells: Vec<Cell> = Vec::new();
    let mut last_end: Option<f32> = None;
    for (index, run) in group.iter().enumerate() {
        if is_mark(run) {
            if index == 0 {
                leading_mark = Some(run.text.trim().to_string());
            }
            // A footnote mark in the text is dropped, and the text around it closes up.
            continue;
        }
        let text = clean_inline(&run.text);
        if text.is_empty() {
            continue;
        }
        let gap = last_end.map(|end| run.x - end);
        let em = run.size.max(1.0);
        match (cells.last_mut(), gap) {
            (Some(cell), Some(gap)) if gap < CELL_GAP_EMS * em => {
                let spaced = cell.text.ends_with(' ') || text.starts_with(' ');
                let glue = starts_closing(&text);
                if gap > SPACE_GAP_EMS * em && !spaced && !glue {
                    cell.text.push(' ');
                }
                cell.breaks.push((run.x, cell.text.len()));
                cell.text.push_str(&text);
                cell.x1 = run.x + run.width;
            }
            _ => cells.push(Cell {
                text,
                x0: run.x,
                x1: run.x + run.width,
                breaks: Vec::new(),
            }),
        }
        last_end = Some(run.x + run.width);
    }
    for cell in &mut cells {
        cell.text = cell.text.trim().to_string();
    }
    cells.retain(|c| !c.text.is_empty());
    // A list's bullet is set apart from its text by a tab: it opens the item, it is no table cell.
    if cells.len() > 1 && is_bullet_glyph(&cells[0].text) {
        let marker = cells.remove(0);
        cells[0].text = format!("{} {}", marker.text, cells[0].text);
        cells[0].x0 = marker.x0;
    }
    let first = cells.first()?;
    let x0 = first.x0;
    let x1 = cells.last().map_or(x0, |c| c.x1);
    let bold = group.iter().filter(|r| !is_mark(r)).all(|r| r.bold);
    Some(Line {
        y: group.iter().map(|r| r.y).fold(f32::MAX, f32::min),
        size,
        bold,
        x0,
        x1,
        cells,
        leading_mark,
        flow_break: false,
    })
}

fn is_bullet_glyph(text: &str) -> bool {
    let mut chars = text.chars();
    matches!(
        (chars.next(), chars.next()),
        (
            Some('•' | '◦' | '▪' | '■' | '·' | '–' | '-' | '*' | '➢' | '►' | '○'),
            None
        )
    )
}

/// Punctuation that closes up to the word before it (after a dropped footnote mark: "anterior¹, gracias").
fn starts_closing(text: &str) -> bool {
    text.starts_with([',', '.', ';', ':', ')', '?', '!', '»', '”'])
}

/// Drops running headers and footers, page numbers and browser stamps from the margins of every page.
fn remove_margins(page_lines: &mut [Vec<Line>], pages: &[Page], body_size: f32) {
    let is_margin = |line: &Line, page: &Page, index: usize, count: usize| {
        let height = page.height.max(1.0);
        let outer = index < 3 || index + 3 >= count;
        outer
            && (line.y >= height * (1.0 - MARGIN_SHARE) - line.size
                || line.y <= height * MARGIN_SHARE)
    };
    // Pages on which each margin cell's key appears.
    let mut seen: HashMap<String, HashSet<usize>> = HashMap::new();
    for (page_index, (lines, page)) in page_lines.iter().zip(pages).enumerate() {
        for (index, line) in lines.iter().enumerate() {
            if is_margin(line, page, index, lines.len()) {
                for cell in &line.cells {
                    seen.entry(running_key(&cell.text))
                        .or_default()
                        .insert(page_index);
                }
            }
        }
    }
    let page_count = pages.len();
    let repeated: HashSet<String> = seen
        .into_iter()
        .filter(|(key, on)| !key.is_empty() && on.len() >= 2 && on.len() * 2 >= page_count)
        .map(|(key, _)| key)
        .collect();
    for (lines, page) in page_lines.iter_mut().zip(pages) {
        let count = lines.len();
        let mut keep = Vec::with_capacity(count);
        for (index, mut line) in std::mem::take(lines).into_iter().enumerate() {
            if is_margin(&line, page, index, count) {
                let outermost = index == 0 || index + 1 == count;
                // On a one-page document nothing repeats: a small line at the very edge is the furniture.
                let lone_small = page_count == 1 && outermost && line.size <= body_size * 0.8;
                line.cells.retain(|cell| {
                    !(is_page_number(&cell.text)
                        || is_margin_stamp(&cell.text)
                        || repeated.contains(&running_key(&cell.text))
                        || lone_small)
                });
                if line.cells.is_empty() {
                    continue;
                }
                line.x0 = line.cells[0].x0;
                line.x1 = line.cells[line.cells.len() - 1].x1;
            }
            keep.push(line);
        }
        // The page's first line after the furniture opens the page's flow.
        if let Some(first) = keep.first_mut() {
            first.flow_break = true;
        }
        *lines = keep;
    }
}

/// The usual distance between the baselines of two lines of body text.
fn line_pitch(page_lines: &[Vec<Line>], body_size: f32) -> f32 {
    let mut deltas: Vec<f32> = Vec::new();
    for lines in page_lines {
        for pair in lines.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            let delta = a.y - b.y;
            let same_size = (a.size - body_size).abs() < 0.5 && (b.size - body_size).abs() < 0.5;
            if same_size && !b.flow_break && delta > body_size * 0.8 && delta < body_size * 2.0 {
                deltas.push(delta);
            }
        }
    }
    if deltas.is_empty() {
        return body_size * 1.2;
    }
    deltas.sort_by(f32::total_cmp);
    // The lower quartile: most gaps inside paragraphs, whatever the share of paragraph gaps.
    deltas[deltas.len() / 4]
}

/// Footnotes at the foot of a page: small lines after the body that start with a note number.
fn split_notes(lines: &[Line], page: &Page, body_size: f32) -> (Vec<Line>, Vec<Block>) {
    let small = |line: &Line| {
        line.size <= body_size * NOTE_SIZE_RATIO
            && line.size >= body_size * 0.5
            && line.y <= page.height * 0.4
            && line.cells.len() == 1
    };
    let mut start = lines.len();
    while start > 0 && small(&lines[start - 1]) {
        start -= 1;
    }
    let note_number = |line: &Line| -> Option<(String, String)> {
        let text = &line.cells[0].text;
        if let Some(mark) = &line.leading_mark {
            return Some((mark.clone(), text.clone()));
        }
        let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
        let rest = text[digits.len()..].trim_start_matches(['.', ')', ' ']);
        let starts_word = rest.chars().next().is_some_and(char::is_alphabetic);
        (!digits.is_empty() && digits.len() <= 3 && starts_word)
            .then(|| (digits.clone(), rest.to_string()))
    };
    // The group must open with a numbered line, or it is small print, not notes.
    while start < lines.len() && note_number(&lines[start]).is_none() {
        start += 1;
    }
    if start == lines.len() {
        return (lines.to_vec(), Vec::new());
    }
    let mut notes: Vec<(String, String)> = Vec::new();
    for line in &lines[start..] {
        match note_number(line) {
            Some(note) => notes.push(note),
            None => {
                if let Some((_, text)) = notes.last_mut() {
                    join_line(text, &line.cells[0].text);
                }
            }
        }
    }
    let blocks = notes
        .into_iter()
        .map(|(number, text)| Block::Note(number, text))
        .collect();
    (lines[..start].to_vec(), blocks)
}

/// A paragraph being built.
struct Open {
    kind: OpenKind,
    text: String,
    size: f32,
    bold: bool,
    last: Line,
    /// The right edge of the column the paragraph is in.
    right: f32,
    lines: usize,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum OpenKind {
    Heading,
    Paragraph,
    Item,
    Table,
}

fn is_heading_style(size: f32, bold: bool, body_size: f32) -> bool {
    size >= body_size * HEADING_SIZE_RATIO || (bold && size >= body_size * 0.95)
}

fn bullet(text: &str) -> Option<&str> {
    for marker in ['•', '◦', '▪', '■', '·', '–', '-', '*', '➢', '►'] {
        if let Some(rest) = text.strip_prefix(marker) {
            if rest.starts_with(' ') || marker != '-' && marker != '*' && marker != '–' {
                return Some(rest.trim_start());
            }
        }
    }
    None
}

/// One page's blocks and notes, and how its flow meets the pages around it.
struct PageFlow {
    blocks: Vec<Block>,
    notes: Vec<Block>,
    /// The style of the last paragraph when it may go on at the top of the next page.
    continues: Option<(f32, bool)>,
    /// The first block goes on with the previous page's last paragraph.
    joined_previous: bool,
}

/// The page's lines as blocks. `continuing`: the style of the previous page's last paragraph, when it
/// may go on here.
fn blocks(
    lines: &[Line],
    notes: Vec<Block>,
    body_size: f32,
    pitch: f32,
    continuing: Option<(f32, bool)>,
) -> PageFlow {
    let mut out: Vec<Block> = Vec::new();
    let mut open: Option<Open> = None;
    let mut joined_previous = false;
    // The right edge of body text in each column: the widest line ends there.
    let right_edges = column_right_edges(lines);
    let mut column = 0usize;
    for (index, line) in lines.iter().enumerate() {
        if line.flow_break && index > 0 {
            column += 1;
        }
        let right = right_edges.get(column).copied().unwrap_or(line.x1);
        let text = line.text();
        let heading = line.cells.len() == 1
            && is_heading_style(line.size, line.bold, body_size)
            && text.chars().count() <= 300;
        let is_row = line.cells.len() > 1;
        let item = if is_row { None } else { bullet(&text) };
        let kind = if is_row {
            OpenKind::Table
        } else if heading {
            OpenKind::Heading
        } else if item.is_some() {
            OpenKind::Item
        } else {
            OpenKind::Paragraph
        };
        let same_as = |size: f32, bold: bool| (size - line.size).abs() < 0.6 && bold == line.bold;
        let joins = match &open {
            None => {
                index == 0
                    && kind == OpenKind::Paragraph
                    && continuing.is_some_and(|(size, bold)| same_as(size, bold))
            }
            Some(current) => {
                let gap = current.last.y - line.y;
                // Larger type has a larger pitch: a two-line heading is one heading.
                let scale = (line.size / body_size).max(1.0);
                let close = !line.flow_break
                    && gap > 0.0
                    && gap <= pitch * PARAGRAPH_GAP_PITCHES * scale + 0.5;
                let flow_continues = line.flow_break && may_run_on(current);
                let same_style = same_as(current.size, current.bold);
                match (current.kind, kind) {
                    (OpenKind::Table, OpenKind::Table) => close || flow_continues,
                    (OpenKind::Heading, OpenKind::Heading) => {
                        close && same_style && current.lines < 3
                    }
                    // A short last line that ends a sentence ends the paragraph even without spacing
                    // (list items printed without bullets, paragraphs set without space between).
                    (OpenKind::Paragraph | OpenKind::Item, OpenKind::Paragraph) => {
                        let ended = !fills_line(current) && ends_sentence(&current.text);
                        same_style && !ended && (close || flow_continues)
                    }
                    _ => false,
                }
            }
        };
        if joins {
            if open.is_none() {
                joined_previous = true;
            }
            match open.as_mut() {
                Some(current) => {
                    if current.kind == OpenKind::Table {
                        current.text.push('\n');
                        current.text.push_str(&text);
                    } else {
                        join_line(&mut current.text, &text);
                    }
                    current.last = line.clone();
                    current.right = right;
                    current.lines += 1;
                }
                None => {
                    open = Some(Open {
                        kind: OpenKind::Paragraph,
                        text: text.clone(),
                        size: line.size,
                        bold: line.bold,
                        last: line.clone(),
                        right,
                        lines: 1,
                    });
                }
            }
            continue;
        }
        if let Some(done) = open.take() {
            out.push(close_block(done));
        }
        open = Some(Open {
            kind,
            text: item.map_or(text.clone(), str::to_string),
            size: line.size,
            bold: line.bold,
            last: line.clone(),
            right,
            lines: 1,
        });
    }
    let continues = open
        .as_ref()
        .filter(|o| may_run_on(o))
        .map(|o| (o.size, o.bold));
    if let Some(done) = open.take() {
        out.push(close_block(done));
    }
    PageFlow {
        blocks: out,
        notes,
        continues,
        joined_previous,
    }
}

fn column_right_edges(lines: &[Line]) -> Vec<f32> {
    let mut edges = Vec::new();
    let mut current = f32::MIN;
    for (index, line) in lines.iter().enumerate() {
        if line.flow_break && index > 0 {
            edges.push(current);
            current = f32::MIN;
        }
        if line.cells.len() == 1 {
            current = current.max(line.x1);
        }
    }
    edges.push(current);
    edges
}

/// Whether the open paragraph's last line reaches its column's right edge (a justified or full line).
fn fills_line(open: &Open) -> bool {
    open.last.x1 >= open.right - open.size * 1.5
}

fn ends_sentence(text: &str) -> bool {
    text.trim_end()
        .ends_with(['.', '!', '?', ':', ';', '"', '”', '»', ')'])
}

/// Whether a paragraph at the foot of a column or page may go on in the next one: it ends mid-sentence,
/// or its last line is full (justified to the edge), so the paragraph's end is not in sight.
fn may_run_on(open: &Open) -> bool {
    open.kind == OpenKind::Paragraph && (!ends_sentence(&open.text) || fills_line(open))
}

fn close_block(open: Open) -> Block {
    match open.kind {
        OpenKind::Heading => Block::Heading {
            size: open.size,
            bold: open.bold,
            text: open.text,
        },
        OpenKind::Paragraph => Block::Paragraph(open.text),
        OpenKind::Item => Block::Item(open.text),
        OpenKind::Table => Block::Table(open.text.split('\n').map(str::to_string).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, x: f32, y: f32, width: f32, size: f32, bold: bool) -> Run {
        Run {
            text: text.into(),
            x,
            y,
            width,
            size,
            bold,
        }
    }

    /// A body line of a one-column A4 page, 470 pt wide unless `width` is given.
    fn body(text: &str, y: f32) -> Run {
        run(text, 62.0, y, 470.0, 12.0, false)
    }

    fn page(runs: Vec<Run>) -> Page {
        Page {
            width: 595.0,
            height: 842.0,
            runs,
        }
    }

    #[test]
    fn headings_paragraphs_and_hyphenation_come_out_as_markdown() {
        let p = page(vec![
            run("Informe nacional", 62.0, 746.0, 300.0, 18.0, true),
            run("Objetivo 5: vías regulares", 62.0, 700.0, 250.0, 14.0, true),
            body("La Ley de Movilidad Humana creó tres nuevas catego-", 680.0),
            run(
                "rías de residencia temporal.",
                62.0,
                664.0,
                200.0,
                12.0,
                false,
            ),
            body(
                "El trámite es gratuito para los menores de edad y para",
                641.0,
            ),
            run(
                "las personas sin recursos.",
                62.0,
                625.0,
                150.0,
                12.0,
                false,
            ),
        ]);
        let out = lay_out(&[p]);
        assert_eq!(
            out.text.trim(),
            "# Informe nacional\n\n## Objetivo 5: vías regulares\n\nLa Ley de Movilidad Humana creó tres nuevas categorías de residencia temporal.\n\nEl trámite es gratuito para los menores de edad y para las personas sin recursos."
        );
    }

    #[test]
    fn running_headers_page_numbers_and_browser_stamps_are_dropped() {
        let pages: Vec<Page> = (1..=3)
            .map(|n| {
                page(vec![
                    run("12/1/26, 4:43 PM", 24.0, 800.0, 70.0, 8.0, false),
                    run(
                        "Informe nacional voluntario",
                        190.0,
                        800.0,
                        200.0,
                        8.0,
                        false,
                    ),
                    body(
                        &format!(
                            "Texto de la página {n} con bastante contenido para ser un párrafo."
                        ),
                        700.0,
                    ),
                    run("file:///tmp/informe.html", 24.0, 17.0, 150.0, 8.0, false),
                    run(&format!("{n}/3"), 575.0, 17.0, 13.0, 8.0, false),
                ])
            })
            .collect();
        let out = lay_out(&pages);
        for debris in ["PM", "Informe nacional", "file://", "/3"] {
            assert!(!out.text.contains(debris), "{debris} in {:?}", out.text);
        }
        assert_eq!(out.text.matches(PAGE_BREAK).count(), 2);
        assert!(out.text.contains("Texto de la página 3"));
    }

    #[test]
    fn two_columns_are_read_left_then_right() {
        let mut runs = Vec::new();
        for i in 0..6 {
            let y = 700.0 - 16.0 * i as f32;
            runs.push(run(
                &format!("izquierda {i} con texto"),
                62.0,
                y,
                220.0,
                12.0,
                false,
            ));
            runs.push(run(
                &format!("derecha {i} con texto"),
                310.0,
                y,
                220.0,
                12.0,
                false,
            ));
        }
        let out = lay_out(&[page(runs)]);
        let left = out.text.find("izquierda 5").unwrap();
        let right = out.text.find("derecha 0").unwrap();
        assert!(left < right, "{}", out.text);
        assert!(!out.text.contains("izquierda 0 con texto derecha"));
    }

    #[test]
    fn table_rows_keep_their_cells_and_footnotes_leave_the_body() {
        let p = page(vec![
            body(
                "El número de solicitudes se redujo a la mitad respecto del año anterior",
                700.0,
            ),
            run("1", 470.0, 700.0, 3.5, 7.0, false),
            run(
                ", gracias a los analistas.",
                474.0,
                700.0,
                60.0,
                12.0,
                false,
            ),
            run("Categoría", 62.0, 670.0, 50.0, 12.0, true),
            run("Solicitudes", 180.0, 670.0, 55.0, 12.0, true),
            run("Humanitarias", 62.0, 656.0, 70.0, 12.0, false),
            run("21.400", 180.0, 656.0, 33.0, 12.0, false),
            // A label that runs close to the next column: split where the other rows start a cell.
            run("Reunificación familiar", 62.0, 642.0, 110.0, 12.0, false),
            run("14.700", 180.0, 642.0, 33.0, 12.0, false),
            run(
                "1Dirección General de Migraciones, registro de expedientes.",
                62.0,
                80.0,
                378.0,
                10.0,
                false,
            ),
        ]);
        let out = lay_out(&[
            page(vec![body(
                "Otra página de texto del informe nacional.",
                700.0,
            )]),
            p,
        ]);
        let second = out
            .text
            .split(PAGE_BREAK)
            .nth(1)
            .unwrap()
            .trim()
            .to_string();
        assert_eq!(
            second,
            "El número de solicitudes se redujo a la mitad respecto del año anterior, gracias a los analistas.\n\nCategoría | Solicitudes\nHumanitarias | 21.400\nReunificación familiar | 14.700\n\n1. Dirección General de Migraciones, registro de expedientes."
        );
    }

    #[test]
    fn a_paragraph_cut_by_the_page_end_goes_on_across_the_break() {
        let one = page(vec![
            body(
                "Título del capítulo sobre las vías regulares de migración",
                700.0,
            ),
            body(
                "La red consular amplió su horario de atención y habilitó un servicio de",
                641.0,
            ),
            body(
                "citas en línea para la renovación de pasaportes en todos los consulados",
                625.0,
            ),
        ]);
        let two = page(vec![
            body(
                "Los consulados organizaron jornadas móviles de documentación.",
                760.0,
            ),
            run("Fin.", 62.0, 744.0, 20.0, 12.0, false),
        ]);
        let out = lay_out(&[one, two]);
        assert!(
            out.text
                .contains("pasaportes en todos los consulados\n\u{c}\nLos consulados"),
            "{:?}",
            out.text
        );
    }

    #[test]
    fn a_page_long_two_column_table_is_read_row_by_row() {
        // Labels on the left, figures on the right, an empty middle band: a table, not two columns.
        let runs = (0..8)
            .flat_map(|i| {
                let y = 700.0 - 16.0 * i as f32;
                [
                    run(
                        &format!("Departamento número {i}"),
                        62.0,
                        y,
                        120.0,
                        12.0,
                        false,
                    ),
                    run(&format!("{}.000", i + 1), 420.0, y, 30.0, 12.0, false),
                ]
            })
            .collect();
        let out = lay_out(&[page(runs)]);
        assert!(
            out.text
                .starts_with("Departamento número 0 | 1.000\nDepartamento número 1 | 2.000\n"),
            "{}",
            out.text
        );
    }

    #[test]
    fn a_lone_wide_gap_is_a_space_not_a_table() {
        let out = lay_out(&[page(vec![
            run("La red consular amplió", 62.0, 700.0, 120.0, 12.0, false),
            run("su horario de atención.", 200.0, 700.0, 120.0, 12.0, false),
        ])]);
        assert_eq!(out.text, "La red consular amplió su horario de atención.\n");
    }

    #[test]
    fn a_page_of_many_scattered_cells_is_laid_out() {
        // 4,000 lines of two cells each at scattered columns, as a hostile file could have: every step
        // is linear or linearithmic in the runs, so this is quick, and every cell keeps its text.
        let runs: Vec<Run> = (0..4_000)
            .flat_map(|i| {
                let y = 800.0 - i as f32 * 0.2;
                let x = 62.0 + (i % 97) as f32 * 3.0;
                [
                    run(&format!("a{i}"), x, y * 100.0, 10.0, 12.0, false),
                    run(&format!("b{i}"), x + 200.0, y * 100.0, 10.0, 12.0, false),
                ]
            })
            .collect();
        let out = lay_out(&[Page {
            width: 595.0,
            height: 90_000.0,
            runs,
        }]);
        assert!(out.text.contains("a3999") && out.text.contains("b3999"));
        assert_eq!(out.text.matches('b').count(), 4_000);
    }

    #[test]
    fn pages_without_text_are_reported_and_keep_their_place() {
        let out = lay_out(&[
            page(vec![body("Una página con texto suficiente.", 700.0)]),
            page(vec![]),
        ]);
        assert_eq!(out.empty_pages, [2]);
        assert_eq!(out.text.matches(PAGE_BREAK).count(), 1);
        assert!(out.warnings[0].contains("page(s) 2"));
    }
}
