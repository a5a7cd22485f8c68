//! Splitting a PDF into parts of consecutive pages, each a PDF of its own, so
//! that a document over a provider's page or size limit can be sent in parts.
//!
//! Memory: the file is read with positioned reads, never mapped (a mapped file
//! truncated by another program kills the process with SIGBUS; a read only
//! fails). The cross-reference sections are read first; then the head of every
//! object (a stream's dictionary, not its data) is read and parsed by lopdf as
//! one small PDF of its own, which gives the structure (the page tree and the
//! references). Each part then reads only the objects its pages reach, a few
//! MiB of them at a time, and writes each object as its batch is read. What
//! stays in memory is the structure plus one batch, not one part.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use anyhow::{anyhow, bail, Context, Result};
use lopdf::{Dictionary, Document, Object, ObjectId};

mod syntax;
use syntax::{
    find, indirect_length, number, parse_dictionary, parse_objects, stream_data_start, tokens,
    unreadable,
};

/// Attributes a page inherits from its ancestors in the page tree.
const INHERITED: [&[u8]; 4] = [b"Resources", b"MediaBox", b"CropBox", b"Rotate"];

/// How much of an object is read to find its dictionary when the object is
/// larger (a stream whose data the structure does not need).
const HEAD: u64 = 64 * 1024;

/// How many bytes of objects a part reads and parses at once.
const BATCH: u64 = 2 * 1024 * 1024;

/// A cross-reference entry, as the newest section of the file gives it.
#[derive(Clone, Copy, Debug)]
enum Entry {
    Free,
    Normal { offset: u64, generation: u16 },
    Compressed { container: u32 },
}

/// The input, read at positions: every read checks it got what it asked for,
/// so a file cut short by another program gives an error, not a signal.
/// Positions count from `%PDF-`, as the file's offsets do: bytes a program
/// wrote before it (a log line) shift nothing.
struct Source {
    path: PathBuf,
    file: Mutex<File>,
    /// Where `%PDF-` is in the file (within its first KiB, as readers look).
    base: u64,
    /// The length from `base` on.
    len: u64,
    /// Bytes read so far: the cross-reference phase is bounded by it.
    read: AtomicU64,
}

impl Source {
    fn open(path: &Path) -> Result<Source> {
        let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        let len = file
            .metadata()
            .with_context(|| format!("cannot read {}", path.display()))?
            .len();
        let mut source = Source {
            path: path.to_path_buf(),
            file: Mutex::new(file),
            base: 0,
            len,
            read: AtomicU64::new(0),
        };
        let head = source.read_upto(0, 1024)?;
        source.base = find(&head, b"%PDF-").unwrap_or(0) as u64;
        source.len -= source.base;
        Ok(source)
    }

    /// `len` bytes at `offset`, or fewer where the file (as it was opened) ends.
    fn read_upto(&self, offset: u64, len: u64) -> Result<Vec<u8>> {
        let len = len.min(self.len.saturating_sub(offset));
        self.read.fetch_add(len, Ordering::Relaxed);
        let mut buf = vec![0; len as usize];
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        file.seek(SeekFrom::Start(self.base + offset))
            .and_then(|_| file.read_exact(&mut buf))
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::UnexpectedEof {
                    anyhow!(
                        "{} is shorter than when it was opened ({} bytes): changed by another program while it was split",
                        self.path.display(),
                        self.base + self.len
                    )
                } else {
                    anyhow!(e).context(format!("cannot read {}", self.path.display()))
                }
            })?;
        Ok(buf)
    }
}

/// The value of `key` for `page` as PDF inheritance gives it: the page's
/// own, else its nearest ancestor's in the page tree. A cycle in a damaged
/// tree ends the walk.
pub(crate) fn inherited<'a>(doc: &'a Document, page: ObjectId, key: &[u8]) -> Option<&'a Object> {
    let mut at = page;
    for _ in 0..64 {
        let dict = doc.get_dictionary(at).ok()?;
        if let Ok(v) = dict.get(key) {
            return Some(v);
        }
        at = dict.get(b"Parent").and_then(Object::as_reference).ok()?;
    }
    None
}

