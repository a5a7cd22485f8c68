//! The one document pipeline: `ocr` and `parse` get every guarantee `batch` has
//! (the run record, dedupe, resume, going on past bad inputs, a JSON line per
//! input), and `batch --no-wait`, `status` and `fetch` behave as documented.

use std::fs;
use std::time::{Duration, Instant};

use crate::harness::{json_lines, stderr_of, stdout_of, Env};
use crate::support::faults::Faults;
use crate::support::{FakeConfig, FakeMineru, TOKEN};

/// Starts `args`, waits until the fake has been polled twice, interrupts it.
#[cfg(unix)]
fn interrupt_while_waiting(env: &Env, fake: &FakeMineru, args: &[&str]) -> String {
    let child = env
        .std_cmd(fake)
        .env("MINERU_API_KEY", TOKEN)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while fake.count("GET", "/api/v4/extract/task/") < 2 {
        assert!(started.elapsed() < Duration::from_secs(30), "never polled");
        std::thread::sleep(Duration::from_millis(20));
    }
    let kill = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130));
    stderr_of(&out)
}

#[cfg(unix)]
#[test]
fn an_interrupted_parse_or_ocr_run_again_creates_no_second_task() {
    for (args, uses_folder) in [
        (
            vec![
                "-p",
                "mineru",
                "parse",
                "-o",
                "OUT",
                "https://example.org/slow.pdf",
            ],
            true,
        ),
        (
            vec!["-p", "mineru", "ocr", "https://example.org/slow.pdf"],
            false,
        ),
    ] {
        let fake = FakeMineru::start();
        let env = Env::new();
        let out_dir = env.out().display().to_string();
        let args: Vec<&str> = args
            .iter()
            .map(|a| if *a == "OUT" { out_dir.as_str() } else { a })
            .collect();
        let err = interrupt_while_waiting(&env, &fake, &args);
        assert!(err.contains("run the same command again"), "{err}");
        assert_eq!(fake.tasks_created(), 1);
        // The same command again re-attaches: it polls, it does not create.
        let out = env
            .keyed(&fake)
            .args(["--timeout", "1s"])
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(6), "{}", stderr_of(&out));
        assert_eq!(fake.tasks_created(), 1, "a second billed task");
        let err = stderr_of(&out);
        assert!(err.contains("run the same command again"), "{err}");
        // The record lives in the output folder, or in the data folder for stdout.
        assert_eq!(
            env.out().join(".docpipe/journal.jsonl").is_file(),
            uses_folder
        );
    }
}

#[test]
fn the_same_content_twice_is_one_task_reported_for_both_inputs() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let a = env.doc("demo1.pdf", "a.pdf");
    let b = env.doc("demo1.pdf", "copy/b.pdf");
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "--json", "parse", "-o"])
        .arg(env.out())
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(fake.tasks_created(), 1);
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["index"], 0);
    assert_eq!(lines[1]["index"], 1);
    assert_eq!(lines[1]["input"], b.display().to_string());
    // Each input under its own name, from the one task.
    assert_eq!(
        lines[0]["output"],
        env.out().join("a").display().to_string()
    );
    assert_eq!(
        lines[1]["output"],
        env.out().join("b").display().to_string()
    );
    assert_eq!(
        lines[1]["markdown"],
        env.out().join("b/full.md").display().to_string()
    );
    assert_eq!(
        fs::read(env.out().join("a/full.md")).unwrap(),
        fs::read(env.out().join("b/full.md")).unwrap()
    );
    assert_eq!(lines[1]["state"], "done");

    // ocr to stdout: printed for each input, in order, from one task.
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "ocr"])
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(fake.tasks_created(), 2, "one more task for the ocr run");
    let text = stdout_of(&out);
    assert_eq!(
        text.matches("The response of flow duration curves").count(),
        2
    );
}

#[test]
fn bad_inputs_are_all_reported_and_the_good_ones_still_processed() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let good = env.doc("demo1.pdf", "good.pdf");
    let txt = env.work.path().join("notes.txt");
    fs::write(&txt, "hello").unwrap();
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "--json", "parse", "-o"])
        .arg(env.out())
        .arg("missing.pdf")
        .arg(&good)
        .arg(&txt)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(
        err.contains("missing.pdf") && err.contains("notes.txt"),
        "{err}"
    );
    let lines = json_lines(&out);
    let states: Vec<(&str, &str)> = lines
        .iter()
        .map(|l| (l["input"].as_str().unwrap(), l["state"].as_str().unwrap()))
        .collect();
    assert_eq!(states.len(), 3, "{states:?}");
    assert_eq!(states[0], ("missing.pdf", "not-submitted"));
    assert_eq!(states[1].1, "done");
    assert_eq!(states[2].1, "not-submitted");
    for (i, l) in lines.iter().enumerate() {
        assert_eq!(l["index"], i, "input order");
    }
    assert!(lines[0]["error"].as_str().unwrap().contains("missing.pdf"));
    assert!(env.out().join("good/full.md").is_file());
    assert_eq!(fake.tasks_created(), 1);
}

