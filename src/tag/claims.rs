//! Claims: what is asserted, of which kind, how certainly, by whom, and how check-worthy
//! (SPEC §3 `claims`).
//!
//! For each sentence of a body or list-item block:
//!
//! 1. **Is it a claim sentence?** No `not_claim` rule may match (questions, greetings,
//!    imperatives…) and a `claim_clause` rule with `clause = "sentence"` must.
//! 2. **Clauses.** The sentence is cut around the content of each attribution it holds:
//!    the content is the source's claim (type `attributed`, `attribution` set), the writer's
//!    framing around it is the writer's claim when a `clause = "frame"` rule accepts it.
//!    Contents nest (`A said B claimed C`). Each piece is split again at `clause = "split"`
//!    rules (`;`) when both sides keep enough words.
//! 3. **Cues** ([`certainty`](super::certainty)): found once per sentence and given to the
//!    clause that holds them, so a hedge inside an attributed content hedges that claim, not
//!    the writer's framing. A hedged attribution also hedges its content: a hedge in its cue
//!    (`suspicion`, `speculated`) or its source (`some say`); a hedge elsewhere in the
//!    framing (`the minister reportedly said`) hedges the framing only.
//! 4. **Types** from the `claim_type` rules over the clause's region (the clause and, for an
//!    attribution's content, the cue and source that frame it), `attributed` from the
//!    attribution, `other` when nothing else applies.
//! 5. **Entities** ([`entities`](super::entities)) and **check-worthiness**
//!    ([`checkworthy`](super::checkworthy)).

use std::collections::BTreeMap;
use std::ops::Range;

use super::certainty::{self, Cue};
use super::checkworthy::{self, Facts};
use super::entities::{self, Seen};
use super::{AttributionTag, ClaimTag, Context, EntityTag, QuoteTag};
use crate::rules::RuleSet;
use crate::rules::claim::{ClauseKind, CueKind, verdict_holds};
use crate::rules::claim_prefilter::{Hit, Verdict};

/// One clause of a sentence that may be a claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    /// Clean-text byte range, trimmed.
    pub range: Range<usize>,
    /// The attribution whose content it is.
    pub attribution: Option<usize>,
    /// The rule that made it (index into `RuleSet::rules`), or `None` for an attribution's
    /// content (named by the attribution's rule).
    pub rule: Option<usize>,
    /// Its number of words ([`checkworthy::word_count`]), when it was counted in testing
    /// the clause (a piece of a sentence tested as a claim sentence of its own).
    pub words: Option<usize>,
}

/// Find the claims of a document.
pub fn tag(ctx: &Context, _quotes: &[QuoteTag], attributions: &[AttributionTag]) -> Vec<ClaimTag> {
    let rules = ctx.rules;
    let mut seen = Seen::from_attributions(attributions);
    // Attributions by the sentences their content overlaps.
    let mut by_sentence: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let sents = &ctx.seg.sentences;
    for (ai, a) in attributions.iter().enumerate() {
        let first = sents.partition_point(|s| s.range.end <= a.content.start);
        for (si, s) in sents.iter().enumerate().skip(first) {
            if s.range.start >= a.content.end {
                break;
            }
            by_sentence.entry(si).or_default().push(ai);
        }
    }
    let mut out = Vec::new();
    let none = Vec::new();
    let mut scratch = Scratch::default();
    for (si, s) in ctx.seg.sentences.iter().enumerate() {
        if !ctx.seg.blocks[s.block].kind.has_claims() {
            continue;
        }
        let text = &ctx.text[s.range.clone()];
        let ents = entities::find(&rules.claims.entities, &mut seen, text, s.range.start);
        let atts = by_sentence.get(&si).unwrap_or(&none);
        sentence_claims(rules, ctx.text, si, s.range.clone(), attributions, atts, &ents, &mut scratch, &mut out);
    }
    out
}

/// Buffers [`sentence_claims`] fills for each sentence, kept from one sentence to the next.
#[derive(Debug, Default)]
pub struct Scratch {
    /// The sentence's automaton hits.
    hits: Vec<Hit>,
    /// The sentence's verdicts.
    cand: Vec<Verdict>,
    /// A clause region's verdicts.
    own: Vec<Verdict>,
}

