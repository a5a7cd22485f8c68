//! mistralocr.app (a third-party service, not Mistral AI): synchronous text,
//! markdown or JSON of PDFs and images. Local files go inline as base64 below
//! 1 MB; larger documents must be given as URLs.
//!
//! Two transports: the REST endpoint `POST /api/ocr/process` (default), or its MCP
//! endpoint `POST /api/mcp` (`--transport mcp` or `providers.mistralocr.transport =
//! "mcp"`): JSON-RPC `initialize` → `notifications/initialized` → `tools/call
//! extract_text`, answered as JSON or as server-sent events.
//!
//! The key travels in `x-api-key`, which reqwest does not strip on a cross-host
//! redirect: like every keyed request, these follow redirects only on the same
//! host and port (`http.rs`); one to another host is refused.
//!
//! An MCP session is closed (`DELETE` with its `Mcp-Session-Id`) when the
//! document is done, failed or not: servers cap open sessions.

use anyhow::{Context, Result};
use base64::Engine;
use reqwest::blocking::Response;
use serde_json::{json, Value};

use super::api::read_answer;
use super::envelope::{text_of, Answer};
use super::{
    check_info, setting, Limits, Mode, Provider, ProviderInfo, ResultRef, Submitted, Upload,
};
use crate::config::{ProviderSettings, Secret};
use crate::error::Error;
use crate::http::{Http, Retry};
use crate::input::Document;
use crate::options::ExtractOptions;

/// Base64 uploads are accepted below this size.
const INLINE_MAX: u64 = 1024 * 1024;

pub static INFO: ProviderInfo = ProviderInfo {
    name: "mistralocr",
    summary:
        "mistralocr.app (third party, not Mistral AI): text, markdown or JSON, at once (key needed)",
    default_base_url: "https://www.mistralocr.app",
    key_env: &["MISTRALOCR_API_KEY"],
    mode: Mode::Sync,
    upload: Some(Upload::InlineBase64 {
        max_bytes: INLINE_MAX,
    }),
    urls: true,
    formats: &["markdown", "text", "json"],
    extensions: &["pdf", "jpg", "jpeg", "png", "webp"],
    flags: &["--ocr", "--transport"],
    too_big: "publish the document at an http(s) URL and pass the URL instead (mistralocr fetches it), or use -p mistral",
    config_example: "# \"rest\" (default) or \"mcp\" (its MCP endpoint); --transport overrides it.\n# transport = \"rest\"\n",
    config_keys: &["transport"],
    preference: Some(4),
    price: None,
    batch_share: None,
    env: &[],
    limits: Limits {
        max_bytes: None,
        max_pages: None,
        max_batch: None,
    },
};

/// The MCP protocol revision docpipe speaks (the one with `Mcp-Session-Id`).
pub const MCP_PROTOCOL: &str = "2025-03-26";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Transport {
    Rest,
    Mcp,
}

pub fn build(settings: ProviderSettings, http: Http) -> Box<dyn Provider> {
    Box::new(MistralOcr { settings, http })
}

pub struct MistralOcr {
    settings: ProviderSettings,
    http: Http,
}

impl MistralOcr {
    fn key(&self) -> Result<&Secret, Error> {
        INFO.key(&self.settings)
    }

    fn transport(&self, opts: &ExtractOptions) -> Result<Transport, Error> {
        let configured = setting(&self.settings, "transport").map(|v| v.as_str());
        let word = match (&opts.transport, configured) {
            (Some(flag), _) => flag.as_str(),
            (None, Some(Some(value))) => value,
            (None, Some(None)) => "not a string",
            (None, None) => "rest",
        };
        match word {
            "rest" => Ok(Transport::Rest),
            "mcp" => Ok(Transport::Mcp),
            other => Err(Error::usage(format!(
                "providers.mistralocr.transport: '{other}' is not a transport"
            ))
            .with_hint("use \"rest\" or \"mcp\"")),
        }
    }

    fn post(
        &self,
        path: &str,
        body: &Value,
        retry: Retry,
        session: Option<&str>,
    ) -> Result<Response> {
        let key = self.key()?;
        let url = format!("{}{path}", self.settings.base_url);
        self.http.send(retry, |c| {
            let mut req = c
                .post(&url)
                .header("x-api-key", key.expose())
                .header("Accept", "application/json, text/event-stream")
                .json(body);
            if let Some(id) = session {
                req = req.header("Mcp-Session-Id", id);
            }
            req
        })
    }

