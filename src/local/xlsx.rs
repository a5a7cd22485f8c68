//! XLSX → a markdown table per sheet, each sheet a section.
//!
//! Below [`STREAM_FROM`] bytes, packed or unpacked, the workbook is read whole
//! by anydoc (number formats and dates rendered, merged and hidden cells
//! handled), under its caps. From that size each sheet's XML is streamed from
//! the zip, row by row, into a temporary file (see `csv.rs`): memory holds one
//! row and the shared strings up to [`SPILL_FROM`] bytes (past that, they are
//! kept in an anonymous temporary file and memory holds their ends), not the
//! sheet. Streamed cells are shown as stored: a date is its serial number, a
//! number its stored digits.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Seek, Write};
use std::path::Path;

use quick_xml::events::Event;

use super::render::RowWriter;
use super::{check_zip, convert_error, read, render, Extracted};
use crate::error::Error;

/// From this size a workbook is streamed (the size where a CSV is spooled).
pub const STREAM_FROM: u64 = super::csv::SPOOL_FROM;
/// The most text the shared strings may hold (on disk past [`SPILL_FROM`]).
const MAX_SHARED_BYTES: usize = 1 << 30;
/// Shared strings past this many bytes of text go to a temporary file.
pub const SPILL_FROM: usize = 8 << 20;
/// The longest single XML event (a cell's text) read into memory.
const MAX_EVENT_BYTES: usize = 16 << 20;

pub fn extract(path: &Path, input: &str) -> Result<Extracted, Error> {
    check_zip(path, input)?;
    // A small file can unpack to much (70 MB of shared strings in 1.6 MB):
    // anydoc holds the unpacked XML and its tree, about ten times its size.
    let packed = std::fs::metadata(path).map_or(0, |m| m.len());
    if packed >= STREAM_FROM || unpacked_size(path) >= STREAM_FROM {
        return super::csv::spool(input, |out| stream(path, input, out));
    }
    let bytes = read(path, input)?;
    let mut doc = anydoc::to_document(&bytes[..], anydoc::Format::Excel)
        .map_err(|e| convert_error(input, e))?;
    // anydoc heads each sheet with its name only when there are several;
    // the streamed path always does, and the name says what the table is.
    let headed = doc
        .blocks
        .iter()
        .any(|b| matches!(b, anydoc::model::Block::Heading { .. }));
    if let (false, false, [(name, _)]) = (
        headed,
        doc.blocks.is_empty(),
        sheet_names(&bytes, input).as_slice(),
    ) {
        let heading = anydoc::model::Block::heading(2, vec![anydoc::model::Inline::plain(name)]);
        doc.blocks.insert(0, heading);
    }
    super::sheet_regions::split(&mut doc);
    // Each sheet starts with its name as a level-2 heading.
    let (pages, images) = render::render(&doc, Some(2));
    Ok(Extracted {
        pages,
        images,
        ..Extracted::default()
    })
}

/// The visible sheets' (name, part) of the workbook read into `bytes`, or
/// none when it cannot be read here (anydoc has read it: its sections stand).
fn sheet_names(bytes: &[u8], input: &str) -> Vec<(String, String)> {
    zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .ok()
        .and_then(|mut zip| sheets(&mut zip, input).ok())
        .unwrap_or_default()
}

/// The declared unpacked size of the workbook's members (0 when the zip
/// cannot be read: the reader that follows says why).
fn unpacked_size(path: &Path) -> u64 {
    let Ok(file) = std::fs::File::open(path) else {
        return 0;
    };
    let Ok(mut zip) = zip::ZipArchive::new(file) else {
        return 0;
    };
    (0..zip.len())
        .filter_map(|i| zip.by_index_raw(i).ok().map(|e| e.size()))
        .fold(0u64, u64::saturating_add)
}

fn damaged(input: &str, what: impl std::fmt::Display) -> Error {
    Error::input(input, format!("not a readable XLSX file ({what})"))
        .with_hint("open and save it again in its application, or check that the download finished")
}

