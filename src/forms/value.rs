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

/// A whole number written the way a spreadsheet shows a number cell ("13447562223.0",
/// "1.3447562223E+10") as its digits, but only when every digit is written: "1.34476E+10" has
/// lost digits and stays as it is, for the rule to report.
pub fn whole_number(s: &str) -> Option<String> {
    let t = half_width(s);
    let t = t.trim();
    let (mantissa, exp) = match t.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.trim_start_matches('+').parse::<i32>().ok()?),
        None => (t, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int.is_empty()
        || !int.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
        || !(0..=20).contains(&exp)
    {
        return None;
    }
    // Every digit must be written: at least as many after the point as the exponent shifts
    // (a shorter mantissa had digits cut by the display), only zeros beyond, and something to
    // rewrite at all.
    let shift = usize::try_from(exp).ok()?;
    let (kept, beyond) = (frac.get(..shift)?, frac.get(shift..).unwrap_or(""));
    if !beyond.chars().all(|c| c == '0') || (!mantissa.contains('.') && exp == 0) {
        return None;
    }
    Some(format!("{int}{kept}"))
}

/// A mobile-phone field: its digits when it holds nothing but a phone number, else the text as
/// written (so the rule can say what is wrong with it).
pub fn mobile(s: &str) -> String {
    if let Some(d) = whole_number(s) {
        return d;
    }
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
    fn numbers_shown_by_a_spreadsheet_read_as_their_digits() {
        assert_eq!(mobile("13447562223.0"), "13447562223");
        assert_eq!(mobile("1.3447562223E+10"), "13447562223");
        assert_eq!(
            person_and_phone("何颖 1.3447562223E+10"),
            "何颖 13447562223"
        );
        // Digits lost to the display are not made up.
        assert_eq!(mobile("1.34476E+10"), "1.34476E+10");
        assert_eq!(whole_number("12.5"), None);
        assert_eq!(whole_number("abc"), None);
        assert_eq!(
            whole_number("1.3447562220E+10").as_deref(),
            Some("13447562220")
        );
        assert_eq!(whole_number("13447562223").as_deref(), None);
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