#[test]
fn a_failed_download_is_failed_with_its_task_id_and_the_fetch_hint() {
    // The provider finishes the task, but its result is not a zip: the result
    // cannot be saved.
    let work = tempfile::tempdir().unwrap();
    let garbage = work.path().join("result.zip");
    fs::write(&garbage, vec![7u8; 4096]).unwrap();
    let fake = FakeMineru::start_with(FakeConfig {
        result_zip: Some(garbage),
        ..FakeConfig::default()
    });
    let env = Env::new();
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "--json", "parse", "-o"])
        .arg(env.out())
        .arg("https://example.org/doc.pdf")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1, "{}", stderr_of(&out));
    let line = &lines[0];
    assert_eq!(line["state"], "failed", "{line}");
    assert!(
        line["output"].is_null() && line["markdown"].is_null(),
        "{line}"
    );
    assert!(line["task_id"].is_string(), "{line}");
    let err = stderr_of(&out);
    let id = line["task_id"].as_str().unwrap();
    assert!(err.contains(&format!("docpipe fetch {id}")), "{err}");
    // The task stays done on record: the rerun downloads, it does not resubmit.
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "parse", "-o"])
        .arg(env.out())
        .arg("https://example.org/doc.pdf")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    assert_eq!(fake.tasks_created(), 1);
}

#[test]
fn an_unusable_output_folder_is_refused_before_any_request() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let doc = env.doc("demo1.pdf", "doc.pdf");
    let file = env.work.path().join("a-file");
    fs::write(&file, "not a folder").unwrap();
    for cmd in ["ocr", "parse", "batch"] {
        let out = env
            .keyed(&fake)
            .args(["-p", "mineru", "-q", cmd, "-o"])
            .arg(file.join("sub"))
            .arg(&doc)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{cmd}: {}", stderr_of(&out));
        assert!(stderr_of(&out).contains("a-file"), "{}", stderr_of(&out));
    }
    assert!(fake.requests().is_empty(), "{:?}", fake.requests().len());
}

#[test]
fn ocr_with_one_input_and_a_file_name_writes_that_file() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let doc = env.doc("demo1.pdf", "t.pdf");
    let target = env.work.path().join("result.md");
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "--json", "ocr", "-o"])
        .arg(&target)
        .arg(&doc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(target.is_file(), "result.md is not a file");
    let text = fs::read_to_string(&target).unwrap();
    assert!(text.contains("flow duration curves"), "{}", &text[..80]);
    // Its images sit beside it, linked from it.
    assert!(env.work.path().join("result_images").is_dir());
    assert!(text.contains("](result_images/"), "{}", &text[..200]);
    let line = &json_lines(&out)[0];
    assert_eq!(line["output"], target.display().to_string());
    // Nothing of docpipe's next to it.
    assert!(!env.work.path().join(".docpipe").exists());
    // Run again: done, nothing asked of the provider.
    let before = fake.requests().len();
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "--json", "ocr", "-o"])
        .arg(&target)
        .arg(&doc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(json_lines(&out)[0]["skipped"], true);
    assert_eq!(fake.requests().len(), before);
}

#[test]
fn names_and_suffixes_follow_the_input_order() {
    for reverse in [false, true] {
        let fake = FakeMineru::start();
        let env = Env::new();
        let a = env.doc("demo1.pdf", "a/report.pdf");
        let b = env.doc("test.pdf", "b/report.pdf");
        let (first, second) = if reverse { (&b, &a) } else { (&a, &b) };
        let out = env
            .keyed(&fake)
            .args(["-p", "mineru", "--json", "parse", "-o"])
            .arg(env.out())
            .arg(first)
            .arg(second)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr_of(&out));
        let lines = json_lines(&out);
        assert_eq!(lines[0]["input"], first.display().to_string());
        assert_eq!(
            lines[0]["output"],
            env.out().join("report").display().to_string(),
            "the first input gets the plain name"
        );
        let second_out = lines[1]["output"].as_str().unwrap();
        assert!(second_out.contains("report-"), "{second_out}");
    }
}