    fn rest(&self, doc: &Document, source: &Source, format: &str) -> Result<String> {
        let mut body = json!({"options": {"format": format}});
        match source {
            Source::Base64(data) => body["image"] = json!(data),
            Source::Url(url) => body["imageUrl"] = json!(url),
        }
        let resp = self.post("/api/ocr/process", &body, Retry::Sync, None)?;
        let answer = read_answer(resp)?;
        if !answer.is_ok() {
            return Err(classify(&answer, &doc.input).into());
        }
        let text = match answer.body.get("extractedText") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None => {
                anyhow::bail!("{}: mistralocr answered without extractedText", doc.input)
            }
            // A JSON result may come as a structure rather than a string.
            Some(other) => serde_json::to_string_pretty(other)?,
        };
        Ok(text)
    }

    fn mcp(&self, doc: &Document, source: &Source, format: &str) -> Result<String> {
        let mut session: Option<String> = None;
        let result = self.mcp_session(doc, source, format, &mut session);
        if let Some(id) = session {
            self.close_session(&id);
        }
        result
    }

    /// Ends the session; a server that does not allow it answers 405, and any
    /// failure here only leaves the session to the server's own expiry.
    fn close_session(&self, id: &str) {
        let Ok(key) = self.key() else { return };
        let url = format!("{}/api/mcp", self.settings.base_url);
        let _ = self.http.send(Retry::Never, |c| {
            c.delete(&url)
                .header("x-api-key", key.expose())
                .header("Mcp-Session-Id", id)
        });
    }

    /// initialize → notifications/initialized → tools/call; the session ID the
    /// server hands out is left in `session` for [`MistralOcr::mcp`] to close.
    fn mcp_session(
        &self,
        doc: &Document,
        source: &Source,
        format: &str,
        session: &mut Option<String>,
    ) -> Result<String> {
        let init = json!({
            "jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {
                "protocolVersion": MCP_PROTOCOL,
                "capabilities": {},
                "clientInfo": {"name": "docpipe", "version": env!("CARGO_PKG_VERSION")}
            }
        });
        let resp = self.post("/api/mcp", &init, Retry::Idempotent, None)?;
        if let Some(id) = resp
            .headers()
            .get("mcp-session-id")
            .and_then(|v| v.to_str().ok())
        {
            *session = Some(id.to_string());
        }
        rpc_result(resp, 1, "initialize", &doc.input)?;
        let note = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
        let resp = self.post("/api/mcp", &note, Retry::Idempotent, session.as_deref())?;
        let status = resp.status().as_u16();
        if !(200..300).contains(&status) {
            return Err(classify(&read_answer(resp)?, &doc.input).into());
        }
        let mut image_source = match source {
            Source::Base64(data) => json!({"type": "base64", "data": data}),
            Source::Url(url) => json!({"type": "url", "data": url}),
        };
        image_source["filename"] = json!(doc.file_name);
        let call = json!({
            "jsonrpc": "2.0", "id": 2, "method": "tools/call",
            "params": {
                "name": "extract_text",
                "arguments": {"image_source": image_source, "output_format": format}
            }
        });
        let resp = self.post("/api/mcp", &call, Retry::Sync, session.as_deref())?;
        let result = rpc_result(resp, 2, "tools/call extract_text", &doc.input)?;
        let text = result
            .get("content")
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter(|i| i.get("type").and_then(Value::as_str) == Some("text"))
                    .filter_map(|i| i.get("text").and_then(Value::as_str))
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default();
        if result.get("isError").and_then(Value::as_bool) == Some(true) {
            return Err(Error::provider(format!(
                "{}: mistralocr could not extract the text: {}",
                doc.input,
                if text.is_empty() {
                    "no reason given"
                } else {
                    &text
                }
            ))
            .with_hint("check the document; try --transport rest")
            .into());
        }
        Ok(text)
    }
}

enum Source {
    Base64(String),
    Url(String),
}

/// The `result` of the JSON-RPC answer with `id`, from a JSON or an SSE body.
fn rpc_result(resp: Response, id: u64, method: &str, subject: &str) -> Result<Value> {
    let is_sse = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/event-stream"));
    let status = resp.status().as_u16();
    let mut bytes = Vec::new();
    {
        use std::io::Read;
        resp.take(16 * 1024 * 1024)
            .read_to_end(&mut bytes)
            .context("the answer was cut off")?;
    }
    let answer = Answer::from_bytes(status, &bytes);
    if !(200..300).contains(&status) {
        return Err(classify(&answer, subject).into());
    }
    let messages = if is_sse {
        sse_messages(&String::from_utf8_lossy(&bytes))
    } else {
        match &answer.body {
            Value::Array(items) => items.clone(),
            other => vec![other.clone()],
        }
    };
    let reply = messages
        .into_iter()
        .find(|m| m.get("id").and_then(Value::as_u64) == Some(id))
        .with_context(|| format!("{subject}: mistralocr's MCP answer to {method} has no reply"))?;
    if let Some(err) = reply.get("error") {
        let code = err.get("code").and_then(Value::as_i64).unwrap_or(0);
        let message = text_of(err).unwrap_or_else(|| err.to_string());
        return Err(Error::provider(format!(
            "{subject}: mistralocr's MCP {method} failed: {message} (JSON-RPC {code})"
        ))
        .with_hint("try --transport rest")
        .into());
    }
    reply
        .get("result")
        .cloned()
        .with_context(|| format!("{subject}: mistralocr's MCP reply to {method} has no result"))
}

