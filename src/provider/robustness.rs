//! Property tests of everything that reads what a service sends back: JSON
//! envelopes of any shape, fields of unexpected types, broken and hostile zips.
//! Each must end in a value or an error, never a panic.
//!
//! The generator is a few lines of xorshift rather than `proptest`: the inputs
//! need no shrinking to be understood (a failing case is printed whole), and the
//! crate stays out of the build.

use std::io::{Cursor, Write};

use serde_json::{json, Map, Value};

use super::envelope::Answer;
use super::mineru::dialect as mineru_dialect;
use super::mistral;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Field names the providers read, so generated objects hit the real paths.
const KEYS: &[&str] = &[
    "code",
    "msg",
    "message",
    "msgCode",
    "error",
    "detail",
    "data",
    "success",
    "status",
    "state",
    "task_id",
    "taskId",
    "batch_id",
    "full_zip_url",
    "fullZipUrl",
    "markdown_url",
    "markdownUrl",
    "err_msg",
    "errMsg",
    "extract_progress",
    "extracted_pages",
    "total_pages",
    "extract_result",
    "file_name",
    "data_id",
    "file_urls",
    "pages",
    "index",
    "markdown",
    "images",
    "id",
    "image_base64",
    "file",
    "progress",
    "state_detail",
    "ocr_pages",
    "file_pages",
    "extractedText",
    "type",
    "loc",
];

const STRINGS: &[&str] = &[
    "",
    "done",
    "failed",
    "running",
    "pending",
    "waiting-file",
    "converting",
    "0",
    "-1",
    "1",
    "http://cdn.example/x.zip",
    "ftp://x",
    "not a url",
    "data:image/png;base64,@@@",
    "data:image/jpeg;base64,/9j/",
    "img-0.jpeg",
    "../../etc/passwd",
    "\u{0}",
    "é😀",
    "99999999999999999999999",
];

fn value(rng: &mut Rng, depth: u32) -> Value {
    match rng.below(if depth == 0 { 6 } else { 8 }) {
        0 => Value::Null,
        1 => Value::Bool(rng.below(2) == 0),
        2 => json!(rng.next() as i64 >> rng.below(64)),
        3 => json!((rng.next() as f64) / 7.0 - 1e18),
        4 | 5 => json!(rng.pick(STRINGS)),
        6 => Value::Array((0..rng.below(4)).map(|_| value(rng, depth - 1)).collect()),
        _ => {
            let mut m = Map::new();
            for _ in 0..rng.below(6) {
                m.insert(rng.pick(KEYS).to_string(), value(rng, depth - 1));
            }
            Value::Object(m)
        }
    }
}

/// Mangles valid bytes: truncation, flipped bytes, spliced garbage.
fn mangle(rng: &mut Rng, mut bytes: Vec<u8>) -> Vec<u8> {
    for _ in 0..=rng.below(4) {
        if bytes.is_empty() {
            break;
        }
        let at = rng.below(bytes.len() as u64) as usize;
        match rng.below(3) {
            0 => bytes.truncate(at),
            1 => bytes[at] ^= 1 << rng.below(8),
            _ => drop(bytes.splice(at..at, [b'"', b'{', 0xff, b']'])),
        }
    }
    bytes
}

fn exercise(answer: &Answer) {
    let _ = (answer.code(), answer.is_ok(), answer.message());
    let data = answer.data().clone();
    let _ = mineru_dialect::task_status(&data, Some("https://mineru.net/"));
    let _ = mineru_dialect::batch_items(&data, None);
    let _ = mistral::classify(answer, "doc.pdf");
    for want_images in [false, true] {
        if let Err(e) = mistral::page_set(answer.body.clone(), want_images) {
            assert!(!format!("{e:#}").is_empty());
        }
    }
}

/// Answers of any shape, from `seed`: random JSON, the services' envelopes
/// with random values in their fields, and mangled bytes of those. A
/// provider's own tests feed its readers with these too.
pub(crate) fn any_answers(seed: u64, n: usize) -> Vec<Answer> {
    let mut rng = Rng(seed);
    let mut out = Vec::with_capacity(n * 3);
    for _ in 0..n {
        let v = value(&mut rng, 4);
        let status = *rng.pick(&[200u16, 400, 401, 404, 429, 500, 502]);
        let bytes = v.to_string().into_bytes();
        out.push(Answer::from_bytes(status, &bytes));
        let wrapped = json!({"code": value(&mut rng, 1), "msg": value(&mut rng, 1), "data": v});
        out.push(Answer::from_bytes(200, wrapped.to_string().as_bytes()));
        let mangled = mangle(&mut rng, wrapped.to_string().into_bytes());
        out.push(Answer::from_bytes(status, &mangled));
    }
    out
}

#[test]
fn any_json_answer_is_read_without_panicking() {
    for answer in any_answers(0x0dd_ba11, 3000) {
        exercise(&answer);
    }
}

#[test]
fn data_uris_of_any_shape_decode_or_fail_cleanly() {
    let mut rng = Rng(0xda7a);
    for _ in 0..3000 {
        let base = rng.pick(STRINGS).to_string();
        let s = String::from_utf8_lossy(&mangle(&mut rng, base.into_bytes())).into_owned();
        if let Err(e) = mistral::decode_data_uri(&s) {
            assert!(!format!("{e:#}").is_empty());
        }
    }
}

fn good_zip() -> Vec<u8> {
    let mut buf = Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default();
        for (name, data) in [
            ("full.md", &b"# title\n\n![](images/a.jpg)\n"[..]),
            ("images/a.jpg", b"\xff\xd8\xff fake jpeg"),
            ("layout.json", b"{\"pages\": []}"),
        ] {
            w.start_file(name, opts).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap();
    }
    buf.into_inner()
}

