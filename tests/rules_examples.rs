//! Every built-in rule's own examples pass (positive with span and fields, negative, shifted
//! by one character, inside a longer text), every rule carries enough of them, and the
//! runner is fast enough to run on every edit.

use std::time::Instant;

use claimex::rules::examples::{self, MIN_COUNTEREXAMPLES, MIN_EXAMPLES};
use claimex::rules::{self, RuleSet};

#[test]
fn builtin_rule_examples_pass() {
    let rules = RuleSet::builtin();
    let started = Instant::now();
    let report = examples::run(&rules, None);
    let secs = started.elapsed().as_secs_f64();
    assert!(report.passed(), "\n{}", report.render(false));
    // Every example ran in its three variants, every counterexample in two; kinds with their
    // own check run each text once.
    let expected: usize = rules
        .rules
        .iter()
        .filter(|r| r.status != claimex::rules::Status::Off)
        .map(|r| match examples::KIND_CHECKS.iter().any(|(k, _)| *k == r.kind) {
            true => r.examples.len() + r.counterexamples.len(),
            false => 3 * r.examples.len() + 2 * r.counterexamples.len(),
        })
        .sum();
    assert_eq!(report.rules.iter().map(|r| r.checks).sum::<usize>(), expected);
    // The bar is 2 s for `claimex rules test`; this is a debug build.
    assert!(secs < 2.0, "rules test took {secs:.2} s");
}

#[test]
fn every_rule_has_two_examples_and_a_counterexample() {
    let rules = RuleSet::builtin();
    let short: Vec<String> = rules
        .rules
        .iter()
        .filter(|r| r.examples.len() < MIN_EXAMPLES || r.counterexamples.len() < MIN_COUNTEREXAMPLES)
        .map(|r| format!("{} ({}:{}): {} examples, {} counterexamples", r.id, r.file, r.line, r.examples.len(), r.counterexamples.len()))
        .collect();
    assert!(
        short.is_empty(),
        "rules need at least {MIN_EXAMPLES} examples and {MIN_COUNTEREXAMPLES} counterexample:\n{}",
        short.join("\n")
    );
}

/// A rule set with one extra rule file, for runner tests.
fn with_rule(toml: &str) -> RuleSet {
    let mut files = rules::builtin_files();
    files.insert("test/extra.toml".into(), toml.into());
    RuleSet::load(&files, "built-in").unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_wrong_span_a_firing_counterexample_and_a_silent_rule_are_reported_with_locations() {
    let rules = with_rule(
        r#"
[[rule]]
name = "wide"
kind = "block"
block = "boilerplate"
description = "A rule whose counterexample fires and whose span is wrong."
pattern = '(?i)^all rights'
examples = [
  { text = "All rights reserved by the press.", span = "rights reserved", fields = { block = "boilerplate" } },
  { text = "All rights belong to the authors.", fields = { block = "author_bio" } },
]
counterexamples = ["All rights are waived here."]

[[rule]]
name = "silent"
kind = "block"
block = "boilerplate"
description = "A rule that matches none of its examples."
pattern = 'zzzz'
examples = [{ text = "Nothing here." }, { text = "Nor here." }]
counterexamples = ["Fine."]
todo = ["zzzz is here"]
"#,
    );
    let report = examples::run(&rules, Some("test/extra/*"));
    assert_eq!(report.rules.len(), 2);
    let wide = &report.rules[0];
    let text = report.render(false);
    // Wrong span, in each variant; wrong field; the counterexample in two variants.
    let spans = wide.failures.iter().filter(|f| f.expected.starts_with("span \"rights reserved\"")).count();
    assert_eq!(spans, 3, "{text}");
    assert!(
        wide.failures.iter().any(|f| f.location == "rules/test/extra.toml:10" && f.expected.contains("block=\"author_bio\"")),
        "{text}"
    );
    assert_eq!(wide.failures.iter().filter(|f| f.what == "counterexample").count(), 2, "{text}");
    assert!(text.contains("FAIL test/extra/wide  rules/test/extra.toml:2"), "{text}");
    assert!(text.contains("got:      sentence [0..33]"), "{text}");
    let silent = &report.rules[1];
    assert!(silent.failures.iter().any(|f| f.what == "rule" && f.got.contains("fires on none of its 2 examples")), "{text}");
    assert_eq!(silent.todos.len(), 1);
    assert!(silent.todos[0].passes, "the todo text matches the pattern: reported as promotable");
    assert!(text.contains("now fires: make it an example"), "{text}");
}

#[test]
fn offsets_are_checked_in_the_shifted_and_context_variants() {
    // A span given by the rule author is found at its offset in every variant.
    let rules = with_rule(
        r#"
[[rule]]
name = "para"
kind = "block"
block = "boilerplate"
description = "Paragraph rule with an exact span."
pattern = '(?i)^reprint policy'
examples = [
  { text = "Reprint policy: ask first.", span = "Reprint policy: ask first.", fields = { block = "boilerplate" } },
  { text = "REPRINT POLICY applies.", fields = { block = "boilerplate" } },
]
counterexamples = ["Our reprint policy is strict."]
"#,
    );
    let report = examples::run(&rules, Some("test/extra/para"));
    assert!(report.passed(), "{}", report.render(true));
    assert_eq!(report.rules[0].checks, 3 * 2 + 2);
}

#[test]
fn metadata_rules_are_tested_through_the_record() {
    let report = examples::run(&RuleSet::builtin(), Some("segment/metadata/*"));
    assert!(!report.rules.is_empty());
    assert!(report.passed(), "{}", report.render(true));
}