/// The claims of one sentence (`range` of `text`), given the attributions whose content
/// overlaps it and its entities. `scratch` holds buffers kept from one sentence to the next.
#[allow(clippy::too_many_arguments)]
pub fn sentence_claims(
    rules: &RuleSet,
    text: &str,
    sentence: usize,
    range: Range<usize>,
    attributions: &[AttributionTag],
    atts: &[usize],
    ents: &[EntityTag],
    scratch: &mut Scratch,
    out: &mut Vec<ClaimTag>,
) {
    let cr = &rules.claims;
    let stext = &text[range.clone()];
    // One scan of the sentence: the verdicts of the sentence and of each clause's region,
    // and the cue lexicon's phrases, all come from its hits.
    let Scratch { hits, cand, own } = scratch;
    cr.scan(stext, hits);
    cr.prefilter.verdicts(stext, hits, 0..stext.len(), cand);
    let (hits, cand) = (&*hits, &*cand);
    let Some((sentence_rule, sentence_words)) = claim_sentence_words(rules, stext, cand) else { return };
    let clauses = clauses(rules, text, range.clone(), sentence_rule, attributions, atts);
    if clauses.is_empty() {
        return;
    }
    let cues = certainty::find_in(rules, stext, range.start, cand, hits);
    let whole = trim(text, range.clone());
    for cl in &clauses {
        let ctext = &text[cl.range.clone()];
        // A clause's region: its own text and, for an attribution's content in this sentence,
        // the cue and source that frame it (`Analysts forecast` a recession: a prediction; `I
        // think` we can do better: an opinion). Types and features are read there.
        let attribution = cl.attribution.map(|i| &attributions[i]);
        let mut region = cl.range.clone();
        if let Some(a) = attribution {
            for r in std::iter::once(&a.cue).chain(a.source.as_ref()) {
                if range.start <= r.start && r.end <= range.end {
                    region = region.start.min(r.start)..region.end.max(r.end);
                }
            }
        }
        let rtext = &text[region.clone()];
        // The prefilter's verdicts hold for the text they were made on.
        let cand: &[Verdict] = if region == whole {
            cand
        } else {
            cr.prefilter.verdicts(stext, hits, region.start - range.start..region.end - range.start, own);
            own
        };
        let inside = |r: &Range<usize>| cl.range.start <= r.start && r.start < cl.range.end;
        let mut mine: Vec<&Cue> = near(&cues, |c| &c.range, &cl.range).filter(|c| inside(&c.range)).collect();
        if let Some(a) = cl.attribution.map(|i| &attributions[i]) {
            // A hedged attribution hedges its content: a hedge in its cue (`suspected`) or its
            // source (`some say`, `many observers believe`).
            for r in std::iter::once(&a.cue).chain(a.source.as_ref()) {
                mine.extend(near(&cues, |c| &c.range, r).filter(|c| c.kind == CueKind::Hedge && !inside(&c.range)));
            }
            mine.sort_by_key(|c| (c.range.start, c.range.end));
            mine.dedup_by(|a, b| a.range == b.range && a.kind == b.kind);
        }
        let cue_texts = |k: CueKind| -> Vec<String> {
            let mut v: Vec<String> = mine.iter().filter(|c| c.kind == k).map(|c| certainty::cue_text(&text[c.range.clone()])).collect();
            v.dedup();
            v
        };
        let hedge_cues = cue_texts(CueKind::Hedge);
        let boosters = cue_texts(CueKind::Booster);
        let negated = mine.iter().any(|c| c.kind == CueKind::Negation);

        let mut rule_ids: Vec<String> = Vec::new();
        if let Some(r) = cl.rule {
            rule_ids.push(rules.rules[r].id.clone());
        }
        if let Some(a) = cl.attribution {
            rule_ids.push(attributions[a].rule.clone());
        }
        let mut types: Vec<String> = Vec::new();
        for (i, r) in cr.types.iter().enumerate() {
            if !verdict_holds(cand[i], &r.regex, r.unless.as_ref(), rtext) {
                continue;
            }
            rule_ids.push(rules.rules[r.rule].id.clone());
            if !types.contains(&r.claim_type) {
                types.push(r.claim_type.clone());
            }
        }
        if cl.attribution.is_some() {
            types.push("attributed".into());
        }
        if types.is_empty() {
            types.push("other".into());
        }
        types.sort_by_key(|t| crate::rules::claim::CLAIM_TYPES.iter().position(|x| x == t));
        for c in &mine {
            if let Some(r) = c.rule {
                rule_ids.push(rules.rules[r].id.clone());
            }
        }
        rule_ids.sort();
        rule_ids.dedup();

        let entities: Vec<EntityTag> = near(ents, |e| &e.range, &cl.range)
            .filter(|e| cl.range.start <= e.range.start && e.range.end <= cl.range.end)
            .cloned()
            .collect();
        let facts = Facts {
            types: &types,
            entities: &entities,
            hedged: !hedge_cues.is_empty(),
            negated,
            boosted: !boosters.is_empty(),
            attributed: cl.attribution.is_some(),
            // Trimming takes no word away: a clause that is the whole sentence has its words.
            words: match cl.words {
                Some(n) => n,
                None if cl.range == whole => sentence_words,
                None => checkworthy::word_count(ctext),
            },
        };
        let (score, features) = checkworthy::score(rules, rtext, &facts, cand);
        out.push(ClaimTag {
            sentence,
            range: cl.range.clone(),
            types,
            checkworthiness: score,
            checkworthiness_features: features,
            hedged: !hedge_cues.is_empty(),
            hedge_cues,
            boosters,
            negated,
            attribution: cl.attribution,
            entities,
            rules: rule_ids,
        });
    }
}

