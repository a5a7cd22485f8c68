//! Unit tests of `http` (beside it, so the module stays readable).
use super::*;

#[test]
fn pacer_spaces_requests_across_threads() {
    let pacer = Arc::new(Pacer::new(50.0));
    let started = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..3 {
            let pacer = pacer.clone();
            s.spawn(move || {
                for _ in 0..3 {
                    pacer.wait_turn();
                }
            });
        }
    });
    // Nine turns at 50 per second: the last starts 8 intervals after the first.
    assert!(
        started.elapsed() >= Duration::from_millis(160),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn backoff_stays_under_cap_and_grows_from_the_base() {
    for attempt in 0..40 {
        assert!(backoff_from(Duration::from_millis(500), attempt) <= Duration::from_secs(20));
    }
    for _ in 0..50 {
        assert!(backoff_from(Duration::from_millis(10), 1) <= Duration::from_millis(10));
        assert!(backoff_from(Duration::from_millis(10), 3) <= Duration::from_millis(40));
    }
}

/// Answers each connection with `answer(port)` and counts the requests.
fn server(
    answer: impl Fn() -> String + Send + 'static,
) -> (u16, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = hits.clone();
    std::thread::spawn(move || {
        for mut conn in listener.incoming().flatten() {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let mut buf = [0u8; 4096];
            let _ = conn.read(&mut buf);
            let _ = conn.write_all(answer().as_bytes());
        }
    });
    (port, hits)
}

#[test]
fn keys_never_follow_a_redirect_to_another_host() {
    let (other, other_hits) =
        server(|| "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".into());
    let (api, _) = server(move || {
        format!(
            "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:{other}/elsewhere\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
    });
    let http = Http::new(HttpOptions::default()).unwrap();
    let url = format!("http://127.0.0.1:{api}/v1/x");
    for (name, value) in [("x-api-key", "mk_secret"), ("authorization", "Bearer sk")] {
        let resp = http
            .send(Retry::Idempotent, |c| c.get(&url).header(name, value))
            .unwrap();
        assert_eq!(resp.status().as_u16(), 302, "{name} followed a redirect");
    }
    assert_eq!(other_hits.load(std::sync::atomic::Ordering::SeqCst), 0);
    // Without a key (a CDN download) the redirect is followed.
    let resp = http.send(Retry::Idempotent, |c| c.get(&url)).unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(other_hits.load(std::sync::atomic::Ordering::SeqCst), 1);
}

#[test]
fn redaction_hides_query_and_userinfo() {
    let url = reqwest::Url::parse("https://u:p@oss.example/x?Signature=abc").unwrap();
    let shown = redact_url(&url);
    assert!(!shown.contains("abc") && !shown.contains("u:p"), "{shown}");
}

/// Answers the n-th connection (0-based) with `answer(n)`, or closes it
/// without an answer when that is `None`.
fn scripted(
    answer: impl Fn(usize) -> Option<String> + Send + 'static,
) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "http://{}/api/v4/extract/task",
        listener.local_addr().unwrap()
    );
    let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = hits.clone();
    std::thread::spawn(move || {
        for mut conn in listener.incoming().flatten() {
            let n = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let mut buf = [0u8; 4096];
            let _ = conn.read(&mut buf);
            if let Some(text) = answer(n) {
                let _ = conn.write_all(text.as_bytes());
            }
        }
    });
    (url, hits)
}

fn reply(status: &str, body: &str) -> Option<String> {
    Some(format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    ))
}

fn quick() -> Http {
    Http::new(HttpOptions {
        retry_base: Duration::from_millis(2),
        ..HttpOptions::default()
    })
    .unwrap()
}

fn hits(h: &std::sync::atomic::AtomicUsize) -> usize {
    h.load(std::sync::atomic::Ordering::SeqCst)
}

