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

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub default_provider: Option<String>,
    #[serde(default)]
    pub defaults: Defaults,
    #[serde(default)]
    pub providers: BTreeMap<String, ProviderTable>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    pub output: Option<PathBuf>,
    pub timeout: Option<String>,
    pub concurrency: Option<u32>,
    pub language: Option<String>,
    /// First wait between status polls; grows to `poll_max`.
    pub poll_interval: Option<String>,
    pub poll_max: Option<String>,
}

#[derive(Debug, Default, Deserialize, Clone)]
pub struct ProviderTable {
    pub api_key: Option<String>,
    pub base_url: Option<String>,
    pub model_version: Option<String>,
    /// Overrides of the provider's documented limits (services change them).
    pub max_file_mb: Option<u64>,
    pub max_pages: Option<u32>,
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
            .or_else(|| env("DOCPIPE_CONFIG").map(PathBuf::from));
        let (path, must_exist) = match named {
            Some(p) => (Some(p), true),
            None => (
                dirs::config_dir().map(|d| d.join("docpipe").join("config.toml")),
                false,
            ),
        };
        let Some(path) = path else {
            return Ok(Config {
                path: None,
                file: FileConfig::default(),
                env,
            });
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !must_exist => {
                return Ok(Config {
                    path: None,
                    file: FileConfig::default(),
                    env,
                })
            }
            Err(e) => {
                return Err(Error::usage(format!(
                    "cannot read config file {}: {e}",
                    path.display()
                ))
                .with_hint("check the path given by --config or DOCPIPE_CONFIG"))
            }
        };
        let file = parse_file(&text, &path)?;
        Ok(Config {
            path: Some(path),
            file,
            env,
        })
    }

    /// A config from text, for tests.
    pub fn from_str(text: &str, path: &Path, env: Box<Env>) -> Result<Config, Error> {
        Ok(Config {
            path: Some(path.to_path_buf()),
            file: parse_file(text, path)?,
            env,
        })
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
        let var = format!(
            "DOCPIPE_{}_BASE_URL",
            provider.to_ascii_uppercase().replace('-', "_")
        );
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
        if let Some(v) = self.env(env_name) {
            return crate::cli::parse_duration(&v)
                .map(Some)
                .map_err(|m| Error::usage(format!("{env_name}: {m}")));
        }
        match file_value {
            Some(v) => crate::cli::parse_duration(v).map(Some).map_err(|m| {
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
                "DOCPIPE_TIMEOUT",
                self.file.defaults.timeout.as_deref(),
                "timeout",
            )?
            .unwrap_or(Duration::from_secs(30 * 60)))
    }

    /// (first interval, longest interval) between status polls.
    pub fn poll_intervals(&self) -> Result<(Duration, Duration), Error> {
        let first = self
            .duration_setting(
                "DOCPIPE_POLL_INTERVAL",
                self.file.defaults.poll_interval.as_deref(),
                "poll_interval",
            )?
            .unwrap_or(Duration::from_millis(1500));
        let max = self
            .duration_setting(
                "DOCPIPE_POLL_MAX",
                self.file.defaults.poll_max.as_deref(),
                "poll_max",
            )?
            .unwrap_or(Duration::from_secs(30));
        Ok((first, max.max(first)))
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

    /// Where the task record lives: `$DOCPIPE_DATA_DIR`, else `<data dir>/docpipe`.
    pub fn data_dir(&self) -> Result<PathBuf, Error> {
        if let Some(dir) = self.env("DOCPIPE_DATA_DIR") {
            return Ok(PathBuf::from(dir));
        }
        dirs::data_dir().map(|d| d.join("docpipe")).ok_or_else(|| {
            Error::usage("no data directory for the task record on this system")
                .with_hint("set DOCPIPE_DATA_DIR to a writable folder")
        })
    }
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
