//! `-p local` reads every word a page shows: pages generated with the
//! constructs real PDFs lost words to (pdfplumber's test PDFs, compared with
//! pdftotext).

use crate::harness::{stderr_of, stdout_of, Env};
use crate::local::{file, local};
use crate::support::pdfgen::{pages_pdf, Page};

fn markdown(env: &Env, pdf: &[u8]) -> String {
    let path = file(env, "page.pdf", pdf);
    let out = local(env).arg("ocr").arg(&path).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    stdout_of(&out)
}

/// pdfplumber's issue-987: "Te" shown at 116 pt with `-0.131 Tc`, "xt" set
/// where the "e" ends. The pen moves by the spacing after the last glyph
/// too, so it stops 15 pt inside the "e", and measured from there "xt"
/// began 0.19 em away: a word gap, "Te xt". From the ink it is 0.06 em.
/// A word split the same way under positive spacing (letter-spaced text)
/// is measured from the pen, where its next run starts.
#[test]
fn a_word_set_after_a_tightly_tracked_run_stays_one_word() {
    let page = Page::Ops(
        "BT 116 0 0 116 60 500 Tm /F1 1 Tf -0.131 Tc (Te) Tj ET \
         BT 116 0 0 116 187 500 Tm /F1 1 Tf -0.02 Tc (xt) Tj ET \
         BT 24 0 0 24 60 300 Tm /F1 1 Tf 0.2 Tc (Trac) Tj ET \
         BT 24 0 0 24 127.2 300 Tm /F1 1 Tf 0.2 Tc (king) Tj ET",
    );
    let env = Env::new();
    let md = markdown(&env, &pages_pdf(&[page]));
    assert!(md.contains("Text"), "{md}");
    assert!(!md.contains("Te xt"), "{md}");
    assert!(md.contains("Tracking"), "{md}");
}

/// pdfplumber's annotations.pdf: a stamp's words are in its appearance
/// stream, which the page's content never draws; pdftotext reads them.
/// Annotations flagged Hidden or NoView are not on the screen, and their
/// words are not read.
#[test]
fn words_an_annotation_shows_are_read_and_hidden_ones_are_not() {
    let page = Page::Notes(
        vec![(12, 700, "The body of the page says little.")],
        vec![
            (4, 72, 600, "Approved for release"),
            (2, 72, 560, "Hidden remark"),
            (32, 72, 520, "Unseen remark"),
        ],
    );
    let env = Env::new();
    let md = markdown(&env, &pages_pdf(&[page]));
    assert!(md.contains("The body of the page says little."), "{md}");
    assert!(md.contains("Approved for release"), "{md}");
    assert!(!md.contains("remark"), "{md}");
}

/// pdf.js's `annotation-text-widget.pdf`, pypdf's `SF424_page2.pdf`: what
/// the user typed into a form's fields is in each field's appearance stream,
/// which the page's content never draws; pdftotext reads it where the field
/// is. A field flagged Hidden is not on the screen, and its value is not read.
#[test]
fn the_values_filled_into_a_form_are_read_where_their_fields_are() {
    let page = Page::Fields(
        vec![
            (12, 700, "Name of applicant:"),
            (12, 660, "Postal code:"),
            (12, 620, "Internal reference:"),
        ],
        vec![
            (4, 220, 695, "Jane Q. Public"),
            (4, 220, 655, "75001"),
            (2, 220, 615, "Withheld entry"),
        ],
    );
    let env = Env::new();
    let md = markdown(&env, &pages_pdf(&[page]));
    assert!(md.contains("Name of applicant: Jane Q. Public"), "{md}");
    assert!(md.contains("Postal code: 75001"), "{md}");
    assert!(md.contains("Internal reference:"), "{md}");
    assert!(!md.contains("Withheld"), "{md}");
}

