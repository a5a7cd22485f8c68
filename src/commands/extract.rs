//! `ocr` and `parse`: check every input, submit, record, upload, wait, deliver.
//! Documents run in parallel (up to `--concurrency`); results are printed in the
//! order the inputs were given.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde_json::json;

use super::{combined_exit_code, Ctx};
use crate::cli::ExtractArgs;
use crate::deliver::{self, Delivered, Item, Layout};
use crate::error::{self, Error, Kind};
use crate::input::{self, Document};
use crate::options::{ExtractOptions, Format, PageRanges};
use crate::output::Outputs;
use crate::poll::{self, Waited};
use crate::progress::DocProgress;
use crate::provider::{self, Provider, ResultRef, State, Submitted, TaskRef};
use crate::record::{self, Store, TaskRecord};
use crate::transfer;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Ocr,
    Parse,
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::Ocr => "ocr",
            Mode::Parse => "parse",
        }
    }
}

/// What happened to one document.
pub struct Outcome {
    pub input: String,
    pub provider: String,
    pub task: Option<TaskRef>,
    pub state: State,
    pub delivered: Delivered,
    pub pages: Option<u64>,
    pub error: Option<anyhow::Error>,
    pub elapsed: Duration,
}

impl Outcome {
    pub fn json(&self) -> serde_json::Value {
        let markdown = match (&self.delivered.markdown_path, &self.delivered.text) {
            (Some(p), _) => Some(p.display().to_string()),
            (None, Some(t)) => Some(t.clone()),
            _ => None,
        };
        json!({
            "input": self.input,
            "provider": self.provider,
            "task_id": self.task.as_ref().and_then(|t| t.task_id()),
            "batch_id": self.task.as_ref().and_then(|t| t.batch_id()),
            "state": self.state.name(),
            "output": self.delivered.output.as_ref().map(|p| p.display().to_string()),
            "markdown": markdown,
            "pages": self.pages,
            "error": self.error.as_ref().map(|e| format!("{e:#}")),
            "elapsed_s": (self.elapsed.as_secs_f64() * 1000.0).round() / 1000.0,
        })
    }
}

pub fn options_from(ctx: &Ctx, args: &ExtractArgs, mode: Mode) -> Result<ExtractOptions, Error> {
    Ok(ExtractOptions {
        pages: args.pages.as_deref().map(PageRanges::parse).transpose()?,
        language: ctx.config.language(args.language.as_deref()),
        ocr: args.ocr,
        formula: !args.no_formula,
        table: !args.no_table,
        model: args.model.clone(),
        format: args
            .format
            .as_deref()
            .map(Format::parse)
            .unwrap_or(Format::Markdown),
        extra_formats: args.extra_formats.clone(),
        table_format: args.table_format.clone(),
        extract_header: args.extract_header,
        extract_footer: args.extract_footer,
        images: args.images,
        transport: args.transport.clone(),
        full_result: mode == Mode::Parse,
    })
}

/// What stdout cannot carry: image files, and binary provider formats (docx, pdf…).
fn check_stdout(opts: &ExtractOptions) -> Result<(), Error> {
    if opts.images {
        return Err(
            Error::usage("--images needs -o DIR: images cannot go to stdout")
                .with_hint("add -o DIR (ocr writes DIR/<name>.md and DIR/<name>_images/)"),
        );
    }
    if let Format::Other(f) = &opts.format {
        if !deliver::is_text_ext(f) {
            return Err(Error::usage(format!(
                "--format {f} is a binary file and is not printed to stdout"
            ))
            .with_hint(format!("add -o DIR to save DIR/<name>.{f}")));
        }
    }
    Ok(())
}

