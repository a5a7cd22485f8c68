//! `docpipe estimate` and `--dry-run`: what a run would cost, from the inputs
//! alone. Pages are counted locally (a PDF's page tree, 1 for an image, the
//! `--pages` selection); prices come from `price.rs`. Nothing is sent.

use std::io::Write;

use anyhow::Result;
use serde_json::json;

use super::plan::{self, Plan, Planned, Rules};
use crate::context::{combined_exit_code, Ctx};
use crate::input;
use crate::options::ExtractOptions;
use crate::price;
use crate::provider::{self, Entry, Provider};
use crate::request::Request;

/// One provider's view of the inputs.
struct Quote {
    provider: &'static str,
    /// Documents it would take (after its own checks), their known pages, and
    /// how many of them have a length that cannot be read here.
    documents: usize,
    /// Of those, the documents whose answer the result cache holds (free).
    cached: usize,
    pages: u64,
    /// Of those, the pages that would go in provider batch jobs.
    batched: u64,
    unknown: usize,
    /// The inputs this provider cannot take though another can, each with its
    /// reason (inputs no provider takes are errors of the run instead).
    refused: Vec<String>,
    price: Option<price::Price>,
    /// `auto`: the cloud provider that bills `pages`, and the pages read on
    /// this machine (free).
    auto: Option<(&'static str, u64)>,
}

/// The known pages of `planned` that a run would send in provider batch calls:
/// the engine's rule (`Engine::submit_all`): documents of one batch group,
/// without options of their own, at least `batch_min` of them.
pub fn batched_pages(provider: &dyn Provider, opts: &ExtractOptions, planned: &[&Planned]) -> u64 {
    let mut groups: std::collections::BTreeMap<String, (usize, u64)> = Default::default();
    for p in planned.iter().filter(|p| p.opts.is_none()) {
        if let Some(g) = provider.batch_group(&p.doc, opts) {
            let group = groups.entry(g).or_default();
            group.0 += 1;
            group.1 += p.pages.unwrap_or(0);
        }
    }
    let min = provider.batch_min(opts).max(1);
    groups
        .values()
        .filter(|(documents, _)| *documents >= min)
        .map(|(_, pages)| pages)
        .sum()
}

/// The plan a quote prices: every document as a run would take it (its
/// pages counted, cut in parts where it would be), nothing sent.
fn quote_plan(
    words: &[String],
    args: &Request,
    routes: &[&dyn Provider],
    route: &dyn Fn(&input::Document) -> usize,
    pages_route: &dyn Fn(&input::Document) -> super::hybrid::Routed,
    opts: &ExtractOptions,
) -> Result<Plan> {
    let rules = Rules {
        routes,
        route,
        pages_route,
        opts,
        folders: None,
        fail_fast: false,
        shard: None,
        count_pages: true,
        split: !args.no_split,
        warn: &|_| {},
    };
    plan::plan(words, args.name.as_deref(), &rules)
}

fn quote(
    ctx: &Ctx,
    entry: &'static Entry,
    words: &[String],
    args: &Request,
) -> Result<(Quote, Plan)> {
    let provider = provider::build(entry, &ctx.config, &ctx.http)?;
    let mut opts = super::options_from(ctx, args, super::Command::Parse)?;
    // Quoted as `batch` would run them: many documents are what it is for,
    // and it alone may use a provider's cheaper batch jobs.
    opts.batch_command = true;
    let plan = quote_plan(words, args, &[provider.as_ref()], &|_| 0, &|_| None, &opts)?;
    // What the result cache holds costs nothing (`local` is free anyway).
    let cache = ctx
        .cache()
        .filter(|_| !ctx.global.refresh && entry.info.upload != Some(provider::Upload::InProcess));
    let (hits, paid) = split_cached(plan.planned.iter().collect(), cache, provider.as_ref());
    let pages = paid.iter().filter_map(|p| p.pages).sum();
    let unknown = paid.iter().filter(|p| p.pages.is_none()).count();
    let quote = Quote {
        provider: entry.info.name,
        documents: plan.planned.len(),
        cached: hits.len(),
        pages,
        batched: batched_pages(provider.as_ref(), &opts, &paid),
        unknown,
        refused: Vec::new(),
        price: price::of(&ctx.config, entry.info.name),
        auto: None,
    };
    Ok((quote, plan))
}

/// `-p auto`'s view: each PDF's pages shared between `local` (free) and the
/// cloud default, as a run would share them (`--cloud-pages`); the pages
/// billed are the cloud's.
fn quote_auto(ctx: &Ctx, words: &[String], args: &Request) -> Result<(Quote, Plan)> {
    let selected = provider::select_routing(Some(provider::AUTO), &ctx.config)?;
    let provider::Selected::Auto { local, cloud } = selected else {
        return Err(anyhow::anyhow!("auto has no cloud side"));
    };
    let built = [
        provider::build(local, &ctx.config, &ctx.http)?,
        provider::build(cloud, &ctx.config, &ctx.http)?,
    ];
    let routes: Vec<&dyn Provider> = built.iter().map(|p| p.as_ref()).collect();
    let mut opts = super::options_from(ctx, args, super::Command::Parse)?;
    opts.batch_command = true;
    let which = super::hybrid::CloudPages::resolve(
        args.cloud_pages.as_deref(),
        ctx.config.file.defaults.cloud_pages.as_deref(),
    )?;
    let route = |doc: &input::Document| usize::from(!std::ptr::eq(selected.route(doc), local));
    let pages_route = |doc: &input::Document| {
        super::hybrid::route(&routes, which, opts.pages.is_some(), doc, &|_| {})
    };
    let plan = quote_plan(words, args, &routes, &route, &pages_route, &opts)?;
    let (to_cloud, to_local): (Vec<&Planned>, Vec<&Planned>) =
        plan.planned.iter().partition(|p| p.route == 1);
    let cache = ctx.cache().filter(|_| !ctx.global.refresh);
    let (hits, paid) = split_cached(to_cloud, cache, routes[1]);
    let read_here: u64 = to_local.iter().filter_map(|p| p.pages).sum::<u64>()
        + plan
            .planned
            .iter()
            .filter_map(|p| p.hybrid.as_ref())
            .map(|h| u64::from(h.count) - h.cloud.len() as u64)
            .sum::<u64>();
    let quote = Quote {
        provider: provider::AUTO,
        documents: plan.planned.len(),
        cached: hits.len(),
        pages: paid.iter().filter_map(|p| p.pages).sum(),
        batched: batched_pages(routes[1], &opts, &paid),
        unknown: paid.iter().filter(|p| p.pages.is_none()).count(),
        refused: Vec::new(),
        price: price::of(&ctx.config, cloud.info.name),
        auto: Some((cloud.info.name, read_here)),
    };
    Ok((quote, plan))
}

/// `docpipe estimate`: pages per document, and per provider (the one of `-p`,
/// else every provider) what it would take and cost. An input no provider
/// takes (missing, unreadable, pages past its end) is an error of the run, as
/// in every other command; one that only some providers refuse is named under
/// each of them with the reason.
pub fn estimate(ctx: &Ctx, args: &Request) -> Result<i32> {
    let words = input::collect_inputs(&args.inputs, args.from.as_deref())?;
    let entries: Vec<&'static Entry> = match ctx.global.provider.as_deref() {
        Some(provider::AUTO) => Vec::new(),
        Some(name) => vec![provider::find(name)?],
        None => provider::REGISTRY.iter().collect(),
    };
    // `auto`'s row (documents shared page by page) when asked for, or when a
    // run without -p would route so (no key, or default_provider = "auto"):
    // first, as it is what such a run bills.
    let auto_row = match ctx.global.provider.as_deref() {
        Some(name) => name == provider::AUTO,
        None => matches!(
            provider::select_routing(None, &ctx.config)?,
            provider::Selected::Auto { .. }
        ),
    };
    if args.cloud_pages.is_some() && !auto_row {
        ctx.reporter.warn(&super::hybrid::not_auto_warning(
            ctx.global
                .provider
                .as_deref()
                .unwrap_or("(the provider with a key)"),
        ));
    }
    let mut quotes = Vec::new();
    let mut plans: Vec<Plan> = Vec::new();
    if auto_row {
        let (q, plan) = quote_auto(ctx, &words, args)?;
        quotes.push(q);
        plans.push(plan);
    }
    for entry in entries {
        let (q, plan) = quote(ctx, entry, &words, args)?;
        quotes.push(q);
        plans.push(plan);
    }
    let total = plans.iter().map(|p| p.total).max().unwrap_or(0);
    // A hybrid document's pages, and those of them billed.
    let planned_in = |plan: &Plan, index: usize| -> Option<(Option<u64>, Option<u64>)> {
        plan.planned
            .iter()
            .find(|p| p.index == index || p.aliases.iter().any(|a| a.index == index))
            .map(|p| match &p.hybrid {
                Some(h) => (Some(u64::from(h.count)), p.pages),
                None => (p.pages, None),
            })
    };
    let mut out = std::io::stdout().lock();
    let mut errors: Vec<anyhow::Error> = Vec::new();
    for index in 0..total {
        let taken = plans.iter().find_map(|plan| planned_in(plan, index));
        let input = plans
            .iter()
            .flat_map(|plan| plan.planned.iter())
            .find_map(|p| {
                (p.index == index).then(|| p.doc.input.clone()).or_else(|| {
                    p.aliases
                        .iter()
                        .find(|a| a.index == index)
                        .map(|a| a.input.clone())
                })
            });
        match (taken, input) {
            (Some((pages, cloud)), Some(input)) => {
                for (q, plan) in quotes.iter_mut().zip(&plans) {
                    if let Some(r) = plan.rejected.iter().find(|r| r.index == index) {
                        q.refused.push(format!("{:#}", r.error));
                    }
                }
                if ctx.global.json {
                    writeln!(
                        out,
                        "{}",
                        json!({"index": index, "input": input, "pages": pages, "pages_cloud": cloud})
                    )?;
                } else {
                    let pages = pages.map_or("?".to_string(), |p| p.to_string());
                    match cloud {
                        Some(c) => writeln!(out, "{pages:>6}  {input} ({c} to the cloud)")?,
                        None => writeln!(out, "{pages:>6}  {input}")?,
                    }
                }
            }
            _ => {
                // No provider takes it: the reason is the first provider's
                // (a missing file reads the same for all).
                let mut plans = plans.iter_mut();
                let Some(rejected) = plans.find_map(|plan| {
                    let at = plan.rejected.iter().position(|r| r.index == index)?;
                    Some(plan.rejected.remove(at))
                }) else {
                    continue;
                };
                crate::messages::error(&rejected.error);
                if ctx.global.json {
                    writeln!(
                        out,
                        "{}",
                        json!({"index": index, "input": rejected.input, "state": "refused", "error": format!("{:#}", rejected.error)})
                    )?;
                }
                errors.push(rejected.error);
            }
        }
    }
    for q in &quotes {
        let cost = q.price.as_ref().map(|p| p.cost_split(q.pages, q.batched));
        if ctx.global.json {
            writeln!(
                out,
                "{}",
                json!({
                    "provider": q.provider,
                    "documents": q.documents,
                    "cached": q.cached,
                    "refused": q.refused.len(),
                    "cannot_take": q.refused,
                    "pages": q.pages,
                    "batch_pages": q.batched,
                    "unknown_pages": q.unknown,
                    "price_per_1000_pages": q.price.as_ref().map(|p| p.per_1000_pages),
                    "currency": q.price.as_ref().map(|p| p.currency),
                    "cost": q.price.as_ref().map(|p| p.amount_split(q.pages, q.batched)),
                    "price_source": q.price.as_ref().map(|p| p.source.clone()),
                    "cloud_provider": q.auto.map(|a| a.0),
                    "pages_local": q.auto.map(|a| a.1),
                })
            )?;
        } else {
            let mut line = format!(
                "{:<14} {} · {}",
                q.provider,
                crate::progress::plural(q.documents as u64, "document"),
                crate::progress::plural(q.pages, "page"),
            );
            if let Some((cloud, read_here)) = q.auto {
                line.push_str(&format!(
                    " billed at {cloud}, {} read here (free)",
                    crate::progress::plural(read_here, "page")
                ));
            }
            if q.unknown > 0 {
                line.push_str(&format!(" + {} of unknown length", q.unknown));
            }
            if q.cached > 0 {
                line.push_str(&format!(
                    " ({} in the result cache, free)",
                    crate::progress::plural(q.cached as u64, "document")
                ));
            }
            match (&cost, &q.price) {
                (Some(c), Some(p)) => {
                    line.push_str(&format!(" · {c}"));
                    line.push_str(&batch_note(p, q.batched));
                    line.push_str(&format!(" ({})", p.source));
                }
                _ => line.push_str(&format!(
                    " · price unknown: set [providers.{}] price_per_1000_pages",
                    q.auto.map_or(q.provider, |a| a.0)
                )),
            }
            writeln!(out, "{line}")?;
            for reason in &q.refused {
                writeln!(out, "{:<14} cannot take {reason}", "")?;
            }
        }
    }
    Ok(combined_exit_code(&errors.iter().collect::<Vec<_>>()))
}

