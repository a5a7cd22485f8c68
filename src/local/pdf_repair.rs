//! A repair pass for PDFs whose cross-reference table points at the wrong
//! bytes (a log prepended by the program that wrote it, line ends rewritten
//! by a transfer in text mode): the table is rebuilt from where each `N G obj`
//! really starts, as poppler and qpdf do, and appended as the file's last
//! section. lopdf rebuilds the table only when it cannot parse it at all, not
//! when it parses and points into the middle of other objects.

/// The bytes from `%PDF-` on, with a cross-reference section and trailer
/// appended that point at every object where it is; `None` when no object or
/// no catalog is found.
pub fn rebuild_xref(bytes: &[u8]) -> Option<Vec<u8>> {
    let start = find(bytes, b"%PDF-", 0)?;
    let pdf = &bytes[start..];
    let mut objects: std::collections::BTreeMap<u32, (u16, usize)> = Default::default();
    let mut catalog = None;
    let mut at = 0;
    while let Some(found) = find(pdf, b"obj", at) {
        at = found + 3;
        if let Some((num, gen, begin)) = object_header(pdf, found) {
            // A later definition replaces an earlier one (incremental updates).
            objects.insert(num, (gen, begin));
            let body = &pdf[at..pdf.len().min(at + 200)];
            if find(body, b"/Catalog", 0).is_some() && find(body, b"/Pages", 0).is_some() {
                catalog = Some((num, gen));
            }
        }
    }
    let root = trailer_root(pdf)
        .filter(|r| objects.contains_key(&r.0))
        .or(catalog)?;
    let size = objects.keys().next_back()? + 1;
    let mut out = pdf.to_vec();
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let xref_at = out.len();
    out.extend_from_slice(format!("xref\n0 {size}\n0000000000 65535 f \n").as_bytes());
    for n in 1..size {
        let line = match objects.get(&n) {
            Some((gen, offset)) => format!("{offset:010} {gen:05} n \n"),
            None => "0000000000 65535 f \n".to_string(),
        };
        out.extend_from_slice(line.as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {size} /Root {} {} R >>\nstartxref\n{xref_at}\n%%EOF\n",
            root.0, root.1
        )
        .as_bytes(),
    );
    Some(out)
}

/// Entries of the last cross-reference table read before giving up: a
/// table this long is checked in milliseconds, and a longer one is left to
/// lopdf as it is.
const MAX_CHECKED_ENTRIES: usize = 1 << 20;

/// How far from where `startxref` points a table is looked for when it is
/// not there.
const NEARBY: usize = 1024;

/// Whether the classic cross-reference table `startxref` points at lists an
/// object at an offset where that object does not start. lopdf loads such a
/// file and leaves the objects it cannot find out: pdf-lib's
/// `with_missing_endstream_eol_and_polluted_ctm.pdf`, its bytes edited after
/// the table was written, keeps its page tree where the table says and its
/// content streams 2–10 bytes further on, and read as a blank page. poppler
/// rebuilds the table when an object is not where it is listed; so does
/// [`rebuild_xref`], asked when this says so. The table read is the one
/// `startxref` points at or, when it points beside it (that file's does, by
/// 10 bytes), the nearest within a kilobyte. A cross-reference stream and a
/// table that does not parse say nothing here (lopdf and the repairs before
/// it handle them).
fn xref_points_astray(bytes: &[u8]) -> bool {
    let tail = bytes.len().saturating_sub(1024);
    let Some(pointer) = bytes[tail..]
        .windows(9)
        .rposition(|w| w == b"startxref")
        .map(|at| tail + at + 9)
    else {
        return false;
    };
    let mut tokens = Tokens { bytes, at: pointer };
    let Some(pointed) = tokens.next().and_then(|t| t.parse::<usize>().ok()) else {
        return false;
    };
    // A pointer a few bytes off (the same edit moved the table) is read as
    // lopdf reads it, from the table nearest to where it points.
    let near = pointed.saturating_sub(NEARBY).min(bytes.len())
        ..pointed.saturating_add(NEARBY).min(bytes.len());
    let Some(start) = (bytes.get(pointed..pointed + 4) == Some(b"xref"))
        .then_some(pointed)
        .or_else(|| {
            bytes[near.clone()]
                .windows(5)
                .enumerate()
                .filter(|(_, w)| w[0].is_ascii_whitespace() && &w[1..] == b"xref")
                .map(|(at, _)| near.start + at + 1)
                .min_by_key(|at| at.abs_diff(pointed))
        })
    else {
        return false;
    };
    let mut tokens = Tokens {
        bytes,
        at: start + 4,
    };
    let mut checked = 0;
    loop {
        let Some(first) = tokens.next() else {
            return false;
        };
        let (Ok(first), Some(Ok(count))) = (
            first.parse::<u32>(),
            tokens.next().map(|t| t.parse::<u32>()),
        ) else {
            // `trailer`, or what no table holds.
            return false;
        };
        for number in first..first.saturating_add(count) {
            let (Some(offset), Some(_), Some(kind)) = (tokens.next(), tokens.next(), tokens.next())
            else {
                return false;
            };
            checked += 1;
            if checked > MAX_CHECKED_ENTRIES {
                return false;
            }
            let Ok(offset) = offset.parse::<usize>() else {
                return false;
            };
            if kind == "n" && offset > 0 && !object_starts_at(bytes, offset, number) {
                return true;
            }
        }
    }
}

