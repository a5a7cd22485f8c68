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
//!   text is the top or bottom line of most pages, with at most a page number
//!   changing ("254 P.N.J. Lane et al. / Journal of Hydrology 310 (2005)
//!   253–265"; the number follows the page index). A line whose other numbers
//!   change is content, and so is anything set larger than the body or alone
//!   on a short page. They are taken out of the markdown (or, kept, made a
//!   paragraph of their own) and typed `header`/`footer` in `parse`'s JSON.
//! - **Lines that are no heading, whatever their face** (`edges.rs`).
//!   pdf-inspector marks a line set bold or large as a heading wherever it
//!   stands. A line that opens or closes three pages or more with the same
//!   words (digits aside) is running text even where it repeats on too few
//!   pages to be taken out (a report's title over its body pages, not over
//!   its appendix); one set larger than the body keeps its first showing (a
//!   form's title, printed on each page). A line alone at a page's foot,
//!   three of its sizes below the text above with no picture reaching below
//!   it, is a footer ("Global Study on Legal Aid — Global Report" under a
//!   one-page excerpt). Both stay in the text, as lines.
//! - **Titles set over two lines** (`titles.rs`): one heading, not a heading
//!   over a subheading, nor no heading when a small label shares the first
//!   line's baseline.
//!
//! pdf-inspector has the first two rules inside (`strip_headers_footers`, its
//! bold-based heading sequence), but its per-page API turns the first off and
//! gives no hook for the second; the positioned text it exposes is read a
//! second time here.

use std::collections::{HashMap, HashSet};

use pdf_inspector::extractor::{ItemType, TextLine};
use pdf_inspector::TextItem;

mod edges;
mod titles;

use edges::{furniture, page_foot, running_lines};
use titles::{join_title, two_line_titles};

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
    /// Text of lines that are not headings (running lines, a page's foot).
    pub plain: Vec<String>,
    /// A title set over two lines or more: each line's text.
    pub titles: Vec<Vec<String>>,
}

impl PageHints {
    /// The page's headings, its titles set over several lines among them
    /// (joined), for a page whose text is rebuilt from its segments.
    pub fn all_headings(&self) -> Vec<Heading> {
        let titles = self.titles.iter().map(|parts| Heading {
            text: parts.join(" "),
            level: 2,
        });
        self.headings.iter().cloned().chain(titles).collect()
    }
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
    // The bottom edge of each picture, by page.
    let mut pictures: HashMap<u32, Vec<f32>> = HashMap::new();
    for i in items
        .iter()
        .filter(|i| matches!(i.item_type, ItemType::Image))
    {
        pictures.entry(i.page).or_default().push(i.y);
    }
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
    for (top, furniture) in furniture(&by_page, page_count, &body) {
        for (page, text) in furniture {
            hints
                .entry(page)
                .or_default()
                .furniture
                .push(Furniture { text, top });
        }
    }
    for (page, text) in running_lines(&by_page, &body) {
        hints.entry(page).or_default().plain.push(text);
    }
    for (page, page_lines) in &by_page {
        let no_pictures = Vec::new();
        let foot = page_foot(
            page_lines,
            pictures.get(page).unwrap_or(&no_pictures),
            &body,
        );
        hints.entry(*page).or_default().plain.extend(foot);
    }
    for (page, page_lines) in &by_page {
        let titles = two_line_titles(page_lines, &body);
        if !titles.is_empty() {
            hints.entry(*page).or_default().titles = titles;
        }
    }
    let not_headings: HashSet<(u32, String)> = hints
        .iter()
        .flat_map(|(p, h)| {
            let furniture = h.furniture.iter().map(|f| f.text.as_str());
            furniture
                .chain(h.plain.iter().map(String::as_str))
                .map(|t| (*p, spaced(t)))
        })
        .collect();
    for (page, page_lines) in &by_page {
        for (i, line) in page_lines.iter().enumerate() {
            let Some(heading) = heading(line, page_lines, i, &body) else {
                continue;
            };
            if not_headings.contains(&(*page, heading.text.clone())) {
                continue;
            }
            hints.entry(*page).or_default().headings.push(heading);
        }
        if let Some(number) = chapter_number(page_lines, &body) {
            hints.entry(*page).or_default().headings.insert(0, number);
        }
    }
    hints
}