/// A PDF opened for splitting.
pub struct Splitter {
    source: Source,
    entries: BTreeMap<u32, Entry>,
    /// Where each object read directly ends (the next object or section).
    ends: HashMap<u64, u64>,
    /// Every object, streams without their data.
    skeleton: Document,
    /// Streams whose `/Length` is another object, with that object: the
    /// skeleton cannot say (lopdf replaces the reference with the stub's
    /// length), and a stream read without it loses its data.
    lengths: HashMap<ObjectId, ObjectId>,
    /// Page objects in page order.
    pages: Vec<ObjectId>,
}

fn is_object_stream(object: &Object) -> bool {
    matches!(object, Object::Stream(s) if s.dict.has_type(b"ObjStm"))
}

/// Reads the cross-reference sections, newest first: the entries each object
/// has in the newest section that names it, the newest trailer, and where the
/// sections start (they end the objects before them).
fn read_xref(source: &Source) -> Result<(BTreeMap<u32, Entry>, Dictionary, Vec<u64>)> {
    let tail_at = source.len.saturating_sub(2048);
    let tail = source.read_upto(tail_at, 2048)?;
    let p = tail
        .windows(9)
        .rposition(|w| w == b"startxref")
        .ok_or_else(|| unreadable("no startxref at its end"))?;
    let start: u64 = tokens(&tail[p + 9..])
        .next()
        .map(|(_, t)| number(t))
        .transpose()?
        .ok_or_else(|| unreadable("no startxref at its end"))?;
    let mut entries = BTreeMap::new();
    let mut trailer: Option<Dictionary> = None;
    let mut sections = Vec::new();
    let mut todo = vec![start];
    let mut seen = HashSet::new();
    while let Some(at) = todo.pop() {
        // A /Prev loop ends at a section seen before; sections that overlap
        // (each read again to its trailer) end at a budget in proportion to
        // the file, so a hostile file costs a few passes over it, no more.
        if !seen.insert(at) || seen.len() > 1000 || at >= source.len {
            continue;
        }
        let budget = 8 * source.len + 2 * HEAD * seen.len() as u64;
        if source.read.load(Ordering::Relaxed) > budget {
            bail!(unreadable(
                "its cross-reference sections overlap over and over"
            ));
        }
        sections.push(at);
        let head = source.read_upto(at, HEAD)?;
        let dict = if head.starts_with(b"xref") {
            read_table(source, at, &mut entries)?
        } else {
            read_stream_section(source, at, &mut entries)?
        };
        // Older sections after: /XRefStm (a hybrid file's stream) before /Prev.
        if let Ok(prev) = dict.get(b"Prev").and_then(Object::as_i64) {
            todo.push(prev as u64);
        }
        if let Ok(stm) = dict.get(b"XRefStm").and_then(Object::as_i64) {
            todo.push(stm as u64);
        }
        trailer.get_or_insert(dict);
    }
    let trailer = trailer.ok_or_else(|| unreadable("no cross-reference section"))?;
    Ok((entries, trailer, sections))
}

/// A classic `xref` table at `at`; returns its trailer.
fn read_table(source: &Source, at: u64, entries: &mut BTreeMap<u32, Entry>) -> Result<Dictionary> {
    let mut want = HEAD;
    loop {
        let text = source.read_upto(at, want)?;
        let complete = text.len() as u64 == source.len.saturating_sub(at);
        let mut it = tokens(&text[4..]).peekable();
        let mut found = Vec::new();
        let mut trailer_at = None;
        while let Some((pos, t)) = it.next() {
            if t.starts_with(b"trailer") {
                trailer_at = Some(4 + pos + 7);
                break;
            }
            let first: u32 = number(t)?;
            let Some((_, c)) = it.next() else { break };
            let count: u32 = number(c)?;
            for n in first..first.saturating_add(count) {
                let (Some((_, o)), Some((_, g)), Some((_, k))) = (it.next(), it.next(), it.next())
                else {
                    break;
                };
                // An in-use entry at offset 0 or with a generation past
                // 65535 (iText writes `0000000000 65536 n` for deleted
                // objects) names no object: free, as poppler reads it.
                let entry = match (k, number::<u64>(o)?, number::<u32>(g)?) {
                    (b"n", offset, generation) if offset > 0 => match u16::try_from(generation) {
                        Ok(generation) => Entry::Normal { offset, generation },
                        Err(_) => Entry::Free,
                    },
                    _ => Entry::Free,
                };
                found.push((n, entry));
            }
        }
        let dict_at = trailer_at.and_then(|t| find(&text[t..], b"<<").map(|p| t + p));
        match dict_at {
            Some(d) if find(&text[d..], b">>").is_some() => {
                if let Ok(dict) = parse_dictionary(&text[d..]) {
                    for (n, entry) in found {
                        entries.entry(n).or_insert(entry);
                    }
                    return Ok(dict);
                }
                if complete {
                    bail!(unreadable("its trailer is damaged"));
                }
            }
            _ if complete => bail!(unreadable("a cross-reference table has no trailer")),
            _ => {}
        }
        want *= 4;
    }
}

