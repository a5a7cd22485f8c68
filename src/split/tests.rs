//! The splitter's unit tests.
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
fn a_file_cut_short_while_it_is_split_gives_an_error_not_a_signal() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("big.pdf");
    std::fs::write(&src, make_pdf(130)).unwrap();
    let s = Splitter::open(&src).unwrap();
    let len = std::fs::metadata(&src).unwrap().len();
    // Another program truncates the file between the parts.
    std::fs::OpenOptions::new()
        .write(true)
        .open(&src)
        .unwrap()
        .set_len(len / 2)
        .unwrap();
    let part = dir.path().join("last.pdf");
    let err = s.write_part(121, 130, &part).unwrap_err();
    assert!(
        format!("{err:#}").contains("shorter than when it was opened"),
        "{err:#}"
    );
    // Opened again, the short file is refused with a message too.
    assert!(Splitter::open(&src).is_err());
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

/// Every page of a real paper cut out on its own carries its whole content:
/// demo1's first page draws from eight streams whose `/Length` is another
/// object, and a part once held them empty (a blank page sent to the provider,
/// paid for, and a local "no text layer" refusal).
#[test]
fn each_page_cut_out_of_a_real_paper_keeps_its_content() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/documents");
    let original = Document::load(fixtures.join("demo1.pdf")).unwrap();
    let pages = original.get_pages();
    let s = Splitter::open(&fixtures.join("demo1.pdf")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for (&number, &id) in &pages {
        let part = dir.path().join(format!("p{number}.pdf"));
        s.write_part(number, number, &part).unwrap();
        let cut = Document::load(&part).unwrap();
        let cut_page = cut.get_pages()[&1];
        let want = original.get_page_content(id);
        assert!(!want.is_empty());
        assert_eq!(cut.get_page_content(cut_page), want, "page {number}");
    }
}

/// iText marks deleted objects `0000000000 65536 n` (24 of ICDAR 2013's 27
/// `eu-*` files): an in-use entry at offset 0 with a generation past 65535
/// names no object. Read as free, as poppler does, the file splits.
#[test]
fn a_deleted_object_written_in_use_at_offset_zero_is_free() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/documents");
    let mut bytes = std::fs::read(fixtures.join("demo1.pdf")).unwrap();
    let free = b"0000000000 65535 f";
    let at = find(&bytes, free).unwrap();
    bytes[at..at + free.len()].copy_from_slice(b"0000000000 65536 n");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("itext.pdf");
    std::fs::write(&path, &bytes).unwrap();
    let s = Splitter::open(&path).unwrap();
    assert_eq!(s.page_count(), 13);
    let part = dir.path().join("part.pdf");
    s.write_part(2, 3, &part).unwrap();
    assert_eq!(crate::pdf::page_count(&part), Some(2));
}

#[test]
fn a_stream_length_held_in_another_object_is_found() {
    use super::syntax::indirect_length;
    assert_eq!(
        indirect_length(b"<< /Filter /FlateDecode /Length 312 0 R >> "),
        Some((312, 0))
    );
    assert_eq!(
        indirect_length(b"<</Length 7 2 R/Filter/FlateDecode>>"),
        Some((7, 2))
    );
    // The font program's lengths are other keys; the stream's own comes after.
    assert_eq!(
        indirect_length(b"<< /Length1 9 0 R /Length2 5 /Length 8 0 R >>"),
        Some((8, 0))
    );
    assert_eq!(
        indirect_length(b"<< /Length 643 /Filter /FlateDecode >>"),
        None
    );
    assert_eq!(indirect_length(b"<< /Length1 9 0 R >>"), None);
    assert_eq!(indirect_length(b"<< /Length 12 0 Rx >>"), None);
}

/// A trailer's /Size in the billions (as in the robustness test's hostile
/// cases) once made the part's cross-reference table that long: minutes of
/// work and gigabytes written. Parts are numbered afresh, so a part is the
/// size of its objects.
#[test]
fn a_nonsense_size_in_the_trailer_costs_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let good = make_pdf(3);
    let at = find(&good, b"/Size ").expect("a /Size in the trailer");
    let digits = good[at + 6..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    let mut bad = good[..at + 6].to_vec();
    bad.extend_from_slice(b"99999999999");
    bad.extend_from_slice(&good[at + 6 + digits..]);
    let src = dir.path().join("size.pdf");
    std::fs::write(&src, &bad).unwrap();
    let s = Splitter::open(&src).unwrap();
    assert_eq!(s.page_count(), 3);
    let part = dir.path().join("part.pdf");
    let size = s.write_part(2, 3, &part).unwrap();
    assert!(size < 16 * 1024, "{size} bytes for two small pages");
    let doc = Document::load(&part).unwrap();
    assert_eq!(doc.get_pages().len(), 2);
    assert!(doc.extract_text(&[1]).unwrap().contains("Page 2"));
}

/// Named in docs/providers.md: the splitter does not repair a table that
/// points at the wrong bytes (local's `pdf_repair` rebuilds one by reading the
/// whole file, which the splitter's memory bound forbids): such a file, or
/// one with bytes before `%PDF-`, is refused, not cut into wrong parts.
#[test]
fn a_table_pointing_elsewhere_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/documents/demo1.pdf"),
    )
    .unwrap();
    // Every table offset 7 bytes too far, as after a line slipped in.
    let mut shifted = good.clone();
    let mut at = 0;
    while let Some(p) = find(&shifted[at..], b" 00000 n").map(|p| p + at) {
        at = p + 8;
        let Some(digits) = p.checked_sub(10).map(|s| &shifted[s..p]) else {
            continue;
        };
        let Some(n) = std::str::from_utf8(digits)
            .ok()
            .and_then(|d| d.parse::<u64>().ok())
        else {
            continue;
        };
        shifted[p - 10..p].copy_from_slice(format!("{:010}", n + 7).as_bytes());
    }
    assert_ne!(shifted, good);
    let path = dir.path().join("shifted.pdf");
    std::fs::write(&path, &shifted).unwrap();
    match Splitter::open(&path) {
        Err(e) => assert!(format!("{e:#}").contains("split"), "{e:#}"),
        Ok(s) => panic!("opened for splitting, {} pages", s.page_count()),
    }
}

