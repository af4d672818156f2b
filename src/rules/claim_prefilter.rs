//! A literal prefilter for a list of claim patterns: one Aho-Corasick scan of a text tells
//! which patterns can match it, so only those run.
//!
//! For each pattern, strings one of which every match must contain are read off its syntax
//! tree (`(?i)\b(?:because|due to)` → `because`, `due to`; `\w+er\s+than` → `than`; a
//! case-insensitive letter is its lower-case form). A pattern with no such strings (`\d+`,
//! `.*`: large classes are not expanded) always runs. The prefilter only ever over-approximates: a pattern it passes
//! is then run for real.
//!
//! What a pattern puts right around its strings is kept too, when it is a word boundary or
//! a character that is no ASCII word character (`\b(?:as|so)\s+`): a string found inside a
//! word (`has`, `also`) then does not pass the pattern. The last character of a repetition
//! leads what follows it (`[0-9]+(?:st|nd)` needs `1st`…`9nd`, not any digit).

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// Most prefix literals one pattern may have before it is run unfiltered.
const MAX_LITERALS: usize = 512;
/// Most characters a class may have to be expanded into literals.
const MAX_CLASS: usize = 10;
/// Longest literal kept (longer ones are cut: still a valid prefix).
const MAX_LEN: usize = 24;

/// What the prefilter says about one pattern and one text.
pub type Verdict = u8;
/// The pattern cannot match.
pub const NO: Verdict = 0;
/// The pattern may match: run it.
pub const MAYBE: Verdict = 1;
/// The pattern matches (a word list whose word was found between word boundaries).
pub const YES: Verdict = 2;

/// One automaton match in a scanned text: which literal, where. A text's hits are kept so
/// that the verdicts for any part of it ([`Prefilter::verdicts`]) and the extra literals'
/// matches (the cue lexicon's) come from one scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// Start byte.
    pub start: usize,
    /// End byte.
    pub end: usize,
    /// Automaton literal.
    literal: usize,
    /// Whether the scanned text has a word boundary at `start` (and `start` is on a
    /// character boundary); known for the literals of word-list patterns only.
    left: bool,
    /// The same at `end`.
    right: bool,
    /// Whether the byte before `start` is no ASCII word byte (or there is none).
    ascii_left: bool,
    /// Whether the byte at `end` is no ASCII word byte (or there is none).
    ascii_right: bool,
}

/// The prefilter of one list of patterns.
#[derive(Debug, Clone, Default)]
pub struct Prefilter {
    ac: Option<AhoCorasick>,
    /// Patterns (indexes in the list) of each automaton literal, with what the pattern needs
    /// around it ([`NEED_LEFT`], [`NEED_RIGHT`]).
    owners: Vec<Vec<(usize, u8)>>,
    /// The extra string (index in the list given to [`Prefilter::with_extra`]) each
    /// automaton literal also is, if any.
    extra: Vec<Option<usize>>,
    /// Patterns that always run.
    always: Vec<usize>,
    /// Patterns that are case-insensitive word lists (`(?i)\b(?:a|b c)\b`): a literal
    /// found between word boundaries is a match.
    words: Vec<bool>,
    /// Automaton literals some word list owns (their hits need word boundaries).
    word_literal: Vec<bool>,
    /// Number of patterns.
    len: usize,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// A literal's pattern needs no ASCII word byte right before it.
const NEED_LEFT: u8 = 1;
/// A literal's pattern needs no ASCII word byte right after it.
const NEED_RIGHT: u8 = 2;

/// What a pattern puts right before or after a literal it requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edge {
    /// Anything.
    Any,
    /// A word boundary (so no ASCII word byte there, when the literal's edge is one).
    Boundary,
    /// A character of a class with no ASCII word character (`\s`, `[;:]`).
    NonWord,
}

/// Literals one of which every match contains, with what the pattern puts around them.
#[derive(Debug, Clone)]
struct Need {
    lits: Vec<String>,
    left: Edge,
    right: Edge,
}

impl Need {
    fn plain(lits: Vec<String>) -> Need {
        Need { lits, left: Edge::Any, right: Edge::Any }
    }

