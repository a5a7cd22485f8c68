//! The polling backoff: it starts at the first interval, grows while nothing
//! moves and resets when progress moves. The loop itself is the pipeline's
//! (`pipeline/engine/poll.rs`): one request per batch or task per round.

use std::time::Duration;

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
