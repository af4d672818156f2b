//! Claim rule kinds, compiled: what a claim is, its types, its certainty cues and its
//! check-worthiness features (SPEC §3 `claims`).
//!
//! - `claim_type` — a pattern that gives a claim a type (`quantity`, `event`, …); an
//!   optional `unless` pattern vetoes matches it overlaps (`will` but not `political will`).
//! - `claim_cue` — a patterned hedge (with a certainty `level`), booster or negation, for
//!   what a plain word list cannot say (`some … say`, `have yet to`, `n't`). Single words
//!   and fixed phrases live in the cue lexicons ([`super::claim_lexicons`]). `cue =
//!   "exception"` is the patterned form of `cue_exceptions.txt`: the lexicon cues inside its
//!   match are none (`some` in `some 40,000`).
//! - `not_claim` — a sentence that is no claim at all (questions, greetings, imperatives).
//! - `claim_clause` — `clause = "sentence"`: what a sentence must match to be a claim;
//!   `clause = "split"`: where a sentence splits into separate claims; `clause = "frame"`:
//!   the words the writer's framing around an attribution's content must hold, beside the
//!   source and the cue, to be a claim of its own (`unless`: words that do not count).
//! - `checkworthiness` — a weighted feature: a test on the claim (`when = "type:quantity"`,
//!   `"entity"`, `"hedged"`, `"words<=5"`…) and/or a pattern over its text. A claim's score
//!   is the logistic function of the sum of the weights of the features that fire.
//!
//! Word boundaries in claim patterns are ASCII (see [`ascii_boundaries`]): `\b` between an
//! ASCII letter and a non-ASCII one counts as a boundary.
//!
//! The patterns of each kind share a literal prefilter ([`Prefilter`]): one Aho-Corasick
//! scan of a sentence tells which patterns can match, and only those run. A regex is built
//! the first time it runs ([`LazyRegex`]), so one the prefilter always decides (a word list
//! with no veto) is never built.

use std::collections::BTreeMap;

use super::rx::Regex;

pub use super::LazyRegex;
use super::claim_lexicons::{CueLexicon, EntityLexicon};
use super::claim_prefilter::{Hit, MAYBE, NO, Prefilter, Verdict, YES};
use super::{Ctx, Files, Lexicon, RawRule, Reach, RuleError};

/// Claim types (SPEC §3).
pub const CLAIM_TYPES: &[&str] =
    &["quantity", "event", "prediction", "causal", "comparison", "definition", "evaluation", "rule", "attributed", "other"];
/// Types a `claim_type` rule may give (`attributed` comes from attributions, `other` is the
/// type of a claim no rule typed).
pub const RULE_TYPES: &[&str] = &["quantity", "event", "prediction", "causal", "comparison", "definition", "evaluation", "rule"];
/// Cue kinds of `claim_cue` rules.
pub const CUE_KINDS: &[&str] = &["hedge", "booster", "negation", "exception"];
/// Certainty levels of hedges, from least to most certain.
pub const LEVELS: &[&str] = &["low", "medium", "high"];
/// Entity kinds (SPEC §3).
pub const ENTITY_KINDS: &[&str] = &["person", "organization", "country", "place", "other"];

/// What a cue does to a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CueKind {
    /// Lowers its certainty.
    Hedge,
    /// Raises it (`clearly`).
    Booster,
    /// Negates it.
    Negation,
    /// Blocks the cues it contains (`not only`, `no doubt` as a negation).
    Exception,
}

/// A hedge's certainty level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// The claim is left improbable or merely possible (`might`, `allegedly`, `unlikely`).
    Low,
    /// Possible or vaguely sourced (`may`, `suggests`, `some say`).
    Medium,
    /// Probable but not asserted (`likely`, `probably`, `largely`).
    High,
}

impl Level {
    /// Parse a lexicon or rule value.
    pub fn parse(s: &str) -> Option<Level> {
        Some(match s {
            "low" => Level::Low,
            "medium" => Level::Medium,
            "high" => Level::High,
            _ => return None,
        })
    }
}

/// A compiled `claim_type` rule.
#[derive(Debug, Clone)]
pub struct TypeRule {
    /// Index in [`super::RuleSet::rules`].
    pub rule: usize,
    /// The type it gives.
    pub claim_type: String,
    /// Its pattern.
    pub regex: LazyRegex,
    /// Matches of this veto overlapping matches of `regex`.
    pub unless: Option<LazyRegex>,
}

