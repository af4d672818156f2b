//! `attribution` rules and the reporting-cue lexicon.
//!
//! The cue lexicon (`lexicons/reporting_verbs.txt`, `form | lemma | class | pos`) is
//! compiled into one Aho-Corasick automaton: a document is scanned once and every cue
//! candidate found; sentences without one are never looked at again (the prefilter).
//!
//! An `attribution` rule is a construction around a cue, as in vale: the author fills in
//! parameters, never code.
//!
//! - `cues`: which readings of a cue it applies to (`verb`, `noun`, `prep`);
//!   `cue_pattern`: a regex the cue text must match (`ing$`); `lemmas`: a list of lemmas.
//! - `before` / `after`: regexes over the sentence text before and after the cue (anchor
//!   them with `$` and `^`); both must match. Named groups `source`, `content` and `hedge`
//!   give those parts directly. `not_before` / `not_after` veto the rule.
//! - `source_from`: where the source is when no `source` group gives it — `left` (the noun
//!   phrase before the `before` match), `right` (the noun phrase right after the cue; `after`
//!   only guards it),
//!   `subject` (the subject of the clause, for `…, saying`), `previous` (the source of the
//!   previous attribution in the sentence, for coordinated cues), `context` (a possessor or
//!   a speech mentioned just before) or `none` (agentless).
//! - `content_from`: `group` (default), `right` (the rest of the sentence after the
//!   `after` match), `left` (the sentence up to the source), `next-quote` (the quotation
//!   that follows, for `he declared:`), `previous-quote` (the quotation just before, for a
//!   sentence that is only `he said.`), `quote-before` (the quotation whose closing mark
//!   begins the `before` match, for `“…,” Smith said`; a `content` group in `after` extends
//!   it over the second part of a split quotation).
//! - `source_kind`, `content_kind`: fixed values for agentless rules and the like.
//! - `priority`: higher runs first (default 0); ties keep file order.
//! - `in_quotes`: read cues inside a quotation too (default false: an attribution nested
//!   in a quotation belongs to the quoted speaker and is not reported).
//! - `nests`: the content is the speaker's words whatever cues stand in it (a transcript
//!   line `CLINTON: I believe …`): it is not cut at a later cue of its sentence.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use toml::Spanned;

use super::{Ctx, Files, LazyRegex, Lexicon, RawRule, RuleError};

/// Cue classes (SPEC §3).
pub const CLASSES: &[&str] = &["neutral", "assertive", "distancing", "factive", "tentative", "critical", "directive", "belief"];
/// Cue parts of speech.
pub const POS: &[&str] = &["verb", "noun", "prep"];
/// Where a source may come from.
pub const SOURCE_FROM: &[&str] = &["group", "left", "right", "subject", "previous", "context", "none"];
/// Where a content may come from.
pub const CONTENT_FROM: &[&str] = &["group", "right", "left", "next-quote", "previous-quote", "quote-before"];
/// Source kinds (SPEC §3).
pub const SOURCE_KINDS: &[&str] = &["person", "organization", "country", "pronoun", "anonymous", "document", "unknown"];
/// Content kinds (SPEC §3).
pub const CONTENT_KINDS: &[&str] = &["direct", "indirect", "mixed"];

/// One reading of a cue form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CueReading {
    /// Lemma (`say`, `call for`).
    pub lemma: String,
    /// Class (`neutral`, …).
    pub class: String,
    /// `verb`, `noun` or `prep`.
    pub pos: String,
}

/// A cue candidate found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CueHit {
    /// Byte range in the scanned text.
    pub range: Range<usize>,
    /// Index of its form in [`CueLexicon::readings`].
    pub form: usize,
}

/// (rule, reading) index pairs.
type Pairs = Vec<(usize, usize)>;

/// The compiled reporting-cue lexicon.
#[derive(Debug, Clone, Default)]
pub struct CueLexicon {
    ac: Option<AhoCorasick>,
    /// The forms, lower case, in pattern order.
    pub forms: Vec<String>,
    /// The readings of each form.
    pub readings: Vec<Vec<CueReading>>,
    /// For each form, the (rule, reading) pairs whose rule accepts that reading of the
    /// form, in the order the tagger tries them; made at the first use from the rule set's
    /// attribution rules (see [`CueLexicon::accepting`]).
    accepting: OnceLock<Vec<Option<Pairs>>>,
}

