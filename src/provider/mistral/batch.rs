//! Mistral batch jobs (`/v1/batch/jobs` on `/v1/ocr`): what `batch -p mistral`
//! uses for many documents, at half the per-page price.
//!
//! The documents go as one JSONL file (`purpose=batch`): one line
//! `{"custom_id", "body"}` per document, the body being the same OCR request as a
//! direct call without `model` (the job names it). Local files go inline as
//! `data:` URIs, base64-encoded while the line is streamed to a temporary file,
//! so memory stays bounded whatever the documents weigh; the file is then
//! uploaded from disk. A document's `custom_id` is its position in the job
//! ("0", "1", …): the job's status answer gives the number of requests, so a
//! rerun that re-attaches from the record needs nothing but the job ID.
//!
//! When the job is final its output file (and error file) is read line by line
//! and each line mapped back by `custom_id`; the uploaded input file is deleted
//! then. The output file is kept: it is where `fetch` and a rerun read the
//! results again without paying again (see docs/providers.md).

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};

use anyhow::{Context, Result};
use reqwest::Method;
use serde_json::{json, Value};

use super::client::MAX_JOB_BYTES;
use super::client::{
    classify, delete_file, document_chunk, is_image, mime_of, page_set, FileUpload, Mistral,
};
use crate::error::{Error, Kind};
use crate::http::Retry;
use crate::input::Document;
use crate::options::{BatchApi, ExtractOptions};
use crate::provider::api::call;
use crate::provider::envelope::{text_of, Answer};
use crate::provider::{BatchItem, BatchSubmitted, Progress, State, TaskStatus};
use crate::provider::{ResultRef, TaskRef};

/// `--batch-api auto` sends a job from this many new documents of one run.
/// Fewer go as direct calls: a job often waits minutes in the queue before it
/// starts, while a handful of direct calls (4 at once) are done in under a
/// minute; from about 20 documents, half the price is worth the wait.
pub const AUTO_MIN: usize = 20;

/// Stands in a line for the data URI streamed in its place.
const MARK: &str = "@@docpipe-inline-document@@";

/// Whether the document can go in a job: a URL, or a local PDF or image (inline
/// as a data URI). Local DOCX and PPTX go as direct calls (they are uploaded
/// and read through a signed URL, which a job may outlive).
pub fn batchable(doc: &Document) -> bool {
    doc.is_url() || doc.ext == "pdf" || is_image(&doc.ext)
}

/// The fewest documents sent as one job under `--batch-api`.
pub fn min_documents(opts: &ExtractOptions) -> usize {
    match opts.batch_api {
        Some(BatchApi::On) => 1,
        Some(BatchApi::Off) => usize::MAX,
        Some(BatchApi::Auto) | None => AUTO_MIN,
    }
}

/// Writes the job's requests to a temporary JSONL file; returns it and its size.
fn write_requests(
    m: &Mistral,
    docs: &[&Document],
    opts: &ExtractOptions,
) -> Result<(tempfile::NamedTempFile, u64)> {
    let mut tmp = tempfile::Builder::new()
        .prefix("docpipe-mistral-batch-")
        .suffix(".jsonl")
        .tempfile()
        .context("cannot create a temporary file for the batch job's requests")?;
    crate::interrupt::remove_on_interrupt(tmp.path());
    {
        let mut out = std::io::BufWriter::new(tmp.as_file_mut());
        for (i, doc) in docs.iter().enumerate() {
            let (url, inline) = match (doc.url(), doc.path()) {
                (Some(url), _) => (url, None),
                (None, Some(path)) => (MARK, Some(path)),
                (None, None) => anyhow::bail!("{}: neither a file nor a URL", doc.input),
            };
            let chunk = document_chunk(url, &doc.ext, Some(&doc.file_name));
            let line = json!({"custom_id": i.to_string(), "body": m.ocr_body(chunk, opts)});
            let line = line.to_string();
            match inline {
                None => out.write_all(line.as_bytes())?,
                Some(path) => {
                    let (before, after) = line
                        .split_once(MARK)
                        .context("the request line lost its document")?;
                    out.write_all(before.as_bytes())?;
                    write!(out, "data:{};base64,", mime_of(&doc.ext))?;
                    let mut file = std::fs::File::open(path)
                        .with_context(|| format!("{}: cannot read the file", doc.input))?;
                    let mut enc = base64::write::EncoderWriter::new(
                        &mut out,
                        &base64::engine::general_purpose::STANDARD,
                    );
                    std::io::copy(&mut file, &mut enc)
                        .with_context(|| format!("{}: cannot read the file", doc.input))?;
                    enc.finish()?;
                    drop(enc);
                    out.write_all(after.as_bytes())?;
                }
            }
            out.write_all(b"\n")?;
        }
        out.flush()
            .context("cannot write the batch job's requests (disk full?)")?;
    }
    let size = tmp.as_file().metadata()?.len();
    Ok((tmp, size))
}

