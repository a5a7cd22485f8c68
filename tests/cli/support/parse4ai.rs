//! Fake parse4ai: a MinerU clone with its own dialect, on two ports (API host and result
//! CDN) so that a key leaking to the CDN is visible.
//!
//! Follows `shared/providers.md` ("General rules", "parse4ai") and seed 001. The task
//! life cycle is the fake MinerU's ([`super::mineru::task`]): per-poll or time-based
//! advance, and URLs containing `fail`, `hostile` or `slow` fail, give the hostile
//! archive, or never finish.
//!
//! The dialect split, which is what tests of a parse4ai client mostly check:
//! - the single task (`POST /api/v1/extract/task`, `GET /api/v1/extract/task/{taskId}`)
//!   is camelCase, envelope `{code, message, data, timestamp}`;
//! - the batch (`POST /api/v1/extract/task/batch`,
//!   `GET /api/v1/extract-results/batch/{batch_id}`) is snake_case as MinerU, envelope
//!   `{code, msg, trace_id, data}`.
//!
//! Every answer, errors included, uses the envelope of the endpoint it comes from: auth
//! failures are HTTP 200 `{"code":-20002,"message":"token error","data":null,
//! "timestamp":…}` on the single-task endpoints and `{"code":-20002,"msg":"token error",
//! "trace_id":…}` on the batch ones (`-20011` "token expired" for [`P4_EXPIRED_KEY`]).
//!
//! What goes into [`FakeParse4ai::violations`] (tests assert it stays empty): a field
//! of the wrong dialect or otherwise unknown (also answered with HTTP 400 `-10002`: no
//! user input can make a correct client send one), a POST without a JSON Content-Type
//! (also answered `-500`), an unknown endpoint (HTTP 404; there is no upload endpoint),
//! the key in a task's `url`, and on the CDN: any `Authorization` header or the key
//! anywhere, a method other than GET/HEAD, or a result never announced as done.
//! Deliberate probes (wrong key, unknown task id, bad values such as a page range, too
//! many files) are answered like the real service and are not violations: the answer is
//! the test.

use super::fake::{drop_checks_violations, Fake, Watch};
use super::faults::Faults;
use super::http::{self, lock, Listener, Log, Recorded, Reply, Server};
use super::mineru::params::{self, check, last_segment, present, str_field};
use super::mineru::task::{Api, Outcome, Phase, Task};
use super::mineru::Advance;
use super::{ids, zipfix};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

/// The parse4ai key the fake accepts.
pub const P4_KEY: &str = "p4-key-789";
/// A key the fake rejects as expired (`-20011`).
pub const P4_EXPIRED_KEY: &str = "p4-expired";

/// Options of the camelCase single-task call, with their snake_case twins (used to run
/// the MinerU fake's value checks and to name the twin in violations).
pub const CAMEL_FIELDS: &[(&str, &str)] = &[
    ("url", "url"),
    ("isOcr", "is_ocr"),
    ("enableFormula", "enable_formula"),
    ("enableTable", "enable_table"),
    ("language", "language"),
    ("dataId", "data_id"),
    ("callback", "callback"),
    ("seed", "seed"),
    ("extraFormats", "extra_formats"),
    ("pageRanges", "page_ranges"),
    ("modelVersion", "model_version"),
];

/// Top-level fields of the snake_case batch call (seed 001: no top-level `is_ocr`,
/// `data_id` or `page_ranges`, those are per file).
pub const BATCH_FIELDS: &[&str] = &[
    "files",
    "enable_formula",
    "enable_table",
    "language",
    "callback",
    "seed",
    "extra_formats",
    "model_version",
];

/// Fields of one entry of the batch's `files`.
pub const BATCH_FILE_FIELDS: &[&str] = &["url", "is_ocr", "data_id", "page_ranges"];

/// parse4ai has no MinerU-HTML.
pub const P4_MODEL_VERSIONS: &[&str] = &["pipeline", "vlm"];

/// Knobs for one fake; `P4Config::default()` behaves like the documented service.
#[derive(Clone, Debug)]
pub struct P4Config {
    pub advance: Advance,
    /// `total_pages` reported while running.
    pub pages: u32,
    /// Files accepted in one batch call (seed 001: 200).
    pub max_batch_files: usize,
    /// The account's page balance is used up: task creations answer `-60017`
    /// "页码余额不足" (seed 001's error table).
    pub balance_empty: bool,
    /// Faults injected into every host's answers.
    pub faults: Option<Arc<Faults>>,
}

