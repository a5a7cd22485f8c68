//! The tools: each one a blocking pipeline call on tokio's blocking pool, its
//! progress sent as MCP progress notifications, cancelled when the client
//! cancels the request (what was submitted stays recorded and fetchable).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use anyhow::Result;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{
    CallToolResult, ContentBlock, Implementation, ProgressNotificationParam, ServerCapabilities,
    ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{tool, tool_handler, tool_router, RoleServer, ServerHandler};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::safety::Roots;
use crate::commands::{providers, tasks};
use crate::context::Ctx;
use crate::error;
use crate::pipeline::engine::Hooks;
use crate::pipeline::report::{Emitter, Line};
use crate::pipeline::{self, Command};
use crate::request::{Global, Request};
use crate::task::State;

/// Characters of markdown returned inline unless the call asks otherwise.
pub const DEFAULT_MAX_CHARS: usize = 40_000;

/// The folder (in the first root) where a capped result that was not saved
/// anywhere is written whole, so its path can be given.
pub const CAPPED_DIR: &str = "docpipe-mcp";

const INSTRUCTIONS: &str = "docpipe: documents (PDF, images, Office files) to markdown through \
cloud extraction providers (MinerU, Mistral, parse4ai, gpt.ge, ...). For one document, call \
convert_to_markdown or extract; for long documents or many, call submit, then status and fetch \
with the IDs it returns. Paths are confined to the server's roots; relative paths start at the \
first root. Keys come from docpipe's config and environment only.";

#[derive(Clone)]
pub struct DocServer {
    /// The server's own global flags (`--config`, `--timeout`, `-p`, `-v`),
    /// the base of each call's settings.
    global: Global,
    roots: Arc<Roots>,
    tool_router: ToolRouter<DocServer>,
}

// ---- arguments ----------------------------------------------------------

