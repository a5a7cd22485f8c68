//! Fake Mistral AI API: `/v1/files` (upload, signed URL, delete) and `/v1/ocr`,
//! following `shared/providers.md` ("mistral") and the OpenAPI spec: `/v1/ocr` and
//! its document chunks reject unknown fields with 422 `{"detail": [...]}`, errors
//! come as `{"object":"error", ...}`, 429 as `type: "rate_limited"`.
//!
//! The file store counts what the client left behind: [`FakeMistral::files_left`]
//! must be 0 after every run, failed or interrupted ones included.
//!
//! Batch jobs (`/v1/batch/jobs`, spec `BatchJobIn`/`BatchJobOut`): a JSONL file
//! uploaded with `purpose=batch` holds `{custom_id, body}` lines; the job goes
//! QUEUED → RUNNING → SUCCESS over the client's polls, then its output file
//! (one `{id, custom_id, response: {status_code, body}, error}` line per request
//! that succeeded) and error file (the failed ones) are readable at
//! `/v1/files/{id}/content`. Those two files are the service's own, not counted
//! by `files_left`.

use super::fake::{drop_checks_violations, Fake, Watch};
use super::faults::Faults;
use super::http::{self, lock, Listener, Log, Recorded, Reply, Server};
use super::{ids, multipart};
use base64::Engine;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const MISTRAL_KEY: &str = "mistral-test-key-1";

/// Knobs; the default behaves like the documented service.
#[derive(Clone, Debug, Default)]
pub struct MistralConfig {
    /// Pages of every document.
    pub pages: usize,
    /// `/v1/ocr` answers this instead of a result.
    pub ocr_fails: Option<(u16, Value)>,
    /// `/v1/ocr` always answers 429.
    pub rate_limited: bool,
    /// `/v1/ocr` takes this long before answering.
    pub ocr_delay: Duration,
    /// Faults injected into the answers.
    pub faults: Option<Arc<Faults>>,
    /// Job creation answers 402: the workspace has no batch billing.
    pub batch_402: bool,
    /// Polls of a job answered QUEUED, then as many RUNNING, before SUCCESS.
    pub batch_polls: usize,
    /// `custom_id`s of batch requests that fail (400, the document refused).
    pub batch_fail: Vec<String>,
    /// The job ends in this state instead of SUCCESS (e.g. TIMEOUT_EXCEEDED).
    pub batch_ends: Option<&'static str>,
    /// A finished job's output file is already deleted (by someone else).
    pub batch_output_deleted: bool,
    /// The first this many uploads of a batch job's requests are stored, and
    /// then their answers are lost (the connection closes).
    pub batch_uploads_lost: usize,
    /// Job answers leave `input_files` empty (the job does not say what it read).
    pub batch_hides_inputs: bool,
}

#[derive(Clone, Debug)]
pub struct StoredFile {
    pub filename: String,
    pub purpose: String,
    pub bytes: Vec<u8>,
    pub deleted: bool,
    /// Written by the service (a job's output or error file), not uploaded.
    pub by_service: bool,
}

#[derive(Clone, Debug)]
pub struct Job {
    pub id: String,
    pub input_files: Vec<String>,
    pub model: Value,
    pub metadata: Value,
    pub polls: usize,
    pub total: usize,
    pub status: &'static str,
    pub output_file: Option<String>,
    pub error_file: Option<String>,
    pub succeeded: usize,
    pub failed: usize,
}

#[derive(Default)]
struct State {
    cfg: MistralConfig,
    files: HashMap<String, StoredFile>,
    violations: Vec<String>,
    /// OCR answers given (each one billed by the real service).
    answered: usize,
    /// Batch requests answered with a result (billed at the batch price).
    batch_answered: usize,
    jobs: HashMap<String, Job>,
}

struct Core {
    state: Mutex<State>,
    log: Log,
    base: String,
}

pub struct FakeMistral {
    core: Arc<Core>,
    _listeners: Vec<Listener>,
    watch: Watch,
}

pub fn image_bytes(i: usize) -> Vec<u8> {
    let mut b = vec![0xff, 0xd8, 0xff, 0xe0];
    b.extend_from_slice(format!("fake jpeg {i}").as_bytes());
    b
}

impl FakeMistral {
    pub fn start() -> FakeMistral {
        FakeMistral::start_with(MistralConfig::default())
    }

