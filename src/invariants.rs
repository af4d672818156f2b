//! The promises every output record keeps (docs/reliability.md), as checks.
//!
//! [`check_record`] verifies a [`DocumentRecord`] against its document's original text:
//! every span is a valid code-point range whose slice of the original equals its text;
//! sentences are ordered and do not overlap; every character outside all sentences is
//! whitespace, Markdown markup or a line-end hyphen. [`check_analysis`] verifies the clean-text side: sentence
//! ranges on character boundaries, covering every non-space character of the clean text,
//! and the offset map sending each verbatim clean character to the same character of the
//! original. The property tests, the hostile-input tests and the fuzz targets run them; a
//! user can run them too, on any record.

use crate::Analysis;
use crate::record::DocumentRecord;

/// Byte offsets of code points, sampled every 64 code points, for slicing by code point in
/// O(64) per lookup.
struct CodePoints<'a> {
    text: &'a str,
    every: Vec<usize>,
    len: usize,
}

const STEP: usize = 64;

impl<'a> CodePoints<'a> {
    fn new(text: &'a str) -> Self {
        let mut every = Vec::with_capacity(text.len() / STEP + 1);
        let mut len = 0;
        for (i, (b, _)) in text.char_indices().enumerate() {
            if i % STEP == 0 {
                every.push(b);
            }
            len = i + 1;
        }
        CodePoints { text, every, len }
    }

    /// Byte offset of code point `cp` (`cp <= len`).
    fn byte(&self, cp: usize) -> Option<usize> {
        if cp > self.len {
            return None;
        }
        if cp == self.len {
            return Some(self.text.len());
        }
        let from = self.every[cp / STEP];
        self.text[from..].char_indices().nth(cp % STEP).map(|(b, _)| from + b)
    }

    fn slice(&self, start: usize, end: usize) -> Result<&'a str, String> {
        if start > end {
            return Err(format!("span {start}..{end} is reversed"));
        }
        match (self.byte(start), self.byte(end)) {
            (Some(s), Some(e)) => Ok(&self.text[s..e]),
            _ => Err(format!("span {start}..{end} is beyond the text's {} code points", self.len)),
        }
    }
}

/// Check a record against its document's original text; the first broken promise is the
/// error.
pub fn check_record(original: &str, rec: &DocumentRecord) -> Result<(), String> {
    let cp = CodePoints::new(original);
    let span = |what: &str, start: usize, end: usize, text: &str| -> Result<(), String> {
        let got = cp.slice(start, end).map_err(|e| format!("{what}: {e}"))?;
        if got != text {
            return Err(format!("{what}: the original at {start}..{end} is {got:?}, the record says {text:?}"));
        }
        Ok(())
    };
    let mut prev_end = 0;
    for s in &rec.sentences {
        span(&format!("sentence {}", s.id), s.start, s.end, s.raw())?;
        if s.raw.as_deref() == Some(s.text.as_str()) {
            return Err(format!("sentence {}: `raw` is written although it equals `text`", s.id));
        }
        if s.start < prev_end {
            return Err(format!("sentence {} starts at {} before the previous one ends at {prev_end}", s.id, s.start));
        }
        if s.start == s.end || s.text.trim().is_empty() {
            return Err(format!("sentence {} is empty", s.id));
        }
        prev_end = s.end;
    }
    // Outside the sentences only whitespace and Markdown marks may remain.
    let mut at = 0;
    let check_gap = |from: usize, to: usize| -> Result<(), String> {
        let gap = cp.slice(from, to)?;
        for (i, c) in gap.char_indices() {
            if c.is_whitespace() || matches!(c, '#' | '*' | '_') {
                continue;
            }
            // A hyphen at a line end, dropped when a hyphenated word is joined across a
            // line break that also separates two sentences (front-matter lines).
            if c == '-' && gap[i + 1..].trim_start_matches([' ', '\t']).starts_with(['\n', '\r']) {
                continue;
            }
            return Err(format!("{c:?} in {from}..{to} lies in no sentence"));
        }
        Ok(())
    };
    for s in &rec.sentences {
        check_gap(at, s.start)?;
        at = s.end;
    }
    check_gap(at, cp.len)?;
    let sentence_ids: std::collections::HashSet<&str> = rec.sentences.iter().map(|s| s.id.as_str()).collect();
    let known = |what: &str, id: &str| if sentence_ids.contains(id) { Ok(()) } else { Err(format!("{what} names unknown sentence {id}")) };
    for q in &rec.quotes {
        span(&format!("quote {}", q.id), q.start, q.end, &q.text)?;
        for s in &q.sentence_ids {
            known(&format!("quote {}", q.id), s)?;
        }
    }
    for a in &rec.attributions {
        known(&format!("attribution {}", a.id), &a.sentence_id)?;
        if let Some(s) = &a.source {
            span(&format!("attribution {} source", a.id), s.start, s.end, &s.text)?;
        }
        span(&format!("attribution {} cue", a.id), a.cue.start, a.cue.end, &a.cue.text)?;
        span(&format!("attribution {} content", a.id), a.content.start, a.content.end, &a.content.text)?;
    }
    let claim_ids: std::collections::HashSet<&str> = rec.claims.iter().map(|c| c.id.as_str()).collect();
    for c in &rec.claims {
        known(&format!("claim {}", c.id), &c.sentence_id)?;
        if let Some(f) = c.frame_claim_id.as_deref().filter(|f| !claim_ids.contains(f)) {
            return Err(format!("claim {} names unknown frame claim {f}", c.id));
        }
        span(&format!("claim {}", c.id), c.start, c.end, &c.text)?;
        for e in &c.entities {
            span(&format!("claim {} entity", c.id), e.start, e.end, &e.text)?;
        }
        if !(0.0..=1.0).contains(&c.checkworthiness) {
            return Err(format!("claim {} has checkworthiness {}", c.id, c.checkworthiness));
        }
    }
    Ok(())
}