/// pdf.js's `bug1883609.pdf`: a form filled in by a tool that set each
/// field's value and asked viewers to draw it (`/NeedAppearances true`),
/// leaving the empty field's appearance behind. pdftotext draws the value,
/// as every viewer does; it is read from the field, not from the stale
/// appearance.
#[test]
fn a_value_a_filler_left_for_the_viewer_to_draw_is_read() {
    let page = Page::Fields(
        vec![(12, 700, "Height (cm):"), (12, 660, "Favourite colour:")],
        vec![(4, 220, 695, "~150"), (4, 220, 655, "~Red")],
    );
    let env = Env::new();
    let md = markdown(&env, &pages_pdf(&[page]));
    assert!(md.contains("150"), "{md}");
    assert!(md.contains("Red"), "{md}");
}

/// A scan whose producer's OCR lies over it as an invisible (`3 Tr`)
/// layer, as scanners write them (pdfplumber's `pr-136-example.pdf`): the
/// layer is the page's text, as pdftotext and every text tool read it, and
/// the page is not OCR'd again. A page with a few visible words over its
/// scan (a date stamped on a fax; JSTOR's download notice under every page
/// of its scans, PyMuPDF's `test_3357.pdf`) reads as both, the layer's run
/// lying on a visible one (its twin) left out.
#[test]
fn a_scan_under_an_invisible_ocr_layer_reads_as_the_layer() {
    let layer = Page::Ops(
        "q 500 0 0 700 40 60 cm /Im1 Do Q \
         BT 3 Tr /F1 12 Tf 72 700 Td (Minutes of the harbour board meeting held in March) Tj ET \
         BT 3 Tr /F1 12 Tf 72 680 Td (The board approved the dredging contract unanimously) Tj ET",
    );
    let stamped = Page::Ops(
        "q 500 0 0 700 40 60 cm /Im1 Do Q \
         BT /F1 10 Tf 72 780 Td (Received 12 May) Tj ET \
         BT 3 Tr /F1 10 Tf 72 780 Td (Received 12 May) Tj ET \
         BT 3 Tr /F1 12 Tf 72 700 Td (Quarterly tonnage rose in every berth of the harbour) Tj ET \
         BT 3 Tr /F1 12 Tf 72 680 Td (and the new quay opened to container ships in April) Tj ET",
    );
    let env = Env::new();
    let md = markdown(&env, &pages_pdf(&[layer, stamped]));
    for line in [
        "Minutes of the harbour board meeting held in March",
        "The board approved the dredging contract unanimously",
        "Quarterly tonnage rose in every berth of the harbour",
        "and the new quay opened to container ships in April",
    ] {
        assert!(md.contains(line), "{md}");
    }
    assert_eq!(md.matches("Received 12 May").count(), 1, "{md}");
}

/// A Chinese font without a ToUnicode map whose codes go through a
/// predefined CMap over a legacy encoding (SimSun through GBK-EUC-H, the
/// OCR layer of pdfplumber's `pr-136-example.pdf`): its codes read as
/// GBK's characters, as pdftotext reads them with poppler's language packs.
#[test]
fn chinese_text_through_a_predefined_gbk_cmap_reads_as_its_characters() {
    // "扫描件的文字层" and "页面" in GBK.
    let page = Page::Ops(
        "BT /F4 24 Tf 72 700 Td <c9a8c3e8bcfeb5c4cec4d7d6b2e3> Tj ET \
         BT /F4 24 Tf 72 650 Td <d2b3c3e6> Tj ET \
         BT /F1 12 Tf 72 600 Td (A line in Helvetica beside them) Tj ET",
    );
    let env = Env::new();
    let md = markdown(&env, &pages_pdf(&[page]));
    assert!(md.contains("扫描件的文字层"), "{md}");
    assert!(md.contains("页面"), "{md}");
    assert!(!md.contains('\u{fffd}'), "{md}");
}