/// A log line a program wrote before `%PDF-` (Ghostscript's "processing")
/// shifts nothing: offsets count from `%PDF-`, as readers take them. A file
/// whose writer counted them from its first byte reads too.
#[test]
fn bytes_before_the_header_are_skipped() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/documents");
    let good = std::fs::read(fixtures.join("demo1.pdf")).unwrap();
    let original = Document::load_mem(&good).unwrap();
    let want = original.get_page_content(original.get_pages()[&4]);
    let dir = tempfile::tempdir().unwrap();
    let log = b"GPL Ghostscript 10.0: processing\n";
    let mut prefixed = log.to_vec();
    prefixed.extend_from_slice(&good);
    // The same prefix with every offset moved past it.
    let mut absolute = prefixed.clone();
    let mut at = 0;
    while let Some(p) = find(&absolute[at..], b" 00000 n").map(|p| p + at) {
        at = p + 8;
        let digits = std::str::from_utf8(&absolute[p - 10..p]).unwrap();
        let moved = digits.parse::<u64>().unwrap() + log.len() as u64;
        absolute[p - 10..p].copy_from_slice(format!("{moved:010}").as_bytes());
    }
    // And the trailers' /Prev (not an outline's `/Prev 12 0 R`).
    let mut at = 0;
    while let Some(p) = find(&absolute[at..], b"/Prev ").map(|p| p + at + 6) {
        at = p;
        let words: Vec<&[u8]> = absolute[p..]
            .split(|b| b.is_ascii_whitespace())
            .take(3)
            .collect();
        if words[2].starts_with(b"R") {
            continue;
        }
        let old = std::str::from_utf8(words[0]).unwrap().to_string();
        let moved = (old.parse::<u64>().unwrap() + log.len() as u64).to_string();
        assert_eq!(moved.len(), old.len(), "the test moves offsets in place");
        absolute[p..p + old.len()].copy_from_slice(moved.as_bytes());
    }
    let end = rfind(&absolute, b"startxref").unwrap() + 9;
    let tail = String::from_utf8_lossy(&absolute[end..]).to_string();
    let start: u64 = tail.split_whitespace().next().unwrap().parse().unwrap();
    absolute.truncate(end);
    absolute.extend_from_slice(format!("\n{}\n%%EOF\n", start + log.len() as u64).as_bytes());
    for (name, bytes) in [("prefixed.pdf", prefixed), ("absolute.pdf", absolute)] {
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        let s = Splitter::open(&path).unwrap_or_else(|e| panic!("{name}: {e:#}"));
        assert_eq!(s.page_count(), 13, "{name}");
        let part = dir.path().join("part.pdf");
        s.write_part(4, 4, &part).unwrap();
        let cut = Document::load(&part).unwrap();
        assert_eq!(cut.get_page_content(cut.get_pages()[&1]), want, "{name}");
    }
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// The weight that sizes the parts counts the bytes a page's objects take in
/// the file, stream data included: with the stream data left out of the
/// structure, it once counted a byte a stream, and a 500 MB file was cut by
/// its page limit alone into parts of 125 MB (past the 64 MiB bound).
#[test]
fn the_weight_counts_the_stream_data_of_the_pages() {
    use lopdf::{dictionary, Stream};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let mut kids = Vec::new();
    for i in 0..3u8 {
        let image = doc.add_object(Stream::new(
            dictionary! { "Type" => "XObject", "Subtype" => "Image" },
            vec![i; 100_000],
        ));
        let content = doc.add_object(Stream::new(dictionary! {}, b"q Q".to_vec()));
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content,
            "Resources" => dictionary! { "XObject" => dictionary! { "Im0" => image } },
        });
        kids.push(page.into());
    }
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => 3,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("images.pdf");
    doc.save(&src).unwrap();
    let s = Splitter::open(&src).unwrap();
    let one = s.weight(1, 1);
    assert!((100_000..110_000).contains(&one), "{one}");
    let all = s.weight(1, 3);
    assert!((300_000..330_000).contains(&all), "{all}");
}

/// Checking a part against the provider's limits asks its page count; the
/// part's is known when it is written, and stays known after the engine
/// renames it, so the part is not read whole again (lopdf reads a file of up
/// to 64 MiB whole for it: the peak of a split, until this).
#[test]
fn a_written_part_s_page_count_is_known_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("big.pdf");
    std::fs::write(&src, make_pdf(30)).unwrap();
    let s = Splitter::open(&src).unwrap();
    let tmp = dir.path().join(".cutting-3-9.pdf");
    s.write_part(3, 9, &tmp).unwrap();
    let part = dir.path().join("big.pages-3-9.pdf");
    std::fs::rename(&tmp, &part).unwrap();
    // The same file, same length and time, but bytes no reader could count.
    let file = std::fs::OpenOptions::new().write(true).open(&part).unwrap();
    let meta = file.metadata().unwrap();
    std::io::Write::write_all(&mut &file, &vec![b'x'; meta.len() as usize]).unwrap();
    file.set_modified(meta.modified().unwrap()).unwrap();
    drop(file);
    assert_eq!(crate::pdf::page_count(&part), Some(7));
}
