//! Where submissions come from. The embedded default reads a local Maildir; the IMAP source
//! will sit beside it.

pub mod maildir;
