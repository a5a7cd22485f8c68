//! Fault injection: 100-document batches against fakes that fail 15 % of their
//! answers (5xx, 429 with Retry-After, dropped connections, truncated downloads,
//! stalls past the read and stall timeouts, downloads included; creations refused
//! with 429, 500, 503 or MinerU's "try again later" codes, or acted on and then
//! answered 502/504 or dropped) over kept-alive connections. Each batch finishes
//! (in a rerun when an answer was lost after the fake acted) with every result
//! complete and byte-correct, one billed creation per document plus exactly one
//! more for each answer lost after acting, and no key off the API host.

use std::fs;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::harness::{stderr_of, Env};
use crate::support::faults::Faults;
use crate::support::gptge::{result_bytes, FakeGptGe, GptGeConfig, GPTGE_KEY};
use crate::support::parse4ai::{FakeParse4ai, P4Config};
use crate::support::{demo_images, demo_markdown, FakeConfig, FakeMineru, Recorded};

const SEED: u64 = 0x5eed_d0c5;
const PERCENT: u64 = 15;
/// The client's read and stall timeouts in these tests, and the stall that
/// exceeds them.
const READ_TIMEOUT: &str = "2s";
const STALL: Duration = Duration::from_millis(2500);
/// The first creations of every run are refused (500, then the dialect's busy
/// code or 500 again) on top of the random faults: every provider's batch
/// meets 500s on its creating calls, however few calls it makes.
const REFUSED_CREATIONS: usize = 2;
/// No more than `FAULT_FLOOR - 1` requests in a row pass without a fault where
/// a suite sets it (the parse4ai suite: its request count moves with polling).
const FAULT_FLOOR: u32 = 7;

/// The suites run one at a time: each puts a 100-document batch under 1 s
/// read and stall timeouts, and several at once on a shared 2-core machine
/// starve each other's fakes past those timeouts (downloads of MinerU zips
/// timed out in every attempt), which tests the machine, not the client.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

/// Small timeouts and backoff, so faults cost milliseconds, not minutes.
fn fast(cmd: &mut assert_cmd::Command) {
    cmd.env("DOCPIPE_RETRY_BASE", "5ms")
        .env("DOCPIPE_READ_TIMEOUT", READ_TIMEOUT)
        .env("DOCPIPE_STALL_TIMEOUT", READ_TIMEOUT)
        .env("DOCPIPE_CONNECT_TIMEOUT", "2s");
    cmd.timeout(Duration::from_secs(120));
}

fn report(what: &str, faults: &Faults, docs: usize, created: usize, runs: usize, wall: Duration) {
    eprintln!(
        "fault suite: {what}: {docs} documents, {PERCENT} % fault rate, {} requests, {} faults injected {:?}, on creating calls {:?}, acted on then answer lost {:?}, {} creating calls on a reused connection, {runs} run(s), {created} billed creations ({:.2} per document), {wall:?}",
        faults.requests(),
        faults.total_injected(),
        faults.injected(),
        faults.on_creations(),
        faults.acted_then_lost(),
        faults.creations_on_reused_connections(),
        created as f64 / docs as f64,
    );
    // Keep-alive is the point: a creating call sent on a pooled connection
    // (which a real server may have closed meanwhile) must have happened.
    assert!(
        !faults.keeps_alive() || faults.creations_on_reused_connections() >= 1,
        "{what}: no creating call came on a reused connection"
    );
    assert!(
        faults.on_creations().get("500").copied().unwrap_or(0) >= 1,
        "{what}: no 500 on a creating call: {:?}",
        faults.on_creations()
    );
}

/// Runs `cmd` until it succeeds, at most 5 times: a creation whose answer was
/// lost after the fake acted leaves its documents for the rerun, and each run
/// that ends early must say so. The last output and the number of runs.
fn until_done(cmd: &mut assert_cmd::Command) -> (std::process::Output, usize) {
    for run in 1..=5 {
        let out = cmd.output().unwrap();
        if out.status.success() {
            return (out, run);
        }
        let err = stderr_of(&out);
        assert!(
            err.contains("run the same command again"),
            "run {run} failed without saying to run again: {err}"
        );
    }
    panic!("still not done after 5 runs");
}

