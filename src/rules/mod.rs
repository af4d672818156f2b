//! The rule loader and compiler (SPEC §4).
//!
//! A rule set is a directory: lexicons under `lexicons/` (`.txt`) and rule files anywhere
//! else (`.toml`). Each rule file holds `[[rule]]` tables; a rule's id is its file path
//! without extension plus its name (`segment/blocks.toml` + `boilerplate-views` →
//! `segment/blocks/boilerplate-views`). Loading has two forms, as in ruff and vale: the
//! serde structs of [`RawRule`] mirror the file and keep spans; [`RuleSet::load`] checks
//! and compiles them once (regexes built, lexicons indexed) into the validated
//! [`RuleSet`] that every worker shares by reference. Every error of every file is
//! collected and reported at once with `path:line:col`.
//!
//! Rule kinds form a small fixed set, one Rust type each ([`block::BlockRule`],
//! [`metadata::MetadataRule`], …). Adding a kind is adding one type and one arm in
//! [`RuleSet::compile_rule`].

pub mod attribution;
pub mod block;
pub mod claim;
pub mod claim_lexicons;
pub mod claim_prefilter;
pub mod docs;
pub mod error;
pub mod examples;
pub mod lexicon;
pub mod metadata;
pub mod quote;
pub mod rx;
pub mod segment;
pub mod sources;
pub mod word_hash;

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use sha2::{Digest, Sha256};
use toml::Spanned;

pub use error::{RuleError, RuleErrors};
pub use lexicon::Lexicon;

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));
}

/// Largest compiled regex a rule may make (bytes), so a user's rule cannot blow up memory.
pub const REGEX_SIZE_LIMIT: usize = 4 << 20;
/// Largest lazy-DFA cache per regex.
pub const DFA_SIZE_LIMIT: usize = 1 << 20;

/// Where a rule's regex is searched, which decides whether it gets the regex engine's own
/// literal prefilter ([`rx`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Over every paragraph or sentence (block, metadata and clause rules): the prefilter
    /// skips to the regex's literals.
    Everywhere,
    /// Only where a match is likely: a claim pattern whose strings claimex's prefilter
    /// found, a context pattern next to its cue or quotation, an `unless` over a match.
    /// No prefilter: it would stop at the same words again.
    Gated,
}

/// A rule's regex with the limits every rule regex gets ([`REGEX_SIZE_LIMIT`],
/// [`DFA_SIZE_LIMIT`]), for where it is searched.
pub fn build_regex(pattern: &str, reach: Reach) -> Result<rx::Regex, regex::Error> {
    rx::Regex::with_limits(pattern, REGEX_SIZE_LIMIT, DFA_SIZE_LIMIT, reach)
}

/// A rule's regex (lexicons expanded), built at load ([`LazyRegex::built`]: a rule
/// directory, whose errors must be reported with their file and line) or the first time it
/// is used ([`LazyRegex::deferred`]: the built-in rules, which the test suite builds).
/// Building the claim and attribution regexes costs more than tagging megabytes of text,
/// and many runs never need some of them. The threads of a run search it with caches it
/// hands out ([`rx::Regex`]; [`set_worker`]).
#[derive(Debug, Clone)]
pub struct LazyRegex {
    /// The pattern it is built from.
    pattern: String,
    /// Where it is searched.
    reach: Reach,
    regex: std::sync::OnceLock<rx::Regex>,
}

pub use rx::set_worker;

impl LazyRegex {
    /// A regex already built (and so checked).
    pub fn built(regex: rx::Regex) -> LazyRegex {
        LazyRegex { pattern: regex.as_str().to_string(), reach: regex.reach(), regex: std::sync::OnceLock::from(regex) }
    }

    /// A regex to build when first used, from a pattern known to compile (the built-in
    /// rules'): a pattern that does not compile panics then.
    pub fn deferred(pattern: String, reach: Reach) -> LazyRegex {
        LazyRegex { pattern, reach, regex: std::sync::OnceLock::new() }
    }

    /// The pattern, without building the regex.
    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    /// Whether the regex has been built.
    pub fn is_built(&self) -> bool {
        self.regex.get().is_some()
    }
}

