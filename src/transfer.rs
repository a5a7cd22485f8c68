//! Moving bytes: the signed-URL PUT of local files and result downloads. Both
//! stream (a file is never read whole into memory) and never carry an API key.
//!
//! Both tell a [`Meter`] how their bytes go, at most every [`Meter::EVERY`]:
//! the caller decides what to show (the engine adapts a document's progress
//! line to it), this module shows nothing.

use std::cell::RefCell;
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use reqwest::blocking::Body;

use crate::http::{redact_url, Http, Retry};
use crate::input::Document;

/// Bytes still to be sent to a signed URL after the task was created.
#[derive(Debug, Clone)]
pub struct SignedUpload {
    pub url: String,
    pub path: PathBuf,
    pub size: u64,
}

impl SignedUpload {
    pub fn of(doc: &Document, url: String) -> Option<SignedUpload> {
        Some(SignedUpload {
            url,
            path: doc.path()?.to_path_buf(),
            size: doc.size.unwrap_or(0),
        })
    }
}

/// What watches a transfer's bytes (a progress line). Called from the thread
/// that moves them.
pub trait Watch: Send + Sync {
    /// A transfer starts, or starts again after a retry: `from` bytes are
    /// there already (the part of a resumed download), of `total` when known.
    fn begin(&self, from: u64, total: Option<u64>);
    /// `done` bytes are there, counted like `from`.
    fn bytes(&self, done: u64);
    /// The transfer failed and is tried again; `why` says what happened.
    fn retrying(&self, _why: &str) {}
}

/// A transfer's [`Watch`], or none. Clones share it.
#[derive(Clone, Default)]
pub struct Meter(Option<Arc<dyn Watch>>);

impl Meter {
    /// The most often a transfer reports its bytes (besides its first and its
    /// last count): a display redraws five times a second, and a 190 MB
    /// upload read 64 KiB at a time would otherwise report thousands of times.
    pub const EVERY: Duration = Duration::from_millis(100);

    pub fn new(watch: impl Watch + 'static) -> Meter {
        Meter(Some(Arc::new(watch)))
    }

    /// Nobody watches.
    pub fn none() -> Meter {
        Meter(None)
    }

    /// Runs `f` with this meter watching the files it opens through
    /// [`LazyFile::new`] on this thread: how a provider's multipart upload
    /// (built inside `Provider::submit`) is measured without every provider
    /// taking a meter.
    pub fn scope<R>(&self, f: impl FnOnce() -> R) -> R {
        let before = CURRENT.with(|c| c.replace(self.clone()));
        let result = f();
        CURRENT.with(|c| *c.borrow_mut() = before);
        result
    }

    fn current() -> Meter {
        CURRENT.with(|c| c.borrow().clone())
    }

    /// The transfer is tried again, for `why`.
    fn retrying(&self, why: &str) {
        if let Some(w) = &self.0 {
            w.retrying(why);
        }
    }

    /// A transfer starts: its counter.
    fn start(&self, from: u64, total: Option<u64>) -> Counter {
        if let Some(w) = &self.0 {
            w.begin(from, total);
        }
        Counter {
            meter: self.clone(),
            done: from,
            total,
            last: Instant::now(),
            reported: from,
        }
    }
}

thread_local! {
    /// The meter of [`Meter::scope`] on this thread.
    static CURRENT: RefCell<Meter> = RefCell::new(Meter::none());
}

/// Counts one transfer's bytes into its meter, at most every [`Meter::EVERY`]
/// (and at once when the total is reached or the transfer ends).
struct Counter {
    meter: Meter,
    done: u64,
    total: Option<u64>,
    /// When the count was last reported (or the transfer began).
    last: Instant,
    reported: u64,
}

impl Counter {
    fn add(&mut self, n: usize, now: Instant) {
        self.done += n as u64;
        let due = now.saturating_duration_since(self.last) >= Meter::EVERY;
        if due || self.total.is_some_and(|t| self.done >= t) {
            self.report(now);
        }
    }

    /// The last count, if not reported yet.
    fn finish(&mut self) {
        self.report(Instant::now());
    }

    fn report(&mut self, now: Instant) {
        if self.reported != self.done {
            if let Some(w) = &self.meter.0 {
                w.bytes(self.done);
            }
            self.reported = self.done;
        }
        self.last = now;
    }
}

