//! ODP (OpenDocument presentation) → markdown, one section per slide, as PPTX:
//! the title as a heading, text, lists, tables, images and speaker notes
//! (anydoc's model).

use std::path::Path;

use super::{anydoc_document, pptx, Extracted};
use crate::error::Error;

pub fn extract(path: &Path, input: &str) -> Result<Extracted, Error> {
    let doc = anydoc_document(path, input, anydoc::Format::Odp)?;
    Ok(pptx::slides(&doc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::local::fixture;

    #[test]
    fn odp_fixture_gives_a_section_per_titled_slide() {
        let x = extract(&fixture("formats.odp"), "formats.odp").unwrap();
        assert!(x.pages.len() > 1, "one section only: {:?}", x.pages);
        assert!(
            x.pages[1..].iter().all(|p| p.starts_with('#')),
            "{:?}",
            x.pages
        );
    }
}
