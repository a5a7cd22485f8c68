//! Generated PDFs of many pages for the splitting tests: page i shows
//! "Page i"; the resources sit in the page tree (inherited) and the tree is two
//! levels deep, as in real long documents. Shared with the library's unit tests.

use lopdf::content::{Content, Operation};
use lopdf::{dictionary, Document, Object, Stream};

/// A PDF of `n` pages, page i showing "Page i", with shared resources in
/// the tree (inherited) and a page tree two levels deep.
#[allow(dead_code)]
pub fn make_pdf(n: u32) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
    });
    let resources_id = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font_id },
    });
    let mut kids = vec![];
    for chunk in (1..=n).collect::<Vec<_>>().chunks(50) {
        let mid_id = doc.new_object_id();
        let mut mid_kids = vec![];
        for &i in chunk {
            let content = Content {
                operations: vec![
                    Operation::new("BT", vec![]),
                    Operation::new("Tf", vec!["F1".into(), 24.into()]),
                    Operation::new("Td", vec![100.into(), 600.into()]),
                    Operation::new("Tj", vec![Object::string_literal(format!("Page {i}"))]),
                    Operation::new("ET", vec![]),
                ],
            };
            let content_id = doc.add_object(Stream::new(dictionary! {}, content.encode().unwrap()));
            let page_id = doc.add_object(dictionary! {
                "Type" => "Page", "Parent" => mid_id, "Contents" => content_id,
            });
            mid_kids.push(page_id.into());
        }
        doc.objects.insert(
            mid_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages", "Parent" => pages_id,
                "Count" => mid_kids.len() as i64, "Kids" => mid_kids,
            }),
        );
        kids.push(mid_id.into());
    }
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => n as i64,
            "Resources" => resources_id, "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    doc.compress();
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// What a generated page shows.
#[allow(dead_code)]
pub enum Page<'a> {
    /// Lines of Helvetica, each (font size, y from the bottom, text).
    Text(Vec<(i64, i64, &'a str)>),
    /// Nothing at all.
    Blank,
    /// One 8×8 gray image and no text: a scan.
    Image,
    /// The scan with a few words of text over it (a date stamped on a fax).
    ImageWith(&'a str),
    /// Runs of Helvetica placed anywhere, each (font size, x, y, text): a
    /// table's cells. A text starting with `*` is set in Helvetica-Bold, the
    /// `*` left out.
    At(Vec<(i64, i64, i64, &'a str)>),
    /// A scan whose picture is its own: about this many bytes of gray noise,
    /// stored uncompressed (a heavy page, for byte limits).
    Photo(usize),
    /// Lines as in `Text`, those whose text starts with `$` set in TeX's
    /// math italic (CMMI10), the `$` left out: a page of formulas.
    Math(Vec<(i64, i64, &'a str)>),
    /// A content stream as written, Helvetica as `/F1`, SimSun through
    /// GBK-EUC-H as `/F4`, the scan's image as `/Im1`: text set with the
    /// operators the other pages leave out (character spacing, text
    /// matrices, render modes).
    Ops(&'a str),
    /// A content stream as in `Ops` (Helvetica as `/F1`), drawn as a form
    /// XObject the page's content invokes (`/Fm1 Do`).
    Form(&'a str),
    /// Lines as in `Text`, and annotations showing text in their normal
    /// appearance: each (flags, x, y, text), a free-text note at (x, y)
    /// whose appearance stream sets `text` in Helvetica 12.
    Notes(Vec<(i64, i64, &'a str)>, Vec<(i64, i64, i64, &'a str)>),
    /// Lines as in `Text`, and filled-in text fields of the document's form
    /// (widgets): each (flags, x, y, value), a field at (x, y) holding
    /// `value`, whose appearance stream sets it in Helvetica 12. A value
    /// starting with `~` (left out) was filled in by a tool that left the
    /// field's empty appearance behind and asks viewers to draw it anew
    /// (`/NeedAppearances true`).
    Fields(Vec<(i64, i64, &'a str)>, Vec<(i64, i64, i64, &'a str)>),
}

/// A page holding a title and a table without rules: quarterly figures of
/// four regions in four aligned columns.
#[allow(dead_code)]
pub fn table_page(title: &str) -> Page<'_> {
    const ROWS: [[&str; 4]; 5] = [
        ["Region", "Q1", "Q2", "Q3"],
        ["North", "1,204", "1,310", "1,422"],
        ["South", "988", "1,015", "1,102"],
        ["East", "2,410", "2,388", "2,501"],
        ["West", "1,777", "1,802", "1,930"],
    ];
    let mut runs = vec![(14, 72, 760, title)];
    for (r, row) in ROWS.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            runs.push((11, 72 + 120 * c as i64, 700 - 20 * r as i64, *cell));
        }
    }
    Page::At(runs)
}

/// A PDF of A4 pages showing `pages`.
#[allow(dead_code)]
pub fn pages_pdf(pages: &[Page]) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
    });
    let image_id = doc.add_object(Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Image", "Width" => 8, "Height" => 8,
            "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
        },
        (0..64u8).map(|i| i * 4).collect(),
    ));
    // Listed for every page (inherited), drawn only by `Page::Math`.
    let math_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "ABCDEF+CMMI10",
    });
    let bold_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica-Bold",
    });
    // Listed for every page, drawn only by `Page::Ops`: SimSun, not
    // embedded, through the predefined GBK-EUC-H CMap and no ToUnicode, as
    // Chinese scanners' OCR layers set it.
    let simsun_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "SimSun", "DW" => 1000,
        "CIDSystemInfo" => dictionary! {
            "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("GB1"), "Supplement" => 2,
        },
        "FontDescriptor" => dictionary! {
            "Type" => "FontDescriptor", "FontName" => "SimSun", "Flags" => 32,
            "FontBBox" => vec![(-8).into(), (-145).into(), 1000.into(), 859.into()],
            "ItalicAngle" => 0, "Ascent" => 859, "Descent" => -141, "CapHeight" => 684,
            "StemV" => 88,
        },
    });
    let gbk_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "SimSun-GBK-EUC-H",
        "Encoding" => "GBK-EUC-H", "DescendantFonts" => vec![simsun_id.into()],
    });
    let resources_id = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font_id, "F2" => math_id, "F3" => bold_id, "F4" => gbk_id },
        "XObject" => dictionary! { "Im1" => image_id },
    });
    let mut kids = vec![];
    // The widgets of every page, the document's form fields.
    let mut fields: Vec<Object> = vec![];
    let mut need_appearances = false;
    for page in pages {
        let mut operations = vec![];
        match page {
            Page::Text(lines) | Page::Notes(lines, _) | Page::Fields(lines, _) => {
                for (size, y, text) in lines {
                    operations.extend([
                        Operation::new("BT", vec![]),
                        Operation::new("Tf", vec!["F1".into(), (*size).into()]),
                        Operation::new("Td", vec![72.into(), (*y).into()]),
                        Operation::new("Tj", vec![Object::string_literal(*text)]),
                        Operation::new("ET", vec![]),
                    ]);
                }
            }
            Page::At(runs) => {
                for (size, x, y, text) in runs {
                    let (font, text) = match text.strip_prefix('*') {
                        Some(bold) => ("F3", bold),
                        None => ("F1", *text),
                    };
                    operations.extend([
                        Operation::new("BT", vec![]),
                        Operation::new("Tf", vec![font.into(), (*size).into()]),
                        Operation::new("Td", vec![(*x).into(), (*y).into()]),
                        Operation::new("Tj", vec![Object::string_literal(text)]),
                        Operation::new("ET", vec![]),
                    ]);
                }
            }
            Page::Math(lines) => {
                for (size, y, text) in lines {
                    let (font, text) = match text.strip_prefix('$') {
                        Some(math) => ("F2", math),
                        None => ("F1", *text),
                    };
                    operations.extend([
                        Operation::new("BT", vec![]),
                        Operation::new("Tf", vec![font.into(), (*size).into()]),
                        Operation::new("Td", vec![72.into(), (*y).into()]),
                        Operation::new("Tj", vec![Object::string_literal(text)]),
                        Operation::new("ET", vec![]),
                    ]);
                }
            }
            Page::Ops(ops) => {
                operations.extend(Content::decode(ops.as_bytes()).unwrap().operations)
            }
            Page::Form(_) => operations.push(Operation::new("Do", vec!["Fm1".into()])),
            Page::Blank => {}
            Page::Image | Page::ImageWith(_) | Page::Photo(_) => operations.extend([
                Operation::new("q", vec![]),
                Operation::new(
                    "cm",
                    vec![
                        500.into(),
                        0.into(),
                        0.into(),
                        700.into(),
                        40.into(),
                        60.into(),
                    ],
                ),
                Operation::new(
                    "Do",
                    vec![if matches!(page, Page::Photo(_)) {
                        "Im2"
                    } else {
                        "Im1"
                    }
                    .into()],
                ),
                Operation::new("Q", vec![]),
            ]),
        }
        if let Page::ImageWith(text) = page {
            operations.extend([
                Operation::new("BT", vec![]),
                Operation::new("Tf", vec!["F1".into(), 12.into()]),
                Operation::new("Td", vec![380.into(), 340.into()]),
                Operation::new("Tj", vec![Object::string_literal(*text)]),
                Operation::new("ET", vec![]),
            ]);
        }
        let content = Content { operations };
        let content_id = doc.add_object(Stream::new(dictionary! {}, content.encode().unwrap()));
        let mut page_dict = dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
        };
        if let Page::Notes(_, notes) | Page::Fields(_, notes) = page {
            let mut annots = vec![];
            for (flags, x, y, text) in notes {
                let (width, height) = (text.len() as i64 * 7 + 4, 20);
                let (stale, text) = match text.strip_prefix('~') {
                    Some(value) => (true, value),
                    None => (false, *text),
                };
                need_appearances |= stale;
                let look = Content {
                    operations: if stale {
                        vec![]
                    } else {
                        vec![
                            Operation::new("BT", vec![]),
                            Operation::new("Tf", vec!["F1".into(), 12.into()]),
                            Operation::new("Td", vec![2.into(), 5.into()]),
                            Operation::new("Tj", vec![Object::string_literal(text)]),
                            Operation::new("ET", vec![]),
                        ]
                    },
                };
                let form = doc.add_object(Stream::new(
                    dictionary! {
                        "Type" => "XObject", "Subtype" => "Form",
                        "BBox" => vec![0.into(), 0.into(), width.into(), height.into()],
                        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font_id } },
                    },
                    look.encode().unwrap(),
                ));
                let mut annot = dictionary! {
                    "Type" => "Annot", "Subtype" => "FreeText", "F" => *flags,
                    "Rect" => vec![(*x).into(), (*y).into(), (x + width).into(), (y + height).into()],
                    "Contents" => Object::string_literal(text), "DA" => Object::string_literal("/F1 12 Tf 0 g"),
                    "AP" => dictionary! { "N" => form },
                };
                if let Page::Fields(..) = page {
                    annot.set("Subtype", "Widget");
                    annot.set("FT", "Tx");
                    annot.set(
                        "T",
                        Object::string_literal(format!("field{}", fields.len())),
                    );
                    annot.set("V", Object::string_literal(text));
                    annot.remove(b"Contents");
                }
                let annot = doc.add_object(annot);
                if let Page::Fields(..) = page {
                    fields.push(Object::from(annot));
                }
                annots.push(Object::from(annot));
            }
            page_dict.set("Annots", annots);
        }
        if let Page::Form(ops) = page {
            let form = doc.add_object(Stream::new(
                dictionary! {
                    "Type" => "XObject", "Subtype" => "Form",
                    "BBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
                    "Resources" => dictionary! { "Font" => dictionary! { "F1" => font_id } },
                },
                ops.as_bytes().to_vec(),
            ));
            page_dict.set(
                "Resources",
                dictionary! {
                    "Font" => dictionary! { "F1" => font_id },
                    "XObject" => dictionary! { "Fm1" => form },
                },
            );
        }
        if let Page::Photo(bytes) = page {
            let (width, height) = (1000, (*bytes / 1000).max(1));
            let mut seed = 0x2545_f491_u32 ^ kids.len() as u32;
            let noise: Vec<u8> = (0..width * height)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 17;
                    seed ^= seed << 5;
                    seed as u8
                })
                .collect();
            let photo = doc.add_object(Stream::new(
                dictionary! {
                    "Type" => "XObject", "Subtype" => "Image", "Width" => width as i64,
                    "Height" => height as i64, "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
                },
                noise,
            ));
            page_dict.set(
                "Resources",
                dictionary! { "XObject" => dictionary! { "Im2" => photo } },
            );
        }
        let page_id = doc.add_object(page_dict);
        kids.push(page_id.into());
    }
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => pages.len() as i64,
            "Resources" => resources_id, "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }),
    );
    let mut catalog = dictionary! { "Type" => "Catalog", "Pages" => pages_id };
    if !fields.is_empty() {
        catalog.set(
            "AcroForm",
            dictionary! { "Fields" => fields, "NeedAppearances" => need_appearances },
        );
    }
    let catalog_id = doc.add_object(catalog);
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}
