//! Tables drawn with ruling lines. pdf-inspector finds most of them, but
//! splits a cell of two lines or more over two rows or more (docling's
//! `normal_4pages.pdf`: one row of four became nine, in two tables), runs
//! narrow columns together ("XX" for two columns of marks) and misses some
//! (a two-column grid of descriptions read as running text).
//!
//! Here the page's horizontal and vertical rules (line segments, thin
//! rectangles and the edges of boxes) that cross one another make a grid:
//! a row between two horizontal rules, a column between two vertical ones
//! (a table open at its sides takes its outer edges from the ends of its
//! horizontal rules). Two grid cells with no rule between them are one cell
//! spanning both, written in the first. Each word goes in the cell its
//! middle falls in, so a cell keeps all its lines, and rotated header text
//! is read too.

use std::collections::HashMap;

use pdf_inspector::extractor::ItemType;
use pdf_inspector::{PdfLine, PdfRect, TextItem};

use super::Table;

/// How far apart two rules may be and still meet, in points.
const TOL: f32 = 2.0;
/// A rectangle at most this thick is a rule, not a box.
const THIN: f32 = 2.0;
/// A box this wide and tall is a frame (a text area's clip, a figure's
/// border), not a cell: its edges would join a table to whatever else the
/// frame holds. A table's own border is found from its rules' ends.
const FRAME: f32 = 100.0;
/// Columns are wider than this, in points.
const NARROW: f32 = 8.0;
/// How much wider than a box of a line's shading its cell's box is, at most.
const PADDING: f32 = 16.0;
/// Pages drawing more rules than this are charts or drawings, not tables.
const MAX_RULES: usize = 4000;
/// Words in a cell beyond which the grid frames running text (a page in a
/// box), not a table.
const MAX_CELL_WORDS: usize = 80;

/// A horizontal rule at `at` from `from` to `to` (x), or a vertical one at
/// `at` from `from` to `to` (y).
#[derive(Debug, Clone, Copy)]
struct Rule {
    at: f32,
    from: f32,
    to: f32,
}

/// The ruled tables of one page, from its text, rectangles and lines.
pub(super) fn tables(items: &[&TextItem], rects: &[&PdfRect], lines: &[&PdfLine]) -> Vec<Table> {
    let (across, down) = rules(rects, lines);
    if across.len() < 3 || down.len() < 2 || across.len() + down.len() > MAX_RULES {
        return Vec::new();
    }
    tables_of(&words(items), &across, &down)
}

fn tables_of(words: &[Word], across: &[Rule], down: &[Rule]) -> Vec<Table> {
    grids(across, down)
        .into_iter()
        .filter_map(|(a, d)| {
            let a: Vec<Rule> = a.iter().map(|&k| across[k]).collect();
            let d: Vec<Rule> = d.iter().map(|&k| down[k]).collect();
            table(&a, &d, words)
        })
        .collect()
}

/// Horizontal and vertical rules drawn on a page.
fn rules(rects: &[&PdfRect], lines: &[&PdfLine]) -> (Vec<Rule>, Vec<Rule>) {
    let (mut across, mut down) = (Vec::new(), Vec::new());
    let mut add = |x0: f32, y0: f32, x1: f32, y1: f32| {
        let (x0, x1) = (x0.min(x1), x0.max(x1));
        let (y0, y1) = (y0.min(y1), y0.max(y1));
        if y1 - y0 <= THIN && x1 - x0 > THIN {
            across.push(Rule {
                at: (y0 + y1) / 2.0,
                from: x0,
                to: x1,
            });
        } else if x1 - x0 <= THIN && y1 - y0 > THIN {
            down.push(Rule {
                at: (x0 + x1) / 2.0,
                from: y0,
                to: y1,
            });
        }
    };
    for l in lines {
        add(l.x1, l.y1, l.x2, l.y2);
    }
    // Boxes as (x0, y0, x1, y1).
    let boxes: Vec<(f32, f32, f32, f32)> = rects
        .iter()
        .map(|r| {
            let (x0, y0) = (r.x.min(r.x + r.width), r.y.min(r.y + r.height));
            (x0, y0, x0 + r.width.abs(), y0 + r.height.abs())
        })
        .collect();
    for (k, &(x0, y0, x1, y1)) in boxes.iter().enumerate() {
        if x1 - x0 <= THIN || y1 - y0 <= THIN {
            add(x0, y0, x1, y1);
        } else if (x1 - x0 < FRAME || y1 - y0 < FRAME) && !padding(k, &boxes) {
            // A box: its four edges (a cell's border or its shading).
            add(x0, y0, x1, y0);
            add(x0, y1, x1, y1);
            add(x0, y0, x0, y1);
            add(x1, y0, x1, y1);
        }
    }
    (across, down)
}