fn provider_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    // null (the same as leaving it out) is listed so the schema's default is valid.
    let mut names: Vec<Value> = crate::provider::REGISTRY
        .iter()
        .map(|e| json!(e.info.name))
        .collect();
    names.push(Value::Null);
    schemars::json_schema!({
        "type": ["string", "null"],
        "enum": names,
        "description": "Provider to use; omit for docpipe's default routing (the server's -p, else default_provider from the config, else the first provider with a key, else mineru-flash). The providers tool lists what each can do and whether its key is set."
    })
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConvertParams {
    /// The document: a path (relative paths start at the server's first root), a file: URI, or an http(s) URL (handed to the provider, which must accept URLs).
    pub uri: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtractParams {
    /// The document: a path (relative paths start at the server's first root), a file: URI, or an http(s) URL (handed to the provider, which must accept URLs).
    pub source: String,
    #[serde(default)]
    #[schemars(schema_with = "provider_schema")]
    pub provider: Option<String>,
    /// Pages to extract, 1-based ranges, e.g. "1-5,8". Default: all.
    #[serde(default)]
    pub pages: Option<String>,
    /// Result format: "markdown" (default), "text", "json", or a format the provider makes (e.g. "docx", "html", "latex"; binary ones need output_dir).
    #[serde(default)]
    pub format: Option<String>,
    /// Folder (inside a root) to save the result in, as <name>.md; created if missing. Default: nothing saved unless the result is longer than max_chars.
    #[serde(default)]
    pub output_dir: Option<String>,
    /// Characters of markdown returned inline (default 40000); a longer result is cut there and the path of the full result is given.
    #[serde(default)]
    #[schemars(range(min = 1))]
    pub max_chars: Option<usize>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitOptions {
    /// Pages to extract, 1-based ranges, e.g. "1-5,8". Default: all.
    #[serde(default)]
    pub pages: Option<String>,
    /// Result format: "markdown" (default), "text", "json", or a format the provider makes.
    #[serde(default)]
    pub format: Option<String>,
    /// Document language in the provider's codes (e.g. "en", "ch").
    #[serde(default)]
    pub language: Option<String>,
    /// Force OCR of scanned pages.
    #[serde(default)]
    pub ocr: bool,
    /// Provider model (MinerU: "pipeline", "vlm", "html"; Mistral: "mistral-ocr-latest").
    #[serde(default)]
    pub model: Option<String>,
    /// Folder (inside a root) for the results: a folder per document (full.md, images, JSON). Default: none; fetch then returns the markdown inline.
    #[serde(default)]
    pub output_dir: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitParams {
    /// Documents: paths (relative paths start at the server's first root), file: URIs, or http(s) URLs.
    #[schemars(length(min = 1))]
    pub sources: Vec<String>,
    #[serde(default)]
    #[schemars(schema_with = "provider_schema")]
    pub provider: Option<String>,
    #[serde(default)]
    pub options: SubmitOptions,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusParams {
    /// A task or batch ID returned by submit (or printed by the docpipe CLI). Omit to list the most recent documents on record.
    #[serde(default)]
    pub id: Option<String>,
    /// Only for an ID docpipe has no record of (submitted elsewhere): the provider to ask.
    #[serde(default)]
    #[schemars(schema_with = "provider_schema")]
    pub provider: Option<String>,
    /// Without an id: how many recent documents to list (default 20).
    #[serde(default)]
    #[schemars(range(min = 1))]
    pub recent: Option<usize>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FetchParams {
    /// A task or batch ID returned by submit (or printed by the docpipe CLI).
    pub id: String,
    /// Only for an ID docpipe has no record of (submitted elsewhere): the provider to ask.
    #[serde(default)]
    #[schemars(schema_with = "provider_schema")]
    pub provider: Option<String>,
    /// Folder (inside a root) to save the results in. Default: where the submission asked for, else the markdown is returned inline.
    #[serde(default)]
    pub output_dir: Option<String>,
    /// Characters of markdown returned inline per document (default 40000).
    #[serde(default)]
    #[schemars(range(min = 1))]
    pub max_chars: Option<usize>,
}

// ---- the server ---------------------------------------------------------

#[tool_router]
impl DocServer {
    pub fn new(global: Global, roots: Roots) -> DocServer {
        DocServer {
            global,
            roots: Arc::new(roots),
            tool_router: Self::tool_router(),
        }
    }

    #[tool(
        description = "Convert a document (PDF, image, Office file; a path, file: URI or http(s) URL) to markdown with docpipe's default provider routing. Returns the markdown (up to 40000 characters; a longer result is saved whole in a root and its path given).",
        annotations(title = "Convert to markdown", open_world_hint = true)
    )]
    async fn convert_to_markdown(
        &self,
        Parameters(p): Parameters<ConvertParams>,
        rc: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let req = ExtractParams {
            source: p.uri,
            provider: None,
            pages: None,
            format: None,
            output_dir: None,
            max_chars: None,
        };
        self.call(&rc, move |call, hooks| call.extract(req, hooks))
            .await
    }

    #[tool(
        description = "Extract one document to markdown (or text/json/a provider format) and wait for it: returns the result inline, cut at max_chars (default 40000) with the path of the full result. Long documents: prefer submit + fetch.",
        annotations(title = "Extract a document", open_world_hint = true)
    )]
    async fn extract(
        &self,
        Parameters(p): Parameters<ExtractParams>,
        rc: RequestContext<RoleServer>,
    ) -> CallToolResult {
        self.call(&rc, move |call, hooks| call.extract(p, hooks))
            .await
    }

    #[tool(
        description = "Submit documents without waiting; returns one task (or batch) ID per document, recorded like any docpipe submission (submitting the same content with the same options again reuses the recorded task). Follow with status(id), download with fetch(id).",
        annotations(title = "Submit documents", open_world_hint = true)
    )]
    async fn submit(
        &self,
        Parameters(p): Parameters<SubmitParams>,
        rc: RequestContext<RoleServer>,
    ) -> CallToolResult {
        self.call(&rc, move |call, hooks| call.submit(p, hooks))
            .await
    }

    #[tool(
        description = "State and progress of a submitted task or batch (asks the provider; changes nothing). Without an id: the most recent documents on record, with their IDs.",
        annotations(title = "Task status", read_only_hint = true, open_world_hint = true)
    )]
    async fn status(
        &self,
        Parameters(p): Parameters<StatusParams>,
        rc: RequestContext<RoleServer>,
    ) -> CallToolResult {
        self.call(&rc, move |call, _| call.status(p)).await
    }

    #[tool(
        description = "Download the results of a submitted task or batch, waiting for it to finish: the markdown inline (cut at max_chars) and the paths of the saved files.",
        annotations(title = "Fetch results", open_world_hint = true)
    )]
    async fn fetch(
        &self,
        Parameters(p): Parameters<FetchParams>,
        rc: RequestContext<RoleServer>,
    ) -> CallToolResult {
        self.call(&rc, move |call, hooks| call.fetch(p, hooks))
            .await
    }

    #[tool(
        description = "The providers, what each can do (formats, inputs, limits, batch, URLs), whether its key is set (never the key) and which one is the default: what `docpipe providers --json` prints.",
        annotations(title = "Providers", read_only_hint = true, open_world_hint = false)
    )]
    async fn providers(&self, rc: RequestContext<RoleServer>) -> CallToolResult {
        self.call(&rc, move |call, _| call.providers()).await
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for DocServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("docpipe", env!("CARGO_PKG_VERSION")))
            .with_instructions(INSTRUCTIONS)
    }
}

