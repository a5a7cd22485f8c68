//! The result cache of paid answers (issue #22), through the binary against
//! the fake MinerU: a document is paid for once whatever command and output
//! folder meet it; `--no-cache`, `DOCPIPE_CACHE=off`, `cache = false` and
//! `--refresh` pay again; the cache stays under its bound, least recently
//! used out first; a damaged entry is refetched; `local` is not cached; the
//! files are the owner's alone.

use std::fs;
use std::path::{Path, PathBuf};

use crate::harness::{json_lines, stderr_of, stdout_of, Env};
use crate::support::FakeMineru;

/// Every entry file of the cache (not its temporary folder).
fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for shard in fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = shard.file_name();
        if name.len() != 2 || !shard.path().is_dir() {
            continue;
        }
        for e in fs::read_dir(shard.path()).unwrap().flatten() {
            out.push(e.path());
        }
    }
    out.sort();
    out
}

fn ok(out: &std::process::Output) {
    assert!(out.status.success(), "{}", stderr_of(out));
}

/// `docpipe -p mineru --json parse -o DIR DOC` with the cache on.
/// The quote line of `estimate --json`: the one naming `provider`, else the
/// first naming any.
fn quote(out: &std::process::Output, provider: Option<&str>) -> serde_json::Value {
    json_lines(out)
        .into_iter()
        .find(|l| match provider {
            Some(name) => l["provider"] == name,
            None => l.get("provider").is_some(),
        })
        .unwrap()
}

fn parse_json(env: &Env, fake: &FakeMineru, doc: &Path, dir: &str) -> std::process::Output {
    env.cached(fake)
        .args(["-p", "mineru", "--json", "parse", "-o"])
        .arg(env.work.path().join(dir))
        .arg(doc)
        .output()
        .unwrap()
}

#[test]
fn stdout_then_a_folder_then_a_batch_pay_for_one_task() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let doc = env.doc("demo1.pdf", "a.pdf");

    let first = env
        .cached(&fake)
        .args(["-p", "mineru", "ocr"])
        .arg(&doc)
        .output()
        .unwrap();
    ok(&first);
    assert_eq!(fake.tasks_created(), 1);
    let printed = stdout_of(&first);
    assert!(printed.contains("The response of flow duration curves"));
    assert_eq!(entries(&env.cache_dir()).len(), 1);

    let second = env
        .cached(&fake)
        .env("DOCPIPE_PROGRESS", "plain")
        .args(["-p", "mineru", "--json", "ocr", "-o"])
        .arg(env.out())
        .arg(&doc)
        .output()
        .unwrap();
    ok(&second);
    assert_eq!(fake.tasks_created(), 1, "ocr -o paid again");
    let line = &json_lines(&second)[0];
    assert_eq!(line["cached"], true, "{line}");
    assert_eq!(line["state"], "done");
    assert_eq!(line["task_id"], serde_json::Value::Null);
    // The same text, its image links pointed at the images written beside it.
    let written = fs::read_to_string(env.out().join("a.md")).unwrap();
    assert_eq!(
        written.replace("](a_images/", "](images/").trim(),
        printed.trim()
    );
    assert!(env.out().join("a_images").is_dir());
    assert!(
        stderr_of(&second).contains("from cache"),
        "{}",
        stderr_of(&second)
    );

    let other = env.work.path().join("other");
    let third = env
        .cached(&fake)
        .args(["-p", "mineru", "--json", "batch", "-o"])
        .arg(&other)
        .arg(&doc)
        .output()
        .unwrap();
    ok(&third);
    assert_eq!(fake.tasks_created(), 1, "batch paid again");
    assert_eq!(json_lines(&third)[0]["cached"], true);
    // The whole result, as the provider's zip held it.
    assert!(other.join("a/full.md").is_file());
    assert!(other.join("a/images").is_dir());
    // Nothing was asked of the provider but the first run's requests.
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}

