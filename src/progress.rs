//! Progress on stderr: bars on a terminal, one plain line per state change
//! elsewhere (CI logs stay readable), nothing with `-q`. The target is decided in
//! one place, [`Target::detect`].

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::provider::{Progress, State};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Bar,
    Plain,
    Hidden,
}

impl Target {
    /// `-q` hides everything; `DOCPIPE_PROGRESS=bar|plain|none` overrides; else
    /// bars when stderr is a terminal, plain lines otherwise.
    pub fn detect(quiet: bool, env: Option<&str>) -> Target {
        if quiet {
            return Target::Hidden;
        }
        match env {
            Some("bar") => Target::Bar,
            Some("plain") => Target::Plain,
            Some("none") => Target::Hidden,
            _ if std::io::stderr().is_terminal() => Target::Bar,
            _ => Target::Plain,
        }
    }
}

/// Colors only on a terminal, and never when `NO_COLOR` is set (no-color.org).
pub fn color_wanted(no_color: Option<&str>) -> bool {
    no_color.is_none() && std::io::stderr().is_terminal()
}

fn bar_template(color: bool) -> &'static str {
    if color {
        "{spinner:.cyan} {prefix:.bold} {wide_msg} {pos}/{len}"
    } else {
        "{spinner} {prefix} {wide_msg} {pos}/{len}"
    }
}

pub struct Reporter {
    target: Target,
    color: bool,
    multi: Option<MultiProgress>,
}

impl Reporter {
    pub fn new(target: Target, color: bool) -> Reporter {
        let multi = (target == Target::Bar)
            .then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr()));
        Reporter {
            target,
            color,
            multi,
        }
    }

    pub fn target(&self) -> Target {
        self.target
    }

    /// A progress line for one document.
    pub fn doc(&self, name: &str) -> DocProgress {
        let bar = self.multi.as_ref().map(|m| {
            let bar = m.add(ProgressBar::new(0));
            bar.set_style(
                ProgressStyle::with_template(bar_template(self.color))
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.set_prefix(name.to_string());
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        DocProgress {
            name: name.to_string(),
            plain: self.target == Target::Plain,
            bar,
            last: Arc::new(Mutex::new(None)),
        }
    }

    /// The overall bar of a batch (bar mode only): finished out of total.
    pub fn overall(&self, total: u64) -> ProgressBar {
        let bar = ProgressBar::new(total);
        bar.set_style(
            ProgressStyle::with_template("{bar:30.cyan/blue} {pos}/{len} {msg} [{elapsed}]")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        match &self.multi {
            Some(m) => m.insert(0, bar),
            None => bar,
        }
    }

    /// A line that is not an error: hidden with `-q`, printed above any bars.
    pub fn note(&self, text: &str) {
        match (&self.multi, self.target) {
            (_, Target::Hidden) => {}
            (Some(m), _) => {
                let _ = m.println(format!("docpipe: {text}"));
            }
            (None, _) => eprintln!("docpipe: {text}"),
        }
    }

    pub fn warn(&self, text: &str) {
        self.note(&format!("warning: {text}"));
    }

    /// A warning about security or configuration (a readable key file, an
    /// unknown config key): shown even with `-q`, which hides progress only.
    pub fn alert(&self, text: &str) {
        match &self.multi {
            Some(m) => {
                let _ = m.println(format!("docpipe: warning: {text}"));
            }
            None => eprintln!("docpipe: warning: {text}"),
        }
    }
}

/// One document's progress line; clones share it.
#[derive(Clone)]
pub struct DocProgress {
    name: String,
    plain: bool,
    bar: Option<ProgressBar>,
    last: Arc<Mutex<Option<String>>>,
}

impl DocProgress {
    pub fn state(&self, state: State, progress: Option<Progress>) {
        let text = match progress {
            Some(p) if p.total > 0 => format!("{state} {}/{} pages", p.done, p.total),
            _ => state.to_string(),
        };
        if let Some(bar) = &self.bar {
            bar.set_message(state.to_string());
            if let Some(p) = progress {
                bar.set_length(p.total);
                bar.set_position(p.done);
            }
        }
        self.line(text);
    }

    /// A free-form step: "uploading 1.2 MB", "submitted as …".
    pub fn step(&self, text: &str) {
        if let Some(bar) = &self.bar {
            bar.set_message(text.to_string());
        }
        self.line(text.to_string());
    }

    fn line(&self, text: String) {
        if !self.plain {
            return;
        }
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        if last.as_deref() != Some(text.as_str()) {
            eprintln!("docpipe: {}: {text}", self.name);
            *last = Some(text);
        }
    }

    pub fn finish(&self, text: &str) {
        if let Some(bar) = &self.bar {
            bar.finish_with_message(text.to_string());
        }
        self.line(text.to_string());
    }

    /// Finishes and removes the bar (batches: only active documents keep a line).
    pub fn finish_and_clear(&self, text: &str) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        self.line(text.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_means_plain_bar_styles() {
        assert!(!color_wanted(Some("1")));
        assert!(!bar_template(false).contains('.'));
        assert!(bar_template(true).contains(".cyan"));
        // Both templates are valid indicatif templates.
        for color in [false, true] {
            assert!(ProgressStyle::with_template(bar_template(color)).is_ok());
        }
    }
}
