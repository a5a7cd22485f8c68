//! The command-line contract beyond one provider: usage errors, config, providers.

use std::fs;

use crate::harness::{stderr_of, stdout_of, Env};
use crate::support::{FakeMineru, TOKEN};

#[test]
fn unknown_provider_lists_the_ones_that_exist() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let out = env
        .cmd(&fake)
        .args(["-p", "nosuch", "ocr", "https://example.org/a.pdf"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert!(
        err.contains("nosuch") && err.contains("mineru, mineru-flash"),
        "{err}"
    );
    assert!(fake.requests().is_empty());
}

#[test]
fn bad_pages_and_durations_are_usage_errors() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let out = env
        .cmd(&fake)
        .args(["ocr", "--pages", "5-2", "https://example.org/a.pdf"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("5-2"), "{}", stderr_of(&out));
    let out = env
        .cmd(&fake)
        .args(["--timeout", "soon", "ocr", "https://example.org/a.pdf"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(fake.requests().is_empty());
}

#[test]
fn broken_config_names_file_and_line() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let cfg = env.work.path().join("docpipe.toml");
    fs::write(&cfg, "[defaults]\ntimeout = \"5m\"\nconcurrency = = 2\n").unwrap();
    let out = env
        .cmd(&fake)
        .arg("-c")
        .arg(&cfg)
        .args(["ocr", "https://example.org/a.pdf"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert!(
        err.contains("docpipe.toml") && err.contains("line 3"),
        "{err}"
    );
    assert!(fake.requests().is_empty());
}

#[test]
fn config_file_supplies_key_default_provider_and_base_url() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let cfg_dir = env.home.path().join("config/docpipe");
    fs::create_dir_all(&cfg_dir).unwrap();
    fs::write(
        cfg_dir.join("config.toml"),
        format!("default_provider = \"mineru\"\n[providers.mineru]\napi_key = \"{TOKEN}\"\nbase_url = \"{}\"\n", fake.base_url()),
    )
    .unwrap();
    let out = env
        .cmd(&fake)
        .env_remove("DOCPIPE_MINERU_BASE_URL")
        .args(["ocr", "https://example.org/a.pdf"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(fake.count("POST", "/api/v4/extract/task"), 1);
}

#[test]
fn env_beats_config_for_the_key() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let cfg = env.work.path().join("c.toml");
    fs::write(
        &cfg,
        "[providers.mineru]\napi_key = \"wrong-key-in-file\"\n",
    )
    .unwrap();
    let out = env
        .keyed(&fake)
        .arg("-c")
        .arg(&cfg)
        .args(["-p", "mineru", "ocr", "https://example.org/a.pdf"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
}

#[test]
fn providers_lists_both_with_key_sources_never_keys() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let out = env.keyed(&fake).arg("providers").output().unwrap();
    assert!(out.status.success());
    let text = stdout_of(&out);
    assert!(
        text.contains("mineru (default now)") && text.contains("mineru-flash"),
        "{text}"
    );
    assert!(text.contains("set (env MINERU_API_KEY)"), "{text}");
    assert!(!text.contains(TOKEN));
    let out = env
        .cmd(&fake)
        .args(["--json", "providers"])
        .output()
        .unwrap();
    let lines: Vec<serde_json::Value> = stdout_of(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let flash = lines.iter().find(|l| l["name"] == "mineru-flash").unwrap();
    assert_eq!(flash["default"], true);
    assert_eq!(flash["key"]["needed"], false);
    assert!(fake.requests().is_empty());
}

#[test]
fn quiet_hides_progress_but_not_errors() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let out = env
        .keyed(&fake)
        .args(["-q", "-p", "mineru", "ocr", "https://example.org/a.pdf"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(stderr_of(&out).is_empty(), "{}", stderr_of(&out));
    let out = env
        .keyed(&fake)
        .args(["-q", "-p", "mineru", "ocr", "missing.pdf"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert!(stderr_of(&out).contains("missing.pdf"));
}

#[test]
fn version_and_help_work() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let out = env.cmd(&fake).arg("--version").output().unwrap();
    assert!(stdout_of(&out).starts_with("docpipe "));
    let out = env.cmd(&fake).arg("--help").output().unwrap();
    for cmd in ["ocr", "parse", "status", "fetch", "providers"] {
        assert!(stdout_of(&out).contains(cmd));
    }
}
