//! Content-Type / Content-Disposition parameters re-read from the raw header bytes.
