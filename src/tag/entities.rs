//! Entities a claim mentions: people, organisations, countries, places, titles (of events,
//! laws, treaties, documents), nationalities and other names.
//!
//! The mechanism is capitalisation: a name is a run of capitalised words, joined only by
//! spaces, by connector words (`Bank of Japan`) or by the period of an initial or a name
//! abbreviation (`A. K. Mensah`, `St. Clare's`); commas and quotation marks end it. A
//! lower-case prefix is not part of a name (`post-Cold War`, `mid-May`). The words come from
//! the lexicons ([`crate::rules::claim_lexicons::EntityLexicon`]):
//! - a form of `nationalities.txt`, `places.txt`, `countries.txt` or `organizations.txt`
//!   takes that kind (`nationality`, `place`, `country`, `organization`; the first list that
//!   has the form wins, so `Tokyo` is a place and `Japanese` a nationality); such a form may
//!   hold lower-case words (`Conference on Interaction and … in Asia`); a hyphenated pair of
//!   forms is two entities (`US-Japan`);
//! - a run that starts with a title or person role (`President Xi Jinping`,
//!   `Dr. A. K. Mensah`) is a person, the title left out of the span and the name ending
//!   before a connector (`Mensah` `of` `St. Clare's Hospital`); a run that ends in a person
//!   role (`US President`), or a country word followed by a lower-case role (`Japanese
//!   foreign minister`), is a person mention too;
//! - a run whose head (its last word, or the word before its first connector) is an
//!   `organization`, `place` or `title` word of `entity_words.txt` takes that kind
//!   (`Asian Development Bank`, `South China Sea`, `University of Tokyo`, `Monroe Doctrine`);
//! - a name the document shows anywhere keeps its kind (the document is read once to learn
//!   them, [`Seen::for_document`]; a sentence is read again only if a name's kind it asked
//!   for changed later in the document): any word of a person's name (after a title, as an
//!   attribution's person source opening with a given name, or opening with a given name of
//!   `given_names.txt`) is that person (`Xi`, `Obama`), an acronym in parentheses after a
//!   name is of the name's kind (`Asian Infrastructure Investment Bank (AIIB)`), and a
//!   business's own name before its head word names it alone (`Mittal Steel` … `Mittal`);
//! - the words right before or after a name give its kind (`entity_contexts.txt`: `shares
//!   in _`, `_'s chief executive`, `_, who`, `based in _`), remembered for the document;
//! - a known name's possessive ends a run (`Sweden's Saab`), names joined by `&` are a
//!   business's (`Marsh & McLennan`), `and` continues an organisation's name before its
//!   head word (`Securities and Exchange Commission`), and a title inside a run opens a
//!   person's name (`US Treasury Secretary John Snow`);
//! - a line that opens with a name in capitals is a speaker's label (`HALE:`, a person) or
//!   a dateline's place (`HALDEN, March 4`);
//! - a run of two or more words opening with a given name is a person (`Tomas Lind`);
//! - `stop` words, months, and the usual sentence openers at the start of a sentence are
//!   not names; a lone capitalised first word is a name only if a lexicon knows it;
//! - anything else capitalised is `other`.

use std::ops::Range;

use crate::Analysis;
use crate::rules::claim_lexicons::{EntityLexicon, WordRole, word_beginnings, word_endings};
use crate::rules::word_hash::WordMap;
use crate::segment::Sentence;
use crate::tag::{AttributionTag, EntityTag};

/// The names the document has shown, with their kinds, carried from sentence to sentence.
#[derive(Debug, Default, Clone)]
pub struct Seen {
    names: WordMap<String, String>,
    /// What [`Seen::for_document`] read in each sentence, by its clean-text range, in text
    /// order: [`find`] takes a sentence's reading back instead of reading it again.
    readings: Vec<Reading>,
    /// While [`Seen::for_document`] reads a sentence: each name it asked the kind of
    /// ([`Seen::ask`]), with the answer.
    asked: Option<Vec<(String, Option<String>)>>,
}

/// The word tokens of a sentence, as byte ranges of it.
type Tokens = Vec<Range<usize>>;

/// One sentence as [`Seen::for_document`] read it.
#[derive(Debug, Clone)]
struct Reading {
    /// The sentence's clean-text range.
    range: Range<usize>,
    tokens: Tokens,
    /// The entities found, in the sentence's own offsets.
    found: Vec<EntityTag>,
    /// The names whose kind was asked ([`Seen::ask`]) and the answers.
    asked: Vec<(String, Option<String>)>,
}

impl Seen {
    /// Remember a person's name and each of its words but initials and particles: a short
    /// name is the person (`Xi` for `Xi Jinping`, `Obama` for `Barack Obama`).
    pub fn add_person(&mut self, name: &str) {
        let name = strip_possessive(name.trim());
        if name.is_empty() {
            return;
        }
        for w in name.split_whitespace() {
            let w = strip_possessive(w);
            if is_capitalised(w) && w.trim_end_matches('.').chars().count() > 1 && !is_acronym(w) {
                self.names.insert(w.to_string(), "person".into());
            }
        }
        self.names.insert(name.to_string(), "person".into());
    }

