//! The polling loop: one status request per batch or task per round, each
//! change recorded; results queued for download; the timeout and `--no-wait`
//! reporting what is still running.

use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::{is_run_wide, lock, Engine, Group};
use crate::error::{self, Error, Kind};
use crate::pipeline::report::Line;
use crate::poll::Backoff;
use crate::progress::Stage;
use crate::provider::{self, BatchItem, ResultRef, State, TaskRef, TaskStatus};

/// One status request of a polling round.
enum Ask {
    Batch(String),
    Task(TaskRef, String),
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

    /// The polling loop: one status request per batch (or task) per round, until
    /// every document is final or the deadline passes.
    pub(super) fn poll(&self, downloads: &mpsc::Sender<(String, ResultRef)>) {
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