impl CueLexicon {
    /// Compile `lexicons/reporting_verbs.txt`; entry errors go to `errors`.
    pub fn compile(lexicons: &BTreeMap<String, Lexicon>, files: &Files, errors: &mut Vec<RuleError>) -> Self {
        let Some(lx) = lexicons.get("reporting_verbs") else { return CueLexicon::default() };
        let src = files.get("lexicons/reporting_verbs.txt").map(String::as_str).unwrap_or("");
        let mut index: BTreeMap<String, usize> = BTreeMap::new();
        let mut out = CueLexicon::default();
        for e in &lx.entries {
            let at = || super::lexicon::line_offset(src, e.line);
            if e.fields.len() != 3 {
                errors.push(RuleError::at(
                    &lx.path,
                    src,
                    at(),
                    format!("expected `form | lemma | class | pos`, found {} field(s) after the form", e.fields.len()),
                ));
                continue;
            }
            if !CLASSES.contains(&e.fields[1].as_str()) {
                errors.push(RuleError::at(
                    &lx.path,
                    src,
                    at(),
                    format!("unknown class `{}`; expected one of {}", e.fields[1], CLASSES.join(", ")),
                ));
                continue;
            }
            if !POS.contains(&e.fields[2].as_str()) {
                errors.push(RuleError::at(
                    &lx.path,
                    src,
                    at(),
                    format!("unknown pos `{}`; expected one of {}", e.fields[2], POS.join(", ")),
                ));
                continue;
            }
            let form = e.text.to_lowercase();
            let i = *index.entry(form.clone()).or_insert_with(|| {
                out.forms.push(form);
                out.readings.push(Vec::new());
                out.forms.len() - 1
            });
            let r = CueReading { lemma: e.fields[0].clone(), class: e.fields[1].clone(), pos: e.fields[2].clone() };
            if !out.readings[i].contains(&r) {
                out.readings[i].push(r);
            }
        }
        out.ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            // (a DFA: 1.26 MB, once per process, where a contiguous NFA takes 0.13 MB; it
            // scans 9 MB of the news corpus in 58-67 ms against 178-292 ms for the NFA, on
            // the same hits)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(&out.forms)
            .ok();
        out
    }

    /// Every cue in `text` as a whole word (or words); where cues overlap, the longest from
    /// the leftmost start wins. One pass over the text (leftmost-longest, ASCII case
    /// folded).
    pub fn find(&self, text: &str) -> Vec<CueHit> {
        let Some(ac) = &self.ac else { return Vec::new() };
        let mut kept: Vec<CueHit> = Vec::new();
        for m in ac.find_iter(text) {
            // word edges are checked where the form itself begins or ends with a word
            // character (`said`), not for punctuation cues (`:`)
            let f = self.forms[m.pattern().as_usize()].as_bytes();
            if (!f[0].is_ascii_alphanumeric() || is_word_edge(text, m.start(), true))
                && (!f[f.len() - 1].is_ascii_alphanumeric() || is_word_edge(text, m.end(), false))
            {
                kept.push(CueHit { range: m.start()..m.end(), form: m.pattern().as_usize() });
            }
        }
        kept
    }

    /// The (index in `rules`, index in [`CueLexicon::readings`]) pairs to try for a cue of
    /// form `form`: rule by rule (in their order), reading by reading, those where
    /// [`AttributionRule::accepts`] holds for the form's text. `None` when the form is not
    /// its own lower case, so the text of a cue may differ from it: the caller tests
    /// `accepts` itself then. `rules` must be the attribution rules of the set this lexicon
    /// belongs to (the table is made once, at the first call).
    pub fn accepting(&self, rules: &[AttributionRule], form: usize) -> Option<&[(usize, usize)]> {
        let table = self.accepting.get_or_init(|| {
            self.forms
                .iter()
                .zip(&self.readings)
                .map(|(f, readings)| {
                    // a cue is found ASCII case folded: its lower case is the form when the
                    // form is its own lower case
                    (f.to_lowercase() == *f).then(|| {
                        let mut pairs = Vec::new();
                        for (ri, rule) in rules.iter().enumerate() {
                            for (di, reading) in readings.iter().enumerate() {
                                if rule.accepts(reading, f) {
                                    pairs.push((ri, di));
                                }
                            }
                        }
                        pairs
                    })
                })
                .collect()
        });
        table.get(form)?.as_deref()
    }

