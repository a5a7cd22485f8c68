//! Inputs as the user gives them (paths, URLs, `-`, `--from` lists), checked and
//! named before any request is made.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::error::Error;

#[derive(Debug, Clone)]
pub enum Source {
    File(PathBuf),
    Url(String),
}

#[derive(Debug, Clone)]
pub struct Document {
    /// The input as the user wrote it, for messages.
    pub input: String,
    pub source: Source,
    /// Output name: the file stem (for URLs, the last path segment's stem).
    pub name: String,
    /// File name sent to providers, with extension.
    pub file_name: String,
    /// Lower-case extension without the dot; empty when unknown.
    pub ext: String,
    pub size: Option<u64>,
    /// SHA-256 of the content (files) or of the URL text (URLs), hex.
    pub sha256: String,
    /// Keeps a stdin spool file alive as long as the document.
    _spool: Option<Arc<tempfile::NamedTempFile>>,
}

impl Document {
    pub fn path(&self) -> Option<&Path> {
        match &self.source {
            Source::File(p) => Some(p),
            Source::Url(_) => None,
        }
    }

    pub fn url(&self) -> Option<&str> {
        match &self.source {
            Source::Url(u) => Some(u),
            Source::File(_) => None,
        }
    }

    pub fn is_url(&self) -> bool {
        matches!(self.source, Source::Url(_))
    }

    /// First 8 hex digits of the content hash: the clash suffix of output names.
    pub fn short_hash(&self) -> &str {
        &self.sha256[..8]
    }
}

pub fn is_url(text: &str) -> bool {
    let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// One line of a `--from` list: blank lines and `# comments` are skipped, and a
/// comment after an entry (` # …`, the `#` after whitespace) is cut off. A `#`
/// inside a name (`report#2.pdf`, `https://host/a.pdf#page=2`) is kept.
pub fn list_entry(line: &str) -> Option<&str> {
    let line = line.trim();
    if line.starts_with('#') {
        return None;
    }
    let cut = line
        .char_indices()
        .find(|&(i, c)| c == '#' && line[..i].ends_with(char::is_whitespace))
        .map_or(line, |(i, _)| &line[..i]);
    let entry = cut.trim_end();
    (!entry.is_empty()).then_some(entry)
}

/// The input words of a command, with `--from` lists expanded in place after them.
pub fn collect_inputs(args: &[String], from: Option<&str>) -> Result<Vec<String>, Error> {
    let mut inputs = args.to_vec();
    if let Some(from) = from {
        let reader: Box<dyn BufRead> = if from == "-" {
            Box::new(BufReader::new(std::io::stdin()))
        } else {
            let file = File::open(from).map_err(|e| {
                Error::input(from, format!("cannot open --from list: {e}"))
                    .with_hint("give a file with one input per line, or - for stdin")
            })?;
            Box::new(BufReader::new(file))
        };
        for line in reader.lines() {
            let line = line.map_err(|e| Error::input(from, format!("cannot read: {e}")))?;
            if let Some(entry) = list_entry(&line) {
                inputs.push(entry.to_string());
            }
        }
    }
    if inputs.is_empty() {
        return Err(Error::usage("no inputs given")
            .with_hint("name files or URLs, or use --from FILE (one per line)"));
    }
    if inputs.iter().filter(|i| *i == "-").count() > 1
        || (from == Some("-") && inputs.iter().any(|i| i == "-"))
    {
        return Err(Error::usage("stdin can be read only once")
            .with_hint("give - at most once, and not together with --from -"));
    }
    Ok(inputs)
}

/// Turns one input word into a checked document: files must exist, be readable
/// regular files and not be empty.
pub fn resolve(input: &str, stdin_name: Option<&str>) -> Result<Document, Error> {
    if input == "-" {
        return from_stdin(stdin_name);
    }
    if is_url(input) {
        return from_url(input);
    }
    from_file(Path::new(input), input)
}

fn from_url(input: &str) -> Result<Document, Error> {
    let url = reqwest::Url::parse(input).map_err(|e| {
        Error::input(input, format!("not a valid URL: {e}")).with_hint("check the address")
    })?;
    if url.host_str().is_none() {
        return Err(Error::input(input, "URL has no host"));
    }
    let segment = url
        .path_segments()
        .and_then(|mut s| s.rfind(|seg| !seg.is_empty()).map(str::to_string))
        .unwrap_or_default();
    let segment = percent_decode(&segment);
    let (stem, ext) = split_name(&segment);
    let name = if stem.is_empty() {
        url.host_str().unwrap_or("document").to_string()
    } else {
        stem
    };
    let file_name = if segment.is_empty() {
        name.clone()
    } else {
        segment
    };
    Ok(Document {
        input: input.to_string(),
        source: Source::Url(input.to_string()),
        name: sanitize_name(&name),
        file_name,
        ext,
        size: None,
        sha256: hex(&Sha256::digest(input.as_bytes())),
        _spool: None,
    })
}

fn from_file(path: &Path, input: &str) -> Result<Document, Error> {
    let meta = std::fs::metadata(path).map_err(|e| {
        let why = if e.kind() == std::io::ErrorKind::NotFound {
            "no such file".to_string()
        } else {
            format!("cannot read: {e}")
        };
        Error::input(input, why)
            .with_hint("check the path; URLs must start with http:// or https://")
    })?;
    if meta.is_dir() {
        return Err(Error::input(input, "is a directory")
            .with_hint("name the files inside it (docpipe batch takes directories)"));
    }
    if meta.len() == 0 {
        return Err(Error::input(input, "file is empty").with_hint("check the file"));
    }
    let file = File::open(path).map_err(|e| {
        Error::input(input, format!("cannot open: {e}")).with_hint("check its permissions")
    })?;
    let sha256 = hash_reader(file).map_err(|e| Error::input(input, format!("cannot read: {e}")))?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| input.to_string());
    let (stem, ext) = split_name(&file_name);
    Ok(Document {
        input: input.to_string(),
        source: Source::File(path.to_path_buf()),
        name: sanitize_name(if stem.is_empty() { "document" } else { &stem }),
        file_name,
        ext,
        size: Some(meta.len()),
        sha256,
        _spool: None,
    })
}

