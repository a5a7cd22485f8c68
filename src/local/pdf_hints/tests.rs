use super::*;

#[test]
fn title_shapes() {
    assert_eq!(title_shape("1. Introduction", false), Some(2));
    assert_eq!(
        title_shape("2.1. Characterisation of flow regime", false),
        Some(3)
    );
    assert_eq!(title_shape("Acknowledgements", false), Some(2));
    assert_eq!(title_shape("IV. Results", false), Some(2));
    // Scripts without case, a title opening on a corner bracket, "(1)".
    assert_eq!(title_shape("4 개선과제", false), Some(2));
    assert_eq!(
        title_shape("(1) 「약관규제법」에 따른 보험금 지급 검토 필요", false),
        Some(3)
    );
    assert_eq!(title_shape("(1) the first item of a list", false), None);
    // Sections numbered with hyphens ("2-5-", "3-"), as Persian and
    // Arabic documents number them; a range is no number.
    assert_eq!(title_shape("2-5- استاندارد کالا", false), Some(3));
    assert_eq!(title_shape("3- پذيرش در بورس", false), Some(2));
    assert_eq!(title_shape("2-3 Weeks later", false), None);
    // Unnumbered, a caseless title needs its face to mark it.
    let band = "اميدنامه پذيرش در بازار اصلی - کالای داخلی";
    assert_eq!(title_shape(band, false), None);
    assert_eq!(title_shape(band, true), Some(2));
    assert_eq!(title_shape("the first item of a list", true), None);
    assert_eq!(
        title_shape("3.11. 코로나-19가 세계적 유행(Pandemic) 단계", false),
        None
    );
    assert_eq!(
        title_shape("한편 코로나-19가 전 세계적 유행단계에 돌입한", false),
        None
    );
    for not in [
        "aCY becomes the number of zero flow days when the",
        "E Z 1:0 K P",
        "Y) for each flow percentile from baseline flows (given",
        "Keywords: Afforestation; Flow duration curves",
        "It ended here.",
        "2001). Once annual rainfall exceeds",
    ] {
        assert_eq!(title_shape(not, false), None, "{not}");
    }
}

#[test]
fn a_heading_is_split_from_the_paragraph_it_ran_into() {
    let h = Heading {
        text: "1. Introduction".into(),
        level: 2,
    };
    let md = "Intro text.\n\n1. Introduction Widespread afforestation through\nplantation.";
    assert_eq!(
        mark_heading(md, &h, &[]),
        "Intro text.\n\n## 1. Introduction\n\nWidespread afforestation through\nplantation."
    );
    // After a sentence on the same line, and in bold.
    let md = "land use. **1. Introduction** Widespread";
    assert_eq!(
        mark_heading(md, &h, &[]),
        "land use.\n\n## 1. Introduction\n\nWidespread"
    );
    // Underlined, the underline goes with it.
    let one = Heading {
        text: "1".into(),
        level: 2,
    };
    assert_eq!(
        mark_heading("<u>1</u>\n\nChapter 1.", &one, &[]),
        "## 1\n\nChapter 1."
    );
    // Not mid-sentence, not in a table, not twice.
    for md in [
        "see Section 1. Introduction for more",
        "|1. Introduction|x|",
        "## 1. Introduction",
    ] {
        assert_eq!(mark_heading(md, &h, &[]), md);
    }
}

/// A section's title set over a ruled grid, read as the grid's header
/// row: taken out, over the table, whose first row becomes its header.
#[test]
fn a_title_read_as_a_table_s_header_row_stands_over_the_table() {
    let h = Heading {
        text: "3- Admission".into(),
        level: 2,
    };
    let md = "Intro.\n\n||3- Admission|\n|---|---|\n|1403|Date|\n|436|Session|\n\nAfter.";
    assert_eq!(
        mark_heading(md, &h, &[]),
        "Intro.\n\n## 3- Admission\n\n|1403|Date|\n|---|---|\n|436|Session|\n\nAfter."
    );
    // A row of more cells, a row further down, or an unnumbered
    // title row stays.
    let complete = Heading {
        text: "Complete".into(),
        level: 2,
    };
    let md = "|Complete||\n|---|---|\n|Rate|5.95%|";
    assert_eq!(mark_heading(md, &complete, &[]), md);
    for md in [
        "|3- Admission|Date|\n|---|---|\n|1403|x|",
        "|Date|x|\n|---|---|\n||3- Admission|",
    ] {
        assert_eq!(mark_heading(md, &h, &[]), md);
    }
}