/// A file opened on first read, so each retry of a request streams it afresh
/// (and is measured afresh: its meter begins again at 0).
pub struct LazyFile {
    path: PathBuf,
    file: Option<File>,
    meter: Meter,
    counter: Option<Counter>,
}

impl LazyFile {
    /// Measured by the meter of the enclosing [`Meter::scope`], if any.
    pub fn new(path: &Path) -> LazyFile {
        LazyFile::metered(path, Meter::current())
    }

    pub fn metered(path: &Path, meter: Meter) -> LazyFile {
        LazyFile {
            path: path.to_path_buf(),
            file: None,
            meter,
            counter: None,
        }
    }
}

impl Read for LazyFile {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.file.is_none() {
            let file = File::open(&self.path)?;
            let size = file.metadata().ok().map(|m| m.len());
            self.counter = Some(self.meter.start(0, size));
            self.file = Some(file);
        }
        let n = self.file.as_mut().map_or(Ok(0), |f| f.read(buf))?;
        if let Some(c) = self.counter.as_mut() {
            if n == 0 {
                c.finish();
            } else {
                c.add(n, Instant::now());
            }
        }
        Ok(n)
    }
}

/// PUTs the file to a signed URL: explicit Content-Length, no Content-Type and no
/// Authorization (the signature covers an empty Content-Type).
pub fn put_signed(http: &Http, upload: &SignedUpload, meter: &Meter) -> Result<()> {
    let size = std::fs::metadata(&upload.path)
        .with_context(|| format!("cannot read {}", upload.path.display()))?
        .len();
    let shown = reqwest::Url::parse(&upload.url)
        .map(|u| redact_url(&u))
        .unwrap_or_else(|_| "the upload URL".into());
    let resp = http.send(Retry::Idempotent, |c| {
        let body = Body::sized(LazyFile::metered(&upload.path, meter.clone()), size);
        c.put(&upload.url)
            .timeout(http.transfer_timeout(size))
            .body(body)
    })?;
    let status = resp.status();
    if !status.is_success() {
        let text = resp.text().unwrap_or_default();
        let code = xml_code(&text).unwrap_or_default();
        bail!(
            "upload of {} to {shown} was refused: HTTP {}{}",
            upload.path.display(),
            status.as_u16(),
            if code.is_empty() {
                String::new()
            } else {
                format!(" {code}")
            }
        );
    }
    Ok(())
}

/// The `<Code>` of an object-store error answer.
fn xml_code(text: &str) -> Option<String> {
    let start = text.find("<Code>")? + 6;
    let end = text[start..].find("</Code>")? + start;
    Some(text[start..end].to_string())
}

/// Downloads `url` into a new temporary file inside `dir` (so the final rename
/// stays on one file system). No key is sent; `referer` is, when given. A body
/// shorter than its Content-Length is downloaded again.
pub fn download(
    http: &Http,
    url: &str,
    referer: Option<&str>,
    dir: &Path,
    meter: &Meter,
) -> Result<tempfile::NamedTempFile> {
    download_checked(http, url, referer, dir, meter, None, |_| Ok(())).map(|(file, _)| file)
}

/// A document fetched from a URL given as input (`-p local`): the body in a
/// temporary file and the `Content-Type` the server gave, for sniffing.
pub struct Fetched {
    pub file: tempfile::NamedTempFile,
    pub content_type: Option<String>,
}

/// [`download`] of an input document, refused once it passes `max_bytes`
/// (by its Content-Length before reading, else while reading).
pub fn fetch(http: &Http, url: &str, dir: &Path, max_bytes: u64) -> Result<Fetched> {
    download_checked(
        http,
        url,
        None,
        dir,
        &Meter::none(),
        Some(max_bytes),
        |_| Ok(()),
    )
    .map(|(file, content_type)| Fetched { file, content_type })
}

/// [`download`] of a zip: one that does not open and list is downloaded again,
/// like a truncated one (a CDN can serve a damaged copy with a correct length).
pub fn download_zip(
    http: &Http,
    url: &str,
    referer: Option<&str>,
    dir: &Path,
    meter: &Meter,
) -> Result<tempfile::NamedTempFile> {
    download_checked(
        http,
        url,
        referer,
        dir,
        meter,
        None,
        crate::unpack::check_zip,
    )
    .map(|(file, _)| file)
}