/// Uploads the documents' requests and creates one job on `/v1/ocr`. The
/// uploaded file is deleted if no job comes of it; once the job exists it is
/// the job's to read, and is deleted when the job is final.
pub fn submit(m: &Mistral, docs: &[&Document], opts: &ExtractOptions) -> Result<BatchSubmitted> {
    let subject = format!("batch job of {} documents", docs.len());
    let (requests, size) = write_requests(m, docs, opts)?;
    let file_name = unique_name();
    let upload = FileUpload {
        path: requests.path(),
        size,
        file_name: &file_name,
        mime: "application/jsonl",
        purpose: "batch",
    };
    let file_id = m.upload_file(&upload, &subject)?;
    drop(requests);
    let key = m.key()?.clone();
    let cleanup = {
        let (http, base, key) = (m.http.clone(), m.settings.base_url.clone(), key.clone());
        let (id, input) = (file_id.clone(), subject.clone());
        crate::interrupt::on_interrupt(move || delete_file(&http, &base, &key, &id, &input))
    };
    let body = json!({
        "input_files": [file_id],
        "endpoint": "/v1/ocr",
        "model": m.model(opts),
        // The file docpipe uploaded, so that it is deleted when the job ends
        // even if the job's answers do not list it in `input_files`.
        "metadata": {"client": "docpipe", "documents": docs.len().to_string(), "docpipe_input": file_id},
    });
    let answer = call(
        &m.http,
        &m.settings.base_url,
        Some(&key),
        Method::POST,
        "/v1/batch/jobs",
        Some(&body),
        Retry::Create,
        None,
    )?;
    if answer.http_status == 402 {
        // `cleanup` deletes the uploaded requests as it goes out of scope.
        return Err(no_batch_billing(&answer).into());
    }
    let job = super::client::expect_ok(answer, &subject)?;
    let batch_id = Answer::str_field(&job, &["id"])
        .context("mistral answered the batch job's creation without an id")?;
    cleanup.disarm();
    Ok(BatchSubmitted {
        batch_id,
        items: (0..docs.len()).map(|i| (i.to_string(), None)).collect(),
    })
}

/// A requests file's name, unique to this upload: `docpipe-batch-<time><pid>.jsonl`.
fn unique_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("docpipe-batch-{nanos:x}{:x}.jsonl", std::process::id())
}

/// HTTP 402 on a job: the workspace has no batch billing. Not a fallback to
/// direct calls: those cost twice as much, so that is the user's choice.
fn no_batch_billing(answer: &Answer) -> Error {
    Error::quota(format!(
        "mistral refused the batch job: batch billing is not enabled for this workspace ({}, HTTP 402)",
        answer.message()
    ))
    .with_hint(
        "enable batch jobs for the workspace in the Mistral console, or run again with --batch-api off to send direct calls at the full price (twice the batch price)",
    )
}

/// What a job's status answer says.
struct Job {
    status: String,
    requests: usize,
    input_files: Vec<String>,
    output_file: Option<String>,
    error_file: Option<String>,
    errors: Vec<String>,
}

