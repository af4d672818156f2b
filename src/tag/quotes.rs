//! Quotation detection: a scan of every paragraph against the quotation-mark table of
//! `rules/lexicons/quote_marks.txt`, then the kind of each quotation from the `quote` rules
//! of `rules/quotes/`.
//!
//! The scan keeps a stack of open marks, so quotations nest (single inside double, or the
//! other way round in British style) and an inner mark never closes an outer quotation.
//! Only outermost quotations are reported. A straight mark (`"`, `'`) opens or closes by
//! what stands beside it: it opens after a space or an opening bracket and before a
//! non-space, it closes after a non-space. A mark that is also an apostrophe is read as one
//! between letters (`don’t`, `Xi’s`), before a decade (`’90s`), in `’n’`, and after a word
//! when no single quotation is open (`the US’ post-Cold War`).
//!
//! A quotation still open at the end of a paragraph continues into the next one when that
//! paragraph opens with the same mark (the journalistic convention for a quotation over
//! several paragraphs); otherwise it is read to the end of the paragraph and gets a note.
//! A double mark in closing position closes the open double quotation even when the two
//! marks are of different pairs (`“…,"`), with a note. Nothing here can panic on
//! unbalanced input: every stray mark is skipped.

use std::ops::Range;

use super::{Context, QuoteKind, QuoteTag};
use crate::rules::Status;
use crate::rules::quote::QuoteMarks;

/// Note on a quotation whose closing mark is missing.
pub const NOTE_UNCLOSED: &str = "no closing mark: read to the end of the paragraph";
/// Note on a quotation closed by a mark of another pair.
pub const NOTE_MIXED: &str = "opening and closing marks of different pairs";
/// Note on a quotation over several paragraphs.
pub const NOTE_PARAGRAPHS: &str = "quotation over several paragraphs (opening mark repeated, closed at the end)";

/// An open mark on the scan stack.
#[derive(Debug, Clone)]
struct Open {
    /// The opening mark.
    mark: String,
    /// Clean byte offset just after the mark.
    content_start: usize,
    /// Note to carry to the quotation.
    note: Option<&'static str>,
}

/// Most open marks a closing mark looks down the stack for: nesting deeper than this is
/// not prose, and the bound keeps a run of unmatched marks linear.
const STACK_LOOKUP: usize = 32;

/// The open mark nearest the top of the stack (within [`STACK_LOOKUP`]) that `f` accepts.
fn open_at(stack: &[Open], f: impl Fn(&Open) -> bool) -> Option<usize> {
    let from = stack.len().saturating_sub(STACK_LOOKUP);
    stack[from..].iter().rposition(f).map(|k| k + from)
}

/// Find the quotations of a document. Kinds are provisional until [`classify`] runs with
/// the attributions.
pub fn tag(ctx: &Context) -> Vec<QuoteTag> {
    let found = scan(ctx.text, &ctx.seg.blocks.iter().map(|b| b.range.clone()).collect::<Vec<_>>(), &ctx.rules.quote_marks);
    found
        .into_iter()
        .map(|(range, note)| QuoteTag {
            sentences: sentences_of(ctx, &range),
            range,
            kind: QuoteKind::Partial,
            speaker: None,
            speaker_resolved: None,
            attribution: None,
            rules: Vec::new(),
            note: note.map(str::to_string),
        })
        .collect()
}

/// Indexes of the sentences that overlap `r`.
pub fn sentences_of(ctx: &Context, r: &Range<usize>) -> Vec<usize> {
    let s = &ctx.seg.sentences;
    let first = s.partition_point(|x| x.range.end <= r.start);
    (first..s.len()).take_while(|&i| s[i].range.start < r.end.max(r.start + 1)).collect()
}

fn is_closing_context(c: Option<char>, marks: &QuoteMarks) -> bool {
    c.is_none_or(|n| {
        n.is_whitespace()
            || matches!(n, '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']' | '}' | '—' | '–' | '-' | '…' | '/')
            || marks.is_mark(n)
    })
}

fn is_opening_context(p: Option<char>, marks: &QuoteMarks) -> bool {
    p.is_none_or(|p| p.is_whitespace() || matches!(p, '(' | '[' | '{' | '—' | '–' | '-' | '/' | ':') || marks.is_mark(p))
}

