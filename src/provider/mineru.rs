//! MinerU cloud API v4 (`/api/v4`), and the MinerU dialect helpers shared with
//! the flash API and MinerU's clones: option bodies, status parsing, error codes.

use anyhow::{Context, Result};
use reqwest::Method;
use serde_json::{json, Map, Value};

use super::envelope::{number, Answer};
use super::{
    check_common, check_flags, check_formats, check_pages, check_size, BatchItem, BatchSubmitted,
    IdKind, Limits, Mode, Progress, Provider, ProviderInfo, ResultRef, SignedUpload, State,
    Submitted, TaskRef, TaskStatus, Upload,
};
use crate::config::{ProviderSettings, Secret};
use crate::error::{Error, Kind};
use crate::http::{Http, Retry};
use crate::input::Document;
use crate::options::ExtractOptions;

pub static INFO: ProviderInfo = ProviderInfo {
    name: "mineru",
    summary: "MinerU cloud API v4: full parse to markdown, images and JSON (key needed)",
    default_base_url: "https://mineru.net",
    key_env: &["MINERU_API_KEY", "MINERU_TOKEN"],
    mode: Mode::Async,
    upload: Some(Upload::SignedPut),
    urls: true,
    batch: false,
    formats: &["markdown", "json", "text"],
    extensions: &[
        "pdf", "doc", "docx", "ppt", "pptx", "png", "jpg", "jpeg", "html", "htm",
    ],
    limits: Limits {
        max_bytes: Some(200 * 1024 * 1024),
        max_pages: Some(600),
        max_batch: Some(200),
    },
    config_keys: &[],
};

/// The options the MinerU dialect (and its clones) can honour.
pub const MINERU_FLAGS: &[&str] = &[
    "--pages",
    "--ocr",
    "--no-formula",
    "--no-table",
    "--model",
    "--extra-format",
];

/// MinerU's CDN has refused result downloads without this Referer.
pub const REFERER: &str = "https://mineru.net/";

pub fn build(settings: ProviderSettings, http: Http) -> Box<dyn Provider> {
    Box::new(MinerU { settings, http })
}

pub struct MinerU {
    settings: ProviderSettings,
    http: Http,
}

impl MinerU {
    fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        retry: Retry,
    ) -> Result<Answer> {
        keyed_call(&INFO, &self.settings, &self.http, method, path, body, retry)
    }
}

/// [`call`] with the provider's key, or the missing-key error.
pub fn keyed_call(
    info: &ProviderInfo,
    settings: &ProviderSettings,
    http: &Http,
    method: Method,
    path: &str,
    body: Option<&Value>,
    retry: Retry,
) -> Result<Answer> {
    let key = settings.key_for(info)?;
    call(
        http,
        &settings.base_url,
        Some(key),
        method,
        path,
        body,
        retry,
    )
}

/// One JSON request to a MinerU-dialect API; the key goes only here, as a Bearer
/// token, and only when there is one.
pub fn call(
    http: &Http,
    base_url: &str,
    key: Option<&Secret>,
    method: Method,
    path: &str,
    body: Option<&Value>,
    retry: Retry,
) -> Result<Answer> {
    let url = format!("{base_url}{path}");
    let resp = http.send_busy(retry, try_again_later, |c| {
        let mut req = c
            .request(method.clone(), &url)
            .header("Accept", "application/json");
        if let Some(key) = key {
            req = req.bearer_auth(key.expose());
        }
        match body {
            Some(b) => req.json(b),
            None => req,
        }
    })?;
    read_answer(resp)
}

