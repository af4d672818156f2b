//! Checking the examples of the claim rule kinds (SPEC §5, `claimex rules test`).
//!
//! Each example is checked twice: against the rule alone (its pattern, `unless` veto and
//! `cue` group give the expected span; the text is also run shifted by one character to
//! catch offset bugs) and through the whole pipeline (the claim extracted from the text
//! has the type, cue or feature the rule is for). A counterexample must give neither.
//!
//! | kind | positive example | counterexample |
//! |---|---|---|
//! | `claim_type` | span matched; a claim of the text has the type and names the rule | no match |
//! | `claim_cue` | span matched; a claim is hedged / boosted / negated by it (exception: by no cue inside it) | no match |
//! | `not_claim` | span matched; the text yields no claim | no match |
//! | `claim_clause` sentence | the text is one claim | the rule does not take it |
//! | `claim_clause` split | the text is cut, one claim is the span | the text stays whole |
//! | `claim_clause` frame | a claim of the text names the rule and holds the whole frame | no claim names the rule |
//! | `checkworthiness` | a claim of the text lists the feature (intercept: has a claim) | no claim does |

use std::ops::Range;

use crate::ingest::Document;
use crate::record::ClaimRecord;
use crate::rules::RuleSet;
use crate::rules::claim::{ClauseKind, CueKind, Test, matches_unless};
use crate::tag::certainty::cue_text;
use crate::tag::checkworthy::word_count;

/// The claims the whole pipeline extracts from `text`.
pub fn claims_of(rules: &RuleSet, text: &str) -> Vec<ClaimRecord> {
    let doc = Document { id: "example".into(), text: text.to_string(), ..Default::default() };
    crate::extract(&doc, rules).claims
}

/// What a claim rule matches in `text` by itself (pattern, veto, `cue` group), or `None`
/// when `rule` is no pattern rule of a claim kind.
pub fn rule_hits(rules: &RuleSet, rule: usize, text: &str) -> Option<Vec<Range<usize>>> {
    let cr = &rules.claims;
    if let Some(r) = cr.types.iter().find(|r| r.rule == rule) {
        return Some(matches_unless(&r.regex, r.unless.as_ref(), text).iter().map(|m| m.range()).collect());
    }
    if let Some(r) = cr.cues.iter().find(|r| r.rule == rule) {
        return Some(
            matches_unless(&r.regex, r.unless.as_ref(), text)
                .iter()
                .map(|m| r.regex.captures_at(text, m.start()).and_then(|c| c.name("cue").map(|g| g.range())).unwrap_or(m.range()))
                .collect(),
        );
    }
    if let Some(r) = cr.not_claims.iter().find(|r| r.rule == rule) {
        return Some(matches_unless(&r.regex, r.unless.as_ref(), text).iter().map(|m| m.range()).collect());
    }
    None
}

fn check_hits(rules: &RuleSet, rule: usize, text: &str, span: Option<&str>) -> Result<(), String> {
    let Some(hits) = rule_hits(rules, rule, text) else { return Ok(()) };
    let shifted = format!(" {text}");
    let shifted_hits = rule_hits(rules, rule, &shifted).unwrap_or_default();
    let got: Vec<&str> = hits.iter().map(|r| &text[r.clone()]).collect();
    match span {
        None if hits.is_empty() => Err("the pattern does not match".into()),
        None => Ok(()),
        Some(s) => {
            let Some(h) = hits.iter().find(|r| &text[(*r).clone()] == s) else {
                return Err(format!("expected span {s:?}, the pattern matched {got:?}"));
            };
            // Anchored patterns may take the added character into their match: compare trimmed.
            let trimmed = |r: &Range<usize>| {
                let t = &shifted[r.clone()];
                let start = r.start + (t.len() - t.trim_start().len());
                start..start + t.trim().len()
            };
            if !shifted_hits.iter().any(|r| trimmed(r) == (h.start + 1..h.end + 1)) {
                return Err(format!("span {s:?} is not found at the same place when the text is shifted by one character"));
            }
            Ok(())
        }
    }
}

