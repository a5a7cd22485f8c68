//! A reader that goes away never hangs or crashes docpipe (docs/exit-codes.md):
//! with stderr closed the work goes on silently and finishes (results written,
//! record consistent); with stdout closed the run ends quietly with status 0.
//! Each case runs the real binary with one of its pipes closed before it
//! writes anything, the board (`DOCPIPE_PROGRESS=bar`) and plain lines alike,
//! and must end within seconds.
#![cfg(unix)]

use std::fs;
use std::io::Read;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::harness::Env;
use crate::support::FakeMineru;

#[derive(Clone, Copy, PartialEq)]
enum Closed {
    Stderr,
    Stdout,
}

/// How long any of these runs may take before it counts as hung: they take
/// about a second, and 20 s ran out once for a debug build's `local` run of
/// demo1.pdf on two cores at load 15 (a hang is still caught: it never ends).
const LIMIT: Duration = Duration::from_secs(90);

/// Runs `cmd` with `closed`'s pipe closed at once; returns the exit status and
/// what the other stream carried. Fails the test if the run outlives [`LIMIT`].
fn run_closed(mut cmd: Command, closed: Closed) -> (ExitStatus, String) {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let (gone, mut kept) = match closed {
        Closed::Stderr => (
            child.stderr.take().map(|_| ()),
            Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
        ),
        Closed::Stdout => (
            child.stdout.take().map(|_| ()),
            Box::new(child.stderr.take().unwrap()) as Box<dyn Read + Send>,
        ),
    };
    // The read end is dropped here: the pipe is closed before docpipe writes.
    assert!(gone.is_some());
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = kept.read_to_string(&mut text);
        text
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("docpipe hung with a closed pipe: killed after {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let other = reader.join().unwrap();
    assert_ne!(status.code(), Some(101), "docpipe panicked: {other}");
    assert!(!other.contains("panicked"), "{other}");
    (status, other)
}

fn modes() -> [(&'static str, &'static str); 2] {
    [("bar", "board"), ("plain", "plain lines")]
}

#[test]
fn local_ocr_parse_and_batch_finish_with_a_closed_stderr() {
    for (progress, mode) in modes() {
        let env = Env::new();
        let a = env.doc("demo1.pdf", "a.pdf");
        let b = env.doc("docx_01.docx", "b.docx");
        // ocr to stdout: the markdown arrives whole.
        let mut cmd = env.bare_std();
        cmd.env("DOCPIPE_PROGRESS", progress)
            .args(["-p", "local", "ocr"])
            .arg(&a);
        let (status, stdout) = run_closed(cmd, Closed::Stderr);
        assert!(status.success(), "{mode}: {status:?}");
        assert!(stdout.contains("## References"), "{mode}: {stdout}");
        // ocr -o, parse -o and batch -o with --json: results on disk, one line
        // per input on stdout.
        for (command, expect) in [
            ("ocr", vec!["ocr/a.md", "ocr/b.md"]),
            ("parse", vec!["parse/a/full.md", "parse/b/full.md"]),
            ("batch", vec!["batch/a/full.md", "batch/b/full.md"]),
        ] {
            let out = env.work.path().join(command);
            let mut cmd = env.bare_std();
            cmd.env("DOCPIPE_PROGRESS", progress)
                .args(["-p", "local", "--json", command, "-o"])
                .arg(&out)
                .arg(&a)
                .arg(&b);
            let (status, stdout) = run_closed(cmd, Closed::Stderr);
            assert!(status.success(), "{mode} {command}: {status:?}");
            assert_eq!(stdout.lines().count(), 2, "{mode} {command}: {stdout}");
            for file in expect {
                assert!(
                    env.work.path().join(file).is_file(),
                    "{mode} {command}: {file} missing"
                );
            }
        }
    }
}

#[test]
fn cloud_parse_batch_and_fetch_finish_with_a_closed_stderr_and_keep_the_record() {
    let fake = FakeMineru::start();
    for (progress, mode) in modes() {
        let env = Env::new();
        let docs: Vec<_> = (0..3)
            .map(|i| {
                let d = env.doc("demo1.pdf", &format!("in/{mode}{i}.pdf"));
                let mut bytes = fs::read(&d).unwrap();
                bytes.extend(format!("\n% {progress} {i}\n").bytes());
                fs::write(&d, bytes).unwrap();
                d
            })
            .collect();
        let keyed = || {
            let mut cmd = env.std_cmd(&fake);
            cmd.env("MINERU_API_KEY", crate::support::TOKEN)
                .env("DOCPIPE_PROGRESS", progress);
            cmd
        };
        let before = fake.tasks_created();
        // parse -o: the result is written, the record holds it (a rerun sends
        // nothing).
        let mut cmd = keyed();
        cmd.args(["-p", "mineru", "parse", "-o"])
            .arg(env.out())
            .arg(&docs[0]);
        let (status, _) = run_closed(cmd, Closed::Stderr);
        assert!(status.success(), "{mode}: {status:?}");
        assert!(
            env.out().join(format!("{mode}0/full.md")).is_file(),
            "{mode}"
        );
        // batch --json -o with a closed stderr.
        let mut cmd = keyed();
        cmd.args(["-p", "mineru", "--json", "batch", "-o"])
            .arg(env.out())
            .args(&docs[..2]);
        let (status, stdout) = run_closed(cmd, Closed::Stderr);
        assert!(status.success(), "{mode}: {status:?}");
        assert_eq!(stdout.lines().count(), 2, "{mode}: {stdout}");
        assert!(
            env.out().join(format!("{mode}1/full.md")).is_file(),
            "{mode}"
        );
        assert_eq!(fake.tasks_created() - before, 2, "{mode}: one task each");
        // fetch of a --no-wait task, with a closed stderr.
        let out = keyed()
            .args(["-p", "mineru", "parse", "--no-wait"])
            .arg(&docs[2])
            .output()
            .unwrap();
        assert!(out.status.success(), "{mode}");
        let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let fetched = env.work.path().join("fetched");
        let mut cmd = keyed();
        cmd.args(["-p", "mineru", "fetch", &id, "-o"]).arg(&fetched);
        let (status, _) = run_closed(cmd, Closed::Stderr);
        assert!(status.success(), "{mode}: {status:?}");
        assert!(
            fs::read_dir(&fetched).unwrap().flatten().count() > 0,
            "{mode}: nothing fetched"
        );
        // The record is consistent: the same runs again create nothing.
        let created = fake.tasks_created();
        let out = keyed()
            .args(["-p", "mineru", "batch", "-o"])
            .arg(env.out())
            .args(&docs[..2])
            .output()
            .unwrap();
        assert!(out.status.success(), "{mode}");
        assert_eq!(fake.tasks_created(), created, "{mode}: paid twice");
    }
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}

#[test]
fn a_closed_stdout_ends_the_run_quietly_with_status_0() {
    let fake = FakeMineru::start();
    for (progress, mode) in modes() {
        let env = Env::new();
        let a = env.doc("demo1.pdf", "a.pdf");
        let b = env.doc("docx_01.docx", "b.docx");
        // Local, to stdout.
        let mut cmd = env.bare_std();
        cmd.env("DOCPIPE_PROGRESS", progress)
            .args(["-p", "local", "ocr"])
            .arg(&a)
            .arg(&b);
        let (status, stderr) = run_closed(cmd, Closed::Stdout);
        assert_eq!(status.code(), Some(0), "{mode}: {stderr}");
        // Cloud batch with --json lines on the closed stdout: the results are
        // still on disk.
        let mut cmd = env.std_cmd(&fake);
        cmd.env("MINERU_API_KEY", crate::support::TOKEN)
            .env("DOCPIPE_PROGRESS", progress)
            .args(["-p", "mineru", "--json", "batch", "-o"])
            .arg(env.out())
            .arg(&a);
        let (status, stderr) = run_closed(cmd, Closed::Stdout);
        assert_eq!(status.code(), Some(0), "{mode}: {stderr}");
        assert!(env.out().join("a/full.md").is_file(), "{mode}: {stderr}");
        // Cloud ocr to the closed stdout.
        let mut cmd = env.std_cmd(&fake);
        cmd.env("MINERU_API_KEY", crate::support::TOKEN)
            .env("DOCPIPE_PROGRESS", progress)
            .args(["-p", "mineru", "ocr"])
            .arg(&a);
        let (status, stderr) = run_closed(cmd, Closed::Stdout);
        assert_eq!(status.code(), Some(0), "{mode}: {stderr}");
    }
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}

#[test]
fn error_lines_escape_control_characters_in_names() {
    let env = Env::new();
    let name = "bad\x1b[2Jname.pdf";
    fs::write(env.work.path().join(name), b"not a pdf at all").unwrap();
    let out = env
        .bare()
        .args(["-p", "local", "ocr", name])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains('\x1b'), "{err:?}");
    assert!(err.contains("bad\\u{1b}[2Jname.pdf"), "{err}");
}
