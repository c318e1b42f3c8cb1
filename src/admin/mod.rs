//! The administrator's commands, beside the running service: what keeps the record safe
//! rather than what the division reads.
//!
//! - [`backup`]: `shenbao backup --out DIR`, a consistent copy of the record and the archive
//!   it points to while the daemon runs.

pub mod backup;
mod copy;
