//! XML → markdown. An RSS or Atom feed (by its root element, whatever the file
//! is called) goes to [`super::feed`]; any other XML is checked to be well
//! formed and kept as it is in a fenced `xml` block (a generic XML file has no
//! headings or tables to map; the fence keeps every element and attribute).
//! No DTD is read and no entity beyond XML's five is expanded, so nothing is
//! fetched and nothing grows.

use std::path::Path;

use super::xmltree::parse;
use super::{read, Extracted};
use crate::error::Error;

pub fn extract(path: &Path, input: &str) -> Result<Extracted, Error> {
    let bytes = read(path, input)?;
    let text = String::from_utf8_lossy(&bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let root = parse(text).map_err(|e| {
        Error::input(input, format!("not well-formed XML: {e}"))
            .with_hint("check that the file is XML (or rename it .txt to take it as text)")
    })?;
    if super::feed::is_feed(&root) {
        return Ok(Extracted {
            pages: vec![super::feed::markdown(&root, input)?],
            ..Extracted::default()
        });
    }
    Ok(Extracted {
        pages: vec![format!("```xml\n{}\n```", text.trim())],
        ..Extracted::default()
    })
}
