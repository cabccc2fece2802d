//! The normalised copy of a text that the lexicon automaton runs over.
//!
//! Every character of the original is folded to lower-case ASCII: accents are dropped ("Migración" →
//! "migracion"), ligatures expand ("ﬁ" → "fi"), and every run of characters that are neither letters nor
//! digits (spaces, line breaks, punctuation, superscript footnote marks) becomes one space. Letters of other
//! scripts become `_`, a word character that no lexicon term contains, so they neither match nor join
//! neighbouring words. The copy starts with a space, so that a term pattern written as `" term"` only
//! matches at the start of a word.
//!
//! Each byte of the copy remembers the index (in Unicode scalar values, i.e. `char`s) of the original
//! character it came from, which is how a match in the copy becomes an evidence span in the original.

/// The byte that stands for any separator in the normalised copy.
pub const SEPARATOR: u8 = b' ';
/// The byte that stands for a letter or digit of a script the lexicon does not cover.
pub const FOREIGN_LETTER: u8 = b'_';

/// ASCII folded: letters and digits to lower case, everything else to the separator.
const ASCII_FOLD: [u8; 128] = {
    let mut table = [SEPARATOR; 128];
    let mut byte = 0;
    while byte < 128 {
        let c = byte as u8;
        if c.is_ascii_alphanumeric() {
            table[byte] = c.to_ascii_lowercase();
        }
        byte += 1;
    }
    table
};

/// A text folded for matching, with the way back to the original's character offsets.
#[derive(Debug, Default, Clone)]
pub struct Normalised {
    /// Lower-case ASCII: `a-z`, `0-9`, `_` and single spaces; always starts with a space.
    pub bytes: Vec<u8>,
    /// For each byte of `bytes`, the char index in the original text it came from.
    pub origin: Vec<u32>,
}

impl Normalised {
    /// Folds `text`. Cost: one pass over the bytes, a table lookup per ASCII byte, no allocation per
    /// character (both buffers are sized up front: a character never folds to more bytes than its UTF-8).
    pub fn new(text: &str) -> Normalised {
        let mut normalised = Normalised::default();
        normalised.refill(text);
        normalised
    }

    /// Folds `text` into this copy's buffers, replacing what they held: a classifier that reads many
    /// passages reuses one copy and allocates only when a passage is longer than any before.
    pub fn refill(&mut self, text: &str) {
        let normalised = self;
        normalised.bytes.clear();
        normalised.origin.clear();
        normalised.bytes.reserve(text.len() + 1);
        normalised.origin.reserve(text.len() + 1);
        normalised.push_separator(0);
        let bytes = text.as_bytes();
        let mut at = 0;
        // Texts over 4 Gi characters would wrap; saturating keeps spans in range (they are clamped to
        // the text's length where used).
        let mut index: u32 = 0;
        while at < bytes.len() {
            let byte = bytes[at];
            if byte < 0x80 {
                match ASCII_FOLD[usize::from(byte)] {
                    SEPARATOR => normalised.push_separator(index),
                    folded => normalised.push(folded, index),
                }
                at += 1;
            } else {
                // `at` is always on a character boundary: it only moves by whole characters.
                let c = text[at..]
                    .chars()
                    .next()
                    .unwrap_or(char::REPLACEMENT_CHARACTER);
                match fold(c) {
                    Folded::One(folded) => normalised.push(folded, index),
                    Folded::Two(first, second) => {
                        normalised.push(first, index);
                        normalised.push(second, index);
                    }
                    Folded::Separator => normalised.push_separator(index),
                    Folded::Nothing => {}
                }
                at += c.len_utf8();
            }
            index = index.saturating_add(1);
        }
    }

    /// Folds a lexicon term: the same folding as a text, without the leading space.
    pub fn term(term: &str) -> String {
        let normalised = Normalised::new(term);
        let text = String::from_utf8_lossy(&normalised.bytes);
        text.trim().to_string()
    }

    #[inline(always)]
    fn push(&mut self, byte: u8, index: u32) {
        self.bytes.push(byte);
        self.origin.push(index);
    }

    #[inline(always)]
    fn push_separator(&mut self, index: u32) {
        if self.bytes.last() != Some(&SEPARATOR) {
            self.push(SEPARATOR, index);
        }
    }
}

enum Folded {
    One(u8),
    Two(u8, u8),
    Separator,
    /// Characters that sit inside a word without being part of its spelling.
    Nothing,
}

/// Folds one non-ASCII character. Latin letters of the four languages (and their neighbours) lose their
/// accents; superscript and subscript digits are footnote marks, hence separators.
fn fold(c: char) -> Folded {
    let byte = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å'
        | 'Ā' | 'ª' => b'a',
        'ç' | 'ć' | 'č' | 'Ç' | 'Ć' | 'Č' => b'c',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' | 'È' | 'É' | 'Ê' | 'Ë' | 'Ē' => b'e',
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'Ì' | 'Í' | 'Î' | 'Ï' | 'ı' => b'i',
        'ñ' | 'ń' | 'Ñ' | 'Ń' => b'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'º' => {
            b'o'
        }
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'Ù' | 'Ú' | 'Û' | 'Ü' => b'u',
        'ý' | 'ÿ' | 'Ý' => b'y',
        'ś' | 'š' | 'Ś' | 'Š' => b's',
        'ź' | 'ż' | 'ž' | 'Ź' | 'Ż' | 'Ž' => b'z',
        'ł' | 'Ł' => b'l',
        'đ' | 'Đ' => b'd',
        'œ' | 'Œ' => return Folded::Two(b'o', b'e'),
        'æ' | 'Æ' => return Folded::Two(b'a', b'e'),
        'ß' => return Folded::Two(b's', b's'),
        'ﬁ' => return Folded::Two(b'f', b'i'),
        'ﬂ' => return Folded::Two(b'f', b'l'),
        'ﬀ' => return Folded::Two(b'f', b'f'),
        // Combining accents (a text in decomposed form, "e" + U+0301) vanish into their letter; a
        // zero-width joiner or soft hyphen inside a word must not split it either.
        '\u{0300}'..='\u{036f}'
        | '\u{00ad}'
        | '\u{200b}'..='\u{200d}'
        | '\u{2060}'
        | '\u{feff}' => return Folded::Nothing,
        c if c.is_alphabetic() => FOREIGN_LETTER,
        // Other scripts' digits are word characters; superscripts (footnote marks) are not.
        c if c.is_numeric() && !is_super_or_subscript(c) => FOREIGN_LETTER,
        _ => return Folded::Separator,
    };
    Folded::One(byte)
}

fn is_super_or_subscript(c: char) -> bool {
    matches!(c, '¹' | '²' | '³' | '\u{2070}'..='\u{209f}')
}
