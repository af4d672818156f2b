//! Attribution (PARC: source, cue, content) from the `attribution` rules of
//! `rules/attribution/`.
//!
//! 1. One Aho-Corasick pass over the document finds every reporting cue of
//!    `lexicons/reporting_verbs.txt` (the prefilter: a sentence without a cue is never
//!    looked at again).
//! 2. For each cue, the rules that accept one of its readings are tried by priority; the
//!    first whose `before`/`after` context holds gives source, content and hedge (from
//!    named groups or the strategies of [`crate::rules::attribution`]).
//! 3. In a sentence with several attributions, a content that runs into the clause of a
//!    later cue is cut there (`questioned X and emphasized Y` → two contents).
//! 4. Contents that cut a quotation are widened to the whole quotation, so a quotation over
//!    several sentences is one content (`“A. B,” she said.`).
//! 5. Sources are resolved ([`super::sources`]), quotations linked to their attribution,
//!    quotations with no cue of their own inherit the speaker of the attributed quotation
//!    just before them (with a note), and quotation kinds are decided.
//!
//! Cost is linear in the document: the cue scan is one pass, each cue tries a bounded set
//! of anchored regexes over its own sentence, and pronoun resolution looks back a fixed
//! window.

use std::ops::Range;

use super::attribution_spans::{content_end, content_start, quotes_near, trim, trim_source, widen_to_quotes, window, with_marks};
use super::sources::{self, Names, Tok};
use super::{AttributionTag, Context, QuoteTag, quotes};
use crate::rules::Status;
use crate::rules::attribution::{AttributionRule, ByteSet, ContentFrom, CueHit, CueReading, SourceFrom};
use crate::rules::quote::QuoteMarks;
use crate::rules::sources::Boundary;
use crate::segment::BlockKind;

/// Note on a quotation that inherits its speaker.
pub const NOTE_INHERITED: &str = "speaker inherited from the attributed quotation before it (no cue of its own)";

/// An attribution being built.
#[derive(Debug, Clone)]
struct Cand {
    sentence: usize,
    clause_start: usize,
    source: Option<Range<usize>>,
    cue: Range<usize>,
    reading: CueReading,
    content: Range<usize>,
    hedge: Option<String>,
    rule: usize,
    source_kind: Option<String>,
    content_kind: Option<String>,
    reasoning: Vec<String>,
    /// What a relative-pronoun source stands for.
    antecedent: Option<Range<usize>>,
    /// End of the content before continuing quotations were added to it.
    own_end: usize,
    /// The content is not cut at later cues.
    nests: bool,
}

/// Find the attributions of a document and link quotations to them.
pub fn tag(ctx: &Context, quotes: &mut [QuoteTag]) -> Vec<AttributionTag> {
    // The quotation lookups below search by position: the scanner gives top-level
    // quotations, in order and disjoint.
    debug_assert!(quotes.windows(2).all(|w| w[0].range.end <= w[1].range.start), "quotations out of order");
    let hits = ctx.rules.cues.find(ctx.text);
    let mut cands: Vec<Cand> = Vec::new();
    let mut hi = 0;
    let mut toks = Vec::new();
    for (si, s) in ctx.seg.sentences.iter().enumerate() {
        while hi < hits.len() && hits[hi].range.start < s.range.start {
            hi += 1;
        }
        let lo = hi;
        while hi < hits.len() && hits[hi].range.end <= s.range.end {
            hi += 1;
        }
        if lo == hi || matches!(ctx.seg.blocks[s.block].kind, BlockKind::FrontMatter | BlockKind::Boilerplate) {
            continue;
        }
        sources::tokenize_into(ctx.text, s.range.clone(), &mut toks);
        let present = ByteSet::of(&ctx.text.as_bytes()[s.range.clone()]);
        let first = cands.len();
        for h in &hits[lo..hi] {
            if let Some(c) = first_rule(ctx, si, h, &toks, &present, &cands[first..], quotes) {
                cands.push(c);
            }
        }
        cut_contents(ctx.text, &mut cands[first..], &ctx.rules.sources);
        drop_nested_nominals(&mut cands, first);
    }
    for c in &mut cands {
        c.content = widen_to_quotes(ctx.text, c.content.clone(), quotes, &ctx.rules.quote_marks);
        c.own_end = c.content.end;
    }
    extend_over_continuations(ctx, &mut cands, quotes);
    finish(ctx, cands, quotes)
}

