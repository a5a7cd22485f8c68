//! Cost control before anything is paid for: `--pages` checked against the
//! document, a page budget (`--max-pages`), and disjoint shards of a batch.

use std::fs;
use std::path::PathBuf;

use crate::harness::{json_lines, stderr_of, stdout_of, Env};
use crate::support::FakeMineru;

/// A copy of demo1.pdf (13 pages) with `extra` bytes appended: another content.
fn variant(env: &Env, name: &str, extra: usize) -> PathBuf {
    let path = env.doc("demo1.pdf", name);
    let mut bytes = fs::read(&path).unwrap();
    bytes.extend(std::iter::repeat_n(b'\n', extra));
    fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn pages_outside_the_document_are_refused_and_past_its_end_cut() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let doc = env.doc("demo1.pdf", "doc.pdf");
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "parse", "--pages", "20-30", "-o"])
        .arg(env.out())
        .arg(&doc)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(err.contains("20-30") && err.contains("13 pages"), "{err}");
    assert!(
        !err.contains("use --pages"),
        "a hint suggesting --pages: {err}"
    );
    assert!(fake.requests().is_empty(), "sent {}", fake.requests().len());

    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "parse", "--pages", "2,10-20", "-o"])
        .arg(env.out())
        .arg(&doc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(err.contains("asking for 2,10-13 only"), "{err}");
    let sent = fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/api/v4/file-urls/batch")
        .expect("the upload batch call");
    let body = sent.json().unwrap();
    assert_eq!(body["files"][0]["page_ranges"], "2,10-13", "{body}");
}

#[test]
fn a_page_budget_submits_only_what_fits_and_exits_8() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let a = variant(&env, "a.pdf", 1);
    let b = variant(&env, "b.pdf", 2);
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "--json", "parse", "--max-pages", "20", "-o"])
        .arg(env.out())
        .arg(&a)
        .arg(&b)
        .arg("https://example.org/unknown.pdf")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(8), "{}", stderr_of(&out));
    assert_eq!(fake.tasks_created(), 1, "only the first 13 pages fit");
    let lines = json_lines(&out);
    let states: Vec<&str> = lines.iter().map(|l| l["state"].as_str().unwrap()).collect();
    assert_eq!(states, vec!["done", "not-submitted", "not-submitted"]);
    assert!(lines[1]["error"]
        .as_str()
        .unwrap()
        .contains("over --max-pages 20"));
    assert!(lines[2]["error"]
        .as_str()
        .unwrap()
        .contains("page count cannot be read"));
    // A URL bounded by --pages fits: 2 pages.
    let out = env
        .keyed(&fake)
        .args([
            "-p",
            "mineru",
            "parse",
            "--max-pages",
            "20",
            "--pages",
            "1-2",
            "-o",
        ])
        .arg(env.out())
        .arg("https://example.org/known.pdf")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    // Documents already done cost nothing: the budget is for new submissions.
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "parse", "--max-pages", "13", "-o"])
        .arg(env.out())
        .arg(&a)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(fake.tasks_created(), 2);
    // Pages extracted on this machine cost nothing: no budget applies to them.
    let out = env
        .keyed(&fake)
        .args(["-p", "local", "parse", "--max-pages", "1", "-o"])
        .arg(env.work.path().join("local-out"))
        .arg(&b)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
}

#[test]
fn shards_are_disjoint_cover_the_list_and_ignore_its_order() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let docs: Vec<PathBuf> = (0..10)
        .map(|i| variant(&env, &format!("in/d{i}.pdf"), i + 1))
        .collect();
    let run = |shard: &str, out: &str, docs: &[PathBuf]| -> Vec<String> {
        let o = env.work.path().join(out);
        let res = env
            .keyed(&fake)
            .args(["-p", "mineru", "--json", "batch", "--shard", shard, "-o"])
            .arg(&o)
            .args(docs)
            .output()
            .unwrap();
        assert!(res.status.success(), "{}", stderr_of(&res));
        let mut inputs: Vec<String> = json_lines(&res)
            .iter()
            .map(|l| l["input"].as_str().unwrap().to_string())
            .collect();
        inputs.sort();
        inputs
    };
    let one = run("1/2", "s1", &docs);
    let two = run("2/2", "s2", &docs);
    assert!(!one.is_empty() && !two.is_empty(), "{one:?} {two:?}");
    assert!(one.iter().all(|i| !two.contains(i)), "overlap");
    assert_eq!(one.len() + two.len(), 10);
    assert_eq!(fake.tasks_created(), 10);
    let mut reversed = docs.clone();
    reversed.reverse();
    assert_eq!(run("1/2", "s1-again", &reversed), one);
}

#[test]
fn estimate_and_dry_run_count_pages_and_cost_and_send_nothing() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let a = variant(&env, "a.pdf", 1);
    let cfg = env.config("[providers.mineru]\nprice_per_1000_pages = 10\n");
    let out = env
        .keyed(&fake)
        .arg("-c")
        .arg(&cfg)
        .args(["--json", "estimate"])
        .arg(&a)
        .arg("https://example.org/x.pdf")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let lines = json_lines(&out);
    assert_eq!(lines[0]["pages"], 13);
    assert!(lines[1]["pages"].is_null());
    let mineru = lines.iter().find(|l| l["provider"] == "mineru").unwrap();
    assert_eq!(mineru["pages"], 13);
    assert_eq!(mineru["unknown_pages"], 1);
    assert_eq!(mineru["cost"], 0.13);
    let gptge = lines.iter().find(|l| l["provider"] == "gptge").unwrap();
    assert!(gptge["cost"].is_null(), "no published price: {gptge}");
    assert!(fake.requests().is_empty());

    // --dry-run: what the run would do, from the record too.
    let run = |extra: &[&str]| {
        env.keyed(&fake)
            .args(["-p", "mineru", "--json", "parse", "-o"])
            .arg(env.out())
            .args(extra)
            .arg(&a)
            .output()
            .unwrap()
    };
    let out = run(&["--dry-run"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(json_lines(&out)[0]["state"], "would-submit");
    assert!(
        stderr_of(&out).contains("would submit 1 document (13 pages) to mineru"),
        "{}",
        stderr_of(&out)
    );
    assert!(fake.requests().is_empty(), "a dry run sent something");
    assert!(run(&[]).status.success());
    let out = run(&["--dry-run"]);
    assert_eq!(json_lines(&out)[0]["skipped"], true, "{}", stdout_of(&out));
}

/// The model MinerU's own SDK and CLI send (vlm) unless `--model` says
/// otherwise; HTML gets MinerU-HTML.
#[test]
fn mineru_gets_the_sdks_default_model() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let doc = env.doc("demo1.pdf", "a.pdf");
    let sent = |args: &[&str]| {
        let out = env
            .keyed(&fake)
            .args(["-p", "mineru", "parse", "-o"])
            .arg(env.out())
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr_of(&out));
        fake.requests()
            .into_iter()
            .rfind(|r| r.method == "POST" && r.path.starts_with("/api/v4/"))
            .and_then(|r| r.json())
            .unwrap()["model_version"]
            .clone()
    };
    assert_eq!(sent(&[doc.to_str().unwrap()]), "vlm");
    assert_eq!(
        sent(&["--model", "pipeline", "https://example.org/b.pdf"]),
        "pipeline"
    );
    assert_eq!(sent(&["https://example.org/page.html"]), "MinerU-HTML");
}
