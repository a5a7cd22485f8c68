//! The Mistral API as docpipe speaks it, whichever way a document goes (one
//! `/v1/ocr` call or a batch job): the service's info and limits, keyed
//! requests, file uploads and deletions, and how its answers read.

use anyhow::{Context, Result};
use base64::Engine;
use reqwest::blocking::multipart::{Form, Part};
use reqwest::Method;
use serde_json::{json, Map, Value};

use crate::config::{ProviderSettings, Secret};
use crate::error::{Error, Kind};
use crate::http::{Http, Retry};
use crate::options::ExtractOptions;
use crate::provider::api::{call, read_answer};
use crate::provider::envelope::{text_of, Answer};
use crate::provider::{Limits, Mode, PageImage, PageSet, ProviderInfo, Published, Upload};

/// Documents in one batch job (`[providers.mistral] max_batch` overrides it).
pub const MAX_JOB_DOCS: usize = 1000;

/// Bytes of local documents in one batch job. Inline as base64 they grow by a
/// third, so a full job's JSONL stays near 270 MB: under the 512 MB that
/// `/v1/files` takes, with room to spare, and one failed upload costs little to
/// redo.
pub const MAX_JOB_BYTES: u64 = 200 * 1024 * 1024;

pub(crate) const FLAGS: &[&str] = &[
    "--pages",
    "--ocr",
    "--model",
    "--table-format",
    "--extract-header",
    "--extract-footer",
    "--images",
    "--batch-api",
];

const TOO_BIG: &str =
    "split the document (Mistral takes up to 50 MB and 1,000 pages), or select pages with --pages";

pub static INFO: ProviderInfo = ProviderInfo {
    name: "mistral",
    summary: "Mistral AI OCR: markdown per page, images and the JSON answer, at once (key needed)",
    default_base_url: "https://api.mistral.ai",
    key_env: &["MISTRAL_API_KEY"],
    mode: Mode::Sync,
    upload: Some(Upload::Multipart),
    urls: true,
    formats: &["markdown", "json"],
    extensions: &["pdf", "docx", "pptx", "png", "jpg", "jpeg", "webp", "avif"],
    flags: FLAGS,
    too_big: TOO_BIG,
    config_example: "# OCR model; --model overrides it. Default mistral-ocr-latest.\n# model_version = \"mistral-ocr-latest\"\n# Local PDFs and images up to this many KB go inline as data URIs; larger files\n# (and Office files) are uploaded to /v1/files and deleted after the OCR.\n# 0 = always upload.\n# inline_max_kb = 1024\n# A batch job (`batch --batch-api`) also holds at most 200 MB of local files.\n",
    config_keys: &["inline_max_kb"],
    preference: Some(2),
    price: Some(Published {
        per_1000_pages: 4.0,
        currency: "USD",
        source: "Mistral OCR 4 list price as published 2026-06-23 ($4 per 1,000 pages; $2 through batch jobs)",
    }),
    batch_share: Some(0.5),
    env: &[],
    limits: Limits {
        max_bytes: Some(50 * 1024 * 1024),
        max_pages: Some(1000),
        max_batch: Some(MAX_JOB_DOCS),
    },
};

pub const DEFAULT_MODEL: &str = "mistral-ocr-latest";

pub struct Mistral {
    pub(crate) settings: ProviderSettings,
    pub(crate) http: Http,
    /// Batch-job input files deleted by this process: each is deleted once,
    /// however many documents of the job are asked about.
    pub(crate) deleted: std::sync::Mutex<std::collections::HashSet<String>>,
}

pub(crate) fn is_image(ext: &str) -> bool {
    matches!(ext, "png" | "jpg" | "jpeg" | "webp" | "avif" | "gif")
}

pub(crate) fn mime_of(ext: &str) -> &'static str {
    match ext {
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "gif" => "image/gif",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _ => "application/octet-stream",
    }
}

/// The `document` of an OCR request for a URL (or data URI): images as
/// `image_url`, everything else as `document_url`.
pub(crate) fn document_chunk(url: &str, ext: &str, name: Option<&str>) -> Value {
    if is_image(ext) {
        json!({"type": "image_url", "image_url": url})
    } else {
        let mut chunk = json!({"type": "document_url", "document_url": url});
        if let Some(name) = name {
            chunk["document_name"] = json!(name);
        }
        chunk
    }
}

impl Mistral {
    pub(crate) fn key(&self) -> Result<&Secret, Error> {
        INFO.key(&self.settings)
    }

    pub(crate) fn json(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        retry: Retry,
        subject: &str,
    ) -> Result<Value> {
        let answer = call(
            &self.http,
            &self.settings.base_url,
            Some(self.key()?),
            method,
            path,
            body,
            retry,
            None,
        )?;
        expect_ok(answer, subject)
    }

