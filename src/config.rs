//! Configuration: flags > environment > config file > built-in defaults.
//!
//! The file is TOML (see `config.example.toml`). Environment variables are read
//! through an [`Env`] so precedence can be tested without touching the process.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::error::Error;

/// Where environment variables come from: the process, or a map in tests.
pub type Env = dyn Fn(&str) -> Option<String> + Sync;

pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Keys the file may hold at the top level, in `[defaults]`, and in every
/// `[providers.<name>]` table (a provider adds its own in
/// `ProviderInfo::config_keys`). Other keys warn. A test checks the first two
/// against the structs below.
const TOP_KEYS: &[&str] = &["default_provider", "defaults", "providers"];

/// What a setting's value must be. A setting that has a flag takes exactly what
/// the flag takes, and is refused with the same words.
#[derive(Debug, Clone, Copy)]
enum Value {
    Text,
    /// A duration (`90s`, `5m`); `nonzero` as `--timeout`.
    Duration {
        nonzero: bool,
    },
    /// A whole number in a range (`--concurrency`: 1 to 64).
    Count {
        min: u64,
        max: u64,
    },
    /// A number above zero (requests per second).
    Positive,
    /// A number of zero or more (a price).
    Amount,
}

/// Every `[defaults]` key with the value it takes, and the flag that sets it too.
const DEFAULTS: &[(&str, Value, Option<&str>)] = &[
    ("output", Value::Text, Some("-o")),
    (
        "timeout",
        Value::Duration { nonzero: true },
        Some("--timeout"),
    ),
    (
        "concurrency",
        Value::Count {
            min: crate::units::CONCURRENCY_MIN as u64,
            max: crate::units::CONCURRENCY_MAX as u64,
        },
        Some("--concurrency"),
    ),
    ("language", Value::Text, Some("--language")),
    ("data_dir", Value::Text, None),
    ("poll_interval", Value::Duration { nonzero: true }, None),
    ("poll_max", Value::Duration { nonzero: true }, None),
    ("connect_timeout", Value::Duration { nonzero: true }, None),
    ("read_timeout", Value::Duration { nonzero: true }, None),
    ("stall_timeout", Value::Duration { nonzero: true }, None),
    ("retry_base", Value::Duration { nonzero: false }, None),
    (
        "max_unpacked_mb",
        Value::Count {
            min: 1,
            max: u64::MAX >> 20,
        },
        None,
    ),
    (
        "max_zip_entries",
        Value::Count {
            min: 1,
            max: u32::MAX as u64,
        },
        None,
    ),
];

/// The checked keys every `[providers.NAME]` table may hold.
const PROVIDER_VALUES: &[(&str, Value, Option<&str>)] = &[
    ("api_key", Value::Text, None),
    ("base_url", Value::Text, None),
    ("model_version", Value::Text, Some("--model")),
    (
        "max_file_mb",
        Value::Count {
            min: 1,
            max: u64::MAX >> 20,
        },
        None,
    ),
    (
        "max_pages",
        Value::Count {
            min: 1,
            max: u32::MAX as u64,
        },
        None,
    ),
    (
        "max_batch",
        Value::Count {
            min: 1,
            max: MAX_BATCH,
        },
        None,
    ),
    ("rate_limit", Value::Positive, None),
    ("price_per_1000_pages", Value::Amount, None),
];

/// The most documents `max_batch` may put in one provider batch: far above any
/// provider's documented limit, low enough that one call's list stays small.
pub const MAX_BATCH: u64 = 100_000;

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

/// Every environment variable docpipe reads besides each provider's key and
/// base URL (those come from the registry). The code reads them by these names;
/// the man page's ENVIRONMENT section and docs/configuration.md list this table,
/// and a test checks that no other such variable is read anywhere in `src/`.
pub mod var {
    pub const CONFIG: &str = "DOCPIPE_CONFIG";
    pub const TIMEOUT: &str = "DOCPIPE_TIMEOUT";
    pub const POLL_INTERVAL: &str = "DOCPIPE_POLL_INTERVAL";
    pub const POLL_MAX: &str = "DOCPIPE_POLL_MAX";
    pub const CONNECT_TIMEOUT: &str = "DOCPIPE_CONNECT_TIMEOUT";
    pub const READ_TIMEOUT: &str = "DOCPIPE_READ_TIMEOUT";
    pub const RETRY_BASE: &str = "DOCPIPE_RETRY_BASE";
    pub const STALL_TIMEOUT: &str = "DOCPIPE_STALL_TIMEOUT";
    pub const MCP_TOKEN: &str = "DOCPIPE_MCP_TOKEN";
    pub const DATA_DIR: &str = "DOCPIPE_DATA_DIR";
    pub const PROGRESS: &str = "DOCPIPE_PROGRESS";
    pub const NO_COLOR: &str = "NO_COLOR";
}