impl Job {
    fn read(m: &Mistral, id: &str) -> Result<Job> {
        let v = m.json(
            Method::GET,
            &format!("/v1/batch/jobs/{id}"),
            None,
            Retry::Idempotent,
            &format!("batch job {id}"),
        )?;
        let strings = |field: &str| -> Vec<String> {
            v.get(field)
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_string).or_else(|| text_of(x)))
                        .collect()
                })
                .unwrap_or_default()
        };
        let count = |n: Option<&Value>| {
            n.and_then(|n| n.as_u64().or_else(|| n.as_str()?.parse().ok()))
                .unwrap_or(0) as usize
        };
        let status = Answer::str_field(&v, &["status"])
            .with_context(|| format!("mistral answered about batch job {id} without a status"))?;
        // The job counts its requests once it has read the file; until then
        // the count docpipe sent along in the metadata says it.
        let requests = count(v.get("total_requests"))
            .max(count(v.get("metadata").and_then(|m| m.get("documents"))));
        // What docpipe uploaded for the job (its metadata) and what the job
        // says it read, once each.
        let mut input_files = strings("input_files");
        if let Some(own) = v.pointer("/metadata/docpipe_input").and_then(Value::as_str) {
            if !input_files.iter().any(|f| f == own) {
                input_files.push(own.to_string());
            }
        }
        Ok(Job {
            status,
            requests,
            input_files,
            output_file: Answer::str_field(&v, &["output_file"]),
            error_file: Answer::str_field(&v, &["error_file"]),
            errors: strings("errors"),
        })
    }

    fn state(&self) -> State {
        match self.status.as_str() {
            "QUEUED" => State::Pending,
            "SUCCESS" => State::Done,
            "FAILED" | "TIMEOUT_EXCEEDED" | "CANCELLED" => State::Failed,
            // RUNNING, CANCELLATION_REQUESTED, and states added later.
            _ => State::Running,
        }
    }

    /// Why a document without a result line has none.
    fn reason(&self) -> String {
        let mut why = match self.status.as_str() {
            "SUCCESS" => "the batch job's output has no result for it".to_string(),
            s => format!("the batch job ended {s}"),
        };
        if !self.errors.is_empty() {
            why.push_str(&format!(": {}", self.errors.join("; ")));
        }
        why
    }

    /// Deletes the uploaded requests: the job is final and needs them no more.
    fn delete_inputs(&self, m: &Mistral, id: &str) -> Result<()> {
        let key = m.key()?;
        for file in &self.input_files {
            let first = m
                .deleted
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(file.clone());
            if !first {
                continue;
            }
            delete_file(
                &m.http,
                &m.settings.base_url,
                key,
                file,
                &format!("the requests of batch job {id}"),
            );
        }
        Ok(())
    }
}

fn pending(state: State) -> TaskStatus {
    TaskStatus {
        state,
        progress: None,
        result: None,
        error: None,
        fault: None,
    }
}

fn failed(why: String, fault: Option<Kind>) -> TaskStatus {
    TaskStatus {
        error: Some(why),
        fault,
        ..pending(State::Failed)
    }
}

/// Every document of job `id`: pending or running as the job is, and once it is
/// final, each one's result or failure from the output and error files.
pub fn status(m: &Mistral, id: &str) -> Result<Vec<BatchItem>> {
    let job = Job::read(m, id)?;
    let state = job.state();
    let item = |i: usize, status: TaskStatus| BatchItem {
        key: Some(i.to_string()),
        file_name: None,
        status,
    };
    if !state.is_final() {
        return Ok((0..job.requests).map(|i| item(i, pending(state))).collect());
    }
    job.delete_inputs(m, id)?;
    let mut lines = HashMap::new();
    let mut gone = Vec::new();
    for file in job.output_file.iter().chain(&job.error_file) {
        if !read_results(m, id, file, &mut lines)? {
            gone.push(file.as_str());
        }
    }
    // Asking again would not bring a deleted file back: the documents fail,
    // and --retry-failed sends them again.
    let reason = if gone.is_empty() {
        job.reason()
    } else {
        format!(
            "the batch job's result file {} is no longer at Mistral (deleted?)",
            gone.join(", ")
        )
    };
    Ok((0..job.requests)
        .map(|i| {
            let status = lines
                .remove(&i.to_string())
                .unwrap_or_else(|| failed(reason.clone(), None));
            item(i, status)
        })
        .collect())
}

/// One document of a job, as `status` shows it: the job's state, without
/// downloading its results (`fetch` and the pipeline read them).
pub fn item_status(m: &Mistral, task: &TaskRef) -> Result<TaskStatus> {
    let job = Job::read(m, &task.id)?;
    let state = job.state();
    if state.is_final() {
        job.delete_inputs(m, &task.id)?;
    }
    Ok(match state {
        State::Failed => failed(job.reason(), None),
        s => pending(s),
    })
}