/// pdfplumber's `nics-background-checks-2015-11.pdf`: a table of counts
/// whose cells are mostly single digits. Half a page of one-character
/// runs is how Canva sets text letter by letter, and pdf-inspector then
/// joins runs closer than twice the page's median gap — the header's
/// words, an em and a half apart, ran together ("HandgunLong Gun"). A
/// lone digit is a cell, not a letter of a word.
#[test]
fn words_beside_a_row_of_single_digit_cells_keep_their_spaces() {
    let mut runs = vec![(6, 72, 700, "Handgun"), (6, 105, 700, "Long")];
    const DIGITS: [&str; 12] = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "1", "2"];
    for (i, digit) in DIGITS.iter().enumerate() {
        runs.push((6, 72 + 20 * i as i64, 300, *digit));
    }
    let env = Env::new();
    let md = markdown(&env, &pages_pdf(&[Page::At(runs)]));
    assert!(md.contains("Handgun Long"), "{md}");
    assert!(!md.contains("HandgunLong"), "{md}");
}

/// docling's `2305.03393v1-pg9.pdf`: a paragraph letter-spaced by `TJ`
/// offsets (-84 between every two glyphs, -376 between words), kerned
/// pairs a little wider (-111), and now and then a pair the producer set
/// as one string, "(We)". That one string made the array read as words
/// positioned by offsets, and each wider kern as a word gap: "mo del", "pro
/// duced", "b est".
#[test]
fn a_letter_spaced_paragraph_keeps_its_kerned_words_whole() {
    let page = Page::Ops(
        "BT /F1 10 Tf 72 700 Td [(We) -376 (p) -84 (i) -84 (c) -84 (k) -84 (e) -84 (d) -376 \
         (t) -84 (h) -84 (e) -376 (m) -84 (o) -130 (d) -84 (e) -84 (l) -376 (t) -84 (h) -84 \
         (a) -84 (t) -376 (p) -84 (r) -84 (o) -130 (d) -84 (u) -84 (c) -84 (e) -84 (d)] TJ ET",
    );
    let env = Env::new();
    let md = markdown(&env, &pages_pdf(&[page]));
    assert!(md.contains("We picked the model that produced"), "{md}");
}

/// A scanner's OCR layer (pdfplumber's `pr-136-example.pdf`) fits each
/// glyph to its box: the last digit of a cell is drawn 3.4 times as wide as
/// it is high. Its size is its height; read as its width, the word-gap
/// threshold grew with it and the next cell's number, 0.5 em away, joined
/// the word ("2,0002015-09-07").
#[test]
fn a_glyph_stretched_to_its_ocr_box_keeps_its_size() {
    let page = Page::Ops(
        "BT 7 0 0 10 100 700 Tm /F1 1 Tf (3) Tj ET \
         BT 7 0 0 10 104 700 Tm /F1 1 Tf (0) Tj ET \
         BT 7 0 0 10 108 700 Tm /F1 1 Tf (0) Tj ET \
         BT 24 0 0 10 112 700 Tm /F1 1 Tf (0) Tj ET \
         BT 7 0 0 10 130.5 700 Tm /F1 1 Tf (2) Tj ET \
         BT 7 0 0 10 134.5 700 Tm /F1 1 Tf (0) Tj ET \
         BT 7 0 0 10 138.5 700 Tm /F1 1 Tf (1) Tj ET \
         BT 7 0 0 10 142.5 700 Tm /F1 1 Tf (5) Tj ET",
    );
    let env = Env::new();
    let md = markdown(&env, &pages_pdf(&[page]));
    assert!(md.contains("3000 2015"), "{md}");
}

/// A row of two number cells set apart by character spacing no `TJ` offset
/// takes back, and a title tracked by offsets that do (see below).
const TRACKED_ROW: &str =
    "BT 3.1523 Tc 5.76 0 0 5.76 141 500 Tm /F1 1 Tf [(3) 3166 (,) 3139 (4) 3166 (6) 3166 \
         (2) 245 (4) 3166 (,) 3139 (7) 3166 (0) 3166 (4)] TJ ET \
         BT 3 Tc /F1 20 Tf 72 600 Td [(T) 20 (RACKED) 30 (TITLE)] TJ ET";

