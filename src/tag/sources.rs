//! Sources: reading the noun phrase beside a cue, and resolving it (SPEC §3 `source_kind`,
//! `source_resolved`).
//!
//! Reading: a sentence is cut into word and punctuation tokens; a source is read leftwards
//! from a cue (`the Japanese foreign minister ← questioned`) or rightwards after it
//! (`said → Josh Earnest`) until punctuation or a boundary word of
//! `lexicons/source_boundaries.txt`, at most [`MAX_SOURCE_WORDS`] words. An appositive
//! between commas (`Smith, a spokesman for the agency, said`) is read through.
//!
//! Resolving, in this order: a pronoun goes to the most recent compatible mention in the
//! current sentence and the [`RESOLVE_WINDOW`] sentences before it (a person for `he`/`she`,
//! an organisation, country or document for `it`, anything for `they`); a possessor of a
//! speech or document stands for it (`Xi’s speech` → `Xi`); countries and organisations
//! take their canonical names from the lexicons; a short name takes the longest full form
//! the document gives (`Obama` → `Barack Obama` only when the document says so), the most
//! recent before the source when several fit; a role keeps its words without the article
//! (`the Japanese foreign minister` → `Japanese foreign minister`); anonymous sources
//! resolve to nothing. Every step is written to the reasoning kept for `explain`.

use std::collections::HashMap;
use std::ops::Range;

use super::Context;
use crate::rules::sources::{Boundary, Lower, Refers, SourceLexicons};
use crate::segment::BlockKind;

/// Most words a source read beside a cue may have.
pub const MAX_SOURCE_WORDS: usize = 12;
/// How many sentences before the current one pronoun resolution looks at.
pub const RESOLVE_WINDOW: usize = 4;

/// A token: a word or one punctuation character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tok {
    /// Byte range in the clean text.
    pub range: Range<usize>,
    /// Whether it is a word.
    pub word: bool,
}

/// Cut `text[range]` into tokens. Words run through inner `’ ' - . &` followed by a letter
/// or digit; an abbreviation keeps its final period when the sentence goes on after it.
pub fn tokenize(text: &str, range: Range<usize>) -> Vec<Tok> {
    let mut out = Vec::new();
    tokenize_into(text, range, &mut out);
    out
}

/// [`tokenize`] into `out` (cleared first), so a caller cutting sentence after sentence
/// reuses one buffer.
pub fn tokenize_into(text: &str, range: Range<usize>, out: &mut Vec<Tok>) {
    out.clear();
    let s = &text[range.clone()];
    let tok = |r: Range<usize>, word: bool| Tok { range: range.start + r.start..range.start + r.end, word };
    let mut i = 0;
    while i < s.len() {
        let c = char_at(s, i);
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        if !c.is_alphanumeric() {
            out.push(tok(i..i + c.len_utf8(), false));
            i += c.len_utf8();
            continue;
        }
        // `end` is always where the next character not yet read begins
        let mut end = i + c.len_utf8();
        while end < s.len() {
            if s.as_bytes()[end].is_ascii_alphanumeric() {
                end += 1;
                continue;
            }
            let d = char_at(s, end);
            if d.is_alphanumeric() {
                end += d.len_utf8();
                continue;
            }
            // a share: `42%`
            if d == '%' && s.as_bytes()[end - 1].is_ascii_digit() {
                end += 1;
                continue;
            }
            if matches!(d, '’' | '\'' | '-' | '.' | '&') {
                let next = end + d.len_utf8();
                if next < s.len() && char_at(s, next).is_alphanumeric() {
                    end = next;
                    continue;
                }
                if d == '.' {
                    let w = &s[i..end];
                    let abbrev = w.contains('.') || (w.chars().next().is_some_and(char::is_uppercase) && w.chars().count() <= 4);
                    let goes_on = s[end + 1..].chars().any(char::is_alphanumeric);
                    if abbrev && goes_on {
                        end += 1;
                    }
                }
            }
            break;
        }
        out.push(tok(i..end, true));
        i = end;
    }
}

