//! PDF → markdown per page with `pdf-inspector`: reading order (multi-column
//! pages too), headings from font size and weight, lists, tables found from
//! ruling lines and alignment. Pages without a usable text layer are OCR'd by
//! `tesseract` when it is installed, else the document is refused (exit 4).

use std::path::Path;

use pdf_inspector::PdfError;

use super::{
    ocr, ocr_render, pdf_column_text, pdf_columns, pdf_garbled, pdf_headings, pdf_hints,
    pdf_repair, pdf_rtl, pdf_tables, read, Extracted, Settings, TextLayer,
};
use crate::error::Error;

/// The cloud provider named when a scan cannot be read locally.
pub const CLOUD_HINT: &str = "-p mineru-flash (no key needed) or -p mistral";

pub fn extract(path: &Path, input: &str, settings: &Settings) -> Result<Extracted, Error> {
    let bytes = read(path, input)?;
    extract_bytes(&bytes, input, settings)
}

pub fn extract_bytes(bytes: &[u8], input: &str, settings: &Settings) -> Result<Extracted, Error> {
    let wanted: Option<Vec<u32>> = settings
        .pages
        .as_ref()
        .map(|p| p.iter().map(|n| n.saturating_sub(1)).collect());
    let repaired;
    // One parse gives the markdown and the positioned text and rules:
    // headings, running text and tables pdf-inspector misses, and the text
    // layer of the pages it leaves to OCR.
    let read = |bytes: &[u8]| {
        pdf_inspector::extract_pages_markdown_positions_and_rules_mem(bytes, wanted.as_deref())
    };
    // A table that points beside its objects, or a stream whose length
    // misses its end, loads without them (a page's content streams, a
    // font's ToUnicode map): read from where they are, as poppler does.
    let mended = pdf_repair::mended(bytes);
    let first = match mended
        .as_deref()
        .and_then(|fixed| Some((fixed, read(fixed).ok()?)))
    {
        Some(read) => Ok(read),
        None => read(bytes).map(|read| (bytes, read)),
    };
    let (bytes, (result, positions)) = match first {
        Ok(read) => read,
        // What poppler reads after rebuilding the cross-reference table, so do we.
        Err(e) if damaged(&e) => {
            let source = mended.as_deref().unwrap_or(bytes);
            repaired = pdf_repair::rebuild_xref(source).ok_or_else(|| pdf_error(input, e))?;
            let read = read(&repaired).map_err(|e| pdf_error(input, e))?;
            (&repaired[..], read)
        }
        Err(e) => return Err(pdf_error(input, e)),
    };
    let items = &positions.items;
    // Pages mostly in text that reads as punctuation are OCR'd drawn, when
    // they can be; the others are named.
    let pdf_garbled::Garbled {
        pages: mut garbled,
        to_draw,
    } = pdf_garbled::pages(items);
    let scans: Vec<u32> = result
        .pages
        .iter()
        .filter(|p| p.needs_ocr || to_draw.contains(&(p.page + 1)))
        .map(|p| p.page + 1)
        .collect();
    let page_count = items.iter().map(|i| i.page).max().unwrap_or(0);
    let mut layer = own_text(items, &scans);
    for page in &to_draw {
        if let Some((_, good)) = layer.get_mut(page) {
            *good = false;
        }
    }
    let readable = scans.iter().filter(|p| layer.contains_key(p)).count();

    if readable == 0 && scans.len() == result.pages.len() && settings.tesseract.is_none() {
        return Err(Error::input(
            input,
            format!(
                "{} without a text layer (a scan?), and tesseract is not installed",
                describe_pages(&scans, result.pages.len())
            ),
        )
        .with_hint(format!(
            "install tesseract (Debian/Ubuntu: apt-get install tesseract-ocr) to OCR it locally, or use a cloud provider: {CLOUD_HINT}"
        )));
    }
    // Pages left to OCR whose own text does not serve: a missing language pack
    // refuses the document before tesseract fails on each page.
    if let (Some(tesseract), Some(language)) = (&settings.tesseract, &settings.language) {
        if readable < scans.len() {
            ocr::check_languages(tesseract, language, input)?;
        }
    }
    // Pages whose right-to-left text pdf-inspector gives in drawn order:
    // their text in reading order, rebuilt from the positioned runs.
    let mut rtl: std::collections::HashMap<u32, String> = result
        .pages
        .iter()
        .filter(|p| !p.needs_ocr && pdf_rtl::drawn_order(&p.markdown))
        .map(|p| (p.page + 1, pdf_rtl::page_text(items, p.page + 1)))
        .collect();
    let mut layout = pdf_columns::pages(items);
    let mut tables = pdf_tables::pages(&positions);
    let mut hints = pdf_hints::analyse(positions.items, page_count);
    let mut pages = Vec::with_capacity(result.pages.len());
    let mut ocr_pages = Vec::new();
    let mut doubtful_ocr = Vec::new();
    let mut skipped = Vec::new();
    let mut furniture = Vec::new();
    // Pages whose own text does not serve, OCR'd side by side up front.
    let to_ocr: Vec<u32> = scans
        .iter()
        .copied()
        .filter(|n| !matches!(layer.get(n), Some((_, true))))
        .collect();
    let mut read = if to_ocr.is_empty() {
        std::collections::HashMap::new()
    } else {
        let doc = lopdf::Document::load_mem(bytes).map_err(|e| e.to_string());
        let sources = OcrSources {
            doc,
            bytes,
            drawn: std::sync::OnceLock::new(),
            garbled: &to_draw,
            with_text: layer.keys().copied().collect(),
        };
        ocr_pages_side_by_side(&sources, &to_ocr, settings)
    };
    for page in result.pages {
        let number = page.page + 1;
        let markdown = if scans.contains(&number) {
            let own = layer.remove(&number);
            match own {
                // A page's own text wins over OCR when it reads as text.
                Some((text, true)) => text,
                own => {
                    let reading = read.remove(&number);
                    match reading.unwrap_or_else(|| Err("not OCR'd".to_string())) {
                        Ok(reading) => {
                            ocr_pages.push(number);
                            if reading
                                .confidence()
                                .is_some_and(|c| c < ocr::LOW_CONFIDENCE)
                            {
                                doubtful_ocr.push(number);
                            }
                            pages.push(reading.text);
                            continue;
                        }
                        // Some text (a date over a scan) is better than none.
                        Err(_) if own.is_some() => own.map(|(t, _)| t).unwrap_or_default(),
                        Err(why) => {
                            pages.push(format!("<!-- page {number} skipped: {why} -->"));
                            skipped.push((number, why));
                            continue;
                        }
                    }
                }
            }
        } else {
            rtl.remove(&number).unwrap_or(page.markdown)
        };
        let markdown = pdf_tables::contents_as_table(&prose_tables_as_text(&markdown));
        let markdown = match tables.remove(&number) {
            Some(found) => pdf_tables::apply(&markdown, &found),
            None => markdown,
        };
        let markdown = paragraph_tables_as_text(&markdown);
        let page_hints = hints.remove(&number).unwrap_or_default();
        let (md, found) = pdf_hints::apply(&markdown, &page_hints, settings.keep_headers);
        let md = small_tables_as_text(&md, &page_hints.headings);
        furniture.extend(found.into_iter().map(|f| (pages.len(), f)));
        let md = match layout.remove(&number) {
            Some(page) => pdf_column_text::mend(
                &pdf_columns::reorder(&md, &page),
                &page,
                &page_hints.all_headings(),
            ),
            None => md,
        };
        pages.push(pdf_headings::demote(&pdf_rtl::part_scripts(&md)));
    }
    // Words broken at line ends in text written after pdf-inspector's
    // markdown (tables taken back to text, columns rebuilt, OCR) join on
    // the document's own words, as the markdown's did (mend 42).
    pdf_inspector::markdown::rejoin_line_breaks_in(&mut pages);
    // An OCR'd page's text is tesseract's.
    garbled.retain(|p| !ocr_pages.contains(p));
    Ok(Extracted {
        pages,
        images: Vec::new(),
        ocr_pages,
        doubtful_ocr,
        skipped,
        garbled,
        furniture,
        spool: None,
    })
}

