//! mistralocr.app end to end: REST and MCP transports against the fake service.

use std::fs;

use base64::Engine;

use crate::harness::{Env, Run};
use crate::support::mistralocr::{
    FakeMistralOcr, MistralOcrConfig, MARKDOWN, MISTRALOCR_KEY, TEXT,
};

fn cmd(env: &Env, fake: &FakeMistralOcr) -> assert_cmd::Command {
    let mut cmd = env.bare();
    cmd.env("DOCPIPE_MISTRALOCR_BASE_URL", fake.base_url())
        .env("MISTRALOCR_API_KEY", MISTRALOCR_KEY);
    cmd
}

fn assert_clean(fake: &FakeMistralOcr) {
    assert!(fake.violations().is_empty(), "{:#?}", fake.violations());
}

#[test]
fn small_local_file_goes_as_base64_with_the_key_in_x_api_key() {
    let fake = FakeMistralOcr::start();
    let env = Env::new();
    let doc = env.doc("test.pdf", "invoice.pdf");
    let out = cmd(&env, &fake)
        .args(["-p", "mistralocr", "ocr", "--format", "text"])
        .arg(&doc)
        .run()
        .ok();
    assert_clean(&fake);
    assert_eq!(out.stdout, TEXT);
    let reqs = fake.api_requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].path, "/api/ocr/process");
    assert_eq!(reqs[0].header("x-api-key"), Some(MISTRALOCR_KEY));
    let body = reqs[0].json().unwrap();
    assert_eq!(body["options"]["format"], "text");
    assert!(body.get("imageUrl").is_none());
    assert_eq!(fake.received(), vec![fs::read(&doc).unwrap()]);
}

#[test]
fn urls_go_as_image_url_and_ocr_o_writes_the_format_extension() {
    let fake = FakeMistralOcr::start();
    let env = Env::new();
    cmd(&env, &fake)
        .args(["-p", "mistralocr", "ocr", "-o"])
        .arg(env.out())
        .arg("https://example.org/scans/receipt.webp")
        .run()
        .ok();
    assert_clean(&fake);
    let body = fake.api_requests()[0].json().unwrap();
    assert_eq!(body["imageUrl"], "https://example.org/scans/receipt.webp");
    assert_eq!(body["options"]["format"], "markdown");
    assert!(body.get("image").is_none());
    assert_eq!(
        fs::read_to_string(env.out().join("receipt.md")).unwrap(),
        MARKDOWN
    );
}

#[test]
fn a_local_file_of_1_mb_or_more_exits_4_before_sending() {
    let fake = FakeMistralOcr::start();
    let env = Env::new();
    let big = env.sized("scan.png", b"\x89PNG\r\n\x1a\n", 1024 * 1024);
    let out = cmd(&env, &fake)
        .args(["-p", "mistralocr", "ocr"])
        .arg(&big)
        .run();
    assert_eq!(out.code, Some(4));
    let err = out.stderr;
    assert!(err.contains("scan.png") && err.contains("URL"), "{err}");
    assert!(fake.requests().is_empty());
}

