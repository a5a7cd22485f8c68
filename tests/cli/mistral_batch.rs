//! `batch -p mistral` through Mistral's batch jobs: the real binary against the
//! fake's `/v1/batch/jobs` (QUEUED → RUNNING → SUCCESS over polls).

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::harness::{json_lines, stderr_of, Env};
use crate::support::http::Recorded;
use crate::support::mistral::{FakeMistral, MistralConfig, MISTRAL_KEY};

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

fn cmd(env: &Env, fake: &FakeMistral) -> assert_cmd::Command {
    let mut cmd = env.bare();
    cmd.env("DOCPIPE_MISTRAL_BASE_URL", fake.base_url())
        .env("MISTRAL_API_KEY", MISTRAL_KEY)
        .env("DOCPIPE_POLL_INTERVAL", "50ms")
        .env("DOCPIPE_POLL_MAX", "100ms");
    cmd
}

/// The multipart uploads with `purpose=batch`, as the lines of their file.
/// `docpipe -p mistral batch --batch-api on FLAGS -o OUT DOCS`.
fn job(env: &Env, fake: &FakeMistral, docs: &[PathBuf], flags: &[&str]) -> std::process::Output {
    cmd(env, fake)
        .args(["-p", "mistral", "batch", "--batch-api", "on"])
        .args(flags)
        .arg("-o")
        .arg(env.out())
        .args(docs)
        .output()
        .unwrap()
}

fn batch_uploads(fake: &FakeMistral) -> Vec<Vec<Value>> {
    fake.files()
        .into_iter()
        .filter(|f| f.purpose == "batch")
        .map(|f| {
            String::from_utf8(f.bytes)
                .unwrap()
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect()
        })
        .collect()
}

fn count(fake: &FakeMistral, method: &str, pred: impl Fn(&Recorded) -> bool) -> usize {
    fake.requests()
        .iter()
        .filter(|r| r.method == method && pred(r))
        .count()
}

#[test]
fn fifty_documents_go_as_one_job_and_each_result_is_written() {
    let fake = FakeMistral::start_with(MistralConfig {
        batch_polls: 2,
        ..MistralConfig::default()
    });
    let env = Env::new();
    let docs = pdfs(&env.work.path().join("in"), 50);
    let out = cmd(&env, &fake)
        .args(["-p", "mistral", "--json", "batch", "-o"])
        .arg(env.out())
        .args(&docs)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(fake.violations().is_empty(), "{:#?}", fake.violations());

    // One JSONL upload of 50 lines, one job, no direct call.
    let uploads = batch_uploads(&fake);
    assert_eq!(uploads.len(), 1);
    let lines = &uploads[0];
    assert_eq!(lines.len(), 50);
    for (i, line) in lines.iter().enumerate() {
        assert_eq!(line["custom_id"], i.to_string());
        let url = line["body"]["document"]["document_url"].as_str().unwrap();
        assert!(url.starts_with("data:application/pdf;base64,"), "{url}");
        assert_eq!(
            line["body"]["document"]["document_name"],
            format!("doc{i:02}.pdf")
        );
        // `parse`-like folders: the images and the whole answer, as a direct call.
        assert_eq!(line["body"]["include_image_base64"], true);
    }
    assert_eq!(fake.find("POST", "/v1/batch/jobs").len(), 1);
    assert_eq!(fake.find("POST", "/v1/ocr").len(), 0);
    let jobs = fake.jobs();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].model, "mistral-ocr-latest");
    assert_eq!(jobs[0].status, "SUCCESS");
    assert!(
        jobs[0].polls >= 5,
        "queued and running were seen: {}",
        jobs[0].polls
    );
    assert_eq!(fake.batch_answered(), 50);

    // 50 results, the same files a direct call writes.
    for i in 0..50 {
        let dir = env.out().join(format!("doc{i:02}"));
        let md = fs::read_to_string(dir.join("full.md")).unwrap();
        assert!(md.contains("Text of page 3."), "{md}");
        assert!(dir.join("response.json").is_file());
        assert!(dir.join("images/img-0.jpeg").is_file());
    }
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 50);
    let job = &jobs[0].id;
    assert!(lines
        .iter()
        .all(|l| l["state"] == "done" && l["batch_id"] == *job));

    // The uploaded requests are deleted; the output file is kept.
    assert_eq!(fake.files_left(), 0, "the job's input file was left");
    let deletes = fake.find("DELETE", "/v1/files/");
    assert_eq!(deletes.len(), 1);
    assert!(fake
        .find("GET", "/v1/files/")
        .iter()
        .all(|r| r.path.ends_with("/content")));

    // Requests per document, for the record.
    let total = fake.requests().len();
    eprintln!(
        "mistral batch: {total} requests for 50 documents ({:.2} per document): {} job polls",
        total as f64 / 50.0,
        fake.find("GET", "/v1/batch/jobs/").len()
    );
    // docs/providers.md: 9 in all (1 upload, 1 job, 5 polls: queued 2,
    // running 2, done 1; 1 output download, 1 delete).
    assert_eq!(fake.find("POST", "/v1/files").len(), 1, "uploads");
    assert_eq!(fake.find("GET", "/v1/batch/jobs/").len(), 5, "job polls");
    assert_eq!(fake.find("GET", "/v1/files/").len(), 1, "output downloads");
    assert_eq!(total, 9, "{total} requests for 50 documents");

    // Again, with direct calls: `--batch-api` is not part of the record key,
    // so everything is found done and nothing is asked.
    let before = fake.requests().len();
    let out = cmd(&env, &fake)
        .args([
            "-p",
            "mistral",
            "--json",
            "batch",
            "--batch-api",
            "off",
            "-o",
        ])
        .arg(env.out())
        .args(&docs)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(fake.requests().len(), before);
    assert!(json_lines(&out).iter().all(|l| l["skipped"] == true));
}

