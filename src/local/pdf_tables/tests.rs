use super::*;

/// A line of cells given as (text, x0) at baseline `y`, 8 pt text, each
/// character 4 pt wide.
fn line(y: f32, cells: &[(&str, f32)]) -> Line {
    Line {
        cells: cells
            .iter()
            .map(|&(text, x0)| Cell {
                text: text.to_string(),
                x0,
                x1: x0 + 4.0 * text.chars().count() as f32,
            })
            .collect(),
        y,
        height: 8.0,
    }
}

#[test]
fn aligned_columns_make_a_table_with_a_spanning_header_and_a_two_line_label() {
    let lines = vec![
        line(700.0, &[("Greenhouse gases", 120.0)]),
        line(676.0, &[("THRESHOLD FOR RELEASES", 300.0)]),
        line(
            666.0,
            &[("to air", 286.0), ("to water", 365.0), ("to land", 448.0)],
        ),
        line(
            656.0,
            &[
                ("Carbon dioxide", 100.0),
                ("100", 290.0),
                ("-", 382.0),
                ("-", 462.0),
            ],
        ),
        line(
            646.0,
            &[
                ("Methane", 100.0),
                ("100 000", 282.0),
                ("-", 382.0),
                ("-", 462.0),
            ],
        ),
        // The label over two lines, its values centred between them.
        line(636.0, &[("Chlorine and compounds", 100.0)]),
        line(631.0, &[("10 000", 284.0), ("-", 382.0), ("-", 462.0)]),
        line(626.0, &[("(as HCl)", 100.0)]),
        // Drawn as one run: the values spread over the empty columns.
        line(616.0, &[("Halons", 100.0), ("1 - -", 290.0)]),
        line(580.0, &[("Other gases", 120.0)]),
    ];
    let tables = find(&lines);
    assert_eq!(tables.len(), 1, "{tables:#?}");
    let rows: Vec<Vec<&str>> = tables[0]
        .rows
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    assert_eq!(
        rows,
        vec![
            vec!["", "THRESHOLD FOR RELEASES", "", ""],
            vec!["", "to air", "to water", "to land"],
            vec!["Carbon dioxide", "100", "-", "-"],
            vec!["Methane", "100 000", "-", "-"],
            vec!["Chlorine and compounds (as HCl)", "10 000", "-", "-"],
            vec!["Halons", "1", "-", "-"],
        ]
    );
}

fn texts(table: &Table) -> Vec<Vec<&str>> {
    table
        .rows
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect()
}

#[test]
fn a_table_beside_a_column_of_text_is_read_without_the_text() {
    // As in docling's table_mislabeled_as_picture.pdf (two pages on one
    // sheet): options of a form on the left, some on the table's
    // baselines, a table on the right.
    let mut lines = vec![
        line(
            716.0,
            &[
                ("es or suspected and accused children?", 148.0),
                ("State funded", 1049.0),
                ("CSOs", 1135.0),
            ],
        ),
        line(706.0, &[("legal aid", 1058.0)]),
    ];
    let groups = [
        "Persons with disabilities",
        "Children",
        "Women",
        "The elderly",
        "Migrants",
    ];
    for (k, group) in groups.iter().enumerate() {
        let y = 692.0 - 14.0 * k as f32;
        let mut cells = vec![("yy", 774.0), (*group, 792.0), ("*", 1071.0), ("*", 1141.0)];
        if k < 3 {
            cells.insert(
                0,
                (
                    ["Yes, at the national level", "Yes, at regional level", "No"][k],
                    166.0,
                ),
            );
        }
        lines.push(line(y, &cells));
    }
    for k in 0..4 {
        lines.push(line(
            500.0 - 12.0 * k as f32,
            &[("the form goes on with its next question", 130.0)],
        ));
    }
    let tables = page_tables(&lines);
    assert_eq!(tables.len(), 1, "{tables:#?}");
    // pdf-inspector's markdown has the blocks apart: the table found
    // across them is not there, the one read on the right side is.
    let md = "Yes, at the national level\n\nYes, at regional level\n\nNo\n\n\
              ## 28. Are services provided to groups?\n\nState funded CSOs legal aid\n\nyy Persons with disabilities * * yy Children * * \
              yy Women * * yy The elderly * * yy Migrants * *\n\nAfter.";
    assert_eq!(
        apply(md, &tables),
        "Yes, at the national level\n\nYes, at regional level\n\nNo\n\n\
         ## 28. Are services provided to groups?\n\n|||State funded legal aid|CSOs|\n|---|---|---|---|\n\
         |yy|Persons with disabilities|*|*|\n|yy|Children|*|*|\n|yy|Women|*|*|\n\
         |yy|The elderly|*|*|\n|yy|Migrants|*|*|\n\nAfter."
    );
    // A table whose rows hold cells on both sides of a wide gap stays whole.
    let table: Vec<Line> = (0..6)
        .map(|k| {
            line(
                700.0 - 12.0 * k as f32,
                &[("Region", 60.0), ("12.5", 600.0), ("13.1", 660.0)],
            )
        })
        .collect();
    let tables = page_tables(&table);
    assert_eq!(tables.len(), 1);
    assert_eq!(texts(&tables[0])[0], vec!["Region", "12.5", "13.1"]);
}