/// Reads a result file line by line into `lines` (custom_id → status); false
/// when the file is not there any more.
fn read_results(
    m: &Mistral,
    job: &str,
    file: &str,
    lines: &mut HashMap<String, TaskStatus>,
) -> Result<bool> {
    let key = m.key()?;
    let url = format!("{}/v1/files/{file}/content", m.settings.base_url);
    let resp = m.http.send(Retry::Idempotent, |c| {
        c.get(&url)
            .bearer_auth(key.expose())
            // Results can be large (page images): the deadline of a big transfer.
            .timeout(m.http.transfer_timeout(MAX_JOB_BYTES * 2))
    })?;
    if resp.status().as_u16() == 404 {
        return Ok(false);
    }
    if !resp.status().is_success() {
        let answer = crate::provider::api::read_answer(resp)?;
        return Err(classify(&answer, &format!("results of batch job {job}")).into());
    }
    for line in BufReader::new(resp).lines() {
        let line = line.with_context(|| format!("the results of batch job {job} were cut off"))?;
        if line.trim().is_empty() {
            continue;
        }
        let value: Value = serde_json::from_str(&line)
            .with_context(|| format!("a result line of batch job {job} is not JSON"))?;
        if let Some((id, status)) = line_status(job, value) {
            lines.insert(id, status);
        }
    }
    Ok(true)
}

/// One result line: `{custom_id, response: {status_code, body}, error}`.
fn line_status(job: &str, line: Value) -> Option<(String, TaskStatus)> {
    let id = match line.get("custom_id")? {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let response = line.get("response").cloned().unwrap_or(Value::Null);
    let code = response
        .get("status_code")
        .and_then(Value::as_u64)
        .unwrap_or(200) as u16;
    let error = line.get("error").filter(|e| !e.is_null());
    let body = response.get("body").cloned().unwrap_or(Value::Null);
    if error.is_none() && (200..300).contains(&code) && body.get("pages").is_some() {
        let pages = body
            .pointer("/usage_info/pages_processed")
            .and_then(Value::as_u64);
        return Some(match page_set(body, true) {
            Ok((set, skipped)) => {
                for why in skipped {
                    crate::messages::warn(&format!(
                        "batch job {job}, document {id}: {why}; the text is kept"
                    ));
                }
                let status = TaskStatus {
                    state: State::Done,
                    progress: pages.map(|n| Progress { done: n, total: n }),
                    result: Some(ResultRef::Pages(Box::new(set))),
                    error: None,
                    fault: None,
                };
                (id, status)
            }
            Err(e) => (id, failed(format!("unexpected result: {e:#}"), None)),
        });
    }
    // A failed request: the service's message, with its class (a refused
    // document is an input error, exit 4).
    let why = error
        .map(|e| text_of(e).unwrap_or_else(|| e.to_string()))
        .or_else(|| text_of(&body))
        .unwrap_or_else(|| format!("HTTP {code}"));
    let code = if (200..300).contains(&code) && error.is_some() {
        500
    } else {
        code
    };
    let fault = matches!(code, 400 | 413 | 415 | 422).then_some(Kind::Input);
    Some((
        id,
        failed(format!("{why} (HTTP {code} in the batch job)"), fault),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_lines_map_to_documents() {
        let ok = json!({"id": "r1", "custom_id": "0", "response": {"status_code": 200,
            "body": {"pages": [{"index": 0, "markdown": "hello"}], "usage_info": {"pages_processed": 1}}}, "error": null});
        let (id, s) = line_status("j", ok).unwrap();
        assert_eq!((id.as_str(), s.state), ("0", State::Done));
        assert_eq!(s.progress.map(|p| p.total), Some(1));
        let refused = json!({"custom_id": "1", "response": {"status_code": 400,
            "body": {"object": "error", "message": "Invalid document", "type": "invalid_request_error"}}});
        let (_, s) = line_status("j", refused).unwrap();
        assert_eq!((s.state, s.fault), (State::Failed, Some(Kind::Input)));
        assert!(s.error.unwrap().contains("Invalid document"));
        let broke = json!({"custom_id": 2, "error": {"message": "internal error"}});
        let (id, s) = line_status("j", broke).unwrap();
        assert_eq!((id.as_str(), s.state, s.fault), ("2", State::Failed, None));
        assert!(line_status("j", json!({"response": {}})).is_none());
    }

    #[test]
    fn auto_needs_enough_documents_on_always_off_never() {
        let with = |b| ExtractOptions {
            batch_api: b,
            ..ExtractOptions::default()
        };
        assert_eq!(min_documents(&with(None)), AUTO_MIN);
        assert_eq!(min_documents(&with(Some(BatchApi::Auto))), AUTO_MIN);
        assert_eq!(min_documents(&with(Some(BatchApi::On))), 1);
        assert_eq!(min_documents(&with(Some(BatchApi::Off))), usize::MAX);
    }
}
