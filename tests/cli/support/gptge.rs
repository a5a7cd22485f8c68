//! Fake gpt.ge task OCR (seed 003, `shared/providers.md` "gptge"): a multipart
//! `POST /task/pic/ocr` taking exactly one of `image_file`/`image_url`, tasks that
//! move through states 0, 2, 3, 4 to 1 (or a negative failure) one poll at a time,
//! and a result-file host that records any key sent to it as a violation.

use super::fake::{drop_checks_violations, Fake, Watch};
use super::faults::Faults;
use super::http::{self, lock, Listener, Log, Recorded, Reply, Server};
use super::{ids, multipart};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub const GPTGE_KEY: &str = "sk-gptge-test-0001";
pub const RESULT_TEXT: &str = "Invoice 42\nTotal: 12.50 EUR\n";

pub fn result_bytes(format: &str) -> Vec<u8> {
    match format {
        "txt" => RESULT_TEXT.as_bytes().to_vec(),
        other => {
            let mut b = b"PK\x03\x04".to_vec();
            b.extend_from_slice(format!("fake {other} result").as_bytes());
            b
        }
    }
}

/// gpt.ge's language names (case-sensitive) the fake accepts.
const LANGUAGES: &[&str] = &[
    "ChinesePRC",
    "ChineseTaiwan",
    "English",
    "Digits",
    "Japanese",
    "Korean",
    "German",
    "French",
    "Spanish",
    "Italian",
    "Russian",
];

#[derive(Clone, Debug)]
pub struct GptGeConfig {
    /// The states a task goes through, one per status request; the last one stays.
    pub states: Vec<i64>,
    /// Task creation always answers 429.
    pub rate_limited: bool,
    /// Faults injected into every host's answers.
    pub faults: Option<Arc<Faults>>,
}

impl Default for GptGeConfig {
    fn default() -> Self {
        GptGeConfig {
            states: vec![0, 2, 3, 4, 1],
            rate_limited: false,
            faults: None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Task {
    pub id: String,
    pub format: String,
    pub language: Option<String>,
    pub password: Option<String>,
    pub file_name: Option<String>,
    pub file_bytes: Option<Vec<u8>>,
    pub url: Option<String>,
    pub polls: usize,
}

#[derive(Default)]
struct State {
    cfg: GptGeConfig,
    tasks: HashMap<String, Task>,
    violations: Vec<String>,
}

struct Core {
    state: Mutex<State>,
    log: Log,
    base: String,
    cdn: String,
}

pub struct FakeGptGe {
    core: Arc<Core>,
    _listeners: Vec<Listener>,
    watch: Watch,
}

impl FakeGptGe {
    pub fn start() -> FakeGptGe {
        FakeGptGe::start_with(GptGeConfig::default())
    }

    pub fn start_with(cfg: GptGeConfig) -> FakeGptGe {
        let faults = cfg.faults.clone();
        let (api, cdn) = (http::bind(), http::bind());
        let core = Arc::new(Core {
            state: Mutex::new(State {
                cfg,
                ..State::default()
            }),
            log: Log::default(),
            base: api.base_url(),
            cdn: cdn.base_url(),
        });
        let (a, c) = (core.clone(), core.clone());
        let listeners = vec![
            api.serve_faulty(
                Server::Api,
                4,
                core.log.clone(),
                Arc::new(move |rq: &Recorded| a.api(rq)),
                faults.clone(),
            ),
            cdn.serve_faulty(
                Server::Cdn,
                4,
                core.log.clone(),
                Arc::new(move |rq: &Recorded| c.cdn(rq)),
                faults.clone(),
            ),
        ];
        FakeGptGe {
            core,
            watch: Watch::default(),
            _listeners: listeners,
        }
    }

    pub fn base_url(&self) -> String {
        self.core.base.clone()
    }

    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.core.log).clone()
    }

    pub fn violations(&self) -> Vec<String> {
        lock(&self.core.state).violations.clone()
    }

    pub fn tasks(&self) -> Vec<Task> {
        lock(&self.core.state).tasks.values().cloned().collect()
    }

    /// Creates a task directly (as if submitted by another tool) and returns its ID.
    pub fn seed_task(&self, format: &str) -> String {
        let id = ids::uuid();
        lock(&self.core.state).tasks.insert(
            id.clone(),
            Task {
                id: id.clone(),
                format: format.into(),
                language: None,
                password: None,
                file_name: None,
                file_bytes: None,
                url: Some("https://example.org/x.pdf".into()),
                polls: 0,
            },
        );
        id
    }
}

fn fail(status: u16, message: &str) -> Reply {
    Reply::json(status, &json!({"status": status, "message": message}))
}

impl Core {
    fn violation(&self, v: String) {
        lock(&self.state).violations.push(v);
    }

    fn api(&self, rq: &Recorded) -> Reply {
        if rq.header("authorization") != Some(&format!("Bearer {GPTGE_KEY}")) {
            return fail(401, "invalid api key");
        }
        match (rq.method.as_str(), rq.path_only()) {
            ("POST", "/task/pic/ocr") => self.create(rq),
            ("GET", p) if p.starts_with("/task/") => self.query(&p["/task/".len()..]),
            _ => fail(404, "not found"),
        }
    }