    /// [`NEED_LEFT`] and [`NEED_RIGHT`] for the literal `lit` of this need.
    fn bits(&self, lit: &str) -> u8 {
        let word = |b: Option<&u8>| b.is_some_and(|&b| is_ascii_word_byte(b));
        let mut bits = 0;
        if self.left == Edge::NonWord || (self.left == Edge::Boundary && word(lit.as_bytes().first())) {
            bits |= NEED_LEFT;
        }
        if self.right == Edge::NonWord || (self.right == Edge::Boundary && word(lit.as_bytes().last())) {
            bits |= NEED_RIGHT;
        }
        bits
    }
}

fn is_ascii_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

impl Prefilter {
    /// Build from the patterns (as compiled, lexicons expanded).
    pub fn new<'a>(patterns: impl Iterator<Item = &'a str>) -> Prefilter {
        Prefilter::with_extra(patterns, &[])
    }

    /// Build from the patterns, with `extra` strings found by the same scan (matched as the
    /// automaton matches: ASCII case ignored); [`Prefilter::extra_hits`] gives their matches.
    pub fn with_extra<'a>(patterns: impl Iterator<Item = &'a str>, extra: &[&str]) -> Prefilter {
        let mut lits: Vec<String> = Vec::new();
        let mut owners: Vec<Vec<(usize, u8)>> = Vec::new();
        let mut index = std::collections::HashMap::new();
        let mut always = Vec::new();
        let mut words = Vec::new();
        for (i, p) in patterns.enumerate() {
            // One parse serves both readings.
            let hir = regex_syntax::ParserBuilder::new().build().parse(p).ok();
            let word_list = hir.as_ref().filter(|_| p.starts_with("(?i)")).and_then(word_list_of);
            words.push(word_list.is_some());
            match word_list.map(Need::plain).or_else(|| hir.as_ref().and_then(need_of)) {
                Some(need) => {
                    for l in &need.lits {
                        let bits = need.bits(l);
                        let at = *index.entry(l.clone()).or_insert_with(|| {
                            lits.push(l.clone());
                            owners.push(Vec::new());
                            owners.len() - 1
                        });
                        if owners[at].last().map(|o| o.0) != Some(i) {
                            owners[at].push((i, bits));
                        }
                    }
                }
                None => always.push(i),
            }
        }
        let len = words.len();
        // An extra string and a literal the automaton cannot tell apart (ASCII case aside)
        // share one automaton literal.
        let mut folded: std::collections::HashMap<String, usize> =
            lits.iter().enumerate().map(|(i, l)| (l.to_ascii_lowercase(), i)).rev().collect();
        let mut extra_of = vec![None; lits.len()];
        for (k, e) in extra.iter().enumerate() {
            let at = *folded.entry(e.to_ascii_lowercase()).or_insert_with(|| {
                lits.push(e.to_string());
                owners.push(Vec::new());
                extra_of.push(None);
                lits.len() - 1
            });
            if extra_of[at].is_none() {
                extra_of[at] = Some(k);
            }
        }
        let ac = if lits.is_empty() {
            None
        } else {
            // A contiguous NFA, not a DFA: with about 2,400 literals the DFA takes 4.7 MB,
            // the NFA 0.3 MB, and the scan of every sentence is bound by cache misses, not
            // by the instructions the DFA saves (about 8% less time for the whole extraction).
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .kind(Some(AhoCorasickKind::ContiguousNFA))
                .build(&lits)
                .or_else(|_| AhoCorasickBuilder::new().ascii_case_insensitive(true).build(&lits))
                .ok()
        };
        if ac.is_none() && !lits.is_empty() {
            // Cannot happen with these sizes; fall back to running everything.
            return Prefilter {
                ac: None,
                owners: Vec::new(),
                extra: Vec::new(),
                always: (0..len).collect(),
                words: vec![false; len],
                word_literal: Vec::new(),
                len,
            };
        }
        let word_literal = owners.iter().map(|o| o.iter().any(|&(i, _)| words[i])).collect();
        Prefilter { ac, owners, extra: extra_of, always, words, word_literal, len }
    }

    /// What may match `text`, per pattern: [`NO`], [`MAYBE`] or [`YES`].
    pub fn candidates(&self, text: &str) -> Vec<Verdict> {
        let mut hits = Vec::new();
        self.scan(text, &mut hits);
        let mut seen = Vec::new();
        self.verdicts(text, &hits, 0..text.len(), &mut seen);
        seen
    }

    /// Every automaton match in `text` (overlapping ones too), into `hits`.
    pub fn scan(&self, text: &str, hits: &mut Vec<Hit>) {
        hits.clear();
        if let Some(ac) = &self.ac {
            hits.extend(ac.find_overlapping_iter(text).map(|m| {
                let (start, end, literal) = (m.start(), m.end(), m.pattern().as_usize());
                let bytes = text.as_bytes();
                let ascii_left = start == 0 || !is_ascii_word_byte(bytes[start - 1]);
                let ascii_right = end == bytes.len() || !is_ascii_word_byte(bytes[end]);
                let (left, right) = if self.word_literal[literal] {
                    (
                        text.is_char_boundary(start) && !text[..start].chars().next_back().is_some_and(is_word_char),
                        text.is_char_boundary(end) && !text[end..].chars().next().is_some_and(is_word_char),
                    )
                } else {
                    (false, false)
                };
                Hit { start, end, literal, left, right, ascii_left, ascii_right }
            }));
        }
    }

    /// The verdicts ([`Prefilter::candidates`]) for the part `part` of `text`, whose
    /// [`Prefilter::scan`] gave `hits`, into `seen`: as if `&text[part]` had been scanned
    /// (the hits inside it, with its ends as word boundaries).
    pub fn verdicts(&self, text: &str, hits: &[Hit], part: std::ops::Range<usize>, seen: &mut Vec<Verdict>) {
        seen.clear();
        seen.resize(self.len, NO);
        for &i in &self.always {
            seen[i] = MAYBE;
        }
        debug_assert!(text.is_char_boundary(part.start) && text.is_char_boundary(part.end));
        for h in hits.iter().filter(|h| part.start <= h.start && h.end <= part.end) {
            // The part's ends are word boundaries; inside it, the text's boundaries hold.
            let bounded = (h.left || h.start == part.start) && (h.right || h.end == part.end);
            // What a pattern needs around the literal (no word byte), with the part's ends free.
            let left = h.ascii_left || h.start == part.start;
            let right = h.ascii_right || h.end == part.end;
            for &(i, need) in &self.owners[h.literal] {
                if !self.words[i] {
                    if (left || need & NEED_LEFT == 0) && (right || need & NEED_RIGHT == 0) {
                        seen[i] = seen[i].max(MAYBE);
                    }
                } else if bounded {
                    seen[i] = YES;
                }
            }
        }
    }

    /// The matches of the extra strings among `hits`: (start, end, index in the list given
    /// to [`Prefilter::with_extra`]), in automaton order.
    pub fn extra_hits<'h>(&'h self, hits: &'h [Hit]) -> impl Iterator<Item = (usize, usize, usize)> + 'h {
        hits.iter().filter_map(|h| self.extra.get(h.literal).copied().flatten().map(|k| (h.start, h.end, k)))
    }

    /// How many patterns always run (no literal could be found).
    pub fn unfiltered(&self) -> usize {
        self.always.len()
    }
}

