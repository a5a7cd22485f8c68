//! `status` and `fetch`: re-attach to submitted tasks by ID, from the task record
//! (no `-p` needed) or, for IDs docpipe did not record, from the provider `-p`.

use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use serde_json::json;

use super::extract::{open_outputs, Job, Mode, Outcome};
use super::{combined_exit_code, Ctx};
use crate::deliver::{Delivered, Layout};
use crate::error::{self, Error, Kind};
use crate::input::hex;
use crate::options::ExtractOptions;
use crate::provider::{self, Provider, State};
use crate::record::{self, Store, TaskRecord};

/// The records behind one ID with the provider to ask about each.
fn targets(ctx: &Ctx, store: &Store, id: &str) -> Result<Vec<(Box<dyn Provider>, TaskRecord)>> {
    let records = store.find(id)?;
    if !records.is_empty() {
        return records
            .into_iter()
            .map(|rec| {
                let p = provider::build_for_record(
                    &rec.task.provider,
                    &rec.base_url,
                    &ctx.config,
                    &ctx.http,
                )?;
                Ok((p, rec))
            })
            .collect();
    }
    let Some(name) = ctx.global.provider.as_deref() else {
        return Err(Error::new(Kind::NotFound, format!("no record of task or batch {id}"))
            .with_hint(format!(
                "check the ID; for a task submitted elsewhere, name its provider with -p (records are in {})",
                store.dir().display()
            ))
            .into());
    };
    let entry = provider::find(name)?;
    let p = provider::build(entry, &ctx.config, &ctx.http)?;
    p.ready()?;
    let task = p.lookup(id)?;
    let base_url = ctx
        .config
        .base_url(entry.info.name, entry.info.default_base_url)?;
    let now = record::now();
    let rec = TaskRecord {
        task,
        base_url,
        input: id.to_string(),
        name: crate::input::sanitize_name(id),
        sha256: hex(&<sha2::Sha256 as sha2::Digest>::digest(id.as_bytes())),
        command: "parse".into(),
        options: ExtractOptions::default(),
        output: None,
        state: State::Submitted,
        uploaded: true,
        error: None,
        result: None,
        pages: None,
        submitted_at: now,
        updated_at: now,
    };
    // From now on it is recorded like any other task.
    store.put(&rec)?;
    Ok(vec![(p, rec)])
}

/// Runs `each` on every record behind `ids`; IDs that resolve to nothing are
/// reported and counted. `each` pushes the failures of its documents.
fn each_target(
    ctx: &Ctx,
    ids: &[String],
    mut each: impl FnMut(&Store, &dyn Provider, TaskRecord, &mut Vec<anyhow::Error>) -> Result<()>,
) -> Result<i32> {
    let store = ctx.store()?;
    let mut failures: Vec<anyhow::Error> = Vec::new();
    for id in ids {
        match targets(ctx, &store, id) {
            Err(e) => {
                error::report(&e);
                failures.push(e);
            }
            Ok(found) => {
                for (provider, rec) in found {
                    each(&store, provider.as_ref(), rec, &mut failures)?;
                }
            }
        }
    }
    Ok(combined_exit_code(&failures.iter().collect::<Vec<_>>()))
}

