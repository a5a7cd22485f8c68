//! Progress on stderr: a board on a terminal, one plain line per state change
//! elsewhere (CI logs stay readable), nothing with `-q`. The target is decided in
//! one place, [`Target::detect`].
//!
//! The engine drives it; nothing here knows about providers or batches:
//! - [`Reporter::start`] once with the number of documents (they count as queued
//!   until each gets its [`DocProgress`] from [`Reporter::doc`]);
//! - per document: [`DocProgress::stage`] on each change of [`Stage`],
//!   [`DocProgress::pages`] while the provider reports pages,
//!   [`DocProgress::bytes`] (or a reader wrapped by [`DocProgress::reading`])
//!   during an upload or a download, then one of [`DocProgress::done`],
//!   [`DocProgress::failed`], [`DocProgress::skipped`], or
//!   [`DocProgress::settle`] for one left unfinished (`--no-wait`, a timeout);
//! - every other stderr line through [`Reporter::note`] / `warn` / `alert` or
//!   [`crate::messages`] (which owns stderr and draws the frames this module
//!   makes), and every stdout write while documents are under way inside
//!   [`Reporter::suspend`];
//! - [`Reporter::summary`] at the end: the lines that stay on screen.
//!
//! On a terminal the board is redrawn five times a second while a document is
//! under way (and not at all otherwise): a clock that ticks, counts by stage that
//! add up to the total, at most half a screen of active documents (the rest
//! summarised in one line), pages only while a document is running, bytes with
//! rate and time left for transfers.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::messages;
use crate::task::{Progress, State};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Bar,
    Plain,
    Hidden,
}

impl Target {
    /// `-q` hides everything; `DOCPIPE_PROGRESS=bar|plain|none` overrides; else
    /// bars when stderr is a terminal, plain lines otherwise.
    pub fn detect(quiet: bool, env: Option<&str>) -> Target {
        if quiet {
            return Target::Hidden;
        }
        match env {
            Some("bar") => Target::Bar,
            Some("plain") => Target::Plain,
            Some("none") => Target::Hidden,
            _ if messages::stderr_is_terminal() => Target::Bar,
            _ => Target::Plain,
        }
    }
}

/// Colors only on a terminal, and never when `NO_COLOR` is set (no-color.org).
pub fn color_wanted(no_color: Option<&str>) -> bool {
    no_color.is_none() && messages::stderr_is_terminal()
}

/// Where one document is, as the person watching sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// Not started yet.
    Queued,
    /// Its bytes (or its URL) are being sent.
    Uploading,
    /// Submitted; the provider has not started on it.
    Waiting,
    /// The provider is extracting it.
    Running,
    /// The result is being fetched.
    Downloading,
    Done,
    Failed,
    /// Nothing to do (already done in an earlier run).
    Skipped,
}

impl Stage {
    pub const ALL: [Stage; 8] = [
        Stage::Queued,
        Stage::Uploading,
        Stage::Waiting,
        Stage::Running,
        Stage::Downloading,
        Stage::Done,
        Stage::Failed,
        Stage::Skipped,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Stage::Queued => "queued",
            Stage::Uploading => "uploading",
            Stage::Waiting => "waiting",
            Stage::Running => "running",
            Stage::Downloading => "downloading",
            Stage::Done => "done",
            Stage::Failed => "failed",
            Stage::Skipped => "skipped",
        }
    }

    /// Has a line on the board.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            Stage::Uploading | Stage::Waiting | Stage::Running | Stage::Downloading
        )
    }

    pub fn is_final(self) -> bool {
        matches!(self, Stage::Done | Stage::Failed | Stage::Skipped)
    }

    /// A provider's state: submitted and pending are waiting; a finished task's
    /// result is fetched next, so `done` shows as downloading until
    /// [`DocProgress::done`] says it is written.
    pub fn of_state(state: State) -> Stage {
        match state {
            State::Submitted | State::WaitingFile | State::Pending => Stage::Waiting,
            State::Running | State::Converting => Stage::Running,
            State::Done => Stage::Downloading,
            State::Failed => Stage::Failed,
        }
    }

    /// Board order of active lines: closest to finished first.
    fn rank(self) -> u8 {
        match self {
            Stage::Downloading => 0,
            Stage::Running => 1,
            Stage::Uploading => 2,
            Stage::Waiting => 3,
            _ => 4,
        }
    }
}

use crate::units::{bytes_text, span};
pub use crate::units::{clock, plural};

/// A transfer shows its bytes once it is this large or has run for
/// [`SHOW_AFTER`]: a small file's bytes would only flicker past.
const SHOW_FROM: u64 = 1024 * 1024;
const SHOW_AFTER: Duration = Duration::from_secs(1);
/// The rate is measured over this much of the recent past, so a transfer that
/// slows down or stalls shows it within seconds.
const RATE_WINDOW: Duration = Duration::from_secs(5);

/// One transfer of a document (an upload or a download): its bytes, and marks
/// to measure its rate by.
#[derive(Debug, Clone)]
struct Transfer {
    done: u64,
    total: Option<u64>,
    since: Instant,
    /// `(when, bytes)`, oldest first, reaching one mark past [`RATE_WINDOW`]
    /// back. The first is where the transfer began: a resumed download's rate
    /// counts from the part already on disk, not from zero.
    marks: VecDeque<(Instant, u64)>,
}

impl Transfer {
    fn new(from: u64, total: Option<u64>, now: Instant) -> Transfer {
        Transfer {
            done: from,
            total,
            since: now,
            marks: VecDeque::from([(now, from)]),
        }
    }

    fn advance(&mut self, done: u64, now: Instant) {
        self.done = done;
        self.marks.push_back((now, done));
        while self.marks.len() > 2 && now.saturating_duration_since(self.marks[1].0) >= RATE_WINDOW
        {
            self.marks.pop_front();
        }
    }

