//! Choosing the page ranges of a split: consecutive pages of about equal
//! length that fit a provider's limits.

/// Page ranges (1-based, inclusive) of about equal length such that each has at
/// most `max_pages` pages and, by `weight`, at most `max_bytes`; the fewest
/// parts that fit. None when even single pages are too heavy.
pub fn plan_ranges(
    pages: u32,
    max_pages: Option<u32>,
    max_bytes: Option<u64>,
    weight: &dyn Fn(u32, u32) -> u64,
) -> Option<Vec<(u32, u32)>> {
    let per = max_pages.unwrap_or(pages).max(1);
    let mut parts = pages.div_ceil(per).max(1);
    while parts <= pages {
        let ranges = even_ranges(pages, parts);
        let fits = max_bytes.is_none_or(|max| ranges.iter().all(|&(a, b)| weight(a, b) <= max));
        if fits {
            return Some(ranges);
        }
        // Grow quickly: every try reads the structure again.
        parts = (parts + 1).max(parts * 5 / 4);
    }
    None
}

fn even_ranges(pages: u32, parts: u32) -> Vec<(u32, u32)> {
    let base = pages / parts;
    let extra = pages % parts;
    let mut out = Vec::with_capacity(parts as usize);
    let mut start = 1;
    for i in 0..parts {
        let len = base + u32::from(i < extra);
        out.push((start, start + len - 1));
        start += len;
    }
    out
}
