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

/// A PDF of about `mb` MiB: the demo document, then comment lines (a reader
/// stops at the last `%%EOF`; the fake keeps the bytes as the result's origin,
/// so the result zip is as large).
fn large_pdf(env: &Env, name: &str, mb: usize) -> std::path::PathBuf {
    let path = env.doc("demo1.pdf", name);
    let mut bytes = fs::read(&path).unwrap();
    let line = format!("%{}\n", "x".repeat(1022));
    bytes.extend(line.repeat(mb * 1024).as_bytes());
    fs::write(&path, bytes).unwrap();
    path
}

/// The lines a terminal would show for what the board wrote: escape codes
/// dropped, one line per line drawn.
fn drawn_lines(stderr: &str) -> Vec<String> {
    let mut out = String::new();
    let mut chars = stderr.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' && chars.peek() == Some(&'[') {
            for e in chars.by_ref() {
                if e.is_ascii_alphabetic() {
                    break;
                }
            }
        } else if c != '\r' {
            out.push(c);
        }
    }
    out.lines().map(str::to_string).collect()
}

/// A result zip of `mb` MiB that does not compress: `full.md` and one image.
fn large_result_zip(env: &Env, mb: usize) -> std::path::PathBuf {
    use std::io::Write;
    use zip::write::SimpleFileOptions;
    let path = env.home.path().join("large-result.zip");
    let mut w = zip::ZipWriter::new(fs::File::create(&path).unwrap());
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    w.start_file("full.md", stored).unwrap();
    w.write_all(demo_markdown().as_bytes()).unwrap();
    w.start_file("images/scan.jpg", stored).unwrap();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let noise: Vec<u8> = (0..mb * 1024 * 1024)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    w.write_all(&noise).unwrap();
    w.finish().unwrap();
    path
}

/// A 12 MiB upload and a 6 MiB result over a 3 MiB/s link: on the board
/// (forced with `DOCPIPE_PROGRESS=bar`; stderr is not a terminal, so 79
/// columns), the document's line shows the bytes, the rate and the time left
/// while each transfer runs, within the width. (An upload is counted as it
/// leaves for the socket, a few MB ahead of the server on loopback: hence a
/// file larger than those buffers.)
#[test]
fn a_large_upload_and_download_show_bytes_rate_and_time_left_on_the_board() {
    let faults = Arc::new(Faults::new(0, 0, |_| false).throttling(3 * 1024 * 1024));
    let env = Env::new();
    let fake = FakeMineru::start_with(FakeConfig {
        faults: Some(faults),
        result_zip: Some(large_result_zip(&env, 6)),
        ..FakeConfig::default()
    });
    let doc = large_pdf(&env, "big.pdf", 12);
    let out = env
        .keyed(&fake)
        .env("DOCPIPE_PROGRESS", "bar")
        .args(["-p", "mineru", "parse", "-o"])
        .arg(env.out())
        .arg(&doc)
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert!(out.status.success(), "{err}");
    let lines = drawn_lines(&err);
    let shows = |stage: &str, total: &str| {
        lines.iter().any(|l| {
            l.contains(stage)
                && l.contains(&format!(" of {total} · "))
                && !l.contains(&format!("{total} of {total}"))
                && l.contains("MB/s · ")
                && l.contains(" left")
        })
    };
    assert!(
        shows("uploading", "12.3 MB"),
        "no upload progress in {lines:#?}"
    );
    assert!(
        shows("downloading", "6.0 MB"),
        "no download progress in {lines:#?}"
    );
    let wide: Vec<&String> = lines.iter().filter(|l| console_width(l) > 79).collect();
    assert!(wide.is_empty(), "{wide:#?}");
    // The upload reached the object store whole.
    let put = fake
        .requests()
        .into_iter()
        .find(|r| r.server == Server::Oss && r.method == "PUT")
        .expect("an upload");
    assert_eq!(put.body.len() as u64, fs::metadata(&doc).unwrap().len());
}

/// Off a terminal the same transfers print one line per change of stage and
/// no byte counts: CI logs stay readable.
#[test]
fn large_transfers_print_no_byte_lines_off_a_terminal() {
    let faults = Arc::new(Faults::new(0, 0, |_| false).throttling(4 * 1024 * 1024));
    let fake = FakeMineru::start_with(FakeConfig {
        faults: Some(faults),
        ..FakeConfig::default()
    });
    let env = Env::new();
    let doc = large_pdf(&env, "big.pdf", 3);
    let out = env
        .keyed(&fake)
        .env("DOCPIPE_PROGRESS", "plain")
        .args(["-p", "mineru", "parse", "-o"])
        .arg(env.out())
        .arg(&doc)
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert!(out.status.success(), "{err}");
    assert!(!err.contains("/s") && !err.contains(" left"), "{err}");
    assert!(!err.contains('\x1b'), "{err}");
    for stage in ["uploading", "downloading", "done"] {
        let n = err
            .lines()
            .filter(|l| l.starts_with(&format!("docpipe: big: {stage}")))
            .count();
        assert_eq!(n, 1, "{stage}: {err}");
    }
    assert!(err.lines().count() <= 8, "{err}");
}

fn console_width(line: &str) -> usize {
    line.chars().count()
}

/// A multipart upload inside a provider's own call (Mistral's `/v1/files`)
/// shows its bytes too, on the line of a document that counts as running (a
/// synchronous provider is at work from the first byte).
#[test]
fn a_multipart_upload_shows_its_bytes_on_the_board() {
    use crate::support::mistral::{FakeMistral, MistralConfig, MISTRAL_KEY};
    let faults = Arc::new(Faults::new(0, 0, |_| false).throttling(3 * 1024 * 1024));
    let fake = FakeMistral::start_with(MistralConfig {
        faults: Some(faults),
        ..MistralConfig::default()
    });
    let env = Env::new();
    let doc = large_pdf(&env, "big.pdf", 12);
    let out = env
        .bare()
        .env("DOCPIPE_MISTRAL_BASE_URL", fake.base_url())
        .env("MISTRAL_API_KEY", MISTRAL_KEY)
        .env("DOCPIPE_PROGRESS", "bar")
        .args(["-p", "mistral", "ocr", "-o"])
        .arg(env.out())
        .arg(&doc)
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert!(out.status.success(), "{err}");
    let lines = drawn_lines(&err);
    assert!(
        lines.iter().any(|l| l.contains("running")
            && l.contains(" of 12.3 MB · ")
            && l.contains("MB/s · ")
            && l.contains(" left")),
        "no upload progress in {lines:#?}"
    );
    assert_eq!(fake.files().len(), 1);
}
