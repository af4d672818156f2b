//! The rule tooling end to end, through the binary: `rules test|list|explain|docs`,
//! `check`, `eval` (against the reference scorer on the seed document), `explain`, and the
//! provenance in `manifest.json`. Also: `docs/rules.md` and `fixtures/` are current.
//!
//! `CLAIMEX_BLESS=1 cargo test --test tooling` regenerates `docs/rules.md` and re-blesses
//! `fixtures/` instead of failing; review `git diff` afterwards.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::Scratch;
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_claimex");

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn bless() -> bool {
    std::env::var_os("CLAIMEX_BLESS").is_some_and(|v| v != "0")
}

/// Run claimex; (exit code, stdout, stderr).
fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN).args(args).current_dir(root()).output().expect("run claimex");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// `rel` inside `dir`, as a command-line argument.
fn arg(dir: &Path, rel: &str) -> String {
    dir.join(rel).to_str().expect("utf-8").to_string()
}

#[test]
fn docs_rules_md_is_current() {
    let rules = claimex::rules::RuleSet::builtin();
    let md = claimex::rules::docs::markdown(&rules, &claimex::rules::builtin_files());
    let path = root().join("docs/rules.md");
    if bless() {
        std::fs::create_dir_all(root().join("docs")).expect("docs/");
        std::fs::write(&path, &md).expect("write docs/rules.md");
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == md,
        "docs/rules.md is stale: regenerate it with `cargo run -- rules docs -o docs/rules.md` \
         or `CLAIMEX_BLESS=1 cargo test --test tooling docs_rules_md_is_current`"
    );
    for r in &rules.rules {
        assert!(md.contains(&format!("### `{}`", r.id)), "{} is not documented", r.id);
    }
}

#[test]
fn fixtures_are_current() {
    let rules = claimex::rules::RuleSet::builtin();
    let report = claimex::check::check(&root().join("fixtures"), &rules, bless()).expect("fixtures/");
    assert!(report.cases.len() >= 6, "fixtures/ has {} cases", report.cases.len());
    assert!(
        report.passed(),
        "fixtures/ differ from a fresh run; if every change is intended, run \
         `cargo run -- check fixtures/ --bless` and review the diff:\n{}",
        report.render(20)
    );
}

