//! The provider contract: the same scenarios run against every provider's fake
//! (ripgrep's `rgtest!` idea). A provider in the registry without a subject here
//! fails `every_registered_provider_is_under_contract`.
//!
//! - a missing or wrong key exits 3 (a missing one before any request);
//! - a used-up quota or rate limit exits 7;
//! - bad inputs exit 4 before any request, each one named;
//! - a rerun of the same command creates nothing a second time: `batch -o DIR`,
//!   `parse -o DIR`, `ocr -o DIR` and `ocr` to stdout (one pipeline, one record).

use std::fs;
use std::path::PathBuf;

use crate::harness::{stderr_of, Env};
use crate::support::gptge::{FakeGptGe, GptGeConfig, GPTGE_KEY};
use crate::support::mistral::{FakeMistral, MistralConfig, MISTRAL_KEY};
use crate::support::mistralocr::{FakeMistralOcr, MistralOcrConfig, MISTRALOCR_KEY};
use crate::support::parse4ai::{FakeParse4ai, P4Config, P4_KEY};
use crate::support::{Fake, FakeConfig, FakeMineru, Recorded, TOKEN};

/// One provider under contract: its fake, kept alive (its drop checks the
/// violations), and what docpipe needs to reach it.
pub struct Subject {
    name: &'static str,
    base_env: &'static str,
    /// The key's variable and a key the fake accepts; `None` for a keyless API.
    key: Option<(&'static str, &'static str)>,
    /// Inputs it takes: local files, or URLs for a URL-only provider.
    urls_only: bool,
    fake: Box<dyn Service>,
}

/// The object-safe part of [`Fake`] the scenarios use.
trait Service {
    fn base_url(&self) -> String;
    fn api_requests(&self) -> Vec<Recorded>;
    fn creations(&self) -> usize;
    fn violations(&self) -> Vec<String>;
}

impl<F: Fake> Service for F {
    fn base_url(&self) -> String {
        Fake::base_url(self)
    }
    fn api_requests(&self) -> Vec<Recorded> {
        Fake::api_requests(self)
    }
    fn creations(&self) -> usize {
        Fake::creations(self)
    }
    fn violations(&self) -> Vec<String> {
        Fake::violations(self)
    }
}

impl Subject {
    /// A provider under contract: `-p name`, the fake's base URL in `base_env`,
    /// the key variable and a key the fake accepts (`None`: keyless).
    fn new(
        name: &'static str,
        base_env: &'static str,
        key: Option<(&'static str, &'static str)>,
        urls_only: bool,
        fake: impl Fake + 'static,
    ) -> Subject {
        Subject {
            name,
            base_env,
            key,
            urls_only,
            fake: Box::new(fake),
        }
    }

    /// `docpipe -p NAME` against the fake, with `key` as the key (None: unset).
    fn cmd(&self, env: &Env, key: Option<&str>) -> assert_cmd::Command {
        let mut cmd = env.bare();
        cmd.env(self.base_env, self.fake.base_url())
            .env("DOCPIPE_RETRY_BASE", "10ms")
            .args(["-p", self.name]);
        if let (Some((var, _)), Some(key)) = (self.key, key) {
            cmd.env(var, key);
        }
        cmd
    }

    fn good_key(&self) -> Option<&'static str> {
        self.key.map(|(_, k)| k)
    }

    /// Every request the fake's API host received.
    fn requests(&self) -> Vec<Recorded> {
        self.fake.api_requests()
    }

    /// Billable creations so far: tasks, batch entries or synchronous answers.
    fn creations(&self) -> usize {
        self.fake.creations()
    }

    fn violations(&self) -> Vec<String> {
        self.fake.violations()
    }

    /// Two distinct documents it accepts.
    fn inputs(&self, env: &Env) -> Vec<String> {
        if self.urls_only {
            return vec![
                "https://example.org/docs/alpha.pdf".into(),
                "https://example.org/docs/beta.pdf".into(),
            ];
        }
        let dir = env.work.path().join("in");
        fs::create_dir_all(&dir).unwrap();
        ["alpha", "beta"]
            .iter()
            .map(|name| {
                let p: PathBuf = dir.join(format!("{name}.pdf"));
                fs::write(&p, format!("%PDF-1.4\n% {name}\n%%EOF\n")).unwrap();
                p.display().to_string()
            })
            .collect()
    }
}

// One line per provider: name, base-URL variable, key, URL-only, and its fake
// with the quota (or rate limit) used up when `quota` is set.

#[rustfmt::skip]
fn mineru(quota: bool) -> Subject {
    Subject::new("mineru", "DOCPIPE_MINERU_BASE_URL", Some(("MINERU_API_KEY", TOKEN)), false, FakeMineru::start_with(FakeConfig { daily_limit_reached: quota, ..FakeConfig::default() }))
}

#[rustfmt::skip]
fn mineru_flash(quota: bool) -> Subject {
    Subject::new("mineru-flash", "DOCPIPE_MINERU_FLASH_BASE_URL", None, false, FakeMineru::start_with(FakeConfig { rate_limit_flash: if quota { 0 } else { u32::MAX }, ..FakeConfig::default() }))
}

