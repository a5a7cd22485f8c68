//! A small threaded HTTP harness on tiny_http, shared by every fake server.
//!
//! Each listener binds `127.0.0.1:0` (the OS picks a free port, so parallel tests never
//! collide), records every request in one shared log before handling it (so tests can
//! assert on what the client really sent, even when the handler rejects it), and writes
//! replies with an explicit Content-Length, as real CDNs and APIs do.

use std::io::Write;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

/// Which of a fake's listeners received a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Server {
    /// The provider's own API host: the only one allowed to see the key.
    Api,
    /// The object store behind signed upload URLs.
    Oss,
    /// The host serving result downloads.
    Cdn,
}

/// One request exactly as a fake received it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub server: Server,
    pub method: String,
    /// Path including the query string, as sent on the request line.
    pub path: String,
    /// Header names lowercased; values as sent, in order, duplicates kept.
    pub headers: Vec<(String, String)>,
    /// The body after transfer decoding (chunked bodies arrive de-chunked).
    pub body: Vec<u8>,
}

impl Recorded {
    /// First value of a header; `name` is matched case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether the header was sent at all, even with an empty value.
    pub fn has_header(&self, name: &str) -> bool {
        self.header(name).is_some()
    }

    /// The path without the query string.
    pub fn path_only(&self) -> &str {
        self.path.split_once('?').map_or(&self.path, |(p, _)| p)
    }

    /// The raw (still percent-encoded) query string, empty when there is none.
    pub fn query(&self) -> &str {
        self.path.split_once('?').map_or("", |(_, q)| q)
    }

    /// Whether `needle` appears in the request line or in any header value.
    pub fn mentions(&self, needle: &str) -> bool {
        self.path.contains(needle) || self.headers.iter().any(|(_, v)| v.contains(needle))
    }

    /// The body as JSON, if it parses.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// What a handler answers.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// A body streamed from this file instead of `body`: results too large to hold
    /// in memory (the benchmark's 1 GiB zip).
    pub file: Option<std::path::PathBuf>,
}