/// The words of a case-insensitive word-list pattern, `(?i)\b(?:w1|w2 w3|…)\b`, lower-cased.
pub fn word_list(pattern: &str) -> Option<Vec<String>> {
    pattern.strip_prefix("(?i)")?;
    word_list_of(&regex_syntax::ParserBuilder::new().build().parse(pattern).ok()?)
}

/// [`word_list`] of a pattern that starts with `(?i)`, parsed.
fn word_list_of(hir: &Hir) -> Option<Vec<String>> {
    let HirKind::Concat(items) = hir.kind() else { return None };
    let boundary = |h: &Hir| matches!(h.kind(), HirKind::Look(Look::WordUnicode | Look::WordAscii));
    let n = items.len();
    if n < 3 || !boundary(&items[0]) || !boundary(&items[n - 1]) {
        return None;
    }
    let set = exact(&Hir::concat(items[1..n - 1].to_vec()))?;
    let word_edges =
        set.iter().all(|w| !w.is_empty() && w.chars().next().is_some_and(is_word_char) && w.chars().next_back().is_some_and(is_word_char));
    (word_edges && set.len() <= MAX_LITERALS).then_some(set)
}

/// The union of `f` over the branches of an alternation, sorted, or `None` when a branch
/// has none or the union grows past [`MAX_LITERALS`].
fn union(alts: &[Hir], f: fn(&Hir) -> Option<Vec<String>>) -> Option<Vec<String>> {
    let mut all = Vec::new();
    for a in alts {
        all.extend(f(a)?);
        if all.len() > MAX_LITERALS {
            return None;
        }
    }
    all.sort();
    all.dedup();
    Some(all)
}

