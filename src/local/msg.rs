//! Outlook messages (`.msg`, an OLE compound file of MAPI properties) →
//! markdown: the subject as the heading; From, To, Cc and the date; the plain
//! body (or the HTML body turned into markdown, never run, when there is no
//! plain one); the attachments' names listed.

use std::io::Read;
use std::path::Path;

use super::Extracted;
use crate::error::Error;

/// The most any one property stream may hold in memory.
const MAX_PROPERTY: u64 = 64 << 20;

pub fn extract(path: &Path, input: &str) -> Result<Extracted, Error> {
    let unreadable = |e: std::io::Error| {
        Error::input(input, format!("not a readable Outlook message ({e})"))
            .with_hint("save it again from Outlook, or check that the download finished")
    };
    let mut msg = cfb::open(path).map_err(unreadable)?;
    if !msg.is_stream("__properties_version1.0") {
        return Err(unreadable(std::io::Error::other(
            "no message properties: an OLE file, but not a .msg",
        )));
    }
    let mut text = |storage: &str, id: u16| string(&mut msg, storage, id);
    let subject = text("", 0x0037);
    let sender = text("", 0x0C1A);
    let sender_address = text("", 0x5D01).or_else(|| text("", 0x0C1F));
    let to = text("", 0x0E04);
    let cc = text("", 0x0E03);
    let body = text("", 0x1000);
    let mut out = vec![format!(
        "# {}",
        subject.as_deref().unwrap_or("(no subject)").trim()
    )];
    let mut head = Vec::new();
    let from = match (sender, sender_address) {
        (Some(n), Some(a)) if n != a => Some(format!("{n} <{a}>")),
        (n, a) => n.or(a),
    };
    for (label, value) in [("From", from), ("To", to), ("Cc", cc)] {
        if let Some(v) = value {
            head.push(format!("**{label}:** {}", v.trim()));
        }
    }
    if let Some(date) = submit_time(&mut msg) {
        head.push(format!("**Date:** {date}"));
    }
    if !head.is_empty() {
        out.push(head.join("  \n"));
    }
    let body = match body {
        Some(b) => Some(b.replace("\r\n", "\n")),
        None => match binary(&mut msg, "", 0x1013) {
            Some(html) => Some(super::html::to_markdown(
                &String::from_utf8_lossy(&html),
                input,
            )?),
            None => None,
        },
    };
    if let Some(b) = body.filter(|b| !b.trim().is_empty()) {
        out.push(b.trim().to_string());
    }
    let attachments: Vec<String> = msg
        .read_root_storage()
        .filter(|e| e.is_storage() && e.name().starts_with("__attach_version1.0_#"))
        .map(|e| e.name().to_string())
        .collect();
    let names: Vec<String> = attachments
        .iter()
        .filter_map(|a| string(&mut msg, a, 0x3707).or_else(|| string(&mut msg, a, 0x3704)))
        .collect();
    if !names.is_empty() {
        out.push(format!(
            "## Attachments\n\n{}",
            names
                .iter()
                .map(|n| format!("- {}", n.trim()))
                .collect::<Vec<_>>()
                .join("\n")
        ));
    }
    Ok(Extracted {
        pages: vec![out.join("\n\n")],
        ..Extracted::default()
    })
}

/// A string property: Unicode (`001F`, UTF-16LE) or 8-bit (`001E`).
fn string<F: Read + std::io::Seek>(
    msg: &mut cfb::CompoundFile<F>,
    storage: &str,
    id: u16,
) -> Option<String> {
    if let Some(bytes) = stream(msg, storage, &format!("{id:04X}001F")) {
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        let s = String::from_utf16_lossy(&units);
        return Some(s.trim_end_matches('\0').to_string()).filter(|s| !s.is_empty());
    }
    let bytes = stream(msg, storage, &format!("{id:04X}001E"))?;
    let s = String::from_utf8_lossy(&bytes);
    Some(s.trim_end_matches('\0').to_string()).filter(|s| !s.is_empty())
}

fn binary<F: Read + std::io::Seek>(
    msg: &mut cfb::CompoundFile<F>,
    storage: &str,
    id: u16,
) -> Option<Vec<u8>> {
    stream(msg, storage, &format!("{id:04X}0102"))
}

