//! `providers`: what each provider can do, the limits in force, whether its key
//! is set (never the key itself: only where it comes from), and which config file
//! is used.

use std::io::Write;

use anyhow::Result;
use serde_json::json;

use super::Ctx;
use crate::config;
use crate::provider::{describe, Selected, Upload, REGISTRY};

pub fn run(ctx: &Ctx) -> Result<i32> {
    list(ctx, None)?;
    Ok(0)
}

/// What `providers --json` prints, one value per provider, kept instead of
/// printed (for the MCP server, whose stdout is not ours to write).
pub fn values(ctx: &Ctx) -> Result<Vec<serde_json::Value>> {
    let mut kept = Vec::new();
    list(ctx, Some(&mut kept))?;
    Ok(kept)
}

fn list(ctx: &Ctx, mut kept: Option<&mut Vec<serde_json::Value>>) -> Result<()> {
    let json = ctx.global.json || kept.is_some();
    let routing = crate::provider::select_routing(ctx.global.provider.as_deref(), &ctx.config).ok();
    // Under `auto`, both sides are "default": each document goes to one of them.
    let (selected, auto_cloud) = match routing {
        Some(Selected::One(e)) => (Some(e.info.name), None),
        Some(Selected::Auto { cloud, .. }) => (Some("local"), Some(cloud.info.name)),
        None => (None, None),
    };
    let is_default = |name: &str| selected == Some(name) || auto_cloud == Some(name);
    // The file read, else the one that would have been read had it existed.
    let (config_path, config_loaded) = match &ctx.config.path {
        Some(p) => (Some(p.clone()), true),
        None => (config::default_path(), false),
    };
    let config_text = match (&config_path, config_loaded) {
        (Some(p), true) => p.display().to_string(),
        (Some(p), false) => format!("none ({} not found)", p.display()),
        (None, _) => "none (this system has no config folder)".to_string(),
    };
    let mut out = std::io::stdout();
    if !json {
        writeln!(out, "config file: {config_text}")?;
        writeln!(out, "{}", crate::local::ocr::status_line())?;
        match auto_cloud {
            Some(cloud) => writeln!(
                out,
                "default: auto — each document with a text layer goes to local (on this machine), the others to {cloud} (the first provider with a key, else {})",
                crate::provider::NO_KEY_DEFAULT
            )?,
            None => writeln!(
                out,
                "default: {} (-p auto: local for documents with a text layer, the cloud default for the others)",
                selected.unwrap_or("none")
            )?,
        }
        writeln!(out, "{}\n", crate::provider::selection_help())?;
    }
    for entry in REGISTRY {
        let info = entry.info;
        let key = ctx.config.key(info.name, info.key_env);
        let key_text = match (&key, info.needs_key()) {
            (_, false) => "not needed".to_string(),
            (Some((_, source)), true) => format!("set ({source})"),
            (None, true) => format!(
                "not set ({} or providers.{}.api_key)",
                info.key_env.join(" or "),
                info.name
            ),
        };
        let base_url = ctx
            .config
            .base_url(info.name, info.default_base_url)
            .unwrap_or_else(|e| format!("invalid: {e}"));
        let upload = describe::upload(info);
        let mode = describe::mode(info);
        let limits = ctx.config.table(info.name).limits(&info.limits);
        let inline_max = match info.upload {
            Some(Upload::InlineBase64 { max_bytes }) => Some(max_bytes),
            _ => None,
        };
        if json {
            let line = json!({
                "name": info.name,
                "summary": info.summary,
                "default": is_default(info.name),
                "mode": mode,
                // Every provider serves both commands; `parse` keeps the provider's
                // files, `ocr` the text.
                "ocr": true,
                "parse": true,
                // `batch` is whether the provider has batch calls; the batch
                // command works with every provider.
                "batch": info.batch(),
                "batch_command": true,
                "local_files": info.upload.is_some(),
                "upload": upload,
                "urls": info.urls,
                "formats": info.formats,
                "extensions": info.extensions,
                "key": {
                    "needed": info.needs_key(),
                    "set": key.is_some(),
                    "source": key.as_ref().map(|(_, s)| s.to_string()),
                    "env": info.key_env,
                },
                "base_url": base_url,
                "base_url_env": config::base_url_var(info.name),
                "limits": {
                    "max_bytes": limits.max_bytes,
                    "max_inline_bytes": inline_max,
                    "max_pages": limits.max_pages,
                    "max_batch": limits.max_batch,
                },
                "config": {
                    "path": config_path.as_ref().map(|p| p.display().to_string()),
                    "loaded": config_loaded,
                },
            });
            match kept.as_mut() {
                Some(kept) => kept.push(line),
                None => writeln!(out, "{line}")?,
            }
        } else {
            let mark = if is_default(info.name) {
                if auto_cloud.is_some() {
                    " (default now, through auto)"
                } else {
                    " (default now)"
                }
            } else {
                ""
            };
            let yes_no = |b: bool| if b { "yes" } else { "no" };
            writeln!(out, "{}{mark}\n  {}", info.name, info.summary)?;
            writeln!(out, "  key: {key_text}")?;
            if info.default_base_url.is_empty() {
                writeln!(out, "  base url: none (runs on this machine)")?;
            } else {
                writeln!(
                    out,
                    "  base url: {base_url} ({})",
                    config::base_url_var(info.name)
                )?;
            }
            let batch = describe::batch(info, &limits);
            writeln!(
                out,
                "  commands: ocr, parse, batch ({batch}); answers: {mode}"
            )?;
            writeln!(
                out,
                "  local files: {upload}; URLs: {}; formats: {}",
                yes_no(info.urls),
                info.formats.join(", ")
            )?;
            writeln!(
                out,
                "  inputs: {}\n  limits: {}\n",
                info.extensions.join(", "),
                describe::limits(info, &limits)
            )?;
        }
    }
    if kept.is_none() {
        out.flush()?;
    }
    Ok(())
}
