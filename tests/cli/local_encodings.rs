//! `-p local` decodes what real PDFs nobody tuned on write (pdf.js's,
//! pdfminer's and pypdf's test documents, compared with pdftotext): streams
//! whose filter is an indirect object or written in abbreviations, fonts
//! whose code 32 is no space, and pdfTeX's bitmap fonts naming each glyph by
//! its code.

use crate::harness::{stderr_of, stdout_of, Env};
use crate::local::{file, local};
use crate::support::pdfgen::{pages_pdf, Page};
use flate2::write::ZlibEncoder;
use flate2::Compression;
use lopdf::{dictionary, Document, Object, Stream};
use std::io::Write;

fn markdown(env: &Env, pdf: &[u8]) -> String {
    let path = file(env, "page.pdf", pdf);
    let out = local(env).arg("ocr").arg(&path).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    stdout_of(&out)
}

fn saved(doc: &mut Document) -> Vec<u8> {
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// A Type 3 font of a square glyph for each of `codes`, named `name(code)`
/// in its `/Differences`, each name followed by `after(code)`.
fn type3_font(
    doc: &mut Document,
    codes: &std::collections::BTreeSet<u8>,
    name: impl Fn(u8) -> String,
    after: impl Fn(u8) -> Vec<Object>,
) -> lopdf::Dictionary {
    let mut differences = vec![];
    let mut procs = lopdf::Dictionary::new();
    for &code in codes {
        differences.push(Object::Integer(code.into()));
        differences.push(Object::Name(name(code).into_bytes()));
        differences.extend(after(code));
        let glyph = Stream::new(dictionary! {}, b"50 0 0 0 40 70 d1 0 0 40 70 re f".to_vec());
        procs.set(name(code), doc.add_object(glyph));
    }
    let (first, last) = (*codes.first().unwrap(), *codes.last().unwrap());
    dictionary! {
        "Type" => "Font", "Subtype" => "Type3",
        "FontMatrix" => vec![0.01.into(), 0.into(), 0.into(), 0.01.into(), 0.into(), 0.into()],
        "FontBBox" => vec![0.into(), 0.into(), 50.into(), 70.into()],
        "CharProcs" => procs,
        "Encoding" => dictionary! { "Type" => "Encoding", "Differences" => differences },
        "FirstChar" => i64::from(first), "LastChar" => i64::from(last),
        "Widths" => (first..=last).map(|_| Object::Integer(50)).collect::<Vec<_>>(),
        "Resources" => dictionary! {},
    }
}

/// The content stream of the page `page_id` (a `/Contents` reference).
fn content_stream(doc: &mut Document, page_id: lopdf::ObjectId) -> &mut Stream {
    let content_id = doc
        .get_dictionary(page_id)
        .unwrap()
        .get(b"Contents")
        .unwrap()
        .as_reference()
        .unwrap();
    doc.get_object_mut(content_id)
        .unwrap()
        .as_stream_mut()
        .unwrap()
}

/// A one-page PDF showing `ops`, with the font `font` makes (in the
/// document, which holds its glyph procedures) added to the page tree's
/// resources as `/F9`.
fn page_with_font(ops: &str, font: impl FnOnce(&mut Document) -> lopdf::Dictionary) -> Vec<u8> {
    let mut doc = Document::load_mem(&pages_pdf(&[Page::Ops(ops)])).unwrap();
    let font = font(&mut doc);
    let font_id = doc.add_object(font);
    let pages_id = doc
        .catalog()
        .unwrap()
        .get(b"Pages")
        .unwrap()
        .as_reference()
        .unwrap();
    let resources_id = doc
        .get_dictionary(pages_id)
        .unwrap()
        .get(b"Resources")
        .unwrap()
        .as_reference()
        .unwrap();
    let fonts = doc
        .get_dictionary_mut(resources_id)
        .unwrap()
        .get_mut(b"Font")
        .unwrap();
    fonts.as_dict_mut().unwrap().set("F9", font_id);
    saved(&mut doc)
}

/// SAP's invoices (pdfminer's `issue-1062-filters.pdf`) write every
/// stream's filter as an indirect object, `/Filter 3 0 R` with `3 0 obj
/// [/FlateDecode]`: the pages read as blank and the whole document was
/// skipped, where pdftotext reads it.
#[test]
fn a_page_whose_stream_filter_is_an_indirect_object_is_read() {
    let lines = [
        "Invoice 4471 for Supertape B.V. due on receipt",
        "Deliveries in March",
        "Deliveries in April",
    ];
    let page = Page::Text(
        lines
            .iter()
            .zip([700, 680, 660])
            .map(|(t, y)| (12, y, *t))
            .collect(),
    );
    let mut doc = Document::load_mem(&pages_pdf(&[page])).unwrap();
    let filter = doc.add_object(Object::Array(vec![Object::Name(b"FlateDecode".to_vec())]));
    let page_id = *doc.get_pages().values().next().unwrap();
    let stream = content_stream(&mut doc, page_id);
    let mut deflated = Stream::new(dictionary! {}, stream.content.clone());
    deflated.compress().unwrap();
    assert!(
        deflated.dict.has(b"Filter"),
        "the content is long enough to deflate"
    );
    deflated.dict.set("Filter", filter);
    *stream = deflated;
    let env = Env::new();
    let md = markdown(&env, &saved(&mut doc));
    for line in lines {
        assert!(md.contains(line), "{md}");
    }
}

/// Exstream Dialogue writes content streams with the filter names PDF
/// keeps for inline images (`/Filter [/A85 /Fl]`, PDFBox's
/// `rendering/source.pdf`), and another producer writes `/Filter []` on
/// streams it did not compress (PyMuPDF's `test_3854.pdf`); poppler reads
/// both, and the pages read as blank here.
#[test]
fn pages_whose_stream_filters_are_abbreviated_or_empty_are_read() {
    let lines = [
        "Consignment 8812 shipped from Rotterdam",
        "Delivery note for the harbour office",
        "Customs declaration filed on arrival",
    ];
    let pages: Vec<Page> = lines
        .iter()
        .map(|line| Page::Text(vec![(12, 700, *line)]))
        .collect();
    let mut doc = Document::load_mem(&pages_pdf(&pages)).unwrap();
    let deflate = |content: &[u8]| {
        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(content).unwrap();
        encoder.finish().unwrap()
    };
    let name = |n: &str| Object::Name(n.as_bytes().to_vec());
    for (i, page_id) in doc.get_pages().into_values().enumerate() {
        let stream = content_stream(&mut doc, page_id);
        let (filter, content) = match i {
            0 => (name("Fl"), deflate(&stream.content)),
            1 => (Object::Array(vec![]), stream.content.clone()),
            _ => {
                let hex = deflate(&stream.content)
                    .iter()
                    .flat_map(|b| format!("{b:02X}").into_bytes())
                    .chain(*b">")
                    .collect();
                (Object::Array(vec![name("AHx"), name("Fl")]), hex)
            }
        };
        *stream = Stream::new(dictionary! { "Filter" => filter }, content);
    }
    let env = Env::new();
    let md = markdown(&env, &saved(&mut doc));
    for line in lines {
        assert!(md.contains(line), "{md}");
    }
}

/// A TeX font re-encoded by `/Differences` leaves code 32 unnamed, and its
/// `/Widths` give 32 whatever the font's own encoding puts there — 898
/// units in pdf.js's `issue10640.pdf`, an Open Sans subset whose words are
/// set apart by `TJ` offsets of 0.259 em. Taken as the space, that width
/// put the word-gap threshold above every gap: "MohamedElMorabity". A
/// monospaced font's space is as wide as its letters and still judges
/// its gaps.
#[test]
fn words_of_a_font_whose_code_32_is_wider_than_its_letters_keep_their_spaces() {
    let mut widths: Vec<Object> = vec![898.into()];
    widths.extend((33..=122).map(|_| Object::Integer(560)));
    let md = markdown_in_simple_font(
        "Helvetica",
        widths,
        "BT /F9 12 Tf 72 700 Td [(Mohamed) -259 (El) -259 (Morabity) -30 (s)] TJ ET",
    );
    assert!(md.contains("Mohamed El Morabitys"), "{md}");
}

/// TeX's T1 encoding puts a visible space at code 32, and `/Widths` gives
/// it half an em in TeX Gyre Termes, as wide as the font's median glyph;
/// the words of PyMuPDF's `2201.00069.pdf` are set apart by `TJ` offsets of
/// 0.186 em. Taken as the space, that width put the word-gap threshold
/// above every gap: "opticalgalaxyidentifiedinthePanoramic".
#[test]
fn words_of_a_font_whose_code_32_is_as_wide_as_its_median_glyph_keep_their_spaces() {
    // Times' widths: digits and most letters half an em, the space a quarter.
    let lower = [
        444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778, 500, 500, 500, 500, 333,
        389, 278, 500, 500, 722, 500, 500, 444,
    ];
    let mut widths: Vec<Object> = vec![500.into()];
    widths.extend((33..=96).map(|c| Object::Integer(if c % 3 == 0 { 333 } else { 500 })));
    widths.extend(lower.iter().map(|&w| Object::Integer(w)));
    let md = markdown_in_simple_font(
        "ZRDNOJ+TeXGyreTermesX-Regular",
        widths,
        "BT /F9 10 Tf 72 700 Td [(optical) -186 (galaxy) -186 (identified) -186 (in) -186 (the)] TJ ET",
    );
    assert!(md.contains("optical galaxy identified in the"), "{md}");
}

/// The markdown of a page showing `ops` in a simple Type 1 font of codes 32
/// to 122 with these `/Widths`.
fn markdown_in_simple_font(base_font: &str, widths: Vec<Object>, ops: &str) -> String {
    let font = dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => base_font,
        "FirstChar" => 32, "LastChar" => 122, "Widths" => widths,
    };
    let pdf = page_with_font(ops, |_| font);
    let env = Env::new();
    markdown(&env, &pdf)
}

