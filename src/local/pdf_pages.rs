//! Which pages of a PDF `local` reads, page by page: what `auto` needs to send
//! only the others to the cloud (a hybrid document). The same detector
//! `has_text_layer` uses, run on every page instead of a sample, and made to
//! judge each page on its own (a report of 200 typed pages and 3 scans is not
//! "text-based" as a whole here).

use std::path::Path;

use pdf_inspector::{DetectionConfig, PdfError, PdfType, ScanStrategy};

use super::pdf_repair;

/// The pages of a PDF, sorted by whether `local` reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageKinds {
    pub count: u32,
    /// 1-based pages without a usable text layer (no text over an image
    /// covering the page, glyphs drawn as paths, text hidden under a scan,
    /// fonts whose text cannot be decoded), in order.
    pub unreadable: Vec<u32>,
}

impl PageKinds {
    /// The 1-based pages local reads, in order.
    pub fn readable(&self) -> Vec<u32> {
        (1..=self.count)
            .filter(|p| self.unreadable.binary_search(p).is_err())
            .collect()
    }
}

/// Reads only the file; `None` when it cannot be read as a PDF (damaged past
/// repair, encrypted).
pub fn page_kinds(path: &Path) -> Option<PageKinds> {
    let bytes = std::fs::read(path).ok()?;
    let config = || DetectionConfig {
        strategy: ScanStrategy::Full,
        // Above 1: no share of typed pages makes the document "text-based"
        // as a whole, so each page is judged by its own content.
        text_page_ratio_threshold: 1.01,
        ..DetectionConfig::default()
    };
    let detected = match pdf_inspector::detect_pdf_type_mem_with_config(&bytes, config()) {
        Ok(d) => d,
        // Encrypted: the per-document rule names it (local cannot read it).
        Err(PdfError::Encrypted | PdfError::Io(_)) => return None,
        // What a rebuilt cross-reference table may cure, as local reads it.
        Err(_) => {
            let fixed = pdf_repair::rebuild_xref(&bytes)?;
            pdf_inspector::detect_pdf_type_mem_with_config(&fixed, config()).ok()?
        }
    };
    if detected.page_count == 0 {
        return None;
    }
    let mut unreadable = match detected.pdf_type {
        // No page holds text: every page is the cloud's.
        PdfType::Scanned | PdfType::ImageBased => (1..=detected.page_count).collect(),
        _ => detected.pages_needing_ocr,
    };
    unreadable.retain(|p| (1..=detected.page_count).contains(p));
    // A blank page (nothing drawn, images merely listed) holds nothing to read.
    if !unreadable.is_empty() {
        if let Ok(doc) = lopdf::Document::load_mem(&bytes) {
            unreadable.retain(|&p| !super::ocr::page_is_blank(&doc, p));
        }
    }
    unreadable.sort_unstable();
    unreadable.dedup();
    Some(PageKinds {
        count: detected.page_count,
        unreadable,
    })
}

/// Glyphs a page must set in math fonts to count as a page of formulas
/// (`--cloud-pages formulas`): a displayed equation sets a dozen or more (in
/// papers whose letters are set in the text's italic, its operators,
/// brackets and big symbols still are); a page naming a variable or two in its
/// running text sets fewer.
pub const MATH_GLYPHS: usize = 6;

/// Whether a font's name (`/BaseFont`, subset tag aside) is a math font:
/// TeX's math families (Computer Modern, AMS, Euler, rsfs, txfonts/pxfonts),
/// MathType's extras, and the OpenType math fonts (Cambria Math, STIX Math,
/// Latin Modern Math, Elsevier's AdvMath…), whose names say `Math`.
pub fn is_math_font(base: &str) -> bool {
    const FAMILIES: &[&str] = &[
        "cmmi", "cmsy", "cmex", "cmbsy", "msam", "msbm", "eufm", "eufb", "eusm", "euex", "rsfs",
        "txmi", "txsy", "txex", "pxmi", "pxsy", "pxex", "ntxmi", "ntxsy", "mtextra", "mt extra",
        "esint", "stmary",
    ];
    let name = base.split_once('+').map_or(base, |(_, n)| n);
    let name = name.to_ascii_lowercase();
    FAMILIES.iter().any(|f| name.starts_with(f)) || name.contains("math")
}

