//! What the user asked for, in provider-neutral form. Each provider translates it
//! into its own dialect and rejects what it cannot do before any request.

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// Output format asked for with `--format`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Markdown,
    Text,
    Json,
    /// A provider's own format (e.g. gpt.ge's `docx`).
    #[serde(untagged)]
    Other(String),
}

impl Format {
    pub fn parse(text: &str) -> Format {
        match text.to_ascii_lowercase().as_str() {
            "markdown" | "md" => Format::Markdown,
            "text" | "txt" => Format::Text,
            "json" => Format::Json,
            other => Format::Other(other.to_string()),
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Format::Markdown => "markdown",
            Format::Text => "text",
            Format::Json => "json",
            Format::Other(s) => s,
        }
    }

    /// File extension of an `ocr -o` result in this format.
    pub fn extension(&self) -> &str {
        match self {
            Format::Markdown => "md",
            Format::Text => "txt",
            Format::Json => "json",
            Format::Other(s) => s,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtractOptions {
    pub pages: Option<PageRanges>,
    pub language: Option<String>,
    pub ocr: bool,
    pub formula: bool,
    pub table: bool,
    pub model: Option<String>,
    pub format: Format,
    pub extra_formats: Vec<String>,
    /// Mistral: `markdown` or `html` tables.
    #[serde(default)]
    pub table_format: Option<String>,
    /// Mistral: return page headers and footers separately.
    #[serde(default)]
    pub extract_header: bool,
    #[serde(default)]
    pub extract_footer: bool,
    /// Ask for the page images (Mistral `include_image_base64`) and save them.
    #[serde(default)]
    pub images: bool,
    /// mistralocr.app: `rest` (default) or `mcp`.
    #[serde(default)]
    pub transport: Option<String>,
    /// `parse`: the provider's whole result (images and JSON too), not only text.
    #[serde(default)]
    pub full_result: bool,
    /// `ocr -o`: no images folder, and the markdown's image links replaced by
    /// their alt text (docpipe's own choice: not part of the record key).
    #[serde(default)]
    pub no_images: bool,
    /// `batch --batch-api`: how Mistral's batch jobs are used (None: not given,
    /// i.e. `auto`). The result is the same either way, so it is not part of the
    /// record key: a rerun with another value re-attaches instead of paying again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_api: Option<BatchApi>,
    /// The run is `batch`: a provider may answer through batch jobs that take
    /// minutes to start (Mistral); `ocr` and `parse` get direct answers.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub batch_command: bool,
    /// `local`: running headers and footers stay in the markdown. Not part of
    /// the record key: `local`'s answers are never kept.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub keep_headers: bool,
}

/// `--batch-api`: send many documents as one provider batch job (cheaper, slower
/// to start) or as direct calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BatchApi {
    /// A job from the provider's documented number of documents.
    Auto,
    /// Always a job, even for one document.
    On,
    /// Direct calls at the full price.
    Off,
}

impl BatchApi {
    pub fn parse(text: &str) -> Option<BatchApi> {
        match text {
            "auto" => Some(BatchApi::Auto),
            "on" => Some(BatchApi::On),
            "off" => Some(BatchApi::Off),
            _ => None,
        }
    }
}

impl ExtractOptions {
    /// The flags set away from their defaults, as the user typed them: each
    /// provider refuses the ones it cannot honour (see `provider::check_flags`).
    /// `--language` is not listed: it often comes from the config's defaults and is
    /// ignored by providers without a language setting.
    pub fn flags_set(&self) -> Vec<&'static str> {
        let mut set = Vec::new();
        let mut add = |on: bool, flag: &'static str| {
            if on {
                set.push(flag);
            }
        };
        add(self.pages.is_some(), "--pages");
        add(self.ocr, "--ocr");
        add(!self.formula, "--no-formula");
        add(!self.table, "--no-table");
        add(self.model.is_some(), "--model");
        add(!self.extra_formats.is_empty(), "--extra-format");
        add(self.table_format.is_some(), "--table-format");
        add(self.extract_header, "--extract-header");
        add(self.extract_footer, "--extract-footer");
        add(self.images, "--images");
        add(self.transport.is_some(), "--transport");
        add(self.batch_api.is_some(), "--batch-api");
        add(self.keep_headers, "--keep-headers");
        set
    }
}

impl Default for ExtractOptions {
    fn default() -> Self {
        ExtractOptions {
            pages: None,
            language: None,
            ocr: false,
            formula: true,
            table: true,
            model: None,
            format: Format::Markdown,
            extra_formats: Vec::new(),
            table_format: None,
            extract_header: false,
            extract_footer: false,
            images: false,
            transport: None,
            full_result: false,
            no_images: false,
            batch_api: None,
            batch_command: false,
            keep_headers: false,
        }
    }
}

