//! The result cache in a run: a document whose answer the cache holds is
//! written from it without a request (`Work::Cached`), and every result paid
//! for is put in the cache as it arrives (a download lands in the cache first,
//! and is delivered from there). `local`'s answers are not kept: they cost
//! nothing to make again. The parts of a document sent in parts are kept one
//! by one (the stitched document is made here, not paid for).

use super::{lock, Engine, Work};
use crate::cache::{Cache, Hit};
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
        !self.ctx.global.refresh && self.in_cache_key(&p.key)
    }

    /// The checked entry of `key`; a damaged one is said (`then`: what
    /// happens instead) and removed.
    fn hit(&self, key: &str, input: &str, then: &str) -> Option<Hit> {
        match self.cache()?.get(key) {
            Ok(hit) => hit,
            Err(damaged) => {
                crate::messages::warn(&format!(
                    "{input}: its entry in the result cache is damaged ({}): removed, and {then}",
                    damaged.0
                ));
                None
            }
        }
    }

    /// `fetch`: a recorded document whose answer the cache holds is written
    /// from there, without asking the provider for its status or its result
    /// (which may have expired there). False: not in the cache (or
    /// `--refresh`, or a document sent in parts), to be followed as recorded.
    pub(crate) fn fetch_from_cache(&self, rec: &DocRecord) -> bool {
        if self.ctx.global.refresh || rec.parts.is_some() || !self.in_cache_key(&rec.key) {
            return false;
        }
        let Some(hit) = self.hit(&rec.key, &rec.input, "its result is fetched again") else {
            return false;
        };
        let updated = self.journal.update(&rec.key, |r| {
            r.state = State::Done;
            r.error = None;
        });
        if let Err(e) = updated {
            self.fail_unsent(&rec.key, &rec.input, e, false);
            return true;
        }
        lock(&self.state.cached).insert(rec.key.clone());
        self.deliver_from(&rec.key, &hit.result, hit.payload.as_ref());
        true
    }

    /// Asks the cache about every document at once before triage asks about
    /// each (object storage: concurrently, not a round trip in turn).
    pub(super) fn look_up_cache(&self, planned: &[Planned]) {
        if self.ctx.global.refresh {
            return;
        }
        let Some(cache) = self.cache() else {
            return;
        };
        if !self.dry_run {
            cache.look_up_all(planned.iter().map(|p| p.key.clone()).collect());
            return;
        }
        // `--dry-run`: a document sent in parts (or a hybrid one) is free
        // when the cache holds every part; every key is asked at once.
        let all: Vec<&Planned> = planned.iter().collect();
        let whole = crate::pipeline::plan::cached_wholes(&all, cache, self.provider);
        let mut held = lock(&self.state.whole_in_cache);
        for (p, whole) in planned.iter().zip(whole) {
            if whole {
                held.insert(p.key.clone());
            }
        }
    }

    /// `--dry-run`: whether the cache holds all the document would cost
    /// (asked by [`Engine::look_up_cache`]).
    pub(super) fn cached_whole(&self, p: &Planned) -> bool {
        !self.ctx.global.refresh && lock(&self.state.whole_in_cache).contains(&p.key)
    }

    fn in_cache_key(&self, key: &str) -> bool {
        self.cache().is_some_and(|c| c.contains(key))
    }

    /// Writes a cached document from its entry (on a download worker);
    /// returns it back when its entry is gone or damaged (said, and
    /// removed), to be submitted.
    pub(super) fn deliver_cached(&self, p: Planned) -> Option<Planned> {
        let Some(hit) = self.hit(&p.key, &p.doc.input, "the document is sent again") else {
            return Some(p);
        };
        let mut rec = self.fresh_record(&p.key, &p.doc, p.opts.as_ref().unwrap_or(&self.opts));
        rec.parent = self.part_of(&p.key).map(|part| part.parent);
        rec.state = State::Done;
        rec.pages = p.pages;
        if let Err(e) = self.journal.put(&rec) {
            self.fail_unsent(&p.key, &p.doc.input, e, false);
            return None;
        }
        lock(&self.state.cached).insert(p.key.clone());
        self.deliver_from(&p.key, &hit.result, hit.payload.as_ref());
        None
    }

    /// Sends the documents whose cache entry could not be used, as new work
    /// within the page budget (cut in parts where they would have been).
    pub(super) fn submit_again(&self, misses: Vec<Planned>) -> anyhow::Result<()> {
        let mut works = Vec::new();
        for p in misses {
            if p.split {
                self.split_work(&mut works, p);
            } else {
                self.new_work(&mut works, p);
            }
        }
        let (mut new, mut resumed) = (Vec::new(), Vec::new());
        for w in works {
            match w {
                Work::New(p) | Work::Cached(p) => new.push(p),
                Work::Resume(r) => resumed.push(r),
                Work::Held(key) => {
                    if let Some(result) = self.journal.held(&key) {
                        self.download(&key, &result);
                    }
                }
            }
        }
        self.submit_all(new, resumed)
    }

    /// Before a result is written: a file to download is downloaded once,
    /// into the cache (unless a download worker already `fetched` it), and
    /// written from the copy returned; a synchronous answer is put in the
    /// cache as it is (a part of a split document too, under its own key:
    /// the document's key and its pages). None: nothing to keep (no cache,
    /// an answer from the cache itself) and nothing fetched.
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
        if lock(&self.state.cached).contains(&rec.key) {
            return Ok(fetched);
        }
        let tmp = cache.scratch();
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
