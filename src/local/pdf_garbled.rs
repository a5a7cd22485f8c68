//! Pages with text in a font that has no usable reading: a font whose codes
//! map to no Unicode (no `ToUnicode`, glyph names that say nothing such as
//! `/g18`) reads as its raw codes, and a subset that numbers its glyphs from
//! 1 turns prose into ASCII punctuation ("’3(-.4.)&!-.45"). pdftotext reads
//! the same soup; only OCR of the rendered page reads such text, and `local`
//! OCRs a page's images, not its fonts. The caller warns with the pages.

use pdf_inspector::extractor::ItemType;
use pdf_inspector::TextItem;
use std::collections::{BTreeMap, BTreeSet};

/// Fewer visible characters than this in one font on a page say too little.
const MIN_CHARS: usize = 40;
/// Distinct ASCII punctuation characters a font's text must hold to read as
/// soup: a subset's codes run through the whole range `!` to `/` and on,
/// where a run of dot leaders, a rule of dashes or a font for brackets
/// (TeX's big delimiters) repeats a few.
const MIN_DISTINCT_PUNCTUATION: usize = 8;

/// One punctuation mark repeated this many times or more is a leader or a
/// rule ("Any Injury ........ 1.9", "------"), drawn rather than read, and
/// counts for nothing: a table of indicators set with leaders in its body
/// font (camelot's `missing_values.pdf`: 2,607 dots beside 1,438 letters
/// and digits, and nine other marks in its labels) read as soup, and its
/// page was OCR'd, worse than its own text and in seconds.
const LEADER_RUN: usize = 3;

/// A page whose soup is at least this share of its visible characters, in
/// the document's body font, is read from the page drawn; less, or soup in
/// another font (a chart's labels on a page of prose, a font's specimen
/// table), and the page's own text serves better, and is kept.
const DRAWN_SHARE: f64 = 0.25;

/// The pages with text in a font that reads as punctuation soup.
#[derive(Debug, Default, PartialEq)]
pub struct Garbled {
    /// 1-based pages on which some font's text reads as soup: at least
    /// [`MIN_CHARS`] visible characters, under half of them letters or
    /// digits, and [`MIN_DISTINCT_PUNCTUATION`] distinct ASCII punctuation
    /// characters among them.
    pub pages: Vec<u32>,
    /// Those of them on which the soup is [`DRAWN_SHARE`] of the page's
    /// visible characters or more and in the document's body font (the font
    /// with the most visible characters over the document): the running
    /// text is what cannot be read. OCR'd drawn when tesseract is installed.
    pub to_draw: Vec<u32>,
}

pub fn pages(items: &[TextItem]) -> Garbled {
    let mut by_font: BTreeMap<(u32, &str), Count> = BTreeMap::new();
    for item in items {
        if matches!(item.item_type, ItemType::Text) {
            by_font
                .entry((item.page, item.font.as_str()))
                .or_default()
                .add(&item.text);
        }
    }
    let mut by_document: BTreeMap<&str, usize> = BTreeMap::new();
    for ((_, font), count) in &by_font {
        *by_document.entry(font).or_default() += count.visible;
    }
    let body = by_document
        .into_iter()
        .max_by_key(|(_, visible)| *visible)
        .map(|(font, _)| font);
    // Per page: its visible characters, those in soup, and whether the
    // body font is among the soup.
    let mut pages: BTreeMap<u32, (usize, usize, bool)> = BTreeMap::new();
    for ((page, font), count) in &by_font {
        let (all, soup, in_body) = pages.entry(*page).or_default();
        *all += count.visible;
        if count.is_soup() {
            *soup += count.visible;
            *in_body |= Some(*font) == body;
        }
    }
    pages.retain(|_, (_, soup, _)| *soup > 0);
    Garbled {
        pages: pages.keys().copied().collect(),
        to_draw: pages
            .iter()
            .filter(|(_, (all, soup, in_body))| {
                *in_body && *soup as f64 >= DRAWN_SHARE * *all as f64
            })
            .map(|(page, _)| *page)
            .collect(),
    }
}

#[derive(Default)]
struct Count {
    visible: usize,
    alphanumeric: usize,
    ascii: usize,
    punctuation: BTreeSet<char>,
}

