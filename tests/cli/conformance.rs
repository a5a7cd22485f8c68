//! Conformance with the real Mistral API: docpipe's Mistral requests (upload,
//! signed URL, OCR by URL, by data URI, with pages and every option, delete) go
//! through Stoplight Prism serving the official OpenAPI spec
//! (`tests/fixtures/mistral-openapi.yaml`) with request validation. Prism answers
//! 422 to any request the spec rejects, and every answer must be a 200.
//!
//! Prism comes from npm: `.ci/run` installs it into `.ci/node` (`npm ci --prefix
//! .ci/node`) and sets `DOCPIPE_REQUIRE_PRISM=1`, so in CI its absence fails the
//! test. Elsewhere the test is skipped with a note when Prism is not installed.
//! `DOCPIPE_PRISM` may point at another `prism` binary.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{stderr_of, Env};

fn prism_bin() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("DOCPIPE_PRISM") {
        return Some(PathBuf::from(p));
    }
    let local = Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/node/node_modules/.bin/prism");
    local.is_file().then_some(local)
}

/// The Prism process, killed when the test ends however it ends.
struct Prism {
    child: Child,
    log: PathBuf,
    port: u16,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Prism {
    fn start(bin: &Path, dir: &Path) -> Prism {
        // A free port: bound, read, released for Prism.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log = dir.join("prism.log");
        let spec =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mistral-openapi.yaml");
        // --errors: violations become error answers (422 for requests).
        // --dynamic: answers generated from the schemas, because some of the
        // spec's own examples do not match its response schemas.
        let child = Command::new(bin)
            .args(["mock", "-h", "127.0.0.1", "-p", &port.to_string()])
            .args(["--errors", "--dynamic", "--seed", "docpipe"])
            .arg(&spec)
            .stdout(std::fs::File::create(&log).unwrap())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let mut prism = Prism { child, log, port };
        let started = Instant::now();
        loop {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return prism;
            }
            if let Ok(Some(status)) = prism.child.try_wait() {
                panic!(
                    "prism exited ({status}) before listening:\n{}",
                    prism.log_text()
                );
            }
            assert!(
                started.elapsed() < Duration::from_secs(300),
                "prism did not listen within 300 s:\n{}",
                prism.log_text()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

/// The `(status, method, path)` of every answer in a `-v` log.
fn answers(stderr: &str) -> Vec<(u16, String, String)> {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix("docpipe: <- "))
        .filter_map(|l| {
            let mut parts = l.split_whitespace();
            let status = parts.next()?.parse().ok()?;
            let method = parts.next()?.to_string();
            let url = parts.next()?;
            let path = url.splitn(4, '/').nth(3).map(|p| format!("/{p}"))?;
            Some((status, method, path))
        })
        .collect()
}

#[test]
fn mistral_requests_conform_to_the_official_openapi_spec() {
    let Some(bin) = prism_bin() else {
        assert!(
            std::env::var_os("DOCPIPE_REQUIRE_PRISM").is_none(),
            "DOCPIPE_REQUIRE_PRISM is set but Prism is not installed: run `npm ci --prefix .ci/node`"
        );
        eprintln!(
            "note: Mistral conformance test skipped: Prism is not installed (npm ci --prefix .ci/node)"
        );
        return;
    };
    let env = Env::new();
    let prism = Prism::start(&bin, env.work.path());
    let upload_cfg = env.config("[providers.mistral]\ninline_max_kb = 0\n");
    let pdf = env.doc("test.pdf", "paper.pdf");
    let png = env.work.path().join("tiny.png");
    std::fs::write(
        &png,
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0",
    )
    .unwrap();

    let cases: Vec<(&str, Vec<String>, Vec<&str>)> = vec![
        (
            "upload, signed URL, OCR with pages and every option, delete",
            vec![
                "-c".into(),
                upload_cfg.display().to_string(),
                "ocr".into(),
                "--pages".into(),
                "1-2,4".into(),
                "--model".into(),
                "mistral-ocr-latest".into(),
                "--table-format".into(),
                "html".into(),
                "--extract-header".into(),
                "--extract-footer".into(),
                pdf.display().to_string(),
            ],
            vec![
                "POST /v1/files",
                "GET /v1/files/",
                "POST /v1/ocr",
                "DELETE /v1/files/",
            ],
        ),
        (
            "a PDF inline as a data URI, with images",
            vec![
                "ocr".into(),
                "--images".into(),
                "-o".into(),
                env.out().display().to_string(),
                pdf.display().to_string(),
            ],
            vec!["POST /v1/ocr"],
        ),
        (
            "an image inline as a data URI (parse: images and JSON)",
            vec![
                "parse".into(),
                "-o".into(),
                env.out().display().to_string(),
                png.display().to_string(),
            ],
            vec!["POST /v1/ocr"],
        ),
        (
            "a document URL",
            vec!["ocr".into(), "https://example.org/docs/a.pdf".into()],
            vec!["POST /v1/ocr"],
        ),
        (
            "an image URL",
            vec!["ocr".into(), "https://example.org/scans/b.png".into()],
            vec!["POST /v1/ocr"],
        ),
    ];
    for (what, args, expected) in cases {
        let out = env
            .bare()
            .env("DOCPIPE_MISTRAL_BASE_URL", prism.base_url())
            .env("MISTRAL_API_KEY", "conformance-key")
            .args(["-v", "-p", "mistral"])
            .args(&args)
            .output()
            .unwrap();
        let err = stderr_of(&out);
        let seen = answers(&err);
        let refused: Vec<_> = seen.iter().filter(|(s, _, _)| *s != 200).collect();
        assert!(
            refused.is_empty() && out.status.success(),
            "{what}: the spec refused docpipe's request(s) {refused:?}\n{err}\nprism log:\n{}",
            prism.log_text()
        );
        let sent: Vec<String> = seen.iter().map(|(_, m, p)| format!("{m} {p}")).collect();
        assert_eq!(sent.len(), expected.len(), "{what}: {sent:?}");
        for (s, e) in sent.iter().zip(&expected) {
            assert!(s.starts_with(e), "{what}: expected {e}, sent {s}");
        }
    }
}