impl Provider for MinerU {
    fn info(&self) -> &'static ProviderInfo {
        &INFO
    }

    fn ready(&self) -> Result<(), Error> {
        self.settings.key_for(&INFO).map(|_| ())
    }

    fn check(&self, doc: &Document, opts: &ExtractOptions) -> Result<(), Error> {
        check_common(&INFO, doc, opts)?;
        check_size(
            &INFO,
            &self.settings,
            doc,
            "split the document, or select pages with --pages after splitting",
        )?;
        check_pages(
            &INFO,
            &self.settings,
            doc,
            opts,
            "split the document into parts",
        )?;
        check_formats(&INFO, opts)?;
        check_flags(&INFO, opts, MINERU_FLAGS)?;
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
        let answer = self.call(
            Method::POST,
            "/api/v4/extract/task",
            Some(&Value::Object(body)),
            Retry::Create,
        )?;
        let data = expect_ok(&INFO, answer, &doc.input)?;
        let task_id = Answer::str_field(&data, &["task_id", "taskId"])
            .context("mineru answered extract/task without a task_id")?;
        Ok(Submitted::Task {
            task: TaskRef::task(INFO.name, task_id),
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
            "/api/v4/extract/task/batch"
        } else {
            "/api/v4/file-urls/batch"
        };
        let subject = batch_subject(docs);
        let answer = self.call(
            Method::POST,
            path,
            Some(&Value::Object(body)),
            Retry::Create,
        )?;
        let data = expect_ok(&INFO, answer, &subject)?;
        batch_answer(&INFO, &data, docs)
    }

    fn batch_status(&self, batch_id: &str) -> Result<Vec<BatchItem>> {
        let path = format!("/api/v4/extract-results/batch/{batch_id}");
        let answer = self.call(Method::GET, &path, None, Retry::Idempotent)?;
        let data = expect_ok(&INFO, answer, batch_id)?;
        Ok(batch_items(&data, Some(REFERER)))
    }

    /// An unrecorded ID is a task ID or a batch ID (local uploads): ask for a task
    /// first, then for a batch.
    fn lookup(&self, id: &str) -> Result<TaskRef> {
        let task = TaskRef::task(INFO.name, id.to_string());
        match self.status(&task) {
            Ok(_) => Ok(task),
            Err(e) if super::is_not_found(&e) => Ok(TaskRef {
                kind: IdKind::Batch,
                ..task
            }),
            Err(e) => Err(e),
        }
    }

    fn status(&self, task: &TaskRef) -> Result<TaskStatus> {
        match task.kind {
            IdKind::Task => {
                let path = format!("/api/v4/extract/task/{}", task.id);
                let answer = self.call(Method::GET, &path, None, Retry::Idempotent)?;
                let data = expect_ok(&INFO, answer, &task.id)?;
                Ok(task_status(&data, Some(REFERER)))
            }
            IdKind::Batch => pick_item(self.batch_status(&task.id)?, task),
        }
    }
}

/// Reads a JSON answer (at most 16 MiB) whatever its status.
pub fn read_answer(resp: reqwest::blocking::Response) -> Result<Answer> {
    use std::io::Read;
    let status = resp.status().as_u16();
    let mut bytes = Vec::new();
    resp.take(16 * 1024 * 1024)
        .read_to_end(&mut bytes)
        .context("the answer was cut off")?;
    Ok(Answer::from_bytes(status, &bytes))
}

/// The fields common to every MinerU-dialect request body (snake_case).
pub fn option_fields(opts: &ExtractOptions) -> Map<String, Value> {
    let mut body = Map::new();
    body.insert("is_ocr".into(), json!(opts.ocr));
    body.insert("enable_formula".into(), json!(opts.formula));
    body.insert("enable_table".into(), json!(opts.table));
    if let Some(lang) = &opts.language {
        body.insert("language".into(), json!(lang));
    }
    body
}

/// `data_id`: at most 128 of `[A-Za-z0-9_.-]`, unique per content.
pub fn data_id(doc: &Document) -> String {
    let stem: String = doc
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "_.-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    format!("{stem}-{}", &doc.sha256[..12])
}

fn is_html(doc: &Document) -> bool {
    matches!(doc.ext.as_str(), "html" | "htm")
}

/// `--model` (or `model_version` in config) as MinerU's `model_version`; `.html`
/// inputs need `MinerU-HTML` and get it by default.
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
        (_, m) => Ok(m.map(str::to_string)),
    }
}

