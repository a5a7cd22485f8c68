//! Heading lines that are not headings, back to text. pdf-inspector (and our
//! own hints) promote any short line set larger or bolder than the body; on
//! real documents that catches captions, authors' names, form checkboxes,
//! table cells, formulas and sentences broken over two bold lines. Measured on
//! docling's test PDFs: precision 0.34 before this pass.

/// Words that open a caption or a listing's title when a number follows.
const CAPTION_WORDS: &[&str] = &[
    "figure",
    "fig",
    "table",
    "example",
    "listing",
    "chart",
    "plate",
    "exhibit",
    "scheme",
    "algorithm",
    "abbildung",
    "tabelle",
    "tableau",
    "tabla",
    "tabella",
];

/// A heading with more words than this is a sentence set in bold.
const MAX_WORDS: usize = 16;

/// A run of at least this many name-shaped headings is a list of people.
const NAME_RUN: usize = 3;

/// `md` with every heading line that is not shaped like a heading made a
/// line of text.
pub fn demote(md: &str) -> String {
    if !md.contains('#') {
        return md.to_string();
    }
    let lines: Vec<&str> = md.lines().collect();
    let mut text: Vec<Option<&str>> = lines.iter().map(|l| heading_text(l)).collect();
    let headings: Vec<usize> = (0..lines.len()).filter(|&i| text[i].is_some()).collect();
    let mut plain = vec![false; lines.len()];
    for (k, &i) in headings.iter().enumerate() {
        let t = text[i].unwrap_or_default();
        if !plausible(t) && !chapter_number(t, headings.get(k + 1).map(|&j| &lines[i + 1..j])) {
            plain[i] = true;
        }
        // A sentence broken over two heading lines: the second goes on in
        // lower case.
        if let Some(&j) = headings.get(k + 1) {
            let adjacent = lines[i + 1..j].iter().all(|l| l.trim().is_empty());
            if adjacent && starts_lower(text[j].unwrap_or_default()) {
                plain[i] = true;
                plain[j] = true;
            }
        }
    }
    // Within a run of headings, consecutive name-shaped ones of one level.
    for run in runs(&headings, &lines) {
        let level = |i: usize| lines[i].len() - lines[i].trim_start_matches('#').len();
        let mut names: Vec<usize> = Vec::new();
        for &i in run.iter().chain(std::iter::once(&usize::MAX)) {
            let joins = i != usize::MAX
                && name_shaped(text[i].unwrap_or_default())
                && names.last().is_none_or(|&p| level(p) == level(i));
            if joins {
                names.push(i);
                continue;
            }
            if names.len() >= NAME_RUN {
                names.iter().for_each(|&n| plain[n] = true);
            }
            names.clear();
            if i != usize::MAX && name_shaped(text[i].unwrap_or_default()) {
                names.push(i);
            }
        }
    }
    labels(&headings, &lines, &mut plain);
    table_heads(&headings, &lines, &mut plain);
    inside_sentences(&headings, &lines, &mut plain);
    // Under the title, a deeper heading ending in a footnote mark ("김 창
    // 호*", "Jane Roe†"): its author, whose affiliation is in the footnote.
    for run in runs(&headings, &lines) {
        let level = |i: usize| lines[i].len() - lines[i].trim_start_matches('#').len();
        for pair in run.windows(2) {
            let t = text[pair[1]].unwrap_or_default();
            let marked = t.ends_with(['*', '†', '‡']) && t.split_whitespace().count() <= 4;
            if marked && level(pair[1]) > level(pair[0]) {
                plain[pair[1]] = true;
            }
        }
    }
    if let Some(&first) = headings.first() {
        let opens_page = lines[..first].iter().all(|l| l.trim().is_empty());
        if opens_page && running_title(text[first].unwrap_or_default()) {
            plain[first] = true;
        }
    }
    // Last, on what is left: a line gone back to text parts the headings
    // around it.
    let left: Vec<usize> = headings.iter().copied().filter(|&i| !plain[i]).collect();
    empty_sections(&left, &lines, &mut plain);
    let mut out = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        match text[i].take() {
            Some(t) if plain[i] => out.push(t.to_string()),
            _ => out.push(line.to_string()),
        }
    }
    out.join("\n")
}

/// A run of at least this many headings of one level with nothing between
/// them: the ones before the last open no section.
const EMPTY_RUN: usize = 3;