/// pdfTeX writes a bitmap (Type 3) font's glyphs as `/a45`, `/a72`…, the
/// code in decimal (pdf.js's `issue918.pdf`); the glyph list knows
/// `a1`…`a191` as ZapfDingbats names, and the page read "❍✐ ✉❤❡❡".
/// poppler and pdf.js read each as its code's character.
#[test]
fn a_bitmap_font_naming_its_glyphs_by_their_codes_reads_as_those_codes() {
    let text = "Hi there, Havel";
    let codes: std::collections::BTreeSet<u8> = text.bytes().collect();
    // Each name starts a run the next unused code ends, as pdfTeX writes them.
    let font = |doc: &mut Document| {
        type3_font(
            doc,
            &codes,
            |code| format!("a{code}"),
            |code| {
                vec![
                    Object::Integer((code + 1).into()),
                    Object::Name(b".notdef".to_vec()),
                ]
            },
        )
    };
    let pdf = page_with_font(&format!("BT /F9 12 Tf 72 700 Td ({text}) Tj ET"), font);
    let env = Env::new();
    let md = markdown(&env, &pdf);
    assert!(md.contains(text), "{md}");
}

/// A subset that numbers its glyphs from 1, names them `/g18`, `/g152`…
/// and maps them to no character (pdf.js's `TAMReview.pdf`: Cambria without
/// a `ToUnicode`) reads as punctuation, in pdftotext too; `local` OCRs a
/// page's images, not text drawn in fonts. The page is kept as read, a
/// warning names it and the next step, and the JSON lists it; a page in
/// readable fonts is not named.
#[test]
fn a_page_in_a_font_that_maps_to_no_characters_is_named_in_a_warning_and_the_json() {
    let soup = [
        r##"!"#!"$ " % &%' % !$&"##,
        r"& \(\)% * + ' % & % ' & ! + +%!$&",
        r"'3\(-.4.\)&!-.45 \(\) ! $ $ \( -.45\)& 2",
        r"#+%%3*\(-./5\) 6 7&",
    ];
    let mut ops =
        String::from("BT /F1 12 Tf 72 740 Td (Overview of the Technology Acceptance Model) Tj ET");
    for (i, line) in soup.iter().enumerate() {
        ops.push_str(&format!(
            " BT /F9 11 Tf 72 {} Td ({line}) Tj ET",
            700 - 14 * i
        ));
    }
    let font = |_: &mut Document| {
        let mut differences = vec![Object::Integer(33)];
        for n in 0..40 {
            differences.push(Object::Name(format!("g{}", 131 + n * 7).into_bytes()));
        }
        dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "EMMOLK+Cambria",
            "Encoding" => dictionary! { "Type" => "Encoding", "Differences" => differences },
        }
    };
    let pdf = page_with_font(&ops, font);
    let plain = pages_pdf(&[Page::Ops(
        "BT /F1 12 Tf 72 700 Td (Prose, with commas; colons: \\(brackets\\) & dashes - 100%!) Tj ET",
    )]);
    let env = Env::new();
    for (name, pdf, garbled) in [("soup.pdf", &pdf, true), ("plain.pdf", &plain, false)] {
        let path = file(&env, name, pdf);
        let (answer, err) = ocr_json(&mut local(&env), &path);
        let markdown = answer["pages"][0]["markdown"].as_str().unwrap();
        if garbled {
            assert!(
                err.contains("page 1 holds text in a font that maps its glyphs to no characters")
                    && err.contains("-p mineru-flash"),
                "{err}"
            );
            assert_eq!(answer["pages_garbled"], serde_json::json!([1]), "{answer}");
            assert!(
                markdown.contains("Overview of the Technology Acceptance Model"),
                "{markdown}"
            );
            assert!(markdown.contains("+%!$&"), "kept as read: {markdown}");
        } else {
            assert!(!err.contains("no characters"), "{err}");
            assert_eq!(answer["pages_garbled"], serde_json::json!([]), "{answer}");
        }
    }
}

