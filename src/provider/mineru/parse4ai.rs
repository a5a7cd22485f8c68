//! parse4ai: a MinerU clone with its own dialect. Single tasks are camelCase,
//! batches are snake_case as MinerU's; URL inputs only (no upload endpoint).
//! Everything the two share comes from `mineru_dialect.rs`.

use anyhow::Result;
use serde_json::{json, Map, Value};

use super::dialect::{
    batch_files, extra_formats, option_fields, Dialect, KeyedApi, COMMON_CODES, MINERU_CODES,
    MINERU_FLAGS, PARSE4AI_CODES,
};
use crate::config::ProviderSettings;
use crate::error::Error;
use crate::http::Http;
use crate::input::Document;
use crate::options::ExtractOptions;
use crate::provider::{
    check_info, BatchItem, BatchSubmitted, Limits, Mode, Provider, ProviderInfo, Submitted,
    TaskRef, TaskStatus,
};

pub static INFO: ProviderInfo = ProviderInfo {
    name: "parse4ai",
    summary: "parse4ai: MinerU-compatible parsing of documents at URLs (key needed)",
    default_base_url: "http://8.148.69.123:8088",
    key_env: &["PARSE4AI_API_KEY"],
    mode: Mode::Async,
    upload: None,
    urls: true,
    formats: &["markdown", "json", "text"],
    extensions: &["pdf", "doc", "docx", "ppt", "pptx", "png", "jpg", "jpeg"],
    flags: MINERU_FLAGS,
    too_big: "split the document into parts, or select pages with --pages",
    config_example:
        "# pipeline (default) or vlm. --model overrides it.\n# model_version = \"vlm\"\n",
    config_keys: &[],
    preference: Some(3),
    price: None,
    batch_share: None,
    env: &[],
    limits: Limits {
        max_bytes: Some(200 * 1024 * 1024),
        max_pages: Some(600),
        max_batch: Some(200),
    },
};

/// parse4ai's own codes (its -60017 is a used-up page balance), then MinerU's
/// table, which its docs say it shares. Its result host needs no Referer.
pub static DIALECT: Dialect = Dialect {
    info: &INFO,
    codes: &[PARSE4AI_CODES, COMMON_CODES, MINERU_CODES],
    referer: None,
};

pub fn build(settings: ProviderSettings, http: Http) -> Box<dyn Provider> {
    Box::new(Parse4ai { settings, http })
}

pub struct Parse4ai {
    settings: ProviderSettings,
    http: Http,
}

impl Parse4ai {
    fn api(&self) -> KeyedApi<'_> {
        KeyedApi {
            dialect: &DIALECT,
            prefix: "/api/v1",
            settings: &self.settings,
            http: &self.http,
        }
    }

    /// `pipeline` or `vlm`; the clone has no HTML model.
    fn model(&self, opts: &ExtractOptions) -> Result<Option<String>, Error> {
        let asked = opts
            .model
            .clone()
            .or_else(|| self.settings.table.model_version.clone());
        match asked.as_deref().map(str::to_ascii_lowercase).as_deref() {
            None => Ok(None),
            Some(m @ ("pipeline" | "vlm")) => Ok(Some(m.to_string())),
            Some(other) => Err(
                Error::usage(format!("--model '{other}' is not a parse4ai model"))
                    .with_hint("use pipeline or vlm"),
            ),
        }
    }

    /// The snake_case options of a batch body.
    fn snake_body(&self, opts: &ExtractOptions) -> Result<Map<String, Value>> {
        let mut body = option_fields(opts);
        // is_ocr travels per file in batches.
        body.remove("is_ocr");
        if let Some(m) = self.model(opts)? {
            body.insert("model_version".into(), json!(m));
        }
        let formats = extra_formats(&INFO, opts)?;
        if !formats.is_empty() {
            body.insert("extra_formats".into(), json!(formats));
        }
        Ok(body)
    }

    /// The camelCase body of a single task.
    fn camel_body(&self, doc: &Document, opts: &ExtractOptions) -> Result<Map<String, Value>> {
        let mut body = Map::new();
        body.insert("url".into(), json!(doc.url().unwrap_or_default()));
        body.insert("isOcr".into(), json!(opts.ocr));
        body.insert("enableFormula".into(), json!(opts.formula));
        body.insert("enableTable".into(), json!(opts.table));
        if let Some(lang) = &opts.language {
            body.insert("language".into(), json!(lang));
        }
        body.insert("dataId".into(), json!(super::dialect::data_id(doc)));
        if let Some(p) = &opts.pages {
            body.insert("pageRanges".into(), json!(p.to_mineru()));
        }
        if let Some(m) = self.model(opts)? {
            body.insert("modelVersion".into(), json!(m));
        }
        let formats = extra_formats(&INFO, opts)?;
        if !formats.is_empty() {
            body.insert("extraFormats".into(), json!(formats));
        }
        Ok(body)
    }
}

impl Provider for Parse4ai {
    fn info(&self) -> &'static ProviderInfo {
        &INFO
    }

    fn settings(&self) -> &ProviderSettings {
        &self.settings
    }

    fn check(&self, doc: &Document, opts: &ExtractOptions) -> Result<(), Error> {
        check_info(&INFO, &self.settings, doc, opts)?;
        self.model(opts)?;
        extra_formats(&INFO, opts)?;
        Ok(())
    }

    fn submit(&self, doc: &Document, opts: &ExtractOptions) -> Result<Submitted> {
        let body = self.camel_body(doc, opts)?;
        Ok(Submitted::Task {
            task: self.api().create_task("/extract/task", body, &doc.input)?,
            upload: None,
        })
    }

    fn batch_group(&self, _doc: &Document, _opts: &ExtractOptions) -> Option<String> {
        Some(String::new())
    }

    fn submit_batch(&self, docs: &[&Document], opts: &ExtractOptions) -> Result<BatchSubmitted> {
        let mut body = self.snake_body(opts)?;
        body.insert("files".into(), Value::Array(batch_files(docs, opts, true)));
        self.api().create_batch("/extract/task/batch", body, docs)
    }

    fn batch_status(&self, batch_id: &str) -> Result<Vec<BatchItem>> {
        self.api().batch_status(batch_id)
    }

    /// An unrecorded ID is a task ID or a batch ID.
    fn lookup(&self, id: &str) -> Result<TaskRef> {
        self.api().lookup(id)
    }

    fn status(&self, task: &TaskRef) -> Result<TaskStatus> {
        self.api().status(task)
    }
}
