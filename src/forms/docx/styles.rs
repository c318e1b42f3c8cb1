//! Run fonts, as far as checkboxes care: which symbol font (if any) a run is set in, from its
//! own `w:rFonts`, its character style, its paragraph style (each with its `w:basedOn` chain)
//! and the document defaults in `word/styles.xml`.

use std::collections::HashMap;

use quick_xml::events::{BytesStart, Event};

use super::xml::{self, Ns, Prefixes};
use crate::forms::ReadError;

/// The fonts whose code points mean pictures rather than letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FontClass {
    /// Any ordinary text font.
    Text,
    /// Wingdings: 0xFE ☑, 0xA8 ☐ …
    Wingdings,
    /// Wingdings 2: 0x52 ☑, 0x54 ☒, 0xA3 ☐ …
    Wingdings2,
    /// Symbol: 0xD6 is the radical sign people use as a tick.
    Symbol,
}

impl FontClass {
    /// Classifies a font by its name.
    pub(super) fn of(name: &str) -> FontClass {
        let n = name.trim();
        if n.eq_ignore_ascii_case("wingdings 2") || n.eq_ignore_ascii_case("wingdings2") {
            FontClass::Wingdings2
        } else if n.eq_ignore_ascii_case("wingdings") {
            FontClass::Wingdings
        } else if n.eq_ignore_ascii_case("symbol") {
            FontClass::Symbol
        } else {
            FontClass::Text
        }
    }

    /// True for the fonts whose code points are pictures.
    pub(super) fn is_symbol(self) -> bool {
        self != FontClass::Text
    }
}

/// The four font slots of `w:rFonts`; `None` where this level does not set the slot.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Fonts {
    /// Font for ASCII characters.
    pub ascii: Option<FontClass>,
    /// Font for other Latin characters (0x80–0xFF, where £ ¨ þ live).
    pub h_ansi: Option<FontClass>,
    /// Font for East Asian characters (what WPS often sets alone).
    pub east_asia: Option<FontClass>,
    /// Font for complex-script characters.
    pub cs: Option<FontClass>,
}

impl Fonts {
    /// Reads a `w:rFonts` element. A theme font wins over the explicit name and is never a
    /// symbol font.
    pub(super) fn from_element(e: &BytesStart) -> Fonts {
        // One pass over the attributes: every run carries an rFonts.
        let mut f = Fonts::default();
        let mut themed = [false; 4];
        for a in e.attributes().with_checks(false).flatten() {
            let (slot, theme) = match a.key.local_name().as_ref() {
                b"ascii" => (0, false),
                b"hAnsi" => (1, false),
                b"eastAsia" => (2, false),
                b"cs" => (3, false),
                b"asciiTheme" => (0, true),
                b"hAnsiTheme" => (1, true),
                b"eastAsiaTheme" => (2, true),
                b"cstheme" => (3, true),
                _ => continue,
            };
            let class = if theme {
                FontClass::Text
            } else {
                FontClass::of(&String::from_utf8_lossy(&a.value))
            };
            let target = match slot {
                0 => &mut f.ascii,
                1 => &mut f.h_ansi,
                2 => &mut f.east_asia,
                _ => &mut f.cs,
            };
            // A theme font wins over the explicit name whatever the attribute order.
            if let Some(done) = themed.get_mut(slot) {
                if !*done {
                    *target = Some(class);
                }
                *done |= theme;
            }
        }
        f
    }

    /// Slots this level leaves open are taken from `lower` (a style or the defaults).
    pub(super) fn or(self, lower: Fonts) -> Fonts {
        Fonts {
            ascii: self.ascii.or(lower.ascii),
            h_ansi: self.h_ansi.or(lower.h_ansi),
            east_asia: self.east_asia.or(lower.east_asia),
            cs: self.cs.or(lower.cs),
        }
    }

    /// The first slot set in a symbol font, for characters whose slot cannot be told (private
    /// use characters, letters typed in a run whose only symbol slot is East Asian).
    pub(super) fn any_symbol(&self) -> Option<FontClass> {
        [self.ascii, self.h_ansi, self.east_asia, self.cs]
            .into_iter()
            .flatten()
            .find(|f| f.is_symbol())
    }
}

/// Whether a styles part names any symbol font at all (else every run font is a text font as
/// far as boxes go).
pub(super) fn mentions_symbol_font(s: &str) -> bool {
    s.contains("ingdings") || s.contains("ymbol")
}

/// One style's own run fonts and parent, before the chain is followed.
#[derive(Debug, Clone, Default)]
struct RawStyle {
    /// `w:basedOn`.
    based_on: Option<String>,
    /// The style's `w:rPr/w:rFonts`.
    fonts: Fonts,
}

