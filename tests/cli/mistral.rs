//! Mistral OCR end to end: the real binary against the fake Mistral API.

use std::fs;
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{json, Value};

use crate::harness::{stderr_of, stdout_of, tree, Env};
use crate::support::mistral::{image_bytes, FakeMistral, MistralConfig, MISTRAL_KEY};
use crate::support::FakeMineru;

fn cmd(env: &Env, fake: &FakeMistral) -> assert_cmd::Command {
    let mut cmd = env.bare();
    cmd.env("DOCPIPE_MISTRAL_BASE_URL", fake.base_url())
        .env("MISTRAL_API_KEY", MISTRAL_KEY);
    cmd
}

/// A config that makes every local file go through `/v1/files`.
fn always_upload(env: &Env) -> std::path::PathBuf {
    env.config("[providers.mistral]\ninline_max_kb = 0\n")
}

fn assert_clean(fake: &FakeMistral) {
    assert!(fake.violations().is_empty(), "{:#?}", fake.violations());
    assert_eq!(fake.files_left(), 0, "uploaded files left at Mistral");
}

fn ocr_body(fake: &FakeMistral) -> Value {
    let ocr = fake.find("POST", "/v1/ocr");
    assert_eq!(ocr.len(), 1, "one OCR request");
    ocr[0].json().unwrap()
}

#[test]
fn local_file_is_uploaded_streamed_read_by_signed_url_and_deleted() {
    let fake = FakeMistral::start();
    let env = Env::new();
    let doc = env.doc("test.pdf", "report.pdf");
    let out = cmd(&env, &fake)
        .arg("-c")
        .arg(always_upload(&env))
        .args(["-p", "mistral", "ocr"])
        .arg(&doc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_clean(&fake);

    let upload = &fake.find("POST", "/v1/files")[0];
    assert!(upload.header("content-length").is_some());
    let stored = fake.files();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].filename, "report.pdf");
    assert_eq!(stored[0].purpose, "ocr");
    assert_eq!(stored[0].bytes, fs::read(&doc).unwrap());
    let signed = fake.find("GET", "/v1/files/");
    assert_eq!(signed.len(), 1);
    assert!(
        signed[0].query().contains("expiry=24"),
        "{}",
        signed[0].path
    );
    let body = ocr_body(&fake);
    assert_eq!(body["model"], "mistral-ocr-latest");
    assert_eq!(body["document"]["type"], "document_url");
    assert!(body["document"]["document_url"]
        .as_str()
        .unwrap()
        .contains("sig="));
    assert!(body.get("include_image_base64").is_none());
    assert_eq!(fake.find("DELETE", "/v1/files/").len(), 1);
    // Every request carried the key as a Bearer token, and only to the API.
    for r in fake.requests() {
        assert_eq!(
            r.header("authorization"),
            Some(format!("Bearer {MISTRAL_KEY}").as_str())
        );
    }
    // The pages' markdown, joined in order.
    let text = stdout_of(&out);
    let p1 = text.find("report.pdf page 1").expect("page 1");
    let p3 = text.find("report.pdf page 3").expect("page 3");
    assert!(p1 < p3, "{text}");
    assert!(!stderr_of(&out).contains(MISTRAL_KEY));
}

