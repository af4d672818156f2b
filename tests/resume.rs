//! Interrupted runs (issue 7, item 5): a killed run leaves the previous complete output or
//! no file with a final name, and `--resume` finishes it without losing or duplicating a
//! document: the result equals an uninterrupted run, byte for byte.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use common::Scratch;

const BIN: &str = env!("CARGO_BIN_EXE_claimex");
const FILES: [&str; 5] = ["documents.jsonl", "sentences.csv", "quotes.csv", "attributions.csv", "claims.csv"];

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
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut names: Vec<String> =
        entries.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).filter(|n| !n.starts_with('.')).collect();
    names.sort();
    names
}

fn checkpointed(dir: &Path) -> Option<u64> {
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join(".claimex-checkpoint.json")).ok()?).ok()?;
    v["documents"].as_u64()
}

/// A run reading its documents from stdin, fed by the test: it cannot get ahead of what
/// it was given, so it can be killed at an exact point whatever the machine's load.
struct Fed {
    child: Child,
    stdin: Option<ChildStdin>,
    fed: usize,
}

impl Fed {
    fn start(dir: &Path, extra: &[&str]) -> Fed {
        let mut child = extract(Path::new("-"), dir, &["--input-format", "jsonl"]).args(extra).stdin(Stdio::piped()).spawn().unwrap();
        let stdin = child.stdin.take();
        Fed { child, stdin, fed: 0 }
    }

    /// Feed lines up to (not including) `upto`.
    fn feed(&mut self, lines: &[String], upto: usize) {
        let w = self.stdin.as_mut().unwrap();
        for l in &lines[self.fed..upto] {
            w.write_all(l.as_bytes()).unwrap();
        }
        w.flush().unwrap();
        self.fed = upto;
    }

