//! One cache entry's bytes, the same in a folder and in object storage:
//!
//! ```text
//! docpipe-cache-1\n
//! {"key":…,"provider":…,"created":…,"result":<ResultRef or null>,"len":N,"sha256":…}   \n
//! <N bytes of payload>
//! ```
//!
//! The header line is padded with spaces to the width of its longest form,
//! so that it is written first with room for the length and hash and
//! written over once the payload has been copied in and hashed in one pass.

use std::io::{BufRead, Read, Seek, SeekFrom, Write};
use std::path::Path;

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::task::ResultRef;

pub(super) const MAGIC: &str = "docpipe-cache-1";

/// The longest header read: a header holds URLs and names, never a payload.
const MAX_HEADER: u64 = 1 << 20;

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Header {
    pub key: String,
    pub provider: String,
    pub created: u64,
    /// Where the payload was downloaded from; None: the payload is the answer.
    pub result: Option<ResultRef>,
    pub len: u64,
    pub sha256: String,
}

/// What is stored: a downloaded file, or the whole answer.
pub(super) enum Payload<'a> {
    File(&'a Path),
    Answer(Vec<u8>),
}

impl Payload<'_> {
    pub fn of<'a>(result: &ResultRef, file: Option<&'a Path>) -> Result<Payload<'a>> {
        Ok(match file {
            Some(f) => Payload::File(f),
            None => Payload::Answer(serde_json::to_vec(result)?),
        })
    }

    /// Its length, before it is copied (to leave out what is over a bound).
    pub fn len(&self) -> Result<u64> {
        Ok(match self {
            Payload::File(f) => std::fs::metadata(f)
                .with_context(|| format!("cannot read {}", f.display()))?
                .len(),
            Payload::Answer(b) => b.len() as u64,
        })
    }
}

/// Writes the entry of `key` to `out`, reading the payload once: copied and
/// hashed in the same pass, the header written over last.
pub(super) fn encode(
    out: &mut (impl Write + Seek),
    key: &str,
    provider: &str,
    result: &ResultRef,
    payload: &Payload,
) -> Result<u64> {
    let shape = matches!(payload, Payload::File(_)).then(|| result.clone());
    let mut header = Header {
        key: key.to_string(),
        provider: provider.to_string(),
        created: super::now(),
        result: shape,
        // The widest values: the room the final header needs.
        len: u64::MAX,
        sha256: "0".repeat(64),
    };
    let room = serde_json::to_vec(&header)?.len();
    let start = out.stream_position()?;
    // Each part in one write: `out` is a file, and `writeln!` and
    // `serde_json::to_writer` write a token a call (about 50 system calls an
    // entry, each result of a batch with the cache on).
    let mut head = Vec::with_capacity(MAGIC.len() + room + 2);
    head.extend_from_slice(MAGIC.as_bytes());
    head.push(b'\n');
    let header_at = start + head.len() as u64;
    head.resize(head.len() + room, b' ');
    head.push(b'\n');
    out.write_all(&head)?;
    let mut hasher = Sha256::new();
    if let Some(shape) = &header.result {
        hasher.update(serde_json::to_vec(shape)?);
    }
    let len = match payload {
        Payload::File(file) => {
            let mut f = std::fs::File::open(file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            pump(&mut f, &mut *out, &mut hasher)?
        }
        Payload::Answer(bytes) => {
            hasher.update(bytes);
            out.write_all(bytes)?;
            bytes.len() as u64
        }
    };
    header.len = len;
    header.sha256 = crate::input::hex(&hasher.finalize());
    let end = out.stream_position()?;
    out.seek(SeekFrom::Start(header_at))?;
    out.write_all(&serde_json::to_vec(&header)?)?;
    out.seek(SeekFrom::Start(end))?;
    Ok(end - start)
}

/// The checked entry of `key` read from `reader`: its answer, and its
/// payload copied to `copy` when there is a downloaded file and a place to
/// copy it to (else only checked), hashed as it is copied.
pub(super) fn decode(
    key: &str,
    reader: impl BufRead,
    copy: Option<&mut dyn Write>,
) -> Result<(ResultRef, bool)> {
    let mut reader = reader;
    let header = header_of(key, &mut reader)?;
    match header.result.clone() {
        Some(result) => {
            let copied = copy.is_some();
            check(&header, reader, copy)?;
            Ok((result, copied))
        }
        None => {
            let mut bytes = Vec::new();
            reader.take(header.len).read_to_end(&mut bytes)?;
            check(&header, &bytes[..], None)?;
            Ok((answer(&bytes)?, false))
        }
    }
}

/// The header of `key`'s entry, read from its start.
pub(super) fn header_of(key: &str, reader: &mut impl BufRead) -> Result<Header> {
    let header = read_header(reader)?;
    if header.key != key {
        bail!("it holds another key ({})", header.key);
    }
    Ok(header)
}

/// Checks the payload read from `body` (its first `header.len` bytes)
/// against the header's length and hash, copying it to `copy` as it is
/// hashed when there is one.
pub(super) fn check(header: &Header, body: impl Read, copy: Option<&mut dyn Write>) -> Result<()> {
    let mut hasher = Sha256::new();
    if let Some(result) = &header.result {
        hasher.update(serde_json::to_vec(result)?);
    }
    let mut body = body.take(header.len);
    let read = match copy {
        Some(out) => pump(&mut body, out, &mut hasher)?,
        None => pump(&mut body, &mut std::io::sink(), &mut hasher)?,
    };
    if read != header.len {
        bail!("it is cut short ({read} of {} bytes)", header.len);
    }
    if crate::input::hex(&hasher.finalize()) != header.sha256 {
        bail!("its content does not match its hash");
    }
    Ok(())
}

/// The answer an entry without a downloaded file holds as its payload.
pub(super) fn answer(payload: &[u8]) -> Result<ResultRef> {
    serde_json::from_slice(payload).context("its answer is not readable")
}

pub(super) fn read_header(reader: &mut impl BufRead) -> Result<Header> {
    let mut line = String::new();
    reader.take(64).read_line(&mut line)?;
    if line.trim_end() != MAGIC {
        bail!("it is not a docpipe cache entry");
    }
    line.clear();
    reader.take(MAX_HEADER).read_line(&mut line)?;
    serde_json::from_str(line.trim_end()).context("its header is not readable")
}

/// Copies `from` to `to`, hashing what passes, in blocks of 256 KiB: with
/// `io::copy`'s 8 KiB, a 1.6 MB entry took 400 system calls each way, most
/// of what a hit cost a cached rerun (docs/performance.md).
fn pump(from: &mut impl Read, to: &mut (impl Write + ?Sized), hasher: &mut Sha256) -> Result<u64> {
    let mut buf = vec![0u8; 256 << 10];
    let mut total = 0u64;
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) => return Ok(total),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.into()),
        };
        hasher.update(&buf[..n]);
        to.write_all(&buf[..n])?;
        total += n as u64;
    }
}
