//! Inputs to documents, before any request: `--from` lists and (for `batch`)
//! folders expanded, every input read, hashed and checked against the provider,
//! the same content named twice folded into one document.

use std::collections::HashMap;
use std::path::Path;

use anyhow::Result;

use crate::error::Error;
use crate::input::{self, Document};
use crate::options::ExtractOptions;
use crate::provider::Provider;

/// A document this run processes.
pub struct Planned {
    /// Position of its first occurrence in the input list.
    pub index: usize,
    pub doc: Document,
    pub key: String,
    /// Later inputs with the same content: (index, input). One task serves all.
    pub aliases: Vec<(usize, String)>,
}

/// An input refused before any request.
pub struct Rejected {
    pub index: usize,
    pub input: String,
    pub error: anyhow::Error,
}

pub struct Plan {
    pub planned: Vec<Planned>,
    pub rejected: Vec<Rejected>,
    /// Inputs after expansion: the JSON lines' `index` counts these.
    pub total: usize,
}

/// Judges every input. `folders`: expand folder inputs (batch), skipping the
/// output folder given. With `fail_fast`, the first bad input is the error.
pub fn plan(
    words: &[String],
    stdin_name: Option<&str>,
    folders: Option<&Path>,
    provider: &dyn Provider,
    base_url: &str,
    opts: &ExtractOptions,
    fail_fast: bool,
) -> Result<Plan> {
    let info = provider.info();
    let mut planned: Vec<Planned> = Vec::new();
    let mut rejected = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut index = 0usize;
    for word in words {
        let path = Path::new(word);
        let items: Vec<(String, Result<Document, Error>, Option<String>)> = match folders {
            Some(exclude) if !input::is_url(word) && path.is_dir() => {
                match input::expand_dir(path, info.extensions, exclude) {
                    Ok(files) => files
                        .into_iter()
                        .map(|(p, name)| {
                            let shown = p.display().to_string();
                            (shown.clone(), input::resolve(&shown, None), Some(name))
                        })
                        .collect(),
                    Err(e) => vec![(word.clone(), Err(e), None)],
                }
            }
            _ => vec![(word.clone(), input::resolve(word, stdin_name), None)],
        };
        for (shown, doc, name) in items {
            let at = index;
            index += 1;
            let checked = doc.and_then(|mut d| {
                provider.check(&d, opts)?;
                if let Some(name) = name {
                    d.name = name;
                }
                Ok(d)
            });
            match checked {
                Ok(doc) => {
                    let key = super::key::doc_key(&doc.sha256, info.name, base_url, opts);
                    match by_key.get(&key) {
                        Some(&first) => planned[first].aliases.push((at, doc.input.clone())),
                        None => {
                            by_key.insert(key.clone(), planned.len());
                            planned.push(Planned {
                                index: at,
                                doc,
                                key,
                                aliases: Vec::new(),
                            });
                        }
                    }
                }
                Err(e) if fail_fast => return Err(e.into()),
                Err(e) => rejected.push(Rejected {
                    index: at,
                    input: shown,
                    error: e.into(),
                }),
            }
        }
    }
    Ok(Plan {
        planned,
        rejected,
        total: index,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::http::{Http, HttpOptions};

    fn mineru() -> Box<dyn Provider> {
        let env = |name: &str| (name == "MINERU_API_KEY").then(|| "k".to_string());
        let config = Config::from_str("", Path::new("t.toml"), Box::new(env)).unwrap();
        let http = Http::new(HttpOptions::default()).unwrap();
        let entry = crate::provider::find("mineru").unwrap();
        crate::provider::build(entry, &config, &http).unwrap()
    }

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path.display().to_string()
    }

    #[test]
    fn every_input_is_judged_and_the_same_content_folds_into_one_document() {
        let dir = tempfile::tempdir().unwrap();
        let a = write(dir.path(), "a.pdf", b"%PDF-1.4 one");
        let b = write(dir.path(), "b.pdf", b"%PDF-1.4 one");
        let c = write(dir.path(), "c.pdf", b"%PDF-1.4 two");
        let txt = write(dir.path(), "n.txt", b"hello");
        let words = vec![a, "missing.pdf".to_string(), b.clone(), txt, c];
        let p = mineru();
        let opts = ExtractOptions::default();
        let plan = super::plan(&words, None, None, p.as_ref(), "https://x", &opts, false).unwrap();
        assert_eq!(plan.total, 5);
        let indices: Vec<usize> = plan.planned.iter().map(|d| d.index).collect();
        assert_eq!(indices, vec![0, 4]);
        assert_eq!(plan.planned[0].aliases, vec![(2, b)]);
        let rejected: Vec<usize> = plan.rejected.iter().map(|r| r.index).collect();
        assert_eq!(rejected, vec![1, 3]);
        // --fail-fast: the first bad input is the answer.
        let err = super::plan(&words, None, None, p.as_ref(), "https://x", &opts, true)
            .err()
            .expect("fails fast");
        assert!(format!("{err:#}").contains("missing.pdf"), "{err:#}");
    }

    #[test]
    fn folders_are_expanded_for_batch_only() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("in")).unwrap();
        write(&dir.path().join("in"), "x.pdf", b"%PDF-1.4 x");
        write(&dir.path().join("in"), "y.pdf", b"%PDF-1.4 y");
        let words = vec![dir.path().join("in").display().to_string()];
        let p = mineru();
        let opts = ExtractOptions::default();
        let out = dir.path().join("out");
        let batch = super::plan(
            &words,
            None,
            Some(&out),
            p.as_ref(),
            "https://x",
            &opts,
            false,
        )
        .unwrap();
        assert_eq!(batch.planned.len(), 2);
        assert_eq!(batch.planned[1].doc.name, "y");
        let single =
            super::plan(&words, None, None, p.as_ref(), "https://x", &opts, false).unwrap();
        assert_eq!(single.planned.len(), 0);
        assert_eq!(single.rejected.len(), 1);
    }
}
