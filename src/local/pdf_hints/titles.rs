//! Titles set over two lines: found in the positioned lines, joined in the
//! page's markdown.

use pdf_inspector::extractor::TextLine;
use pdf_inspector::TextItem;

use super::{spaced, BodyStyle};

/// A title's lines are set this much larger than the body at least.
const TITLE_SIZE: f32 = 1.5;

/// Titles set over two lines, left-aligned, in one face of about one size
/// (the second at least 85 % of the first), a line apart, the first ending
/// no sentence or clause: ("Row and Column Access Control", "Support in IBM
/// DB2 for i") at 33 and 30 pt. pdf-inspector levels headings by size, so
/// such a title comes out as a heading over a subheading; and a small label
/// on the title's baseline ("Chapter 1." at 7 pt beside "Securing and
/// protecting IBM DB2" at 26 pt, "data" below) makes it no heading at all.
/// Each line is read without the runs set much smaller than its largest.
pub(super) fn two_line_titles(lines: &[&TextLine], body: &BodyStyle) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for pair in lines.windows(2) {
        let (Some(a), Some(b)) = (title_part(pair[0]), title_part(pair[1])) else {
            continue;
        };
        let large = b.size >= body.size * TITLE_SIZE && b.size >= a.size * 0.85 && b.size <= a.size;
        let close = pair[0].y - pair[1].y < a.size * 1.6;
        let ends_clause = a.text.ends_with(['.', ':', ';', '!', '?']);
        if a.font == b.font && large && close && (a.x - b.x).abs() < 2.0 && !ends_clause {
            out.push((a.text, b.text));
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

/// `md` with the line ending in `first` and the line `second` right under
/// it made one heading, at the level either had as a heading (2 when
/// neither was one); what went before `first` on its line ("Chapter 1.")
/// stays a line of text.
pub(super) fn join_title(md: &str, first: &str, second: &str) -> String {
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
    for (i, line) in lines.iter().enumerate() {
        let (level_a, text) = read(line);
        let Some(before) = text.strip_suffix(first) else {
            continue;
        };
        if !(before.is_empty() || before.ends_with(' ')) {
            continue;
        }
        let Some(j) = (i + 1..lines.len()).find(|&j| !lines[j].trim().is_empty()) else {
            break;
        };
        let (level_b, next) = read(lines[j]);
        if next != second {
            continue;
        }
        let level = level_a.or(level_b).unwrap_or(2);
        let mut out: Vec<String> = lines[..i].iter().map(|l| l.to_string()).collect();
        if !before.trim().is_empty() {
            out.push(before.trim().to_string());
            out.push(String::new());
        }
        out.push(format!("{} {first} {second}", "#".repeat(level)));
        out.extend(lines[j + 1..].iter().map(|l| l.to_string()));
        return out.join("\n");
    }
    md.to_string()
}
