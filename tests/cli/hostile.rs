//! What a new and then a hostile user tried (issue 19): no writable home, one
//! output file for several inputs, the same content under two names, refused
//! runs under `--json`, estimates of inputs nobody takes, odd links, stdin
//! without a name, and a download that stalls.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use crate::harness::{json_lines, stderr_of, stdout_of, tree, Env};
use crate::support::faults::Faults;
use crate::support::pdfgen::make_pdf;
use crate::support::{FakeConfig, FakeMineru};

/// `docpipe` with a HOME it cannot write under and nothing else naming a
/// data folder.
fn homeless(env: &Env, cmd: &mut assert_cmd::Command) {
    let blocked = env.work.path().join("not-a-folder");
    fs::write(&blocked, "a file where HOME's parent should be").unwrap();
    cmd.env("HOME", blocked.join("home"))
        .env_remove("XDG_DATA_HOME")
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("DOCPIPE_DATA_DIR");
}

/// HOME under a regular file: nothing can be made there, whoever runs the
/// test (root ignores a read-only mode, and a missing HOME it would create).
#[test]
fn a_local_conversion_to_stdout_needs_no_writable_home() {
    let env = Env::new();
    let doc = env.doc("demo1.pdf", "three.pdf");
    let tmp = env.work.path().join("tmp");
    fs::create_dir(&tmp).unwrap();
    let mut cmd = env.bare();
    homeless(&env, &mut cmd);
    let out = cmd
        .env("TMPDIR", &tmp)
        .args(["-p", "local", "ocr"])
        .arg(&doc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(
        stdout_of(&out).contains("flow duration curves"),
        "{}",
        stdout_of(&out)
    );
    let err = stderr_of(&out);
    assert!(!err.contains("error") && !err.contains("warning"), "{err}");
    // The run's record was temporary: nothing is left behind.
    assert!(tree(&tmp).is_empty(), "left {:?}", tree(&tmp));
}

#[test]
fn a_cloud_command_without_a_data_folder_says_which_and_how_to_set_it_once() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let doc = env.doc("demo1.pdf", "a.pdf");
    let mut cmd = env.keyed(&fake);
    homeless(&env, &mut cmd);
    let out = cmd
        .args(["-p", "mineru", "ocr"])
        .arg(&doc)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(err.contains("not-a-folder/home"), "names the folder: {err}");
    assert_eq!(err.matches("error:").count(), 1, "said once: {err}");
    let hint = err
        .lines()
        .find(|l| l.contains("hint:"))
        .unwrap_or_default();
    for way in ["DOCPIPE_DATA_DIR", "data_dir", "XDG_DATA_HOME"] {
        assert!(hint.contains(way), "{way}: {err}");
    }
    assert!(fake.requests().is_empty(), "nothing sent");

    // The config key named there works.
    let data = env.work.path().join("record");
    let config = env.config(&format!("[defaults]\ndata_dir = {:?}\n", data));
    let mut cmd = env.keyed(&fake);
    homeless(&env, &mut cmd);
    let out = cmd
        .arg("-c")
        .arg(&config)
        .args(["-p", "mineru", "ocr"])
        .arg(&doc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(data.join("tasks").is_dir(), "{:?}", tree(&data));
}

#[test]
fn several_inputs_into_one_named_file_are_refused_before_any_request() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let a = env.doc("demo1.pdf", "a.pdf");
    let b = env.doc("test.pdf", "b.pdf");
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "ocr", "-o", "one.md"])
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(err.contains("one.md") && err.contains("folder"), "{err}");
    assert!(!env.work.path().join("one.md").exists(), "nothing made");
    // Under --json, each input gets its line saying so.
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "--json", "ocr", "-o", "one.md"])
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines
        .iter()
        .all(|l| l["state"] == "refused" && l["error"].as_str().unwrap().contains("one.md")));
    assert!(fake.requests().is_empty());
}

