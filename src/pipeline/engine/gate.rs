//! How many result downloads stream at once. A batch's results are
//! announced together; on a fast link the writing workers, not the
//! downloads, are the limit (16 files a result on a small machine), and each
//! streaming download holds the HTTP stack's read buffers (up to about
//! 400 KiB a connection, twice while a chunk is being written): 16 of them
//! were the largest part of a 1,000-document run's heap. So downloads start
//! `--concurrency` wide and widen, one at a time up to the download workers,
//! only while a writing worker waits with nothing to write and downloads
//! are held back: then the link, not the disk, is the limit.

use std::sync::{Condvar, Mutex};

use super::lock;

pub(super) struct Gate {
    state: Mutex<State>,
    turn: Condvar,
}

struct State {
    /// Downloads streaming now.
    streaming: usize,
    /// Download workers waiting for a turn.
    waiting: usize,
    /// How many may stream at once.
    allowed: usize,
    /// The most that ever may (the download workers).
    max: usize,
}

/// A turn to download, given back when dropped.
pub(super) struct Turn<'a>(&'a Gate);

impl Gate {
    pub(super) fn new(start: usize, max: usize) -> Gate {
        let max = max.max(1);
        Gate {
            state: Mutex::new(State {
                streaming: 0,
                waiting: 0,
                allowed: start.clamp(1, max),
                max,
            }),
            turn: Condvar::new(),
        }
    }

    /// Waits until fewer downloads stream than are allowed.
    pub(super) fn enter(&self) -> Turn<'_> {
        let mut s = lock(&self.state);
        s.waiting += 1;
        while s.streaming >= s.allowed {
            s = self.turn.wait(s).unwrap_or_else(|e| e.into_inner());
        }
        s.waiting -= 1;
        s.streaming += 1;
        Turn(self)
    }

    /// A writing worker has nothing to write: when downloads are held back
    /// meanwhile, one more may stream. Whether it widened.
    pub(super) fn starved(&self) -> bool {
        let mut s = lock(&self.state);
        if s.waiting == 0 || s.allowed >= s.max {
            return false;
        }
        s.allowed += 1;
        drop(s);
        self.turn.notify_one();
        true
    }

    #[cfg(test)]
    fn allowed(&self) -> usize {
        lock(&self.state).allowed
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        lock(&self.0.state).streaming -= 1;
        self.0.turn.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// Waits (a bounded time) until `n` workers wait for a turn.
    fn until_waiting(gate: &Gate, n: usize) {
        for _ in 0..2000 {
            if lock(&gate.state).waiting == n {
                return;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        panic!("{n} workers never waited");
    }

    #[test]
    fn idle_writers_widen_only_while_downloads_are_held_back() {
        let gate = Gate::new(1, 3);
        // Nothing held back: an idle writer is idle for want of results.
        assert!(!gate.starved());
        let first = gate.enter();
        std::thread::scope(|s| {
            let second = s.spawn(|| {
                let _turn = gate.enter();
            });
            until_waiting(&gate, 1);
            assert!(
                !second.is_finished(),
                "a second download streamed beside the first"
            );
            assert!(
                gate.starved(),
                "a held-back download did not widen the gate"
            );
            second.join().unwrap();
        });
        assert_eq!(gate.allowed(), 2);
        drop(first);
    }

    #[test]
    fn widening_stops_at_the_download_workers() {
        let gate = Gate::new(2, 2);
        let turns = [gate.enter(), gate.enter()];
        std::thread::scope(|s| {
            let held = s.spawn(|| drop(gate.enter()));
            until_waiting(&gate, 1);
            assert!(!gate.starved(), "widened past the download workers");
            assert_eq!(gate.allowed(), 2);
            drop(turns);
            held.join().unwrap();
        });
    }

    #[test]
    fn a_turn_given_back_lets_the_next_download_stream() {
        let gate = Gate::new(1, 1);
        let first = gate.enter();
        std::thread::scope(|s| {
            let next = s.spawn(|| drop(gate.enter()));
            until_waiting(&gate, 1);
            drop(first);
            next.join().unwrap();
        });
        assert_eq!(lock(&gate.state).streaming, 0);
    }
}
