//! A provider's settings: its table of the file, its key (as a [`Secret`],
//! never printed) and where the key came from, its base URL.

use std::fmt;
use std::path::PathBuf;

use serde::Deserialize;

pub const PROVIDER_KEYS: &[&str] = &[
    "api_key",
    "base_url",
    "model_version",
    "max_file_mb",
    "max_pages",
    "max_batch",
    "rate_limit",
    "price_per_1000_pages",
];

#[derive(Debug, Default, Deserialize, Clone)]
pub struct ProviderTable {
    pub api_key: Option<String>,
    pub base_url: Option<String>,
    pub model_version: Option<String>,
    /// Overrides of the provider's documented limits (services change them).
    pub max_file_mb: Option<u64>,
    pub max_pages: Option<u32>,
    /// Documents per provider batch call (providers with a batch API only).
    pub max_batch: Option<usize>,
    /// Requests per second to the provider's API, at most (its QPS limit).
    pub rate_limit: Option<f64>,
    /// What 1,000 pages cost on the user's plan, for `estimate` and `--dry-run`.
    pub price_per_1000_pages: Option<f64>,
    /// Provider-specific settings, read by the provider itself.
    #[serde(flatten)]
    pub extra: toml::Table,
}

/// What a provider takes at most: documented in its `INFO`, overridden by its
/// table (services change them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Limits {
    pub max_bytes: Option<u64>,
    pub max_pages: Option<u32>,
    /// Documents per batch request. `Some` exactly when the provider has a batch
    /// API (implements `Provider::batch_group`, `submit_batch`, `batch_status`):
    /// the one place that says so, read by `providers` and by `batch`.
    pub max_batch: Option<usize>,
}

impl ProviderTable {
    /// The limits in force: the documented ones unless the table overrides
    /// them (`max_file_mb`, `max_pages`, and `max_batch` for a provider with a
    /// batch API: a provider without one keeps `None`).
    pub fn limits(&self, documented: &Limits) -> Limits {
        Limits {
            max_bytes: self
                .max_file_mb
                .map(|mb| mb * 1024 * 1024)
                .or(documented.max_bytes),
            max_pages: self.max_pages.or(documented.max_pages),
            max_batch: documented
                .max_batch
                .map(|documented| self.max_batch.unwrap_or(documented)),
        }
    }
}

/// An API key. Never printed: `Debug` and `Display` show a mask.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Where a key was found; shown to users instead of the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    Env(String),
    Config(PathBuf),
}

impl fmt::Display for KeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeySource::Env(name) => write!(f, "env {name}"),
            KeySource::Config(path) => write!(f, "config {}", path.display()),
        }
    }
}

/// Everything a provider needs from configuration, resolved.
#[derive(Debug, Clone)]
pub struct ProviderSettings {
    pub name: String,
    pub key: Option<(Secret, KeySource)>,
    pub base_url: String,
    pub table: ProviderTable,
    /// Its limits in force (see [`ProviderTable::limits`]): resolved once,
    /// read by its checks, the planner and the engine.
    pub limits: Limits,
}

impl ProviderSettings {
    /// The key, if one is set (`ProviderInfo::key` turns its absence into the
    /// missing-key error).
    pub fn secret(&self) -> Option<&Secret> {
        self.key.as_ref().map(|(k, _)| k)
    }

    /// Settings with only a base URL and the documented limits: for unit tests.
    pub fn bare(name: &str, base_url: &str, limits: &Limits) -> Self {
        ProviderSettings {
            name: name.to_string(),
            key: None,
            base_url: base_url.to_string(),
            table: ProviderTable::default(),
            limits: limits.clone(),
        }
    }
}

/// Scheme, host, optional port and optional path prefix; no trailing slash.
pub fn normalize_base_url(url: &str) -> Result<String, String> {
    let parsed =
        reqwest::Url::parse(url.trim()).map_err(|e| format!("invalid URL '{url}': {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(format!("'{url}' is not an http(s) URL with a host"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(format!("'{url}' must not have a query or fragment"));
    }
    Ok(parsed.as_str().trim_end_matches('/').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_is_never_displayed() {
        let s = Secret::new("sk-very-secret");
        assert!(!format!("{s:?} {s}").contains("very-secret"));
    }

    #[test]
    fn base_urls_are_checked() {
        assert!(normalize_base_url("ftp://x").is_err());
        assert!(normalize_base_url("not a url").is_err());
        assert_eq!(
            normalize_base_url("https://mineru.net/").unwrap(),
            "https://mineru.net"
        );
    }
}