/// A table of indicators whose labels run to their figures along dot
/// leaders, in the body font (camelot's `missing_values.pdf`): the leaders
/// are most of the page's marks and its labels hold nine kinds of
/// punctuation, yet it is no soup; the page is not named, nor drawn.
#[test]
fn leaders_in_the_body_font_beside_punctuated_labels_are_no_soup() {
    let leaders = ".".repeat(60);
    let labels = [
        "Any Injury \\(%\\)",
        "Acute Illness - Male/Female",
        "Chronic Illness, all ages & sexes",
        "Haemoglobin > 11g/dl: children",
    ];
    let ops: String = labels
        .iter()
        .enumerate()
        .map(|(i, label)| {
            format!(
                "BT /F1 10 Tf 72 {} Td ({label} {leaders} {}.{}) Tj ET ",
                700 - 14 * i,
                i + 1,
                i + 5
            )
        })
        .collect();
    let pdf = pages_pdf(&[Page::Ops(&ops)]);
    let env = Env::new();
    let path = file(&env, "leaders.pdf", &pdf);
    let (answer, err) = ocr_json(&mut local(&env), &path);
    assert!(!err.contains("no characters"), "{err}");
    assert_eq!(answer["pages_garbled"], serde_json::json!([]), "{answer}");
    assert_eq!(answer["ocr_pages"], serde_json::json!([]), "{answer}");
    let markdown = answer["pages"][0]["markdown"].as_str().unwrap();
    assert!(
        markdown.contains("Chronic Illness, all ages & sexes"),
        "{markdown}"
    );
}

