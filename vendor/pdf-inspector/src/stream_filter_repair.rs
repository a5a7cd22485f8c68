//! Streams whose `/Filter` or `/DecodeParms` is an indirect reference.
//!
//! PDF 32000-1 (7.3.8.2) lets any dictionary value be an indirect object,
//! and some producers write a stream's filter that way — SAP's
//! `RSTXPDF3` writes every stream as `/Filter 3 0 R` with `3 0 obj
//! [/FlateDecode] endobj`. lopdf's decoder reads `/Filter` only as a
//! direct name or array and fails on a reference, so every content stream
//! of such a file read as empty: the pages came out blank (no text and no
//! image) where poppler and pdf.js read them. The references are replaced
//! by the objects they name when the document is loaded, so every reader
//! of the document (the extractors, the detector, the renderer) decodes
//! the streams.

use lopdf::{Document, Object, ObjectId};

/// The stream keys a decoder reads that may be written indirectly.
const KEYS: [&[u8]; 2] = [b"Filter", b"DecodeParms"];

/// `object` with a top-level reference (and a reference inside an array)
/// replaced by the object it names; `None` when nothing was indirect or a
/// reference does not resolve (the stream is then left as written).
fn resolved(doc: &Document, object: &Object) -> Option<Object> {
    let follow = |id: &ObjectId| match doc.get_object(*id) {
        Ok(Object::Reference(_)) | Err(_) => None,
        Ok(target) => Some(target.clone()),
    };
    match object {
        Object::Reference(id) => {
            let target = follow(id)?;
            Some(resolved(doc, &target).unwrap_or(target))
        }
        Object::Array(items) if items.iter().any(|i| matches!(i, Object::Reference(_))) => items
            .iter()
            .map(|item| match item {
                Object::Reference(id) => follow(id),
                direct => Some(direct.clone()),
            })
            .collect::<Option<Vec<_>>>()
            .map(Object::Array),
        _ => None,
    }
}

/// Replaces indirect `/Filter` and `/DecodeParms` values of every stream by
/// their objects; returns how many values were replaced.
pub(crate) fn resolve_indirect_stream_filters(doc: &mut Document) -> usize {
    let mut replacements = Vec::new();
    for (id, object) in &doc.objects {
        let Object::Stream(stream) = object else {
            continue;
        };
        for key in KEYS {
            if let Some(value) = stream.dict.get(key).ok().and_then(|v| resolved(doc, v)) {
                replacements.push((*id, key, value));
            }
        }
    }
    let count = replacements.len();
    for (id, key, value) in replacements {
        if let Some(Object::Stream(stream)) = doc.objects.get_mut(&id) {
            stream.dict.set(key, value);
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{dictionary, Stream};

    const TEXT: &[u8] = b"BT (Hello, hello, hello, hello, hello, hello) Tj ET \
        BT (Hello, hello, hello, hello, hello, hello) Tj ET";

    /// A stream of `TEXT` deflated, its `/Filter` written as `filter`.
    fn deflated(filter: Object) -> Stream {
        let mut stream = Stream::new(dictionary! {}, TEXT.to_vec());
        stream.compress().unwrap();
        assert!(stream.dict.has(b"Filter"));
        stream.dict.set("Filter", filter);
        stream
    }

    #[test]
    fn a_filter_written_as_a_reference_is_decoded() {
        let mut doc = Document::with_version("1.3");
        let filter = doc.add_object(Object::Array(vec![Object::Name(b"FlateDecode".to_vec())]));
        let id = doc.add_object(deflated(Object::Reference(filter)));
        // lopdf cannot read the filter, and the content stays deflated.
        let before = doc.get_object(id).unwrap().as_stream().unwrap();
        assert_ne!(before.decompressed_content().ok().as_deref(), Some(TEXT));

        assert_eq!(resolve_indirect_stream_filters(&mut doc), 1);
        let stream = doc.get_object(id).unwrap().as_stream().unwrap();
        assert_eq!(stream.decompressed_content().unwrap(), TEXT);
    }

    #[test]
    fn direct_filters_and_dangling_references_are_left_as_written() {
        let mut doc = Document::with_version("1.3");
        doc.add_object(deflated(Object::Name(b"FlateDecode".to_vec())));
        doc.add_object(deflated(Object::Reference((999, 0))));
        assert_eq!(resolve_indirect_stream_filters(&mut doc), 0);
    }
}