/// Longest span [`near`] expects an item to have; a longer one that starts that far before
/// the range is not seen (no rule's match, cue or name is that long in practice).
const MAX_ITEM: usize = 512;

/// The items of `items` (sorted by start) that overlap `r`, found by binary search so that a
/// sentence with many clauses costs no quadratic time.
fn near<'a, T, F>(items: &'a [T], span: F, r: &Range<usize>) -> impl Iterator<Item = &'a T> + 'a
where
    F: Fn(&T) -> &Range<usize> + Copy + 'a,
{
    let (lo, hi) = (r.start, r.end);
    let first = items.partition_point(|t| span(t).start + MAX_ITEM < lo);
    items[first..].iter().take_while(move |t| span(t).start < hi).filter(move |t| lo < span(t).end)
}

/// The `clause = "sentence"` rule that makes `text` a claim sentence, if no `not_claim`
/// rule objects; `candidates` is [`crate::rules::claim::ClaimRules::candidates`] of `text`
/// or of a text that holds it.
pub fn claim_sentence(rules: &RuleSet, text: &str, candidates: &[Verdict]) -> Option<usize> {
    claim_sentence_words(rules, text, candidates).map(|(rule, _)| rule)
}

/// [`claim_sentence`], with the number of words of `text`.
fn claim_sentence_words(rules: &RuleSet, text: &str, candidates: &[Verdict]) -> Option<(usize, usize)> {
    let cr = &rules.claims;
    for (i, r) in cr.not_claims.iter().enumerate() {
        if verdict_holds(candidates[cr.not_claim_base + i], &r.regex, r.unless.as_ref(), text) {
            return None;
        }
    }
    let words = checkworthy::word_count(text);
    cr.clauses.iter().find(|c| c.kind == ClauseKind::Sentence && words >= c.min_words && c.regex.is_match(text)).map(|c| (c.rule, words))
}

/// Trim spaces and clause punctuation from both ends of `r` in `text`.
fn trim(text: &str, r: Range<usize>) -> Range<usize> {
    let s = &text[r.clone()];
    let junk = |c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '–' | '—' | '-');
    let t = s.trim_start_matches(junk);
    let start = r.start + (s.len() - t.len());
    let t = t.trim_end_matches(junk);
    start..start + t.len()
}

/// A range with the attribution whose content it is and its nested contents.
struct Node {
    range: Range<usize>,
    attribution: Option<usize>,
    children: Vec<usize>,
}

