//! `batch`: many documents, resumable and exactly-once.
//!
//! The run record (`journal.rs`, inside the output folder) is written before
//! anything waits and after every state change. A rerun of the same command skips
//! what is done, polls again what was submitted, re-uploads to a still-valid signed
//! URL what was not uploaded, and never submits a document twice (same content,
//! provider and options) unless `--retry-failed` asks for failures to be retried.
//!
//! Three kinds of work run at once: one thread submits (batch calls of up to the
//! provider's limit, uploads `--concurrency` at a time), the main thread polls (one
//! status request per batch per round), and `--concurrency` workers download each
//! result as soon as it is done.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Result;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::extract::options_from;
use super::{combined_exit_code, Ctx};
use crate::cli::BatchArgs;
use crate::deliver::{self, Item, Layout};
use crate::error::{self, Error, Kind};
use crate::input::{self, Document};
use crate::journal::{DocRecord, Journal, Upload};
use crate::options::{ExtractOptions, Format};
use crate::output::Outputs;
use crate::poll::Backoff;
use crate::progress::{DocProgress, Target};
use crate::provider::{
    self, BatchItem, Provider, ResultRef, State, Submitted, TaskRef, TaskStatus,
};
use crate::record::{self, Store};
use crate::transfer;

/// Signed upload URLs live 24 h; one older than this is not trusted any more.
const UPLOAD_URL_TRUST: u64 = 23 * 3600;

/// A document's identity across runs: content, provider and the options that
/// change the provider's work.
pub fn doc_key(sha256: &str, provider: &str, opts: &ExtractOptions) -> String {
    let mut work = opts.clone();
    // The output format is docpipe's own business, not the provider's.
    work.format = Format::Markdown;
    let fingerprint = serde_json::to_string(&work).unwrap_or_default();
    let digest = Sha256::digest(format!("{sha256}\n{provider}\n{fingerprint}").as_bytes());
    input::hex(&digest)
}

/// A document to process in this run.
struct Planned {
    doc: Document,
    key: String,
}

/// Work the poller follows: a provider batch, or a single task.
enum Group {
    Batch {
        id: String,
        /// Item key (data_id) → document key, for the documents still active.
        members: HashMap<String, String>,
    },
    Task {
        task: TaskRef,
        key: String,
    },
}

/// What an earlier run left: new documents, submitted ones to follow, and
/// synchronous answers held but not yet written.
struct Triage {
    new: Vec<Planned>,
    resumed: Vec<DocRecord>,
    held: Vec<String>,
}

/// One status request of a polling round.
enum Ask {
    Batch(String),
    Task(TaskRef, String),
}

impl Group {
    fn is_empty(&self) -> bool {
        match self {
            Group::Batch { members, .. } => members.is_empty(),
            Group::Task { .. } => false,
        }
    }
}

#[derive(Default)]
struct Summary {
    done: usize,
    skipped: usize,
    failed: Vec<(String, String)>,
    errors: Vec<anyhow::Error>,
    timed_out: usize,
    /// Documents whose submission's answer was lost: not recorded, for a rerun.
    unsent: usize,
}

struct Run<'a> {
    ctx: &'a Ctx,
    provider: &'a dyn Provider,
    opts: ExtractOptions,
    outputs: Arc<Outputs>,
    journal: Journal,
    store: Store,
    base_url: String,
    concurrency: usize,
    started: Instant,
    deadline: Instant,
    intervals: (Duration, Duration),
    groups: Mutex<Vec<Group>>,
    submitting: AtomicBool,
    /// A failure every later request would hit too (bad key, quota).
    fatal: Mutex<Option<anyhow::Error>>,
    summary: Mutex<Summary>,
    progress: Mutex<HashMap<String, DocProgress>>,
    /// Pages extracted at the last status of each document, to see progress.
    seen_pages: Mutex<HashMap<String, Option<u64>>>,
    overall: Option<indicatif::ProgressBar>,
    total: usize,
}

