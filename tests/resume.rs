//! Interrupted runs (issue 7, item 5): a killed run leaves the previous complete output or
//! no file with a final name, and `--resume` finishes it without losing or duplicating a
//! document: the result equals an uninterrupted run, byte for byte.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_claimex");
const FILES: [&str; 5] = ["documents.jsonl", "sentences.csv", "quotes.csv", "attributions.csv", "claims.csv"];

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("claimex-resume-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// News-like documents of our own making, `n` of them, in a JSONL file.
fn corpus(path: &Path, n: usize, seed: u64) {
    let mut s = seed;
    let mut next = move |k: usize| {
        s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((s >> 33) as usize) % k
    };
    let who = ["Dr. Ann Lee", "the minister", "Mr. J. K. Stone", "a spokesman for the U.N.", "She", "Officials"];
    let verbs = ["said", "argued", "warned", "told reporters", "claimed"];
    let what = [
        "prices rose 3.5% in the year to March",
        "the plan would cost $1.2bn (about €1bn)",
        "nobody had expected the vote to fail",
        "the talks in Geneva would resume on Jan. 5",
        "exports fell for a third month",
    ];
    let mut out = String::new();
    for d in 0..n {
        let mut text = String::new();
        for p in 0..(1 + next(4)) {
            if p > 0 {
                text.push_str("\n\n");
            }
            for _ in 0..(2 + next(5)) {
                let (w, v, x) = (who[next(who.len())], verbs[next(verbs.len())], what[next(what.len())]);
                match next(3) {
                    0 => text.push_str(&format!("“{}{},” {w} {v}. ", x[..1].to_uppercase(), &x[1..])),
                    1 => text.push_str(&format!("{w} {v} that {x}. ")),
                    _ => text.push_str(&format!("{}{}. ", x[..1].to_uppercase(), &x[1..])),
                }
            }
        }
        let line = serde_json::json!({"id": format!("doc-{d:05}"), "title": format!("Report {d}"), "text": text.trim_end()});
        out.push_str(&line.to_string());
        out.push('\n');
    }
    std::fs::write(path, out).unwrap();
}

fn extract(input: &Path, out: &Path, extra: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.args(["extract", "-q", "--chunk-docs", "16", "--checkpoint-interval", "0"]).args(extra).arg("-o").arg(out).arg(input);
    c.stdout(Stdio::null()).stderr(Stdio::piped());
    c
}

fn final_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    names
}

fn checkpointed(checkpoint: &Path) -> Option<u64> {
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(checkpoint).ok()?).ok()?;
    v["documents"].as_u64()
}

/// Start a run and SIGKILL it `after` its checkpoint counts at least `docs` documents.
/// False when the run finished before it could be killed.
fn run_and_kill(mut cmd: Command, dir: &Path, docs: u64, after: Duration) -> bool {
    let checkpoint = dir.join(".claimex-checkpoint.json");
    let mut child = cmd.spawn().unwrap();
    let started = Instant::now();
    while checkpointed(&checkpoint).is_none_or(|n| n < docs) {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "no checkpoint within 60 s");
        std::thread::sleep(Duration::from_millis(2));
    }
    std::thread::sleep(after);
    let finished = child.try_wait().unwrap().is_some();
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    !finished
}

#[test]
fn killed_runs_resume_to_the_uninterrupted_output() {
    let root = tmp("kill");
    let input = root.join("news.jsonl");
    corpus(&input, 4000, 7);
    let reference = root.join("reference");
    let out = extract(&input, &reference, &["--threads", "1"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let dir = root.join("interrupted");
    let mut kills = 0;
    // Killed at different moments, then resumed (and killed again) until it finishes.
    let mut finished = false;
    // Killed once 10%, 30%, … of the documents are checkpointed, a little later each time,
    // so that some output past the checkpoint is usually on disk too.
    for (docs, after) in [(400, 0), (1200, 7), (2000, 1), (2800, 15)] {
        let args: &[&str] = if kills == 0 { &["--threads", "2"] } else { &["--threads", "2", "--resume"] };
        if !run_and_kill(extract(&input, &dir, args), &dir, docs, Duration::from_millis(after)) {
            finished = true;
            break;
        }
        kills += 1;
        // Killed: no file under a final name (there was no earlier output).
        assert_eq!(final_files(&dir), Vec::<String>::new(), "after kill {kills}");
    }
    if !finished {
        let out = extract(&input, &dir, &["--threads", "2", "--resume"]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    eprintln!("killed {kills} times (finished early: {finished})");
    assert!(kills >= 3, "the run finished before it could be killed three times; make the input larger");
    for name in FILES {
        let (a, b) = (std::fs::read(reference.join(name)).unwrap(), std::fs::read(dir.join(name)).unwrap());
        assert!(a == b, "{name} differs from the uninterrupted run after {kills} kills");
    }
    let manifest = |d: &Path| -> serde_json::Value { serde_json::from_slice(&std::fs::read(d.join("manifest.json")).unwrap()).unwrap() };
    let (m0, m1) = (manifest(&reference), manifest(&dir));
    assert_eq!(m1["finished"], true);
    assert_eq!(m0["counts"], m1["counts"]);
    assert_eq!(m0["inputs"], m1["inputs"]);
    assert_eq!(m0["rule_hits"], m1["rule_hits"]);
    assert!(m1["resumed_after_documents"].as_u64().unwrap() > 0);
    assert_eq!(final_files(&dir), ["attributions.csv", "claims.csv", "documents.jsonl", "manifest.json", "quotes.csv", "sentences.csv"]);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_killed_run_leaves_the_previous_output_in_place() {
    let root = tmp("previous");
    let (small, big) = (root.join("small.jsonl"), root.join("big.jsonl"));
    corpus(&small, 20, 1);
    corpus(&big, 2500, 2);
    let dir = root.join("out");
    assert!(extract(&small, &dir, &[]).status().unwrap().success());
    let before: Vec<(String, Vec<u8>)> = final_files(&dir).into_iter().map(|n| (n.clone(), std::fs::read(dir.join(&n)).unwrap())).collect();
    assert!(run_and_kill(extract(&big, &dir, &["--threads", "2"]), &dir, 500, Duration::ZERO), "run finished too early");
    let after: Vec<(String, Vec<u8>)> = final_files(&dir).into_iter().map(|n| (n.clone(), std::fs::read(dir.join(&n)).unwrap())).collect();
    assert!(before == after, "the previous output changed");

    // Resuming over other inputs is refused (usage error), and changes nothing.
    let out = extract(&small, &dir, &["--resume"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("inputs[0].bytes: was"), "{}", String::from_utf8_lossy(&out.stderr));
    // A fresh run over the big input replaces everything.
    assert!(extract(&big, &dir, &[]).status().unwrap().success());
    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["counts"]["documents"], 2500);
    assert!(!dir.join(".claimex-checkpoint.json").exists());
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn resume_without_a_checkpoint_starts_afresh_and_stdout_cannot_resume() {
    let root = tmp("fresh");
    let input = root.join("in.jsonl");
    corpus(&input, 5, 3);
    let dir = root.join("out");
    let out = extract(&input, &dir, &["--resume"]).output().unwrap();
    assert!(out.status.success());
    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["counts"]["documents"], 5);
    let st = Command::new(BIN).args(["extract", "-q", "--resume", "--format", "jsonl", "-o", "-"]).arg(&input).output().unwrap();
    assert_eq!(st.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&root);
}
