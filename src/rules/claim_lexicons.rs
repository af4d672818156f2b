//! The claim lexicons, compiled: certainty cues and entity words.
//!
//! Cue lexicons (one phrase per line; the tagger finds them with one Aho-Corasick scan per
//! sentence):
//! - `lexicons/hedges.txt` — `phrase | level`, level `low`, `medium` or `high`: the
//!   certainty the hedge leaves the claim with;
//! - `lexicons/boosters.txt` — `phrase`: words that raise certainty (`clearly`);
//! - `lexicons/negations.txt` — `phrase`: words that negate (`not`, `never`, `failed to`);
//! - `lexicons/cue_exceptions.txt` — `phrase`: longer phrases that contain a cue but are
//!   none (`not only`, `at least`); the longest phrase wins, so these block the cue.
//!
//! A phrase written in lower case matches lower-case text, the same phrase capitalised as
//! the first word of a sentence, and all-capitals text; a phrase with a capital letter
//! matches only as written (`May` the month is no `may`). Phrases match whole words.
//!
//! Entity lexicons (looked up by word, no scan): `nationalities.txt` and `places.txt` (one
//! form per line), the shared `countries.txt`, `organizations.txt` (`form | canonical`) —
//! the first of these four that has a form gives its kind —, `roles.txt` (`role | kind`),
//! `honorifics.txt`, the `title` class of `abbreviations.txt` (whose period belongs to a
//! name), `given_names.txt`, plus `entity_words.txt` (`word | role`: `organization`,
//! `place` and `title` heads that give a capitalised name its kind, `connector` and
//! `particle` words allowed inside a name, `stop` words that are capitalised but name
//! nothing), `entity_contexts.txt` (`words _ | kind`: the words right before or after a
//! name that give its kind), `sentence_starters.txt` and `months.txt`.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::claim::{CueKind, LEVELS, Level};
use super::lexicon::line_offset;
use super::word_hash::{WordMap, WordSet};
use super::{Lexicon, RuleError};

/// One cue phrase.
#[derive(Debug, Clone)]
pub struct CueEntry {
    /// The phrase as written.
    pub text: String,
    /// What it does.
    pub kind: CueKind,
    /// A hedge's certainty level.
    pub level: Option<Level>,
    /// Written with a capital: match only as written.
    pub exact: bool,
}

/// A cue found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CueMatch {
    /// Byte range in the scanned text.
    pub range: Range<usize>,
    /// What it does.
    pub kind: CueKind,
    /// A hedge's level.
    pub level: Option<Level>,
    /// Index of the lexicon entry, or `None` for a rule's match.
    pub entry: Option<usize>,
    /// Index of the `claim_cue` rule in `RuleSet::rules`, for a rule's match.
    pub rule: Option<usize>,
}

/// The cue phrases with their automaton.
#[derive(Debug, Clone, Default)]
pub struct CueLexicon {
    /// Entries, in automaton pattern order.
    pub entries: Vec<CueEntry>,
    ac: Option<AhoCorasick>,
}

fn is_word_byte(c: char) -> bool {
    c.is_alphanumeric() || c == '-' || c == '_'
}