#[test]
fn rules_subcommands() {
    let (code, out, _) = run(&["rules", "test", "--color", "never"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("all passed"), "{out}");
    let (code, _, err) = run(&["rules", "test", "--id", "no/such/rule"]);
    assert_eq!(code, 2, "{err}");
    let (code, out, _) = run(&["rules", "test", "--id", "segment/blocks/*", "-v", "--color", "never"]);
    assert_eq!(code, 0);
    assert!(out.contains("ok   segment/blocks/copyright") && !out.contains("segment/metadata"), "{out}");

    let (code, out, _) = run(&["rules", "list", "--color", "never"]);
    assert_eq!(code, 0);
    for r in &claimex::rules::RuleSet::builtin().rules {
        assert!(out.contains(&format!("{}:{}", r.file, r.line)) && out.contains(&r.id), "{} missing from:\n{out}", r.id);
    }

    let (code, out, _) = run(&["rules", "explain", "segment/blocks/copyright", "--color", "never"]);
    assert_eq!(code, 0);
    assert!(out.contains("kind:         block") && out.contains("block:        boilerplate") && out.contains("ok   its"), "{out}");
    let (code, _, err) = run(&["rules", "explain", "copyright"]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean segment/blocks/copyright"), "{err}");

    let (code, out, _) = run(&["rules", "docs"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("# Rule reference"), "{out}");
}

#[test]
fn a_broken_rule_file_stops_the_tools_with_exit_78() {
    let t = Scratch::new("bad");
    std::fs::create_dir_all(t.join("x")).unwrap();
    std::fs::write(t.join("x/bad.toml"), "[[rule]]\nname = \"a\"\nkind = \"block\"\n").unwrap();
    for args in [vec!["rules", "test"], vec!["check", "fixtures"], vec!["explain", "Hello."]] {
        let mut a = args.clone();
        let rules = arg(&t, "");
        a.extend(["--rules", rules.as_str()]);
        let (code, _, err) = run(&a);
        assert_eq!(code, 78, "{args:?}: {err}");
        assert!(err.contains("bad.toml:"), "{err}");
    }
}

#[test]
fn check_reports_missing_expectations_and_blesses_them() {
    let t = Scratch::new("check");
    std::fs::create_dir_all(t.join("case")).unwrap();
    std::fs::write(t.join("case/input.txt"), "Dr. Lee met the envoy. They talked.\n").unwrap();
    let dir = arg(&t, "");
    let (code, out, _) = run(&["check", &dir, "--color", "never"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("FAIL case: no documents.jsonl yet"), "{out}");
    let (code, out, _) = run(&["check", &dir, "--bless", "--color", "never"]);
    assert_eq!(code, 0, "{out}");
    let (code, out, _) = run(&["check", &dir, "--color", "never"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("ok   case"), "{out}");
    // The expectation is what `extract` writes, with the source made relative.
    let expected = std::fs::read_to_string(t.join("case/documents.jsonl")).unwrap();
    let doc: Value = serde_json::from_str(expected.lines().next().unwrap()).unwrap();
    assert_eq!(doc["source"], "input.txt");
    assert_eq!(doc["sentences"].as_array().unwrap().len(), 2);
    // Hand-edit the expectation: the diff names the field.
    std::fs::write(t.join("case/documents.jsonl"), expected.replace("\"block\":\"body\"", "\"block\":\"boilerplate\"")).unwrap();
    let (code, out, _) = run(&["check", &dir, "--color", "never"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("block: \"boilerplate\" → \"body\""), "{out}");
    let (code, _, _) = run(&["check", &arg(&t, "nope")]);
    assert_eq!(code, 66);
}

#[test]
fn explain_shows_segmentation_rules_and_near_misses() {
    let (code, out, _) = run(&["explain", "Dr. Lee met the envoy. Copyright law changed in 1998.", "--color", "never"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("s0 [0..22] \"Dr. Lee met the envoy.\""), "{out}");
    assert!(out.contains("no break after `Dr.`"), "{out}");
    assert!(out.contains("segment/blocks/copyright"), "{out}");
    assert!(!out.contains('\x1b'));
    let (_, coloured, _) = run(&["explain", "Hello there.", "--color", "always"]);
    assert!(coloured.contains("\x1b[1m"), "{coloured}");
    // The first sentence of the author bio, whatever its index.
    let path = "fixtures/commentary-front-matter/input.md";
    let doc = claimex::ingest::Document { text: std::fs::read_to_string(root().join(path)).unwrap(), ..Default::default() };
    let rec = claimex::extract(&doc, &claimex::rules::RuleSet::builtin());
    let bio = rec.sentences.iter().find(|s| s.block == "author_bio").expect("the fixture has a bio");
    let (code, out, _) = run(&["explain", "--doc", path, "--sentence", &bio.id, "--color", "never"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("author_bio (segment/blocks/author-bio)"), "{out}");
    assert!(out.contains(&format!("    {} [{}..{}]", bio.id, bio.start, bio.end)), "{out}");
    assert_eq!(out.matches("\n    s").count(), 1, "only the sentence asked for: {out}");
    let (code, _, err) = run(&["explain", "--doc", "fixtures/commentary-front-matter/input.md", "--sentence", "s999"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn manifest_records_version_rules_hash_and_hits() {
    let t = Scratch::new("manifest");
    let out = arg(&t, "out");
    let (code, _, err) = run(&["extract", "fixtures/", "-o", &out, "-q"]);
    assert_eq!(code, 0, "{err}");
    let manifest: Value = serde_json::from_str(&std::fs::read_to_string(t.join("out/manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["version"], env!("CARGO_PKG_VERSION"));
    let rules = claimex::rules::RuleSet::builtin();
    assert_eq!(manifest["rules"]["sha256"], rules.hash.as_str());
    // The hash is of the effective rules, wherever they come from.
    let (code, _, err) = run(&["extract", "fixtures/", "-o", &arg(&t, "out2"), "-q", "--rules", "rules"]);
    assert_eq!(code, 0, "{err}");
    let m2: Value = serde_json::from_str(&std::fs::read_to_string(t.join("out2/manifest.json")).unwrap()).unwrap();
    assert_eq!(m2["rules"]["sha256"], manifest["rules"]["sha256"]);
    // Hits: every rule listed, each count equal to the records naming it.
    let hits = manifest["rule_hits"].as_object().unwrap();
    for r in &rules.rules {
        assert!(hits.contains_key(&r.id), "{} missing from rule_hits", r.id);
    }
    let mut counted: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
    for line in std::fs::read_to_string(t.join("out/documents.jsonl")).unwrap().lines() {
        let doc: Value = serde_json::from_str(line).unwrap();
        for f in claimex::flat::flatten(&doc) {
            for r in f.rules {
                *counted.entry(r).or_default() += 1;
            }
        }
    }
    for (id, n) in hits {
        assert_eq!(n.as_u64().unwrap(), counted.get(id).copied().unwrap_or(0), "{id}");
    }
    assert!(counted.values().sum::<u64>() > 0);
    assert!(hits.contains_key("segment/metadata/date") && hits["segment/metadata/date"].as_u64() > Some(0), "metadata rules count");
}

// ---------------------------------------------------------------- eval against score.py

fn shared() -> Option<PathBuf> {
    let s = root().join("../shared");
    if !s.join("tools/score.py").exists() {
        eprintln!("note: ../shared is absent; skipping the score.py comparison");
        return None;
    }
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("note: python3 is absent; skipping the score.py comparison");
        return None;
    }
    Some(s)
}

const SEED: &str = "seed/000_df037e6e29c2adaf";

fn frac(v: &Value) -> (u64, u64) {
    let s = v.as_str().unwrap_or("0/0");
    let (a, b) = s.split_once('/').unwrap_or(("0", "0"));
    (a.parse().unwrap_or(0), b.parse().unwrap_or(0))
}

fn field(ours: &Value, ty: &str, name: &str, mode: &str) -> (u64, u64) {
    let f = &ours[ty]["fields"][name][mode];
    (f["correct"].as_u64().unwrap_or(0), f["compared"].as_u64().unwrap_or(0))
}

/// Score `pred` with score.py and with `claimex eval`; return the mismatches.
fn compare_with_score_py(shared: &Path, gold_jsonl: &str, pred: &str) -> Vec<String> {
    let gold_json = shared.join(format!("{SEED}.gold.json"));
    let py = Command::new("python3")
        .arg(shared.join("tools/score.py"))
        .args(["seed", "--json", "--gold", gold_json.to_str().unwrap(), "--pred", pred])
        .output()
        .expect("score.py");
    assert!(py.status.success(), "score.py: {}", String::from_utf8_lossy(&py.stderr));
    let theirs: Value = serde_json::from_slice(&py.stdout).expect("score.py --json");
    let (code, out, err) = run(&["eval", "--gold", gold_jsonl, "--pred", pred, "--json"]);
    assert_eq!(code, 0, "{err}");
    let ours: Value = serde_json::from_str(&out).expect("eval --json");
    let mut bad = Vec::new();
    let mut same = |what: &str, a: Value, b: Value| {
        if a != b {
            bad.push(format!("{what}: score.py {a} vs claimex eval {b}"));
        }
    };
    let prf = |m: &Value| json!([m["tp"], m["pred"], m["gold"], m["p"], m["r"], m["f1"]]);
    let s = &ours["sentences"];
    same("body sentences", prf(&theirs["body_sentences"]), prf(&s["by"]["body"]["exact"]));
    let leaked = ["author_bio→body", "boilerplate→body"].iter().map(|k| s["confusions"][k].as_u64().unwrap_or(0)).sum::<u64>();
    same("non-body leaked into body", theirs["non_body_leaked_into_body"].clone(), json!(leaked));
    let found = ["boilerplate", "author_bio"].iter().map(|k| s["by"][k]["found_exact"].as_u64().unwrap_or(0)).sum::<u64>();
    let total = ["boilerplate", "author_bio"].iter().map(|k| s["by"][k]["exact"]["gold"].as_u64().unwrap_or(0)).sum::<u64>();
    same("boilerplate and bio found", json!(frac(&theirs["boilerplate_and_bio_sentences_found"])), json!((found, total)));
    same("quotes", prf(&theirs["quotes"]), prf(&ours["quotes"]["exact"]));
    same("quote kind", json!(frac(&theirs["quote_kind_correct"])), json!(field(&ours, "quotes", "kind", "exact")));
    same("quote speaker", json!(frac(&theirs["quote_speaker_correct"])), json!(field(&ours, "quotes", "speaker", "exact")));
    let a = &ours["attributions"]["overlap"];
    same(
        "attributions required recall",
        json!(frac(&theirs["attributions_required_recall"])).as_array().map(|v| json!([v[0].as_u64(), v[1].as_u64()])).unwrap(),
        json!((a["tp_required"].as_u64(), a["gold"].as_u64())),
    );
    same("attributions precision", theirs["attributions_precision"].clone(), a["p"].clone());
    for (k, f) in [
        ("attribution_source_correct", "source"),
        ("attribution_content_kind_correct", "content_kind"),
        ("attribution_hedge_correct", "hedge"),
    ] {
        let ours_f = field(&ours, "attributions", f, "overlap");
        same(k, json!(frac(&theirs[k])), json!(ours_f));
    }
    // Deliberate difference: score.py counts a null `resolved` as correct whatever was
    // predicted; claimex eval counts it correct only when nothing is predicted.
    let meta = ["title", "author", "date"].iter().map(|k| ours["metadata"][k]["correct"].as_u64().unwrap_or(0)).sum::<u64>();
    same("metadata", json!(frac(&theirs["metadata_found"])), json!((meta, 3)));
    let (tr, tn) = frac(&theirs["attribution_resolved_correct"]);
    let (or, on) = field(&ours, "attributions", "source_resolved", "overlap");
    if tn > 0 && !(on == tn && or <= tr && tr - or <= 1) {
        bad.push(format!("resolved: score.py {tr}/{tn} vs claimex eval {or}/{on}"));
    }
    bad
}

/// A prediction for the seed with deliberate errors of every kind the scorer counts: the
/// pipeline's sentences and metadata, quotes and attributions made from the gold and then
/// damaged (missed, wrong kind, wrong speaker, shortened content, lenient cue, wrong hedge,
/// wrong resolution, invented records).
fn damaged_prediction(shared: &Path, real: &Value) -> Value {
    let gold: Value = serde_json::from_str(&std::fs::read_to_string(shared.join(format!("{SEED}.gold.json"))).unwrap()).unwrap();
    let span = |t: &str| json!({"start": 0, "end": t.chars().count(), "text": t});
    let mut quotes = Vec::new();
    for (i, q) in gold["quotes"].as_array().unwrap().iter().enumerate() {
        let text = q["text"].as_str().unwrap();
        let (mut kind, mut speaker) = (q["kind"].clone(), q["speaker"].clone());
        match i {
            1 => {}
            2 => continue,
            3 => kind = json!(if kind == "term" { "partial" } else { "term" }),
            6 => speaker = json!("Barack Obama"),
            8 => speaker = json!("the US"),
            _ => {}
        }
        let text = if i == 1 { format!("“{text}.”") } else { text.to_string() };
        quotes.push(json!({"id": format!("q{i}"), "start": 0, "end": 1, "text": text, "kind": kind, "sentence_ids": [],
            "speaker": speaker, "speaker_resolved": null, "attribution_id": null, "rules": ["quote/test"]}));
    }
    quotes.push(json!({"id": "qx", "start": 0, "end": 1, "text": "a quotation nobody made", "kind": "direct", "sentence_ids": [],
        "speaker": null, "speaker_resolved": null, "attribution_id": null, "rules": ["quote/test"]}));
    let mut attributions = Vec::new();
    for (i, a) in gold["attributions"].as_array().unwrap().iter().enumerate() {
        let content = a["content"].as_str().unwrap();
        let cue = a["cue"].as_str().unwrap();
        let (mut source, mut resolved, mut kind, mut hedge) =
            (a["source"].clone(), a["resolved"].clone(), a["content_kind"].clone(), a["hedge"].clone());
        let mut cue_text = cue.to_string();
        let mut content_text = content.to_string();
        match i {
            1 => {
                cue_text = cue.rsplit(' ').next().unwrap().to_string();
                let words: Vec<&str> = content.split(' ').collect();
                content_text = words[..words.len() * 4 / 5].join(" ");
                source = json!("Obama");
            }
            2 | 9 | 12 | 15 => continue,
            3 => kind = json!(if kind == "indirect" { "mixed" } else { "indirect" }),
            4 => hedge = json!(null),
            5 => {
                source = json!("the foreign minister");
                resolved = json!(null);
            }
            _ => {}
        }
        attributions.push(json!({"id": format!("a{i}"), "sentence_id": "s0",
            "source": source.as_str().map(span), "source_resolved": resolved, "source_kind": "person",
            "cue": {"start": 0, "end": 1, "text": cue_text, "lemma": cue_text, "class": "neutral"},
            "content": span(&content_text), "content_kind": kind, "hedge": hedge, "rule": "attribution/test"}));
    }
    attributions.push(json!({"id": "ax", "sentence_id": "s0", "source": span("Nobody"), "source_resolved": null, "source_kind": "person",
        "cue": {"start": 0, "end": 1, "text": "said", "lemma": "say", "class": "neutral"},
        "content": span("nothing of the kind happened"), "content_kind": "indirect", "hedge": null, "rule": "attribution/test"}));
    let mut doc = real.clone();
    doc["quotes"] = json!(quotes);
    doc["attributions"] = json!(attributions);
    doc
}

#[test]
fn eval_reproduces_score_py_on_the_seed() {
    let Some(shared) = shared() else { return };
    let t = Scratch::new("seed");
    let gold = arg(&t, "gold.jsonl");
    let conv = Command::new("python3")
        .arg(root().join("scripts/seed_gold.py"))
        .arg(shared.join(format!("{SEED}.gold.json")))
        .output()
        .expect("seed_gold.py");
    assert!(conv.status.success(), "{}", String::from_utf8_lossy(&conv.stderr));
    std::fs::write(&gold, &conv.stdout).unwrap();
    let out = arg(&t, "out");
    let (code, _, err) = run(&["extract", shared.join(format!("{SEED}.txt")).to_str().unwrap(), "-o", &out, "-q"]);
    assert_eq!(code, 0, "{err}");
    let pred = arg(&t, "out/documents.jsonl");
    let bad = compare_with_score_py(&shared, &gold, &pred);
    assert!(bad.is_empty(), "the pipeline's own output:\n{}", bad.join("\n"));

    let real: Value = serde_json::from_str(std::fs::read_to_string(&pred).unwrap().lines().next().unwrap()).unwrap();
    let damaged = arg(&t, "damaged.jsonl");
    std::fs::write(&damaged, damaged_prediction(&shared, &real).to_string() + "\n").unwrap();
    let bad = compare_with_score_py(&shared, &gold, &damaged);
    assert!(bad.is_empty(), "a damaged prediction:\n{}", bad.join("\n"));
    // The damage shows: these figures are not perfect.
    let (_, out, _) = run(&["eval", "--gold", &gold, "--pred", &damaged, "--json"]);
    let ours: Value = serde_json::from_str(&out).unwrap();
    assert!(ours["quotes"]["exact"]["r"].as_f64().unwrap() < 1.0 && ours["attributions"]["overlap"]["p"].as_f64().unwrap() < 1.0);

    // Thresholds: a bar the pipeline meets passes, one it misses exits 1 naming the figure.
    let min = arg(&t, "min.toml");
    std::fs::write(&min, "\"sentences.by.body.exact.f1\" = 0.95\n").unwrap();
    let (code, _, err) = run(&["eval", "--gold", &gold, "--pred", &pred, "--min", &min]);
    assert_eq!(code, 0, "{err}");
    std::fs::write(&min, "\"sentences.by.body.exact.f1\" = 0.95\n\"quotes.exact.f1\" = 0.99\n").unwrap();
    let (code, _, err) = run(&["eval", "--gold", &gold, "--pred", &damaged, "--min", &min]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("quotes.exact.f1 = ") && err.contains("is below 0.99"), "{err}");
    // With inputs instead of --pred, eval runs the pipeline itself: same figures.
    let (_, from_inputs, _) = run(&["eval", "--gold", &gold, shared.join(format!("{SEED}.txt")).to_str().unwrap(), "--json"]);
    let (_, from_pred, _) = run(&["eval", "--gold", &gold, "--pred", &pred, "--json"]);
    assert_eq!(from_inputs, from_pred);
}
