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

/// Number of words in `text` (runs of letters or digits).
pub fn word_count(text: &str) -> usize {
    let mut n = 0;
    let mut in_word = false;
    for c in text.chars() {
        let w = c.is_alphanumeric();
        if w && !in_word {
            n += 1;
        }
        in_word = w || (in_word && (c == '\'' || c == '’' || c == '-'));
    }
    n
}

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
/// `candidates` is [`crate::rules::claim::ClaimRules::candidates`] of its text. A pattern
/// feature also fires on the `frame` of an attributed claim (its source and cue: `I think`).
pub fn score(rules: &RuleSet, text: &str, facts: &Facts, candidates: &[Verdict], frame: Option<&str>) -> (f64, Vec<String>) {
    let cr = &rules.claims;
    let frame_candidates = frame.map(|f| cr.candidates(f));
    let mut hit = vec![NO; cr.features.len()];
    for (k, &f) in cr.feature_filter_index.iter().enumerate() {
        hit[f] = candidates[cr.feature_base + k];
    }
    let mut sum = 0.0;
    let mut names = Vec::new();
    for (i, f) in cr.features.iter().enumerate() {
        if f.when.as_ref().is_some_and(|t| !test(t, facts)) {
            continue;
        }
        if let Some(re) = &f.regex {
            let in_frame = || {
                let (Some(ft), Some(fc)) = (frame, &frame_candidates) else { return false };
                let k = cr.feature_filter_index.iter().position(|&x| x == i).expect("feature with a pattern");
                verdict_holds(fc[cr.feature_base + k], re, f.unless.as_ref(), ft)
            };
            if !verdict_holds(hit[i], re, f.unless.as_ref(), text) && !in_frame() {
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
    }
}
