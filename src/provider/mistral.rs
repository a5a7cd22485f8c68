//! Mistral AI OCR (`/v1/ocr`): synchronous, markdown per page with optional images.
//!
//! Local files are uploaded to `/v1/files` (`purpose=ocr`, streamed from disk),
//! read back through a signed URL, and deleted afterwards, also when the OCR fails
//! or the run is interrupted: Mistral otherwise keeps them. Small PDFs and images
//! go inline as data URIs instead (`providers.mistral.inline_max_kb`, default 1024,
//! 0 to always upload). `/v1/ocr` rejects unknown fields, so the request carries
//! only fields of the spec's `OCRRequest`.
//!
//! `batch` sends many documents as one batch job instead (`mistral_batch.rs`,
//! `--batch-api`), at half the price.

use anyhow::{Context, Result};
use base64::Engine;
use reqwest::blocking::multipart::{Form, Part};
use reqwest::Method;
use serde_json::{json, Map, Value};

use super::api::{call, read_answer};
use super::envelope::{text_of, Answer};
use super::mistral_batch;
use super::{
    check_common, check_flags, check_formats, check_pages, check_size, setting, BatchItem,
    BatchSubmitted, IdKind, Limits, Mode, PageImage, PageSet, Provider, ProviderInfo, ResultRef,
    Submitted, TaskRef, TaskStatus, Upload,
};
use crate::config::{ProviderSettings, Secret};
use crate::error::{Error, Kind};
use crate::http::{Http, Retry};
use crate::input::Document;
use crate::options::BatchApi;
use crate::options::ExtractOptions;

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
    config_keys: &["inline_max_kb"],
    limits: Limits {
        max_bytes: Some(50 * 1024 * 1024),
        max_pages: Some(1000),
        max_batch: Some(mistral_batch::MAX_JOB_DOCS),
    },
};

pub const DEFAULT_MODEL: &str = "mistral-ocr-latest";
/// Local PDFs and images up to this size go inline as data URIs.
const DEFAULT_INLINE_KB: u64 = 1024;
/// Hours the signed URL of an uploaded file stays valid.
const URL_EXPIRY_HOURS: u32 = 24;