impl std::ops::Deref for LazyRegex {
    type Target = rx::Regex;

    fn deref(&self) -> &rx::Regex {
        self.regex.get_or_init(|| {
            build_regex(&self.pattern, self.reach).unwrap_or_else(|e| panic!("a built-in rule pattern does not compile: {e}"))
        })
    }
}

/// The kinds a rule can have.
pub const KINDS: &[&str] =
    &["block", "metadata", "quote", "attribution", "claim_type", "claim_cue", "not_claim", "claim_clause", "checkworthiness"];

/// Rule status, as in ruff: `stable` rules are on by default, `preview` ones are run and
/// reported but may change, `off` ones are loaded and tested but not applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// On, behaviour settled.
    Stable,
    /// On, behaviour may change.
    Preview,
    /// Loaded, tested, not applied.
    Off,
}

/// A rule file as written: `[[rule]]` tables.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    rule: Vec<Spanned<RawRule>>,
}

/// One rule as written. Fields used by one kind only are optional here and checked by that
/// kind's compiler.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    /// Name, unique in its file; the last part of the id.
    pub name: Spanned<String>,
    /// One of [`KINDS`].
    pub kind: Spanned<String>,
    /// What the rule is for.
    pub description: String,
    /// `stable` (default), `preview` or `off`.
    #[serde(default)]
    pub status: Option<Status>,
    /// The regex. `{{lexicon}}` expands to an alternation of a lexicon's entries.
    #[serde(default)]
    pub pattern: Option<Spanned<String>>,
    /// `block` rules: the block kind given to a matching paragraph.
    #[serde(default)]
    pub block: Option<Spanned<String>>,
    /// `block` rules: where in the document the paragraph must be.
    #[serde(default)]
    pub position: Option<Spanned<String>>,
    /// `block` rules: most words the paragraph may have.
    #[serde(default)]
    pub max_words: Option<usize>,
    /// `metadata` rules: the metadata field filled from the `value` capture group.
    #[serde(default)]
    pub field: Option<Spanned<String>>,
    /// `claim_type` rules: the claim type a match gives (`quantity`, `event`…).
    #[serde(default, rename = "type")]
    pub claim_type: Option<Spanned<String>>,
    /// Claim rules: a regex whose matches veto overlapping matches of `pattern`.
    #[serde(default)]
    pub unless: Option<Spanned<String>>,
    /// `claim_cue` rules: `hedge`, `booster` or `negation`.
    #[serde(default)]
    pub cue: Option<Spanned<String>>,
    /// `claim_cue` hedges: the certainty the cue leaves (`low`, `medium`, `high`).
    #[serde(default)]
    pub level: Option<Spanned<String>>,
    /// `claim_clause` rules: `sentence` (what a claim sentence must match), `split`
    /// (where a sentence splits into clauses) or `frame` (what the writer's framing around
    /// an attribution's content must match).
    #[serde(default)]
    pub clause: Option<Spanned<String>>,
    /// `checkworthiness` rules: a test on the claim (`type:quantity`, `entity`, `hedged`…).
    #[serde(default)]
    pub when: Option<Spanned<String>>,
    /// `checkworthiness` rules: the feature's weight (log-odds).
    #[serde(default)]
    pub weight: Option<Spanned<f64>>,
    /// `quote` and `attribution` rules: regex over the sentence text before the mark or cue.
    #[serde(default)]
    pub before: Option<Spanned<String>>,
    /// `quote` and `attribution` rules: regex over the sentence text after the mark or cue.
    #[serde(default)]
    pub after: Option<Spanned<String>>,
    /// `quote` and `attribution` rules: higher runs first (default 0).
    #[serde(default)]
    pub priority: Option<i32>,
    /// `quote` rules: the kind given (`direct`, `partial`, `term`).
    #[serde(default)]
    pub quote_kind: Option<Spanned<String>>,
    /// `quote` rules: regex over the quoted text.
    #[serde(default)]
    pub inside: Option<Spanned<String>>,
    /// `quote` rules: fewest words inside the marks; `claim_clause` rules: fewest words a
    /// sentence or clause keeps.
    #[serde(default)]
    pub min_words: Option<usize>,
    /// `quote` rules: whether the quotation must (or must not) be an attribution's content.
    #[serde(default)]
    pub attributed: Option<bool>,
    /// `attribution` rules: cue readings the rule applies to (`verb`, `noun`, `prep`).
    #[serde(default)]
    pub cues: Option<Vec<Spanned<String>>>,
    /// `attribution` rules: regex the cue text must match.
    #[serde(default)]
    pub cue_pattern: Option<Spanned<String>>,
    /// `attribution` rules: lemmas the rule applies to.
    #[serde(default)]
    pub lemmas: Option<Vec<String>>,
    /// `attribution` rules: veto regex over the text before the cue.
    #[serde(default)]
    pub not_before: Option<Spanned<String>>,
    /// `attribution` rules: veto regex over the text after the cue.
    #[serde(default)]
    pub not_after: Option<Spanned<String>>,
    /// `attribution` rules: where the source comes from (`group`, `left`, `right`, …).
    #[serde(default)]
    pub source_from: Option<Spanned<String>>,
    /// `attribution` rules: where the content comes from (`group`, `right`, `left`, …).
    #[serde(default)]
    pub content_from: Option<Spanned<String>>,
    /// `attribution` rules: a fixed source kind.
    #[serde(default)]
    pub source_kind: Option<Spanned<String>>,
    /// `attribution` rules: a fixed content kind.
    #[serde(default)]
    pub content_kind: Option<Spanned<String>>,
    /// `attribution` rules: whether the rule reads cues inside a quotation (default false:
    /// a nested attribution belongs to the quoted speaker).
    #[serde(default)]
    pub in_quotes: Option<bool>,
    /// `attribution` rules: the content holds the speaker's words whatever cues stand in
    /// them (a transcript line): it is not cut at a later cue of the sentence.
    #[serde(default)]
    pub nests: Option<bool>,
    /// Texts the rule must match, with the expected span and fields.
    #[serde(default)]
    pub examples: Vec<Spanned<RawExample>>,
    /// Texts the rule must not match.
    #[serde(default)]
    pub counterexamples: Vec<Spanned<String>>,
    /// Known gaps: texts it should match but does not yet; reported, not failed.
    #[serde(default)]
    pub todo: Vec<Spanned<String>>,
}

