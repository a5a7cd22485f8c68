//! Every `docpipe …` command in the README's and docs/' code blocks parses with the
//! real command-line definition, so the docs cannot drift from the CLI.

use std::path::Path;

use clap::Parser;
use docpipe::cli::Cli;

/// The code-block lines of a markdown file, with `\` continuations joined.
fn code_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut in_code = false;
    let mut pending = String::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if !in_code {
            continue;
        }
        if let Some(head) = line.strip_suffix('\\') {
            pending.push_str(head);
            continue;
        }
        pending.push_str(line);
        lines.push(std::mem::take(&mut pending));
    }
    lines
}

/// Words of a shell command, honouring single and double quotes (enough for docs).
fn words(command: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quote = None;
    let mut any = false;
    for c in command.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                any = true;
            }
            (None, c) if c.is_whitespace() => {
                if any || !word.is_empty() {
                    out.push(std::mem::take(&mut word));
                }
                any = false;
            }
            (None, c) => word.push(c),
        }
    }
    if any || !word.is_empty() {
        out.push(word);
    }
    out
}

/// The docpipe invocations in one line: from the word `docpipe` up to the end of
/// that command (pipe, list operator, redirection, subshell end or comment).
fn invocations(line: &str) -> Vec<Vec<String>> {
    let code = match line.find(" #") {
        Some(i) => &line[..i],
        None if line.trim_start().starts_with('#') => "",
        None => line,
    };
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("docpipe ") {
        let starts_word = rest[..i]
            .chars()
            .last()
            .is_none_or(|c| c.is_whitespace() || "|(;&".contains(c));
        let after = &rest[i + "docpipe ".len()..];
        if starts_word {
            let end = after
                .find(['|', ';', '&', '>', '<', ')', '`'])
                .unwrap_or(after.len());
            let mut argv = vec!["docpipe".to_string()];
            argv.extend(words(&after[..end]));
            // xargs and parallel add the inputs (or IDs) themselves.
            let segment = rest[..i].rsplit('|').next().unwrap_or("");
            if segment.contains("xargs ") || segment.contains("parallel ") {
                argv.push("added-by-xargs.pdf".into());
            }
            found.push(argv);
        }
        rest = after;
    }
    found
}

#[test]
fn every_documented_command_parses() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("README.md")];
    for entry in std::fs::read_dir(root.join("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            files.push(path);
        }
    }
    let mut checked = 0;
    let mut bad = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for line in code_lines(&text) {
            for argv in invocations(&line) {
                checked += 1;
                if let Err(e) = Cli::try_parse_from(&argv) {
                    bad.push(format!(
                        "{}: {argv:?}: {}",
                        file.file_name().unwrap().to_string_lossy(),
                        e.kind()
                    ));
                }
            }
        }
    }
    assert!(
        bad.is_empty(),
        "commands in the docs that do not parse:\n{}",
        bad.join("\n")
    );
    // The docs are full of commands; finding few means the extraction broke.
    assert!(checked > 40, "only {checked} commands found");
}

#[test]
fn extraction_finds_commands_inside_pipes_and_subshells() {
    assert_eq!(
        invocations(r#"id=$(docpipe -p mineru parse --no-wait "big file.pdf") # note"#),
        vec![vec![
            "docpipe",
            "-p",
            "mineru",
            "parse",
            "--no-wait",
            "big file.pdf"
        ]]
    );
    assert_eq!(
        invocations("find . -print0 | xargs -0 docpipe -q ocr > all.md"),
        vec![vec!["docpipe", "-q", "ocr", "added-by-xargs.pdf"]]
    );
    assert!(invocations("cargo install --path docpipe").is_empty());
    assert!(invocations("# docpipe ocr in a comment").is_empty());
    // A wrong flag is caught.
    assert!(Cli::try_parse_from(["docpipe", "ocr", "--no-such-flag", "a.pdf"]).is_err());
}
