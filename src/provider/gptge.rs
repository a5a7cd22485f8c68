//! gpt.ge task OCR (`POST /task/pic/ocr`, `GET /task/{task_id}`): a multipart
//! form with the file (streamed) or its URL; the task is polled until `state` 1,
//! and the result file (txt, pdf, docx, xlsx, pptx) is downloaded from its own
//! host without the key.
//!
//! `--format markdown` (the default) is served as gpt.ge's `txt`: the service has
//! no markdown, and plain text is what its markdown would hold. `--language` takes
//! docpipe's short codes (`en`, `ch`, …) or gpt.ge's own case-sensitive names
//! (`English`, `ChinesePRC`, `Digits`), comma-separated. A document password comes
//! from `GPTGE_DOC_PASSWORD` or `providers.gptge.password`, never from a flag,
//! which other users could read in `ps`.

use anyhow::{Context, Result};
use reqwest::blocking::multipart::{Form, Part};
use reqwest::Method;
use serde_json::Value;

use super::api::read_answer;
use super::envelope::{number, Answer};
use super::{
    check_info, setting, Limits, Mode, Progress, Provider, ProviderInfo, ResultRef, State,
    Submitted, TaskRef, TaskStatus, Upload,
};
use crate::config::{ProviderSettings, Secret};
use crate::error::{Error, Kind};
use crate::http::{Http, Retry};
use crate::input::Document;
use crate::options::{ExtractOptions, Format};

pub static INFO: ProviderInfo = ProviderInfo {
    name: "gptge",
    summary:
        "gpt.ge task OCR: text, or pdf/docx/xlsx/pptx files of documents and images (key needed)",
    default_base_url: "https://api.gpt.ge",
    key_env: &["GPTGE_API_KEY"],
    mode: Mode::Async,
    upload: Some(Upload::Multipart),
    urls: true,
    formats: &["markdown", "text", "pdf", "docx", "xlsx", "pptx"],
    extensions: &[
        "pdf", "ppt", "pptx", "xls", "xlsx", "doc", "docx", "jpeg", "jpg", "png", "gif", "bmp",
    ],
    flags: &["--ocr"],
    too_big: "split the document, or compress it",
    config_example: "# Password of protected documents (at most 32 characters). Env: GPTGE_DOC_PASSWORD.\n# Kept out of flags so it never shows in `ps`.\n# password = \"...\"\n",
    config_keys: &["password"],
    preference: Some(5),
    price: None,
    batch_share: None,
    env: &[(
        PASSWORD_ENV,
        "password of protected documents sent to gptge (never a flag)",
    )],
    limits: Limits {
        max_bytes: None,
        max_pages: None,
        max_batch: None,
    },
};

/// The environment variable holding a document password.
/// gpt.ge's document password variable (declared with the others in `config::var`).
/// gpt.ge's document password (kept out of flags so it never shows in `ps`).
pub const PASSWORD_ENV: &str = "GPTGE_DOC_PASSWORD";

/// docpipe's (MinerU-style) language codes and gpt.ge's names for them.
const LANGUAGES: &[(&str, &str)] = &[
    ("en", "English"),
    ("ch", "ChinesePRC"),
    ("zh", "ChinesePRC"),
    ("zh-cn", "ChinesePRC"),
    ("chinese_cht", "ChineseTaiwan"),
    ("zh-tw", "ChineseTaiwan"),
    ("japan", "Japanese"),
    ("ja", "Japanese"),
    ("korean", "Korean"),
    ("ko", "Korean"),
    ("de", "German"),
    ("fr", "French"),
    ("es", "Spanish"),
    ("it", "Italian"),
    ("ru", "Russian"),
    ("digits", "Digits"),
];

pub fn build(settings: ProviderSettings, http: Http) -> Box<dyn Provider> {
    let password = crate::config::process_env(PASSWORD_ENV).or_else(|| {
        setting(&settings, "password")
            .and_then(toml::Value::as_str)
            .map(str::to_string)
    });
    Box::new(GptGe {
        settings,
        http,
        password: password.map(Secret::new),
    })
}