/// Try the rules on one cue; the first that holds wins. `present` holds the bytes of the
/// sentence: a rule whose context needs others cannot hold.
fn first_rule(ctx: &Context, si: usize, h: &CueHit, toks: &[Tok], present: &ByteSet, prev: &[Cand], quotes: &[QuoteTag]) -> Option<Cand> {
    // a capitalised cue inside a sentence is a name (`the United States`, `Islamic State`)
    // unless the sentence is a title in capitalised words
    let s = &ctx.seg.sentences[si].range;
    if ctx.text[h.range.clone()].starts_with(char::is_uppercase)
        && ctx.text[s.start..h.range.start].chars().any(char::is_alphanumeric)
        && !title_case(&ctx.text[s.clone()])
    {
        return None;
    }
    let qi = quotes.partition_point(|q| q.range.end < h.range.end);
    let quoted = quotes.get(qi).is_some_and(|q| q.range.start <= h.range.start && h.range.end <= q.range.end);
    let skip = |rule: &AttributionRule| {
        ctx.rules.rules[rule.rule].status == Status::Off
            || (quoted && !rule.in_quotes)
            || [rule.before_needs, rule.after_needs].iter().flatten().any(|n| !n.meets(present))
    };
    let readings = &ctx.rules.cues.readings[h.form];
    // the rules that accept this form, worked out once per form
    if let Some(pairs) = ctx.rules.cues.accepting(&ctx.rules.attributions, h.form) {
        for &(ri, di) in pairs {
            let rule = &ctx.rules.attributions[ri];
            if !skip(rule)
                && let Some(c) = apply(ctx, rule, si, h.range.clone(), &readings[di], toks, prev, quotes)
            {
                return Some(c);
            }
        }
        return None;
    }
    let cue_text = ctx.text[h.range.clone()].to_lowercase();
    for rule in &ctx.rules.attributions {
        if skip(rule) {
            continue;
        }
        for reading in readings {
            if rule.accepts(reading, &cue_text)
                && let Some(c) = apply(ctx, rule, si, h.range.clone(), reading, toks, prev, quotes)
            {
                return Some(c);
            }
        }
    }
    None
}

/// Most tokens a nominal cue looks back for a speech or document mentioned before it.
pub const CONTEXT_TOKENS: usize = 80;

/// Whether most words of a sentence are capitalised (a headline).
fn title_case(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().filter(|w| w.chars().next().is_some_and(char::is_alphabetic)).collect();
    let caps = words.iter().filter(|w| w.starts_with(char::is_uppercase)).count();
    words.len() >= 2 && caps * 10 >= words.len() * 7
}

/// Index of the first token starting at or after byte `b`.
fn tok_at(toks: &[Tok], b: usize) -> usize {
    toks.partition_point(|t| t.range.start < b)
}

/// Span of a token range.
fn span(toks: &[Tok], r: Range<usize>) -> Range<usize> {
    toks[r.start].range.start..toks[r.end - 1].range.end
}

