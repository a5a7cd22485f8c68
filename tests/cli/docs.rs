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
    // A CI template (`${{ matrix.shard }}`) stands for a value: checked as `1`.
    let mut line = line.to_string();
    while let (Some(a), Some(b)) = (line.find("${{"), line.find("}}")) {
        if b < a {
            break;
        }
        line.replace_range(a..b + 2, "1");
    }
    let line = line.as_str();
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
        // `pip install docpipe`, `cargo install docpipe`: the package, not a run.
        let package = rest[..i].trim_end().ends_with(" install");
        if starts_word && !package {
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
    assert!(invocations("pip install docpipe    # or uv tool install docpipe").is_empty());
    assert!(invocations("# docpipe ocr in a comment").is_empty());
    // A wrong flag is caught.
    assert!(Cli::try_parse_from(["docpipe", "ocr", "--no-such-flag", "a.pdf"]).is_err());
}

/// The lines of a markdown table row `| name | value |` inside `section`.
fn row<'a>(section: &'a str, name: &str) -> Option<&'a str> {
    section
        .lines()
        .find(|l| l.starts_with(&format!("| {name} |")))
}

/// docs/providers.md describes the providers of this build, each with the limits,
/// keys, base URL, inputs and formats the registry has; no provider is "coming".
#[test]
fn the_providers_doc_matches_the_registry() {
    use docpipe::provider::{Upload, REGISTRY};
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("docs/providers.md")).unwrap();
    let lower = text.to_lowercase();
    for stale in ["coming provider", "will support", "not in this build"] {
        assert!(!lower.contains(stale), "providers.md still says '{stale}'");
    }
    let mb = |bytes: u64| format!("{} MB", bytes / (1024 * 1024));
    let mut problems = Vec::new();
    for entry in REGISTRY {
        let info = entry.info;
        let heading = format!("\n## {}: ", info.name);
        let Some(start) = text.find(&heading) else {
            problems.push(format!("{}: no '## {}: …' section", info.name, info.name));
            continue;
        };
        let body = &text[start + 1..];
        let section = &body[..body[3..].find("\n## ").map_or(body.len(), |i| i + 3)];
        let mut expect = |row_name: &str, needle: String| match row(section, row_name) {
            Some(line) if line.contains(&needle) => {}
            Some(line) => problems.push(format!(
                "{}: {row_name} row lacks '{needle}': {line}",
                info.name
            )),
            None => problems.push(format!("{}: no {row_name} row", info.name)),
        };
        if let Some(bytes) = info.limits.max_bytes {
            expect("limits", mb(bytes));
        }
        if let Some(pages) = info.limits.max_pages {
            expect("limits", format!("{pages} pages"));
        }
        if let (true, Some(n)) = (info.batch(), info.limits.max_batch) {
            expect("limits", format!("{n} files per batch"));
        }
        if let Some(Upload::InlineBase64 { max_bytes }) = info.upload {
            expect("limits", format!("below {}", mb(max_bytes)));
            expect("inputs", format!("below {}", mb(max_bytes)));
        }
        let no_limits = info.limits.max_bytes.is_none()
            && info.limits.max_pages.is_none()
            && !matches!(info.upload, Some(Upload::InlineBase64 { .. }));
        if no_limits {
            expect("limits", "none documented".into());
        }
        for var in info.key_env {
            expect("key", format!("`{var}`"));
        }
        if info.key_env.is_empty() {
            expect("key", "none".into());
        }
        if info.default_base_url.is_empty() {
            expect("base URL", "none".into());
        } else {
            expect("base URL", format!("`{}`", info.default_base_url));
            expect(
                "base URL",
                format!("`{}`", docpipe::config::base_url_var(info.name)),
            );
        }
        for ext in info.extensions {
            expect("inputs", ext.to_string());
        }
        if info.upload.is_none() {
            expect("inputs", "URLs only".into());
        }
        for format in info.formats {
            expect("formats", format!("`{format}`"));
        }
    }
    // No section for a provider this build does not have.
    for line in text.lines().filter(|l| l.starts_with("## ")) {
        let name = line[3..].split(':').next().unwrap();
        if !REGISTRY.iter().any(|e| e.info.name == name) {
            problems.push(format!(
                "section for '{name}', which is not in the registry"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "docs/providers.md:\n{}",
        problems.join("\n")
    );
}

/// docs/configuration.md lists every environment variable the code reads.
#[test]
fn the_configuration_doc_lists_every_environment_variable() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("docs/configuration.md")).unwrap();
    let env = &text[text.find("## Environment").expect("an Environment section")..];
    let mut names: Vec<String> = docpipe::config::ENVIRONMENT
        .iter()
        .map(|(n, _)| n.to_string())
        .collect();
    for entry in docpipe::provider::REGISTRY {
        names.extend(entry.info.key_env.iter().map(|k| k.to_string()));
        if !entry.info.default_base_url.is_empty() {
            names.push(docpipe::config::base_url_var(entry.info.name));
        }
    }
    let missing: Vec<&String> = names
        .iter()
        .filter(|n| !env.contains(&format!("`{n}`")))
        .collect();
    assert!(missing.is_empty(), "configuration.md lacks {missing:?}");
    assert!(!text.contains("coming providers"));
}

