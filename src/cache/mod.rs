//! The result cache: paid answers kept on this machine, content-addressed by
//! the record key (`pipeline::key`: content hash, provider, base URL, the
//! options that change the result), so the same document with the same
//! options is paid for once, whatever command, output folder or run meets it.
//!
//! It lives in a folder (this machine, or a mounted share) or in object
//! storage (`remote.rs`: a bucket shared by machines). One entry is one file,
//! `DIR/<k[..2]>/<key>` (one object, `PREFIX/<k[..2]>/<key>`), in the form
//! `entry.rs` writes and reads.
//!
//! The payload is the provider's file as downloaded (a zip, markdown, a docx)
//! when `result` names where it came from, else the whole synchronous answer
//! (`ResultRef` as JSON). `sha256` covers `result` and the payload: an entry
//! that does not match is damaged, removed, and the document paid for again.
//! A folder entry is not hashed again at a hit while its verified mark
//! (`mark.rs`) still matches it, and its payload is read where it lies.
//! Entries are written under a temporary name in `DIR/tmp/` and renamed into
//! place, so a reader never sees a partial one; files are 0600 and folders
//! 0700 (the cache holds the text of possibly confidential documents). Each
//! hit sets the entry's last use (its mark's time, else the entry's own):
//! the least recently used entries go first when the cache is over its bound.

use std::fs;
use std::io::{BufReader, Seek};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::{bail, Context, Result};

use crate::task::ResultRef;

mod entry;
mod mark;
mod remote;

use crate::span::Span;
use entry::{decode, encode, read_header, Payload};
pub use remote::is_store_url;

/// The default bound: 5 GiB.
pub const DEFAULT_MAX_BYTES: u64 = 5 << 30;

/// Where a cache is: a folder, or object storage.
#[derive(Clone)]
enum Place {
    Dir(PathBuf),
    Remote {
        store: remote::Remote,
        /// Where hits are copied to before they are written (this machine).
        scratch: std::sync::Arc<tempfile::TempDir>,
        /// `--refresh`: what is paid for replaces the entry there.
        replace: bool,
        /// Keys asked about together ([`Cache::look_up_all`]): whether each
        /// has an entry, so that planning does not ask again one by one.
        known: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, bool>>>,
    },
}

/// One result cache.
#[derive(Clone)]
pub struct Cache {
    place: Place,
    max_bytes: u64,
    /// The bytes a folder cache holds as this process knows them: listed
    /// once, at the first store, then counted up by each store, so that a run
    /// does not read every entry's header after each result (listed again
    /// when over the bound, which also counts other processes' entries).
    held: std::sync::Arc<std::sync::Mutex<Option<u64>>>,
}

/// What `docpipe cache list` shows of an entry.
#[derive(Debug, Clone)]
pub struct Entry {
    pub key: String,
    pub provider: String,
    /// When it was stored (seconds since the epoch).
    pub created: u64,
    /// When it was last stored or used (object storage: stored).
    pub used: SystemTime,
    /// Its size as stored.
    pub bytes: u64,
}

/// A cache hit: the result as the provider gave it, and the downloaded file
/// when it has one, checked: a folder entry's payload where it lies (the
/// entry held open), object storage's copied out to a temporary file.
pub struct Hit {
    pub result: ResultRef,
    pub payload: Option<Span>,
}

/// Why an entry cannot be used (it has been removed).
#[derive(Debug)]
pub struct Damaged(pub String);

impl Cache {
    /// Opens (creating, owner-only) the cache folder.
    pub fn open(dir: &Path, max_bytes: u64) -> Result<Cache> {
        make_private_dir(dir)?;
        make_private_dir(&dir.join("tmp"))?;
        make_private_dir(&mark::folder(dir))?;
        Ok(Cache {
            place: Place::Dir(dir.to_path_buf()),
            max_bytes,
            held: Default::default(),
        })
    }