    /// Streams a file to `/v1/files` (multipart, with its length) and returns
    /// its ID.
    ///
    /// A document's upload is sent once (as a creation: a lost answer is named,
    /// and the rerun decides). A batch job's requests file (`purpose` batch)
    /// creates no task and costs nothing, so it is retried like a read: its name
    /// is unique to this upload, and once one attempt is answered, the copies
    /// earlier attempts may have left are found by that name and deleted.
    pub(crate) fn upload_file(&self, up: &FileUpload, subject: &str) -> Result<String> {
        let key = self.key()?;
        let url = format!("{}/v1/files", self.settings.base_url);
        let retry = if up.purpose == "batch" {
            Retry::Idempotent
        } else {
            Retry::Create
        };
        let attempts = std::cell::Cell::new(0u32);
        let resp = self.http.send_with(retry, |c| {
            attempts.set(attempts.get() + 1);
            let part = Part::reader_with_length(crate::transfer::LazyFile::new(up.path), up.size)
                .file_name(up.file_name.to_string())
                .mime_str(up.mime)?;
            let form = Form::new().text("purpose", up.purpose).part("file", part);
            Ok(c.post(&url)
                .bearer_auth(key.expose())
                .header("Accept", "application/json")
                .timeout(self.http.transfer_timeout(up.size))
                .multipart(form))
        })?;
        let data = expect_ok(read_answer(resp)?, subject)?;
        let id = Answer::str_field(&data, &["id"])
            .context("mistral answered the upload without a file id")?;
        if attempts.get() > 1 && up.purpose == "batch" {
            self.delete_earlier_copies(up, &id, subject);
        }
        Ok(id)
    }

    /// Deletes the files named `up.file_name` other than `kept`: what attempts
    /// whose answers were lost left at Mistral. A failed listing is a warning.
    fn delete_earlier_copies(&self, up: &FileUpload, kept: &str, subject: &str) {
        let path = format!(
            "/v1/files?search={}&purpose={}&page_size=100",
            up.file_name, up.purpose
        );
        let listed = self.json(Method::GET, &path, None, Retry::Idempotent, subject);
        let files = match listed {
            Ok(v) => v
                .get("data")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
            Err(e) => {
                crate::messages::warn(&format!(
                    "{subject}: an upload was sent again after a lost answer, and the earlier copies could not be looked for: {e:#}\ndocpipe: hint: look for files named {} in the Mistral console",
                    up.file_name
                ));
                return;
            }
        };
        let Ok(key) = self.key() else { return };
        for f in files {
            let (Some(id), Some(name)) = (
                f.get("id").and_then(Value::as_str),
                f.get("filename").and_then(Value::as_str),
            ) else {
                continue;
            };
            if id != kept && name == up.file_name {
                delete_file(&self.http, &self.settings.base_url, key, id, subject);
            }
        }
    }

    /// The model in use: `--model`, else the config's `model_version`, else
    /// Mistral's latest.
    pub(crate) fn model(&self, opts: &ExtractOptions) -> String {
        opts.model
            .clone()
            .or_else(|| self.settings.table.model_version.clone())
            .unwrap_or_else(|| DEFAULT_MODEL.to_string())
    }

    /// The fields of an OCR request besides `model`: the document and the
    /// options. A batch job's lines carry exactly these (the job names the model).
    pub(crate) fn ocr_body(&self, document: Value, opts: &ExtractOptions) -> Map<String, Value> {
        let mut body = Map::new();
        body.insert("document".into(), document);
        if let Some(p) = &opts.pages {
            body.insert("pages".into(), json!(p.to_zero_based()));
        }
        if opts.images || opts.full_result {
            body.insert("include_image_base64".into(), json!(true));
        }
        if let Some(t) = &opts.table_format {
            body.insert("table_format".into(), json!(t));
        }
        if opts.extract_header {
            body.insert("extract_header".into(), json!(true));
        }
        if opts.extract_footer {
            body.insert("extract_footer".into(), json!(true));
        }
        body
    }
}

/// A file to send to `/v1/files`.
pub(crate) struct FileUpload<'a> {
    pub path: &'a std::path::Path,
    pub size: u64,
    /// Unique for a batch job's requests (earlier copies are found by it).
    pub file_name: &'a str,
    pub mime: &'static str,
    /// `ocr` for a document, `batch` for a job's requests (the spec's FilePurpose).
    pub purpose: &'static str,
}

/// Deletes an uploaded file; a failure is only a warning (the result is fine), but
/// it says which file is left so the user can delete it.
pub(crate) fn delete_file(http: &Http, base_url: &str, key: &Secret, id: &str, input: &str) {
    let result = call(
        http,
        base_url,
        Some(key),
        Method::DELETE,
        &format!("/v1/files/{id}"),
        None,
        Retry::Idempotent,
        None,
    )
    .and_then(|a| match a.http_status {
        // Gone already: an earlier attempt deleted it and its answer was lost.
        404 => Ok(()),
        _ => expect_ok(a, input).map(drop),
    });
    if let Err(e) = result {
        crate::messages::warn(&format!(
            "{input}: the copy uploaded to Mistral (file {id}) could not be deleted: {e:#}\ndocpipe: hint: delete it in the Mistral console, or with DELETE /v1/files/{id}"
        ));
    }
}

