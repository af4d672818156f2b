//! Stage 4, tag: quotations, then attributions, then claims, over the segmented document.
//!
//! Taggers are pure functions of the clean text, the segmentation and the [`RuleSet`]; they
//! work in clean-text byte offsets, and [`crate::record`] turns those into code-point
//! offsets in the original text. Each tagger sees what the earlier ones found: attributions
//! link quotations to speakers, claims take their claimant from attributions.

pub mod attribution;
pub mod attribution_spans;
pub mod certainty;
pub mod checkworthy;
pub mod claim_examples;
pub mod claims;
pub mod entities;
pub mod quotes;
pub mod sources;

use std::ops::Range;

use crate::normalize::Normalized;
use crate::rules::RuleSet;
use crate::segment::Segmented;

/// What a tagger reads.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    /// The clean text.
    pub text: &'a str,
    /// Normalization (paragraphs).
    pub norm: &'a Normalized,
    /// Blocks and sentences.
    pub seg: &'a Segmented,
    /// The rules.
    pub rules: &'a RuleSet,
}

/// A quotation's kind (SPEC §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuoteKind {
    /// A quoted utterance.
    Direct,
    /// Quoted words inside the writer's own sentence.
    Partial,
    /// A quoted name, title, coined phrase or scare quote.
    Term,
}

impl QuoteKind {
    /// The name written in the output (as serialized).
    pub fn as_str(self) -> &'static str {
        match self {
            QuoteKind::Direct => "direct",
            QuoteKind::Partial => "partial",
            QuoteKind::Term => "term",
        }
    }
}

/// A quotation found in the clean text.
#[derive(Debug, Clone)]
pub struct QuoteTag {
    /// Content without the marks (clean bytes).
    pub range: Range<usize>,
    /// Its kind.
    pub kind: QuoteKind,
    /// Sentences it overlaps (indexes).
    pub sentences: Vec<usize>,
    /// The speaker as written in the document (clean bytes), if known.
    pub speaker: Option<Range<usize>>,
    /// The speaker's canonical name.
    pub speaker_resolved: Option<String>,
    /// The attribution it belongs to (index into the attribution list).
    pub attribution: Option<usize>,
    /// Rule ids that produced and classified it.
    pub rules: Vec<String>,
    /// A note on how it was read (unbalanced marks, inherited speaker…).
    pub note: Option<String>,
}

/// An attribution: source, cue, content (PARC).
#[derive(Debug, Clone)]
pub struct AttributionTag {
    /// The sentence holding the cue.
    pub sentence: usize,
    /// The source span, or `None` for agentless attributions.
    pub source: Option<Range<usize>>,
    /// The canonical source.
    pub source_resolved: Option<String>,
    /// person, organization, country, pronoun, anonymous, document, unknown.
    pub source_kind: String,
    /// The cue span.
    pub cue: Range<usize>,
    /// The cue's lemma (`say`).
    pub cue_lemma: String,
    /// The cue's class (`neutral`, `assertive`…).
    pub cue_class: String,
    /// The content span.
    pub content: Range<usize>,
    /// direct, indirect, mixed.
    pub content_kind: String,
    /// A hedge on the attribution itself (`reportedly`).
    pub hedge: Option<String>,
    /// The rule that produced it.
    pub rule: String,
    /// The reasoning behind the source decision, for `explain`.
    pub reasoning: Vec<String>,
}

/// An entity mentioned in a claim.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityTag {
    /// Span (clean bytes).
    pub range: Range<usize>,
    /// person, organization, country, place, other.
    pub kind: String,
}

/// A claim.
#[derive(Debug, Clone)]
pub struct ClaimTag {
    /// Its sentence.
    pub sentence: usize,
    /// Span (clean bytes).
    pub range: Range<usize>,
    /// Claim types.
    pub types: Vec<String>,
    /// Check-worthiness in [0, 1].
    pub checkworthiness: f64,
    /// The features that made the score.
    pub checkworthiness_features: Vec<String>,
    /// Whether it is hedged.
    pub hedged: bool,
    /// The hedge cues found in its scope.
    pub hedge_cues: Vec<String>,
    /// Boosters found in its scope (`clearly`).
    pub boosters: Vec<String>,
    /// Whether it is negated.
    pub negated: bool,
    /// The attribution whose content it is; `None` when the author claims it.
    pub attribution: Option<usize>,
    /// For a content, the claim (index into the document's claims) whose frame around it
    /// says more than who spoke: `Predictably, …` around `X criticized the alliance`.
    pub frame: Option<usize>,
    /// Entities it mentions.
    pub entities: Vec<EntityTag>,
    /// Rule ids that produced it.
    pub rules: Vec<String>,
}

/// Everything the taggers found in one document.
#[derive(Debug, Clone, Default)]
pub struct Tags {
    /// Quotations.
    pub quotes: Vec<QuoteTag>,
    /// Attributions.
    pub attributions: Vec<AttributionTag>,
    /// Claims.
    pub claims: Vec<ClaimTag>,
}

/// Run every tagger.
pub fn tag(ctx: &Context) -> Tags {
    let mut quotes = quotes::tag(ctx);
    let attributions = attribution::tag(ctx, &mut quotes);
    let claims = claims::tag(ctx, &quotes, &attributions);
    Tags { quotes, attributions, claims }
}

#[cfg(test)]
mod tests {
    use super::QuoteKind;

    #[test]
    fn quote_kind_names_are_the_serialized_ones() {
        for k in [QuoteKind::Direct, QuoteKind::Partial, QuoteKind::Term] {
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
    }
}