/// Every sheet of the workbook at `path`, in workbook order: its name as a
/// level-2 heading, then its rows as a table whose first row is the header.
fn stream(path: &Path, input: &str, out: &mut dyn Write) -> Result<(), Error> {
    let file = std::fs::File::open(path)
        .map_err(|e| Error::input(input, format!("cannot read the file: {e}")))?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| damaged(input, e))?;
    let sheets = sheets(&mut zip, input)?;
    let shared = match zip.by_name("xl/sharedStrings.xml") {
        Ok(entry) => shared_strings(BufReader::new(entry), input)?,
        Err(_) => Shared::default(),
    };
    let write_error = |e: std::io::Error| {
        Error::input(input, format!("cannot write its table: {e}"))
            .with_hint("check the free space of the temporary folder (TMPDIR)")
    };
    for (i, (name, part)) in sheets.iter().enumerate() {
        let entry = zip
            .by_name(part)
            .map_err(|e| damaged(input, format!("{part}: {e}")))?;
        if i > 0 {
            out.write_all(b"\n\n").map_err(write_error)?;
        }
        out.write_all(format!("## {}\n\n", name.replace('\n', " ")).as_bytes())
            .map_err(write_error)?;
        sheet(BufReader::new(entry), &shared, input, out)?;
    }
    out.flush().map_err(write_error)
}

/// (name, zip path) of each visible sheet, from the workbook and its relationships.
fn sheets<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    input: &str,
) -> Result<Vec<(String, String)>, Error> {
    let mut targets: HashMap<String, String> = HashMap::new();
    if let Ok(entry) = zip.by_name("xl/_rels/workbook.xml.rels") {
        each_start(BufReader::new(entry), input, |name, attrs| {
            if name == b"Relationship" {
                if let (Some(id), Some(target)) = (attrs.get("Id"), attrs.get("Target")) {
                    let target = target.trim_start_matches('/');
                    let path = if target.starts_with("xl/") {
                        target.to_string()
                    } else {
                        format!("xl/{target}")
                    };
                    targets.insert(id.clone(), path);
                }
            }
        })?;
    }
    let mut sheets = Vec::new();
    let entry = zip
        .by_name("xl/workbook.xml")
        .map_err(|e| damaged(input, format!("xl/workbook.xml: {e}")))?;
    each_start(BufReader::new(entry), input, |name, attrs| {
        // Hidden sheets are left out, as anydoc leaves them out.
        let hidden = attrs.get("state").is_some_and(|s| s != "visible");
        if name == b"sheet" && !hidden {
            let id = attrs.get("r:id").or_else(|| attrs.get("id"));
            if let (Some(sheet), Some(part)) = (attrs.get("name"), id.and_then(|i| targets.get(i)))
            {
                sheets.push((sheet.clone(), part.clone()));
            }
        }
    })?;
    Ok(sheets)
}

/// Calls `f` with the local name and attributes of every start tag.
fn each_start(
    src: impl BufRead,
    input: &str,
    mut f: impl FnMut(&[u8], &HashMap<String, String>),
) -> Result<(), Error> {
    let mut reader = quick_xml::Reader::from_reader(src);
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                let mut attrs = HashMap::new();
                for a in e.attributes().flatten() {
                    let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
                    let value = a
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map(|v| v.into_owned())
                        .unwrap_or_default();
                    attrs.insert(key, value);
                }
                f(e.local_name().as_ref(), &attrs);
            }
            Ok(Event::Eof) => return Ok(()),
            Ok(_) => {}
            Err(e) => return Err(damaged(input, e)),
        }
        check_event(&buf, input)?;
        buf.clear();
    }
}

fn check_event(buf: &[u8], input: &str) -> Result<(), Error> {
    if buf.len() > MAX_EVENT_BYTES {
        return Err(Error::input(
            input,
            format!(
                "over a safety limit while reading it (one XML item over {} MiB)",
                MAX_EVENT_BYTES >> 20
            ),
        )
        .with_hint("split the workbook, or use a cloud provider (e.g. -p mineru)"));
    }
    Ok(())
}

/// Text and entity events appended to `text`.
fn push_text(event: &Event, text: &mut String) {
    match event {
        Event::Text(t) => text.push_str(&t.decode().unwrap_or_default()),
        Event::CData(t) => text.push_str(&String::from_utf8_lossy(t)),
        Event::GeneralRef(r) => match r.resolve_char_ref() {
            Ok(Some(c)) => text.push(c),
            _ => text.push_str(match r.decode().unwrap_or_default().as_ref() {
                "amp" => "&",
                "lt" => "<",
                "gt" => ">",
                "quot" => "\"",
                "apos" => "'",
                _ => "",
            }),
        },
        _ => {}
    }
}

/// The shared strings table, in memory up to [`SPILL_FROM`] bytes of text,
/// then in an anonymous temporary file (removed by the system when closed)
/// with the end of each string in memory.
#[derive(Default)]
struct Shared {
    memory: Vec<String>,
    spilled: Option<(std::fs::File, Vec<u32>)>,
    total: usize,
}

