//! The one owner of stderr (as ripgrep's `messages.rs`): every line docpipe
//! prints there — errors, hints, warnings, progress lines, the `-v` log — and
//! the progress board's frames go through here.
//!
//! Two rules hold for every write:
//! - **It never fails the run and never panics.** A reader that went away
//!   (`2>&1 | head -c 10`, a closed pipe, a terminal that hung up) turns stderr
//!   off for the rest of the run; the work goes on silently and finishes.
//! - **Nobody waits on stderr while holding anything.** One writer thread owns
//!   the handle; callers hand it their lines through a bounded queue and
//!   return at once. A reader that stops reading (a full pipe, a terminal
//!   paused with Ctrl-S) stalls that thread only; past the queue's bound,
//!   lines are counted and dropped, and the count is printed once stderr
//!   drains. [`finish`] waits for the queue to drain as long as the writer
//!   makes progress, so nothing is lost on a healthy stderr.
//!
//! The board (`progress.rs`) hands its frames here; lines are printed above the
//! frame, which is redrawn under them. [`with_board_hidden`] takes the frame
//! off the terminal while stdout (which may share it) is written.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Messages waiting for the writer at most; past it they are dropped (and
/// counted), never waited for.
const QUEUE: usize = 8192;

/// How long [`finish`] waits for a writer that makes no progress at all (a
/// reader that neither reads nor goes away).
const STALLED: Duration = Duration::from_secs(2);

enum Msg {
    /// One or more lines (joined by `\n`), printed above the board.
    Lines(String),
    /// The board's new frame (empty: no board).
    Frame(Vec<String>),
    /// The board ends where it is: its last frame stays on the terminal and
    /// later lines go below it.
    Leave,
    /// Answered once everything queued before it is written.
    Sync(SyncSender<()>),
    /// Draw the latest frame again (stdout is done with the terminal).
    Redraw,
}

static QUEUE_TX: OnceLock<SyncSender<Msg>> = OnceLock::new();
/// Stderr's reader went away: nothing more is written.
static GONE: AtomicBool = AtomicBool::new(false);
/// Lines dropped because the queue was full.
static DROPPED: AtomicU64 = AtomicU64::new(0);
/// Writes done by the writer thread, so [`finish`] can tell a slow stderr
/// from a stuck one.
static WRITES: AtomicU64 = AtomicU64::new(0);
/// Callers writing stdout with the board hidden: while any is, the writer
/// draws no frame.
static HIDDEN: AtomicUsize = AtomicUsize::new(0);
/// `-q`: warnings that are not about security or configuration are hidden.
static QUIET: AtomicBool = AtomicBool::new(false);
/// A frame was handed over since the last empty one.
static BOARD: AtomicBool = AtomicBool::new(false);

/// Stderr is a terminal (the board is drawn only there).
pub fn stderr_is_terminal() -> bool {
    std::io::stderr().is_terminal()
}

/// The terminal's size as (rows, columns), with a sane default off one.
pub fn terminal_size() -> (usize, usize) {
    let (rows, cols) = console::Term::stderr().size();
    (rows as usize, cols as usize)
}

/// Prints `text` (one line, or several separated by `\n`) on stderr. Control
/// characters other than the line breaks are escaped, so a hostile file name
/// cannot move the cursor or clear the screen.
pub fn line(text: &str) {
    send(Msg::Lines(escape_controls(text, true)));
}

/// `-q` given: [`warn`] prints nothing from now on (errors, hints and
/// [`alert`]s still do). Set once, where the settings are resolved.
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::SeqCst);
}

/// `docpipe: warning: …`, hidden with `-q`.
pub fn warn(text: &str) {
    if !QUIET.load(Ordering::SeqCst) {
        line(&format!("docpipe: warning: {text}"));
    }
}

/// A warning about security or configuration (a readable key file, an unknown
/// config key): shown even with `-q`, which hides progress only.
pub fn alert(text: &str) {
    line(&format!("docpipe: warning: {text}"));
}

/// `docpipe: error: …` with the error's chain on one line (a newline inside a
/// name or an answer is escaped), then `docpipe: hint: …` when there is one.
pub fn error(err: &anyhow::Error) {
    let mut text = format!(
        "docpipe: error: {}",
        escape_controls(&format!("{err:#}"), false)
    );
    if let Some(hint) = crate::error::hint_of(err) {
        text.push_str("\ndocpipe: hint: ");
        text.push_str(&escape_controls(hint, false));
    }
    send(Msg::Lines(text));
}