/// Pipe tables that are running text cut at word gaps (justified columns
/// taken for table columns, demo1.pdf's introduction) back to lines of text:
/// most of their cells start in lower case, and few hold a number.
fn prose_tables_as_text(md: &str) -> String {
    tables_as_text(md, |_, rows| {
        let cells: Vec<&str> = rows.iter().flatten().copied().collect();
        let lower = cells
            .iter()
            .filter(|c| c.chars().next().is_some_and(char::is_lowercase))
            .count();
        let numeric = cells
            .iter()
            .filter(|c| c.chars().filter(char::is_ascii_digit).count() * 2 >= c.chars().count())
            .count();
        let prose = cells.len() >= 6 && lower * 2 >= cells.len() && numeric * 5 < cells.len();
        prose.then(|| row_lines(rows))
    })
}

/// Pipe tables with a paragraph in a cell back to lines of text: a cell of
/// this many words, over two sentences, is running text that a table took
/// in (ICDAR's eu-011: a chart's labels beside two columns of prose; a back
/// cover's three columns of blurbs). A glossary stays a table: two columns,
/// three rows or more, each a short term beside its description (ICDAR's
/// us-016, "Visual analog scale (VAS) | A line of fixed length… Patients
/// are instructed…"), whose descriptions may run to sentences.
fn paragraph_tables_as_text(md: &str) -> String {
    tables_as_text(md, |lines, rows| {
        if glossary(lines, rows) {
            return None;
        }
        let paragraph = |cell: &&str| {
            let words: Vec<&str> = cell.split_whitespace().collect();
            words.len() >= PARAGRAPH_WORDS && sentence_stops(&words) >= 2
        };
        rows.iter()
            .flatten()
            .any(paragraph)
            .then(|| row_lines(rows))
    })
}

