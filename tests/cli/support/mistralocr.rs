//! Fake mistralocr.app (seed 000, `shared/providers.md` "mistralocr"): the REST
//! endpoint `/api/ocr/process` with its 1 MB base64 limit, both auth headers, and
//! the MCP endpoint `/api/mcp` answering as JSON or as server-sent events, with a
//! session id the client must echo. A second host (the "trap") records anything a
//! client sends after following a redirect away from the API host.

use super::fake::{drop_checks_violations, Fake, Watch};
use super::faults::Faults;
use super::http::{self, lock, Listener, Log, Recorded, Reply, Server};
use super::ids;
use base64::Engine;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

pub const MISTRALOCR_KEY: &str = "mk_test_0123456789";
pub const BASE64_MAX: usize = 1024 * 1024;

pub const TEXT: &str = "Invoice 42\nTotal: 12.50 EUR\n";
pub const MARKDOWN: &str = "# Invoice 42\n\n**Total:** 12.50 EUR\n";

#[derive(Clone, Debug, Default)]
pub struct MistralOcrConfig {
    /// MCP answers as `text/event-stream`.
    pub sse: bool,
    /// `extract_text` answers `isError: true`.
    pub tool_error: bool,
    /// Every API request is redirected (307) to the trap host.
    pub redirect: bool,
    /// Every `/api/ocr/process` answers HTTP 429 (too many requests). Seed 000
    /// documents no refusal shape at all, so no "no credits" answer is
    /// invented here; 429 is HTTP's own.
    pub rate_limited: bool,
    /// Every API request is redirected (307) to the same path under `/v2` on
    /// the same host (a moved endpoint).
    pub same_host_redirect: bool,
    /// `initialize` answers 503 while this many sessions are open (0: no cap),
    /// as servers that cap sessions do.
    pub max_sessions: usize,
    /// Faults injected into the API's answers.
    pub faults: Option<Arc<Faults>>,
}

#[derive(Default)]
struct State {
    cfg: MistralOcrConfig,
    violations: Vec<String>,
    /// Open sessions, and whether each was initialized.
    sessions: Vec<(String, bool)>,
    /// Sessions the client closed with DELETE.
    closed: Vec<String>,
    /// Decoded bytes of every base64 document received.
    received: Vec<Vec<u8>>,
}

struct Core {
    state: Mutex<State>,
    log: Log,
    base: String,
    trap: String,
}

pub struct FakeMistralOcr {
    core: Arc<Core>,
    _listeners: Vec<Listener>,
    watch: Watch,
}

impl FakeMistralOcr {
    pub fn start_with(cfg: MistralOcrConfig) -> FakeMistralOcr {
        let (api, trap) = (http::bind(), http::bind());
        let faults = cfg.faults.clone();
        let core = Arc::new(Core {
            state: Mutex::new(State {
                cfg,
                ..State::default()
            }),
            log: Log::default(),
            base: api.base_url(),
            trap: trap.base_url(),
        });
        let c = core.clone();
        let listeners = vec![
            api.serve_faulty(
                Server::Api,
                4,
                core.log.clone(),
                Arc::new(move |rq: &Recorded| c.route(rq)),
                faults,
            ),
            trap.serve(
                Server::Cdn,
                2,
                core.log.clone(),
                Arc::new(|_: &Recorded| {
                    Reply::json(
                        200,
                        &json!({"success": true, "extractedText": "from the wrong host"}),
                    )
                }),
            ),
        ];
        FakeMistralOcr {
            core,
            watch: Watch::default(),
            _listeners: listeners,
        }
    }

    pub fn start() -> FakeMistralOcr {
        FakeMistralOcr::start_with(MistralOcrConfig::default())
    }

    pub fn base_url(&self) -> String {
        self.core.base.clone()
    }

    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.core.log).clone()
    }

    pub fn api_requests(&self) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.server == Server::Api)
            .collect()
    }

    pub fn trap_requests(&self) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.server == Server::Cdn)
            .collect()
    }

    pub fn violations(&self) -> Vec<String> {
        lock(&self.core.state).violations.clone()
    }

    /// Sessions still open (not closed with DELETE).
    pub fn open_sessions(&self) -> usize {
        lock(&self.core.state).sessions.len()
    }

    pub fn closed_sessions(&self) -> Vec<String> {
        lock(&self.core.state).closed.clone()
    }

    pub fn received(&self) -> Vec<Vec<u8>> {
        lock(&self.core.state).received.clone()
    }
}

