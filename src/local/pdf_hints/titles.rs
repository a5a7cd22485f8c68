//! Titles set over two lines: found in the positioned lines, joined in the
//! page's markdown.

use pdf_inspector::extractor::TextLine;
use pdf_inspector::TextItem;

use super::{bold_item, spaced, title_shape, BodyStyle};

/// A title's lines are set this much larger than the body at least.
const TITLE_SIZE: f32 = 1.5;
/// A bold title in about the body's size has at most this many lines.
const BOLD_TITLE_LINES: usize = 3;

/// Titles set over two lines, left-aligned, in one face of about one size
/// (the second at least 85 % of the first), a line apart, the first ending
/// no sentence or clause: ("Row and Column Access Control", "Support in IBM
/// DB2 for i") at 33 and 30 pt. pdf-inspector levels headings by size, so
/// such a title comes out as a heading over a subheading; and a small label
/// on the title's baseline ("Chapter 1." at 7 pt beside "Securing and
/// protecting IBM DB2" at 26 pt, "data" below) makes it no heading at all.
/// Each line is read without the runs set much smaller than its largest.
pub(super) fn two_line_titles(lines: &[&TextLine], body: &BodyStyle) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for pair in lines.windows(2) {
        let (Some(a), Some(b)) = (title_part(pair[0]), title_part(pair[1])) else {
            continue;
        };
        let large = b.size >= body.size * TITLE_SIZE && b.size >= a.size * 0.85 && b.size <= a.size;
        let close = pair[0].y - pair[1].y < a.size * 1.6;
        if a.font == b.font && large && close && (a.x - b.x).abs() < 2.0 && !ends_clause(&a.text) {
            out.push(vec![a.text, b.text]);
        }
    }
    out.extend(bold_titles(lines, body));
    out
}

fn ends_clause(text: &str) -> bool {
    text.ends_with(['.', ':', ';', '!', '?', ','])
}

/// Titles set in bold over two or three lines in about the body's size,
/// heading the text under them ("BUILDING TECHNICAL" / "INFORMATION BASED
/// ON" / "PRACTICAL EXPERIENCE" over a back cover's paragraph in a roman
/// face): left-aligned lines of one face and size, no smaller than the
/// body, a line apart, the first lines ending no clause, the whole shaped
/// like a title, and the next line down in the column set in a face that
/// is not bold, close below. Each line alone is no heading (the first runs
/// on into the second, the last closes a block in its face), and a block
/// of bold lines over more bold lines (a cover's "INTERNATIONAL" /
/// "TECHNICAL" / "SUPPORT" / "ORGANIZATION" over that title) is a label.
fn bold_titles(lines: &[&TextLine], body: &BodyStyle) -> Vec<Vec<String>> {
    let bold = |l: &TextLine| l.items.iter().all(bold_item);
    let x_of = |l: &TextLine| l.items.first().map_or(f32::NAN, |i| i.x);
    // The lines of the column `lines[i]` starts, from `i` down.
    let column = |i: usize| -> Vec<usize> {
        let x = x_of(lines[i]);
        (i..lines.len())
            .filter(|&j| (x_of(lines[j]) - x).abs() < 2.0)
            .collect()
    };
    let mut out = Vec::new();
    let mut taken: Vec<usize> = Vec::new();
    for i in 0..lines.len() {
        if taken.contains(&i) || !bold(lines[i]) {
            continue;
        }
        let Some(first) = title_part(lines[i]) else {
            continue;
        };
        if first.size < body.size || first.size >= body.size * TITLE_SIZE {
            continue;
        }
        let down = column(i);
        let mut block = vec![(i, first)];
        let mut next = None;
        for &j in &down[1..] {
            let (prev_i, prev) = block.last().expect("a block has a line");
            let gap = lines[*prev_i].y - lines[j].y;
            let part = title_part(lines[j]).filter(|p| {
                bold(lines[j])
                    && p.font == prev.font
                    && (p.size - prev.size).abs() <= prev.size * 0.05
                    && gap < prev.size * 1.6
                    && !ends_clause(&prev.text)
            });
            match part {
                Some(p) => block.push((j, p)),
                None => {
                    next = Some(j);
                    break;
                }
            }
        }
        taken.extend(block.iter().map(|(j, _)| *j));
        let Some(next) = next else {
            continue;
        };
        let (last_i, last) = block.last().expect("a block has a line");
        let heads_text = !bold(lines[next])
            && title_part(lines[next]).is_none_or(|p| p.font != last.font)
            && lines[*last_i].y - lines[next].y < last.size * 2.5;
        if !(2..=BOLD_TITLE_LINES).contains(&block.len()) || !heads_text {
            continue;
        }
        let parts: Vec<String> = block.into_iter().map(|(_, p)| p.text).collect();
        if title_shape(&parts.join(" "), false).is_some() {
            out.push(parts);
        }
    }
    out
}