impl Default for P4Config {
    fn default() -> Self {
        P4Config {
            advance: Advance::PerPoll,
            pages: 12,
            max_batch_files: 200,
            balance_empty: false,
            faults: None,
        }
    }
}

/// The two fake hosts of parse4ai, serving until dropped.
pub struct FakeParse4ai {
    core: Arc<Core>,
    // Held for their Drop, which stops the worker threads and frees the ports.
    _listeners: Vec<Listener>,
    watch: Watch,
}

/// Worker threads per listener: enough for a client's parallel polls and downloads.
const WORKERS: usize = 4;

impl FakeParse4ai {
    pub fn start() -> FakeParse4ai {
        FakeParse4ai::start_with(P4Config::default())
    }

    pub fn start_with(cfg: P4Config) -> FakeParse4ai {
        let faults = cfg.faults.clone();
        let (api, cdn) = (http::bind(), http::bind());
        let core = Arc::new(Core {
            state: Mutex::new(State {
                cfg,
                tasks: HashMap::new(),
                batches: HashMap::new(),
                violations: Vec::new(),
            }),
            log: Log::default(),
            api_base: api.base_url(),
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
            cdn.serve_faulty(
                Server::Cdn,
                WORKERS,
                core.log.clone(),
                handler(Core::cdn),
                faults,
            ),
        ];
        FakeParse4ai {
            core,
            watch: Watch::default(),
            _listeners: listeners,
        }
    }

    /// The API host, e.g. `http://127.0.0.1:41234`, no trailing slash; paths start with
    /// `/api/v1/` (the real base is `http://8.148.69.123:8088`).
    pub fn base_url(&self) -> String {
        self.core.api_base.clone()
    }

    /// The host of result downloads (`/p4/<id>.zip`, `/p4/<id>.md`).
    pub fn cdn_url(&self) -> String {
        self.core.cdn_base.clone()
    }

    /// Every request received by either host, in arrival order.
    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.core.log).clone()
    }

    /// Protocol mistakes the client made; empty for a correct client.
    pub fn violations(&self) -> Vec<String> {
        self.core.state().violations.clone()
    }

    /// Documents submitted: single tasks plus each file of a batch.
    pub fn tasks_created(&self) -> usize {
        self.core.state().tasks.len()
    }

    /// Requests with this method whose path (query included) starts with `path_prefix`.
    pub fn count(&self, method: &str, path_prefix: &str) -> usize {
        lock(&self.core.log)
            .iter()
            .filter(|r| r.method.eq_ignore_ascii_case(method) && r.path.starts_with(path_prefix))
            .count()
    }

    pub fn set_advance(&self, a: Advance) {
        self.core.state().cfg.advance = a;
    }
}

struct Core {
    state: Mutex<State>,
    log: Log,
    api_base: String,
    cdn_base: String,
}

struct State {
    cfg: P4Config,
    tasks: HashMap<String, Task>,
    /// Batch id → its tasks, in the order of the request's `files`.
    batches: HashMap<String, Vec<String>>,
    violations: Vec<String>,
}

impl State {
    fn add(&mut self, t: Task) -> String {
        let id = t.id.clone();
        self.tasks.insert(id.clone(), t);
        id
    }
}

// ---------------------------------------------------------------------------------
// Envelopes.

/// The two answer shapes of parse4ai.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dialect {
    /// Single task: `{code, message, data, timestamp}`, camelCase fields.
    Camel,
    /// Batch: `{code, msg, trace_id, data}`, snake_case fields (as MinerU).
    Snake,
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

fn answer(d: Dialect, status: u16, code: i64, msg: &str, data: Option<Value>) -> Reply {
    let body = match d {
        Dialect::Camel => json!({
            "code": code,
            "message": msg,
            "data": data.unwrap_or(Value::Null),
            "timestamp": now_ms(),
        }),
        Dialect::Snake => {
            let mut v = json!({"code": code, "msg": msg, "trace_id": ids::hex(32)});
            if let Some(data) = data {
                v["data"] = data;
            }
            v
        }
    };
    Reply::json(status, &body)
}

fn invalid(d: Dialect, what: &str) -> Reply {
    answer(d, 400, -10002, &format!("invalid params: {what}"), None)
}

fn not_found(d: Dialect) -> Reply {
    answer(d, 200, -60012, "task not found", None)
}

/// What the checks of [`params`] say about snake names, said with the camel ones.
fn camelize(mut msg: String) -> String {
    for (camel, snake) in CAMEL_FIELDS {
        msg = msg.replace(&format!("`{snake}`"), &format!("`{camel}`"));
    }
    msg
}

