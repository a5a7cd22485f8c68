//! What every command needs, resolved once: settings, the HTTP client, the
//! progress reporter; and how the failures of a run make one exit code.

use anyhow::Result;

use crate::cache::Cache;
use crate::config::{process_env, CachePlace, Config};
use crate::error::{self, Error, Kind};
use crate::http::{Http, HttpOptions};
use crate::progress::{Reporter, Target};
use crate::record::Store;
use crate::request::Global;

/// What every command needs: settings, the HTTP client, the progress reporter.
pub struct Ctx {
    pub global: Global,
    pub config: Config,
    pub http: Http,
    pub reporter: Reporter,
    /// When the command gives up waiting (`--timeout` from its start), decided
    /// once here for the HTTP client and the pipeline alike; None when the
    /// configured value is bad (the command that reads it says why).
    pub deadline: Option<std::time::Instant>,
    /// The result cache, opened on first use (None: off, or it could not be
    /// opened, which was said once).
    cache: std::sync::OnceLock<Option<Cache>>,
}

impl Ctx {
    pub fn new(global: Global) -> Result<Ctx> {
        let config = Config::load(global.config.as_deref(), Box::new(process_env))?;
        // `--timeout` bounds the whole command, downloads included; a bad value
        // is reported by the command that reads it.
        let deadline = config
            .timeout(global.timeout)
            .ok()
            .map(|t| std::time::Instant::now() + t);
        let http = Http::new(HttpOptions {
            verbose: global.verbose > 0,
            deadline,
            ..config.http_options()?
        })?;
        crate::unpack::Limits::configure(config.unpack_limits());
        crate::messages::set_quiet(global.quiet);
        let target = Target::detect(global.quiet, process_env("DOCPIPE_PROGRESS").as_deref());
        let color = crate::progress::color_wanted(process_env("NO_COLOR").as_deref());
        let reporter = Reporter::new(target, color);
        for warning in config
            .warnings
            .iter()
            .cloned()
            .chain(crate::provider::unknown_config_keys(&config))
        {
            reporter.alert(&warning);
        }
        Ok(Ctx {
            global,
            config,
            http,
            reporter,
            deadline,
            cache: std::sync::OnceLock::new(),
        })
    }

    /// The task record in the data folder, created if needed; when it cannot
    /// be, the error names the folder and every way to choose another.
    pub fn store(&self) -> Result<Store> {
        let dir = self.config.data_dir()?;
        Store::open(&dir).map_err(|e| {
            Error::new(Kind::Other, format!("{e:#}"))
                .with_hint(crate::config::DATA_DIR_HINT)
                .into()
        })
    }

    /// The result cache of paid answers, unless `--no-cache`, `DOCPIPE_CACHE=off`
    /// or `cache = false` turned it off. One that cannot be opened is said
    /// once, and the run goes on without it (it only ever saves money).
    pub fn cache(&self) -> Option<&Cache> {
        self.cache
            .get_or_init(|| {
                let opened = self.open_cache();
                if let Err(e) = &opened {
                    crate::messages::warn(&format!(
                        "the result cache is not used in this run: {e:#}"
                    ));
                }
                opened.ok().flatten()
            })
            .as_ref()
    }

    fn open_cache(&self) -> Result<Option<Cache>> {
        let place = self.config.cache_place(self.global.no_cache)?;
        let max = self.config.cache_max_bytes()?;
        let dir = match place {
            CachePlace::Off => return Ok(None),
            CachePlace::Default => self.config.data_dir()?.join("cache"),
            CachePlace::Dir(dir) => dir,
            CachePlace::Store(url) => {
                return Ok(Some(Cache::open_remote(&url, max, self.global.refresh)?))
            }
        };
        Ok(Some(Cache::open(&dir, max)?))
    }

    /// The task record for a run whose every document is extracted on this
    /// machine: the data folder's when it can be made, else a temporary one
    /// removed with the returned guard. Such a run needs no lasting record
    /// (nothing is paid for, no task ID is given out), so a missing or
    /// read-only HOME must not stop it.
    pub fn store_for_local_run(&self) -> Result<(Store, Option<tempfile::TempDir>)> {
        if let Ok(store) = self.store() {
            return Ok((store, None));
        }
        let scratch = tempfile::Builder::new()
            .prefix(".docpipe-record-")
            .tempdir()?;
        crate::interrupt::remove_on_interrupt(scratch.path());
        Ok((Store::open(scratch.path())?, Some(scratch)))
    }
}

/// The exit code of a run in which some documents failed: the most
/// user-actionable kind wins, in the order of [`error::PRECEDENCE`].
pub fn combined_exit_code(errors: &[&anyhow::Error]) -> i32 {
    if errors.is_empty() {
        return error::exit::OK;
    }
    let kinds: Vec<Option<Kind>> = errors
        .iter()
        .map(|e| error::typed(e).map(|t| t.kind.clone()))
        .collect();
    for kind in error::PRECEDENCE {
        if kinds.iter().any(|k| k.as_ref() == Some(kind)) {
            return Error::new(kind.clone(), "").exit_code();
        }
    }
    error::exit::OTHER
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(kind: Kind) -> anyhow::Error {
        anyhow::Error::new(Error::new(kind, "x")).context("in a document")
    }

    /// Every pair of kinds: the one earlier in the precedence wins, whatever
    /// the order the errors came in; untyped errors exit 1 and lose to any kind.
    #[test]
    fn the_most_actionable_failure_decides_the_exit_code() {
        assert_eq!(combined_exit_code(&[]), error::exit::OK);
        let plain = anyhow::anyhow!("no kind");
        assert_eq!(combined_exit_code(&[&plain]), error::exit::OTHER);
        assert_eq!(
            error::precedence_codes(),
            vec![130, 3, 2, 4, 8, 7, 6, 5],
            "docs/exit-codes.md, README and the man page print this order"
        );
        let kinds = error::PRECEDENCE;
        for (i, first) in kinds.iter().enumerate() {
            let a = err(first.clone());
            assert_eq!(
                combined_exit_code(&[&plain, &a]),
                Error::new(first.clone(), "").exit_code()
            );
            for later in &kinds[i + 1..] {
                let b = err(later.clone());
                let want = Error::new(first.clone(), "").exit_code();
                assert_eq!(
                    combined_exit_code(&[&a, &b]),
                    want,
                    "{first:?} vs {later:?}"
                );
                assert_eq!(
                    combined_exit_code(&[&b, &a]),
                    want,
                    "{later:?} vs {first:?}"
                );
            }
        }
    }
}
