//! When to ask next. A beat that backs off while nothing moves ([`Backoff`]),
//! and a forecast of when each document should be finished, learned from
//! what the run has seen and from the task times of earlier runs
//! ([`Forecast`], [`History`]): a batch is asked just after its next
//! document should be done rather than on the beat, never sooner than the
//! first interval after its last request ([`next_ask`]). The loop itself is
//! the pipeline's (`pipeline/engine/poll.rs`): one request per batch or task
//! per round.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

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

/// What the run has seen of how long its documents take.
///
/// Two signals, each used only once seen: the shortest time from a
/// document's start (its creation, or its upload's arrival) to the first
/// answer that showed it finished, which no document like it takes longer
/// than; and a document's pages per second between two answers
/// (`extract_progress`), which says when its extraction ends — and the
/// document is done a tail after that (its result converted and stored):
/// the shortest tail the run has seen, else the one assumed
/// ([`Forecast::assume_tail`]). Nothing seen, nothing forecast: the beat
/// decides.
#[derive(Debug, Default)]
pub struct Forecast {
    fastest: Option<Duration>,
    /// The shortest time seen from a document's forecast end of extraction
    /// to the first answer that showed it done.
    tail: Option<Duration>,
    /// The tail assumed before one is seen.
    assumed_tail: Duration,
    /// The task time earlier runs saw of the provider ([`History::estimate`]):
    /// the forecast of a run that has seen no finish yet.
    earlier: Option<Duration>,
    /// Task times seen in this run, for the history: (since its start, the
    /// last answer that showed it unfinished; the first that showed it done).
    took: Vec<(Duration, Duration)>,
    docs: HashMap<String, Doc>,
}

#[derive(Debug)]
struct Doc {
    started: Instant,
    /// The last answer that showed it unfinished.
    unfinished: Option<Instant>,
    /// The last page count that changed, and when it was seen.
    pages: Option<(Instant, u64)>,
    /// When its extraction should end at the pages per second seen.
    extracted_by: Option<Instant>,
}

impl Forecast {
    /// Takes what earlier runs saw of the provider's task times.
    pub fn recall(&mut self, history: &History) {
        self.earlier = history.estimate();
    }

    /// The time from a document's end of extraction to its being done,
    /// until the run has seen one. The poll interval is the engine's
    /// choice: a document done any time within it is seen no later than
    /// on the beat, and the answers while it converts are not asked for.
    pub fn assume_tail(&mut self, tail: Duration) {
        self.assumed_tail = tail;
    }

    /// The task times this run saw, start to the first answer showing it done.
    pub fn task_times(&self) -> &[(Duration, Duration)] {
        &self.took
    }

    /// A document's task started: created, or its upload arrived (parsing
    /// starts then).
    pub fn started(&mut self, key: &str, at: Instant) {
        self.docs.insert(
            key.to_string(),
            Doc {
                started: at,
                unfinished: None,
                pages: None,
                extracted_by: None,
            },
        );
    }

    /// Whether the document's start was seen in this run.
    pub fn knows(&self, key: &str) -> bool {
        self.docs.contains_key(key)
    }

    /// What an answer received at `at` showed: finished, or the pages
    /// extracted of a total.
    pub fn seen(&mut self, key: &str, at: Instant, finished: bool, pages: Option<(u64, u64)>) {
        if finished {
            if let Some(doc) = self.docs.remove(key) {
                let took = at.saturating_duration_since(doc.started);
                self.fastest = Some(self.fastest.map_or(took, |f| f.min(took)));
                let before = doc
                    .unfinished
                    .map(|u| u.saturating_duration_since(doc.started));
                self.took.push((before.unwrap_or_default(), took));
                if let Some(extracted) = doc.extracted_by {
                    let tail = at.saturating_duration_since(extracted);
                    self.tail = Some(self.tail.map_or(tail, |t| t.min(tail)));
                }
            }
            return;
        }
        let Some(doc) = self.docs.get_mut(key) else {
            return;
        };
        doc.unfinished = Some(at);
        let Some((done, total)) = pages else {
            // No pages reported (still pending): none extracted yet. Pages
            // seen next then give a rate no faster than the true one, and
            // an end of extraction no sooner.
            doc.pages.get_or_insert((at, 0));
            return;
        };
        match doc.pages {
            Some((then, before)) if done > before && at > then => {
                let rate = (done - before) as f64 / (at - then).as_secs_f64();
                // The count leaves out the page under way, on average half
                // done: counted as none, every end of extraction came half a
                // page late (about 0.1 s of a 5 s task, each document).
                let left = match total.saturating_sub(done) {
                    0 => 0.0,
                    n => n as f64 - UNDER_WAY,
                };
                let left = left / rate;
                doc.extracted_by = Duration::try_from_secs_f64(left).ok().map(|d| at + d);
                doc.pages = Some((at, done));
            }
            Some(_) => {}
            None => doc.pages = Some((at, done)),
        }
    }

