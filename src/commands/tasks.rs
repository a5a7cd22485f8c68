//! `status` and `fetch`: re-attach to submitted tasks by ID, from the record
//! (no `-p` needed) or, for IDs docpipe did not record, from the provider `-p`.
//! `status` only reads: it never writes a record. `fetch` runs the pipeline on
//! the recorded documents, and records an unrecorded ID once the provider has
//! confirmed it exists.

use std::io::Write;

use anyhow::Result;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::{combined_exit_code, Ctx};
use crate::error::{self, Error, Kind};
use crate::input::hex;
use crate::journal::DocRecord;
use crate::pipeline::engine::failure_error;
use crate::pipeline::engine::Hooks;
use crate::pipeline::report::{Emitter, Line, Order, Text};
use crate::pipeline::{self};
use crate::provider::{self, Provider, State, TaskStatus};
use crate::record::{self, Store};

/// The error for an ID that neither the record nor `-p` can place.
fn unknown(store: &Store, id: &str) -> anyhow::Error {
    Error::new(Kind::NotFound, format!("no record of task or batch {id}"))
        .with_hint(format!(
            "check the ID (`docpipe status` lists recent ones); for a task submitted elsewhere, name its provider with -p (the record is in {})",
            store.dir().display()
        ))
        .into()
}

/// An ID docpipe has no record of, looked up at the provider `-p`: its task and
/// first status (which confirms that it exists).
fn look_up(
    ctx: &Ctx,
    store: &Store,
    id: &str,
) -> Result<(Box<dyn Provider>, DocRecord, TaskStatus)> {
    let Some(name) = ctx.global.provider.as_deref() else {
        return Err(unknown(store, id));
    };
    let entry = provider::find(name)?;
    let p = provider::build(entry, &ctx.config, &ctx.http)?;
    p.ready()?;
    let task = p.lookup(id)?;
    let status = p.status(&task)?;
    let key = crate::pipeline::key::fetched_key(&task);
    let mut rec = DocRecord::new(
        &key,
        id,
        &crate::input::sanitize_name(id),
        &hex(&Sha256::digest(id.as_bytes())),
        entry.info.name,
    );
    rec.set_task(&task);
    rec.base_url = p.base_url().to_string();
    rec.command = Some("parse".into());
    rec.state = status.state;
    Ok((p, rec, status))
}

fn provider_for(ctx: &Ctx, rec: &DocRecord) -> Result<Box<dyn Provider>> {
    Ok(provider::build_for_record(
        &rec.provider,
        &rec.base_url,
        &ctx.config,
        &ctx.http,
    )?)
}

fn status_line(index: usize, rec: &DocRecord, status: &TaskStatus) -> serde_json::Value {
    let mut line = Line::of(index, rec);
    line.state = status.state.name().to_string();
    line.pages = status.progress.map(|p| p.total).or(rec.pages);
    line.error = status.error.clone();
    let mut v = line.json(0.0);
    v["elapsed_s"] =
        json!(record::now().saturating_sub(rec.submitted_at.unwrap_or(rec.updated_at)));
    v["progress"] = json!(status
        .progress
        .map(|p| json!({"done": p.done, "total": p.total})));
    v
}

fn print_status(ctx: &Ctx, index: usize, rec: &DocRecord, status: &TaskStatus) -> Result<()> {
    let mut out = std::io::stdout().lock();
    let id = rec.task().map(|t| t.id).unwrap_or_default();
    if ctx.global.json {
        writeln!(out, "{}", status_line(index, rec, status))?;
    } else {
        let progress = status
            .progress
            .filter(|p| p.total > 0)
            .map(|p| format!(" {}/{} pages", p.done, p.total))
            .unwrap_or_default();
        let why = status
            .error
            .as_deref()
            .map(|e| format!("  ({e})"))
            .unwrap_or_default();
        writeln!(
            out,
            "{id}\t{}{progress}\t{}\t{}{why}",
            status.state, rec.provider, rec.input
        )?;
    }
    Ok(())
}

/// The status of every document behind `id`, asked of its provider: one for a
/// task, one per document of a batch. Reads the record; writes nothing.
/// Errors of single documents come back in their place.
pub fn statuses(ctx: &Ctx, id: &str) -> Result<Vec<(DocRecord, Result<TaskStatus>)>> {
    let store = ctx.store()?;
    let found = store.find(id)?;
    if found.is_empty() {
        let (_, rec, status) = look_up(ctx, &store, id)?;
        return Ok(vec![(rec, Ok(status))]);
    }
    let mut out = Vec::new();
    // One provider per service: what it learns (a job's input already
    // deleted) serves every document of the ID.
    let mut providers: Vec<((String, String), Box<dyn Provider>)> = Vec::new();
    for f in found {
        let Some(task) = f.rec.task() else { continue };
        let which = (f.rec.provider.clone(), f.rec.base_url.clone());
        let provider = match providers.iter().position(|(k, _)| *k == which) {
            Some(i) => Ok(i),
            None => provider_for(ctx, &f.rec).map(|p| {
                providers.push((which, p));
                providers.len() - 1
            }),
        };
        let status = provider
            .and_then(|i| providers[i].1.status(&task))
            .map_err(|e| {
                e.context(format!(
                    "{}: cannot get the status of {}",
                    f.rec.input, task.id
                ))
            });
        out.push((f.rec, status));
    }
    Ok(out)
}

