//! The rule-example runner behind `claimex rules test` (SPEC §5, STYLE 9–10).
//!
//! Every example runs through the whole pipeline ([`crate::extract`]), so the runner knows
//! nothing about how a kind works: it flattens the output ([`crate::flat`]) and looks for
//! the records that name the rule (a sentence's block rule, a quotation's or claim's
//! `rules`, an attribution's `rule`, the rule that filled a metadata field). A positive
//! example passes when such a record has the expected span (the record's span, one of its
//! sub-spans such as `cue` or `content`, or their envelope) and the expected fields
//! (compared with the flattened record: `block`, `value`, `source`, `cue_class`,
//! `content_kind`, `types`…; a list field passes when it holds every listed item). A
//! counterexample passes when no record names the rule. `todo` texts are run and reported,
//! never failed.
//!
//! Each example is also run shifted by one character and inside a longer text (sentences
//! around it for sentence-level rules, paragraphs around it for the paragraph-level `block`
//! and `metadata` kinds), and the expected offsets move with it: this catches offset bugs
//! and rules that only work when the example is the whole document.

use std::collections::BTreeMap;
use std::time::Instant;

use serde_json::Value;

use super::block::Position;
use super::{RuleMeta, RuleSet, Status};
use crate::flat::{Flat, RecordType, flatten_record};
use crate::ingest::Document;

/// Filler put around an example of a sentence-level rule (in the same paragraph).
const SENTENCE_BEFORE: &str = "The hall was quiet that morning.";
const SENTENCE_AFTER: &str = "Nothing else was on the agenda.";
/// Filler paragraphs put around an example of a paragraph-level rule.
const PARAGRAPH_BEFORE: &str = "The hall was quiet that morning, and the committee took its seats one by one.";
const PARAGRAPH_AFTER: &str = "Nothing else was on the agenda, so the members went home early that afternoon.";
/// A masthead line put before an example of a front-matter rule.
const FRONT_BEFORE: &str = "The Harbour Letter";

/// Fewest positive examples a rule must have.
pub const MIN_EXAMPLES: usize = 2;
/// Fewest counterexamples a rule must have.
pub const MIN_COUNTEREXAMPLES: usize = 1;

/// How an example was run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// As written.
    Plain,
    /// With one leading character.
    Shifted,
    /// Inside a longer text.
    InContext,
}

impl Variant {
    /// How it is shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Variant::Plain => "as written",
            Variant::Shifted => "shifted by one character",
            Variant::InContext => "inside a longer text",
        }
    }
}

/// One failed check.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The rule id.
    pub rule: String,
    /// `path:line` of the example (or of the rule).
    pub location: String,
    /// What failed: `example`, `counterexample`, `rule`.
    pub what: &'static str,
    /// The variant that failed.
    pub variant: Variant,
    /// The text as run.
    pub text: String,
    /// What was expected.
    pub expected: String,
    /// What the pipeline produced.
    pub got: String,
}

/// A `todo` example and whether it now passes.
#[derive(Debug, Clone)]
pub struct Todo {
    /// `path:line`.
    pub location: String,
    /// The text.
    pub text: String,
    /// The rule fires on it now: it can become an example.
    pub passes: bool,
}

/// The result for one rule.
#[derive(Debug, Clone)]
pub struct RuleResult {
    /// The rule.
    pub id: String,
    /// `path:line` of the rule.
    pub location: String,
    /// Positive examples run.
    pub examples: usize,
    /// Counterexamples run.
    pub counterexamples: usize,
    /// Checks run (examples and counterexamples times their variants).
    pub checks: usize,
    /// Failures.
    pub failures: Vec<Failure>,
    /// Known gaps.
    pub todos: Vec<Todo>,
    /// Why the rule was not run (status `off`).
    pub skipped: Option<String>,
}

/// The result of a run.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Per rule, in rule-set order.
    pub rules: Vec<RuleResult>,
    /// Wall-clock seconds.
    pub seconds: f64,
}

impl Report {
    /// Every failure.
    pub fn failures(&self) -> impl Iterator<Item = &Failure> {
        self.rules.iter().flat_map(|r| r.failures.iter())
    }

    /// Whether every rule passed.
    pub fn passed(&self) -> bool {
        self.failures().next().is_none()
    }