    pub fn start_with(mut cfg: MistralConfig) -> FakeMistral {
        if cfg.pages == 0 {
            cfg.pages = 3;
        }
        let api = http::bind();
        let faults = cfg.faults.clone();
        let core = Arc::new(Core {
            state: Mutex::new(State {
                cfg,
                ..State::default()
            }),
            log: Log::default(),
            base: api.base_url(),
        });
        let c = core.clone();
        let listener = api.serve_faulty(
            Server::Api,
            4,
            core.log.clone(),
            Arc::new(move |rq: &Recorded| c.route(rq)),
            faults,
        );
        FakeMistral {
            core,
            watch: Watch::default(),
            _listeners: vec![listener],
        }
    }

    pub fn base_url(&self) -> String {
        self.core.base.clone()
    }

    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.core.log).clone()
    }

    pub fn find(&self, method: &str, path_prefix: &str) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.method == method && r.path.starts_with(path_prefix))
            .collect()
    }

    pub fn violations(&self) -> Vec<String> {
        lock(&self.core.state).violations.clone()
    }

    /// Files uploaded and never deleted.
    pub fn files_left(&self) -> usize {
        lock(&self.core.state)
            .files
            .values()
            .filter(|f| !f.deleted && !f.by_service)
            .count()
    }

    /// Batch jobs created.
    pub fn jobs(&self) -> Vec<Job> {
        lock(&self.core.state).jobs.values().cloned().collect()
    }

    /// Batch requests answered with a result.
    pub fn batch_answered(&self) -> usize {
        lock(&self.core.state).batch_answered
    }

    /// OCR requests answered with a result: what the real service bills.
    pub fn answered(&self) -> usize {
        lock(&self.core.state).answered
    }

    pub fn files(&self) -> Vec<StoredFile> {
        lock(&self.core.state).files.values().cloned().collect()
    }
}

fn error(status: u16, message: &str, kind: &str, code: &str) -> Reply {
    Reply::json(
        status,
        &json!({"object": "error", "message": message, "type": kind, "param": null, "code": code}),
    )
}

fn extra_forbidden(loc: &[&str], input: &Value) -> Reply {
    Reply::json(
        422,
        &json!({"detail": [{"type": "extra_forbidden", "loc": loc, "msg": "Extra inputs are not permitted", "input": input}]}),
    )
}

fn invalid(loc: &[&str], msg: &str) -> Reply {
    Reply::json(
        422,
        &json!({"detail": [{"type": "value_error", "loc": loc, "msg": msg, "input": null}]}),
    )
}

const OCR_FIELDS: &[&str] = &[
    "model",
    "id",
    "document",
    "pages",
    "include_image_base64",
    "image_limit",
    "image_min_size",
    "bbox_annotation_format",
    "document_annotation_format",
    "document_annotation_prompt",
    "table_format",
    "extract_header",
    "extract_footer",
    "include_blocks",
    "confidence_scores_granularity",
];

impl Core {
    fn violation(&self, v: String) {
        lock(&self.state).violations.push(v);
    }

