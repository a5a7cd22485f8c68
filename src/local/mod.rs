//! Extraction inside the binary, for `-p local`: born-digital documents (PDF with
//! a text layer, DOCX, PPTX, XLSX, CSV, HTML, TXT, MD) to markdown pages, with no
//! network. One file per format; each is a pure function from the file to an
//! [`Extracted`] (markdown per page or section, and the images it links).
//!
//! PDFs go through `pdf-inspector` (lopdf underneath), Office files through
//! `anydoc`'s document model rendered by [`render`], HTML through `htmd`. Scanned
//! PDF pages are OCR'd by the `tesseract` program when it is installed ([`ocr`]).

pub mod archive;
pub mod csv;
pub mod docx;
pub mod epub;
pub mod feed;
pub mod html;
mod html_table;
pub mod image;
pub mod ipynb;
pub mod json;
pub mod msg;
pub mod ocr;
mod ocr_images;
mod ocr_jp2;
mod ocr_orient;
mod ocr_render;
pub mod odp;
pub mod ods;
pub mod odt;
pub mod pdf;
pub mod pdf_column_text;
pub mod pdf_columns;
mod pdf_garbled;
pub mod pdf_headings;
pub mod pdf_hints;
pub mod pdf_pages;
pub mod pdf_repair;
pub mod pdf_rtl;
pub mod pdf_tables;
pub mod pptx;
pub mod render;
pub mod rtf;
mod sheet_regions;
pub mod text;
pub mod xls;
pub mod xlsx;
pub mod xml;
pub mod xmltree;

use std::path::Path;

use serde_json::{json, Value};

use crate::error::Error;
use crate::pages::PageImage;

/// Extensions `-p local` reads.
pub const EXTENSIONS: &[&str] = &[
    "pdf", "docx", "pptx", "xlsx", "csv", "html", "htm", "txt", "md", "markdown", "png", "jpg",
    "jpeg", "tif", "tiff", "bmp", "gif", "webp", "xls", "ods", "odt", "odp", "rtf", "epub", "json",
    "ipynb", "xml", "rss", "atom", "zip", "msg", "xlsm", "xltx", "xltm", "docm", "dotx", "dotm",
    "pptm", "ppsx", "ppsm", "potx", "potm",
];

/// The Office Open XML format a macro-enabled file, a template or a slide
/// show is a kind of: the same parts under another content type (ECMA-376),
/// read the same way; a macro is never run. Other extensions are their own.
pub fn ooxml_base(ext: &str) -> &str {
    match ext {
        "xlsm" | "xltx" | "xltm" => "xlsx",
        "docm" | "dotx" | "dotm" => "docx",
        "pptm" | "ppsx" | "ppsm" | "potx" | "potm" => "pptx",
        other => other,
    }
}

/// What the extractors give back: the markdown of each page (PDF), slide (PPTX),
/// sheet (XLSX) or the whole document, and the images the markdown links by name.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Extracted {
    pub pages: Vec<String>,
    pub images: Vec<PageImage>,
    /// 1-based pages whose text came from OCR.
    pub ocr_pages: Vec<u32>,
    /// 1-based OCR'd pages read with low confidence ([`ocr::LOW_CONFIDENCE`]):
    /// likely the wrong `--language`; the caller warns once for the document.
    pub doubtful_ocr: Vec<u32>,
    /// 1-based pages left out (blank, unreadable, OCR failed), with why: each
    /// is a one-line HTML comment in `pages`, the others are converted.
    pub skipped: Vec<(u32, String)>,
    /// 1-based pages holding text in a font without a usable reading (it
    /// reads as punctuation, see `pdf_garbled`): kept as read; the caller
    /// warns once for the document.
    pub garbled: Vec<u32>,
    /// Running headers and footers taken out of the markdown (PDF), by index
    /// into `pages`: kept as `header`/`footer` blocks in the JSON.
    pub furniture: Vec<(usize, pdf_hints::Furniture)>,
    /// A file holding the whole markdown instead of `pages` (a large CSV's
    /// table, see `csv::SPOOL_FROM`): the caller owns it and removes it.
    pub spool: Option<std::path::PathBuf>,
}

/// Whether a document holds its text, so `auto` can route it before any upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextLayer {
    /// Every page has text: `local` serves it.
    Yes,
    /// At least one page is a scan or image without text: an OCR service (or
    /// `tesseract`) is needed for it.
    No,
    /// Cannot tell (unreadable, encrypted, not a type `local` reads).
    Unknown,
}

