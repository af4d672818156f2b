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
use crate::rules::claim::{ClauseKind, ClauseRule, CueKind, count_matches_unless, verdict_holds};
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
    /// Set when the clause frames attribution contents: `range` then runs over the frame
    /// and the contents, and what the claim says is read from the frame's own words.
    pub frame: Option<Frame>,
    /// The [`Frame::id`] of the frame around the clause, for a part of a content.
    pub framed_by: Option<usize>,
}

impl Clause {
    /// A clause that is no frame.
    fn plain(range: Range<usize>, attribution: Option<usize>, rule: Option<usize>, framed_by: Option<usize>) -> Clause {
        Clause { range, attribution, rule, words: None, frame: None, framed_by }
    }
}

/// The words around one or more attribution contents: the writer's framing of them (`At the
/// meeting in August, the minister reportedly questioned`), or inside a content its source's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// Its id within the sentence; the contents it frames name it in [`Clause::framed_by`].
    pub id: usize,
    /// Whether it is a claim whatever its cues: a `clause = "frame"` rule found words that
    /// say more than who spoke, it is part of a content (its source's claim), or a content
    /// it frames is no claim (`The bank welcomed it`: the sentence is the claim). Otherwise
    /// it is a claim only when a hedge, booster or negation of its own qualifies the
    /// attribution (`reportedly questioned`, `did not deny`).
    pub kept: bool,
    /// Its own words: the parts of the sentence around the contents (clean-text byte
    /// ranges, in text order).
    pub own: Vec<Range<usize>>,
    /// The source and cue of each attribution it frames: words that only say who spoke.
    pub attribution_words: Vec<Range<usize>>,
}