fn check_model(obj: &Map<String, Value>, name: &str) -> Result<(), String> {
    match str_field(obj, name) {
        Some(m) if !P4_MODEL_VERSIONS.contains(&m) => {
            Err(format!("`{name}` must be one of pipeline, vlm"))
        }
        _ => Ok(()),
    }
}

/// The JSON object of a POST, or why not: `None` = wrong Content-Type or not JSON (the
/// service's `-500`), `Some(Err)` = JSON but not an object.
fn json_object(rq: &Recorded) -> Option<Result<Map<String, Value>, ()>> {
    let is_json = rq.header("content-type").is_some_and(|ct| {
        ct.trim()
            .to_ascii_lowercase()
            .starts_with("application/json")
    });
    if !is_json {
        return None;
    }
    match serde_json::from_slice::<Value>(&rq.body) {
        Ok(Value::Object(m)) => Some(Ok(m)),
        Ok(_) => Some(Err(())),
        Err(_) => None,
    }
}

// ---------------------------------------------------------------------------------
// Request handling.

enum Route<'a> {
    Create,
    Status(&'a str),
    Batch,
    BatchStatus(&'a str),
}

impl Route<'_> {
    fn dialect(&self) -> Dialect {
        match self {
            Route::Create | Route::Status(_) => Dialect::Camel,
            Route::Batch | Route::BatchStatus(_) => Dialect::Snake,
        }
    }
}

impl Core {
    fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    fn violation(&self, what: String) {
        self.state().violations.push(what);
    }

    fn mentions_key(rq: &Recorded) -> bool {
        let in_body = |k: &str| rq.body.windows(k.len()).any(|w| w == k.as_bytes());
        [P4_KEY, P4_EXPIRED_KEY]
            .iter()
            .any(|k| rq.mentions(k) || in_body(k))
    }

    // --- API host -------------------------------------------------------------------

    fn api(&self, rq: &Recorded) -> Reply {
        let path = rq.path_only();
        let segs: Vec<&str> = match path.strip_prefix("/api/v1/") {
            Some(rest) => rest.split('/').collect(),
            None => Vec::new(),
        };
        let route = match (rq.method.as_str(), segs.as_slice()) {
            ("POST", ["extract", "task"]) => Route::Create,
            ("POST", ["extract", "task", "batch"]) => Route::Batch,
            ("GET", ["extract", "task", id]) => Route::Status(id),
            ("GET", ["extract-results", "batch", id]) => Route::BatchStatus(id),
            _ => return self.unknown_endpoint(rq),
        };
        let d = route.dialect();
        match rq.header("authorization") {
            Some(v) if v == format!("Bearer {P4_KEY}") => {}
            Some(v) if v == format!("Bearer {P4_EXPIRED_KEY}") => {
                return answer(d, 200, -20011, "token expired", None)
            }
            _ => return answer(d, 200, -20002, "token error", None),
        }
        let creates = matches!(route, Route::Create | Route::Batch);
        if creates && self.state().cfg.balance_empty {
            return answer(d, 200, -60017, "页码余额不足", None);
        }
        match route {
            Route::Create => self.create(rq),
            Route::Status(id) => self.status(id),
            Route::Batch => self.batch(rq),
            Route::BatchStatus(id) => self.batch_status(id),
        }
    }

    /// Spring Boot's 404, which is what the real host answers for unknown paths.
    fn unknown_endpoint(&self, rq: &Recorded) -> Reply {
        self.violation(format!("unknown endpoint {} {}", rq.method, rq.path_only()));
        let body = json!({
            "timestamp": now_ms(),
            "status": 404,
            "error": "Not Found",
            "path": rq.path_only(),
        });
        Reply::json(404, &body)
    }

    /// The POST body as an object, or the answer refusing it.
    fn body(&self, rq: &Recorded, d: Dialect) -> Result<Map<String, Value>, Reply> {
        match json_object(rq) {
            Some(Ok(m)) => Ok(m),
            Some(Err(())) => Err(invalid(d, "body must be a JSON object")),
            None => {
                self.violation(format!(
                    "POST {} without a JSON body and `Content-Type: application/json` (got {:?})",
                    rq.path_only(),
                    rq.header("content-type")
                ));
                Err(answer(d, 200, -500, "invalid params or Content-Type", None))
            }
        }
    }

