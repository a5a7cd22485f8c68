//! Lines at a page's edges: running headers and footers, found across the
//! document's pages, and a page's foot.

use std::collections::{HashMap, HashSet};

use pdf_inspector::extractor::TextLine;

use super::{spaced, BodyStyle, FURNITURE_SHARE};

/// Digits and spacing aside, so "254 … 253–265" and "… 253–265 255" compare equal.
pub(super) fn furniture_key(text: &str) -> String {
    text.split_whitespace()
        .map(|w| {
            w.chars()
                .filter(|c| !c.is_ascii_digit())
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A number in a line: its value, and whether it stands where a page number
/// does (the line's first or last number-or-word, or right after "page"/"p.").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Number {
    value: u64,
    at_edge: bool,
}

const PAGE_WORDS: &[&str] = &["page", "p", "pg", "pp", "seite", "pagina", "página", "pag"];

fn numbers(text: &str) -> Vec<Number> {
    // Runs of letters or of digits, in order: a number is at the edge when no
    // word stands before it, or none after it.
    let mut runs: Vec<(bool, String)> = Vec::new();
    for c in text.chars() {
        let digit = c.is_ascii_digit();
        if !digit && !c.is_alphabetic() {
            runs.push((false, String::new()));
            continue;
        }
        match runs.last_mut() {
            Some((d, run)) if *d == digit && !run.is_empty() => run.push(c),
            _ => runs.push((digit, c.to_string())),
        }
    }
    let runs: Vec<(bool, String)> = runs.into_iter().filter(|(_, r)| !r.is_empty()).collect();
    let last = runs.len().saturating_sub(1);
    runs.iter()
        .enumerate()
        .filter(|(_, (digit, _))| *digit)
        .filter_map(|(i, (_, run))| {
            let after_page_word = i > 0
                && !runs[i - 1].0
                && PAGE_WORDS.contains(&runs[i - 1].1.to_lowercase().as_str());
            Some(Number {
                value: run.parse().ok()?,
                at_edge: i == 0 || i == last || after_page_word,
            })
        })
        .collect()
}

/// Of the edge lines that read alike digits aside (`group`: page and text),
/// those that are running text: their numbers are the same on every page but
/// for at most one, a page number (it stands where page numbers do, and
/// follows the page index by the same offset on every page). A line whose
/// other numbers change ("Account 1007-55: balance due EUR 120.50") is content.
fn running(group: &[(u32, String)], needed: usize) -> Vec<(u32, String)> {
    let per_line: Vec<Vec<Number>> = group.iter().map(|(_, t)| numbers(t)).collect();
    let mut seen: HashMap<u64, usize> = HashMap::new();
    for nums in &per_line {
        let distinct: HashSet<u64> = nums.iter().map(|n| n.value).collect();
        for v in distinct {
            *seen.entry(v).or_default() += 1;
        }
    }
    // Numbers on most of the lines are the header's own ("310 (2005)").
    let fixed = |v: u64| seen.get(&v).is_some_and(|n| n * 2 > group.len());
    // Each line's page-number offset: `None` when it has no changing number.
    let offsets: Vec<Option<Option<i64>>> = group
        .iter()
        .zip(&per_line)
        .map(|((page, _), nums)| {
            let changing: Vec<&Number> = nums.iter().filter(|n| !fixed(n.value)).collect();
            match changing.as_slice() {
                [] => Some(None),
                [n] if n.at_edge => Some(Some(n.value as i64 - i64::from(*page))),
                _ => None,
            }
        })
        .collect();
    let mut by_offset: HashMap<i64, usize> = HashMap::new();
    for o in offsets.iter().flatten().flatten() {
        *by_offset.entry(*o).or_default() += 1;
    }
    let best = by_offset
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(o, _)| o);
    let kept: Vec<(u32, String)> = group
        .iter()
        .zip(&offsets)
        .filter(|(_, o)| matches!(o, Some(None)) || (o.is_some() && o.flatten() == best))
        .map(|(g, _)| g.clone())
        .collect();
    if kept.len() >= needed {
        kept
    } else {
        Vec::new()
    }
}

/// For the top lines and then the bottom lines: the (page, text) of each page's
/// edge line that runs across enough pages. A page of one or two lines has no
/// room for running text, and running text is set no larger than the body.
pub(super) fn furniture(
    by_page: &HashMap<u32, Vec<&TextLine>>,
    page_count: u32,
    body: &BodyStyle,
) -> Vec<(bool, Vec<(u32, String)>)> {
    let needed = ((page_count as f32 * FURNITURE_SHARE).ceil() as usize).max(3);
    let mut out = Vec::new();
    for top in [true, false] {
        let mut groups: HashMap<String, Vec<(u32, String)>> = HashMap::new();
        for (page, lines) in by_page {
            if lines.len() < 3 {
                continue;
            }
            let Some(line) = (if top { lines.first() } else { lines.last() }) else {
                continue;
            };
            let size = line
                .items
                .iter()
                .map(|i| i.font_size)
                .fold(0.0f32, f32::max);
            if size > body.size * 1.05 {
                continue;
            }
            let text = line.text().trim().to_string();
            let key = furniture_key(&text);
            let letters = key.chars().filter(|c| c.is_alphabetic()).count();
            // A bare page number ("12", "- 12 -") has a key of no letters.
            if letters >= 3 || (letters == 0 && numbers(&text).len() == 1) {
                groups.entry(key).or_default().push((*page, text));
            }
        }
        let mut found: Vec<(u32, String)> = Vec::new();
        for group in groups.values_mut() {
            group.sort();
            found.extend(running(group, needed));
        }
        found.sort();
        out.push((top, found));
    }
    out
}

/// Pages a line must open or close, the same words digits aside, to be
/// running text rather than a heading.
const RUNNING_PAGES: usize = 3;

/// (page, text) of the first and last lines that repeat, digits aside, at the
/// same edge of at least [`RUNNING_PAGES`] pages: all of them when set no
/// larger than the body, else all but the first showing.
pub(super) fn running_lines(
    by_page: &HashMap<u32, Vec<&TextLine>>,
    body: &BodyStyle,
) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    for top in [true, false] {
        let mut groups: HashMap<String, Vec<(u32, String, f32)>> = HashMap::new();
        for (page, lines) in by_page {
            let Some(line) = (if top { lines.first() } else { lines.last() }) else {
                continue;
            };
            let text = spaced(&line.text());
            let key = furniture_key(&text);
            if key.chars().filter(|c| c.is_alphabetic()).count() < 3 {
                continue;
            }
            let size = line.items.iter().map(|i| i.font_size).fold(0.0, f32::max);
            groups.entry(key).or_default().push((*page, text, size));
        }
        for mut group in groups.into_values() {
            if group.len() < RUNNING_PAGES {
                continue;
            }
            group.sort_by_key(|g| g.0);
            let large = group.iter().any(|g| g.2 > body.size * 1.05);
            let skip = usize::from(large);
            out.extend(group.into_iter().skip(skip).map(|(p, t, _)| (p, t)));
        }
    }
    out
}

