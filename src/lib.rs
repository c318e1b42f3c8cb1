//! shenbao (申报) reads the submission mailbox of the 2023 Tianjin quality-improvement project
//! call and answers every recommending unit.
//!
//! The modules follow the pipeline, each stage a function over typed data, I/O at the edges:
//!
//! - [`message`]: raw email → [`message::Email`] with every attachment (MIME, forwarded mail, zip).
//! - [`forms`]: attachment → form kind, version and fields (docx/doc/xlsx/xls grids, scans).
//! - [`rules`]: forms → problems, each with a stable code, a severity, the file and the field.
//! - [`verdict`]: a unit's materials so far → accepted / rejected / ignored.
pub mod forms;
pub mod message;
pub mod rules;
