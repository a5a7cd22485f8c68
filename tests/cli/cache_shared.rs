//! The result cache shared through object storage (issue #22), against a real
//! S3 implementation (moto's server, `support::moto`) and the fake MinerU:
//! two machines share a bucket and the second pays nothing; a bucket that
//! goes away mid-run is said once and the run finishes without it; an entry
//! damaged in the bucket is found by its hash, paid for again and replaced.

use std::time::{Duration, Instant};

use crate::harness::{json_lines, stderr_of, Env};
use crate::support::moto::Moto;
use crate::support::{Advance, FakeConfig, FakeMineru};

const PLACE: &str = "s3://docpipe-cache/team/ocr";

/// `docpipe parse -o DIR DOCS…` on `env`'s machine with the shared cache.
fn parse(
    env: &Env,
    fake: &FakeMineru,
    moto: &Moto,
    dir: &str,
    docs: &[&str],
) -> assert_cmd::Command {
    let mut cmd = env.cached(fake);
    cmd.envs(moto.env())
        .env("DOCPIPE_CACHE", PLACE)
        .args(["-p", "mineru", "--json", "parse", "-o"])
        .arg(env.work.path().join(dir));
    for d in docs {
        cmd.arg(env.work.path().join(d));
    }
    cmd
}

fn ok(out: &std::process::Output) {
    assert!(out.status.success(), "{}", stderr_of(out));
}

#[test]
fn two_machines_share_one_bucket_and_the_second_pays_nothing() {
    let Some(moto) = Moto::start() else { return };
    let fake = FakeMineru::start();
    let (one, two) = (Env::new(), Env::new());
    for env in [&one, &two] {
        env.doc("demo1.pdf", "a.pdf");
        env.doc("test.pdf", "b.pdf");
    }
    let first = parse(&one, &fake, &moto, "out", &["a.pdf", "b.pdf"])
        .output()
        .unwrap();
    ok(&first);
    assert_eq!(fake.tasks_created(), 2);
    assert!(json_lines(&first).iter().all(|l| l["cached"] == false));
    let objects = moto.objects();
    assert_eq!(objects.len(), 2, "{objects:?}");
    assert!(
        objects.iter().all(|o| o.starts_with("team/ocr/")),
        "{objects:?}"
    );

    // Another HOME, another output folder, the same bucket.
    let second = parse(&two, &fake, &moto, "elsewhere", &["a.pdf", "b.pdf"])
        .output()
        .unwrap();
    ok(&second);
    assert_eq!(fake.tasks_created(), 2, "the second machine paid");
    let lines = json_lines(&second);
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().all(|l| l["cached"] == true), "{lines:?}");
    for stem in ["a", "b"] {
        let md = two.work.path().join(format!("elsewhere/{stem}/full.md"));
        assert!(md.is_file(), "{}", md.display());
    }
    assert_eq!(
        std::fs::read(one.work.path().join("out/a/full.md")).unwrap(),
        std::fs::read(two.work.path().join("elsewhere/a/full.md")).unwrap()
    );
    // Nothing stored on either machine, and the secret never shown.
    assert!(!one.cache_dir().exists() && !two.cache_dir().exists());
    for out in [&first, &second] {
        assert!(!stderr_of(out).contains("testing-secret"));
    }
    // `estimate` on a third folder counts both as free (asked together).
    let quote = two
        .cached(&fake)
        .envs(moto.env())
        .env("DOCPIPE_CACHE", PLACE)
        .args(["-p", "mineru", "--json", "estimate"])
        .arg(two.work.path().join("a.pdf"))
        .arg(two.work.path().join("b.pdf"))
        .output()
        .unwrap();
    ok(&quote);
    let quote = json_lines(&quote)
        .into_iter()
        .find(|l| l.get("provider").is_some())
        .unwrap();
    assert_eq!(quote["cached"], 2, "{quote}");
    assert_eq!(quote["pages"], 0, "{quote}");
    // `docpipe cache` sees the bucket.
    let size = two
        .cached(&fake)
        .envs(moto.env())
        .env("DOCPIPE_CACHE", PLACE)
        .args(["--json", "cache", "size"])
        .output()
        .unwrap();
    ok(&size);
    let size = &json_lines(&size)[0];
    assert_eq!(size["entries"], 2, "{size}");
    assert_eq!(size["path"], PLACE);
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}

