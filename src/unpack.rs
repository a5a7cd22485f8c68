//! Safe unpacking of result zips: every entry must land inside the destination.
//! Entries with `..`, absolute paths or drive letters, and links are refused (the
//! whole zip is: a result that tries this is not trusted); entry count and total
//! size are capped against zip bombs.

use std::collections::HashSet;
use std::fs::{self, File, OpenOptions};
use std::io::{BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Component, Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::span::Span;

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_entries: usize,
    pub max_total_bytes: u64,
}

static CONFIGURED: std::sync::OnceLock<Limits> = std::sync::OnceLock::new();

impl Limits {
    /// Sets the caps for this process (from `[defaults]`), once, at start-up.
    pub fn configure(limits: Limits) {
        let _ = CONFIGURED.set(limits);
    }

    /// The caps set by [`Limits::configure`], else the defaults.
    pub fn configured() -> Limits {
        CONFIGURED.get().copied().unwrap_or_default()
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entries: 100_000,
            max_total_bytes: 8 * 1024 * 1024 * 1024,
        }
    }
}

/// Unpacks the zip `zip` (a file, or a cache entry's payload where it lies)
/// into `dest` (an empty folder). Checks every entry name before writing
/// anything.
pub fn unpack(zip: &Span, dest: &Path, limits: Limits) -> Result<u64> {
    // Buffered both ways: unbuffered, the zip reader and `io::copy` move a few KiB
    // per system call (about 1,000 calls per MiB unpacked).
    let mut archive = open_zip(zip.reader()?, COPY_BUFFER)?;
    let plan = entries(&mut archive, limits, "the result zip")?;
    let mut written = 0u64;
    // Folders made so far: a result's files share a few, and each
    // `create_dir_all` of one that exists costs a mkdir and a stat.
    let mut made: HashSet<PathBuf> = HashSet::new();
    // One buffer for every entry: with a `BufWriter` per file, `io::copy`
    // zeroed a new buffer for each (it initialises what it reads into).
    let mut buf = vec![0u8; COPY_BUFFER];
    for Entry {
        index: i,
        path: rel,
        is_dir,
    } in plan
    {
        let target = dest.join(&rel);
        if is_dir {
            make_dir(&target, &mut made)?;
            continue;
        }
        if let Some(parent) = target.parent().filter(|p| *p != dest) {
            make_dir(parent, &mut made)?;
        }
        let mut entry = archive.by_index(i).context("the result zip is damaged")?;
        // create_new: never follow or overwrite anything already there.
        let mut out = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&target)
            .with_context(|| format!("cannot create {}", target.display()))?;
        let budget = limits.max_total_bytes - written;
        let copied = copy_through(&mut entry, &mut out, budget, &mut buf)
            .with_context(|| format!("cannot unpack {}", rel.display()))?;
        written += copied;
        if copied > budget {
            bail!(
                "the result zip unpacks to more than {} bytes (a zip bomb? raise max_unpacked_mb in [defaults] if it is genuine)",
                limits.max_total_bytes
            );
        }
    }
    Ok(written)
}

/// `create_dir_all`, once per folder of an unpacking.
fn make_dir(dir: &Path, made: &mut HashSet<PathBuf>) -> Result<()> {
    if made.contains(dir) {
        return Ok(());
    }
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    made.insert(dir.to_path_buf());
    Ok(())
}

/// A zip read through a buffer of `capacity` bytes that its seeks keep.
fn open_zip<R: Read + Seek>(inner: R, capacity: usize) -> Result<zip::ZipArchive<SeekBuf<R>>> {
    zip::ZipArchive::new(SeekBuf::new(capacity, inner)).context("the result is not a readable zip")
}

