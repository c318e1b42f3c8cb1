//! The unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters from a
//! 31-character alphabet, the last one a check character over the first 17.

const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

fn value(c: char) -> Option<u32> {
    ALPHABET.find(c).and_then(|i| u32::try_from(i).ok())
}

/// The check character the first 17 characters call for, if they are all valid.
pub fn expected_check(code: &str) -> Option<char> {
    let mut sum = 0u32;
    let mut chars = code.chars();
    for w in WEIGHTS {
        sum += value(chars.next()?)? * w;
    }
    let check = (31 - sum % 31) % 31;
    ALPHABET.chars().nth(usize::try_from(check).ok()?)
}

/// Why a (normalised) code is invalid, in Chinese for the sender; `None` when it is valid.
pub fn problem(code: &str) -> Option<String> {
    let n = code.chars().count();
    if n != 18 {
        return Some(format!("应为18位，实际为{n}位"));
    }
    if let Some(bad) = code.chars().find(|&c| value(c).is_none()) {
        return Some(format!("含有不允许的字符“{bad}”（不使用I、O、Z、S、V）"));
    }
    let expected = expected_check(code)?;
    let last = code.chars().last()?;
    // The right check character is never suggested: it would turn a mistyped code into a
    // valid but wrong one. The sender checks all 18 characters against the licence.
    (last != expected)
        .then(|| "未通过校验（末位校验码与前17位不符），请对照营业执照逐位核对全部18位".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_codes_validate() {
        for c in [
            "91120101584296705M",
            "91120101MA06J63YX9",
            "91350100M000100Y43",
            "91110000100006485K",
        ] {
            assert_eq!(problem(c), None, "{c}");
        }
    }

    #[test]
    fn wrong_check_length_or_letters_fail() {
        let wrong = problem("91120101584296705N").unwrap();
        assert!(wrong.contains("逐位核对全部18位"), "{wrong}");
        // Never the character that would make it pass.
        assert!(!wrong.contains('M'), "{wrong}");
        assert!(problem("9112010158429670").is_some());
        assert!(problem("9112010158429670IM").is_some());
    }
}