    /// Bytes a second over the last [`RATE_WINDOW`] (since the start while it
    /// is younger); none in its first half second, too soon to tell.
    fn rate(&self, now: Instant) -> Option<f64> {
        let &(t0, d0) = self
            .marks
            .iter()
            .rev()
            .find(|(t, _)| now.saturating_duration_since(*t) >= RATE_WINDOW)
            .or(self.marks.front())?;
        let secs = now.saturating_duration_since(t0).as_secs_f64();
        (secs >= 0.5).then(|| self.done.saturating_sub(d0) as f64 / secs)
    }

    /// Its words for a board line with `room` columns left: the most detailed
    /// that fits (`12.0 MB of 190.0 MB · 5.0 MB/s · 0:36 left`, then shorter
    /// forms down to `6%`); none for a small transfer that just began. An
    /// unknown total (a download without Content-Length) has no time left.
    fn text(&self, now: Instant, room: usize) -> Option<String> {
        let young = now.saturating_duration_since(self.since) < SHOW_AFTER;
        if young && self.total.is_none_or(|t| t < SHOW_FROM) {
            return None;
        }
        let total = self.total.filter(|&t| t > 0);
        let done = total.map_or(self.done, |t| self.done.min(t));
        let rate = self.rate(now).filter(|&r| r >= 1.0);
        let amount = match total {
            Some(t) => format!("{} of {}", bytes_text(done), bytes_text(t)),
            None => bytes_text(done),
        };
        let short = match total {
            Some(t) => format!("{}%", done * 100 / t),
            None => bytes_text(done),
        };
        let speed = rate.map(|r| format!("{}/s", bytes_text(r as u64)));
        let left = match (rate, total) {
            (Some(r), Some(t)) if t > done => Some(format!(
                "{} left",
                clock(Duration::from_secs_f64((t - done) as f64 / r))
            )),
            _ => None,
        };
        let forms = [
            [Some(amount), speed.clone(), left.clone()],
            [Some(short.clone()), speed, left.clone()],
            [Some(short.clone()), None, left],
            [Some(short), None, None],
        ];
        let joined: Vec<String> = forms
            .iter()
            .map(|parts| {
                parts
                    .iter()
                    .flatten()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" · ")
            })
            .collect();
        joined
            .iter()
            .find(|t| console::measure_text_width(t) <= room)
            .or(joined.last())
            .cloned()
    }
}

#[derive(Debug, Clone)]
struct Doc {
    name: String,
    stage: Stage,
    since: Instant,
    pages: Option<Progress>,
    transfer: Option<Transfer>,
    /// A word about the stage: the task ID, the output, the reason of a failure.
    detail: Option<String>,
    /// The last plain line printed for it.
    printed: Option<String>,
    /// The caller is done with it although it is not finished (`--no-wait`, a
    /// timeout): still counted in its stage, no longer a line on the board.
    settled: bool,
}

/// Every document's stage, and how to draw them. Pure: the clock is passed in.
#[derive(Debug)]
pub struct Board {
    start: Instant,
    expected: u64,
    docs: Vec<Doc>,
}

impl Board {
    pub fn new(start: Instant) -> Board {
        Board {
            start,
            expected: 0,
            docs: Vec::new(),
        }
    }

    /// The documents of the run: never fewer than have been registered.
    pub fn total(&self) -> u64 {
        self.expected.max(self.docs.len() as u64)
    }

    /// How many documents are in each stage, in [`Stage::ALL`] order; they add up
    /// to [`Board::total`] (the unregistered ones are queued).
    pub fn counts(&self) -> [u64; 8] {
        let mut counts = [0u64; 8];
        for doc in &self.docs {
            counts[doc.stage as usize] += 1;
        }
        counts[Stage::Queued as usize] += self.total() - self.docs.len() as u64;
        counts
    }

    /// No document under way (each is queued, finished or settled): the
    /// terminal then shows no board, so whatever the caller prints in between
    /// (a result on stdout, a summary) is left alone. Documents announced by
    /// [`Reporter::start`] but never started (skipped without a line) do not
    /// hold the board up.
    pub fn idle(&self) -> bool {
        self.docs
            .iter()
            .all(|d| d.stage.is_final() || d.settled || d.stage == Stage::Queued)
    }

    fn add(&mut self, name: &str, now: Instant) -> usize {
        self.docs.push(Doc {
            name: name.to_string(),
            stage: Stage::Queued,
            since: now,
            pages: None,
            transfer: None,
            detail: None,
            printed: None,
            settled: false,
        });
        self.docs.len() - 1
    }

    /// Moves a document to a stage; false when it was there already. Pages and
    /// bytes belong to one stage and are forgotten when it changes.
    fn set_stage(&mut self, id: usize, stage: Stage, detail: Option<String>, now: Instant) -> bool {
        let doc = &mut self.docs[id];
        if detail.is_some() {
            doc.detail = detail;
        }
        if doc.stage == stage {
            return false;
        }
        doc.stage = stage;
        doc.since = now;
        doc.pages = None;
        doc.transfer = None;
        true
    }

    /// The plain line for a document's current stage, unless it was the last one
    /// printed for it.
    fn plain_line(&mut self, id: usize) -> Option<String> {
        let doc = &mut self.docs[id];
        let mut text = doc.stage.name().to_string();
        match (doc.stage, &doc.detail) {
            (Stage::Done, Some(d)) => write!(text, " → {d}").unwrap_or(()),
            (Stage::Failed | Stage::Skipped, Some(d)) => write!(text, ": {d}").unwrap_or(()),
            (Stage::Waiting, Some(d)) => write!(text, " ({d})").unwrap_or(()),
            (Stage::Running, _) => {
                if let Some(p) = doc.pages {
                    write!(text, " {}/{} pages", p.done.min(p.total), p.total).unwrap_or(());
                }
            }
            (Stage::Uploading, _) => {
                if let Some(total) = doc.transfer.as_ref().and_then(|t| t.total) {
                    write!(text, " {}", bytes_text(total)).unwrap_or(());
                }
            }
            _ => {}
        }
        let line = format!("docpipe: {}: {text}", doc.name);
        if doc.printed.as_deref() == Some(line.as_str()) {
            return None;
        }
        doc.printed = Some(line.clone());
        Some(line)
    }