/// A buffered reader whose seeks to a place still in its buffer stay in it.
/// The zip reader seeks to every entry's header, and entries follow one
/// another: a plain `BufReader` drops its buffer at each seek, and reads it
/// again (a seek, and a buffer's worth of reading, per entry).
struct SeekBuf<R> {
    inner: BufReader<R>,
    /// The position of the next byte read, kept here: asking the file is a
    /// system call.
    pos: u64,
}

impl<R: Read + Seek> SeekBuf<R> {
    fn new(capacity: usize, inner: R) -> SeekBuf<R> {
        SeekBuf {
            inner: BufReader::with_capacity(capacity, inner),
            pos: 0,
        }
    }
}

impl<R: Read + Seek> Read for SeekBuf<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl<R: Read + Seek> Seek for SeekBuf<R> {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        let offset = match to {
            SeekFrom::Start(n) => i64::try_from(i128::from(n) - i128::from(self.pos)).ok(),
            SeekFrom::Current(d) => Some(d),
            SeekFrom::End(_) => None,
        };
        match offset {
            // Within the buffer, nothing is read; past it, one seek.
            Some(d) => {
                let to = self.pos.checked_add_signed(d).ok_or_else(|| {
                    std::io::Error::new(std::io::ErrorKind::InvalidInput, "seek before the start")
                })?;
                self.inner.seek_relative(d)?;
                self.pos = to;
            }
            None => self.pos = self.inner.seek(to)?,
        }
        Ok(self.pos)
    }

    fn stream_position(&mut self) -> std::io::Result<u64> {
        Ok(self.pos)
    }
}

/// One entry of a zip whose every name was checked: where it may go.
#[derive(Debug)]
pub struct Entry {
    pub index: usize,
    /// The name as a relative path that cannot leave the folder it is joined to.
    pub path: PathBuf,
    pub is_dir: bool,
}

/// Every entry of `archive` checked before anything is read: the entry count,
/// each name ([`safe_relative`]; links refused) and the declared total size
/// against `limits`. `what` names the zip in messages ("the result zip").
/// The sizes are declared, not proven: copy entries with [`copy_limited`].
pub fn entries<R: Read + std::io::Seek>(
    archive: &mut zip::ZipArchive<R>,
    limits: Limits,
    what: &str,
) -> Result<Vec<Entry>> {
    if archive.len() > limits.max_entries {
        bail!(
            "{what} has {} entries, over the limit of {} (raise max_zip_entries in [defaults] if it is genuine)",
            archive.len(),
            limits.max_entries
        );
    }
    let mut plan = Vec::with_capacity(archive.len());
    let mut declared = 0u64;
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .with_context(|| format!("{what} is damaged"))?;
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        if entry.is_symlink() {
            bail!("{what} holds a link entry '{name}': refused");
        }
        let path = safe_relative(&name)
            .with_context(|| format!("{what} holds an unsafe entry '{name}': refused"))?;
        declared = declared.saturating_add(entry.size());
        plan.push(Entry {
            index: i,
            path,
            is_dir: entry.is_dir(),
        });
    }
    if declared > limits.max_total_bytes {
        bail!(
            "{what} would unpack to {declared} bytes, over the limit of {} (a zip bomb? raise max_unpacked_mb in [defaults] if it is genuine)",
            limits.max_total_bytes
        );
    }
    Ok(plan)
}

/// Bytes moved per system call when reading the zip and writing its entries.
/// Each writer holds two: at 256 KiB, four writers' pairs were 2.1 MB of a
/// 100-document batch's 10.5 MB peak heap (`heaptrack`), held while the
/// downloads' connections buffer beside them.
const COPY_BUFFER: usize = 64 * 1024;

/// The buffer of [`check_zip`], which reads headers only.
const CHECK_BUFFER: usize = 16 * 1024;

/// Copies at most `budget + 1` bytes, so a caller can tell "over budget".
pub fn copy_limited(
    from: &mut impl Read,
    to: &mut impl Write,
    budget: u64,
) -> std::io::Result<u64> {
    std::io::copy(&mut from.take(budget.saturating_add(1)), to)
}