#[test]
fn broken_and_hostile_zips_are_errors_never_panics_nor_escapes() {
    let mut rng = Rng(0x21b_b0b5);
    let good = good_zip();
    let root = tempfile::tempdir().unwrap();
    for i in 0..1500 {
        let bytes = mangle(&mut rng, good.clone());
        let path = root.path().join(format!("z{i}.zip"));
        std::fs::write(&path, &bytes).unwrap();
        let dest = root.path().join(format!("d{i}"));
        std::fs::create_dir(&dest).unwrap();
        let limits = crate::unpack::Limits {
            max_entries: 10,
            max_total_bytes: 1 << 20,
        };
        let zip = crate::span::Span::open(&path).unwrap();
        if let Err(e) = crate::unpack::unpack(&zip, &dest, limits) {
            assert!(!format!("{e:#}").is_empty());
        }
        let _ = crate::unpack::check_zip(&path);
        let _ = crate::unpack::read_entry(&zip, |n| n.ends_with(".md"), 1 << 20);
        drop(zip);
        std::fs::remove_file(&path).unwrap();
        let _ = std::fs::remove_dir_all(&dest);
    }
    // Nothing was written beside the destinations.
    assert_eq!(std::fs::read_dir(root.path()).unwrap().count(), 0);
}

/// A two-page PDF with a text layer and a correct cross-reference table.
fn small_pdf() -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R /Resources << /Font << /F1 6 0 R >> >> >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R /Resources << /Font << /F1 6 0 R >> >> >>".to_string(),
        {
            let text = "BT /F1 24 Tf 72 700 Td (A heading) Tj /F1 11 Tf 0 -40 Td (Body text of the page, in words.) Tj ET";
            format!("<< /Length {} >>\nstream\n{text}\nendstream", text.len())
        },
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// What `-p local` must do with any PDF: give pages, or refuse it as bad input
/// (exit 4) with a next step; never panic. The page counter the page limits use
/// must not panic either.
fn read_pdf(bytes: &[u8]) {
    let _ = crate::pdf::page_count_from(bytes);
    // Cutting it into parts (a document over a provider's limits): parts or
    // an error, never a panic.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, bytes).unwrap();
    if let Ok(s) = crate::split::Splitter::open(&path) {
        let n = s.page_count();
        let _ = s.write_part(1, n, &dir.path().join("all.pdf"));
        let _ = s.write_part(n, n, &dir.path().join("last.pdf"));
    }
    match crate::local::pdf::extract_bytes(bytes, "doc.pdf", &crate::local::Settings::default()) {
        Ok(x) => assert!(x.pages.len() <= 2),
        Err(e) => {
            assert_eq!(e.kind, crate::error::Kind::Input, "{}", e.message);
            assert!(e.hint.is_some(), "{}", e.message);
        }
    }
}

#[test]
fn pdfs_with_broken_cross_references_are_recovered_or_refused() {
    let good = small_pdf();
    let x = crate::local::pdf::extract_bytes(&good, "doc.pdf", &crate::local::Settings::default())
        .unwrap();
    assert_eq!(x.pages.len(), 2);
    assert!(
        x.pages[0].contains("Body text of the page"),
        "{:?}",
        x.pages
    );
    let text = String::from_utf8(good.clone()).unwrap();
    let xref_at = text.find("xref\n").unwrap();
    let cases: Vec<Vec<u8>> = vec![
        // Every offset wrong by 7 bytes.
        text.lines()
            .map(|l| match l.strip_suffix(" 00000 n ") {
                Some(n) => format!("{:010} 00000 n ", n.parse::<usize>().unwrap() + 7),
                None => l.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n")
            .into_bytes(),
        // No table at all.
        format!("{}trailer\n<< /Root 1 0 R >>\n%%EOF\n", &text[..xref_at]).into_bytes(),
        // startxref past the end, and into the middle of an object.
        text.replace(&format!("startxref\n{xref_at}"), "startxref\n999999")
            .into_bytes(),
        text.replace(&format!("startxref\n{xref_at}"), "startxref\n20")
            .into_bytes(),
        // A /Prev loop, and a /Size of nonsense.
        text.replace("/Size 7", "/Size 7 /Prev 9").into_bytes(),
        text.replace("/Size 7", "/Size 99999999999").into_bytes(),
        // Cut inside the table and inside a stream.
        good[..xref_at + 30].to_vec(),
        good[..good.len() / 2].to_vec(),
    ];
    for case in &cases {
        read_pdf(case);
    }
    // Without any table, the objects are found by scanning the file.
    let rebuilt =
        crate::local::pdf::extract_bytes(&cases[1], "doc.pdf", &crate::local::Settings::default())
            .unwrap();
    assert!(
        rebuilt.pages[0].contains("Body text of the page"),
        "{:?}",
        rebuilt.pages
    );
    let mut rng = Rng(0x9df_0c0d);
    for _ in 0..400 {
        read_pdf(&mangle(&mut rng, good.clone()));
    }
}

#[test]
fn damaged_office_files_and_csv_are_refused_never_panics() {
    let docx = std::fs::read(crate::local::fixture("docx_01.docx")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng(0x0ff1ce);
    for i in 0..60 {
        let bytes = mangle(&mut rng, docx.clone());
        for ext in ["docx", "pptx", "xlsx", "csv", "html"] {
            let path = dir.path().join(format!("d{i}.{ext}"));
            std::fs::write(&path, &bytes).unwrap();
            let settings = crate::local::Settings::default();
            // The readers themselves, not the panic guard around them.
            if let Err(e) = crate::local::extract_with(&path, ext, "doc", &settings) {
                assert_eq!(e.kind, crate::error::Kind::Input, "{}", e.message);
            }
            std::fs::remove_file(&path).unwrap();
        }
    }
}
