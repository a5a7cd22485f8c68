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

use super::hybrid::Hybrid;

/// A document this run processes.
pub struct Planned {
    /// Which of the run's routes (providers) takes it.
    pub route: usize,
    /// Position of its first occurrence in the input list.
    pub index: usize,
    pub doc: Document,
    pub key: String,
    /// Later inputs with the same content. One task serves all; each gets
    /// its own output under its own name.
    pub aliases: Vec<Alias>,
    /// Its own options where they differ from the run's (`--pages` cut to the
    /// document's length).
    pub opts: Option<ExtractOptions>,
    /// Pages it will cost, as far as they can be known here: the `--pages`
    /// selection, a PDF's page count, 1 for an image; None otherwise.
    pub pages: Option<u64>,
    /// A PDF over the provider's page or size limit: sent in parts.
    pub split: bool,
    /// `auto`: some pages read here, the others sent to the cloud in one
    /// part (`pages` counts those). Sent in parts as `split` is.
    pub hybrid: Option<Hybrid>,
}

impl Planned {
    /// Whether the result cache holds all the document would cost at
    /// `provider`: its answer, or its cloud part's (a hybrid document), or
    /// each of its parts' (a document sent in parts: the ranges it would be
    /// cut into, as the engine cuts them).
    pub fn cached_whole(&self, c: &crate::cache::Cache, provider: &dyn Provider) -> bool {
        cached_wholes(&[self], c, provider)[0]
    }

    /// The entries that make the document whole from the cache: its own,
    /// and else all of the others (its cloud part's, or its parts'; none
    /// for a document sent whole).
    fn cache_keys(&self, provider: &dyn Provider) -> (String, Vec<String>) {
        let own = self.key.clone();
        if let Some(h) = &self.hybrid {
            return (own, vec![super::key::pages_key(&self.key, &h.cloud)]);
        }
        let Some(path) = self.doc.path().filter(|_| self.split) else {
            return (own, Vec::new());
        };
        let Ok(splitter) = crate::split::Splitter::open(path) else {
            return (own, Vec::new());
        };
        let limits = provider.limits();
        let ranges = crate::split::part_ranges(&splitter, limits.max_pages, limits.max_bytes);
        let parts = ranges
            .unwrap_or_default()
            .iter()
            .map(|&(a, b)| super::key::part_key(&self.key, a, b))
            .collect();
        (own, parts)
    }
}

/// Which of `planned` the result cache holds whole at `provider` (see
/// [`Planned::cached_whole`]), asked in one round: object storage is asked
/// about every key at once, not a document's part at a time.
pub fn cached_wholes(
    planned: &[&Planned],
    c: &crate::cache::Cache,
    provider: &dyn Provider,
) -> Vec<bool> {
    let keys: Vec<(String, Vec<String>)> = planned.iter().map(|p| p.cache_keys(provider)).collect();
    c.look_up_all(
        keys.iter()
            .flat_map(|(own, rest)| std::iter::once(own).chain(rest))
            .cloned()
            .collect(),
    );
    keys.iter()
        .map(|(own, rest)| {
            c.contains(own) || (!rest.is_empty() && rest.iter().all(|k| c.contains(k)))
        })
        .collect()
}

/// An input whose content an earlier input of the run already has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alias {
    pub index: usize,
    pub input: String,
    /// The output name it asks for (its own file name, or its place in a folder).
    pub name: String,
}

/// Whether a document is a local PDF over `limits` that can be split: the
/// whole document is asked for (no `--pages`), and its size or its page count
/// (when it can be read) is over the limit.
fn over_limits(doc: &Document, opts: &ExtractOptions, limits: &crate::provider::Limits) -> bool {
    let Some(path) = doc.path() else {
        return false;
    };
    if doc.ext != "pdf" || opts.pages.is_some() {
        return false;
    }
    let too_big = matches!((limits.max_bytes, doc.size), (Some(max), Some(size)) if size > max);
    too_big
        || limits
            .max_pages
            .is_some_and(|max| crate::pdf::page_count(path).is_some_and(|n| n > max))
}

/// A document refused only because `--no-split` kept it whole: the way out
/// is the flag, not cutting the file by hand.
fn drop_no_split(e: Error) -> Error {
    e.with_hint(
        "drop --no-split: docpipe then sends the PDF in parts that fit and joins the results",
    )
}

const IMAGES: &[&str] = &["png", "jpg", "jpeg", "webp", "gif", "bmp", "tif", "tiff"];

