//! The appearance streams of a page's annotations, placed on the page.
//!
//! A stamp, a free-text note, a watermark or a filled-in form field (a
//! widget) paints its normal appearance (`/AP /N`, a form XObject) over the
//! page, and what it says is part of the page as a viewer — and pdftotext —
//! shows it. The page's own content stream never invokes that form, so its
//! text is read here as if the page had drawn it at the annotation's
//! rectangle.

use lopdf::{Document, Object, ObjectId};

use super::fonts::{resolve_array, resolve_dict};
use super::{get_number, multiply_matrices};

/// Annotation flag bits (PDF 32000-1, 12.5.3) that keep an annotation off
/// the screen: Hidden (2) and NoView (6).
const NOT_SHOWN: i64 = (1 << 1) | (1 << 5);

/// The normal appearance of every annotation `page_id` shows, each with the
/// matrix that places it (the form's own `/Matrix` is applied on top, as for
/// any form). Widgets are read like the rest: a field's appearance is what
/// the user typed or picked, set in the field's font at its place, and a
/// check box's `/AS` state picks its check mark (ZapfDingbats ✔) or nothing.
/// Left out: hidden annotations, links and pop-ups, which paint no text of
/// their own.
pub(crate) fn shown_appearances(doc: &Document, page_id: ObjectId) -> Vec<(ObjectId, [f32; 6])> {
    let Some(annotations) = doc
        .get_dictionary(page_id)
        .ok()
        .and_then(|page| page.get(b"Annots").ok())
        .and_then(|annotations| resolve_array(doc, annotations))
    else {
        return Vec::new();
    };
    let regenerated = needs_appearances(doc);
    annotations
        .iter()
        .filter_map(|annotation| resolve_dict(doc, annotation))
        .filter(|annotation| !(regenerated && value_replaces_appearance(doc, annotation)))
        .filter_map(|annotation| appearance(doc, annotation))
        .collect()
}

/// Whether the document's form asks viewers to build its fields'
/// appearances anew from their values (`/NeedAppearances true`, PDF
/// 32000-1, 12.7.2): a filler that set `/V` without drawing it leaves the
/// old appearance — often the empty field — behind.
fn needs_appearances(doc: &Document) -> bool {
    doc.catalog()
        .ok()
        .and_then(|catalog| resolve_dict(doc, catalog.get(b"AcroForm").ok()?))
        .and_then(|form| form.get(b"NeedAppearances").ok()?.as_bool().ok())
        .unwrap_or(false)
}

/// A text or choice field's widget holding a value of its own: under
/// `/NeedAppearances` its value is what a viewer shows (poppler and pdf.js
/// build the appearance from it), so it is read from `/V`, not from its
/// appearance stream. Check boxes and radio buttons keep their appearances,
/// whose `/AS` state is what they show.
fn value_replaces_appearance(doc: &Document, widget: &lopdf::Dictionary) -> bool {
    let mut field = Some(widget);
    let mut field_type = None;
    for _ in 0..8 {
        let Some(dict) = field else { break };
        if let Ok(name) = dict.get(b"FT").and_then(Object::as_name) {
            field_type = Some(name);
            break;
        }
        field = dict.get(b"Parent").ok().and_then(|parent| resolve_dict(doc, parent));
    }
    let has_value = match widget.get(b"V") {
        Ok(Object::String(value, _)) => !value.is_empty(),
        Ok(Object::Array(values)) => !values.is_empty(),
        _ => false,
    };
    matches!(field_type, Some(b"Tx" | b"Ch")) && has_value
}

/// Whether a form field's widget paints its value itself: shown with a
/// normal appearance, which `shown_appearances` reads, or not shown at all.
/// Either way the field's `/V` is not to be read again beside it.
pub(crate) fn paints_its_own_value(doc: &Document, widget: &lopdf::Dictionary) -> bool {
    if !shown(widget) {
        return true;
    }
    if value_replaces_appearance(doc, widget) && needs_appearances(doc) {
        return false;
    }
    appearance(doc, widget).is_some()
}

fn shown(annotation: &lopdf::Dictionary) -> bool {
    let flags = match annotation.get(b"F") {
        Ok(Object::Integer(flags)) => *flags,
        _ => 0,
    };
    flags & NOT_SHOWN == 0
}

