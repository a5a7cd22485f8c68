//! XLSX → a markdown table per sheet, each sheet a section (anydoc's model).
//!
//! The workbook is read whole, under anydoc's caps (4 million cells a table, a
//! 2 million node XML part): a bigger sheet is refused with exit 4, not read
//! into unbounded memory. CSV, which can be streamed, is in `csv.rs`.

use std::path::Path;

use super::{check_zip, convert_error, read, render, Extracted};
use crate::error::Error;

pub fn extract(path: &Path, input: &str) -> Result<Extracted, Error> {
    check_zip(path, input)?;
    let bytes = read(path, input)?;
    let doc = anydoc::to_document(&bytes[..], anydoc::Format::Excel)
        .map_err(|e| convert_error(input, e))?;
    // Each sheet starts with its name as a level-2 heading.
    let (pages, images) = render::render(&doc, Some(2));
    Ok(Extracted {
        pages,
        images,
        ..Extracted::default()
    })
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
}