/// A positive example.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExample {
    /// The text.
    pub text: String,
    /// The substring the rule must produce: the span of a record naming the rule, one of
    /// its sub-spans (`cue`, `content`…) or their envelope. When absent, any record naming
    /// the rule will do (see [`examples`]).
    #[serde(default)]
    pub span: Option<String>,
    /// Fields the produced record must have (`block = "boilerplate"`, `value = "…"`).
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
}

/// A rule's example with its location.
#[derive(Debug, Clone)]
pub struct Example {
    /// The text.
    pub text: String,
    /// Expected span text.
    pub span: Option<String>,
    /// Expected fields.
    pub fields: BTreeMap<String, String>,
    /// 1-based line of the example in the rule file.
    pub line: usize,
}

/// What every rule has, whatever its kind.
#[derive(Debug, Clone)]
pub struct RuleMeta {
    /// Stable id: `dir/file/name`.
    pub id: String,
    /// Its kind.
    pub kind: String,
    /// What it is for.
    pub description: String,
    /// Its status.
    pub status: Status,
    /// Rule file path (relative to the rule set root).
    pub file: String,
    /// 1-based line of the rule in its file.
    pub line: usize,
    /// The pattern as written (before lexicon expansion).
    pub pattern: Option<String>,
    /// Positive examples.
    pub examples: Vec<Example>,
    /// Negative examples.
    pub counterexamples: Vec<(String, usize)>,
    /// Known gaps.
    pub todo: Vec<(String, usize)>,
}

