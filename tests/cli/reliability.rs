//! Faults outside the network: hostile output folders, inputs that are not what
//! their names say, readable key files, signals in the middle of a batch.

use std::fs;
use std::time::{Duration, Instant};

use crate::harness::{json_lines, stderr_of, Env};
use crate::support::{Advance, FakeConfig, FakeMineru, TOKEN};

#[cfg(unix)]
#[test]
fn a_config_file_with_keys_that_others_can_read_gets_a_warning() {
    use std::os::unix::fs::PermissionsExt;
    let fake = FakeMineru::start();
    let env = Env::new();
    let cfg = env.config("[providers.mineru]\napi_key = \"file-secret-789\"\n");
    let run = || {
        env.cmd(&fake)
            .arg("-c")
            .arg(&cfg)
            .arg("providers")
            .output()
            .unwrap()
    };
    let quiet = stderr_of(&run());
    assert!(!quiet.contains("chmod"), "{quiet}");
    fs::set_permissions(&cfg, fs::Permissions::from_mode(0o644)).unwrap();
    let err = stderr_of(&run());
    assert!(
        err.contains(&cfg.display().to_string()) && err.contains("chmod 600"),
        "{err}"
    );
    assert!(!err.contains("file-secret-789"), "{err}");
    // No key in the file: nothing to protect, no warning.
    let cfg = env.config("[defaults]\nconcurrency = 2\n");
    fs::set_permissions(&cfg, fs::Permissions::from_mode(0o644)).unwrap();
    assert!(!stderr_of(&run()).contains("chmod"));
}

#[test]
fn inputs_whose_content_contradicts_their_extension_exit_4_before_upload_and_the_batch_goes_on() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let dir = env.work.path().join("in");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("good.pdf"), "%PDF-1.4\n% good\n%%EOF\n").unwrap();
    fs::write(dir.join("fake.pdf"), b"\x89PNG\r\n\x1a\nnot a pdf").unwrap();
    fs::write(dir.join("fake.png"), "%PDF-1.4\n").unwrap();
    fs::write(
        dir.join("fake.docx"),
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1old",
    )
    .unwrap();
    fs::write(dir.join("empty.pdf"), "").unwrap();
    // Over the size limit (lowered in the config, as users may).
    let big = fs::File::create(dir.join("huge.pdf")).unwrap();
    std::io::Write::write_all(&mut &big, b"%PDF-1.4\n").unwrap();
    big.set_len(2 * 1024 * 1024).unwrap();
    let config = env.config("[providers.mineru]\nmax_file_mb = 1\n");
    let out = env
        .keyed(&fake)
        .arg("-c")
        .arg(&config)
        .args(["-p", "mineru", "--json", "batch", "-o"])
        .arg(env.out())
        .arg(&dir)
        .arg(env.work.path().join("missing.pdf"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    for name in [
        "fake.pdf",
        "fake.png",
        "fake.docx",
        "empty.pdf",
        "missing.pdf",
    ] {
        assert!(err.contains(name), "{name} not named: {err}");
    }
    assert!(err.contains("PNG image"), "{err}");
    assert_eq!(fake.tasks_created(), 1, "only the good document was sent");
    let uploads: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.method == "PUT")
        .collect();
    assert_eq!(uploads.len(), 1);
    assert!(env.out().join("good/full.md").is_file());
    let done: Vec<_> = json_lines(&out)
        .into_iter()
        .filter(|l| l["state"] == "done")
        .collect();
    assert_eq!(done.len(), 1);
}

#[cfg(unix)]
#[test]
fn links_planted_in_the_output_folder_are_never_written_through() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let doc = env.doc("demo1.pdf", "report.pdf");
    let outside = env.work.path().join("outside");
    fs::create_dir_all(&outside).unwrap();
    fs::create_dir_all(env.out()).unwrap();
    std::os::unix::fs::symlink(&outside, env.out().join("report")).unwrap();
    std::os::unix::fs::symlink(&outside, env.out().join("report_images")).unwrap();
    std::os::unix::fs::symlink(outside.join("x.md"), env.out().join("report.md")).unwrap();
    for cmd in ["parse", "ocr"] {
        let out = env
            .keyed(&fake)
            .args(["-p", "mineru", cmd, "-o"])
            .arg(env.out())
            .arg(&doc)
            .output()
            .unwrap();
        assert!(out.status.success(), "{cmd}: {}", stderr_of(&out));
    }
    assert_eq!(
        fs::read_dir(&outside).unwrap().count(),
        0,
        "something was written through a link"
    );
    // The links are still links (not docpipe's to replace); results went beside them.
    for name in ["report", "report_images", "report.md"] {
        let meta = fs::symlink_metadata(env.out().join(name)).unwrap();
        assert!(meta.file_type().is_symlink(), "{name}");
    }
    let names: Vec<String> = fs::read_dir(env.out())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("report-") && !n.ends_with(".md") && !n.contains("_images")),
        "{names:?}"
    );
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("report-") && n.ends_with(".md")),
        "{names:?}"
    );
}