pub const ENVIRONMENT: &[(&str, &str)] = &[
    (var::CONFIG, "config file, when --config is not given"),
    (var::TIMEOUT, "default --timeout (90s, 5m, 1h; not 0)"),
    (
        var::POLL_INTERVAL,
        "first wait between status polls (default 1.5s)",
    ),
    (
        var::POLL_MAX,
        "longest wait between status polls (default 30s)",
    ),
    (
        var::CONNECT_TIMEOUT,
        "how long to wait for a connection (default 15s)",
    ),
    (
        var::READ_TIMEOUT,
        "how long an API answer may take (default 120s)",
    ),
    (
        var::RETRY_BASE,
        "first retry backoff ceiling, doubling per attempt (default 500ms)",
    ),
    (
        var::MCP_TOKEN,
        "docpipe mcp --http: the bearer token clients must send (as --token)",
    ),
    (
        var::STALL_TIMEOUT,
        "how long a transfer may go without progress before it is retried (default 60s)",
    ),
    (
        var::DATA_DIR,
        "where the task record is kept (default <data dir>/docpipe)",
    ),
    (
        var::PROGRESS,
        "bar, plain or none: overrides the terminal check for progress",
    ),
    (
        var::NO_COLOR,
        "when set and not empty, progress uses no color",
    ),
];

#[derive(Debug, Default, Deserialize)]
pub struct FileConfig {
    pub default_provider: Option<String>,
    #[serde(default)]
    pub defaults: Defaults,
    #[serde(default)]
    pub providers: BTreeMap<String, ProviderTable>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Defaults {
    pub output: Option<PathBuf>,
    pub timeout: Option<String>,
    pub concurrency: Option<u32>,
    pub language: Option<String>,
    /// Where the task record is kept (as `DOCPIPE_DATA_DIR`).
    pub data_dir: Option<PathBuf>,
    /// First wait between status polls; grows to `poll_max`.
    pub poll_interval: Option<String>,
    pub poll_max: Option<String>,
    /// How long to wait for a connection, and for an API answer.
    pub connect_timeout: Option<String>,
    pub read_timeout: Option<String>,
    /// How long a download may go without progress (headers, then each read).
    pub stall_timeout: Option<String>,
    /// The first retry backoff ceiling (it doubles per attempt).
    pub retry_base: Option<String>,
    /// Caps on unpacking a result zip (zip bombs).
    pub max_unpacked_mb: Option<u64>,
    pub max_zip_entries: Option<usize>,
}

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
}

impl ProviderSettings {
    /// The key, if one is set (`ProviderInfo::key` turns its absence into the
    /// missing-key error).
    pub fn secret(&self) -> Option<&Secret> {
        self.key.as_ref().map(|(k, _)| k)
    }

    /// Settings with only a base URL: for unit tests and for listing.
    pub fn bare(name: &str, base_url: &str) -> Self {
        ProviderSettings {
            name: name.to_string(),
            key: None,
            base_url: base_url.to_string(),
            table: ProviderTable::default(),
        }
    }
}

pub struct Config {
    /// The file that was read, if any.
    pub path: Option<PathBuf>,
    pub file: FileConfig,
    /// `<file>:<line>: unknown key …`, for the command to print.
    pub warnings: Vec<String>,
    /// Every key of a `[providers.NAME]` table beyond the common ones, as
    /// (provider, key, line): which of them that provider reads is the
    /// provider registry's business (`provider::unknown_config_keys`).
    pub provider_keys: Vec<(String, String, usize)>,
    env: Box<Env>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config").field("path", &self.path).finish()
    }
}

impl Config {
    /// Loads the config file chosen by `--config`, `$DOCPIPE_CONFIG` or the platform
    /// default. A missing default file is fine; a missing file that was named is not.
    pub fn load(flag: Option<&Path>, env: Box<Env>) -> Result<Config, Error> {
        let named = flag
            .map(Path::to_path_buf)
            .or_else(|| env(var::CONFIG).map(PathBuf::from));
        let (path, must_exist) = match named {
            Some(p) => (Some(p), true),
            None => (default_path(), false),
        };
        let Some(path) = path else {
            return Ok(Config::empty(env));
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            // A HOME that is not a folder (or is missing) has no config file
            // either: that is no reason to stop.
            Err(e)
                if !must_exist
                    && matches!(
                        e.kind(),
                        std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
                    ) =>
            {
                return Ok(Config::empty(env))
            }
            Err(e) => {
                return Err(Error::usage(format!(
                    "cannot read config file {}: {e}",
                    path.display()
                ))
                .with_hint("check the path given by --config or DOCPIPE_CONFIG"))
            }
        };
        let mut config = Config::from_str(&text, &path, env)?;
        if let Some(warning) = readable_keys_warning(&config, &path) {
            config.warnings.push(warning);
        }
        Ok(config)
    }

    /// The config of a file's text.
    pub fn from_str(text: &str, path: &Path, env: Box<Env>) -> Result<Config, Error> {
        // Values first: a wrong type gets plain words, not serde's.
        check_values(text, path)?;
        let file = parse_file(text, path)?;
        Ok(Config {
            path: Some(path.to_path_buf()),
            file,
            warnings: unknown_keys(text, path),
            provider_keys: provider_keys(text),
            env,
        })
    }