/// `--extra-format` values of the MinerU dialect (MinerU and its clones).
pub fn extra_formats(info: &ProviderInfo, opts: &ExtractOptions) -> Result<Vec<String>, Error> {
    opts.extra_formats
        .iter()
        .map(|f| {
            let f = f.to_ascii_lowercase();
            if ["docx", "html", "latex"].contains(&f.as_str()) {
                Ok(f)
            } else {
                Err(Error::usage(format!(
                    "--extra-format '{f}' is not offered by {}",
                    info.name
                ))
                .with_hint("choose from docx, html, latex"))
            }
        })
        .collect()
}

/// Turns a non-OK answer into the right typed error; returns `data` otherwise.
pub fn expect_ok(info: &ProviderInfo, answer: Answer, subject: &str) -> Result<Value> {
    if answer.is_ok() {
        return Ok(answer.data().clone());
    }
    Err(classify(info, &answer, subject).into())
}

/// MinerU's "try again later" codes (its SDK's list: service error -10001,
/// model unavailable -60007, queue full -60009): refusals before anything was
/// created, which the HTTP layer retries with backoff, creations included.
pub fn try_again_later(status: u16, body: &[u8]) -> bool {
    let answer = Answer::from_bytes(status, body);
    matches!(answer.code(), Some(-10001) | Some(-60007) | Some(-60009))
}

/// Maps MinerU-dialect failures onto docpipe's error kinds.
pub fn classify(info: &ProviderInfo, answer: &Answer, subject: &str) -> Error {
    let message = answer.message();
    let msg_code = answer
        .body
        .get("msgCode")
        .and_then(|v| v.as_str())
        .unwrap_or("");
    let code = answer.code();
    let detail = match (code, msg_code) {
        (_, m) if !m.is_empty() => format!("{message} ({m})"),
        (Some(c), _) if c != 0 => format!("{message} (code {c})"),
        _ => format!("{message} (HTTP {})", answer.http_status),
    };
    let key_var = info.key_env.first().copied().unwrap_or("the key variable");
    if answer.http_status == 401
        || matches!(msg_code, "A0202" | "A0211")
        || matches!(code, Some(-20002) | Some(-20011))
    {
        let expired = msg_code == "A0211" || code == Some(-20011);
        return Error::auth(format!(
            "{} rejected the API key{}: {detail}",
            info.name,
            if expired { " (expired)" } else { "" }
        ))
        .with_hint(format!("check {key_var} (or providers.{}.api_key in the config); create a new key if it expired", info.name));
    }
    if answer.http_status == 429
        || matches!(
            code,
            Some(-60009) | Some(-60018) | Some(-60019) | Some(-30004)
        )
    {
        return Error::quota(format!(
            "{}: {subject}: quota or rate limit reached: {detail}",
            info.name
        ))
        .with_hint("wait and run the command again");
    }
    match code {
        Some(-60002) | Some(-60004) | Some(-60005) | Some(-60006) | Some(-60021) | Some(-30002) => {
            Error::input(
                subject,
                format!("{} refused the document: {detail}", info.name),
            )
            .with_hint("check the file type, size and page count against `docpipe providers`")
        }
        Some(-60012) | Some(-60013) | Some(-30003) => Error::new(
            Kind::NotFound,
            format!("{}: no task or batch {subject}: {detail}", info.name),
        )
        .with_hint("check the ID, and that the same provider and key submitted it"),
        Some(-500) | Some(-10002) | Some(-30001) => Error::usage(format!(
            "{} rejected the request for {subject}: {detail}",
            info.name
        ))
        .with_hint("check the options (--pages, --language, --model, --extra-format)"),
        _ if answer.body.is_null() && answer.http_status >= 500 => Error::provider(format!(
            "{}: {subject}: the service failed: {detail}",
            info.name
        ))
        .with_hint("try again later"),
        _ => Error::provider(format!("{}: {subject}: {detail}", info.name))
            .with_hint("try again later; if it persists, check the provider's status page"),
    }
}

