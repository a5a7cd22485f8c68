//! A hybrid document (`auto`, `pipeline/hybrid.rs`) as the parts of a split
//! one: each run of pages `local` reads is extracted here at once and
//! recorded as a part already done; the other pages are cut into one PDF,
//! a part sent to the cloud like any document (in the provider's batch calls
//! with others, recorded before it is sent, followed again by a rerun). The
//! document is stitched in page order when the cloud part is in.

use std::path::Path;

use anyhow::{anyhow, Context, Result};
use serde_json::Value;

use super::{lock, Engine, PartOf, Work};
use crate::deliver::{self, Item, Layout};
use crate::journal::{DocRecord, PartRef};
use crate::options::{ExtractOptions, PageRanges};
use crate::pages::PageSet;
use crate::pipeline::hybrid::Hybrid;
use crate::pipeline::key;
use crate::pipeline::plan::Planned;
use crate::provider::{ResultRef, State, Submitted};
use crate::units::{page_runs, pages_text};

impl Engine<'_> {
    /// A part's pages in words: "pages 3-5", or a hybrid document's cloud
    /// part's own list ("pages 2, 4").
    pub(super) fn part_pages(&self, part: &PartOf, key: &str) -> String {
        let listed = self
            .journal
            .get(&part.parent)
            .and_then(|r| r.parts)
            .and_then(|parts| parts.into_iter().find(|p| p.key == key))
            .and_then(|p| p.pages);
        match listed {
            Some(pages) if pages.len() == 1 => format!("page {}", pages[0]),
            Some(pages) => format!("pages {}", pages_text(&pages)),
            None => format!("pages {}-{}", part.first, part.last),
        }
    }

    /// A hybrid document's work: its cloud part, if it still has to be sent
    /// or followed (the local parts are done here).
    pub(super) fn hybrid_work(&self, works: &mut Vec<Work>, p: Planned, h: &Hybrid) {
        if self.dry_run {
            // Reported whole, its cloud pages as its pages (free when the
            // cache holds its cloud part).
            self.dry_work(works, p);
            return;
        }
        match self.plan_hybrid(&p, h) {
            // The page budget counts the pages billed: the cloud part's.
            Ok(parts) => self.admit_parts(works, &p, parts),
            Err(e) => {
                let err = e.context(format!(
                    "{}: cannot share its pages between local and {}",
                    p.doc.input,
                    self.provider.info().name
                ));
                self.fail_unsent(&p.key, &p.doc.input, err, false);
            }
        }
    }

    fn plan_hybrid(&self, p: &Planned, h: &Hybrid) -> Result<Vec<Work>> {
        let path = p
            .doc
            .path()
            .ok_or_else(|| anyhow!("only a local file is read page by page"))?;
        let local_pages = h.local();
        let mut refs: Vec<PartRef> = page_runs(&local_pages)
            .into_iter()
            .map(|(first, last)| PartRef {
                first,
                last,
                key: key::part_key(&p.key, first, last),
                pages: None,
            })
            .collect();
        let cloud = PartRef {
            first: h.cloud[0],
            last: *h.cloud.last().expect("a hybrid document has cloud pages"),
            key: key::pages_key(&p.key, &h.cloud),
            pages: Some(h.cloud.clone()),
        };
        refs.push(cloud.clone());
        refs.sort_by_key(|r| r.first);
        self.register_parts(&p.key, &refs);
        let done = |k: &str| {
            self.journal.get(k).is_some_and(|r| {
                r.state == State::Done && r.output.as_deref().is_some_and(Path::is_dir)
            })
        };
        // The local pages: extracted once, kept as parts done (a rerun reads
        // them from there).
        let missing: Vec<&PartRef> = refs
            .iter()
            .filter(|r| r.pages.is_none() && !done(&r.key))
            .collect();
        if !missing.is_empty() {
            self.extract_local(p, &local_pages, &missing)?;
        }
        let mut works = Vec::new();
        // --refresh: the cloud part done in an earlier run is paid for again
        // (a task still running is followed: its answer is new); the local
        // pages cost nothing and stand.
        let refresh = self.ctx.global.refresh;
        let rec = self
            .journal
            .get(&cloud.key)
            .filter(|r| !(refresh && r.state == State::Done));
        if refresh || !done(&cloud.key) {
            let held = rec
                .as_ref()
                .is_some_and(|r| r.state == State::Done && self.journal.held(&r.key).is_some());
            let follow = rec.as_ref().filter(|r| {
                r.task().is_some()
                    && r.state != State::Failed
                    && r.upload.as_ref().is_none_or(|u| u.done)
            });
            if held {
                works.push(Work::Held(cloud.key.clone()));
            } else {
                let doc = self.cut_cloud_part(p, path, h)?;
                match follow {
                    Some(rec) => works.push(Work::Resume(rec.clone())),
                    None => {
                        let part = Planned {
                            route: p.route,
                            index: p.index,
                            pages: Some(h.cloud.len() as u64),
                            doc,
                            key: cloud.key.clone(),
                            aliases: Vec::new(),
                            opts: None,
                            split: false,
                            hybrid: None,
                        };
                        // The same pages of the same document: paid for once.
                        works.push(if self.in_cache(&part) {
                            Work::Cached(part)
                        } else {
                            Work::New(part)
                        });
                    }
                }
            }
        }
        let mut rec = self.parent_record(p, self.journal.get(&p.key), u64::from(h.count), refs);
        rec.pages_local = Some(local_pages.len() as u64);
        rec.pages_cloud = Some(h.cloud.len() as u64);
        self.journal.put(&rec)?;
        if !works.is_empty() {
            self.ctx.reporter.note(&format!(
                "{}: {} read here (page{} {}); {} sent to {} in one part (page{} {})",
                p.doc.input,
                crate::units::plural(local_pages.len() as u64, "page"),
                if local_pages.len() == 1 { "" } else { "s" },
                pages_text(&local_pages),
                crate::units::plural(h.cloud.len() as u64, "page"),
                self.provider.info().name,
                if h.cloud.len() == 1 { "" } else { "s" },
                pages_text(&h.cloud),
            ));
        }
        Ok(works)
    }

    /// The cloud pages as one PDF beside the document's other parts (cut
    /// once: a rerun that still owes the upload finds it there).
    fn cut_cloud_part(
        &self,
        p: &Planned,
        path: &Path,
        h: &Hybrid,
    ) -> Result<crate::input::Document> {
        let dir = self.parts_dir(&p.key);
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        let stem = super::part_stem(p);
        let file = dir.join(format!("{stem}.cloud-pages.pdf"));
        if !file.is_file() {
            let tmp = dir.join(".cutting-cloud-pages.pdf");
            crate::split::Splitter::open(path)?.write_pages(&h.cloud, &tmp)?;
            std::fs::rename(&tmp, &file)?;
        }
        let mut doc = crate::input::resolve(&file.display().to_string(), None)?;
        doc.input = format!(
            "{} (page{} {})",
            p.doc.input,
            if h.cloud.len() == 1 { "" } else { "s" },
            pages_text(&h.cloud)
        );
        // The scans of two documents may be the same bytes (the same form):
        // a batch tells its items apart by name and content, so the name
        // carries the document's key.
        doc.name = format!("{stem}.cloud-pages.{}", &p.key[..12.min(p.key.len())]);
        self.provider.check(&doc, &self.opts)?;
        lock(&self.state.docs).insert(key::pages_key(&p.key, &h.cloud), doc.clone());
        Ok(doc)
    }

    /// Extracts the pages `local` reads, in one pass, and writes each run of
    /// them that `missing` names as a part's result, recorded done.
    fn extract_local(&self, p: &Planned, pages: &[u32], missing: &[&PartRef]) -> Result<()> {
        let local = self
            .local
            .ok_or_else(|| anyhow!("no local provider in this run to read its typed pages"))?;
        let opts = ExtractOptions {
            pages: Some(PageRanges(page_runs(pages))),
            // The JSON answer is cut per run: always made whole.
            full_result: true,
            ..self.opts.clone()
        };
        let set = match local.submit(&p.doc, &opts)? {
            Submitted::Done(ResultRef::Pages(set)) => *set,
            _ => return Err(anyhow!("local gave no pages for it")),
        };
        if set.pages.len() != pages.len() {
            return Err(anyhow!(
                "local gave {} pages for the {} it was asked",
                set.pages.len(),
                pages.len()
            ));
        }
        let out = std::sync::Arc::new(crate::output::Outputs::open_unindexed(
            &self.parts_dir(&p.key).join("results"),
        )?);
        for part in missing {
            let at = pages
                .iter()
                .position(|&n| n == part.first)
                .ok_or_else(|| anyhow!("page {} is not among the local pages", part.first))?;
            let len = (part.last - part.first + 1) as usize;
            let slice = slice_pages(&set, at, len, part.first);
            let name = format!("pages-{}-{}", part.first, part.last);
            let item = Item {
                name: &name,
                sha256: &p.doc.sha256,
                format: &crate::options::Format::Markdown,
                exact: None,
                no_images: false,
                meter: &crate::transfer::Meter::none(),
                local: None,
            };
            let delivered = deliver::deliver(
                &self.ctx.http,
                &ResultRef::Pages(Box::new(slice)),
                &item,
                &Layout::Folders(out.clone()),
            )?;
            let mut rec = DocRecord::new(
                &part.key,
                &format!("{} (pages {}-{})", p.doc.input, part.first, part.last),
                &name,
                &p.doc.sha256,
                local.info().name,
            );
            rec.state = State::Done;
            rec.output = delivered.output;
            rec.pages = Some(len as u64);
            rec.parent = Some(p.key.clone());
            rec.command = Some(self.command.to_string());
            self.journal.put(&rec)?;
        }
        Ok(())
    }
}