/// A page's foot is this many of its line's sizes below the text above.
const FOOT_GAP: f32 = 3.0;

/// The text of the lines on a page's lowest baseline when they stand apart
/// from the text above: [`FOOT_GAP`] of their size below it, no picture
/// reaching below that text (a heading under a figure at the page's end, a
/// chart's title over it, stay), and set no larger than the body (a divider
/// page's "Appendix 1" stays). `lines` run from the page's top; `pictures`
/// are the bottom edges of the page's pictures.
pub(super) fn page_foot(lines: &[&TextLine], pictures: &[f32], body: &BodyStyle) -> Vec<String> {
    let Some(last) = lines.last() else {
        return Vec::new();
    };
    let (foot, above): (Vec<&TextLine>, Vec<&TextLine>) =
        lines.iter().partition(|l| (l.y - last.y).abs() < 2.0);
    let Some(next) = above.iter().map(|l| l.y).reduce(f32::min) else {
        return Vec::new();
    };
    let size = foot
        .iter()
        .flat_map(|l| &l.items)
        .map(|i| i.font_size)
        .fold(0.0, f32::max);
    let picture_below = pictures.iter().any(|&bottom| bottom < next);
    let small = size <= body.size * 1.05;
    if above.len() < 2 || !small || next - last.y < size * FOOT_GAP || picture_below {
        return Vec::new();
    }
    foot.iter().map(|l| spaced(&l.text())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_page_number_may_change_in_running_text() {
        let group = |texts: &[(u32, &str)]| -> Vec<(u32, String)> {
            texts.iter().map(|(p, t)| (*p, t.to_string())).collect()
        };
        // The journal's header: the page number moves side, the rest stays.
        let journal = group(&[
            (
                2,
                "254 P.N.J. Lane et al. / Journal of Hydrology 310 (2005) 253–265",
            ),
            (
                3,
                "P.N.J. Lane et al. / Journal of Hydrology 310 (2005) 253–265 255",
            ),
            (
                4,
                "256 P.N.J. Lane et al. / Journal of Hydrology 310 (2005) 253–265",
            ),
        ]);
        assert_eq!(running(&journal, 3).len(), 3);
        // Other numbers change: content.
        let accounts = group(&[
            (1, "Account 1007-55: balance due EUR 120.50"),
            (2, "Account 2231-08: balance due EUR 75.10"),
            (3, "Account 3310-91: balance due EUR 988.00"),
        ]);
        assert!(running(&accounts, 3).is_empty());
        // A number that follows the page index inside a sentence is not a page number.
        let sentences = group(&[
            (1, "Body of chapter 1. This is ordinary text."),
            (2, "Body of chapter 2. This is ordinary text."),
            (3, "Body of chapter 3. This is ordinary text."),
        ]);
        assert!(running(&sentences, 3).is_empty());
        // A number that does not follow the page index is not one either.
        let totals = group(&[(1, "Total 17"), (2, "Total 4"), (3, "Total 230")]);
        assert!(running(&totals, 3).is_empty());
        let pages = group(&[(1, "Page 1 of 3"), (2, "Page 2 of 3"), (3, "Page 3 of 3")]);
        assert_eq!(running(&pages, 3).len(), 3);
    }
}
