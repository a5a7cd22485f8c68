//! Submission, on one thread: provider batch calls where there is a batch
//! API (cut by count and bytes), single tasks `--concurrency` at once, signed
//! uploads; every request's intent and answer recorded before anything waits.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use anyhow::Result;

use super::{is_run_wide, lock, Engine, Group};
use crate::error::{self, Error, Kind};
use crate::input::Document;
use crate::journal::DocRecord;
use crate::options::ExtractOptions;
use crate::pipeline::plan::Planned;
use crate::pipeline::report::Line;
use crate::progress::Stage;
use crate::provider::{self, ResultRef, State, Submitted, TaskRef};
use crate::record;
use crate::transfer;

fn is_answer_lost(e: &anyhow::Error) -> bool {
    e.chain()
        .any(|c| c.downcast_ref::<crate::http::AnswerLost>().is_some())
}

impl Engine<'_> {
    pub(super) fn submit_all(&self, new: Vec<Planned>, resumed: Vec<DocRecord>) -> Result<()> {
        // Documents already submitted: upload what is still owed, then follow.
        let mut owed = Vec::new();
        let mut by_batch: BTreeMap<String, HashMap<String, String>> = BTreeMap::new();
        for rec in resumed {
            self.step(&rec, "resumed: polling again, not resubmitting");
            if let Some(u) = rec.upload_owed() {
                if let Some(doc) = lock(&self.state.docs).get(&rec.key).cloned() {
                    owed.push((rec.key.clone(), u.url.clone(), doc));
                }
            }
            match (&rec.batch_id, rec.task()) {
                // A batch ID fetched without a record has no item key: it is
                // asked about as a task of its own.
                (Some(b), _) if rec.item.is_some() => {
                    by_batch
                        .entry(b.clone())
                        .or_default()
                        .insert(rec.item.clone().unwrap_or_default(), rec.key.clone());
                }
                (_, Some(task)) => self.track(Group::Task {
                    task,
                    key: rec.key.clone(),
                }),
                (_, None) => {}
            }
        }
        for (id, members) in by_batch {
            self.track(Group::Batch { id, members });
        }

        // New documents: in provider batches where there is a batch API and
        // more than one document to share a call.
        let mut groups: BTreeMap<String, Vec<Planned>> = BTreeMap::new();
        let mut singles = Vec::new();
        for p in new {
            // A document with options of its own cannot share a batch call.
            match self.provider.batch_group(&p.doc, &self.opts) {
                Some(g) if p.opts.is_none() => groups.entry(g).or_default().push(p),
                _ => singles.push(p),
            }
        }
        // All batch calls first, a quick burst: the provider starts on URLs at
        // once, and the moments in which a stop could catch a call in flight are
        // over before the long uploads begin.
        // Sizes as the config may override them (`[providers.NAME] max_batch`).
        let chunk = self.provider.limits().max_batch.unwrap_or(200).max(1);
        let max_bytes = self.provider.batch_max_bytes();
        let mut batched = Vec::new();
        for (_, docs) in groups {
            // Too few to be worth a batch (Mistral's jobs start slowly): one by one.
            if docs.len() < self.provider.batch_min(&self.opts).max(1) {
                singles.extend(docs);
            } else {
                batched.push(docs);
            }
        }
        for docs in batched {
            // Bytes of local files only: a URL is fetched by the provider.
            let local_bytes = |p: &Planned| p.doc.size.filter(|_| p.doc.path().is_some());
            for part in batch_chunks(&docs, |p| local_bytes(p).unwrap_or(0), chunk, max_bytes) {
                if self.is_fatal() {
                    break;
                }
                owed.extend(self.submit_batch(part)?);
            }
        }
        self.upload_all(owed);
        self.submit_singles(singles)
    }

    /// Held from a creating request until its answer is recorded: a signal
    /// waits for it (interrupt.rs). A synchronous call makes no task to record,
    /// so a stop does not wait for it.
    fn in_flight(&self) -> Option<crate::interrupt::InFlight> {
        (self.provider.info().mode == provider::Mode::Async).then(crate::interrupt::submitting)
    }

    /// A new record of a document of this run: who it is, where it goes, and
    /// the command and options that deliver it.
    pub(super) fn fresh_record(
        &self,
        key: &str,
        doc: &Document,
        opts: &ExtractOptions,
    ) -> DocRecord {
        let mut rec = DocRecord::new(
            key,
            &doc.input,
            &doc.name,
            &doc.sha256,
            self.provider.info().name,
        );
        rec.base_url = self.provider.base_url().to_string();
        rec.command = Some(self.command.to_string());
        rec.options = Some(opts.clone());
        rec
    }

    /// The record of a document about to be submitted, marked as being sent.
    fn new_record(&self, p: &Planned) -> DocRecord {
        let previous = self.journal.get(&p.key);
        let mut rec = self.fresh_record(&p.key, &p.doc, p.opts.as_ref().unwrap_or(&self.opts));
        rec.parent = self.part_of(&p.key).map(|part| part.parent);
        rec.submissions = previous.map_or(0, |r| r.submissions) + 1;
        rec.sending = Some(record::now());
        rec.submitted_at = rec.sending;
        rec
    }

    /// One batch call, recorded at once; returns the uploads it owes.
    fn submit_batch(&self, part: &[Planned]) -> Result<Vec<(String, String, Document)>> {
        let mut recs: Vec<DocRecord> = part.iter().map(|p| self.new_record(p)).collect();
        // The intent is on record before the request: a kill -9 while it is in
        // flight leaves documents the rerun can name (see `triage`).
        self.journal.put_many(&recs)?;
        let docs: Vec<&Document> = part.iter().map(|p| &p.doc).collect();
        // A batch call creates billable work whatever the provider's mode
        // (Mistral's jobs, though its direct calls are synchronous).
        let in_flight = Some(crate::interrupt::submitting());
        let answer = match self.provider.submit_batch(&docs, &self.opts) {
            Ok(a) => a,
            Err(e) => {
                drop(in_flight);
                for (p, rec) in part.iter().zip(&recs) {
                    self.submission_failed(p, rec, &e);
                }
                return if is_run_wide(&e) {
                    Err(e)
                } else {
                    Ok(Vec::new())
                };
            }
        };
        let provider = self.provider.info().name;
        for (rec, (item, upload)) in recs.iter_mut().zip(&answer.items) {
            let task = TaskRef::batch_item(provider, answer.batch_id.clone(), item.clone());
            rec.mark_submitted(&task, upload.as_ref().map(|u| u.url.as_str()));
        }
        self.journal.put_many(&recs)?;
        drop(in_flight);
        self.store.put_run(&answer.batch_id, &self.journal_dir)?;
        lock(&self.state.batch_ids).push(answer.batch_id.clone());
        let mut owed = Vec::new();
        let mut members = HashMap::new();
        let now = std::time::Instant::now();
        for ((rec, p), (item, upload)) in recs.iter().zip(part).zip(answer.items) {
            // A URL is started on now; a file when its upload arrives.
            lock(&self.state.forecast).started(&rec.key, now);
            self.step(rec, &format!("submitted in batch {}", answer.batch_id));
            if let Some(u) = upload {
                owed.push((rec.key.clone(), u.url, p.doc.clone()));
            }
            members.insert(item, rec.key.clone());
        }
        self.track(Group::Batch {
            id: answer.batch_id,
            members,
        });
        Ok(owed)
    }

    /// Documents of a provider without a batch API (or alone in their group):
    /// one task each, `concurrency` at a time.
    fn submit_singles(&self, singles: Vec<Planned>) -> Result<()> {
        let workers = self.settings.concurrency.min(singles.len());
        let queue = Mutex::new(singles.into_iter());
        std::thread::scope(|s| {
            for _ in 0..workers {
                s.spawn(|| loop {
                    if self.is_fatal() {
                        break;
                    }
                    let next = lock(&queue).next();
                    let Some(p) = next else { break };
                    if let Err(e) = self.submit_single(&p) {
                        self.set_fatal(e);
                    }
                });
            }
        });
        Ok(())
    }

    fn submit_single(&self, p: &Planned) -> Result<()> {
        let mut rec = self.new_record(p);
        let async_mode = self.provider.info().mode == provider::Mode::Async;
        if async_mode {
            self.journal.put(&rec)?;
        }
        if async_mode {
            self.step(&rec, "submitting");
        } else if let Some(p) = self.doc_progress(&rec) {
            // A synchronous answer: the provider (or this process) is at work.
            p.stage(Stage::Running);
        }
        let in_flight = self.in_flight();
        let opts = p.opts.as_ref().unwrap_or(&self.opts);
        // A multipart upload inside the provider's call shows its bytes too.
        let meter = self.meter(&rec, "uploading");
        let submitted = match meter.scope(|| self.provider.submit(&p.doc, opts)) {
            Ok(s) => s,
            Err(e) => {
                drop(in_flight);
                self.submission_failed(p, &rec, &e);
                return if is_run_wide(&e) { Err(e) } else { Ok(()) };
            }
        };
        rec.sending = None;
        match submitted {
            Submitted::Done(result) => {
                if let ResultRef::Pages(set) = &result {
                    let skipped = set.skipped();
                    for (page, why) in &skipped {
                        self.ctx
                            .reporter
                            .warn(&format!("{}: page {page} left out: {why}", rec.input));
                    }
                    rec.pages_skipped = Some(skipped.into_iter().map(|(p, _)| p).collect());
                }
                // Paid for: held before anything else can fail. An answer made
                // in this process is not kept: it costs nothing to make again,
                // and a kept one would outlive the build that made it.
                if !self.in_process() {
                    self.journal.hold(&rec.key, &result)?;
                }
                rec.state = State::Done;
                self.journal.put(&rec)?;
                drop(in_flight);
                self.download(&rec.key, &result);
            }
            Submitted::Task { task, upload } => {
                rec.mark_submitted(&task, upload.as_ref().map(|u| u.url.as_str()));
                self.journal.put(&rec)?;
                drop(in_flight);
                self.store.put_run(&task.id, &self.journal_dir)?;
                self.step(&rec, &format!("submitted as {}", task.id));
                lock(&self.state.forecast).started(&rec.key, std::time::Instant::now());
                if let Some(u) = upload {
                    self.upload_one(&rec.key, &u.url, &p.doc);
                }
                self.track(Group::Task { task, key: rec.key });
            }
        }
        Ok(())
    }

    /// A creating request that failed. The provider refusing the document
    /// itself fails it (exit 4, recorded); anything else leaves it unsubmitted
    /// for a plain rerun — with a warning when the request may have reached the
    /// provider (its answer was lost).
    fn submission_failed(&self, p: &Planned, rec: &DocRecord, cause: &anyhow::Error) {
        let typed = error::typed(cause);
        let kind = typed.map_or(Kind::Other, |t| t.kind.clone());
        let mut rec = rec.clone();
        rec.error = Some(format!("{cause:#}"));
        let lost = is_answer_lost(cause);
        if !lost {
            // Nothing was created: the rerun submits it without a warning.
            rec.sending = None;
        }
        if kind == Kind::Input {
            rec.state = State::Failed;
            let _ = self.journal.put(&rec);
            // The provider's own hint (e.g. which provider can take it) wins.
            let hint = typed.and_then(|t| t.hint.clone()).unwrap_or_else(|| {
                "check the file's size, type and page count against `docpipe providers`".into()
            });
            let err = anyhow::anyhow!("{cause:#}").context(
                Error::input(&p.doc.input, format!("{} refused it", rec.provider)).with_hint(hint),
            );
            self.failed_with(&rec, err);
            return;
        }
        let _ = self.journal.put(&rec);
        let message = if lost {
            format!(
                "{}: not submitted: the answer to the submission was lost, so {} may or may not have created a task",
                p.doc.input, rec.provider
            )
        } else {
            format!("{}: not submitted", p.doc.input)
        };
        let again =
            "run the same command again: documents already recorded are not submitted twice";
        let hint = match typed.and_then(|t| t.hint.as_deref()) {
            Some(h) => format!("{h}; then {again}"),
            None => again.to_string(),
        };
        let err = anyhow::anyhow!("{cause:#}").context(Error::new(kind, message).with_hint(hint));
        self.fail_unsent(&rec.key, &p.doc.input, err, true);
    }

    /// Reports a document that has no task: printed, counted, its line emitted.
    pub(super) fn fail_unsent(&self, key: &str, input: &str, err: anyhow::Error, count: bool) {
        crate::messages::error(&err);
        let why = format!("{err:#}");
        self.settle_progress(key, |p| p.failed("not submitted"));
        {
            let mut s = lock(&self.state.summary);
            if count {
                s.unsent += 1;
            }
            s.errors.push(err);
        }
        let provider = self.provider.info().name;
        self.report(key, |i| {
            Line::not_submitted(i, input, provider, why.clone())
        });
    }

    fn upload_all(&self, owed: Vec<(String, String, Document)>) {
        let workers = self.settings.concurrency.min(owed.len());
        let queue = Mutex::new(owed.into_iter());
        std::thread::scope(|s| {
            for _ in 0..workers {
                s.spawn(|| loop {
                    let next = lock(&queue).next();
                    let Some((key, url, doc)) = next else { break };
                    self.upload_one(&key, &url, &doc);
                });
            }
        });
    }

    fn upload_one(&self, key: &str, url: &str, doc: &Document) {
        let Some(upload) = provider::SignedUpload::of(doc, url.to_string()) else {
            return;
        };
        let mut meter = transfer::Meter::none();
        if let Some(rec) = self.journal.get(key) {
            self.step(
                &rec,
                &format!("uploading {}", provider::human_bytes(upload.size)),
            );
            meter = self.meter(&rec, "uploading");
        }
        match transfer::put_signed(&self.ctx.http, &upload, &meter) {
            Ok(()) => {
                lock(&self.state.forecast).started(key, std::time::Instant::now());
                let _ = self.journal.update(key, |r| {
                    if let Some(u) = r.upload.as_mut() {
                        u.done = true;
                    }
                    if r.state == State::WaitingFile {
                        r.state = State::Pending;
                    }
                });
            }
            Err(e) => {
                // Left owed: a rerun uploads again to the same URL while it is valid.
                let err = e.context(format!(
                    "{}: upload failed; run the same command again to upload it to the same task",
                    doc.input
                ));
                crate::messages::error(&err);
                self.untrack(key);
                self.settle_progress(key, |p| p.failed("upload failed"));
                let why = format!("{err:#}");
                lock(&self.state.summary).errors.push(err);
                if let Some(rec) = self.journal.get(key) {
                    self.report(key, |i| {
                        let mut l = Line::of(i, &rec);
                        l.error = Some(why.clone());
                        l
                    });
                }
            }
        }
    }

    fn track(&self, group: Group) {
        let (id, key) = match &group {
            Group::Batch { id, members } => (id.clone(), members.values().next().cloned()),
            Group::Task { task, key } => (task.id.clone(), Some(key.clone())),
        };
        let input = key
            .and_then(|k| self.journal.get(&k))
            .map(|r| r.input)
            .unwrap_or_default();
        crate::interrupt::track(&id, &input);
        lock(&self.state.groups).push(group);
        // The polling loop gives it a beat of its own.
        self.wake();
    }

    pub(super) fn untrack(&self, key: &str) {
        let mut groups = lock(&self.state.groups);
        for g in groups.iter_mut() {
            if let Group::Batch { members, .. } = g {
                members.retain(|_, k| k != key);
            }
        }
        groups.retain(|g| {
            let keep = !g.is_empty() && !matches!(g, Group::Task { key: k, .. } if k == key);
            if !keep {
                match g {
                    Group::Batch { id, .. } => crate::interrupt::untrack(id),
                    Group::Task { task, .. } => crate::interrupt::untrack(&task.id),
                }
            }
            keep
        });
    }
}

