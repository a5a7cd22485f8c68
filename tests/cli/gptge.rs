//! gpt.ge task OCR end to end: multipart submission, polling through its states,
//! keyless result download, status and fetch.

use std::fs;

use crate::harness::{Env, Run};
use crate::support::gptge::{result_bytes, FakeGptGe, GptGeConfig, GPTGE_KEY, RESULT_TEXT};
use crate::support::Server;

fn cmd(env: &Env, fake: &FakeGptGe) -> assert_cmd::Command {
    let mut cmd = env.bare();
    cmd.env("DOCPIPE_GPTGE_BASE_URL", fake.base_url())
        .env("GPTGE_API_KEY", GPTGE_KEY);
    cmd
}

fn assert_clean(fake: &FakeGptGe) {
    assert!(fake.violations().is_empty(), "{:#?}", fake.violations());
}

#[test]
fn local_file_is_streamed_polled_through_every_state_and_printed() {
    let fake = FakeGptGe::start();
    let env = Env::new();
    let doc = env.doc("test.pdf", "invoice.pdf");
    let out = cmd(&env, &fake)
        .args(["-p", "gptge", "ocr", "--language", "en,Digits"])
        .arg(&doc)
        .run()
        .ok();
    assert_clean(&fake);
    assert_eq!(out.stdout, RESULT_TEXT);
    let tasks = fake.tasks();
    assert_eq!(tasks.len(), 1);
    let t = &tasks[0];
    assert_eq!(t.file_name.as_deref(), Some("invoice.pdf"));
    assert_eq!(t.file_bytes.as_deref(), Some(&fs::read(&doc).unwrap()[..]));
    assert_eq!(t.url, None);
    assert_eq!(t.format, "txt", "markdown is served as txt");
    assert_eq!(t.language.as_deref(), Some("English,Digits"));
    assert_eq!(t.password, None);
    // States 0, 2, 3, 4 were polled through to 1.
    assert!(t.polls >= 4, "polled {} times", t.polls);
    let submit = fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/task/pic/ocr")
        .unwrap();
    assert!(submit.header("content-length").is_some());
    assert_eq!(
        submit.header("authorization"),
        Some(format!("Bearer {GPTGE_KEY}").as_str())
    );
    let cdn: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.server == Server::Cdn)
        .collect();
    assert_eq!(cdn.len(), 1);
    assert!(!cdn[0].has_header("authorization"));
}

#[test]
fn url_input_and_a_docx_result_written_with_its_extension() {
    let fake = FakeGptGe::start();
    let env = Env::new();
    cmd(&env, &fake)
        .args(["-p", "gptge", "ocr", "--format", "docx", "-o"])
        .arg(env.out())
        .arg("https://example.org/files/contract.pdf")
        .run()
        .ok();
    assert_clean(&fake);
    let t = &fake.tasks()[0];
    assert_eq!(
        t.url.as_deref(),
        Some("https://example.org/files/contract.pdf")
    );
    assert_eq!(t.file_bytes, None);
    assert_eq!(t.format, "docx");
    assert_eq!(
        fs::read(env.out().join("contract.docx")).unwrap(),
        result_bytes("docx")
    );
}

#[test]
fn parse_writes_the_result_into_a_folder() {
    let fake = FakeGptGe::start();
    let env = Env::new();
    cmd(&env, &fake)
        .args(["-p", "gptge", "parse", "--format", "text", "-o"])
        .arg(env.out())
        .arg("https://example.org/files/contract.pdf")
        .run()
        .ok();
    assert_eq!(
        fs::read_to_string(env.out().join("contract/full.txt")).unwrap(),
        RESULT_TEXT
    );
}

#[test]
fn binary_formats_need_an_output_folder_and_json_is_refused() {
    let fake = FakeGptGe::start();
    let env = Env::new();
    let out = cmd(&env, &fake)
        .args([
            "-p",
            "gptge",
            "ocr",
            "--format",
            "xlsx",
            "https://example.org/a.pdf",
        ])
        .run();
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains("-o DIR"), "{}", out.stderr);
    let out = cmd(&env, &fake)
        .args([
            "-p",
            "gptge",
            "ocr",
            "--format",
            "json",
            "https://example.org/a.pdf",
        ])
        .run();
    assert_eq!(out.code, Some(2));
    let err = out.stderr;
    assert!(err.contains("docx") && err.contains("pptx"), "{err}");
    let out = cmd(&env, &fake)
        .args([
            "-p",
            "gptge",
            "ocr",
            "--language",
            "xx",
            "https://example.org/a.pdf",
        ])
        .run();
    assert_eq!(out.code, Some(2));
    let out = cmd(&env, &fake)
        .args(["-p", "gptge", "ocr", "https://example.org:8443/a.pdf"])
        .run();
    assert_eq!(out.code, Some(4));
    assert!(out.stderr.contains("443"), "{}", out.stderr);
    assert!(fake.requests().is_empty());
}

