//! Triage: each planned document judged against the record (new, resumed,
//! held, skipped, failed earlier) and the page budget; a PDF over the
//! provider's limits planned as parts (`plan_parts`), and a split document
//! fetched by a part's ID taken whole (`adopt_parts`).

use std::path::Path;

use anyhow::{Context, Result};

use super::{lock, Engine, PartOf, Work};
use crate::deliver::Layout;
use crate::error::{Error, Kind};
use crate::journal::{DocRecord, PartRef};
use crate::pipeline::plan::Planned;
use crate::pipeline::report::Line;
use crate::provider::{self, State};
use crate::record;

/// Signed upload URLs live 24 h; one older than this is not trusted any more.
const UPLOAD_URL_TRUST: u64 = 23 * 3600;

impl Engine<'_> {
    /// The suffix an output name is claimed with: a folder, or a file by format.
    fn claim_suffix(&self) -> String {
        match &self.layout {
            Layout::Files(_) => format!(".{}", self.opts.format.extension()),
            _ => String::new(),
        }
    }

    pub(super) fn claim(&self, name: &str, sha256: &str) -> Result<String> {
        if let Some(exact) = &self.exact {
            return Ok(Path::new(exact)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| exact.clone()));
        }
        match self.outputs() {
            Some(out) => out.claim(name, sha256, &self.claim_suffix()),
            None => Ok(name.to_string()),
        }
    }

    /// Whether a finished document's recorded output is what this run would
    /// write (a folder for `parse`, a file in this format for `ocr -o`): only
    /// then is it skipped. Otherwise its result is delivered again from the
    /// same task or held answer, without paying again.
    fn fits(&self, rec: &DocRecord) -> bool {
        let Some(output) = rec.output.as_deref() else {
            return false;
        };
        match &self.layout {
            Layout::Stdout => false,
            Layout::Folders(_) => output.is_dir(),
            Layout::Files(out) => {
                let same_format = rec.options.as_ref().is_some_and(|o| {
                    o.format == self.opts.format && o.no_images == self.opts.no_images
                });
                let same_place = self
                    .exact
                    .as_ref()
                    .is_none_or(|f| output == out.root().join(f));
                output.is_file() && same_format && same_place
            }
        }
    }

    /// Sorts the planned documents (in input order, which fixes their output
    /// names) into new work, work to resume, and documents already done.
    pub fn triage(&self, planned: Vec<Planned>) -> Vec<Work> {
        self.look_up_cache(&planned);
        let mut works = Vec::new();
        for mut p in planned {
            let mut reports = vec![(p.index, p.doc.input.clone())];
            reports.extend(p.aliases.iter().map(|a| (a.index, a.input.clone())));
            self.register(&p.key, reports);
            lock(&self.state.progress)
                .entry(p.key.clone())
                .or_insert_with(|| self.ctx.reporter.doc(&self.label(&p.doc.name)));
            let rec = self.journal.get(&p.key);
            // Kept for the submitting thread only when it has an upload to
            // finish: a new document travels in its `Planned`, and a copy of
            // each was 0.5 MB held through a 1,000-document run.
            if rec.as_ref().is_some_and(|r| r.upload_owed().is_some()) {
                lock(&self.state.docs).insert(p.key.clone(), p.doc.clone());
            }
            let wanted = rec
                .as_ref()
                .map_or(p.doc.name.as_str(), |r| r.name.as_str());
            match self.claim(wanted, &p.doc.sha256) {
                Ok(name) => p.doc.name = name,
                Err(e) => {
                    let err = e.context(format!("{}: cannot use its output name", p.doc.input));
                    self.fail_unsent(&p.key, &p.doc.input, err, false);
                    continue;
                }
            }
            self.claim_twins(&p);
            let Some(rec) = rec else {
                self.new_or_cached(&mut works, p);
                continue;
            };
            let output_there = self.fits(&rec) && self.twins_in_place(&rec);
            let has_task = rec.task().is_some();
            let held = self.journal.held(&rec.key).is_some();
            match rec.state {
                // --refresh: an answer this destination already has is paid
                // for again (and replaces the cache's entry); a task still
                // running is followed, its answer is new.
                State::Done if self.ctx.global.refresh && rec.parts.is_some() => {
                    self.split_work(&mut works, p)
                }
                State::Done if self.ctx.global.refresh => self.new_or_cached(&mut works, p),
                State::Done if output_there => {
                    lock(&self.state.summary).skipped += 1;
                    let place = rec.output.as_deref().unwrap_or(Path::new("")).display();
                    self.settle_progress(&rec.key, |p| {
                        p.skipped(&format!("done in an earlier run: {place}"))
                    });
                    self.report(&rec.key, |i| {
                        let mut l = Line::of(i, &rec);
                        l.skipped = true;
                        l
                    });
                }
                // Sent in parts: each part is judged against its own record.
                _ if (p.split || rec.parts.is_some())
                    && (rec.state != State::Failed || self.retry_failed) =>
                {
                    self.split_work(&mut works, p)
                }
                State::Done if held => works.push(Work::Held(rec.key.clone())),
                State::Done if has_task => works.push(Work::Resume(rec)),
                // A failure costs nothing to retry in this process (e.g. a scan
                // refused until tesseract is installed): only paid ones wait
                // for --retry-failed.
                State::Failed if !self.retry_failed && !self.in_process() => {
                    let why = rec.error.clone().unwrap_or_default();
                    self.settle_progress(&rec.key, |p| {
                        p.failed(&format!(
                            "failed in an earlier run ({why}); --retry-failed submits it again"
                        ))
                    });
                    lock(&self.state.summary)
                        .failed
                        .push((rec.input.clone(), why.clone()));
                    let err: anyhow::Error =
                        Error::provider(format!("{}: failed in an earlier run: {why}", rec.input))
                            .with_hint("--retry-failed submits it again")
                            .into();
                    lock(&self.state.summary).errors.push(err);
                    self.report(&rec.key, |i| Line::of(i, &rec));
                }
                State::Failed => self.new_work(&mut works, p),
                _ if has_task => {
                    let upload_lost = rec.upload.as_ref().is_some_and(|u| {
                        !u.done && record::now().saturating_sub(u.issued_at) > UPLOAD_URL_TRUST
                    });
                    if upload_lost {
                        // The file never reached the provider: nothing was paid for.
                        self.new_work(&mut works, p);
                    } else {
                        works.push(Work::Resume(rec));
                    }
                }
                _ => {
                    if rec.sending.is_some() {
                        lock(&self.state.summary).uncertain += 1;
                        self.ctx.reporter.warn(&format!(
                            "{}: an earlier run was cut off while submitting it, so the provider may have created a task that docpipe never heard of; submitting it again (if it did, that task is billed too)",
                            rec.input
                        ));
                    }
                    self.new_or_cached(&mut works, p);
                }
            }
        }
        works
    }

    /// A document with no task to follow: written from the result cache when
    /// it holds the answer, else sent (whole or in parts).
    fn new_or_cached(&self, works: &mut Vec<Work>, p: Planned) {
        if self.in_cache(&p) {
            works.push(Work::Cached(p));
        } else if p.split {
            self.split_work(works, p);
        } else {
            self.new_work(works, p);
        }
    }

    /// A document to submit, within the page budget (`--max-pages`): one that
    /// would take the run past it, or whose page count cannot be known here,
    /// is reported and not submitted.
    pub(super) fn new_work(&self, works: &mut Vec<Work>, p: Planned) {
        if let Some(budget) = self.budget {
            let mut spent = lock(&self.state.spent);
            let refusal = match p.pages {
                None => Some(format!(
                    "its page count cannot be read here (a URL, or not a PDF or image), so --max-pages {budget} cannot bound it"
                )),
                Some(n) if *spent + n > budget => Some(format!(
                    "its {} would take the run to {} pages, over --max-pages {budget}",
                    crate::progress::plural(n, "page"),
                    *spent + n
                )),
                Some(n) => {
                    *spent += n;
                    None
                }
            };
            drop(spent);
            if let Some(why) = refusal {
                let err: anyhow::Error = Error::new(
                    Kind::Budget,
                    format!("{}: not submitted: {why}", p.doc.input),
                )
                .with_hint("raise --max-pages, or give --pages to bound the document")
                .into();
                self.fail_unsent(&p.key, &p.doc.input, err, false);
                return;
            }
        }
        works.push(Work::New(p));
    }

    /// A split document's parts, planned: the ones still to send are checked
    /// against the page budget as one document (their pages are what is
    /// billed), then become the work; with none left, the document is
    /// stitched now (every part was in before a stop).
    pub(super) fn admit_parts(&self, works: &mut Vec<Work>, p: &Planned, parts: Vec<Work>) {
        let pages: u64 = parts
            .iter()
            .filter_map(|w| match w {
                Work::New(n) => n.pages,
                _ => None,
            })
            .sum();
        if pages > 0 {
            let mut checked = Vec::new();
            self.new_work(
                &mut checked,
                Planned {
                    pages: Some(pages),
                    split: false,
                    aliases: Vec::new(),
                    opts: None,
                    doc: p.doc.clone(),
                    key: p.key.clone(),
                    index: p.index,
                    route: p.route,
                    hybrid: None,
                },
            );
            if checked.is_empty() {
                return;
            }
        }
        let whole = parts.is_empty();
        works.extend(parts);
        if whole {
            self.stitch_when_whole(&p.key);
        }
    }

    /// The record of a document made of parts (split or hybrid): the parts
    /// that make it and its pages; a document that failed is submitted again
    /// through its parts.
    pub(super) fn parent_record(
        &self,
        p: &Planned,
        previous: Option<DocRecord>,
        pages: u64,
        parts: Vec<PartRef>,
    ) -> DocRecord {
        let mut rec = previous.unwrap_or_else(|| self.fresh_record(&p.key, &p.doc, &self.opts));
        rec.name = p.doc.name.clone();
        rec.pages = Some(pages);
        rec.parts = Some(parts);
        if rec.state == State::Failed {
            rec.state = State::Submitted;
            rec.error = None;
        }
        rec
    }

    /// A PDF over the provider's limits: its parts (pages cut to fit, each a
    /// PDF of its own with a record of its own) become the work; the document
    /// is delivered, stitched, when the last part is in.
    /// `--dry-run`: a document sent in parts (or a hybrid one) reported
    /// whole, from the cache when it holds every part the document costs.
    /// Records that each of `refs` is a part of the document `parent`.
    pub(super) fn register_parts(&self, parent: &str, refs: &[PartRef]) {
        let mut parts = lock(&self.state.parts);
        for r in refs {
            parts.insert(
                r.key.clone(),
                PartOf {
                    parent: parent.to_string(),
                    first: r.first,
                    last: r.last,
                },
            );
        }
    }

    pub(super) fn dry_work(&self, works: &mut Vec<Work>, p: Planned) {
        if self.cached_whole(&p) {
            works.push(Work::Cached(p));
        } else {
            self.new_work(works, p);
        }
    }

    pub(super) fn split_work(&self, works: &mut Vec<Work>, p: Planned) {
        if let Some(h) = p.hybrid.clone() {
            return self.hybrid_work(works, p, &h);
        }
        if self.dry_run {
            // Reported whole; the parts are cut when it is sent.
            self.dry_work(works, p);
            return;
        }
        match self.plan_parts(&p) {
            Ok(parts) => self.admit_parts(works, &p, parts),
            Err(e) => {
                // The provider's own refusal (with its hint), and why cutting
                // did not help.
                let err = match self.provider.check(&p.doc, &self.opts) {
                    Err(refusal) => Error {
                        message: format!("{}; it cannot be sent in parts: {e:#}", refusal.message),
                        ..refusal
                    },
                    Ok(()) => Error::input(
                        &p.doc.input,
                        format!(
                            "it is over {}'s limits ({}), and it cannot be sent in parts: {e:#}",
                            self.provider.info().name,
                            describe_limits(self.provider.limits())
                        ),
                    )
                    .with_hint("split it yourself, or use a provider with higher limits (`docpipe providers`)"),
                };
                let err = anyhow::Error::from(err);
                self.fail_unsent(&p.key, &p.doc.input, err, false);
            }
        }
    }

    /// The parts of a split document and what each needs: new parts are cut
    /// (and checked by the provider) here, before any request.
    fn plan_parts(&self, p: &Planned) -> Result<Vec<Work>> {
        let path = p
            .doc
            .path()
            .ok_or_else(|| anyhow::anyhow!("only a local file can be split"))?;
        let previous = self.journal.get(&p.key);
        let splitter = std::cell::OnceCell::new();
        let open = || -> Result<&crate::split::Splitter> {
            if splitter.get().is_none() {
                let s = crate::split::Splitter::open(path)?;
                let _ = splitter.set(s);
            }
            Ok(splitter.get().expect("set above"))
        };
        // The ranges of an earlier run stand (its parts are recorded under them).
        let ranges: Vec<(u32, u32)> = match previous.as_ref().and_then(|r| r.parts.clone()) {
            Some(parts) => parts.iter().map(|r| (r.first, r.last)).collect(),
            None => {
                let limits = self.provider.limits();
                crate::split::part_ranges(open()?, limits.max_pages, limits.max_bytes)
                    .ok_or_else(|| anyhow::anyhow!("a single page is over the size limit"))?
            }
        };
        let dir = self.parts_dir(&p.key);
        let refs: Vec<PartRef> = ranges
            .iter()
            .map(|&(first, last)| PartRef {
                first,
                last,
                key: crate::pipeline::key::part_key(&p.key, first, last),
                pages: None,
            })
            .collect();
        let stem = super::part_stem(p);
        let refresh = self.ctx.global.refresh;
        let mut works = Vec::new();
        self.register_parts(&p.key, &refs);
        // Object storage: the parts asked about at once, not one by one.
        if let Some(c) = self.cache().filter(|_| !refresh) {
            c.look_up_all(refs.iter().map(|r| r.key.clone()).collect());
        }
        for r in &refs {
            // --refresh: a part done in an earlier run is paid for again.
            let rec = self
                .journal
                .get(&r.key)
                .filter(|r| !(refresh && r.state == State::Done));
            let delivered = rec.as_ref().is_some_and(|r| {
                r.state == State::Done && r.output.as_deref().is_some_and(Path::is_dir)
            });
            if delivered {
                continue;
            }
            if let Some(rec) = &rec {
                if rec.state == State::Done && self.journal.held(&rec.key).is_some() {
                    works.push(Work::Held(rec.key.clone()));
                    continue;
                }
            }
            let upload_owed = rec
                .as_ref()
                .and_then(|r| r.upload.as_ref())
                .is_some_and(|u| !u.done);
            let resume = rec.as_ref().filter(|r| {
                r.task().is_some()
                    && r.state != State::Failed
                    && !r.upload.as_ref().is_some_and(|u| {
                        !u.done && record::now().saturating_sub(u.issued_at) > UPLOAD_URL_TRUST
                    })
            });
            if let Some(rec) = resume.filter(|_| !upload_owed) {
                works.push(Work::Resume(rec.clone()));
                continue;
            }
            // Cut it: a new part, or one whose upload is still owed.
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            let file = dir.join(format!("{stem}.pages-{}-{}.pdf", r.first, r.last));
            if !file.is_file() {
                let tmp = dir.join(format!(".cutting-{}-{}.pdf", r.first, r.last));
                open()?.write_part(r.first, r.last, &tmp)?;
                std::fs::rename(&tmp, &file)?;
            }
            let mut doc = crate::input::resolve(&file.display().to_string(), None)?;
            doc.input = format!("{} (pages {}-{})", p.doc.input, r.first, r.last);
            doc.name = format!("pages-{}-{}", r.first, r.last);
            self.provider.check(&doc, &self.opts)?;
            lock(&self.state.docs).insert(r.key.clone(), doc.clone());
            let Some(rec) = resume else {
                let part = Planned {
                    route: p.route,
                    index: p.index,
                    pages: Some(u64::from(r.last - r.first + 1)),
                    doc,
                    key: r.key.clone(),
                    aliases: Vec::new(),
                    opts: None,
                    split: false,
                    hybrid: None,
                };
                // Keyed by the document's key and its pages: the same
                // document cut the same way into another folder is not
                // paid for again.
                if self.in_cache(&part) {
                    works.push(Work::Cached(part));
                } else {
                    works.push(Work::New(part));
                }
                continue;
            };
            works.push(Work::Resume(rec.clone()));
        }
        // The document's own record: which parts make it.
        let pages = u64::from(ranges.last().map_or(0, |r| r.1));
        let rec = self.parent_record(p, previous, pages, refs);
        self.journal.put(&rec)?;
        if works.iter().any(|w| !matches!(w, Work::Cached(_))) {
            self.ctx.reporter.note(&format!(
                "{}: over {}'s limits ({}): sent in {} parts, pages {}; one result when all are in",
                p.doc.input,
                self.provider.info().name,
                describe_limits(self.provider.limits()),
                ranges.len(),
                crate::units::ranges_text(&ranges, ", ")
            ));
        }
        Ok(works)
    }

    /// `fetch` by the ID of a part: the whole document is fetched instead
    /// (every part followed, then stitched and delivered as one), reported
    /// for `inputs`.
    pub fn adopt_parts(&self, parent: &DocRecord, inputs: Vec<(usize, String)>) -> Vec<Work> {
        self.register(&parent.key, inputs);
        lock(&self.state.progress)
            .entry(parent.key.clone())
            .or_insert_with(|| self.ctx.reporter.doc(&self.label(&parent.name)));
        let mut works = Vec::new();
        for part in parent.parts.iter().flatten() {
            lock(&self.state.parts).insert(
                part.key.clone(),
                PartOf {
                    parent: parent.key.clone(),
                    first: part.first,
                    last: part.last,
                },
            );
            let Some(rec) = self.journal.get(&part.key) else {
                continue;
            };
            if rec.state == State::Done && rec.output.as_deref().is_some_and(Path::is_dir) {
                continue;
            }
            if self.journal.held(&rec.key).is_some() {
                works.push(Work::Held(rec.key.clone()));
            } else if rec.task().is_some() {
                works.push(Work::Resume(rec));
            }
        }
        if works.is_empty() {
            self.stitch_when_whole(&parent.key);
        }
        works
    }
}

/// The limits in words: "600 pages and 200.0 MB".
fn describe_limits(limits: &provider::Limits) -> String {
    let mut parts = Vec::new();
    if let Some(p) = limits.max_pages {
        parts.push(format!("{p} pages"));
    }
    if let Some(b) = limits.max_bytes {
        parts.push(provider::human_bytes(b));
    }
    parts.join(" and ")
}
