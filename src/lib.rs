//! shenbao (申报) reads the submission mailbox of the 2023 Tianjin quality-improvement project
//! call and answers every recommending unit.
//!
//! The modules follow the pipeline, each stage a function over typed data, I/O at the edges,
//! and each imports only from the stages below it (the layer table in ARCHITECTURE.md, checked
//! by `tests/architecture.rs`):
//!
//! - [`message`]: raw email → [`message::Email`] with every attachment (MIME, forwarded mail, zip),
//!   each typed from its bytes.
//! - [`forms`]: attachment → form kind, version and fields (docx/doc/xlsx/xls grids, scans).
//! - [`rules`]: one form → problems, each with a stable code, severity, file, field and message;
//!   [`history`]: past years' projects.
//! - [`verdict`]: a unit's materials so far → completeness, duplicates → accepted / rejected /
//!   ignored, under its own [`verdict::Policy`].
//! - [`pipeline`]: the stages chained for one email.
//! - [`store`]: the SQLite record and the raw archive; every query, the read model, the judge's
//!   state.
//! - [`notify`]: what the units are told, and delivering it.
//!
//! Leaves every layer may use: [`shutdown`] (the stop signal) and [`telemetry`] (counters for
//! `/metrics`). Above the stages: [`config`] (the TOML file, converted into each stage's own
//! settings), [`mailbox`] (where mail comes from), [`samples`] (generated sample submissions),
//! [`report`] (how outcomes print), [`ops`] (systemd notification, `/healthz`, `/metrics`,
//! logging), [`division`] (the division's commands: status, list, show, export, reprocess,
//! remind, history import), [`check`] (`shenbao config check`), [`admin`] (`shenbao backup`), [`acceptance`] (the corpus
//! run), [`web`] (the division's web desk), [`daemon`] (`shenbao run`), and on top
//! [`commands`] and [`cli`] (the command line).
pub mod acceptance;
pub mod admin;
pub mod check;
pub mod cli;
pub mod commands;
pub mod config;
pub mod daemon;
pub mod division;
pub mod forms;
pub mod history;
pub mod mailbox;
pub mod message;
pub mod notify;
pub mod ops;
pub mod pipeline;
pub mod report;
pub mod rules;
pub mod samples;
pub mod shutdown;
pub mod store;
pub mod telemetry;
pub mod verdict;
pub mod web;
