//! Right-to-left pages (Arabic, Hebrew, Persian) in reading order. On some
//! pages pdf-inspector gives each run's characters left to right as drawn, so
//! "وعليه" came out "هيلعو", while it keeps the runs of a line in the order
//! the content stream has them and joins a paragraph's lines into one: no
//! turning of its markdown around can give the reading order back (the
//! paragraph's lines came out last first). On such a page the text is
//! rebuilt from the positioned runs: lines top to bottom, each line's runs
//! left to right as drawn, and the whole line then turned around, with the
//! left-to-right runs inside it (digits, Latin words) turned back and
//! brackets mirrored, as poppler does.

use pdf_inspector::extractor::ItemType;
use pdf_inspector::TextItem;

/// Whether a page's markdown has right-to-left text in drawn order: its
/// words tell. Arabic words start with the article "ال" and Hebrew ones end
/// in a final letter (ך ם ן ף ץ); drawn order turns both around.
pub fn drawn_order(md: &str) -> bool {
    const FINALS: &[char] = &['ך', 'ם', 'ן', 'ף', 'ץ'];
    // Persian's commonest words ("in", "from", "to", "with", "that", "this").
    const PERSIAN: &[&str] = &["در", "از", "به", "با", "که", "این", "را", "است"];
    if !md.chars().any(is_rtl) {
        return false;
    }
    let (mut reading, mut drawn) = (0, 0);
    for word in md.split(|c: char| !c.is_alphabetic()) {
        let (Some(first), Some(last)) = (word.chars().next(), word.chars().last()) else {
            continue;
        };
        let backwards: String = word.chars().rev().collect();
        if PERSIAN.contains(&word) {
            reading += 1;
        } else if PERSIAN.contains(&backwards.as_str()) {
            drawn += 1;
        }
        if word.chars().count() < 3 {
            continue;
        }
        if word.starts_with("ال") || FINALS.contains(&last) {
            reading += 1;
        }
        if word.ends_with("لا") || FINALS.contains(&first) {
            drawn += 1;
        }
    }
    drawn > reading
}

/// `md` with a space where a Latin letter and a right-to-left letter touch
/// ("R وPython", "Pythonمن"): a Latin word set in Arabic or Hebrew text is
/// parted from its neighbours by spaces the PDF often does not draw (the
/// space falls where the direction turns), and no word mixes the two
/// scripts. Digits are left alone ("2023م" is one word).
pub fn part_scripts(md: &str) -> String {
    if !md.chars().any(is_rtl) {
        return md.to_string();
    }
    let mut out = String::with_capacity(md.len() + 16);
    let mut prev: Option<char> = None;
    for c in md.chars() {
        if let Some(p) = prev {
            let latin = |c: char| c.is_ascii_alphabetic();
            let rtl_letter = |c: char| is_rtl(c) && c.is_alphabetic();
            if (latin(p) && rtl_letter(c)) || (rtl_letter(p) && latin(c)) {
                out.push(' ');
            }
        }
        out.push(c);
        prev = Some(c);
    }
    out
}

/// A letter of a right-to-left script: Hebrew to Arabic Extended-A (with
/// Syriac, Thaana, NKo, Samaritan, Mandaic between) and the Hebrew and Arabic
/// presentation forms, not the variation selectors and small forms set among
/// them. The one test of "right to left" for every PDF reader here.
pub(super) fn is_rtl(c: char) -> bool {
    matches!(c, '\u{0590}'..='\u{08ff}' | '\u{fb1d}'..='\u{fdff}' | '\u{fe70}'..='\u{feff}')
}

/// The text of `page` (1-based) of `items`, drawn right to left, in reading
/// order: a line a line, paragraphs parted where the gap between lines
/// grows.
pub fn page_text(items: &[TextItem], page: u32) -> String {
    let runs: Vec<Run> = items
        .iter()
        .filter(|i| {
            i.page == page && matches!(i.item_type, ItemType::Text) && !i.text.trim().is_empty()
        })
        .map(|i| Run {
            text: i.text.clone(),
            x: i.x,
            y: i.y,
            width: i.width,
            height: i.height,
        })
        .collect();
    text(runs)
}

/// A run of text as drawn.
struct Run {
    text: String,
    x: f32,
    y: f32,
    width: f32,
    height: f32,
}