#[test]
fn batch_no_wait_submits_records_prints_the_ids_and_the_rerun_completes() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let docs: Vec<_> = (0..3)
        .map(|i| env.doc("demo1.pdf", &format!("in/d{i}.pdf")))
        .collect();
    // Three different contents: the demo file with a byte appended.
    for (i, d) in docs.iter().enumerate() {
        let mut bytes = fs::read(d).unwrap();
        bytes.extend(std::iter::repeat_n(b'\n', i + 1));
        fs::write(d, bytes).unwrap();
    }
    let run = |extra: &[&str]| {
        env.keyed(&fake)
            .args(["-p", "mineru", "batch", "-o"])
            .arg(env.out())
            .args(extra)
            .args(&docs)
            .output()
            .unwrap()
    };
    let out = run(&["--no-wait"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let ids = stdout_of(&out);
    assert_eq!(ids.lines().count(), 1, "one batch ID: {ids}");
    assert_eq!(fake.tasks_created(), 3);
    assert_eq!(
        fake.count("GET", "/api/v4/extract-results/batch/"),
        0,
        "it waited"
    );
    assert!(!env.out().join("d0/full.md").exists());
    let out = run(&[]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(fake.tasks_created(), 3, "submitted again");
    for i in 0..3 {
        assert!(env.out().join(format!("d{i}/full.md")).is_file());
    }
}

#[test]
fn status_never_writes_a_record_and_fetch_records_a_confirmed_id() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let tasks = env.data_dir().join("tasks");
    let pointers = || {
        fs::read_dir(&tasks)
            .map(|d| d.flatten().count())
            .unwrap_or(0)
    };
    // An ID the provider does not know: an error, nothing recorded.
    for cmd in ["status", "fetch"] {
        let out = env
            .keyed(&fake)
            .args(["-p", "mineru", cmd, "no-such-task-id"])
            .output()
            .unwrap();
        assert!(!out.status.success(), "{cmd}");
        assert_eq!(pointers(), 0, "{cmd} wrote a record");
        let err = stderr_of(&out);
        assert_eq!(err.matches("no-such-task-id").count(), 1, "{err}");
    }
    // A task created elsewhere (a --no-wait run with another data folder).
    let other = Env::new();
    let out = other
        .keyed(&fake)
        .args([
            "-p",
            "mineru",
            "parse",
            "--no-wait",
            "https://example.org/x.pdf",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let id = stdout_of(&out).trim().to_string();
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "status", &id])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(pointers(), 0, "status wrote a record");
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "fetch", &id, "-o"])
        .arg(env.out())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(pointers(), 1, "fetch records the confirmed ID");
    // From now on it is known without -p.
    let out = env.keyed(&fake).args(["status", &id]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    // And `status` with no ID lists it.
    let out = env.keyed(&fake).args(["status"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(stdout_of(&out).contains(&id), "{}", stdout_of(&out));
}

/// A kill -9 while a creation request is in flight: the rerun names the
/// document and submits it again (the provider may bill it twice: the hole
/// docs/reliability.md names).
#[cfg(unix)]
#[test]
fn a_kill_during_a_creation_is_named_by_the_rerun() {
    let faults = Faults::new(1, 0, |rq| {
        rq.method == "POST" && rq.path_only() == "/api/v4/extract/task"
    })
    .slowing_creations(Duration::from_millis(800));
    let fake = FakeMineru::start_with(FakeConfig {
        faults: Some(std::sync::Arc::new(faults)),
        ..FakeConfig::default()
    });
    let env = Env::new();
    let args = |cmd: &mut std::process::Command| {
        cmd.env("MINERU_API_KEY", TOKEN)
            .args(["-p", "mineru", "parse", "-o"])
            .arg(env.out())
            .arg("https://example.org/inflight.pdf");
    };
    let mut cmd = env.std_cmd(&fake);
    args(&mut cmd);
    let mut child = cmd.stderr(std::process::Stdio::null()).spawn().unwrap();
    let started = Instant::now();
    while fake.count("POST", "/api/v4/extract/task") < 1 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "never submitted"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL, while the creation is in flight
    child.wait().unwrap();
    let mut cmd = env.std_cmd(&fake);
    args(&mut cmd);
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(
        err.contains("inflight.pdf") && err.contains("may have created a task"),
        "{err}"
    );
    assert!(env.out().join("inflight/full.md").is_file());
}

#[test]
fn ocr_no_images_writes_no_images_folder_and_keeps_the_alt_text() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let doc = env.doc("demo1.pdf", "doc.pdf");
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "ocr", "--no-images", "-o"])
        .arg(env.out())
        .arg(&doc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let md = fs::read_to_string(env.out().join("doc.md")).unwrap();
    assert!(!env.out().join("doc_images").exists());
    assert!(!md.contains("]("), "an image link is left: {}", &md[..300]);
    // The same document with images: a folder and links to it.
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "ocr", "-o"])
        .arg(env.out())
        .arg(&doc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(env.out().join("doc_images").is_dir());
    assert_eq!(
        fake.tasks_created(),
        1,
        "the rerun re-delivers from the same task"
    );
}
