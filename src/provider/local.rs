//! `local`: extraction inside the binary, with no network and no key. Born-digital
//! PDFs, DOCX, PPTX, XLSX, CSV, HTML, TXT and MD become markdown at once
//! (`src/local/`); scanned PDF pages go to the `tesseract` program when it is
//! installed, else the document is refused with a cloud provider named.

use anyhow::Result;

use super::{
    check_flags, check_formats, Limits, Mode, PageSet, Provider, ProviderInfo, Published,
    ResultRef, Submitted, Upload,
};
use crate::config::ProviderSettings;
use crate::error::Error;
use crate::http::Http;
use crate::input::Document;
use crate::local;
use crate::options::{ExtractOptions, Format};

pub static INFO: ProviderInfo = ProviderInfo {
    name: "local",
    summary: "Inside docpipe, no network: born-digital PDF, Office and OpenDocument files, RTF, EPUB, MSG, ZIP, CSV, HTML, JSON, XML, feeds, notebooks, text; scans and images with tesseract if installed",
    default_base_url: "",
    key_env: &[],
    mode: Mode::Sync,
    upload: Some(Upload::InProcess),
    urls: true,
    formats: &["markdown", "json"],
    extensions: local::EXTENSIONS,
    flags: &["--pages", "--images", "--keep-headers"],
    too_big: "",
    config_example: "# Scanned PDF pages are OCR'd by the `tesseract` program when it is on PATH\n# (Debian: tesseract-ocr); --language is passed to it as -l (e.g. \"deu+eng\").\n# Keep running page headers and footers in the markdown (they are typed\n# header/footer blocks in the JSON either way); --keep-headers does the same.\n# keep_headers = false\n",
    config_keys: &["keep_headers"],
    preference: None,
    price: Some(Published {
        per_1000_pages: 0.0,
        currency: "USD",
        source: "runs on this machine",
    }),
    batch_share: None,
    env: &[],
    limits: Limits {
        max_bytes: None,
        max_pages: None,
        max_batch: None,
    },
};

/// `--language` is read too (tesseract's `-l`), but it is not a flag
/// `check_flags` sees.
pub fn build(settings: ProviderSettings, http: Http) -> Box<dyn Provider> {
    Box::new(Local { settings, http })
}

pub struct Local {
    settings: ProviderSettings,
    /// Fetches URL inputs (the transfer client: stall timeout, no key).
    http: Http,
}

/// The largest document fetched from a URL.
pub const MAX_URL_BYTES: u64 = 512 << 20;

impl Local {
    /// `--keep-headers`, else `providers.local.keep_headers`, else off.
    fn keep_headers(&self, opts: &ExtractOptions) -> Result<bool, Error> {
        if opts.keep_headers {
            return Ok(true);
        }
        match super::setting(&self.settings, "keep_headers") {
            None => Ok(false),
            Some(v) => v.as_bool().ok_or_else(|| {
                Error::usage("providers.local.keep_headers: not true or false")
                    .with_hint("write keep_headers = true (or false) under [providers.local]")
            }),
        }
    }
}

impl Provider for Local {
    fn info(&self) -> &'static ProviderInfo {
        &INFO
    }

    fn settings(&self) -> &ProviderSettings {
        &self.settings
    }

    fn check(&self, doc: &Document, opts: &ExtractOptions) -> Result<(), Error> {
        // A URL's type is judged from what it serves (`fetch`), not its name.
        if !doc.is_url() {
            super::check_common(&INFO, doc, opts)?;
        }
        if opts.pages.is_some() && doc.ext != "pdf" {
            return Err(Error::usage(format!(
                "--pages selects PDF pages; {} is a .{} file",
                doc.input, doc.ext
            ))
            .with_hint("drop --pages"));
        }
        check_formats(&INFO, opts)?;
        self.keep_headers(opts)?;
        check_flags(&INFO, opts)
    }

    fn submit(&self, doc: &Document, opts: &ExtractOptions) -> Result<Submitted> {
        match doc.url() {
            Some(url) => {
                let (fetched, ext) = self.fetch(doc, url)?;
                self.extract(doc, fetched.file.path(), &ext, opts)
            }
            None => {
                let path = doc.path().expect("a document is a file or a URL");
                self.extract(doc, path, &doc.ext, opts)
            }
        }
    }
}

impl Local {
    /// Downloads a URL input with the transfer layer (stall timeout, retries,
    /// [`MAX_URL_BYTES`]) and names its type: from its first bytes where they
    /// are unambiguous, else the URL's extension when the content fits it, else
    /// the server's Content-Type. HTML is read as text: nothing in it runs.
    fn fetch(&self, doc: &Document, url: &str) -> Result<(crate::transfer::Fetched, String)> {
        let fetched = crate::transfer::fetch(&self.http, url, &std::env::temp_dir(), MAX_URL_BYTES)
            .map_err(|e| {
                Error::input(&doc.input, format!("cannot fetch it: {e:#}"))
                    .with_hint("check the address, or download it and pass the file")
            })?;
        let head = crate::input::read_head(fetched.file.path()).unwrap_or_default();
        let by_name = Some(doc.ext.as_str()).filter(|e| {
            !e.is_empty()
                && INFO.extensions.contains(e)
                && crate::input::content_mismatch(e, &head).is_none()
        });
        let ext = crate::input::sniff_extension(&head)
            .or(by_name)
            .or_else(|| fetched.content_type.as_deref().and_then(ext_of_type));
        match ext {
            Some(ext) if INFO.extensions.contains(&ext) => {
                let ext = ext.to_string();
                Ok((fetched, ext))
            }
            _ => Err(Error::input(
                &doc.input,
                format!(
                    "its content ({}) is not a type local reads",
                    fetched.content_type.as_deref().unwrap_or("no Content-Type")
                ),
            )
            .with_hint(format!("local takes: {}", INFO.extensions.join(", ")))
            .into()),
        }
    }

