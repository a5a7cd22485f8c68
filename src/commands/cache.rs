//! `docpipe cache`: what the result cache holds (`list`, `size`), whether it
//! is whole (`verify`), and removing entries (`prune`).

use std::io::Write;
use std::time::SystemTime;

use anyhow::Result;
use serde_json::json;

use super::Ctx;
use crate::cache::{Cache, Entry};
use crate::cli::CacheAction;
use crate::error::Error;

pub fn run(ctx: &Ctx, action: &CacheAction) -> Result<i32> {
    let Some(cache) = ctx.cache() else {
        crate::messages::line(
            "docpipe: the result cache is off (--no-cache, DOCPIPE_CACHE=off or cache = false under [defaults])",
        );
        return Ok(0);
    };
    let mut out = std::io::stdout().lock();
    match action {
        CacheAction::List => {
            for e in cache.list()? {
                if ctx.global.json {
                    writeln!(out, "{}", entry_json(&e))?;
                } else {
                    writeln!(
                        out,
                        "{}  {:<12} {:>10}  used {} ago",
                        &e.key[..16.min(e.key.len())],
                        e.provider,
                        crate::units::bytes_text(e.bytes),
                        crate::units::span(age(e.used))
                    )?;
                }
            }
        }
        CacheAction::Size => {
            let entries = cache.list()?;
            let bytes: u64 = entries.iter().map(|e| e.bytes).sum();
            if ctx.global.json {
                writeln!(
                    out,
                    "{}",
                    json!({
                        "path": cache.location(),
                        "entries": entries.len(),
                        "bytes": bytes,
                        "max_bytes": cache.max_bytes(),
                    })
                )?;
            } else {
                writeln!(
                    out,
                    "{} in {} ({} of at most {})",
                    crate::units::plural(entries.len() as u64, "entry")
                        .replace("entrys", "entries"),
                    cache.location(),
                    crate::units::bytes_text(bytes),
                    crate::units::bytes_text(cache.max_bytes())
                )?;
            }
        }
        CacheAction::Verify => {
            let (good, damaged) = cache.verify()?;
            for (e, why) in &damaged {
                crate::messages::warn(&format!(
                    "cache entry {} ({}) is damaged ({why}): removed; the document is paid for again when next met",
                    e.key, e.provider
                ));
            }
            if ctx.global.json {
                writeln!(out, "{}", json!({"good": good, "damaged": damaged.len()}))?;
            } else {
                writeln!(out, "{good} good, {} damaged and removed", damaged.len())?;
            }
        }
        CacheAction::Prune(args) => {
            let provider = ctx.global.provider.as_deref();
            if !args.all && args.older_than.is_none() && provider.is_none() {
                return Err(Error::usage("cache prune: say which entries to remove")
                    .with_hint("give --older-than AGE (e.g. 30d), --provider NAME, or --all")
                    .into());
            }
            let gone = prune(cache, args.all, args.older_than, provider)?;
            let bytes: u64 = gone.iter().map(|e| e.bytes).sum();
            if ctx.global.json {
                writeln!(out, "{}", json!({"removed": gone.len(), "bytes": bytes}))?;
            } else {
                writeln!(
                    out,
                    "removed {} ({})",
                    crate::units::plural(gone.len() as u64, "entry").replace("entrys", "entries"),
                    crate::units::bytes_text(bytes)
                )?;
            }
        }
    }
    Ok(0)
}

fn prune(
    cache: &Cache,
    all: bool,
    older_than: Option<std::time::Duration>,
    provider: Option<&str>,
) -> Result<Vec<Entry>> {
    cache.prune(|e| {
        all || (older_than.is_none_or(|limit| age(e.used) > limit)
            && provider.is_none_or(|p| e.provider == p))
    })
}

fn age(t: SystemTime) -> std::time::Duration {
    t.elapsed().unwrap_or_default()
}

fn entry_json(e: &Entry) -> serde_json::Value {
    let secs = |t: SystemTime| {
        t.duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    };
    json!({
        "key": e.key,
        "provider": e.provider,
        "bytes": e.bytes,
        "created": e.created,
        "used": secs(e.used),
    })
}