/// The character starting at byte `i` of `s` (a char boundary), read without decoding
/// when it is ASCII.
fn char_at(s: &str, i: usize) -> char {
    let b = s.as_bytes()[i];
    if b.is_ascii() { char::from(b) } else { s[i..].chars().next().unwrap_or(char::REPLACEMENT_CHARACTER) }
}

fn is_cap(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
}

/// Whether a word names people or things strongly enough to carry a relative clause
/// (`people who…`, `the report that…`).
fn is_nominal(w: &str, lex: &SourceLexicons) -> bool {
    is_cap(w) || lex.role(w).is_some() || lex.is_anonymous(w) || lex.is_document(w)
}

/// The source read leftwards from token `end` (exclusive): a token range, or `None`.
pub fn walk_left(text: &str, toks: &[Tok], end: usize, lex: &SourceLexicons) -> Option<Range<usize>> {
    let w = |i: usize| &text[toks[i].range.clone()];
    let mut i = end;
    let mut words = 0;
    while i > 0 && words < MAX_SOURCE_WORDS {
        let t = &toks[i - 1];
        if !t.word {
            // read through a parenthesis or a pair of dashes in or right after the source:
            // `Roger Wicker (R-Miss.) said`, `insiders in two states — Nevada and Ohio — said`
            let p = &text[t.range.clone()];
            let open = match p {
                ")" => Some("("),
                "—" | "–" => Some(p),
                _ => None,
            };
            if let Some(open) = open
                && let Some(k) = (i.saturating_sub(16)..i - 1).rev().find(|&k| &text[toks[k].range.clone()] == open)
                && k > 0
                && toks[k - 1].word
            {
                i = k;
                continue;
            }
            break;
        }
        match lex.boundary(w(i - 1)) {
            Some(Boundary::Stop) => break,
            Some(Boundary::Det) => {
                // `the presidents of the World Bank and the Asian Development Bank`: a
                // determiner after a joining word continues the phrase
                let joined = i >= 3
                    && toks[i - 2].word
                    && matches!(lex.boundary(w(i - 2)), Some(Boundary::Join | Boundary::Conj))
                    && toks[i - 3].word;
                if !joined {
                    i -= 1;
                    break;
                }
            }
            Some(b @ (Boundary::Join | Boundary::Conj)) => {
                // only between two words of the source; a conjunction between two names
                let left_ok = i >= 2 && toks[i - 2].word && lex.boundary(w(i - 2)) != Some(Boundary::Stop);
                let right_ok = is_cap(w(i)) || lex.boundary(w(i)) == Some(Boundary::Det);
                if i == end || !left_ok || (b == Boundary::Conj && !(right_ok && is_cap(w(i - 2)))) {
                    break;
                }
            }
            // `people who know him say`: the relative clause runs on after a noun, and its
            // verb follows the pronoun (`reporters that she …` is a complement, not a source)
            Some(Boundary::Relative)
                if i == end
                    || !(i >= 2 && toks[i - 2].word && is_nominal(w(i - 2), lex))
                    || is_cap(w(i))
                    || lex.pronoun(w(i)).is_some() =>
            {
                break;
            }
            Some(Boundary::Relative) => {}
            None => {}
        }
        i -= 1;
        words += 1;
    }
    // never start on a joining word
    while i < end && toks[i].word && matches!(lex.boundary(w(i)), Some(Boundary::Join | Boundary::Conj | Boundary::Relative)) {
        i += 1;
    }
    (i < end && has_content(text, toks, i..end, lex)).then_some(i..end)
}

