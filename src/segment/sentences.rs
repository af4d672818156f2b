//! Sentence boundaries inside one block of clean text.
//!
//! A boundary candidate is a run of `.`, `?`, `!` or `…`, followed by any closing quotation
//! marks and brackets. Whether it ends the sentence depends on what follows (a lower-case
//! continuation never starts a sentence) and, for a single period, on the token before it:
//! an abbreviation from the lexicon (by class), an initial, a dotted abbreviation such as
//! `U.S.` or `a.m.`, or a list marker. The words come from `rules/lexicons/`; this file
//! holds only the orthography.

use std::ops::Range;

use super::lists;
use crate::rules::segment::{AbbrevClass, SegmentLexicons};

const ELLIPSIS: &str = "…";

/// Byte length of the sentence terminator at `i`, or 0.
fn terminator_at(text: &str, i: usize) -> usize {
    match text.as_bytes()[i] {
        b'.' | b'?' | b'!' => 1,
        0xE2 if text[i..].starts_with(ELLIPSIS) => 3,
        0xE3 if text[i..].starts_with('。') => 3,
        0xEF if text[i..].starts_with('？') || text[i..].starts_with('！') => 3,
        _ => 0,
    }
}

/// Byte length of a closing quotation mark or bracket at `i`, or 0.
fn closer_at(text: &str, i: usize) -> usize {
    match text.as_bytes()[i] {
        b'"' | b'\'' | b')' | b']' | b'}' => 1,
        0xE2 if text[i..].starts_with('”') || text[i..].starts_with('’') || text[i..].starts_with('›') => 3,
        0xC2 if text[i..].starts_with('»') => 2,
        0xE3 if text[i..].starts_with('」') || text[i..].starts_with('』') => 3,
        _ => 0,
    }
}

fn is_opener(c: char) -> bool {
    matches!(c, '"' | '\'' | '(' | '[' | '{' | '“' | '‘' | '«' | '‹' | '„' | '「' | '『')
}

/// Split `text` (one block, whitespace folded) into sentence ranges, appended to `out` with
/// `base` added.
pub fn split(text: &str, base: usize, lex: &SegmentLexicons, out: &mut Vec<Range<usize>>) {
    let len = text.len();
    let bytes = text.as_bytes();
    let mut start = skip_space(text, 0);
    let mut i = start;
    // Whether text[start..checked] holds a letter or digit, kept as `i` moves on so that a
    // long run of marks is scanned once, not once per stop.
    let (mut checked, mut has_alnum) = (start, false);
    // Where the word before the current stop starts, found scanning each byte once.
    let (mut scanned, mut word) = (start, start);
    let lists = lists::find(text);
    let mut breaks = lists.breaks.iter().copied().peekable();
    while i < len {
        // An item of an inline list starts a sentence, stop or no stop before it.
        if let Some(b) = breaks.next_if(|&b| b <= i) {
            if b > start {
                push(text, base, start, b, out);
                start = b;
                (checked, has_alnum) = (b, false);
                (scanned, word) = (b, b);
            }
            continue;
        }
        let t = terminator_at(text, i);
        if t == 0 {
            i += 1;
            continue;
        }
        let t0 = i;
        // The stop of a list marker (`2.`, `b.)`) ends nothing.
        if lists.in_marker(t0) {
            i += t;
            continue;
        }
        if let Some(p) = text[scanned..t0].rfind(char::is_whitespace) {
            word = scanned + p + text[scanned + p..].chars().next().map_or(1, char::len_utf8);
        }
        scanned = t0;
        let mut j = i;
        while j < len {
            let t = terminator_at(text, j);
            if t == 0 {
                break;
            }
            j += t;
        }
        j = spaced_ellipsis_end(text, t0, j);
        let mut k = j;
        while k < len {
            let c = closer_at(text, k);
            if c == 0 {
                break;
            }
            k += c;
        }
        if k >= len {
            break;
        }
        // Nothing but marks so far (`. And then…` after a scraping artefact): keep going.
        if !has_alnum {
            has_alnum = text[checked..t0].chars().any(char::is_alphanumeric);
            checked = t0;
            if !has_alnum {
                i = j.max(i + 1);
                continue;
            }
        }
        let next = if bytes[k] == b' ' || bytes[k].is_ascii_whitespace() {
            let n = skip_space(text, k);
            let stop = Stop { start, word: word.max(start), t0, j, k };
            (n < len && is_boundary(text, &stop, n, lex)).then_some(n)
        } else if missing_space_boundary(text, word.max(start), t0, k) {
            Some(k)
        } else {
            None
        };
        if let Some(n) = next {
            push(text, base, start, k, out);
            start = n;
            (checked, has_alnum) = (n, false);
        }
        i = j.max(i + 1);
    }
    push(text, base, start, len, out);
}

