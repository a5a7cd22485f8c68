//! The pictures a scanned page draws, decoded for tesseract: JPEG and JPEG
//! 2000 as stored, CCITT fax data decoded here (or wrapped in a TIFF header
//! for tesseract when it is mixed Group 3), and 8-bit gray or RGB (and
//! 1-bit) pixels as gray. Pixels decoded here are turned the way the page
//! shows them (`ocr_orient`).

use anyhow::Result;
use lopdf::{Dictionary, Document, Object, ObjectId};

use super::ocr_orient::{self, Orientation};

/// Rows of 8-bit gray pixels (0 black, 255 white).
pub use super::ocr_orient::Pixels as Gray;

pub enum Picture {
    Gray(Gray),
    /// A file tesseract decodes itself (JPEG, JPEG 2000, TIFF).
    File {
        ext: &'static str,
        bytes: Vec<u8>,
    },
}

/// The largest picture decoded here (a page at 600 dpi is ~35 Mpx).
const MAX_PIXELS: u64 = 100_000_000;
/// White rows between stacked bands.
const GAP: u32 = 8;

/// Pictures one above the other, left-aligned, in one PGM.
pub(super) fn stacked_pgm(stack: &[Gray]) -> Vec<u8> {
    let width = stack.iter().map(|g| g.width).max().unwrap_or(1);
    let height: u32 = stack.iter().map(|g| g.height + GAP).sum::<u32>() + GAP;
    let mut out = format!("P5\n{width} {height}\n255\n").into_bytes();
    let white_row = vec![255u8; width as usize];
    let gap = |out: &mut Vec<u8>| {
        for _ in 0..GAP {
            out.extend_from_slice(&white_row);
        }
    };
    gap(&mut out);
    for g in stack {
        for row in g.pixels.chunks(g.width.max(1) as usize) {
            out.extend_from_slice(row);
            out.extend(std::iter::repeat_n(255u8, (width - g.width) as usize));
        }
        gap(&mut out);
    }
    out
}

/// The images a page draws, in drawing order, as files tesseract reads.
/// Whether 1-based `page` draws nothing OCR could read: no image, no form,
/// no inline image (its content stream may still paint rules or fills).
pub fn page_is_blank(doc: &Document, page: u32) -> bool {
    let Some(id) = doc.get_pages().get(&page).copied() else {
        return false;
    };
    doc.get_and_decode_page_content(id).is_ok_and(|content| {
        !content
            .operations
            .iter()
            .any(|op| matches!(op.operator.as_str(), "Do" | "BI" | "Tj" | "TJ" | "'" | "\""))
    })
}

pub fn page_images(doc: &Document, page: ObjectId) -> Result<Vec<Picture>> {
    let (resources, inherited) = doc.get_page_resources(page)?;
    let mut xobjects = Dictionary::new();
    let mut add_from = |res: &Dictionary| {
        if let Ok(x) = res.get(b"XObject").and_then(|o| resolve(doc, o).as_dict()) {
            for (k, v) in x.iter() {
                xobjects.set(k.clone(), v.clone());
            }
        }
    };
    if let Some(res) = resources {
        add_from(res);
    }
    for id in inherited {
        if let Ok(res) = doc.get_dictionary(id) {
            add_from(res);
        }
    }
    let content = doc.get_and_decode_page_content(page)?;
    let turns = ocr_orient::quarter_turns(doc, page);
    let mut ctm = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];
    let mut saved: Vec<[f64; 6]> = Vec::new();
    let mut images = Vec::new();
    for op in content.operations {
        match op.operator.as_str() {
            "q" => saved.push(ctm),
            "Q" => ctm = saved.pop().unwrap_or(ctm),
            "cm" => {
                let m: Vec<f64> = op
                    .operands
                    .iter()
                    .filter_map(|o| o.as_float().ok().map(f64::from))
                    .collect();
                if let Ok(m) = <[f64; 6]>::try_from(m) {
                    ctm = ocr_orient::concat(m, ctm);
                }
            }
            _ => {}
        }
        if op.operator != "Do" {
            continue;
        }
        let Some(name) = op.operands.first().and_then(|o| o.as_name().ok()) else {
            continue;
        };
        let Ok(object) = xobjects.get(name) else {
            continue;
        };
        let Ok(stream) = resolve(doc, object).as_stream() else {
            continue;
        };
        if stream.dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Image".as_slice()) {
            continue;
        }
        // Pixels decoded here are turned the way the page shows them;
        // files tesseract decodes itself go as stored.
        let orientation = Orientation::of_matrix(ctm).turned(turns);
        match image_file(doc, stream) {
            Some(Picture::Gray(g)) if !orientation.is_upright() => {
                images.push(Picture::Gray(orientation.apply(g)));
            }
            Some(image) => images.push(image),
            None => {}
        }
    }
    Ok(images)
}

fn resolve<'a>(doc: &'a Document, object: &'a Object) -> &'a Object {
    match object {
        Object::Reference(id) => doc.get_object(*id).unwrap_or(object),
        _ => object,
    }
}

