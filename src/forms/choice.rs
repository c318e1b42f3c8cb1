//! Checkbox rows such as "☑大型  ☐中型  ☐小型  ☐微型": which option is ticked.
//!
//! Readers already turn symbol-font boxes into Unicode; here every Unicode way people tick a
//! box counts: ☑ ☒ ■ in place of □, or √ typed right before or after the □.

use super::grid::{EMPTY, TICKED};

/// What a checkbox row says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    /// Exactly one option ticked; for 其他 the free text follows as `其他:<text>`.
    One(String),
    /// No option ticked.
    None,
    /// Several options ticked (listed), which the form does not allow.
    Several(Vec<String>),
}

impl Choice {
    /// The single ticked option, if there is exactly one.
    pub fn value(&self) -> Option<&str> {
        match self {
            Choice::One(v) => Some(v),
            _ => None,
        }
    }
}

/// The option that takes free text after it.
pub const OTHER: &str = "其他";

fn is_tick_mark(c: char) -> bool {
    matches!(
        c,
        TICKED | '☒' | '■' | '▣' | '⊠' | '◼' | '▪' | '⬛' | '✓' | '✔' | '√' | '✅' | '🗹'
    )
}

fn is_box(c: char) -> bool {
    matches!(c, EMPTY | '□' | '◻' | '▢' | '〇' | '○')
}

fn is_mark(c: char) -> bool {
    is_tick_mark(c) || is_box(c)
}

fn is_gap(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}'
}

/// Reads a checkbox row against its options (longer options win where one contains another,
/// as 汽车及新能源汽车 contains 新能源).
pub fn parse(text: &str, options: &[&str]) -> Choice {
    let chars: Vec<char> = text.chars().collect();
    let found = locate(&chars, options);
    let any_mark = chars.iter().any(|&c| is_mark(c));
    let mut ticked: Vec<String> = Vec::new();
    for (i, &(start, end, opt)) in found.iter().enumerate() {
        let is_ticked = if any_mark {
            marks_before(&chars, start).iter().any(|&c| is_tick_mark(c))
                || tick_after(&chars, end, found.get(i + 1).map(|f| f.0))
        } else {
            // A row with no box left at all, where the sender deleted the other options:
            // the one option written is the answer only if it is alone.
            found.len() == 1
        };
        if is_ticked && !ticked.iter().any(|t| t == opt) {
            let value = if opt == OTHER {
                let next = found
                    .get(i + 1)
                    .map_or(chars.len(), |f| before_marks(&chars, f.0));
                let free = other_text(&chars[end.min(next)..next]);
                if free.is_empty() {
                    OTHER.to_string()
                } else {
                    format!("{OTHER}:{free}")
                }
            } else {
                opt.to_string()
            };
            ticked.push(value);
        }
    }
    match ticked.len() {
        0 => Choice::None,
        1 => Choice::One(ticked.remove(0)),
        _ => Choice::Several(ticked),
    }
}

/// Non-overlapping occurrences of the options, longest first at each position.
fn locate<'a>(chars: &[char], options: &[&'a str]) -> Vec<(usize, usize, &'a str)> {
    let mut sorted: Vec<(&str, Vec<char>)> =
        options.iter().map(|o| (*o, o.chars().collect())).collect();
    sorted.sort_by_key(|(_, c)| std::cmp::Reverse(c.len()));
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let hit = sorted
            .iter()
            .find(|(_, oc)| !oc.is_empty() && chars.get(i..i + oc.len()) == Some(oc.as_slice()));
        match hit {
            Some((o, oc)) => {
                out.push((i, i + oc.len(), *o));
                i += oc.len();
            }
            None => i += 1,
        }
    }
    out
}

/// The marks glued together right before an option ("☑", "□√", "√□"), allowing white space
/// between the marks and the label, and one space between a √ and its box.
fn marks_before(chars: &[char], start: usize) -> Vec<char> {
    let mut i = start;
    while i > 0 && chars.get(i - 1).is_some_and(|&c| is_gap(c)) {
        i -= 1;
    }
    let mut marks = Vec::new();
    while i > 0 && chars.get(i - 1).is_some_and(|&c| is_mark(c)) {
        i -= 1;
        marks.extend(chars.get(i).copied());
    }
    // "√ □大型": a tick standing alone before the box, separated by one space.
    if !marks.is_empty() && i >= 2 {
        let sep = chars.get(i - 1).copied();
        let tick = chars.get(i - 2).copied();
        let before = if i >= 3 {
            chars.get(i - 3).copied()
        } else {
            None
        };
        if sep.is_some_and(is_gap)
            && tick.is_some_and(|c| matches!(c, '√' | '✓' | '✔'))
            && before.is_none_or(is_gap)
        {
            marks.extend(tick);
        }
    }
    marks
}