/// Sets the flag when dropped: should rmcp ever drop a call's future instead of
/// cancelling its token (the tests see only the token), the pipeline still stops.
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// What one tool call works with, on the blocking pool.
struct Call {
    global: Global,
    roots: Arc<Roots>,
}

impl DocServer {
    /// Runs `work` on the blocking pool, relaying its progress and the
    /// client's cancellation, and turns an error into an `isError` result.
    async fn call<F>(&self, rc: &RequestContext<RoleServer>, work: F) -> CallToolResult
    where
        F: FnOnce(&Call, &Hooks) -> Result<CallToolResult> + Send + 'static,
    {
        let cancel = Arc::new(AtomicBool::new(false));
        let _stop_when_dropped = CancelOnDrop(cancel.clone());
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
        let hooks = Hooks {
            cancel: Some(cancel.clone()),
            on_status: Some(Box::new({
                let tx = tx.clone();
                move |input, state, pages| {
                    let _ = tx.send(progress_message(input, state, pages));
                }
            })),
            on_bytes: Some(Arc::new(move |input, what, done, total| {
                let _ = tx.send(bytes_message(input, what, done, total));
            })),
        };
        let call = Call {
            global: self.global.clone(),
            roots: self.roots.clone(),
        };
        let mut job = tokio::task::spawn_blocking(move || work(&call, &hooks));
        let token = rc.meta.get_progress_token();
        let mut step = 0u32;
        let mut cancelled = false;
        loop {
            tokio::select! {
                done = &mut job => {
                    return match done {
                        Ok(Ok(result)) => result,
                        Ok(Err(e)) => error_result(&[e]),
                        Err(e) => error_result(&[anyhow::anyhow!("the tool call stopped unexpectedly: {e}")]),
                    };
                }
                Some(message) = rx.recv() => {
                    if let Some(token) = &token {
                        step += 1;
                        let _ = rc
                            .peer
                            .notify_progress(
                                ProgressNotificationParam::new(token.clone(), f64::from(step))
                                    .with_message(message),
                            )
                            .await;
                    }
                }
                _ = rc.ct.cancelled(), if !cancelled => {
                    cancelled = true;
                    cancel.store(true, Ordering::SeqCst);
                }
            }
        }
    }
}

