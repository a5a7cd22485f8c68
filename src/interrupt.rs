//! Ctrl-C and SIGTERM: stop waiting, say how to resume, exit 130. Every task is
//! already in the record before anything waits on it, so stopping loses nothing.
//!
//! Work that must be undone even when the run is interrupted (a file uploaded to a
//! provider only for one request) registers a [`Cleanup`]: it runs exactly once,
//! when the work finishes or fails, or from the handler before the process exits.
//!
//! docpipe's own temporary files and folders in an output folder (downloads,
//! staging folders) are registered with [`remove_on_interrupt`]: exiting from the
//! handler skips their destructors, so the handler removes those still there.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Tasks submitted and not yet finished in this run: ID → input.
static ACTIVE: Mutex<BTreeMap<String, String>> = Mutex::new(BTreeMap::new());

type Action = Box<dyn FnOnce() + Send>;

/// Set once a signal arrived: no new submission starts after it.
static STOPPING: AtomicBool = AtomicBool::new(false);
/// Submissions between their request and their record: the handler waits
/// (bounded) for them, so a stop never loses the ID of a task just created.
static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);

/// Held from just before a task-creating request until its answer is recorded.
#[must_use = "the submission counts as in flight only while the guard lives"]
pub struct InFlight(());

/// Marks a submission in flight. After a signal it never returns: the process
/// is about to exit, and a submission begun now would be lost from the record.
pub fn submitting() -> InFlight {
    IN_FLIGHT.fetch_add(1, Ordering::SeqCst);
    if STOPPING.load(Ordering::SeqCst) {
        IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
        loop {
            std::thread::park();
        }
    }
    InFlight(())
}

impl Drop for InFlight {
    fn drop(&mut self) {
        IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
    }
}

/// What to tell the user instead of the list of task IDs: a batch says how to
/// rerun itself.
static RESUME_HINT: Mutex<Option<String>> = Mutex::new(None);

/// Pending cleanups by ticket.
static CLEANUPS: Mutex<BTreeMap<u64, Action>> = Mutex::new(BTreeMap::new());
static NEXT_TICKET: AtomicU64 = AtomicU64::new(0);
/// Cleanups running right now on worker threads: the handler waits for them
/// instead of cutting them off by exiting.
static RUNNING: AtomicUsize = AtomicUsize::new(0);

/// How long the handler gives cleanups before exiting anyway.
const CLEANUP_GRACE: Duration = Duration::from_secs(20);

/// A registered cleanup. [`Cleanup::run`] (or dropping it, e.g. on an early `?`
/// return) runs the action unless the interrupt handler already has.
#[must_use = "dropping the guard runs the cleanup at once"]
pub struct Cleanup(u64);

/// Registers `action` to run when the guard is finished or dropped, or on Ctrl-C.
pub fn on_interrupt(action: impl FnOnce() + Send + 'static) -> Cleanup {
    let ticket = NEXT_TICKET.fetch_add(1, Ordering::SeqCst);
    if let Ok(mut c) = CLEANUPS.lock() {
        c.insert(ticket, Box::new(action));
    }
    Cleanup(ticket)
}

impl Cleanup {
    /// Runs the action now (at most once across this guard and the handler).
    pub fn run(self) {
        // Drop does the work.
    }

