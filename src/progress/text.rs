//! The board as text: the frames a terminal shows, the plain line of each
//! change elsewhere, the summary that stays, every line fitted to the width.
//! The frames are drawn by [`crate::messages`].

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use super::board::{Board, Doc, Stage, Transfer};
use crate::units::{bytes_text, clock, plural, span};

/// A transfer shows its bytes once it is this large or has run for
/// [`SHOW_AFTER`]: a small file's bytes would only flicker past.
const SHOW_FROM: u64 = 1024 * 1024;
const SHOW_AFTER: Duration = Duration::from_secs(1);

impl Transfer {
    /// Its words for a board line with `room` columns left: the most detailed
    /// that fits (`12.0 MB of 190.0 MB · 5.0 MB/s · 0:36 left`, then shorter
    /// forms down to `6%`); none for a small transfer that just began. An
    /// unknown total (a download without Content-Length) has no time left.
    pub(super) fn text(&self, now: Instant, room: usize) -> Option<String> {
        let young = now.saturating_duration_since(self.since) < SHOW_AFTER;
        if young && self.total.is_none_or(|t| t < SHOW_FROM) {
            return None;
        }
        let total = self.total.filter(|&t| t > 0);
        let done = total.map_or(self.done, |t| self.done.min(t));
        let rate = self.rate(now).filter(|&r| r >= 1.0);
        let amount = match total {
            Some(t) => format!("{} of {}", bytes_text(done), bytes_text(t)),
            None => bytes_text(done),
        };
        let short = match total {
            Some(t) => format!("{}%", done * 100 / t),
            None => bytes_text(done),
        };
        let speed = rate.map(|r| format!("{}/s", bytes_text(r as u64)));
        let left = match (rate, total) {
            (Some(r), Some(t)) if t > done => Some(format!(
                "{} left",
                clock(Duration::from_secs_f64((t - done) as f64 / r))
            )),
            _ => None,
        };
        let forms = [
            [Some(amount), speed.clone(), left.clone()],
            [Some(short.clone()), speed, left.clone()],
            [Some(short.clone()), None, left],
            [Some(short), None, None],
        ];
        let joined: Vec<String> = forms
            .iter()
            .map(|parts| {
                parts
                    .iter()
                    .flatten()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" · ")
            })
            .collect();
        joined
            .iter()
            .find(|t| console::measure_text_width(t) <= room)
            .or(joined.last())
            .cloned()
    }
}

impl Board {
    /// The plain line for a document's current stage, unless it was the last one
    /// printed for it.
    pub(super) fn plain_line(&mut self, id: usize) -> Option<String> {
        let doc = &mut self.docs[id];
        let mut text = doc.stage.name().to_string();
        match (doc.stage, &doc.detail) {
            (Stage::Done, Some(d)) => write!(text, " → {d}").unwrap_or(()),
            (Stage::Failed | Stage::Skipped, Some(d)) => write!(text, ": {d}").unwrap_or(()),
            (Stage::Waiting, Some(d)) => write!(text, " ({d})").unwrap_or(()),
            (Stage::Running, _) => {
                if let Some(p) = doc.pages {
                    write!(text, " {}/{} pages", p.done.min(p.total), p.total).unwrap_or(());
                }
            }
            (Stage::Uploading, _) => {
                if let Some(total) = doc.transfer.as_ref().and_then(|t| t.total) {
                    write!(text, " {}", bytes_text(total)).unwrap_or(());
                }
            }
            _ => {}
        }
        let line = format!("docpipe: {}: {text}", doc.name);
        if doc.printed.as_deref() == Some(line.as_str()) {
            return None;
        }
        doc.printed = Some(line.clone());
        Some(line)
    }

