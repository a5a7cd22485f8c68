//! A two-column page whose markdown pdf-inspector put out of order inside its
//! paragraphs, rebuilt from the positioned text. Moving whole blocks
//! (`pdf_columns::reorder`) cannot mend a paragraph that already holds the
//! end of the left column, then the right column's top, then the left's top
//! (docling's `normal_4pages.pdf`, last page: two columns whose baselines do
//! not line up). When the markdown's words follow the column order poorly,
//! the page is written again from its segments: band by band, the left
//! column's lines before the right's, paragraphs parted where the line gap
//! grows, and the markdown's headings (and those the font hints found,
//! which pdf-inspector's markdown may hold inside a table of the two
//! columns, where they are not marked) marked again where a line holds just
//! their words. Words the markdown left out (running headers taken away)
//! stay out. Pages with a table, an image, code or right-to-left text keep
//! their markdown: the segments do not carry those.

use std::collections::HashMap;

use super::pdf_columns::{gutters, words, Page, Segment};
use super::pdf_hints::Heading;
use super::pdf_rtl::is_rtl;

/// The markdown's words agree with the column order at least this much
/// (normalized LCS of the two word sequences): its order is kept.
const AGREES: f32 = 0.9;
/// The segments must give back at least this share of the markdown's words.
const COVERS: f32 = 0.9;
/// Longest word sequences compared (their product), to bound the work.
const MAX_CELLS: usize = 16_000_000;

/// `md`, or on a page in columns whose markdown follows the column order
/// poorly, the page rebuilt from its segments (`hinted`: the page's headings
/// found from its fonts, marked too).
pub fn mend(md: &str, page: &Page, hinted: &[Heading]) -> String {
    let gutters = gutters(&page.segments);
    if gutters.is_empty() {
        return md.to_string();
    }
    let segs = &page.cut_at(&gutters);
    let crosses = |s: &Segment| gutters.iter().any(|&g| s.x0 < g - 2.0 && s.x1 > g + 2.0);
    let mut spans: Vec<f32> = segs.iter().filter(|s| crosses(s)).map(|s| s.y).collect();
    spans.sort_by(|a, b| b.total_cmp(a));
    rebuild(md, segs, &gutters, &spans, hinted).unwrap_or_else(|| md.to_string())
}

/// `md` rebuilt in column order from `segs` (gutters at `gutters`, left
/// to right; `spans`, the baselines of the lines that cross one, close the
/// bands), or `None` when the markdown's order already agrees or cannot be
/// rebuilt safely.
fn rebuild(
    md: &str,
    segs: &[Segment],
    gutters: &[f32],
    spans: &[f32],
    hinted: &[Heading],
) -> Option<String> {
    let special = md.lines().any(|l| {
        let t = l.trim_start();
        t.starts_with("![") || t.starts_with("<!--") || t.starts_with("```")
    });
    if special || md.chars().any(is_rtl) || !tables_are_columns(md, segs, gutters) {
        return None;
    }
    let have = words(md);
    let mut bag: HashMap<&str, usize> = HashMap::new();
    for w in &have {
        *bag.entry(w.as_str()).or_default() += 1;
    }
    // Column k right of k gutters; a line across one closes the band.
    let key = |s: &Segment| {
        let band = spans.iter().filter(|&&y| y > s.y + 0.5).count();
        let across = gutters.iter().any(|&g| s.x0 < g - 2.0 && s.x1 > g + 2.0);
        let column = if across {
            gutters.len() + 1
        } else {
            gutters.iter().filter(|&&g| s.x0 >= g - 2.0).count()
        };
        (band, column)
    };
    let mut order: Vec<usize> = (0..segs.len()).collect();
    order.sort_by_key(|&k| (key(&segs[k]), k));
    // Segments whose words the markdown holds (running text taken out stays out).
    let mut kept: Vec<usize> = Vec::new();
    for k in order {
        let ws = &segs[k].words;
        let (inside, left) = taken(&bag, ws);
        if inside * 2 >= ws.len() && inside > 0 {
            bag = left;
            kept.push(k);
        }
    }
    let rebuilt: Vec<&str> = kept
        .iter()
        .flat_map(|&k| segs[k].words.iter().map(String::as_str))
        .collect();
    let have: Vec<&str> = have.iter().map(String::as_str).collect();
    if (rebuilt.len() as f32) < have.len() as f32 * COVERS
        || have.len().saturating_mul(rebuilt.len()) > MAX_CELLS
    {
        return None;
    }
    let agree = 2.0 * lcs(&have, &rebuilt) as f32 / (have.len() + rebuilt.len()).max(1) as f32;
    if agree >= AGREES {
        return None;
    }
    let mut out = write(md, segs, &kept, &key, hinted);
    // Blocks of the markdown the segments did not give (text set sideways
    // in the margin, an arXiv stamp) follow, so no word is lost.
    for block in md.split("\n\n") {
        let ws = words(block);
        let (unused, left) = taken(&bag, &ws);
        if !ws.is_empty() && unused * 2 > ws.len() {
            bag = left;
            out.push_str("\n\n");
            out.push_str(block.trim());
        }
    }
    Some(out)
}