impl Shared {
    fn push(&mut self, text: String, input: &str) -> Result<(), Error> {
        self.total += text.len();
        if self.total > MAX_SHARED_BYTES {
            return Err(Error::input(
                input,
                format!(
                    "over a safety limit while reading it (shared strings over {} MiB)",
                    MAX_SHARED_BYTES >> 20
                ),
            )
            .with_hint("split the workbook, or use a cloud provider (e.g. -p mineru)"));
        }
        let spill_error = |e: std::io::Error| {
            Error::input(
                input,
                format!("cannot keep its shared strings in a temporary file: {e}"),
            )
            .with_hint("check the free space of the temporary folder (TMPDIR)")
        };
        if self.spilled.is_none() && self.total > SPILL_FROM {
            let mut file = tempfile::tempfile().map_err(spill_error)?;
            let mut ends = Vec::with_capacity(self.memory.len() * 2);
            let mut end = 0u32;
            let mut w = std::io::BufWriter::new(&mut file);
            for s in self.memory.drain(..) {
                w.write_all(s.as_bytes()).map_err(spill_error)?;
                end += s.len() as u32;
                ends.push(end);
            }
            w.flush().map_err(spill_error)?;
            drop(w);
            self.memory = Vec::new();
            self.spilled = Some((file, ends));
        }
        match &mut self.spilled {
            Some((file, ends)) => {
                // Appended where the last write ended (the file's cursor).
                file.write_all(text.as_bytes()).map_err(spill_error)?;
                let end = ends.last().copied().unwrap_or(0) + text.len() as u32;
                ends.push(end);
            }
            None => self.memory.push(text),
        }
        Ok(())
    }

    /// String `i`; empty when there is none (a damaged reference).
    fn get(&self, i: usize) -> String {
        match &self.spilled {
            None => self.memory.get(i).cloned().unwrap_or_default(),
            Some((file, ends)) => {
                let Some(&end) = ends.get(i) else {
                    return String::new();
                };
                let start = if i == 0 { 0 } else { ends[i - 1] };
                let mut bytes = vec![0; (end - start) as usize];
                match read_at(file, &mut bytes, u64::from(start)) {
                    Ok(()) => String::from_utf8(bytes).unwrap_or_default(),
                    Err(_) => String::new(),
                }
            }
        }
    }
}

#[cfg(unix)]
fn read_at(file: &std::fs::File, buf: &mut [u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, at)
}

#[cfg(windows)]
fn read_at(file: &std::fs::File, mut buf: &mut [u8], mut at: u64) -> std::io::Result<()> {
    while !buf.is_empty() {
        match std::os::windows::fs::FileExt::seek_read(file, buf, at)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                at += n as u64;
            }
        }
    }
    Ok(())
}

/// The shared strings table: each `<si>`'s text runs joined (phonetic runs left out).
fn shared_strings(src: impl BufRead, input: &str) -> Result<Shared, Error> {
    let mut reader = quick_xml::Reader::from_reader(src);
    let mut buf = Vec::new();
    let mut strings = Shared::default();
    let (mut current, mut in_t, mut in_phonetic) = (String::new(), false, false);
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| damaged(input, e))?;
        match &event {
            Event::Start(e) => match e.local_name().as_ref() {
                b"t" => in_t = !in_phonetic,
                b"rPh" => in_phonetic = true,
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                b"t" => in_t = false,
                b"rPh" => in_phonetic = false,
                b"si" => strings.push(std::mem::take(&mut current), input)?,
                _ => {}
            },
            Event::Empty(e) if e.local_name().as_ref() == b"si" => {
                strings.push(String::new(), input)?
            }
            Event::Eof => break,
            other if in_t => push_text(other, &mut current),
            _ => {}
        }
        check_event(&buf, input)?;
        buf.clear();
    }
    Ok(strings)
}

/// 0-based column of a cell reference ("C7" → 2).
fn column_of(reference: &str) -> Option<usize> {
    let letters: Vec<u8> = reference
        .bytes()
        .take_while(u8::is_ascii_alphabetic)
        .collect();
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let n = letters.iter().fold(0usize, |n, c| {
        n * 26 + (c.to_ascii_uppercase() - b'A') as usize + 1
    });
    Some(n - 1)
}

