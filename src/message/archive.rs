//! Zip archives: entries, GBK names, limits.
