//! Whether tesseract can open a JPEG 2000 file (JP2) a PDF page holds, judged
//! before tesseract is started on it: a file it cannot open fails only after
//! tesseract has loaded its language model, 0.1–0.3 s a page for nothing
//! (ICDAR's eu-012, page 1: a map over a three-word text layer).

/// The twelve bytes a JP2 file starts with (its signature box).
const JP2_SIGNATURE: &[u8] = b"\0\0\0\x0cjP  \r\n\x87\n";

/// The bytes of a JP2 file in which leptonica, tesseract's image library,
/// looks for the image header box: 80 up to leptonica 1.82 (Debian 12's)...
const WINDOW_BEFORE_1_83: usize = 80;
/// ...and 120 from 1.83 on.
const WINDOW_FROM_1_83: usize = 120;

/// Whether tesseract opens JP2 or other image file `bytes`. Leptonica reads
/// a JP2's size from its image header box (`ihdr`) and looks for that box in
/// the file's first bytes only; a file with other boxes before it (a
/// reader-requirements box, as in eu-012) is refused. Files that are not JP2
/// (bare codestreams among them) are left to tesseract.
/// `version` gives what `tesseract --version` prints, asked only when it
/// decides.
pub fn tesseract_opens(bytes: &[u8], version: impl FnOnce() -> Option<String>) -> bool {
    opens(bytes, || named_leptonica(&version()?))
}

/// [`tesseract_opens`] with leptonica's version (major, minor) asked only
/// when it decides: when the header box lies between the two windows.
fn opens(bytes: &[u8], version: impl FnOnce() -> Option<(u32, u32)>) -> bool {
    if !bytes.starts_with(JP2_SIGNATURE) || header_within(bytes, WINDOW_BEFORE_1_83) {
        return true;
    }
    // An unknown version gets the benefit of the doubt: tesseract decides.
    header_within(bytes, WINDOW_FROM_1_83) && version().is_none_or(|v| v >= (1, 83))
}

/// Whether the `ihdr` tag and the 12 bytes of fields after it (height,
/// width, components, depth) lie within the first `window` bytes.
fn header_within(bytes: &[u8], window: usize) -> bool {
    let head = &bytes[..bytes.len().min(window)];
    head.windows(4)
        .position(|w| w == b"ihdr")
        .is_some_and(|at| at + 4 + 12 <= window)
}

/// (major, minor) of `leptonica-1.82.0` in `tesseract --version` output.
fn named_leptonica(text: &str) -> Option<(u32, u32)> {
    let rest = &text[text.find("leptonica-")? + "leptonica-".len()..];
    let mut parts = rest.split(|c: char| !c.is_ascii_digit());
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{dictionary, Document, Object, Stream};

    /// A JP2 file whose image header box follows `before` bytes of other
    /// boxes (after the signature and file-type boxes: 32 bytes).
    fn jp2(before: usize) -> Vec<u8> {
        let mut out = JP2_SIGNATURE.to_vec();
        out.extend_from_slice(b"\0\0\0\x14ftypjp2 \0\0\0\0jp2 ");
        if before > 0 {
            out.extend_from_slice(&u32::try_from(before).unwrap().to_be_bytes());
            out.extend_from_slice(b"rreq");
            out.resize(out.len() + before - 8, 0);
        }
        // jp2h holding ihdr: height 10, width 10, 1 component, 8 bits.
        out.extend_from_slice(
            b"\0\0\0\x1ejp2h\0\0\0\x16ihdr\0\0\0\x0a\0\0\0\x0a\0\x01\x07\x07\0\0",
        );
        out.resize(out.len() + 200, 0);
        out
    }

    #[test]
    fn a_jp2_header_is_looked_for_where_leptonica_looks() {
        let never = || -> Option<(u32, u32)> { panic!("the version was not needed") };
        // ihdr at byte 44, as most writers put it.
        assert!(opens(&jp2(0), never));
        // ihdr at byte 82 (eu-012's): leptonica 1.82 misses it, 1.83 finds it.
        let late = jp2(38);
        assert!(!opens(&late, || Some((1, 82))));
        assert!(opens(&late, || Some((1, 83))));
        assert!(
            opens(&late, || None),
            "an unknown version lets tesseract try"
        );
        // Beyond both windows.
        assert!(!opens(&jp2(100), never));
        // Not a JP2 file: a bare codestream, a JPEG.
        assert!(opens(b"\xff\x4f\xff\x51 codestream", never));
        assert!(opens(b"\xff\xd8\xff\xe0 jpeg", never));
        assert_eq!(
            named_leptonica("tesseract 5.3.0\n leptonica-1.82.0\n  libgif 5.2.1"),
            Some((1, 82))
        );
        assert_eq!(named_leptonica("tesseract 5.3.0"), None);
    }

    #[test]
    fn a_page_of_a_jp2_tesseract_cannot_open_is_not_handed_to_it() {
        let mut doc = Document::with_version("1.5");
        let image = doc.add_object(Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Image", "Width" => 10, "Height" => 10,
                "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8, "Filter" => "JPXDecode",
            },
            jp2(100),
        ));
        let content = doc.add_object(Stream::new(
            dictionary! {},
            b"q 100 0 0 100 0 0 cm /Im0 Do Q".to_vec(),
        ));
        let pages = doc.new_object_id();
        let media_box: Vec<Object> = [0, 0, 100, 100].into_iter().map(Object::Integer).collect();
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages, "Contents" => content,
            "MediaBox" => media_box,
            "Resources" => dictionary! { "XObject" => dictionary! { "Im0" => image } },
        });
        let kids: Vec<Object> = vec![Object::Reference(page)];
        doc.objects.insert(
            pages,
            Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => 1 }),
        );
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
        doc.trailer.set("Root", catalog);
        // A tesseract that cannot run: reaching it fails with "cannot run".
        let missing = std::path::Path::new("/nonexistent/tesseract");
        let err = super::super::ocr::pdf_page(&doc, 1, missing, None).unwrap_err();
        assert!(
            format!("{err:#}").contains("no image in a format tesseract reads"),
            "{err:#}"
        );
    }
}