/// The possessor ending at token `last` (`Xi’s`, `the senator’s`, `his`): capitalised words,
/// titles and roles, with joining words between them and a determiner at the left edge.
pub fn possessor(text: &str, toks: &[Tok], last: usize, lex: &SourceLexicons) -> Range<usize> {
    let w = |i: usize| &text[toks[i].range.clone()];
    if lex.pronoun(w(last)).is_some() {
        return last..last + 1;
    }
    let mut i = last;
    while i > 0 && toks[i - 1].word && last - i < MAX_SOURCE_WORDS {
        let word = w(i - 1);
        match lex.boundary(word) {
            Some(Boundary::Det) => {
                i -= 1;
                break;
            }
            Some(Boundary::Join) if i >= 2 && toks[i - 2].word && is_cap(w(i - 2)) && is_cap(w(i)) => {}
            Some(_) => break,
            None if is_cap(word) || lex.role(word).is_some() || lex.is_anonymous(word) => {}
            None => break,
        }
        i -= 1;
    }
    i..last + 1
}

/// The source read rightwards from token `start`: a token range, or `None`.
pub fn walk_right(text: &str, toks: &[Tok], start: usize, lex: &SourceLexicons) -> Option<Range<usize>> {
    let w = |i: usize| &text[toks[i].range.clone()];
    let mut i = start;
    while i < toks.len() && i - start < MAX_SOURCE_WORDS {
        if !toks[i].word {
            break;
        }
        match lex.boundary(w(i)) {
            Some(Boundary::Stop | Boundary::Relative) => break,
            Some(b @ (Boundary::Join | Boundary::Conj)) => {
                let ok = i > start && i + 1 < toks.len() && toks[i + 1].word && lex.boundary(w(i + 1)) != Some(Boundary::Stop);
                if !ok || (b == Boundary::Conj && !(is_cap(w(i - 1)) && is_cap(w(i + 1)))) {
                    break;
                }
            }
            // a determiner opens the phrase, or follows a joining word inside it
            // (`Stephen Vladeck of the University of Texas`)
            Some(Boundary::Det) if i > start && lex.boundary(w(i - 1)) != Some(Boundary::Join) => break,
            _ => {}
        }
        i += 1;
    }
    // never end on a joining word or a determiner
    while i > start && matches!(lex.boundary(w(i - 1)), Some(Boundary::Join | Boundary::Conj | Boundary::Det)) {
        i -= 1;
    }
    (i > start && has_content(text, toks, start..i, lex)).then_some(start..i)
}

/// Whether a token range holds a word that can name a source (not only determiners).
fn has_content(text: &str, toks: &[Tok], r: Range<usize>, lex: &SourceLexicons) -> bool {
    toks[r].iter().any(|t| t.word && lex.boundary(&text[t.range.clone()]).is_none())
}