/// pdfplumber's `nics-background-checks-2015-11.pdf` sets a row's cells in
/// one `TJ` under `3.15 Tc` and takes the spacing back after each digit:
/// the cells stand where an offset does not, 2.9 em apart. Judged without
/// the spacing, that offset read as a kern ("3,4624,704"). Tracking that
/// no offset takes back keeps its words whole.
#[test]
fn cells_set_apart_by_character_spacing_an_offset_keeps_are_two_numbers() {
    let page = Page::Ops(TRACKED_ROW);
    let env = Env::new();
    let md = markdown(&env, &pages_pdf(&[page]));
    assert!(md.contains("3,462 4,704"), "{md}");
    assert!(md.contains("TRACKEDTITLE"), "{md}");
}

/// The same row set inside a form XObject, as producers that draw a
/// page's body through `Do` write it: the form's `TJ` walk judges its
/// offsets as the page's does.
#[test]
fn cells_set_apart_by_character_spacing_in_a_form_are_two_numbers() {
    let page = Page::Form(TRACKED_ROW);
    let env = Env::new();
    let md = markdown(&env, &pages_pdf(&[page]));
    assert!(md.contains("3,462 4,704"), "{md}");
    assert!(md.contains("TRACKEDTITLE"), "{md}");
}

/// A run of Helvetica turned 90° (reading up, `up`) or 270° (reading down)
/// from `(x, y)`, each glyph placed by a text matrix of its own as
/// pdfplumber's `issue-192-example.pdf` sets its column headers; a space
/// is a gap, no glyph.
fn glyph_by_glyph_vertical(text: &str, x: f32, y: f32, size: f32, up: bool) -> String {
    let width = |c: char| match c {
        'N' => 722.0,
        'S' => 667.0,
        'G' => 778.0,
        'M' => 833.0,
        'T' => 611.0,
        'e' | 'a' | 'o' | 'g' | 'n' => 556.0,
        's' => 500.0,
        'r' => 333.0,
        'l' | 'i' => 222.0,
        _ => 278.0,
    };
    let (sin, mut pos, mut ops) = (if up { size } else { -size }, y, String::new());
    for c in text.chars() {
        if c != ' ' {
            ops += &format!("BT 0 {sin} {} 0 {x} {pos} Tm /F1 1 Tf ({c}) Tj ET ", -sin);
        }
        pos += width(c) * sin / 1000.0;
    }
    ops
}

/// pdfplumber's `issue-192-example.pdf`: a table's column headers turned
/// 90° (one 270°), each glyph shown by a text matrix of its own. Read
/// along +x as upright lines are, each glyph stood alone, grouped by its
/// height with the row label beside it, and the headers came out letter by
/// letter in the table's cells ("s l e a S t e N"). Joined along their own
/// baseline, each header reads as its words, in reading order.
#[test]
fn a_vertical_header_set_glyph_by_glyph_reads_as_its_words() {
    let mut ops = vec![
        "BT /F1 10 Tf 72 700 Td (Quarterly results of the northern region) Tj ET".to_string(),
        "BT /F1 10 Tf 72 530 Td (Region) Tj ET".to_string(),
        glyph_by_glyph_vertical("Net Sales", 300.0, 500.0, 10.0, true),
        glyph_by_glyph_vertical("Gross Margin", 330.0, 500.0, 10.0, true),
        glyph_by_glyph_vertical("Total", 360.0, 560.0, 10.0, false),
    ];
    let rows = [
        ["North", "12", "14", "9"],
        ["South", "8", "11", "7"],
        ["East", "15", "10", "12"],
        ["West", "6", "9", "5"],
    ];
    for (i, row) in rows.iter().enumerate() {
        for (x, cell) in [72, 296, 326, 352].iter().zip(row) {
            let y = 480 - 20 * i;
            ops.push(format!("BT /F1 10 Tf {x} {y} Td ({cell}) Tj ET"));
        }
    }
    ops.push("BT /F1 10 Tf 72 380 Td (The figures are unaudited.) Tj ET".to_string());
    let ops = ops.join(" ");
    let env = Env::new();
    let md = markdown(&env, &pages_pdf(&[Page::Ops(&ops)]));
    for header in ["Net Sales", "Gross Margin", "Total"] {
        assert!(md.contains(header), "{header}: {md}");
    }
}
