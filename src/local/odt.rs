//! ODT (OpenDocument text) → markdown: headings, lists, tables, emphasis, links, footnotes
//! and images (anydoc's model, rendered by `render`).

use std::path::Path;

use super::{anydoc_document, render, Extracted};
use crate::error::Error;

pub fn extract(path: &Path, input: &str) -> Result<Extracted, Error> {
    let doc = anydoc_document(path, input, anydoc::Format::Odt)?;
    Ok(render::whole(&doc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::local::fixture;

    #[test]
    fn odt_fixture_keeps_headings_lists_tables_and_links() {
        let x = extract(&fixture("formats.odt"), "formats.odt").unwrap();
        let md = &x.pages[0];
        assert!(md.starts_with("# Quarterly Field Report\n"), "{md}");
        assert!(md.contains("\n## Findings\n"), "{md}");
        assert!(md.contains("- Alder stands recovered\n"), "{md}");
        assert!(md.contains("| North Fork | 412 |"), "{md}");
        assert!(
            md.contains("[the survey page](https://example.org/survey)"),
            "{md}"
        );
    }
}
