//! The one document pipeline that `ocr`, `parse`, `batch` and `fetch` run
//! through: plan (inputs judged before any request), check the destination,
//! submit-and-record, wait, deliver, report. `batch` is the same pipeline over
//! many documents, with its lines streamed as documents finish and a summary.

pub mod engine;
pub mod estimate;
pub mod hybrid;
pub mod key;
pub mod plan;
pub mod report;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::Result;

use crate::context::{combined_exit_code, Ctx};
use crate::deliver::{self, Layout};
use crate::error::Error;
use crate::input;
use crate::journal::{self, Journal, Sharing};
use crate::options::{BatchApi, ExtractOptions, Format, PageRanges};
use crate::output::Outputs;
use crate::provider::{self, Provider};
use crate::request::Request;

use engine::{Engine, Hooks, Shared, Work};
use provider::Selected;
use report::{Emitter, Line, Order, Text};

/// The run-wide settings, resolved once from flags, environment, config file
/// and defaults: the engine reads these, never the config.
#[derive(Debug, Clone)]
pub struct Settings {
    pub deadline: Instant,
    pub intervals: (std::time::Duration, std::time::Duration),
    pub concurrency: usize,
}

impl Settings {
    pub fn resolve(ctx: &Ctx, concurrency: Option<u32>) -> Result<Settings> {
        Ok(Settings {
            // The command's deadline, as the HTTP client has it; a bad value
            // is reported here.
            deadline: match ctx.deadline {
                Some(deadline) => deadline,
                None => Instant::now() + ctx.config.timeout(ctx.global.timeout)?,
            },
            intervals: ctx.config.poll_intervals()?,
            concurrency: ctx.config.concurrency(concurrency),
        })
    }
}

/// How long the data folder's own journal (stdout and single-file results)
/// keeps finished documents: a rerun within this time re-delivers without
/// paying again.
pub const KEEP_DAYS: u64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Ocr,
    Parse,
    Batch,
}

impl Command {
    pub fn name(self) -> &'static str {
        match self {
            Command::Ocr => "ocr",
            Command::Parse => "parse",
            Command::Batch => "batch",
        }
    }

    fn from_name(name: &str) -> Command {
        match name {
            "ocr" => Command::Ocr,
            "batch" => Command::Batch,
            _ => Command::Parse,
        }
    }
}

pub fn options_from(ctx: &Ctx, args: &Request, command: Command) -> Result<ExtractOptions, Error> {
    Ok(ExtractOptions {
        pages: args.pages.as_deref().map(PageRanges::parse).transpose()?,
        language: ctx.config.language(args.language.as_deref()),
        ocr: args.ocr,
        formula: !args.no_formula,
        table: !args.no_table,
        model: args.model.clone(),
        format: args
            .format
            .as_deref()
            .map(Format::parse)
            .unwrap_or(Format::Markdown),
        extra_formats: args.extra_formats.clone(),
        table_format: args.table_format.clone(),
        extract_header: args.extract_header,
        extract_footer: args.extract_footer,
        images: args.images,
        transport: args.transport.clone(),
        full_result: command != Command::Ocr,
        no_images: args.no_images,
        batch_api: args.batch_api.as_deref().and_then(BatchApi::parse),
        batch_command: command == Command::Batch,
        keep_headers: args.keep_headers,
    })
}

/// What stdout cannot carry: image files, and binary provider formats (docx, pdf…).
fn check_stdout(opts: &ExtractOptions) -> Result<(), Error> {
    if opts.images {
        return Err(
            Error::usage("--images needs -o DIR: images cannot go to stdout")
                .with_hint("add -o DIR (ocr writes DIR/<name>.md and DIR/<name>_images/)"),
        );
    }
    if let Format::Other(f) = &opts.format {
        if !deliver::is_text_ext(f) {
            return Err(Error::usage(format!(
                "--format {f} is a binary file and is not printed to stdout"
            ))
            .with_hint(format!("add -o DIR to save DIR/<name>.{f}")));
        }
    }
    Ok(())
}

/// Where results go.
enum Destination {
    Stdout,
    /// `ocr -o FILE` with one input.
    File(PathBuf),
    /// `ocr -o DIR`: a file per input.
    Files(PathBuf),
    /// `parse`, `batch`: a folder per input.
    Folders(PathBuf),
}

