//! A PDF's page count read locally, so page limits are checked before upload.
//!
//! lopdf reads the cross-reference table (or stream) and the page tree, also
//! when they sit in compressed object streams. When lopdf cannot read the file at
//! all (a damaged or hand-made PDF), the bytes are scanned for the page tree's
//! `/Count` as before, so such a file's limit is still checked; an encrypted PDF
//! or one without a visible tree answers `None` (unknown), and the provider judges.
//! lopdf reads the whole file even for its metadata, so a file over 64 MiB is
//! only scanned (bounded memory): the page count of such a file whose page
//! tree sits in compressed object streams is unknown.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::time::SystemTime;

/// Above this size a PDF is first scanned in bounded memory: lopdf reads the
/// whole file into memory even for its metadata.
const READ_WHOLE_UP_TO: u64 = 64 << 20;

/// A file's page count, read once per process: planning asks for it from
/// several places (the provider's limit check, `--pages`, the budget, the
/// decision to split), and a big file is scanned whole to answer.
pub fn page_count(path: &Path) -> Option<u32> {
    let id = file_id(path)?;
    if let Some(known) = seen().lock().unwrap_or_else(|e| e.into_inner()).get(&id) {
        return *known;
    }
    let count = read_page_count(path);
    seen()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(id, count);
    count
}

/// Records the page count of a file this process wrote (a split document's
/// part), so that checking it does not read it whole again.
pub fn remember_page_count(path: &Path, count: u32) {
    if let Some(id) = file_id(path) {
        seen()
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, Some(count));
    }
}

/// Which file: its device and inode where there are such (so a part renamed
/// after it was written is still known), else its path.
#[derive(PartialEq, Eq, Hash)]
enum Which {
    #[cfg(unix)]
    Inode(u64, u64),
    #[cfg(not(unix))]
    Path(std::path::PathBuf),
}

type FileId = (Which, u64, Option<SystemTime>);

/// The same file unchanged: the same file, length and modification time.
fn file_id(path: &Path) -> Option<FileId> {
    let meta = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let which = {
        use std::os::unix::fs::MetadataExt;
        Which::Inode(meta.dev(), meta.ino())
    };
    #[cfg(not(unix))]
    let which = Which::Path(path.to_path_buf());
    Some((which, meta.len(), meta.modified().ok()))
}

fn seen() -> &'static std::sync::Mutex<HashMap<FileId, Option<u32>>> {
    static SEEN: std::sync::OnceLock<std::sync::Mutex<HashMap<FileId, Option<u32>>>> =
        std::sync::OnceLock::new();
    SEEN.get_or_init(Default::default)
}

fn read_page_count(path: &Path) -> Option<u32> {
    let size = std::fs::metadata(path).ok()?.len();
    if size > READ_WHOLE_UP_TO {
        // A big file is only scanned (1 MiB at a time): a plain page tree is
        // found; one in compressed object streams stays unknown, and the
        // provider judges the page count (memory stays bounded).
        return scanned_count(File::open(path).ok()?);
    }
    match lopdf::Document::load_metadata(path) {
        Ok(m) if m.page_count > 0 => Some(m.page_count),
        _ => scanned_count(File::open(path).ok()?),
    }
}

pub fn page_count_from(mut reader: impl Read) -> Option<u32> {
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes).ok()?;
    match lopdf::Document::load_metadata_mem(&bytes) {
        Ok(m) if m.page_count > 0 => Some(m.page_count),
        _ => scanned_count(&bytes[..]),
    }
}

const CHUNK: usize = 1 << 20;
const CARRY: usize = 8 << 10;