/// What of a line is set near its largest size, in one face.
struct TitlePart {
    text: String,
    font: String,
    size: f32,
    x: f32,
}

/// The runs of `line` set at 80 % of its largest size or more, when they
/// hold most of its characters and one face.
fn title_part(line: &TextLine) -> Option<TitlePart> {
    let size = line.items.iter().map(|i| i.font_size).fold(0.0, f32::max);
    let big: Vec<&TextItem> = line
        .items
        .iter()
        .filter(|i| i.font_size >= size * 0.8)
        .collect();
    let chars = |items: &mut dyn Iterator<Item = &TextItem>| -> usize {
        items
            .map(|i| i.text.chars().filter(|c| !c.is_whitespace()).count())
            .sum()
    };
    let (all, kept) = (
        chars(&mut line.items.iter()),
        chars(&mut big.iter().copied()),
    );
    let font = &big.first()?.font;
    if kept * 10 < all * 7 || big.iter().any(|i| &i.font != font) {
        return None;
    }
    let text: Vec<&str> = big.iter().map(|i| i.text.as_str()).collect();
    Some(TitlePart {
        text: spaced(&text.join(" ")),
        font: font.clone(),
        size,
        x: big[0].x,
    })
}

/// `md` with the line ending in a title's first part and the lines right
/// under it holding the other parts made one heading, at the level any had
/// as a heading (2 when none was one); what went before the first part on
/// its line ("Chapter 1.") stays a line of text.
pub(super) fn join_title(md: &str, parts: &[String]) -> String {
    let Some(first) = parts.first() else {
        return md.to_string();
    };
    let lines: Vec<&str> = md.lines().collect();
    // A line's heading level and its words without marks.
    let read = |line: &str| {
        let hashes = line.len() - line.trim_start_matches('#').len();
        let level =
            ((1..=6).contains(&hashes) && line[hashes..].starts_with(' ')).then_some(hashes);
        let text = line[level.unwrap_or(0)..]
            .replace("<u>", "")
            .replace("</u>", "")
            .replace(['*', '_'], "");
        (level, spaced(&text))
    };
    let full = parts.join(" ");
    for (i, line) in lines.iter().enumerate() {
        let (level_a, text) = read(line);
        // The line ends in the title's start, its first part at least; the
        // lines under it hold the rest, however the markdown broke them
        // ("BUILDING TECHNICAL INFORMATION BASED ON" over "PRACTICAL
        // EXPERIENCE").
        let start = text
            .match_indices(first.as_str())
            .map(|(p, _)| p)
            .find(|&p| (p == 0 || text[..p].ends_with(' ')) && full.starts_with(&text[p..]));
        let Some(start) = start else {
            continue;
        };
        let before = &text[..start];
        let mut held = text[start..].to_string();
        let mut level = level_a;
        let mut j = i;
        while held.len() < full.len() {
            let Some(k) = (j + 1..lines.len()).find(|&k| !lines[k].trim().is_empty()) else {
                break;
            };
            let (level_k, next) = read(lines[k]);
            held = format!("{held} {next}");
            level = level.or(level_k);
            j = k;
            if !full.starts_with(&held) {
                break;
            }
        }
        if held != full || (j == i && parts.len() > 1) {
            continue;
        }
        let mut out: Vec<String> = lines[..i].iter().map(|l| l.to_string()).collect();
        if !before.trim().is_empty() {
            out.push(before.trim().to_string());
            out.push(String::new());
        }
        out.push(format!(
            "{} {}",
            "#".repeat(level.unwrap_or(2)),
            parts.join(" ")
        ));
        out.extend(lines[j + 1..].iter().map(|l| l.to_string()));
        return out.join("\n");
    }
    md.to_string()
}