/// A font whose `ToUnicode` maps its letters to punctuation (a broken CMap)
/// reads as soup though the page shows words. With tesseract installed the
/// page is drawn and read: its words, counted as OCR'd, not as garbled.
#[test]
fn a_page_whose_font_reads_as_punctuation_is_ocrd_drawn_when_tesseract_is_installed() {
    let Some(dir) = crate::local::tesseract_dir() else {
        return;
    };
    let line = "DRAWN PAGES READ WELL";
    let font = soup_font(line.bytes().filter(u8::is_ascii_uppercase).collect(), b" ");
    let ops: String = (0..3)
        .map(|i| format!("BT /F9 30 Tf 40 {} Td ({line}) Tj ET ", 640 - 60 * i))
        .collect();
    let pdf = page_with_font(&ops, font);
    let env = Env::new();
    let path = file(&env, "soup.pdf", &pdf);
    let (answer, err) = ocr_json(local(&env).env("PATH", dir), &path);
    assert!(!err.contains("no characters"), "{err}");
    assert_eq!(answer["ocr_pages"], serde_json::json!([1]), "{answer}");
    assert_eq!(answer["pages_garbled"], serde_json::json!([]), "{answer}");
    let markdown = answer["pages"][0]["markdown"].as_str().unwrap();
    assert_eq!(markdown.matches(line).count(), 3, "{markdown}");
}

