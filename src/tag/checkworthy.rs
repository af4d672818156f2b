//! Check-worthiness: how much a fact-checker would want to see a claim, in [0, 1].
//!
//! The score is a logistic model whose features are the `checkworthiness` rules
//! (`rules/claims/checkworthiness.toml`): each rule is a test on the claim (its types,
//! entities, hedging, negation, attribution, length) and/or a pattern over its text, with a
//! weight in log-odds. The score is `1 / (1 + e^-(sum of the weights that fire))`, and the
//! names of the features that fired (all but the intercept, a rule with `when = "always"`
//! and no pattern) are listed on the claim, so every score can be explained.

use crate::rules::RuleSet;
use crate::rules::claim::{Test, verdict_holds};
use crate::rules::claim_prefilter::{NO, Verdict};
use crate::tag::EntityTag;

/// What the features test, besides the claim's text.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    /// The claim's types.
    pub types: &'a [String],
    /// Its entities.
    pub entities: &'a [EntityTag],
    /// Hedged.
    pub hedged: bool,
    /// Negated.
    pub negated: bool,
    /// Has a booster.
    pub boosted: bool,
    /// Someone else's claim.
    pub attributed: bool,
    /// Number of words.
    pub words: usize,
}

/// Number of words in `text` (runs of letters or digits; `'`, `’` and `-` continue a word
/// that is followed by more of it).
pub fn word_count(text: &str) -> usize {
    if text.is_ascii() {
        // One table step a byte: (whether a word starts here) << 1 | (inside a word after it).
        let mut state = 0u8;
        let mut n = 0;
        for &b in text.as_bytes() {
            let step = ASCII_STEP[usize::from(state) << 7 | usize::from(b)];
            n += usize::from(step >> 1);
            state = step & 1;
        }
        return n;
    }
    let bytes = text.as_bytes();
    let mut n = 0;
    let mut in_word = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // ASCII by table, without decoding; other characters decoded one at a time.
        let class = if b < 0x80 {
            i += 1;
            ASCII_CLASS[b as usize]
        } else {
            let c = text[i..].chars().next().expect("a character starts here");
            i += c.len_utf8();
            if c.is_alphanumeric() {
                WORD
            } else if c == '’' {
                JOINS
            } else {
                OTHER
            }
        };
        n += usize::from(class == WORD && !in_word);
        in_word = class == WORD || (in_word && class == JOINS);
    }
    n
}

const OTHER: u8 = 0;
const WORD: u8 = 1;
const JOINS: u8 = 2;

/// [`word_count`]'s class of each ASCII byte.
const ASCII_CLASS: [u8; 128] = {
    let mut t = [OTHER; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphanumeric() {
            WORD
        } else if c == b'\'' || c == b'-' {
            JOINS
        } else {
            OTHER
        };
        b += 1;
    }
    t
};

/// [`word_count`]'s step over an ASCII byte, indexed by `in_word << 7 | byte`.
const ASCII_STEP: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let in_word = i >> 7 == 1;
        let class = ASCII_CLASS[i & 127];
        let starts = class == WORD && !in_word;
        let inside = class == WORD || (in_word && class == JOINS);
        t[i] = (starts as u8) << 1 | inside as u8;
        i += 1;
    }
    t
};

fn test(t: &Test, f: &Facts) -> bool {
    match t {
        Test::Always => true,
        Test::Type(ty) => f.types.iter().any(|x| x == ty),
        Test::Entity(kind, n) => f.entities.iter().filter(|e| kind.as_ref().is_none_or(|k| *k == e.kind)).count() >= *n,
        Test::Hedged => f.hedged,
        Test::Negated => f.negated,
        Test::Boosted => f.boosted,
        Test::Attributed => f.attributed,
        Test::MaxWords(n) => f.words <= *n,
        Test::MinWords(n) => f.words >= *n,
    }
}

/// Score a claim: the score and the names of the features that fired, in rule order;
/// `candidates` is [`crate::rules::claim::ClaimRules::candidates`] of `text` (the claim's
/// region: for an attributed claim, with the source and cue that frame it, `I think`).
pub fn score(rules: &RuleSet, text: &str, facts: &Facts, candidates: &[Verdict]) -> (f64, Vec<String>) {
    let cr = &rules.claims;
    // The features with a pattern are, in order, the prefilter's patterns from
    // `feature_base` on.
    let mut slot = cr.feature_base;
    let mut sum = 0.0;
    let mut names = Vec::new();
    for f in &cr.features {
        let verdict = if f.regex.is_some() {
            slot += 1;
            candidates[slot - 1]
        } else {
            NO
        };
        if f.when.as_ref().is_some_and(|t| !test(t, facts)) {
            continue;
        }
        if let Some(re) = &f.regex {
            if !verdict_holds(verdict, re, f.unless.as_ref(), text) {
                continue;
            }
        }
        sum += f.weight;
        if !(f.regex.is_none() && f.when == Some(Test::Always)) {
            names.push(f.name.clone());
        }
    }
    (1.0 / (1.0 + (-sum).exp()), names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_words() {
        assert_eq!(word_count("It’s 3.5% — isn't it?"), 5);
        assert_eq!(word_count(""), 0);
        assert_eq!(word_count("Japan-US security"), 2);
        assert_eq!(word_count("Zürich’s naïve café-owner, 3×4"), 5);
        assert_eq!(word_count("rock-'n'-roll -- it's 'quoted' - ok_"), 4);
    }
}