/// The largest `/Count` of a `/Type /Pages` node, read by scanning the bytes.
fn scanned_count(mut reader: impl Read) -> Option<u32> {
    let mut window: Vec<u8> = Vec::with_capacity(CHUNK + CARRY);
    let mut buf = vec![0u8; CHUNK];
    let mut best: Option<u32> = None;
    // Offset (within `window`) before which matches were already examined.
    let mut seen_until = 0usize;
    loop {
        let n = read_full(&mut reader, &mut buf).ok()?;
        window.extend_from_slice(&buf[..n]);
        let at_end = n < buf.len();
        let scan_end = if at_end {
            window.len()
        } else {
            window.len().saturating_sub(CARRY / 2)
        };
        let mut from = seen_until;
        while let Some(pos) = find(&window[from..scan_end], b"/Pages").map(|p| p + from) {
            from = pos + 6;
            let next = window.get(pos + 6).copied().unwrap_or(b' ');
            if next.is_ascii_alphanumeric() || !preceded_by_type(&window[..pos]) {
                continue;
            }
            if let Some(count) = count_in_object(&window, pos) {
                best = Some(best.map_or(count, |b| b.max(count)));
            }
        }
        if at_end {
            return best;
        }
        let keep_from = window.len().saturating_sub(CARRY);
        seen_until = scan_end.saturating_sub(keep_from);
        window.drain(..keep_from);
    }
}

fn read_full(reader: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// `/Type` then optional white space right before `pos`.
fn preceded_by_type(before: &[u8]) -> bool {
    let trimmed = before
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(&before[..0], |i| &before[..=i]);
    trimmed.ends_with(b"/Type")
}

/// The `/Count N` inside the object around `pos` (bounded by `obj` … `endobj`).
fn count_in_object(window: &[u8], pos: usize) -> Option<u32> {
    let lo = pos.saturating_sub(CARRY / 2);
    let hi = (pos + CARRY / 2).min(window.len());
    let start = rfind(&window[lo..pos], b"obj").map_or(lo, |i| lo + i);
    let end = find(&window[pos..hi], b"endobj").map_or(hi, |i| pos + i);
    let object = &window[start..end];
    let at = find(object, b"/Count")?;
    let digits: Vec<u8> = object[at + 6..]
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take_while(|b| b.is_ascii_digit())
        .copied()
        .collect();
    std::str::from_utf8(&digits).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/documents")
            .join(name)
    }

    #[test]
    fn counts_pages_of_real_pdfs() {
        assert_eq!(page_count(&fixture("demo1.pdf")), Some(13));
        assert_eq!(page_count(&fixture("small_ocr.pdf")), Some(8));
        // Its page tree sits in a compressed object stream, which the byte scan
        // alone could not see.
        assert_eq!(page_count(&fixture("test.pdf")), Some(1));
        assert_eq!(
            scanned_count(File::open(fixture("test.pdf")).unwrap()),
            None
        );
    }

    #[test]
    fn a_file_lopdf_refuses_falls_back_to_the_scan() {
        let bytes = b"%PDF-1.4\n1 0 obj << /Type /Pages /Kids [] /Count 40 >> endobj\n";
        assert_eq!(page_count_from(&bytes[..]), Some(40));
    }

    #[test]
    fn tree_split_across_chunks_is_found() {
        let mut pdf = b"%PDF-1.4\n".to_vec();
        pdf.extend(std::iter::repeat_n(b'x', CHUNK - 20));
        pdf.extend_from_slice(b"\n3 0 obj\n<< /Type /Pages /Kids [4 0 R] /Count 42 >>\nendobj\n");
        pdf.extend_from_slice(b"5 0 obj << /Type /Page /Parent 3 0 R >> endobj\n");
        assert_eq!(page_count_from(&pdf[..]), Some(42));
    }

    #[test]
    fn unknown_when_not_a_pdf() {
        assert_eq!(page_count_from(&b"%PDF-1.5 compressed"[..]), None);
        assert_eq!(page_count_from(&b""[..]), None);
        assert_eq!(page_count(Path::new("/nonexistent.pdf")), None);
    }

    #[test]
    fn a_truncated_pdf_is_unknown_or_counted_never_a_panic() {
        let bytes = std::fs::read(fixture("demo1.pdf")).unwrap();
        for cut in [10, 1000, bytes.len() / 2, bytes.len() - 10] {
            let n = page_count_from(&bytes[..cut]);
            assert!(n.is_none_or(|n| n <= 13), "cut at {cut}: {n:?}");
        }
    }
}
