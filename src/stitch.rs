//! Stitching the results of a split document's parts (each a folder as `parse`
//! writes it) into one folder: one `full.md` in page order, images merged under
//! names that do not collide, JSON files with their page indexes offset. A
//! part may hold pages that are not consecutive (a hybrid document's scans,
//! `runs.rs`): its markdown is cut at its page runs and each run put in place.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::Value;

mod runs;

/// One part's result folder and the document page its first page is (1-based).
pub struct Part {
    pub dir: PathBuf,
    pub first_page: u32,
    pub last_page: u32,
    /// The document pages it holds, in order, when not `first..=last`.
    pub pages: Option<Vec<u32>>,
}

impl Part {
    /// The document page (0-based) of each of its pages.
    fn map(&self) -> Vec<u64> {
        match &self.pages {
            Some(pages) => pages.iter().map(|&p| u64::from(p) - 1).collect(),
            None => (self.first_page..=self.last_page)
                .map(|p| u64::from(p) - 1)
                .collect(),
        }
    }
}

/// MinerU names these files after the task; the merged file keeps the first
/// part's prefix.
const ROLES: &[&str] = &[
    "_content_list_v2.json",
    "_content_list.json",
    "_middle.json",
    "_model.json",
];

fn role_of(name: &str) -> Option<(&str, &'static str)> {
    ROLES
        .iter()
        .find_map(|r| name.strip_suffix(r).map(|prefix| (prefix, *r)))
}

/// The markdown of a part: `full.md`, else its first top-level `.md` file.
fn markdown_of(dir: &Path) -> Option<PathBuf> {
    let full = dir.join("full.md");
    if full.is_file() {
        return Some(full);
    }
    let mut mds: Vec<PathBuf> = fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "md"))
        .collect();
    mds.sort();
    mds.into_iter().next()
}

/// Shifts page numbers inside one JSON value of a part by `offset`.
#[cfg(test)]
fn shift_pages(value: &mut Value, offset: u64) {
    map_pages(value, &|n| n + offset);
}

/// Page numbers inside one JSON value of a part to the document's: `to`
/// takes a 0-based page of the part and gives the document's.
fn map_pages(value: &mut Value, to: &dyn Fn(u64) -> u64) {
    let bump = |v: &mut Value, key: &str| {
        if let Some(n) = v.get(key).and_then(Value::as_u64) {
            v[key] = Value::from(to(n));
        }
    };
    // `local`'s blocks count pages from 1.
    let bump1 = |v: &mut Value, key: &str| {
        if let Some(n) = v.get(key).and_then(Value::as_u64).filter(|n| *n > 0) {
            v[key] = Value::from(to(n - 1) + 1);
        }
    };
    match value {
        Value::Array(items) => {
            for item in items {
                if item.is_object() {
                    bump(item, "page_idx");
                    if let Some(info) = item.get_mut("page_info") {
                        bump(info, "page_no");
                    }
                }
            }
        }
        Value::Object(map) => {
            if let Some(Value::Array(pages)) = map.get_mut("pdf_info") {
                pages.iter_mut().for_each(|p| bump(p, "page_idx"));
            }
            if let Some(Value::Array(pages)) = map.get_mut("pages") {
                pages.iter_mut().for_each(|p| bump(p, "index"));
            }
            if let Some(Value::Array(blocks)) = map.get_mut("blocks") {
                blocks.iter_mut().for_each(|b| bump1(b, "page"));
            }
            if let Some(Value::Array(skipped)) = map.get_mut("pages_skipped") {
                skipped.iter_mut().for_each(|s| bump1(s, "page"));
            }
            if let Some(Value::Array(pages)) = map.get_mut("ocr_pages") {
                for p in pages.iter_mut() {
                    if let Some(n) = p.as_u64().filter(|n| *n > 0) {
                        *p = Value::from(to(n - 1) + 1);
                    }
                }
            }
        }
        _ => {}
    }
}

/// Puts the page arrays of a merged JSON value in page order (parts whose
/// pages interleave append out of order); stable, so a page keeps its order.
fn sort_pages(value: &mut Value) {
    let by = |items: &mut Vec<Value>, key: &str| {
        items.sort_by_key(|v| v.get(key).and_then(Value::as_u64).unwrap_or(0));
    };
    match value {
        Value::Array(items) if items.iter().all(|i| i.get("page_idx").is_some()) => {
            by(items, "page_idx")
        }
        Value::Object(map) => {
            for (key, page) in [
                ("pdf_info", "page_idx"),
                ("pages", "index"),
                ("blocks", "page"),
            ] {
                if let Some(Value::Array(items)) = map.get_mut(key) {
                    by(items, page);
                }
            }
        }
        _ => {}
    }
}

