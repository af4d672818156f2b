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
//!
//! Each regex keeps its own search caches ([`Caches`]): the lazy DFAs' states, which are most
//! of a run's memory. The threads of a parallel run share one cache per regex until they
//! keep finding it busy; only then does each worker get a cache of its own.

use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, TryLockError};

use regex_automata::util::captures::Captures as Slots;
use regex_automata::util::iter::Searcher;
use regex_automata::{Input, MatchKind, meta};

use super::Reach;

/// A compiled rule regex over `&str` haystacks, with the match semantics of
/// `regex::Regex` (leftmost-first, UTF-8, no empty match inside a character).
pub struct Regex {
    meta: meta::Regex,
    pattern: Arc<str>,
    reach: Reach,
    caches: Caches,
}

/// A copy searches with caches of its own, as a copy of `regex::Regex` does.
impl Clone for Regex {
    fn clone(&self) -> Regex {
        Regex { meta: self.meta.clone(), pattern: self.pattern.clone(), reach: self.reach, caches: Caches::default() }
    }
}

thread_local! {
    /// The calling thread's worker number plus one, or 0 ([`set_worker`]).
    static WORKER: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Mark the calling thread as worker `n` (from 0) of a parallel run, so that its searches
/// may get caches of their own ([`Caches`]); `None` unmarks it.
pub fn set_worker(n: Option<usize>) {
    WORKER.with(|w| w.set(n.map_or(0, |n| n + 1)));
}

/// Most workers of a run that may get caches of their own ([`Caches`]); any more share
/// the first cache.
pub const OWN_CACHE_WORKERS: usize = 8;

/// A regex's shared cache is split once its searches found it busy at least this often…
const SPLIT_AFTER_WAITS: u64 = 8;
/// …and in at least one search of this many.
const SPLIT_RATIO: u64 = 64;

/// The search caches of one regex: above all its lazy DFAs' states, built as texts are
/// searched and kept for the next search. A cache serves one search at a time, and the
/// engine gives each thread that searches a regex a cache of its own for good, though most
/// rule regexes run on a few sentences in a hundred: two threads then hold two caches of
/// the same states, tens of megabytes in all.
///
/// So every thread searches with one shared cache at first. A search that finds it busy
/// waits, and is counted; once the waits are [`SPLIT_AFTER_WAITS`] and one search in
/// [`SPLIT_RATIO`] or more, the regex is split: worker 0 keeps the shared cache and every
/// other worker (up to [`OWN_CACHE_WORKERS`]) gets one of its own. The often-run regexes
/// split within the first documents; the rest stay shared, and their waits cost less than a
/// search in sixty-four of theirs. Waiting is the only difference: a cache never changes
/// what a search finds.
#[derive(Default)]
struct Caches {
    shared: Mutex<Shared>,
    /// Whether workers other than the first use `own`.
    split: AtomicBool,
    /// The caches of workers 1, 2, …, made when first used after the split.
    own: [OnceLock<Mutex<meta::Cache>>; OWN_CACHE_WORKERS - 1],
}

/// The shared cache, made when first used, and how often it was searched and found busy.
#[derive(Default)]
struct Shared {
    cache: Option<meta::Cache>,
    searches: u64,
    waits: u64,
}

impl Shared {
    /// Count a search that found the cache busy; whether the regex should now be split.
    fn waited(&mut self) -> bool {
        self.waits += 1;
        self.waits >= SPLIT_AFTER_WAITS && self.waits * SPLIT_RATIO >= self.searches
    }
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
        Ok(Regex { meta, pattern: Arc::from(pattern), reach, caches: Caches::default() })
    }

    /// Run `search` with a cache for the calling thread ([`Caches`]).
    fn with_cache<R>(&self, search: impl FnOnce(&mut meta::Cache) -> R) -> R {
        let caches = &self.caches;
        let worker = WORKER.with(std::cell::Cell::get);
        if worker >= 2
            && let Some(own) = caches.own.get(worker - 2)
            && caches.split.load(Ordering::Relaxed)
        {
            let mut cache = own.get_or_init(|| Mutex::new(self.meta.create_cache())).lock().unwrap_or_else(PoisonError::into_inner);
            return search(&mut cache);
        }
        let mut shared = match caches.shared.try_lock() {
            Ok(shared) => shared,
            Err(TryLockError::Poisoned(e)) => e.into_inner(),
            Err(TryLockError::WouldBlock) => {
                let mut shared = caches.shared.lock().unwrap_or_else(PoisonError::into_inner);
                if shared.waited() {
                    caches.split.store(true, Ordering::Relaxed);
                }
                shared
            }
        };
        shared.searches += 1;
        search(shared.cache.get_or_insert_with(|| self.meta.create_cache()))
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
        self.with_cache(|cache| self.meta.search_half_with(cache, &Input::new(haystack).earliest(true))).is_some()
    }

    /// The first match.
    pub fn find<'h>(&self, haystack: &'h str) -> Option<Match<'h>> {
        self.find_at(haystack, 0)
    }

    /// The first match at or after `start`; look-arounds see the text before `start`.
    pub fn find_at<'h>(&self, haystack: &'h str, start: usize) -> Option<Match<'h>> {
        let input = Input::new(haystack).span(start..haystack.len());
        self.with_cache(|cache| self.meta.search_with(cache, &input)).map(|m| Match { haystack, start: m.start(), end: m.end() })
    }

    /// Every match, left to right, none overlapping. Each step takes a cache for its own
    /// search, so the loop over them may search this regex again.
    pub fn find_iter<'r, 'h>(&'r self, haystack: &'h str) -> impl Iterator<Item = Match<'h>> + 'r
    where
        'h: 'r,
    {
        let mut searcher = Searcher::new(Input::new(haystack));
        std::iter::from_fn(move || {
            let m = self.with_cache(|cache| searcher.advance(|input| Ok(self.meta.search_with(cache, input))))?;
            Some(Match { haystack, start: m.start(), end: m.end() })
        })
    }

    /// The groups of the first match.
    pub fn captures<'h>(&self, haystack: &'h str) -> Option<Captures<'h>> {
        self.captures_at(haystack, 0)
    }

    /// The groups of the first match at or after `start`.
    pub fn captures_at<'h>(&self, haystack: &'h str, start: usize) -> Option<Captures<'h>> {
        let mut slots = self.meta.create_captures();
        let input = Input::new(haystack).span(start..haystack.len());
        self.with_cache(|cache| self.meta.search_captures_with(cache, &input, &mut slots));
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

    /// Searches each thread makes, in turn (never at once): (searches of the shared cache,
    /// which own caches exist).
    fn search_in_turn(re: &Regex, workers: &[Option<usize>]) -> (u64, Vec<bool>) {
        for &w in workers {
            std::thread::scope(|s| {
                s.spawn(|| {
                    set_worker(w);
                    assert_eq!(re.find("They said so.").map(|m| m.range()), Some(5..9));
                });
            });
        }
        let searches = re.caches.shared.lock().unwrap().searches;
        (searches, re.caches.own.iter().map(|o| o.get().is_some()).collect())
    }

    #[test]
    fn threads_share_a_cache_until_it_is_split() {
        let re = build(r"\bsaid\b", Reach::Gated);
        let everyone = [None, Some(0), Some(1), Some(2), Some(OWN_CACHE_WORKERS - 1), Some(OWN_CACHE_WORKERS)];
        let (searches, own) = search_in_turn(&re, &everyone);
        assert_eq!(searches, 6);
        assert!(own.iter().all(|&o| !o), "{own:?}");
        re.caches.split.store(true, Ordering::Relaxed);
        // Split, workers 1 and up (as many as have caches of their own) stop using the shared one.
        let (searches, own) = search_in_turn(&re, &everyone);
        assert_eq!(searches, 6 + 3, "a thread that is no worker, worker 0 and one worker too many");
        let mut want = vec![false; OWN_CACHE_WORKERS - 1];
        (want[0], want[1], want[OWN_CACHE_WORKERS - 2]) = (true, true, true);
        assert_eq!(own, want);
        // A copy starts with caches of its own, unsplit.
        let copy = re.clone();
        assert!(!copy.caches.split.load(Ordering::Relaxed) && copy.caches.shared.lock().unwrap().cache.is_none());
    }

    #[test]
    fn a_cache_splits_when_searches_keep_finding_it_busy() {
        let first_split = |searches: u64| {
            let mut shared = Shared { searches, ..Shared::default() };
            (1..).find(|_| shared.waited()).unwrap()
        };
        assert_eq!(first_split(0), SPLIT_AFTER_WAITS);
        assert_eq!(first_split(SPLIT_AFTER_WAITS * SPLIT_RATIO), SPLIT_AFTER_WAITS);
        assert_eq!(first_split(1000 * SPLIT_RATIO), 1000);
        assert_eq!(first_split(1000 * SPLIT_RATIO + 1), 1001);
    }

    /// Threads searching one regex at once, waiting for its shared cache or splitting it,
    /// find what the regex crate finds.
    #[test]
    fn threads_searching_at_once_find_what_one_finds() {
        let p = r"(?P<source>\p{Lu}\p{L}+)\s+(?:said|says)\b";
        let theirs = regex::Regex::new(p).unwrap();
        let texts: Vec<String> = (0..50).map(|i| format!("Ortiz said {i} times; Zoë says “no”, and Mensah said so.")).collect();
        let want: Vec<Vec<(Range<usize>, String)>> =
            texts.iter().map(|t| theirs.captures_iter(t).map(|c| (c.get(0).unwrap().range(), c["source"].to_string())).collect()).collect();
        let ours = build(p, Reach::Gated);
        std::thread::scope(|s| {
            for n in 0..4 {
                let (ours, texts, want) = (&ours, &texts, &want);
                s.spawn(move || {
                    set_worker((n > 0).then(|| n - 1));
                    for _ in 0..40 {
                        for (t, want) in texts.iter().zip(want) {
                            let got: Vec<(Range<usize>, String)> = ours
                                .find_iter(t)
                                .map(|m| {
                                    let c = ours.captures_at(t, m.start()).unwrap();
                                    (c.get(0).unwrap().range(), c.name("source").unwrap().as_str().to_string())
                                })
                                .collect();
                            assert_eq!(&got, want, "{t}");
                        }
                    }
                });
            }
        });
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
