//! A literal prefilter for a list of claim patterns: one Aho-Corasick scan of a text tells
//! which patterns can match it, so only those run.
//!
//! For each pattern, strings one of which every match must contain are read off its syntax
//! tree (`(?i)\b(?:because|due to)` → `because`, `due to`; `\w+er\s+than` → `than`; a
//! case-insensitive letter is its lower-case form). A pattern with no such strings (`\d+`,
//! `.*`: large classes are not expanded) always runs. The prefilter only ever over-approximates: a pattern it passes
//! is then run for real.

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
}

/// The prefilter of one list of patterns.
#[derive(Debug, Clone, Default)]
pub struct Prefilter {
    ac: Option<AhoCorasick>,
    /// Patterns (indexes in the list) of each automaton literal.
    owners: Vec<Vec<usize>>,
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

impl Prefilter {
    /// Build from the patterns (as compiled, lexicons expanded).
    pub fn new<'a>(patterns: impl Iterator<Item = &'a str>) -> Prefilter {
        Prefilter::with_extra(patterns, &[])
    }

    /// Build from the patterns, with `extra` strings found by the same scan (matched as the
    /// automaton matches: ASCII case ignored); [`Prefilter::extra_hits`] gives their matches.
    pub fn with_extra<'a>(patterns: impl Iterator<Item = &'a str>, extra: &[&str]) -> Prefilter {
        let mut lits: Vec<String> = Vec::new();
        let mut owners: Vec<Vec<usize>> = Vec::new();
        let mut index = std::collections::HashMap::new();
        let mut always = Vec::new();
        let mut words = Vec::new();
        for (i, p) in patterns.enumerate() {
            // One parse serves both readings.
            let hir = regex_syntax::ParserBuilder::new().build().parse(p).ok();
            let word_list = hir.as_ref().filter(|_| p.starts_with("(?i)")).and_then(word_list_of);
            words.push(word_list.is_some());
            match word_list.or_else(|| hir.as_ref().and_then(literals_of)) {
                Some(set) => {
                    for l in set {
                        let at = *index.entry(l.clone()).or_insert_with(|| {
                            lits.push(l);
                            owners.push(Vec::new());
                            owners.len() - 1
                        });
                        if owners[at].last() != Some(&i) {
                            owners[at].push(i);
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
        let word_literal = owners.iter().map(|o| o.iter().any(|&i| words[i])).collect();
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
                let (left, right) = if self.word_literal[literal] {
                    (
                        text.is_char_boundary(start) && !text[..start].chars().next_back().is_some_and(is_word_char),
                        text.is_char_boundary(end) && !text[end..].chars().next().is_some_and(is_word_char),
                    )
                } else {
                    (false, false)
                };
                Hit { start, end, literal, left, right }
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
            for &i in &self.owners[h.literal] {
                if !self.words[i] {
                    seen[i] = seen[i].max(MAYBE);
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
    literals_of(&regex_syntax::ParserBuilder::new().build().parse(pattern).ok()?)
}

/// [`literals`] of a parsed pattern.
fn literals_of(hir: &Hir) -> Option<Vec<String>> {
    let set = required(hir)?;
    if set.is_empty() || set.iter().any(String::is_empty) || set.len() > MAX_LITERALS {
        return None;
    }
    Some(set)
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
    // How selective a set is: its shortest string's length, except that one or two letters
    // (`he`, `th`) occur in nearly every sentence and count as one.
    let score = |s: &[String]| {
        s.iter()
            .map(|x| {
                let n = x.chars().count();
                if (1..=2).contains(&n) && x.chars().all(char::is_alphabetic) { 1 } else { n }
            })
            .min()
            .unwrap_or(0)
    };
    match h.kind() {
        HirKind::Capture(c) => required(&c.sub),
        HirKind::Repetition(r) if r.min >= 1 => required(&r.sub),
        HirKind::Alternation(alts) => union(alts, required),
        HirKind::Concat(items) => {
            let mut best: Option<Vec<String>> = None;
            let mut run: Option<Vec<String>> = None;
            let consider = |cand: Option<Vec<String>>, best: &mut Option<Vec<String>>| {
                if let Some(c) = cand
                    && score(&c) > 0
                    && best.as_ref().is_none_or(|b| score(&c) > score(b))
                {
                    *best = Some(c);
                }
            };
            for item in items {
                match exact(item) {
                    Some(e) => {
                        run = match run.take() {
                            Some(r) => match product(&r, &e) {
                                Some(p) => Some(p),
                                // Too many strings: the run ends here, and a new one starts
                                // (the run and the item are not contiguous without each other).
                                None => {
                                    consider(Some(r), &mut best);
                                    Some(e)
                                }
                            },
                            None => Some(e),
                        };
                        if run.as_ref().is_some_and(|r| r.iter().any(|x| x.len() >= MAX_LEN)) {
                            consider(run.take(), &mut best);
                        }
                    }
                    None => {
                        consider(run.take(), &mut best);
                        consider(required(item), &mut best);
                    }
                }
            }
            consider(run, &mut best);
            best
        }
        _ => exact(h).filter(|e| !e.iter().any(String::is_empty)),
    }
}

#[cfg(test)]
mod tests {
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
        assert_eq!(p.candidates("She is willing."), [NO, MAYBE, NO, MAYBE]);
        assert_eq!(p.candidates("She will go."), [NO, MAYBE, YES, MAYBE]);
        assert_eq!(p.unfiltered(), 1);
    }

    #[test]
    fn verdicts_of_a_part_are_those_of_its_own_scan() {
        let pats = [r"(?i)\bbecause\b", r"\d+", r"(?i)\bwill\b", r"(?i)\bwill\s+go", r"(?i)\b(?:go|wil)\b"];
        let p = Prefilter::with_extra(pats.iter().copied(), &["Will", "said", "go"]);
        let text = "Goodwill, because she will go, said Ann.";
        let mut hits = Vec::new();
        p.scan(text, &mut hits);
        let mut seen = Vec::new();
        for a in (0..=text.len()).filter(|&a| text.is_char_boundary(a)) {
            for b in (a..=text.len()).filter(|&b| text.is_char_boundary(b)) {
                p.verdicts(text, &hits, a..b, &mut seen);
                assert_eq!(seen, p.candidates(&text[a..b]), "{:?}", &text[a..b]);
            }
        }
        let extra: Vec<(&str, usize)> = p.extra_hits(&hits).map(|(s, e, k)| (&text[s..e], k)).collect();
        assert_eq!(extra, [("Go", 2), ("will", 0), ("will", 0), ("go", 2), ("said", 1)]);
    }

    #[test]
    fn word_lists() {
        assert_eq!(word_list(r"(?i)\b(?:jobs?|tax(?:es)?)\b"), Some(vec!["job".into(), "jobs".into(), "tax".into(), "taxes".into()]));
        assert_eq!(word_list(r"\b(?:jobs)\b"), None);
        assert_eq!(word_list(r"(?i)\bjobs\s+\w"), None);
        assert_eq!(word_list(r"(?i)%|\bper ?cent\b"), None);
    }
}