/// Is box `k` the shading of a line of a cell's text: inside another box
/// a little wider, set in from both its sides (Word shades a cell, then each
/// of its paragraphs within the cell's padding)? Its edges are no rules.
fn padding(k: usize, boxes: &[(f32, f32, f32, f32)]) -> bool {
    let (x0, y0, x1, y1) = boxes[k];
    boxes.len() <= MAX_RULES
        && boxes.iter().enumerate().any(|(j, &(a0, b0, a1, b1))| {
            j != k
                && a0 <= x0 - 1.0
                && a1 >= x1 + 1.0
                && b0 <= y0 + 0.5
                && b1 >= y1 - 0.5
                && (a1 - a0) - (x1 - x0) <= PADDING
        })
}

/// Groups of rules that meet, as indices into `across` and `down`: each a
/// grid with two horizontal rules at least and one vertical.
fn grids(across: &[Rule], down: &[Rule]) -> Vec<(Vec<usize>, Vec<usize>)> {
    let n = across.len();
    let mut parent: Vec<usize> = (0..n + down.len()).collect();
    fn root(parent: &mut [usize], mut k: usize) -> usize {
        while parent[k] != k {
            parent[k] = parent[parent[k]];
            k = parent[k];
        }
        k
    }
    for (i, h) in across.iter().enumerate() {
        for (j, v) in down.iter().enumerate() {
            let meet = v.at >= h.from - TOL
                && v.at <= h.to + TOL
                && h.at >= v.from - TOL
                && h.at <= v.to + TOL;
            if meet {
                let (a, b) = (root(&mut parent, i), root(&mut parent, n + j));
                parent[a] = b;
            }
        }
    }
    let mut groups: HashMap<usize, (Vec<usize>, Vec<usize>)> = HashMap::new();
    for k in 0..parent.len() {
        let g = groups.entry(root(&mut parent, k)).or_default();
        if k < n {
            g.0.push(k);
        } else {
            g.1.push(k - n);
        }
    }
    let mut out: Vec<(Vec<usize>, Vec<usize>)> = groups
        .into_values()
        .filter(|(a, d)| a.len() >= 2 && !d.is_empty())
        .collect();
    out.sort();
    out
}

/// A word of the page and where its middle is.
#[derive(Debug, Clone)]
struct Word {
    text: String,
    x: f32,
    y: f32,
    /// Where it starts and ends along its line, and the line's baseline
    /// (both growing in reading order, the baseline downwards): the order
    /// of a cell's words.
    start: f32,
    end: f32,
    baseline: f32,
    /// Its size across the line.
    height: f32,
    /// Set across the page (upright): `start` and `end` are x.
    upright: bool,
    /// It touches the word before it (a run drawn in pieces).
    joined: bool,
}