/// A compiled `claim_cue` rule.
#[derive(Debug, Clone)]
pub struct CueRule {
    /// Index in [`super::RuleSet::rules`].
    pub rule: usize,
    /// Hedge, booster or negation.
    pub kind: CueKind,
    /// A hedge's level.
    pub level: Option<Level>,
    /// Its pattern; the `cue` group, when present, is the cue's span.
    pub regex: LazyRegex,
    /// Veto pattern.
    pub unless: Option<LazyRegex>,
}

impl CueRule {
    /// Whether `regex` has a `cue` group (else a match is its own cue, and no capture search
    /// is needed).
    pub fn has_cue_group(&self) -> bool {
        self.regex.capture_names().any(|n| n == Some("cue"))
    }
}

/// A compiled `not_claim` rule.
#[derive(Debug, Clone)]
pub struct NotClaimRule {
    /// Index in [`super::RuleSet::rules`].
    pub rule: usize,
    /// Its pattern, over the sentence.
    pub regex: LazyRegex,
    /// Veto pattern.
    pub unless: Option<LazyRegex>,
}

/// What a `claim_clause` rule does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClauseKind {
    /// A sentence must match one of these to hold claims.
    Sentence,
    /// A sentence splits at each match, when both sides keep `min_words`.
    Split,
    /// What is left of a sentence around an attribution's content (the writer's framing)
    /// is a claim when it matches one of these.
    Frame,
}

/// A compiled `claim_clause` rule.
#[derive(Debug, Clone)]
pub struct ClauseRule {
    /// Index in [`super::RuleSet::rules`].
    pub rule: usize,
    /// Sentence test or split point.
    pub kind: ClauseKind,
    /// Its pattern.
    pub regex: LazyRegex,
    /// Fewest words a clause (or sentence) must keep; for a frame, fewest words its pattern
    /// must find.
    pub min_words: usize,
    /// For a frame: words its pattern finds that do not count (they belong to the
    /// attribution: `also`, `on Monday`, `that`).
    pub unless: Option<LazyRegex>,
}

/// A test on a claim, for a check-worthiness feature.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// Always fires (the intercept).
    Always,
    /// The claim has this type.
    Type(String),
    /// The claim names at least `n` entities of a kind (any kind when `None`).
    Entity(Option<String>, usize),
    /// The claim is hedged.
    Hedged,
    /// The claim is negated.
    Negated,
    /// The claim has a booster.
    Boosted,
    /// The claim is someone else's (attributed).
    Attributed,
    /// The claim has at most this many words.
    MaxWords(usize),
    /// The claim has at least this many words.
    MinWords(usize),
}

impl Test {
    /// Parse a `when` value.
    pub fn parse(s: &str) -> Result<Test, String> {
        let num = |v: &str| v.trim().parse::<usize>().map_err(|_| format!("`{v}` is not a whole number"));
        Ok(match s.trim() {
            "always" => Test::Always,
            "hedged" => Test::Hedged,
            "negated" => Test::Negated,
            "boosted" => Test::Boosted,
            "attributed" => Test::Attributed,
            "entity" => Test::Entity(None, 1),
            s if s.starts_with("type:") => {
                let t = &s[5..];
                if !CLAIM_TYPES.contains(&t) {
                    return Err(format!("unknown claim type `{t}`; expected one of {}", CLAIM_TYPES.join(", ")));
                }
                Test::Type(t.to_string())
            }
            s if s.starts_with("entities>=") => Test::Entity(None, num(&s[10..])?),
            s if s.starts_with("entity:") => {
                let k = &s[7..];
                if !ENTITY_KINDS.contains(&k) {
                    return Err(format!("unknown entity kind `{k}`; expected one of {}", ENTITY_KINDS.join(", ")));
                }
                Test::Entity(Some(k.to_string()), 1)
            }
            s if s.starts_with("words<=") => Test::MaxWords(num(&s[7..])?),
            s if s.starts_with("words>=") => Test::MinWords(num(&s[7..])?),
            other => {
                return Err(format!(
                    "unknown test `{other}`; expected always, type:T, entity, entity:KIND, entities>=N, hedged, negated, boosted, attributed, words<=N or words>=N"
                ));
            }
        })
    }
}