#[test]
fn no_cache_and_refresh_pay_again_and_refresh_replaces_the_entry() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let doc = env.doc("demo1.pdf", "a.pdf");
    let parse = |dir: &str, extra: &[&str]| {
        let out = env
            .cached(&fake)
            .args(extra)
            .args(["-p", "mineru", "--json", "parse", "-o"])
            .arg(env.work.path().join(dir))
            .arg(&doc)
            .output()
            .unwrap();
        ok(&out);
        json_lines(&out).remove(0)
    };
    assert_eq!(parse("one", &[])["cached"], false);
    assert_eq!(fake.tasks_created(), 1);
    let entry = entries(&env.cache_dir()).remove(0);
    let before = fs::read(&entry).unwrap();

    assert_eq!(parse("two", &["--no-cache"])["cached"], false);
    assert_eq!(fake.tasks_created(), 2, "--no-cache pays again");
    assert_eq!(
        fs::read(&entry).unwrap(),
        before,
        "--no-cache writes nothing"
    );

    assert_eq!(parse("three", &["--refresh"])["cached"], false);
    assert_eq!(fake.tasks_created(), 3, "--refresh pays again");
    assert_ne!(fs::read(&entry).unwrap(), before, "--refresh replaces it");
    assert_eq!(entries(&env.cache_dir()).len(), 1);

    assert_eq!(parse("four", &[])["cached"], true);
    assert_eq!(fake.tasks_created(), 3);

    // Off for good: the environment, and the config file.
    let out = env
        .cached(&fake)
        .env("DOCPIPE_CACHE", "off")
        .args(["-p", "mineru", "parse", "-o"])
        .arg(env.work.path().join("five"))
        .arg(&doc)
        .output()
        .unwrap();
    ok(&out);
    assert_eq!(fake.tasks_created(), 4, "DOCPIPE_CACHE=off pays again");
    let config = env.config("[defaults]\ncache = false\n");
    let out = env
        .cached(&fake)
        .arg("-c")
        .arg(&config)
        .args(["-p", "mineru", "parse", "-o"])
        .arg(env.work.path().join("six"))
        .arg(&doc)
        .output()
        .unwrap();
    ok(&out);
    assert_eq!(fake.tasks_created(), 5, "cache = false pays again");
}

#[test]
fn dry_run_and_estimate_count_what_the_cache_holds_as_free() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let doc = env.doc("demo1.pdf", "a.pdf");
    let fresh = env.doc("test.pdf", "b.pdf");
    ok(&env
        .cached(&fake)
        .args(["-p", "mineru", "parse", "-o"])
        .arg(env.out())
        .arg(&doc)
        .output()
        .unwrap());
    let other = env.work.path().join("other");
    let out = env
        .cached(&fake)
        .args(["-p", "mineru", "--json", "parse", "--dry-run", "-o"])
        .arg(&other)
        .arg(&doc)
        .arg(&fresh)
        .output()
        .unwrap();
    ok(&out);
    let lines = json_lines(&out);
    assert_eq!(lines[0]["state"], "would-deliver");
    assert_eq!(lines[0]["cached"], true);
    assert_eq!(lines[1]["state"], "would-submit");
    assert_eq!(lines[1]["cached"], false);
    assert!(
        stderr_of(&out).contains("would submit 1 document"),
        "{}",
        stderr_of(&out)
    );
    assert!(stderr_of(&out).contains("1 to write from the result cache (free)"));
    assert!(!other.join("a").exists(), "a dry run writes nothing");

    let out = env
        .cached(&fake)
        .args(["-p", "mineru", "--json", "estimate"])
        .arg(&doc)
        .output()
        .unwrap();
    ok(&out);
    let quote = quote(&out, None);
    assert_eq!(quote["cached"], 1, "{quote}");
    assert_eq!(quote["pages"], 0, "{quote}");
    assert_eq!(fake.tasks_created(), 1);
}

#[test]
fn a_full_cache_lets_the_least_recently_used_go_and_stays_under_its_bound() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let docs: Vec<PathBuf> = ["demo1.pdf", "test.pdf", "small_ocr.pdf"]
        .iter()
        .enumerate()
        .map(|(i, f)| env.doc(f, &format!("d{i}.pdf")))
        .collect();
    let run = |config: Option<&Path>, dir: &str, doc: &Path| {
        let mut cmd = env.cached(&fake);
        if let Some(c) = config {
            cmd.arg("-c").arg(c);
        }
        let out = cmd
            .args(["-p", "mineru", "--json", "parse", "-o"])
            .arg(env.work.path().join(dir))
            .arg(doc)
            .output()
            .unwrap();
        ok(&out);
        json_lines(&out).remove(0)
    };
    // The size of one entry, measured: the bound holds two of them.
    run(None, "probe", &docs[0]);
    let one = fs::metadata(&entries(&env.cache_dir())[0]).unwrap().len();
    let bound = one * 2 + one / 2;
    let config = env.config(&format!("[defaults]\ncache_max_size = {bound}\n"));
    let c = Some(config.as_path());
    run(c, "b", &docs[1]);
    run(c, "c", &docs[2]);
    assert_eq!(fake.tasks_created(), 3);
    let held: u64 = entries(&env.cache_dir())
        .iter()
        .map(|e| fs::metadata(e).unwrap().len())
        .sum();
    assert!(held <= bound, "{held} over {bound}");
    assert_eq!(entries(&env.cache_dir()).len(), 2);
    // The first, least recently used, went: paid again; the last is still free.
    assert_eq!(run(c, "again", &docs[2])["cached"], true);
    assert_eq!(fake.tasks_created(), 3);
    assert_eq!(run(c, "again", &docs[0])["cached"], false);
    assert_eq!(fake.tasks_created(), 4);
}