/// Pages `at..at + len` of a local answer as an answer of their own, its page
/// numbers counted from the run's first page (`first`, a document page), as
/// a part's are: the stitch puts them back.
fn slice_pages(set: &PageSet, at: usize, len: usize, first: u32) -> PageSet {
    let pages: Vec<String> = set.pages[at..at + len].to_vec();
    let images = set
        .images
        .iter()
        .filter(|i| pages.iter().any(|p| p.contains(&i.name)))
        .cloned()
        .collect();
    let mut answer = set.answer.clone();
    let in_run = |n: u64| (at as u64..(at + len) as u64).contains(&n);
    if let Some(Value::Array(items)) = answer.get_mut("pages") {
        items.retain(|p| p["index"].as_u64().is_some_and(in_run));
        for p in items.iter_mut() {
            p["index"] = Value::from(p["index"].as_u64().unwrap_or(0) - at as u64);
        }
    }
    if let Some(Value::Array(items)) = answer.get_mut("blocks") {
        items.retain(|b| b["page"].as_u64().is_some_and(|n| n > 0 && in_run(n - 1)));
        for b in items.iter_mut() {
            b["page"] = Value::from(b["page"].as_u64().unwrap_or(1) - at as u64);
        }
    }
    // These two name document pages: counted from the run's first page too.
    let last = u64::from(first) + len as u64 - 1;
    for field in ["ocr_pages", "pages_skipped"] {
        if let Some(Value::Array(items)) = answer.get_mut(field) {
            items.retain_mut(|v| {
                let n = v.as_u64().or_else(|| v["page"].as_u64()).unwrap_or(0);
                let inside = (u64::from(first)..=last).contains(&n);
                let shifted = Value::from(n + 1 - u64::from(first));
                match v {
                    Value::Object(o) => {
                        o.insert("page".into(), shifted);
                    }
                    other => *other = shifted,
                }
                inside
            });
        }
    }
    answer["page_count"] = Value::from(len as u64);
    PageSet {
        pages,
        images,
        answer,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_run_of_a_local_answer_is_an_answer_of_its_own() {
        let set = PageSet {
            pages: vec!["one".into(), "two".into(), "four ![](img-4.png)".into()],
            images: vec![crate::pages::PageImage {
                name: "img-4.png".into(),
                bytes: vec![1],
            }],
            answer: json!({
                "pages": [{"index": 0}, {"index": 1}, {"index": 2}],
                "blocks": [{"page": 1}, {"page": 2}, {"page": 3}],
                "pages_skipped": [{"page": 4, "reason": "blank"}],
                "ocr_pages": [],
                "page_count": 3,
            }),
        };
        // Pages 1, 2, 4 of the document were read; the run of page 4 alone:
        let run = slice_pages(&set, 2, 1, 4);
        assert_eq!(run.pages, vec!["four ![](img-4.png)".to_string()]);
        assert_eq!(run.images.len(), 1);
        assert_eq!(run.answer["pages"], json!([{"index": 0}]));
        assert_eq!(run.answer["blocks"], json!([{"page": 1}]));
        assert_eq!(
            run.answer["pages_skipped"],
            json!([{"page": 1, "reason": "blank"}])
        );
        assert_eq!(run.answer["page_count"], 1);
        let run = slice_pages(&set, 0, 2, 1);
        assert!(run.images.is_empty());
        assert_eq!(run.answer["pages_skipped"], json!([]));
        assert_eq!(run.answer["blocks"], json!([{"page": 1}, {"page": 2}]));
    }
}