impl Count {
    fn add(&mut self, text: &str) {
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            let mut run = 1;
            while chars.next_if_eq(&c).is_some() {
                run += 1;
            }
            if c.is_whitespace() || (c.is_ascii_punctuation() && run >= LEADER_RUN) {
                continue;
            }
            self.visible += run;
            if c.is_ascii() {
                self.ascii += run;
            }
            if c.is_alphanumeric() {
                self.alphanumeric += run;
            } else if c.is_ascii_punctuation() {
                self.punctuation.insert(c);
            }
        }
    }

    /// Codes read as themselves land on ASCII: a font's text that is
    /// mostly other characters (the Symbol font's table of Greek letters
    /// and mathematical signs, among its ASCII brackets and digits) reads
    /// as what it is.
    fn is_soup(&self) -> bool {
        self.visible >= MIN_CHARS
            && self.alphanumeric * 2 < self.visible
            && self.ascii * 4 >= self.visible * 3
            && self.punctuation.len() >= MIN_DISTINCT_PUNCTUATION
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(page: u32, font: &str, text: &str) -> TextItem {
        TextItem {
            page,
            is_bold: false,
            ..crate::local::pdf_hints::tests::bold_item(text, 72.0, 700.0, 10.0, font)
        }
    }

    /// A real page's soup (pdf.js's `TAMReview.pdf`, page 2: Cambria subset
    /// with `/gNN` names and no `ToUnicode`) beside readable headings.
    const SOUP: &[&str] = &[
        "!\"#!\"$",
        "\" % &%’ % !$&",
        "& ()% * + ’ % & % ’ & ! + +%!$&",
        "’3(-.4.)&!-.45 () ! $ $ ( -.45)& 2",
        "#+%%3*(-./5) 6 7&",
    ];

    #[test]
    fn a_font_reading_as_punctuation_marks_its_page_and_only_that_page() {
        let mut items: Vec<TextItem> = SOUP.iter().map(|t| item(2, "F2", t)).collect();
        items.push(item(2, "F1", "Overview of the Technology Acceptance Model"));
        items.push(item(1, "F1", "Working Papers on Information Systems"));
        let found = pages(&items);
        assert_eq!(found.pages, [2]);
        assert_eq!(found.to_draw, [2]);
        // Under a page of prose the soup is a chart's labels: named, not drawn.
        let prose = "A sentence of ordinary running text on the page. ".repeat(12);
        let mut charted = items.clone();
        charted.push(item(2, "F1", &prose));
        let found = pages(&charted);
        assert_eq!(found.pages, [2]);
        assert!(found.to_draw.is_empty());
        // Nor is soup in a font other than the document's body font, however
        // much of its page it is (the Symbol font's table in a specimen).
        let mut specimen = items.clone();
        for page in 3..8 {
            specimen.push(item(page, "F1", &prose));
        }
        let found = pages(&specimen);
        assert_eq!(found.pages, [2]);
        assert!(found.to_draw.is_empty());
    }

    #[test]
    fn leaders_rules_brackets_numbers_and_prose_are_not_soup() {
        let texts = [
            // A table of contents' leaders, a rule, TeX's big delimiters.
            "Introduction ........................................ 1",
            "------------------------------------------------------",
            "( ) [ ] { } ( ) [ ] { } ( ) [ ] { } ( ) [ ] { } ( ) [ ] { } ( ) [ ] { }",
            // Figures of a statement, with their signs and brackets.
            "(1,234.56) 12.5% $ 3,400.00 -17.2 (0.50) 1,000 +4.3% 2,345.67 (12.00)",
            // A mathematics font's symbols are not ASCII.
            "∑ ∈ ≤ ≥ ∀ ∃ ∂ ∇ ∞ ⊂ ⊆ ∪ ∩ ∑ ∈ ≤ ≥ ∀ ∃ ∂ ∇ ∞ ⊂ ⊆ ∪ ∩ ∑ ∈ ≤ ≥ ∀ ∃ ∂ ∇ ∞ ⊂ ⊆",
            // The Symbol font's table (pdf.js's `standard_fonts.pdf`): its
            // ASCII brackets, signs and digits among Greek and mathematics.
            "! ∀ # ∃ % & ∋ ( ) ∗ + , − . / 0 1 2 3 4 5 6 7 8 9 : ; < = > ? ≅ Α Β Χ ∆ Ε Φ Γ \
             Η Ι ϑ Κ Λ Μ Ν Ο Π Θ Ρ Σ Τ Υ ς Ω Ξ Ψ Ζ [ ∴ ] ⊥ _ ϒ ′ ≤ ⁄ ∞ ♣ ♦ ♥ ♠ ↔ ← → ↓ \
             ° ± ″ ≥ × ∝ ∂ • ÷ ≠ ≡ ≈ … ↵ ℵ ℑ ℜ ℘ ⊗ ⊕ ∅ ∩ ∪ ⊃ ⊇ ⊄ ⊂ ⊆ ∈ ∉ { | }",
            "Prose, with its commas; colons: (brackets) and “quotes” — and dashes!",
        ];
        for text in texts {
            let items = vec![item(1, "F1", text), item(1, "F1", text)];
            assert_eq!(pages(&items), Garbled::default(), "{text}");
        }
    }
}