fn download_checked(
    http: &Http,
    url: &str,
    referer: Option<&str>,
    dir: &Path,
    meter: &Meter,
    max_bytes: Option<u64>,
    check: impl Fn(&Path) -> Result<()>,
) -> Result<(tempfile::NamedTempFile, Option<String>)> {
    let parsed =
        reqwest::Url::parse(url).with_context(|| format!("the result URL '{url}' is not valid"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        bail!("the result URL {} is not http(s)", redact_url(&parsed));
    }
    let shown = redact_url(&parsed);
    let mut last_err = None;
    let mut partial = None;
    for attempt in 1..=ATTEMPTS {
        if attempt > 1 {
            if let Some(err) = http.past_deadline(&format!("the download of {shown}")) {
                return Err(match last_err {
                    Some(last) => err.context(format!("{last:#}")),
                    None => err,
                });
            }
        }
        match download_once(http, url, referer, dir, meter, partial.take(), max_bytes) {
            Ok((file, content_type)) => match check(file.path()) {
                Ok(()) => return Ok((file, content_type)),
                Err(e) => {
                    last_err = Some(e.context(format!("the download of {shown} is damaged")));
                    again(meter, &last_err, attempt);
                    std::thread::sleep(http.backoff(attempt));
                }
            },
            Err(DownloadError::Truncated(cut)) => {
                last_err = Some(match cut.expected {
                    Some(want) => anyhow::anyhow!(
                        "download of {shown} stopped at {} of {want} bytes{}",
                        cut.got,
                        cut.why
                    ),
                    None => anyhow::anyhow!(
                        "download of {shown} was cut off after {} bytes{}",
                        cut.got,
                        cut.why
                    ),
                });
                // The next try asks for the rest only, when the server allows it.
                partial = cut.resumable();
                again(meter, &last_err, attempt);
                std::thread::sleep(http.backoff(attempt));
            }
            Err(DownloadError::Again(e)) => {
                last_err = Some(e.context(format!("cannot download {shown}")));
                again(meter, &last_err, attempt);
                std::thread::sleep(http.backoff(attempt));
            }
            Err(DownloadError::Other(e)) => {
                return Err(e.context(format!("cannot download {shown}")))
            }
        }
    }
    Err(last_err
        .unwrap_or_else(|| anyhow::anyhow!("cannot download {shown}"))
        .context(format!(
            "tried {ATTEMPTS} times; the task is done at the provider: `docpipe fetch` tries again"
        )))
}

/// Tries of one download (each made of up to `HttpOptions::attempts` requests).
const ATTEMPTS: u32 = 3;

/// Tells the meter a try failed and, when one is left, that another follows.
fn again(meter: &Meter, err: &Option<anyhow::Error>, attempt: u32) {
    if attempt < ATTEMPTS {
        if let Some(e) = err {
            meter.retrying(&format!(
                "{e:#}; trying again ({} of {ATTEMPTS})",
                attempt + 1
            ));
        }
    }
}

enum DownloadError {
    Truncated(Cut),
    /// Start over without what is on disk.
    Again(anyhow::Error),
    Other(anyhow::Error),
}

impl From<anyhow::Error> for DownloadError {
    fn from(e: anyhow::Error) -> Self {
        DownloadError::Other(e)
    }
}

/// A download that stopped early: what arrived, and what a resume needs.
struct Cut {
    file: tempfile::NamedTempFile,
    got: u64,
    expected: Option<u64>,
    /// ` (reason)` for the message, or empty.
    why: String,
    /// The strong `ETag` (or `Last-Modified`) of the object, when the server
    /// said it serves byte ranges of it: a resume asks for the rest only if the
    /// object is still this one (`If-Range`).
    validator: Option<String>,
}

impl Cut {
    fn resumable(self) -> Option<Partial> {
        let validator = self.validator?;
        (self.got > 0).then_some(Partial {
            file: self.file,
            got: self.got,
            validator,
        })
    }
}

/// The start of a download, kept to ask for the rest with `Range`.
struct Partial {
    file: tempfile::NamedTempFile,
    got: u64,
    validator: String,
}

fn download_once(
    http: &Http,
    url: &str,
    referer: Option<&str>,
    dir: &Path,
    meter: &Meter,
    partial: Option<Partial>,
    max_bytes: Option<u64>,
) -> Result<(tempfile::NamedTempFile, Option<String>), DownloadError> {
    let range = partial.as_ref().map(|p| (p.got, p.validator.clone()));
    let mut resp = http.send_transfer(&|why| meter.retrying(why), |c| {
        let mut req = c.get(url);
        if let Some(r) = referer {
            req = req.header(reqwest::header::REFERER, r);
        }
        if let Some((from, validator)) = &range {
            // Ranges count bytes of the stored representation: ask for it
            // unencoded, so the rest continues the bytes already on disk.
            req = req
                .header(reqwest::header::RANGE, format!("bytes={from}-"))
                .header(reqwest::header::IF_RANGE, validator.as_str())
                .header(reqwest::header::ACCEPT_ENCODING, "identity");
        }
        req
    })?;
    let status = resp.status();
    // A 206 continues the part on disk; a 200 (the object changed, or the server
    // ignores ranges) starts over.
    let resumed = match (status.as_u16(), partial) {
        (206, Some(p)) if content_range_start(&resp) == Some(p.got) => Some(p),
        (206, _) => {
            return Err(DownloadError::Again(anyhow::anyhow!(
                "the result host answered a byte range that was not asked for"
            )))
        }
        _ => None,
    };
    if !status.is_success() {
        return Err(DownloadError::Other(anyhow::anyhow!(
            "the result host answered HTTP {}",
            status.as_u16()
        )));
    }
    let too_large = |max: u64| {
        DownloadError::Other(anyhow::anyhow!(
            "the document is larger than the limit of {max} bytes"
        ))
    };
    if let (Some(max), Some(len)) = (max_bytes, resp.content_length()) {
        if len > max {
            return Err(too_large(max));
        }
    }
    let content_type = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    // reqwest decodes gzip, deflate and br itself and then drops Content-Length
    // (it counts encoded bytes): the length check needs a plain body, and a cut
    // encoded one fails in the decoder instead.
    let (mut file, start, expected) = match resumed {
        Some(p) => {
            let total = content_range_total(&resp);
            (p.file, p.got, total)
        }
        None => {
            let file = tempfile::Builder::new()
                .prefix(".docpipe-download-")
                .tempfile_in(dir)
                .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
            crate::interrupt::remove_on_interrupt(file.path());
            (file, 0, resp.content_length())
        }
    };
    let validator = validator(&resp);
    let mut buf = vec![0u8; 256 * 1024];
    let mut got = start;
    // A resumed download counts on from the part on disk; its rate from here.
    let mut counter = meter.start(start, expected);
    let mut cut = None;
    {
        use std::io::Seek;
        let handle = file.as_file_mut();
        handle
            .seek(std::io::SeekFrom::Start(start))
            .context("cannot write the download")?;
        handle.set_len(start).context("cannot write the download")?;
        // Reads return what the socket holds (often 1–16 KiB); buffered, the
        // writes do not follow them one system call each.
        let mut out = std::io::BufWriter::with_capacity(256 * 1024, handle);
        loop {
            let n = match resp.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                // A connection cut or stalled mid-body is a truncation: the
                // rest is asked for again (unless the command's time is up).
                Err(e) => {
                    if let Some(err) = http.past_deadline("the download") {
                        return Err(DownloadError::Other(err));
                    }
                    cut = Some(format!(" ({e})"));
                    break;
                }
            };
            out.write_all(&buf[..n])
                .with_context(|| format!("cannot write to {}", dir.display()))?;
            got += n as u64;
            if max_bytes.is_some_and(|max| got > max) {
                return Err(too_large(max_bytes.unwrap_or_default()));
            }
            counter.add(n, Instant::now());
            if let Some(err) = http.past_deadline("the download") {
                return Err(DownloadError::Other(err));
            }
        }
        out.flush().context("cannot write the download")?;
    }
    counter.finish();
    let short = expected.is_some_and(|want| got != want);
    if cut.is_some() || short {
        return Err(DownloadError::Truncated(Cut {
            file,
            got,
            expected,
            why: cut.unwrap_or_default(),
            validator,
        }));
    }
    Ok((file, content_type))
}

