//! Where to find a task by its ID: every submission lands in a run record
//! (`journal.rs`: an output folder's `.docpipe/`, or the data folder's `journal/`
//! for stdout and single-file results), and this folder of pointers,
//! `<data dir>/tasks/<ID>.run`, says which journal holds each task or batch ID.
//! So `status ID` and `fetch ID` work later, from anywhere, without `-p`.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::journal::{self, DocRecord};

pub use crate::journal::now;

#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
    data_dir: PathBuf,
}

/// A recorded document and the record folder (journal) that holds it.
#[derive(Debug, Clone)]
pub struct Found {
    pub rec: DocRecord,
    pub journal: PathBuf,
}

impl Store {
    pub fn open(data_dir: &Path) -> Result<Store> {
        let dir = data_dir.join("tasks");
        fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create the task record folder {}", dir.display()))?;
        Ok(Store {
            dir,
            data_dir: data_dir.to_path_buf(),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The data folder the record lives in.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The record folder for results that have no output folder of their own
    /// (stdout, `ocr -o FILE`).
    pub fn own_journal(&self) -> PathBuf {
        self.data_dir.join("journal")
    }

    fn pointer(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{}.run", component(id)))
    }

    /// Points a batch or task ID at the record folder whose journal holds its
    /// documents. Written once per ID, atomically.
    pub fn put_run(&self, id: &str, journal: &Path) -> Result<()> {
        if self.pointer(id).exists() {
            return Ok(());
        }
        self.point(id, journal)
    }

    /// Points an ID at a journal even when it pointed elsewhere: `fetch -o`
    /// delivers into another folder and records there what it learned, so
    /// `status` must read that record, not the one left behind.
    pub fn move_run(&self, id: &str, journal: &Path) -> Result<()> {
        self.point(id, journal)
    }

    fn point(&self, id: &str, journal: &Path) -> Result<()> {
        let path = self.pointer(id);
        let mut tmp = tempfile::Builder::new()
            .prefix(".run-")
            .tempfile_in(&self.dir)?;
        tmp.write_all(&serde_json::to_vec(
            &serde_json::json!({"id": id, "journal": journal}),
        )?)?;
        tmp.persist(&path)
            .with_context(|| format!("cannot write the task record {}", path.display()))?;
        Ok(())
    }

    /// Every recorded document under this ID: one for a task, one per document
    /// for a batch; empty when docpipe has no record of it.
    pub fn find(&self, id: &str) -> Result<Vec<Found>> {
        let path = self.pointer(id);
        let text = match fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        let pointer: serde_json::Value = serde_json::from_str(&text)
            .with_context(|| format!("cannot read the task record {}", path.display()))?;
        let Some(dir) = pointer
            .get("journal")
            .and_then(|v| v.as_str())
            .map(PathBuf::from)
        else {
            return Ok(Vec::new());
        };
        Ok(journal::read(&dir)?
            .into_iter()
            .filter(|d| d.batch_id.as_deref() == Some(id) || d.task_id.as_deref() == Some(id))
            .map(|rec| Found {
                rec,
                journal: dir.clone(),
            })
            .collect())
    }

    /// The most recently changed documents of every journal docpipe points at,
    /// newest first.
    pub fn recent(&self, limit: usize) -> Result<Vec<Found>> {
        let mut journals = std::collections::BTreeSet::new();
        // Where each ID points: a record left in a journal an ID has moved
        // away from (`move_run`) is stale and not listed.
        let mut pointed: std::collections::HashMap<String, PathBuf> = Default::default();
        for entry in fs::read_dir(&self.dir).context("cannot read the task record")? {
            let path = entry?.path();
            if path.extension().and_then(|e| e.to_str()) != Some("run") {
                continue;
            }
            let Ok(text) = fs::read_to_string(&path) else {
                continue;
            };
            let Ok(pointer) = serde_json::from_str::<serde_json::Value>(&text) else {
                continue;
            };
            if let Some(dir) = pointer
                .get("journal")
                .and_then(|v| v.as_str())
                .map(PathBuf::from)
            {
                if let Some(id) = pointer.get("id").and_then(|v| v.as_str()) {
                    pointed.insert(id.to_string(), dir.clone());
                }
                journals.insert(dir);
            }
        }
        let current = |rec: &DocRecord, dir: &Path| {
            rec.task()
                .is_some_and(|t| pointed.get(&t.id).is_none_or(|d| d == dir))
        };
        let mut all = Vec::new();
        for dir in journals {
            // A folder deleted since is simply gone from the list.
            if let Ok(recs) = journal::read(&dir) {
                // A part of a split document is shown with the document's output.
                let outputs: std::collections::HashMap<String, Option<PathBuf>> = recs
                    .iter()
                    .filter(|r| r.parts.is_some())
                    .map(|r| (r.key.clone(), r.output.clone()))
                    .collect();
                let recs: Vec<journal::DocRecord> = recs
                    .into_iter()
                    .map(|mut r| {
                        if let Some(output) = r.parent.as_ref().and_then(|p| outputs.get(p)) {
                            r.output = output.clone();
                        }
                        r
                    })
                    .collect();
                all.extend(
                    recs.into_iter()
                        .filter(|r| current(r, &dir))
                        .map(|rec| Found {
                            rec,
                            journal: dir.clone(),
                        }),
                );
            }
        }
        all.sort_by_key(|f| std::cmp::Reverse(f.rec.updated_at));
        all.truncate(limit);
        Ok(all)
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
    use crate::journal::{Journal, Sharing};
    use crate::task::State;

    #[test]
    fn ids_point_at_the_journal_that_holds_them() {
        let data = tempfile::tempdir().unwrap();
        let store = Store::open(data.path()).unwrap();
        let run = tempfile::tempdir().unwrap();
        let j = Journal::open(run.path(), Sharing::Exclusive, None).unwrap();
        let mut a = DocRecord::new("ka", "a.pdf", "a", "00", "mineru");
        a.batch_id = Some("b-1".into());
        let mut b = DocRecord::new("kb", "b.pdf", "b", "11", "mineru");
        b.batch_id = Some("b-1".into());
        let mut t = DocRecord::new("kt", "t.pdf", "t", "22", "mistralocr");
        t.task_id = Some("t-1".into());
        t.state = State::Running;
        j.put_many(&[a, b, t]).unwrap();
        store.put_run("b-1", run.path()).unwrap();
        store.put_run("t-1", run.path()).unwrap();
        assert_eq!(store.find("b-1").unwrap().len(), 2);
        assert_eq!(store.find("t-1").unwrap()[0].rec.input, "t.pdf");
        assert!(store.find("t").unwrap().is_empty());
        assert_eq!(store.recent(10).unwrap().len(), 3);
        // Moved by a fetch into another folder: listed from there only.
        let moved = tempfile::tempdir().unwrap();
        let j2 = Journal::open(moved.path(), Sharing::Exclusive, None).unwrap();
        let mut t2 = DocRecord::new("kt", "t.pdf", "t", "22", "mistralocr");
        t2.task_id = Some("t-1".into());
        t2.state = State::Done;
        j2.put(&t2).unwrap();
        store.move_run("t-1", moved.path()).unwrap();
        let recent = store.recent(10).unwrap();
        assert_eq!(recent.len(), 3);
        let t = recent.iter().find(|f| f.rec.input == "t.pdf").unwrap();
        assert_eq!(
            (t.rec.state, t.journal.as_path()),
            (State::Done, moved.path())
        );
    }

    #[test]
    fn odd_ids_stay_in_the_folder() {
        assert_eq!(component("../x/y"), "%2E.%2Fx%2Fy");
    }
}
