//! A table of contents set with dot leaders ("Preface . . . . . xi") as a
//! table of entries and their pages. pdf-inspector gives such a page as
//! lines of dots (or leaves it to OCR, and its text lines are used); a
//! table keeps each entry beside its page, as docling writes one.

/// Lines of a run this long or longer, each an entry, a leader and a page.
const MIN_ENTRIES: usize = 3;
/// Dots a leader has at least.
const LEADER_DOTS: usize = 4;

/// `md` with each run of contents lines written as a two-column table.
pub fn as_table(md: &str) -> String {
    if !md.contains(". .") && !md.contains("....") {
        return md.to_string();
    }
    let lines: Vec<&str> = md.lines().collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        let run: Vec<(String, &str)> = lines[i..].iter().map_while(|l| entry(l)).collect();
        if run.len() < MIN_ENTRIES {
            out.push(lines[i].to_string());
            i += 1;
            continue;
        }
        if out.last().is_some_and(|l| !l.is_empty()) {
            out.push(String::new());
        }
        for (k, (title, page)) in run.iter().enumerate() {
            out.push(format!("|{}|{page}|", title.replace('|', "\\|")));
            if k == 0 {
                out.push("|---|---|".to_string());
            }
        }
        i += run.len();
        if lines.get(i).is_some_and(|l| !l.trim().is_empty()) {
            out.push(String::new());
        }
    }
    out.join("\n")
}

/// An entry of a table of contents: its title and page ("xi", "23"), when
/// a leader of dots runs between them.
fn entry(line: &str) -> Option<(String, &str)> {
    let line = line.trim();
    let (rest, page) = line.rsplit_once(char::is_whitespace)?;
    let roman =
        page.chars().all(|c| "ivxlcdm".contains(c)) || page.chars().all(|c| "IVXLCDM".contains(c));
    let number = page.chars().all(|c| c.is_ascii_digit()) && page.len() <= 4;
    if page.is_empty() || !(roman || number) {
        return None;
    }
    let title = rest.trim_end_matches(|c: char| c == '.' || c == '…' || c.is_whitespace());
    let leader = &rest[title.len()..];
    let dots = leader.chars().filter(|&c| c == '.').count() + 3 * leader.matches('…').count();
    let title = title.trim();
    (dots >= LEADER_DOTS && !title.is_empty() && !title.starts_with('|'))
        .then(|| (title.to_string(), page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_with_dot_leaders_make_a_table_of_titles_and_pages() {
        let md = "## Contents\n\nNotices . . . . . . . . . . vii\nAuthors. . . . . . . . . xi\n\
                  1.1  Security fundamentals. . . . . . . . . 2\n2.1  Roles . . . . . . . . 8\n\n\
                  After . . . one, and 3 dots are no leader 4";
        assert_eq!(
            as_table(md),
            "## Contents\n\n|Notices|vii|\n|---|---|\n|Authors|xi|\n\
             |1.1  Security fundamentals|2|\n|2.1  Roles|8|\n\n\
             After . . . one, and 3 dots are no leader 4"
        );
        // Two entries, or a sentence ending in a number, stay lines.
        let two = "Notices . . . . . . vii\nAuthors . . . . . . xi\nThe total was 12";
        assert_eq!(as_table(two), two);
    }
}
