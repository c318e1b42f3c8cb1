//! Nesting depth measured on the raw bytes, before mail-parser sees them.
//!
//! mail-parser parses the whole MIME tree up front, without a depth limit: a message of
//! 100,000 nested multiparts costs it 120 MB. So the raw message is scanned line by line
//! first, with a stack of the open boundaries (at most `max_depth` multiparts within one
//! message, and `max_depth + 1` messages inline in one another), and whatever lies deeper is
//! cut out before parsing. Deep parts that only hold text cost nothing to lose; if the cut held
//! anything that looks like a file, the caller reports it.
//!
//! A delimiter line is `--`, the boundary, optionally `--`, and white space (RFC 2046); for the
//! innermost open boundary, whatever follows it (as mail-parser, which knows only that one).

use super::params;

/// The raw message with what lay too deep cut out.
pub(crate) struct Cut {
    /// The message to parse.
    pub raw: Vec<u8>,
    /// The cut held what looks like a file: its name when one was written.
    pub lost: Option<Option<String>>,
}

/// A multipart whose boundary is open.
struct Open {
    boundary: Vec<u8>,
    /// Multipart nesting of its children within their message.
    parts: usize,
    /// Messages nested around it.
    messages: usize,
    digest: bool,
}

/// Where the scan is.
#[derive(Clone, Copy)]
enum Mode {
    /// In the header block that started at `start`, of an entity at these depths.
    Headers {
        start: usize,
        parts: usize,
        messages: usize,
        in_digest: bool,
    },
    /// In a body (or a preamble or epilogue).
    Body,
}

/// Cuts out what lies deeper than `max_depth`; `None` when nothing does (the usual case: no
/// copy is made).
pub(crate) fn cut_deep(raw: &[u8], max_depth: usize) -> Option<Cut> {
    let mut scan = Scan {
        max_depth,
        stack: Vec::new(),
        mode: Mode::Headers {
            start: 0,
            parts: 0,
            messages: 0,
            in_digest: false,
        },
        skip_from: None,
        report: false,
        cuts: Vec::new(),
        lost: None,
    };
    let mut pos = 0;
    while pos < raw.len() {
        let start = pos;
        let end = raw
            .get(pos..)
            .and_then(|r| r.iter().position(|&b| b == b'\n'))
            .map_or(raw.len(), |i| pos + i);
        pos = end + 1;
        let line = raw.get(start..end).unwrap_or_default();
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let next = pos.min(raw.len());
        if scan.delimiter(line, start, next) {
            continue;
        }
        if scan.skip_from.is_some() {
            scan.skipped(line);
        } else if line.is_empty() {
            scan.headers_end(raw, start, next);
        }
    }
    scan.finish(raw)
}

/// The scan's state between lines.
struct Scan {
    /// Deepest multipart nesting kept (and messages kept within messages, plus two).
    max_depth: usize,
    /// The multiparts whose boundary is open, outermost first.
    stack: Vec<Open>,
    /// Header block or body.
    mode: Mode,
    /// Where the part being cut out began, while one is.
    skip_from: Option<usize>,
    /// Whether a file in what is being cut out must be reported.
    report: bool,
    /// The byte ranges cut out so far.
    cuts: Vec<(usize, usize)>,
    /// A file in a cut: its name when one was written.
    lost: Option<Option<String>>,
}

impl Scan {
    /// Handles `line` (starting at `start`; the next line starts at `next`) if it delimits an
    /// open multipart; whether it did.
    fn delimiter(&mut self, line: &[u8], start: usize, next: usize) -> bool {
        let Some(rest) = line.strip_prefix(b"--") else {
            return false;
        };
        let innermost = self.stack.len();
        let Some(i) = self.stack.iter().enumerate().rposition(|(i, o)| {
            // The innermost boundary is matched as loosely as mail-parser matches it
            // (anything may follow), so a ragged delimiter cannot hide a level from here.
            if i + 1 == innermost {
                rest.starts_with(&o.boundary)
            } else {
                is_delimiter(rest, &o.boundary)
            }
        }) else {
            return false;
        };
        if let Some(from) = self.skip_from.take() {
            self.cuts.push((from, start));
        }
        let Some(o) = self.stack.get(i) else {
            return true;
        };
        let (blen, parts, messages, digest) = (o.boundary.len(), o.parts, o.messages, o.digest);
        if rest.get(blen..).is_some_and(|t| t.starts_with(b"--")) {
            self.stack.truncate(i);
            self.mode = Mode::Body;
        } else {
            self.stack.truncate(i + 1);
            self.mode = Mode::Headers {
                start: next,
                parts,
                messages,
                in_digest: digest,
            };
        }
        true
    }

    /// A line of what is being cut out: remembered when it names a file to report.
    fn skipped(&mut self, line: &[u8]) {
        if self.report && self.lost.as_ref().is_none_or(Option::is_none) && looks_like_file(line) {
            self.lost = Some(file_name(line));
        }
    }