    /// The document is followed no more (failed, or left the run).
    pub fn forget(&mut self, key: &str) {
        self.docs.remove(key);
    }

    /// When the document should be finished, if anything seen says: this
    /// run's finishes first, else earlier runs'; and no sooner than a tail
    /// after its extraction should end.
    pub fn due(&self, key: &str) -> Option<Instant> {
        let doc = self.docs.get(key)?;
        let like_the_fastest = self.fastest.or(self.earlier).map(|f| doc.started + f);
        let tail = self.tail.unwrap_or(self.assumed_tail);
        let converted_by = doc.extracted_by.map(|e| e + tail);
        match (like_the_fastest, converted_by) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
    }
}

/// The task times of a provider's recent tasks, kept between runs in the
/// data folder (`timings/<provider>.json`), so that a run's first rounds are
/// asked on a forecast too. Not in the record: the record is per output
/// folder and says what is done; a task time is a property of the provider
/// (and the account's queue), the same whichever folder the next run writes
/// to. A hint only: unreadable or missing, the run polls on the beat; not
/// saved, the next run does.
#[derive(Debug, Default)]
pub struct History {
    path: Option<PathBuf>,
    /// Seconds from a task's start to the last answer that showed it
    /// unfinished (0: none) and to the first that showed it done, oldest
    /// first, at most [`KEPT`].
    tasks: Vec<[f64; 2]>,
}

/// The task times kept a provider: enough to ride out one odd task, few
/// enough that a service that got slower (or faster) shows within a run or two.
const KEPT: usize = 32;

#[derive(serde::Serialize, serde::Deserialize)]
struct Timings {
    tasks: Vec<[f64; 2]>,
}

impl History {
    /// The history of `provider` in `data_dir`; empty when there is none or
    /// it cannot be read.
    pub fn load(data_dir: &Path, provider: &str) -> History {
        let path = data_dir.join("timings").join(format!("{provider}.json"));
        let tasks = read_timings(&path).unwrap_or_default();
        History {
            path: Some(path),
            tasks,
        }
    }

    /// When to expect a task done, from its start: the earliest answer that
    /// showed one of the recent tasks done. Tasks like those are done by
    /// then, so the ask there is never early for them; it is as late as that
    /// answer was. Aiming inside the brackets instead (between a task's last
    /// "unfinished" answer and its first "done") narrows them run after run,
    /// but an aim that comes early finds the task unfinished and the next ask
    /// can come only an interval later: measured, a run started from one
    /// earlier run then saw its documents done 1.3 s after their finish, the
    /// run that knew nothing 0.5 s (docs/performance.md).
    pub fn estimate(&self) -> Option<Duration> {
        let valid = |s: f64| s.is_finite() && s >= 0.0;
        let tasks = self
            .tasks
            .iter()
            .filter(|[lo, hi]| valid(*lo) && valid(*hi) && hi > lo);
        let done = tasks.map(|[_, hi]| *hi).reduce(f64::min)?;
        Duration::try_from_secs_f64(done)
            .ok()
            .filter(|d| !d.is_zero())
    }