/// Reads stdin into a temporary file so it can be hashed, size-checked and
/// uploaded with a known length like any other file.
fn from_stdin(name: Option<&str>) -> Result<Document, Error> {
    let mut spool = tempfile::NamedTempFile::new()
        .map_err(|e| Error::input("-", format!("cannot create a temporary file: {e}")))?;
    let mut stdin = std::io::stdin().lock();
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    let mut head = Vec::new();
    loop {
        let n = stdin
            .read(&mut buf)
            .map_err(|e| Error::input("-", format!("cannot read stdin: {e}")))?;
        if n == 0 {
            break;
        }
        if head.len() < 512 {
            head.extend_from_slice(&buf[..n.min(512 - head.len())]);
        }
        hasher.update(&buf[..n]);
        spool
            .write_all(&buf[..n])
            .map_err(|e| Error::input("-", format!("cannot spool stdin: {e}")))?;
        size += n as u64;
    }
    spool
        .flush()
        .map_err(|e| Error::input("-", format!("cannot spool stdin: {e}")))?;
    if size == 0 {
        return Err(Error::input("-", "stdin is empty")
            .with_hint("pipe a document in, e.g. docpipe ocr - --name scan.pdf < scan.pdf"));
    }
    let file_name = match name {
        Some(n) => n.to_string(),
        None => match sniff_extension(&head).or_else(|| office_kind(&head, spool.path())) {
            Some(ext) => format!("stdin.{ext}"),
            None => {
                return Err(Error::input("-", "cannot tell the document type of stdin")
                    .with_hint("name it with --name, e.g. --name report.docx"))
            }
        },
    };
    let (stem, ext) = split_name(&file_name);
    Ok(Document {
        input: "-".to_string(),
        source: Source::File(spool.path().to_path_buf()),
        name: sanitize_name(if stem.is_empty() { "stdin" } else { &stem }),
        file_name,
        ext,
        size: Some(size),
        sha256: hex(&hasher.finalize()),
        _spool: Some(Arc::new(spool)),
    })
}

/// The files below `dir` with one of `extensions`, recursively, sorted, each with
/// its path relative to `dir` (without extension, '/'-separated) as output name.
/// Hidden files and folders, linked folders and `exclude` (the output folder, when
/// it sits inside the input) are skipped.
pub fn expand_dir(
    dir: &Path,
    extensions: &[&str],
    exclude: &Path,
) -> Result<Vec<(PathBuf, String)>, Error> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let entries = std::fs::read_dir(&current).map_err(|e| {
            Error::input(
                &current.display().to_string(),
                format!("cannot read folder: {e}"),
            )
            .with_hint("check its permissions")
        })?;
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_name().to_string_lossy().starts_with('.') || path == exclude {
                continue;
            }
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file() || (kind.is_symlink() && path.is_file()) {
                let ext = path
                    .extension()
                    .map(|e| e.to_string_lossy().to_ascii_lowercase())
                    .unwrap_or_default();
                if extensions.contains(&ext.as_str()) {
                    let rel = path.strip_prefix(dir).unwrap_or(&path).with_extension("");
                    let name = rel
                        .components()
                        .map(|c| sanitize_name(&c.as_os_str().to_string_lossy()))
                        .collect::<Vec<_>>()
                        .join("/");
                    found.push((path, name));
                }
            }
        }
    }
    found.sort();
    Ok(found)
}