/// The pages (in index order) and, when wanted, the decoded images of an OCR
/// answer; images that do not decode are skipped and listed.
pub fn page_set(answer: Value, want_images: bool) -> Result<(PageSet, Vec<String>)> {
    let mut pages: Vec<(i64, String)> = Vec::new();
    let mut images = Vec::new();
    let mut skipped = Vec::new();
    let list = answer
        .get("pages")
        .and_then(Value::as_array)
        .context("the OCR answer has no pages")?;
    for (pos, page) in list.iter().enumerate() {
        let index = page
            .get("index")
            .and_then(Value::as_i64)
            .unwrap_or(pos as i64);
        let markdown = page
            .get("markdown")
            .and_then(Value::as_str)
            .unwrap_or_default();
        pages.push((index, markdown.to_string()));
        if !want_images {
            continue;
        }
        for image in page
            .get("images")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let (Some(id), Some(data)) = (
                image.get("id").and_then(Value::as_str),
                image.get("image_base64").and_then(Value::as_str),
            ) else {
                continue;
            };
            match decode_data_uri(data) {
                Ok(bytes) => images.push(PageImage {
                    name: id.to_string(),
                    bytes,
                }),
                Err(e) => skipped.push(format!("image {id} was not saved: {e:#}")),
            }
        }
    }
    pages.sort_by_key(|(i, _)| *i);
    let set = PageSet {
        pages: pages.into_iter().map(|(_, md)| md).collect(),
        images,
        answer,
    };
    Ok((set, skipped))
}

/// `data:image/jpeg;base64,AAAA` (or bare base64) to bytes.
pub fn decode_data_uri(data: &str) -> Result<Vec<u8>> {
    let payload = match data.strip_prefix("data:") {
        Some(rest) => rest
            .split_once(',')
            .map(|(_, b64)| b64)
            .context("a data URI without a comma")?,
        None => data,
    };
    let cleaned: String = payload.chars().filter(|c| !c.is_whitespace()).collect();
    Ok(base64::engine::general_purpose::STANDARD.decode(cleaned)?)
}

/// The answer's JSON on success; otherwise the typed error for Mistral's shapes:
/// `{"object":"error","message","type","code"}` and 422 `{"detail":[…]}`.
pub(crate) fn expect_ok(answer: Answer, subject: &str) -> Result<Value> {
    if (200..300).contains(&answer.http_status) && !answer.body.is_null() {
        return Ok(answer.body);
    }
    Err(classify(&answer, subject).into())
}

pub fn classify(answer: &Answer, subject: &str) -> Error {
    let body = &answer.body;
    let mut message = answer.message();
    if let Some(detail) = body.get("detail").and_then(Value::as_array) {
        // FastAPI validation: name the field too.
        let parts: Vec<String> = detail
            .iter()
            .map(|d| {
                let loc = d
                    .get("loc")
                    .and_then(Value::as_array)
                    .map(|l| {
                        l.iter()
                            .map(|p| p.as_str().map_or(p.to_string(), str::to_string))
                            .collect::<Vec<_>>()
                            .join(".")
                    })
                    .unwrap_or_default();
                let msg = text_of(d).unwrap_or_default();
                if loc.is_empty() {
                    msg
                } else {
                    format!("{loc}: {msg}")
                }
            })
            .collect();
        if !parts.is_empty() {
            message = parts.join("; ");
        }
    }
    let kind = body.get("type").and_then(Value::as_str).unwrap_or("");
    let code = body.get("code").and_then(|c| match c {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    });
    let mut detail = format!("{message} (HTTP {}", answer.http_status);
    if !kind.is_empty() {
        detail.push_str(&format!(", {kind}"));
    }
    if let Some(code) = code {
        detail.push_str(&format!(", code {code}"));
    }
    detail.push(')');
    match answer.http_status {
        401 | 403 => Error::auth(format!("mistral rejected the API key: {detail}")).with_hint(
            "check MISTRAL_API_KEY (or providers.mistral.api_key in the config); create a key at console.mistral.ai",
        ),
        402 => Error::quota(format!(
            "mistral: {subject}: payment required: {detail}"
        ))
        .with_hint("check the billing of your Mistral workspace in the Mistral console"),
        429 => Error::quota(format!(
            "mistral: {subject}: rate limit or quota reached: {detail}"
        ))
        .with_hint("wait and run the command again, or raise the limits of your Mistral plan"),
        422 => Error::usage(format!(
            "mistral rejected the request for {subject}: {detail}"
        ))
        .with_hint("check the options (--pages within the document, --model, --table-format)"),
        400 | 413 | 415 => Error::input(subject, format!("mistral refused the document: {detail}"))
            .with_hint("check the file type, size (50 MB) and page count (1,000)"),
        404 => Error::new(Kind::NotFound, format!("mistral: {subject}: not found: {detail}"))
            .with_hint("check the model name (--model) and the URL"),
        s if s >= 500 => Error::provider(format!("mistral: {subject}: the service failed: {detail}"))
            .with_hint("try again later"),
        _ => Error::provider(format!("mistral: {subject}: unexpected answer: {detail}"))
            .with_hint("try again later; if it persists, check status.mistral.ai"),
    }
}