pub fn run(ctx: &Ctx, args: &BatchArgs) -> Result<i32> {
    let opts = options_from(ctx, &args.extract, super::extract::Mode::Parse)?;
    let entry = provider::select(ctx.global.provider.as_deref(), &ctx.config)?;
    let provider = provider::build(entry, &ctx.config, &ctx.http)?;
    provider.ready()?;
    let words = input::collect_inputs(&args.extract.inputs, args.extract.from.as_deref())?;
    let root = ctx
        .config
        .output(ctx.global.output.as_deref())
        .unwrap_or_else(|| PathBuf::from("."));
    let outputs = Arc::new(super::extract::open_outputs(root)?);
    let root = outputs.root().to_path_buf();
    let journal = Journal::open(&root)?;
    crate::interrupt::set_resume_hint(format!(
        "the record is kept in {}: run the same command again to continue (nothing is submitted twice)",
        journal.path().display()
    ));
    let mut run = Run {
        ctx,
        provider: provider.as_ref(),
        opts,
        outputs,
        journal,
        store: ctx.store()?,
        base_url: ctx
            .config
            .base_url(entry.info.name, entry.info.default_base_url)?,
        concurrency: ctx.config.concurrency(args.extract.concurrency),
        started: Instant::now(),
        deadline: Instant::now() + ctx.config.timeout(ctx.global.timeout)?,
        intervals: ctx.config.poll_intervals()?,
        groups: Mutex::new(Vec::new()),
        submitting: AtomicBool::new(true),
        fatal: Mutex::new(None),
        summary: Mutex::new(Summary::default()),
        progress: Mutex::new(HashMap::new()),
        seen_pages: Mutex::new(HashMap::new()),
        overall: None,
        total: 0,
    };
    let planned = run.plan(&words, &root, args.extract.name.as_deref());
    let bad_inputs = run.lock_summary().errors.len();
    run.total = planned.len() + bad_inputs;
    if ctx.reporter.target() == Target::Bar {
        run.overall = Some(ctx.reporter.overall(run.total as u64));
    }
    let triage = run.triage(planned, args.retry_failed)?;
    run.execute(triage)?;
    if let Some(fatal) = run.fatal.lock().unwrap_or_else(|e| e.into_inner()).take() {
        return Err(fatal);
    }
    Ok(run.finish(&words))
}

