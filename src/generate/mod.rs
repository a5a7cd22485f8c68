//! Shell completions and the man page, generated from the clap definition in
//! `cli.rs` (and the provider registry for the environment variables). The files
//! the repository commits are listed by [`committed`]; a test regenerates them in
//! memory and fails when one is stale (`DOCPIPE_REGENERATE=1` rewrites them).

use std::fmt::Write as _;
use std::io::Write;

use clap_complete::{Generator, Shell};

use crate::config::base_url_var;
use crate::error::exit;
use crate::provider::REGISTRY;

mod registry;

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
    let mut cmd = crate::cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, BIN, &mut out);
    let script = String::from_utf8_lossy(&out).into_owned();
    match shell {
        Shell::PowerShell => provider_values_powershell(&script).into_bytes(),
        Shell::Elvish => provider_values_elvish(&script).into_bytes(),
        _ => out,
    }
}

/// The provider names with their summaries, for the shells whose clap_complete
/// scripts complete flags but not their values.
fn providers() -> impl Iterator<Item = (&'static str, &'static str)> {
    REGISTRY
        .iter()
        .map(|e| (e.info.name, e.info.summary))
        .chain([(crate::provider::AUTO, crate::provider::AUTO_SUMMARY)])
}

/// PowerShell: after `-p` or `--provider`, the provider names.
fn provider_values_powershell(script: &str) -> String {
    let quote = |s: &str| s.replace('\'', "''");
    let mut block = String::from(
        "\n    # -p / --provider: the provider names, from docpipe's registry.\n    $previous = @($commandElements | Where-Object { $_.Extent.EndOffset -lt $cursorPosition })\n    if ($previous.Count -gt 0 -and @('-p', '--provider') -contains $previous[-1].ToString()) {\n        return @(\n",
    );
    for (name, summary) in providers() {
        let _ = writeln!(
            block,
            "            [CompletionResult]::new('{name}', '{name}', [CompletionResultType]::ParameterValue, '{}')",
            quote(summary)
        );
    }
    block.push_str("        ).Where{ $_.CompletionText -like \"$wordToComplete*\" }\n    }\n");
    let anchor = "    $commandElements = $commandAst.CommandElements\n";
    script.replacen(anchor, &format!("{anchor}{block}"), 1)
}

/// Elvish: after `-p` or `--provider`, the provider names (instead of the
/// command's flags that clap's script offers at its end).
fn provider_values_elvish(script: &str) -> String {
    let quote = |s: &str| s.replace('\'', "''");
    let mut block = String::from(
        "    # -p / --provider: the provider names, from docpipe's registry.\n    if (and (>= (count $words) 3) (has-value [-p --provider] $words[-2])) {\n",
    );
    for (name, summary) in providers() {
        let _ = writeln!(block, "        cand {name} '{}'", quote(summary));
    }
    block.push_str("    } else {\n        $completions[$command]\n    }\n}");
    let tail = "    $completions[$command]\n}";
    match script.rfind(tail) {
        Some(i) => format!("{}{block}{}", &script[..i], &script[i + tail.len()..]),
        None => script.to_string(),
    }
}