    /// Whether a lower-cased word or phrase is a cue form with a `verb` reading.
    pub fn is_verb(&self, lower: &str) -> bool {
        self.forms.iter().position(|f| f == lower).is_some_and(|i| self.readings[i].iter().any(|r| r.pos == "verb"))
    }
}

/// Whether byte `i` of `text` is a word edge: the character on the outer side is not a
/// letter or digit, nor a hyphen joining a compound (`value-added`).
fn is_word_edge(text: &str, i: usize, start: bool) -> bool {
    let c = if start { text[..i].chars().next_back() } else { text[i..].chars().next() };
    !c.is_some_and(|c| c.is_alphanumeric() || c == '-')
}

/// Where an attribution rule takes its source from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFrom {
    /// The `source` group.
    Group,
    /// The noun phrase before the `before` match.
    Left,
    /// The noun phrase after the `after` match.
    Right,
    /// The clause subject.
    Subject,
    /// The previous attribution's source in the sentence.
    Previous,
    /// A possessor or a speech mentioned just before.
    Context,
    /// Agentless.
    None,
}

/// Where an attribution rule takes its content from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentFrom {
    /// The `content` group.
    Group,
    /// The rest of the sentence.
    Right,
    /// The sentence up to the source.
    Left,
    /// The quotation that follows.
    NextQuote,
    /// The quotation just before.
    PreviousQuote,
    /// The quotation whose closing mark begins the `before` match (`“…,” Smith said`); an
    /// `after` group `content` extends it (a split quotation).
    QuoteBefore,
}

/// A compiled `attribution` rule.
#[derive(Debug, Clone)]
pub struct AttributionRule {
    /// Index of the rule in [`super::RuleSet::rules`].
    pub rule: usize,
    /// Cue readings it applies to.
    pub cues: Vec<String>,
    /// Regex the cue text must match.
    pub cue_pattern: Option<Arc<LazyRegex>>,
    /// Lemmas it applies to (all when empty).
    pub lemmas: HashSet<String>,
    /// Regex over the sentence before the cue.
    pub before: Option<Arc<LazyRegex>>,
    /// Regex over the sentence after the cue.
    pub after: Option<Arc<LazyRegex>>,
    /// The bytes a `before` match holds one of, when known (see [`needed_bytes`]).
    pub before_needs: Option<ByteSet>,
    /// The bytes an `after` match holds one of, when known.
    pub after_needs: Option<ByteSet>,
    /// Whether `before` has named groups to read (without them only where its match
    /// starts matters, and a plain search finds that).
    pub before_groups: bool,
    /// Whether `after` has named groups to read.
    pub after_groups: bool,
    /// Veto over the text before the cue.
    pub not_before: Option<Arc<LazyRegex>>,
    /// Veto over the text after the cue.
    pub not_after: Option<Arc<LazyRegex>>,
    /// Source strategy.
    pub source_from: SourceFrom,
    /// Content strategy.
    pub content_from: ContentFrom,
    /// Fixed source kind.
    pub source_kind: Option<String>,
    /// Fixed content kind.
    pub content_kind: Option<String>,
    /// Higher runs first.
    pub priority: i32,
    /// Whether it reads cues inside quotations.
    pub in_quotes: bool,
    /// Whether its content keeps the later cues of its sentence.
    pub nests: bool,
}