    /// A readable report: failures in full, todos in one line each, a summary last.
    pub fn render(&self, verbose: bool) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        for r in &self.rules {
            if let Some(why) = &r.skipped {
                if verbose {
                    let _ = writeln!(s, "skip {}  {}  ({why})", r.id, r.location);
                }
                continue;
            }
            if r.failures.is_empty() {
                if verbose {
                    let _ = writeln!(s, "ok   {}  ({} examples, {} counterexamples)", r.id, r.examples, r.counterexamples);
                }
            } else {
                let _ = writeln!(s, "FAIL {}  {}", r.id, r.location);
                for f in &r.failures {
                    let _ = writeln!(s, "  {} at {} ({})", f.what, f.location, f.variant.as_str());
                    let _ = writeln!(s, "    text:     {:?}", f.text);
                    let _ = writeln!(s, "    expected: {}", f.expected);
                    let _ = writeln!(s, "    got:      {}", f.got);
                }
            }
            for t in &r.todos {
                let state = if t.passes { "now fires: make it an example" } else { "known gap" };
                let _ = writeln!(s, "todo {}  {}  {:?}  ({state})", r.id, t.location, t.text);
            }
        }
        let rules = self.rules.iter().filter(|r| r.skipped.is_none()).count();
        let examples: usize = self.rules.iter().map(|r| r.examples).sum();
        let counter: usize = self.rules.iter().map(|r| r.counterexamples).sum();
        let checks: usize = self.rules.iter().map(|r| r.checks).sum();
        let todos: usize = self.rules.iter().map(|r| r.todos.len()).sum();
        let failed = self.rules.iter().filter(|r| !r.failures.is_empty()).count();
        let skipped = self.rules.len() - rules;
        let _ = writeln!(
            s,
            "{} rules, {examples} examples, {counter} counterexamples, {checks} checks, {todos} todo, {skipped} skipped: {} ({:.2} s)",
            rules,
            if failed == 0 { "all passed".to_string() } else { format!("{failed} rules FAILED, {} failures", self.failures().count()) },
            self.seconds
        );
        s
    }
}

/// Whether a rule id matches a `--id` pattern: `*` matches any run of characters; a pattern
/// without `*` matches ids that contain it.
pub fn id_matches(pattern: &str, id: &str) -> bool {
    if !pattern.contains('*') {
        return id.contains(pattern);
    }
    let parts: Vec<&str> = pattern.split('*').collect();
    let mut rest = id;
    for (i, p) in parts.iter().enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(p) else { return false };
            rest = r;
        } else if i == parts.len() - 1 {
            return rest.ends_with(p);
        } else {
            let Some(at) = rest.find(p) else { return false };
            rest = &rest[at + p.len()..];
        }
    }
    rest.is_empty()
}

/// Indexes of the rules whose id matches `filter` (all when `None`).
pub fn matching(rules: &RuleSet, filter: Option<&str>) -> Vec<usize> {
    rules.rules.iter().enumerate().filter(|(_, m)| filter.is_none_or(|f| id_matches(f, &m.id))).map(|(i, _)| i).collect()
}

/// Run the examples of rule `index`. Rules are independent: a caller may run them in
/// parallel and collect the results in order.
pub fn run_one(rules: &RuleSet, index: usize) -> RuleResult {
    run_one_with(rules, index, KIND_CHECKS)
}

/// [`run_one`] with another table of kind-specific checks.
pub fn run_one_with(rules: &RuleSet, index: usize, checks: &[(&str, KindCheck)]) -> RuleResult {
    run_rule(rules, index, &rules.rules[index], checks)
}

/// Run the examples of every rule whose id matches `filter` (all when `None`), serially.
pub fn run(rules: &RuleSet, filter: Option<&str>) -> Report {
    let started = Instant::now();
    let results = matching(rules, filter).into_iter().map(|i| run_one(rules, i)).collect();
    Report { rules: results, seconds: started.elapsed().as_secs_f64() }
}

/// Where an example sits for its kind.
#[derive(Debug, Clone, Copy)]
enum Scope {
    /// Inside a paragraph: context is sentences before and after.
    Sentence,
    /// A paragraph anywhere (or at the end): context is paragraphs before and after.
    Paragraph,
    /// A line of the front matter: it is run before a body paragraph (a front line means
    /// nothing in a one-paragraph document), and in context after a masthead line.
    Front,
}