pub struct GptGe {
    settings: ProviderSettings,
    http: Http,
    password: Option<Secret>,
}

/// gpt.ge's `format` for docpipe's `--format`.
pub fn format_field(format: &Format) -> &str {
    match format {
        Format::Markdown | Format::Text => "txt",
        other => other.name(),
    }
}

/// `--language` as gpt.ge's comma-separated, case-sensitive names.
pub fn language_field(text: &str) -> Result<String, Error> {
    let mut names = Vec::new();
    for word in text.split(',').map(str::trim).filter(|w| !w.is_empty()) {
        let lower = word.to_ascii_lowercase();
        if let Some((_, name)) = LANGUAGES.iter().find(|(code, _)| *code == lower) {
            names.push(name.to_string());
        } else if word.starts_with(|c: char| c.is_ascii_uppercase()) {
            // One of gpt.ge's own names: passed through as written.
            names.push(word.to_string());
        } else {
            return Err(Error::usage(format!(
                "--language '{word}' is not a language gpt.ge knows"
            ))
            .with_hint(
                "use en, ch, zh-tw, ja, ko, de, fr, es, it, ru, or gpt.ge's own case-sensitive names such as English,ChinesePRC,Digits",
            ));
        }
    }
    Ok(names.join(","))
}

impl GptGe {
    fn key(&self) -> Result<&Secret, Error> {
        INFO.key(&self.settings)
    }

    fn fields(&self, opts: &ExtractOptions) -> Result<Vec<(&'static str, String)>> {
        let mut fields = vec![("format", format_field(&opts.format).to_string())];
        if let Some(lang) = &opts.language {
            fields.push(("language", language_field(lang)?));
        }
        if let Some(p) = &self.password {
            fields.push(("password", p.expose().to_string()));
        }
        Ok(fields)
    }
}

impl Provider for GptGe {
    fn info(&self) -> &'static ProviderInfo {
        &INFO
    }

    fn settings(&self) -> &ProviderSettings {
        &self.settings
    }

    fn ready(&self) -> Result<(), Error> {
        self.key()?;
        if let Some(p) = &self.password {
            if p.expose().chars().count() > 32 {
                return Err(Error::usage(
                    "the gpt.ge document password is longer than 32 characters",
                )
                .with_hint(format!("check {PASSWORD_ENV} or providers.gptge.password")));
            }
        }
        Ok(())
    }

    fn check(&self, doc: &Document, opts: &ExtractOptions) -> Result<(), Error> {
        if opts.format == Format::Json {
            return Err(
                Error::usage("--format json is not offered by gptge").with_hint(format!(
                    "choose from {} (markdown is served as plain text)",
                    INFO.formats.join(", ")
                )),
            );
        }
        check_info(&INFO, &self.settings, doc, opts)?;
        if let Some(lang) = &opts.language {
            language_field(lang)?;
        }
        if let Some(url) = doc.url() {
            let port = reqwest::Url::parse(url)
                .ok()
                .and_then(|u| u.port_or_known_default());
            if !matches!(port, Some(80) | Some(443)) {
                return Err(Error::input(
                    &doc.input,
                    "gpt.ge fetches URLs on ports 80 and 443 only",
                )
                .with_hint("publish the document on a standard port, or pass the file itself"));
            }
        }
        Ok(())
    }

    fn submit(&self, doc: &Document, opts: &ExtractOptions) -> Result<Submitted> {
        let key = self.key()?;
        let fields = self.fields(opts)?;
        let url = format!("{}/task/pic/ocr", self.settings.base_url);
        let resp = self.http.send_with(Retry::Create, |c| {
            let mut form = Form::new();
            match (doc.url(), doc.path()) {
                (Some(u), _) => form = form.text("image_url", u.to_string()),
                (None, Some(path)) => {
                    let size = doc.size.unwrap_or(0);
                    let part = Part::reader_with_length(crate::transfer::LazyFile::new(path), size)
                        .file_name(doc.file_name.clone());
                    form = form.part("image_file", part);
                }
                (None, None) => anyhow::bail!("{}: neither a file nor a URL", doc.input),
            }
            for (name, value) in &fields {
                form = form.text(*name, value.clone());
            }
            let mut req = c
                .post(&url)
                .bearer_auth(key.expose())
                .header("Accept", "application/json")
                .multipart(form);
            if let Some(size) = doc.size {
                req = req.timeout(self.http.transfer_timeout(size));
            }
            Ok(req)
        })?;
        let data = expect_ok(read_answer(resp)?, &doc.input)?;
        let task_id = Answer::str_field(&data, &["task_id", "taskId"])
            .context("gpt.ge answered without a task_id")?;
        Ok(Submitted::Task {
            task: TaskRef::task(INFO.name, task_id),
            upload: None,
        })
    }

    fn status(&self, task: &TaskRef) -> Result<TaskStatus> {
        let key = self.key()?;
        let answer = super::api::call(
            &self.http,
            &self.settings.base_url,
            Some(key),
            Method::GET,
            &format!("/task/{}", task.id),
            None,
            Retry::Idempotent,
            None,
        )?;
        let data = expect_ok(answer, &task.id)?;
        Ok(task_status(&data))
    }

    /// An unrecorded ID is checked with the service, so a wrong one is reported
    /// as unknown rather than polled.
    fn lookup(&self, id: &str) -> Result<TaskRef> {
        let task = TaskRef::task(INFO.name, id.to_string());
        self.status(&task)?;
        Ok(task)
    }
}

