//! The result cache in a run: a document whose answer the cache holds is
//! written from it without a request (`Work::Cached`), and every result paid
//! for is put in the cache as it arrives (a download lands in the cache first,
//! and is delivered from there). `local`'s answers are not kept: they cost
//! nothing to make again.

use super::{lock, Engine};
use crate::cache::Cache;
use crate::journal::DocRecord;
use crate::pipeline::plan::Planned;
use crate::provider::{ResultRef, State};
use crate::transfer;

impl Engine<'_> {
    /// The cache this run reads and writes, if any.
    pub(super) fn cache(&self) -> Option<&Cache> {
        if self.in_process() {
            return None;
        }
        self.ctx.cache()
    }

    /// Triage's last question before a document is sent: whether the cache
    /// holds its answer (`--refresh`: never). The entry is checked when it is
    /// used; here (and in `--dry-run`) its presence is enough.
    pub(super) fn in_cache(&self, p: &Planned) -> bool {
        !self.ctx.global.refresh && self.cache().is_some_and(|c| c.contains(&p.key))
    }

    /// Writes each cached document from its entry; returns the documents
    /// whose entry is gone or damaged (said, and removed), to be submitted.
    pub(super) fn deliver_cached(&self, docs: Vec<Planned>) -> Vec<Planned> {
        let mut misses = Vec::new();
        for p in docs {
            let Some(cache) = self.cache() else {
                misses.push(p);
                continue;
            };
            let hit = match cache.get(&p.key) {
                Ok(Some(hit)) => hit,
                Ok(None) => {
                    misses.push(p);
                    continue;
                }
                Err(damaged) => {
                    crate::messages::warn(&format!(
                        "{}: its entry in the result cache is damaged ({}): removed, and the document is sent again",
                        p.doc.input, damaged.0
                    ));
                    misses.push(p);
                    continue;
                }
            };
            let mut rec = self.fresh_record(&p.key, &p.doc, p.opts.as_ref().unwrap_or(&self.opts));
            rec.state = State::Done;
            rec.pages = p.pages;
            if let Err(e) = self.journal.put(&rec) {
                self.fail_unsent(&p.key, &p.doc.input, e, false);
                continue;
            }
            lock(&self.state.cached).insert(p.key.clone());
            self.deliver_from(&p.key, &hit.result, hit.payload.as_ref().map(|t| t.path()));
        }
        misses
    }

    /// Before a result is written: a file to download is downloaded once,
    /// into the cache (unless a download worker already `fetched` it), and
    /// written from the copy returned; a synchronous answer is put in the
    /// cache as it is. None: nothing to keep (no cache, a part of a split
    /// document, an answer from the cache itself) and nothing fetched.
    pub(super) fn keep_in_cache(
        &self,
        rec: &DocRecord,
        result: &ResultRef,
        meter: &transfer::Meter,
        fetched: Option<tempfile::NamedTempFile>,
    ) -> anyhow::Result<Option<tempfile::NamedTempFile>> {
        let Some(cache) = self.cache() else {
            return Ok(fetched);
        };
        if self.part_of(&rec.key).is_some() || lock(&self.state.cached).contains(&rec.key) {
            return Ok(fetched);
        }
        let tmp = cache.dir().join("tmp");
        let downloaded = match result {
            _ if fetched.is_some() => fetched,
            ResultRef::Zip { url, referer } => Some(transfer::download_zip(
                &self.ctx.http,
                url,
                referer.as_deref(),
                &tmp,
                meter,
            )?),
            ResultRef::Markdown { url, referer } => Some(transfer::download(
                &self.ctx.http,
                url,
                referer.as_deref(),
                &tmp,
                meter,
            )?),
            ResultRef::File { url, .. } => {
                Some(transfer::download(&self.ctx.http, url, None, &tmp, meter)?)
            }
            ResultRef::Inline { .. } | ResultRef::Pages(_) => None,
            // Made on this machine: nothing was paid for.
            ResultRef::Folder { .. } | ResultRef::Spooled { .. } => return Ok(None),
        };
        let stored = cache.put(
            &rec.key,
            &rec.provider,
            result,
            downloaded.as_ref().map(|f| f.path()),
        );
        if let Err(e) = stored {
            // The result is in hand: it is written all the same.
            crate::messages::warn(&format!(
                "{}: not kept in the result cache ({e:#}); the next run pays for it again",
                rec.input
            ));
        }
        Ok(downloaded)
    }

    /// Whether this run wrote `key` from the cache.
    pub(super) fn was_cached(&self, key: &str) -> bool {
        lock(&self.state.cached).contains(key)
    }
}