/// Appends `next` (already shifted) to `merged`: arrays end to end; objects by
/// their page arrays (`pdf_info`, `pages`), page counts summed. False when the
/// two cannot be merged.
fn append(merged: &mut Value, next: Value) -> bool {
    match (merged, next) {
        (Value::Array(a), Value::Array(b)) => {
            a.extend(b);
            true
        }
        (Value::Object(a), Value::Object(mut b)) => {
            let mut any = false;
            for key in ["pdf_info", "pages", "blocks", "pages_skipped", "ocr_pages"] {
                if let (Some(Value::Array(x)), Some(Value::Array(y))) =
                    (a.get_mut(key), b.remove(key))
                {
                    x.extend(y);
                    any = true;
                }
            }
            if let (Some(ua), Some(ub)) = (a.get_mut("usage_info"), b.get("usage_info")) {
                for k in ["pages_processed", "doc_size_bytes"] {
                    if let (Some(x), Some(y)) = (
                        ua.get(k).and_then(Value::as_u64),
                        ub.get(k).and_then(Value::as_u64),
                    ) {
                        ua[k] = Value::from(x + y);
                    }
                }
            }
            if let (Some(x), Some(y)) = (
                a.get("page_count").and_then(Value::as_u64),
                b.get("page_count").and_then(Value::as_u64),
            ) {
                a.insert("page_count".into(), Value::from(x + y));
            }
            any
        }
        _ => false,
    }
}

/// Replaces each old image path with its new one in `text`.
fn rename_links(text: &str, renames: &[(String, String)]) -> String {
    let mut out = text.to_string();
    for (old, new) in renames {
        out = out.replace(&format!("images/{old}"), &format!("images/{new}"));
    }
    out
}

