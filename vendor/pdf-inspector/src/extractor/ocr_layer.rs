//! An invisible (Tr 3) text layer beside a little visible text (docpipe's
//! mend 31).
//!
//! A scan with its producer's OCR layer is read as that layer when the
//! page shows no visible text (`crate::adopts_ocr_layer`). Archives stamp
//! their scans with a line of real text — JSTOR's "This content downloaded
//! from … All use subject to JSTOR Terms and Conditions" under every page —
//! and that one visible line kept the whole layer out: the page read as
//! its stamp, where pdftotext, pdf.js and PDFBox read the layer too. A page
//! whose visible text is small beside the layer now reads as both, the
//! layer's runs that lie on a visible run (its twin) left out.

use crate::types::{ItemType, TextItem};

/// At most this many letters and digits of visible text let a page try
/// its invisible layer: a stamp or a running line, not a page of text
/// (which pays no second walk of its content).
pub(crate) const MAX_VISIBLE_ALNUM: usize = 400;

/// The layer is adopted when it carries at least this many times the
/// visible text's letters and digits: the page's body, not a hidden
/// keyword or a twin of the visible lines.
const LAYER_OVER_VISIBLE: usize = 4;

/// Letters and digits of text items, raster placeholders aside.
fn alnum(items: &[&TextItem]) -> usize {
    items
        .iter()
        .filter(|it| !matches!(it.item_type, ItemType::Image))
        .map(|it| it.text.chars().filter(|c| c.is_alphanumeric()).count())
        .sum()
}

/// Whether a page's visible text is small enough to try its invisible
/// layer beside it.
pub(crate) fn worth_trying(visible: &[TextItem]) -> bool {
    alnum(&visible.iter().collect::<Vec<_>>()) <= MAX_VISIBLE_ALNUM
}

fn overlaps(a: &TextItem, b: &TextItem) -> bool {
    let (ax1, ay1) = (a.x + a.width.max(0.0), a.y + a.height.max(0.0));
    let (bx1, by1) = (b.x + b.width.max(0.0), b.y + b.height.max(0.0));
    a.x < bx1 && b.x < ax1 && a.y < by1 && b.y < ay1
}

/// Whether a run was drawn invisible (text rendering mode 3).
fn invisible(it: &TextItem) -> bool {
    it.render_mode == Some(3)
}

/// The items of a walk that kept invisible text, `all`, with the page's
/// invisible layer — less its runs lying on a visible run, their twins —
/// when the layer is the page's body; `None` when it is not.
pub(crate) fn beside_visible_text(all: Vec<TextItem>) -> Option<Vec<TextItem>> {
    let text =
        |it: &&TextItem| !matches!(it.item_type, ItemType::Image) && !it.text.trim().is_empty();
    let seen: Vec<&TextItem> = all
        .iter()
        .filter(|it| !invisible(it))
        .filter(text)
        .collect();
    let twin = |it: &TextItem| invisible(it) && seen.iter().any(|v| overlaps(v, it));
    let layer: Vec<&TextItem> = all.iter().filter(|it| invisible(it) && !twin(it)).collect();
    let layer_alnum = alnum(&layer);
    let sample: String = layer.iter().map(|it| it.text.as_str()).collect();
    let adopted = layer_alnum >= crate::OCR_LAYER_MIN_ALNUM
        && layer_alnum >= LAYER_OVER_VISIBLE * alnum(&seen)
        && !crate::is_garbage_text(&sample);
    if !adopted {
        return None;
    }
    let twins: Vec<bool> = all.iter().map(twin).collect();
    Some(
        all.into_iter()
            .zip(twins)
            .filter(|(_, twin)| !twin)
            .map(|(it, _)| it)
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, y: f32, render_mode: u8) -> TextItem {
        TextItem {
            text: text.to_string(),
            x: 50.0,
            y,
            width: 6.0 * text.len() as f32,
            height: 10.0,
            font: String::new(),
            font_tag: String::new(),
            legacy_symbol_rewrite: false,
            font_size: 10.0,
            page: 1,
            is_bold: false,
            is_italic: false,
            font_weight: None,
            bold_source: None,
            fixed_pitch: None,
            fill_color: None,
            stroke_color: None,
            render_mode: Some(render_mode),
            is_underline: false,
            is_strikeout: false,
            rotation: 0.0,
            advance_known: true,
            item_type: ItemType::Text,
            mcid: None,
            baseline_shift: 0.0,
        }
    }

    const BODY: [&str; 4] = [
        "It is with great pleasure that we greet this book",
        "a solid and documented work that fills a gap",
        "in the historical research of the country",
        "written by an author born in the country itself",
    ];

    fn body(render_mode: u8) -> Vec<TextItem> {
        BODY.iter()
            .zip(0..)
            .map(|(t, i)| run(t, 700.0 - 14.0 * i as f32, render_mode))
            .collect()
    }

    fn texts(items: &[TextItem]) -> Vec<&str> {
        items.iter().map(|it| it.text.as_str()).collect()
    }

    #[test]
    fn a_layer_beside_a_stamp_is_read_with_it() {
        let mut all = body(3);
        all.push(run("Downloaded on 16 June", 20.0, 0));
        let read = beside_visible_text(all.clone()).unwrap();
        assert_eq!(texts(&read), texts(&all));
    }

    #[test]
    fn a_layer_run_on_a_visible_run_is_left_out() {
        let mut all = vec![
            run("Reviews of books", 740.0, 0),
            run("Reviews of books", 741.0, 3),
        ];
        all.extend(body(3));
        let read = beside_visible_text(all).unwrap();
        let mut expected = vec!["Reviews of books"];
        expected.extend(BODY);
        assert_eq!(texts(&read), expected);
    }

    #[test]
    fn a_small_layer_beside_visible_text_is_not_adopted() {
        let mut all = body(0);
        all.push(run("hidden keywords for search engines", 100.0, 3));
        assert!(beside_visible_text(all).is_none());
    }
}