    fn route(&self, rq: &Recorded) -> Reply {
        if rq.header("authorization") != Some(&format!("Bearer {MISTRAL_KEY}")) {
            return error(401, "Unauthorized", "unauthorized", "1001");
        }
        let path = rq.path_only();
        match (rq.method.as_str(), path) {
            ("POST", "/v1/files") => self.upload(rq),
            ("GET", "/v1/files") => self.list_files(rq),
            ("POST", "/v1/ocr") => self.ocr(rq),
            ("POST", "/v1/batch/jobs") => self.create_job(rq),
            ("GET", p) if p.starts_with("/v1/batch/jobs/") => {
                self.poll_job(&p["/v1/batch/jobs/".len()..])
            }
            ("GET", p) if p.starts_with("/v1/files/") && p.ends_with("/content") => {
                let id = &p["/v1/files/".len()..p.len() - "/content".len()];
                match lock(&self.state).files.get(id) {
                    Some(f) if !f.deleted => {
                        Reply::new(200, "application/octet-stream", f.bytes.clone())
                    }
                    _ => error(404, "File not found", "not_found", "3310"),
                }
            }
            ("GET", p) if p.starts_with("/v1/files/") && p.ends_with("/url") => {
                let id = &p["/v1/files/".len()..p.len() - "/url".len()];
                if !rq.query().contains("expiry=") {
                    self.violation(format!("signed URL for {id} asked without expiry"));
                }
                match lock(&self.state).files.get(id) {
                    Some(f) if !f.deleted => Reply::json(
                        200,
                        &json!({"url": format!("https://mistralaifilesapiprodswe.blob.core.windows.net/fine-tune/{id}?se=2099&sig=s3cr3t")}),
                    ),
                    _ => error(404, "File not found", "not_found", "3310"),
                }
            }
            ("DELETE", p) if p.starts_with("/v1/files/") => {
                let id = &p["/v1/files/".len()..];
                let mut st = lock(&self.state);
                match st.files.get_mut(id) {
                    Some(f) if !f.deleted => {
                        f.deleted = true;
                        Reply::json(200, &json!({"id": id, "object": "file", "deleted": true}))
                    }
                    // A retry whose first answer was lost (e.g. a stall past the
                    // client's timeout): 404 as the service would, not a mistake.
                    Some(_) => error(404, "File not found", "not_found", "3310"),
                    None => {
                        st.violations.push(format!("DELETE of unknown file {id}"));
                        error(404, "File not found", "not_found", "3310")
                    }
                }
            }
            _ => error(404, "Not Found", "not_found", "1404"),
        }
    }

    /// `GET /v1/files`: the files not deleted, filtered by `search` (a part of
    /// the name) and `purpose`, as the spec's ListFilesOut.
    fn list_files(&self, rq: &Recorded) -> Reply {
        let query = rq.query();
        let param = |name: &str| {
            query.split('&').find_map(|kv| {
                let (k, v) = kv.split_once('=')?;
                (k == name).then(|| v.to_string())
            })
        };
        let (search, purpose) = (param("search"), param("purpose"));
        let st = lock(&self.state);
        let data: Vec<Value> = st
            .files
            .iter()
            .filter(|(_, f)| !f.deleted && !f.by_service)
            .filter(|(_, f)| search.as_ref().is_none_or(|s| f.filename.contains(s.as_str())))
            .filter(|(_, f)| purpose.as_ref().is_none_or(|p| f.purpose == *p))
            .map(|(id, f)| {
                json!({"id": id, "object": "file", "bytes": f.bytes.len(), "created_at": 1_759_500_000,
                    "filename": f.filename, "purpose": f.purpose, "sample_type": "batch_request",
                    "source": "upload", "num_lines": null, "mimetype": null, "signature": null})
            })
            .collect();
        Reply::json(
            200,
            &json!({"data": data, "object": "list", "total": data.len()}),
        )
    }

    fn upload(&self, rq: &Recorded) -> Reply {
        if rq.header("transfer-encoding").is_some() || rq.header("content-length").is_none() {
            self.violation(
                "upload sent without a Content-Length (not streamed with a known length)".into(),
            );
        }
        let fields = match multipart::parse(rq) {
            Ok(f) => f,
            Err(e) => {
                self.violation(format!("bad multipart upload: {e}"));
                return invalid(&["body"], &e);
            }
        };
        let purpose = fields
            .iter()
            .find(|f| f.name == "purpose")
            .map(|f| f.text());
        let Some(file) = fields.iter().find(|f| f.name == "file") else {
            return invalid(&["body", "file"], "Field required");
        };
        let Some(filename) = file.filename.clone() else {
            self.violation("file part without a filename".into());
            return invalid(&["body", "file"], "Expected UploadFile");
        };
        if !matches!(purpose.as_deref(), Some("ocr") | Some("batch")) {
            self.violation(format!("upload with purpose {purpose:?}, not ocr or batch"));
        }
        for f in &fields {
            if !["purpose", "file", "expiry", "visibility"].contains(&f.name.as_str()) {
                return extra_forbidden(&["body", &f.name], &json!(f.text()));
            }
        }
        let id = ids::uuid();
        let size = file.data.len();
        lock(&self.state).files.insert(
            id.clone(),
            StoredFile {
                filename: filename.clone(),
                purpose: purpose.clone().unwrap_or_default(),
                bytes: file.data.clone(),
                deleted: false,
                by_service: false,
            },
        );
        if purpose.as_deref() == Some("batch") {
            let mut st = lock(&self.state);
            if st.cfg.batch_uploads_lost > 0 {
                st.cfg.batch_uploads_lost -= 1;
                return Reply::lost();
            }
        }
        let sample_type = if purpose.as_deref() == Some("batch") {
            "batch_request"
        } else {
            "ocr_input"
        };
        // `sample_type` and `source` carry values the spec's enums lack, as the
        // real service does.
        Reply::json(
            200,
            &json!({"id": id, "object": "file", "bytes": size, "created_at": 1_759_500_189,
                "filename": filename, "purpose": purpose, "sample_type": sample_type,
                "source": "upload", "num_lines": null, "mimetype": file.content_type,
                "signature": ids::hex(16)}),
        )
    }

