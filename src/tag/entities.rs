//! Entities a claim mentions: people, organisations, countries, places and other names.
//!
//! The mechanism is capitalisation: a name is a run of capitalised words, joined only by
//! spaces or by connector words (`Bank of Japan`); commas and quotation marks end it. The
//! words come from the lexicons ([`crate::rules::claim_lexicons::EntityLexicon`]):
//! - a run that is a form in `countries.txt` or `organizations.txt` takes that kind;
//! - a run that starts with a title or person role (`President Xi Jinping`,
//!   `Dr. Takagi`) is a person, the title left out of the span; a run that ends in a person
//!   role (`US President`), or a country word followed by a lower-case role (`Japanese
//!   foreign minister`), is a person mention too;
//! - a run ending in an `organization` or `place` head of `entity_words.txt` takes that
//!   kind (`Asian Development Bank`, `South China Sea`);
//! - a name seen earlier in the document as a person (after a title, or as an
//!   attribution's person source) stays a person (`Obama`);
//! - `stop` words, months, and the usual sentence openers at the start of a sentence are
//!   not names; a lone capitalised first word is a name only if a lexicon knows it;
//! - anything else capitalised is `other`.

use std::ops::Range;

use crate::rules::claim_lexicons::{EntityLexicon, WordRole};
use crate::rules::word_hash::WordSet;
use crate::tag::EntityTag;

/// What the document has shown to be people's names, carried from sentence to sentence.
#[derive(Debug, Default, Clone)]
pub struct People {
    names: WordSet<String>,
}

impl People {
    /// Remember a person's name and its last word.
    pub fn add(&mut self, name: &str) {
        let name = strip_possessive(name.trim());
        if name.is_empty() {
            return;
        }
        if let Some(last) = name.split_whitespace().next_back() {
            self.names.insert(last.to_string());
        }
        self.names.insert(name.to_string());
    }

    fn knows(&self, name: &str) -> bool {
        self.names.contains(name)
    }
}

fn strip_possessive(s: &str) -> &str {
    s.strip_suffix("’s").or_else(|| s.strip_suffix("'s")).or_else(|| s.strip_suffix('’')).or_else(|| s.strip_suffix('\'')).unwrap_or(s)
}

fn is_inner(c: char) -> bool {
    matches!(c, '-' | '\'' | '’' | '.' | '&')
}

/// The character at byte `i` of `text` and its length; ASCII without decoding.
#[inline]
fn char_at(text: &str, i: usize) -> Option<(char, usize)> {
    let &b = text.as_bytes().get(i)?;
    if b < 0x80 {
        return Some((b as char, 1));
    }
    let c = text[i..].chars().next()?;
    Some((c, c.len_utf8()))
}

/// Word tokens of `text`: letters and digits, with `-`, `'`, `’`, `.`, `&` kept inside.
fn tokens(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::with_capacity(text.len() / 5 + 4);
    let mut start: Option<usize> = None;
    if text.is_ascii() {
        // The same rules, byte by byte (`’` cannot occur).
        let b = text.as_bytes();
        for i in 0..b.len() {
            let c = b[i];
            let inside = c.is_ascii_alphanumeric()
                || (start.is_some()
                    && matches!(c, b'-' | b'\'' | b'.' | b'&')
                    && (c == b'.' || c == b'\'' || b.get(i + 1).is_some_and(u8::is_ascii_alphanumeric)));
            step(inside, i, &mut start, &mut out);
        }
        return finish_tokens(text, start, out);
    }
    let mut i = 0;
    let mut cur = char_at(text, 0);
    while let Some((c, len)) = cur {
        let next = char_at(text, i + len);
        let next_alnum = || next.is_some_and(|(n, _)| n.is_alphanumeric());
        let inside = c.is_alphanumeric() || (start.is_some() && is_inner(c) && (c == '.' || c == '’' || c == '\'' || next_alnum()));
        step(inside, i, &mut start, &mut out);
        i += len;
        cur = next;
    }
    finish_tokens(text, start, out)
}

/// The last token (from `start`, if one is open) added, and final periods taken off.
/// One character of the token scan at byte `i`: a token starts where `inside` begins
/// and ends where it stops.
fn step(inside: bool, i: usize, start: &mut Option<usize>, out: &mut Vec<Range<usize>>) {
    match (inside, *start) {
        (true, None) => *start = Some(i),
        (false, Some(s)) => {
            out.push(s..i);
            *start = None;
        }
        _ => {}
    }
}

