//! Fake MinerU cloud: the v4 API and the flash agent API on one host (as on
//! mineru.net), an object store for signed uploads, and a result CDN, each on its own
//! port so that a key leaking to the wrong host is visible.
//!
//! Follows `shared/providers.md` ("mineru", "mineru flash") and seed 004. Everything a
//! correct client must not do is recorded in [`FakeMineru::violations`]; tests assert it
//! stays empty. Deliberate probes (a wrong key, an unknown task id, bad parameters) are
//! answered like the real service and are not violations: the answer is the test.

pub(crate) mod params;
pub(crate) mod task;

pub use task::{Advance, FAIL_MSG};

use super::fake::{drop_checks_violations, Fake, Watch};
use super::faults::Faults;
use super::http::{self, lock, Listener, Log, Recorded, Reply, Server};
use super::{ids, zipfix, EXPIRED_TOKEN, TOKEN};
use params::{check, last_segment, present, str_field};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use task::{Api, Outcome, Phase, Task, Upload};

/// Knobs for one fake; `FakeConfig::default()` behaves like the documented service.
#[derive(Clone, Debug)]
pub struct FakeConfig {
    pub advance: Advance,
    /// `total_pages` reported while running.
    pub pages: u32,
    /// Send `"code":"0"` instead of `0` on status answers (providers.md: `code` may be
    /// a number or a string).
    pub code_as_string: bool,
    /// Flash uploads above this size end `failed` ("file exceeds 10MB limit").
    pub flash_max_bytes: u64,
    /// Flash task creations served before HTTP 429; `u32::MAX` = unlimited.
    pub rate_limit_flash: u32,
    /// Files accepted in one batch call (providers.md: 200).
    pub max_batch_files: usize,
    /// The account's daily page quota is used up: every v4 task creation answers
    /// `-60018` (providers.md), in Chinese as the real service does.
    pub daily_limit_reached: bool,
    /// Faults injected into every host's answers.
    pub faults: Option<Arc<Faults>>,
    /// Serve this zip (streamed from disk) as every finished v4 result instead of
    /// the demo zip: the benchmark's large result.
    pub result_zip: Option<std::path::PathBuf>,
}

impl Default for FakeConfig {
    fn default() -> Self {
        FakeConfig {
            advance: Advance::PerPoll,
            pages: 12,
            code_as_string: false,
            flash_max_bytes: 10 * 1024 * 1024,
            rate_limit_flash: u32::MAX,
            max_batch_files: 200,
            daily_limit_reached: false,
            faults: None,
            result_zip: None,
        }
    }
}

/// The three fake hosts of MinerU, serving until dropped.
pub struct FakeMineru {
    core: Arc<Core>,
    // Held for their Drop, which stops the worker threads and frees the ports.
    _listeners: Vec<Listener>,
    watch: Watch,
}

/// Worker threads per listener: enough for a client's parallel polls and downloads.
const WORKERS: usize = 4;

impl FakeMineru {
    pub fn start() -> FakeMineru {
        FakeMineru::start_with(FakeConfig::default())
    }

    pub fn start_with(cfg: FakeConfig) -> FakeMineru {
        let faults = cfg.faults.clone();
        let (api, oss, cdn) = (http::bind(), http::bind(), http::bind());
        let core = Arc::new(Core {
            state: Mutex::new(State {
                cfg,
                ..State::default()
            }),
            log: Log::default(),
            api_base: api.base_url(),
            oss_base: oss.base_url(),
            cdn_base: cdn.base_url(),
        });
        let handler = |route: fn(&Core, &Recorded) -> Reply| -> http::Handler {
            let core = core.clone();
            Arc::new(move |rq: &Recorded| route(&core, rq))
        };
        let listeners = vec![
            api.serve_faulty(
                Server::Api,
                WORKERS,
                core.log.clone(),
                handler(Core::api),
                faults.clone(),
            ),
            oss.serve_faulty(
                Server::Oss,
                WORKERS,
                core.log.clone(),
                handler(Core::oss),
                faults.clone(),
            ),
            cdn.serve_faulty(
                Server::Cdn,
                WORKERS,
                core.log.clone(),
                handler(Core::cdn),
                faults.clone(),
            ),
        ];
        FakeMineru {
            core,
            watch: Watch::default(),
            _listeners: listeners,
        }
    }