/// Cheap and without side effects: reads only the file. PDFs are classified by
/// sampling their content streams (tens of ms); the Office, table, HTML and text
/// formats always hold their text; images never do; anything else is `Unknown`.
pub fn has_text_layer(path: &Path, ext: &str) -> TextLayer {
    match ext {
        "pdf" => pdf::text_layer(path),
        e if image::EXTENSIONS.contains(&e) => TextLayer::No,
        e if EXTENSIONS.contains(&e) => TextLayer::Yes,
        _ => TextLayer::Unknown,
    }
}

/// Whether every file of this type holds its text (so `auto` can send a URL
/// named so to `local` before fetching it): not PDFs, not images.
pub fn always_text(ext: &str) -> bool {
    ext != "pdf" && !image::EXTENSIONS.contains(&ext) && EXTENSIONS.contains(&ext)
}

/// How scanned pages are handled.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// The `tesseract` program, when found; `None` refuses scanned pages.
    pub tesseract: Option<std::path::PathBuf>,
    /// `--language` in tesseract's names ([`ocr::tesseract_languages`]),
    /// passed to it as `-l` (e.g. `eng`, `deu+eng`).
    pub language: Option<String>,
    /// 1-based pages to keep (`--pages`); `None` = all.
    pub pages: Option<Vec<u32>>,
    /// `--keep-headers`: running headers and footers stay in the markdown.
    pub keep_headers: bool,
    /// How many zips this document is inside (`archive::MAX_NESTING`).
    pub zip_depth: u32,
}

/// Extracts `path` (of type `ext`), naming it `input` in errors. A panic inside
/// a reader (a bug for hostile input the property tests did not find) is this
/// document's input error, not the end of a batch.
pub fn extract(
    path: &Path,
    ext: &str,
    input: &str,
    settings: &Settings,
) -> Result<Extracted, Error> {
    let run = std::panic::AssertUnwindSafe(|| extract_with(path, ext, input, settings));
    std::panic::catch_unwind(run).unwrap_or_else(|_| {
        Err(Error::input(input, format!("the .{ext} reader failed on this file"))
            .with_hint("try a cloud provider (e.g. -p mineru-flash), and report the file if you can share it"))
    })
}

pub(crate) fn extract_with(
    path: &Path,
    ext: &str,
    input: &str,
    settings: &Settings,
) -> Result<Extracted, Error> {
    match ooxml_base(ext) {
        "pdf" => pdf::extract(path, input, settings),
        "docx" => docx::extract(path, input),
        "pptx" => pptx::extract(path, input),
        "xlsx" => xlsx::extract(path, input),
        "csv" => csv::extract(path, input),
        "html" | "htm" => html::extract(path, input),
        "txt" | "md" | "markdown" => text::extract(path, input),
        "xls" => xls::extract(path, input),
        "ods" => ods::extract(path, input),
        "odt" => odt::extract(path, input),
        "odp" => odp::extract(path, input),
        "rtf" => rtf::extract(path, input),
        "epub" => epub::extract(path, input),
        "json" => json::extract(path, input),
        "ipynb" => ipynb::extract(path, input),
        "xml" | "rss" | "atom" => xml::extract(path, input),
        "zip" => archive::extract(path, input, settings),
        "msg" => msg::extract(path, input),
        e if image::EXTENSIONS.contains(&e) => image::extract(path, input, settings),
        other => Err(
            Error::input(input, format!(".{other} files are not read by local"))
                .with_hint(format!("local takes: {}", EXTENSIONS.join(", "))),
        ),
    }
}

/// The JSON answer `parse` saves and `--format json` prints: each page's
/// markdown and the blocks (headings, paragraphs, lists, tables, images, code)
/// with their 1-based page numbers.
pub fn answer_json(kind: &str, x: &Extracted) -> Value {
    let pages: Vec<Value> = x
        .pages
        .iter()
        .enumerate()
        .map(|(i, md)| json!({"index": i, "markdown": md}))
        .collect();
    let mut blocks = Vec::new();
    let furniture = |i: usize, top: bool| {
        x.furniture
            .iter()
            .filter(move |(p, f)| *p == i && f.top == top)
            .map(move |(_, f)| {
                json!({"type": if top { "header" } else { "footer" }, "text": f.text})
            })
    };
    for (i, md) in x.pages.iter().enumerate() {
        // Kept in the markdown (`--keep-headers`), running text is still typed.
        let running = |b: &Value| {
            x.furniture
                .iter()
                .any(|(p, f)| *p == i && b["text"].as_str() == Some(f.text.as_str()))
        };
        let page = furniture(i, true)
            .chain(blocks_of(md).into_iter().filter(|b| !running(b)))
            .chain(furniture(i, false));
        for mut b in page {
            b["page"] = json!(i + 1);
            blocks.push(b);
        }
    }
    json!({
        "provider": "local",
        "type": kind,
        "page_count": x.pages.len(),
        "ocr_pages": x.ocr_pages,
        "pages_skipped": skipped_json(x),
        "pages_garbled": x.garbled,
        "pages": pages,
        "blocks": blocks,
    })
}