#[test]
fn a_caption_a_header_of_close_lines_and_two_columns_run_together_are_read() {
    // As in docling's 2305.03393v1-pg9: the caption just above, a header
    // of three lines 5 pt apart (closer than a line), the first two
    // columns' headers drawn as one run over their values, and each
    // group's values centred between its two rows.
    let mut lines = vec![
        line(
            458.0,
            &[("Table 1.", 100.0), ("HPO performed in OTSL", 150.0)],
        ),
        line(
            444.0,
            &[("#", 118.0), ("#", 162.0), ("TEDs", 250.0), ("mAP", 360.0)],
        ),
        line(439.0, &[("Language", 200.0)]),
        line(
            434.0,
            &[
                ("enc-layers dec-layers", 100.0),
                ("simple", 250.0),
                ("complex", 290.0),
                ("(0.75)", 360.0),
            ],
        ),
    ];
    for (k, (enc, dec)) in [("6", "6"), ("4", "2")].into_iter().enumerate() {
        let y = 418.0 - 26.0 * k as f32;
        let row = |y: f32, name: &'static str, v: &'static str| {
            line(
                y,
                &[
                    (name, 200.0),
                    (v, 250.0),
                    (v, 290.0),
                    (v, 360.0),
                    (v, 400.0),
                ],
            )
        };
        lines.push(row(y, "OTSL", "0.9"));
        lines.push(line(y - 5.0, &[(enc, 118.0), (dec, 162.0)]));
        lines.push(row(y - 13.0, "HTML", "0.8"));
    }
    let tables = find(&lines);
    assert_eq!(tables.len(), 1, "{tables:#?}");
    let rows = texts(&tables[0]);
    assert_eq!(
        rows[0],
        vec![
            "# enc-layers",
            "# dec-layers",
            "Language",
            "TEDs simple",
            "complex",
            "mAP (0.75)",
            ""
        ]
    );
    assert_eq!(rows[1], vec!["6", "6", "OTSL", "0.9", "0.9", "0.9", "0.9"]);
    assert_eq!(rows[2], vec!["", "", "HTML", "0.8", "0.8", "0.8", "0.8"]);
    assert_eq!(rows[3][..3], ["4", "2", "OTSL"]);
    assert_eq!(rows.len(), 5);
}

#[test]
fn a_header_further_from_its_rows_than_a_row_gap_is_one_table_with_them() {
    // As in ICDAR's eu-018: years over pairs of columns, a label over
    // two lines and "N % Pos" under each year, 18 pt above the first
    // row of 8 pt text (more than a row gap: a table of its own).
    let mut lines = vec![
        line(410.0, &[("2007", 245.0), ("2006", 302.0)]),
        line(403.0, &[("Sample", 158.0)]),
        line(399.0, &[("Country", 96.0)]),
        line(395.0, &[("unit", 164.0), ("size", 201.0)]),
        line(
            388.0,
            &[
                ("N", 237.0),
                ("% Pos", 257.0),
                ("N", 294.0),
                ("% Pos", 314.0),
            ],
        ),
    ];
    for (k, country) in ["Estonia", "Germany", "Hungary", "Italy"]
        .iter()
        .enumerate()
    {
        lines.push(line(
            370.0 - 14.0 * k as f32,
            &[
                (country, 89.0),
                ("Single", 157.0),
                ("25g", 201.0),
                ("35", 237.0),
                ("0", 265.0),
                ("43", 294.0),
                ("0", 322.0),
            ],
        ));
    }
    let tables = find(&lines);
    assert_eq!(tables.len(), 1, "{tables:#?}");
    let rows = texts(&tables[0]);
    assert_eq!(rows[0][3], "2007 N", "{rows:?}");
    assert_eq!(
        rows[rows.len() - 1],
        vec!["Italy", "Single", "25g", "35", "0", "43", "0"]
    );
}