/// A page's foot ("Page 7") run into a paragraph ends it: a heading
/// after it starts a block.
#[test]
fn a_heading_after_a_page_s_foot_run_into_the_text_is_split_from_it() {
    let h = Heading {
        text: "2-5- Standard".into(),
        level: 3,
    };
    let md = "cells of the form Page 7 2-5- Standard name of the standard";
    assert_eq!(
        mark_heading(md, &h, &["Page 7".into()]),
        "cells of the form Page 7\n\n### 2-5- Standard\n\nname of the standard"
    );
    assert_eq!(mark_heading(md, &h, &[]), md);
}

/// The markdown of `pages`, generated, as `local` gives it.
fn markdown(pages: &[crate::split::pdfgen::Page]) -> Vec<String> {
    let pdf = crate::split::pdfgen::pages_pdf(pages);
    let settings = crate::local::Settings::default();
    crate::local::pdf::extract_bytes(&pdf, "gen.pdf", &settings)
        .unwrap()
        .pages
}

/// Body lines of 10 pt from `top` down, 14 pt apart.
fn body(top: i64, n: i64) -> Vec<(i64, i64, i64, &'static str)> {
    let line = "The committee met and agreed on the figures of the year in full.";
    (0..n).map(|k| (10, 72, top - 14 * k, line)).collect()
}

#[test]
fn a_bold_line_alone_at_a_page_s_foot_is_a_footer_not_a_heading() {
    use crate::split::pdfgen::Page;
    let mut runs = vec![(16, 72, 760, "*Legal Aid Survey Results")];
    runs.extend(body(730, 20));
    runs.push((10, 200, 30, "*Global Study on Legal Aid Global Report"));
    let md = markdown(&[Page::At(runs.clone())]).join("\n");
    assert!(md.contains("# Legal Aid Survey Results"), "{md}");
    assert!(
        md.lines()
            .any(|l| l == "Global Study on Legal Aid Global Report"),
        "{md}"
    );
    // Set larger, it is a divider page's title; with text close above,
    // a heading at the page's end.
    let divider = vec![
        (10, 72, 760, "A report of the committee"),
        (10, 72, 746, "on the year in full"),
        (10, 72, 732, "and its figures"),
        (28, 140, 300, "*Appendix One"),
    ];
    let mut close = body(730, 20);
    close.push((10, 72, 730 - 14 * 20 - 8, "*Results of the Year"));
    for page in [divider, close] {
        let md = markdown(&[Page::At(page)]).join("\n");
        assert!(
            md.contains("# Appendix One") || md.contains("# Results of the Year"),
            "{md}"
        );
    }
}

#[test]
fn a_line_that_opens_three_pages_is_running_text_not_a_heading() {
    use crate::split::pdfgen::Page;
    // Three pages of eight: too few to take it out as a running header.
    let headed = || {
        let mut runs = vec![(9, 300, 800, "*Transport Plan of the Town of Chelsea")];
        runs.extend(body(760, 12));
        Page::At(runs)
    };
    let plain = || Page::At(body(760, 12));
    let pages = [
        headed(),
        headed(),
        headed(),
        plain(),
        plain(),
        plain(),
        plain(),
        plain(),
    ];
    let md = markdown(&pages);
    for page in &md[..3] {
        let line = page
            .lines()
            .find(|l| l.contains("Transport Plan of the Town of Chelsea"));
        assert!(line.is_some_and(|l| !l.starts_with('#')), "{page}");
    }
}