    fn empty(env: Box<Env>) -> Config {
        Config {
            path: None,
            file: FileConfig::default(),
            warnings: Vec::new(),
            provider_keys: Vec::new(),
            env,
        }
    }

    pub fn env(&self, name: &str) -> Option<String> {
        (self.env)(name)
    }

    pub fn table(&self, provider: &str) -> ProviderTable {
        self.file
            .providers
            .get(provider)
            .cloned()
            .unwrap_or_default()
    }

    /// Key for a provider: the first set of its env variables, else the config file.
    pub fn key(&self, provider: &str, key_env: &[&str]) -> Option<(Secret, KeySource)> {
        for name in key_env {
            if let Some(v) = self.env(name) {
                return Some((Secret::new(v.trim()), KeySource::Env(name.to_string())));
            }
        }
        let table = self.file.providers.get(provider)?;
        let key = table.api_key.as_deref().filter(|k| !k.trim().is_empty())?;
        let path = self.path.clone().unwrap_or_default();
        Some((Secret::new(key.trim()), KeySource::Config(path)))
    }

    /// `DOCPIPE_<NAME>_BASE_URL` > `providers.<name>.base_url` > the documented default.
    pub fn base_url(&self, provider: &str, default: &str) -> Result<String, Error> {
        let var = base_url_var(provider);
        if let Some(url) = self.env(&var) {
            return normalize_base_url(&url).map_err(|m| {
                Error::usage(format!("{var}: {m}")).with_hint("e.g. https://mineru.net")
            });
        }
        if let Some(url) = self.table(provider).base_url {
            return normalize_base_url(&url).map_err(|m| {
                Error::usage(format!(
                    "{}: providers.{provider}.base_url: {m}",
                    self.path
                        .as_deref()
                        .unwrap_or(Path::new("config"))
                        .display()
                ))
                .with_hint("e.g. base_url = \"https://mineru.net\"")
            });
        }
        Ok(default.to_string())
    }

    pub fn settings(
        &self,
        provider: &str,
        key_env: &[&str],
        default_base_url: &str,
    ) -> Result<ProviderSettings, Error> {
        Ok(ProviderSettings {
            name: provider.to_string(),
            key: self.key(provider, key_env),
            base_url: self.base_url(provider, default_base_url)?,
            table: self.table(provider),
        })
    }

    fn duration_setting(
        &self,
        env_name: &str,
        file_value: Option<&str>,
        key: &str,
    ) -> Result<Option<Duration>, Error> {
        let nonzero = DEFAULTS
            .iter()
            .any(|(k, v, _)| *k == key && matches!(v, Value::Duration { nonzero: true }));
        let parse = |text: &str| {
            if nonzero {
                crate::units::parse_timeout(text)
            } else {
                crate::units::parse_duration(text)
            }
        };
        if let Some(v) = self.env(env_name) {
            return parse(&v).map(Some).map_err(|m| {
                Error::usage(format!("{env_name}: {m}"))
                    .with_hint(format!("fix or unset {env_name}"))
            });
        }
        match file_value {
            Some(v) => parse(v).map(Some).map_err(|m| {
                Error::usage(format!(
                    "{}: defaults.{key}: {m}",
                    self.path
                        .as_deref()
                        .unwrap_or(Path::new("config"))
                        .display()
                ))
            }),
            None => Ok(None),
        }
    }

    pub fn timeout(&self, flag: Option<Duration>) -> Result<Duration, Error> {
        if let Some(t) = flag {
            return Ok(t);
        }
        Ok(self
            .duration_setting(
                var::TIMEOUT,
                self.file.defaults.timeout.as_deref(),
                "timeout",
            )?
            .unwrap_or(Duration::from_secs(30 * 60)))
    }

    /// (first interval, longest interval) between status polls.
    pub fn poll_intervals(&self) -> Result<(Duration, Duration), Error> {
        let first = self
            .duration_setting(
                var::POLL_INTERVAL,
                self.file.defaults.poll_interval.as_deref(),
                "poll_interval",
            )?
            .unwrap_or(Duration::from_millis(1500));
        let max = self
            .duration_setting(
                var::POLL_MAX,
                self.file.defaults.poll_max.as_deref(),
                "poll_max",
            )?
            .unwrap_or(Duration::from_secs(30));
        Ok((first, max.max(first)))
    }

    /// Connect, read and stall timeouts and the retry backoff base:
    /// `DOCPIPE_CONNECT_TIMEOUT`, `DOCPIPE_READ_TIMEOUT`, `DOCPIPE_STALL_TIMEOUT`,
    /// `DOCPIPE_RETRY_BASE`, else `[defaults]`, else 15 s, 120 s, 60 s and 500 ms.
    pub fn http_options(&self) -> Result<crate::http::HttpOptions, Error> {
        let d = &self.file.defaults;
        let mut opts = crate::http::HttpOptions::default();
        let settings = [
            (
                var::CONNECT_TIMEOUT,
                d.connect_timeout.as_deref(),
                "connect_timeout",
            ),
            (var::READ_TIMEOUT, d.read_timeout.as_deref(), "read_timeout"),
            (var::RETRY_BASE, d.retry_base.as_deref(), "retry_base"),
            (
                var::STALL_TIMEOUT,
                d.stall_timeout.as_deref(),
                "stall_timeout",
            ),
        ];
        for (i, (var, file, key)) in settings.into_iter().enumerate() {
            if let Some(v) = self.duration_setting(var, file, key)? {
                match i {
                    0 => opts.connect_timeout = v,
                    1 => opts.timeout = v,
                    2 => opts.retry_base = v,
                    _ => opts.stall_timeout = v,
                }
            }
        }
        Ok(opts)
    }

