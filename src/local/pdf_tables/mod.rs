//! Tables without ruling lines, found from aligned text. pdf-inspector finds
//! tables from ruling lines and some alignments; a table set with whitespace
//! alone (ICDAR 2013's EU reports, a data sheet's figures) came out as one
//! paragraph of cells run together, or as headings and text.
//!
//! Here a page's positioned text is cut into lines (one baseline) and each
//! line into cells at gaps wider than an em. A run of nearby lines, at least
//! three of them with two cells or more, is a table when its cells leave
//! vertical gaps that at most one line in eight crosses: those gaps are the
//! column boundaries. Justified prose has word gaps at random places and
//! leaves no such gap; two columns of running text do, and are told apart by
//! their cells' length, and a list by its markers. Lines closer than most
//! make one row (a label over two lines beside a value centred between
//! them); a line of one cell inside the run continues the row above, and a
//! cell spanning columns (a header over several) goes in the first.
//!
//! The table replaces the page markdown's lines that hold its words, where
//! pdf-inspector made no table of its own there. On a page of two blocks
//! side by side (a column of text beside a table) the lines of each block
//! are read on their own too, for when the markdown has the blocks apart.

use std::collections::HashMap;

use pdf_inspector::{PagePositions, TextItem};

pub use contents::as_table as contents_as_table;
pub use splice::apply;

mod columns;
mod contents;
mod ruled;
mod splice;

use columns::{columns, nearest, split_over_columns, spread};

/// A run of text on one line without a gap wider than [`CELL_GAP`] ems.
#[derive(Debug, Clone)]
struct Cell {
    text: String,
    x0: f32,
    x1: f32,
}

#[derive(Debug, Clone)]
struct Line {
    cells: Vec<Cell>,
    y: f32,
    height: f32,
}

/// A table found on a page: its rows of cell texts.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub rows: Vec<Vec<String>>,
    /// The baselines of its first and last lines.
    top: f32,
    bottom: f32,
    /// The tables read on each side of a gutter across it, for when it is
    /// a block of text beside a table rather than one table (see
    /// [`split_at_gutter`]).
    parts: Vec<Table>,
    /// Read from the page's ruling lines ([`ruled`]): its rows and columns
    /// are drawn, so it is trusted over pdf-inspector's table there.
    ruled: bool,
    /// A ruled table's rows: the heights of the rules above and below each.
    bands: Vec<(f32, f32)>,
    /// Its left edge (a ruled table's), to order tables set side by side.
    left: f32,
    /// Ruled tables set beside it on the same rows, left to right: the
    /// markdown may hold them as one table, a row each line across them.
    beside: Vec<Table>,
}

/// Gap between two cells of a line, in ems of the text's size.
const CELL_GAP: f32 = 1.0;
/// Lines further apart than this many ems end a table.
const ROW_GAP: f32 = 2.2;
/// Lines with two cells or more a table needs.
const MIN_ROWS: usize = 3;
/// Width of the gutter between two blocks side by side, in ems.
const GUTTER: f32 = 3.0;
/// Cells of a two-column table this long on average are two columns of prose.
const PROSE_CELL_CHARS: usize = 30;

/// Tables of each page (1-based numbers) of the positioned text: drawn
/// with ruling lines, and set with whitespace alone elsewhere.
pub fn pages(positions: &PagePositions) -> HashMap<u32, Vec<Table>> {
    let mut drawn: HashMap<u32, Vec<Table>> = HashMap::new();
    if !positions.rects.is_empty() || !positions.lines.is_empty() {
        let items = by_page(&positions.items, |i| i.page);
        let rects = by_page(&positions.rects, |r| r.page);
        let lines = by_page(&positions.lines, |l| l.page);
        for (page, text) in &items {
            let found = ruled::tables(
                text,
                rects.get(page).map_or(&[], Vec::as_slice),
                lines.get(page).map_or(&[], Vec::as_slice),
            );
            if !found.is_empty() {
                drawn.insert(*page, side_by_side(found));
            }
        }
    }
    let mut out: HashMap<u32, Vec<Table>> = super::pdf_columns::upright_by_page(&positions.items)
        .into_iter()
        .filter_map(|(page, items)| {
            let tables = page_tables(&lines(&items));
            (!tables.is_empty()).then_some((page, tables))
        })
        .collect();
    // Ruled tables first: where one is written, the tables read from the
    // same lines' gaps are not (see [`apply`]).
    for (page, mut ruled) in drawn {
        let tables = out.entry(page).or_default();
        ruled.append(tables);
        *tables = ruled;
    }
    out
}