/// The kept segments as paragraphs, with the markdown's headings marked.
fn write(
    md: &str,
    segs: &[Segment],
    kept: &[usize],
    key: &dyn Fn(&Segment) -> (usize, usize),
    hinted: &[Heading],
) -> String {
    let mut headings: Vec<(String, Vec<String>)> = md
        .lines()
        .filter_map(|l| {
            let hashes = l.len() - l.trim_start_matches('#').len();
            ((1..=6).contains(&hashes) && l[hashes..].starts_with(' '))
                .then(|| (l[..hashes].to_string(), words(&l[hashes..])))
        })
        .collect();
    headings.extend(
        hinted
            .iter()
            .map(|h| ("#".repeat(h.level.clamp(1, 6) as usize), words(&h.text))),
    );
    // Lines: segments on one baseline of one column, joined.
    let mut lines: Vec<(String, &Segment)> = Vec::new();
    for &k in kept {
        let s = &segs[k];
        match lines.last_mut() {
            Some((text, prev))
                if key(prev) == key(s) && (prev.y - s.y).abs() < prev.height * 0.4 =>
            {
                text.push(' ');
                text.push_str(s.text.trim());
            }
            _ => lines.push((s.text.trim().to_string(), s)),
        }
    }
    let mut out: Vec<String> = Vec::new();
    let mut para: Vec<String> = Vec::new();
    let mut prev: Option<&Segment> = None;
    let mut k = 0;
    while k < lines.len() {
        let (text, s) = &lines[k];
        k += 1;
        let find = |t: &str| {
            headings
                .iter()
                .find(|(_, w)| !w.is_empty() && *w == words(t))
        };
        let mut heading = find(text);
        // A title set over two lines or three is one heading ("Row and
        // Column Access Control" over "Support in IBM DB2 for i").
        let mut text = text.clone();
        let mut joined = text.clone();
        for (more, (next, _)) in lines[k..].iter().take(2).enumerate() {
            if heading.is_some() {
                break;
            }
            joined = format!("{joined} {next}");
            if let Some(h) = find(&joined) {
                heading = Some(h);
                text = joined.clone();
                k += more + 1;
            }
        }
        let parted = prev.is_none_or(|p| {
            key(p) != key(s) || p.y - s.y > p.height.max(s.height) * 1.8 || s.y > p.y
        });
        if (parted || heading.is_some()) && !para.is_empty() {
            out.push(para.join("\n"));
            para.clear();
        }
        match heading {
            Some((hashes, _)) => {
                out.push(format!("{hashes} {text}"));
                prev = None;
            }
            None => {
                // A word broken at the line's end ("experi-" "ence") is joined.
                let broken = para.last().is_some_and(|l: &String| {
                    let mut tail = l.chars().rev();
                    tail.next() == Some('-') && tail.next().is_some_and(char::is_alphabetic)
                });
                match para.last_mut() {
                    Some(last) if broken && text.starts_with(char::is_lowercase) => {
                        last.pop();
                        last.push_str(&text);
                    }
                    _ => para.push(text),
                }
                prev = Some(s);
            }
        }
    }
    if !para.is_empty() {
        out.push(para.join("\n"));
    }
    out.join("\n\n")
}