pub fn run(ctx: &Ctx, args: &ExtractArgs, mode: Mode) -> Result<i32> {
    // Everything that can be checked is checked before the first request.
    let opts = options_from(ctx, args, mode)?;
    let words = input::collect_inputs(&args.inputs, args.from.as_deref())?;
    let docs = words
        .iter()
        .map(|w| input::resolve(w, args.name.as_deref()))
        .collect::<Result<Vec<Document>, Error>>()?;
    let entry = provider::select(ctx.global.provider.as_deref(), &ctx.config)?;
    let provider = provider::build(entry, &ctx.config, &ctx.http)?;
    provider.ready()?;
    for doc in &docs {
        provider.check(doc, &opts)?;
    }
    if mode == Mode::Ocr && ctx.config.output(ctx.global.output.as_deref()).is_none() {
        check_stdout(&opts)?;
    }
    let layout = layout_for(ctx, mode)?;
    let store = ctx.store()?;
    let deadline = Instant::now() + ctx.config.timeout(ctx.global.timeout)?;
    let intervals = ctx.config.poll_intervals()?;
    let concurrency = ctx
        .config
        .concurrency(args.concurrency)
        .min(docs.len().max(1));

    let job = Job {
        ctx,
        provider: provider.as_ref(),
        opts: &opts,
        layout: &layout,
        store: &store,
        mode,
        deadline,
        intervals,
        no_wait: args.no_wait,
        stop: AtomicBool::new(false),
        base_url: ctx
            .config
            .base_url(entry.info.name, entry.info.default_base_url)?,
    };

    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel::<(usize, Outcome)>();
    let mut failures: Vec<anyhow::Error> = Vec::new();
    let mut timed_out: Vec<TaskRef> = Vec::new();
    std::thread::scope(|scope| -> Result<()> {
        for _ in 0..concurrency {
            let tx = tx.clone();
            let (job, docs, next) = (&job, &docs, &next);
            scope.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(doc) = docs.get(i) else { break };
                if tx.send((i, job.process(doc))).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        // Print in input order as results arrive.
        let mut pending = BTreeMap::new();
        let mut emit_next = 0usize;
        let stdout = std::io::stdout();
        for (i, outcome) in rx {
            pending.insert(i, outcome);
            while let Some(outcome) = pending.remove(&emit_next) {
                emit_next += 1;
                let mut out = stdout.lock();
                emit(ctx, &job, &outcome, &mut out)?;
                out.flush()?;
                if let Some(err) = outcome.error {
                    if error::exit_code_of(&err) == error::exit::TIMEOUT {
                        if let Some(t) = outcome.task.clone() {
                            timed_out.push(t);
                        }
                    }
                    failures.push(err);
                }
            }
        }
        Ok(())
    })?;

    if !timed_out.is_empty() {
        let ids: Vec<&str> = timed_out.iter().map(|t| t.id.as_str()).collect();
        let out = match &layout {
            Layout::Stdout => String::new(),
            Layout::Files(o) | Layout::Folders(o) => {
                format!(" -o {}", shell_word(&o.root().display().to_string()))
            }
        };
        eprintln!(
            "docpipe: hint: still running: check with `docpipe status {ids}`, download with `docpipe fetch {ids}{out}`",
            ids = ids.join(" ")
        );
    }
    Ok(combined_exit_code(&failures.iter().collect::<Vec<_>>()))
}

/// The error for a task that ended `failed`: the document refused (exit 4) or the
/// provider failing to extract it (exit 5).
pub(crate) fn failure_error(input: &str, task: &TaskRef, fault: Option<Kind>, why: &str) -> Error {
    match fault {
        Some(Kind::Input) => Error::input(
            input,
            format!(
                "{} refused the document: {why} (task {})",
                task.provider, task.id
            ),
        )
        .with_hint("check the file's size, type and page count against `docpipe providers`"),
        _ => Error::provider(format!(
            "{input}: {} failed to extract it: {why} (task {})",
            task.provider, task.id
        ))
        .with_hint("check the document; run the command again to resubmit it"),
    }
}

fn layout_for(ctx: &Ctx, mode: Mode) -> Result<Layout> {
    let out = ctx.config.output(ctx.global.output.as_deref());
    Ok(match (mode, out) {
        (Mode::Ocr, None) => Layout::Stdout,
        (Mode::Ocr, Some(dir)) => Layout::Files(Arc::new(open_outputs(dir)?)),
        (Mode::Parse, dir) => Layout::Folders(Arc::new(open_outputs(
            dir.unwrap_or_else(|| PathBuf::from(".")),
        )?)),
    })
}

/// The output folder of a run, checked (an existing file is refused) and
/// made absolute, so every path printed later is one a user can reuse.
pub(crate) fn open_outputs(dir: PathBuf) -> Result<Outputs> {
    if dir.exists() && !dir.is_dir() {
        return Err(
            Error::usage(format!("-o {}: exists and is not a folder", dir.display()))
                .with_hint("give a folder for the results")
                .into(),
        );
    }
    let dir = std::path::absolute(&dir).unwrap_or(dir);
    Outputs::open(&dir)
}

fn shell_word(text: &str) -> String {
    if text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+=:@".contains(c))
    {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// Prints one finished document: text or a JSON line on stdout; the error on stderr.
fn emit(ctx: &Ctx, job: &Job, outcome: &Outcome, out: &mut impl Write) -> Result<()> {
    if let Some(err) = &outcome.error {
        error::report(err);
    }
    if ctx.global.json {
        writeln!(out, "{}", outcome.json())?;
        return Ok(());
    }
    if job.no_wait {
        if let Some(task) = &outcome.task {
            writeln!(out, "{}", task.id)?;
        }
        return Ok(());
    }
    if let Some(text) = &outcome.delivered.text {
        out.write_all(text.as_bytes())?;
        if !text.ends_with('\n') {
            out.write_all(b"\n")?;
        }
    }
    Ok(())
}

/// Everything one document's journey needs, shared by the worker threads.
pub(crate) struct Job<'a> {
    pub(crate) ctx: &'a Ctx,
    pub(crate) provider: &'a dyn Provider,
    pub(crate) opts: &'a ExtractOptions,
    pub(crate) layout: &'a Layout,
    pub(crate) store: &'a Store,
    pub(crate) mode: Mode,
    pub(crate) deadline: Instant,
    pub(crate) intervals: (Duration, Duration),
    pub(crate) no_wait: bool,
    /// Set after an error that every later document would hit too (bad key,
    /// quota): nothing more is submitted.
    pub(crate) stop: AtomicBool,
    pub(crate) base_url: String,
}

impl Job<'_> {
    fn process(&self, doc: &Document) -> Outcome {
        let started = Instant::now();
        let progress = self.ctx.reporter.doc(&doc.name);
        let mut outcome = Outcome {
            input: doc.input.clone(),
            provider: self.provider.info().name.to_string(),
            task: None,
            state: State::Submitted,
            delivered: Delivered::default(),
            pages: None,
            error: None,
            elapsed: Duration::ZERO,
        };
        if self.stop.load(Ordering::SeqCst) {
            outcome.state = State::Failed;
            outcome.error = Some(anyhow::anyhow!(
                "{}: not submitted because of the error above",
                doc.input
            ));
        } else if let Err(err) = self.journey(doc, &progress, &mut outcome).inspect_err(|_| {
            if let Some(t) = &outcome.task {
                crate::interrupt::untrack(&t.id);
            }
        }) {
            let kind = error::typed(&err).map(|e| e.kind.clone());
            if matches!(kind, Some(Kind::Auth) | Some(Kind::Quota)) {
                self.stop.store(true, Ordering::SeqCst);
            }
            if kind != Some(Kind::Timeout) {
                outcome.state = State::Failed;
            }
            progress.finish(&format!("{}", outcome.state));
            outcome.error = Some(err);
        }
        outcome.elapsed = started.elapsed();
        outcome
    }

    fn journey(&self, doc: &Document, progress: &DocProgress, outcome: &mut Outcome) -> Result<()> {
        progress.step("submitting");
        // From the request to the record, a signal waits for us (interrupt.rs);
        // a sync call has no task to record, and a stop does not wait for it.
        let in_flight =
            (self.provider.info().mode == provider::Mode::Async).then(crate::interrupt::submitting);
        let submitted = self
            .provider
            .submit(doc, self.opts)
            .with_context(|| format!("{}: submission failed", doc.input))?;
        let (task, upload) = match submitted {
            Submitted::Done(result) => {
                drop(in_flight);
                let item = Item {
                    name: &doc.name,
                    sha256: &doc.sha256,
                    format: &self.opts.format,
                };
                return self.finish(&doc.input, &item, &result, progress, outcome, None);
            }
            Submitted::Task { task, upload } => (task, upload),
        };
        outcome.task = Some(task.clone());
        let mut rec = TaskRecord {
            task: task.clone(),
            base_url: self.base_url.clone(),
            input: doc.input.clone(),
            name: doc.name.clone(),
            sha256: doc.sha256.clone(),
            command: self.mode.name().to_string(),
            options: self.opts.clone(),
            output: match self.layout {
                Layout::Stdout => None,
                Layout::Files(o) | Layout::Folders(o) => Some(o.root().to_path_buf()),
            },
            state: if upload.is_some() {
                State::WaitingFile
            } else {
                State::Submitted
            },
            uploaded: false,
            error: None,
            result: None,
            pages: None,
            submitted_at: record::now(),
            updated_at: record::now(),
        };
        // Recorded before anything else can fail or wait: the task is never lost.
        self.store.put(&rec)?;
        crate::interrupt::track(&task.id, &doc.input);
        drop(in_flight);
        progress.step(&format!("submitted as {}", task.id));
        if let Some(upload) = upload {
            progress.step(&format!("uploading {}", provider::human_bytes(upload.size)));
            transfer::put_signed(&self.ctx.http, &upload)
                .with_context(|| format!("{}: upload failed", doc.input))?;
            rec.uploaded = true;
            rec.state = State::Pending;
            rec.updated_at = record::now();
            self.store.put(&rec)?;
        }
        if self.no_wait {
            outcome.state = rec.state;
            progress.finish(&format!("submitted as {}", task.id));
            return Ok(());
        }
        self.follow(rec, progress, outcome)
    }

    /// Waits for a recorded task and delivers its result, keeping the record
    /// current. Shared by a fresh submission and by `fetch`.
    pub(crate) fn follow(
        &self,
        rec: TaskRecord,
        progress: &DocProgress,
        outcome: &mut Outcome,
    ) -> Result<()> {
        let task = rec.task.clone();
        outcome.task = Some(task.clone());
        crate::interrupt::track(&task.id, &rec.input);
        let result = self.follow_tracked(rec, progress, outcome);
        crate::interrupt::untrack(&task.id);
        result
    }

    fn follow_tracked(
        &self,
        mut rec: TaskRecord,
        progress: &DocProgress,
        outcome: &mut Outcome,
    ) -> Result<()> {
        let task = rec.task.clone();
        let waited = poll::wait(
            self.provider,
            &task,
            self.intervals,
            self.deadline,
            |status| {
                progress.state(status.state, status.progress);
                if let Some(p) = status.progress {
                    outcome.pages = Some(p.total);
                }
                if status.state != rec.state {
                    rec.state = status.state;
                    rec.pages = outcome.pages.or(rec.pages);
                    rec.updated_at = record::now();
                    self.store.put(&rec)?;
                }
                Ok(())
            },
        )
        .with_context(|| format!("{}: waiting on {}", rec.input, task.id))?;
        let status = match waited {
            Waited::Finished(s) => s,
            Waited::TimedOut(last) => {
                outcome.state = last.map_or(rec.state, |s| s.state);
                return Err(Error::timeout(format!(
                    "{}: still {} at the timeout; task {} ({})",
                    rec.input, outcome.state, task.id, task.provider
                ))
                // The resume commands for all timed-out tasks follow in one hint.
                .into());
            }
        };
        outcome.state = status.state;
        match status.result {
            Some(result) if status.state == State::Done => {
                let (input, name, sha256) =
                    (rec.input.clone(), rec.name.clone(), rec.sha256.clone());
                let item = Item {
                    name: &name,
                    sha256: &sha256,
                    format: &self.opts.format,
                };
                self.finish(&input, &item, &result, progress, outcome, Some(&mut rec))
            }
            _ => {
                let why = status.error.unwrap_or_else(|| "no reason given".into());
                rec.error = Some(why.clone());
                rec.state = State::Failed;
                rec.updated_at = record::now();
                self.store.put(&rec)?;
                Err(failure_error(&rec.input, &task, status.fault, &why).into())
            }
        }
    }

    fn finish(
        &self,
        input: &str,
        item: &Item,
        result: &ResultRef,
        progress: &DocProgress,
        outcome: &mut Outcome,
        rec: Option<&mut TaskRecord>,
    ) -> Result<()> {
        progress.step("downloading");
        let delivered = deliver::deliver(&self.ctx.http, result, item, self.layout).map_err(|e| {
            let hint = if format!("{e:#}").contains("result zip") {
                "the provider's result was refused and nothing was written; report it to the provider"
            } else {
                "check the output folder (space, permissions); the task is recorded, so `docpipe fetch ID` downloads it again"
            };
            let typed = Error::new(Kind::Other, format!("{input}: cannot save the result")).with_hint(hint);
            e.context(typed)
        })?;
        if let Some(rec) = rec {
            rec.result = delivered.output.clone();
            rec.state = State::Done;
            rec.updated_at = record::now();
            self.store.put(rec)?;
        }
        let place = delivered
            .output
            .as_ref()
            .map(|p| format!("done: {}", p.display()))
            .unwrap_or_else(|| "done".into());
        progress.finish(&place);
        outcome.delivered = delivered;
        outcome.state = State::Done;
        Ok(())
    }
}
