//! Fake Mistral AI API: `/v1/files` (upload, signed URL, delete) and `/v1/ocr`,
//! following `shared/providers.md` ("mistral") and the OpenAPI spec: `/v1/ocr` and
//! its document chunks reject unknown fields with 422 `{"detail": [...]}`, errors
//! come as `{"object":"error", ...}`, 429 as `type: "rate_limited"`.
//!
//! The file store counts what the client left behind: [`FakeMistral::files_left`]
//! must be 0 after every run, failed or interrupted ones included.

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
}

#[derive(Clone, Debug)]
pub struct StoredFile {
    pub filename: String,
    pub purpose: String,
    pub bytes: Vec<u8>,
    pub deleted: bool,
}

#[derive(Default)]
struct State {
    cfg: MistralConfig,
    files: HashMap<String, StoredFile>,
    violations: Vec<String>,
    /// OCR answers given (each one billed by the real service).
    answered: usize,
}

struct Core {
    state: Mutex<State>,
    log: Log,
    base: String,
}

pub struct FakeMistral {
    core: Arc<Core>,
    _listeners: Vec<Listener>,
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
            .filter(|f| !f.deleted)
            .count()
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
            ("POST", "/v1/ocr") => self.ocr(rq),
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
        if purpose.as_deref() != Some("ocr") {
            self.violation(format!("upload with purpose {purpose:?}, not ocr"));
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
            },
        );
        // `sample_type` and `source` carry values the spec's enums lack, as the
        // real service does.
        Reply::json(
            200,
            &json!({"id": id, "object": "file", "bytes": size, "created_at": 1_759_500_189,
                "filename": filename, "purpose": "ocr", "sample_type": "ocr_input",
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
        for k in body.keys() {
            if !OCR_FIELDS.contains(&k.as_str()) {
                self.violation(format!("/v1/ocr got unknown field {k}"));
                return extra_forbidden(&["body", k], &body[k]);
            }
        }
        if !body.get("model").is_some_and(Value::is_string) {
            self.violation("/v1/ocr without a model".into());
            return invalid(&["body", "model"], "Field required");
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
        if cfg.rate_limited {
            return error(429, "Rate limit exceeded", "rate_limited", "1300")
                .with_header("Retry-After", "0");
        }
        if let Some((status, body)) = cfg.ocr_fails {
            return Reply::json(status, &body);
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
        lock(&self.state).answered += 1;
        Reply::json(
            200,
            &json!({"pages": page_list, "model": "mistral-ocr-2505-completion",
                "document_annotation": null,
                "usage_info": {"pages_processed": pages.len(), "doc_size_bytes": doc_bytes.len()}}),
        )
    }
}
