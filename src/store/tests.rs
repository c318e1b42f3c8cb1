//! Idempotence of the record.