/// A cross-reference stream at `at`; returns its dictionary.
fn read_stream_section(
    source: &Source,
    at: u64,
    entries: &mut BTreeMap<u32, Entry>,
) -> Result<Dictionary> {
    let head = source.read_upto(at, HEAD)?;
    let mut it = tokens(&head);
    let (Some((_, n)), Some((_, g))) = (it.next(), it.next()) else {
        bail!(unreadable(
            "no cross-reference section where startxref points"
        ));
    };
    let id: ObjectId = (number(n)?, number(g)?);
    let start = stream_data_start(&head)
        .ok_or_else(|| unreadable("no cross-reference section where startxref points"))?;
    let dict = parse_dictionary(&head[find(&head, b"<<").unwrap_or(0)..])?;
    let length = dict
        .get(b"Length")
        .and_then(Object::as_i64)
        .map_err(|_| unreadable("a cross-reference stream has no direct /Length"))?;
    let bytes = source.read_upto(at, start as u64 + length.max(0) as u64 + 64)?;
    let mut object = bytes[..(start
        + (length.max(0) as usize).min(bytes.len().saturating_sub(start)))
    .min(bytes.len())]
        .to_vec();
    object.extend_from_slice(b"\nendstream\nendobj");
    let doc = parse_objects(&[(id, object)])?;
    let stream = doc
        .get_object(id)
        .and_then(Object::as_stream)
        .map_err(unreadable)?;
    let data = stream.decompressed_content().map_err(unreadable)?;
    let widths: Vec<usize> = dict
        .get(b"W")
        .and_then(Object::as_array)
        .map_err(unreadable)?
        .iter()
        .map(|w| w.as_i64().map(|w| w.max(0) as usize))
        .collect::<std::result::Result<_, _>>()
        .map_err(unreadable)?;
    if widths.len() != 3 || widths.iter().any(|&w| w > 8) {
        bail!(unreadable("a cross-reference stream has a bad /W"));
    }
    let size = dict.get(b"Size").and_then(Object::as_i64).unwrap_or(0);
    let index: Vec<i64> = match dict.get(b"Index").and_then(Object::as_array) {
        Ok(a) => a.iter().filter_map(|o| o.as_i64().ok()).collect(),
        Err(_) => vec![0, size],
    };
    let row = widths.iter().sum::<usize>().max(1);
    let field = |bytes: &[u8]| bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    let mut rows = data.chunks_exact(row);
    for pair in index.chunks_exact(2) {
        for n in pair[0]..pair[0] + pair[1] {
            let Some(r) = rows.next() else { break };
            let (a, rest) = r.split_at(widths[0]);
            let (b, c) = rest.split_at(widths[1]);
            let kind = if widths[0] == 0 { 1 } else { field(a) };
            let entry = match kind {
                1 => Entry::Normal {
                    offset: field(b),
                    generation: field(c) as u16,
                },
                2 => Entry::Compressed {
                    container: field(b) as u32,
                },
                _ => Entry::Free,
            };
            entries.entry(n as u32).or_insert(entry);
        }
    }
    Ok(dict)
}