    /// Remember that `name` is of `kind`, unless it is known already.
    pub fn add(&mut self, name: &str, kind: &str) {
        self.names.entry(name.to_string()).or_insert_with(|| kind.to_string());
    }

    /// The people an attribution's source names (`source_kind` person).
    pub fn from_attributions(lx: &EntityLexicon, attributions: &[AttributionTag]) -> Seen {
        let mut seen = Seen::default();
        for a in attributions {
            // Only a full name that opens with a given name: one capitalised word is a guess
            // of the attribution's (`Boeing said`), a phrase (`head of M&S`) no name, and
            // two unknown capitalised words as often a business's (`Deutsche Boerse said`).
            if a.source_kind == "person"
                && let Some(name) = &a.source_resolved
                && name.split_whitespace().count() > 1
                && name.split_whitespace().all(is_capitalised)
                && name.split_whitespace().next().is_some_and(|w| lx.given_names.contains(w))
            {
                seen.add_person(name);
            }
        }
        seen
    }

    /// Read every sentence once for the names it teaches (people after a title or with a
    /// given name, organisations from their head word, kinds from the words around a name),
    /// so that a short mention takes the kind of a full one wherever it stands in the
    /// document, before it too (`Xi` … `President Xi Jinping`).
    pub fn learn<'t>(&mut self, lx: &EntityLexicon, sentences: impl IntoIterator<Item = &'t str>) {
        for text in sentences {
            self.read(lx, text);
        }
    }

    /// Read one sentence for the names it teaches; its tokens and entities.
    fn read(&mut self, lx: &EntityLexicon, text: &str) -> (Tokens, Vec<EntityTag>) {
        let toks = tokens(text);
        let found = find_in(lx, self, text, 0, &toks);
        (toks, found)
    }

    /// The reading of the sentence at `range` of the clean text, if [`Seen::for_document`]
    /// read it and it was not taken yet.
    fn take_reading(&mut self, range: Range<usize>) -> Option<Reading> {
        let i = self.readings.partition_point(|r| r.range.start < range.start);
        if self.readings.get(i)?.range != range {
            return None;
        }
        let r = &mut self.readings[i];
        Some(Reading {
            range: r.range.clone(),
            tokens: std::mem::take(&mut r.tokens),
            found: std::mem::take(&mut r.found),
            asked: std::mem::take(&mut r.asked),
        })
    }

    /// The kind of a name seen before ([`Seen::kind`]), noted while a reading is recorded.
    fn ask(&mut self, name: &str) -> Option<String> {
        let kind = self.kind(name).map(str::to_string);
        if let Some(asked) = &mut self.asked {
            asked.push((name.to_string(), kind.clone()));
        }
        kind
    }

    /// The kind of a name seen before, also in capitals (`REYES` for `Reyes`).
    fn kind(&self, name: &str) -> Option<&str> {
        if let Some(k) = self.names.get(name) {
            return Some(k);
        }
        if name.chars().count() < 2 || name.chars().any(char::is_lowercase) {
            return None;
        }
        let mut c = name.chars();
        let titled: String = c.next().into_iter().chain(c.flat_map(char::to_lowercase)).collect();
        self.names.get(&titled).map(String::as_str)
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
    // Whether a token holds a hyphen: only then may one need splitting.
    let mut hyphen = false;
    if text.is_ascii() {
        // The same rules, byte by byte (`’` cannot occur).
        let b = text.as_bytes();
        for i in 0..b.len() {
            let c = b[i];
            let inside = c.is_ascii_alphanumeric()
                || (start.is_some()
                    && matches!(c, b'-' | b'\'' | b'.' | b'&')
                    && (c == b'.' || c == b'\'' || b.get(i + 1).is_some_and(u8::is_ascii_alphanumeric)));
            hyphen |= inside && c == b'-';
            step(inside, i, &mut start, &mut out);
        }
        return finish_tokens(text, start, out, hyphen);
    }
    let mut i = 0;
    let mut cur = char_at(text, 0);
    while let Some((c, len)) = cur {
        let next = char_at(text, i + len);
        let next_alnum = || next.is_some_and(|(n, _)| n.is_alphanumeric());
        let inside = c.is_alphanumeric() || (start.is_some() && is_inner(c) && (c == '.' || c == '’' || c == '\'' || next_alnum()));
        hyphen |= inside && c == '-';
        step(inside, i, &mut start, &mut out);
        i += len;
        cur = next;
    }
    finish_tokens(text, start, out, hyphen)
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

/// `hyphen`: whether a token holds a `-`.
fn finish_tokens(text: &str, start: Option<usize>, mut out: Vec<Range<usize>>, hyphen: bool) -> Vec<Range<usize>> {
    if let Some(s) = start {
        out.push(s..text.len());
    }
    // A final period belongs to the sentence, unless the token is dotted (`U.S.`).
    let bytes = text.as_bytes();
    for r in &mut out {
        if let Some((b'.', head)) = bytes[r.clone()].split_last()
            && !head.contains(&b'.')
        {
            r.end -= 1;
        }
    }
    // A lower-case prefix before a capitalised word is a token of its own: `post-Cold`; so
    // is a name before a lower-case suffix: `London` `based`, `State` `owned`.
    if hyphen {
        let mut split = Vec::with_capacity(out.len() + 2);
        for r in out {
            let t = &text[r.clone()];
            let Some(h) = t.rfind('-') else {
                split.push(r);
                continue;
            };
            if is_capitalised(t)
                && t[..h].chars().filter(|c| c.is_alphabetic()).count() > 1
                && t[h + 1..].chars().count() > 2
                && t[h + 1..].chars().all(char::is_lowercase)
            {
                split.push(r.start..r.start + h);
                split.push(r.start + h + 1..r.end);
                continue;
            }
            let at = t.chars().next().is_some_and(char::is_lowercase).then(|| t.find(|c: char| c.is_uppercase())).flatten();
            match at {
                Some(i) if t[..i].ends_with('-') => {
                    split.push(r.start..r.start + i - 1);
                    split.push(r.start + i..r.end);
                }
                _ => split.push(r),
            }
        }
        out = split;
    }
    out
}

/// `s` lower-cased into `buf` (replacing its contents), without its periods when
/// `drop_dots`; as `str::to_lowercase` (then `replace('.', "")`) would give it.
pub fn lower_into<'b>(buf: &'b mut String, s: &str, drop_dots: bool) -> &'b str {
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