/// Answers lost after the fake acted on a request to this path.
fn lost_on(faults: &Faults, path: &str) -> usize {
    faults.acted_then_lost().get(path).copied().unwrap_or(0)
}

fn pdfs(dir: &Path, n: usize) -> Vec<std::path::PathBuf> {
    fs::create_dir_all(dir).unwrap();
    (0..n)
        .map(|i| {
            let p = dir.join(format!("f{i:03}.pdf"));
            fs::write(&p, format!("%PDF-1.4\n% fault suite document {i}\n%%EOF\n")).unwrap();
            p
        })
        .collect()
}

/// MinerU's "queue full, try again later" answer (its SDK lists -10001, -60007
/// and -60009 as retryable).
const MINERU_BUSY: &str =
    r#"{"code":-60009,"msg":"queue is full, please try again later","data":null}"#;

fn mineru_creates(rq: &Recorded) -> bool {
    rq.method == "POST"
        && (rq.path_only().ends_with("/file-urls/batch")
            || rq.path_only().contains("/extract/task"))
}

/// The unpacked MinerU result is the fake's zip, byte for byte.
fn assert_mineru_result(dir: &Path, origin: Option<&[u8]>) {
    assert_eq!(
        fs::read_to_string(dir.join("full.md")).unwrap(),
        demo_markdown(),
        "{}",
        dir.display()
    );
    for (name, bytes) in demo_images() {
        assert_eq!(fs::read(dir.join("images").join(name)).unwrap(), bytes);
    }
    if let Some(origin) = origin {
        let found = fs::read_dir(dir)
            .unwrap()
            .flatten()
            .find(|e| e.file_name().to_string_lossy().ends_with("_origin.pdf"))
            .expect("origin file");
        assert_eq!(fs::read(found.path()).unwrap(), origin);
    }
}

#[test]
fn mineru_files_and_urls_survive_15_percent_faults() {
    let _turn = one_at_a_time();
    let faults = Arc::new(
        Faults::new(SEED, PERCENT, mineru_creates)
            .with_stalls(STALL)
            .refusing_creations(REFUSED_CREATIONS)
            .with_busy_answer(MINERU_BUSY)
            .losing_answers_after_acting()
            .keeping_alive(),
    );
    let fake = FakeMineru::start_with(FakeConfig {
        faults: Some(faults.clone()),
        ..FakeConfig::default()
    });
    let env = Env::new();
    let files = pdfs(&env.work.path().join("in"), 50);
    let list = env.work.path().join("list.txt");
    let urls: Vec<String> = (0..50)
        .map(|i| format!("https://docs.example.org/web/u{i:03}.pdf"))
        .collect();
    fs::write(&list, urls.join("\n")).unwrap();
    let started = Instant::now();
    let mut cmd = env.keyed(&fake);
    fast(&mut cmd);
    cmd.args(["-p", "mineru", "-q", "batch", "--concurrency", "8", "-o"])
        .arg(env.out())
        .arg("--from")
        .arg(&list)
        .args(&files);
    let (out, runs) = until_done(&mut cmd);
    let wall = started.elapsed();
    report(
        "mineru files+URLs",
        &faults,
        100,
        fake.tasks_created(),
        runs,
        wall,
    );
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(faults.total_injected() > 10, "{:?}", faults.injected());
    // A lost batch creation made tasks for every document it carried (at most
    // 200); each of them is created once more by the rerun.
    let lost = lost_on(&faults, "/api/v4/extract/task/batch")
        + lost_on(&faults, "/api/v4/file-urls/batch");
    assert!(
        fake.tasks_created() >= 100 && fake.tasks_created() <= 100 + 200 * lost,
        "{} tasks for 100 documents, {lost} lost creations",
        fake.tasks_created()
    );
    assert_eq!(
        runs > 1,
        lost > 0,
        "a rerun exactly when an answer was lost"
    );
    let v = fake.violations();
    assert!(v.is_empty(), "{v:#?}");
    for (i, f) in files.iter().enumerate() {
        assert_mineru_result(
            &env.out().join(format!("f{i:03}")),
            Some(&fs::read(f).unwrap()),
        );
    }
    for i in 0..50 {
        assert_mineru_result(&env.out().join(format!("u{i:03}")), None);
    }
}