/// The compiled, validated rule set shared by all workers.
#[derive(Debug)]
pub struct RuleSet {
    /// Every rule, in load order (file path, then position in file).
    pub rules: Vec<RuleMeta>,
    /// Lexicons by name.
    pub lexicons: BTreeMap<String, Lexicon>,
    /// Block-classification rules.
    pub blocks: Vec<block::BlockRule>,
    /// Metadata rules.
    pub metadata: Vec<metadata::MetadataRule>,
    /// Segmentation lexicons, compiled.
    pub segment: segment::SegmentLexicons,
    /// Quotation-kind rules, by priority then load order.
    pub quotes: Vec<quote::QuoteRule>,
    /// The quotation-mark table.
    pub quote_marks: quote::QuoteMarks,
    /// Attribution rules, by priority then load order.
    pub attributions: Vec<attribution::AttributionRule>,
    /// The reporting-cue lexicon.
    pub cues: attribution::CueLexicon,
    /// The source lexicons.
    pub sources: sources::SourceLexicons,
    /// Claim rules (types, cues, filters, clauses, check-worthiness) and lexicons, compiled.
    pub claims: claim::ClaimRules,
    /// sha256 of the effective rule files (paths and contents), hex.
    pub hash: String,
    /// Where the rules came from (`built-in` or a directory).
    pub origin: String,
}

/// Rule-set files: relative path → contents.
pub type Files = BTreeMap<String, String>;

/// The built-in rule files.
pub fn builtin_files() -> Files {
    builtin::BUILTIN.iter().map(|(p, s)| ((*p).to_string(), (*s).to_string())).collect()
}

/// Read every `.toml` and `.txt` file under `dir`.
pub fn read_dir(dir: &Path) -> std::io::Result<Files> {
    read_files(dir)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, format!("{}:{}:{}: {}", e.path, e.line, e.col, e.message)))
}

/// Read every `.toml` and `.txt` file under `dir`; a file that cannot be read, or is not
/// UTF-8, is an error at that file (and the line and column of its first bad byte).
fn read_files(dir: &Path) -> Result<Files, RuleError> {
    fn walk(root: &Path, dir: &Path, out: &mut Files) -> Result<(), RuleError> {
        let io_error = |p: &Path, e: std::io::Error| RuleError {
            path: p.display().to_string(),
            line: 1,
            col: 1,
            line_text: String::new(),
            message: e.to_string(),
        };
        for entry in std::fs::read_dir(dir).map_err(|e| io_error(dir, e))? {
            let p = entry.map_err(|e| io_error(dir, e))?.path();
            if p.is_dir() {
                walk(root, &p, out)?;
            } else if matches!(p.extension().and_then(|e| e.to_str()), Some("toml" | "txt")) {
                let rel = p.strip_prefix(root).expect("under root").to_string_lossy().replace('\\', "/");
                let bytes = std::fs::read(&p).map_err(|e| io_error(&p, e))?;
                let text = String::from_utf8(bytes).map_err(|e| {
                    let at = e.utf8_error().valid_up_to();
                    let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
                    let good = String::from_utf8_lossy(&e.as_bytes()[..at]).into_owned();
                    let mut err = RuleError::at(
                        &p.display().to_string(),
                        &lossy,
                        good.len(),
                        format!("not UTF-8 (byte {at}); save the file as UTF-8"),
                    );
                    err.col = good.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                    err
                })?;
                out.insert(rel, text);
            }
        }
        Ok(())
    }
    let mut out = Files::new();
    walk(dir, dir, &mut out)?;
    Ok(out)
}

impl RuleSet {
    /// The built-in rule set. Panics only if the embedded rules are broken, which the test
    /// suite rules out; so its claim and attribution regexes are compiled when first
    /// needed, not checked here (see [`LazyRegex`], [`LazyRegex`]).
    pub fn builtin() -> RuleSet {
        RuleSet::load_with(&builtin_files(), "built-in", true).unwrap_or_else(|e| panic!("built-in rules are invalid:\n{e}"))
    }

    /// Load a rule set from a directory.
    pub fn from_dir(dir: &Path) -> Result<RuleSet, RuleErrors> {
        let files = read_files(dir).map_err(|e| RuleErrors(vec![e]))?;
        RuleSet::load(&files, &dir.display().to_string())
    }

    /// Compile a rule set from its files. `origin` prefixes paths in error messages.
    pub fn load(files: &Files, origin: &str) -> Result<RuleSet, RuleErrors> {
        RuleSet::load_with(files, origin, false)
    }

