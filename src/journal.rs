//! The run record: `DIR/.docpipe/journal.jsonl` inside an output folder, or the
//! data folder's `journal/` for results that go to stdout or to one named file.
//!
//! One line per change, each a full snapshot of one document's record; the last
//! line of a document wins. Appending a line is all a state change costs, so a run
//! of thousands of documents stays cheap, and a line cut short by `kill -9` is
//! simply ignored on the next start (which rewrites the journal compacted).
//!
//! A lock file orders the writers: `batch` takes it exclusively (one run per
//! folder); `ocr`, `parse` and `fetch` share it, so several of them may append at
//! once (each line is one `write` on an `O_APPEND` file), and the journal is
//! compacted only by an opener that finds nobody else holding it.

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::options::ExtractOptions;
use crate::task::{IdKind, ResultRef, State, TaskRef};

/// Seconds since the Unix epoch.
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// How a run holds the journal's lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sharing {
    /// `batch`: nobody else writes while it runs.
    Exclusive,
    /// `ocr`, `parse`, `fetch`: other such commands may append at the same time.
    Shared,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Upload {
    pub url: String,
    /// When the signed URL was issued (unix seconds): MinerU's are valid 24 h.
    pub issued_at: u64,
    pub done: bool,
}

/// One part of a document sent in parts: its pages and its own record's key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartRef {
    pub first: u32,
    pub last: u32,
    pub key: String,
    /// The document pages it holds, in order, when they are not
    /// `first..=last` (a hybrid document's scanned pages, cut into one PDF).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<Vec<u32>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DocRecord {
    /// Identity: content hash + provider + options (see `doc_key`).
    pub key: String,
    pub input: String,
    /// Output name under the folder ('/'-separated for mirrored inputs).
    pub name: String,
    pub sha256: String,
    pub provider: String,
    pub base_url: String,
    #[serde(default)]
    pub batch_id: Option<String>,
    #[serde(default)]
    pub task_id: Option<String>,
    /// The document's key inside its batch.
    #[serde(default)]
    pub item: Option<String>,
    #[serde(default)]
    pub upload: Option<Upload>,
    pub state: State,
    #[serde(default)]
    pub pages: Option<u64>,
    /// 1-based pages the provider left out of its answer (`local`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages_skipped: Option<Vec<u64>>,
    #[serde(default)]
    pub error: Option<String>,
    /// Where the result was written, once it was.
    #[serde(default)]
    pub output: Option<PathBuf>,
    /// The markdown file inside (or beside) the output, once written.
    #[serde(default)]
    pub markdown: Option<PathBuf>,
    /// How many times it was submitted (more than 1 only with --retry-failed).
    #[serde(default)]
    pub submissions: u32,
    /// Set (unix seconds) just before a task-creating request is sent and cleared
    /// when its answer is recorded: a record found with it set and no task was
    /// cut off mid-request (`kill -9`, a lost answer), so the provider may have
    /// created a task that docpipe never learnt about.
    #[serde(default)]
    pub sending: Option<u64>,
    /// The command that submitted it (`ocr`, `parse`, `batch`) and its options,
    /// so `fetch` delivers the result as that command would have.
    #[serde(default)]
    pub command: Option<String>,
    #[serde(default)]
    pub options: Option<ExtractOptions>,
    /// When the task was created (unix seconds).
    #[serde(default)]
    pub submitted_at: Option<u64>,
    /// A document over the provider's limits, sent in parts (each with a
    /// record of its own), in page order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parts: Option<Vec<PartRef>>,
    /// A part's document (its key), for `fetch` by the part's ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// A hybrid document (`auto`): its pages read on this machine, and those
    /// sent to the cloud (the ones billed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages_local: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages_cloud: Option<u64>,
    pub updated_at: u64,
}

