//! Images (a photo or scan of a page) are read by `tesseract` when it is
//! installed; without it they are refused with a cloud provider named.

use std::path::Path;

use super::{ocr, Extracted, Settings};
use crate::error::Error;

/// Image types tesseract (leptonica) reads.
pub const EXTENSIONS: &[&str] = &["png", "jpg", "jpeg", "tif", "tiff", "bmp", "gif", "webp"];

pub fn extract(path: &Path, input: &str, settings: &Settings) -> Result<Extracted, Error> {
    let Some(tesseract) = &settings.tesseract else {
        return Err(Error::input(
            input,
            "an image has no text layer, and tesseract is not installed",
        )
        .with_hint(format!(
            "install tesseract (Debian/Ubuntu: apt-get install tesseract-ocr) to OCR it locally, or use a cloud provider: {}",
            super::pdf::CLOUD_HINT
        )));
    };
    if let Some(language) = &settings.language {
        ocr::check_languages(tesseract, language, input)?;
    }
    let reading = ocr::image(path, tesseract, settings.language.as_deref()).map_err(|e| {
        Error::input(input, format!("OCR failed: {e:#}"))
            .with_hint(format!("use a cloud provider: {}", super::pdf::CLOUD_HINT))
    })?;
    let doubtful = reading
        .confidence()
        .is_some_and(|c| c < ocr::LOW_CONFIDENCE);
    Ok(Extracted {
        pages: vec![reading.text],
        ocr_pages: vec![1],
        doubtful_ocr: if doubtful { vec![1] } else { Vec::new() },
        ..Extracted::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::local::fixture;

    #[test]
    fn an_image_without_tesseract_is_refused() {
        let err = extract(&fixture("scan.png"), "scan.png", &Settings::default()).unwrap_err();
        assert_eq!(err.kind, crate::error::Kind::Input);
        assert!(err.hint.unwrap().contains("-p mineru-flash"));
    }

    #[test]
    fn an_image_is_read_by_tesseract() {
        let Some(tesseract) = ocr::tesseract_for_test() else {
            return;
        };
        let settings = Settings {
            tesseract: Some(tesseract),
            ..Settings::default()
        };
        let x = extract(&fixture("scan.png"), "scan.png", &settings).unwrap();
        let text = x.pages[0].to_lowercase();
        assert!(text.contains("quick brown fox"), "{text}");
        assert_eq!(x.ocr_pages, vec![1]);
    }
}