    /// [`RuleSet::load`]; with `defer_claims`, the claim and attribution regexes are left to
    /// compile when a text first needs them, so their errors are not reported (rules known
    /// to be valid).
    fn load_with(files: &Files, origin: &str, defer_claims: bool) -> Result<RuleSet, RuleErrors> {
        let shown =
            |rel: &str| if origin == "built-in" { format!("rules/{rel}") } else { format!("{}/{rel}", origin.trim_end_matches('/')) };
        let mut errors = Vec::new();
        let mut lexicons = BTreeMap::new();
        for (rel, src) in files {
            if let Some(name) = rel.strip_prefix("lexicons/").and_then(|r| r.strip_suffix(".txt")) {
                match Lexicon::parse(name, &shown(rel), src) {
                    Ok(lx) => {
                        lexicons.insert(name.to_string(), lx);
                    }
                    Err(e) => errors.extend(e),
                }
            }
        }
        let segment = segment::SegmentLexicons::compile(&lexicons, files, &shown, &mut errors);
        let quote_marks = quote::QuoteMarks::compile(&lexicons, files, &mut errors);
        let cues = attribution::CueLexicon::compile(&lexicons, files, &mut errors);
        let sources = sources::SourceLexicons::compile(&lexicons, files, &mut errors);
        let mut set = RuleSet {
            rules: Vec::new(),
            lexicons: BTreeMap::new(),
            blocks: Vec::new(),
            metadata: Vec::new(),
            segment,
            quotes: Vec::new(),
            quote_marks,
            attributions: Vec::new(),
            cues,
            sources,
            claims: claim::ClaimRules { deferred: defer_claims, ..Default::default() },
            hash: hash_files(files),
            origin: origin.to_string(),
        };
        let shared = SharedRegexes::default();
        for (rel, src) in files {
            let Some(stem) = rel.strip_suffix(".toml") else { continue };
            let path = shown(rel);
            let raw: RawFile = match toml::from_str(src) {
                Ok(r) => r,
                Err(e) => {
                    errors.push(RuleError::at(&path, src, e.span().map_or(0, |s| s.start), e.message().trim().to_string()));
                    continue;
                }
            };
            let mut seen = BTreeMap::new();
            for rule in raw.rule {
                let span = rule.span();
                let rule = rule.into_inner();
                let name = rule.name.get_ref().clone();
                if let Some(prev) = seen.insert(name.clone(), span.start) {
                    let line = src[..prev].matches('\n').count() + 1;
                    errors.push(RuleError::span(
                        &path,
                        src,
                        rule.name.span(),
                        format!("rule `{name}` is defined twice (first at line {line})"),
                    ));
                    continue;
                }
                let ctx = Ctx { path: &path, src, lexicons: &lexicons, shared: &shared, deferred: defer_claims };
                let meta = ctx.meta(stem, &rule, span.start);
                let before = errors.len();
                set.compile_rule(&ctx, &rule, &meta, &mut errors);
                if errors.len() == before {
                    set.rules.push(meta);
                }
            }
        }
        set.claims.finish(&lexicons, files, &mut errors);
        set.lexicons = lexicons;
        set.quotes.sort_by_key(|r| std::cmp::Reverse(r.priority));
        set.attributions.sort_by_key(|r| std::cmp::Reverse(r.priority));
        if errors.is_empty() { Ok(set) } else { Err(RuleErrors(errors)) }
    }

    /// Compile one rule into the list of its kind.
    fn compile_rule(&mut self, ctx: &Ctx, rule: &RawRule, meta: &RuleMeta, errors: &mut Vec<RuleError>) {
        let index = self.rules.len();
        match rule.kind.get_ref().as_str() {
            "block" => {
                if let Some(r) = block::BlockRule::compile(ctx, rule, index, errors) {
                    self.blocks.push(r);
                }
            }
            "metadata" => {
                if let Some(r) = metadata::MetadataRule::compile(ctx, rule, index, errors) {
                    self.metadata.push(r);
                }
            }
            "quote" => {
                if let Some(r) = quote::QuoteRule::compile(ctx, rule, index, errors) {
                    self.quotes.push(r);
                }
            }
            "attribution" => {
                if let Some(r) = attribution::AttributionRule::compile(ctx, rule, index, errors) {
                    self.attributions.push(r);
                }
            }
            "claim_type" | "claim_cue" | "not_claim" | "claim_clause" | "checkworthiness" => {
                self.claims.compile(ctx, rule, index, errors);
            }
            other => errors.push(ctx.error(rule.kind.span(), format!("unknown rule kind `{other}`; expected one of {}", KINDS.join(", ")))),
        }
        if meta.examples.is_empty() && meta.status != Status::Off {
            errors.push(ctx.error(rule.name.span(), "rule has no examples; give at least one under `examples`"));
        }
    }