/// Lower-cased literals one of which every match of `pattern` contains, or `None`.
pub fn literals(pattern: &str) -> Option<Vec<String>> {
    need_of(&regex_syntax::ParserBuilder::new().build().parse(pattern).ok()?).map(|n| n.lits)
}

/// [`literals`] of a parsed pattern, with what the pattern puts around them.
fn need_of(hir: &Hir) -> Option<Need> {
    let need = required_need(hir)?;
    let set = &need.lits;
    if set.is_empty() || set.iter().any(String::is_empty) || set.len() > MAX_LITERALS {
        return None;
    }
    Some(need)
}

/// The exact strings `h` matches, lower-cased, when they are few (`None` otherwise).
fn exact(h: &Hir) -> Option<Vec<String>> {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => Some(vec![String::new()]),
        HirKind::Literal(l) => Some(vec![String::from_utf8_lossy(&l.0).to_lowercase()]),
        HirKind::Class(c) => class_chars(c),
        HirKind::Capture(c) => exact(&c.sub),
        HirKind::Repetition(r) if r.min == 1 && r.max == Some(1) => exact(&r.sub),
        HirKind::Repetition(r) if r.min == 0 && r.max == Some(1) => {
            let mut e = exact(&r.sub)?;
            e.push(String::new());
            Some(e)
        }
        HirKind::Repetition(_) => None,
        HirKind::Alternation(alts) => union(alts, exact),
        HirKind::Concat(items) => {
            let mut acc = vec![String::new()];
            for item in items {
                acc = product(&acc, &exact(item)?)?;
            }
            Some(acc)
        }
    }
}

fn product(a: &[String], b: &[String]) -> Option<Vec<String>> {
    if a.len() * b.len() > MAX_LITERALS {
        return None;
    }
    let mut out: Vec<String> = a.iter().flat_map(|x| b.iter().map(move |y| format!("{x}{y}"))).collect();
    out.sort();
    out.dedup();
    Some(out)
}

/// The lower-cased characters of a small class.
fn class_chars(c: &Class) -> Option<Vec<String>> {
    let mut chars: Vec<String> = Vec::new();
    match c {
        Class::Unicode(u) => {
            for r in u.iter() {
                if (r.end() as u32 - r.start() as u32) as usize + 1 + chars.len() > MAX_CLASS * 2 {
                    return None;
                }
                for cp in r.start() as u32..=r.end() as u32 {
                    chars.push(char::from_u32(cp)?.to_lowercase().collect());
                }
            }
        }
        Class::Bytes(b) => {
            for r in b.iter() {
                if (r.end() - r.start()) as usize + 1 + chars.len() > MAX_CLASS * 2 {
                    return None;
                }
                for x in r.start()..=r.end() {
                    if !x.is_ascii() {
                        return None;
                    }
                    chars.push((x as char).to_ascii_lowercase().to_string());
                }
            }
        }
    }
    // Case folding adds non-ASCII look-alikes of ASCII letters (the long s, the Kelvin
    // sign); the automaton folds ASCII case itself, so keep the letters only.
    if chars.iter().any(|c| c.len() == 1 && c.as_bytes()[0].is_ascii_alphabetic()) {
        chars.retain(|c| c.is_ascii());
    }
    chars.sort();
    chars.dedup();
    if chars.len() > MAX_CLASS { None } else { Some(chars) }
}

