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
use crate::span::Span;
use crate::task::{PageSet, ResultRef};
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
    /// `ocr -o FILE`: the exact file name to write (replaced if it exists, as
    /// the user named it), its images beside it as `<stem>_images/`.
    pub exact: Option<&'a str>,
    /// `--no-images`: no images folder; image links become their alt text.
    pub no_images: bool,
    /// Told how a download's bytes go.
    pub meter: &'a transfer::Meter,
    /// The result's file is already on this machine (a cache entry's
    /// payload where it lies, or a download kept in the cache): it is read
    /// from here, not downloaded from the result's URL.
    pub local: Option<&'a Span>,
}

pub fn deliver(http: &Http, result: &ResultRef, item: &Item, layout: &Layout) -> Result<Delivered> {
    match layout {
        Layout::Stdout => {
            let text = match result {
                ResultRef::Inline { text, .. } => text.clone(),
                ResultRef::Markdown { url, referer } => {
                    let src = readable(http, item, url, referer, &std::env::temp_dir(), false)?;
                    text_of(src.span())?
                }
                ResultRef::Zip { url, referer } => {
                    let src = readable(http, item, url, referer, &std::env::temp_dir(), true)?;
                    text_from_zip(src.span(), item.format)?
                }
                ResultRef::File { url, ext } => {
                    if !is_text_ext(ext) {
                        anyhow::bail!(
                            "the result is a .{ext} file, which is not printed to stdout; give -o DIR to save it"
                        );
                    }
                    let src = readable(http, item, url, &None, &std::env::temp_dir(), false)?;
                    text_of(src.span())?
                }
                ResultRef::Pages(set) => match item.format {
                    Format::Json => pretty(&set.answer)?,
                    _ => set.markdown(),
                },
                ResultRef::Folder { path } => text_from_folder(path, item.format)?,
                // Printed text is held whole: only files stay out of memory.
                ResultRef::Spooled { path, answer } => match item.format {
                    Format::Json => pretty(answer)?,
                    _ => read_text(path)?,
                },
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

/// The result's file in a temporary file in `dir`: downloaded from `url`
/// (`zip`: checked to open), or copied from [`Item::local`].
fn fetch(
    http: &Http,
    item: &Item,
    url: &str,
    referer: &Option<String>,
    dir: &Path,
    zip: bool,
) -> Result<tempfile::NamedTempFile> {
    let Some(local) = item.local else {
        return if zip {
            transfer::download_zip(http, url, referer.as_deref(), dir, item.meter)
        } else {
            transfer::download(http, url, referer.as_deref(), dir, item.meter)
        };
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".docpipe-download-")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a file in {}", dir.display()))?;
    crate::interrupt::remove_on_interrupt(tmp.path());
    local.copy_to(tmp.as_file_mut())?;
    Ok(tmp)
}

/// The result's file, to be read only: [`Item::local`] where it lies (no
/// copy), else downloaded.
enum Source<'a> {
    Local(&'a Span),
    /// The whole download, removed with the source.
    Downloaded(Span),
}

impl Source<'_> {
    fn span(&self) -> &Span {
        match self {
            Source::Local(s) => s,
            Source::Downloaded(s) => s,
        }
    }
}

fn readable<'a>(
    http: &Http,
    item: &Item<'a>,
    url: &str,
    referer: &Option<String>,
    dir: &Path,
    zip: bool,
) -> Result<Source<'a>> {
    match item.local {
        Some(local) => Ok(Source::Local(local)),
        None => Ok(Source::Downloaded(Span::temporary(fetch(
            http, item, url, referer, dir, zip,
        )?)?)),
    }
}

/// Formats whose files are text and may be printed.
pub fn is_text_ext(ext: &str) -> bool {
    matches!(ext, "txt" | "md" | "json" | "html" | "csv")
}

fn pretty(value: &Value) -> Result<String> {
    Ok(serde_json::to_string_pretty(value)? + "\n")
}

fn deliver_file(http: &Http, result: &ResultRef, item: &Item, out: &Outputs) -> Result<Delivered> {
    // A provider's own file keeps its own extension (gpt.ge's txt for markdown).
    let ext = match result {
        ResultRef::File { ext, .. } => ext.as_str(),
        _ => item.format.extension(),
    };
    let (stem, key) = match item.exact {
        Some(file) => (item.name.to_string(), file.to_string()),
        None => {
            let suffix = format!(".{ext}");
            let stem = out.claim(item.name, item.sha256, &suffix)?;
            let key = format!("{stem}{suffix}");
            (stem, key)
        }
    };
    let path = match result {
        ResultRef::Inline { text, .. } => out.publish_bytes(text.as_bytes(), &key, item.sha256)?,
        ResultRef::Markdown { url, referer } => {
            let tmp = fetch(http, item, url, referer, out.root(), false)?;
            let (_, staged) = tmp.keep().context("cannot keep the download")?;
            out.publish(&staged, &key, item.sha256)?
        }
        ResultRef::Zip { url, referer } => {
            let src = readable(http, item, url, referer, out.root(), true)?;
            let staging = out.staging()?;
            unpack::unpack(src.span(), staging.path(), unpack::Limits::configured())?;
            drop(src);
            let text = file_from_folder(staging.path(), item, &stem, out)?;
            out.publish_bytes(text.as_bytes(), &key, item.sha256)?
        }
        ResultRef::Folder { path } => {
            // Its images are copied, so the folder stays whole until the
            // result is in place.
            let staging = out.staging()?;
            copy_tree(path, staging.path())?;
            let text = file_from_folder(staging.path(), item, &stem, out)?;
            out.publish_bytes(text.as_bytes(), &key, item.sha256)?
        }
        ResultRef::File { url, .. } => {
            let tmp = fetch(http, item, url, &None, out.root(), false)?;
            let (_, staged) = tmp.keep().context("cannot keep the download")?;
            out.publish(&staged, &key, item.sha256)?
        }
        ResultRef::Pages(set) => {
            let text = match item.format {
                Format::Json => pretty(&set.answer)?,
                _ if item.no_images => drop_image_links(&set.markdown(), |_| false),
                _ if set.images.is_empty() => page_markdown(set),
                _ => {
                    let images_key = format!("{stem}_images");
                    out.claim(&images_key, item.sha256, "")?;
                    let staging = out.staging()?;
                    write_images(set, staging.path())?;
                    let staged = staging.keep();
                    if let Err(e) = out.publish(&staged, &images_key, item.sha256) {
                        let _ = fs::remove_dir_all(&staged);
                        return Err(e);
                    }
                    rewrite_page_links(set, &images_key)
                }
            };
            out.publish_bytes(text.as_bytes(), &key, item.sha256)?
        }
        ResultRef::Spooled { path, answer } => match item.format {
            Format::Json => out.publish_bytes(pretty(answer)?.as_bytes(), &key, item.sha256)?,
            _ => {
                let mut tmp = out.temp_file()?;
                copy_file(path, tmp.as_file_mut())?;
                let (_, staged) = tmp.keep().context("cannot keep the temporary file")?;
                out.publish(&staged, &key, item.sha256)?
            }
        },
    };
    let markdown_path = (ext == "md" || (item.exact.is_some() && *item.format == Format::Markdown))
        .then(|| path.clone());
    Ok(Delivered {
        output: Some(path),
        markdown_path,
        text: None,
    })
}

/// `ocr -o`'s text from a result folder: its markdown with the images
/// published beside it (or dropped), or its text or JSON.
fn file_from_folder(dir: &Path, item: &Item, stem: &str, out: &Outputs) -> Result<String> {
    Ok(match item.format {
        Format::Markdown => {
            let md = read_text(&markdown_in(dir)?)?;
            let images = dir.join("images");
            if item.no_images {
                drop_image_links(&md, |_| false)
            } else if images.is_dir() && fs::read_dir(&images)?.next().is_some() {
                let images_key = format!("{stem}_images");
                out.claim(&images_key, item.sha256, "")?;
                out.publish(&images, &images_key, item.sha256)?;
                rewrite_image_links(&md, &images_key)
            } else {
                md
            }
        }
        other => text_from_folder(dir, other)?,
    })
}

/// Copies a result folder (files and folders only; links are not followed).
fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    for entry in fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let target = to.join(entry.file_name());
        if kind.is_dir() {
            fs::create_dir_all(&target)?;
            copy_tree(&entry.path(), &target)?;
        } else if kind.is_file() {
            fs::copy(entry.path(), &target)
                .with_context(|| format!("cannot copy {}", entry.path().display()))?;
        }
    }
    Ok(())
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
            let src = readable(http, item, url, referer, out.root(), true)?;
            unpack::unpack(src.span(), staging.path(), unpack::Limits::configured())?;
        }
        ResultRef::Markdown { url, referer } => {
            let tmp = fetch(http, item, url, referer, out.root(), false)?;
            tmp.persist(staging.path().join("full.md"))
                .context("cannot move the download into place")?;
        }
        ResultRef::Inline { text, format } => {
            let name = format!("full.{}", format.extension());
            fs::write(staging.path().join(name), text)?;
        }
        ResultRef::File { url, ext } => {
            let tmp = fetch(http, item, url, &None, out.root(), false)?;
            tmp.persist(staging.path().join(format!("full.{ext}")))
                .context("cannot move the download into place")?;
        }
        ResultRef::Pages(set) => {
            let markdown = if set.images.is_empty() {
                page_markdown(set)
            } else {
                let images = staging.path().join("images");
                fs::create_dir(&images)?;
                write_images(set, &images)?;
                rewrite_page_links(set, "images")
            };
            fs::write(staging.path().join("full.md"), markdown)?;
            fs::write(staging.path().join("response.json"), pretty(&set.answer)?)?;
        }
        ResultRef::Folder { path } => copy_tree(path, staging.path())?,
        ResultRef::Spooled { path, answer } => {
            let mut full = fs::File::create(staging.path().join("full.md"))?;
            copy_file(path, &mut full)?;
            fs::write(staging.path().join("response.json"), pretty(answer)?)?;
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

/// Streams the file at `from` into `to`, in bounded memory.
fn copy_file(from: &Path, to: &mut fs::File) -> Result<()> {
    let mut src =
        fs::File::open(from).with_context(|| format!("cannot read {}", from.display()))?;
    std::io::copy(&mut src, to).with_context(|| format!("cannot copy {}", from.display()))?;
    Ok(())
}

fn text_of(span: &Span) -> Result<String> {
    Ok(String::from_utf8_lossy(&span.read_all(MAX_TEXT)?).into_owned())
}

fn read_text(path: &Path) -> Result<String> {
    let bytes = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn is_content_list(name: &str) -> bool {
    !name.contains('/') && name.ends_with("_content_list.json")
}

/// The text of a result zip in the format asked for, without unpacking it.
fn text_from_zip(zip: &Span, format: &Format) -> Result<String> {
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
    // An answer made of pages (Mistral) keeps the whole answer as JSON.
    let answer = dir.join("response.json");
    if *format == Format::Json && answer.is_file() {
        return read_text(&answer);
    }
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

/// An image's file name: its ID when that is one safe path component.
fn image_file_name(id: &str) -> String {
    crate::input::sanitize_name(id)
}

/// Writes a page set's images into `dir`, under their (sanitised) names.
fn write_images(set: &PageSet, dir: &Path) -> Result<()> {
    for image in &set.images {
        let path = dir.join(image_file_name(&image.name));
        fs::write(&path, &image.bytes)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// The pages' markdown with `![id](id)` links pointed at `images_dir/<file>`.
fn rewrite_page_links(set: &PageSet, images_dir: &str) -> String {
    let dir = link_path(images_dir);
    let mut md = page_markdown(set);
    for image in &set.images {
        let file = link_path(&image_file_name(&image.name));
        md = md.replace(&format!("]({})", image.name), &format!("]({dir}/{file})"));
    }
    md
}

/// The pages' markdown with the links to images the answer did not carry
/// (Mistral without `include_image_base64`) replaced by their alt text: a
/// result on disk never links to a file that does not exist.
fn page_markdown(set: &PageSet) -> String {
    drop_image_links(&set.markdown(), |target| {
        set.images.iter().any(|i| i.name == target)
    })
}

/// Replaces each `![alt](target)` whose target `keep` refuses with `alt`.
fn drop_image_links(md: &str, keep: impl Fn(&str) -> bool) -> String {
    let mut out = String::with_capacity(md.len());
    let mut rest = md;
    while let Some(start) = rest.find("![") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let parsed = after.find("](").and_then(|mid| {
            let alt = &after[..mid];
            let tail = &after[mid + 2..];
            let end = tail.find(')')?;
            (!alt.contains(['\n', ']'])).then_some((alt, &tail[..end], mid + 2 + end + 1))
        });
        match parsed {
            Some((alt, target, len)) if !keep(target.trim()) => {
                out.push_str(alt);
                rest = &after[len..];
            }
            Some((_, _, len)) => {
                out.push_str(&rest[start..start + 2 + len]);
                rest = &after[len..];
            }
            None => {
                out.push_str("![");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A path as written inside a markdown link: spaces and parentheses escaped.
fn link_path(path: &str) -> String {
    path.chars()
        .map(|c| match c {
            ' ' => "%20".to_string(),
            '(' => "%28".to_string(),
            ')' => "%29".to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// Points MinerU's `images/…` links at the images folder written beside the file.
pub fn rewrite_image_links(markdown: &str, images_dir: &str) -> String {
    let target = link_path(images_dir);
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
    fn page_links_follow_the_images_folder_and_names_stay_inside_it() {
        let set = PageSet {
            pages: vec![
                "# One\n\n![img-0.jpeg](img-0.jpeg)\n".into(),
                "![../x.png](../x.png)".into(),
            ],
            images: vec![
                crate::task::PageImage {
                    name: "img-0.jpeg".into(),
                    bytes: vec![1],
                },
                crate::task::PageImage {
                    name: "../x.png".into(),
                    bytes: vec![2],
                },
            ],
            answer: Value::Null,
        };
        let md = rewrite_page_links(&set, "a b_images");
        assert_eq!(
            md,
            "# One\n\n![img-0.jpeg](a%20b_images/img-0.jpeg)\n\n![../x.png](a%20b_images/_x.png)\n"
        );
        let dir = tempfile::tempdir().unwrap();
        write_images(&set, dir.path()).unwrap();
        assert!(dir.path().join("_x.png").is_file());
    }

    #[test]
    fn text_from_content_list() {
        let list = br#"[{"type":"text","text":"Title ","text_level":1},{"type":"image","img_path":"x"},{"type":"text","text":"Body"}]"#;
        assert_eq!(
            content_text(list, &Format::Text).unwrap(),
            "Title\n\nBody\n\n"
        );
    }

    #[test]
    fn links_to_images_the_answer_did_not_carry_become_their_alt_text() {
        let set = PageSet {
            pages: vec![
                "# One\n\n![img-0.jpeg](img-0.jpeg) and ![chart](img-1.png)\n".into(),
                "Text with [a link](https://x.org) and ![](img-2.png) and ![ kept\n".into(),
            ],
            images: vec![crate::task::PageImage {
                name: "img-1.png".into(),
                bytes: vec![1],
            }],
            answer: serde_json::Value::Null,
        };
        assert_eq!(
            page_markdown(&set),
            "# One\n\nimg-0.jpeg and ![chart](img-1.png)\n\nText with [a link](https://x.org) and  and ![ kept\n"
        );
        let none = PageSet {
            images: vec![],
            ..set
        };
        assert_eq!(
            page_markdown(&none),
            "# One\n\nimg-0.jpeg and chart\n\nText with [a link](https://x.org) and  and ![ kept\n"
        );
    }
}