    /// The API host (v4 and flash), e.g. `http://127.0.0.1:41234`, no trailing slash.
    pub fn base_url(&self) -> String {
        self.core.api_base.clone()
    }

    /// The host of signed upload URLs.
    pub fn oss_url(&self) -> String {
        self.core.oss_base.clone()
    }

    /// The host of result downloads.
    pub fn cdn_url(&self) -> String {
        self.core.cdn_base.clone()
    }

    /// Every request received by any of the three hosts, in arrival order.
    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.core.log).clone()
    }

    /// The requests after the first `seen`, in arrival order: a reader that
    /// looks often (the benchmark's log, every 20 ms) copies only what is new
    /// instead of the whole log under the lock every request waits on.
    pub fn requests_after(&self, seen: usize) -> Vec<Recorded> {
        let log = lock(&self.core.log);
        log[seen.min(log.len())..].to_vec()
    }

    /// Requests with this method whose path (query included) starts with `path_prefix`.
    pub fn count(&self, method: &str, path_prefix: &str) -> usize {
        lock(&self.core.log)
            .iter()
            .filter(|r| r.method.eq_ignore_ascii_case(method) && r.path.starts_with(path_prefix))
            .count()
    }

    /// Protocol mistakes the client made; empty for a correct client.
    pub fn violations(&self) -> Vec<String> {
        self.core.state().violations.clone()
    }

    /// Documents submitted: v4 tasks, each file of a batch, flash tasks.
    pub fn tasks_created(&self) -> usize {
        self.core.state().tasks.len()
    }

    pub fn set_advance(&self, a: Advance) {
        self.core.state().cfg.advance = a;
    }

    /// Flash task creations served (in all) before HTTP 429.
    pub fn set_rate_limit_flash(&self, n: u32) {
        self.core.state().cfg.rate_limit_flash = n;
    }

    /// The last bytes PUT for the upload announced under `file_name` (v4 `name` or flash
    /// `file_name`), if any arrived.
    pub fn uploaded(&self, file_name: &str) -> Option<Vec<u8>> {
        let st = self.core.state();
        st.order
            .iter()
            .rev()
            .filter_map(|id| st.tasks.get(id))
            .filter(|t| t.file_name == file_name)
            .find_map(|t| t.upload.as_ref()?.bytes.clone())
    }

    /// PUTs that repeated an earlier one to the same signed URL. Allowed (a retry after
    /// a lost answer), so not a violation, but tests of retry logic may count them.
    pub fn reuploads(&self) -> usize {
        let st = self.core.state();
        st.tasks
            .values()
            .filter_map(|t| t.upload.as_ref())
            .map(|u| u.puts.saturating_sub(1))
            .sum()
    }
}

struct Core {
    state: Mutex<State>,
    log: Log,
    api_base: String,
    oss_base: String,
    cdn_base: String,
}

#[derive(Default)]
struct State {
    cfg: FakeConfig,
    tasks: HashMap<String, Task>,
    /// Task ids in creation order.
    order: Vec<String>,
    /// Batch id → its tasks, in the order of the request's `files`.
    batches: HashMap<String, Vec<String>>,
    /// Upload token → task id.
    uploads: HashMap<String, String>,
    violations: Vec<String>,
    flash_created: u32,
}

impl State {
    fn add(&mut self, t: Task) -> String {
        let id = t.id.clone();
        if let Some(u) = &t.upload {
            self.uploads.insert(u.token.clone(), id.clone());
        }
        self.order.push(id.clone());
        self.tasks.insert(id.clone(), t);
        id
    }
}

// ---------------------------------------------------------------------------------
// Answers shared by the endpoints.

fn envelope(code: Value, msg: Value, data: Option<Value>) -> Value {
    let mut v = json!({"code": code, "msg": msg, "trace_id": ids::hex(32)});
    if let Some(d) = data {
        v["data"] = d;
    }
    v
}

fn ok(data: Value, code_as_string: bool) -> Reply {
    let code = if code_as_string { json!("0") } else { json!(0) };
    Reply::json(200, &envelope(code, json!("ok"), Some(data)))
}