impl CueLexicon {
    /// Compile from the loaded lexicons; `src` gives a lexicon file's text for error lines.
    pub fn compile(lexicons: &BTreeMap<String, Lexicon>, src: &dyn Fn(&str) -> String, errors: &mut Vec<RuleError>) -> CueLexicon {
        let mut out = CueLexicon::default();
        let mut seen: HashMap<String, String> = HashMap::new();
        let sources: [(&str, CueKind); 4] = [
            ("hedges", CueKind::Hedge),
            ("boosters", CueKind::Booster),
            ("negations", CueKind::Negation),
            ("cue_exceptions", CueKind::Exception),
        ];
        for (name, kind) in sources {
            let Some(lx) = lexicons.get(name) else { continue };
            let text = src(name);
            if kind == CueKind::Hedge {
                errors.extend(lx.check_fields(&text, 1, Some(LEVELS)));
            } else {
                errors.extend(lx.check_fields(&text, 0, None));
            }
            for e in &lx.entries {
                let key = e.text.to_lowercase();
                if let Some(prev) = seen.insert(key, name.to_string()) {
                    errors.push(RuleError::at(
                        &lx.path,
                        &text,
                        line_offset(&text, e.line),
                        format!("`{}` is already listed in {prev}.txt", e.text),
                    ));
                    continue;
                }
                out.entries.push(CueEntry {
                    text: e.text.clone(),
                    kind,
                    level: e.fields.first().and_then(|l| Level::parse(l)),
                    exact: e.text.chars().any(char::is_uppercase),
                });
            }
        }
        if !out.entries.is_empty() {
            let ac = AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .build(out.entries.iter().map(|e| e.text.as_str()));
            match ac {
                Ok(ac) => out.ac = Some(ac),
                Err(e) => errors.push(RuleError {
                    path: "rules/lexicons/hedges.txt".into(),
                    line: 1,
                    col: 1,
                    line_text: String::new(),
                    message: format!("cue lexicons cannot be compiled: {e}"),
                }),
            }
        }
        out
    }

    /// Every cue phrase in `text`, longest first where they overlap, in text order.
    /// `first_word` is where the sentence's first word starts (a capitalised phrase matches
    /// there).
    pub fn find(&self, text: &str, first_word: usize, out: &mut Vec<CueMatch>) {
        let Some(ac) = &self.ac else { return };
        self.find_in(text, first_word, ac.find_overlapping_iter(text).map(|m| (m.start(), m.end(), m.pattern().as_usize())), out);
    }

    /// As [`CueLexicon::find`], given every occurrence of the phrases in `text` (start, end,
    /// entry), from a scan made elsewhere ([`super::claim_prefilter::Prefilter::extra_hits`]).
    pub fn find_in(
        &self,
        text: &str,
        first_word: usize,
        occurrences: impl Iterator<Item = (usize, usize, usize)>,
        out: &mut Vec<CueMatch>,
    ) {
        let mut found: Vec<(usize, usize, usize)> = Vec::new();
        for (s, e, i) in occurrences {
            if self.accepts(text, s, e, &self.entries[i], first_word) {
                found.push((s, e, i));
            }
        }
        found.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut last_end = 0;
        for (s, e, i) in found {
            if s < last_end {
                continue;
            }
            last_end = e;
            let entry = &self.entries[i];
            if entry.kind != CueKind::Exception {
                out.push(CueMatch { range: s..e, kind: entry.kind, level: entry.level, entry: Some(i), rule: None });
            }
        }
    }

    fn accepts(&self, text: &str, s: usize, e: usize, entry: &CueEntry, first_word: usize) -> bool {
        if !text.is_char_boundary(s) || !text.is_char_boundary(e) {
            return false;
        }
        let first = entry.text.chars().next().is_some_and(is_word_byte);
        let last = entry.text.chars().next_back().is_some_and(is_word_byte);
        if first && text[..s].chars().next_back().is_some_and(is_word_byte) {
            return false;
        }
        if last && text[e..].chars().next().is_some_and(is_word_byte) {
            return false;
        }
        let got = &text[s..e];
        if got == entry.text {
            return true;
        }
        if entry.exact {
            return false;
        }
        if s == first_word {
            let mut g = got.chars();
            let mut w = entry.text.chars();
            if g.next().is_some_and(char::is_uppercase) && w.next().is_some() && g.as_str() == w.as_str() {
                return true;
            }
        }
        got.chars().filter(|c| c.is_alphabetic()).count() > 1 && !got.chars().any(char::is_lowercase)
    }
}

