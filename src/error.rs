//! Errors a caller must branch on, each mapped to one exit code of `cli.md`.
//!
//! Everything else travels as `anyhow::Error` and exits 1. Every message names what
//! failed and for which input; `hint` says what to do next.

use std::fmt;

pub mod exit {
    pub const OK: i32 = 0;
    pub const OTHER: i32 = 1;
    pub const USAGE: i32 = 2;
    pub const AUTH: i32 = 3;
    pub const INPUT: i32 = 4;
    pub const PROVIDER: i32 = 5;
    pub const TIMEOUT: i32 = 6;
    pub const QUOTA: i32 = 7;
    pub const BUDGET: i32 = 8;
    pub const INTERRUPTED: i32 = 130;

    /// Every exit code with its meaning, as `cli.md` documents them: the man page
    /// and `docs/exit-codes.md` are written from this table.
    pub const MEANINGS: &[(i32, &str)] = &[
        (OK, "every document succeeded"),
        (OTHER, "other failure (network after retries, unexpected answer, I/O)"),
        (USAGE, "usage: bad flags, arguments, config, or an unknown task ID"),
        (AUTH, "authentication: key missing, invalid or expired"),
        (INPUT, "input: file missing or unreadable, unsupported type, over a size or page limit (checked before any upload)"),
        (PROVIDER, "the provider failed to extract at least one document (the others are still written)"),
        (TIMEOUT, "timed out waiting; the task IDs are printed for status/fetch"),
        (QUOTA, "quota or rate limit exhausted after retries"),
        (BUDGET, "page budget: documents that would take the run over --max-pages were not submitted (the others were); pages extracted by local are not counted"),
        (INTERRUPTED, "interrupted (Ctrl-C or SIGTERM); the resume command is printed"),
    ];

    /// What to do after each exit code, for `docs/exit-codes.md`.
    pub const NEXT_STEPS: &[(i32, &str)] = &[
        (OK, ""),
        (OTHER, "read the message; run again"),
        (USAGE, "fix the command line or config file (nothing was sent)"),
        (AUTH, "set or renew the key (`docpipe providers` shows where it comes from)"),
        (INPUT, "fix the input, select pages with `--pages`, or use another provider"),
        (PROVIDER, "check that document; the same command with `--retry-failed` resubmits it"),
        (TIMEOUT, "`docpipe fetch ID…` later, or a longer `--timeout`"),
        (QUOTA, "wait, then run again"),
        (BUDGET, "raise `--max-pages`, or bound a document with `--pages`; the same command again submits only what is missing"),
        (INTERRUPTED, "run the same command again (or the printed `docpipe fetch …`)"),
    ];
}

/// When the documents of one run fail in different ways, the first kind in
/// this list present decides the exit code (`context::combined_exit_code`);
/// an error of no listed kind exits 1. The man page, the README and
/// `docs/exit-codes.md` print it from here.
pub const PRECEDENCE: &[Kind] = &[
    Kind::Interrupted,
    Kind::Auth,
    Kind::Usage,
    Kind::NotFound,
    Kind::Input,
    Kind::Budget,
    Kind::Quota,
    Kind::Timeout,
    Kind::Provider,
];