/// Headings of one level stacked with no text between them, three or more
/// (a cover's blurbs "Implement roles …", "Leverage row permissions …",
/// "Protect columns …"; a brochure's "Center of Excellence" over "Expert
/// help …" over "We build confident, satisfied clients"): a section holds
/// text, so all but the last are lines set large, not sections. Two in a
/// row stay (a chapter's number over its title), and so do top-level ones
/// (a document's title block: "COMITÉ DE DÉMOLITION" over "PROCÈS-VERBAL").
///
/// The last goes too when no section text follows it either: up to the next
/// heading, short lines only, none a sentence (the cover's names under its
/// blurbs, its imprint).
fn empty_sections(headings: &[usize], lines: &[&str], plain: &mut [bool]) {
    let level = |i: usize| lines[i].len() - lines[i].trim_start_matches('#').len();
    for run in runs(headings, lines) {
        for same in run.chunk_by(|&a, &b| level(a) == level(b)) {
            if same.len() >= EMPTY_RUN && level(same[0]) > 1 {
                same[..same.len() - 1].iter().for_each(|&h| plain[h] = true);
                let last = same[same.len() - 1];
                let end = headings
                    .iter()
                    .copied()
                    .find(|&h| h > last)
                    .unwrap_or(lines.len());
                if labels_only(&lines[last + 1..end]) {
                    plain[last] = true;
                }
            }
        }
    }
}

/// Some text, and all of it short lines that end no sentence (names, a
/// label, an imprint); heading marks and emphasis aside.
fn labels_only(lines: &[&str]) -> bool {
    let text: Vec<&str> = lines
        .iter()
        .map(|l| heading_text(l).unwrap_or(l).trim())
        .filter(|l| !l.is_empty())
        .collect();
    !text.is_empty()
        && text.iter().all(|l| {
            let l = l.trim_end_matches(['*', '_']);
            l.split_whitespace().count() <= LABEL_WORDS && !l.ends_with(['.', '?', '!', ':'])
        })
}

/// Blocks this short (in words) are labels, not a section's text.
const LABEL_WORDS: usize = 6;

/// Headings that label a figure or a diagram's callouts rather than open a
/// section: three or more in a row each followed by at most one short block
/// ("Names the row permission …" over `CREATE PERMISSION <name>`), or a short
/// one followed by short lines only up to a figure's caption ("Tightened
/// nut", "Keyway", "Figure 7-27. …").
fn labels(headings: &[usize], lines: &[&str], plain: &mut [bool]) {
    let blocks = |from: usize, to: usize| -> Vec<&str> {
        lines[from..to]
            .iter()
            .map(|l| l.trim())
            .filter(|l| !l.is_empty())
            .collect()
    };
    let short = |b: &str| b.split_whitespace().count() <= LABEL_WORDS && !b.ends_with('.');
    let ends: Vec<usize> = headings
        .iter()
        .skip(1)
        .copied()
        .chain(std::iter::once(lines.len()))
        .collect();
    let thin: Vec<bool> = headings
        .iter()
        .zip(&ends)
        .map(|(&h, &e)| {
            let body = blocks(h + 1, e);
            body.len() == 1 && short(body[0])
        })
        .collect();
    let mut k = 0;
    while k < headings.len() {
        let run = thin[k..].iter().take_while(|&&t| t).count();
        if run >= 3 {
            for &h in &headings[k..k + run] {
                plain[h] = true;
            }
        }
        k += run.max(1);
    }
    for &h in headings {
        let title = heading_text(lines[h]).unwrap_or_default();
        let body = blocks(h + 1, lines.len());
        // The caption may itself have been set as a heading.
        let captions = |b: &&str| {
            let words: Vec<&str> = b
                .split_whitespace()
                .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
                .filter(|w| !w.is_empty())
                .collect();
            (caption(&words), figure(&words))
        };
        let Some(c) = body.iter().position(|b| captions(b).0) else {
            continue;
        };
        if c > 8 {
            continue;
        }
        let before = &body[..c];
        if title.split_whitespace().count() <= 4 && before.iter().all(|b| short(b)) {
            plain[h] = true;
        }
        // A longer callout ("Specifies that the row permission is to be
        // initially enabled" over `ENABLE`): nothing up to the figure's
        // caption ends a sentence, so no paragraph of a section stands
        // between them. A numbered heading opens a section whatever follows.
        let sentence = |b: &&str| {
            let b = b.trim_end_matches(['*', '_']);
            b.ends_with(['.', '?', '!']) || [". ", "? ", "! "].iter().any(|e| b.contains(e))
        };
        if captions(&body[c]).1 && !numbered(title) && !before.iter().any(sentence) {
            plain[h] = true;
        }
    }
}