impl DocRecord {
    /// A document not yet submitted.
    pub fn new(key: &str, input: &str, name: &str, sha256: &str, provider: &str) -> DocRecord {
        DocRecord {
            key: key.to_string(),
            input: input.to_string(),
            name: name.to_string(),
            sha256: sha256.to_string(),
            provider: provider.to_string(),
            base_url: String::new(),
            batch_id: None,
            task_id: None,
            item: None,
            upload: None,
            state: State::Submitted,
            pages: None,
            pages_skipped: None,
            error: None,
            output: None,
            markdown: None,
            submissions: 0,
            sending: None,
            command: None,
            options: None,
            submitted_at: None,
            parts: None,
            parent: None,
            pages_local: None,
            pages_cloud: None,
            updated_at: now(),
        }
    }

    /// Records the answer to a creation: its task, and the signed URL the file
    /// still has to be uploaded to, if any.
    pub fn mark_submitted(&mut self, task: &TaskRef, upload_url: Option<&str>) {
        self.set_task(task);
        self.sending = None;
        self.state = if upload_url.is_some() {
            State::WaitingFile
        } else {
            State::Submitted
        };
        self.upload = upload_url.map(|url| Upload {
            url: url.to_string(),
            issued_at: now(),
            done: false,
        });
    }

    /// Records the task a submission created.
    pub fn set_task(&mut self, task: &TaskRef) {
        self.item = task.item.clone();
        match task.kind {
            IdKind::Batch => {
                self.batch_id = Some(task.id.clone());
                self.task_id = None;
            }
            IdKind::Task => {
                self.task_id = Some(task.id.clone());
                self.batch_id = None;
            }
        }
    }

    /// The signed upload a submission still waits for, if any.
    pub fn upload_owed(&self) -> Option<&Upload> {
        self.upload.as_ref().filter(|u| !u.done)
    }

    /// The task to ask about, once submitted.
    pub fn task(&self) -> Option<TaskRef> {
        match (&self.batch_id, &self.task_id) {
            (Some(b), _) => Some(TaskRef {
                provider: self.provider.clone(),
                id: b.clone(),
                kind: IdKind::Batch,
                item: self.item.clone(),
            }),
            (None, Some(t)) => Some(TaskRef::task(&self.provider, t.clone())),
            (None, None) => None,
        }
    }
}

pub struct Journal {
    path: PathBuf,
    file: Mutex<File>,
    /// Where each document's last line is in the file. The lines are on disk
    /// already: a batch of 1,000 documents held them parsed, about 1.8 MB
    /// for its whole run (the map's room included); this is under 0.2 MB.
    records: Mutex<HashMap<String, Place>>,
    /// The file opened for reading the lines back.
    reader: Mutex<File>,
    _lock: File,
}

/// A line of the journal: its first byte and its length, newline left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Place {
    at: u64,
    len: u32,
}

/// What a replay of the journal finds: the records, where each one's line
/// is, and how many lines there were.
struct Replayed {
    records: HashMap<String, DocRecord>,
    places: HashMap<String, Place>,
    lines: usize,
}

/// The record folder of an output folder.
pub fn dir_of(root: &Path) -> PathBuf {
    root.join(".docpipe")
}

fn journal_path(dir: &Path) -> PathBuf {
    dir.join("journal.jsonl")
}

/// Reads the journal in record folder `dir` without locking or changing it (for
/// `status` and `fetch`).
pub fn read(dir: &Path) -> Result<Vec<DocRecord>> {
    let path = journal_path(dir);
    let file = match File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let map = replay(file);
    let mut records: Vec<DocRecord> = map.into_values().collect();
    records.sort_by(|a, b| a.input.cmp(&b.input));
    Ok(records)
}

fn replay(file: File) -> HashMap<String, DocRecord> {
    replay_counting(file).records
}