/// The type of a document from its first bytes, where they say it unambiguously.
pub fn sniff_extension(head: &[u8]) -> Option<&'static str> {
    let lower: Vec<u8> = head.iter().take(64).map(u8::to_ascii_lowercase).collect();
    let trimmed = lower
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map_or(&lower[..], |i| &lower[i..]);
    if head.starts_with(b"%PDF") {
        Some("pdf")
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else if head.starts_with(b"\xFF\xD8\xFF") {
        Some("jpg")
    } else if head.starts_with(b"GIF8") {
        Some("gif")
    } else if head.starts_with(b"BM") && head.len() > 14 {
        Some("bmp")
    } else if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        Some("webp")
    } else if trimmed.starts_with(b"<!doctype html") || trimmed.starts_with(b"<html") {
        Some("html")
    } else {
        None
    }
}

/// Which Office Open XML document a zip is, from the part every such file
/// must hold (ECMA-376: the main part is at its conventional path in files
/// written by Office, LibreOffice and the common libraries). Only the zip's
/// central directory is read.
pub fn office_kind(head: &[u8], path: &Path) -> Option<&'static str> {
    if !head.starts_with(b"PK\x03\x04") {
        return None;
    }
    let archive = zip::ZipArchive::new(File::open(path).ok()?).ok()?;
    let names: Vec<&str> = archive.file_names().collect();
    if !names.contains(&"[Content_Types].xml") {
        return None;
    }
    const MAIN_PARTS: &[(&str, &str)] = &[
        ("word/document.xml", "docx"),
        ("xl/workbook.xml", "xlsx"),
        ("ppt/presentation.xml", "pptx"),
    ];
    MAIN_PARTS
        .iter()
        .find(|(part, _)| names.contains(part))
        .map(|(_, ext)| *ext)
}

/// What is wrong when a file's first bytes do not fit its extension, judged by
/// magic numbers: a `.pdf` holds `%PDF` (within its first KiB, as readers
/// allow), images their signatures, `docx`/`pptx`/`xlsx` a zip and
/// `doc`/`ppt`/`xls` an OLE container; html only loosely (text, not binary).
/// `None` when it fits or the type has no reliable signature.
pub fn content_mismatch(ext: &str, head: &[u8]) -> Option<String> {
    const OLE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
    let fits = match ext {
        "pdf" => head.windows(4).take(1024).any(|w| w == b"%PDF"),
        "png" => head.starts_with(b"\x89PNG\r\n\x1a\n"),
        "jpg" | "jpeg" => head.starts_with(b"\xFF\xD8\xFF"),
        "gif" => head.starts_with(b"GIF8"),
        "bmp" => head.starts_with(b"BM"),
        "webp" => head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP",
        "tif" | "tiff" => head.starts_with(b"II*\0") || head.starts_with(b"MM\0*"),
        "docx" | "pptx" | "xlsx" | "odt" | "ods" | "odp" | "epub" | "zip" | "xlsm" | "xltx"
        | "xltm" | "docm" | "dotx" | "dotm" | "pptm" | "ppsx" | "ppsm" | "potx" | "potm" => {
            head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06")
        }
        "doc" | "ppt" | "xls" | "msg" => head.starts_with(OLE),
        "rtf" => head.starts_with(b"{\\rtf"),
        "html" | "htm" => !head.contains(&0),
        _ => return None,
    };
    if fits {
        return None;
    }
    let looks = if head.starts_with(b"PK\x03\x04") {
        Some("a zip (e.g. docx/xlsx/pptx)")
    } else if head.starts_with(OLE) {
        Some("an old Office file (doc/xls/ppt)")
    } else {
        sniff_extension(head).map(|e| match e {
            "pdf" => "a PDF",
            "png" => "a PNG image",
            "jpg" => "a JPEG image",
            "gif" => "a GIF image",
            "bmp" => "a BMP image",
            "webp" => "a WebP image",
            _ => "HTML",
        })
    };
    Some(match looks {
        Some(kind) => format!("named .{ext} but its content is {kind}"),
        None => format!("named .{ext} but its content is not a .{ext} file"),
    })
}

/// The first KiB of a file, for [`content_mismatch`].
pub fn read_head(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(1024);
    File::open(path)?.take(1024).read_to_end(&mut head)?;
    Ok(head)
}

fn hash_reader(mut reader: impl Read) -> std::io::Result<String> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// (stem, lower-case extension) of a file name; dotfiles have no extension.
fn split_name(file_name: &str) -> (String, String) {
    match file_name.rfind('.') {
        Some(i) if i > 0 && i + 1 < file_name.len() => (
            file_name[..i].to_string(),
            file_name[i + 1..].to_ascii_lowercase(),
        ),
        _ => (file_name.to_string(), String::new()),
    }
}

