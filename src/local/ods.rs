//! ODS (OpenDocument spreadsheet) → a markdown table per sheet, as XLS.

use std::path::Path;

use super::{xls, Extracted};
use crate::error::Error;

pub fn extract(path: &Path, input: &str) -> Result<Extracted, Error> {
    xls::workbook(path, input, anydoc::Format::Ods)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::local::fixture;

    #[test]
    fn ods_fixture_gives_its_sheet_as_a_table() {
        let x = extract(&fixture("formats.ods"), "formats.ods").unwrap();
        let md = x.pages.join("\n\n");
        assert!(md.contains("| Cedar Run | 287 | Sparse |"), "{md}");
    }
}