/// A compiled `checkworthiness` feature.
#[derive(Debug, Clone)]
pub struct FeatureRule {
    /// Index in [`super::RuleSet::rules`].
    pub rule: usize,
    /// The feature's name (the rule's name), listed on claims it fires on.
    pub name: String,
    /// Its weight (log-odds).
    pub weight: f64,
    /// A test on the claim.
    pub when: Option<Test>,
    /// A pattern over the claim's text.
    pub regex: Option<LazyRegex>,
    /// Veto pattern.
    pub unless: Option<LazyRegex>,
}

/// Every claim rule, compiled, with the per-kind prefilter sets and the lexicons.
#[derive(Debug, Clone, Default)]
pub struct ClaimRules {
    /// `claim_type` rules.
    pub types: Vec<TypeRule>,
    /// `claim_cue` rules.
    pub cues: Vec<CueRule>,
    /// `not_claim` rules.
    pub not_claims: Vec<NotClaimRule>,
    /// `claim_clause` rules.
    pub clauses: Vec<ClauseRule>,
    /// `checkworthiness` features.
    pub features: Vec<FeatureRule>,
    /// One prefilter over the patterns of `types`, then `cues`, then `not_claims`, then the
    /// features that have one.
    pub prefilter: Prefilter,
    /// Where the `cues` start in the prefilter's patterns.
    pub cue_base: usize,
    /// Where the `not_claims` start.
    pub not_claim_base: usize,
    /// Where the feature patterns start.
    pub feature_base: usize,
    /// Feature index of each feature pattern (from `feature_base` on).
    pub feature_filter_index: Vec<usize>,
    /// The verdicts that run every pattern, for a text the prefilter has not scanned.
    pub unfiltered: Vec<Verdict>,
    /// Hedge, booster, negation and exception phrases.
    pub cue_lexicon: CueLexicon,
    /// Countries, organisations, roles, titles and name parts.
    pub entities: EntityLexicon,
    /// Whether the regexes are [`LazyRegex::deferred`] (the built-in rules) rather than
    /// built, and so checked, as each rule is compiled.
    pub deferred: bool,
}

impl ClaimRules {
    /// Number of patterns behind [`ClaimRules::candidates`].
    pub fn prefilter_len(&self) -> usize {
        self.feature_base + self.feature_filter_index.len()
    }

    /// Which claim patterns may match `text` (see [`ClaimRules::prefilter`]); one scan.
    pub fn candidates(&self, text: &str) -> Vec<Verdict> {
        self.prefilter.candidates(text)
    }

    /// One scan of a sentence: the prefilter's hits, from which the verdicts of the sentence
    /// and of any part of it ([`Prefilter::verdicts`]) and its cue-lexicon phrases
    /// ([`CueLexicon::find_in`]) are read.
    pub fn scan(&self, text: &str, hits: &mut Vec<Hit>) {
        self.prefilter.scan(text, hits);
    }

    /// Compile one claim rule into its kind's list, pushing any error.
    pub fn compile(&mut self, ctx: &Ctx, raw: &RawRule, rule: usize, errors: &mut Vec<RuleError>) {
        let unless = raw.unless.as_ref().and_then(|u| self.compile_ascii(ctx, u, Reach::Gated, errors));
        if raw.unless.is_some() && unless.is_none() {
            return;
        }
        match raw.kind.get_ref().as_str() {
            "claim_type" => {
                let regex = self.regex_ascii(ctx, raw, errors);
                let t = ctx.choice(raw, &raw.claim_type, "type", RULE_TYPES, errors);
                if let (Some(regex), Some(claim_type)) = (regex, t) {
                    self.types.push(TypeRule { rule, claim_type, regex, unless });
                }
            }
            "claim_cue" => {
                let regex = self.regex_ascii(ctx, raw, errors);
                let kind = ctx.choice(raw, &raw.cue, "cue", CUE_KINDS, errors).map(|k| match k.as_str() {
                    "hedge" => CueKind::Hedge,
                    "booster" => CueKind::Booster,
                    "exception" => CueKind::Exception,
                    _ => CueKind::Negation,
                });
                let level = match (&raw.level, kind) {
                    (Some(l), _) => {
                        let v = Level::parse(l.get_ref());
                        if v.is_none() {
                            errors.push(
                                ctx.error(l.span(), format!("unknown level `{}`; expected one of {}", l.get_ref(), LEVELS.join(", "))),
                            );
                        }
                        v
                    }
                    (None, Some(CueKind::Hedge)) => {
                        errors.push(ctx.error(raw.name.span(), "a hedge needs a certainty `level` (low, medium or high)"));
                        None
                    }
                    _ => None,
                };
                if let (Some(regex), Some(kind)) = (regex, kind)
                    && (kind != CueKind::Hedge || level.is_some())
                {
                    self.cues.push(CueRule { rule, kind, level, regex, unless });
                }
            }
            "not_claim" => {
                if let Some(regex) = self.regex_ascii(ctx, raw, errors) {
                    self.not_claims.push(NotClaimRule { rule, regex, unless });
                }
            }
            "claim_clause" => {
                let regex = self.regex_ascii(ctx, raw, errors);
                let kind = ctx.choice(raw, &raw.clause, "clause", &["sentence", "split", "frame"], errors).map(|k| match k.as_str() {
                    "sentence" => ClauseKind::Sentence,
                    "split" => ClauseKind::Split,
                    _ => ClauseKind::Frame,
                });
                if let (Some(regex), Some(kind)) = (regex, kind) {
                    self.clauses.push(ClauseRule { rule, kind, regex, min_words: raw.min_words.unwrap_or(1), unless });
                }
            }
            _ => self.compile_feature(ctx, raw, rule, unless, errors),
        }
    }

