//! The provider trait and registry. Commands only ever talk to `dyn Provider`;
//! adding a provider is one file here plus one line in [`REGISTRY`].

pub mod api;
pub mod describe;
pub mod envelope;
pub mod gptge;
pub mod local;
pub mod mineru;
pub mod mistral;
pub mod mistralocr;
#[cfg(test)]
mod robustness;

/// Lives with the transfers that send it, so `transfer` needs nothing from here.
pub use crate::transfer::SignedUpload;

use anyhow::Result;

use crate::config::{Config, ProviderSettings};
use crate::error::Error;
use crate::http::Http;
use crate::input::Document;
use crate::options::ExtractOptions;

/// How a provider answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The answer comes with the request (Mistral, mistralocr.app).
    Sync,
    /// A task ID comes back and is polled (MinerU, parse4ai, gpt.ge).
    Async,
}

/// How a local file's bytes reach the provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upload {
    /// Ask for a signed URL, then PUT the raw bytes there (MinerU).
    SignedPut,
    /// A multipart form upload (Mistral files, gpt.ge).
    Multipart,
    /// Base64 inside the JSON request, up to a size (mistralocr.app).
    InlineBase64 { max_bytes: u64 },
    /// Read in place by docpipe itself (`local`): nothing is sent.
    InProcess,
}

/// Lives with the settings that override it, so `config` needs nothing from here.
pub use crate::config::Limits;

/// What a provider is and can do: drives `providers`, input checks and selection.
#[derive(Debug)]
pub struct ProviderInfo {
    pub name: &'static str,
    pub summary: &'static str,
    pub default_base_url: &'static str,
    /// Environment variables holding the key, first wins; empty = no key needed.
    pub key_env: &'static [&'static str],
    pub mode: Mode,
    /// None: local files cannot be sent (URL input only).
    pub upload: Option<Upload>,
    pub urls: bool,
    pub formats: &'static [&'static str],
    /// Supported input extensions (lower case).
    pub extensions: &'static [&'static str],
    pub limits: Limits,
    /// The options (flags) it honours; any other one set is refused before
    /// any request.
    pub flags: &'static [&'static str],
    /// The hint when a document is over its size or page limit.
    pub too_big: &'static str,
    /// Commented lines for its table in config.example.toml (its own keys,
    /// with what they mean), between the generated key, base URL and limits.
    pub config_example: &'static str,
    /// Keys its `[providers.<name>]` table may hold beyond the common
    /// `config::PROVIDER_KEYS`; any other key there warns.
    pub config_keys: &'static [&'static str],
    /// Its rank when docpipe picks a provider with a key (no `-p`, no
    /// default): lowest first; None: never picked that way.
    pub preference: Option<u8>,
    /// Its published price, when it has one (`estimate`, `--dry-run`); the
    /// config's `price_per_1000_pages` wins over it.
    pub price: Option<Published>,
    /// The share of the price that pages sent in its batch jobs cost (Mistral:
    /// half); None when batches cost the same.
    pub batch_share: Option<f64>,
    /// Environment variables it reads besides its key and base URL, with what
    /// each means (the man page and the variable check read these).
    pub env: &'static [(&'static str, &'static str)],
}

/// A per-page price as published, with where and when it was read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Published {
    pub per_1000_pages: f64,
    pub currency: &'static str,
    pub source: &'static str,
}

impl ProviderInfo {
    /// The key from `settings`, or the missing-key error naming its variable:
    /// every keyed provider asks this before any request.
    pub fn key<'a>(
        &self,
        settings: &'a ProviderSettings,
    ) -> Result<&'a crate::config::Secret, Error> {
        settings.secret().ok_or_else(|| missing_key(self))
    }

    pub fn needs_key(&self) -> bool {
        !self.key_env.is_empty()
    }

    /// Whether the provider has a batch API: declared once, by `limits.max_batch`.
    pub fn batch(&self) -> bool {
        self.limits.max_batch.is_some()
    }
}

/// The answer to one batch call: the batch ID and, in the order the documents
/// were given, each document's key inside the batch and its pending upload.
#[derive(Debug)]
pub struct BatchSubmitted {
    pub batch_id: String,
    pub items: Vec<(String, Option<SignedUpload>)>,
}