fn scope(rules: &RuleSet, index: usize, meta: &RuleMeta) -> Scope {
    match meta.kind.as_str() {
        "block" => match rules.blocks.iter().find(|b| b.rule == index).map(|b| b.position) {
            Some(Position::Front) => Scope::Front,
            _ => Scope::Paragraph,
        },
        "metadata" => match rules.metadata.iter().find(|m| m.rule == index).map(|m| m.position) {
            Some(Position::Front) => Scope::Front,
            _ => Scope::Paragraph,
        },
        _ => Scope::Sentence,
    }
}

/// A text as run: the example placed at `offset` (code points).
struct Placed {
    text: String,
    offset: usize,
    variant: Variant,
}

fn placements(text: &str, scope: Scope) -> [Placed; 3] {
    let (plain_after, before, after) = match scope {
        Scope::Sentence => (String::new(), format!("{SENTENCE_BEFORE} "), format!(" {SENTENCE_AFTER}")),
        Scope::Paragraph => (String::new(), format!("{PARAGRAPH_BEFORE}\n\n"), format!("\n\n{PARAGRAPH_AFTER}")),
        Scope::Front => (format!("\n\n{PARAGRAPH_AFTER}"), format!("{FRONT_BEFORE}\n\n"), format!("\n\n{PARAGRAPH_AFTER}")),
    };
    [
        Placed { text: format!("{text}{plain_after}"), offset: 0, variant: Variant::Plain },
        // A no-break space: one code point, two bytes, so byte/code-point mix-ups show.
        Placed { text: format!("\u{a0}{text}{plain_after}"), offset: 1, variant: Variant::Shifted },
        Placed { text: format!("{before}{text}{after}"), offset: before.chars().count(), variant: Variant::InContext },
    ]
}

/// The records of `text` that name rule `id`, with sentences of one paragraph merged into
/// one hit (a block rule names every sentence of its paragraph).
pub fn hits(rules: &RuleSet, text: &str, id: &str) -> Vec<Flat> {
    let doc = Document { id: "example".into(), source: "example".into(), text: text.to_string(), ..Default::default() };
    let rec = crate::extract(&doc, rules);
    let mut out: Vec<Flat> = Vec::new();
    for mut f in flatten_record(&rec).into_iter().filter(|f| f.rules.iter().any(|r| r == id)) {
        if f.ty == RecordType::Metadata {
            f.fields.insert("field".into(), Value::String(f.id.clone()));
        }
        if f.ty == RecordType::Sentence {
            if let Some(prev) =
                out.last_mut().filter(|p| p.ty == RecordType::Sentence && p.fields.get("paragraph") == f.fields.get("paragraph"))
            {
                if let (Some(a), Some(b)) = (prev.span, f.span) {
                    prev.span = Some((a.0.min(b.0), a.1.max(b.1)));
                }
                for k in ["text", "raw"] {
                    if let (Some(Value::String(p)), Some(Value::String(n))) = (prev.fields.get(k).cloned(), f.fields.get(k)) {
                        prev.fields.insert(k.into(), Value::String(format!("{p} {n}")));
                    }
                }
                prev.fields.insert("end".into(), f.fields.get("end").cloned().unwrap_or(Value::Null));
                continue;
            }
        }
        out.push(f);
    }
    out
}

/// Whether a hit lies in the code-point region `lo..hi` (metadata has no span: always).
fn in_region(f: &Flat, lo: usize, hi: usize) -> bool {
    let spans = f.spans();
    spans.is_empty() || spans.iter().any(|&(s, e)| s < hi && e > lo || s == e && (lo..=hi).contains(&s))
}

/// Whether a flattened value holds the expected one (written as a string in the rule file).
pub fn field_matches(got: Option<&Value>, expected: &str) -> bool {
    let want = expected.trim();
    match got {
        None => false,
        Some(Value::Null) => want.is_empty() || want == "null",
        Some(Value::String(s)) => s == expected,
        Some(Value::Bool(b)) => want == if *b { "true" } else { "false" },
        Some(Value::Number(n)) => n.as_f64().zip(want.parse::<f64>().ok()).is_some_and(|(a, b)| (a - b).abs() < 1e-9),
        Some(Value::Array(items)) => {
            let have: Vec<String> = items.iter().map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)).collect();
            let want = want.trim_start_matches('[').trim_end_matches(']');
            want.split(',').map(|w| w.trim().trim_matches('"')).filter(|w| !w.is_empty()).all(|w| have.iter().any(|h| h == w))
        }
        Some(Value::Object(_)) => false,
    }
}

