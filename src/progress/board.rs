//! The board's model: every document of the run, its [`Stage`], its pages and
//! its transfer (bytes and rate), and the counts by stage. Pure: the clock is
//! passed in. How it reads on screen is [`super::text`]'s.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use crate::task::{Progress, State};

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
    /// [`DocProgress::done`](super::DocProgress::done) says it is written.
    pub fn of_state(state: State) -> Stage {
        match state {
            State::Submitted | State::WaitingFile | State::Pending => Stage::Waiting,
            State::Running | State::Converting => Stage::Running,
            State::Done => Stage::Downloading,
            State::Failed => Stage::Failed,
        }
    }

    /// Board order of active lines: closest to finished first.
    pub(super) fn rank(self) -> u8 {
        match self {
            Stage::Downloading => 0,
            Stage::Running => 1,
            Stage::Uploading => 2,
            Stage::Waiting => 3,
            _ => 4,
        }
    }
}

/// The rate is measured over this much of the recent past, so a transfer that
/// slows down or stalls shows it within seconds.
const RATE_WINDOW: Duration = Duration::from_secs(5);

/// One transfer of a document (an upload or a download): its bytes, and marks
/// to measure its rate by.
#[derive(Debug, Clone)]
pub(super) struct Transfer {
    pub(super) done: u64,
    pub(super) total: Option<u64>,
    pub(super) since: Instant,
    /// `(when, bytes)`, oldest first, reaching one mark past [`RATE_WINDOW`]
    /// back. The first is where the transfer began: a resumed download's rate
    /// counts from the part already on disk, not from zero.
    pub(super) marks: VecDeque<(Instant, u64)>,
}

impl Transfer {
    pub(super) fn new(from: u64, total: Option<u64>, now: Instant) -> Transfer {
        Transfer {
            done: from,
            total,
            since: now,
            marks: VecDeque::from([(now, from)]),
        }
    }

    pub(super) fn advance(&mut self, done: u64, now: Instant) {
        self.done = done;
        self.marks.push_back((now, done));
        while self.marks.len() > 2 && now.saturating_duration_since(self.marks[1].0) >= RATE_WINDOW
        {
            self.marks.pop_front();
        }
    }

    /// Bytes a second over the last [`RATE_WINDOW`] (since the start while it
    /// is younger); none in its first half second, too soon to tell.
    pub(super) fn rate(&self, now: Instant) -> Option<f64> {
        let &(t0, d0) = self
            .marks
            .iter()
            .rev()
            .find(|(t, _)| now.saturating_duration_since(*t) >= RATE_WINDOW)
            .or(self.marks.front())?;
        let secs = now.saturating_duration_since(t0).as_secs_f64();
        (secs >= 0.5).then(|| self.done.saturating_sub(d0) as f64 / secs)
    }
}

#[derive(Debug, Clone)]
pub(super) struct Doc {
    pub(super) name: String,
    pub(super) stage: Stage,
    pub(super) since: Instant,
    pub(super) pages: Option<Progress>,
    pub(super) transfer: Option<Transfer>,
    /// A word about the stage: the task ID, the output, the reason of a failure.
    pub(super) detail: Option<String>,
    /// The last plain line printed for it.
    pub(super) printed: Option<String>,
    /// The caller is done with it although it is not finished (`--no-wait`, a
    /// timeout): still counted in its stage, no longer a line on the board.
    pub(super) settled: bool,
}

/// Every document's stage, and how to draw them. Pure: the clock is passed in.
#[derive(Debug)]
pub struct Board {
    pub(super) start: Instant,
    pub(super) expected: u64,
    pub(super) docs: Vec<Doc>,
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
    /// [`Reporter::start`](super::Reporter::start) but never started (skipped without a line) do not
    /// hold the board up.
    pub fn idle(&self) -> bool {
        self.docs
            .iter()
            .all(|d| d.stage.is_final() || d.settled || d.stage == Stage::Queued)
    }

    pub(super) fn add(&mut self, name: &str, now: Instant) -> usize {
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
    pub(super) fn set_stage(
        &mut self,
        id: usize,
        stage: Stage,
        detail: Option<String>,
        now: Instant,
    ) -> bool {
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
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    pub(in crate::progress) const MB: u64 = 1024 * 1024;

    pub(in crate::progress) fn board_of(total: u64, docs: &[(&str, Stage)]) -> (Board, Instant) {
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
}