/// Apply one rule to one cue.
#[allow(clippy::too_many_arguments)]
fn apply(
    ctx: &Context,
    rule: &AttributionRule,
    si: usize,
    cue: Range<usize>,
    reading: &CueReading,
    toks: &[Tok],
    prev: &[Cand],
    quotes: &[QuoteTag],
) -> Option<Cand> {
    let text = ctx.text;
    // the context patterns see a bounded window of the sentence on each side of the cue, so
    // a sentence of a megabyte with a cue every few words stays linear
    let full = ctx.seg.sentences[si].range.clone();
    let s = window(text, full.clone(), &cue);
    let before = &text[s.start..cue.start];
    let after = &text[cue.end..s.end];
    // cheap tests first: the `after` side is anchored at the cue and fails fast; captures
    // run only once every condition holds. The `before` search, and the `after` search of
    // a side without groups, is its test and gives the bounds of its match.
    let a_plain = match &rule.after {
        Some(re) if !rule.after_groups => Some(re.find(after)?.end()),
        Some(re) if !re.is_match(after) => return None,
        _ => None,
    };
    let b_match = match &rule.before {
        Some(re) => Some(re.find(before)?),
        None => None,
    };
    if rule.not_after.as_ref().is_some_and(|re| re.is_match(after)) || rule.not_before.as_ref().is_some_and(|re| re.is_match(before)) {
        return None;
    }
    // a group is read as none when it holds no letter or digit (see `group` below), so the
    // groups of a `before` match without one need no captures, unless the `after` side has
    // groups too (a group of both sides is their union)
    let bcaps = b_match
        .filter(|m| rule.before_groups && (rule.after_groups || m.as_str().chars().any(char::is_alphanumeric)))
        .and_then(|_| rule.before.as_ref()?.captures(before));
    let acaps = rule.after.as_ref().filter(|_| rule.after_groups).and_then(|re| re.captures(after));
    let b_start = b_match.map_or(cue.start, |m| s.start + m.start());
    let a_end = match (a_plain, &acaps) {
        (Some(e), _) => cue.end + e,
        (None, Some(c)) => cue.end + c.get(0).map_or(0, |m| m.end()),
        (None, None) => cue.end,
    };
    // a group from `before`, `after`, or both (a content split by its cue: the union)
    let group = |name: &str| -> Option<Range<usize>> {
        let b = bcaps.as_ref().and_then(|c| c.name(name)).map(|m| s.start + m.start()..s.start + m.end());
        let a = acaps.as_ref().and_then(|c| c.name(name)).map(|m| cue.end + m.start()..cue.end + m.end());
        let r = match (b, a) {
            (Some(b), Some(a)) => b.start..a.end,
            (b, a) => b.or(a)?,
        };
        let r = if name == "source" { trim_source(text, r) } else { trim(text, r) };
        Some(r).filter(|r| text[r.clone()].chars().any(char::is_alphanumeric))
    };
    let lex = &ctx.rules.sources;
    let mut reasoning = Vec::new();
    let mut antecedent = None;
    let mut hedge = group("hedge").map(|r| text[r].to_string());
    let from_prev = |reasoning: &mut Vec<String>, hedge: &mut Option<String>| -> Option<Range<usize>> {
        let p = prev.iter().rev().take(16).find(|p| p.cue.start < cue.start && p.source.is_some())?;
        reasoning.push(format!("coordinated cue: source shared with the cue `{}` before it", &text[p.cue.clone()]));
        if hedge.is_none() {
            hedge.clone_from(&p.hedge);
        }
        p.source.clone()
    };
    let from_subject = |reasoning: &mut Vec<String>| -> Option<Range<usize>> {
        let starter = |w: &str| ctx.rules.segment.is_starter(w);
        let r = sources::subject(text, toks, tok_at(toks, b_start), lex, &starter)?;
        reasoning.push("source: the subject of the clause".to_string());
        Some(span(toks, r))
    };
    let source = if let Some(r) = group("source") {
        let r = first_words(text, r, sources::MAX_SOURCE_WORDS);
        if !valid_source(text, r.clone(), lex) {
            return None;
        }
        // a source the pattern took from before the cue must read as one noun phrase: the
        // leftward reading from its end covers it (`a claim the authority disputed` does not)
        if r.end <= cue.start {
            // (its head: an appositive after a comma is read separately)
            let head_end = text[r.clone()].find(',').map_or(r.end, |i| r.start + i);
            let end = tok_at(toks, head_end);
            let walked = sources::walk_left(text, toks, end, lex).map(|w| toks[w.start].range.start);
            if walked.is_some_and(|w| w > r.start) {
                return None;
            }
        }
        reasoning.push(format!("source from the rule's `source` group: `{}`", &text[r.clone()]));
        Some(r)
    } else {
        match rule.source_from {
            SourceFrom::Group | SourceFrom::None => None,
            SourceFrom::Left => {
                let ti = tok_at(toks, b_start);
                let ci = tok_at(toks, cue.start);
                let found = sources::walk_left(text, toks, ti, lex).map(|r| span(toks, r)).or_else(|| appositive(text, toks, ti, lex));
                let found = match found {
                    Some(r) => {
                        reasoning.push(format!("source read leftwards from the cue: `{}`", &text[r.clone()]));
                        Some(r)
                    }
                    // `Smith, who said …`: the relative pronoun is the source, its antecedent
                    // what it resolves to
                    None if ti > 0 && toks[ti - 1].word && lex.boundary(&text[toks[ti - 1].range.clone()]) == Some(Boundary::Relative) => {
                        let r = toks[ti - 1].range.clone();
                        let mut k = ti - 1;
                        if k > 0 && !toks[k - 1].word && &text[toks[k - 1].range.clone()] == "," {
                            k -= 1;
                        }
                        antecedent = sources::walk_left(text, toks, k, lex).map(|a| span(toks, a));
                        reasoning.push(format!("source: the relative pronoun `{}`", &text[r.clone()]));
                        Some(r)
                    }
                    None if ends_with_conj(&text[s.start..b_start], lex) => {
                        from_prev(&mut reasoning, &mut hedge).or_else(|| from_subject(&mut reasoning))
                    }
                    // the context pattern took the head noun for an adverb (`the family said`)
                    None if ci == ti + 1 && text[toks[ti].range.clone()].ends_with("ly") => {
                        let r = sources::walk_left(text, toks, ci, lex).map(|r| span(toks, r))?;
                        reasoning.push(format!("source read leftwards from the cue: `{}`", &text[r.clone()]));
                        Some(r)
                    }
                    None => None,
                };
                let r = found?;
                // a bare verb form agrees with a plural or personal subject only (`critics say`,
                // `I trust`), which keeps nouns such as `mutual trust` out
                if reading.pos == "verb" && cue_text_is_base(text, &cue, reading) && !plural_or_personal(text, r.clone(), lex) {
                    return None;
                }
                Some(r)
            }
            SourceFrom::Right => {
                // the `after` pattern is a guard here: the phrase is read from the cue on
                let tr = sources::walk_right(text, toks, tok_at(toks, cue.end), lex)?;
                // an inverted source closes its clause: punctuation, the end, or an adjunct
                // follows it, not a quotation or a verb (`said the plan “does not…”`)
                if let Some(next) = toks.get(tr.end) {
                    let nt = &text[next.range.clone()];
                    let closes = if next.word { lex.boundary(nt) == Some(Boundary::Join) } else { !ctx.rules.quote_marks.opens(nt) };
                    if !closes {
                        return None;
                    }
                }
                let r = span(toks, tr);
                reasoning.push(format!("source read rightwards from the cue: `{}`", &text[r.clone()]));
                Some(r)
            }
            SourceFrom::Subject | SourceFrom::Previous => {
                Some(from_prev(&mut reasoning, &mut hedge).or_else(|| from_subject(&mut reasoning))?)
            }
            SourceFrom::Context => context_source(ctx, si, cue.start, toks, &mut reasoning),
        }
    };
    let content = if rule.content_from == ContentFrom::QuoteBefore {
        // the quotation closing where the `before` match begins, with its marks
        let k = quotes.partition_point(|q| q.range.end < b_start);
        let q = quotes.get(k).filter(|q| q.range.end == b_start)?;
        let m = with_marks(text, q.range.clone(), &ctx.rules.quote_marks);
        let end = acaps.as_ref().and_then(|c| c.name("content")).map_or(m.end, |g| trim(text, cue.end + g.start()..cue.end + g.end()).end);
        m.start..end
    } else if let Some(r) = group("content") {
        r
    } else {
        let r = match rule.content_from {
            ContentFrom::Group | ContentFrom::QuoteBefore => return None,
            ContentFrom::Right => a_end..content_end(text, a_end, full.end.max(a_end)),
            ContentFrom::Left => {
                let end = source.as_ref().filter(|r| r.end <= cue.start).map_or(b_start, |r| r.start);
                content_start(text, full.start.min(end), end)..end
            }
            ContentFrom::NextQuote => {
                let limit = ctx.seg.sentences.get(si + 1).map_or(s.end, |n| n.range.end);
                let q = &quotes[quotes.partition_point(|q| q.range.start < cue.end)..].first().filter(|q| q.range.start < limit)?;
                with_marks(text, q.range.clone(), &ctx.rules.quote_marks)
            }
            ContentFrom::PreviousQuote => {
                let from = si.checked_sub(1).map_or(s.start, |p| ctx.seg.sentences[p].range.start);
                let q = quotes[..quotes.partition_point(|q| q.range.end <= cue.start)].last().filter(|q| q.range.end > from)?;
                with_marks(text, q.range.clone(), &ctx.rules.quote_marks)
            }
        };
        trim(text, r)
    };
    if !text[content.clone()].chars().any(char::is_alphanumeric) {
        return None;
    }
    // a content that ends on a quotation mark ends on a quotation: the scanner read it so
    // (`the Ports Authority’ own estimate` holds an apostrophe, not a closing mark)
    let marks = &ctx.rules.quote_marks;
    if marks.mark_before(&text[..content.end]).is_some()
        && !text[content.clone()].ends_with(|c: char| c.is_alphanumeric())
        && !quotes[quotes_near(quotes, &content, marks.longest())]
            .iter()
            .any(|q| with_marks(text, q.range.clone(), marks).end == content.end)
    {
        return None;
    }
    // a content read from both sides of its cue surrounds the source; any other may not
    // overlap it
    let surrounds = content.start < cue.start && content.end > cue.end;
    if let Some(src) = &source
        && !surrounds
        && (src.start < content.end && content.start < src.end)
    {
        return None;
    }
    if hedge.is_none() {
        // between the source and the cue, and the cue with a following `to` (`is said to`)
        let from = source.as_ref().filter(|r| r.end <= cue.start).map_or(b_start, |r| r.end).min(cue.start);
        let to = if after.starts_with(" to ") { cue.end + 3 } else { cue.end };
        hedge = find_hedge(&text[from..to], lex);
    }
    // where the clause of this cue begins: its source when read beside it, else the
    // context before the cue (`and` of a coordinated cue)
    let adjacent = matches!(rule.source_from, SourceFrom::Left | SourceFrom::Group)
        && !reasoning.iter().any(|r| r.starts_with("coordinated") || r.starts_with("source: the subject"));
    let clause_start = source.as_ref().filter(|r| adjacent && r.start < cue.start).map_or(b_start, |r| r.start.min(b_start));
    Some(Cand {
        sentence: si,
        clause_start,
        source,
        cue,
        reading: reading.clone(),
        content,
        hedge,
        rule: rule.rule,
        source_kind: rule.source_kind.clone(),
        content_kind: rule.content_kind.clone(),
        reasoning,
        antecedent,
        own_end: 0,
        nests: rule.nests,
    })
}