/// A field of a record by the name an example gives: the flattened name (`cue_class`), or
/// the last part of it when only one field ends so (`class` → `cue_class`).
pub fn field<'f>(f: &'f Flat, name: &str) -> Option<&'f Value> {
    f.fields.get(name).or_else(|| {
        let suffix = format!("_{name}");
        let mut found = f.fields.iter().filter(|(k, _)| k.ends_with(&suffix));
        match (found.next(), found.next()) {
            (Some((_, v)), None) => Some(v),
            _ => None,
        }
    })
}

/// Whether a record has one of the expected spans. A claim carries only its own span, not
/// that of the words that made a rule fire, so for claims the span may lie inside it.
fn span_matches(f: &Flat, want: &[(usize, usize)]) -> bool {
    let spans = f.spans();
    spans.iter().any(|s| want.contains(s))
        || (f.ty == RecordType::Claim && want.iter().any(|w| spans.iter().any(|s| s.0 <= w.0 && w.1 <= s.1)))
}

fn describe(f: &Flat, text: &str, keys: &[&String]) -> String {
    let span = f
        .span
        .map(|(s, e)| format!(" [{s}..{e}] {:?}", text.chars().skip(s).take(e.saturating_sub(s)).collect::<String>()))
        .unwrap_or_default();
    let shown: Vec<String> = if keys.is_empty() {
        ["block", "value", "kind", "cue", "source", "content_kind"]
            .iter()
            .filter_map(|k| f.fields.get(*k).map(|v| format!("{k}={}", Flat::show(Some(v)))))
            .collect()
    } else {
        keys.iter().map(|k| format!("{k}={}", Flat::show(field(f, k)))).collect()
    };
    format!("{}{span} {}", f.ty.as_str(), shown.join(" "))
}

/// A kind-specific example check, for kinds whose examples mean something other than "a
/// record names the rule, with this span and these fields" (say, a rule whose example is a
/// text that must yield no claim). `Err` says what went wrong.
pub struct KindCheck {
    /// A positive example: rule-set, rule index, text, expected span.
    pub example: fn(&RuleSet, usize, &str, Option<&str>) -> Result<(), String>,
    /// A counterexample.
    pub counterexample: fn(&RuleSet, usize, &str) -> Result<(), String>,
}

/// Kinds with their own example check; every other kind is checked through the records
/// that name the rule. A kind's own check runs each text as written (it does its own
/// shifting), so the runner does not add the shifted and in-context variants.
pub const KIND_CHECKS: &[(&str, KindCheck)] = &[
    ("claim_type", CLAIM_CHECK),
    ("claim_cue", CLAIM_CHECK),
    ("not_claim", CLAIM_CHECK),
    ("claim_clause", CLAIM_CHECK),
    ("checkworthiness", CLAIM_CHECK),
];

/// The claim kinds' examples: see [`crate::tag::claim_examples`].
const CLAIM_CHECK: KindCheck =
    KindCheck { example: crate::tag::claim_examples::check_example, counterexample: crate::tag::claim_examples::check_counterexample };

fn run_kind_check(rules: &RuleSet, index: usize, meta: &RuleMeta, check: &KindCheck, res: &mut RuleResult) {
    let file = &meta.file;
    let mut passed = 0;
    for ex in &meta.examples {
        res.checks += 1;
        match (check.example)(rules, index, &ex.text, ex.span.as_deref()) {
            Ok(()) => passed += 1,
            Err(got) => res.failures.push(Failure {
                rule: meta.id.clone(),
                location: format!("{file}:{}", ex.line),
                what: "example",
                variant: Variant::Plain,
                text: ex.text.clone(),
                expected: ex.span.as_ref().map_or_else(|| format!("what a `{}` example means", meta.kind), |s| format!("span {s:?}")),
                got,
            }),
        }
    }
    if !meta.examples.is_empty() && passed == 0 {
        res.failures.push(Failure {
            rule: meta.id.clone(),
            location: format!("{file}:{}", meta.line),
            what: "rule",
            variant: Variant::Plain,
            text: String::new(),
            expected: "the rule fires on its own examples".into(),
            got: format!("it fires on none of its {} examples", meta.examples.len()),
        });
    }
    for (text, line) in &meta.counterexamples {
        res.checks += 1;
        if let Err(got) = (check.counterexample)(rules, index, text) {
            res.failures.push(Failure {
                rule: meta.id.clone(),
                location: format!("{file}:{line}"),
                what: "counterexample",
                variant: Variant::Plain,
                text: text.clone(),
                expected: "nothing from this rule".into(),
                got,
            });
        }
    }
    for (text, line) in &meta.todo {
        let passes = (check.example)(rules, index, text, None).is_ok();
        res.todos.push(Todo { location: format!("{file}:{line}"), text: text.clone(), passes });
    }
}

