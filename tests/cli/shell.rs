//! Terminal manners: completions, the man page, config warnings, `-v`, and
//! readers that go away (`docpipe … | head`).

use std::fs;
use std::io::Read;
use std::process::{ExitStatus, Stdio};

use crate::harness::{stderr_of, stdout_of, Env};
use crate::support::{demo_markdown, FakeMineru, TOKEN};

#[test]
fn completions_print_the_committed_scripts_even_with_a_broken_config() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let broken = env.work.path().join("broken.toml");
    fs::write(&broken, "[defaults\n").unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for (shell, file) in [
        ("bash", "docpipe.bash"),
        ("zsh", "_docpipe"),
        ("fish", "docpipe.fish"),
        ("powershell", "_docpipe.ps1"),
        ("elvish", "docpipe.elv"),
    ] {
        let out = env
            .cmd(&fake)
            .env("DOCPIPE_CONFIG", &broken)
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(out.status.success(), "{shell}: {}", stderr_of(&out));
        let committed = fs::read(root.join("completions").join(file)).unwrap();
        assert!(
            out.stdout == committed,
            "completions {shell} differs from {file}"
        );
    }
    let out = env
        .cmd(&fake)
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(fake.requests().is_empty());
}

#[test]
fn unknown_config_keys_warn_with_file_and_line_and_the_rest_applies() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let cfg = env.work.path().join("c.toml");
    fs::write(
        &cfg,
        format!(
            "default_provider = \"mineru\"\n[defaults]\ntimout = \"5m\"\n[providers.mineru]\napi_key = \"{TOKEN}\"\n[providers.future-ocr]\ntransport = \"batch\"\n"
        ),
    )
    .unwrap();
    let out = env
        .cmd(&fake)
        .arg("-c")
        .arg(&cfg)
        .args(["ocr", "https://example.org/a.pdf"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    let expected = format!(
        "docpipe: warning: {}:3: unknown key 'timout' in [defaults]",
        cfg.display()
    );
    assert!(err.contains(&expected), "{err}");
    // Keys of providers this build does not know are left alone.
    assert!(!err.contains("transport"), "{err}");
    // default_provider and the key from the same file were applied.
    assert_eq!(fake.count("POST", "/api/v4/extract/task"), 1);
}

/// A common key that does nothing for its provider is said, with file and line,
/// not silently ignored: `local` has no limits, no key and no API; a provider
/// without a batch API has no `max_batch`; the document is converted all the same.
#[test]
fn provider_keys_that_do_nothing_there_are_said_with_file_and_line() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let cfg = env.work.path().join("c.toml");
    fs::write(
        &cfg,
        "[providers.local]\nmax_pages = 1\napi_key = \"x\"\n[providers.gptge]\nmax_batch = 5\nmodel_version = \"v\"\n[providers.mineru]\nmax_batch = 5\nmodel_version = \"vlm\"\n",
    )
    .unwrap();
    let doc = crate::harness::fixture_path("demo1.pdf");
    let out = env
        .cmd(&fake)
        .arg("-c")
        .arg(&cfg)
        .args(["-p", "local", "ocr"])
        .arg(&doc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    let file = cfg.display();
    for line in [
        format!("docpipe: warning: {file}:2: 'max_pages' in [providers.local] has no effect: local has no size or page limit to override"),
        format!("docpipe: warning: {file}:3: 'api_key' in [providers.local] has no effect: local needs no key"),
        format!("docpipe: warning: {file}:5: 'max_batch' in [providers.gptge] has no effect: gptge has no batch API"),
        format!("docpipe: warning: {file}:6: 'model_version' in [providers.gptge] has no effect: gptge has no model to choose"),
    ] {
        assert!(err.contains(&line), "missing {line:?} in:\n{err}");
    }
    // MinerU reads both of its keys: nothing said about them.
    assert!(!err.contains("[providers.mineru]"), "{err}");
    // The page limit was not applied: every page of the paper is converted.
    assert!(stdout_of(&out).len() > 10_000, "{}", stdout_of(&out).len());
}

#[test]
fn the_example_config_loads_without_warnings() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml");
    let out = env
        .cmd(&fake)
        .arg("-c")
        .arg(&example)
        .args(["--json", "providers"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(stderr_of(&out).is_empty(), "{}", stderr_of(&out));
    let first: serde_json::Value =
        serde_json::from_str(stdout_of(&out).lines().next().unwrap()).unwrap();
    assert_eq!(first["config"]["loaded"], true);
    assert_eq!(
        first["config"]["path"].as_str(),
        Some(example.to_str().unwrap())
    );
}

#[test]
fn providers_shows_key_sources_and_the_config_file_never_a_key() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let cfg_dir = env.home.path().join("config/docpipe");
    fs::create_dir_all(&cfg_dir).unwrap();
    let cfg = cfg_dir.join("config.toml");
    fs::write(
        &cfg,
        "[providers.mineru]\napi_key = \"file-secret-789\"\nmax_pages = 50\n",
    )
    .unwrap();
    for args in [
        &["providers"][..],
        &["--json", "providers"],
        &["-v", "providers"],
    ] {
        let out = env.cmd(&fake).args(args).output().unwrap();
        assert!(out.status.success(), "{}", stderr_of(&out));
        let all = format!("{}{}", stdout_of(&out), stderr_of(&out));
        assert!(!all.contains("file-secret-789"), "{args:?} printed the key");
        assert!(all.contains(&cfg.display().to_string()), "{all}");
    }
    let text = stdout_of(&env.cmd(&fake).arg("providers").output().unwrap());
    assert!(
        text.starts_with(&format!("config file: {}\n", cfg.display())),
        "{text}"
    );
    assert!(
        text.contains(&format!("key: set (config {})", cfg.display())),
        "{text}"
    );
    // The config's limit override is the one shown.
    assert!(
        text.contains("200.0 MB per file, 50 pages per file"),
        "{text}"
    );

    // An environment key wins, and is not shown either.
    let out = env
        .keyed(&fake)
        .args(["--json", "providers"])
        .output()
        .unwrap();
    assert!(!stdout_of(&out).contains(TOKEN));
    let mineru = crate::harness::json_lines(&out)
        .into_iter()
        .find(|l| l["name"] == "mineru")
        .unwrap();
    assert_eq!(mineru["key"]["source"], "env MINERU_API_KEY");
    assert_eq!(mineru["limits"]["max_pages"], 50);
    assert!(fake.requests().is_empty());
}

#[test]
fn providers_names_the_config_file_it_would_read() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let out = env.cmd(&fake).arg("providers").output().unwrap();
    let expected = env.home.path().join("config/docpipe/config.toml");
    assert!(
        stdout_of(&out).starts_with(&format!(
            "config file: none ({} not found)",
            expected.display()
        )),
        "{}",
        stdout_of(&out)
    );
}