/// `Smith, a spokesman for the agency, said`: when the cue follows a comma, read the
/// source before the appositive and keep the appositive in the span.
fn appositive(text: &str, toks: &[Tok], ti: usize, lex: &crate::rules::sources::SourceLexicons) -> Option<Range<usize>> {
    let comma = |i: usize| !toks[i].word && &text[toks[i].range.clone()] == ",";
    if ti < 2 || !comma(ti - 1) {
        return None;
    }
    // the farthest comma (within a bounded window) whose left side reads as a noun phrase
    // with a nominal head: `Sen. Chuck Grassley, facing a challenge in Iowa, a swing state,
    // said` → `Sen. Chuck Grassley, …`
    let head_ok = |r: &Range<usize>| {
        let last = &text[toks[r.end - 1].range.clone()];
        last.starts_with(char::is_uppercase) || lex.role(last).is_some() || lex.is_anonymous(last) || lex.is_document(last)
    };
    let found = (ti.saturating_sub(30)..ti - 1)
        .filter(|&k| comma(k) && k + 1 < ti - 1)
        .find_map(|k| sources::walk_left(text, toks, k, lex).filter(head_ok).map(|r| toks[r.start].range.start..toks[ti - 2].range.end));
    // or a lone comma after a name before the cue (`Sen. Jack Reed (D-R.I.), said`)
    found.or_else(|| {
        sources::walk_left(text, toks, ti - 1, lex)
            .filter(|r| {
                text[toks[r.end - 1].range.clone()].starts_with(|c: char| c.is_uppercase() || c == '(' || c == ')') || !toks[ti - 2].word
            })
            .map(|r| span(toks, r))
    })
}

