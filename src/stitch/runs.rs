//! A part whose pages are not consecutive in the document (a hybrid
//! document's scanned pages, sent as one PDF): its markdown cut where each
//! run of consecutive document pages starts, so each run goes in its place.
//! Where a page starts in the markdown, the part's own JSON says: MinerU's
//! content list (each block with its `page_idx`), or a pages answer
//! (Mistral's, `local`'s: each page's markdown).

use std::fs;
use std::path::Path;

use serde_json::Value;

/// The positions (0-based, in the part) where a run of consecutive document
/// pages starts; `map` is the document page of each.
pub fn starts(map: &[u64]) -> Vec<usize> {
    (0..map.len())
        .filter(|&i| i == 0 || map[i] != map[i - 1] + 1)
        .collect()
}

/// Document pages (`map`, 0-based) in words, 1-based: "3, 57-58".
pub fn describe(map: &[u64]) -> String {
    let pages: Vec<u32> = map.iter().map(|&p| p as u32 + 1).collect();
    crate::units::pages_text(&pages)
}

/// `markdown` cut before each of `starts` (after the first): one piece per
/// run. None when a run's first page cannot be found in it.
pub fn cut(markdown: &str, dir: &Path, starts: &[usize]) -> Option<Vec<String>> {
    let openings = page_openings(dir)?;
    let mut cuts = Vec::new();
    let mut from = 0;
    for &page in &starts[1..] {
        let at = openings
            .get(page)?
            .iter()
            .find_map(|needle| find_line(markdown, from, needle))?;
        cuts.push(at);
        from = at;
    }
    let mut pieces = Vec::new();
    let mut begin = 0;
    for at in cuts {
        pieces.push(markdown[begin..at].trim_end().to_string());
        begin = at;
    }
    pieces.push(markdown[begin..].trim_end().to_string());
    Some(pieces)
}

/// Where the line holding `needle` begins, after byte `from` (a later line
/// than the last cut).
fn find_line(markdown: &str, from: usize, needle: &str) -> Option<usize> {
    let skip = if from == 0 { 0 } else { 1 };
    let start = from + skip;
    let found = start + markdown.get(start..)?.find(needle)?;
    Some(markdown[..found].rfind('\n').map_or(0, |n| n + 1))
}

/// For each page of the part (0-based), bits of text its markdown starts
/// with, best first: the first lines of its first blocks, or its images.
fn page_openings(dir: &Path) -> Option<Vec<Vec<String>>> {
    let mut files: Vec<_> = fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    for path in files {
        let Ok(bytes) = fs::read(&path) else {
            continue;
        };
        let Ok(value) = serde_json::from_slice::<Value>(&bytes) else {
            continue;
        };
        if let Some(found) = from_content_list(&value).or_else(|| from_pages(&value)) {
            return Some(found);
        }
    }
    None
}

/// A useful needle: an image line's file name, else the line's first words,
/// not too short to be found by chance, cut to a length markdown keeps intact.
fn needle(text: &str) -> Option<String> {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    if line.starts_with("![") {
        let target = line.split("](").nth(1)?.split(')').next()?;
        return target.rsplit('/').next().map(str::to_string);
    }
    let line = line.trim_start_matches(['#', ' ', '-', '*', '>', '|']);
    let short: String = line.chars().take(40).collect();
    (short.chars().filter(|c| c.is_alphanumeric()).count() >= 3).then_some(short)
}

/// MinerU's content list: blocks with `page_idx`, in reading order.
fn from_content_list(value: &Value) -> Option<Vec<Vec<String>>> {
    let blocks = value.as_array()?;
    if blocks.is_empty() || !blocks.iter().all(|b| b.get("page_idx").is_some()) {
        return None;
    }
    let mut pages: Vec<Vec<String>> = Vec::new();
    for b in blocks {
        let page = b["page_idx"].as_u64()? as usize;
        if pages.len() <= page {
            pages.resize(page + 1, Vec::new());
        }
        let text = b["text"]
            .as_str()
            .and_then(needle)
            .or_else(|| {
                b["img_path"]
                    .as_str()
                    .and_then(|p| p.rsplit('/').next())
                    .map(str::to_string)
            })
            .or_else(|| b["table_body"].as_str().and_then(needle));
        if let Some(t) = text.filter(|_| pages[page].len() < 4) {
            pages[page].push(t);
        }
    }
    Some(pages)
}

/// A pages answer: `pages: [{index, markdown}]`.
fn from_pages(value: &Value) -> Option<Vec<Vec<String>>> {
    let items = value.get("pages")?.as_array()?;
    let mut pages: Vec<Vec<String>> = vec![Vec::new(); items.len()];
    for (i, p) in items.iter().enumerate() {
        let md = p.get("markdown")?.as_str()?;
        let at = p
            .get("index")
            .and_then(Value::as_u64)
            .map_or(i, |n| n as usize);
        let needles: Vec<String> = md.lines().filter_map(needle).take(4).collect();
        if let Some(slot) = pages.get_mut(at) {
            *slot = needles;
        }
    }
    Some(pages)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn runs_start_where_document_pages_jump() {
        assert_eq!(starts(&[2, 56, 57, 119]), vec![0, 1, 3]);
        assert_eq!(describe(&[2, 56, 57, 119]), "3, 57-58, 120");
    }

    #[test]
    fn a_mineru_answer_is_cut_at_its_runs_by_the_content_list() {
        let dir = tempfile::tempdir().unwrap();
        let list = json!([
            {"type": "text", "text": "Signed form", "text_level": 1, "page_idx": 0},
            {"type": "text", "text": "Name: Ada", "page_idx": 0},
            {"type": "image", "img_path": "images/fax.jpg", "page_idx": 1},
            {"type": "text", "text": "Annex B, faxed", "page_idx": 2},
        ]);
        fs::write(dir.path().join("x_content_list.json"), list.to_string()).unwrap();
        let md = "# Signed form\n\nName: Ada\n\n![](images/fax.jpg)\n\nAnnex B, faxed\n";
        // Pages 3, 10-11 of the document: runs start at positions 0 and 1.
        let pieces = cut(md, dir.path(), &[0, 1]).unwrap();
        assert_eq!(
            pieces,
            vec![
                "# Signed form\n\nName: Ada",
                "![](images/fax.jpg)\n\nAnnex B, faxed"
            ]
        );
        // Three runs.
        let pieces = cut(md, dir.path(), &[0, 1, 2]).unwrap();
        assert_eq!(pieces[2], "Annex B, faxed");
        // A page not in the markdown: not cut.
        assert!(cut("nothing alike", dir.path(), &[0, 1]).is_none());
    }

    #[test]
    fn a_pages_answer_is_cut_by_each_page_s_first_line() {
        let dir = tempfile::tempdir().unwrap();
        let answer = json!({"pages": [
            {"index": 0, "markdown": "First scan text"},
            {"index": 1, "markdown": "![img-0.jpeg](img-0.jpeg)\nSecond scan text"},
        ]});
        fs::write(dir.path().join("response.json"), answer.to_string()).unwrap();
        let md = "First scan text\n\n![img-0.jpeg](images/img-0.jpeg)\nSecond scan text\n";
        let pieces = cut(md, dir.path(), &[0, 1]).unwrap();
        assert_eq!(pieces[0], "First scan text");
        assert_eq!(
            pieces[1],
            "![img-0.jpeg](images/img-0.jpeg)\nSecond scan text"
        );
    }
}
