//! parse4ai: camelCase single tasks, snake_case batches, URL inputs only.

use crate::harness::{Env, Run};
use crate::support::demo_markdown;
use crate::support::parse4ai::{FakeParse4ai, P4_EXPIRED_KEY};

fn assert_clean(fake: &FakeParse4ai) {
    let v = fake.violations();
    assert!(v.is_empty(), "protocol violations: {v:#?}");
}

#[test]
fn single_task_speaks_camel_case_and_prints_markdown() {
    let fake = FakeParse4ai::start();
    let env = Env::new();
    let out = env
        .p4(&fake)
        .args([
            "-p",
            "parse4ai",
            "ocr",
            "--pages",
            "1-3",
            "--ocr",
            "--model",
            "vlm",
            "--language",
            "en",
        ])
        .arg("https://files.example.org/report.pdf")
        .run()
        .ok();
    assert_clean(&fake);
    assert_eq!(out.stdout.trim_end(), demo_markdown().trim_end());
    let create = fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/api/v1/extract/task")
        .unwrap();
    let body = create.json().unwrap();
    assert_eq!(body["url"], "https://files.example.org/report.pdf");
    assert_eq!(body["isOcr"], true);
    assert_eq!(body["pageRanges"], "1-3");
    assert_eq!(body["modelVersion"], "vlm");
    assert_eq!(body["language"], "en");
    assert!(body["dataId"].is_string());
    assert!(body.get("is_ocr").is_none() && body.get("page_ranges").is_none());
}

#[test]
fn batch_speaks_snake_case_and_writes_every_result() {
    let fake = FakeParse4ai::start();
    let env = Env::new();
    let list = env.work.path().join("urls.txt");
    std::fs::write(&list, "https://files.example.org/a.pdf\nhttps://files.example.org/b.pdf\nhttps://files.example.org/c.docx\n").unwrap();
    let out = env
        .p4(&fake)
        .args(["-p", "parse4ai", "--json", "batch", "--ocr", "-o"])
        .arg(env.out())
        .arg("--from")
        .arg(&list)
        .run()
        .ok();
    assert_clean(&fake);
    assert_eq!(fake.count("POST", "/api/v1/extract/task/batch"), 1);
    assert_eq!(
        fake.count("GET", "/api/v1/extract/task/"),
        0,
        "polled per batch, not per document"
    );
    let create = fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/api/v1/extract/task/batch")
        .unwrap();
    let body = create.json().unwrap();
    assert_eq!(body["files"].as_array().unwrap().len(), 3);
    assert_eq!(body["files"][0]["is_ocr"], true);
    assert!(body["files"][0]["data_id"].is_string());
    assert!(body.get("isOcr").is_none());
    assert_eq!(out.json().len(), 3);
    for name in ["a", "b", "c"] {
        assert!(env.out().join(name).join("full.md").is_file(), "{name}");
    }
    assert_eq!(fake.tasks_created(), 3);
}

#[test]
fn local_files_are_refused_before_any_request() {
    let fake = FakeParse4ai::start();
    let env = Env::new();
    let doc = env.doc("demo1.pdf", "local.pdf");
    let out = env
        .p4(&fake)
        .args(["-p", "parse4ai", "ocr"])
        .arg(&doc)
        .run();
    assert_eq!(out.code, Some(4));
    let err = out.stderr;
    assert!(err.contains("local.pdf") && err.contains("URL"), "{err}");
    assert!(fake.requests().is_empty());
}

#[test]
fn bad_and_expired_keys_exit_3_with_the_variable_named() {
    let fake = FakeParse4ai::start();
    let env = Env::new();
    for (key, word) in [("wrong-key", "-20002"), (P4_EXPIRED_KEY, "expired")] {
        let out = env
            .p4(&fake)
            .env("PARSE4AI_API_KEY", key)
            .args(["-p", "parse4ai", "ocr", "https://files.example.org/a.pdf"])
            .run();
        assert_eq!(out.code, Some(3), "{}", out.stderr);
        let err = out.stderr;
        assert!(
            err.contains("PARSE4AI_API_KEY") && err.contains(word),
            "{err}"
        );
        assert!(
            !err.contains(key) || key == P4_EXPIRED_KEY && !err.contains("p4-expired"),
            "{err}"
        );
    }
}

#[test]
fn the_html_model_is_not_offered() {
    let fake = FakeParse4ai::start();
    let env = Env::new();
    let out = env
        .p4(&fake)
        .args([
            "-p",
            "parse4ai",
            "ocr",
            "--model",
            "html",
            "https://files.example.org/a.pdf",
        ])
        .run();
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains("pipeline or vlm"), "{}", out.stderr);
    assert!(fake.requests().is_empty());
}

/// `fetch` of a batch ID docpipe never recorded: parse4ai has no such task, so
/// the ID is taken as a batch (the lookup MinerU and parse4ai share).
#[test]
fn fetch_of_an_unrecorded_batch_id() {
    let fake = FakeParse4ai::start();
    let env = Env::new();
    let answer: serde_json::Value = reqwest::blocking::Client::new()
        .post(format!("{}/api/v1/extract/task/batch", fake.base_url()))
        .bearer_auth(crate::support::parse4ai::P4_KEY)
        .json(&serde_json::json!({"files": [{"url": "https://example.org/elsewhere.pdf"}]}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let batch_id = answer["data"]["batch_id"].as_str().unwrap().to_string();
    env.p4(&fake)
        .args(["-p", "parse4ai", "fetch", &batch_id, "-o"])
        .arg(env.out())
        .run()
        .ok();
    let written = crate::harness::tree(&env.out());
    assert!(
        written.iter().any(|f| f.ends_with("full.md")),
        "{written:?}"
    );
    assert_eq!(fake.tasks_created(), 1, "fetch never creates");
    assert_clean(&fake);
}

/// parse4ai's own table: its -60017 is a used-up page balance (exit 7), and its
/// errors name parse4ai, never MinerU.
#[test]
fn an_empty_page_balance_is_a_quota_named_for_parse4ai() {
    let fake = FakeParse4ai::start_with(crate::support::parse4ai::P4Config {
        balance_empty: true,
        ..Default::default()
    });
    let env = Env::new();
    let out = env
        .p4(&fake)
        .args(["-p", "parse4ai", "parse", "-o"])
        .arg(env.out())
        .arg("https://example.org/report.pdf")
        .run();
    let err = out.stderr;
    assert_eq!(out.code, Some(7), "{err}");
    assert!(
        err.contains("页码余额不足 (code -60017: page balance used up"),
        "{err}"
    );
    assert!(err.contains("parse4ai"), "{err}");
    assert!(!err.to_lowercase().contains("mineru"), "{err}");
    assert_eq!(fake.tasks_created(), 0);
}