/// A table's cell of at least this many words may be a paragraph.
const PARAGRAPH_WORDS: usize = 30;

/// How many sentences end inside `words`: a word of three letters or more
/// ending in a stop, then a capital ("Std. Dev." is none).
fn sentence_stops(words: &[&str]) -> usize {
    words
        .windows(2)
        .filter(|w| {
            w[0].ends_with(['.', '?', '!'])
                && w[0].chars().filter(|c| c.is_alphabetic()).count() >= 3
                && w[1].chars().next().is_some_and(char::is_uppercase)
        })
        .count()
}

/// A table of two columns and three rows or more, each row a term of a few
/// words (no sentence, two letters or more: a bullet or a list's "(a)" is
/// no term) beside its description: a glossary, a list of types or of
/// costs.
fn glossary(lines: &[&str], rows: &[Vec<&str>]) -> bool {
    let two_columns = lines
        .iter()
        .all(|l| l.trim().trim_matches('|').matches('|').count() == 1);
    let term = |cell: &str| {
        let words: Vec<&str> = cell.split_whitespace().collect();
        (1..=GLOSSARY_TERM_WORDS).contains(&words.len())
            && sentence_stops(&words) == 0
            && cell.chars().filter(|c| c.is_alphabetic()).count() >= 2
    };
    two_columns && rows.len() >= 3 && rows.iter().all(|r| r.len() == 2 && term(r[0]))
}

/// The most words a glossary's term holds.
const GLOSSARY_TERM_WORDS: usize = 8;

/// Small pipe tables back to text, in one pass after headings are found
/// (which leave a table's lines alone, as they would have these): a table
/// of one column is lines in a box (the text of a figure drawn in a
/// frame), its rows a line each; a table of a header row and no body row
/// is a band of separate pieces set in a ruled frame (a form's title band
/// "اميدنامه …" beside "شرکت بورس …", a caption cut by a running header
/// "Tableau 5 | : Mécanismes …", a column header whose rows went to another
/// table), its cells a line each — a column header set in bold is no
/// heading, but a cell the page's positioned text shows as one of
/// `headings` (the band's title, bold in a face of its own) is.
fn small_tables_as_text(md: &str, headings: &[pdf_hints::Heading]) -> String {
    tables_as_text(md, |lines, rows| {
        let one_column = lines
            .iter()
            .all(|l| !l.trim().trim_matches('|').contains('|'));
        if one_column {
            return Some(row_lines(rows));
        }
        let header_only = lines.len() == 2 && rows.len() == 1;
        header_only.then(|| {
            let mut out = Vec::new();
            for (k, cell) in rows[0].iter().enumerate() {
                let words = cell.split_whitespace();
                match headings
                    .iter()
                    .find(|h| h.text.split_whitespace().eq(words.clone()))
                {
                    Some(h) => {
                        if k > 0 {
                            out.push(String::new());
                        }
                        out.push(format!("{} {}", "#".repeat(h.level as usize), h.text));
                        if k + 1 < rows[0].len() {
                            out.push(String::new());
                        }
                    }
                    None => out.push(cell.to_string()),
                }
            }
            out
        })
    })
}

