//! Shell completions and the man page, generated from the clap definition in
//! `cli.rs` (and the provider registry for the environment variables). The files
//! the repository commits are listed by [`committed`]; a test regenerates them in
//! memory and fails when one is stale (`DOCPIPE_REGENERATE=1` rewrites them).

use std::io::Write;

use clap::CommandFactory;
use clap_complete::{Generator, Shell};

use crate::cli::Cli;
use crate::config::base_url_var;
use crate::error::exit;
use crate::provider::REGISTRY;

pub const BIN: &str = "docpipe";

/// The shells `completions` supports, in the order the files are listed.
pub const SHELLS: &[Shell] = &[
    Shell::Bash,
    Shell::Zsh,
    Shell::Fish,
    Shell::PowerShell,
    Shell::Elvish,
];

/// The completion script for one shell.
pub fn completion(shell: Shell) -> Vec<u8> {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, BIN, &mut out);
    out
}

/// `docpipe(1)`, one page for everything: clap_mangen's sections for the
/// top-level command, each command's synopsis and options (rather than a page per
/// command), provider selection, exit status, environment and files.
pub fn man_page() -> Vec<u8> {
    let cmd = Cli::command();
    let man = clap_mangen::Man::new(cmd.clone());
    let mut out = Vec::new();
    // Writes into a Vec cannot fail.
    let _ = man.render_title(&mut out);
    let _ = man.render_name_section(&mut out);
    let _ = man.render_synopsis_section(&mut out);
    let _ = man.render_description_section(&mut out);
    let _ = man.render_options_section(&mut out);

    out.extend_from_slice(b".SH COMMANDS\n");
    for sub in cmd.get_subcommands() {
        let name = format!("{BIN} {}", sub.get_name());
        let man = clap_mangen::Man::new(sub.clone().bin_name(&name));
        let mut section = Vec::new();
        let _ = man.render_synopsis_section(&mut section);
        let _ = man.render_options_section(&mut section);
        let _ = writeln!(out, ".SS \"{name}\"");
        if let Some(about) = sub.get_about() {
            let _ = writeln!(out, "{}", roff_text(&about.to_string()));
            out.extend_from_slice(b".PP\n");
        }
        // The command's own headings would break the page's outline: its synopsis
        // and options sit inside the subsection instead.
        for line in String::from_utf8_lossy(&section).lines() {
            if !line.starts_with(".SH") {
                let _ = writeln!(out, "{line}");
            }
        }
    }

    if let Some(text) = cmd.get_after_help() {
        let _ = writeln!(
            out,
            ".SH \"CHOOSING A PROVIDER\"\n{}",
            roff_text(&text.to_string())
        );
    }

    out.extend_from_slice(b".SH \"EXIT STATUS\"\n");
    for (code, meaning) in exit::MEANINGS {
        definition(&mut out, &code.to_string(), meaning);
    }
    out.extend_from_slice(
        b".PP\nWhen documents fail in different ways, the most actionable code wins: 3, then 2, 4, 7, 6, 5.\n",
    );

    out.extend_from_slice(b".SH ENVIRONMENT\n");
    for entry in REGISTRY {
        let info = entry.info;
        if !info.key_env.is_empty() {
            definition(
                &mut out,
                &info.key_env.join(", "),
                &format!("API key for {} (the first one set wins)", info.name),
            );
        }
    }
    // A provider without a service (`local`) has no base URL to set.
    for entry in REGISTRY
        .iter()
        .filter(|e| !e.info.default_base_url.is_empty())
    {
        definition(
            &mut out,
            &base_url_var(entry.info.name),
            &format!(
                "base URL of {} (default {})",
                entry.info.name, entry.info.default_base_url
            ),
        );
    }
    for (name, meaning) in ENVIRONMENT {
        definition(&mut out, name, meaning);
    }

    out.extend_from_slice(b".SH FILES\n");
    for (name, meaning) in FILES {
        definition(&mut out, name, meaning);
    }
    let _ = man.render_version_section(&mut out);
    out.extend_from_slice(b".SH \"SEE ALSO\"\nThe README and docs/ of the docpipe source: providers.md, configuration.md, exit\\-codes.md, json\\-output.md, recipes.md.\n");
    out
}