/// What a negative `state` means, and whether the document itself was refused.
fn failure(state: i64) -> (&'static str, Option<Kind>) {
    match state {
        -2 => ("the service could not store the result", None),
        -3 => ("the service could not download the source URL", None),
        -5 => ("the file is too large", Some(Kind::Input)),
        -7 => ("not a valid file of a supported type", Some(Kind::Input)),
        -8 => ("timed out at the service", None),
        _ => ("failed", None),
    }
}

pub fn task_status(data: &Value) -> TaskStatus {
    let state = data.get("state").and_then(number).unwrap_or(0);
    let detail = Answer::str_field(data, &["state_detail"]);
    let progress = match (
        data.get("ocr_pages").and_then(number),
        data.get("file_pages").and_then(number),
    ) {
        (Some(done), Some(total)) if total > 0 => Some(Progress {
            done: done.max(0) as u64,
            total: total as u64,
        }),
        _ => None,
    };
    let mut status = TaskStatus {
        state: match state {
            1 => State::Done,
            4 => State::Running,
            s if s < 0 => State::Failed,
            _ => State::Pending,
        },
        progress,
        result: None,
        error: None,
        fault: None,
    };
    match status.state {
        State::Done => match Answer::str_field(data, &["file"]) {
            Some(url) => {
                status.result = Some(ResultRef::File {
                    ext: result_ext(&url),
                    url,
                })
            }
            None => {
                status.state = State::Failed;
                status.error = Some("done, but the answer has no result file".into());
            }
        },
        State::Failed => {
            let (what, fault) = failure(state);
            status.error = Some(match detail {
                Some(d) => format!("{what}: {d} (state {state})"),
                None => format!("{what} (state {state})"),
            });
            status.fault = fault;
        }
        _ => {}
    }
    status
}

/// The result file's extension, from its URL (`…/a695….txt`); `txt` when absent.
fn result_ext(url: &str) -> String {
    let path = reqwest::Url::parse(url)
        .map(|u| u.path().to_string())
        .unwrap_or_default();
    let name = path.rsplit('/').next().unwrap_or("");
    match name.rsplit_once('.') {
        Some((_, ext))
            if !ext.is_empty()
                && ext.len() <= 5
                && ext.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            ext.to_ascii_lowercase()
        }
        _ => "txt".to_string(),
    }
}