/// The pages a document holds, read locally: a PDF's page count, 1 for an
/// image; None for URLs and other types.
pub fn document_pages(doc: &Document) -> Option<u64> {
    let path = doc.path()?;
    if doc.ext == "pdf" {
        crate::pdf::page_count(path).map(u64::from)
    } else if IMAGES.contains(&doc.ext.as_str()) {
        Some(1)
    } else {
        None
    }
}

/// Checks `--pages` against the document: a selection wholly outside it is
/// refused (nothing would be extracted, and the request may still be billed);
/// one partly outside is cut to it. Returns the options to use, if they
/// differ from the run's, and the pages the document will cost.
fn fit_pages(
    doc: &Document,
    opts: &ExtractOptions,
    count_pages: bool,
    warn: &dyn Fn(String),
) -> Result<(Option<ExtractOptions>, Option<u64>), Error> {
    let Some(selected) = &opts.pages else {
        // Read only when a budget or an estimate needs it: the provider's
        // own limit check reads it too, and a big PDF is not free to read.
        return Ok((None, count_pages.then(|| document_pages(doc)).flatten()));
    };
    let held = document_pages(doc);
    let Some(count) = held else {
        return Ok((None, Some(u64::from(selected.count()))));
    };
    match selected.within(count as u32) {
        None => Err(Error::input(
            &doc.input,
            format!(
                "--pages {} is outside the document: it has {}",
                selected.to_mineru(),
                crate::progress::plural(count, "page")
            ),
        )
        .with_hint(format!("choose pages between 1 and {count}"))),
        Some(cut) if &cut != selected => {
            warn(format!(
                "{}: --pages {} goes past its last page ({count}); asking for {} only",
                doc.input,
                selected.to_mineru(),
                cut.to_mineru()
            ));
            let pages = u64::from(cut.count());
            Ok((
                Some(ExtractOptions {
                    pages: Some(cut),
                    ..opts.clone()
                }),
                Some(pages),
            ))
        }
        Some(_) => Ok((None, Some(u64::from(selected.count())))),
    }
}

/// Whether a document belongs to shard `i` of `n` (1-based): by its content
/// hash, so shards are disjoint, cover every document, and do not depend on
/// the order of the inputs.
pub fn in_shard(sha256: &str, (i, n): (u64, u64)) -> bool {
    let head = u64::from_str_radix(&sha256[..16.min(sha256.len())], 16).unwrap_or(0);
    head % n == i - 1
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

/// What planning needs besides the inputs.
#[derive(Clone, Copy)]
pub struct Rules<'a> {
    /// The providers of the run (one, or `local` and a cloud one for `auto`).
    /// Each built with its settings: base URL and limits in force.
    pub routes: &'a [&'a dyn Provider],
    /// Which route a document goes to (reads the file only).
    pub route: &'a dyn Fn(&Document) -> usize,
    /// `auto` page by page (reads the file only): the route, and the pages
    /// that go to the cloud when not all do; None: `route` decides.
    pub pages_route: &'a dyn Fn(&Document) -> super::hybrid::Routed,
    pub opts: &'a ExtractOptions,
    /// Expand folder inputs (batch), skipping this output folder.
    pub folders: Option<&'a Path>,
    /// With it, the first bad input is the error.
    pub fail_fast: bool,
    /// Keep only this share of the documents (batch `--shard I/N`).
    pub shard: Option<(u64, u64)>,
    /// Count each document's pages even without `--pages` (a page budget, a
    /// dry run, an estimate).
    pub count_pages: bool,
    /// Split PDFs over a provider's limits (off with `--no-split`).
    pub split: bool,
    pub warn: &'a dyn Fn(String),
}

