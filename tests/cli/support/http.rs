//! A small threaded HTTP/1.1 harness on std sockets, shared by every fake server.
//!
//! Each listener binds `127.0.0.1:0` (the OS picks a free port, so parallel tests never
//! collide), records every request in one shared log before handling it (so tests can
//! assert on what the client really sent, even when the handler rejects it), and writes
//! replies with an explicit Content-Length, as real CDNs and APIs do.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

pub use super::faults::{Fault, Faults};

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
    /// Sent on a connection that had carried an earlier request: a pooled
    /// connection the client reused (only where the fake keeps connections).
    pub reused: bool,
    /// When the request (its body read) arrived.
    pub at: std::time::Instant,
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
    /// The handler acted (stored a file, created a job), then the connection
    /// closes without an answer: the client cannot know that it did.
    pub fn lost() -> Reply {
        Reply::new(0, "text/plain", Vec::new())
    }

    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
            file: None,
        }
    }

    /// A body streamed from a file.
    pub fn file(status: u16, content_type: &str, path: &std::path::Path) -> Reply {
        Reply {
            file: Some(path.to_path_buf()),
            ..Reply::new(status, content_type, Vec::new())
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
    listener: TcpListener,
    port: u16,
}

impl Bound {
    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Starts answering requests with `handler`. `workers` is kept for the fakes'
    /// sake; each connection gets its own thread, so a stalled answer never holds up
    /// another client.
    pub fn serve(self, kind: Server, workers: usize, log: Log, handler: Handler) -> Listener {
        self.serve_faulty(kind, workers, log, handler, None)
    }

    /// [`Bound::serve`] with faults injected by `faults` (see [`Faults`]).
    pub fn serve_faulty(
        self,
        kind: Server,
        _workers: usize,
        log: Log,
        handler: Handler,
        faults: Option<Arc<Faults>>,
    ) -> Listener {
        let stop = Arc::new(AtomicBool::new(false));
        self.listener
            .set_nonblocking(true)
            .expect("non-blocking accept");
        let (listener, stop2) = (self.listener, stop.clone());
        let thread = std::thread::Builder::new()
            .name(format!("fake-{kind:?}").to_lowercase())
            .spawn(move || {
                while !stop2.load(Ordering::SeqCst) {
                    match listener.accept() {
                        Ok((conn, _)) => {
                            let (log, handler, faults) =
                                (log.clone(), handler.clone(), faults.clone());
                            let _ = std::thread::Builder::new()
                                .name(format!("fake-{kind:?}-conn").to_lowercase())
                                .spawn(move || {
                                    serve_one(conn, kind, &log, &*handler, faults.as_deref())
                                });
                        }
                        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                            std::thread::sleep(POLL)
                        }
                        // Accept errors are transient (a client hung up); keep serving.
                        Err(_) => std::thread::sleep(POLL),
                    }
                }
            })
            .expect("spawn fake server thread");
        Listener {
            stop,
            thread: Some(thread),
        }
    }
}

pub fn bind() -> Bound {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let port = listener.local_addr().expect("bound address").port();
    Bound { listener, port }
}