/// Ruled tables with each set beside the first of its band (their rows'
/// heights overlapping by half the shorter one's) in that one's `beside`,
/// left to right.
fn side_by_side(mut tables: Vec<Table>) -> Vec<Table> {
    tables.sort_by(|a, b| a.left.total_cmp(&b.left));
    let mut out: Vec<Table> = Vec::new();
    for t in tables {
        let same_band = |o: &Table| {
            let overlap = o.top.min(t.top) - o.bottom.max(t.bottom);
            overlap * 2.0 >= (o.top - o.bottom).min(t.top - t.bottom)
        };
        match out.iter_mut().find(|o| same_band(o)) {
            Some(first) => first.beside.push(t),
            None => out.push(t),
        }
    }
    out
}

/// `xs` grouped by the page `page` says each is on, in their order.
fn by_page<T>(xs: &[T], page: impl Fn(&T) -> u32) -> HashMap<u32, Vec<&T>> {
    let mut out: HashMap<u32, Vec<&T>> = HashMap::new();
    for x in xs {
        out.entry(page(x)).or_default().push(x);
    }
    out
}

/// The tables of a page's lines. On a page of two blocks side by side, the
/// tables each block makes on its own are kept as the parts of the table
/// found across them, for [`apply`] to use when the markdown has the blocks
/// apart; a table found on one side only is a table of its own.
fn page_tables(lines: &[Line]) -> Vec<Table> {
    let mut tables = find(lines);
    if let Some((left, right)) = split_at_gutter(lines) {
        for part in [find(&left), find(&right)].concat() {
            let across = tables
                .iter_mut()
                .find(|t| part.bottom <= t.top && part.top >= t.bottom);
            match across {
                Some(t) => t.parts.push(part),
                None => tables.push(part),
            }
        }
    }
    tables
}

/// A page of two blocks side by side (two columns of text, a column of text
/// beside a table, facing pages on one sheet) as the lines of each: the
/// blocks are parted by a gutter, a band at least [`GUTTER`] ems wide in the
/// middle of the text's width that no cell crosses, and their lines do not
/// line up: most lines hold cells on one side only. A table's own columns
/// leave such a band too, and a page may hold such a table among lines of
/// one side only: hence the parts are only tried where the table found
/// across them is not in the markdown.
fn split_at_gutter(lines: &[Line]) -> Option<(Vec<Line>, Vec<Line>)> {
    let cells = || lines.iter().flat_map(|l| &l.cells);
    let lo = cells().map(|c| c.x0).fold(f32::MAX, f32::min);
    let hi = cells().map(|c| c.x1).fold(f32::MIN, f32::max);
    let width = (hi - lo).ceil() as usize + 1;
    if lines.len() < 2 * MIN_ROWS || !(2..=10_000).contains(&width) {
        return None;
    }
    let mut crossed = vec![false; width];
    for c in cells() {
        let a = ((c.x0 - lo).max(0.0)) as usize;
        let b = ((c.x1 - lo).ceil() as usize).min(width);
        crossed[a..b].fill(true);
    }
    let mut heights: Vec<f32> = lines.iter().map(|l| l.height).collect();
    heights.sort_by(f32::total_cmp);
    let em = heights[heights.len() / 2];
    // The widest free band whose middle is in the middle 40 % of the width.
    let (from, to) = (width * 3 / 10, width * 7 / 10);
    let mut best: Option<(usize, usize)> = None;
    let mut x = 0;
    while x < width {
        if crossed[x] {
            x += 1;
            continue;
        }
        let start = x;
        while x < width && !crossed[x] {
            x += 1;
        }
        let middle = (start + x) / 2;
        if (from..=to).contains(&middle) && best.is_none_or(|(a, b)| x - start > b - a) {
            best = Some((start, x));
        }
    }
    let (a, b) = best?;
    if ((b - a) as f32) < GUTTER * em {
        return None;
    }
    let gutter = lo + (a + b) as f32 / 2.0;
    let side = |l: &Line, left: bool| Line {
        cells: l
            .cells
            .iter()
            .filter(|c| (c.x1 <= gutter) == left)
            .cloned()
            .collect(),
        ..l.clone()
    };
    let left: Vec<Line> = lines.iter().map(|l| side(l, true)).collect();
    let right: Vec<Line> = lines.iter().map(|l| side(l, false)).collect();
    let both = left
        .iter()
        .zip(&right)
        .filter(|(l, r)| !l.cells.is_empty() && !r.cells.is_empty())
        .count();
    let one = left
        .iter()
        .zip(&right)
        .filter(|(l, r)| l.cells.is_empty() != r.cells.is_empty())
        .count();
    if both >= one {
        return None;
    }
    let keep = |side: Vec<Line>| side.into_iter().filter(|l| !l.cells.is_empty()).collect();
    Some((keep(left), keep(right)))
}

