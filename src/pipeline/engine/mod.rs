//! The run itself: triage against the record, submit (provider batch calls where
//! there is a batch API, else `--concurrency` documents at once), poll (one status
//! request per batch or task per round), download each result as soon as it is
//! done. Every step is written to the journal before anything waits on it.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use super::plan::Planned;
use super::report::{Emitter, Line};
use crate::context::Ctx;
use crate::deliver::{self, Item, Layout};
use crate::error::{self, Error, Kind};
use crate::input::Document;
use crate::journal::{DocRecord, Journal};
use crate::options::ExtractOptions;
use crate::poll::Backoff;
use crate::progress::{DocProgress, Stage};
use crate::provider::{
    self, BatchItem, Provider, ResultRef, State, Submitted, TaskRef, TaskStatus,
};
use crate::record::{self, Store};
use crate::transfer;

/// Signed upload URLs live 24 h; one older than this is not trusted any more.
const UPLOAD_URL_TRUST: u64 = 23 * 3600;

/// Everything a run needs, resolved before it starts.
pub struct Engine<'a> {
    pub ctx: &'a Ctx,
    pub provider: &'a dyn Provider,
    pub opts: ExtractOptions,
    /// The command recorded with each document (`ocr`, `parse`, `batch`).
    pub command: &'static str,
    pub layout: Layout,
    /// `ocr -o FILE`: the file name to write.
    pub exact: Option<String>,
    pub journal: &'a Journal,
    pub journal_dir: PathBuf,
    pub store: Store,
    pub base_url: String,
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
    /// The provider's limits in force (config overrides applied): a PDF over
    /// them is sent in parts; batch calls hold at most `max_batch`.
    pub limits: provider::Limits,
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

/// Where a part of a split document belongs.
#[derive(Clone)]
struct PartOf {
    parent: String,
    first: u32,
    last: u32,
}

/// The most a part may weigh: a part is held in memory while it is cut.
const PART_BYTES: u64 = 64 << 20;

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

/// One status request of a polling round.
enum Ask {
    Batch(String),
    Task(TaskRef, String),
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

/// What triage decided for one document. Built once per document and moved
/// once, so the variants' sizes do not matter.
#[allow(clippy::large_enum_variant)]
pub enum Work {
    New(Planned),
    /// Submitted earlier: follow it (and upload what is still owed).
    Resume(DocRecord),
    /// A synchronous answer paid for earlier: deliver it without asking again.
    Held(String),
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn is_answer_lost(e: &anyhow::Error) -> bool {
    e.chain()
        .any(|c| c.downcast_ref::<crate::http::AnswerLost>().is_some())
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

    /// The suffix an output name is claimed with: a folder, or a file by format.
    fn claim_suffix(&self) -> String {
        match &self.layout {
            Layout::Files(_) => format!(".{}", self.opts.format.extension()),
            _ => String::new(),
        }
    }

    fn claim(&self, name: &str, sha256: &str) -> Result<String> {
        if let Some(exact) = &self.exact {
            return Ok(Path::new(exact)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| exact.clone()));
        }
        match self.outputs() {
            Some(out) => out.claim(name, sha256, &self.claim_suffix()),
            None => Ok(name.to_string()),
        }
    }

    /// Whether a finished document's recorded output is what this run would
    /// write (a folder for `parse`, a file in this format for `ocr -o`): only
    /// then is it skipped. Otherwise its result is delivered again from the
    /// same task or held answer, without paying again.
    fn fits(&self, rec: &DocRecord) -> bool {
        let Some(output) = rec.output.as_deref() else {
            return false;
        };
        match &self.layout {
            Layout::Stdout => false,
            Layout::Folders(_) => output.is_dir(),
            Layout::Files(out) => {
                let same_format = rec.options.as_ref().is_some_and(|o| {
                    o.format == self.opts.format && o.no_images == self.opts.no_images
                });
                let same_place = self
                    .exact
                    .as_ref()
                    .is_none_or(|f| output == out.root().join(f));
                output.is_file() && same_format && same_place
            }
        }
    }

    /// The inputs with this document's content that ask for another name
    /// than its own: each name is claimed now, in input order, like any
    /// document's. One whose name cannot be claimed shares the document's
    /// output, as before twins had their own.
    fn claim_twins(&self, p: &Planned) {
        if self.exact.is_some() || self.outputs().is_none() {
            return;
        }
        let mut twins: Vec<Twin> = Vec::new();
        for alias in &p.aliases {
            let Ok(name) = self.claim(&alias.name, &p.doc.sha256) else {
                continue;
            };
            if name == p.doc.name || twins.iter().any(|t| t.name == name) {
                continue;
            }
            twins.push(Twin {
                index: alias.index,
                progress: self.ctx.reporter.doc(&self.label(&name)),
                name,
                settled: false,
                failed: None,
            });
        }
        if !twins.is_empty() {
            lock(&self.state.twins).insert(p.key.clone(), twins);
        }
    }

    fn twins(&self, key: &str) -> Vec<Twin> {
        lock(&self.state.twins)
            .get(key)
            .cloned()
            .unwrap_or_default()
    }

    /// Where a twin's result goes, beside the document's own `main`: the
    /// same kind of file or folder under the twin's name.
    fn twin_output(&self, main: &Path, name: &str) -> Option<PathBuf> {
        let root = self.outputs()?.root();
        Some(match (&self.layout, main.extension()) {
            (Layout::Files(_), Some(ext)) => root.join(format!("{name}.{}", ext.to_string_lossy())),
            _ => root.join(name),
        })
    }

    /// Whether every twin's result of a finished document is there too.
    fn twins_in_place(&self, rec: &DocRecord) -> bool {
        let Some(main) = rec.output.as_deref() else {
            return true;
        };
        self.twins(&rec.key).iter().all(|t| {
            self.twin_output(main, &t.name)
                .is_some_and(|p| p.symlink_metadata().is_ok())
        })
    }

    /// A twin's line: its own output (or why it has none) in the document's.
    fn twin_line(&self, key: &str, mut line: Line) -> Line {
        let twins = self.twins(key);
        let Some(twin) = twins.iter().find(|t| t.index == line.index) else {
            return line;
        };
        if let Some(why) = &twin.failed {
            return line.failed(why.clone());
        }
        let Some(main) = line.output.clone().map(PathBuf::from) else {
            return line;
        };
        let Some(own) = self.twin_output(&main, &twin.name) else {
            return line;
        };
        line.markdown = line.markdown.map(|md| {
            match Path::new(&md).strip_prefix(&main) {
                // A folder's markdown inside it.
                Ok(inner) if !inner.as_os_str().is_empty() => own.join(inner),
                _ => own.clone(),
            }
            .display()
            .to_string()
        });
        line.output = Some(own.display().to_string());
        line
    }