fn stream<F: Read + std::io::Seek>(
    msg: &mut cfb::CompoundFile<F>,
    storage: &str,
    tag: &str,
) -> Option<Vec<u8>> {
    let path = format!("{storage}/__substg1.0_{tag}");
    let mut s = msg.open_stream(&path).ok()?;
    let mut bytes = Vec::new();
    (&mut s).take(MAX_PROPERTY).read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

/// PR_CLIENT_SUBMIT_TIME (else PR_MESSAGE_DELIVERY_TIME) from the fixed-size
/// property stream (a 32-byte header, then 16-byte entries), as UTC.
fn submit_time<F: Read + std::io::Seek>(msg: &mut cfb::CompoundFile<F>) -> Option<String> {
    let mut s = msg.open_stream("__properties_version1.0").ok()?;
    let mut bytes = Vec::new();
    (&mut s).take(MAX_PROPERTY).read_to_end(&mut bytes).ok()?;
    let entries = bytes.get(32..)?;
    let find = |want: u32| {
        entries.chunks_exact(16).find_map(|e| {
            let tag = u32::from_le_bytes(e[0..4].try_into().ok()?);
            (tag == want).then(|| u64::from_le_bytes(e[8..16].try_into().expect("8 bytes")))
        })
    };
    let filetime = find(0x0039_0040).or_else(|| find(0x0E06_0040))?;
    Some(filetime_utc(filetime))
}

/// A Windows FILETIME (100 ns since 1601) as `YYYY-MM-DD HH:MM UTC`.
fn filetime_utc(ft: u64) -> String {
    let secs = (ft / 10_000_000) as i64 - 11_644_473_600;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60
    )
}

/// Writes a minimal .msg: the properties the reader uses, as Outlook stores
/// them (tests only; no producer of .msg files runs on Linux).
#[cfg(test)]
pub(crate) fn write_test_msg(path: &Path, subject: &str, body: &str, attachment: &str) {
    use std::io::Write;
    let utf16 = |s: &str| -> Vec<u8> { s.encode_utf16().flat_map(u16::to_le_bytes).collect() };
    let mut f = cfb::create(path).unwrap();
    let mut props = vec![0u8; 32];
    props.extend_from_slice(&0x0039_0040u32.to_le_bytes());
    props.extend_from_slice(&6u32.to_le_bytes());
    // 2024-03-05 14:30 UTC as a FILETIME.
    let ft: u64 = (1_709_649_000 + 11_644_473_600) * 10_000_000;
    props.extend_from_slice(&ft.to_le_bytes());
    f.create_stream("/__properties_version1.0")
        .unwrap()
        .write_all(&props)
        .unwrap();
    for (tag, value) in [
        ("0037001F", subject),
        ("0C1A001F", "Ada Lovelace"),
        ("5D01001F", "ada@example.org"),
        ("0E04001F", "Charles Babbage"),
        ("1000001F", body),
    ] {
        f.create_stream(format!("/__substg1.0_{tag}"))
            .unwrap()
            .write_all(&utf16(value))
            .unwrap();
    }
    f.create_storage("/__attach_version1.0_#00000000").unwrap();
    f.create_stream("/__attach_version1.0_#00000000/__substg1.0_3707001F")
        .unwrap()
        .write_all(&utf16(attachment))
        .unwrap();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_gives_subject_people_date_body_and_attachments() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.msg");
        write_test_msg(
            &path,
            "Engine notes",
            "The mill is ready.\r\nSee the plan.",
            "plan.pdf",
        );
        let x = extract(&path, "m.msg").unwrap();
        assert_eq!(
            x.pages[0],
            "# Engine notes\n\n**From:** Ada Lovelace <ada@example.org>  \n**To:** Charles Babbage  \n**Date:** 2024-03-05 14:30 UTC\n\nThe mill is ready.\nSee the plan.\n\n## Attachments\n\n- plan.pdf"
        );
    }

    #[test]
    fn an_ole_file_that_is_not_a_message_is_refused() {
        let xls = crate::local::fixture("formats.xls");
        let err = extract(&xls, "x.msg").unwrap_err();
        assert!(err.message.contains("not a .msg"), "{}", err.message);
    }
}
