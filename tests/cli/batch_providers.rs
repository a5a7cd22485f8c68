//! `batch` through providers one document at a time: mistral (under its batch-job
//! threshold; `mistral_batch.rs` has the jobs) and mistralocr
//! (answers at once) and gpt.ge (tasks), `--concurrency` at a time, with the same
//! record, resume and exactly-once guarantees, and the per-provider rate limit.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::harness::{json_lines, stderr_of, Env};
use crate::support::gptge::{FakeGptGe, GPTGE_KEY, RESULT_TEXT};
use crate::support::mistral::{FakeMistral, MISTRAL_KEY};
use crate::support::mistralocr::{FakeMistralOcr, MARKDOWN, MISTRALOCR_KEY};

/// `n` small distinct PDFs.
fn pdfs(dir: &Path, n: usize) -> Vec<PathBuf> {
    fs::create_dir_all(dir).unwrap();
    (0..n)
        .map(|i| {
            let p = dir.join(format!("doc{i:02}.pdf"));
            fs::write(&p, format!("%PDF-1.4\n% document {i}\n%%EOF\n")).unwrap();
            p
        })
        .collect()
}

#[test]
fn mistral_batch_runs_concurrently_writes_every_folder_and_reruns_for_free() {
    let fake = FakeMistral::start();
    let env = Env::new();
    let docs = pdfs(&env.work.path().join("in"), 6);
    let run = || {
        env.bare()
            .env("DOCPIPE_MISTRAL_BASE_URL", fake.base_url())
            .env("MISTRAL_API_KEY", MISTRAL_KEY)
            .args([
                "-p",
                "mistral",
                "--json",
                "batch",
                "--concurrency",
                "3",
                "-o",
            ])
            .arg(env.out())
            .args(&docs)
            .output()
            .unwrap()
    };
    let out = run();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(fake.find("POST", "/v1/ocr").len(), 6);
    for i in 0..6 {
        let dir = env.out().join(format!("doc{i:02}"));
        assert!(dir.join("full.md").is_file(), "{}", dir.display());
        assert!(dir.join("response.json").is_file());
    }
    assert!(json_lines(&out).iter().all(|l| l["state"] == "done"));
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
    assert_eq!(fake.files_left(), 0);
    // Paid answers are not kept once written.
    let held = env.out().join(".docpipe/held");
    assert!(!held.exists() || fs::read_dir(&held).unwrap().next().is_none());

    let out = run();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(fake.find("POST", "/v1/ocr").len(), 6, "nothing asked twice");
    assert!(json_lines(&out).iter().all(|l| l["skipped"] == true));
}

#[test]
fn mistralocr_batch_with_a_rate_limit_spaces_its_requests() {
    let fake = FakeMistralOcr::start();
    let env = Env::new();
    let docs = pdfs(&env.work.path().join("in"), 5);
    let cfg = env.config("[providers.mistralocr]\nrate_limit = 10\n");
    let started = Instant::now();
    let out = env
        .bare()
        .env("DOCPIPE_MISTRALOCR_BASE_URL", fake.base_url())
        .env("MISTRALOCR_API_KEY", MISTRALOCR_KEY)
        .arg("-c")
        .arg(&cfg)
        .args(["-p", "mistralocr", "batch", "--concurrency", "5", "-o"])
        .arg(env.out())
        .args(&docs)
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(fake.api_requests().len(), 5);
    // Five requests at 10 per second: the last cannot start before 0.4 s.
    assert!(elapsed.as_millis() >= 400, "{elapsed:?}");
    for i in 0..5 {
        let md = fs::read_to_string(env.out().join(format!("doc{i:02}/full.md"))).unwrap();
        assert_eq!(md.trim_end(), MARKDOWN.trim_end());
    }
}

#[test]
fn gptge_batch_polls_each_task_and_resumes_without_resubmitting() {
    let fake = FakeGptGe::start();
    let env = Env::new();
    let docs = pdfs(&env.work.path().join("in"), 4);
    let run = |timeout: &str| {
        env.bare()
            .env("DOCPIPE_GPTGE_BASE_URL", fake.base_url())
            .env("GPTGE_API_KEY", GPTGE_KEY)
            .args([
                "-p",
                "gptge",
                "--timeout",
                timeout,
                "batch",
                "--concurrency",
                "2",
                "-o",
            ])
            .arg(env.out())
            .args(&docs)
            .output()
            .unwrap()
    };
    let out = run("30s");
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(fake.tasks().len(), 4);
    for i in 0..4 {
        let dir = env.out().join(format!("doc{i:02}"));
        let files: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(files.len(), 1, "{files:?}");
        assert_eq!(fs::read_to_string(&files[0]).unwrap(), RESULT_TEXT);
    }
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
    let out = run("30s");
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(fake.tasks().len(), 4, "a rerun submits nothing");
}
