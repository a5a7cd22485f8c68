//! A repair pass for PDFs whose cross-reference table points at the wrong
//! bytes (a log prepended by the program that wrote it, line ends rewritten
//! by a transfer in text mode): the table is rebuilt from where each `N G obj`
//! really starts, as poppler and qpdf do, and appended as the file's last
//! section. lopdf rebuilds the table only when it cannot parse it at all, not
//! when it parses and points into the middle of other objects.

/// The bytes from `%PDF-` on, with a cross-reference section and trailer
/// appended that point at every object where it is; `None` when no object or
/// no catalog is found.
pub fn rebuild_xref(bytes: &[u8]) -> Option<Vec<u8>> {
    let start = find(bytes, b"%PDF-", 0)?;
    let pdf = &bytes[start..];
    let mut objects: std::collections::BTreeMap<u32, (u16, usize)> = Default::default();
    let mut catalog = None;
    let mut at = 0;
    while let Some(found) = find(pdf, b"obj", at) {
        at = found + 3;
        if let Some((num, gen, begin)) = object_header(pdf, found) {
            // A later definition replaces an earlier one (incremental updates).
            objects.insert(num, (gen, begin));
            let body = &pdf[at..pdf.len().min(at + 200)];
            if find(body, b"/Catalog", 0).is_some() && find(body, b"/Pages", 0).is_some() {
                catalog = Some((num, gen));
            }
        }
    }
    let root = trailer_root(pdf)
        .filter(|r| objects.contains_key(&r.0))
        .or(catalog)?;
    let size = objects.keys().next_back()? + 1;
    let mut out = pdf.to_vec();
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let xref_at = out.len();
    out.extend_from_slice(format!("xref\n0 {size}\n0000000000 65535 f \n").as_bytes());
    for n in 1..size {
        let line = match objects.get(&n) {
            Some((gen, offset)) => format!("{offset:010} {gen:05} n \n"),
            None => "0000000000 65535 f \n".to_string(),
        };
        out.extend_from_slice(line.as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {size} /Root {} {} R >>\nstartxref\n{xref_at}\n%%EOF\n",
            root.0, root.1
        )
        .as_bytes(),
    );
    Some(out)
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// For an `obj` keyword at `at`: the object number, generation and the offset
/// of the number, when the keyword follows `N G` at a line's start.
fn object_header(pdf: &[u8], at: usize) -> Option<(u32, u16, usize)> {
    let after = pdf.get(at + 3).copied();
    if after.is_some_and(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let mut i = at;
    let mut fields = Vec::new();
    for _ in 0..2 {
        while i > 0 && pdf[i - 1].is_ascii_whitespace() {
            i -= 1;
        }
        let end = i;
        while i > 0 && pdf[i - 1].is_ascii_digit() {
            i -= 1;
        }
        if i == end || end - i > 10 {
            return None;
        }
        fields.push(std::str::from_utf8(&pdf[i..end]).ok()?);
    }
    if i > 0 && !matches!(pdf[i - 1], b'\n' | b'\r') {
        return None;
    }
    Some((fields[1].parse().ok()?, fields[0].parse().ok()?, i))
}

/// `/Root N G R` of the file's last trailer.
fn trailer_root(pdf: &[u8]) -> Option<(u32, u16)> {
    let trailer = pdf.windows(7).rposition(|w| w == b"trailer")?;
    let root = find(pdf, b"/Root", trailer)?;
    let text = std::str::from_utf8(&pdf[root + 5..pdf.len().min(root + 40)]).ok()?;
    let mut words = text.split_whitespace();
    let num = words.next()?.parse().ok()?;
    let gen = words.next()?.parse().ok()?;
    (words.next()?.starts_with('R')).then_some((num, gen))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_that_points_elsewhere_is_rebuilt() {
        let body = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n";
        // A log before the header and a table whose offsets are all wrong.
        let broken = format!(
            "gs: processing\n{body}xref\n0 3\n0000000000 65535 f \n0000000999 00000 n \n0000000998 00000 n \ntrailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n{}\n%%EOF\n",
            body.len()
        );
        let fixed = rebuild_xref(broken.as_bytes()).unwrap();
        let doc = lopdf::Document::load_mem(&fixed).unwrap();
        let root = doc.trailer.get(b"Root").unwrap().as_reference().unwrap();
        assert_eq!(root, (1, 0));
        assert_eq!(
            doc.get_dictionary((2, 0))
                .unwrap()
                .get(b"Type")
                .unwrap()
                .as_name()
                .unwrap(),
            b"Pages"
        );
        assert_eq!(rebuild_xref(b"no pdf here"), None);
    }

    /// A line slipped in after the header (as in pdfplumber's issue-848.pdf):
    /// lopdf parses the table and then finds no page where it points.
    #[test]
    fn a_shifted_file_is_read_once_rebuilt() {
        let pdf = std::fs::read(crate::local::fixture("demo1.pdf")).unwrap();
        let cut = pdf.iter().position(|b| *b == b'\n').unwrap() + 1;
        let mut shifted = b"GPL Ghostscript: processing\n".to_vec();
        shifted.extend_from_slice(&pdf[..cut]);
        shifted.extend_from_slice(b"%%Invocation: gs -sDEVICE=pdfwrite\n");
        shifted.extend_from_slice(&pdf[cut..]);
        assert!(pdf_inspector::extract_pages_markdown_mem(&shifted, None).is_err());
        let fixed = rebuild_xref(&shifted).unwrap();
        let pages = pdf_inspector::extract_pages_markdown_mem(&fixed, None).unwrap();
        assert_eq!(pages.pages.len(), 13);
    }
}
