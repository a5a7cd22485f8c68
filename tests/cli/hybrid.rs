//! Hybrid documents under `auto`: the typed pages of a PDF read here, only
//! the scanned ones cut into one PDF and sent to the cloud, the answers
//! stitched back in page order.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::harness::{json_lines, stderr_of, stdout_of, Env};
use crate::support::pdfgen::{pages_pdf, table_page, Page};
use crate::support::{demo_markdown, Advance, FakeMineru};

const BODY: &str = "The quarterly figures show steady growth across every region we serve, and the board approved the plan.";

/// A typed page: its title, then a dozen lines of text.
fn typed(title: &str) -> Page<'_> {
    let mut lines = vec![(14, 760, title)];
    lines.extend((0..12).map(|i| (11, 730 - 16 * i, BODY)));
    Page::Text(lines)
}

/// typed, typed, scanned, typed.
pub(crate) fn four_pages(env: &Env, name: &str, tag: &str) -> PathBuf {
    let titles: Vec<String> = ["Alpha", "Bravo", "Delta"]
        .iter()
        .map(|t| format!("{t} section {tag}"))
        .collect();
    let pdf = pages_pdf(&[
        typed(&titles[0]),
        typed(&titles[1]),
        Page::Image,
        typed(&titles[2]),
    ]);
    let path = env.work.path().join(name);
    fs::write(&path, pdf).unwrap();
    path
}

