//! Where log lines go and how they look: always stderr (systemd hands it to journald), as
//! text for people or one JSON object per line for log shippers (`--log-format`). Under
//! journald (`JOURNAL_STREAM` set) the timestamp is left out, since journald adds its own, and
//! so are colours.

use std::io::IsTerminal;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer, Registry};

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogFormat {
    /// One human-readable line per event.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// Installs the global subscriber. `SHENBAO_LOG` (an `EnvFilter` directive such as `debug` or
/// `shenbao=debug,warn`) wins over `default_filter`.
pub fn init(format: LogFormat, default_filter: &str) {
    let filter =
        EnvFilter::try_from_env("SHENBAO_LOG").unwrap_or_else(|_| EnvFilter::new(default_filter));
    let journal = std::env::var_os("JOURNAL_STREAM").is_some();
    let ansi = !journal && std::io::stderr().is_terminal();
    let layer: Box<dyn Layer<Registry> + Send + Sync> = match (format, journal) {
        (LogFormat::Text, false) => tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .with_ansi(ansi)
            .boxed(),
        (LogFormat::Text, true) => tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .with_ansi(false)
            .without_time()
            .boxed(),
        (LogFormat::Json, false) => tracing_subscriber::fmt::layer()
            .json()
            .with_writer(std::io::stderr)
            .boxed(),
        (LogFormat::Json, true) => tracing_subscriber::fmt::layer()
            .json()
            .with_writer(std::io::stderr)
            .without_time()
            .boxed(),
    };
    // A second init (tests calling main twice in one process) keeps the first subscriber.
    let _ = tracing_subscriber::registry()
        .with(layer)
        .with(filter)
        .try_init();
}
