//! The docs that say what each provider is and takes, generated from the
//! provider registry: the capability table of docs/providers.md and the
//! `[providers.NAME]` tables of config.example.toml. Adding a provider to the
//! registry adds its row and its table.

use std::fmt::Write as _;

use crate::config::base_url_var;
use crate::provider::{describe, ProviderInfo, REGISTRY};

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

fn key(info: &ProviderInfo) -> String {
    if info.key_env.is_empty() {
        return "none".into();
    }
    info.key_env
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(" or ")
}

fn price(info: &ProviderInfo) -> String {
    match info.price {
        Some(p) => {
            let share = info
                .batch_share
                .map(|s| format!("; {} in batch jobs", p.per_1000_pages * s))
                .unwrap_or_default();
            format!("{} {}{share}", p.per_1000_pages, p.currency)
        }
        None => "unknown: set `price_per_1000_pages`".into(),
    }
}

/// One row per provider: what `docpipe providers` says, before config.
pub fn capability_table() -> String {
    let mut out = String::from(
        "| provider | key | answers | local files | URLs | formats | limits | `batch` sends | published price per 1,000 pages |\n|---|---|---|---|---|---|---|---|---|\n",
    );
    for entry in REGISTRY {
        let info = entry.info;
        let answers = match describe::mode(info) {
            "sync" => "at once",
            _ => "a task, polled",
        };
        let _ = writeln!(
            out,
            "| `{}` | {} | {answers} | {} | {} | {} | {} | {} | {} |",
            info.name,
            key(info),
            describe::upload(info),
            yes_no(info.urls),
            info.formats
                .iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", "),
            describe::limits(info, &info.limits),
            describe::batch(info, &info.limits),
            price(info),
        );
    }
    out
}

/// The `[providers.NAME]` tables: key, base URL, the provider's own keys and
/// its documented limits, every line commented out.
pub fn config_tables() -> String {
    let mut out = String::new();
    for entry in REGISTRY {
        let info = entry.info;
        let _ = writeln!(out, "[providers.{}]", info.name);
        let _ = writeln!(out, "# {}", info.summary);
        match info.key_env {
            [] => out.push_str("# No key needed.\n"),
            [first, rest @ ..] => {
                let also = if rest.is_empty() {
                    String::new()
                } else {
                    format!(" ({} also accepted)", rest.join(", "))
                };
                let _ = writeln!(out, "# Key; env {first}{also}.\n# api_key = \"...\"");
            }
        }
        if !info.default_base_url.is_empty() {
            let _ = writeln!(
                out,
                "# Env {}. Scheme, host, optional port and path prefix.\n# base_url = \"{}\"",
                base_url_var(info.name),
                info.default_base_url
            );
        }
        out.push_str(info.config_example);
        let limits = &info.limits;
        if limits.max_bytes.is_some() || limits.max_pages.is_some() || limits.max_batch.is_some() {
            out.push_str(
                "# Its documented limits, checked before any upload; services change them.\n",
            );
        }
        if let Some(bytes) = limits.max_bytes {
            let _ = writeln!(out, "# max_file_mb = {}", bytes / (1024 * 1024));
        }
        if let Some(pages) = limits.max_pages {
            let _ = writeln!(out, "# max_pages = {pages}");
        }
        if let Some(batch) = limits.max_batch {
            let _ = writeln!(out, "# Documents per batch call.\n# max_batch = {batch}");
        }
        out.push('\n');
    }
    out.pop();
    out
}
