//! The TOML file: its shape, where it is by default, and what it holds that
//! docpipe does not know (`file:line` warnings) or cannot read (`file:line`
//! errors).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::checks::{defaults_keys, line_col};
use super::provider::ProviderTable;
use crate::error::Error;

/// Keys the file may hold at the top level, in `[defaults]`, and in every
/// `[providers.<name>]` table (a provider adds its own in
/// `ProviderInfo::config_keys`). Other keys warn. A test checks the first two
/// against the structs below.
pub(super) const TOP_KEYS: &[&str] = &["default_provider", "defaults", "providers"];

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
    /// Which PDF pages `auto` sends to the cloud (as `--cloud-pages`).
    pub cloud_pages: Option<String>,
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
    /// The result cache: `false` turns it off, text names where it is.
    pub cache: Option<CacheValue>,
    /// The cache's bound (`5GiB`, `500MB`, or a number of bytes).
    pub cache_max_size: Option<SizeValue>,
}

/// `cache = false` or `cache = "/path"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum CacheValue {
    Switch(bool),
    Place(String),
}

/// `"5GiB"` or a number of bytes.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum SizeValue {
    Bytes(u64),
    Text(String),
}

/// The file read when neither `--config` nor `$DOCPIPE_CONFIG` names one:
/// `<config dir>/docpipe/config.toml`.
pub fn default_path() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("docpipe").join("config.toml"))
}

pub(super) fn parse_file(text: &str, path: &Path) -> Result<FileConfig, Error> {
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
/// tables: see [`Config::provider_keys`](super::Config::provider_keys)).
pub(super) fn unknown_keys(text: &str, path: &Path) -> Vec<String> {
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

/// The keys of `[providers.NAME]` tables, with their line: (provider, key,
/// line). The registry decides which are unknown or do nothing there.
pub(super) fn provider_keys(text: &str) -> Vec<(String, String, usize)> {
    use toml::de::{DeTable, DeValue};
    let Ok(doc) = DeTable::parse(text) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    if let Some(DeValue::Table(providers)) = doc.get_ref().get("providers").map(|v| v.get_ref()) {
        for (name, table) in providers {
            if let DeValue::Table(table) = table.get_ref() {
                for key in table.keys() {
                    found.push((
                        name.get_ref().to_string(),
                        key.get_ref().to_string(),
                        line_col(text, key.span().start).0,
                    ));
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::tests::env_of;
    use crate::config::Config;

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
}