/// `data` of a successful answer; the typed error otherwise. gpt.ge answers
/// `{status: 200, data}`; errors come as HTTP statuses, and may repeat the status
/// in the body.
fn expect_ok(answer: Answer, subject: &str) -> Result<Value> {
    let body_status = answer.body.get("status").and_then(number);
    let ok = (200..300).contains(&answer.http_status)
        && !answer.body.is_null()
        && body_status.is_none_or(|s| s == 200)
        && answer.data().is_object();
    if ok {
        return Ok(answer.data().clone());
    }
    let status = match body_status {
        Some(s) if (200..300).contains(&answer.http_status) && s != 200 => s as u16,
        _ => answer.http_status,
    };
    Err(classify(status, &answer, subject).into())
}

fn classify(status: u16, answer: &Answer, subject: &str) -> Error {
    let detail = format!("{} (HTTP {status})", answer.message());
    match status {
        401 | 403 => Error::auth(format!("gpt.ge rejected the API key: {detail}"))
            .with_hint("check GPTGE_API_KEY (or providers.gptge.api_key in the config)"),
        400 => Error::usage(format!("gpt.ge rejected the request for {subject}: {detail}"))
            .with_hint("check --format, --language (case-sensitive names such as English, ChinesePRC) and the document password"),
        404 => Error::new(Kind::NotFound, format!("gpt.ge has no task {subject}: {detail}"))
            .with_hint("check the ID, and that the same key submitted it"),
        413 => Error::input(subject, format!("gpt.ge refused the document as too large: {detail}"))
            .with_hint("split the document, or compress it"),
        429 => Error::quota(format!("gpt.ge: {subject}: over the request rate limit: {detail}"))
            .with_hint("wait and run the command again, or lower --concurrency"),
        s if s >= 500 => Error::provider(format!("gpt.ge: {subject}: the service failed: {detail}"))
            .with_hint("try again later"),
        _ => Error::provider(format!("gpt.ge: {subject}: unexpected answer: {detail}"))
            .with_hint("try again later"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn any_answer_is_read_without_panicking() {
        for answer in crate::provider::robustness::any_answers(0x0dd_ba11, 3000) {
            let _ = task_status(&answer.data().clone());
        }
    }

    #[test]
    fn languages_map_codes_and_pass_names_through() {
        assert_eq!(language_field("en").unwrap(), "English");
        assert_eq!(
            language_field("ch,en,Digits").unwrap(),
            "ChinesePRC,English,Digits"
        );
        assert_eq!(language_field("ChineseTaiwan").unwrap(), "ChineseTaiwan");
        assert_eq!(language_field("xx").unwrap_err().exit_code(), 2);
    }

    #[test]
    fn formats_map_to_service_names() {
        assert_eq!(format_field(&Format::Markdown), "txt");
        assert_eq!(format_field(&Format::Text), "txt");
        assert_eq!(format_field(&Format::Other("docx".into())), "docx");
    }

    #[test]
    fn states_map_to_docpipe_states() {
        let s = task_status(&json!({"state": 4, "ocr_pages": 1, "file_pages": 3}));
        assert_eq!(s.state, State::Running);
        assert_eq!(s.progress, Some(Progress { done: 1, total: 3 }));
        for q in [0, 2, 3] {
            assert_eq!(task_status(&json!({ "state": q })).state, State::Pending);
        }
        let s = task_status(&json!({"state": 1, "file": "https://oss.example/out/a.DOCX?sig=1"}));
        assert_eq!(
            s.result,
            Some(ResultRef::File {
                url: "https://oss.example/out/a.DOCX?sig=1".into(),
                ext: "docx".into()
            })
        );
        let s = task_status(&json!({"state": -5, "state_detail": "File too large"}));
        assert_eq!((s.state, s.fault), (State::Failed, Some(Kind::Input)));
        assert!(s.error.unwrap().contains("File too large"));
        let s = task_status(&json!({"state": -1}));
        assert_eq!((s.state, s.fault), (State::Failed, None));
        assert_eq!(task_status(&json!({"state": 1})).state, State::Failed);
    }
}
