//! Entities against hand-made gold (issue 14 §5): the seed document
//! (`tests/data/entities/seed.json`, its text in `../shared`) and the fixtures
//! (`tests/data/entities/fixtures.json`). An entity counts when its span and kind are both
//! right; precision, recall and F1 are printed per kind and overall (`cargo test --test
//! entities -- --nocapture`), and the overall F1 must reach the bar. The conventions of the
//! gold are in `tests/data/entities/README.md`.

use std::collections::BTreeMap;
use std::path::Path;

use claimex::ingest::Document;
use claimex::record::Spans;
use claimex::rules::RuleSet;
use claimex::tag::entities;

/// (start, end, kind): code points into the original text.
type Entity = (usize, usize, String);

fn gold_entities(v: &serde_json::Value) -> Vec<Entity> {
    v.as_array()
        .expect("an entity list")
        .iter()
        .map(|e| (e["start"].as_u64().unwrap() as usize, e["end"].as_u64().unwrap() as usize, e["kind"].as_str().unwrap().to_string()))
        .collect()
}

/// claimex's entities of a text, in every sentence.
fn found(rules: &RuleSet, text: &str) -> Vec<Entity> {
    let doc = Document { id: "d".into(), text: text.into(), ..Default::default() };
    let a = claimex::analyse(&doc, rules);
    let sp = Spans::new(&doc, &a);
    entities::document(&a)
        .into_iter()
        .map(|e| {
            let s = sp.span(e.range);
            (s.start, s.end, e.kind)
        })
        .collect()
}

/// Per kind: (true positives, found, gold).
#[derive(Default)]
struct Counts(BTreeMap<String, (usize, usize, usize)>);

impl Counts {
    fn add(&mut self, gold: &[Entity], got: &[Entity]) {
        for g in gold {
            self.0.entry(g.2.clone()).or_default().2 += 1;
        }
        for e in got {
            let c = self.0.entry(e.2.clone()).or_default();
            c.1 += 1;
            if gold.contains(e) {
                c.0 += 1;
            }
        }
    }

    fn prf(tp: usize, found: usize, gold: usize) -> (f64, f64, f64) {
        let p = if found == 0 { 0.0 } else { tp as f64 / found as f64 };
        let r = if gold == 0 { 0.0 } else { tp as f64 / gold as f64 };
        (p, r, if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) })
    }

    /// Print the table; the overall F1.
    fn report(&self, what: &str) -> f64 {
        println!("{what}: kind P R F1 (tp/found/gold)");
        let mut all = (0, 0, 0);
        for (k, &(tp, f, g)) in &self.0 {
            let (p, r, f1) = Self::prf(tp, f, g);
            println!("  {k:<13} {p:.3} {r:.3} {f1:.3} ({tp}/{f}/{g})");
            all = (all.0 + tp, all.1 + f, all.2 + g);
        }
        let (p, r, f1) = Self::prf(all.0, all.1, all.2);
        println!("  {:<13} {p:.3} {r:.3} {f1:.3} ({}/{}/{})", "all", all.0, all.1, all.2);
        f1
    }
}

fn load(path: &str) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("read gold")).expect("gold is JSON")
}

#[test]
fn seed_entities_bar() {
    let gold = load("tests/data/entities/seed.json");
    let doc = gold["document"].as_str().unwrap();
    if !Path::new(doc).exists() {
        eprintln!("skipping: {doc} not found (../shared is not beside the checkout)");
        return;
    }
    let text = std::fs::read_to_string(doc).unwrap();
    let rules = RuleSet::builtin();
    let mut counts = Counts::default();
    counts.add(&gold_entities(&gold["entities"]), &found(&rules, &text));
    let f1 = counts.report("seed entities");
    assert!(f1 >= 0.90, "seed entity F1 {f1:.3} is below 0.90");
}

#[test]
fn fixture_entities_bar() {
    let gold = load("tests/data/entities/fixtures.json");
    let rules = RuleSet::builtin();
    let mut counts = Counts::default();
    for d in gold["documents"].as_array().unwrap() {
        let name = d["document"].as_str().unwrap();
        let text = match name.split_once('#') {
            Some((path, id)) => std::fs::read_to_string(path)
                .unwrap()
                .lines()
                .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
                .find(|v| v["id"] == id)
                .and_then(|v| v["text"].as_str().map(str::to_string))
                .unwrap_or_else(|| panic!("no record {id} in {path}")),
            None => std::fs::read_to_string(name).unwrap(),
        };
        counts.add(&gold_entities(&d["entities"]), &found(&rules, &text));
    }
    let f1 = counts.report("fixture entities");
    assert!(f1 >= 0.70, "fixture entity F1 {f1:.3} is below 0.70");
}

/// The gold's surface strings are the text at its offsets, so the gold cannot drift from
/// the documents unseen.
#[test]
fn gold_offsets_match_their_text() {
    let seed = load("tests/data/entities/seed.json");
    let fixtures = load("tests/data/entities/fixtures.json");
    let mut docs: Vec<(String, &serde_json::Value)> = vec![(seed["document"].as_str().unwrap().to_string(), &seed["entities"])];
    docs.extend(fixtures["documents"].as_array().unwrap().iter().map(|d| (d["document"].as_str().unwrap().to_string(), &d["entities"])));
    for (name, ents) in docs {
        let text = match name.split_once('#') {
            Some((path, id)) => std::fs::read_to_string(path)
                .unwrap()
                .lines()
                .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
                .find(|v| v["id"] == id)
                .and_then(|v| v["text"].as_str().map(str::to_string))
                .unwrap(),
            None => match std::fs::read_to_string(&name) {
                Ok(t) => t,
                Err(_) => continue,
            },
        };
        let chars: Vec<char> = text.chars().collect();
        for e in ents.as_array().unwrap() {
            let (s, t) = (e["start"].as_u64().unwrap() as usize, e["end"].as_u64().unwrap() as usize);
            let got: String = chars[s..t].iter().collect();
            assert_eq!(got, e["text"].as_str().unwrap(), "{name}: {s}..{t}");
        }
    }
}
