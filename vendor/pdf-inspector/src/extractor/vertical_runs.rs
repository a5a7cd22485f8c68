//! Rotated text shown one glyph per operator, joined along its baseline.
//!
//! A vertical table header (text turned 90° or 270°) is often set glyph by
//! glyph, each glyph placed by a text matrix of its own. The line grouper
//! and the merge walk along +x on baselines of constant y, the reading
//! direction of upright text only, so each glyph of a vertical run stayed a
//! fragment of its own: grouped by its y with whatever else lies at that
//! height, a header read letter by letter across the lines of its table.
//! Fragments that continue each other along their own baseline are one run
//! and are joined here, in stream order, before lines are built.

use super::clip_boundaries::{self, ClipRect};
use crate::types::{ItemType, TextItem};
use std::borrow::Cow;

/// How far a glyph may lie off its predecessor's baseline, across the
/// run, in em: a raised or lowered mark (a superscript beside a rotated
/// word) stands further off and stays apart.
const CROSS_TOLERANCE_EM: f32 = 0.15;

/// The widest gap along the baseline two glyphs of one run leave, in em —
/// the bound the horizontal merge keeps too; past it the next glyph
/// begins another piece of text.
const ALONG_GAP_MAX_EM: f32 = 0.5;

/// How far a glyph may start behind its predecessor's end, in em: kerning,
/// negative character spacing, or a font whose widths are wider than the
/// producer placed its glyphs by (`issue-192-example.pdf` overlaps them by
/// up to 0.28 em). The horizontal merge keeps the same bound.
const ALONG_OVERLAP_MAX_EM: f32 = 0.5;

/// A gap along the baseline at least this wide, in em, with no space
/// glyph at the junction, is a word space.
const WORD_GAP_EM: f32 = 0.2;

/// Which way a fragment reads along y: +1 for a run turned 90°
/// counter-clockwise (reading upwards), −1 for 270° (downwards), `None`
/// for anything else.
fn vertical_direction(item: &TextItem) -> Option<f32> {
    let r = item.rotation.rem_euclid(360.0);
    if (r - 90.0).abs() < 1.0 {
        Some(1.0)
    } else if (r - 270.0).abs() < 1.0 {
        Some(-1.0)
    } else {
        None
    }
}

/// The gap along the run's baseline from `prev`'s end to `next`'s start,
/// in points, when `next` continues `prev`: the same page, the same
/// vertical direction, measured advances, type of one size and the same
/// baseline across the run.
fn continuation_gap(prev: &TextItem, next: &TextItem) -> Option<f32> {
    if prev.page != next.page
        || !matches!(prev.item_type, ItemType::Text)
        || !matches!(next.item_type, ItemType::Text)
        || !prev.advance_known
        || !next.advance_known
        || prev.text.is_empty()
        || next.text.is_empty()
    {
        return None;
    }
    let direction = vertical_direction(prev)?;
    if vertical_direction(next)? != direction {
        return None;
    }
    let em = prev.font_size;
    if em <= 0.0 || (next.font_size - em).abs() > em * super::MERGE_FONT_SIZE_BAND {
        return None;
    }
    if (prev.x - next.x).abs() > em * CROSS_TOLERANCE_EM
        || ((prev.x + prev.width) - (next.x + next.width)).abs() > em * CROSS_TOLERANCE_EM
    {
        return None;
    }
    let gap = if direction > 0.0 {
        next.y - (prev.y + prev.height)
    } else {
        prev.y - (next.y + next.height)
    };
    (gap >= -em * ALONG_OVERLAP_MAX_EM && gap <= em * ALONG_GAP_MAX_EM).then_some(gap)
}