/// Compile a context pattern of a `quote` or `attribution` rule: lexicons expanded, and
/// `\b` read as an ASCII word boundary (`(?-u:\b)`). A Unicode boundary would stop the
/// lazy DFA at the first non-ASCII character (a curly quotation mark, a dash) and send
/// every search to a slower engine; for the English cue words these rules anchor on, the
/// ASCII boundary is the same.
///
/// Each `{{lexicon}}` is wrapped in an unnamed capturing group. A group matches exactly
/// what the bare alternation matches, but the parser no longer flattens the words into a
/// surrounding alternation (`(?:{{cue_modifiers}}|\p{Ll}+ly)`), so they compile to one
/// literal trie instead of one branch per word: the capture engine (the bounded
/// backtracker) tries a word by its first byte rather than every word at every position.
/// Only named groups are read from these patterns, so the extra groups change no result.
pub fn compile_context_pattern(ctx: &Ctx, p: &Spanned<String>, errors: &mut Vec<RuleError>) -> Option<super::rx::Regex> {
    let expanded = expand_context_pattern(ctx, p, errors)?;
    build_context_pattern(ctx, p, &expanded, errors)
}

/// [`compile_context_pattern`], one regex shared by every rule with the same expanded
/// pattern (the nominal rules repeat their `before`): it is compiled once, and its lazy DFA
/// states, built as the text is read, serve all of them. With [`Ctx::deferred`] it is left
/// to build at its first use.
pub fn compile_context_pattern_shared(ctx: &Ctx, p: &Spanned<String>, errors: &mut Vec<RuleError>) -> Option<Arc<LazyRegex>> {
    let expanded = expand_context_pattern(ctx, p, errors)?;
    if let Some(re) = ctx.shared.borrow().get(&expanded) {
        return Some(re.clone());
    }
    let re = Arc::new(if ctx.deferred {
        LazyRegex::deferred(expanded.clone(), super::Reach::Gated)
    } else {
        LazyRegex::built(build_context_pattern(ctx, p, &expanded, errors)?)
    });
    ctx.shared.borrow_mut().insert(expanded, re.clone());
    Some(re)
}

/// A context pattern with `\b` made ASCII and its lexicons expanded.
fn expand_context_pattern(ctx: &Ctx, p: &Spanned<String>, errors: &mut Vec<RuleError>) -> Option<String> {
    let src = p.get_ref();
    let mut out = String::with_capacity(src.len() + 16);
    let mut chars = src.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('b') => out.push_str("(?-u:\\b)"),
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    let out = out.replace("{{", "({{").replace("}}", "}})");
    match super::expand_lexicons(&out, ctx.lexicons) {
        Ok(s) => Some(s),
        Err(m) => {
            errors.push(ctx.error(p.span(), m));
            None
        }
    }
}

/// Compile an expanded context pattern, pushing any error at `p`.
fn build_context_pattern(ctx: &Ctx, p: &Spanned<String>, expanded: &str, errors: &mut Vec<RuleError>) -> Option<super::rx::Regex> {
    match super::build_regex(expanded, super::Reach::Gated) {
        Ok(r) => Some(r),
        Err(e) => {
            let msg = match e {
                regex::Error::CompiledTooBig(n) => format!("regex too big: it compiles to more than {n} bytes"),
                other => format!("bad regex: {}", other.to_string().lines().last().unwrap_or("").trim_start_matches("error: ")),
            };
            errors.push(ctx.error(p.span(), msg));
            None
        }
    }
}

/// A set of bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ByteSet([u64; 4]);

impl ByteSet {
    /// The bytes of `s`.
    pub fn of(s: &[u8]) -> ByteSet {
        let mut out = ByteSet::default();
        for &b in s {
            out.insert(b);
        }
        out
    }

    fn insert(&mut self, b: u8) {
        self.0[usize::from(b >> 6)] |= 1 << (b & 63);
    }

    fn union(self, other: ByteSet) -> ByteSet {
        ByteSet(std::array::from_fn(|i| self.0[i] | other.0[i]))
    }

    fn len(&self) -> u32 {
        self.0.iter().map(|w| w.count_ones()).sum()
    }

