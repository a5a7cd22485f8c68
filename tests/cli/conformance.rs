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
//!
//! Batch jobs cannot run through Prism (its generated job answers carry IDs
//! that are not UUIDs, and a state no job would follow), so `batch -p mistral`
//! runs against the fake, and every request the fake received (the JSONL
//! upload with `purpose=batch`, the job's creation, its polls, the output
//! file's content, the deletion of the input) is sent again byte for byte to
//! Prism, with each JSONL line as the `/v1/ocr` request it stands for.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{stderr_of, Env};
use crate::support::http::{Recorded, Server};
use crate::support::mistral::{FakeMistral, MistralConfig, MISTRAL_KEY};

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

/// Sends `rq` to Prism as it was sent to the fake: same method, path, headers
/// and body. Returns the answer's status and its text.
fn replay(port: u16, rq: &Recorded) -> (u16, String) {
    let mut head = format!(
        "{} {} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n",
        rq.method,
        rq.path,
        rq.body.len()
    );
    for (name, value) in &rq.headers {
        let hop = [
            "host",
            "connection",
            "content-length",
            "transfer-encoding",
            "accept-encoding",
        ];
        if !hop.contains(&name.as_str()) {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    head.push_str("\r\n");
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(&rq.body).unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

/// `batch -p mistral` with a job, against the fake; its requests replayed to
/// Prism. Returns the kinds of request checked.
fn batch_job_requests_conform(prism: &Prism, env: &Env, pdf: &Path, png: &Path) -> Vec<String> {
    let fake = FakeMistral::start_with(MistralConfig {
        batch_polls: 1,
        ..MistralConfig::default()
    });
    let out = env
        .bare()
        .env("DOCPIPE_MISTRAL_BASE_URL", fake.base_url())
        .env("MISTRAL_API_KEY", MISTRAL_KEY)
        .env("DOCPIPE_POLL_INTERVAL", "50ms")
        .args(["-p", "mistral", "batch", "--batch-api", "on", "-o"])
        .arg(env.out().join("batch"))
        .arg(pdf)
        .arg(png)
        .arg("https://example.org/docs/a.pdf")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(fake.violations().is_empty(), "{:#?}", fake.violations());
    let mut requests = fake.requests();
    // Each line of the job's input, as the OCR request it stands for.
    let model = fake.jobs()[0].model.clone();
    for file in fake.files().iter().filter(|f| f.purpose == "batch") {
        for line in String::from_utf8_lossy(&file.bytes).lines() {
            let line: serde_json::Value = serde_json::from_str(line).unwrap();
            let mut body = line["body"].clone();
            body["model"] = model.clone();
            requests.push(Recorded {
                server: Server::Api,
                method: "POST".into(),
                path: "/v1/ocr".into(),
                headers: vec![
                    ("content-type".into(), "application/json".into()),
                    ("authorization".into(), format!("Bearer {MISTRAL_KEY}")),
                ],
                body: serde_json::to_vec(&body).unwrap(),
                reused: false,
                at: std::time::Instant::now(),
            });
        }
    }
    let mut kinds = Vec::new();
    for rq in &requests {
        let (status, text) = replay(prism.port, rq);
        assert_eq!(
            status,
            200,
            "the spec refused docpipe's {} {}:\n{text}\nprism log:\n{}",
            rq.method,
            rq.path,
            prism.log_text()
        );
        let id_free: String = rq
            .path_only()
            .split('/')
            .map(|seg| if seg.len() == 36 { "{id}" } else { seg })
            .collect::<Vec<_>>()
            .join("/");
        let kind = format!("{} {id_free}", rq.method);
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    kinds.sort();
    kinds
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

    let kinds = batch_job_requests_conform(&prism, &env, &pdf, &png);
    assert_eq!(
        kinds,
        [
            "DELETE /v1/files/{id}",
            "GET /v1/batch/jobs/{id}",
            "GET /v1/files/{id}/content",
            "POST /v1/batch/jobs",
            "POST /v1/files",
            "POST /v1/ocr",
        ]
    );
}