/// The first `n` words of a range (a long `according to` source keeps its head).
fn first_words(text: &str, r: Range<usize>, n: usize) -> Range<usize> {
    let toks = sources::tokenize(text, r.clone());
    match toks.iter().filter(|t| t.word).nth(n - 1) {
        Some(t) if t.range.end < r.end => r.start..t.range.end,
        _ => r,
    }
}

/// Whether a source given by a rule's group reads as a noun phrase: not too long, and no
/// clause boundary word inside.
fn valid_source(text: &str, r: Range<usize>, lex: &crate::rules::sources::SourceLexicons) -> bool {
    let toks = sources::tokenize(text, r);
    let words: Vec<&str> = toks.iter().filter(|t| t.word).map(|t| &text[t.range.clone()]).collect();
    !words.is_empty()
        && words.len() <= sources::MAX_SOURCE_WORDS
        && words.iter().any(|w| lex.boundary(w).is_none())
        && !words.iter().any(|w| lex.boundary(w) == Some(crate::rules::sources::Boundary::Stop))
        && !matches!(lex.boundary(words[0]), Some(Boundary::Join | Boundary::Conj | Boundary::Relative))
}

/// Whether the cue is written in its bare form (`say`, `call for`): the lemma itself.
fn cue_text_is_base(text: &str, cue: &Range<usize>, reading: &CueReading) -> bool {
    text[cue.clone()].eq_ignore_ascii_case(&reading.lemma)
}

/// Whether a source can be the subject of a bare verb form: a plural (`-s`), a personal
/// pronoun (`I`, `we`, `you`, `they`), a number or share (`42%`, `a third`), an anonymous
/// group or a capitalised name.
fn plural_or_personal(text: &str, r: Range<usize>, lex: &crate::rules::sources::SourceLexicons) -> bool {
    let src = text[r].trim();
    let head = src.rsplit(|c: char| c.is_whitespace()).next().unwrap_or(src);
    let lower = head.to_lowercase();
    lex.plural_subjects.contains(&lower)
        || head.chars().any(|c| c.is_ascii_digit())
        || lex.is_anonymous(head)
        || (lower.ends_with('s') && !lower.ends_with("ss") && !lower.ends_with("’s") && !lower.ends_with("'s"))
        || lex.is_anonymous(src)
        || head.chars().next().is_some_and(char::is_uppercase) && src.split_whitespace().count() > 1
}