/// The JSON messages of a server-sent-event stream: each event's `data:` lines
/// joined; events that are not JSON are skipped.
pub fn sse_messages(text: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut data: Vec<&str> = Vec::new();
    let mut flush = |data: &mut Vec<&str>| {
        if !data.is_empty() {
            if let Ok(v) = serde_json::from_str::<Value>(&data.join("\n")) {
                out.push(v);
            }
            data.clear();
        }
    };
    for line in text.lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            flush(&mut data);
        } else if let Some(rest) = line.strip_prefix("data:") {
            data.push(rest.strip_prefix(' ').unwrap_or(rest));
        }
    }
    flush(&mut data);
    out
}

fn classify(answer: &Answer, subject: &str) -> Error {
    let detail = format!("{} (HTTP {})", answer.message(), answer.http_status);
    match answer.http_status {
        401 | 403 => Error::auth(format!("mistralocr rejected the API key: {detail}")).with_hint(
            "check MISTRALOCR_API_KEY (or providers.mistralocr.api_key); keys start with mk_",
        ),
        // Seed 000 documents no refusal at all (no error body, no "no credits"
        // answer): only HTTP's own 429 is taken as a rate limit (exit 7), as
        // for every provider; any other status is the service's failure.
        429 => Error::quota(format!("mistralocr: {subject}: rate limited: {detail}"))
            .with_hint("wait a minute, then run the same command again"),
        413 => Error::input(subject, format!("mistralocr refused the document: {detail}"))
            .with_hint("pass the document as an http(s) URL instead of a local file"),
        400 | 415 | 422 => {
            Error::input(subject, format!("mistralocr refused the document: {detail}"))
                .with_hint("check the type (PDF, JPEG, PNG, WebP) and that a URL is public")
        }
        300..=399 => Error::provider(format!(
            "mistralocr: {subject}: the service answered with a redirect (HTTP {}), not followed so the key stays on its host",
            answer.http_status
        ))
        .with_hint("check providers.mistralocr.base_url (e.g. https://www.mistralocr.app)"),
        _ => Error::provider(format!("mistralocr: {subject}: {detail}"))
            .with_hint("try again later"),
    }
}

impl Provider for MistralOcr {
    fn info(&self) -> &'static ProviderInfo {
        &INFO
    }

    fn settings(&self) -> &ProviderSettings {
        &self.settings
    }

    fn check(&self, doc: &Document, opts: &ExtractOptions) -> Result<(), Error> {
        check_info(&INFO, &self.settings, doc, opts)?;
        self.transport(opts)?;
        if let (Some(size), false) = (doc.size, doc.is_url()) {
            if size >= INLINE_MAX {
                return Err(Error::input(
                    &doc.input,
                    format!(
                        "{} is too large to send to mistralocr as a file (below {} only)",
                        super::human_bytes(size),
                        super::human_bytes(INLINE_MAX)
                    ),
                )
                .with_hint(
                    "publish the document at an http(s) URL and pass the URL instead (mistralocr fetches it), or use -p mistral",
                ));
            }
        }
        Ok(())
    }

    fn submit(&self, doc: &Document, opts: &ExtractOptions) -> Result<Submitted> {
        let source = match (doc.url(), doc.path()) {
            (Some(url), _) => Source::Url(url.to_string()),
            (None, Some(path)) => {
                let bytes = std::fs::read(path)
                    .with_context(|| format!("{}: cannot read the file", doc.input))?;
                Source::Base64(base64::engine::general_purpose::STANDARD.encode(bytes))
            }
            (None, None) => anyhow::bail!("{}: neither a file nor a URL", doc.input),
        };
        let format = opts.format.name();
        let text = match self.transport(opts)? {
            Transport::Rest => self.rest(doc, &source, format)?,
            Transport::Mcp => self.mcp(doc, &source, format)?,
        };
        Ok(Submitted::Done(ResultRef::Inline {
            text,
            format: opts.format.clone(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sse_events_with_multiline_data_and_noise() {
        let text = "event: message\r\ndata: {\"jsonrpc\":\"2.0\",\ndata: \"id\":2,\"result\":{}}\r\n\r\n: comment\n\ndata: not json\n\n";
        let msgs = sse_messages(text);
        assert_eq!(msgs, vec![json!({"jsonrpc":"2.0","id":2,"result":{}})]);
    }

    #[test]
    fn answers_map_to_exit_codes() {
        let code =
            |s: u16| classify(&Answer::from_bytes(s, b"{\"error\":\"x\"}"), "a.png").exit_code();
        assert_eq!(code(401), 3);
        assert_eq!(code(429), 7);
        // No documented "no credits" answer: a 402 is not claimed as a quota.
        assert_ne!(code(402), 7);
        assert_eq!(code(413), 4);
        assert_eq!(code(500), 5);
    }
}