/// The board's current frame, drawn in place of the previous one. The lines are
/// the board's own (already fitted to the terminal).
pub fn frame(lines: Vec<String>) {
    if lines.is_empty() && !BOARD.swap(false, Ordering::SeqCst) {
        return;
    }
    if !lines.is_empty() {
        BOARD.store(true, Ordering::SeqCst);
    }
    send(Msg::Frame(lines));
}

/// The board is done without a summary: its last frame stays on screen as it
/// is, and what is printed next goes below it.
pub fn leave_board() {
    if BOARD.swap(false, Ordering::SeqCst) {
        send(Msg::Leave);
    }
}

/// Runs `f` (a write to stdout, which may share the terminal) with the board
/// off the screen, then lets the writer draw it again. Off a board this is
/// just `f()`. A stuck stderr delays `f` by at most [`STALLED`].
pub fn with_board_hidden<R>(f: impl FnOnce() -> R) -> R {
    if !BOARD.load(Ordering::SeqCst) {
        return f();
    }
    HIDDEN.fetch_add(1, Ordering::SeqCst);
    sync(STALLED);
    let result = f();
    HIDDEN.fetch_sub(1, Ordering::SeqCst);
    send(Msg::Redraw);
    result
}

/// Waits until everything handed over so far is written, for as long as the
/// writer keeps making progress (and at most [`STALLED`] without any): called
/// before the process exits.
pub fn finish() {
    sync(STALLED);
}

/// Waits for the writer to reach this point, giving up after `stalled` with no
/// write done.
fn sync(stalled: Duration) {
    let Some(tx) = QUEUE_TX.get() else {
        return; // nothing was ever printed
    };
    let (ack_tx, ack_rx) = mpsc::sync_channel(1);
    let mut msg = Msg::Sync(ack_tx);
    let mut last = (WRITES.load(Ordering::SeqCst), Instant::now());
    let progressing = |last: &mut (u64, Instant)| {
        let now = WRITES.load(Ordering::SeqCst);
        if now != last.0 {
            *last = (now, Instant::now());
        }
        last.1.elapsed() < stalled
    };
    // The queue may be full: offer the marker until it fits.
    loop {
        match tx.try_send(msg) {
            Ok(()) => break,
            Err(TrySendError::Disconnected(_)) => return,
            Err(TrySendError::Full(m)) => {
                if !progressing(&mut last) {
                    return;
                }
                msg = m;
                std::thread::sleep(Duration::from_millis(5));
            }
        }
    }
    loop {
        match ack_rx.recv_timeout(Duration::from_millis(50)) {
            Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => return,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if !progressing(&mut last) {
                    return;
                }
            }
        }
    }
}

fn send(msg: Msg) {
    if GONE.load(Ordering::Relaxed) {
        return;
    }
    let tx = QUEUE_TX.get_or_init(|| {
        let (tx, rx) = mpsc::sync_channel(QUEUE);
        // A thread that cannot start leaves stderr silent rather than failing.
        let _ = std::thread::Builder::new()
            .name("docpipe-stderr".into())
            .spawn(move || writer(rx));
        tx
    });
    match tx.try_send(msg) {
        Ok(()) => {}
        Err(TrySendError::Full(Msg::Lines(_))) => {
            DROPPED.fetch_add(1, Ordering::Relaxed);
        }
        // A frame is replaced by the next one anyway; a sync marker is
        // resent by its owner.
        Err(_) => {}
    }
}

/// The writer thread: the only code that writes to stderr.
fn writer(rx: Receiver<Msg>) {
    let mut screen = Screen::default();
    while let Ok(first) = rx.recv() {
        // Take what else is queued, so a burst becomes one write and only the
        // last frame of it is drawn.
        let mut batch = vec![first];
        while batch.len() < 512 {
            match rx.try_recv() {
                Ok(m) => batch.push(m),
                Err(_) => break,
            }
        }
        let mut lines: Vec<String> = Vec::new();
        let mut acks = Vec::new();
        for msg in batch {
            match msg {
                Msg::Lines(text) => lines.push(text),
                Msg::Frame(frame) => screen.next = frame,
                Msg::Leave => {
                    // Whatever is still to be drawn goes first, then the board
                    // is forgotten where it stands.
                    let hidden = HIDDEN.load(Ordering::SeqCst) > 0;
                    let out = screen.render(&std::mem::take(&mut lines), hidden);
                    write_out(&out);
                    screen = Screen::default();
                }
                Msg::Sync(ack) => acks.push(ack),
                // The batch is rendered with the latest frame in any case.
                Msg::Redraw => {}
            }
        }
        let dropped = DROPPED.swap(0, Ordering::Relaxed);
        if dropped > 0 {
            lines.push(format!(
                "docpipe: {dropped} message line(s) dropped: stderr was not being read"
            ));
        }
        let hidden = HIDDEN.load(Ordering::SeqCst) > 0;
        let out = screen.render(&lines, hidden);
        write_out(&out);
        WRITES.fetch_add(1, Ordering::SeqCst);
        for ack in acks {
            let _ = ack.try_send(());
        }
    }
}