fn finish_tokens(text: &str, start: Option<usize>, mut out: Vec<Range<usize>>) -> Vec<Range<usize>> {
    if let Some(s) = start {
        out.push(s..text.len());
    }
    // A final period belongs to the sentence, unless the token is dotted (`U.S.`).
    for r in &mut out {
        let t = &text[r.clone()];
        if t.ends_with('.') && !t[..t.len() - 1].contains('.') {
            r.end -= 1;
        }
    }
    out
}

/// `s` lower-cased into `buf` (replacing its contents), without its periods when
/// `drop_dots`; as `str::to_lowercase` (then `replace('.', "")`) would give it.
fn lower_into<'b>(buf: &'b mut String, s: &str, drop_dots: bool) -> &'b str {
    buf.clear();
    if s.is_ascii() {
        buf.push_str(s);
        buf.make_ascii_lowercase();
        if drop_dots && s.contains('.') {
            buf.retain(|c| c != '.');
        }
    } else {
        let l = s.to_lowercase();
        if drop_dots {
            buf.extend(l.chars().filter(|&c| c != '.'));
        } else {
            buf.push_str(&l);
        }
    }
    buf
}

fn is_capitalised(t: &str) -> bool {
    t.chars().next().is_some_and(char::is_uppercase)
}

fn is_acronym(t: &str) -> bool {
    let letters = t.chars().filter(|c| c.is_alphabetic()).count();
    letters >= 2 && !t.chars().any(char::is_lowercase)
}

/// Find the entities of one sentence (`text` at clean offset `base`), remembering people.
pub fn find(lx: &EntityLexicon, people: &mut People, text: &str, base: usize) -> Vec<EntityTag> {
    let toks = tokens(text);
    let word = |i: usize| &text[toks[i].clone()];
    let gap_ok = |a: usize, b: usize| text[toks[a].end..toks[b].start].chars().all(char::is_whitespace);
    // A word that opens the sentence, a speaker's line (`SMITH: We…`) or a quotation is
    // capitalised for its place, not for being a name.
    let initial = |i: usize| i == 0 || text[..toks[i].start].trim_end().ends_with([':', '“', '"', '‘', '(', '[', ')', ']', '—', '–']);
    let mut out = Vec::new();
    let mut buf = String::new();
    let mut i = 0;
    while i < toks.len() {
        if !is_capitalised(word(i)) {
            i += 1;
            continue;
        }
        // Grow the run: capitalised words, or a connector between capitalised words.
        let mut end = i;
        let mut k = i + 1;
        while k < toks.len() && gap_ok(k - 1, k) {
            if is_capitalised(word(k)) {
                end = k;
                k += 1;
            } else if lx.words.get(word(k)) == Some(&WordRole::Connector)
                && k + 1 < toks.len()
                && gap_ok(k, k + 1)
                && is_capitalised(word(k + 1))
            {
                k += 1;
            } else {
                break;
            }
        }
        let next = end + 1;
        let mut s = i;
        while s <= end
            && (lx.words.get(word(s)) == Some(&WordRole::Stop)
                || (initial(s) && lx.starters.contains(lower_into(&mut buf, word(s), false))))
        {
            s += 1;
        }
        if s <= end
            && let Some(e) = classify(lx, people, text, &toks, s, end, initial(s), &mut buf)
        {
            out.push(EntityTag { range: base + e.0.start..base + e.0.end, kind: e.1 });
        }
        i = next;
    }
    out
}

