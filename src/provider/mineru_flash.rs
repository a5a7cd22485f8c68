//! MinerU's no-key "flash" agent API (`/api/v1/agent`): markdown only, small
//! documents, rate-limited per IP. The default when no key is configured.

use anyhow::{Context, Result};
use reqwest::Method;
use serde_json::{json, Map, Value};

use super::envelope::Answer;
use super::mineru::{check_formats, check_pages, expect_ok, read_answer, task_status, REFERER};
use super::{
    check_common, check_size, IdKind, Limits, Mode, Provider, ProviderInfo, SignedUpload,
    Submitted, TaskRef, TaskStatus, Upload,
};
use crate::config::ProviderSettings;
use crate::error::Error;
use crate::http::{Http, Retry};
use crate::input::Document;
use crate::options::ExtractOptions;

pub static INFO: ProviderInfo = ProviderInfo {
    name: "mineru-flash",
    summary: "MinerU flash API: markdown of small documents, no key needed",
    default_base_url: "https://mineru.net",
    key_env: &[],
    mode: Mode::Async,
    upload: Some(Upload::SignedPut),
    urls: true,
    batch: false,
    formats: &["markdown"],
    extensions: &["pdf", "doc", "docx", "ppt", "pptx", "png", "jpg", "jpeg"],
    limits: Limits {
        max_bytes: Some(10 * 1024 * 1024),
        max_pages: Some(20),
        max_batch: None,
    },
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
    fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        retry: Retry,
    ) -> Result<Answer> {
        let url = format!("{}{path}", self.settings.base_url);
        let resp = self.http.send(retry, |c| {
            let req = c
                .request(method.clone(), &url)
                .header("Accept", "application/json");
            match body {
                Some(b) => req.json(b),
                None => req,
            }
        })?;
        read_answer(resp)
    }

    fn expect_ok(&self, answer: Answer, subject: &str) -> Result<Value> {
        expect_ok(&INFO, answer, subject).map_err(|e| match e.downcast::<Error>() {
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

    fn ready(&self) -> Result<(), Error> {
        Ok(())
    }

    fn check(&self, doc: &Document, opts: &ExtractOptions) -> Result<(), Error> {
        check_common(&INFO, doc, opts)?;
        check_size(&INFO, &self.settings, doc, BIGGER)?;
        check_pages(&INFO, &self.settings, doc, opts, BIGGER)?;
        check_formats(&INFO, opts)?;
        if opts.model.is_some() || !opts.extra_formats.is_empty() {
            return Err(
                Error::usage("mineru-flash has no --model or --extra-format")
                    .with_hint("drop them, or use -p mineru with a key"),
            );
        }
        Ok(())
    }

    fn submit(&self, doc: &Document, opts: &ExtractOptions) -> Result<Submitted> {
        let mut body = Map::new();
        body.insert(
            "language".into(),
            json!(opts.language.as_deref().unwrap_or("ch")),
        );
        if let Some(p) = &opts.pages {
            body.insert("page_range".into(), json!(p.to_mineru()));
        }
        match doc.path() {
            Some(path) => {
                body.insert("file_name".into(), json!(doc.file_name));
                let answer = self.call(
                    Method::POST,
                    "/api/v1/agent/parse/file",
                    Some(&Value::Object(body)),
                    Retry::Create,
                )?;
                let data = self.expect_ok(answer, &doc.input)?;
                let task_id = Answer::str_field(&data, &["task_id", "taskId"])
                    .context("mineru-flash answered without a task_id")?;
                let url = Answer::str_field(&data, &["file_url", "fileUrl"])
                    .context("mineru-flash answered without an upload URL")?;
                Ok(Submitted::Task {
                    task: TaskRef {
                        provider: INFO.name.into(),
                        id: task_id,
                        kind: IdKind::Task,
                        item: None,
                    },
                    upload: Some(SignedUpload {
                        url,
                        path: path.to_path_buf(),
                        size: doc.size.unwrap_or(0),
                    }),
                })
            }
            None => {
                body.insert("url".into(), json!(doc.url().unwrap_or_default()));
                body.insert("is_ocr".into(), json!(opts.ocr));
                body.insert("enable_formula".into(), json!(opts.formula));
                body.insert("enable_table".into(), json!(opts.table));
                let answer = self.call(
                    Method::POST,
                    "/api/v1/agent/parse/url",
                    Some(&Value::Object(body)),
                    Retry::Create,
                )?;
                let data = self.expect_ok(answer, &doc.input)?;
                let task_id = Answer::str_field(&data, &["task_id", "taskId"])
                    .context("mineru-flash answered without a task_id")?;
                Ok(Submitted::Task {
                    task: TaskRef {
                        provider: INFO.name.into(),
                        id: task_id,
                        kind: IdKind::Task,
                        item: None,
                    },
                    upload: None,
                })
            }
        }
    }

    fn status(&self, task: &TaskRef) -> Result<TaskStatus> {
        let answer = self.call(
            Method::GET,
            &format!("/api/v1/agent/parse/{}", task.id),
            None,
            Retry::Idempotent,
        )?;
        let data = self.expect_ok(answer, &task.id)?;
        Ok(task_status(&data, REFERER))
    }
}
