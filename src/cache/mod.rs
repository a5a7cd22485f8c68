//! The result cache: paid answers kept on this machine, content-addressed by
//! the record key (`pipeline::key`: content hash, provider, base URL, the
//! options that change the result), so the same document with the same
//! options is paid for once, whatever command, output folder or run meets it.
//!
//! One entry is one file, `DIR/<k[..2]>/<key>`:
//!
//! ```text
//! docpipe-cache-1\n
//! {"key":…,"provider":…,"created":…,"result":<ResultRef or null>,"len":N,"sha256":…}\n
//! <N bytes of payload>
//! ```
//!
//! The payload is the provider's file as downloaded (a zip, markdown, a docx)
//! when `result` names where it came from, else the whole synchronous answer
//! (`ResultRef` as JSON). `sha256` covers `result` and the payload: an entry
//! that does not match is damaged, removed, and the document paid for again.
//! Entries are written under a temporary name in `DIR/tmp/` and renamed into
//! place, so a reader never sees a partial one; files are 0600 and folders
//! 0700 (the cache holds the text of possibly confidential documents). Each
//! hit sets the entry's modification time: the least recently used entries
//! go first when the cache is over its bound.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::task::ResultRef;

const MAGIC: &str = "docpipe-cache-1";

/// The default bound: 5 GiB.
pub const DEFAULT_MAX_BYTES: u64 = 5 << 30;

/// The longest header read: a header holds URLs and names, never a payload.
const MAX_HEADER: u64 = 1 << 20;

/// Where the cache is and how big it may grow, as resolved from the flags,
/// `DOCPIPE_CACHE`, `[defaults] cache` and `cache_max_size`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Setting {
    Off,
    Dir { path: PathBuf, max_bytes: u64 },
}

/// One cache folder.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
    max_bytes: u64,
    /// The bytes the cache holds as this process knows them: listed once, at
    /// the first store, then counted up by each store, so that a run does not
    /// read every entry's header after each result (listed again when over
    /// the bound, which also counts other processes' entries).
    held: std::sync::Arc<std::sync::Mutex<Option<u64>>>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    key: String,
    provider: String,
    created: u64,
    /// Where the payload was downloaded from; None: the payload is the answer.
    result: Option<ResultRef>,
    len: u64,
    sha256: String,
}

/// What `docpipe cache list` shows of an entry.
#[derive(Debug, Clone)]
pub struct Entry {
    pub key: String,
    pub provider: String,
    /// When it was stored (seconds since the epoch).
    pub created: u64,
    /// When it was last stored or used.
    pub used: SystemTime,
    /// The file's size on disk.
    pub bytes: u64,
    pub path: PathBuf,
}

/// A cache hit: the result as the provider gave it, and the downloaded file
/// (checked against its hash, copied out of the cache) when it has one.
pub struct Hit {
    pub result: ResultRef,
    pub payload: Option<tempfile::NamedTempFile>,
}

/// Why an entry cannot be used (it has been removed).
#[derive(Debug)]
pub struct Damaged(pub String);