    /// SIGKILL the run once its checkpoint counts at least `docs` documents.
    fn kill_after(mut self, dir: &Path, docs: u64) {
        let started = Instant::now();
        while checkpointed(dir).is_none_or(|n| n < docs) {
            assert!(self.child.try_wait().unwrap().is_none(), "the run ended while its input was open");
            assert!(started.elapsed() < Duration::from_secs(120), "no checkpoint at {docs} documents within 120 s");
            std::thread::sleep(Duration::from_millis(2));
        }
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// Feed the rest, close stdin and wait for success.
    fn finish(mut self, lines: &[String]) {
        self.feed(lines, lines.len());
        drop(self.stdin.take());
        let out = self.child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
}

/// `n` documents in `root/news.jsonl`, and an uninterrupted one-thread run of them into
/// `root/reference`: the input and the reference directory.
fn reference_run(root: &Path, n: usize, seed: u64) -> (PathBuf, PathBuf) {
    let (input, reference) = (root.join("news.jsonl"), root.join("reference"));
    corpus(&input, n, seed);
    let out = extract(&input, &reference, &["--threads", "1"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    (input, reference)
}

fn jsonl_lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path).unwrap().lines().map(|l| format!("{l}\n")).collect()
}

/// The files of `dir` are those of `reference`, byte for byte; `parquet` names the Parquet
/// tables both also hold.
fn assert_same_dataset(reference: &Path, dir: &Path, what: &str, parquet: &[&str]) {
    for &name in FILES.iter().chain(parquet) {
        let (a, b) = (std::fs::read(reference.join(name)).unwrap(), std::fs::read(dir.join(name)).unwrap());
        assert!(a == b, "{name} differs from the uninterrupted run {what}");
    }
    let manifest = |d: &Path| -> serde_json::Value { serde_json::from_slice(&std::fs::read(d.join("manifest.json")).unwrap()).unwrap() };
    let (m0, m1) = (manifest(reference), manifest(dir));
    assert_eq!(m1["finished"], true);
    assert_eq!(m0["counts"], m1["counts"]);
    assert_eq!(m0["inputs"], m1["inputs"]);
    assert_eq!(m0["rule_hits"], m1["rule_hits"]);
    assert!(m1["resumed_after_documents"].as_u64().unwrap() > 0);
    let mut files = vec!["attributions.csv", "claims.csv", "documents.jsonl", "manifest.json", "quotes.csv", "sentences.csv"];
    files.extend(parquet);
    files.sort();
    assert_eq!(final_files(dir), files);
}

#[test]
fn killed_runs_resume_to_the_uninterrupted_output() {
    let root = Scratch::new("resume-kill");
    let input = root.join("news.jsonl");
    corpus(&input, 3000, 7);
    let lines = jsonl_lines(&input);
    let reference = root.join("reference");
    Fed::start(&reference, &["--threads", "1"]).finish(&lines);

    // Killed four times at set points (a little input beyond each, so a chunk is under
    // way), resumed each time over the same stream, then run to the end.
    let dir = root.join("interrupted");
    for (k, kill_at) in [300usize, 900, 1500, 2400].into_iter().enumerate() {
        let args: &[&str] = if k == 0 { &["--threads", "2"] } else { &["--threads", "2", "--resume"] };
        let mut run = Fed::start(&dir, args);
        run.feed(&lines, kill_at + 21);
        run.kill_after(&dir, kill_at as u64);
        // Killed: no file under a final name (there was no earlier output).
        assert_eq!(final_files(&dir), Vec::<String>::new(), "after kill {}", k + 1);
    }
    Fed::start(&dir, &["--threads", "2", "--resume"]).finish(&lines);
    assert_same_dataset(&reference, &dir, "after 4 kills", &[]);
}

#[test]
fn a_killed_file_run_resumes_to_the_uninterrupted_output() {
    let root = Scratch::new("resume-file");
    let (input, reference) = reference_run(&root, 16_000, 11);
    let dir = root.join("interrupted");
    let mut child = extract(&input, &dir, &["--threads", "2"]).spawn().unwrap();
    while checkpointed(&dir).is_none() && child.try_wait().unwrap().is_none() {
        std::thread::sleep(Duration::from_millis(1));
    }
    let killed = child.try_wait().unwrap().is_none();
    child.kill().unwrap();
    child.wait().unwrap();
    if !killed {
        eprintln!("note: the run finished before it could be killed (a very slow test thread); nothing to resume");
        return;
    }
    let out = extract(&input, &dir, &["--threads", "2", "--resume"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_same_dataset(&reference, &dir, "after a kill", &[]);
}

#[test]
fn a_killed_run_leaves_the_previous_output_in_place() {
    let root = Scratch::new("resume-previous");
    let (small, big) = (root.join("small.jsonl"), root.join("big.jsonl"));
    corpus(&small, 20, 1);
    corpus(&big, 600, 2);
    let dir = root.join("out");
    assert!(extract(&small, &dir, &[]).status().unwrap().success());
    let before = snapshot(&dir);
    let mut run = Fed::start(&dir, &["--threads", "2"]);
    run.feed(&jsonl_lines(&big), 300);
    run.kill_after(&dir, 200);
    assert!(before == snapshot(&dir), "the previous output changed");

    // Resuming over other inputs is refused (usage error), and changes nothing.
    let out = extract(&small, &dir, &["--resume", "--input-format", "jsonl"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("inputs[0].bytes: was null, now"), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(before == snapshot(&dir), "the previous output changed");
    // A fresh run replaces everything.
    assert!(extract(&big, &dir, &[]).status().unwrap().success());
    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["counts"]["documents"], 600);
    assert!(!dir.join(".claimex-checkpoint.json").exists());
}

#[test]
fn resume_without_a_checkpoint_starts_afresh_and_stdout_cannot_resume() {
    let root = Scratch::new("resume-fresh");
    let input = root.join("in.jsonl");
    corpus(&input, 5, 3);
    let dir = root.join("out");
    let out = extract(&input, &dir, &["--resume"]).output().unwrap();
    assert!(out.status.success());
    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["counts"]["documents"], 5);
    let st = Command::new(BIN).args(["extract", "-q", "--resume", "--format", "jsonl", "-o", "-"]).arg(&input).output().unwrap();
    assert_eq!(st.status.code(), Some(2));
}

/// Snapshot of the files under final names in `dir`, with their bytes.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    final_files(dir).into_iter().map(|n| (n.clone(), std::fs::read(dir.join(&n)).unwrap())).collect()
}

#[test]
fn a_full_disk_is_an_io_error_naming_the_file_and_the_previous_output_stays() {
    let root = Scratch::new("resume-full");
    let input = root.join("news.jsonl");
    corpus(&input, 200, 5);
    let dir = root.join("out");
    assert!(extract(&input, &dir, &[]).status().unwrap().success());
    let before = snapshot(&dir);
    // Every write to the claims table now fails as on a full disk (ENOSPC).
    std::os::unix::fs::symlink("/dev/full", dir.join(".claims.csv.partial")).unwrap();
    let out = extract(&input, &dir, &[]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(74), "an output error is exit 74 (SPEC §7): {stderr}");
    assert!(stderr.contains(".claims.csv.partial: No space left on device"), "the error names the file: {stderr}");
    // It failed at the first checkpoint, so there is nothing to resume, and it says nothing of it.
    assert!(!stderr.contains("--resume"), "{stderr}");
    assert!(before == snapshot(&dir), "the previous output changed");

    // The same on stdout, as a filter.
    let st = Command::new(BIN)
        .args(["extract", "-q", "--format", "jsonl", "-o", "-"])
        .arg(&input)
        .stdout(std::fs::File::create("/dev/full").unwrap())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&st.stderr);
    assert_eq!(st.status.code(), Some(74), "{stderr}");
    assert!(stderr.contains("stdout: No space left on device"), "{stderr}");
}

#[test]
fn a_run_stopped_by_a_write_error_resumes_to_the_uninterrupted_output() {
    use std::os::unix::process::CommandExt;
    let root = Scratch::new("resume-efbig");
    let (input, reference) = reference_run(&root, 1500, 13);
    // A file-size limit of half the JSONL stands in for a disk filling up part-way: writes
    // past it fail (EFBIG, with SIGXFSZ ignored), after some checkpoints were made.
    let limit = std::fs::metadata(reference.join("documents.jsonl")).unwrap().len() / 2;
    let dir = root.join("interrupted");
    let mut cmd = extract(&input, &dir, &["--threads", "2"]);
    // SAFETY: between fork and exec the closure only calls async-signal-safe functions
    // (signal, setrlimit) on plain values.
    unsafe {
        cmd.pre_exec(move || {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let lim = libc::rlimit { rlim_cur: limit, rlim_max: limit };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(74), "{stderr}");
    assert!(stderr.contains(".documents.jsonl.partial: File too large"), "the error names the file: {stderr}");
    assert!(stderr.contains("with --resume finishes it"), "a checkpoint survives, and the user is told: {stderr}");
    assert!(checkpointed(&dir).is_some_and(|n| n > 0 && n < 1500), "{:?}", checkpointed(&dir));
    assert_eq!(final_files(&dir), Vec::<String>::new(), "no file under a final name");

    let out = extract(&input, &dir, &["--threads", "2", "--resume"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_same_dataset(&reference, &dir, "after a write error", &[]);
}

#[test]
fn a_killed_run_with_chosen_tables_resumes_with_them_only() {
    let root = Scratch::new("resume-tables");
    let input = root.join("news.jsonl");
    corpus(&input, 1200, 17);
    let lines = jsonl_lines(&input);
    let reference = root.join("reference");
    Fed::start(&reference, &["--threads", "1", "--tables", "claims,attributions"]).finish(&lines);

    let dir = root.join("interrupted");
    let mut run = Fed::start(&dir, &["--threads", "2", "--tables", "claims,attributions"]);
    run.feed(&lines, 321);
    run.kill_after(&dir, 300);
    // Other tables than the interrupted run's are other settings: refused, nothing changed.
    let out = extract(Path::new("-"), &dir, &["--input-format", "jsonl", "--resume", "--tables", "claims"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("tables"), "the refusal names the setting: {stderr}");
    assert!(checkpointed(&dir).is_some_and(|n| n >= 300), "the checkpoint survives a refused resume");

    Fed::start(&dir, &["--threads", "2", "--tables", "claims,attributions", "--resume"]).finish(&lines);
    for name in ["documents.jsonl", "attributions.csv", "claims.csv"] {
        assert!(std::fs::read(reference.join(name)).unwrap() == std::fs::read(dir.join(name)).unwrap(), "{name} differs after resuming");
    }
    assert_eq!(final_files(&dir), ["attributions.csv", "claims.csv", "documents.jsonl", "manifest.json"]);
    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["tables"], serde_json::json!(["attributions", "claims"]));
    assert!(m["resumed_after_documents"].as_u64().unwrap() >= 300);
}

/// A Parquet file cannot be cut back to a checkpoint: `--resume` writes the Parquet tables
/// again from the records the checkpoint counts, and they come out as an uninterrupted
/// run's, byte for byte (issue 15 §3).
#[cfg(feature = "parquet")]
#[test]
fn a_killed_parquet_run_resumes_to_the_uninterrupted_output() {
    let root = Scratch::new("resume-parquet");
    let input = root.join("news.jsonl");
    corpus(&input, 1500, 23);
    let lines = jsonl_lines(&input);
    let reference = root.join("reference");
    Fed::start(&reference, &["--threads", "1", "--format", "parquet"]).finish(&lines);

    let dir = root.join("interrupted");
    let mut run = Fed::start(&dir, &["--threads", "2", "--format", "parquet"]);
    run.feed(&lines, 621);
    run.kill_after(&dir, 600);
    // Resuming a Parquet run as a CSV-only one is other settings: refused.
    let out = extract(Path::new("-"), &dir, &["--input-format", "jsonl", "--resume"]).stdin(Stdio::null()).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));

    Fed::start(&dir, &["--threads", "2", "--format", "parquet", "--resume"]).finish(&lines);
    assert_same_dataset(
        &reference,
        &dir,
        "after a kill",
        &["attributions.parquet", "claims.parquet", "quotes.parquet", "sentences.parquet"],
    );
}