/// Strings one of which every match of `h` contains: for a sequence, the best run of
/// consecutive exact items (longest shortest string); for alternatives, the union of theirs.
fn required(h: &Hir) -> Option<Vec<String>> {
    required_need(h).map(|n| n.lits)
}

/// How selective a set is: its shortest string's length, except that one or two letters
/// (`he`, `th`) occur in nearly every sentence and count as one.
fn score(s: &[String]) -> usize {
    s.iter()
        .map(|x| {
            let n = x.chars().count();
            if (1..=2).contains(&n) && x.chars().all(char::is_alphabetic) { 1 } else { n }
        })
        .min()
        .unwrap_or(0)
}

/// Whether `h` is a word boundary (`\b`).
fn is_boundary(h: &Hir) -> bool {
    matches!(h.kind(), HirKind::Look(Look::WordAscii | Look::WordUnicode))
}

/// Whether every match of `h` is one or more characters none of which is an ASCII word
/// character (`\s+`, `[;:]`).
fn is_non_word(h: &Hir) -> bool {
    let word =
        |lo: u32, hi: u32| [(b'0', b'9'), (b'A', b'Z'), (b'a', b'z'), (b'_', b'_')].iter().any(|&(a, b)| lo <= b as u32 && a as u32 <= hi);
    match h.kind() {
        HirKind::Class(Class::Unicode(u)) => !u.iter().any(|r| word(r.start() as u32, r.end() as u32)),
        HirKind::Class(Class::Bytes(b)) => !b.iter().any(|r| word(r.start() as u32, r.end() as u32)),
        HirKind::Capture(c) => is_non_word(&c.sub),
        HirKind::Repetition(r) => r.min >= 1 && is_non_word(&r.sub),
        _ => false,
    }
}

/// A run of consecutive exact items of a sequence: its strings, what comes before it, and
/// whether it ends with a word boundary (after the last item that can match something).
struct Run {
    lits: Vec<String>,
    left: Edge,
    boundary_after: bool,
}

/// [`required`], with what the pattern puts around the strings.
fn required_need(h: &Hir) -> Option<Need> {
    match h.kind() {
        HirKind::Capture(c) => required_need(&c.sub),
        HirKind::Repetition(r) if r.min >= 1 => required_need(&r.sub),
        HirKind::Alternation(alts) => union(alts, required).map(Need::plain),
        HirKind::Concat(items) => concat_need(items),
        _ => exact(h).filter(|e| !e.iter().any(String::is_empty)).map(Need::plain),
    }
}

