//! `quote` rules, which decide a quotation's kind (SPEC §3: `direct`, `partial`, `term`),
//! and the quotation-mark table (`lexicons/quote_marks.txt`).
//!
//! A `quote` rule sets `quote_kind` and any of these conditions, all of which must hold:
//! `before` (regex over the sentence text before the opening mark), `after` (regex over
//! the sentence text after the closing mark), `inside` (regex over the quoted text),
//! `min_words` / `max_words` (words inside), `attributed` (whether the quotation is part of
//! an attribution's content). Rules run by `priority` (higher first, default 0), then in
//! file order; the first that holds decides.

use super::{Ctx, Files, Lexicon, RawRule, RuleError};

/// Quotation kinds.
pub const QUOTE_KINDS: &[&str] = &["direct", "partial", "term"];

/// One pair of quotation marks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkPair {
    /// Opening mark (one or two characters: `“`, `''`).
    pub open: String,
    /// Closing mark.
    pub close: String,
    /// Whether the pair is a single-mark (nested-level) pair.
    pub single: bool,
}

/// The quotation-mark table.
#[derive(Debug, Clone, Default)]
pub struct QuoteMarks {
    /// Pairs in file order.
    pub pairs: Vec<MarkPair>,
    /// Every mark, longest first.
    marks: Vec<String>,
    /// The first characters of the marks, sorted (a quick test for the scan).
    firsts: Vec<char>,
}

impl QuoteMarks {
    /// Compile `lexicons/quote_marks.txt`; entry errors go to `errors`.
    pub fn compile(lexicons: &std::collections::BTreeMap<String, Lexicon>, files: &Files, errors: &mut Vec<RuleError>) -> Self {
        let Some(lx) = lexicons.get("quote_marks") else { return QuoteMarks::default() };
        let src = files.get("lexicons/quote_marks.txt").map(String::as_str).unwrap_or("");
        let mut pairs = Vec::new();
        for e in &lx.entries {
            let at = || super::lexicon::line_offset(src, e.line);
            let ok = |s: &str| (1..=2).contains(&s.chars().count()) && !s.chars().any(char::is_alphanumeric);
            match (e.fields.first(), e.fields.get(1).map(String::as_str)) {
                (Some(close), Some(level @ ("double" | "single"))) if e.fields.len() == 2 && ok(&e.text) && ok(close) => {
                    pairs.push(MarkPair { open: e.text.clone(), close: close.clone(), single: level == "single" })
                }
                _ => errors.push(RuleError::at(
                    &lx.path,
                    src,
                    at(),
                    "expected `opening | closing | double|single`, one or two characters per mark",
                )),
            }
        }
        let mut marks: Vec<String> = pairs.iter().flat_map(|p| [p.open.clone(), p.close.clone()]).collect();
        marks.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        marks.dedup();
        let mut firsts: Vec<char> = marks.iter().filter_map(|m| m.chars().next()).collect();
        firsts.sort_unstable();
        firsts.dedup();
        QuoteMarks { pairs, marks, firsts }
    }

    /// The longest mark at the start of `s`.
    pub fn mark_at<'m>(&'m self, s: &str) -> Option<&'m str> {
        self.marks.iter().find(|m| s.starts_with(m.as_str())).map(String::as_str)
    }

    /// The longest mark at the end of `s`.
    pub fn mark_before<'m>(&'m self, s: &str) -> Option<&'m str> {
        self.marks.iter().find(|m| s.ends_with(m.as_str())).map(String::as_str)
    }

    /// Byte length of the longest mark.
    pub fn longest(&self) -> usize {
        self.marks.first().map_or(0, String::len)
    }

    /// Whether `c` is (the first character of) any quotation mark of the table.
    pub fn is_mark(&self, c: char) -> bool {
        self.firsts.binary_search(&c).is_ok()
    }

    /// Whether `m` opens any pair.
    pub fn opens(&self, m: &str) -> bool {
        self.pairs.iter().any(|p| p.open == m)
    }

    /// Whether `m` closes any pair.
    pub fn is_closer(&self, m: &str) -> bool {
        self.pairs.iter().any(|p| p.close == m)
    }

    /// Whether `close` closes a quotation opened by `open`.
    pub fn closes(&self, open: &str, close: &str) -> bool {
        self.pairs.iter().any(|p| p.open == open && p.close == close)
    }

    /// Whether `m` opens and closes the same pair (straight marks).
    pub fn symmetric(&self, m: &str) -> bool {
        self.closes(m, m)
    }

    /// Whether `m` belongs to a double-level pair (as opening or closing mark).
    pub fn double(&self, m: &str) -> bool {
        self.pairs.iter().any(|p| !p.single && (p.open == m || p.close == m))
    }

    /// Whether `m` opens a single-level pair.
    pub fn single(&self, m: &str) -> bool {
        self.pairs.iter().any(|p| p.open == m && p.single)
    }
}

/// A compiled `quote` rule.
#[derive(Debug, Clone)]
pub struct QuoteRule {
    /// Index of the rule in [`super::RuleSet::rules`].
    pub rule: usize,
    /// The kind it gives.
    pub kind: String,
    /// Regex over the sentence before the opening mark.
    pub before: Option<super::rx::Regex>,
    /// Regex over the sentence after the closing mark.
    pub after: Option<super::rx::Regex>,
    /// Regex over the quoted text.
    pub inside: Option<super::rx::Regex>,
    /// Fewest words inside.
    pub min_words: Option<usize>,
    /// Most words inside.
    pub max_words: Option<usize>,
    /// Whether it must (true) or must not (false) be part of an attribution's content.
    pub attributed: Option<bool>,
    /// Higher runs first.
    pub priority: i32,
}

impl QuoteRule {
    /// Compile, pushing any error.
    pub fn compile(ctx: &Ctx, raw: &RawRule, rule: usize, errors: &mut Vec<RuleError>) -> Option<QuoteRule> {
        let n = errors.len();
        let opt = |p: &Option<toml::Spanned<String>>, errors: &mut Vec<RuleError>| {
            p.as_ref().and_then(|p| super::attribution::compile_context_pattern(ctx, p, errors))
        };
        let before = opt(&raw.before, errors);
        let after = opt(&raw.after, errors);
        let inside = opt(&raw.inside, errors);
        let kind = ctx.choice(raw, &raw.quote_kind, "quote_kind", QUOTE_KINDS, errors);
        if raw.pattern.is_some() {
            errors.push(ctx.error(raw.name.span(), "a `quote` rule takes `before`, `after` and `inside`, not `pattern`"));
        }
        if errors.len() > n {
            return None;
        }
        Some(QuoteRule {
            rule,
            kind: kind?,
            before,
            after,
            inside,
            min_words: raw.min_words,
            max_words: raw.max_words,
            attributed: raw.attributed,
            priority: raw.priority.unwrap_or(0),
        })
    }

    /// Whether the rule holds for a quotation: the sentence text before its opening mark,
    /// after its closing mark, its text, and whether it is attributed.
    pub fn holds(&self, before: &str, after: &str, inside: &str, attributed: bool) -> bool {
        let words = inside.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count();
        self.min_words.is_none_or(|m| words >= m)
            && self.max_words.is_none_or(|m| words <= m)
            && self.attributed.is_none_or(|a| a == attributed)
            && self.before.as_ref().is_none_or(|r| r.is_match(before))
            && self.after.as_ref().is_none_or(|r| r.is_match(after))
            && self.inside.as_ref().is_none_or(|r| r.is_match(inside))
    }
}