pub fn status(ctx: &Ctx, ids: &[String]) -> Result<i32> {
    each_target(ctx, ids, |store, provider, mut rec, failures| {
        let status = match provider.status(&rec.task) {
            Ok(s) => s,
            Err(e) => {
                let e = e.context(format!(
                    "{}: cannot get the status of {}",
                    rec.input, rec.task.id
                ));
                error::report(&e);
                failures.push(e);
                return Ok(());
            }
        };
        if status.state != rec.state && rec.state != State::Done {
            rec.state = status.state;
            rec.error = status.error.clone().or(rec.error);
            rec.updated_at = record::now();
            store.put(&rec)?;
        }
        let mut out = std::io::stdout().lock();
        if ctx.global.json {
            let line = json!({
                "input": rec.input,
                "provider": rec.task.provider,
                "task_id": rec.task.task_id(),
                "batch_id": rec.task.batch_id(),
                "state": status.state.name(),
                "output": rec.result.as_ref().map(|p| p.display().to_string()),
                "markdown": null,
                "pages": status.progress.map(|p| p.total).or(rec.pages),
                "error": status.error,
                "elapsed_s": record::now().saturating_sub(rec.submitted_at),
                "progress": status.progress.map(|p| json!({"done": p.done, "total": p.total})),
            });
            writeln!(out, "{line}")?;
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
                "{}\t{}{progress}\t{}\t{}{why}",
                rec.task.id, status.state, rec.task.provider, rec.input
            )?;
        }
        if status.state == State::Failed {
            let why = status.error.unwrap_or_default();
            failures.push(
                super::extract::failure_error(&rec.input, &rec.task, status.fault, &why).into(),
            );
        }
        Ok(())
    })
}

pub fn fetch(ctx: &Ctx, ids: &[String]) -> Result<i32> {
    let deadline = Instant::now() + ctx.config.timeout(ctx.global.timeout)?;
    let intervals = ctx.config.poll_intervals()?;
    each_target(ctx, ids, |store, provider, rec, failures| {
        let outcome = match fetch_one(ctx, store, provider, rec, deadline, intervals) {
            Ok(o) => o,
            Err(e) => {
                error::report(&e);
                failures.push(e);
                return Ok(());
            }
        };
        if let Some(err) = &outcome.error {
            error::report(err);
        }
        let mut out = std::io::stdout().lock();
        if ctx.global.json {
            writeln!(out, "{}", outcome.json())?;
        } else if let Some(text) = &outcome.delivered.text {
            out.write_all(text.as_bytes())?;
            if !text.ends_with('\n') {
                writeln!(out)?;
            }
        }
        out.flush()?;
        failures.extend(outcome.error);
        Ok(())
    })
}

fn fetch_one(
    ctx: &Ctx,
    store: &Store,
    provider: &dyn Provider,
    rec: TaskRecord,
    deadline: Instant,
    intervals: (Duration, Duration),
) -> Result<Outcome> {
    let mode = if rec.command == "ocr" {
        Mode::Ocr
    } else {
        Mode::Parse
    };
    let out_dir: Option<PathBuf> = ctx.global.output.clone().or_else(|| rec.output.clone());
    let layout = match (mode, out_dir) {
        (Mode::Ocr, None) => Layout::Stdout,
        (Mode::Ocr, Some(d)) => Layout::Files(Arc::new(open_outputs(d)?)),
        (Mode::Parse, d) => Layout::Folders(Arc::new(open_outputs(
            d.or_else(|| ctx.config.output(None))
                .unwrap_or_else(|| PathBuf::from(".")),
        )?)),
    };
    let job = Job {
        ctx,
        provider,
        opts: &rec.options.clone(),
        layout: &layout,
        store,
        mode,
        deadline,
        intervals,
        no_wait: false,
        stop: AtomicBool::new(false),
        base_url: rec.base_url.clone(),
    };
    let started = Instant::now();
    let progress = ctx.reporter.doc(&rec.name);
    let mut outcome = Outcome {
        input: rec.input.clone(),
        provider: rec.task.provider.clone(),
        task: Some(rec.task.clone()),
        state: rec.state,
        delivered: Delivered::default(),
        pages: rec.pages,
        error: None,
        elapsed: Duration::ZERO,
    };
    if let Err(e) = job.follow(rec, &progress, &mut outcome) {
        if error::exit_code_of(&e) != error::exit::TIMEOUT {
            outcome.state = State::Failed;
        }
        outcome.error = Some(e);
    }
    outcome.elapsed = started.elapsed();
    Ok(outcome)
}