/// Are the page's pipe tables, if any, its columns of text cut into cells
/// (three columns of prose parted by rules, read as a table's rows)? Four
/// in five of a table's words are on lines of four words or more that fill
/// most of their column: a table's cells leave their column's width
/// unfilled.
fn tables_are_columns(md: &str, segs: &[Segment], gutters: &[f32]) -> bool {
    let left = segs.iter().map(|s| s.x0).fold(f32::MAX, f32::min);
    let right = segs.iter().map(|s| s.x1).fold(f32::MIN, f32::max);
    let edges: Vec<f32> = std::iter::once(left)
        .chain(gutters.iter().copied())
        .chain([right])
        .collect();
    let prose = |s: &&Segment| {
        s.words.len() >= 4
            && edges.windows(2).any(|e| {
                s.x0 >= e[0] - 2.0 && s.x1 <= e[1] + 2.0 && s.x1 - s.x0 >= (e[1] - e[0]) * 0.6
            })
    };
    let lines: Vec<&str> = md.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        if !lines[i].starts_with('|') {
            i += 1;
            continue;
        }
        let end = (i..lines.len())
            .find(|&j| !lines[j].starts_with('|'))
            .unwrap_or(lines.len());
        let table = words(&lines[i..end].join(" "));
        let mut bag: HashMap<&str, usize> = HashMap::new();
        for w in &table {
            *bag.entry(w.as_str()).or_default() += 1;
        }
        let mut found = 0;
        for s in segs.iter().filter(prose) {
            let (inside, left) = taken(&bag, &s.words);
            if inside * 2 > s.words.len() {
                bag = left;
                found += inside;
            }
        }
        if found * 5 < table.len() * 4 {
            return false;
        }
        i = end;
    }
    true
}

/// Length of the longest common subsequence of two word sequences.
fn lcs(a: &[&str], b: &[&str]) -> usize {
    let mut row = vec![0usize; b.len() + 1];
    for x in a {
        let mut diag = 0;
        for (j, y) in b.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = if x == y { diag + 1 } else { up.max(row[j]) };
            diag = up;
        }
    }
    row[b.len()]
}

/// How many of `ws` the word multiset `bag` holds, and the bag without them.
fn taken<'a>(bag: &HashMap<&'a str, usize>, ws: &[String]) -> (usize, HashMap<&'a str, usize>) {
    let mut left = bag.clone();
    let count = ws
        .iter()
        .filter(|w| match left.get_mut(w.as_str()) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        })
        .count();
    (count, left)
}

#[cfg(test)]
mod tests {
    use super::super::pdf_columns::{page_of, seg, two_column_segments};
    use super::*;

    /// Two columns whose baselines do not line up.
    fn page() -> Page {
        page_of(two_column_segments(12.0, 5.0))
    }

    /// The page's markdown as pdf-inspector wrote it: the columns' lines
    /// interleaved in one paragraph under the title.
    fn mixed_markdown() -> String {
        let mixed: Vec<String> = (0..6)
            .flat_map(|k| {
                [
                    format!("right {k} words of prose here"),
                    format!("left {k} words of prose here"),
                ]
            })
            .collect();
        format!("# A Title Across The Page\n\n{}", mixed.join(" "))
    }

    /// The lines `ks` of one column of `page()`, as its segments read.
    fn column(side: &str, ks: std::ops::Range<usize>) -> Vec<String> {
        ks.map(|k| format!("{side} {k} words of prose here"))
            .collect()
    }

    #[test]
    fn a_paragraph_that_mixes_both_columns_is_read_a_column_at_a_time() {
        let md = mixed_markdown();
        let left = column("left", 0..6);
        let right = column("right", 0..6);
        assert_eq!(
            mend(&md, &page(), &[]),
            format!(
                "# A Title Across The Page\n\n{}\n\n{}",
                left.join("\n"),
                right.join("\n")
            )
        );
    }

    #[test]
    fn a_heading_the_fonts_found_is_marked_in_the_rebuilt_page() {
        // pdf-inspector's markdown did not mark it (it held the columns as a
        // table's cells); the font hints did.
        let md = mixed_markdown();
        let hinted = [Heading {
            text: "right 0 words of prose here".into(),
            level: 3,
        }];
        let left = column("left", 0..6);
        let right = column("right", 1..6);
        assert_eq!(
            mend(&md, &page(), &hinted),
            format!(
                "# A Title Across The Page\n\n{}\n\n### right 0 words of prose here\n\n{}",
                left.join("\n"),
                right.join("\n")
            )
        );
    }

    /// A title joined from two lines (`titles.rs`: "Row and Column Access
    /// Control" over "Support in IBM DB2 for i") stays one heading when the
    /// page is rebuilt from its lines.
    #[test]
    fn a_heading_over_two_lines_stays_one_in_the_rebuilt_page() {
        let left = column("left", 0..6);
        let right = column("right", 2..6);
        let title = "right 0 words of prose here right 1 words of prose here";
        let mixed: Vec<String> = (0..6)
            .flat_map(|k| {
                let r = (k >= 2).then(|| format!("right {k} words of prose here"));
                r.into_iter()
                    .chain([format!("left {k} words of prose here")])
            })
            .collect();
        let md = format!(
            "# A Title Across The Page\n\n## {title}\n\n{}",
            mixed.join(" ")
        );
        assert_eq!(
            mend(&md, &page(), &[]),
            format!(
                "# A Title Across The Page\n\n{}\n\n## {title}\n\n{}",
                left.join("\n"),
                right.join("\n")
            )
        );
    }

