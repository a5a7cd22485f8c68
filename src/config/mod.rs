//! Configuration: flags > environment > config file > built-in defaults.
//!
//! The file is TOML (see `config.example.toml`). Environment variables are read
//! through an [`Env`] so precedence can be tested without touching the process.
//!
//! `file.rs` reads the file, `checks.rs` checks its values, `provider.rs` holds
//! a provider's settings and `env.rs` the environment; this file resolves them.

mod checks;
mod env;
mod file;
mod provider;

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::Error;

pub use checks::MAX_BATCH;
use checks::{check_values, Value, DEFAULTS};
pub use env::{base_url_var, process_env, var, Env, ENVIRONMENT};
pub use file::{default_path, CacheValue, Defaults, FileConfig, SizeValue};
use file::{parse_file, provider_keys, unknown_keys};
pub use provider::{
    normalize_base_url, KeySource, Limits, ProviderSettings, ProviderTable, Secret, PROVIDER_KEYS,
};

pub struct Config {
    /// The file that was read, if any.
    pub path: Option<PathBuf>,
    pub file: FileConfig,
    /// `<file>:<line>: unknown key …`, for the command to print.
    pub warnings: Vec<String>,
    /// Every key of a `[providers.NAME]` table, as (provider, key, line):
    /// which of them that provider reads is the provider registry's business
    /// (`provider::unknown_config_keys`).
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
        documented: &Limits,
    ) -> Result<ProviderSettings, Error> {
        let table = self.table(provider);
        Ok(ProviderSettings {
            name: provider.to_string(),
            key: self.key(provider, key_env),
            base_url: self.base_url(provider, default_base_url)?,
            // A provider inside docpipe (no API, no base URL) has no limits:
            // an override would only cut its documents into parts for nothing
            // (the registry warns about such keys).
            limits: if default_base_url.is_empty() {
                documented.clone()
            } else {
                table.limits(documented)
            },
            table,
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

/// Where the result cache is, as the settings say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CachePlace {
    Off,
    /// The data folder's `cache/`.
    Default,
    Dir(PathBuf),
    /// Object storage: `s3://bucket/prefix`, `gs://…`, `az://…`.
    Store(String),
}

impl Config {
    /// The result cache: `--no-cache` (`off`), else `DOCPIPE_CACHE`, else
    /// `[defaults] cache`, else on in the data folder. A URL docpipe
    /// cannot use is refused with the next step.
    pub fn cache_place(&self, off: bool) -> Result<CachePlace, Error> {
        if off {
            return Ok(CachePlace::Off);
        }
        let text = match (self.env(var::CACHE), &self.file.defaults.cache) {
            (Some(v), _) => v,
            (None, Some(file::CacheValue::Switch(on))) => {
                return Ok(if *on {
                    CachePlace::Default
                } else {
                    CachePlace::Off
                })
            }
            (None, Some(file::CacheValue::Place(p))) => p.clone(),
            (None, None) => return Ok(CachePlace::Default),
        };
        match text.trim() {
            "off" | "false" | "0" | "no" => Ok(CachePlace::Off),
            "on" | "true" | "1" | "yes" => Ok(CachePlace::Default),
            t if t.starts_with("file://") => Ok(CachePlace::Dir(PathBuf::from(&t[7..]))),
            t if crate::cache::is_store_url(t) => Ok(CachePlace::Store(t.to_string())),
            t if t.contains("://") => Err(Error::usage(format!(
                "cache = \"{t}\": not a place docpipe keeps its cache"
            ))
            .with_hint("give a folder (a path, or file:///shared/path for a mounted share), s3://BUCKET/PREFIX, gs://BUCKET/PREFIX, az://CONTAINER/PREFIX, or DOCPIPE_CACHE=off")),
            t => Ok(CachePlace::Dir(PathBuf::from(t))),
        }
    }

    /// The cache's bound in bytes (`[defaults] cache_max_size`, default 5 GiB).
    pub fn cache_max_bytes(&self) -> Result<u64, Error> {
        match &self.file.defaults.cache_max_size {
            None => Ok(crate::cache::DEFAULT_MAX_BYTES),
            Some(file::SizeValue::Bytes(n)) => Ok(*n),
            Some(file::SizeValue::Text(t)) => crate::units::parse_size(t).map_err(|m| {
                Error::usage(format!("cache_max_size in [defaults]: {m}"))
                    .with_hint("write it as a size in quotes, e.g. \"5GiB\"")
            }),
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use checks::defaults_keys;
    use file::TOP_KEYS;
    use std::collections::HashMap;

    pub(super) fn env_of(pairs: &[(&str, &str)]) -> Box<Env> {
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
            include_str!("../../config.example.toml"),
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
}