    /// The caps on unpacking a result zip, from `[defaults]`.
    pub fn unpack_limits(&self) -> crate::unpack::Limits {
        let d = &self.file.defaults;
        let mut limits = crate::unpack::Limits::default();
        if let Some(mb) = d.max_unpacked_mb {
            limits.max_total_bytes = mb.saturating_mul(1024 * 1024);
        }
        if let Some(n) = d.max_zip_entries {
            limits.max_entries = n;
        }
        limits
    }

    pub fn concurrency(&self, flag: Option<u32>) -> usize {
        flag.or(self.file.defaults.concurrency)
            .unwrap_or(4)
            .clamp(1, 64) as usize
    }

    pub fn language(&self, flag: Option<&str>) -> Option<String> {
        flag.map(str::to_string)
            .or_else(|| self.file.defaults.language.clone())
    }

    pub fn output(&self, flag: Option<&Path>) -> Option<PathBuf> {
        flag.map(Path::to_path_buf)
            .or_else(|| self.file.defaults.output.clone())
    }

    /// Where the task record lives: `$DOCPIPE_DATA_DIR`, else `[defaults]
    /// data_dir`, else `<data dir>/docpipe` (`$XDG_DATA_HOME/docpipe` on Linux).
    pub fn data_dir(&self) -> Result<PathBuf, Error> {
        if let Some(dir) = self.env(var::DATA_DIR) {
            return Ok(PathBuf::from(dir));
        }
        if let Some(dir) = &self.file.defaults.data_dir {
            return Ok(dir.clone());
        }
        dirs::data_dir().map(|d| d.join("docpipe")).ok_or_else(|| {
            Error::usage("no data folder for the task record on this system")
                .with_hint(DATA_DIR_HINT)
        })
    }
}

/// Every way to give the task record a folder, for the error that says it
/// has none.
pub const DATA_DIR_HINT: &str = "the task record needs a writable folder: set DOCPIPE_DATA_DIR, or data_dir under [defaults] in the config file, or XDG_DATA_HOME (docpipe then uses $XDG_DATA_HOME/docpipe)";

/// A warning when the config file holds a key and others may read it (group or
/// world read bit, Unix only).
fn readable_keys_warning(config: &Config, path: &Path) -> Option<String> {
    let holds_key = config
        .file
        .providers
        .values()
        .any(|t| t.api_key.as_deref().is_some_and(|k| !k.trim().is_empty()));
    if !holds_key {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode();
        if mode & 0o044 != 0 {
            return Some(format!(
                "{} holds API keys and other users can read it (mode {:o}); run `chmod 600 {}`",
                path.display(),
                mode & 0o777,
                path.display()
            ));
        }
    }
    None
}

/// The file read when neither `--config` nor `$DOCPIPE_CONFIG` names one:
/// `<config dir>/docpipe/config.toml`.
pub fn default_path() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("docpipe").join("config.toml"))
}

/// The environment variable naming a provider's base URL:
/// `DOCPIPE_<NAME>_BASE_URL`, upper-cased, `-` as `_`.
pub fn base_url_var(provider: &str) -> String {
    format!(
        "DOCPIPE_{}_BASE_URL",
        provider.to_ascii_uppercase().replace('-', "_")
    )
}

fn parse_file(text: &str, path: &Path) -> Result<FileConfig, Error> {
    toml::from_str::<FileConfig>(text).map_err(|e| {
        let place = e
            .span()
            .map(|span| {
                let (line, col) = line_col(text, span.start);
                format!("line {line}, column {col}: ")
            })
            .unwrap_or_default();
        Error::usage(format!(
            "config file {}: {place}{}",
            path.display(),
            e.message().trim()
        ))
        .with_hint("fix the file (see config.example.toml) or point --config elsewhere")
    })
}