#[test]
fn verbose_logs_every_request_without_keys_or_signatures() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let doc = env.doc("demo1.pdf", "demo1.pdf");
    let out = env
        .keyed(&fake)
        .args(["-v", "-p", "mineru", "ocr"])
        .arg(&doc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(
        err.contains(&format!(
            "-> POST {}/api/v4/file-urls/batch",
            fake.base_url()
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("-> PUT {}/upload/", fake.oss_url())),
        "{err}"
    );
    assert!(err.contains("<- 200 GET"), "{err}");
    let logged = err
        .lines()
        .filter(|l| l.starts_with("docpipe: -> "))
        .count();
    assert_eq!(logged, fake.requests().len(), "{err}");
    assert!(!err.contains(TOKEN), "{err}");
    assert!(
        !err.contains("Signature=") && !err.contains("OSSAccessKeyId"),
        "{err}"
    );
    // Without -v there is no request log.
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "ocr"])
        .arg(&doc)
        .output()
        .unwrap();
    assert!(
        !stderr_of(&out).contains("docpipe: -> "),
        "{}",
        stderr_of(&out)
    );
}

/// Runs the command with stdout read by a reader that takes `keep` bytes (none:
/// it is gone before docpipe writes) and then closes the pipe, like `| head -c`.
fn with_early_closing_reader(mut cmd: std::process::Command, keep: usize) -> (ExitStatus, String) {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = vec![0u8; keep];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    (child.wait().unwrap(), err)
}

#[test]
fn a_reader_that_goes_away_ends_docpipe_quietly_with_status_0() {
    let fake = FakeMineru::start();
    let env = Env::new();
    // Four documents of markdown are several times a pipe's buffer: docpipe is
    // still writing when the reader leaves, so its writes fail with EPIPE.
    assert!(4 * demo_markdown().len() > 128 * 1024);
    let urls = [
        "https://example.org/a.pdf",
        "https://example.org/b.pdf",
        "https://example.org/c.pdf",
        "https://example.org/d.pdf",
    ];
    let mut ocr = env.std_cmd(&fake);
    ocr.env("MINERU_API_KEY", TOKEN)
        .args(["-q", "-p", "mineru", "ocr"])
        .args(urls);
    let mut json = env.std_cmd(&fake);
    json.env("MINERU_API_KEY", TOKEN)
        .args(["--json", "-p", "mineru", "ocr"])
        .args(urls);
    let mut providers = env.std_cmd(&fake);
    providers.arg("providers");
    let mut providers_json = env.std_cmd(&fake);
    providers_json.args(["--json", "providers"]);
    let mut completions = env.std_cmd(&fake);
    completions.args(["completions", "zsh"]);
    for (what, cmd, keep) in [
        ("ocr", ocr, 10),
        ("ocr --json", json, 10),
        ("providers", providers, 0),
        ("providers --json", providers_json, 0),
        ("completions", completions, 0),
    ] {
        let (status, err) = with_early_closing_reader(cmd, keep);
        assert_eq!(status.code(), Some(0), "{what}: {err}");
        assert!(!err.to_lowercase().contains("error"), "{what}: {err}");
        assert!(!err.contains("panicked"), "{what}: {err}");
    }
}