/// `md` with the pipe tables `text` picks (given their lines, and their
/// rows' non-empty cells) written as the lines it returns.
fn tables_as_text(md: &str, text: impl Fn(&[&str], &[Vec<&str>]) -> Option<Vec<String>>) -> String {
    if !md.contains('|') {
        return md.to_string();
    }
    let lines: Vec<&str> = md.lines().collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        if !lines[i].starts_with('|') {
            out.push(lines[i].to_string());
            i += 1;
            continue;
        }
        let end = (i..lines.len())
            .find(|&j| !lines[j].starts_with('|'))
            .unwrap_or(lines.len());
        let rows: Vec<Vec<&str>> = lines[i..end]
            .iter()
            .filter(|l| !l.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ')))
            .map(|l| {
                l.trim_matches('|')
                    .split('|')
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .collect()
            })
            .collect();
        match text(&lines[i..end], &rows) {
            Some(written) => out.extend(written),
            None => out.extend(lines[i..end].iter().map(|l| l.to_string())),
        }
        i = end;
    }
    out.join("\n")
}

/// A table's rows as lines of text, a row's cells joined by spaces.
fn row_lines(rows: &[Vec<&str>]) -> Vec<String> {
    rows.iter().map(|r| r.join(" ")).collect()
}

/// At most this many tesseract runs at once for one document (each holds
/// ~100 MB), fewer on a machine with fewer cores.
const OCR_WORKERS: usize = 4;

/// [`ocr_page`] of each of `pages`, by page, run on up to [`OCR_WORKERS`]
/// threads: tesseract reads a page on one thread, so a scan of many pages
/// is read in a core's share of the time.
fn ocr_pages_side_by_side(
    doc: &OcrSources,
    pages: &[u32],
    settings: &Settings,
) -> std::collections::HashMap<u32, Result<ocr::Reading, String>> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let workers = ocr_workers(cores, pages.len());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let read_one = || {
        let mut read = Vec::new();
        while let Some(&page) = pages.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed)) {
            read.push((page, ocr_page(doc, page, settings)));
        }
        read
    };
    std::thread::scope(|s| {
        let others: Vec<_> = (1..workers).map(|_| s.spawn(read_one)).collect();
        let mut read: std::collections::HashMap<_, _> = read_one().into_iter().collect();
        for other in others {
            // A panic in a worker is one in this thread, as it was before.
            let done = other
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e));
            read.extend(done);
        }
        read
    })
}

/// How many tesseracts read a document's `pages` at once on `cores` cores.
fn ocr_workers(cores: usize, pages: usize) -> usize {
    cores.min(OCR_WORKERS).min(pages).max(1)
}

/// What a page is OCR'd from: its images (the document), or the page drawn.
struct OcrSources<'a> {
    doc: Result<lopdf::Document, String>,
    bytes: &'a [u8],
    /// Made when a first page is drawn: a scan whose images serve never
    /// copies and parses the document a second time.
    drawn: std::sync::OnceLock<Option<ocr_render::Renderer>>,
    /// Pages mostly in text in a font that maps to no characters: drawn at
    /// once.
    garbled: &'a [u32],
    /// Pages with text of their own: kept, not drawn, when their images
    /// cannot be OCR'd (a date stamped on a fax; a page in a script other
    /// than the one tesseract reads).
    with_text: std::collections::HashSet<u32>,
}