fn text(mut runs: Vec<Run>) -> String {
    runs.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x.total_cmp(&b.x)));
    let mut lines: Vec<(f32, String)> = Vec::new();
    let mut start = 0;
    while start < runs.len() {
        let size = runs[start].height.max(1.0);
        let y = runs[start].y;
        let mut end = start + 1;
        while end < runs.len() && (runs[end].y - y).abs() < size * 0.4 {
            end += 1;
        }
        let mut line: Vec<&Run> = runs[start..end].iter().collect();
        line.sort_by(|a, b| a.x.total_cmp(&b.x));
        let mut drawn = String::new();
        let mut right = f32::MIN;
        for run in line {
            if !drawn.is_empty()
                && run.x - right > run.height * 0.15
                && !drawn.ends_with(' ')
                && !run.text.starts_with(' ')
            {
                drawn.push(' ');
            }
            drawn.push_str(&run.text);
            right = run.x + run.width;
        }
        let text = reading_order(drawn.trim());
        lines.push((y, text.split_whitespace().collect::<Vec<_>>().join(" ")));
        start = end;
    }
    let mut gaps: Vec<f32> = lines.windows(2).map(|w| w[0].0 - w[1].0).collect();
    gaps.sort_by(f32::total_cmp);
    let usual = gaps.get(gaps.len() / 2).copied().unwrap_or(0.0);
    let mut out = String::new();
    for (k, (y, text)) in lines.iter().enumerate() {
        if k > 0 {
            let gap = lines[k - 1].0 - y;
            out.push_str(if gap > usual * 1.4 { "\n\n" } else { "\n" });
        }
        out.push_str(text);
    }
    out
}

/// A line drawn left to right in reading order: a line whose letters are
/// mostly right-to-left is turned around, the left-to-right runs inside it
/// turned back and brackets mirrored; other lines are left as they are.
fn reading_order(line: &str) -> String {
    let rtl = line.chars().filter(|c| is_rtl(*c)).count();
    let letters = line.chars().filter(|c| c.is_alphabetic()).count();
    if rtl * 2 <= letters {
        return line.to_string();
    }
    let mut out = String::with_capacity(line.len());
    let mut run: Vec<char> = Vec::new();
    let flush = |run: &mut Vec<char>, out: &mut String| {
        out.extend(run.drain(..).rev());
    };
    for c in line.chars().rev() {
        if c.is_ascii_alphanumeric()
            || (!run.is_empty() && matches!(c, '.' | ',' | ':' | '/' | '-'))
        {
            run.push(c);
            continue;
        }
        flush(&mut run, &mut out);
        out.push(match c {
            '(' => ')',
            ')' => '(',
            '[' => ']',
            ']' => '[',
            '<' => '>',
            '>' => '<',
            other => other,
        });
    }
    flush(&mut run, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// docling's right_to_left_02.pdf, its first lines as pdf-inspector
    /// gives the runs: each run's characters as drawn, the line's runs in
    /// the content stream's order (the bold "وعليه،", drawn rightmost, last).
    fn run(text: &str, x: f32, y: f32, width: f32) -> Run {
        Run {
            text: text.to_string(),
            x,
            y,
            width,
            height: 13.0,
        }
    }

    #[test]
    fn a_latin_word_touching_arabic_letters_is_parted_from_them() {
        // docling's right_to_left_01.pdf as pdf-inspector gives it.
        assert_eq!(
            part_scripts("البرمجة بلغة R وPythonمن الأدوات"),
            "البرمجة بلغة R و Python من الأدوات"
        );
        // Digits keep their letter, Latin text is untouched.
        assert_eq!(part_scripts("عام 2023م"), "عام 2023م");
        assert_eq!(part_scripts("Plain text"), "Plain text");
    }

    #[test]
    fn a_page_drawn_right_to_left_reads_from_the_right_line_after_line() {
        // Drawn: each run's characters left to right as they stand.
        let drawn = |logical: &str| logical.chars().rev().collect::<String>();
        let runs = vec![
            run(&drawn("فإن الحكومة المصرية "), 68.0, 623.9, 330.9),
            run(&drawn("وعليه، "), 399.3, 623.9, 38.2),
            run(&drawn("تحسين الإنتاجية"), 68.0, 602.0, 369.1),
            run(&drawn("وحل المشكلات"), 68.0, 580.1, 369.1),
            run("(2024 - 2026) ةرتفلا", 68.0, 540.0, 369.1),
        ];
        let md = "**،هيلعو** ةيرصملا ةموكحلا نإف";
        assert!(drawn_order(md));
        // As docling's ground truth: "وعليه،" first, the paragraph's lines
        // in order; the years as poppler gives them.
        assert_eq!(
            text(runs),
            "وعليه، فإن الحكومة المصرية\nتحسين الإنتاجية\nوحل المشكلات\n\nالفترة (2026 - 2024)"
        );
        // A page already in reading order is left to pdf-inspector, and a
        // left-to-right line is never turned.
        assert!(!drawn_order(
            "تحسين الإنتاجية وحل المشكلات من خلال البرمجة بلغة R وPython"
        ));
        let latin = "Plain English text (2024).";
        assert!(!drawn_order(latin));
        assert_eq!(reading_order(latin), latin);
    }
}
