//! shenbao (申报) reads the submission mailbox of the 2023 Tianjin quality-improvement project
//! call and answers every recommending unit.
//!
//! The modules follow the pipeline, each stage a function over typed data, I/O at the edges:
//!
//! - [`message`]: raw email → [`message::Email`] with every attachment (MIME, forwarded mail, zip),
//!   each typed from its bytes.
//! - [`forms`]: attachment → form kind, version and fields (docx/doc/xlsx/xls grids, scans).
//! - [`rules`]: one form → problems, each with a stable code, severity, file, field and message.
//! - [`verdict`]: a unit's materials so far → completeness, duplicates → accepted / rejected /
//!   ignored.
//! - [`pipeline`]: the stages chained for one email.
//!
//! Around them: [`config`] (the TOML file), [`history`] (past years' projects), [`cli`] and
//! [`commands`] (the command line), [`report`] (how outcomes print), [`acceptance`] (the corpus
//! run), and the daemon: [`daemon`] (`shenbao run`), [`mailbox`] (where mail comes from),
//! [`store`] (SQLite record and archive), [`notify`] (replies), [`samples`] (generated sample
//! submissions for a first run), [`ops`] (systemd notification, metrics, health, logging),
//! and [`division`] (the division's commands: status, list, show, export, reprocess, remind;
//! `shenbao config check` lives in [`check`]).
pub mod acceptance;
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
