//! `-p local` end to end: the real binary, no fake and no network (the test
//! environment has no proxy, no base URL and an empty PATH unless a test sets it).

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::harness::{stderr_of, stdout_of, tree, Env};

/// A file in the work folder.
pub(crate) fn file(env: &Env, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = env.work.path().join(name);
    fs::write(&path, bytes).unwrap();
    path
}

pub(crate) fn local(env: &Env) -> assert_cmd::Command {
    let mut cmd = env.bare();
    cmd.args(["-p", "local"]);
    cmd
}

/// The markdown `ocr` prints for `path`, the run required to succeed.
pub(crate) fn ocr(env: &Env, path: &Path) -> String {
    let out = local(env).arg("ocr").arg(path).output().unwrap();
    assert!(
        out.status.success(),
        "{}: {}",
        path.display(),
        stderr_of(&out)
    );
    stdout_of(&out)
}

#[test]
fn ocr_of_a_born_digital_pdf_needs_no_network_and_no_key() {
    let env = Env::new();
    let doc = env.doc("demo1.pdf", "demo1.pdf");
    let out = local(&env).arg("ocr").arg(&doc).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let md = stdout_of(&out);
    assert!(
        md.contains("# The response of flow duration curves to afforestation"),
        "{}",
        &md[..md.len().min(2000)]
    );
    assert!(md.split_whitespace().count() > 5000);
    // Section titles set in the body size are headings; the running header is not text.
    assert!(md.contains("\n## 1. Introduction\n"), "{md}");
    assert!(!md.contains("Lane et al. / Journal of Hydrology"), "{md}");
    // Nothing kept: an answer made here costs nothing to make again, so the
    // rerun extracts it again (with the build that runs it).
    let files = tree(env.home.path());
    assert!(
        files.iter().any(|f| f.contains("journal")),
        "the record is in the data folder: {files:?}"
    );
    assert!(!files.iter().any(|f| f.contains("held")), "{files:?}");
    let again = local(&env).arg("ocr").arg(&doc).output().unwrap();
    assert_eq!(stdout_of(&again), md);
}