/// Caption words of a figure, whose caption stands below it.
const FIGURE_WORDS: &[&str] = &["figure", "fig", "abbildung", "chart", "exhibit", "scheme"];

/// A figure's caption: "Figure 3-1 …", "Fig. 4:".
fn figure(words: &[&str]) -> bool {
    let first = words.first().map(|w| w.to_lowercase());
    caption(words) && first.is_some_and(|w| FIGURE_WORDS.contains(&w.as_str()))
}

/// "3.2 Scope", "(1) Terms", "IV. Results": a section's number first.
fn numbered(title: &str) -> bool {
    let first = title.split_whitespace().next().unwrap_or_default();
    let core = first.trim_matches(|c: char| matches!(c, '(' | ')' | '.' | ':'));
    !core.is_empty()
        && (core.chars().all(|c| c.is_ascii_digit() || c == '.')
            || (first.ends_with('.') && core.chars().all(|c| "IVXLC".contains(c))))
}

/// Caption words of a table: its caption stands above it, where a figure's
/// stands below (a heading after a figure's caption opens a section).
const TABLE_WORDS: &[&str] = &["table", "tabelle", "tableau", "tabla", "tabella"];

/// Headings right under a table's caption ("Table 2-2 Comparison …" over
/// "User action"): the table's header row set in bold, not a section.
fn table_heads(headings: &[usize], lines: &[&str], plain: &mut [bool]) {
    for &h in headings {
        let above = lines[..h]
            .iter()
            .rev()
            .map(|l| l.trim())
            .find(|l| !l.is_empty());
        let Some(above) = above else { continue };
        // The caption may itself have been set as a heading (and go back to
        // text for it).
        let above = heading_text(above).unwrap_or(above);
        let above = above.trim_matches(|c: char| c == '*' || c == '_');
        let words: Vec<&str> = above
            .split_whitespace()
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
            .collect();
        let table = words
            .first()
            .is_some_and(|w| TABLE_WORDS.contains(&w.to_lowercase().as_str()));
        if table && caption(&words) {
            plain[h] = true;
        }
    }
}

/// Headings whose text goes on in lower case below them: the start of a
/// sentence set in bold ("Universities" / "also provide specialisation
/// studies …"; "About 8% of those who use drugs, take drugs on a daily" /
/// "basis while …"), or a sidebar's line drawn into a column of text ("…
/// transparent way. This" / "Leverage row" / "publication helps you …"). A
/// section's text starts a sentence. A numbered heading opens a section
/// whatever follows (demo1's "2.2. Zero flow day analysis" between the two
/// halves of a sentence that runs from one column to the next).
fn inside_sentences(headings: &[usize], lines: &[&str], plain: &mut [bool]) {
    for &h in headings {
        if numbered(heading_text(lines[h]).unwrap_or_default()) {
            continue;
        }
        let below = lines[h + 1..]
            .iter()
            .map(|l| l.trim())
            .find(|l| !l.is_empty());
        let goes_on = below.is_some_and(|b| {
            b.trim_start_matches(['*', '_'])
                .chars()
                .next()
                .is_some_and(char::is_lowercase)
        });
        if goes_on {
            plain[h] = true;
        }
    }
}

/// A page's first line that is a title followed by a page number ("Optimized
/// Table Tokenization for Table Structure Recognition 9"): the running header
/// of a page taken alone, where no other page shows it repeat. A section's
/// number comes first ("9 Conclusion"), and a chapter's after its word
/// ("Chapter 9"), so three title words then a bare number are a header (up
/// to three digits: "Economic Outlook Report 2023" is a title).
fn running_title(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    let Some((last, title)) = words.split_last() else {
        return false;
    };
    let number = (1..=3).contains(&last.len()) && last.chars().all(|c| c.is_ascii_digit());
    let numbered = |w: &str| w.chars().next().is_some_and(|c| c.is_ascii_digit());
    number
        && title.len() >= 3
        && !title.iter().any(|w| numbered(w))
        && title.iter().filter(|w| starts_upper(w)).count() * 2 > title.len()
}