#[test]
fn parse4ai_urls_survive_15_percent_faults() {
    let _turn = one_at_a_time();
    let faults = Arc::new(
        Faults::new(SEED, PERCENT, |rq| {
            rq.method == "POST" && rq.path_only().contains("/extract/task")
        })
        .with_stalls(STALL)
        .refusing_creations(REFUSED_CREATIONS)
        .with_busy_answer(MINERU_BUSY)
        .losing_answers_after_acting()
        .keeping_alive()
        // The forecast cuts status requests, so the random rate alone may
        // meet only ~10 faults in a run: one in every 7 requests at least.
        .at_least_one_in(FAULT_FLOOR),
    );
    let fake = FakeParse4ai::start_with(P4Config {
        faults: Some(faults.clone()),
        ..P4Config::default()
    });
    let env = Env::new();
    let list = env.work.path().join("list.txt");
    let urls: Vec<String> = (0..100)
        .map(|i| format!("https://docs.example.org/p4/d{i:03}.pdf"))
        .collect();
    fs::write(&list, urls.join("\n")).unwrap();
    let started = Instant::now();
    let mut cmd = env.p4(&fake);
    fast(&mut cmd);
    cmd.args(["-p", "parse4ai", "-q", "batch", "--concurrency", "8", "-o"])
        .arg(env.out())
        .arg("--from")
        .arg(&list);
    let (out, runs) = until_done(&mut cmd);
    let wall = started.elapsed();
    report(
        "parse4ai URLs",
        &faults,
        100,
        fake.tasks_created(),
        runs,
        wall,
    );
    assert!(out.status.success(), "{}", stderr_of(&out));
    // Every result is downloaded at least once: 100 requests, with no more
    // than FAULT_FLOOR - 1 clean in a row (one more where a retry hit the cap
    // on faults in a row): at least 100 / (FAULT_FLOOR + 1) = 12 faults,
    // whatever the polling did.
    assert!(faults.total_injected() > 10, "{:?}", faults.injected());
    let lost: usize = faults.acted_then_lost().values().sum();
    assert!(
        fake.tasks_created() >= 100 && fake.tasks_created() <= 100 + 200 * lost,
        "{} tasks for 100 documents, {lost} lost creations",
        fake.tasks_created()
    );
    assert_eq!(
        runs > 1,
        lost > 0,
        "a rerun exactly when an answer was lost"
    );
    let v = fake.violations();
    assert!(v.is_empty(), "{v:#?}");
    for i in 0..100 {
        assert_mineru_result(&env.out().join(format!("d{i:03}")), None);
    }
}

#[test]
fn gptge_files_survive_15_percent_faults() {
    let _turn = one_at_a_time();
    let faults = Arc::new(
        Faults::new(SEED, PERCENT, |rq| {
            rq.method == "POST" && rq.path_only() == "/task/pic/ocr"
        })
        .with_stalls(STALL)
        .refusing_creations(REFUSED_CREATIONS)
        .losing_answers_after_acting()
        .keeping_alive(),
    );
    let fake = FakeGptGe::start_with(GptGeConfig {
        faults: Some(faults.clone()),
        ..GptGeConfig::default()
    });
    let env = Env::new();
    let files = pdfs(&env.work.path().join("in"), 100);
    let started = Instant::now();
    let mut cmd = env.bare();
    cmd.env("DOCPIPE_GPTGE_BASE_URL", fake.base_url())
        .env("GPTGE_API_KEY", GPTGE_KEY);
    fast(&mut cmd);
    cmd.args(["-p", "gptge", "-q", "batch", "--concurrency", "8", "-o"])
        .arg(env.out())
        .args(&files);
    let (out, runs) = until_done(&mut cmd);
    let wall = started.elapsed();
    let tasks = fake.tasks();
    report("gpt.ge files", &faults, 100, tasks.len(), runs, wall);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(faults.total_injected() > 10, "{:?}", faults.injected());
    let lost = lost_on(&faults, "/task/pic/ocr");
    assert_eq!(
        tasks.len(),
        100 + lost,
        "one task per document, and one more for each answer lost after acting"
    );
    assert_eq!(
        runs > 1,
        lost > 0,
        "a rerun exactly when an answer was lost"
    );
    let mut names: Vec<_> = tasks.iter().filter_map(|t| t.file_name.clone()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 100, "every document");
    let v = fake.violations();
    assert!(v.is_empty(), "{v:#?}");
    let want = result_bytes("txt");
    for i in 0..100 {
        let dir = env.out().join(format!("f{i:03}"));
        let got = fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .flatten()
            .map(|e| fs::read(e.path()).unwrap())
            .collect::<Vec<_>>();
        assert_eq!(got, vec![want.clone()], "{}", dir.display());
    }
}