/// Keys docpipe does not know at the top level and in `[defaults]`, as
/// `<file>:<line>: unknown key 'x' in [section]`, in file order (provider
/// tables: see [`Config::provider_keys`]).
fn unknown_keys(text: &str, path: &Path) -> Vec<String> {
    use toml::de::{DeTable, DeValue};
    fn check(
        table: &DeTable,
        known: &[&str],
        own: &[&str],
        place: &str,
        found: &mut Vec<(usize, String)>,
    ) {
        for key in table.keys() {
            let name: &str = key.get_ref();
            if !known.contains(&name) && !own.contains(&name) {
                found.push((key.span().start, format!("unknown key '{name}' {place}")));
            }
        }
    }
    // A file that does not parse has already been refused with its own error.
    let Ok(doc) = DeTable::parse(text) else {
        return Vec::new();
    };
    let doc = doc.get_ref();
    let mut found = Vec::new();
    check(doc, TOP_KEYS, &[], "at the top level", &mut found);
    if let Some(DeValue::Table(defaults)) = doc.get("defaults").map(|v| v.get_ref()) {
        check(defaults, &defaults_keys(), &[], "in [defaults]", &mut found);
    }
    found.sort();
    found
        .into_iter()
        .map(|(offset, what)| format!("{}:{}: {what}", path.display(), line_col(text, offset).0))
        .collect()
}

/// The keys of `[providers.NAME]` tables beyond the common ones, with their
/// line: (provider, key, line).
fn provider_keys(text: &str) -> Vec<(String, String, usize)> {
    use toml::de::{DeTable, DeValue};
    let Ok(doc) = DeTable::parse(text) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    if let Some(DeValue::Table(providers)) = doc.get_ref().get("providers").map(|v| v.get_ref()) {
        for (name, table) in providers {
            if let DeValue::Table(table) = table.get_ref() {
                for key in table.keys() {
                    let k: &str = key.get_ref();
                    if !PROVIDER_KEYS.contains(&k) {
                        found.push((
                            name.get_ref().to_string(),
                            k.to_string(),
                            line_col(text, key.span().start).0,
                        ));
                    }
                }
            }
        }
    }
    found
}

/// The keys `[defaults]` may hold.
fn defaults_keys() -> Vec<&'static str> {
    DEFAULTS.iter().map(|(k, _, _)| *k).collect()
}

/// Checks the values of `[defaults]` and `[providers.NAME]` against what each key
/// takes (a key with a flag takes what the flag takes), naming file and line in
/// plain words. Runs after the file parsed, so its shape is known to be TOML.
fn check_values(text: &str, path: &Path) -> Result<(), Error> {
    use toml::de::{DeTable, DeValue};
    let Ok(doc) = DeTable::parse(text) else {
        return Ok(());
    };
    let doc = doc.get_ref();
    let check_table = |table: &DeTable, known: &[(&str, Value, Option<&str>)], section: &str| {
        for (key, value) in table {
            let name: &str = key.get_ref();
            let Some((_, want, flag)) = known.iter().find(|(k, _, _)| *k == name) else {
                continue;
            };
            if let Err(problem) = check_value(value.get_ref(), *want, *flag) {
                let line = line_col(text, value.span().start).0;
                let fix = match flag {
                    Some(flag) => format!("write {name} as {flag} takes it: {}", example(*want)),
                    None => format!("write {name} as {}", example(*want)),
                };
                return Err(Error::usage(format!(
                    "{}:{line}: {name} in {section} {problem}",
                    path.display()
                ))
                .with_hint(format!("{fix} (see config.example.toml)")));
            }
        }
        Ok(())
    };
    if let Some(DeValue::Table(defaults)) = doc.get("defaults").map(|v| v.get_ref()) {
        check_table(defaults, DEFAULTS, "[defaults]")?;
    }
    if let Some(DeValue::Table(providers)) = doc.get("providers").map(|v| v.get_ref()) {
        for (name, table) in providers {
            if let DeValue::Table(table) = table.get_ref() {
                let section = format!("[providers.{}]", name.get_ref());
                check_table(table, PROVIDER_VALUES, &section)?;
            }
        }
    }
    Ok(())
}

