//! A PDF page rendered for tesseract, for the pages whose text the page's
//! images do not hold: text in a font that maps its glyphs to no
//! characters (see `pdf_garbled`), glyphs drawn as outlines, and scans in an
//! image format [`super::ocr::pdf_page`] does not decode. hayro (pure Rust,
//! no `unsafe`) draws the page as a viewer shows it, fonts, images, masks
//! and clips together.

use std::path::Path;
use std::sync::{Arc, Mutex};

use anyhow::{anyhow, Context, Result};
use hayro::hayro_interpret::InterpreterSettings;
use hayro::hayro_syntax::Pdf;
use hayro::{render, RenderCache, RenderSettings};

use super::ocr;

/// Tesseract reads body text best at 300 dpi.
const DPI: f32 = 300.0;
/// The largest page drawn: an A4 page at 300 dpi is 8.7 Mpx; a poster is
/// drawn at a lower resolution to stay within this.
const MAX_PIXELS: f32 = 12_000_000.0;

/// One document's pages to draw. A page is drawn at a time, whatever the
/// number of tesseracts reading side by side: its RGBA canvas is 35 MB at
/// 300 dpi, and drawing takes a tenth of the time tesseract takes to read.
pub struct Renderer {
    pdf: Pdf,
    drawing: Mutex<()>,
}

impl Renderer {
    pub fn new(bytes: &[u8]) -> Result<Renderer> {
        let data: Arc<Vec<u8>> = Arc::new(bytes.to_vec());
        let pdf = Pdf::new(data).map_err(|e| anyhow!("the PDF cannot be drawn: {e:?}"))?;
        Ok(Renderer {
            pdf,
            drawing: Mutex::new(()),
        })
    }

    /// Page `page` (1-based) drawn in gray on white, as a PGM file's bytes.
    pub fn page_pgm(&self, page: u32) -> Result<Vec<u8>> {
        let pages = self.pdf.pages();
        let page = pages
            .get(page as usize - 1)
            .with_context(|| format!("the PDF has no page {page}"))?;
        let (width, height) = page.render_dimensions();
        let fit = (MAX_PIXELS / (width * height).max(1.0)).sqrt();
        let scale = (DPI / 72.0).min(fit);
        let settings = RenderSettings {
            x_scale: scale,
            y_scale: scale,
            ..Default::default()
        };
        let _one_at_a_time = self.drawing.lock().unwrap_or_else(|e| e.into_inner());
        let pixmap = render(
            page,
            &RenderCache::new(),
            &InterpreterSettings::default(),
            &settings,
        );
        let (w, h) = (pixmap.width(), pixmap.height());
        let mut pgm = format!("P5\n{w} {h}\n255\n").into_bytes();
        pgm.extend(pixmap.take_unpremultiplied().into_iter().map(|p| {
            let luma = (299 * u32::from(p.r) + 587 * u32::from(p.g) + 114 * u32::from(p.b)) / 1000;
            // Over white: transparent is paper.
            let a = u32::from(p.a);
            ((luma * a + 255 * (255 - a)) / 255) as u8
        }));
        Ok(pgm)
    }

    /// What tesseract reads on page `page` (1-based) drawn.
    pub fn read(
        &self,
        page: u32,
        tesseract: &Path,
        language: Option<&str>,
    ) -> Result<ocr::Reading> {
        ocr::image_bytes(&self.page_pgm(page)?, "page.pgm", tesseract, language)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    /// A page of black text on white draws dark pixels where the text is
    /// and white elsewhere, at 300 dpi.
    #[test]
    fn a_page_is_drawn_in_gray_at_300_dpi() {
        let mut doc = lopdf::Document::with_version("1.5");
        let font = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        });
        let content = doc.add_object(lopdf::Stream::new(
            dictionary! {},
            b"BT /F1 36 Tf 10 20 Td (HELLO) Tj ET".to_vec(),
        ));
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "MediaBox" => vec![0.into(), 0.into(), 144.into(), 72.into()],
            "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
            "Contents" => content,
        });
        let pages = doc.add_object(dictionary! {
            "Type" => "Pages", "Count" => 1, "Kids" => vec![page.into()],
        });
        doc.get_dictionary_mut(page).unwrap().set("Parent", pages);
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
        doc.trailer.set("Root", catalog);
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes).unwrap();

        let pgm = Renderer::new(&bytes).unwrap().page_pgm(1).unwrap();
        let header = b"P5\n600 300\n255\n";
        assert_eq!(&pgm[..header.len()], header);
        let pixels = &pgm[header.len()..];
        assert_eq!(pixels.len(), 600 * 300);
        let dark = pixels.iter().filter(|&&p| p < 128).count();
        assert!(dark > 2_000 && dark < 60_000, "{dark} dark pixels");
        // The top-left corner is paper.
        assert_eq!(pixels[0], 255);
        assert!(Renderer::new(&bytes).unwrap().page_pgm(2).is_err());
    }
}
