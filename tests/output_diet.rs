//! The output diet of schema version 2 (issue 13 §3): a sentence's `raw` only where it
//! differs from `text`, and `--tables` choosing the CSV tables written. Resuming a run
//! with `--tables` is in tests/resume.rs.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::Scratch;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_claimex");
const CSV: [&str; 4] = ["sentences.csv", "quotes.csv", "attributions.csv", "claims.csv"];

fn fixture(rel: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(rel)
}

/// Hard-wrapped lines and a hyphen at a line end: sentences whose normalized text is not
/// the original slice, beside sentences whose text is.
const WRAPPED: &str = "The port authority said the new inter-\nnational terminal would open in March.\nIt was hard-wrapped here.\n\nA second paragraph stays on one line. So does this sentence.\n";

fn extract(out: &Path, extra: &[&str]) -> Output {
    let wrapped = out.parent().unwrap().join("wrapped.txt");
    std::fs::write(&wrapped, WRAPPED).unwrap();
    Command::new(BIN)
        .args(["extract", "-q", "-o"])
        .arg(out)
        .args(extra)
        .arg(fixture("commentary-front-matter/input.md"))
        .arg(&wrapped)
        .output()
        .unwrap()
}

fn manifest(dir: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap()
}

fn present(dir: &Path) -> Vec<&'static str> {
    CSV.into_iter().filter(|f| dir.join(f).exists()).collect()
}

#[test]
fn raw_is_written_only_where_it_differs_from_text() {
    let dir = Scratch::new("diet-raw");
    let out = dir.join("out");
    assert!(extract(&out, &[]).status.success());
    let (mut with, mut without) = (0, 0);
    let docs = std::fs::read_to_string(out.join("documents.jsonl")).unwrap();
    let inputs = [std::fs::read_to_string(fixture("commentary-front-matter/input.md")).unwrap(), WRAPPED.to_string()];
    for (line, input) in docs.lines().zip(inputs) {
        let rec: Value = serde_json::from_str(line).unwrap();
        assert_eq!(rec["schema_version"], 2);
        let original: Vec<char> = input.chars().collect();
        for s in rec["sentences"].as_array().unwrap() {
            let (start, end) = (s["start"].as_u64().unwrap() as usize, s["end"].as_u64().unwrap() as usize);
            let slice: String = original[start..end].iter().collect();
            match s.get("raw") {
                Some(raw) => {
                    with += 1;
                    assert_eq!(raw, &slice, "{s}");
                    assert_ne!(raw, &s["text"], "raw written although it equals text: {s}");
                }
                None => {
                    without += 1;
                    assert_eq!(s["text"], slice, "raw left out although text is not the original slice: {s}");
                }
            }
        }
    }
    // The wrapped lines give sentences of both sorts.
    assert!(with > 0 && without > 0, "{with} sentences with raw, {without} without");
    assert_eq!(manifest(&out)["schema_version"], 2);
}

#[test]
fn tables_chooses_the_csv_tables_and_the_manifest_says_which() {
    let dir = Scratch::new("diet-tables");
    let all = dir.join("all");
    assert!(extract(&all, &[]).status.success());
    assert_eq!(present(&all), CSV);
    assert_eq!(manifest(&all)["tables"], serde_json::json!(["sentences", "quotes", "attributions", "claims"]));

    // Two tables, named in another order, into a directory holding the full run: the other
    // tables of that run are removed, the chosen ones are byte-identical to the full run's.
    let some = dir.join("some");
    assert!(extract(&some, &[]).status.success());
    let out = extract(&some, &["--tables", "claims,attributions"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(present(&some), ["attributions.csv", "claims.csv"]);
    assert_eq!(manifest(&some)["tables"], serde_json::json!(["attributions", "claims"]));
    for f in ["documents.jsonl", "attributions.csv", "claims.csv"] {
        assert!(std::fs::read(all.join(f)).unwrap() == std::fs::read(some.join(f)).unwrap(), "{f} differs from the full run's");
    }

    let none = dir.join("none");
    assert!(extract(&none, &["--tables", "none"]).status.success());
    assert_eq!(present(&none), Vec::<&str>::new());
    assert_eq!(manifest(&none)["tables"], serde_json::json!([]));
    assert!(std::fs::read(all.join("documents.jsonl")).unwrap() == std::fs::read(none.join("documents.jsonl")).unwrap());
}

#[test]
fn an_unknown_table_is_a_usage_error_and_writes_nothing() {
    let dir = Scratch::new("diet-usage");
    let out = dir.join("out");
    for bad in [&["--tables", "claim"][..], &["--tables", "none,claims"], &["--format", "jsonl", "--tables", "claims"]] {
        let run = extract(&out, bad);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{bad:?}: {stderr}");
        assert!(!out.join("documents.jsonl").exists() && !out.join(".documents.jsonl.partial").exists(), "{bad:?} wrote output");
    }
    let stderr = String::from_utf8_lossy(&extract(&out, &["--tables", "claim"]).stderr).into_owned();
    assert!(stderr.contains("unknown table `claim`") && stderr.contains("sentences, quotes, attributions, claims"), "{stderr}");
}