    /// An empty line (at `start`; the body begins at `body`): in a header block, its end,
    /// where the entity's type decides what follows.
    fn headers_end(&mut self, raw: &[u8], start: usize, body: usize) {
        let Mode::Headers {
            start: hs,
            parts,
            messages,
            in_digest,
        } = self.mode
        else {
            return;
        };
        self.mode = Mode::Body;
        let block = raw.get(hs..start).unwrap_or_default();
        let (ctype, boundary, identity) = content_type(block);
        if ctype.starts_with("multipart/")
            && let Some(b) = boundary
        {
            if parts + 1 > self.max_depth {
                self.skip_from = Some(body);
                self.report = true;
            } else {
                self.stack.push(Open {
                    boundary: b,
                    parts: parts + 1,
                    messages,
                    digest: ctype == "multipart/digest",
                });
            }
        } else if identity
            && (ctype == "message/rfc822"
                || ctype == "message/global"
                || (ctype.is_empty() && in_digest))
        {
            // The walk lists messages down to `max_depth` and marks the next one: that one
            // must still be parsed as a message.
            if messages + 1 > self.max_depth + 2 {
                // Below a message the walk already reports as too deeply forwarded.
                self.skip_from = Some(body);
                self.report = false;
            } else {
                self.mode = Mode::Headers {
                    start: body,
                    parts: 0,
                    messages: messages + 1,
                    in_digest: false,
                };
            }
        }
    }

    /// The message with the cuts taken out, or `None` when nothing was cut.
    fn finish(mut self, raw: &[u8]) -> Option<Cut> {
        if let Some(from) = self.skip_from {
            self.cuts.push((from, raw.len()));
        }
        if self.cuts.is_empty() {
            return None;
        }
        let mut out = Vec::with_capacity(raw.len());
        let mut at = 0;
        for (from, to) in self.cuts {
            out.extend_from_slice(raw.get(at..from).unwrap_or_default());
            // An empty body keeps the cut entity well-formed for the parser.
            out.extend_from_slice(b"\r\n");
            at = to;
        }
        out.extend_from_slice(raw.get(at..).unwrap_or_default());
        Some(Cut {
            raw: out,
            lost: self.lost,
        })
    }
}

/// The lower-case `type/subtype` of a header block, its boundary, and whether its body is not transfer-encoded (only then is an
/// attached message parsed inline).
fn content_type(block: &[u8]) -> (String, Option<Vec<u8>>, bool) {
    let mut ctype = String::new();
    let mut boundary = None;
    let mut identity = true;
    for (name, value) in params::headers(block) {
        match name.as_str() {
            "content-type" if ctype.is_empty() => {
                let main = value.split(|&b| b == b';').next().unwrap_or_default();
                ctype = String::from_utf8_lossy(main).trim().to_ascii_lowercase();
                boundary = params::parameters(&value)
                    .into_iter()
                    .find(|(n, _)| n == "boundary")
                    .map(|(_, v)| v)
                    .filter(|v| !v.is_empty());
            }
            "content-transfer-encoding" => {
                let v = String::from_utf8_lossy(&value).trim().to_ascii_lowercase();
                identity = matches!(v.as_str(), "" | "7bit" | "8bit" | "binary");
            }
            _ => {}
        }
    }
    (ctype, boundary, identity)
}

/// `rest` (a line after its `--`) is the boundary, alone or closing, with trailing white
/// space: a longer boundary that merely starts with this one is another boundary.
fn is_delimiter(rest: &[u8], boundary: &[u8]) -> bool {
    rest.strip_prefix(boundary).is_some_and(|t| {
        let t = t.strip_prefix(b"--").unwrap_or(t);
        t.iter().all(u8::is_ascii_whitespace)
    })
}

/// Where `needle` sits in `hay`, as a range relative to `hay`.
fn find(hay: &[u8], needle: &[u8]) -> Option<(usize, usize)> {
    if needle.is_empty() {
        return None;
    }
    hay.windows(needle.len())
        .position(|w| w == needle)
        .map(|i| (i, i + needle.len()))
}

/// A header line of a part that would be a file (named, or of a non-text type).
fn looks_like_file(line: &[u8]) -> bool {
    let l = String::from_utf8_lossy(line).to_ascii_lowercase();
    if l.starts_with("content-disposition:") {
        return l.contains("attachment") || l.contains("filename");
    }
    if let Some(v) = l.strip_prefix("content-type:") {
        let v = v.trim_start();
        return l.contains("name=")
            || !(v.starts_with("text/") || v.starts_with("multipart/") || v.is_empty());
    }
    false
}

/// The file name written on a header line, if any.
fn file_name(line: &[u8]) -> Option<String> {
    let l = line.to_ascii_lowercase();
    let at = find(&l, b"name=")?.1;
    let rest = line.get(at..)?;
    let value: Vec<u8> = match rest.strip_prefix(b"\"") {
        Some(q) => q.iter().copied().take_while(|&b| b != b'"').collect(),
        None => rest
            .iter()
            .copied()
            .take_while(|&b| b != b';' && !b.is_ascii_whitespace())
            .collect(),
    };
    let name = params::decode_words(&value).trim().to_string();
    (!name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests;
