//! The task record: every submitted task is written here before anything waits on
//! it, so `status ID` and `fetch ID` work later without `-p`, and nothing paid for
//! is lost when a run is interrupted. One small JSON file per task, replaced
//! atomically, in `<data dir>/docpipe/tasks/`.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::options::ExtractOptions;
use crate::provider::{State, TaskRef};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TaskRecord {
    pub task: TaskRef,
    pub base_url: String,
    pub input: String,
    pub name: String,
    pub sha256: String,
    /// The command that submitted it: `ocr` or `parse`.
    pub command: String,
    pub options: ExtractOptions,
    /// Output path given at submission (absolute), if any.
    pub output: Option<PathBuf>,
    pub state: State,
    pub uploaded: bool,
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub result: Option<PathBuf>,
    #[serde(default)]
    pub pages: Option<u64>,
    pub submitted_at: u64,
    pub updated_at: u64,
}

pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
}

impl Store {
    pub fn open(data_dir: &Path) -> Result<Store> {
        let dir = data_dir.join("tasks");
        fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create the task record folder {}", dir.display()))?;
        Ok(Store { dir })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn file_for(&self, task: &TaskRef) -> PathBuf {
        let mut name = component(&task.id);
        if let Some(item) = &task.item {
            name.push('#');
            name.push_str(&component(item));
        }
        self.dir.join(format!("{name}.json"))
    }

    /// Writes (or replaces) the record of one task, atomically.
    pub fn put(&self, record: &TaskRecord) -> Result<()> {
        let path = self.file_for(&record.task);
        let mut tmp = tempfile::Builder::new()
            .prefix(".record-")
            .tempfile_in(&self.dir)
            .with_context(|| format!("cannot write the task record in {}", self.dir.display()))?;
        // One write, not one per JSON token.
        let mut text = serde_json::to_vec_pretty(record)?;
        text.push(b'\n');
        tmp.write_all(&text)?;
        tmp.persist(&path)
            .with_context(|| format!("cannot write the task record {}", path.display()))?;
        Ok(())
    }

    /// Points a batch or task ID at the batch run whose journal holds its
    /// documents (`docpipe batch` keeps its records in the output folder).
    pub fn put_run(&self, id: &str, run_dir: &Path) -> Result<()> {
        let path = self.dir.join(format!("{}.run", component(id)));
        if path.exists() {
            return Ok(());
        }
        let mut tmp = tempfile::Builder::new()
            .prefix(".run-")
            .tempfile_in(&self.dir)?;
        tmp.write_all(&serde_json::to_vec(
            &serde_json::json!({"id": id, "run_dir": run_dir}),
        )?)?;
        tmp.persist(&path)
            .with_context(|| format!("cannot write the task record {}", path.display()))?;
        Ok(())
    }

    /// The documents of a batch run under this ID, as task records.
    fn find_in_run(&self, id: &str) -> Result<Vec<TaskRecord>> {
        let path = self.dir.join(format!("{}.run", component(id)));
        let Ok(text) = fs::read_to_string(&path) else {
            return Ok(Vec::new());
        };
        let pointer: serde_json::Value = serde_json::from_str(&text)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let Some(run_dir) = pointer
            .get("run_dir")
            .and_then(|v| v.as_str())
            .map(PathBuf::from)
        else {
            return Ok(Vec::new());
        };
        let docs = crate::journal::read(&run_dir)?;
        Ok(docs
            .into_iter()
            .filter(|d| d.batch_id.as_deref() == Some(id) || d.task_id.as_deref() == Some(id))
            .filter_map(|d| {
                Some(TaskRecord {
                    task: d.task()?,
                    base_url: d.base_url,
                    input: d.input,
                    name: d.name,
                    sha256: d.sha256,
                    command: "parse".into(),
                    options: ExtractOptions::default(),
                    output: Some(run_dir.clone()),
                    state: d.state,
                    uploaded: d.upload.as_ref().is_none_or(|u| u.done),
                    error: d.error,
                    result: d.output,
                    pages: d.pages,
                    submitted_at: d.updated_at,
                    updated_at: d.updated_at,
                })
            })
            .collect())
    }

    /// Every record under this ID: one for a task, one per document for a batch.
    pub fn find(&self, id: &str) -> Result<Vec<TaskRecord>> {
        let from_run = self.find_in_run(id)?;
        if !from_run.is_empty() {
            return Ok(from_run);
        }
        let prefix = component(id);
        let mut found = Vec::new();
        let entries = match fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(found),
            Err(e) => return Err(e).context("cannot read the task record"),
        };
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let matches = name == format!("{prefix}.json")
                || (name.starts_with(&format!("{prefix}#")) && name.ends_with(".json"));
            if !matches {
                continue;
            }
            let text = fs::read_to_string(entry.path())?;
            match serde_json::from_str::<TaskRecord>(&text) {
                Ok(rec) if rec.task.id == id => found.push(rec),
                Ok(_) => {}
                Err(e) => eprintln!(
                    "docpipe: warning: skipping unreadable task record {}: {e}",
                    entry.path().display()
                ),
            }
        }
        found.sort_by(|a, b| a.input.cmp(&b.input));
        Ok(found)
    }
}

/// A file-name-safe form of an ID: IDs are usually UUIDs; anything else is escaped
/// so two IDs never share a file.
fn component(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for c in id.chars() {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
            out.push(c);
        } else {
            out.push_str(&format!("%{:02X}", c as u32));
        }
    }
    if out.starts_with('.') {
        out.replace_range(0..1, "%2E");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::IdKind;

    fn rec(id: &str, item: Option<&str>) -> TaskRecord {
        TaskRecord {
            task: TaskRef {
                provider: "mineru".into(),
                id: id.into(),
                kind: if item.is_some() {
                    IdKind::Batch
                } else {
                    IdKind::Task
                },
                item: item.map(str::to_string),
            },
            base_url: "http://x".into(),
            input: "a.pdf".into(),
            name: "a".into(),
            sha256: "00".into(),
            command: "parse".into(),
            options: ExtractOptions::default(),
            output: None,
            state: State::Submitted,
            uploaded: false,
            error: None,
            result: None,
            pages: None,
            submitted_at: now(),
            updated_at: now(),
        }
    }

    #[test]
    fn put_then_find_by_task_and_batch_id() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store.put(&rec("t-1", None)).unwrap();
        store.put(&rec("b-1", Some("a-1234"))).unwrap();
        let mut r = rec("b-1", Some("b-5678"));
        r.state = State::Done;
        store.put(&r).unwrap();
        store.put(&r).unwrap(); // replacing is fine
        assert_eq!(store.find("t-1").unwrap().len(), 1);
        assert_eq!(store.find("b-1").unwrap().len(), 2);
        assert!(store.find("t").unwrap().is_empty());
    }

    #[test]
    fn odd_ids_stay_in_the_folder() {
        assert_eq!(component("../x/y"), "%2E.%2Fx%2Fy");
    }
}