/// Find the claims of a document.
pub fn tag(ctx: &Context, _quotes: &[QuoteTag], attributions: &[AttributionTag]) -> Vec<ClaimTag> {
    let rules = ctx.rules;
    let mut seen = Seen::for_document(&rules.claims.entities, attributions, ctx.text, &ctx.seg.sentences);
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
    /// The automaton hits of a frame in several parts, joined.
    joined: Vec<Hit>,
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
    let Scratch { hits, cand, own: region_cand, joined: joined_hits } = scratch;
    cr.scan(stext, hits);
    cr.prefilter.verdicts(stext, hits, 0..stext.len(), cand);
    let (hits, cand) = (&*hits, &*cand);
    let Some((sentence_rule, sentence_words)) = claim_sentence_words(rules, stext, cand) else { return };
    let scanned = Scanned { start: range.start, text: stext, hits };
    let clauses = clauses(rules, text, range.clone(), sentence_rule, attributions, atts, &scanned);
    if clauses.is_empty() {
        return;
    }
    let cues = certainty::find_in(rules, stext, range.start, cand, hits);
    let whole = trim(text, range.clone());
    // Frames by id, with their claim's index in `out`; contents with the id of their frame.
    let mut frames: Vec<(usize, usize)> = Vec::new();
    let mut framed: Vec<(usize, usize)> = Vec::new();
    for cl in &clauses {
        let ctext = &text[cl.range.clone()];
        // What a claim says is read from its own words: the clause, or a frame's parts
        // around the contents it frames (a cue in a content is the content's, not its frame's).
        let own: &[Range<usize>] = cl.frame.as_ref().map_or(std::slice::from_ref(&cl.range), |f| &f.own);
        let span = own[0].start..own[own.len() - 1].end;
        let inside = |r: &Range<usize>| own.iter().any(|o| o.start <= r.start && r.start < o.end);
        let mut mine: Vec<&Cue> = near(&cues, |c| &c.range, &span).filter(|c| inside(&c.range)).collect();
        if let Some(f) = cl.frame.as_ref().filter(|f| !f.kept) {
            // A frame that only says who spoke is a claim when a cue of its own qualifies the
            // attribution (`reportedly questioned`, `did not deny`); a cue that is, or takes
            // in, a source or a cue word (`critics argue`, `suspected`) hedges the content.
            let of_attribution = |r: &Range<usize>| f.attribution_words.iter().any(|a| a.start < r.end && r.start < a.end);
            if mine.iter().all(|c| of_attribution(&c.range)) {
                continue;
            }
        }
        // A clause's region: its own text and, for an attribution's content in this sentence,
        // the cue and source that frame it (`Analysts forecast` a recession: a prediction; `I
        // think` we can do better: an opinion). Types and features are read there.
        let attribution = cl.attribution.map(|i| &attributions[i]);
        let joined: String;
        let (rtext, cand): (&str, &[Verdict]) = if let [one] = own {
            let mut region = one.clone();
            if let Some(a) = attribution {
                for r in std::iter::once(&a.cue).chain(a.source.as_ref()) {
                    if range.start <= r.start && r.end <= range.end {
                        region = region.start.min(r.start)..region.end.max(r.end);
                    }
                }
            }
            // The prefilter's verdicts hold for the text they were made on.
            let cand: &[Verdict] = if region == whole {
                cand
            } else {
                cr.prefilter.verdicts(stext, hits, region.start - range.start..region.end - range.start, region_cand);
                region_cand
            };
            (&text[region], cand)
        } else {
            // A frame in several parts (`“…,” he said in Leeds, “…”`): its parts, with the
            // contents left out, scanned as a text of their own.
            joined = own.iter().map(|r| &text[r.clone()]).collect::<Vec<_>>().join(" … ");
            cr.scan(&joined, joined_hits);
            cr.prefilter.verdicts(&joined, joined_hits, 0..joined.len(), region_cand);
            (&joined, &region_cand[..])
        };
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

        let entities: Vec<EntityTag> = near(ents, |e| &e.range, &span)
            .filter(|e| own.iter().any(|o| o.start <= e.range.start && e.range.end <= o.end))
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
            frame: None,
            entities,
            rules: rule_ids,
        });
        if let Some(f) = &cl.frame {
            frames.push((f.id, out.len() - 1));
        }
        if let Some(id) = cl.framed_by {
            framed.push((out.len() - 1, id));
        }
    }
    for (claim, id) in framed {
        out[claim].frame = frames.iter().find(|(f, _)| *f == id).map(|&(_, c)| c);
    }
}

/// A sentence and its automaton hits: the prefilter's verdicts for any part of it.
pub struct Scanned<'a> {
    /// Where the sentence starts in the clean text.
    pub start: usize,
    /// The sentence.
    pub text: &'a str,
    /// Its [`crate::rules::claim::ClaimRules::scan`].
    pub hits: &'a [Hit],
}

impl Scanned<'_> {
    /// The verdicts for the part `r` (clean-text bytes) of the sentence, into `out`: those of
    /// a scan of that part alone.
    fn verdicts<'v>(&self, rules: &RuleSet, r: &Range<usize>, out: &'v mut Vec<Verdict>) -> &'v [Verdict] {
        rules.claims.prefilter.verdicts(self.text, self.hits, r.start - self.start..r.end - self.start, out);
        out
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

