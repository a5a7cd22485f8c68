//! Two-column pages read a column to its end before the next. pdf-inspector
//! finds columns of prose, but a page whose columns are a form, a list or
//! short paragraphs comes out interleaved line by line (docling's
//! `table_mislabeled_as_picture.pdf`). Here the page's positioned text is cut
//! into line segments; a vertical gutter that no segment crosses, with
//! prose-like lines on both sides, makes a two-column page. The page's
//! markdown blocks are then found among the segments by their first words and
//! ordered: band by band (a band ends at a line that crosses the gutter, a
//! title or a full-width figure), the left column's blocks before the
//! right's. Blocks not found (tables, images) keep their place after the
//! block before them.

use std::collections::HashMap;

use pdf_inspector::extractor::ItemType;
use pdf_inspector::TextItem;

/// A run of text on one baseline without a gap wider than a few spaces.
#[derive(Debug, Clone)]
pub struct Segment {
    pub(super) words: Vec<String>,
    /// The segment's text as drawn (words joined where a gap parts them).
    pub(super) text: String,
    pub(super) height: f32,
    pub(super) x0: f32,
    pub(super) x1: f32,
    pub(super) y: f32,
}

/// A page's text as segments.
#[derive(Debug, Default)]
pub struct Page {
    pub(super) segments: Vec<Segment>,
    /// Its runs line by line, left to right: to cut the segments again.
    pub(super) lines: Vec<Vec<Run>>,
}

/// A text run of a line, as segments are made of.
#[derive(Debug, Clone)]
pub(super) struct Run {
    text: String,
    x0: f32,
    x1: f32,
    y: f32,
    height: f32,
}

impl Page {
    /// The page's segments cut where one crosses a gutter between two of
    /// its runs: columns set closer than a segment's gaps (parted by a
    /// rule) ran their lines together.
    pub(super) fn cut_at(&self, gutters: &[f32]) -> Vec<Segment> {
        if self.lines.is_empty() {
            return self.segments.clone();
        }
        segments(&self.lines, gutters)
    }
}

/// The upright, non-blank text runs of `items` by page (1-based numbers),
/// top to bottom, then left to right: what the column and table readers
/// (`pdf_tables`) lay out.
pub fn upright_by_page(items: &[TextItem]) -> HashMap<u32, Vec<&TextItem>> {
    let mut by_page: HashMap<u32, Vec<&TextItem>> = HashMap::new();
    for i in items {
        let upright = i.rotation.abs() < 1.0 || (i.rotation - 360.0).abs() < 1.0;
        if matches!(i.item_type, ItemType::Text) && upright && !i.text.trim().is_empty() {
            by_page.entry(i.page).or_default().push(i);
        }
    }
    for items in by_page.values_mut() {
        items.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x.total_cmp(&b.x)));
    }
    by_page
}

/// Segments of each page (1-based numbers) of `items`.
pub fn pages(items: &[TextItem]) -> HashMap<u32, Page> {
    upright_by_page(items)
        .into_iter()
        .map(|(page, items)| {
            let lines: Vec<Vec<Run>> = baselines(&items)
                .into_iter()
                .map(|(_, line)| {
                    line.into_iter()
                        .map(|i| Run {
                            text: i.text.clone(),
                            x0: i.x,
                            x1: i.x + i.width.max(0.0),
                            y: i.y,
                            height: i.height,
                        })
                        .collect()
                })
                .collect();
            let segments = segments(&lines, &[]);
            (page, Page { segments, lines })
        })
        .collect()
}

/// Items sorted top to bottom grouped by baseline (within 0.4 of the first
/// item's height): each line's baseline (its first item's) and its items
/// left to right.
pub(super) fn baselines<'a>(items: &[&'a TextItem]) -> Vec<(f32, Vec<&'a TextItem>)> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < items.len() {
        let y = items[start].y;
        let size = items[start].height.max(1.0);
        let mut end = start + 1;
        while end < items.len() && (items[end].y - y).abs() < size * 0.4 {
            end += 1;
        }
        let mut line: Vec<&TextItem> = items[start..end].to_vec();
        line.sort_by(|a, b| a.x.total_cmp(&b.x));
        out.push((y, line));
        start = end;
    }
    out
}