    /// Adds a run's task times (keeping the last [`KEPT`], with whatever
    /// another run saved meanwhile) and writes the file, replaced whole.
    pub fn save(&mut self, took: &[(Duration, Duration)]) -> std::io::Result<()> {
        let Some(path) = self.path.clone() else {
            return Ok(());
        };
        if took.is_empty() {
            return Ok(());
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let mut tasks = read_timings(&path).unwrap_or_else(|| self.tasks.clone());
        let ms = |d: &Duration| (d.as_secs_f64() * 1000.0).round() / 1000.0;
        tasks.extend(took.iter().map(|(lo, hi)| [ms(lo), ms(hi)]));
        let skip = tasks.len().saturating_sub(KEPT);
        tasks.drain(..skip);
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        let timings = Timings { tasks };
        tmp.write_all(&serde_json::to_vec(&timings)?)?;
        tmp.persist(&path).map_err(|e| e.error)?;
        self.tasks = timings.tasks;
        Ok(())
    }
}

fn read_timings(path: &Path) -> Option<Vec<[f64; 2]>> {
    let bytes = std::fs::read(path).ok()?;
    serde_json::from_slice::<Timings>(&bytes)
        .ok()
        .map(|t| t.tasks)
}

/// How much of the page under way an extraction count leaves out, on
/// average: the pages are counted whole, the one being extracted is anywhere
/// from just begun to almost done.
const UNDER_WAY: f64 = 0.5;

/// How long after a forecast finish to ask: the answer's own latency.
const MARGIN: Duration = Duration::from_millis(20);

/// When to ask about a batch (or a task) again, last asked at `last`: on the
/// beat (`beat` later), unless every document in it has a forecast (`dues`;
/// `None`: none), then just after the soonest, up to two beats later. Never
/// sooner than `floor` after `last`. A forecast already past (the document
/// is slower than forecast) leaves the beat in charge.
pub fn next_ask(
    last: Instant,
    floor: Duration,
    beat: Duration,
    dues: impl IntoIterator<Item = Option<Instant>>,
) -> Instant {
    let beat = beat.max(floor);
    let mut soonest: Option<Instant> = None;
    let mut all_ahead = true;
    for due in dues {
        match due {
            Some(d) if d > last => soonest = Some(soonest.map_or(d, |s| s.min(d))),
            _ => all_ahead = false,
        }
    }
    let on_beat = last + beat;
    let at = match soonest {
        Some(due) if all_ahead => (due + MARGIN).min(last + beat * 2),
        Some(due) => (due + MARGIN).min(on_beat),
        None => on_beat,
    };
    at.max(last + floor)
}

/// `at` rounded up to the next multiple of `tick` after `epoch`: never
/// earlier, at most a tick later.
pub fn on_tick(epoch: Instant, tick: Duration, at: Instant) -> Instant {
    let since = at.saturating_duration_since(epoch).as_nanos();
    let tick_ns = tick.as_nanos().max(1);
    let ticks = since.div_ceil(tick_ns);
    let rounded = u64::try_from(ticks * tick_ns).unwrap_or(u64::MAX);
    epoch + Duration::from_nanos(rounded)
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

    fn secs(s: f64) -> Duration {
        Duration::from_secs_f64(s)
    }

    #[test]
    fn nothing_seen_nothing_forecast_and_the_beat_decides() {
        let t0 = Instant::now();
        let mut f = Forecast::default();
        f.started("a", t0);
        f.seen("a", t0 + secs(1.5), false, None);
        assert_eq!(f.due("a"), None);
        let next = next_ask(t0 + secs(1.5), secs(1.5), secs(1.5), [f.due("a")]);
        assert_eq!(next, t0 + secs(3.0));
    }

    #[test]
    fn a_document_finished_says_when_those_started_later_will_be() {
        let t0 = Instant::now();
        let mut f = Forecast::default();
        f.started("a", t0);
        f.started("b", t0 + secs(2.0));
        // `a` seen finished 5.2 s after its start: `b` is forecast 5.2 s after its own.
        f.seen("a", t0 + secs(5.2), true, None);
        assert_eq!(f.due("b"), Some(t0 + secs(7.2)));
        // A later, slower finish does not make the forecast later.
        f.started("c", t0 + secs(1.0));
        f.seen("c", t0 + secs(7.0), true, None);
        assert_eq!(f.due("b"), Some(t0 + secs(7.2)));
        // Asked just after the forecast, not on the beat (6.7 s).
        let next = next_ask(t0 + secs(5.2), secs(1.5), secs(1.5), [f.due("b")]);
        assert_eq!(next, t0 + secs(7.2) + MARGIN);
    }

    #[test]
    fn pages_per_second_say_when_the_extraction_ends() {
        let t0 = Instant::now();
        let mut f = Forecast::default();
        f.started("a", t0);
        f.seen("a", t0 + secs(1.0), false, Some((2, 20)));
        assert_eq!(f.due("a"), None, "one sight gives no rate");
        f.seen("a", t0 + secs(3.0), false, Some((6, 20)));
        // 2 pages a second, 14 left of which the one under way is half
        // done on average: 6.75 s on, not 7 s (a forecast late by half a
        // page, each document).
        let due = f.due("a").unwrap();
        let after = due.duration_since(t0).as_secs_f64();
        assert!((after - 9.75).abs() < 1e-3, "{after} s");
        // Every page counted: the extraction is over, the tail is left.
        f.seen("a", t0 + secs(11.0), false, Some((20, 20)));
        let due = f.due("a").unwrap();
        let after = due.duration_since(t0).as_secs_f64();
        assert!((after - 11.0).abs() < 1e-3, "{after} s");
    }

    #[test]
    fn a_first_run_expects_a_document_done_a_tail_after_its_pages() {
        let t0 = Instant::now();
        let mut f = Forecast::default();
        f.assume_tail(secs(1.5));
        f.started("a", t0);
        f.started("b", t0);
        f.seen("a", t0 + secs(1.5), false, Some((1, 12)));
        f.seen("a", t0 + secs(3.0), false, Some((8, 12)));
        // 7 pages in 1.5 s, 3.5 left: extracted at 3.75 s, done by 5.25 s.
        let due = f.due("a").unwrap().duration_since(t0).as_secs_f64();
        assert!(
            (due - (3.0 + 3.5 / (7.0 / 1.5) + 1.5)).abs() < 1e-3,
            "{due} s"
        );
        // Asked there, not on the beat (4.5 s), where it would be converting.
        let next = next_ask(t0 + secs(3.0), secs(1.5), secs(1.5), [f.due("a")]);
        assert!(next > t0 + secs(5.2) && next < t0 + secs(5.3));
        // Seen done 0.5 s after its extraction ended: the tail the run now expects.
        f.seen("b", t0 + secs(1.5), false, Some((1, 12)));
        f.seen("b", t0 + secs(3.0), false, Some((7, 12)));
        f.seen("a", t0 + secs(4.26), true, None);
        let b = f.due("b").unwrap().duration_since(t0).as_secs_f64();
        let extracted = 3.0 + 4.5 / (6.0 / 1.5);
        let tail = 4.26 - (3.0 + 3.5 / (7.0 / 1.5));
        // The fastest (4.26 s from its start) is sooner: extraction rules.
        assert!((b - (extracted + tail)).abs() < 1e-3, "{b} s");
    }

    #[test]
    fn a_pending_answer_counts_as_no_page_extracted() {
        let t0 = Instant::now();
        let mut f = Forecast::default();
        f.started("a", t0);
        f.seen("a", t0 + secs(1.5), false, None);
        f.seen("a", t0 + secs(3.0), false, Some((6, 12)));
        // At least 4 pages a second since 1.5 s, 5.5 pages left: extracted
        // by 4.375 s at the latest.
        let due = f.due("a").unwrap().duration_since(t0).as_secs_f64();
        assert!((due - 4.375).abs() < 1e-3, "{due} s");
        // Converting (no pages reported) after that changes nothing.
        f.seen("a", t0 + secs(4.0), false, None);
        let again = f.due("a").unwrap().duration_since(t0).as_secs_f64();
        assert!((again - 4.375).abs() < 1e-3, "{again} s");
    }

    #[test]
    fn never_sooner_than_the_floor_nor_later_than_two_beats() {
        let t0 = Instant::now();
        let soon = next_ask(t0, secs(1.5), secs(1.5), [Some(t0 + secs(0.2))]);
        assert_eq!(soon, t0 + secs(1.5));
        let far = next_ask(t0, secs(1.5), secs(1.5), [Some(t0 + secs(60.0))]);
        assert_eq!(far, t0 + secs(3.0));
    }

    #[test]
    fn asks_fall_on_ticks_never_earlier() {
        let t0 = Instant::now();
        let tick = secs(0.05);
        assert_eq!(on_tick(t0, tick, t0 + secs(0.12)), t0 + secs(0.15));
        assert_eq!(on_tick(t0, tick, t0 + secs(0.15)), t0 + secs(0.15));
        assert_eq!(on_tick(t0, tick, t0), t0);
    }

    #[test]
    fn earlier_runs_task_times_forecast_a_run_that_has_seen_no_finish() {
        let dir = tempfile::tempdir().unwrap();
        let mut h = History::load(dir.path(), "mineru");
        assert_eq!(h.estimate(), None, "nothing saved yet");
        // Two tasks: unfinished at 4.5 s and 4.6 s, done at 6.0 s and 5.9 s:
        // one like them is done by 5.9 s, where it is asked.
        h.save(&[(secs(4.5), secs(6.0)), (secs(4.6), secs(5.9))])
            .unwrap();
        let h = History::load(dir.path(), "mineru");
        assert_eq!(h.estimate(), Some(secs(5.9)));
        assert_eq!(History::load(dir.path(), "parse4ai").estimate(), None);
        let t0 = Instant::now();
        let mut f = Forecast::default();
        f.recall(&h);
        f.started("a", t0);
        assert_eq!(f.due("a"), Some(t0 + secs(5.9)));
        // The first ask of a batch submitted at t0 is aimed there (within
        // two beats), not one interval on.
        let first = next_ask(t0, secs(1.5), secs(1.5), [f.due("a")]);
        assert_eq!(first, t0 + secs(3.0));
        let first = next_ask(t0, secs(3.0), secs(3.0), [f.due("a")]);
        assert_eq!(first, t0 + secs(5.9) + MARGIN);
        // A finish seen in the run takes over, and is kept for the next with
        // the answer before it.
        f.started("b", t0);
        f.seen("a", t0 + secs(5.3), false, None);
        f.seen("a", t0 + secs(7.0), true, None);
        assert_eq!(f.due("b"), Some(t0 + secs(7.0)));
        assert_eq!(f.task_times(), &[(secs(5.3), secs(7.0))]);
    }

    #[test]
    fn tasks_of_mixed_sizes_aim_at_the_earliest_done() {
        let dir = tempfile::tempdir().unwrap();
        let mut h = History::load(dir.path(), "mineru");
        // A small task done by 3 s, a large one still unfinished at 20 s.
        h.save(&[(secs(1.5), secs(3.0)), (secs(20.0), secs(21.5))])
            .unwrap();
        assert_eq!(h.estimate(), Some(secs(3.0)));
    }

    #[test]
    fn the_history_keeps_the_last_tasks_and_survives_a_damaged_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut h = History::load(dir.path(), "mineru");
        let many: Vec<(Duration, Duration)> =
            (1..=40).map(|i| (secs(0.0), secs(f64::from(i)))).collect();
        h.save(&many).unwrap();
        let h = History::load(dir.path(), "mineru");
        assert_eq!(h.tasks.len(), KEPT);
        assert_eq!(h.estimate(), Some(secs(9.0)), "the oldest 8 are gone");
        let file = dir.path().join("timings/mineru.json");
        std::fs::write(&file, "{not json").unwrap();
        let mut h = History::load(dir.path(), "mineru");
        assert_eq!(h.estimate(), None);
        h.save(&[(secs(2.0), secs(4.0))]).unwrap();
        assert_eq!(
            History::load(dir.path(), "mineru").estimate(),
            Some(secs(4.0))
        );
    }

    #[test]
    fn a_document_without_a_forecast_keeps_the_beat() {
        let t0 = Instant::now();
        // One forecast at 2.5 s, one document unknown: no later than the beat.
        let next = next_ask(t0, secs(1.0), secs(1.0), [Some(t0 + secs(2.5)), None]);
        assert_eq!(next, t0 + secs(1.0));
        // A forecast already past (slower than forecast): the beat too.
        let next = next_ask(t0, secs(1.0), secs(1.0), [Some(t0 + secs(2.5)), Some(t0)]);
        assert_eq!(next, t0 + secs(1.0));
        // A forecast sooner than the beat is asked at, unknowns or not.
        let next = next_ask(t0, secs(1.0), secs(3.0), [Some(t0 + secs(2.0)), None]);
        assert_eq!(next, t0 + secs(2.0) + MARGIN);
    }
}
