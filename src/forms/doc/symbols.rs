//! Symbol-font characters to Unicode: the Wingdings boxes people tick in Word forms.

use super::fib::{u16_at, u32_at};
use super::props::Chr;
use crate::forms::grid::{EMPTY, TICKED};

/// The symbol fonts whose boxes and ticks are known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Font {
    Wingdings,
    Wingdings2,
    Symbol,
}

fn font(name: &str) -> Option<Font> {
    let key: String = name
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    match key.as_str() {
        "wingdings" => Some(Font::Wingdings),
        "wingdings2" => Some(Font::Wingdings2),
        "symbol" => Some(Font::Symbol),
        _ => None,
    }
}

/// The Unicode for a symbol font's character code (the low byte; Word stores them as U+F0xx).
fn glyph(font: Font, code: u8) -> Option<char> {
    match (font, code) {
        // Wingdings 2: R ☑, Q/S/T boxes with a cross, £ and * empty boxes, P a tick.
        (Font::Wingdings2, 0x51..=0x54) => Some(TICKED),
        (Font::Wingdings2, 0xA3 | 0x2A) => Some(EMPTY),
        (Font::Wingdings2, 0x50) => Some('√'),
        (Font::Wingdings2, 0x4F) => Some('×'),
        // Wingdings: þ ☑, ý ☒, x ⌧, ¨ o q r empty boxes, n a filled square, ü a tick.
        (Font::Wingdings, 0xFE | 0xFD | 0x78) => Some(TICKED),
        (Font::Wingdings, 0xA8 | 0x6F | 0x71 | 0x72) => Some(EMPTY),
        (Font::Wingdings, 0x6E) => Some('■'),
        (Font::Wingdings, 0xFC) => Some('√'),
        (Font::Wingdings, 0xFB) => Some('×'),
        (Font::Symbol, 0xD6) => Some('√'),
        (Font::Symbol, 0xB4) => Some('×'),
        _ => None,
    }
}

fn font_of(ftc: Option<u16>, fonts: &[String]) -> Option<Font> {
    font(fonts.get(usize::from(ftc?))?)
}

/// A private-use symbol without a known font: the common Wingdings 2 boxes, else Wingdings.
fn pua_box(code: u8) -> Option<char> {
    glyph(Font::Wingdings2, code).or_else(|| glyph(Font::Wingdings, code))
}

/// The character to show for a text unit in a run with properties `chr`; `None` drops it
/// (a symbol of no known meaning, or a lone surrogate).
pub fn resolve(unit: u16, chr: &Chr, fonts: &[String]) -> Option<char> {
    // sprmCSymbol: the run holds a placeholder; the real character and font are in the sprm.
    if let Some((ftc, xchar)) = chr.symbol {
        let code = u8::try_from(xchar & 0x00FF).unwrap_or(0);
        return match font_of(Some(ftc), fonts) {
            Some(f) => glyph(f, code),
            // A symbol from an ordinary Unicode font is the character itself.
            None if !(0xF000..=0xF0FF).contains(&xchar) => char::from_u32(u32::from(xchar)),
            None => pua_box(code),
        };
    }
    let pua = (0xF000..=0xF0FF).contains(&unit);
    if unit < 0x100 || pua {
        let code = u8::try_from(unit & 0x00FF).unwrap_or(0);
        // ASCII letters take the run's ASCII font; other codes the "other" font.
        let order = if unit < 0x80 { [0, 2, 1] } else { [2, 0, 1] };
        // The first font the run sets decides; a run setting Times New Roman for ASCII shows
        // an 'R' even when its East Asian font is Wingdings.
        let ftc = order
            .iter()
            .find_map(|&i| chr.ftc.get(i).copied().flatten());
        let sym = font_of(ftc, fonts);
        if let Some(f) = sym {
            return glyph(f, code).or(if pua {
                None
            } else {
                char::from_u32(u32::from(unit))
            });
        }
        if pua {
            return pua_box(code);
        }
    }
    char::from_u32(u32::from(unit))
}

/// The state of a legacy FORMCHECKBOX field, from its FFData in the Data stream ([MS-DOC]
/// 2.9.75): a 4-byte size and a header of cbHeader bytes, then version, the bits (iType in
/// bits 0–1, iRes in bits 2–6), a size word and wDef. An unreadable box counts as empty, the
/// state Word gives a new one.
pub fn form_checkbox(data: &[u8], pic: Option<u32>) -> char {
    let state = || -> Option<bool> {
        let at = usize::try_from(pic?).ok()?;
        let header = usize::from(u16_at(data, at.checked_add(4)?)?);
        let ff = at.checked_add(header)?;
        if u32_at(data, ff)? != 0xFFFF_FFFF {
            return None;
        }
        let bits = u16_at(data, ff + 4)?;
        if bits & 0x3 != 1 {
            return None;
        }
        // iRes 25 means "the default": wDef decides.
        match (bits >> 2) & 0x1F {
            25 => Some(u16_at(data, ff + 8)? != 0),
            res => Some(res != 0),
        }
    };
    if state().unwrap_or(false) {
        TICKED
    } else {
        EMPTY
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fonts() -> Vec<String> {
        vec![
            "Times New Roman".into(),
            "Wingdings 2".into(),
            "Wingdings".into(),
        ]
    }

    #[test]
    fn the_runs_ascii_font_decides() {
        let wd2 = Chr {
            ftc: [Some(1), None, None],
            ..Chr::default()
        };
        assert_eq!(resolve(u16::from(b'R'), &wd2, &fonts()), Some(TICKED));
        assert_eq!(resolve(0xA3, &wd2, &fonts()), Some(EMPTY));
        let mixed = Chr {
            ftc: [Some(0), None, Some(1)],
            ..Chr::default()
        };
        assert_eq!(resolve(u16::from(b'R'), &mixed, &fonts()), Some('R'));
        assert_eq!(resolve(0x4E2D, &wd2, &fonts()), Some('中'));
    }

    #[test]
    fn private_use_and_symbol_sprm() {
        let plain = Chr::default();
        assert_eq!(resolve(0xF052, &plain, &fonts()), Some(TICKED));
        assert_eq!(resolve(0xF0A3, &plain, &fonts()), Some(EMPTY));
        let wd = Chr {
            ftc: [Some(2), None, Some(2)],
            ..Chr::default()
        };
        assert_eq!(resolve(0xF0FE, &wd, &fonts()), Some(TICKED));
        assert_eq!(resolve(0xF0A8, &wd, &fonts()), Some(EMPTY));
        assert_eq!(resolve(0xF0FF, &wd, &fonts()), None);
        let sym = Chr {
            symbol: Some((2, 0xF0FE)),
            ..Chr::default()
        };
        assert_eq!(resolve(u16::from(b'('), &sym, &fonts()), Some(TICKED));
        let unknown = Chr {
            symbol: Some((9, 0xF0FF)),
            ..Chr::default()
        };
        assert_eq!(resolve(u16::from(b'('), &unknown, &fonts()), None);
        let unicode = Chr {
            symbol: Some((0, 0x221A)),
            ..Chr::default()
        };
        assert_eq!(resolve(u16::from(b'('), &unicode, &fonts()), Some('√'));
    }
}