/// Whether `c` at byte `i` of `t` is an apostrophe rather than a quotation mark.
fn is_apostrophe(t: &str, i: usize, c: char, p: Option<char>, n: Option<char>, single_open: bool) -> bool {
    if !matches!(c, '’' | '\'' | '‘') {
        return false;
    }
    let alnum = |x: Option<char>| x.is_some_and(char::is_alphanumeric);
    if alnum(p) && alnum(n) {
        return true; // don’t, Xi’s, O'Brien
    }
    let rest = &t[i + c.len_utf8()..];
    if !alnum(p) && n.is_some_and(|n| n.is_ascii_digit()) {
        // ’90s, '08
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if digits == 2 && rest[2..].chars().next().is_none_or(|x| !x.is_alphanumeric() || x == 's') {
            return true;
        }
    }
    if !alnum(p) && (rest.starts_with("n’") || rest.starts_with("n'")) {
        return true; // ’n’
    }
    // a word-final mark after a letter with no single quotation open: a plural possessive
    // (`the US’ post-Cold War`, `the Clintons’ plan`) or an elision (`runnin’`)
    c != '‘' && alnum(p) && !single_open
}

/// Scan blocks (clean byte ranges of `text`, in order) for quotations: content ranges
/// without the marks, each with an optional note.
pub fn scan(text: &str, blocks: &[Range<usize>], marks: &QuoteMarks) -> Vec<(Range<usize>, Option<&'static str>)> {
    let mut out = Vec::new();
    let mut carried: Option<Open> = None;
    for (bi, b) in blocks.iter().enumerate() {
        let t = &text[b.clone()];
        let mut stack: Vec<Open> = Vec::new();
        let mut singles = 0usize;
        let mut i = 0;
        if let Some(o) = carried.take() {
            // the block opens with the carried quotation's mark: consume it
            i = t.len() - t.trim_start().len() + o.mark.len();
            // (a carried single mark is open in this block too: counted, as when pushed)
            singles += usize::from(marks.single(&o.mark));
            stack.push(o);
        }
        let bytes = t.as_bytes();
        while i < t.len() {
            // letters, digits and spaces are never marks: skip ASCII ones without decoding
            if bytes[i].is_ascii_alphanumeric() || bytes[i] == b' ' {
                i += 1;
                continue;
            }
            let Some(c) = t[i..].chars().next() else { break };
            let Some(m) = marks.is_mark(c).then(|| marks.mark_at(&t[i..])).flatten() else {
                i += c.len_utf8();
                continue;
            };
            let end = i + m.len();
            let p = t[..i].chars().next_back();
            let n = t[end..].chars().next();
            let single_open = singles > 0;
            if m.chars().count() == 1 && is_apostrophe(t, i, c, p, n, single_open) {
                i = end;
                continue;
            }
            let can_close = p.is_some_and(|p| !p.is_whitespace()) && is_closing_context(n, marks);
            let can_open = is_opening_context(p, marks) && n.is_some_and(|n| !n.is_whitespace());
            if let Some(k) = open_at(&stack, |o| marks.closes(&o.mark, m))
                && (!marks.symmetric(m) || can_close || !can_open)
            {
                singles -= stack[k..].iter().filter(|o| marks.single(&o.mark)).count();
                stack.truncate(k + 1);
                let o = stack.pop().expect("k < len");
                if stack.is_empty() {
                    let r = o.content_start..b.start + i;
                    if text[r.clone()].chars().any(char::is_alphanumeric) {
                        out.push((r, o.note));
                    }
                }
                i = end;
                continue;
            }
            // mixed marks (`“…,"`, `"…“`): a double mark in closing position closes the
            // nearest double quotation when no exact pair does
            if can_close
                && !can_open
                && marks.double(m)
                && let Some(k) = open_at(&stack, |o| marks.double(&o.mark))
            {
                singles -= stack[k..].iter().filter(|o| marks.single(&o.mark)).count();
                stack.truncate(k + 1);
                let o = stack.pop().expect("k < len");
                if stack.is_empty() {
                    let r = o.content_start..b.start + i;
                    if text[r.clone()].chars().any(char::is_alphanumeric) {
                        out.push((r, Some(NOTE_MIXED)));
                    }
                }
                i = end;
                continue;
            }
            if marks.opens(m) && (can_open || !marks.is_closer(m)) {
                if marks.single(m) {
                    singles += 1;
                }
                stack.push(Open { mark: m.to_string(), content_start: b.start + end, note: None });
            }
            i = end;
        }
        if let Some(bottom) = stack.into_iter().next() {
            let next_opens = blocks.get(bi + 1).is_some_and(|nb| text[nb.clone()].trim_start().starts_with(bottom.mark.as_str()));
            if next_opens {
                carried = Some(Open { note: Some(NOTE_PARAGRAPHS), ..bottom });
            } else {
                let end = b.start + t.trim_end().len();
                let r = bottom.content_start..end.max(bottom.content_start);
                if text[r.clone()].chars().any(char::is_alphanumeric) {
                    out.push((r, Some(bottom.note.unwrap_or(NOTE_UNCLOSED))));
                }
            }
        }
    }
    out
}

