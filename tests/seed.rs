//! The seed document against its hand annotation, scored by `../shared/tools/score.py seed`
//! (the reference scorer). Fails below the bars the issues set. Skips, saying so, when
//! `../shared` is not beside the checkout.

mod common;

use std::path::Path;
use std::process::Command;

use common::Scratch;

const SEED: &str = "../shared/seed/000_df037e6e29c2adaf.txt";
const GOLD: &str = "../shared/seed/000_df037e6e29c2adaf.gold.json";
const SCORER: &str = "../shared/tools/score.py";

/// Run claimex on the seed and the scorer on its output; the scorer's JSON figures.
fn seed_scores() -> Option<serde_json::Value> {
    if !Path::new(SEED).exists() {
        eprintln!("skipping: {SEED} not found (../shared is not beside the checkout)");
        return None;
    }
    let out = Scratch::new("seed");
    let status = Command::new(env!("CARGO_BIN_EXE_claimex")).args(["extract", SEED, "-q", "-o"]).arg(&*out).status().expect("run claimex");
    assert!(status.success(), "claimex extract failed: {status}");
    let pred = out.join("documents.jsonl");
    let res = Command::new("python3").args([SCORER, "seed", "--json", "--gold", GOLD, "--pred"]).arg(&pred).output().expect("run python3");
    assert!(res.status.success(), "score.py failed: {}", String::from_utf8_lossy(&res.stderr));
    let v: serde_json::Value = serde_json::from_slice(&res.stdout).expect("scorer prints JSON");
    Some(v)
}

/// `"5/5"` → (5, 5).
fn frac(v: &serde_json::Value) -> (u64, u64) {
    let s = v.as_str().expect("a fraction");
    let (a, b) = s.split_once('/').expect("a/b");
    (a.parse().unwrap(), b.parse().unwrap())
}

#[test]
fn seed_segmentation_and_metadata_bar() {
    let Some(v) = seed_scores() else { return };
    let body = &v["body_sentences"];
    assert_eq!((body["p"].as_f64(), body["r"].as_f64(), body["gold"].as_u64()), (Some(1.0), Some(1.0), Some(36)), "body sentences: {body}");
    assert_eq!(v["non_body_leaked_into_body"], 0, "{v}");
    assert_eq!(v["front_matter_lines_taken_as_body"], 0, "{v}");
    assert_eq!(frac(&v["boilerplate_and_bio_sentences_found"]), (5, 5), "{v}");
    assert_eq!(frac(&v["metadata_found"]), (3, 3), "{v}");
}