/// A back cover's imprint set over four lines in one bold face: its
/// last line, alone above a gap, is no heading of its own (the hints'
/// headings; pdf-inspector's own marks aside).
#[test]
fn the_last_line_of_a_block_in_one_face_is_no_heading() {
    use crate::split::pdfgen::Page;
    let headings = |runs: Vec<(i64, i64, i64, &'static str)>| -> Vec<String> {
        let pdf = crate::split::pdfgen::pages_pdf(&[Page::At(runs)]);
        let (_, positions) =
            pdf_inspector::extract_pages_markdown_positions_and_rules_mem(&pdf, None).unwrap();
        let hints = analyse(positions.items, 1);
        let page = hints.get(&1).cloned().unwrap_or_default();
        page.headings.into_iter().map(|h| h.text).collect()
    };
    let mut block = vec![
        (12, 72, 760, "*INTERNATIONAL"),
        (12, 72, 746, "*TECHNICAL"),
        (12, 72, 732, "*SUPPORT"),
        (12, 72, 718, "*ORGANIZATION"),
    ];
    block.extend(body(680, 12));
    assert_eq!(headings(block), Vec::<String>::new());
    // Alone, it is one.
    let mut alone = vec![(12, 72, 718, "*ORGANIZATION")];
    alone.extend(body(680, 12));
    assert_eq!(headings(alone), ["ORGANIZATION"]);
}

#[test]
fn a_title_set_over_two_lines_is_one_heading() {
    use crate::split::pdfgen::Page;
    let mut runs = vec![
        (33, 27, 760, "*Row and Column Access Control"),
        (30, 27, 722, "*Support in IBM DB2 for i"),
    ];
    runs.extend(body(680, 12));
    let md = markdown(&[Page::At(runs)]).join("\n");
    let headings: Vec<&str> = md.lines().filter(|l| l.starts_with('#')).collect();
    assert_eq!(
        headings
            .iter()
            .map(|h| h.trim_start_matches('#').trim())
            .collect::<Vec<_>>(),
        ["Row and Column Access Control Support in IBM DB2 for i"],
        "{md}"
    );
    // A chapter's label set small on the title's first line stays text.
    let mut runs = vec![
        (7, 81, 518, "*Chapter 1."),
        (26, 137, 518, "*Securing and protecting IBM DB2"),
        (26, 137, 487, "*data"),
    ];
    runs.extend(body(440, 12));
    let md = markdown(&[Page::At(runs)]).join("\n");
    assert!(
        md.contains("Chapter 1.\n\n## Securing and protecting IBM DB2 data\n"),
        "{md}"
    );
    // A title over a smaller subtitle, and a line ending a clause, stay
    // apart.
    for (second, size) in [
        ("*A Guide for Database Engineers", 20),
        ("*Support in IBM DB2 for i", 30),
    ] {
        let first = if size == 20 {
            "*Row and Column Access Control"
        } else {
            "*Row and Column Access Control:"
        };
        let mut runs = vec![(33, 27, 760, first), (size, 27, 722, second)];
        runs.extend(body(680, 12));
        let md = markdown(&[Page::At(runs)]).join("\n");
        assert!(
            md.lines().filter(|l| l.starts_with('#')).count() == 2,
            "{md}"
        );
    }
}

/// A bold title over three lines in about the body's size, heading a
/// paragraph in the body's face, is one heading; the same block over
/// more bold lines is a label, and stays text.
#[test]
fn a_bold_title_over_three_lines_is_one_heading() {
    use crate::split::pdfgen::Page;
    let title = [
        (12, 72, 530, "*BUILDING TECHNICAL"),
        (12, 72, 518, "*INFORMATION BASED ON"),
        (12, 72, 506, "*PRACTICAL EXPERIENCE"),
    ];
    let mut runs = body(760, 15);
    runs.extend(title);
    runs.extend(body(483, 10));
    let md = markdown(&[Page::At(runs)]).join("\n");
    let joined = "BUILDING TECHNICAL INFORMATION BASED ON PRACTICAL EXPERIENCE";
    assert!(
        md.lines()
            .any(|l| l.starts_with('#') && l.trim_start_matches('#').trim() == joined),
        "{md}"
    );
    let mut runs = body(760, 15);
    runs.extend(title);
    runs.push((14, 72, 480, "*INTERNATIONAL SUPPORT"));
    runs.extend(body(450, 10));
    let md = markdown(&[Page::At(runs)]).join("\n");
    assert!(
        !md.lines()
            .any(|l| l.trim_start_matches('#').trim() == joined),
        "{md}"
    );
}

