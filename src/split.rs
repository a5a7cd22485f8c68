//! Splitting a PDF into parts of consecutive pages, each a PDF of its own, so
//! that a document over a provider's page or size limit can be sent in parts.
//!
//! Memory: the file is mapped, not read; a first pass parses every object with
//! its stream data dropped (the page tree and the references only), and each
//! part is then loaded with only the objects its pages reach (the filter runs
//! as lopdf reads, so the rest is never kept). What stays in memory is the
//! structure plus one part's objects. Pages of the mapped file that were read
//! count in the resident size as file cache, which the kernel drops at will.

use std::collections::HashSet;
use std::fs::File;
use std::path::Path;
use std::sync::{Mutex, RwLock};

use anyhow::{bail, Context, Result};
use lopdf::{Dictionary, Document, LoadOptions, Object, ObjectId};

/// Attributes a page inherits from its ancestors in the page tree.
const INHERITED: [&[u8]; 4] = [b"Resources", b"MediaBox", b"CropBox", b"Rotate"];

/// The objects the current part keeps (the filter of a lopdf load is a plain
/// `fn`, so it reads them from here); loads that use it take `LOADING`.
static KEEP: RwLock<Option<HashSet<ObjectId>>> = RwLock::new(None);
static LOADING: Mutex<()> = Mutex::new(());

/// A PDF opened for splitting.
pub struct Splitter {
    map: memmap2::Mmap,
    /// Every object, streams without their data.
    skeleton: Document,
    /// Page objects in page order.
    pages: Vec<ObjectId>,
}

fn is_object_stream(object: &Object) -> bool {
    matches!(object, Object::Stream(s) if s.dict.has_type(b"ObjStm"))
}

/// What a filter keeps. lopdf keeps the object it gave the filter, changed in
/// place, except for the members of object streams, where it keeps what the
/// filter returns; members are never streams, so only small objects are copied.
fn kept(id: ObjectId, object: &Object) -> Option<(ObjectId, Object)> {
    match object {
        Object::Stream(_) => Some((id, Object::Null)),
        other => Some((id, other.clone())),
    }
}

/// First pass: keeps dictionaries, drops stream data (one byte stays, or lopdf
/// would read an empty stream again).
fn skeleton_filter(id: ObjectId, object: &mut Object) -> Option<(ObjectId, Object)> {
    if let Object::Stream(s) = object {
        if !s.dict.has_type(b"ObjStm") {
            s.content = vec![b' '];
        }
    }
    kept(id, object)
}

/// Second pass: keeps the current part's objects, and the object streams that
/// may hold some of them.
fn part_filter(id: ObjectId, object: &mut Object) -> Option<(ObjectId, Object)> {
    let keep = KEEP.read().unwrap_or_else(|e| e.into_inner());
    let wanted = keep.as_ref().is_some_and(|k| k.contains(&id)) || is_object_stream(object);
    drop(keep);
    if wanted {
        kept(id, object)
    } else {
        None
    }
}

impl Splitter {
    pub fn open(path: &Path) -> Result<Splitter> {
        let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        // SAFETY: the map is only read, and only while this value lives. A file
        // changed by another program while it is split gives wrong parts (as
        // reading it would); docpipe itself never writes its inputs.
        #[allow(unsafe_code)]
        let map = unsafe { memmap2::Mmap::map(&file) }
            .with_context(|| format!("cannot map {}", path.display()))?;
        let skeleton = {
            let _one = LOADING.lock().unwrap_or_else(|e| e.into_inner());
            Document::load_mem_with_options(&map, LoadOptions::with_filter(skeleton_filter))
                .map_err(|e| anyhow::anyhow!("cannot read it as a PDF to split it: {e}"))?
        };
        if skeleton.is_encrypted() || skeleton.trailer.get(b"Encrypt").is_ok() {
            bail!("it is encrypted, so it cannot be split here");
        }
        let pages: Vec<ObjectId> = skeleton.get_pages().into_values().collect();
        if pages.is_empty() {
            bail!("no pages found in it, so it cannot be split");
        }
        Ok(Splitter {
            map,
            skeleton,
            pages,
        })
    }

    pub fn page_count(&self) -> u32 {
        self.pages.len() as u32
    }

    /// The value of `key` for a page, looked up the page tree as PDF inheritance does.
    fn inherited(&self, page: ObjectId, key: &[u8]) -> Option<Object> {
        let mut at = page;
        for _ in 0..64 {
            let dict = self.skeleton.get_dictionary(at).ok()?;
            if let Ok(v) = dict.get(key) {
                return Some(v.clone());
            }
            at = dict.get(b"Parent").and_then(Object::as_reference).ok()?;
        }
        None
    }