fn push(text: &str, base: usize, start: usize, end: usize, out: &mut Vec<Range<usize>>) {
    let s = &text[start..end];
    let trimmed = s.trim_end();
    if !trimmed.trim_start().is_empty() {
        let lead = s.len() - s.trim_start().len();
        out.push(base + start + lead..base + start + trimmed.len());
    }
}

fn skip_space(text: &str, mut i: usize) -> usize {
    while i < text.len() {
        let c = text[i..].chars().next().expect("boundary");
        if !c.is_whitespace() {
            break;
        }
        i += c.len_utf8();
    }
    i
}

/// Longest token the boundary rules look at. A longer run of non-space characters is a
/// URL, a code or debris, never an abbreviation or an initial; looking further back on
/// every stop would make such a run quadratic.
const MAX_TOKEN: usize = 64;

/// The word from byte `word` (just after whitespace, or the sentence start) to byte `t0`,
/// without opening quotes or brackets; `None` when it is longer than [`MAX_TOKEN`].
fn token_before(text: &str, word: usize, t0: usize) -> Option<(usize, &str)> {
    if t0 - word > MAX_TOKEN {
        return None;
    }
    let tok = &text[word..t0];
    let trimmed = tok.trim_start_matches(is_opener);
    Some((word + (tok.len() - trimmed.len()), trimmed))
}