/// The words of a page's text runs, each placed by its share of its run's
/// characters (a run may cross a column's rule: cells set close together).
/// A run turned a quarter has its box in the page's axes, its advance
/// along y.
fn words(items: &[&TextItem]) -> Vec<Word> {
    let mut out = Vec::new();
    for item in items {
        if !matches!(item.item_type, ItemType::Text) || item.text.trim().is_empty() {
            continue;
        }
        let turn = item.rotation.rem_euclid(360.0);
        let upright = !(1.0..=359.0).contains(&turn);
        let (up, down) = ((turn - 90.0).abs() < 1.0, (turn - 270.0).abs() < 1.0);
        if !(upright || up || down) {
            continue;
        }
        let (advance, size) = if upright {
            (item.width.max(0.0), item.height.max(1.0))
        } else {
            (item.height.max(0.0), item.width.max(1.0))
        };
        let chars = item.text.chars().count().max(1) as f32;
        let per = advance / chars;
        let mut at = 0usize;
        let mut first = true;
        for piece in item.text.split(' ') {
            let len = piece.chars().count();
            let (a, b) = (per * at as f32, per * (at + len) as f32);
            at += len + 1;
            if piece.is_empty() {
                continue;
            }
            let mid = (a + b) / 2.0;
            let top = item.y + item.height;
            // The middle of the word; reading upwards the next line is to
            // the right, reading downwards to the left.
            let (x, y, start, end, baseline) = if upright {
                (
                    item.x + mid,
                    item.y + size * 0.3,
                    item.x + a,
                    item.x + b,
                    -item.y,
                )
            } else if up {
                (
                    item.x + size / 2.0,
                    item.y + mid,
                    item.y + a,
                    item.y + b,
                    item.x,
                )
            } else {
                (item.x + size / 2.0, top - mid, a - top, b - top, -item.x)
            };
            out.push(Word {
                text: piece.to_string(),
                x,
                y,
                start,
                end,
                baseline,
                height: size,
                upright,
                joined: first && !item.text.starts_with(' '),
            });
            first = false;
        }
    }
    out
}

/// Does a word run across one of the rules down `inner`, where it is drawn
/// (a header spanning columns has none across it)?
fn crosses(w: &Word, inner: &[Rule]) -> bool {
    w.upright
        && inner
            .iter()
            .any(|r| w.start < r.at - 1.0 && w.end > r.at + 1.0 && beside(r, w.y))
}

/// Does a rule down reach the height `y`?
fn beside(r: &Rule, y: f32) -> bool {
    r.from - TOL <= y && y <= r.to + TOL
}

/// A run of one mark repeated ("XX"): marks of neighbouring columns.
fn marks(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|first| text.chars().count() >= 2 && chars.all(|c| c == first))
}

/// Marks of neighbouring columns drawn as one run ("XX") across a column's
/// rule cut into their characters, each placed by its share.
fn cut_at_rules(w: &Word, inner: &[Rule]) -> Vec<Word> {
    let chars: Vec<char> = w.text.chars().collect();
    if !crosses(w, inner) || !marks(&w.text) {
        return vec![w.clone()];
    }
    // A glyph stands at the start of its share: the rest of the share is
    // the gap to the next (a glyph is about half an em wide).
    let per = (w.end - w.start) / chars.len() as f32;
    let glyph = per.min(w.height * 0.6);
    chars
        .iter()
        .enumerate()
        .map(|(k, c)| {
            let start = w.start + per * k as f32;
            Word {
                text: c.to_string(),
                x: start + glyph / 2.0,
                start,
                end: start + glyph,
                joined: k > 0 || w.joined,
                ..w.clone()
            }
        })
        .collect()
}

/// Positions within `TOL` of each other as one: sorted, merged.
fn distinct(mut xs: Vec<f32>) -> Vec<f32> {
    xs.sort_by(f32::total_cmp);
    let mut out: Vec<f32> = Vec::new();
    for x in xs {
        match out.last_mut() {
            Some(last) if x - *last <= TOL => {}
            _ => out.push(x),
        }
    }
    out
}