/// A chapter's number set this many times the body's size at least.
const CHAPTER_NUMBER_SIZE: f32 = 2.5;

/// A chapter opener's number set alone and very large ("1" at 40 pt) over
/// the chapter's title (set large too, further down): a heading of its own,
/// as layout models read it. A number over no title (a statistic set
/// large, a page number) is none.
fn chapter_number(page: &[&TextLine], body: &BodyStyle) -> Option<Heading> {
    let size = |l: &TextLine| l.items.iter().map(|i| i.font_size).fold(0.0, f32::max);
    let (i, line) = page.iter().enumerate().find(|(_, l)| {
        let text = l.text();
        let text = text.trim();
        (1..=2).contains(&text.len())
            && text.chars().all(|c| c.is_ascii_digit())
            && size(l) >= body.size * CHAPTER_NUMBER_SIZE
    })?;
    let title = page[i + 1..]
        .iter()
        .any(|l| size(l) >= body.size * 2.0 && l.text().chars().any(char::is_alphabetic));
    title.then(|| Heading {
        text: line.text().trim().to_string(),
        level: 2,
    })
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

/// Words parted by single spaces.
fn spaced(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
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
    // Nor is it the last line of a block set in its face and size
    // ("INTERNATIONAL" / "TECHNICAL" / "SUPPORT" / "ORGANIZATION" on a
    // back cover): a title over several lines is one heading or none
    // (`titles.rs` joins two).
    let above = page[..i].iter().rev().find(|l| {
        l.items
            .first()
            .is_some_and(|f| (f.x - x).abs() < body.size * 15.0)
    });
    if let Some(prev) = above {
        let same = dominant_font(prev)
            .is_some_and(|(f, _, s)| f == font && (s - size).abs() <= size * 0.05);
        if same && prev.y - line.y < size * 1.6 {
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
    // Quotes and corner brackets may wrap a title's first word ("「약관규제법」에").
    let word_like = title_start.chars().all(|c| {
        c.is_alphanumeric()
            || matches!(
                c,
                '-' | '\'' | '’' | '—' | '「' | '」' | '『' | '』' | '“' | '”'
            )
    });
    let opening = title_start.chars().find(|c| c.is_alphanumeric())?;
    // A capital; in a script without case (Hangul, Han, kana), where no
    // capital tells a title from a line of running text, a section number
    // of one level ("4", "(1)") instead.
    let caseless = opening.is_alphabetic() && !opening.is_lowercase() && !opening.is_uppercase();
    let capital =
        opening.is_uppercase() || (caseless && matches!(depth, 1 | 2) && !first.contains('.'));
    if !capital || !word_like {
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

/// "1." "2.1." "2.1" "IV." → the number of levels, "(1)" two; anything else
/// → `None`.
fn numbering_depth(token: &str) -> Option<usize> {
    let inner = token.strip_prefix('(').and_then(|t| t.strip_suffix(')'));
    if inner.is_some_and(|n| (1..=2).contains(&n.len()) && n.chars().all(|c| c.is_ascii_digit())) {
        return Some(2);
    }
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

/// The page's markdown with its hints applied: furniture taken out (with
/// `keep`, made a paragraph of its own at the page's top or bottom instead),
/// headings made heading lines (split from the paragraph they ran into).
/// Returns the markdown and the furniture actually found in it.
pub fn apply(markdown: &str, hints: &PageHints, keep: bool) -> (String, Vec<Furniture>) {
    let mut md = markdown.to_string();
    let mut removed = Vec::new();
    for f in &hints.furniture {
        if let Some((s, e)) = find_words(&md, &f.text, !f.top) {
            md.replace_range(s..e, "");
            removed.push(f.clone());
        }
    }
    for h in &hints.headings {
        md = mark_heading(&md, h);
    }
    if !hints.plain.is_empty() {
        md = unmark(&md, &hints.plain);
    }
    for parts in &hints.titles {
        md = join_title(&md, parts);
    }
    let mut md = tidy(&md);
    if keep {
        for f in removed.iter().filter(|f| f.top).rev() {
            md = format!("{}\n\n{md}", f.text);
        }
        for f in removed.iter().filter(|f| !f.top) {
            md = format!("{md}\n\n{}", f.text);
        }
        md = tidy(&md);
    }
    (md, removed)
}

/// `md` with its heading lines whose words are those of one of `plain`
/// made lines of text.
fn unmark(md: &str, plain: &[String]) -> String {
    let plain: HashSet<String> = plain.iter().map(|p| spaced(p)).collect();
    let lines: Vec<&str> = md
        .lines()
        .map(|line| {
            let hashes = line.len() - line.trim_start_matches('#').len();
            if !(1..=6).contains(&hashes) || !line[hashes..].starts_with(' ') {
                return line;
            }
            let text = line[hashes..].trim();
            let bare = text.replace("<u>", "").replace("</u>", "");
            let bare = spaced(bare.trim_matches(['*', '_']));
            if plain.contains(&bare) {
                text
            } else {
                line
            }
        })
        .collect();
    lines.join("\n")
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
        for (open, close) in [("**", "**"), ("*", "*"), ("_", "_"), ("<u>", "</u>")] {
            if md[..s].ends_with(open) && md[e..].starts_with(close) {
                s -= open.len();
                e += close.len();
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

/// At most one blank line in a row, none at the ends, no heading without text
/// (what is left of a heading whose words were running text).
pub fn tidy(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    let mut blank = 0;
    for line in md.lines() {
        let bare = line.trim();
        if bare.is_empty()
            || (bare.starts_with('#') && bare.trim_start_matches('#').trim().is_empty())
        {
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
        // Scripts without case, a title opening on a corner bracket, "(1)".
        assert_eq!(title_shape("4 개선과제"), Some(2));
        assert_eq!(
            title_shape("(1) 「약관규제법」에 따른 보험금 지급 검토 필요"),
            Some(3)
        );
        assert_eq!(title_shape("(1) the first item of a list"), None);
        assert_eq!(
            title_shape("3.11. 코로나-19가 세계적 유행(Pandemic) 단계"),
            None
        );
        assert_eq!(
            title_shape("한편 코로나-19가 전 세계적 유행단계에 돌입한"),
            None
        );
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
        // Underlined, the underline goes with it.
        let one = Heading {
            text: "1".into(),
            level: 2,
        };
        assert_eq!(
            mark_heading("<u>1</u>\n\nChapter 1.", &one),
            "## 1\n\nChapter 1."
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

    /// The markdown of `pages`, generated, as `local` gives it.
    fn markdown(pages: &[crate::split::pdfgen::Page]) -> Vec<String> {
        let pdf = crate::split::pdfgen::pages_pdf(pages);
        let settings = crate::local::Settings::default();
        crate::local::pdf::extract_bytes(&pdf, "gen.pdf", &settings)
            .unwrap()
            .pages
    }

    /// Body lines of 10 pt from `top` down, 14 pt apart.
    fn body(top: i64, n: i64) -> Vec<(i64, i64, i64, &'static str)> {
        let line = "The committee met and agreed on the figures of the year in full.";
        (0..n).map(|k| (10, 72, top - 14 * k, line)).collect()
    }

    #[test]
    fn a_bold_line_alone_at_a_page_s_foot_is_a_footer_not_a_heading() {
        use crate::split::pdfgen::Page;
        let mut runs = vec![(16, 72, 760, "*Legal Aid Survey Results")];
        runs.extend(body(730, 20));
        runs.push((10, 200, 30, "*Global Study on Legal Aid Global Report"));
        let md = markdown(&[Page::At(runs.clone())]).join("\n");
        assert!(md.contains("# Legal Aid Survey Results"), "{md}");
        assert!(
            md.lines()
                .any(|l| l == "Global Study on Legal Aid Global Report"),
            "{md}"
        );
        // Set larger, it is a divider page's title; with text close above,
        // a heading at the page's end.
        let divider = vec![
            (10, 72, 760, "A report of the committee"),
            (10, 72, 746, "on the year in full"),
            (10, 72, 732, "and its figures"),
            (28, 140, 300, "*Appendix One"),
        ];
        let mut close = body(730, 20);
        close.push((10, 72, 730 - 14 * 20 - 8, "*Results of the Year"));
        for page in [divider, close] {
            let md = markdown(&[Page::At(page)]).join("\n");
            assert!(
                md.contains("# Appendix One") || md.contains("# Results of the Year"),
                "{md}"
            );
        }
    }

    #[test]
    fn a_line_that_opens_three_pages_is_running_text_not_a_heading() {
        use crate::split::pdfgen::Page;
        // Three pages of eight: too few to take it out as a running header.
        let headed = || {
            let mut runs = vec![(9, 300, 800, "*Transport Plan of the Town of Chelsea")];
            runs.extend(body(760, 12));
            Page::At(runs)
        };
        let plain = || Page::At(body(760, 12));
        let pages = [
            headed(),
            headed(),
            headed(),
            plain(),
            plain(),
            plain(),
            plain(),
            plain(),
        ];
        let md = markdown(&pages);
        for page in &md[..3] {
            let line = page
                .lines()
                .find(|l| l.contains("Transport Plan of the Town of Chelsea"));
            assert!(line.is_some_and(|l| !l.starts_with('#')), "{page}");
        }
    }

    /// A back cover's imprint set over four lines in one bold face: its
    /// last line, alone above a gap, is no heading of its own (the hints'
    /// headings; pdf-inspector's own marks aside).
    #[test]
    fn the_last_line_of_a_block_in_one_face_is_no_heading() {
        use crate::split::pdfgen::Page;
        let headings = |runs: Vec<(i64, i64, i64, &'static str)>| -> Vec<String> {
            let pdf = crate::split::pdfgen::pages_pdf(&[Page::At(runs)]);
            let (_, positions) =
                pdf_inspector::extract_pages_markdown_positions_and_rules_mem(&pdf, None).unwrap();
            let hints = analyse(positions.items, 1);
            let page = hints.get(&1).cloned().unwrap_or_default();
            page.headings.into_iter().map(|h| h.text).collect()
        };
        let mut block = vec![
            (12, 72, 760, "*INTERNATIONAL"),
            (12, 72, 746, "*TECHNICAL"),
            (12, 72, 732, "*SUPPORT"),
            (12, 72, 718, "*ORGANIZATION"),
        ];
        block.extend(body(680, 12));
        assert_eq!(headings(block), Vec::<String>::new());
        // Alone, it is one.
        let mut alone = vec![(12, 72, 718, "*ORGANIZATION")];
        alone.extend(body(680, 12));
        assert_eq!(headings(alone), ["ORGANIZATION"]);
    }

    #[test]
    fn a_title_set_over_two_lines_is_one_heading() {
        use crate::split::pdfgen::Page;
        let mut runs = vec![
            (33, 27, 760, "*Row and Column Access Control"),
            (30, 27, 722, "*Support in IBM DB2 for i"),
        ];
        runs.extend(body(680, 12));
        let md = markdown(&[Page::At(runs)]).join("\n");
        let headings: Vec<&str> = md.lines().filter(|l| l.starts_with('#')).collect();
        assert_eq!(
            headings
                .iter()
                .map(|h| h.trim_start_matches('#').trim())
                .collect::<Vec<_>>(),
            ["Row and Column Access Control Support in IBM DB2 for i"],
            "{md}"
        );
        // A chapter's label set small on the title's first line stays text.
        let mut runs = vec![
            (7, 81, 518, "*Chapter 1."),
            (26, 137, 518, "*Securing and protecting IBM DB2"),
            (26, 137, 487, "*data"),
        ];
        runs.extend(body(440, 12));
        let md = markdown(&[Page::At(runs)]).join("\n");
        assert!(
            md.contains("Chapter 1.\n\n## Securing and protecting IBM DB2 data\n"),
            "{md}"
        );
        // A title over a smaller subtitle, and a line ending a clause, stay
        // apart.
        for (second, size) in [
            ("*A Guide for Database Engineers", 20),
            ("*Support in IBM DB2 for i", 30),
        ] {
            let first = if size == 20 {
                "*Row and Column Access Control"
            } else {
                "*Row and Column Access Control:"
            };
            let mut runs = vec![(33, 27, 760, first), (size, 27, 722, second)];
            runs.extend(body(680, 12));
            let md = markdown(&[Page::At(runs)]).join("\n");
            assert!(
                md.lines().filter(|l| l.starts_with('#')).count() == 2,
                "{md}"
            );
        }
    }

    /// A bold title over three lines in about the body's size, heading a
    /// paragraph in the body's face, is one heading; the same block over
    /// more bold lines is a label, and stays text.
    #[test]
    fn a_bold_title_over_three_lines_is_one_heading() {
        use crate::split::pdfgen::Page;
        let title = [
            (12, 72, 530, "*BUILDING TECHNICAL"),
            (12, 72, 518, "*INFORMATION BASED ON"),
            (12, 72, 506, "*PRACTICAL EXPERIENCE"),
        ];
        let mut runs = body(760, 15);
        runs.extend(title);
        runs.extend(body(483, 10));
        let md = markdown(&[Page::At(runs)]).join("\n");
        let joined = "BUILDING TECHNICAL INFORMATION BASED ON PRACTICAL EXPERIENCE";
        assert!(
            md.lines()
                .any(|l| l.starts_with('#') && l.trim_start_matches('#').trim() == joined),
            "{md}"
        );
        let mut runs = body(760, 15);
        runs.extend(title);
        runs.push((14, 72, 480, "*INTERNATIONAL SUPPORT"));
        runs.extend(body(450, 10));
        let md = markdown(&[Page::At(runs)]).join("\n");
        assert!(
            !md.lines()
                .any(|l| l.trim_start_matches('#').trim() == joined),
            "{md}"
        );
    }

    #[test]
    fn a_title_over_lines_is_among_the_headings_of_a_rebuilt_page() {
        let hints = PageHints {
            headings: vec![Heading {
                text: "Preface".into(),
                level: 2,
            }],
            titles: vec![vec!["BUILDING TECHNICAL".into(), "INFORMATION".into()]],
            ..PageHints::default()
        };
        let texts: Vec<String> = hints.all_headings().into_iter().map(|h| h.text).collect();
        assert_eq!(texts, ["Preface", "BUILDING TECHNICAL INFORMATION"]);
    }

    /// A chapter opener's number, set alone and very large over the
    /// chapter's title, is a heading of its own; set over body text only
    /// (a figure shown large), it is none.
    #[test]
    fn a_chapter_s_large_number_over_its_title_is_a_heading() {
        use crate::split::pdfgen::Page;
        let mut runs = vec![
            (40, 500, 700, "*1"),
            (26, 137, 560, "*Securing and protecting data"),
        ];
        runs.extend(body(500, 12));
        let md = markdown(&[Page::At(runs)]).join("\n");
        assert!(md.lines().any(|l| l == "## 1"), "{md}");
        let mut runs = vec![(40, 500, 700, "*7")];
        runs.extend(body(600, 12));
        let md = markdown(&[Page::At(runs)]).join("\n");
        assert!(!md.lines().any(|l| l.starts_with('#')), "{md}");
    }

    #[test]
    fn a_heading_left_without_text_is_dropped() {
        assert_eq!(tidy("#\n\nBody\n\n## \n\n# Title"), "Body\n\n# Title");
    }

    #[test]
    fn furniture_is_taken_out_once_at_its_edge() {
        let hints = PageHints {
            headings: vec![],
            furniture: vec![Furniture {
                text: "254 P.N.J. Lane et al. / Journal 310".into(),
                top: true,
            }],
            plain: vec![],
            titles: vec![],
        };
        let md = "254 P.N.J. Lane  et al. / Journal 310\n\nBody text.";
        let (out, removed) = apply(md, &hints, false);
        assert_eq!(out, "Body text.");
        assert_eq!(removed.len(), 1);
        assert_eq!(
            edges::furniture_key("254 P.N.J. Lane et al."),
            edges::furniture_key("P.N.J. Lane et al. 255")
        );
    }
}