/// `items` with each stretch of vertical fragments that continue each
/// other in stream order joined into one run: its text in reading order,
/// a space where the glyphs stand a word gap apart and the run shows no
/// space glyph there, its box the union of theirs. `clips` runs parallel
/// to `items` (or is empty) and keeps the first fragment's entry; runs a
/// clip separates are not joined.
pub(super) fn join_vertical_glyph_runs(
    items: Vec<TextItem>,
    clips: &[Option<ClipRect>],
) -> (Vec<TextItem>, Cow<'_, [Option<ClipRect>]>) {
    if !items.iter().any(|item| vertical_direction(item).is_some()) {
        return (items, Cow::Borrowed(clips));
    }
    let clip = |index: usize| clips.get(index).and_then(Option::as_ref);
    let mut joined: Vec<TextItem> = Vec::with_capacity(items.len());
    let mut joined_clips: Vec<Option<ClipRect>> = Vec::with_capacity(clips.len());
    // The index in `items` of the last fragment added to the last run.
    let mut last_index = usize::MAX;
    for (index, item) in items.into_iter().enumerate() {
        let gap = joined.last().and_then(|run| {
            let gap = continuation_gap(run, &item)?;
            (!clip_boundaries::separated_runs(run, clip(last_index), &item, clip(index)))
                .then_some(gap)
        });
        match (gap, joined.last_mut()) {
            (Some(gap), Some(run)) => {
                let spaced = run.text.ends_with(char::is_whitespace)
                    || item.text.starts_with(char::is_whitespace);
                if gap >= run.font_size * WORD_GAP_EM && !spaced {
                    run.text.push(' ');
                }
                run.text.push_str(&item.text);
                let bottom = run.y.min(item.y);
                let top = (run.y + run.height).max(item.y + item.height);
                let left = run.x.min(item.x);
                let right = (run.x + run.width).max(item.x + item.width);
                run.x = left;
                run.y = bottom;
                run.width = right - left;
                run.height = top - bottom;
            }
            _ => {
                if !clips.is_empty() {
                    joined_clips.push(clips.get(index).copied().flatten());
                }
                joined.push(item);
            }
        }
        last_index = index;
    }
    (joined, Cow::Owned(joined_clips))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A glyph turned `rotation` degrees at `(x, y)`, its box `advance`
    /// long along y, 10 pt type.
    fn glyph(text: &str, x: f32, y: f32, advance: f32, rotation: f32) -> TextItem {
        TextItem {
            text: text.to_string(),
            x,
            y,
            width: 10.0,
            height: advance,
            font: "F1".into(),
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
            render_mode: None,
            is_underline: false,
            is_strikeout: false,
            rotation,
            advance_known: true,
            item_type: ItemType::Text,
            mcid: None,
            baseline_shift: 0.0,
        }
    }

    fn texts(items: &[TextItem]) -> Vec<&str> {
        items.iter().map(|item| item.text.as_str()).collect()
    }

    #[test]
    fn glyphs_of_an_upward_header_join_in_reading_order_with_their_word_space() {
        let items = vec![
            glyph("T", 100.0, 200.0, 6.0, 90.0),
            // Placed 0.3 em inside the "T"'s advance.
            glyph("o", 100.0, 203.0, 8.0, 90.0),
            glyph("p", 100.0, 211.0, 5.0, 90.0),
            // A word gap with no space glyph: 3 pt at 10 pt type.
            glyph("r", 100.0, 219.0, 3.0, 90.0),
            glyph("o", 100.0, 222.0, 5.0, 90.0),
            glyph("w", 100.0, 227.0, 7.0, 90.0),
            // The second line of the header, one em to the right.
            glyph("S", 110.0, 200.0, 6.0, 90.0),
            glyph("um", 110.0, 206.0, 12.0, 90.0),
        ];
        let (joined, clips) = join_vertical_glyph_runs(items, &[]);
        assert_eq!(texts(&joined), ["Top row", "Sum"]);
        assert!(clips.is_empty());
        assert_eq!((joined[0].y, joined[0].height), (200.0, 34.0));
    }

    #[test]
    fn a_downward_header_reads_from_the_top() {
        let items = vec![
            glyph("N", 100.0, 294.0, 6.0, 270.0),
            glyph("e", 100.0, 289.0, 5.0, 270.0),
            glyph("t", 100.0, 286.0, 3.0, 270.0),
        ];
        let (joined, _) = join_vertical_glyph_runs(items, &[]);
        assert_eq!(texts(&joined), ["Net"]);
        assert_eq!((joined[0].y, joined[0].height), (286.0, 14.0));
    }

    #[test]
    fn upright_text_marks_and_distant_glyphs_stay_apart() {
        let mut upright = glyph("a", 100.0, 200.0, 6.0, 0.0);
        upright.width = 6.0;
        upright.height = 10.0;
        let mut mark = glyph("2", 104.0, 206.0, 3.0, 90.0);
        mark.font_size = 6.0;
        let items = vec![
            upright.clone(),
            glyph("b", 100.0, 206.0, 6.0, 0.0),
            glyph("c", 100.0, 300.0, 6.0, 90.0),
            glyph("d", 100.0, 306.0, 6.0, 90.0),
            mark,
            // Beyond half an em along the baseline.
            glyph("e", 100.0, 318.0, 6.0, 90.0),
        ];
        let (joined, _) = join_vertical_glyph_runs(items, &[]);
        assert_eq!(texts(&joined), ["a", "b", "cd", "2", "e"]);
    }
}