    /// The board as lines of at most `width` columns, for a screen of `height`
    /// lines: it takes at most half of it.
    pub fn frame(&self, now: Instant, width: usize, height: usize) -> Vec<String> {
        let width = width.max(20);
        let total = self.total();
        let counts = self.counts();
        let count = |s: Stage| counts[s as usize];
        let finished = count(Stage::Done) + count(Stage::Failed) + count(Stage::Skipped);
        let elapsed = now.saturating_duration_since(self.start);

        // Line 1: clock, a bar, finished of total, time left.
        let mut head = format!("[{}] ", clock(elapsed));
        let left = match (finished, total) {
            (0, _) => String::new(),
            (f, t) if f >= t => String::new(),
            (f, t) => {
                let per = elapsed.as_secs_f64() / f as f64;
                format!(
                    " · about {} left",
                    clock(Duration::from_secs_f64(per * (t - f) as f64))
                )
            }
        };
        let tail = format!(" {finished}/{total} finished{left}");
        let bar_width = width
            .saturating_sub(console::measure_text_width(&head) + tail.len() + 2)
            .min(30);
        if bar_width >= 5 {
            let filled = (bar_width as u64 * finished)
                .checked_div(total)
                .unwrap_or(0) as usize;
            head.push_str(&"#".repeat(filled));
            head.push_str(&"-".repeat(bar_width - filled));
        }
        head.push_str(&tail);

        // Line 2: every non-empty stage; the numbers add up to the total.
        let parts: Vec<String> = Stage::ALL
            .iter()
            .filter(|s| count(**s) > 0)
            .map(|s| format!("{} {}", count(*s), s.name()))
            .collect();
        let counts_line = format!("{}: {}", plural(total, "document"), parts.join(" · "));

        let mut lines = vec![fit(&head, width), fit(&counts_line, width)];

        let mut active: Vec<&Doc> = self
            .docs
            .iter()
            .filter(|d| d.stage.is_active() && !d.settled)
            .collect();
        active.sort_by_key(|d| (d.stage.rank(), d.since));
        // At most half the screen (five lines at least, never the whole of
        // it), so the lines printed above (errors, warnings) stay in sight.
        let budget = (height / 2).max(5).min(height.saturating_sub(1)).max(1);
        if budget <= lines.len() {
            lines.truncate(budget);
            return lines;
        }
        let cap = budget - lines.len();
        let shown = if active.len() > cap {
            cap - 1
        } else {
            active.len()
        };
        let name_width = active
            .iter()
            .take(shown)
            .map(|d| console::measure_text_width(&d.name))
            .max()
            .unwrap_or(0)
            .min(width / 3);
        for doc in active.iter().take(shown) {
            lines.push(fit(&doc_line(doc, now, name_width, width), width));
        }
        if active.len() > shown {
            let rest = &active[shown..];
            let mut by_stage: Vec<String> = Vec::new();
            for stage in Stage::ALL {
                let n = rest.iter().filter(|d| d.stage == stage).count();
                if n > 0 {
                    by_stage.push(format!("{n} {}", stage.name()));
                }
            }
            lines.push(fit(
                &format!("  … and {} more: {}", rest.len(), by_stage.join(", ")),
                width,
            ));
        }
        lines
    }
}

/// A document's board line for a terminal `width` columns wide.
fn doc_line(doc: &Doc, now: Instant, name_width: usize, width: usize) -> String {
    let name = fit(&doc.name, name_width + 1);
    let pad = name_width.saturating_sub(console::measure_text_width(&name));
    // Name, stage and the time in this stage first: a cut line loses details only.
    let mut line = format!(
        "  {name}{} {:<11} {:>6}",
        " ".repeat(pad),
        doc.stage.name(),
        clock(now.saturating_duration_since(doc.since))
    );
    // What `fit` leaves after the two spaces before the details.
    let room = width
        .saturating_sub(1)
        .saturating_sub(console::measure_text_width(&line) + 2);
    // A transfer in any stage under way: a synchronous provider uploads while
    // its document counts as running (and once its upload is whole, the line
    // is about the provider's work again).
    let transfer = doc.transfer.as_ref().filter(|t| match doc.stage {
        Stage::Uploading | Stage::Downloading => true,
        stage => stage.is_active() && t.total.is_none_or(|total| t.done < total),
    });
    if let Some(text) = transfer.and_then(|t| t.text(now, room)) {
        write!(line, "  {text}").unwrap_or(());
        return line;
    }
    match (doc.stage, doc.pages) {
        (Stage::Running, Some(p)) if p.total > 0 => {
            write!(line, "  page {}/{}", p.done.min(p.total), p.total).unwrap_or(());
        }
        (Stage::Waiting, _) => {
            if let Some(d) = &doc.detail {
                write!(line, "  {d}").unwrap_or(());
            }
        }
        _ => {}
    }
    line
}

