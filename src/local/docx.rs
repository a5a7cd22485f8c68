//! DOCX → markdown: headings, lists, tables, emphasis, links and images, through
//! anydoc's document model (styles, numbering and relationships resolved there).

use std::path::Path;

use super::{check_zip, convert_error, read, render, Extracted};
use crate::error::Error;

pub fn extract(path: &Path, input: &str) -> Result<Extracted, Error> {
    check_zip(path, input)?;
    let bytes = read(path, input)?;
    let doc = anydoc::to_document(&bytes[..], anydoc::Format::Docx)
        .map_err(|e| convert_error(input, e))?;
    let (sections, images) = render::render(&doc, None);
    Ok(Extracted {
        pages: vec![sections.join("\n\n")],
        images,
        ..Extracted::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::local::fixture;

    #[test]
    fn docx_fixture_gives_headings_text_and_its_images() {
        let x = extract(&fixture("docx_01.docx"), "docx_01.docx").unwrap();
        let md = &x.pages[0];
        assert!(
            md.lines().any(|l| l.starts_with('#')),
            "no heading in:\n{md}"
        );
        assert!(
            md.split_whitespace().count() > 100,
            "too little text:\n{md}"
        );
        // Every image saved is linked by its name, and every link has its file.
        for image in &x.images {
            assert!(
                md.contains(&format!("]({})", image.name)),
                "{} not linked",
                image.name
            );
            assert!(!image.bytes.is_empty());
        }
    }

    #[test]
    fn a_truncated_docx_is_an_input_error() {
        let bytes = std::fs::read(fixture("docx_01.docx")).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cut.docx");
        std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
        let err = extract(&path, "cut.docx").unwrap_err();
        assert_eq!(err.kind, crate::error::Kind::Input);
        assert!(err.message.starts_with("cut.docx: "), "{}", err.message);
        assert!(err.hint.is_some());
    }
}