fn destination(ctx: &Ctx, command: Command, inputs: usize) -> Result<Destination, Error> {
    let out = ctx.config.output(ctx.global.output.as_deref());
    Ok(match (command, out) {
        (Command::Ocr, None) => Destination::Stdout,
        (Command::Ocr, Some(path)) => {
            let looks_like_file = path.is_file()
                || (!path.exists()
                    && path.extension().is_some()
                    && !path.to_string_lossy().ends_with('/'));
            match (looks_like_file, inputs) {
                (true, 1) => Destination::File(path),
                // A name with an extension names a file, existing or not:
                // several results cannot go into it, and making a folder of
                // that name would surprise.
                (true, _) => {
                    return Err(Error::usage(format!(
                        "-o {}: names a file, and {inputs} inputs need a folder",
                        path.display()
                    ))
                    .with_hint(
                        "give a folder for several inputs, e.g. -o out/ (ocr writes out/<name>.md for each)",
                    ))
                }
                _ => Destination::Files(path),
            }
        }
        (_, dir) => Destination::Folders(dir.unwrap_or_else(|| PathBuf::from("."))),
    })
}

/// The output folder of a run, checked before any request: created, a folder,
/// and writable; made absolute so every path printed later can be reused.
pub fn open_outputs(dir: PathBuf) -> Result<Outputs> {
    if dir.exists() && !dir.is_dir() {
        return Err(
            Error::usage(format!("-o {}: exists and is not a folder", dir.display()))
                .with_hint("give a folder for the results")
                .into(),
        );
    }
    let dir = std::path::absolute(&dir).unwrap_or(dir);
    Outputs::open(&dir)
}

/// The layout, the record folder and how the record is shared, for a destination.
struct Place {
    layout: Layout,
    exact: Option<String>,
    journal_dir: PathBuf,
    sharing: Sharing,
    keep_days: Option<u64>,
    text: Text,
}

/// `own`: the data folder's record, for results without a folder of their own.
fn place(own: PathBuf, dest: Destination, command: Command) -> Result<Place> {
    let sharing = if command == Command::Batch {
        Sharing::Exclusive
    } else {
        Sharing::Shared
    };
    let files = matches!(dest, Destination::Files(_));
    Ok(match dest {
        Destination::Stdout => Place {
            layout: Layout::Stdout,
            exact: None,
            journal_dir: own,
            sharing: Sharing::Shared,
            keep_days: Some(KEEP_DAYS),
            text: Text::Results,
        },
        Destination::File(path) => {
            let path = std::path::absolute(&path).unwrap_or(path);
            let parent = path.parent().map(Path::to_path_buf).unwrap_or_default();
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            Place {
                layout: Layout::Files(Arc::new(Outputs::open_unindexed(&parent)?)),
                exact: Some(name),
                journal_dir: own,
                sharing: Sharing::Shared,
                keep_days: Some(KEEP_DAYS),
                text: Text::Nothing,
            }
        }
        Destination::Files(dir) | Destination::Folders(dir) => {
            let out = Arc::new(open_outputs(dir)?);
            let journal_dir = journal::dir_of(out.root());
            Place {
                layout: if files {
                    Layout::Files(out)
                } else {
                    Layout::Folders(out)
                },
                exact: None,
                journal_dir,
                sharing,
                keep_days: None,
                text: Text::Nothing,
            }
        }
    })
}

/// `ocr`, `parse` and `batch`.
pub fn run(ctx: &Ctx, command: Command, args: &Request, shard: Option<(u64, u64)>) -> Result<i32> {
    let order = if command == Command::Batch {
        Order::Completion
    } else {
        Order::Input
    };
    run_with(ctx, command, args, shard, Some(order), &Hooks::default()).map(|(code, _, _)| code)
}

/// The pipeline with its lines kept in memory instead of printed (for a
/// caller in this process): the exit code, one line per input, in order, and
/// the failures behind the exit code (typed: their hints are what the CLI
/// prints under each error).
pub fn run_keeping(
    ctx: &Ctx,
    command: Command,
    args: &Request,
    hooks: &Hooks,
) -> Result<(i32, Vec<Line>, Vec<anyhow::Error>)> {
    run_with(ctx, command, args, None, None, hooks)
}

