//! Turning a finished result into what the command promised: text on stdout
//! (`ocr`), `DIR/<name>.md` with `DIR/<name>_images/` (`ocr -o`), or the whole
//! result as `DIR/<name>/` (`parse`).

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use serde_json::Value;

use crate::http::Http;
use crate::options::Format;
use crate::output::Outputs;
use crate::provider::ResultRef;
use crate::transfer;
use crate::unpack;

/// The largest markdown or JSON read into memory for stdout.
const MAX_TEXT: u64 = 512 * 1024 * 1024;

#[derive(Clone)]
pub enum Layout {
    /// `ocr` without `-o`: the text comes back to be printed.
    Stdout,
    /// `ocr -o DIR`: one file per input (plus its images folder).
    Files(Arc<Outputs>),
    /// `parse -o DIR`: one folder per input.
    Folders(Arc<Outputs>),
}

#[derive(Debug, Default)]
pub struct Delivered {
    /// The file or folder written.
    pub output: Option<PathBuf>,
    /// The markdown file written, if any.
    pub markdown_path: Option<PathBuf>,
    /// The text for stdout (`Layout::Stdout`).
    pub text: Option<String>,
}

pub struct Item<'a> {
    pub name: &'a str,
    pub sha256: &'a str,
    pub format: &'a Format,
}

pub fn deliver(http: &Http, result: &ResultRef, item: &Item, layout: &Layout) -> Result<Delivered> {
    match layout {
        Layout::Stdout => {
            let text = match result {
                ResultRef::Inline { text, .. } => text.clone(),
                ResultRef::Markdown { url, referer } => {
                    let tmp =
                        transfer::download(http, url, referer.as_deref(), &std::env::temp_dir())?;
                    read_text(tmp.path())?
                }
                ResultRef::Zip { url, referer } => {
                    let tmp =
                        transfer::download(http, url, referer.as_deref(), &std::env::temp_dir())?;
                    text_from_zip(tmp.path(), item.format)?
                }
            };
            Ok(Delivered {
                text: Some(text),
                ..Delivered::default()
            })
        }
        Layout::Files(out) => deliver_file(http, result, item, out),
        Layout::Folders(out) => deliver_folder(http, result, item, out),
    }
}

fn deliver_file(http: &Http, result: &ResultRef, item: &Item, out: &Outputs) -> Result<Delivered> {
    let ext = item.format.extension();
    let suffix = format!(".{ext}");
    let stem = out.claim(item.name, item.sha256, &suffix)?;
    let key = format!("{stem}{suffix}");
    let path = match result {
        ResultRef::Inline { text, .. } => out.publish_bytes(text.as_bytes(), &key, item.sha256)?,
        ResultRef::Markdown { url, referer } => {
            let tmp = transfer::download(http, url, referer.as_deref(), out.root())?;
            let (_, staged) = tmp.keep().context("cannot keep the download")?;
            out.publish(&staged, &key, item.sha256)?
        }
        ResultRef::Zip { url, referer } => {
            let tmp = transfer::download(http, url, referer.as_deref(), out.root())?;
            let staging = out.staging()?;
            unpack::unpack(tmp.path(), staging.path(), unpack::Limits::default())?;
            drop(tmp);
            let text = match item.format {
                Format::Markdown => {
                    let md = read_text(&markdown_in(staging.path())?)?;
                    let images = staging.path().join("images");
                    if images.is_dir() && fs::read_dir(&images)?.next().is_some() {
                        let images_key = format!("{stem}_images");
                        out.claim(&images_key, item.sha256, "")?;
                        out.publish(&images, &images_key, item.sha256)?;
                        rewrite_image_links(&md, &images_key)
                    } else {
                        md
                    }
                }
                other => text_from_folder(staging.path(), other)?,
            };
            out.publish_bytes(text.as_bytes(), &key, item.sha256)?
        }
    };
    let markdown_path = (ext == "md").then(|| path.clone());
    Ok(Delivered {
        output: Some(path),
        markdown_path,
        text: None,
    })
}

