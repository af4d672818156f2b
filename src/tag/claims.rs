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
//! 4. **Types** from the `claim_type` rules (one `RegexSet` scan per clause), `attributed`
//!    from the attribution, `other` when nothing else applies.
//! 5. **Entities** ([`entities`](super::entities)) and **check-worthiness**
//!    ([`checkworthy`](super::checkworthy)).

use std::collections::BTreeMap;
use std::ops::Range;

use super::certainty::{self, Cue};
use super::checkworthy::{self, Facts};
use super::entities::{self, People};
use super::{AttributionTag, ClaimTag, Context, EntityTag, QuoteTag};
use crate::rules::RuleSet;
use crate::rules::claim::{ClauseKind, CueKind, matches_unless, verdict_holds};
use crate::rules::claim_prefilter::{NO, Verdict};

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
}

/// Find the claims of a document.
pub fn tag(ctx: &Context, _quotes: &[QuoteTag], attributions: &[AttributionTag]) -> Vec<ClaimTag> {
    let rules = ctx.rules;
    let mut people = People::default();
    for a in attributions {
        if a.source_kind == "person"
            && let Some(name) = &a.source_resolved
        {
            people.add(name);
        }
    }
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
    for (si, s) in ctx.seg.sentences.iter().enumerate() {
        if !ctx.seg.blocks[s.block].kind.has_claims() {
            continue;
        }
        let text = &ctx.text[s.range.clone()];
        let ents = entities::find(&rules.claims.entities, &mut people, text, s.range.start);
        let atts = by_sentence.get(&si).unwrap_or(&none);
        sentence_claims(rules, ctx.text, si, s.range.clone(), attributions, atts, &ents, &mut out);
    }
    out
}

