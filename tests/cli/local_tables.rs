//! `-p local` tables on generated pages: what a page's rules and columns
//! make a table of, and what they do not.

use crate::harness::{stderr_of, stdout_of, Env};
use crate::local::{file, local};
use crate::support::pdfgen::{pages_pdf, Page};

fn markdown(ops: &str) -> String {
    let env = Env::new();
    let path = file(&env, "page.pdf", &pages_pdf(&[Page::Ops(ops)]));
    let out = local(&env).arg("ocr").arg(&path).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    stdout_of(&out)
}

/// Three columns of prose parted by rules, as pdfplumber's
/// federal-register-2020-17221.pdf sets its first pages: pdf-inspector made
/// one table of them, a row a line across the three columns.
#[test]
fn three_columns_of_prose_parted_by_rules_are_text_in_column_order() {
    const WORDS: [&str; 8] = [
        "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
    ];
    let mut ops = String::from("0.5 w 222 300 m 222 700 l S 414 300 m 414 700 l S BT /F1 8 Tf\n");
    let mut columns: Vec<Vec<String>> = Vec::new();
    for (c, x) in [40, 232, 424].into_iter().enumerate() {
        let mut lines = Vec::new();
        for k in 0..14 {
            let words: Vec<&str> = (0..6).map(|j| WORDS[(k * 3 + c * 5 + j) % 8]).collect();
            let mut text = format!("col{c}line{k} {}", words.join(" "));
            if k % 5 == 4 {
                text = format!("col{c}line{k} ends here.");
            }
            ops.push_str(&format!("1 0 0 1 {x} {} Tm ({text}) Tj\n", 690 - 11 * k));
            lines.push(text);
        }
        columns.push(lines);
    }
    ops.push_str("ET");
    let md = markdown(&ops);
    assert!(!md.lines().any(|l| l.starts_with('|')), "{md}");
    let column_text: Vec<String> = columns.iter().map(|c| c.join("\n")).collect();
    let at: Vec<usize> = column_text
        .iter()
        .map(|c| {
            md.find(c.as_str())
                .unwrap_or_else(|| panic!("{c}\n--\n{md}"))
        })
        .collect();
    assert!(at[0] < at[1] && at[1] < at[2], "{md}");
}

/// Rules under the header and under each group of rows, none between the
/// rows of a group, as pdfplumber's issue-53-example.pdf: each row of
/// figures is a row of the table ("FY2013 FY2014" came out in one cell).
#[test]
fn rows_ruled_apart_in_groups_are_rows_of_the_table() {
    let groups: [&[[&str; 3]]; 3] = [
        &[["Year", "Passengers", "Load"]],
        &[
            ["FY2013", "7,723,293", "76.5"],
            ["FY2014", "7,793,704", "75.7"],
        ],
        &[
            ["Apr-2015", "653,278", "74.9"],
            ["May-2015", "686,908", "77.7"],
            ["Jun-2015", "667,181", "81.2"],
        ],
    ];
    let mut ops = String::from("0.5 w\n");
    let mut y = 700;
    let mut text = String::from("BT /F1 10 Tf\n");
    ops.push_str(&format!("72 {y} m 400 {y} l S\n"));
    for rows in groups {
        for row in rows {
            for (c, cell) in row.iter().enumerate() {
                let x = [76, 184, 304][c];
                text.push_str(&format!("1 0 0 1 {x} {} Tm ({cell}) Tj\n", y - 12));
            }
            y -= 14;
        }
        y -= 4;
        ops.push_str(&format!("72 {y} m 400 {y} l S\n"));
    }
    for x in [72, 180, 300, 400] {
        ops.push_str(&format!("{x} {y} m {x} 700 l S\n"));
    }
    ops.push_str(&text);
    ops.push_str("ET");
    let md = markdown(&ops);
    assert!(
        md.contains(
            "|Year|Passengers|Load|\n|---|---|---|\n|FY2013|7,723,293|76.5|\n|FY2014|7,793,704|75.7|\n\
             |Apr-2015|653,278|74.9|\n|May-2015|686,908|77.7|\n|Jun-2015|667,181|81.2|"
        ),
        "{md}"
    );
}

/// A list whose names run to two lines with each row's number set midway
/// beside them, every glyph shown on its own (olmOCR's
/// `lots_of_sci_tables`, an EU chemicals list in 7.8 pt type on a 7.8 pt
/// pitch): the number lies within a line's reach of both lines of its
/// name, which made one line through it, their glyphs interleaved:
/// "Pohliegonm ole" (mend 45). Each name reads in order.
#[test]
fn names_of_two_lines_beside_a_number_set_midway_read_in_order() {
    const ROWS: [(&str, &str, &str); 4] = [
        (
            "219",
            "Phenol, alkylation products with",
            "oligomerisation, covering isomers",
        ),
        (
            "218",
            "Orthoboric acid, sodium salt and",
            "combinations of its hydrates thereof",
        ),
        (
            "217",
            "Perfluoroheptanoic acid and its",
            "salts, ammonium perfluoroheptanoate",
        ),
        (
            "216",
            "Hexahydromethylphthalic anhydride",
            "covering any individual isomers",
        ),
    ];
    // Helvetica's advances, in thousandths of an em.
    let advance = |c: char| match c {
        'f' | 't' | ' ' | ',' | 'I' => 278.0,
        'i' | 'j' | 'l' => 222.0,
        'r' => 333.0,
        'c' | 'k' | 's' | 'v' | 'x' | 'y' | 'z' => 500.0,
        'm' => 833.0,
        'w' => 722.0,
        'C' | 'D' | 'H' => 722.0,
        'O' => 778.0,
        'P' => 667.0,
        _ => 556.0,
    };
    let mut ops = String::from("BT /F1 7.8 Tf\n");
    for (r, (number, first, second)) in ROWS.iter().enumerate() {
        let top = 700.0 - 24.0 * r as f64;
        ops.push_str(&format!("1 0 0 1 90 {:.2} Tm ({number}) Tj\n", top - 3.9));
        for (line, y) in [(first, top), (second, top - 7.8)] {
            let mut x = 120.0;
            for c in line.chars() {
                if c != ' ' {
                    ops.push_str(&format!("1 0 0 1 {x:.2} {y:.2} Tm ({c}) Tj\n"));
                }
                x += advance(c) * 7.8 / 1000.0;
            }
        }
        ops.push_str(&format!(
            "1 0 0 1 330 {:.2} Tm (20{r}-453-1) Tj\n",
            top - 3.9
        ));
    }
    ops.push_str("ET");
    let md = markdown(&ops);
    for (number, first, second) in ROWS {
        assert!(md.contains(first), "{number}'s first line:\n{md}");
        assert!(md.contains(second), "{number}'s second line:\n{md}");
    }
}
