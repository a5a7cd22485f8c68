//! The tables found, written into the page's markdown: each in place of the
//! lines that hold its words, unless pdf-inspector made a better one there.

use std::collections::HashMap;

use super::Table;

/// `md` with each table written as a pipe table in place of the lines that
/// hold its words; a table pdf-inspector made itself is kept. Where a table
/// drawn by rules is written, the tables read from the gaps of its lines
/// are not.
pub fn apply(md: &str, tables: &[Table]) -> String {
    let mut lines: Vec<String> = md.lines().map(str::to_string).collect();
    let mut written: Vec<(f32, f32)> = Vec::new();
    for t in tables {
        if !t.ruled
            && written
                .iter()
                .any(|&(top, bottom)| t.bottom <= top && t.top >= bottom)
        {
            continue;
        }
        if t.ruled && tables.iter().any(|o| framed(t, o)) {
            continue;
        }
        if let Some(out) = splice(&lines, t) {
            lines = out;
            if t.ruled {
                written.extend(
                    std::iter::once(t)
                        .chain(&t.beside)
                        .map(|t| (t.top, t.bottom)),
                );
            }
            continue;
        }
        if !t.beside.is_empty() {
            // Tables side by side the markdown holds apart: each on its own.
            let alone = Table {
                beside: Vec::new(),
                ..t.clone()
            };
            for one in std::iter::once(&alone).chain(&t.beside) {
                if let Some(out) = splice(&lines, one) {
                    lines = out;
                    written.push((one.top, one.bottom));
                }
            }
            continue;
        }
        // Its words apart in the markdown: a block of text beside a table.
        for part in &t.parts {
            if let Some(out) = splice(&lines, part) {
                lines = out;
            }
        }
    }
    lines.join("\n")
}