fn int(doc: &Document, dict: &Dictionary, key: &[u8]) -> Option<i64> {
    dict.get(key)
        .ok()
        .map(|o| resolve(doc, o))
        .and_then(|o| o.as_i64().ok())
}

fn image_file(doc: &Document, stream: &lopdf::Stream) -> Option<Picture> {
    let d = &stream.dict;
    let width = u32::try_from(int(doc, d, b"Width")?)
        .ok()
        .filter(|w| *w > 0)?;
    let height = u32::try_from(int(doc, d, b"Height")?)
        .ok()
        .filter(|h| *h > 0)?;
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return None;
    }
    let filters: Vec<Vec<u8>> = match d.get(b"Filter").ok().map(|o| resolve(doc, o)) {
        Some(Object::Name(n)) => vec![n.clone()],
        Some(Object::Array(a)) => a
            .iter()
            .filter_map(|o| o.as_name().ok().map(<[u8]>::to_vec))
            .collect(),
        _ => Vec::new(),
    };
    // `Decode [1 0]` swaps black and white.
    let inverted = match d.get(b"Decode").ok().map(|o| resolve(doc, o)) {
        Some(Object::Array(a)) => a.first().and_then(|o| o.as_float().ok()) == Some(1.0),
        _ => false,
    };
    let file = |ext| {
        Some(Picture::File {
            ext,
            bytes: stream.content.clone(),
        })
    };
    match filters.last().map(Vec::as_slice) {
        Some(b"DCTDecode") if filters.len() == 1 => file("jpg"),
        Some(b"JPXDecode") if filters.len() == 1 => file("jp2"),
        Some(b"CCITTFaxDecode") if filters.len() == 1 => {
            let parms = d
                .get(b"DecodeParms")
                .ok()
                .map(|o| resolve(doc, o))
                .and_then(|o| match o {
                    Object::Array(a) => a.first().map(|o| resolve(doc, o)),
                    other => Some(other),
                })
                .and_then(|o| o.as_dict().ok());
            let k = parms.and_then(|p| int(doc, p, b"K")).unwrap_or(0);
            let black_is_1 = parms
                .and_then(|p| p.get(b"BlackIs1").ok())
                .and_then(|o| o.as_bool().ok())
                .unwrap_or(false);
            let columns = parms
                .and_then(|p| int(doc, p, b"Columns"))
                .and_then(|c| u32::try_from(c).ok())
                .filter(|c| *c > 0)
                .unwrap_or(width);
            let rows = parms
                .and_then(|p| int(doc, p, b"Rows"))
                .and_then(|r| u32::try_from(r).ok())
                .filter(|r| *r > 0)
                .unwrap_or(height)
                .min(height);
            match ccitt_gray(&stream.content, columns, rows, k, inverted) {
                Some(g) => Some(Picture::Gray(g)),
                // Mixed 1-D/2-D Group 3 (K > 0): libtiff in tesseract decodes it.
                None => Some(Picture::File {
                    ext: "tif",
                    bytes: ccitt_tiff(&stream.content, columns, rows, k, black_is_1),
                }),
            }
        }
        _ => {
            let pixels = if filters.is_empty() {
                stream.content.clone()
            } else {
                stream.decompressed_content().ok()?
            };
            let bpc = int(doc, d, b"BitsPerComponent").unwrap_or(8);
            let components = match d.get(b"ColorSpace").ok().map(|o| resolve(doc, o)) {
                Some(Object::Name(n)) if n == b"DeviceRGB" => 3,
                Some(Object::Name(n)) if n == b"DeviceGray" => 1,
                _ if d
                    .get(b"ImageMask")
                    .and_then(Object::as_bool)
                    .unwrap_or(false) =>
                {
                    1
                }
                _ => return None,
            };
            raw_gray(&pixels, width, height, components, bpc, inverted).map(Picture::Gray)
        }
    }
}

/// Raw samples (8-bit gray or RGB, or 1-bit with 0 black) as gray pixels.
fn raw_gray(
    pixels: &[u8],
    width: u32,
    height: u32,
    components: u32,
    bpc: i64,
    inverted: bool,
) -> Option<Gray> {
    let w = width as usize;
    let row_bytes = match (components, bpc) {
        (1, 8) => w,
        (3, 8) => w * 3,
        (1, 1) => w.div_ceil(8),
        _ => return None,
    };
    let need = row_bytes.checked_mul(height as usize)?;
    let data = pixels.get(..need)?;
    let mut out = Vec::with_capacity(w * height as usize);
    for row in data.chunks(row_bytes) {
        match (components, bpc) {
            (1, 8) => out.extend_from_slice(row),
            (3, _) => out.extend(
                row.chunks(3)
                    .map(|p| ((p[0] as u16 + p[1] as u16 + p[2] as u16) / 3) as u8),
            ),
            _ => out.extend((0..w).map(|x| {
                if row[x / 8] & (0x80 >> (x % 8)) != 0 {
                    255
                } else {
                    0
                }
            })),
        }
    }
    if inverted {
        out.iter_mut().for_each(|p| *p = 255 - *p);
    }
    Some(Gray {
        width,
        height,
        pixels: out,
    })
}