    /// Every object pages `first..=last` (1-based) need: the pages, what they
    /// reference (not other pages, not the tree above them), and the objects
    /// behind the attributes they inherit.
    fn closure(&self, first: u32, last: u32) -> HashSet<ObjectId> {
        let chosen: HashSet<ObjectId> = self.pages[first as usize - 1..last as usize]
            .iter()
            .copied()
            .collect();
        let all_pages: HashSet<ObjectId> = self.pages.iter().copied().collect();
        let mut seen: HashSet<ObjectId> = HashSet::new();
        let mut todo: Vec<ObjectId> = chosen.iter().copied().collect();
        for &page in &chosen {
            for key in INHERITED {
                if let Some(v) = self.inherited(page, key) {
                    refs_in(&v, &mut todo);
                }
            }
        }
        while let Some(id) = todo.pop() {
            if (all_pages.contains(&id) && !chosen.contains(&id)) || !seen.insert(id) {
                continue;
            }
            let Ok(object) = self.skeleton.get_object(id) else {
                continue;
            };
            let dict = match object {
                Object::Dictionary(d) => Some(d),
                Object::Stream(s) => Some(&s.dict),
                _ => None,
            };
            if let Some(d) = dict {
                // The tree above and the document's root are rebuilt, not copied.
                if d.has_type(b"Pages") || d.has_type(b"Catalog") {
                    seen.remove(&id);
                    continue;
                }
                for (k, v) in d.iter() {
                    if k.as_slice() != b"Parent" || !chosen.contains(&id) {
                        refs_in(v, &mut todo);
                    }
                }
            } else {
                refs_in(object, &mut todo);
            }
        }
        seen
    }

    /// The bytes the streams of pages `first..=last` hold (their `/Length`s):
    /// about the size of the part.
    pub fn weight(&self, first: u32, last: u32) -> u64 {
        self.closure(first, last)
            .iter()
            .filter_map(|id| match self.skeleton.get_object(*id) {
                Ok(Object::Stream(s)) => s.dict.get(b"Length").ok().and_then(|l| match l {
                    Object::Integer(n) => Some(*n as u64),
                    Object::Reference(r) => self
                        .skeleton
                        .get_object(*r)
                        .ok()?
                        .as_i64()
                        .ok()
                        .map(|n| n as u64),
                    _ => None,
                }),
                _ => None,
            })
            .sum()
    }

    /// Writes pages `first..=last` (1-based, inclusive) as a PDF of their own at
    /// `dest`; returns its size.
    pub fn write_part(&self, first: u32, last: u32, dest: &Path) -> Result<u64> {
        if first == 0 || last < first || last > self.page_count() {
            bail!(
                "pages {first}-{last} are outside the document ({} pages)",
                self.page_count()
            );
        }
        let keep = self.closure(first, last);
        let mut doc = {
            let _one = LOADING.lock().unwrap_or_else(|e| e.into_inner());
            *KEEP.write().unwrap_or_else(|e| e.into_inner()) = Some(keep);
            let loaded =
                Document::load_mem_with_options(&self.map, LoadOptions::with_filter(part_filter));
            *KEEP.write().unwrap_or_else(|e| e.into_inner()) = None;
            loaded.map_err(|e| anyhow::anyhow!("cannot read it as a PDF to split it: {e}"))?
        };
        // The object streams served their members; the members are written on
        // their own.
        doc.objects.retain(|_, o| {
            !is_object_stream(o) && !matches!(o, Object::Stream(s) if s.dict.has_type(b"XRef"))
        });
        doc.max_id = doc.max_id.max(self.skeleton.max_id);
        let tree_id = doc.new_object_id();
        let chosen = &self.pages[first as usize - 1..last as usize];
        for &page in chosen {
            let mut attrs: Vec<(&[u8], Object)> = Vec::new();
            for key in INHERITED {
                if let Some(v) = self.inherited(page, key) {
                    attrs.push((key, v));
                }
            }
            let Ok(Object::Dictionary(dict)) = doc.get_object_mut(page) else {
                bail!("page object {} {} is missing or not a page", page.0, page.1);
            };
            for (key, v) in attrs {
                if dict.get(key).is_err() {
                    dict.set(key, v);
                }
            }
            dict.set("Parent", Object::Reference(tree_id));
        }
        let mut tree = Dictionary::new();
        tree.set("Type", Object::Name(b"Pages".to_vec()));
        tree.set(
            "Kids",
            Object::Array(chosen.iter().map(|&p| Object::Reference(p)).collect()),
        );
        tree.set("Count", Object::Integer(chosen.len() as i64));
        doc.objects.insert(tree_id, Object::Dictionary(tree));
        let mut catalog = Dictionary::new();
        catalog.set("Type", Object::Name(b"Catalog".to_vec()));
        catalog.set("Pages", Object::Reference(tree_id));
        let catalog_id = doc.add_object(Object::Dictionary(catalog));
        doc.trailer = Dictionary::new();
        doc.trailer.set("Root", Object::Reference(catalog_id));
        let mut out = std::io::BufWriter::new(
            File::create(dest).with_context(|| format!("cannot create {}", dest.display()))?,
        );
        doc.save_to(&mut out)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", dest.display()))?;
        let file = out
            .into_inner()
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", dest.display()))?;
        file.sync_all().ok();
        Ok(file.metadata()?.len())
    }
}