/// Find the entities of one sentence (`text` at clean offset `base`), remembering names.
pub fn find(lx: &EntityLexicon, seen: &mut Seen, text: &str, base: usize) -> Vec<EntityTag> {
    let Some(reading) = seen.take_reading(base..base + text.len()) else {
        return find_in(lx, seen, text, base, &tokens(text));
    };
    // `find_in` reads nothing of `seen` but the kinds it asks for, so where every kind asked
    // while learning has the same answer now, it would find what it found then. Its changes
    // to `seen` would change nothing either: a name it added then is known since, and one
    // it made a person's stays a person's (`Seen::add` keeps a known name's kind).
    if reading.asked.iter().all(|(name, kind)| seen.kind(name) == kind.as_deref()) {
        let mut found = reading.found;
        for e in &mut found {
            e.range = base + e.range.start..base + e.range.end;
        }
        return found;
    }
    find_in(lx, seen, text, base, &reading.tokens)
}

/// [`find`] on the sentence's tokens `toks`.
fn find_in(lx: &EntityLexicon, seen: &mut Seen, text: &str, base: usize, toks: &[Range<usize>]) -> Vec<EntityTag> {
    let word = |i: usize| &text[toks[i].clone()];
    // Words join across spaces, and across the period of an initial or a name abbreviation.
    let gap_ok = |a: usize, b: usize| {
        let gap = &text[toks[a].end..toks[b].start];
        gap.chars().all(char::is_whitespace)
            || (gap.trim() == "&" && gap.starts_with(' ') && gap.ends_with(' ') && is_capitalised(word(a)) && is_capitalised(word(b)))
            || (gap.starts_with('.') && gap.len() > 1 && gap[1..].chars().all(char::is_whitespace) && is_name_abbreviation(lx, word(a)))
    };
    // A word that opens the sentence, a speaker's line (`SMITH: We…`) or a quotation is
    // capitalised for its place, not for being a name.
    // So is a list item's first word (`1. Short interruptions`).
    let initial = |i: usize| {
        let before = text[..toks[i].start].trim_end();
        i == 0
            || before.ends_with([':', '“', '"', '‘', '(', '[', ')', ']', '—', '–'])
            || (before.ends_with('.') && before[..before.len() - 1].ends_with(|c: char| c.is_ascii_digit()))
    };
    let mut out = Vec::new();
    let mut buf = String::new();
    let mut i = 0;
    while i < toks.len() {
        if !is_capitalised(word(i)) {
            i += 1;
            continue;
        }
        // A lexicon form with lower-case words inside (`Conference on Interaction and …`).
        if let Some((e, kind)) = lexicon_form(lx, text, toks, i, &gap_ok) {
            let r = toks[i].start..toks[e].end;
            out.push(EntityTag { range: base + r.start..base + r.end, kind: kind.to_string() });
            remember_acronym(seen, text, toks, e, kind);
            i = e + 1;
            continue;
        }
        // Grow the run: capitalised words, or a connector between capitalised words.
        let mut end = i;
        let mut k = i + 1;
        while k < toks.len() && gap_ok(k - 1, k) {
            // A known name's possessive ends the run: `Sweden's Saab`, `GM's European units`
            // (an unknown one may be inside a name: `St. Clare's Hospital`).
            if strip_possessive(word(k - 1)).len() < word(k - 1).len() {
                let run = strip_possessive(&text[toks[i].start..toks[k - 1].end]);
                let last = strip_possessive(word(k - 1));
                if lx.names.contains_key(run) || lx.names.contains_key(last) || is_acronym(last) || seen.ask(run).is_some() {
                    break;
                }
            }
            if is_capitalised(word(k)) {
                end = k;
                k += 1;
            } else if matches!(lx.words.get(word(k)), Some(WordRole::Connector | WordRole::Particle))
                && k + 1 < toks.len()
                && gap_ok(k, k + 1)
                && is_capitalised(word(k + 1))
                && lx.words.get(word(k + 1)) != Some(&WordRole::Stop)
            {
                k += 1;
            } else {
                break;
            }
        }
        let mut next = end + 1;
        let mut s = i;
        // A title abbreviation (`Dr.`) or an honorific before a name (`Mr Chidambaram`)
        // opens a name even where it is also a sentence starter.
        let titled = |s: usize, buf: &mut String| {
            (lx.name_abbreviations.contains(word(s)) && text[toks[s].end..].starts_with('.'))
                || (s < end && lx.titles.contains(lower_into(buf, word(s), true)))
        };
        while s <= end
            && (lx.words.get(word(s)) == Some(&WordRole::Stop)
                || (initial(s) && !titled(s, &mut buf) && lx.starters.contains(lower_into(&mut buf, word(s), false))))
        {
            s += 1;
        }
        // Nor does a stop word end one: `New York Dec 2`.
        while end > s && lx.words.get(word(end)) == Some(&WordRole::Stop) {
            end -= 1;
        }
        // A title or role inside the run opens a person's name: `US Treasury Secretary John
        // Snow`; what comes before it is a name of its own (`US Treasury`).
        if let Some(k) =
            (s + 1..end).find(|&k| is_capitalised(word(k)) && title_words(lx, text, toks, k, end, &mut buf).is_some_and(|n| k + n <= end))
        {
            if let Some((r, kind)) = classify(lx, seen, text, toks, s, k - 1, initial(s), &mut buf) {
                out.push(EntityTag { range: base + r.start..base + r.end, kind });
            }
            s = k;
        }
        // A heading in title case (`Northfield Water Board Announces Spring Maintenance
        // Programme`): a name ends at its first organisation head word, when three or more
        // capitalised words follow it.
        if s + 4 <= end
            && (s..=end).all(|k| is_capitalised(word(k)))
            && let Some(h) = (s + 1..end - 2).find(|&h| lx.words.get(word(h)) == Some(&WordRole::Organization))
        {
            end = h;
        }
        // After a title, a person's name ends before a connector: `Dr. Mensah` `of` `St. Clare's`.
        // The title's own connectors stay in it: `Secretary of State George Shultz`. A lone
        // word has no connector to end at.
        if s < end
            && let Some(n) = title_words(lx, text, toks, s, end, &mut buf)
            && let Some(c) = (s + n..=end).find(|&c| lx.words.get(word(c)) == Some(&WordRole::Connector))
        {
            end = c - 1;
            next = c + 1;
        }
        if s == end
            && let Some(parts) = compound(lx, word(s))
        {
            let at = base + toks[s].start;
            out.extend(parts.into_iter().map(|(r, kind)| EntityTag { range: at + r.start..at + r.end, kind }));
        } else if s <= end
            && let Some(e) = classify(lx, seen, text, toks, s, end, initial(s), &mut buf)
        {
            remember_acronym(seen, text, toks, end, &e.1);
            // A role after the name is in its span (`Israel secretary of State`): the next
            // run starts after it.
            while next < toks.len() && toks[next].start < e.0.end {
                next += 1;
            }
            out.push(EntityTag { range: base + e.0.start..base + e.0.end, kind: e.1 });
        }
        i = next;
    }
    join_and(lx, text, base, &mut out);
    out
}