    /// Whether the two sets share a byte.
    pub fn meets(&self, other: &ByteSet) -> bool {
        self.0.iter().zip(&other.0).any(|(a, b)| a & b != 0)
    }
}

/// The bytes a match of a context pattern must hold one of, read from the pattern as
/// written (a `{{lexicon}}` stands for anything): the punctuation or quotation mark it
/// cannot match without (`,` in `^(?P<content>.+),\s*$`, the closing marks in
/// `(?:[”"’»“']|'')\s*,?\s*$`). A text without any of them cannot hold a match, so the
/// tagger skips the rule for a sentence without them before any regex runs. `None` when
/// the pattern needs no such byte (or is not understood).
pub fn needed_bytes(pattern: &str) -> Option<ByteSet> {
    use regex_syntax::ast::{Ast, ClassSet, ClassSetItem, RepetitionKind, RepetitionRange};
    // one character that is neither a letter, a digit nor a space, and has no other case
    // (what `(?i)` matches is that character alone): the first byte of its UTF-8 form
    let mark = |c: char| {
        let caseless = c.to_lowercase().eq(std::iter::once(c)) && c.to_uppercase().eq(std::iter::once(c));
        (!c.is_alphanumeric() && !c.is_whitespace() && caseless).then(|| ByteSet::of(&c.encode_utf8(&mut [0; 4]).as_bytes()[..1]))
    };
    fn item(i: &ClassSetItem, mark: &dyn Fn(char) -> Option<ByteSet>) -> Option<ByteSet> {
        match i {
            ClassSetItem::Literal(l) => mark(l.c),
            ClassSetItem::Union(u) => u.items.iter().try_fold(ByteSet::default(), |acc, i| Some(acc.union(item(i, mark)?))),
            ClassSetItem::Bracketed(b) if !b.negated => match &b.kind {
                ClassSet::Item(i) => item(i, mark),
                ClassSet::BinaryOp(_) => None,
            },
            _ => None,
        }
    }
    fn needs(ast: &Ast, mark: &dyn Fn(char) -> Option<ByteSet>) -> Option<ByteSet> {
        match ast {
            Ast::Literal(l) => mark(l.c),
            Ast::ClassBracketed(c) if !c.negated => match &c.kind {
                ClassSet::Item(i) => item(i, mark),
                ClassSet::BinaryOp(_) => None,
            },
            Ast::Repetition(r) => match r.op.kind {
                RepetitionKind::OneOrMore => needs(&r.ast, mark),
                RepetitionKind::Range(RepetitionRange::Exactly(n) | RepetitionRange::AtLeast(n) | RepetitionRange::Bounded(n, _))
                    if n > 0 =>
                {
                    needs(&r.ast, mark)
                }
                _ => None,
            },
            Ast::Group(g) => needs(&g.ast, mark),
            // every branch needs one of its bytes
            Ast::Alternation(a) => a.asts.iter().try_fold(ByteSet::default(), |acc, b| Some(acc.union(needs(b, mark)?))),
            // any part that needs bytes will do: the smallest set is the strongest test
            Ast::Concat(c) => c.asts.iter().filter_map(|a| needs(a, mark)).min_by_key(ByteSet::len),
            _ => None,
        }
    }
    needs(&parse_masked(pattern)?, &mark)
}

/// The syntax of a context pattern as written, each `{{lexicon}}` read as an empty group
/// (a lexicon's words are escaped: they add no group and no syntax); `None` when it does
/// not parse.
fn parse_masked(pattern: &str) -> Option<regex_syntax::ast::Ast> {
    let masked = pattern.split("{{").enumerate().fold(String::new(), |mut out, (i, part)| {
        match part.split_once("}}").filter(|_| i > 0) {
            Some((_, rest)) => {
                out.push_str("(?:)");
                out.push_str(rest);
            }
            None => out.push_str(part),
        }
        out
    });
    regex_syntax::ast::parse::Parser::new().parse(&masked).ok()
}

