//! The normalised copy of a text that the lexicon's terms are found in.
//!
//! Every character of the original is folded to lower-case ASCII: accents are dropped ("Migración" →
//! "migracion"), ligatures expand ("ﬁ" → "fi"), and every run of characters that are neither letters nor
//! digits (spaces, line breaks, punctuation, superscript footnote marks) becomes one space. Letters of other
//! scripts become `_`, a word character that no lexicon term contains, so they neither match nor join
//! neighbouring words. The copy starts with a space, so every word, the first too, follows a separator.
//!
//! The same pass reads the copy's words (`words.rs`): each word's bytes, its hash, and the characters
//! (Unicode scalar values, i.e. `char`s) of the original it came from, which is how a match in the copy
//! becomes an evidence span in the original.

use super::words::{fnv_step, EarlyEnd, Word, FNV_OFFSET};

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

/// A text folded for matching, read into words, with the way back to the original's characters.
#[derive(Debug, Default, Clone)]
pub struct Normalised {
    /// Lower-case ASCII: `a-z`, `0-9`, `_` and single spaces; always starts with a space.
    pub bytes: Vec<u8>,
    /// The runs of `bytes` between spaces, in order, each with the characters of the original it
    /// came from and its hash.
    pub(crate) words: Vec<Word>,
    /// The places inside a word where a term may end (a digit follows a letter), in order.
    pub(crate) early: Vec<EarlyEnd>,
}

/// Writes folded bytes into the copy by index and reads words as they end.
struct Writer<'a> {
    out: &'a mut [u8],
    words: &'a mut Vec<Word>,
    early: &'a mut Vec<EarlyEnd>,
    written: usize,
    /// The word being written: where it started (bytes, chars), its hash so far, and the index of the
    /// character its last byte came from.
    start: usize,
    char_start: usize,
    hash: u64,
    last_char: usize,
}

impl Writer<'_> {
    #[inline(always)]
    fn put(&mut self, byte: u8, index: usize) {
        let previous = self.out[self.written - 1];
        if byte == SEPARATOR {
            // A separator after a separator is dropped: single spaces.
            if previous != SEPARATOR {
                self.end_word();
                self.out[self.written] = SEPARATOR;
                self.written += 1;
            }
            return;
        }
        if previous == SEPARATOR {
            self.start = self.written;
            self.char_start = index;
            self.hash = FNV_OFFSET;
        } else if byte.is_ascii_digit() && previous.is_ascii_lowercase() {
            self.early.push(EarlyEnd {
                word: self.words.len(),
                end: self.written,
                char_end: self.last_char + 1,
                hash: self.hash,
            });
        }
        self.hash = fnv_step(self.hash, byte);
        self.last_char = index;
        self.out[self.written] = byte;
        self.written += 1;
    }

    /// Closes the word being written (called when a separator or the end of the text follows it).
    #[inline(always)]
    fn end_word(&mut self) {
        self.words.push(Word {
            start: self.start,
            end: self.written,
            char_start: self.char_start,
            char_end: self.last_char + 1,
            hash: self.hash,
        });
    }
}

impl Normalised {
    /// Folds `text`. Cost: one pass over the bytes, a table lookup per ASCII byte, no allocation per
    /// character (the buffer is sized up front: a character never folds to more bytes than its UTF-8).
    pub fn new(text: &str) -> Normalised {
        let mut normalised = Normalised::default();
        normalised.refill(text);
        normalised
    }

    /// Folds `text` into this copy's buffers, replacing what they held: a classifier that reads many
    /// passages reuses one copy and allocates only when a passage is longer than any before.
    pub fn refill(&mut self, text: &str) {
        let bytes = text.as_bytes();
        // A character never folds to more bytes than its UTF-8 has, and the copy adds a leading space:
        // the buffer is sized once and written by index, the length kept in a register rather than
        // updated by every push.
        self.bytes.clear();
        self.bytes.resize(bytes.len() + 1, SEPARATOR);
        self.words.clear();
        self.early.clear();
        let mut writer = Writer {
            out: &mut self.bytes,
            words: &mut self.words,
            early: &mut self.early,
            // bytes[0] is the leading space.
            written: 1,
            start: 0,
            char_start: 0,
            hash: FNV_OFFSET,
            last_char: 0,
        };
        let mut at = 0;
        let mut index = 0;
        while at < bytes.len() {
            let byte = bytes[at];
            if byte < 0x80 {
                writer.put(ASCII_FOLD[usize::from(byte)], index);
                at += 1;
            } else {
                // `at` is always on a character boundary: it only moves by whole characters.
                let c = text[at..]
                    .chars()
                    .next()
                    .unwrap_or(char::REPLACEMENT_CHARACTER);
                match fold(c) {
                    Folded::One(folded) => writer.put(folded, index),
                    Folded::Two(first, second) => {
                        writer.put(first, index);
                        writer.put(second, index);
                    }
                    Folded::Separator => writer.put(SEPARATOR, index),
                    Folded::Nothing => {}
                }
                at += c.len_utf8();
            }
            index += 1;
        }
        if writer.out[writer.written - 1] != SEPARATOR {
            writer.end_word();
        }
        let written = writer.written;
        self.bytes.truncate(written);
    }

    /// Folds a lexicon term: the same folding as a text, without the leading space.
    pub fn term(term: &str) -> String {
        let normalised = Normalised::new(term);
        let text = String::from_utf8_lossy(&normalised.bytes);
        text.trim().to_string()
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