    fn compile_feature(&mut self, ctx: &Ctx, raw: &RawRule, rule: usize, unless: Option<LazyRegex>, errors: &mut Vec<RuleError>) {
        let Some(weight) = &raw.weight else {
            errors.push(ctx.error(raw.name.span(), "a `checkworthiness` rule needs a `weight`"));
            return;
        };
        if !weight.get_ref().is_finite() {
            errors.push(ctx.error(weight.span(), "weight must be a finite number"));
            return;
        }
        let when = match &raw.when {
            Some(w) => match Test::parse(w.get_ref()) {
                Ok(t) => Some(t),
                Err(m) => {
                    errors.push(ctx.error(w.span(), m));
                    return;
                }
            },
            None => None,
        };
        let regex = match &raw.pattern {
            Some(p) => match self.compile_ascii(ctx, p, Reach::Gated, errors) {
                Some(r) => Some(r),
                None => return,
            },
            None => None,
        };
        if when.is_none() && regex.is_none() {
            errors.push(ctx.error(raw.name.span(), "a `checkworthiness` rule needs a `when` test, a `pattern`, or both"));
            return;
        }
        self.features.push(FeatureRule { rule, name: raw.name.get_ref().clone(), weight: *weight.get_ref(), when, regex, unless });
    }

    /// Compile a rule's `pattern` with ASCII word boundaries, once. A clause rule's reads
    /// every sentence; the others run where the prefilter found their strings.
    fn regex_ascii(&self, ctx: &Ctx, raw: &RawRule, errors: &mut Vec<RuleError>) -> Option<LazyRegex> {
        let Some(p) = &raw.pattern else { return ctx.regex(raw, errors).map(LazyRegex::built) };
        let reach = if raw.kind.get_ref() == "claim_clause" { Reach::Everywhere } else { Reach::Gated };
        self.compile_ascii(ctx, p, reach, errors)
    }

    /// Compile a spanned pattern with ASCII word boundaries, once, or defer it (see
    /// [`ClaimRules::deferred`]).
    fn compile_ascii(&self, ctx: &Ctx, p: &toml::Spanned<String>, reach: Reach, errors: &mut Vec<RuleError>) -> Option<LazyRegex> {
        if self.deferred {
            return ctx.expand_pattern(p, errors).map(|e| LazyRegex::deferred(ascii_pattern(&e), reach));
        }
        ctx.compile_pattern_with(p, errors, Some(ascii_pattern), reach).map(LazyRegex::built)
    }