/// Whether text ends with a coordinating conjunction (`…, and`).
fn ends_with_conj(s: &str, lex: &crate::rules::sources::SourceLexicons) -> bool {
    let t = s.trim_end().trim_end_matches(',').trim_end();
    let last = t.rsplit(|c: char| c.is_whitespace()).next().unwrap_or(t);
    lex.boundary(last) == Some(Boundary::Conj)
}

/// A possessor just before a nominal cue (`Xi’s appeal`, `his claim`), or a speech or
/// document with a possessor mentioned earlier in the sentence or the two sentences before
/// it in the same block (`in Xi’s speech … an appeal that`).
fn context_source(ctx: &Context, si: usize, cue_start: usize, toks: &[Tok], reasoning: &mut Vec<String>) -> Option<Range<usize>> {
    let lex = &ctx.rules.sources;
    let text = ctx.text;
    let ti = tok_at(toks, cue_start);
    let is_poss = |w: &str| w.ends_with("’s") || w.ends_with("'s") || lex.is_possessive(w);
    for back in 1..=2 {
        if ti >= back && toks[ti - back].word && is_poss(&text[toks[ti - back].range.clone()]) {
            let r = span(toks, sources::possessor(text, toks, ti - back, lex));
            reasoning.push(format!("source: the possessor before the cue, `{}`", &text[r.clone()]));
            return Some(r);
        }
    }
    let block = ctx.seg.sentences[si].block;
    for sj in (si.saturating_sub(2)..=si).rev() {
        let sent = &ctx.seg.sentences[sj];
        if sent.block != block {
            continue;
        }
        let owned;
        let ts: &[Tok] = if sj == si {
            &toks[..ti]
        } else {
            owned = sources::tokenize(text, sent.range.clone());
            &owned
        };
        for i in (1..ts.len()).rev().take(CONTEXT_TOKENS) {
            let w = &text[ts[i].range.clone()];
            if ts[i].word && lex.is_document(w) && ts[i - 1].word && is_poss(&text[ts[i - 1].range.clone()]) {
                let start = sources::possessor(text, ts, i - 1, lex).start;
                let r = ts[start].range.start..ts[i].range.end;
                reasoning.push(format!("source: the speech or document mentioned before, `{}`", &text[r.clone()]));
                return Some(r);
            }
        }
    }
    None
}

/// The first hedge of the lexicon in `s`, as a whole word or phrase.
fn find_hedge(s: &str, lex: &crate::rules::sources::SourceLexicons) -> Option<String> {
    let ac = lex.hedge_ac.as_ref()?;
    ac.find_iter(s)
        .find(|m| {
            s[..m.start()].chars().next_back().is_none_or(|c| !c.is_alphanumeric())
                && s[m.end()..].chars().next().is_none_or(|c| !c.is_alphanumeric())
        })
        .map(|m| s[m.range()].to_string())
}

/// Whether a clause boundary stands between `before` and `after`: punctuation (`,` `;`
/// `:` a dash) or a conjunction of the boundary lexicon (`and`, `but`, `while`) on either
/// side.
fn at_clause_boundary(before: &str, after: &str, lex: &crate::rules::sources::SourceLexicons) -> bool {
    let t = before.trim_end();
    let a = after.trim_start();
    if t.ends_with([',', ';', ':', '—', '–']) || a.starts_with([',', ';', ':', '—', '–']) {
        return true;
    }
    let last = t.rsplit(|c: char| c.is_whitespace()).next().unwrap_or(t);
    let first = a.split(|c: char| c.is_whitespace()).next().unwrap_or(a);
    lex.boundary(last) == Some(Boundary::Conj) || lex.boundary(first) == Some(Boundary::Conj)
}

/// A nominal cue with no source of its own that stands inside the frame of a verb cue and
/// reports the same content (`said in a statement that …`) adds nothing: it is dropped.
fn drop_nested_nominals(cands: &mut Vec<Cand>, first: usize) {
    let dup: Vec<bool> = (first..cands.len())
        .map(|i| {
            let b = &cands[i];
            b.reading.pos == "noun"
                && b.source.is_none()
                && cands[first.max(i.saturating_sub(16))..i].iter().any(|a| {
                    a.reading.pos != "noun" && a.cue.end <= b.cue.start && a.content.start <= b.cue.start && a.content.end == b.content.end
                })
        })
        .collect();
    if dup.iter().any(|&d| d) {
        let tail = cands.split_off(first);
        cands.extend(tail.into_iter().zip(dup).filter(|(_, d)| !d).map(|(c, _)| c));
    }
}