    /// Rejects (and records) a field this endpoint does not know, naming the spelling
    /// it wanted when the field is the other dialect's.
    fn unknown_field(&self, endpoint: &str, shown: &str, name: &str, d: Dialect) -> Reply {
        let twin = match d {
            Dialect::Camel => CAMEL_FIELDS.iter().find(|(_, s)| *s == name).map(|c| c.0),
            Dialect::Snake => CAMEL_FIELDS.iter().find(|(c, _)| *c == name).map(|c| c.1),
        };
        let hint = match twin {
            Some(t) if t != name => format!(" (this endpoint spells it `{t}`)"),
            _ => String::new(),
        };
        self.violation(format!("unknown field `{shown}` sent to {endpoint}{hint}"));
        invalid(d, &format!("unknown field {shown}"))
    }

    fn check_url(&self, url: &str) {
        if url.contains(P4_KEY) || url.contains(P4_EXPIRED_KEY) {
            self.violation(format!("API key inside a task URL: {url}"));
        }
    }

    fn create(&self, rq: &Recorded) -> Reply {
        const ENDPOINT: &str = "POST /api/v1/extract/task (camelCase)";
        let d = Dialect::Camel;
        let body = match self.body(rq, d) {
            Ok(b) => b,
            Err(reply) => return reply,
        };
        let mut snake = Map::new();
        for (name, value) in &body {
            match CAMEL_FIELDS.iter().find(|(c, _)| c == name) {
                Some((_, s)) => {
                    snake.insert((*s).to_string(), value.clone());
                }
                None => return self.unknown_field(ENDPOINT, name, name, d),
            }
        }
        let checked = check(&snake, &[params::V4_OPTIONS, &["url"]], &["url"])
            .and_then(|()| check_model(&snake, "model_version"));
        if let Err(e) = checked {
            return invalid(d, &camelize(e));
        }
        let url = str_field(&snake, "url").unwrap_or_default();
        self.check_url(url);
        let mut t = Task::new(ids::uuid(), Api::V4, last_segment(url).into(), url, None);
        t.data_id = str_field(&snake, "data_id").map(String::from);
        let id = self.state().add(t);
        answer(d, 200, 0, "success", Some(json!({"taskId": id})))
    }

    fn batch(&self, rq: &Recorded) -> Reply {
        const ENDPOINT: &str = "POST /api/v1/extract/task/batch (snake_case)";
        let d = Dialect::Snake;
        let body = match self.body(rq, d) {
            Ok(b) => b,
            Err(reply) => return reply,
        };
        if let Some(name) = body.keys().find(|k| !BATCH_FIELDS.contains(&k.as_str())) {
            return self.unknown_field(ENDPOINT, name, name, d);
        }
        if let Err(e) = check(&body, &[BATCH_FIELDS], &["files"])
            .and_then(|()| check_model(&body, "model_version"))
        {
            return invalid(d, &e);
        }
        let files = present(&body, "files")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let max = self.state().cfg.max_batch_files;
        if files.is_empty() || files.len() > max {
            let n = files.len();
            return invalid(d, &format!("`files` must hold 1 to {max} entries, not {n}"));
        }
        let mut entries = Vec::new();
        for (i, f) in files.iter().enumerate() {
            let Some(obj) = f.as_object() else {
                return invalid(d, &format!("files[{i}] must be an object"));
            };
            if let Some(name) = obj
                .keys()
                .find(|k| !BATCH_FILE_FIELDS.contains(&k.as_str()))
            {
                return self.unknown_field(ENDPOINT, &format!("files[{i}].{name}"), name, d);
            }
            if let Err(e) = check(obj, &[BATCH_FILE_FIELDS], &["url"]) {
                return invalid(d, &format!("files[{i}]: {e}"));
            }
            entries.push(obj);
        }
        let mut tasks = Vec::new();
        for f in entries {
            let url = str_field(f, "url").unwrap_or_default();
            self.check_url(url);
            let mut t = Task::new(ids::uuid(), Api::V4, last_segment(url).into(), url, None);
            t.data_id = str_field(f, "data_id").map(String::from);
            tasks.push(t);
        }
        let mut st = self.state();
        let ids: Vec<String> = tasks.into_iter().map(|t| st.add(t)).collect();
        let batch_id = ids::uuid();
        st.batches.insert(batch_id.clone(), ids);
        answer(d, 200, 0, "ok", Some(json!({"batch_id": batch_id})))
    }