/// Whether a `not_claim` rule takes `text` (a question, a greeting, an imperative), whose
/// prefilter verdicts are `candidates`.
fn not_claim(rules: &RuleSet, text: &str, candidates: &[Verdict]) -> bool {
    let cr = &rules.claims;
    cr.not_claims.iter().enumerate().any(|(i, r)| verdict_holds(candidates[cr.not_claim_base + i], &r.regex, r.unless.as_ref(), text))
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
///
/// Around the contents of a node, the text splits into pieces, and each piece at the
/// `split` rules. A part that touches a content is the writer's framing of it (or, inside
/// a content, its source's): all of them together make one [`Frame`] clause, whose range
/// runs over them and the contents they frame, so that the claim reads whole (`Predictably,
/// Xi's speech criticized the alliance as …`, not `Predictably, Xi's speech criticized`).
/// A part that touches no content is a clause of its own.
#[allow(clippy::too_many_arguments)]
pub fn clauses(
    rules: &RuleSet,
    text: &str,
    range: Range<usize>,
    sentence_rule: usize,
    attributions: &[AttributionTag],
    atts: &[usize],
    scanned: &Scanned,
) -> Vec<Clause> {
    let cr = &rules.claims;
    let mut verdicts = Vec::new();
    // Contents clipped to the sentence, outermost first.
    let mut contents: Vec<(Range<usize>, usize)> = atts
        .iter()
        .map(|&ai| (trim(text, attributions[ai].content.start.max(range.start)..attributions[ai].content.end.min(range.end)), ai))
        .filter(|(r, _)| !r.is_empty())
        .collect();
    contents.sort_by_key(|(r, ai)| (r.start, std::cmp::Reverse(r.end), *ai));
    let whole = trim(text, range.clone());
    let mut nodes = vec![Node { range: whole.clone(), attribution: None, children: Vec::new() }];
    let mut parents = vec![None];
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
        parents.push(Some(parent));
        nodes[parent].children.push(id);
        stack.push(id);
    }
    let mut out = Vec::new();
    // Whether each node gave a clause; inner nodes come first, so that a frame whose
    // content is no claim (`The bank welcomed it`) is kept in its place.
    let mut gave = vec![false; nodes.len()];
    for (ni, n) in nodes.iter().enumerate().rev() {
        let before = out.len();
        // The root's own words are the writer's, a claim by the sentence rule; a content's
        // are its source's, named by the attribution's rule.
        let rule = if n.attribution.is_some() { None } else { Some(sentence_rule) };
        let framed_by = parents[ni];
        if n.children.is_empty() {
            for part in cut(rules, text, n.range.clone()) {
                push_clause(rules, text, &whole, Clause::plain(part, n.attribution, rule, framed_by), scanned, &mut verdicts, &mut out);
            }
            gave[ni] = out.len() > before;
            continue;
        }
        // The pieces between the contents, in text order: piece i lies before content i.
        let kids: Vec<&Range<usize>> = n.children.iter().map(|&c| &nodes[c].range).collect();
        let mut own = Vec::new();
        let mut at = n.range.start;
        for (i, end) in kids.iter().map(|k| k.start).chain(std::iter::once(n.range.end)).enumerate() {
            let parts = cut(rules, text, at..end);
            let last = parts.len().saturating_sub(1);
            for (j, part) in parts.into_iter().enumerate() {
                if (i > 0 && j == 0) || (i < kids.len() && j == last) {
                    own.push(part);
                } else {
                    push_clause(rules, text, &whole, Clause::plain(part, n.attribution, rule, framed_by), scanned, &mut verdicts, &mut out);
                }
            }
            if let Some(k) = kids.get(i) {
                at = k.end;
            }
        }
        if own.is_empty() {
            gave[ni] = out.len() > before;
            continue;
        }
        // The words that only say who spoke: the source and cue of each attribution framed.
        let mut attribution_words: Vec<Range<usize>> = n
            .children
            .iter()
            .filter_map(|&c| nodes[c].attribution)
            .flat_map(|ai| std::iter::once(attributions[ai].cue.clone()).chain(attributions[ai].source.clone()))
            .collect();
        attribution_words.sort_by_key(|r| (r.start, r.end));
        let frame_rule = cr.clauses.iter().find(|c| c.kind == ClauseKind::Frame && says_more(c, text, &own, &attribution_words));
        let lo = own.iter().chain(kids.iter().copied()).map(|r| r.start).min().expect("own is not empty");
        let hi = own.iter().chain(kids.iter().copied()).map(|r| r.end).max().expect("own is not empty");
        let words = own.iter().map(|r| checkworthy::word_count(&text[r.clone()])).sum();
        // A content too short to be a claim (`welcomed it`) leaves the claim to its frame; one
        // that is no claim at all (a greeting after `MODERATOR:`) leaves none.
        let mut unclaimed = |c: usize| {
            let r = &nodes[c].range;
            !gave[c] && !not_claim(rules, &text[r.clone()], scanned.verdicts(rules, r, &mut verdicts))
        };
        let kept = frame_rule.is_some() || n.attribution.is_some() || n.children.iter().any(|&c| unclaimed(c));
        let frame = Frame { id: ni, kept, own, attribution_words };
        let clause = Clause {
            range: trim(text, lo..hi),
            attribution: n.attribution,
            rule: frame_rule.map(|c| c.rule).or(rule),
            words: Some(words),
            frame: Some(frame),
            framed_by,
        };
        push_clause(rules, text, &whole, clause, scanned, &mut verdicts, &mut out);
        gave[ni] = out.len() > before;
    }
    out.sort_by_key(|c| (c.range.start, c.range.end));
    out
}