    /// The cache in object storage at `url`; `replace` (`--refresh`): what
    /// is stored replaces an entry already there. Nothing is asked of the
    /// store yet: it is reached at the first look-up.
    pub fn open_remote(url: &str, max_bytes: u64, replace: bool) -> Result<Cache> {
        let store = remote::Remote::open(url).with_context(|| format!("cannot use {url}"))?;
        let scratch = tempfile::Builder::new()
            .prefix(".docpipe-cache-")
            .tempdir()
            .context("cannot make a temporary folder for the result cache")?;
        crate::interrupt::remove_on_interrupt(scratch.path());
        Ok(Cache {
            place: Place::Remote {
                store,
                scratch: std::sync::Arc::new(scratch),
                replace,
                known: Default::default(),
            },
            max_bytes,
            held: Default::default(),
        })
    }

    /// Where it is, as shown to the user.
    pub fn location(&self) -> String {
        match &self.place {
            Place::Dir(d) => d.display().to_string(),
            Place::Remote { store, .. } => store.url().to_string(),
        }
    }

    /// A folder on this machine for files on their way in or out.
    pub fn scratch(&self) -> PathBuf {
        match &self.place {
            Place::Dir(d) => d.join("tmp"),
            Place::Remote { scratch, .. } => scratch.path().to_path_buf(),
        }
    }

    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    fn path_of(&self, key: &str) -> Option<PathBuf> {
        match &self.place {
            Place::Dir(d) if is_key(key) => Some(d.join(&key[..2]).join(key)),
            _ => None,
        }
    }

    /// Whether an entry is there (not checked: `--dry-run` and `estimate`).
    pub fn contains(&self, key: &str) -> bool {
        match &self.place {
            Place::Dir(_) => self.path_of(key).is_some_and(|p| p.is_file()),
            Place::Remote { store, known, .. } => {
                let told = known
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .get(key)
                    .copied();
                is_key(key) && told.unwrap_or_else(|| store.contains(key))
            }
        }
    }

    /// Asks about many keys at once before they are looked up one by one
    /// (object storage: a round trip each, made concurrently here; a folder:
    /// nothing to do).
    pub fn look_up_all(&self, keys: Vec<String>) {
        let Place::Remote { store, known, .. } = &self.place else {
            return;
        };
        let keys: Vec<String> = keys.into_iter().filter(|k| is_key(k)).collect();
        if keys.len() < 2 {
            return;
        }
        let found = store.contains_many(&keys);
        let mut known = known.lock().unwrap_or_else(|e| e.into_inner());
        for key in keys {
            let there = found.contains(&key);
            known.insert(key, there);
        }
    }

    /// The entry of `key`, checked; a damaged one is removed and reported.
    pub fn get(&self, key: &str) -> Result<Option<Hit>, Damaged> {
        if !is_key(key) {
            return Ok(None);
        }
        let read = match &self.place {
            Place::Dir(dir) => {
                let path = self.path_of(key).expect("a key");
                let Ok(file) = fs::File::open(&path) else {
                    return Ok(None);
                };
                read_in_place(dir, key, &path, file)
            }
            Place::Remote { store, .. } => match store.get(key) {
                Some(bytes) => self.read(key, &bytes[..]),
                None => return Ok(None),
            },
        };
        match read {
            Ok(hit) => Ok(Some(hit)),
            Err(e) => {
                let _ = self.remove(key);
                Err(Damaged(format!("{e:#}")))
            }
        }
    }

    /// Reads and checks an entry fetched from object storage, its
    /// downloaded file copied out as it is hashed.
    fn read(&self, key: &str, reader: impl std::io::BufRead) -> Result<Hit> {
        let mut tmp = tempfile::Builder::new()
            .prefix(".hit-")
            .tempfile_in(self.scratch())
            .context("cannot copy out of the cache")?;
        crate::interrupt::remove_on_interrupt(tmp.path());
        let (result, copied) = decode(key, reader, Some(tmp.as_file_mut()))?;
        let payload = if copied {
            Some(Span::temporary(tmp)?)
        } else {
            None
        };
        Ok(Hit { result, payload })
    }

    /// Drops the verified mark of `key`'s entry: its next hit hashes it
    /// again (a hit that could not be written may have met damage the mark
    /// cannot see).
    pub fn distrust(&self, key: &str) {
        if let (Place::Dir(dir), true) = (&self.place, is_key(key)) {
            mark::remove(dir, key);
        }
    }

    /// Forgets what [`Cache::look_up_all`] was told of `key` (it changed).
    fn forget(&self, key: &str) {
        if let Place::Remote { known, .. } = &self.place {
            known.lock().unwrap_or_else(|e| e.into_inner()).remove(key);
        }
    }