/// Check the clean-text side of an analysis of `original`.
pub fn check_analysis(original: &str, a: &Analysis) -> Result<(), String> {
    let clean = &a.norm.clean;
    for (i, c) in clean.char_indices() {
        if c == ' ' || c == '\n' {
            continue;
        }
        let o = a.norm.map.orig(i);
        if original.get(o..).and_then(|s| s.chars().next()) != Some(c) {
            return Err(format!("clean {c:?} at byte {i} maps to byte {o} of the original, which does not hold it"));
        }
    }
    let mut at = 0;
    for s in &a.seg.sentences {
        let r = &s.range;
        if r.start < at || r.end > clean.len() || !clean.is_char_boundary(r.start) || !clean.is_char_boundary(r.end) {
            return Err(format!("sentence range {r:?} is out of order or off a character boundary"));
        }
        if let Some(c) = clean[at..r.start].chars().find(|c| !c.is_whitespace()) {
            return Err(format!("clean {c:?} in {at}..{} lies in no sentence", r.start));
        }
        at = r.end;
    }
    if let Some(c) = clean[at..].chars().find(|c| !c.is_whitespace()) {
        return Err(format!("clean {c:?} after byte {at} lies in no sentence"));
    }
    let ok = |r: &std::ops::Range<usize>| {
        r.start <= r.end && r.end <= clean.len() && clean.is_char_boundary(r.start) && clean.is_char_boundary(r.end)
    };
    for q in &a.tags.quotes {
        if !ok(&q.range) || q.speaker.as_ref().is_some_and(|r| !ok(r)) {
            return Err(format!("quote range {:?} is off a character boundary", q.range));
        }
    }
    for t in &a.tags.attributions {
        if !ok(&t.cue) || !ok(&t.content) || t.source.as_ref().is_some_and(|r| !ok(r)) {
            return Err(format!("attribution at {:?} has a range off a character boundary", t.cue));
        }
    }
    for c in &a.tags.claims {
        if !ok(&c.range) || c.entities.iter().any(|e| !ok(&e.range)) {
            return Err(format!("claim range {:?} is off a character boundary", c.range));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Document;
    use crate::rules::RuleSet;

    #[test]
    fn catches_a_wrong_slice_and_an_overlap() {
        let rules = RuleSet::builtin();
        let doc = Document { id: "d".into(), text: "Été fini. Non, c’est ça.".into(), ..Default::default() };
        let a = crate::analyse(&doc, &rules);
        check_analysis(&doc.text, &a).unwrap();
        let mut rec = crate::record::build(&doc, a);
        check_record(&doc.text, &rec).unwrap();
        rec.sentences[1].start -= 1;
        assert!(check_record(&doc.text, &rec).unwrap_err().contains("sentence s1"));
        rec.sentences[1].start += 1;
        rec.sentences[1].raw = Some(format!("{}x", rec.sentences[1].raw()));
        assert!(check_record(&doc.text, &rec).is_err());
        rec.sentences[1].raw = Some(rec.sentences[1].text.clone());
        assert!(check_record(&doc.text, &rec).unwrap_err().contains("equals `text`"));
    }

    #[test]
    fn slices_by_code_point() {
        let text = "aé😀".repeat(100);
        let cp = CodePoints::new(&text);
        assert_eq!(cp.slice(1, 3).unwrap(), "é😀");
        assert_eq!(cp.slice(298, 300).unwrap(), "é😀");
        assert!(cp.slice(299, 301).is_err());
    }
}