/// `ocr -o o/ a.pdf b.pdf` with the same bytes (and `batch`, as `parse` in
/// `pipeline.rs`): one task, a result under each name, each line pointing at
/// its own, two done in the summary; the rerun finds both in place.
#[test]
fn the_same_content_under_two_names_gets_an_output_each_from_one_task() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let a = env.doc("demo1.pdf", "a.pdf");
    let b = env.doc("demo1.pdf", "b.pdf");
    let run = |command: &str, out_dir: &Path| {
        env.keyed(&fake)
            .env("DOCPIPE_PROGRESS", "plain")
            .args(["-p", "mineru", "--json", command, "-o"])
            .arg(out_dir)
            .arg(&a)
            .arg(&b)
            .output()
            .unwrap()
    };
    let files = env.work.path().join("o");
    let out = run("ocr", &files);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(fake.tasks_created(), 1, "one task for both");
    let mut lines = json_lines(&out);
    lines.sort_by_key(|l| l["index"].as_u64());
    for (line, name) in lines.iter().zip(["a.md", "b.md"]) {
        let path = files.join(name);
        assert_eq!(line["output"], path.display().to_string(), "{line}");
        assert_eq!(line["markdown"], path.display().to_string(), "{line}");
        assert_eq!(line["state"], "done");
    }
    // The same text, each linking its own images folder.
    let md = fs::read_to_string(files.join("b.md")).unwrap();
    assert!(md.contains("](b_images/"), "{}", &md[..300.min(md.len())]);
    assert_eq!(
        fs::read_to_string(files.join("a.md"))
            .unwrap()
            .replace("](a_images/", "](b_images/"),
        md
    );
    assert_eq!(tree(&files.join("a_images")), tree(&files.join("b_images")));
    assert!(!tree(&files.join("b_images")).is_empty());
    let err = stderr_of(&out);
    assert!(err.contains("2 done"), "{err}");

    // The rerun: both in place, nothing asked, each line its own output.
    let out = run("ocr", &files);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let lines = json_lines(&out);
    assert!(lines.iter().all(|l| l["skipped"] == true), "{lines:?}");
    assert!(lines
        .iter()
        .any(|l| l["output"] == files.join("b.md").display().to_string()));
    assert_eq!(fake.tasks_created(), 1);

    // A copy removed is written again from the same task.
    fs::remove_file(files.join("b.md")).unwrap();
    let out = run("ocr", &files);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(files.join("b.md").is_file());
    assert_eq!(fake.tasks_created(), 1, "nothing paid twice");

    let folders = env.work.path().join("batch");
    let out = run("batch", &folders);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(folders.join("a/full.md").is_file() && folders.join("b/full.md").is_file());
    let outputs: Vec<String> = json_lines(&out)
        .iter()
        .map(|l| l["output"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(outputs.len(), 2);
    assert_ne!(outputs[0], outputs[1], "{outputs:?}");
    assert!(stderr_of(&out).contains("2 done"), "{}", stderr_of(&out));
}

#[test]
fn status_after_a_fetch_into_a_folder_shows_what_the_fetch_learned() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let doc = env.doc("demo1.pdf", "later.pdf");
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "ocr", "--no-wait"])
        .arg(&doc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let id = stdout_of(&out).trim().to_string();
    let listed = |env: &Env| {
        let out = env
            .keyed(&fake)
            .args(["--json", "status"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr_of(&out));
        json_lines(&out)
    };
    assert_eq!(listed(&env)[0]["state"], "pending");
    let out = env
        .keyed(&fake)
        .args(["fetch", &id, "-o"])
        .arg(env.out())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(
        env.out().join("later.md").is_file(),
        "{:?}",
        tree(&env.out())
    );
    let lines = listed(&env);
    assert_eq!(
        lines.len(),
        1,
        "the record left behind is not listed: {lines:?}"
    );
    assert_eq!(lines[0]["state"], "done", "{lines:?}");
    assert_eq!(
        lines[0]["output"],
        env.out().join("later.md").display().to_string()
    );
    // And by its ID, without -p.
    let out = env.keyed(&fake).args(["status", &id]).output().unwrap();
    assert!(stdout_of(&out).contains("done"), "{}", stdout_of(&out));
}

#[test]
fn estimate_of_a_missing_input_exits_4_naming_it() {
    let env = Env::new();
    let out = env
        .bare()
        .args(["estimate", "/nonexistent.pdf"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("/nonexistent.pdf"),
        "{}",
        stderr_of(&out)
    );
    assert!(!stdout_of(&out).contains('?'), "{}", stdout_of(&out));
}

#[test]
fn estimate_names_every_document_a_provider_cannot_take_with_the_reason() {
    let env = Env::new();
    let three = env.work.path().join("three.pdf");
    fs::write(&three, make_pdf(3)).unwrap();
    // Pages past the end: no provider takes it, an input error like elsewhere.
    let out = env
        .bare()
        .args(["estimate", "--pages", "5-10"])
        .arg(&three)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(
        err.contains("three.pdf") && err.contains("3 pages"),
        "{err}"
    );
    assert!(
        !stdout_of(&out).contains("it cannot take"),
        "{}",
        stdout_of(&out)
    );

    // A document only some providers refuse (plain text: local reads it, the
    // cloud providers do not): named under each of them, with why.
    let notes = env.work.path().join("notes.txt");
    fs::write(&notes, "plain words\n").unwrap();
    let out = env
        .bare()
        .arg("estimate")
        .arg(&notes)
        .arg(&three)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let text = stdout_of(&out);
    let under = |provider: &str| {
        text.lines()
            .skip_while(|l| !l.starts_with(&format!("{provider} ")))
            .nth(1)
            .unwrap_or_default()
            .to_string()
    };
    let mineru = under("mineru");
    assert!(
        mineru.contains("cannot take") && mineru.contains("notes.txt"),
        "{text}"
    );
    assert!(!under("local").contains("cannot take"), "{text}");
    let out = env
        .bare()
        .args(["--json", "estimate"])
        .arg(&notes)
        .output()
        .unwrap();
    let lines = json_lines(&out);
    let mineru = lines.iter().find(|l| l["provider"] == "mineru").unwrap();
    assert_eq!(mineru["refused"], 1, "{mineru}");
    assert!(mineru["cannot_take"][0]
        .as_str()
        .unwrap()
        .contains("notes.txt"));
    let local = lines.iter().find(|l| l["provider"] == "local").unwrap();
    assert_eq!(local["refused"], 0, "{local}");
}

#[test]
fn no_split_over_the_page_limit_hints_dropping_it() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let doc = env.work.path().join("long.pdf");
    fs::write(&doc, make_pdf(45)).unwrap();
    let out = env
        .cmd(&fake)
        .args(["-p", "mineru-flash", "ocr", "--no-split"])
        .arg(&doc)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(err.contains("hint: drop --no-split"), "{err}");
    assert!(!err.contains("split the document into parts"), "{err}");
    // Said once, naming the document once.
    assert_eq!(err.matches("error:").count(), 1, "{err}");
    assert_eq!(err.matches("long.pdf").count(), 1, "{err}");
}

/// A run refused as a whole still gives each input its line under `--json`.
#[test]
fn a_refused_run_prints_a_json_line_per_input() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let a = env.doc("demo1.pdf", "a.pdf");
    let b = env.doc("test.pdf", "b.pdf");
    let file = env.work.path().join("a-file");
    fs::write(&file, "not a folder").unwrap();
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "--json", "parse", "-o"])
        .arg(file.join("sub"))
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2, "{lines:?}");
    for (i, (line, doc)) in lines.iter().zip([&a, &b]).enumerate() {
        assert_eq!(line["index"], i);
        assert_eq!(line["input"], doc.display().to_string());
        assert_eq!(line["state"], "refused");
        assert!(line["error"].as_str().unwrap().contains("a-file"), "{line}");
    }
    assert_eq!(
        stderr_of(&out).matches("error:").count(),
        1,
        "{}",
        stderr_of(&out)
    );

    // A second batch while one holds the record.
    let slow = FakeMineru::start();
    let folder = env.work.path().join("batch-out");
    let mut first = env
        .std_cmd(&slow)
        .env("MINERU_API_KEY", crate::support::TOKEN)
        .env("DOCPIPE_POLL_INTERVAL", "10s")
        .args(["-p", "mineru", "batch", "-o"])
        .arg(&folder)
        .arg(&a)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The premise: the first batch holds the record (its task exists).
    let started = std::time::Instant::now();
    while slow.tasks_created() == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the first batch never submitted, so the refusal would prove nothing"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = env
        .keyed(&slow)
        .args(["-p", "mineru", "--json", "batch", "-o"])
        .arg(&folder)
        .arg(&a)
        .output()
        .unwrap();
    let _ = first.kill();
    let _ = first.wait();
    assert!(!out.status.success(), "{}", stderr_of(&out));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1, "{lines:?} {}", stderr_of(&out));
    assert_eq!(lines[0]["state"], "refused");
    assert!(lines[0]["error"].is_string());

    // fetch of an ID nobody knows.
    let out = env
        .keyed(&fake)
        .args(["--json", "fetch", "no-such-id"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["input"], "no-such-id");
    assert_eq!(lines[0]["state"], "refused");
    assert!(lines[0]["error"].as_str().unwrap().contains("no-such-id"));
}