/// One document's status inside a batch answer.
#[derive(Debug, Clone)]
pub struct BatchItem {
    /// The key given at submission (`data_id`), when the answer carries it.
    pub key: Option<String>,
    pub file_name: Option<String>,
    pub status: TaskStatus,
}

#[derive(Debug)]
pub enum Submitted {
    /// An async task; `upload` is pending when the bytes go by signed PUT.
    Task {
        task: TaskRef,
        upload: Option<SignedUpload>,
    },
    /// A synchronous answer.
    Done(ResultRef),
}

pub use crate::task::{
    IdKind, PageImage, PageSet, Progress, ResultRef, State, TaskRef, TaskStatus,
};

pub trait Provider: Send + Sync {
    fn info(&self) -> &'static ProviderInfo;

    /// Its settings, resolved once when it was built.
    fn settings(&self) -> &ProviderSettings;

    /// The service it talks to (`DOCPIPE_<NAME>_BASE_URL`, its table, else
    /// the documented one; a recorded task's own for `fetch`).
    fn base_url(&self) -> &str {
        &self.settings().base_url
    }

    /// Its limits in force (config overrides applied).
    fn limits(&self) -> &Limits {
        &self.settings().limits
    }

    /// Rejects what this provider cannot do with this document and these options,
    /// before any request. The default checks what its `INFO` declares:
    /// [`check_info`].
    fn check(&self, doc: &Document, opts: &ExtractOptions) -> Result<(), Error> {
        check_info(self.info(), self.settings(), doc, opts)
    }

    /// Creates the task (or gets the synchronous answer).
    fn submit(&self, doc: &Document, opts: &ExtractOptions) -> Result<Submitted>;

    /// One status request. A synchronous provider answers at once and keeps
    /// no tasks: by default, an ID is one it never gave.
    fn status(&self, task: &TaskRef) -> Result<TaskStatus> {
        Err(no_tasks(self.info(), &task.id).into())
    }

    /// Settings-level problems found before any request (e.g. a missing key).
    /// By default: its key, when it needs one.
    fn ready(&self) -> Result<(), Error> {
        if self.info().needs_key() {
            self.info().key(self.settings())?;
        }
        Ok(())
    }

    /// The batch call this document can share with others (documents with the same
    /// group go in one call); `None` when the provider has no batch API.
    fn batch_group(&self, _doc: &Document, _opts: &ExtractOptions) -> Option<String> {
        None
    }

    /// Submits documents of one group in one call (at most `limits.max_batch`).
    fn submit_batch(&self, _docs: &[&Document], _opts: &ExtractOptions) -> Result<BatchSubmitted> {
        anyhow::bail!("{} has no batch API", self.info().name)
    }

    /// The fewest documents of one group sent as a batch; fewer go one by one.
    /// Two by default; Mistral's `--batch-api` decides its own.
    fn batch_min(&self, _opts: &ExtractOptions) -> usize {
        2
    }

    /// The most bytes of local files one batch call may carry (None: no cap).
    fn batch_max_bytes(&self) -> Option<u64> {
        None
    }

    /// Every document of a batch, in one request.
    fn batch_status(&self, batch_id: &str) -> Result<Vec<BatchItem>> {
        anyhow::bail!(
            "{} has no batch API (asked about {batch_id})",
            self.info().name
        )
    }

    /// The task behind an ID that docpipe has no record of: a task of an
    /// asynchronous provider; a synchronous one has none to look up.
    fn lookup(&self, id: &str) -> Result<TaskRef> {
        match self.info().mode {
            Mode::Async => Ok(TaskRef::task(self.info().name, id.to_string())),
            Mode::Sync => Err(no_tasks(self.info(), id).into()),
        }
    }
}

/// What a provider that answers at once says about a task ID.
pub fn no_tasks(info: &ProviderInfo, id: &str) -> Error {
    Error::new(
        crate::error::Kind::NotFound,
        format!(
            "{} has no task {id}: it answers at once, without task IDs",
            info.name
        ),
    )
    .with_hint(format!(
        "run `docpipe -p {} ocr` on the document again",
        info.name
    ))
}

/// Whether an error says the task or batch does not exist.
pub fn is_not_found(err: &anyhow::Error) -> bool {
    crate::error::typed(err).is_some_and(|e| e.kind == crate::error::Kind::NotFound)
}