#[test]
fn a_damaged_entry_is_detected_refetched_and_replaced() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let doc = env.doc("demo1.pdf", "a.pdf");
    let parse = |dir: &str| parse_json(&env, &fake, &doc, dir);
    ok(&parse("one"));
    let entry = entries(&env.cache_dir()).remove(0);
    let mut bytes = fs::read(&entry).unwrap();
    let at = bytes.len() - 10;
    bytes[at] ^= 0x55;
    fs::write(&entry, &bytes).unwrap();

    let out = parse("two");
    ok(&out);
    let err = stderr_of(&out);
    assert!(
        err.contains("a.pdf") && err.contains("damaged") && err.contains("sent again"),
        "{err}"
    );
    assert_eq!(fake.tasks_created(), 2, "paid for again");
    assert_eq!(json_lines(&out)[0]["cached"], false);
    assert!(env.work.path().join("two/a/full.md").is_file());
    // Replaced by a whole entry: the next run is free, and verify finds it good.
    assert_eq!(json_lines(&parse("three"))[0]["cached"], true);
    assert_eq!(fake.tasks_created(), 2);
    let out = env
        .cached(&fake)
        .args(["--json", "cache", "verify"])
        .output()
        .unwrap();
    ok(&out);
    assert_eq!(json_lines(&out)[0]["good"], 1);
    assert_eq!(json_lines(&out)[0]["damaged"], 0);
}

/// A hit does not hash an entry again while the file system says it is as it
/// was verified (docs/reliability.md): a write in place that keeps the size
/// and puts the modification time back is still seen (its ctime moved), and
/// the entry is hashed, found damaged, paid for again and replaced.
#[test]
fn an_entry_damaged_in_place_with_its_size_and_time_kept_is_refetched() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let doc = env.doc("demo1.pdf", "a.pdf");
    let parse = |dir: &str| parse_json(&env, &fake, &doc, dir);
    ok(&parse("one"));
    // A hit through the mark stored with the entry.
    let out = parse("two");
    ok(&out);
    assert_eq!(json_lines(&out)[0]["cached"], true);
    let entry = entries(&env.cache_dir()).remove(0);
    let before = fs::metadata(&entry).unwrap();
    let mut bytes = fs::read(&entry).unwrap();
    // Inside the payload (a zip entry's data), not its central directory.
    let at = bytes.len() / 2;
    bytes[at] ^= 0x55;
    fs::File::options()
        .write(true)
        .open(&entry)
        .and_then(|mut f| std::io::Write::write_all(&mut f, &bytes))
        .unwrap();
    fs::File::options()
        .append(true)
        .open(&entry)
        .unwrap()
        .set_modified(before.modified().unwrap())
        .unwrap();
    let after = fs::metadata(&entry).unwrap();
    assert_eq!(after.len(), before.len());
    assert_eq!(after.modified().unwrap(), before.modified().unwrap());

    let out = parse("three");
    ok(&out);
    let err = stderr_of(&out);
    assert!(
        err.contains("a.pdf") && err.contains("hash") && err.contains("sent again"),
        "{err}"
    );
    assert_eq!(fake.tasks_created(), 2, "paid for again");
    assert_eq!(json_lines(&out)[0]["cached"], false);
    assert_eq!(
        fs::read(env.work.path().join("three/a/full.md")).unwrap(),
        fs::read(env.work.path().join("one/a/full.md")).unwrap()
    );
    let out = parse("four");
    assert_eq!(json_lines(&out)[0]["cached"], true);
    assert_eq!(fake.tasks_created(), 2);
}