/// The answer without the text: what `ocr` keeps when only the markdown is
/// delivered.
pub fn summary_json(kind: &str, x: &Extracted) -> Value {
    json!({
        "provider": "local",
        "type": kind,
        "page_count": x.pages.len(),
        "ocr_pages": x.ocr_pages,
        "pages_skipped": skipped_json(x),
        "pages_garbled": x.garbled,
    })
}

fn skipped_json(x: &Extracted) -> Value {
    x.skipped
        .iter()
        .map(|(page, why)| json!({"page": page, "reason": why}))
        .collect()
}

/// Splits one page's markdown into typed blocks at blank lines (fenced code
/// kept whole).
pub fn blocks_of(markdown: &str) -> Vec<Value> {
    let mut chunks: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut in_fence = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
        }
        if line.trim().is_empty() && !in_fence {
            if !current.trim().is_empty() {
                chunks.push(std::mem::take(&mut current));
            }
            current.clear();
            continue;
        }
        if !current.is_empty() {
            current.push('\n');
        }
        current.push_str(line);
    }
    if !current.trim().is_empty() {
        chunks.push(current);
    }
    chunks
        .into_iter()
        .map(|text| {
            let t = text.trim_start();
            let hashes = t.chars().take_while(|c| *c == '#').count();
            if (1..=6).contains(&hashes) && t[hashes..].starts_with(' ') && !t.contains('\n') {
                return json!({"type": "heading", "level": hashes, "text": t[hashes..].trim()});
            }
            let kind = if t.starts_with("```") {
                "code"
            } else if t.starts_with('|') {
                "table"
            } else if t.starts_with("![") && !t.contains('\n') {
                "image"
            } else if is_list_line(t) {
                "list"
            } else {
                "text"
            };
            json!({"type": kind, "text": text})
        })
        .collect()
}

fn is_list_line(line: &str) -> bool {
    if line.starts_with("- ") || line.starts_with("* ") || line.starts_with("+ ") {
        return true;
    }
    let digits = line.chars().take_while(char::is_ascii_alphanumeric).count();
    (1..=4).contains(&digits) && line[digits..].starts_with(". ")
}

/// A zip-based document (DOCX, PPTX, XLSX) checked against the caps of result
/// unpacking (`unpack::Limits`: entries and total declared size) before it is
/// opened; the extractor then enforces its own caps on the bytes it inflates, so
/// a member that lies about its size is stopped too.
pub fn check_zip(path: &Path, input: &str) -> Result<(), Error> {
    check_zip_with(path, input, crate::unpack::Limits::configured())
}

fn check_zip_with(path: &Path, input: &str, limits: crate::unpack::Limits) -> Result<(), Error> {
    let refuse = |what: String| {
        Error::input(input, what).with_hint(
            "check that the file is the document you meant; a file this size needs a cloud provider (e.g. -p mineru)",
        )
    };
    let file = std::fs::File::open(path)
        .map_err(|e| Error::input(input, format!("cannot read the file: {e}")))?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| {
        Error::input(
            input,
            format!("not a readable Office file (damaged zip: {e})"),
        )
        .with_hint("open and save it again in its application, or check that the download finished")
    })?;
    if zip.len() > limits.max_entries {
        return Err(refuse(format!(
            "holds {} zip entries, over the limit of {}",
            zip.len(),
            limits.max_entries
        )));
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| {
            Error::input(
                input,
                format!("not a readable Office file (damaged zip: {e})"),
            )
            .with_hint("open and save it again in its application")
        })?;
        total = total.saturating_add(entry.size());
        if total > limits.max_total_bytes {
            return Err(refuse(format!(
                "would unpack to over {} MB (a zip bomb?)",
                limits.max_total_bytes >> 20
            )));
        }
    }
    Ok(())
}