    /// Writes each twin's result from the document's `result`.
    fn deliver_twins(&self, key: &str, result: &ResultRef, item: &Item) {
        for twin in self.twins(key) {
            let own = Item {
                name: &twin.name,
                meter: &transfer::Meter::none(),
                ..*item
            };
            let outcome =
                deliver::deliver(&self.ctx.http, result, &own, &self.layout).map_err(|e| {
                    e.context(format!(
                        "{}: cannot save the result under its own name {}",
                        self.input_at(key, twin.index),
                        twin.name
                    ))
                });
            self.update_twin(key, twin.index, |t| {
                t.settled = true;
                t.failed = outcome.as_ref().err().map(|e| format!("{e:#}"));
            });
            // The progress line is written with no lock held.
            match outcome {
                Ok(d) => {
                    let place = d
                        .output
                        .map(|p| p.display().to_string())
                        .unwrap_or_default();
                    twin.progress.done(&place);
                    lock(&self.state.summary).done += 1;
                }
                Err(err) => {
                    twin.progress.failed("the result could not be saved");
                    crate::messages::error(&err);
                    lock(&self.state.summary).errors.push(err);
                }
            }
        }
    }

    fn update_twin(&self, key: &str, index: usize, change: impl FnOnce(&mut Twin)) {
        if let Some(t) = lock(&self.state.twins)
            .get_mut(key)
            .and_then(|ts| ts.iter_mut().find(|t| t.index == index))
        {
            change(t);
        }
    }

    /// The input given at `index` for a document.
    fn input_at(&self, key: &str, index: usize) -> String {
        lock(&self.state.reports)
            .get(key)
            .and_then(|r| {
                r.iter()
                    .find(|(i, _)| *i == index)
                    .map(|(_, input)| input.clone())
            })
            .unwrap_or_default()
    }

    pub fn register(&self, key: &str, reports: Vec<(usize, String)>) {
        lock(&self.state.reports).insert(key.to_string(), reports);
    }

    /// Sorts the planned documents (in input order, which fixes their output
    /// names) into new work, work to resume, and documents already done.
    pub fn triage(&self, planned: Vec<Planned>) -> Vec<Work> {
        let mut works = Vec::new();
        for mut p in planned {
            let mut reports = vec![(p.index, p.doc.input.clone())];
            reports.extend(p.aliases.iter().map(|a| (a.index, a.input.clone())));
            self.register(&p.key, reports);
            lock(&self.state.progress)
                .entry(p.key.clone())
                .or_insert_with(|| self.ctx.reporter.doc(&self.label(&p.doc.name)));
            lock(&self.state.docs).insert(p.key.clone(), p.doc.clone());
            let rec = self.journal.get(&p.key);
            let wanted = rec
                .as_ref()
                .map_or(p.doc.name.as_str(), |r| r.name.as_str());
            match self.claim(wanted, &p.doc.sha256) {
                Ok(name) => p.doc.name = name,
                Err(e) => {
                    let err = e.context(format!("{}: cannot use its output name", p.doc.input));
                    self.fail_unsent(&p.key, &p.doc.input, err, false);
                    continue;
                }
            }
            self.claim_twins(&p);
            let Some(rec) = rec else {
                if p.split {
                    self.split_work(&mut works, p);
                } else {
                    self.new_work(&mut works, p);
                }
                continue;
            };
            let output_there = self.fits(&rec) && self.twins_in_place(&rec);
            let has_task = rec.task().is_some();
            let held = self.journal.held(&rec.key).is_some();
            match rec.state {
                State::Done if output_there => {
                    lock(&self.state.summary).skipped += 1;
                    let place = rec.output.as_deref().unwrap_or(Path::new("")).display();
                    self.settle_progress(&rec.key, |p| {
                        p.skipped(&format!("done in an earlier run: {place}"))
                    });
                    self.report(&rec.key, |i| {
                        let mut l = Line::of(i, &rec);
                        l.skipped = true;
                        l
                    });
                }
                // Sent in parts: each part is judged against its own record.
                _ if (p.split || rec.parts.is_some())
                    && (rec.state != State::Failed || self.retry_failed) =>
                {
                    self.split_work(&mut works, p)
                }
                State::Done if held => works.push(Work::Held(rec.key.clone())),
                State::Done if has_task => works.push(Work::Resume(rec)),
                // A failure costs nothing to retry in this process (e.g. a scan
                // refused until tesseract is installed): only paid ones wait
                // for --retry-failed.
                State::Failed if !self.retry_failed && !self.in_process() => {
                    let why = rec.error.clone().unwrap_or_default();
                    self.settle_progress(&rec.key, |p| {
                        p.failed(&format!(
                            "failed in an earlier run ({why}); --retry-failed submits it again"
                        ))
                    });
                    lock(&self.state.summary)
                        .failed
                        .push((rec.input.clone(), why.clone()));
                    let err: anyhow::Error =
                        Error::provider(format!("{}: failed in an earlier run: {why}", rec.input))
                            .with_hint("--retry-failed submits it again")
                            .into();
                    lock(&self.state.summary).errors.push(err);
                    self.report(&rec.key, |i| Line::of(i, &rec));
                }
                State::Failed => self.new_work(&mut works, p),
                _ if has_task => {
                    let upload_lost = rec.upload.as_ref().is_some_and(|u| {
                        !u.done && record::now().saturating_sub(u.issued_at) > UPLOAD_URL_TRUST
                    });
                    if upload_lost {
                        // The file never reached the provider: nothing was paid for.
                        self.new_work(&mut works, p);
                    } else {
                        works.push(Work::Resume(rec));
                    }
                }
                _ => {
                    if rec.sending.is_some() {
                        lock(&self.state.summary).uncertain += 1;
                        self.ctx.reporter.warn(&format!(
                            "{}: an earlier run was cut off while submitting it, so the provider may have created a task that docpipe never heard of; submitting it again (if it did, that task is billed too)",
                            rec.input
                        ));
                    }
                    self.new_work(&mut works, p);
                }
            }
        }
        works
    }

