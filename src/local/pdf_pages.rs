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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::split::pdfgen::{pages_pdf, Page};

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
}
