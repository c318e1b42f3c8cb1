//! Progress of long operations (export, reprocess, history import): a bar on a terminal,
//! nothing otherwise (indicatif hides itself when stderr is not a terminal, so logs and
//! journald stay clean).

use indicatif::{ProgressBar, ProgressStyle};

/// A progress bar that may be hidden.
#[derive(Debug)]
pub struct Progress {
    /// The bar; hidden unless stderr is a terminal.
    bar: ProgressBar,
}

impl Default for Progress {
    fn default() -> Self {
        Progress::new()
    }
}

impl Progress {
    /// A bar drawn on stderr when it is a terminal.
    pub fn new() -> Progress {
        let bar = ProgressBar::hidden();
        if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
        Progress { bar }
    }

    /// A bar never drawn (tests, library use).
    pub fn hidden() -> Progress {
        Progress {
            bar: ProgressBar::hidden(),
        }
    }

    /// Starts counting to `len`.
    pub fn start(&self, len: u64, what: &'static str) {
        self.bar.set_length(len);
        self.bar.set_position(0);
        if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {elapsed}") {
            self.bar.set_style(style.progress_chars("=> "));
        }
        self.bar.set_message(what);
    }

    /// One more done.
    pub fn inc(&self) {
        self.bar.inc(1);
    }

    /// Sets the position (for callbacks that report `done of total`).
    pub fn set(&self, done: u64) {
        self.bar.set_position(done);
    }

    /// Clears the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