/// A producer that turns each font into Type 3 glyphs names every glyph by
/// its code alone (`/232` at code 232, PyMuPDF's `test_3186.pdf`, an
/// Italian insurance leaflet); no glyph list knows such names, and every
/// letter past ASCII was lost ("sarà" read "sar"). poppler reads each as
/// its code's character.
#[test]
fn a_type3_font_naming_its_glyphs_by_their_bare_codes_reads_as_those_codes() {
    let text = "Il premio sarà pagato così, perché è già dovuto";
    let bytes: Vec<u8> = text
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap())
        .collect();
    let codes: std::collections::BTreeSet<u8> = bytes.iter().copied().collect();
    let font = |doc: &mut Document| type3_font(doc, &codes, |code| code.to_string(), |_| vec![]);
    let literal: String = bytes
        .iter()
        .map(|&b| {
            if b.is_ascii() {
                char::from(b).to_string()
            } else {
                format!("\\{b:o}")
            }
        })
        .collect();
    let pdf = page_with_font(&format!("BT /F9 12 Tf 72 700 Td ({literal}) Tj ET"), font);
    let env = Env::new();
    let md = markdown(&env, &pdf);
    assert!(md.contains(text), "{md}");
}

/// A CFF index of `objects`, two-byte offsets.
fn cff_index(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut bytes = u16::try_from(objects.len()).unwrap().to_be_bytes().to_vec();
    bytes.push(2);
    let mut offset = 1u16;
    bytes.extend(offset.to_be_bytes());
    for object in objects {
        offset += u16::try_from(object.len()).unwrap();
        bytes.extend(offset.to_be_bytes());
    }
    bytes.extend(objects.concat());
    bytes
}

/// A bare CFF program (a `Type1C` font file) whose own encoding puts each
/// named glyph at its code, every glyph a box.
fn cff_program(glyphs: &[(u8, &str)]) -> Vec<u8> {
    let names = cff_index(&[b"CMSY10".to_vec()]);
    let strings = cff_index(
        &glyphs
            .iter()
            .map(|(_, n)| n.as_bytes().to_vec())
            .collect::<Vec<_>>(),
    );
    let top_len = cff_index(&[vec![0; 18]]).len();
    let charset = 4 + names.len() + top_len + strings.len() + 2;
    let encoding = charset + 1 + 2 * glyphs.len();
    let charstrings = encoding + 2 + glyphs.len();
    let mut top = Vec::new();
    for (offset, operator) in [(charset, 15u8), (encoding, 16), (charstrings, 17)] {
        top.push(29);
        top.extend(u32::try_from(offset).unwrap().to_be_bytes());
        top.push(operator);
    }
    let mut bytes = vec![1, 0, 4, 4];
    bytes.extend(names);
    bytes.extend(cff_index(&[top]));
    bytes.extend(strings);
    bytes.extend([0, 0]); // no global subroutines
    bytes.push(0); // charset format 0: the names' string ids, after the standard 391
    for sid in 391..391 + glyphs.len() {
        bytes.extend(u16::try_from(sid).unwrap().to_be_bytes());
    }
    bytes.extend([0, u8::try_from(glyphs.len()).unwrap()]); // encoding format 0
    bytes.extend(glyphs.iter().map(|(code, _)| code));
    let outline = vec![139, 139, 21, 189, 139, 5, 139, 189, 5, 89, 139, 5, 14];
    bytes.extend(cff_index(&vec![outline; glyphs.len() + 1]));
    bytes
}

