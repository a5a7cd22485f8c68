//! RTF → markdown: headings, lists, tables, emphasis, links, footnotes
//! and images (anydoc's model, rendered by `render`).

use std::path::Path;

use super::{anydoc_document, render, Extracted};
use crate::error::Error;

pub fn extract(path: &Path, input: &str) -> Result<Extracted, Error> {
    let doc = anydoc_document(path, input, anydoc::Format::Rtf)?;
    Ok(render::whole(&doc))
}
