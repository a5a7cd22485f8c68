//! Documents over a provider's limits: cut into parts that fit, each part
//! recorded and sent, the results stitched back into one, in page order.

use std::fs;
use std::path::Path;
use std::process::Output;

use crate::harness::{json_lines, stderr_of, Env};
use crate::support::pdfgen::make_pdf;
use crate::support::{demo_markdown, FakeMineru};

/// `docpipe -p mineru parse FLAGS -o OUT doc` with a key.
fn parse_mineru(env: &Env, fake: &FakeMineru, doc: &Path, flags: &[&str]) -> Output {
    env.keyed(fake)
        .args(["-p", "mineru", "parse"])
        .args(flags)
        .arg("-o")
        .arg(env.out())
        .arg(doc)
        .output()
        .unwrap()
}

/// `docpipe -p mineru-flash ocr ARGS doc` (no key).
fn flash_ocr(env: &Env, fake: &FakeMineru, doc: &Path, args: &[&str]) -> Output {
    env.cmd(fake)
        .args(["-p", "mineru-flash", "ocr"])
        .args(args)
        .arg(doc)
        .output()
        .unwrap()
}

fn pages_of(bytes: &[u8]) -> (usize, String) {
    let doc = lopdf::Document::load_mem(bytes).expect("a part is a PDF");
    let first = doc.extract_text(&[1]).unwrap_or_default();
    (doc.get_pages().len(), first)
}

#[test]
fn a_1300_page_pdf_goes_to_mineru_in_three_parts_and_comes_back_whole() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let doc = env.work.path().join("big.pdf");
    fs::write(&doc, make_pdf(1300)).unwrap();
    let out = parse_mineru(&env, &fake, &doc, &["--json"]);
    assert!(out.status.success(), "{}", stderr_of(&out));

    // One batch call holding the three parts, each within 600 pages, in order.
    let calls: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.path == "/api/v4/file-urls/batch")
        .collect();
    assert_eq!(calls.len(), 1, "one batch call");
    let body = calls[0].json().unwrap();
    let names: Vec<String> = body["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        names,
        vec![
            "big.pages-1-434.pdf",
            "big.pages-435-867.pdf",
            "big.pages-868-1300.pdf"
        ]
    );
    for (name, first, count) in [
        (&names[0], 1, 434),
        (&names[1], 435, 433),
        (&names[2], 868, 433),
    ] {
        let bytes = fake.uploaded(name).expect("uploaded");
        let (pages, text) = pages_of(&bytes);
        assert_eq!(pages, count, "{name}");
        assert!(text.contains(&format!("Page {first}")), "{name}: {text:?}");
    }
    assert_eq!(fake.tasks_created(), 3);

    // Said once, and one document's progress: downloading once, at the end.
    let err = stderr_of(&out);
    assert!(
        err.contains("sent in 3 parts, pages 1-434, 435-867, 868-1300"),
        "{err}"
    );
    assert_eq!(err.matches(": downloading").count(), 1, "{err}");
    // One document on stdout and in the folder.
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["state"], "done");
    assert_eq!(lines[0]["input"], doc.display().to_string());
    let folder = env.out().join("big");
    let md = fs::read_to_string(folder.join("full.md")).unwrap();
    let demo = demo_markdown().trim_end();
    assert_eq!(md.matches(demo.lines().next().unwrap()).count(), 3);
    // Each part's images are all there, the repeated names made unique.
    let images: Vec<String> = fs::read_dir(folder.join("images"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let originals = images.iter().filter(|n| !n.starts_with('p')).count();
    assert_eq!(images.len(), originals * 3, "{images:?}");
    assert!(md.contains("images/p435-") && md.contains("images/p868-"));
    for name in &images {
        assert!(md.contains(&format!("images/{name}")), "{name} not linked");
    }
    // Page indexes of the content list follow the document.
    let list_name = fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .find(|n| n.ends_with("_content_list.json"))
        .expect("a content list");
    let list: serde_json::Value =
        serde_json::from_slice(&fs::read(folder.join(list_name)).unwrap()).unwrap();
    let pages: Vec<u64> = list
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|b| b["page_idx"].as_u64())
        .collect();
    assert!(pages.windows(2).all(|w| w[0] <= w[1]), "in order");
    assert!(pages.contains(&0) && pages.contains(&434) && pages.contains(&867));
    // The parts' own files are kept, named by their pages.
    assert!(fs::read_dir(&folder).unwrap().any(|e| e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .contains("pages-868-1300")));
    // Nothing of the parts is left behind.
    let parts = env.out().join(".docpipe/parts");
    assert!(!parts.exists() || fs::read_dir(&parts).unwrap().next().is_none());

    // The same command again: nothing new.
    let again = parse_mineru(&env, &fake, &doc, &["--json"]);
    assert!(again.status.success(), "{}", stderr_of(&again));
    assert_eq!(fake.tasks_created(), 3);
    assert_eq!(json_lines(&again)[0]["skipped"], true);
}

