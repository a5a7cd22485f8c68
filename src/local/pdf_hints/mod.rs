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
            // A title only its face marks (in a script without capitals)
            // is set once: a label repeated on other pages (a series'
            // name over every other page) is running text.
            let marked_only = title_shape(&heading.text, false).is_none();
            if marked_only && elsewhere(&lines, *page, &heading.text) {
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

/// Whether a line of `lines` off `page` reads `text`.
fn elsewhere(lines: &[TextLine], page: u32, text: &str) -> bool {
    lines
        .iter()
        .any(|l| l.page != page && l.text().split_whitespace().eq(text.split_whitespace()))
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

/// A run set bold: flagged so, or of a weight of 600 or more.
fn bold_item(item: &TextItem) -> bool {
    item.is_bold || item.font_weight.is_some_and(|w| w >= 600)
}

fn heading(line: &TextLine, page: &[&TextLine], i: usize, body: &BodyStyle) -> Option<Heading> {
    let (font, share, size) = dominant_font(line)?;
    let bold = line.items.iter().any(bold_item);
    if share < 0.95 || (font == body.font && !bold) || size < body.size * 0.85 {
        return None;
    }
    let text = line.text().split_whitespace().collect::<Vec<_>>().join(" ");
    // Bold, no smaller than the body, in a face of its own (no other line
    // of the page is set in it): marked as a title even in a script without
    // capitals, where no number says so. A figure's labels share a face.
    let marked = bold
        && font != body.font
        && size >= body.size
        && page
            .iter()
            .enumerate()
            .all(|(k, l)| k == i || dominant_font(l).is_none_or(|(f, _, _)| f != font));
    let level = title_shape(&text, marked)?;
    // It stands alone: the next line down in the same column is in another
    // face, or far enough below to start a new block.
    let x = line.items.first()?.x;
    let below = page[i + 1..].iter().find(|l| {
        l.items
            .first()
            .is_some_and(|f| (f.x - x).abs() < body.size * 15.0)
    });
    if let Some(next) = below {
        // A numbered title over lines of its face at another size opens
        // their section (a section's title at 15 pt over a form's labels
        // at 14 pt); unnumbered, it may be a title set over two lines in
        // two sizes (a cover's).
        let numbered = text
            .split_whitespace()
            .next()
            .is_some_and(|w| numbering_depth(w).is_some());
        let same_face = dominant_font(next)
            .is_some_and(|(f, _, s)| f == font && (!numbered || (s - size).abs() <= size * 0.05));
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

/// The heading level when `text` is shaped like a title, else `None`; a
/// title in a script without case needs a section number, or to be
/// `marked` by its face.
fn title_shape(text: &str, marked: bool) -> Option<u8> {
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
    // of one level ("4", "(1)") instead, or a face that marks it.
    let caseless = opening.is_alphabetic() && !opening.is_lowercase() && !opening.is_uppercase();
    let capital = opening.is_uppercase()
        || (caseless && matches!(depth, 1 | 2) && !first.contains('.'))
        || (caseless && marked && depth == 0);
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

/// "1." "2.1." "2.1" "IV." → the number of levels, "(1)" two, "3-" one and
/// "2-5-" two (Persian and Arabic documents part a section's numbers by
/// hyphens); anything else → `None`.
fn numbering_depth(token: &str) -> Option<usize> {
    if let Some(t) = token.strip_suffix('-') {
        let parts: Vec<&str> = t.split('-').collect();
        let numbers = parts
            .iter()
            .all(|p| (1..=2).contains(&p.len()) && p.chars().all(|c| c.is_ascii_digit()));
        return numbers.then_some(parts.len());
    }
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
            let (s, e) = with_emphasis(&md, s, e);
            md.replace_range(s..e, "");
            removed.push(f.clone());
        }
    }
    for h in &hints.headings {
        md = mark_heading(&md, h, &hints.plain);
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

/// The span `s..e` of `md` widened over the emphasis markers (`*`, `_`)
/// that open right before it and close right after it: furniture set in
/// italics or bold is taken out with its markers, not left as a line of
/// `**`; at a line's start, the spaces after it go too.
fn with_emphasis(md: &str, s: usize, e: usize) -> (usize, usize) {
    let (mut s, mut e) = (s, e);
    while let (Some(open), Some(close)) = (md[..s].chars().next_back(), md[e..].chars().next()) {
        if open != close || !matches!(open, '*' | '_') {
            break;
        }
        s -= open.len_utf8();
        e += close.len_utf8();
    }
    // At a line's start, the space that followed goes too.
    if s == 0 || md[..s].ends_with('\n') {
        e += md[e..].len() - md[e..].trim_start_matches(' ').len();
    }
    (s, e)
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

/// `h` made a heading line where its text starts a line or a sentence, or
/// follows one of the page's `plain` lines run into the paragraph (its
/// foot's "Page 7"), and is not yet a heading or inside a table. A table's
/// first row holding nothing but `h` is the heading over the table, taken
/// out of it.
fn mark_heading(md: &str, h: &Heading, plain: &[String]) -> String {
    let mut from = 0;
    while let Some((s, e)) = find_words(&md[from..], &h.text, false) {
        let (s, e) = (from + s, from + e);
        from = e;
        let line_start = md[..s].rfind('\n').map_or(0, |i| i + 1);
        let before = &md[line_start..s];
        let lead = before.trim();
        if md[line_start..].starts_with('|') {
            if let Some(out) = table_title(md, line_start, h) {
                return out;
            }
            continue;
        }
        if lead.starts_with('#') || lead.starts_with('|') {
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
        let starts_sentence = before.ends_with(['.', '!', '?', ')'])
            || plain
                .iter()
                .any(|p| !p.is_empty() && spaced(before).ends_with(&spaced(p)));
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
        push_heading(&mut out, h);
        out.push_str(after.trim_start_matches([' ', '\t', '\n']));
        return out;
    }
    md.to_string()
}

/// `h` as a markdown heading line of its own after `out`, a blank line
/// before it unless `out` is empty or ends a paragraph already.
fn push_heading(out: &mut String, h: &Heading) {
    if !out.is_empty() && !out.ends_with("\n\n") {
        out.push_str(if out.ends_with('\n') { "\n" } else { "\n\n" });
    }
    out.push_str(&"#".repeat(h.level as usize));
    out.push(' ');
    out.push_str(&h.text);
    out.push_str("\n\n");
}

/// `md` with the table row starting at `row` taken out as heading `h`
/// above the table, when `h` is numbered, the row is the table's first,
/// its one non-empty cell is `h`'s text, and a delimiter row follows (the
/// next row, if any, becomes the header): a section's title set in bold
/// over a grid, which a table reader took for the grid's header. An
/// unnumbered one may be the grid's own title row ("Complete" over a rate
/// table's rows), and stays.
fn table_title(md: &str, row: usize, h: &Heading) -> Option<String> {
    let first = row == 0
        || md[..row - 1]
            .rsplit('\n')
            .next()
            .is_none_or(|l| !l.starts_with('|'));
    let lines: Vec<&str> = md[row..].lines().collect();
    let cells: Vec<&str> = lines
        .first()?
        .trim_matches('|')
        .split('|')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    let delimiter =
        |l: &str| l.starts_with('|') && l.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '));
    let numbered = h
        .text
        .split_whitespace()
        .next()
        .is_some_and(|w| numbering_depth(w).is_some());
    if !numbered
        || !first
        || cells.len() != 1
        || spaced(cells[0]) != spaced(&h.text)
        || !lines.get(1).is_some_and(|l| delimiter(l))
    {
        return None;
    }
    let mut out = md[..row].to_string();
    push_heading(&mut out, h);
    let body: Vec<&str> = lines[2..]
        .iter()
        .take_while(|l| l.starts_with('|'))
        .copied()
        .collect();
    if let Some((head, rest)) = body.split_first() {
        out.push_str(head);
        out.push('\n');
        out.push_str(lines[1]);
        for l in rest {
            out.push('\n');
            out.push_str(l);
        }
    }
    let after: Vec<&str> = lines[2 + body.len()..].to_vec();
    if !after.is_empty() {
        out.push('\n');
        out.push_str(&after.join("\n"));
    }
    if md.ends_with('\n') {
        out.push('\n');
    }
    Some(out)
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
pub(crate) mod tests;