/// The document types seed 000 lists, by their magic bytes.
pub fn kind_of(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("pdf")
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("webp")
    } else {
        None
    }
}

fn text_for(format: &str) -> String {
    match format {
        "markdown" => MARKDOWN.to_string(),
        "json" => json!({"text": TEXT, "confidence": 0.95}).to_string(),
        _ => TEXT.to_string(),
    }
}

impl Core {
    fn violation(&self, v: String) {
        lock(&self.state).violations.push(v);
    }

    fn route(&self, rq: &Recorded) -> Reply {
        if lock(&self.state).cfg.redirect {
            return Reply::empty(307).with_header("Location", &format!("{}{}", self.trap, rq.path));
        }
        let moved = lock(&self.state).cfg.same_host_redirect;
        if moved && !rq.path.starts_with("/v2/") {
            return Reply::empty(307)
                .with_header("Location", &format!("{}/v2{}", self.base, rq.path));
        }
        let path = rq.path_only();
        let path = if moved {
            path.strip_prefix("/v2").unwrap_or(path)
        } else {
            path
        };
        let keyed = rq.header("x-api-key") == Some(MISTRALOCR_KEY)
            || rq.header("authorization") == Some(&format!("Bearer {MISTRALOCR_KEY}"));
        if !keyed {
            return Reply::json(
                401,
                &json!({"success": false, "error": "Invalid or missing API key"}),
            );
        }
        match (rq.method.as_str(), path) {
            ("POST", "/api/ocr/process") if lock(&self.state).cfg.rate_limited => Reply::empty(429),
            ("POST", "/api/ocr/process") => self.process(rq),
            ("POST", "/api/mcp") => self.mcp(rq),
            ("DELETE", "/api/mcp") => self.close(rq),
            _ => Reply::json(404, &json!({"success": false, "error": "Not found"})),
        }
    }