/// Is `inner`, a table read from gaps, set inside one row of the ruled
/// table `frame` (a form's box holding a list of options in columns)? The
/// rules frame a table; they are not its rows.
fn framed(frame: &Table, inner: &Table) -> bool {
    !inner.ruled
        && inner.rows.len() >= super::MIN_ROWS
        && frame
            .bands
            .iter()
            .any(|&(top, bottom)| inner.top < top && inner.bottom > bottom)
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The lines with the table in place of the ones that hold its words, or
/// `None` when its words are not found together (or are a pipe table).
fn splice(lines: &[String], t: &Table) -> Option<Vec<String>> {
    // Its rows and those of the tables beside it, whose words share lines.
    let all_rows: Vec<Vec<String>> = std::iter::once(t)
        .chain(&t.beside)
        .flat_map(|t| t.rows.iter().cloned())
        .collect();
    let want: Vec<String> = all_rows.iter().flatten().flat_map(|c| words(c)).collect();
    if want.is_empty() {
        return None;
    }
    let mut bag: HashMap<&str, usize> = HashMap::new();
    for w in &want {
        *bag.entry(w.as_str()).or_default() += 1;
    }
    // A line mostly made of the table's words is taken, its other words kept.
    let take = |line: &str, bag: &mut HashMap<&str, usize>| -> Option<Vec<String>> {
        let ws = words(line);
        if ws.is_empty() {
            return Some(Vec::new());
        }
        // Words the table holds at all (a word repeated on the line counts
        // each time), and for a ruled table words made of its words.
        let mut scratch = bag.clone();
        let inside = ws
            .iter()
            .filter(|w| {
                bag.get(w.as_str()).is_some_and(|&n| n > 0)
                    || (t.ruled && run_together(w, &mut scratch))
            })
            .count();
        if inside * 2 < ws.len() {
            return None;
        }
        let mut rest = Vec::new();
        for w in ws {
            if let Some(n) = bag.get_mut(w.as_str()).filter(|n| **n > 0) {
                *n -= 1;
            } else if !(t.ruled && run_together(&w, bag)) {
                rest.push(w);
            }
        }
        Some(rest)
    };
    // The table starts at a row of pdf-inspector's table or where a line
    // starts (or, right to left, ends) with a word of its first rows: a
    // sentence before it made of its words (a list naming its rows) stays.
    let head: Vec<String> = t
        .rows
        .iter()
        .filter(|r| r.iter().any(|c| !c.is_empty()))
        .take(2)
        .flatten()
        .flat_map(|c| words(c))
        .collect();
    for start in 0..lines.len() {
        let mut left = bag.clone();
        let first = words(&lines[start]);
        if first.is_empty()
            || !(lines[start].starts_with('|')
                || head.contains(&first[0])
                || head.contains(&first[first.len() - 1]))
            || take(&lines[start], &mut left).is_none()
        {
            continue;
        }
        let mut left = bag.clone();
        let mut end = start;
        let mut extra: Vec<String> = Vec::new();
        let mut last = start;
        while end < lines.len() {
            if lines[end].trim().is_empty() {
                end += 1;
                continue;
            }
            match take(&lines[end], &mut left) {
                Some(rest) => {
                    extra.extend(rest);
                    last = end;
                    end += 1;
                }
                None => break,
            }
        }
        let missing: usize = left.values().sum();
        if missing * 5 > want.len() {
            continue;
        }
        let theirs: Vec<Vec<String>> = lines[start..=last]
            .iter()
            .filter(|l| l.starts_with('|') && !words(l).is_empty())
            .map(|l| {
                l.trim()
                    .trim_matches('|')
                    .split('|')
                    .map(|c| c.trim().to_string())
                    .collect()
            })
            .collect();
        // pdf-inspector's own table stays unless ours shows fewer flaws, or
        // as few and holds more words it lacks (header lines it left out as
        // text) than it holds words ours lacks, or ours is drawn by rules.
        if !theirs.is_empty()
            && !t.ruled
            && (flaws(&theirs) < flaws(&t.rows)
                || (flaws(&theirs) == flaws(&t.rows)
                    && missing_from(&theirs, &t.rows) <= missing_from(&t.rows, &theirs) + 2))
        {
            return None;
        }
        // Rows of pdf-inspector's table just before or after a ruled one (a
        // caption drawn in its first row) stay, as text: left as rows, they
        // would run into ours.
        let pipes = |l: &&String| t.ruled && l.starts_with('|');
        let before = lines[..start].iter().rev().take_while(pipes).count();
        let after = lines[last + 1..].iter().take_while(pipes).count();
        // A table drawn by rules gives way where pdf-inspector's holds much
        // it lacks (ours read a part of the grid).
        let all: Vec<Vec<String>> = lines[start - before..=last + after]
            .iter()
            .filter(|l| l.starts_with('|'))
            .map(|l| vec![l.replace('|', " ")])
            .collect();
        let total: usize = all.iter().flatten().map(|c| words(c).len()).sum();
        if t.ruled && missing_from(&all_rows, &all) * 4 > total {
            return None;
        }
        let mut out: Vec<String> = lines[..start].to_vec();
        if before > 0 {
            let rows = out.split_off(out.len() - before);
            out.extend(rows_as_text(&rows));
            out.push(String::new());
        }
        if !extra.is_empty() {
            // Words of these lines the table does not hold (a caption run
            // into it) stay, as a line before it.
            let text: Vec<String> = lines[start..=last]
                .iter()
                .map(|l| l.replace('|', " "))
                .collect();
            let kept: Vec<&str> = text
                .iter()
                .flat_map(|l| l.split_whitespace())
                .filter(|w| {
                    let ws = words(w);
                    !ws.is_empty() && ws.iter().all(|x| extra.contains(x))
                })
                .collect();
            out.push(kept.join(" "));
            out.push(String::new());
        }
        for (k, t) in std::iter::once(t).chain(&t.beside).enumerate() {
            if k > 0 {
                out.push(String::new());
            }
            out.extend(render(t).lines().map(str::to_string));
        }
        if after > 0 {
            out.push(String::new());
            out.extend(rows_as_text(&lines[last + 1..last + 1 + after]));
        }
        out.extend(lines[last + 1 + after..].iter().cloned());
        return Some(out);
    }
    None
}

/// A word of the markdown made of the table's words run together (marks
/// of neighbouring columns drawn as one run: "xx" for "x" and "x"): they
/// are taken from `bag` when they make it up whole. Only for a table drawn
/// by rules: a table read from gaps would take a figure's doubled letters
/// ("SSpecifiifies") for its own.
fn run_together(word: &str, bag: &mut HashMap<&str, usize>) -> bool {
    let mut taken: Vec<&str> = Vec::new();
    let mut rest = word;
    while !rest.is_empty() {
        let next = rest
            .char_indices()
            .map(|(k, c)| k + c.len_utf8())
            .rev()
            .find_map(|end| {
                bag.get_key_value(&rest[..end])
                    .filter(|(_, &n)| n > 0)
                    .map(|(&k, _)| k)
            });
        let Some(part) = next else {
            for k in taken {
                *bag.entry(k).or_default() += 1;
            }
            return false;
        };
        // Not the word itself (it was not in the bag, or ran out).
        if part.len() == word.len() {
            return false;
        }
        *bag.get_mut(part).unwrap() -= 1;
        taken.push(part);
        rest = &rest[part.len()..];
    }
    true
}

/// Pipe table rows as lines of their cells' text; the delimiter row goes.
fn rows_as_text(rows: &[String]) -> Vec<String> {
    rows.iter()
        .map(|l| {
            l.trim()
                .trim_matches('|')
                .split('|')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|l| !l.chars().all(|c| matches!(c, '-' | ':' | ' ')))
        .collect()
}

/// How many words of `b` (counted with repeats) `a` does not hold.
fn missing_from(a: &[Vec<String>], b: &[Vec<String>]) -> usize {
    let mut bag: HashMap<String, usize> = HashMap::new();
    for w in a.iter().flatten().flat_map(|c| words(c)) {
        *bag.entry(w).or_default() += 1;
    }
    b.iter()
        .flatten()
        .flat_map(|c| words(c))
        .filter(|w| match bag.get_mut(w) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        })
        .count()
}

/// Signs of columns found wrong: cells holding several values ("93 18.8%",
/// "100 - -": two columns run together), columns left empty, and cells of
/// more than [`PAGE_CELL_WORDS`] words (a page's text run into one row).
fn flaws(rows: &[Vec<String>]) -> usize {
    let value = |t: &str| {
        t.chars().any(|c| c.is_ascii_digit() || c == '-')
            && t.chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '-' | '.' | ',' | '%' | '–'))
    };
    let several = rows
        .iter()
        .flatten()
        .filter(|c| {
            let tokens: Vec<&str> = c.split_whitespace().collect();
            let thousands = tokens.len() == 2 && tokens[1].len() == 3 && tokens[1].starts_with('0');
            tokens.len() >= 2 && !thousands && tokens.iter().all(|t| value(t))
        })
        .count();
    let page = rows
        .iter()
        .flatten()
        .filter(|c| c.split_whitespace().count() > PAGE_CELL_WORDS)
        .count();
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let empty = (0..width)
        .filter(|&k| {
            rows.iter()
                .filter(|r| r.get(k).is_some_and(|c| !c.is_empty()))
                .count()
                <= 1
        })
        .count();
    several + 2 * empty + 2 * page
}