/// The subject of the clause that starts the sentence: an opening adverbial up to the first
/// comma is passed over, then the noun phrase that follows is read (capitalised words,
/// determiners, roles, anonymous and document nouns, joined by `of`, `and`…).
pub fn subject(text: &str, toks: &[Tok], limit: usize, lex: &SourceLexicons, starter: &dyn Fn(&str) -> bool) -> Option<Range<usize>> {
    let w = |i: usize| &text[toks[i].range.clone()];
    let mut start = 0;
    let first = (0..limit).find(|&i| toks[i].word)?;
    let opens_adverbial = {
        let l = w(first);
        matches!(lex.boundary(l), Some(Boundary::Stop | Boundary::Join | Boundary::Conj))
            || l.ends_with("ly")
            || l.ends_with("ing")
            || l.ends_with("ed")
            || (starter(l)
                && lex.boundary(l) != Some(Boundary::Det)
                && lex.pronoun(l).is_none()
                && lex.role(l).is_none()
                && !lex.is_anonymous(l)
                && !lex.is_document(l))
            || !is_nominal(w(first), lex)
    };
    if opens_adverbial {
        match (0..limit.min(20)).find(|&i| !toks[i].word && &text[toks[i].range.clone()] == ",") {
            Some(c) => start = c + 1,
            // `But the court overruled and said …`: pass over a lone opening conjunction
            None if matches!(lex.boundary(w(first)), Some(Boundary::Stop | Boundary::Conj)) => start = first + 1,
            None => {}
        }
    }
    let mut i = start;
    let mut end = start;
    let mut seen_head = false;
    while i < limit && i - start < MAX_SOURCE_WORDS {
        if !toks[i].word {
            break;
        }
        let word = w(i);
        let ok = match lex.boundary(word) {
            Some(Boundary::Det) => !seen_head,
            Some(Boundary::Join | Boundary::Conj) => i > start && i + 1 < limit && toks[i + 1].word && is_nominal(w(i + 1), lex),
            Some(_) => false,
            None if is_nominal(word, lex) || lex.pronoun(word).is_some() => {
                seen_head = true;
                true
            }
            // an adjective before its head noun (`the far-right commentators`)
            None => {
                !seen_head
                    && ((i + 1 < limit && toks[i + 1].word && is_nominal(w(i + 1), lex) && !is_cap(w(i + 1)))
                        || (i + 2 < limit && toks[i + 2].word && !is_cap(w(i + 2)) && is_nominal(w(i + 2), lex)))
            }
        };
        if !ok {
            break;
        }
        i += 1;
        if !matches!(lex.boundary(word), Some(Boundary::Join | Boundary::Conj)) {
            end = i;
        }
        if lex.pronoun(word).is_some() && i == start + 1 {
            break;
        }
    }
    (end > start && has_content(text, toks, start..end, lex)).then_some(start..end)
}

/// What a source turned out to be.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resolved {
    /// person, organization, country, pronoun, anonymous, document, unknown.
    pub kind: String,
    /// Canonical name.
    pub name: Option<String>,
    /// How it was decided.
    pub reasoning: Vec<String>,
}

/// A name mentioned in the document.
#[derive(Debug, Clone)]
pub struct Mention {
    /// Clean byte offset.
    pub at: usize,
    /// Sentence index.
    pub sentence: usize,
    /// The name without titles.
    pub name: String,
    /// person, organization or country.
    pub kind: String,
}

/// The names of a document: capitalised runs without their titles, and the speakers found
/// so far. The names are read where a question needs them (many documents resolve every
/// source without them): a pronoun reads the sentences of its window, a short name the
/// index of the whole document, made at the first such question that a scan of the text
/// cannot answer.
#[derive(Debug, Default)]
pub struct Names {
    /// The mentions of the document, found once, at the first use.
    index: std::cell::OnceCell<NameIndex>,
    /// How many short names were looked for in the text before the index was made.
    searches: std::cell::Cell<usize>,
    /// The resolved sources of the attributions found so far, in document order.
    pub speakers: std::cell::RefCell<Vec<Mention>>,
}

/// The mentions of a document.
#[derive(Debug, Default)]
struct NameIndex {
    /// Mentions in document order.
    mentions: Vec<Mention>,
    /// Name word → indexes of person mentions of two or more words holding it.
    by_word: HashMap<String, Vec<usize>>,
}

impl Names {
    /// The mentions of the document (found at the first call).
    fn index(&self, ctx: &Context) -> &NameIndex {
        self.index.get_or_init(|| NameIndex::build(ctx))
    }

    /// The longest full form of a short person name: a multi-word name ending (or else
    /// starting) with it, the most recent before `at` if any.
    pub fn full_form(&self, ctx: &Context, short: &str, at: usize) -> Option<&str> {
        // a name the text never writes beside another capitalised word has no full form:
        // the first few are ruled out so without the index (each look is a scan of the text)
        if self.index.get().is_none() && self.searches.get() < NAME_SEARCHES {
            self.searches.set(self.searches.get() + 1);
            if !written_in_a_name(ctx, short) {
                return None;
            }
        }
        let index = self.index(ctx);
        let cands = index.by_word.get(short)?;
        let pick = |last: bool| {
            let fits = |&&i: &&usize| {
                let n = &index.mentions[i].name;
                n != short && if last { n.ends_with(short) } else { n.starts_with(short) }
            };
            // mention indexes are in document order: look back from `at` a bounded number
            let k = cands.partition_point(|&i| index.mentions[i].at < at);
            cands[..k].iter().rev().take(64).find(|i| fits(i)).or_else(|| cands[k..].iter().take(64).find(|i| fits(i))).copied()
        };
        pick(true).or_else(|| pick(false)).map(|i| index.mentions[i].name.as_str())
    }
}

