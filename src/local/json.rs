//! JSON → the document as it is, in a fenced `json` block, once it is checked
//! to be valid JSON (key order and numbers kept exactly: it is not re-printed).
//! A Jupyter notebook is JSON too, but has its own reader ([`super::ipynb`]).

use std::path::Path;

use super::{read, Extracted};
use crate::error::Error;

pub fn extract(path: &Path, input: &str) -> Result<Extracted, Error> {
    let bytes = read(path, input)?;
    let text = String::from_utf8_lossy(&bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    // serde_json stops at 128 levels of nesting: a hostile file cannot overflow the stack.
    serde_json::from_str::<serde::de::IgnoredAny>(text).map_err(|e| {
        Error::input(input, format!("not valid JSON: {e}"))
            .with_hint("check that the file is JSON (or rename it .txt to take it as text)")
    })?;
    Ok(Extracted {
        pages: vec![format!("```json\n{}\n```", text.trim())],
        ..Extracted::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_json_is_fenced_as_written_and_invalid_json_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        std::fs::write(&path, "{\"z\": 1.50, \"a\": [true]}\n").unwrap();
        let x = extract(&path, "a.json").unwrap();
        assert_eq!(x.pages, vec!["```json\n{\"z\": 1.50, \"a\": [true]}\n```"]);
        std::fs::write(&path, "{\"z\": ").unwrap();
        let err = extract(&path, "a.json").unwrap_err();
        assert!(err.message.contains("not valid JSON"), "{}", err.message);
        std::fs::write(&path, "[".repeat(100_000)).unwrap();
        assert!(extract(&path, "a.json").is_err());
    }
}