const FLAGS: &[&str] = &[
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

pub fn build(settings: ProviderSettings, http: Http) -> Box<dyn Provider> {
    Box::new(Mistral {
        settings,
        http,
        deleted: Default::default(),
    })
}

pub struct Mistral {
    pub(super) settings: ProviderSettings,
    pub(super) http: Http,
    /// Batch-job input files deleted by this process: each is deleted once,
    /// however many documents of the job are asked about.
    pub(super) deleted: std::sync::Mutex<std::collections::HashSet<String>>,
}

pub(super) fn is_image(ext: &str) -> bool {
    matches!(ext, "png" | "jpg" | "jpeg" | "webp" | "avif" | "gif")
}

pub(super) fn mime_of(ext: &str) -> &'static str {
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
pub(super) fn document_chunk(url: &str, ext: &str, name: Option<&str>) -> Value {
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
    pub(super) fn key(&self) -> Result<&Secret, Error> {
        INFO.key(&self.settings)
    }

    fn inline_max_bytes(&self) -> u64 {
        setting(&self.settings, "inline_max_kb")
            .and_then(toml::Value::as_integer)
            .map_or(DEFAULT_INLINE_KB, |kb| kb.max(0) as u64)
            * 1024
    }

    pub(super) fn json(
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

    /// Streams the file to `/v1/files` and returns its ID.
    fn upload(&self, doc: &Document, path: &std::path::Path) -> Result<String> {
        let upload = FileUpload {
            path,
            size: doc.size.unwrap_or(0),
            file_name: &doc.file_name,
            mime: mime_of(&doc.ext),
            purpose: "ocr",
        };
        self.upload_file(&upload, &doc.input)
    }

    /// Streams a file to `/v1/files` (multipart, with its length) and returns
    /// its ID.
    pub(super) fn upload_file(&self, up: &FileUpload, subject: &str) -> Result<String> {
        let key = self.key()?;
        let url = format!("{}/v1/files", self.settings.base_url);
        let resp = self.http.send_with(Retry::Create, |c| {
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
        Answer::str_field(&data, &["id"]).context("mistral answered the upload without a file id")
    }

    /// The model in use: `--model`, else the config's `model_version`, else
    /// Mistral's latest.
    pub(super) fn model(&self, opts: &ExtractOptions) -> String {
        opts.model
            .clone()
            .or_else(|| self.settings.table.model_version.clone())
            .unwrap_or_else(|| DEFAULT_MODEL.to_string())
    }

    /// The fields of an OCR request besides `model`: the document and the
    /// options. A batch job's lines carry exactly these (the job names the model).
    pub(super) fn ocr_body(&self, document: Value, opts: &ExtractOptions) -> Map<String, Value> {
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

    fn ocr(&self, doc: &Document, document: Value, opts: &ExtractOptions) -> Result<Value> {
        let mut body = Map::new();
        body.insert("model".into(), json!(self.model(opts)));
        body.extend(self.ocr_body(document, opts));
        // Billed and synchronous: sent again only when refused (429, 500,
        // 503); a lost answer is left to the rerun (see `Retry::Sync`).
        self.json(
            Method::POST,
            "/v1/ocr",
            Some(&Value::Object(body)),
            Retry::Sync,
            &doc.input,
        )
    }
}

/// A file to send to `/v1/files`.
pub(super) struct FileUpload<'a> {
    pub path: &'a std::path::Path,
    pub size: u64,
    pub file_name: &'a str,
    pub mime: &'static str,
    /// `ocr` for a document, `batch` for a job's requests (the spec's FilePurpose).
    pub purpose: &'static str,
}

/// Deletes an uploaded file; a failure is only a warning (the result is fine), but
/// it says which file is left so the user can delete it.
pub(super) fn delete_file(http: &Http, base_url: &str, key: &Secret, id: &str, input: &str) {
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
        eprintln!(
            "docpipe: warning: {input}: the copy uploaded to Mistral (file {id}) could not be deleted: {e:#}"
        );
        eprintln!("docpipe: hint: delete it in the Mistral console, or with DELETE /v1/files/{id}");
    }
}

impl Provider for Mistral {
    fn info(&self) -> &'static ProviderInfo {
        &INFO
    }

    fn ready(&self) -> Result<(), Error> {
        self.key().map(|_| ())
    }

    fn check(&self, doc: &Document, opts: &ExtractOptions) -> Result<(), Error> {
        check_common(&INFO, doc, opts)?;
        check_size(&INFO, &self.settings, doc, TOO_BIG)?;
        check_pages(&INFO, &self.settings, doc, opts, TOO_BIG)?;
        check_formats(&INFO, opts)?;
        check_flags(&INFO, opts, FLAGS)
    }

    fn submit(&self, doc: &Document, opts: &ExtractOptions) -> Result<Submitted> {
        let answer = match (doc.url(), doc.path()) {
            (Some(url), _) => {
                let chunk = document_chunk(url, &doc.ext, Some(&doc.file_name));
                self.ocr(doc, chunk, opts)?
            }
            (None, Some(path))
                if (doc.ext == "pdf" || is_image(&doc.ext))
                    && doc.size.unwrap_or(u64::MAX) <= self.inline_max_bytes() =>
            {
                let bytes = std::fs::read(path)
                    .with_context(|| format!("{}: cannot read the file", doc.input))?;
                let uri = format!(
                    "data:{};base64,{}",
                    mime_of(&doc.ext),
                    base64::engine::general_purpose::STANDARD.encode(bytes)
                );
                let chunk = document_chunk(&uri, &doc.ext, Some(&doc.file_name));
                self.ocr(doc, chunk, opts)?
            }
            (None, Some(path)) => {
                let id = self.upload(doc, path)?;
                // From here on the uploaded copy is deleted whatever happens: when
                // the guard is run or dropped (an error below), or on Ctrl-C.
                let cleanup = {
                    let (http, base, key) = (
                        self.http.clone(),
                        self.settings.base_url.clone(),
                        self.key()?.clone(),
                    );
                    let (id, input) = (id.clone(), doc.input.clone());
                    crate::interrupt::on_interrupt(move || {
                        delete_file(&http, &base, &key, &id, &input)
                    })
                };
                let signed = self.json(
                    Method::GET,
                    &format!("/v1/files/{id}/url?expiry={URL_EXPIRY_HOURS}"),
                    None,
                    Retry::Idempotent,
                    &doc.input,
                )?;
                let url = Answer::str_field(&signed, &["url"])
                    .context("mistral answered without a signed URL for the upload")?;
                let chunk = document_chunk(&url, &doc.ext, Some(&doc.file_name));
                let answer = self.ocr(doc, chunk, opts);
                cleanup.run();
                answer?
            }
            (None, None) => anyhow::bail!("{}: neither a file nor a URL", doc.input),
        };
        let want_images = opts.images || opts.full_result;
        let (set, skipped) = page_set(answer, want_images)
            .with_context(|| format!("{}: unexpected answer", doc.input))?;
        for why in skipped {
            eprintln!("docpipe: warning: {}: {why}; the text is kept", doc.input);
        }
        Ok(Submitted::Done(ResultRef::Pages(Box::new(set))))
    }

    fn status(&self, task: &TaskRef) -> Result<TaskStatus> {
        match task.kind {
            IdKind::Batch => mistral_batch::item_status(self, task),
            IdKind::Task => Err(super::no_tasks(&INFO, &task.id).into()),
        }
    }

    /// One group for every document a job can carry, in `batch` runs unless
    /// `--batch-api off` (`ocr` and `parse` answer at once).
    fn batch_group(&self, doc: &Document, opts: &ExtractOptions) -> Option<String> {
        (opts.batch_command
            && opts.batch_api != Some(BatchApi::Off)
            && mistral_batch::batchable(doc))
        .then(|| "ocr".to_string())
    }

    fn batch_min(&self, opts: &ExtractOptions) -> usize {
        mistral_batch::min_documents(opts)
    }

    fn batch_max_bytes(&self) -> Option<u64> {
        Some(mistral_batch::MAX_JOB_BYTES)
    }

    fn submit_batch(&self, docs: &[&Document], opts: &ExtractOptions) -> Result<BatchSubmitted> {
        mistral_batch::submit(self, docs, opts)
    }

    fn batch_status(&self, batch_id: &str) -> Result<Vec<BatchItem>> {
        mistral_batch::status(self, batch_id)
    }

    fn lookup(&self, id: &str) -> Result<TaskRef> {
        Err(super::no_tasks(&INFO, id).into())
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
pub(super) fn expect_ok(answer: Answer, subject: &str) -> Result<Value> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_go_as_image_or_document_chunks() {
        assert_eq!(
            document_chunk("https://x/a.png", "png", None),
            json!({"type":"image_url","image_url":"https://x/a.png"})
        );
        assert_eq!(
            document_chunk("https://x/a.pdf", "pdf", Some("a.pdf")),
            json!({"type":"document_url","document_url":"https://x/a.pdf","document_name":"a.pdf"})
        );
    }

    #[test]
    fn data_uris_decode_with_or_without_prefix() {
        assert_eq!(
            decode_data_uri("data:image/png;base64,AQID").unwrap(),
            vec![1, 2, 3]
        );
        assert_eq!(decode_data_uri("AQID").unwrap(), vec![1, 2, 3]);
        assert!(decode_data_uri("data:image/png;base64,@@").is_err());
    }

    #[test]
    fn pages_are_ordered_and_images_decoded() {
        let answer = json!({"pages":[
            {"index":1,"markdown":"two","images":[]},
            {"index":0,"markdown":"one ![img-0.jpeg](img-0.jpeg)","images":[
                {"id":"img-0.jpeg","image_base64":"data:image/jpeg;base64,AQID"},
                {"id":"img-1.jpeg","image_base64":null}]}
        ],"model":"m","usage_info":{"pages_processed":2}});
        let (set, skipped) = page_set(answer.clone(), true).unwrap();
        assert_eq!(set.markdown(), "one ![img-0.jpeg](img-0.jpeg)\n\ntwo\n");
        assert_eq!(set.images.len(), 1);
        assert_eq!(set.images[0].bytes, vec![1, 2, 3]);
        assert!(skipped.is_empty());
        let (set, _) = page_set(answer, false).unwrap();
        assert!(set.images.is_empty());
        let bad =
            json!({"pages":[{"index":0,"markdown":"x","images":[{"id":"i","image_base64":"@@"}]}]});
        let (set, skipped) = page_set(bad, true).unwrap();
        assert_eq!((set.pages.len(), skipped.len()), (1, 1));
    }

    #[test]
    fn errors_map_to_exit_codes() {
        let code = |status: u16, body: &str| {
            classify(&Answer::from_bytes(status, body.as_bytes()), "a.pdf").exit_code()
        };
        let err = r#"{"object":"error","message":"Unauthorized","type":"unauthorized","param":null,"code":"1001"}"#;
        assert_eq!(code(401, err), 3);
        assert_eq!(
            code(
                429,
                r#"{"object":"error","message":"Rate limit exceeded","type":"rate_limited","code":"1300"}"#
            ),
            7
        );
        assert_eq!(
            code(
                422,
                r#"{"detail":[{"loc":["body","pages"],"msg":"bad","type":"x"}]}"#
            ),
            2
        );
        assert_eq!(code(500, "oops"), 5);
        let e = classify(
            &Answer::from_bytes(422, br#"{"detail":[{"loc":["body","bogus"],"msg":"Extra inputs are not permitted","type":"extra_forbidden"}]}"#),
            "a.pdf",
        );
        assert!(
            e.message.contains("body.bogus: Extra inputs"),
            "{}",
            e.message
        );
    }
}
