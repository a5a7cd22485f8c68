//! HTML → markdown with `htmd`. Scripts, styles and embedded frames are dropped,
//! never run; remote images stay links and nothing is fetched.

use std::path::Path;

use super::{read, Extracted};
use crate::error::Error;

pub fn extract(path: &Path, input: &str) -> Result<Extracted, Error> {
    let bytes = read(path, input)?;
    let html = String::from_utf8_lossy(&bytes);
    Ok(Extracted {
        pages: vec![to_markdown(&html, input)?],
        ..Extracted::default()
    })
}

pub fn to_markdown(html: &str, input: &str) -> Result<String, Error> {
    let converter = htmd::HtmlToMarkdown::builder()
        .skip_tags(vec![
            "script", "style", "noscript", "iframe", "object", "embed", "template", "head",
        ])
        .build();
    converter.convert(html).map_err(|e| {
        Error::input(input, format!("cannot be read as HTML: {e}"))
            .with_hint("check that the file is an HTML page")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_lists_tables_and_no_scripts() {
        let html = r#"<html><head><title>t</title><script>alert(1)</script></head><body>
            <h1>Title</h1><p>Some <b>bold</b> and <a href="https://e.com/">a link</a>.</p>
            <ul><li>one</li><li>two</li></ul><img src="https://e.com/x.png" alt="x">
            <script>document.write('evil')</script><style>p{}</style></body></html>"#;
        let md = to_markdown(html, "t.html").unwrap();
        assert!(md.starts_with("# Title"), "{md}");
        assert!(
            md.contains("**bold**") && md.contains("[a link](https://e.com/)"),
            "{md}"
        );
        assert!(
            md.contains("*   one") || md.contains("- one") || md.contains("* one"),
            "{md}"
        );
        assert!(
            !md.contains("alert") && !md.contains("evil") && !md.contains("p{}"),
            "{md}"
        );
        assert!(md.contains("![x](https://e.com/x.png)"), "{md}");
    }
}
