//! The words of a normalised copy, read once, and the lexicon's terms found word by word.
//!
//! A word is a run of the copy between separators (so folded: lower case, no accents). One pass over
//! the copy gives each word's byte span and FNV-1a hash; every later step works on those hashes: the
//! lexicon's terms ([`TermIndex`]), the stopwords and the model's n-grams ([`WordTable`]). A term is a
//! sequence of whole words, so a term can only start where a word starts and end where one ends, or
//! where a digit follows a letter inside a word (a footnote mark glued to it: "migrants12"); the pass
//! records those places too.
//!
//! Hashes are fixed (no random seed): a model stores its n-grams' texts and the tables are built from
//! the texts, so a hash never leaves the process. A term found by its hash is checked against its
//! text, so a collision can cost a lookup but never a wrong match.

use super::normalise::{Normalised, SEPARATOR};

pub(crate) const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

#[inline(always)]
pub(crate) fn fnv_step(hash: u64, byte: u8) -> u64 {
    (hash ^ u64::from(byte)).wrapping_mul(FNV_PRIME)
}

/// FNV-1a of a word's bytes.
pub(crate) fn word_hash(word: &[u8]) -> u64 {
    word.iter().fold(FNV_OFFSET, |h, b| fnv_step(h, *b))
}

/// The hash of a word sequence from the hash of its first part and the next word's (order matters:
/// "a b" is not "b a").
#[inline(always)]
pub(crate) fn chain_hash(first: u64, second: u64) -> u64 {
    (first.rotate_left(29) ^ second).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// One word of a normalised copy: byte offsets into the copy and char offsets into the original
/// (end exclusive), and its hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Word {
    pub start: usize,
    pub end: usize,
    pub char_start: usize,
    pub char_end: usize,
    pub hash: u64,
}

/// A place inside word `word` where a term may end: a digit follows a letter at byte `end` of the copy
/// (`char_end` in the original); `hash` is the hash of the word's bytes before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct EarlyEnd {
    pub word: usize,
    pub end: usize,
    pub char_end: usize,
    pub hash: u64,
}

/// Where a term was found: bytes of the copy and chars of the original, end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub start: usize,
    pub end: usize,
    pub char_start: usize,
    pub char_end: usize,
}

/// Keys are hashes; 0 marks an empty slot, so a hash of 0 is stored as 1 (a collision of 2^-64).
#[inline(always)]
fn key(hash: u64) -> u64 {
    hash.max(1)
}

/// Hash → `u32`, open addressing with linear probing at most half full: a miss (most words) costs one or
/// two probes of a cache line.
#[derive(Debug, Clone)]
pub(crate) struct WordTable {
    keys: Vec<u64>,
    values: Vec<u32>,
    shift: u32,
}

impl WordTable {
    /// The first value given for a key wins.
    pub(crate) fn new(entries: impl ExactSizeIterator<Item = (u64, u32)>) -> WordTable {
        let slots = (entries.len() * 2).next_power_of_two().max(16);
        let mut table = WordTable {
            keys: vec![0; slots],
            values: vec![0; slots],
            shift: 64 - slots.trailing_zeros(),
        };
        for (hash, value) in entries {
            let key = key(hash);
            let mut slot = table.slot(key);
            loop {
                if table.keys[slot] == key {
                    break;
                }
                if table.keys[slot] == 0 {
                    table.keys[slot] = key;
                    table.values[slot] = value;
                    break;
                }
                slot = (slot + 1) & (slots - 1);
            }
        }
        table
    }

    #[inline(always)]
    fn slot(&self, key: u64) -> usize {
        // Fibonacci hashing spreads FNV's low-entropy high bits over the table.
        (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> self.shift) as usize
    }

    #[inline(always)]
    pub(crate) fn get(&self, hash: u64) -> Option<u32> {
        let key = key(hash);
        let mask = self.keys.len() - 1;
        let mut slot = self.slot(key);
        loop {
            let found = self.keys[slot];
            if found == key {
                return Some(self.values[slot]);
            }
            if found == 0 {
                return None;
            }
            slot = (slot + 1) & mask;
        }
    }
}

/// A table value's bit saying that a longer term starts with these words.
const CONTINUES: u32 = 1 << 31;

/// Every term (a folded pattern: words joined by single spaces) keyed by the chained hash of each of its
/// word prefixes: a prefix's value says whether a term ends there (pattern index + 1 in the low bits)
/// and whether a longer one goes on ([`CONTINUES`]).
#[derive(Debug, Clone)]
pub(crate) struct TermIndex {
    table: WordTable,
    patterns: Vec<Box<[u8]>>,
}