/// What a word in `entity_words.txt` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WordRole {
    /// Last word of an organisation's name (`Bank`, `Institute`).
    Organization,
    /// Last word of a place's name (`Sea`, `Islands`).
    Place,
    /// Last word of the name of an event, law, treaty or document (`Treaty`, `War`).
    Title,
    /// A word that may join capitalised words inside a name (`of`, `for`); a person's name
    /// after a title ends before it.
    Connector,
    /// A connector that may be part of a person's name (`von`, `bin`).
    Particle,
    /// Capitalised, but names nothing (`I`, `Monday`).
    Stop,
    /// A capitalised word or acronym that is not a name of any kind, left `other` (`GDP`).
    Common,
}

/// Entity words, looked up per token.
#[derive(Debug, Clone, Default)]
pub struct EntityLexicon {
    /// Country and organisation forms as written → (kind, canonical name).
    pub names: WordMap<String, (String, String)>,
    /// Lower-cased titles and person roles (`dr`, `president`, `prime minister`) that
    /// precede a person's name.
    pub titles: WordSet<String>,
    /// The first word of each title (`prime`): a phrase whose first word is none of them
    /// is no title, without lower-casing and looking up the whole phrase.
    pub title_heads: WordSet<String>,
    /// Lower-cased roles (`foreign minister`) → kind.
    pub roles: WordMap<String, String>,
    /// Word roles from `entity_words.txt`, as written.
    pub words: WordMap<String, WordRole>,
    /// Lower-cased words that often open a sentence: not names there.
    pub starters: WordSet<String>,
    /// Longest title or role, in words.
    pub max_title_words: usize,
    /// Longest form of `names`, in words.
    pub max_name_words: usize,
    /// The first word of each form of `names` with a lower-case word inside (`Conference`
    /// of `Conference on Interaction and …`), also without its final period: only such a
    /// word can open a form that a run of capitalised words cannot find.
    pub inner_lower_heads: WordSet<String>,
    /// Abbreviations whose period belongs to a name (`St`, `Dr`), without the period:
    /// class `title` of `abbreviations.txt`.
    pub name_abbreviations: WordSet<String>,
    /// Given names (`given_names.txt`): a run of capitalised words that opens with one is a
    /// person.
    pub given_names: WordSet<String>,
    /// Words around a name that give its kind (`entity_contexts.txt`): `shares in _`,
    /// `_'s chief executive`.
    pub contexts: Vec<EntityContext>,
    /// The text after the name of each context (`'s chief executive`) and each of its
    /// shorter whole-word beginnings (`'s`, `'s chief`) → the index in `contexts` of the
    /// first context with exactly that text, if any: the text after a name is looked up
    /// word by word, until no context goes on so.
    pub after_contexts: WordMap<String, Option<usize>>,
    /// The same for the text before the name (`shares in`), by its whole-word endings
    /// (`in`, `shares in`).
    pub before_contexts: WordMap<String, Option<usize>>,
}

/// A context of `entity_contexts.txt`: the words right before or right after a name that
/// give its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityContext {
    /// The lower-case words before the name (`shares in`), without the final space; empty
    /// when the context follows it.
    pub before: String,
    /// What follows the name as written after `_` (`'s chief executive`, ` shares`, `, who`);
    /// empty when the context precedes it.
    pub after: String,
    /// The kind it gives: `person`, `organization`, `place` or `country`.
    pub kind: String,
}