/// CCITT Group 4 (K < 0) or 1-D Group 3 (K = 0) data decoded to gray pixels;
/// `None` for mixed Group 3 or data that does not decode.
fn ccitt_gray(data: &[u8], width: u32, height: u32, k: i64, inverted: bool) -> Option<Gray> {
    let (black, white) = if inverted { (255u8, 0u8) } else { (0u8, 255u8) };
    let mut pixels = Vec::with_capacity(width as usize * height as usize);
    let mut rows = 0u32;
    let mut line = |transitions: &[u32]| {
        if rows >= height {
            return;
        }
        rows += 1;
        pixels.extend(fax::decoder::pels(transitions, width).map(|c| match c {
            fax::Color::Black => black,
            fax::Color::White => white,
        }));
    };
    let ok = match k {
        k if k < 0 => fax::decoder::decode_g4(data.iter().copied(), width, Some(height), &mut line),
        0 => fax::decoder::decode_g3(data.iter().copied(), &mut line),
        _ => return None,
    };
    if ok.is_none() && rows == 0 {
        return None;
    }
    // Rows the data did not reach are white.
    pixels.resize(width as usize * height as usize, white);
    Some(Gray {
        width,
        height,
        pixels,
    })
}

/// CCITT fax data inside a one-strip TIFF, which tesseract (leptonica, libtiff)
/// decodes itself.
fn ccitt_tiff(data: &[u8], width: u32, height: u32, k: i64, black_is_1: bool) -> Vec<u8> {
    // Compression: 4 = Group 4 (K < 0), 3 = Group 3 (K >= 0).
    let compression: u32 = if k < 0 { 4 } else { 3 };
    let t4_options: u32 = if k > 0 { 1 } else { 0 };
    // PhotometricInterpretation: 0 = white is zero (PDF's default, BlackIs1 false
    // means 0 bits are black → 1 = black is zero).
    let photometric: u32 = if black_is_1 { 0 } else { 1 };
    let mut entries: Vec<(u16, u16, u32)> = vec![
        (256, 4, width),             // ImageWidth
        (257, 4, height),            // ImageLength
        (258, 3, 1),                 // BitsPerSample
        (259, 3, compression),       // Compression
        (262, 3, photometric),       // PhotometricInterpretation
        (273, 4, 0),                 // StripOffsets (patched below)
        (277, 3, 1),                 // SamplesPerPixel
        (278, 4, height),            // RowsPerStrip
        (279, 4, data.len() as u32), // StripByteCounts
    ];
    if compression == 3 {
        entries.push((292, 4, t4_options)); // T4Options
    }
    let ifd_len = 2 + entries.len() * 12 + 4;
    let data_offset = (8 + ifd_len) as u32;
    for e in &mut entries {
        if e.0 == 273 {
            e.2 = data_offset;
        }
    }
    let mut out = Vec::with_capacity(data_offset as usize + data.len());
    out.extend_from_slice(b"II*\0");
    out.extend_from_slice(&8u32.to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    for (tag, kind, value) in entries {
        out.extend_from_slice(&tag.to_le_bytes());
        out.extend_from_slice(&kind.to_le_bytes());
        out.extend_from_slice(&1u32.to_le_bytes());
        if kind == 3 {
            out.extend_from_slice(&(value as u16).to_le_bytes());
            out.extend_from_slice(&[0, 0]);
        } else {
            out.extend_from_slice(&value.to_le_bytes());
        }
    }
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(data);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_bit_pixels_are_black_at_zero_and_short_data_is_refused() {
        let g = raw_gray(&[0b1111_0000], 8, 1, 1, 1, false).unwrap();
        assert_eq!(g.pixels, vec![255, 255, 255, 255, 0, 0, 0, 0]);
        assert!(
            raw_gray(&[0; 3], 2, 2, 1, 8, false).is_none(),
            "short pixel data"
        );
        let stacked = stacked_pgm(&[g]);
        assert!(stacked.starts_with(format!("P5\n8 {}\n255\n", 1 + 2 * GAP).as_bytes()));
    }

    #[test]
    fn tiff_wraps_ccitt_data_after_its_directory() {
        let tiff = ccitt_tiff(b"DATA", 16, 2, -1, false);
        assert!(tiff.starts_with(b"II*\0"));
        assert!(tiff.ends_with(b"DATA"));
        let offset = 8 + 2 + 9 * 12 + 4;
        assert_eq!(&tiff[offset..], b"DATA");
    }

    #[test]
    fn scan_strips_come_out_in_drawing_order() {
        let doc = Document::load(crate::local::fixture("small_ocr.pdf")).unwrap();
        let page = *doc.get_pages().get(&1).unwrap();
        let images = page_images(&doc, page).unwrap();
        assert_eq!(images.len(), 62);
        // Each band decodes, 1634 px wide; most hold ink (some are blank).
        let mut inked = 0;
        for image in &images {
            let Picture::Gray(g) = image else {
                panic!("a band was not decoded")
            };
            assert_eq!(g.width, 1634);
            assert_eq!(g.pixels.len(), 1634 * g.height as usize);
            inked += usize::from(g.pixels.contains(&0));
        }
        assert!(inked > 30, "{inked} bands with ink");
    }
}