/// The next word from byte `n`, skipping opening quotes and brackets.
fn word_after(text: &str, n: usize) -> &str {
    let s = text[n..].trim_start_matches(is_opener);
    let end = s.find(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’' || c == '-')).unwrap_or(s.len());
    &s[..end]
}

/// A candidate stop inside the sentence that starts at byte `start`: the word before it
/// starts at `word`, its marks are `t0..j` (a spaced ellipsis included) and its closing
/// quotes and brackets `j..k`.
struct Stop {
    start: usize,
    word: usize,
    t0: usize,
    j: usize,
    k: usize,
}

fn is_boundary(text: &str, stop: &Stop, n: usize, lex: &SegmentLexicons) -> bool {
    let &Stop { start, word, t0, j, k } = stop;
    let next_word = word_after(text, n);
    let Some(first) = text[n..].trim_start_matches(is_opener).chars().next() else { return true };
    // A lower-case continuation, or stray punctuation (`the US. .`), continues the sentence.
    if first.is_lowercase() || matches!(first, '.' | ',' | ';' | ':' | '!' | '?' | '…') {
        return false;
    }
    let term = &text[t0..j];
    if term.contains(['?', '!', '？', '！', '。']) {
        return true;
    }
    let dots = term.matches('.').count() + 3 * term.matches(ELLIPSIS).count();
    if dots >= 4 {
        // An ellipsis and a full stop: `…that.... She left.`, `…was lost. . . . Then…`
        return true;
    }
    if dots == 3 {
        // An omission mark: `[...]`, `(…)`, or a spaced `. . .` inside a sentence. Any
        // other ellipsis ends one only before a typical sentence opener.
        let bracketed = text[..t0].ends_with(['[', '(']) && text[j..k].starts_with([']', ')']);
        let spaced = term.contains(' ') && j == k;
        return !bracketed && !spaced && lex.is_starter(next_word);
    }
    if term.len() > 1 {
        return true;
    }
    // A long token is an ordinary word here.
    let Some((tok_start, token)) = token_before(text, word, t0) else { return true };
    if token.is_empty() {
        return true;
    }
    let starter = lex.is_starter(next_word);
    let mut with_dot = String::with_capacity(token.len() + 1);
    with_dot.push_str(token);
    with_dot.push('.');
    if let Some(class) = lex.abbreviation(&with_dot) {
        return match class {
            AbbrevClass::Title | AbbrevClass::Inner => false,
            AbbrevClass::Number | AbbrevClass::Month => !first.is_ascii_digit() && starter,
            AbbrevClass::Ambiguous => starter,
            // `…left at 6 p.m. Mr. Lee stayed.` ends; `At 5 a.m. Mr. Lee left.` (the time
            // opens the sentence), `at 9 a.m. Tuesday`, `5 p.m. EDT` and `8 p.m. Lisbon
            // time` do not.
            AbbrevClass::Time => {
                first.is_uppercase()
                    && !lex.follows_time(&text[n..])
                    && text[start..tok_start].split_whitespace().count() > FRONTED_TIME_WORDS
            }
        };
    }
    let mut chars = token.chars();
    let single_upper = matches!((chars.next(), chars.next()), (Some(c), None) if c.is_uppercase());
    if single_upper || is_dotted_abbreviation(token) {
        return starter;
    }
    // A list marker at the start of the sentence: `1.`, `a.`, `iv.`
    let lone_letter = token.len() == 1 && token.as_bytes()[0].is_ascii_lowercase();
    if tok_start == start
        && token.len() <= 4
        && (lone_letter || token.bytes().all(|b| b.is_ascii_digit()) || token.bytes().all(|b| b"ivxlc".contains(&b)))
    {
        return false;
    }
    true
}

/// Most words before a clock time (`At 5`, `Shortly after 5`) for the time to open the
/// sentence rather than end it.
const FRONTED_TIME_WORDS: usize = 3;

/// The end of a spaced ellipsis (`. . .`, `. . . .`) that begins with the stops `t0..j`, or
/// `j` when there is none. Two spaced stops (`the US. .`) are debris, not an ellipsis.
fn spaced_ellipsis_end(text: &str, t0: usize, j: usize) -> usize {
    if !text[t0..j].bytes().all(|b| b == b'.') {
        return j;
    }
    let mut end = j;
    let mut dots = j - t0;
    while text[end..].starts_with(" .") {
        end += 2;
        dots += 1;
        while text[end..].starts_with('.') {
            end += 1;
            dots += 1;
        }
    }
    if dots >= 3 && end > j { end } else { j }
}

/// `U.S`, `a.m`, `Ph.D`, `e.g`: short letter groups joined by periods.
fn is_dotted_abbreviation(token: &str) -> bool {
    let mut parts = 0;
    for p in token.split('.') {
        parts += 1;
        if p.is_empty() || p.chars().count() > 2 || !p.chars().all(char::is_alphabetic) {
            return false;
        }
    }
    parts >= 2
}

/// `…the end.The next…`: a stop with no space after it, between a lower-case word and a
/// capitalised word, outside URLs, e-mail addresses and file names.
fn missing_space_boundary(text: &str, word: usize, t0: usize, k: usize) -> bool {
    let Some((_, token)) = token_before(text, word, t0) else { return false };
    let ok_token = token.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && token.chars().next_back().is_some_and(char::is_lowercase)
        && !token.contains(['.', '@', '/', ':', '\\', '_']);
    let mut next = text[k..].chars();
    let ok_next = matches!((next.next(), next.next()), (Some(a), Some(b)) if a.is_uppercase() && b.is_lowercase());
    let mut window = (k + MAX_TOKEN).min(text.len());
    while !text.is_char_boundary(window) {
        window -= 1;
    }
    let rest_end = text[k..window].find(char::is_whitespace).map_or(window, |e| k + e);
    let rest = &text[k..rest_end];
    ok_token && ok_next && !rest.contains(['@', '/']) && !rest.contains(".com")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleSet;

    fn sents(text: &str) -> Vec<String> {
        let rules = RuleSet::builtin();
        let mut out = Vec::new();
        split(text, 0, &rules.segment, &mut out);
        out.into_iter().map(|r| text[r].to_string()).collect()
    }

    #[test]
    fn abbreviations_initials_and_numbers() {
        assert_eq!(
            sents("Dr. Smith met Mr. J. K. Rowling at 9 a.m. on Jan. 5. They spoke."),
            ["Dr. Smith met Mr. J. K. Rowling at 9 a.m. on Jan. 5.", "They spoke."]
        );
        assert_eq!(sents("It rose 3.5% to $1.13bn. No. 204 is out."), ["It rose 3.5% to $1.13bn.", "No. 204 is out."]);
        assert_eq!(sents("He lives in the U.S. The rest stayed."), ["He lives in the U.S.", "The rest stayed."]);
        assert_eq!(sents("The U.S. Senate voted."), ["The U.S. Senate voted."]);
    }

    #[test]
    fn quotations_and_brackets() {
        assert_eq!(sents("“Why?” he asked. “Because.” Then silence."), ["“Why?” he asked.", "“Because.”", "Then silence."]);
        assert_eq!(sents("It ended (finally.) Then more."), ["It ended (finally.)", "Then more."]);
        assert_eq!(sents("Wait... what? No… Really!"), ["Wait... what?", "No…", "Really!"]);
        assert_eq!(sents("He named… Lisbon as the venue."), ["He named… Lisbon as the venue."]);
        assert_eq!(sents("The cut [...] Lisbon. . . . Then . . . I left."), ["The cut [...] Lisbon. . . .", "Then . . . I left."]);
    }

    #[test]
    fn missing_space_urls_and_lists() {
        assert_eq!(sents("It ended.The next began."), ["It ended.", "The next began."]);
        assert_eq!(sents("See www.example.com or a.b@mail.org. Thanks."), ["See www.example.com or a.b@mail.org.", "Thanks."]);
        assert_eq!(sents("1. First item here."), ["1. First item here."]);
        assert_eq!(sents("1) Go 2) Stop. 3) Wait"), ["1) Go", "2) Stop.", "3) Wait"]);
        assert_eq!(sents("• 9. Go • 10. Stop"), ["• 9. Go", "• 10. Stop"]);
        assert_eq!(sents("It ended in the US. . Then more."), ["It ended in the US. .", "Then more."]);
        assert_eq!(sents(". And the rest. Next."), [". And the rest.", "Next."]);
    }
}