/// The lines' runs joined into segments where no gap wider than a few
/// spaces, nor a gutter of `gutters`, parts them.
fn segments(lines: &[Vec<Run>], gutters: &[f32]) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    for line in lines {
        let mut cur: Option<Segment> = None;
        for item in line {
            let gap_limit = item.height.max(1.0) * 1.5;
            let apart = |s: &Segment| {
                item.x0 - s.x1 > gap_limit
                    || gutters
                        .iter()
                        .any(|&g| s.x1 <= g + 2.0 && item.x0 >= g - 2.0)
            };
            match cur.as_mut() {
                Some(s) if !apart(s) => {
                    s.words.extend(words(&item.text));
                    let spaced = s.text.ends_with(char::is_whitespace)
                        || item.text.starts_with(char::is_whitespace);
                    if !spaced && item.x0 - s.x1 > item.height.max(1.0) * 0.1 {
                        s.text.push(' ');
                    }
                    s.text.push_str(&item.text);
                    s.x1 = s.x1.max(item.x1);
                    s.height = s.height.max(item.height);
                }
                _ => {
                    out.extend(cur.take());
                    cur = Some(Segment {
                        words: words(&item.text),
                        text: item.text.clone(),
                        height: item.height.max(1.0),
                        x0: item.x0,
                        x1: item.x1,
                        y: item.y,
                    });
                }
            }
        }
        out.extend(cur);
    }
    out.retain(|s| !s.words.is_empty());
    out
}

pub(super) fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Lines a column needs, on each side, to count as one.
const MIN_LINES: usize = 3;

/// The x of the page's gutter, when it has two columns of text.
pub(super) fn gutter(segs: &[Segment]) -> Option<f32> {
    let left = segs.iter().map(|s| s.x0).fold(f32::MAX, f32::min);
    let right = segs.iter().map(|s| s.x1).fold(f32::MIN, f32::max);
    let width = right - left;
    if width <= 0.0 || segs.len() < 2 * MIN_LINES {
        return None;
    }
    let mut best: Option<(usize, f32, f32)> = None;
    let steps = 60;
    for k in 0..=steps {
        let g = left + width * (0.3 + 0.4 * k as f32 / steps as f32);
        let crossing = segs
            .iter()
            .filter(|s| s.x0 < g - 2.0 && s.x1 > g + 2.0)
            .count();
        let off_centre = (g - (left + width / 2.0)).abs();
        if best.is_none_or(|(c, _, o)| crossing < c || (crossing == c && off_centre < o)) {
            best = Some((crossing, g, off_centre));
        }
    }
    let (crossing, g, _) = best?;
    if crossing * 5 > segs.len() {
        return None;
    }
    // Prose on both sides: lines that fill most of their column.
    let filled = |lo: f32, hi: f32| {
        segs.iter()
            .filter(|s| s.x0 >= lo - 2.0 && s.x1 <= hi + 2.0 && s.words.len() >= 4)
            .filter(|s| (s.x1 - s.x0) >= (hi - lo) * 0.45)
            .count()
    };
    let (l, r) = (filled(left, g), filled(g, right));
    (l >= MIN_LINES && r >= MIN_LINES).then_some(g)
}

/// The gutters of a page in columns of text, left to right: the page's
/// gutter, then those of each side (a page of three columns or more).
pub(super) fn gutters(segs: &[Segment]) -> Vec<f32> {
    let Some(g) = gutter(segs) else {
        return Vec::new();
    };
    let side = |left: bool| -> Vec<Segment> {
        segs.iter()
            .filter(|s| {
                if left {
                    s.x1 <= g + 2.0
                } else {
                    s.x0 >= g - 2.0
                }
            })
            .cloned()
            .collect()
    };
    let mut out = gutters(&side(true));
    out.push(g);
    out.extend(gutters(&side(false)));
    out
}