fn progress_message(input: &str, state: State, pages: Option<(u64, u64)>) -> String {
    match pages.filter(|(_, total)| *total > 0) {
        Some((done, total)) => format!("{input}: {state} ({done}/{total} pages)"),
        None => format!("{input}: {state}"),
    }
}

/// `report.pdf: uploading 12.0 MB of 190.0 MB`.
fn bytes_message(input: &str, what: &str, done: u64, total: Option<u64>) -> String {
    let done_text = crate::provider::human_bytes(done);
    match total.filter(|&t| t > 0) {
        Some(t) => format!(
            "{input}: {what} {done_text} of {}",
            crate::provider::human_bytes(t)
        ),
        None => format!("{input}: {what} {done_text}"),
    }
}

/// The CLI's own error lines (`docpipe: error: …`, `docpipe: hint: …`) as an
/// `isError` result.
pub fn error_result(errors: &[anyhow::Error]) -> CallToolResult {
    let mut text = String::new();
    for e in errors {
        text.push_str(&format!("docpipe: error: {e:#}\n"));
        if let Some(hint) = error::hint_of(e) {
            text.push_str(&format!("docpipe: hint: {hint}\n"));
        }
    }
    if text.is_empty() {
        text.push_str("docpipe: error: the call failed without saying why\n");
    }
    CallToolResult::error(vec![ContentBlock::text(text.trim_end().to_string())])
}

fn structured(value: Value) -> CallToolResult {
    CallToolResult::structured(value)
}

/// The markdown of a result, at most `max` characters, and whether it was cut.
fn cap(text: &str, max: usize) -> (String, bool) {
    match text.char_indices().nth(max) {
        Some((at, _)) => (text[..at].to_string(), true),
        None => (text.to_string(), false),
    }
}

fn is_text_file(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(crate::deliver::is_text_ext)
}

/// A line's result as text for the caller: (markdown, where it is saved).
/// `saved`: the run wrote files (line.markdown is a path), else
/// line.text/line.markdown is the markdown itself.
fn result_text(line: &Line, saved: bool) -> Result<(Option<String>, Option<PathBuf>)> {
    if !saved {
        return Ok((line.text.clone().or_else(|| line.markdown.clone()), None));
    }
    let path = line
        .markdown
        .as_deref()
        .or(line.output.as_deref())
        .map(PathBuf::from);
    match path {
        Some(p) if p.is_file() && is_text_file(&p) => {
            let text = std::fs::read_to_string(&p)
                .map_err(|e| anyhow::anyhow!("cannot read the result {}: {e}", p.display()))?;
            Ok((Some(text), Some(p)))
        }
        other => Ok((None, other)),
    }
}

/// Writes a capped result that was saved nowhere into the first root, whole.
fn save_whole(roots: &Roots, input: &str, text: &str) -> Result<PathBuf> {
    let dir = roots.first().join(CAPPED_DIR);
    std::fs::create_dir_all(&dir)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    let stem = Path::new(input.rsplit('/').next().unwrap_or(input))
        .file_stem()
        .map(|s| crate::input::sanitize_name(&s.to_string_lossy()))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "document".into());
    let digest = crate::input::hex(&Sha256::digest(text.as_bytes()));
    let path = dir.join(format!("{stem}-{}.md", &digest[..12]));
    let mut tmp = tempfile::NamedTempFile::new_in(&dir)
        .map_err(|e| anyhow::anyhow!("cannot write in {}: {e}", dir.display()))?;
    std::io::Write::write_all(&mut tmp, text.as_bytes())?;
    tmp.persist(&path)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

/// One document's result for the caller: the markdown inline, cut at `max`,
/// and the path of the whole (saved into the first root when it was cut and
/// saved nowhere else).
struct Shown {
    markdown: Option<String>,
    truncated: bool,
    chars: Option<usize>,
    path: Option<PathBuf>,
}