/// v4 parameter errors come as HTTP 400 with `msg` an object (seen in reality).
fn v4_invalid(what: &str) -> Reply {
    let msg = json!({"en": format!("invalid params: {what}"), "zh": "参数错误"});
    Reply::json(400, &envelope(json!(-10002), msg, None))
}

fn v4_not_found() -> Reply {
    Reply::json(200, &envelope(json!(-60012), json!("task not found"), None))
}

/// Auth failures have their own body shape, unlike every other v4 answer.
fn auth_error(msg_code: &str, msg: &str) -> Reply {
    let body = json!({"traceId": ids::hex(32), "msgCode": msg_code, "msg": msg});
    Reply::json(401, &body)
}

fn flash_error(status: u16, code: i64, msg: &str) -> Reply {
    Reply::json(status, &envelope(json!(code), json!(msg), None))
}

fn oss_error(status: u16, code: &str, message: &str) -> Reply {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code>\
         <Message>{message}</Message></Error>"
    );
    Reply::new(status, "application/xml", body)
}

fn signature_mismatch() -> Reply {
    oss_error(
        403,
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided.",
    )
}

/// A size limit as the service words it: "10MB".
fn size(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{}MB", bytes / MIB)
    } else {
        format!("{bytes}B")
    }
}

/// Why a POST body is unusable.
enum BodyError {
    /// Wrong Content-Type or not JSON: the service's `-500`.
    NotJson,
    /// JSON, but not an object.
    NotObject,
}

fn json_object(rq: &Recorded) -> Result<Map<String, Value>, BodyError> {
    let is_json = rq.header("content-type").is_some_and(|ct| {
        ct.trim()
            .to_ascii_lowercase()
            .starts_with("application/json")
    });
    if !is_json {
        return Err(BodyError::NotJson);
    }
    match serde_json::from_slice::<Value>(&rq.body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(BodyError::NotObject),
        Err(_) => Err(BodyError::NotJson),
    }
}

fn v4_body(rq: &Recorded) -> Result<Map<String, Value>, Reply> {
    json_object(rq).map_err(|e| match e {
        BodyError::NotJson => Reply::json(
            200,
            &envelope(json!(-500), json!("invalid params or Content-Type"), None),
        ),
        BodyError::NotObject => v4_invalid("body must be a JSON object"),
    })
}

/// MinerU-HTML is required for HTML inputs.
fn check_model(input: &str, model_version: &str) -> Result<(), String> {
    if params::is_html(input) && model_version != "MinerU-HTML" {
        return Err(format!(
            "model_version must be MinerU-HTML for HTML input {input:?}"
        ));
    }
    Ok(())
}

/// The non-empty, bounded `files` list of a batch call, each entry checked.
fn batch_files<'a>(
    body: &'a Map<String, Value>,
    fields: &[&str],
    required: &str,
    max: usize,
) -> Result<Vec<&'a Map<String, Value>>, String> {
    let files = present(body, "files")
        .and_then(Value::as_array)
        .ok_or("`files` must be a list")?;
    if files.is_empty() || files.len() > max {
        return Err(format!(
            "`files` must hold 1 to {max} entries, not {}",
            files.len()
        ));
    }
    let model = str_field(body, "model_version").unwrap_or("pipeline");
    files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let obj = f
                .as_object()
                .ok_or(format!("files[{i}] must be an object"))?;
            check(obj, &[fields], &[required]).map_err(|e| format!("files[{i}]: {e}"))?;
            check_model(str_field(obj, required).unwrap_or(""), model)
                .map_err(|e| format!("files[{i}]: {e}"))?;
            Ok(obj)
        })
        .collect()
}

// ---------------------------------------------------------------------------------
// Request handling.

impl Core {
    fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    fn violation(&self, what: String) {
        self.state().violations.push(what);
    }

    fn unknown_endpoint(&self, rq: &Recorded) -> Reply {
        self.violation(format!("unknown endpoint {} {}", rq.method, rq.path_only()));
        Reply::json(404, &envelope(json!(404), json!("not found"), None))
    }

    fn mentions_key(rq: &Recorded) -> bool {
        rq.mentions(TOKEN) || rq.mentions(EXPIRED_TOKEN)
    }