/// What a provider's `INFO` and settings say it takes: source and type, size
/// and pages within its limits in force, the format, the flags.
pub fn check_info(
    info: &ProviderInfo,
    settings: &ProviderSettings,
    doc: &Document,
    opts: &ExtractOptions,
) -> Result<(), Error> {
    check_common(info, doc, opts)?;
    check_limits(info, settings, doc, opts)?;
    check_formats(info, opts)?;
    check_flags(info, opts)
}

/// Type and source checks shared by every provider.
pub fn check_common(
    info: &ProviderInfo,
    doc: &Document,
    _opts: &ExtractOptions,
) -> Result<(), Error> {
    if doc.is_url() && !info.urls {
        return Err(
            Error::input(&doc.input, format!("{} does not take URLs", info.name))
                .with_hint("download the document and pass the file instead"),
        );
    }
    if !doc.is_url() && info.upload.is_none() {
        return Err(Error::input(
            &doc.input,
            format!("{} takes URL inputs only; local files cannot be uploaded to it", info.name),
        )
        .with_hint("publish the file at an http(s) URL, or use a provider that uploads files (e.g. -p mineru)"));
    }
    // URLs without an extension are left for the service to judge.
    let judged_by_service = doc.is_url() && doc.ext.is_empty();
    if !judged_by_service && !info.extensions.contains(&doc.ext.as_str()) {
        let what = if doc.ext.is_empty() {
            "has no file extension".to_string()
        } else {
            format!(".{} files are not supported by {}", doc.ext, info.name)
        };
        return Err(Error::input(&doc.input, what).with_hint(format!(
            "{} takes: {}",
            info.name,
            info.extensions.join(", ")
        )));
    }
    if let Some(path) = doc.path() {
        let head = crate::input::read_head(path).map_err(|e| {
            Error::input(&doc.input, format!("cannot read the file: {e}"))
                .with_hint("check that the file exists and is readable")
        })?;
        if let Some(what) = crate::input::content_mismatch(&doc.ext, &head) {
            return Err(Error::input(&doc.input, what).with_hint(
                "check that it is the document you meant, or rename it to the extension of what it holds",
            ));
        }
    }
    Ok(())
}

/// Refuses, with a usage error, the flags this provider cannot honour: a flag is
/// never silently dropped.
pub fn check_flags(info: &ProviderInfo, opts: &ExtractOptions) -> Result<(), Error> {
    let supported = info.flags;
    let refused: Vec<&str> = opts
        .flags_set()
        .into_iter()
        .filter(|f| !supported.contains(f))
        .collect();
    if refused.is_empty() {
        return Ok(());
    }
    Err(Error::usage(format!(
        "{} {} not supported by {}",
        refused.join(", "),
        if refused.len() == 1 { "is" } else { "are" },
        info.name
    ))
    .with_hint(if supported.is_empty() {
        format!("drop them; {} takes none of these options", info.name)
    } else {
        format!(
            "drop them, or use a provider that has them; {} takes {}",
            info.name,
            supported.join(", ")
        )
    }))
}

/// `--format` must be one the provider offers.
pub fn check_formats(info: &ProviderInfo, opts: &ExtractOptions) -> Result<(), Error> {
    if !info.formats.contains(&opts.format.name()) {
        return Err(Error::usage(format!(
            "--format {} is not offered by {}",
            opts.format.name(),
            info.name
        ))
        .with_hint(format!("choose from {}", info.formats.join(", "))));
    }
    Ok(())
}

/// Size and page limits in force: the file's size; the pages selected with
/// `--pages`, else the PDF's own page count when it can be read locally.
pub fn check_limits(
    info: &ProviderInfo,
    settings: &ProviderSettings,
    doc: &Document,
    opts: &ExtractOptions,
) -> Result<(), Error> {
    let limits = &settings.limits;
    if let (Some(limit), Some(size)) = (limits.max_bytes, doc.size) {
        if size > limit {
            return Err(Error::input(
                &doc.input,
                format!(
                    "{} is over {}'s limit of {}",
                    human_bytes(size),
                    info.name,
                    human_bytes(limit)
                ),
            )
            .with_hint(info.too_big));
        }
    }
    let Some(limit) = limits.max_pages else {
        return Ok(());
    };
    let pages = match (&opts.pages, doc.path()) {
        (Some(p), _) => Some(p.count()),
        (None, Some(path)) if doc.ext == "pdf" => crate::pdf::page_count(path),
        _ => None,
    };
    if let Some(pages) = pages {
        if pages > limit {
            return Err(Error::input(
                &doc.input,
                format!(
                    "{pages} pages is over {}'s limit of {limit} pages",
                    info.name
                ),
            )
            .with_hint(info.too_big));
        }
    }
    Ok(())
}