    fn create(&self, rq: &Recorded) -> Reply {
        if lock(&self.state).cfg.rate_limited {
            return fail(429, "too many requests").with_header("Retry-After", "0");
        }
        let fields = match multipart::parse(rq) {
            Ok(f) => f,
            Err(e) => {
                self.violation(format!("bad multipart form: {e}"));
                return fail(400, &e);
            }
        };
        let get = |n: &str| fields.iter().find(|f| f.name == n);
        let (file, url) = (get("image_file"), get("image_url"));
        if file.is_some() == url.is_some() {
            self.violation("not exactly one of image_file and image_url".into());
            return fail(400, "provide exactly one of image_file or image_url");
        }
        if let Some(f) = file {
            if f.filename.is_none() {
                self.violation("image_file part without a filename".into());
                return fail(400, "image_file must be a file");
            }
        }
        for f in &fields {
            if !["image_file", "image_url", "format", "language", "password"]
                .contains(&f.name.as_str())
            {
                self.violation(format!("unknown form field {}", f.name));
            }
        }
        let format = get("format")
            .map(|f| f.text())
            .unwrap_or_else(|| "txt".into());
        if !["txt", "pdf", "docx", "xlsx", "pptx"].contains(&format.as_str()) {
            self.violation(format!("format {format}"));
            return fail(400, &format!("unsupported format {format}"));
        }
        let language = get("language").map(|f| f.text());
        if let Some(l) = &language {
            if let Some(bad) = l.split(',').find(|n| !LANGUAGES.contains(n)) {
                self.violation(format!("language {bad}"));
                return fail(400, &format!("unsupported language {bad}"));
            }
        }
        let password = get("password").map(|f| f.text());
        if password.as_ref().is_some_and(|p| p.chars().count() > 32) {
            return fail(400, "password too long");
        }
        let id = ids::uuid();
        let task = Task {
            id: id.clone(),
            format,
            language,
            password,
            file_name: file.and_then(|f| f.filename.clone()),
            file_bytes: file.map(|f| f.data.clone()),
            url: url.map(|u| u.text()),
            polls: 0,
        };
        let state = lock(&self.state).cfg.states[0];
        lock(&self.state).tasks.insert(id.clone(), task.clone());
        Reply::json(
            200,
            &json!({"status": 200, "data": self.data(&task, state)}),
        )
    }

    fn query(&self, id: &str) -> Reply {
        let mut st = lock(&self.state);
        let states = st.cfg.states.clone();
        let Some(task) = st.tasks.get_mut(id) else {
            return fail(404, "task not found");
        };
        task.polls += 1;
        let state = states[task.polls.min(states.len() - 1)];
        let task = task.clone();
        drop(st);
        Reply::json(
            200,
            &json!({"status": 200, "data": self.data(&task, state)}),
        )
    }

    fn data(&self, task: &Task, state: i64) -> Value {
        let done = state == 1;
        json!({
            "task_id": task.id, "type": 101, "state": state,
            "progress": if done { 100 } else { 40 },
            "file": if done { json!(format!("{}/tasks/output/ocr/{}.{}", self.cdn, task.id, task.format)) } else { json!("") },
            "state_detail": match state { 1 => "Complete", -5 => "File too large", -7 => "Invalid file", s if s < 0 => "Failed", _ => "Processing" },
            "ocr_pages": if done { 2 } else { 1 }, "file_pages": 2,
            "input_size": task.file_bytes.as_ref().map_or(0, Vec::len),
            "output_size": 164, "created_at": 1_746_953_927, "processed_at": 1_746_953_927,
            "completed_at": if done { 1_746_953_930 } else { 0 },
        })
    }

    fn cdn(&self, rq: &Recorded) -> Reply {
        if rq.has_header("authorization") || rq.mentions(GPTGE_KEY) {
            self.violation(format!(
                "the key was sent to the result host: {} {}",
                rq.method, rq.path
            ));
        }
        let name = rq.path_only().rsplit('/').next().unwrap_or("");
        let (id, ext) = name.rsplit_once('.').unwrap_or((name, ""));
        if !lock(&self.state).tasks.contains_key(id) {
            return Reply::new(
                404,
                "application/xml",
                "<Error><Code>NoSuchKey</Code></Error>",
            );
        }
        Reply::new(200, "application/octet-stream", result_bytes(ext))
    }
}

impl Fake for FakeGptGe {
    const NAME: &'static str = "gptge";

    fn base_url(&self) -> String {
        FakeGptGe::base_url(self)
    }

    fn requests(&self) -> Vec<Recorded> {
        FakeGptGe::requests(self)
    }

    fn creations(&self) -> usize {
        self.tasks().len()
    }

    fn violations(&self) -> Vec<String> {
        FakeGptGe::violations(self)
    }

    fn watch(&self) -> &Watch {
        &self.watch
    }
}

drop_checks_violations!(FakeGptGe);
