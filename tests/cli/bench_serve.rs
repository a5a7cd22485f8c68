//! The fakes as a standalone server for `scripts/bench`: not a test, so ignored and
//! never part of `cargo test`; kept here so that it compiles (and stays clippy-clean)
//! with the fakes it starts.
//!
//! `cargo test --release --test cli -- --ignored serve_fakes --nocapture` prints
//! `mineru <base url>`, `mistralocr <base url>` and the keys, then serves until
//! killed. Knobs (environment):
//! - `BENCH_TASK_MS`: server-side time of a MinerU task, from creation (URLs) or
//!   upload (files) to `done`, spread over its 4 state steps (default 5000;
//!   the pages are extracted at a steady rate over the two running steps);
//! - `BENCH_RESULT_ZIP`: a zip on disk served, streamed, as every result;
//! - `BENCH_KEEP_BODIES_UP_TO`: request bodies above this many bytes are counted
//!   and hashed, not kept;
//! - `BENCH_THROTTLE`: bytes a second at which MinerU's hosts read uploads and
//!   send results (a slow link, for `scripts/progress-tmux`);
//! - `BENCH_LOG`: file receiving one line per request: milliseconds since start,
//!   host (api/oss/cdn), method, path.

use std::io::Write;
use std::time::{Duration, Instant};

use std::sync::Arc;

use crate::support::faults::Faults;
use crate::support::http::{self, Server};
use crate::support::mistralocr::{FakeMistralOcr, MISTRALOCR_KEY};
use crate::support::{Advance, FakeConfig, FakeMineru, TOKEN};

fn knob(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

#[test]
#[ignore = "a server for scripts/bench; runs until killed"]
fn serve_fakes() {
    let task_ms: u64 = knob("BENCH_TASK_MS").map_or(5000, |v| v.parse().expect("BENCH_TASK_MS"));
    if let Some(limit) = knob("BENCH_KEEP_BODIES_UP_TO") {
        http::keep_bodies_up_to(limit.parse().expect("BENCH_KEEP_BODIES_UP_TO"));
    }
    let mineru = FakeMineru::start_with(FakeConfig {
        advance: Advance::Time(Duration::from_millis(task_ms) / 4),
        result_zip: knob("BENCH_RESULT_ZIP").map(Into::into),
        faults: knob("BENCH_THROTTLE").map(|rate| {
            let rate = rate.parse().expect("BENCH_THROTTLE");
            Arc::new(Faults::new(0, 0, |_| false).throttling(rate))
        }),
        // A real batch allows 200 files; the benchmark sends up to that.
        ..FakeConfig::default()
    });
    let ocr = FakeMistralOcr::start();
    let started = Instant::now();
    let epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "mineru {}", mineru.base_url()).unwrap();
        writeln!(out, "mineru_key {TOKEN}").unwrap();
        writeln!(out, "mistralocr {}", ocr.base_url()).unwrap();
        writeln!(out, "mistralocr_key {MISTRALOCR_KEY}").unwrap();
        // The log's clock: its milliseconds count from this Unix time.
        writeln!(out, "epoch_ms {}", epoch.as_millis()).unwrap();
        writeln!(out, "ready").unwrap();
        out.flush().unwrap();
    }
    let mut log = knob("BENCH_LOG").map(|p| std::fs::File::create(p).expect("BENCH_LOG"));
    let mut written = 0;
    loop {
        // Requests are logged on arrival (bodies read), so a 20 ms look bounds the
        // timestamps' error.
        std::thread::sleep(Duration::from_millis(20));
        let Some(file) = log.as_mut() else { continue };
        // Only the new requests: copying the whole log every 20 ms under its
        // lock held up the fake's handlers more with every batch served (a
        // second 1,000-document run on one fake took 1.5 x the first).
        let requests = mineru.requests_after(written);
        let ms = started.elapsed().as_millis();
        for r in &requests {
            let host = match r.server {
                Server::Api => "api",
                Server::Oss => "oss",
                Server::Cdn => "cdn",
            };
            writeln!(file, "{ms}\t{host}\t{}\t{}", r.method, r.path).unwrap();
        }
        written += requests.len();
        file.flush().unwrap();
    }
}