/// The OCR'd text of a page without a usable text layer, or why there is none:
/// tesseract reads the page's images, or the page drawn when it is mostly text
/// in a font without characters, or when it has no text of its own and no
/// image of it can be read or its images hold no text (glyphs drawn as
/// outlines).
fn ocr_page(sources: &OcrSources, page: u32, settings: &Settings) -> Result<ocr::Reading, String> {
    let doc = &sources.doc;
    let garbled = sources.garbled.contains(&page);
    if !garbled && doc.as_ref().is_ok_and(|d| ocr::page_is_blank(d, page)) {
        return Err("blank (no text and no image)".to_string());
    }
    let Some(tesseract) = &settings.tesseract else {
        return Err("no text layer (a scan?) and tesseract is not installed to OCR it".to_string());
    };
    let language = settings.language.as_deref();
    // A reading, or why there is none, a reading without a word being none.
    let with_words = |read: anyhow::Result<ocr::Reading>| match read {
        Ok(r) if !r.text.trim().is_empty() => Ok(r),
        Ok(_) => Err("OCR found no text".to_string()),
        Err(e) => Err(format!("OCR failed: {e:#}")),
    };
    let from_images = if garbled {
        Err("its text is in a font without characters".to_string())
    } else {
        doc.as_ref()
            .map_err(|e| format!("cannot be read for OCR: {e}"))
            .and_then(|d| with_words(ocr::pdf_page(d, page, tesseract, language)))
    };
    let why = match from_images {
        Ok(reading) => return Ok(reading),
        Err(why) => why,
    };
    if !garbled && sources.with_text.contains(&page) {
        return Err(why);
    }
    let drawn = sources
        .drawn
        .get_or_init(|| ocr_render::Renderer::new(sources.bytes).ok());
    match drawn {
        Some(drawn) => with_words(drawn.read(page, tesseract, language))
            .map_err(|e| format!("{why}; drawn, {e}")),
        None => Err(why),
    }
}

/// The text layer of `pages` (1-based) that pdf-inspector leaves to OCR, by
/// page, and whether it reads as text: pdf-inspector sets aside a whole page
/// for a table of contents' dot leaders, an OCR layer over a scan, or one odd
/// glyph.
fn own_text(
    items: &[pdf_inspector::TextItem],
    pages: &[u32],
) -> std::collections::HashMap<u32, (String, bool)> {
    use pdf_inspector::extractor::ItemType;
    let mut out = std::collections::HashMap::new();
    for &page in pages {
        let on_page: Vec<pdf_inspector::TextItem> = items
            .iter()
            .filter(|i| {
                i.page == page && matches!(i.item_type, ItemType::Text) && !i.text.trim().is_empty()
            })
            .cloned()
            .collect();
        if on_page.is_empty() {
            continue;
        }
        let mut lines = pdf_inspector::extractor::group_into_lines_preserving_all_text(on_page);
        lines.sort_by(|a, b| b.y.total_cmp(&a.y));
        let text = lines
            .iter()
            .map(|l| l.text().trim().to_string())
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        if !text.is_empty() {
            let good = reads_as_text(&text);
            out.insert(page, (text, good));
        }
    }
    out
}

/// Text, not the glyph soup of a font without a usable encoding: enough
/// letters, most of them in words of two letters or more, few symbols.
fn reads_as_text(text: &str) -> bool {
    let visible: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    let letters = visible.iter().filter(|c| c.is_alphabetic()).count();
    let odd = visible
        .iter()
        .filter(|c| c.is_control() || ('\u{e000}'..='\u{f8ff}').contains(*c) || **c == '\u{fffd}')
        .count();
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .collect();
    let in_words: usize = words
        .iter()
        .filter(|w| w.chars().count() >= 2)
        .map(|w| w.chars().count())
        .sum();
    letters >= 20 && odd * 20 < visible.len() && in_words * 10 >= letters * 7
}

fn describe_pages(pages: &[u32], total: usize) -> String {
    if pages.len() == total {
        return if total == 1 {
            "its page is".to_string()
        } else {
            format!("all {total} pages are")
        };
    }
    let list: Vec<String> = pages.iter().take(10).map(u32::to_string).collect();
    let more = if pages.len() > 10 { ", …" } else { "" };
    format!(
        "page{} {}{more} of {total} {}",
        if pages.len() == 1 { "" } else { "s" },
        list.join(", "),
        if pages.len() == 1 { "is" } else { "are" }
    )
}

/// A parse error a rebuilt cross-reference table may cure.
fn damaged(e: &PdfError) -> bool {
    !matches!(e, PdfError::Encrypted | PdfError::Io(_))
}

pub fn pdf_error(input: &str, e: PdfError) -> Error {
    match e {
        PdfError::Encrypted => Error::input(input, "the PDF is encrypted (password-protected)")
            .with_hint(format!(
                "remove the password (e.g. qpdf --decrypt) and try again, or use a cloud provider: {CLOUD_HINT}"
            )),
        PdfError::NotAPdf(why) => Error::input(input, format!("not a PDF ({why})"))
            .with_hint("check that it is the document you meant"),
        PdfError::Io(e) => Error::input(input, format!("cannot read the file: {e}"))
            .with_hint("check that the file exists and is readable"),
        other => Error::input(input, format!("a damaged PDF that cannot be read: {other}"))
            .with_hint(format!(
                "check that the download finished, repair it (e.g. qpdf in.pdf out.pdf), or try a cloud provider: {CLOUD_HINT}"
            )),
    }
}