fn write_out(out: &str) {
    if out.is_empty() || GONE.load(Ordering::Relaxed) {
        return;
    }
    let mut err = std::io::stderr().lock();
    if err
        .write_all(out.as_bytes())
        .and_then(|_| err.flush())
        .is_err()
    {
        // EPIPE, EIO, a closed descriptor: stderr is gone for good.
        GONE.store(true, Ordering::SeqCst);
    }
}

/// What the writer has drawn of the board, so the next output replaces it.
#[derive(Default)]
struct Screen {
    /// Lines of the board below the cursor's line of origin.
    drawn: usize,
    /// The board's latest frame.
    next: Vec<String>,
}

impl Screen {
    /// The bytes that take the drawn frame off, print `lines`, and draw the
    /// latest frame (unless stdout is being written).
    fn render(&mut self, lines: &[String], hidden: bool) -> String {
        let frame: &[String] = if hidden { &[] } else { &self.next };
        let mut out = String::new();
        if self.drawn == 0 && frame.is_empty() {
            for l in lines {
                out.push_str(l);
                out.push('\n');
            }
            return out;
        }
        // Blank the drawn lines one by one and go back to where they started
        // (not "clear to the end of the screen": tmux and some terminals push a
        // whole cleared screen into the scrollback).
        if self.drawn > 0 {
            out.push_str(&format!("\r\x1b[{}A", self.drawn));
            for _ in 0..self.drawn {
                out.push_str("\x1b[2K\n");
            }
            out.push_str(&format!("\x1b[{}A", self.drawn));
        }
        out.push('\r');
        for l in lines {
            out.push_str(l);
            out.push('\n');
        }
        for l in frame {
            out.push_str("\x1b[2K");
            out.push_str(l);
            out.push('\n');
        }
        self.drawn = frame.len();
        out
    }
}

/// `text` with control characters shown as escapes (`\u{1b}`, `\t`…); line
/// breaks kept when `keep_newlines` (a message of several lines), escaped
/// otherwise (an error is one line whatever its names hold).
pub fn escape_controls(text: &str, keep_newlines: bool) -> String {
    if !text
        .chars()
        .any(|c| c.is_control() && !(keep_newlines && c == '\n'))
    {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c == '\n' && keep_newlines {
            out.push('\n');
        } else if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_line_breaks_kept_only_when_asked() {
        assert_eq!(escape_controls("a.pdf", false), "a.pdf");
        assert_eq!(
            escape_controls("bad\x1b[2Jname\n.pdf", false),
            "bad\\u{1b}[2Jname\\n.pdf"
        );
        assert_eq!(escape_controls("one\ntwo\r", true), "one\ntwo\\r");
    }

    #[test]
    fn a_redraw_blanks_the_old_lines_without_clearing_the_screen() {
        let mut screen = Screen {
            drawn: 0,
            next: vec!["a".into(), "b".into()],
        };
        assert_eq!(screen.render(&[], false), "\r\x1b[2Ka\n\x1b[2Kb\n");
        screen.next = vec!["c".into()];
        let out = screen.render(&[], false);
        assert_eq!(out, "\r\x1b[2A\x1b[2K\n\x1b[2K\n\x1b[2A\r\x1b[2Kc\n");
        assert!(!out.contains("\x1b[J"));
        assert_eq!(screen.drawn, 1);
    }

    #[test]
    fn lines_go_above_the_board_which_is_redrawn_under_them() {
        let mut s = Screen::default();
        assert_eq!(s.render(&["a".into()], false), "a\n", "no board: plain");
        s.next = vec!["[board 1]".into(), "[board 2]".into()];
        let out = s.render(&["b".into()], false);
        assert!(out.starts_with("\rb\n\x1b[2K[board 1]\n"), "{out:?}");
        assert_eq!(s.drawn, 2);
        // The next output blanks the two drawn lines first.
        let out = s.render(&[], false);
        assert!(
            out.starts_with("\r\x1b[2A\x1b[2K\n\x1b[2K\n\x1b[2A\r"),
            "{out:?}"
        );
        // Hidden for stdout: blanked, not drawn again.
        let out = s.render(&[], true);
        assert!(out.ends_with('\r'), "{out:?}");
        assert_eq!(s.drawn, 0);
        assert_eq!(s.render(&[], true), "", "nothing drawn, nothing to write");
    }
}
