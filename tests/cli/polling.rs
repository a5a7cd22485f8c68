//! When `batch` asks and downloads (#24): a document is downloaded as soon as
//! its own task is done, not its batch's; a batch is never asked twice within
//! the poll interval, so never more than once a round, however the forecast
//! of its documents' finish moves its asks; a batch that finishes together
//! is downloaded several results at a time, more than `--concurrency`, and
//! ahead of its writing when writing is the slower half; a first run asks
//! when the pages extracted say a batch will be done rather than on every
//! beat. How fast is measured by `scripts/bench`, not here.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::harness::{stderr_of, Env};
use crate::support::faults::Faults;
use crate::support::http::{Recorded, Server};
use crate::support::zipfix;
use crate::support::{Advance, FakeConfig, FakeMineru};

fn pdfs(dir: &Path, n: usize) -> Vec<PathBuf> {
    fs::create_dir_all(dir).unwrap();
    (0..n)
        .map(|i| {
            let p = dir.join(format!("p{i:02}.pdf"));
            fs::write(&p, format!("%PDF-1.4\n% polling document {i}\n%%EOF\n")).unwrap();
            p
        })
        .collect()
}

fn is_download(r: &Recorded) -> bool {
    r.server == Server::Cdn && r.method == "GET"
}

fn is_upload(r: &Recorded) -> bool {
    r.server == Server::Oss && r.method == "PUT"
}

/// The batch ID of a batch status request.
fn status_of(r: &Recorded) -> Option<&str> {
    let rest = r.path.split('?').next()?;
    let id = rest.strip_prefix("/api/v4/extract-results/batch/")?;
    (r.method == "GET").then_some(id)
}

/// A fake whose tasks take four steps of 50 ms, with `faults`.
fn quick_fake(faults: Faults) -> FakeMineru {
    FakeMineru::start_with(FakeConfig {
        advance: Advance::Time(Duration::from_millis(50)),
        faults: Some(Arc::new(faults)),
        ..FakeConfig::default()
    })
}

/// `batch --concurrency 1` of `inputs` into `env.out()`, which must succeed.
fn batch_one_at_a_time(env: &Env, fake: &FakeMineru, inputs: &[impl AsRef<std::ffi::OsStr>]) {
    let out = env
        .keyed(fake)
        .args(["-p", "mineru", "-q", "batch", "--concurrency", "1", "-o"])
        .arg(env.out())
        .args(inputs)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
}

/// `batch` of `urls` into `out`, asked every `interval` at first and backing
/// off to `max`, with the config file `config` if any; it must succeed.
fn batch_polled(
    env: &Env,
    fake: &FakeMineru,
    (interval, max): (&str, &str),
    config: Option<&Path>,
    out: &Path,
    urls: &[String],
) {
    let mut cmd = env.keyed(fake);
    cmd.env("DOCPIPE_POLL_INTERVAL", interval)
        .env("DOCPIPE_POLL_MAX", max);
    if let Some(config) = config {
        cmd.arg("-c").arg(config);
    }
    let output = cmd
        .args(["-p", "mineru", "-q", "batch", "-o"])
        .arg(out)
        .args(urls)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
}

/// Asserts that no two of one batch's asks came within the interval.
fn assert_spaced(id: &str, times: &[Instant], interval: Duration) {
    for pair in times.windows(2) {
        let gap = pair[1] - pair[0];
        // Arrival times: a request delayed on its way can land a little
        // closer to the next than it was sent.
        assert!(
            gap >= interval.mul_f64(0.6),
            "batch {id} asked twice {gap:?} apart (interval {interval:?}): {times:?}"
        );
    }
}

