//! A fast, deterministic hasher for the word lexicons looked up per token (entity words,
//! titles, countries): the keys are short strings from our own `rules/`, so the
//! flooding-resistant default hasher buys nothing and costs more than the lookup itself.
//!
//! The mixing is FxHash's (as used in rustc): rotate, xor, multiply, a word at a time.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// A map keyed by words, with [`WordHasher`].
pub type WordMap<K, V> = HashMap<K, V, BuildHasherDefault<WordHasher>>;
/// A set of words, with [`WordHasher`].
pub type WordSet<K> = HashSet<K, BuildHasherDefault<WordHasher>>;

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

/// FxHash: not flooding-resistant, only fast; for trusted keys.
#[derive(Debug, Default, Clone, Copy)]
pub struct WordHasher {
    hash: u64,
}

impl WordHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for WordHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut buf = [0u8; 8];
            buf[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(buf));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_find_what_was_put() {
        let mut m: WordMap<String, usize> = WordMap::default();
        for (i, w) in ["Bank", "of", "Sea", "Institute", "a", "abcdefgh", "abcdefghi"].iter().enumerate() {
            m.insert(w.to_string(), i);
        }
        assert_eq!(m.get("Sea"), Some(&2));
        assert_eq!(m.get("abcdefghi"), Some(&6));
        assert_eq!(m.get("abcdefgh"), Some(&5));
        assert_eq!(m.get("sea"), None);
        let s: WordSet<String> = ["dr".to_string()].into_iter().collect();
        assert!(s.contains("dr") && !s.contains("d"));
    }
}