/// What is wrong with one value, as the end of a sentence naming the key.
fn check_value(value: &toml::de::DeValue, want: Value, flag: Option<&str>) -> Result<(), String> {
    use toml::de::DeValue;
    let shown = match value {
        DeValue::String(s) => format!("the text \"{s}\""),
        DeValue::Integer(i) => format!("the number {}", i.as_str()),
        DeValue::Float(f) => format!("the number {}", f.as_str()),
        DeValue::Boolean(b) => format!("{b}"),
        DeValue::Datetime(d) => format!("the date {d}"),
        DeValue::Array(_) => "a list".to_string(),
        DeValue::Table(_) => "a table".to_string(),
    };
    let like = flag.map(|f| format!(", like {f}")).unwrap_or_default();
    match (want, value) {
        (Value::Text, DeValue::String(_)) => Ok(()),
        (Value::Text, _) => Err(format!("must be text in quotes, not {shown}")),
        (Value::Duration { nonzero }, DeValue::String(s)) => {
            let parsed = if nonzero {
                crate::units::parse_timeout(s)
            } else {
                crate::units::parse_duration(s)
            };
            parsed
                .map(|_| ())
                .map_err(|m| format!("is not a usable duration{like}: {m}"))
        }
        (Value::Duration { .. }, _) => Err(format!(
            "must be a duration in quotes (\"90s\", \"5m\", \"1h\"), not {shown}"
        )),
        (Value::Count { min, max }, DeValue::Integer(i)) => {
            let digits = i.as_str().replace('_', "");
            let digits = digits
                .trim_start_matches("0x")
                .trim_start_matches("0o")
                .trim_start_matches("0b");
            match u64::from_str_radix(digits, i.radix()) {
                Ok(n) if (min..=max).contains(&n) => Ok(()),
                _ => Err(format!(
                    "must be from {min} to {max}{like}, not {}",
                    i.as_str()
                )),
            }
        }
        (Value::Count { min, max }, _) => Err(format!(
            "must be a whole number from {min} to {max}{like}, not {shown}"
        )),
        (Value::Positive, DeValue::Integer(i))
            if !i.as_str().starts_with('-')
                && i.as_str().trim_start_matches(['0', '_', '+']).is_empty() =>
        {
            Err("must be above 0, not 0".to_string())
        }
        (Value::Positive, DeValue::Integer(i)) if i.as_str().starts_with('-') => {
            Err(format!("must be above 0, not {}", i.as_str()))
        }
        (Value::Positive, DeValue::Integer(_)) => Ok(()),
        (Value::Positive, DeValue::Float(f)) => match f.as_str().replace('_', "").parse::<f64>() {
            Ok(x) if x > 0.0 && x.is_finite() => Ok(()),
            _ => Err(format!("must be a number above 0, not {}", f.as_str())),
        },
        (Value::Positive, _) => Err(format!("must be a number above 0, not {shown}")),
        (Value::Amount, DeValue::Integer(i)) if !i.as_str().starts_with('-') => Ok(()),
        (Value::Amount, DeValue::Float(f)) => match f.as_str().replace('_', "").parse::<f64>() {
            Ok(x) if x >= 0.0 && x.is_finite() => Ok(()),
            _ => Err(format!("must be a number of 0 or more, not {}", f.as_str())),
        },
        (Value::Amount, _) => Err(format!("must be a number of 0 or more, not {shown}")),
    }
}

/// A correct value of a kind, for hints.
fn example(want: Value) -> String {
    match want {
        Value::Text => "\"text in quotes\"".to_string(),
        Value::Duration { .. } => {
            "a duration in quotes such as \"90s\", \"5m\" or \"1h\"".to_string()
        }
        Value::Count { min, max } if max < 1000 => {
            format!("a whole number from {min} to {max}, without quotes")
        }
        Value::Count { .. } => "a whole number without quotes, e.g. 200".to_string(),
        Value::Positive => "a number above 0, e.g. 2 or 0.5".to_string(),
        Value::Amount => "a number of 0 or more, e.g. 2 or 0.5".to_string(),
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, col)
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
    use std::collections::HashMap;

    fn env_of(pairs: &[(&str, &str)]) -> Box<Env> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Box::new(move |k| map.get(k).cloned())
    }

    const FILE: &str = r#"