/// The PDFs the fake received in batch calls, by name.
fn sent(fake: &FakeMineru) -> Vec<String> {
    fake.requests()
        .into_iter()
        .filter(|r| r.path == "/api/v4/file-urls/batch")
        .flat_map(|r| {
            r.json().unwrap()["files"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["name"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

fn parse_auto(env: &Env, fake: &FakeMineru, flags: &[&str], doc: &Path) -> std::process::Output {
    env.keyed(fake)
        .args(["-p", "auto", "parse", "--json", "-o"])
        .arg(env.out())
        .args(flags)
        .arg(doc)
        .output()
        .unwrap()
}

#[test]
fn a_hybrid_pdf_sends_its_one_scanned_page_and_comes_back_in_page_order() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let doc = four_pages(&env, "report.pdf", "r");
    let out = parse_auto(&env, &fake, &[], &doc);
    assert!(out.status.success(), "{}", stderr_of(&out));

    // Exactly one PDF of one page went to MinerU: page 3.
    let names = sent(&fake);
    assert_eq!(names, vec!["report.cloud-pages.pdf"]);
    let bytes = fake.uploaded(&names[0]).expect("uploaded");
    let cut = lopdf::Document::load_mem(&bytes).unwrap();
    assert_eq!(cut.get_pages().len(), 1);
    assert_eq!(fake.tasks_created(), 1);

    // The four pages, in order: the cloud's answer for page 3 between the
    // typed pages 2 and 4.
    let md = fs::read_to_string(env.out().join("report/full.md")).unwrap();
    let demo_first = demo_markdown().lines().next().unwrap().to_string();
    let at = |s: &str| md.find(s).unwrap_or_else(|| panic!("{s:?} not in {md}"));
    assert!(at("Alpha section r") < at("Bravo section r"));
    assert!(at("Bravo section r") < at(&demo_first));
    assert!(at(&demo_first) < at("Delta section r"));

    let line = &json_lines(&out)[0];
    assert_eq!(line["state"], "done", "{line}");
    assert_eq!(line["pages"], 4);
    assert_eq!(line["pages_local"], 3);
    assert_eq!(line["pages_cloud"], 1);
    // The JSON keeps the document's page numbers: local's blocks for pages
    // 1, 2 and 4, MinerU's content list for page 3 (page_idx 2).
    let local: serde_json::Value =
        serde_json::from_slice(&fs::read(env.out().join("report/response.json")).unwrap()).unwrap();
    let mut pages: Vec<u64> = local["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["page"].as_u64().unwrap())
        .collect();
    pages.dedup();
    assert_eq!(pages, vec![1, 2, 4]);
    let list = fs::read_dir(env.out().join("report"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.to_string_lossy().ends_with("_content_list.json"))
        .expect("MinerU's content list");
    let list: serde_json::Value = serde_json::from_slice(&fs::read(list).unwrap()).unwrap();
    let first = list
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["page_idx"].as_u64().unwrap());
    assert_eq!(
        first.min(),
        Some(2),
        "the cut's page 1 is the document's page 3"
    );
    let err = stderr_of(&out);
    assert!(
        err.contains("report.pdf: 3 pages read here (pages 1-2, 4); 1 page sent to mineru"),
        "{err}"
    );

    // Again: done, nothing sent.
    let again = parse_auto(&env, &fake, &[], &doc);
    assert!(again.status.success(), "{}", stderr_of(&again));
    assert_eq!(fake.tasks_created(), 1);
    assert_eq!(json_lines(&again)[0]["skipped"], true);
}

#[test]
fn cloud_pages_none_sends_nothing_and_all_sends_the_document_whole() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let doc = four_pages(&env, "report.pdf", "n");
    let out = env
        .keyed(&fake)
        .args(["-p", "auto", "ocr", "--cloud-pages", "none"])
        .arg(&doc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
    let md = stdout_of(&out);
    assert!(
        md.contains("Alpha section n") && md.contains("Delta section n"),
        "{md}"
    );
    // No tesseract here: the scan is left out, and said so.
    assert!(md.contains("<!-- page 3 skipped"), "{md}");

    // The config key does the same.
    let config = env.config("[defaults]\ncloud_pages = \"none\"\n");
    let out = env
        .keyed(&fake)
        .arg("-c")
        .arg(&config)
        .args(["-p", "auto", "ocr"])
        .arg(&doc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(fake.requests().is_empty());

    // `all`: the per-document rule, every page to the cloud.
    let out = parse_auto(&env, &fake, &["--cloud-pages", "all"], &doc);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(sent(&fake), vec!["report.pdf"]);
    assert_eq!(json_lines(&out)[0]["pages_cloud"], serde_json::Value::Null);
}

/// The pages of a cut the fake received, by the text they draw.
fn cut_pages(fake: &FakeMineru, name: &str) -> Vec<String> {
    let bytes = fake.uploaded(name).expect("uploaded");
    let cut = lopdf::Document::load_mem(&bytes).unwrap();
    let pages: Vec<u32> = cut.get_pages().keys().copied().collect();
    pages
        .iter()
        .map(|&p| cut.extract_text(&[p]).unwrap_or_default())
        .collect()
}

#[test]
fn cloud_pages_formulas_and_tables_send_those_pages_with_the_scans() {
    let fake = FakeMineru::start();
    let env = Env::new();
    // typed, formulas, scanned, a table, typed.
    let formulas = Page::Math(vec![
        (14, 760, "Epsilon section"),
        (11, 700, "The loss of the model is"),
        (11, 680, "$L = -sum_i log p(y_i | x_i; theta)"),
        (11, 660, "$E(x) = sum_i w_i x_i + b"),
    ]);
    let pdf = pages_pdf(&[
        typed("Alpha section"),
        formulas,
        Page::Image,
        table_page("Zulu section"),
        typed("Delta section"),
    ]);
    let mixed = |name: &str| {
        let path = env.work.path().join(name);
        fs::write(&path, &pdf).unwrap();
        path
    };

    // formulas: pages 2 and 3 in one cut; the table page stays here.
    let out = parse_auto(&env, &fake, &["--cloud-pages", "formulas"], &mixed("f.pdf"));
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(sent(&fake), vec!["f.cloud-pages.pdf"]);
    let pages = cut_pages(&fake, "f.cloud-pages.pdf");
    assert_eq!(pages.len(), 2, "{pages:?}");
    assert!(pages[0].contains("Epsilon section"), "{pages:?}");
    let line = &json_lines(&out)[0];
    assert_eq!(
        (line["pages_local"].as_u64(), line["pages_cloud"].as_u64()),
        (Some(3), Some(2))
    );

    // tables: pages 3 and 4; the formulas stay here.
    let out = parse_auto(&env, &fake, &["--cloud-pages", "tables"], &mixed("t.pdf"));
    assert!(out.status.success(), "{}", stderr_of(&out));
    let pages = cut_pages(&fake, "t.cloud-pages.pdf");
    assert_eq!(pages.len(), 2, "{pages:?}");
    assert!(pages[1].contains("Zulu section"), "{pages:?}");

    // estimate counts the same pages as billed, from the config key.
    let cfg = env.config("[defaults]\ncloud_pages = \"formulas\"\n");
    let out = env
        .keyed(&fake)
        .args(["-p", "auto", "estimate", "-c"])
        .arg(&cfg)
        .arg(mixed("e.pdf"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let said = format!("{}{}", stdout_of(&out), stderr_of(&out));
    assert!(said.contains("2 pages billed"), "{said}");
    assert_eq!(fake.tasks_created(), 2);
}

/// A 200-page report with typed pages but for 3 scans (pages 10, 100, 190).
fn long_report(env: &Env) -> PathBuf {
    let titles: Vec<String> = (1..=200)
        .map(|n| format!("Page {n:03} of the annual report"))
        .collect();
    let mut pages: Vec<Page> = titles.iter().map(|t| typed(t)).collect();
    for at in [9, 99, 189] {
        pages[at] = Page::Image;
    }
    let path = env.work.path().join("annual.pdf");
    fs::write(&path, pages_pdf(&pages)).unwrap();
    path
}

#[test]
fn a_200_page_report_with_3_scans_bills_3_pages() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let doc = long_report(&env);
    let out = env
        .keyed(&fake)
        .args(["-p", "auto", "estimate", "--json"])
        .arg(&doc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let lines = json_lines(&out);
    assert_eq!(lines[0]["pages"], 200, "{lines:?}");
    assert_eq!(lines[0]["pages_cloud"], 3, "{lines:?}");
    let quote = &lines[1];
    assert_eq!(quote["provider"], "auto");
    assert_eq!(quote["cloud_provider"], "mineru");
    assert_eq!(quote["pages"], 3);
    assert_eq!(quote["pages_local"], 197);
    let text = env
        .keyed(&fake)
        .args(["-p", "auto", "estimate"])
        .arg(&doc)
        .output()
        .unwrap();
    let said = stdout_of(&text);
    assert!(
        said.contains("1 document · 3 pages billed at mineru, 197 pages read here (free)"),
        "{said}"
    );

    // --dry-run counts the same pages, and --max-pages only those.
    let dry = parse_auto(&env, &fake, &["--dry-run"], &doc);
    assert!(dry.status.success(), "{}", stderr_of(&dry));
    let line = &json_lines(&dry)[0];
    assert_eq!(line["state"], "would-submit");
    assert_eq!(
        (line["pages"].as_u64(), line["pages_local"].as_u64()),
        (Some(3), Some(197))
    );
    assert!(
        stderr_of(&dry).contains("would submit 1 document (3 pages) to mineru"),
        "{}",
        stderr_of(&dry)
    );
    let over = parse_auto(&env, &fake, &["--max-pages", "2"], &doc);
    assert_eq!(over.status.code(), Some(8), "{}", stderr_of(&over));
    assert!(fake.requests().is_empty());
    let within = parse_auto(&env, &fake, &["--max-pages", "3"], &doc);
    assert!(within.status.success(), "{}", stderr_of(&within));
    let names = sent(&fake);
    assert_eq!(names.len(), 1);
    let cut = lopdf::Document::load_mem(&fake.uploaded(&names[0]).unwrap()).unwrap();
    assert_eq!(cut.get_pages().len(), 3);
    let line = &json_lines(&within)[0];
    assert_eq!(
        (line["pages_local"].as_u64(), line["pages_cloud"].as_u64()),
        (Some(197), Some(3))
    );
    // The three scans are three runs: the cloud's answer is cut at its page
    // breaks (its content list) and each piece put in its place.
    let md = fs::read_to_string(env.out().join("annual/full.md")).unwrap();
    assert_eq!(md.matches("of the annual report").count(), 197);
    let at = |s: &str| {
        md.find(s)
            .unwrap_or_else(|| panic!("{s:?} not in the markdown"))
    };
    let demo_first = demo_markdown().lines().next().unwrap().to_string();
    assert!(at("Page 009 of") < at(&demo_first) && at(&demo_first) < at("Page 011 of"));
    for (before, after) in [
        ("Page 099 of", "Page 101 of"),
        ("Page 189 of", "Page 191 of"),
    ] {
        let between = &md[at(before)..at(after)];
        assert!(
            between.lines().any(|l| !l.trim().is_empty()
                && !l.contains(BODY)
                && !l.contains("of the annual report")),
            "no cloud answer between {before:?} and {after:?}: {between}"
        );
    }
    assert!(
        !stderr_of(&within).contains("could not be cut"),
        "{}",
        stderr_of(&within)
    );
}

#[test]
fn killed_after_the_cloud_submission_a_rerun_creates_nothing_new() {
    let fake = FakeMineru::start();
    fake.set_advance(Advance::Time(Duration::from_secs(3600)));
    let env = Env::new();
    let doc = four_pages(&env, "report.pdf", "k");
    let mut cmd = env.std_cmd(&fake);
    cmd.env("MINERU_API_KEY", crate::support::TOKEN)
        .args(["-p", "auto", "parse", "-o"])
        .arg(env.out())
        .arg(&doc);
    let mut child = cmd.stderr(std::process::Stdio::null()).spawn().unwrap();
    let started = Instant::now();
    while fake.count("PUT", "/") < 1 || fake.tasks_created() < 1 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the run never submitted its cloud part, so the kill would prove nothing"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(200));
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert_eq!(fake.tasks_created(), 1);
    // The typed pages' answer, written before the submission: marked, so the
    // result shows whether the rerun read it from there or extracted again.
    let parts = env.out().join(".docpipe/parts");
    let kept = fs::read_dir(&parts)
        .unwrap()
        .map(|e| e.unwrap().path().join("results/pages-1-2/full.md"))
        .find(|p| p.is_file())
        .expect("the local part's answer is kept beside the record");
    let mut text = fs::read_to_string(&kept).unwrap();
    text.push_str("\n\nkept from the first run\n");
    fs::write(&kept, text).unwrap();

    fake.set_advance(Advance::PerPoll);
    let out = parse_auto(&env, &fake, &[], &doc);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(fake.tasks_created(), 1, "no new creation");
    assert_eq!(sent(&fake).len(), 1);
    let md = fs::read_to_string(env.out().join("report/full.md")).unwrap();
    assert!(
        md.contains("Alpha section k") && md.contains("Delta section k"),
        "{md}"
    );
    assert!(
        md.contains("kept from the first run"),
        "the typed pages were extracted again: {md}"
    );
}

#[test]
fn a_batch_of_50_hybrid_documents_sends_their_cloud_parts_in_one_batch_call() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let dir = env.work.path().join("in");
    fs::create_dir_all(&dir).unwrap();
    for i in 0..50 {
        let doc = four_pages(&env, &format!("in/doc{i:02}.pdf"), &format!("d{i}"));
        assert!(doc.is_file());
    }
    let out = env
        .keyed(&fake)
        .args(["-p", "auto", "batch", "--json", "-o"])
        .arg(env.out())
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let calls = fake
        .requests()
        .into_iter()
        .filter(|r| r.path == "/api/v4/file-urls/batch")
        .count();
    assert_eq!(calls, 1, "one batch call for the 50 cloud parts");
    assert_eq!(sent(&fake).len(), 50);
    assert_eq!(fake.tasks_created(), 50);
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 50);
    for l in &lines {
        assert!(
            l["state"] == "done" && l["pages_cloud"] == 1,
            "{l}\n{}",
            stderr_of(&out)
        );
    }
    let md = fs::read_to_string(env.out().join("doc07/full.md")).unwrap();
    assert!(
        md.contains("Alpha section d7") && md.contains("Delta section d7"),
        "{md}"
    );
}

#[test]
fn fetch_by_the_cloud_part_s_id_delivers_the_whole_hybrid_document() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let doc = four_pages(&env, "report.pdf", "f");
    let out = parse_auto(&env, &fake, &["--no-wait"], &doc);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let line = &json_lines(&out)[0];
    let id = line["batch_id"]
        .as_str()
        .or(line["task_id"].as_str())
        .expect("an ID")
        .to_string();
    let fetched = env
        .keyed(&fake)
        .args(["fetch", "--json", &id])
        .output()
        .unwrap();
    assert!(fetched.status.success(), "{}", stderr_of(&fetched));
    let md = fs::read_to_string(env.out().join("report/full.md")).unwrap();
    let demo_first = demo_markdown().lines().next().unwrap().to_string();
    let at = |s: &str| md.find(s).unwrap_or_else(|| panic!("{s:?} not in {md}"));
    assert!(at("Bravo section f") < at(&demo_first) && at(&demo_first) < at("Delta section f"));
    assert_eq!(fake.tasks_created(), 1);
}

#[test]
fn with_no_key_the_scans_go_to_flash_within_its_20_pages_and_the_rest_are_named() {
    let fake = FakeMineru::start();
    let env = Env::new();
    // Pages 1-5 typed, 6-30 scanned: flash takes 20 pages in a task.
    let titles: Vec<String> = (1..=5).map(|n| format!("Typed page {n}")).collect();
    let mut pages: Vec<Page> = titles.iter().map(|t| typed(t)).collect();
    pages.extend((6..=30).map(|_| Page::Image));
    let doc = env.work.path().join("forms.pdf");
    fs::write(&doc, pages_pdf(&pages)).unwrap();
    // No -p, no key: auto with mineru-flash as the cloud side; to stdout.
    let out = env.cmd(&fake).arg("ocr").arg(&doc).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(fake.count("POST", "/api/v1/agent/parse/file"), 1);
    let cut = fake.uploaded("forms.cloud-pages.pdf").expect("uploaded");
    let cut = lopdf::Document::load_mem(&cut).unwrap();
    assert_eq!(cut.get_pages().len(), 20);
    let err = stderr_of(&out);
    assert!(
        err.contains("forms.pdf: pages 26-30 left out of the cloud part: one task of mineru-flash takes at most 20 pages"),
        "{err}"
    );
    assert!(err.contains("MINERU_API_KEY"), "{err}");
    // The typed pages, then flash's answer; the pages left out say so.
    let md = stdout_of(&out);
    let demo_first = demo_markdown().lines().next().unwrap().to_string();
    let at = |s: &str| md.find(s).unwrap_or_else(|| panic!("{s:?} not in {md}"));
    assert!(at("Typed page 5") < at(&demo_first));
    assert!(at(&demo_first) < at("<!-- page 26 skipped"), "{md}");
}

#[test]
fn a_failed_cloud_part_names_its_pages_and_retry_failed_sends_only_it_again() {
    let fake = FakeMineru::start();
    let env = Env::new();
    // The fake fails a file whose name holds "fail": the cut is named after
    // the document. Scans at pages 2 and 4.
    let pdf = pages_pdf(&[typed("One"), Page::Image, typed("Three"), Page::Image]);
    let doc = env.work.path().join("will-fail.pdf");
    fs::write(&doc, pdf).unwrap();
    let out = parse_auto(&env, &fake, &[], &doc);
    assert_eq!(out.status.code(), Some(5), "{}", stderr_of(&out));
    assert_eq!(fake.tasks_created(), 1);
    let line = &json_lines(&out)[0];
    assert_eq!(line["state"], "failed", "{line}");
    let err = stderr_of(&out);
    assert!(err.contains("will-fail.pdf (pages 2, 4)"), "{err}");

    // Without --retry-failed: left as it is.
    let again = parse_auto(&env, &fake, &[], &doc);
    assert_eq!(again.status.code(), Some(5), "{}", stderr_of(&again));
    assert_eq!(fake.tasks_created(), 1);
    let err = stderr_of(&again);
    assert!(
        err.contains("failed in an earlier run (pages 2, 4: "),
        "{err}"
    );
    // With it: the cloud part alone again (one creation; the typed pages are
    // recorded done).
    let retried = parse_auto(&env, &fake, &["--retry-failed"], &doc);
    assert_eq!(retried.status.code(), Some(5), "{}", stderr_of(&retried));
    assert_eq!(fake.tasks_created(), 2);
    assert_eq!(sent(&fake), vec!["will-fail.cloud-pages.pdf"; 2]);
}

#[test]
fn estimate_without_p_and_no_key_leads_with_what_auto_would_bill() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let doc = four_pages(&env, "report.pdf", "e");
    let out = env
        .cmd(&fake)
        .args(["--json", "estimate"])
        .arg(&doc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let lines = json_lines(&out);
    assert_eq!(
        (lines[0]["pages"].as_u64(), lines[0]["pages_cloud"].as_u64()),
        (Some(4), Some(1))
    );
    assert_eq!(lines[1]["provider"], "auto");
    assert_eq!(lines[1]["cloud_provider"], "mineru-flash");
    assert_eq!(
        (lines[1]["pages"].as_u64(), lines[1]["pages_local"].as_u64()),
        (Some(1), Some(3))
    );
    // Each provider still quoted for the whole document.
    let mineru = lines.iter().find(|l| l["provider"] == "mineru").unwrap();
    assert_eq!(mineru["pages"], 4);
    // With a key (no default_provider): the run would send whole documents
    // to mineru, so no auto row.
    let keyed = env
        .keyed(&fake)
        .args(["--json", "estimate"])
        .arg(&doc)
        .output()
        .unwrap();
    assert!(json_lines(&keyed).iter().all(|l| l["provider"] != "auto"));
    assert!(fake.requests().is_empty());
}

#[test]
fn offline_a_scan_under_auto_names_cloud_pages_none() {
    let env = Env::new();
    // A port nothing listens on: the network is down.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let doc = env.work.path().join("fax.pdf");
    fs::write(&doc, pages_pdf(&[typed("Cover sheet"), Page::Image])).unwrap();
    let out = env
        .bare()
        .env("DOCPIPE_MINERU_FLASH_BASE_URL", &url)
        .env("DOCPIPE_RETRY_BASE", "10ms")
        .arg("ocr")
        .arg(&doc)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = stderr_of(&out);
    assert!(
        err.contains("under auto, that document went to the cloud for pages local cannot read")
            && err.contains("--cloud-pages none reads it on this machine"),
        "{err}"
    );
}

#[test]
fn cloud_pages_under_another_provider_is_said_to_be_ignored_by_estimate_too() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let doc = four_pages(&env, "report.pdf", "i");
    let out = env
        .keyed(&fake)
        .args(["-p", "mineru", "estimate", "--cloud-pages", "tables"])
        .arg(&doc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(
        err.contains("--cloud-pages applies under -p auto only")
            && err.contains("ignored with -p mineru"),
        "{err}"
    );
    // The whole document is quoted at mineru.
    assert!(stdout_of(&out).contains("4 pages"), "{}", stdout_of(&out));
}

#[test]
fn refresh_pays_again_for_the_cloud_part_of_a_hybrid_document_done_here() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let doc = four_pages(&env, "report.pdf", "f");
    let out = parse_auto(&env, &fake, &[], &doc);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(fake.tasks_created(), 1);
    let out = parse_auto(&env, &fake, &["--refresh"], &doc);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(fake.tasks_created(), 2, "{}", stderr_of(&out));
    assert_ne!(json_lines(&out)[0]["skipped"], true);
    let again = parse_auto(&env, &fake, &[], &doc);
    assert_eq!(json_lines(&again)[0]["skipped"], true);
    assert_eq!(fake.tasks_created(), 2);
}

#[test]
fn with_no_key_the_scans_go_to_flash_within_its_10_mb_and_the_rest_are_named() {
    let fake = FakeMineru::start();
    let env = Env::new();
    // Two typed pages, then six scans of 2 MB each: 12 MB of scans, over
    // flash's 10 MB a document.
    let mut pages = vec![typed("Typed page one"), typed("Typed page two")];
    pages.extend((0..6).map(|_| Page::Photo(2_000_000)));
    let doc = env.work.path().join("heavy.pdf");
    fs::write(&doc, pages_pdf(&pages)).unwrap();
    let out = env.cmd(&fake).arg("ocr").arg(&doc).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(fake.count("POST", "/api/v1/agent/parse/file"), 1);
    let cut = fake.uploaded("heavy.cloud-pages.pdf").expect("uploaded");
    assert!(cut.len() <= 10 * 1024 * 1024, "{} bytes", cut.len());
    let sent = lopdf::Document::load_mem(&cut).unwrap().get_pages().len();
    assert!((3..6).contains(&sent), "{sent} pages sent");
    let err = stderr_of(&out);
    let first_left = 3 + sent;
    assert!(
        err.contains(&format!(
            "heavy.pdf: pages {first_left}-8 left out of the cloud part"
        )) || err.contains("heavy.pdf: page 8 left out of the cloud part"),
        "{err}"
    );
    assert!(err.contains("10.0 MB"), "{err}");
}