/// PDF optimizers (3-Heights' Optimization Shell) turn pdfTeX's Type 1
/// fonts into compact (CFF, `Type1C`) programs and leave the font without an
/// `/Encoding`: the program's own encoding is the font's, as poppler reads
/// it. TeX's math fonts read through the standard encoding instead — in
/// py-pdf's `GeoTopo-komprimiert.pdf`, a topology course, "γ" read as
/// nothing, "∈" as "2" and "→" as "!".
#[test]
fn a_compact_type1_font_without_an_encoding_reads_through_its_programs_own() {
    let glyphs = [(0x0D, "gamma"), (0x21, "arrowright"), (0x32, "element")];
    let font = |doc: &mut Document| {
        let program = doc.add_object(Stream::new(
            dictionary! { "Subtype" => "Type1C" },
            cff_program(&glyphs),
        ));
        let descriptor = doc.add_object(dictionary! {
            "Type" => "FontDescriptor", "FontName" => "ABCDEF+CMSY10", "Flags" => 4,
            "FontBBox" => vec![0.into(), 0.into(), 500.into(), 700.into()],
            "ItalicAngle" => 0, "Ascent" => 700, "Descent" => 0, "CapHeight" => 700,
            "StemV" => 80, "FontFile3" => program,
        });
        dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "ABCDEF+CMSY10",
            "FirstChar" => 0x0D, "LastChar" => 0x32,
            "Widths" => vec![Object::Integer(600); 0x32 - 0x0D + 1],
            "FontDescriptor" => descriptor,
        }
    };
    let pdf = page_with_font(
        "BT /F1 12 Tf 72 700 Td (A path) Tj ET BT /F9 12 Tf 115 700 Td <0D> Tj ET \
         BT /F1 12 Tf 126 700 Td (from x) Tj ET BT /F9 12 Tf 165 700 Td <32> Tj ET \
         BT /F1 12 Tf 176 700 Td (A) Tj ET BT /F9 12 Tf 187 700 Td <21> Tj ET \
         BT /F1 12 Tf 198 700 Td (B in the space) Tj ET",
        font,
    );
    let env = Env::new();
    let md = markdown(&env, &pdf);
    for symbol in ["γ", "∈", "→"] {
        assert!(md.contains(symbol), "{md}");
    }
}

/// `ocr --format json` of `path` through `cmd`, the run required to
/// succeed: the JSON answer and what it wrote to stderr.
fn ocr_json(cmd: &mut assert_cmd::Command, path: &std::path::Path) -> (serde_json::Value, String) {
    let out = cmd
        .args(["ocr", "--format", "json"])
        .arg(path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let answer = serde_json::from_str(&stdout_of(&out)).unwrap();
    (answer, stderr_of(&out))
}

/// A `ToUnicode` CMap over `codespace` ("<00> <FF>") of `count` `bfchar`
/// lines, `entries`.
fn bfchar_cmap(codespace: &str, entries: &str, count: usize) -> String {
    format!(
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
         1 begincodespacerange {codespace} endcodespacerange\n\
         {count} beginbfchar\n{entries}endbfchar\n\
         endcmap CMapName currentdict /CMap defineresource pop end end"
    )
}

/// Helvetica with a broken `ToUnicode` map: each of `letters` reads as a
/// punctuation mark (the page reads as soup though it shows words), each
/// of `kept` as itself.
fn soup_font(
    letters: std::collections::BTreeSet<u8>,
    kept: &[u8],
) -> impl FnOnce(&mut Document) -> lopdf::Dictionary {
    let marks = b"!\"#$%&'()*+,-./:;<=>?@[]^_{}~";
    let entries: String = kept
        .iter()
        .map(|code| format!("<{code:02X}><{code:04X}>\n"))
        .chain(
            letters
                .iter()
                .enumerate()
                .map(|(i, code)| format!("<{code:02X}><{:04X}>\n", marks[i % marks.len()])),
        )
        .collect();
    let cmap = bfchar_cmap("<00> <FF>", &entries, kept.len() + letters.len());
    move |doc: &mut Document| {
        let to_unicode = doc.add_object(Stream::new(dictionary! {}, cmap.into_bytes()));
        dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
            "Encoding" => "WinAnsiEncoding", "ToUnicode" => to_unicode,
        }
    }
}