#[test]
fn mistral_sync_ocr_in_a_batch_survives_15_percent_faults() {
    let _turn = one_at_a_time();
    use crate::support::mistral::{FakeMistral, MistralConfig, MISTRAL_KEY};
    let faults = Arc::new(
        Faults::new(SEED, PERCENT, |rq| {
            rq.method == "POST" && matches!(rq.path_only(), "/v1/ocr" | "/v1/files")
        })
        .with_stalls(STALL)
        .refusing_creations(REFUSED_CREATIONS)
        .losing_answers_after_acting()
        .keeping_alive(),
    );
    let fake = FakeMistral::start_with(MistralConfig {
        faults: Some(faults.clone()),
        ..MistralConfig::default()
    });
    let env = Env::new();
    let files = pdfs(&env.work.path().join("in"), 100);
    // Every file through /v1/files: upload, signed URL, OCR, delete.
    let config = env.config("[providers.mistral]\ninline_max_kb = 0\n");
    let started = Instant::now();
    let mut cmd = env.bare();
    cmd.env("DOCPIPE_MISTRAL_BASE_URL", fake.base_url())
        .env("MISTRAL_API_KEY", MISTRAL_KEY)
        .arg("-c")
        .arg(&config);
    fast(&mut cmd);
    cmd.args([
        "-p",
        "mistral",
        "-q",
        "batch",
        "--batch-api",
        "off",
        "--concurrency",
        "8",
        "-o",
    ])
    .arg(env.out())
    .args(&files);
    let (out, runs) = until_done(&mut cmd);
    let wall = started.elapsed();
    report(
        "mistral sync OCR",
        &faults,
        100,
        fake.answered(),
        runs,
        wall,
    );
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(faults.total_injected() > 10, "{:?}", faults.injected());
    let (lost_ocr, lost_uploads) = (lost_on(&faults, "/v1/ocr"), lost_on(&faults, "/v1/files"));
    assert_eq!(
        fake.answered(),
        100 + lost_ocr,
        "one billed OCR call per document, and one more for each answer lost after acting"
    );
    assert_eq!(
        fake.files().len(),
        100 + lost_ocr + lost_uploads,
        "one upload per OCR call sent, and one per upload whose answer was lost"
    );
    assert_eq!(runs > 1, lost_ocr + lost_uploads > 0);
    let v = fake.violations();
    assert!(v.is_empty(), "{v:#?}");
    // An upload whose answer was lost is a file docpipe never learnt the ID
    // of: it stays at Mistral (unbilled storage). Every other one is deleted.
    assert_eq!(fake.files_left(), lost_uploads, "uploads left at Mistral");
    for i in 0..100 {
        let md = fs::read_to_string(env.out().join(format!("f{i:03}/full.md"))).unwrap();
        for page in 1..=3 {
            assert!(md.contains(&format!("Text of page {page}.")), "{md}");
        }
    }
}

