//! The Prometheus text exposition format 0.0.4, written by hand: a few lines per metric do
//! not justify the prometheus crate and its registry.

use std::fmt::Write;

/// The Content-Type `/metrics` answers with.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// A metric family being written.
pub struct Text {
    /// The page so far.
    out: String,
}

impl Text {
    /// An empty page.
    pub fn new() -> Text {
        Text { out: String::new() }
    }

    /// `# HELP` and `# TYPE` lines opening a family.
    pub fn family(&mut self, name: &str, kind: &str, help: &str) {
        let help = help.replace('\\', "\\\\").replace('\n', "\\n");
        let _ = writeln!(self.out, "# HELP {name} {help}");
        let _ = writeln!(self.out, "# TYPE {name} {kind}");
    }

    /// One sample line.
    pub fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: f64) {
        self.out.push_str(name);
        if !labels.is_empty() {
            self.out.push('{');
            for (i, (k, v)) in labels.iter().enumerate() {
                if i > 0 {
                    self.out.push(',');
                }
                let _ = write!(self.out, "{k}=\"{}\"", escape_label(v));
            }
            self.out.push('}');
        }
        let _ = writeln!(self.out, " {}", number(value));
    }

    /// The page.
    pub fn finish(self) -> String {
        self.out
    }
}

impl Default for Text {
    fn default() -> Self {
        Text::new()
    }
}

/// A label value with `\`, `"` and newlines escaped, as the format requires.
pub fn escape_label(v: &str) -> String {
    let mut s = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '\\' => s.push_str("\\\\"),
            '"' => s.push_str("\\\""),
            '\n' => s.push_str("\\n"),
            c => s.push(c),
        }
    }
    s
}

/// A value as the format spells it (Rust writes infinity as `inf`, Prometheus wants `+Inf`).
pub fn number(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v == f64::INFINITY {
        "+Inf".into()
    } else if v == f64::NEG_INFINITY {
        "-Inf".into()
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_escaped_and_numbers_spelled() {
        let mut t = Text::new();
        t.family("shenbao_x_total", "counter", "a\\b\nc");
        t.sample("shenbao_x_total", &[("a", "q\"\\\n"), ("b", "2")], 3.0);
        t.sample("shenbao_y", &[], f64::INFINITY);
        assert_eq!(
            t.finish(),
            "# HELP shenbao_x_total a\\\\b\\nc\n# TYPE shenbao_x_total counter\n\
             shenbao_x_total{a=\"q\\\"\\\\\\n\",b=\"2\"} 3\nshenbao_y +Inf\n"
        );
        assert_eq!(number(0.05), "0.05");
    }
}