/// How many short names a document's text is searched for before its names are indexed.
pub const NAME_SEARCHES: usize = 8;

/// Whether `short` may be a word of a person name of two or more words (what
/// [`Names::full_form`] looks for): somewhere in a sentence it follows a capitalised word
/// across spaces only, or spaces and a capitalised word follow it, and neither it nor that
/// word is an organisation or joining word. (The words of such a name are word tokens of one
/// sentence with only spaces between them; a word token ends in a letter or digit, `.` or
/// `%`.)
fn written_in_a_name(ctx: &Context, short: &str) -> bool {
    let (text, sentences, lex) = (ctx.text, &ctx.seg.sentences, &ctx.rules.sources);
    // an organisation word or a joining word makes a name an organisation; a word written
    // all in letters and digits is one token, so it is known to be one
    let not_in_a_person =
        |w: &str| w.chars().all(char::is_alphanumeric) && (lex.organization_words.contains(w) || lex.boundary(w) == Some(Boundary::Join));
    if not_in_a_person(short) {
        return false;
    }
    let finder = memchr::memmem::Finder::new(short);
    let mut from = 0;
    while !short.is_empty()
        && let Some(i) = finder.find(&text.as_bytes()[from..])
    {
        let p = from + i;
        from = p + 1;
        let si = sentences.partition_point(|s| s.range.end <= p);
        let Some(s) = sentences.get(si).filter(|s| s.range.start <= p && p + short.len() <= s.range.end) else { continue };
        let before = &text[s.range.start..p];
        let lead = before.trim_end_matches(char::is_whitespace);
        if lead.len() < before.len() && lead.ends_with(|c: char| c.is_alphanumeric() || c == '.' || c == '%') {
            let word = lead.rsplit(char::is_whitespace).next().unwrap_or(lead);
            if word.chars().any(char::is_uppercase) && !not_in_a_person(word) {
                return true;
            }
        }
        let after = &text[p + short.len()..s.range.end];
        let rest = after.trim_start_matches(char::is_whitespace);
        let word = rest.split(char::is_whitespace).next().unwrap_or(rest);
        if rest.len() < after.len() && rest.starts_with(char::is_uppercase) && !not_in_a_person(word) {
            return true;
        }
    }
    false
}

impl NameIndex {
    /// Find the names of a document.
    fn build(ctx: &Context) -> NameIndex {
        let mut names = NameIndex::default();
        let mut toks = Vec::new();
        for si in 0..ctx.seg.sentences.len() {
            sentence_mentions(ctx, si, &mut toks, &mut names.mentions);
        }
        for (idx, m) in names.mentions.iter().enumerate() {
            if m.kind == "person" && m.name.split_whitespace().count() >= 2 {
                for part in m.name.split_whitespace() {
                    names.by_word.entry(part.to_string()).or_default().push(idx);
                }
            }
        }
        names
    }
}