fn deliver_folder(
    http: &Http,
    result: &ResultRef,
    item: &Item,
    out: &Outputs,
) -> Result<Delivered> {
    let stem = out.claim(item.name, item.sha256, "")?;
    let staging = out.staging()?;
    match result {
        ResultRef::Zip { url, referer } => {
            let tmp = transfer::download(http, url, referer.as_deref(), out.root())?;
            unpack::unpack(tmp.path(), staging.path(), unpack::Limits::default())?;
        }
        ResultRef::Markdown { url, referer } => {
            let tmp = transfer::download(http, url, referer.as_deref(), out.root())?;
            tmp.persist(staging.path().join("full.md"))
                .context("cannot move the download into place")?;
        }
        ResultRef::Inline { text, format } => {
            let name = format!("full.{}", format.extension());
            fs::write(staging.path().join(name), text)?;
        }
    }
    let markdown = markdown_in(staging.path())
        .ok()
        .and_then(|p| p.strip_prefix(staging.path()).ok().map(Path::to_path_buf));
    let staged = staging.keep();
    let path = match out.publish(&staged, &stem, item.sha256) {
        Ok(p) => p,
        Err(e) => {
            let _ = fs::remove_dir_all(&staged);
            return Err(e);
        }
    };
    Ok(Delivered {
        markdown_path: markdown.map(|m| path.join(m)),
        output: Some(path),
        text: None,
    })
}

/// `full.md`, else the first top-level `.md` file.
fn markdown_in(dir: &Path) -> Result<PathBuf> {
    let full = dir.join("full.md");
    if full.is_file() {
        return Ok(full);
    }
    let mut mds: Vec<PathBuf> = fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "md") && p.is_file())
        .collect();
    mds.sort();
    mds.into_iter()
        .next()
        .context("the result has no markdown file")
}

fn read_text(path: &Path) -> Result<String> {
    let bytes = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn is_content_list(name: &str) -> bool {
    !name.contains('/') && name.ends_with("_content_list.json")
}

/// The text of a result zip in the format asked for, without unpacking it.
fn text_from_zip(zip: &Path, format: &Format) -> Result<String> {
    let found = match format {
        Format::Json | Format::Text => unpack::read_entry(zip, is_content_list, MAX_TEXT)?,
        _ => None,
    };
    if let Some((_, bytes)) = found {
        return content_text(&bytes, format);
    }
    let (_, bytes) = match unpack::read_entry(zip, |n| n == "full.md", MAX_TEXT)? {
        Some(hit) => hit,
        None => unpack::read_entry(zip, |n| !n.contains('/') && n.ends_with(".md"), MAX_TEXT)?
            .context("the result zip has no markdown file")?,
    };
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn text_from_folder(dir: &Path, format: &Format) -> Result<String> {
    let list = fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .find(|e| is_content_list(&e.file_name().to_string_lossy()));
    match list {
        Some(entry) => content_text(&fs::read(entry.path())?, format),
        None => read_text(&markdown_in(dir)?),
    }
}

/// JSON as it is (pretty), or text: the `text` of each block of a MinerU
/// content list, one paragraph each.
fn content_text(bytes: &[u8], format: &Format) -> Result<String> {
    let value: Value =
        serde_json::from_slice(bytes).context("the result's content list is not JSON")?;
    if *format == Format::Json {
        return Ok(serde_json::to_string_pretty(&value)? + "\n");
    }
    let blocks = value.as_array().cloned().unwrap_or_default();
    let mut out = String::new();
    for block in blocks {
        if let Some(text) = block.get("text").and_then(Value::as_str) {
            let text = text.trim();
            if !text.is_empty() {
                out.push_str(text);
                out.push_str("\n\n");
            }
        }
    }
    Ok(out)
}

/// Points MinerU's `images/…` links at the images folder written beside the file.
pub fn rewrite_image_links(markdown: &str, images_dir: &str) -> String {
    let target: String = images_dir
        .chars()
        .map(|c| match c {
            ' ' => "%20".to_string(),
            '(' => "%28".to_string(),
            ')' => "%29".to_string(),
            c => c.to_string(),
        })
        .collect();
    markdown
        .replace("](images/", &format!("]({target}/"))
        .replace("src=\"images/", &format!("src=\"{target}/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_follow_the_images_folder() {
        let md = "![](images/a.jpg) and <img src=\"images/b.jpg\">";
        assert_eq!(
            rewrite_image_links(md, "my doc_images"),
            "![](my%20doc_images/a.jpg) and <img src=\"my%20doc_images/b.jpg\">"
        );
    }

    #[test]
    fn text_from_content_list() {
        let list = br#"[{"type":"text","text":"Title ","text_level":1},{"type":"image","img_path":"x"},{"type":"text","text":"Body"}]"#;
        assert_eq!(
            content_text(list, &Format::Text).unwrap(),
            "Title\n\nBody\n\n"
        );
    }
}