fn run_rule(rules: &RuleSet, index: usize, meta: &RuleMeta, checks: &[(&str, KindCheck)]) -> RuleResult {
    let file = &meta.file;
    let mut res = RuleResult {
        id: meta.id.clone(),
        location: format!("{file}:{}", meta.line),
        examples: meta.examples.len(),
        counterexamples: meta.counterexamples.len(),
        checks: 0,
        failures: Vec::new(),
        todos: Vec::new(),
        skipped: None,
    };
    let rule_failure = |expected: String, got: String| Failure {
        rule: meta.id.clone(),
        location: format!("{file}:{}", meta.line),
        what: "rule",
        variant: Variant::Plain,
        text: String::new(),
        expected,
        got,
    };
    if meta.examples.len() < MIN_EXAMPLES || meta.counterexamples.len() < MIN_COUNTEREXAMPLES {
        res.failures.push(rule_failure(
            format!("at least {MIN_EXAMPLES} examples and {MIN_COUNTEREXAMPLES} counterexample"),
            format!("{} examples, {} counterexamples", meta.examples.len(), meta.counterexamples.len()),
        ));
    }
    if meta.status == Status::Off {
        res.skipped = Some("status off: not applied, examples not run".into());
        return res;
    }
    if let Some((_, check)) = checks.iter().find(|(k, _)| *k == meta.kind) {
        run_kind_check(rules, index, meta, check, &mut res);
        return res;
    }
    let scope = scope(rules, index, meta);
    let mut fired_plain = 0;
    for ex in &meta.examples {
        let location = format!("{file}:{}", ex.line);
        let occurrences: Vec<(usize, usize)> = match &ex.span {
            Some(span) => {
                let found: Vec<(usize, usize)> = ex
                    .text
                    .match_indices(span.as_str())
                    .map(|(b, _)| {
                        let s = ex.text[..b].chars().count();
                        (s, s + span.chars().count())
                    })
                    .collect();
                if found.is_empty() {
                    res.failures.push(Failure {
                        rule: meta.id.clone(),
                        location,
                        what: "example",
                        variant: Variant::Plain,
                        text: ex.text.clone(),
                        expected: format!("span {span:?} to occur in the text"),
                        got: "it does not: fix the example".into(),
                    });
                    continue;
                }
                found
            }
            None => Vec::new(),
        };
        let keys: Vec<&String> = ex.fields.keys().collect();
        for placed in placements(&ex.text, scope) {
            res.checks += 1;
            let (lo, hi) = (placed.offset, placed.offset + ex.text.chars().count());
            let found: Vec<Flat> = hits(rules, &placed.text, &meta.id).into_iter().filter(|f| in_region(f, lo, hi)).collect();
            if placed.variant == Variant::Plain && !found.is_empty() {
                fired_plain += 1;
            }
            let want: Vec<(usize, usize)> = occurrences.iter().map(|&(s, e)| (s + placed.offset, e + placed.offset)).collect();
            let ok = found
                .iter()
                .any(|f| (want.is_empty() || span_matches(f, &want)) && ex.fields.iter().all(|(k, v)| field_matches(field(f, k), v)));
            if !ok {
                let mut expected = Vec::new();
                if let Some(span) = &ex.span {
                    let (s, e) = want[0];
                    expected.push(format!("span {span:?} [{s}..{e}]"));
                }
                expected.extend(ex.fields.iter().map(|(k, v)| format!("{k}={v:?}")));
                if expected.is_empty() {
                    expected.push("a record from this rule".into());
                }
                let got = if found.is_empty() {
                    "nothing from this rule".to_string()
                } else {
                    found.iter().map(|f| describe(f, &placed.text, &keys)).collect::<Vec<_>>().join("; ")
                };
                res.failures.push(Failure {
                    rule: meta.id.clone(),
                    location: location.clone(),
                    what: "example",
                    variant: placed.variant,
                    text: placed.text,
                    expected: expected.join(" "),
                    got,
                });
            }
        }
    }
    if !meta.examples.is_empty() && fired_plain == 0 {
        res.failures.push(rule_failure(
            "the rule fires on its own examples".into(),
            format!("it fires on none of its {} examples", meta.examples.len()),
        ));
    }
    for (text, line) in &meta.counterexamples {
        for placed in placements(text, scope).into_iter().filter(|p| p.variant != Variant::Shifted) {
            res.checks += 1;
            let (lo, hi) = (placed.offset, placed.offset + text.chars().count());
            let found: Vec<Flat> = hits(rules, &placed.text, &meta.id).into_iter().filter(|f| in_region(f, lo, hi)).collect();
            if !found.is_empty() {
                res.failures.push(Failure {
                    rule: meta.id.clone(),
                    location: format!("{file}:{line}"),
                    what: "counterexample",
                    variant: placed.variant,
                    text: placed.text.clone(),
                    expected: "nothing from this rule".into(),
                    got: found.iter().map(|f| describe(f, &placed.text, &[])).collect::<Vec<_>>().join("; "),
                });
            }
        }
    }
    for (text, line) in &meta.todo {
        let passes = !hits(rules, text, &meta.id).is_empty();
        res.todos.push(Todo { location: format!("{file}:{line}"), text: text.clone(), passes });
    }
    res
}