#[test]
fn prose_two_columns_of_it_and_lists_are_not_tables() {
    // Justified text: wide word gaps, at places that do not line up.
    let justified: Vec<Line> = (0..8)
        .map(|k| {
            let a = 120.0 + 4.0 * ((k * 37) % 23) as f32;
            let b = a + 90.0 + 4.0 * ((k * 17) % 19) as f32;
            let words = |from: f32, to: f32| "w".repeat(((to - from) / 4.0) as usize - 3);
            line(
                700.0 - 12.0 * k as f32,
                &[
                    (&words(60.0, a), 60.0),
                    (&words(a, b), a),
                    (&words(b, 400.0), b),
                ],
            )
        })
        .collect();
    assert!(find(&justified).is_empty());
    // Two columns of running text.
    let columns: Vec<Line> = (0..8)
        .map(|k| {
            line(
                700.0 - 12.0 * k as f32,
                &[
                    ("the left column runs on here with words", 60.0),
                    ("while the right column has its own", 320.0),
                ],
            )
        })
        .collect();
    assert!(find(&columns).is_empty());
    // A numbered list with hanging indents.
    let list: Vec<Line> = (0..5)
        .map(|k| {
            line(
                700.0 - 12.0 * k as f32,
                &[(["1.", "2.", "3.", "4.", "5."][k], 60.0), ("an item", 90.0)],
            )
        })
        .collect();
    assert!(find(&list).is_empty());
}

#[test]
fn columns_of_running_text_side_by_side_are_not_a_table() {
    // As pdfplumber's federal-register-2020-17221.pdf: three columns of
    // prose parted by rules, lines of five or six words, many carrying on
    // the sentence above in lower case.
    let text = [
        "This section of the notices",
        "contains notices to the public",
        "of the proposed issuance of",
        "rules and regulations. The",
        "purpose of these notices is to",
        "give interested persons a say.",
    ];
    // Each text on a line of its own, set in all three columns.
    let across = |texts: &[&str]| -> Vec<Line> {
        texts
            .iter()
            .enumerate()
            .map(|(k, t)| {
                line(
                    700.0 - 10.0 * k as f32,
                    &[(t, 50.0), (t, 200.0), (t, 350.0)],
                )
            })
            .collect()
    };
    assert!(find(&across(&text)).is_empty());
    // A table whose cells are phrases, each row starting anew, stays one.
    let rows = [
        "Mail to the address above",
        "Fax the form to the office",
        "Hand delivery to the office",
        "Email to the address given",
    ];
    assert_eq!(find(&across(&rows)).len(), 1);
}

#[test]
fn ruled_tables_on_the_same_rows_are_set_beside_the_leftmost() {
    let at = |left: f32, top: f32, bottom: f32, name: &str| Table {
        rows: vec![vec![name.to_string()]],
        top,
        bottom,
        left,
        ruled: true,
        ..Table::default()
    };
    let grouped = side_by_side(vec![
        at(300.0, 700.0, 400.0, "right"),
        at(60.0, 700.0, 410.0, "left"),
        at(180.0, 690.0, 400.0, "middle"),
        at(60.0, 300.0, 200.0, "below"),
    ]);
    let names: Vec<(&str, Vec<&str>)> = grouped
        .iter()
        .map(|t| {
            let beside = t.beside.iter().map(|b| b.rows[0][0].as_str()).collect();
            (t.rows[0][0].as_str(), beside)
        })
        .collect();
    assert_eq!(
        names,
        vec![("left", vec!["middle", "right"]), ("below", vec![])]
    );
}
