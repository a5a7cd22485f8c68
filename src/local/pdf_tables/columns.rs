//! Columns of a table: where its body rows leave vertical gaps, cells alone
//! in a gap, and cells spread over the columns they cover.

use super::{Cell, Line};

/// A cell over two columns or more whose words, placed by their share of
/// its characters, fall each over one of them: cells of neighbouring
/// columns set so close that they read as one run ("enc-layers dec-layers"
/// over "6" and "6"). Each column's words must cover its span or lie within
/// it, give or take a character; a header spanning the columns ("THRESHOLD
/// FOR RELEASES") has words astride the gaps and stays whole.
pub(super) fn split_over_columns(c: &Cell, columns: &[(f32, f32)]) -> Option<Vec<(usize, String)>> {
    let over: Vec<usize> = (0..columns.len())
        .filter(|&k| c.x1 - 1.0 > columns[k].0 && c.x0 + 1.0 < columns[k].1)
        .collect();
    if over.len() < 2 || !c.text.contains(' ') {
        return None;
    }
    let chars = c.text.chars().count();
    let per = (c.x1 - c.x0) / chars as f32;
    let distance = |k: usize, x: f32| (columns[k].0 - x).max(x - columns[k].1).max(0.0);
    // (column, words, from, to)
    let mut groups: Vec<(usize, String, f32, f32)> = Vec::new();
    let mut at = 0;
    for word in c.text.split(' ') {
        let len = word.chars().count();
        let (a, b) = (c.x0 + per * at as f32, c.x0 + per * (at + len) as f32);
        at += len + 1;
        let k = *over
            .iter()
            .min_by(|&&i, &&j| distance(i, (a + b) / 2.0).total_cmp(&distance(j, (a + b) / 2.0)))?;
        match groups.last_mut() {
            Some(g) if g.0 == k => {
                g.1.push(' ');
                g.1.push_str(word);
                g.3 = b;
            }
            Some(g) if g.0 > k => return None,
            _ => groups.push((k, word.to_string(), a, b)),
        }
    }
    let fits = groups.iter().all(|&(k, _, a, b)| {
        let (lo, hi) = columns[k];
        (a <= lo + per && b >= hi - per) || (a >= lo - per && b <= hi + per)
    });
    (groups.len() >= 2 && fits).then(|| groups.into_iter().map(|(k, t, _, _)| (k, t)).collect())
}

pub(super) fn nearest(columns: &[(f32, f32)], x: f32) -> usize {
    let distance = |&(lo, hi): &(f32, f32)| (lo - x).max(x - hi).max(0.0);
    (0..columns.len())
        .min_by(|&a, &b| distance(&columns[a]).total_cmp(&distance(&columns[b])))
        .unwrap_or(0)
}

/// Column spans: the x ranges the lines' cells cover, split where at most one
/// line in eight crosses.
pub(super) fn columns(lines: &[&Line], all: &[&Line]) -> Option<Vec<(f32, f32)>> {
    let lo = lines.iter().map(|l| l.cells[0].x0).fold(f32::MAX, f32::min);
    let hi = lines
        .iter()
        .map(|l| l.cells[l.cells.len() - 1].x1)
        .fold(f32::MIN, f32::max);
    let width = (hi - lo).ceil() as usize + 1;
    if !(2..=10_000).contains(&width) {
        return None;
    }
    let mut cover = vec![0usize; width];
    for l in lines {
        for c in &l.cells {
            let a = ((c.x0 - lo).max(0.0)) as usize;
            let b = ((c.x1 - lo).ceil() as usize).min(width);
            for slot in &mut cover[a..b] {
                *slot += 1;
            }
        }
    }
    let allowed = lines.len() / 8;
    let mut spans: Vec<(f32, f32)> = Vec::new();
    let mut open: Option<usize> = None;
    for (x, &n) in cover.iter().enumerate() {
        match (open, n > allowed) {
            (None, true) => open = Some(x),
            (Some(a), false) => {
                spans.push((lo + a as f32, lo + x as f32));
                open = None;
            }
            _ => {}
        }
    }
    if let Some(a) = open {
        spans.push((lo + a as f32, hi));
    }
    // Gaps narrower than a space are not column boundaries.
    let em = lines.iter().map(|l| l.height).sum::<f32>() / lines.len() as f32;
    let mut merged: Vec<(f32, f32)> = Vec::new();
    for s in spans {
        match merged.last_mut() {
            Some(m) if s.0 - m.1 < em * 0.5 => m.1 = s.1,
            _ => merged.push(s),
        }
    }
    // Cells alone in a gap (a header over a column whose values are drawn
    // as one run with the next column's) are a column of their own.
    // Two lines at least must have one there.
    let alone: Vec<(f32, f32)> = all
        .iter()
        .flat_map(|l| &l.cells)
        .filter(|c| !merged.iter().any(|&(a, b)| c.x1 > a && c.x0 < b))
        .map(|c| (c.x0, c.x1))
        .collect();
    let overlapping = |x0: f32, x1: f32| alone.iter().filter(move |&&(a, b)| x1 > a && x0 < b);
    for &(x0, x1) in &alone {
        if overlapping(x0, x1).count() < 2 {
            continue;
        }
        // A header spanning two columns of lone values ("enc-layers
        // dec-layers" over "6 6") overlaps lone cells that do not overlap
        // each other: they make the columns, it spans them.
        let spans = overlapping(x0, x1)
            .filter(|&&(a, b)| b - a < x1 - x0)
            .any(|&(a, b)| {
                overlapping(x0, x1).any(|&(c, d)| d - c < x1 - x0 && (d <= a || c >= b))
            });
        if !spans {
            merged.push((x0, x1));
        }
    }
    merged.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut columns: Vec<(f32, f32)> = Vec::new();
    for s in merged {
        match columns.last_mut() {
            Some(m) if s.0 < m.1 => m.1 = m.1.max(s.1),
            _ => columns.push(s),
        }
    }
    (columns.len() >= 2).then_some(columns)
}

/// Values drawn as one run spaced by kerning ("100 50 50": pdf-inspector
/// gives the run's text, not where each value stands) spread over the empty
/// columns to their right, when they are as many as the columns.
pub(super) fn spread(row: &mut [String]) {
    let value = |t: &str| {
        t.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '.' | ',' | '%' | '–'))
    };
    for k in 0..row.len() {
        let empty = row[k + 1..].iter().take_while(|c| c.is_empty()).count();
        // Most cells hold one value or have no empty cell after them.
        if empty == 0 || !row[k].contains(' ') {
            continue;
        }
        let tokens: Vec<String> = row[k].split(' ').map(str::to_string).collect();
        // "10 000" is one number.
        let thousands = tokens.len() == 2 && tokens[1].len() == 3 && tokens[1].starts_with('0');
        if tokens.len() < 2
            || tokens.len() != empty + 1
            || thousands
            || !tokens.iter().all(|t| value(t))
        {
            continue;
        }
        for (j, t) in tokens.into_iter().enumerate() {
            row[k + j] = t;
        }
    }
}
