//! The run itself: triage against the record, submit (provider batch calls where
//! there is a batch API, else `--concurrency` documents at once), poll (one status
//! request per batch or task per round), download each result as soon as it is
//! done. Every step is written to the journal before anything waits on it.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::plan::Planned;
use super::report::Emitter;
use crate::context::Ctx;
use crate::deliver::Layout;
use crate::error::{self, Error, Kind};
use crate::input::Document;
use crate::journal::{DocRecord, Journal};
use crate::options::ExtractOptions;
use crate::progress::DocProgress;
use crate::provider::{self, Provider, ResultRef, State, TaskRef};
use crate::record::Store;
use crate::transfer;

mod cache;
mod deliver;
mod hybrid;
mod poll;
mod submit;
mod triage;
mod twins;

/// Everything a run needs, resolved before it starts.
pub struct Engine<'a> {
    pub ctx: &'a Ctx,
    pub provider: &'a dyn Provider,
    /// `auto`: the provider that reads a hybrid document's typed pages on
    /// this machine (`hybrid.rs`).
    pub local: Option<&'a dyn Provider>,
    pub opts: ExtractOptions,
    /// The command recorded with each document (`ocr`, `parse`, `batch`).
    pub command: &'static str,
    pub layout: Layout,
    /// `ocr -o FILE`: the file name to write.
    pub exact: Option<String>,
    pub journal: &'a Journal,
    pub journal_dir: PathBuf,
    pub store: Store,
    pub settings: super::Settings,
    pub no_wait: bool,
    pub retry_failed: bool,
    /// `--max-pages`: new documents past this many pages are not submitted.
    pub budget: Option<u64>,
    /// Synchronous answers stay held after delivery (stdout: a rerun prints
    /// them again without paying again).
    pub keep_held: bool,
    /// `auto`: progress lines name the provider each document went to.
    pub show_provider: bool,
    pub emitter: &'a Emitter,
    pub total: usize,
    /// `--dry-run`: nothing is cut, recorded or sent.
    pub dry_run: bool,
    pub hooks: &'a Hooks,
    pub state: Shared,
}

/// What a caller in the same process (the MCP server) can ask of a run.
#[derive(Default)]
pub struct Hooks {
    /// Set to stop: nothing more is submitted, waiting ends, and what was
    /// submitted stays recorded (fetchable later).
    pub cancel: Option<Arc<AtomicBool>>,
    /// Told each status seen while waiting: input, state, pages (done, total).
    #[allow(clippy::type_complexity)]
    pub on_status: Option<Box<dyn Fn(&str, State, Option<(u64, u64)>) + Send + Sync>>,
    /// Told how a transfer goes: input, `uploading` or `downloading`, bytes
    /// done, total when known; when it begins, when it is whole, and at most
    /// once a second in between.
    pub on_bytes: Option<Arc<BytesHook>>,
}

pub type BytesHook = dyn Fn(&str, &str, u64, Option<u64>) + Send + Sync;

impl Hooks {
    fn cancelled(&self) -> bool {
        self.cancel
            .as_ref()
            .is_some_and(|c| c.load(Ordering::SeqCst))
    }
}