/// `docpipe(1)`, one page for everything: clap_mangen's sections for the
/// top-level command, each command's synopsis and options (rather than a page per
/// command), provider selection, exit status, environment and files.
pub fn man_page() -> Vec<u8> {
    let cmd = crate::cli::command();
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
        let repeated: Vec<String> = sub
            .get_positionals()
            .filter(|a| matches!(a.get_action(), clap::ArgAction::Append))
            .filter_map(|a| {
                a.get_value_names()
                    .and_then(|v| v.first())
                    .map(|v| v.to_string())
            })
            .collect();
        for line in String::from_utf8_lossy(&section).lines() {
            if line.starts_with(".SH") {
                continue;
            }
            // clap_mangen shows a repeatable INPUT as `[INPUT]`: add the `...`
            // that `--help` shows.
            let mut line = line.to_string();
            if line.starts_with(&format!("\\fB{BIN} ")) {
                for name in &repeated {
                    for (open, close) in [("[", "]"), ("<", ">")] {
                        let one = format!("{open}\\fI{name}\\fR{close}");
                        if line.contains(&one) && !line.contains(&format!("{one}...")) {
                            line = line.replace(&one, &format!("{one}..."));
                        }
                    }
                }
            }
            let _ = writeln!(out, "{line}");
        }
    }

    if let Some(text) = cmd.get_after_help() {
        let _ = writeln!(
            out,
            ".SH \"CHOOSING A PROVIDER\"\n{}",
            roff_text(&text.to_string())
        );
    }

    out.extend_from_slice(b".SH EXAMPLES\n");
    for (line, meaning) in EXAMPLES {
        definition(&mut out, line, meaning);
    }

    out.extend_from_slice(b".SH \"EXIT STATUS\"\n");
    for (code, meaning) in exit::MEANINGS {
        definition(&mut out, &code.to_string(), meaning);
    }
    let _ = writeln!(out, ".PP\n{}", roff_text(&precedence_sentence()));

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
    for (name, meaning) in crate::config::ENVIRONMENT
        .iter()
        .chain(REGISTRY.iter().flat_map(|e| e.info.env))
    {
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

/// `EXAMPLES`: each a command line and what it does. A test parses every line
/// with the real definition.
pub const EXAMPLES: &[(&str, &str)] = &[
    (
        "docpipe ocr scan.pdf > scan.md",
        "text of one document to stdout (mineru-flash when no key is set)",
    ),
    (
        "docpipe -p mineru parse -o out/ report.pdf https://example.org/paper.pdf",
        "full parse of a file and a URL: out/report/ and out/paper/",
    ),
    (
        "docpipe -p mineru batch -o out/ scans/",
        "every supported document under scans/; run the same line again to resume",
    ),
    (
        "docpipe -p mineru batch -o out/ --retry-failed scans/",
        "submit again the documents that failed in an earlier run",
    ),
    (
        "docpipe -p mistral ocr --images -o notes/ slides.pdf",
        "Mistral OCR: notes/slides.md and notes/slides_images/",
    ),
    (
        "docpipe -p mineru parse --no-wait big.pdf",
        "submit and print the task ID without waiting",
    ),
    (
        "docpipe -p mineru batch -o out/ --no-wait scans/",
        "submit and record a whole batch; the same line later finishes it",
    ),
    (
        "docpipe status TASK_ID",
        "state and page progress of a submitted task",
    ),
    (
        "docpipe status",
        "the recent tasks and batches from the record",
    ),
    (
        "docpipe -o out/ fetch TASK_ID",
        "download the result of a submitted task once it is done",
    ),
    (
        "docpipe -q --json ocr --from list.txt",
        "the documents named in list.txt (one per line, # comments allowed), as JSON lines",
    ),
    (
        "docpipe completions bash > ~/.local/share/bash-completion/completions/docpipe",
        "install bash completion (-p completes provider names)",
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

/// The exit-code precedence in words, from `error::PRECEDENCE`.
pub fn precedence_sentence() -> String {
    let codes: Vec<String> = crate::error::precedence_codes()
        .iter()
        .map(i32::to_string)
        .collect();
    format!(
        "When documents of one run fail in different ways, the most actionable code wins: {}, then {}.",
        codes[0],
        codes[1..].join(", ")
    )
}

/// The exit-code table in markdown, from `error::exit::MEANINGS` (and, with
/// `next_steps`, `NEXT_STEPS`), with the precedence below it: the generated
/// section of the README and of `docs/exit-codes.md`.
pub fn exit_codes_markdown(next_steps: bool) -> String {
    let mut out = String::new();
    if next_steps {
        out.push_str("| code | meaning | what to do |\n|---|---|---|\n");
    } else {
        out.push_str("| code | meaning |\n|---|---|\n");
    }
    for (code, meaning) in exit::MEANINGS {
        let meaning = meaning
            .replace("--max-pages", "`--max-pages`")
            .replace("by local", "by `local`")
            .replace("status/fetch", "`status`/`fetch`");
        if next_steps {
            let next = exit::NEXT_STEPS
                .iter()
                .find(|(c, _)| c == code)
                .map_or("", |(_, n)| n);
            out.push_str(&format!("| {code} | {meaning} | {next} |\n"));
        } else {
            out.push_str(&format!("| {code} | {meaning} |\n"));
        }
    }
    out.push('\n');
    out.push_str(&precedence_sentence());
    out.push('\n');
    out
}

/// A part of a committed file that is generated: it sits between two
/// marker lines, which the file keeps.
pub struct Section {
    pub path: &'static str,
    pub start: &'static str,
    pub end: &'static str,
    pub text: String,
}

const FROM_ERRORS: &str = "<!-- generated from src/error.rs: do not edit by hand -->";
const FROM_REGISTRY: &str =
    "<!-- generated from the provider registry (src/provider): do not edit by hand -->";
const END: &str = "<!-- end of generated section -->";

/// The generated sections of the committed files.
pub fn generated_sections() -> Vec<Section> {
    let markdown = |path, start, text| Section {
        path,
        start,
        end: END,
        text,
    };
    vec![
        markdown("README.md", FROM_ERRORS, exit_codes_markdown(false)),
        markdown("docs/exit-codes.md", FROM_ERRORS, exit_codes_markdown(true)),
        markdown(
            "docs/providers.md",
            FROM_REGISTRY,
            registry::capability_table(),
        ),
        Section {
            path: "config.example.toml",
            start: "# generated from the provider registry (src/provider): do not edit by hand",
            end: "# end of generated section",
            text: registry::config_tables(),
        },
    ]
}

/// `text` with `section` put between its markers; `None` when the markers
/// are missing.
pub fn splice(text: &str, section: &Section) -> Option<String> {
    let start = text.find(section.start)? + section.start.len();
    let end = start + text[start..].find(section.end)?;
    Some(format!(
        "{}\n{}{}",
        &text[..start],
        section.text,
        &text[end..]
    ))
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

    /// Fails when the exit-code section of the README or `docs/exit-codes.md`
    /// no longer matches `error.rs`. `DOCPIPE_REGENERATE=1` rewrites them.
    #[test]
    fn generated_sections_are_current() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let regenerate = std::env::var_os("DOCPIPE_REGENERATE").is_some();
        let mut stale = Vec::new();
        for section in generated_sections() {
            let path = section.path;
            let full = root.join(path);
            let text = std::fs::read_to_string(&full).unwrap();
            let want = splice(&text, &section)
                .unwrap_or_else(|| panic!("{path}: no generated-section markers"));
            if regenerate {
                std::fs::write(&full, &want).unwrap();
            } else if text != want {
                stale.push(path);
            }
        }
        assert!(
            stale.is_empty(),
            "stale generated sections: {stale:?}; regenerate with `DOCPIPE_REGENERATE=1 cargo test --lib generate` and commit them"
        );
        let page = String::from_utf8(man_page()).unwrap();
        assert!(page.contains(&roff_text(&precedence_sentence())));
        assert!(precedence_sentence().contains("130, then 3, 2, 4, 8, 7, 6, 5."));
    }

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
        for sub in crate::cli::command().get_subcommands() {
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
        for (name, _) in crate::config::ENVIRONMENT {
            assert!(page.contains(&roff_text(name)), "{name}");
        }
        for (name, _) in REGISTRY.iter().flat_map(|e| e.info.env) {
            assert!(page.contains(&roff_text(name)), "{name}");
        }
        assert!(page.contains(".SH EXAMPLES"));
        assert!(page.contains("[\\fIINPUT\\fR]..."), "synopsis without ...");
        assert!(page.contains("\\fIID\\fR...") || page.contains("<\\fIID\\fR>..."));
        assert!(page.contains("DOCPIPE_MINERU_FLASH_BASE_URL"));
    }

    #[test]
    fn every_example_parses() {
        use clap::Parser;
        for (line, _) in EXAMPLES {
            let argv: Vec<&str> = line
                .split(" > ")
                .next()
                .unwrap()
                .split_whitespace()
                .collect();
            crate::cli::Cli::try_parse_from(&argv).unwrap_or_else(|e| panic!("{line}: {e}"));
        }
    }

    /// Every shell's script completes the provider names after `-p`: bash, zsh
    /// and fish through clap_complete, PowerShell and Elvish through the
    /// blocks added above (their anchors must still be in clap's output).
    #[test]
    fn every_shell_completes_provider_names() {
        for &shell in SHELLS {
            let script = String::from_utf8(completion(shell)).unwrap();
            for entry in REGISTRY {
                let word = script
                    .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                    .any(|w| w == entry.info.name);
                assert!(word, "{shell}: {}", entry.info.name);
            }
        }
        let bash = String::from_utf8(completion(Shell::Bash)).unwrap();
        let names: Vec<&str> = providers().map(|(name, _)| name).collect();
        assert!(bash.contains(&format!(
            "-p)\n                    COMPREPLY=($(compgen -W \"{}\"",
            names.join(" ")
        )));
        let ps = String::from_utf8(completion(Shell::PowerShell)).unwrap();
        assert!(ps.contains("@('-p', '--provider') -contains"));
        let elv = String::from_utf8(completion(Shell::Elvish)).unwrap();
        assert!(elv.contains("has-value [-p --provider]"));
        assert!(
            elv.trim_end().ends_with("$completions[$command]\n    }\n}"),
            "{elv}"
        );
    }

    #[test]
    fn roff_text_escapes_controls() {
        assert_eq!(roff_text(".hidden"), "\\&.hidden");
        assert_eq!(roff_text("a-b\\c"), "a\\-b\\ec");
    }
}