    /// Build the prefilter sets and the lexicons once every rule is compiled.
    pub fn finish(&mut self, lexicons: &BTreeMap<String, Lexicon>, files: &Files, errors: &mut Vec<RuleError>) {
        // (With any error the whole set is discarded, so no rule here can be a failed one.)
        self.feature_filter_index = self.features.iter().enumerate().filter(|(_, f)| f.regex.is_some()).map(|(i, _)| i).collect();
        self.cue_base = self.types.len();
        self.not_claim_base = self.cue_base + self.cues.len();
        self.feature_base = self.not_claim_base + self.not_claims.len();
        self.unfiltered = vec![MAYBE; self.prefilter_len()];
        let patterns = self
            .types
            .iter()
            .map(|r| &r.regex)
            .chain(self.cues.iter().map(|r| &r.regex))
            .chain(self.not_claims.iter().map(|r| &r.regex))
            .chain(self.features.iter().filter_map(|f| f.regex.as_ref()));
        let src = |name: &str| files.get(&format!("lexicons/{name}.txt")).cloned().unwrap_or_default();
        self.cue_lexicon = CueLexicon::compile(lexicons, &src, errors);
        // The cue phrases ride on the same automaton: one scan of a sentence serves both.
        let phrases: Vec<&str> = self.cue_lexicon.entries.iter().map(|e| e.text.as_str()).collect();
        self.prefilter = Prefilter::with_extra(patterns.map(LazyRegex::as_str), &phrases);
        self.entities = EntityLexicon::compile(lexicons, &src, errors);
    }
}

/// The regex with its word boundaries (`\b`, `\B`) made ASCII: `(?-u:\b)`. A Unicode word
/// boundary stops the fast lazy DFA at the first non-ASCII byte of a text (a `ü`, a curly
/// quote), and the fallback engines are many times slower on long sentences; an ASCII
/// boundary differs only next to a non-ASCII letter (`\bich\b` would match in `Zürich`),
/// which English claim rules do not rely on.
pub fn ascii_boundaries(regex: Regex) -> Regex {
    let out = ascii_pattern(regex.as_str());
    super::build_regex(&out, regex.reach()).unwrap_or(regex)
}

/// `p` with its word boundaries made ASCII (see [`ascii_boundaries`]).
pub fn ascii_pattern(p: &str) -> String {
    if !p.contains("\\b") && !p.contains("\\B") {
        return p.to_string();
    }
    let mut out = String::with_capacity(p.len() + 32);
    let mut chars = p.chars();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(b @ ('b' | 'B')) if !in_class => {
                    out.push_str("(?-u:\\");
                    out.push(b);
                    out.push(')');
                }
                Some(n) => {
                    out.push(c);
                    out.push(n);
                }
                None => out.push(c),
            },
            '[' if !in_class => {
                in_class = true;
                out.push(c);
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Matches of `regex` in `text` that no match of `unless` overlaps. The veto runs only when
/// the pattern matched.
pub fn matches_unless<'t>(regex: &Regex, unless: Option<&LazyRegex>, text: &'t str) -> Vec<super::rx::Match<'t>> {
    let mut out = Vec::new();
    each_match_unless(regex, unless, text, |m| out.push(m));
    out
}

/// Call `f` on each match of `regex` in `text` that no match of `unless` overlaps, in text
/// order, without collecting them. The veto is searched lazily, only as far as the
/// pattern's matches go (and built only when the pattern matches).
pub fn each_match_unless<'t>(regex: &Regex, unless: Option<&LazyRegex>, text: &'t str, mut f: impl FnMut(super::rx::Match<'t>)) {
    let Some(u) = unless else {
        regex.find_iter(text).for_each(f);
        return;
    };
    // Both are in text order and a regex's matches do not overlap: one sweep.
    let mut vetoes = None;
    for m in regex.find_iter(text) {
        let vetoes = vetoes.get_or_insert_with(|| u.find_iter(text).map(|m| m.range()).peekable());
        while vetoes.next_if(|v| v.end <= m.start()).is_some() {}
        if vetoes.peek().is_none_or(|v| v.start >= m.end()) {
            f(m);
        }
    }
}

/// The number of matches of `regex` in `text` that no match of `unless` overlaps, counted
/// up to `limit`: both searches stop there.
pub fn count_matches_unless(regex: &Regex, unless: Option<&LazyRegex>, text: &str, limit: usize) -> usize {
    let mut n = 0;
    if limit == 0 {
        return n;
    }
    let mut vetoes = None;
    for m in regex.find_iter(text) {
        if let Some(u) = unless {
            let vetoes = vetoes.get_or_insert_with(|| u.find_iter(text).map(|m| m.range()).peekable());
            while vetoes.next_if(|v| v.end <= m.start()).is_some() {}
            if vetoes.peek().is_some_and(|v| v.start < m.end()) {
                continue;
            }
        }
        n += 1;
        if n == limit {
            break;
        }
    }
    n
}