    /// A document to submit, within the page budget (`--max-pages`): one that
    /// would take the run past it, or whose page count cannot be known here,
    /// is reported and not submitted.
    fn new_work(&self, works: &mut Vec<Work>, p: Planned) {
        if let Some(budget) = self.budget {
            let mut spent = lock(&self.state.spent);
            let refusal = match p.pages {
                None => Some(format!(
                    "its page count cannot be read here (a URL, or not a PDF or image), so --max-pages {budget} cannot bound it"
                )),
                Some(n) if *spent + n > budget => Some(format!(
                    "its {} would take the run to {} pages, over --max-pages {budget}",
                    crate::progress::plural(n, "page"),
                    *spent + n
                )),
                Some(n) => {
                    *spent += n;
                    None
                }
            };
            drop(spent);
            if let Some(why) = refusal {
                let err: anyhow::Error = Error::new(
                    Kind::Budget,
                    format!("{}: not submitted: {why}", p.doc.input),
                )
                .with_hint("raise --max-pages, or give --pages to bound the document")
                .into();
                self.fail_unsent(&p.key, &p.doc.input, err, false);
                return;
            }
        }
        works.push(Work::New(p));
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

    fn part_results(&self, parent: &str) -> Result<Arc<crate::output::Outputs>> {
        let root = self.parts_dir(parent).join("results");
        Ok(Arc::new(crate::output::Outputs::open_unindexed(&root)?))
    }

    /// A PDF over the provider's limits: its parts (pages cut to fit, each a
    /// PDF of its own with a record of its own) become the work; the document
    /// is delivered, stitched, when the last part is in.
    fn split_work(&self, works: &mut Vec<Work>, p: Planned) {
        if self.dry_run {
            // Reported whole; the parts are cut when it is sent.
            self.new_work(works, p);
            return;
        }
        match self.plan_parts(&p) {
            Ok(mut parts) => {
                // Within the page budget as one document.
                let pages: u64 = parts
                    .iter()
                    .filter_map(|w| match w {
                        Work::New(n) => n.pages,
                        _ => None,
                    })
                    .sum();
                if pages > 0 {
                    let mut p2 = Vec::new();
                    self.new_work(
                        &mut p2,
                        Planned {
                            pages: Some(pages),
                            split: false,
                            aliases: Vec::new(),
                            opts: None,
                            doc: p.doc.clone(),
                            key: p.key.clone(),
                            index: p.index,
                            route: p.route,
                        },
                    );
                    if p2.is_empty() {
                        return;
                    }
                }
                let whole = parts.is_empty();
                works.append(&mut parts);
                if whole {
                    // Every part was in before a stop: stitch now.
                    self.stitch_when_whole(&p.key);
                }
            }
            Err(e) => {
                // The provider's own refusal (with its hint), and why cutting
                // did not help.
                let err = match self.provider.check(&p.doc, &self.opts) {
                    Err(refusal) => Error {
                        message: format!("{}; it cannot be sent in parts: {e:#}", refusal.message),
                        ..refusal
                    },
                    Ok(()) => Error::input(
                        &p.doc.input,
                        format!(
                            "it is over {}'s limits ({}), and it cannot be sent in parts: {e:#}",
                            self.provider.info().name,
                            describe_limits(&self.limits)
                        ),
                    )
                    .with_hint("split it yourself, or use a provider with higher limits (`docpipe providers`)"),
                };
                let err = anyhow::Error::from(err);
                self.fail_unsent(&p.key, &p.doc.input, err, false);
            }
        }
    }

    /// The parts of a split document and what each needs: new parts are cut
    /// (and checked by the provider) here, before any request.
    fn plan_parts(&self, p: &Planned) -> Result<Vec<Work>> {
        let path = p
            .doc
            .path()
            .ok_or_else(|| anyhow::anyhow!("only a local file can be split"))?;
        let previous = self.journal.get(&p.key);
        let splitter = std::cell::OnceCell::new();
        let open = || -> Result<&crate::split::Splitter> {
            if splitter.get().is_none() {
                let s = crate::split::Splitter::open(path)?;
                let _ = splitter.set(s);
            }
            Ok(splitter.get().expect("set above"))
        };
        // The ranges of an earlier run stand (its parts are recorded under them).
        let ranges: Vec<(u32, u32)> = match previous.as_ref().and_then(|r| r.parts.clone()) {
            Some(parts) => parts.iter().map(|r| (r.first, r.last)).collect(),
            None => {
                let s = open()?;
                let max_bytes = Some(
                    self.limits
                        .max_bytes
                        .map_or(PART_BYTES, |m| (m / 10 * 9).min(PART_BYTES)),
                );
                crate::split::plan_ranges(
                    s.page_count(),
                    self.limits.max_pages,
                    max_bytes,
                    &|a, b| s.weight(a, b),
                )
                .ok_or_else(|| anyhow::anyhow!("a single page is over the size limit"))?
            }
        };
        let dir = self.parts_dir(&p.key);
        let refs: Vec<crate::journal::PartRef> = ranges
            .iter()
            .map(|&(first, last)| crate::journal::PartRef {
                first,
                last,
                key: super::key::part_key(&p.key, first, last),
            })
            .collect();
        let stem = Path::new(&p.doc.file_name)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "document".into());
        let mut works = Vec::new();
        for r in &refs {
            lock(&self.state.parts).insert(
                r.key.clone(),
                PartOf {
                    parent: p.key.clone(),
                    first: r.first,
                    last: r.last,
                },
            );
            let rec = self.journal.get(&r.key);
            let delivered = rec.as_ref().is_some_and(|r| {
                r.state == State::Done && r.output.as_deref().is_some_and(Path::is_dir)
            });
            if delivered {
                continue;
            }
            if let Some(rec) = &rec {
                if rec.state == State::Done && self.journal.held(&rec.key).is_some() {
                    works.push(Work::Held(rec.key.clone()));
                    continue;
                }
            }
            let upload_owed = rec
                .as_ref()
                .and_then(|r| r.upload.as_ref())
                .is_some_and(|u| !u.done);
            let resume = rec.as_ref().filter(|r| {
                r.task().is_some()
                    && r.state != State::Failed
                    && !r.upload.as_ref().is_some_and(|u| {
                        !u.done && record::now().saturating_sub(u.issued_at) > UPLOAD_URL_TRUST
                    })
            });
            if let Some(rec) = resume.filter(|_| !upload_owed) {
                works.push(Work::Resume(rec.clone()));
                continue;
            }
            // Cut it: a new part, or one whose upload is still owed.
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            let file = dir.join(format!("{stem}.pages-{}-{}.pdf", r.first, r.last));
            if !file.is_file() {
                let tmp = dir.join(format!(".cutting-{}-{}.pdf", r.first, r.last));
                open()?.write_part(r.first, r.last, &tmp)?;
                std::fs::rename(&tmp, &file)?;
            }
            let mut doc = crate::input::resolve(&file.display().to_string(), None)?;
            doc.input = format!("{} (pages {}-{})", p.doc.input, r.first, r.last);
            doc.name = format!("pages-{}-{}", r.first, r.last);
            self.provider.check(&doc, &self.opts)?;
            lock(&self.state.docs).insert(r.key.clone(), doc.clone());
            match resume {
                Some(rec) => works.push(Work::Resume(rec.clone())),
                None => works.push(Work::New(Planned {
                    route: p.route,
                    index: p.index,
                    pages: Some(u64::from(r.last - r.first + 1)),
                    doc,
                    key: r.key.clone(),
                    aliases: Vec::new(),
                    opts: None,
                    split: false,
                })),
            }
        }
        // The document's own record: which parts make it.
        let mut rec = previous.unwrap_or_else(|| self.fresh_record(&p.key, &p.doc, &self.opts));
        rec.name = p.doc.name.clone();
        rec.pages = Some(u64::from(ranges.last().map_or(0, |r| r.1)));
        rec.parts = Some(refs);
        if rec.state == State::Failed {
            rec.state = State::Submitted;
            rec.error = None;
        }
        self.journal.put(&rec)?;
        if !works.is_empty() {
            self.ctx.reporter.note(&format!(
                "{}: over {}'s limits ({}): sent in {} parts, pages {}; one result when all are in",
                p.doc.input,
                self.provider.info().name,
                describe_limits(&self.limits),
                ranges.len(),
                crate::split::describe(&ranges)
            ));
        }
        Ok(works)
    }

