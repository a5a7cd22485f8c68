//! Jupyter notebooks (`.ipynb`, nbformat 4) → markdown: markdown cells as they
//! are (their attached images saved beside the markdown), code cells fenced in
//! the kernel's language, and outputs after them: text and errors fenced,
//! markdown as it is, PNG/JPEG/GIF images saved and linked.

use std::path::Path;

use base64::Engine;
use serde_json::Value;

use super::{read, Extracted};
use crate::error::Error;
use crate::pages::PageImage;

pub fn extract(path: &Path, input: &str) -> Result<Extracted, Error> {
    let bytes = read(path, input)?;
    let not_notebook = |what: String| {
        Error::input(input, what)
            .with_hint("check that the file is a Jupyter notebook (nbformat 4)")
    };
    let nb: Value = serde_json::from_slice(&bytes)
        .map_err(|e| not_notebook(format!("not a readable notebook (invalid JSON: {e})")))?;
    let Some(cells) = nb.get("cells").and_then(Value::as_array) else {
        return Err(not_notebook("not a Jupyter notebook (no cells)".into()));
    };
    let lang = nb
        .pointer("/metadata/language_info/name")
        .or_else(|| nb.pointer("/metadata/kernelspec/language"))
        .and_then(Value::as_str)
        .unwrap_or("python")
        .to_string();
    let mut images = Vec::new();
    let mut blocks: Vec<String> = Vec::new();
    for cell in cells {
        let source = text_of(cell.get("source"));
        match cell.get("cell_type").and_then(Value::as_str) {
            Some("markdown") => {
                let mut md = source;
                if let Some(att) = cell.get("attachments").and_then(Value::as_object) {
                    for (name, data) in att {
                        if let Some(file) = save_image(data, &mut images) {
                            md = md.replace(&format!("attachment:{name}"), &file);
                        }
                    }
                }
                blocks.push(md.trim().to_string());
            }
            Some("code") => {
                if !source.trim().is_empty() {
                    blocks.push(format!("```{lang}\n{}\n```", source.trim_end()));
                }
                for output in cell
                    .get("outputs")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    blocks.extend(output_markdown(output, &mut images));
                }
            }
            _ => blocks.push(source.trim().to_string()),
        }
    }
    blocks.retain(|b| !b.is_empty());
    Ok(Extracted {
        pages: vec![blocks.join("\n\n")],
        images,
        ..Extracted::default()
    })
}

/// nbformat's multiline strings: a string, or a list of lines to join.
fn text_of(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(lines)) => lines.iter().filter_map(Value::as_str).collect(),
        _ => String::new(),
    }
}

fn output_markdown(output: &Value, images: &mut Vec<PageImage>) -> Option<String> {
    match output.get("output_type").and_then(Value::as_str)? {
        "stream" => fenced(&text_of(output.get("text"))),
        "error" => {
            let name = output
                .get("ename")
                .and_then(Value::as_str)
                .unwrap_or("Error");
            let value = output.get("evalue").and_then(Value::as_str).unwrap_or("");
            fenced(&format!("{name}: {value}"))
        }
        _ => {
            let data = output.get("data")?;
            if let Some(file) = save_image(data, images) {
                return Some(format!("![output]({file})"));
            }
            if let Some(md) = data.get("text/markdown") {
                return Some(text_of(Some(md)).trim().to_string());
            }
            fenced(&text_of(data.get("text/plain")))
        }
    }
}

fn fenced(text: &str) -> Option<String> {
    let text = text.trim_end();
    (!text.trim().is_empty()).then(|| format!("```\n{text}\n```"))
}

/// The first PNG, JPEG or GIF of a MIME bundle, saved as `img-<n>.<ext>`.
fn save_image(bundle: &Value, images: &mut Vec<PageImage>) -> Option<String> {
    let (ext, data) = [
        ("png", "image/png"),
        ("jpeg", "image/jpeg"),
        ("gif", "image/gif"),
    ]
    .iter()
    .find_map(|(ext, mime)| {
        Some((*ext, text_of(bundle.get(*mime)))).filter(|(_, d)| !d.is_empty())
    })?;
    let clean: String = data.split_whitespace().collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(clean)
        .ok()?;
    let name = format!("img-{}.{ext}", images.len());
    images.push(PageImage {
        name: name.clone(),
        bytes,
    });
    Some(name)
}
