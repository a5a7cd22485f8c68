//! MinerU v4 end to end: the real binary against the fake MinerU hosts.

use std::fs;

use crate::harness::{fixture_path, json_lines, stderr_of, stdout_of, tree, Env};
use crate::support::{
    demo_markdown, Advance, FakeConfig, FakeMineru, Server, EXPIRED_TOKEN, FAIL_MSG, TOKEN,
};

fn assert_clean(fake: &FakeMineru) {
    let v = fake.violations();
    assert!(v.is_empty(), "protocol violations: {v:#?}");
}

#[test]
fn parse_local_file_uploads_by_signed_put_and_unpacks_the_result() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let doc = env.doc("demo1.pdf", "demo1.pdf");
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "parse", "-o"])
        .arg(env.out())
        .arg(&doc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_clean(&fake);

    // The documented flow: file-urls/batch, PUT, batch polling; never extract/task.
    assert_eq!(fake.count("POST", "/api/v4/file-urls/batch"), 1);
    assert_eq!(fake.count("POST", "/api/v4/extract/task"), 0);
    assert_eq!(fake.tasks_created(), 1);
    let put = fake
        .requests()
        .into_iter()
        .find(|r| r.method == "PUT")
        .expect("the file was uploaded");
    assert_eq!(put.server, Server::Oss);
    assert!(!put.has_header("content-type") && !put.has_header("authorization"));
    assert_eq!(
        put.header("content-length"),
        Some(fs::metadata(&doc).unwrap().len().to_string().as_str())
    );
    let create = fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/api/v4/file-urls/batch")
        .unwrap();
    assert_eq!(
        create.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    let body = create.json().unwrap();
    assert_eq!(body["files"][0]["name"], "demo1.pdf");

    // The result folder: the unpacked zip, byte for byte.
    let dir = env.out().join("demo1");
    let files = tree(&dir);
    assert!(files.contains(&"full.md".to_string()), "{files:?}");
    assert_eq!(
        files.iter().filter(|f| f.starts_with("images/")).count(),
        10,
        "{files:?}"
    );
    assert!(
        files.iter().any(|f| f.ends_with("_content_list.json")),
        "{files:?}"
    );
    assert_eq!(
        fs::read_to_string(dir.join("full.md")).unwrap(),
        demo_markdown()
    );
    let origin = files
        .iter()
        .find(|f| f.ends_with("_origin.pdf"))
        .expect("origin file");
    assert_eq!(fs::read(dir.join(origin)).unwrap(), fs::read(&doc).unwrap());

    // CDN download: Referer sent, no key anywhere.
    let cdn: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.server == Server::Cdn)
        .collect();
    assert_eq!(cdn.len(), 1);
    assert_eq!(cdn[0].header("referer"), Some("https://mineru.net/"));
    assert!(!cdn[0].mentions(TOKEN));

    // Nothing left behind but the result and docpipe's own index.
    let top: Vec<String> = fs::read_dir(env.out())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut top = top;
    top.sort();
    assert_eq!(top, vec![".docpipe", "demo1"]);
}

#[test]
fn ocr_prints_markdown_to_stdout_and_progress_to_stderr() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let doc = env.doc("demo1.pdf", "paper.pdf");
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "ocr"])
        .arg(&doc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out).trim_end(), demo_markdown().trim_end());
    let err = stderr_of(&out);
    // Off a terminal: one plain line per state change, with page progress.
    assert!(err.contains("paper: running"), "{err}");
    assert!(err.contains("/12 pages"), "{err}");
    assert!(err.contains("paper: done"), "{err}");
    assert_clean(&fake);
}

#[test]
fn ocr_to_folder_writes_markdown_with_rewritten_image_links() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let doc = env.doc("demo1.pdf", "demo1.pdf");
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "ocr", "-o"])
        .arg(env.out())
        .arg(&doc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let md = fs::read_to_string(env.out().join("demo1.md")).unwrap();
    assert!(!md.contains("](images/"), "links still point at images/");
    let links: Vec<&str> = md
        .match_indices("](demo1_images/")
        .map(|(i, _)| &md[i + 2..])
        .collect();
    assert_eq!(links.len(), 10);
    for link in links {
        let path = &link[..link.find(')').unwrap()];
        assert!(env.out().join(path).is_file(), "missing {path}");
    }
    assert!(stdout_of(&out).is_empty());
}

