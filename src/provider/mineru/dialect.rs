//! The MinerU dialect, shared by MinerU v4, its no-key flash API and its clones
//! (parse4ai): option fields, `data_id`, status and batch answers in either
//! spelling (snake_case or camelCase), and the error codes. Every function takes
//! the provider's own [`ProviderInfo`] where it names the provider, so a clone's
//! errors carry the clone's name.

use anyhow::{Context, Result};
use reqwest::Method;
use serde_json::{json, Map, Value};

use crate::config::ProviderSettings;
use crate::error::{Error, Kind};
use crate::http::{Http, Retry};
use crate::input::Document;
use crate::options::ExtractOptions;
use crate::provider::api::keyed_call;
use crate::provider::envelope::{number, Answer};
use crate::provider::{
    BatchItem, BatchSubmitted, IdKind, Progress, ProviderInfo, ResultRef, SignedUpload, State,
    TaskRef, TaskStatus,
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

/// What one provider speaking the dialect brings: its info (named in every
/// error), its table of error codes and the Referer its result host wants.
/// Everything else in this module is shared.
#[derive(Debug)]
pub struct Dialect {
    pub info: &'static ProviderInfo,
    /// Looked up in order; the first table that knows a code wins.
    pub codes: &'static [&'static [Code]],
    pub referer: Option<&'static str>,
}

/// A keyed MinerU-dialect API under its path prefix (MinerU v4 at `/api/v4`,
/// parse4ai at `/api/v1`): the calls they answer alike, written once. What
/// differs (request bodies, which creation path) stays in the provider's file.
pub struct KeyedApi<'a> {
    pub dialect: &'static Dialect,
    /// `/api/v4`, `/api/v1`: every path below is relative to it.
    pub prefix: &'static str,
    pub settings: &'a ProviderSettings,
    pub http: &'a Http,
}

impl KeyedApi<'_> {
    fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        retry: Retry,
    ) -> Result<Answer> {
        let path = format!("{}{path}", self.prefix);
        keyed_call(
            self.dialect.info,
            self.settings,
            self.http,
            method,
            &path,
            body,
            retry,
            Some(is_transient),
        )
    }

    /// A creation request (`Retry::Create`: never blindly repeated); its `data`.
    pub fn create(&self, path: &str, body: Map<String, Value>, subject: &str) -> Result<Value> {
        let answer = self.request(
            Method::POST,
            path,
            Some(&Value::Object(body)),
            Retry::Create,
        )?;
        expect_ok(self.dialect, answer, subject)
    }

    /// A task creation: the task ID, in either spelling.
    pub fn create_task(
        &self,
        path: &str,
        body: Map<String, Value>,
        subject: &str,
    ) -> Result<TaskRef> {
        let data = self.create(path, body, subject)?;
        let name = self.dialect.info.name;
        let id = Answer::str_field(&data, &["task_id", "taskId"])
            .with_context(|| format!("{name} answered {path} without a task ID"))?;
        Ok(TaskRef::task(name, id))
    }

    /// A batch creation for `docs`, in their order.
    pub fn create_batch(
        &self,
        path: &str,
        body: Map<String, Value>,
        docs: &[&Document],
    ) -> Result<BatchSubmitted> {
        let data = self.create(path, body, &batch_subject(docs))?;
        batch_answer(self.dialect.info, &data, docs)
    }

    /// Every document of a batch, in one request.
    pub fn batch_status(&self, batch_id: &str) -> Result<Vec<BatchItem>> {
        let path = format!("/extract-results/batch/{batch_id}");
        let answer = self.request(Method::GET, &path, None, Retry::Idempotent)?;
        let data = expect_ok(self.dialect, answer, batch_id)?;
        Ok(batch_items(&data, self.dialect.referer))
    }

    /// A task's status, or one document's inside its batch.
    pub fn status(&self, task: &TaskRef) -> Result<TaskStatus> {
        match task.kind {
            IdKind::Task => {
                let path = format!("/extract/task/{}", task.id);
                let answer = self.request(Method::GET, &path, None, Retry::Idempotent)?;
                let data = expect_ok(self.dialect, answer, &task.id)?;
                Ok(task_status(&data, self.dialect.referer))
            }
            IdKind::Batch => pick_item(self.batch_status(&task.id)?, task),
        }
    }

    /// An ID docpipe has no record of is a task ID or a batch ID: ask for a task
    /// first, then take it as a batch.
    pub fn lookup(&self, id: &str) -> Result<TaskRef> {
        let task = TaskRef::task(self.dialect.info.name, id.to_string());
        match self.status(&task) {
            Ok(_) => Ok(task),
            Err(e) if crate::provider::is_not_found(&e) => Ok(TaskRef {
                kind: IdKind::Batch,
                ..task
            }),
            Err(e) => Err(e),
        }
    }
}

