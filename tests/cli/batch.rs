//! `docpipe batch`: many documents, exactly once, resumable.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::harness::{json_lines, stderr_of, stdout_of, tree, Env};
use crate::support::{Advance, FakeConfig, FakeMineru, TOKEN};

/// `n` small PDFs with distinct content under `dir`.
fn make_pdfs(dir: &Path, prefix: &str, n: usize) -> Vec<PathBuf> {
    fs::create_dir_all(dir).unwrap();
    (0..n)
        .map(|i| {
            let p = dir.join(format!("{prefix}{i:03}.pdf"));
            // Content differs per folder too: equal content is one document.
            fs::write(
                &p,
                format!(
                    "%PDF-1.4\n% {} {prefix} document {i}\n%%EOF\n",
                    dir.display()
                ),
            )
            .unwrap();
            p
        })
        .collect()
}

fn urls(prefix: &str, n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("https://docs.example.org/{prefix}/u{i:03}.pdf"))
        .collect()
}

fn assert_clean(fake: &FakeMineru) {
    let v = fake.violations();
    assert!(v.is_empty(), "protocol violations: {v:#?}");
}

#[test]
fn sixty_documents_files_and_urls_are_batched_polled_per_batch_and_all_written() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let files = make_pdfs(&env.work.path().join("in"), "f", 30);
    let list = env.work.path().join("list.txt");
    fs::write(&list, format!("# URLs\n\n{}\n", urls("web", 30).join("\n"))).unwrap();
    let started = Instant::now();
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "--json", "batch", "-o"])
        .arg(env.out())
        .arg("--from")
        .arg(&list)
        .args(&files)
        .output()
        .unwrap();
    let wall = started.elapsed();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_clean(&fake);
    eprintln!("60-document batch against the per-poll fake: {wall:?}");

    assert_eq!(fake.tasks_created(), 60);
    assert_eq!(
        fake.count("POST", "/api/v4/file-urls/batch"),
        1,
        "30 files in one upload batch"
    );
    assert_eq!(
        fake.count("POST", "/api/v4/extract/task/batch"),
        1,
        "30 URLs in one batch"
    );
    assert_eq!(
        fake.count("POST", "/api/v4/extract/task"),
        1,
        "only the batch endpoint"
    );
    assert_eq!(
        fake.count("GET", "/api/v4/extract/task/"),
        0,
        "never one status request per document"
    );
    assert_eq!(fake.count("PUT", "/"), 30);

    let lines = json_lines(&out);
    assert_eq!(lines.len(), 60);
    for line in &lines {
        assert_eq!(line["state"], "done", "{line}");
        assert_eq!(line["skipped"], false);
        assert!(line["batch_id"].is_string());
        let md = line["markdown"].as_str().unwrap();
        assert!(Path::new(md).is_file(), "{md}");
    }
    for i in 0..30 {
        assert!(env.out().join(format!("f{i:03}/full.md")).is_file());
        assert!(env.out().join(format!("u{i:03}/full.md")).is_file());
    }
    let err = stderr_of(&out);
    assert!(
        err.contains("60 documents in ") && err.contains(": 60 done"),
        "{err}"
    );
}

#[test]
fn more_than_200_documents_are_split_into_batch_calls() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let list = env.work.path().join("list.txt");
    fs::write(&list, urls("many", 230).join("\n")).unwrap();
    let out = env
        .keyed(&fake)
        // 230 results to unpack in a debug build: allow for a loaded machine.
        .timeout(Duration::from_secs(300))
        .args(["-p", "mineru", "-q", "batch", "--concurrency", "8", "-o"])
        .arg(env.out())
        .arg("--from")
        .arg(&list)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(fake.count("POST", "/api/v4/extract/task/batch"), 2);
    let sizes: Vec<usize> = fake
        .requests()
        .into_iter()
        .filter(|r| r.path == "/api/v4/extract/task/batch")
        .map(|r| r.json().unwrap()["files"].as_array().unwrap().len())
        .collect();
    assert_eq!(sizes, vec![200, 30]);
    assert_eq!(fake.tasks_created(), 230);
    assert_clean(&fake);
}