#[test]
fn a_title_over_lines_is_among_the_headings_of_a_rebuilt_page() {
    let hints = PageHints {
        headings: vec![Heading {
            text: "Preface".into(),
            level: 2,
        }],
        titles: vec![vec!["BUILDING TECHNICAL".into(), "INFORMATION".into()]],
        ..PageHints::default()
    };
    let texts: Vec<String> = hints.all_headings().into_iter().map(|h| h.text).collect();
    assert_eq!(texts, ["Preface", "BUILDING TECHNICAL INFORMATION"]);
}

/// A chapter opener's number, set alone and very large over the
/// chapter's title, is a heading of its own; set over body text only
/// (a figure shown large), it is none.
#[test]
fn a_chapter_s_large_number_over_its_title_is_a_heading() {
    use crate::split::pdfgen::Page;
    let mut runs = vec![
        (40, 500, 700, "*1"),
        (26, 137, 560, "*Securing and protecting data"),
    ];
    runs.extend(body(500, 12));
    let md = markdown(&[Page::At(runs)]).join("\n");
    assert!(md.lines().any(|l| l == "## 1"), "{md}");
    let mut runs = vec![(40, 500, 700, "*7")];
    runs.extend(body(600, 12));
    let md = markdown(&[Page::At(runs)]).join("\n");
    assert!(!md.lines().any(|l| l.starts_with('#')), "{md}");
}

#[test]
fn a_heading_left_without_text_is_dropped() {
    assert_eq!(tidy("#\n\nBody\n\n## \n\n# Title"), "Body\n\n# Title");
}

#[test]
fn furniture_is_taken_out_once_at_its_edge() {
    let hints = PageHints {
        headings: vec![],
        furniture: vec![Furniture {
            text: "254 P.N.J. Lane et al. / Journal 310".into(),
            top: true,
        }],
        plain: vec![],
        titles: vec![],
    };
    let md = "254 P.N.J. Lane  et al. / Journal 310\n\nBody text.";
    let (out, removed) = apply(md, &hints, false);
    assert_eq!(out, "Body text.");
    assert_eq!(removed.len(), 1);
    assert_eq!(
        edges::furniture_key("254 P.N.J. Lane et al."),
        edges::furniture_key("P.N.J. Lane et al. 255")
    );
}

/// A running header set in italics goes with its markers: it left a line
/// of `**` on every page of pypdf's `bookmark_sample.pdf`.
#[test]
fn furniture_in_emphasis_is_taken_out_with_its_markers() {
    let hints = PageHints {
        headings: vec![],
        furniture: vec![Furniture {
            text: "Sample Agreement — page 1".into(),
            top: true,
        }],
        plain: vec![],
        titles: vec![],
    };
    let md = "*Sample Agreement — page 1*\n\n# PART I\n\nBody text, *in italics*.";
    let (out, removed) = apply(md, &hints, false);
    assert_eq!(out, "# PART I\n\nBody text, *in italics*.");
    assert_eq!(removed.len(), 1);
    let md = "***Sample Agreement — page 1** and more*\n\nBody.";
    let (out, _) = apply(md, &hints, false);
    assert_eq!(out, "* and more*\n\nBody.");
    let md = "**Sample Agreement — page 1** 5966 La Place Court\n\nBody.";
    let (out, _) = apply(md, &hints, false);
    assert_eq!(out, "5966 La Place Court\n\nBody.");
}