/// The file with its table rebuilt ([`rebuild_xref`]) when the table points
/// beside its objects ([`xref_points_astray`]); `None` when it does not, or
/// cannot be rebuilt.
fn rebuilt_if_astray(bytes: &[u8]) -> Option<Vec<u8>> {
    xref_points_astray(bytes)
        .then(|| rebuild_xref(bytes))
        .flatten()
}

/// The file with what poppler reads past mended before reading: a stream's
/// `/Length` that misses its data's end ([`stream_lengths_mended`]), then a
/// table that points beside its objects rebuilt ([`rebuilt_if_astray`]);
/// `None` when neither applies.
pub fn mended(bytes: &[u8]) -> Option<Vec<u8>> {
    let lengths = stream_lengths_mended(bytes);
    rebuilt_if_astray(lengths.as_deref().unwrap_or(bytes)).or(lengths)
}

/// The file with the `/Length` of each stream that lopdf cannot read
/// rewritten to where its data ends: the length misses the `endstream`
/// keyword and the keyword follows the data without a line end (pdf-lib's
/// `with_missing_endstream_eol_and_polluted_ctm.pdf`: three `ToUnicode`
/// maps, each one byte shorter than its `/Length` says, so "end" ran into
/// "endstream"). lopdf finds a stream's end without its length only where
/// a line end precedes the keyword, and otherwise drops the whole object:
/// every glyph of those fonts read as its bare code. poppler reads to the
/// keyword. The number is written in place of the old one, padded with
/// spaces, so no other byte moves (a number that does not fit is left
/// alone); `None` when no stream needs it.
fn stream_lengths_mended(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out: Option<Vec<u8>> = None;
    let mut past = 0;
    for keyword in memchr::memmem::find_iter(bytes, b"stream") {
        if keyword < past || bytes[..keyword].ends_with(b"end") {
            continue;
        }
        let data = keyword
            + 6
            + match bytes.get(keyword + 6..keyword + 8) {
                Some(b"\r\n") => 2,
                Some([b'\n' | b'\r', _]) => 1,
                _ => continue,
            };
        let Some((field, length)) = direct_length(bytes, keyword) else {
            continue;
        };
        if data
            .checked_add(length)
            .is_some_and(|end| ends_there(bytes, end))
        {
            past = data.saturating_add(length);
            continue;
        }
        let Some(end) = memchr::memmem::find(&bytes[data..], b"endstream").map(|k| data + k) else {
            break;
        };
        past = end + 9;
        // Where a line end precedes the keyword, lopdf finds the end itself.
        if matches!(bytes[end - 1], b'\n' | b'\r') || !closes_object(&bytes[end + 9..]) {
            continue;
        }
        let number = (end - data).to_string();
        if number.len() <= field.len() {
            let out = out.get_or_insert_with(|| bytes.to_vec());
            let width = field.len();
            out[field].copy_from_slice(format!("{number:<width$}").as_bytes());
        }
    }
    out
}