impl Splitter {
    pub fn open(path: &Path) -> Result<Splitter> {
        let mut source = Source::open(path)?;
        // Offsets usually count from `%PDF-`; a few writers count from the
        // file's first byte: the other reading is tried before giving up.
        let (entries, trailer, sections) = match read_xref(&source) {
            Err(e) if source.base > 0 => {
                source.len += source.base;
                source.base = 0;
                read_xref(&source).map_err(|_| e)?
            }
            read => read?,
        };
        if trailer.get(b"Encrypt").is_ok() {
            bail!("it is encrypted, so it cannot be split here");
        }
        let mut bounds: Vec<u64> = entries
            .values()
            .filter_map(|e| match e {
                Entry::Normal { offset, .. } => Some(*offset),
                _ => None,
            })
            .chain(sections)
            .chain([source.len])
            .collect();
        bounds.sort_unstable();
        bounds.dedup();
        let ends: HashMap<u64, u64> = bounds.windows(2).map(|w| (w[0], w[1])).collect();
        let containers: HashSet<u32> = entries
            .values()
            .filter_map(|e| match e {
                Entry::Compressed { container } => Some(*container),
                _ => None,
            })
            .collect();
        let mut splitter = Splitter {
            source,
            entries,
            ends,
            skeleton: Document::new(),
            lengths: HashMap::new(),
            pages: Vec::new(),
        };
        // Streams without their data (one byte stays, as lopdf would read an
        // empty stream again); object streams whole, as they hold objects.
        let mut heads = Vec::new();
        // Each offset is read once: a damaged table may give thousands of
        // objects the same offset, and the reads must stay within the file's size.
        let mut taken = HashSet::new();
        for (&n, entry) in &splitter.entries {
            let Entry::Normal { offset, generation } = *entry else {
                continue;
            };
            if !taken.insert(offset) {
                continue;
            }
            // An offset past the end (a damaged table) spans nothing: what is
            // read there fails to parse, it does not underflow.
            let span = splitter.end_of(offset).saturating_sub(offset);
            let head = splitter.source.read_upto(offset, span.min(HEAD))?;
            let bytes = match stream_data_start(&head) {
                _ if containers.contains(&n) => splitter.source.read_upto(offset, span)?,
                Some(start) => {
                    if let Some(length) = indirect_length(&head[..start]) {
                        splitter.lengths.insert((n, generation), length);
                    }
                    let mut b = head[..start].to_vec();
                    b.extend_from_slice(b" \nendstream\nendobj");
                    b
                }
                None if span <= HEAD => head,
                None => splitter.source.read_upto(offset, span)?,
            };
            heads.push(((n, generation), bytes));
        }
        let mut skeleton = parse_objects(&heads)?;
        drop(heads);
        skeleton
            .objects
            .retain(|id, _| splitter.is_current(*id, None));
        for object in skeleton.objects.values_mut() {
            if let Object::Stream(s) = object {
                if !s.dict.has_type(b"ObjStm") {
                    s.content = vec![b' '];
                }
            }
        }
        skeleton.trailer = trailer;
        let pages: Vec<ObjectId> = skeleton.get_pages().into_values().collect();
        if pages.is_empty() {
            bail!("no pages found in it, so it cannot be split");
        }
        splitter.skeleton = skeleton;
        splitter.pages = pages;
        Ok(splitter)
    }

    fn end_of(&self, offset: u64) -> u64 {
        self.ends.get(&offset).copied().unwrap_or(self.source.len)
    }

    /// Whether `id` is the object the cross-reference names; `direct` says
    /// whether it was read at its offset (true) or from an object stream.
    fn is_current(&self, id: ObjectId, direct: Option<bool>) -> bool {
        match self.entries.get(&id.0) {
            Some(Entry::Normal { generation, .. }) => *generation == id.1 && direct != Some(false),
            Some(Entry::Compressed { .. }) => id.1 == 0 && direct != Some(true),
            _ => false,
        }
    }

