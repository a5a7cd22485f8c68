//! A provider's capabilities in words, from its `INFO`: what `docpipe
//! providers` prints and what the generated docs (the capability table of
//! docs/providers.md, the provider tables of config.example.toml) say.

use super::{human_bytes, Limits, Mode, ProviderInfo, Upload};

/// How local files reach it.
pub fn upload(info: &ProviderInfo) -> String {
    match info.upload {
        None => "no".to_string(),
        Some(Upload::SignedPut) => "signed-url PUT".to_string(),
        Some(Upload::Multipart) => "multipart".to_string(),
        Some(Upload::InProcess) => "none: read in place".to_string(),
        Some(Upload::InlineBase64 { max_bytes }) => {
            format!("inline base64, below {}", human_bytes(max_bytes))
        }
    }
}

pub fn mode(info: &ProviderInfo) -> &'static str {
    match info.mode {
        Mode::Sync => "sync",
        Mode::Async => "async",
    }
}

/// How `batch` sends many documents to it.
pub fn batch(info: &ProviderInfo, limits: &Limits) -> String {
    if info.upload == Some(Upload::InProcess) {
        return "each document read on this machine".to_string();
    }
    match (info.batch(), limits.max_batch, info.mode) {
        (_, Some(n), _) => format!("up to {n} documents per provider batch call"),
        (true, None, _) => "provider batch calls".to_string(),
        (false, _, Mode::Sync) => "one request per document".to_string(),
        (false, _, Mode::Async) => "one task per document".to_string(),
    }
}

/// The local files it takes at most, in words ("none documented" when no
/// limit is known).
pub fn limits(info: &ProviderInfo, limits: &Limits) -> String {
    let mut shown = Vec::new();
    if let Some(b) = limits.max_bytes {
        shown.push(format!("{} per file", human_bytes(b)));
    }
    if let Some(p) = limits.max_pages {
        shown.push(format!("{p} pages per file"));
    }
    if let Some(Upload::InlineBase64 { max_bytes }) = info.upload {
        shown.push(format!(
            "local files below {} (sent inline; larger ones by URL)",
            human_bytes(max_bytes)
        ));
    }
    if shown.is_empty() {
        shown.push("none documented".into());
    }
    shown.join(", ")
}