/// A provider-specific setting from `[providers.<name>]` in the config file.
pub fn setting<'a>(settings: &'a ProviderSettings, key: &str) -> Option<&'a toml::Value> {
    settings.table.extra.get(key)
}

pub use crate::units::bytes_text as human_bytes;

pub struct Entry {
    pub info: &'static ProviderInfo,
    pub build: fn(ProviderSettings, Http) -> Box<dyn Provider>,
}

/// Every provider docpipe has, in the order `providers` lists them.
pub static REGISTRY: &[Entry] = &[
    Entry {
        info: &mineru::INFO,
        build: mineru::build,
    },
    Entry {
        info: &mineru::flash::INFO,
        build: mineru::flash::build,
    },
    Entry {
        info: &mineru::parse4ai::INFO,
        build: mineru::parse4ai::build,
    },
    Entry {
        info: &mistral::INFO,
        build: mistral::build,
    },
    Entry {
        info: &mistralocr::INFO,
        build: mistralocr::build,
    },
    Entry {
        info: &gptge::INFO,
        build: gptge::build,
    },
    Entry {
        info: &local::INFO,
        build: local::build,
    },
];

/// Order in which a keyed provider is chosen when no `-p` and no default is set.
fn preference() -> Vec<&'static Entry> {
    let mut ranked: Vec<&'static Entry> = REGISTRY
        .iter()
        .filter(|e| e.info.preference.is_some())
        .collect();
    ranked.sort_by_key(|e| e.info.preference);
    ranked
}
pub const NO_KEY_DEFAULT: &str = "mineru-flash";

