//! A result made of pages (Mistral's answer, `local`'s extraction): the
//! markdown of each page, the images it links, and the answer as JSON. Its own
//! module so that the extractors and the providers both use it without
//! depending on each other.

use serde::{Deserialize, Serialize};

/// A synchronous answer made of pages: what `deliver` needs for stdout, `ocr -o`
/// (markdown plus an images folder) and `parse -o` (a folder with everything).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageSet {
    /// Each page's markdown, in page order.
    pub pages: Vec<String>,
    /// Decoded images, named as the markdown links them (`img-0.jpeg`).
    pub images: Vec<PageImage>,
    /// The provider's answer as received (for `--format json` and `parse`).
    pub answer: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageImage {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl PageSet {
    /// Pages the provider left out of an answer it made anyway (`local`: a
    /// blank page, one OCR could not read), from the answer's `pages_skipped`:
    /// 1-based page and why.
    pub fn skipped(&self) -> Vec<(u64, String)> {
        self.answer["pages_skipped"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| {
                Some((
                    s["page"].as_u64()?,
                    s["reason"].as_str().unwrap_or_default().to_string(),
                ))
            })
            .collect()
    }

    /// The pages' markdown joined in order, one blank line between pages.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        for page in &self.pages {
            let page = page.trim_end();
            if page.is_empty() {
                continue;
            }
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            out.push_str(page);
        }
        out.push('\n');
        out
    }
}