/// Push the names of sentence `si` to `out` in order (none in front matter, boilerplate or
/// an author's bio); `toks` is a scratch buffer.
fn sentence_mentions(ctx: &Context, si: usize, toks: &mut Vec<Tok>, out: &mut Vec<Mention>) {
    let lex = &ctx.rules.sources;
    let s = &ctx.seg.sentences[si];
    if matches!(ctx.seg.blocks[s.block].kind, BlockKind::FrontMatter | BlockKind::Boilerplate | BlockKind::AuthorBio) {
        return;
    }
    tokenize_into(ctx.text, s.range.clone(), toks);
    let mut i = 0;
    while i < toks.len() {
        let w = &ctx.text[toks[i].range.clone()];
        if !toks[i].word || !is_cap(w) || lex.boundary(w).is_some() || lex.pronoun(w).is_some() {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < toks.len() {
            let wj = &ctx.text[toks[j].range.clone()];
            let bj = lex.boundary(wj);
            let joins =
                bj == Some(Boundary::Join) && j + 1 < toks.len() && toks[j + 1].word && is_cap(&ctx.text[toks[j + 1].range.clone()]);
            if toks[j].word && ((is_cap(wj) && bj.is_none()) || joins) {
                j += 1;
            } else {
                break;
            }
        }
        let first = i;
        i = j;
        // drop titles and roles in front
        let mut k = first;
        'titles: while k < j {
            for n in (1..=lex.role_words.min(j - k)).rev() {
                // (`role` reads any case)
                let phrase = &ctx.text[toks[k].range.start..toks[k + n - 1].range.end];
                if lex.role(phrase).is_some() || (n == 1 && lex.honorifics.contains(&ctx.text[toks[k].range.clone()])) {
                    k += n;
                    continue 'titles;
                }
            }
            break;
        }
        if k == j {
            continue;
        }
        let mut name = ctx.text[toks[k].range.start..toks[j - 1].range.end].to_string();
        if let Some(n) = name.strip_suffix("’s").or_else(|| name.strip_suffix("'s")) {
            name = n.to_string();
        }
        if first == 0 && j - k == 1 && ctx.rules.segment.is_starter(&name) {
            continue;
        }
        if ctx.rules.segment.months.contains_key(Lower::new(&name).as_str()) {
            continue;
        }
        let kind = name_kind(&name, lex);
        out.push(Mention { at: toks[k].range.start, sentence: si, name, kind: kind.to_string() });
    }
}

/// person, organization or country for a capitalised name.
/// A run that is an acronym, holds a joining word (`Declaration on Security`) or has more
/// than three words is taken for an organisation or a thing, not a person.
fn name_kind(name: &str, lex: &SourceLexicons) -> &'static str {
    let words = name.split_whitespace().count();
    let acronym = words == 1 && name.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase) && (2..=5).contains(&name.len());
    if lex.countries.contains_key(name) {
        "country"
    } else if lex.organizations.contains_key(name)
        || name.split_whitespace().any(|w| lex.organization_words.contains(w) || lex.boundary(w) == Some(Boundary::Join))
        || acronym
        || words > 3
    {
        "organization"
    } else {
        "person"
    }
}