/// Most bytes of a sentence a `quote` rule sees before and after a quotation.
const WINDOW: usize = 400;

/// `text[a..b]` with `a` moved forward to a character boundary.
fn clip_start(text: &str, mut a: usize, b: usize) -> &str {
    while a < b && !text.is_char_boundary(a) {
        a += 1;
    }
    &text[a..b]
}

/// `text[a..b]` with `b` moved back to a character boundary.
fn clip_end(text: &str, a: usize, mut b: usize) -> &str {
    while b > a && !text.is_char_boundary(b) {
        b -= 1;
    }
    &text[a..b]
}

/// Give every quotation its kind from the `quote` rules; `attributed[i]` says whether
/// quotation `i` lies in an attribution's content.
pub fn classify(ctx: &Context, quotes: &mut [QuoteTag], attributed: &[bool]) {
    for (qi, q) in quotes.iter_mut().enumerate() {
        let marks = &ctx.rules.quote_marks;
        let open_at = q.range.start - marks.mark_before(&ctx.text[..q.range.start]).map_or(0, str::len);
        let close_end = q.range.end + marks.mark_at(&ctx.text[q.range.end..]).map_or(0, str::len);
        let sent = |b: usize| {
            let s = &ctx.seg.sentences;
            let i = s.partition_point(|x| x.range.end <= b);
            s.get(i).filter(|x| x.range.start <= b).map(|x| x.range.clone())
        };
        // bounded windows, so a huge sentence full of marks stays linear
        let before = sent(open_at).map_or("", |s| clip_start(ctx.text, s.start.max(open_at.saturating_sub(WINDOW)), open_at));
        let after = sent(q.range.end).map_or("", |s| clip_end(ctx.text, close_end.min(s.end), s.end.min(close_end + WINDOW)));
        let inside = clip_end(ctx.text, q.range.start, q.range.end.min(q.range.start + 4 * WINDOW));
        let is_attr = attributed.get(qi).copied().unwrap_or(false);
        q.rules.clear();
        q.kind = QuoteKind::Partial;
        for r in &ctx.rules.quotes {
            if ctx.rules.rules[r.rule].status == Status::Off || !r.holds(before, after, inside, is_attr) {
                continue;
            }
            q.kind = match r.kind.as_str() {
                "direct" => QuoteKind::Direct,
                "term" => QuoteKind::Term,
                _ => QuoteKind::Partial,
            };
            q.rules.push(ctx.rules.rules[r.rule].id.clone());
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleSet;

    fn quotes(text: &str) -> Vec<(String, Option<&'static str>)> {
        let rules = RuleSet::builtin();
        let blocks: Vec<Range<usize>> = {
            let mut v = Vec::new();
            let mut at = 0;
            for p in text.split("\n\n") {
                v.push(at..at + p.len());
                at += p.len() + 2;
            }
            v
        };
        scan(text, &blocks, &rules.quote_marks).into_iter().map(|(r, n)| (text[r].to_string(), n)).collect()
    }

    #[test]
    fn apostrophes_are_not_marks() {
        let q = quotes("Xi’s plan, the US’ post-Cold War role, the ’90s, rock ’n’ roll and don’t: “a ‘new’ concept”.");
        assert_eq!(q, vec![("a ‘new’ concept".to_string(), None)]);
    }

    #[test]
    fn straight_and_curly_mixed() {
        let q = quotes("He said \"no\" and she said “yes” and 'maybe'.");
        let t: Vec<_> = q.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(t, ["no", "yes", "maybe"]);
    }

    #[test]
    fn multi_paragraph_and_unclosed() {
        let q = quotes("“First part.\n\n“Second part,” he said.\n\n“Never closed");
        assert_eq!(q[0].0, "First part.\n\n“Second part,");
        assert_eq!(q[0].1, Some(NOTE_PARAGRAPHS));
        assert_eq!(q[1], ("Never closed".to_string(), Some(NOTE_UNCLOSED)));
    }

    #[test]
    fn stray_marks_never_panic() {
        for t in ["”", "“", "'", "\"\"\"", "’’’‘‘", "a ” b “", "“‘”’", "x'y'z\"", "«»‹›„‚"] {
            let _ = quotes(t);
        }
    }
}