/// How much of `lo..hi` the rules at `at` cover.
fn covered(rules: &[Rule], at: f32, lo: f32, hi: f32) -> f32 {
    let mut spans: Vec<(f32, f32)> = rules
        .iter()
        .filter(|r| (r.at - at).abs() <= TOL)
        .map(|r| (r.from.max(lo), r.to.min(hi)))
        .filter(|(a, b)| b > a)
        .collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (mut total, mut reach) = (0.0, lo);
    for (a, b) in spans {
        if b > reach {
            total += b - a.max(reach);
            reach = b;
        }
    }
    total
}

/// The table a grid of rules makes with the words inside it, if it is one.
fn table(across: &[Rule], down: &[Rule], words: &[Word]) -> Option<Table> {
    // Outer edges of a table open at its sides: where its rules end.
    let left = across.iter().map(|r| r.from).fold(f32::MAX, f32::min);
    let right = across.iter().map(|r| r.to).fold(f32::MIN, f32::max);
    let xs = distinct(
        down.iter()
            .map(|r| r.at)
            .chain([left, right])
            .filter(|&x| x >= left - TOL && x <= right + TOL)
            .collect(),
    );
    // Rows top to bottom; a table open at its top or bottom ends where
    // its vertical rules do.
    let low = down.iter().map(|r| r.from).fold(f32::MAX, f32::min);
    let high = down.iter().map(|r| r.to).fold(f32::MIN, f32::max);
    let mut ys = distinct(
        across
            .iter()
            .map(|r| r.at)
            .chain([low, high])
            .filter(|&y| y >= low - TOL && y <= high + TOL)
            .collect(),
    );
    ys.reverse();
    // A rule across half the table or more divides it; shorter ones are
    // a diagram's strokes, or a rule under a header spanning columns.
    let (top, bottom) = (*ys.first()?, *ys.last()?);
    let outer = |x: f32| x <= left + TOL || x >= right - TOL;
    let weight = |x: f32| {
        if outer(x) {
            f32::MAX
        } else {
            covered(down, x, bottom, top)
        }
    };
    // Of edges closer than a column can be (a cell's border and the edge
    // of the shading of its padding), the one drawn over most rows.
    let drawn: Vec<f32> = xs
        .into_iter()
        .filter(|&x| outer(x) || weight(x) * 2.0 >= top - bottom)
        .collect();
    let mut kept: Vec<f32> = Vec::new();
    for &x in &drawn {
        match kept.last_mut() {
            Some(last) if x - *last < NARROW => {
                if weight(x) > weight(*last) {
                    *last = x;
                }
            }
            _ => kept.push(x),
        }
    }
    let xs = kept;
    // A rule across is a row's edge where it runs from column edge to
    // column edge: a band of shading behind one line of a cell's text,
    // set in from the cell's edges, is not.
    let edge = |x: f32| drawn.iter().any(|&e| (e - x).abs() <= TOL * 2.0);
    let across: Vec<Rule> = across
        .iter()
        .filter(|r| edge(r.from) && edge(r.to))
        .copied()
        .collect();
    ys.retain(|&y| {
        y <= low + TOL || y >= high - TOL || covered(&across, y, left, right) * 2.0 >= right - left
    });
    let (nr, nc) = (ys.len().checked_sub(1)?, xs.len().checked_sub(1)?);
    if nr < 2 || nc < 2 {
        return None;
    }
    // Is there a rule between two grid cells? Vertical at x over (y0, y1),
    // or horizontal at y over (x0, x1): one covering the middle.
    let ruled = |rules: &[Rule], at: f32, a: f32, b: f32| {
        let mid = (a + b) / 2.0;
        rules
            .iter()
            .any(|r| (r.at - at).abs() <= TOL && r.from - TOL <= mid && r.to + TOL >= mid)
    };
    // Each grid cell's owner: the top-left cell of the region it spans.
    let mut owner: Vec<Vec<(usize, usize)>> = vec![vec![(0, 0); nc]; nr];
    for r in 0..nr {
        for c in 0..nc {
            owner[r][c] = if c > 0 && !ruled(down, xs[c], ys[r + 1], ys[r]) {
                owner[r][c - 1]
            } else if r > 0 && !ruled(&across, ys[r], xs[c], xs[c + 1]) {
                owner[r - 1][c]
            } else {
                (r, c)
            };
        }
    }
    // The rules down between columns, where they are drawn.
    let inner: Vec<Rule> = down
        .iter()
        .filter(|r| (1..nc).any(|c| (r.at - xs[c]).abs() <= TOL))
        .copied()
        .collect();
    let inside: Vec<&Word> = words
        .iter()
        .filter(|w| w.x >= xs[0] - TOL && w.x <= xs[nc] + TOL && w.y <= ys[0] && w.y > ys[nr])
        .collect();
    // Words across the rules, or a line's words on both sides of one no
    // further apart than a space: text the rules do not divide (a
    // diagram's boxes and arrows), not a table.
    let mut along: Vec<&&Word> = inside.iter().filter(|w| w.upright).collect();
    along.sort_by(|a, b| {
        a.baseline
            .total_cmp(&b.baseline)
            .then(a.start.total_cmp(&b.start))
    });
    let flowing = along
        .windows(2)
        .filter(|p| {
            let (a, b) = (p[0], p[1]);
            (a.baseline - b.baseline).abs() < a.height * 0.4
                && b.start - a.end < a.height * 0.3
                && inner
                    .iter()
                    .any(|r| a.end <= r.at + 1.0 && b.start >= r.at - 1.0 && beside(r, a.y))
        })
        .count();
    let across_rules = flowing
        + inside
            .iter()
            .filter(|w| crosses(w, &inner) && !marks(&w.text))
            .count();
    if across_rules >= 2 && across_rules * 50 > inside.len() {
        return None;
    }
    let words: Vec<Word> = inside
        .into_iter()
        .flat_map(|w| cut_at_rules(w, &inner))
        .collect();
    let mut cells: Vec<Vec<Vec<&Word>>> = vec![vec![Vec::new(); nc]; nr];
    for w in &words {
        let Some(c) = (0..nc).find(|&c| w.x >= xs[c] && w.x < xs[c + 1]) else {
            continue;
        };
        let Some(r) = (0..nr).find(|&r| w.y <= ys[r] && w.y > ys[r + 1]) else {
            continue;
        };
        let (r, c) = owner[r][c];
        cells[r][c].push(w);
    }
    let mut rows: Vec<Vec<String>> = cells
        .into_iter()
        .flat_map(|row| match stacked(&row) {
            Some(rows) => rows,
            None => vec![row.into_iter().map(cell_text).collect()],
        })
        .collect();
    // Rows and columns left empty (a rule drawn twice, a shaded band).
    rows.retain(|r| r.iter().any(|c| !c.is_empty()));
    let keep: Vec<bool> = (0..nc)
        .map(|c| rows.iter().any(|r| !r[c].is_empty()))
        .collect();
    for r in &mut rows {
        let mut k = 0;
        r.retain(|_| {
            k += 1;
            keep[k - 1]
        });
    }
    let full = rows
        .iter()
        .filter(|r| r.iter().filter(|c| !c.is_empty()).count() >= 2)
        .count();
    let prose = rows
        .iter()
        .flatten()
        .any(|c| c.split(' ').count() > MAX_CELL_WORDS);
    // A grid of two rows is a header ruled apart from a body without rules
    // (2305.03393v1-pg9), unless it is boxed: every edge, inner column
    // edges too, drawn over the whole of it (ICDAR's eu-007, "Years" over
    // one row of values).
    let (height, width) = (ys[0] - ys[nr], xs[nc] - xs[0]);
    let boxed = nr == 2
        && xs
            .iter()
            .all(|&x| covered(down, x, ys[nr], ys[0]) >= height * 0.9)
        && ys
            .iter()
            .all(|&y| covered(&across, y, xs[0], xs[nc]) >= width * 0.9);
    let fewest = if boxed { 2 } else { 3 };
    if rows.len() < fewest || full < 2 || rows[0].len() < 2 || prose {
        return None;
    }
    Some(Table {
        rows,
        top: ys[0],
        bottom: ys[nr],
        ruled: true,
        bands: ys.windows(2).map(|w| (w[0], w[1])).collect(),
        left: xs[0],
        ..Table::default()
    })
}