/// What a MinerU-dialect failure means to docpipe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Busy or briefly down; nothing was created: the same request may be sent
    /// again after a pause (-10001, -60007, -60009).
    Transient,
    /// The key is missing, wrong or expired (exit 3).
    Auth,
    /// A quota or rate limit (exit 7).
    Quota,
    /// The document itself was refused (exit 4).
    Input,
    /// No such task or batch for this key (exit 2, and `status` writes nothing).
    NotFound,
    /// The request's options were refused (exit 2).
    BadRequest,
    /// Anything else, e.g. the document failed to parse (exit 5).
    Other,
}

/// One documented error code: its English meaning (MinerU's own messages are
/// often Chinese and pass through as they came) and what it means to docpipe.
#[derive(Debug, Clone, Copy)]
pub struct Code {
    pub code: i64,
    pub meaning: &'static str,
    pub class: Class,
}

const fn code(code: i64, meaning: &'static str, class: Class) -> Code {
    Code {
        code,
        meaning,
        class,
    }
}

/// Codes every MinerU-dialect API answers (MinerU's docs, parse4ai's table in
/// `seeds/001`, MinerU's Go SDK `errors.go`).
pub static COMMON_CODES: &[Code] = &[
    code(-500, "bad parameters or Content-Type", Class::BadRequest),
    code(-10001, "service error, try again later", Class::Transient),
    code(-10002, "bad request parameters", Class::BadRequest),
    code(-20002, "key not accepted", Class::Auth),
    code(-20011, "key expired", Class::Auth),
    code(-60002, "file type not recognised", Class::Input),
    code(-60003, "file could not be read", Class::Input),
    code(-60004, "empty file", Class::Input),
    code(-60005, "file too large", Class::Input),
    code(-60006, "too many pages", Class::Input),
    code(
        -60007,
        "model service temporarily unavailable",
        Class::Transient,
    ),
    code(
        -60008,
        "timed out reading the file at the URL",
        Class::Input,
    ),
    code(-60009, "task queue full, try again later", Class::Transient),
    code(-60010, "parsing failed", Class::Other),
    code(-60012, "task not found", Class::NotFound),
    code(-60013, "no permission for this task", Class::NotFound),
    code(
        -60015,
        "file conversion failed; converting it to PDF may help",
        Class::Other,
    ),
];

/// MinerU v4's own codes (`/api/v4`, providers.md).
pub static MINERU_CODES: &[Code] = &[
    code(-60001, "could not create the upload URL", Class::Other),
    code(-60011, "the file was not uploaded", Class::Other),
    code(-60016, "export to the extra format failed", Class::Other),
    code(-60017, "retry limit reached", Class::Other),
    code(-60018, "daily page limit reached", Class::Quota),
    code(-60019, "HTML page quota reached", Class::Quota),
    code(-60020, "file split failed", Class::Other),
    code(-60021, "page count could not be read", Class::Input),
    code(-60022, "web page could not be read", Class::Other),
];

/// MinerU's no-key flash API (`/api/v1/agent`).
pub static FLASH_CODES: &[Code] = &[
    code(-30001, "bad request parameters", Class::BadRequest),
    code(-30002, "document over the size or page limit", Class::Input),
    code(-30003, "task not found", Class::NotFound),
    code(-30004, "too many requests from this address", Class::Quota),
];