    /// The document's bytes and name, or the 4xx answer.
    fn document(&self, doc: &Value) -> Result<(Vec<u8>, String), Reply> {
        let Some(obj) = doc.as_object() else {
            return Err(invalid(&["body", "document"], "Input should be an object"));
        };
        let kind = obj
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("document_url");
        let (allowed, url): (&[&str], Option<String>) = match kind {
            "document_url" => (
                &["type", "document_url", "document_name"],
                obj.get("document_url")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            ),
            "image_url" => (
                &["type", "image_url"],
                match obj.get("image_url") {
                    Some(Value::String(s)) => Some(s.clone()),
                    Some(Value::Object(o)) => {
                        o.get("url").and_then(Value::as_str).map(str::to_string)
                    }
                    _ => None,
                },
            ),
            "file" => (&["type", "file_id"], None),
            other => {
                return Err(invalid(
                    &["body", "document", "type"],
                    &format!("unknown chunk type {other}"),
                ))
            }
        };
        for k in obj.keys() {
            if !allowed.contains(&k.as_str()) {
                return Err(extra_forbidden(&["body", "document", k], &obj[k]));
            }
        }
        let url = match (kind, url) {
            ("file", _) => {
                let id = obj.get("file_id").and_then(Value::as_str).unwrap_or("");
                return match lock(&self.state).files.get(id) {
                    Some(f) if !f.deleted => Ok((f.bytes.clone(), f.filename.clone())),
                    _ => Err(error(404, "File not found", "not_found", "3310")),
                };
            }
            (_, Some(u)) => u,
            (_, None) => return Err(invalid(&["body", "document"], "Field required")),
        };
        if let Some(rest) = url.strip_prefix("data:") {
            let Some((_, b64)) = rest.split_once(";base64,") else {
                return Err(error(
                    400,
                    "Invalid data URI",
                    "invalid_request_error",
                    "3000",
                ));
            };
            return base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map(|b| (b, "inline".to_string()))
                .map_err(|_| {
                    error(
                        400,
                        "Invalid base64 in data URI",
                        "invalid_request_error",
                        "3000",
                    )
                });
        }
        if let Some(rest) =
            url.strip_prefix("https://mistralaifilesapiprodswe.blob.core.windows.net/fine-tune/")
        {
            let id = rest.split('?').next().unwrap_or("");
            return match lock(&self.state).files.get(id) {
                Some(f) if !f.deleted => Ok((f.bytes.clone(), f.filename.clone())),
                _ => Err(error(
                    400,
                    "Could not download the document",
                    "invalid_request_error",
                    "3200",
                )),
            };
        }
        if url.starts_with("http://") || url.starts_with("https://") {
            let name = url.rsplit('/').next().unwrap_or("doc").to_string();
            return Ok((url.into_bytes(), name));
        }
        Err(error(
            400,
            "Invalid document URL",
            "invalid_request_error",
            "3000",
        ))
    }

    fn ocr(&self, rq: &Recorded) -> Reply {
        let cfg = lock(&self.state).cfg.clone();
        std::thread::sleep(cfg.ocr_delay);
        let Some(Value::Object(body)) = rq.json() else {
            return invalid(&["body"], "JSON object required");
        };
        if !body.get("model").is_some_and(Value::is_string) {
            self.violation("/v1/ocr without a model".into());
            return invalid(&["body", "model"], "Field required");
        }
        if cfg.rate_limited {
            return error(429, "Rate limit exceeded", "rate_limited", "1300")
                .with_header("Retry-After", "0");
        }
        let reply = self.ocr_answer(&body, &cfg);
        if reply.status == 200 {
            lock(&self.state).answered += 1;
        }
        reply
    }