/// The page's markdown with its blocks in column order, or `md` unchanged
/// when the page is not in two columns.
pub fn reorder(md: &str, page: &Page) -> String {
    let segs = &page.segments;
    let Some((g, spans)) = gutter_and_spans(page) else {
        return md.to_string();
    };
    let unrolled: Vec<String> = md.split("\n\n").map(unroll_prose_table).collect();
    let blocks: Vec<&str> = unrolled.iter().map(String::as_str).collect();
    let mut used = vec![false; segs.len()];
    // (band, column, index): column 0 left, 1 right, 2 the full-width line
    // that closes the band.
    let mut keys: Vec<(usize, u8, usize)> = Vec::with_capacity(blocks.len());
    let mut last = (0usize, 0u8);
    let mut found = 0;
    for (i, block) in blocks.iter().enumerate() {
        let key = locate(block, segs, &mut used).map(|s| {
            let seg = &segs[s];
            let above = spans.iter().filter(|&&y| y > seg.y + 0.5).count();
            let column = if seg.x0 < g - 2.0 && seg.x1 > g + 2.0 {
                2
            } else if seg.x1 <= g + 2.0 {
                0
            } else {
                1
            };
            (above, column)
        });
        if key.is_some() {
            found += 1;
        }
        last = key.unwrap_or(last);
        keys.push((last.0, last.1, i));
    }
    // Too few blocks placed to trust the placing.
    let ordered = if found * 2 < blocks.len() {
        md.to_string()
    } else {
        keys.sort();
        keys.iter()
            .map(|&(_, _, i)| blocks[i])
            .collect::<Vec<_>>()
            .join("\n\n")
    };
    ordered
}

/// The page's gutter and the baselines of the lines that cross it (they
/// close a band of the two columns), when the page is in two columns.
pub fn gutter_and_spans(page: &Page) -> Option<(f32, Vec<f32>)> {
    let segs = &page.segments;
    let g = gutter(segs)?;
    let mut spans: Vec<f32> = segs
        .iter()
        .filter(|s| s.x0 < g - 2.0 && s.x1 > g + 2.0)
        .map(|s| s.y)
        .collect();
    spans.sort_by(|a, b| b.total_cmp(a));
    Some((g, spans))
}

/// Cells this long on average are lines of prose, not a table's values.
const PROSE_CELL_CHARS: usize = 30;