#[test]
fn mcp_over_json_from_config_initializes_and_echoes_the_session() {
    let fake = FakeMistralOcr::start();
    let env = Env::new();
    let cfg = env.config("[providers.mistralocr]\ntransport = \"mcp\"\n");
    let doc = env.doc("test.pdf", "form.pdf");
    let out = cmd(&env, &fake)
        .arg("-c")
        .arg(&cfg)
        .args(["-p", "mistralocr", "ocr", "--format", "markdown"])
        .arg(&doc)
        .run()
        .ok();
    assert_clean(&fake);
    assert_eq!(out.stdout, MARKDOWN);
    let reqs: Vec<_> = fake
        .api_requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect();
    let methods: Vec<String> = reqs
        .iter()
        .map(|r| r.json().unwrap()["method"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        methods,
        ["initialize", "notifications/initialized", "tools/call"]
    );
    assert!(reqs.iter().all(|r| r.path == "/api/mcp"));
    // The session was closed at the end, with its ID and the key.
    let close = fake
        .requests()
        .into_iter()
        .find(|r| r.method == "DELETE")
        .expect("the session was closed");
    assert_eq!(close.header("x-api-key"), Some(MISTRALOCR_KEY));
    assert_eq!(fake.closed_sessions().len(), 1);
    assert_eq!(
        close.header("mcp-session-id"),
        Some(fake.closed_sessions()[0].as_str())
    );
    assert_eq!(fake.open_sessions(), 0);
    let call = reqs[2].json().unwrap();
    let args = &call["params"]["arguments"];
    assert_eq!(call["params"]["name"], "extract_text");
    assert_eq!(args["image_source"]["type"], "base64");
    assert_eq!(args["image_source"]["filename"], "form.pdf");
    assert_eq!(args["output_format"], "markdown");
    assert_eq!(
        base64::engine::general_purpose::STANDARD
            .decode(args["image_source"]["data"].as_str().unwrap())
            .unwrap(),
        fs::read(&doc).unwrap()
    );
}

#[test]
fn mcp_over_sse_with_the_flag_and_a_url() {
    let fake = FakeMistralOcr::start_with(MistralOcrConfig {
        sse: true,
        ..MistralOcrConfig::default()
    });
    let env = Env::new();
    let out = cmd(&env, &fake)
        .args([
            "-p",
            "mistralocr",
            "ocr",
            "--transport",
            "mcp",
            "--format",
            "text",
            "https://example.org/a.png",
        ])
        .run()
        .ok();
    assert_clean(&fake);
    assert_eq!(out.stdout, TEXT);
    let call = fake.api_requests()[2].json().unwrap();
    assert_eq!(
        call["params"]["arguments"]["image_source"]["data"],
        "https://example.org/a.png"
    );
    assert_eq!(call["params"]["arguments"]["image_source"]["type"], "url");
}

#[test]
fn mcp_tool_error_exits_5() {
    let fake = FakeMistralOcr::start_with(MistralOcrConfig {
        tool_error: true,
        ..MistralOcrConfig::default()
    });
    let env = Env::new();
    let out = cmd(&env, &fake)
        .args([
            "-p",
            "mistralocr",
            "ocr",
            "--transport",
            "mcp",
            "https://example.org/a.png",
        ])
        .run();
    assert_eq!(out.code, Some(5));
    let err = out.stderr;
    assert!(
        err.contains("https://example.org/a.png") && err.contains("could not be read"),
        "{err}"
    );
}

/// A server capping open sessions at 2 serves any number of runs: each closes
/// its session, even when the tool call failed.
#[test]
fn mcp_sessions_are_closed_so_a_capped_server_keeps_serving() {
    for tool_error in [false, true] {
        let fake = FakeMistralOcr::start_with(MistralOcrConfig {
            max_sessions: 2,
            tool_error,
            ..MistralOcrConfig::default()
        });
        for run in 0..4 {
            // A fresh record each run: the same document again would be printed
            // from the answer held in the record, without asking the service.
            let env = Env::new();
            let out = cmd(&env, &fake)
                .args(["-p", "mistralocr", "ocr", "--transport", "mcp"])
                .arg("https://example.org/a.png")
                .run();
            let want = if tool_error { 5 } else { 0 };
            assert_eq!(out.code, Some(want), "run {run}: {}", out.stderr);
            assert_eq!(fake.open_sessions(), 0, "run {run} left its session open");
        }
        assert_eq!(fake.closed_sessions().len(), 4);
        assert_clean(&fake);
    }
}

/// An endpoint moved on the same host (307) is followed with the key, REST and
/// MCP alike; the body goes again with the same method.
#[test]
fn a_same_host_redirect_is_followed_with_the_key() {
    let fake = FakeMistralOcr::start_with(MistralOcrConfig {
        same_host_redirect: true,
        ..MistralOcrConfig::default()
    });
    for transport in ["rest", "mcp"] {
        // Each transport with its own record (the same document is asked once).
        let env = Env::new();
        let out = cmd(&env, &fake)
            .args(["-p", "mistralocr", "ocr", "--transport", transport])
            .arg("https://example.org/a.png")
            .run();
        assert!(out.output.status.success(), "{transport}: {}", out.stderr);
        assert_eq!(out.stdout, MARKDOWN, "{transport}");
    }
    let moved: Vec<_> = fake
        .api_requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/v2/"))
        .collect();
    // REST: 1; MCP: initialize, initialized, tools/call and the closing DELETE.
    assert_eq!(moved.len(), 5, "{moved:?}");
    assert!(moved
        .iter()
        .all(|r| r.header("x-api-key") == Some(MISTRALOCR_KEY)));
    assert!(fake.trap_requests().is_empty());
    assert_clean(&fake);
}

#[test]
fn redirects_are_not_followed_so_the_key_stays_home() {
    let fake = FakeMistralOcr::start_with(MistralOcrConfig {
        redirect: true,
        ..MistralOcrConfig::default()
    });
    let env = Env::new();
    let out = cmd(&env, &fake)
        .args(["-p", "mistralocr", "ocr", "https://example.org/a.png"])
        .run();
    assert_eq!(out.code, Some(5), "{}", out.stderr);
    assert!(fake.trap_requests().is_empty(), "followed the redirect");
    assert!(out.stderr.contains("redirect"), "{}", out.stderr);
}

#[test]
fn bad_key_exits_3_and_unsupported_options_exit_2() {
    let fake = FakeMistralOcr::start();
    let env = Env::new();
    let out = cmd(&env, &fake)
        .env("MISTRALOCR_API_KEY", "mk_wrong")
        .args(["-p", "mistralocr", "ocr", "https://example.org/a.png"])
        .run();
    assert_eq!(out.code, Some(3));
    let err = out.stderr;
    assert!(
        err.contains("MISTRALOCR_API_KEY") && !err.contains("mk_wrong"),
        "{err}"
    );
    let before = fake.requests().len();
    for args in [
        &["--pages", "1"][..],
        &["--format", "docx"][..],
        &["--images", "-o", "out"][..],
    ] {
        let out = cmd(&env, &fake)
            .args(["-p", "mistralocr", "ocr"])
            .args(args)
            .arg("https://example.org/a.png")
            .run();
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
    }
    assert_eq!(fake.requests().len(), before);
}
