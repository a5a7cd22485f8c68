//! One submitted document and its life cycle, the heart of the fake MinerU.

use std::time::{Duration, Instant};

/// Message of the real service for an unsupported file, shown on `failed` tasks.
pub const FAIL_MSG: &str = "文件格式不支持，请上传符合要求的文件类型";

/// How fast tasks move through their states.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Advance {
    /// Every status query of a task (or of its batch) moves it one step: tests are
    /// deterministic and never wait.
    #[default]
    PerPoll,
    /// Each step takes this much wall-clock time, however often the client polls: for
    /// timeout and polling-interval tests.
    Time(Duration),
}

/// Which API a task was created through; it decides the answer's shape and the result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Api {
    V4,
    Flash,
}

/// How a task ends, decided from its file name or URL so tests choose by naming inputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Finishes with the demo result.
    Done,
    /// Name contains `fail`: ends `failed` with [`FAIL_MSG`].
    Fail,
    /// Name contains `hostile`: finishes, with the hostile archive as result.
    Hostile,
    /// Name contains `slow`: stays `running` forever.
    Slow,
}

impl Outcome {
    pub fn for_input(name_or_url: &str) -> Outcome {
        let lower = name_or_url.to_lowercase();
        if lower.contains("fail") {
            Outcome::Fail
        } else if lower.contains("hostile") {
            Outcome::Hostile
        } else if lower.contains("slow") {
            Outcome::Slow
        } else {
            Outcome::Done
        }
    }
}

/// What a status query reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Phase {
    WaitingFile,
    Pending,
    Running { extracted: u32 },
    Converting,
    Done,
    Failed(String),
}

impl Phase {
    pub fn state(&self) -> &'static str {
        match self {
            Phase::WaitingFile => "waiting-file",
            Phase::Pending => "pending",
            Phase::Running { .. } => "running",
            Phase::Converting => "converting",
            Phase::Done => "done",
            Phase::Failed(_) => "failed",
        }
    }

    pub fn err_msg(&self) -> &str {
        match self {
            Phase::Failed(m) => m,
            _ => "",
        }
    }
}

/// Bytes received through a signed upload URL.
#[derive(Clone, Debug)]
pub struct Upload {
    /// Path component of the signed URL: `/upload/<token>`.
    pub token: String,
    /// The `Signature` query value as issued, still percent-encoded: the PUT must bring
    /// it back unchanged.
    pub signature: String,
    pub bytes: Option<Vec<u8>>,
    pub puts: usize,
}

#[derive(Clone, Debug)]
pub struct Task {
    pub id: String,
    pub api: Api,
    /// File name for uploads, the URL's last segment for URL inputs.
    pub file_name: String,
    pub data_id: Option<String>,
    pub outcome: Outcome,
    pub html: bool,
    pub upload: Option<Upload>,
    /// Set when a flash upload is over the size limit: the task fails after queuing.
    pub too_large: Option<String>,
    /// Steps taken since leaving `waiting-file`.
    step: u32,
    /// When `step` last changed (or the task started), for [`Advance::Time`].
    since: Instant,
    /// The step's length under [`Advance::Time`] (set by [`Task::catch_up`]):
    /// pages are then extracted at a steady rate through the running steps.
    per_step: Option<Duration>,
    pub start_time: String,
}

impl Task {
    pub fn new(
        id: String,
        api: Api,
        file_name: String,
        input: &str,
        upload: Option<Upload>,
    ) -> Task {
        Task {
            id,
            api,
            outcome: Outcome::for_input(input),
            html: super::params::is_html(input),
            file_name,
            data_id: None,
            upload,
            too_large: None,
            step: 0,
            since: Instant::now(),
            per_step: None,
            start_time: super::super::ids::beijing_now(),
        }
    }

    pub fn waiting_file(&self) -> bool {
        self.upload.as_ref().is_some_and(|u| u.bytes.is_none())
    }

    /// The uploaded bytes arrived: parsing starts by itself, as on the real service.
    pub fn receive(&mut self, bytes: Vec<u8>) {
        let first = self.waiting_file();
        if let Some(u) = self.upload.as_mut() {
            u.bytes = Some(bytes);
            u.puts += 1;
        }
        if first {
            self.step = 0;
            self.since = Instant::now();
            self.start_time = super::super::ids::beijing_now();
        }
    }

    /// Applies elapsed wall-clock time under [`Advance::Time`]; call before reporting.
    pub fn catch_up(&mut self, advance: Advance) {
        let Advance::Time(per_step) = advance else {
            return;
        };
        self.per_step = Some(per_step);
        if self.waiting_file() {
            return;
        }
        if per_step.is_zero() {
            self.step = LAST_STEP;
            return;
        }
        let n = self.since.elapsed().as_nanos() / per_step.as_nanos();
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        self.step = self.step.saturating_add(n).min(LAST_STEP);
        self.since += per_step * n.min(LAST_STEP);
    }

    /// Moves one step after a status query under [`Advance::PerPoll`]; call after
    /// reporting, so the first query of a new task sees `pending`.
    pub fn polled(&mut self, advance: Advance) {
        if advance == Advance::PerPoll && !self.waiting_file() && self.step < LAST_STEP {
            self.step += 1;
            self.since = Instant::now();
        }
    }

    /// The state to report: pending, two running steps with growing progress,
    /// converting, then done — or the outcome's deviation from that path.
    pub fn phase(&self, pages: u32) -> Phase {
        if self.waiting_file() {
            return Phase::WaitingFile;
        }
        let pages = pages.max(1);
        let first = if pages > 1 { 1 } else { 0 };
        if let (Some(per), 1 | 2, false) = (self.per_step, self.step, self.outcome == Outcome::Slow)
        {
            if !per.is_zero() && self.too_large.is_none() {
                return Phase::Running {
                    extracted: extracted_by_time(pages, per, self.step, self.since.elapsed()),
                };
            }
        }
        if let Some(msg) = &self.too_large {
            return match self.step {
                0 => Phase::Pending,
                _ => Phase::Failed(msg.clone()),
            };
        }
        match (self.step, self.outcome) {
            (0, _) => Phase::Pending,
            (1, _) | (_, Outcome::Slow) => Phase::Running { extracted: first },
            (2, _) => Phase::Running { extracted: pages },
            (_, Outcome::Fail) => Phase::Failed(FAIL_MSG.into()),
            (3, _) => Phase::Converting,
            _ => Phase::Done,
        }
    }
}

/// Pages extracted `into` running step `step` (1 or 2) of `per` each: MinerU
/// reports `extract_progress` growing page by page while a task runs, so a
/// client can tell a page rate from two answers. A steady rate over both
/// running steps, the page under way not counted.
fn extracted_by_time(pages: u32, per: Duration, step: u32, into: Duration) -> u32 {
    let running = per * (step - 1) + into.min(per);
    let share = running.as_secs_f64() / (2.0 * per.as_secs_f64());
    let done = (f64::from(pages) * share).floor() as u32;
    done.min(pages)
}

/// Step at which every outcome has reached its final state.
const LAST_STEP: u32 = 4;