/// [`required_need`] of a sequence: the best run of consecutive exact items.
fn concat_need(items: &[Hir]) -> Option<Need> {
    let mut best: Option<Need> = None;
    let consider = |cand: Option<Need>, best: &mut Option<Need>| {
        if let Some(c) = cand
            && score(&c.lits) > 0
            && best.as_ref().is_none_or(|b| score(&c.lits) > score(&b.lits))
        {
            *best = Some(c);
        }
    };
    // The run, closed before item `next`.
    let close = |run: Option<Run>, next: usize| {
        run.map(|r| {
            let right = if r.boundary_after {
                Edge::Boundary
            } else if items.get(next).is_some_and(is_non_word) {
                Edge::NonWord
            } else {
                Edge::Any
            };
            Need { lits: r.lits, left: r.left, right }
        })
    };
    // What comes before a run that starts at item `i`.
    let left_of = |i: usize| {
        if is_boundary(&items[i]) {
            Edge::Boundary
        } else if i > 0 && is_non_word(&items[i - 1]) {
            Edge::NonWord
        } else {
            Edge::Any
        }
    };
    let mut run: Option<Run> = None;
    for (i, item) in items.iter().enumerate() {
        match exact(item) {
            Some(e) => {
                let boundary = is_boundary(item);
                let something = e.iter().any(|x| !x.is_empty());
                run = match run.take() {
                    Some(r) => match product(&r.lits, &e) {
                        Some(lits) => {
                            // A boundary before anything is matched is the run's left edge.
                            let blank = r.lits.iter().all(String::is_empty);
                            let left = if blank && boundary { Edge::Boundary } else { r.left };
                            let boundary_after = boundary || (!something && r.boundary_after);
                            Some(Run { lits, left, boundary_after })
                        }
                        // Too many strings: the run ends here, and a new one starts
                        // (the run and the item are not contiguous without each other).
                        None => {
                            consider(close(Some(r), i), &mut best);
                            Some(Run { lits: e, left: left_of(i), boundary_after: boundary })
                        }
                    },
                    None => Some(Run { lits: e, left: left_of(i), boundary_after: boundary }),
                };
                if run.as_ref().is_some_and(|r| r.lits.iter().any(|x| x.len() >= MAX_LEN)) {
                    consider(close(run.take(), i + 1), &mut best);
                }
            }
            None => {
                // A repetition of an exact item (`[0-9]+`): its first character follows the
                // run, its last one leads the next run.
                let repeated = match item.kind() {
                    HirKind::Repetition(r) if r.min >= 1 => exact(&r.sub).filter(|e| !e.iter().any(String::is_empty)),
                    _ => None,
                };
                match repeated {
                    Some(e) => {
                        if let Some(r) = run.take() {
                            match product(&r.lits, &e) {
                                Some(lits) => consider(Some(Need { lits, left: r.left, right: Edge::Any }), &mut best),
                                None => consider(close(Some(r), i), &mut best),
                            }
                        }
                        consider(Some(Need::plain(e.clone())), &mut best);
                        run = Some(Run { lits: e, left: Edge::Any, boundary_after: false });
                    }
                    None => {
                        consider(close(run.take(), i), &mut best);
                        consider(required_need(item), &mut best);
                    }
                }
            }
        }
    }
    consider(close(run, items.len()), &mut best);
    best
}

#[cfg(test)]
mod tests {
    use regex::Regex;

    use super::*;

    #[test]
    fn reads_prefix_words() {
        assert_eq!(literals(r"(?i)\b(?:because|due to)\b"), Some(vec!["because".into(), "due to".into()]));
        assert_eq!(literals(r"\bWill\s+[A-Z]"), Some(vec!["will".into()]));
        assert_eq!(literals(r"(?i)\bone of the (?:most|best)"), Some(vec!["one of the best".into(), "one of the most".into()]));
        assert_eq!(literals(r"\b\d+(?:[.,]\d+)*"), None);
        assert_eq!(literals(r"\b[0-9]+"), Some(('0'..='9').map(String::from).collect()));
        assert_eq!(literals(r"(?i)\bx?y"), Some(vec!["xy".into(), "y".into()]));
        assert_eq!(literals(r"(?i)\b(?:more|\w+er)\s+(?:\w+\s+){0,3}?than\b"), Some(vec!["than".into()]));
        assert_eq!(literals(r"(?i)\b\w+n['’]t\b"), Some(vec!["n't".into(), "n’t".into()]));
        assert_eq!(literals(r"[’'](?:re|m)\b"), Some(vec!["'m".into(), "'re".into(), "’m".into(), "’re".into()]));
    }

    #[test]
    fn a_run_too_big_to_multiply_ends() {
        // Three letters times 200 words are too many strings: the letters and `y` are not
        // contiguous in a match.
        let words: Vec<String> = (0..200).map(|i| format!("w{i}q")).collect();
        let pattern = format!("(?:x|z|v)(?:{})y", words.join("|"));
        let p = Prefilter::new([pattern.as_str()].into_iter());
        assert_eq!(p.candidates("xw17qy"), [MAYBE]);
        assert_eq!(p.candidates("x y"), [NO]);
    }

    #[test]
    fn candidates_over_approximate() {
        let pats = [r"(?i)\bbecause\b", r"\d+", r"(?i)\bwill\b", r"(?i)\bwill\s+go"];
        let p = Prefilter::new(pats.iter().copied());
        assert_eq!(p.candidates("Because it rained"), [YES, MAYBE, NO, NO]);
        // `will\s+go` needs no word character after `will`.
        assert_eq!(p.candidates("She is willing."), [NO, MAYBE, NO, NO]);
        assert_eq!(p.candidates("She will\tgo."), [NO, MAYBE, YES, MAYBE]);
        assert_eq!(p.candidates("She will go."), [NO, MAYBE, YES, MAYBE]);
        assert_eq!(p.unfiltered(), 1);
    }

