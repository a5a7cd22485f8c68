use super::*;

/// The words of `text` on one line of 10 pt text from `x` at baseline
/// `y`, each character 5 pt wide.
fn line(text: &str, x: f32, y: f32) -> Vec<Word> {
    let mut out = Vec::new();
    let mut at = x;
    for w in text.split(' ') {
        let end = at + 5.0 * w.chars().count() as f32;
        out.push(Word {
            text: w.to_string(),
            x: (at + end) / 2.0,
            y: y + 3.0,
            start: at,
            end,
            baseline: -y,
            height: 10.0,
            upright: true,
            joined: false,
        });
        at = end + 5.0;
    }
    out
}

fn segment(x1: f32, y1: f32, x2: f32, y2: f32) -> PdfLine {
    PdfLine {
        x1,
        y1,
        x2,
        y2,
        page: 1,
    }
}

/// Rules across at `ys` from `x0` to `x1`, and down at `xs` from `y0`
/// to `y1`.
fn ruling(ys: &[f32], (x0, x1): (f32, f32), xs: &[f32], (y0, y1): (f32, f32)) -> Vec<PdfLine> {
    let across = ys.iter().map(|&y| segment(x0, y, x1, y));
    across
        .chain(xs.iter().map(|&x| segment(x, y0, x, y1)))
        .collect()
}

fn rect(x0: f32, y0: f32, x1: f32, y1: f32) -> PdfRect {
    PdfRect {
        x: x0,
        y: y0,
        width: x1 - x0,
        height: y1 - y0,
        page: 1,
    }
}

/// The rows of each table the words and rules make.
fn read(words: &[Word], rects: &[PdfRect], lines: &[PdfLine]) -> Vec<Vec<Vec<String>>> {
    let rects: Vec<&PdfRect> = rects.iter().collect();
    let lines: Vec<&PdfLine> = lines.iter().collect();
    let (across, down) = rules(&rects, &lines);
    tables_of(words, &across, &down)
        .into_iter()
        .map(|t| t.rows)
        .collect()
}