    /// Reads the objects `keep` names, a batch of them at a time, and hands
    /// each to `each` once, so that no more than a batch is held.
    fn load_each(
        &self,
        keep: &HashSet<ObjectId>,
        mut each: impl FnMut(ObjectId, Object) -> Result<()>,
    ) -> Result<()> {
        // What to read at its offset: the objects themselves, the object
        // streams that hold some, and the lengths of their streams (lopdf
        // needs them to read the data).
        let mut wanted: BTreeMap<u64, (ObjectId, u64)> = BTreeMap::new();
        let want = |n: u32, wanted: &mut BTreeMap<u64, (ObjectId, u64)>| match self.entries.get(&n)
        {
            Some(Entry::Normal { offset, generation }) => {
                wanted.insert(*offset, ((n, *generation), self.end_of(*offset)));
            }
            Some(Entry::Compressed { container }) => {
                if let Some(Entry::Normal { offset, generation }) = self.entries.get(container) {
                    wanted.insert(*offset, ((*container, *generation), self.end_of(*offset)));
                }
            }
            _ => {}
        };
        for id in keep {
            want(id.0, &mut wanted);
        }
        let length_of = |id: ObjectId| self.lengths.get(&id).copied();
        let mut given = HashSet::new();
        let mut batch: Vec<(ObjectId, u64, u64)> = Vec::new();
        let mut bytes = 0;
        let mut items = wanted.into_iter().peekable();
        while let Some((offset, (id, end))) = items.next() {
            bytes += end.saturating_sub(offset);
            batch.push((id, offset, end));
            if bytes < BATCH && items.peek().is_some() {
                continue;
            }
            let mut extra = BTreeMap::new();
            for &(id, _, _) in &batch {
                if let Some(len) = length_of(id) {
                    want(len.0, &mut extra);
                }
            }
            let direct: HashSet<ObjectId> = batch.iter().map(|b| b.0).collect();
            let mut objects = Vec::new();
            let mut read = HashSet::new();
            for (id, offset, end) in batch
                .drain(..)
                .chain(extra.into_iter().map(|(o, (id, e))| (id, o, e)))
            {
                if read.insert(id) {
                    objects.push((
                        id,
                        self.source.read_upto(offset, end.saturating_sub(offset))?,
                    ));
                }
            }
            let doc = parse_objects(&objects)?;
            drop(objects);
            for (id, object) in doc.objects {
                if !keep.contains(&id) || given.contains(&id) {
                    continue;
                }
                let current = (direct.contains(&id) && self.is_current(id, Some(true)))
                    || self.is_current(id, Some(false));
                if current {
                    given.insert(id);
                    each(id, object)?;
                }
            }
            bytes = 0;
        }
        Ok(())
    }

    pub fn page_count(&self) -> u32 {
        self.pages.len() as u32
    }

    /// The value of `key` for a page, looked up the page tree as PDF inheritance does.
    fn inherited(&self, page: ObjectId, key: &[u8]) -> Option<Object> {
        inherited(&self.skeleton, page, key).cloned()
    }

