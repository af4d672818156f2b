//! The rule regexes: the regex crate's own engine (`regex_automata::meta`, which
//! `regex::Regex` wraps), behind the part of `regex::Regex`'s API the taggers use, built
//! with or without the literal prefilter the regex crate puts in front of every search.
//!
//! Most rule regexes run only where a match is likely already ([`super::Reach::Gated`]): a
//! claim pattern where claimex's prefilter found one of its strings
//! ([`super::claim_prefilter`]), an attribution or quotation pattern next to its cue or
//! mark. There the regex's own prefilter mostly stops at the same frequent short words
//! (`is`, `was`, `be` in `is considered`, `was said`) again and again, restarting its
//! automaton at each; the lazy DFA alone reads a sentence once. Without it the full
//! extraction of the news corpus takes about 6% less time (docs/benchmarks.md). A regex
//! that reads every sentence or paragraph ([`super::Reach::Everywhere`]) keeps it. Matches
//! are the same either way: a prefilter only skips text.

use std::ops::Range;
use std::sync::Arc;

use regex_automata::util::captures::Captures as Slots;
use regex_automata::{Input, MatchKind, meta};

use super::Reach;

/// A compiled rule regex over `&str` haystacks, with the match semantics of
/// `regex::Regex` (leftmost-first, UTF-8, no empty match inside a character).
#[derive(Clone)]
pub struct Regex {
    meta: meta::Regex,
    pattern: Arc<str>,
    reach: Reach,
}

/// Shown as its pattern, as `regex::Regex` is.
impl std::fmt::Debug for Regex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Regex").field(&self.as_str()).finish()
    }
}

impl Regex {
    /// Build `pattern` with at most `size_limit` bytes of compiled program and
    /// `dfa_size_limit` bytes of lazy-DFA cache (per thread), as `regex::RegexBuilder`'s
    /// limits of the same names, with the engine's literal prefilter for a regex that reads
    /// everything ([`Reach::Everywhere`]); errors are `regex::Error`s, so a rule's message
    /// reads as it would from the regex crate.
    pub fn with_limits(pattern: &str, size_limit: usize, dfa_size_limit: usize, reach: Reach) -> Result<Regex, regex::Error> {
        let config = meta::Config::new()
            .match_kind(MatchKind::LeftmostFirst)
            .utf8_empty(true)
            .nfa_size_limit(Some(size_limit))
            .hybrid_cache_capacity(dfa_size_limit)
            .auto_prefilter(reach == Reach::Everywhere);
        let meta =
            meta::Builder::new().configure(config).syntax(regex_automata::util::syntax::Config::new().utf8(true)).build(pattern).map_err(
                |e| match (e.size_limit(), e.syntax_error()) {
                    (Some(limit), _) => regex::Error::CompiledTooBig(limit),
                    (None, Some(syntax)) => regex::Error::Syntax(syntax.to_string()),
                    (None, None) => regex::Error::Syntax(e.to_string()),
                },
            )?;
        Ok(Regex { meta, pattern: Arc::from(pattern), reach })
    }

    /// The pattern it was built from.
    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    /// Where it is searched, which it was built for.
    pub fn reach(&self) -> Reach {
        self.reach
    }

    /// Whether it matches anywhere in `haystack` (stops at the first match state).
    pub fn is_match(&self, haystack: &str) -> bool {
        self.meta.search_half(&Input::new(haystack).earliest(true)).is_some()
    }

    /// The first match.
    pub fn find<'h>(&self, haystack: &'h str) -> Option<Match<'h>> {
        self.find_at(haystack, 0)
    }

    /// The first match at or after `start`; look-arounds see the text before `start`.
    pub fn find_at<'h>(&self, haystack: &'h str, start: usize) -> Option<Match<'h>> {
        self.meta.search(&Input::new(haystack).span(start..haystack.len())).map(|m| Match { haystack, start: m.start(), end: m.end() })
    }

    /// Every match, left to right, none overlapping.
    pub fn find_iter<'r, 'h>(&'r self, haystack: &'h str) -> impl Iterator<Item = Match<'h>> + 'r
    where
        'h: 'r,
    {
        self.meta.find_iter(haystack).map(move |m| Match { haystack, start: m.start(), end: m.end() })
    }

    /// The groups of the first match.
    pub fn captures<'h>(&self, haystack: &'h str) -> Option<Captures<'h>> {
        self.captures_at(haystack, 0)
    }

    /// The groups of the first match at or after `start`.
    pub fn captures_at<'h>(&self, haystack: &'h str, start: usize) -> Option<Captures<'h>> {
        let mut slots = self.meta.create_captures();
        self.meta.search_captures(&Input::new(haystack).span(start..haystack.len()), &mut slots);
        slots.is_match().then_some(Captures { haystack, slots })
    }

    /// The names of the groups, in order (`None` for the whole match and unnamed groups).
    pub fn capture_names(&self) -> impl Iterator<Item = Option<&str>> + '_ {
        self.meta.group_info().pattern_names(regex_automata::PatternID::ZERO)
    }
}