/// parse4ai's codes where they differ from MinerU's (`seeds/001`).
pub static PARSE4AI_CODES: &[Code] = &[code(
    -60017,
    "page balance used up; top up or upgrade the plan",
    Class::Quota,
)];

/// The gateway's `msgCode` answers (`{success:false, msgCode, msg}`).
static MSG_CODES: &[(&str, &str)] = &[("A0202", "key not accepted"), ("A0211", "key expired")];

impl Dialect {
    /// The documented meaning of a numeric code, if the dialect knows it.
    pub fn code(&self, code: i64) -> Option<&'static Code> {
        self.codes
            .iter()
            .find_map(|table| table.iter().find(|c| c.code == code))
    }
}

/// The one classification of a MinerU-dialect answer; `None` when it is a
/// success. Builds the errors below, and is what an HTTP layer can ask before
/// retrying (`Class::Transient`: nothing was created, send it again later).
pub fn class_of(dialect: &Dialect, answer: &Answer) -> Option<Class> {
    class_in(dialect.codes, answer)
}

/// [`class_of`] with the code tables alone (no provider named).
fn class_in(codes: &[&[Code]], answer: &Answer) -> Option<Class> {
    if answer.is_ok() {
        return None;
    }
    let msg_code = msg_code(answer);
    if answer.http_status == 401 || MSG_CODES.iter().any(|(c, _)| *c == msg_code) {
        return Some(Class::Auth);
    }
    if let Some(known) = answer.code().and_then(|c| {
        codes
            .iter()
            .find_map(|table| table.iter().find(|k| k.code == c))
    }) {
        return Some(known.class);
    }
    if answer.http_status == 429 {
        return Some(Class::Quota);
    }
    Some(Class::Other)
}

/// Whether an answer from any MinerU-dialect API (mineru, mineru-flash,
/// parse4ai) says "busy, send the same request again later": the transient
/// codes are the same in every table. For a retry layer that sees only bytes.
pub fn is_transient(http_status: u16, body: &[u8]) -> bool {
    class_in(&[COMMON_CODES], &Answer::from_bytes(http_status, body)) == Some(Class::Transient)
}

fn msg_code(answer: &Answer) -> &str {
    answer
        .body
        .get("msgCode")
        .and_then(|v| v.as_str())
        .unwrap_or("")
}

/// The provider's message with its code and, when the code is documented, the
/// code's English meaning: `找不到任务 (code -60012: task not found)`.
pub fn detail(dialect: &Dialect, answer: &Answer) -> String {
    let message = answer.message();
    let gloss = |meaning: &str| {
        // An English message that already says it needs no gloss.
        if message.to_lowercase().contains(&meaning.to_lowercase()) {
            String::new()
        } else {
            format!(": {meaning}")
        }
    };
    let msg_code = msg_code(answer);
    if !msg_code.is_empty() {
        let meaning = MSG_CODES
            .iter()
            .find(|(c, _)| *c == msg_code)
            .map(|(_, m)| gloss(m))
            .unwrap_or_default();
        return format!("{message} ({msg_code}{meaning})");
    }
    match answer.code() {
        Some(c) if c != 0 => {
            let meaning = dialect
                .code(c)
                .map(|k| gloss(k.meaning))
                .unwrap_or_default();
            format!("{message} (code {c}{meaning})")
        }
        _ => format!("{message} (HTTP {})", answer.http_status),
    }
}

/// Turns a non-OK answer into the right typed error; returns `data` otherwise.
pub fn expect_ok(dialect: &Dialect, answer: Answer, subject: &str) -> Result<Value> {
    if answer.is_ok() {
        return Ok(answer.data().clone());
    }
    Err(classify(dialect, &answer, subject).into())
}