    /// A signed upload URL: the token names the object, the signature must come back
    /// verbatim. Real signatures are base64 with `+`/`=` percent-encoded; keeping them
    /// encoded catches clients that decode or re-encode the URL.
    fn new_upload(&self) -> (Upload, String) {
        let token = ids::hex(24);
        let signature = format!("{}%2B{}%3D", ids::hex(12), ids::hex(12));
        let expires = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
            + 24 * 3600;
        let url = format!(
            "{}/upload/{token}?Expires={expires}&OSSAccessKeyId=LTAI5tFakeOssAccess&Signature={signature}",
            self.oss_base
        );
        let upload = Upload {
            token,
            signature,
            bytes: None,
            puts: 0,
        };
        (upload, url)
    }

    /// Fields of a status answer that depend on the phase, shared by v4 and flash.
    fn progress(&self, t: &Task, phase: &Phase, pages: u32, out: &mut Map<String, Value>) {
        if let Some(d) = &t.data_id {
            out.insert("data_id".into(), json!(d));
        }
        match phase {
            Phase::Done => {
                let (key, ext) = match t.api {
                    Api::V4 => ("full_zip_url", "zip"),
                    Api::Flash => ("markdown_url", "md"),
                };
                let url = format!("{}/results/{}.{ext}", self.cdn_base, t.id);
                out.insert(key.into(), json!(url));
            }
            Phase::Running { extracted } => {
                let p = json!({
                    "extracted_pages": extracted,
                    "total_pages": pages.max(1),
                    "start_time": t.start_time,
                });
                out.insert("extract_progress".into(), p);
            }
            _ => {}
        }
    }

    /// One task's status; `first` names it: `task_id` in task answers, `file_name` in
    /// batch results, as the real service does.
    fn status_json(&self, t: &Task, pages: u32, first: (&str, &str)) -> Value {
        let phase = t.phase(pages);
        let mut out = Map::new();
        out.insert(first.0.into(), json!(first.1));
        out.insert("state".into(), json!(phase.state()));
        out.insert("err_msg".into(), json!(phase.err_msg()));
        self.progress(t, &phase, pages, &mut out);
        Value::Object(out)
    }

    // --- API host -------------------------------------------------------------------

    fn api(&self, rq: &Recorded) -> Reply {
        let path = rq.path_only();
        if let Some(rest) = path.strip_prefix("/api/v4/") {
            self.v4(rq, rest)
        } else if let Some(rest) = path.strip_prefix("/api/v1/agent/") {
            self.flash(rq, rest)
        } else {
            self.unknown_endpoint(rq)
        }
    }

    fn v4(&self, rq: &Recorded, rest: &str) -> Reply {
        match rq.header("authorization") {
            Some(v) if v == format!("Bearer {TOKEN}") => {}
            Some(v) if v == format!("Bearer {EXPIRED_TOKEN}") => {
                return auth_error("A0211", "token expired")
            }
            _ => return auth_error("A0202", "user authenticate failed"),
        }
        let segs: Vec<&str> = rest.split('/').collect();
        if rq.method == "POST" && self.state().cfg.daily_limit_reached {
            let msg = json!("每日解析页数已达上限");
            return Reply::json(200, &envelope(json!(-60018), msg, None));
        }
        match (rq.method.as_str(), segs.as_slice()) {
            ("POST", ["extract", "task"]) => self.v4_create(rq),
            ("POST", ["extract", "task", "batch"]) => self.v4_url_batch(rq),
            ("POST", ["file-urls", "batch"]) => self.v4_upload_batch(rq),
            ("GET", ["extract", "task", id]) => self.v4_task_status(id),
            ("GET", ["extract-results", "batch", id]) => self.v4_batch_status(id),
            _ => self.unknown_endpoint(rq),
        }
    }