/// The styles part, reduced to fonts.
#[derive(Debug, Clone, Default)]
pub(super) struct Styles {
    /// `w:docDefaults/w:rPrDefault` fonts, under every style.
    defaults: Fonts,
    /// Paragraph styles by id, with their `basedOn` chain already applied.
    paragraph: HashMap<String, Fonts>,
    /// Character styles by id, chain applied.
    character: HashMap<String, Fonts>,
    /// The paragraph style used where a paragraph names none (`w:default="1"`).
    default_paragraph: Option<String>,
}

/// A `basedOn` chain longer than this is a loop or hostile; Word itself stops far earlier.
const MAX_CHAIN: usize = 32;

impl Styles {
    /// Fonts of a run: its own, then its character style, then its paragraph style, then the
    /// document defaults.
    pub(super) fn resolve(
        &self,
        direct: Fonts,
        run_style: Option<&str>,
        para_style: Option<&str>,
    ) -> Fonts {
        let character = run_style
            .and_then(|s| self.character.get(s))
            .copied()
            .unwrap_or_default();
        let para_id = para_style.or(self.default_paragraph.as_deref());
        let paragraph = para_id
            .and_then(|s| self.paragraph.get(s))
            .copied()
            .unwrap_or_default();
        direct.or(character).or(paragraph).or(self.defaults)
    }

    /// Reads `word/styles.xml`. Broken XML after the useful parts only loses what follows.
    pub(super) fn parse(s: &str) -> Result<Styles, ReadError> {
        let mut r = xml::reader(s);
        let mut prefixes = Prefixes::default();
        let mut root_seen = false;
        let mut styles = Styles::default();
        let mut raw: HashMap<(bool, String), RawStyle> = HashMap::new();
        // (is_paragraph, id) of the style being read; `None` inside docDefaults.
        let mut current: Option<(bool, String)> = None;
        let mut in_defaults = false;
        let mut in_rpr = false;
        let mut errors = 0usize;
        loop {
            let ev = match r.read_event() {
                Ok(ev) => ev,
                Err(quick_xml::Error::IllFormed(_)) if errors < 1000 => {
                    errors += 1;
                    continue;
                }
                Err(_) => break,
            };
            match ev {
                Event::DocType(t) => xml::check_doctype(&t)?,
                Event::Start(ref e) | Event::Empty(ref e) => {
                    if !root_seen {
                        prefixes.learn(e);
                        root_seen = true;
                    }
                    let start = matches!(ev, Event::Start(_));
                    let (ns, local) = prefixes.split(e.name().0);
                    if ns != Ns::W {
                        continue;
                    }
                    match local {
                        b"docDefaults" if start => in_defaults = true,
                        b"style" => {
                            let kind = xml::attr(e, b"type");
                            let is_para = kind.as_deref() == Some(b"paragraph");
                            let is_char = kind.as_deref() == Some(b"character");
                            let id = xml::attr_str(e, b"styleId").unwrap_or_default();
                            if is_para && xml::attr(e, b"default").as_deref() == Some(b"1") {
                                styles.default_paragraph = Some(id.clone());
                            }
                            current = (start && (is_para || is_char)).then_some((is_para, id));
                        }
                        b"rPr" if start => in_rpr = true,
                        b"basedOn" => {
                            if let Some(key) = &current {
                                raw.entry(key.clone()).or_default().based_on =
                                    xml::attr_str(e, b"val");
                            }
                        }
                        b"rFonts" if in_rpr => {
                            let fonts = Fonts::from_element(e);
                            if let Some(key) = &current {
                                raw.entry(key.clone()).or_default().fonts = fonts;
                            } else if in_defaults {
                                styles.defaults = fonts;
                            }
                        }
                        _ => {}
                    }
                }
                Event::End(ref e) => {
                    let (ns, local) = prefixes.split(e.name().0);
                    if ns != Ns::W {
                        continue;
                    }
                    match local {
                        b"docDefaults" => in_defaults = false,
                        b"style" => current = None,
                        b"rPr" => in_rpr = false,
                        _ => {}
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        for ((is_para, id), _) in raw.iter() {
            let fonts = chain(&raw, *is_para, id);
            if *is_para {
                styles.paragraph.insert(id.clone(), fonts);
            } else {
                styles.character.insert(id.clone(), fonts);
            }
        }
        Ok(styles)
    }
}

/// A style's fonts with its `basedOn` ancestors filling the open slots.
fn chain(raw: &HashMap<(bool, String), RawStyle>, is_para: bool, id: &str) -> Fonts {
    let mut fonts = Fonts::default();
    let mut key = (is_para, id.to_string());
    for _ in 0..MAX_CHAIN {
        let Some(style) = raw.get(&key) else { break };
        fonts = fonts.or(style.fonts);
        match &style.based_on {
            Some(parent) => key.1.clone_from(parent),
            None => break,
        }
    }
    fonts
}
