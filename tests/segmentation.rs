//! Data-driven sentence-boundary suite: `tests/data/segmentation.toml`, with a list of
//! known failures kept apart from regressions.

use claimex::{extract, ingest::Document, rules::RuleSet};
use serde::Deserialize;

#[derive(Deserialize)]
struct Suite {
    known_failures: Vec<String>,
    case: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    text: String,
    sentences: Vec<String>,
}

#[test]
fn sentence_boundary_suite() {
    let suite: Suite = toml::from_str(include_str!("data/segmentation.toml")).expect("suite parses");
    let rules = RuleSet::builtin();
    let mut regressions = Vec::new();
    let mut fixed = Vec::new();
    for case in &suite.case {
        let doc = Document { id: case.name.clone(), text: case.text.clone(), ..Default::default() };
        let rec = extract(&doc, &rules);
        let got: Vec<&str> = rec.sentences.iter().map(|s| s.text.as_str()).collect();
        // Offsets point into the original text.
        for s in &rec.sentences {
            let slice: String = case.text.chars().skip(s.start).take(s.end - s.start).collect();
            assert_eq!(slice, s.raw(), "case {}: raw slice", case.name);
        }
        let ok = got == case.sentences;
        let known = suite.known_failures.contains(&case.name);
        match (ok, known) {
            (false, false) => regressions.push(format!("{}:\n  expected {:?}\n  got      {:?}", case.name, case.sentences, got)),
            (true, true) => fixed.push(case.name.clone()),
            (false, true) => eprintln!("known failure {}: got {:?}", case.name, got),
            (true, false) => {}
        }
    }
    assert!(regressions.is_empty(), "{} regression(s):\n{}", regressions.len(), regressions.join("\n"));
    assert!(fixed.is_empty(), "known failures now pass; remove them from known_failures: {fixed:?}");
}