#[test]
fn office_files_are_always_uploaded_and_images_use_image_url() {
    let fake = FakeMistral::start();
    let env = Env::new();
    let docx = env.doc("docx_01.docx", "letter.docx");
    let png = env.sized("big.png", b"\x89PNG\r\n\x1a\n", 2 * 1024 * 1024);
    let out = cmd(&env, &fake)
        .args(["-p", "mistral", "ocr"])
        .arg(&docx)
        .arg(&png)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_clean(&fake);
    assert_eq!(fake.find("POST", "/v1/files").len(), 2);
    let kinds: Vec<String> = fake
        .find("POST", "/v1/ocr")
        .iter()
        .map(|r| {
            r.json().unwrap()["document"]["type"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert!(kinds.contains(&"document_url".to_string()), "{kinds:?}");
    assert!(kinds.contains(&"image_url".to_string()), "{kinds:?}");
}

#[test]
fn small_files_go_inline_as_data_uris() {
    let fake = FakeMistral::start();
    let env = Env::new();
    let doc = env.doc("test.pdf", "small.pdf");
    let out = cmd(&env, &fake)
        .args(["-p", "mistral", "ocr"])
        .arg(&doc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_clean(&fake);
    assert!(fake.find("POST", "/v1/files").is_empty(), "no upload");
    let body = ocr_body(&fake);
    let uri = body["document"]["document_url"].as_str().unwrap();
    let b64 = uri
        .strip_prefix("data:application/pdf;base64,")
        .expect("a PDF data URI");
    assert_eq!(
        base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap(),
        fs::read(&doc).unwrap()
    );
}

#[test]
fn urls_go_by_type_and_every_option_is_translated() {
    let fake = FakeMistral::start();
    let env = Env::new();
    let out = cmd(&env, &fake)
        .args([
            "-p",
            "mistral",
            "ocr",
            "--pages",
            "1-2,3",
            "--model",
            "mistral-ocr-2505",
            "--table-format",
            "html",
            "--extract-header",
            "--extract-footer",
            "https://example.org/docs/paper.pdf",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let body = ocr_body(&fake);
    assert_eq!(
        body,
        json!({
            "model": "mistral-ocr-2505",
            "document": {"type": "document_url", "document_url": "https://example.org/docs/paper.pdf", "document_name": "paper.pdf"},
            "pages": [0, 1, 2],
            "table_format": "html",
            "extract_header": true,
            "extract_footer": true,
        })
    );
    let fake2 = FakeMistral::start();
    let out = cmd(&env, &fake2)
        .args(["-p", "mistral", "ocr", "https://example.org/scan.JPG"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(
        ocr_body(&fake2)["document"],
        json!({"type": "image_url", "image_url": "https://example.org/scan.JPG"})
    );
    assert_clean(&fake);
    assert_clean(&fake2);
}

#[test]
fn ocr_to_folder_with_images_rewrites_links() {
    let fake = FakeMistral::start();
    let env = Env::new();
    let doc = env.doc("test.pdf", "scan.pdf");
    let out = cmd(&env, &fake)
        .args(["-p", "mistral", "ocr", "--images", "-o"])
        .arg(env.out())
        .arg(&doc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(ocr_body(&fake)["include_image_base64"], true);
    assert_eq!(
        tree(&env.out())
            .into_iter()
            .filter(|f| !f.starts_with(".docpipe"))
            .collect::<Vec<_>>(),
        vec![
            "scan.md",
            "scan_images/img-0.jpeg",
            "scan_images/img-1.jpeg",
            "scan_images/img-2.jpeg"
        ]
    );
    let md = fs::read_to_string(env.out().join("scan.md")).unwrap();
    assert!(md.contains("![img-1.jpeg](scan_images/img-1.jpeg)"), "{md}");
    assert!(!md.contains("](img-"), "{md}");
    assert_eq!(
        fs::read(env.out().join("scan_images/img-1.jpeg")).unwrap(),
        image_bytes(1)
    );
    assert!(stdout_of(&out).is_empty());
}

#[test]
fn images_without_output_folder_is_a_usage_error() {
    let fake = FakeMistral::start();
    let env = Env::new();
    let out = cmd(&env, &fake)
        .args([
            "-p",
            "mistral",
            "ocr",
            "--images",
            "https://example.org/a.pdf",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("-o"), "{}", stderr_of(&out));
    assert!(fake.requests().is_empty());
}

#[test]
fn format_json_prints_the_whole_answer() {
    let fake = FakeMistral::start();
    let env = Env::new();
    let out = cmd(&env, &fake)
        .args([
            "-p",
            "mistral",
            "ocr",
            "--format",
            "json",
            "https://example.org/a.pdf",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let answer: Value = serde_json::from_str(&stdout_of(&out)).unwrap();
    assert_eq!(answer["usage_info"]["pages_processed"], 3);
    assert_eq!(answer["pages"][0]["dimensions"]["dpi"], 200);
}

#[test]
fn parse_writes_markdown_images_and_the_json_answer() {
    let fake = FakeMistral::start();
    let env = Env::new();
    let doc = env.doc("demo1.pdf", "demo1.pdf");
    let out = cmd(&env, &fake)
        .arg("-c")
        .arg(always_upload(&env))
        .args(["-p", "mistral", "parse", "-o"])
        .arg(env.out())
        .arg(&doc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_clean(&fake);
    let dir = env.out().join("demo1");
    assert_eq!(
        tree(&dir),
        vec![
            "full.md",
            "images/img-0.jpeg",
            "images/img-1.jpeg",
            "images/img-2.jpeg",
            "response.json"
        ]
    );
    let md = fs::read_to_string(dir.join("full.md")).unwrap();
    assert!(md.contains("](images/img-0.jpeg)"), "{md}");
    let answer: Value =
        serde_json::from_str(&fs::read_to_string(dir.join("response.json")).unwrap()).unwrap();
    assert_eq!(answer["model"], "mistral-ocr-2505-completion");
}

#[test]
fn failed_ocr_exits_5_and_still_deletes_the_upload() {
    let fake = FakeMistral::start_with(MistralConfig {
        ocr_fails: Some((
            500,
            json!({"object":"error","message":"Internal server error","type":"internal_error","param":null,"code":"1500"}),
        )),
        ..MistralConfig::default()
    });
    let env = Env::new();
    let doc = env.doc("test.pdf", "a.pdf");
    let out = cmd(&env, &fake)
        .arg("-c")
        .arg(always_upload(&env))
        .args(["-p", "mistral", "ocr"])
        .arg(&doc)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(
        err.contains("a.pdf") && err.contains("Internal server error"),
        "{err}"
    );
    assert_eq!(fake.find("DELETE", "/v1/files/").len(), 1);
    assert_clean(&fake);
}

#[test]
fn bad_key_exits_3_rate_limit_exits_7_validation_exits_2() {
    let env = Env::new();
    let fake = FakeMistral::start();
    let doc = env.doc("test.pdf", "a.pdf");
    let out = cmd(&env, &fake)
        .env("MISTRAL_API_KEY", "wrong-key-xyz")
        .args(["-p", "mistral", "ocr"])
        .arg(&doc)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = stderr_of(&out);
    assert!(
        err.contains("MISTRAL_API_KEY") && !err.contains("wrong-key-xyz"),
        "{err}"
    );

    let fake = FakeMistral::start_with(MistralConfig {
        rate_limited: true,
        ..MistralConfig::default()
    });
    let out = cmd(&env, &fake)
        .args(["-p", "mistral", "ocr"])
        .arg(&doc)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7), "{}", stderr_of(&out));
    assert!(fake.find("POST", "/v1/ocr").len() > 1, "429 is retried");

    let fake = FakeMistral::start_with(MistralConfig {
        ocr_fails: Some((
            422,
            json!({"detail":[{"type":"less_than_equal","loc":["body","pages",0],"msg":"Input should be less than or equal to 999","input":5000}]}),
        )),
        ..MistralConfig::default()
    });
    let out = cmd(&env, &fake)
        .args(["-p", "mistral", "ocr"])
        .arg(&doc)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("body.pages.0"),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn limits_are_checked_before_any_request() {
    let fake = FakeMistral::start();
    let env = Env::new();
    let big = env.sized("huge.pdf", b"%PDF-1.7\n", 51 * 1024 * 1024);
    let out = cmd(&env, &fake)
        .args(["-p", "mistral", "ocr"])
        .arg(&big)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let err = stderr_of(&out);
    assert!(err.contains("huge.pdf") && err.contains("50.0 MB"), "{err}");
    let out = cmd(&env, &fake)
        .args([
            "-p",
            "mistral",
            "ocr",
            "--pages",
            "1-1001",
            "https://example.org/a.pdf",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert!(
        stderr_of(&out).contains("1000 pages"),
        "{}",
        stderr_of(&out)
    );
    let out = cmd(&env, &fake)
        .args([
            "-p",
            "mistral",
            "ocr",
            "--no-table",
            "https://example.org/a.pdf",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("--no-table"),
        "{}",
        stderr_of(&out)
    );
    let out = cmd(&env, &fake)
        .env_remove("MISTRAL_API_KEY")
        .args(["-p", "mistral", "ocr", "https://example.org/a.pdf"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr_of(&out).contains("MISTRAL_API_KEY"));
    assert!(fake.requests().is_empty());
}

#[test]
fn other_providers_refuse_mistral_only_flags() {
    let fake = FakeMineru::start();
    let env = Env::new();
    for flag in ["--table-format=html", "--extract-header", "--images"] {
        let out = env
            .keyed(&fake)
            // `ocr`: --images is a flag of ocr only (parse keeps the images anyway).
            .args(["-p", "mineru", "ocr", flag, "https://example.org/a.pdf"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{flag}");
        let err = stderr_of(&out);
        assert!(
            err.contains(flag.split('=').next().unwrap()) && err.contains("mineru"),
            "{err}"
        );
    }
    assert!(fake.requests().is_empty());
}

#[test]
fn interrupt_during_ocr_deletes_the_upload_and_exits_130() {
    let fake = FakeMistral::start_with(MistralConfig {
        ocr_delay: Duration::from_secs(5),
        ..MistralConfig::default()
    });
    let env = Env::new();
    let doc = env.doc("test.pdf", "slow.pdf");
    let cfg = always_upload(&env);
    let child = env
        .bare_std()
        .env("DOCPIPE_MISTRAL_BASE_URL", fake.base_url())
        .env("MISTRAL_API_KEY", MISTRAL_KEY)
        .arg("-c")
        .arg(&cfg)
        .args(["-p", "mistral", "ocr"])
        .arg(&doc)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while fake.find("POST", "/v1/ocr").is_empty() {
        assert!(started.elapsed().as_secs() < 30, "OCR never requested");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(fake.files_left(), 1);
    let kill = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr_of(&out));
    assert_eq!(fake.files_left(), 0, "the upload was left at Mistral");
    assert!(stderr_of(&out).contains("interrupted"));
}