/// A run of text on page 1, `size` points, bold.
pub(crate) fn bold_item(text: &str, x: f32, y: f32, size: f32, font: &str) -> TextItem {
    TextItem {
        text: text.to_string(),
        x,
        y,
        width: text.chars().count() as f32 * size * 0.5,
        height: size,
        rotation: 0.0,
        advance_known: true,
        font: font.to_string(),
        font_tag: String::new(),
        legacy_symbol_rewrite: false,
        font_size: size,
        page: 1,
        is_bold: true,
        is_italic: false,
        font_weight: Some(700),
        bold_source: None,
        fixed_pitch: None,
        fill_color: None,
        stroke_color: None,
        render_mode: None,
        is_underline: false,
        is_strikeout: false,
        item_type: ItemType::Text,
        mcid: None,
        baseline_shift: 0.0,
    }
}

fn text_line(item: TextItem) -> TextLine {
    TextLine {
        y: item.y,
        page: item.page,
        items: vec![item],
        adaptive_threshold: 0.1,
    }
}

/// A numbered section's title at 15 pt right over a form's labels set
/// at 14 pt in its face (right_to_left_03's "2-5- …", 23 pt apart) stands
/// alone; an unnumbered title over a line of its face in another size
/// (a cover's title at 33 pt over 30 pt) may go on there, and is none.
#[test]
fn a_numbered_title_over_smaller_lines_of_its_face_stands_alone() {
    let body = BodyStyle {
        font: "Body".into(),
        size: 14.0,
    };
    let title = text_line(bold_item("2-5- Standard", 377.0, 693.6, 15.0, "Bold"));
    let label = text_line(bold_item(
        "Name of the standard",
        458.0,
        670.4,
        14.0,
        "Bold",
    ));
    let page = [&title, &label];
    let found = heading(&title, &page, 0, &body).map(|h| h.text);
    assert_eq!(found.as_deref(), Some("2-5- Standard"));
    let cover = text_line(bold_item(
        "Row and Column Access Control",
        27.0,
        694.8,
        33.0,
        "Cond",
    ));
    let more = text_line(bold_item(
        "Support in IBM DB2 for i",
        27.0,
        656.8,
        30.0,
        "Cond",
    ));
    assert_eq!(heading(&cover, &[&cover, &more], 0, &body), None);
}

/// A caseless, unnumbered title set bold in a face of its own is a
/// heading; set on another page too (a series' name over every other
/// page), or sharing its face with another line of the page (a figure's
/// labels), it is none.
#[test]
fn a_caseless_title_in_a_face_of_its_own_set_once_is_a_heading() {
    let title = "اميدنامه پذيرش در بازار";
    let text = "شمشه و شمشال توليد شده به روش ريخته گری پيوسته مورد مصرف";
    let page = |n: u32, titles: &[(&str, f32)]| -> Vec<TextItem> {
        let mut items: Vec<TextItem> = titles
            .iter()
            .map(|(t, y)| TextItem {
                page: n,
                ..bold_item(t, 72.0, *y, 14.0, "Title")
            })
            .collect();
        items.extend((0..10).map(|k| TextItem {
            page: n,
            is_bold: false,
            font_weight: Some(400),
            ..bold_item(text, 72.0, 600.0 - 20.0 * k as f32, 14.0, "Body")
        }));
        items
    };
    let found = |items: Vec<TextItem>, pages: u32| -> Vec<String> {
        analyse(items, pages)
            .get(&1)
            .map(|h| h.headings.iter().map(|h| h.text.clone()).collect())
            .unwrap_or_default()
    };
    assert_eq!(
        found(page(1, &[(title, 760.0)]), 1),
        vec![title.to_string()]
    );
    let mut two = page(1, &[(title, 760.0)]);
    two.extend(page(2, &[(title, 760.0)]));
    assert!(found(two, 2).is_empty());
    let shared = page(1, &[(title, 760.0), ("شرکت بورس کالای", 700.0)]);
    assert!(found(shared, 1).is_empty());
}