/// 1-based pages of a PDF that set at least [`MATH_GLYPHS`] glyphs in math
/// fonts ([`is_math_font`]): the pages of formulas `local` flattens to
/// letters and a cloud model writes as LaTeX. Text drawn inside form XObjects
/// is not counted. Empty when the file cannot be read.
pub fn formula_pages(path: &Path) -> Vec<u32> {
    let Ok(doc) = lopdf::Document::load(path) else {
        return Vec::new();
    };
    doc.get_pages()
        .into_iter()
        .filter(|&(_, id)| math_glyphs(&doc, id) >= MATH_GLYPHS)
        .map(|(number, _)| number)
        .collect()
}

/// Glyphs a page shows in math fonts: a byte each, two in a composite
/// (Type0) font, as their Identity encodings have it.
fn math_glyphs(doc: &lopdf::Document, page: lopdf::ObjectId) -> usize {
    let Ok(fonts) = doc.get_page_fonts(page) else {
        return 0;
    };
    let name_of = |font: &lopdf::Dictionary, key: &[u8]| {
        font.get(key)
            .and_then(lopdf::Object::as_name)
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .unwrap_or_default()
    };
    // Resource name → bytes per glyph, for the math fonts only.
    let math: std::collections::HashMap<Vec<u8>, usize> = fonts
        .into_iter()
        .filter(|(_, font)| is_math_font(&name_of(font, b"BaseFont")))
        .map(|(name, font)| {
            (
                name,
                if name_of(font, b"Subtype") == "Type0" {
                    2
                } else {
                    1
                },
            )
        })
        .collect();
    if math.is_empty() {
        return 0;
    }
    let Ok(content) = doc.get_and_decode_page_content(page) else {
        return 0;
    };
    let (mut width, mut glyphs) = (None, 0);
    for op in &content.operations {
        match op.operator.as_str() {
            "Tf" => {
                width = op
                    .operands
                    .first()
                    .and_then(|o| o.as_name().ok())
                    .and_then(|n| math.get(n).copied());
            }
            "Tj" | "'" | "\"" | "TJ" => {
                if let Some(width) = width {
                    glyphs += shown_bytes(&op.operands) / width;
                }
            }
            _ => {}
        }
    }
    glyphs
}

/// Bytes of the strings a text-showing operator shows (TJ's array included).
fn shown_bytes(operands: &[lopdf::Object]) -> usize {
    operands
        .iter()
        .map(|o| match o {
            lopdf::Object::String(s, _) => s.len(),
            lopdf::Object::Array(items) => shown_bytes(items),
            _ => 0,
        })
        .sum()
}