#[test]
fn a_creation_refused_with_500_or_503_is_sent_again() {
    let (url, count) = scripted(|n| match n {
        0 => reply("500 Internal Server Error", "{}"),
        1 => reply("503 Service Unavailable", "{}"),
        _ => reply("200 OK", r#"{"code":0}"#),
    });
    let resp = quick().send(Retry::Create, |c| c.post(&url)).unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(hits(&count), 3);
}

#[test]
fn a_lost_creation_answer_is_not_sent_again() {
    for lost in [
        reply("502 Bad Gateway", ""),
        reply("504 Gateway Timeout", ""),
        None,
    ] {
        let (url, count) = scripted(move |_| lost.clone());
        let err = quick().send(Retry::Create, |c| c.post(&url)).unwrap_err();
        assert!(err.downcast_ref::<AnswerLost>().is_some(), "{err:#}");
        assert_eq!(hits(&count), 1);
    }
}

#[test]
fn a_busy_code_is_retried_and_anything_else_is_handed_back_whole() {
    fn busy(_: u16, body: &[u8]) -> bool {
        body.windows(6).any(|w| w == b"-10001")
    }
    let (url, count) = scripted(|n| match n {
        0 | 1 => reply("200 OK", r#"{"code":-10001,"msg":"busy"}"#),
        _ => reply("200 OK", r#"{"code":0,"data":{"task_id":"t1"}}"#),
    });
    let resp = quick()
        .send_busy(Retry::Create, busy, |c| c.post(&url))
        .unwrap();
    assert_eq!(hits(&count), 3);
    assert_eq!(
        resp.text().unwrap(),
        r#"{"code":0,"data":{"task_id":"t1"}}"#
    );
    // Still busy after the last attempt: the answer goes to the caller to
    // classify.
    let (url, count) = scripted(|_| reply("200 OK", r#"{"code":-10001}"#));
    let resp = quick()
        .send_busy(Retry::Create, busy, |c| c.post(&url))
        .unwrap();
    assert_eq!(hits(&count), 4);
    assert_eq!(resp.text().unwrap(), r#"{"code":-10001}"#);
}

/// A billed synchronous call is sent again only when the service refused
/// it (429, 500, 503), never after a lost answer: the work may be done
/// and billed.
#[test]
fn a_billed_call_is_retried_only_when_refused() {
    let (url, count) = scripted(|n| match n {
        0 => reply("429 Too Many Requests", ""),
        1 => reply("503 Service Unavailable", ""),
        2 => reply("500 Internal Server Error", ""),
        _ => reply("200 OK", "done"),
    });
    let resp = quick().send(Retry::Sync, |c| c.post(&url)).unwrap();
    assert_eq!(resp.text().unwrap(), "done");
    assert_eq!(hits(&count), 4);
    for lost in [
        reply("502 Bad Gateway", ""),
        reply("504 Gateway Timeout", ""),
        None,
    ] {
        let (url, count) = scripted(move |_| lost.clone());
        let err = quick().send(Retry::Sync, |c| c.post(&url)).unwrap_err();
        assert!(err.downcast_ref::<AnswerLost>().is_some(), "{err:#}");
        assert_eq!(hits(&count), 1, "{err:#}");
    }
}

/// A pooled connection the server closes as the next billed call arrives
/// on it (an idle timeout, a proxy): the request was sent, the answer is
/// lost, and it is not sent again; a call on a fresh connection then works.
#[test]
fn a_billed_call_on_a_pooled_connection_closed_under_it_is_not_sent_again() {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1/ocr", listener.local_addr().unwrap());
    let connections = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let requests = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (counter, seen) = (connections.clone(), requests.clone());
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            let n = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let seen = seen.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(conn.try_clone().unwrap());
                let mut out = conn;
                let mut on_this = 0;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    if line != "\r\n" {
                        continue;
                    }
                    on_this += 1;
                    seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    if n == 0 && on_this == 2 {
                        // The pooled connection, closed under the request.
                        return;
                    }
                    let body = format!("answer {on_this} on connection {n}");
                    let _ = write!(
                        out,
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
                        body.len()
                    );
                }
            });
        }
    });
    let http = quick();
    let first = http.send(Retry::Sync, |c| c.get(&url)).unwrap();
    assert_eq!(first.text().unwrap(), "answer 1 on connection 0");
    let err = http.send(Retry::Sync, |c| c.get(&url)).unwrap_err();
    assert!(err.downcast_ref::<AnswerLost>().is_some(), "{err:#}");
    assert_eq!(hits(&requests), 2, "the lost call was sent again");
    let third = http.send(Retry::Sync, |c| c.get(&url)).unwrap();
    assert_eq!(third.text().unwrap(), "answer 1 on connection 1");
    // A read on a connection closed the same way is simply sent again.
    let (url, count) = scripted(|n| match n {
        0 => None,
        _ => reply("200 OK", "read"),
    });
    let resp = quick().send(Retry::Idempotent, |c| c.get(&url)).unwrap();
    assert_eq!(resp.text().unwrap(), "read");
    assert_eq!(hits(&count), 2);
}

