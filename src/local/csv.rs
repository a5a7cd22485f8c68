//! CSV → one markdown table, streamed: records are read and written one at a
//! time. A small file's table is kept in memory; from [`SPOOL_FROM`] bytes it
//! is written to a temporary file that delivery copies into place, so memory
//! stays bounded whatever the size. The delimiter (`,` `;` tab `|`) is chosen
//! from the first line.

use std::io::{BufRead, Write};
use std::path::Path;

use super::render::RowWriter;
use super::Extracted;
use crate::error::Error;

/// From this size a CSV's table goes to a temporary file, not to memory.
pub const SPOOL_FROM: u64 = 8 << 20;

pub fn extract(path: &Path, input: &str) -> Result<Extracted, Error> {
    let size = std::fs::metadata(path).map_or(0, |m| m.len());
    if size < SPOOL_FROM {
        let mut out = Vec::new();
        write_table(path, input, &mut out)?;
        let text = String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        return Ok(Extracted {
            pages: vec![text],
            ..Extracted::default()
        });
    }
    spool(input, |out| write_table(path, input, out))
}

/// What `write` writes, in a temporary file (removed on interrupt) that the
/// caller hands over as [`Extracted::spool`].
pub fn spool(
    input: &str,
    write: impl FnOnce(&mut dyn Write) -> Result<(), Error>,
) -> Result<Extracted, Error> {
    let write_error = |e: std::io::Error| {
        Error::input(
            input,
            format!("cannot write its table to a temporary file: {e}"),
        )
        .with_hint("check the free space of the temporary folder (TMPDIR)")
    };
    let tmp = tempfile::Builder::new()
        .prefix(".docpipe-table-")
        .suffix(".md")
        .tempfile()
        .map_err(write_error)?;
    crate::interrupt::remove_on_interrupt(tmp.path());
    let mut w = std::io::BufWriter::with_capacity(1 << 16, tmp);
    write(&mut w)?;
    // Like a result held in memory (`PageSet::markdown`): a text file ends
    // with a newline, so `cat` and concatenation behave.
    w.write_all(b"\n").map_err(write_error)?;
    let tmp = w.into_inner().map_err(|e| write_error(e.into_error()))?;
    let (_, spool) = tmp.keep().map_err(|e| write_error(e.error))?;
    Ok(Extracted {
        spool: Some(spool),
        ..Extracted::default()
    })
}

/// The file's table, row by row, into `out`.
fn write_table(path: &Path, input: &str, out: &mut dyn Write) -> Result<(), Error> {
    let write_error = |e: std::io::Error| {
        Error::input(input, format!("cannot write its table: {e}"))
            .with_hint("check the free space of the temporary folder (TMPDIR)")
    };
    let file = std::fs::File::open(path).map_err(|e| {
        Error::input(input, format!("cannot read the file: {e}"))
            .with_hint("check that the file exists and is readable")
    })?;
    let mut reader = std::io::BufReader::with_capacity(1 << 16, file);
    let first_line = {
        let buf = reader
            .fill_buf()
            .map_err(|e| Error::input(input, format!("cannot read the file: {e}")))?;
        let end = buf.iter().position(|&b| b == b'\n').unwrap_or(buf.len());
        String::from_utf8_lossy(&buf[..end]).into_owned()
    };
    let delimiter = sniff_delimiter(&first_line);
    let mut csv = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(reader);
    let mut table = RowWriter::default();
    let mut record = ::csv::ByteRecord::new();
    loop {
        match csv.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                return Err(Error::input(input, format!("not a readable CSV file: {e}"))
                    .with_hint("check the file's quoting, or open and save it again as CSV"))
            }
        }
        let cells: Vec<String> = record
            .iter()
            .map(|f| {
                String::from_utf8_lossy(f)
                    .trim_start_matches('\u{feff}')
                    .to_string()
            })
            .collect();
        table.write(out, cells).map_err(write_error)?;
    }
    out.flush().map_err(write_error)
}

fn sniff_delimiter(line: &str) -> u8 {
    [b',', b';', b'\t', b'|']
        .into_iter()
        .max_by_key(|d| line.bytes().filter(|b| b == d).count())
        .filter(|d| line.bytes().any(|b| b == *d))
        .unwrap_or(b',')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_becomes_one_table_with_quotes_and_ragged_rows() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, "name;note\n\"a;b\";x|y\nshort\nc;d;extra\n").unwrap();
        let x = extract(&path, "t.csv").unwrap();
        assert_eq!(
            x.pages[0],
            "| name | note |\n| --- | --- |\n| a;b | x\\|y |\n| short |  |\n| c | d extra |"
        );
    }

    #[test]
    fn broken_quoting_is_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, b"a,b\n\"unterminated,\xff\n").unwrap();
        assert!(extract(&path, "t.csv").is_ok());
    }
}