/// The highest page number `--pages` accepts: far past any provider's limit
/// (Mistral 1,000 pages, MinerU 600), low enough that a selection's page list
/// always fits in memory.
pub const MAX_PAGE: u32 = 100_000;

/// A 1-based page selection such as `1-5,8`, kept as inclusive ranges in the order
/// given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRanges(pub Vec<(u32, u32)>);

impl PageRanges {
    pub fn parse(text: &str) -> Result<PageRanges, Error> {
        let bad = |why: &str| {
            Error::usage(format!("--pages '{text}': {why}"))
                .with_hint("pages are 1-based ranges such as 1-5,8")
        };
        let mut ranges = Vec::new();
        for part in text.split(',').map(str::trim) {
            if part.is_empty() {
                return Err(bad("empty range"));
            }
            let (start, end) = match part.split_once('-') {
                Some((a, b)) => (a.trim(), b.trim()),
                None => (part, part),
            };
            let num = |s: &str| -> Result<u32, Error> {
                s.parse::<u32>()
                    .map_err(|_| bad(&format!("'{s}' is not a page number")))
            };
            let (start, end) = (num(start)?, num(end)?);
            if start == 0 || end == 0 {
                return Err(bad("pages start at 1"));
            }
            if start > end {
                return Err(bad(&format!("{start}-{end} runs backwards")));
            }
            if end > MAX_PAGE {
                return Err(bad(&format!(
                    "{end} is past any document's length (pages go up to {MAX_PAGE})"
                )));
            }
            ranges.push((start, end));
        }
        Ok(PageRanges(ranges))
    }

    /// MinerU's `page_ranges`: the same 1-based text, normalised.
    pub fn to_mineru(&self) -> String {
        crate::units::ranges_text(&self.0, ",")
    }

    /// 0-based page indexes in order, without repeats (Mistral's `pages`).
    pub fn to_zero_based(&self) -> Vec<u32> {
        let mut seen = std::collections::BTreeSet::new();
        let mut out = Vec::new();
        for &(a, b) in &self.0 {
            for p in a..=b {
                if seen.insert(p) {
                    out.push(p - 1);
                }
            }
        }
        out
    }

    /// How many distinct pages are selected.
    pub fn count(&self) -> u32 {
        self.to_zero_based().len() as u32
    }

    /// The selection cut to a document of `pages` pages; None when none of it
    /// is inside the document.
    pub fn within(&self, pages: u32) -> Option<PageRanges> {
        let kept: Vec<(u32, u32)> = self
            .0
            .iter()
            .filter(|(a, _)| *a <= pages)
            .map(|&(a, b)| (a, b.min(pages)))
            .collect();
        (!kept.is_empty()).then_some(PageRanges(kept))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absurd_page_numbers_are_refused_before_anything_is_allocated() {
        assert!(PageRanges::parse("1-4000000000").is_err());
        assert_eq!(PageRanges::parse("1-100000").unwrap().count(), 100_000);
    }

    #[test]
    fn selections_are_cut_to_the_document() {
        let p = PageRanges::parse("2-5,9,12-20").unwrap();
        assert_eq!(p.within(10).unwrap().to_mineru(), "2-5,9");
        assert_eq!(p.within(14).unwrap().to_mineru(), "2-5,9,12-14");
        assert_eq!(p.within(20), Some(p.clone()));
        assert_eq!(PageRanges::parse("8-9").unwrap().within(7), None);
    }

    #[test]
    fn pages_parse_and_translate() {
        let p = PageRanges::parse("1-5, 8,3").unwrap();
        assert_eq!(p.to_mineru(), "1-5,8,3");
        assert_eq!(p.to_zero_based(), vec![0, 1, 2, 3, 4, 7]);
        assert_eq!(p.count(), 6);
    }

    #[test]
    fn bad_pages_are_usage_errors() {
        for bad in ["", "0", "5-2", "a-3", "1,,2", "-3"] {
            let err = PageRanges::parse(bad).unwrap_err();
            assert_eq!(err.exit_code(), 2, "{bad}");
        }
    }

    #[test]
    fn flags_set_lists_only_changed_options() {
        assert!(ExtractOptions::default().flags_set().is_empty());
        let opts = ExtractOptions {
            table: false,
            images: true,
            ..ExtractOptions::default()
        };
        assert_eq!(opts.flags_set(), vec!["--no-table", "--images"]);
    }

    #[test]
    fn old_records_without_new_fields_still_read() {
        let text = r#"{"pages":null,"language":null,"ocr":false,"formula":true,"table":true,"model":null,"format":"markdown","extra_formats":[]}"#;
        let opts: ExtractOptions = serde_json::from_str(text).unwrap();
        assert_eq!(opts, ExtractOptions::default());
    }

    #[test]
    fn formats() {
        assert_eq!(Format::parse("MD"), Format::Markdown);
        assert_eq!(Format::parse("docx"), Format::Other("docx".into()));
        assert_eq!(Format::Text.extension(), "txt");
    }
}