    fn extract(
        &self,
        doc: &Document,
        path: &std::path::Path,
        ext: &str,
        opts: &ExtractOptions,
    ) -> Result<Submitted> {
        let pages = match &opts.pages {
            None => None,
            Some(p) => {
                // Past the last page there is nothing to select.
                let count = crate::pdf::page_count(path);
                let last = count.unwrap_or(u32::MAX);
                let pages: Vec<u32> = p
                    .to_zero_based()
                    .into_iter()
                    .filter(|i| *i < last)
                    .map(|i| i + 1)
                    .collect();
                if pages.is_empty() {
                    let err = Error::input(
                        &doc.input,
                        format!(
                            "--pages {} selects no page of this {}-page PDF",
                            p.to_mineru(),
                            last
                        ),
                    )
                    .with_hint("select pages that exist, or drop --pages");
                    return Err(err.into());
                }
                Some(pages)
            }
        };
        let settings = local::Settings {
            tesseract: local::ocr::find_tesseract(),
            language: opts
                .language
                .as_deref()
                .map(local::ocr::tesseract_languages)
                .filter(|l| !l.is_empty()),
            pages,
            keep_headers: self.keep_headers(opts)?,
            zip_depth: 0,
        };
        let extracted = local::extract(path, ext, &doc.input, &settings)?;
        if !extracted.doubtful_ocr.is_empty() {
            crate::messages::warn(&doubtful_ocr_warning(
                &doc.input,
                &extracted.doubtful_ocr,
                settings.language.as_deref(),
            ));
        }
        if !extracted.garbled.is_empty() {
            crate::messages::warn(&garbled_warning(&doc.input, &extracted.garbled));
        }
        if let Some(spool) = extracted.spool.clone() {
            // Blocks would copy the whole table into memory: the answer has none.
            let mut answer = local::summary_json(ext, &extracted);
            answer["page_count"] = 1.into();
            return Ok(Submitted::Done(ResultRef::Spooled {
                path: spool,
                answer,
            }));
        }
        // The blocks repeat the whole text: built only where they are delivered
        // (`parse`, `--format json`), so `ocr` of a 100 MB CSV holds one copy less.
        let answer = if opts.full_result || matches!(opts.format, Format::Json) {
            local::answer_json(ext, &extracted)
        } else {
            local::summary_json(ext, &extracted)
        };
        Ok(Submitted::Done(ResultRef::Pages(Box::new(PageSet {
            pages: extracted.pages,
            images: extracted.images,
            answer,
        }))))
    }
}

/// One line for a document OCR read with low confidence, suggesting `--language`.
fn doubtful_ocr_warning(input: &str, pages: &[u32], language: Option<&str>) -> String {
    let list: Vec<String> = pages.iter().map(u32::to_string).collect();
    let read_as = language.unwrap_or("eng (tesseract's default)");
    format!(
        "{input}: OCR read page{} {} with low confidence (under {:.0}%) as {read_as}: the text may be garbage; if the document is in another language or script, name it with --language (e.g. --language zh, --language de+en)",
        if pages.len() == 1 { "" } else { "s" },
        list.join(", "),
        local::ocr::LOW_CONFIDENCE
    )
}

/// One line for a PDF with text in a font that has no usable reading.
fn garbled_warning(input: &str, pages: &[u32]) -> String {
    let list: Vec<String> = pages.iter().map(u32::to_string).collect();
    format!(
        "{input}: {} {} text in a font that maps its glyphs to no characters: it reads as punctuation and is kept as read, not OCR'd; local OCRs the drawn page with tesseract (Debian/Ubuntu: apt-get install tesseract-ocr), or use a cloud provider: {}",
        if pages.len() == 1 { "page" } else { "pages" },
        if pages.len() == 1 {
            format!("{} holds", list[0])
        } else {
            format!("{} hold", list.join(", "))
        },
        local::pdf::CLOUD_HINT
    )
}

/// The extension of a MIME type local reads (parameters such as `charset` ignored).
fn ext_of_type(content_type: &str) -> Option<&'static str> {
    let mime = content_type.split(';').next()?.trim().to_ascii_lowercase();
    Some(match mime.as_str() {
        "text/html" | "application/xhtml+xml" => "html",
        "application/pdf" => "pdf",
        "text/plain" => "txt",
        "text/markdown" => "md",
        "text/csv" => "csv",
        "application/json" => "json",
        "application/x-ipynb+json" => "ipynb",
        "application/rss+xml" => "rss",
        "application/atom+xml" => "atom",
        "application/xml" | "text/xml" => "xml",
        "application/rtf" | "text/rtf" => "rtf",
        "application/epub+zip" => "epub",
        "application/zip" => "zip",
        "application/vnd.ms-excel" => "xls",
        "application/vnd.ms-outlook" => "msg",
        "application/vnd.oasis.opendocument.text" => "odt",
        "application/vnd.oasis.opendocument.spreadsheet" => "ods",
        "application/vnd.oasis.opendocument.presentation" => "odp",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "docx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation" => "pptx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => "xlsx",
        "application/vnd.ms-excel.sheet.macroenabled.12" => "xlsm",
        "application/vnd.ms-word.document.macroenabled.12" => "docm",
        "application/vnd.ms-powerpoint.presentation.macroenabled.12" => "pptm",
        "application/vnd.openxmlformats-officedocument.presentationml.slideshow" => "ppsx",
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/tiff" => "tiff",
        _ => return None,
    })
}
