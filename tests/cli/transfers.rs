//! Result downloads from a CDN that compresses: the bytes on disk and on stdout
//! are the decoded ones, and zips are checked after decoding.

use std::fs;
use std::sync::Arc;

use crate::harness::{stderr_of, stdout_of, Env};
use crate::support::faults::Faults;
use crate::support::gptge::{FakeGptGe, GptGeConfig, GPTGE_KEY, RESULT_TEXT};
use crate::support::{demo_images, demo_markdown, FakeConfig, FakeMineru, Server};

const ENCODINGS: [&str; 3] = ["gzip", "deflate", "br"];

fn compressing(encoding: &'static str) -> Arc<Faults> {
    Arc::new(Faults::new(0, 0, |_| false).compressing_downloads(encoding))
}

/// A download was made (the plan encodes every successful one; with reqwest's
/// decoders turned off, these tests fail).
fn assert_downloaded(requests: &[crate::support::Recorded], encoding: &str) {
    let downloads = requests
        .iter()
        .filter(|r| r.server == Server::Cdn && r.method == "GET")
        .count();
    assert!(downloads >= 1, "no download was made ({encoding})");
}

#[test]
fn a_compressed_zip_result_is_unpacked_from_the_decoded_bytes() {
    for encoding in ENCODINGS {
        let fake = FakeMineru::start_with(FakeConfig {
            faults: Some(compressing(encoding)),
            ..FakeConfig::default()
        });
        let env = Env::new();
        let doc = env.doc("demo1.pdf", "demo1.pdf");
        let out = env
            .keyed(&fake)
            .args(["-p", "mineru", "parse", "-o"])
            .arg(env.out())
            .arg(&doc)
            .output()
            .unwrap();
        assert!(out.status.success(), "{encoding}: {}", stderr_of(&out));
        assert_downloaded(&fake.requests(), encoding);
        // One download: the decoded zip opened the first time.
        assert_eq!(
            fake.requests()
                .iter()
                .filter(|r| r.server == Server::Cdn)
                .count(),
            1,
            "{encoding}"
        );
        let dir = env.out().join("demo1");
        assert_eq!(
            fs::read_to_string(dir.join("full.md")).unwrap(),
            demo_markdown(),
            "{encoding}"
        );
        for (name, bytes) in demo_images() {
            assert_eq!(fs::read(dir.join("images").join(name)).unwrap(), bytes);
        }
        assert!(fake.violations().is_empty(), "{:?}", fake.violations());
    }
}

#[test]
fn a_compressed_markdown_result_is_printed_decoded() {
    for encoding in ENCODINGS {
        let fake = FakeMineru::start_with(FakeConfig {
            faults: Some(compressing(encoding)),
            ..FakeConfig::default()
        });
        let env = Env::new();
        let doc = env.doc("demo1.pdf", "demo1.pdf");
        // Flash answers with a markdown URL.
        let out = env
            .cmd(&fake)
            .args(["-p", "mineru-flash", "ocr"])
            .arg(&doc)
            .output()
            .unwrap();
        assert!(out.status.success(), "{encoding}: {}", stderr_of(&out));
        assert_downloaded(&fake.requests(), encoding);
        assert_eq!(
            stdout_of(&out).trim_end(),
            demo_markdown().trim_end(),
            "{encoding}"
        );
    }
}

#[test]
fn a_compressed_text_result_is_printed_decoded() {
    let fake = FakeGptGe::start_with(GptGeConfig {
        faults: Some(compressing("gzip")),
        ..GptGeConfig::default()
    });
    let env = Env::new();
    let doc = env.doc("test.pdf", "invoice.pdf");
    let out = env
        .bare()
        .env("DOCPIPE_GPTGE_BASE_URL", fake.base_url())
        .env("GPTGE_API_KEY", GPTGE_KEY)
        .args(["-p", "gptge", "ocr"])
        .arg(&doc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_downloaded(&fake.requests(), "gzip");
    assert_eq!(stdout_of(&out), RESULT_TEXT);
}

/// `ocr -o` with Mistral and no `--images`: the answer carries no image bytes,
/// so the markdown keeps each image's alt text instead of a link to a file
/// that does not exist; `parse -o` likewise.
#[test]
fn results_written_without_images_have_no_dangling_image_links() {
    use crate::support::mistral::{FakeMistral, MISTRAL_KEY};
    let fake = FakeMistral::start();
    let env = Env::new();
    let doc = env.doc("test.pdf", "scan.pdf");
    for command in ["ocr", "parse"] {
        let out = env
            .bare()
            .env("DOCPIPE_MISTRAL_BASE_URL", fake.base_url())
            .env("MISTRAL_API_KEY", MISTRAL_KEY)
            .args(["-p", "mistral", command, "-o"])
            .arg(env.out().join(command))
            .arg(&doc)
            .output()
            .unwrap();
        assert!(out.status.success(), "{command}: {}", stderr_of(&out));
        let md_path = match command {
            "ocr" => env.out().join("ocr/scan.md"),
            _ => env.out().join("parse/scan/full.md"),
        };
        let md = fs::read_to_string(&md_path).unwrap();
        assert!(md.contains("Text of page 1."), "{md}");
        assert!(!md.contains("](img-"), "{command}: dangling link in {md}");
        assert!(md.contains("img-0.jpeg"), "{command}: alt text lost: {md}");
        assert!(!env.out().join(command).join("scan_images").exists());
    }
}

/// `--timeout` bounds the whole command, the download included: a result host
/// that stops sending halfway ends the command at the deadline, not at the
/// stall timeout (here a minute) or never. (The exit code is the command's:
/// `ocr`/`parse` still wrap every delivery error as exit 1.)
#[test]
fn timeout_bounds_a_download_that_stalls() {
    use std::time::{Duration, Instant};
    let faults = Arc::new(Faults::new(0, 0, |_| false).stalling_downloads(Duration::from_secs(30)));
    let fake = FakeMineru::start_with(FakeConfig {
        faults: Some(faults),
        ..FakeConfig::default()
    });
    let env = Env::new();
    let started = Instant::now();
    let out = env
        .keyed(&fake)
        .env("DOCPIPE_STALL_TIMEOUT", "60s")
        .args(["-p", "mineru", "parse", "--timeout", "3s", "-o"])
        .arg(env.out())
        .arg("https://docs.example.org/stalled.pdf")
        .output()
        .unwrap();
    let took = started.elapsed();
    assert!(!out.status.success());
    assert!(took < Duration::from_secs(10), "{took:?}");
    let err = stderr_of(&out);
    assert!(err.contains("time limit (--timeout) ran out"), "{err}");
}
