//! HTML → markdown with `htmd`; tables laid out on their grid
//! (`html_table`). Scripts, styles and embedded frames are dropped,
//! never run; remote images stay links and nothing is fetched.

use std::path::Path;

use htmd::element_handler::Handlers;
use htmd::Element;

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
        .add_handler(vec!["table"], super::html_table::handle)
        .add_handler(vec!["a"], |handlers: &dyn Handlers, element: Element| {
            if element
                .attrs
                .iter()
                .any(|a| &*a.name.local == "href" && runs_code(&a.value))
            {
                // The link would run code when followed from a rendered page:
                // keep its words, drop where it points.
                Some(handlers.walk_children(element.node))
            } else {
                handlers.fallback(element)
            }
        })
        .build();
    converter.convert(html).map_err(|e| {
        Error::input(input, format!("cannot be read as HTML: {e}"))
            .with_hint("check that the file is an HTML page")
    })
}

/// A link target that runs code in a browser. Browsers ignore ASCII
/// whitespace and control characters inside the scheme (`java\tscript:`) and
/// its case, so the check does too.
fn runs_code(href: &str) -> bool {
    let scheme: String = href
        .chars()
        .take_while(|&c| c != ':')
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    href.contains(':') && matches!(scheme.as_str(), "javascript" | "vbscript" | "data")
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

    #[test]
    fn script_links_keep_their_words_and_lose_their_target() {
        let html = r#"<p><a href="javascript:alert(1)">one</a> <a href=" Java&#9;Script:x">two</a>
            <a href="data:text/html,x">three</a> <a href="https://e.com/">four</a></p>"#;
        let md = to_markdown(html, "t.html").unwrap();
        assert!(md.contains("one two") && md.contains("three"), "{md}");
        assert!(!md.to_ascii_lowercase().contains("script:"), "{md}");
        assert!(!md.contains("data:"), "{md}");
        assert!(md.contains("[four](https://e.com/)"), "{md}");
    }
}
