//! Hybrid documents under `auto`: a PDF whose pages `local` reads are
//! extracted on this machine, and only the others (scans, pages without a
//! usable text layer) are cut into one PDF and sent to the cloud in one task.
//! This module decides, per document and before any request, which pages go
//! where (`--cloud-pages`, the cloud provider's limits); the engine
//! (`engine/hybrid.rs`) does the work and `stitch.rs` joins the answers.

use crate::error::Error;
use crate::input::Document;
use crate::provider::Provider;
use crate::units::pages_text;

/// `--cloud-pages` / `[defaults] cloud_pages`: which pages of a PDF `auto`
/// sends to the cloud.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloudPages {
    /// The pages `local` cannot read (the default).
    Scanned,
    /// None: `local` takes every PDF (its scans OCR'd by tesseract if it is
    /// installed, else left out).
    None,
    /// A PDF with any page `local` cannot read goes to the cloud whole.
    All,
    /// The scanned pages, and the pages on which `local` finds a table.
    Tables,
    /// The scanned pages, and the pages that set formulas in math fonts.
    Formulas,
}

pub const CHOICES: &[&str] = &["scanned", "none", "all", "tables", "formulas"];
const HINT: &str = "use scanned (the pages local cannot read), tables or formulas (those and the pages with tables or formulas), all, or none";

impl CloudPages {
    /// The flag, else the config's `[defaults] cloud_pages`, else `scanned`.
    pub fn resolve(flag: Option<&str>, config: Option<&str>) -> Result<CloudPages, Error> {
        let (text, from) = match (flag, config) {
            (Some(f), _) => (f, "--cloud-pages"),
            (None, Some(c)) => (c, "[defaults] cloud_pages"),
            (None, None) => return Ok(CloudPages::Scanned),
        };
        match text {
            "scanned" => Ok(CloudPages::Scanned),
            "none" => Ok(CloudPages::None),
            "all" => Ok(CloudPages::All),
            "tables" => Ok(CloudPages::Tables),
            "formulas" => Ok(CloudPages::Formulas),
            t => Err(
                Error::usage(format!("{from} {t}: not one of {}", CHOICES.join(", ")))
                    .with_hint(HINT),
            ),
        }
    }
}

/// The warning for `--cloud-pages` under a provider other than `auto`.
pub fn not_auto_warning(provider: &str) -> String {
    format!(
        "--cloud-pages applies under -p {} only (each PDF's pages shared between local and the cloud); ignored with -p {provider}",
        crate::provider::AUTO
    )
}

/// How a hybrid document's pages are shared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hybrid {
    /// Pages of the document.
    pub count: u32,
    /// 1-based pages sent to the cloud, in order (cut into one PDF).
    pub cloud: Vec<u32>,
    /// Pages `local` cannot read that the cloud provider's limits left out
    /// (read by `local` as it can: tesseract, else left out).
    pub left_out: Vec<u32>,
}

impl Hybrid {
    /// The 1-based pages read on this machine, in order.
    pub fn local(&self) -> Vec<u32> {
        (1..=self.count)
            .filter(|p| self.cloud.binary_search(p).is_err())
            .collect()
    }
}

/// Where `auto` sends a document, decided page by page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Whole to `local`.
    Local,
    /// Whole to the cloud.
    Cloud,
    /// Some pages to each.
    Split(Hybrid),
}

/// The pages of a local PDF under `auto` (no `--pages`); `None` when the
/// per-document rule decides (not a local PDF, or one that cannot be read).
pub fn decide(
    doc: &Document,
    which: CloudPages,
    selected_pages: bool,
    cloud: &dyn Provider,
) -> Option<Decision> {
    let path = doc.path()?;
    if doc.ext != "pdf" || selected_pages {
        return None;
    }
    if which == CloudPages::None {
        return Some(Decision::Local);
    }
    let kinds = crate::local::pdf_pages::page_kinds(path)?;
    if which == CloudPages::All && !kinds.unreadable.is_empty() {
        return Some(Decision::Cloud);
    }
    let mut wanted = kinds.unreadable.clone();
    match which {
        CloudPages::Tables => wanted.extend(crate::local::pdf_pages::table_pages(
            path,
            &doc.input,
            &kinds.readable(),
        )),
        CloudPages::Formulas => wanted.extend(crate::local::pdf_pages::formula_pages(path)),
        _ => {}
    }
    wanted.sort_unstable();
    wanted.dedup();
    if wanted.is_empty() {
        return Some(Decision::Local);
    }
    if wanted.len() as u32 == kinds.count {
        return Some(Decision::Cloud);
    }
    let (cloud_pages, left_out) = within_limits(path, wanted, doc.size, cloud);
    if cloud_pages.is_empty() {
        // Not one page fits: local reads what it can, as with `none`.
        return Some(Decision::Local);
    }
    Some(Decision::Split(Hybrid {
        count: kinds.count,
        cloud: cloud_pages,
        left_out,
    }))
}

