//! The bar of the regression tooling: a deliberately broken rule edit — an abbreviation
//! deleted, a regex widened, a reporting verb removed from the lexicon — is caught by
//! `claimex check` with a diff that names the rule and the changed records.
//!
//! Each test copies `rules/` and `fixtures/` to a temporary directory, blesses the fixture
//! copy with the intact rules (so the test does not depend on the committed expectations
//! being current), breaks the rule copy, and runs `claimex check --rules COPY`.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::Scratch;

const BIN: &str = env!("CARGO_BIN_EXE_claimex");

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read dir") {
        let p = e.expect("entry").path();
        let dest = to.join(p.file_name().expect("name"));
        if p.is_dir() {
            copy_dir(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).expect("copy");
        }
    }
}

fn run(args: &[&str]) -> (i32, String) {
    let Output { status, stdout, stderr } = Command::new(BIN).args(args).output().expect("run claimex");
    (status.code().unwrap_or(-1), format!("{}{}", String::from_utf8_lossy(&stdout), String::from_utf8_lossy(&stderr)))
}

/// A work area: intact rules, blessed fixtures.
struct Area {
    tmp: Scratch,
    rules: String,
    fixtures: String,
}

impl Area {
    fn new(tag: &str) -> Area {
        let tmp = Scratch::new(tag);
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        copy_dir(&root.join("rules"), &tmp.join("rules"));
        copy_dir(&root.join("fixtures"), &tmp.join("fixtures"));
        let path = |d: &str| tmp.join(d).to_str().expect("utf-8 temp path").to_string();
        let (rules, fixtures) = (path("rules"), path("fixtures"));
        let area = Area { tmp, rules, fixtures };
        let (code, out) = run(&["check", area.fixtures(), "--rules", area.rules(), "--bless", "--color", "never"]);
        assert_eq!(code, 0, "blessing the fixture copy failed:\n{out}");
        let (code, out) = run(&["check", area.fixtures(), "--rules", area.rules(), "--color", "never"]);
        assert_eq!(code, 0, "the intact rules must pass their own blessed fixtures:\n{out}");
        area
    }

    fn rules(&self) -> &str {
        &self.rules
    }

    fn fixtures(&self) -> &str {
        &self.fixtures
    }

    /// Replace `from` by `to` in a rule file of the copy; the text must be there.
    fn edit(&self, file: &str, from: &str, to: &str) {
        let path = self.tmp.join("rules").join(file);
        let text = std::fs::read_to_string(&path).expect("rule file");
        assert!(text.contains(from), "{file} no longer contains {from:?}: update this test to the current rules");
        std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
    }

    fn check(&self) -> (i32, String) {
        run(&["check", self.fixtures(), "--rules", self.rules(), "--color", "never"])
    }
}

#[test]
fn deleting_an_abbreviation_is_caught_and_named() {
    let area = Area::new("abbrev");
    area.edit("lexicons/abbreviations.txt", "\nDr. | title\n", "\n");
    let (code, out) = area.check();
    assert_eq!(code, 1, "check must fail:\n{out}");
    // The group names the lexicon, the note names the entry, the records are listed.
    assert!(out.contains("lexicons/abbreviations.txt: +"), "{out}");
    assert!(out.contains("`Dr.` is not in lexicons/abbreviations.txt"), "{out}");
    assert!(out.contains("+ input: sentence"), "{out}");
    assert!(out.contains("\"Dr.\""), "{out}");
    assert!(out.contains("FAIL abbreviations:"), "{out}");
}