/// [`PRECEDENCE`] as exit codes, each once, in order.
pub fn precedence_codes() -> Vec<i32> {
    let mut codes: Vec<i32> = Vec::new();
    for kind in PRECEDENCE {
        let code = Error::new(kind.clone(), "").exit_code();
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    codes
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Usage,
    /// An ID no provider or record knows.
    NotFound,
    Auth,
    Input,
    Provider,
    Timeout,
    Quota,
    /// A document not submitted because of `--max-pages`.
    Budget,
    Interrupted,
    /// Exit 1, for an error that still has a hint to give.
    Other,
}

#[derive(Debug, Clone)]
pub struct Error {
    pub kind: Kind,
    pub message: String,
    pub hint: Option<String>,
}

impl Error {
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            hint: None,
        }
    }
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Kind::Usage, message)
    }
    pub fn auth(message: impl Into<String>) -> Self {
        Self::new(Kind::Auth, message)
    }
    pub fn input(input: &str, message: impl fmt::Display) -> Self {
        Self::new(Kind::Input, format!("{input}: {message}"))
    }
    pub fn provider(message: impl Into<String>) -> Self {
        Self::new(Kind::Provider, message)
    }
    pub fn timeout(message: impl Into<String>) -> Self {
        Self::new(Kind::Timeout, message)
    }
    pub fn quota(message: impl Into<String>) -> Self {
        Self::new(Kind::Quota, message)
    }
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn exit_code(&self) -> i32 {
        match self.kind {
            Kind::Usage | Kind::NotFound => exit::USAGE,
            Kind::Auth => exit::AUTH,
            Kind::Input => exit::INPUT,
            Kind::Provider => exit::PROVIDER,
            Kind::Timeout => exit::TIMEOUT,
            Kind::Quota => exit::QUOTA,
            Kind::Budget => exit::BUDGET,
            Kind::Interrupted => exit::INTERRUPTED,
            Kind::Other => exit::OTHER,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// The exit code for any error: a typed [`Error`] anywhere in the chain decides it.
pub fn exit_code_of(err: &anyhow::Error) -> i32 {
    typed(err).map_or(exit::OTHER, Error::exit_code)
}

/// The first typed error of the chain, whether it is the root cause or was
/// attached as context (`chain()` alone does not see context values).
pub fn typed(err: &anyhow::Error) -> Option<&Error> {
    err.downcast_ref::<Error>()
        .or_else(|| err.chain().find_map(|e| e.downcast_ref::<Error>()))
}

/// The hint of the first typed error in the chain; for a full disk, what to do
/// about it.
pub fn hint_of(err: &anyhow::Error) -> Option<&str> {
    typed(err)
        .and_then(|e| e.hint.as_deref())
        .or_else(|| is_out_of_space(err).then_some(OUT_OF_SPACE_HINT))
}

pub const OUT_OF_SPACE_HINT: &str = "free space, then run the same command again";

/// A write failed because the disk is full (ENOSPC / ERROR_DISK_FULL), anywhere
/// in the chain.
pub fn is_out_of_space(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>().is_some_and(|io| {
            io.kind() == std::io::ErrorKind::StorageFull
                || (cfg!(unix) && io.raw_os_error() == Some(28))
                || (cfg!(windows) && io.raw_os_error() == Some(112))
        })
    })
}

/// An error after which no further document can succeed, so a run of many stops
/// at the first one instead of repeating it per document: a bad key, an
/// exhausted quota, an interruption, a full disk.
pub fn ends_run(err: &anyhow::Error) -> bool {
    matches!(
        typed(err).map(|e| &e.kind),
        Some(Kind::Auth | Kind::Quota | Kind::Interrupted)
    ) || is_out_of_space(err)
}

/// A write to stdout failed because the reader went away (`docpipe … | head`).
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn typed_error_decides_exit_code_through_context() {
        let err: anyhow::Result<()> = Err(Error::auth("bad key").with_hint("set it").into());
        let err = err.context("while submitting a.pdf").unwrap_err();
        assert_eq!(exit_code_of(&err), exit::AUTH);
        assert_eq!(hint_of(&err), Some("set it"));
    }

    #[test]
    fn typed_context_is_seen_too() {
        let err = anyhow::anyhow!("dns error")
            .context(Error::new(Kind::Other, "POST x failed").with_hint("check the network"))
            .context("a.pdf: submission failed");
        assert_eq!(hint_of(&err), Some("check the network"));
        assert_eq!(exit_code_of(&err), exit::OTHER);
        let err = anyhow::anyhow!("x")
            .context(Error::quota("limit"))
            .context("outer");
        assert_eq!(exit_code_of(&err), exit::QUOTA);
    }

    #[test]
    fn a_full_disk_gets_the_next_step_and_ends_the_run() {
        let full = std::io::Error::from_raw_os_error(28);
        let err = anyhow::Error::new(full)
            .context("cannot write out/a/full.md")
            .context("a.pdf: delivery failed");
        assert!(is_out_of_space(&err));
        assert!(ends_run(&err));
        assert_eq!(hint_of(&err), Some(OUT_OF_SPACE_HINT));
        assert_eq!(exit_code_of(&err), exit::OTHER);
        let kind = anyhow::Error::new(std::io::Error::from(std::io::ErrorKind::StorageFull));
        assert!(is_out_of_space(&kind));
        // Other failures are per document.
        let other = anyhow::anyhow!("dns error").context(Error::provider("failed"));
        assert!(!ends_run(&other) && !is_out_of_space(&other));
        assert!(ends_run(&anyhow::Error::new(Error::auth("bad key"))));
        assert!(ends_run(&anyhow::Error::new(Error::quota("daily limit"))));
    }

    #[test]
    fn untyped_error_is_other() {
        let err = anyhow::anyhow!("disk full");
        assert_eq!(exit_code_of(&err), exit::OTHER);
    }
}