#[rustfmt::skip]
fn parse4ai(quota: bool) -> Subject {
    Subject::new("parse4ai", "DOCPIPE_PARSE4AI_BASE_URL", Some(("PARSE4AI_API_KEY", P4_KEY)), true, FakeParse4ai::start_with(P4Config { balance_empty: quota, ..P4Config::default() }))
}

#[rustfmt::skip]
fn mistral(quota: bool) -> Subject {
    Subject::new("mistral", "DOCPIPE_MISTRAL_BASE_URL", Some(("MISTRAL_API_KEY", MISTRAL_KEY)), false, FakeMistral::start_with(MistralConfig { rate_limited: quota, ..MistralConfig::default() }))
}

#[rustfmt::skip]
fn mistralocr(quota: bool) -> Subject {
    Subject::new("mistralocr", "DOCPIPE_MISTRALOCR_BASE_URL", Some(("MISTRALOCR_API_KEY", MISTRALOCR_KEY)), false, FakeMistralOcr::start_with(MistralOcrConfig { rate_limited: quota, ..MistralOcrConfig::default() }))
}

#[rustfmt::skip]
fn gptge(quota: bool) -> Subject {
    Subject::new("gptge", "DOCPIPE_GPTGE_BASE_URL", Some(("GPTGE_API_KEY", GPTGE_KEY)), false, FakeGptGe::start_with(GptGeConfig { rate_limited: quota, ..GptGeConfig::default() }))
}

/// The shared scenarios, each a function of a subject's constructor.
mod scenario {
    use super::*;

    /// A missing key exits 3 before any request; a wrong key exits 3 and names
    /// the variable to fix. A keyless API never sends a key, even when one of
    /// its sibling's variables is set.
    pub fn bad_key(start: fn(bool) -> Subject) {
        let s = start(false);
        let env = Env::new();
        let inputs = s.inputs(&env);
        let Some((var, _)) = s.key else {
            let out = s
                .cmd(&env, None)
                .env("MINERU_API_KEY", "not-for-the-flash-api")
                .args(["batch", "-o"])
                .arg(env.out())
                .args(&inputs)
                .output()
                .unwrap();
            assert!(out.status.success(), "{}", stderr_of(&out));
            let requests = s.requests();
            assert!(!requests.is_empty());
            assert!(
                requests.iter().all(|r| r.header("authorization").is_none()),
                "a keyless API got a key"
            );
            return;
        };
        let out = s
            .cmd(&env, None)
            .args(["batch", "-o"])
            .arg(env.out())
            .args(&inputs)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(3), "{}", stderr_of(&out));
        assert!(stderr_of(&out).contains(var), "{}", stderr_of(&out));
        assert!(s.requests().is_empty(), "a request without a key");

        let out = s
            .cmd(&env, Some("wrong-key-0000"))
            .args(["batch", "-o"])
            .arg(env.out())
            .args(&inputs)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(3), "{}", stderr_of(&out));
        assert!(stderr_of(&out).contains(var), "{}", stderr_of(&out));
        assert_eq!(s.creations(), 0);
    }

    /// A used-up quota or rate limit ends with exit 7 and a hint to wait.
    pub fn quota(start: fn(bool) -> Subject) {
        let s = start(true);
        let env = Env::new();
        let inputs = s.inputs(&env);
        let out = s
            .cmd(&env, s.good_key())
            .args(["batch", "-o"])
            .arg(env.out())
            .args(&inputs)
            .output()
            .unwrap();
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(7), "{err}");
        assert!(
            err.contains("alpha") || err.contains("beta"),
            "no document named: {err}"
        );
        assert!(err.contains("hint:"), "{err}");
        assert_eq!(s.creations(), 0);
    }

    /// A missing file and an unsupported type both exit 4, both named, and
    /// nothing reaches the provider. For a URL-only provider, a local file is
    /// the bad input.
    pub fn bad_input(start: fn(bool) -> Subject) {
        let s = start(false);
        let env = Env::new();
        let odd = env.work.path().join("notes.xyz");
        fs::write(&odd, "not a document").unwrap();
        let mut bad = vec![
            env.work.path().join("missing.pdf").display().to_string(),
            odd.display().to_string(),
        ];
        if s.urls_only {
            let local = env.work.path().join("local.pdf");
            fs::write(&local, "%PDF-1.4\n%%EOF\n").unwrap();
            bad.push(local.display().to_string());
        }
        let out = s
            .cmd(&env, s.good_key())
            .args(["batch", "-o"])
            .arg(env.out())
            .args(&bad)
            .output()
            .unwrap();
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(4), "{err}");
        for input in &bad {
            let file = input.rsplit('/').next().unwrap();
            assert!(err.contains(file), "{file} not named: {err}");
        }
        assert!(s.requests().is_empty(), "a request for bad inputs");
    }

    /// The same command run twice creates nothing the second time, for every
    /// extraction command and destination.
    pub fn rerun(start: fn(bool) -> Subject) {
        let commands: [(&str, bool); 4] = [
            ("batch", true),
            ("parse", true),
            ("ocr", true),
            ("ocr", false),
        ];
        for (command, to_folder) in commands {
            let s = start(false);
            let env = Env::new();
            let inputs = s.inputs(&env);
            let run = || {
                let mut cmd = s.cmd(&env, s.good_key());
                cmd.arg(command);
                if to_folder {
                    cmd.arg("-o").arg(env.out());
                }
                cmd.args(&inputs).output().unwrap()
            };
            let out = run();
            assert!(out.status.success(), "{command}: {}", stderr_of(&out));
            let created = s.creations();
            assert_eq!(
                created,
                inputs.len(),
                "{command}: one creation per document"
            );
            if to_folder {
                let names: Vec<String> = fs::read_dir(env.out())
                    .unwrap()
                    .flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect();
                for stem in ["alpha", "beta"] {
                    assert!(
                        names
                            .iter()
                            .any(|n| n == stem || n.starts_with(&format!("{stem}."))),
                        "{command}: no {stem} in {names:?}"
                    );
                }
            }
            let again = run();
            assert!(again.status.success(), "{command}: {}", stderr_of(&again));
            assert_eq!(
                s.creations(),
                created,
                "{command}: the rerun created something again"
            );
            if !to_folder {
                // stdout: the same text again, from the record.
                assert_eq!(again.stdout, out.stdout, "{command}: another text");
            }
            assert!(s.violations().is_empty(), "{:?}", s.violations());
        }
    }
}