    /// One task's status in either dialect: the same facts, spelled per endpoint.
    fn status_json(&self, t: &Task, pages: u32, d: Dialect) -> Value {
        let key = |camel: &'static str, snake: &'static str| match d {
            Dialect::Camel => camel,
            Dialect::Snake => snake,
        };
        let phase = t.phase(pages);
        let mut out = Map::new();
        match d {
            Dialect::Camel => out.insert("taskId".into(), json!(t.id)),
            Dialect::Snake => out.insert("file_name".into(), json!(t.file_name)),
        };
        out.insert("state".into(), json!(phase.state()));
        out.insert(key("errMsg", "err_msg").into(), json!(phase.err_msg()));
        if let Some(data_id) = &t.data_id {
            out.insert(key("dataId", "data_id").into(), json!(data_id));
        }
        match phase {
            Phase::Done => {
                let base = format!("{}/p4/{}", self.cdn_base, t.id);
                out.insert(
                    key("fullZipUrl", "full_zip_url").into(),
                    json!(format!("{base}.zip")),
                );
                if d == Dialect::Camel {
                    out.insert("markdownUrl".into(), json!(format!("{base}.md")));
                }
            }
            Phase::Running { extracted } => {
                let progress = json!({
                    (key("extractedPages", "extracted_pages")): extracted,
                    (key("totalPages", "total_pages")): pages.max(1),
                    (key("startTime", "start_time")): t.start_time,
                });
                out.insert(key("extractProgress", "extract_progress").into(), progress);
            }
            _ => {}
        }
        Value::Object(out)
    }

    fn status(&self, id: &str) -> Reply {
        let mut st = self.state();
        let (advance, pages) = (st.cfg.advance, st.cfg.pages);
        let Some(t) = st.tasks.get_mut(id) else {
            return not_found(Dialect::Camel);
        };
        t.catch_up(advance);
        let data = self.status_json(t, pages, Dialect::Camel);
        t.polled(advance);
        answer(Dialect::Camel, 200, 0, "ok", Some(data))
    }

    fn batch_status(&self, batch_id: &str) -> Reply {
        let mut st = self.state();
        let (advance, pages) = (st.cfg.advance, st.cfg.pages);
        let Some(ids) = st.batches.get(batch_id).cloned() else {
            return not_found(Dialect::Snake);
        };
        let results: Vec<Value> = ids
            .iter()
            .filter_map(|id| {
                let t = st.tasks.get_mut(id)?;
                t.catch_up(advance);
                let entry = self.status_json(t, pages, Dialect::Snake);
                t.polled(advance);
                Some(entry)
            })
            .collect();
        let data = json!({"batch_id": batch_id, "extract_result": results});
        answer(Dialect::Snake, 200, 0, "ok", Some(data))
    }

    // --- CDN host -------------------------------------------------------------------

    fn cdn(&self, rq: &Recorded) -> Reply {
        let what = format!("{} {}", rq.method, rq.path_only());
        if rq.has_header("authorization") || Self::mentions_key(rq) {
            self.violation(format!("key or Authorization sent to the CDN: {what}"));
        }
        if rq.method != "GET" && rq.method != "HEAD" {
            self.violation(format!("{what}: the CDN serves only GET"));
            return Reply::new(405, "text/plain", "Method Not Allowed");
        }
        let Some((id, ext)) = rq
            .path_only()
            .strip_prefix("/p4/")
            .and_then(|f| f.rsplit_once('.'))
        else {
            return self.cdn_unknown(&what);
        };
        let st = self.state();
        let pages = st.cfg.pages;
        let found = st
            .tasks
            .get(id)
            .filter(|t| t.phase(pages) == Phase::Done)
            .map(|t| (t.outcome, params::extension(&t.file_name)));
        drop(st);
        match (ext, found) {
            ("zip", Some((Outcome::Hostile, _))) => {
                Reply::new(200, "application/zip", zipfix::hostile_zip_bytes())
            }
            ("zip", Some((_, origin_ext))) => Reply::new(
                200,
                "application/zip",
                zipfix::demo_zip_bytes(id, None, &origin_ext),
            ),
            ("md", Some(_)) => {
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
        Reply::new(404, "text/plain", "Not Found")
    }
}

impl Fake for FakeParse4ai {
    const NAME: &'static str = "parse4ai";

    fn base_url(&self) -> String {
        FakeParse4ai::base_url(self)
    }

    fn requests(&self) -> Vec<Recorded> {
        FakeParse4ai::requests(self)
    }

    fn creations(&self) -> usize {
        self.tasks_created()
    }

    fn violations(&self) -> Vec<String> {
        FakeParse4ai::violations(self)
    }

    fn watch(&self) -> &Watch {
        &self.watch
    }
}

drop_checks_violations!(FakeParse4ai);