    /// `fetch` by the ID of a part: the whole document is fetched instead
    /// (every part followed, then stitched and delivered as one), reported
    /// for `inputs`.
    pub fn adopt_parts(&self, parent: &DocRecord, inputs: Vec<(usize, String)>) -> Vec<Work> {
        self.register(&parent.key, inputs);
        lock(&self.state.progress)
            .entry(parent.key.clone())
            .or_insert_with(|| self.ctx.reporter.doc(&self.label(&parent.name)));
        let mut works = Vec::new();
        for part in parent.parts.iter().flatten() {
            lock(&self.state.parts).insert(
                part.key.clone(),
                PartOf {
                    parent: parent.key.clone(),
                    first: part.first,
                    last: part.last,
                },
            );
            let Some(rec) = self.journal.get(&part.key) else {
                continue;
            };
            if rec.state == State::Done && rec.output.as_deref().is_some_and(Path::is_dir) {
                continue;
            }
            if self.journal.held(&rec.key).is_some() {
                works.push(Work::Held(rec.key.clone()));
            } else if rec.task().is_some() {
                works.push(Work::Resume(rec));
            }
        }
        if works.is_empty() {
            self.stitch_when_whole(&parent.key);
        }
        works
    }

    /// A split document's state as one: its least advanced part's, with the
    /// pages of all its parts added up.
    fn parts_status(
        &self,
        parent: &str,
        key: &str,
        status: &TaskStatus,
    ) -> (State, Option<provider::Progress>) {
        let mut seen = lock(&self.state.part_status);
        seen.insert(key.to_string(), (status.state, status.progress));
        let parts = self
            .journal
            .get(parent)
            .and_then(|r| r.parts)
            .unwrap_or_default();
        let rank = |s: State| match s {
            State::Submitted | State::WaitingFile => 0,
            State::Pending => 1,
            State::Running | State::Converting => 2,
            State::Done | State::Failed => 3,
        };
        let mut least = status.state;
        let (mut done, mut total) = (0u64, 0u64);
        for part in &parts {
            let pages = u64::from(part.last - part.first + 1);
            let (state, progress) = seen.get(&part.key).copied().unwrap_or_else(|| {
                let state = self
                    .journal
                    .get(&part.key)
                    .map_or(State::Submitted, |r| r.state);
                (state, None)
            });
            if rank(state) < rank(least) {
                least = state;
            }
            total += pages;
            done += match (state, progress) {
                (State::Done, _) => pages,
                (_, Some(p)) => p.done.min(pages),
                _ => 0,
            };
        }
        let progress = (total > 0).then_some(provider::Progress { done, total });
        (least, progress)
    }

    /// Stitches a split document once every part's result is in, and delivers
    /// it as one result.
    fn stitch_when_whole(&self, parent: &str) {
        let Some(rec) = self.journal.get(parent) else {
            return;
        };
        let Some(parts) = rec.parts.clone() else {
            return;
        };
        let mut pieces = Vec::new();
        for part in &parts {
            let Some(r) = self.journal.get(&part.key) else {
                return;
            };
            match r.output.filter(|o| r.state == State::Done && o.is_dir()) {
                Some(dir) => pieces.push(crate::stitch::Part {
                    dir,
                    first_page: part.first,
                    last_page: part.last,
                }),
                None => return,
            }
        }
        if !lock(&self.state.stitching).insert(parent.to_string()) {
            return;
        }
        let dest = self.parts_dir(parent).join("stitched");
        let _ = std::fs::remove_dir_all(&dest);
        let stitched = std::fs::create_dir_all(&dest)
            .map_err(anyhow::Error::from)
            .and_then(|()| crate::stitch::stitch(&pieces, &dest));
        match stitched {
            Ok(()) => self.download(parent, &ResultRef::Folder { path: dest }),
            Err(e) => {
                let err = e.context(format!(
                    "{}: cannot join its parts (they stay in {}; the same command again retries)",
                    rec.input,
                    self.parts_dir(parent).display()
                ));
                crate::messages::error(&err);
                let why = format!("{err:#}");
                self.settle_progress(parent, |p| p.failed("its parts could not be joined"));
                lock(&self.state.summary).errors.push(err);
                self.report(parent, |i| Line::of(i, &rec).failed(why.clone()));
            }
        }
    }