#[test]
fn local_answers_are_not_cached() {
    let env = Env::new();
    let doc = env.work.path().join("note.md");
    fs::write(&doc, "# A note\n\nText.\n").unwrap();
    for _ in 0..2 {
        let out = env
            .bare()
            .env_remove("DOCPIPE_CACHE")
            .args(["-p", "local", "--json", "ocr"])
            .arg(&doc)
            .output()
            .unwrap();
        ok(&out);
        assert_eq!(json_lines(&out)[0]["cached"], false);
    }
    assert!(entries(&env.cache_dir()).is_empty());
}

#[cfg(unix)]
#[test]
fn the_cache_is_the_owners_alone() {
    use std::os::unix::fs::PermissionsExt;
    let fake = FakeMineru::start();
    let env = Env::new();
    let doc = env.doc("demo1.pdf", "a.pdf");
    ok(&env
        .cached(&fake)
        .args(["-p", "mineru", "ocr"])
        .arg(&doc)
        .output()
        .unwrap());
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let entry = entries(&env.cache_dir()).remove(0);
    assert_eq!(mode(&entry), 0o600);
    assert_eq!(mode(entry.parent().unwrap()), 0o700);
    assert_eq!(mode(&env.cache_dir()), 0o700);
    assert_eq!(mode(&env.cache_dir().join("tmp")), 0o700);
    // Everything under it, verified marks included.
    let mut folders = vec![env.cache_dir()];
    let mut files = 0;
    while let Some(dir) = folders.pop() {
        assert_eq!(mode(&dir), 0o700, "{}", dir.display());
        for e in fs::read_dir(&dir).unwrap().flatten() {
            if e.file_type().unwrap().is_dir() {
                folders.push(e.path());
            } else {
                assert_eq!(mode(&e.path()), 0o600, "{}", e.path().display());
                files += 1;
            }
        }
    }
    assert_eq!(files, 2, "the entry and its verified mark");
}

#[test]
fn the_cache_command_lists_sizes_and_prunes() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let a = env.doc("demo1.pdf", "a.pdf");
    let b = env.doc("test.pdf", "b.pdf");
    ok(&env
        .cached(&fake)
        .args(["-p", "mineru", "parse", "-o"])
        .arg(env.out())
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap());
    let cache = |args: &[&str]| {
        let out = env.cached(&fake).args(args).output().unwrap();
        ok(&out);
        out
    };
    let list = json_lines(&cache(&["--json", "cache", "list"]));
    assert_eq!(list.len(), 2);
    assert!(list.iter().all(|e| e["provider"] == "mineru"));
    let size = &json_lines(&cache(&["--json", "cache", "size"]))[0];
    assert_eq!(size["entries"], 2);
    assert_eq!(size["max_bytes"], 5u64 << 30);
    assert!(size["bytes"].as_u64().unwrap() > 0);

    // Which entries to remove must be said.
    let out = env.cached(&fake).args(["cache", "prune"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("--older-than"));

    let gone = &json_lines(&cache(&["--json", "cache", "prune", "--older-than", "1d"]))[0];
    assert_eq!(gone["removed"], 0);
    let gone = &json_lines(&cache(&["--json", "-p", "parse4ai", "cache", "prune"]))[0];
    assert_eq!(gone["removed"], 0);
    let gone = &json_lines(&cache(&["--json", "-p", "mineru", "cache", "prune"]))[0];
    assert_eq!(gone["removed"], 2);
    assert!(entries(&env.cache_dir()).is_empty());
    // Emptied: the next run pays.
    ok(&env
        .cached(&fake)
        .args(["-p", "mineru", "parse", "-o"])
        .arg(env.work.path().join("again"))
        .arg(&a)
        .output()
        .unwrap());
    assert_eq!(fake.tasks_created(), 3);
    let gone = &json_lines(&cache(&["--json", "cache", "prune", "--all"]))[0];
    assert_eq!(gone["removed"], 1);
}

