//! A real S3 implementation for the shared result cache: moto's server mode
//! (PyPI `moto[server]`, program `moto_server`), started on a free
//! 127.0.0.1 port with one bucket. `.ci/run` installs it and sets
//! `DOCPIPE_MOTO` (its path) and `DOCPIPE_REQUIRE_MOTO=1`; elsewhere the tests
//! that need it skip, saying why, when it is not installed.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const BUCKET: &str = "docpipe-cache";

/// moto checks no signature, but keeps objects from anonymous requests: the
/// test's own reads and writes name the same access key as docpipe's.
const AUTH: &str = "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00";

pub struct Moto {
    child: Child,
    port: u16,
    http: reqwest::blocking::Client,
}

/// Where `moto_server` is: `DOCPIPE_MOTO`, else on PATH. None (said, unless
/// required): the caller skips.
pub fn moto_bin() -> Option<PathBuf> {
    let found = std::env::var_os("DOCPIPE_MOTO")
        .map(PathBuf::from)
        .filter(|p| p.is_file())
        .or_else(|| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|d| d.join("moto_server"))
                    .find(|p| p.is_file())
            })
        });
    if found.is_none() {
        assert!(
            std::env::var_os("DOCPIPE_REQUIRE_MOTO").is_none(),
            "DOCPIPE_REQUIRE_MOTO is set but moto_server is not found: pip install 'moto[server]' and set DOCPIPE_MOTO to its moto_server"
        );
        eprintln!(
            "note: object-storage cache test skipped: moto_server is not installed (pip install 'moto[server]', then DOCPIPE_MOTO=PATH)"
        );
    }
    found
}

impl Moto {
    /// Starts moto and makes the bucket; None when moto is not installed.
    pub fn start() -> Option<Moto> {
        let bin = moto_bin()?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(bin)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto_server starts");
        let moto = Moto {
            child,
            port,
            http: reqwest::blocking::Client::new(),
        };
        let start = Instant::now();
        loop {
            if moto.http.get(moto.endpoint()).send().is_ok() {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "moto_server did not answer on port {port} within 60 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let made = moto
            .http
            .put(format!("{}/{BUCKET}", moto.endpoint()))
            .send()
            .unwrap();
        assert!(made.status().is_success(), "bucket: {}", made.status());
        Some(moto)
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The environment a docpipe run needs to reach the bucket.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ACCESS_KEY_ID", "testing".into()),
            ("AWS_SECRET_ACCESS_KEY", "testing-secret".into()),
            ("AWS_REGION", "us-east-1".into()),
            ("AWS_ENDPOINT_URL", self.endpoint()),
            ("AWS_ALLOW_HTTP", "true".into()),
        ]
    }

    /// The names of the objects in the bucket.
    pub fn objects(&self) -> Vec<String> {
        let listing = self
            .http
            .get(format!("{}/{BUCKET}?list-type=2", self.endpoint()))
            .send()
            .unwrap()
            .text()
            .unwrap();
        listing
            .split("<Key>")
            .skip(1)
            .filter_map(|s| s.split("</Key>").next())
            .map(str::to_string)
            .collect()
    }

    pub fn get(&self, name: &str) -> Vec<u8> {
        let r = self
            .http
            .get(format!("{}/{BUCKET}/{name}", self.endpoint()))
            .header("authorization", AUTH)
            .send()
            .unwrap();
        assert!(r.status().is_success(), "{name}: {}", r.status());
        r.bytes().unwrap().to_vec()
    }

    /// The object's ETag: S3 gives one stored in parts `"<hash>-<parts>"`.
    pub fn etag(&self, name: &str) -> String {
        let r = self
            .http
            .head(format!("{}/{BUCKET}/{name}", self.endpoint()))
            .header("authorization", AUTH)
            .send()
            .unwrap();
        assert!(r.status().is_success(), "{name}: {}", r.status());
        let etag = r.headers().get("etag").expect("an ETag");
        etag.to_str().unwrap().trim_matches('"').to_string()
    }

    pub fn put(&self, name: &str, bytes: Vec<u8>) {
        let r = self
            .http
            .put(format!("{}/{BUCKET}/{name}", self.endpoint()))
            .header("authorization", AUTH)
            .header("content-type", "application/octet-stream")
            .body(bytes)
            .send()
            .unwrap();
        assert!(r.status().is_success(), "{name}: {}", r.status());
    }

    /// The bucket becomes unreachable.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        self.kill();
    }
}