/// The claims of one sentence (`range` of `text`), given the attributions whose content
/// overlaps it and its entities.
#[allow(clippy::too_many_arguments)]
pub fn sentence_claims(
    rules: &RuleSet,
    text: &str,
    sentence: usize,
    range: Range<usize>,
    attributions: &[AttributionTag],
    atts: &[usize],
    ents: &[EntityTag],
    out: &mut Vec<ClaimTag>,
) {
    let cr = &rules.claims;
    let stext = &text[range.clone()];
    let cand = cr.candidates(stext);
    let Some(sentence_rule) = claim_sentence(rules, stext, &cand) else { return };
    let clauses = clauses(rules, text, range.clone(), sentence_rule, attributions, atts);
    if clauses.is_empty() {
        return;
    }
    let cues = certainty::find(rules, stext, range.start, &cand);
    let whole = trim(text, range.clone());
    // Type matches, found once per sentence (clean ranges), then given to every clause whose
    // region they overlap. A lone clause that is the whole sentence needs no positions.
    let simple = clauses.len() == 1 && clauses[0].range == whole && clauses[0].attribution.is_none();
    let mut type_hits: Vec<(usize, Range<usize>)> = Vec::new();
    if simple {
        for (i, r) in cr.types.iter().enumerate() {
            if verdict_holds(cand[i], &r.regex, r.unless.as_ref(), stext) {
                type_hits.push((i, whole.clone()));
            }
        }
    } else {
        for (i, r) in cr.types.iter().enumerate().filter(|(i, _)| cand[*i] != NO) {
            for m in matches_unless(&r.regex, r.unless.as_ref(), stext) {
                type_hits.push((i, range.start + m.start()..range.start + m.end()));
            }
        }
    }
    for cl in &clauses {
        let ctext = &text[cl.range.clone()];
        // The prefilter's verdicts hold for the text they were made on.
        let own;
        let cand = if cl.range == whole {
            &cand
        } else {
            own = cr.candidates(ctext);
            &own
        };
        let inside = |r: &Range<usize>| cl.range.start <= r.start && r.start < cl.range.end;
        let mut mine: Vec<&Cue> = cues.iter().filter(|c| inside(&c.range)).collect();
        if let Some(a) = cl.attribution.map(|i| &attributions[i]) {
            // A hedged attribution hedges its content: a hedge in its cue (`suspected`) or its
            // source (`some say`, `many observers believe`).
            let overlaps = |r: &Range<usize>, c: &Range<usize>| c.start < r.end && r.start < c.end;
            mine.extend(cues.iter().filter(|c| {
                c.kind == CueKind::Hedge
                    && !inside(&c.range)
                    && (overlaps(&a.cue, &c.range) || a.source.as_ref().is_some_and(|s| overlaps(s, &c.range)))
            }));
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
        // A clause's region: its own text and, for an attribution's content, the cue and
        // source that frame it (`Analysts forecast` a recession: a prediction).
        let attribution = cl.attribution.map(|i| &attributions[i]);
        let mut region = vec![cl.range.clone()];
        if let Some(a) = attribution {
            region.push(a.cue.clone());
            region.extend(a.source.clone());
            if a.cue.end <= cl.range.start {
                region.push(a.cue.end..cl.range.start);
            } else if cl.range.end <= a.cue.start {
                region.push(cl.range.end..a.cue.start);
            }
        }
        let mut types: Vec<String> = Vec::new();
        let mut last = usize::MAX;
        for (i, m) in &type_hits {
            if *i == last || !region.iter().any(|g| m.start < g.end && g.start < m.end) {
                continue;
            }
            last = *i;
            let r = &cr.types[*i];
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

        let entities: Vec<EntityTag> =
            ents.iter().filter(|e| cl.range.start <= e.range.start && e.range.end <= cl.range.end).cloned().collect();
        let facts = Facts {
            types: &types,
            entities: &entities,
            hedged: !hedge_cues.is_empty(),
            negated,
            boosted: !boosters.is_empty(),
            attributed: cl.attribution.is_some(),
            words: checkworthy::word_count(ctext),
        };
        // An attribution's frame (`I think`, `you said`) speaks for its content too.
        let frame = attribution.and_then(|a| {
            let start = a.source.as_ref().map_or(a.cue.start, |s| s.start.min(a.cue.start));
            let end = a.source.as_ref().map_or(a.cue.end, |s| s.end.max(a.cue.end));
            (range.start <= start && end <= range.end).then(|| &text[start..end])
        });
        let (score, features) = checkworthy::score(rules, ctext, &facts, cand, frame);
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

/// The `clause = "sentence"` rule that makes `text` a claim sentence, if no `not_claim`
/// rule objects; `candidates` is [`crate::rules::claim::ClaimRules::candidates`] of `text`
/// or of a text that holds it.
pub fn claim_sentence(rules: &RuleSet, text: &str, candidates: &[Verdict]) -> Option<usize> {
    let cr = &rules.claims;
    {
        for (i, r) in cr.not_claims.iter().enumerate() {
            if verdict_holds(candidates[cr.not_claim_base + i], &r.regex, r.unless.as_ref(), text) {
                return None;
            }
        }
    }
    let words = checkworthy::word_count(text);
    cr.clauses.iter().find(|c| c.kind == ClauseKind::Sentence && words >= c.min_words && c.regex.is_match(text)).map(|c| c.rule)
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
    for (r, ai) in contents {
        if r == whole {
            // The sentence is all content (a quoted sentence): the source's claim.
            if nodes[0].attribution.is_none() && nodes.len() == 1 {
                nodes[0].attribution = Some(ai);
            }
            continue;
        }
        // Innermost node containing r; skip ranges that cross a sibling.
        let mut parent = 0;
        'down: loop {
            for &c in &nodes[parent].children {
                let cr = &nodes[c].range;
                if cr.start <= r.start && r.end <= cr.end {
                    parent = c;
                    continue 'down;
                }
            }
            break;
        }
        if nodes[parent].children.iter().any(|&c| nodes[c].range.start < r.end && r.start < nodes[c].range.end) {
            continue;
        }
        let id = nodes.len();
        nodes.push(Node { range: r, attribution: Some(ai), children: Vec::new() });
        nodes[parent].children.push(id);
    }
    let frame = cr.clauses.iter().filter(|c| c.kind == ClauseKind::Frame).collect::<Vec<_>>();
    let mut out = Vec::new();
    for n in &nodes {
        let mut pieces = Vec::new();
        let mut at = n.range.start;
        let mut kids: Vec<&Range<usize>> = n.children.iter().map(|&c| &nodes[c].range).collect();
        kids.sort_by_key(|r| r.start);
        for k in kids {
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
                match frame.iter().find(|c| checkworthy::word_count(ptext) >= c.min_words && c.regex.is_match(ptext)) {
                    Some(c) => Some(c.rule),
                    None => continue,
                }
            } else if n.attribution.is_some() {
                None
            } else {
                Some(sentence_rule)
            };
            split(rules, text, &whole, p, n.attribution, rule, &mut out);
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
                out.push(Clause { range: piece, attribution, rule });
            }
            start = m.end;
        }
    }
    let last = trim(text, r.start + start..r.end);
    if !last.is_empty() {
        out.push(Clause { range: last, attribution, rule });
    }
    // A piece cut off by a split or an attribution must stand as a claim on its own (a
    // greeting or a question in a speaker's line is none).
    let mut i = before;
    while i < out.len() {
        let piece = &text[out[i].range.clone()];
        if out[i].range != *whole && claim_sentence(rules, piece, &rules.claims.candidates(piece)).is_none() {
            out.remove(i);
        } else {
            i += 1;
        }
    }
}