/// An output name that is one safe path component: no separators, no `..`, no
/// control characters.
pub fn sanitize_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c == '/' || c == '\\' || c.is_control() || c == ':' {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "document".to_string()
    } else {
        cleaned.chars().take(200).collect()
    }
}

fn percent_decode(text: &str) -> String {
    let hex_val = |b: u8| (b as char).to_digit(16);
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex_val(bytes[i + 1]), hex_val(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_lines_lose_comments_but_names_keep_their_hashes() {
        assert_eq!(list_entry("a.pdf"), Some("a.pdf"));
        assert_eq!(list_entry("  a.pdf   # the first one"), Some("a.pdf"));
        assert_eq!(list_entry("a.pdf\t# tab before"), Some("a.pdf"));
        assert_eq!(
            list_entry("my file.pdf # spaces in the name"),
            Some("my file.pdf")
        );
        assert_eq!(list_entry("report#2.pdf"), Some("report#2.pdf"));
        assert_eq!(
            list_entry("https://h/a.pdf#page=2 # anchor kept"),
            Some("https://h/a.pdf#page=2")
        );
        assert_eq!(list_entry("# only a comment"), None);
        assert_eq!(list_entry("   "), None);
    }

    #[test]
    fn url_names() {
        let d = resolve("https://cdn.example/pdf/My%20Report.PDF?x=1", None).unwrap();
        assert_eq!(d.name, "My Report");
        assert_eq!(d.ext, "pdf");
        assert_eq!(d.file_name, "My Report.PDF");
        let d = resolve("https://example.com/", None).unwrap();
        assert_eq!(d.name, "example.com");
        assert_eq!(d.ext, "");
    }

    #[test]
    fn missing_file_is_input_error() {
        let err = resolve("/nonexistent/x.pdf", None).unwrap_err();
        assert_eq!(err.exit_code(), 4);
        assert!(err.message.contains("/nonexistent/x.pdf"));
    }

    #[test]
    fn names_are_single_safe_components() {
        assert_eq!(sanitize_name("../../etc"), "_.._etc");
        assert_eq!(sanitize_name(".."), "document");
        assert_eq!(sanitize_name("a/b"), "a_b");
    }

    #[test]
    fn folders_expand_to_supported_files_with_relative_names() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in [
            "a.pdf",
            "sub/b.PDF",
            "sub/deep/c.docx",
            "notes.txt",
            ".hidden/x.pdf",
            "out/old.pdf",
        ] {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, b"%PDF").unwrap();
        }
        let found = expand_dir(root, &["pdf", "docx"], &root.join("out")).unwrap();
        let names: Vec<&str> = found.iter().map(|(_, n)| n.as_str()).collect();
        assert_eq!(names, vec!["a", "sub/b", "sub/deep/c"]);
    }

    #[test]
    fn sniffing() {
        assert_eq!(sniff_extension(b"%PDF-1.7"), Some("pdf"));
        assert_eq!(content_mismatch("pdf", b"%PDF-1.7\n"), None);
        assert_eq!(content_mismatch("pdf", b"\n\n%PDF-1.4"), None);
        assert_eq!(content_mismatch("docx", b"PK\x03\x04rest"), None);
        assert_eq!(
            content_mismatch("xls", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"),
            None
        );
        assert_eq!(content_mismatch("txt", b"\0\0"), None);
        let png_as_pdf = content_mismatch("pdf", b"\x89PNG\r\n\x1a\n....").unwrap();
        assert!(png_as_pdf.contains("PNG image"), "{png_as_pdf}");
        assert!(content_mismatch("png", b"%PDF-1.4")
            .unwrap()
            .contains("a PDF"));
        assert!(content_mismatch("docx", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1").is_some());
        assert!(content_mismatch("doc", b"PK\x03\x04")
            .unwrap()
            .contains("zip"));
        assert!(content_mismatch("html", b"<html>\0binary").is_some());
        assert!(content_mismatch("jpg", b"hello")
            .unwrap()
            .contains("not a .jpg"));
        assert_eq!(sniff_extension(b"  <!DOCTYPE html><html>"), Some("html"));
        assert_eq!(sniff_extension(b"PK\x03\x04"), None);
    }

    #[test]
    fn office_zips_are_told_apart_by_their_main_part() {
        let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/documents");
        for (file, kind) in [
            ("docx_01.docx", "docx"),
            ("xlsx_01.xlsx", "xlsx"),
            ("pptx_01.pptx", "pptx"),
        ] {
            let path = docs.join(file);
            let head = read_head(&path).unwrap();
            assert_eq!(office_kind(&head, &path), Some(kind), "{file}");
        }
        // A plain zip is no Office document.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.zip");
        let mut zip = zip::ZipWriter::new(File::create(&path).unwrap());
        zip.start_file(
            "word/document.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        zip.finish().unwrap();
        assert_eq!(office_kind(&read_head(&path).unwrap(), &path), None);
    }
}
