//! parse4ai: a MinerU clone with its own dialect. Single tasks are camelCase,
//! batches are snake_case as MinerU's; URL inputs only (no upload endpoint).
//! Everything the two share comes from `mineru_dialect.rs`.

use anyhow::{Context, Result};
use reqwest::Method;
use serde_json::{json, Map, Value};

use super::api::keyed_call;
use super::envelope::Answer;
use super::mineru_dialect::{
    batch_answer, batch_files, batch_items, batch_subject, expect_ok, extra_formats, option_fields,
    pick_item, task_status, Dialect, COMMON_CODES, MINERU_CODES, MINERU_FLAGS, PARSE4AI_CODES,
};
use super::{
    check_common, check_flags, check_formats, check_pages, check_size, BatchItem, BatchSubmitted,
    IdKind, Limits, Mode, Provider, ProviderInfo, Submitted, TaskRef, TaskStatus,
};
use crate::config::ProviderSettings;
use crate::error::Error;
use crate::http::{Http, Retry};
use crate::input::Document;
use crate::options::ExtractOptions;

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
    config_keys: &[],
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
    fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        retry: Retry,
    ) -> Result<Answer> {
        keyed_call(&INFO, &self.settings, &self.http, method, path, body, retry)
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
        body.insert("dataId".into(), json!(super::mineru_dialect::data_id(doc)));
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

    fn ready(&self) -> Result<(), Error> {
        self.settings.key_for(&INFO).map(|_| ())
    }

    fn check(&self, doc: &Document, opts: &ExtractOptions) -> Result<(), Error> {
        check_common(&INFO, doc, opts)?;
        check_size(&INFO, &self.settings, doc, "split the document")?;
        check_pages(
            &INFO,
            &self.settings,
            doc,
            opts,
            "split the document into parts",
        )?;
        check_formats(&INFO, opts)?;
        check_flags(&INFO, opts, MINERU_FLAGS)?;
        self.model(opts)?;
        extra_formats(&INFO, opts)?;
        Ok(())
    }

    fn submit(&self, doc: &Document, opts: &ExtractOptions) -> Result<Submitted> {
        let body = Value::Object(self.camel_body(doc, opts)?);
        let answer = self.call(
            Method::POST,
            "/api/v1/extract/task",
            Some(&body),
            Retry::Create,
        )?;
        let data = expect_ok(&DIALECT, answer, &doc.input)?;
        let task_id = Answer::str_field(&data, &["taskId", "task_id"])
            .context("parse4ai answered extract/task without a taskId")?;
        Ok(Submitted::Task {
            task: TaskRef::task(INFO.name, task_id),
            upload: None,
        })
    }

    fn batch_group(&self, _doc: &Document, _opts: &ExtractOptions) -> Option<String> {
        Some(String::new())
    }

    fn submit_batch(&self, docs: &[&Document], opts: &ExtractOptions) -> Result<BatchSubmitted> {
        let mut body = self.snake_body(opts)?;
        body.insert("files".into(), Value::Array(batch_files(docs, opts, true)));
        let answer = self.call(
            Method::POST,
            "/api/v1/extract/task/batch",
            Some(&Value::Object(body)),
            Retry::Create,
        )?;
        let data = expect_ok(&DIALECT, answer, &batch_subject(docs))?;
        batch_answer(&INFO, &data, docs)
    }

    fn batch_status(&self, batch_id: &str) -> Result<Vec<BatchItem>> {
        let path = format!("/api/v1/extract-results/batch/{batch_id}");
        let answer = self.call(Method::GET, &path, None, Retry::Idempotent)?;
        let data = expect_ok(&DIALECT, answer, batch_id)?;
        Ok(batch_items(&data, DIALECT.referer))
    }

    fn status(&self, task: &TaskRef) -> Result<TaskStatus> {
        match task.kind {
            IdKind::Task => {
                let path = format!("/api/v1/extract/task/{}", task.id);
                let answer = self.call(Method::GET, &path, None, Retry::Idempotent)?;
                let data = expect_ok(&DIALECT, answer, &task.id)?;
                Ok(task_status(&data, DIALECT.referer))
            }
            IdKind::Batch => pick_item(self.batch_status(&task.id)?, task),
        }
    }
}