#[test]
fn url_input_goes_to_extract_task_with_every_option() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "--json", "parse", "-o"])
        .arg(env.out())
        .args([
            "--pages",
            "1-5,8",
            "--ocr",
            "--no-formula",
            "--no-table",
            "--language",
            "en",
            "--model",
            "vlm",
            "--extra-format",
            "docx,latex",
            "https://cdn.example.org/papers/report.pdf",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_clean(&fake);
    let create = fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/api/v4/extract/task")
        .unwrap();
    let body = create.json().unwrap();
    assert_eq!(body["url"], "https://cdn.example.org/papers/report.pdf");
    assert_eq!(body["page_ranges"], "1-5,8");
    assert_eq!(body["is_ocr"], true);
    assert_eq!(body["enable_formula"], false);
    assert_eq!(body["enable_table"], false);
    assert_eq!(body["language"], "en");
    assert_eq!(body["model_version"], "vlm");
    assert_eq!(body["extra_formats"], serde_json::json!(["docx", "latex"]));
    assert!(body["data_id"].as_str().unwrap().starts_with("report-"));

    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1);
    let line = &lines[0];
    for key in [
        "input",
        "provider",
        "task_id",
        "batch_id",
        "state",
        "output",
        "markdown",
        "pages",
        "error",
        "elapsed_s",
    ] {
        assert!(line.get(key).is_some(), "missing {key} in {line}");
    }
    assert_eq!(line["state"], "done");
    assert_eq!(line["provider"], "mineru");
    assert_eq!(line["pages"], 12);
    assert!(line["task_id"].is_string() && line["batch_id"].is_null());
    assert!(env.out().join("report/full.md").is_file());
}

#[test]
fn html_inputs_default_to_the_html_model_and_other_models_are_refused() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "ocr", "https://example.org/page.html"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let create = fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/api/v4/extract/task")
        .unwrap();
    assert_eq!(create.json().unwrap()["model_version"], "MinerU-HTML");

    let before = fake.requests().len();
    let out = env
        .keyed(&fake)
        .args([
            "-p",
            "mineru",
            "ocr",
            "--model",
            "vlm",
            "https://example.org/page.html",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert_eq!(
        fake.requests().len(),
        before,
        "no request for a refused option"
    );
}

#[test]
fn missing_file_exits_4_before_any_request() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let ok = env.doc("demo1.pdf", "ok.pdf");
    // --fail-fast: the first bad input stops everything before any request.
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "parse", "--fail-fast", "-o"])
        .arg(env.out())
        .arg(&ok)
        .arg("nope/missing.pdf")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let err = stderr_of(&out);
    assert!(
        err.contains("nope/missing.pdf") && err.contains("no such file"),
        "{err}"
    );
    assert!(err.contains("hint:"), "{err}");
    assert!(
        fake.requests().is_empty(),
        "made requests: {:?}",
        fake.requests().len()
    );
}

#[test]
fn unsupported_and_empty_files_exit_4_naming_the_input() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let txt = env.work.path().join("notes.txt");
    fs::write(&txt, "hello").unwrap();
    let empty = env.work.path().join("empty.pdf");
    fs::write(&empty, "").unwrap();
    for (path, needle) in [(&txt, ".txt files are not supported"), (&empty, "empty")] {
        let out = env
            .keyed(&fake)
            .args(["-p", "mineru", "ocr"])
            .arg(path)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(4));
        let err = stderr_of(&out);
        assert!(
            err.contains(&*path.display().to_string()) && err.contains(needle),
            "{err}"
        );
    }
    assert!(fake.requests().is_empty());
}

#[test]
fn bad_key_exits_3_with_a_hint_and_never_prints_the_key() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let doc = env.doc("demo1.pdf", "a.pdf");
    let out = env
        .cmd(&fake)
        .env("MINERU_API_KEY", "sk-wrong-secret-value")
        .args(["-p", "mineru", "parse"])
        .arg(&doc)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = stderr_of(&out);
    assert!(err.contains("MINERU_API_KEY"), "{err}");
    assert!(err.contains("A0202"), "{err}");
    assert!(
        !err.contains("sk-wrong-secret-value")
            && !stdout_of(&out).contains("sk-wrong-secret-value")
    );

    let out = env
        .cmd(&fake)
        .env("MINERU_TOKEN", EXPIRED_TOKEN)
        .args(["-p", "mineru", "parse"])
        .arg(&doc)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr_of(&out).contains("expired"), "{}", stderr_of(&out));
}

#[test]
fn missing_key_for_mineru_exits_3_before_any_request() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let doc = env.doc("demo1.pdf", "a.pdf");
    let out = env
        .cmd(&fake)
        .args(["-p", "mineru", "ocr"])
        .arg(&doc)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = stderr_of(&out);
    assert!(
        err.contains("MINERU_API_KEY") && err.contains("mineru-flash"),
        "{err}"
    );
    assert!(fake.requests().is_empty());
}