/// The accepting thread; dropping it stops accepting and closes the socket.
/// Connections already accepted finish on their own threads.
pub struct Listener {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// How often the accepting thread looks for a connection or the stop flag.
const POLL: Duration = Duration::from_millis(2);

/// The longest a connection may take to send its request: a client that stops
/// sending must not keep a thread forever.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Serves the requests on `conn`: one, then closes it, unless the fake's
/// [`Faults`] keep connections alive.
///
/// Why one request a connection by default, with `Connection: close`: it frees
/// the thread at once, keeps an in-process client from reusing a connection to
/// a fake already dropped, and lets a fault close a connection for real (a
/// dropped connection, a truncated body). The fault suite keeps connections
/// alive ([`Faults::keeping_alive`]) so the client reuses pooled connections,
/// creating and billed calls included; a fault that closes the connection
/// still closes it. Only the API host does (see below).
fn serve_one(
    conn: TcpStream,
    kind: Server,
    log: &Log,
    handler: &(dyn Fn(&Recorded) -> Reply + Send + Sync),
    faults: Option<&Faults>,
) {
    let _ = conn.set_nonblocking(false);
    let _ = conn.set_read_timeout(Some(REQUEST_TIMEOUT));
    let mut reader = BufReader::new(match conn.try_clone() {
        Ok(c) => c,
        Err(_) => return,
    });
    let mut out = conn;
    let pace = faults.and_then(Faults::throttle);
    // A paced body is read through a buffer of its own, which may swallow
    // the start of the next request: throttled fakes close each connection.
    // Only the API host keeps connections: creating and billed calls are
    // sent there, and downloads keep their one-connection-each faults.
    let keep_alive =
        faults.is_some_and(Faults::keeps_alive) && pace.is_none() && kind == Server::Api;
    let mut served = 0;
    loop {
        let mut recorded = match read_request(&mut reader, kind, pace) {
            Ok(r) => r,
            Err(RequestError::Closed) => return,
            Err(RequestError::Bad(why)) => {
                let _ = write_reply(
                    &mut out,
                    &Reply::new(400, "text/plain", why),
                    false,
                    None,
                    false,
                );
                let _ = out.shutdown(Shutdown::Both);
                return;
            }
        };
        recorded.reused = served > 0;
        served += 1;
        let keep = keep_alive
            && !recorded
                .header("connection")
                .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        if !serve_request(&mut out, &recorded, kind, log, handler, faults, pace, keep) {
            let _ = out.shutdown(Shutdown::Both);
            return;
        }
    }
}

/// Answers one request; whether the connection may serve another.
#[allow(clippy::too_many_arguments)]
fn serve_request(
    out: &mut TcpStream,
    recorded: &Recorded,
    kind: Server,
    log: &Log,
    handler: &(dyn Fn(&Recorded) -> Reply + Send + Sync),
    faults: Option<&Faults>,
    pace: Option<u64>,
    keep: bool,
) -> bool {
    lock(log).push(recorded.clone());
    let head_only = recorded.method == "HEAD";
    let fault = faults.and_then(|f| f.decide(recorded));
    let reply = match &fault {
        Some(Fault::Status(status, retry_after)) => {
            let reply = Reply::new(*status, "application/json", r#"{"error":"injected fault"}"#);
            match retry_after {
                Some(secs) => reply.with_header("Retry-After", &secs.to_string()),
                None => reply,
            }
        }
        Some(Fault::Drop) => {
            // Closed without a word: the client cannot know what happened.
            return false;
        }
        Some(Fault::ActThenLose(status)) => {
            // The service does the work (and bills it); its answer never
            // reaches the client: a gateway's error, or nothing at all.
            let _ = answer(handler, recorded);
            match status {
                Some(status) => Reply::new(*status, "text/html", "<html>gateway error</html>"),
                None => return false,
            }
        }
        Some(Fault::Stall(wait)) => {
            std::thread::sleep(*wait);
            answer(handler, recorded)
        }
        Some(Fault::StallMidBody(_)) => answer(handler, recorded),
        Some(Fault::Busy(body)) => Reply::new(200, "application/json", *body),
        Some(Fault::Corrupt) => {
            let mut reply = answer(handler, recorded);
            // Only a zip can be checked by the client (it has a directory to
            // read); other results carry no checksum to catch this with.
            if reply.body.starts_with(b"PK\x03\x04") {
                let from = reply.body.len().saturating_sub(64);
                reply.body[from..].fill(0);
            }
            reply
        }
        Some(Fault::Truncate) | None => answer(handler, recorded),
    };
    if reply.status == 0 {
        // Reply::lost: acted, then closed without a word.
        return false;
    }
    let encoding = faults.and_then(Faults::download_encoding);
    let reply = match encoding {
        Some(enc) if kind == Server::Cdn && recorded.method == "GET" && reply.status == 200 => {
            compress(reply, enc)
        }
        _ => reply,
    };
    let cut = match fault {
        Some(Fault::Truncate) | Some(Fault::StallMidBody(_)) => Some(reply.body.len() / 2),
        _ => None,
    };
    let keep = keep && cut.is_none();
    // The client may have gone away; nothing useful to do about it here.
    let sent = match pace.filter(|_| kind == Server::Cdn && recorded.method == "GET") {
        Some(rate) => write_reply(
            &mut Paced::new(&mut *out, rate),
            &reply,
            head_only,
            cut,
            keep,
        ),
        None => write_reply(out, &reply, head_only, cut, keep),
    };
    if let Some(Fault::StallMidBody(wait)) = fault {
        // Silent with the connection open: only the client's no-progress
        // timeout ends this.
        std::thread::sleep(wait);
    }
    keep && sent.is_ok()
}

/// The reply's body compressed with `encoding`, labelled with it.
fn compress(mut reply: Reply, encoding: &str) -> Reply {
    let body = match reply.file.take() {
        Some(path) => std::fs::read(path).unwrap_or_default(),
        None => std::mem::take(&mut reply.body),
    };
    let packed = match encoding {
        "gzip" => {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            let _ = enc.write_all(&body);
            enc.finish().unwrap_or_default()
        }
        "deflate" => {
            let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
            let _ = enc.write_all(&body);
            enc.finish().unwrap_or_default()
        }
        "br" => {
            let mut out = Vec::new();
            {
                let mut enc = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
                let _ = enc.write_all(&body);
            }
            out
        }
        other => panic!("the fake cannot encode {other}"),
    };
    reply.body = packed;
    reply.with_header("Content-Encoding", encoding)
}

fn answer(handler: &(dyn Fn(&Recorded) -> Reply + Send + Sync), rq: &Recorded) -> Reply {
    // A bug in a fake must show up as a 500 in the test, not as a hung client.
    catch_unwind(AssertUnwindSafe(|| handler(rq)))
        .unwrap_or_else(|_| Reply::new(500, "text/plain", "fake server handler panicked"))
}

enum RequestError {
    /// The client closed the connection before a request arrived.
    Closed,
    Bad(String),
}

/// A reader or writer held to `rate` bytes a second (a slow link): each call
/// moves at most a twentieth of a second's worth, then waits for the clock.
struct Paced<T> {
    inner: T,
    rate: u64,
    start: std::time::Instant,
    moved: u64,
}

impl<T> Paced<T> {
    fn new(inner: T, rate: u64) -> Paced<T> {
        Paced {
            inner,
            rate,
            start: std::time::Instant::now(),
            moved: 0,
        }
    }

    fn chunk(&self, want: usize) -> usize {
        want.min((self.rate / 20).max(1) as usize)
    }

    fn after(&mut self, n: usize) {
        self.moved += n as u64;
        let due = Duration::from_secs_f64(self.moved as f64 / self.rate as f64);
        if let Some(wait) = due.checked_sub(self.start.elapsed()) {
            std::thread::sleep(wait);
        }
    }
}

impl<R: Read> Read for Paced<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let want = self.chunk(buf.len());
        let n = self.inner.read(&mut buf[..want])?;
        self.after(n);
        Ok(n)
    }
}

