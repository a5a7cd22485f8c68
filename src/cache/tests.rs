use super::*;
use crate::options::Format;

fn key(n: u8) -> String {
    format!("{n:02x}").repeat(32)
}

fn zip_ref() -> ResultRef {
    ResultRef::Zip {
        url: "https://cdn.example/r.zip".into(),
        referer: None,
    }
}

#[test]
fn a_stored_download_comes_back_whole_and_private() {
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::open(&dir.path().join("cache"), DEFAULT_MAX_BYTES).unwrap();
    let file = dir.path().join("r.zip");
    fs::write(&file, b"PK zip bytes").unwrap();
    cache
        .put(&key(1), "mineru", &zip_ref(), Some(&file))
        .unwrap();
    assert!(cache.contains(&key(1)));
    let hit = cache.get(&key(1)).unwrap().unwrap();
    assert_eq!(hit.result, zip_ref());
    let payload = hit.payload.unwrap();
    assert_eq!(payload.read_all(100).unwrap(), b"PK zip bytes");
    // Read where it lies: the entry itself, not a copy.
    assert_eq!(payload.path(), cache.path_of(&key(1)).unwrap());
    assert!(cache.get(&key(2)).unwrap().is_none());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let entry = cache.path_of(&key(1)).unwrap();
        assert_eq!(mode(&entry), 0o600);
        assert_eq!(mode(entry.parent().unwrap()), 0o700);
        assert_eq!(mode(&dir.path().join("cache")), 0o700);
    }
}

#[test]
fn an_answer_without_a_file_is_stored_as_itself() {
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::open(dir.path(), DEFAULT_MAX_BYTES).unwrap();
    let answer = ResultRef::Inline {
        text: "# Title\n".into(),
        format: Format::Markdown,
    };
    cache.put(&key(3), "mistralocr", &answer, None).unwrap();
    let hit = cache.get(&key(3)).unwrap().unwrap();
    assert_eq!(hit.result, answer);
    assert!(hit.payload.is_none());
}

#[test]
fn a_damaged_entry_is_refused_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::open(dir.path(), DEFAULT_MAX_BYTES).unwrap();
    let file = dir.path().join("r.md");
    fs::write(&file, b"# a result that matters\n").unwrap();
    for (n, damage) in [(4u8, b"flip" as &[u8]), (5, b"cut"), (6, b"header")] {
        cache
            .put(&key(n), "mineru", &zip_ref(), Some(&file))
            .unwrap();
        let path = cache.path_of(&key(n)).unwrap();
        let mut bytes = fs::read(&path).unwrap();
        match damage {
            b"flip" => {
                let last = bytes.len() - 3;
                bytes[last] ^= 0x20;
            }
            b"cut" => bytes.truncate(bytes.len() - 5),
            _ => bytes[entry::MAGIC.len() + 3] = b'#',
        }
        fs::write(&path, &bytes).unwrap();
        let why = cache.get(&key(n)).err().expect("damage is seen").0;
        assert!(!why.is_empty());
        assert!(!path.exists(), "a damaged entry is removed");
        assert!(cache.get(&key(n)).unwrap().is_none());
    }
}

#[test]
fn verify_finds_damage_and_prune_picks_entries() {
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::open(dir.path(), DEFAULT_MAX_BYTES).unwrap();
    let file = dir.path().join("r.md");
    fs::write(&file, b"text").unwrap();
    cache
        .put(&key(7), "mineru", &zip_ref(), Some(&file))
        .unwrap();
    cache
        .put(&key(8), "parse4ai", &zip_ref(), Some(&file))
        .unwrap();
    let path = cache.path_of(&key(8)).unwrap();
    let mut bytes = fs::read(&path).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    fs::write(&path, bytes).unwrap();
    let (good, damaged) = cache.verify().unwrap();
    assert_eq!(good, 1);
    assert_eq!(damaged.len(), 1);
    assert_eq!(damaged[0].0.key, key(8));
    cache
        .put(&key(9), "parse4ai", &zip_ref(), Some(&file))
        .unwrap();
    let gone = cache.prune(|e| e.provider == "parse4ai").unwrap();
    assert_eq!(gone.len(), 1);
    assert_eq!(cache.list().unwrap().len(), 1);
    assert_eq!(cache.list().unwrap()[0].provider, "mineru");
}

/// A scratch folder, a 1,000-byte result file in it, and the size one entry
/// of that file takes in a cache (to set bounds in whole entries).
fn one_entry() -> (tempfile::TempDir, std::path::PathBuf, u64) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r.bin");
    fs::write(&file, vec![7u8; 1000]).unwrap();
    let probe = Cache::open(&dir.path().join("probe"), DEFAULT_MAX_BYTES).unwrap();
    probe
        .put(&key(1), "mineru", &zip_ref(), Some(&file))
        .unwrap();
    let one = probe.size().unwrap();
    (dir, file, one)
}

#[test]
fn the_least_recently_used_go_first_and_the_bound_holds() {
    let (dir, file, one) = one_entry();
    // Room for three entries.
    let cache = Cache::open(&dir.path().join("c"), one * 3 + one / 2).unwrap();
    let at = |secs: u64| SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000 + secs);
    for n in 1..=3u8 {
        cache
            .put(&key(n), "mineru", &zip_ref(), Some(&file))
            .unwrap();
        let f = fs::File::options()
            .append(true)
            .open(cache.path_of(&key(n)).unwrap())
            .unwrap();
        f.set_modified(at(u64::from(n))).unwrap();
    }
    // The first is used again: the second is now the least recently used.
    assert!(cache.get(&key(1)).unwrap().is_some());
    cache
        .put(&key(4), "mineru", &zip_ref(), Some(&file))
        .unwrap();
    let keys: Vec<String> = cache.list().unwrap().into_iter().map(|e| e.key).collect();
    assert!(!keys.contains(&key(2)), "{keys:?}");
    for n in [1u8, 3, 4] {
        assert!(keys.contains(&key(n)), "{n}: {keys:?}");
    }
    assert!(cache.size().unwrap() <= cache.max_bytes());
    // An entry over the whole bound is not kept at all.
    let small = Cache::open(&dir.path().join("s"), 10).unwrap();
    small
        .put(&key(5), "mineru", &zip_ref(), Some(&file))
        .unwrap();
    assert!(small.list().unwrap().is_empty());
}