#[test]
fn a_document_downloads_when_its_own_task_is_done_not_its_batch() {
    // Each upload held 500 ms, one at a time: the five tasks of the one batch
    // start, and finish, 500 ms apart.
    let faults = Faults::new(0, 0, is_upload).slowing_creations(Duration::from_millis(500));
    let fake = quick_fake(faults);
    let env = Env::new();
    let files = pdfs(&env.work.path().join("in"), 5);
    batch_one_at_a_time(&env, &fake, &files);
    assert_eq!(
        fake.count("POST", "/api/v4/file-urls/batch"),
        1,
        "one batch"
    );
    let log = fake.requests();
    let first_download = log.iter().position(is_download).expect("no download");
    let last_upload = log.iter().rposition(is_upload).expect("no upload");
    assert!(
        first_download < last_upload,
        "the first result was downloaded only after the last upload began (request {first_download} of {})",
        log.len()
    );
    assert_eq!(log.iter().filter(|r| is_download(r)).count(), 5);
    for f in &files {
        let name = f.file_stem().unwrap();
        assert!(env.out().join(name).join("full.md").is_file(), "{name:?}");
    }
}

#[test]
fn no_batch_is_asked_twice_within_the_poll_interval() {
    // Three batches of two, created 150 ms apart, tasks of 400 ms: their
    // documents finish at different moments, which the forecast learns from.
    let faults = Faults::new(0, 0, |r: &Recorded| {
        r.method == "POST" && r.path.starts_with("/api/v4/extract/task/batch")
    })
    .slowing_creations(Duration::from_millis(150));
    let fake = FakeMineru::start_with(FakeConfig {
        advance: Advance::Time(Duration::from_millis(100)),
        faults: Some(Arc::new(faults)),
        ..FakeConfig::default()
    });
    let env = Env::new();
    let config = env.config("[providers.mineru]\nmax_batch = 2\n");
    let urls: Vec<String> = (0..6)
        .map(|i| format!("https://docs.example.org/poll/u{i}.pdf"))
        .collect();
    let polls = ("250ms", "2s");
    batch_polled(&env, &fake, polls, Some(&config), &env.out(), &urls);
    let log = fake.requests();
    let mut asks: std::collections::BTreeMap<&str, Vec<Instant>> = Default::default();
    for r in &log {
        if let Some(id) = status_of(r) {
            asks.entry(id).or_default().push(r.at);
        }
    }
    assert_eq!(asks.len(), 3, "three batches asked about: {asks:?}");
    for (id, times) in &asks {
        assert_spaced(id, times, Duration::from_millis(250));
    }
    assert_eq!(log.iter().filter(|r| is_download(r)).count(), 6);
}

/// The status requests of a fake's log.
fn status_requests(log: &[Recorded]) -> usize {
    log.iter().filter(|r| status_of(r).is_some()).count()
}

#[test]
fn a_run_aims_its_first_asks_at_the_task_times_of_earlier_runs() {
    // Tasks of 2 s (4 steps of 500 ms), an interval of 200 ms that does not
    // back off: a run that knows nothing asks every 200 ms; one that knows
    // the tasks take 2 s asks up to two intervals apart until then. One page
    // a document: no page rate to forecast from in either run.
    let fake = FakeMineru::start_with(FakeConfig {
        advance: Advance::Time(Duration::from_millis(500)),
        pages: 1,
        ..FakeConfig::default()
    });
    let env = Env::new();
    let run = |tag: &str| {
        let urls: Vec<String> = (0..2)
            .map(|i| format!("https://docs.example.org/times/{tag}{i}.pdf"))
            .collect();
        let before = fake.requests().len();
        let polls = ("200ms", "200ms");
        batch_polled(&env, &fake, polls, None, &env.out().join(tag), &urls);
        let log = fake.requests();
        assert_eq!(log[before..].iter().filter(|r| is_download(r)).count(), 2);
        status_requests(&log[before..])
    };
    let blind = run("first");
    let timings = env.data_dir().join("timings/mineru.json");
    let kept = fs::read_to_string(&timings).expect("the task times are kept");
    assert!(kept.contains("tasks"), "{kept}");
    let aimed = run("second");
    // About 10 asks against 5: a quarter fewer at least, however loaded.
    assert!(
        aimed * 4 <= blind * 3,
        "a run that knew the task times asked {aimed} times, one that did not {blind}: {kept}"
    );
}