/// A creation whose streamed body never fully left (the server dropped the
/// connection mid-upload) cannot have made a task: it is sent again.
#[test]
fn a_creation_whose_body_was_not_all_sent_is_sent_again() {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/task/pic/ocr", listener.local_addr().unwrap());
    let connections = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = connections.clone();
    const SIZE: usize = 8 * 1024 * 1024;
    std::thread::spawn(move || {
        for mut conn in listener.incoming().flatten() {
            let n = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            std::thread::spawn(move || {
                let mut buf = vec![0u8; 64 * 1024];
                if n == 0 {
                    // A little of the upload, then gone.
                    let _ = conn.read(&mut buf);
                    let _ = conn.shutdown(std::net::Shutdown::Both);
                    return;
                }
                let mut got = 0;
                let mut head_end = None;
                let mut seen = Vec::new();
                while head_end.is_none_or(|h| got < h + SIZE) {
                    let k = conn.read(&mut buf).unwrap_or(0);
                    if k == 0 {
                        return;
                    }
                    seen.extend_from_slice(&buf[..k.min(4096)]);
                    got += k;
                    if head_end.is_none() {
                        head_end = seen
                            .windows(4)
                            .position(|w| w == b"\r\n\r\n")
                            .map(|p| p + 4);
                    }
                }
                let _ = conn.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Length: 7\r\nConnection: close\r\n\r\ncreated",
                );
            });
        }
    });
    let resp = quick()
        .send(Retry::Create, |c| {
            let body =
                reqwest::blocking::Body::sized(std::io::repeat(7).take(SIZE as u64), SIZE as u64);
            c.post(&url).body(body)
        })
        .unwrap();
    assert_eq!(resp.text().unwrap(), "created");
    assert_eq!(hits(&connections), 2);
}

#[test]
fn a_creation_with_a_streamed_body_to_a_closed_port_is_a_connection_failure() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}/task/pic/ocr");
    let err = quick()
        .send(Retry::Create, |c| {
            use std::io::Read;
            let body = reqwest::blocking::Body::sized(std::io::repeat(7).take(1000), 1000);
            c.post(&url).body(body)
        })
        .unwrap_err();
    assert!(err.downcast_ref::<AnswerLost>().is_none(), "{err:#}");
    assert!(
        format!("{err:#}").contains("failed after 4 attempt(s)"),
        "{err:#}"
    );
}

#[test]
fn past_the_deadline_requests_stop_but_cleanups_still_run() {
    let (url, count) = scripted(|_| reply("200 OK", "ok"));
    let http = Http::new(HttpOptions {
        retry_base: Duration::from_millis(2),
        deadline: Some(Instant::now()),
        ..HttpOptions::default()
    })
    .unwrap();
    let err = http.send(Retry::Idempotent, |c| c.get(&url)).unwrap_err();
    let kind = err
        .downcast_ref::<crate::error::Error>()
        .map(|e| e.kind.clone());
    assert_eq!(kind, Some(crate::error::Kind::Timeout), "{err:#}");
    assert_eq!(hits(&count), 0);
    let resp = http.send(Retry::Idempotent, |c| c.delete(&url)).unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(hits(&count), 1);
}

#[test]
fn a_synchronous_call_that_timed_out_is_not_sent_again() {
    let (url, count) = scripted(|_| {
        std::thread::sleep(Duration::from_millis(600));
        reply("200 OK", "late")
    });
    let http = Http::new(HttpOptions {
        timeout: Duration::from_millis(200),
        retry_base: Duration::from_millis(2),
        ..HttpOptions::default()
    })
    .unwrap();
    let err = http.send(Retry::Sync, |c| c.post(&url)).unwrap_err();
    assert_eq!(hits(&count), 1, "{err:#}");
    assert!(err.downcast_ref::<AnswerLost>().is_some(), "{err:#}");
    let hint = err
        .downcast_ref::<crate::error::Error>()
        .and_then(|e| e.hint.clone())
        .unwrap_or_default();
    assert!(hint.contains("read_timeout"), "{hint}");
}

#[test]
fn workers_that_start_together_build_one_client() {
    // A batch's results reach the download workers at once: each asks for
    // the transfer client before any is stored.
    let cell = OnceCell::new();
    let built = std::sync::atomic::AtomicUsize::new(0);
    let start = std::sync::Barrier::new(8);
    std::thread::scope(|s| {
        for _ in 0..8 {
            s.spawn(|| {
                start.wait();
                lazy(&cell, || {
                    built.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    // Building one reads the trust store: a few ms.
                    std::thread::sleep(Duration::from_millis(20));
                    Client::builder()
                })
                .unwrap();
            });
        }
    });
    assert_eq!(built.load(std::sync::atomic::Ordering::SeqCst), 1);
}

#[test]
fn the_clients_share_one_reading_of_the_trusted_roots() {
    let http = Http::new(HttpOptions::default()).unwrap();
    http.api().unwrap();
    http.keyed().unwrap();
    http.transfer().unwrap();
    // Another `Http` of the same process (tests run side by side) shares it too.
    let other = Http::new(HttpOptions::default()).unwrap();
    other.transfer().unwrap();
    assert_eq!(ROOT_READS.load(std::sync::atomic::Ordering::Relaxed), 1);
}