/// What `If-Range` can carry: a strong ETag, else Last-Modified; only when the
/// server serves byte ranges and the body is the stored bytes (not re-encoded).
fn validator(resp: &reqwest::blocking::Response) -> Option<String> {
    let headers = resp.headers();
    let ranges = headers
        .get(reqwest::header::ACCEPT_RANGES)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("bytes"));
    let plain = resp.content_length().is_some() || resp.status().as_u16() == 206;
    if !ranges || !plain {
        return None;
    }
    let get = |name| {
        headers
            .get(name)
            .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
    };
    get(reqwest::header::ETAG)
        .filter(|e| !e.starts_with("W/"))
        .or_else(|| get(reqwest::header::LAST_MODIFIED))
        .map(str::to_string)
}

/// `Content-Range: bytes <start>-<end>/<total>`.
fn content_range(resp: &reqwest::blocking::Response) -> Option<(u64, Option<u64>)> {
    let v = resp
        .headers()
        .get(reqwest::header::CONTENT_RANGE)?
        .to_str()
        .ok()?;
    let rest = v.trim().strip_prefix("bytes ")?;
    let (span, total) = rest.split_once('/')?;
    let start = span.split_once('-')?.0.trim().parse().ok()?;
    Some((start, total.trim().parse().ok()))
}