/// Whether a pattern with this prefilter verdict has a match in `text` that no match of
/// `unless` overlaps; the regexes run only when the verdict leaves it open.
pub fn verdict_holds(verdict: Verdict, regex: &LazyRegex, unless: Option<&LazyRegex>, text: &str) -> bool {
    match verdict {
        NO => false,
        YES if unless.is_none() => true,
        MAYBE | YES => is_match_unless(regex, unless, text),
        _ => is_match_unless(regex, unless, text),
    }
}

/// Whether `regex` has a match in `text` that no match of `unless` overlaps. Both are
/// searched lazily: the veto's matches are read only as far as the pattern's matches go, and
/// the search stops at the first match no veto overlaps.
pub fn is_match_unless(regex: &Regex, unless: Option<&LazyRegex>, text: &str) -> bool {
    let Some(u) = unless else { return regex.is_match(text) };
    let mut vetoes = None;
    for m in regex.find_iter(text) {
        let vetoes = vetoes.get_or_insert_with(|| u.find_iter(text).map(|m| m.range()).peekable());
        while vetoes.next_if(|v| v.end <= m.start()).is_some() {}
        if vetoes.peek().is_none_or(|v| v.start >= m.end()) {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tests() {
        assert_eq!(Test::parse("type:quantity"), Ok(Test::Type("quantity".into())));
        assert_eq!(Test::parse("entity:person"), Ok(Test::Entity(Some("person".into()), 1)));
        assert_eq!(Test::parse("entities>=2"), Ok(Test::Entity(None, 2)));
        assert_eq!(Test::parse("words<=5"), Ok(Test::MaxWords(5)));
        assert!(Test::parse("type:gossip").unwrap_err().contains("unknown claim type"));
        assert!(Test::parse("words<=x").is_err());
        assert!(Test::parse("sometimes").is_err());
    }

    #[test]
    fn deferred_builtin_patterns_are_the_checked_ones() {
        // The built-in rules defer their claim regexes; loaded as any rule set, each is built
        // (an error would fail the load) from the same pattern.
        let checked = super::super::RuleSet::load(&super::super::builtin_files(), "built-in").expect("built-in rules load");
        let deferred = super::super::RuleSet::builtin();
        let patterns = |c: &ClaimRules| -> Vec<String> {
            let unless = |u: &Option<LazyRegex>| u.as_ref().map(|u| u.as_str().to_string());
            let mut out = Vec::new();
            out.extend(c.types.iter().flat_map(|r| [Some(r.regex.as_str().to_string()), unless(&r.unless)]));
            out.extend(c.cues.iter().flat_map(|r| [Some(r.regex.as_str().to_string()), unless(&r.unless)]));
            out.extend(c.not_claims.iter().flat_map(|r| [Some(r.regex.as_str().to_string()), unless(&r.unless)]));
            out.extend(c.clauses.iter().flat_map(|r| [Some(r.regex.as_str().to_string()), unless(&r.unless)]));
            out.extend(c.features.iter().flat_map(|r| [r.regex.as_ref().map(|x| x.as_str().to_string()), unless(&r.unless)]));
            out.into_iter().flatten().collect()
        };
        assert!(checked.claims.types.iter().all(|r| r.regex.regex.get().is_some()));
        assert!(deferred.claims.types.iter().all(|r| r.regex.regex.get().is_none()));
        assert_eq!(patterns(&checked.claims), patterns(&deferred.claims));
        assert!(patterns(&checked.claims).len() > 100);
    }

    #[test]
    fn word_boundaries_become_ascii() {
        let r = ascii_boundaries(crate::rules::build_regex(r"(?i)\bwill\b|[\\b]\Bx", Reach::Gated).unwrap());
        assert_eq!(r.as_str(), r"(?i)(?-u:\b)will(?-u:\b)|[\\b](?-u:\B)x");
        assert!(r.is_match("Zürich will pay"));
        assert!(!r.is_match("goodwill"));
    }

    #[test]
    fn unless_vetoes_only_overlapping_matches() {
        let r = crate::rules::build_regex(r"\bwill\b", Reach::Gated).unwrap();
        let u = LazyRegex::deferred(r"\bpolitical will\b".into(), Reach::Gated);
        let got: Vec<usize> =
            matches_unless(&r, Some(&u), "The political will is there and it will pass.").iter().map(|m| m.start()).collect();
        assert_eq!(got, [35]);
    }
}