fn starts_upper(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// The text of a markdown heading line, without its marks.
fn heading_text(line: &str) -> Option<&str> {
    let hashes = line.len() - line.trim_start_matches('#').len();
    if !(1..=6).contains(&hashes) || !line[hashes..].starts_with(' ') {
        return None;
    }
    Some(line[hashes..].trim())
}

/// Runs of heading lines with nothing but blank lines between them.
fn runs(headings: &[usize], lines: &[&str]) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut prev: Option<usize> = None;
    for &i in headings {
        let joined = prev.is_some_and(|p| lines[p + 1..i].iter().all(|l| l.trim().is_empty()));
        match out.last_mut() {
            Some(run) if joined => run.push(i),
            _ => out.push(vec![i]),
        }
        prev = Some(i);
    }
    out
}

/// A chapter's number as a heading of its own ("1"), over its title: the
/// next heading follows with at most one short line between ("Chapter 1.").
fn chapter_number(text: &str, to_next: Option<&[&str]>) -> bool {
    let number = (1..=2).contains(&text.len()) && text.chars().all(|c| c.is_ascii_digit());
    let lines: Vec<&str> = to_next
        .unwrap_or_default()
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect();
    let close = to_next.is_some()
        && lines.len() <= 1
        && lines.iter().all(|l| l.split_whitespace().count() <= 3);
    number && close
}