/// What the threads of a run share.
#[derive(Default)]
pub struct Shared {
    groups: Mutex<Vec<Group>>,
    submitting: AtomicBool,
    /// A failure every later request would hit too (bad key, quota).
    fatal: Mutex<Option<anyhow::Error>>,
    pub summary: Mutex<Summary>,
    progress: Mutex<HashMap<String, DocProgress>>,
    /// Pages extracted at the last status of each document, to see progress.
    seen_pages: Mutex<HashMap<String, Option<u64>>>,
    /// Provider batch IDs of this run, in order, for the summary.
    pub batch_ids: Mutex<Vec<String>>,
    /// Wakes the polling loop's wait when the work it waits for may be over.
    wake: (Mutex<()>, std::sync::Condvar),
    /// Who to report when a document finishes: key → (index, input) of each
    /// input with that content, the first one first.
    reports: Mutex<HashMap<String, Vec<(usize, String)>>>,
    /// Documents of this run by key, for uploads still owed after a restart.
    docs: Mutex<HashMap<String, Document>>,
    /// Pages the new submissions of this run will cost (for `--max-pages`).
    spent: Mutex<u64>,
    /// Part key → the split document it belongs to.
    parts: Mutex<HashMap<String, PartOf>>,
    /// Split documents being stitched (one thread does it).
    stitching: Mutex<std::collections::HashSet<String>>,
    /// The last status of each part of a split document.
    part_status: Mutex<HashMap<String, (State, Option<provider::Progress>)>>,
    /// Document key → the later inputs with its content that get a result of
    /// their own under their own name.
    twins: Mutex<HashMap<String, Vec<Twin>>>,
    /// Documents this run wrote from the result cache.
    cached: Mutex<std::collections::HashSet<String>>,
    /// `--dry-run`: documents the result cache holds all of (every part of
    /// one sent in parts), asked about together before triage.
    whole_in_cache: Mutex<std::collections::HashSet<String>>,
    /// When each document should be done, from what the run has seen.
    forecast: Mutex<crate::poll::Forecast>,
}

/// An input with the content of an earlier one, written under its own name
/// from the same task or answer (nothing is paid twice).
#[derive(Clone)]
struct Twin {
    index: usize,
    name: String,
    progress: DocProgress,
    /// Its progress line has ended.
    settled: bool,
    /// Why its result could not be written.
    failed: Option<String>,
}

/// The name a document's parts are cut under: its file name's stem.
fn part_stem(p: &Planned) -> String {
    std::path::Path::new(&p.doc.file_name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "document".into())
}

/// Where a part of a split document belongs.
#[derive(Clone)]
struct PartOf {
    parent: String,
    first: u32,
    last: u32,
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

impl Group {
    fn is_empty(&self) -> bool {
        match self {
            Group::Batch { members, .. } => members.is_empty(),
            Group::Task { .. } => false,
        }
    }
    fn keys(self) -> Vec<String> {
        match self {
            Group::Batch { members, .. } => members.into_values().collect(),
            Group::Task { key, .. } => vec![key],
        }
    }
}

#[derive(Default)]
pub struct Summary {
    pub done: usize,
    pub skipped: usize,
    pub failed: Vec<(String, String)>,
    /// Every failure, typed, for the exit code.
    pub errors: Vec<anyhow::Error>,
    pub timed_out: Vec<String>,
    /// Documents left unsubmitted (a transient error, a lost answer): a plain
    /// rerun submits them.
    pub unsent: usize,
    /// Documents found cut off mid-submission by an earlier run.
    pub uncertain: usize,
}

/// A result downloaded by a download worker, for a writing worker: its key,
/// what it is, and the file (or why the download failed).
type Fetched = (String, ResultRef, anyhow::Result<tempfile::NamedTempFile>);

/// Downloads waiting to be written, and the bytes they hold on disk. A
/// download worker hands its file over at once, and so takes the next
/// download, unless the files already waiting hold [`WAITING_BYTES`] or are
/// [`WAITING_FILES`]: a batch's results are done within moments of one
/// another, and with a few waiting per writer the downloads after the
/// first ones started only as results were written (the writers, not the
/// link, decided when a document's download began).
#[derive(Default)]
struct Waiting {
    /// Files waiting, and their bytes.
    held: Mutex<(usize, u64)>,
    left: std::sync::Condvar,
}

/// Bytes of downloaded results waiting to be written, at most (one larger
/// result alone still goes through): bounded disk for temporary files.
const WAITING_BYTES: u64 = 256 * 1024 * 1024;

/// Downloaded results waiting to be written, at most: each holds its file
/// open. With the 64 downloads at most and their connections, that is under
/// 200 descriptors: below the 256 a process may open by default on macOS
/// (1,024 on Linux).
const WAITING_FILES: usize = 64;

impl Waiting {
    /// Waits until `bytes` more fit (or nothing waits), then counts them in.
    fn enter(&self, bytes: u64) {
        let mut held = lock(&self.held);
        while held.0 > 0 && (held.0 >= WAITING_FILES || held.1 + bytes > WAITING_BYTES) {
            held = self.left.wait(held).unwrap_or_else(|e| e.into_inner());
        }
        held.0 += 1;
        held.1 += bytes;
    }