fn show(roots: &Roots, line: &Line, saved: bool, max: usize) -> Result<Shown> {
    let (text, mut path) = result_text(line, saved)?;
    let Some(text) = text else {
        return Ok(Shown {
            markdown: None,
            truncated: false,
            chars: None,
            path,
        });
    };
    let chars = text.chars().count();
    let (inline, truncated) = cap(&text, max);
    if truncated && path.is_none() {
        path = Some(save_whole(roots, &line.input, &text)?);
    }
    Ok(Shown {
        markdown: Some(inline),
        truncated,
        chars: Some(chars),
        path,
    })
}

fn failed(lines: &[Line], errors: Vec<anyhow::Error>) -> CallToolResult {
    if !errors.is_empty() {
        return error_result(&errors);
    }
    let errs: Vec<anyhow::Error> = lines
        .iter()
        .filter_map(|l| {
            l.error
                .as_ref()
                .map(|e| anyhow::anyhow!("{}: {} ({e})", l.input, l.state))
        })
        .collect();
    error_result(&errs)
}

fn was_cancelled(hooks: &Hooks) -> bool {
    hooks
        .cancel
        .as_ref()
        .is_some_and(|c| c.load(Ordering::SeqCst))
}

/// The answer to a call stopped by its client (if anyone still reads it):
/// what was submitted, and how to get it.
fn cancelled(lines: &[Line]) -> CallToolResult {
    let mut ids: Vec<&str> = lines.iter().filter_map(Line::id).collect();
    ids.dedup();
    let next = if ids.is_empty() {
        "nothing was submitted".to_string()
    } else {
        format!(
            "submitted and recorded: {}; fetch(id) downloads the result later, nothing is submitted twice",
            ids.join(", ")
        )
    };
    error_result(&[crate::error::Error::new(
        crate::error::Kind::Interrupted,
        "the call was cancelled",
    )
    .with_hint(next)
    .into()])
}

/// A document as a call that wrote it sees it: whether it was written from
/// the result cache (no request, nothing paid), as `cached` in `--json`.
fn run_line_json(line: &Line) -> Value {
    let mut v = line_json(line);
    v["cached"] = json!(line.cached);
    v
}

fn line_json(line: &Line) -> Value {
    json!({
        "input": line.input,
        "provider": line.provider,
        "task_id": line.task_id,
        "batch_id": line.batch_id,
        "state": line.state,
        "pages": line.pages,
        "error": line.error,
    })
}

impl Call {
    /// A context for one call: the server's flags, `-p` from the call, no
    /// progress output (stdout may be the MCP channel).
    fn ctx(&self, provider: Option<String>) -> Result<Ctx> {
        Ctx::new(Global {
            provider: provider.or_else(|| self.global.provider.clone()),
            output: None,
            quiet: true,
            json: false,
            ..self.global.clone()
        })
    }

    /// Where a call's results go: its output_dir, else the config's
    /// `defaults.output`, each checked against the roots; None: nowhere
    /// (returned as text).
    fn output(&self, ctx: &Ctx, given: Option<&str>) -> Result<Option<PathBuf>> {
        if let Some(dir) = given {
            return Ok(Some(self.roots.output_dir(dir)?));
        }
        match ctx.config.output(None) {
            Some(dir) => Ok(Some(self.roots.check_dir(
                &dir,
                &format!("defaults.output {} (from the config)", dir.display()),
            )?)),
            None => Ok(None),
        }
    }