/// Judges every input.
pub fn plan(words: &[String], stdin_name: Option<&str>, rules: &Rules) -> Result<Plan> {
    let Rules {
        routes,
        route,
        opts,
        folders,
        fail_fast,
        shard,
        count_pages,
        split,
        pages_route,
        warn,
    } = *rules;
    // A folder yields the files any of the run's providers reads.
    let mut extensions: Vec<&str> = Vec::new();
    for r in routes {
        for e in r.info().extensions {
            if !extensions.contains(e) {
                extensions.push(e);
            }
        }
    }
    let mut planned: Vec<Planned> = Vec::new();
    let mut rejected = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut index = 0usize;
    for word in words {
        let path = Path::new(word);
        let items: Vec<(String, Result<Document, Error>, Option<String>)> = match folders {
            Some(exclude) if !input::is_url(word) && path.is_dir() => {
                match input::expand_dir(path, &extensions, exclude) {
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
            if let (Some(shard), Ok(d)) = (shard, &doc) {
                if !in_shard(&d.sha256, shard) {
                    continue;
                }
            }
            let checked = doc.and_then(|mut d| {
                let (which, hybrid) = match pages_route(&d) {
                    Some((which, hybrid)) => (which.min(routes.len() - 1), hybrid),
                    None => (route(&d).min(routes.len() - 1), None),
                };
                let r = &routes[which];
                if let Some(h) = hybrid {
                    // Cut to fit the cloud when it is sent, not split.
                    if let Some(name) = name {
                        d.name = name;
                    }
                    let pages = Some(h.cloud.len() as u64);
                    return Ok((d, which, (None, pages), true, Some(h)));
                }
                // A PDF over the limits goes in parts, each checked by the
                // provider when it is cut (before any request).
                let over = over_limits(&d, opts, r.limits());
                let parts = split && over;
                if !parts {
                    r.check(&d, opts)
                        .map_err(|e| if over { drop_no_split(e) } else { e })?;
                }
                let fitted = fit_pages(&d, opts, count_pages || parts, warn)?;
                if let Some(name) = name {
                    d.name = name;
                }
                Ok((d, which, fitted, parts, None))
            });
            match checked {
                Ok((doc, which, (own_opts, pages), parts, hybrid)) => {
                    let effective = own_opts.as_ref().unwrap_or(opts);
                    let r = &routes[which];
                    let mut key =
                        super::key::doc_key(&doc.sha256, r.info().name, r.base_url(), effective);
                    if let Some(h) = &hybrid {
                        key = super::key::hybrid_key(&key, &h.cloud);
                    }
                    match by_key.get(&key) {
                        Some(&first) => planned[first].aliases.push(Alias {
                            index: at,
                            input: doc.input.clone(),
                            name: doc.name.clone(),
                        }),
                        None => {
                            by_key.insert(key.clone(), planned.len());
                            planned.push(Planned {
                                route: which,
                                index: at,
                                doc,
                                key,
                                aliases: Vec::new(),
                                opts: own_opts,
                                pages,
                                split: parts,
                                hybrid,
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
        let routes = [p.as_ref()];
        let rules = Rules {
            routes: &routes,
            route: &|_| 0,
            pages_route: &|_| None,
            opts: &opts,
            folders: None,
            fail_fast: false,
            shard: None,
            count_pages: true,
            split: true,
            warn: &|_| {},
        };
        let plan = super::plan(&words, None, &rules).unwrap();
        assert_eq!(plan.total, 5);
        let indices: Vec<usize> = plan.planned.iter().map(|d| d.index).collect();
        assert_eq!(indices, vec![0, 4]);
        assert_eq!(
            plan.planned[0].aliases,
            vec![Alias {
                index: 2,
                input: b,
                name: "b".into()
            }]
        );
        let rejected: Vec<usize> = plan.rejected.iter().map(|r| r.index).collect();
        assert_eq!(rejected, vec![1, 3]);
        // --fail-fast: the first bad input is the answer.
        let fast = Rules {
            fail_fast: true,
            ..rules
        };
        let err = super::plan(&words, None, &fast).err().expect("fails fast");
        assert!(format!("{err:#}").contains("missing.pdf"), "{err:#}");
    }

    #[test]
    fn shards_are_disjoint_and_cover_everything() {
        let hashes: Vec<String> = (0..200)
            .map(|i| crate::input::hex(&<sha2::Sha256 as sha2::Digest>::digest(format!("{i}"))))
            .collect();
        for n in [1u64, 2, 3, 7] {
            let mut seen = vec![0; hashes.len()];
            for i in 1..=n {
                for (k, h) in hashes.iter().enumerate() {
                    if in_shard(h, (i, n)) {
                        seen[k] += 1;
                    }
                }
            }
            assert!(seen.iter().all(|&c| c == 1), "n={n}");
        }
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
        let routes = [p.as_ref()];
        let rules = Rules {
            routes: &routes,
            route: &|_| 0,
            pages_route: &|_| None,
            opts: &opts,
            folders: Some(&out),
            fail_fast: false,
            shard: None,
            count_pages: true,
            split: true,
            warn: &|_| {},
        };
        let batch = super::plan(&words, None, &rules).unwrap();
        assert_eq!(batch.planned.len(), 2);
        assert_eq!(batch.planned[1].doc.name, "y");
        let single = super::plan(
            &words,
            None,
            &Rules {
                folders: None,
                ..rules
            },
        )
        .unwrap();
        assert_eq!(single.planned.len(), 0);
        assert_eq!(single.rejected.len(), 1);
    }
}
