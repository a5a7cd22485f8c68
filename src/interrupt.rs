//! Ctrl-C and SIGTERM: stop waiting, say how to resume, exit 130. Every task is
//! already in the record before anything waits on it, so stopping loses nothing.

use std::collections::BTreeMap;
use std::sync::Mutex;

/// Tasks submitted and not yet finished in this run: ID → input.
static ACTIVE: Mutex<BTreeMap<String, String>> = Mutex::new(BTreeMap::new());

pub fn install() {
    // Failing to install (e.g. a handler already set by an embedding program)
    // only loses the friendly message; the default signal behaviour remains.
    let _ = ctrlc::set_handler(|| {
        let active = ACTIVE.lock().map(|a| a.clone()).unwrap_or_default();
        if active.is_empty() {
            eprintln!("docpipe: interrupted");
        } else {
            let ids: Vec<&str> = active.keys().map(String::as_str).collect();
            eprintln!(
                "docpipe: interrupted; {} submitted task(s) are recorded and keep running at the provider",
                ids.len()
            );
            eprintln!(
                "docpipe: hint: resume with `docpipe fetch {}` (status: `docpipe status {}`)",
                ids.join(" "),
                ids.join(" ")
            );
        }
        std::process::exit(crate::error::exit::INTERRUPTED);
    });
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