/// Two names joined by `and` that are one: an unknown word before an organisation or title
/// named by its head word (`Securities and Exchange Commission`, `Food and Agriculture
/// Organisation`), or an organisation's `of` phrase going on (`National Institute of
/// Economic and Social Research`).
fn join_and(lx: &EntityLexicon, text: &str, base: usize, out: &mut Vec<EntityTag>) {
    let mut i = 1;
    while i < out.len() {
        let (a, b) = (&out[i - 1], &out[i]);
        let at = &text[a.range.start - base..a.range.end - base];
        let bt = &text[b.range.start - base..b.range.end - base];
        let headed = bt.rsplit(' ').next().is_some_and(|h| matches!(lx.words.get(h), Some(WordRole::Organization | WordRole::Title)));
        let kind = if a.range.end > b.range.start
            || text[a.range.end - base..b.range.start - base] != *" and "
            || lx.names.contains_key(at)
            || a.kind == "person"
        {
            None
        } else if matches!(b.kind.as_str(), "organization" | "title") && headed {
            Some(b.kind.clone())
        } else if a.kind == "organization" && at.contains(" of ") && b.kind == "other" {
            Some(a.kind.clone())
        } else {
            None
        };
        match kind {
            Some(kind) => {
                out[i - 1].range.end = out[i].range.end;
                out[i - 1].kind = kind;
                out.remove(i);
            }
            None => i += 1,
        }
    }
}