/// A route's index, and the cloud's pages when not all go there; None: the
/// per-document rule decides.
pub type Routed = Option<(usize, Option<Hybrid>)>;

/// `auto`'s route of a document, page by page: `routes` are `local` and the
/// cloud provider.
pub fn route(
    routes: &[&dyn Provider],
    which: CloudPages,
    selected_pages: bool,
    doc: &Document,
    warn: &dyn Fn(String),
) -> Routed {
    let (local_at, cloud_at) = (0, routes.len().checked_sub(1)?);
    let cloud = routes[cloud_at];
    Some(match decide(doc, which, selected_pages, cloud)? {
        Decision::Local => (local_at, None),
        Decision::Cloud => (cloud_at, None),
        Decision::Split(h) => {
            if !h.left_out.is_empty() {
                warn(left_out_warning(doc, &h, cloud));
            }
            (cloud_at, Some(h))
        }
    })
}

/// The share of `pages` one task of `cloud` takes: its page limit, and (for a
/// file over its size limit) about its byte limit; the rest is left out.
fn within_limits(
    path: &std::path::Path,
    mut pages: Vec<u32>,
    size: Option<u64>,
    cloud: &dyn Provider,
) -> (Vec<u32>, Vec<u32>) {
    let limits = cloud.limits();
    let mut left_out = Vec::new();
    if let Some(max) = limits.max_pages {
        if pages.len() > max as usize {
            left_out = pages.split_off(max as usize);
        }
    }
    // Only a file over the limit can give a cut over it.
    if let (Some(max), Some(size)) = (limits.max_bytes, size) {
        if size > max {
            let Ok(splitter) = crate::split::Splitter::open(path) else {
                return (pages, left_out);
            };
            let room = max / 10 * 9;
            while !pages.is_empty() && splitter.weight_pages(&pages) > room {
                let last = pages.pop().expect("not empty");
                left_out.insert(0, last);
            }
        }
    }
    (pages, left_out)
}

/// The warning for pages the cloud's limits left out: which, and how to
/// include them.
pub fn left_out_warning(doc: &Document, h: &Hybrid, cloud: &dyn Provider) -> String {
    let info = cloud.info();
    let keyless = !info.needs_key();
    let how = if keyless {
        format!(
            "to include them, set the key of a provider with higher limits (e.g. MINERU_API_KEY: `docpipe providers`), or send the whole document with -p {} (in parts, every page to the cloud)",
            info.name
        )
    } else {
        format!(
            "to include them, send the whole document with -p {} (in parts, every page billed)",
            info.name
        )
    };
    format!(
        "{}: page{} {} left out of the cloud part: one task of {} takes {}; local reads them as it can (tesseract if installed, else they are left out); {how}",
        doc.input,
        if h.left_out.len() == 1 { "" } else { "s" },
        pages_text(&h.left_out),
        info.name,
        limits_text(cloud)
    )
}

fn limits_text(cloud: &dyn Provider) -> String {
    let limits = cloud.limits();
    let mut parts = Vec::new();
    if let Some(p) = limits.max_pages {
        parts.push(crate::units::plural(u64::from(p), "page"));
    }
    if let Some(b) = limits.max_bytes {
        parts.push(crate::provider::human_bytes(b));
    }
    if parts.is_empty() {
        "what it can".to_string()
    } else {
        format!("at most {}", parts.join(" and "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::page_runs;

    #[test]
    fn pages_are_described_as_runs() {
        assert_eq!(page_runs(&[1, 2, 4, 7, 8, 9]), vec![(1, 2), (4, 4), (7, 9)]);
        assert_eq!(pages_text(&[1, 2, 4, 7, 8, 9]), "1-2, 4, 7-9");
        assert_eq!(pages_text(&[]), "");
        let h = Hybrid {
            count: 5,
            cloud: vec![2, 5],
            left_out: vec![],
        };
        assert_eq!(h.local(), vec![1, 3, 4]);
    }

    #[test]
    fn cloud_pages_resolve_flag_over_config() {
        assert_eq!(
            CloudPages::resolve(None, None).unwrap(),
            CloudPages::Scanned
        );
        assert_eq!(
            CloudPages::resolve(Some("none"), Some("all")).unwrap(),
            CloudPages::None
        );
        assert_eq!(
            CloudPages::resolve(None, Some("all")).unwrap(),
            CloudPages::All
        );
        assert_eq!(
            CloudPages::resolve(Some("tables"), Some("none")).unwrap(),
            CloudPages::Tables
        );
        assert_eq!(
            CloudPages::resolve(None, Some("formulas")).unwrap(),
            CloudPages::Formulas
        );
        let e = CloudPages::resolve(None, Some("some")).unwrap_err();
        assert!(
            e.message.contains("[defaults] cloud_pages some"),
            "{}",
            e.message
        );
    }
}
