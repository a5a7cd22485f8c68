//! A document's identity across runs: what decides whether a rerun may reuse a
//! task instead of paying for a new one.
//!
//! The key is SHA-256 of a versioned text built from an explicit list of the
//! fields that change the provider's work. Options that only change what docpipe
//! does with the result (`--format markdown|text|json`, `--transport`, output
//! paths, concurrency…) are left out, and a new option changes no existing key
//! until it is added to [`FIELDS`] — so "never submitted twice" holds across
//! upgrades. Changing the meaning of a listed field needs a new [`VERSION`].

use sha2::{Digest, Sha256};

use crate::options::{ExtractOptions, Format};

/// Bumped only when the text below changes meaning; old records then no longer
/// match, which resubmits documents: avoid.
const VERSION: &str = "docpipe-key-1";

/// The result-changing fields, by name, in a fixed order.
pub const FIELDS: &[&str] = &[
    "pages",
    "language",
    "ocr",
    "formula",
    "table",
    "model",
    "extra_formats",
    "table_format",
    "extract_header",
    "extract_footer",
    "images",
    "provider_format",
];

fn field(opts: &ExtractOptions, name: &str) -> String {
    match name {
        "pages" => opts
            .pages
            .as_ref()
            .map(|p| p.to_mineru())
            .unwrap_or_default(),
        "language" => opts.language.clone().unwrap_or_default(),
        "ocr" => opts.ocr.to_string(),
        "formula" => opts.formula.to_string(),
        "table" => opts.table.to_string(),
        "model" => opts.model.clone().unwrap_or_default(),
        "extra_formats" => {
            let mut f = opts.extra_formats.clone();
            f.sort();
            f.join(",")
        }
        "table_format" => opts.table_format.clone().unwrap_or_default(),
        "extract_header" => opts.extract_header.to_string(),
        "extract_footer" => opts.extract_footer.to_string(),
        "images" => opts.images.to_string(),
        // A provider's own output format (gpt.ge's docx) is a different task;
        // markdown, text and json are cut from the same result by docpipe.
        "provider_format" => match &opts.format {
            Format::Other(f) => f.clone(),
            _ => String::new(),
        },
        other => unreachable!("unknown key field {other}"),
    }
}

/// The record key of a task docpipe did not submit, looked up by its ID
/// (`fetch -p NAME ID`): the provider and the task, since no content is known.
pub fn fetched_key(task: &crate::task::TaskRef) -> String {
    crate::input::hex(&Sha256::digest(
        format!(
            "fetched\n{}\n{}\n{}",
            task.provider,
            task.id,
            task.item.as_deref().unwrap_or("")
        )
        .as_bytes(),
    ))
}

/// The key of pages `first..=last` of a split document: one record per part,
/// so a rerun submits only the parts that have none.
pub fn part_key(parent: &str, first: u32, last: u32) -> String {
    let text = format!("docpipe-part-1\n{parent}\n{first}-{last}");
    crate::input::hex(&Sha256::digest(text.as_bytes()))
}

/// The key of a hybrid document (`auto`: `cloud` pages to the cloud, the
/// others read on this machine), from the key the document would have sent
/// whole: another choice of pages is another task.
pub fn hybrid_key(whole: &str, cloud: &[u32]) -> String {
    let text = format!("docpipe-hybrid-1\n{whole}\n{}", list(cloud));
    crate::input::hex(&Sha256::digest(text.as_bytes()))
}

/// The key of the part of a hybrid document that holds `pages` (not
/// necessarily consecutive), cut into one PDF.
pub fn pages_key(parent: &str, pages: &[u32]) -> String {
    let text = format!("docpipe-pages-1\n{parent}\n{}", list(pages));
    crate::input::hex(&Sha256::digest(text.as_bytes()))
}

