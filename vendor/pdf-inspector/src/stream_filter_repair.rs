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

//!
//! Two other spellings lopdf does not read are mended the same way (mend
//! 28): the abbreviated filter names PDF 32000-1 gives for inline images
//! (`/Fl`, `/A85`, Table 94), which some producers also write on streams
//! (Exstream Dialogue: `/Filter [/A85 /Fl]`) and poppler, pdf.js and PDFBox
//! read; and an empty filter array (`/Filter []`), which means no filter
//! but made lopdf decode every such stream to nothing.
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

/// The abbreviations of filter names (PDF 32000-1, Table 94) with the names
/// lopdf's decoder and this crate's image readers know.
const ABBREVIATIONS: [(&[u8], &[u8]); 7] = [
    (b"AHx", b"ASCIIHexDecode"),
    (b"A85", b"ASCII85Decode"),
    (b"LZW", b"LZWDecode"),
    (b"Fl", b"FlateDecode"),
    (b"RL", b"RunLengthDecode"),
    (b"CCF", b"CCITTFaxDecode"),
    (b"DCT", b"DCTDecode"),
];

/// The full name of an abbreviated filter name; `None` for any other name.
fn unabbreviated(name: &[u8]) -> Option<&'static [u8]> {
    ABBREVIATIONS
        .iter()
        .find(|(short, _)| *short == name)
        .map(|(_, full)| *full)
}

/// What a stream's `/Filter` is mended to.
enum FilterMend {
    /// An empty array: the stream has no filter.
    Remove,
    /// Abbreviated names written out.
    Set(Object),
}

fn filter_mend(filter: &Object) -> Option<FilterMend> {
    let written_out = |item: &Object| match item {
        Object::Name(name) => unabbreviated(name).map(|full| Object::Name(full.to_vec())),
        _ => None,
    };
    match filter {
        Object::Array(items) if items.is_empty() => Some(FilterMend::Remove),
        Object::Array(items) if items.iter().any(|i| written_out(i).is_some()) => {
            Some(FilterMend::Set(Object::Array(
                items
                    .iter()
                    .map(|item| written_out(item).unwrap_or_else(|| item.clone()))
                    .collect(),
            )))
        }
        name => written_out(name).map(FilterMend::Set),
    }
}

/// Writes out abbreviated `/Filter` names of every stream and removes empty
/// filter arrays (with their `/DecodeParms`, which then decode nothing);
/// returns how many streams were mended. Runs after
/// [`resolve_indirect_stream_filters`], so a filter written as a reference
/// is mended too.
pub(crate) fn expand_stream_filter_names(doc: &mut Document) -> usize {
    let mut mends = Vec::new();
    for (id, object) in &doc.objects {
        let Object::Stream(stream) = object else {
            continue;
        };
        if let Some(mend) = stream.dict.get(b"Filter").ok().and_then(filter_mend) {
            mends.push((*id, mend));
        }
    }
    let count = mends.len();
    for (id, mend) in mends {
        if let Some(Object::Stream(stream)) = doc.objects.get_mut(&id) {
            match mend {
                FilterMend::Remove => {
                    stream.dict.remove(b"Filter");
                    stream.dict.remove(b"DecodeParms");
                }
                FilterMend::Set(filter) => stream.dict.set("Filter", filter),
            }
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

    #[test]
    fn abbreviated_filter_names_are_decoded() {
        let mut doc = Document::with_version("1.3");
        let name = doc.add_object(deflated(Object::Name(b"Fl".to_vec())));
        let hex: Vec<u8> = deflated(Object::Null)
            .content
            .iter()
            .flat_map(|b| format!("{b:02X}").into_bytes())
            .chain(*b">")
            .collect();
        let chain = doc.add_object(Stream::new(
            dictionary! { "Filter" => vec![Object::Name(b"AHx".to_vec()), Object::Name(b"Fl".to_vec())] },
            hex,
        ));
        for id in [name, chain] {
            let stream = doc.get_object(id).unwrap().as_stream().unwrap();
            assert!(stream.decompressed_content().is_err(), "lopdf cannot read it");
        }

        assert_eq!(expand_stream_filter_names(&mut doc), 2);
        for id in [name, chain] {
            let stream = doc.get_object(id).unwrap().as_stream().unwrap();
            assert_eq!(stream.decompressed_content().unwrap(), TEXT);
        }
    }

    #[test]
    fn an_empty_filter_array_reads_as_no_filter() {
        let mut doc = Document::with_version("1.3");
        let id = doc.add_object(Stream::new(
            dictionary! { "Filter" => Object::Array(vec![]), "DecodeParms" => Object::Array(vec![]) },
            TEXT.to_vec(),
        ));
        let before = doc.get_object(id).unwrap().as_stream().unwrap();
        assert_eq!(before.decompressed_content().unwrap(), b"", "lopdf reads nothing");

        assert_eq!(expand_stream_filter_names(&mut doc), 1);
        let stream = doc.get_object(id).unwrap().as_stream().unwrap();
        assert_eq!(stream.decompressed_content().unwrap(), TEXT);
        assert!(!stream.dict.has(b"DecodeParms"));
    }

    #[test]
    fn full_filter_names_and_other_names_are_left_as_written() {
        let mut doc = Document::with_version("1.3");
        doc.add_object(deflated(Object::Name(b"FlateDecode".to_vec())));
        doc.add_object(deflated(Object::Array(vec![Object::Name(b"JBIG2Decode".to_vec())])));
        assert_eq!(expand_stream_filter_names(&mut doc), 0);
    }
}