impl EntityLexicon {
    /// Compile from the loaded lexicons.
    pub fn compile(lexicons: &BTreeMap<String, Lexicon>, src: &dyn Fn(&str) -> String, errors: &mut Vec<RuleError>) -> EntityLexicon {
        let mut out = EntityLexicon::default();
        // The first list that has a form gives its kind: `Tokyo` is in `places.txt` and in
        // `countries.txt` (where it stands for Japan as a source), and is a place.
        for (name, kind) in
            [("nationalities", "nationality"), ("places", "place"), ("countries", "country"), ("organizations", "organization")]
        {
            if let Some(lx) = lexicons.get(name) {
                if matches!(name, "nationalities" | "places") {
                    errors.extend(lx.check_fields(&src(name), 0, None));
                }
                for e in &lx.entries {
                    let canonical = e.fields.first().cloned().unwrap_or_else(|| e.text.clone());
                    out.max_name_words = out.max_name_words.max(e.text.split_whitespace().count());
                    out.names.entry(e.text.clone()).or_insert((kind.to_string(), canonical));
                }
            }
        }
        for form in out.names.keys() {
            let mut words = form.split_whitespace();
            if let Some(head) = words.next()
                && words.count() >= 2
                && form.split_whitespace().skip(1).any(|w| !w.starts_with(char::is_uppercase))
            {
                out.inner_lower_heads.insert(head.to_string());
                out.inner_lower_heads.insert(head.strip_suffix('.').unwrap_or(head).to_string());
            }
        }
        if let Some(lx) = lexicons.get("abbreviations") {
            for e in lx.entries.iter().filter(|e| e.fields.first().is_some_and(|f| f == "title")) {
                out.name_abbreviations.insert(e.text.trim_end_matches('.').to_string());
            }
        }
        if let Some(lx) = lexicons.get("given_names") {
            errors.extend(lx.check_fields(&src("given_names"), 0, None));
            out.given_names = lx.words().map(str::to_string).collect();
        }
        if let Some(lx) = lexicons.get("roles") {
            for e in &lx.entries {
                let kind = e.fields.first().cloned().unwrap_or_else(|| "person".into());
                if kind == "person" {
                    out.titles.insert(e.text.to_lowercase());
                }
                out.roles.insert(e.text.to_lowercase(), kind);
            }
        }
        if let Some(lx) = lexicons.get("honorifics") {
            for e in &lx.entries {
                out.titles.insert(e.text.trim_end_matches('.').to_lowercase());
            }
        }
        out.title_heads = out.titles.iter().filter_map(|t| t.split_whitespace().next()).map(str::to_string).collect();
        out.max_title_words = out.titles.iter().chain(out.roles.keys()).map(|t| t.split_whitespace().count()).max().unwrap_or(1);
        if let Some(lx) = lexicons.get("entity_words") {
            let text = src("entity_words");
            errors.extend(lx.check_fields(&text, 1, Some(&["organization", "place", "title", "connector", "particle", "stop", "common"])));
            for e in &lx.entries {
                let role = match e.fields.first().map(String::as_str) {
                    Some("organization") => WordRole::Organization,
                    Some("place") => WordRole::Place,
                    Some("title") => WordRole::Title,
                    Some("connector") => WordRole::Connector,
                    Some("particle") => WordRole::Particle,
                    Some("common") => WordRole::Common,
                    _ => WordRole::Stop,
                };
                out.words.insert(e.text.clone(), role);
            }
        }
        if let Some(lx) = lexicons.get("entity_contexts") {
            let text = src("entity_contexts");
            errors.extend(lx.check_fields(&text, 1, Some(&["person", "organization", "place", "country"])));
            for e in &lx.entries {
                let Some((before, after)) = e.text.split_once('_').filter(|(b, a)| !a.contains('_') && (b.is_empty() != a.is_empty()))
                else {
                    errors.push(RuleError::at(
                        &lx.path,
                        &text,
                        line_offset(&text, e.line),
                        "a context holds one `_` (the name), with words on one side of it".to_string(),
                    ));
                    continue;
                };
                let kind = e.fields.first().cloned().unwrap_or_default();
                out.contexts.push(EntityContext { before: before.trim_end().to_lowercase(), after: after.to_lowercase(), kind });
            }
            for (i, c) in out.contexts.iter().enumerate() {
                let (map, text, parts): (_, _, Vec<&str>) = if c.after.is_empty() {
                    (&mut out.before_contexts, &c.before, word_endings(&c.before).collect())
                } else {
                    (&mut out.after_contexts, &c.after, word_beginnings(&c.after).collect())
                };
                for part in parts {
                    map.entry(part.to_string()).or_insert(None);
                }
                map.get_mut(text.as_str()).expect("a text is its own beginning and ending").get_or_insert(i);
            }
        }
        if let Some(lx) = lexicons.get("months") {
            for e in &lx.entries {
                out.words.entry(e.text.clone()).or_insert(WordRole::Stop);
            }
        }
        if let Some(lx) = lexicons.get("sentence_starters") {
            out.starters = lx.words().map(str::to_lowercase).collect();
        }
        out
    }
}