/// Starts the command `args` gives, waits until `ready` holds (30 s at
/// most), and stops it with SIGTERM: its output, exit 130 checked.
#[cfg(unix)]
fn stopped_when(
    env: &Env,
    fake: &FakeMineru,
    args: &dyn Fn(&mut std::process::Command),
    ready: impl Fn() -> bool,
) -> std::process::Output {
    let mut cmd = env.std_cmd(fake);
    args(&mut cmd);
    let child = cmd.stderr(std::process::Stdio::piped()).spawn().unwrap();
    let started = Instant::now();
    while !ready() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "never submitted"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr_of(&out));
    out
}

/// The command `args` gives, run again to its end and required to succeed.
#[cfg(unix)]
fn rerun(env: &Env, fake: &FakeMineru, args: &dyn Fn(&mut std::process::Command)) {
    let mut cmd = env.std_cmd(fake);
    args(&mut cmd);
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
}

#[cfg(unix)]
#[test]
fn sigterm_stops_a_batch_with_130_and_the_rerun_completes_with_one_task_each() {
    let fake = FakeMineru::start_with(FakeConfig {
        advance: Advance::Time(Duration::from_millis(400)),
        ..FakeConfig::default()
    });
    let env = Env::new();
    let list = env.work.path().join("list.txt");
    let urls: Vec<String> = (0..12)
        .map(|i| format!("https://docs.example.org/term/t{i:03}.pdf"))
        .collect();
    fs::write(&list, urls.join("\n")).unwrap();
    let args = |cmd: &mut std::process::Command| {
        cmd.env("MINERU_API_KEY", TOKEN)
            .args(["-p", "mineru", "batch", "-o"])
            .arg(env.out())
            .arg("--from")
            .arg(&list);
    };
    let out = stopped_when(&env, &fake, &args, || fake.tasks_created() >= 12);
    let err = stderr_of(&out);
    assert!(
        err.contains("interrupted") && err.contains("run the same command again"),
        "{err}"
    );
    rerun(&env, &fake, &args);
    assert_eq!(
        fake.tasks_created(),
        12,
        "exactly one creation per document"
    );
    for i in 0..12 {
        assert!(env.out().join(format!("t{i:03}/full.md")).is_file());
    }
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}

/// A signal while a creation is in flight waits for its answer and records it:
/// the rerun creates nothing more.
#[cfg(unix)]
#[test]
fn a_signal_during_a_creation_waits_for_it_to_be_recorded() {
    use crate::support::faults::Faults;
    let faults = Faults::new(1, 0, |rq| {
        rq.method == "POST" && rq.path_only() == "/api/v4/extract/task/batch"
    })
    .slowing_creations(Duration::from_millis(800));
    let fake = FakeMineru::start_with(FakeConfig {
        faults: Some(std::sync::Arc::new(faults)),
        ..FakeConfig::default()
    });
    let env = Env::new();
    let list = env.work.path().join("list.txt");
    let urls: Vec<String> = (0..5)
        .map(|i| format!("https://docs.example.org/inflight/s{i:03}.pdf"))
        .collect();
    fs::write(&list, urls.join("\n")).unwrap();
    let args = |cmd: &mut std::process::Command| {
        cmd.env("MINERU_API_KEY", TOKEN)
            .args(["-p", "mineru", "batch", "-o"])
            .arg(env.out())
            .arg("--from")
            .arg(&list);
    };
    // Stopped once the request is at the fake, which answers (and creates)
    // 0.8 s later.
    let out = stopped_when(&env, &fake, &args, || {
        fake.count("POST", "/api/v4/extract/task/batch") >= 1
    });
    let err = stderr_of(&out);
    assert!(
        err.contains("recording the submissions already sent"),
        "{err}"
    );
    assert_eq!(fake.tasks_created(), 5);
    rerun(&env, &fake, &args);
    assert_eq!(
        fake.count("POST", "/api/v4/extract/task/batch"),
        1,
        "resubmitted"
    );
    assert_eq!(fake.tasks_created(), 5, "exactly one creation per document");
    for i in 0..5 {
        assert!(env.out().join(format!("s{i:03}/full.md")).is_file());
    }
}