fn rows(rows: &[&[&str]]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

#[test]
fn a_cell_of_two_lines_stays_in_its_row_of_a_table_open_at_its_sides() {
    // Rules across the whole width, rules down between the columns only.
    let lines = ruling(
        &[700.0, 680.0, 650.0, 620.0],
        (72.0, 540.0),
        &[200.0, 420.0],
        (620.0, 700.0),
    );
    let words = [
        line("Group", 76.0, 688.0),
        line("Before", 204.0, 688.0),
        line("After", 424.0, 688.0),
        line("Criteria", 76.0, 662.0),
        line("Spread by", 204.0, 668.0),
        line("water", 204.0, 656.0),
        line("Fatal", 424.0, 668.0),
        line("or spread", 424.0, 656.0),
        line("Diseases", 76.0, 632.0),
        line("Cholera", 204.0, 632.0),
        line("Ebola", 424.0, 632.0),
        // Outside the grid.
        line("Notes", 76.0, 600.0),
    ]
    .concat();
    assert_eq!(
        read(&words, &[], &lines),
        vec![rows(&[
            &["Group", "Before", "After"],
            &["Criteria", "Spread by water", "Fatal or spread"],
            &["Diseases", "Cholera", "Ebola"],
        ])]
    );
}

#[test]
fn the_shading_of_a_cell_s_lines_and_padding_draws_no_rules() {
    // As Word writes ICDAR's eu-022 and eu-001: each cell a shaded box,
    // each line of its text a box set in by its padding, and narrow
    // boxes of padding at the side of some cells.
    let xs = [58.0, 156.0, 210.0, 264.0];
    let ys = [505.0, 470.0, 459.0, 448.0];
    let mut rects = Vec::new();
    for r in 0..3 {
        for c in 0..3 {
            let (x0, x1, y0, y1) = (xs[c], xs[c + 1], ys[r + 1], ys[r]);
            rects.push(rect(x0, y0, x1, y1));
            if r == 0 {
                rects.push(rect(x0 + 4.7, y0 + 10.4, x1 - 4.7, y1));
                rects.push(rect(x0 + 4.7, y0, x1 - 4.7, y0 + 10.4));
            } else {
                rects.push(rect(x0 + 4.7, y0, x1 - 4.7, y1));
            }
            if c == 0 {
                rects.push(rect(x0 + 0.5, y0, x0 + 5.5, y1));
                rects.push(rect(x1 - 5.5, y0, x1 - 0.5, y1));
            }
        }
    }
    let words = [
        line("Substance", 60.0, 475.0),
        line("Last", 162.0, 483.0),
        line("month", 162.0, 472.0),
        line("Last", 216.0, 483.0),
        line("year", 216.0, 472.0),
        line("Cannabis", 63.0, 461.0),
        line("9.6%", 170.0, 461.0),
        line("4.0%", 224.0, 461.0),
        line("Inhalants", 63.0, 450.0),
        line("2.7%", 170.0, 450.0),
        line("1.6%", 224.0, 450.0),
    ]
    .concat();
    assert_eq!(
        read(&words, &rects, &[]),
        vec![rows(&[
            &["Substance", "Last month", "Last year"],
            &["Cannabis", "9.6%", "4.0%"],
            &["Inhalants", "2.7%", "1.6%"],
        ])]
    );
}

#[test]
fn a_frame_around_a_table_and_a_figure_does_not_join_them() {
    // As on redp5110's page 19: the text area's clip (a box) touches
    // the table's left edge and a figure's box below it.
    let lines = ruling(
        &[700.0, 680.0, 660.0, 640.0],
        (60.0, 300.0),
        &[60.0, 150.0, 300.0],
        (640.0, 700.0),
    );
    let rects = [
        rect(60.0, 300.0, 400.0, 720.0),
        rect(60.0, 420.0, 250.0, 500.0),
    ];
    let words = [
        line("Register", 64.0, 688.0),
        line("Value", 154.0, 688.0),
        line("USER", 64.0, 668.0),
        line("The user", 154.0, 668.0),
        line("SYSTEM", 64.0, 648.0),
        line("The system", 154.0, 648.0),
        line("Signed on as ALICE", 70.0, 460.0),
        line("CALL proc1", 70.0, 440.0),
    ]
    .concat();
    assert_eq!(
        read(&words, &rects, &lines),
        vec![rows(&[
            &["Register", "Value"],
            &["USER", "The user"],
            &["SYSTEM", "The system"],
        ])]
    );
}

#[test]
fn marks_of_neighbouring_columns_drawn_as_one_run_are_cut_at_the_rules() {
    // redp5110's Table 2-2: "X" under two columns drawn as one run "XX"
    // whose advance reaches the second.
    let lines = ruling(
        &[700.0, 680.0, 660.0, 640.0],
        (60.0, 280.0),
        &[60.0, 160.0, 200.0, 240.0, 280.0],
        (640.0, 700.0),
    );
    let xx = |y: f32| Word {
        text: "XX".into(),
        x: 205.0,
        y: y + 3.0,
        start: 165.0,
        end: 245.0,
        baseline: -y,
        height: 10.0,
        upright: true,
        joined: false,
    };
    let mut words = [
        line("Action", 64.0, 688.0),
        line("A", 170.0, 688.0),
        line("B", 210.0, 688.0),
        line("C", 250.0, 688.0),
        line("Set", 64.0, 668.0),
        line("Get", 64.0, 648.0),
        line("X", 250.0, 648.0),
    ]
    .concat();
    words.extend([xx(668.0), xx(648.0)]);
    assert_eq!(
        read(&words, &[], &lines),
        vec![rows(&[
            &["Action", "A", "B", "C"],
            &["Set", "X", "X", ""],
            &["Get", "X", "X", "X"],
        ])]
    );
}

#[test]
fn a_header_ruled_apart_from_its_body_is_not_a_table() {
    // As docling's 2305.03393v1-pg9: rules down in the header only, a
    // rule under part of it ("TEDs" over the value columns): two rows,
    // a header; the body below is left to the reader of tables without
    // rules.
    let lines = [
        segment(60.0, 700.0, 400.0, 700.0),
        segment(150.0, 690.0, 400.0, 690.0),
        segment(60.0, 680.0, 400.0, 680.0),
        segment(60.0, 600.0, 400.0, 600.0),
        segment(150.0, 680.0, 150.0, 700.0),
    ];
    let words = [
        line("Language", 64.0, 692.0),
        line("TEDs", 200.0, 692.0),
        line("simple complex", 160.0, 682.0),
        line("OTSL 0.965 0.934", 64.0, 660.0),
        line("HTML 0.969 0.927", 64.0, 640.0),
    ]
    .concat();
    assert_eq!(read(&words, &[], &lines), Vec::<Vec<Vec<String>>>::new());
}

#[test]
fn rows_ruled_apart_in_groups_are_split_at_their_baselines() {
    // As pdfplumber's issue-53-example.pdf: a rule under the header and
    // one under each group of rows, none between the rows of a group.
    let lines = ruling(
        &[700.0, 680.0, 650.0, 610.0, 595.0],
        (60.0, 300.0),
        &[60.0, 140.0, 220.0, 300.0],
        (595.0, 700.0),
    );
    let words = [
        line("Year", 64.0, 688.0),
        line("Pax", 144.0, 688.0),
        line("L/F(%)", 224.0, 688.0),
        line("FY2013", 64.0, 668.0),
        line("FY2014", 64.0, 656.0),
        line("7,723,293", 144.0, 668.0),
        line("7,793,704", 144.0, 656.0),
        line("76.5", 224.0, 668.0),
        line("75.7", 224.0, 656.0),
        line("Apr-2015", 64.0, 638.0),
        line("May-2015", 64.0, 626.0),
        line("Jun-2015", 64.0, 614.0),
        line("653,278", 144.0, 638.0),
        line("686,908", 144.0, 626.0),
        line("667,181", 144.0, 614.0),
        line("74.9", 224.0, 638.0),
        line("77.7", 224.0, 626.0),
        line("81.2", 224.0, 614.0),
        line("FY15 TTL", 64.0, 600.0),
        line("2,007,367", 144.0, 600.0),
        line("77.9", 224.0, 600.0),
    ]
    .concat();
    assert_eq!(
        read(&words, &[], &lines),
        vec![rows(&[
            &["Year", "Pax", "L/F(%)"],
            &["FY2013", "7,723,293", "76.5"],
            &["FY2014", "7,793,704", "75.7"],
            &["Apr-2015", "653,278", "74.9"],
            &["May-2015", "686,908", "77.7"],
            &["Jun-2015", "667,181", "81.2"],
            &["FY15 TTL", "2,007,367", "77.9"],
        ])]
    );
    // Cells of two lines each whose second lines carry on the first stay
    // one row.
    let words = [
        line("Year", 64.0, 688.0),
        line("Pax", 144.0, 688.0),
        line("L/F(%)", 224.0, 688.0),
        line("Spread", 64.0, 668.0),
        line("by water", 64.0, 656.0),
        line("Fatal", 144.0, 668.0),
        line("or not", 144.0, 656.0),
        line("Seen", 224.0, 668.0),
        line("often", 224.0, 656.0),
        line("Apr", 64.0, 630.0),
        line("1", 144.0, 630.0),
        line("2", 224.0, 630.0),
        line("May", 64.0, 600.0),
        line("3", 144.0, 600.0),
        line("4", 224.0, 600.0),
    ]
    .concat();
    assert_eq!(
        read(&words, &[], &lines)[0][1],
        vec!["Spread by water", "Fatal or not", "Seen often"]
    );
    // Nor does a mark set small above its word's line make a row (as
    // pdfplumber's pr-138-example.pdf: "Seniors^").
    let mark = |text: &str, x: f32, y: f32| {
        let mut w = line(text, x, y);
        w[0].height = 5.0;
        w
    };
    let words = [
        line("Year", 64.0, 688.0),
        line("Pax", 144.0, 688.0),
        line("L/F(%)", 224.0, 688.0),
        mark("^", 100.0, 671.0),
        line("Seniors", 64.0, 668.0),
        mark("*", 180.0, 671.0),
        line("Equity", 144.0, 668.0),
        line("Apr", 64.0, 630.0),
        line("1", 144.0, 630.0),
        line("2", 224.0, 630.0),
        line("May", 64.0, 600.0),
        line("3", 144.0, 600.0),
        line("4", 224.0, 600.0),
    ]
    .concat();
    assert_eq!(
        read(&words, &[], &lines)[0][1],
        vec!["^ Seniors", "* Equity", ""]
    );
}

#[test]
fn a_boxed_grid_of_two_rows_is_a_table() {
    // As ICDAR's eu-007 Table 8.19: a label over two lines beside a row of
    // values under a header of years, every edge drawn.
    let lines = ruling(
        &[700.0, 686.0, 660.0],
        (60.0, 300.0),
        &[60.0, 180.0, 240.0, 300.0],
        (660.0, 700.0),
    );
    let words = [
        line("Years", 64.0, 690.0),
        line("1990", 184.0, 690.0),
        line("1992", 244.0, 690.0),
        line("Budget for", 64.0, 676.0),
        line("Coffee", 64.0, 664.0),
        line("0.323", 184.0, 676.0),
        line("0.272", 244.0, 676.0),
    ]
    .concat();
    assert_eq!(
        read(&words, &[], &lines),
        vec![rows(&[
            &["Years", "1990", "1992"],
            &["Budget for Coffee", "0.323", "0.272"],
        ])]
    );
    // Open at its sides, two rows stay a header and a body.
    let lines = ruling(
        &[700.0, 686.0, 660.0],
        (60.0, 300.0),
        &[180.0, 240.0],
        (660.0, 700.0),
    );
    assert!(read(&words, &[], &lines).is_empty());
}
