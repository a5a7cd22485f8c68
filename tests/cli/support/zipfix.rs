//! Result archives as MinerU's CDN serves them, built from the real MinerU output in
//! `tests/fixtures/mineru-output/demo1/` (a real MinerU result, copied from shared/), plus a hostile archive for extraction-safety
//! tests.

use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::{Cursor, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// The real MinerU output the fakes serve.
pub fn demo_fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mineru-output/demo1")
}

struct Fixture {
    markdown: String,
    content_list: Vec<u8>,
    model: Vec<u8>,
    layout: Vec<u8>,
    /// `(file name, bytes)`, sorted by name so archives are reproducible.
    images: Vec<(String, Vec<u8>)>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dir = demo_fixture_dir();
        let read = |name: &str| {
            std::fs::read(dir.join(name))
                .unwrap_or_else(|e| panic!("fixture {}: {e}", dir.join(name).display()))
        };
        let mut images: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir.join("images"))
            .unwrap_or_else(|e| panic!("fixture images in {}: {e}", dir.display()))
            .filter_map(Result::ok)
            .map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let bytes = read(&format!("images/{name}"));
                (name, bytes)
            })
            .collect();
        images.sort();
        let content_list = read("demo1_content_list.json");
        let model = read("demo1_model.json");
        let layout = layout_json(&content_list, &model);
        Fixture {
            markdown: String::from_utf8(read("demo1.md")).expect("demo1.md is UTF-8"),
            content_list,
            model,
            layout,
            images,
        }
    })
}

/// A small `layout.json` in the shape MinerU writes (`pdf_info` per page with blocks),
/// derived from the fixture so page sizes and block kinds are consistent with it. The
/// real file is large; nothing in the client should depend on its details.
fn layout_json(content_list: &[u8], model: &[u8]) -> Vec<u8> {
    let items: Vec<Value> = serde_json::from_slice(content_list).unwrap_or_default();
    let pages: Vec<Value> = serde_json::from_slice(model).unwrap_or_default();
    let pdf_info: Vec<Value> = pages
        .iter()
        .enumerate()
        .map(|(idx, page)| {
            let info = &page["page_info"];
            let blocks: Vec<Value> = items
                .iter()
                .filter(|it| it["page_idx"].as_u64() == Some(idx as u64))
                .enumerate()
                .map(|(i, it)| json!({"type": it["type"], "index": i}))
                .collect();
            json!({
                "page_idx": idx,
                "page_size": [info["width"], info["height"]],
                "para_blocks": blocks,
                "discarded_blocks": [],
            })
        })
        .collect();
    serde_json::to_vec(&json!({
        "pdf_info": pdf_info,
        "_backend": "pipeline",
        "_version_name": "2.1.0",
    }))
    .expect("serialize layout")
}

/// `full.md` of the demo result (also what flash serves as markdown).
pub fn demo_markdown() -> &'static str {
    &fixture().markdown
}

/// Names (`<sha256>.jpg`) and bytes of the images in the demo result.
pub fn demo_images() -> Vec<(&'static str, &'static [u8])> {
    fixture()
        .images
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect()
}

/// The archive MinerU returns for a finished document: `full.md`, `layout.json`,
/// `<id>_content_list.json`, `<id>_model.json`, `images/<sha>.jpg`, and
/// `<id>_origin.<ext>` holding the uploaded bytes when there are some.
pub fn demo_zip_bytes(id: &str, origin: Option<&[u8]>, origin_ext: &str) -> Vec<u8> {
    // A few hundred KB each and built on every download: cache by content.
    type Cache = Mutex<HashMap<(String, Option<Vec<u8>>, String), Arc<Vec<u8>>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let origin_key = origin.map(|o| Sha256::digest(o).to_vec());
    let key = (id.to_string(), origin_key, origin_ext.to_string());
    let cache = CACHE.get_or_init(Default::default);
    if let Some(hit) = super::http::lock(cache).get(&key) {
        return hit.as_ref().clone();
    }

    let f = fixture();
    let mut entries: Vec<(String, &[u8])> = vec![
        ("full.md".into(), f.markdown.as_bytes()),
        ("layout.json".into(), &f.layout),
        (format!("{id}_content_list.json"), &f.content_list),
        (format!("{id}_model.json"), &f.model),
    ];
    entries.extend(
        f.images
            .iter()
            .map(|(n, b)| (format!("images/{n}"), b.as_slice())),
    );
    if let Some(o) = origin {
        entries.push((format!("{id}_origin.{origin_ext}"), o));
    }
    let bytes = Arc::new(write_zip(&entries));
    super::http::lock(cache).insert(key, bytes.clone());
    bytes.as_ref().clone()
}

/// What MinerU-HTML returns for a web page: `full.md` and `main.html`, nothing else.
pub fn html_zip_bytes() -> Vec<u8> {
    write_zip(&[
        (
            "full.md".into(),
            b"# Example page\n\nMain content of the page.\n",
        ),
        (
            "main.html".into(),
            b"<html><body><h1>Example page</h1><p>Main content of the page.</p></body></html>\n",
        ),
    ])
}

/// Entries a safe extractor must refuse or neutralise: parent traversal, an absolute
/// path, traversal hidden behind a directory, and a symlink out of the tree.
pub const HOSTILE_ENTRIES: [&str; 4] = [
    "../evil.txt",
    "/tmp/docpipe-abs-evil.txt",
    "images/../../escape.txt",
    "link",
];

/// A result archive that looks normal (`full.md`) but carries the hostile entries of
/// [`HOSTILE_ENTRIES`]; `link` is a symlink to `/etc/passwd`.
pub fn hostile_zip_bytes() -> Vec<u8> {
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    // The zip crate writes names verbatim (it only sanitises on extraction), which is
    // exactly what a hostile server does.
    let files: [(&str, &[u8]); 4] = [
        ("full.md", b"# Hostile result\n\nNothing to see here.\n"),
        (HOSTILE_ENTRIES[0], b"escaped via ..\n"),
        (HOSTILE_ENTRIES[1], b"escaped via absolute path\n"),
        (HOSTILE_ENTRIES[2], b"escaped via images/../..\n"),
    ];
    for (name, data) in files {
        w.start_file(name, opts).expect("zip entry");
        w.write_all(data).expect("zip write");
    }
    w.add_symlink(HOSTILE_ENTRIES[3], "/etc/passwd", opts)
        .expect("zip symlink");
    w.finish().expect("zip finish").into_inner()
}

fn write_zip(entries: &[(String, &[u8])]) -> Vec<u8> {
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in entries {
        // Stored, not deflated: a zip is built for every task's download, and
        // deflating a few hundred KB in a debug build took longer than the
        // fault suite's 2 s stall timeout under a load of 30 on 2 cores (every
        // attempt of a MinerU download timed out). Only the markdown is
        // deflated, so the unpacker still meets a compressed entry.
        let method = if name == "full.md" {
            CompressionMethod::Deflated
        } else {
            CompressionMethod::Stored
        };
        let opts = SimpleFileOptions::default()
            .compression_method(method)
            .large_file(false);
        w.start_file(name.as_str(), opts).expect("zip entry");
        w.write_all(data).expect("zip write");
    }
    w.finish().expect("zip finish").into_inner()
}