fn content_range_start(resp: &reqwest::blocking::Response) -> Option<u64> {
    content_range(resp).map(|(s, _)| s)
}

fn content_range_total(resp: &reqwest::blocking::Response) -> Option<u64> {
    content_range(resp).and_then(|(_, t)| t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::HttpOptions;
    use std::io::{BufRead, BufReader};
    use std::net::{TcpListener, TcpStream};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    /// One request as the fake saw it: the request line and its headers.
    type Seen = Arc<Mutex<Vec<String>>>;

    /// A CDN fake on 127.0.0.1:0: `answer(n, head, conn)` writes the answer to
    /// the n-th connection (0-based) however it likes: stalling, cutting off,
    /// compressing. Every request head is kept in the returned log.
    fn cdn(answer: impl Fn(usize, &str, &mut TcpStream) + Send + Sync + 'static) -> (String, Seen) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen: Seen = Arc::default();
        let log = seen.clone();
        let answer = Arc::new(answer);
        let count = Arc::new(AtomicUsize::new(0));
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let (answer, log, count) = (answer.clone(), log.clone(), count.clone());
                std::thread::spawn(move || {
                    let mut conn = conn;
                    let mut reader = BufReader::new(conn.try_clone().unwrap());
                    let mut head = String::new();
                    loop {
                        let mut line = String::new();
                        if reader.read_line(&mut line).unwrap_or(0) == 0 {
                            return;
                        }
                        if line.trim().is_empty() {
                            break;
                        }
                        head.push_str(&line);
                    }
                    log.lock().unwrap().push(head.clone());
                    let n = count.fetch_add(1, Ordering::SeqCst);
                    answer(n, &head, &mut conn);
                });
            }
        });
        (url, seen)
    }

    fn http(stall: Duration, deadline: Option<Duration>) -> Http {
        Http::new(HttpOptions {
            stall_timeout: stall,
            retry_base: Duration::from_millis(5),
            deadline: deadline.map(|d| Instant::now() + d),
            ..HttpOptions::default()
        })
        .unwrap()
    }

    /// A plain download (no referer, nothing watching) with a stall timeout of `stall_s`.
    fn get(url: &str, dir: &Path, stall_s: u64) -> Result<tempfile::NamedTempFile> {
        download(
            &http(Duration::from_secs(stall_s), None),
            url,
            None,
            dir,
            &Meter::none(),
        )
    }

    fn body() -> Vec<u8> {
        (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect()
    }

    fn head(status: &str, extra: &str, len: usize) -> String {
        format!("HTTP/1.1 {status}\r\nContent-Length: {len}\r\nConnection: close\r\n{extra}\r\n")
    }

    fn header_of<'a>(head: &'a str, name: &str) -> Option<&'a str> {
        head.lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.trim().eq_ignore_ascii_case(name).then_some(v.trim())
        })
    }

    /// Held open, silent, for far longer than the stall timeout.
    fn stall(conn: &mut TcpStream) {
        let _ = conn.flush();
        std::thread::sleep(Duration::from_secs(30));
    }

    fn serve_whole(conn: &mut TcpStream) {
        let data = body();
        let _ = conn.write_all(head("200 OK", "", data.len()).as_bytes());
        let _ = conn.write_all(&data);
    }

    #[test]
    fn a_stall_before_the_headers_is_retried_after_the_stall_timeout() {
        let (url, seen) = cdn(|n, _, conn| match n {
            0 => stall(conn),
            _ => serve_whole(conn),
        });
        let started = Instant::now();
        let dir = tempfile::tempdir().unwrap();
        let file = get(&url, dir.path(), 1).unwrap();
        assert_eq!(std::fs::read(file.path()).unwrap(), body());
        assert_eq!(seen.lock().unwrap().len(), 2);
        let took = started.elapsed();
        assert!(
            took >= Duration::from_secs(1) && took < Duration::from_secs(10),
            "{took:?}"
        );
    }

    #[test]
    fn a_stall_mid_body_resumes_with_a_range_when_the_server_allows_it() {
        let data = body();
        let (url, seen) = cdn(move |n, req, conn| {
            let data = body();
            let tags = "ETag: \"v1\"\r\nAccept-Ranges: bytes\r\n";
            if n == 0 {
                let _ = conn.write_all(head("200 OK", tags, data.len()).as_bytes());
                let _ = conn.write_all(&data[..data.len() / 2]);
                stall(conn);
            } else {
                let range = header_of(req, "range").expect("a resume asks for a range");
                assert_eq!(header_of(req, "if-range"), Some("\"v1\""));
                let from: usize = range
                    .trim_start_matches("bytes=")
                    .trim_end_matches('-')
                    .parse()
                    .unwrap();
                let rest = &data[from..];
                let cr = format!(
                    "{tags}Content-Range: bytes {from}-{}/{}\r\n",
                    data.len() - 1,
                    data.len()
                );
                let _ = conn.write_all(head("206 Partial Content", &cr, rest.len()).as_bytes());
                let _ = conn.write_all(rest);
            }
        });
        let dir = tempfile::tempdir().unwrap();
        let (meter, told) = recording();
        let file = download(
            &http(Duration::from_secs(1), None),
            &url,
            None,
            dir.path(),
            &meter,
        )
        .unwrap();
        assert_eq!(std::fs::read(file.path()).unwrap(), data);
        // The resume begins at the part on disk, and ends at the whole.
        let told = told.lock().unwrap();
        let begins: Vec<_> = told.iter().filter_map(|t| t.begin).collect();
        assert_eq!(begins, [(0, Some(200_000)), (100_000, Some(200_000))]);
        assert_eq!(told.last().and_then(|t| t.bytes), Some(200_000));
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 2, "{seen:?}");
        assert!(
            seen[1]
                .to_ascii_lowercase()
                .contains("range: bytes=100000-"),
            "{}",
            seen[1]
        );
    }

    #[test]
    fn a_stall_mid_chunk_of_an_unsized_body_is_downloaded_again() {
        let (url, seen) = cdn(|n, _, conn| {
            let data = body();
            if n == 0 {
                let h =
                    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
                let _ = conn.write_all(h.as_bytes());
                // A chunk announced at full size, half of it sent.
                let _ = conn.write_all(format!("{:x}\r\n", data.len()).as_bytes());
                let _ = conn.write_all(&data[..data.len() / 2]);
                stall(conn);
            } else {
                serve_whole(conn);
            }
        });
        let dir = tempfile::tempdir().unwrap();
        let started = Instant::now();
        let file = get(&url, dir.path(), 1).unwrap();
        assert_eq!(std::fs::read(file.path()).unwrap(), body());
        assert_eq!(seen.lock().unwrap().len(), 2);
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn a_result_host_that_never_answers_fails_in_bounded_time() {
        let (url, seen) = cdn(|_, _, conn| stall(conn));
        let dir = tempfile::tempdir().unwrap();
        let started = Instant::now();
        let err = get(&url, dir.path(), 1).unwrap_err();
        let took = started.elapsed();
        // 4 requests, each given up after 1 s without progress.
        assert!(took < Duration::from_secs(10), "{took:?}");
        assert_eq!(seen.lock().unwrap().len(), 4);
        let text = format!("{err:#}");
        assert!(text.contains("failed after 4 attempt(s)"), "{text}");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "temp file left"
        );
    }

    #[test]
    fn the_command_deadline_bounds_a_slow_but_moving_download() {
        // One byte every 300 ms never trips the 1 s stall timeout; the 2 s
        // deadline (`--timeout`) ends it.
        let (url, _) = cdn(|_, _, conn| {
            let _ = conn.write_all(head("200 OK", "", 1000).as_bytes());
            for _ in 0..1000 {
                if conn.write_all(b"x").is_err() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(300));
            }
        });
        let dir = tempfile::tempdir().unwrap();
        let started = Instant::now();
        let http = http(Duration::from_secs(1), Some(Duration::from_secs(2)));
        let err = download(&http, &url, None, dir.path(), &Meter::none()).unwrap_err();
        let took = started.elapsed();
        assert!(took < Duration::from_secs(4), "{took:?}");
        let kind = err
            .chain()
            .find_map(|e| e.downcast_ref::<crate::error::Error>())
            .map(|e| e.kind.clone());
        assert_eq!(kind, Some(crate::error::Kind::Timeout), "{err:#}");
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn a_gzip_encoded_answer_is_decoded_and_checked_whole() {
        let (url, _) = cdn(|_, _, conn| {
            let packed = gzip(&body());
            let extra = "Content-Encoding: gzip\r\nETag: \"v1\"\r\nAccept-Ranges: bytes\r\n";
            let _ = conn.write_all(head("200 OK", extra, packed.len()).as_bytes());
            let _ = conn.write_all(&packed);
        });
        let dir = tempfile::tempdir().unwrap();
        let file = get(&url, dir.path(), 5).unwrap();
        assert_eq!(std::fs::read(file.path()).unwrap(), body());
    }

    #[test]
    fn a_cut_gzip_answer_is_downloaded_again_not_kept() {
        let (url, seen) = cdn(|n, _, conn| {
            let packed = gzip(&body());
            let _ = conn
                .write_all(head("200 OK", "Content-Encoding: gzip\r\n", packed.len()).as_bytes());
            let end = if n == 0 {
                packed.len() / 2
            } else {
                packed.len()
            };
            let _ = conn.write_all(&packed[..end]);
        });
        let dir = tempfile::tempdir().unwrap();
        let file = get(&url, dir.path(), 5).unwrap();
        assert_eq!(std::fs::read(file.path()).unwrap(), body());
        assert_eq!(seen.lock().unwrap().len(), 2);
    }

    #[test]
    fn the_referer_is_kept_on_every_redirect_hop() {
        let (url, seen) = cdn(|n, req, conn| {
            if n == 0 {
                let path = req.split_whitespace().nth(1).unwrap_or("/");
                let host = header_of(req, "host").unwrap().to_string();
                let loc = format!("Location: http://{host}{path}/next\r\n");
                let _ = conn.write_all(head("302 Found", &loc, 0).as_bytes());
            } else {
                serve_whole(conn);
            }
        });
        let dir = tempfile::tempdir().unwrap();
        let referer = "https://mineru.net/";
        download(
            &http(Duration::from_secs(5), None),
            &format!("{url}/r.zip"),
            Some(referer),
            dir.path(),
            &Meter::none(),
        )
        .unwrap();
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 2);
        for h in seen.iter() {
            assert_eq!(header_of(h, "referer"), Some(referer), "{h}");
        }
    }

    fn small_zip() -> Vec<u8> {
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut w = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default();
        w.start_file("full.md", opts).unwrap();
        w.write_all(&body()).unwrap();
        w.finish().unwrap();
        buf.into_inner()
    }

    /// The same bytes in each Content-Encoding a CDN may answer with.
    fn encode(encoding: &str, data: &[u8]) -> Vec<u8> {
        match encoding {
            "gzip" => gzip(data),
            "deflate" => {
                let mut enc =
                    flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
                enc.write_all(data).unwrap();
                enc.finish().unwrap()
            }
            "br" => {
                let mut out = Vec::new();
                {
                    let mut enc = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
                    enc.write_all(data).unwrap();
                }
                out
            }
            other => panic!("no encoder for {other}"),
        }
    }

    #[test]
    fn an_encoded_zip_is_checked_and_kept_decoded_in_every_encoding() {
        for encoding in ["gzip", "deflate", "br"] {
            let (url, seen) = cdn(move |_, _, conn| {
                let packed = encode(encoding, &small_zip());
                let extra =
                    format!("Content-Encoding: {encoding}\r\nContent-Type: application/zip\r\n");
                let _ = conn.write_all(head("200 OK", &extra, packed.len()).as_bytes());
                let _ = conn.write_all(&packed);
            });
            let dir = tempfile::tempdir().unwrap();
            let file = download_zip(
                &http(Duration::from_secs(5), None),
                &url,
                None,
                dir.path(),
                &Meter::none(),
            )
            .unwrap();
            assert_eq!(
                std::fs::read(file.path()).unwrap(),
                small_zip(),
                "{encoding}"
            );
            // One download: the decoded zip passed its check the first time.
            assert_eq!(seen.lock().unwrap().len(), 1, "{encoding}");
        }
    }

    #[test]
    fn a_resume_answered_with_the_wrong_range_starts_over() {
        let (url, seen) = cdn(|n, _, conn| {
            let data = body();
            let tags = "ETag: \"v1\"\r\nAccept-Ranges: bytes\r\n";
            match n {
                0 => {
                    let _ = conn.write_all(head("200 OK", tags, data.len()).as_bytes());
                    let _ = conn.write_all(&data[..1000]);
                }
                1 => {
                    // Not the range asked for (bytes=1000-).
                    let cr = format!("{tags}Content-Range: bytes 0-9/{}\r\n", data.len());
                    let _ = conn.write_all(head("206 Partial Content", &cr, 10).as_bytes());
                    let _ = conn.write_all(&data[..10]);
                }
                _ => serve_whole(conn),
            }
        });
        let dir = tempfile::tempdir().unwrap();
        let file = get(&url, dir.path(), 5).unwrap();
        assert_eq!(std::fs::read(file.path()).unwrap(), body());
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 3);
        assert!(header_of(&seen[2], "range").is_none(), "{}", seen[2]);
    }

    /// What a meter was told, call by call.
    #[derive(Debug, Default, Clone, Copy)]
    struct Told {
        begin: Option<(u64, Option<u64>)>,
        bytes: Option<u64>,
    }

    struct Recorder(Arc<Mutex<Vec<Told>>>);

    impl Watch for Recorder {
        fn begin(&self, from: u64, total: Option<u64>) {
            self.0.lock().unwrap().push(Told {
                begin: Some((from, total)),
                bytes: None,
            });
        }
        fn bytes(&self, done: u64) {
            self.0.lock().unwrap().push(Told {
                begin: None,
                bytes: Some(done),
            });
        }
    }

    fn recording() -> (Meter, Arc<Mutex<Vec<Told>>>) {
        let told = Arc::new(Mutex::new(Vec::new()));
        (Meter::new(Recorder(told.clone())), told)
    }

    #[test]
    fn a_counter_reports_at_most_every_tenth_of_a_second_and_its_last_count() {
        let (meter, told) = recording();
        let t0 = Instant::now();
        let mut c = meter.start(0, Some(1_000_000));
        // A thousand reads a millisecond apart: a second of transfer.
        for i in 1..=1000u64 {
            c.add(1000, t0 + Duration::from_millis(i));
        }
        c.finish();
        let told = told.lock().unwrap();
        let counts: Vec<u64> = told.iter().filter_map(|t| t.bytes).collect();
        assert!((9..=11).contains(&counts.len()), "{counts:?}");
        assert!(counts.windows(2).all(|w| w[0] < w[1]), "{counts:?}");
        // The total is reported when reached, and not again by `finish`.
        assert_eq!(counts.last(), Some(&1_000_000));
        assert_eq!(told[0].begin, Some((0, Some(1_000_000))));

        // Without a total, `finish` reports the last count.
        let (meter, told) = recording();
        let mut c = meter.start(0, None);
        c.add(10, Instant::now());
        c.finish();
        let counts: Vec<u64> = told
            .lock()
            .unwrap()
            .iter()
            .filter_map(|t| t.bytes)
            .collect();
        assert_eq!(counts, [10]);
    }

    #[test]
    fn a_file_opened_inside_a_scope_is_measured_by_its_meter_and_only_there() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.bin");
        std::fs::write(&path, vec![1u8; 300_000]).unwrap();
        let (meter, told) = recording();
        let mut inside = meter.scope(|| LazyFile::new(&path));
        let mut outside = LazyFile::new(&path);
        let mut sink = Vec::new();
        inside.read_to_end(&mut sink).unwrap();
        outside.read_to_end(&mut sink).unwrap();
        assert_eq!(sink.len(), 600_000);
        let told = told.lock().unwrap();
        assert_eq!(told[0].begin, Some((0, Some(300_000))));
        assert_eq!(told.last().and_then(|t| t.bytes), Some(300_000));
        assert_eq!(told.iter().filter(|t| t.begin.is_some()).count(), 1);
    }
}
