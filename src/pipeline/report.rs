//! What a run tells about each document: the one JSON line builder, the text on
//! stdout (`ocr`'s markdown, `--no-wait`'s IDs), in input order or as documents
//! finish, and the failures that decide the exit code.

use std::collections::{BTreeMap, HashSet, VecDeque};
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;

use serde_json::{json, Value};

use crate::journal::DocRecord;
use crate::task::State;

/// The state of a document that never reached a provider: a bad input, a
/// request refused before any task existed, a run stopped by an error every
/// document would hit. A plain rerun submits it.
pub const NOT_SUBMITTED: &str = "not-submitted";

/// The state of every input of a run refused as a whole before any document
/// was looked at (an output folder that cannot be written, a record another
/// batch holds, an ID nobody knows): nothing was sent; the error says why.
pub const REFUSED: &str = "refused";

/// One document's report.
#[derive(Debug, Clone)]
pub struct Line {
    /// Position in the input list (after `--from` and folder expansion).
    pub index: usize,
    pub input: String,
    pub provider: String,
    pub task_id: Option<String>,
    pub batch_id: Option<String>,
    /// A provider state's name, or [`NOT_SUBMITTED`].
    pub state: String,
    /// Done in an earlier run: nothing was asked of the provider.
    pub skipped: bool,
    /// Written from the result cache: nothing was asked of the provider.
    pub cached: bool,
    pub output: Option<String>,
    /// Path of the markdown written, or (stdout) the markdown itself.
    pub markdown: Option<String>,
    pub pages: Option<u64>,
    /// Pages left out of the answer (`local`), when the provider says.
    pub pages_skipped: Option<Vec<u64>>,
    /// A hybrid document (`auto`): pages read on this machine, pages sent to
    /// the cloud (billed).
    pub pages_local: Option<u64>,
    pub pages_cloud: Option<u64>,
    pub error: Option<String>,
    /// Text for stdout in text mode (`ocr` without `-o`).
    pub text: Option<String>,
}

impl Line {
    /// A line from a document's record; `error` overrides the recorded one.
    pub fn of(index: usize, rec: &DocRecord) -> Line {
        let done = rec.state == State::Done;
        Line {
            index,
            input: rec.input.clone(),
            provider: rec.provider.clone(),
            task_id: rec.task_id.clone(),
            batch_id: rec.batch_id.clone(),
            state: rec.state.name().to_string(),
            skipped: false,
            cached: false,
            output: rec.output.as_deref().map(show),
            markdown: rec.markdown.as_deref().map(show),
            pages: rec.pages,
            pages_skipped: rec.pages_skipped.clone(),
            pages_local: rec.pages_local,
            pages_cloud: rec.pages_cloud,
            error: if done { None } else { rec.error.clone() },
            text: None,
        }
    }

    /// A document that never reached the provider.
    pub fn not_submitted(index: usize, input: &str, provider: &str, why: String) -> Line {
        Line {
            index,
            input: input.to_string(),
            provider: provider.to_string(),
            task_id: None,
            batch_id: None,
            state: NOT_SUBMITTED.to_string(),
            skipped: false,
            cached: false,
            output: None,
            markdown: None,
            pages: None,
            pages_skipped: None,
            pages_local: None,
            pages_cloud: None,
            error: Some(why),
            text: None,
        }
    }

    /// An input of a run refused as a whole ([`REFUSED`]).
    pub fn refused(index: usize, input: &str, provider: &str, why: String) -> Line {
        Line {
            state: REFUSED.to_string(),
            ..Line::not_submitted(index, input, provider, why)
        }
    }

    pub fn failed(mut self, why: String) -> Line {
        self.state = State::Failed.name().to_string();
        self.output = None;
        self.markdown = None;
        self.error = Some(why);
        self
    }

    /// The same report for another input with the same content.
    pub fn for_alias(&self, index: usize, input: &str) -> Line {
        Line {
            index,
            input: input.to_string(),
            ..self.clone()
        }
    }