/// Where the marks before an option start (so 其他's free text stops before the next box).
fn before_marks(chars: &[char], start: usize) -> usize {
    let mut i = start;
    while i > 0 && chars.get(i - 1).is_some_and(|&c| is_mark(c) || is_gap(c)) {
        i -= 1;
    }
    i
}

/// "□大型√": a tick right after an option label, not belonging to the next option's box.
fn tick_after(chars: &[char], end: usize, next_start: Option<usize>) -> bool {
    let Some(&c) = chars.get(end) else {
        return false;
    };
    if !matches!(c, '√' | '✓' | '✔') {
        return false;
    }
    // "大型√□中型" would be ambiguous; only count it when the next box is not glued to it.
    match chars.get(end + 1) {
        Some(&n) if is_box(n) => next_start.is_none(),
        _ => true,
    }
}

/// The free text written after 其他: without underscores, brackets, colons or blanks.
fn other_text(chars: &[char]) -> String {
    let s: String = chars.iter().collect();
    let trimmed = s.trim_matches(|c: char| {
        is_gap(c)
            || is_mark(c)
            || matches!(
                c,
                '＿' | '_'
                    | '（'
                    | '）'
                    | '('
                    | ')'
                    | '：'
                    | ':'
                    | '【'
                    | '】'
                    | '['
                    | ']'
                    | '—'
                    | '-'
            )
    });
    trimmed
        .split('\n')
        .map(|l| l.trim_matches(|c: char| is_gap(c) || matches!(c, '＿' | '_')))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .replace(['＿', '_'], "")
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::forms::application::{INDUSTRIES, SIZES};

    #[test]
    fn replaced_glyphs_tick() {
        assert_eq!(
            parse("☐大型  ☑中型  ☐小型  ☐微型", SIZES),
            Choice::One("中型".into())
        );
        assert_eq!(
            parse("□大型  ■中型  □小型", SIZES),
            Choice::One("中型".into())
        );
        assert_eq!(parse("□大型  ☒中型", SIZES), Choice::One("中型".into()));
    }

    #[test]
    fn typed_tick_before_or_after_the_box() {
        assert_eq!(
            parse("□大型  √□中型  □小型", SIZES),
            Choice::One("中型".into())
        );
        assert_eq!(
            parse("□大型  □√中型  □小型", SIZES),
            Choice::One("中型".into())
        );
        assert_eq!(
            parse("□大型  √ □中型  □小型", SIZES),
            Choice::One("中型".into())
        );
        assert_eq!(
            parse("□大型  □中型√  □小型", SIZES),
            Choice::One("中型".into())
        );
    }

    #[test]
    fn none_and_several() {
        assert_eq!(parse("□大型  □中型  □小型  □微型", SIZES), Choice::None);
        assert_eq!(
            parse("☑大型  ☑中型  □小型  □微型", SIZES),
            Choice::Several(vec!["大型".into(), "中型".into()])
        );
    }

    #[test]
    fn longest_option_wins() {
        let row = "□新能源  ☑汽车及新能源汽车  □生物医药";
        assert_eq!(
            parse(row, INDUSTRIES),
            Choice::One("汽车及新能源汽车".into())
        );
        let row = "☑新能源  □汽车及新能源汽车";
        assert_eq!(parse(row, INDUSTRIES), Choice::One("新能源".into()));
    }

    #[test]
    fn other_with_free_text() {
        let row = "□信创 □高端装备\n□轻纺\n☑其他＿＿节能环保＿＿＿";
        assert_eq!(parse(row, INDUSTRIES), Choice::One("其他:节能环保".into()));
        assert_eq!(
            parse("☑其他（现代物流）", INDUSTRIES),
            Choice::One("其他:现代物流".into())
        );
        assert_eq!(
            parse("☑其他：数字经济", INDUSTRIES),
            Choice::One("其他:数字经济".into())
        );
        assert_eq!(parse("□其他＿＿＿＿", INDUSTRIES), Choice::None);
    }

    #[test]
    fn a_lone_option_without_boxes_is_the_answer() {
        assert_eq!(parse("中型", SIZES), Choice::One("中型".into()));
        assert_eq!(parse("大型 中型", SIZES), Choice::None);
    }
}
