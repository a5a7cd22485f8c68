//! CSV → one markdown table, streamed: records are read and written one at a
//! time, so memory follows the size of the markdown, not of a parsed table. The
//! delimiter (`,` `;` tab `|`) is chosen from the first line.

use std::io::BufRead;
use std::path::Path;

use super::render::table_markdown;
use super::Extracted;
use crate::error::Error;

pub fn extract(path: &Path, input: &str) -> Result<Extracted, Error> {
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
    let mut out = String::new();
    let mut width = 0usize;
    let mut record = ::csv::ByteRecord::new();
    let mut row = 0u64;
    loop {
        match csv.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                return Err(Error::input(input, format!("not a readable CSV file: {e}"))
                    .with_hint("check the file's quoting, or open and save it again as CSV"))
            }
        }
        let mut cells: Vec<String> = record
            .iter()
            .map(|f| {
                String::from_utf8_lossy(f)
                    .trim_start_matches('\u{feff}')
                    .to_string()
            })
            .collect();
        if row == 0 {
            width = cells.len().max(1);
            out.push_str(&table_markdown(&[cells]));
        } else {
            cells.resize(width.max(cells.len()), String::new());
            // Extra cells past the header's width are kept, joined into the last.
            if cells.len() > width {
                let rest = cells.split_off(width - 1).join(" ");
                cells.push(rest);
            }
            let line = table_markdown(&[cells]);
            out.push('\n');
            out.push_str(line.lines().next().unwrap_or(""));
        }
        row += 1;
    }
    Ok(Extracted {
        pages: vec![out],
        ..Extracted::default()
    })
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
