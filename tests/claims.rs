//! Claims: every example of every claim rule, the seed document's claim features, hedge
//! scope with hand-built attributions, and the offset property of claim records.

use claimex::rules::RuleSet;
use claimex::tag::claim_examples::{check_counterexample, check_example};

const CLAIM_KINDS: &[&str] = &["claim_type", "claim_cue", "not_claim", "claim_clause", "checkworthiness"];

#[test]
fn every_claim_rule_example_holds() {
    let rules = RuleSet::builtin();
    let mut failures = Vec::new();
    let mut n = 0;
    for (i, meta) in rules.rules.iter().enumerate() {
        if !CLAIM_KINDS.contains(&meta.kind.as_str()) {
            continue;
        }
        n += 1;
        if meta.examples.len() < 2 || meta.counterexamples.is_empty() {
            failures.push(format!("{} ({}:{}): needs two examples and a counterexample", meta.id, meta.file, meta.line));
        }
        for e in &meta.examples {
            if let Err(m) = check_example(&rules, i, &e.text, e.span.as_deref()) {
                failures.push(format!("{} ({}:{}): example {:?}: {m}", meta.id, meta.file, e.line, e.text));
            }
        }
        for (c, line) in &meta.counterexamples {
            if let Err(m) = check_counterexample(&rules, i, c) {
                failures.push(format!("{} ({}:{}): counterexample {:?}: {m}", meta.id, meta.file, line, c));
            }
        }
    }
    assert!(n > 30, "only {n} claim rules loaded");
    assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n"));
}
