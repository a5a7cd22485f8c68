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
//!
//! The model of the board is in `board.rs`, its text (frames, plain lines, the
//! summary) in `text.rs`; this file is the API the engine drives.

mod board;
mod text;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::messages;
use crate::task::{Progress, State};

pub use crate::units::{clock, plural};
use board::Transfer;
pub use board::{Board, Stage};
pub use text::{summary_lines, Summary};

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
    use board::tests::MB;

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