    /// The answer to one OCR request body, direct or a batch job's line (where
    /// the job names the model).
    fn ocr_answer(&self, body: &Map<String, Value>, cfg: &MistralConfig) -> Reply {
        for k in body.keys() {
            if !OCR_FIELDS.contains(&k.as_str()) {
                self.violation(format!("/v1/ocr got unknown field {k}"));
                return extra_forbidden(&["body", k], &body[k]);
            }
        }
        let (doc_bytes, name) = match self.document(body.get("document").unwrap_or(&Value::Null)) {
            Ok(d) => d,
            Err(reply) => {
                self.violation(format!(
                    "/v1/ocr document refused: {}",
                    String::from_utf8_lossy(&reply.body)
                ));
                return reply;
            }
        };
        for flag in ["include_image_base64", "extract_header", "extract_footer"] {
            if body.get(flag).is_some_and(|v| !v.is_boolean()) {
                return invalid(&["body", flag], "Input should be a valid boolean");
            }
        }
        if let Some(t) = body.get("table_format") {
            if !matches!(t.as_str(), Some("markdown") | Some("html")) {
                return invalid(
                    &["body", "table_format"],
                    "Input should be 'markdown' or 'html'",
                );
            }
        }
        let pages: Vec<usize> = match body.get("pages") {
            None | Some(Value::Null) => (0..cfg.pages).collect(),
            Some(Value::Array(list)) => {
                let mut out = Vec::new();
                for p in list {
                    match p.as_u64() {
                        Some(n) if (n as usize) < cfg.pages => out.push(n as usize),
                        Some(n) => {
                            return error(
                                400,
                                &format!("Page {n} is out of range"),
                                "invalid_request_error",
                                "3710",
                            )
                        }
                        None => {
                            return invalid(
                                &["body", "pages"],
                                "Input should be a list of integers",
                            )
                        }
                    }
                }
                out
            }
            Some(_) => return invalid(&["body", "pages"], "Input should be a list of integers"),
        };
        if let Some((status, body)) = &cfg.ocr_fails {
            return Reply::json(*status, body);
        }
        let images = body.get("include_image_base64") == Some(&json!(true));
        let header = body.get("extract_header") == Some(&json!(true));
        let footer = body.get("extract_footer") == Some(&json!(true));
        let page_list: Vec<Value> = pages
            .iter()
            .map(|&i| {
                let mut page = json!({
                    "index": i,
                    "markdown": format!("# {name} page {}\n\nText of page {}.\n\n![img-{i}.jpeg](img-{i}.jpeg)\n", i + 1, i + 1),
                    "images": [{"id": format!("img-{i}.jpeg"), "top_left_x": 10, "top_left_y": 20,
                        "bottom_right_x": 110, "bottom_right_y": 220,
                        "image_base64": if images {
                            json!(format!("data:image/jpeg;base64,{}", base64::engine::general_purpose::STANDARD.encode(image_bytes(i))))
                        } else { Value::Null }}],
                    "dimensions": {"dpi": 200, "height": 2200, "width": 1700},
                    "tables": [],
                });
                let map: &mut Map<String, Value> = page.as_object_mut().unwrap();
                if header {
                    map.insert("header".into(), json!(format!("Header {}", i + 1)));
                }
                if footer {
                    map.insert("footer".into(), json!(format!("Footer {}", i + 1)));
                }
                page
            })
            .collect();
        Reply::json(
            200,
            &json!({"pages": page_list, "model": "mistral-ocr-2505-completion",
                "document_annotation": null,
                "usage_info": {"pages_processed": pages.len(), "doc_size_bytes": doc_bytes.len()}}),
        )
    }
}

const JOB_FIELDS: &[&str] = &[
    "input_files",
    "requests",
    "endpoint",
    "model",
    "agent_id",
    "metadata",
    "timeout_hours",
];