/// One sheet's rows as a markdown table, written row by row.
fn sheet(
    src: impl BufRead,
    shared: &Shared,
    input: &str,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let write_error = |e: std::io::Error| {
        Error::input(input, format!("cannot write its table: {e}"))
            .with_hint("check the free space of the temporary folder (TMPDIR)")
    };
    let mut reader = quick_xml::Reader::from_reader(src);
    let mut buf = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut table = RowWriter::default();
    // The cell being read: its column, type and text.
    let mut col = 0usize;
    let mut kind = String::new();
    let mut text = String::new();
    let mut in_value = false;
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| damaged(input, e))?;
        match &event {
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(event, Event::Empty(_));
                match e.local_name().as_ref() {
                    b"row" => row.clear(),
                    b"c" => {
                        col = row.len();
                        kind.clear();
                        text.clear();
                        for a in e.attributes().flatten() {
                            let value = a
                                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .unwrap_or_default();
                            match a.key.as_ref() {
                                b"r" => col = column_of(&value).unwrap_or(col),
                                b"t" => kind.push_str(&value),
                                _ => {}
                            }
                        }
                        if empty {
                            put(&mut row, col, String::new());
                        }
                    }
                    b"v" | b"t" if !empty => in_value = true,
                    _ => {}
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                b"v" | b"t" => in_value = false,
                b"c" => {
                    let value = match kind.as_str() {
                        "s" => text
                            .trim()
                            .parse::<usize>()
                            .map(|i| shared.get(i))
                            .unwrap_or_default(),
                        "b" => (if text.trim() == "1" { "TRUE" } else { "FALSE" }).to_string(),
                        _ => std::mem::take(&mut text),
                    };
                    put(&mut row, col, value);
                }
                b"row" => {
                    table
                        .write(out, std::mem::take(&mut row))
                        .map_err(write_error)?;
                }
                _ => {}
            },
            Event::Eof => break,
            other if in_value => push_text(other, &mut text),
            _ => {}
        }
        check_event(&buf, input)?;
        buf.clear();
    }
    Ok(())
}