/// A signal while a result is being downloaded (and, in a batch, while others
/// may be unpacking) leaves nothing of docpipe's in the output folder but its
/// run record: no `.docpipe-download-*`, no `.docpipe-staging-*`.
#[cfg(unix)]
#[test]
fn a_signal_during_a_download_leaves_no_temporary_files_behind() {
    use crate::support::faults::Faults;
    for (command, signal) in [("parse", "-TERM"), ("batch", "-INT")] {
        let faults = Faults::new(1, 0, |_| false).stalling_downloads(Duration::from_secs(20));
        let fake = FakeMineru::start_with(FakeConfig {
            faults: Some(std::sync::Arc::new(faults)),
            ..FakeConfig::default()
        });
        let env = Env::new();
        let mut cmd = env.std_cmd(&fake);
        cmd.env("MINERU_API_KEY", TOKEN)
            .args(["-p", "mineru", command, "-o"])
            .arg(env.out())
            .arg("https://docs.example.org/big/report.pdf");
        let child = cmd.stderr(std::process::Stdio::piped()).spawn().unwrap();
        let started = Instant::now();
        let temporary = |name: &str| name.starts_with(".docpipe-") && name != ".docpipe";
        let leftovers = || -> Vec<String> {
            fs::read_dir(env.out())
                .map(|rd| {
                    rd.flatten()
                        .map(|e| e.file_name().to_string_lossy().into_owned())
                        .filter(|n| temporary(n))
                        .collect()
                })
                .unwrap_or_default()
        };
        // Half the zip is on disk, the rest never comes: the kill lands while
        // a partial download file holds bytes, not merely once it is created.
        let partial_bytes = || {
            leftovers()
                .iter()
                .filter(|n| n.starts_with(".docpipe-download-"))
                .filter_map(|n| fs::metadata(env.out().join(n)).ok())
                .map(|m| m.len())
                .max()
                .unwrap_or(0)
        };
        while partial_bytes() == 0 {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "{command}: no bytes of a download reached the disk"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        let kill = std::process::Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .unwrap();
        assert!(kill.success());
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(130),
            "{command}: {}",
            stderr_of(&out)
        );
        assert_eq!(leftovers(), Vec::<String>::new(), "{command}");
    }
}

/// A batch stopped while its files upload: the rerun finishes the uploads it
/// still owes to the signed URLs it was given (nothing is created again),
/// and every document is written.
#[cfg(unix)]
#[test]
fn a_batch_stopped_during_its_uploads_finishes_them_on_the_rerun() {
    use crate::support::faults::Faults;
    use crate::support::Server;
    // A slow link: each file takes about four seconds to send, more than the
    // sockets' buffers hold.
    const SIZE: usize = 24 * 1024 * 1024;
    let faults = Faults::new(1, 0, |_| false).throttling(6 * 1024 * 1024);
    let fake = FakeMineru::start_with(FakeConfig {
        advance: Advance::Time(Duration::from_millis(200)),
        faults: Some(std::sync::Arc::new(faults)),
        ..FakeConfig::default()
    });
    let env = Env::new();
    let base = fs::read(crate::harness::fixture_path("test.pdf")).unwrap();
    let list = env.work.path().join("list.txt");
    let mut inputs = Vec::new();
    for i in 0..2 {
        let path = env.work.path().join(format!("owed-{i}.pdf"));
        let mut bytes = base.clone();
        bytes.extend(format!("\n%owed {i}\n").as_bytes());
        bytes.resize(SIZE, b' ');
        fs::write(&path, bytes).unwrap();
        inputs.push(path.display().to_string());
    }
    fs::write(&list, inputs.join("\n")).unwrap();
    let args = |cmd: &mut std::process::Command| {
        cmd.env("MINERU_API_KEY", TOKEN)
            .args(["-p", "mineru", "--timeout", "60s", "batch", "-o"])
            .arg(env.out())
            .arg("--from")
            .arg(&list);
    };
    // Uploads that reached the fake whole.
    let puts = || {
        fake.requests()
            .iter()
            .filter(|r| r.server == Server::Oss && r.method == "PUT" && r.body.len() == SIZE)
            .count()
    };
    stopped_when(&env, &fake, &args, || {
        if fake.count("POST", "/api/v4/file-urls/batch") == 0 {
            return false;
        }
        // The uploads under way, none of them whole.
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(puts(), 0, "an upload ended before the stop");
        true
    });
    rerun(&env, &fake, &args);
    assert_eq!(
        fake.count("POST", "/api/v4/file-urls/batch"),
        1,
        "created once"
    );
    assert_eq!(puts(), 2, "each owed upload sent whole by the rerun");
    for i in 0..2 {
        assert!(env.out().join(format!("owed-{i}/full.md")).is_file());
    }
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}