#[test]
fn no_split_keeps_the_refusal() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let doc = env.work.path().join("long.pdf");
    fs::write(&doc, make_pdf(45)).unwrap();
    let out = flash_ocr(&env, &fake, &doc, &["--no-split"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("45 pages"), "{}", stderr_of(&out));
    assert!(fake.requests().is_empty());
}

#[test]
fn a_stopped_run_sends_only_the_missing_parts_again() {
    let fake = FakeMineru::start();
    // Flash takes 20 pages: 45 pages go in three parts. One creation is
    // served, then the service says "too many requests".
    fake.set_rate_limit_flash(1);
    let env = Env::new();
    let doc = env.work.path().join("long.pdf");
    fs::write(&doc, make_pdf(45)).unwrap();
    let out_dir = env.out();
    let out = out_dir.to_str().unwrap();
    let first = flash_ocr(&env, &fake, &doc, &["-o", out]);
    assert_eq!(first.status.code(), Some(7), "{}", stderr_of(&first));
    assert_eq!(fake.tasks_created(), 1);
    assert!(!env.out().join("long.md").exists());

    fake.set_rate_limit_flash(u32::MAX);
    let second = flash_ocr(&env, &fake, &doc, &["-o", out]);
    assert!(second.status.success(), "{}", stderr_of(&second));
    assert_eq!(fake.tasks_created(), 3, "only the two missing parts");
    let md = fs::read_to_string(env.out().join("long.md")).unwrap();
    let demo = demo_markdown().trim_end();
    assert_eq!(md.matches(demo.lines().next().unwrap()).count(), 3);

    // To stdout (its own record, in the data folder): the stitched text.
    let printed = flash_ocr(&env, &fake, &doc, &[]);
    assert!(printed.status.success(), "{}", stderr_of(&printed));
    let text = String::from_utf8_lossy(&printed.stdout);
    assert_eq!(text.matches(demo.lines().next().unwrap()).count(), 3);
    assert_eq!(text.trim_end(), md.trim_end());
    let parts = env.data_dir().join("journal/parts");
    assert!(!parts.exists() || fs::read_dir(&parts).unwrap().next().is_none());
}

