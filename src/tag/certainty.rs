//! Certainty cues in a sentence: hedges (with their level), boosters and negations.
//!
//! Two sources, both from `rules/`: the cue lexicons (single words and fixed phrases, one
//! Aho-Corasick scan, see [`crate::rules::claim_lexicons`]) and the `claim_cue` rules
//! (patterns such as `some … say` or `have yet to`, one `RegexSet` scan, then only the rules
//! that matched run). A lexicon cue inside a rule's cue of the same kind is dropped, so a
//! cue is reported once; one inside an exception rule's match (`some 40,000`) is no cue. The claim tagger then gives each cue to the claim whose clause
//! holds it: that is the cue's scope.

use std::ops::Range;

use crate::rules::RuleSet;
use crate::rules::claim::{CueKind, Level, each_match_unless};
use crate::rules::claim_lexicons::CueMatch;
use crate::rules::claim_prefilter::{Hit, NO, Verdict};

/// How many earlier rule cues a lexicon cue is compared with (rule cues that start before it
/// and may contain it): enough for any text, and no quadratic work on a hostile one.
const LOOK_BACK: usize = 8;

/// A cue in the clean text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cue {
    /// Clean-text byte range.
    pub range: Range<usize>,
    /// Hedge, booster or negation.
    pub kind: CueKind,
    /// A hedge's certainty level.
    pub level: Option<Level>,
    /// The `claim_cue` rule that found it (index into `RuleSet::rules`), if a rule did.
    pub rule: Option<usize>,
}

/// Byte offset of the first word of `text`, after opening quotes, brackets and spaces.
pub fn first_word(text: &str) -> usize {
    text.find(char::is_alphanumeric).unwrap_or(0)
}

/// The cues of `text` (a sentence starting at clean-text offset `base`), in text order;
/// `candidates` is [`crate::rules::claim::ClaimRules::candidates`] of the text.
pub fn find(rules: &RuleSet, text: &str, base: usize, candidates: &[Verdict]) -> Vec<Cue> {
    let mut found: Vec<CueMatch> = Vec::new();
    rules.claims.cue_lexicon.find(text, first_word(text), &mut found);
    with_lexicon_cues(rules, text, base, candidates, found)
}

/// As [`find`], with the lexicon's phrases read off the sentence's scan `hits`
/// ([`crate::rules::claim::ClaimRules::scan`]) instead of a scan of their own.
pub fn find_in(rules: &RuleSet, text: &str, base: usize, candidates: &[Verdict], hits: &[Hit]) -> Vec<Cue> {
    let cr = &rules.claims;
    let mut found: Vec<CueMatch> = Vec::new();
    cr.cue_lexicon.find_in(text, first_word(text), cr.prefilter.extra_hits(hits), &mut found);
    with_lexicon_cues(rules, text, base, candidates, found)
}

/// The cues of `text`, given its lexicon cues `found`: the rules' cues added, those inside
/// another dropped.
fn with_lexicon_cues(rules: &RuleSet, text: &str, base: usize, candidates: &[Verdict], mut found: Vec<CueMatch>) -> Vec<Cue> {
    let cr = &rules.claims;
    let mut from_rules: Vec<CueMatch> = Vec::new();
    {
        for (_, r) in cr.cues.iter().enumerate().filter(|(i, _)| candidates[cr.cue_base + i] != NO) {
            each_match_unless(&r.regex, r.unless.as_ref(), text, |m| {
                let range = if r.has_cue_group() {
                    r.regex.captures_at(text, m.start()).and_then(|c| c.name("cue").map(|g| g.range())).unwrap_or(m.range())
                } else {
                    m.range()
                };
                from_rules.push(CueMatch { range, kind: r.kind, level: r.level, entry: None, rule: Some(r.rule) });
            });
        }
    }
    if !from_rules.is_empty() {
        // Drop lexicon cues inside a rule's cue of the same kind, or inside an exception
        // rule's match: rule cues sorted by start, each lexicon cue checked against those that
        // start before it (bounded look-back).
        from_rules.sort_by_key(|r| (r.range.start, std::cmp::Reverse(r.range.end)));
        found.retain(|l| {
            let upto = from_rules.partition_point(|r| r.range.start <= l.range.start);
            !from_rules[upto.saturating_sub(LOOK_BACK)..upto]
                .iter()
                .any(|r| (r.kind == l.kind || r.kind == CueKind::Exception) && r.range.start <= l.range.start && l.range.end <= r.range.end)
        });
        from_rules.retain(|r| r.kind != CueKind::Exception);
    }
    found.extend(from_rules);
    found.sort_by_key(|m| (m.range.start, std::cmp::Reverse(m.range.end), m.rule));
    found.dedup_by(|b, a| a.range == b.range && a.kind == b.kind);
    found.into_iter().map(|m| Cue { range: base + m.range.start..base + m.range.end, kind: m.kind, level: m.level, rule: m.rule }).collect()
}

/// How a cue is written in `hedge_cues` and `boosters`: its text, lower-cased, with
/// whitespace folded.
pub fn cue_text(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}
