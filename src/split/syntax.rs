//! The bytes of a PDF as the splitter reads them before lopdf does: tokens,
//! where a stream's data starts, a stream's indirect `/Length`, and lopdf run
//! on a handful of objects at a time.

use std::collections::BTreeMap;

use anyhow::{anyhow, Result};
use lopdf::{Dictionary, Document, ObjectId};

pub(super) fn unreadable(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow!("cannot read it as a PDF to split it: {e}")
}

/// Parses indirect objects (their bytes as in the file) with lopdf, as one
/// small PDF made of them alone.
pub(super) fn parse_objects(objects: &[(ObjectId, Vec<u8>)]) -> Result<Document> {
    let mut buf = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut at: BTreeMap<u32, (usize, u16)> = BTreeMap::new();
    for (id, bytes) in objects {
        at.insert(id.0, (buf.len(), id.1));
        buf.extend_from_slice(bytes);
        buf.extend_from_slice(b"\n");
    }
    let size = at.keys().next_back().map_or(1, |n| n + 1);
    let xref = buf.len();
    // One subsection per run of consecutive numbers: the table grows with the
    // objects given, not with their numbers (a damaged file may number an
    // object 4,000,000,000).
    buf.extend_from_slice(b"xref\n0 1\n0000000000 65535 f \n");
    let numbers: Vec<u32> = at.keys().copied().filter(|&n| n > 0).collect();
    for run in numbers.chunk_by(|a, b| a + 1 == *b) {
        buf.extend_from_slice(format!("{} {}\n", run[0], run.len()).as_bytes());
        for n in run {
            let (offset, generation) = at[n];
            buf.extend_from_slice(format!("{offset:010} {generation:05} n \n").as_bytes());
        }
    }
    buf.extend_from_slice(
        format!("trailer\n<< /Size {size} >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    Document::load_mem(&buf).map_err(unreadable)
}

pub(super) fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\0')
}

/// The position just after the `stream` keyword's end of line, when `head`
/// holds a stream's dictionary.
pub(super) fn stream_data_start(head: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(p) = find(&head[from..], b"stream").map(|p| p + from) {
        let before = head[..p].iter().rposition(|&b| !is_space(b));
        let after = &head[p + 6..];
        let eol = if after.starts_with(b"\r\n") {
            Some(2)
        } else if after.starts_with(b"\n") || after.starts_with(b"\r") {
            Some(1)
        } else {
            None
        };
        if let (Some(b), Some(eol)) = (before, eol) {
            if b >= 1 && &head[b - 1..=b] == b">>" {
                return Some(p + 6 + eol);
            }
        }
        from = p + 6;
    }
    None
}

/// The object a stream's `/Length` refers to (`/Length 12 0 R`), read from
/// its dictionary's bytes; None when the length is written out (or absent).
/// `/Length1`…`/Length3` of font streams are other keys.
pub(super) fn indirect_length(dict: &[u8]) -> Option<ObjectId> {
    let mut from = 0;
    while let Some(p) = find(&dict[from..], b"/Length").map(|p| p + from) {
        from = p + 7;
        if !dict.get(from).copied().is_some_and(is_space) {
            continue;
        }
        let mut words = tokens(&dict[from..]).map(|(_, t)| t);
        let (Some(number), Some(generation), Some(r)) = (words.next(), words.next(), words.next())
        else {
            return None;
        };
        let delimited = r.len() == 1 || matches!(r[1], b'/' | b'>' | b'[' | b'<' | b'(');
        if r.first() != Some(&b'R') || !delimited {
            return None;
        }
        let number = std::str::from_utf8(number).ok()?.parse().ok()?;
        let generation = std::str::from_utf8(generation).ok()?.parse().ok()?;
        return Some((number, generation));
    }
    None
}

pub(super) fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The trailer dictionary that starts at `text` (at `<<`), parsed by lopdf.
pub(super) fn parse_dictionary(text: &[u8]) -> Result<Dictionary> {
    let mut depth = 0usize;
    let mut end = None;
    let mut i = 0;
    while i + 1 < text.len() {
        match &text[i..i + 2] {
            b"<<" => {
                depth += 1;
                i += 2;
            }
            b">>" => {
                depth = depth.saturating_sub(1);
                i += 2;
                if depth == 0 {
                    end = Some(i);
                    break;
                }
            }
            _ => i += 1,
        }
    }
    let end = end.ok_or_else(|| unreadable("a trailer does not end"))?;
    let mut object = b"1 0 obj\n".to_vec();
    object.extend_from_slice(&text[..end]);
    object.extend_from_slice(b"\nendobj");
    let doc = parse_objects(&[((1, 0), object)])?;
    doc.get_dictionary((1, 0)).cloned().map_err(unreadable)
}

/// Splits `text` into whitespace-separated tokens with their positions.
pub(super) fn tokens(text: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < text.len() && is_space(text[i]) {
            i += 1;
        }
        if i >= text.len() {
            return None;
        }
        let start = i;
        while i < text.len() && !is_space(text[i]) {
            i += 1;
        }
        Some((start, &text[start..i]))
    })
}

pub(super) fn number<T: std::str::FromStr>(token: &[u8]) -> Result<T> {
    std::str::from_utf8(token)
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| unreadable("a cross-reference table is damaged"))
}