impl Reply {
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
            file: None,
        }
    }

    pub fn json(status: u16, value: &serde_json::Value) -> Reply {
        Reply::new(status, "application/json", value.to_string())
    }

    pub fn empty(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            file: None,
        }
    }

    /// An answer whose body is streamed from `path` when it is written.
    pub fn file(status: u16, content_type: &str, path: &std::path::Path) -> Reply {
        Reply {
            file: Some(path.to_path_buf()),
            ..Reply::new(status, content_type, Vec::new())
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// The request log shared by all listeners of one fake, in arrival order.
pub type Log = Arc<Mutex<Vec<Recorded>>>;

pub type Handler = Arc<dyn Fn(&Recorded) -> Reply + Send + Sync>;

/// Locks a mutex, ignoring poisoning: a panicking handler must not take the whole fake
/// (and every later assertion) down with it.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A socket bound but not yet served: binding first lets a fake learn all its ports
/// (to build URLs pointing at its other hosts) before any handler runs.
pub struct Bound {
    server: tiny_http::Server,
    port: u16,
}

impl Bound {
    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Starts `workers` threads answering requests with `handler`.
    pub fn serve(self, kind: Server, workers: usize, log: Log, handler: Handler) -> Listener {
        let server = Arc::new(self.server);
        let stop = Arc::new(AtomicBool::new(false));
        let threads = (0..workers.max(1))
            .map(|i| {
                let (server, stop, log, handler) =
                    (server.clone(), stop.clone(), log.clone(), handler.clone());
                std::thread::Builder::new()
                    .name(format!("fake-{kind:?}-{i}").to_lowercase())
                    .spawn(move || worker(&server, &stop, kind, &log, &*handler))
                    .expect("spawn fake server thread")
            })
            .collect();
        Listener { stop, threads }
    }
}

pub fn bind() -> Bound {
    let server = tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let port = server
        .server_addr()
        .to_ip()
        .expect("TCP listener has an IP address")
        .port();
    Bound { server, port }
}

/// Running worker threads; dropping it stops them and closes the socket.
pub struct Listener {
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

/// How often idle workers look at the stop flag; bounds the time a fake takes to drop.
const POLL: Duration = Duration::from_millis(50);

fn worker(
    server: &tiny_http::Server,
    stop: &AtomicBool,
    kind: Server,
    log: &Log,
    handler: &(dyn Fn(&Recorded) -> Reply + Send + Sync),
) {
    while !stop.load(Ordering::SeqCst) {
        match server.recv_timeout(POLL) {
            Ok(Some(rq)) => serve_one(rq, kind, log, handler),
            Ok(None) => {}
            // Accept errors are transient (a client hung up); keep serving.
            Err(_) => std::thread::sleep(POLL),
        }
    }
}

/// Request bodies above this many bytes are not kept: the log and the handler see
/// `<n> bytes, sha256 <hex>` instead (the benchmark's 190 MiB upload). Unlimited
/// unless [`keep_bodies_up_to`] lowers it.
static KEEP_BODIES_UP_TO: AtomicU64 = AtomicU64::new(u64::MAX);

pub fn keep_bodies_up_to(limit: u64) {
    KEEP_BODIES_UP_TO.store(limit, Ordering::SeqCst);
}

fn read_body(rq: &mut tiny_http::Request) -> std::io::Result<Vec<u8>> {
    let limit = KEEP_BODIES_UP_TO.load(Ordering::SeqCst);
    let mut body = Vec::new();
    if rq.body_length().is_none_or(|n| n as u64 <= limit) {
        rq.as_reader().read_to_end(&mut body)?;
        return Ok(body);
    }
    use sha2::Digest;
    let (mut hasher, mut buf, mut total) = (sha2::Sha256::new(), vec![0u8; 256 * 1024], 0u64);
    loop {
        let n = rq.as_reader().read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        total += n as u64;
    }
    let hex: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(format!("{total} bytes, sha256 {hex}").into_bytes())
}

fn serve_one(
    mut rq: tiny_http::Request,
    kind: Server,
    log: &Log,
    handler: &(dyn Fn(&Recorded) -> Reply + Send + Sync),
) {
    let reply = match read_body(&mut rq) {
        Err(e) => Reply::new(400, "text/plain", format!("unreadable body: {e}")),
        Ok(body) => {
            let recorded = Recorded {
                server: kind,
                method: rq.method().as_str().to_uppercase(),
                path: rq.url().to_string(),
                headers: rq
                    .headers()
                    .iter()
                    .map(|h| {
                        (
                            h.field.as_str().as_str().to_ascii_lowercase(),
                            h.value.as_str().to_string(),
                        )
                    })
                    .collect(),
                body,
            };
            lock(log).push(recorded.clone());
            // A bug in a fake must show up as a 500 in the test, not as a hung client.
            catch_unwind(AssertUnwindSafe(|| handler(&recorded)))
                .unwrap_or_else(|_| Reply::new(500, "text/plain", "fake server handler panicked"))
        }
    };
    let head_only = *rq.method() == tiny_http::Method::Head;
    // The client may have gone away; nothing useful to do about it here.
    let _ = write_reply(&mut rq.into_writer(), &reply, head_only);
}

/// Writes the answer by hand, with `Connection: close` (which tiny_http's `respond`
/// refuses to send).
///
/// Why: tiny_http 0.12 serves each connection on a thread of a pool that can lose a
/// wake-up when several connections open at once; a queued connection then waits until
/// a pool thread is free, and with keep-alive a thread stays taken for as long as the
/// client keeps its idle connection (reqwest: 90 s). Parallel polling clients hung that
/// way. Closing after each answer frees the thread right away. It also keeps an
/// in-process client from reusing a connection to a fake already dropped.
fn write_reply(out: &mut dyn Write, reply: &Reply, head_only: bool) -> std::io::Result<()> {
    let reason = tiny_http::StatusCode(reply.status).default_reason_phrase();
    let mut file = reply.file.as_deref().map(std::fs::File::open).transpose()?;
    let length = match &file {
        Some(f) => f.metadata()?.len(),
        None => reply.body.len() as u64,
    };
    let mut head = format!(
        "HTTP/1.1 {} {reason}\r\nServer: docpipe-fake\r\nContent-Length: {length}\r\nConnection: close\r\n",
        reply.status,
    );
    for (name, value) in &reply.headers {
        // Values are the fakes' own, but a stray newline must not split the answer.
        if !name.contains(['\r', '\n']) && !value.contains(['\r', '\n']) {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    head.push_str("\r\n");
    out.write_all(head.as_bytes())?;
    if !head_only {
        match file.as_mut() {
            Some(f) => {
                std::io::copy(f, out)?;
            }
            None => out.write_all(&reply.body)?,
        }
    }
    out.flush()
}