/// A cache that cannot be used (a URL that names no store docpipe reaches; a
/// folder it cannot create) is said once, and the run goes on without
/// it: the document is paid for and written, and nothing is kept.
#[test]
fn a_cache_that_cannot_be_used_is_said_once_and_the_run_goes_on() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let a = env.doc("demo1.pdf", "a.pdf");
    let b = env.doc("test.pdf", "b.pdf");
    let blocker = env.work.path().join("not-a-folder");
    fs::write(&blocker, b"a file where the cache folder would go").unwrap();
    for place in [
        "ftp://host/prefix".to_string(),
        blocker.join("cache").display().to_string(),
    ] {
        let out = env
            .cached(&fake)
            .env("DOCPIPE_CACHE", &place)
            .args(["-p", "mineru", "parse", "-o"])
            .arg(env.out().join(place.len().to_string()))
            .arg(&a)
            .arg(&b)
            .output()
            .unwrap();
        ok(&out);
        let err = stderr_of(&out);
        assert_eq!(
            err.matches("the result cache is not used in this run")
                .count(),
            1,
            "{place}: {err}"
        );
        assert!(entries(&env.cache_dir()).is_empty(), "{place}");
    }
    // Two documents, twice: each run paid for both, nothing came from a cache.
    assert_eq!(fake.tasks_created(), 4);
}

/// `fetch` of a task whose answer the cache holds writes it from there: no
/// status request, no download (the provider's link may have expired).
#[test]
fn fetch_writes_from_the_cache_without_asking_the_provider() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let doc = env.doc("demo1.pdf", "a.pdf");
    let first = env
        .cached(&fake)
        .args(["-p", "mineru", "--json", "parse", "-o"])
        .arg(env.out())
        .arg(&doc)
        .output()
        .unwrap();
    ok(&first);
    let line = &json_lines(&first)[0];
    let id = line["task_id"]
        .as_str()
        .or(line["batch_id"].as_str())
        .unwrap()
        .to_string();
    let asked = fake.requests().len();
    let other = env.work.path().join("other");
    let out = env
        .cached(&fake)
        .args(["--json", "fetch", "-o"])
        .arg(&other)
        .arg(&id)
        .output()
        .unwrap();
    ok(&out);
    let line = &json_lines(&out)[0];
    assert_eq!(line["state"], "done", "{line}");
    assert_eq!(line["cached"], true, "{line}");
    assert!(other.join("a/full.md").is_file());
    assert_eq!(fake.requests().len(), asked, "the provider was asked");
    // Without the cache, the same fetch asks the provider and downloads.
    let out = env
        .cached(&fake)
        .args(["--no-cache", "--json", "fetch", "-o"])
        .arg(env.work.path().join("third"))
        .arg(&id)
        .output()
        .unwrap();
    ok(&out);
    assert_eq!(json_lines(&out)[0]["cached"], false);
    assert!(fake.requests().len() > asked);
    assert_eq!(fake.tasks_created(), 1);
}

#[test]
fn a_document_sent_in_parts_is_paid_for_once_into_any_folder() {
    use crate::support::pdfgen::make_pdf;
    let fake = FakeMineru::start();
    let env = Env::new();
    // A lower page limit in the config: 25 pages go in three parts.
    let cfg = env.config("[providers.mineru]\nmax_pages = 10\n");
    let doc = env.work.path().join("long.pdf");
    fs::write(&doc, make_pdf(25)).unwrap();
    let parse = |dir: &str, extra: &[&str]| {
        let out = env
            .cached(&fake)
            .arg("-c")
            .arg(&cfg)
            .args(extra)
            .args(["-p", "mineru", "--json", "parse", "-o"])
            .arg(env.work.path().join(dir))
            .arg(&doc)
            .output()
            .unwrap();
        ok(&out);
        out
    };
    parse("one", &[]);
    assert_eq!(fake.tasks_created(), 3, "three parts");
    assert_eq!(entries(&env.cache_dir()).len(), 3, "one entry a part");
    let first = fs::read_to_string(env.work.path().join("one/long/full.md")).unwrap();

    let again = parse("two", &[]);
    assert_eq!(fake.tasks_created(), 3, "the parts were paid for again");
    assert!(
        !stderr_of(&again).contains("sent in 3 parts"),
        "{}",
        stderr_of(&again)
    );
    let second = fs::read_to_string(env.work.path().join("two/long/full.md")).unwrap();
    assert_eq!(second, first, "the same stitched document");

    // estimate: every part is in the cache, so nothing is billed.
    let out = env
        .cached(&fake)
        .arg("-c")
        .arg(&cfg)
        .args(["-p", "mineru", "--json", "estimate"])
        .arg(&doc)
        .output()
        .unwrap();
    ok(&out);
    let quote = quote(&out, None);
    assert_eq!(
        (quote["cached"].as_u64(), quote["pages"].as_u64()),
        (Some(1), Some(0)),
        "{quote}"
    );

    // --dry-run says the same.
    let dry = env
        .cached(&fake)
        .arg("-c")
        .arg(&cfg)
        .args(["-p", "mineru", "parse", "--dry-run", "-o"])
        .arg(env.work.path().join("three"))
        .arg(&doc)
        .output()
        .unwrap();
    ok(&dry);
    assert!(
        stderr_of(&dry).contains("1 to write from the result cache (free)"),
        "{}",
        stderr_of(&dry)
    );
    assert_eq!(fake.tasks_created(), 3);

    // --refresh into a folder that has it: every part is paid for again.
    parse("two", &["--refresh"]);
    assert_eq!(
        fake.tasks_created(),
        6,
        "--refresh pays for each part again"
    );
    assert_eq!(entries(&env.cache_dir()).len(), 3);
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}