    /// Every object the pages `chosen` need: the pages, what they reference
    /// (not other pages, not the tree above them), and the objects behind the
    /// attributes they inherit.
    fn closure(&self, chosen: &[ObjectId]) -> HashSet<ObjectId> {
        let chosen: HashSet<ObjectId> = chosen.iter().copied().collect();
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

    /// The bytes the objects of pages `first..=last` take in the file, stream
    /// data included (an object stream that holds some counted once): about
    /// the size of the part. Measured from the offsets, as the structure
    /// holds the streams without their data (and lopdf sets their `/Length`
    /// to what it read).
    pub fn weight(&self, first: u32, last: u32) -> u64 {
        self.weight_of(&self.pages[first as usize - 1..last as usize])
    }

    /// [`Splitter::weight`] of the pages `chosen`.
    fn weight_of(&self, chosen: &[ObjectId]) -> u64 {
        let mut containers = HashSet::new();
        let span = |offset: u64| self.end_of(offset).saturating_sub(offset);
        self.closure(chosen)
            .iter()
            .map(|id| match self.entries.get(&id.0) {
                Some(Entry::Normal { offset, .. }) => span(*offset),
                Some(Entry::Compressed { container }) if containers.insert(*container) => {
                    match self.entries.get(container) {
                        Some(Entry::Normal { offset, .. }) => span(*offset),
                        _ => 0,
                    }
                }
                _ => 0,
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
        self.write_chosen(&self.pages[first as usize - 1..last as usize], dest)
    }

    /// Writes the pages `chosen` (objects of [`Splitter::pages`], in the order
    /// given) as a PDF of their own at `dest`; returns its size.
    fn write_chosen(&self, chosen: &[ObjectId], dest: &Path) -> Result<u64> {
        let keep = self.closure(chosen);
        // Numbered afresh from 1 (in the order of the old numbers): the
        // table's length follows the part, not a damaged file's numbers (or
        // its trailer's /Size), which may be in the billions. A reference to
        // an object outside the part becomes `null`, as a reader takes a
        // missing object.
        let mut order: Vec<ObjectId> = keep.iter().copied().collect();
        order.sort_unstable();
        let map: HashMap<ObjectId, ObjectId> = order
            .iter()
            .zip(1..)
            .map(|(&old, new)| (old, (new, 0)))
            .collect();
        let count = map.len() as u32;
        let (tree_id, catalog_id) = ((count + 1, 0), (count + 2, 0));
        let mut attrs: HashMap<ObjectId, Vec<(&[u8], Object)>> = HashMap::new();
        for &page in chosen {
            let mut own = Vec::new();
            for key in INHERITED {
                if let Some(mut v) = self.inherited(page, key) {
                    renumber_refs(&mut v, &map);
                    own.push((key, v));
                }
            }
            attrs.insert(page, own);
        }
        let cannot_write =
            |e: &dyn std::fmt::Display| anyhow!("cannot write {}: {e}", dest.display());
        let file =
            File::create(dest).with_context(|| format!("cannot create {}", dest.display()))?;
        let mut out = Counting {
            inner: std::io::BufWriter::new(file),
            written: 0,
        };
        let version = &self.skeleton.version;
        out.put(format!("%PDF-{version}\n").as_bytes())
            .and_then(|()| out.put(b"%\xE2\xE3\xCF\xD3\n"))
            .map_err(|e| cannot_write(&e))?;
        // Each object is written as soon as its batch is read, so that no more
        // than a batch of the part is held.
        let mut at: BTreeMap<u32, u64> = BTreeMap::new();
        self.load_each(&keep, |id, mut object| {
            // The object streams served their members; the members are
            // written on their own.
            if is_object_stream(&object)
                || matches!(&object, Object::Stream(s) if s.dict.has_type(b"XRef"))
            {
                return Ok(());
            }
            renumber_refs(&mut object, &map);
            if let Some(own) = attrs.remove(&id) {
                let Object::Dictionary(dict) = &mut object else {
                    bail!("page object {} {} is missing or not a page", id.0, id.1);
                };
                for (key, v) in own {
                    if dict.get(key).is_err() {
                        dict.set(key, v);
                    }
                }
                dict.set("Parent", Object::Reference(tree_id));
            }
            let number = map[&id].0;
            at.insert(number, out.written);
            write_object(&mut out, number, object).map_err(|e| cannot_write(&e))
        })?;
        if let Some(page) = chosen.iter().find(|p| attrs.contains_key(p)) {
            bail!("page object {} {} is missing or not a page", page.0, page.1);
        }
        let mut tree = Dictionary::new();
        tree.set("Type", Object::Name(b"Pages".to_vec()));
        tree.set(
            "Kids",
            Object::Array(chosen.iter().map(|p| Object::Reference(map[p])).collect()),
        );
        tree.set("Count", Object::Integer(chosen.len() as i64));
        let mut catalog = Dictionary::new();
        catalog.set("Type", Object::Name(b"Catalog".to_vec()));
        catalog.set("Pages", Object::Reference(tree_id));
        for (id, object) in [(tree_id, tree), (catalog_id, catalog)] {
            at.insert(id.0, out.written);
            write_object(&mut out, id.0, Object::Dictionary(object))
                .map_err(|e| cannot_write(&e))?;
        }
        let xref = out.written;
        let size = count + 3;
        let mut table = format!("xref\n0 {size}\n0000000000 65535 f \n");
        for n in 1..size {
            match at.get(&n) {
                Some(offset) => table.push_str(&format!("{offset:010} 00000 n \n")),
                None => table.push_str("0000000000 65535 f \n"),
            }
        }
        table.push_str(&format!(
            "trailer\n<< /Size {size} /Root {} 0 R >>\nstartxref\n{xref}\n%%EOF",
            catalog_id.0
        ));
        out.put(table.as_bytes()).map_err(|e| cannot_write(&e))?;
        let file = out.inner.into_inner().map_err(|e| cannot_write(&e))?;
        file.sync_all().ok();
        drop(file);
        // Its pages are known: checking the part against the provider's
        // limits need not read it whole (lopdf would, up to 64 MiB).
        crate::pdf::remember_page_count(dest, chosen.len() as u32);
        Ok(std::fs::metadata(dest)?.len())
    }
}

/// A file written in order, counting the bytes (the offsets of the table).
struct Counting {
    inner: std::io::BufWriter<File>,
    written: u64,
}

impl Counting {
    fn put(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        std::io::Write::write_all(&mut self.inner, bytes)?;
        self.written += bytes.len() as u64;
        Ok(())
    }
}

/// Writes `object` as indirect object `number` (generation 0), serialised
/// by lopdf: its writer is not public for one object, so the object is saved
/// as the one object of a PDF of its own and its body cut out of that.
fn write_object(out: &mut Counting, number: u32, object: Object) -> Result<()> {
    let mut one = Document::with_version("1.7");
    one.reference_table.cross_reference_type = lopdf::xref::XrefType::CrossReferenceTable;
    one.objects.insert((1, 0), object);
    one.max_id = 1;
    let mut bytes = Vec::new();
    one.save_to(&mut bytes).map_err(|e| anyhow!("{e}"))?;
    drop(one);
    let start = find(&bytes, b"\n1 0 obj\n").map(|p| p + 9);
    let end = bytes
        .windows(6)
        .rposition(|w| w == b"\nxref\n" as &[u8])
        .and_then(|x| bytes[..x].windows(6).rposition(|w| w == b"endobj"));
    let (Some(start), Some(end)) = (start, end) else {
        bail!("lopdf wrote an object in an unexpected shape");
    };
    out.put(format!("{number} 0 obj\n").as_bytes())?;
    out.put(&bytes[start..end])?;
    out.put(b"endobj\n")?;
    Ok(())
}

fn renumber_refs(object: &mut Object, map: &HashMap<ObjectId, ObjectId>) {
    match object {
        Object::Reference(r) => match map.get(r) {
            Some(new) => *r = *new,
            None => *object = Object::Null,
        },
        Object::Array(items) => items.iter_mut().for_each(|o| renumber_refs(o, map)),
        Object::Dictionary(d) => d.iter_mut().for_each(|(_, v)| renumber_refs(v, map)),
        Object::Stream(s) => s.dict.iter_mut().for_each(|(_, v)| renumber_refs(v, map)),
        _ => {}
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

mod pick;
mod ranges;
pub use ranges::plan_ranges;

/// The most a part may weigh: a part is held in memory while it is cut.
pub const PART_BYTES: u64 = 64 << 20;

/// The page ranges the document `s` is cut into for a provider that takes at
/// most `max_pages` pages and `max_bytes` bytes a document (a part keeps a
/// tenth of the byte limit as room, and never weighs over [`PART_BYTES`]).
/// None when a single page is over the size limit.
pub fn part_ranges(
    s: &Splitter,
    max_pages: Option<u32>,
    max_bytes: Option<u64>,
) -> Option<Vec<(u32, u32)>> {
    let room = max_bytes.map_or(PART_BYTES, |m| (m / 10 * 9).min(PART_BYTES));
    plan_ranges(s.page_count(), max_pages, Some(room), &|a, b| {
        s.weight(a, b)
    })
}

/// The test documents' generator, shared with the integration tests.
#[cfg(test)]
#[path = "../tests/cli/support/pdfgen.rs"]
pub(crate) mod pdfgen;

#[cfg(test)]
mod tests;