/// A line cut to the terminal's width less one column (wide characters count
/// as two), with `…` where it was cut.
fn fit(line: &str, width: usize) -> String {
    let room = width.saturating_sub(1);
    if console::measure_text_width(line) <= room {
        return line.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in line.chars() {
        let w = console::measure_text_width(c.encode_utf8(&mut [0; 4]));
        if used + w + 1 > room {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// What the summary that stays on screen says besides the counts.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    /// Where the results are (an output folder, or a file).
    pub output: Option<String>,
    /// The provider batch IDs of the run (for `status` / `fetch`).
    pub batch_ids: Vec<String>,
    /// The command that deals with the failures (e.g. the same batch with
    /// `--retry-failed`); shown only when something failed.
    pub next_step: Option<String>,
}

struct Shared {
    board: Mutex<Board>,
    /// The board is drawn (stderr is a terminal): frames go to
    /// [`crate::messages::frame`], which owns the screen.
    drawn: bool,
    stop: AtomicBool,
    ticking: AtomicBool,
    summarised: AtomicBool,
}

impl Shared {
    fn board(&self) -> MutexGuard<'_, Board> {
        self.board.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The current frame: nothing while no document is under way (so whatever
    /// else goes to the terminal between documents is left alone).
    fn frame(&self) -> Vec<String> {
        let (rows, cols) = messages::terminal_size();
        let board = self.board();
        if board.idle() {
            return Vec::new();
        }
        board.frame(Instant::now(), cols, rows)
    }

    /// `above` printed (above the board, if one is drawn), then the board's
    /// current frame handed to the screen. No lock is held while either is
    /// handed over, and neither waits for stderr.
    fn redraw(&self, above: Option<&str>) {
        if let Some(line) = above {
            messages::line(line);
        }
        if !self.drawn {
            return;
        }
        let frame = if self.stop.load(Ordering::SeqCst) {
            Vec::new()
        } else {
            self.frame()
        };
        messages::frame(frame);
    }

    /// A line above the board (or on its own off a terminal).
    fn println(&self, line: &str) {
        self.redraw(Some(line));
    }
}

pub struct Reporter {
    target: Target,
    shared: Arc<Shared>,
}

impl Reporter {
    pub fn new(target: Target, color: bool) -> Reporter {
        // The board has no colors: `color` stays for the callers' sake.
        let _ = color;
        let shared = Arc::new(Shared {
            board: Mutex::new(Board::new(Instant::now())),
            drawn: target == Target::Bar,
            stop: AtomicBool::new(false),
            ticking: AtomicBool::new(false),
            summarised: AtomicBool::new(false),
        });
        Reporter { target, shared }
    }

    pub fn target(&self) -> Target {
        self.target
    }

    /// The run has `total` documents: the board counts the ones without a
    /// [`DocProgress`] yet as queued, and starts ticking.
    pub fn start(&self, total: u64) {
        self.shared.board().expected = total;
        self.tick();
    }

    /// Starts the thread that redraws the board (once; terminal only).
    fn tick(&self) {
        if !self.shared.drawn || self.shared.ticking.swap(true, Ordering::SeqCst) {
            return;
        }
        let shared = Arc::clone(&self.shared);
        std::thread::spawn(move || {
            while !shared.stop.load(Ordering::SeqCst) {
                shared.redraw(None);
                std::thread::sleep(Duration::from_millis(200));
            }
        });
    }

    /// Runs `f` (e.g. a write to stdout, which shares the terminal) with the board
    /// off the screen, then draws it again.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        messages::with_board_hidden(f)
    }

    /// A document of the run; it starts queued.
    pub fn doc(&self, name: &str) -> DocProgress {
        let id = self.shared.board().add(name, Instant::now());
        self.tick();
        DocProgress {
            id,
            target: self.target,
            shared: Arc::clone(&self.shared),
        }
    }

    /// A line that is not an error: hidden with `-q`, printed above the board.
    pub fn note(&self, text: &str) {
        if self.target != Target::Hidden {
            self.shared.println(&format!("docpipe: {text}"));
        }
    }

    pub fn warn(&self, text: &str) {
        self.note(&format!("warning: {text}"));
    }

    /// A warning about security or configuration (a readable key file, an
    /// unknown config key): shown even with `-q`, which hides progress only.
    pub fn alert(&self, text: &str) {
        messages::alert(text);
    }

    /// The counts by stage, in [`Stage::ALL`] order.
    pub fn counts(&self) -> [u64; 8] {
        self.shared.board().counts()
    }

    /// Ends the board and prints what stays on screen: the counts (with correct
    /// plurals), the time, where the results are, the batch IDs, and the next step
    /// when something failed. Hidden with `-q`.
    pub fn summary(&self, summary: &Summary) {
        self.shared.summarised.store(true, Ordering::SeqCst);
        self.shared.stop.store(true, Ordering::SeqCst);
        if self.target == Target::Hidden {
            return;
        }
        let lines = summary_lines(&self.shared.board(), Instant::now(), summary);
        // The board goes; the summary takes its place and stays.
        self.shared.redraw(Some(&lines.join("\n")));
    }
}

impl Drop for Reporter {
    fn drop(&mut self) {
        // A board that was never summarised leaves its last frame, counts
        // included, rather than nothing.
        if !self.shared.summarised.load(Ordering::SeqCst) {
            self.shared.redraw(None);
        }
        self.shared.stop.store(true, Ordering::SeqCst);
        if self.shared.drawn {
            messages::leave_board();
        }
    }
}

/// The lines of the summary.
pub fn summary_lines(board: &Board, now: Instant, summary: &Summary) -> Vec<String> {
    let counts = board.counts();
    let count = |s: Stage| counts[s as usize];
    let mut parts: Vec<String> = Vec::new();
    for stage in Stage::ALL {
        let n = count(stage);
        if n > 0 || stage == Stage::Done {
            let word = match stage {
                Stage::Queued => "not started",
                Stage::Uploading => "still uploading",
                Stage::Waiting => "still waiting",
                Stage::Running => "still running",
                Stage::Downloading => "still downloading",
                other => other.name(),
            };
            parts.push(format!("{n} {word}"));
        }
    }
    let mut lines = vec![format!(
        "docpipe: {} in {}: {}",
        plural(board.total(), "document"),
        span(now.saturating_duration_since(board.start)),
        parts.join(", ")
    )];
    if let Some(out) = &summary.output {
        lines.push(format!("docpipe: results in {out}"));
    }
    match summary.batch_ids.len() {
        0 => {}
        1 => lines.push(format!(
            "docpipe: batch ID: {} (docpipe status {0})",
            summary.batch_ids[0]
        )),
        _ => lines.push(format!(
            "docpipe: batch IDs: {}",
            summary.batch_ids.join(", ")
        )),
    }
    if count(Stage::Failed) > 0 {
        if let Some(next) = &summary.next_step {
            lines.push(format!("docpipe: next: {next}"));
        }
    }
    lines
}

/// One document's line; clones share it.
#[derive(Clone)]
pub struct DocProgress {
    id: usize,
    target: Target,
    shared: Arc<Shared>,
}

impl DocProgress {
    /// Moves the document to `stage`: one plain line per change off a terminal.
    pub fn stage(&self, stage: Stage) {
        self.change(stage, None);
    }

    fn change(&self, stage: Stage, detail: Option<String>) {
        self.change_with(stage, detail, None);
    }

    /// A change of stage, with the page count that came with it (shown on the
    /// plain line of a change to running).
    fn change_with(&self, stage: Stage, detail: Option<String>, pages: Option<Progress>) {
        let line = {
            let mut board = self.shared.board();
            let changed = board.set_stage(self.id, stage, detail, Instant::now());
            if let Some(p) = pages.filter(|p| p.total > 0) {
                board.docs[self.id].pages = Some(p);
            }
            match self.target {
                Target::Plain if changed || stage.is_final() => board.plain_line(self.id),
                _ => None,
            }
        };
        if let Some(line) = line {
            messages::line(&line);
        }
        if self.target == Target::Bar && stage.is_final() {
            // At once, so a board with nothing left under way is gone before
            // the caller writes anything else.
            self.shared.redraw(None);
        }
    }

    /// The provider's page count while it runs; shown only in that stage.
    pub fn pages(&self, progress: Progress) {
        let mut board = self.shared.board();
        let doc = &mut board.docs[self.id];
        doc.pages = (progress.total > 0).then_some(progress);
    }

    /// A transfer (an upload or a download) begins, or begins again after a
    /// retry: `from` bytes are there already (a resumed download), of `total`
    /// when known. Its rate counts from here.
    pub fn transfer(&self, from: u64, total: Option<u64>) {
        let mut board = self.shared.board();
        board.docs[self.id].transfer = Some(Transfer::new(from, total, Instant::now()));
    }

    /// Bytes sent or received in the current transfer; `total` when known (a
    /// first call begins the transfer). Nothing is printed off a terminal: the
    /// plain lines stay one per change of stage.
    pub fn bytes(&self, done: u64, total: Option<u64>) {
        let now = Instant::now();
        let mut board = self.shared.board();
        let doc = &mut board.docs[self.id];
        match &mut doc.transfer {
            Some(t) => {
                t.total = total.or(t.total);
                t.advance(done, now);
            }
            None => doc.transfer = Some(Transfer::new(done, total, now)),
        }
    }

    /// `reader` counted into [`DocProgress::bytes`] as it is read: wrap the file
    /// of an upload or the body of a download in it (the transport stays
    /// unaware of progress).
    pub fn reading<R: std::io::Read>(&self, reader: R, total: Option<u64>) -> ProgressRead<R> {
        self.bytes(0, total);
        ProgressRead {
            inner: reader,
            doc: self.clone(),
            done: 0,
            total,
        }
    }

    /// Written: `output` is where the result is.
    pub fn done(&self, output: &str) {
        self.change(Stage::Done, Some(output.to_string()));
    }

    pub fn failed(&self, reason: &str) {
        self.change(Stage::Failed, Some(reason.to_string()));
        if self.target == Target::Bar {
            let name = self.shared.board().docs[self.id].name.clone();
            self.shared
                .println(&format!("docpipe: {name}: failed: {reason}"));
        }
    }

    pub fn skipped(&self, reason: &str) {
        self.change(Stage::Skipped, Some(reason.to_string()));
    }

    /// A warning about this document, on a line of its own (above the board),
    /// hidden with `-q` like the rest of its progress.
    pub fn warn(&self, text: &str) {
        if self.target != Target::Hidden {
            let name = self.shared.board().docs[self.id].name.clone();
            self.shared
                .println(&format!("docpipe: warning: {name}: {text}"));
        }
    }

    // The calls below are the earlier free-form API, kept working.

    /// A provider state and its page progress.
    pub fn state(&self, state: State, progress: Option<Progress>) {
        self.change_with(Stage::of_state(state), None, progress);
    }

    /// A free-form step ("submitting", "uploading 1.2 MB", "submitted as …",
    /// "downloading"): read for its stage; the words after it become the detail.
    pub fn step(&self, text: &str) {
        let stage = if text.starts_with("submitting") || text.starts_with("uploading") {
            Stage::Uploading
        } else if text.starts_with("resumed") {
            Stage::Waiting
        } else if text.starts_with("downloading") {
            Stage::Downloading
        } else {
            // "submitted as …": the ID is worth showing, but an upload may still
            // follow (MinerU creates the task first): the stage comes with the
            // next status.
            let mut board = self.shared.board();
            board.docs[self.id].detail = Some(text.to_string());
            return;
        };
        self.change(stage, None);
    }

    /// The end of the document: `failed…` fails it, `submitted…` (`--no-wait`)
    /// leaves it waiting, anything else is where its result is.
    pub fn finish(&self, text: &str) {
        let waiting_state = [
            State::Submitted,
            State::WaitingFile,
            State::Pending,
            State::Running,
            State::Converting,
        ]
        .into_iter()
        .find(|s| s.name() == text);
        if let Some(reason) = text.strip_prefix("failed") {
            let reason = reason.trim_start_matches([':', ' ']);
            self.change(
                Stage::Failed,
                (!reason.is_empty()).then(|| reason.to_string()),
            );
        } else if text.starts_with("submitted") || text.starts_with("timed out") {
            self.settle(Stage::Waiting, Some(text.to_string()));
        } else if let Some(state) = waiting_state {
            // Left unfinished (a timeout): counted where it was, off the board.
            self.settle(Stage::of_state(state), None);
        } else if text == "done" {
            self.stage(Stage::Done);
        } else {
            let place = text.strip_prefix("done").unwrap_or(text);
            self.done(place.trim_start_matches([':', ' ']));
        }
    }

    /// The caller is done with an unfinished document: it keeps its stage in
    /// the counts and leaves the board at once, so what the caller prints next
    /// (the task ID of `--no-wait`) is not drawn over.
    pub fn settle(&self, stage: Stage, detail: Option<String>) {
        self.shared.board().docs[self.id].settled = true;
        self.change(stage, detail);
        if self.target == Target::Bar {
            self.shared.redraw(None);
        }
    }

    /// As [`DocProgress::finish`]: the board drops finished lines by itself.
    pub fn finish_and_clear(&self, text: &str) {
        if text.starts_with("download failed") {
            self.change(Stage::Failed, Some(text.to_string()));
        } else {
            self.finish(text);
        }
    }
}

/// A reader that reports the bytes read through it to one document's line.
pub struct ProgressRead<R> {
    inner: R,
    doc: DocProgress,
    done: u64,
    total: Option<u64>,
}

impl<R: std::io::Read> std::io::Read for ProgressRead<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.done += n as u64;
        self.doc.bytes(self.done, self.total);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn board_of(total: u64, docs: &[(&str, Stage)]) -> (Board, Instant) {
        let start = Instant::now();
        let mut board = Board::new(start);
        board.expected = total;
        for (name, stage) in docs {
            let id = board.add(name, start);
            board.set_stage(id, *stage, None, start);
        }
        (board, start)
    }

    #[test]
    fn counts_add_up_to_the_total_with_unregistered_documents_queued() {
        let (board, _) = board_of(
            500,
            &[
                ("a", Stage::Done),
                ("b", Stage::Running),
                ("c", Stage::Uploading),
                ("d", Stage::Waiting),
                ("e", Stage::Failed),
                ("f", Stage::Skipped),
                ("g", Stage::Downloading),
            ],
        );
        let counts = board.counts();
        assert_eq!(counts.iter().sum::<u64>(), 500);
        assert_eq!(counts[Stage::Queued as usize], 493);
        // More registered than announced: the total follows.
        let (board, _) = board_of(1, &[("a", Stage::Done), ("b", Stage::Done)]);
        assert_eq!(board.total(), 2);
        assert_eq!(board.counts().iter().sum::<u64>(), 2);
    }

    #[test]
    fn the_clock_ticks_without_any_change() {
        let (board, start) = board_of(1, &[("a.pdf", Stage::Running)]);
        let at = |s| board.frame(start + Duration::from_secs(s), 80, 24)[0].clone();
        assert!(at(0).starts_with("[0:00]"), "{}", at(0));
        assert!(at(16).starts_with("[0:16]"), "{}", at(16));
        assert!(at(3725).starts_with("[1:02:05]"));
    }

    #[test]
    fn at_most_a_screen_of_active_lines_and_the_rest_summarised() {
        let docs: Vec<(String, Stage)> = (0..30)
            .map(|i| {
                let stage = if i % 3 == 0 {
                    Stage::Running
                } else {
                    Stage::Waiting
                };
                (format!("doc{i:02}.pdf"), stage)
            })
            .collect();
        let refs: Vec<(&str, Stage)> = docs.iter().map(|(n, s)| (n.as_str(), *s)).collect();
        let (board, start) = board_of(30, &refs);
        for (w, h) in [(80, 24), (200, 50), (40, 10), (80, 3)] {
            let frame = board.frame(start, w, h);
            assert!(frame.len() < h.max(4), "{w}x{h}: {} lines", frame.len());
            assert!(
                frame.iter().all(|l| l.chars().count() < w),
                "{w}x{h}: {frame:#?}"
            );
            assert!(
                frame.len() <= (h / 2).max(5),
                "{w}x{h}: {} lines",
                frame.len()
            );
            if h < 4 {
                assert_eq!(frame.len(), h - 1, "{frame:#?}");
                continue;
            }
            let more = frame.last().unwrap();
            assert!(more.contains("… and ") && more.contains("more"), "{more}");
            let shown = frame.len() - 3;
            let rest: usize = more
                .split("and ")
                .nth(1)
                .unwrap()
                .split(' ')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            assert_eq!(shown + rest, 30, "{frame:#?}");
            // Running documents come before waiting ones.
            assert!(frame[2].contains("running"), "{}", frame[2]);
        }
        assert_eq!(
            board.frame(start, 80, 70).len(),
            32,
            "all 30 fit in half of 70 lines"
        );
    }

    #[test]
    fn pages_only_while_running_and_known() {
        let start = Instant::now();
        let mut board = Board::new(start);
        let id = board.add("a.pdf", start);
        board.set_stage(id, Stage::Waiting, None, start);
        board.docs[id].pages = None;
        assert!(!board.frame(start, 80, 24)[2].contains("page"));
        board.set_stage(id, Stage::Running, None, start);
        board.docs[id].pages = Some(Progress { done: 3, total: 6 });
        assert!(board.frame(start, 80, 24)[2].contains("page 3/6"));
        // Done: the stale count goes with the stage.
        board.set_stage(id, Stage::Downloading, None, start);
        assert!(board.docs[id].pages.is_none());
        assert!(!board.frame(start, 80, 24)[2].contains("page"));
    }

    #[test]
    fn transfers_show_bytes_rate_and_time_left() {
        let start = Instant::now();
        let mut board = Board::new(start);
        let id = board.add("big.pdf", start);
        board.set_stage(id, Stage::Uploading, None, start);
        let mut t = Transfer::new(0, Some(190 * 1024 * 1024), start);
        t.advance(50 * 1024 * 1024, start + Duration::from_secs(10));
        board.docs[id].transfer = Some(t);
        let line = &board.frame(start + Duration::from_secs(10), 120, 24)[2];
        assert!(line.contains("50.0 MB of 190.0 MB"), "{line}");
        assert!(line.contains("5.0 MB/s"), "{line}");
        assert!(line.contains("0:28 left"), "{line}");
    }

    const MB: u64 = 1024 * 1024;

    #[test]
    fn a_small_transfer_shows_no_bytes_until_it_has_run_a_second() {
        let t0 = Instant::now();
        let small = Transfer::new(0, Some(200 * 1024), t0);
        assert_eq!(small.text(t0 + Duration::from_millis(900), 80), None);
        assert!(small.text(t0 + Duration::from_millis(1100), 80).is_some());
        let large = Transfer::new(0, Some(2 * MB), t0);
        assert_eq!(large.text(t0, 80).as_deref(), Some("0.0 KB of 2.0 MB"));
        // No total: shown after a second too, whatever its size.
        let unknown = Transfer::new(0, None, t0);
        assert_eq!(unknown.text(t0, 80), None);
    }

    #[test]
    fn an_unknown_total_shows_bytes_and_rate_without_time_left() {
        let t0 = Instant::now();
        let mut t = Transfer::new(0, None, t0);
        t.advance(6 * MB, t0 + Duration::from_secs(3));
        let text = t.text(t0 + Duration::from_secs(3), 80).unwrap();
        assert_eq!(text, "6.0 MB · 2.0 MB/s");
    }

    #[test]
    fn a_resumed_transfer_counts_its_rate_from_where_it_resumed() {
        let t0 = Instant::now();
        let mut t = Transfer::new(100 * MB, Some(200 * MB), t0);
        t.advance(110 * MB, t0 + Duration::from_secs(2));
        let text = t.text(t0 + Duration::from_secs(2), 120).unwrap();
        // 10 MB in 2 s, not 110 MB; 90 MB to go at that rate.
        assert_eq!(text, "110.0 MB of 200.0 MB · 5.0 MB/s · 0:18 left");
    }

    #[test]
    fn the_rate_follows_the_last_seconds_and_a_stall_shows() {
        let t0 = Instant::now();
        let s = Duration::from_secs;
        let mut t = Transfer::new(0, Some(100 * MB), t0);
        // 10 MB/s for 4 s, then 1 MB/s for 6 s.
        for i in 1..=4 {
            t.advance(i * 10 * MB, t0 + s(i));
        }
        for i in 1..=6 {
            t.advance(40 * MB + i * MB, t0 + s(4 + i));
        }
        let rate = t.rate(t0 + s(10)).unwrap();
        assert!((0.9..1.5).contains(&(rate / MB as f64)), "{rate}");
        // Nothing more for six seconds: no rate, no time left.
        let text = t.text(t0 + s(16), 120).unwrap();
        assert_eq!(text, "46.0 MB of 100.0 MB");
        assert!(t.marks.len() <= 8, "marks are pruned: {}", t.marks.len());
    }

    #[test]
    fn a_narrow_line_keeps_the_rate_and_time_left_before_the_amounts() {
        let t0 = Instant::now();
        let mut t = Transfer::new(0, Some(190 * MB), t0);
        t.advance(50 * MB, t0 + Duration::from_secs(10));
        let at = t0 + Duration::from_secs(10);
        assert_eq!(
            t.text(at, 44).unwrap(),
            "50.0 MB of 190.0 MB · 5.0 MB/s · 0:28 left"
        );
        assert_eq!(t.text(at, 30).unwrap(), "26% · 5.0 MB/s · 0:28 left");
        assert_eq!(t.text(at, 20).unwrap(), "26% · 0:28 left");
        assert_eq!(t.text(at, 5).unwrap(), "26%");
        // On the board: every width from 40 to 200 columns, no line too wide,
        // and the rate and time left in view from 80 columns on.
        let mut board = Board::new(t0);
        let id = board.add("a-long-file-name-of-a-scan.pdf", t0);
        board.set_stage(id, Stage::Uploading, None, t0);
        board.docs[id].transfer = Some(t);
        for width in 40..=200 {
            let frame = board.frame(at, width, 24);
            assert!(
                frame.iter().all(|l| console::measure_text_width(l) < width),
                "{width}: {frame:#?}"
            );
            if width >= 80 {
                assert!(
                    frame[2].contains("5.0 MB/s · 0:28 left"),
                    "{width}: {}",
                    frame[2]
                );
            }
        }
    }

    #[test]
    fn a_running_document_shows_its_upload_until_it_is_whole() {
        let t0 = Instant::now();
        let mut board = Board::new(t0);
        let id = board.add("scan.pdf", t0);
        board.set_stage(id, Stage::Running, None, t0);
        let mut t = Transfer::new(0, Some(20 * MB), t0);
        t.advance(10 * MB, t0 + Duration::from_secs(2));
        board.docs[id].transfer = Some(t.clone());
        let at = t0 + Duration::from_secs(2);
        assert!(board.frame(at, 100, 24)[2].contains("10.0 MB of 20.0 MB"));
        t.advance(20 * MB, t0 + Duration::from_secs(4));
        board.docs[id].transfer = Some(t.clone());
        board.docs[id].pages = Some(Progress { done: 2, total: 5 });
        let line = &board.frame(t0 + Duration::from_secs(4), 100, 24)[2];
        assert!(!line.contains("MB") && line.contains("page 2/5"), "{line}");
        // An upload stays on its line while the server takes the last bytes.
        board.set_stage(id, Stage::Uploading, None, t0);
        board.docs[id].transfer = Some(t);
        let line = &board.frame(t0 + Duration::from_secs(4), 100, 24)[2];
        assert!(line.contains("20.0 MB of 20.0 MB"), "{line}");
    }

    #[test]
    fn bytes_reported_to_a_document_show_on_its_line_and_go_with_the_stage() {
        let reporter = Reporter::new(Target::Hidden, false);
        let doc = reporter.doc("big.pdf");
        doc.stage(Stage::Uploading);
        doc.transfer(0, Some(40 * MB));
        doc.bytes(10 * MB, None);
        let now = Instant::now() + Duration::from_secs(2);
        let line = reporter.shared.board().frame(now, 100, 24)[2].clone();
        assert!(line.contains("10.0 MB of 40.0 MB"), "{line}");
        assert!(line.contains("/s") && line.contains("left"), "{line}");
        doc.stage(Stage::Waiting);
        let line = reporter.shared.board().frame(now, 100, 24)[2].clone();
        assert!(!line.contains("MB"), "{line}");
    }

    #[test]
    fn plain_lines_once_per_change_with_plurals_in_the_summary() {
        let start = Instant::now();
        let mut board = Board::new(start);
        let id = board.add("a.pdf", start);
        let mut printed = Vec::new();
        for (stage, detail) in [
            (Stage::Uploading, None),
            (Stage::Waiting, Some("submitted as t-1")),
            (Stage::Waiting, Some("submitted as t-1")),
            (Stage::Running, None),
            (Stage::Running, None),
            (Stage::Downloading, None),
            (Stage::Done, Some("out/a/")),
            (Stage::Done, Some("out/a/")),
        ] {
            let changed = board.set_stage(id, stage, detail.map(str::to_string), start);
            if changed || stage.is_final() {
                printed.extend(board.plain_line(id));
            }
        }
        assert_eq!(
            printed,
            [
                "docpipe: a.pdf: uploading",
                "docpipe: a.pdf: waiting (submitted as t-1)",
                "docpipe: a.pdf: running",
                "docpipe: a.pdf: downloading",
                "docpipe: a.pdf: done → out/a/",
            ]
        );
        let lines = summary_lines(
            &board,
            start,
            &Summary {
                output: Some("out/".into()),
                ..Summary::default()
            },
        );
        assert_eq!(lines[0], "docpipe: 1 document in 0.0s: 1 done");
        assert_eq!(lines[1], "docpipe: results in out/");
        let (board, _) = board_of(
            3,
            &[
                ("a", Stage::Done),
                ("b", Stage::Failed),
                ("c", Stage::Failed),
            ],
        );
        let lines = summary_lines(
            &board,
            start,
            &Summary {
                batch_ids: vec!["b-1".into()],
                next_step: Some("docpipe batch -o out/ --retry-failed scans/".into()),
                ..Summary::default()
            },
        );
        assert_eq!(lines[0], "docpipe: 3 documents in 0.0s: 1 done, 2 failed");
        assert_eq!(lines[1], "docpipe: batch ID: b-1 (docpipe status b-1)");
        assert_eq!(
            lines[2],
            "docpipe: next: docpipe batch -o out/ --retry-failed scans/"
        );
    }

    #[test]
    fn the_old_calls_map_to_stages_without_repeating_done() {
        let reporter = Reporter::new(Target::Hidden, false);
        let doc = reporter.doc("a.pdf");
        doc.step("submitting");
        assert_eq!(reporter.counts()[Stage::Uploading as usize], 1);
        doc.step("submitted as t-1");
        doc.state(State::Running, Some(Progress { done: 1, total: 4 }));
        assert_eq!(reporter.counts()[Stage::Running as usize], 1);
        doc.state(State::Done, None);
        doc.step("downloading");
        assert_eq!(reporter.counts()[Stage::Downloading as usize], 1);
        doc.finish("out/a.md");
        assert_eq!(reporter.counts()[Stage::Done as usize], 1);
        let other = reporter.doc("b.pdf");
        other.finish("submitted as t-2");
        assert_eq!(reporter.counts()[Stage::Waiting as usize], 1);
        // --no-wait and timeouts leave the board (nothing is under way) but
        // keep their stage in the counts.
        assert!(reporter.shared.board().idle());
        reporter.start(10);
        assert!(reporter.shared.board().idle(), "announced, not started");
        let late = reporter.doc("d.pdf");
        late.state(State::Running, None);
        assert!(!reporter.shared.board().idle());
        late.finish("running");
        assert!(reporter.shared.board().idle());
        assert_eq!(reporter.counts()[Stage::Running as usize], 1);
        let third = reporter.doc("c.pdf");
        third.finish_and_clear("download failed");
        assert_eq!(reporter.counts()[Stage::Failed as usize], 1);
        assert_eq!(plural(1, "error"), "1 error");
        assert_eq!(plural(2, "error"), "2 errors");
    }

    #[test]
    fn long_lines_are_cut_to_the_width_wide_characters_counted_twice() {
        let line = format!("  {} waiting", "x".repeat(200));
        assert_eq!(fit(&line, 80).chars().count(), 79);
        assert!(fit(&line, 80).ends_with('…'));
        let wide = "文".repeat(100);
        assert_eq!(console::measure_text_width(&fit(&wide, 80)), 79);
        assert_eq!(fit("short", 80), "short");
        let start = Instant::now();
        let mut board = Board::new(start);
        let id = board.add(&"n".repeat(300), start);
        board.set_stage(
            id,
            Stage::Waiting,
            Some("submitted in batch 0123456789abcdef".repeat(5)),
            start,
        );
        let frame = board.frame(start + Duration::from_secs(75), 80, 24);
        assert!(
            frame[2].contains("1:15"),
            "the clock survives the cut: {}",
            frame[2]
        );
        assert!(frame.iter().all(|l| console::measure_text_width(l) <= 79));
    }

    #[test]
    fn a_wrapped_reader_counts_its_bytes_into_the_line() {
        use std::io::Read;
        let reporter = Reporter::new(Target::Hidden, false);
        let doc = reporter.doc("big.pdf");
        doc.stage(Stage::Uploading);
        let data = vec![7u8; 10_000];
        let mut reader = doc.reading(&data[..], Some(10_000));
        let mut sink = Vec::new();
        reader.read_to_end(&mut sink).unwrap();
        assert_eq!(sink.len(), 10_000);
        let board = reporter.shared.board();
        let t = board.docs[0].transfer.as_ref().unwrap();
        assert_eq!((t.done, t.total), (10_000, Some(10_000)));
    }

    #[test]
    fn no_color_is_detected() {
        assert!(!color_wanted(Some("1")));
    }
}