/// Maps a MinerU-dialect failure onto docpipe's error kinds, naming the
/// provider that answered (never MinerU for a clone).
pub fn classify(dialect: &Dialect, answer: &Answer, subject: &str) -> Error {
    let info = dialect.info;
    let name = info.name;
    let detail = detail(dialect, answer);
    let key_var = info.key_env.first().copied().unwrap_or("the key variable");
    match class_of(dialect, answer).unwrap_or(Class::Other) {
        Class::Auth => {
            let expired = msg_code(answer) == "A0211" || answer.code() == Some(-20011);
            Error::auth(format!(
                "{name} rejected the API key{}: {detail}",
                if expired { " (expired)" } else { "" }
            ))
            .with_hint(format!("check {key_var} (or providers.{name}.api_key in the config); create a new key if it expired"))
        }
        Class::Quota => Error::quota(format!(
            "{name}: {subject}: quota or rate limit reached: {detail}"
        ))
        .with_hint("wait and run the command again"),
        // After the HTTP layer's retries: exit 5 like any provider failure, and
        // a rerun is safe since nothing was created.
        Class::Transient => Error::provider(format!(
            "{name}: {subject}: the service is busy or briefly unavailable: {detail}"
        ))
        .with_hint("nothing was created: wait a few minutes and run the same command again"),
        Class::Input => Error::input(subject, format!("{name} refused the document: {detail}"))
            .with_hint("check the file type, size and page count against `docpipe providers`"),
        Class::NotFound => Error::new(
            Kind::NotFound,
            format!("{name}: no task or batch {subject}: {detail}"),
        )
        .with_hint("check the ID, and that the same provider and key submitted it"),
        Class::BadRequest => Error::usage(format!(
            "{name} rejected the request for {subject}: {detail}"
        ))
        .with_hint("check the options (--pages, --language, --model, --extra-format)"),
        Class::Other if answer.body.is_null() && answer.http_status >= 500 => {
            Error::provider(format!("{name}: {subject}: the service failed: {detail}"))
                .with_hint("try again later")
        }
        Class::Other => Error::provider(format!("{name}: {subject}: {detail}"))
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
    use crate::provider::mineru::v4::{DIALECT, REFERER};
    use crate::provider::mineru::{flash as mineru_flash, parse4ai};

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
        let e = classify(&DIALECT, &a, "a.pdf");
        assert_eq!(e.exit_code(), 3);
        assert!(e.hint.unwrap().contains("MINERU_API_KEY"));
    }

    #[test]
    fn error_codes_map_to_kinds() {
        let code = |c: i64| {
            classify(
                &DIALECT,
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

    fn answer(status: u16, code: i64, msg: &str) -> Answer {
        Answer::from_bytes(
            status,
            json!({"code": code, "msg": msg, "data": null})
                .to_string()
                .as_bytes(),
        )
    }

    #[test]
    fn chinese_messages_get_their_english_meaning() {
        let e = classify(&DIALECT, &answer(200, -60012, "找不到任务"), "t-1");
        assert_eq!(e.exit_code(), 2);
        assert!(
            e.message
                .contains("找不到任务 (code -60012: task not found)"),
            "{}",
            e.message
        );
        let e = classify(&DIALECT, &answer(200, -60009, "任务提交队列已满"), "a.pdf");
        assert!(e
            .message
            .contains("任务提交队列已满 (code -60009: task queue full"));
        // An English message saying the same is not glossed twice.
        let e = classify(&DIALECT, &answer(200, -60012, "task not found"), "t-1");
        assert!(
            e.message.ends_with("task not found (code -60012)"),
            "{}",
            e.message
        );
        // Unknown codes pass through with their number.
        let e = classify(&DIALECT, &answer(200, -61234, "新错误"), "a.pdf");
        assert!(e.message.ends_with("新错误 (code -61234)"), "{}", e.message);
        let a = Answer::from_bytes(401, r#"{"msgCode":"A0211","msg":"令牌过期"}"#.as_bytes());
        let e = classify(&DIALECT, &a, "a.pdf");
        assert!(e.message.contains("(expired)"), "{}", e.message);
        assert!(
            e.message.contains("令牌过期 (A0211: key expired)"),
            "{}",
            e.message
        );
    }

    #[test]
    fn each_dialect_has_its_own_table() {
        // -60017 is MinerU's retry limit but parse4ai's used-up page balance.
        let mineru = classify(&DIALECT, &answer(200, -60017, "m"), "a.pdf");
        assert_eq!(mineru.exit_code(), 5);
        assert!(mineru.message.contains("retry limit"));
        let p4 = classify(
            &parse4ai::DIALECT,
            &answer(200, -60017, "页码余额不足"),
            "a.pdf",
        );
        assert_eq!(p4.exit_code(), 7);
        assert!(
            p4.message.contains("page balance used up"),
            "{}",
            p4.message
        );
        // The flash API's codes are its own.
        let flash = classify(&mineru_flash::DIALECT, &answer(200, -30004, "m"), "a.pdf");
        assert_eq!(flash.exit_code(), 7);
        assert_eq!(DIALECT.code(-30004).map(|c| c.class), None);
        // No code is listed twice in one table with different meanings.
        for table in [COMMON_CODES, MINERU_CODES, FLASH_CODES, PARSE4AI_CODES] {
            for (i, c) in table.iter().enumerate() {
                assert!(
                    table[i + 1..].iter().all(|d| d.code != c.code),
                    "{} twice",
                    c.code
                );
            }
        }
    }

    #[test]
    fn one_classification_for_every_answer() {
        let cases: &[(u16, &str, Option<Class>)] = &[
            (200, r#"{"code":0,"data":{}}"#, None),
            (200, r#"{"code":-10001,"msg":"m"}"#, Some(Class::Transient)),
            (200, r#"{"code":-60007,"msg":"m"}"#, Some(Class::Transient)),
            (200, r#"{"code":-60009,"msg":"m"}"#, Some(Class::Transient)),
            (401, r#"{"msgCode":"A0202","msg":"m"}"#, Some(Class::Auth)),
            (200, r#"{"code":-20002,"msg":"m"}"#, Some(Class::Auth)),
            (429, "too many", Some(Class::Quota)),
            (200, r#"{"code":-60018,"msg":"m"}"#, Some(Class::Quota)),
            (200, r#"{"code":-60005,"msg":"m"}"#, Some(Class::Input)),
            (200, r#"{"code":-60012,"msg":"m"}"#, Some(Class::NotFound)),
            (400, r#"{"code":-10002,"msg":"m"}"#, Some(Class::BadRequest)),
            (200, r#"{"code":-60010,"msg":"m"}"#, Some(Class::Other)),
            (502, "<html>bad gateway</html>", Some(Class::Other)),
        ];
        for (status, body, want) in cases {
            let got = class_of(&DIALECT, &Answer::from_bytes(*status, body.as_bytes()));
            assert_eq!(got, *want, "{status} {body}");
            assert_eq!(
                is_transient(*status, body.as_bytes()),
                *want == Some(Class::Transient),
                "{status} {body}"
            );
        }
        // A transient answer after the retries: a provider failure (exit 5).
        let e = classify(&DIALECT, &answer(200, -60009, "任务提交队列已满"), "a.pdf");
        assert_eq!(e.exit_code(), 5);
        assert!(e.hint.unwrap().contains("nothing was created"));
    }

    /// A clone's errors carry its own name and key variable, never MinerU's.
    #[test]
    fn a_clone_never_names_mineru() {
        let mut answers: Vec<Answer> = [COMMON_CODES, MINERU_CODES, FLASH_CODES, PARSE4AI_CODES]
            .iter()
            .flat_map(|t| t.iter())
            .map(|c| answer(200, c.code, "错误"))
            .collect();
        answers.push(Answer::from_bytes(401, br#"{"msgCode":"A0202","msg":"x"}"#));
        answers.push(Answer::from_bytes(429, b"slow down"));
        answers.push(Answer::from_bytes(500, b""));
        for a in &answers {
            let e = classify(&parse4ai::DIALECT, a, "https://x.test/a.pdf");
            let text = format!("{} {}", e.message, e.hint.clone().unwrap_or_default());
            assert!(!text.to_lowercase().contains("mineru"), "{text}");
            assert!(text.contains("parse4ai"), "{text}");
        }
        let e = classify(&parse4ai::DIALECT, &answer(200, -20002, "Token 错误"), "a");
        assert!(e.hint.unwrap().contains("PARSE4AI_API_KEY"));
    }
}