fn list(pages: &[u32]) -> String {
    pages
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// The record key of a document: content hash, provider (its name and the
/// service it is at: a task ID means nothing to another deployment), and the
/// result-changing options.
pub fn doc_key(sha256: &str, provider: &str, base_url: &str, opts: &ExtractOptions) -> String {
    let base_url = base_url.trim_end_matches('/');
    let mut text = format!("{VERSION}\n{sha256}\n{provider}\n{base_url}\n");
    for name in FIELDS {
        text.push_str(name);
        text.push('=');
        text.push_str(&field(opts, name));
        text.push('\n');
    }
    crate::input::hex(&Sha256::digest(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_only_options_do_not_change_the_key() {
        let base = ExtractOptions::default();
        let k = doc_key("ab", "mineru", "https://mineru.net", &base);
        for changed in [
            ExtractOptions {
                format: Format::Json,
                ..base.clone()
            },
            ExtractOptions {
                transport: Some("mcp".into()),
                ..base.clone()
            },
            ExtractOptions {
                full_result: true,
                ..base.clone()
            },
        ] {
            assert_eq!(doc_key("ab", "mineru", "https://mineru.net", &changed), k);
        }
    }

    #[test]
    fn work_changing_options_do() {
        let base = ExtractOptions::default();
        let k = doc_key("ab", "mineru", "https://mineru.net", &base);
        assert_ne!(doc_key("ac", "mineru", "https://mineru.net", &base), k);
        assert_ne!(doc_key("ab", "parse4ai", "https://mineru.net", &base), k);
        assert_ne!(doc_key("ab", "mineru", "http://127.0.0.1:8080", &base), k);
        assert_eq!(doc_key("ab", "mineru", "https://mineru.net/", &base), k);
        for changed in [
            ExtractOptions {
                ocr: true,
                ..base.clone()
            },
            ExtractOptions {
                model: Some("vlm".into()),
                ..base.clone()
            },
            ExtractOptions {
                format: Format::Other("docx".into()),
                ..base.clone()
            },
            ExtractOptions {
                pages: Some(crate::options::PageRanges::parse("1-2").unwrap()),
                ..base.clone()
            },
        ] {
            assert_ne!(doc_key("ab", "mineru", "https://mineru.net", &changed), k);
        }
    }

    /// Fixed values, computed once outside this code (Python's hashlib over
    /// the recipe above: `VERSION`, content hash, provider, base URL, then
    /// `name=value` per field of `FIELDS`, each line ending in `\n`). If one
    /// changes, every recorded document of every user would be submitted
    /// again: change them only with a new `VERSION`, on purpose.
    #[test]
    fn the_key_is_stable_across_releases() {
        let sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        let base = ExtractOptions::default();
        let cases = [
            (
                doc_key("ab", "mineru", "https://mineru.net", &base),
                "58edbdcf8c8d51881d8612aea0797d2cfc72373a232700a561572966798cc2ab",
            ),
            (
                doc_key(
                    sha,
                    "mineru",
                    "https://mineru.net/",
                    &ExtractOptions {
                        pages: Some(crate::options::PageRanges::parse("1-3,5").unwrap()),
                        ocr: true,
                        model: Some("vlm".into()),
                        language: Some("en".into()),
                        ..base.clone()
                    },
                ),
                "d2d051234eeacc27228ebc9801fa164c2970378c00c039d192c4374ab51aa284",
            ),
            (
                doc_key(
                    sha,
                    "mistral",
                    "https://api.mistral.ai",
                    &ExtractOptions {
                        table_format: Some("html".into()),
                        extract_header: true,
                        extract_footer: true,
                        images: true,
                        model: Some("mistral-ocr-latest".into()),
                        format: Format::Json,
                        ..base.clone()
                    },
                ),
                "072fe1ffca36d04e4b1990c0ae2ea67878253ba6c93234a7040ef21b6a165924",
            ),
            (
                doc_key(
                    sha,
                    // A provider of its own output formats (as gpt.ge's docx).
                    "office-ocr",
                    "https://ocr.example.com",
                    &ExtractOptions {
                        format: Format::Other("docx".into()),
                        language: Some("English".into()),
                        ..base.clone()
                    },
                ),
                "a4297db6135338d8d06a19e70bb5063dd7028ea8007e558ed989cd7e8249fc04",
            ),
            (
                doc_key(
                    sha,
                    "mineru",
                    "https://mineru.net",
                    &ExtractOptions {
                        formula: false,
                        table: false,
                        extra_formats: vec!["html".into(), "docx".into()],
                        ..base.clone()
                    },
                ),
                "c679280b7eadf19316b6f23de13759fa31cc8bcddb3f552e9a12eaf629cb27e3",
            ),
        ];
        for (i, (got, want)) in cases.iter().enumerate() {
            assert_eq!(got, want, "case {i}");
        }
    }
}