fn lines(items: &[&TextItem]) -> Vec<Line> {
    let mut out = Vec::new();
    for (y, line) in super::pdf_columns::baselines(items) {
        let height = line.iter().map(|i| i.height).fold(1.0, f32::max);
        let mut cells: Vec<Cell> = Vec::new();
        for item in line {
            let x1 = item.x + item.width.max(0.0);
            let text = item.text.trim();
            match cells.last_mut() {
                Some(c) if item.x - c.x1 <= item.height.max(1.0) * CELL_GAP => {
                    // Runs of one word drawn in pieces join without a space.
                    let joined = item.x - c.x1 < item.height * 0.1
                        && !item.text.starts_with(' ')
                        && !c.text.ends_with(' ');
                    if !joined {
                        c.text.push(' ');
                    }
                    c.text.push_str(text);
                    c.x1 = c.x1.max(x1);
                }
                _ => cells.push(Cell {
                    text: text.to_string(),
                    x0: item.x,
                    x1,
                }),
            }
        }
        for c in &mut cells {
            c.text = c.text.split_whitespace().collect::<Vec<_>>().join(" ");
        }
        cells.retain(|c| !c.text.is_empty());
        if !cells.is_empty() {
            out.push(Line { cells, y, height });
        }
    }
    out
}

/// Runs of lines that hold tables, each made a table when it is one.
fn find(lines: &[Line]) -> Vec<Table> {
    let mut tables = Vec::new();
    // Lines before this one belong to a table found.
    let mut done = 0;
    // The first and last lines of the table found last.
    let mut previous: Option<(usize, usize)> = None;
    let mut i = 0;
    while i < lines.len() {
        if lines[i].cells.len() < 2 || caption(&lines[i]) {
            i += 1;
            continue;
        }
        let mut end = i + 1;
        let mut last_multi = i;
        let mut pitches: Vec<f32> = Vec::new();
        while end < lines.len() && near(&lines[end - 1], &lines[end]) {
            // A gap twice the run's usual one ends it (a title between
            // tables); the usual gap is a line's at least, for a header of
            // lines set closer than that (one cell's text over two lines).
            let gap = lines[end - 1].y - lines[end].y;
            if pitches.len() >= 2 {
                let mut sorted = pitches.clone();
                sorted.sort_by(f32::total_cmp);
                let line = lines[end - 1].height * 1.2;
                if gap > 2.0 * sorted[sorted.len() / 2].max(line) {
                    break;
                }
            }
            pitches.push(gap);
            if lines[end].cells.len() >= 2 {
                last_multi = end;
            } else if end - last_multi > 2 {
                break;
            }
            end += 1;
        }
        // Header lines of one cell over the value columns just above: as
        // close as the run's first lines are to each other, and neither at
        // its left edge nor a caption (a title or a caption is).
        let left = lines[i..=last_multi]
            .iter()
            .filter(|l| l.cells.len() >= 2)
            .map(|l| l.cells[0].x0)
            .fold(f32::MAX, f32::min);
        let first_gap = lines
            .get(i + 1)
            .map_or(0.0, |next| lines[i].y - next.y)
            .min(lines[i].height * ROW_GAP);
        let mut start = i;
        while start > done
            && lines[start - 1].cells.len() == 1
            && !caption(&lines[start - 1])
            && lines[start - 1].y - lines[start].y <= first_gap * 1.5
            && lines[start - 1].cells[0].x0 > left + lines[i].height
        {
            start -= 1;
        }
        let run = &lines[start..=last_multi];
        match table(run) {
            Some(t) => {
                // A header of lines closer than the rows, a little further
                // from the first row than a row's gap, was found as a table
                // of its own just above (a few rows): the two are one table.
                let joined = previous
                    .filter(|&(_, to)| {
                        tables
                            .last()
                            .is_some_and(|t: &Table| t.rows.len() <= MIN_ROWS)
                            && to + 1 == start
                            && lines[to].y - lines[start].y <= lines[start].height * ROW_GAP * 1.5
                    })
                    .and_then(|(from, _)| {
                        let whole = table(&lines[from..=last_multi])?;
                        (whole.rows[0].len() >= t.rows[0].len()).then_some((from, whole))
                    });
                let (from, t) = match joined {
                    Some((from, whole)) => {
                        tables.pop();
                        (from, whole)
                    }
                    None => (start, t),
                };
                tables.push(Table {
                    top: lines[from].y,
                    bottom: lines[last_multi].y,
                    ..t
                });
                previous = Some((from, last_multi));
                i = last_multi + 1;
                done = i;
            }
            None => i += 1,
        }
    }
    tables
}