/// Sets `row[col]`, filling the columns a sparse row skips.
fn put(row: &mut Vec<String>, col: usize, value: String) {
    // A reference far past the row is a damaged file, not a reason to allocate.
    let col = col.min(row.len() + 16_384);
    if row.len() <= col {
        row.resize(col + 1, String::new());
    }
    row[col] = value;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::local::fixture;

    #[test]
    fn xlsx_fixture_gives_a_table_per_sheet() {
        let x = extract(&fixture("xlsx_01.xlsx"), "xlsx_01.xlsx").unwrap();
        assert!(!x.pages.is_empty());
        for page in &x.pages {
            assert!(page.starts_with("## "), "a sheet without its name:\n{page}");
            assert!(
                page.contains("\n| --- |"),
                "a sheet without a table:\n{page}"
            );
        }
    }

    /// A workbook written by hand: two sheets (the second first in the zip),
    /// shared strings with rich runs and a phonetic run, inline strings,
    /// numbers, booleans, entities, a sparse row and a row wider than the header.
    fn workbook(dir: &Path) -> std::path::PathBuf {
        let path = dir.join("w.xlsx");
        let mut w = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
        let opts = zip::write::SimpleFileOptions::default();
        let ns = r#"xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#;
        let parts = [
            ("xl/worksheets/sheet2.xml", format!(r#"<worksheet {ns}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Only</t></is></c></row><row r="2"><c r="A2"><v>2.5</v></c></row></sheetData></worksheet>"#)),
            ("xl/workbook.xml", format!(r#"<workbook {ns}><sheets><sheet name="First &amp; main" sheetId="1" r:id="rId1"/><sheet name="Second" sheetId="2" r:id="rId2"/></sheets></workbook>"#)),
            ("xl/_rels/workbook.xml.rels", r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="worksheet" Target="/xl/worksheets/sheet2.xml"/></Relationships>"#.to_string()),
            ("xl/sharedStrings.xml", format!(r#"<sst {ns}><si><t>Name</t></si><si><r><t>Va</t></r><r><t>lue</t></r><rPh><t>ignored</t></rPh></si><si><t>a|b &lt;c&gt; &#233;</t></si></sst>"#)),
            ("xl/worksheets/sheet1.xml", format!(r#"<worksheet {ns}><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><t>Flag</t></is></c></row><row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>42</v></c><c r="C2" t="b"><v>1</v></c></row><row r="3"><c r="C3" t="str"><v>only C</v></c></row><row r="4"><c r="A4"><v>1</v></c><c r="B4"><v>2</v></c><c r="C4"><v>3</v></c><c r="D4"><v>4</v></c></row></sheetData></worksheet>"#)),
        ];
        for (name, text) in parts {
            w.start_file(name, opts).unwrap();
            std::io::Write::write_all(&mut w, text.as_bytes()).unwrap();
        }
        w.finish().unwrap();
        path
    }

    #[test]
    fn a_large_workbook_is_streamed_sheet_by_sheet() {
        let dir = tempfile::tempdir().unwrap();
        let path = workbook(dir.path());
        let mut out = Vec::new();
        stream(&path, "w.xlsx", &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "## First & main\n\n\
             | Name | Value | Flag |\n| --- | --- | --- |\n\
             | a\\|b <c> é | 42 | TRUE |\n\
             |  |  | only C |\n\
             | 1 | 2 | 3 4 |\n\n\
             ## Second\n\n| Only |\n| --- |\n| 2.5 |"
        );
    }

    #[test]
    fn streaming_reads_the_same_sheets_and_words_as_anydoc() {
        let path = fixture("xlsx_01.xlsx");
        let whole = extract(&path, "xlsx_01.xlsx").unwrap().pages.join("\n\n");
        let mut out = Vec::new();
        stream(&path, "xlsx_01.xlsx", &mut out).unwrap();
        let streamed = String::from_utf8(out).unwrap();
        let headings = |s: &str| -> Vec<String> {
            s.lines()
                .filter(|l| l.starts_with("## "))
                .map(str::to_string)
                .collect()
        };
        assert_eq!(headings(&streamed), headings(&whole));
        let words = |s: &str| -> std::collections::BTreeSet<String> {
            s.split(|c: char| !c.is_alphabetic())
                .filter(|w| w.len() > 2)
                .map(str::to_string)
                .collect()
        };
        assert_eq!(words(&streamed), words(&whole));
    }

    #[test]
    fn shared_strings_past_the_spill_size_are_read_back_from_disk() {
        let text = |i: usize| format!("{i:06} {}", "x".repeat(90 + i % 7));
        let mut shared = Shared::default();
        let n = SPILL_FROM / 90 + 1000;
        for i in 0..n {
            shared.push(text(i), "t.xlsx").unwrap();
        }
        assert!(shared.spilled.is_some() && shared.memory.is_empty());
        // Before, at and past the point where they spilled; a damaged index.
        for i in [0, 1, SPILL_FROM / 100, n - 1] {
            assert_eq!(shared.get(i), text(i));
        }
        assert_eq!(shared.get(n), "");
    }

    #[test]
    fn a_small_file_that_unpacks_to_much_is_streamed() {
        // 9 MiB of shared strings that zip to a few hundred KiB.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.xlsx");
        let mut w = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
        let opts = zip::write::SimpleFileOptions::default();
        let n = 90_000;
        let strings: String = (0..n)
            .map(|i| format!("<si><t>{i} {}</t></si>", "lorem ipsum ".repeat(8)))
            .collect();
        let parts = [
            ("xl/workbook.xml", r#"<workbook><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_string()),
            ("xl/_rels/workbook.xml.rels", r#"<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>"#.to_string()),
            ("xl/sharedStrings.xml", format!("<sst>{strings}</sst>")),
            ("xl/worksheets/sheet1.xml", r#"<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>89999</v></c></row></sheetData></worksheet>"#.to_string()),
        ];
        for (name, text) in parts {
            w.start_file(name, opts).unwrap();
            std::io::Write::write_all(&mut w, text.as_bytes()).unwrap();
        }
        w.finish().unwrap();
        assert!(std::fs::metadata(&path).unwrap().len() < STREAM_FROM / 8);
        let x = extract(&path, "s.xlsx").unwrap();
        let spool = x.spool.expect("streamed to a temporary file");
        let md = std::fs::read_to_string(&spool).unwrap();
        std::fs::remove_file(&spool).unwrap();
        assert!(md.starts_with("## S\n\n| 0 lorem"), "{md}");
        assert!(md.contains("| 89999 lorem"), "{md}");
    }

    #[test]
    fn a_damaged_sheet_is_an_input_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.xlsx");
        let mut w = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
        w.start_file("xl/workbook.xml", zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut w, b"<workbook><sheets><sheet name=\"a\" r:id=\"x\"")
            .unwrap();
        w.finish().unwrap();
        let err = stream(&path, "bad.xlsx", &mut Vec::new()).unwrap_err();
        assert_eq!(err.kind, crate::error::Kind::Input);
    }
}