/// Resolve the source at clean range `r` in sentence `si`.
pub fn resolve(ctx: &Context, names: &Names, r: Range<usize>, si: usize) -> Resolved {
    let lex = &ctx.rules.sources;
    // an appositive or aside (`Ann Ray, R-Ky.`, `Reed (D-R.I.)`, `insiders — in Ohio —`)
    // does not decide: the head before it does
    let r = match ctx.text[r.clone()].find([',', '(', '—', '–']) {
        Some(i) if i > 0 => r.start..r.start + i,
        _ => r,
    };
    let text = ctx.text[r.clone()].trim();
    let toks = tokenize(ctx.text, r.clone());
    let words: Vec<&str> = toks.iter().filter(|t| t.word).map(|t| &ctx.text[t.range.clone()]).collect();
    let mut out = Resolved::default();
    let Some(&head) = words.last() else {
        out.kind = "unknown".into();
        return out;
    };
    let lower = text.to_lowercase();
    // a pronoun
    if words.len() == 1
        && let Some(&refers) = lex.pronouns.get(&lower)
    {
        out.kind = "pronoun".into();
        out.name = resolve_pronoun(ctx, names, refers, r.start, si);
        out.reasoning.push(match &out.name {
            Some(n) => format!("pronoun `{text}` → most recent compatible mention `{n}` (window {RESOLVE_WINDOW} sentences)"),
            None => format!("pronoun `{text}`: no compatible mention in the window"),
        });
        return out;
    }
    // `a report by the central bank`: the head before a joining word decides
    if let Some(j) = words.iter().position(|w| lex.boundary(w) == Some(Boundary::Join))
        && j > 0
        && lex.is_document(words[j - 1])
        && !is_cap(words[j - 1])
        && !words[..j].iter().any(|w| w.ends_with("’s") || w.ends_with("'s"))
    {
        out.kind = "document".into();
        out.name = Some(strip_det(text, lex));
        out.reasoning.push(format!("`{}` names a document or utterance", words[j - 1]));
        return out;
    }
    // a possessor standing for its speech or document
    if words.len() >= 2 && lex.is_document(head) && !is_cap(head) {
        if let Some(pi) = words.iter().rposition(|w| w.ends_with("’s") || w.ends_with("'s") || lex.pronoun(w).is_some()) {
            let pt = toks.iter().filter(|t| t.word).nth(pi).expect("word index").range.clone();
            let possessor = r.start..pt.end;
            let trimmed = possessor.start
                ..(pt.end
                    - if words[pi].ends_with("’s") {
                        "’s".len()
                    } else if words[pi].ends_with("'s") {
                        2
                    } else {
                        0
                    });
            let mut inner = resolve(ctx, names, trimmed.clone(), si);
            inner.reasoning.insert(0, format!("`{text}`: the possessor `{}` is the source behind the {head}", ctx.text[trimmed].trim()));
            if inner.kind == "pronoun" {
                inner.kind = "pronoun".into();
            }
            return inner;
        }
        out.kind = "document".into();
        out.name = Some(strip_det(text, lex));
        out.reasoning.push(format!("`{head}` names a document or utterance"));
        return out;
    }
    let bare = strip_det(text, lex);
    if let Some(c) = lex.countries.get(&bare) {
        out.kind = "country".into();
        out.name = Some(c.clone());
        out.reasoning.push(format!("`{bare}` is a country form of {c}"));
        return out;
    }
    if let Some(o) = lex.organizations.get(&bare) {
        out.kind = "organization".into();
        out.name = Some(o.clone());
        out.reasoning.push(format!("`{bare}` is an organisation form of {o}"));
        return out;
    }
    let has_name = words.iter().skip(1).any(|w| is_cap(w) && lex.role(w).is_none() && !lex.countries.contains_key(*w));
    let unnamed_group = !words.iter().any(|w| is_cap(w)) && head.ends_with('s') && !head.ends_with("ss") && lex.role(head).is_none();
    if (lex.is_anonymous(&lower) || lex.is_anonymous(&bare) || lex.is_anonymous(head) || unnamed_group) && !has_name {
        out.kind = "anonymous".into();
        out.reasoning.push(format!("`{head}` names no one (anonymous source)"));
        return out;
    }
    // the head phrase: the words before a joining word (`chief executive of Northline Rail`)
    let head_end = words.iter().position(|w| lex.boundary(w) == Some(Boundary::Join)).filter(|&j| j > 0).unwrap_or(words.len());
    let hw = &words[..head_end];
    let role_at = |i: usize| {
        let two = if i >= 1 { format!("{} {}", hw[i - 1], hw[i]) } else { String::new() };
        lex.role(&two).or_else(|| lex.role(hw[i]))
    };
    let last = hw.len() - 1;
    if let Some(k) = role_at(last).filter(|_| !is_cap(hw[last]) || hw.len() == 1 || !is_cap(hw[last - 1]) || lex.role(hw[last]).is_some()) {
        out.kind = k.to_string();
        out.name = Some(bare.clone());
        out.reasoning.push(format!("role `{bare}`"));
        return out;
    }
    let role = (0..hw.len()).rev().find_map(role_at);
    let is_name_word = |w: &&str| is_cap(w) && !lex.honorifics.contains(*w) && lex.role(w).is_none() && lex.boundary(w).is_none();
    let tail = hw.iter().rev().take_while(|w| is_name_word(w)).count();
    if tail > 0 && (role.is_some() || !hw[hw.len() - tail..].iter().any(|w| lex.organization_words.contains(*w))) {
        let name = hw[hw.len() - tail..].join(" ");
        let name = name.trim_end_matches("’s").trim_end_matches("'s").to_string();
        if let Some(c) = lex.countries.get(&name) {
            out.kind = "country".into();
            out.name = Some(c.clone());
            out.reasoning.push(format!("`{name}` is a country form of {c}"));
            return out;
        }
        out.kind = role.unwrap_or(name_kind(&name, lex)).to_string();
        let full = if tail == 1 { names.full_form(ctx, &name, r.start) } else { None };
        out.reasoning.push(match full {
            Some(f) => format!("short name `{name}` → `{f}`, its longest form in the document"),
            None => format!("name `{name}`"),
        });
        out.name = Some(full.unwrap_or(&name).to_string());
        return out;
    }
    if words.iter().any(|w| lex.organization_words.contains(*w)) {
        out.kind = "organization".into();
        out.name = Some(bare.clone());
        out.reasoning.push(format!("`{bare}` holds an organisation word"));
        return out;
    }
    if let Some(k) = role {
        out.kind = k.to_string();
        out.name = Some(bare.clone());
        out.reasoning.push(format!("role `{bare}`"));
        return out;
    }
    // a demonym or country adjective alone (`Chinese appeals`)
    if words.len() == 1
        && let Some(c) = lex.countries.get(head)
    {
        out.kind = "country".into();
        out.name = Some(c.clone());
        out.reasoning.push(format!("`{head}` is a country form of {c}"));
        return out;
    }
    out.kind = "unknown".into();
    out.name = Some(bare);
    out
}

