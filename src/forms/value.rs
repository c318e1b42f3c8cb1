//! Normalising field values the way the division compares them.

/// Folds full-width ASCII forms (Ｆ，１，（）) to half-width and the ideographic space to a space.
pub fn half_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

/// The key two names are compared by: half-width, no white space. 天津市金德纺织 and
/// 天津金德纺织 stay different: no guessing about which words may be left out.
pub fn name_key(s: &str) -> String {
    half_width(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// A credit code as written on forms: upper case, no spaces or separators.
pub fn credit_code(s: &str) -> String {
    half_width(s)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '—'))
        .flat_map(char::to_uppercase)
        .collect()
}

/// A phone number reduced to its digits, without the +86 / 0086 country prefix.
pub fn phone_digits(s: &str) -> String {
    let s = half_width(s);
    let t = s.trim();
    let t = t
        .strip_prefix("+86")
        .or_else(|| t.strip_prefix("0086"))
        .or_else(|| t.strip_prefix("(86)"))
        .or_else(|| t.strip_prefix("(+86)"))
        .unwrap_or(t);
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    // "86 13812345678" written without the plus sign.
    if digits.len() == 13 && digits.starts_with("86") && t.trim_start().starts_with("86") {
        return digits[2..].to_string();
    }
    digits
}

/// A mobile-phone field: its digits when it holds nothing but a phone number, else the text as
/// written (so the rule can say what is wrong with it).
pub fn mobile(s: &str) -> String {
    let hw = half_width(s);
    let only_phone = hw
        .chars()
        .all(|c| c.is_ascii_digit() || c.is_whitespace() || matches!(c, '+' | '-' | '(' | ')'));
    if only_phone && hw.chars().any(|c| c.is_ascii_digit()) {
        phone_digits(&hw)
    } else {
        s.trim().to_string()
    }
}

/// "何颖：13447562223", "何颖/134-4756-2223", "何颖\n13447562223" → "何颖 13447562223".
pub fn person_and_phone(s: &str) -> String {
    let hw = half_width(s);
    let Some(pos) = hw.find(|c: char| c.is_ascii_digit() || c == '+') else {
        return s.trim().to_string();
    };
    let (name, phone) = hw.split_at(pos);
    let name = name.trim_matches(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                ':' | '：' | '/' | ',' | '，' | '、' | '(' | ';' | '；' | '-'
            )
    });
    let phone = mobile(phone.trim_end_matches([')', '）']));
    if name.is_empty() {
        phone
    } else {
        format!("{name} {phone}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credit_codes_fold_case_and_spaces() {
        assert_eq!(credit_code(" 91120101 ma06j63yx9 "), "91120101MA06J63YX9");
        assert_eq!(credit_code("９１１２"), "9112");
    }

    #[test]
    fn mobiles_lose_prefix_and_separators() {
        assert_eq!(mobile("+86 138-1234-5678"), "13812345678");
        assert_eq!(mobile("138 1234 5678"), "13812345678");
        assert_eq!(mobile("0086-13812345678"), "13812345678");
        assert_eq!(mobile("1381234567"), "1381234567");
        assert_eq!(mobile("无"), "无");
    }

    #[test]
    fn person_and_phone_joins_with_one_space() {
        assert_eq!(person_and_phone("何颖：13447562223"), "何颖 13447562223");
        assert_eq!(person_and_phone("何颖\n134-4756-2223"), "何颖 13447562223");
        assert_eq!(person_and_phone("叶磊 17610712135"), "叶磊 17610712135");
        assert_eq!(person_and_phone("叶磊"), "叶磊");
    }

    #[test]
    fn names_compare_without_width_or_spaces() {
        assert_eq!(
            name_key("天津（滨海）有限公司 "),
            name_key("天津(滨海)有限公司")
        );
        assert_ne!(name_key("天津市金德纺织"), name_key("天津金德纺织"));
    }
}
