//! `-p local` on scans, with a stand-in `tesseract` on PATH that records how
//! it was run: the real one is exercised in `local.rs` where installed.

use std::fs;
use std::path::Path;

use crate::harness::{stderr_of, stdout_of, Env};
use crate::local::{file, local};
use crate::support::pdfgen::{pages_pdf, Page};

/// A `tesseract` that notes its `OMP_THREAD_LIMIT` and whether another copy
/// was running when it started, takes 0.4 s, and reads "Words read off a
/// scanned page." wherever it looks.
fn fake_tesseract(dir: &Path) {
    let script = format!(
        r#"#!/bin/sh
log={log}
echo "threads=${{OMP_THREAD_LIMIT:-unset}}" >> "$log"
touch {log}.running.$$
if [ "$(ls {log}.running.* | wc -l)" -gt 1 ]; then echo side-by-side >> "$log"; fi
sleep 0.4
echo "Words read off a scanned page." > "$2.txt"
rm {log}.running.$$
"#,
        log = dir.join("calls.log").display()
    );
    let path = dir.join("tesseract");
    fs::write(&path, script).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    }
}

/// tesseract's OpenMP threads wait by spinning: on a busy machine one page
/// took three times as long on two threads as on one. Each page is read on
/// one thread, and the pages of a scan side by side, each in its place.
#[test]
fn the_pages_of_a_scan_are_read_side_by_side_by_tesseracts_on_one_thread() {
    let env = Env::new();
    let bin = tempfile::tempdir().unwrap();
    fake_tesseract(bin.path());
    let pdf = pages_pdf(&[
        Page::Image,
        Page::Text(vec![
            (11, 700, "Second page, born digital."),
            (
                11,
                684,
                "Its text layer is read as it is, between the scanned pages.",
            ),
        ]),
        Page::Image,
        Page::Image,
        Page::Image,
    ]);
    let path = file(&env, "scan.pdf", &pdf);
    let out = local(&env)
        .env("PATH", format!("{}:/usr/bin:/bin", bin.path().display()))
        .arg("ocr")
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let md = stdout_of(&out);
    let read = md.matches("Words read off a scanned page.").count();
    assert_eq!(read, 4, "{md}");
    let first = md.find("Words read off a scanned page.").unwrap();
    let second = md.find("Second page, born digital.").unwrap();
    assert!(first < second, "page 1 before page 2: {md}");
    assert!(
        md[second..].contains("Words read off a scanned page."),
        "{md}"
    );

    let log = fs::read_to_string(bin.path().join("calls.log")).unwrap();
    let runs: Vec<&str> = log.lines().filter(|l| l.starts_with("threads=")).collect();
    assert_eq!(runs, ["threads=1"; 4], "{log}");
    if std::thread::available_parallelism().map_or(1, |n| n.get()) > 1 {
        assert!(log.contains("side-by-side"), "{log}");
    }

    // A limit the user set is theirs.
    fs::remove_file(bin.path().join("calls.log")).unwrap();
    let out = local(&env)
        .env("PATH", format!("{}:/usr/bin:/bin", bin.path().display()))
        .env("OMP_THREAD_LIMIT", "3")
        .arg("ocr")
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let log = fs::read_to_string(bin.path().join("calls.log")).unwrap();
    assert_eq!(log.matches("threads=3").count(), 4, "{log}");
}

/// No temporary folder for the scan's images: the page is named with the
/// folder docpipe tried and how to give it another.
#[test]
fn a_scan_without_a_temporary_folder_says_how_to_give_it_one() {
    let env = Env::new();
    let bin = tempfile::tempdir().unwrap();
    fake_tesseract(bin.path());
    let pdf = pages_pdf(&[Page::Image]);
    let path = file(&env, "scan.pdf", &pdf);
    let missing = env.work.path().join("no-such-tmp");
    let out = local(&env)
        .env("PATH", format!("{}:/usr/bin:/bin", bin.path().display()))
        .env("TMPDIR", &missing)
        .arg("ocr")
        .arg(&path)
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert!(err.contains("scan.pdf"), "{err}");
    assert!(
        err.contains(&format!(
            "temporary folder for OCR in {}",
            missing.display()
        )),
        "{err}"
    );
    assert!(err.contains("set TMPDIR to a writable folder"), "{err}");
}