    /// Drops the action without running it: what it would undo is now needed
    /// (e.g. a file a provider job just started reading).
    pub fn disarm(self) {
        if let Ok(mut c) = CLEANUPS.lock() {
            c.remove(&self.0);
        }
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        // Counted as running before it leaves the map, so the handler never sees it
        // in neither place.
        RUNNING.fetch_add(1, Ordering::SeqCst);
        let action = CLEANUPS.lock().ok().and_then(|mut c| c.remove(&self.0));
        if let Some(action) = action {
            action();
        }
        RUNNING.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Temporary paths docpipe created, by ticket (see [`remove_on_interrupt`]).
static LEFTOVERS: Mutex<BTreeMap<u64, PathBuf>> = Mutex::new(BTreeMap::new());

/// Registers a temporary file or folder docpipe just created: if the process is
/// interrupted while it still exists, the handler removes it. Nothing needs to
/// unregister it: a path renamed into place or deleted is simply gone, and
/// entries for such paths are pruned as new ones arrive.
pub fn remove_on_interrupt(path: &Path) {
    let Ok(mut map) = LEFTOVERS.lock() else {
        return;
    };
    if map.len() >= 256 {
        map.retain(|_, p| p.symlink_metadata().is_ok());
    }
    let ticket = NEXT_TICKET.fetch_add(1, Ordering::SeqCst);
    map.insert(ticket, path.to_path_buf());
}

/// Removes every registered temporary path still there. A worker may still be
/// writing into a folder being removed, so each removal is tried a few times.
fn remove_leftovers() {
    let paths: Vec<PathBuf> = LEFTOVERS
        .lock()
        .map(|mut m| std::mem::take(&mut *m).into_values().collect())
        .unwrap_or_default();
    for path in paths {
        for _ in 0..3 {
            let result = match path.symlink_metadata() {
                Err(_) => break,
                Ok(meta) if meta.is_dir() => std::fs::remove_dir_all(&path),
                Ok(_) => std::fs::remove_file(&path),
            };
            if result.is_ok() {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// Runs every pending cleanup and waits (bounded) for those already running.
fn run_cleanups() {
    let pending: Vec<Action> = CLEANUPS
        .lock()
        .map(|mut c| std::mem::take(&mut *c).into_values().collect())
        .unwrap_or_default();
    if !pending.is_empty() {
        crate::messages::line("docpipe: interrupted; cleaning up at the provider first");
        // On their own thread, so a provider that does not answer cannot hold the
        // exit past the grace period.
        RUNNING.fetch_add(1, Ordering::SeqCst);
        std::thread::spawn(|| {
            for action in pending {
                action();
            }
            RUNNING.fetch_sub(1, Ordering::SeqCst);
        });
    }
    let started = Instant::now();
    while RUNNING.load(Ordering::SeqCst) > 0 && started.elapsed() < CLEANUP_GRACE {
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Lets submissions already sent reach the record (bounded by the grace period).
fn wait_for_submissions() {
    let started = Instant::now();
    if IN_FLIGHT.load(Ordering::SeqCst) > 0 {
        crate::messages::line("docpipe: interrupted; recording the submissions already sent first");
    }
    while IN_FLIGHT.load(Ordering::SeqCst) > 0 && started.elapsed() < CLEANUP_GRACE {
        std::thread::sleep(Duration::from_millis(10));
    }
}

pub fn install() {
    // Failing to install (e.g. a handler already set by an embedding program)
    // only loses the friendly message; the default signal behaviour remains.
    let _ = ctrlc::set_handler(|| {
        STOPPING.store(true, Ordering::SeqCst);
        wait_for_submissions();
        run_cleanups();
        remove_leftovers();
        let active = ACTIVE.lock().map(|a| a.clone()).unwrap_or_default();
        let hint = RESUME_HINT.lock().ok().and_then(|h| h.clone());
        let ids: Vec<&str> = active.keys().map(String::as_str).collect();
        let say = crate::messages::line;
        if let Some(hint) = hint {
            say("docpipe: interrupted");
            if ids.is_empty() {
                say(&format!("docpipe: hint: {hint}"));
            } else {
                say(&format!(
                    "docpipe: hint: {hint}; or `docpipe fetch {}` (status: `docpipe status {}`)",
                    ids.join(" "),
                    ids.join(" ")
                ));
            }
        } else if active.is_empty() {
            say("docpipe: interrupted");
        } else {
            say(&format!(
                "docpipe: interrupted; {} submitted task(s) are recorded and keep running at the provider",
                ids.len()
            ));
            say(&format!(
                "docpipe: hint: resume with `docpipe fetch {}` (status: `docpipe status {}`)",
                ids.join(" "),
                ids.join(" ")
            ));
        }
        crate::messages::finish();
        std::process::exit(crate::error::exit::INTERRUPTED);
    });
}

/// Sets the hint printed on interruption in place of the task IDs.
pub fn set_resume_hint(hint: String) {
    if let Ok(mut h) = RESUME_HINT.lock() {
        *h = Some(hint);
    }
}

pub fn track(id: &str, input: &str) {
    if let Ok(mut a) = ACTIVE.lock() {
        a.insert(id.to_string(), input.to_string());
    }
}

pub fn untrack(id: &str) {
    if let Ok(mut a) = ACTIVE.lock() {
        a.remove(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn a_cleanup_runs_once_whether_run_dropped_or_interrupted() {
        let count = Arc::new(AtomicUsize::new(0));
        let c = count.clone();
        on_interrupt(move || {
            c.fetch_add(1, Ordering::SeqCst);
        })
        .run();
        assert_eq!(count.load(Ordering::SeqCst), 1);

        let c = count.clone();
        let guard = on_interrupt(move || {
            c.fetch_add(1, Ordering::SeqCst);
        });
        run_cleanups();
        assert_eq!(count.load(Ordering::SeqCst), 2);
        drop(guard);
        assert_eq!(count.load(Ordering::SeqCst), 2, "ran twice");
    }

    #[test]
    fn leftovers_still_there_are_removed_and_others_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(".docpipe-download-x");
        let staging = dir.path().join(".docpipe-staging-y");
        let published = dir.path().join("result");
        std::fs::write(&file, b"partial").unwrap();
        std::fs::create_dir_all(staging.join("images")).unwrap();
        std::fs::write(staging.join("images/a.png"), b"png").unwrap();
        let renamed = dir.path().join(".docpipe-staging-z");
        std::fs::create_dir(&renamed).unwrap();
        for p in [&file, &staging, &renamed] {
            remove_on_interrupt(p);
        }
        // Published: renamed into place before the interruption.
        std::fs::rename(&renamed, &published).unwrap();
        remove_leftovers();
        assert!(!file.exists() && !staging.exists());
        assert!(published.is_dir(), "a published result was removed");
    }
}