#[test]
fn mistral_batch_job_survives_15_percent_faults() {
    let _turn = one_at_a_time();
    use crate::support::mistral::{FakeMistral, MistralConfig, MISTRAL_KEY};
    // Creating calls: the JSONL upload and the job's creation.
    let faults = Arc::new(
        Faults::new(SEED, PERCENT, |rq| {
            rq.method == "POST" && matches!(rq.path_only(), "/v1/files" | "/v1/batch/jobs")
        })
        .with_stalls(STALL)
        .refusing_creations(REFUSED_CREATIONS)
        .keeping_alive(),
    );
    let fake = FakeMistral::start_with(MistralConfig {
        faults: Some(faults.clone()),
        batch_polls: 3,
        ..MistralConfig::default()
    });
    let env = Env::new();
    let files = pdfs(&env.work.path().join("in"), 100);
    let started = Instant::now();
    let mut cmd = env.bare();
    cmd.env("DOCPIPE_MISTRAL_BASE_URL", fake.base_url())
        .env("MISTRAL_API_KEY", MISTRAL_KEY)
        .env("DOCPIPE_POLL_INTERVAL", "20ms")
        .env("DOCPIPE_POLL_MAX", "50ms");
    fast(&mut cmd);
    let out = cmd
        .args(["-p", "mistral", "-q", "batch", "-o"])
        .arg(env.out())
        .args(&files)
        .output()
        .unwrap();
    let wall = started.elapsed();
    report(
        "mistral batch job",
        &faults,
        100,
        faults.creations(),
        1,
        wall,
    );
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(faults.total_injected() > 0, "{:?}", faults.injected());
    assert_eq!(
        faults.creations(),
        2,
        "one upload and one job for the 100 documents"
    );
    assert_eq!(fake.jobs().len(), 1);
    let v = fake.violations();
    assert!(v.is_empty(), "{v:#?}");
    assert_eq!(fake.files_left(), 0, "the job's input left at Mistral");
    for i in 0..100 {
        let md = fs::read_to_string(env.out().join(format!("f{i:03}/full.md"))).unwrap();
        for page in 1..=3 {
            assert!(md.contains(&format!("Text of page {page}.")), "{md}");
        }
    }
}

#[test]
fn mistralocr_sync_ocr_in_a_batch_survives_15_percent_faults() {
    let _turn = one_at_a_time();
    use crate::support::mistralocr::{FakeMistralOcr, MistralOcrConfig, MARKDOWN, MISTRALOCR_KEY};
    let faults = Arc::new(
        Faults::new(SEED, PERCENT, |rq| {
            rq.method == "POST" && rq.path_only() == "/api/ocr/process"
        })
        .with_stalls(STALL)
        .refusing_creations(REFUSED_CREATIONS)
        .losing_answers_after_acting()
        .keeping_alive(),
    );
    let fake = FakeMistralOcr::start_with(MistralOcrConfig {
        faults: Some(faults.clone()),
        ..MistralOcrConfig::default()
    });
    let env = Env::new();
    let files = pdfs(&env.work.path().join("in"), 100);
    let started = Instant::now();
    let mut cmd = env.bare();
    cmd.env("DOCPIPE_MISTRALOCR_BASE_URL", fake.base_url())
        .env("MISTRALOCR_API_KEY", MISTRALOCR_KEY);
    fast(&mut cmd);
    cmd.args([
        "-p",
        "mistralocr",
        "-q",
        "batch",
        "--concurrency",
        "8",
        "-o",
    ])
    .arg(env.out())
    .args(&files);
    let (out, runs) = until_done(&mut cmd);
    let wall = started.elapsed();
    report(
        "mistralocr sync OCR",
        &faults,
        100,
        faults.creations(),
        runs,
        wall,
    );
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(faults.total_injected() > 10, "{:?}", faults.injected());
    let lost = lost_on(&faults, "/api/ocr/process");
    assert_eq!(
        faults.creations(),
        100 + lost,
        "one billed OCR call per document, and one more for each answer lost after acting"
    );
    assert_eq!(
        runs > 1,
        lost > 0,
        "a rerun exactly when an answer was lost"
    );
    let mut received = fake.received();
    received.sort();
    received.dedup();
    assert_eq!(received.len(), 100, "every document");
    let v = fake.violations();
    assert!(v.is_empty(), "{v:#?}");
    assert!(fake.trap_requests().is_empty());
    for i in 0..100 {
        let md = fs::read_to_string(env.out().join(format!("f{i:03}/full.md"))).unwrap();
        assert_eq!(md, MARKDOWN);
    }
}

