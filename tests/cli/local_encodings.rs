//! `-p local` decodes what real PDFs nobody tuned on write (pdf.js's,
//! pdfminer's and pypdf's test documents, compared with pdftotext): streams
//! whose filter is an indirect object, fonts whose code 32 is no space, and
//! pdfTeX's bitmap fonts naming each glyph by its code.

use crate::harness::{stderr_of, stdout_of, Env};
use crate::local::{file, local};
use crate::support::pdfgen::{pages_pdf, Page};
use lopdf::{dictionary, Document, Object, Stream};

fn markdown(env: &Env, pdf: &[u8]) -> String {
    let path = file(env, "page.pdf", pdf);
    let out = local(env).arg("ocr").arg(&path).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    stdout_of(&out)
}

fn saved(doc: &mut Document) -> Vec<u8> {
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// SAP's invoices (pdfminer's `issue-1062-filters.pdf`) write every
/// stream's filter as an indirect object, `/Filter 3 0 R` with `3 0 obj
/// [/FlateDecode]`: the pages read as blank and the whole document was
/// skipped, where pdftotext reads it.
#[test]
fn a_page_whose_stream_filter_is_an_indirect_object_is_read() {
    let lines = [
        "Invoice 4471 for Supertape B.V. due on receipt",
        "Deliveries in March",
        "Deliveries in April",
    ];
    let page = Page::Text(
        lines
            .iter()
            .zip([700, 680, 660])
            .map(|(t, y)| (12, y, *t))
            .collect(),
    );
    let mut doc = Document::load_mem(&pages_pdf(&[page])).unwrap();
    let filter = doc.add_object(Object::Array(vec![Object::Name(b"FlateDecode".to_vec())]));
    let page_id = *doc.get_pages().values().next().unwrap();
    let content_id = doc
        .get_dictionary(page_id)
        .unwrap()
        .get(b"Contents")
        .unwrap()
        .as_reference()
        .unwrap();
    let stream = doc
        .get_object_mut(content_id)
        .unwrap()
        .as_stream_mut()
        .unwrap();
    let mut deflated = Stream::new(dictionary! {}, stream.content.clone());
    deflated.compress().unwrap();
    assert!(
        deflated.dict.has(b"Filter"),
        "the content is long enough to deflate"
    );
    deflated.dict.set("Filter", filter);
    *stream = deflated;
    let env = Env::new();
    let md = markdown(&env, &saved(&mut doc));
    for line in lines {
        assert!(md.contains(line), "{md}");
    }
}