    /// Every part of `text` between two character boundaries, as (start, end).
    fn parts(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
        let edges = move |from: usize| (from..=text.len()).filter(move |&i| text.is_char_boundary(i));
        edges(0).flat_map(move |a| edges(a).map(move |b| (a, b)))
    }

    /// Scans `text` once and checks, for every part of it, that the verdicts read from that
    /// scan are those of the part's own scan, and never NO where one of `regexes` (the
    /// patterns, in order) matches the part. Returns the scan's hits.
    fn check_parts(p: &Prefilter, text: &str, regexes: &[Regex]) -> Vec<Hit> {
        let mut hits = Vec::new();
        p.scan(text, &mut hits);
        let mut seen = Vec::new();
        for (a, b) in parts(text) {
            p.verdicts(text, &hits, a..b, &mut seen);
            assert_eq!(seen, p.candidates(&text[a..b]), "{:?}", &text[a..b]);
            for (r, v) in regexes.iter().zip(&seen) {
                assert!(*v != NO || !r.is_match(&text[a..b]), "{r} in {:?}", &text[a..b]);
            }
        }
        hits
    }

    #[test]
    fn verdicts_of_a_part_are_those_of_its_own_scan() {
        assert_eq!(parts("aé").collect::<Vec<_>>(), [(0, 0), (0, 1), (0, 3), (1, 1), (1, 3), (3, 3)]);
        let pats = [r"(?i)\bbecause\b", r"\d+", r"(?i)\bwill\b", r"(?i)\bwill\s+go", r"(?i)\b(?:go|wil)\b"];
        let p = Prefilter::with_extra(pats.iter().copied(), &["Will", "said", "go"]);
        let text = "Goodwill, because she will go, said Ann.";
        let regexes: Vec<Regex> = pats.iter().map(|p| Regex::new(p).unwrap()).collect();
        let hits = check_parts(&p, text, &regexes);
        let extra: Vec<(&str, usize)> = p.extra_hits(&hits).map(|(s, e, k)| (&text[s..e], k)).collect();
        assert_eq!(extra, [("Go", 2), ("will", 0), ("will", 0), ("go", 2), ("said", 1)]);
    }

    #[test]
    fn what_surrounds_a_literal_is_needed() {
        let pats = [
            r"(?i)(?-u:\b)(?:as|so)\s+\w+\s+as(?-u:\b)",
            r"(?i)(?-u:\b)[0-9]+(?:st|nd|rd|th)(?-u:\b)",
            r";\s+(?:but|yet)x",
            r"(?i)\bwill\s+go",
        ];
        assert_eq!(literals(pats[1]).map(|l| l.len()), Some(40));
        let p = Prefilter::new(pats.iter().copied());
        assert_eq!(p.candidates("It has 10 tenths, was also 2nd, abutx"), [NO, MAYBE, NO, NO]);
        assert_eq!(p.candidates("So far as; yetx"), [MAYBE, NO, MAYBE, NO]);
        // Never a NO where the pattern matches, in any part of a text (whose ends are edges).
        let text = "Zürich has 21st-century willgo, as fast as ;yetx; soon so é as 3rd as";
        let regexes: Vec<Regex> = pats.iter().map(|p| Regex::new(p).unwrap()).collect();
        check_parts(&p, text, &regexes);
    }

    #[test]
    fn word_lists() {
        assert_eq!(word_list(r"(?i)\b(?:jobs?|tax(?:es)?)\b"), Some(vec!["job".into(), "jobs".into(), "tax".into(), "taxes".into()]));
        assert_eq!(word_list(r"\b(?:jobs)\b"), None);
        assert_eq!(word_list(r"(?i)\bjobs\s+\w"), None);
        assert_eq!(word_list(r"(?i)%|\bper ?cent\b"), None);
    }
}
