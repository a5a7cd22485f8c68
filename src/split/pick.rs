//! Pages picked anywhere in a PDF (a hybrid document's scanned pages), cut
//! into one PDF of their own, in the order given, by the splitter's own
//! machinery.

use std::path::Path;

use anyhow::{bail, Result};
use lopdf::ObjectId;

use super::Splitter;

impl Splitter {
    /// The page objects of `pages` (1-based), or why one is outside the document.
    fn picked(&self, pages: &[u32]) -> Result<Vec<ObjectId>> {
        if pages.is_empty() {
            bail!("no pages to cut");
        }
        pages
            .iter()
            .map(|&n| match self.pages.get((n as usize).wrapping_sub(1)) {
                Some(id) if n > 0 => Ok(*id),
                _ => bail!(
                    "page {n} is outside the document ({} pages)",
                    self.page_count()
                ),
            })
            .collect()
    }

    /// Writes `pages` (1-based, in this order, not necessarily consecutive) as
    /// a PDF of their own at `dest`; returns its size.
    pub fn write_pages(&self, pages: &[u32], dest: &Path) -> Result<u64> {
        let chosen = self.picked(pages)?;
        self.write_chosen(&chosen, dest)
    }

    /// About the size of the PDF [`Splitter::write_pages`] would write.
    pub fn weight_pages(&self, pages: &[u32]) -> u64 {
        self.picked(pages)
            .map_or(0, |chosen| self.weight_of(&chosen))
    }
}

#[cfg(test)]
mod tests {
    use super::super::pdfgen;
    use super::*;

    #[test]
    fn pages_picked_apart_make_one_pdf_in_their_order() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("six.pdf");
        std::fs::write(&src, pdfgen::make_pdf(6)).unwrap();
        let s = Splitter::open(&src).unwrap();
        let out = dir.path().join("picked.pdf");
        s.write_pages(&[2, 5], &out).unwrap();
        let doc = lopdf::Document::load(&out).unwrap();
        assert_eq!(doc.get_pages().len(), 2);
        let text: Vec<String> = (1..=2).map(|p| doc.extract_text(&[p]).unwrap()).collect();
        assert!(text[0].contains("Page 2"), "{text:?}");
        assert!(text[1].contains("Page 5"), "{text:?}");
        assert!(s.weight_pages(&[2, 5]) > 0);
        assert!(s.write_pages(&[7], &out).is_err());
        assert!(s.write_pages(&[0], &out).is_err());
    }
}