/// Whether the frame rule `c` finds, in the `own` words of a frame with the source and cue
/// words `attribution` left out, `min_words` words that say more than who spoke. The search
/// stops at the `min_words`th word.
fn says_more(c: &ClauseRule, text: &str, own: &[Range<usize>], attribution: &[Range<usize>]) -> bool {
    let need = c.min_words.max(1);
    let mut n = 0;
    let mut masked = String::new();
    for r in own {
        // Source and cue blanked out (same length, so the pattern's word boundaries hold).
        masked.clear();
        masked.push_str(&text[r.clone()]);
        for a in attribution.iter().filter(|a| a.start < r.end && r.start < a.end) {
            let (s, e) = (a.start.max(r.start) - r.start, a.end.min(r.end) - r.start);
            masked.replace_range(s..e, &" ".repeat(e - s));
        }
        n += count_matches_unless(&c.regex, c.unless.as_ref(), &masked, need - n);
        if n >= need {
            return true;
        }
    }
    false
}

/// Cut `r` at every `clause = "split"` match that leaves both sides with the rule's
/// `min_words`; the parts, trimmed, empty ones left out.
fn cut(rules: &RuleSet, text: &str, r: Range<usize>) -> Vec<Range<usize>> {
    let s = &text[r.clone()];
    let mut cuts: Vec<(Range<usize>, usize)> = Vec::new();
    for c in rules.claims.clauses.iter().filter(|c| c.kind == ClauseKind::Split) {
        for m in c.regex.find_iter(s) {
            cuts.push((m.range(), c.min_words));
        }
    }
    cuts.sort_by_key(|(m, _)| m.start);
    let mut out = Vec::new();
    let mut start = 0;
    for (m, min) in cuts {
        if m.start < start {
            continue;
        }
        let left = checkworthy::word_count(&s[start..m.start]);
        let right = checkworthy::word_count(&s[m.end..]);
        if left >= min && right >= min {
            out.push(trim(text, r.start + start..r.start + m.start));
            start = m.end;
        }
    }
    out.push(trim(text, r.start + start..r.end));
    out.retain(|p| !p.is_empty());
    out
}

/// Keep `clause` if it is the `whole` sentence or stands as a claim on its own (a greeting
/// or a question in a speaker's line is none), counting its words.
fn push_clause(
    rules: &RuleSet,
    text: &str,
    whole: &Range<usize>,
    mut clause: Clause,
    scanned: &Scanned,
    verdicts: &mut Vec<Verdict>,
    out: &mut Vec<Clause>,
) {
    if clause.range != *whole {
        let candidates = scanned.verdicts(rules, &clause.range, verdicts);
        match claim_sentence_words(rules, &text[clause.range.clone()], candidates) {
            Some((_, words)) => {
                clause.words.get_or_insert(words);
            }
            None => return,
        }
    }
    out.push(clause);
}