/// A cell's words in reading order: line by line (one baseline, give or
/// take), left to right.
fn cell_text(words: Vec<&Word>) -> String {
    let lines = cell_lines(&words);
    let mut text = String::new();
    for mut line in lines {
        line.sort_by(|a, b| a.start.total_cmp(&b.start));
        for (k, w) in line.iter().enumerate() {
            let glued = k > 0 && w.joined && touches(line[k - 1], w);
            if !text.is_empty() && !glued {
                text.push(' ');
            }
            text.push_str(&w.text);
        }
    }
    text
}

/// A cell's words as lines: one baseline (give or take) each, top down.
fn cell_lines<'a>(words: &[&'a Word]) -> Vec<Vec<&'a Word>> {
    let mut words = words.to_vec();
    words.sort_by(|a, b| {
        a.baseline
            .total_cmp(&b.baseline)
            .then(a.start.total_cmp(&b.start))
    });
    let mut lines: Vec<Vec<&Word>> = Vec::new();
    for w in words {
        match lines.last_mut() {
            Some(line) if (line[0].baseline - w.baseline).abs() < line[0].height * 0.4 => {
                line.push(w)
            }
            _ => lines.push(vec![w]),
        }
    }
    lines
}

/// A row between two rules that holds several rows of the table: rules
/// drawn between groups of rows, not between every row (pdfplumber's
/// `issue-53-example.pdf`: "FY2013" over "FY2014", each figure over the
/// next). Its cells all have the same number of lines, two or more, on the
/// same baselines, and none of those lines carries on the one above it (a
/// cell's text run over two lines starts the next in lower case): each
/// line is a row. A cell of several lines beside cells of one is one cell.
fn stacked(row: &[Vec<&Word>]) -> Option<Vec<Vec<String>>> {
    let filled: Vec<Vec<Vec<&Word>>> = row
        .iter()
        .filter(|c| !c.is_empty())
        .map(|c| cell_lines(c))
        .collect();
    let n = filled.first()?.len();
    let upright = row.iter().flatten().all(|w| w.upright);
    if filled.len() < 2 || n < 2 || !upright || filled.iter().any(|c| c.len() != n) {
        return None;
    }
    // A line of small marks (a superscript "^" set above its word's
    // baseline) is no row.
    let size = row.iter().flatten().map(|w| w.height).fold(0.0, f32::max);
    let small = |line: &Vec<&Word>| {
        line.iter().all(|w| w.height < size * 0.7)
            || !line
                .iter()
                .any(|w| w.text.chars().any(char::is_alphanumeric))
    };
    if filled.iter().flatten().any(small) {
        return None;
    }
    for k in 0..n {
        let first = filled[0][k][0];
        if filled
            .iter()
            .any(|c| (c[k][0].baseline - first.baseline).abs() >= first.height * 0.4)
        {
            return None;
        }
        let continues = |c: &Vec<Vec<&Word>>| {
            let mut line = c[k].clone();
            line.sort_by(|a, b| a.start.total_cmp(&b.start));
            line[0].text.starts_with(char::is_lowercase)
        };
        if k > 0 && filled.iter().any(continues) {
            return None;
        }
    }
    Some(
        (0..n)
            .map(|k| {
                row.iter()
                    .map(|c| match cell_lines(c).get(k) {
                        Some(line) => cell_text(line.clone()),
                        None => String::new(),
                    })
                    .collect()
            })
            .collect(),
    )
}

/// Two pieces of one line drawn with no gap between them: one word.
fn touches(a: &Word, b: &Word) -> bool {
    (b.start - a.end).abs() < a.height * 0.1
}

#[cfg(test)]
mod tests;