    /// The rule with this id.
    pub fn rule(&self, id: &str) -> Option<&RuleMeta> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// A lexicon by name, or an empty one.
    pub fn lexicon(&self, name: &str) -> &Lexicon {
        static EMPTY: std::sync::LazyLock<Lexicon> = std::sync::LazyLock::new(Lexicon::default);
        self.lexicons.get(name).unwrap_or(&EMPTY)
    }
}

fn hash_files(files: &Files) -> String {
    let mut h = Sha256::new();
    for (p, s) in files {
        h.update(p.as_bytes());
        h.update([0]);
        h.update(s.as_bytes());
        h.update([0]);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// What a kind's compiler needs to know about the file it reads.
pub struct Ctx<'a> {
    /// File path as shown in errors.
    pub path: &'a str,
    /// File contents.
    pub src: &'a str,
    /// Lexicons, for `{{name}}` expansion.
    pub lexicons: &'a BTreeMap<String, Lexicon>,
    /// Regexes compiled so far in this load, by expanded pattern, for rules that share
    /// them (see [`attribution::compile_context_pattern_shared`]).
    pub shared: &'a SharedRegexes,
    /// The rules are the built-in ones, known to compile: the attribution regexes are left
    /// to build at their first use (see [`LazyRegex`]).
    pub deferred: bool,
}

/// Compiled regexes by expanded pattern, kept while one rule set is loaded.
pub type SharedRegexes = std::cell::RefCell<std::collections::HashMap<String, std::sync::Arc<LazyRegex>>>;

impl Ctx<'_> {
    /// An error at a span of this file.
    pub fn error(&self, span: std::ops::Range<usize>, message: impl Into<String>) -> RuleError {
        RuleError::span(self.path, self.src, span, message)
    }

    fn line(&self, at: usize) -> usize {
        self.src[..at.min(self.src.len())].matches('\n').count() + 1
    }

    fn meta(&self, stem: &str, rule: &RawRule, at: usize) -> RuleMeta {
        RuleMeta {
            id: format!("{stem}/{}", rule.name.get_ref()),
            kind: rule.kind.get_ref().clone(),
            description: rule.description.trim().to_string(),
            status: rule.status.unwrap_or(Status::Stable),
            file: self.path.to_string(),
            line: self.line(at),
            pattern: rule.pattern.as_ref().map(|p| p.get_ref().clone()),
            examples: rule
                .examples
                .iter()
                .map(|e| {
                    let line = self.line(e.span().start);
                    let e = e.get_ref().clone();
                    Example { text: e.text, span: e.span, fields: e.fields, line }
                })
                .collect(),
            counterexamples: rule.counterexamples.iter().map(|c| (c.get_ref().clone(), self.line(c.span().start))).collect(),
            todo: rule.todo.iter().map(|c| (c.get_ref().clone(), self.line(c.span().start))).collect(),
        }
    }

    /// The rule's `pattern`, required, with `{{lexicon}}` expanded, compiled with size limits.
    pub fn regex(&self, rule: &RawRule, errors: &mut Vec<RuleError>) -> Option<rx::Regex> {
        let Some(p) = &rule.pattern else {
            errors.push(self.error(rule.name.span(), format!("a `{}` rule needs a `pattern`", rule.kind.get_ref())));
            return None;
        };
        self.compile_pattern_with(p, errors, None, Reach::Everywhere)
    }

    /// Expand a spanned pattern, rewrite it with `rewrite` (if any) and compile it once, for
    /// `reach`. Should the rewritten pattern not compile, the pattern as written is
    /// compiled, and its error, if any, reported.
    pub fn compile_pattern_with(
        &self,
        p: &Spanned<String>,
        errors: &mut Vec<RuleError>,
        rewrite: Option<fn(&str) -> String>,
        reach: Reach,
    ) -> Option<rx::Regex> {
        let expanded = self.expand_pattern(p, errors)?;
        if let Some(rewritten) = rewrite.map(|f| f(&expanded)).filter(|r| *r != expanded)
            && let Ok(r) = build_regex(&rewritten, reach)
        {
            return Some(r);
        }
        match build_regex(&expanded, reach) {
            Ok(r) => Some(r),
            Err(e) => {
                let msg = match e {
                    regex::Error::CompiledTooBig(n) => format!("regex too big: it compiles to more than {n} bytes"),
                    other => format!("bad regex: {}", other.to_string().lines().last().unwrap_or("").trim_start_matches("error: ")),
                };
                errors.push(self.error(p.span(), msg));
                None
            }
        }
    }

    /// A spanned pattern with `{{lexicon}}` expanded, or its error pushed.
    pub fn expand_pattern(&self, p: &Spanned<String>, errors: &mut Vec<RuleError>) -> Option<String> {
        expand_lexicons(p.get_ref(), self.lexicons).map_err(|m| errors.push(self.error(p.span(), m))).ok()
    }

    /// A required string field from a fixed set of values.
    pub fn choice(
        &self,
        rule: &RawRule,
        field: &Option<Spanned<String>>,
        name: &str,
        allowed: &[&str],
        errors: &mut Vec<RuleError>,
    ) -> Option<String> {
        match field {
            None => {
                errors.push(self.error(rule.name.span(), format!("a `{}` rule needs `{name}`", rule.kind.get_ref())));
                None
            }
            Some(v) if allowed.contains(&v.get_ref().as_str()) => Some(v.get_ref().clone()),
            Some(v) => {
                errors.push(self.error(v.span(), format!("unknown {name} `{}`; expected one of {}", v.get_ref(), allowed.join(", "))));
                None
            }
        }
    }
}

