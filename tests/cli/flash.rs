//! The no-key default for documents without a text layer: MinerU's flash API
//! (`auto` sends born-digital ones to `local`, tests/cli/local.rs).

use std::fs;

use crate::harness::{stderr_of, stdout_of, tree, Env};
use crate::support::{demo_markdown, FakeConfig, FakeMineru, Server, TOKEN};

#[test]
fn with_no_key_anywhere_a_scan_goes_to_flash_with_no_authorization() {
    let fake = FakeMineru::start();
    let env = Env::new();
    // A scan: no text layer, so `auto` (the no-key default) sends it to flash.
    let doc = env.doc("small_ocr.pdf", "demo1.pdf");
    let out = env.cmd(&fake).arg("ocr").arg(&doc).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out).trim_end(), demo_markdown().trim_end());
    assert_eq!(fake.count("POST", "/api/v1/agent/parse/file"), 1);
    assert_eq!(fake.count("POST", "/api/v4/"), 0);
    for r in fake.requests() {
        assert!(
            !r.has_header("authorization"),
            "{} {} carried Authorization",
            r.method,
            r.path
        );
    }
    let create = fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/api/v1/agent/parse/file")
        .unwrap();
    assert_eq!(create.json().unwrap()["file_name"], "demo1.pdf");
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}

#[test]
fn a_key_in_the_environment_selects_mineru_instead() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let out = env
        .keyed(&fake)
        .args(["ocr", "https://example.org/a.pdf"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(fake.count("POST", "/api/v4/extract/task"), 1);
    assert_eq!(fake.count("POST", "/api/v1/agent/"), 0);
}

#[test]
fn flash_takes_urls_and_parse_writes_full_md() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let out = env
        .cmd(&fake)
        .args(["parse", "--pages", "2-3", "-o"])
        .arg(env.out())
        .arg("https://example.org/docs/brief.pdf")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let create = fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/api/v1/agent/parse/url")
        .unwrap();
    let body = create.json().unwrap();
    assert_eq!(body["url"], "https://example.org/docs/brief.pdf");
    assert_eq!(body["page_range"], "2-3");
    assert!(body["language"].is_string());
    assert_eq!(tree(&env.out().join("brief")), vec!["full.md"]);
    assert_eq!(
        fs::read_to_string(env.out().join("brief/full.md")).unwrap(),
        demo_markdown()
    );
    let cdn = fake
        .requests()
        .into_iter()
        .find(|r| r.server == Server::Cdn)
        .unwrap();
    assert!(!cdn.has_header("authorization"));
}

#[test]
fn over_10_mb_is_refused_before_upload_with_a_hint_to_use_mineru() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let big = env.work.path().join("big.pdf");
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.resize(10 * 1024 * 1024 + 1, b' ');
    fs::write(&big, bytes).unwrap();
    let out = env.cmd(&fake).arg("ocr").arg(&big).output().unwrap();
    assert_eq!(out.status.code(), Some(4));
    let err = stderr_of(&out);
    assert!(err.contains("big.pdf") && err.contains("10.0 MB"), "{err}");
    assert!(
        err.contains("-p mineru") && err.contains("MINERU_API_KEY"),
        "{err}"
    );
    assert!(fake.requests().is_empty());
}

#[test]
fn over_20_pages_is_refused_before_upload() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let doc = env.doc("demo1.pdf", "demo1.pdf");
    let out = env
        .cmd(&fake)
        .args(["-p", "mineru-flash", "ocr", "--pages", "1-25"])
        .arg(&doc)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert!(stderr_of(&out).contains("25 pages"), "{}", stderr_of(&out));
    // A PDF's own page count is read locally.
    let many = env.work.path().join("many.pdf");
    fs::write(
        &many,
        b"%PDF-1.4\n1 0 obj << /Type /Pages /Kids [] /Count 40 >> endobj\n",
    )
    .unwrap();
    let out = env.cmd(&fake).arg("ocr").arg(&many).output().unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert!(stderr_of(&out).contains("40 pages"), "{}", stderr_of(&out));
    assert!(fake.requests().is_empty());
}

#[test]
fn rate_limit_exits_7_with_a_hint() {
    let fake = FakeMineru::start_with(FakeConfig {
        rate_limit_flash: 0,
        ..FakeConfig::default()
    });
    let env = Env::new();
    let out = env
        .cmd(&fake)
        .args(["ocr", "https://example.org/a.pdf"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("MINERU_API_KEY"),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn flash_offers_markdown_only() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let out = env
        .cmd(&fake)
        .args(["ocr", "--format", "json", "https://example.org/a.pdf"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("markdown"), "{}", stderr_of(&out));
    assert!(fake.requests().is_empty());
    let _ = TOKEN;
}

#[test]
fn under_auto_a_pdf_local_cannot_read_goes_to_flash_with_a_line_saying_so() {
    let fake = FakeMineru::start();
    let env = Env::new();
    // Encrypted: local cannot read it (a born-digital PDF it would otherwise take).
    let mut pdf = lopdf::Document::load(crate::harness::fixture_path("demo1.pdf")).unwrap();
    let state = lopdf::EncryptionState::try_from(lopdf::EncryptionVersion::V2 {
        document: &pdf,
        owner_password: "owner",
        user_password: "user",
        key_length: 128,
        permissions: lopdf::Permissions::all(),
    })
    .unwrap();
    pdf.encrypt(&state).unwrap();
    let path = env.work.path().join("locked.pdf");
    pdf.save(&path).unwrap();
    let out = env.cmd(&fake).arg("ocr").arg(&path).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out).trim_end(), demo_markdown().trim_end());
    assert_eq!(fake.count("POST", "/api/v1/agent/parse/file"), 1);
    let err = stderr_of(&out);
    assert!(
        err.contains("locked.pdf: local cannot read it") && err.contains("mineru-flash"),
        "{err}"
    );
}
