//! What pdf-inspector's page markdown misses, found in the positioned text and
//! applied to that markdown:
//!
//! - **Section headings set in the body size.** pdf-inspector marks headings by
//!   font-size ratios and by a bold flag read from the font's name, flags or
//!   weight. Journal articles often set "1. Introduction" in the body size, in a
//!   face whose name says nothing ("AdvPS6F01"), so it runs into the paragraph.
//!   Here a line is a heading when its face differs from the body's, it is no
//!   smaller than the body, it stands alone (the line below is in another face
//!   or a gap away), and it is shaped like a title: short, no sentence
//!   punctuation at the end, numbered ("2.1. …") or starting with a capital.
//! - **Running headers and footers.** The top or bottom line of a page whose
//!   text, digits aside, is the top or bottom line of most pages ("254 P.N.J.
//!   Lane et al. / Journal of Hydrology …"). They are taken out of the markdown
//!   and kept, typed, in `parse`'s JSON.
//!
//! pdf-inspector has both rules inside (`strip_headers_footers`, its bold-based
//! heading sequence), but its per-page API turns the first off and gives no hook
//! for the second; the positioned text it exposes is read a second time here.

use std::collections::{HashMap, HashSet};

use pdf_inspector::extractor::{ItemType, TextLine};
use pdf_inspector::TextItem;

/// A heading found on a page: its text as the page shows it, and its level
/// (2 for "1." and for unnumbered ones, 3 for "2.1.", up to 6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub text: String,
    pub level: u8,
}

/// Running text at a page's top or bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Furniture {
    pub text: String,
    /// `true` for a header (top of the page), `false` for a footer.
    pub top: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageHints {
    pub headings: Vec<Heading>,
    pub furniture: Vec<Furniture>,
}

/// A page's running text is furniture when it repeats on at least this share
/// of the pages (and on three pages at least).
const FURNITURE_SHARE: f32 = 0.5;
/// Longest heading, in characters and in words.
const MAX_HEADING_CHARS: usize = 90;
const MAX_HEADING_WORDS: usize = 12;

/// The hints of every page (1-based) of a document whose positioned text is
/// `items`, `page_count` pages long.
pub fn analyse(items: Vec<TextItem>, page_count: u32) -> HashMap<u32, PageHints> {
    let text_items: Vec<TextItem> = items
        .into_iter()
        .filter(|i| matches!(i.item_type, ItemType::Text) && !i.text.trim().is_empty())
        .collect();
    let Some(body) = body_style(&text_items) else {
        return HashMap::new();
    };
    let lines = pdf_inspector::extractor::group_into_lines(text_items);
    let mut by_page: HashMap<u32, Vec<&TextLine>> = HashMap::new();
    for line in &lines {
        by_page.entry(line.page).or_default().push(line);
    }
    for page in by_page.values_mut() {
        // Top of the page first (PDF y grows upward).
        page.sort_by(|a, b| b.y.total_cmp(&a.y));
    }
    let mut hints: HashMap<u32, PageHints> = HashMap::new();
    for (top, furniture) in furniture(&by_page, page_count) {
        for (page, text) in furniture {
            hints
                .entry(page)
                .or_default()
                .furniture
                .push(Furniture { text, top });
        }
    }
    let furniture_text: HashSet<(u32, String)> = hints
        .iter()
        .flat_map(|(p, h)| h.furniture.iter().map(|f| (*p, f.text.clone())))
        .collect();
    for (page, page_lines) in &by_page {
        for (i, line) in page_lines.iter().enumerate() {
            let Some(heading) = heading(line, page_lines, i, &body) else {
                continue;
            };
            if furniture_text.contains(&(*page, heading.text.clone())) {
                continue;
            }
            hints.entry(*page).or_default().headings.push(heading);
        }
    }
    hints
}

/// The body's face and size: those of the most characters.
struct BodyStyle {
    font: String,
    size: f32,
}

fn body_style(items: &[TextItem]) -> Option<BodyStyle> {
    let mut fonts: HashMap<&str, usize> = HashMap::new();
    let mut sizes: HashMap<i32, usize> = HashMap::new();
    for item in items {
        let n = item.text.chars().filter(|c| !c.is_whitespace()).count();
        *fonts.entry(item.font.as_str()).or_default() += n;
        *sizes
            .entry((item.font_size * 10.0).round() as i32)
            .or_default() += n;
    }
    let font = fonts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(a.0)))?
        .0
        .to_string();
    let size = sizes
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)))?
        .0 as f32
        / 10.0;
    Some(BodyStyle { font, size })
}