/// `order`: print in that order; None: keep the lines and return them.
fn run_with(
    ctx: &Ctx,
    command: Command,
    args: &Request,
    shard: Option<(u64, u64)>,
    order: Option<Order>,
    hooks: &Hooks,
) -> Result<(i32, Vec<Line>, Vec<anyhow::Error>)> {
    let words = input::collect_inputs(&args.inputs, args.from.as_deref())?;
    let run = run_words(ctx, command, args, &words, shard, order, hooks);
    match run {
        // Lines are printed, and no document got one: each input gets its
        // line saying why the run was refused (`docs/json-output.md`).
        Err(e) if order.is_some() && ctx.global.json && !crate::error::is_broken_pipe(&e) => {
            let shown = ctx.global.provider.as_deref().unwrap_or_default();
            report::print_refused(&words, shown, &e)?;
            Err(e)
        }
        run => run,
    }
}

/// The run over the inputs' words. Every `?` here comes before the first
/// document is reported: after that, failures are the documents'.
fn run_words(
    ctx: &Ctx,
    command: Command,
    args: &Request,
    words: &[String],
    shard: Option<(u64, u64)>,
    order: Option<Order>,
    hooks: &Hooks,
) -> Result<(i32, Vec<Line>, Vec<anyhow::Error>)> {
    // Everything that can be checked is checked before the first request.
    let opts = options_from(ctx, args, command)?;
    let selected = provider::select_routing(ctx.global.provider.as_deref(), &ctx.config)?;
    let entries: Vec<&'static provider::Entry> = match selected {
        Selected::One(e) => vec![e],
        Selected::Auto { local, cloud } => vec![local, cloud],
    };
    let mut providers = Vec::new();
    for entry in &entries {
        let p = provider::build(entry, &ctx.config, &ctx.http)?;
        p.ready()?;
        providers.push(p);
    }
    let dest = destination(ctx, command, words.len())?;
    let to_stdout = matches!(dest, Destination::Stdout);
    let settings = Settings::resolve(ctx, args.concurrency)?;
    let in_process_only = entries
        .iter()
        .all(|e| e.info.upload == Some(provider::Upload::InProcess));
    // Held until the run ends: a temporary record is removed with it.
    let (store, _scratch) = if in_process_only {
        ctx.store_for_local_run()?
    } else {
        (ctx.store()?, None)
    };
    let place = place(store.own_journal(), dest, command)?;
    let folders = match (&place.layout, command) {
        (Layout::Folders(o), Command::Batch) => Some(o.root().to_path_buf()),
        _ => None,
    };
    let warn = |text: String| ctx.reporter.warn(&text);
    let routes: Vec<&dyn Provider> = providers.iter().map(|p| p.as_ref()).collect();
    let route = |doc: &input::Document| {
        let (entry, note) = selected.route_noted(doc);
        if let Some(note) = note {
            warn(note);
        }
        entries
            .iter()
            .position(|e| std::ptr::eq(*e, entry))
            .unwrap_or(0)
    };
    let cloud_pages = hybrid::CloudPages::resolve(
        args.cloud_pages.as_deref(),
        ctx.config.file.defaults.cloud_pages.as_deref(),
    )?;
    if args.cloud_pages.is_some() && !matches!(selected, Selected::Auto { .. }) {
        warn(hybrid::not_auto_warning(entries[0].info.name));
    }
    let auto = matches!(selected, Selected::Auto { .. });
    let pages_route = |doc: &input::Document| {
        auto.then(|| hybrid::route(&routes, cloud_pages, opts.pages.is_some(), doc, &warn))
            .flatten()
    };
    let rules = plan::Rules {
        routes: &routes,
        route: &route,
        pages_route: &pages_route,
        opts: &opts,
        folders: folders.as_deref(),
        fail_fast: args.fail_fast,
        shard,
        count_pages: args.max_pages.is_some() || args.dry_run,
        split: !args.no_split,
        warn: &warn,
    };
    let plan = plan::plan(words, args.name.as_deref(), &rules)?;
    // After the provider's own checks, so a flag it cannot honour is named as
    // such rather than as something stdout cannot carry.
    if to_stdout && !plan.planned.is_empty() {
        check_stdout(&opts)?;
    }
    // --no-wait prints IDs, except for synchronous answers to stdout, which
    // are already there.
    let answers_at_once = providers
        .iter()
        .all(|p| p.info().mode == provider::Mode::Sync);
    let text = if args.no_wait && !(place.text == Text::Results && answers_at_once) {
        Text::Ids
    } else {
        place.text
    };
    let emitter = match order {
        Some(order) => Emitter::new(order, ctx.global.json, text),
        None => Emitter::keeping(),
    };
    let journal = Journal::open(&place.journal_dir, place.sharing, place.keep_days)?;
    crate::interrupt::set_resume_hint(format!(
        "the record is kept in {}: run the same command again to continue (nothing is submitted twice)",
        journal.path().display()
    ));
    let engines: Vec<Engine> = providers
        .iter()
        .enumerate()
        .map(|(i, p)| Engine {
            ctx,
            provider: p.as_ref(),
            // `auto`: local reads a hybrid document's typed pages.
            local: match selected {
                Selected::Auto { .. } => Some(providers[0].as_ref()),
                Selected::One(_) => None,
            },
            command: command.name(),
            layout: place.layout.clone(),
            exact: place.exact.clone(),
            journal: &journal,
            journal_dir: place.journal_dir.clone(),
            store: store.clone(),
            settings: settings.clone(),
            no_wait: args.no_wait,
            retry_failed: args.retry_failed,
            // Pages extracted on this machine cost nothing: the budget is
            // for the providers that bill.
            budget: args
                .max_pages
                .filter(|_| entries[i].info.upload != Some(provider::Upload::InProcess)),
            keep_held: place.keep_days.is_some(),
            show_provider: matches!(selected, Selected::Auto { .. }),
            emitter: &emitter,
            total: plan.total,
            dry_run: args.dry_run,
            hooks,
            opts: opts.clone(),
            state: Shared::default(),
        })
        .collect();
    ctx.reporter.start(plan.total as u64);
    let shown = match selected {
        Selected::One(e) => e.info.name,
        Selected::Auto { .. } => provider::AUTO,
    };
    for bad in plan.rejected {
        crate::messages::error(&bad.error);
        emitter.emit(Line::not_submitted(
            bad.index,
            &bad.input,
            shown,
            format!("{:#}", bad.error),
        ));
        engines[0].summary().errors.push(bad.error);
    }
    let mut groups: Vec<Vec<plan::Planned>> = engines.iter().map(|_| Vec::new()).collect();
    for p in plan.planned {
        let at = p.route.min(groups.len() - 1);
        groups[at].push(p);
    }
    // In order: `local` (at once, in this process) before the cloud.
    for (engine, docs) in engines.iter().zip(groups) {
        if docs.is_empty() {
            continue;
        }
        let works = engine.triage(docs);
        if args.dry_run {
            dry_run(engine, works);
        } else {
            engine.execute(works);
            engine.report_rest();
        }
    }
    let broken = emitter.flush();
    let errors = if args.dry_run {
        engines
            .iter()
            .flat_map(|e| std::mem::take(&mut e.summary().errors))
            .collect()
    } else {
        finish(&engines, command)
    };
    if let Some(e) = broken {
        return Err(e.into());
    }
    Ok((
        combined_exit_code(&errors.iter().collect::<Vec<_>>()),
        emitter.take_kept(),
        errors,
    ))
}