impl TermIndex {
    /// `patterns` are distinct folded terms (no leading or trailing space, single spaces between
    /// words), found later by their index.
    pub(crate) fn new(patterns: &[String]) -> TermIndex {
        let mut values: std::collections::HashMap<u64, u32> = Default::default();
        for (index, pattern) in patterns.iter().enumerate() {
            let words: Vec<&str> = pattern.split(SEPARATOR as char).collect();
            let mut hash = 0;
            for (at, word) in words.iter().enumerate() {
                let word = word_hash(word.as_bytes());
                hash = if at == 0 {
                    word
                } else {
                    chain_hash(hash, word)
                };
                let value = values.entry(hash).or_insert(0);
                if at + 1 < words.len() {
                    *value |= CONTINUES;
                } else if *value & !CONTINUES == 0 {
                    // Index + 1 fits: a lexicon holds a few thousand terms, far below 2^31.
                    *value |= index as u32 + 1;
                }
            }
        }
        TermIndex {
            table: WordTable::new(values.into_iter()),
            patterns: patterns
                .iter()
                .map(|p| p.as_bytes().to_vec().into_boxed_slice())
                .collect(),
        }
    }

    /// Calls `found(span, pattern)` for every occurrence of every term in a normalised copy,
    /// overlapping ones included, by start and then by length.
    pub(crate) fn find(&self, normalised: &Normalised, mut found: impl FnMut(Span, usize)) {
        let (bytes, words, early) = (&normalised.bytes, &normalised.words, &normalised.early);
        let mut check = |first: &Word, end: usize, char_end: usize, value: u32| {
            let pattern = (value & !CONTINUES) as usize;
            if pattern > 0 && bytes[first.start..end] == *self.patterns[pattern - 1] {
                let span = Span {
                    start: first.start,
                    end,
                    char_start: first.char_start,
                    char_end,
                };
                found(span, pattern - 1);
            }
        };
        for (first, word) in words.iter().enumerate() {
            let mut hash = 0;
            for (at, next) in words[first..].iter().enumerate() {
                let prefix = hash;
                hash = if at == 0 {
                    next.hash
                } else {
                    chain_hash(prefix, next.hash)
                };
                // A term ending inside this word ends before the whole word, so it comes first.
                if !early.is_empty() {
                    let index = first + at;
                    let from = early.partition_point(|e| e.word < index);
                    for inside in early[from..].iter().take_while(|e| e.word == index) {
                        let inside_hash = if at == 0 {
                            inside.hash
                        } else {
                            chain_hash(prefix, inside.hash)
                        };
                        if let Some(value) = self.table.get(inside_hash) {
                            check(word, inside.end, inside.char_end, value);
                        }
                    }
                }
                let Some(value) = self.table.get(hash) else {
                    break;
                };
                check(word, next.end, next.char_end, value);
                if value & CONTINUES == 0 {
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms_found(patterns: &[&str], text: &str) -> Vec<(String, usize)> {
        let patterns: Vec<String> = patterns.iter().map(|p| p.to_string()).collect();
        let index = TermIndex::new(&patterns);
        let normalised = Normalised::new(text);
        let mut found = Vec::new();
        index.find(&normalised, |span, pattern| {
            // The text is ASCII with single separators, so its span in the original, lower-cased,
            // reads as its span in the copy (which starts with a space: one byte ahead).
            assert_eq!(
                &text.to_lowercase()[span.char_start..span.char_end],
                String::from_utf8_lossy(&normalised.bytes[span.start..span.end])
            );
            found.push((
                String::from_utf8_lossy(&normalised.bytes[span.start..span.end]).to_string(),
                pattern,
            ))
        });
        found
    }

    #[test]
    fn terms_match_whole_words_overlapping_and_before_a_glued_digit() {
        let found = terms_found(
            &[
                "trata",
                "trata de personas",
                "personas",
                "pacto",
                "migrants",
            ],
            "Trata de personas; el impacto del pacto, migrants12 y migrantsx",
        );
        // "trata" and the longer term starting at the same word (shorter first), "personas" inside it,
        // "pacto" alone but not inside "impacto", "migrants" before the glued footnote mark 12 but not
        // inside "migrantsx".
        assert_eq!(
            found,
            [
                ("trata".to_string(), 0),
                ("trata de personas".to_string(), 1),
                ("personas".to_string(), 2),
                ("pacto".to_string(), 3),
                ("migrants".to_string(), 4),
            ]
        );
    }

    #[test]
    fn a_prefix_of_a_term_is_no_match_and_a_digit_after_a_digit_is_no_end() {
        // "objective 5" needs both words; "objective 50" has no early end (a digit after a digit).
        let found = terms_found(&["objective 5"], "objective, objective 50, objective 5.");
        assert_eq!(found, [("objective 5".to_string(), 0)]);
    }

    #[test]
    fn the_table_finds_every_key_and_misses_others() {
        let entries: Vec<(u64, u32)> = (0..1000u32)
            .map(|i| (word_hash(format!("w{i}").as_bytes()), i))
            .collect();
        let table = WordTable::new(entries.clone().into_iter());
        for (hash, value) in entries {
            assert_eq!(table.get(hash), Some(value));
        }
        assert_eq!(table.get(word_hash(b"absent")), None);
        // A hash of 0 is stored as 1 and still found.
        let zero = WordTable::new([(0u64, 7u32)].into_iter());
        assert_eq!(zero.get(0), Some(7));
    }
}
