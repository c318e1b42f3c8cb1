//! Which field a label names, by meaning within one form's known set: senders add colons,
//! spaces, hints in brackets, "号", or write a near-synonym (联系人手机号, 邮箱, 项目背景与意义).
//! A label is normalised, compared with every known label of the form, and taken only when one
//! field matches best; a label that fits two fields equally is reported, never guessed.

/// A label as compared: no white space, half-width, without hints in brackets such as （划√）
/// and without a trailing colon.
pub fn label_key(text: &str) -> String {
    let hw = super::value::half_width(text);
    let mut out = String::with_capacity(hw.len());
    let mut depth = 0usize;
    for c in hw.chars() {
        match c {
            '(' | '【' | '[' => depth += 1,
            ')' | '】' | ']' => depth = depth.saturating_sub(1),
            _ if depth > 0 || c.is_whitespace() || c == '*' || c == '※' => {}
            _ => out.push(c),
        }
    }
    out.trim_end_matches([':', '：']).to_string()
}

/// One field of a form and the labels known to name it.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    /// The field's key.
    pub key: &'static str,
    /// Labels as people write them; the same label under two fields makes it ambiguous.
    pub labels: &'static [&'static str],
}

/// What a label text names.
#[derive(Debug, Clone, PartialEq)]
pub enum Named {
    /// One field. `exact` when the normalised text is one of its known labels.
    Field {
        key: &'static str,
        score: f32,
        exact: bool,
    },
    /// Two or more fields fit equally well: which one is meant cannot be told.
    Ambiguous(Vec<&'static str>),
    /// Not a label of this form.
    Nothing,
}

impl Named {
    /// The field named exactly (a known label after normalisation), if any.
    pub fn exact(&self) -> Option<&'static str> {
        match self {
            Named::Field {
                key, exact: true, ..
            } => Some(key),
            _ => None,
        }
    }
}

/// Longest text (in characters, after normalisation) still compared by similarity: labels are
/// short, and a long text is a value however many label words it contains.
const MAX_FUZZY_CHARS: usize = 16;
/// Lowest similarity accepted: at least half of the longer of the two texts in common, in order.
const MIN_SCORE: f32 = 0.5;
/// Scores closer than this are a tie.
const TIE: f32 = 0.001;

/// A label as compared: [`label_key`] (half-width, no spaces, no bracketed hints, no trailing
/// colon), ASCII lower case, no numbering in front ("一、", "1."), no joining words or marks
/// (及 和 与 、 / -), and no trailing 号码 / 号 ("联系人手机号" is "联系人手机").
pub fn norm(text: &str) -> String {
    let key = label_key(text);
    let rest = strip_numbering(&key);
    let mut out: String = rest
        .chars()
        .filter(|c| {
            !matches!(
                c,
                '及' | '和'
                    | '与'
                    | '、'
                    | '/'
                    | '\\'
                    | '-'
                    | '_'
                    | '.'
                    | '·'
                    | '&'
                    | '+'
                    | ','
                    | '，'
                    | ':'
                    | '：'
                    | ';'
                    | '；'
                    | '"'
                    | '“'
                    | '”'
                    | '\''
            )
        })
        .flat_map(char::to_lowercase)
        .collect();
    for tail in ["号码", "号"] {
        if let Some(head) = out.strip_suffix(tail)
            && head.chars().count() >= 2
        {
            out = head.to_string();
            break;
        }
    }
    out
}