/// A match: its range in the haystack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match<'h> {
    haystack: &'h str,
    start: usize,
    end: usize,
}

impl<'h> Match<'h> {
    /// Start byte.
    pub fn start(&self) -> usize {
        self.start
    }

    /// End byte.
    pub fn end(&self) -> usize {
        self.end
    }

    /// Byte range.
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }

    /// The matched text.
    pub fn as_str(&self) -> &'h str {
        &self.haystack[self.start..self.end]
    }
}

/// The groups of one match.
#[derive(Debug, Clone)]
pub struct Captures<'h> {
    haystack: &'h str,
    slots: Slots,
}

impl<'h> Captures<'h> {
    /// Group `i` (0: the whole match), if it took part in the match.
    pub fn get(&self, i: usize) -> Option<Match<'h>> {
        self.slots.get_group(i).map(|s| Match { haystack: self.haystack, start: s.start, end: s.end })
    }

    /// The group named `name`, if it took part in the match.
    pub fn name(&self, name: &str) -> Option<Match<'h>> {
        self.slots.get_group_by_name(name).map(|s| Match { haystack: self.haystack, start: s.start, end: s.end })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(p: &str, reach: Reach) -> Regex {
        Regex::with_limits(p, 1 << 24, 1 << 20, reach).unwrap()
    }

    /// Each search gives what the regex crate gives for the same pattern and text: the
    /// matches (also empty ones between multi-byte characters), the first one from every
    /// start, whether it matches, and the groups by name and number.
    #[test]
    fn finds_what_the_regex_crate_finds() {
        let patterns = [
            r"(?i)\b(?:is|are|was)\s+(?:[a-z]+ly\s+)?(?:said|thought)\b",
            r"\b[0-9]+(?:[.,][0-9]+)*",
            r"(?P<source>\p{Lu}\p{L}+)\s+said",
            r"^\W*(?P<content>.+?)\s*,\s*$",
            r"(?:^|\s)(?P<cue>n['’]t)\b",
            r"x*",
            r"\b",
        ];
        let texts = [
            "It is widely said that Zoë's plan was thought 3.5 or 1,200 times better.",
            "Mensah said it, and Ortiz said “no”, ",
            "They don’t know; we can't say.",
            "é€x日本",
            "",
        ];
        for (p, reach) in patterns.into_iter().flat_map(|p| [(p, Reach::Gated), (p, Reach::Everywhere)]) {
            let (ours, theirs) = (build(p, reach), regex::Regex::new(p).unwrap());
            assert_eq!(ours.as_str(), p);
            let names: Vec<Option<&str>> = ours.capture_names().collect();
            assert_eq!(names, theirs.capture_names().collect::<Vec<_>>(), "{p}");
            for t in texts {
                let found: Vec<Range<usize>> = ours.find_iter(t).map(|m| m.range()).collect();
                assert_eq!(found, theirs.find_iter(t).map(|m| m.range()).collect::<Vec<_>>(), "{p} in {t}");
                assert_eq!(ours.is_match(t), theirs.is_match(t), "{p} in {t}");
                for at in (0..=t.len()).filter(|&i| t.is_char_boundary(i)) {
                    assert_eq!(
                        ours.find_at(t, at).map(|m| (m.range(), m.as_str())),
                        theirs.find_at(t, at).map(|m| (m.range(), m.as_str())),
                        "{p} in {t} at {at}"
                    );
                    let (a, b) = (ours.captures_at(t, at), theirs.captures_at(t, at));
                    assert_eq!(a.is_some(), b.is_some(), "{p} in {t} at {at}");
                    if let (Some(a), Some(b)) = (a, b) {
                        for (i, name) in names.iter().enumerate() {
                            assert_eq!(a.get(i).map(|m| m.range()), b.get(i).map(|m| m.range()), "{p} in {t} at {at}: group {i}");
                            if let Some(n) = name {
                                assert_eq!(a.name(n).map(|m| m.as_str()), b.name(n).map(|m| m.as_str()), "{p} in {t}: {n}");
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn errors_read_as_the_regex_crates() {
        // a pattern as a rule file gives it, not a literal clippy could check
        let unclosed = String::from("(?P<a>x");
        let e = Regex::with_limits(&unclosed, 1 << 24, 1 << 20, Reach::Gated).unwrap_err();
        assert_eq!(e.to_string(), regex::Regex::new(&unclosed).unwrap_err().to_string());
        let e = Regex::with_limits(r"\w{1000}", 1 << 10, 1 << 20, Reach::Everywhere).unwrap_err();
        assert!(matches!(e, regex::Error::CompiledTooBig(n) if n == 1 << 10), "{e}");
    }
}