/// Runs every scenario against each provider named.
macro_rules! contract {
    ($($provider:ident),* $(,)?) => {
        $(
            mod $provider {
                #[test]
                fn bad_key_exits_3() {
                    super::scenario::bad_key(super::$provider);
                }
                #[test]
                fn quota_exits_7() {
                    super::scenario::quota(super::$provider);
                }
                #[test]
                fn bad_input_exits_4_before_any_request() {
                    super::scenario::bad_input(super::$provider);
                }
                #[test]
                fn rerun_creates_nothing_twice() {
                    super::scenario::rerun(super::$provider);
                }
            }
        )*
        /// The names under contract, to compare with the registry.
        const UNDER_CONTRACT: &[fn(bool) -> Subject] = &[$($provider),*];
    };
}

contract!(mineru, mineru_flash, parse4ai, mistral, mistralocr, gptge);

/// Registered providers the scenarios cannot apply to, each with the reason
/// (e.g. one that runs on this machine has no key, quota or requests).
const NOT_UNDER_CONTRACT: &[(&str, &str)] = &[(
    "local",
    "runs on this machine: no key, no quota and no requests (tests/cli/local.rs covers bad inputs and reruns)",
)];

#[test]
fn every_registered_provider_is_under_contract() {
    let mut covered: Vec<&str> = UNDER_CONTRACT
        .iter()
        .map(|start| start(false).name)
        .chain(NOT_UNDER_CONTRACT.iter().map(|(name, _)| *name))
        .collect();
    covered.sort();
    let mut registered: Vec<&str> = docpipe::provider::REGISTRY
        .iter()
        .map(|e| e.info.name)
        .collect();
    registered.sort();
    assert_eq!(
        covered, registered,
        "every provider in the registry needs a fake and a subject in \
         tests/cli/provider_contract.rs (or a reason in NOT_UNDER_CONTRACT)"
    );
}

/// `docpipe providers` reports the batch capability `batch` uses: declared
/// once, by `limits.max_batch`.
#[test]
fn providers_reports_the_batch_api_batch_uses() {
    let env = Env::new();
    let out = env.bare().args(["--json", "providers"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let lines = crate::harness::json_lines(&out);
    assert_eq!(lines.len(), docpipe::provider::REGISTRY.len());
    for line in &lines {
        assert_eq!(
            line["batch"].as_bool(),
            Some(!line["limits"]["max_batch"].is_null()),
            "{line}"
        );
    }
    let batch_of = |name: &str| {
        lines
            .iter()
            .find(|l| l["name"] == name)
            .map(|l| l["batch"].clone())
    };
    assert_eq!(batch_of("mineru"), Some(serde_json::json!(true)));
    assert_eq!(batch_of("parse4ai"), Some(serde_json::json!(true)));
    assert_eq!(batch_of("mineru-flash"), Some(serde_json::json!(false)));
    let text = env.bare().arg("providers").output().unwrap();
    let text = crate::harness::stdout_of(&text);
    let block = |name: &str| {
        text.split("\n\n")
            .find(|b| b.starts_with(&format!("{name}\n")) || b.starts_with(&format!("{name} (")))
            .unwrap_or_else(|| panic!("no {name} in {text}"))
            .to_string()
    };
    assert!(
        block("mineru").contains("up to 200 documents per provider batch call"),
        "{text}"
    );
    assert!(
        block("mineru-flash").contains("batch (one task per document)"),
        "{text}"
    );
}