/// See [`super::has_text_layer`].
pub fn text_layer(path: &Path) -> TextLayer {
    let Ok(bytes) = std::fs::read(path) else {
        return TextLayer::Unknown;
    };
    let mended = pdf_repair::mended(&bytes);
    let bytes = mended.unwrap_or(bytes);
    let classified = match pdf_inspector::classify_pdf_mem(&bytes) {
        Err(e) if damaged(&e) => pdf_repair::rebuild_xref(&bytes)
            .ok_or(e)
            .and_then(|fixed| pdf_inspector::classify_pdf_mem(&fixed)),
        other => other,
    };
    match classified {
        Ok(c) if c.pages_needing_ocr.is_empty() && c.page_count > 0 => TextLayer::Yes,
        Ok(c) if c.page_count > 0 => TextLayer::No,
        _ => TextLayer::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::local::fixture;

    fn no_ocr() -> Settings {
        Settings::default()
    }

    #[test]
    fn a_scan_is_read_by_one_tesseract_a_core_and_at_most_four() {
        // Each tesseract holds ~100 MB: a big machine still runs four.
        assert_eq!(ocr_workers(16, 200), 4);
        assert_eq!(ocr_workers(2, 200), 2);
        // No more than there are pages, and never none.
        assert_eq!(ocr_workers(16, 3), 3);
        assert_eq!(ocr_workers(1, 200), 1);
        assert_eq!(ocr_workers(16, 0), 1);
    }

    fn mineru_demo1() -> String {
        std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/mineru-output/demo1/demo1.md"),
        )
        .unwrap()
    }

    #[test]
    fn demo1_gives_its_13_pages_with_mineru_s_words() {
        let x = extract(&fixture("demo1.pdf"), "demo1.pdf", &no_ocr()).unwrap();
        assert_eq!(x.pages.len(), 13);
        let md = x.pages.join("\n\n");
        let words = |s: &str| -> std::collections::HashSet<String> {
            s.split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.len() > 3)
                .map(str::to_lowercase)
                .collect()
        };
        let (ours, theirs) = (words(&md), words(&mineru_demo1()));
        let shared = theirs.intersection(&ours).count() as f64 / theirs.len() as f64;
        assert!(shared > 0.9, "only {shared:.2} of MinerU's words");
    }

    /// The article's section titles are set in the body size in a face whose
    /// name says nothing of its weight; pdf-inspector alone found 1 of 18.
    #[test]
    fn demo1_headings_are_mineru_s_headings() {
        let x = extract(&fixture("demo1.pdf"), "demo1.pdf", &no_ocr()).unwrap();
        let ours: Vec<String> = x
            .pages
            .iter()
            .flat_map(|p| p.lines())
            .filter(|l| l.starts_with('#'))
            .map(|l| l.trim_start_matches('#').trim().to_string())
            .collect();
        let theirs: Vec<String> = mineru_demo1()
            .lines()
            .filter_map(|l| l.strip_prefix("# "))
            .map(str::to_string)
            .collect();
        assert_eq!(theirs.len(), 18);
        let missed: Vec<&String> = theirs.iter().filter(|h| !ours.contains(h)).collect();
        assert!(missed.is_empty(), "missed {missed:?} among {ours:?}");
        // Numbered sections nest: "2.1." under "2.".
        assert!(x
            .pages
            .iter()
            .any(|p| p.contains("\n### 2.1. Characterisation of flow regime\n")));
        // A heading is not a sentence of the text: at most three extra (the
        // authors' line and an equation pdf-inspector itself promotes, …).
        assert!(ours.len() <= theirs.len() + 3, "{ours:#?}");
    }

    #[test]
    fn demo1_running_headers_leave_the_markdown_for_the_blocks() {
        let x = extract(&fixture("demo1.pdf"), "demo1.pdf", &no_ocr()).unwrap();
        let md = x.pages.join("\n\n");
        assert!(
            !md.contains("Lane et al. / Journal of Hydrology 310"),
            "{md}"
        );
        // Pages 2 to 13 carry it, page 1 (the journal's masthead) does not.
        let pages: Vec<usize> = x.furniture.iter().map(|(p, _)| *p).collect();
        assert_eq!(pages, (1..13).collect::<Vec<_>>());
        assert!(x.furniture.iter().all(|(_, f)| f.top));
        let answer = crate::local::answer_json("pdf", &x);
        let first = &answer["blocks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["page"] == 2)
            .unwrap();
        assert_eq!(first["type"], "header");
        assert_eq!(
            first["text"],
            "254 P.N.J. Lane et al. / Journal of Hydrology 310 (2005) 253–265"
        );
    }

    /// The introduction is set in justified columns; pdf-inspector took their
    /// word gaps for table columns.
    #[test]
    fn demo1_introduction_is_text_not_a_table() {
        let x = extract(&fixture("demo1.pdf"), "demo1.pdf", &no_ocr()).unwrap();
        let md = x.pages.join("\n\n");
        assert!(md.contains("Vertessy"), "{md}");
        for line in md.lines().filter(|l| l.starts_with('|')) {
            assert!(
                !line.contains("Vertessy") && !line.contains("annual basis"),
                "{line}"
            );
        }
        let tabled = "|a mean|annual basis|(Holmes|and Sinclair,|1986;|\n|---|---|---|---|---|\n|South|Africa in particular|has|demonstrated|flow|";
        assert_eq!(
            prose_tables_as_text(tabled),
            "a mean annual basis (Holmes and Sinclair, 1986;\nSouth Africa in particular has demonstrated flow"
        );
        let numbers = "|Year|Flow|Rain|\n|---|---|---|\n|1999|12.5|800|\n|2000|13.1|760|";
        assert_eq!(prose_tables_as_text(numbers), numbers);
        // As redp5110's Figure 3-5, a box of lines.
        let boxed = "|When proc1 ends|\n|---|\n|CALL proc1|\n|USER = ALICE|";
        assert_eq!(prose_tables_as_text(boxed), boxed);
        assert_eq!(
            small_tables_as_text(boxed, &[]),
            "When proc1 ends\nCALL proc1\nUSER = ALICE"
        );
    }

    /// A table whose cell holds sentences of running text is no table
    /// (ICDAR's eu-011: a chart's labels beside two columns of prose).
    #[test]
    fn a_table_with_a_paragraph_in_a_cell_is_text() {
        let prose = "In this latter case, their trades are based on beliefs about the future evolution of the issuer's default risk. It might increase or decrease over the years. Market participants in these markets may trade to insure against a default.";
        let table =
            format!("||1200 1000 800|{prose}|\n|---|---|---|\n||0 1-Sep-08|Source: Bloomberg|");
        assert_eq!(
            paragraph_tables_as_text(&table),
            format!("1200 1000 800 {prose}\n0 1-Sep-08 Source: Bloomberg")
        );
        // Long cells of one sentence, abbreviations ("Std. Dev."), stay.
        let long = "Other specific policies including Competition, External trade, Enlargement, Agriculture, Fisheries, Regional policy, Employment and Social affairs, Environment, Energy, Transport and Research in the reports of 2009 and 2010 across the member states (Std. Dev. 2.1 and U.K. figures)";
        let kept = format!("|Area|Share|\n|---|---|\n|{long}|12.5|");
        assert_eq!(paragraph_tables_as_text(&kept), kept);
        // A glossary whose descriptions run to sentences stays a table
        // (ICDAR's us-016).
        let glossary = format!(
            "|Type|Description|\n|---|---|\n|Visual analog scale (VAS)|{prose}|\n|Likert scale|An ordered set of terms.|"
        );
        assert_eq!(paragraph_tables_as_text(&glossary), glossary);
        // Not when a term is a sentence, nor with a third column.
        let sentence = glossary.replace("Likert scale", "It ends. Then more");
        assert_ne!(paragraph_tables_as_text(&sentence), sentence);
        // Nor a bulleted list of paragraphs taken for a table.
        let bullets = glossary
            .replace("|Type|", "|•|")
            .replace("|Visual analog scale (VAS)|", "|• •|");
        assert_ne!(paragraph_tables_as_text(&bullets), bullets);
        let three =
            format!("|Type|Description|Note|\n|---|---|---|\n|VAS|{prose}|a|\n|Likert|Terms.|b|");
        assert_ne!(paragraph_tables_as_text(&three), three);
    }

    /// A ruled band with a header row and no body row (right_to_left_03's
    /// title band, issue-71's captions, a column header whose rows went to
    /// another table) is its cells, a line each.
    #[test]
    fn a_header_row_without_body_is_lines_of_text() {
        let band = "||||Title of the form|||Exchange name||||\n|---|---|---|---|---|---|---|---|---|---|\nThe form's text.";
        assert_eq!(
            small_tables_as_text(band, &[]),
            "Title of the form\nExchange name\nThe form's text."
        );
        let table = "|Year|Flow|\n|---|---|\n|1999|12.5|";
        assert_eq!(small_tables_as_text(table, &[]), table);
        // A cell the positioned text shows as a heading is one.
        let title = pdf_hints::Heading {
            text: "Title of the form".into(),
            level: 2,
        };
        assert_eq!(
            small_tables_as_text(band, &[title]),
            "## Title of the form\n\nExchange name\nThe form's text."
        );
    }

    #[test]
    fn pages_option_keeps_only_those_pages() {
        let settings = Settings {
            pages: Some(vec![2, 3]),
            ..Settings::default()
        };
        let x = extract(&fixture("demo1.pdf"), "demo1.pdf", &settings).unwrap();
        assert_eq!(x.pages.len(), 2);
    }

    #[test]
    fn a_scan_without_tesseract_is_refused_with_a_cloud_hint() {
        let err = extract(&fixture("small_ocr.pdf"), "small_ocr.pdf", &no_ocr()).unwrap_err();
        assert_eq!(err.kind, crate::error::Kind::Input);
        assert!(
            err.message.contains("without a text layer"),
            "{}",
            err.message
        );
        assert!(err.hint.unwrap().contains("-p mineru-flash"));
    }

    #[test]
    fn a_scan_is_ocrd_when_tesseract_is_installed() {
        let Some(tesseract) = ocr::tesseract_for_test() else {
            return;
        };
        // One page of the eight: tesseract takes seconds a page.
        let settings = Settings {
            tesseract: Some(tesseract),
            pages: Some(vec![1]),
            ..Settings::default()
        };
        let x = extract(&fixture("small_ocr.pdf"), "small_ocr.pdf", &settings).unwrap();
        assert_eq!(x.ocr_pages, vec![1]);
        // The page is Chinese; with only English installed the words are
        // wrong but many: the page image reached tesseract whole.
        assert!(
            x.pages[0].chars().filter(|c| !c.is_whitespace()).count() > 200,
            "{:?}",
            x.pages
        );
    }

    #[test]
    fn encrypted_truncated_and_garbage_pdfs_are_input_errors() {
        let demo = std::fs::read(fixture("demo1.pdf")).unwrap();
        let cases: Vec<(&str, Vec<u8>)> = vec![
            ("truncated", demo[..demo.len() / 3].to_vec()),
            ("garbage", b"%PDF-1.7\n\x00\x01garbage".to_vec()),
            ("empty", Vec::new()),
        ];
        for (name, bytes) in cases {
            match extract_bytes(&bytes, name, &no_ocr()) {
                Ok(x) => assert!(x.pages.len() <= 13, "{name}"),
                Err(e) => {
                    assert_eq!(e.kind, crate::error::Kind::Input, "{name}");
                    assert!(e.hint.is_some(), "{name}");
                }
            }
        }
        let err = extract_bytes(&encrypted_pdf(), "locked.pdf", &no_ocr()).unwrap_err();
        assert!(err.message.contains("encrypted"), "{}", err.message);
    }

    /// A small PDF encrypted with a user password (RC4, standard handler).
    pub(crate) fn encrypted_pdf() -> Vec<u8> {
        let mut doc = lopdf::Document::load(fixture("demo1.pdf")).unwrap();
        let state = lopdf::EncryptionState::try_from(lopdf::EncryptionVersion::V2 {
            document: &doc,
            owner_password: "owner",
            user_password: "user",
            key_length: 128,
            permissions: lopdf::Permissions::all(),
        })
        .unwrap();
        doc.encrypt(&state).unwrap();
        let mut out = Vec::new();
        doc.save_to(&mut out).unwrap();
        out
    }
}