    /// The board as lines of at most `width` columns, for a screen of `height`
    /// lines: it takes at most half of it.
    pub fn frame(&self, now: Instant, width: usize, height: usize) -> Vec<String> {
        let width = width.max(20);
        let total = self.total();
        let counts = self.counts();
        let count = |s: Stage| counts[s as usize];
        let finished = count(Stage::Done) + count(Stage::Failed) + count(Stage::Skipped);
        let elapsed = now.saturating_duration_since(self.start);

        // Line 1: clock, a bar, finished of total, time left.
        let mut head = format!("[{}] ", clock(elapsed));
        let left = match (finished, total) {
            (0, _) => String::new(),
            (f, t) if f >= t => String::new(),
            (f, t) => {
                let per = elapsed.as_secs_f64() / f as f64;
                format!(
                    " · about {} left",
                    clock(Duration::from_secs_f64(per * (t - f) as f64))
                )
            }
        };
        let tail = format!(" {finished}/{total} finished{left}");
        let bar_width = width
            .saturating_sub(console::measure_text_width(&head) + tail.len() + 2)
            .min(30);
        if bar_width >= 5 {
            let filled = (bar_width as u64 * finished)
                .checked_div(total)
                .unwrap_or(0) as usize;
            head.push_str(&"#".repeat(filled));
            head.push_str(&"-".repeat(bar_width - filled));
        }
        head.push_str(&tail);

        // Line 2: every non-empty stage; the numbers add up to the total.
        let parts: Vec<String> = Stage::ALL
            .iter()
            .filter(|s| count(**s) > 0)
            .map(|s| format!("{} {}", count(*s), s.name()))
            .collect();
        let counts_line = format!("{}: {}", plural(total, "document"), parts.join(" · "));

        let mut lines = vec![fit(&head, width), fit(&counts_line, width)];

        let mut active: Vec<&Doc> = self
            .docs
            .iter()
            .filter(|d| d.stage.is_active() && !d.settled)
            .collect();
        active.sort_by_key(|d| (d.stage.rank(), d.since));
        // At most half the screen (five lines at least, never the whole of
        // it), so the lines printed above (errors, warnings) stay in sight.
        let budget = (height / 2).max(5).min(height.saturating_sub(1)).max(1);
        if budget <= lines.len() {
            lines.truncate(budget);
            return lines;
        }
        let cap = budget - lines.len();
        let shown = if active.len() > cap {
            cap - 1
        } else {
            active.len()
        };
        let name_width = active
            .iter()
            .take(shown)
            .map(|d| console::measure_text_width(&d.name))
            .max()
            .unwrap_or(0)
            .min(width / 3);
        for doc in active.iter().take(shown) {
            lines.push(fit(&doc_line(doc, now, name_width, width), width));
        }
        if active.len() > shown {
            let rest = &active[shown..];
            let mut by_stage: Vec<String> = Vec::new();
            for stage in Stage::ALL {
                let n = rest.iter().filter(|d| d.stage == stage).count();
                if n > 0 {
                    by_stage.push(format!("{n} {}", stage.name()));
                }
            }
            lines.push(fit(
                &format!("  … and {} more: {}", rest.len(), by_stage.join(", ")),
                width,
            ));
        }
        lines
    }
}

/// A document's board line for a terminal `width` columns wide.
fn doc_line(doc: &Doc, now: Instant, name_width: usize, width: usize) -> String {
    let name = fit(&doc.name, name_width + 1);
    let pad = name_width.saturating_sub(console::measure_text_width(&name));
    // Name, stage and the time in this stage first: a cut line loses details only.
    let mut line = format!(
        "  {name}{} {:<11} {:>6}",
        " ".repeat(pad),
        doc.stage.name(),
        clock(now.saturating_duration_since(doc.since))
    );
    // What `fit` leaves after the two spaces before the details.
    let room = width
        .saturating_sub(1)
        .saturating_sub(console::measure_text_width(&line) + 2);
    // A transfer in any stage under way: a synchronous provider uploads while
    // its document counts as running (and once its upload is whole, the line
    // is about the provider's work again).
    let transfer = doc.transfer.as_ref().filter(|t| match doc.stage {
        Stage::Uploading | Stage::Downloading => true,
        stage => stage.is_active() && t.total.is_none_or(|total| t.done < total),
    });
    if let Some(text) = transfer.and_then(|t| t.text(now, room)) {
        write!(line, "  {text}").unwrap_or(());
        return line;
    }
    match (doc.stage, doc.pages) {
        (Stage::Running, Some(p)) if p.total > 0 => {
            write!(line, "  page {}/{}", p.done.min(p.total), p.total).unwrap_or(());
        }
        (Stage::Waiting, _) => {
            if let Some(d) = &doc.detail {
                write!(line, "  {d}").unwrap_or(());
            }
        }
        _ => {}
    }
    line
}

