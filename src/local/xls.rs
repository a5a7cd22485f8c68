//! XLS (legacy Excel, BIFF in an OLE container) → a markdown table per sheet,
//! each sheet a section headed by its name (anydoc's model, number formats and
//! dates rendered).

use std::path::Path;

use super::{anydoc_document, render, Extracted};
use crate::error::Error;

pub fn extract(path: &Path, input: &str) -> Result<Extracted, Error> {
    workbook(path, input, anydoc::Format::Excel)
}

/// A workbook anydoc reads whole (XLS, ODS): each sheet's name is a level-2
/// heading and starts a section.
pub fn workbook(path: &Path, input: &str, format: anydoc::Format) -> Result<Extracted, Error> {
    let mut doc = anydoc_document(path, input, format)?;
    super::sheet_regions::split(&mut doc);
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
    fn xls_fixture_gives_its_sheet_as_a_table() {
        let x = extract(&fixture("formats.xls"), "formats.xls").unwrap();
        let md = x.pages.join("\n\n");
        assert!(md.contains("| North Fork | 412 | Recovered |"), "{md}");
    }
}