#[test]
fn a_split_documents_json_line_gives_the_id_status_and_fetch_take() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let doc = env.work.path().join("big.pdf");
    fs::write(&doc, make_pdf(1300)).unwrap();
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "--json", "parse", "--no-wait", "-o"])
        .arg(env.out())
        .arg(&doc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let line = &json_lines(&out)[0];
    let id = line["batch_id"]
        .as_str()
        .or(line["task_id"].as_str())
        .unwrap_or_else(|| panic!("an ID: {line}"))
        .to_string();
    let status = env.keyed(&fake).args(["status", &id]).output().unwrap();
    assert!(status.status.success(), "{}", stderr_of(&status));
    let fetched = env
        .keyed(&fake)
        .args(["--json", "fetch", &id])
        .output()
        .unwrap();
    assert!(fetched.status.success(), "{}", stderr_of(&fetched));
    let done = &json_lines(&fetched)[0];
    assert_eq!(done["state"], "done");
    assert!(
        done["batch_id"].is_string() || done["task_id"].is_string(),
        "{done}"
    );
    assert!(env.out().join("big/full.md").is_file());
}

#[test]
fn help_says_what_no_provider_flag_does_as_providers_does() {
    let env = Env::new();
    let help = stdout_of(&env.bare().arg("--help").output().unwrap());
    let providers = stdout_of(&env.bare().arg("providers").output().unwrap());
    let sentence = providers
        .lines()
        .find(|l| l.starts_with("With no -p:"))
        .unwrap_or_else(|| panic!("{providers}"));
    assert!(
        sentence.contains("local") && sentence.contains("mineru-flash"),
        "{sentence}"
    );
    let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat(&help).contains(&flat(sentence)), "{help}");
    // What it says is what happens: no key, a text layer → local.
    let doc = env.doc("demo1.pdf", "t.pdf");
    let out = env
        .bare()
        .args(["--json", "ocr"])
        .arg(&doc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(json_lines(&out)[0]["provider"], "local");
}