fn plausible(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    // A form's checkbox glyph (often a private-use codepoint of a symbol font).
    if is_box(first) {
        return false;
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() > MAX_WORDS || starts_lower(text) || text.ends_with([',', ';']) {
        return false;
    }
    if caption(&words)
        || quantity(&words)
        || formula_or_code(text)
        || repeated(&words)
        || ends_mid_sentence(&words)
        || authors(text)
    {
        return false;
    }
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    let visible = text.chars().filter(|c| !c.is_whitespace()).count();
    letters * 2 >= visible
}

fn is_box(c: char) -> bool {
    c.is_control()
        || ('\u{e000}'..='\u{f8ff}').contains(&c)
        || matches!(c, '☐' | '☑' | '☒' | '□' | '■' | '▪' | '○')
}

/// Ends on a word that cannot end an English title: the line breaks a
/// sentence ("… (e.g. public defender), do the").
fn ends_mid_sentence(words: &[&str]) -> bool {
    const OPEN: &[&str] = &[
        "the", "a", "an", "of", "to", "and", "or", "for", "in", "with", "by", "on", "at", "from",
        "that", "is", "are", "it", "be", "as", "than", "into", "whether",
    ];
    words.len() >= 4 && words.last().is_some_and(|w| OPEN.contains(w))
}

/// Begins with a lower-case letter of a cased script ("are there …").
fn starts_lower(text: &str) -> bool {
    text.chars()
        .find(|c| c.is_alphanumeric())
        .is_some_and(char::is_lowercase)
}

/// "Figure 1-2 Existing controls", "Table 3.1", "Fig. 4:": a caption word and
/// then something numbered.
pub(super) fn caption(words: &[&str]) -> bool {
    let (Some(first), Some(second)) = (words.first(), words.get(1)) else {
        return false;
    };
    let word = first.trim_end_matches(['.', ':']).to_lowercase();
    CAPTION_WORDS.contains(&word.as_str())
        && second.chars().next().is_some_and(|c| c.is_ascii_digit())
}

/// Ends on a measured amount, a percentage or a number grouped by
/// thousands ("COMPLÈTEMENT EN ACCORD 62%", "Grand Total 23.900"): a chart's
/// label or a table's total row set in bold. A title may end on a plain
/// number ("Report 2023", "Python 3.12").
fn quantity(words: &[&str]) -> bool {
    let Some(last) = words.last() else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if let Some(n) = last.strip_suffix('%') {
        return digits(&n.replace(['.', ','], ""));
    }
    let groups: Vec<&str> = last.split(['.', ',']).collect();
    groups.len() >= 2
        && (1..=3).contains(&groups[0].len())
        && groups.iter().all(|g| digits(g))
        && groups[1..].iter().all(|g| g.len() == 3)
}

/// "a² + 8 = 12", "CHGFCNUSG FCNID(QIBM_DB_SECADM)", "F('A', 'B')".
fn formula_or_code(text: &str) -> bool {
    let call = text
        .as_bytes()
        .windows(2)
        .any(|w| (w[0].is_ascii_alphanumeric() || w[0] == b'_') && w[1] == b'(');
    text.contains('=') || call || text.matches('\'').count() >= 2
}

/// "ENFORCED FOR ALL ACCESS ENFORCED FOR ALL ACCESS": one cell drawn twice.
fn repeated(words: &[&str]) -> bool {
    let n = words.len();
    n >= 2 && n.is_multiple_of(2) && words[..n / 2] == words[n / 2..]
}

/// "Jim Bainbridge", "Mary-Ann O'Neil": two to four capitalised words, no
/// digits, short.
/// A line of names ("Patrick N.J. Lane, Klaus Hickel, Lu Zhang"): parts
/// parted by commas or "and", each name-shaped, three at least or one with
/// an initial.
fn authors(text: &str) -> bool {
    let parts: Vec<&str> = text
        .split([',', '&'])
        .flat_map(|p| p.split(" and "))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let initial = |p: &&str| {
        p.split_whitespace().any(|w| {
            let letters = w.chars().filter(|c| c.is_alphabetic()).count();
            w.ends_with('.') && (1..=3).contains(&letters)
        })
    };
    parts.len() >= 2
        && parts.iter().all(|p| name_shaped(p))
        && (parts.len() >= 3 || parts.iter().any(initial))
}

fn name_shaped(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    (2..=4).contains(&words.len())
        && text.chars().count() <= 32
        && words.iter().all(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                && w.chars()
                    .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’' | '.'))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each of `mds` comes out of `demote` as it went in.
    fn unchanged(mds: &[&str]) {
        for md in mds {
            assert_eq!(demote(md), *md);
        }
    }

    #[test]
    fn headings_shaped_like_headings_stay() {
        let text = "A paragraph of text that goes on for a while.";
        let md = format!("# 1.1 Security fundamentals\n\n{text}\n\n## Center of Excellence\n\n{text}\n\n## 3.3 VERIFY_GROUP_FOR_USER function\n\n{text}\n\n## Acknowledgements");
        assert_eq!(demote(&md), md);
    }

    #[test]
    fn captions_formulas_code_and_checkboxes_become_text() {
        for (heading, text) in [
            (
                "## Figure 1-2 Existing row and column controls",
                "Figure 1-2 Existing row and column controls",
            ),
            (
                "## Table 2-1 FUNCTION_USAGE view",
                "Table 2-1 FUNCTION_USAGE view",
            ),
            ("## a² + 8 = 12", "a² + 8 = 12"),
            (
                "### CHGFCNUSG FCNID(QIBM_DB_SECADM) USAGE(*ALLOWED)",
                "CHGFCNUSG FCNID(QIBM_DB_SECADM) USAGE(*ALLOWED)",
            ),
            (
                "# \u{f06f} No, it is up to the discretion of each university",
                "\u{f06f} No, it is up to the discretion of each university",
            ),
            (
                "## ENFORCED FOR ALL ACCESS ENFORCED FOR ALL ACCESS",
                "ENFORCED FOR ALL ACCESS ENFORCED FOR ALL ACCESS",
            ),
            (
                "## 26. If your country allows legal aid services through clinics,",
                "26. If your country allows legal aid services through clinics,",
            ),
            ("#  \u{84}\u{84} Don’t know", "\u{84}\u{84} Don’t know"),
            (
                "## 24. If your country has a provider (e.g. public defender), do the",
                "24. If your country has a provider (e.g. public defender), do the",
            ),
        ] {
            assert_eq!(demote(heading), text);
        }
    }

    #[test]
    fn a_label_ending_on_a_percentage_or_a_total_is_not_a_heading() {
        for (heading, text) in [
            (
                "## COMPLÈTEMENT EN ACCORD 62%",
                "COMPLÈTEMENT EN ACCORD 62%",
            ),
            (
                "## LES RAISONS ÉCONOMIQUES 0%",
                "LES RAISONS ÉCONOMIQUES 0%",
            ),
            ("## Grand Total 23.900", "Grand Total 23.900"),
            ("## Total 1,250,000", "Total 1,250,000"),
        ] {
            assert_eq!(demote(heading), text);
        }
        unchanged(&[
            "# Economic Outlook Report 2023",
            "## What is new in Python 3.12",
            "## 2.1.3 Scope",
        ]);
    }

    #[test]
    fn a_sentence_over_two_heading_lines_becomes_text() {
        let md = "## 23. If your country has a provider, what is\n## the maximum caseload per lawyer?\n\nbody";
        assert_eq!(
            demote(md),
            "23. If your country has a provider, what is\nthe maximum caseload per lawyer?\n\nbody"
        );
    }

    #[test]
    fn a_line_of_authors_is_not_a_heading() {
        let md = "# The response of flow duration curves\n\n## Patrick N.J. Lane, Klaus Hickel, Lu Zhang\n\n## Data Collection, Model Fitting\n\n## Rivers and Lakes";
        assert_eq!(
            demote(md),
            "# The response of flow duration curves\n\nPatrick N.J. Lane, Klaus Hickel, Lu Zhang\n\n## Data Collection, Model Fitting\n\n## Rivers and Lakes"
        );
    }

    #[test]
    fn figure_labels_and_callouts_are_not_headings() {
        let md = "**Figure 7-26.** *Self-locking nuts.*\n\n## Untightened nut\n\nLocking shoulder\n\nKeyway\n\n## Tightened nut\n\n**Figure 7-27.** *Stainless steel self-locking nut.*\n\n## Installing nuts\n\nThe nut is turned until it seats.";
        let out = demote(md);
        assert!(
            out.contains("\nUntightened nut\n") && out.contains("\nTightened nut\n"),
            "{out}"
        );
        assert!(out.contains("## Installing nuts"), "{out}");
        let callouts = "## Names the row permission\n\nCREATE PERMISSION <name>\n\n## Identifies the table\n\nON <table>\n\n## Indicates a row permission\n\nFOR ROWS\n\n## Next section\n\nA paragraph of text that goes on for a while.";
        let out = demote(callouts);
        assert!(
            !out.contains("## Names") && !out.contains("## Identifies"),
            "{out}"
        );
        assert!(out.contains("## Next section"), "{out}");
    }

    #[test]
    fn stacked_headings_of_one_level_are_not_empty_sections() {
        let stack = "# Row and Column Access Control\n\n#### Implement roles and separation of duties\n\n#### Leverage row permissions on the database\n\n#### Protect columns by defining column masks";
        let md = format!("{stack}\n\nThe columns of a table are masked by rules.");
        assert_eq!(
            demote(&md),
            "# Row and Column Access Control\n\nImplement roles and separation of duties\n\nLeverage row permissions on the database\n\n#### Protect columns by defining column masks\n\nThe columns of a table are masked by rules."
        );
        // With only names and an imprint under it, the last opens no section
        // either.
        let md = format!("{stack}\n\n##### Jim Bainbridge\n\n##### Hernando Bedoya\n\n##### Rob Bestgen\n\n**ibm.com**/redbooks **Redpaper**");
        assert_eq!(
            demote(&md),
            "# Row and Column Access Control\n\nImplement roles and separation of duties\n\nLeverage row permissions on the database\n\nProtect columns by defining column masks\n\nJim Bainbridge\n\nHernando Bedoya\n\nRob Bestgen\n\n**ibm.com**/redbooks **Redpaper**"
        );
        // A title over its first section, and two of one level, stay.
        unchanged(&[
            "# Report\n\n## 1 Scope\n\n### 1.1 Terms\n\nText.",
            "## Chapter 1\n\n## Getting started\n\nText.",
            "# COMITÉ DE DÉMOLITION\n\n# PROCÈS-VERBAL Séance publique\n\n# Présences\n\nText.",
        ]);
    }

    #[test]
    fn a_figure_s_longer_callouts_above_its_caption_are_not_headings() {
        let md = "The statement is shown in Figure 3-1.\n\n## Indicates that a row permission is created\n\nFOR ROWS Specifies a condition that can be true, false, or unknown\nWHERE <logic to test>\n\n## Specifies that the row permission is to be initially enabled\n\nENABLE\nDISABLE;\n\n## Figure 3-1 CREATE PERMISSION SQL statement\n\n## Column mask\n\nA column mask is a database object.";
        let out = demote(md);
        assert!(
            !out.contains("## Indicates") && !out.contains("## Specifies"),
            "{out}"
        );
        assert!(out.contains("## Column mask"), "{out}");
        // A section whose text comes before its figure, a numbered one, and
        // one over a table's caption stay.
        unchanged(&[
            "## Security model overview\n\nThe model has three parts.\n\nlabel\n\nFigure 2 The model",
            "## Elastic Stop Nut\n\nThe elastic stop nut is a standard nut with the height increased to accommodate a fiber locking collar. This\n\nNut case\n\nFigure 7-26. Self-locking nuts.",
            "## 3.2 Architecture of the system\n\nCREATE\n\nFigure 3-2 The system",
            "## Functions and their usage identifiers\n\nTable 2-1 FUNCTION_USAGE view",
        ]);
    }

    #[test]
    fn a_table_s_header_row_under_its_caption_is_not_a_heading() {
        let md = "## Table 2-2 Comparison of the function usage IDs\n\n## User action\n\n|a|b|\n|---|---|\n\nFigure 3-1 CREATE PERMISSION SQL statement\n\n## Column mask\n\nA column mask is a database object.";
        let out = demote(md);
        assert!(out.contains("\nUser action\n"), "{out}");
        assert!(out.contains("## Column mask"), "{out}");
    }

    #[test]
    fn a_page_s_title_and_page_number_on_top_is_a_header_not_a_heading() {
        let md = "## Optimized Table Tokenization for Table Structure Recognition 9\n\norder to compute the score.\n\n### 5.1 Hyper Parameter Optimization";
        assert_eq!(
            demote(md),
            "Optimized Table Tokenization for Table Structure Recognition 9\n\norder to compute the score.\n\n### 5.1 Hyper Parameter Optimization"
        );
        for kept in [
            "# Chapter 9\n\nText.",
            "# Economic Outlook Report 2023\n\nText.",
            "## 9 Conclusion\n\nText.",
            "Text first.\n\n## Results of the Second Trial 2\n\nText.",
        ] {
            assert_eq!(demote(kept), kept);
        }
    }

    #[test]
    fn an_author_marked_for_a_footnote_under_the_title_is_not_a_heading() {
        let md = "# 코로나-19 관련 보험약관상 재해보험금 지급문제\n\n#### 김 창 호*\n\nBody.\n\n## Results*\n\nMore.";
        assert_eq!(
            demote(md),
            "# 코로나-19 관련 보험약관상 재해보험금 지급문제\n\n김 창 호*\n\nBody.\n\n## Results*\n\nMore."
        );
    }

    #[test]
    fn a_question_broken_after_its_pronoun_is_not_a_heading() {
        let md = "## 25. If your country has an institutional legal aid provider, does it";
        assert_eq!(
            demote(md),
            "25. If your country has an institutional legal aid provider, does it"
        );
    }

    #[test]
    fn a_heading_that_parts_a_sentence_is_text() {
        let md = "It offers a description of the function in a transparent way. This\n\n#### Leverage row\n\npublication helps you understand the capabilities.";
        assert_eq!(
            demote(md),
            "It offers a description of the function in a transparent way. This\n\nLeverage row\n\npublication helps you understand the capabilities."
        );
        assert_eq!(
            demote("## Universities\n\nalso provide specialisation studies."),
            "Universities\n\nalso provide specialisation studies."
        );
        // Before a sentence's start, a list, a link, a section.
        unchanged(&[
            "The paragraph ends on a word\n\n## Leverage row\n\nPermissions start a sentence.",
            "## Leverage row\n\n- permissions in a list",
            "## Leverage row\n\n<u>link</u> text",
            "Y gives\n\n## 2.2. Zero flow day analysis\n\nthe magnitude of change.",
        ]);
    }

    #[test]
    fn a_list_of_names_is_not_a_run_of_headings() {
        let md = "# Title Of The Paper\n\n##### Jim Bainbridge\n\n##### Hernando Bedoya\n\n##### Rob Bestgen\n\n## Contents";
        assert_eq!(
            demote(md),
            "# Title Of The Paper\n\nJim Bainbridge\n\nHernando Bedoya\n\nRob Bestgen\n\n## Contents"
        );
        // Two headings in a row (a title and its first section) stay.
        let md = "# Kalomi Nerutavi\n\n## Sotape Duga\n\nBody text.";
        assert_eq!(demote(md), md);
    }
}