/// `--dry-run`: what the run would do with each document, and the cost of the
/// new submissions. Nothing is sent.
fn dry_run(engine: &Engine, works: Vec<Work>) {
    let (mut new, mut pages, mut unknown, mut resumed, mut held, mut cached) =
        (0usize, 0u64, 0usize, 0usize, 0usize, 0usize);
    let fresh: Vec<&plan::Planned> = works
        .iter()
        .filter_map(|w| match w {
            Work::New(p) => Some(p),
            _ => None,
        })
        .collect();
    let batched = estimate::batched_pages(engine.provider, &engine.opts, &fresh);
    for work in works {
        let (key, line) = match work {
            Work::New(p) => {
                new += 1;
                match p.pages {
                    Some(n) => pages += n,
                    None => unknown += 1,
                }
                let mut l = Line::not_submitted(
                    p.index,
                    &p.doc.input,
                    engine.provider.info().name,
                    String::new(),
                );
                l.state = "would-submit".into();
                l.error = None;
                l.pages = p.pages;
                if let Some(h) = &p.hybrid {
                    l.pages_local = Some(u64::from(h.count) - h.cloud.len() as u64);
                    l.pages_cloud = p.pages;
                }
                (p.key, l)
            }
            Work::Resume(rec) => {
                resumed += 1;
                let mut l = Line::of(0, &rec);
                l.state = "would-resume".into();
                (rec.key.clone(), l)
            }
            Work::Cached(p) => {
                cached += 1;
                let mut l = Line::not_submitted(
                    p.index,
                    &p.doc.input,
                    engine.provider.info().name,
                    String::new(),
                );
                l.state = "would-deliver".into();
                l.error = None;
                l.pages = p.pages;
                l.cached = true;
                (p.key, l)
            }
            Work::Held(key) => {
                held += 1;
                let rec = engine.journal.get(&key);
                let mut l = rec.as_ref().map(|r| Line::of(0, r)).unwrap_or_else(|| {
                    Line::not_submitted(0, "", engine.provider.info().name, String::new())
                });
                l.state = "would-deliver".into();
                (key, l)
            }
        };
        engine.report_dry(&key, &line);
    }
    engine.report_rest();
    let skipped = engine.summary().skipped;
    crate::messages::line(&format!(
        "docpipe: dry run: {}; {resumed} to follow, {held} to write from a held answer, {cached} to write from the result cache (free), {skipped} done already",
        estimate::cost_line(
            engine.ctx,
            engine.provider.info().name,
            new,
            (pages, batched),
            unknown
        )
    ));
}