    /// The document: `Ok(source word)` or the refusal.
    fn take_document(
        &self,
        base64: Option<&str>,
        url: Option<&str>,
    ) -> Result<&'static str, (u16, String)> {
        match (base64, url) {
            (Some(data), None) => {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(data)
                    .map_err(|_| (400, "image is not valid base64".to_string()))?;
                if kind_of(&bytes).is_none() {
                    return Err((400, "unsupported file type (PDF, JPEG, PNG, WebP)".into()));
                }
                if bytes.len() >= BASE64_MAX {
                    return Err((
                        413,
                        "File too large for base64 upload (max 1MB); use a URL".into(),
                    ));
                }
                lock(&self.state).received.push(bytes);
                Ok("base64")
            }
            (None, Some(u)) if u.starts_with("http://") || u.starts_with("https://") => Ok("url"),
            (None, Some(_)) => Err((400, "imageUrl must be an http(s) URL".into())),
            _ => Err((400, "Provide exactly one of image or imageUrl".into())),
        }
    }

    /// `POST /api/ocr/process` as seed 000 shows it: `image` (base64) or
    /// `imageUrl`, and `options` with `format` (`text`, `json`, `markdown`),
    /// nothing else; a PDF, JPEG, PNG or WebP document. Anything else is a
    /// client mistake: a violation, answered 400.
    fn process(&self, rq: &Recorded) -> Reply {
        let refuse = |why: String| {
            self.violation(format!("REST request refused: {why}"));
            Reply::json(400, &json!({"success": false, "error": why}))
        };
        let Some(Value::Object(body)) = rq.json() else {
            return refuse("the body is not a JSON object".into());
        };
        if let Some(k) = body
            .keys()
            .find(|k| !["image", "imageUrl", "options"].contains(&k.as_str()))
        {
            return refuse(format!("unknown field {k}"));
        }
        let Some(Value::Object(options)) = body.get("options") else {
            return refuse("no options object".into());
        };
        if let Some(k) = options.keys().find(|k| k.as_str() != "format") {
            return refuse(format!("unknown option {k}"));
        }
        let Some(format) = options.get("format").and_then(Value::as_str) else {
            return refuse("options without a format".into());
        };
        if !["text", "json", "markdown"].contains(&format) {
            return refuse(format!("unknown format {format}"));
        }
        let image = body.get("image").map(|v| v.as_str().ok_or(v));
        let url = body.get("imageUrl").map(|v| v.as_str().ok_or(v));
        let (image, url) = match (image, url) {
            (Some(Err(v)), _) | (_, Some(Err(v))) => {
                return refuse(format!("a document that is not a string: {v}"))
            }
            (i, u) => (i.and_then(Result::ok), u.and_then(Result::ok)),
        };
        match self.take_document(image, url) {
            Ok(source) => Reply::json(
                200,
                &json!({"success": true, "userId": "user_123", "inputSource": source,
                    "extractedText": text_for(format), "confidence": 0.95,
                    "processingTime": 1.2, "creditsUsed": 1}),
            ),
            Err((400, msg)) => refuse(msg),
            Err((status, msg)) => Reply::json(status, &json!({"success": false, "error": msg})),
        }
    }

    fn rpc_reply(&self, id: &Value, payload: Value, session: Option<&str>) -> Reply {
        let mut msg = json!({"jsonrpc": "2.0", "id": id});
        for (k, v) in payload.as_object().cloned().unwrap_or_default() {
            msg[k] = v;
        }
        let reply = if lock(&self.state).cfg.sse {
            // A progress notification first, as streaming servers do.
            let note = json!({"jsonrpc": "2.0", "method": "notifications/message", "params": {"level": "info", "data": "working"}});
            Reply::new(
                200,
                "text/event-stream",
                format!("event: message\ndata: {note}\n\nevent: message\ndata: {msg}\n\n"),
            )
        } else {
            Reply::json(200, &msg)
        };
        match session {
            Some(s) => reply.with_header("Mcp-Session-Id", s),
            None => reply,
        }
    }

    /// `DELETE /api/mcp`: ends the session named by `Mcp-Session-Id`.
    fn close(&self, rq: &Recorded) -> Reply {
        let Some(id) = rq.header("mcp-session-id") else {
            self.violation("DELETE /api/mcp without Mcp-Session-Id".into());
            return Reply::json(400, &json!({"error": "Mcp-Session-Id required"}));
        };
        let mut st = lock(&self.state);
        let before = st.sessions.len();
        st.sessions.retain(|(s, _)| s != id);
        if st.sessions.len() == before {
            return Reply::json(404, &json!({"error": "Session not found"}));
        }
        st.closed.push(id.to_string());
        Reply::empty(200)
    }

    fn mcp(&self, rq: &Recorded) -> Reply {
        let accept = rq.header("accept").unwrap_or("");
        if !(accept.contains("application/json") && accept.contains("text/event-stream")) {
            self.violation(format!("MCP POST with Accept {accept:?}"));
        }
        let Some(msg) = rq.json() else {
            return Reply::json(
                400,
                &json!({"jsonrpc": "2.0", "id": null, "error": {"code": -32700, "message": "Parse error"}}),
            );
        };
        let method = msg["method"].as_str().unwrap_or("").to_string();
        let id = msg.get("id").cloned();
        if method == "initialize" {
            if !msg["params"]["protocolVersion"].is_string() {
                self.violation("initialize without protocolVersion".into());
                return self.rpc_reply(
                    &id.unwrap_or(Value::Null),
                    json!({"error": {"code": -32602, "message": "protocolVersion required"}}),
                    None,
                );
            }
            let session = ids::uuid();
            {
                let mut st = lock(&self.state);
                let cap = st.cfg.max_sessions;
                if cap > 0 && st.sessions.len() >= cap {
                    return Reply::json(
                        503,
                        &json!({"jsonrpc": "2.0", "id": id, "error": {"code": -32000, "message": "Too many sessions"}}),
                    );
                }
                st.sessions.push((session.clone(), false));
            }
            return self.rpc_reply(
                &id.unwrap_or(Value::Null),
                json!({"result": {"protocolVersion": "2025-03-26", "capabilities": {"tools": {}},
                    "serverInfo": {"name": "mistral-ocr", "version": "2.0.0"}}}),
                Some(&session),
            );
        }
        // Everything after initialize must carry the session.
        let session = rq.header("mcp-session-id").map(str::to_string);
        let known = {
            let st = lock(&self.state);
            session
                .as_ref()
                .and_then(|s| st.sessions.iter().find(|(id, _)| id == s).cloned())
        };
        let Some((session, initialized)) = known else {
            self.violation(format!(
                "{method} without a known Mcp-Session-Id ({session:?})"
            ));
            return Reply::json(
                400,
                &json!({"jsonrpc": "2.0", "id": id, "error": {"code": -32000, "message": "Bad Request: missing or unknown session"}}),
            );
        };
        match method.as_str() {
            "notifications/initialized" => {
                if id.is_some() {
                    self.violation("notifications/initialized sent with an id".into());
                }
                for s in lock(&self.state).sessions.iter_mut() {
                    if s.0 == session {
                        s.1 = true;
                    }
                }
                Reply::empty(202)
            }
            "tools/call" => {
                if !initialized {
                    self.violation("tools/call before notifications/initialized".into());
                }
                let id = id.unwrap_or(Value::Null);
                let params = &msg["params"];
                if params["name"] != "extract_text" {
                    return self.rpc_reply(
                        &id,
                        json!({"error": {"code": -32602, "message": "Unknown tool"}}),
                        None,
                    );
                }
                let args = &params["arguments"];
                let src = &args["image_source"];
                // The tool's schema in seed 000: image_source {type, data,
                // filename?}, output_format? (text, json, markdown).
                let keys = |v: &Value| v.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>());
                match (keys(args), keys(src)) {
                    (Some(a), Some(i)) => {
                        for k in a
                            .iter()
                            .filter(|k| !["image_source", "output_format"].contains(&k.as_str()))
                        {
                            self.violation(format!("extract_text got unknown argument {k}"));
                        }
                        for k in i
                            .iter()
                            .filter(|k| !["type", "data", "filename"].contains(&k.as_str()))
                        {
                            self.violation(format!("image_source got unknown field {k}"));
                        }
                    }
                    _ => self.violation("extract_text without an image_source object".into()),
                }
                let format = args["output_format"].as_str().unwrap_or("text");
                if !["text", "json", "markdown"].contains(&format) {
                    self.violation(format!("extract_text output_format {format}"));
                }
                let data = src["data"].as_str();
                let taken = match src["type"].as_str() {
                    Some("base64") => self.take_document(data, None),
                    Some("url") => self.take_document(None, data),
                    other => Err((
                        400,
                        format!("image_source.type {other:?} is not base64 or url"),
                    )),
                };
                let result = match taken {
                    Err((status, msg)) => {
                        if status == 400 {
                            self.violation(format!("extract_text refused: {msg}"));
                        }
                        json!({"content": [{"type": "text", "text": msg}], "isError": true})
                    }
                    Ok(_) if lock(&self.state).cfg.tool_error => {
                        json!({"content": [{"type": "text", "text": "OCR failed: the image could not be read"}], "isError": true})
                    }
                    Ok(_) => {
                        json!({"content": [{"type": "text", "text": text_for(format)}], "isError": false})
                    }
                };
                self.rpc_reply(&id, json!({"result": result}), None)
            }
            other => self.rpc_reply(
                &id.unwrap_or(Value::Null),
                json!({"error": {"code": -32601, "message": format!("Method not found: {other}")}}),
                None,
            ),
        }
    }
}

impl Fake for FakeMistralOcr {
    const NAME: &'static str = "mistralocr";

    fn base_url(&self) -> String {
        FakeMistralOcr::base_url(self)
    }

    fn requests(&self) -> Vec<Recorded> {
        FakeMistralOcr::requests(self)
    }

    fn creations(&self) -> usize {
        self.received().len()
    }

    fn violations(&self) -> Vec<String> {
        FakeMistralOcr::violations(self)
    }

    fn watch(&self) -> &Watch {
        &self.watch
    }
}

drop_checks_violations!(FakeMistralOcr);
