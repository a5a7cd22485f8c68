//! Request-body validation for the fake MinerU endpoints.
//!
//! Deliberately strict where the real service is documented to be (value formats), and
//! stricter than it on unknown field names: a typo such as flash's `page_range` sent to
//! v4 (which wants `page_ranges`) would be silently ignored by the real service and the
//! user's page selection lost, so the fake rejects it to make the test fail instead.
//! `null` counts as absent, as for any lenient JSON backend.

use serde_json::{Map, Value};

/// Options accepted at the top level of every v4 creation call.
pub const V4_OPTIONS: &[&str] = &[
    "is_ocr",
    "enable_formula",
    "enable_table",
    "language",
    "data_id",
    "callback",
    "seed",
    "extra_formats",
    "page_ranges",
    "model_version",
];

/// Fields of one entry of `files` in `extract/task/batch`.
pub const V4_URL_FILE: &[&str] = &["url", "data_id", "is_ocr", "page_ranges"];
/// Fields of one entry of `files` in `file-urls/batch`.
pub const V4_UPLOAD_FILE: &[&str] = &["name", "data_id", "is_ocr", "page_ranges"];

pub const FLASH_URL: &[&str] = &[
    "url",
    "language",
    "page_range",
    "is_ocr",
    "enable_formula",
    "enable_table",
];
/// providers.md lists only `file_name, language, page_range`; the OCR switches are
/// tolerated because the agent API shares them with `parse/url`.
pub const FLASH_FILE: &[&str] = &[
    "file_name",
    "language",
    "page_range",
    "is_ocr",
    "enable_formula",
    "enable_table",
];

pub const MODEL_VERSIONS: &[&str] = &["pipeline", "vlm", "MinerU-HTML"];
pub const EXTRA_FORMATS: &[&str] = &["docx", "html", "latex"];

/// Checks that `obj` has only fields from the `allowed` groups, each well-formed, and
/// every `required` one present. The error says what is wrong, for the
/// `invalid params: …` message.
pub fn check(
    obj: &Map<String, Value>,
    allowed: &[&[&str]],
    required: &[&str],
) -> Result<(), String> {
    for (name, value) in obj {
        if !allowed.iter().any(|group| group.contains(&name.as_str())) {
            return Err(format!("unknown field `{name}`"));
        }
        if !value.is_null() {
            check_value(name, value)?;
        }
    }
    for name in required {
        if present(obj, name).is_none() {
            return Err(format!("`{name}` is required"));
        }
    }
    if present(obj, "callback").is_some() && present(obj, "seed").is_none() {
        return Err("`seed` is required with `callback`".into());
    }
    Ok(())
}

/// The field's value unless it is missing or null.
pub fn present<'a>(obj: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    obj.get(name).filter(|v| !v.is_null())
}

pub fn str_field<'a>(obj: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    present(obj, name).and_then(Value::as_str)
}

fn check_value(name: &str, v: &Value) -> Result<(), String> {
    let bad = |what: &str| Err(format!("`{name}` {what}"));
    match name {
        "url" | "name" | "file_name" => match v.as_str() {
            Some(s) if !s.trim().is_empty() => Ok(()),
            _ => bad("must be a non-empty string"),
        },
        "is_ocr" | "enable_formula" | "enable_table" => match v {
            Value::Bool(_) => Ok(()),
            _ => bad("must be a boolean"),
        },
        "language" | "callback" => match v.as_str() {
            Some(_) => Ok(()),
            None => bad("must be a string"),
        },
        "data_id" => match v.as_str() {
            Some(s) if valid_chars(s, 128, |c| c.is_ascii_alphanumeric() || "_.-".contains(c)) => {
                Ok(())
            }
            _ => bad("must be 1-128 characters of [A-Za-z0-9_.-]"),
        },
        "seed" => match v.as_str() {
            Some(s) if valid_chars(s, 64, |c| c.is_ascii_alphanumeric() || c == '_') => Ok(()),
            _ => bad("must be 1-64 characters of [A-Za-z0-9_]"),
        },
        "extra_formats" => match v.as_array() {
            Some(a)
                if a.iter()
                    .all(|f| f.as_str().is_some_and(|f| EXTRA_FORMATS.contains(&f))) =>
            {
                Ok(())
            }
            _ => bad("must be a list drawn from docx, html, latex"),
        },
        "page_ranges" | "page_range" => match v.as_str() {
            Some(s) if valid_page_ranges(s) => Ok(()),
            _ => bad("must look like \"2,4-6\" or \"2--2\""),
        },
        "model_version" => match v.as_str() {
            Some(s) if MODEL_VERSIONS.contains(&s) => Ok(()),
            _ => bad("must be one of pipeline, vlm, MinerU-HTML"),
        },
        "files" => match v.as_array() {
            Some(_) => Ok(()),
            None => bad("must be a list"),
        },
        _ => Ok(()),
    }
}

fn valid_chars(s: &str, max: usize, ok: impl Fn(char) -> bool) -> bool {
    !s.is_empty() && s.chars().count() <= max && s.chars().all(ok)
}

/// `^\d+(--?\d+)?(,\d+(--?\d+)?)*$`: pages and ranges, a `--` end counting from the last
/// page (`"2--2"` = page 2 to the second-to-last).
pub fn valid_page_ranges(s: &str) -> bool {
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    s.split(',').all(|part| match part.split_once('-') {
        None => digits(part),
        Some((a, b)) => digits(a) && digits(b.strip_prefix('-').unwrap_or(b)),
    })
}

/// Whether a URL or file name designates an HTML document (needs `MinerU-HTML`).
pub fn is_html(name_or_url: &str) -> bool {
    let lower = last_segment(name_or_url).to_ascii_lowercase();
    lower.ends_with(".html") || lower.ends_with(".htm")
}

/// The file name MinerU reports for a URL input: its last path segment.
pub fn last_segment(url: &str) -> &str {
    let end = url.find(['?', '#']).unwrap_or(url.len());
    let path = &url[..end];
    path.rsplit('/').next().unwrap_or(path)
}

/// The extension MinerU keeps for `<id>_origin.<ext>`; `pdf` when there is none.
pub fn extension(name: &str) -> String {
    match last_segment(name).rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && !ext.is_empty() => ext.to_ascii_lowercase(),
        _ => "pdf".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_ranges_grammar() {
        for ok in ["1", "2,4-6", "2--2", "1-600", "3,5,7-9,10--1"] {
            assert!(valid_page_ranges(ok), "{ok}");
        }
        for bad in ["", "a", "1-", "-1", "1---2", "1,,2", "1-2-3", " 1", "1,"] {
            assert!(!valid_page_ranges(bad), "{bad}");
        }
    }

    #[test]
    fn names_from_urls() {
        assert_eq!(last_segment("https://x.org/a/b/doc.pdf?sig=1#p"), "doc.pdf");
        assert!(is_html("https://x.org/Page.HTML?q=1"));
        assert!(!is_html("https://x.org/html/page.pdf"));
        assert_eq!(extension("Report.DOCX"), "docx");
        assert_eq!(extension("noext"), "pdf");
    }
}