/// A font's `ToUnicode` map whose `/Length` misses the map's end, with
/// `endstream` straight after the data and no line end (pdf-lib's
/// `with_missing_endstream_eol_and_polluted_ctm.pdf`, a receipt: three such
/// maps, each a byte shorter than its length says). lopdf drops the whole
/// object and every glyph read as its bare code, so the page went to OCR
/// and its small print was lost; poppler reads to `endstream`, and so does
/// local.
#[test]
fn a_map_whose_length_runs_past_its_end_still_reads() {
    let line = "Receipt number 3330 Refunded to";
    let mut letters: Vec<char> = line.chars().collect();
    letters.sort_unstable();
    letters.dedup();
    let cid = |c: char| 1 + letters.iter().position(|&l| l == c).unwrap() as u16;
    let entries: String = letters
        .iter()
        .map(|&l| format!("<{:04X}> <{:04X}>\n", cid(l), l as u32))
        .collect();
    let cmap = bfchar_cmap("<0000> <FFFF>", &entries, letters.len());
    let font = |doc: &mut Document| {
        let to_unicode = doc.add_object(Stream::new(dictionary! {}, cmap.into_bytes()));
        let cid_font = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "CPReg",
            "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"),
                "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 },
            "DW" => 500,
        });
        dictionary! {
            "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "CPReg",
            "Encoding" => "Identity-H", "DescendantFonts" => vec![cid_font.into()],
            "ToUnicode" => to_unicode,
        }
    };
    let hex: String = line.chars().map(|c| format!("{:04X}", cid(c))).collect();
    let ops: String = (0..3)
        .map(|i| format!("BT /F9 14 Tf 60 {} Td <{hex}> Tj ET ", 700 - 30 * i))
        .collect();
    let mut pdf = page_with_font(&ops, font);
    // The map's line end before `endstream` becomes its last byte: the data
    // runs a byte past its length, into the keyword (no byte moves).
    let map = pdf.windows(8).position(|w| w == b"/CIDInit").unwrap();
    let end = map
        + pdf[map..]
            .windows(9)
            .position(|w| w == b"endstream")
            .unwrap();
    assert_eq!(pdf[end - 1], b'\n');
    pdf[end - 1] = b' ';
    assert!(lopdf_leaves_an_object_out(&pdf));

    let env = Env::new();
    let path = file(&env, "receipt.pdf", &pdf);
    let (answer, err) = ocr_json(&mut local(&env), &path);
    assert_eq!(
        answer["ocr_pages"],
        serde_json::json!([]),
        "{answer}\n{err}"
    );
    let markdown = answer["pages"][0]["markdown"].as_str().unwrap();
    assert_eq!(markdown.matches(line).count(), 3, "{markdown}");
}

/// Whether lopdf loads the file without one of its objects.
fn lopdf_leaves_an_object_out(pdf: &[u8]) -> bool {
    let doc = Document::load_mem(pdf).unwrap();
    doc.objects.len() < doc.max_id as usize
}