/// The whole-word beginnings of `s`, shortest first, `s` last: each prefix that no letter or
/// digit follows.
pub fn word_beginnings(s: &str) -> impl Iterator<Item = &str> {
    s.char_indices().skip(1).filter(|&(_, c)| !c.is_alphanumeric()).map(|(p, _)| &s[..p]).chain([s])
}

/// The whole-word endings of `s`, shortest first, `s` last: each suffix that no letter or
/// digit precedes.
pub fn word_endings(s: &str) -> impl Iterator<Item = &str> {
    s.char_indices().rev().filter(|&(_, c)| !c.is_alphanumeric()).map(|(q, c)| &s[q + c.len_utf8()..]).chain([s])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_word_beginnings_and_endings() {
        assert_eq!(word_beginnings("'s chief executive").collect::<Vec<_>>(), ["'s", "'s chief", "'s chief executive"]);
        assert_eq!(word_endings("a stake in").collect::<Vec<_>>(), ["in", "stake in", "a stake in"]);
        assert_eq!(word_endings("x,").collect::<Vec<_>>(), ["", "x,"]);
    }

    fn lexicon(entries: &[(&str, &str)]) -> CueLexicon {
        let mut lx = BTreeMap::new();
        for (name, body) in entries {
            lx.insert(name.to_string(), Lexicon::parse(name, &format!("{name}.txt"), body).unwrap());
        }
        let files: BTreeMap<String, String> = entries.iter().map(|(n, b)| (n.to_string(), b.to_string())).collect();
        let mut errors = Vec::new();
        let out = CueLexicon::compile(&lx, &|n: &str| files.get(n).cloned().unwrap_or_default(), &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        out
    }

    fn found(lx: &CueLexicon, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let first = text.find(char::is_alphanumeric).unwrap_or(0);
        lx.find(text, first, &mut out);
        out.iter().map(|m| text[m.range.clone()].to_string()).collect()
    }

    #[test]
    fn words_case_and_exceptions() {
        let lx = lexicon(&[
            ("hedges", "may | medium\nsome | medium\nfew | medium\nit is believed | medium\n"),
            ("negations", "not\n"),
            ("cue_exceptions", "not only\n"),
        ]);
        assert_eq!(found(&lx, "It may rain in May."), ["may"]);
        assert_eq!(found(&lx, "May it rain? Some say so."), ["May"]);
        assert_eq!(found(&lx, "It is believed that awesome Asia few are not only here but not there."), ["It is believed", "few", "not"]);
        assert_eq!(found(&lx, "SOME SAY IT IS NOT SO"), ["SOME", "NOT"]);
    }

    #[test]
    fn duplicate_entries_are_errors() {
        let mut lx = BTreeMap::new();
        lx.insert("hedges".to_string(), Lexicon::parse("hedges", "hedges.txt", "may | medium\n").unwrap());
        lx.insert("boosters".to_string(), Lexicon::parse("boosters", "boosters.txt", "clearly\nMay\n").unwrap());
        let mut errors = Vec::new();
        CueLexicon::compile(&lx, &|n: &str| if n == "boosters" { "clearly\nMay\n".into() } else { "may | medium\n".into() }, &mut errors);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].line, 2);
    }
}