/// A creation refused with a 500 or MinerU's "try again later" codes is sent
/// again in the same run (the service acted on nothing): the batch completes
/// in one run, with one task per document, on each of MinerU's busy codes.
#[test]
fn refused_creations_are_retried_in_the_same_run() {
    let _turn = one_at_a_time();
    for busy in [
        r#"{"code":-10001,"msg":"service error, please try again later"}"#,
        r#"{"code":-60007,"msg":"model unavailable, please try again later"}"#,
        MINERU_BUSY,
    ] {
        let faults = Arc::new(
            Faults::new(SEED, 0, mineru_creates)
                .with_busy_answer(busy)
                .refusing_creations(3),
        );
        let fake = FakeMineru::start_with(FakeConfig {
            faults: Some(faults.clone()),
            ..FakeConfig::default()
        });
        let env = Env::new();
        let list = env.work.path().join("list.txt");
        let urls: Vec<String> = (0..10)
            .map(|i| format!("https://docs.example.org/busy/b{i:03}.pdf"))
            .collect();
        fs::write(&list, urls.join("\n")).unwrap();
        let mut cmd = env.keyed(&fake);
        fast(&mut cmd);
        let out = cmd
            .args(["-p", "mineru", "-q", "batch", "-o"])
            .arg(env.out())
            .arg("--from")
            .arg(&list)
            .output()
            .unwrap();
        assert!(out.status.success(), "{busy}: {}", stderr_of(&out));
        assert_eq!(
            faults.injected().get("busy code").copied(),
            Some(1),
            "{:?}",
            faults.injected()
        );
        assert_eq!(faults.injected().get("500").copied(), Some(2));
        assert_eq!(fake.count("POST", "/api/v4/extract/task/batch"), 4);
        assert_eq!(fake.tasks_created(), 10, "one task per document");
        for i in 0..10 {
            assert_mineru_result(&env.out().join(format!("b{i:03}")), None);
        }
    }
}

/// A creation whose answer is lost (502, or the connection closed after the
/// request) may have made a task: it is not sent again, the documents are left
/// for the rerun with a message saying so, and the rerun creates each once.
#[test]
fn lost_creation_answers_are_not_retried_and_the_rerun_creates_each_task_once() {
    let _turn = one_at_a_time();
    let faults = Arc::new(Faults::new(SEED, 0, mineru_creates).losing_creations(2));
    let fake = FakeMineru::start_with(FakeConfig {
        faults: Some(faults.clone()),
        ..FakeConfig::default()
    });
    let env = Env::new();
    let list = env.work.path().join("list.txt");
    let urls: Vec<String> = (0..10)
        .map(|i| format!("https://docs.example.org/lost/l{i:03}.pdf"))
        .collect();
    fs::write(&list, urls.join("\n")).unwrap();
    let run = || {
        let mut cmd = env.keyed(&fake);
        fast(&mut cmd);
        cmd.args(["-p", "mineru", "batch", "-o"])
            .arg(env.out())
            .arg("--from")
            .arg(&list)
            .output()
            .unwrap()
    };
    for lost in 1..=2 {
        let out = run();
        assert!(!out.status.success(), "run {lost} succeeded");
        let err = stderr_of(&out);
        assert!(err.contains("run the same command again"), "{err}");
        assert_eq!(fake.tasks_created(), 0);
        assert_eq!(
            fake.count("POST", "/api/v4/extract/task/batch"),
            lost,
            "a lost creation is never sent again in the same run"
        );
    }
    let out = run();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(fake.tasks_created(), 10, "one task per document");
    for i in 0..10 {
        assert_mineru_result(&env.out().join(format!("l{i:03}")), None);
    }
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}