/// Counts of examples per rule, for listings: (examples, counterexamples, todo).
pub fn counts(meta: &RuleMeta) -> (usize, usize, usize) {
    (meta.examples.len(), meta.counterexamples.len(), meta.todo.len())
}

/// Rules grouped by kind, in rule-set order within a kind.
pub fn by_kind(rules: &RuleSet) -> BTreeMap<&str, Vec<&RuleMeta>> {
    let mut out: BTreeMap<&str, Vec<&RuleMeta>> = BTreeMap::new();
    for r in &rules.rules {
        out.entry(r.kind.as_str()).or_default().push(r);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_patterns() {
        assert!(id_matches("blocks", "segment/blocks/copyright"));
        assert!(id_matches("segment/*/copyright", "segment/blocks/copyright"));
        assert!(id_matches("*copy*", "segment/blocks/copyright"));
        assert!(!id_matches("segment/*/date", "segment/blocks/copyright"));
        assert!(!id_matches("attribution", "segment/blocks/copyright"));
    }

    #[test]
    fn a_kind_with_its_own_check_is_delegated_to() {
        let rules = RuleSet::builtin();
        let index = rules.rules.iter().position(|r| r.id == "segment/blocks/copyright").unwrap();
        let strict = KindCheck {
            example: |_, _, text, _| if text.contains("Copyright") { Ok(()) } else { Err(format!("no `Copyright` in {text:?}")) },
            counterexample: |_, _, _| Err("always fires".into()),
        };
        let res = run_one_with(&rules, index, &[("block", strict)]);
        let kinds: Vec<&str> = res.failures.iter().map(|f| f.what).collect();
        // One example lacks the word, the counterexample "fires".
        assert_eq!(kinds, ["example", "counterexample"], "{:?}", res.failures);
        assert_eq!(res.checks, 3);
        assert!(res.failures[0].got.starts_with("no `Copyright`"));
    }

    #[test]
    fn fields_by_their_last_part() {
        let f = Flat {
            ty: RecordType::Attribution,
            id: "a0".into(),
            span: Some((0, 4)),
            rules: vec![],
            fields: [("cue_class", "neutral"), ("cue_lemma", "say"), ("source_start", "x"), ("content_start", "y")]
                .into_iter()
                .map(|(k, v)| (k.to_string(), Value::String(v.into())))
                .collect(),
        };
        assert_eq!(field(&f, "class"), Some(&Value::String("neutral".into())));
        assert_eq!(field(&f, "cue_lemma"), Some(&Value::String("say".into())));
        assert_eq!(field(&f, "start"), None, "ambiguous");
        let claim = Flat { ty: RecordType::Claim, ..f.clone() };
        assert!(span_matches(&claim, &[(1, 3)]));
        assert!(!span_matches(&f, &[(1, 3)]));
        assert!(span_matches(&f, &[(0, 4)]));
    }

    #[test]
    fn field_values() {
        assert!(field_matches(Some(&Value::Null), "null"));
        assert!(field_matches(Some(&serde_json::json!(["quantity", "prediction"])), "prediction"));
        assert!(field_matches(Some(&serde_json::json!(["quantity", "prediction"])), "quantity, prediction"));
        assert!(!field_matches(Some(&serde_json::json!(["quantity"])), "prediction"));
        assert!(field_matches(Some(&serde_json::json!(true)), "true"));
        assert!(field_matches(Some(&serde_json::json!(0.5)), "0.50"));
        assert!(!field_matches(None, ""));
    }
}