/// A line cut to the terminal's width less one column (wide characters count
/// as two), with `…` where it was cut.
fn fit(line: &str, width: usize) -> String {
    let room = width.saturating_sub(1);
    if console::measure_text_width(line) <= room {
        return line.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in line.chars() {
        let w = console::measure_text_width(c.encode_utf8(&mut [0; 4]));
        if used + w + 1 > room {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// What the summary that stays on screen says besides the counts.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    /// Where the results are (an output folder, or a file).
    pub output: Option<String>,
    /// The provider batch IDs of the run (for `status` / `fetch`).
    pub batch_ids: Vec<String>,
    /// The command that deals with the failures (e.g. the same batch with
    /// `--retry-failed`); shown only when something failed.
    pub next_step: Option<String>,
}

/// The lines of the summary.
pub fn summary_lines(board: &Board, now: Instant, summary: &Summary) -> Vec<String> {
    let counts = board.counts();
    let count = |s: Stage| counts[s as usize];
    let mut parts: Vec<String> = Vec::new();
    for stage in Stage::ALL {
        let n = count(stage);
        if n > 0 || stage == Stage::Done {
            let word = match stage {
                Stage::Queued => "not started",
                Stage::Uploading => "still uploading",
                Stage::Waiting => "still waiting",
                Stage::Running => "still running",
                Stage::Downloading => "still downloading",
                other => other.name(),
            };
            parts.push(format!("{n} {word}"));
        }
    }
    let mut lines = vec![format!(
        "docpipe: {} in {}: {}",
        plural(board.total(), "document"),
        span(now.saturating_duration_since(board.start)),
        parts.join(", ")
    )];
    if let Some(out) = &summary.output {
        lines.push(format!("docpipe: results in {out}"));
    }
    match summary.batch_ids.len() {
        0 => {}
        1 => lines.push(format!(
            "docpipe: batch ID: {} (docpipe status {0})",
            summary.batch_ids[0]
        )),
        _ => lines.push(format!(
            "docpipe: batch IDs: {}",
            summary.batch_ids.join(", ")
        )),
    }
    if count(Stage::Failed) > 0 {
        if let Some(next) = &summary.next_step {
            lines.push(format!("docpipe: next: {next}"));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::board::tests::{board_of, MB};
    use crate::task::Progress;

    #[test]
    fn the_clock_ticks_without_any_change() {
        let (board, start) = board_of(1, &[("a.pdf", Stage::Running)]);
        let at = |s| board.frame(start + Duration::from_secs(s), 80, 24)[0].clone();
        assert!(at(0).starts_with("[0:00]"), "{}", at(0));
        assert!(at(16).starts_with("[0:16]"), "{}", at(16));
        assert!(at(3725).starts_with("[1:02:05]"));
    }

    #[test]
    fn at_most_a_screen_of_active_lines_and_the_rest_summarised() {
        let docs: Vec<(String, Stage)> = (0..30)
            .map(|i| {
                let stage = if i % 3 == 0 {
                    Stage::Running
                } else {
                    Stage::Waiting
                };
                (format!("doc{i:02}.pdf"), stage)
            })
            .collect();
        let refs: Vec<(&str, Stage)> = docs.iter().map(|(n, s)| (n.as_str(), *s)).collect();
        let (board, start) = board_of(30, &refs);
        for (w, h) in [(80, 24), (200, 50), (40, 10), (80, 3)] {
            let frame = board.frame(start, w, h);
            assert!(frame.len() < h.max(4), "{w}x{h}: {} lines", frame.len());
            assert!(
                frame.iter().all(|l| l.chars().count() < w),
                "{w}x{h}: {frame:#?}"
            );
            assert!(
                frame.len() <= (h / 2).max(5),
                "{w}x{h}: {} lines",
                frame.len()
            );
            if h < 4 {
                assert_eq!(frame.len(), h - 1, "{frame:#?}");
                continue;
            }
            let more = frame.last().unwrap();
            assert!(more.contains("… and ") && more.contains("more"), "{more}");
            let shown = frame.len() - 3;
            let rest: usize = more
                .split("and ")
                .nth(1)
                .unwrap()
                .split(' ')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            assert_eq!(shown + rest, 30, "{frame:#?}");
            // Running documents come before waiting ones.
            assert!(frame[2].contains("running"), "{}", frame[2]);
        }
        assert_eq!(
            board.frame(start, 80, 70).len(),
            32,
            "all 30 fit in half of 70 lines"
        );
    }

    #[test]
    fn pages_only_while_running_and_known() {
        let start = Instant::now();
        let mut board = Board::new(start);
        let id = board.add("a.pdf", start);
        board.set_stage(id, Stage::Waiting, None, start);
        board.docs[id].pages = None;
        assert!(!board.frame(start, 80, 24)[2].contains("page"));
        board.set_stage(id, Stage::Running, None, start);
        board.docs[id].pages = Some(Progress { done: 3, total: 6 });
        assert!(board.frame(start, 80, 24)[2].contains("page 3/6"));
        // Done: the stale count goes with the stage.
        board.set_stage(id, Stage::Downloading, None, start);
        assert!(board.docs[id].pages.is_none());
        assert!(!board.frame(start, 80, 24)[2].contains("page"));
    }

    #[test]
    fn transfers_show_bytes_rate_and_time_left() {
        let start = Instant::now();
        let mut board = Board::new(start);
        let id = board.add("big.pdf", start);
        board.set_stage(id, Stage::Uploading, None, start);
        let mut t = Transfer::new(0, Some(190 * 1024 * 1024), start);
        t.advance(50 * 1024 * 1024, start + Duration::from_secs(10));
        board.docs[id].transfer = Some(t);
        let line = &board.frame(start + Duration::from_secs(10), 120, 24)[2];
        assert!(line.contains("50.0 MB of 190.0 MB"), "{line}");
        assert!(line.contains("5.0 MB/s"), "{line}");
        assert!(line.contains("0:28 left"), "{line}");
    }

    #[test]
    fn a_small_transfer_shows_no_bytes_until_it_has_run_a_second() {
        let t0 = Instant::now();
        let small = Transfer::new(0, Some(200 * 1024), t0);
        assert_eq!(small.text(t0 + Duration::from_millis(900), 80), None);
        assert!(small.text(t0 + Duration::from_millis(1100), 80).is_some());
        let large = Transfer::new(0, Some(2 * MB), t0);
        assert_eq!(large.text(t0, 80).as_deref(), Some("0.0 KB of 2.0 MB"));
        // No total: shown after a second too, whatever its size.
        let unknown = Transfer::new(0, None, t0);
        assert_eq!(unknown.text(t0, 80), None);
    }

    #[test]
    fn an_unknown_total_shows_bytes_and_rate_without_time_left() {
        let t0 = Instant::now();
        let mut t = Transfer::new(0, None, t0);
        t.advance(6 * MB, t0 + Duration::from_secs(3));
        let text = t.text(t0 + Duration::from_secs(3), 80).unwrap();
        assert_eq!(text, "6.0 MB · 2.0 MB/s");
    }

    #[test]
    fn a_narrow_line_keeps_the_rate_and_time_left_before_the_amounts() {
        let t0 = Instant::now();
        let mut t = Transfer::new(0, Some(190 * MB), t0);
        t.advance(50 * MB, t0 + Duration::from_secs(10));
        let at = t0 + Duration::from_secs(10);
        assert_eq!(
            t.text(at, 44).unwrap(),
            "50.0 MB of 190.0 MB · 5.0 MB/s · 0:28 left"
        );
        assert_eq!(t.text(at, 30).unwrap(), "26% · 5.0 MB/s · 0:28 left");
        assert_eq!(t.text(at, 20).unwrap(), "26% · 0:28 left");
        assert_eq!(t.text(at, 5).unwrap(), "26%");
        // On the board: every width from 40 to 200 columns, no line too wide,
        // and the rate and time left in view from 80 columns on.
        let mut board = Board::new(t0);
        let id = board.add("a-long-file-name-of-a-scan.pdf", t0);
        board.set_stage(id, Stage::Uploading, None, t0);
        board.docs[id].transfer = Some(t);
        for width in 40..=200 {
            let frame = board.frame(at, width, 24);
            assert!(
                frame.iter().all(|l| console::measure_text_width(l) < width),
                "{width}: {frame:#?}"
            );
            if width >= 80 {
                assert!(
                    frame[2].contains("5.0 MB/s · 0:28 left"),
                    "{width}: {}",
                    frame[2]
                );
            }
        }
    }

    #[test]
    fn a_running_document_shows_its_upload_until_it_is_whole() {
        let t0 = Instant::now();
        let mut board = Board::new(t0);
        let id = board.add("scan.pdf", t0);
        board.set_stage(id, Stage::Running, None, t0);
        let mut t = Transfer::new(0, Some(20 * MB), t0);
        t.advance(10 * MB, t0 + Duration::from_secs(2));
        board.docs[id].transfer = Some(t.clone());
        let at = t0 + Duration::from_secs(2);
        assert!(board.frame(at, 100, 24)[2].contains("10.0 MB of 20.0 MB"));
        t.advance(20 * MB, t0 + Duration::from_secs(4));
        board.docs[id].transfer = Some(t.clone());
        board.docs[id].pages = Some(Progress { done: 2, total: 5 });
        let line = &board.frame(t0 + Duration::from_secs(4), 100, 24)[2];
        assert!(!line.contains("MB") && line.contains("page 2/5"), "{line}");
        // An upload stays on its line while the server takes the last bytes.
        board.set_stage(id, Stage::Uploading, None, t0);
        board.docs[id].transfer = Some(t);
        let line = &board.frame(t0 + Duration::from_secs(4), 100, 24)[2];
        assert!(line.contains("20.0 MB of 20.0 MB"), "{line}");
    }

    #[test]
    fn plain_lines_once_per_change_with_plurals_in_the_summary() {
        let start = Instant::now();
        let mut board = Board::new(start);
        let id = board.add("a.pdf", start);
        let mut printed = Vec::new();
        for (stage, detail) in [
            (Stage::Uploading, None),
            (Stage::Waiting, Some("submitted as t-1")),
            (Stage::Waiting, Some("submitted as t-1")),
            (Stage::Running, None),
            (Stage::Running, None),
            (Stage::Downloading, None),
            (Stage::Done, Some("out/a/")),
            (Stage::Done, Some("out/a/")),
        ] {
            let changed = board.set_stage(id, stage, detail.map(str::to_string), start);
            if changed || stage.is_final() {
                printed.extend(board.plain_line(id));
            }
        }
        assert_eq!(
            printed,
            [
                "docpipe: a.pdf: uploading",
                "docpipe: a.pdf: waiting (submitted as t-1)",
                "docpipe: a.pdf: running",
                "docpipe: a.pdf: downloading",
                "docpipe: a.pdf: done → out/a/",
            ]
        );
        let lines = summary_lines(
            &board,
            start,
            &Summary {
                output: Some("out/".into()),
                ..Summary::default()
            },
        );
        assert_eq!(lines[0], "docpipe: 1 document in 0.0s: 1 done");
        assert_eq!(lines[1], "docpipe: results in out/");
        let (board, _) = board_of(
            3,
            &[
                ("a", Stage::Done),
                ("b", Stage::Failed),
                ("c", Stage::Failed),
            ],
        );
        let lines = summary_lines(
            &board,
            start,
            &Summary {
                batch_ids: vec!["b-1".into()],
                next_step: Some("docpipe batch -o out/ --retry-failed scans/".into()),
                ..Summary::default()
            },
        );
        assert_eq!(lines[0], "docpipe: 3 documents in 0.0s: 1 done, 2 failed");
        assert_eq!(lines[1], "docpipe: batch ID: b-1 (docpipe status b-1)");
        assert_eq!(
            lines[2],
            "docpipe: next: docpipe batch -o out/ --retry-failed scans/"
        );
    }

    #[test]
    fn long_lines_are_cut_to_the_width_wide_characters_counted_twice() {
        let line = format!("  {} waiting", "x".repeat(200));
        assert_eq!(fit(&line, 80).chars().count(), 79);
        assert!(fit(&line, 80).ends_with('…'));
        let wide = "文".repeat(100);
        assert_eq!(console::measure_text_width(&fit(&wide, 80)), 79);
        assert_eq!(fit("short", 80), "short");
        let start = Instant::now();
        let mut board = Board::new(start);
        let id = board.add(&"n".repeat(300), start);
        board.set_stage(
            id,
            Stage::Waiting,
            Some("submitted in batch 0123456789abcdef".repeat(5)),
            start,
        );
        let frame = board.frame(start + Duration::from_secs(75), 80, 24);
        assert!(
            frame[2].contains("1:15"),
            "the clock survives the cut: {}",
            frame[2]
        );
        assert!(frame.iter().all(|l| console::measure_text_width(l) <= 79));
    }
}
