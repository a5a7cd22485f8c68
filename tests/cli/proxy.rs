//! Proxies from the environment: HTTP_PROXY/HTTPS_PROXY with credentials in
//! the URL, NO_PROXY, and a 407 reported as the proxy's refusal.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use crate::harness::{stderr_of, stdout_of, Env};
use crate::support::{demo_markdown, FakeMineru, TOKEN};

/// A forward proxy on 127.0.0.1:0. Requests carrying `Proxy-Authorization:
/// Basic <credentials>` (when set) are passed on to their origin (one request
/// a connection, as the fakes answer); others get 407. Every request head is
/// kept.
struct Proxy {
    port: u16,
    heads: Arc<Mutex<Vec<String>>>,
}

impl Proxy {
    fn start(credentials: Option<&'static str>) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let heads: Arc<Mutex<Vec<String>>> = Arc::default();
        let log = heads.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let log = log.clone();
                std::thread::spawn(move || {
                    let _ = handle(conn, credentials, &log);
                });
            }
        });
        Proxy { port, heads }
    }

    fn url(&self, userinfo: &str) -> String {
        format!("http://{userinfo}127.0.0.1:{}", self.port)
    }

    fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap().clone()
    }
}

fn handle(
    conn: TcpStream,
    credentials: Option<&str>,
    log: &Mutex<Vec<String>>,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut lines = Vec::new();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        if line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        lines.push(line);
    }
    log.lock().unwrap().push(lines.concat());
    let mut out = conn;
    let authorized = credentials.is_none_or(|c| {
        let expected = format!("basic {}", base64_encode(c.as_bytes()));
        lines.iter().any(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("proxy-authorization:")
                .is_some_and(|v| v.trim() == expected.to_ascii_lowercase())
        })
    });
    if !authorized {
        return out.write_all(
            b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"corp\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
    }
    // `GET http://host:port/path HTTP/1.1` → origin-form to host:port.
    let mut parts = lines[0].split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let Some(rest) = target.strip_prefix("http://") else {
        return out.write_all(
            b"HTTP/1.1 501 Not Implemented\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut up = TcpStream::connect(authority)?;
    let mut head = format!(
        "{method} {} HTTP/1.1\r\n",
        if path.is_empty() { "/" } else { path }
    );
    for l in &lines[1..] {
        if !l.to_ascii_lowercase().starts_with("proxy-") {
            head.push_str(l);
        }
    }
    head.push_str("\r\n");
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body)?;
    up.write_all(head.as_bytes())?;
    up.write_all(&body)?;
    let mut answer = Vec::new();
    up.read_to_end(&mut answer)?;
    out.write_all(&answer)
}

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn ocr(env: &Env, fake: &FakeMineru, vars: &[(&str, String)]) -> std::process::Output {
    let mut cmd = env.keyed(fake);
    cmd.env("DOCPIPE_RETRY_BASE", "5ms");
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd.args(["-p", "mineru", "ocr", "https://docs.example.org/p.pdf"])
        .output()
        .unwrap()
}

#[test]
fn requests_go_through_the_proxy_with_the_credentials_from_its_url() {
    let fake = FakeMineru::start();
    let proxy = Proxy::start(Some("alice:s3cret"));
    let env = Env::new();
    let out = ocr(&env, &fake, &[("HTTP_PROXY", proxy.url("alice:s3cret@"))]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out).trim_end(), demo_markdown().trim_end());
    let heads = proxy.heads();
    // The API call and the result download both went through it.
    assert!(
        heads.iter().any(|h| h.contains("/api/v4/extract/task")),
        "{heads:?}"
    );
    assert!(
        heads.iter().any(|h| h.starts_with("GET http://")),
        "{heads:?}"
    );
    assert!(
        !stderr_of(&out).contains("s3cret"),
        "the proxy password was shown"
    );
}

#[test]
fn no_proxy_hosts_are_reached_directly() {
    let fake = FakeMineru::start();
    let proxy = Proxy::start(Some("alice:s3cret"));
    let env = Env::new();
    let out = ocr(
        &env,
        &fake,
        &[
            ("HTTP_PROXY", proxy.url("")),
            ("NO_PROXY", "127.0.0.1".to_string()),
        ],
    );
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(proxy.heads().is_empty(), "{:?}", proxy.heads());
}

#[test]
fn a_407_is_named_as_the_proxys_refusal_and_not_retried() {
    let fake = FakeMineru::start();
    let env = Env::new();
    // Plain HTTP through the proxy: the 407 is an answer.
    let proxy = Proxy::start(Some("alice:s3cret"));
    let out = ocr(&env, &fake, &[("HTTP_PROXY", proxy.url("alice:wrong@"))]);
    assert!(!out.status.success());
    let err = stderr_of(&out);
    assert!(
        err.contains("the proxy refused the request (HTTP 407"),
        "{err}"
    );
    assert!(err.contains("user:password@"), "{err}");
    assert_eq!(proxy.heads().len(), 1, "retried: {:?}", proxy.heads());
    assert_eq!(fake.tasks_created(), 0);
    // HTTPS through the proxy: the 407 refuses the CONNECT tunnel.
    let proxy = Proxy::start(Some("alice:s3cret"));
    let mut cmd = env.bare();
    let out = cmd
        .env("MINERU_API_KEY", TOKEN)
        .env("DOCPIPE_MINERU_BASE_URL", "https://mineru.example.invalid")
        .env("HTTPS_PROXY", proxy.url(""))
        .env("DOCPIPE_RETRY_BASE", "5ms")
        .args(["-p", "mineru", "ocr", "https://docs.example.org/p.pdf"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = stderr_of(&out);
    assert!(
        err.contains("the proxy refused the request (HTTP 407"),
        "{err}"
    );
    let heads = proxy.heads();
    assert_eq!(heads.len(), 1, "retried: {heads:?}");
    assert!(
        heads[0].starts_with("CONNECT mineru.example.invalid:443"),
        "{heads:?}"
    );
}
