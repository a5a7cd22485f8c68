//! URLs given to `local` (and to `auto`): fetched with the transfer layer from a
//! server on 127.0.0.1:0, typed by their content, HTML read as text; a server
//! that stalls or announces too much is given up on.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::harness::{fixture_path, stderr_of, stdout_of, Env};
use crate::support::http::{bind, lock, Log, Recorded, Reply, Server};

/// A server answering each path from `routes` (404 otherwise); the log of requests.
fn serve(routes: Vec<(&'static str, Reply)>) -> (String, Log, impl Drop) {
    let bound = bind();
    let base = bound.base_url();
    let log: Log = Default::default();
    let routes = Arc::new(routes);
    let listener = bound.serve(
        Server::Cdn,
        4,
        log.clone(),
        Arc::new(move |r: &Recorded| {
            routes
                .iter()
                .find(|(p, _)| *p == r.path_only())
                .map(|(_, reply)| Reply {
                    status: reply.status,
                    headers: reply.headers.clone(),
                    body: reply.body.clone(),
                    file: None,
                })
                .unwrap_or_else(|| Reply::empty(404))
        }),
    );
    (base, log, listener)
}

#[test]
fn a_url_is_fetched_typed_by_its_content_and_never_runs_scripts() {
    let env = Env::new();
    let odt = std::fs::read(fixture_path("formats.odt")).unwrap();
    let (base, log, _server) = serve(vec![
        (
            "/article",
            Reply::new(
                200,
                "text/html; charset=utf-8",
                "<html><body><h1>Field day</h1><p>We met at <a href=\"https://example.org/\">the river</a>.</p><script>document.write('evil')</script></body></html>",
            ),
        ),
        ("/api/data", Reply::new(200, "application/json", "{\"trout\": 412}")),
        ("/files/report.odt", Reply::new(200, "application/octet-stream", odt)),
        ("/blob", Reply::new(200, "application/octet-stream", vec![0u8, 1, 2, 3])),
    ]);
    let run = |path: &str| {
        env.bare()
            .args(["-p", "local", "ocr"])
            .arg(format!("{base}{path}"))
            .output()
            .unwrap()
    };
    let out = run("/article");
    assert!(out.status.success(), "{}", stderr_of(&out));
    let md = stdout_of(&out);
    assert!(
        md.contains("# Field day") && md.contains("[the river](https://example.org/)"),
        "{md}"
    );
    assert!(!md.contains("evil"), "{md}");
    let out = run("/api/data");
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out), "```json\n{\"trout\": 412}\n```\n");
    let out = run("/files/report.odt");
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(stdout_of(&out).contains("| North Fork | 412 |"));
    let out = run("/blob");
    assert_eq!(out.status.code(), Some(4), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("not a type local reads"),
        "{}",
        stderr_of(&out)
    );
    // One request each: nothing the page links or loads is fetched.
    let paths: Vec<String> = lock(&log).iter().map(|r| r.path.clone()).collect();
    assert_eq!(
        paths,
        ["/article", "/api/data", "/files/report.odt", "/blob"]
    );
}

#[test]
fn auto_sends_a_url_of_a_text_format_to_local() {
    let env = Env::new();
    let odt = std::fs::read(fixture_path("formats.odt")).unwrap();
    let (base, _log, _server) = serve(vec![(
        "/report.odt",
        Reply::new(200, "application/vnd.oasis.opendocument.text", odt),
    )]);
    // No key: `auto`. A cloud provider would need the network this test has not.
    let out = env
        .bare()
        .arg("ocr")
        .arg(format!("{base}/report.odt"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(stdout_of(&out).contains("# Quarterly Field Report"));
}

/// A server that reads the request and then answers with `head` (maybe
/// nothing), holding the connection open without another byte.
fn silent_server(head: &'static [u8]) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in listener.incoming().flatten() {
            let mut conn = conn;
            let mut buf = [0u8; 4096];
            let _ = conn.read(&mut buf);
            let _ = conn.write_all(head);
            held.push(conn);
        }
    });
    format!("http://127.0.0.1:{port}")
}

#[test]
fn a_url_that_stalls_is_given_up_after_the_stall_timeout() {
    let env = Env::new();
    let base = silent_server(b"");
    let config = env.config("[defaults]\nstall_timeout = \"1s\"\n");
    let started = Instant::now();
    let out = env
        .bare()
        .args(["-p", "local", "-c"])
        .arg(&config)
        .arg("ocr")
        .arg(format!("{base}/slow.html"))
        .output()
        .unwrap();
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(4), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("cannot fetch it"),
        "{}",
        stderr_of(&out)
    );
    assert!(took < Duration::from_secs(45), "took {took:?}");
}

#[test]
fn a_url_announcing_more_than_the_size_limit_is_refused_before_reading() {
    let env = Env::new();
    let base = silent_server(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1073741824\r\n\r\n<html>",
    );
    let started = Instant::now();
    let out = env
        .bare()
        .args(["-p", "local", "ocr"])
        .arg(format!("{base}/huge.html"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("larger than the limit of 536870912 bytes"),
        "{}",
        stderr_of(&out)
    );
    assert!(started.elapsed() < Duration::from_secs(20));
}