/// The stream dictionary's direct `/Length` before the `stream` keyword at
/// `keyword`: the bytes of its number with the spaces after it (where a
/// new number may be written), and its value. `None` for an indirect
/// length (`/Length 12 0 R`) or none found.
fn direct_length(bytes: &[u8], keyword: usize) -> Option<(std::ops::Range<usize>, usize)> {
    let dict = &bytes[keyword.saturating_sub(4096)..keyword];
    let base = keyword - dict.len();
    // The dictionary starts after its object's `obj` keyword.
    let from = memchr::memmem::rfind(dict, b"obj").map_or(0, |k| k + 3);
    let name = memchr::memmem::rfind(&dict[from..], b"/Length")? + from + 7;
    let rest = &dict[name..];
    if !rest.first()?.is_ascii_whitespace() {
        // `/Length1` and the like, a font program's.
        return None;
    }
    let digits_at = rest.iter().position(|b| !b.is_ascii_whitespace())?;
    let digits = rest[digits_at..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    let spaces = rest[digits_at + digits..]
        .iter()
        .take_while(|b| b.is_ascii_whitespace())
        .count();
    let after = &rest[digits_at + digits + spaces..];
    if digits == 0 || digits > 12 || after.first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let value = std::str::from_utf8(&rest[digits_at..digits_at + digits])
        .ok()?
        .parse()
        .ok()?;
    let start = base + name + digits_at;
    // One space is kept before the next token when it is not a delimiter.
    let keep = usize::from(after.first().is_some_and(|b| b.is_ascii_alphanumeric()));
    Some((start..start + digits + spaces - keep.min(spaces), value))
}

/// Whether a stream's data ending at `at` is followed by `endstream`, after
/// one line end at most: its length is right.
fn ends_there(bytes: &[u8], at: usize) -> bool {
    let rest = bytes.get(at..).unwrap_or_default();
    let rest = rest
        .strip_prefix(b"\r\n")
        .or_else(|| rest.strip_prefix(b"\n"))
        .or_else(|| rest.strip_prefix(b"\r"))
        .unwrap_or(rest);
    rest.starts_with(b"endstream")
}

/// Whether `endobj` follows, after white space.
fn closes_object(rest: &[u8]) -> bool {
    let skip = rest.iter().take_while(|b| b.is_ascii_whitespace()).count();
    rest[skip..].starts_with(b"endobj")
}

/// Whether `N G obj` for object `number` starts at `offset`.
fn object_starts_at(bytes: &[u8], offset: usize, number: u32) -> bool {
    let mut tokens = Tokens { bytes, at: offset };
    bytes.get(offset).is_some_and(u8::is_ascii_digit)
        && tokens.next().and_then(|n| n.parse::<u32>().ok()) == Some(number)
        && tokens
            .next()
            .is_some_and(|g| g.bytes().all(|b| b.is_ascii_digit()))
        && tokens.next().is_some_and(|k| k.starts_with("obj"))
}

/// Whitespace-separated ASCII tokens of a byte string from `at` on.
struct Tokens<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Tokens<'a> {
    fn next(&mut self) -> Option<&'a str> {
        let rest = self.bytes.get(self.at..)?;
        let begin = rest.iter().position(|b| !b.is_ascii_whitespace())?;
        let word = &rest[begin..];
        // Numbers and keywords are short; a longer token is cut (and matches none).
        let len = word
            .iter()
            .take(32)
            .position(|b| b.is_ascii_whitespace())
            .unwrap_or(word.len().min(32));
        self.at += begin + len;
        std::str::from_utf8(&rest[begin..begin + len]).ok()
    }
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    memchr::memmem::find(hay.get(from..)?, needle).map(|i| i + from)
}

