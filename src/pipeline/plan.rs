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
