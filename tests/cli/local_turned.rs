//! `-p local` on scans whose picture is not stored the way the page shows
//! it, read by the real tesseract where it is installed: a picture stored
//! bottom-up (PDFium's `w 0 0 -h 0 h cm`) and a page turned by `/Rotate`.

use std::sync::Arc;

use lopdf::content::{Content, Operation};
use lopdf::{dictionary, Document, Object, Stream};

use crate::harness::{stderr_of, stdout_of, Env};
use crate::local::{file, local, tesseract_dir};
use crate::support::pdfgen::{pages_pdf, Page};

const LINES: [&str; 3] = [
    "The harbour master signed the manifest.",
    "Cargo was unloaded before the storm arrived.",
    "Every crate was counted twice by the clerks.",
];

/// A gray picture, rows top to bottom.
struct Picture {
    width: u32,
    height: u32,
    pixels: Vec<u8>,
}

impl Picture {
    /// An A4 page of `LINES` in Helvetica 20, drawn at 144 dpi.
    fn of_text() -> Picture {
        let lines: Vec<(i64, i64, &str)> = LINES
            .iter()
            .enumerate()
            .map(|(i, line)| (20, 700 - 40 * i as i64, *line))
            .collect();
        let pdf = hayro::hayro_syntax::Pdf::new(Arc::new(pages_pdf(&[Page::Text(lines)]))).unwrap();
        let pages = pdf.pages();
        let settings = hayro::RenderSettings {
            x_scale: 2.0,
            y_scale: 2.0,
            ..Default::default()
        };
        let pixmap = hayro::render(
            &pages[0],
            &hayro::RenderCache::new(),
            &hayro::hayro_interpret::InterpreterSettings::default(),
            &settings,
        );
        let (width, height) = (u32::from(pixmap.width()), u32::from(pixmap.height()));
        let pixels = pixmap
            .take_unpremultiplied()
            .into_iter()
            .map(|p| {
                let luma =
                    (299 * u32::from(p.r) + 587 * u32::from(p.g) + 114 * u32::from(p.b)) / 1000;
                let a = u32::from(p.a);
                ((luma * a + 255 * (255 - a)) / 255) as u8
            })
            .collect();
        Picture {
            width,
            height,
            pixels,
        }
    }

    /// The rows in the opposite order.
    fn upside_down_rows(self) -> Picture {
        let rows: Vec<&[u8]> = self.pixels.chunks(self.width as usize).rev().collect();
        Picture {
            pixels: rows.concat(),
            ..self
        }
    }

    /// Turned a quarter counter-clockwise.
    fn turned_left(self) -> Picture {
        let (w, h) = (self.width as usize, self.height as usize);
        let mut pixels = vec![255u8; w * h];
        for y in 0..h {
            for x in 0..w {
                // Column x of the source becomes row (w - 1 - x).
                pixels[(w - 1 - x) * h + y] = self.pixels[y * w + x];
            }
        }
        Picture {
            width: self.height,
            height: self.width,
            pixels,
        }
    }
}

/// A one-page PDF of `page_size` points drawing `picture` (8-bit gray,
/// deflated) under `cm`, with the page's `/Rotate` when given.
fn scan(picture: Picture, page_size: (i64, i64), cm: [f32; 6], rotate: Option<i64>) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let mut image = Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Image",
            "Width" => i64::from(picture.width), "Height" => i64::from(picture.height),
            "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
        },
        picture.pixels,
    );
    image.compress().unwrap();
    let image_id = doc.add_object(image);
    let content = Content {
        operations: vec![
            Operation::new("q", vec![]),
            Operation::new("cm", cm.iter().map(|v| Object::Real(*v)).collect()),
            Operation::new("Do", vec!["Im1".into()]),
            Operation::new("Q", vec![]),
        ],
    };
    let content_id = doc.add_object(Stream::new(dictionary! {}, content.encode().unwrap()));
    let pages_id = doc.new_object_id();
    let mut page = dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
        "MediaBox" => vec![0.into(), 0.into(), page_size.0.into(), page_size.1.into()],
        "Resources" => dictionary! { "XObject" => dictionary! { "Im1" => image_id } },
    };
    if let Some(degrees) = rotate {
        page.set("Rotate", degrees);
    }
    let page_id = doc.add_object(page);
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1,
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// What `-p local ocr` prints for `pdf`, with the real tesseract on PATH:
/// it must read every one of `LINES`.
fn assert_reads_the_lines(dir: &str, name: &str, pdf: &[u8]) {
    let env = Env::new();
    let path = file(&env, name, pdf);
    let out = local(&env)
        .env("PATH", dir)
        .arg("ocr")
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let md = stdout_of(&out);
    let words = |s: &str| -> String {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let read = words(&md);
    for line in LINES {
        assert!(read.contains(&words(line)), "{line:?} not in:\n{md}");
    }
}

#[test]
fn a_scan_stored_bottom_up_is_read_the_way_the_page_shows_it() {
    let Some(dir) = tesseract_dir() else { return };
    let picture = Picture::of_text().upside_down_rows();
    let pdf = scan(
        picture,
        (595, 842),
        [595.0, 0.0, 0.0, -842.0, 0.0, 842.0],
        None,
    );
    assert_reads_the_lines(dir, "pdfium.pdf", &pdf);
}

#[test]
fn a_scan_turned_by_the_page_rotate_is_read_upright() {
    let Some(dir) = tesseract_dir() else { return };
    // Stored sideways on a landscape page that viewers turn a quarter
    // clockwise.
    let picture = Picture::of_text().turned_left();
    let pdf = scan(
        picture,
        (842, 595),
        [842.0, 0.0, 0.0, 595.0, 0.0, 0.0],
        Some(90),
    );
    assert_reads_the_lines(dir, "rotated.pdf", &pdf);
}