fn refs_in(object: &Object, out: &mut Vec<ObjectId>) {
    match object {
        Object::Reference(r) => out.push(*r),
        Object::Array(items) => items.iter().for_each(|o| refs_in(o, out)),
        Object::Dictionary(d) => d.iter().for_each(|(_, v)| refs_in(v, out)),
        Object::Stream(s) => s.dict.iter().for_each(|(_, v)| refs_in(v, out)),
        _ => {}
    }
}

/// Page ranges (1-based, inclusive) of about equal length such that each has at
/// most `max_pages` pages and, by `weight`, at most `max_bytes`; the fewest
/// parts that fit. None when even single pages are too heavy.
pub fn plan_ranges(
    pages: u32,
    max_pages: Option<u32>,
    max_bytes: Option<u64>,
    weight: &dyn Fn(u32, u32) -> u64,
) -> Option<Vec<(u32, u32)>> {
    let per = max_pages.unwrap_or(pages).max(1);
    let mut parts = pages.div_ceil(per).max(1);
    while parts <= pages {
        let ranges = even_ranges(pages, parts);
        let fits = max_bytes.is_none_or(|max| ranges.iter().all(|&(a, b)| weight(a, b) <= max));
        if fits {
            return Some(ranges);
        }
        // Grow quickly: every try reads the structure again.
        parts = (parts + 1).max(parts * 5 / 4);
    }
    None
}

fn even_ranges(pages: u32, parts: u32) -> Vec<(u32, u32)> {
    let base = pages / parts;
    let extra = pages % parts;
    let mut out = Vec::with_capacity(parts as usize);
    let mut start = 1;
    for i in 0..parts {
        let len = base + u32::from(i < extra);
        out.push((start, start + len - 1));
        start += len;
    }
    out
}

/// Page ranges of a split, for messages: "1-600, 601-1200, 1201-1300".
pub fn describe(ranges: &[(u32, u32)]) -> String {
    ranges
        .iter()
        .map(|(a, b)| format!("{a}-{b}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The test documents' generator, shared with the integration tests.
#[cfg(test)]
#[path = "../tests/cli/support/pdfgen.rs"]
mod pdfgen;

#[cfg(test)]
mod tests {
    use super::*;

    use crate::split::pdfgen::make_pdf;

    #[test]
    fn ranges_are_even_and_fit_the_limits() {
        let none = |_: u32, _: u32| 0;
        assert_eq!(
            plan_ranges(1300, Some(600), None, &none).unwrap(),
            vec![(1, 434), (435, 867), (868, 1300)]
        );
        assert_eq!(
            plan_ranges(20, Some(20), None, &none).unwrap(),
            vec![(1, 20)]
        );
        // 1 KB a page, 10 KB allowed: 10 pages a part at most.
        let kb = |a: u32, b: u32| u64::from(b - a + 1) * 1000;
        let r = plan_ranges(45, None, Some(10_000), &kb).unwrap();
        assert!(r.iter().all(|&(a, b)| b - a < 10), "{r:?}");
        assert_eq!(r.first().unwrap().0, 1);
        assert_eq!(r.last().unwrap().1, 45);
        assert!(r.windows(2).all(|w| w[0].1 + 1 == w[1].0));
        // A single page over the size limit: no split helps.
        assert_eq!(plan_ranges(3, None, Some(10), &kb), None);
    }

    #[test]
    fn parts_hold_their_pages_in_order_with_inherited_resources() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("big.pdf");
        std::fs::write(&src, make_pdf(130)).unwrap();
        let s = Splitter::open(&src).unwrap();
        assert_eq!(s.page_count(), 130);
        for (a, b) in [(1, 60), (61, 120), (121, 130)] {
            let part = dir.path().join(format!("p{a}.pdf"));
            let size = s.write_part(a, b, &part).unwrap();
            assert!(size > 0);
            let doc = Document::load(&part).unwrap();
            let pages = doc.get_pages();
            assert_eq!(pages.len() as u32, b - a + 1);
            let first = doc.extract_text(&[1]).unwrap();
            assert!(first.contains(&format!("Page {a}")), "{first:?}");
            let last = doc.extract_text(&[b - a + 1]).unwrap();
            assert!(last.contains(&format!("Page {b}")), "{last:?}");
            // The font came down from the tree's resources.
            let page = doc.get_dictionary(pages[&1]).unwrap();
            assert!(page.get(b"Resources").is_ok());
            assert!(page.get(b"MediaBox").is_ok());
        }
        assert!(s.weight(1, 130) > s.weight(1, 10));
    }

    #[test]
    fn real_documents_split_and_bad_ones_are_refused() {
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/documents");
        let dir = tempfile::tempdir().unwrap();
        let s = Splitter::open(&fixtures.join("demo1.pdf")).unwrap();
        assert_eq!(s.page_count(), 13);
        let part = dir.path().join("part.pdf");
        s.write_part(5, 9, &part).unwrap();
        assert_eq!(crate::pdf::page_count(&part), Some(5));
        assert!(s.write_part(9, 14, &part).is_err());
        let junk = dir.path().join("junk.pdf");
        std::fs::write(&junk, b"%PDF-1.4 not really").unwrap();
        assert!(Splitter::open(&junk).is_err());
    }
}