/// `fetch`: one recorded (or, with `-p`, looked-up) ID through the pipeline:
/// waits if needed, then delivers as the command that submitted it would have.
pub fn fetch(
    ctx: &Ctx,
    provider: &dyn Provider,
    records: Vec<journal::DocRecord>,
    from_journal: Option<&Path>,
    emitter: &Emitter,
    first_index: usize,
    hooks: &Hooks,
) -> Result<Vec<anyhow::Error>> {
    let Some(first) = records.first() else {
        return Ok(Vec::new());
    };
    let command = Command::from_name(first.command.as_deref().unwrap_or("parse"));
    let opts = first.options.clone().unwrap_or_default();
    // Where the results go: -o, else where the submitting run put them.
    let from_root = from_journal
        .filter(|d| d.file_name().is_some_and(|n| n == ".docpipe"))
        .and_then(Path::parent)
        .map(Path::to_path_buf);
    let dest = match (command, ctx.global.output.clone().or(from_root)) {
        (Command::Ocr, Some(dir)) => Destination::Files(dir),
        (Command::Ocr, None) => Destination::Stdout,
        (_, dir) => Destination::Folders(
            dir.or_else(|| ctx.config.output(None))
                .unwrap_or_else(|| PathBuf::from(".")),
        ),
    };
    if matches!(dest, Destination::Stdout) {
        check_stdout(&opts)?;
    }
    let store = ctx.store()?;
    let place = place(store.own_journal(), dest, Command::Parse)?;
    let journal = Journal::open(&place.journal_dir, Sharing::Shared, place.keep_days)?;
    let engine = Engine {
        ctx,
        provider,
        local: None,
        command: command.name(),
        layout: place.layout,
        exact: None,
        journal: &journal,
        journal_dir: place.journal_dir,
        store,
        settings: Settings::resolve(ctx, None)?,
        no_wait: false,
        retry_failed: false,
        budget: None,
        keep_held: place.keep_days.is_some(),
        show_provider: false,
        emitter,
        total: records.len(),
        dry_run: false,
        hooks,
        opts,
        state: Shared::default(),
    };
    let mut works = Vec::new();
    // Parts of a split document are fetched as the whole document.
    let mut parents: Vec<(journal::DocRecord, Vec<(usize, String)>)> = Vec::new();
    for (i, rec) in records.into_iter().enumerate() {
        let parent = rec
            .parent
            .as_ref()
            .and_then(|k| engine.journal.get(k))
            .filter(|p| p.parts.is_some());
        if let Some(parent) = parent {
            // One line for the document, however many of its parts the ID names.
            if !parents.iter().any(|(p, _)| p.key == parent.key) {
                let input = (first_index + i, parent.input.clone());
                parents.push((parent, vec![input]));
            }
            continue;
        }
        engine.register(&rec.key, vec![(first_index + i, rec.input.clone())]);
        // The record follows the result: a later `status`/`fetch` finds it here.
        if engine.journal.get(&rec.key).is_none() {
            engine.journal.put(&rec)?;
            if let Some(task) = rec.task() {
                engine.store.move_run(&task.id, &engine.journal_dir)?;
            }
        }
        if engine.journal.held(&rec.key).is_some() {
            works.push(Work::Held(rec.key.clone()));
        } else if engine.fetch_from_cache(&rec) {
            // Written from the result cache: nothing asked of the provider.
        } else {
            works.push(Work::Resume(rec));
        }
    }
    for (parent, inputs) in parents {
        works.extend(engine.adopt_parts(&parent, inputs));
    }
    engine.execute(works);
    engine.report_rest();
    Ok(finish(std::slice::from_ref(&engine), Command::Parse))
}