    fn v4_create(&self, rq: &Recorded) -> Reply {
        let body = match v4_body(rq) {
            Ok(b) => b,
            Err(reply) => return reply,
        };
        if let Err(e) = check(&body, &[params::V4_OPTIONS, &["url"]], &["url"]) {
            return v4_invalid(&e);
        }
        let url = str_field(&body, "url").unwrap_or_default();
        let model = str_field(&body, "model_version").unwrap_or("pipeline");
        if let Err(e) = check_model(url, model) {
            return v4_invalid(&e);
        }
        if url.starts_with(&self.oss_base) {
            self.violation(format!(
                "extract/task called with a signed upload URL ({url}): uploads start by themselves"
            ));
        }
        let mut t = Task::new(ids::uuid(), Api::V4, last_segment(url).into(), url, None);
        t.data_id = str_field(&body, "data_id").map(String::from);
        let id = self.state().add(t);
        ok(json!({"task_id": id}), false)
    }

    fn v4_url_batch(&self, rq: &Recorded) -> Reply {
        let body = match v4_body(rq) {
            Ok(b) => b,
            Err(reply) => return reply,
        };
        let max = self.state().cfg.max_batch_files;
        let files = match check(&body, &[params::V4_OPTIONS, &["files"]], &["files"])
            .and_then(|()| batch_files(&body, params::V4_URL_FILE, "url", max))
        {
            Ok(f) => f,
            Err(e) => return v4_invalid(&e),
        };
        let default_data_id = str_field(&body, "data_id");
        let mut st = self.state();
        let ids: Vec<String> = files
            .iter()
            .map(|f| {
                let url = str_field(f, "url").unwrap_or_default();
                let mut t = Task::new(ids::uuid(), Api::V4, last_segment(url).into(), url, None);
                t.data_id = str_field(f, "data_id")
                    .or(default_data_id)
                    .map(String::from);
                st.add(t)
            })
            .collect();
        let batch_id = ids::uuid();
        st.batches.insert(batch_id.clone(), ids);
        ok(json!({"batch_id": batch_id}), false)
    }

    fn v4_upload_batch(&self, rq: &Recorded) -> Reply {
        let body = match v4_body(rq) {
            Ok(b) => b,
            Err(reply) => return reply,
        };
        let max = self.state().cfg.max_batch_files;
        let files = match check(&body, &[params::V4_OPTIONS, &["files"]], &["files"])
            .and_then(|()| batch_files(&body, params::V4_UPLOAD_FILE, "name", max))
        {
            Ok(f) => f,
            Err(e) => return v4_invalid(&e),
        };
        let default_data_id = str_field(&body, "data_id");
        let mut st = self.state();
        let mut ids = Vec::new();
        let mut urls = Vec::new();
        for f in files {
            let name = str_field(f, "name").unwrap_or_default();
            let (upload, url) = self.new_upload();
            let mut t = Task::new(ids::uuid(), Api::V4, name.into(), name, Some(upload));
            t.data_id = str_field(f, "data_id")
                .or(default_data_id)
                .map(String::from);
            ids.push(st.add(t));
            urls.push(url);
        }
        let batch_id = ids::uuid();
        st.batches.insert(batch_id.clone(), ids);
        ok(json!({"batch_id": batch_id, "file_urls": urls}), false)
    }

    fn v4_task_status(&self, id: &str) -> Reply {
        let mut st = self.state();
        let (advance, pages, as_string) = (st.cfg.advance, st.cfg.pages, st.cfg.code_as_string);
        let Some(t) = st.tasks.get_mut(id).filter(|t| t.api == Api::V4) else {
            return v4_not_found();
        };
        t.catch_up(advance);
        let data = self.status_json(t, pages, ("task_id", id));
        t.polled(advance);
        ok(data, as_string)
    }

    fn v4_batch_status(&self, batch_id: &str) -> Reply {
        let mut st = self.state();
        let (advance, pages, as_string) = (st.cfg.advance, st.cfg.pages, st.cfg.code_as_string);
        let Some(ids) = st.batches.get(batch_id).cloned() else {
            return v4_not_found();
        };
        let results: Vec<Value> = ids
            .iter()
            .filter_map(|id| {
                let t = st.tasks.get_mut(id)?;
                t.catch_up(advance);
                let entry = self.status_json(t, pages, ("file_name", &t.file_name));
                t.polled(advance);
                Some(entry)
            })
            .collect();
        ok(
            json!({"batch_id": batch_id, "extract_result": results}),
            as_string,
        )
    }