/// The state word of any MinerU dialect.
pub fn parse_state(text: &str) -> Option<State> {
    Some(match text {
        "waiting-file" => State::WaitingFile,
        "pending" => State::Pending,
        "running" => State::Running,
        "converting" => State::Converting,
        "done" => State::Done,
        "failed" => State::Failed,
        _ => return None,
    })
}

/// A task's status from its `data` (or one `extract_result` entry), in either
/// spelling: snake_case (v4) or camelCase (clones).
pub fn task_status(data: &Value, referer: Option<&str>) -> TaskStatus {
    let state_text = Answer::str_field(data, &["state"]).unwrap_or_default();
    let state = parse_state(&state_text).unwrap_or(State::Pending);
    let progress = data
        .get("extract_progress")
        .or_else(|| data.get("extractProgress"))
        .and_then(|p| {
            let done = p
                .get("extracted_pages")
                .or_else(|| p.get("extractedPages"))
                .and_then(number)?;
            let total = p
                .get("total_pages")
                .or_else(|| p.get("totalPages"))
                .and_then(number)?;
            Some(Progress {
                done: done.max(0) as u64,
                total: total.max(0) as u64,
            })
        });
    let zip = Answer::str_field(data, &["full_zip_url", "fullZipUrl"]);
    let markdown = Answer::str_field(data, &["markdown_url", "markdownUrl"]);
    let result = match (state, zip, markdown) {
        (State::Done, Some(url), _) => Some(ResultRef::Zip {
            url,
            referer: referer.map(str::to_string),
        }),
        (State::Done, None, Some(url)) => Some(ResultRef::Markdown {
            url,
            referer: referer.map(str::to_string),
        }),
        _ => None,
    };
    let error = Answer::str_field(data, &["err_msg", "errMsg"]);
    let state = match (state, &result) {
        // A "done" without any result URL cannot be fetched: treat it as failed.
        (State::Done, None) => {
            return TaskStatus {
                state: State::Failed,
                progress,
                result: None,
                error: Some(
                    error.unwrap_or_else(|| "done, but the answer has no result URL".into()),
                ),
                fault: None,
            }
        }
        (s, _) if state_text.is_empty() || parse_state(&state_text).is_some() => s,
        (s, _) => s,
    };
    TaskStatus {
        state,
        progress,
        result,
        error: if state == State::Failed {
            Some(error.unwrap_or_else(|| "failed without a reason".into()))
        } else {
            None
        },
        fault: None,
    }
}

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

/// The `files` list of a batch call: `url` or `name`, `data_id`, per-file options.
pub fn batch_files(docs: &[&Document], opts: &ExtractOptions, urls_only: bool) -> Vec<Value> {
    docs.iter()
        .map(|doc| {
            let mut file = Map::new();
            match doc.url() {
                Some(url) => file.insert("url".into(), json!(url)),
                None if !urls_only => file.insert("name".into(), json!(doc.file_name)),
                None => None,
            };
            file.insert("data_id".into(), json!(data_id(doc)));
            file.insert("is_ocr".into(), json!(opts.ocr));
            if let Some(p) = &opts.pages {
                file.insert("page_ranges".into(), json!(p.to_mineru()));
            }
            Value::Object(file)
        })
        .collect()
}

/// Names a batch in messages: its first input, and how many more.
pub fn batch_subject(docs: &[&Document]) -> String {
    match docs {
        [one] => one.input.clone(),
        [first, rest @ ..] => format!("{} (and {} more in the batch)", first.input, rest.len()),
        [] => "an empty batch".into(),
    }
}