fn strip_det(text: &str, lex: &SourceLexicons) -> String {
    let t = text.trim();
    match t.split_once(' ') {
        Some((first, rest)) if lex.boundary(first) == Some(Boundary::Det) => rest.to_string(),
        _ => t.to_string(),
    }
}

/// What a pronoun refers to: the source of the most recent attribution in the window
/// (speakers are what reports keep referring back to), else the most recent compatible
/// name mentioned before it, in sentence `si` or the window before it.
fn resolve_pronoun(ctx: &Context, names: &Names, refers: Refers, at: usize, si: usize) -> Option<String> {
    let ok = |m: &Mention| match refers {
        Refers::Person => m.kind == "person",
        Refers::Thing => m.kind != "person",
        Refers::Any => true,
        Refers::SelfRef | Refers::Other => false,
    };
    let lo = si.saturating_sub(RESOLVE_WINDOW);
    let speakers = names.speakers.borrow();
    let end = speakers.partition_point(|m| m.at < at);
    if let Some(m) = speakers[..end].iter().rev().take_while(|m| m.sentence >= lo).find(|m| ok(m)) {
        return Some(m.name.clone());
    }
    // the names of the window: from the index when the document has one, else read from
    // the sentences from `lo` on that begin before `at`
    let read;
    let mentions = match names.index.get() {
        Some(index) => &index.mentions[..],
        None => {
            let hi = ctx.seg.sentences.partition_point(|s| s.range.start < at);
            let (mut toks, mut window) = (Vec::new(), Vec::new());
            for sj in lo..hi {
                sentence_mentions(ctx, sj, &mut toks, &mut window);
            }
            read = window;
            &read[..]
        }
    };
    let end = mentions.partition_point(|m| m.at < at);
    mentions[..end].iter().rev().take_while(|m| m.sentence >= lo).find(|m| ok(m)).map(|m| m.name.clone())
}