fn job_out(job: &Job, hide: bool) -> Value {
    let done = matches!(job.status, "QUEUED") as usize;
    let finished = !matches!(job.status, "QUEUED" | "RUNNING");
    json!({
        "id": job.id, "object": "batch", "input_files": job.input_files.iter().filter(|_| !hide).collect::<Vec<_>>(),
        "metadata": job.metadata, "endpoint": "/v1/ocr", "model": job.model,
        "agent_id": null, "output_file": job.output_file, "error_file": job.error_file,
        "errors": if job.status == "TIMEOUT_EXCEEDED" {
            json!([{"message": "The job did not finish within its timeout", "count": 1}])
        } else { json!([]) },
        "outputs": null, "status": job.status, "created_at": 1_759_500_189,
        // The real service counts the requests once it has read the file.
        "total_requests": if done == 1 { 0 } else { job.total },
        "completed_requests": if finished { job.succeeded + job.failed } else { 0 },
        "succeeded_requests": job.succeeded, "failed_requests": job.failed,
        "started_at": if done == 1 { Value::Null } else { json!(1_759_500_200) },
        "completed_at": if finished { json!(1_759_500_300) } else { Value::Null },
    })
}

impl Core {
    fn create_job(&self, rq: &Recorded) -> Reply {
        let Some(Value::Object(body)) = rq.json() else {
            return invalid(&["body"], "JSON object required");
        };
        for k in body.keys() {
            if !JOB_FIELDS.contains(&k.as_str()) {
                self.violation(format!("/v1/batch/jobs got unknown field {k}"));
                return extra_forbidden(&["body", k], &body[k]);
            }
        }
        if body.get("endpoint") != Some(&json!("/v1/ocr")) {
            self.violation(format!("batch job on {:?}", body.get("endpoint")));
            return invalid(&["body", "endpoint"], "Input should be a valid endpoint");
        }
        if !body.get("model").is_some_and(Value::is_string) {
            self.violation("batch job without a model".into());
        }
        if let Some(meta) = body.get("metadata").and_then(Value::as_object) {
            for (k, v) in meta {
                let ok_value = v.as_str().is_some_and(|s| (1..=512).contains(&s.len()));
                if !(1..=32).contains(&k.len()) || !ok_value {
                    self.violation(format!("metadata {k}={v} outside the spec"));
                    return invalid(&["body", "metadata", k], "Invalid metadata");
                }
            }
        }
        let files: Vec<String> = body
            .get("input_files")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let mut st = lock(&self.state);
        if st.cfg.batch_402 {
            return error(
                402,
                "Batch API is not enabled for this workspace: please enable billing",
                "payment_required",
                "3505",
            );
        }
        let mut total = 0;
        for id in &files {
            match st.files.get(id) {
                Some(f) if !f.deleted && f.purpose == "batch" => {
                    total += f
                        .bytes
                        .split(|b| *b == b'\n')
                        .filter(|l| !l.is_empty())
                        .count();
                }
                _ => {
                    st.violations
                        .push(format!("batch job on a missing or non-batch file {id}"));
                    return error(404, "File not found", "not_found", "3310");
                }
            }
        }
        let job = Job {
            id: ids::uuid(),
            input_files: files,
            model: body.get("model").cloned().unwrap_or(Value::Null),
            metadata: body.get("metadata").cloned().unwrap_or(Value::Null),
            polls: 0,
            total,
            status: "QUEUED",
            output_file: None,
            error_file: None,
            succeeded: 0,
            failed: 0,
        };
        let answer = job_out(&job, st.cfg.batch_hides_inputs);
        st.jobs.insert(job.id.clone(), job);
        Reply::json(200, &answer)
    }

    fn poll_job(&self, id: &str) -> Reply {
        let mut st = lock(&self.state);
        let polls = st.cfg.batch_polls;
        let hide = st.cfg.batch_hides_inputs;
        let Some(job) = st.jobs.get_mut(id) else {
            return error(404, "Batch job not found", "not_found", "3404");
        };
        job.polls += 1;
        if matches!(job.status, "QUEUED" | "RUNNING") {
            job.status = if job.polls <= polls {
                "QUEUED"
            } else if job.polls <= 2 * polls {
                "RUNNING"
            } else {
                "FINISHING"
            };
        }
        if job.status != "FINISHING" {
            return Reply::json(200, &job_out(job, hide));
        }
        let job = job.clone();
        drop(st);
        let answer = self.run_job(job);
        Reply::json(200, &answer)
    }