/// `batch_id` and, for upload batches, the signed URL of each file (same order).
pub fn batch_answer(
    info: &ProviderInfo,
    data: &Value,
    docs: &[&Document],
) -> Result<BatchSubmitted> {
    let batch_id = Answer::str_field(data, &["batch_id", "batchId"])
        .with_context(|| format!("{} answered a batch call without a batch_id", info.name))?;
    let urls = data
        .get("file_urls")
        .or_else(|| data.get("fileUrls"))
        .and_then(Value::as_array);
    let mut items = Vec::with_capacity(docs.len());
    for (i, doc) in docs.iter().enumerate() {
        let upload = match (doc.is_url(), urls) {
            (true, _) => None,
            (false, Some(urls)) => {
                let url = urls.get(i).and_then(Value::as_str).with_context(|| {
                    format!(
                        "{} gave {} upload URLs for {} files",
                        info.name,
                        urls.len(),
                        docs.len()
                    )
                })?;
                SignedUpload::of(doc, url.to_string())
            }
            (false, None) => {
                anyhow::bail!("{} answered an upload batch without upload URLs", info.name)
            }
        };
        items.push((data_id(doc), upload));
    }
    Ok(BatchSubmitted { batch_id, items })
}

/// Every entry of a batch answer's `extract_result`.
pub fn batch_items(data: &Value, referer: Option<&str>) -> Vec<BatchItem> {
    data.get("extract_result")
        .or_else(|| data.get("extractResult"))
        .and_then(Value::as_array)
        .map(|results| {
            results
                .iter()
                .map(|r| BatchItem {
                    key: Answer::str_field(r, &["data_id", "dataId"]),
                    file_name: Answer::str_field(r, &["file_name", "fileName"]),
                    status: task_status(r, referer),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// One document's status in a batch, matched by its key (`data_id`), then by file
/// name; a batch of one needs no key. Not listed yet means its file is awaited.
pub fn pick_item(items: Vec<BatchItem>, task: &TaskRef) -> Result<TaskStatus> {
    let count = items.len();
    let found = match &task.item {
        Some(item) => items
            .into_iter()
            .find(|i| i.key.as_deref() == Some(item) || i.file_name.as_deref() == Some(item)),
        None if count == 1 => items.into_iter().next(),
        None => None,
    };
    match found {
        Some(i) => Ok(i.status),
        None if count == 0 => Ok(TaskStatus {
            state: State::WaitingFile,
            progress: None,
            result: None,
            error: None,
            fault: None,
        }),
        None => anyhow::bail!(
            "batch {} lists {count} documents and none is {}",
            task.id,
            task.item.as_deref().unwrap_or("the one asked for")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_in_both_spellings() {
        let v4 =
            json!({"state":"running","extract_progress":{"extracted_pages":3,"total_pages":12}});
        let s = task_status(&v4, Some(REFERER));
        assert_eq!(s.state, State::Running);
        assert_eq!(s.progress, Some(Progress { done: 3, total: 12 }));
        let clone = json!({"state":"done","fullZipUrl":"https://cdn/x.zip","markdownUrl":"https://cdn/x.md"});
        let s = task_status(&clone, Some(REFERER));
        assert_eq!(s.state, State::Done);
        assert!(matches!(s.result, Some(ResultRef::Zip { .. })));
    }

    #[test]
    fn done_without_url_is_failed() {
        let s = task_status(&json!({"state":"done"}), Some(REFERER));
        assert_eq!(s.state, State::Failed);
    }

    #[test]
    fn auth_answers_are_auth_errors() {
        let a = Answer::from_bytes(
            401,
            br#"{"traceId":"x","msgCode":"A0202","msg":"user authenticate failed"}"#,
        );
        let e = classify(&INFO, &a, "a.pdf");
        assert_eq!(e.exit_code(), 3);
        assert!(e.hint.unwrap().contains("MINERU_API_KEY"));
    }

    #[test]
    fn error_codes_map_to_kinds() {
        let code = |c: i64| {
            classify(
                &INFO,
                &Answer::from_bytes(200, format!(r#"{{"code":{c},"msg":"m"}}"#).as_bytes()),
                "x",
            )
            .exit_code()
        };
        assert_eq!(code(-60005), 4);
        assert_eq!(code(-60018), 7);
        assert_eq!(code(-10002), 2);
        assert_eq!(code(-60010), 5);
    }
}