#[test]
fn a_first_run_asks_when_the_pages_say_the_batch_will_be_done() {
    // Tasks of 2 s (4 steps of 500 ms: pending, two running steps over
    // which the 12 pages are extracted at a steady rate, converting), an
    // interval of 600 ms, no earlier run. Blind, the batch is asked at 0.6
    // (1 page), 1.2 (8 pages), 1.8 (converting) and 2.4 s (done): 4 times.
    // Two answers give the page rate (extracted by about 1.55 s); the batch
    // is then asked one interval after that, once, and seen done.
    let step = Duration::from_millis(500);
    let fake = FakeMineru::start_with(FakeConfig {
        advance: Advance::Time(step),
        ..FakeConfig::default()
    });
    let env = Env::new();
    let urls: Vec<String> = (0..2)
        .map(|i| format!("https://docs.example.org/pages/p{i}.pdf"))
        .collect();
    let interval = Duration::from_millis(600);
    batch_polled(&env, &fake, ("600ms", "600ms"), None, &env.out(), &urls);
    let log = fake.requests();
    let created = log
        .iter()
        .find(|r| r.method == "POST" && r.path.starts_with("/api/v4/extract/task/batch"))
        .expect("a batch created")
        .at;
    let times: Vec<Instant> = log
        .iter()
        .filter(|r| status_of(r).is_some())
        .map(|r| r.at)
        .collect();
    let asks: Vec<Duration> = times.iter().map(|t| *t - created).collect();
    assert!(
        asks.len() <= 3,
        "asked {} times, at {asks:?} after the batch was created",
        asks.len()
    );
    assert_spaced("of the URLs", &times, interval);
    // The answer that showed it done came no later than one interval after
    // the finish, as on the beat.
    let finish = step * 4;
    let seen = *asks.last().unwrap();
    assert!(
        seen >= finish && seen <= finish + interval,
        "done at {finish:?}, seen at {seen:?}: {asks:?}"
    );
    assert_eq!(log.iter().filter(|r| is_download(r)).count(), 2);
}

#[test]
fn a_run_that_knows_earlier_task_times_sees_its_batch_done_no_later_and_asks_less() {
    // Tasks of 4 s (steps of 1 s: pending, two running steps over which the
    // 12 pages are extracted, converting), an interval of 1.2 s. The first
    // run asks at 1.2 and 2.4 s (the page rate), then one interval after the
    // extraction's end: about 4.2 s. A run that knows that answer aims its
    // last ask there too. Aimed inside the bracket earlier runs saw (2.4 to
    // 4.2 s: 3.3 s), it found the tasks converting and could ask again only
    // an interval later, at 4.8 s.
    let step = Duration::from_secs(1);
    let fake = FakeMineru::start_with(FakeConfig {
        advance: Advance::Time(step),
        ..FakeConfig::default()
    });
    let env = Env::new();
    let run = |tag: &str| {
        let urls: Vec<String> = (0..2)
            .map(|i| format!("https://docs.example.org/again/{tag}{i}.pdf"))
            .collect();
        let before = fake.requests().len();
        batch_polled(
            &env,
            &fake,
            ("1200ms", "1200ms"),
            None,
            &env.out().join(tag),
            &urls,
        );
        let log = &fake.requests()[before..];
        let created = log
            .iter()
            .find(|r| r.method == "POST" && r.path.starts_with("/api/v4/extract/task/batch"))
            .expect("a batch created")
            .at;
        let asks: Vec<Duration> = log
            .iter()
            .filter(|r| status_of(r).is_some())
            .map(|r| r.at - created)
            .collect();
        assert_eq!(log.iter().filter(|r| is_download(r)).count(), 2, "{tag}");
        asks
    };
    let first = run("first");
    let second = run("second");
    let seen = |asks: &[Duration]| *asks.last().expect("asked");
    assert!(
        seen(&second) <= seen(&first) + Duration::from_millis(200),
        "the first run saw its batch done at {:?}, the second at {:?} ({first:?}; {second:?})",
        seen(&first),
        seen(&second)
    );
    assert!(
        second.len() < first.len(),
        "the second run asked {second:?}, the first {first:?}"
    );
}

