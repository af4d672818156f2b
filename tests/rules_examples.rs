//! Every built-in rule's own examples pass (positive with span and fields, negative, shifted
//! by one character, inside a longer text), and every rule has enough of them.

use claimex::rules::RuleSet;
use claimex::rules::examples::{self, MIN_COUNTEREXAMPLES, MIN_EXAMPLES};

#[test]
fn builtin_rule_examples_pass() {
    let rules = RuleSet::builtin();
    let report = examples::run(&rules, None);
    assert!(report.passed(), "\n{}", report.render(true));
    assert!(report.rules.iter().map(|r| r.checks).sum::<usize>() > 0);
}