#[test]
fn widening_a_block_regex_is_caught_and_named() {
    let area = Area::new("regex");
    // Drop the anchor: the disclaimer rule now fires on any paragraph that mentions views expressed.
    area.edit("segment/blocks.toml", "pattern = '(?i)^(?:the )?(?:views|opinions)", "pattern = '(?i)(?:the )?(?:views|opinions)");
    let (code, out) = area.check();
    assert_eq!(code, 1, "check must fail:\n{out}");
    assert!(out.contains("segment/blocks/views-expressed: ~"), "{out}");
    assert!(out.contains("block: \"body\" → \"boilerplate\""), "{out}");
    assert!(out.contains("rules: [] → [\"segment/blocks/views-expressed\"]"), "{out}");
    // The rule's own counterexample catches it too.
    let (code, out) = run(&["rules", "test", "--rules", area.rules(), "--color", "never"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("FAIL segment/blocks/views-expressed"), "{out}");
}

#[test]
fn the_diff_command_summarises_per_rule() {
    let area = Area::new("diff");
    // The fixture directory as input: its expected `documents.jsonl` files are not read.
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let input = input.to_str().expect("utf-8");
    let before = area.tmp.join("before");
    let after = area.tmp.join("after");
    let (code, out) = run(&["extract", input, "--rules", area.rules(), "-o", before.to_str().unwrap(), "-q"]);
    assert_eq!(code, 0, "{out}");
    area.edit("lexicons/abbreviations.txt", "\nDr. | title\n", "\n");
    let (code, out) = run(&["extract", input, "--rules", area.rules(), "-o", after.to_str().unwrap(), "-q"]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = run(&["diff", before.to_str().unwrap(), after.to_str().unwrap(), "--rules", area.rules(), "--color", "never"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("  lexicons/abbreviations.txt: +2 ~2\n"), "{out}");
    assert!(out.contains("abbreviations/input: sentence"), "{out}");
    let (code, out) = run(&["diff", before.to_str().unwrap(), before.to_str().unwrap(), "--color", "never"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("no differences"), "{out}");
}

/// The attribution work adds `rules/lexicons/reporting_verbs.txt` (`form | lemma | class |
/// pos`). Once it exists this test is live: it removes every form of the lemma of an
/// attribution the fixtures produce and requires `check` to fail naming that attribution's
/// rule. It fails loudly, never skips, if the lexicon exists but the fixtures produce no
/// attribution or the edit goes unnoticed.
#[test]
fn removing_a_reporting_verb_is_caught_and_named() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if !root.join("rules/lexicons/reporting_verbs.txt").exists() {
        eprintln!("note: rules/lexicons/reporting_verbs.txt does not exist yet; the reporting-verb case activates when it does");
        return;
    }
    let area = Area::new("verb");
    // An attribution from the blessed output: its cue lemma and rule.
    let mut found = None;
    for case in std::fs::read_dir(area.tmp.join("fixtures")).expect("fixtures") {
        let path = case.expect("case").path().join("documents.jsonl");
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for line in text.lines() {
            let doc: serde_json::Value = serde_json::from_str(line).expect("json");
            for a in doc["attributions"].as_array().into_iter().flatten() {
                let lemma = a["cue"]["lemma"].as_str().unwrap_or("").to_string();
                let cue = a["cue"]["text"].as_str().unwrap_or("").to_lowercase();
                let rule = a["rule"].as_str().unwrap_or("").to_string();
                if found.is_none() && !lemma.is_empty() && !rule.is_empty() && !cue.contains(' ') {
                    found = Some((lemma, cue, rule));
                }
            }
        }
    }
    let (lemma, cue, rule) = found.expect(
        "reporting_verbs.txt exists but no fixture produces a single-word attribution cue: \
         re-bless fixtures/ (`claimex check fixtures/ --bless`) or add a fixture with attributions",
    );
    let path = area.tmp.join("rules/lexicons/reporting_verbs.txt");
    let text = std::fs::read_to_string(&path).expect("lexicon");
    let mut removed = 0;
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| {
            let fields: Vec<&str> = l.split('|').map(str::trim).collect();
            let hit = !l.trim_start().starts_with('#') && (fields.get(1) == Some(&lemma.as_str()) || fields.first() == Some(&cue.as_str()));
            removed += usize::from(hit);
            !hit
        })
        .collect();
    assert!(removed > 0, "no line of reporting_verbs.txt has the lemma `{lemma}` or the form `{cue}`");
    std::fs::write(&path, kept.join("\n") + "\n").expect("write");
    let (code, out) = area.check();
    assert_eq!(code, 1, "removing `{lemma}` ({removed} lines) from reporting_verbs.txt went unnoticed by check:\n{out}");
    assert!(out.contains(&format!("{rule}:")), "the diff must name the rule `{rule}`:\n{out}");
    assert!(out.contains("input: attribution"), "the diff must list the attribution records:\n{out}");
}