/// [`copy_limited`] through `buf`: written a full buffer at a time (inflate
/// hands out a few KiB per read), so a file of up to `buf.len()` bytes is
/// one write.
fn copy_through(
    from: &mut impl Read,
    to: &mut impl Write,
    budget: u64,
    buf: &mut [u8],
) -> std::io::Result<u64> {
    let mut from = from.take(budget.saturating_add(1));
    let mut total = 0u64;
    loop {
        let mut filled = 0;
        while filled < buf.len() {
            match from.read(&mut buf[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        to.write_all(&buf[..filled])?;
        total += filled as u64;
        if filled < buf.len() {
            return Ok(total);
        }
    }
}

/// Whether the file is a zip that opens and whose every entry header reads: a
/// download that passes its length check can still be a broken zip.
pub fn check_zip(zip_path: &Path) -> Result<()> {
    // Small reads (the directory, then each entry's header): a small buffer.
    let file =
        File::open(zip_path).with_context(|| format!("cannot open {}", zip_path.display()))?;
    let mut archive = open_zip(file, CHECK_BUFFER)?;
    for i in 0..archive.len() {
        archive
            .by_index_raw(i)
            .context("the result zip is damaged")?;
    }
    Ok(())
}

/// Reads one entry (by exact name) into memory, up to `max` bytes.
pub fn read_entry(
    zip: &Span,
    wanted: impl Fn(&str) -> bool,
    max: u64,
) -> Result<Option<(String, Vec<u8>)>> {
    let mut archive = open_zip(zip.reader()?, CHECK_BUFFER)?;
    for i in 0..archive.len() {
        let entry = archive.by_index(i).context("the result zip is damaged")?;
        let name = entry.name().to_string();
        if entry.is_dir() || !wanted(&name) || safe_relative(&name).is_err() {
            continue;
        }
        let mut bytes = Vec::new();
        entry.take(max + 1).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > max {
            bail!("'{name}' in the result zip is larger than {max} bytes");
        }
        return Ok(Some((name, bytes)));
    }
    Ok(None)
}

/// A zip entry name as a path that cannot leave the folder it is joined to.
pub fn safe_relative(name: &str) -> Result<PathBuf> {
    if name.is_empty() || name.contains('\0') {
        bail!("empty or NUL in name");
    }
    let normalized = name.replace('\\', "/");
    if normalized.starts_with('/') {
        bail!("absolute path");
    }
    let bytes = normalized.as_bytes();
    if bytes.len() >= 2 && bytes[1] == b':' && bytes[0].is_ascii_alphabetic() {
        bail!("drive letter");
    }
    let mut out = PathBuf::new();
    for part in normalized.split('/') {
        match part {
            "" | "." => continue,
            ".." => bail!("parent directory (..)"),
            p => {
                let c = Path::new(p).components().next();
                if !matches!(c, Some(Component::Normal(_))) {
                    bail!("unexpected path component '{p}'");
                }
                out.push(p);
            }
        }
    }
    if out.as_os_str().is_empty() {
        bail!("empty name");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;
    use zip::write::SimpleFileOptions;

    /// Counts the bytes read through it.
    struct Tallied<R> {
        inner: R,
        read: std::rc::Rc<std::cell::Cell<u64>>,
    }

    impl<R: Read> Read for Tallied<R> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.inner.read(buf)?;
            self.read.set(self.read.get() + n as u64);
            Ok(n)
        }
    }

    impl<R: Seek> Seek for Tallied<R> {
        fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
            self.inner.seek(to)
        }
    }

    #[test]
    fn a_zip_of_small_files_is_read_about_once() {
        let data: Vec<u8> = (0..40_000u32).map(|i| (i * 7919 % 251) as u8).collect();
        let names: Vec<String> = (0..20).map(|i| format!("images/{i}.jpg")).collect();
        let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &data[..])).collect();
        let z = make_zip(&entries);
        let bytes = fs::read(z.path()).unwrap();
        let read = std::rc::Rc::new(std::cell::Cell::new(0));
        let source = SeekBuf::new(
            COPY_BUFFER,
            Tallied {
                inner: Cursor::new(bytes.clone()),
                read: read.clone(),
            },
        );
        let mut archive = zip::ZipArchive::new(source).unwrap();
        for i in 0..archive.len() {
            let mut entry = archive.by_index(i).unwrap();
            let mut out = Vec::new();
            entry.read_to_end(&mut out).unwrap();
            assert_eq!(out, data);
        }
        // BufReader's own seek read 256 KiB ahead at each of the 40 seeks.
        assert!(
            read.get() <= 2 * bytes.len() as u64,
            "{} of {}",
            read.get(),
            bytes.len()
        );
    }

    fn make_zip(entries: &[(&str, &[u8])]) -> tempfile::NamedTempFile {
        let mut buf = Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            for (name, data) in entries {
                w.start_file(*name, SimpleFileOptions::default()).unwrap();
                w.write_all(data).unwrap();
            }
            w.finish().unwrap();
        }
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(buf.get_ref()).unwrap();
        f
    }

    #[test]
    fn names_that_escape_are_refused() {
        for bad in [
            "../x",
            "a/../../x",
            "/etc/passwd",
            "C:/x",
            "..\\x",
            "a/..",
            "",
        ] {
            assert!(safe_relative(bad).is_err(), "{bad}");
        }
        assert_eq!(
            safe_relative("images/a.jpg").unwrap(),
            PathBuf::from("images/a.jpg")
        );
        assert_eq!(
            safe_relative("./full.md").unwrap(),
            PathBuf::from("full.md")
        );
    }

    #[test]
    fn unpacks_a_good_zip() {
        let z = make_zip(&[("full.md", b"# hi"), ("images/a.jpg", b"jpg")]);
        let dest = tempfile::tempdir().unwrap();
        unpack(
            &Span::open(z.path()).unwrap(),
            dest.path(),
            Limits::default(),
        )
        .unwrap();
        assert_eq!(fs::read(dest.path().join("images/a.jpg")).unwrap(), b"jpg");
    }

    #[test]
    fn hostile_zip_writes_nothing() {
        let z = make_zip(&[("full.md", b"# hi"), ("../evil.txt", b"x")]);
        let dest = tempfile::tempdir().unwrap();
        let err = unpack(
            &Span::open(z.path()).unwrap(),
            dest.path(),
            Limits::default(),
        )
        .unwrap_err();
        assert!(format!("{err:#}").contains("../evil.txt"));
        assert_eq!(fs::read_dir(dest.path()).unwrap().count(), 0);
    }

    #[test]
    fn size_cap_stops_bombs() {
        let big = vec![0u8; 100_000];
        let z = make_zip(&[("a", &big)]);
        let dest = tempfile::tempdir().unwrap();
        let limits = Limits {
            max_entries: 10,
            max_total_bytes: 1000,
        };
        let err = unpack(&Span::open(z.path()).unwrap(), dest.path(), limits).unwrap_err();
        assert!(format!("{err:#}").contains("zip bomb"));
    }

    /// A real bomb: 128 MiB of zeros deflate to about 130 KB. Its
    /// header says so, and the cap refuses it before anything is written.
    #[test]
    fn a_real_zip_bomb_is_refused_before_writing() {
        let mut buf = Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            let opts = SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .large_file(true);
            w.start_file("zeros.bin", opts).unwrap();
            let chunk = vec![0u8; 1 << 20];
            for _ in 0..128 {
                w.write_all(&chunk).unwrap();
            }
            w.finish().unwrap();
        }
        assert!(buf.get_ref().len() < 256 << 10, "{}", buf.get_ref().len());
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(buf.get_ref()).unwrap();
        let dest = tempfile::tempdir().unwrap();
        let limits = Limits {
            max_entries: 10,
            max_total_bytes: 16 << 20,
        };
        let err = format!(
            "{:#}",
            unpack(&Span::open(f.path()).unwrap(), dest.path(), limits).unwrap_err()
        );
        assert!(
            err.contains("zip bomb") && err.contains("max_unpacked_mb"),
            "{err}"
        );
        assert_eq!(fs::read_dir(dest.path()).unwrap().count(), 0);
    }

    /// The same bytes with a header that lies about the size: the copy stops at
    /// the cap, it does not trust the header.
    #[test]
    fn a_bomb_that_lies_about_its_size_stops_at_the_cap() {
        let data = vec![0u8; 4 << 20];
        let z = make_zip(&[("a.bin", &data)]);
        let mut bytes = fs::read(z.path()).unwrap();
        // Uncompressed size fields: local header at offset 22, central
        // directory header at its offset + 24. Claim 10 bytes in both.
        bytes[22..26].copy_from_slice(&10u32.to_le_bytes());
        let cd = bytes.windows(4).rposition(|w| w == b"PK\x01\x02").unwrap();
        bytes[cd + 24..cd + 28].copy_from_slice(&10u32.to_le_bytes());
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(&bytes).unwrap();
        let dest = tempfile::tempdir().unwrap();
        let limits = Limits {
            max_entries: 10,
            max_total_bytes: 1 << 20,
        };
        // Either the cap or the zip reader's own size check stops it; never
        // more than the cap (+1 byte to detect it) is written.
        assert!(unpack(&Span::open(f.path()).unwrap(), dest.path(), limits).is_err());
        let written = fs::metadata(dest.path().join("a.bin")).map_or(0, |m| m.len());
        assert!(written <= (1 << 20) + 1, "{written}");
    }

    /// A reader that counts the reads and seeks that reach it.
    struct Counted {
        inner: std::io::Cursor<Vec<u8>>,
        reads: usize,
        seeks: usize,
    }

    impl Read for Counted {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.reads += 1;
            self.inner.read(buf)
        }
    }

    impl Seek for Counted {
        fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
            self.seeks += 1;
            self.inner.seek(to)
        }
    }

    #[test]
    fn seeks_inside_the_buffer_read_nothing_again_and_land_where_asked() {
        let bytes: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
        let inner = Counted {
            inner: std::io::Cursor::new(bytes.clone()),
            reads: 0,
            seeks: 0,
        };
        let mut r = SeekBuf::new(4096, inner);
        let mut two = [0u8; 2];
        // Forward and back inside the first 4 KiB: one read, no seek.
        for at in [0u64, 10, 3000, 5, 4000] {
            assert_eq!(r.seek(SeekFrom::Start(at)).unwrap(), at);
            r.read_exact(&mut two).unwrap();
            assert_eq!(two, [bytes[at as usize], bytes[at as usize + 1]], "at {at}");
        }
        assert_eq!((r.inner.get_ref().reads, r.inner.get_ref().seeks), (1, 0));
        // Past the buffer, and from the end: where asked, as a plain reader.
        for to in [
            SeekFrom::Start(9000),
            SeekFrom::End(-4),
            SeekFrom::Current(-100),
        ] {
            let at = r.seek(to).unwrap();
            assert_eq!(r.stream_position().unwrap(), at);
            r.read_exact(&mut two).unwrap();
            assert_eq!(two, [bytes[at as usize], bytes[at as usize + 1]], "{to:?}");
        }
        assert!(r.seek(SeekFrom::Current(-1_000_000)).is_err());
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(b"PK\x03\x04 not really").unwrap();
        let dest = tempfile::tempdir().unwrap();
        assert!(unpack(
            &Span::open(f.path()).unwrap(),
            dest.path(),
            Limits::default()
        )
        .is_err());
    }
}