    /// A file counted in by [`Waiting::enter`] is taken to be written.
    fn leave(&self, bytes: u64) {
        let mut held = lock(&self.held);
        held.0 = held.0.saturating_sub(1);
        held.1 = held.1.saturating_sub(bytes);
        self.left.notify_all();
    }
}

/// Result downloads at once per `--concurrency`. They go to the provider's
/// CDN, not its API (no request rate is documented for it), and a batch's
/// documents finish within moments of one another: with `--concurrency`
/// downloads, the last of a batch of 200 waited for 49 rounds of 4.
const DOWNLOADS_PER_WORKER: usize = 4;

/// The download workers of a run of `concurrency`; as many writing
/// workers as `concurrency` unpack and write what they fetch.
fn downloaders(concurrency: usize) -> usize {
    (concurrency * DOWNLOADS_PER_WORKER).min(crate::units::CONCURRENCY_MAX as usize)
}

/// What triage decided for one document. Built once per document and moved
/// once, so the variants' sizes do not matter.
#[allow(clippy::large_enum_variant)]
pub enum Work {
    New(Planned),
    /// Submitted earlier: follow it (and upload what is still owed).
    Resume(DocRecord),
    /// A synchronous answer paid for earlier: deliver it without asking again.
    Held(String),
    /// The result cache holds its answer: written from there, no request
    /// (sent after all if the entry turns out gone or damaged).
    Cached(Planned),
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Errors that every further request would meet (a bad key, a quota, a full
/// disk): stop submitting.
fn is_run_wide(err: &anyhow::Error) -> bool {
    error::ends_run(err)
}

impl Engine<'_> {
    pub fn summary(&self) -> MutexGuard<'_, Summary> {
        lock(&self.state.summary)
    }

    fn outputs(&self) -> Option<&Arc<crate::output::Outputs>> {
        match &self.layout {
            Layout::Stdout => None,
            Layout::Files(o) | Layout::Folders(o) => Some(o),
        }
    }

    pub fn register(&self, key: &str, reports: Vec<(usize, String)>) {
        lock(&self.state.reports).insert(key.to_string(), reports);
    }

    fn part_of(&self, key: &str) -> Option<PartOf> {
        lock(&self.state.parts).get(key).cloned()
    }

    /// Where a split document's part files and part results wait.
    fn parts_dir(&self, parent: &str) -> PathBuf {
        self.journal_dir
            .join("parts")
            .join(&parent[..16.min(parent.len())])
    }