fn appearance(doc: &Document, annotation: &lopdf::Dictionary) -> Option<(ObjectId, [f32; 6])> {
    let subtype = annotation.get(b"Subtype").ok()?.as_name().ok()?;
    if matches!(subtype, b"Link" | b"Popup") || !shown(annotation) {
        return None;
    }
    let normal = resolve_dict(doc, annotation.get(b"AP").ok()?)?
        .get(b"N")
        .ok()?;
    // One appearance, or one per state with `/AS` naming the one shown.
    let form_id = match normal {
        Object::Reference(id) if matches!(doc.get_object(*id), Ok(Object::Stream(_))) => *id,
        _ => {
            let state = annotation.get(b"AS").ok()?.as_name().ok()?;
            resolve_dict(doc, normal)?
                .get(state)
                .ok()?
                .as_reference()
                .ok()?
        }
    };
    let Ok(Object::Stream(form)) = doc.get_object(form_id) else {
        return None;
    };
    let rect = numbers(doc, annotation.get(b"Rect").ok()?)?;
    let bbox = numbers(doc, form.dict.get(b"BBox").ok()?)?;
    let matrix = form
        .dict
        .get(b"Matrix")
        .ok()
        .and_then(|matrix| resolve_array(doc, matrix))
        .map(|matrix| matrix.iter().filter_map(get_number).collect::<Vec<f32>>())
        .and_then(|matrix| <[f32; 6]>::try_from(matrix).ok())
        .unwrap_or([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);
    Some((form_id, placement(rect, bbox, &matrix)?))
}

/// Four numbers of a rectangle, its corners in order (x0 ≤ x1, y0 ≤ y1).
fn numbers(doc: &Document, object: &Object) -> Option<[f32; 4]> {
    let values: Vec<f32> = resolve_array(doc, object)?
        .iter()
        .filter_map(get_number)
        .collect();
    let [a, b, c, d] = <[f32; 4]>::try_from(values).ok()?;
    Some([a.min(c), b.min(d), a.max(c), b.max(d)])
}

/// The matrix that maps the form's bounding box, transformed by its own
/// `/Matrix`, onto the annotation's rectangle (PDF 32000-1, 12.5.5). The
/// form's matrix is not part of it: the form walk applies that itself.
fn placement(rect: [f32; 4], bbox: [f32; 4], matrix: &[f32; 6]) -> Option<[f32; 6]> {
    let corners = [
        (bbox[0], bbox[1]),
        (bbox[2], bbox[1]),
        (bbox[0], bbox[3]),
        (bbox[2], bbox[3]),
    ]
    .map(|(x, y)| {
        let moved = multiply_matrices(&[1.0, 0.0, 0.0, 1.0, x, y], matrix);
        (moved[4], moved[5])
    });
    let (x0, x1) = corners
        .iter()
        .fold((f32::MAX, f32::MIN), |(lo, hi), &(x, _)| {
            (lo.min(x), hi.max(x))
        });
    let (y0, y1) = corners
        .iter()
        .fold((f32::MAX, f32::MIN), |(lo, hi), &(_, y)| {
            (lo.min(y), hi.max(y))
        });
    let (width, height) = (x1 - x0, y1 - y0);
    if !(width > f32::EPSILON && height > f32::EPSILON) {
        return None;
    }
    let sx = (rect[2] - rect[0]) / width;
    let sy = (rect[3] - rect[1]) / height;
    Some([sx, 0.0, 0.0, sy, rect[0] - x0 * sx, rect[1] - y0 * sy])
}


#[cfg(test)]
mod tests {
    use super::*;

    fn apply(m: &[f32; 6], (x, y): (f32, f32)) -> (f32, f32) {
        (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
    }

    fn close(a: (f32, f32), b: (f32, f32)) -> bool {
        (a.0 - b.0).abs() < 1e-3 && (a.1 - b.1).abs() < 1e-3
    }

    /// A form point goes through the form's own matrix, then the placement.
    fn on_page(matrix: &[f32; 6], placement: &[f32; 6], point: (f32, f32)) -> (f32, f32) {
        apply(placement, apply(matrix, point))
    }

    const IDENTITY: [f32; 6] = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

    #[test]
    fn a_bounding_box_at_the_origin_moves_to_the_rectangle() {
        let placed = placement([72.0, 600.0, 272.0, 620.0], [0.0, 0.0, 200.0, 20.0], &IDENTITY)
            .unwrap();
        assert!(close(on_page(&IDENTITY, &placed, (0.0, 0.0)), (72.0, 600.0)));
        assert!(close(on_page(&IDENTITY, &placed, (200.0, 20.0)), (272.0, 620.0)));
    }

    #[test]
    fn a_bounding_box_larger_than_the_rectangle_is_scaled_into_it() {
        // A box whose corner is not the origin, twice the rectangle's size.
        let placed = placement([10.0, 10.0, 60.0, 30.0], [20.0, 40.0, 120.0, 80.0], &IDENTITY)
            .unwrap();
        assert!(close(on_page(&IDENTITY, &placed, (20.0, 40.0)), (10.0, 10.0)));
        assert!(close(on_page(&IDENTITY, &placed, (120.0, 80.0)), (60.0, 30.0)));
        assert!(close(on_page(&IDENTITY, &placed, (70.0, 60.0)), (35.0, 20.0)));
    }

    #[test]
    fn a_turned_appearance_fills_the_rectangle_with_its_turned_box() {
        // A field on a page turned a quarter: its appearance is drawn along
        // the box's width and turned by `/Matrix [0 1 -1 0 0 0]`, so the turned
        // box (x in [-20, 0], y in [0, 100]) is what the rectangle receives.
        let matrix = [0.0, 1.0, -1.0, 0.0, 0.0, 0.0];
        let placed = placement([10.0, 10.0, 30.0, 110.0], [0.0, 0.0, 100.0, 20.0], &matrix)
            .unwrap();
        assert!(close(on_page(&matrix, &placed, (0.0, 0.0)), (30.0, 10.0)));
        assert!(close(on_page(&matrix, &placed, (100.0, 20.0)), (10.0, 110.0)));
        assert!(close(on_page(&matrix, &placed, (100.0, 0.0)), (30.0, 110.0)));
    }

    /// A page with one widget of each kind: a filled text field, the same
    /// field hidden, and a check box whose `/AS` picks its "Off" state.
    fn page_with_widgets() -> (Document, ObjectId, [ObjectId; 3]) {
        use lopdf::{dictionary, Stream};
        let mut doc = Document::with_version("1.5");
        let mut form = |content: &str| {
            doc.add_object(Stream::new(
                dictionary! {
                    "Type" => "XObject", "Subtype" => "Form",
                    "BBox" => vec![0.into(), 0.into(), 100.into(), 20.into()],
                },
                content.as_bytes().to_vec(),
            ))
        };
        let value = form("BT /Helv 10 Tf 2 6 Td (Jane Public) Tj ET");
        let hidden = form("BT /Helv 10 Tf 2 6 Td (Secret) Tj ET");
        let checked = form("BT /ZaDb 10 Tf 2 6 Td (4) Tj ET");
        let unchecked = form("");
        let rect = || vec![200.into(), 600.into(), 300.into(), 620.into()];
        let text = doc.add_object(dictionary! {
            "Type" => "Annot", "Subtype" => "Widget", "FT" => "Tx", "F" => 4,
            "Rect" => rect(), "V" => Object::string_literal("Jane Public"),
            "AP" => dictionary! { "N" => value },
        });
        let hidden_text = doc.add_object(dictionary! {
            "Type" => "Annot", "Subtype" => "Widget", "FT" => "Tx", "F" => 2,
            "Rect" => rect(), "AP" => dictionary! { "N" => hidden },
        });
        let check_box = doc.add_object(dictionary! {
            "Type" => "Annot", "Subtype" => "Widget", "FT" => "Btn", "F" => 4,
            "Rect" => rect(), "AS" => "Off",
            "AP" => dictionary! { "N" => dictionary! { "Yes" => checked, "Off" => unchecked } },
        });
        let page = doc.add_object(dictionary! {
            "Type" => "Page",
            "Annots" => vec![text.into(), hidden_text.into(), check_box.into()],
        });
        (doc, page, [value, hidden, unchecked])
    }

    #[test]
    fn a_filled_field_shows_its_appearance_and_a_hidden_one_does_not() {
        let (doc, page, [value, hidden, unchecked]) = page_with_widgets();
        let shown: Vec<ObjectId> = shown_appearances(&doc, page)
            .into_iter()
            .map(|(form, _)| form)
            .collect();
        assert_eq!(shown, vec![value, unchecked]);
        assert!(!shown.contains(&hidden));
        let (_, placed) = shown_appearances(&doc, page)[0];
        assert!(close(apply(&placed, (0.0, 0.0)), (200.0, 600.0)));
    }

    #[test]
    fn under_need_appearances_a_text_field_is_read_from_its_value() {
        // A filler set `/V` and asked viewers to draw it anew: the text
        // field's old appearance is not read (its value is, by the form-field
        // pass), the check box's state still is.
        use lopdf::dictionary;
        let (mut doc, page, [value, _, unchecked]) = page_with_widgets();
        let catalog = doc.add_object(dictionary! {
            "Type" => "Catalog",
            "AcroForm" => dictionary! { "NeedAppearances" => true, "Fields" => vec![] },
        });
        doc.trailer.set("Root", catalog);
        let shown: Vec<ObjectId> = shown_appearances(&doc, page)
            .into_iter()
            .map(|(form, _)| form)
            .collect();
        assert_eq!(shown, vec![unchecked]);
        assert!(!shown.contains(&value));
        let annots = doc.get_dictionary(page).unwrap().get(b"Annots").unwrap();
        let text = resolve_dict(&doc, &resolve_array(&doc, annots).unwrap()[0]).unwrap();
        assert!(!paints_its_own_value(&doc, text));
    }

    #[test]
    fn an_empty_bounding_box_places_nothing() {
        assert!(placement([0.0, 0.0, 10.0, 10.0], [5.0, 5.0, 5.0, 20.0], &IDENTITY).is_none());
    }
}
