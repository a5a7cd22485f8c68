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

#[test]
fn a_zero_timeout_is_refused_before_any_request_from_flag_env_or_file() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let cfg = env.work.path().join("zero.toml");
    fs::write(&cfg, "[defaults]\ntimeout = \"0s\"\n").unwrap();
    let runs: Vec<(&str, assert_cmd::Command)> = vec![
        ("flag", {
            let mut c = env.keyed(&fake);
            c.args([
                "--timeout",
                "0",
                "-p",
                "mineru",
                "parse",
                "https://example.org/a.pdf",
            ]);
            c
        }),
        ("env", {
            let mut c = env.keyed(&fake);
            c.env("DOCPIPE_TIMEOUT", "0s").args([
                "-p",
                "mineru",
                "parse",
                "https://example.org/a.pdf",
            ]);
            c
        }),
        ("file", {
            let mut c = env.keyed(&fake);
            c.arg("-c")
                .arg(&cfg)
                .args(["-p", "mineru", "parse", "https://example.org/a.pdf"]);
            c
        }),
    ];
    for (what, mut cmd) in runs {
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{what}: {}", stderr_of(&out));
        assert!(
            stderr_of(&out).contains("would give up before anything is sent"),
            "{what}: {}",
            stderr_of(&out)
        );
    }
    assert!(fake.requests().is_empty(), "a task was created");
}