#[test]
fn html_script_links_keep_their_text_and_csv_ends_with_a_newline() {
    let env = Env::new();
    let html = env.work.path().join("t.html");
    fs::write(
        &html,
        r#"<p>Click <a href="javascript:alert(document.cookie)">here</a> or <a href=" JaVaScRiPt:void(0)">there</a>, see <a href="https://e.com/">docs</a>.</p>"#,
    )
    .unwrap();
    let out = env
        .bare()
        .args(["-p", "local", "ocr"])
        .arg(&html)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let md = stdout_of(&out);
    assert!(md.contains("Click here or there"), "{md}");
    assert!(!md.to_lowercase().contains("javascript"), "{md}");
    assert!(md.contains("[docs](https://e.com/)"), "{md}");

    let csv = env.work.path().join("t.csv");
    fs::write(&csv, "a,b\n1,2").unwrap();
    let out = env
        .bare()
        .args(["-p", "local", "ocr"])
        .arg(&csv)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(
        stdout_of(&out).ends_with("| 1 | 2 |\n"),
        "{:?}",
        stdout_of(&out)
    );
    let out = env
        .bare()
        .args(["-p", "local", "ocr", "-o"])
        .arg(env.out())
        .arg(&csv)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(fs::read_to_string(env.out().join("t.md"))
        .unwrap()
        .ends_with("|\n"));
}

