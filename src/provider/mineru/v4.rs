//! MinerU cloud API v4 (`/api/v4`). What it shares with the flash API and the
//! clones (status parsing, batch answers, error codes) is in `mineru_dialect.rs`.

use anyhow::{Context, Result};
use serde_json::{json, Map, Value};

use super::dialect::{
    batch_files, data_id, extra_formats, option_fields, Dialect, KeyedApi, COMMON_CODES,
    MINERU_CODES, MINERU_FLAGS,
};
use crate::config::ProviderSettings;
use crate::error::Error;
use crate::http::Http;
use crate::input::Document;
use crate::options::ExtractOptions;
use crate::provider::{
    check_info, BatchItem, BatchSubmitted, Limits, Mode, Provider, ProviderInfo, Published,
    Submitted, TaskRef, TaskStatus, Upload,
};

pub static INFO: ProviderInfo = ProviderInfo {
    name: "mineru",
    summary: "MinerU cloud API v4: full parse to markdown, images and JSON (key needed)",
    default_base_url: "https://mineru.net",
    key_env: &["MINERU_API_KEY", "MINERU_TOKEN"],
    mode: Mode::Async,
    upload: Some(Upload::SignedPut),
    urls: true,
    formats: &["markdown", "json", "text"],
    extensions: &[
        "pdf", "doc", "docx", "ppt", "pptx", "png", "jpg", "jpeg", "html", "htm",
    ],
    limits: Limits {
        max_bytes: Some(200 * 1024 * 1024),
        max_pages: Some(600),
        max_batch: Some(200),
    },
    flags: MINERU_FLAGS,
    too_big: "split the document into parts, or select pages with --pages",
    config_example: "# vlm (docpipe's default), pipeline, or html (MinerU-HTML; chosen automatically\n# for .html inputs). --model overrides it.\n# model_version = \"vlm\"\n",
    config_keys: &[],
    preference: Some(1),
    price: Some(Published {
        per_1000_pages: 0.0,
        currency: "USD",
        source: "mineru.net API: free within a daily page quota (2,000 priority pages a day, as documented in 2026-04)",
    }),
    batch_share: None,
    env: &[],
};

/// MinerU's CDN has refused result downloads without this Referer.
pub const REFERER: &str = "https://mineru.net/";

/// What MinerU v4 brings to the shared dialect.
pub static DIALECT: Dialect = Dialect {
    info: &INFO,
    codes: &[MINERU_CODES, COMMON_CODES],
    referer: Some(REFERER),
};

pub fn build(settings: ProviderSettings, http: Http) -> Box<dyn Provider> {
    Box::new(MinerU { settings, http })
}

pub struct MinerU {
    settings: ProviderSettings,
    http: Http,
}

impl MinerU {
    fn api(&self) -> KeyedApi<'_> {
        KeyedApi {
            dialect: &DIALECT,
            prefix: "/api/v4",
            settings: &self.settings,
            http: &self.http,
        }
    }
}