/// Whether the period after `w` belongs to a name: an initial (`A.`) or an abbreviation of
/// `abbreviations.txt` of class `title` (`Dr.`, `St.`).
fn is_name_abbreviation(lx: &EntityLexicon, w: &str) -> bool {
    let mut c = w.chars();
    (c.next().is_some_and(char::is_uppercase) && c.next().is_none()) || lx.name_abbreviations.contains(w)
}

/// The longest lexicon form from token `i` with a lower-case word inside, which a run of
/// capitalised words cannot find: its last token and kind.
fn lexicon_form<'l>(
    lx: &'l EntityLexicon,
    text: &str,
    toks: &[Range<usize>],
    i: usize,
    gap_ok: &dyn Fn(usize, usize) -> bool,
) -> Option<(usize, &'l str)> {
    if !lx.inner_lower_heads.contains(&text[toks[i].clone()]) {
        return None;
    }
    let mut last = i;
    while last + 1 < toks.len() && last + 1 < i + lx.max_name_words && gap_ok(last, last + 1) {
        last += 1;
    }
    (i + 2..=last).rev().find_map(|e| {
        let inner_lower = (i + 1..e).any(|k| !is_capitalised(&text[toks[k].clone()]));
        let (kind, _) = lx.names.get(&text[toks[i].start..toks[e].end]).filter(|_| inner_lower)?;
        Some((e, kind.as_str()))
    })
}

/// A hyphenated pair of lexicon forms (`US-Japan`, `China-Russia`): each form's range in
/// the word and kind. `None` when the word is a form itself or a part is unknown.
fn compound(lx: &EntityLexicon, w: &str) -> Option<Vec<(Range<usize>, String)>> {
    let w = strip_possessive(w);
    if !w.contains('-') || lx.names.contains_key(w) {
        return None;
    }
    let mut out = Vec::new();
    let mut at = 0;
    for part in w.split('-') {
        let (kind, _) = lx.names.get(part)?;
        out.push((at..at + part.len(), kind.clone()));
        at += part.len() + 1;
    }
    Some(out)
}

/// An acronym in parentheses right after token `e` (`Asian Infrastructure Investment Bank
/// (AIIB)`) names the same thing: remembered with its kind.
fn remember_acronym(seen: &mut Seen, text: &str, toks: &[Range<usize>], e: usize, kind: &str) {
    let Some(t) = toks.get(e + 1) else { return };
    let acronym = &text[t.clone()];
    let gap = text[toks[e].end..t.start].trim_start_matches(['”', '"', '’', '\'']).trim();
    if gap == "(" && text[t.end..].starts_with(')') && is_acronym(acronym) {
        seen.add(acronym, kind);
    }
}

/// The number of words of a title or person role opening the run `toks[s..=e]`.
/// The words of a run are joined by spaces (or a name abbreviation's period), so a title's
/// first word is the run's first word.
fn title_words(lx: &EntityLexicon, text: &str, toks: &[Range<usize>], s: usize, e: usize, buf: &mut String) -> Option<usize> {
    if !lx.title_heads.contains(lower_into(buf, &text[toks[s].clone()], true)) {
        return None;
    }
    (1..=lx.max_title_words.min(e - s + 1))
        .rev()
        .find(|&n| lx.titles.contains(lower_into(buf, &text[toks[s].start..toks[s + n - 1].end], true)))
}

/// Every entity of an analysed document, sentence by sentence in every block (claims keep
/// only those of their own sentences), in clean-text offsets.
pub fn document(a: &Analysis) -> Vec<EntityTag> {
    let lx = &a.rules.claims.entities;
    let mut seen = Seen::for_document(lx, &a.tags.attributions, &a.norm.clean, &a.seg.sentences);
    let mut out = Vec::new();
    for s in &a.seg.sentences {
        out.extend(find(lx, &mut seen, &a.norm.clean[s.range.clone()], s.range.start));
    }
    out
}

impl Seen {
    /// The names a document teaches: its attributions' people, then every sentence read
    /// once ([`Seen::learn`]), its tokens, entities and the kinds it asked for kept for
    /// [`find`].
    pub fn for_document(lx: &EntityLexicon, attributions: &[AttributionTag], clean: &str, sentences: &[Sentence]) -> Seen {
        let mut seen = Seen::from_attributions(lx, attributions);
        for s in sentences {
            seen.asked = Some(Vec::new());
            let (tokens, found) = seen.read(lx, &clean[s.range.clone()]);
            let asked = seen.asked.take().unwrap_or_default();
            seen.readings.push(Reading { range: s.range.clone(), tokens, found, asked });
        }
        seen
    }
}