    fn flash(&self, rq: &Recorded, rest: &str) -> Reply {
        if rq.has_header("authorization") || Self::mentions_key(rq) {
            self.violation(format!(
                "key or Authorization sent to the flash API, which takes none: {} {}",
                rq.method,
                rq.path_only()
            ));
        }
        let segs: Vec<&str> = rest.split('/').collect();
        match (rq.method.as_str(), segs.as_slice()) {
            ("POST", ["parse", "url"]) => self.flash_create(rq, false),
            ("POST", ["parse", "file"]) => self.flash_create(rq, true),
            ("GET", ["parse", id]) => self.flash_status(id),
            _ => self.unknown_endpoint(rq),
        }
    }

    fn flash_create(&self, rq: &Recorded, file: bool) -> Reply {
        let body = match json_object(rq) {
            Ok(b) => b,
            Err(_) => {
                return flash_error(200, -30001, "invalid params: body must be a JSON object")
            }
        };
        let (fields, required) = if file {
            (params::FLASH_FILE, "file_name")
        } else {
            (params::FLASH_URL, "url")
        };
        if let Err(e) = check(&body, &[fields], &[required]) {
            return flash_error(200, -30001, &format!("invalid params: {e}"));
        }
        let input = str_field(&body, required).unwrap_or_default();
        let mut st = self.state();
        if st.flash_created >= st.cfg.rate_limit_flash {
            return flash_error(429, -30004, "too many requests");
        }
        st.flash_created += 1;
        let (upload, file_url) = if file {
            let (u, url) = self.new_upload();
            (Some(u), Some(url))
        } else {
            (None, None)
        };
        let name = if file { input } else { last_segment(input) };
        let id = st.add(Task::new(
            ids::uuid(),
            Api::Flash,
            name.into(),
            input,
            upload,
        ));
        let mut data = json!({"task_id": id});
        if let Some(url) = file_url {
            data["file_url"] = json!(url);
        }
        ok(data, false)
    }

    fn flash_status(&self, id: &str) -> Reply {
        let mut st = self.state();
        let (advance, pages, as_string) = (st.cfg.advance, st.cfg.pages, st.cfg.code_as_string);
        let Some(t) = st.tasks.get_mut(id).filter(|t| t.api == Api::Flash) else {
            return flash_error(200, -30003, "task not found");
        };
        t.catch_up(advance);
        let data = self.status_json(t, pages, ("task_id", id));
        t.polled(advance);
        ok(data, as_string)
    }

    // --- OSS host -------------------------------------------------------------------

    fn oss(&self, rq: &Recorded) -> Reply {
        let what = format!("{} {}", rq.method, rq.path_only());
        if Self::mentions_key(rq) {
            self.violation(format!("key sent to OSS: {what}"));
        }
        if rq.method != "PUT" {
            self.violation(format!("{what}: upload URLs take only PUT"));
            return oss_error(
                405,
                "MethodNotAllowed",
                "The specified method is not allowed.",
            );
        }
        // The signature is bound to an empty Content-Type and no Authorization.
        let mut refused = Vec::new();
        if let Some(v) = rq.header("authorization") {
            refused.push(format!("Authorization header ({v:?})"));
        }
        if let Some(v) = rq.header("content-type") {
            refused.push(format!("Content-Type header ({v:?})"));
        }
        if !refused.is_empty() {
            self.violation(format!(
                "{what}: upload PUT carried {}",
                refused.join(" and ")
            ));
            return signature_mismatch();
        }
        let chunked = rq
            .header("transfer-encoding")
            .is_some_and(|te| te.to_ascii_lowercase().contains("chunked"));
        if chunked || !rq.has_header("content-length") {
            self.violation(format!(
                "{what}: upload PUT without Content-Length (chunked: {chunked})"
            ));
            return oss_error(
                411,
                "MissingContentLength",
                "You must provide the Content-Length HTTP header.",
            );
        }

        let token = rq.path_only().strip_prefix("/upload/").unwrap_or_default();
        let mut st = self.state();
        let limit = st.cfg.flash_max_bytes;
        let task_id = st.uploads.get(token).cloned();
        let stored = match task_id.and_then(|id| st.tasks.get_mut(&id)) {
            None => Err("PUT to an upload URL that was never issued".to_string()),
            Some(t) => {
                let expected = t.upload.as_ref().map(|u| u.signature.as_str());
                let sent = rq
                    .query()
                    .split('&')
                    .find_map(|kv| kv.strip_prefix("Signature="));
                if sent.is_none() || sent != expected {
                    Err(format!("signed URL query altered ({:?})", rq.query()))
                } else {
                    if t.api == Api::Flash && rq.body.len() as u64 > limit {
                        t.too_large = Some(format!("file exceeds {} limit", size(limit)));
                    }
                    t.receive(rq.body.clone());
                    Ok(())
                }
            }
        };
        drop(st);
        match stored {
            Ok(()) => {
                let etag = format!("\"{}\"", ids::hex(32).to_uppercase());
                Reply::empty(200).with_header("ETag", &etag)
            }
            Err(e) => {
                self.violation(format!("{what}: {e}"));
                signature_mismatch()
            }
        }
    }

