//! The base command every test starts from: the real binary with a clean
//! environment (no HOME config, no keys, no DOCPIPE_* from the developer's shell),
//! pointed at the fakes, with fast polling.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

use crate::support::parse4ai::{FakeParse4ai, P4_KEY};
use crate::support::{FakeMineru, TOKEN};

pub struct Env {
    pub home: tempfile::TempDir,
    pub work: tempfile::TempDir,
}

impl Env {
    pub fn new() -> Env {
        Env {
            home: tempfile::tempdir().unwrap(),
            work: tempfile::tempdir().unwrap(),
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.home.path().join("data")
    }

    pub fn out(&self) -> PathBuf {
        self.work.path().join("out")
    }

    /// A copy of a fixture document inside the work folder, under `name`.
    pub fn doc(&self, fixture: &str, name: &str) -> PathBuf {
        let dest = self.work.path().join(name);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::copy(fixture_path(fixture), &dest).unwrap();
        dest
    }

    /// `docpipe` with nothing from the outside world but the fakes' addresses.
    pub fn cmd(&self, fake: &FakeMineru) -> Command {
        let mut cmd = Command::from_std(self.std_cmd(fake));
        cmd.timeout(std::time::Duration::from_secs(60));
        cmd
    }

    /// The same as a plain `std::process::Command`, for tests that spawn.
    pub fn std_cmd(&self, fake: &FakeMineru) -> std::process::Command {
        let mut cmd = self.bare_std();
        cmd.env("DOCPIPE_MINERU_BASE_URL", fake.base_url())
            .env("DOCPIPE_MINERU_FLASH_BASE_URL", fake.base_url());
        cmd
    }

    /// `docpipe` with a clean environment and no fake wired in: the test adds the
    /// base URL and key of the provider it drives.
    pub fn bare(&self) -> Command {
        let mut cmd = Command::from_std(self.bare_std());
        cmd.timeout(std::time::Duration::from_secs(60));
        cmd
    }

    /// The clean environment itself, as a plain `std::process::Command`.
    pub fn bare_std(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("docpipe"));
        cmd.env_clear()
            .env("HOME", self.home.path())
            .env("XDG_CONFIG_HOME", self.home.path().join("config"))
            .env("XDG_DATA_HOME", self.home.path().join("share"))
            .env("DOCPIPE_DATA_DIR", self.data_dir())
            // The result cache would make a test's second run free: the tests
            // of the record and of reruns see the record alone. `cache.rs`
            // turns it on (`Env::cached`).
            .env("DOCPIPE_CACHE", "off")
            .env("DOCPIPE_POLL_INTERVAL", "20ms")
            .env("DOCPIPE_POLL_MAX", "100ms")
            .current_dir(self.work.path());
        cmd
    }

    /// `docpipe` against the fake parse4ai, with its key.
    pub fn p4(&self, fake: &FakeParse4ai) -> Command {
        let mut cmd = self.bare();
        cmd.env("DOCPIPE_PARSE4AI_BASE_URL", fake.base_url())
            .env("PARSE4AI_API_KEY", P4_KEY);
        cmd
    }

    /// A file of `len` bytes named `name` in the work folder (sparse where the file
    /// system allows): for size limits.
    pub fn sized(&self, name: &str, head: &[u8], len: u64) -> PathBuf {
        let path = self.work.path().join(name);
        let mut f = std::fs::File::create(&path).unwrap();
        std::io::Write::write_all(&mut f, head).unwrap();
        f.set_len(len).unwrap();
        path
    }

    /// A config file in the work folder with `text`, readable by its owner only
    /// (as a file holding keys should be); pass it with `-c`.
    pub fn config(&self, text: &str) -> PathBuf {
        let path = self.work.path().join("docpipe-test.toml");
        std::fs::write(&path, text).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        path
    }

    /// The result cache's folder (the default: in the data folder).
    pub fn cache_dir(&self) -> PathBuf {
        self.data_dir().join("cache")
    }

    /// [`Env::keyed`] with the result cache on, where it is by default.
    pub fn cached(&self, fake: &FakeMineru) -> Command {
        let mut cmd = self.keyed(fake);
        cmd.env_remove("DOCPIPE_CACHE");
        cmd
    }

    /// The same with a valid MinerU key in the environment.
    pub fn keyed(&self, fake: &FakeMineru) -> Command {
        let mut cmd = self.cmd(fake);
        cmd.env("MINERU_API_KEY", TOKEN);
        cmd
    }
}

pub fn fixture_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/documents")
        .join(name)
}

pub fn stdout_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Files below `dir`, relative, sorted.
pub fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                out.push(p.strip_prefix(base).unwrap().display().to_string());
            }
        }
    }
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// The JSON lines a command printed.
pub fn json_lines(out: &std::process::Output) -> Vec<serde_json::Value> {
    stdout_of(out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect()
}

/// What a finished `docpipe` run gave: its exit code and both streams as text.
pub struct Ran {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub output: std::process::Output,
}

impl Ran {
    /// Asserts that it exited 0, showing its stderr otherwise.
    #[track_caller]
    pub fn ok(self) -> Self {
        assert!(self.output.status.success(), "{}", self.stderr);
        self
    }

    /// Asserts its exit code, showing its stderr otherwise.
    #[track_caller]
    pub fn exits(self, code: i32) -> Self {
        assert_eq!(self.code, Some(code), "{}", self.stderr);
        self
    }

    /// The JSON lines it printed.
    pub fn json(&self) -> Vec<serde_json::Value> {
        json_lines(&self.output)
    }
}

/// `cmd.args([...]).run().ok()`: one call instead of `.output().unwrap()`
/// and the stream decoding every test would spell out.
pub trait Run {
    fn run(&mut self) -> Ran;
}

impl Run for Command {
    fn run(&mut self) -> Ran {
        let output = self.output().expect("docpipe ran");
        Ran {
            code: output.status.code(),
            stdout: stdout_of(&output),
            stderr: stderr_of(&output),
            output,
        }
    }
}