/// The records, where their lines are, and how many lines held them.
fn replay_counting(file: File) -> Replayed {
    let mut found = Replayed {
        records: HashMap::new(),
        places: HashMap::new(),
        lines: 0,
    };
    for (line, place) in lines(file) {
        found.lines += 1;
        // A torn last line (killed mid-write) or foreign junk is skipped.
        if let Ok(rec) = serde_json::from_slice::<DocRecord>(&line) {
            found.places.insert(rec.key.clone(), place);
            found.records.insert(rec.key.clone(), rec);
        }
    }
    found
}

/// The journal's lines from the start of `file`, each with where it is.
fn lines(file: impl std::io::Read) -> impl Iterator<Item = (Vec<u8>, Place)> {
    let mut at = 0u64;
    BufReader::new(file)
        .split(b'\n')
        .map_while(Result::ok)
        .map(move |line| {
            let place = Place {
                at,
                len: u32::try_from(line.len()).unwrap_or(u32::MAX),
            };
            at += line.len() as u64 + 1;
            (line, place)
        })
}

/// Whether the file is empty or ends with a newline: a line torn by a kill
/// must be rewritten before anything is appended after it.
fn ends_cleanly(path: &Path) -> bool {
    let Ok(mut f) = File::open(path) else {
        return true;
    };
    if f.metadata().map(|m| m.len()).unwrap_or(0) == 0 {
        return true;
    }
    let mut last = [0u8];
    f.seek(SeekFrom::End(-1)).is_ok() && f.read_exact(&mut last).is_ok() && last[0] == b'\n'
}

fn busy(dir: &Path) -> anyhow::Error {
    crate::error::Error::usage(format!(
        "another docpipe batch is writing to {}",
        dir.parent().unwrap_or(dir).display()
    ))
    .with_hint("wait for it to finish, or use another -o folder")
    .into()
}

/// Rewrites the journal with one line per document, aside and renamed over:
/// where each line now is.
fn compact(
    dir: &Path,
    path: &Path,
    records: &HashMap<String, DocRecord>,
) -> Result<HashMap<String, Place>> {
    let mut tmp = tempfile::Builder::new()
        .prefix(".journal-")
        .tempfile_in(dir)?;
    let mut sorted: Vec<&DocRecord> = records.values().collect();
    sorted.sort_by(|a, b| a.key.cmp(&b.key));
    // Buffered: serde_json writes token by token.
    let mut out = std::io::BufWriter::new(tmp.as_file_mut());
    let mut places = HashMap::with_capacity(sorted.len());
    let mut line = Vec::new();
    let mut at = 0u64;
    for rec in sorted {
        line.clear();
        serde_json::to_writer(&mut line, rec)?;
        let len = u32::try_from(line.len()).context("a journal line over 4 GB")?;
        places.insert(rec.key.clone(), Place { at, len });
        line.push(b'\n');
        out.write_all(&line)?;
        at += line.len() as u64;
    }
    out.flush()?;
    drop(out);
    tmp.as_file().sync_all()?;
    tmp.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(places)
}

/// The record whose line is at `place`, if it reads as one.
fn read_at(reader: &mut File, place: Place) -> Option<DocRecord> {
    let mut line = vec![0u8; place.len as usize];
    reader.seek(SeekFrom::Start(place.at)).ok()?;
    reader.read_exact(&mut line).ok()?;
    serde_json::from_slice(&line).ok()
}

/// The last record of `key` in the file, read through, and where its line is.
fn find(reader: &mut File, key: &str) -> Option<(DocRecord, Place)> {
    reader.seek(SeekFrom::Start(0)).ok()?;
    lines(&mut *reader)
        .filter_map(|(line, place)| {
            let rec = serde_json::from_slice::<DocRecord>(&line).ok()?;
            (rec.key == key).then_some((rec, place))
        })
        .last()
}