/// Kind and span of the run `toks[s..=e]`, if it names something; `buf` is scratch space.
#[allow(clippy::too_many_arguments)]
fn classify(
    lx: &EntityLexicon,
    seen: &mut Seen,
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
    // A person role last: `US President`.
    for n in (1..=lx.max_title_words.min(e - s)).rev() {
        let a = e + 1 - n;
        // As in [`title_words`], a title of more words opens with one of `title_heads`.
        if n > 1 && !lx.title_heads.contains(lower_into(buf, &text[toks[a].clone()], true)) {
            continue;
        }
        if lx.titles.contains(lower_into(buf, strip_possessive(&text[toks[a].start..toks[e].end]), true)) {
            return Some((whole, "person".into()));
        }
    }
    // The head: the word before the first connector (`University of Tokyo`), or the last.
    let word = |i: usize| strip_possessive(&text[toks[i].clone()]);
    let before_connector = (s + 1..=e).find(|&c| lx.words.get(word(c)) == Some(&WordRole::Connector)).map(|c| c - 1);
    // A head alone is a common noun capitalised (`Union leaders argue`).
    for h in before_connector.into_iter().chain([e]).filter(|_| s < e) {
        match lx.words.get(word(h)) {
            Some(WordRole::Organization) => {
                // A business's own name before its head word names it alone later:
                // `Mittal Steel` … `Mittal`.
                let short = word(s);
                if h == e
                    && e == s + 1
                    && short == &text[toks[s].clone()]
                    && !lx.names.contains_key(short)
                    && !lx.given_names.contains(short)
                    && !lx.words.contains_key(short)
                {
                    seen.add(short, "organization");
                }
                return Some((whole, "organization".into()));
            }
            Some(WordRole::Place) => return Some((whole, "place".into())),
            Some(WordRole::Title) => return Some((whole, "title".into())),
            _ => {}
        }
    }
    // A title or person role first (after the head words: `General Motors`): the rest is a person's name.
    if let Some(n) = title_words(lx, text, toks, s, e, buf) {
        if s + n > e {
            return None;
        }
        let r = span(s + n, e);
        seen.add_person(&text[r.clone()]);
        return Some((r, "person".into()));
    }
    if let Some(kind) = seen.ask(name) {
        return Some((whole, kind));
    }
    // Names joined by `&` are a business's: `Marsh & McLennan`, `Johnson & Johnson`.
    if name.contains(" & ") {
        seen.add(name, "organization");
        return Some((whole, "organization".into()));
    }
    // A lower-case role right before the name gives its kind: `telecoms firm Qwest`,
    // `chief executive Bob Lane`.
    if let Some(kind) = preceding_role(lx, text, toks, s, buf) {
        if kind == "person" {
            seen.add_person(name);
        } else {
            seen.add(name, &kind);
        }
        return Some((whole, kind));
    }
    // A line that opens with a name in capitals: a speaker's label (`HALE:`, but not a bare
    // role: `MODERATOR:`) or a dateline's place (`HALDEN, March 4`).
    if first && !name.chars().any(char::is_lowercase) {
        let after = &text[whole.end..];
        if s == e && after.starts_with(':') && !lx.words.contains_key(name) {
            if lx.roles.contains_key(lower_into(buf, name, false)) {
                return None;
            }
            seen.add_person(name);
            return Some((whole, "person".into()));
        }
        let next_word = after.strip_prefix(", ").and_then(|a| a.split(|c: char| !c.is_alphanumeric()).next()).unwrap_or("");
        if lx.words.get(next_word) == Some(&WordRole::Stop) && is_capitalised(next_word) {
            return Some((whole, "place".into()));
        }
    }
    // The words around the name: `shares in Yukos`, `Yukos's chief executive`.
    let lone_first = s == e && first && !is_acronym(name);
    if let Some(kind) = context_kind(lx, text, whole.start, whole.end, lone_first, buf) {
        if kind == "person" {
            seen.add_person(name);
        } else {
            seen.add(name, kind);
        }
        return Some((whole, kind.to_string()));
    }
    if s < e && lx.given_names.contains(word(s)) && (s + 1..=e).all(|k| !lx.words.contains_key(word(k))) {
        seen.add_person(name);
        return Some((whole, "person".into()));
    }
    if s == e && first && !is_acronym(name) {
        return None;
    }
    // Four or more capitalised words that no head or list explains are a heading in title
    // case or capitals (`Coach Defends Youth Policy After Cup Defeat`), not a name.
    if e - s >= 3 {
        return None;
    }
    // An unknown acronym inside a sentence is most often an organisation's (`BBC`, `MCI`);
    // the `common` words of `entity_words.txt` stay `other` (`GDP`, `CEO`).
    if s == e && !first && is_acronym(name) && (2..=5).contains(&name.len()) && !lx.words.contains_key(name) {
        return Some((whole, "organization".into()));
    }
    Some((whole, "other".into()))
}

