//! ZIP archives → each member converted by the reader of its type, one section
//! per member headed by its path (`## docs/report.docx`). The archive gets the
//! checks of result unpacking (`unpack::entries`: entry count, total declared
//! size, names that could leave a folder, links — any of them refuses the whole
//! zip), members are copied to a temporary folder under the same size budget
//! (so one that lies about its size stops at the cap), and a zip inside a zip is
//! read to [`MAX_NESTING`] levels. A member local does not read, or cannot read,
//! keeps its section with a line saying why.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::Path;

use super::{Extracted, Settings, EXTENSIONS};
use crate::error::Error;
use crate::unpack::{self, Limits};

/// Zips inside zips read: the outer archive is level 1.
pub const MAX_NESTING: u32 = 2;

pub fn extract(path: &Path, input: &str, settings: &Settings) -> Result<Extracted, Error> {
    extract_with(path, input, settings, Limits::configured())
}

fn extract_with(
    path: &Path,
    input: &str,
    settings: &Settings,
    limits: Limits,
) -> Result<Extracted, Error> {
    let refuse = |e: anyhow::Error| {
        Error::input(input, format!("{e:#}")).with_hint(
            "check that the archive is the one you meant; unpack it yourself and pass the files you trust",
        )
    };
    let depth = settings.zip_depth + 1;
    if depth > MAX_NESTING {
        return Err(Error::input(
            input,
            format!("a zip inside a zip nested deeper than {MAX_NESTING} levels is not read"),
        )
        .with_hint("unpack the outer archives and pass the inner one"));
    }
    let file =
        File::open(path).map_err(|e| Error::input(input, format!("cannot read the file: {e}")))?;
    let mut archive = zip::ZipArchive::new(BufReader::new(file)).map_err(|e| {
        Error::input(input, format!("not a readable zip ({e})"))
            .with_hint("check that the download finished")
    })?;
    let entries = unpack::entries(&mut archive, limits, "the zip").map_err(refuse)?;
    let tmp = tempfile::Builder::new()
        .prefix(".docpipe-zip-")
        .tempdir()
        .map_err(|e| {
            Error::input(input, format!("cannot make a temporary folder: {e}"))
                .with_hint("check TMPDIR and its free space")
        })?;
    let inner = Settings {
        zip_depth: depth,
        ..settings.clone()
    };
    let mut out = Extracted::default();
    let mut written = 0u64;
    for entry in entries.iter().filter(|e| !e.is_dir) {
        let name = entry.path.to_string_lossy().replace('\\', "/");
        if name.starts_with("__MACOSX/") {
            continue;
        }
        let ext = entry
            .path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let member_input = format!("{input}:{name}");
        let mut section = format!("## {name}");
        if !EXTENSIONS.contains(&ext.as_str()) {
            section.push_str("\n\n*Not converted: not a type local reads.*");
            out.pages.push(section);
            continue;
        }
        let target = tmp.path().join(format!("member-{}.{ext}", entry.index));
        let budget = limits.max_total_bytes.saturating_sub(written);
        let copied = archive
            .by_index(entry.index)
            .map_err(anyhow::Error::from)
            .and_then(|mut member| {
                let mut file = BufWriter::new(File::create(&target)?);
                let n = unpack::copy_limited(&mut member, &mut file, budget)?;
                file.flush()?;
                Ok(n)
            })
            .map_err(|e| refuse(e.context(format!("cannot unpack '{name}'"))))?;
        written += copied;
        if copied > budget {
            return Err(refuse(anyhow::anyhow!(
                "the zip unpacks to more than {} bytes (a zip bomb? raise max_unpacked_mb in [defaults] if it is genuine)",
                limits.max_total_bytes
            )));
        }
        match super::extract(&target, &ext, &member_input, &inner) {
            Ok(x) => append(&mut out, &mut section, x, entry.index),
            Err(e) => {
                let why = e
                    .message
                    .strip_prefix(&format!("{member_input}: "))
                    .unwrap_or(&e.message);
                section.push_str(&format!("\n\n*Not converted: {why}*"));
            }
        }
        let _ = std::fs::remove_file(&target);
        out.pages.push(section);
    }
    Ok(out)
}

/// A member's markdown under its heading, its images renamed `m<index>-<name>`
/// (members' images would clash) and its large table read back from its spool.
fn append(out: &mut Extracted, section: &mut String, x: Extracted, index: usize) {
    let mut text = x.pages.join("\n\n");
    if let Some(spool) = &x.spool {
        text = std::fs::read_to_string(spool).unwrap_or_default();
        let _ = std::fs::remove_file(spool);
    }
    for mut image in x.images {
        let renamed = format!("m{index}-{}", image.name);
        text = text.replace(&format!("]({})", image.name), &format!("]({renamed})"));
        image.name = renamed;
        out.images.push(image);
    }
    // A member's own sections go one level down, under the member's heading.
    let text: String = text
        .lines()
        .map(|l| {
            if l.starts_with('#')
                && l.trim_start_matches('#').starts_with(' ')
                && !l.starts_with("######")
            {
                format!("#{l}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    if !text.trim().is_empty() {
        section.push_str("\n\n");
        section.push_str(text.trim_end());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use zip::write::SimpleFileOptions;

    fn zip_of(dir: &Path, entries: &[(&str, &[u8])]) -> std::path::PathBuf {
        let path = dir.join("a.zip");
        let mut w = zip::ZipWriter::new(File::create(&path).unwrap());
        for (name, bytes) in entries {
            w.start_file(*name, SimpleFileOptions::default()).unwrap();
            w.write_all(bytes).unwrap();
        }
        w.finish().unwrap();
        path
    }

    #[test]
    fn members_become_sections_and_unknown_ones_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = zip_of(
            dir.path(),
            &[
                ("a/notes.md", b"# Notes\n\nhello"),
                ("b.exe", b"MZ"),
                ("c.json", b"{"),
            ],
        );
        let x = extract(&path, "a.zip", &Settings::default()).unwrap();
        assert_eq!(x.pages.len(), 3);
        assert_eq!(x.pages[0], "## a/notes.md\n\n## Notes\n\nhello");
        assert!(
            x.pages[1].contains("Not converted: not a type"),
            "{:?}",
            x.pages
        );
        assert!(
            x.pages[2].contains("Not converted: not valid JSON"),
            "{:?}",
            x.pages
        );
    }

    #[test]
    fn a_zip_in_a_zip_in_a_zip_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let inner = std::fs::read(zip_of(dir.path(), &[("x.txt", b"deep")])).unwrap();
        let middle = std::fs::read(zip_of(dir.path(), &[("in.zip", &inner)])).unwrap();
        let outer = zip_of(dir.path(), &[("mid.zip", &middle)]);
        let x = extract(&outer, "a.zip", &Settings::default()).unwrap();
        assert!(x.pages[0].contains("nested deeper than 2"), "{:?}", x.pages);
        let two = zip_of(dir.path(), &[("in.zip", &inner)]);
        let x = extract(&two, "a.zip", &Settings::default()).unwrap();
        assert!(x.pages[0].contains("deep"), "{:?}", x.pages);
    }

    #[test]
    fn a_member_bigger_than_the_budget_refuses_the_zip() {
        let dir = tempfile::tempdir().unwrap();
        let path = zip_of(dir.path(), &[("a.txt", &[b'a'; 4096])]);
        let limits = Limits {
            max_entries: 10,
            max_total_bytes: 1024,
        };
        let err = extract_with(&path, "a.zip", &Settings::default(), limits).unwrap_err();
        assert!(err.message.contains("zip bomb"), "{}", err.message);
    }
}