/// A line that begins with a caption ("Table 1:", "Figure 3."): the title
/// over a table, not its first row.
fn caption(line: &Line) -> bool {
    let words: Vec<&str> = line
        .cells
        .iter()
        .flat_map(|c| c.text.split_whitespace())
        .take(2)
        .collect();
    super::pdf_headings::caption(&words)
}

fn near(above: &Line, below: &Line) -> bool {
    above.y - below.y <= above.height.max(below.height) * ROW_GAP
}

/// The table a run of lines makes, if it makes one.
fn table(run: &[Line]) -> Option<Table> {
    let multi: Vec<&Line> = run.iter().filter(|l| l.cells.len() >= 2).collect();
    if multi.len() < MIN_ROWS {
        return None;
    }
    // Columns from the body rows, the commonest count of cells: header
    // lines are where cells span columns.
    let mut counts: HashMap<usize, usize> = HashMap::new();
    for l in &multi {
        *counts.entry(l.cells.len()).or_default() += 1;
    }
    let mode = counts
        .iter()
        .max_by_key(|&(n, k)| (*k, *n))
        .map_or(2, |(n, _)| *n);
    let body: Vec<&Line> = multi
        .iter()
        .copied()
        .filter(|l| l.cells.len() == mode)
        .collect();
    let body = if body.len() >= MIN_ROWS {
        body
    } else {
        multi.clone()
    };
    let columns = columns(&body, &multi)?;
    // Each line's cells by column; a cell spanning columns in the first.
    let placed: Vec<(f32, Vec<String>)> = run
        .iter()
        .map(|line| {
            let mut row = vec![String::new(); columns.len()];
            for c in &line.cells {
                if let Some(parts) = split_over_columns(c, &columns) {
                    for (k, text) in parts {
                        if !row[k].is_empty() {
                            row[k].push(' ');
                        }
                        row[k].push_str(&text);
                    }
                    continue;
                }
                let k = columns
                    .iter()
                    .position(|&(lo, hi)| c.x1 - 1.0 > lo && c.x0 + 1.0 < hi)
                    .unwrap_or_else(|| nearest(&columns, (c.x0 + c.x1) / 2.0));
                if !row[k].is_empty() {
                    row[k].push(' ');
                }
                row[k].push_str(&c.text);
            }
            spread(&mut row);
            (line.y, row)
        })
        .collect();
    let filled: Vec<usize> = placed
        .iter()
        .map(|(_, r)| r.iter().filter(|c| !c.is_empty()).count())
        .collect();
    if filled.iter().filter(|&&n| n >= 2).count() < MIN_ROWS {
        return None;
    }
    let rows = rows(&placed);
    let cells: Vec<&String> = rows.iter().flatten().filter(|c| !c.is_empty()).collect();
    let chars: usize = cells.iter().map(|c| c.chars().count()).sum();
    if columns.len() == 2 && chars >= PROSE_CELL_CHARS * cells.len() {
        return None;
    }
    // A list: markers in the first column, text in the second.
    if columns.len() == 2 && rows.iter().all(|r| r[0].is_empty() || marker(&r[0])) {
        return None;
    }
    // Most cells sentences, or a column of them: prose cut at wide gaps, or
    // a column of text beside a margin's notes.
    let long = |c: &&&String| c.split(' ').count() >= 8;
    if cells.iter().filter(long).count() * 2 > cells.len() {
        return None;
    }
    let prose_column = (0..columns.len()).any(|k| {
        let column: Vec<&String> = rows
            .iter()
            .map(|r| &r[k])
            .filter(|c| !c.is_empty())
            .collect();
        column.len() >= MIN_ROWS && column.iter().filter(long).count() * 2 > column.len()
    });
    if prose_column || running_text(&rows, columns.len()) {
        return None;
    }
    Some(Table {
        rows,
        ..Table::default()
    })
}