/// For an `obj` keyword at `at`: the object number, generation and the offset
/// of the number, when the keyword follows `N G` at a line's start.
fn object_header(pdf: &[u8], at: usize) -> Option<(u32, u16, usize)> {
    let after = pdf.get(at + 3).copied();
    if after.is_some_and(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let mut i = at;
    let mut fields = Vec::new();
    for _ in 0..2 {
        while i > 0 && pdf[i - 1].is_ascii_whitespace() {
            i -= 1;
        }
        let end = i;
        while i > 0 && pdf[i - 1].is_ascii_digit() {
            i -= 1;
        }
        if i == end || end - i > 10 {
            return None;
        }
        fields.push(std::str::from_utf8(&pdf[i..end]).ok()?);
    }
    if i > 0 && !matches!(pdf[i - 1], b'\n' | b'\r') {
        return None;
    }
    Some((fields[1].parse().ok()?, fields[0].parse().ok()?, i))
}

/// `/Root N G R` of the file's last trailer.
fn trailer_root(pdf: &[u8]) -> Option<(u32, u16)> {
    let trailer = pdf.windows(7).rposition(|w| w == b"trailer")?;
    let root = find(pdf, b"/Root", trailer)?;
    let text = std::str::from_utf8(&pdf[root + 5..pdf.len().min(root + 40)]).ok()?;
    let mut words = text.split_whitespace();
    let num = words.next()?.parse().ok()?;
    let gen = words.next()?.parse().ok()?;
    (words.next()?.starts_with('R')).then_some((num, gen))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_that_points_elsewhere_is_rebuilt() {
        let body = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n";
        // A log before the header and a table whose offsets are all wrong.
        let broken = format!(
            "gs: processing\n{body}xref\n0 3\n0000000000 65535 f \n0000000999 00000 n \n0000000998 00000 n \ntrailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n{}\n%%EOF\n",
            body.len()
        );
        let fixed = rebuild_xref(broken.as_bytes()).unwrap();
        let doc = lopdf::Document::load_mem(&fixed).unwrap();
        let root = doc.trailer.get(b"Root").unwrap().as_reference().unwrap();
        assert_eq!(root, (1, 0));
        assert_eq!(
            doc.get_dictionary((2, 0))
                .unwrap()
                .get(b"Type")
                .unwrap()
                .as_name()
                .unwrap(),
            b"Pages"
        );
        assert_eq!(rebuild_xref(b"no pdf here"), None);
    }

    /// A file whose objects sit where its table lists them, and the same
    /// table with one entry two bytes off (pdf-lib's file edited after its
    /// table was written).
    #[test]
    fn a_table_listing_an_object_beside_it_points_astray() {
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [] /Count 0 >>",
        ];
        let pdf = |shift: usize| {
            let mut body = "%PDF-1.4\n".to_string();
            let mut offsets = vec![];
            for (k, object) in objects.iter().enumerate() {
                offsets.push(body.len());
                body += &format!("{} 0 obj\n{object}\nendobj\n", k + 1);
            }
            let xref = body.len();
            body += "xref\n0 3\n0000000000 65535 f \n";
            body += &format!("{:010} 00000 n \n", offsets[0]);
            body += &format!("{:010} 00000 n \n", offsets[1] + shift);
            body + &format!("trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n")
        };
        assert!(!xref_points_astray(pdf(0).as_bytes()));
        assert!(xref_points_astray(pdf(2).as_bytes()));
        // `startxref` beside the table: the last table is read.
        let off = |shift| pdf(shift).replace("startxref\n", "startxref\n1");
        assert!(xref_points_astray(off(2).as_bytes()));
        assert!(!xref_points_astray(off(0).as_bytes()));
        assert!(!xref_points_astray(b"no pdf here"));
    }

    /// A stream one byte shorter than its `/Length`, `endstream` straight
    /// after its data (pdf-lib's damaged receipt), and what is left alone.
    #[test]
    fn a_length_that_runs_into_endstream_is_rewritten_in_place() {
        let object = |length: &str, data: &str, eol: &str| {
            format!("%PDF-1.4\n5 0 obj\n<< /Length {length}\n>>\nstream\n{data}{eol}endstream\nendobj\n")
        };
        let broken = object("749", &"x".repeat(748), "");
        let fixed = stream_lengths_mended(broken.as_bytes()).unwrap();
        assert_eq!(fixed.len(), broken.len());
        assert_eq!(
            String::from_utf8(fixed).unwrap(),
            broken.replace("/Length 749\n>>", "/Length 748 >>")
        );
        // Too short by a byte, a number that needs one more digit: written
        // over the line end after it.
        let short = object("99", &"y".repeat(100), "");
        let fixed = String::from_utf8(stream_lengths_mended(short.as_bytes()).unwrap()).unwrap();
        assert!(fixed.contains("<< /Length 100>>\nstream"), "{fixed}");
        // Right, or right but for a line end lopdf skips itself, or
        // indirect, or a font program's length: left alone.
        for fine in [
            object("12", "0123456789ab", "\n"),
            object("12", "0123456789ab", ""),
            object("13", "0123456789ab", "\n"),
            object("12 0 R", "0123456789abc", ""),
            object("12 /Length1 12", "0123456789abc", "")
                .replace("<< /Length 12 ", "<< /Length1 12 "),
        ] {
            assert_eq!(stream_lengths_mended(fine.as_bytes()), None, "{fine}");
        }
    }

    /// A line slipped in after the header (as in pdfplumber's issue-848.pdf):
    /// lopdf parses the table and then finds no page where it points.
    #[test]
    fn a_shifted_file_is_read_once_rebuilt() {
        let pdf = std::fs::read(crate::local::fixture("demo1.pdf")).unwrap();
        let cut = pdf.iter().position(|b| *b == b'\n').unwrap() + 1;
        let mut shifted = b"GPL Ghostscript: processing\n".to_vec();
        shifted.extend_from_slice(&pdf[..cut]);
        shifted.extend_from_slice(b"%%Invocation: gs -sDEVICE=pdfwrite\n");
        shifted.extend_from_slice(&pdf[cut..]);
        assert!(pdf_inspector::extract_pages_markdown_mem(&shifted, None).is_err());
        let fixed = rebuild_xref(&shifted).unwrap();
        let pages = pdf_inspector::extract_pages_markdown_mem(&fixed, None).unwrap();
        assert_eq!(pages.pages.len(), 13);
    }
}