    /// Runs the work: submission on one thread, polling on this one, downloads
    /// on [`downloaders`] workers, unpacking and writing on `concurrency`.
    pub fn execute(&self, works: Vec<Work>) {
        let mut new = Vec::new();
        let mut resumed = Vec::new();
        let mut held = Vec::new();
        let mut cached = Vec::new();
        for w in works {
            match w {
                Work::New(p) => new.push(p),
                Work::Resume(r) => resumed.push(r),
                Work::Held(k) => held.push(k),
                Work::Cached(p) => cached.push(p),
            }
        }
        // Written from the result cache by the download workers, before
        // they take downloads: submission does not wait for them. An entry
        // that turns out gone or damaged makes its document new work, sent
        // once every hit has been tried.
        let hits = Mutex::new(std::collections::VecDeque::from(cached));
        let hits_left = std::sync::atomic::AtomicUsize::new(lock(&hits).len());
        let misses = Mutex::new(Vec::new());
        self.state.submitting.store(true, Ordering::SeqCst);
        let (dl_tx, dl_rx) = mpsc::channel::<(String, ResultRef)>();
        let dl_rx = Mutex::new(dl_rx);
        // Downloaded, waiting to be written: as many as `Waiting` allows, so
        // that a batch's results download while the first are unpacked.
        let (fin_tx, fin_rx) = mpsc::channel::<(Fetched, u64)>();
        let fin_rx = Mutex::new(fin_rx);
        let waiting = Waiting::default();
        // A synchronous provider writes its answers on the submitting
        // workers; only hits, held answers and resumed tasks come here, so
        // no more download and writing workers than those (a one-file
        // `local` run started twenty threads, a millisecond of its twenty).
        let concurrency = self.settings.concurrency;
        let work = new.len() + resumed.len() + held.len() + lock(&hits).len();
        let (downloads, writers) = match self.provider.info().mode {
            provider::Mode::Async => (downloaders(concurrency), concurrency),
            _ => (
                downloaders(concurrency).min(work).max(1),
                concurrency.min(work).max(1),
            ),
        };
        std::thread::scope(|s| {
            for _ in 0..downloads {
                let (dl_rx, waiting) = (&dl_rx, &waiting);
                let fin_tx = fin_tx.clone();
                s.spawn(move || loop {
                    let job = lock(dl_rx).recv();
                    let Ok((key, result)) = job else { break };
                    match self.prefetch(&key, &result) {
                        Some(file) => {
                            let size = file
                                .as_ref()
                                .ok()
                                .and_then(|f| f.as_file().metadata().ok())
                                .map_or(0, |m| m.len());
                            waiting.enter(size);
                            if let Err(mpsc::SendError((f, size))) =
                                fin_tx.send(((key, result, file), size))
                            {
                                waiting.leave(size);
                                self.deliver_fetched(f);
                            }
                        }
                        None => self.download(&key, &result),
                    }
                });
            }
            for _ in 0..writers {
                let (fin_rx, hits, hits_left, misses) = (&fin_rx, &hits, &hits_left, &misses);
                let waiting = &waiting;
                s.spawn(move || {
                    // Results the cache holds first: written from it, no request.
                    loop {
                        let hit = lock(hits).pop_front();
                        let Some(p) = hit else { break };
                        if let Some(miss) = self.deliver_cached(p) {
                            lock(misses).push(miss);
                        }
                        hits_left.fetch_sub(1, Ordering::SeqCst);
                    }
                    loop {
                        let job = lock(fin_rx).recv();
                        match job {
                            Ok((fetched, size)) => {
                                waiting.leave(size);
                                self.deliver_fetched(fetched);
                            }
                            Err(_) => break,
                        }
                    }
                });
            }
            drop(fin_tx);
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
                while hits_left.load(Ordering::SeqCst) > 0 {
                    std::thread::sleep(Duration::from_millis(5));
                }
                let late = std::mem::take(&mut *lock(&misses));
                if !late.is_empty() && !self.is_fatal() {
                    if let Err(e) = self.submit_again(late) {
                        self.set_fatal(e);
                    }
                }
                self.state.submitting.store(false, Ordering::SeqCst);
                self.wake();
            });
            if self.no_wait {
                while self.state.submitting.load(Ordering::SeqCst) {
                    std::thread::sleep(Duration::from_millis(20));
                }
                self.report_submitted();
            } else {
                self.poll(&dl_tx);
            }
            drop(dl_tx);
        });
    }

    fn set_fatal(&self, err: anyhow::Error) {
        let mut fatal = lock(&self.state.fatal);
        if fatal.is_none() {
            *fatal = Some(err);
        }
    }

    /// Whether the run must stop: a run-wide error, or the caller cancelled.
    fn is_fatal(&self) -> bool {
        self.hooks.cancelled() || lock(&self.state.fatal).is_some()
    }

    /// Whether a run-wide error (already reported) stopped the run.
    pub fn stopped(&self) -> bool {
        self.is_fatal()
    }

    fn doc_progress(&self, rec: &DocRecord) -> Option<DocProgress> {
        if let Some(part) = self.part_of(&rec.key) {
            return lock(&self.state.progress).get(&part.parent).cloned();
        }
        let mut map = lock(&self.state.progress);
        Some(
            map.entry(rec.key.clone())
                .or_insert_with(|| self.ctx.reporter.doc(&self.label(&rec.name)))
                .clone(),
        )
    }

    /// Whether the provider works in this process (nothing is paid for).
    fn in_process(&self) -> bool {
        self.provider.info().upload == Some(provider::Upload::InProcess)
    }

    /// A document's name on the progress board (with its provider under `auto`).
    fn label(&self, name: &str) -> String {
        if self.show_provider {
            format!("{name} [{}]", self.provider.info().name)
        } else {
            name.to_string()
        }
    }

    /// Ends a document's progress line with `end` (done, failed, skipped,
    /// settled); a document already ended is left alone.
    fn settle_progress(&self, key: &str, end: impl Fn(&DocProgress)) {
        let part = self.part_of(key);
        let key = part.as_ref().map_or(key, |p| p.parent.as_str());
        let main = lock(&self.state.progress).remove(key);
        if let Some(p) = main {
            end(&p);
        }
        // Twins not written on their own end as their document does (their
        // lines written with no lock held).
        let unsettled: Vec<DocProgress> = lock(&self.state.twins)
            .get_mut(key)
            .map(|twins| {
                twins
                    .iter_mut()
                    .filter(|t| !t.settled)
                    .map(|t| {
                        t.settled = true;
                        t.progress.clone()
                    })
                    .collect()
            })
            .unwrap_or_default();
        for p in &unsettled {
            end(p);
        }
    }

    fn step(&self, rec: &DocRecord, text: &str) {
        if let Some(p) = self.doc_progress(rec) {
            p.step(text);
        }
    }

    /// What measures a document's transfers (`what`: `uploading` or
    /// `downloading`): its progress line, and the caller's hook.
    fn meter(&self, rec: &DocRecord, what: &'static str) -> transfer::Meter {
        let Some(line) = self.doc_progress(rec) else {
            return transfer::Meter::none();
        };
        transfer::Meter::new(LineWatch {
            line,
            input: rec.input.clone(),
            what,
            hook: self.hooks.on_bytes.clone(),
            told: Mutex::new(Told::default()),
        })
    }
}