#[test]
fn eviction_leaves_a_tenth_of_the_bound_free() {
    let (dir, file, one) = one_entry();
    // Room for ten and a half entries: the eleventh is over the bound.
    let cache = Cache::open(&dir.path().join("c"), one * 21 / 2).unwrap();
    for n in 1..=11u8 {
        cache
            .put(&key(n), "mineru", &zip_ref(), Some(&file))
            .unwrap();
    }
    // Down to nine tenths (9.45 entries), not to the bound (10.5): the next
    // store finds room without listing the cache again.
    assert_eq!(cache.list().unwrap().len(), 9);
    assert!(cache.size().unwrap() <= cache.max_bytes() - cache.max_bytes() / 10);
}

#[cfg(unix)]
#[test]
fn an_entry_written_in_place_is_hashed_again_even_with_its_size_and_time_kept() {
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::open(dir.path(), DEFAULT_MAX_BYTES).unwrap();
    let file = dir.path().join("r.zip");
    fs::write(&file, b"PK the bytes that were paid for").unwrap();
    cache
        .put(&key(1), "mineru", &zip_ref(), Some(&file))
        .unwrap();
    let path = cache.path_of(&key(1)).unwrap();
    let meta = || fs::metadata(&path).unwrap();
    // Written and hashed here: marked, so a hit does not hash it again.
    assert!(mark::holds(dir.path(), &key(1), &meta()));
    assert!(cache.get(&key(1)).unwrap().is_some());
    assert!(mark::holds(dir.path(), &key(1), &meta()));
    // One byte changed in place, the size and the modification time put back.
    let before = meta();
    fs::write(&path, bytes_damaged(&path)).unwrap();
    fs::File::options()
        .append(true)
        .open(&path)
        .unwrap()
        .set_modified(before.modified().unwrap())
        .unwrap();
    assert_eq!(meta().len(), before.len());
    assert_eq!(meta().modified().unwrap(), before.modified().unwrap());
    assert!(!mark::holds(dir.path(), &key(1), &meta()));
    let why = cache.get(&key(1)).err().expect("damage is seen").0;
    assert!(why.contains("hash"), "{why}");
    assert!(!path.exists());
    assert!(!dir
        .path()
        .join("verified")
        .join(&key(1)[..2])
        .join(key(1))
        .exists());
}

#[test]
fn verify_hashes_every_entry_whatever_its_mark_says() {
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::open(dir.path(), DEFAULT_MAX_BYTES).unwrap();
    let file = dir.path().join("r.zip");
    fs::write(&file, b"PK the bytes that were paid for").unwrap();
    cache
        .put(&key(2), "mineru", &zip_ref(), Some(&file))
        .unwrap();
    let path = cache.path_of(&key(2)).unwrap();
    // Damage the mark cannot see: the mark rewritten to match the damaged
    // file (as a change round the file system would leave it).
    fs::write(&path, bytes_damaged(&path)).unwrap();
    mark::set(dir.path(), &key(2), &fs::metadata(&path).unwrap());
    assert!(
        cache.get(&key(2)).unwrap().is_some(),
        "the hole: a hit trusts the mark"
    );
    let (good, damaged) = cache.verify().unwrap();
    assert_eq!((good, damaged.len()), (0, 1));
    assert!(!path.exists());
    // The same damage, and a hit that could not be written: distrusted, its
    // next hit hashes it.
    cache
        .put(&key(3), "mineru", &zip_ref(), Some(&file))
        .unwrap();
    let path = cache.path_of(&key(3)).unwrap();
    fs::write(&path, bytes_damaged(&path)).unwrap();
    mark::set(dir.path(), &key(3), &fs::metadata(&path).unwrap());
    assert!(cache.get(&key(3)).unwrap().is_some());
    cache.distrust(&key(3));
    assert!(cache.get(&key(3)).is_err());
}

fn bytes_damaged(path: &Path) -> Vec<u8> {
    let mut bytes = fs::read(path).unwrap();
    let last = bytes.len() - 2;
    bytes[last] ^= 0x20;
    bytes
}

/// A writer that counts its `write` calls: each is a system call on a file.
struct Counted {
    inner: std::io::Cursor<Vec<u8>>,
    writes: usize,
}

impl std::io::Write for Counted {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.writes += 1;
        self.inner.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl std::io::Seek for Counted {
    fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
        self.inner.seek(to)
    }
}

#[test]
fn an_entry_s_header_is_written_whole_not_a_token_a_call() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r.zip");
    fs::write(&file, b"PK zip bytes").unwrap();
    let mut out = Counted {
        inner: std::io::Cursor::new(Vec::new()),
        writes: 0,
    };
    let len = encode(
        &mut out,
        &key(1),
        "mineru",
        &zip_ref(),
        &Payload::File(&file),
    )
    .unwrap();
    // The magic line with the header's room, the payload, the header.
    assert_eq!(out.writes, 3);
    let bytes = out.inner.into_inner();
    assert_eq!(len, bytes.len() as u64);
    let (result, copied) = decode(&key(1), &bytes[..], Some(&mut Vec::new())).unwrap();
    assert_eq!((result, copied), (zip_ref(), true));
}
