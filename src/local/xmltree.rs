//! A small XML tree for the readers that need one (`xml.rs`, `feed.rs`):
//! elements with their names, attributes and text, built with quick-xml. No
//! DTD is read and no entity beyond XML's five is expanded, so nothing is
//! fetched and nothing grows; nesting is bounded.

use quick_xml::events::Event;

/// The deepest element nesting read (a feed is a few levels deep).
const MAX_DEPTH: usize = 256;

/// An element: its qualified and local names, attributes, and children in order.
#[derive(Debug, Default)]
pub struct Element {
    pub name: String,
    pub local: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
}

#[derive(Debug)]
pub enum Node {
    Element(Element),
    Text(String),
}

impl Element {
    /// The first child element with this local name.
    pub fn child(&self, local: &str) -> Option<&Element> {
        self.elements().find(|e| e.local == local)
    }

    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// All the text inside, in order.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for n in &self.children {
            match n {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) => out.push_str(&e.text()),
            }
        }
        out
    }

    /// The text of the first child named `local`, trimmed; `None` when absent or empty.
    pub fn child_text(&self, local: &str) -> Option<String> {
        let t = self.child(local)?.text();
        let t = t.trim();
        (!t.is_empty()).then(|| t.to_string())
    }
}

/// The document's root element.
pub fn parse(text: &str) -> Result<Element, String> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut stack: Vec<Element> = vec![Element::default()];
    loop {
        let event = reader.read_event().map_err(|e| e.to_string())?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let el = Element {
                    name: String::from_utf8_lossy(e.name().as_ref()).into_owned(),
                    local: String::from_utf8_lossy(e.local_name().as_ref()).into_owned(),
                    attrs: e
                        .attributes()
                        .flatten()
                        .map(|a| {
                            let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
                            let value = a
                                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .map(|v| v.into_owned())
                                .unwrap_or_default();
                            (key, value)
                        })
                        .collect(),
                    children: Vec::new(),
                };
                stack.push(el);
                if stack.len() > MAX_DEPTH {
                    return Err(format!("nested deeper than {MAX_DEPTH} elements"));
                }
                if matches!(event, Event::Empty(_)) {
                    close(&mut stack)?;
                }
            }
            Event::End(_) => close(&mut stack)?,
            Event::Text(t) => push_text(&mut stack, &t.decode().unwrap_or_default()),
            Event::CData(t) => push_text(&mut stack, &String::from_utf8_lossy(&t)),
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => match r.decode().unwrap_or_default().as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "",
                    }
                    .to_string(),
                };
                push_text(&mut stack, &c);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let top = stack.pop().ok_or("no root element")?;
    if !stack.is_empty() {
        return Err("an element is not closed".into());
    }
    top.children
        .into_iter()
        .find_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
        .ok_or_else(|| "no root element".to_string())
}

fn close(stack: &mut Vec<Element>) -> Result<(), String> {
    let el = stack.pop().ok_or("an end tag without its start")?;
    let parent = stack.last_mut().ok_or("an end tag without its start")?;
    parent.children.push(Node::Element(el));
    Ok(())
}

fn push_text(stack: &mut [Element], text: &str) {
    if let Some(el) = stack.last_mut() {
        match el.children.last_mut() {
            Some(Node::Text(t)) => t.push_str(text),
            _ => el.children.push(Node::Text(text.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tree_with_text_entities_and_empty_elements() {
        let root =
            parse("<?xml version=\"1.0\"?><a x=\"1\"><b>t &amp; u&#33;</b><c/><![CDATA[<p>]]></a>")
                .unwrap();
        assert_eq!(root.local, "a");
        assert_eq!(root.attr("x"), Some("1"));
        assert_eq!(root.child_text("b").as_deref(), Some("t & u!"));
        assert!(root.child("c").is_some());
        assert_eq!(root.text(), "t & u!<p>");
        assert!(parse("<a><b></a>").is_err());
        assert!(parse("").is_err());
    }
}