    /// A title the fonts found set over three lines (`titles.rs`: a back
    /// cover's "BUILDING TECHNICAL" / "INFORMATION BASED ON" / "PRACTICAL
    /// EXPERIENCE") is one heading in the rebuilt page.
    #[test]
    fn a_hinted_title_over_three_lines_is_one_heading_in_the_rebuilt_page() {
        let md = mixed_markdown();
        let title =
            "right 0 words of prose here right 1 words of prose here right 2 words of prose here";
        let hinted = [Heading {
            text: title.into(),
            level: 2,
        }];
        let left = column("left", 0..6);
        let right = column("right", 3..6);
        assert_eq!(
            mend(&md, &page(), &hinted),
            format!(
                "# A Title Across The Page\n\n{}\n\n## {title}\n\n{}",
                left.join("\n"),
                right.join("\n")
            )
        );
    }

    #[test]
    fn a_page_in_column_order_or_with_a_table_keeps_its_markdown() {
        let left = column("left", 0..6);
        let right = column("right", 0..6);
        let md = format!(
            "# A Title Across The Page\n\n{} {}",
            left.join(" "),
            right.join(" ")
        );
        assert_eq!(mend(&md, &page(), &[]), md);
        let table = format!(
            "{}\n\n|a|b|\n|---|---|",
            right.join(" ") + " " + &left.join(" ")
        );
        assert_eq!(mend(&table, &page(), &[]), table);
    }

    /// Three columns of eight lines of prose, 10 pt apart.
    fn three_columns() -> Page {
        let mut segments = Vec::new();
        for k in 0..8 {
            let y = 700.0 - 12.0 * k as f32;
            for (x0, x1) in [(50.0, 210.0), (220.0, 380.0), (390.0, 550.0)] {
                segments.push(seg(&format!("col {x0} line {k} of prose"), x0, x1, y));
            }
        }
        page_of(segments)
    }

    #[test]
    fn a_three_column_page_is_read_a_column_at_a_time() {
        let p = three_columns();
        let column = |x0: &str| -> String {
            (0..8)
                .map(|k| format!("col {x0} line {k} of prose"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        let want = format!("{}\n\n{}\n\n{}", column("50"), column("220"), column("390"));
        let md: Vec<String> = p.segments.iter().rev().map(|s| s.text.clone()).collect();
        assert_eq!(mend(&md.join(" "), &p, &[]), want);
        // pdf-inspector's take: the columns as a table, a row a line.
        let rows: Vec<String> = p
            .segments
            .chunks(3)
            .map(|row| {
                let cells: Vec<&str> = row.iter().map(|s| s.text.as_str()).collect();
                format!("|{}|", cells.join("|"))
            })
            .collect();
        let table = format!("{}\n|---|---|---|\n{}", rows[0], rows[1..].join("\n"));
        assert_eq!(mend(&table, &p, &[]), want);
        // A table of its own among the columns stays, and the page as it is.
        let md = format!("{}\n\n|Year|Flow|\n|---|---|\n|1999|12.5|", md.join(" "));
        assert_eq!(mend(&md, &p, &[]), md);
    }

    #[test]
    fn margin_text_the_segments_miss_is_kept_and_broken_words_joined() {
        let mut p = page();
        p.segments[2].text = "right 0 words of experi-".into();
        p.segments[4].text = "ence here and more".into();
        for k in [2, 4] {
            p.segments[k].words = words(&p.segments[k].text);
        }
        let mixed: Vec<String> = p.segments[1..]
            .iter()
            .rev()
            .map(|s| s.text.clone())
            .collect();
        let md = format!(
            "# A Title Across The Page\n\n{}\n\narXiv:1601.03642v1 [cs.CV] 12 Jan 2016",
            mixed.join(" ")
        );
        let out = mend(&md, &p, &[]);
        assert!(
            out.contains("right 0 words of experience here and more"),
            "{out}"
        );
        assert!(
            out.ends_with("\n\narXiv:1601.03642v1 [cs.CV] 12 Jan 2016"),
            "{out}"
        );
    }

    #[test]
    fn words_the_markdown_left_out_stay_out() {
        let mut p = page();
        p.segments.push(seg("Running Header 7", 50.0, 550.0, 830.0));
        let md = mixed_markdown();
        let out = mend(&md, &p, &[]);
        assert!(!out.contains("Running"), "{out}");
        assert!(
            out.starts_with("# A Title Across The Page\n\nleft 0"),
            "{out}"
        );
    }
}