/// The clauses of the sentence at `range`: attribution contents and what is around them,
/// each split at `clause = "split"` rules.
#[allow(clippy::too_many_arguments)]
pub fn clauses(
    rules: &RuleSet,
    text: &str,
    range: Range<usize>,
    sentence_rule: usize,
    attributions: &[AttributionTag],
    atts: &[usize],
) -> Vec<Clause> {
    let cr = &rules.claims;
    // Contents clipped to the sentence, outermost first.
    let mut contents: Vec<(Range<usize>, usize)> = atts
        .iter()
        .map(|&ai| (trim(text, attributions[ai].content.start.max(range.start)..attributions[ai].content.end.min(range.end)), ai))
        .filter(|(r, _)| !r.is_empty())
        .collect();
    contents.sort_by_key(|(r, ai)| (r.start, std::cmp::Reverse(r.end), *ai));
    let whole = trim(text, range.clone());
    let mut nodes = vec![Node { range: whole.clone(), attribution: None, children: Vec::new() }];
    let mut stack = vec![0];
    for (r, ai) in contents {
        if r == whole {
            // The sentence is all content (a quoted sentence): the source's claim.
            if nodes[0].attribution.is_none() && nodes.len() == 1 {
                nodes[0].attribution = Some(ai);
            }
            continue;
        }
        // Contents come in text order, outer before inner: the open nodes form a stack (as
        // brackets do). Close those that end before r; r nests in the top one, unless it
        // crosses the last child there.
        while stack.len() > 1 && nodes[*stack.last().expect("root")].range.end <= r.start {
            stack.pop();
        }
        let mut parent = *stack.last().expect("root");
        if !(nodes[parent].range.start <= r.start && r.end <= nodes[parent].range.end) {
            while stack.len() > 1
                && !(nodes[*stack.last().expect("root")].range.start <= r.start && r.end <= nodes[*stack.last().expect("root")].range.end)
            {
                stack.pop();
            }
            parent = *stack.last().expect("root");
        }
        if nodes[parent].children.last().is_some_and(|&c| r.start < nodes[c].range.end) {
            continue;
        }
        let id = nodes.len();
        nodes.push(Node { range: r, attribution: Some(ai), children: Vec::new() });
        nodes[parent].children.push(id);
        stack.push(id);
    }
    // A piece is tested with every pattern run (no prefilter verdicts hold for it).
    let unfiltered = &cr.unfiltered;
    let mut out = Vec::new();
    for n in &nodes {
        let mut pieces = Vec::new();
        let mut at = n.range.start;
        // Children were added in text order.
        for k in n.children.iter().map(|&c| &nodes[c].range) {
            pieces.push(at..k.start);
            at = k.end;
        }
        pieces.push(at..n.range.end);
        let framed = !n.children.is_empty();
        for p in pieces {
            let p = trim(text, p);
            if p.is_empty() {
                continue;
            }
            let ptext = &text[p.clone()];
            let rule = if framed {
                // The writer's framing around a content: a claim only if a frame rule takes it.
                let words = checkworthy::word_count(ptext);
                match cr.clauses.iter().find(|c| c.kind == ClauseKind::Frame && words >= c.min_words && c.regex.is_match(ptext)) {
                    Some(c) => Some(c.rule),
                    None => continue,
                }
            } else if n.attribution.is_some() {
                None
            } else {
                Some(sentence_rule)
            };
            split(rules, text, &whole, p, n.attribution, rule, unfiltered, &mut out);
        }
    }
    out.sort_by_key(|c| (c.range.start, c.range.end));
    out
}

/// Split the clause at `r` at every `clause = "split"` match that leaves both sides with
/// the rule's `min_words`; pieces other than the `whole` sentence must pass
/// [`claim_sentence`] themselves.
#[allow(clippy::too_many_arguments)]
fn split(
    rules: &RuleSet,
    text: &str,
    whole: &Range<usize>,
    r: Range<usize>,
    attribution: Option<usize>,
    rule: Option<usize>,
    unfiltered: &[Verdict],
    out: &mut Vec<Clause>,
) {
    let s = &text[r.clone()];
    let mut cuts: Vec<(Range<usize>, usize)> = Vec::new();
    for c in rules.claims.clauses.iter().filter(|c| c.kind == ClauseKind::Split) {
        for m in c.regex.find_iter(s) {
            cuts.push((m.range(), c.min_words));
        }
    }
    cuts.sort_by_key(|(m, _)| m.start);
    let before = out.len();
    let mut start = 0;
    for (m, min) in cuts {
        if m.start < start {
            continue;
        }
        let left = checkworthy::word_count(&s[start..m.start]);
        let right = checkworthy::word_count(&s[m.end..]);
        if left >= min && right >= min {
            let piece = trim(text, r.start + start..r.start + m.start);
            if !piece.is_empty() {
                out.push(Clause { range: piece, attribution, rule, words: None });
            }
            start = m.end;
        }
    }
    let last = trim(text, r.start + start..r.end);
    if !last.is_empty() {
        out.push(Clause { range: last, attribution, rule, words: None });
    }
    // A piece cut off by a split or an attribution must stand as a claim on its own (a
    // greeting or a question in a speaker's line is none).
    let mut i = before;
    while i < out.len() {
        if out[i].range == *whole {
            i += 1;
            continue;
        }
        match claim_sentence_words(rules, &text[out[i].range.clone()], unfiltered) {
            Some((_, words)) => {
                out[i].words = Some(words);
                i += 1;
            }
            None => {
                out.remove(i);
            }
        }
    }
}
