//! Mistral AI OCR (`/v1/ocr`): synchronous, markdown per page with optional images.
//!
//! Local files are uploaded to `/v1/files` (`purpose=ocr`, streamed from disk),
//! read back through a signed URL, and deleted afterwards, also when the OCR fails
//! or the run is interrupted: Mistral otherwise keeps them. Small PDFs and images
//! go inline as data URIs instead (`providers.mistral.inline_max_kb`, default 1024,
//! 0 to always upload). `/v1/ocr` rejects unknown fields, so the request carries
//! only fields of the spec's `OCRRequest`.
//!
//! `batch` sends many documents as one batch job instead (`batch.rs`,
//! `--batch-api`), at half the price.

mod batch;
mod client;

use anyhow::{Context, Result};
use base64::Engine;
use reqwest::Method;
use serde_json::{json, Map, Value};

pub use client::{classify, decode_data_uri, page_set, Mistral, DEFAULT_MODEL, INFO};

use super::{
    setting, BatchItem, BatchSubmitted, IdKind, Provider, ProviderInfo, ResultRef, Submitted,
    TaskRef, TaskStatus,
};
use crate::config::ProviderSettings;
use crate::http::{Http, Retry};
use crate::input::Document;
use crate::options::BatchApi;
use crate::options::ExtractOptions;
use crate::provider::envelope::Answer;
use client::{delete_file, document_chunk, is_image, mime_of, FileUpload};

/// Local PDFs and images up to this size go inline as data URIs.
const DEFAULT_INLINE_KB: u64 = 1024;
/// Hours the signed URL of an uploaded file stays valid.
const URL_EXPIRY_HOURS: u32 = 24;

pub fn build(settings: ProviderSettings, http: Http) -> Box<dyn Provider> {
    Box::new(Mistral {
        settings,
        http,
        deleted: Default::default(),
    })
}

impl Mistral {
    fn inline_max_bytes(&self) -> u64 {
        setting(&self.settings, "inline_max_kb")
            .and_then(toml::Value::as_integer)
            .map_or(DEFAULT_INLINE_KB, |kb| kb.max(0) as u64)
            * 1024
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

impl Provider for Mistral {
    fn info(&self) -> &'static ProviderInfo {
        &INFO
    }

    fn settings(&self) -> &ProviderSettings {
        &self.settings
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
            crate::messages::warn(&format!("{}: {why}; the text is kept", doc.input));
        }
        Ok(Submitted::Done(ResultRef::Pages(Box::new(set))))
    }

    fn status(&self, task: &TaskRef) -> Result<TaskStatus> {
        match task.kind {
            IdKind::Batch => batch::item_status(self, task),
            IdKind::Task => Err(super::no_tasks(&INFO, &task.id).into()),
        }
    }

    /// One group for every document a job can carry, in `batch` runs unless
    /// `--batch-api off` (`ocr` and `parse` answer at once).
    fn batch_group(&self, doc: &Document, opts: &ExtractOptions) -> Option<String> {
        (opts.batch_command && opts.batch_api != Some(BatchApi::Off) && batch::batchable(doc))
            .then(|| "ocr".to_string())
    }

    fn batch_min(&self, opts: &ExtractOptions) -> usize {
        batch::min_documents(opts)
    }

    fn batch_max_bytes(&self) -> Option<u64> {
        Some(client::MAX_JOB_BYTES)
    }

    fn submit_batch(&self, docs: &[&Document], opts: &ExtractOptions) -> Result<BatchSubmitted> {
        batch::submit(self, docs, opts)
    }

    fn batch_status(&self, batch_id: &str) -> Result<Vec<BatchItem>> {
        batch::status(self, batch_id)
    }
}

#[cfg(test)]
mod tests {
    use super::client::*;
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