#[test]
fn refresh_pays_again_for_a_document_its_folder_already_has() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let doc = env.doc("demo1.pdf", "a.pdf");
    let parse = |extra: &[&str]| {
        let out = env
            .cached(&fake)
            .args(extra)
            .args(["-p", "mineru", "--json", "parse", "-o"])
            .arg(env.out())
            .arg(&doc)
            .output()
            .unwrap();
        ok(&out);
        json_lines(&out).remove(0)
    };
    parse(&[]);
    assert_eq!(fake.tasks_created(), 1);
    let entry = entries(&env.cache_dir()).remove(0);
    let before = fs::read(&entry).unwrap();
    assert_eq!(parse(&[])["skipped"], true, "done here: skipped");
    assert_eq!(fake.tasks_created(), 1);

    let refreshed = parse(&["--refresh"]);
    assert_eq!(fake.tasks_created(), 2, "--refresh pays again");
    assert_eq!(refreshed["cached"], false);
    assert_eq!(refreshed["state"], "done");
    assert_ne!(fs::read(&entry).unwrap(), before, "and replaces the entry");
    assert!(env.out().join("a/full.md").is_file());
    let shown: Vec<_> = fs::read_dir(env.out())
        .unwrap()
        .flatten()
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.file_name())
        .collect();
    assert_eq!(shown, ["a"], "written over, not beside");
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}

#[test]
fn the_cloud_pages_of_a_hybrid_document_are_paid_for_once_into_any_folder() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let doc = crate::hybrid::four_pages(&env, "report.pdf", "r");
    let parse = |dir: &str| {
        let out = env
            .cached(&fake)
            .args(["-p", "auto", "--json", "parse", "-o"])
            .arg(env.work.path().join(dir))
            .arg(&doc)
            .output()
            .unwrap();
        ok(&out);
        fs::read_to_string(env.work.path().join(dir).join("report/full.md")).unwrap()
    };
    let first = parse("one");
    assert_eq!(fake.tasks_created(), 1, "the one scanned page");
    assert_eq!(
        entries(&env.cache_dir()).len(),
        1,
        "the cloud part's answer"
    );
    let second = parse("two");
    assert_eq!(fake.tasks_created(), 1, "the cloud part was paid for again");
    assert_eq!(second, first, "the same stitched document");

    // estimate: the cloud part is in the cache, so nothing is billed.
    let out = env
        .cached(&fake)
        .args(["-p", "auto", "--json", "estimate"])
        .arg(&doc)
        .output()
        .unwrap();
    ok(&out);
    let quote = quote(&out, Some("auto"));
    assert_eq!(
        (quote["cached"].as_u64(), quote["pages"].as_u64()),
        (Some(1), Some(0)),
        "{quote}"
    );

    // --refresh into a folder that has it done: the cloud part is paid for
    // again, the document written over (not beside), and the next run skips.
    let refreshed = env
        .cached(&fake)
        .args(["-p", "auto", "--json", "--refresh", "parse", "-o"])
        .arg(env.work.path().join("two"))
        .arg(&doc)
        .output()
        .unwrap();
    ok(&refreshed);
    assert_eq!(fake.tasks_created(), 2, "--refresh pays for the cloud part");
    let line = &json_lines(&refreshed)[0];
    assert_eq!(line["state"], "done", "{line}");
    assert_ne!(line["skipped"], true, "{line}");
    let listed: Vec<String> = fs::read_dir(env.work.path().join("two"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    assert_eq!(listed, vec!["report"], "written over, not beside");
    assert_eq!(
        fs::read_to_string(env.work.path().join("two/report/full.md")).unwrap(),
        first
    );
    parse("two");
    assert_eq!(fake.tasks_created(), 2, "done again: skipped");
}
