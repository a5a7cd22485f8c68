//! MinerU's no-key "flash" agent API (`/api/v1/agent`): markdown only, small
//! documents, rate-limited per IP. The default when no key is configured.

use anyhow::{Context, Result};
use reqwest::Method;
use serde_json::{json, Map, Value};

use super::dialect::is_transient;
use super::dialect::{expect_ok, option_fields, task_status, Dialect, COMMON_CODES, FLASH_CODES};
use super::v4::REFERER;
use crate::config::ProviderSettings;
use crate::error::Error;
use crate::http::{Http, Retry};
use crate::input::Document;
use crate::options::ExtractOptions;
use crate::provider::api::call;
use crate::provider::envelope::Answer;
use crate::provider::{
    check_common, check_flags, check_formats, check_limits, Limits, Mode, Provider, ProviderInfo,
    Published, SignedUpload, Submitted, TaskRef, TaskStatus, Upload,
};

pub static INFO: ProviderInfo = ProviderInfo {
    name: "mineru-flash",
    summary: "MinerU flash API: markdown of small documents, no key needed",
    default_base_url: "https://mineru.net",
    key_env: &[],
    mode: Mode::Async,
    upload: Some(Upload::SignedPut),
    urls: true,
    formats: &["markdown"],
    extensions: &["pdf", "doc", "docx", "ppt", "pptx", "png", "jpg", "jpeg"],
    limits: Limits {
        max_bytes: Some(10 * 1024 * 1024),
        max_pages: Some(20),
        max_batch: None,
    },
    flags: &["--pages", "--ocr", "--no-formula", "--no-table"],
    too_big: BIGGER,
    config_example: "# The flash API is free and rate-limited per address.\n",
    config_keys: &[],
    preference: None,
    price: Some(Published {
        per_1000_pages: 0.0,
        currency: "USD",
        source: "MinerU's no-key flash API: free (10 MB / 20 pages a document)",
    }),
    batch_share: None,
    env: &[],
};

/// The flash API's own codes first, then the dialect's.
pub static DIALECT: Dialect = Dialect {
    info: &INFO,
    codes: &[FLASH_CODES, COMMON_CODES],
    referer: Some(REFERER),
};

const BIGGER: &str = "use -p mineru with a key (MINERU_API_KEY) for documents up to 200 MB and 600 pages, or select pages with --pages";

pub fn build(settings: ProviderSettings, http: Http) -> Box<dyn Provider> {
    Box::new(Flash { settings, http })
}

pub struct Flash {
    settings: ProviderSettings,
    http: Http,
}

impl Flash {
    /// No Authorization header, ever: the flash API is keyless.
    fn call(&self, method: Method, path: &str, body: &Map<String, Value>) -> Result<Answer> {
        let body = Value::Object(body.clone());
        call(
            &self.http,
            &self.settings.base_url,
            None,
            method,
            path,
            Some(&body),
            Retry::Create,
            Some(is_transient),
        )
    }

    fn expect_ok(&self, answer: Answer, subject: &str) -> Result<Value> {
        expect_ok(&DIALECT, answer, subject).map_err(|e| match e.downcast::<Error>() {
            Ok(err) if err.exit_code() == crate::error::exit::QUOTA => err
                .with_hint("the no-key API is rate-limited per address: wait a minute, or use -p mineru with MINERU_API_KEY")
                .into(),
            Ok(err) => err.into(),
            Err(other) => other,
        })
    }
}

impl Provider for Flash {
    fn info(&self) -> &'static ProviderInfo {
        &INFO
    }

    fn settings(&self) -> &ProviderSettings {
        &self.settings
    }

    fn check(&self, doc: &Document, opts: &ExtractOptions) -> Result<(), Error> {
        check_common(&INFO, doc, opts)?;
        check_limits(&INFO, &self.settings, doc, opts)?;
        check_formats(&INFO, opts)?;
        if opts.model.is_some() || !opts.extra_formats.is_empty() {
            return Err(
                Error::usage("mineru-flash has no --model or --extra-format")
                    .with_hint("drop them, or use -p mineru with a key"),
            );
        }
        check_flags(&INFO, opts)
    }

    fn submit(&self, doc: &Document, opts: &ExtractOptions) -> Result<Submitted> {
        let mut body = Map::new();
        if let Some(p) = &opts.pages {
            body.insert("page_range".into(), json!(p.to_mineru()));
        }
        let path = if doc.is_url() {
            body.extend(option_fields(opts));
            body.insert("url".into(), json!(doc.url().unwrap_or_default()));
            "/api/v1/agent/parse/url"
        } else {
            body.insert("file_name".into(), json!(doc.file_name));
            "/api/v1/agent/parse/file"
        };
        // The flash API wants a language; MinerU's own default is `ch`.
        body.entry("language")
            .or_insert_with(|| json!(opts.language.as_deref().unwrap_or("ch")));
        let answer = self.call(Method::POST, path, &body)?;
        let data = self.expect_ok(answer, &doc.input)?;
        let task_id = Answer::str_field(&data, &["task_id", "taskId"])
            .context("mineru-flash answered without a task_id")?;
        let upload = match doc.is_url() {
            true => None,
            false => Some(
                Answer::str_field(&data, &["file_url", "fileUrl"])
                    .context("mineru-flash answered without an upload URL")?,
            ),
        };
        Ok(Submitted::Task {
            task: TaskRef::task(INFO.name, task_id),
            upload: upload.and_then(|url| SignedUpload::of(doc, url)),
        })
    }

    fn status(&self, task: &TaskRef) -> Result<TaskStatus> {
        let path = format!("/api/v1/agent/parse/{}", task.id);
        let answer = call(
            &self.http,
            &self.settings.base_url,
            None,
            Method::GET,
            &path,
            None,
            Retry::Idempotent,
            Some(is_transient),
        )?;
        let data = self.expect_ok(answer, &task.id)?;
        Ok(task_status(&data, DIALECT.referer))
    }
}