    pub fn json(&self, elapsed_s: f64) -> Value {
        json!({
            "index": self.index,
            "input": self.input,
            "provider": self.provider,
            "task_id": self.task_id,
            "batch_id": self.batch_id,
            "state": self.state,
            "skipped": self.skipped,
            "cached": self.cached,
            "output": self.output,
            "markdown": self.markdown,
            "pages": self.pages,
            "pages_skipped": self.pages_skipped,
            "pages_local": self.pages_local,
            "pages_cloud": self.pages_cloud,
            "error": self.error,
            "elapsed_s": (elapsed_s * 1000.0).round() / 1000.0,
        })
    }

    /// The ID to resume this document with, if it has one.
    pub fn id(&self) -> Option<&str> {
        self.batch_id.as_deref().or(self.task_id.as_deref())
    }
}

fn show(p: &Path) -> String {
    p.display().to_string()
}

/// In which order lines reach stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// `ocr`, `parse`, `fetch`: the order of the inputs, whatever finishes first.
    Input,
    /// `batch`: as documents finish, so a long run streams.
    Completion,
}

/// What stdout carries in text mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    /// The results themselves (`ocr` to stdout).
    Results,
    /// Each new task or batch ID once (`--no-wait`).
    Ids,
    Nothing,
}

pub struct Emitter {
    order: Order,
    json: bool,
    text: Text,
    started: Instant,
    /// Lines kept instead of written (a caller in the same process, such as
    /// the MCP server, whose stdout is not ours to write).
    keep: bool,
    state: Mutex<Pending>,
    /// Held by the one thread writing stdout, taken only with `try_lock`: a
    /// reader that stops reading stalls that thread alone, never a thread that
    /// only hands a line over (see [`Emitter::drain`]).
    writing: Mutex<()>,
}

#[derive(Default)]
struct Pending {
    next: usize,
    waiting: BTreeMap<usize, Line>,
    reported: HashSet<usize>,
    ids: HashSet<String>,
    kept: Vec<Line>,
    /// Lines in the order they go to stdout, not written yet.
    outbox: VecDeque<Line>,
    /// The first failed write (a closed pipe): the run ends with it.
    broken: Option<std::io::Error>,
}

impl Emitter {
    pub fn new(order: Order, json: bool, text: Text) -> Emitter {
        Emitter {
            order,
            json,
            text,
            started: Instant::now(),
            keep: false,
            state: Mutex::new(Pending::default()),
            writing: Mutex::new(()),
        }
    }

    /// An emitter that writes nothing and keeps every line, in input order.
    pub fn keeping() -> Emitter {
        Emitter {
            keep: true,
            ..Emitter::new(Order::Input, false, Text::Nothing)
        }
    }

