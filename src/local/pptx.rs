//! PPTX → markdown, one section per slide: its title as a heading, text, tables,
//! images, and the speaker notes as a quote (anydoc's model).

use std::path::Path;

use super::{check_zip, convert_error, read, render, Extracted};
use crate::error::Error;

pub fn extract(path: &Path, input: &str) -> Result<Extracted, Error> {
    check_zip(path, input)?;
    let bytes = read(path, input)?;
    let doc = anydoc::to_document(&bytes[..], anydoc::Format::Pptx)
        .map_err(|e| convert_error(input, e))?;
    Ok(slides(&doc))
}

/// One section per slide of a presentation's model (PPTX, ODP).
pub fn slides(doc: &anydoc::model::Document) -> Extracted {
    // Slide titles are the document's top-level headings: each starts a section.
    let top = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            anydoc::model::Block::Heading { level, .. } => Some(*level),
            _ => None,
        })
        .min();
    let (pages, images) = render::render(doc, top);
    Extracted {
        pages,
        images,
        ..Extracted::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::local::fixture;

    #[test]
    fn pptx_fixture_gives_a_section_per_titled_slide() {
        let x = extract(&fixture("pptx_01.pptx"), "pptx_01.pptx").unwrap();
        assert!(x.pages.len() > 1, "one section only: {:?}", x.pages);
        for page in &x.pages[1..] {
            assert!(
                page.starts_with('#'),
                "a section without its title:\n{page}"
            );
        }
    }
}