/// The kind the words around the name at `text[start..end]` give it (`entity_contexts.txt`);
/// for a lone capitalised word that opens the sentence, only a possessive context counts.
/// The first context of the file that fits wins. Contexts match whole words, so the
/// lower-cased text after the name is looked up by its whole-word beginnings, and the text
/// before it by its whole-word endings, each only as long as some context goes on so;
/// `buf` is scratch space.
fn context_kind<'l>(lx: &'l EntityLexicon, text: &str, start: usize, end: usize, lone_first: bool, buf: &mut String) -> Option<&'l str> {
    let mut cut = end + 48.min(text.len() - end);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let window = &text[end..cut];
    if window.contains('’') {
        lower_into(buf, &window.replace('’', "'"), false);
    } else {
        lower_into(buf, window, false);
    }
    // A plural's possessive (`Investors' shares`) reads as `'s`.
    if buf.starts_with('\'') && !buf.starts_with("'s") {
        buf.insert(1, 's');
    }
    // A word of time or rank after the possessive does not change what it owns:
    // `WorldCom's former chief executive`, `Yukos's ex-boss`.
    for w in ["'s former ", "'s new ", "'s current ", "'s outgoing ", "'s then ", "'s ex-"] {
        if buf.starts_with(w) {
            buf.replace_range(2..w.len(), " ");
            break;
        }
    }
    let mut first: Option<usize> = None;
    let mut fits = |i: usize| first = Some(first.map_or(i, |f| f.min(i)));
    for part in word_beginnings(buf) {
        match lx.after_contexts.get(part) {
            None => break,
            Some(Some(i)) if !lone_first || lx.contexts[*i].after.starts_with("'s") => fits(*i),
            Some(_) => {}
        }
    }
    if !lone_first {
        let mut from = start.saturating_sub(48);
        while !text.is_char_boundary(from) {
            from -= 1;
        }
        let before = lower_into(buf, &text[from..start], false).trim_end();
        let bare =
            ["the", "a", "an"].iter().find_map(|a| before.strip_suffix(a).filter(|b| b.ends_with(char::is_whitespace))).map(str::trim_end);
        for b in [Some(before), bare].into_iter().flatten() {
            for part in word_endings(b) {
                match lx.before_contexts.get(part) {
                    None => break,
                    Some(Some(i)) => fits(*i),
                    Some(None) => {}
                }
            }
        }
    }
    first.map(|i| lx.contexts[i].kind.as_str())
}