#[test]
fn a_bucket_that_goes_away_mid_run_is_said_once_and_the_run_finishes() {
    let Some(mut moto) = Moto::start() else {
        return;
    };
    // Slow enough tasks to take the bucket away while they run.
    let fake = FakeMineru::start_with(FakeConfig {
        advance: Advance::Time(Duration::from_millis(300)),
        ..FakeConfig::default()
    });
    let env = Env::new();
    env.doc("demo1.pdf", "a.pdf");
    env.doc("test.pdf", "b.pdf");
    let mut cmd = env.std_cmd(&fake);
    cmd.env_remove("DOCPIPE_CACHE")
        .env("MINERU_API_KEY", crate::support::TOKEN)
        .envs(moto.env())
        .env("DOCPIPE_CACHE", PLACE)
        .args(["-p", "mineru", "--json", "parse", "-o"])
        .arg(env.out())
        .arg(env.work.path().join("a.pdf"))
        .arg(env.work.path().join("b.pdf"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = cmd.spawn().unwrap();
    // Looked up (both missing) before anything was sent: the bucket goes now.
    let start = Instant::now();
    while fake.tasks_created() < 2 {
        assert!(start.elapsed() < Duration::from_secs(30), "no tasks made");
        std::thread::sleep(Duration::from_millis(10));
    }
    moto.kill();
    let out = child.wait_with_output().unwrap();
    ok(&out);
    let err = stderr_of(&out);
    assert_eq!(
        err.matches("the result cache is not used").count(),
        1,
        "{err}"
    );
    assert!(err.contains(PLACE), "{err}");
    assert!(!err.contains("testing-secret"));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().all(|l| l["state"] == "done"), "{lines:?}");
    assert!(env.out().join("a/full.md").is_file());
    assert!(env.out().join("b/full.md").is_file());
}

#[test]
fn an_entry_damaged_in_the_bucket_is_refetched_and_replaced() {
    let Some(moto) = Moto::start() else { return };
    let fake = FakeMineru::start();
    let env = Env::new();
    env.doc("demo1.pdf", "a.pdf");
    ok(&parse(&env, &fake, &moto, "one", &["a.pdf"])
        .output()
        .unwrap());
    let name = moto.objects().remove(0);
    let good = moto.get(&name);
    let mut bad = good.clone();
    let at = bad.len() - 10;
    bad[at] ^= 0x55;
    moto.put(&name, bad.clone());

    let out = parse(&env, &fake, &moto, "two", &["a.pdf"])
        .output()
        .unwrap();
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
    assert_ne!(moto.get(&name), bad);
    let out = parse(&env, &fake, &moto, "three", &["a.pdf"])
        .output()
        .unwrap();
    ok(&out);
    assert_eq!(json_lines(&out)[0]["cached"], true);
    assert_eq!(fake.tasks_created(), 2);
    let verify = env
        .cached(&fake)
        .envs(moto.env())
        .env("DOCPIPE_CACHE", PLACE)
        .args(["--json", "cache", "verify"])
        .output()
        .unwrap();
    ok(&verify);
    assert_eq!(json_lines(&verify)[0]["good"], 1);
}

/// `--refresh` pays again and replaces the entry in the bucket (the one
/// writer that does: here over a damaged one it did not read), and
/// `cache prune --all` empties the bucket's prefix.
#[test]
fn refresh_replaces_the_entry_in_the_bucket_and_prune_empties_it() {
    let Some(moto) = Moto::start() else { return };
    let fake = FakeMineru::start();
    let env = Env::new();
    env.doc("demo1.pdf", "a.pdf");
    ok(&parse(&env, &fake, &moto, "one", &["a.pdf"])
        .output()
        .unwrap());
    let name = moto.objects().remove(0);
    let mut bad = moto.get(&name);
    let at = bad.len() - 10;
    bad[at] ^= 0x55;
    moto.put(&name, bad.clone());

    let mut refresh = parse(&env, &fake, &moto, "two", &["a.pdf"]);
    let out = refresh.arg("--refresh").output().unwrap();
    ok(&out);
    assert_eq!(fake.tasks_created(), 2, "--refresh pays again");
    assert!(
        !stderr_of(&out).contains("damaged"),
        "--refresh read the cache"
    );
    assert_ne!(moto.get(&name), bad, "the entry was not replaced");
    let out = parse(&env, &fake, &moto, "three", &["a.pdf"])
        .output()
        .unwrap();
    ok(&out);
    assert_eq!(json_lines(&out)[0]["cached"], true);
    assert_eq!(fake.tasks_created(), 2);

    let pruned = env
        .cached(&fake)
        .envs(moto.env())
        .env("DOCPIPE_CACHE", PLACE)
        .args(["--json", "cache", "prune", "--all"])
        .output()
        .unwrap();
    ok(&pruned);
    assert_eq!(json_lines(&pruned)[0]["removed"], 1);
    assert!(moto.objects().is_empty(), "{:?}", moto.objects());
}

/// A result over 8 MiB goes to the bucket in parts, streamed from a file
/// (not built in memory first), and comes back whole on another machine.
#[test]
fn a_large_entry_goes_to_the_bucket_in_parts_and_comes_back_whole() {
    let Some(moto) = Moto::start() else { return };
    let (one, two) = (Env::new(), Env::new());
    // 12 MiB that do not compress, stored, beside the markdown.
    let mut big = Vec::with_capacity(12 << 20);
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    while big.len() < 12 << 20 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        big.extend_from_slice(&x.to_le_bytes());
    }
    let zip_path = one.work.path().join("large-result.zip");
    {
        use std::io::Write;
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
        zip.start_file("full.md", opts).unwrap();
        zip.write_all(b"# Large\n\n![](images/big.bin)\n").unwrap();
        zip.start_file("images/big.bin", opts).unwrap();
        zip.write_all(&big).unwrap();
        zip.finish().unwrap();
    }
    let fake = FakeMineru::start_with(FakeConfig {
        result_zip: Some(zip_path),
        ..FakeConfig::default()
    });
    for env in [&one, &two] {
        env.doc("demo1.pdf", "a.pdf");
    }
    ok(&parse(&one, &fake, &moto, "out", &["a.pdf"])
        .output()
        .unwrap());
    let objects = moto.objects();
    assert_eq!(objects.len(), 1, "{objects:?}");
    let etag = moto.etag(&objects[0]);
    assert!(etag.ends_with("-3"), "stored in three parts: {etag}");

    let second = parse(&two, &fake, &moto, "elsewhere", &["a.pdf"])
        .output()
        .unwrap();
    ok(&second);
    assert_eq!(fake.tasks_created(), 1, "the second machine paid");
    assert_eq!(json_lines(&second)[0]["cached"], true);
    assert!(std::fs::read(two.work.path().join("elsewhere/a/images/big.bin")).unwrap() == big);
}