/// Whether a context pattern as written has a named group, read from its syntax without
/// building it; `None` when it does not parse.
pub fn has_named_groups(pattern: &str) -> Option<bool> {
    use regex_syntax::ast::{Ast, GroupKind};
    fn named(ast: &Ast) -> bool {
        match ast {
            Ast::Group(g) => matches!(g.kind, GroupKind::CaptureName { .. }) || named(&g.ast),
            Ast::Repetition(r) => named(&r.ast),
            Ast::Alternation(a) => a.asts.iter().any(named),
            Ast::Concat(c) => c.asts.iter().any(named),
            _ => false,
        }
    }
    Some(named(&parse_masked(pattern)?))
}

impl AttributionRule {
    /// Compile, pushing any error.
    pub fn compile(ctx: &Ctx, raw: &RawRule, rule: usize, errors: &mut Vec<RuleError>) -> Option<AttributionRule> {
        let before_errors = errors.len();
        let opt = |p: &Option<Spanned<String>>, errors: &mut Vec<RuleError>| {
            p.as_ref().and_then(|p| compile_context_pattern_shared(ctx, p, errors))
        };
        let before = opt(&raw.before, errors);
        let after = opt(&raw.after, errors);
        let not_before = opt(&raw.not_before, errors);
        let not_after = opt(&raw.not_after, errors);
        let cue_pattern = opt(&raw.cue_pattern, errors);
        if raw.pattern.is_some() {
            errors.push(ctx.error(raw.name.span(), "an `attribution` rule takes `before` and `after`, not `pattern`"));
        }
        let mut cues = Vec::new();
        for c in raw.cues.iter().flatten() {
            if POS.contains(&c.get_ref().as_str()) {
                cues.push(c.get_ref().clone());
            } else {
                errors.push(ctx.error(c.span(), format!("unknown cue reading `{}`; expected one of {}", c.get_ref(), POS.join(", "))));
            }
        }
        if cues.is_empty() && raw.cues.is_none() {
            cues = POS.iter().map(|s| s.to_string()).collect();
        }
        let pick = |f: &Option<Spanned<String>>, name: &str, allowed: &[&str], default: &str, errors: &mut Vec<RuleError>| match f {
            None => Some(default.to_string()),
            Some(v) if allowed.contains(&v.get_ref().as_str()) => Some(v.get_ref().clone()),
            Some(v) => {
                errors.push(ctx.error(v.span(), format!("unknown {name} `{}`; expected one of {}", v.get_ref(), allowed.join(", "))));
                None
            }
        };
        let source_from = match pick(&raw.source_from, "source_from", SOURCE_FROM, "group", errors)?.as_str() {
            "left" => SourceFrom::Left,
            "right" => SourceFrom::Right,
            "subject" => SourceFrom::Subject,
            "previous" => SourceFrom::Previous,
            "context" => SourceFrom::Context,
            "none" => SourceFrom::None,
            _ => SourceFrom::Group,
        };
        let content_from = match pick(&raw.content_from, "content_from", CONTENT_FROM, "group", errors)?.as_str() {
            "right" => ContentFrom::Right,
            "left" => ContentFrom::Left,
            "next-quote" => ContentFrom::NextQuote,
            "previous-quote" => ContentFrom::PreviousQuote,
            "quote-before" => ContentFrom::QuoteBefore,
            _ => ContentFrom::Group,
        };
        let source_kind = match &raw.source_kind {
            Some(_) => Some(pick(&raw.source_kind, "source_kind", SOURCE_KINDS, "", errors)?),
            None => None,
        };
        let content_kind = match &raw.content_kind {
            Some(_) => Some(pick(&raw.content_kind, "content_kind", CONTENT_KINDS, "", errors)?),
            None => None,
        };
        if errors.len() > before_errors {
            return None;
        }
        let needs = |p: &Option<Spanned<String>>| p.as_ref().and_then(|p| needed_bytes(p.get_ref()));
        // (a deferred regex's groups are read from its syntax: building it would cost what
        // deferring saves)
        let named = |p: &Option<Spanned<String>>, re: &Option<Arc<LazyRegex>>| {
            re.as_ref().is_some_and(|re| {
                let built = || re.capture_names().flatten().next().is_some();
                if re.is_built() { built() } else { p.as_ref().and_then(|p| has_named_groups(p.get_ref())).unwrap_or_else(built) }
            })
        };
        Some(AttributionRule {
            rule,
            cues,
            cue_pattern,
            lemmas: raw.lemmas.iter().flatten().cloned().collect(),
            before_needs: needs(&raw.before),
            after_needs: needs(&raw.after),
            before_groups: named(&raw.before, &before),
            after_groups: named(&raw.after, &after),
            before,
            after,
            not_before,
            not_after,
            source_from,
            content_from,
            source_kind,
            content_kind,
            priority: raw.priority.unwrap_or(0),
            in_quotes: raw.in_quotes.unwrap_or(false),
            nests: raw.nests.unwrap_or(false),
        })
    }