    fn extract(&self, p: ExtractParams, hooks: &Hooks) -> Result<CallToolResult> {
        let mut ctx = self.ctx(p.provider)?;
        let source = self.roots.source(&p.source)?;
        ctx.global.output = self.output(&ctx, p.output_dir.as_deref())?;
        let saved = ctx.global.output.is_some();
        let args = Request {
            inputs: vec![source],
            pages: p.pages,
            format: p.format,
            ..Request::default()
        };
        let (code, lines, errors) = pipeline::run_keeping(&ctx, Command::Ocr, &args, hooks)?;
        if was_cancelled(hooks) {
            return Ok(cancelled(&lines));
        }
        let Some(line) = lines.first() else {
            return Ok(failed(&lines, errors));
        };
        if code != error::exit::OK || line.state != State::Done.name() {
            return Ok(failed(&lines, errors));
        }
        let shown = show(
            &self.roots,
            line,
            saved,
            p.max_chars.unwrap_or(DEFAULT_MAX_CHARS),
        )?;
        let mut content = Vec::new();
        if let Some(md) = &shown.markdown {
            content.push(ContentBlock::text(md.clone()));
        }
        let note = match (&shown.path, shown.truncated, shown.chars) {
            (Some(path), true, Some(chars)) => Some(format!(
                "docpipe: the result has {chars} characters; the first {} are above; the whole result is in {}",
                p.max_chars.unwrap_or(DEFAULT_MAX_CHARS),
                path.display()
            )),
            (Some(path), false, _) if shown.markdown.is_none() => {
                Some(format!("docpipe: the result is saved in {}", path.display()))
            }
            (Some(path), false, _) => Some(format!("docpipe: saved in {}", path.display())),
            _ => None,
        };
        if let Some(note) = note {
            content.push(ContentBlock::text(note));
        }
        if line.cached {
            content.push(ContentBlock::text(
                "docpipe: written from the result cache (cached: true): no request was made, nothing was paid",
            ));
        }
        if content.is_empty() {
            content.push(ContentBlock::text(
                "docpipe: the provider returned an empty result",
            ));
        }
        Ok(CallToolResult::success(content))
    }

    fn submit(&self, p: SubmitParams, hooks: &Hooks) -> Result<CallToolResult> {
        let mut ctx = self.ctx(p.provider)?;
        let sources = p
            .sources
            .iter()
            .map(|s| self.roots.source(s))
            .collect::<Result<Vec<_>, _>>()?;
        if sources.is_empty() {
            return Err(crate::error::Error::usage("submit: sources is empty")
                .with_hint("give at least one document")
                .into());
        }
        let o = p.options;
        ctx.global.output = self.output(&ctx, o.output_dir.as_deref())?;
        // A folder per document where there is a folder; else nothing is
        // written and fetch returns the markdown.
        let command = if ctx.global.output.is_some() {
            Command::Parse
        } else {
            Command::Ocr
        };
        let args = Request {
            inputs: sources,
            pages: o.pages,
            format: o.format,
            language: o.language,
            ocr: o.ocr,
            model: o.model,
            no_wait: true,
            ..Request::default()
        };
        let (_, lines, errors) = pipeline::run_keeping(&ctx, command, &args, hooks)?;
        if was_cancelled(hooks) {
            return Ok(cancelled(&lines));
        }
        if lines.iter().all(|l| l.id().is_none() && l.state != "done") {
            return Ok(failed(&lines, errors));
        }
        let docs: Vec<Value> = lines.iter().map(run_line_json).collect();
        Ok(structured(json!({
            "documents": docs,
            "next": "status(id) for progress, fetch(id) for the results (it waits for them)",
        })))
    }

