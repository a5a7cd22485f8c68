//! Moving bytes: the signed-URL PUT of local files and result downloads. Both
//! stream (a file is never read whole into memory) and never carry an API key.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

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

/// A file opened on first read, so each retry of a request streams it afresh.
pub struct LazyFile {
    path: PathBuf,
    file: Option<File>,
}

impl LazyFile {
    pub fn new(path: &Path) -> LazyFile {
        LazyFile {
            path: path.to_path_buf(),
            file: None,
        }
    }
}

impl Read for LazyFile {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.file.is_none() {
            self.file = Some(File::open(&self.path)?);
        }
        self.file.as_mut().map_or(Ok(0), |f| f.read(buf))
    }
}

/// PUTs the file to a signed URL: explicit Content-Length, no Content-Type and no
/// Authorization (the signature covers an empty Content-Type).
pub fn put_signed(http: &Http, upload: &SignedUpload) -> Result<()> {
    let size = std::fs::metadata(&upload.path)
        .with_context(|| format!("cannot read {}", upload.path.display()))?
        .len();
    let shown = reqwest::Url::parse(&upload.url)
        .map(|u| redact_url(&u))
        .unwrap_or_else(|_| "the upload URL".into());
    let resp = http.send(Retry::Idempotent, |c| {
        let body = Body::sized(LazyFile::new(&upload.path), size);
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
) -> Result<tempfile::NamedTempFile> {
    download_checked(http, url, referer, dir, |_| Ok(()))
}

/// [`download`] of a zip: one that does not open and list is downloaded again,
/// like a truncated one (a CDN can serve a damaged copy with a correct length).
pub fn download_zip(
    http: &Http,
    url: &str,
    referer: Option<&str>,
    dir: &Path,
) -> Result<tempfile::NamedTempFile> {
    download_checked(http, url, referer, dir, crate::unpack::check_zip)
}

fn download_checked(
    http: &Http,
    url: &str,
    referer: Option<&str>,
    dir: &Path,
    check: impl Fn(&Path) -> Result<()>,
) -> Result<tempfile::NamedTempFile> {
    let parsed =
        reqwest::Url::parse(url).with_context(|| format!("the result URL '{url}' is not valid"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        bail!("the result URL {} is not http(s)", redact_url(&parsed));
    }
    let shown = redact_url(&parsed);
    let mut last_err = None;
    for attempt in 1..=3u32 {
        match download_once(http, url, referer, dir) {
            Ok(file) => match check(file.path()) {
                Ok(()) => return Ok(file),
                Err(e) => {
                    last_err = Some(e.context(format!("the download of {shown} is damaged")));
                    std::thread::sleep(http.backoff(attempt));
                }
            },
            Err(DownloadError::Truncated(got, want)) => {
                last_err = Some(match want {
                    Some(want) => {
                        anyhow::anyhow!("download of {shown} stopped at {got} of {want} bytes")
                    }
                    None => anyhow::anyhow!("download of {shown} was cut off after {got} bytes"),
                });
                std::thread::sleep(http.backoff(attempt));
            }
            Err(DownloadError::Other(e)) => {
                return Err(e.context(format!("cannot download {shown}")))
            }
        }
    }
    Err(last_err
        .unwrap_or_else(|| anyhow::anyhow!("cannot download {shown}"))
        .context("tried 3 times; the task is done at the provider: `docpipe fetch` tries again"))
}

enum DownloadError {
    Truncated(u64, Option<u64>),
    Other(anyhow::Error),
}

impl From<anyhow::Error> for DownloadError {
    fn from(e: anyhow::Error) -> Self {
        DownloadError::Other(e)
    }
}

fn download_once(
    http: &Http,
    url: &str,
    referer: Option<&str>,
    dir: &Path,
) -> Result<tempfile::NamedTempFile, DownloadError> {
    let mut resp = http.send(Retry::Idempotent, |c| {
        let req = c.get(url).timeout(Duration::from_secs(6 * 3600));
        match referer {
            Some(r) => req.header(reqwest::header::REFERER, r),
            None => req,
        }
    })?;
    let status = resp.status();
    if !status.is_success() {
        return Err(DownloadError::Other(anyhow::anyhow!(
            "the result host answered HTTP {}",
            status.as_u16()
        )));
    }
    let expected = resp.content_length();
    let mut file = tempfile::Builder::new()
        .prefix(".docpipe-download-")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    let mut buf = vec![0u8; 256 * 1024];
    let mut got = 0u64;
    // Reads return what the socket holds (often 1–16 KiB); buffered, the writes do
    // not follow them one system call each.
    let mut out = std::io::BufWriter::with_capacity(256 * 1024, file.as_file_mut());
    loop {
        let n = match resp.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            // A connection cut mid-body is a truncation: download again.
            Err(_) => return Err(DownloadError::Truncated(got, expected)),
        };
        out.write_all(&buf[..n])
            .with_context(|| format!("cannot write to {}", dir.display()))?;
        got += n as u64;
    }
    out.flush().context("cannot write the download")?;
    drop(out);
    if let Some(want) = expected {
        if got != want {
            return Err(DownloadError::Truncated(got, Some(want)));
        }
    }
    Ok(file)
}