/// A document read whole by anydoc (legacy Excel, OpenDocument, RTF, EPUB); a
/// zip package is checked against the unpacking caps first ([`check_zip`]).
pub fn anydoc_document(
    path: &Path,
    input: &str,
    format: anydoc::Format,
) -> Result<anydoc::model::Document, Error> {
    let zipped = crate::input::read_head(path).is_ok_and(|h| h.starts_with(b"PK\x03\x04"));
    if zipped {
        check_zip(path, input)?;
    }
    let bytes = read(path, input)?;
    anydoc::to_document(&bytes[..], format).map_err(|e| convert_error(input, e))
}

/// An anydoc error as docpipe's: what is wrong with the input, and what to do.
pub fn convert_error(input: &str, e: anydoc::ConvertError) -> Error {
    use anydoc::ConvertError as C;
    match e {
        C::Encrypted => Error::input(input, "the document is encrypted (password-protected)")
            .with_hint("remove the password in its application and try again"),
        C::ResourceLimit { limit, detail } => Error::input(
            input,
            format!("over a safety limit while reading it ({limit}: {detail})"),
        )
        .with_hint("split the document, or use a cloud provider (e.g. -p mineru)"),
        C::Io(e) => Error::input(input, format!("cannot read the file: {e}"))
            .with_hint("check that the file exists and is readable"),
        other => Error::input(input, format!("cannot be read: {other}")).with_hint(
            "open and save it again in its application, or check that the download finished",
        ),
    }
}

/// The file's bytes, or an input error naming it.
pub fn read(path: &Path, input: &str) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|e| {
        Error::input(input, format!("cannot read the file: {e}"))
            .with_hint("check that the file exists and is readable")
    })
}

#[cfg(test)]
pub(crate) fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/documents")
        .join(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_typed_and_numbered_by_page() {
        let x = Extracted {
            pages: vec![
                "# Title\n\nSome text\nmore.\n\n- a\n- b".into(),
                "| a | b |\n| --- | --- |\n\n```\nx\n\ny\n```\n\n![](img-0.png)".into(),
            ],
            ..Extracted::default()
        };
        let answer = answer_json("pdf", &x);
        let kinds: Vec<(String, u64)> = answer["blocks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| {
                (
                    b["type"].as_str().unwrap().to_string(),
                    b["page"].as_u64().unwrap(),
                )
            })
            .collect();
        let want = [
            ("heading", 1),
            ("text", 1),
            ("list", 1),
            ("table", 2),
            ("code", 2),
            ("image", 2),
        ];
        assert_eq!(
            kinds,
            want.iter()
                .map(|(k, p)| (k.to_string(), *p))
                .collect::<Vec<_>>()
        );
        assert_eq!(answer["blocks"][0]["level"], 1);
        assert_eq!(answer["page_count"], 2);
    }

    #[test]
    fn text_layer_by_type() {
        assert_eq!(
            has_text_layer(&fixture("docx_01.docx"), "docx"),
            TextLayer::Yes
        );
        assert_eq!(has_text_layer(Path::new("x.png"), "png"), TextLayer::No);
        assert_eq!(
            has_text_layer(Path::new("x.xyz"), "xyz"),
            TextLayer::Unknown
        );
        assert_eq!(has_text_layer(&fixture("demo1.pdf"), "pdf"), TextLayer::Yes);
        assert_eq!(
            has_text_layer(&fixture("small_ocr.pdf"), "pdf"),
            TextLayer::No
        );
        assert_eq!(
            has_text_layer(Path::new("/nonexistent.pdf"), "pdf"),
            TextLayer::Unknown
        );
    }

    #[test]
    fn a_zip_bomb_is_refused_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bomb.docx");
        let mut w = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        w.start_file("word/document.xml", opts).unwrap();
        // 64 MiB of zeros deflate to ~64 KB; the cap here is 16 MiB (the same
        // check runs with unpack's configured caps, 8 GiB by default).
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..64 {
            std::io::Write::write_all(&mut w, &zeros).unwrap();
        }
        w.finish().unwrap();
        let limits = crate::unpack::Limits {
            max_entries: 10,
            max_total_bytes: 16 << 20,
        };
        let err = check_zip_with(&path, "bomb.docx", limits).unwrap_err();
        assert_eq!(err.kind, crate::error::Kind::Input);
        assert!(err.message.contains("zip bomb"), "{}", err.message);
    }
}