#[test]
fn failed_task_exits_5_and_the_other_documents_are_still_written() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let good = env.doc("demo1.pdf", "good.pdf");
    let bad = env.doc("test.pdf", "will-fail.pdf");
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "parse", "-o"])
        .arg(env.out())
        .arg(&bad)
        .arg(&good)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(
        err.contains("will-fail.pdf") && err.contains(FAIL_MSG),
        "{err}"
    );
    assert!(env.out().join("good/full.md").is_file());
    assert!(!env.out().join("will-fail").exists());
    assert_clean(&fake);
}

#[test]
fn hostile_zip_is_refused_and_nothing_is_written_outside_the_output_folder() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let doc = env.doc("demo1.pdf", "hostile.pdf");
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "parse", "-o"])
        .arg(env.out())
        .arg(&doc)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(
        err.contains("hostile.pdf") && err.contains("unsafe entry"),
        "{err}"
    );
    assert!(!env.work.path().join("evil.txt").exists());
    assert!(!env.out().join("evil.txt").exists());
    assert!(!std::path::Path::new("/tmp/docpipe-abs-evil.txt").exists());
    assert!(!env.out().join("hostile").exists(), "no partial result");
    let leftovers: Vec<String> = tree(&env.out())
        .into_iter()
        .filter(|f| !f.starts_with(".docpipe/"))
        .collect();
    assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
}

#[test]
fn timeout_exits_6_with_the_id_and_the_commands_to_resume() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let out = env
        .keyed(&fake)
        .args([
            "-p",
            "mineru",
            "--timeout",
            "1s",
            "parse",
            "https://example.org/slow.pdf",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    let create = fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/api/v4/extract/task")
        .unwrap();
    let _ = create;
    let status_req = fake
        .requests()
        .into_iter()
        .find(|r| r.path.starts_with("/api/v4/extract/task/"))
        .unwrap();
    let id = status_req.path.rsplit('/').next().unwrap().to_string();
    assert!(err.contains(&id), "{err}");
    assert!(
        err.contains(&format!("docpipe status {id}"))
            && err.contains(&format!("docpipe fetch {id}")),
        "{err}"
    );
    // It is recorded, so status works without -p.
    let out = env.keyed(&fake).args(["status", &id]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(stdout_of(&out).contains("running"), "{}", stdout_of(&out));
}

#[test]
fn no_wait_then_status_then_fetch_without_provider_flag() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let doc = env.doc("demo1.pdf", "later.pdf");
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "parse", "--no-wait"])
        .arg(&doc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let id = stdout_of(&out).trim().to_string();
    assert!(!id.is_empty() && !id.contains('\n'), "one ID: {id:?}");
    assert_eq!(fake.count("PUT", "/"), 1, "uploaded before exiting");
    assert_eq!(
        fake.count("GET", "/api/v4/extract-results/batch/"),
        0,
        "did not wait"
    );

    let out = env
        .keyed(&fake)
        .args(["--json", "status", &id])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let line = &json_lines(&out)[0];
    assert_eq!(line["batch_id"], id.as_str());
    assert_eq!(line["input"], doc.display().to_string());
    assert!(line.get("progress").is_some());

    let out = env
        .keyed(&fake)
        .args(["fetch", &id, "-o"])
        .arg(env.out())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(
        env.out().join("later/full.md").is_file(),
        "{:?}",
        tree(&env.out())
    );
    assert_eq!(fake.tasks_created(), 1, "fetch never resubmits");
    assert_clean(&fake);
}

#[test]
fn status_of_unknown_ids() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let out = env
        .keyed(&fake)
        .args(["status", "no-such-id"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("-p"), "{}", stderr_of(&out));
    assert!(fake.requests().is_empty());

    // Asked of the provider: unknown as a task (-60012) and as a batch.
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "status", "no-such-id"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("-60012"), "{}", stderr_of(&out));
}

#[test]
fn code_as_string_is_understood() {
    let fake = FakeMineru::start_with(FakeConfig {
        code_as_string: true,
        ..FakeConfig::default()
    });
    let env = Env::new();
    let doc = env.doc("demo1.pdf", "s.pdf");
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "ocr"])
        .arg(&doc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(!stdout_of(&out).is_empty());
}