/// The kind of a lower-case role (`roles.txt`) that ends right before token `s`.
fn preceding_role(lx: &EntityLexicon, text: &str, toks: &[Range<usize>], s: usize, buf: &mut String) -> Option<String> {
    for n in (1..=lx.max_title_words.min(s)).rev() {
        let a = s - n;
        // The role's first word may be capitalised for opening the sentence: `Chief
        // executive Gerd Niebaum`.
        if !text[toks[s - 1].end..toks[s].start].chars().all(char::is_whitespace)
            || (a..s).any(|k| k > 0 && is_capitalised(&text[toks[k].clone()]))
        {
            continue;
        }
        if let Some(kind) = lx.roles.get(lower_into(buf, &text[toks[a].start..toks[s - 1].end], false)) {
            return Some(kind.clone());
        }
    }
    None
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
        let mut seen = Seen::default();
        find(&rules.claims.entities, &mut seen, text, 0).into_iter().map(|e| (text[e.range].to_string(), e.kind)).collect()
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
    fn issue_14_kinds_and_spans() {
        assert_eq!(
            ents("Dr. A. K. Mensah of St. Clare's Hospital spoke."),
            pairs(&[("A. K. Mensah", "person"), ("St. Clare's Hospital", "organization")])
        );
        assert_eq!(ents("It was a relic of the post-Cold War era."), pairs(&[("Cold War", "title")]));
        assert_eq!(
            ents("Obama had visited Tokyo, and East Asia and Southeast Asia watched."),
            pairs(&[("Tokyo", "place"), ("East Asia", "place"), ("Southeast Asia", "place")])
        );
        assert_eq!(
            ents("It strengthened the US-Japan alliance and the Japan-US Security Treaty."),
            pairs(&[("US", "country"), ("Japan", "country"), ("Japan-US Security Treaty", "title")])
        );
        assert_eq!(
            ents("Later, Chinese officials met at the University of Tokyo."),
            pairs(&[("Chinese", "nationality"), ("University of Tokyo", "organization")])
        );
        // Headings in title case are no names; list items open with a capital.
        assert_eq!(ents("Coach Defends Youth Policy After Cup Defeat"), pairs(&[]));
        assert_eq!(ents("1. Short interruptions in Leeds."), pairs(&[("Leeds", "place")]));
    }

    #[test]
    fn short_names_and_acronyms_keep_their_kind() {
        let rules = RuleSet::builtin();
        let mut seen = Seen::default();
        let lx = &rules.claims.entities;
        let run = |seen: &mut Seen, t: &str| -> Vec<(String, String)> {
            find(lx, seen, t, 0).into_iter().map(|e| (t[e.range].to_string(), e.kind)).collect()
        };
        run(&mut seen, "President Xi Jinping presented the “New Asian Security Concept” (NASC) in May.");
        assert_eq!(run(&mut seen, "Xi’s speech on the NASC was short."), pairs(&[("Xi", "person"), ("NASC", "title")]));
        assert_eq!(
            run(&mut seen, "Akio Watanabe chaired it; later Watanabe left the Pan Ocean Fund (POF)."),
            pairs(&[("Akio Watanabe", "person"), ("Watanabe", "person"), ("Pan Ocean Fund", "organization"), ("POF", "organization")])
        );
    }

    #[test]
    fn contexts_give_kinds() {
        assert_eq!(ents("Investors bought shares in Qorvex on Monday."), pairs(&[("Qorvex", "organization")]));
        assert_eq!(ents("Later, Qorvex's former chief executive quit."), pairs(&[("Qorvex", "organization")]));
        assert_eq!(ents("Qorvex's shares fell."), pairs(&[("Qorvex", "organization")]));
        // A lone first word takes a kind only from a possessive context.
        assert_eq!(ents("Oil shares fell."), pairs(&[]));
        assert_eq!(ents("They met Tarvo, who had left."), pairs(&[("Tarvo", "person")]));
        assert_eq!(ents("The firm is based in Kestrow."), pairs(&[("Kestrow", "place")]));
    }

    #[test]
    fn possessives_ampersands_and_titles_inside_runs() {
        assert_eq!(ents("They visited Sweden's Saab factory."), pairs(&[("Sweden", "country"), ("Saab", "organization")]));
        assert_eq!(ents("Later, Marsh & McLennan grew."), pairs(&[("Marsh & McLennan", "organization")]));
        assert_eq!(
            ents("Later, the Securities and Exchange Commission ruled."),
            pairs(&[("Securities and Exchange Commission", "organization")])
        );
        assert_eq!(
            ents("Later, US Treasury Secretary John Snow spoke."),
            pairs(&[("US Treasury", "organization"), ("John Snow", "person")])
        );
        assert_eq!(ents("Mr Chidambaram spoke."), pairs(&[("Chidambaram", "person")]));
        assert_eq!(ents("Later, General Motors said so."), pairs(&[("General Motors", "organization")]));
        assert_eq!(ents("The London-based group grew."), pairs(&[("London", "place")]));
        assert_eq!(ents("Secretary of State George Shultz spoke."), pairs(&[("George Shultz", "person")]));
        assert_eq!(ents("HALE: We will cut taxes."), pairs(&[("HALE", "person")]));
        assert_eq!(ents("MODERATOR: Next question."), pairs(&[]));
    }

    #[test]
    fn learning_reaches_earlier_mentions() {
        let rules = RuleSet::builtin();
        let lx = &rules.claims.entities;
        let text = ["Later, Vantorra shares rose.", "It said Vantorra Motors would grow.", "Critics said Vantorra erred."];
        let mut seen = Seen::default();
        seen.learn(lx, text);
        let got: Vec<(String, String)> =
            find(lx, &mut seen, text[0], 0).into_iter().map(|e| (text[0][e.range].to_string(), e.kind)).collect();
        assert_eq!(got, pairs(&[("Vantorra", "organization")]));
        let got: Vec<(String, String)> =
            find(lx, &mut seen, text[2], 0).into_iter().map(|e| (text[2][e.range].to_string(), e.kind)).collect();
        assert_eq!(got, pairs(&[("Vantorra", "organization")]));
    }

    #[test]
    fn one_reading_finds_what_a_second_would() {
        let rules = RuleSet::builtin();
        let lx = &rules.claims.entities;
        let parts = [
            "Shares of Vantorra rose.",
            "Critics said Lind erred.",
            "The Vantorra Motors chief spoke.",
            "Kelbrook Capital (KC) agreed.",
            "President Ana Lind met KC staff.",
            "Lind said Vantorra would grow.",
        ];
        let clean = parts.join(" ");
        let mut sentences = Vec::new();
        for p in parts {
            let start = clean.find(p).unwrap();
            sentences.push(Sentence { range: start..start + p.len(), block: 0 });
        }
        let mut once = Seen::for_document(lx, &[], &clean, &sentences);
        // some readings asked a kind that a later sentence taught, so they are read again;
        // the others are kept
        let stale = |seen: &Seen, r: &Reading| r.asked.iter().any(|(n, k)| seen.kind(n) != k.as_deref());
        assert!(once.readings.iter().any(|r| stale(&once, r)));
        assert!(once.readings.iter().any(|r| !r.asked.is_empty() && !stale(&once, r)));
        // a Seen that only learned keeps no readings: every sentence is read a second time
        let mut twice = Seen::default();
        twice.learn(lx, parts);
        for s in &sentences {
            let text = &clean[s.range.clone()];
            let a = find(lx, &mut once, text, s.range.start);
            assert_eq!(a, find(lx, &mut twice, text, s.range.start), "{text}");
            assert!(!a.is_empty(), "{text}");
        }
    }

    #[test]
    fn remembers_people() {
        let rules = RuleSet::builtin();
        let mut seen = Seen::default();
        let lx = &rules.claims.entities;
        find(lx, &mut seen, "President Obama had visited Tokyo.", 0);
        let got: Vec<(String, String)> = find(lx, &mut seen, "Critics said Obama’s plan failed.", 0)
            .into_iter()
            .map(|e| ("Critics said Obama’s plan failed."[e.range].to_string(), e.kind))
            .collect();
        assert_eq!(got, pairs(&[("Obama", "person")]));
    }
}