pub fn find(name: &str) -> Result<&'static Entry, Error> {
    REGISTRY
        .iter()
        .find(|e| e.info.name == name)
        .ok_or_else(|| {
            Error::usage(format!("unknown provider '{name}'")).with_hint(format!(
                "available providers: {}",
                REGISTRY
                    .iter()
                    .map(|e| e.info.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })
}

/// `-p auto`: each document to `local` when it holds its text, else to the
/// cloud default.
/// How a provider is chosen without `-p`, in words, from each provider's `preference` and
/// [`NO_KEY_DEFAULT`]: `docpipe --help` and `docpipe providers` print this, so
/// the help cannot drift from what `select_routing` does.
pub fn selection_help() -> String {
    format!(
        "With no -p: default_provider from config, else the first of {} that has a key, \
         else {AUTO}: each document with a text layer goes to local (on this machine), \
         the others to {NO_KEY_DEFAULT} (no key needed). -p {AUTO} routes the same way \
         with the first provider that has a key as the cloud side.",
        preference()
            .iter()
            .map(|e| e.info.name)
            .collect::<Vec<_>>()
            .join(", ")
    )
}

pub const AUTO: &str = "auto";
pub const AUTO_SUMMARY: &str = "Per document: local when it has a text layer, else the cloud default (the first provider with a key, else mineru-flash)";

/// What a command runs with: one provider, or `auto` routing between `local`
/// and a cloud provider.
#[derive(Clone, Copy)]
pub enum Selected {
    One(&'static Entry),
    Auto {
        local: &'static Entry,
        cloud: &'static Entry,
    },
}

impl Selected {
    /// The provider of a document: `auto` sends a file that holds its text to
    /// `local` (decided by reading the file only), anything else to the cloud.
    pub fn route(&self, doc: &Document) -> &'static Entry {
        self.route_noted(doc).0
    }

    /// [`Selected::route`], and a line to show when `auto` sends a document
    /// `local` would take but cannot read (damaged, encrypted) to the cloud.
    pub fn route_noted(&self, doc: &Document) -> (&'static Entry, Option<String>) {
        match *self {
            Selected::One(entry) => (entry, None),
            Selected::Auto { local, cloud } => match doc.path() {
                Some(path) if local.info.extensions.contains(&doc.ext.as_str()) => {
                    match crate::local::has_text_layer(path, &doc.ext) {
                        crate::local::TextLayer::Yes => (local, None),
                        crate::local::TextLayer::No => (cloud, None),
                        crate::local::TextLayer::Unknown => (
                            cloud,
                            Some(format!(
                                "{}: local cannot read it (damaged or encrypted?); sending it to {}",
                                doc.input, cloud.info.name
                            )),
                        ),
                    }
                }
                // A URL is judged by its name before any request: a type that
                // always holds its text (not a PDF, which may be a scan).
                None if crate::local::always_text(&doc.ext) => (local, None),
                _ => (cloud, None),
            },
        }
    }
}

/// `-p`, else `default_provider`, else `auto` when no provider has a key
/// (local for documents with a text layer, mineru-flash for the others), else
/// the first keyed provider.
pub fn select_routing(flag: Option<&str>, config: &Config) -> Result<Selected, Error> {
    let auto = || -> Result<Selected, Error> {
        Ok(Selected::Auto {
            local: find("local")?,
            cloud: cloud_default(config)?,
        })
    };
    let named = flag.or(config.file.default_provider.as_deref());
    match named {
        Some(AUTO) => auto(),
        Some(_) => select(flag, config).map(Selected::One),
        None if keyed(config).is_none() => auto(),
        None => select(flag, config).map(Selected::One),
    }
}

/// The first provider of each provider's `preference` with a key.
fn keyed(config: &Config) -> Option<&'static Entry> {
    preference()
        .into_iter()
        .find(|entry| config.key(entry.info.name, entry.info.key_env).is_some())
}

/// Where `auto` sends documents without a text layer.
fn cloud_default(config: &Config) -> Result<&'static Entry, Error> {
    match keyed(config) {
        Some(entry) => Ok(entry),
        None => find(NO_KEY_DEFAULT),
    }
}

/// `-p`, else `default_provider`, else the first keyed provider, else the no-key
/// one. (`auto` resolves to its cloud side here: see [`select_routing`].)
pub fn select(flag: Option<&str>, config: &Config) -> Result<&'static Entry, Error> {
    if let Some(name) = flag {
        if name == AUTO {
            return cloud_default(config);
        }
        return find(name);
    }
    if let Some(name) = config.file.default_provider.as_deref() {
        if name == AUTO {
            return cloud_default(config);
        }
        return find(name).map_err(|e| {
            Error::usage(format!(
                "{}: default_provider: {}",
                config
                    .path
                    .as_deref()
                    .unwrap_or(std::path::Path::new("config"))
                    .display(),
                e.message
            ))
            .with_hint(e.hint.unwrap_or_default())
        });
    }
    cloud_default(config)
}

/// Builds the provider with its resolved settings.
pub fn build(entry: &Entry, config: &Config, http: &Http) -> Result<Box<dyn Provider>, Error> {
    let settings = config.settings(
        entry.info.name,
        entry.info.key_env,
        entry.info.default_base_url,
        &entry.info.limits,
    )?;
    let http = paced(http, &settings);
    Ok((entry.build)(settings, http))
}

/// The provider's HTTP handle: rate-limited when its config asks for it.
fn paced(http: &Http, settings: &ProviderSettings) -> Http {
    match settings.table.rate_limit {
        Some(rps) if rps > 0.0 => http.rate_limited(rps),
        _ => http.clone(),
    }
}

/// Builds the provider that made a recorded task, at the base URL it was sent to.
pub fn build_for_record(
    name: &str,
    base_url: &str,
    config: &Config,
    http: &Http,
) -> Result<Box<dyn Provider>, Error> {
    let entry = find(name)?;
    let mut settings = config.settings(
        entry.info.name,
        entry.info.key_env,
        entry.info.default_base_url,
        &entry.info.limits,
    )?;
    settings.base_url = base_url.to_string();
    let http = paced(http, &settings);
    Ok((entry.build)(settings, http))
}

