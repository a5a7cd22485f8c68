//! The one polling loop: ask, wait, ask again, with backoff that starts near the
//! first interval, grows while nothing moves, resets when progress moves, and never
//! passes the deadline.

use std::time::{Duration, Instant};

use anyhow::Result;

use crate::provider::{Progress, Provider, State, TaskRef, TaskStatus};

#[derive(Debug, Clone)]
pub struct Backoff {
    first: Duration,
    max: Duration,
    current: Duration,
}

impl Backoff {
    pub fn new(first: Duration, max: Duration) -> Backoff {
        Backoff {
            first,
            max: max.max(first),
            current: first,
        }
    }

    /// The wait before the next poll: reset when `moved`, else 1.5 times longer.
    pub fn next(&mut self, moved: bool) -> Duration {
        if moved {
            self.current = self.first;
        } else {
            self.current = (self.current.mul_f64(1.5)).min(self.max);
        }
        self.current
    }
}

pub enum Waited {
    Finished(TaskStatus),
    TimedOut(Option<TaskStatus>),
}

/// Polls `task` until it is done or failed, or `deadline` passes. `on_change` sees
/// every status whose state or progress differs from the last one.
pub fn wait(
    provider: &dyn Provider,
    task: &TaskRef,
    intervals: (Duration, Duration),
    deadline: Instant,
    mut on_change: impl FnMut(&TaskStatus) -> Result<()>,
) -> Result<Waited> {
    let mut backoff = Backoff::new(intervals.0, intervals.1);
    let mut last: Option<(State, Option<Progress>)> = None;
    let mut wait = Duration::ZERO;
    let mut latest = None;
    loop {
        let now = Instant::now();
        if now + wait > deadline {
            std::thread::sleep(deadline.saturating_duration_since(now));
            return Ok(Waited::TimedOut(latest));
        }
        std::thread::sleep(wait);
        let status = provider.status(task)?;
        let key = (status.state, status.progress);
        let moved = last.as_ref() != Some(&key);
        if moved {
            on_change(&status)?;
        }
        last = Some(key);
        if status.state.is_final() {
            return Ok(Waited::Finished(status));
        }
        // The first change (from nothing) is not progress.
        wait = if latest.is_none() {
            intervals.0
        } else {
            backoff.next(moved)
        };
        latest = Some(status);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_to_max_and_resets_on_progress() {
        let mut b = Backoff::new(Duration::from_secs(1), Duration::from_secs(30));
        let mut last = Duration::ZERO;
        for _ in 0..20 {
            let d = b.next(false);
            assert!(d >= last && d <= Duration::from_secs(30));
            last = d;
        }
        assert_eq!(last, Duration::from_secs(30));
        assert_eq!(b.next(true), Duration::from_secs(1));
    }
}