/// "一、项目背景意义", "1.企业名称", "(三)" (brackets already gone) → the label.
fn strip_numbering(key: &str) -> &str {
    let numeral = |c: char| c.is_ascii_digit() || "一二三四五六七八九十".contains(c);
    let rest = key.trim_start_matches(numeral);
    if rest.len() == key.len() {
        return key;
    }
    match rest.strip_prefix(['、', '.', '．', ',', '，', ')']) {
        Some(r) if !r.is_empty() => r,
        _ => key,
    }
}

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// Length of the longest common subsequence of two short texts.
fn lcs(a: &[char], b: &[char]) -> usize {
    let mut prev = vec![0usize; b.len() + 1];
    let mut cur = vec![0usize; b.len() + 1];
    for &x in a {
        for (j, &y) in b.iter().enumerate() {
            cur[j + 1] = if x == y {
                prev[j] + 1
            } else {
                cur[j].max(prev[j + 1])
            };
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// How well a normalised text fits one known label: the characters they share in order over
/// the longer of the two; a label extended at its end ("项目负责人姓名电话") counts at least
/// as much as half its extra length.
fn similarity(text: &[char], label: &[char]) -> f32 {
    let common = lcs(text, label);
    if common < 2 {
        return 0.0;
    }
    let longer = text.len().max(label.len()) as f32;
    let mut score = common as f32 / longer;
    if label.len() >= 2 && text.starts_with(label) {
        score = score.max(0.5 + 0.5 * label.len() as f32 / text.len() as f32);
    }
    score
}

/// Which of `entries` a label text names.
pub fn classify(entries: &[Entry], text: &str) -> Named {
    let key = norm(text);
    if key.is_empty() {
        return Named::Nothing;
    }
    let mut exact: Vec<&'static str> = Vec::new();
    for e in entries {
        if e.labels.iter().any(|l| norm(l) == key) && !exact.contains(&e.key) {
            exact.push(e.key);
        }
    }
    match exact.len() {
        0 => {}
        1 => {
            return Named::Field {
                key: exact[0],
                score: 1.0,
                exact: true,
            };
        }
        _ => return Named::Ambiguous(exact),
    }
    let chars: Vec<char> = key.chars().collect();
    if chars.len() > MAX_FUZZY_CHARS || !has_cjk(&key) {
        return Named::Nothing;
    }
    let mut best: Vec<(&'static str, f32)> = Vec::new();
    for e in entries {
        let score = e
            .labels
            .iter()
            .map(|l| similarity(&chars, &norm(l).chars().collect::<Vec<_>>()))
            .fold(0.0f32, f32::max);
        if score >= MIN_SCORE {
            best.push((e.key, score));
        }
    }
    let Some(top) = best.iter().map(|(_, s)| *s).reduce(f32::max) else {
        return Named::Nothing;
    };
    let mut keys: Vec<&'static str> = best
        .iter()
        .filter(|(_, s)| top - *s < TIE)
        .map(|(k, _)| *k)
        .collect();
    keys.dedup();
    match keys.as_slice() {
        [one] => Named::Field {
            key: one,
            score: top,
            exact: false,
        },
        _ => Named::Ambiguous(keys),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FORM: &[Entry] = &[
        Entry {
            key: "name",
            labels: &["企业名称"],
        },
        Entry {
            key: "project",
            labels: &["项目名称"],
        },
        Entry {
            key: "mobile",
            labels: &["联系人手机", "联系电话"],
        },
        Entry {
            key: "landline",
            labels: &["固定电话", "联系电话"],
        },
        Entry {
            key: "email",
            labels: &["电子邮箱", "E-mail"],
        },
        Entry {
            key: "background",
            labels: &["项目背景意义"],
        },
    ];

    fn field(text: &str) -> Option<&'static str> {
        match classify(FORM, text) {
            Named::Field { key, .. } => Some(key),
            _ => None,
        }
    }

    #[test]
    fn edited_labels_normalise_to_the_known_one() {
        assert_eq!(norm("企业名称："), "企业名称");
        assert_eq!(norm("项 目 名 称"), "项目名称");
        assert_eq!(norm("统一社会信用代码（18位）"), "统一社会信用代码");
        assert_eq!(norm("联系人手机号"), "联系人手机");
        assert_eq!(norm("手机号码"), "手机");
        assert_eq!(norm("序号"), "序号");
        assert_eq!(norm("一、项目背景及意义"), "项目背景意义");
        assert_eq!(norm("E-Mail："), "email");
        assert_eq!(classify(FORM, "项 目 名 称：").exact(), Some("project"));
        assert_eq!(classify(FORM, "Email").exact(), Some("email"));
    }

    #[test]
    fn near_synonyms_find_the_one_best_field() {
        assert_eq!(field("邮箱"), Some("email"));
        assert_eq!(field("申报企业名称"), Some("name"));
        assert_eq!(field("项目背景与现实意义"), Some("background"));
        assert_eq!(field("天津市和平区"), None);
        assert_eq!(field("赖慧亮，办公室主任"), None);
        assert_eq!(field("13812345678"), None);
    }

    #[test]
    fn a_label_fitting_two_fields_is_ambiguous() {
        assert_eq!(
            classify(FORM, "联系电话"),
            Named::Ambiguous(vec!["mobile", "landline"])
        );
        assert_eq!(
            classify(FORM, "名称"),
            Named::Ambiguous(vec!["name", "project"])
        );
    }
}