/// Words in a cell beyond which it holds more than a cell's text.
const PAGE_CELL_WORDS: usize = 40;

fn render(t: &Table) -> String {
    let cell = |c: &str| c.replace('|', "\\|");
    let n = t.rows.first().map_or(0, Vec::len);
    let mut out = String::new();
    for (k, row) in t.rows.iter().enumerate() {
        out.push('|');
        for c in row {
            out.push_str(&cell(c));
            out.push('|');
        }
        out.push('\n');
        if k == 0 {
            out.push('|');
            out.push_str(&"---|".repeat(n));
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[&[&str]]) -> Table {
        Table {
            rows: rows
                .iter()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect(),
            ..Table::default()
        }
    }

    fn ruled(rows: &[&[&str]]) -> Table {
        Table {
            ruled: true,
            ..table(rows)
        }
    }

    #[test]
    fn a_ruled_table_replaces_pdf_inspector_s_whose_rows_run_into_its() {
        // As docling's normal_4pages: pdf-inspector drew the caption as the
        // first row of its table, and left the header a table of its own.
        let md = "Before.\n\n||[Table 1] Caption||\n|---|---|---|\n|Group|Before|After|\n\n\
                  |Class|Group one|Grade one|\n|---|---|---|\n|Criteria|Spread by|Fatal or|\n\
                  ||water|spread|\n\nAfter.";
        let ours = ruled(&[
            &["Group", "Before", "After"],
            &["Class", "Group one", "Grade one"],
            &["Criteria", "Spread by water", "Fatal or spread"],
        ]);
        assert_eq!(
            apply(md, &[ours]),
            "Before.\n\n[Table 1] Caption\n\n|Group|Before|After|\n|---|---|---|\n\
             |Class|Group one|Grade one|\n|Criteria|Spread by water|Fatal or spread|\n\nAfter."
        );
    }

    #[test]
    fn ruled_tables_side_by_side_replace_pdf_inspector_s_one_table_of_both() {
        // As ICDAR's eu-015: three ruled tables side by side, pdf-inspector's
        // one table of them holding each line across all three; each
        // holds a third of its words, too few to replace it alone.
        let md = "Hot topics\n\n|Air rights Enquiries||Free movement Enquiries|\n|---|---|---|\n\
                  |Spain 268 Germany 233||Spain 153 Germany 119|\n\nAfter.";
        let mut air = ruled(&[
            &["Air rights", "Enquiries"],
            &["Spain", "268"],
            &["Germany", "233"],
        ]);
        air.beside = vec![ruled(&[
            &["Free movement", "Enquiries"],
            &["Spain", "153"],
            &["Germany", "119"],
        ])];
        assert_eq!(
            apply(md, &[air]),
            "Hot topics\n\n|Air rights|Enquiries|\n|---|---|\n|Spain|268|\n|Germany|233|\n\n\
             |Free movement|Enquiries|\n|---|---|\n|Spain|153|\n|Germany|119|\n\nAfter."
        );
    }

    #[test]
    fn a_table_inside_one_ruled_row_is_written_not_the_rules_around_it() {
        // As pdfplumber's 150109DSP-Milw-505-90D.pdf: a form's box holds
        // its options in two columns.
        let md = "Licensing history: N/A\n\nProtective plan implemented Referral to services\n\
                  Initial assessment conducted Transportation assistance\n\
                  Safety plan implemented Supervised visitation";
        let frame = Table {
            top: 700.0,
            bottom: 600.0,
            bands: vec![(700.0, 690.0), (690.0, 620.0), (620.0, 600.0)],
            ..ruled(&[
                &["Licensing history: N/A", ""],
                &[
                    "Protective plan implemented Initial assessment conducted Safety plan implemented",
                    "Referral to services Transportation assistance Supervised visitation",
                ],
                &["", ""],
            ])
        };
        let options = Table {
            top: 680.0,
            bottom: 660.0,
            ..table(&[
                &["Protective plan implemented", "Referral to services"],
                &["Initial assessment conducted", "Transportation assistance"],
                &["Safety plan implemented", "Supervised visitation"],
            ])
        };
        assert_eq!(
            apply(md, &[frame, options]),
            "Licensing history: N/A\n\n|Protective plan implemented|Referral to services|\n|---|---|\n\
             |Initial assessment conducted|Transportation assistance|\n\
             |Safety plan implemented|Supervised visitation|"
        );
    }

    #[test]
    fn marks_run_together_in_pdf_inspector_s_table_are_found_in_ours() {
        // redp5110's Table 2-2: "XX" where ours has "X" and "X".
        let md = "|Action|A B C|\n|---|---|\n|Set|XX|\n|Get|XXX|";
        let ours = ruled(&[
            &["Action", "A", "B", "C"],
            &["Set", "X", "X", ""],
            &["Get", "X", "X", "X"],
        ]);
        assert_eq!(
            apply(md, &[ours]),
            "|Action|A|B|C|\n|---|---|---|---|\n|Set|X|X||\n|Get|X|X|X|"
        );
        let mut bag: HashMap<&str, usize> = HashMap::from([("x", 2), ("a", 1)]);
        assert!(run_together("xx", &mut bag) && bag["x"] == 0);
        // Not whole: nothing taken.
        assert!(!run_together("xax", &mut bag) && bag["a"] == 1);
    }

    #[test]
    fn a_list_naming_the_rows_before_the_table_stays_text() {
        // As in ICDAR's eu-014: the bullets name the table's rows, and
        // pdf-inspector's table (a column left empty) holds its body.
        let ours = table(&[
            &["Indicators", "Weight of indicator in 2006"],
            &["Effectiveness", ""],
            &["Employment", "40"],
            &["Further studies", "15"],
            &["Processes", ""],
            &["Dropping out", "15"],
            &["Staff", ""],
            &["Teaching", "11"],
        ]);
        let md = "- processes (dropping out);\n- staff (teaching).\n\n\
                  **Indicators Weight of indicator in 2006**\n\n\
                  |Effectiveness|||\n|---|---|---|\n|Employment||40|\n|Further studies||15|\n\
                  |Processes|||\n|Dropping out||15|\n|Staff|||\n|Teaching||11|\n\nAfter.";
        assert_eq!(
            apply(md, &[ours]),
            "- processes (dropping out);\n- staff (teaching).\n\n\
             |Indicators|Weight of indicator in 2006|\n|---|---|\n|Effectiveness||\n\
             |Employment|40|\n|Further studies|15|\n|Processes||\n|Dropping out|15|\n\
             |Staff||\n|Teaching|11|\n\nAfter."
        );
    }

    #[test]
    fn a_table_of_one_row_holding_the_page_gives_way() {
        // pdf-inspector made one row of a form's page: one cell holds its
        // eleven lines.
        let rows: Vec<[String; 2]> = (0..11)
            .map(|k| [format!("value{k} of{k}"), format!("label{k} for{k}")])
            .collect();
        let text: Vec<String> = rows.iter().map(|r| r.join(" ")).collect();
        let md = format!("|Title||\n|---|---|\n|{}||", text.join(" "));
        let ours = Table {
            rows: rows.iter().map(|r| r.to_vec()).collect(),
            ..Table::default()
        };
        let out = apply(&md, &[ours]);
        assert!(
            out.ends_with("|value0 of0|label0 for0|\n|---|---|\n|value1 of1|label1 for1|\n|value2 of2|label2 for2|\n|value3 of3|label3 for3|\n|value4 of4|label4 for4|\n|value5 of5|label5 for5|\n|value6 of6|label6 for6|\n|value7 of7|label7 for7|\n|value8 of8|label8 for8|\n|value9 of9|label9 for9|\n|value10 of10|label10 for10|"),
            "{out}"
        );
    }

    #[test]
    fn a_table_holding_the_header_pdf_inspector_left_as_text_replaces_its() {
        // As on docling's 2305.03393v1-pg9: pdf-inspector's table has no
        // flaw but left the header's first lines out, as text.
        let md = "Language\n\n|layers|simple|complex|\n|---|---|---|\n|OTSL|0.965|0.934|\n\
                  |HTML|0.969|0.927|\n\nAfter.";
        let ours = table(&[
            &["# layers", "Language", "TEDs simple", "complex"],
            &["6", "OTSL", "0.965", "0.934"],
            &["", "HTML", "0.969", "0.927"],
        ]);
        assert_eq!(
            apply(md, &[ours]),
            "|# layers|Language|TEDs simple|complex|\n|---|---|---|---|\n\
             |6|OTSL|0.965|0.934|\n||HTML|0.969|0.927|\n\nAfter."
        );
    }

    #[test]
    fn a_table_replaces_the_lines_that_hold_its_words_and_a_better_one_stays() {
        let table = Table {
            rows: vec![
                vec!["Name".into(), "Year".into()],
                vec!["Alpha".into(), "1999".into()],
                vec!["Beta".into(), "2000".into()],
            ],
            ..Table::default()
        };
        let md = "# Title\n\nSee below:\n\n**Name Year** Alpha 1999 Beta 2000\n\nAfter.";
        assert_eq!(
            apply(md, std::slice::from_ref(&table)),
            "# Title\n\nSee below:\n\n|Name|Year|\n|---|---|\n|Alpha|1999|\n|Beta|2000|\n\nAfter."
        );
        // pdf-inspector's own table of those words, with no flaw, is kept.
        let theirs = "|Name|Year|\n|---|---|\n|Alpha|1999|\n|Beta|2000|";
        assert_eq!(apply(theirs, &[table]), theirs);
        // One whose columns ran together ("1999 12") gives way.
        let merged = "|Name|Year Count|\n|---|---|\n|Alpha|1999 12|\n|Beta|2000 13|";
        let ours = Table {
            rows: vec![
                vec!["Name".into(), "Year".into(), "Count".into()],
                vec!["Alpha".into(), "1999".into(), "12".into()],
                vec!["Beta".into(), "2000".into(), "13".into()],
            ],
            ..Table::default()
        };
        assert_eq!(
            apply(merged, &[ours]),
            "|Name|Year|Count|\n|---|---|---|\n|Alpha|1999|12|\n|Beta|2000|13|"
        );
    }
}