#[test]
fn json_answer_has_each_page_and_blocks_with_page_numbers() {
    let env = Env::new();
    let doc = env.doc("demo1.pdf", "demo1.pdf");
    let out = local(&env)
        .args(["ocr", "--format", "json"])
        .arg(&doc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let answer: Value = serde_json::from_str(&stdout_of(&out)).unwrap();
    assert_eq!(answer["provider"], "local");
    assert_eq!(answer["pages"].as_array().unwrap().len(), 13);
    let blocks = answer["blocks"].as_array().unwrap();
    let pages: std::collections::BTreeSet<u64> =
        blocks.iter().map(|b| b["page"].as_u64().unwrap()).collect();
    assert_eq!(pages.len(), 13, "blocks from every page");
    assert!(blocks.iter().any(|b| b["type"] == "heading"));
    // The running header left the markdown but not the answer.
    assert!(
        blocks.iter().any(|b| b["type"] == "header"
            && b["page"] == 3
            && b["text"]
                .as_str()
                .unwrap()
                .contains("Lane et al. / Journal of Hydrology")),
        "{blocks:?}"
    );
}

#[test]
fn parse_writes_full_md_images_and_the_json_like_the_cloud_providers() {
    let env = Env::new();
    let doc = env.doc("docx_01.docx", "report.docx");
    let out = local(&env)
        .args(["parse", "-o"])
        .arg(env.out())
        .arg(&doc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let dir = env.out().join("report");
    let files = tree(&dir);
    assert!(files.contains(&"full.md".to_string()), "{files:?}");
    assert!(files.contains(&"response.json".to_string()), "{files:?}");
    let images: Vec<&String> = files.iter().filter(|f| f.starts_with("images/")).collect();
    assert!(!images.is_empty(), "{files:?}");
    let md = fs::read_to_string(dir.join("full.md")).unwrap();
    for image in &images {
        assert!(md.contains(&format!("]({image})")), "{image} not linked");
    }
    let answer: Value =
        serde_json::from_str(&fs::read_to_string(dir.join("response.json")).unwrap()).unwrap();
    assert!(answer["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .all(|b| b["page"] == 1));
}

#[test]
fn ocr_to_a_folder_writes_the_markdown_and_its_images_folder() {
    let env = Env::new();
    let doc = env.doc("docx_01.docx", "report.docx");
    let out = local(&env)
        .args(["ocr", "-o"])
        .arg(env.out())
        .arg(&doc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let md = fs::read_to_string(env.out().join("report.md")).unwrap();
    let images = tree(&env.out().join("report_images"));
    assert!(!images.is_empty());
    for image in images {
        assert!(md.contains(&format!("](report_images/{image})")), "{image}");
    }
}

#[test]
fn macro_enabled_template_and_slide_show_office_files_are_read_as_their_kind() {
    // The same parts as .xlsx/.docx/.pptx under another name: read the same
    // way (a macro is never run), not refused as an unknown type.
    let env = Env::new();
    let cases = [
        (env.doc("xlsx_01.xlsx", "book.xlsm"), "| --- |"),
        (env.doc("xlsx_01.xlsx", "form.xltx"), "| --- |"),
        (env.doc("docx_01.docx", "letter.docm"), "# "),
        (env.doc("docx_01.docx", "letter.dotx"), "# "),
        (env.doc("pptx_01.pptx", "deck.pptm"), "# "),
        (env.doc("pptx_01.pptx", "show.ppsx"), "# "),
    ];
    reads_each(&env, &cases);
}

/// Each case's file read by `local` (exit 0) holds its wanted text; their
/// markdown, in order.
fn reads_each(env: &Env, cases: &[(std::path::PathBuf, &str)]) -> Vec<String> {
    cases
        .iter()
        .map(|(path, want)| {
            let md = ocr(env, path);
            assert!(md.contains(want), "{}: {md}", path.display());
            md
        })
        .collect()
}

#[test]
fn slides_sheets_csv_html_and_text_are_read() {
    let env = Env::new();
    let csv = file(&env, "t.csv", b"a,b\n1,2\n");
    let html = file(
        &env,
        "t.html",
        b"<h1>Hello</h1><p>World <script>alert('x')</script></p>",
    );
    let txt = file(&env, "t.txt", b"plain words\n");
    let cases: Vec<(std::path::PathBuf, &str)> = vec![
        (env.doc("pptx_01.pptx", "deck.pptx"), "# "),
        (env.doc("xlsx_01.xlsx", "book.xlsx"), "| --- |"),
        (csv, "| a | b |\n| --- | --- |\n| 1 | 2 |"),
        (html, "# Hello"),
        (txt, "plain words"),
    ];
    for md in reads_each(&env, &cases) {
        assert!(!md.contains("alert"), "{md}");
    }
}

#[test]
fn a_scan_without_tesseract_exits_4_naming_a_cloud_provider() {
    let env = Env::new();
    let doc = env.doc("small_ocr.pdf", "scan.pdf");
    // The base environment has no PATH: tesseract cannot be found.
    let out = local(&env).arg("ocr").arg(&doc).output().unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(err.contains("without a text layer"), "{err}");
    assert!(err.contains("tesseract is not installed"), "{err}");
    assert!(
        err.contains("hint:") && err.contains("-p mineru-flash"),
        "{err}"
    );
}

#[test]
fn a_scan_is_ocrd_by_tesseract_when_it_is_on_path() {
    let Some(dir) = ["/usr/bin", "/usr/local/bin"]
        .into_iter()
        .find(|d| Path::new(d).join("tesseract").exists())
    else {
        // CI installs tesseract-ocr and sets this, so there the path cannot be skipped.
        assert!(
            std::env::var_os("DOCPIPE_REQUIRE_TESSERACT").is_none(),
            "DOCPIPE_REQUIRE_TESSERACT is set but tesseract is not installed: apt-get install -y tesseract-ocr"
        );
        eprintln!("note: tesseract not installed: the OCR path is not exercised here");
        return;
    };
    let env = Env::new();
    let doc = env.doc("small_ocr.pdf", "scan.pdf");
    let out = local(&env)
        .env("PATH", dir)
        .args(["ocr", "--format", "json", "--pages", "2"])
        .arg(&doc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let answer: Value = serde_json::from_str(&stdout_of(&out)).unwrap();
    assert_eq!(answer["ocr_pages"], serde_json::json!([2]));
    let text = answer["pages"][0]["markdown"].as_str().unwrap();
    assert!(
        text.chars().filter(|c| !c.is_whitespace()).count() > 200,
        "{text}"
    );
}

#[test]
fn an_encrypted_pdf_exits_4_and_says_so() {
    let env = Env::new();
    let mut pdf = lopdf::Document::load(crate::harness::fixture_path("demo1.pdf")).unwrap();
    let state = lopdf::EncryptionState::try_from(lopdf::EncryptionVersion::V2 {
        document: &pdf,
        owner_password: "owner",
        user_password: "user",
        key_length: 128,
        permissions: lopdf::Permissions::all(),
    })
    .unwrap();
    pdf.encrypt(&state).unwrap();
    let path = file(&env, "locked.pdf", b"");
    pdf.save(&path).unwrap();
    let out = local(&env).arg("ocr").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(
        err.contains("locked.pdf") && err.contains("encrypted"),
        "{err}"
    );
    assert!(err.contains("hint:"), "{err}");
}

#[test]
fn damaged_documents_exit_4_with_a_next_step() {
    let env = Env::new();
    let docx = fs::read(crate::harness::fixture_path("docx_01.docx")).unwrap();
    let pdf = fs::read(crate::harness::fixture_path("demo1.pdf")).unwrap();
    let cut_docx = file(&env, "cut.docx", &docx[..docx.len() / 2]);
    let junk_pdf = file(&env, "junk.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog");
    let cut_pdf = file(&env, "cut.pdf", &pdf[..pdf.len() / 4]);
    for path in [cut_docx, junk_pdf, cut_pdf] {
        let out = local(&env).arg("ocr").arg(&path).output().unwrap();
        let err = stderr_of(&out);
        // A truncated PDF may still give the pages it holds; never a crash.
        match out.status.code() {
            Some(0) => assert!(!stdout_of(&out).is_empty()),
            Some(4) => assert!(err.contains("hint:"), "{err}"),
            other => panic!("{}: exit {other:?}: {err}", path.display()),
        }
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn pages_past_the_end_are_refused_and_the_others_kept() {
    let env = Env::new();
    let doc = env.doc("demo1.pdf", "demo1.pdf");
    let out = local(&env)
        .args(["ocr", "--pages", "20-30"])
        .arg(&doc)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(
        err.contains("outside the document") && err.contains("13 pages"),
        "{err}"
    );
    let out = local(&env)
        .args(["ocr", "--format", "json", "--pages", "13,2,99"])
        .arg(&doc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let answer: Value = serde_json::from_str(&stdout_of(&out)).unwrap();
    assert_eq!(answer["page_count"], 2);
}

#[test]
fn an_image_without_tesseract_exits_4_and_with_it_gives_its_text() {
    let env = Env::new();
    let doc = env.doc("scan.png", "photo.png");
    let out = local(&env).arg("ocr").arg(&doc).output().unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("-p mineru-flash"));
    if Path::new("/usr/bin/tesseract").exists() {
        let out = local(&env)
            .env("PATH", "/usr/bin")
            .arg("ocr")
            .arg(&doc)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr_of(&out));
        assert!(
            stdout_of(&out).contains("quick brown fox"),
            "{}",
            stdout_of(&out)
        );
    } else {
        // CI installs tesseract-ocr and sets this, so there this half cannot be skipped.
        assert!(
            std::env::var_os("DOCPIPE_REQUIRE_TESSERACT").is_none(),
            "DOCPIPE_REQUIRE_TESSERACT is set but /usr/bin/tesseract is not installed: apt-get install -y tesseract-ocr"
        );
        eprintln!("note: /usr/bin/tesseract not installed: the OCR half is not exercised here");
    }
}

/// A CSV past the size kept in memory (8 MiB) is written to a temporary file
/// and copied into place: the same table to stdout, `ocr -o` and `parse -o`,
/// no blocks copying it in the JSON, and nothing left in the temporary folder.
#[test]
fn a_large_csv_is_spooled_through_a_temporary_file() {
    let env = Env::new();
    let mut csv = String::from("word,number,note\n");
    let mut row = 0u64;
    while csv.len() < 9 << 20 {
        csv.push_str(&format!("w{row},{row},\"a, b|c\"\n"));
        row += 1;
    }
    let doc = file(&env, "big.csv", csv.as_bytes());
    let tmp = env.work.path().join("tmp");
    fs::create_dir(&tmp).unwrap();
    let run = |args: &[&str]| {
        let out = local(&env)
            .env("TMPDIR", &tmp)
            .args(args)
            .arg(&doc)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr_of(&out));
        assert!(tree(&tmp).is_empty(), "left behind: {:?}", tree(&tmp));
        out
    };
    let printed = stdout_of(&run(&["ocr"]));
    // Printed again by a second run: the record held no copy of the table.
    assert_eq!(stdout_of(&run(&["ocr"])), printed);
    assert!(printed
        .starts_with("| word | number | note |\n| --- | --- | --- |\n| w0 | 0 | a, b\\|c |\n"));
    let last = row - 1;
    // Ends with one newline, as a table held in memory does.
    assert!(printed.ends_with(&format!("| w{last} | {last} | a, b\\|c |\n")));
    let files = env.out();
    run(&["ocr", "-o", files.to_str().unwrap()]);
    let written = fs::read_to_string(files.join("big.md")).unwrap();
    assert_eq!(written, printed);
    let folders = env.work.path().join("parsed");
    run(&["parse", "-o", folders.to_str().unwrap()]);
    let full = fs::read_to_string(folders.join("big/full.md")).unwrap();
    assert_eq!(full.trim_end(), printed.trim_end());
    let answer: Value =
        serde_json::from_str(&fs::read_to_string(folders.join("big/response.json")).unwrap())
            .unwrap();
    assert_eq!(answer["page_count"], 1);
    assert!(answer.get("blocks").is_none(), "{answer}");
}

/// A workbook past the size read whole (8 MiB) is streamed sheet by sheet into
/// a temporary file: every row arrives, the sheet's name heads its table, and
/// nothing is left in the temporary folder.
#[test]
fn a_large_xlsx_is_streamed_not_refused() {
    let env = Env::new();
    let path = env.work.path().join("big.xlsx");
    let ns = r#"xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#;
    let mut w = zip::ZipWriter::new(fs::File::create(&path).unwrap());
    // Stored, not deflated: the file itself must pass the 8 MiB mark.
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut put = |name: &str, text: &str| {
        w.start_file(name, opts).unwrap();
        std::io::Write::write_all(&mut w, text.as_bytes()).unwrap();
    };
    put(
        "xl/workbook.xml",
        &format!(
            r#"<workbook {ns}><sheets><sheet name="Big" sheetId="1" r:id="rId1"/></sheets></workbook>"#
        ),
    );
    put(
        "xl/_rels/workbook.xml.rels",
        r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
    );
    let mut sheet = format!(
        r#"<worksheet {ns}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>word</t></is></c><c r="B1" t="inlineStr"><is><t>number</t></is></c></row>"#
    );
    let mut rows = 0u64;
    while sheet.len() < 9 << 20 {
        let r = rows + 2;
        sheet.push_str(&format!(r#"<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>w{rows}</t></is></c><c r="B{r}"><v>{rows}</v></c></row>"#));
        rows += 1;
    }
    sheet.push_str("</sheetData></worksheet>");
    put("xl/worksheets/sheet1.xml", &sheet);
    w.finish().unwrap();
    let tmp = env.work.path().join("tmp");
    fs::create_dir(&tmp).unwrap();
    let out = local(&env)
        .env("TMPDIR", &tmp)
        .args(["ocr", "-o"])
        .arg(env.out())
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(tree(&tmp).is_empty(), "left behind: {:?}", tree(&tmp));
    let md = fs::read_to_string(env.out().join("big.md")).unwrap();
    assert!(
        md.starts_with("## Big\n\n| word | number |\n| --- | --- |\n| w0 | 0 |\n"),
        "{}",
        &md[..200]
    );
    let last = rows - 1;
    assert!(md.trim_end().ends_with(&format!("| w{last} | {last} |")));
    assert_eq!(md.lines().count() as u64, rows + 4);
}

#[test]
fn a_sheet_gives_each_table_set_on_it_apart() {
    // A title, an empty row, a table whose columns a spacer column parts,
    // and two empty columns from a total beside it: the title as text and
    // two tables, as a reader of the sheet sees them, under the sheet's name
    // (as when the workbook has several sheets, or is streamed).
    let env = Env::new();
    let path = env.work.path().join("ducks.xlsx");
    let ns = r#"xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#;
    let mut w = zip::ZipWriter::new(fs::File::create(&path).unwrap());
    let opts = zip::write::SimpleFileOptions::default();
    let mut put = |name: &str, text: &str| {
        w.start_file(name, opts).unwrap();
        std::io::Write::write_all(&mut w, text.as_bytes()).unwrap();
    };
    put(
        "[Content_Types].xml",
        r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
    );
    put(
        "_rels/.rels",
        r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    );
    put(
        "xl/workbook.xml",
        &format!(
            r#"<workbook {ns}><sheets><sheet name="Ducks" sheetId="1" r:id="rId1"/></sheets></workbook>"#
        ),
    );
    put(
        "xl/_rels/workbook.xml.rels",
        r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
    );
    let text = |r: &str, t: &str| format!(r#"<c r="{r}" t="inlineStr"><is><t>{t}</t></is></c>"#);
    let num = |r: &str, v: u32| format!(r#"<c r="{r}"><v>{v}</v></c>"#);
    let rows = [
        format!(r#"<row r="1">{}</row>"#, text("A1", "Ducks a year")),
        format!(
            r#"<row r="3">{}{}{}</row>"#,
            text("A3", "Year"),
            text("C3", "Ducks"),
            text("F3", "Total")
        ),
        format!(
            r#"<row r="4">{}{}{}</row>"#,
            num("A4", 2019),
            num("C4", 120),
            num("F4", 255)
        ),
        format!(r#"<row r="5">{}{}</row>"#, num("A5", 2020), num("C5", 135)),
    ];
    put(
        "xl/worksheets/sheet1.xml",
        &format!(
            r#"<worksheet {ns}><sheetData>{}</sheetData></worksheet>"#,
            rows.concat()
        ),
    );
    w.finish().unwrap();
    let out = local(&env).arg("ocr").arg(&path).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let md = stdout_of(&out);
    assert!(
        md.contains(
            "## Ducks\n\nDucks a year\n\n| Year | Ducks |\n| --- | --- |\n| 2019 | 120 |\n| 2020 | 135 |\n\n| Total |\n| --- |\n| 255 |"
        ),
        "{md}"
    );
}

use crate::support::pdfgen::{pages_pdf, Page};

/// Pages of body text under a top line and over a bottom line.
fn framed(top: &str, bottom: &str, body: &[&'static str]) -> Vec<(i64, i64, String)> {
    let mut lines = vec![(9, 800, top.to_string())];
    for (i, line) in body.iter().enumerate() {
        lines.push((11, 700 - 16 * i as i64, line.to_string()));
    }
    lines.push((9, 40, bottom.to_string()));
    lines
}

fn pdf_of(pages: &[Vec<(i64, i64, String)>]) -> Vec<u8> {
    let pages: Vec<Page> = pages
        .iter()
        .map(|p| Page::Text(p.iter().map(|(s, y, t)| (*s, *y, t.as_str())).collect()))
        .collect();
    pages_pdf(&pages)
}

const BODY: &[&str] = &[
    "The committee met on the first day and went through the accounts.",
    "It found the figures in order and asked for the next report in spring.",
    "Members agreed to publish the minutes once they were approved.",
];

#[test]
fn lines_whose_numbers_change_are_content_and_only_a_page_number_makes_running_text() {
    let env = Env::new();
    let statements = [
        (
            "Account 1007-55: balance due EUR 120.50",
            "Acme Bank statement page 1",
        ),
        (
            "Account 2231-08: balance due EUR 75.10",
            "Acme Bank statement page 2",
        ),
        (
            "Account 3310-91: balance due EUR 988.00",
            "Acme Bank statement page 3",
        ),
        (
            "Account 4102-17: balance due EUR 14.75",
            "Acme Bank statement page 4",
        ),
    ];
    let pages: Vec<_> = statements
        .iter()
        .map(|(top, bottom)| framed(top, bottom, BODY))
        .collect();
    let path = file(&env, "statements.pdf", &pdf_of(&pages));
    let out = local(&env).arg("ocr").arg(&path).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let md = stdout_of(&out);
    for (top, bottom) in statements {
        assert!(md.contains(top), "{top} lost: {md}");
        // The footer's only changing number follows the page index.
        assert!(!md.contains(bottom), "{bottom} kept: {md}");
    }
    assert_eq!(md.matches("went through the accounts").count(), 4, "{md}");

    // --keep-headers keeps it in the text; the JSON still types it a footer, once.
    let out = local(&env)
        .args(["ocr", "--keep-headers", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let answer: Value = serde_json::from_str(&stdout_of(&out)).unwrap();
    let page1 = answer["pages"][0]["markdown"].as_str().unwrap();
    assert!(page1.ends_with("Acme Bank statement page 1"), "{page1}");
    let blocks = answer["blocks"].as_array().unwrap();
    let footers: Vec<&Value> = blocks
        .iter()
        .filter(|b| b["text"] == "Acme Bank statement page 1")
        .collect();
    assert_eq!(footers.len(), 1, "{blocks:?}");
    assert_eq!(footers[0]["type"], "footer");
    // And from the config file.
    let cfg_dir = env.home.path().join("config").join("docpipe");
    fs::create_dir_all(&cfg_dir).unwrap();
    fs::write(
        cfg_dir.join("config.toml"),
        "[providers.local]\nkeep_headers = true\n",
    )
    .unwrap();
    let out = local(&env).arg("ocr").arg(&path).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(stdout_of(&out).contains("Acme Bank statement page 3"));
}

#[test]
fn chapter_pages_keep_every_line_and_no_heading_is_empty() {
    let env = Env::new();
    let pages: Vec<Vec<(i64, i64, String)>> = (1..=3)
        .map(|i| {
            vec![
                (24, 760, format!("Chapter {i}")),
                (
                    11,
                    700,
                    format!("Body of chapter {i}. This is ordinary text."),
                ),
            ]
        })
        .collect();
    let path = file(&env, "chapters.pdf", &pdf_of(&pages));
    let out = local(&env).arg("ocr").arg(&path).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let md = stdout_of(&out);
    for i in 1..=3 {
        assert!(md.contains(&format!("Chapter {i}")), "{md}");
        assert!(
            md.contains(&format!("Body of chapter {i}. This is ordinary text.")),
            "{md}"
        );
    }
    assert!(
        !md.lines()
            .any(|l| l.starts_with('#') && l.trim_matches('#').trim().is_empty()),
        "{md}"
    );
}

/// A page number set over a disclaimer in its own size, at its leading,
/// makes one paragraph with it: only the number goes (pdf-inspector mend
/// 49; the whole paragraph went, on every page of olmOCR's
/// `lots_of_sci_tables.pdf`).
#[test]
fn a_disclaimer_set_under_the_page_number_is_kept() {
    let env = Env::new();
    let mut lines: Vec<(i64, i64, &str)> = BODY
        .iter()
        .enumerate()
        .map(|(i, line)| (11, 700 - 16 * i as i64, *line))
        .collect();
    lines.extend([
        (6, 60, "Page 1 of 1"),
        (
            6,
            53,
            "This information is given in good faith without warranty of any kind.",
        ),
        (
            6,
            46,
            "Reproduction is allowed only with written permission from the publisher.",
        ),
    ]);
    let path = file(&env, "certificate.pdf", &pages_pdf(&[Page::Text(lines)]));
    let out = local(&env).arg("ocr").arg(&path).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let md = stdout_of(&out);
    assert!(md.contains(BODY[2]), "{md}");
    assert!(
        md.contains("This information is given in good faith without warranty of any kind. Reproduction is allowed only with written permission from the publisher."),
        "{md}"
    );
    assert!(!md.contains("Page 1 of 1"), "{md}");
}

#[test]
fn a_blank_page_and_a_scan_without_tesseract_are_left_out_not_the_document() {
    let env = Env::new();
    let text = |n: &'static str| Page::Text(vec![(11, 700, n), (11, 684, BODY[0])]);
    let pdf = pages_pdf(&[
        text("First page of the report."),
        Page::Blank,
        Page::Image,
        text("Last page of the report."),
    ]);
    let path = file(&env, "report.pdf", &pdf);
    let out = local(&env).arg("ocr").arg(&path).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let md = stdout_of(&out);
    assert!(md.contains("First page of the report."), "{md}");
    assert!(md.contains("Last page of the report."), "{md}");
    let comments: Vec<&str> = md.lines().filter(|l| l.starts_with("<!--")).collect();
    assert_eq!(comments.len(), 2, "{md}");
    assert!(
        comments[0].contains("page 2") && comments[0].contains("blank"),
        "{md}"
    );
    assert!(
        comments[1].contains("page 3") && comments[1].contains("tesseract"),
        "{md}"
    );
    let err = stderr_of(&out);
    assert!(err.contains("report.pdf: page 2 left out"), "{err}");
    assert!(err.contains("report.pdf: page 3 left out"), "{err}");

    let out = local(&env)
        .args(["ocr", "--json"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let line: Value = serde_json::from_str(stdout_of(&out).lines().next().unwrap()).unwrap();
    assert_eq!(line["state"], "done");
    assert_eq!(line["pages_skipped"], serde_json::json!([2, 3]));
}

#[test]
fn pdfs_poppler_reads_are_read_a_bad_xref_and_a_scan_s_own_words() {
    let env = Env::new();
    let text = |n: &'static str| Page::Text(vec![(11, 700, n), (11, 684, BODY[1])]);
    let pdf = pages_pdf(&[text("Opening words."), text("Closing words.")]);
    // A line slipped in after the header moves every object away from where
    // the cross-reference table says it is (pdfplumber's issue-848.pdf).
    let cut = pdf.iter().position(|b| *b == b'\n').unwrap() + 1;
    let mut shifted = b"GPL Ghostscript: processing pages 1 through 2.\n".to_vec();
    shifted.extend_from_slice(&pdf[..cut]);
    shifted.extend_from_slice(b"%%Invocation: gs -sDEVICE=pdfwrite -dPDFSETTINGS=/prepress\n");
    shifted.extend_from_slice(&pdf[cut..]);
    let path = file(&env, "shifted.pdf", &shifted);
    let out = local(&env).arg("ocr").arg(&path).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let md = stdout_of(&out);
    assert!(
        md.contains("Opening words.") && md.contains("Closing words."),
        "{md}"
    );

    // A scan with a date over it and no tesseract: the date, not a refusal
    // (pdfplumber's malformed-from-issue-932.pdf).
    let path = file(&env, "fax.pdf", &pages_pdf(&[Page::ImageWith("2021 3 31")]));
    let out = local(&env).arg("ocr").arg(&path).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(stdout_of(&out).contains("2021 3 31"), "{}", stdout_of(&out));
}

/// A page whose content stream the cross-reference table lists two bytes
/// beside it loads without its text (lopdf leaves out the object it cannot
/// find); poppler rebuilds the table and reads it, and so does local
/// (pdf-lib's `with_missing_endstream_eol_and_polluted_ctm.pdf`, its bytes
/// edited after the table was written).
#[test]
fn a_page_whose_content_the_xref_lists_beside_it_is_read() {
    let env = Env::new();
    let mut pdf = pages_pdf(&[Page::Text(vec![
        (11, 700, "Opening words."),
        (11, 684, BODY[1]),
    ])]);
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).rposition(|w| w == needle);
    let shown = find(&pdf, b"(Opening words.)").unwrap();
    let header = find(&pdf[..shown], b" 0 obj").unwrap();
    let digits = pdf[..header]
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_digit())
        .count();
    let number: usize = std::str::from_utf8(&pdf[header - digits..header])
        .unwrap()
        .parse()
        .unwrap();
    // A classic table appended as the file's last section, every object
    // where it starts but the content stream two bytes further on.
    let mut objects = std::collections::BTreeMap::new();
    let mut at = 0;
    while let Some(found) = pdf[at..]
        .windows(6)
        .position(|w| w == b" 0 obj")
        .map(|k| k + at)
    {
        let begin = found
            - pdf[..found]
                .iter()
                .rev()
                .take_while(|b| b.is_ascii_digit())
                .count();
        if let Ok(n) = std::str::from_utf8(&pdf[begin..found])
            .unwrap()
            .parse::<usize>()
        {
            objects.insert(n, begin);
        }
        at = found + 6;
    }
    let root = find(&pdf, b"/Root ").unwrap() + 6;
    let root: String = pdf[root..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .map(|&b| b as char)
        .collect();
    let size = objects.keys().last().unwrap() + 1;
    let xref_at = pdf.len() + 1;
    let mut table = format!("\nxref\n0 {size}\n0000000000 65535 f \n");
    for n in 1..size {
        table += &match objects.get(&n) {
            Some(&offset) if n == number => format!("{:010} 00000 n \n", offset + 2),
            Some(&offset) => format!("{offset:010} 00000 n \n"),
            None => "0000000000 65535 f \n".to_string(),
        };
    }
    table +=
        &format!("trailer\n<< /Size {size} /Root {root} 0 R >>\nstartxref\n{xref_at}\n%%EOF\n");
    pdf.extend_from_slice(table.as_bytes());
    let path = file(&env, "edited.pdf", &pdf);
    let out = local(&env).arg("ocr").arg(&path).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let md = stdout_of(&out);
    assert!(md.contains("Opening words."), "{md}");
}

/// The folder holding `tesseract`, or `None` (then the test is skipped, except
/// in CI, which installs tesseract-ocr and sets DOCPIPE_REQUIRE_TESSERACT).
pub(crate) fn tesseract_dir() -> Option<&'static str> {
    let dir = ["/usr/bin", "/usr/local/bin"]
        .into_iter()
        .find(|d| Path::new(d).join("tesseract").exists());
    if dir.is_none() {
        assert!(
            std::env::var_os("DOCPIPE_REQUIRE_TESSERACT").is_none(),
            "DOCPIPE_REQUIRE_TESSERACT is set but tesseract is not installed: apt-get install -y tesseract-ocr"
        );
        eprintln!("note: tesseract not installed: the OCR path is not exercised here");
    }
    dir
}

/// `--language en` is ISO 639-1, which tesseract does not know ("Failed
/// loading language 'en'"): it reaches tesseract as `eng`. `--language de`
/// without tesseract's German data (CI installs English only) is refused
/// before OCR with the Debian package to install, for images and PDFs alike.
#[test]
fn ocr_language_codes_are_tesseracts_and_a_missing_pack_names_its_package() {
    let Some(dir) = tesseract_dir() else {
        return;
    };
    let env = Env::new();
    let image = env.doc("scan.png", "photo.png");
    let out = local(&env)
        .env("PATH", dir)
        .args(["ocr", "--language", "en"])
        .arg(&image)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(
        stdout_of(&out).contains("quick brown fox"),
        "{}",
        stdout_of(&out)
    );
    // A clean scan read in its language raises no doubt.
    assert!(!stderr_of(&out).contains("warning"), "{}", stderr_of(&out));

    let listed = std::process::Command::new(Path::new(dir).join("tesseract"))
        .arg("--list-langs")
        .output()
        .unwrap();
    if String::from_utf8_lossy(&listed.stdout)
        .lines()
        .any(|l| l.trim() == "deu")
    {
        eprintln!("note: tesseract's German data is installed: the missing-pack half is not exercised here");
        return;
    }
    let pdf = env.doc("small_ocr.pdf", "scan.pdf");
    for doc in [&image, &pdf] {
        let out = local(&env)
            .env("PATH", dir)
            .args(["ocr", "--language", "de"])
            .arg(doc)
            .output()
            .unwrap();
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains("deu") && err.contains("not installed"),
            "{err}"
        );
        assert!(
            err.contains("hint:") && err.contains("apt-get install tesseract-ocr-deu"),
            "{err}"
        );
        assert!(!err.contains("Failed loading language"), "{err}");
        assert!(stdout_of(&out).is_empty());
    }
}

/// A page OCR reads with low confidence (here a scan upside down; in the field
/// a Chinese fax read with English data) still gives its text and exit 0, with
/// one warning naming the document and suggesting `--language`; `-q` hides it.
#[test]
fn low_ocr_confidence_warns_once_naming_the_document_and_language() {
    let Some(dir) = tesseract_dir() else {
        return;
    };
    let env = Env::new();
    let doc = env.doc("upside_down.png", "fax.png");
    let out = local(&env)
        .env("PATH", dir)
        .arg("ocr")
        .arg(&doc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(!stdout_of(&out).trim().is_empty());
    let err = stderr_of(&out);
    let warnings: Vec<&str> = err.lines().filter(|l| l.contains("warning:")).collect();
    assert_eq!(warnings.len(), 1, "{err}");
    assert!(
        warnings[0].contains("fax.png")
            && warnings[0].contains("low confidence")
            && warnings[0].contains("--language"),
        "{err}"
    );
    let quiet = local(&env)
        .env("PATH", dir)
        .args(["-q", "ocr"])
        .arg(&doc)
        .output()
        .unwrap();
    assert!(quiet.status.success(), "{}", stderr_of(&quiet));
    assert!(
        !stderr_of(&quiet).contains("warning"),
        "{}",
        stderr_of(&quiet)
    );
}

/// A LaTeX-style PDF: a Type0 font with Identity-H encoding whose glyph 32 is
/// a letter 816 units wide, words set apart by `TJ` offsets of -326 (a third
/// of an em) rather than space characters. pdf-inspector took glyph 32's width
/// for the word space, so no offset was wide enough and every line came out as
/// one word (pdfplumber's `issue-598-example.pdf`: "Thinkofyourfavorite…").
#[test]
fn words_set_apart_by_tj_offsets_in_a_cid_font_keep_their_spaces() {
    use lopdf::{dictionary, Document, Object, Stream};
    let text = "Think of your favorite science fiction movie";
    let letters: Vec<char> = {
        let mut l: Vec<char> = text.chars().filter(|c| *c != ' ').collect();
        l.sort_unstable();
        l.dedup();
        l
    };
    // CIDs 30.. for the letters, so that CID 32 is one of them.
    let cid = |c: char| 30 + letters.iter().position(|&l| l == c).unwrap() as u16;
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n/CMapName /Test def\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n",
    );
    cmap.push_str(&format!("{} beginbfchar\n", letters.len()));
    for &l in &letters {
        cmap.push_str(&format!("<{:04X}> <{:04X}>\n", cid(l), l as u32));
    }
    cmap.push_str("endbfchar\nendcmap CMapName currentdict /CMap defineresource pop end end\n");
    let widths: Vec<Object> = letters.iter().map(|_| Object::Integer(816)).collect();
    let mut tj = Vec::new();
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            tj.push(Object::Integer(-326));
        }
        let hex: Vec<u8> = word.chars().flat_map(|c| cid(c).to_be_bytes()).collect();
        tj.push(Object::String(hex, lopdf::StringFormat::Hexadecimal));
    }
    let mut doc = Document::with_version("1.5");
    let to_unicode = doc.add_object(Stream::new(dictionary! {}, cmap.into_bytes()));
    let cid_font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType0", "BaseFont" => "LMRoman12-Regular",
        "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 },
        "DW" => 280, "W" => vec![Object::Integer(30), Object::Array(widths)],
    });
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "LMRoman12-Regular-Identity-H",
        "Encoding" => "Identity-H", "DescendantFonts" => vec![cid_font.into()], "ToUnicode" => to_unicode,
    });
    let mut ops = b"BT /F1 11.955 Tf 72 700 Td ".to_vec();
    ops.extend_from_slice(
        &lopdf::content::Content {
            operations: vec![lopdf::content::Operation::new(
                "TJ",
                vec![Object::Array(tj)],
            )],
        }
        .encode()
        .unwrap(),
    );
    ops.extend_from_slice(b" ET");
    let bytes = one_page_pdf(doc, font, ops);

    let env = Env::new();
    let pdf = file(&env, "latex.pdf", &bytes);
    let out = local(&env).arg("ocr").arg(&pdf).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out).trim(), text, "{}", stderr_of(&out));
}

/// `doc` saved as one letter-size page drawing `ops` with `font` as `/F1`.
fn one_page_pdf(mut doc: lopdf::Document, font: lopdf::ObjectId, ops: Vec<u8>) -> Vec<u8> {
    use lopdf::{dictionary, Object, Stream};
    let content = doc.add_object(Stream::new(dictionary! {}, ops));
    let pages = doc.new_object_id();
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages, "Contents" => content,
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
        "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
    });
    doc.objects.insert(
        pages,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
        ),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
    doc.trailer.set("Root", catalog);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    bytes
}

/// `local`'s markdown of a one-page PDF drawing `ops` in Arial (every glyph
/// half an em wide).
fn markdown_of_page(ops: &str, name: &str) -> String {
    use lopdf::{dictionary, Document, Object};
    let mut doc = Document::with_version("1.5");
    let widths: Vec<Object> = (32..=126).map(|_| Object::Integer(500)).collect();
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "TrueType", "BaseFont" => "Arial",
        "FirstChar" => 32, "LastChar" => 126, "Widths" => widths,
        "Encoding" => "WinAnsiEncoding",
    });
    let bytes = one_page_pdf(doc, font, ops.as_bytes().to_vec());
    let env = Env::new();
    let pdf = file(&env, name, &bytes);
    let out = local(&env).arg("ocr").arg(&pdf).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    stdout_of(&out)
}

/// A table whose rows are each one string, the cells spaced by word spacing
/// (`10.4 Tw (Denmark 17 49 34) Tj` under a `1 Tf` scaled by the text
/// matrix, as ICDAR's eu-012 was written). pdf-inspector moved the pen by the
/// word spacing but kept the row as one run whose box ended short of the
/// values: the row came out as one cell, "Denmark 17 49 34".
#[test]
fn cells_spaced_by_word_spacing_come_out_as_a_table() {
    let rows = [
        "Country ISCED-low ISCED-mid ISCED-high",
        "Denmark 17 49 34",
        "Finland 21 44 34",
        "Estonia 11 56 33",
        "Sweden 16 54 29",
    ];
    let mut ops = String::from("BT /F1 1 Tf\n");
    for (k, row) in rows.iter().enumerate() {
        // Each row's cells start 110 pt apart: the word spacing tops up
        // each cell's advance (0.5 em a glyph at 11 pt) to that.
        let cells: Vec<&str> = row.split(' ').collect();
        let first = cells[0].chars().count() as f32 * 5.5 + 5.5;
        let tw = (110.0 - first) / 11.0;
        ops.push_str(&format!(
            "11 0 0 11 76 {} Tm {tw:.3} Tw ({row}) Tj\n",
            700 - 22 * k
        ));
    }
    ops.push_str("ET");
    let md = markdown_of_page(&ops, "spaced.pdf");
    assert!(
        md.contains("|Denmark|17|49|34|") && md.contains("|Sweden|16|54|29|"),
        "{md}"
    );
}

/// A table drawn with ruling lines, open at its sides, whose cells hold
/// lines of text centred in their row (as docling's normal_4pages.pdf): each
/// ruled row is one row of the table, its cells' lines joined. pdf-inspector
/// made two rows of the row whose label and values run over two lines and
/// three.
#[test]
fn a_ruled_table_keeps_a_cell_of_two_lines_in_one_row() {
    // Rules across at y, rules down between the columns only.
    let rules_y = [700, 680, 660, 615, 585];
    let rows: [[&[&str]; 3]; 4] = [
        [&["Group"], &["Before"], &["After"]],
        [&["Class"], &["Group one"], &["Grade one"]],
        [
            &["Spread", "criteria"],
            &["Spread by water", "and by food", "in groups"],
            &["Fatal or spread", "in clusters"],
        ],
        [
            &["Diseases"],
            &["Cholera, typhoid", "and six more"],
            &["Ebola, plague", "and 15 more"],
        ],
    ];
    let mut ops = String::from("0.5 w\n");
    for y in rules_y {
        ops.push_str(&format!("72 {y} m 540 {y} l S\n"));
    }
    for x in [200, 420] {
        ops.push_str(&format!("{x} 585 m {x} 700 l S\n"));
    }
    ops.push_str("BT /F1 10 Tf\n");
    for (r, row) in rows.iter().enumerate() {
        let (top, height) = (rules_y[r] as f32, (rules_y[r] - rules_y[r + 1]) as f32);
        for (c, lines) in row.iter().enumerate() {
            let x = [76, 204, 424][c];
            let first = top - (height - 12.0 * lines.len() as f32) / 2.0 - 9.0;
            for (k, text) in lines.iter().enumerate() {
                let y = first - 12.0 * k as f32;
                ops.push_str(&format!("1 0 0 1 {x} {y:.1} Tm ({text}) Tj\n"));
            }
        }
    }
    ops.push_str("ET");
    let md = markdown_of_page(&ops, "ruled.pdf");
    assert!(
        md.contains("|Group|Before|After|\n|---|---|---|\n|Class|Group one|Grade one|\n")
            && md.contains(
                "|Spread criteria|Spread by water and by food in groups|Fatal or spread in clusters|\n"
            )
            && md.contains("|Diseases|Cholera, typhoid and six more|Ebola, plague and 15 more|"),
        "{md}"
    );
}
