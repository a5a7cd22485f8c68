//! The polling loop: one status request per batch or task per round, each
//! on a beat of its own that the run's forecast moves to just after its next
//! document should be done; each change recorded; results queued for
//! download; the timeout and `--no-wait` reporting what is still running.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::{is_run_wide, lock, Engine, Group};
use crate::error::{self, Error, Kind};
use crate::pipeline::report::Line;
use crate::poll::{self, Backoff};
use crate::progress::Stage;
use crate::provider::{self, BatchItem, ResultRef, State, TaskRef, TaskStatus};

/// One status request of a polling round.
enum Ask {
    Batch(String),
    Task(TaskRef, String),
}

impl Ask {
    /// What is asked about: a batch, or a document's task (a batch ID
    /// followed without its item keys is asked about once per document).
    fn id(&self) -> String {
        match self {
            Ask::Batch(id) => id.clone(),
            Ask::Task(task, key) => format!("{}/{key}", task.id),
        }
    }
}

/// When a batch (or task) is asked about next, and how its beat backs off.
struct Beat {
    next: Instant,
    backoff: Backoff,
}

impl Engine<'_> {
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

    /// `--no-wait`: every document followed so far is reported as it stands.
    pub(super) fn report_submitted(&self) {
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

    /// The polling loop, its forecast started from the task times of the
    /// provider's earlier runs, which this run's are added to at the end.
    /// Until the run sees a document done after its pages were all
    /// extracted, it expects one done within the first interval after.
    pub(super) fn poll(&self, downloads: &mpsc::Sender<(String, ResultRef)>) {
        let name = self.provider.info().name;
        let mut history = poll::History::load(self.store.data_dir(), name);
        {
            let mut forecast = lock(&self.state.forecast);
            forecast.recall(&history);
            forecast.assume_tail(self.settings.intervals.0);
        }
        self.poll_rounds(downloads);
        let took = lock(&self.state.forecast).task_times().to_vec();
        // A hint for the next run only: not saved, it polls on the beat.
        let _ = history.save(&took);
    }

    /// Each batch (or task) asked on a beat of its own, one request per
    /// round, until every document is final or the deadline passes. A batch
    /// is asked just after its next document should be done when the run
    /// (or an earlier one) has seen enough to say (`poll::Forecast`), never
    /// sooner than the first interval after its last request.
    fn poll_rounds(&self, downloads: &mpsc::Sender<(String, ResultRef)>) {
        let (first, longest) = self.settings.intervals;
        // Each followed group's next ask and backoff, by its ID.
        let mut beats: HashMap<String, Beat> = HashMap::new();
        // Asks fall on ticks (never earlier than due, at most a tick later),
        // so that many tasks on beats of their own share rounds and wake-ups.
        let epoch = Instant::now();
        let tick = (first / 10).clamp(Duration::from_millis(1), Duration::from_millis(50));
        let on_tick = |at: Instant| poll::on_tick(epoch, tick, at);
        loop {
            // The round that saw the last document finish ends the loop at once,
            // not one more interval later.
            let submitting = self.state.submitting.load(Ordering::SeqCst);
            if !submitting && lock(&self.state.groups).is_empty() {
                return;
            }
            let now = Instant::now();
            let asks: Vec<(String, Ask)> = lock(&self.state.groups)
                .iter()
                .map(|g| {
                    let ask = match g {
                        Group::Batch { id, .. } => Ask::Batch(id.clone()),
                        Group::Task { task, key } => Ask::Task(task.clone(), key.clone()),
                    };
                    (ask.id(), ask)
                })
                .collect();
            let followed: HashSet<&str> = asks.iter().map(|(id, _)| id.as_str()).collect();
            beats.retain(|id, _| followed.contains(id.as_str()));
            for (id, ask) in &asks {
                if beats.contains_key(id) {
                    continue;
                }
                // Submitted now: asked one interval on, or just after its
                // documents should be done when a forecast says (an earlier
                // run's task times). Followed from an earlier run: at once
                // (it may be done).
                let keys = self.keys_of(ask);
                let forecast = lock(&self.state.forecast);
                let fresh = keys.iter().any(|k| forecast.knows(k));
                let next = if fresh {
                    let dues = keys.iter().map(|k| forecast.due(k));
                    on_tick(poll::next_ask(now, first, first, dues))
                } else {
                    now
                };
                drop(forecast);
                let backoff = Backoff::new(first, longest);
                beats.insert(id.clone(), Beat { next, backoff });
            }
            let soonest = beats.values().map(|b| b.next).min();
            let until = soonest.unwrap_or(now + first).min(self.settings.deadline);
            if until > now {
                self.nap(until - now);
                if self.is_fatal() {
                    return;
                }
                continue;
            }
            if self.is_fatal() {
                return;
            }
            if now >= self.settings.deadline {
                self.time_out();
                return;
            }
            for (id, ask) in asks {
                let Some(beat) = beats.get_mut(&id).filter(|b| b.next <= now) else {
                    continue;
                };
                let moved = self.ask(&ask, downloads);
                let at = Instant::now();
                // While submissions are still arriving, look again soon.
                let wait = if submitting {
                    first
                } else {
                    beat.backoff.next(moved)
                };
                // The documents it still holds, and when each should be done.
                let keys = self.keys_of(&ask);
                let forecast = lock(&self.state.forecast);
                let next = poll::next_ask(at, first, wait, keys.iter().map(|k| forecast.due(k)));
                beat.next = on_tick(next);
            }
        }
    }

    /// The documents a batch (or task) asked about still holds.
    fn keys_of(&self, ask: &Ask) -> Vec<String> {
        let groups = lock(&self.state.groups);
        match ask {
            Ask::Batch(id) => groups
                .iter()
                .find_map(|g| match g {
                    Group::Batch { id: b, members } if b == id => {
                        Some(members.values().cloned().collect())
                    }
                    _ => None,
                })
                .unwrap_or_default(),
            Ask::Task(_, key) => vec![key.clone()],
        }
    }

    /// One status request; whether anything in its answer moved.
    fn ask(&self, ask: &Ask, downloads: &mpsc::Sender<(String, ResultRef)>) -> bool {
        let mut moved = false;
        match ask {
            Ask::Batch(id) => match self.provider.batch_status(id) {
                Ok(items) => {
                    let at = Instant::now();
                    for item in items {
                        if let Some(key) = self.member(id, &item) {
                            self.foresee(&key, at, &item.status);
                            moved |= self.observe(&key, item.status, downloads);
                        }
                    }
                }
                Err(e) => self.poll_error(e),
            },
            Ask::Task(task, key) => match self.provider.status(task) {
                Ok(status) => {
                    self.foresee(key, Instant::now(), &status);
                    moved |= self.observe(key, status, downloads);
                }
                Err(e) => self.poll_error(e),
            },
        }
        moved
    }

    /// Tells the forecast what an answer showed of a document.
    fn foresee(&self, key: &str, at: Instant, status: &TaskStatus) {
        let mut forecast = lock(&self.state.forecast);
        match status.state {
            State::Failed => forecast.forget(key),
            state => forecast.seen(
                key,
                at,
                state == State::Done,
                status.progress.map(|p| (p.done, p.total)),
            ),
        }
    }

    /// Sleeps up to `time`, waking when told to look again (a new batch or
    /// task to follow, the submissions over) or when nothing is left to wait
    /// for (the last submission ended with nothing to follow: synchronous
    /// answers).
    fn nap(&self, time: Duration) {
        let (mutex, wake) = &self.state.wake;
        let guard = lock(mutex);
        if !self.state.submitting.load(Ordering::SeqCst) && lock(&self.state.groups).is_empty() {
            return;
        }
        let _ = wake.wait_timeout(guard, time);
    }

    /// Tells a waiting polling loop to look again.
    pub(super) fn wake(&self) {
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
}