#[test]
fn same_names_from_different_folders_never_share_an_output() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let a = env.doc("demo1.pdf", "a/report.pdf");
    let b = env.doc("test.pdf", "b/report.pdf");
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "parse", "-o"])
        .arg(env.out())
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let dirs: Vec<String> = fs::read_dir(env.out())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("report"))
        .collect();
    assert_eq!(dirs.len(), 2, "{dirs:?}");
    // Each folder holds its own document's origin.
    for dir in dirs {
        let files = tree(&env.out().join(&dir));
        let origin = files.iter().find(|f| f.ends_with("_origin.pdf")).unwrap();
        let bytes = fs::read(env.out().join(&dir).join(origin)).unwrap();
        assert!(bytes == fs::read(&a).unwrap() || bytes == fs::read(&b).unwrap());
    }
    // A rerun of the same inputs replaces docpipe's own results, adds nothing.
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "parse", "-o"])
        .arg(env.out())
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let count = fs::read_dir(env.out())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("report")
        })
        .count();
    assert_eq!(count, 2);
}

#[test]
fn a_users_own_file_is_never_overwritten() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let doc = env.doc("demo1.pdf", "demo1.pdf");
    fs::create_dir_all(env.out()).unwrap();
    fs::write(env.out().join("demo1.md"), "my notes").unwrap();
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "ocr", "-o"])
        .arg(env.out())
        .arg(&doc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(
        fs::read_to_string(env.out().join("demo1.md")).unwrap(),
        "my notes"
    );
    let ours: Vec<String> = tree(&env.out())
        .into_iter()
        .filter(|f| f.starts_with("demo1-") && f.ends_with(".md"))
        .collect();
    assert_eq!(ours.len(), 1, "{:?}", tree(&env.out()));
}

#[test]
fn json_and_text_formats_come_from_the_content_list() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let doc = env.doc("demo1.pdf", "demo1.pdf");
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "ocr", "--format", "json"])
        .arg(&doc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let blocks: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(blocks.as_array().unwrap().len() > 10);
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "ocr", "--format", "text"])
        .arg(&doc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let text = stdout_of(&out);
    assert!(
        text.starts_with("The response of flow duration curves"),
        "{}",
        &text[..80.min(text.len())]
    );
    assert!(!text.contains("!["));
}

#[test]
fn stdin_input_is_named_with_name() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "ocr", "-", "--name", "piped.pdf"])
        .pipe_stdin(fixture_path("demo1.pdf"))
        .unwrap()
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let create = fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/api/v4/file-urls/batch")
        .unwrap();
    assert_eq!(create.json().unwrap()["files"][0]["name"], "piped.pdf");
    assert_eq!(
        fake.uploaded("piped.pdf").unwrap(),
        fs::read(fixture_path("demo1.pdf")).unwrap()
    );
}

#[test]
fn time_based_progress_still_finishes() {
    let fake = FakeMineru::start_with(FakeConfig {
        advance: Advance::Time(std::time::Duration::from_millis(50)),
        ..FakeConfig::default()
    });
    let env = Env::new();
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "ocr", "https://example.org/x.pdf"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
}

#[test]
fn interrupt_exits_130_keeps_the_record_and_says_how_to_resume() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let child = env
        .std_cmd(&fake)
        .env("MINERU_API_KEY", TOKEN)
        .args(["-p", "mineru", "parse", "https://example.org/slow.pdf"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the task exists and is being polled.
    let started = std::time::Instant::now();
    while fake.count("GET", "/api/v4/extract/task/") < 2 {
        assert!(started.elapsed().as_secs() < 30, "never polled");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let kill = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130));
    let err = stderr_of(&out);
    let status_req = fake
        .requests()
        .into_iter()
        .find(|r| r.path.starts_with("/api/v4/extract/task/"))
        .unwrap();
    let id = status_req.path.rsplit('/').next().unwrap().to_string();
    assert!(
        err.contains("interrupted") && err.contains(&format!("docpipe fetch {id}")),
        "{err}"
    );
    // The record survives: status works without -p.
    let out = env.keyed(&fake).args(["status", &id]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
}

/// MinerU's Chinese messages come with the documented code's English meaning.
#[test]
fn a_chinese_error_gets_its_english_meaning() {
    let fake = FakeMineru::start_with(FakeConfig {
        daily_limit_reached: true,
        ..FakeConfig::default()
    });
    let env = Env::new();
    let doc = env.doc("demo1.pdf", "report.pdf");
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "parse", "-o"])
        .arg(env.out())
        .arg(&doc)
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(7), "{err}");
    assert!(
        err.contains("每日解析页数已达上限 (code -60018: daily page limit reached)"),
        "{err}"
    );
    assert_eq!(fake.tasks_created(), 0);
}