const ENVIRONMENT: &[(&str, &str)] = &[
    ("DOCPIPE_CONFIG", "config file, when --config is not given"),
    ("DOCPIPE_TIMEOUT", "default --timeout (90s, 5m, 1h)"),
    (
        "DOCPIPE_POLL_INTERVAL",
        "first wait between status polls (default 1.5s)",
    ),
    (
        "DOCPIPE_POLL_MAX",
        "longest wait between status polls (default 30s)",
    ),
    (
        "DOCPIPE_CONNECT_TIMEOUT",
        "how long to wait for a connection (default 15s)",
    ),
    (
        "DOCPIPE_READ_TIMEOUT",
        "how long an API answer may take (default 120s)",
    ),
    (
        "DOCPIPE_RETRY_BASE",
        "first retry backoff ceiling, doubling per attempt (default 500ms)",
    ),
    ("DOCPIPE_DATA_DIR", "where the task record is kept"),
    (
        "DOCPIPE_PROGRESS",
        "bar, plain or none: overrides the terminal check for progress",
    ),
    (
        "NO_COLOR",
        "when set and not empty, progress bars use no color",
    ),
];

const FILES: &[(&str, &str)] = &[
    (
        "<config dir>/docpipe/config.toml",
        "the config file (~/.config/docpipe/config.toml on Linux); `docpipe providers` shows which one is used",
    ),
    (
        "<data dir>/docpipe/tasks/",
        "the task record (~/.local/share/docpipe/tasks/ on Linux), read by status and fetch",
    ),
    (
        "DIR/.docpipe/outputs.jsonl",
        "inside an output folder: which input owns which result name",
    ),
];

/// A `.TP` entry: the term in bold, then its meaning.
fn definition(out: &mut Vec<u8>, term: &str, meaning: &str) {
    let _ = writeln!(
        out,
        ".TP\n\\fB{}\\fR\n{}",
        roff_text(term),
        roff_text(meaning)
    );
}

/// Text safe inside a roff line: backslashes and hyphens escaped, no leading
/// control character.
fn roff_text(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with(['.', '\'']) {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

/// Every generated file the repository commits: path from the repository root,
/// and its contents.
pub fn committed() -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = SHELLS
        .iter()
        .map(|&shell| {
            (
                format!("completions/{}", shell.file_name(BIN)),
                completion(shell),
            )
        })
        .collect();
    files.push(("docs/docpipe.1".into(), man_page()));
    files
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// Fails when a committed completion script or the man page no longer matches
    /// the CLI. `DOCPIPE_REGENERATE=1 cargo test --lib generate` rewrites them.
    #[test]
    fn committed_files_are_current() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let regenerate = std::env::var_os("DOCPIPE_REGENERATE").is_some();
        let mut stale = Vec::new();
        for (path, contents) in committed() {
            let full = root.join(&path);
            if regenerate {
                std::fs::create_dir_all(full.parent().unwrap()).unwrap();
                std::fs::write(&full, &contents).unwrap();
            } else if std::fs::read(&full).ok().as_deref() != Some(contents.as_slice()) {
                stale.push(path);
            }
        }
        assert!(
            stale.is_empty(),
            "stale generated files: {stale:?}; regenerate with `DOCPIPE_REGENERATE=1 cargo test --lib generate` and commit them"
        );
    }

    #[test]
    fn man_page_covers_every_command_and_exit_code() {
        let page = String::from_utf8(man_page()).unwrap();
        for sub in Cli::command().get_subcommands() {
            assert!(
                page.contains(&format!(".SS \"docpipe {}\"", sub.get_name())),
                "{}",
                sub.get_name()
            );
        }
        for (code, _) in exit::MEANINGS {
            assert!(page.contains(&format!("\\fB{code}\\fR")), "{code}");
        }
        assert!(page.contains("MINERU_API_KEY"));
        assert!(page.contains("DOCPIPE_MINERU_FLASH_BASE_URL"));
    }

    #[test]
    fn roff_text_escapes_controls() {
        assert_eq!(roff_text(".hidden"), "\\&.hidden");
        assert_eq!(roff_text("a-b\\c"), "a\\-b\\ec");
    }
}
