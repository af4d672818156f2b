//! The source lexicons, compiled: what the attribution tagger needs to read and resolve a
//! source (SPEC §3 `source_kind`, `source_resolved`).
//!
//! - `lexicons/pronouns.txt`: `pronoun | person|thing|any|self|other | singular|plural|any |
//!   subject|object|possessive`;
//! - `lexicons/anonymous_sources.txt`, `lexicons/document_sources.txt`: one noun or phrase a
//!   line (lower case);
//! - `lexicons/countries.txt`, `lexicons/organizations.txt`: `form | canonical name`,
//!   matched as written (`US` is a country, `us` is not);
//! - `lexicons/roles.txt`: `role | person|organization`, lower case, any case matched;
//! - `lexicons/honorifics.txt`: titles before a name;
//! - `lexicons/organization_words.txt`: words that make a capitalised name an organisation;
//! - `lexicons/source_boundaries.txt`: `word | stop|join|relative|det|conj`, how a word bounds a
//!   source read from the words beside a cue;
//! - `lexicons/attribution_hedges.txt`: hedges on an attribution (`reportedly`).

use std::collections::BTreeMap;

use super::{Files, Lexicon, RuleError};

/// What a pronoun may refer to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refers {
    /// A person.
    Person,
    /// An organisation, country or document.
    Thing,
    /// Anything.
    Any,
    /// The speaker or writer (`I`, `we`): not resolved.
    SelfRef,
    /// The addressee (`you`): not resolved.
    Other,
}

/// How a word bounds a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Boundary {
    /// The source ends before it.
    Stop,
    /// It may join two words of a source.
    Join,
    /// A relative pronoun: the source runs through it after a noun that names people or
    /// things.
    Relative,
    /// A determiner: opens a source.
    Det,
    /// A coordinating conjunction (`and`): joins two names.
    Conj,
}

/// A map from lexicon words. The lookups run on every word near a cue and of every name
/// of a document, so the tables use the fast [`super::word_hash::WordHasher`]; nothing
/// iterates them in an order that reaches the output.
pub type WordMap<V> = super::word_hash::WordMap<String, V>;
/// A set of lexicon words (see [`WordMap`]).
pub type WordSet = super::word_hash::WordSet<String>;

/// Compiled source lexicons.
#[derive(Debug, Clone, Default)]
pub struct SourceLexicons {
    /// Lower-cased pronoun → what it refers to.
    pub pronouns: WordMap<Refers>,
    /// Lower-cased possessive determiners (`his`, `their`).
    pub possessives: WordSet,
    /// Lower-cased pronouns that can be the subject of a bare verb form (`I`, `we`, `they`).
    pub plural_subjects: WordSet,
    /// Lower-cased anonymous-source nouns and phrases.
    pub anonymous: WordSet,
    /// Lower-cased document and utterance nouns.
    pub documents: WordSet,
    /// Country form (as written) → canonical name.
    pub countries: WordMap<String>,
    /// Organisation form (as written) → canonical name.
    pub organizations: WordMap<String>,
    /// Lower-cased role → `person` or `organization`.
    pub roles: WordMap<String>,
    /// Longest role, in words.
    pub role_words: usize,
    /// Honorifics as written (`Dr.`, `Mr`).
    pub honorifics: WordSet,
    /// Words that make a capitalised name an organisation.
    pub organization_words: WordSet,
    /// Lower-cased word → how it bounds a source.
    pub boundaries: WordMap<Boundary>,
    /// Lower-cased attribution hedges, longest first.
    pub hedges: Vec<String>,
    /// The hedges as one automaton (ASCII case folded, leftmost-longest).
    pub hedge_ac: Option<aho_corasick::AhoCorasick>,
}