#[test]
fn config_values_get_the_flags_ranges_with_file_and_line() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let cfg = env.work.path().join("c.toml");
    for (body, expected) in [
        ("concurrency = 1000", ":3: concurrency in [defaults] must be from 1 to 64, like --concurrency, not 1000"),
        ("concurrency = 0", ":3: concurrency in [defaults] must be from 1 to 64"),
        ("concurrency = \"four\"", ":3: concurrency in [defaults] must be a whole number from 1 to 64, like --concurrency, not the text \"four\""),
    ] {
        fs::write(&cfg, format!("# mine\n[defaults]\n{body}\n")).unwrap();
        let out = env
            .cmd(&fake)
            .arg("-c")
            .arg(&cfg)
            .args(["ocr", "https://example.org/a.pdf"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = stderr_of(&out);
        assert!(err.contains(&format!("{}{expected}", cfg.display())), "{err}");
        assert!(!err.contains("invalid type"), "{err}");
        assert!(err.contains("docpipe: hint: write concurrency as --concurrency takes it"), "{err}");
    }
    assert!(fake.requests().is_empty());
}

#[test]
fn quiet_hides_progress_but_never_config_or_security_warnings() {
    use std::os::unix::fs::PermissionsExt;
    let fake = FakeMineru::start();
    let env = Env::new();
    let cfg = env.work.path().join("c.toml");
    fs::write(
        &cfg,
        format!("[defaults]\ntimout = \"5m\"\n[providers.mineru]\napi_key = \"{TOKEN}\"\n"),
    )
    .unwrap();
    fs::set_permissions(&cfg, fs::Permissions::from_mode(0o644)).unwrap();
    let out = env
        .cmd(&fake)
        .arg("-c")
        .arg(&cfg)
        .args(["-q", "-p", "mineru", "ocr", "https://example.org/a.pdf"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(
        err.contains("2: unknown key 'timout' in [defaults]"),
        "{err}"
    );
    assert!(
        err.contains("holds API keys and other users can read it"),
        "{err}"
    );
    assert!(!err.contains("TOKEN") && !err.contains(TOKEN), "{err}");
    // Nothing else: -q still hides progress.
    assert_eq!(err.lines().count(), 2, "{err}");
}

#[test]
fn a_comment_after_a_list_entry_is_not_part_of_the_name() {
    let fake = FakeMineru::start();
    let env = Env::new();
    env.doc("demo1.pdf", "a.pdf");
    let list = env.work.path().join("list.txt");
    fs::write(
        &list,
        "# scans\na.pdf   # the first one\nhttps://example.org/b.pdf#page=2\t# anchored\n\n",
    )
    .unwrap();
    let out = env
        .keyed(&fake)
        .args(["-q", "--json", "-p", "mineru", "ocr", "--from"])
        .arg(&list)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let inputs: Vec<String> = crate::harness::json_lines(&out)
        .iter()
        .map(|l| l["input"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(inputs, ["a.pdf", "https://example.org/b.pdf#page=2"]);
}

/// Results are made with the modes of any new file: 0644 files and 0755 folders
/// under umask 022 (not tempfile's private 0600/0700), for `ocr -o` and `parse -o`.
#[test]
fn results_are_written_with_the_umasks_modes() {
    use std::os::unix::fs::PermissionsExt;
    let fake = FakeMineru::start();
    let env = Env::new();
    let doc = env.doc("demo1.pdf", "demo1.pdf");
    let under_umask = |args: &[&str]| {
        let inner = env.std_cmd(&fake);
        let mut sh = std::process::Command::new("sh");
        sh.env_clear();
        for (k, v) in inner.get_envs() {
            if let Some(v) = v {
                sh.env(k, v);
            }
        }
        sh.env("MINERU_API_KEY", TOKEN)
            .current_dir(env.work.path())
            .arg("-c")
            .arg("umask 022 && exec \"$0\" \"$@\"")
            .arg(inner.get_program())
            .args(args);
        let out = sh.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let d = doc.to_str().unwrap();
    under_umask(&["-q", "-p", "mineru", "ocr", "-o", "ocr-out", d]);
    under_umask(&["-q", "-p", "mineru", "parse", "-o", "parse-out", d]);
    let mode = |p: &str| {
        fs::metadata(env.work.path().join(p))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode("ocr-out/demo1.md"), 0o644);
    assert_eq!(mode("ocr-out/demo1_images"), 0o755);
    assert_eq!(mode("parse-out/demo1"), 0o755);
    assert_eq!(mode("parse-out/demo1/full.md"), 0o644);
}

#[test]
fn each_command_lists_only_the_flags_it_reads() {
    let env = Env::new();
    let help = |args: &[&str]| {
        let out = env.bare().args(args).arg("--help").output().unwrap();
        assert!(out.status.success());
        stdout_of(&out)
    };
    let ocr = help(&["ocr"]);
    let parse = help(&["parse"]);
    let batch = help(&["batch"]);
    assert!(
        ocr.contains("--images") && ocr.contains("--no-wait"),
        "{ocr}"
    );
    assert!(!ocr.contains("--extra-format"), "{ocr}");
    assert!(parse.contains("--extra-format") && parse.contains("--no-wait"));
    assert!(!parse.contains("--images"));
    assert!(batch.contains("--extra-format") && batch.contains("--no-wait"));
    assert!(!batch.contains("--images"));
    // Every command keeps a record, so each can retry failures and --fail-fast.
    for text in [&ocr, &parse, &batch] {
        assert!(text.contains("--retry-failed") && text.contains("--fail-fast"));
    }
    // Provider-only flags sit under a heading naming the provider.
    for text in [&ocr, &parse, &batch] {
        let mistral = text
            .find("Mistral options (mistral):")
            .expect("Mistral heading");
        assert!(text[mistral..].contains("--table-format"));
        assert!(text.find("--table-format").unwrap() > mistral);
        let mineru = text
            .find("MinerU options (mineru, mineru-flash, parse4ai):")
            .unwrap();
        assert!(text.find("--no-formula").unwrap() > mineru);
        assert!(text.contains("mistralocr.app options (mistralocr):"));
    }
    for (cmd, absent) in [
        ("status", &["--output", "--timeout"][..]),
        ("providers", &["--output", "--timeout"]),
        (
            "completions",
            &["--output", "--timeout", "--json", "--provider"],
        ),
    ] {
        let text = help(&[cmd]);
        for flag in absent {
            assert!(!text.contains(flag), "{cmd} --help lists {flag}:\n{text}");
        }
    }
    assert!(help(&["status"]).contains("--json"));
    // A flag of another command is refused, not ignored.
    let out = env
        .bare()
        .args(["batch", "--images", "a.pdf"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = env
        .bare()
        .args(["ocr", "--extra-format", "docx", "a.pdf"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("use `docpipe parse --extra-format"),
        "{}",
        stderr_of(&out)
    );
}

/// Bash, run for real: `-p` completes provider names (it offered file names),
/// before and after the command. (The other shells' scripts are checked in
/// `generate::tests::every_shell_completes_provider_names`.)
#[test]
fn bash_completes_provider_names_after_p() {
    if std::process::Command::new("bash")
        .arg("-c")
        .arg("true")
        .status()
        .is_err()
    {
        skipped("bash is not installed");
        return;
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let script = root.join("completions/docpipe.bash");
    let names: Vec<&str> = docpipe::provider::REGISTRY
        .iter()
        .map(|e| e.info.name)
        .chain([docpipe::provider::AUTO])
        .collect();
    for (line, expected) in [
        ("docpipe -p ", names.clone()),
        (
            "docpipe ocr -p mi",
            vec!["mineru", "mineru-flash", "mistral", "mistralocr"],
        ),
        ("docpipe batch --provider ", names.clone()),
    ] {
        let out = std::process::Command::new("bash")
            .arg("-c")
            .arg(
                r#"source "$1"; read -ra W <<< "$2"; [[ "$2" == *" " ]] && W+=("");
                COMP_WORDS=("${W[@]}"); COMP_CWORD=$((${#W[@]}-1)); COMPREPLY=();
                _docpipe docpipe "${W[-1]}" "${W[-2]}"; printf '%s\n' "${COMPREPLY[@]}""#,
            )
            .arg("bash")
            .arg(&script)
            .arg(line)
            .output()
            .unwrap();
        let offered: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect();
        assert_eq!(
            offered,
            expected,
            "{line:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// A full disk gets its next step once (stdout to /dev/full: every write fails
/// with ENOSPC).
#[test]
fn a_full_disk_says_free_space_then_run_again_once() {
    if !std::path::Path::new("/dev/full").exists() {
        skipped("/dev/full does not exist");
        return;
    }
    let fake = FakeMineru::start();
    let env = Env::new();
    let mut cmd = env.std_cmd(&fake);
    cmd.env("MINERU_API_KEY", TOKEN)
        .args([
            "-p",
            "mineru",
            "ocr",
            "https://example.org/a.pdf",
            "https://example.org/b.pdf",
        ])
        .stdout(
            fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .unwrap(),
        );
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr_of(&out);
    assert!(
        err.to_lowercase().contains("no space left on device"),
        "{err}"
    );
    assert_eq!(
        err.matches("docpipe: hint: free space, then run the same command again")
            .count(),
        1,
        "{err}"
    );
}

/// A test that cannot run here (no bash, no `/dev/full`) says so, and fails
/// where `DOCPIPE_REQUIRE_UNIX` is set (`.ci/run` sets it on its Linux
/// runner), so CI never skips it.
fn skipped(why: &str) {
    assert!(
        std::env::var_os("DOCPIPE_REQUIRE_UNIX").is_none(),
        "DOCPIPE_REQUIRE_UNIX is set but {why}"
    );
    eprintln!("note: skipped: {why}");
}