impl Journal {
    /// Opens (creating) the journal in record folder `dir`, takes its lock,
    /// replays it and, when nobody else holds it, rewrites it compacted, first
    /// dropping finished records older than `keep_days` when given.
    pub fn open(dir: &Path, sharing: Sharing, keep_days: Option<u64>) -> Result<Journal> {
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join("lock"))
            .with_context(|| format!("cannot create the lock in {}", dir.display()))?;
        let alone = match lock.try_lock() {
            Ok(()) => true,
            Err(std::fs::TryLockError::WouldBlock) if sharing == Sharing::Shared => false,
            Err(std::fs::TryLockError::WouldBlock) => return Err(busy(dir)),
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("cannot lock {}", dir.display()))
            }
        };
        let path = journal_path(dir);
        let Replayed {
            mut records,
            mut places,
            lines,
        } = match File::open(&path) {
            Ok(f) => replay_counting(f),
            Err(_) => Replayed {
                records: HashMap::new(),
                places: HashMap::new(),
                lines: 0,
            },
        };
        let clean = ends_cleanly(&path);
        if alone {
            let before = records.len();
            if let Some(days) = keep_days {
                let cutoff = now().saturating_sub(days * 86_400);
                records.retain(|key, r| {
                    let keep = !r.state.is_final() || r.updated_at >= cutoff;
                    if !keep {
                        let _ = fs::remove_file(dir.join("held").join(format!("{key}.json")));
                    }
                    keep
                });
            }
            // Rewritten when torn, pruned, or grown to twice its compacted
            // size: not on every start (a one-document `ocr` would pay a
            // rewrite and an fsync each time).
            let grown = lines > 64 && lines > 2 * records.len();
            if !clean || records.len() != before || grown {
                places = compact(dir, &path, &records)?;
            }
        }
        if sharing == Sharing::Shared {
            // Turns our exclusive lock into a shared one, or joins the other
            // sharers; a batch holding the folder refuses us instead of making
            // us wait for its whole run.
            // Another sharer compacting holds it exclusively for a moment.
            let mut tries = 0;
            loop {
                match lock.try_lock_shared() {
                    Ok(()) => break,
                    Err(std::fs::TryLockError::WouldBlock) if tries < 40 => {
                        tries += 1;
                        std::thread::sleep(std::time::Duration::from_millis(50));
                    }
                    Err(std::fs::TryLockError::WouldBlock) => return Err(busy(dir)),
                    Err(std::fs::TryLockError::Error(e)) => {
                        return Err(e).with_context(|| format!("cannot lock {}", dir.display()))
                    }
                }
            }
        }
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        drop(records);
        let reader =
            File::open(&path).with_context(|| format!("cannot read {}", path.display()))?;
        Ok(Journal {
            path,
            file: Mutex::new(file),
            records: Mutex::new(places),
            reader: Mutex::new(reader),
            _lock: lock,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn get(&self, key: &str) -> Option<DocRecord> {
        let place = *self
            .records
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(key)?;
        let mut reader = self.reader.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(rec) = read_at(&mut reader, place).filter(|rec| rec.key == key) {
            return Some(rec);
        }
        // Not where it was written (a platform that does not tell where an
        // append landed): the file is read through for it, once.
        let (rec, place) = find(&mut reader, key)?;
        drop(reader);
        self.records
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key.to_string(), place);
        Some(rec)
    }

    /// Records a change: one appended line, written in a single call so a crash
    /// leaves at most one torn line.
    pub fn put(&self, rec: &DocRecord) -> Result<()> {
        self.put_many(std::slice::from_ref(rec))
    }

    /// Records several documents in one write: the records of a new batch must
    /// reach the file together, right after the provider answers.
    pub fn put_many(&self, recs: &[DocRecord]) -> Result<()> {
        let mut buf = Vec::with_capacity(recs.len() * 1024);
        // Each record's line in `buf`.
        let mut places = Vec::with_capacity(recs.len());
        for rec in recs {
            let at = buf.len();
            serde_json::to_writer(&mut buf, rec)?;
            let len = u32::try_from(buf.len() - at).context("a journal line over 4 GB")?;
            places.push(Place { at: at as u64, len });
            buf.push(b'\n');
        }
        // Appended: the file's end after the write less what it wrote is
        // where the lines begin, whoever else appends to it.
        let start = {
            let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
            file.write_all(&buf)
                .with_context(|| format!("cannot write {}", self.path.display()))?;
            file.stream_position()
                .unwrap_or(0)
                .saturating_sub(buf.len() as u64)
        };
        let mut records = self.records.lock().unwrap_or_else(|e| e.into_inner());
        for (rec, place) in recs.iter().zip(places) {
            let place = Place {
                at: start + place.at,
                ..place
            };
            records.insert(rec.key.clone(), place);
        }
        Ok(())
    }

    fn held_path(&self, key: &str) -> PathBuf {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        dir.join("held").join(format!("{key}.json"))
    }

    /// Keeps a synchronous answer until its result is written: it was paid for,
    /// so a run stopped before the result reached the folder delivers it on the
    /// next start instead of asking (and paying) again.
    pub fn hold(&self, key: &str, result: &ResultRef) -> Result<()> {
        let path = self.held_path(key);
        let dir = path.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let mut tmp = tempfile::Builder::new().prefix(".held-").tempfile_in(dir)?;
        serde_json::to_writer(&mut tmp, result)?;
        tmp.persist(&path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        Ok(())
    }

    /// The answer held for `key`, if any.
    pub fn held(&self, key: &str) -> Option<ResultRef> {
        let bytes = fs::read(self.held_path(key)).ok()?;
        let result: ResultRef = serde_json::from_slice(&bytes).ok()?;
        // A spooled table is removed once delivered (or with the temporary
        // folder): it is held no longer, and `local` makes it again for free.
        match &result {
            ResultRef::Spooled { path, .. } if !path.is_file() => None,
            _ => Some(result),
        }
    }

    /// Drops a held answer once its result is in place.
    pub fn release(&self, key: &str) {
        let _ = fs::remove_file(self.held_path(key));
    }

    /// Applies `change` to the stored record of `key` and writes it.
    pub fn update(
        &self,
        key: &str,
        change: impl FnOnce(&mut DocRecord),
    ) -> Result<Option<DocRecord>> {
        let Some(mut rec) = self.get(key) else {
            return Ok(None);
        };
        change(&mut rec);
        rec.updated_at = now();
        self.put(&rec)?;
        Ok(Some(rec))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(key: &str, state: State) -> DocRecord {
        let mut r = DocRecord::new(key, &format!("{key}.pdf"), key, "ab", "mineru");
        r.batch_id = Some("b1".into());
        r.item = Some(format!("{key}-id"));
        r.state = state;
        r.submissions = 1;
        r
    }

    #[test]
    fn last_line_wins_and_torn_lines_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        {
            let j = Journal::open(dir.path(), Sharing::Exclusive, None).unwrap();
            j.put(&rec("a", State::Submitted)).unwrap();
            j.put(&rec("b", State::Submitted)).unwrap();
            j.put(&rec("a", State::Done)).unwrap();
        }
        // Simulate a kill in the middle of a write.
        let mut f = OpenOptions::new()
            .append(true)
            .open(journal_path(dir.path()))
            .unwrap();
        f.write_all(br#"{"key":"b","input":"b.pdf","na"#).unwrap();
        drop(f);
        let j = Journal::open(dir.path(), Sharing::Exclusive, None).unwrap();
        assert_eq!(j.get("a").unwrap().state, State::Done);
        assert_eq!(j.get("b").unwrap().state, State::Submitted);
        drop(j);
        let lines = fs::read_to_string(journal_path(dir.path())).unwrap();
        assert_eq!(lines.lines().count(), 2, "compacted: {lines}");
        assert_eq!(read(dir.path()).unwrap().len(), 2);
    }

    fn as_json(r: &DocRecord) -> serde_json::Value {
        serde_json::to_value(r).unwrap()
    }

    #[test]
    fn a_record_reads_back_whole_from_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::open(dir.path(), Sharing::Exclusive, None).unwrap();
        let mut full = rec("a", State::WaitingFile);
        full.upload = Some(Upload {
            url: "https://oss.example/up?sig=1".into(),
            issued_at: 7,
            done: false,
        });
        full.options = Some(ExtractOptions {
            pages: Some(crate::options::PageRanges::parse("1-2,4").unwrap()),
            batch_api: crate::options::BatchApi::parse("on"),
            keep_headers: true,
            extra_formats: vec!["docx".into()],
            ..ExtractOptions::default()
        });
        full.parts = Some(vec![PartRef {
            first: 1,
            last: 2,
            key: "a-1".into(),
            pages: Some(vec![1, 3]),
        }]);
        full.output = Some(PathBuf::from("out/a"));
        j.put(&full).unwrap();
        assert_eq!(as_json(&j.get("a").unwrap()), as_json(&full));
        // Several in one write: each is found at its own line.
        let (b, c) = (rec("b", State::Submitted), rec("c", State::Running));
        j.put_many(&[b.clone(), c.clone()]).unwrap();
        assert_eq!(as_json(&j.get("b").unwrap()), as_json(&b));
        assert_eq!(as_json(&j.get("c").unwrap()), as_json(&c));
        assert!(j.get("d").is_none());
        let updated = j.update("c", |r| r.state = State::Done).unwrap().unwrap();
        assert_eq!(as_json(&j.get("c").unwrap()), as_json(&updated));
        assert_eq!(as_json(&j.get("a").unwrap()), as_json(&full));
        drop(j);
        // A later run finds the same records, compacted or not.
        let j = Journal::open(dir.path(), Sharing::Exclusive, None).unwrap();
        assert_eq!(as_json(&j.get("a").unwrap()), as_json(&full));
        assert_eq!(j.get("c").unwrap().state, State::Done);
        j.put(&rec("e", State::Submitted)).unwrap();
        assert_eq!(j.get("e").unwrap().state, State::Submitted);
        assert_eq!(j.get("c").unwrap().state, State::Done);
    }

    #[test]
    fn sharers_find_their_own_lines_between_the_others_appends() {
        let dir = tempfile::tempdir().unwrap();
        let a = Journal::open(dir.path(), Sharing::Shared, None).unwrap();
        let b = Journal::open(dir.path(), Sharing::Shared, None).unwrap();
        for i in 0..20 {
            let state = if i % 2 == 0 {
                State::Running
            } else {
                State::Done
            };
            a.put(&rec(&format!("a{}", i % 3), state)).unwrap();
            b.put_many(&[rec(&format!("b{i}"), state), rec("b", state)])
                .unwrap();
            // Each found where it was written, not by reading the file through.
            for (j, key) in [
                (&a, format!("a{}", i % 3)),
                (&b, format!("b{i}")),
                (&b, "b".into()),
            ] {
                let place = lock_records(j)[&key];
                let rec = read_at(&mut j.reader.lock().unwrap(), place).unwrap();
                assert_eq!((rec.key.as_str(), rec.state), (key.as_str(), state));
            }
            assert_eq!(a.get(&format!("a{}", i % 3)).unwrap().state, state);
            assert_eq!(b.get("b").unwrap().state, state);
            assert_eq!(b.get(&format!("b{i}")).unwrap().key, format!("b{i}"));
        }
        // What the other wrote is not in a sharer's own index.
        assert!(a.get("b").is_none());
    }

    #[test]
    fn a_line_not_where_it_was_written_is_looked_for() {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::open(dir.path(), Sharing::Exclusive, None).unwrap();
        j.put(&rec("a", State::Running)).unwrap();
        j.put(&rec("b", State::Running)).unwrap();
        j.put(&rec("a", State::Done)).unwrap();
        // As if the platform had not told where the append landed.
        lock_records(&j).insert("a".into(), Place { at: 0, len: 10 });
        assert_eq!(j.get("a").unwrap().state, State::Done);
        let b_place = lock_records(&j)["b"];
        lock_records(&j).insert("a".into(), b_place);
        assert_eq!(j.get("a").unwrap().state, State::Done);
        // Found, it is known where it is from then on.
        assert_ne!(lock_records(&j)["a"], b_place);
        assert_eq!(
            read_at(&mut j.reader.lock().unwrap(), lock_records(&j)["a"])
                .unwrap()
                .state,
            State::Done
        );
    }

    fn lock_records(j: &Journal) -> std::sync::MutexGuard<'_, HashMap<String, Place>> {
        j.records.lock().unwrap()
    }

    #[test]
    fn a_last_line_without_its_newline_is_rewritten_before_appending() {
        let dir = tempfile::tempdir().unwrap();
        {
            let j = Journal::open(dir.path(), Sharing::Exclusive, None).unwrap();
            j.put(&rec("a", State::Submitted)).unwrap();
        }
        // A kill between the record and its newline.
        let text = fs::read_to_string(journal_path(dir.path())).unwrap();
        fs::write(journal_path(dir.path()), text.trim_end()).unwrap();
        {
            let j = Journal::open(dir.path(), Sharing::Shared, None).unwrap();
            j.put(&rec("b", State::Submitted)).unwrap();
        }
        let j = Journal::open(dir.path(), Sharing::Exclusive, None).unwrap();
        assert!(j.get("a").is_some() && j.get("b").is_some());
    }

    #[test]
    fn held_answers_survive_until_released() {
        let dir = tempfile::tempdir().unwrap();
        let result = ResultRef::Inline {
            text: "paid for".into(),
            format: crate::options::Format::Markdown,
        };
        {
            let j = Journal::open(dir.path(), Sharing::Exclusive, None).unwrap();
            j.hold("k", &result).unwrap();
        }
        let j = Journal::open(dir.path(), Sharing::Exclusive, None).unwrap();
        assert_eq!(j.held("k"), Some(result));
        j.release("k");
        assert_eq!(j.held("k"), None);
    }

    #[test]
    fn a_second_writer_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let _first = Journal::open(dir.path(), Sharing::Exclusive, None).unwrap();
        let err = Journal::open(dir.path(), Sharing::Exclusive, None)
            .err()
            .expect("locked");
        assert!(format!("{err:#}").contains("another docpipe batch"));
        let err = Journal::open(dir.path(), Sharing::Shared, None)
            .err()
            .expect("locked");
        assert!(format!("{err:#}").contains("another docpipe batch"));
    }

    #[test]
    fn sharers_append_together_and_old_finished_records_are_pruned() {
        let dir = tempfile::tempdir().unwrap();
        {
            let j = Journal::open(dir.path(), Sharing::Exclusive, None).unwrap();
            let mut old = rec("old", State::Done);
            old.updated_at = 1;
            j.put(&old).unwrap();
            let mut waiting = rec("waiting", State::Running);
            waiting.updated_at = 1;
            j.put(&waiting).unwrap();
        }
        let a = Journal::open(dir.path(), Sharing::Shared, Some(30)).unwrap();
        assert!(a.get("old").is_none(), "finished and older than 30 days");
        assert!(a.get("waiting").is_some(), "unfinished records are kept");
        let b = Journal::open(dir.path(), Sharing::Shared, Some(30)).unwrap();
        a.put(&rec("a", State::Done)).unwrap();
        b.put(&rec("b", State::Done)).unwrap();
        // A batch cannot take a folder that sharers are writing.
        assert!(Journal::open(dir.path(), Sharing::Exclusive, None).is_err());
        drop((a, b));
        let all = read(dir.path()).unwrap();
        let keys: Vec<&str> = all.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys.len(), 3, "{keys:?}");
    }
}