pub fn status(ctx: &Ctx, ids: &[String]) -> Result<i32> {
    let mut failures: Vec<anyhow::Error> = Vec::new();
    let mut index = 0;
    for id in ids {
        let found = match statuses(ctx, id) {
            Ok(f) => f,
            Err(e) => {
                crate::messages::error(&e);
                failures.push(e);
                continue;
            }
        };
        for (rec, status) in found {
            let status = match status {
                Ok(s) => s,
                Err(e) => {
                    crate::messages::error(&e);
                    failures.push(e);
                    continue;
                }
            };
            print_status(ctx, index, &rec, &status)?;
            index += 1;
            if status.state == State::Failed {
                let why = status.error.clone().unwrap_or_default();
                let task = rec.task().unwrap_or_else(|| {
                    crate::provider::TaskRef::task(&rec.provider, String::new())
                });
                failures.push(failure_error(&rec.input, &task, status.fault, &why).into());
            }
        }
    }
    Ok(combined_exit_code(&failures.iter().collect::<Vec<_>>()))
}

/// `status` with no ID: the most recent documents of the record, newest first,
/// as recorded (no request is made).
pub fn recent(ctx: &Ctx, limit: usize) -> Result<i32> {
    let store = ctx.store()?;
    let found = store.recent(limit)?;
    let mut out = std::io::stdout().lock();
    if found.is_empty() && !ctx.global.json {
        ctx.reporter.note(&format!(
            "no tasks on record yet (the record is in {})",
            store.dir().display()
        ));
    }
    for (i, f) in found.iter().enumerate() {
        let rec = &f.rec;
        let age = record::now().saturating_sub(rec.updated_at);
        if ctx.global.json {
            let mut v = Line::of(i, rec).json(0.0);
            v["elapsed_s"] =
                json!(record::now().saturating_sub(rec.submitted_at.unwrap_or(rec.updated_at)));
            v["age_s"] = json!(age);
            v["record"] = json!(f.journal.display().to_string());
            writeln!(out, "{v}")?;
        } else {
            let id = rec.task().map(|t| t.id).unwrap_or_default();
            let place = rec
                .output
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "-".into());
            writeln!(
                out,
                "{id}\t{}\t{}\t{} ago\t{place}\t{}",
                rec.state,
                rec.provider,
                human_age(age),
                rec.input
            )?;
        }
    }
    Ok(error::exit::OK)
}

fn human_age(secs: u64) -> String {
    match secs {
        s if s < 120 => format!("{s}s"),
        s if s < 7200 => format!("{}m", s / 60),
        s if s < 172_800 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86_400),
    }
}

pub fn fetch(ctx: &Ctx, ids: &[String]) -> Result<i32> {
    let emitter = Emitter::new(Order::Input, ctx.global.json, Text::Results);
    let failures = fetch_into(ctx, ids, &emitter, &Hooks::default())?;
    if let Some(e) = emitter.flush() {
        return Err(e.into());
    }
    Ok(combined_exit_code(&failures.iter().collect::<Vec<_>>()))
}

/// `fetch` with its lines going to `emitter` (printed, or kept by a caller in
/// this process); returns the failures.
pub fn fetch_into(
    ctx: &Ctx,
    ids: &[String],
    emitter: &Emitter,
    hooks: &Hooks,
) -> Result<Vec<anyhow::Error>> {
    let store = ctx.store()?;
    let mut failures: Vec<anyhow::Error> = Vec::new();
    let mut index = 0;
    for id in ids {
        let found = store.find(id)?;
        let (start, provider) = (
            index,
            found
                .first()
                .map(|f| f.rec.provider.clone())
                .or_else(|| ctx.global.provider.clone())
                .unwrap_or_default(),
        );
        let result = if found.is_empty() {
            look_up(ctx, &store, id).and_then(|(p, rec, _)| {
                index += 1;
                pipeline::fetch(ctx, p.as_ref(), vec![rec], None, emitter, index - 1, hooks)
            })
        } else {
            let journal = found[0].journal.clone();
            let recs: Vec<DocRecord> = found.into_iter().map(|f| f.rec).collect();
            let n = recs.len();
            provider_for(ctx, &recs[0]).and_then(|p| {
                let r =
                    pipeline::fetch(ctx, p.as_ref(), recs, Some(&journal), emitter, index, hooks);
                index += n;
                r
            })
        };
        match result {
            Ok(errors) => failures.extend(errors),
            Err(e) => {
                crate::messages::error(&e);
                // Nothing of this ID was reported: each of its places gets a
                // line saying why (an ID nobody knows takes one).
                index = index.max(start + 1);
                for i in start..index {
                    emitter.emit(Line::refused(i, id, &provider, format!("{e:#}")));
                }
                failures.push(e);
            }
        }
    }
    Ok(failures)
}
