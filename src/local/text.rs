//! TXT and MD are passed through (invalid UTF-8 replaced, a BOM dropped).

use std::path::Path;

use super::{read, Extracted};
use crate::error::Error;

pub fn extract(path: &Path, input: &str) -> Result<Extracted, Error> {
    let bytes = read(path, input)?;
    let text = String::from_utf8_lossy(&bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    Ok(Extracted {
        pages: vec![text.to_string()],
        ..Extracted::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_passed_through_without_bom() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        std::fs::write(&path, "\u{feff}# Hi\n\nthere \u{ff}\n").unwrap();
        let x = extract(&path, "a.md").unwrap();
        assert_eq!(x.pages, vec!["# Hi\n\nthere \u{ff}\n".to_string()]);
    }
}