    /// Runs every request of the job's input files; writes its output and
    /// error files.
    fn run_job(&self, mut job: Job) -> Value {
        let (cfg, inputs) = {
            let st = lock(&self.state);
            let inputs: Vec<Option<Vec<u8>>> = job
                .input_files
                .iter()
                .map(|f| {
                    st.files
                        .get(f)
                        .filter(|f| !f.deleted)
                        .map(|f| f.bytes.clone())
                })
                .collect();
            (st.cfg.clone(), inputs)
        };
        let (mut output, mut errors) = (Vec::new(), Vec::new());
        let mut custom_ids = std::collections::HashSet::new();
        // A failed or cancelled job answers nothing; one that timed out, the
        // first half of its requests.
        let runs = match cfg.batch_ends {
            Some("FAILED") | Some("CANCELLED") => 0,
            Some("TIMEOUT_EXCEEDED") => job.total / 2,
            _ => job.total,
        };
        for input in &inputs {
            let Some(bytes) = input else {
                self.violation(format!(
                    "job {} ran after its input file was deleted",
                    job.id
                ));
                continue;
            };
            for line in bytes.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
                let Ok(Value::Object(line)) = serde_json::from_slice::<Value>(line) else {
                    self.violation("a batch input line is not a JSON object".into());
                    continue;
                };
                for k in line.keys() {
                    if !["custom_id", "body"].contains(&k.as_str()) {
                        self.violation(format!("batch input line with field {k}"));
                    }
                }
                let custom_id = line.get("custom_id").cloned().unwrap_or(Value::Null);
                if !custom_ids.insert(custom_id.to_string()) {
                    self.violation(format!("custom_id {custom_id} used twice in a job"));
                }
                if custom_ids.len() > runs {
                    continue;
                }
                let Some(Value::Object(body)) = line.get("body") else {
                    self.violation("batch input line without a body".into());
                    continue;
                };
                if body.contains_key("model") {
                    self.violation("batch line names a model (the job does)".into());
                }
                let reply = if cfg
                    .batch_fail
                    .iter()
                    .any(|c| Some(c.as_str()) == custom_id.as_str())
                {
                    error(
                        400,
                        "Invalid document: could not be processed",
                        "invalid_request_error",
                        "3000",
                    )
                } else {
                    self.ocr_answer(
                        body,
                        &MistralConfig {
                            ocr_fails: None,
                            ..cfg.clone()
                        },
                    )
                };
                let body: Value = serde_json::from_slice(&reply.body).unwrap_or(Value::Null);
                let line = json!({"id": format!("batchreq-{}", ids::hex(8)), "custom_id": custom_id,
                    "response": {"status_code": reply.status, "body": body}, "error": null});
                if reply.status == 200 {
                    output.push(line.to_string());
                } else {
                    errors.push(line.to_string());
                }
            }
        }
        job.status = cfg.batch_ends.unwrap_or("SUCCESS");
        job.succeeded = output.len();
        job.failed = errors.len();
        let mut st = lock(&self.state);
        st.batch_answered += output.len();
        let mut store = |lines: Vec<String>, kind: &str| -> Option<String> {
            if lines.is_empty() {
                return None;
            }
            let id = ids::uuid();
            st.files.insert(
                id.clone(),
                StoredFile {
                    filename: format!("{}.jsonl", job.id),
                    purpose: kind.to_string(),
                    bytes: (lines.join("\n") + "\n").into_bytes(),
                    deleted: false,
                    by_service: true,
                },
            );
            Some(id)
        };
        job.output_file = store(output, "batch_result");
        job.error_file = store(errors, "batch_error");
        if cfg.batch_output_deleted {
            for id in job.output_file.iter() {
                if let Some(f) = st.files.get_mut(id) {
                    f.deleted = true;
                }
            }
        }
        let answer = job_out(&job, cfg.batch_hides_inputs);
        st.jobs.insert(job.id.clone(), job);
        answer
    }
}

impl Fake for FakeMistral {
    const NAME: &'static str = "mistral";

    fn base_url(&self) -> String {
        FakeMistral::base_url(self)
    }

    fn requests(&self) -> Vec<Recorded> {
        FakeMistral::requests(self)
    }

    fn creations(&self) -> usize {
        self.answered() + self.batch_answered()
    }

    fn violations(&self) -> Vec<String> {
        FakeMistral::violations(self)
    }

    fn watch(&self) -> &Watch {
        &self.watch
    }
}

drop_checks_violations!(FakeMistral);