impl<W: Write> Write for Paced<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let want = self.chunk(buf.len());
        let n = self.inner.write(&buf[..want])?;
        self.after(n);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn read_request(
    reader: &mut impl BufRead,
    kind: Server,
    pace: Option<u64>,
) -> Result<Recorded, RequestError> {
    let bad = |why: &str| RequestError::Bad(why.to_string());
    let mut line = String::new();
    match reader.read_line(&mut line) {
        Ok(0) | Err(_) => return Err(RequestError::Closed),
        Ok(_) => {}
    }
    let mut parts = line.trim_end().split(' ');
    let (Some(method), Some(path), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(bad("malformed request line"));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(bad("only HTTP/1.x is served"));
    }
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        match reader.read_line(&mut h) {
            Ok(0) | Err(_) => return Err(bad("headers cut off")),
            Ok(_) => {}
        }
        let h = h.trim_end_matches(['\r', '\n']);
        if h.is_empty() {
            break;
        }
        let (name, value) = h.split_once(':').ok_or_else(|| bad("malformed header"))?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
    let find = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let mut paced;
    let mut plain;
    let reader: &mut dyn BufRead = match pace {
        Some(rate) => {
            paced = std::io::BufReader::with_capacity(8 * 1024, Paced::new(reader, rate));
            &mut paced
        }
        None => {
            plain = reader;
            &mut plain
        }
    };
    let body = if find("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        read_chunked(reader).map_err(|e| bad(&format!("unreadable chunked body: {e}")))?
    } else {
        let len: usize = match find("content-length") {
            Some(v) => v.parse().map_err(|_| bad("bad Content-Length"))?,
            None => 0,
        };
        if len as u64 > KEEP_BODIES_UP_TO.load(Ordering::SeqCst) {
            summarize_body(reader, len as u64).map_err(|e| bad(&format!("unreadable body: {e}")))?
        } else {
            let mut body = vec![0u8; len];
            reader
                .read_exact(&mut body)
                .map_err(|e| bad(&format!("unreadable body: {e}")))?;
            body
        }
    };
    Ok(Recorded {
        server: kind,
        method: method.to_uppercase(),
        path: path.to_string(),
        headers,
        body,
        reused: false,
        at: std::time::Instant::now(),
    })
}

