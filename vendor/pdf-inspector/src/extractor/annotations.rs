//! The appearance streams of a page's annotations, placed on the page.
//!
//! A stamp, a free-text note or a watermark annotation paints its normal
//! appearance (`/AP /N`, a form XObject) over the page, and what it says is
//! part of the page as a viewer — and pdftotext — shows it. The page's own
//! content stream never invokes that form, so its text is read here as if the
//! page had drawn it at the annotation's rectangle.

use lopdf::{Document, Object, ObjectId};

use super::fonts::{resolve_array, resolve_dict};
use super::{get_number, multiply_matrices};

/// Annotation flag bits (PDF 32000-1, 12.5.3) that keep an annotation off
/// the screen: Hidden (2) and NoView (6).
const NOT_SHOWN: i64 = (1 << 1) | (1 << 5);

/// The normal appearance of every annotation `page_id` shows, each with the
/// matrix that places it (the form's own `/Matrix` is applied on top, as for
/// any form). Left out: hidden annotations; widgets, whose values come from
/// the form fields (`links::extract_form_fields`); links and pop-ups, which
/// paint no text of their own.
pub(crate) fn shown_appearances(doc: &Document, page_id: ObjectId) -> Vec<(ObjectId, [f32; 6])> {
    let Some(annotations) = doc
        .get_dictionary(page_id)
        .ok()
        .and_then(|page| page.get(b"Annots").ok())
        .and_then(|annotations| resolve_array(doc, annotations))
    else {
        return Vec::new();
    };
    annotations
        .iter()
        .filter_map(|annotation| appearance(doc, resolve_dict(doc, annotation)?))
        .collect()
}

fn appearance(doc: &Document, annotation: &lopdf::Dictionary) -> Option<(ObjectId, [f32; 6])> {
    let subtype = annotation.get(b"Subtype").ok()?.as_name().ok()?;
    if matches!(subtype, b"Widget" | b"Link" | b"Popup") {
        return None;
    }
    let flags = match annotation.get(b"F") {
        Ok(Object::Integer(flags)) => *flags,
        _ => 0,
    };
    if flags & NOT_SHOWN != 0 {
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

