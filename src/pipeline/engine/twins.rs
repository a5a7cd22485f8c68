//! Twins: later inputs with the content of an earlier one, each written under
//! its own name from the same task or answer (nothing is paid twice).

use std::path::{Path, PathBuf};

use super::{lock, Engine, Twin};
use crate::deliver::{self, Item, Layout};
use crate::journal::DocRecord;
use crate::pipeline::plan::Planned;
use crate::pipeline::report::Line;
use crate::provider::ResultRef;
use crate::transfer;

impl Engine<'_> {
    /// The inputs with this document's content that ask for another name
    /// than its own: each name is claimed now, in input order, like any
    /// document's. One whose name cannot be claimed shares the document's
    /// output, as before twins had their own.
    pub(super) fn claim_twins(&self, p: &Planned) {
        if self.exact.is_some() || self.outputs().is_none() {
            return;
        }
        let mut twins: Vec<Twin> = Vec::new();
        for alias in &p.aliases {
            let Ok(name) = self.claim(&alias.name, &p.doc.sha256) else {
                continue;
            };
            if name == p.doc.name || twins.iter().any(|t| t.name == name) {
                continue;
            }
            twins.push(Twin {
                index: alias.index,
                progress: self.ctx.reporter.doc(&self.label(&name)),
                name,
                settled: false,
                failed: None,
            });
        }
        if !twins.is_empty() {
            lock(&self.state.twins).insert(p.key.clone(), twins);
        }
    }

    fn twins(&self, key: &str) -> Vec<Twin> {
        lock(&self.state.twins)
            .get(key)
            .cloned()
            .unwrap_or_default()
    }

    /// Where a twin's result goes, beside the document's own `main`: the
    /// same kind of file or folder under the twin's name.
    fn twin_output(&self, main: &Path, name: &str) -> Option<PathBuf> {
        let root = self.outputs()?.root();
        Some(match (&self.layout, main.extension()) {
            (Layout::Files(_), Some(ext)) => root.join(format!("{name}.{}", ext.to_string_lossy())),
            _ => root.join(name),
        })
    }

    /// Whether every twin's result of a finished document is there too.
    pub(super) fn twins_in_place(&self, rec: &DocRecord) -> bool {
        let Some(main) = rec.output.as_deref() else {
            return true;
        };
        self.twins(&rec.key).iter().all(|t| {
            self.twin_output(main, &t.name)
                .is_some_and(|p| p.symlink_metadata().is_ok())
        })
    }

    /// A twin's line: its own output (or why it has none) in the document's.
    pub(super) fn twin_line(&self, key: &str, mut line: Line) -> Line {
        let twins = self.twins(key);
        let Some(twin) = twins.iter().find(|t| t.index == line.index) else {
            return line;
        };
        if let Some(why) = &twin.failed {
            return line.failed(why.clone());
        }
        let Some(main) = line.output.clone().map(PathBuf::from) else {
            return line;
        };
        let Some(own) = self.twin_output(&main, &twin.name) else {
            return line;
        };
        line.markdown = line.markdown.map(|md| {
            match Path::new(&md).strip_prefix(&main) {
                // A folder's markdown inside it.
                Ok(inner) if !inner.as_os_str().is_empty() => own.join(inner),
                _ => own.clone(),
            }
            .display()
            .to_string()
        });
        line.output = Some(own.display().to_string());
        line
    }

    /// Writes each twin's result from the document's `result`.
    pub(super) fn deliver_twins(&self, key: &str, result: &ResultRef, item: &Item) {
        for twin in self.twins(key) {
            let own = Item {
                name: &twin.name,
                meter: &transfer::Meter::none(),
                ..*item
            };
            let outcome =
                deliver::deliver(&self.ctx.http, result, &own, &self.layout).map_err(|e| {
                    e.context(format!(
                        "{}: cannot save the result under its own name {}",
                        self.input_at(key, twin.index),
                        twin.name
                    ))
                });
            self.update_twin(key, twin.index, |t| {
                t.settled = true;
                t.failed = outcome.as_ref().err().map(|e| format!("{e:#}"));
            });
            // The progress line is written with no lock held.
            match outcome {
                Ok(d) => {
                    let place = d
                        .output
                        .map(|p| p.display().to_string())
                        .unwrap_or_default();
                    twin.progress.done(&place);
                    lock(&self.state.summary).done += 1;
                }
                Err(err) => {
                    twin.progress.failed("the result could not be saved");
                    crate::messages::error(&err);
                    lock(&self.state.summary).errors.push(err);
                }
            }
        }
    }

    fn update_twin(&self, key: &str, index: usize, change: impl FnOnce(&mut Twin)) {
        if let Some(t) = lock(&self.state.twins)
            .get_mut(key)
            .and_then(|ts| ts.iter_mut().find(|t| t.index == index))
        {
            change(t);
        }
    }

    /// The input given at `index` for a document.
    fn input_at(&self, key: &str, index: usize) -> String {
        lock(&self.state.reports)
            .get(key)
            .and_then(|r| {
                r.iter()
                    .find(|(i, _)| *i == index)
                    .map(|(_, input)| input.clone())
            })
            .unwrap_or_default()
    }
}