/// On a two-column page, a two-column pipe table of long cells is the two
/// columns of text cut at the gutter (pdf-inspector's take on
/// `normal_4pages.pdf`'s last page): the left column's text, then the
/// right's.
fn unroll_prose_table(block: &str) -> String {
    if !block.starts_with('|') {
        return block.to_string();
    }
    let rows: Vec<Vec<&str>> = block
        .lines()
        .filter(|l| !l.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ')))
        .map(|l| {
            l.trim()
                .trim_matches('|')
                .split('|')
                .map(str::trim)
                .collect()
        })
        .collect();
    let cells: Vec<&str> = rows
        .iter()
        .flatten()
        .copied()
        .filter(|c| !c.is_empty())
        .collect();
    let long = cells.iter().map(|c| c.chars().count()).sum::<usize>()
        >= PROSE_CELL_CHARS * cells.len().max(1);
    // A trailing empty cell is lost to the trimming of the row's pipes.
    if rows.len() < 3 || rows.iter().any(|r| r.len() > 2) || !long {
        return block.to_string();
    }
    let column = |k: usize| {
        rows.iter()
            .filter_map(|r| r.get(k).copied())
            .filter(|c| !c.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    };
    format!("{}\n\n{}", column(0), column(1))
}

/// The first unused segment whose words begin as the block's text does.
fn locate(block: &str, segs: &[Segment], used: &mut [bool]) -> Option<usize> {
    let first = block.lines().next()?;
    if first.starts_with('|') || first.starts_with("<!--") || first.starts_with("![") {
        return None;
    }
    let want: Vec<String> = words(first).into_iter().take(4).collect();
    if want.is_empty() {
        return None;
    }
    let n = want.len();
    let hit = (0..segs.len()).find(|&s| {
        let have = &segs[s].words;
        let k = n.min(have.len());
        !used[s] && k > 0 && have[..k] == want[..k]
    })?;
    used[hit] = true;
    Some(hit)
}

/// A segment of 10-point text from `x0` to `x1` on baseline `y`, for the
/// tests of the readers that take segments.
#[cfg(test)]
pub(super) fn seg(text: &str, x0: f32, x1: f32, y: f32) -> Segment {
    Segment {
        words: words(text),
        text: text.to_string(),
        height: 10.0,
        x0,
        x1,
        y,
    }
}

/// A page of `segments` alone (no runs to cut them again), for the tests
/// of the readers that take pages.
#[cfg(test)]
pub(super) fn page_of(segments: Vec<Segment>) -> Page {
    Page {
        segments,
        ..Page::default()
    }
}

/// A title across the page over two columns of six lines each, `pitch`
/// apart, the right column's baselines `drop` below the left's: for the tests
/// of the readers that take segments.
#[cfg(test)]
pub(super) fn two_column_segments(pitch: f32, drop: f32) -> Vec<Segment> {
    let mut segments = vec![seg("A Title Across The Page", 50.0, 550.0, 800.0)];
    for k in 0..6 {
        let y = 700.0 - pitch * k as f32;
        let left = format!("left {k} words of prose here");
        segments.push(seg(&left, 50.0, 290.0, y));
        let right = format!("right {k} words of prose here");
        segments.push(seg(&right, 310.0, 550.0, y - drop));
    }
    segments
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two_columns() -> Page {
        let mut segments = two_column_segments(20.0, 0.0);
        segments.push(seg(
            "a footer line across the whole page",
            50.0,
            550.0,
            40.0,
        ));
        page_of(segments)
    }

    #[test]
    fn interleaved_columns_are_read_one_after_the_other() {
        let md = "# A Title Across The Page\n\nleft 0 words of prose here\n\nright 0 words of prose here\n\nleft 1 words of prose here\n\n|a|b|\n|---|---|\n\nright 1 words of prose here\n\na footer line across the whole page";
        assert_eq!(
            reorder(md, &two_columns()),
            "# A Title Across The Page\n\nleft 0 words of prose here\n\nleft 1 words of prose here\n\n|a|b|\n|---|---|\n\nright 0 words of prose here\n\nright 1 words of prose here\n\na footer line across the whole page"
        );
    }

    #[test]
    fn two_columns_of_prose_cut_into_a_table_are_text_again() {
        let table = "|left column opens with a long line of text|right column opens with its own line|\n|---|---|\n|and the left goes on with more of it here|while the right goes on in its own way|\n|to the end of the left column of words|to the end of the right column as well|";
        assert_eq!(
            unroll_prose_table(table),
            "left column opens with a long line of text\nand the left goes on with more of it here\nto the end of the left column of words\n\nright column opens with its own line\nwhile the right goes on in its own way\nto the end of the right column as well"
        );
        let numbers = "|Year|Flow|\n|---|---|\n|1999|12.5|\n|2000|13.1|";
        assert_eq!(unroll_prose_table(numbers), numbers);
    }

    #[test]
    fn columns_closer_than_a_segment_s_gap_are_cut_at_their_gutters() {
        // Three columns 6 pt apart (a rule between them): each line's runs
        // join across the columns until cut at the gutters.
        let run = |x0: f32, y: f32, text: &str| Run {
            text: text.to_string(),
            x0,
            x1: x0 + 150.0,
            y,
            height: 8.0,
        };
        let lines: Vec<Vec<Run>> = (0..8)
            .map(|k| {
                let y = 700.0 - 10.0 * k as f32;
                [50.0, 206.0, 362.0]
                    .iter()
                    .map(|&x| run(x, y, &format!("words of column {x} line {k}")))
                    .collect()
            })
            .collect();
        let page = Page {
            segments: segments(&lines, &[]),
            lines,
        };
        assert_eq!(page.segments.len(), 8);
        let cut = page.cut_at(&[203.0, 359.0]);
        assert_eq!(cut.len(), 24);
        assert_eq!(cut[1].text, "words of column 206 line 0");
    }

    #[test]
    fn a_single_column_page_is_left_as_it_is() {
        let segments = (0..12)
            .map(|k| {
                seg(
                    "one line of prose across the page",
                    50.0,
                    550.0,
                    700.0 - 20.0 * k as f32,
                )
            })
            .collect();
        let md = "one line of prose across the page\n\nand another";
        assert_eq!(reorder(md, &page_of(segments)), md);
        // Labels and short values side by side: a form, not two columns.
        let segments = (0..12)
            .flat_map(|k| {
                let y = 700.0 - 20.0 * k as f32;
                [seg("Name", 50.0, 90.0, y), seg("Value", 400.0, 440.0, y)]
            })
            .collect();
        let md = "Name\n\nValue\n\nName\n\nValue";
        assert_eq!(reorder(md, &page_of(segments)), md);
    }
}