/// Cut contents that run into the clause of a later cue of the same sentence (a coordinated
/// or following clause, not a clause embedded in the content).
fn cut_contents(text: &str, cands: &mut [Cand], lex: &crate::rules::sources::SourceLexicons) {
    for i in 0..cands.len() {
        if cands[i].nests {
            continue;
        }
        let mut end = cands[i].content.end;
        // cands are in cue order: the next few cues of the sentence are the ones to look at
        for j in i + 1..cands.len().min(i + 16) {
            let (a, b) = (&cands[i], &cands[j]);
            if b.cue.start > a.cue.start
                && b.clause_start > a.content.start
                && b.clause_start < end
                && at_clause_boundary(&text[a.content.start..b.clause_start], &text[b.clause_start..b.cue.start], lex)
            {
                end = b.clause_start;
            }
        }
        if end < cands[i].content.end {
            let r = trim(text, cands[i].content.start..end);
            if text[r.clone()].chars().any(char::is_alphanumeric) {
                cands[i].content = r;
            }
        }
    }
}

/// Whether quotation `q` opens its sentence.
fn opens_sentence(ctx: &Context, q: &QuoteTag) -> bool {
    let Some(&si) = q.sentences.first() else { return false };
    let s = &ctx.seg.sentences[si];
    !ctx.text[s.range.start..q.range.start.max(s.range.start)].chars().any(char::is_alphanumeric)
}

/// A quotation that opens its sentence, with no cue of its own, right after an attributed
/// quotation of the same paragraph continues it: `“A,” she said. “B.”` gives one
/// attribution whose content runs to the end of `B` (the quotation gets a note saying its
/// speaker is inherited).
fn extend_over_continuations(ctx: &Context, cands: &mut [Cand], quotes: &[QuoteTag]) {
    let marks = &ctx.rules.quote_marks;
    let block = |q: &QuoteTag| q.sentences.first().map(|&s| ctx.seg.sentences[s].block);
    // the attributions whose content holds a range: found among those that start before it,
    // by content start, looking back a bounded number
    let mut by_start: Vec<usize> = (0..cands.len()).collect();
    by_start.sort_by_key(|&i| cands[i].content.start);
    let holder = |cands: &[Cand], r: &Range<usize>| -> Option<usize> {
        let k = by_start.partition_point(|&i| cands[i].content.start <= r.start);
        by_start[..k].iter().rev().take(8).copied().find(|&i| r.end <= cands[i].content.end)
    };
    for qi in 1..quotes.len() {
        let q = &quotes[qi];
        if holder(cands, &q.range).is_some() || !opens_sentence(ctx, q) {
            continue;
        }
        let prev = &quotes[qi - 1];
        if block(prev) != block(q) {
            continue;
        }
        let Some(ci) = holder(cands, &prev.range) else { continue };
        // cands are in cue order: any cue of another sentence between the two quotations?
        let first = cands.partition_point(|c| c.cue.start < prev.range.end);
        if cands[first..].iter().take_while(|c| c.cue.start < q.range.start).any(|c| c.sentence != cands[ci].sentence) {
            continue;
        }
        let end = with_marks(ctx.text, q.range.clone(), marks).end;
        if end > cands[ci].content.end {
            cands[ci].content.end = end;
            cands[ci].reasoning.push("content runs on over the quotation that continues it".to_string());
        }
    }
}