#[test]
fn a_synchronous_provider_answers_each_part_and_the_pages_are_renumbered() {
    use crate::support::mistral::{FakeMistral, MISTRAL_KEY};
    let fake = FakeMistral::start();
    let env = Env::new();
    // A lower page limit in the config: 25 pages go in three parts.
    let cfg = env.config("[providers.mistral]\nmax_pages = 10\ninline_max_kb = 0\n");
    let doc = env.work.path().join("long.pdf");
    fs::write(&doc, make_pdf(25)).unwrap();
    let out = env
        .bare()
        .env("DOCPIPE_MISTRAL_BASE_URL", fake.base_url())
        .env("MISTRAL_API_KEY", MISTRAL_KEY)
        .arg("-c")
        .arg(&cfg)
        .args(["-p", "mistral", "--json", "parse", "-o"])
        .arg(env.out())
        .arg(&doc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(fake.find("POST", "/v1/ocr").len(), 3, "one call a part");
    assert_eq!(fake.files_left(), 0, "uploaded parts deleted");
    assert!(fake.violations().is_empty(), "{:#?}", fake.violations());
    assert_eq!(json_lines(&out).len(), 1);
    let folder = env.out().join("long");
    let answer: serde_json::Value =
        serde_json::from_slice(&fs::read(folder.join("response.json")).unwrap()).unwrap();
    let firsts: Vec<u64> = answer["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["index"].as_u64().unwrap())
        .collect();
    // Each part's pages, offset by the part's first page (1-9, 10-17, 18-25).
    assert!(
        firsts.contains(&0) && firsts.contains(&9) && firsts.contains(&17),
        "{firsts:?}"
    );
    assert!(firsts.windows(2).all(|w| w[0] < w[1]), "{firsts:?}");
    let md = fs::read_to_string(folder.join("full.md")).unwrap();
    for name in fs::read_dir(folder.join("images")).unwrap() {
        let name = name.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            md.contains(&format!("images/{name}")),
            "{name} not linked: {md}"
        );
    }
}

#[test]
fn fetch_by_the_batch_id_of_the_parts_delivers_the_whole_document() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let doc = env.work.path().join("big.pdf");
    fs::write(&doc, make_pdf(1300)).unwrap();
    let submitted = parse_mineru(&env, &fake, &doc, &["--no-wait"]);
    assert!(submitted.status.success(), "{}", stderr_of(&submitted));
    let id = crate::harness::stdout_of(&submitted).trim().to_string();
    assert!(!id.is_empty() && !id.contains('\n'), "one batch ID: {id:?}");
    let fetched = env
        .keyed(&fake)
        .args(["-p", "mineru", "--json", "fetch", &id])
        .output()
        .unwrap();
    assert!(fetched.status.success(), "{}", stderr_of(&fetched));
    let lines = json_lines(&fetched);
    assert_eq!(lines.len(), 1, "one document: {lines:?}");
    assert_eq!(lines[0]["state"], "done");
    let md = fs::read_to_string(env.out().join("big/full.md")).unwrap();
    let demo = demo_markdown().trim_end();
    assert_eq!(md.matches(demo.lines().next().unwrap()).count(), 3);
    assert!(!env.out().join("pages-1-434").exists());
    assert_eq!(fake.tasks_created(), 3, "nothing submitted again");
}

#[test]
fn a_failed_part_fails_the_document_and_retry_failed_sends_the_parts_again() {
    let fake = FakeMineru::start();
    let env = Env::new();
    // The fake fails every document whose name says "fail": all three parts.
    let doc = env.work.path().join("fail-book.pdf");
    fs::write(&doc, make_pdf(1300)).unwrap();
    let first = parse_mineru(&env, &fake, &doc, &["--json"]);
    assert_eq!(first.status.code(), Some(5), "{}", stderr_of(&first));
    let lines = json_lines(&first);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["state"], "failed");
    assert!(!env.out().join("fail-book").exists());
    assert_eq!(fake.tasks_created(), 3);

    // Without --retry-failed nothing is sent again.
    let again = parse_mineru(&env, &fake, &doc, &[]);
    assert_eq!(again.status.code(), Some(5), "{}", stderr_of(&again));
    assert!(
        stderr_of(&again).contains("--retry-failed"),
        "{}",
        stderr_of(&again)
    );
    assert_eq!(fake.tasks_created(), 3);

    let retried = parse_mineru(&env, &fake, &doc, &["--retry-failed"]);
    assert_eq!(retried.status.code(), Some(5), "{}", stderr_of(&retried));
    assert_eq!(fake.tasks_created(), 6, "the failed parts, sent again");
}