/// docs/json-output.md, read once: the names its tables give in backticks
/// (field and state names; nested fields are named in their parent's row,
/// e.g. `key`'s `needed`), and its JSON examples.
struct JsonDoc {
    text: String,
    documented: std::collections::BTreeSet<String>,
    examples: Vec<serde_json::Value>,
}

impl JsonDoc {
    fn read() -> JsonDoc {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(root.join("docs/json-output.md")).unwrap();
        let mut documented = std::collections::BTreeSet::new();
        for line in text.lines().filter(|l| l.starts_with('|')) {
            for code in line.split('`').skip(1).step_by(2) {
                documented.insert(code.to_string());
                // `loaded: true`, `{"done", "total"}`: each word.
                for word in
                    code.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
                {
                    documented.insert(word.to_string());
                }
            }
        }
        let mut examples = Vec::new();
        let mut in_json = false;
        for line in text.lines() {
            if line.starts_with("```json") {
                in_json = true;
            } else if line.starts_with("```") {
                in_json = false;
            } else if in_json {
                let value: serde_json::Value = serde_json::from_str(line)
                    .unwrap_or_else(|e| panic!("an example that does not parse: {line}: {e}"));
                examples.push(value);
            }
        }
        JsonDoc {
            text,
            documented,
            examples,
        }
    }

    /// The section of the page that starts with the heading `## {title}`.
    fn section(&self, title: &str) -> &str {
        let start = self
            .text
            .find(&format!("\n## {title}"))
            .unwrap_or_else(|| panic!("no section '## {title}'"));
        let body = &self.text[start + 1..];
        &body[..body[3..].find("\n## ").map_or(body.len(), |i| i + 3)]
    }

    /// The first example that `pick` chooses.
    fn example(&self, what: &str, pick: impl Fn(&serde_json::Value) -> bool) -> &serde_json::Value {
        self.examples
            .iter()
            .find(|e| pick(e))
            .unwrap_or_else(|| panic!("no example of {what} in docs/json-output.md"))
    }

    /// Every field `lines` carry (nested ones by their own name) and every
    /// state they print is named in the page's tables.
    fn check(&self, what: &str, lines: &[serde_json::Value]) {
        assert!(!lines.is_empty(), "{what}: no JSON line");
        for line in lines {
            for name in all_keys(line) {
                assert!(
                    self.documented.contains(&name),
                    "{what}: field `{name}` is not in docs/json-output.md: {line}"
                );
            }
            if let Some(state) = line.get("state").and_then(|s| s.as_str()) {
                assert!(
                    self.documented.contains(state),
                    "{what}: state `{state}` is not in docs/json-output.md"
                );
            }
        }
    }
}