impl Run<'_> {
    fn lock_groups(&self) -> std::sync::MutexGuard<'_, Vec<Group>> {
        self.groups.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn lock_summary(&self) -> std::sync::MutexGuard<'_, Summary> {
        self.summary.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Inputs to documents: folders expanded, each checked. A bad input is reported
    /// and counted; the others go on.
    fn plan(&self, words: &[String], root: &Path, stdin_name: Option<&str>) -> Vec<Planned> {
        let info = self.provider.info();
        let mut planned = Vec::new();
        let mut seen = HashSet::new();
        for word in words {
            let path = Path::new(word);
            let items: Vec<(Result<Document, Error>, Option<String>)> =
                if !input::is_url(word) && path.is_dir() {
                    match input::expand_dir(path, info.extensions, root) {
                        Ok(files) => files
                            .into_iter()
                            .map(|(p, name)| {
                                let shown = p.display().to_string();
                                (input::resolve(&shown, None), Some(name))
                            })
                            .collect(),
                        Err(e) => vec![(Err(e), None)],
                    }
                } else {
                    vec![(input::resolve(word, stdin_name), None)]
                };
            for (doc, name) in items {
                let checked = doc.and_then(|mut d| {
                    self.provider.check(&d, &self.opts)?;
                    if let Some(name) = name {
                        d.name = name;
                    }
                    Ok(d)
                });
                match checked {
                    Ok(doc) => {
                        let key = doc_key(&doc.sha256, info.name, &self.opts);
                        // The same document named twice is one document.
                        if seen.insert(key.clone()) {
                            planned.push(Planned { doc, key });
                        } else {
                            self.ctx.reporter.note(&format!(
                                "{}: same content as an earlier input; processed once",
                                doc.input
                            ));
                        }
                    }
                    Err(e) => {
                        let err = anyhow::Error::new(e);
                        error::report(&err);
                        self.lock_summary().errors.push(err);
                    }
                }
            }
        }
        planned
    }

    /// Splits documents into new ones and ones an earlier run already submitted;
    /// documents already done are reported as skipped.
    fn triage(&self, planned: Vec<Planned>, retry_failed: bool) -> Result<Triage> {
        let mut new = Vec::new();
        let mut resumed = Vec::new();
        let mut held = Vec::new();
        for p in planned {
            let Some(rec) = self.journal.get(&p.key) else {
                new.push(p);
                continue;
            };
            // The output name stays the one the document had.
            self.outputs.claim(&rec.name, &rec.sha256, "")?;
            match rec.state {
                State::Done if rec.output.as_ref().is_some_and(|o| o.exists()) => {
                    self.lock_summary().skipped += 1;
                    self.emit(&rec, true);
                    self.tick();
                }
                State::Failed if !retry_failed => {
                    let why = rec.error.clone().unwrap_or_default();
                    self.ctx.reporter.note(&format!(
                        "{}: failed in an earlier run ({why}); --retry-failed submits it again",
                        rec.input
                    ));
                    self.lock_summary().failed.push((rec.input.clone(), why));
                    self.emit(&rec, false);
                    self.tick();
                }
                State::Failed => new.push(p),
                State::Done if self.journal.held(&rec.key).is_some() => held.push(rec.key.clone()),
                _ if rec.task().is_some() => {
                    let upload_lost = rec.upload.as_ref().is_some_and(|u| {
                        !u.done && record::now().saturating_sub(u.issued_at) > UPLOAD_URL_TRUST
                    });
                    if upload_lost {
                        // The file never reached the provider: nothing was paid for.
                        new.push(p);
                    } else {
                        resumed.push(rec);
                    }
                }
                _ => new.push(p),
            }
        }
        Ok(Triage { new, resumed, held })
    }

    fn execute(&self, triage: Triage) -> Result<()> {
        let Triage { new, resumed, held } = triage;
        let (dl_tx, dl_rx) = mpsc::channel::<(String, ResultRef)>();
        let dl_rx = Mutex::new(dl_rx);
        std::thread::scope(|s| -> Result<()> {
            for _ in 0..self.concurrency {
                let dl_rx = &dl_rx;
                s.spawn(move || loop {
                    let job = dl_rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    match job {
                        Ok((key, result)) => self.download(&key, &result),
                        Err(_) => break,
                    }
                });
            }
            s.spawn(|| {
                // Answers paid for in an earlier run: written, not asked again.
                for key in held {
                    if let Some(result) = self.journal.held(&key) {
                        self.download(&key, &result);
                    }
                }
                if let Err(e) = self.submit_all(new, resumed) {
                    self.set_fatal(e);
                }
                self.submitting.store(false, Ordering::SeqCst);
            });
            self.poll(&dl_tx);
            drop(dl_tx);
            Ok(())
        })
    }

    fn set_fatal(&self, err: anyhow::Error) {
        let mut fatal = self.fatal.lock().unwrap_or_else(|e| e.into_inner());
        if fatal.is_none() {
            *fatal = Some(err);
        }
    }

    fn is_fatal(&self) -> bool {
        self.fatal
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some()
    }

    /// Errors that every further request would meet: stop submitting.
    fn is_run_wide(err: &anyhow::Error) -> bool {
        error::typed(err).is_some_and(|e| matches!(e.kind, Kind::Auth | Kind::Quota))
    }

    fn submit_all(&self, new: Vec<Planned>, resumed: Vec<DocRecord>) -> Result<()> {
        // Documents already submitted: upload what is still owed, then follow.
        let mut owed = Vec::new();
        let mut by_batch: BTreeMap<String, HashMap<String, String>> = BTreeMap::new();
        for rec in resumed {
            self.step(&rec, "resumed: polling again, not resubmitting");
            if let Some(u) = rec.upload.as_ref().filter(|u| !u.done) {
                if let Ok(doc) = input::resolve(&rec.input, None) {
                    owed.push((rec.key.clone(), u.url.clone(), doc));
                }
            }
            match (&rec.batch_id, rec.task()) {
                (Some(b), _) => {
                    by_batch
                        .entry(b.clone())
                        .or_default()
                        .insert(rec.item.clone().unwrap_or_default(), rec.key.clone());
                }
                (None, Some(task)) => self.track(Group::Task {
                    task,
                    key: rec.key.clone(),
                }),
                (None, None) => {}
            }
        }
        for (id, members) in by_batch {
            self.track(Group::Batch { id, members });
        }

        // New documents: in provider batches where there is a batch API.
        let mut groups: BTreeMap<String, Vec<Planned>> = BTreeMap::new();
        let mut singles = Vec::new();
        for p in new {
            match self.provider.batch_group(&p.doc, &self.opts) {
                Some(g) => groups.entry(g).or_default().push(p),
                None => singles.push(p),
            }
        }
        // All batch calls first, a quick burst: the provider starts on URLs at
        // once, and the moments in which a stop could catch a call in flight are
        // over before the long uploads begin.
        let chunk = self.provider.info().limits.max_batch.unwrap_or(200).max(1);
        for (_, docs) in groups {
            for part in docs.chunks(chunk) {
                if self.is_fatal() {
                    return Ok(());
                }
                owed.extend(self.submit_batch(part)?);
            }
        }
        self.upload_all(owed);
        self.submit_singles(singles)
    }

    fn new_record(&self, p: &Planned) -> Result<DocRecord> {
        let previous = self.journal.get(&p.key);
        let name = match &previous {
            Some(r) => r.name.clone(),
            None => self.outputs.claim(&p.doc.name, &p.doc.sha256, "")?,
        };
        Ok(DocRecord {
            key: p.key.clone(),
            input: p.doc.input.clone(),
            name,
            sha256: p.doc.sha256.clone(),
            provider: self.provider.info().name.to_string(),
            base_url: self.base_url.clone(),
            batch_id: None,
            task_id: None,
            item: None,
            upload: None,
            state: State::Submitted,
            pages: None,
            error: None,
            output: None,
            submissions: previous.map_or(0, |r| r.submissions) + 1,
            updated_at: record::now(),
        })
    }

    /// One batch call, recorded at once; returns the uploads it owes.
    fn submit_batch(&self, part: &[Planned]) -> Result<Vec<(String, String, Document)>> {
        // Everything that touches the disk is prepared before the call, so that
        // between the provider's answer and the record there is a single write.
        let mut recs = part
            .iter()
            .map(|p| self.new_record(p))
            .collect::<Result<Vec<_>>>()?;
        let docs: Vec<&Document> = part.iter().map(|p| &p.doc).collect();
        // From the request to the record, a signal waits for us (interrupt.rs);
        // a sync call has no task to record, and a stop does not wait for it.
        let in_flight =
            (self.provider.info().mode == provider::Mode::Async).then(crate::interrupt::submitting);
        let answer = match self.provider.submit_batch(&docs, &self.opts) {
            Ok(a) => a,
            Err(e) if Self::is_run_wide(&e) => return Err(e),
            Err(e) if is_answer_lost(&e) => {
                for (p, rec) in part.iter().zip(&recs) {
                    self.unsent(p, rec, &e);
                }
                return Ok(Vec::new());
            }
            Err(e) => {
                for p in part {
                    self.fail_new(p, &format!("{e:#}"))?;
                }
                return Ok(Vec::new());
            }
        };
        let now = record::now();
        let mut owed = Vec::new();
        for (rec, (item, upload)) in recs.iter_mut().zip(&answer.items) {
            rec.batch_id = Some(answer.batch_id.clone());
            rec.item = Some(item.clone());
            rec.state = if upload.is_some() {
                State::WaitingFile
            } else {
                State::Submitted
            };
            rec.upload = upload.as_ref().map(|u| Upload {
                url: u.url.clone(),
                issued_at: now,
                done: false,
            });
        }
        self.journal.put_many(&recs)?;
        drop(in_flight);
        self.store.put_run(&answer.batch_id, self.outputs.root())?;
        let mut members = HashMap::new();
        for ((rec, p), (item, upload)) in recs.iter().zip(part).zip(answer.items) {
            self.step(rec, &format!("submitted in batch {}", answer.batch_id));
            if let Some(u) = upload {
                owed.push((rec.key.clone(), u.url, p.doc.clone()));
            }
            members.insert(item, rec.key.clone());
        }
        self.track(Group::Batch {
            id: answer.batch_id,
            members,
        });
        Ok(owed)
    }

    /// Documents of a provider without a batch API: one task each, `concurrency`
    /// at a time.
    fn submit_singles(&self, singles: Vec<Planned>) -> Result<()> {
        let queue = Mutex::new(singles.into_iter());
        let result: Mutex<Result<()>> = Mutex::new(Ok(()));
        std::thread::scope(|s| {
            for _ in 0..self.concurrency {
                s.spawn(|| loop {
                    if self.is_fatal() {
                        break;
                    }
                    let next = queue.lock().unwrap_or_else(|e| e.into_inner()).next();
                    let Some(p) = next else { break };
                    if let Err(e) = self.submit_single(&p) {
                        if Self::is_run_wide(&e) {
                            self.set_fatal(e);
                        } else {
                            *result.lock().unwrap_or_else(|e| e.into_inner()) = Err(e);
                        }
                    }
                });
            }
        });
        result.into_inner().unwrap_or_else(|e| e.into_inner())
    }

    fn submit_single(&self, p: &Planned) -> Result<()> {
        let mut rec = self.new_record(p)?;
        let in_flight =
            (self.provider.info().mode == provider::Mode::Async).then(crate::interrupt::submitting);
        let submitted = match self.provider.submit(&p.doc, &self.opts) {
            Ok(s) => s,
            Err(e) if Self::is_run_wide(&e) => return Err(e),
            Err(e) if is_answer_lost(&e) => {
                self.unsent(p, &rec, &e);
                return Ok(());
            }
            Err(e) => return self.fail_new(p, &format!("{e:#}")),
        };
        match submitted {
            Submitted::Done(result) => {
                // Paid for: held before anything else can fail.
                self.journal.hold(&rec.key, &result)?;
                rec.state = State::Done;
                self.journal.put(&rec)?;
                drop(in_flight);
                self.download(&rec.key, &result);
            }
            Submitted::Task { task, upload } => {
                rec.task_id = Some(task.id.clone());
                rec.item = task.item.clone();
                if task.kind == provider::IdKind::Batch {
                    rec.batch_id = Some(task.id.clone());
                    rec.task_id = None;
                }
                rec.upload = upload.as_ref().map(|u| Upload {
                    url: u.url.clone(),
                    issued_at: record::now(),
                    done: false,
                });
                self.journal.put(&rec)?;
                drop(in_flight);
                self.store.put_run(&task.id, self.outputs.root())?;
                self.step(&rec, &format!("submitted as {}", task.id));
                if let Some(u) = upload {
                    self.upload_one(&rec.key, &u.url, &p.doc);
                }
                self.track(Group::Task { task, key: rec.key });
            }
        }
        Ok(())
    }

    /// A document whose submission may or may not have made a task: nothing is
    /// recorded, so the rerun submits it (see `http::AnswerLost`).
    fn unsent(&self, p: &Planned, rec: &DocRecord, e: &anyhow::Error) {
        let err = anyhow::anyhow!("{}: not submitted: {e:#}", p.doc.input);
        error::report(&err);
        let why = format!("{err:#}");
        let mut s = self.lock_summary();
        s.unsent += 1;
        s.errors.push(err);
        drop(s);
        self.emit_error(rec, &why);
        self.tick();
    }

    /// A document whose submission the provider refused: recorded as failed.
    fn fail_new(&self, p: &Planned, why: &str) -> Result<()> {
        let mut rec = self.new_record(p)?;
        rec.state = State::Failed;
        rec.error = Some(why.to_string());
        self.journal.put(&rec)?;
        self.failed(&rec, why);
        Ok(())
    }

    fn upload_all(&self, owed: Vec<(String, String, Document)>) {
        let queue = Mutex::new(owed.into_iter());
        std::thread::scope(|s| {
            for _ in 0..self.concurrency {
                s.spawn(|| loop {
                    let next = queue.lock().unwrap_or_else(|e| e.into_inner()).next();
                    let Some((key, url, doc)) = next else { break };
                    self.upload_one(&key, &url, &doc);
                });
            }
        });
    }

    fn upload_one(&self, key: &str, url: &str, doc: &Document) {
        let Some(upload) = provider::SignedUpload::of(doc, url.to_string()) else {
            return;
        };
        if let Some(rec) = self.journal.get(key) {
            self.step(
                &rec,
                &format!("uploading {}", provider::human_bytes(upload.size)),
            );
        }
        match transfer::put_signed(&self.ctx.http, &upload) {
            Ok(()) => {
                let _ = self.journal.update(key, |r| {
                    if let Some(u) = r.upload.as_mut() {
                        u.done = true;
                    }
                    if r.state == State::WaitingFile {
                        r.state = State::Pending;
                    }
                });
            }
            Err(e) => {
                // Left owed: a rerun uploads again to the same URL while it is valid.
                let err = e.context(format!("{}: upload failed", doc.input));
                error::report(&err);
                self.untrack(key);
                self.lock_summary().errors.push(err);
                self.tick();
            }
        }
    }

    fn track(&self, group: Group) {
        self.groups
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(group);
        self.tick();
    }

    fn untrack(&self, key: &str) {
        let mut groups = self.groups.lock().unwrap_or_else(|e| e.into_inner());
        for g in groups.iter_mut() {
            if let Group::Batch { members, .. } = g {
                members.retain(|_, k| k != key);
            }
        }
        groups.retain(|g| !g.is_empty() && !matches!(g, Group::Task { key: k, .. } if k == key));
    }

    /// The polling loop: one status request per batch (or task) per round, until
    /// every document is final or the deadline passes.
    fn poll(&self, downloads: &mpsc::Sender<(String, ResultRef)>) {
        let mut backoff = Backoff::new(self.intervals.0, self.intervals.1);
        let mut wait = Duration::ZERO;
        loop {
            // The round that saw the last document finish ends the loop at once,
            // not one more interval later (up to 30 s of waiting on nothing).
            if !self.submitting.load(Ordering::SeqCst) && self.lock_groups().is_empty() {
                return;
            }
            let now = Instant::now();
            let sleep = wait.min(self.deadline.saturating_duration_since(now));
            std::thread::sleep(sleep);
            if self.is_fatal() {
                return;
            }
            let asks: Vec<Ask> = {
                let groups = self.groups.lock().unwrap_or_else(|e| e.into_inner());
                groups
                    .iter()
                    .map(|g| match g {
                        Group::Batch { id, .. } => Ask::Batch(id.clone()),
                        Group::Task { task, key } => Ask::Task(task.clone(), key.clone()),
                    })
                    .collect()
            };
            let submitting = self.submitting.load(Ordering::SeqCst);
            if asks.is_empty() && !submitting {
                return;
            }
            if Instant::now() >= self.deadline {
                self.time_out();
                return;
            }
            let mut moved = false;
            for ask in asks {
                match ask {
                    Ask::Batch(id) => match self.provider.batch_status(&id) {
                        Ok(items) => {
                            for item in items {
                                if let Some(key) = self.member(&id, &item) {
                                    moved |= self.observe(&key, item.status, downloads);
                                }
                            }
                        }
                        Err(e) => self.poll_error(e),
                    },
                    Ask::Task(task, key) => match self.provider.status(&task) {
                        Ok(status) => moved |= self.observe(&key, status, downloads),
                        Err(e) => self.poll_error(e),
                    },
                }
            }
            // While submissions are still arriving, look again soon.
            wait = if submitting {
                self.intervals.0
            } else {
                backoff.next(moved)
            };
        }
    }

    /// The document a batch answer's entry belongs to: by key, else by file name.
    fn member(&self, batch_id: &str, item: &BatchItem) -> Option<String> {
        let groups = self.groups.lock().unwrap_or_else(|e| e.into_inner());
        groups.iter().find_map(|g| match g {
            Group::Batch { id, members } if id == batch_id => item
                .key
                .as_ref()
                .and_then(|k| members.get(k))
                .or_else(|| item.file_name.as_ref().and_then(|f| members.get(f)))
                .cloned(),
            _ => None,
        })
    }

    fn poll_error(&self, err: anyhow::Error) {
        if Self::is_run_wide(&err) {
            self.set_fatal(err);
        } else {
            // Transient: the next round asks again; the record is untouched.
            self.ctx
                .reporter
                .warn(&format!("{err:#}; asking again next round"));
        }
    }

    /// Takes one status: records a change, queues a download, or fails the
    /// document. Returns whether anything moved.
    fn observe(
        &self,
        key: &str,
        status: TaskStatus,
        downloads: &mpsc::Sender<(String, ResultRef)>,
    ) -> bool {
        let Some(rec) = self.journal.get(key) else {
            return false;
        };
        let pages = status.progress.map(|p| p.total).or(rec.pages);
        // Pages extracted count as movement too (running 1/12 → 12/12), as in
        // `poll::wait`: the record keeps only the total, so the last count seen is
        // kept here.
        let done_pages = status.progress.map(|p| p.done);
        let seen = self
            .seen_pages
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key.to_string(), done_pages);
        let moved = rec.state != status.state
            || rec.pages != pages
            || seen.is_some_and(|s| s != done_pages);
        if let Some(p) = self.doc_progress(&rec) {
            p.state(status.state, status.progress);
        }
        if status.state.is_final() {
            self.seen_pages
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(key);
        }
        match status.state {
            State::Done => {
                self.untrack(key);
                let result = status.result;
                let _ = self.journal.update(key, |r| {
                    r.state = State::Done;
                    r.pages = pages;
                });
                match result {
                    Some(result) => {
                        let _ = downloads.send((key.to_string(), result));
                    }
                    None => self.failed(&rec, "done, but the answer has no result"),
                }
            }
            State::Failed => {
                self.untrack(key);
                let why = status.error.unwrap_or_else(|| "no reason given".into());
                let _ = self.journal.update(key, |r| {
                    r.state = State::Failed;
                    r.error = Some(why.clone());
                });
                self.failed(&rec, &why);
            }
            state if moved => {
                let _ = self.journal.update(key, |r| {
                    r.state = state;
                    r.pages = pages;
                });
            }
            _ => {}
        }
        moved
    }

    fn download(&self, key: &str, result: &ResultRef) {
        let Some(rec) = self.journal.get(key) else {
            return;
        };
        if let Some(p) = self.doc_progress(&rec) {
            p.step("downloading");
        }
        let item = Item {
            name: &rec.name,
            sha256: &rec.sha256,
            format: &self.opts.format,
        };
        match deliver::deliver(
            &self.ctx.http,
            result,
            &item,
            &Layout::Folders(self.outputs.clone()),
        ) {
            Ok(d) => {
                let rec = self
                    .journal
                    .update(key, |r| {
                        r.state = State::Done;
                        r.output = d.output.clone();
                        r.error = None;
                    })
                    .ok()
                    .flatten()
                    .unwrap_or(rec);
                self.journal.release(key);
                self.lock_summary().done += 1;
                if let Some(p) = self.take_progress(key) {
                    p.finish_and_clear(&format!(
                        "done: {}",
                        rec.output.as_deref().unwrap_or(Path::new("")).display()
                    ));
                }
                self.emit(&rec, false);
                self.tick();
            }
            Err(e) => {
                // The provider's work is done and paid for: keep it "done" without
                // an output, so a rerun downloads it again instead of resubmitting.
                let err = e.context(format!("{}: cannot save the result", rec.input));
                error::report(&err);
                let why = format!("{err:#}");
                let _ = self.journal.update(key, |r| r.error = Some(why.clone()));
                if let Some(p) = self.take_progress(key) {
                    p.finish_and_clear("download failed");
                }
                self.lock_summary().errors.push(err);
                self.emit_error(&rec, &why);
                self.tick();
            }
        }
    }

    fn failed(&self, rec: &DocRecord, why: &str) {
        let err: anyhow::Error = Error::provider(format!(
            "{}: {} failed to extract it: {why}",
            rec.input, rec.provider
        ))
        .into();
        error::report(&err);
        if let Some(p) = self.take_progress(&rec.key) {
            p.finish_and_clear("failed");
        }
        self.lock_summary()
            .failed
            .push((rec.input.clone(), why.to_string()));
        let mut shown = rec.clone();
        shown.state = State::Failed;
        shown.error = Some(why.to_string());
        self.emit(&shown, false);
        self.tick();
    }

    fn time_out(&self) {
        let groups = std::mem::take(&mut *self.groups.lock().unwrap_or_else(|e| e.into_inner()));
        let mut keys = Vec::new();
        for g in groups {
            match g {
                Group::Batch { members, .. } => keys.extend(members.into_values()),
                Group::Task { key, .. } => keys.push(key),
            }
        }
        for key in keys {
            if let Some(rec) = self.journal.get(&key) {
                self.emit_error(
                    &rec,
                    "timed out; the record is kept: run the same command again to continue",
                );
                self.lock_summary().timed_out += 1;
            }
        }
    }

    fn doc_progress(&self, rec: &DocRecord) -> Option<DocProgress> {
        if self.ctx.reporter.target() == Target::Hidden {
            return None;
        }
        let mut map = self.progress.lock().unwrap_or_else(|e| e.into_inner());
        if !map.contains_key(&rec.key) {
            map.insert(rec.key.clone(), self.ctx.reporter.doc(&rec.name));
        }
        map.get(&rec.key).cloned()
    }

    fn take_progress(&self, key: &str) -> Option<DocProgress> {
        self.progress
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key)
    }

    fn step(&self, rec: &DocRecord, text: &str) {
        if let Some(p) = self.doc_progress(rec) {
            p.step(text);
        }
    }

    /// The overall bar: finished / total with counts.
    fn tick(&self) {
        if let Some(bar) = &self.overall {
            let running: usize = {
                let groups = self.groups.lock().unwrap_or_else(|e| e.into_inner());
                groups
                    .iter()
                    .map(|g| match g {
                        Group::Batch { members, .. } => members.len(),
                        Group::Task { .. } => 1,
                    })
                    .sum()
            };
            let s = self.lock_summary();
            let failed = s.failed.len() + s.errors.len();
            // Message first: the position change redraws, showing both.
            bar.set_message(format!(
                "done {} · running {running} · failed {failed} · skipped {}",
                s.done, s.skipped
            ));
            bar.set_position((s.done + s.skipped + failed) as u64);
        }
    }

    fn emit(&self, rec: &DocRecord, skipped: bool) {
        self.emit_line(rec, skipped, rec.error.as_deref());
    }

    fn emit_error(&self, rec: &DocRecord, why: &str) {
        self.emit_line(rec, false, Some(why));
    }

    fn emit_line(&self, rec: &DocRecord, skipped: bool, error: Option<&str>) {
        if !self.ctx.global.json {
            return;
        }
        let markdown = rec
            .output
            .as_ref()
            .map(|o| o.join("full.md"))
            .filter(|m| m.exists())
            .map(|m| m.display().to_string());
        let line = json!({
            "input": rec.input,
            "provider": rec.provider,
            "task_id": rec.task_id,
            "batch_id": rec.batch_id,
            "state": rec.state.name(),
            "skipped": skipped,
            "output": rec.output.as_ref().map(|p| p.display().to_string()),
            "markdown": markdown,
            "pages": rec.pages,
            "error": if rec.state == State::Done && rec.output.is_some() { None } else { error },
            "elapsed_s": (self.started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
        });
        let mut out = std::io::stdout().lock();
        // A closed stdout must not stop the run: the journal is the real record.
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    }

    /// The summary on stderr and the exit code.
    fn finish(&self, words: &[String]) -> i32 {
        if let Some(bar) = &self.overall {
            bar.finish_and_clear();
        }
        let s = self.lock_summary();
        let elapsed = self.started.elapsed().as_secs_f64();
        if self.ctx.reporter.target() != Target::Hidden {
            eprintln!(
                "docpipe: batch: {} done, {} failed, {} skipped{}{} in {elapsed:.1}s ({} documents)",
                s.done,
                s.failed.len(),
                s.skipped,
                if s.errors.is_empty() { String::new() } else { format!(", {} errors", s.errors.len()) },
                if s.timed_out == 0 { String::new() } else { format!(", {} still running", s.timed_out) },
                self.total
            );
            for (input, why) in &s.failed {
                eprintln!("docpipe:   failed: {input}: {why}");
            }
        }
        if s.unsent > 0 {
            eprintln!(
                "docpipe: hint: {} document(s) have no task on record: run the same command again to submit them (documents already recorded are not submitted twice)",
                s.unsent
            );
        }
        if s.timed_out > 0 {
            eprintln!(
                "docpipe: hint: the record is kept in {}: run the same command again to continue{}",
                self.journal.path().display(),
                if words.is_empty() {
                    ""
                } else {
                    " (nothing is submitted twice)"
                }
            );
        }
        let mut errors: Vec<anyhow::Error> = Vec::new();
        if s.timed_out > 0 {
            errors.push(Error::timeout("timed out").into());
        }
        if !s.failed.is_empty() {
            errors.push(Error::provider("failed").into());
        }
        let mut all: Vec<&anyhow::Error> = s.errors.iter().collect();
        all.extend(errors.iter());
        combined_exit_code(&all)
    }
}

fn is_answer_lost(e: &anyhow::Error) -> bool {
    e.chain()
        .any(|c| c.downcast_ref::<crate::http::AnswerLost>().is_some())
}