    /// Runs the work: submission on one thread, polling on this one, downloads
    /// on `concurrency` workers.
    pub fn execute(&self, works: Vec<Work>) {
        let mut new = Vec::new();
        let mut resumed = Vec::new();
        let mut held = Vec::new();
        for w in works {
            match w {
                Work::New(p) => new.push(p),
                Work::Resume(r) => resumed.push(r),
                Work::Held(k) => held.push(k),
            }
        }
        self.state.submitting.store(true, Ordering::SeqCst);
        let (dl_tx, dl_rx) = mpsc::channel::<(String, ResultRef)>();
        let dl_rx = Mutex::new(dl_rx);
        std::thread::scope(|s| {
            for _ in 0..self.settings.concurrency {
                let dl_rx = &dl_rx;
                s.spawn(move || loop {
                    let job = lock(dl_rx).recv();
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

    /// `--no-wait`: every document followed so far is reported as it stands.
    fn report_submitted(&self) {
        let groups = std::mem::take(&mut *lock(&self.state.groups));
        for key in groups.into_iter().flat_map(Group::keys) {
            if let Some(rec) = self.journal.get(&key) {
                let id = rec.task().map(|t| t.id).unwrap_or_default();
                self.settle_progress(&key, |p| {
                    p.settle(
                        Stage::of_state(rec.state),
                        Some(format!("submitted as {id}")),
                    )
                });
                self.report(&key, |i| Line::of(i, &rec));
            }
        }
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

    fn submit_all(&self, new: Vec<Planned>, resumed: Vec<DocRecord>) -> Result<()> {
        // Documents already submitted: upload what is still owed, then follow.
        let mut owed = Vec::new();
        let mut by_batch: BTreeMap<String, HashMap<String, String>> = BTreeMap::new();
        for rec in resumed {
            self.step(&rec, "resumed: polling again, not resubmitting");
            if let Some(u) = rec.upload.as_ref().filter(|u| !u.done) {
                if let Some(doc) = lock(&self.state.docs).get(&rec.key).cloned() {
                    owed.push((rec.key.clone(), u.url.clone(), doc));
                }
            }
            match (&rec.batch_id, rec.task()) {
                // A batch ID fetched without a record has no item key: it is
                // asked about as a task of its own.
                (Some(b), _) if rec.item.is_some() => {
                    by_batch
                        .entry(b.clone())
                        .or_default()
                        .insert(rec.item.clone().unwrap_or_default(), rec.key.clone());
                }
                (_, Some(task)) => self.track(Group::Task {
                    task,
                    key: rec.key.clone(),
                }),
                (_, None) => {}
            }
        }
        for (id, members) in by_batch {
            self.track(Group::Batch { id, members });
        }

        // New documents: in provider batches where there is a batch API and
        // more than one document to share a call.
        let mut groups: BTreeMap<String, Vec<Planned>> = BTreeMap::new();
        let mut singles = Vec::new();
        for p in new {
            // A document with options of its own cannot share a batch call.
            match self.provider.batch_group(&p.doc, &self.opts) {
                Some(g) if p.opts.is_none() => groups.entry(g).or_default().push(p),
                _ => singles.push(p),
            }
        }
        // All batch calls first, a quick burst: the provider starts on URLs at
        // once, and the moments in which a stop could catch a call in flight are
        // over before the long uploads begin.
        // Sizes as the config may override them (`[providers.NAME] max_batch`).
        let chunk = self.limits.max_batch.unwrap_or(200).max(1);
        let max_bytes = self.provider.batch_max_bytes();
        let mut batched = Vec::new();
        for (_, docs) in groups {
            // Too few to be worth a batch (Mistral's jobs start slowly): one by one.
            if docs.len() < self.provider.batch_min(&self.opts).max(1) {
                singles.extend(docs);
            } else {
                batched.push(docs);
            }
        }
        for docs in batched {
            // Bytes of local files only: a URL is fetched by the provider.
            let local_bytes = |p: &Planned| p.doc.size.filter(|_| p.doc.path().is_some());
            for part in batch_chunks(&docs, |p| local_bytes(p).unwrap_or(0), chunk, max_bytes) {
                if self.is_fatal() {
                    break;
                }
                owed.extend(self.submit_batch(part)?);
            }
        }
        self.upload_all(owed);
        self.submit_singles(singles)
    }

    /// Held from a creating request until its answer is recorded: a signal
    /// waits for it (interrupt.rs). A synchronous call makes no task to record,
    /// so a stop does not wait for it.
    fn in_flight(&self) -> Option<crate::interrupt::InFlight> {
        (self.provider.info().mode == provider::Mode::Async).then(crate::interrupt::submitting)
    }

    /// A new record of a document of this run: who it is, where it goes, and
    /// the command and options that deliver it.
    fn fresh_record(&self, key: &str, doc: &Document, opts: &ExtractOptions) -> DocRecord {
        let mut rec = DocRecord::new(
            key,
            &doc.input,
            &doc.name,
            &doc.sha256,
            self.provider.info().name,
        );
        rec.base_url = self.base_url.clone();
        rec.command = Some(self.command.to_string());
        rec.options = Some(opts.clone());
        rec
    }

    /// The record of a document about to be submitted, marked as being sent.
    fn new_record(&self, p: &Planned) -> DocRecord {
        let previous = self.journal.get(&p.key);
        let mut rec = self.fresh_record(&p.key, &p.doc, p.opts.as_ref().unwrap_or(&self.opts));
        rec.parent = self.part_of(&p.key).map(|part| part.parent);
        rec.submissions = previous.map_or(0, |r| r.submissions) + 1;
        rec.sending = Some(record::now());
        rec.submitted_at = rec.sending;
        rec
    }

    /// One batch call, recorded at once; returns the uploads it owes.
    fn submit_batch(&self, part: &[Planned]) -> Result<Vec<(String, String, Document)>> {
        let mut recs: Vec<DocRecord> = part.iter().map(|p| self.new_record(p)).collect();
        // The intent is on record before the request: a kill -9 while it is in
        // flight leaves documents the rerun can name (see `triage`).
        self.journal.put_many(&recs)?;
        let docs: Vec<&Document> = part.iter().map(|p| &p.doc).collect();
        // A batch call creates billable work whatever the provider's mode
        // (Mistral's jobs, though its direct calls are synchronous).
        let in_flight = Some(crate::interrupt::submitting());
        let answer = match self.provider.submit_batch(&docs, &self.opts) {
            Ok(a) => a,
            Err(e) => {
                drop(in_flight);
                for (p, rec) in part.iter().zip(&recs) {
                    self.submission_failed(p, rec, &e);
                }
                return if is_run_wide(&e) {
                    Err(e)
                } else {
                    Ok(Vec::new())
                };
            }
        };
        let provider = self.provider.info().name;
        for (rec, (item, upload)) in recs.iter_mut().zip(&answer.items) {
            let task = TaskRef::batch_item(provider, answer.batch_id.clone(), item.clone());
            rec.mark_submitted(&task, upload.as_ref().map(|u| u.url.as_str()));
        }
        self.journal.put_many(&recs)?;
        drop(in_flight);
        self.store.put_run(&answer.batch_id, &self.journal_dir)?;
        lock(&self.state.batch_ids).push(answer.batch_id.clone());
        let mut owed = Vec::new();
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

    /// Documents of a provider without a batch API (or alone in their group):
    /// one task each, `concurrency` at a time.
    fn submit_singles(&self, singles: Vec<Planned>) -> Result<()> {
        let queue = Mutex::new(singles.into_iter());
        std::thread::scope(|s| {
            for _ in 0..self.settings.concurrency {
                s.spawn(|| loop {
                    if self.is_fatal() {
                        break;
                    }
                    let next = lock(&queue).next();
                    let Some(p) = next else { break };
                    if let Err(e) = self.submit_single(&p) {
                        self.set_fatal(e);
                    }
                });
            }
        });
        Ok(())
    }

    fn submit_single(&self, p: &Planned) -> Result<()> {
        let mut rec = self.new_record(p);
        let async_mode = self.provider.info().mode == provider::Mode::Async;
        if async_mode {
            self.journal.put(&rec)?;
        }
        if async_mode {
            self.step(&rec, "submitting");
        } else if let Some(p) = self.doc_progress(&rec) {
            // A synchronous answer: the provider (or this process) is at work.
            p.stage(Stage::Running);
        }
        let in_flight = self.in_flight();
        let opts = p.opts.as_ref().unwrap_or(&self.opts);
        // A multipart upload inside the provider's call shows its bytes too.
        let meter = self.meter(&rec, "uploading");
        let submitted = match meter.scope(|| self.provider.submit(&p.doc, opts)) {
            Ok(s) => s,
            Err(e) => {
                drop(in_flight);
                self.submission_failed(p, &rec, &e);
                return if is_run_wide(&e) { Err(e) } else { Ok(()) };
            }
        };
        rec.sending = None;
        match submitted {
            Submitted::Done(result) => {
                if let ResultRef::Pages(set) = &result {
                    let skipped = set.skipped();
                    for (page, why) in &skipped {
                        self.ctx
                            .reporter
                            .warn(&format!("{}: page {page} left out: {why}", rec.input));
                    }
                    rec.pages_skipped = Some(skipped.into_iter().map(|(p, _)| p).collect());
                }
                // Paid for: held before anything else can fail. An answer made
                // in this process is not kept: it costs nothing to make again,
                // and a kept one would outlive the build that made it.
                if !self.in_process() {
                    self.journal.hold(&rec.key, &result)?;
                }
                rec.state = State::Done;
                self.journal.put(&rec)?;
                drop(in_flight);
                self.download(&rec.key, &result);
            }
            Submitted::Task { task, upload } => {
                rec.mark_submitted(&task, upload.as_ref().map(|u| u.url.as_str()));
                self.journal.put(&rec)?;
                drop(in_flight);
                self.store.put_run(&task.id, &self.journal_dir)?;
                self.step(&rec, &format!("submitted as {}", task.id));
                if let Some(u) = upload {
                    self.upload_one(&rec.key, &u.url, &p.doc);
                }
                self.track(Group::Task { task, key: rec.key });
            }
        }
        Ok(())
    }

    /// A creating request that failed. The provider refusing the document
    /// itself fails it (exit 4, recorded); anything else leaves it unsubmitted
    /// for a plain rerun — with a warning when the request may have reached the
    /// provider (its answer was lost).
    fn submission_failed(&self, p: &Planned, rec: &DocRecord, cause: &anyhow::Error) {
        let typed = error::typed(cause);
        let kind = typed.map_or(Kind::Other, |t| t.kind.clone());
        let mut rec = rec.clone();
        rec.error = Some(format!("{cause:#}"));
        let lost = is_answer_lost(cause);
        if !lost {
            // Nothing was created: the rerun submits it without a warning.
            rec.sending = None;
        }
        if kind == Kind::Input {
            rec.state = State::Failed;
            let _ = self.journal.put(&rec);
            // The provider's own hint (e.g. which provider can take it) wins.
            let hint = typed.and_then(|t| t.hint.clone()).unwrap_or_else(|| {
                "check the file's size, type and page count against `docpipe providers`".into()
            });
            let err = anyhow::anyhow!("{cause:#}").context(
                Error::input(&p.doc.input, format!("{} refused it", rec.provider)).with_hint(hint),
            );
            self.failed_with(&rec, err);
            return;
        }
        let _ = self.journal.put(&rec);
        let message = if lost {
            format!(
                "{}: not submitted: the answer to the submission was lost, so {} may or may not have created a task",
                p.doc.input, rec.provider
            )
        } else {
            format!("{}: not submitted", p.doc.input)
        };
        let again =
            "run the same command again: documents already recorded are not submitted twice";
        let hint = match typed.and_then(|t| t.hint.as_deref()) {
            Some(h) => format!("{h}; then {again}"),
            None => again.to_string(),
        };
        let err = anyhow::anyhow!("{cause:#}").context(Error::new(kind, message).with_hint(hint));
        self.fail_unsent(&rec.key, &p.doc.input, err, true);
    }

    /// Reports a document that has no task: printed, counted, its line emitted.
    fn fail_unsent(&self, key: &str, input: &str, err: anyhow::Error, count: bool) {
        crate::messages::error(&err);
        let why = format!("{err:#}");
        self.settle_progress(key, |p| p.failed("not submitted"));
        {
            let mut s = lock(&self.state.summary);
            if count {
                s.unsent += 1;
            }
            s.errors.push(err);
        }
        let provider = self.provider.info().name;
        self.report(key, |i| {
            Line::not_submitted(i, input, provider, why.clone())
        });
    }

    fn upload_all(&self, owed: Vec<(String, String, Document)>) {
        let queue = Mutex::new(owed.into_iter());
        std::thread::scope(|s| {
            for _ in 0..self.settings.concurrency {
                s.spawn(|| loop {
                    let next = lock(&queue).next();
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
        let mut meter = transfer::Meter::none();
        if let Some(rec) = self.journal.get(key) {
            self.step(
                &rec,
                &format!("uploading {}", provider::human_bytes(upload.size)),
            );
            meter = self.meter(&rec, "uploading");
        }
        match transfer::put_signed(&self.ctx.http, &upload, &meter) {
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
                let err = e.context(format!(
                    "{}: upload failed; run the same command again to upload it to the same task",
                    doc.input
                ));
                crate::messages::error(&err);
                self.untrack(key);
                self.settle_progress(key, |p| p.failed("upload failed"));
                let why = format!("{err:#}");
                lock(&self.state.summary).errors.push(err);
                if let Some(rec) = self.journal.get(key) {
                    self.report(key, |i| {
                        let mut l = Line::of(i, &rec);
                        l.error = Some(why.clone());
                        l
                    });
                }
            }
        }
    }

    fn track(&self, group: Group) {
        let (id, key) = match &group {
            Group::Batch { id, members } => (id.clone(), members.values().next().cloned()),
            Group::Task { task, key } => (task.id.clone(), Some(key.clone())),
        };
        let input = key
            .and_then(|k| self.journal.get(&k))
            .map(|r| r.input)
            .unwrap_or_default();
        crate::interrupt::track(&id, &input);
        lock(&self.state.groups).push(group);
    }

    fn untrack(&self, key: &str) {
        let mut groups = lock(&self.state.groups);
        for g in groups.iter_mut() {
            if let Group::Batch { members, .. } = g {
                members.retain(|_, k| k != key);
            }
        }
        groups.retain(|g| {
            let keep = !g.is_empty() && !matches!(g, Group::Task { key: k, .. } if k == key);
            if !keep {
                match g {
                    Group::Batch { id, .. } => crate::interrupt::untrack(id),
                    Group::Task { task, .. } => crate::interrupt::untrack(&task.id),
                }
            }
            keep
        });
    }

    /// The polling loop: one status request per batch (or task) per round, until
    /// every document is final or the deadline passes.
    fn poll(&self, downloads: &mpsc::Sender<(String, ResultRef)>) {
        let mut backoff = Backoff::new(self.settings.intervals.0, self.settings.intervals.1);
        let mut wait = Duration::ZERO;
        loop {
            // The round that saw the last document finish ends the loop at once,
            // not one more interval later.
            let submitting = self.state.submitting.load(Ordering::SeqCst);
            if !submitting && lock(&self.state.groups).is_empty() {
                return;
            }
            let sleep = wait.min(
                self.settings
                    .deadline
                    .saturating_duration_since(Instant::now()),
            );
            self.nap(sleep);
            if self.is_fatal() {
                return;
            }
            let asks: Vec<Ask> = lock(&self.state.groups)
                .iter()
                .map(|g| match g {
                    Group::Batch { id, .. } => Ask::Batch(id.clone()),
                    Group::Task { task, key } => Ask::Task(task.clone(), key.clone()),
                })
                .collect();
            let submitting = self.state.submitting.load(Ordering::SeqCst);
            if asks.is_empty() && !submitting {
                return;
            }
            if Instant::now() >= self.settings.deadline {
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
                self.settings.intervals.0
            } else {
                backoff.next(moved)
            };
        }
    }

    /// Sleeps up to `time`, waking as soon as nothing is left to wait for (the
    /// last submission ended with nothing to follow: synchronous answers).
    fn nap(&self, time: Duration) {
        let until = Instant::now() + time;
        let (mutex, wake) = &self.state.wake;
        let mut guard = lock(mutex);
        loop {
            if !self.state.submitting.load(Ordering::SeqCst) && lock(&self.state.groups).is_empty()
            {
                return;
            }
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            guard = wake
                .wait_timeout(guard, left)
                .map(|(g, _)| g)
                .unwrap_or_else(|e| e.into_inner().0);
        }
    }

    /// Tells a waiting polling loop to look again.
    fn wake(&self) {
        let _guard = lock(&self.state.wake.0);
        self.state.wake.1.notify_all();
    }

    /// The document a batch answer's entry belongs to: by key, else by file name.
    fn member(&self, batch_id: &str, item: &BatchItem) -> Option<String> {
        lock(&self.state.groups).iter().find_map(|g| match g {
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
        if is_run_wide(&err) {
            crate::messages::error(&err);
            lock(&self.state.summary).errors.push(
                anyhow::anyhow!("{err:#}").context(
                    error::typed(&err)
                        .cloned()
                        .unwrap_or_else(|| Error::new(Kind::Other, "")),
                ),
            );
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
        // Pages extracted count as movement too (running 1/12 → 12/12): the
        // record keeps only the total, so the last count seen is kept here.
        let done_pages = status.progress.map(|p| p.done);
        let seen = lock(&self.state.seen_pages).insert(key.to_string(), done_pages);
        let moved = rec.state != status.state
            || rec.pages != pages
            || seen.is_some_and(|s| s != done_pages);
        if let Some(p) = self.doc_progress(&rec) {
            match self.part_of(key) {
                // A part: the document's line shows all its parts together.
                Some(part) => {
                    let (state, progress) = self.parts_status(&part.parent, key, &status);
                    p.state(state, progress);
                }
                None => p.state(status.state, status.progress),
            }
        }
        if let Some(tell) = &self.hooks.on_status {
            tell(
                &rec.input,
                status.state,
                status.progress.map(|p| (p.done, p.total)),
            );
        }
        if status.state.is_final() {
            lock(&self.state.seen_pages).remove(key);
        }
        match status.state {
            State::Done => {
                self.untrack(key);
                let _ = self.journal.update(key, |r| {
                    r.state = State::Done;
                    r.pages = pages;
                });
                match status.result {
                    Some(result) => {
                        let _ = downloads.send((key.to_string(), result));
                    }
                    None => self.task_failed(&rec, "done, but the answer has no result", None),
                }
            }
            State::Failed => {
                self.untrack(key);
                let why = status.error.unwrap_or_else(|| "no reason given".into());
                let _ = self.journal.update(key, |r| {
                    r.state = State::Failed;
                    r.error = Some(why.clone());
                });
                self.task_failed(&rec, &why, status.fault);
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
        self.deliver_all(key, result);
        // A table spooled to a temporary file served every output: gone now.
        if let ResultRef::Spooled { path, .. } = result {
            let _ = std::fs::remove_file(path);
        }
    }

    fn deliver_all(&self, key: &str, result: &ResultRef) {
        let Some(rec) = self.journal.get(key) else {
            return;
        };
        let fetched = matches!(
            result,
            ResultRef::Zip { .. } | ResultRef::Markdown { .. } | ResultRef::File { .. }
        );
        let part = self.part_of(key);
        // A part downloads while others still run: its document's line shows
        // downloading only for the last one.
        let last_part = part.as_ref().is_none_or(|p| {
            self.journal
                .get(&p.parent)
                .and_then(|r| r.parts)
                .is_some_and(|parts| {
                    parts.iter().all(|r| {
                        r.key == key
                            || self
                                .journal
                                .get(&r.key)
                                .is_some_and(|x| x.state == State::Done)
                    })
                })
        });
        let mut meter = transfer::Meter::none();
        if let Some(p) = self.doc_progress(&rec).filter(|_| fetched && last_part) {
            p.step("downloading");
            meter = self.meter(&rec, "downloading");
        }
        let (layout, exact) = match &part {
            // A part's result waits, whole, beside its document's other parts.
            Some(p) => match self.part_results(&p.parent) {
                Ok(out) => (Layout::Folders(out), None),
                Err(e) => {
                    self.failed_with(
                        &rec,
                        e.context(format!("{}: cannot save a part", rec.input)),
                    );
                    return;
                }
            },
            None => (self.layout.clone(), self.exact.as_deref()),
        };
        let item = Item {
            name: &rec.name,
            sha256: &rec.sha256,
            format: &self.opts.format,
            exact,
            no_images: part.is_none() && self.opts.no_images,
            meter: &meter,
        };
        match deliver::deliver(&self.ctx.http, result, &item, &layout) {
            Ok(d) if part.is_some() => {
                let _ = self.journal.update(key, |r| {
                    r.state = State::Done;
                    r.output = d.output.clone();
                    r.error = None;
                });
                if let Some(p) = part {
                    self.stitch_when_whole(&p.parent);
                }
            }
            Ok(d) => {
                self.deliver_twins(key, result, &item);
                let rec = self
                    .journal
                    .update(key, |r| {
                        r.state = State::Done;
                        r.output = d.output.clone();
                        r.markdown = d.markdown_path.clone();
                        r.error = None;
                    })
                    .ok()
                    .flatten()
                    .unwrap_or(rec);
                if !self.keep_held {
                    self.journal.release(key);
                }
                if let Some(parts) = &rec.parts {
                    // Whole and in place: the parts' files are not needed any
                    // more (their records stay: a rerun skips the document).
                    if !self.keep_held {
                        for part in parts {
                            self.journal.release(&part.key);
                        }
                    }
                    let _ = std::fs::remove_dir_all(self.parts_dir(key));
                }
                lock(&self.state.summary).done += 1;
                let place = rec
                    .output
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| "printed".into());
                self.settle_progress(key, |p| p.done(&place));
                let text = d.text;
                self.report(key, |i| {
                    let mut l = Line::of(i, &rec);
                    if let Some(t) = &text {
                        l.markdown = Some(t.clone());
                        l.text = Some(t.clone());
                    }
                    l
                });
            }
            Err(e) => {
                // The provider's work is done and paid for: the record keeps it
                // "done" without an output, so a rerun downloads it again
                // instead of resubmitting.
                let id = rec.task().map(|t| t.id);
                let hint = match &id {
                    Some(id) => format!(
                        "the task is recorded: `docpipe fetch {id}` (or the same command again) downloads it without paying again"
                    ),
                    None => "the answer is kept: run the same command again to write it without paying again".to_string(),
                };
                let hint = if format!("{e:#}").contains("result zip") {
                    format!("the provider's result was refused and nothing was written; report it to the provider ({hint})")
                } else {
                    format!("check the output folder (space, permissions); {hint}")
                };
                // A deadline or a full disk met while saving keeps its own kind
                // (exit 6; the run stops) under the context.
                let kind = error::typed(&e).map_or(Kind::Other, |t| t.kind.clone());
                let err = e.context(
                    Error::new(kind, format!("{}: cannot save the result", rec.input))
                        .with_hint(hint),
                );
                // A full disk meets every later result too: stop after this one.
                if error::ends_run(&err) {
                    self.set_fatal(anyhow::anyhow!("{err:#}"));
                }
                crate::messages::error(&err);
                let why = format!("{err:#}");
                let _ = self.journal.update(key, |r| r.error = Some(why.clone()));
                self.settle_progress(key, |p| p.failed("the result could not be saved"));
                lock(&self.state.summary).errors.push(err);
                self.report(key, |i| Line::of(i, &rec).failed(why.clone()));
            }
        }
    }

    fn task_failed(&self, rec: &DocRecord, why: &str, fault: Option<Kind>) {
        let task = rec
            .task()
            .unwrap_or_else(|| TaskRef::task(&rec.provider, String::new()));
        let err: anyhow::Error = failure_error(&rec.input, &task, fault, why).into();
        lock(&self.state.summary)
            .failed
            .push((rec.input.clone(), why.to_string()));
        let mut shown = rec.clone();
        shown.state = State::Failed;
        shown.error = Some(why.to_string());
        self.failed_with(&shown, err);
    }

    fn failed_with(&self, rec: &DocRecord, err: anyhow::Error) {
        if let Some(part) = self.part_of(&rec.key) {
            // The document cannot be whole: it is failed (its other parts
            // stay recorded; --retry-failed submits only the failed ones).
            let why = format!("pages {}-{}: {err:#}", part.first, part.last);
            let _ = self.journal.update(&part.parent, |r| {
                r.state = State::Failed;
                r.error = Some(why);
            });
        }
        crate::messages::error(&err);
        let why = rec.error.clone().unwrap_or_else(|| "failed".into());
        self.settle_progress(&rec.key, |p| p.failed(&why));
        let why = format!("{err:#}");
        lock(&self.state.summary).errors.push(err);
        self.report(&rec.key, |i| Line::of(i, rec).failed(why.clone()));
    }

    fn time_out(&self) {
        let groups = std::mem::take(&mut *lock(&self.state.groups));
        for key in groups.into_iter().flat_map(Group::keys) {
            if let Some(rec) = self.journal.get(&key) {
                let id = rec.task().map(|t| t.id).unwrap_or_default();
                lock(&self.state.summary).timed_out.push(id.clone());
                self.settle_progress(&key, |p| {
                    p.settle(
                        Stage::of_state(rec.state),
                        Some("still running at the timeout".into()),
                    )
                });
                let err: anyhow::Error = Error::timeout(format!(
                    "{}: still {} at the timeout; task {id} ({})",
                    rec.input, rec.state, rec.provider
                ))
                .into();
                crate::messages::error(&err);
                let why = format!("{err:#}");
                lock(&self.state.summary).errors.push(err);
                self.report(&key, |i| {
                    let mut l = Line::of(i, &rec);
                    l.error = Some(why.clone());
                    l
                });
            }
        }
    }

    /// Every document not reported yet (a run stopped by an error every
    /// request would meet, or cancelled): reported as it stands.
    pub fn report_rest(&self) {
        let keys: Vec<String> = lock(&self.state.reports).keys().cloned().collect();
        let why = if self.hooks.cancelled() {
            "cancelled; what was submitted is recorded: the same request again (or fetch with its ID) continues"
        } else {
            "stopped by the error above; run the same command again to continue"
        };
        for key in keys {
            let rec = self.journal.get(&key);
            match rec.filter(|r| r.task().is_some() || r.state == State::Done || r.parts.is_some())
            {
                Some(rec) => {
                    self.settle_progress(&key, |p| {
                        p.settle(Stage::of_state(rec.state), Some(why.to_string()))
                    });
                    self.report(&key, |i| {
                        let mut l = Line::of(i, &rec);
                        l.error = Some(why.to_string());
                        l
                    });
                }
                None => {
                    self.settle_progress(&key, |p| p.settle(Stage::Queued, Some(why.to_string())));
                    let provider = self.provider.info().name;
                    self.report(&key, |i| {
                        let input = lock(&self.state.reports)
                            .get(&key)
                            .and_then(|v| v.iter().find(|(j, _)| *j == i).map(|(_, s)| s.clone()))
                            .unwrap_or_default();
                        Line::not_submitted(i, &input, provider, why.to_string())
                    });
                }
            }
        }
    }

    /// `--dry-run`: reports `line` for every input of `key`, ending its
    /// progress line quietly.
    pub fn report_dry(&self, key: &str, line: &Line) {
        self.settle_progress(key, |p| p.settle(Stage::Queued, Some(line.state.clone())));
        self.report(key, |i| Line {
            index: i,
            ..line.clone()
        });
    }

    /// Emits `line(index)` for every input of the document `key`.
    fn report(&self, key: &str, line: impl Fn(usize) -> Line) {
        // A part is reported as its document (the first report wins).
        let part = self.part_of(key);
        let key = part.as_ref().map_or(key, |p| p.parent.as_str());
        let inputs = lock(&self.state.reports)
            .get(key)
            .cloned()
            .unwrap_or_default();
        let mut first: Option<Line> = None;
        for (i, input) in inputs {
            let l = match &first {
                None if part.is_some() => self.with_parts_id(key, line(i)).for_alias(i, &input),
                None => self.with_parts_id(key, line(i)),
                Some(f) => f.for_alias(i, &input),
            };
            if first.is_none() {
                first = Some(l.clone());
            }
            self.emitter.emit(self.twin_line(key, l));
        }
    }

    /// A split document has no task of its own: its line carries the ID of
    /// its first sent part, which `status` takes and `fetch` turns into the
    /// whole document (`adopt_parts`).
    fn with_parts_id(&self, key: &str, mut line: Line) -> Line {
        if line.task_id.is_some() || line.batch_id.is_some() {
            return line;
        }
        let Some(parts) = self.journal.get(key).and_then(|r| r.parts) else {
            return line;
        };
        if let Some(sent) = parts
            .iter()
            .filter_map(|p| self.journal.get(&p.key))
            .find(|r| r.task_id.is_some() || r.batch_id.is_some())
        {
            line.task_id = sent.task_id;
            line.batch_id = sent.batch_id;
        }
        line
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

/// Consecutive runs of `items` with at most `count` items and, when `max_bytes`
/// is set, at most that many bytes by `size` (an item bigger than that alone
/// goes in a run of its own).
fn batch_chunks<T>(
    items: &[T],
    size: impl Fn(&T) -> u64,
    count: usize,
    max_bytes: Option<u64>,
) -> Vec<&[T]> {
    let mut parts = Vec::new();
    let (mut start, mut bytes) = (0, 0u64);
    for (i, item) in items.iter().enumerate() {
        let n = size(item);
        let full = i - start >= count.max(1)
            || max_bytes.is_some_and(|m| i > start && bytes.saturating_add(n) > m);
        if full {
            parts.push(&items[start..i]);
            (start, bytes) = (i, 0);
        }
        bytes = bytes.saturating_add(n);
    }
    if start < items.len() {
        parts.push(&items[start..]);
    }
    parts
}

/// The error for a task that ended `failed`: the document refused (exit 4) or the
/// provider failing to extract it (exit 5).
/// The limits in words: "600 pages and 200.0 MB".
fn describe_limits(limits: &provider::Limits) -> String {
    let mut parts = Vec::new();
    if let Some(p) = limits.max_pages {
        parts.push(format!("{p} pages"));
    }
    if let Some(b) = limits.max_bytes {
        parts.push(provider::human_bytes(b));
    }
    parts.join(" and ")
}

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

#[cfg(test)]
mod tests {
    use super::batch_chunks;

    #[test]
    fn batches_are_cut_by_count_and_by_bytes() {
        let sizes = [5u64, 5, 5, 5, 5];
        let lens = |parts: Vec<&[u64]>| parts.iter().map(|p| p.len()).collect::<Vec<_>>();
        assert_eq!(lens(batch_chunks(&sizes, |s| *s, 2, None)), [2, 2, 1]);
        assert_eq!(lens(batch_chunks(&sizes, |s| *s, 10, Some(12))), [2, 2, 1]);
        assert_eq!(lens(batch_chunks(&sizes, |s| *s, 10, Some(25))), [5]);
        // One item over the cap still goes, alone.
        let big = [3u64, 40, 3];
        assert_eq!(lens(batch_chunks(&big, |s| *s, 10, Some(10))), [1, 1, 1]);
        assert!(batch_chunks(&[] as &[u64], |s| *s, 10, None).is_empty());
    }
}
