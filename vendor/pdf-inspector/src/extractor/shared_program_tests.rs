//! One embedded TrueType program used by a simple font and by a CID font
//! (mend 26), as AutoCAD writes it.

use super::blank_glyph_tests::synthetic_unicode_truetype;
use lopdf::{dictionary, Document, Object, Stream};

/// Glyph `i + 1` is the character `0x20 + i` in the program's Unicode cmap,
/// space to `Z`: glyph ids and character codes differ by 31, as in the
/// drawing's font, so a code read as a glyph id is another character.
fn program() -> Vec<u8> {
    let chars: Vec<u8> = (0x20..=0x5A).collect();
    synthetic_unicode_truetype(&vec![(true, 500); chars.len()], &chars)
}

/// A page showing "70,00" twice: through `/F1`, a WinAnsi TrueType font, by
/// its codes, and through `/F2`, an Identity-H CID font over the same
/// program, by its glyph ids (CIDs 24 17 13 17 17). A one-byte string of odd
/// length is read code by code through the CMap a two-byte font's codes are
/// read by, when one is stored for the font.
fn shared_program_page() -> Vec<u8> {
    let mut doc = Document::with_version("1.4");
    let program = doc.add_object(Stream::new(dictionary! {}, program()));
    let descriptor = doc.add_object(dictionary! {
        "Type" => "FontDescriptor", "FontName" => "ISOCPEUR", "Flags" => 32,
        "FontFile2" => program,
    });
    let simple = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "TrueType", "BaseFont" => "ISOCPEUR",
        "Encoding" => "WinAnsiEncoding", "FirstChar" => 32, "LastChar" => 90,
        "Widths" => vec![Object::Integer(500); 59],
        "FontDescriptor" => descriptor,
    });
    let descendant = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "ISOCPEUR",
        "CIDSystemInfo" => dictionary! {
            "Registry" => Object::string_literal("PDFAUTOCAD"),
            "Ordering" => Object::string_literal("Indentity0"), "Supplement" => 0,
        },
        "W" => vec![1.into(), 59.into(), 500.into()],
        "FontDescriptor" => descriptor,
    });
    let composite = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "ISOCPEUR",
        "Encoding" => "Identity-H", "DescendantFonts" => vec![descendant.into()],
    });
    let content = b"BT /F2 12 Tf 1 0 0 1 40 700 Tm <00180011000D00110011> Tj ET \
                    BT /F1 12 Tf 1 0 0 1 40 600 Tm (70,00) Tj ET";
    let content = doc.add_object(Stream::new(dictionary! {}, content.to_vec()));
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "MediaBox" => vec![0.into(), 0.into(), 600.into(), 800.into()],
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => simple, "F2" => composite } },
        "Contents" => content,
    });
    let pages = doc.add_object(
        dictionary! { "Type" => "Pages", "Count" => 1, "Kids" => vec![Object::Reference(page)] },
    );
    doc.get_object_mut(page)
        .unwrap()
        .as_dict_mut()
        .unwrap()
        .set("Parent", pages);
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
    doc.trailer.set("Root", catalog);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    bytes
}

/// The simple font read its codes as glyph ids through the CMap the CID
/// font's glyph ids are read by, because both were stored under the
/// program's object number: "0,00" came out "OKOO" in an AutoCAD drawing.
#[test]
fn a_simple_font_and_a_cid_font_over_one_program_each_read_their_own_codes() {
    let items = crate::extract_text_with_positions_mem(&shared_program_page()).unwrap();
    let texts: Vec<&str> = items.iter().map(|item| item.text.as_str()).collect();
    assert_eq!(texts, ["70,00", "70,00"]);
}