/// Digits and spacing aside, so "254 … 253–265" and "… 253–265 255" compare equal.
fn furniture_key(text: &str) -> String {
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

/// For the top lines and then the bottom lines: the (page, text) of each page's
/// edge line whose key repeats on enough pages.
fn furniture(
    by_page: &HashMap<u32, Vec<&TextLine>>,
    page_count: u32,
) -> Vec<(bool, Vec<(u32, String)>)> {
    let needed = ((page_count as f32 * FURNITURE_SHARE).ceil() as usize).max(3);
    let mut out = Vec::new();
    for top in [true, false] {
        let edges: Vec<(u32, String)> = by_page
            .iter()
            .filter_map(|(page, lines)| {
                let line = if top { lines.first() } else { lines.last() }?;
                Some((*page, line.text().trim().to_string()))
            })
            .collect();
        let mut counts: HashMap<String, usize> = HashMap::new();
        for (_, text) in &edges {
            let key = furniture_key(text);
            if key.chars().filter(|c| c.is_alphabetic()).count() >= 3 {
                *counts.entry(key).or_default() += 1;
            }
        }
        let mut found: Vec<(u32, String)> = edges
            .into_iter()
            .filter(|(_, text)| {
                counts
                    .get(&furniture_key(text))
                    .is_some_and(|n| *n >= needed)
            })
            .collect();
        found.sort();
        out.push((top, found));
    }
    out
}

/// The face most of the line's characters are set in.
fn dominant_font(line: &TextLine) -> Option<(&str, f32, f32)> {
    let mut fonts: HashMap<&str, usize> = HashMap::new();
    let mut total = 0;
    for item in &line.items {
        let n = item.text.chars().filter(|c| !c.is_whitespace()).count();
        *fonts.entry(item.font.as_str()).or_default() += n;
        total += n;
    }
    let (font, n) = fonts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))?;
    let size = line
        .items
        .iter()
        .filter(|i| i.font == font)
        .map(|i| i.font_size)
        .fold(0.0f32, f32::max);
    Some((font, n as f32 / total.max(1) as f32, size))
}

fn heading(line: &TextLine, page: &[&TextLine], i: usize, body: &BodyStyle) -> Option<Heading> {
    let (font, share, size) = dominant_font(line)?;
    let bold = line
        .items
        .iter()
        .any(|i| i.is_bold || i.font_weight.is_some_and(|w| w >= 600));
    if share < 0.95 || (font == body.font && !bold) || size < body.size * 0.85 {
        return None;
    }
    let text = line.text().split_whitespace().collect::<Vec<_>>().join(" ");
    let level = title_shape(&text)?;
    // It stands alone: the next line down in the same column is in another
    // face, or far enough below to start a new block.
    let x = line.items.first()?.x;
    let below = page[i + 1..].iter().find(|l| {
        l.items
            .first()
            .is_some_and(|f| (f.x - x).abs() < body.size * 15.0)
    });
    if let Some(next) = below {
        let same_face = dominant_font(next).is_some_and(|(f, _, _)| f == font);
        let gap = line.y - next.y;
        if same_face && gap < size * 1.6 {
            return None;
        }
    }
    Some(Heading { text, level })
}

/// The heading level when `text` is shaped like a title, else `None`.
fn title_shape(text: &str) -> Option<u8> {
    if text.is_empty()
        || text.chars().count() > MAX_HEADING_CHARS
        || text.split_whitespace().count() > MAX_HEADING_WORDS
        || text.contains('<')
        || text.contains(';')
        || text.ends_with(['.', ',', ':', ';', '-'])
    {
        return None;
    }
    let mut words = text.split_whitespace();
    let first = words.next()?;
    let (depth, title_start) = match numbering_depth(first) {
        Some(depth) => (depth, words.next()?),
        None => (0, first),
    };
    let word_like = title_start
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '-' | '\'' | '’' | '—'));
    if !title_start.chars().next()?.is_uppercase() || !word_like {
        return None;
    }
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    let visible = text.chars().filter(|c| !c.is_whitespace()).count();
    let long_word = text
        .split_whitespace()
        .any(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 3);
    if letters * 2 < visible || !long_word {
        return None;
    }
    Some((1 + depth).clamp(2, 6) as u8)
}

/// "1." "2.1." "2.1" "IV." → the number of levels; anything else → `None`.
fn numbering_depth(token: &str) -> Option<usize> {
    let t = token.strip_suffix('.').unwrap_or(token);
    if t.is_empty() {
        return None;
    }
    let parts: Vec<&str> = t.split('.').collect();
    if parts
        .iter()
        .all(|p| !p.is_empty() && p.len() <= 3 && p.chars().all(|c| c.is_ascii_digit()))
    {
        return Some(parts.len());
    }
    let roman = token.ends_with('.')
        && t.len() <= 5
        && t.chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L'));
    roman.then_some(1)
}

/// The page's markdown with its hints applied: furniture taken out, headings
/// made heading lines (split from the paragraph they ran into). Returns the
/// markdown and the furniture actually found in it.
pub fn apply(markdown: &str, hints: &PageHints) -> (String, Vec<Furniture>) {
    let mut md = markdown.to_string();
    let mut removed = Vec::new();
    for f in &hints.furniture {
        let found = if f.top {
            find_words(&md, &f.text, false)
        } else {
            find_words(&md, &f.text, true)
        };
        if let Some((s, e)) = found {
            md.replace_range(s..e, "");
            removed.push(f.clone());
        }
    }
    for h in &hints.headings {
        md = mark_heading(&md, h);
    }
    (tidy(&md), removed)
}