default_provider = "mineru"
[defaults]
timeout = "5m"
[providers.mineru]
api_key = "from-file"
base_url = "http://localhost:9000/prefix/"
"#;

    #[test]
    fn env_beats_file_for_key_and_base_url() {
        let cfg = Config::from_str(
            FILE,
            Path::new("c.toml"),
            env_of(&[
                ("MINERU_TOKEN", "from-env"),
                ("DOCPIPE_MINERU_BASE_URL", "http://127.0.0.1:1"),
            ]),
        )
        .unwrap();
        let (key, source) = cfg
            .key("mineru", &["MINERU_API_KEY", "MINERU_TOKEN"])
            .unwrap();
        assert_eq!(key.expose(), "from-env");
        assert_eq!(source, KeySource::Env("MINERU_TOKEN".into()));
        assert_eq!(
            cfg.base_url("mineru", "https://mineru.net").unwrap(),
            "http://127.0.0.1:1"
        );
    }

    #[test]
    fn file_beats_default() {
        let cfg = Config::from_str(FILE, Path::new("c.toml"), env_of(&[])).unwrap();
        let (key, source) = cfg.key("mineru", &["MINERU_API_KEY"]).unwrap();
        assert_eq!(key.expose(), "from-file");
        assert_eq!(source, KeySource::Config("c.toml".into()));
        assert_eq!(
            cfg.base_url("mineru", "https://mineru.net").unwrap(),
            "http://localhost:9000/prefix"
        );
        assert_eq!(cfg.timeout(None).unwrap(), Duration::from_secs(300));
        assert_eq!(
            cfg.timeout(Some(Duration::from_secs(1))).unwrap(),
            Duration::from_secs(1)
        );
        assert_eq!(
            cfg.base_url("mineru-flash", "https://mineru.net").unwrap(),
            "https://mineru.net"
        );
    }

    #[test]
    fn broken_file_names_file_and_line() {
        let err = Config::from_str(
            "[defaults]\ntimeout = \"5m\"\nconcurrency = = 3\n",
            Path::new("/etc/x.toml"),
            env_of(&[]),
        )
        .unwrap_err();
        assert!(err.message.contains("/etc/x.toml"), "{}", err.message);
        assert!(err.message.contains("line 3"), "{}", err.message);
    }

    #[test]
    fn unknown_keys_warn_with_file_and_line_and_the_rest_still_loads() {
        let text = "default_provider = \"mineru\"\ncolour = true\n[defaults]\ntimout = \"5m\"\nconcurrency = 2\n[providers.mineru]\napi_kye = \"x\"\nmax_pages = 10\n[providers.mineru-flash]\nbase_url = \"http://127.0.0.1:1\"\n";
        let cfg = Config::from_str(text, Path::new("/etc/d.toml"), env_of(&[])).unwrap();
        assert_eq!(
            cfg.warnings,
            vec![
                "/etc/d.toml:2: unknown key 'colour' at the top level",
                "/etc/d.toml:4: unknown key 'timout' in [defaults]",
            ]
        );
        assert_eq!(
            crate::provider::unknown_config_keys(&cfg),
            vec!["/etc/d.toml:7: unknown key 'api_kye' in [providers.mineru]"]
        );
        assert_eq!(cfg.file.default_provider.as_deref(), Some("mineru"));
        assert_eq!(cfg.concurrency(None), 2);
        assert_eq!(cfg.table("mineru").max_pages, Some(10));
    }

    /// The field names serde knows for a struct, read from the `fields` it passes
    /// to `deserialize_struct`.
    fn serde_fields<T: for<'de> Deserialize<'de>>() -> Vec<&'static str> {
        use serde::de::{Error as _, Visitor};
        struct Probe(std::cell::Cell<&'static [&'static str]>);
        impl<'de> serde::Deserializer<'de> for &Probe {
            type Error = serde::de::value::Error;
            fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
                Err(Self::Error::custom("probe"))
            }
            fn deserialize_struct<V: Visitor<'de>>(
                self,
                _: &'static str,
                fields: &'static [&'static str],
                _: V,
            ) -> Result<V::Value, Self::Error> {
                self.0.set(fields);
                Err(Self::Error::custom("probe"))
            }
            serde::forward_to_deserialize_any! {
                bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
                bytes byte_buf option unit unit_struct newtype_struct seq tuple
                tuple_struct map enum identifier ignored_any
            }
        }
        let probe = Probe(std::cell::Cell::new(&[]));
        let _ = T::deserialize(&probe);
        let mut fields = probe.0.get().to_vec();
        fields.sort();
        fields
    }

    #[test]
    fn known_key_lists_match_the_structs() {
        let sorted = |keys: &[&'static str]| {
            let mut keys = keys.to_vec();
            keys.sort();
            keys
        };
        assert_eq!(serde_fields::<FileConfig>(), sorted(TOP_KEYS));
        assert_eq!(serde_fields::<Defaults>(), sorted(&defaults_keys()));
    }

    #[test]
    fn keys_of_providers_this_build_does_not_have_do_not_warn() {
        let text = "[providers.future-ocr]\ntransport = \"batch\"\ninline_max_mb = 5\n";
        let cfg = Config::from_str(text, Path::new("c.toml"), env_of(&[])).unwrap();
        assert!(cfg.warnings.is_empty(), "{:?}", cfg.warnings);
    }

    #[test]
    fn a_provider_declares_its_own_keys() {
        // Every registered provider's own keys are accepted in its table.
        for entry in crate::provider::REGISTRY {
            let mut text = format!("[providers.{}]\n", entry.info.name);
            for key in entry.info.config_keys {
                text.push_str(&format!("{key} = 1\n"));
            }
            text.push_str("no_such_key = 1\n");
            let cfg = Config::from_str(&text, Path::new("c.toml"), env_of(&[])).unwrap();
            let unknown = crate::provider::unknown_config_keys(&cfg);
            assert_eq!(unknown.len(), 1, "{unknown:?}");
            assert!(unknown[0].contains("'no_such_key'"));
        }
    }

    /// The example documents every setting and loads through the real loader
    /// without a warning.
    #[test]
    fn example_config_loads_and_documents_every_key() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml");
        let cfg = Config::load(Some(&path), env_of(&[])).unwrap();
        assert!(cfg.warnings.is_empty(), "{:?}", cfg.warnings);
        let unknown = crate::provider::unknown_config_keys(&cfg);
        assert!(unknown.is_empty(), "{unknown:?}");
        assert_eq!(cfg.path.as_deref(), Some(path.as_path()));
        let text = std::fs::read_to_string(&path).unwrap();
        let mut keys: Vec<&str> = TOP_KEYS
            .iter()
            .chain(defaults_keys().iter())
            .chain(PROVIDER_KEYS)
            .copied()
            .filter(|k| !matches!(*k, "defaults" | "providers"))
            .collect();
        for entry in crate::provider::REGISTRY {
            keys.extend(entry.info.config_keys);
            assert!(
                text.contains(&format!("[providers.{}]", entry.info.name)),
                "{}",
                entry.info.name
            );
        }
        for key in keys {
            assert!(
                text.lines().any(|l| l
                    .trim_start_matches(['#', ' '])
                    .starts_with(&format!("{key} ="))),
                "config.example.toml does not document '{key}'"
            );
        }
    }

    #[test]
    fn the_example_config_is_valid() {
        let cfg = Config::from_str(
            include_str!("../config.example.toml"),
            Path::new("config.example.toml"),
            env_of(&[]),
        )
        .unwrap();
        assert_eq!(
            cfg.base_url("mistral", "x").unwrap(),
            "x",
            "the example sets no Mistral base URL"
        );
    }

    fn refusal(text: &str) -> Error {
        Config::from_str(text, Path::new("/etc/c.toml"), env_of(&[])).unwrap_err()
    }

    #[test]
    fn values_are_checked_like_their_flags_with_file_and_line() {
        let err = refusal("[defaults]\nlanguage = \"en\"\nconcurrency = 0\n");
        assert_eq!(
            err.message,
            "/etc/c.toml:3: concurrency in [defaults] must be from 1 to 64, like --concurrency, not 0"
        );
        assert!(err.hint.unwrap().contains("as --concurrency takes it"));
        let err = refusal("[defaults]\nconcurrency = 1000\n");
        assert!(
            err.message
                .contains(":2: concurrency in [defaults] must be from 1 to 64"),
            "{}",
            err.message
        );
        let err = refusal("[defaults]\nconcurrency = \"four\"\n");
        assert_eq!(
            err.message,
            "/etc/c.toml:2: concurrency in [defaults] must be a whole number from 1 to 64, like --concurrency, not the text \"four\""
        );
        assert!(!err.message.contains("invalid type"));
        let err = refusal("\n[defaults]\ntimeout = \"0s\"\n");
        assert!(err.message.starts_with("/etc/c.toml:3: timeout in [defaults] is not a usable duration, like --timeout: a timeout of 0s"), "{}", err.message);
        let err = refusal("[defaults]\ntimeout = 300\n");
        assert!(
            err.message.contains("must be a duration in quotes"),
            "{}",
            err.message
        );
        let err = refusal("[providers.mineru]\nmax_pages = -1\n");
        assert!(
            err.message
                .contains(":2: max_pages in [providers.mineru] must be from 1 to"),
            "{}",
            err.message
        );
        let err = refusal("[providers.mineru]\nrate_limit = 0\n");
        assert!(
            err.message
                .contains("rate_limit in [providers.mineru] must be above 0"),
            "{}",
            err.message
        );
        let err = refusal("[providers.mineru]\napi_key = 5\n");
        assert!(
            err.message
                .contains("must be text in quotes, not the number 5"),
            "{}",
            err.message
        );
        // Good values pass, and the bounds themselves are accepted.
        for ok in [
            "concurrency = 1",
            "concurrency = 64",
            "timeout = \"1s\"",
            "retry_base = \"0ms\"",
        ] {
            Config::from_str(
                &format!("[defaults]\n{ok}\n"),
                Path::new("c.toml"),
                env_of(&[]),
            )
            .unwrap();
        }
        Config::from_str(
            "[providers.mineru]\nrate_limit = 0.5\n",
            Path::new("c.toml"),
            env_of(&[]),
        )
        .unwrap();
    }

    #[test]
    fn a_zero_timeout_from_the_environment_is_refused_with_the_flags_words() {
        let cfg =
            Config::from_str("", Path::new("c.toml"), env_of(&[(var::TIMEOUT, "0")])).unwrap();
        let err = cfg.timeout(None).unwrap_err();
        assert!(
            err.message
                .starts_with("DOCPIPE_TIMEOUT: a timeout of 0 would give up"),
            "{}",
            err.message
        );
    }

    /// Every environment variable name written in `src/` is in [`ENVIRONMENT`] or
    /// is a provider's key or base URL variable: the man page cannot miss one.
    #[test]
    fn every_environment_variable_the_code_reads_is_in_the_table() {
        let mut known: Vec<String> = ENVIRONMENT.iter().map(|(n, _)| n.to_string()).collect();
        for entry in crate::provider::REGISTRY {
            known.extend(entry.info.key_env.iter().map(|k| k.to_string()));
            known.push(base_url_var(entry.info.name));
            known.extend(entry.info.env.iter().map(|(n, _)| n.to_string()));
        }
        let mut unknown = Vec::new();
        let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                // Test modules name variables of their own (fakes, fixtures).
                let code = text.split("#[cfg(test)]").next().unwrap_or("");
                for literal in code.split('"').skip(1).step_by(2) {
                    let looks_like_var = literal.len() > 3
                        && literal
                            .chars()
                            .all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit())
                        && literal.contains('_')
                        && (literal.starts_with("DOCPIPE_")
                            || ["_KEY", "_TOKEN", "_PASSWORD", "_URL", "NO_COLOR"]
                                .iter()
                                .any(|s| literal.ends_with(s)));
                    if looks_like_var && !known.iter().any(|k| k == literal) {
                        unknown.push(format!("{}: {literal}", path.display()));
                    }
                }
            }
        }
        assert!(
            unknown.is_empty(),
            "variables missing from config::ENVIRONMENT: {unknown:?}"
        );
    }

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