/// Consecutive runs of `items` with at most `count` items and, when `max_bytes`
/// is set, at most that many bytes by `size` (an item bigger than that alone
/// goes in a run of its own).
fn batch_chunks<T>(
    items: &[T],
    size: impl Fn(&T) -> u64,
    count: usize,
    max_bytes: Option<u64>,
) -> Vec<&[T]> {
    let mut parts = Vec::new();
    let (mut start, mut bytes) = (0, 0u64);
    for (i, item) in items.iter().enumerate() {
        let n = size(item);
        let full = i - start >= count.max(1)
            || max_bytes.is_some_and(|m| i > start && bytes.saturating_add(n) > m);
        if full {
            parts.push(&items[start..i]);
            (start, bytes) = (i, 0);
        }
        bytes = bytes.saturating_add(n);
    }
    if start < items.len() {
        parts.push(&items[start..]);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::batch_chunks;

    #[test]
    fn batches_are_cut_by_count_and_by_bytes() {
        let sizes = [5u64, 5, 5, 5, 5];
        let lens = |parts: Vec<&[u64]>| parts.iter().map(|p| p.len()).collect::<Vec<_>>();
        assert_eq!(lens(batch_chunks(&sizes, |s| *s, 2, None)), [2, 2, 1]);
        assert_eq!(lens(batch_chunks(&sizes, |s| *s, 10, Some(12))), [2, 2, 1]);
        assert_eq!(lens(batch_chunks(&sizes, |s| *s, 10, Some(25))), [5]);
        // One item over the cap still goes, alone.
        let big = [3u64, 40, 3];
        assert_eq!(lens(batch_chunks(&big, |s| *s, 10, Some(10))), [1, 1, 1]);
        assert!(batch_chunks(&[] as &[u64], |s| *s, 10, None).is_empty());
    }
}