/// Writes the stitched result of `parts` (in page order of their first
/// pages) into the empty folder `dest`; returns what could not be put in page
/// order, in words (a part whose markdown could not be cut at its runs).
pub fn stitch(parts: &[Part], dest: &Path) -> Result<Vec<String>> {
    let images_dest = dest.join("images");
    let mut taken: HashSet<String> = HashSet::new();
    let mut notes = Vec::new();
    // Markdown by the document page (0-based) it starts at.
    let mut chunks: Vec<(u64, String)> = Vec::new();
    let mut json: BTreeMap<String, Value> = BTreeMap::new();
    let mut first_prefix: HashMap<&'static str, String> = HashMap::new();
    for part in parts {
        let suffix = format!("pages-{}-{}", part.first_page, part.last_page);
        // Images first: their new names are needed to rewrite the links.
        let mut renames: Vec<(String, String)> = Vec::new();
        let images = part.dir.join("images");
        if images.is_dir() {
            fs::create_dir_all(&images_dest)?;
            let mut names: Vec<String> = fs::read_dir(&images)?
                .filter_map(|e| e.ok())
                .filter(|e| e.path().is_file())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            for name in names {
                let new = if taken.contains(&name) {
                    format!("p{}-{name}", part.first_page)
                } else {
                    name.clone()
                };
                fs::rename(images.join(&name), images_dest.join(&new))
                    .or_else(|_| fs::copy(images.join(&name), images_dest.join(&new)).map(|_| ()))
                    .with_context(|| format!("cannot move image {name}"))?;
                taken.insert(new.clone());
                if new != name {
                    renames.push((name, new));
                }
            }
        }
        let map = part.map();
        let md_path = markdown_of(&part.dir);
        if let Some(md) = &md_path {
            let text = String::from_utf8_lossy(&fs::read(md)?).into_owned();
            let text = rename_links(text.trim_end(), &renames);
            let starts = runs::starts(&map);
            let cut = match starts.len() {
                1 => Some(vec![text.clone()]),
                _ => runs::cut(&text, &part.dir, &starts),
            };
            match cut {
                Some(pieces) => chunks.extend(starts.iter().map(|&s| map[s]).zip(pieces)),
                None => {
                    notes.push(format!(
                        "the cloud's answer for pages {} could not be cut at its page breaks: it is placed at page {}",
                        runs::describe(&map),
                        map[0] + 1
                    ));
                    chunks.push((map[0], text));
                }
            }
        }
        let mut entries: Vec<PathBuf> = fs::read_dir(&part.dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && Some(p) != md_path.as_ref())
            .collect();
        entries.sort();
        for path in entries {
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            if name.ends_with(".json") {
                let text = rename_links(&String::from_utf8_lossy(&fs::read(&path)?), &renames);
                if let Ok(mut value) = serde_json::from_str::<Value>(&text) {
                    map_pages(&mut value, &|n| {
                        map.get(n as usize)
                            .copied()
                            .unwrap_or(n + u64::from(part.first_page - 1))
                    });
                    let merged_name = match role_of(&name) {
                        Some((prefix, role)) => {
                            let p = first_prefix
                                .entry(role)
                                .or_insert_with(|| prefix.to_string());
                            format!("{p}{role}")
                        }
                        None => name.clone(),
                    };
                    match json.get_mut(&merged_name) {
                        None => {
                            json.insert(merged_name, value);
                            continue;
                        }
                        Some(merged) => {
                            if append(merged, value.clone()) {
                                continue;
                            }
                        }
                    }
                }
            }
            // Anything that cannot be merged is kept per part.
            let stem = path.file_stem().unwrap_or_default().to_string_lossy();
            let kept = match path.extension() {
                Some(ext) => format!("{stem}.{suffix}.{}", ext.to_string_lossy()),
                None => format!("{stem}.{suffix}"),
            };
            fs::copy(&path, dest.join(&kept)).with_context(|| format!("cannot copy {name}"))?;
        }
    }
    chunks.sort_by_key(|(page, _)| *page);
    let mut markdown = String::new();
    for (_, text) in chunks.iter().filter(|(_, t)| !t.trim().is_empty()) {
        if !markdown.is_empty() {
            markdown.push_str("\n\n");
        }
        markdown.push_str(text.trim_end());
    }
    markdown.push('\n');
    fs::write(dest.join("full.md"), markdown).context("cannot write full.md")?;
    for (name, mut value) in json {
        sort_pages(&mut value);
        fs::write(dest.join(&name), serde_json::to_vec_pretty(&value)?)
            .with_context(|| format!("cannot write {name}"))?;
    }
    Ok(notes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn part(root: &Path, n: u32, first: u32, last: u32) -> Part {
        let dir = root.join(format!("part{n}"));
        fs::create_dir_all(dir.join("images")).unwrap();
        fs::write(dir.join("images/a.jpg"), format!("image of part {n}")).unwrap();
        fs::write(dir.join("images").join(format!("only{n}.jpg")), "x").unwrap();
        fs::write(
            dir.join("full.md"),
            format!("# Part {n}\n\n![](images/a.jpg)\n![](images/only{n}.jpg)\n"),
        )
        .unwrap();
        let list = json!([
            {"type": "text", "text": format!("part {n}"), "page_idx": 0},
            {"type": "image", "img_path": "images/a.jpg", "page_idx": 1},
        ]);
        fs::write(
            dir.join(format!("task{n}_content_list.json")),
            list.to_string(),
        )
        .unwrap();
        let layout = json!({"pdf_info": [{"page_idx": 0}, {"page_idx": 1}], "_backend": "vlm"});
        fs::write(dir.join("layout.json"), layout.to_string()).unwrap();
        fs::write(dir.join(format!("task{n}_origin.pdf")), "%PDF").unwrap();
        Part {
            dir,
            first_page: first,
            last_page: last,
            pages: None,
        }
    }

    #[test]
    fn parts_join_in_page_order_with_unique_images_and_offset_pages() {
        let root = tempfile::tempdir().unwrap();
        let parts = vec![
            part(root.path(), 1, 1, 600),
            part(root.path(), 2, 601, 1200),
        ];
        let dest = root.path().join("out");
        fs::create_dir(&dest).unwrap();
        stitch(&parts, &dest).unwrap();
        let md = fs::read_to_string(dest.join("full.md")).unwrap();
        let one = md.find("# Part 1").unwrap();
        let two = md.find("# Part 2").unwrap();
        assert!(one < two, "{md}");
        // The second a.jpg collided: renamed, and its link follows.
        assert!(md.contains("images/p601-a.jpg"), "{md}");
        assert_eq!(
            fs::read_to_string(dest.join("images/p601-a.jpg")).unwrap(),
            "image of part 2"
        );
        assert!(dest.join("images/only2.jpg").is_file());
        let list: Value =
            serde_json::from_slice(&fs::read(dest.join("task1_content_list.json")).unwrap())
                .unwrap();
        let pages: Vec<u64> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["page_idx"].as_u64().unwrap())
            .collect();
        assert_eq!(pages, vec![0, 1, 600, 601]);
        assert_eq!(list[3]["img_path"], "images/p601-a.jpg");
        let layout: Value =
            serde_json::from_slice(&fs::read(dest.join("layout.json")).unwrap()).unwrap();
        assert_eq!(layout["pdf_info"][3]["page_idx"], 601);
        assert_eq!(layout["_backend"], "vlm");
        // Not mergeable: kept per part, named by its pages.
        assert!(dest.join("task1_origin.pages-1-600.pdf").is_file());
        assert!(dest.join("task2_origin.pages-601-1200.pdf").is_file());
    }

    #[test]
    fn mistral_pages_are_renumbered_and_usage_summed() {
        let mut a = json!({"pages": [{"index": 0}], "usage_info": {"pages_processed": 1}});
        let mut b = json!({"pages": [{"index": 0}], "usage_info": {"pages_processed": 1}});
        shift_pages(&mut a, 0);
        shift_pages(&mut b, 1000);
        assert!(append(&mut a, b));
        assert_eq!(a["pages"][1]["index"], 1000);
        assert_eq!(a["usage_info"]["pages_processed"], 2);
    }
}