#[test]
fn partial_failure_exits_5_and_every_other_result_is_written() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let mut files = make_pdfs(&env.work.path().join("in"), "ok", 4);
    files.extend(make_pdfs(&env.work.path().join("in"), "will-fail-", 1));
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "--json", "batch", "-o"])
        .arg(env.out())
        .args(&files)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(err.contains("will-fail-000.pdf"), "{err}");
    assert!(err.contains("4 done, 1 failed"), "{err}");
    for i in 0..4 {
        assert!(env.out().join(format!("ok{i:03}/full.md")).is_file());
    }
    let failed: Vec<_> = json_lines(&out)
        .into_iter()
        .filter(|l| l["state"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1);
    assert!(failed[0]["error"].as_str().unwrap().len() > 3);

    // A rerun leaves the failure alone; --retry-failed submits it again.
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "batch", "-o"])
        .arg(env.out())
        .args(&files)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    assert_eq!(fake.tasks_created(), 5, "nothing resubmitted");
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "batch", "--retry-failed", "-o"])
        .arg(env.out())
        .args(&files)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    assert_eq!(fake.tasks_created(), 6, "only the failure went again");
}

#[test]
fn kill_9_mid_run_then_rerun_loses_nothing_and_submits_nothing_twice() {
    let fake = FakeMineru::start_with(FakeConfig {
        advance: Advance::Time(Duration::from_millis(300)),
        ..FakeConfig::default()
    });
    let env = Env::new();
    let files = make_pdfs(&env.work.path().join("in"), "k", 20);
    let list = env.work.path().join("list.txt");
    fs::write(&list, urls("kill", 20).join("\n")).unwrap();
    let args = |cmd: &mut std::process::Command| {
        cmd.env("MINERU_API_KEY", TOKEN)
            .args(["-p", "mineru", "batch", "--concurrency", "2", "-o"])
            .arg(env.out())
            .arg("--from")
            .arg(&list)
            .args(&files);
    };
    // Kill at several moments: during uploads, while polling, while downloading.
    for wait_for_puts in [3usize, 20] {
        let mut cmd = env.std_cmd(&fake);
        args(&mut cmd);
        let mut child = cmd.stderr(std::process::Stdio::null()).spawn().unwrap();
        let started = Instant::now();
        while fake.count("PUT", "/") < wait_for_puts {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the run never reached {wait_for_puts} uploads, so the kill would prove nothing"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
    }
    let mut cmd = env.std_cmd(&fake);
    args(&mut cmd);
    let mut child = cmd.stderr(std::process::Stdio::null()).spawn().unwrap();
    let started = Instant::now();
    while fake.count("GET", "/results/") < 5 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the run never reached its downloads, so the kill would prove nothing"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();

    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "batch", "-o"])
        .arg(env.out())
        .arg("--from")
        .arg(&list)
        .args(&files)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(
        fake.tasks_created(),
        40,
        "exactly one creation per document"
    );
    for i in 0..20 {
        assert!(env.out().join(format!("k{i:03}/full.md")).is_file());
        assert!(env.out().join(format!("u{i:03}/full.md")).is_file());
    }
    assert_clean(&fake);

    // A third run does nothing but report.
    let before = fake.requests().len();
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "--json", "batch", "-o"])
        .arg(env.out())
        .arg("--from")
        .arg(&list)
        .args(&files)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(fake.requests().len(), before, "no request at all");
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 40);
    assert!(lines
        .iter()
        .all(|l| l["skipped"] == true && l["state"] == "done"));
    assert!(
        stderr_of(&out).contains("40 documents in ")
            && stderr_of(&out).contains("0 done, 40 skipped"),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn folders_are_mirrored_and_clashing_names_never_share_an_output() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let src = env.work.path().join("scans");
    make_pdfs(&src.join("2024/jan"), "r", 2);
    make_pdfs(&src.join("2024/feb"), "r", 2);
    fs::write(src.join("notes.txt"), "not a document").unwrap();
    // Two direct inputs with the same name in different folders.
    let a = make_pdfs(&env.work.path().join("a"), "same", 1);
    let b_dir = env.work.path().join("b");
    fs::create_dir_all(&b_dir).unwrap();
    let b = b_dir.join("same000.pdf");
    fs::write(&b, "%PDF-1.4\n% a different document\n").unwrap();
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "batch", "-o"])
        .arg(env.out())
        .arg(&src)
        .arg(&a[0])
        .arg(&b)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    for p in [
        "2024/jan/r000",
        "2024/jan/r001",
        "2024/feb/r000",
        "2024/feb/r001",
        "same000",
    ] {
        assert!(
            env.out().join(p).join("full.md").is_file(),
            "{p}: {:?}",
            tree(&env.out())
        );
    }
    let same: Vec<String> = fs::read_dir(env.out())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("same000"))
        .collect();
    assert_eq!(same.len(), 2, "{same:?}");
    assert_eq!(fake.tasks_created(), 6, "notes.txt is not a document");
}

