//! The tables found, written into the page's markdown: each in place of the
//! lines that hold its words, unless pdf-inspector made a better one there.

use std::collections::HashMap;

use super::Table;

/// `md` with each table written as a pipe table in place of the lines that
/// hold its words; a table pdf-inspector made itself is kept.
pub fn apply(md: &str, tables: &[Table]) -> String {
    let mut lines: Vec<String> = md.lines().map(str::to_string).collect();
    for t in tables {
        if let Some(out) = splice(&lines, t) {
            lines = out;
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

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The lines with the table in place of the ones that hold its words, or
/// `None` when its words are not found together (or are a pipe table).
fn splice(lines: &[String], t: &Table) -> Option<Vec<String>> {
    let want: Vec<String> = t.rows.iter().flatten().flat_map(|c| words(c)).collect();
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
        let inside = ws
            .iter()
            .filter(|w| bag.get(w.as_str()).is_some_and(|&n| n > 0))
            .count();
        if inside * 2 < ws.len() {
            return None;
        }
        let mut rest = Vec::new();
        for w in ws {
            match bag.get_mut(w.as_str()) {
                Some(n) if *n > 0 => *n -= 1,
                _ => rest.push(w),
            }
        }
        Some(rest)
    };
    for start in 0..lines.len() {
        let mut left = bag.clone();
        if words(&lines[start]).is_empty() || take(&lines[start], &mut left).is_none() {
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
        if !theirs.is_empty() && flaws(&theirs) <= flaws(&t.rows) {
            return None;
        }
        let mut out: Vec<String> = lines[..start].to_vec();
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
        out.extend(render(t).lines().map(str::to_string));
        out.extend(lines[last + 1..].iter().cloned());
        return Some(out);
    }
    None
}

/// Signs of columns found wrong: cells holding several values ("93 18.8%",
/// "100 - -": two columns run together) and columns left empty.
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
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let empty = (0..width)
        .filter(|&k| {
            rows.iter()
                .filter(|r| r.get(k).is_some_and(|c| !c.is_empty()))
                .count()
                <= 1
        })
        .count();
    several + 2 * empty
}

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