/// 1-based pages among `readable` on which `local`'s own reading finds a
/// table (`--cloud-pages tables`): the pages whose tables a cloud model reads
/// better. This is `local`'s whole extraction, run once more at planning.
pub fn table_pages(path: &Path, input: &str, readable: &[u32]) -> Vec<u32> {
    let settings = super::Settings::default();
    let Ok(x) = super::extract(path, "pdf", input, &settings) else {
        return Vec::new();
    };
    readable
        .iter()
        .copied()
        .filter(|&p| {
            x.pages.get(p as usize - 1).is_some_and(|md| {
                super::blocks_of(md)
                    .iter()
                    .any(|b| b["type"].as_str() == Some("table"))
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::split::pdfgen::{pages_pdf, table_page, Page};

    const BODY: &str = "The quarterly figures show steady growth across every region we serve, and the board approved the plan.";

    fn kinds_of(pages: &[Page]) -> PageKinds {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("doc.pdf");
        std::fs::write(&path, pages_pdf(pages)).unwrap();
        page_kinds(&path).unwrap()
    }

    #[test]
    fn each_page_is_judged_on_its_own() {
        // A typed page: a dozen lines (a page of two lines over shared image
        // resources reads as a scan's stamp).
        let text = || Page::Text((0..12).map(|i| (11, 700 - 16 * i, BODY)).collect());
        let kinds = kinds_of(&[text(), text(), Page::Image, text()]);
        assert_eq!(kinds.count, 4);
        assert_eq!(kinds.unreadable, vec![3]);
        assert_eq!(kinds.readable(), vec![1, 2, 4]);
        // Three scans among many typed pages are still found.
        let mut many: Vec<Page> = (0..60).map(|_| text()).collect();
        for at in [4, 30, 59] {
            many[at] = Page::Image;
        }
        assert_eq!(kinds_of(&many).unreadable, vec![5, 31, 60]);
        // A blank page holds nothing to read: it is not the cloud's.
        assert!(kinds_of(&[text(), Page::Blank]).unreadable.is_empty());
        assert_eq!(kinds_of(&[Page::Image, Page::Image]).unreadable, vec![1, 2]);
        // A scan with a date stamped over it is a scan.
        let stamped = kinds_of(&[text(), Page::ImageWith("12 May 2024")]);
        assert_eq!(stamped.unreadable, vec![2]);
    }

    fn written(pages: &[Page]) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("doc.pdf");
        std::fs::write(&path, pages_pdf(pages)).unwrap();
        (dir, path)
    }

    fn text<'a>() -> Page<'a> {
        Page::Text((0..12).map(|i| (11, 700 - 16 * i, BODY)).collect())
    }

    #[test]
    fn math_fonts_are_known_by_name_with_or_without_a_subset_tag() {
        for math in [
            "CMMI10",
            "ABCDEF+CMSY7",
            "EOFDHK+AdvMathSymb",
            "CambriaMath",
            "STIXTwoMath-Regular",
            "LMMathItalic10-Regular",
            "MSBM10",
            "MTExtra",
        ] {
            assert!(is_math_font(math), "{math}");
        }
        for text in ["CMR10", "Helvetica", "ABCDEF+TimesNewRomanPSMT", "Symbol"] {
            assert!(!is_math_font(text), "{text}");
        }
    }

    #[test]
    fn a_page_of_formulas_is_found_and_a_variable_named_in_the_text_is_not() {
        let formulas = Page::Math(vec![
            (11, 700, "The energy of the system is"),
            (11, 680, "$E(x) = sum_i w_i x_i + b"),
            (11, 660, "$L = -log p(y | x; theta)"),
        ]);
        // One variable in the running text: under the threshold.
        let a_variable = Page::Math(vec![(11, 700, "where"), (11, 700, "$x")]);
        let (_dir, path) = written(&[text(), formulas, a_variable, text()]);
        assert_eq!(formula_pages(&path), vec![2]);
        // The math font is listed for every page (inherited resources):
        // listing is not drawing.
        let (_dir, path) = written(&[text(), text()]);
        assert!(formula_pages(&path).is_empty());
        // A real paper whose letters are set in the text's italic: the pages
        // with displayed equations (3-5) and a table's formula footnote (9).
        let demo1 =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/documents/demo1.pdf");
        assert_eq!(formula_pages(&demo1), vec![3, 4, 5, 9]);
    }

    #[test]
    fn the_pages_where_local_finds_a_table_are_named() {
        let table = table_page("Quarterly results by region");
        let (_dir, path) = written(&[text(), table, text()]);
        assert_eq!(table_pages(&path, "doc.pdf", &[1, 2, 3]), vec![2]);
        // Only the pages asked about.
        assert!(table_pages(&path, "doc.pdf", &[1, 3]).is_empty());
    }
}