    fn status(&self, p: StatusParams) -> Result<CallToolResult> {
        let ctx = self.ctx(p.provider)?;
        let Some(id) = p.id else {
            let store = ctx.store()?;
            let found = store.recent(p.recent.unwrap_or(20))?;
            let docs: Vec<Value> = found
                .iter()
                .map(|f| {
                    let mut v = line_json(&Line::of(0, &f.rec));
                    v["output"] = json!(f.rec.output.as_ref().map(|o| o.display().to_string()));
                    v["updated_at"] = json!(f.rec.updated_at);
                    v
                })
                .collect();
            return Ok(structured(json!({ "documents": docs })));
        };
        let found = tasks::statuses(&ctx, &id)?;
        let mut docs = Vec::new();
        for (rec, status) in found {
            let mut v = line_json(&Line::of(0, &rec));
            match status {
                Ok(s) => {
                    v["state"] = json!(s.state.name());
                    v["error"] = json!(s.error);
                    v["progress"] = json!(s
                        .progress
                        .map(|p| json!({"done": p.done, "total": p.total})));
                    if let Some(p) = s.progress {
                        v["pages"] = json!(p.total);
                    }
                }
                Err(e) => {
                    v["error"] = json!(format!("{e:#}"));
                    if let Some(hint) = error::hint_of(&e) {
                        v["hint"] = json!(hint);
                    }
                }
            }
            v["output"] = json!(rec.output.as_ref().map(|o| o.display().to_string()));
            docs.push(v);
        }
        Ok(structured(json!({ "id": id, "documents": docs })))
    }

    /// Where `fetch` would write for `id` without an output_dir: the folder of
    /// its submission, checked against the roots; nothing for a submission
    /// whose results went to stdout (returned as text).
    fn fetch_output(&self, ctx: &Ctx, id: &str) -> Result<Option<PathBuf>> {
        let found = ctx.store()?.find(id)?;
        let Some(first) = found.first() else {
            return self.output(ctx, None);
        };
        let journal = &first.journal;
        if journal.file_name().is_some_and(|n| n == ".docpipe") {
            if let Some(root) = journal.parent() {
                return Ok(Some(self.roots.check_dir(
                    root,
                    &format!("the results folder of {id} ({})", root.display()),
                )?));
            }
        }
        if first.rec.command.as_deref() == Some(Command::Ocr.name()) {
            return Ok(None);
        }
        Ok(Some(match self.output(ctx, None)? {
            Some(dir) => dir,
            None => self.roots.first().to_path_buf(),
        }))
    }

    fn fetch(&self, p: FetchParams, hooks: &Hooks) -> Result<CallToolResult> {
        let mut ctx = self.ctx(p.provider)?;
        ctx.global.output = match p.output_dir.as_deref() {
            Some(dir) => Some(self.roots.output_dir(dir)?),
            None => self.fetch_output(&ctx, &p.id)?,
        };
        let saved = ctx.global.output.is_some();
        let emitter = Emitter::keeping();
        let failures = tasks::fetch_into(&ctx, std::slice::from_ref(&p.id), &emitter, hooks)?;
        let _ = emitter.flush();
        let lines = emitter.take_kept();
        if lines.iter().all(|l| l.state != "done") {
            return Ok(failed(&lines, failures));
        }
        let max = p.max_chars.unwrap_or(DEFAULT_MAX_CHARS);
        let mut docs = Vec::new();
        for line in &lines {
            let mut v = run_line_json(line);
            v["output"] = json!(line.output.clone().filter(|_| saved));
            if line.state == "done" {
                let shown = show(&self.roots, line, saved, max)?;
                v["markdown"] = json!(shown.markdown);
                v["truncated"] = json!(shown.truncated);
                v["chars"] = json!(shown.chars);
                v["markdown_path"] = json!(shown.path.map(|p| p.display().to_string()));
            }
            docs.push(v);
        }
        let mut out = json!({ "id": p.id, "documents": docs });
        if !failures.is_empty() {
            out["errors"] = json!(failures
                .iter()
                .map(|e| {
                    let mut s = format!("{e:#}");
                    if let Some(h) = error::hint_of(e) {
                        s.push_str(&format!(" (hint: {h})"));
                    }
                    s
                })
                .collect::<Vec<_>>());
        }
        Ok(structured(out))
    }

    fn providers(&self) -> Result<CallToolResult> {
        let ctx = self.ctx(None)?;
        Ok(structured(json!({ "providers": providers::values(&ctx)? })))
    }
}