/// A page read by OCR keeps tesseract's line ends, and with them a word
/// broken at one ("con-" / "stitution"); the markdown's rejoin ran before
/// the OCR and never saw it. The finished pages get the rejoin too
/// (pdf-inspector mend 42): the word joins where the page writes it whole.
#[test]
fn a_word_broken_at_a_line_end_of_an_ocrd_page_joins() {
    let Some(dir) = crate::local::tesseract_dir() else {
        return;
    };
    let lines = [
        "the constitution holds",
        "then comes the con-",
        "stitution we read",
    ];
    let font = soup_font(
        lines
            .concat()
            .bytes()
            .filter(u8::is_ascii_lowercase)
            .collect(),
        b" -",
    );
    let ops: String = lines
        .iter()
        .enumerate()
        .map(|(i, line)| format!("BT /F9 30 Tf 40 {} Td ({line}) Tj ET ", 640 - 36 * i))
        .collect();
    let pdf = page_with_font(&ops, font);
    let env = Env::new();
    let path = file(&env, "soup.pdf", &pdf);
    let (answer, err) = ocr_json(local(&env).env("PATH", dir), &path);
    assert_eq!(
        answer["ocr_pages"],
        serde_json::json!([1]),
        "{answer}\n{err}"
    );
    let markdown = answer["pages"][0]["markdown"].as_str().unwrap();
    assert_eq!(markdown.matches("constitution").count(), 2, "{markdown}");
    assert!(!markdown.contains("con-"), "{markdown}");
}

/// A bitmap (Type 3) font as the ISCA archive's papers carry it (olmOCR's
/// `large_prompt_hint3.pdf`): glyphs named by their codes in two base-36
/// digits (`/CP` at 97), a `FontMatrix` of `[1 0 0 -1 0 0]` shown at 0.12
/// with a `FontBBox` of `[0 0 1000 1000]` over glyphs 40 units wide, and a
/// `ToUnicode` map that sends `c` to a carriage return. Four pages read as
/// a few symbols; now as their words, spaced, with their `c`s.
#[test]
fn a_bitmap_font_naming_its_glyphs_by_their_codes_reads_as_words() {
    let text = "Speech recognition can work";
    let digits = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let name = |code: u8| {
        String::from_utf8(vec![b'A' + code / 36, digits[usize::from(code % 36)]]).unwrap()
    };
    let codes: std::collections::BTreeSet<u8> = text.bytes().filter(|b| *b != b' ').collect();
    let cmap = "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
                1 begincodespacerange <00> <ff> endcodespacerange\n\
                1 beginbfrange\n<63><63><000d>\nendbfrange\n\
                endcmap CMapName currentdict /CMap defineresource pop end end";
    let font = |doc: &mut Document| {
        let mut differences = vec![];
        let mut procs = lopdf::Dictionary::new();
        for &code in &codes {
            differences.push(Object::Integer(code.into()));
            differences.push(Object::Name(name(code).into_bytes()));
            let glyph = Stream::new(
                dictionary! {},
                b"40 0 3 -1 36 30 d1 3 0 33 30 re f".to_vec(),
            );
            procs.set(name(code), doc.add_object(glyph));
        }
        let to_unicode = doc.add_object(Stream::new(dictionary! {}, cmap.as_bytes().to_vec()));
        dictionary! {
            "Type" => "Font", "Subtype" => "Type3",
            "FontMatrix" => vec![1.into(), 0.into(), 0.into(), Object::Integer(-1), 0.into(), 0.into()],
            "FontBBox" => vec![0.into(), 0.into(), 1000.into(), 1000.into()],
            "CharProcs" => procs,
            "Encoding" => dictionary! { "Type" => "Encoding",
                "BaseEncoding" => "WinAnsiEncoding", "Differences" => differences },
            "FirstChar" => 0, "LastChar" => 255,
            "Widths" => (0..=255).map(|_| Object::Integer(40)).collect::<Vec<_>>(),
            "Resources" => dictionary! {},
            "ToUnicode" => to_unicode,
        }
    };
    // Each word placed on its own, a 2.4pt gap after it (4.8pt a glyph).
    let mut ops = String::from("BT /F9 0.12 Tf 1 0 0 -1 72 700 Tm ");
    for (k, word) in text.split(' ').enumerate() {
        if k > 0 {
            ops.push_str(&format!(
                "{} 0 Td ",
                4.8 * text.split(' ').nth(k - 1).unwrap().len() as f32 + 2.4
            ));
        }
        ops.push_str(&format!("({word}) Tj "));
    }
    ops.push_str("ET");
    let pdf = page_with_font(&ops, font);
    let env = Env::new();
    let md = markdown(&env, &pdf);
    assert!(md.contains(text), "{md}");
}