fn read_chunked(reader: &mut (impl BufRead + ?Sized)) -> std::io::Result<Vec<u8>> {
    let invalid = |why: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, why.to_string());
    let mut body = Vec::new();
    loop {
        let mut size = String::new();
        reader.read_line(&mut size)?;
        let size = size.trim().split(';').next().unwrap_or("");
        let n = usize::from_str_radix(size, 16).map_err(|_| invalid("bad chunk size"))?;
        if n == 0 {
            // Trailers, then the empty line.
            loop {
                let mut t = String::new();
                if reader.read_line(&mut t)? == 0 || t.trim().is_empty() {
                    return Ok(body);
                }
            }
        }
        let start = body.len();
        body.resize(start + n, 0);
        reader.read_exact(&mut body[start..])?;
        let mut crlf = [0u8; 2];
        reader.read_exact(&mut crlf)?;
    }
}

/// Request bodies above this many bytes are not kept: the log and the handler see
/// `<n> bytes, sha256 <hex>` instead (the benchmark's 190 MiB upload). Unlimited
/// unless [`keep_bodies_up_to`] lowers it.
static KEEP_BODIES_UP_TO: AtomicU64 = AtomicU64::new(u64::MAX);

pub fn keep_bodies_up_to(limit: u64) {
    KEEP_BODIES_UP_TO.store(limit, Ordering::SeqCst);
}

/// Reads `len` bytes of a body without keeping them: their count and SHA-256.
fn summarize_body(reader: &mut (impl Read + ?Sized), len: u64) -> std::io::Result<Vec<u8>> {
    use sha2::Digest;
    let mut hasher = sha2::Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut left = len;
    while left > 0 {
        let want = left.min(buf.len() as u64) as usize;
        let n = reader.read(&mut buf[..want])?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        hasher.update(&buf[..n]);
        left -= n as u64;
    }
    let hex: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(format!("{len} bytes, sha256 {hex}").into_bytes())
}

/// Writes the answer with an explicit Content-Length and `Connection: close`.
/// `cut` sends only that many bytes of the body (a truncated download); the caller
/// then closes the connection.
fn write_reply(
    out: &mut dyn Write,
    reply: &Reply,
    head_only: bool,
    cut: Option<usize>,
    keep_alive: bool,
) -> std::io::Result<()> {
    let reason = reason_phrase(reply.status);
    let connection = if keep_alive { "keep-alive" } else { "close" };
    let mut file = reply.file.as_deref().map(std::fs::File::open).transpose()?;
    let length = match &file {
        Some(f) => f.metadata()?.len(),
        None => reply.body.len() as u64,
    };
    let mut head = format!(
        "HTTP/1.1 {} {reason}\r\nServer: docpipe-fake\r\nContent-Length: {length}\r\nConnection: {connection}\r\n",
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
        let end = cut.map_or(length, |c| (c as u64).min(length));
        match file.as_mut() {
            Some(f) => {
                std::io::copy(&mut f.take(end), out)?;
            }
            None => out.write_all(&reply.body[..end as usize])?,
        }
    }
    out.flush()
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unknown",
    }
}