    /// Whether the rule applies to a cue reading with this text.
    pub fn accepts(&self, reading: &CueReading, cue_text: &str) -> bool {
        self.cues.contains(&reading.pos)
            && (self.lemmas.is_empty() || self.lemmas.contains(&reading.lemma))
            && self.cue_pattern.as_ref().is_none_or(|re| re.is_match(cue_text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(s: &str) -> Option<ByteSet> {
        Some(ByteSet::of(s.as_bytes()))
    }

    #[test]
    fn needed_bytes_are_the_marks_a_match_cannot_do_without() {
        assert_eq!(needed_bytes(r"^(?P<content>.+),\s*$"), bytes(","));
        // every branch of an alternation needs one: the union
        assert_eq!(needed_bytes(r#"(?:["']|'')\s*,?\s*$"#), bytes("\"'"));
        // a curly mark is known by its first byte
        assert_eq!(needed_bytes(r"”\s*$"), Some(ByteSet::of(&[0xE2])));
        // the smallest set of a sequence
        assert_eq!(needed_bytes(r"[.,;]\s*:\s*$"), bytes(":"));
        // a lexicon stands for anything
        assert_eq!(needed_bytes(r"(?:{{cue_modifiers}}|,)\s+:"), bytes(":"));
        assert_eq!(needed_bytes(r"(?:{{cue_modifiers}}|,)\s+$"), None);
    }

    #[test]
    fn deferred_builtin_patterns_are_the_checked_ones() {
        let checked = super::super::RuleSet::load(&super::super::builtin_files(), "built-in").expect("built-in rules load");
        let deferred = super::super::RuleSet::builtin();
        let read = |set: &super::super::RuleSet| -> Vec<_> {
            let p = |r: &Option<Arc<LazyRegex>>| r.as_ref().map(|r| r.as_str().to_string());
            set.attributions
                .iter()
                .map(|r| {
                    (
                        r.rule,
                        p(&r.before),
                        p(&r.after),
                        p(&r.not_before),
                        p(&r.not_after),
                        p(&r.cue_pattern),
                        r.before_groups,
                        r.after_groups,
                    )
                })
                .collect()
        };
        assert!(deferred.attributions.iter().all(|r| r.before.as_ref().is_none_or(|b| !b.is_built())));
        assert_eq!(read(&checked), read(&deferred));
        assert!(checked.attributions.iter().all(|r| r.after.as_ref().is_none_or(|a| a.is_built())));
    }

    #[test]
    fn named_groups_are_read_from_the_pattern() {
        assert_eq!(has_named_groups(r"^\s+(?P<content>.+)$"), Some(true));
        assert_eq!(has_named_groups(r"(?:(?:(?<hedge>{{attribution_hedges}})|{{cue_modifiers}})\s+)*$"), Some(true));
        assert_eq!(has_named_groups(r"^(?:\s*[,:]\s*|\s+)(x)"), Some(false));
        assert_eq!(has_named_groups(r"(unclosed"), None);
    }

    #[test]
    fn what_may_match_without_a_mark_needs_none() {
        for p in [r"^\s+that\s+(?P<content>.+)$", r",?\s*$", r"(?:,|\band)\s*$", r"[^,]+$", r",{0,3}$", r"\s*\b\w+ly$", r"(?i)k"] {
            assert_eq!(needed_bytes(p), None, "{p}");
        }
    }
}