/// Where `needle`'s words occur in `hay` separated by any whitespace: the
/// first occurrence, or the last with `last`.
fn find_words(hay: &str, needle: &str, last: bool) -> Option<(usize, usize)> {
    let words: Vec<&str> = needle.split_whitespace().collect();
    let first = *words.first()?;
    let mut found = None;
    for (start, _) in hay.match_indices(first) {
        let mut pos = start + first.len();
        let mut ok = true;
        for w in &words[1..] {
            let rest = &hay[pos..];
            let trimmed = rest.trim_start();
            if trimmed.len() == rest.len() || !trimmed.starts_with(w) {
                ok = false;
                break;
            }
            pos += rest.len() - trimmed.len() + w.len();
        }
        if ok {
            found = Some((start, pos));
            if !last {
                break;
            }
        }
    }
    found
}

/// `h` made a heading line where its text starts a line or a sentence and is
/// not yet a heading or inside a table.
fn mark_heading(md: &str, h: &Heading) -> String {
    let mut from = 0;
    while let Some((s, e)) = find_words(&md[from..], &h.text, false) {
        let (s, e) = (from + s, from + e);
        from = e;
        let line_start = md[..s].rfind('\n').map_or(0, |i| i + 1);
        let before = &md[line_start..s];
        let lead = before.trim();
        if lead.starts_with('#') || lead.starts_with('|') || md[line_start..].starts_with('|') {
            continue;
        }
        // Emphasis the renderer put around it goes with it.
        let (mut s, mut e) = (s, e);
        for mark in ["**", "*", "_"] {
            if md[..s].ends_with(mark) && md[e..].starts_with(mark) {
                s -= mark.len();
                e += mark.len();
                break;
            }
        }
        let before = md[line_start..s].trim_end();
        let starts_line = before.is_empty();
        let starts_sentence = before.ends_with(['.', '!', '?', ')']);
        let after = &md[e..];
        let ends_word = after.is_empty() || after.starts_with(char::is_whitespace);
        if !(starts_line || starts_sentence) || !ends_word {
            continue;
        }
        let mut out = String::with_capacity(md.len() + 16);
        out.push_str(md[..s].trim_end_matches([' ', '\t']));
        if !starts_line {
            out.push('\n');
        }
        if !out.is_empty() && !out.ends_with("\n\n") {
            out.push_str(if out.ends_with('\n') { "\n" } else { "\n\n" });
        }
        out.push_str(&"#".repeat(h.level as usize));
        out.push(' ');
        out.push_str(&h.text);
        out.push_str("\n\n");
        out.push_str(after.trim_start_matches([' ', '\t', '\n']));
        return out;
    }
    md.to_string()
}

/// At most one blank line in a row, none at the ends.
fn tidy(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    let mut blank = 0;
    for line in md.lines() {
        if line.trim().is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_shapes() {
        assert_eq!(title_shape("1. Introduction"), Some(2));
        assert_eq!(title_shape("2.1. Characterisation of flow regime"), Some(3));
        assert_eq!(title_shape("Acknowledgements"), Some(2));
        assert_eq!(title_shape("IV. Results"), Some(2));
        for not in [
            "aCY becomes the number of zero flow days when the",
            "E Z 1:0 K P",
            "Y) for each flow percentile from baseline flows (given",
            "Keywords: Afforestation; Flow duration curves",
            "It ended here.",
            "2001). Once annual rainfall exceeds",
        ] {
            assert_eq!(title_shape(not), None, "{not}");
        }
    }

    #[test]
    fn a_heading_is_split_from_the_paragraph_it_ran_into() {
        let h = Heading {
            text: "1. Introduction".into(),
            level: 2,
        };
        let md = "Intro text.\n\n1. Introduction Widespread afforestation through\nplantation.";
        assert_eq!(
            mark_heading(md, &h),
            "Intro text.\n\n## 1. Introduction\n\nWidespread afforestation through\nplantation."
        );
        // After a sentence on the same line, and in bold.
        let md = "land use. **1. Introduction** Widespread";
        assert_eq!(
            mark_heading(md, &h),
            "land use.\n\n## 1. Introduction\n\nWidespread"
        );
        // Not mid-sentence, not in a table, not twice.
        for md in [
            "see Section 1. Introduction for more",
            "|1. Introduction|x|",
            "## 1. Introduction",
        ] {
            assert_eq!(mark_heading(md, &h), md);
        }
    }

    #[test]
    fn furniture_is_taken_out_once_at_its_edge() {
        let hints = PageHints {
            headings: vec![],
            furniture: vec![Furniture {
                text: "254 P.N.J. Lane et al. / Journal 310".into(),
                top: true,
            }],
        };
        let md = "254 P.N.J. Lane  et al. / Journal 310\n\nBody text.";
        let (out, removed) = apply(md, &hints);
        assert_eq!(out, "Body text.");
        assert_eq!(removed.len(), 1);
        assert_eq!(
            furniture_key("254 P.N.J. Lane et al."),
            furniture_key("P.N.J. Lane et al. 255")
        );
    }
}