/// Every key of a JSON value, nested ones included.
fn all_keys(value: &serde_json::Value) -> Vec<String> {
    fn walk(value: &serde_json::Value, out: &mut Vec<String>) {
        if let Some(map) = value.as_object() {
            for (k, v) in map {
                out.push(k.clone());
                walk(v, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(value, &mut out);
    out.sort();
    out
}

/// The top-level keys of a JSON object, sorted.
fn top_keys(value: &serde_json::Value) -> Vec<String> {
    let mut keys: Vec<String> = value
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    keys.sort();
    keys
}

/// The first-column names of a markdown table's rows (`| `name` | …`), each
/// backticked name of the cell (`| `ocr`, `parse` | …` gives both).
fn first_column(section: &str) -> Vec<String> {
    section
        .lines()
        .filter(|l| l.starts_with("| `"))
        .flat_map(|l| {
            let cell = l[1..].split('|').next().unwrap_or("");
            cell.split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// docs/json-output.md against the binary: every JSON example parses, every
/// field the binary prints (nested ones by their own name) is documented,
/// every state it prints is in the states table, and the `providers`
/// example has exactly the binary's fields, with MinerU's `batch` as printed.
/// Covered here: `providers`, `batch`/`parse --dry-run`, `ocr` and `parse`
/// and a rerun of `parse` with `-p local`; `status`, `fetch`, `estimate` and
/// the states table in the tests after this one.
#[test]
fn json_output_doc_covers_every_field_and_state_the_binary_prints() {
    use crate::harness::{json_lines, stderr_of, Env};
    let doc = JsonDoc::read();

    let env = Env::new();
    let out = env.bare().args(["--json", "providers"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let providers = json_lines(&out);
    doc.check("providers", &providers);
    let example = doc.example("providers", |e| {
        e.get("name").is_some_and(|n| n == "mineru")
    });
    let mineru = providers.iter().find(|l| l["name"] == "mineru").unwrap();
    assert_eq!(
        all_keys(example),
        all_keys(mineru),
        "the providers example's fields"
    );
    assert_eq!(example["batch"], mineru["batch"], "mineru's batch");
    // Every row of the providers table is a field the binary prints.
    let printed = all_keys(mineru);
    for name in first_column(doc.section("`providers`")) {
        assert!(
            printed.contains(&name),
            "providers: documented `{name}` is not printed"
        );
    }

    let pdf = env.work.path().join("doc.pdf");
    std::fs::write(&pdf, crate::support::pdfgen::make_pdf(2)).unwrap();
    let run = |args: &[&str]| {
        let out = env
            .bare()
            .args(["--json", "-p", "local"])
            .args(args)
            .arg(&pdf)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", stderr_of(&out));
        json_lines(&out)
    };
    let dir = env.out();
    let dir = dir.to_str().unwrap();
    let line_example = doc.example("a run's line", |e| e.get("skipped").is_some());
    let dry = run(&["batch", "--dry-run", "-o", dir]);
    assert_eq!(dry[0]["state"], "would-submit");
    for (what, lines) in [
        ("batch --dry-run", dry),
        ("ocr", run(&["ocr"])),
        ("parse", run(&["parse", "-o", dir])),
        ("parse again", run(&["parse", "-o", dir])),
    ] {
        doc.check(what, &lines);
        for line in &lines {
            assert_eq!(top_keys(line), top_keys(line_example), "{what}: {line}");
        }
    }
    // The run lines' table has a row for exactly the fields they carry.
    let table = doc.section("`ocr`, `parse`, `batch`, `fetch`");
    let mut rows = first_column(&table[..table.find("### States").expect("a States table")]);
    rows.sort();
    assert_eq!(rows, top_keys(line_example), "the run lines' table");
}

/// `status` (of an ID, and the record's list), `fetch` and `--dry-run`'s
/// `would-resume` against the fake MinerU: each line has exactly the fields
/// docs/json-output.md gives it, with the meanings its tables state.
#[test]
fn json_output_doc_matches_status_and_fetch() {
    use crate::harness::{json_lines, stderr_of, Env};
    use crate::support::FakeMineru;
    let doc = JsonDoc::read();
    let fake = FakeMineru::start();
    let env = Env::new();
    let pdf = env.doc("demo1.pdf", "report.pdf");
    let json = |args: &[&str]| {
        let out = env.keyed(&fake).arg("--json").args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", stderr_of(&out));
        json_lines(&out)
    };
    let dir = env.out();
    let dir = dir.to_str().unwrap();
    let pdf_arg = pdf.to_str().unwrap();
    let line_keys = top_keys(doc.example("a run's line", |e| e.get("skipped").is_some()));

    let submitted = json(&["-p", "mineru", "parse", "--no-wait", "-o", dir, pdf_arg]);
    doc.check("parse --no-wait", &submitted);
    assert_eq!(top_keys(&submitted[0]), line_keys, "parse --no-wait");
    let id = submitted[0]["batch_id"]
        .as_str()
        .or(submitted[0]["task_id"].as_str())
        .expect("an ID to use with status and fetch")
        .to_string();

    let resume = json(&["-p", "mineru", "parse", "--dry-run", "-o", dir, pdf_arg]);
    assert_eq!(resume[0]["state"], "would-resume", "{resume:?}");
    doc.check("parse --dry-run", &resume);
    assert_eq!(top_keys(&resume[0]), line_keys, "parse --dry-run");

    // `status ID`: the run line's fields plus `progress`; polled until the
    // fake reports pages, so `progress` is seen set.
    let status_example = doc.example("status", |e| e.get("progress").is_some());
    let status_section = doc.section("`status`");
    let mut running = None;
    for _ in 0..20 {
        let lines = json(&["status", &id]);
        doc.check("status ID", &lines);
        assert_eq!(lines.len(), 1, "{lines:?}");
        let line = lines.into_iter().next().unwrap();
        assert_eq!(
            top_keys(&line),
            top_keys(status_example),
            "status ID: {line}"
        );
        let mut with_progress = line_keys.clone();
        with_progress.push("progress".into());
        with_progress.sort();
        assert_eq!(
            top_keys(&line),
            with_progress,
            "the same fields, plus progress"
        );
        assert!(line["elapsed_s"].is_u64(), "whole seconds: {line}");
        if !line["progress"].is_null() {
            running = Some(line);
            break;
        }
    }
    let running = running.expect("status never reported progress");
    assert_eq!(all_keys(&running["progress"]), ["done", "total"]);
    assert!(
        running["markdown"].is_null(),
        "nothing fetched yet: {running}"
    );
    let (of_an_id, listed) = status_section
        .split_once("`status` with no ID")
        .expect("the list of `status` with no ID");
    for name in first_column(of_an_id) {
        assert!(
            running.get(&name).is_some(),
            "status ID: documented `{name}`"
        );
    }

    // `fetch ID`: a run line; then `status` shows where it put the result.
    let fetched = json(&["fetch", &id, "-o", dir]);
    doc.check("fetch", &fetched);
    assert_eq!(top_keys(&fetched[0]), line_keys, "fetch");
    assert_eq!(fetched[0]["state"], "done");
    let after = json(&["status", &id]);
    doc.check("status after fetch", &after);
    assert_eq!(after[0]["output"], fetched[0]["output"], "{after:?}");
    assert_eq!(after[0]["markdown"], fetched[0]["markdown"], "{after:?}");

    // `fetch` of an ID nobody knows: one refused line whose input is the ID.
    let out = env
        .keyed(&fake)
        .args(["--json", "-p", "mineru", "fetch", "no-such-id"])
        .output()
        .unwrap();
    let refused = json_lines(&out);
    doc.check("fetch of an unknown ID", &refused);
    assert_eq!(top_keys(&refused[0]), line_keys);
    assert_eq!(refused[0]["state"], "refused");
    assert_eq!(refused[0]["input"], "no-such-id");

    // `status` with no ID: the record's lines, the run line's fields plus
    // `age_s` and `record`, without asking the provider.
    let asked = fake.requests().len();
    let recent = json(&["status"]);
    doc.check("status (recent)", &recent);
    let mut want = line_keys.clone();
    want.extend(["age_s".to_string(), "record".to_string()]);
    want.sort();
    assert_eq!(top_keys(&recent[0]), want, "status with no ID");
    assert!(recent[0]["age_s"].is_u64() && recent[0]["record"].is_string());
    let mut rows = first_column(listed);
    rows.sort();
    assert_eq!(rows, ["age_s", "record"], "the list's own fields");
    assert_eq!(
        fake.requests().len(),
        asked,
        "status with no ID asked the provider"
    );
}

/// `estimate`'s three kinds of line have exactly the example's fields.
#[test]
fn json_output_doc_matches_estimate() {
    use crate::harness::{json_lines, Env};
    let doc = JsonDoc::read();
    let env = Env::new();
    let pdf = env.doc("demo1.pdf", "long.pdf");
    let out = env
        .bare()
        .args(["--json", "estimate"])
        .arg(&pdf)
        .arg("missing.pdf")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(4),
        "a missing input makes the exit code"
    );
    let lines = json_lines(&out);
    doc.check("estimate", &lines);
    let section = doc.section("`estimate`");
    assert!(section.contains("```json"), "estimate has examples");
    type Pick = fn(&serde_json::Value) -> bool;
    let kinds: [(&str, Pick); 3] = [
        ("an input", |l| {
            l.get("index").is_some() && l.get("provider").is_none() && l.get("state").is_none()
        }),
        ("a refused input", |l| {
            l.get("state").is_some() && l.get("provider").is_none()
        }),
        ("a provider", |l| l.get("documents").is_some()),
    ];
    for (what, pick) in kinds {
        let example = doc.example(what, pick);
        let line = lines
            .iter()
            .find(|l| pick(l))
            .unwrap_or_else(|| panic!("estimate printed no line for {what}: {lines:?}"));
        assert_eq!(
            top_keys(line),
            top_keys(example),
            "estimate, {what}: {line}"
        );
    }
    // Every row of the estimate table is a field some line prints.
    let printed: std::collections::BTreeSet<String> = lines.iter().flat_map(top_keys).collect();
    for name in first_column(section) {
        assert!(
            printed.contains(&name),
            "estimate: documented `{name}` is not printed"
        );
    }
}

/// The states table lists exactly the states the code has: every provider
/// state (`docpipe::task::State`), `not-submitted`, `refused` and the three
/// `--dry-run` states.
#[test]
fn json_output_doc_states_are_the_codes_states() {
    use docpipe::pipeline::report::{NOT_SUBMITTED, REFUSED};
    use docpipe::task::State;
    // A new state fails to compile here until it is listed (and documented).
    let all = |s: State| match s {
        State::Submitted
        | State::WaitingFile
        | State::Pending
        | State::Running
        | State::Converting
        | State::Done
        | State::Failed => s.name(),
    };
    let mut code: Vec<String> = [
        State::Submitted,
        State::WaitingFile,
        State::Pending,
        State::Running,
        State::Converting,
        State::Done,
        State::Failed,
    ]
    .map(all)
    .iter()
    .map(|s| s.to_string())
    .chain(
        [
            NOT_SUBMITTED,
            REFUSED,
            "would-submit",
            "would-resume",
            "would-deliver",
        ]
        .map(String::from),
    )
    .collect();
    code.sort();
    let doc = JsonDoc::read();
    let states = doc.section("`ocr`, `parse`, `batch`, `fetch`");
    let states = &states[states.find("### States").expect("a States table")..];
    let mut documented = first_column(states);
    documented.retain(|s| s != "state");
    documented.sort();
    assert_eq!(documented, code, "docs/json-output.md's states table");
}

/// The licence the package metadata names is the licence that ships: each SPDX
/// identifier in Cargo.toml's `license` has its text in a `LICENSE-*` file at the
/// root, the crate's `include` packs it, the release archives copy it, and the
/// wheel's metadata names the same expression.
#[test]
fn the_licence_files_named_by_the_metadata_exist_and_ship() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cargo: toml::Table = std::fs::read_to_string(root.join("Cargo.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let package = cargo["package"].as_table().unwrap();
    let expression = package["license"].as_str().unwrap();
    let include: Vec<&str> = package["include"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let workflow = std::fs::read_to_string(root.join(".github/workflows/release.yml")).unwrap();
    let ids: Vec<&str> = expression.split(" OR ").collect();
    assert_eq!(
        ids,
        ["MIT", "Apache-2.0"],
        "licence expression: {expression}"
    );
    for (id, file, title) in [
        (
            "MIT",
            "LICENSE-MIT",
            "Permission is hereby granted, free of charge",
        ),
        ("Apache-2.0", "LICENSE-APACHE", "Apache License"),
    ] {
        let text = std::fs::read_to_string(root.join(file))
            .unwrap_or_else(|e| panic!("{id}: {file} missing: {e}"));
        assert!(text.contains(title), "{file} does not hold the {id} text");
        assert!(
            include.contains(&format!("/{file}").as_str()),
            "{file} not in Cargo.toml's include"
        );
        assert!(
            workflow.contains(file),
            "{file} not copied into the release archives"
        );
    }
    let pyproject = std::fs::read_to_string(root.join("pyproject.toml")).unwrap();
    assert!(
        pyproject.contains(&format!("license = {{ text = \"{expression}\" }}")),
        "pyproject.toml names another licence than Cargo.toml"
    );
}
