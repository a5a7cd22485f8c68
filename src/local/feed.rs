//! RSS (0.9x, 1.0 and 2.0) and Atom feeds → markdown: the feed's title as the
//! top heading and its description, then each item or entry as a level-2
//! heading linking to it, its date, and its summary or content (HTML turned
//! into markdown by [`super::html`], never run, nothing fetched).

use super::xmltree::Element;
use crate::error::Error;

/// Whether the root element is a feed's: `<rss>`, RSS 1.0's `<rdf:RDF>`, or
/// Atom's `<feed>`.
pub fn is_feed(root: &Element) -> bool {
    matches!(root.local.as_str(), "rss" | "feed")
        || (root.local == "RDF" && root.child("channel").is_some())
}

pub fn markdown(root: &Element, input: &str) -> Result<String, Error> {
    let mut out = Vec::new();
    if root.local == "feed" {
        head(&mut out, root, "subtitle", input)?;
        for entry in root.elements().filter(|e| e.local == "entry") {
            item(
                &mut out,
                entry,
                atom_link(entry),
                &["summary", "content"],
                input,
            )?;
        }
    } else {
        let channel = root.child("channel").unwrap_or(root);
        head(&mut out, channel, "description", input)?;
        // RSS 2.0 nests items in the channel; RSS 1.0 puts them beside it.
        let items = channel
            .elements()
            .chain(root.elements())
            .filter(|e| e.local == "item");
        for it in items {
            let link = it.child_text("link");
            item(&mut out, it, link, &["encoded", "description"], input)?;
        }
    }
    Ok(out.join("\n\n"))
}

fn head(out: &mut Vec<String>, el: &Element, about: &str, input: &str) -> Result<(), Error> {
    if let Some(title) = el.child_text("title") {
        out.push(format!("# {}", one_line(&title)));
    }
    if let Some(text) = el.child_text(about) {
        out.push(body(&text, input)?);
    }
    Ok(())
}

fn item(
    out: &mut Vec<String>,
    el: &Element,
    link: Option<String>,
    bodies: &[&str],
    input: &str,
) -> Result<(), Error> {
    let title = el
        .child_text("title")
        .map(|t| one_line(&t))
        .unwrap_or_else(|| "(untitled)".to_string());
    out.push(match link {
        Some(link) => format!("## [{title}]({link})"),
        None => format!("## {title}"),
    });
    let date = ["pubDate", "published", "updated", "date"]
        .iter()
        .find_map(|d| el.child_text(d));
    if let Some(date) = date {
        out.push(format!("*{}*", one_line(&date)));
    }
    if let Some(text) = bodies.iter().find_map(|b| el.child_text(b)) {
        out.push(body(&text, input)?);
    }
    Ok(())
}

/// Atom's link to the entry itself: `rel="alternate"` or no `rel`.
fn atom_link(entry: &Element) -> Option<String> {
    entry
        .elements()
        .filter(|e| e.local == "link")
        .find(|e| matches!(e.attr("rel"), None | Some("alternate")))
        .and_then(|e| e.attr("href"))
        .map(str::to_string)
}

/// A summary: HTML (escaped or in CDATA, as feeds carry it) to markdown.
fn body(text: &str, input: &str) -> Result<String, Error> {
    if text.contains('<') {
        Ok(super::html::to_markdown(text, input)?.trim().to_string())
    } else {
        Ok(text.trim().to_string())
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::local::xmltree::parse;

    #[test]
    fn rss_items_become_linked_headings_with_dates_and_summaries() {
        let root = parse(
            r#"<rss version="2.0"><channel><title>News</title><description>All of it</description>
            <item><title>First</title><link>https://e.com/1</link><pubDate>Mon, 01 Jan 2024</pubDate>
            <description>&lt;p&gt;Some &lt;b&gt;bold&lt;/b&gt; text&lt;/p&gt;</description></item>
            </channel></rss>"#,
        )
        .unwrap();
        assert!(is_feed(&root));
        let md = markdown(&root, "f.xml").unwrap();
        assert_eq!(
            md,
            "# News\n\nAll of it\n\n## [First](https://e.com/1)\n\n*Mon, 01 Jan 2024*\n\nSome **bold** text"
        );
    }

    #[test]
    fn atom_entries_take_their_alternate_link() {
        let root = parse(
            r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>Blog</title>
            <entry><title>Post</title><link rel="self" href="https://e.com/self"/>
            <link href="https://e.com/post"/><updated>2024-01-02</updated>
            <summary>Plain words</summary></entry></feed>"#,
        )
        .unwrap();
        let md = markdown(&root, "f.atom").unwrap();
        assert!(md.contains("## [Post](https://e.com/post)"), "{md}");
        assert!(md.contains("*2024-01-02*\n\nPlain words"), "{md}");
    }
}
