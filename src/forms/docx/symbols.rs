//! Symbol-font code points to the Unicode glyphs the choice parser reads. A crossed box counts
//! as ticked: it is how people mark an option.

use super::styles::{FontClass, Fonts};
use crate::forms::grid::{EMPTY, TICKED};

/// What a symbol-font code point (0x00–0xFF, the private-use U+F0xx form reduced) shows, if it
/// is a box or a tick.
pub(super) fn glyph(font: FontClass, code: u32) -> Option<char> {
    match font {
        FontClass::Wingdings2 => match code {
            0x52 | 0x54 => Some(TICKED),
            0xA3 => Some(EMPTY),
            0x50 => Some('✓'),
            _ => None,
        },
        FontClass::Wingdings => match code {
            0xFE | 0xFD | 0x78 => Some(TICKED),
            0xA8 | 0x6F | 0x71 => Some(EMPTY),
            0xFC => Some('✓'),
            0x6E => Some('■'),
            _ => None,
        },
        FontClass::Symbol => match code {
            0xD6 => Some('√'),
            _ => None,
        },
        FontClass::Text => None,
    }
}

/// A private-use character U+F000–U+F0FF, as Word stores symbol-font characters typed or
/// pasted into text, reduced to its code point in the font.
fn private_use(c: char) -> Option<u32> {
    let u = u32::from(c);
    (0xF000..=0xF0FF).contains(&u).then(|| u - 0xF000)
}

/// A private-use character seen without any symbol font: only the code points that mean a box
/// in exactly one of the two Wingdings fonts are taken, the rest is noise.
fn unambiguous(code: u32) -> Option<char> {
    let w2 = glyph(FontClass::Wingdings2, code);
    let w1 = glyph(FontClass::Wingdings, code);
    match (w1, w2) {
        (Some(g), None) | (None, Some(g)) => Some(g),
        (Some(a), Some(b)) if a == b => Some(a),
        _ => None,
    }
}

/// What to write for one character of a run's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Out {
    /// The character itself.
    Keep,
    /// A glyph in its place.
    Glyph(char),
    /// Nothing: a picture of a symbol font that is not a box.
    Drop,
}

/// Maps one character of a run set in `fonts`.
pub(super) fn map_char(c: char, fonts: &Fonts) -> Out {
    if let Some(code) = private_use(c) {
        return match fonts.any_symbol() {
            Some(f) => glyph(f, code).map_or(Out::Drop, Out::Glyph),
            None => unambiguous(code).map_or(Out::Drop, Out::Glyph),
        };
    }
    let u = u32::from(c);
    if u > 0xFF {
        return Out::Keep;
    }
    // The slot Word draws this character with; East Asian and complex-script slots only
    // count for letters typed in a run whose sole symbol font sits there.
    let slot = if u < 0x80 { fonts.ascii } else { fonts.h_ansi };
    match slot {
        Some(f) if f.is_symbol() => glyph(f, u).map_or(Out::Drop, Out::Glyph),
        _ => match fonts.any_symbol() {
            Some(f) if !c.is_whitespace() => glyph(f, u).map_or(Out::Keep, Out::Glyph),
            _ => Out::Keep,
        },
    }
}

/// Whether a run's text may need mapping at all (the common case skips the per-character work).
pub(super) fn needs_mapping(text: &str, fonts: &Fonts) -> bool {
    fonts.any_symbol().is_some() || text.chars().any(|c| private_use(c).is_some())
}

/// The glyph of a `w:sym` element: its font and its hexadecimal `w:char`.
pub(super) fn sym(font: Option<&str>, char_hex: Option<&str>) -> Option<char> {
    let code = u32::from_str_radix(char_hex?.trim(), 16).ok()?;
    let class = font.map_or(FontClass::Text, FontClass::of);
    let reduced = if (0xF000..=0xF0FF).contains(&code) {
        code - 0xF000
    } else {
        code
    };
    if class.is_symbol() {
        return glyph(class, reduced);
    }
    if (0xF000..=0xF0FF).contains(&code) {
        return unambiguous(reduced);
    }
    // A symbol from a text font is an ordinary character (√ or □ from 宋体).
    char::from_u32(code).filter(|c| !c.is_control())
}