#[test]
fn office_documents_on_stdin_need_no_name() {
    let env = Env::new();
    for (fixture, want) in [
        ("docx_01.docx", "# "),
        ("xlsx_01.xlsx", "| --- |"),
        ("pptx_01.pptx", "# "),
    ] {
        let bytes = fs::read(crate::harness::fixture_path(fixture)).unwrap();
        let mut child = env
            .bare_std()
            .args(["-p", "local", "ocr", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(&bytes).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{fixture}: {}", stderr_of(&out));
        assert!(
            stdout_of(&out).contains(want),
            "{fixture}: {}",
            stdout_of(&out)
        );
    }
    // A zip that is no Office document is still refused, asking for a name.
    let mut zip = Vec::new();
    {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(&mut zip));
        w.start_file("notes.txt", zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(b"hello").unwrap();
        w.finish().unwrap();
    }
    let mut child = env
        .bare_std()
        .args(["-p", "local", "ocr", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&zip).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("--name"), "{}", stderr_of(&out));
}

/// A result host that stops sending: each new try is said, on one line.
#[test]
fn a_stalled_download_being_retried_says_so() {
    let faults = Arc::new(Faults::new(0, 0, |_| false).stalling_downloads(Duration::from_secs(30)));
    let fake = FakeMineru::start_with(FakeConfig {
        faults: Some(faults),
        ..FakeConfig::default()
    });
    let env = Env::new();
    let out = env
        .keyed(&fake)
        .env("DOCPIPE_STALL_TIMEOUT", "1s")
        .env("DOCPIPE_RETRY_BASE", "10ms")
        .env("DOCPIPE_PROGRESS", "plain")
        .args(["-p", "mineru", "parse", "--timeout", "40s", "-o"])
        .arg(env.out())
        .arg("https://docs.example.org/stalled.pdf")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = stderr_of(&out);
    let retries: Vec<&str> = err.lines().filter(|l| l.contains("trying again")).collect();
    assert!(!retries.is_empty(), "{err}");
    for line in &retries {
        assert!(line.starts_with("docpipe: warning: "), "{line}");
    }
    assert!(err.contains("trying again (2 of 3)"), "{err}");
    // -q: quiet.
    let quiet = env
        .keyed(&fake)
        .env("DOCPIPE_STALL_TIMEOUT", "1s")
        .env("DOCPIPE_RETRY_BASE", "10ms")
        .env("DOCPIPE_PROGRESS", "plain")
        .args(["-q", "-p", "mineru", "parse", "--timeout", "40s", "-o"])
        .arg(env.out())
        .arg("https://docs.example.org/stalled.pdf")
        .output()
        .unwrap();
    assert!(
        !stderr_of(&quiet).contains("trying again"),
        "{}",
        stderr_of(&quiet)
    );
}
