//! `providers`: what each provider can do and whether its key is set (never the
//! key itself: only where it comes from).

use std::io::Write;

use anyhow::Result;
use serde_json::json;

use super::Ctx;
use crate::provider::{human_bytes, Mode, Upload, REGISTRY};

pub fn run(ctx: &Ctx) -> Result<i32> {
    let selected = crate::provider::select(ctx.global.provider.as_deref(), &ctx.config)
        .map(|e| e.info.name)
        .ok();
    let mut out = std::io::stdout().lock();
    for entry in REGISTRY {
        let info = entry.info;
        let key = ctx.config.key(info.name, info.key_env);
        let key_text = match (&key, info.needs_key()) {
            (_, false) => "not needed".to_string(),
            (Some((_, source)), true) => format!("set ({source})"),
            (None, true) => format!("not set ({})", info.key_env.join(" or ")),
        };
        let base_url = ctx
            .config
            .base_url(info.name, info.default_base_url)
            .unwrap_or_else(|e| format!("invalid: {e}"));
        let upload = match info.upload {
            None => "no".to_string(),
            Some(Upload::SignedPut) => "signed-url PUT".to_string(),
            Some(Upload::Multipart) => "multipart".to_string(),
            Some(Upload::InlineBase64 { max_bytes }) => {
                format!("inline base64, below {}", human_bytes(max_bytes))
            }
        };
        if ctx.global.json {
            let line = json!({
                "name": info.name,
                "summary": info.summary,
                "default": selected == Some(info.name),
                "mode": match info.mode { Mode::Sync => "sync", Mode::Async => "async" },
                "ocr": true,
                "parse": true,
                "batch": info.batch,
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
                "limits": {
                    "max_bytes": info.limits.max_bytes,
                    "max_pages": info.limits.max_pages,
                    "max_batch": info.limits.max_batch,
                },
            });
            writeln!(out, "{line}")?;
        } else {
            let mark = if selected == Some(info.name) {
                " (default now)"
            } else {
                ""
            };
            writeln!(out, "{}{mark}\n  {}", info.name, info.summary)?;
            writeln!(out, "  key: {key_text}\n  base url: {base_url}")?;
            writeln!(
                out,
                "  local files: {upload}; URLs: {}; batch: {}; formats: {}",
                if info.urls { "yes" } else { "no" },
                if info.batch { "yes" } else { "no" },
                info.formats.join(", ")
            )?;
            let mut limits = Vec::new();
            if let Some(b) = info.limits.max_bytes {
                limits.push(human_bytes(b));
            }
            if let Some(p) = info.limits.max_pages {
                limits.push(format!("{p} pages"));
            }
            if limits.is_empty() {
                limits.push("none documented".into());
            }
            writeln!(
                out,
                "  inputs: {}; limits: {}\n",
                info.extensions.join(", "),
                limits.join(", ")
            )?;
        }
    }
    Ok(0)
}