/// The keys of the config file's `[providers.NAME]` tables that the provider
/// does not read, as `<file>:<line>: unknown key 'k' in [providers.NAME]`, and
/// the common keys that do nothing for it (a limit for `local`, `max_batch`
/// without a batch API), as `<file>:<line>: 'k' in [providers.NAME] has no
/// effect: …`. Tables of providers this build does not have are left alone: a
/// newer docpipe may know them.
pub fn unknown_config_keys(config: &Config) -> Vec<String> {
    let file = config
        .path
        .as_deref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "config".into());
    config
        .provider_keys
        .iter()
        .filter_map(|(name, key, line)| {
            let info = find(name).ok()?.info;
            if !crate::config::PROVIDER_KEYS.contains(&key.as_str()) {
                return (!info.config_keys.contains(&key.as_str()))
                    .then(|| format!("{file}:{line}: unknown key '{key}' in [providers.{name}]"));
            }
            inert_key(info, key).map(|why| {
                format!("{file}:{line}: '{key}' in [providers.{name}] has no effect: {why}")
            })
        })
        .collect()
}

/// Why a common provider key does nothing for this provider, if it does
/// nothing: read from its `INFO`, so a provider gaining the capability loses
/// the warning.
fn inert_key(info: &ProviderInfo, key: &str) -> Option<String> {
    let name = info.name;
    let in_process = info.default_base_url.is_empty();
    match key {
        "api_key" if !info.needs_key() => Some(format!("{name} needs no key")),
        "base_url" | "rate_limit" if in_process => {
            Some(format!("{name} runs inside docpipe, with no API"))
        }
        "max_file_mb" | "max_pages" if in_process => Some(format!(
            "{name} has no size or page limit to override (it runs inside docpipe)"
        )),
        "max_batch" if info.limits.max_batch.is_none() => Some(format!("{name} has no batch API")),
        "model_version" if !info.flags.contains(&"--model") => {
            Some(format!("{name} has no model to choose"))
        }
        _ => None,
    }
}

/// The missing-key error every keyed provider gives. A keyless API of the same
/// service (same host: mineru-flash for mineru) is offered as the other way.
pub fn missing_key(info: &ProviderInfo) -> Error {
    let keyless: Vec<String> = REGISTRY
        .iter()
        .filter(|e| !e.info.needs_key() && e.info.default_base_url == info.default_base_url)
        .map(|e| format!("; or use -p {}, which needs no key", e.info.name))
        .collect();
    Error::auth(format!("no API key for {}", info.name)).with_hint(format!(
        "set {} or providers.{}.api_key in the config file{}",
        info.key_env.first().copied().unwrap_or("the key variable"),
        info.name,
        keyless.concat()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The batch capability is declared once (`limits.max_batch`); a provider that
    /// declares it must implement the batch calls and one that does not must not.
    #[test]
    fn batch_capability_matches_the_batch_calls() {
        let http = Http::new(crate::http::HttpOptions::default()).unwrap();
        let doc = crate::input::resolve("https://example.com/report.pdf", None).unwrap();
        // As `batch` runs (Mistral's jobs are for `batch` only).
        let opts = ExtractOptions {
            batch_command: true,
            ..ExtractOptions::default()
        };
        for entry in REGISTRY {
            let info = entry.info;
            let settings = ProviderSettings::bare(info.name, info.default_base_url, &info.limits);
            let provider = (entry.build)(settings, http.clone());
            assert_eq!(
                provider.batch_group(&doc, &opts).is_some(),
                info.batch(),
                "{}: limits.max_batch and batch_group disagree",
                info.name
            );
        }
        assert!(mineru::INFO.batch(), "mineru submits through its batch API");
        assert!(mineru::parse4ai::INFO.batch());
        assert!(!mineru::flash::INFO.batch());
    }

    #[test]
    fn a_missing_key_offers_the_keyless_api_of_the_same_service() {
        let hint = missing_key(&mineru::INFO).hint.unwrap();
        assert!(hint.contains("MINERU_API_KEY"), "{hint}");
        assert!(
            hint.ends_with("; or use -p mineru-flash, which needs no key"),
            "{hint}"
        );
        let hint = missing_key(&mistral::INFO).hint.unwrap();
        assert!(!hint.contains("mineru-flash"), "{hint}");
    }
}