/// Resolve sources, link and classify quotations, build the tags.
fn finish(ctx: &Context, cands: Vec<Cand>, quotes: &mut [QuoteTag]) -> Vec<AttributionTag> {
    let names = Names::default();
    let mut out = Vec::with_capacity(cands.len());
    let mut attributed = vec![false; quotes.len()];
    for (ai, c) in cands.into_iter().enumerate() {
        let mut reasoning = c.reasoning;
        let (kind, resolved) = match c.antecedent.as_ref().or(c.source.as_ref()) {
            Some(r) => {
                if c.antecedent.is_some() {
                    reasoning.push(format!("the relative pronoun stands for `{}`", &ctx.text[r.clone()]));
                }
                let res = sources::resolve(ctx, &names, r.clone(), c.sentence);
                reasoning.extend(res.reasoning);
                if let Some(n) = &res.name
                    && res.kind != "anonymous"
                {
                    // a pronoun's speaker has the kind of what it stands for
                    let kind = match res.kind.as_str() {
                        "pronoun" => names
                            .speakers
                            .borrow()
                            .iter()
                            .rev()
                            .take(64)
                            .find(|m| &m.name == n)
                            .map_or("person".to_string(), |m| m.kind.clone()),
                        k => k.to_string(),
                    };
                    names.speakers.borrow_mut().push(sources::Mention { at: r.start, sentence: c.sentence, name: n.clone(), kind });
                }
                (res.kind, res.name)
            }
            None => {
                reasoning.push("no source: an agentless construction".to_string());
                (c.source_kind.clone().unwrap_or_else(|| "unknown".into()), None)
            }
        };
        let content_kind = c.content_kind.clone().unwrap_or_else(|| {
            // the cue, the source, and, when continuing quotations extend the content, the
            // rest of the attribution's own sentence are the frame, not the content
            let frame = (c.content.end > c.own_end).then(|| c.own_end..ctx.seg.sentences[c.sentence].range.end);
            let between = [Some(c.cue.clone()), c.source.clone(), frame];
            content_kind(ctx.text, &c.content, &between, quotes, &ctx.rules.quote_marks)
        });
        let near = quotes_near(quotes, &c.content, ctx.rules.quote_marks.longest());
        for (qi, q) in quotes.iter_mut().enumerate().skip(near.start).take(near.len()) {
            if q.range.start >= c.content.start && q.range.end <= c.content.end && q.attribution.is_none() {
                q.attribution = Some(ai);
                q.speaker = c.source.clone();
                q.speaker_resolved = resolved.clone().or_else(|| c.source.as_ref().map(|r| ctx.text[r.clone()].to_string()));
                attributed[qi] = true;
                if q.range.start >= c.own_end {
                    q.note = Some(match &q.note {
                        Some(n) => format!("{n}; {NOTE_INHERITED}"),
                        None => NOTE_INHERITED.to_string(),
                    });
                }
            }
        }
        out.push(AttributionTag {
            sentence: c.sentence,
            source: c.source,
            source_resolved: resolved,
            source_kind: kind,
            cue: c.cue,
            cue_lemma: c.reading.lemma,
            cue_class: c.reading.class,
            content: c.content,
            content_kind,
            hedge: c.hedge,
            rule: ctx.rules.rules[c.rule].id.clone(),
            reasoning,
        });
    }
    inherit_speakers(ctx, &out, quotes, &mut attributed);
    quotes::classify(ctx, quotes, &attributed);
    out
}

/// direct when the content is quotations only (the cue and source of a split quotation
/// aside), mixed when it holds one, else indirect.
fn content_kind(text: &str, c: &Range<usize>, skip: &[Option<Range<usize>>], quotes: &[QuoteTag], marks: &QuoteMarks) -> String {
    let mut cover: Vec<Range<usize>> = quotes[quotes_near(quotes, c, marks.longest())]
        .iter()
        .map(|q| with_marks(text, q.range.clone(), marks))
        .filter(|m| m.start >= c.start && m.end <= c.end)
        .collect();
    if cover.is_empty() {
        return "indirect".into();
    }
    cover.extend(skip.iter().flatten().filter(|r| r.start >= c.start && r.end <= c.end).cloned());
    let outside = text[c.clone()].char_indices().any(|(i, ch)| {
        let at = c.start + i;
        ch.is_alphanumeric() && !cover.iter().any(|r| r.contains(&at))
    });
    if outside { "mixed".into() } else { "direct".into() }
}

/// A quotation with no attribution that opens its sentence inherits the speaker of the
/// attributed quotation just before it in the same or the previous paragraph, when no
/// other cue stands between them.
fn inherit_speakers(ctx: &Context, atts: &[AttributionTag], quotes: &mut [QuoteTag], attributed: &mut [bool]) {
    for qi in 1..quotes.len() {
        if quotes[qi].attribution.is_some() {
            continue;
        }
        let Some(&si) = quotes[qi].sentences.first() else { continue };
        let sent = &ctx.seg.sentences[si];
        if !opens_sentence(ctx, &quotes[qi]) {
            continue;
        }
        let prev = &quotes[qi - 1];
        let Some(ai) = prev.attribution else { continue };
        let Some(&psi) = prev.sentences.first() else { continue };
        let (pb, b) = (ctx.seg.blocks[ctx.seg.sentences[psi].block].paragraph, ctx.seg.blocks[sent.block].paragraph);
        let between = prev.range.end..quotes[qi].range.start;
        let first = atts.partition_point(|a| a.cue.start < between.start);
        let cue_between = atts[first..].iter().take_while(|a| a.cue.start < between.end).any(|a| a.sentence != atts[ai].sentence);
        if b > pb + 1 || cue_between {
            continue;
        }
        let (speaker, resolved) = (prev.speaker.clone(), prev.speaker_resolved.clone());
        let q = &mut quotes[qi];
        q.attribution = Some(ai);
        q.speaker = speaker;
        q.speaker_resolved = resolved;
        q.note = Some(match &q.note {
            Some(n) => format!("{n}; {NOTE_INHERITED}"),
            None => NOTE_INHERITED.to_string(),
        });
        attributed[qi] = true;
    }
}