/// ` with N pages in batch jobs at 50 %`, when some are and that costs less.
fn batch_note(price: &price::Price, batched: u64) -> String {
    match price.batch_share {
        Some(share) if batched > 0 && share < 1.0 => format!(
            ", {} in batch jobs at {:.0} %",
            crate::progress::plural(batched, "page"),
            share * 100.0
        ),
        _ => String::new(),
    }
}

/// The cost line of a `--dry-run`: `documents` new documents holding
/// `pages` known pages (`batched` of them in batch jobs; `unknown` documents
/// of unknown length) at `provider`.
pub fn cost_line(
    ctx: &Ctx,
    provider: &str,
    documents: usize,
    (pages, batched): (u64, u64),
    unknown: usize,
) -> String {
    let plural = crate::progress::plural;
    let mut line = format!(
        "would submit {} ({}",
        plural(documents as u64, "document"),
        plural(pages, "page")
    );
    if unknown > 0 {
        line.push_str(&format!(", {unknown} of unknown length"));
    }
    line.push_str(&format!(") to {provider}"));
    match price::of(&ctx.config, provider) {
        Some(p) => line.push_str(&format!(
            ": {}{} ({})",
            p.cost_split(pages, batched),
            batch_note(&p, batched),
            p.source
        )),
        None => line.push_str(&format!(
            ": price unknown (set [providers.{provider}] price_per_1000_pages)"
        )),
    }
    line
}

/// The documents the cache holds whole (free), and the others (paid), the
/// cache asked about all of them in one round.
fn split_cached<'a>(
    planned: Vec<&'a Planned>,
    cache: Option<&crate::cache::Cache>,
    provider: &dyn Provider,
) -> (Vec<&'a Planned>, Vec<&'a Planned>) {
    let Some(c) = cache else {
        return (Vec::new(), planned);
    };
    let whole = super::plan::cached_wholes(&planned, c, provider);
    let (hits, paid): (Vec<_>, Vec<_>) = planned.into_iter().zip(whole).partition(|(_, w)| *w);
    (
        hits.into_iter().map(|(p, _)| p).collect(),
        paid.into_iter().map(|(p, _)| p).collect(),
    )
}