    /// The lines kept so far (see [`Emitter::keeping`]).
    pub fn take_kept(&self) -> Vec<Line> {
        std::mem::take(&mut self.lock().kept)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Pending> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Reports one document (once: a second report of an index is ignored).
    pub fn emit(&self, line: Line) {
        {
            let mut st = self.lock();
            if !st.reported.insert(line.index) {
                return;
            }
            match self.order {
                Order::Completion => self.queue(&mut st, line),
                Order::Input => {
                    st.waiting.insert(line.index, line);
                    loop {
                        let next = st.next;
                        let Some(line) = st.waiting.remove(&next) else {
                            break;
                        };
                        st.next += 1;
                        self.queue(&mut st, line);
                    }
                }
            }
        }
        self.drain();
    }

    /// Writes whatever still waits for an earlier line that never came, and
    /// waits until every line is written (stdout is the run's data: a slow
    /// reader is waited for, a reader that went away ends it).
    pub fn flush(&self) -> Option<std::io::Error> {
        {
            let mut st = self.lock();
            let waiting = std::mem::take(&mut st.waiting);
            for line in waiting.into_values() {
                self.queue(&mut st, line);
            }
        }
        loop {
            self.drain();
            let idle = self.writing.try_lock().is_ok();
            if idle && self.lock().outbox.is_empty() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        self.lock().broken.take()
    }

    /// A line is ready, in its order: kept, or put in the outbox.
    fn queue(&self, st: &mut Pending, line: Line) {
        if self.keep {
            st.kept.push(line);
            return;
        }
        if st.broken.is_some() {
            return;
        }
        if self.text == Text::Ids && !self.json {
            match line.id() {
                Some(id) if st.ids.insert(id.to_string()) => {}
                _ => return,
            }
        }
        st.outbox.push_back(line);
    }

    /// Writes the outbox to stdout, unless another thread is at it (that one
    /// writes what was added here as well). The state's lock is never held
    /// while stdout is written.
    fn drain(&self) {
        loop {
            let Ok(token) = self.writing.try_lock() else {
                return;
            };
            loop {
                let next = {
                    let mut st = self.lock();
                    if st.broken.is_some() {
                        st.outbox.clear();
                    }
                    st.outbox.pop_front()
                };
                let Some(line) = next else { break };
                // stdout may share the terminal with the progress board.
                if let Err(e) = crate::messages::with_board_hidden(|| self.write_out(&line)) {
                    self.lock().broken.get_or_insert(e);
                }
            }
            drop(token);
            // A line queued after the last look, while the token was still
            // held, would wait for the next emit: look once more.
            if self.lock().outbox.is_empty() {
                return;
            }
        }
    }

    fn write_out(&self, line: &Line) -> std::io::Result<()> {
        let mut out = std::io::stdout().lock();
        let result = if self.json {
            writeln!(out, "{}", line.json(self.started.elapsed().as_secs_f64()))
        } else {
            match self.text {
                Text::Results => match &line.text {
                    Some(text) => out.write_all(text.as_bytes()).and_then(|_| {
                        if text.ends_with('\n') {
                            Ok(())
                        } else {
                            out.write_all(b"\n")
                        }
                    }),
                    None => Ok(()),
                },
                Text::Ids => match line.id() {
                    Some(id) => writeln!(out, "{id}"),
                    None => Ok(()),
                },
                Text::Nothing => Ok(()),
            }
        };
        result.and_then(|_| out.flush())
    }
}

/// With `--json`, the lines of a run refused as a whole: one per input, so a
/// script reading stdout learns about every input it gave.
pub fn print_refused(
    inputs: &[String],
    provider: &str,
    err: &anyhow::Error,
) -> std::io::Result<()> {
    let emitter = Emitter::new(Order::Input, true, Text::Nothing);
    for (index, input) in inputs.iter().enumerate() {
        emitter.emit(Line::refused(index, input, provider, format!("{err:#}")));
    }
    emitter.flush().map_or(Ok(()), Err)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(index: usize) -> Line {
        Line::not_submitted(index, &format!("{index}.pdf"), "mineru", "x".into())
    }

    #[test]
    fn input_order_waits_for_earlier_lines_and_reports_each_once() {
        let e = Emitter::new(Order::Input, false, Text::Nothing);
        e.emit(line(1));
        assert!(e.lock().reported.contains(&1));
        assert_eq!(e.lock().waiting.len(), 1, "1 waits for 0");
        e.emit(line(0));
        assert_eq!(e.lock().next, 2);
        e.emit(line(0));
        assert_eq!(e.lock().next, 2, "a second report of 0 is ignored");
        e.emit(line(3));
        assert!(e.flush().is_none());
        assert!(e.lock().waiting.is_empty());
    }

    #[test]
    fn done_lines_carry_their_output_and_no_error() {
        let mut rec = DocRecord::new("k", "a.pdf", "a", "00", "mineru");
        rec.state = State::Done;
        rec.error = Some("an old error".into());
        rec.output = Some("/out/a".into());
        let l = Line::of(0, &rec);
        let v = l.json(1.0);
        assert_eq!(v["state"], "done");
        assert_eq!(v["output"], "/out/a");
        assert!(v["error"].is_null());
        let f = l.failed("cannot save".into()).json(1.0);
        assert_eq!(f["state"], "failed");
        assert!(f["output"].is_null());
    }
}