    // --- CDN host -------------------------------------------------------------------

    fn cdn(&self, rq: &Recorded) -> Reply {
        let what = format!("{} {}", rq.method, rq.path_only());
        if rq.has_header("authorization") || Self::mentions_key(rq) {
            self.violation(format!("key sent to CDN: {what}"));
        }
        if rq.method != "GET" && rq.method != "HEAD" {
            self.violation(format!("{what}: the CDN serves only GET"));
            return oss_error(
                405,
                "MethodNotAllowed",
                "The specified method is not allowed.",
            );
        }
        let Some((id, ext)) = rq
            .path_only()
            .strip_prefix("/results/")
            .and_then(|f| f.rsplit_once('.'))
        else {
            return self.cdn_unknown(&what);
        };
        let referer_ok = rq
            .header("referer")
            .is_some_and(|r| r.starts_with("https://mineru.net"));
        if ext == "zip" && !referer_ok {
            self.violation(format!(
                "{what}: result download without Referer: https://mineru.net/"
            ));
            return oss_error(
                403,
                "AccessDenied",
                "You have no right to access this object.",
            );
        }

        // Copy what the result needs and build it outside the lock: zips take a while.
        let st = self.state();
        let pages = st.cfg.pages;
        let result_zip = st.cfg.result_zip.clone();
        let found = st
            .tasks
            .get(id)
            .filter(|t| t.phase(pages) == Phase::Done)
            .map(|t| {
                (
                    t.api,
                    t.outcome,
                    t.html,
                    t.file_name.clone(),
                    t.upload.clone(),
                )
            });
        drop(st);
        match (ext, found) {
            ("zip", Some((Api::V4, outcome, html, name, upload))) => {
                if let (Outcome::Done, false, Some(zip)) = (outcome, html, &result_zip) {
                    return Reply::file(200, "application/zip", zip);
                }
                let bytes = if outcome == Outcome::Hostile {
                    zipfix::hostile_zip_bytes()
                } else if html {
                    zipfix::html_zip_bytes()
                } else {
                    let origin = upload.and_then(|u| u.bytes);
                    zipfix::demo_zip_bytes(id, origin.as_deref(), &params::extension(&name))
                };
                Reply::new(200, "application/zip", bytes)
            }
            ("md", Some((Api::Flash, ..))) => {
                Reply::new(200, "text/markdown; charset=utf-8", zipfix::demo_markdown())
            }
            _ => self.cdn_unknown(&what),
        }
    }

    /// Only URLs announced in a `done` answer exist; fetching anything else is a bug.
    fn cdn_unknown(&self, what: &str) -> Reply {
        self.violation(format!(
            "{what}: download of a result never announced as done"
        ));
        oss_error(404, "NoSuchKey", "The specified key does not exist.")
    }
}

impl Fake for FakeMineru {
    const NAME: &'static str = "mineru";

    fn base_url(&self) -> String {
        FakeMineru::base_url(self)
    }

    fn requests(&self) -> Vec<Recorded> {
        FakeMineru::requests(self)
    }

    fn creations(&self) -> usize {
        self.tasks_created()
    }

    fn violations(&self) -> Vec<String> {
        FakeMineru::violations(self)
    }

    fn watch(&self) -> &Watch {
        &self.watch
    }
}

drop_checks_violations!(FakeMineru);
