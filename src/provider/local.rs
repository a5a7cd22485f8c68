//! `local`: extraction inside the binary, with no network and no key. Born-digital
//! PDFs, DOCX, PPTX, XLSX, CSV, HTML, TXT and MD become markdown at once
//! (`src/local/`); scanned PDF pages go to the `tesseract` program when it is
//! installed, else the document is refused with a cloud provider named.

use anyhow::Result;

use super::{
    check_flags, check_formats, no_tasks, Limits, Mode, PageSet, Provider, ProviderInfo, ResultRef,
    Submitted, TaskRef, TaskStatus, Upload,
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
    urls: false,
    formats: &["markdown", "json"],
    extensions: local::EXTENSIONS,
    config_keys: &[],
    limits: Limits {
        max_bytes: None,
        max_pages: None,
        max_batch: None,
    },
};

/// `--language` is read too (tesseract's `-l`), but it is not a flag
/// `check_flags` sees.
const FLAGS: &[&str] = &["--pages", "--images"];

pub fn build(_settings: ProviderSettings, _http: Http) -> Box<dyn Provider> {
    Box::new(Local)
}

pub struct Local;

impl Provider for Local {
    fn info(&self) -> &'static ProviderInfo {
        &INFO
    }

    fn ready(&self) -> Result<(), Error> {
        Ok(())
    }

    fn check(&self, doc: &Document, opts: &ExtractOptions) -> Result<(), Error> {
        if doc.is_url() {
            return Err(Error::input(&doc.input, "local reads files, not URLs: it makes no requests")
                .with_hint("download the document and pass the file, or use a cloud provider (e.g. -p mineru-flash)"));
        }
        super::check_common(&INFO, doc, opts)?;
        if opts.pages.is_some() && doc.ext != "pdf" {
            return Err(Error::usage(format!(
                "--pages selects PDF pages; {} is a .{} file",
                doc.input, doc.ext
            ))
            .with_hint("drop --pages"));
        }
        check_formats(&INFO, opts)?;
        check_flags(&INFO, opts, FLAGS)
    }

    fn submit(&self, doc: &Document, opts: &ExtractOptions) -> Result<Submitted> {
        let Some(path) = doc.path() else {
            return Err(Error::input(&doc.input, "local reads files, not URLs").into());
        };
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
            language: opts.language.clone(),
            pages,
            zip_depth: 0,
        };
        let extracted = local::extract(path, &doc.ext, &doc.input, &settings)?;
        if let Some(spool) = extracted.spool.clone() {
            // Blocks would copy the whole table into memory: the answer has none.
            let mut answer = local::summary_json(&doc.ext, &extracted);
            answer["page_count"] = 1.into();
            return Ok(Submitted::Done(ResultRef::Spooled {
                path: spool,
                answer,
            }));
        }
        // The blocks repeat the whole text: built only where they are delivered
        // (`parse`, `--format json`), so `ocr` of a 100 MB CSV holds one copy less.
        let answer = if opts.full_result || matches!(opts.format, Format::Json) {
            local::answer_json(&doc.ext, &extracted)
        } else {
            local::summary_json(&doc.ext, &extracted)
        };
        Ok(Submitted::Done(ResultRef::Pages(Box::new(PageSet {
            pages: extracted.pages,
            images: extracted.images,
            answer,
        }))))
    }

    fn status(&self, task: &TaskRef) -> Result<TaskStatus> {
        Err(no_tasks(&INFO, &task.id).into())
    }

    fn lookup(&self, id: &str) -> Result<TaskRef> {
        Err(no_tasks(&INFO, id).into())
    }
}
