//! The spans of an attribution, shaped: contents bounded in length, context windows around
//! a cue, ranges trimmed of punctuation and connectives, and contents widened to the
//! quotations they cut. Pure functions of the clean text, used by [`super::attribution`].

use std::ops::Range;

use super::QuoteTag;
use crate::rules::quote::QuoteMarks;

/// Most bytes a content read from the rest of the sentence may have (a sentence of a
/// megabyte gives a content of about this length, cut at a space).
pub const CONTENT_LIMIT: usize = 600;

/// The end of a content read rightwards from `from` to `end`: `end`, or a space near
/// `from + CONTENT_LIMIT` when the sentence runs on longer.
pub(super) fn content_end(text: &str, from: usize, end: usize) -> usize {
    if end <= from + CONTENT_LIMIT {
        return end;
    }
    let cut = &text.as_bytes()[from..from + CONTENT_LIMIT];
    cut.iter().rposition(|&c| c == b' ').map_or_else(|| at_char(text, from + CONTENT_LIMIT), |i| from + i)
}

/// The start of a content read leftwards from `end` back to `start` (the same bound).
pub(super) fn content_start(text: &str, start: usize, end: usize) -> usize {
    if end <= start + CONTENT_LIMIT {
        return start;
    }
    let from = end - CONTENT_LIMIT;
    let cut = &text.as_bytes()[from..end];
    cut.iter().position(|&c| c == b' ').map_or_else(|| at_char(text, from), |i| from + i)
}

/// The nearest character boundary at or before `i`.
fn at_char(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Most bytes of a sentence the context patterns see on each side of a cue.
pub const CONTEXT_WINDOW: usize = 400;

/// The part of sentence `s` within [`CONTEXT_WINDOW`] bytes of the cue, on character
/// boundaries.
pub(super) fn window(text: &str, s: Range<usize>, cue: &Range<usize>) -> Range<usize> {
    let mut a = cue.start.saturating_sub(CONTEXT_WINDOW).max(s.start);
    while !text.is_char_boundary(a) {
        a += 1;
    }
    let mut b = (cue.end + CONTEXT_WINDOW).min(s.end);
    while !text.is_char_boundary(b) {
        b -= 1;
    }
    a..b
}

/// Indexes of the quotations (sorted, not overlapping) that may overlap `r` with their
/// marks, the longest of which is `slack` bytes.
pub(super) fn quotes_near(quotes: &[QuoteTag], r: &Range<usize>, slack: usize) -> Range<usize> {
    let lo = quotes.partition_point(|q| q.range.end + slack <= r.start);
    let hi = quotes.partition_point(|q| q.range.start < r.end + slack);
    lo..hi.max(lo)
}

/// Trim a content or source range: spaces, a leading `that`, `:` or `,`, trailing
/// punctuation outside quotation marks.
pub(super) fn trim(text: &str, r: Range<usize>) -> Range<usize> {
    let mut a = r.start;
    let mut b = r.end.max(a);
    loop {
        let s = &text[a..b];
        let t = s.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ':' | ';' | '—' | '–'));
        let t = match t.strip_prefix("that ") {
            Some(rest) if !rest.is_empty() => rest,
            _ => t,
        };
        if t.len() == s.len() {
            break;
        }
        a = b - t.len();
    }
    loop {
        let s = &text[a..b];
        let t = s.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ':' | ';' | '—' | '–' | '.'));
        let t = t.strip_suffix(" and").or_else(|| t.strip_suffix(" but")).or_else(|| t.strip_suffix(" while")).unwrap_or(t);
        if t.len() == s.len() {
            break;
        }
        b = a + t.len();
    }
    a..b
}

/// Trim a source: spaces and commas (a final period may close an abbreviation).
pub(super) fn trim_source(text: &str, r: Range<usize>) -> Range<usize> {
    let s = &text[r.clone()];
    let t = s.trim_start_matches(|c: char| c.is_whitespace() || c == ',');
    let a = r.start + (s.len() - t.len());
    let t = t.trim_end_matches(|c: char| c.is_whitespace() || c == ',');
    a..a + t.len()
}

/// A quotation's range with its marks.
pub(super) fn with_marks(text: &str, r: Range<usize>, marks: &QuoteMarks) -> Range<usize> {
    let a = r.start - marks.mark_before(&text[..r.start]).map_or(0, str::len);
    let b = r.end + marks.mark_at(&text[r.end..]).map_or(0, str::len);
    a..b
}

/// Widen a content that cuts a quotation to the whole quotation with its marks.
pub(super) fn widen_to_quotes(text: &str, mut c: Range<usize>, quotes: &[QuoteTag], marks: &QuoteMarks) -> Range<usize> {
    for q in &quotes[quotes_near(quotes, &c, marks.longest())] {
        let m = with_marks(text, q.range.clone(), marks);
        if m.start < c.end && c.start < m.end && (m.start < c.start || m.end > c.end) {
            // only when the content begins or ends inside the quotation
            let starts_inside = c.start > m.start && c.start < m.end;
            let ends_inside = c.end > m.start && c.end < m.end;
            if starts_inside || ends_inside {
                c = c.start.min(m.start)..c.end.max(m.end);
            }
        }
    }
    c
}