/// Kind and span of the run `toks[s..=e]`, if it names something; `buf` is scratch space.
#[allow(clippy::too_many_arguments)]
fn classify(
    lx: &EntityLexicon,
    people: &mut People,
    text: &str,
    toks: &[Range<usize>],
    s: usize,
    e: usize,
    first: bool,
    buf: &mut String,
) -> Option<(Range<usize>, String)> {
    let span = |a: usize, b: usize| {
        let r = toks[a].start..toks[b].end;
        let t = &text[r.clone()];
        r.start..r.start + strip_possessive(t).len()
    };
    let whole = span(s, e);
    let name = &text[whole.clone()];
    let found = lx.names.get(name).or_else(|| {
        buf.clear();
        buf.push_str(name);
        buf.push('.');
        lx.names.get(buf.as_str())
    });
    if let Some((kind, _)) = found {
        // A country word followed by a lower-case person role: `Japanese foreign minister`.
        if let Some(role_end) = following_role(lx, text, toks, e, buf) {
            return Some((whole.start..toks[role_end].end, "person".into()));
        }
        return Some((whole, kind.clone()));
    }
    // A title or person role first: the rest is a person's name.
    for n in (1..=lx.max_title_words.min(e - s + 1)).rev() {
        if lx.titles.contains(lower_into(buf, &text[toks[s].start..toks[s + n - 1].end], true)) {
            if s + n > e {
                return None;
            }
            let r = span(s + n, e);
            people.add(&text[r.clone()]);
            return Some((r, "person".into()));
        }
    }
    // A person role last: `US President`.
    for n in (1..=lx.max_title_words.min(e - s)).rev() {
        if lx.titles.contains(lower_into(buf, &text[toks[e + 1 - n].start..toks[e].end], true)) {
            return Some((whole, "person".into()));
        }
    }
    let last = strip_possessive(&text[toks[e].clone()]);
    match lx.words.get(last) {
        Some(WordRole::Organization) => return Some((whole, "organization".into())),
        Some(WordRole::Place) => return Some((whole, "place".into())),
        _ => {}
    }
    if people.knows(name) {
        return Some((whole, "person".into()));
    }
    if s == e && first && !is_acronym(name) {
        return None;
    }
    Some((whole, "other".into()))
}

/// The last token of a lower-case person role right after token `e`, if there is one.
fn following_role(lx: &EntityLexicon, text: &str, toks: &[Range<usize>], e: usize, buf: &mut String) -> Option<usize> {
    let max = lx.max_title_words.min(toks.len().saturating_sub(e + 1));
    for n in (1..=max).rev() {
        let a = e + 1;
        let b = e + n;
        let gap = &text[toks[e].end..toks[a].start];
        if !gap.chars().all(char::is_whitespace) || is_capitalised(&text[toks[a].clone()]) {
            return None;
        }
        let phrase = lower_into(buf, &text[toks[a].start..toks[b].end], false);
        if lx.roles.get(phrase).is_some_and(|k| k == "person") {
            return Some(b);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleSet;

    fn ents(text: &str) -> Vec<(String, String)> {
        let rules = RuleSet::builtin();
        let mut people = People::default();
        find(&rules.claims.entities, &mut people, text, 0).into_iter().map(|e| (text[e.range].to_string(), e.kind)).collect()
    }

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn tokens_keep_dotted_abbreviations() {
        let t = "The U.S. and Xi’s team met Dr. Lee.";
        let got: Vec<&str> = tokens(t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(got, ["The", "U.S.", "and", "Xi’s", "team", "met", "Dr", "Lee"]);
        let t = "The U.S. and Xi's A&P team--met Dr. Lee-Smith's 'crew'.";
        let got: Vec<&str> = tokens(t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(got, ["The", "U.S.", "and", "Xi's", "A&P", "team", "met", "Dr", "Lee-Smith's", "crew'"]);
    }

    #[test]
    fn kinds_from_lexicons_titles_and_heads() {
        assert_eq!(
            ents("President Xi Jinping met officials of the Asian Development Bank in the South China Sea."),
            pairs(&[("Xi Jinping", "person"), ("Asian Development Bank", "organization"), ("South China Sea", "place")])
        );
        assert_eq!(ents("Japan and the US have not agreed."), pairs(&[("Japan", "country"), ("US", "country")]));
        assert_eq!(ents("Later, the Japanese foreign minister spoke."), pairs(&[("Japanese foreign minister", "person")]));
        assert_eq!(ents("Interestingly, nothing happened in May."), pairs(&[]));
    }

    #[test]
    fn remembers_people() {
        let rules = RuleSet::builtin();
        let mut people = People::default();
        let lx = &rules.claims.entities;
        find(lx, &mut people, "President Obama had visited Tokyo.", 0);
        let got: Vec<(String, String)> = find(lx, &mut people, "Critics said Obama’s plan failed.", 0)
            .into_iter()
            .map(|e| ("Critics said Obama’s plan failed."[e.range].to_string(), e.kind))
            .collect();
        assert_eq!(got, pairs(&[("Obama", "person")]));
    }
}