/// Columns of running text side by side (a page's columns of prose parted
/// by rules, read across): in two columns or more, most cells are lines of
/// four words or more and a third of them carry on the sentence of the line
/// above, starting in lower case. A table's rows each start anew.
fn running_text(rows: &[Vec<String>], columns: usize) -> bool {
    let running = (0..columns).filter(|&k| {
        let column: Vec<&String> = rows
            .iter()
            .map(|r| &r[k])
            .filter(|c| !c.is_empty())
            .collect();
        let lines = column.iter().filter(|c| c.split(' ').count() >= 4).count();
        let carried = column
            .iter()
            .filter(|c| c.starts_with(char::is_lowercase))
            .count();
        column.len() >= MIN_ROWS && lines * 2 > column.len() && carried * 3 >= column.len()
    });
    running.count() >= 2
}

/// Lines placed in columns, as rows: lines closer than most make one row,
/// and a line of one cell continues the row above.
fn rows(placed: &[(f32, Vec<String>)]) -> Vec<Vec<String>> {
    let mut pitches: Vec<f32> = placed.windows(2).map(|w| w[0].0 - w[1].0).collect();
    pitches.sort_by(f32::total_cmp);
    let pitch = pitches.get(pitches.len() / 2).copied().unwrap_or(0.0);
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut prev_y = f32::MAX;
    for (y, row) in placed {
        let filled = row.iter().filter(|c| !c.is_empty()).count();
        let close = prev_y - y < pitch * 0.75;
        prev_y = *y;
        match rows.last_mut() {
            Some(last) if close || (filled == 1 && continues(last, row)) => {
                for (a, b) in last.iter_mut().zip(row) {
                    if !b.is_empty() {
                        if !a.is_empty() {
                            a.push(' ');
                        }
                        a.push_str(b);
                    }
                }
            }
            _ => rows.push(row.clone()),
        }
    }
    rows
}

/// A one-cell line that carries on the text of the row above in its column:
/// it starts in lower case or with an opening bracket.
fn continues(last: &[String], row: &[String]) -> bool {
    row.iter().zip(last).any(|(b, a)| {
        !a.is_empty()
            && b.chars()
                .next()
                .is_some_and(|c| c.is_lowercase() || c == '(' || c == '[')
    })
}

/// A list item's marker: a bullet, "1.", "a)", "(iv)".
fn marker(cell: &str) -> bool {
    let t = cell.trim();
    if t.chars().count() == 1 && !t.chars().all(char::is_alphanumeric) {
        return true;
    }
    let core = t.trim_start_matches('(').trim_end_matches(['.', ')']);
    t.len() <= 5
        && t.len() > core.len()
        && !core.is_empty()
        && (core.chars().all(|c| c.is_ascii_digit())
            || (core.chars().count() <= 4 && core.chars().all(|c| "ivxlcdm".contains(c)))
            || (core.chars().count() == 1 && core.chars().all(char::is_alphabetic)))
}

#[cfg(test)]
mod tests;