/// The summary on stderr and the hints; returns the failures (for the exit code).
fn finish(engines: &[Engine], command: Command) -> Vec<anyhow::Error> {
    let Some(first) = engines.first() else {
        return Vec::new();
    };
    let ctx = first.ctx;
    let (mut errors, mut batch_ids, mut timed_out) = (Vec::new(), Vec::new(), Vec::new());
    let (mut failed, mut uncertain, mut unsent) = (0usize, 0usize, 0usize);
    for engine in engines {
        let mut s = engine.summary();
        errors.append(&mut s.errors);
        timed_out.extend(s.timed_out.iter().cloned());
        failed += s.failed.len();
        uncertain += s.uncertain;
        unsent += s.unsent;
        batch_ids.extend(
            engine
                .state
                .batch_ids
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .iter()
                .cloned(),
        );
    }
    // One document's own progress line says it all; a run of several (or any
    // batch) ends with a summary that stays on screen.
    if command == Command::Batch || first.total > 1 {
        let output = match &first.layout {
            Layout::Stdout => None,
            Layout::Files(o) | Layout::Folders(o) => Some(match &first.exact {
                Some(f) => o.root().join(f).display().to_string(),
                None => o.root().display().to_string(),
            }),
        };
        batch_ids.dedup();
        let next_step = Some(if failed == 0 {
            "fix what the errors above name, then run the same command again".to_string()
        } else {
            "the same command with --retry-failed submits the failed documents again".to_string()
        });
        ctx.reporter.summary(&crate::progress::Summary {
            output,
            batch_ids,
            next_step,
        });
    }
    let say = crate::messages::line;
    if uncertain > 0 {
        say(&format!(
            "docpipe: warning: {} {} cut off mid-submission by an earlier run and submitted again: where the first request did create a task, the provider bills the document twice",
            crate::progress::plural(uncertain as u64, "document"),
            if uncertain == 1 { "was" } else { "were" }
        ));
    }
    if unsent > 0 {
        say(&format!(
            "docpipe: hint: {} {} no task on record: run the same command again to submit {} (documents already recorded are not submitted twice)",
            crate::progress::plural(unsent as u64, "document"),
            if unsent == 1 { "has" } else { "have" },
            if unsent == 1 { "it" } else { "them" }
        ));
    }
    // Under `auto`, what went to the cloud did so because `local` cannot read
    // it (or its scanned pages): with no network, local can still try.
    let cloud_unsent: usize = engines
        .iter()
        .filter(|e| {
            e.show_provider && e.provider.info().upload != Some(provider::Upload::InProcess)
        })
        .map(|e| e.summary().unsent)
        .sum();
    if cloud_unsent > 0 {
        say(&format!(
            "docpipe: hint: under auto, {} went to the cloud for pages local cannot read (scans, pictures); with no network, --cloud-pages none reads {} on this machine (scans by tesseract, if installed)",
            if cloud_unsent == 1 { "that document" } else { "those documents" },
            if cloud_unsent == 1 { "it" } else { "them" }
        ));
    }
    if !timed_out.is_empty() {
        timed_out.dedup();
        say(&format!(
            "docpipe: hint: still running: run the same command again to continue (the record is kept in {}; nothing is submitted twice), or check with `docpipe status {ids}` and download with `docpipe fetch {ids}`",
            first.journal.path().display(),
            ids = timed_out.join(" ")
        ));
    }
    errors
}