/// Check one positive example of a claim rule; `Err` says what went wrong.
pub fn check_example(rules: &RuleSet, rule: usize, text: &str, span: Option<&str>) -> Result<(), String> {
    let cr = &rules.claims;
    let id = &rules.rules[rule].id;
    check_hits(rules, rule, text, span)?;
    let claims = claims_of(rules, text);
    let describe = || claims.iter().map(|c| format!("{:?} {:?}", c.text, c.types)).collect::<Vec<_>>().join("; ");
    if let Some(r) = cr.types.iter().find(|r| r.rule == rule) {
        if !claims.iter().any(|c| c.types.contains(&r.claim_type) && c.rules.contains(id)) {
            return Err(format!("no claim of type {} names this rule; claims: {}", r.claim_type, describe()));
        }
    } else if let Some(r) = cr.cues.iter().find(|r| r.rule == rule) {
        let want = span.map(cue_text);
        // An exception: there is a claim, and none carries a cue from inside the span.
        let inside = |c: &ClaimRecord| {
            let span = want.as_deref().unwrap_or_default();
            c.hedge_cues.iter().chain(&c.boosters).any(|h| span.contains(h.as_str()))
        };
        let ok = match r.kind {
            CueKind::Exception => !claims.is_empty() && !claims.iter().any(inside),
            kind => claims.iter().any(|c| match kind {
                CueKind::Hedge => c.hedged && want.as_ref().is_none_or(|w| c.hedge_cues.contains(w)),
                CueKind::Booster => want.as_ref().map_or(!c.boosters.is_empty(), |w| c.boosters.contains(w)),
                _ => c.negated,
            }),
        };
        if !ok {
            return Err(format!("no claim carries the cue (an exception: a claim still does); claims: {}", describe()));
        }
    } else if cr.not_claims.iter().any(|r| r.rule == rule) {
        if !claims.is_empty() {
            return Err(format!("the text still yields claims: {}", describe()));
        }
    } else if let Some(c) = cr.clauses.iter().find(|c| c.rule == rule) {
        match c.kind {
            ClauseKind::Sentence => {
                if claims.len() != 1 || claims[0].text.trim() != text.trim() {
                    return Err(format!("expected the text as one claim; claims: {}", describe()));
                }
            }
            ClauseKind::Split => {
                let whole = claims.iter().any(|c| c.text.trim() == text.trim());
                if claims.is_empty() || whole || span.is_some_and(|s| !claims.iter().any(|c| c.text == s)) {
                    return Err(format!("expected a split with {span:?}; claims: {}", describe()));
                }
            }
            ClauseKind::Frame => {
                // The frame claim reads whole: it runs from the frame over the content.
                let framed = |c: &&ClaimRecord| c.rules.contains(id) && c.attribution_id.is_none();
                let Some(frame) = claims.iter().find(framed) else {
                    return Err(format!("no claim of the frame names this rule; claims: {}", describe()));
                };
                if !claims.iter().any(|c| c.attribution_id.is_some() && frame.start <= c.start && c.end <= frame.end) {
                    return Err(format!("the frame claim {:?} does not hold the content; claims: {}", frame.text, describe()));
                }
            }
        }
    } else if let Some(f) = cr.features.iter().find(|f| f.rule == rule) {
        let intercept = f.regex.is_none() && f.when == Some(Test::Always);
        let ok = if intercept { !claims.is_empty() } else { claims.iter().any(|c| c.checkworthiness_features.contains(&f.name)) };
        if !ok {
            return Err(format!("no claim lists feature {}; claims: {}", f.name, describe()));
        }
        if let Some(s) = span
            && !claims.iter().any(|c| c.text == s)
        {
            return Err(format!("no claim {s:?}; claims: {}", describe()));
        }
    }
    Ok(())
}

/// Check one counterexample of a claim rule.
pub fn check_counterexample(rules: &RuleSet, rule: usize, text: &str) -> Result<(), String> {
    let cr = &rules.claims;
    if let Some(hits) = rule_hits(rules, rule, text) {
        if !hits.is_empty() {
            let got: Vec<&str> = hits.iter().map(|r| &text[r.clone()]).collect();
            return Err(format!("the pattern matches {got:?}"));
        }
        return Ok(());
    }
    if let Some(c) = cr.clauses.iter().find(|c| c.rule == rule) {
        let taken = word_count(text) >= c.min_words && c.regex.is_match(text);
        return match c.kind {
            ClauseKind::Frame if claims_of(rules, text).iter().any(|c| c.rules.contains(&rules.rules[rule].id)) => {
                Err("a claim of the frame names the rule".into())
            }
            ClauseKind::Frame => Ok(()),
            ClauseKind::Split if !claims_of(rules, text).iter().any(|c| c.text.trim() == text.trim()) => Err("the text is split".into()),
            ClauseKind::Split => Ok(()),
            _ if taken => Err("the rule takes the text".into()),
            _ => Ok(()),
        };
    }
    if let Some(f) = cr.features.iter().find(|f| f.rule == rule) {
        let claims = claims_of(rules, text);
        let intercept = f.regex.is_none() && f.when == Some(Test::Always);
        let fired = if intercept { !claims.is_empty() } else { claims.iter().any(|c| c.checkworthiness_features.contains(&f.name)) };
        if fired {
            return Err(format!("feature {} fires", f.name));
        }
    }
    Ok(())
}