#[cfg(unix)]
#[test]
fn a_rerun_after_kill_9_while_the_job_runs_reattaches_to_it() {
    let fake = FakeMistral::start_with(MistralConfig {
        batch_polls: 4,
        ..MistralConfig::default()
    });
    let env = Env::new();
    let docs = pdfs(&env.work.path().join("in"), 25);
    let args = |c: &mut std::process::Command| {
        c.env("DOCPIPE_MISTRAL_BASE_URL", fake.base_url())
            .env("MISTRAL_API_KEY", MISTRAL_KEY)
            .env("DOCPIPE_POLL_INTERVAL", "200ms")
            .env("DOCPIPE_POLL_MAX", "200ms")
            .args(["-p", "mistral", "batch", "-o"])
            .arg(env.out())
            .args(&docs);
    };
    let mut first = env.bare_std();
    args(&mut first);
    let mut child = first
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while fake.find("GET", "/v1/batch/jobs/").len() < 2 {
        assert!(started.elapsed() < Duration::from_secs(30), "never polled");
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap(); // SIGKILL while the job is queued
    child.wait().unwrap();
    assert_eq!(fake.jobs()[0].status, "QUEUED");
    let uploads = fake.find("POST", "/v1/files").len();

    let mut again = env.bare_std();
    args(&mut again);
    let out = again.output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(
        fake.find("POST", "/v1/batch/jobs").len(),
        1,
        "no second job"
    );
    assert_eq!(
        fake.find("POST", "/v1/files").len(),
        uploads,
        "nothing uploaded again"
    );
    assert_eq!(fake.find("POST", "/v1/ocr").len(), 0);
    for i in 0..25 {
        assert!(env.out().join(format!("doc{i:02}/full.md")).is_file());
    }
    assert_eq!(fake.files_left(), 0);
    assert!(fake.violations().is_empty(), "{:#?}", fake.violations());
}

#[test]
fn a_failed_line_fails_its_document_and_the_others_are_written() {
    let fake = FakeMistral::start_with(MistralConfig {
        batch_polls: 1,
        batch_fail: vec!["3".into()],
        ..MistralConfig::default()
    });
    let env = Env::new();
    let docs = pdfs(&env.work.path().join("in"), 5);
    let out = job(&env, &fake, &docs, &["--json"]);
    // The provider refused that document: exit 4.
    assert_eq!(out.status.code(), Some(4), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(
        err.contains("doc03.pdf") && err.contains("Invalid document"),
        "{err}"
    );
    for i in [0, 1, 2, 4] {
        assert!(env.out().join(format!("doc{i:02}/full.md")).is_file());
    }
    assert!(!env.out().join("doc03").exists());
    let lines = json_lines(&out);
    let failed: Vec<&Value> = lines.iter().filter(|l| l["state"] == "failed").collect();
    assert_eq!(failed.len(), 1);
    assert!(failed[0]["input"].as_str().unwrap().ends_with("doc03.pdf"));
    assert_eq!(fake.files_left(), 0);
    assert!(fake.violations().is_empty(), "{:#?}", fake.violations());
}

#[test]
fn a_job_that_times_out_fails_the_documents_it_did_not_finish_with_the_reason() {
    // The fake's timed-out job finishes the first half of its requests.
    let fake = FakeMistral::start_with(MistralConfig {
        batch_ends: Some("TIMEOUT_EXCEEDED"),
        ..MistralConfig::default()
    });
    let env = Env::new();
    let docs = pdfs(&env.work.path().join("in"), 4);
    let out = job(&env, &fake, &docs, &["--json"]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(
        err.contains(
            "the batch job ended TIMEOUT_EXCEEDED: The job did not finish within its timeout"
        ),
        "{err}"
    );
    for i in [0, 1] {
        assert!(env.out().join(format!("doc{i:02}/full.md")).is_file());
    }
    let failed: Vec<String> = json_lines(&out)
        .iter()
        .filter(|l| l["state"] == "failed")
        .map(|l| l["input"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(failed.len(), 2, "{failed:?}");
    assert!(failed
        .iter()
        .all(|i| i.ends_with("doc02.pdf") || i.ends_with("doc03.pdf")));
    assert_eq!(fake.files_left(), 0);
    assert!(fake.violations().is_empty(), "{:#?}", fake.violations());
}

#[test]
fn a_cancelled_job_fails_every_document() {
    let fake = FakeMistral::start_with(MistralConfig {
        batch_ends: Some("CANCELLED"),
        ..MistralConfig::default()
    });
    let env = Env::new();
    let docs = pdfs(&env.work.path().join("in"), 3);
    let out = job(&env, &fake, &docs, &[]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert_eq!(
        err.matches("failed to extract it: the batch job ended CANCELLED (task")
            .count(),
        3,
        "{err}"
    );
    assert_eq!(fake.files_left(), 0);
}

#[test]
fn a_workspace_without_batch_billing_gets_a_clear_error_and_no_fallback() {
    let fake = FakeMistral::start_with(MistralConfig {
        batch_402: true,
        ..MistralConfig::default()
    });
    let env = Env::new();
    let docs = pdfs(&env.work.path().join("in"), 20);
    let out = cmd(&env, &fake)
        .args(["-p", "mistral", "batch", "-o"])
        .arg(env.out())
        .args(&docs)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(err.contains("batch billing is not enabled"), "{err}");
    assert!(err.contains("--batch-api off"), "{err}");
    // Not silently sent at the full price; the uploaded requests are deleted.
    assert_eq!(fake.find("POST", "/v1/ocr").len(), 0);
    assert_eq!(fake.files_left(), 0);

    // `--batch-api off`: direct calls, and the documents recorded as not
    // submitted are sent.
    let out = cmd(&env, &fake)
        .args(["-p", "mistral", "batch", "--batch-api", "off", "-o"])
        .arg(env.out())
        .args(&docs)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(fake.find("POST", "/v1/ocr").len(), 20);
    assert_eq!(
        fake.find("POST", "/v1/batch/jobs").len(),
        1,
        "only the refused one"
    );
    assert!(fake.violations().is_empty(), "{:#?}", fake.violations());
}

#[test]
fn under_the_threshold_or_with_parse_documents_go_as_direct_calls() {
    let fake = FakeMistral::start();
    let env = Env::new();
    let docs = pdfs(&env.work.path().join("in"), 19);
    let out = cmd(&env, &fake)
        .args(["-p", "mistral", "batch", "-o"])
        .arg(env.out())
        .args(&docs)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(fake.find("POST", "/v1/ocr").len(), 19);
    assert_eq!(fake.find("POST", "/v1/batch/jobs").len(), 0);
    assert_eq!(
        count(&fake, "POST", |r| r.path_only() == "/v1/files"),
        0,
        "small files go inline"
    );

    // `parse` answers at once, however many documents: no job.
    let docs = pdfs(&env.work.path().join("more"), 20);
    let out = cmd(&env, &fake)
        .args(["-p", "mistral", "parse", "-o"])
        .arg(env.out().join("parsed"))
        .args(&docs)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(fake.find("POST", "/v1/ocr").len(), 39);
    assert_eq!(fake.find("POST", "/v1/batch/jobs").len(), 0);
}

#[test]
fn batch_api_is_refused_by_a_provider_without_batch_jobs() {
    let env = Env::new();
    let doc = env.doc("test.pdf", "a.pdf");
    let out = env
        .bare()
        .env("MISTRALOCR_API_KEY", "k")
        .env("DOCPIPE_MISTRALOCR_BASE_URL", "http://127.0.0.1:9")
        .args(["-p", "mistralocr", "batch", "--batch-api", "on", "-o"])
        .arg(env.out())
        .arg(&doc)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("--batch-api"),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn max_batch_from_the_config_cuts_jobs() {
    let fake = FakeMistral::start();
    let env = Env::new();
    let config = env.config("[providers.mistral]\nmax_batch = 10\n");
    let docs = pdfs(&env.work.path().join("in"), 25);
    let out = cmd(&env, &fake)
        .arg("-c")
        .arg(&config)
        .args(["-p", "mistral", "batch", "-o"])
        .arg(env.out())
        .args(&docs)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let mut sizes: Vec<usize> = batch_uploads(&fake).iter().map(Vec::len).collect();
    sizes.sort();
    assert_eq!(sizes, [5, 10, 10]);
    assert_eq!(fake.find("POST", "/v1/batch/jobs").len(), 3);
    assert_eq!(fake.files_left(), 0);

    let bad = env.config("[providers.mistral]\nmax_batch = 0\n");
    let out = cmd(&env, &fake)
        .arg("-c")
        .arg(&bad)
        .args(["-p", "mistral", "batch", "-o"])
        .arg(env.out())
        .args(&docs)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains(":2: max_batch in [providers.mistral] must be from 1 to"),
        "{}",
        stderr_of(&out)
    );
}

/// `n` copies of demo1.pdf (13 pages), each another content.
fn thirteen_pagers(env: &Env, n: usize) -> Vec<PathBuf> {
    (0..n)
        .map(|i| {
            let path = env.doc("demo1.pdf", &format!("in/p{i:02}.pdf"));
            let mut bytes = fs::read(&path).unwrap();
            bytes.extend(std::iter::repeat_n(b'\n', i + 1));
            fs::write(&path, bytes).unwrap();
            path
        })
        .collect()
}

#[test]
fn estimate_and_dry_run_price_the_pages_a_job_would_take_at_half() {
    let fake = FakeMistral::start();
    let env = Env::new();
    let docs = thirteen_pagers(&env, 20);
    let quote = |docs: &[PathBuf]| -> Value {
        let out = cmd(&env, &fake)
            .args(["-p", "mistral", "--json", "estimate"])
            .args(docs)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr_of(&out));
        json_lines(&out)
            .into_iter()
            .find(|l| l["provider"] == "mistral")
            .unwrap()
    };
    // 20 documents: one job, 260 pages at $2 per 1,000 instead of $4.
    let q = quote(&docs);
    assert_eq!(
        (q["pages"].as_u64(), q["batch_pages"].as_u64()),
        (Some(260), Some(260))
    );
    assert!((q["cost"].as_f64().unwrap() - 0.52).abs() < 1e-9, "{q}");
    // 19: direct calls at the full price.
    let q = quote(&docs[..19]);
    assert_eq!(q["batch_pages"], 0);
    assert!((q["cost"].as_f64().unwrap() - 0.988).abs() < 1e-9, "{q}");

    let dry = |extra: &[&str]| {
        let out = cmd(&env, &fake)
            .args(["-p", "mistral", "batch", "--dry-run"])
            .args(extra)
            .arg("-o")
            .arg(env.out())
            .args(&docs)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr_of(&out));
        stderr_of(&out)
    };
    let err = dry(&[]);
    assert!(
        err.contains("0.52 USD, 260 pages in batch jobs at 50 %"),
        "{err}"
    );
    let err = dry(&["--batch-api", "off"]);
    assert!(
        err.contains("1.04 USD (") && !err.contains("batch jobs at"),
        "{err}"
    );
    assert!(fake.requests().is_empty(), "sent {:?}", fake.requests());
}

#[test]
fn no_wait_then_status_and_fetch_by_the_job_id() {
    // Queued for the 5 first polls: `status` asks once per document.
    let fake = FakeMistral::start_with(MistralConfig {
        batch_polls: 5,
        ..MistralConfig::default()
    });
    let env = Env::new();
    let docs = pdfs(&env.work.path().join("in"), 3);
    let out = job(&env, &fake, &docs, &["--json", "--no-wait"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let job = fake.jobs()[0].id.clone();
    assert!(json_lines(&out).iter().all(|l| l["batch_id"] == *job));

    // `status` by the job ID, from the record: the job's state, nothing written.
    let out = cmd(&env, &fake)
        .args(["--json", "status", &job])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 3);
    assert!(lines.iter().all(|l| l["state"] == "pending"), "{lines:?}");

    let out = cmd(&env, &fake).args(["fetch", &job]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    for i in 0..3 {
        assert!(env.out().join(format!("doc{i:02}/full.md")).is_file());
    }
    assert_eq!(fake.find("POST", "/v1/batch/jobs").len(), 1);
    assert_eq!(fake.files_left(), 0);

    // `status` of the finished job: its input file is asked to go once per
    // run, not once per document.
    let deletes = fake.find("DELETE", "/v1/files/").len();
    let out = cmd(&env, &fake)
        .args(["--json", "status", &job])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(json_lines(&out).len(), 3);
    assert!(fake.find("DELETE", "/v1/files/").len() <= deletes + 1);
    assert!(fake.violations().is_empty(), "{:#?}", fake.violations());
}

#[test]
fn a_lost_job_creation_deletes_the_upload_and_the_rerun_sends_one_job() {
    use crate::support::faults::Faults;
    let faults = Faults::new(7, 0, |rq| {
        rq.method == "POST" && rq.path_only() == "/v1/batch/jobs"
    })
    .losing_creations(1);
    let fake = FakeMistral::start_with(MistralConfig {
        faults: Some(std::sync::Arc::new(faults)),
        ..MistralConfig::default()
    });
    let env = Env::new();
    let docs = pdfs(&env.work.path().join("in"), 3);
    let run = || job(&env, &fake, &docs, &[]);
    let out = run();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(err.contains("was lost"), "{err}");
    // Not sent again in that run, and its input is gone at once.
    assert_eq!(fake.find("POST", "/v1/batch/jobs").len(), 1);
    assert_eq!(
        fake.files_left(),
        0,
        "the upload of a lost creation was left"
    );

    let out = run();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("cut off while submitting"),
        "{}",
        stderr_of(&out)
    );
    assert_eq!(fake.find("POST", "/v1/batch/jobs").len(), 2);
    for i in 0..3 {
        assert!(env.out().join(format!("doc{i:02}/full.md")).is_file());
    }
    assert_eq!(fake.files_left(), 0);
    assert!(fake.violations().is_empty(), "{:#?}", fake.violations());
}

#[test]
fn a_deleted_output_file_fails_the_documents_instead_of_polling_forever() {
    let fake = FakeMistral::start_with(MistralConfig {
        batch_output_deleted: true,
        ..MistralConfig::default()
    });
    let env = Env::new();
    let docs = pdfs(&env.work.path().join("in"), 2);
    let out = job(&env, &fake, &docs, &["--timeout", "60s"]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert_eq!(
        err.matches("is no longer at Mistral (deleted?) (task")
            .count(),
        2,
        "{err}"
    );
    assert_eq!(fake.find("GET", "/v1/files/").len(), 1, "asked once");
}

/// The requests file docpipe uploaded is deleted when the job ends, even when
/// the job's answers do not list it in `input_files`.
#[test]
fn the_uploaded_requests_are_deleted_even_when_the_job_does_not_list_them() {
    let fake = FakeMistral::start_with(MistralConfig {
        batch_hides_inputs: true,
        ..MistralConfig::default()
    });
    let env = Env::new();
    let docs = pdfs(&env.work.path().join("in"), 3);
    let out = job(&env, &fake, &docs, &[]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    for i in 0..3 {
        assert!(env.out().join(format!("doc{i:02}/full.md")).is_file());
    }
    assert_eq!(
        fake.files_left(),
        0,
        "the requests file was left at Mistral"
    );
    assert!(fake.violations().is_empty(), "{:#?}", fake.violations());
}

/// An upload creates no task and costs nothing: a dropped connection on the
/// requests' upload is retried, the copy the lost attempt left is found and
/// deleted, and all 30 documents are done in one job.
#[test]
fn a_lost_answer_to_the_requests_upload_is_retried_and_its_copy_deleted() {
    let fake = FakeMistral::start_with(MistralConfig {
        batch_uploads_lost: 1,
        ..MistralConfig::default()
    });
    let env = Env::new();
    let docs = pdfs(&env.work.path().join("in"), 30);
    let out = job(&env, &fake, &docs, &[]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    for i in 0..30 {
        assert!(
            env.out().join(format!("doc{i:02}/full.md")).is_file(),
            "doc{i:02}"
        );
    }
    assert_eq!(
        count(&fake, "POST", |r| r.path_only() == "/v1/files"),
        2,
        "sent again once"
    );
    assert_eq!(fake.find("POST", "/v1/batch/jobs").len(), 1, "one job");
    assert_eq!(fake.files_left(), 0, "the lost attempt's copy was left");
    assert!(fake.violations().is_empty(), "{:#?}", fake.violations());
}