/// A document's progress line (and the caller's [`Hooks::on_bytes`]) as the
/// watcher of its transfers: `transfer` knows nothing of `progress`.
struct LineWatch {
    line: DocProgress,
    input: String,
    what: &'static str,
    hook: Option<Arc<BytesHook>>,
    told: Mutex<Told>,
}

/// What the hook was last told of the current transfer.
#[derive(Default)]
struct Told {
    total: Option<u64>,
    at: Option<Instant>,
}

impl Told {
    /// Whether `done` is worth telling: the start, the end, or a second on.
    fn due(&mut self, done: u64, start: bool, now: Instant) -> bool {
        let whole = self.total.is_some_and(|t| done >= t);
        let late = self
            .at
            .is_none_or(|at| now.saturating_duration_since(at) >= Duration::from_secs(1));
        if start || whole || late {
            self.at = Some(now);
            return true;
        }
        false
    }
}

impl transfer::Watch for LineWatch {
    fn begin(&self, from: u64, total: Option<u64>) {
        self.line.transfer(from, total);
        if let Some(hook) = &self.hook {
            let mut told = lock(&self.told);
            told.total = total;
            told.due(from, true, Instant::now());
            hook(&self.input, self.what, from, total);
        }
    }

    fn retrying(&self, why: &str) {
        self.line.warn(why);
    }

    fn bytes(&self, done: u64) {
        self.line.bytes(done, None);
        if let Some(hook) = &self.hook {
            let mut told = lock(&self.told);
            if told.due(done, false, Instant::now()) {
                hook(&self.input, self.what, done, told.total);
            }
        }
    }
}

/// The error for a task that ended `failed`: the document refused (exit 4) or the
/// provider failing to extract it (exit 5).
pub fn failure_error(input: &str, task: &TaskRef, fault: Option<Kind>, why: &str) -> Error {
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
        .with_hint("check the document; the same command with --retry-failed submits it again"),
    }
}
