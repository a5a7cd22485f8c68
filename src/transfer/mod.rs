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
    // Reads return what the socket holds (often 1–16 KiB): a larger read
    // buffer is zeroed for nothing, and a download worker's memory is
    // mostly these two buffers.
    let mut buf = vec![0u8; 16 * 1024];
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
        // Only a resumed part is cut back to what counts. A new file is
        // empty already, and on ext4 a truncation to size 0 marks the file
        // "replaced": its first close then writes it to disk at once
        // (auto_da_alloc), a download meant to be read back and deleted.
        if start > 0 {
            handle.set_len(start).context("cannot write the download")?;
        }
        // Buffered, the writes do not follow the reads one system call each;
        // 64 KiB a call, as the writers': up to 64 download workers each
        // hold one, beside hyper's own read buffer a connection.
        let mut out = std::io::BufWriter::with_capacity(64 * 1024, handle);
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
mod tests;
