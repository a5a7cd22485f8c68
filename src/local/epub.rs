//! EPUB 2 and 3 (its spine in reading order) → markdown: headings, lists, tables, emphasis, links, footnotes
//! and images (anydoc's model, rendered by `render`).

use std::path::Path;

use super::{anydoc_document, render, Extracted};
use crate::error::Error;

pub fn extract(path: &Path, input: &str) -> Result<Extracted, Error> {
    let doc = anydoc_document(path, input, anydoc::Format::Epub)?;
    Ok(render::whole(&doc))
}