impl Provider for MinerU {
    fn info(&self) -> &'static ProviderInfo {
        &INFO
    }

    fn settings(&self) -> &ProviderSettings {
        &self.settings
    }

    fn check(&self, doc: &Document, opts: &ExtractOptions) -> Result<(), Error> {
        check_info(&INFO, &self.settings, doc, opts)?;
        model_version(doc, opts, &self.settings)?;
        extra_formats(&INFO, opts)?;
        Ok(())
    }

    fn submit(&self, doc: &Document, opts: &ExtractOptions) -> Result<Submitted> {
        if !doc.is_url() {
            // Local files only travel through an upload batch: a batch of one.
            let mut batch = self.submit_batch(&[doc], opts)?;
            let (key, upload) = batch
                .items
                .pop()
                .context("mineru answered an empty batch")?;
            return Ok(Submitted::Task {
                task: TaskRef::batch_item(INFO.name, batch.batch_id, key),
                upload,
            });
        }
        let mut body = common_body(doc, opts, &self.settings)?;
        body.insert("url".into(), json!(doc.url().unwrap_or_default()));
        body.insert("data_id".into(), json!(data_id(doc)));
        if let Some(p) = &opts.pages {
            body.insert("page_ranges".into(), json!(p.to_mineru()));
        }
        Ok(Submitted::Task {
            task: self.api().create_task("/extract/task", body, &doc.input)?,
            upload: None,
        })
    }

    /// Local files and URLs use different batch calls, and HTML needs its own model.
    fn batch_group(&self, doc: &Document, opts: &ExtractOptions) -> Option<String> {
        let model = model_version(doc, opts, &self.settings).ok().flatten();
        let source = if doc.is_url() { "url" } else { "file" };
        Some(format!("{source}:{}", model.unwrap_or_default()))
    }

    fn submit_batch(&self, docs: &[&Document], opts: &ExtractOptions) -> Result<BatchSubmitted> {
        let first = docs.first().context("an empty batch")?;
        let mut body = common_body(first, opts, &self.settings)?;
        body.insert("files".into(), Value::Array(batch_files(docs, opts, false)));
        let path = if first.is_url() {
            "/extract/task/batch"
        } else {
            "/file-urls/batch"
        };
        self.api().create_batch(path, body, docs)
    }

    fn batch_status(&self, batch_id: &str) -> Result<Vec<BatchItem>> {
        self.api().batch_status(batch_id)
    }

    /// An unrecorded ID is a task ID or a batch ID (local uploads).
    fn lookup(&self, id: &str) -> Result<TaskRef> {
        self.api().lookup(id)
    }

    fn status(&self, task: &TaskRef) -> Result<TaskStatus> {
        self.api().status(task)
    }
}

fn is_html(doc: &Document) -> bool {
    matches!(doc.ext.as_str(), "html" | "htm")
}

/// `--model` (or `model_version` in config) as MinerU's `model_version`; `.html`
/// inputs need `MinerU-HTML` and get it by default, other documents get
/// [`DEFAULT_MODEL`].
pub fn model_version(
    doc: &Document,
    opts: &ExtractOptions,
    settings: &ProviderSettings,
) -> Result<Option<String>, Error> {
    let asked = opts
        .model
        .clone()
        .or_else(|| settings.table.model_version.clone());
    let model = match asked.as_deref().map(str::to_ascii_lowercase).as_deref() {
        None => None,
        Some("pipeline") => Some("pipeline"),
        Some("vlm") => Some("vlm"),
        Some("html") | Some("mineru-html") => Some("MinerU-HTML"),
        Some(other) => {
            return Err(
                Error::usage(format!("--model '{other}' is not a MinerU model"))
                    .with_hint("use pipeline, vlm or html"),
            )
        }
    };
    match (is_html(doc), model) {
        (true, None) | (true, Some("MinerU-HTML")) => Ok(Some("MinerU-HTML".into())),
        (true, Some(m)) => Err(Error::usage(format!(
            "{}: HTML documents need the html model, not {m}",
            doc.input
        ))
        .with_hint("drop --model or use --model html")),
        (false, Some("MinerU-HTML")) if !doc.ext.is_empty() => Err(Error::usage(format!(
            "{}: the html model only reads HTML pages",
            doc.input
        ))
        .with_hint("use --model pipeline or vlm for this document")),
        // Nothing asked: what MinerU's own SDK and CLI now send
        // (opendatalab/MinerU-Ecosystem `sdk/`, `cli/`: `model_version: "vlm"`;
        // shared/providers.md). A URL without an extension may be a web page:
        // the service judges it.
        (false, None) if !doc.ext.is_empty() => Ok(Some(DEFAULT_MODEL.into())),
        (_, m) => Ok(m.map(str::to_string)),
    }
}

/// The model asked for when `--model` and `model_version` are not given.
pub const DEFAULT_MODEL: &str = "vlm";

/// The options every MinerU-dialect body carries (snake_case), with the model and
/// extra formats checked.
pub fn common_body(
    doc: &Document,
    opts: &ExtractOptions,
    settings: &ProviderSettings,
) -> Result<Map<String, Value>> {
    let mut body = option_fields(opts);
    if let Some(model) = model_version(doc, opts, settings)? {
        body.insert("model_version".into(), json!(model));
    }
    let formats = extra_formats(&INFO, opts)?;
    if !formats.is_empty() {
        body.insert("extra_formats".into(), json!(formats));
    }
    Ok(body)
}