    fn remove(&self, key: &str) -> Result<()> {
        self.forget(key);
        match &self.place {
            Place::Dir(dir) => {
                let path = self.path_of(key).context("not a cache key")?;
                mark::remove(dir, key);
                match fs::remove_file(&path) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                        Err(e).with_context(|| format!("cannot remove {}", path.display()))
                    }
                    _ => Ok(()),
                }
            }
            Place::Remote { store, .. } => store.remove(key),
        }
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
        if !is_key(key) {
            bail!("not a cache key: {key}");
        }
        let payload = Payload::of(result, payload)?;
        if payload.len()? > self.max_bytes {
            return Ok(());
        }
        let mut tmp = tempfile::Builder::new()
            .prefix(".put-")
            .tempfile_in(self.scratch())
            .with_context(|| format!("cannot write in {}", self.location()))?;
        crate::interrupt::remove_on_interrupt(tmp.path());
        let path = match &self.place {
            Place::Dir(_) => self.path_of(key).expect("a key"),
            Place::Remote { store, replace, .. } => {
                // Written here first, then put from the file (a large entry
                // in parts): a reader never sees part of it, and it is not
                // held in memory whole.
                let len = encode(tmp.as_file_mut(), key, provider, result, &payload)?;
                tmp.as_file_mut().rewind()?;
                store.put(key, tmp.as_file_mut(), len, *replace);
                self.forget(key);
                return Ok(());
            }
        };
        // Not flushed to disk one by one (an fsync per result was most of
        // what the cache cost a batch): a power cut may lose the newest
        // entries (paid again) or tear one (its hash fails: removed).
        let len = encode(tmp.as_file_mut(), key, provider, result, &payload)?;
        let parent = path.parent().expect("an entry path has a folder");
        make_private_dir(parent)?;
        let stored = tmp
            .persist(&path)
            .map_err(|e| e.error)
            .with_context(|| format!("cannot store {}", path.display()))?;
        // Hashed as it was written: verified (this file, as it is now; an
        // entry another process puts in its place is another file).
        if let (Place::Dir(dir), Ok(meta)) = (&self.place, stored.metadata()) {
            mark::set(dir, key, &meta);
        }
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        let total = match *held {
            Some(known) => known.saturating_add(len),
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
    /// still in `tmp/` (object storage: not yet put) and not listed.
    pub fn list(&self) -> Result<Vec<Entry>> {
        let mut entries = self.listing(true)?;
        for e in &mut entries {
            let header = match &self.place {
                Place::Dir(_) => self
                    .path_of(&e.key)
                    .and_then(|p| fs::File::open(p).ok())
                    .and_then(|f| read_header(&mut BufReader::new(f)).ok()),
                Place::Remote { store, .. } => store
                    .head_bytes(&e.key, 64 << 10)
                    .and_then(|b| read_header(&mut &b[..]).ok()),
            };
            if let Some(h) = header {
                e.provider = h.provider;
                e.created = h.created;
            }
        }
        Ok(entries)
    }

    /// Every entry's name, size and last use (no header read).
    /// `uses`: each entry's last use read from its verified mark (one more
    /// file read an entry; a size alone needs none).
    fn listing(&self, uses: bool) -> Result<Vec<Entry>> {
        let unknown = |key: String, bytes, used| Entry {
            key,
            provider: "?".into(),
            created: 0,
            used,
            bytes,
        };
        let mut entries = Vec::new();
        match &self.place {
            Place::Remote { store, .. } => {
                for l in store.list()? {
                    entries.push(unknown(l.key, l.bytes, l.modified));
                }
            }
            Place::Dir(dir) => {
                let top = match fs::read_dir(dir) {
                    Ok(t) => t,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(entries),
                    Err(e) => return Err(e).context(format!("cannot read {}", dir.display())),
                };
                for shard in top.flatten() {
                    let name = shard.file_name();
                    if name.len() != 2 || !shard.path().is_dir() {
                        continue;
                    }
                    for item in fs::read_dir(shard.path())?.flatten() {
                        let Ok(meta) = item.metadata() else { continue };
                        if !meta.is_file() {
                            continue;
                        }
                        let key = item.file_name().to_string_lossy().into_owned();
                        let touched = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
                        let used =
                            match (uses && is_key(&key)).then(|| mark::used(dir, &key, &meta)) {
                                Some(Some(hit)) => hit.max(touched),
                                _ => touched,
                            };
                        entries.push(unknown(key, meta.len(), used));
                    }
                }
            }
        }
        entries.sort_by_key(|e| e.used);
        Ok(entries)
    }

    /// The bytes the cache holds.
    pub fn size(&self) -> Result<u64> {
        Ok(self.listing(false)?.iter().map(|e| e.bytes).sum())
    }

    /// Checks every entry; damaged ones are removed and returned with why.
    pub fn verify(&self) -> Result<(usize, Vec<(Entry, String)>)> {
        let mut good = 0;
        let mut damaged = Vec::new();
        for entry in self.list()? {
            let checked = match &self.place {
                Place::Dir(dir) => match self.path_of(&entry.key).map(fs::File::open) {
                    Some(Ok(f)) => {
                        let meta = f.metadata();
                        let checked = decode(&entry.key, BufReader::new(&f), None);
                        if let (Ok(_), Ok(meta)) = (&checked, meta) {
                            mark::set(dir, &entry.key, &meta);
                        }
                        checked
                    }
                    _ => continue,
                },
                Place::Remote { store, .. } => match store.get(&entry.key) {
                    Some(bytes) => decode(&entry.key, &bytes[..], None),
                    None => continue,
                },
            };
            match checked {
                Ok(_) => good += 1,
                Err(e) => {
                    let _ = self.remove(&entry.key);
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
                self.remove(&entry.key)?;
                gone.push(entry);
            }
        }
        let Place::Dir(_) = self.place else {
            return Ok(gone);
        };
        // Left behind by a process that was killed mid-write.
        let day = Duration::from_secs(86_400);
        for item in fs::read_dir(self.scratch())?.flatten() {
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

    /// Least recently used entries out until the cache holds at most nine
    /// tenths of its bound; returns the bytes it holds then. Down to the
    /// bound alone, every store after the first over it listed every entry
    /// again; with a tenth free, the next listing comes a tenth of the bound
    /// later. Object storage is bounded by the bucket's own rules (a
    /// lifecycle rule), not here.
    pub fn evict(&self) -> Result<u64> {
        if let Place::Remote { .. } = self.place {
            return Ok(0);
        }
        let target = self.max_bytes - self.max_bytes / 10;
        let entries = self.listing(true)?;
        let mut total: u64 = entries.iter().map(|e| e.bytes).sum();
        for entry in entries {
            if total <= target {
                break;
            }
            if self.remove(&entry.key).is_ok() {
                total = total.saturating_sub(entry.bytes);
            }
        }
        Ok(total)
    }
}

/// A folder entry read where it lies: its header, then its payload hashed
/// unless its verified mark still matches the file opened (then marked);
/// the hit's payload is the entry's own bytes, held open.
fn read_in_place(dir: &Path, key: &str, path: &Path, file: fs::File) -> Result<Hit> {
    let meta = file.metadata()?;
    let mut reader = BufReader::new(&file);
    let header = entry::header_of(key, &mut reader)?;
    let start = reader.stream_position()?;
    drop(reader);
    let there = meta.len().saturating_sub(start);
    if there < header.len {
        bail!("it is cut short ({there} of {} bytes)", header.len);
    }
    let payload = Span::of(file, start, header.len, path);
    if !mark::holds(dir, key, &meta) {
        entry::check(&header, payload.reader()?, None)?;
        if !mark::set(dir, key, &meta) {
            // No marks on this platform: the entry's own time is its last use.
            if let Ok(f) = fs::File::options().append(true).open(path) {
                let _ = f.set_modified(SystemTime::now());
            }
        }
    }
    match header.result {
        Some(result) => Ok(Hit {
            result,
            payload: Some(payload),
        }),
        None => Ok(Hit {
            result: entry::answer(&payload.read_all(payload.len())?)?,
            payload: None,
        }),
    }
}

/// Whether `key` is a record key (hex, long enough to shard).
fn is_key(key: &str) -> bool {
    key.len() >= 16 && key.bytes().all(|b| b.is_ascii_hexdigit())
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
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

#[cfg(test)]
mod tests;