#[test]
fn the_document_password_comes_from_the_environment() {
    let fake = FakeGptGe::start();
    let env = Env::new();
    let doc = env.doc("test.pdf", "locked.pdf");
    let out = cmd(&env, &fake)
        .env("GPTGE_DOC_PASSWORD", "s3cret-pw")
        .args(["-p", "gptge", "ocr"])
        .arg(&doc)
        .run()
        .ok();
    assert_eq!(fake.tasks()[0].password.as_deref(), Some("s3cret-pw"));
    assert!(!out.stderr.contains("s3cret-pw"));
    // And from the config file.
    let fake = FakeGptGe::start();
    let cfg = env.config("[providers.gptge]\npassword = \"from-config\"\n");
    cmd(&env, &fake)
        .arg("-c")
        .arg(&cfg)
        .args(["-p", "gptge", "ocr"])
        .arg(&doc)
        .run()
        .ok();
    assert_eq!(fake.tasks()[0].password.as_deref(), Some("from-config"));
}

#[test]
fn refused_documents_exit_4_and_failed_extractions_exit_5() {
    for (state, code) in [(-7, 4), (-5, 4), (-1, 5), (-8, 5)] {
        // A fresh record each time: a failure on record is not resubmitted.
        let env = Env::new();
        let fake = FakeGptGe::start_with(GptGeConfig {
            states: vec![0, 4, state],
            ..GptGeConfig::default()
        });
        let out = cmd(&env, &fake)
            .args(["-p", "gptge", "ocr", "https://example.org/a.pdf"])
            .run();
        assert_eq!(out.code, Some(code), "state {state}: {}", out.stderr);
        let err = out.stderr;
        assert!(
            err.contains("https://example.org/a.pdf") && err.contains(&format!("state {state}")),
            "{err}"
        );
    }
}

#[test]
fn bad_key_exits_3_and_rate_limit_exits_7() {
    let env = Env::new();
    let fake = FakeGptGe::start();
    let out = cmd(&env, &fake)
        .env("GPTGE_API_KEY", "sk-wrong")
        .args(["-p", "gptge", "ocr", "https://example.org/a.pdf"])
        .run();
    assert_eq!(out.code, Some(3));
    let err = out.stderr;
    assert!(
        err.contains("GPTGE_API_KEY") && !err.contains("sk-wrong"),
        "{err}"
    );
    let fake = FakeGptGe::start_with(GptGeConfig {
        rate_limited: true,
        ..GptGeConfig::default()
    });
    let out = cmd(&env, &fake)
        .args(["-p", "gptge", "ocr", "https://example.org/a.pdf"])
        .run();
    assert_eq!(out.code, Some(7), "{}", out.stderr);
    assert!(fake.tasks().is_empty());
}

#[test]
fn no_wait_then_status_and_fetch_from_the_record() {
    let fake = FakeGptGe::start();
    let env = Env::new();
    let out = cmd(&env, &fake)
        .args(["-p", "gptge", "ocr", "--no-wait", "-o"])
        .arg(env.out())
        .arg("https://example.org/a.pdf")
        .run()
        .ok();
    let id = out.stdout.trim().to_string();
    assert_eq!(id, fake.tasks()[0].id);
    // No -p: the record knows the provider.
    let out = cmd(&env, &fake).args(["--json", "status", &id]).run().ok();
    let line = &out.json()[0];
    assert_eq!(line["provider"], "gptge");
    assert_eq!(line["task_id"], id.as_str());
    cmd(&env, &fake).args(["fetch", &id]).run().ok();
    assert_eq!(
        fs::read_to_string(env.out().join("a.txt")).unwrap(),
        RESULT_TEXT
    );
    assert_clean(&fake);
}

#[test]
fn unrecorded_ids_work_with_p_gptge_and_unknown_ones_are_reported() {
    let fake = FakeGptGe::start();
    let env = Env::new();
    let id = fake.seed_task("txt");
    let out = cmd(&env, &fake)
        .args(["-p", "gptge", "status", &id])
        .run()
        .ok();
    assert!(out.stdout.contains(&id));
    cmd(&env, &fake)
        .args(["-p", "gptge", "fetch", "-o"])
        .arg(env.out())
        .arg(&id)
        .run()
        .ok();
    let file = env.out().join(format!("{id}/full.txt"));
    assert_eq!(fs::read_to_string(&file).unwrap(), RESULT_TEXT);
    let out = cmd(&env, &fake)
        .args(["-p", "gptge", "status", "no-such-task"])
        .run();
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains("no-such-task"), "{}", out.stderr);
    assert_clean(&fake);
}

/// A `max_file_mb` override is checked before anything is sent, for gpt.ge as
/// for every provider (its documented limits are none).
#[test]
fn a_size_override_in_the_config_refuses_a_larger_file_before_any_request() {
    let fake = FakeGptGe::start();
    let env = Env::new();
    let config = env.config("[providers.gptge]\nmax_file_mb = 1\n");
    let doc = env.sized("big.pdf", b"%PDF-1.4\n", 2 * 1024 * 1024);
    let out = cmd(&env, &fake)
        .arg("-c")
        .arg(&config)
        .args(["-p", "gptge", "ocr"])
        .arg(&doc)
        .run()
        .exits(4);
    assert!(
        out.stderr.contains("over gptge's limit of 1.0 MB"),
        "{}",
        out.stderr
    );
    assert!(fake.tasks().is_empty(), "nothing is sent");
}