#[test]
fn status_and_fetch_take_batch_ids() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let files = make_pdfs(&env.work.path().join("in"), "s", 3);
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "--json", "batch", "-o"])
        .arg(env.out())
        .args(&files)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let batch_id = json_lines(&out)[0]["batch_id"]
        .as_str()
        .unwrap()
        .to_string();
    let out = env
        .keyed(&fake)
        .args(["--json", "status", &batch_id])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 3);
    assert!(lines
        .iter()
        .all(|l| l["state"] == "done" && l["batch_id"] == batch_id.as_str()));

    let again = env.work.path().join("again");
    let out = env
        .keyed(&fake)
        .args(["fetch", &batch_id, "-o"])
        .arg(&again)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    for i in 0..3 {
        assert!(
            again.join(format!("s{i:03}/full.md")).is_file(),
            "{:?}",
            tree(&again)
        );
    }
    assert_eq!(fake.tasks_created(), 3);
}

#[test]
fn timeout_exits_6_and_a_rerun_continues() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let list = env.work.path().join("list.txt");
    fs::write(
        &list,
        "https://docs.example.org/a.pdf\nhttps://docs.example.org/slow-one.pdf\n",
    )
    .unwrap();
    let run = |timeout: &str| {
        env.keyed(&fake)
            .args([
                "-p",
                "mineru",
                "--json",
                "--timeout",
                timeout,
                "batch",
                "-o",
            ])
            .arg(env.out())
            .arg("--from")
            .arg(&list)
            .output()
            .unwrap()
    };
    // `slow-one` never finishes, so the timeout always fires: the first run's
    // is long enough for `a` to be done under any load, the rerun's only
    // needs to poll once.
    let out = run("8s");
    assert_eq!(out.status.code(), Some(6), "{}", stderr_of(&out));
    assert!(env.out().join("a/full.md").is_file(), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("run the same command again"),
        "{}",
        stderr_of(&out)
    );
    let out = run("1s");
    assert_eq!(out.status.code(), Some(6));
    assert_eq!(
        fake.tasks_created(),
        2,
        "the rerun polled, it did not resubmit"
    );
    let lines = json_lines(&out);
    assert!(
        lines.iter().any(|l| l["skipped"] == true),
        "{}",
        stdout_of(&out)
    );
}

#[test]
fn flash_has_no_batch_api_so_each_document_is_its_own_task() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let files = make_pdfs(&env.work.path().join("in"), "fl", 3);
    let out = env
        .cmd(&fake)
        .args(["batch", "-o"])
        .arg(env.out())
        .args(&files)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(fake.count("POST", "/api/v1/agent/parse/file"), 3);
    for i in 0..3 {
        assert!(env.out().join(format!("fl{i:03}/full.md")).is_file());
    }
    assert_clean(&fake);
}

#[test]
fn a_bad_input_is_reported_and_the_others_go_on() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let files = make_pdfs(&env.work.path().join("in"), "g", 2);
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "batch", "-o"])
        .arg(env.out())
        .args(&files)
        .arg("missing.pdf")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("missing.pdf"));
    assert!(env.out().join("g000/full.md").is_file() && env.out().join("g001/full.md").is_file());
}
