//! Delivery: each result downloaded and written where the run puts it, a split
//! document's parts stitched into one result, failures recorded, and the one
//! JSON line per input emitted.

use std::sync::Arc;

use anyhow::Result;

use super::{failure_error, lock, Engine};
use crate::deliver::{self, Item, Layout};
use crate::error::{self, Error, Kind};
use crate::journal::DocRecord;
use crate::pipeline::report::Line;
use crate::progress::Stage;
use crate::provider::{ResultRef, State, TaskRef};
use crate::span::Span;
use crate::transfer;

impl Engine<'_> {
    fn part_results(&self, parent: &str) -> Result<Arc<crate::output::Outputs>> {
        let root = self.parts_dir(parent).join("results");
        Ok(Arc::new(crate::output::Outputs::open_unindexed(&root)?))
    }

    /// Stitches a split document once every part's result is in, and delivers
    /// it as one result.
    pub(super) fn stitch_when_whole(&self, parent: &str) {
        let Some(rec) = self.journal.get(parent) else {
            return;
        };
        let Some(parts) = rec.parts.clone() else {
            return;
        };
        let mut pieces = Vec::new();
        for part in &parts {
            let Some(r) = self.journal.get(&part.key) else {
                return;
            };
            match r.output.filter(|o| r.state == State::Done && o.is_dir()) {
                Some(dir) => pieces.push(crate::stitch::Part {
                    dir,
                    first_page: part.first,
                    last_page: part.last,
                    pages: part.pages.clone(),
                }),
                None => return,
            }
        }
        if !lock(&self.state.stitching).insert(parent.to_string()) {
            return;
        }
        let dest = self.parts_dir(parent).join("stitched");
        let _ = std::fs::remove_dir_all(&dest);
        let stitched = std::fs::create_dir_all(&dest)
            .map_err(anyhow::Error::from)
            .and_then(|()| crate::stitch::stitch(&pieces, &dest));
        match stitched {
            Ok(notes) => {
                for note in notes {
                    self.ctx.reporter.warn(&format!("{}: {note}", rec.input));
                }
                self.download(parent, &ResultRef::Folder { path: dest })
            }
            Err(e) => {
                let err = e.context(format!(
                    "{}: cannot join its parts (they stay in {}; the same command again retries)",
                    rec.input,
                    self.parts_dir(parent).display()
                ));
                crate::messages::error(&err);
                let why = format!("{err:#}");
                self.settle_progress(parent, |p| p.failed("its parts could not be joined"));
                lock(&self.state.summary).errors.push(err);
                self.report(parent, |i| Line::of(i, &rec).failed(why.clone()));
            }
        }
    }

    pub(super) fn download(&self, key: &str, result: &ResultRef) {
        self.deliver_from(key, result, None);
    }

    /// Writes `key`'s result; `local`: its file is already on this machine
    /// (a cache entry's payload, read where it lies), not downloaded.
    pub(super) fn deliver_from(&self, key: &str, result: &ResultRef, local: Option<&Span>) {
        self.deliver_all(key, result, local, None);
        // A table spooled to a temporary file served every output: gone now.
        if let ResultRef::Spooled { path, .. } = result {
            let _ = std::fs::remove_file(path);
        }
    }

    /// The network half of a delivery, on a download worker: the result's
    /// file downloaded (a zip checked to open) to a temporary file, so that
    /// it is written on another worker while the next download streams.
    /// None: nothing to download (an answer in hand, a file on this machine).
    pub(super) fn prefetch(
        &self,
        key: &str,
        result: &ResultRef,
    ) -> Option<Result<tempfile::NamedTempFile>> {
        let (url, referer, zip) = match result {
            ResultRef::Zip { url, referer } => (url, referer.as_deref(), true),
            ResultRef::Markdown { url, referer } => (url, referer.as_deref(), false),
            ResultRef::File { url, .. } => (url, None, false),
            _ => return None,
        };
        let rec = self.journal.get(key)?;
        let meter = self.download_meter(&rec);
        let dir = match self.download_dir(&rec) {
            Ok(dir) => dir,
            Err(e) => return Some(Err(e)),
        };
        let http = &self.ctx.http;
        Some(if zip {
            transfer::download_zip(http, url, referer, &dir, &meter)
        } else {
            transfer::download(http, url, referer, &dir, &meter)
        })
    }

    /// The writing half: a result a download worker fetched.
    pub(super) fn deliver_fetched(&self, (key, result, file): super::Fetched) {
        self.deliver_all(&key, &result, None, Some(file));
    }

    /// Where a download waits to be written: beside the result cache's
    /// entries when it is kept there, else in the folder it is written to.
    fn download_dir(&self, rec: &DocRecord) -> Result<std::path::PathBuf> {
        if let Some(part) = self.part_of(&rec.key) {
            return Ok(self.part_results(&part.parent)?.root().to_path_buf());
        }
        if let Some(cache) = self.cache().filter(|_| !self.was_cached(&rec.key)) {
            let tmp = cache.scratch();
            if tmp.is_dir() {
                return Ok(tmp);
            }
        }
        Ok(match &self.layout {
            Layout::Files(o) | Layout::Folders(o) => o.root().to_path_buf(),
            Layout::Stdout => std::env::temp_dir(),
        })
    }

    /// A document's download on its progress line. A part downloads while
    /// others still run: its document's line shows downloading only for the
    /// last one.
    fn download_meter(&self, rec: &DocRecord) -> transfer::Meter {
        let key = rec.key.as_str();
        let last_part = self.part_of(key).is_none_or(|p| {
            self.journal
                .get(&p.parent)
                .and_then(|r| r.parts)
                .is_some_and(|parts| {
                    parts.iter().all(|r| {
                        r.key == key
                            || self
                                .journal
                                .get(&r.key)
                                .is_some_and(|x| x.state == State::Done)
                    })
                })
        });
        match self.doc_progress(rec).filter(|_| last_part) {
            Some(p) => {
                p.step("downloading");
                self.meter(rec, "downloading")
            }
            None => transfer::Meter::none(),
        }
    }

    fn deliver_all(
        &self,
        key: &str,
        result: &ResultRef,
        local: Option<&Span>,
        fetched: Option<Result<tempfile::NamedTempFile>>,
    ) {
        let Some(rec) = self.journal.get(key) else {
            return;
        };
        let downloads = local.is_none()
            && fetched.is_none()
            && matches!(
                result,
                ResultRef::Zip { .. } | ResultRef::Markdown { .. } | ResultRef::File { .. }
            );
        let part = self.part_of(key);
        let meter = if downloads {
            self.download_meter(&rec)
        } else {
            transfer::Meter::none()
        };
        let (layout, exact) = match &part {
            // A part's result waits, whole, beside its document's other parts.
            Some(p) => match self.part_results(&p.parent) {
                Ok(out) => (Layout::Folders(out), None),
                Err(e) => {
                    self.failed_with(
                        &rec,
                        e.context(format!("{}: cannot save a part", rec.input)),
                    );
                    return;
                }
            },
            None => (self.layout.clone(), self.exact.as_deref()),
        };
        let from_cache = self.was_cached(key);
        let delivered = match (local, fetched) {
            (Some(path), _) => Ok((None, Some(path))),
            (None, Some(Err(e))) => Err(e),
            (None, fetched) => self
                .keep_in_cache(&rec, result, &meter, fetched.and_then(Result::ok))
                .and_then(|kept| Ok((kept.map(Span::temporary).transpose()?, None))),
        };
        let delivered = delivered.and_then(|(kept, local)| {
            let item = Item {
                name: &rec.name,
                sha256: &rec.sha256,
                format: &self.opts.format,
                exact,
                no_images: part.is_none() && self.opts.no_images,
                meter: &meter,
                local: local.or(kept.as_ref()),
            };
            let d = deliver::deliver(&self.ctx.http, result, &item, &layout)?;
            if part.is_none() {
                self.deliver_twins(key, result, &item);
            }
            Ok(d)
        });
        match delivered {
            Ok(d) if part.is_some() => {
                let _ = self.journal.update(key, |r| {
                    r.state = State::Done;
                    r.output = d.output.clone();
                    r.error = None;
                });
                if let Some(p) = part {
                    self.stitch_when_whole(&p.parent);
                }
            }
            Ok(d) => {
                let rec = self
                    .journal
                    .update(key, |r| {
                        r.state = State::Done;
                        r.output = d.output.clone();
                        r.markdown = d.markdown_path.clone();
                        r.error = None;
                    })
                    .ok()
                    .flatten()
                    .unwrap_or(rec);
                if !self.keep_held {
                    self.journal.release(key);
                }
                if let Some(parts) = &rec.parts {
                    // Whole and in place: the parts' files are not needed any
                    // more (their records stay: a rerun skips the document).
                    if !self.keep_held {
                        for part in parts {
                            self.journal.release(&part.key);
                        }
                    }
                    let _ = std::fs::remove_dir_all(self.parts_dir(key));
                }
                lock(&self.state.summary).done += 1;
                let mut place = rec
                    .output
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| "printed".into());
                if from_cache {
                    place.push_str(" (from cache)");
                }
                self.settle_progress(key, |p| p.done(&place));
                let text = d.text;
                self.report(key, |i| {
                    let mut l = Line::of(i, &rec);
                    l.cached = from_cache;
                    if let Some(t) = &text {
                        l.markdown = Some(t.clone());
                        l.text = Some(t.clone());
                    }
                    l
                });
            }
            Err(e) => {
                // The provider's work is done and paid for: the record keeps it
                // "done" without an output, so a rerun downloads it again
                // instead of resubmitting.
                if from_cache {
                    // The entry may be damaged in a way its verified mark
                    // cannot see: the next hit hashes it again.
                    if let Some(c) = self.cache() {
                        c.distrust(key);
                    }
                }
                let id = rec.task().map(|t| t.id);
                let hint = match &id {
                    Some(id) => format!(
                        "the task is recorded: `docpipe fetch {id}` (or the same command again) downloads it without paying again"
                    ),
                    None => "the answer is kept: run the same command again to write it without paying again".to_string(),
                };
                let hint = if format!("{e:#}").contains("result zip") {
                    format!("the provider's result was refused and nothing was written; report it to the provider ({hint})")
                } else {
                    format!("check the output folder (space, permissions); {hint}")
                };
                // A deadline or a full disk met while saving keeps its own kind
                // (exit 6; the run stops) under the context.
                let kind = error::typed(&e).map_or(Kind::Other, |t| t.kind.clone());
                let err = e.context(
                    Error::new(kind, format!("{}: cannot save the result", rec.input))
                        .with_hint(hint),
                );
                // A full disk meets every later result too: stop after this one.
                if error::ends_run(&err) {
                    self.set_fatal(anyhow::anyhow!("{err:#}"));
                }
                crate::messages::error(&err);
                let why = format!("{err:#}");
                let _ = self.journal.update(key, |r| r.error = Some(why.clone()));
                self.settle_progress(key, |p| p.failed("the result could not be saved"));
                lock(&self.state.summary).errors.push(err);
                self.report(key, |i| Line::of(i, &rec).failed(why.clone()));
            }
        }
    }

    pub(super) fn task_failed(&self, rec: &DocRecord, why: &str, fault: Option<Kind>) {
        let task = rec
            .task()
            .unwrap_or_else(|| TaskRef::task(&rec.provider, String::new()));
        let err: anyhow::Error = failure_error(&rec.input, &task, fault, why).into();
        lock(&self.state.summary)
            .failed
            .push((rec.input.clone(), why.to_string()));
        let mut shown = rec.clone();
        shown.state = State::Failed;
        shown.error = Some(why.to_string());
        self.failed_with(&shown, err);
    }

    pub(super) fn failed_with(&self, rec: &DocRecord, err: anyhow::Error) {
        if let Some(part) = self.part_of(&rec.key) {
            // The document cannot be whole: it is failed (its other parts
            // stay recorded; --retry-failed submits only the failed ones).
            let why = format!("{}: {err:#}", self.part_pages(&part, &rec.key));
            let _ = self.journal.update(&part.parent, |r| {
                r.state = State::Failed;
                r.error = Some(why);
            });
        }
        crate::messages::error(&err);
        let why = rec.error.clone().unwrap_or_else(|| "failed".into());
        self.settle_progress(&rec.key, |p| p.failed(&why));
        let why = format!("{err:#}");
        lock(&self.state.summary).errors.push(err);
        self.report(&rec.key, |i| Line::of(i, rec).failed(why.clone()));
    }

    /// Every document not reported yet (a run stopped by an error every
    /// request would meet, or cancelled): reported as it stands.
    pub fn report_rest(&self) {
        let keys: Vec<String> = lock(&self.state.reports).keys().cloned().collect();
        let why = if self.hooks.cancelled() {
            "cancelled; what was submitted is recorded: the same request again (or fetch with its ID) continues"
        } else {
            "stopped by the error above; run the same command again to continue"
        };
        for key in keys {
            let rec = self.journal.get(&key);
            match rec.filter(|r| r.task().is_some() || r.state == State::Done || r.parts.is_some())
            {
                Some(rec) => {
                    self.settle_progress(&key, |p| {
                        p.settle(Stage::of_state(rec.state), Some(why.to_string()))
                    });
                    self.report(&key, |i| {
                        let mut l = Line::of(i, &rec);
                        l.error = Some(why.to_string());
                        l
                    });
                }
                None => {
                    self.settle_progress(&key, |p| p.settle(Stage::Queued, Some(why.to_string())));
                    let provider = self.provider.info().name;
                    self.report(&key, |i| {
                        let input = lock(&self.state.reports)
                            .get(&key)
                            .and_then(|v| v.iter().find(|(j, _)| *j == i).map(|(_, s)| s.clone()))
                            .unwrap_or_default();
                        Line::not_submitted(i, &input, provider, why.to_string())
                    });
                }
            }
        }
    }

    /// `--dry-run`: reports `line` for every input of `key`, ending its
    /// progress line quietly.
    pub fn report_dry(&self, key: &str, line: &Line) {
        self.settle_progress(key, |p| p.settle(Stage::Queued, Some(line.state.clone())));
        self.report(key, |i| Line {
            index: i,
            ..line.clone()
        });
    }

    /// Emits `line(index)` for every input of the document `key`.
    pub(super) fn report(&self, key: &str, line: impl Fn(usize) -> Line) {
        // A part is reported as its document (the first report wins).
        let part = self.part_of(key);
        let key = part.as_ref().map_or(key, |p| p.parent.as_str());
        let inputs = lock(&self.state.reports)
            .get(key)
            .cloned()
            .unwrap_or_default();
        let mut first: Option<Line> = None;
        for (i, input) in inputs {
            let l = match &first {
                None if part.is_some() => self.with_parts_id(key, line(i)).for_alias(i, &input),
                None => self.with_parts_id(key, line(i)),
                Some(f) => f.for_alias(i, &input),
            };
            if first.is_none() {
                first = Some(l.clone());
            }
            self.emitter.emit(self.twin_line(key, l));
        }
    }

    /// A split document has no task of its own: its line carries the ID of
    /// its first sent part, which `status` takes and `fetch` turns into the
    /// whole document (`adopt_parts`).
    fn with_parts_id(&self, key: &str, mut line: Line) -> Line {
        if line.task_id.is_some() || line.batch_id.is_some() {
            return line;
        }
        let Some(parts) = self.journal.get(key).and_then(|r| r.parts) else {
            return line;
        };
        if let Some(sent) = parts
            .iter()
            .filter_map(|p| self.journal.get(&p.key))
            .find(|r| r.task_id.is_some() || r.batch_id.is_some())
        {
            line.task_id = sent.task_id;
            line.batch_id = sent.batch_id;
        }
        line
    }
}