impl Cache {
    /// Opens (creating, owner-only) the cache folder.
    pub fn open(dir: &Path, max_bytes: u64) -> Result<Cache> {
        make_private_dir(dir)?;
        make_private_dir(&dir.join("tmp"))?;
        Ok(Cache {
            dir: dir.to_path_buf(),
            max_bytes,
            held: std::sync::Arc::new(std::sync::Mutex::new(None)),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    fn path_of(&self, key: &str) -> Option<PathBuf> {
        let ok = key.len() >= 16 && key.bytes().all(|b| b.is_ascii_hexdigit());
        ok.then(|| self.dir.join(&key[..2]).join(key))
    }

    /// Whether an entry is there (not checked: `--dry-run` and `estimate`).
    pub fn contains(&self, key: &str) -> bool {
        self.path_of(key).is_some_and(|p| p.is_file())
    }

    /// The entry of `key`, checked; a damaged one is removed and reported.
    pub fn get(&self, key: &str) -> Result<Option<Hit>, Damaged> {
        let Some(path) = self.path_of(key) else {
            return Ok(None);
        };
        let file = match fs::File::open(&path) {
            Ok(f) => f,
            Err(_) => return Ok(None),
        };
        match self.read(key, file, true) {
            Ok(hit) => {
                // Its last use, for the least-recently-used order.
                if let Ok(f) = fs::File::options().append(true).open(&path) {
                    let _ = f.set_modified(SystemTime::now());
                }
                Ok(Some(hit))
            }
            Err(e) => {
                let _ = fs::remove_file(&path);
                Err(Damaged(format!("{e:#}")))
            }
        }
    }

    /// Reads and checks an entry; `copy`: its downloaded file is copied out
    /// to deliver from (else only checked).
    fn read(&self, key: &str, file: fs::File, copy: bool) -> Result<Hit> {
        let mut reader = BufReader::new(file);
        let header = read_header(&mut reader)?;
        if header.key != key {
            bail!("it holds another key ({})", header.key);
        }
        let mut hasher = Sha256::new();
        if let Some(result) = &header.result {
            hasher.update(serde_json::to_vec(result)?);
        }
        let mut body = HashingReader {
            inner: reader.take(header.len),
            hasher: &mut hasher,
            read: 0,
        };
        let (result, payload) = match header.result {
            Some(result) if !copy => {
                std::io::copy(&mut body, &mut std::io::sink())?;
                (result, None)
            }
            Some(result) => {
                let mut tmp = tempfile::Builder::new()
                    .prefix(".hit-")
                    .tempfile_in(self.dir.join("tmp"))
                    .context("cannot copy out of the cache")?;
                crate::interrupt::remove_on_interrupt(tmp.path());
                std::io::copy(&mut body, tmp.as_file_mut())?;
                (result, Some(tmp))
            }
            None => {
                let mut bytes = Vec::new();
                body.read_to_end(&mut bytes)?;
                let result: ResultRef =
                    serde_json::from_slice(&bytes).context("its answer is not readable")?;
                (result, None)
            }
        };
        if body.read != header.len {
            bail!("it is cut short ({} of {} bytes)", body.read, header.len);
        }
        if crate::input::hex(&hasher.finalize()) != header.sha256 {
            bail!("its content does not match its hash");
        }
        Ok(Hit { result, payload })
    }

    /// Stores the result of `key`: `payload` is the file downloaded from
    /// where `result` points; without it, `result` is the whole answer. An
    /// entry that alone is over the bound is not stored.
    pub fn put(
        &self,
        key: &str,
        provider: &str,
        result: &ResultRef,
        payload: Option<&Path>,
    ) -> Result<()> {
        let Some(path) = self.path_of(key) else {
            bail!("not a cache key: {key}");
        };
        let (shape, answer) = match payload {
            Some(_) => (Some(result.clone()), None),
            None => (None, Some(serde_json::to_vec(result)?)),
        };
        let mut hasher = Sha256::new();
        if let Some(shape) = &shape {
            hasher.update(serde_json::to_vec(shape)?);
        }
        let len = match (payload, &answer) {
            (Some(file), _) => {
                let mut f = fs::File::open(file)
                    .with_context(|| format!("cannot read {}", file.display()))?;
                std::io::copy(&mut f, &mut HashWriter(&mut hasher))?
            }
            (None, Some(bytes)) => {
                hasher.update(bytes);
                bytes.len() as u64
            }
            (None, None) => 0,
        };
        if len > self.max_bytes {
            return Ok(());
        }
        let header = Header {
            key: key.to_string(),
            provider: provider.to_string(),
            created: now(),
            result: shape,
            len,
            sha256: crate::input::hex(&hasher.finalize()),
        };
        let mut tmp = tempfile::Builder::new()
            .prefix(".put-")
            .tempfile_in(self.dir.join("tmp"))
            .with_context(|| format!("cannot write in {}", self.dir.display()))?;
        crate::interrupt::remove_on_interrupt(tmp.path());
        {
            let f = tmp.as_file_mut();
            writeln!(f, "{MAGIC}")?;
            serde_json::to_writer(&mut *f, &header)?;
            writeln!(f)?;
            match (payload, &answer) {
                (Some(file), _) => {
                    // Copied again (not hashed once and moved): the file stays
                    // the caller's, to deliver from.
                    let written = std::io::copy(&mut fs::File::open(file)?, f)?;
                    if written != len {
                        bail!("{} changed while it was stored", file.display());
                    }
                }
                (None, Some(bytes)) => f.write_all(bytes)?,
                (None, None) => {}
            }
            // Not flushed to disk one by one (an fsync per result was most of
            // what the cache cost a batch): a power cut may lose the newest
            // entries (paid again) or tear one (its hash fails: removed).
        }
        let parent = path.parent().expect("an entry path has a folder");
        make_private_dir(parent)?;
        let stored = tmp
            .persist(&path)
            .map_err(|e| e.error)
            .with_context(|| format!("cannot store {}", path.display()))?;
        let bytes = stored.metadata().map_or(len, |m| m.len());
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        let total = match *held {
            Some(known) => known.saturating_add(bytes),
            None => self.size()?,
        };
        *held = Some(if total > self.max_bytes {
            self.evict()?
        } else {
            total
        });
        Ok(())
    }

    /// Every entry, oldest use first. Entries another process is writing are
    /// still in `tmp/` and not listed.
    pub fn list(&self) -> Result<Vec<Entry>> {
        let mut entries = Vec::new();
        let top = match fs::read_dir(&self.dir) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(entries),
            Err(e) => return Err(e).context(format!("cannot read {}", self.dir.display())),
        };
        for shard in top.flatten() {
            let name = shard.file_name();
            if name.len() != 2 || !shard.path().is_dir() {
                continue;
            }
            for item in fs::read_dir(shard.path())?.flatten() {
                let path = item.path();
                let Ok(meta) = item.metadata() else { continue };
                if !meta.is_file() {
                    continue;
                }
                let key = item.file_name().to_string_lossy().into_owned();
                let (provider, created) = fs::File::open(&path)
                    .ok()
                    .and_then(|f| read_header(&mut BufReader::new(f)).ok())
                    .map(|h| (h.provider, h.created))
                    .unwrap_or_else(|| ("?".into(), 0));
                entries.push(Entry {
                    key,
                    provider,
                    created,
                    used: meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
                    bytes: meta.len(),
                    path,
                });
            }
        }
        entries.sort_by_key(|e| e.used);
        Ok(entries)
    }

    /// The bytes the cache holds.
    pub fn size(&self) -> Result<u64> {
        Ok(self.list()?.iter().map(|e| e.bytes).sum())
    }

    /// Checks every entry; damaged ones are removed and returned with why.
    pub fn verify(&self) -> Result<(usize, Vec<(Entry, String)>)> {
        let mut good = 0;
        let mut damaged = Vec::new();
        for entry in self.list()? {
            let file = match fs::File::open(&entry.path) {
                Ok(f) => f,
                Err(_) => continue,
            };
            match self.read(&entry.key, file, false) {
                Ok(_) => good += 1,
                Err(e) => {
                    let _ = fs::remove_file(&entry.path);
                    damaged.push((entry, format!("{e:#}")));
                }
            }
        }
        Ok((good, damaged))
    }

    /// Removes the entries `which` picks; returns them.
    pub fn prune(&self, which: impl Fn(&Entry) -> bool) -> Result<Vec<Entry>> {
        let mut gone = Vec::new();
        for entry in self.list()? {
            if which(&entry) {
                fs::remove_file(&entry.path)
                    .with_context(|| format!("cannot remove {}", entry.path.display()))?;
                gone.push(entry);
            }
        }
        // Left behind by a process that was killed mid-write.
        let day = Duration::from_secs(86_400);
        for item in fs::read_dir(self.dir.join("tmp"))?.flatten() {
            let old = item
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > day);
            if old {
                let _ = fs::remove_file(item.path());
            }
        }
        Ok(gone)
    }

    /// Least recently used entries out until the cache is within its bound;
    /// returns the bytes it holds then.
    pub fn evict(&self) -> Result<u64> {
        let entries = self.list()?;
        let mut total: u64 = entries.iter().map(|e| e.bytes).sum();
        for entry in entries {
            if total <= self.max_bytes {
                break;
            }
            if fs::remove_file(&entry.path).is_ok() {
                total = total.saturating_sub(entry.bytes);
            }
        }
        Ok(total)
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn read_header(reader: &mut impl BufRead) -> Result<Header> {
    let mut line = String::new();
    reader.take(64).read_line(&mut line)?;
    if line.trim_end() != MAGIC {
        bail!("it is not a docpipe cache entry");
    }
    line.clear();
    reader.take(MAX_HEADER).read_line(&mut line)?;
    serde_json::from_str(line.trim_end()).context("its header is not readable")
}

/// A folder only its owner may enter (the modes of an existing one are
/// tightened too: the cache may hold confidential text).
fn make_private_dir(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
            .with_context(|| format!("cannot make {} private", dir.display()))?;
    }
    Ok(())
}

struct HashingReader<'a, R> {
    inner: R,
    hasher: &'a mut Sha256,
    read: u64,
}

impl<R: Read> Read for HashingReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.read += n as u64;
        Ok(n)
    }
}

struct HashWriter<'a>(&'a mut Sha256);

impl Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests;