#[test]
fn results_finished_together_download_several_at_once_beyond_the_concurrency() {
    // Eight URLs in one batch finish together; the CDN sends each result at
    // its size a second (a second a download). `--concurrency 1` bounds what
    // goes to the API at once, not the CDN: four downloads start together.
    let size = zipfix::demo_zip_bytes("x", None, "pdf").len() as u64;
    let faults = Faults::new(0, 0, |_| false).throttling(size);
    let fake = quick_fake(faults);
    let env = Env::new();
    let urls: Vec<String> = (0..8)
        .map(|i| format!("https://docs.example.org/together/t{i}.pdf"))
        .collect();
    batch_one_at_a_time(&env, &fake, &urls);
    let log = fake.requests();
    let mut starts: Vec<Instant> = log
        .iter()
        .filter(|r| is_download(r))
        .map(|r| r.at)
        .collect();
    starts.sort();
    assert_eq!(starts.len(), 8);
    // One at a time, the fourth would start three seconds after the first.
    let spread = starts[3] - starts[0];
    assert!(
        spread < Duration::from_millis(600),
        "the fourth download started {spread:?} after the first: {:?}",
        starts.iter().map(|t| *t - starts[0]).collect::<Vec<_>>()
    );
    for i in 0..8 {
        assert!(
            env.out().join(format!("t{i}")).join("full.md").is_file(),
            "t{i}"
        );
    }
}

#[test]
fn a_batch_downloads_ahead_of_its_slow_writing() {
    // Twelve URLs in one batch finish together; each result is small to
    // download and slow to write (12 MiB of zeros, deflated, to inflate).
    // With `--concurrency 1` one worker writes; the downloads do not wait
    // for it: every result is on this machine before the first is written.
    // (With four results waiting a worker, the tenth download could start
    // only once the first result was written and the second taken.)
    let dir = tempfile::tempdir().unwrap();
    let zip_path = dir.path().join("slow-to-write.zip");
    {
        use std::io::Write;
        use zip::write::SimpleFileOptions;
        let mut w = zip::ZipWriter::new(fs::File::create(&zip_path).unwrap());
        let deflated =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        w.start_file("full.md", deflated).unwrap();
        w.write_all(b"# Slow to write\n").unwrap();
        w.start_file("padding/zeros.txt", deflated).unwrap();
        let zeros = vec![0u8; 1024 * 1024];
        for _ in 0..12 {
            w.write_all(&zeros).unwrap();
        }
        w.finish().unwrap();
    }
    let fake = FakeMineru::start_with(FakeConfig {
        advance: Advance::Time(Duration::from_millis(50)),
        result_zip: Some(zip_path),
        ..FakeConfig::default()
    });
    let env = Env::new();
    let urls: Vec<String> = (0..12)
        .map(|i| format!("https://docs.example.org/ahead/a{i:02}.pdf"))
        .collect();
    // The clock of the fake's log, and the one of file times.
    let (t0, wall0) = (Instant::now(), std::time::SystemTime::now());
    let out = env
        .keyed(&fake)
        .env("DOCPIPE_POLL_INTERVAL", "100ms")
        .args(["-p", "mineru", "-q", "batch", "--concurrency", "1", "-o"])
        .arg(env.out())
        .args(&urls)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let downloads: Vec<Duration> = fake
        .requests()
        .iter()
        .filter(|r| is_download(r))
        .map(|r| r.at - t0)
        .collect();
    assert_eq!(downloads.len(), 12);
    let last_download = downloads.iter().max().copied().unwrap();
    // A result is written when its last file is: the latest file time in
    // its folder (file times lag the clock by a tick, never lead it).
    let written = |i: usize| {
        let folder = env.out().join(format!("a{i:02}"));
        [folder.join("full.md"), folder.join("padding/zeros.txt")]
            .iter()
            .map(|p| {
                let m = fs::metadata(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
                m.modified().unwrap().duration_since(wall0).unwrap()
            })
            .max()
            .unwrap()
    };
    let first_written = (0..12).map(written).min().unwrap();
    assert!(
        last_download < first_written,
        "the last download started at {last_download:?}, after the first result was written at {first_written:?}: {downloads:?}"
    );
}