impl SourceLexicons {
    /// Compile from loaded lexicons; entry errors go to `errors`.
    pub fn compile(lexicons: &BTreeMap<String, Lexicon>, files: &Files, errors: &mut Vec<RuleError>) -> Self {
        let mut out = SourceLexicons::default();
        let src = |name: &str| files.get(&format!("lexicons/{name}.txt")).map(String::as_str).unwrap_or("");
        if let Some(lx) = lexicons.get("pronouns") {
            errors.extend(lx.check_fields(src("pronouns"), 3, Some(&["person", "thing", "any", "self", "other"])));
            for e in &lx.entries {
                let w = e.text.to_lowercase();
                match e.fields.get(2).map(String::as_str) {
                    Some("possessive") => {
                        out.possessives.insert(w.clone());
                    }
                    Some("subject") if e.fields.get(1).is_some_and(|n| n != "singular") || w == "i" => {
                        out.plural_subjects.insert(w.clone());
                    }
                    _ => {}
                }
                let r = match e.fields.first().map(String::as_str) {
                    Some("person") => Refers::Person,
                    Some("thing") => Refers::Thing,
                    Some("self") => Refers::SelfRef,
                    Some("other") => Refers::Other,
                    _ => Refers::Any,
                };
                out.pronouns.insert(e.text.to_lowercase(), r);
            }
        }
        let lower_set =
            |name: &str| -> WordSet { lexicons.get(name).map(|lx| lx.words().map(str::to_lowercase).collect()).unwrap_or_default() };
        out.anonymous = lower_set("anonymous_sources");
        out.documents = lower_set("document_sources");
        let as_written = |name: &str, errors: &mut Vec<RuleError>| -> WordMap<String> {
            let Some(lx) = lexicons.get(name) else { return WordMap::default() };
            errors.extend(lx.check_fields(src(name), 1, None));
            lx.entries.iter().filter_map(|e| Some((e.text.clone(), e.fields.first()?.clone()))).collect()
        };
        out.countries = as_written("countries", errors);
        out.organizations = as_written("organizations", errors);
        if let Some(lx) = lexicons.get("roles") {
            errors.extend(lx.check_fields(src("roles"), 1, Some(&["person", "organization"])));
            for e in &lx.entries {
                let role = e.text.to_lowercase();
                out.role_words = out.role_words.max(role.split_whitespace().count());
                out.roles.insert(role, e.fields.first().cloned().unwrap_or_default());
            }
        }
        out.honorifics = lexicons.get("honorifics").map(|lx| lx.words().map(str::to_string).collect()).unwrap_or_default();
        out.organization_words = lexicons.get("organization_words").map(|lx| lx.words().map(str::to_string).collect()).unwrap_or_default();
        if let Some(lx) = lexicons.get("source_boundaries") {
            errors.extend(lx.check_fields(src("source_boundaries"), 1, Some(&["stop", "join", "relative", "det", "conj"])));
            for e in &lx.entries {
                let b = match e.fields.first().map(String::as_str) {
                    Some("join") => Boundary::Join,
                    Some("relative") => Boundary::Relative,
                    Some("det") => Boundary::Det,
                    Some("conj") => Boundary::Conj,
                    _ => Boundary::Stop,
                };
                out.boundaries.insert(e.text.to_lowercase(), b);
            }
        }
        let mut hedges: Vec<String> = lower_set("attribution_hedges").into_iter().collect();
        hedges.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        out.hedge_ac = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(&hedges)
            .ok();
        out.hedges = hedges;
        out
    }

    /// The role kind of a word or phrase (any case), trying a plural `-s` too.
    pub fn role(&self, w: &str) -> Option<&str> {
        let l = Lower::new(w);
        let l = l.as_str();
        self.roles.get(l).or_else(|| l.strip_suffix('s').and_then(|s| self.roles.get(s))).map(String::as_str)
    }

    /// Whether a word or phrase (any case) names an anonymous source.
    pub fn is_anonymous(&self, w: &str) -> bool {
        self.anonymous.contains(Lower::new(w).as_str())
    }

    /// Whether a word (any case) is a document or utterance noun.
    pub fn is_document(&self, w: &str) -> bool {
        self.documents.contains(Lower::new(w).as_str())
    }

    /// What a pronoun (any case) refers to, if the word is one.
    pub fn pronoun(&self, w: &str) -> Option<Refers> {
        self.pronouns.get(Lower::new(w).as_str()).copied()
    }

    /// Whether a word (any case) is a possessive determiner.
    pub fn is_possessive(&self, w: &str) -> bool {
        self.possessives.contains(Lower::new(w).as_str())
    }

    /// Whether a word (any case) is a pronoun that takes a bare verb form (`they say`).
    pub fn is_plural_subject(&self, w: &str) -> bool {
        self.plural_subjects.contains(Lower::new(w).as_str())
    }

    /// How a word bounds a source.
    pub fn boundary(&self, word: &str) -> Option<Boundary> {
        self.boundaries.get(Lower::new(word).as_str()).copied()
    }
}

/// A word in lower case without a heap allocation for the usual short ASCII word: the
/// lexicon lookups of the source reader run on every word near a cue.
pub struct Lower<'a> {
    buf: [u8; 40],
    len: usize,
    other: Option<std::borrow::Cow<'a, str>>,
}

impl<'a> Lower<'a> {
    /// Lower-case `w`.
    pub fn new(w: &'a str) -> Lower<'a> {
        let mut out = Lower { buf: [0; 40], len: 0, other: None };
        if !w.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
            out.other = Some(std::borrow::Cow::Borrowed(w));
        } else if w.is_ascii() && w.len() <= out.buf.len() {
            for (i, b) in w.bytes().enumerate() {
                out.buf[i] = b.to_ascii_lowercase();
            }
            out.len = w.len();
        } else {
            out.other = Some(std::borrow::Cow::Owned(w.to_lowercase()));
        }
        out
    }

    /// The lower-case text.
    pub fn as_str(&self) -> &str {
        match &self.other {
            Some(s) => s,
            None => std::str::from_utf8(&self.buf[..self.len]).unwrap_or(""),
        }
    }
}