/// Replace each `{{name}}` in a pattern with `(?:e1|e2|…)` of the lexicon's entries,
/// regex-escaped, longest first.
pub fn expand_lexicons(pattern: &str, lexicons: &BTreeMap<String, Lexicon>) -> Result<String, String> {
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(i) = rest.find("{{") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let Some(j) = after.find("}}") else { return Err("`{{` without a closing `}}`".into()) };
        let name = after[..j].trim();
        let Some(lx) = lexicons.get(name) else { return Err(format!("no lexicon `{name}` (expected rules/lexicons/{name}.txt)")) };
        let mut words: Vec<&str> = lx.words().collect();
        words.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        words.dedup();
        out.push_str("(?:");
        out.push_str(&words.iter().map(|w| regex::escape(w)).collect::<Vec<_>>().join("|"));
        out.push(')');
        rest = &after[j + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_rules_load() {
        let set = RuleSet::builtin();
        assert!(!set.blocks.is_empty());
        assert_eq!(set.hash.len(), 64);
    }

    #[test]
    fn reports_all_errors_at_once_with_locations() {
        let mut files = builtin_files();
        files.insert(
            "x/bad.toml".into(),
            "[[rule]]\nname = \"a\"\nkind = \"block\"\ndescription = \"d\"\nblock = \"body\"\npattern = '(unclosed'\nexamples = [{ text = \"x\" }]\n\n[[rule]]\nname = \"b\"\nkind = \"nope\"\ndescription = \"d\"\nexamples = [{ text = \"x\" }]\n".into(),
        );
        files.insert("y/syntax.toml".into(), "[[rule]]\nname = \"a\"\nbogus = 1\n".into());
        let errs = RuleSet::load(&files, "built-in").unwrap_err().0;
        let got: Vec<String> = errs.iter().map(|e| format!("{}:{}:{}", e.path, e.line, e.col)).collect();
        assert_eq!(got, ["rules/x/bad.toml:6:11", "rules/x/bad.toml:11:8", "rules/y/syntax.toml:3:1"], "{errs:?}");
        assert!(errs[0].message.starts_with("bad regex"), "{}", errs[0].message);
        assert!(errs[2].message.contains("bogus"), "{}", errs[2].message);
    }
}
