//! The scale-out contract (SPEC §6) on a sample of `../shared/corpus`, read in place: the
//! filter `claimex extract --input-format jsonl - -o - --format jsonl` writes only
//! documents.jsonl lines on stdout; shards run separately and concatenated equal one run;
//! the dataset is byte-identical for any thread count and chunk size.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use common::Scratch;

const BIN: &str = env!("CARGO_BIN_EXE_claimex");

/// The first `n` lines of each corpus file, or `None` (with a note) when ../shared is absent.
fn sample(n: usize) -> Option<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let mut out = Vec::new();
    for name in ["bbc_news_2225.jsonl", "reuters21578.jsonl"] {
        let Ok(text) = std::fs::read_to_string(dir.join(name)) else {
            eprintln!("note: {} is absent; skipping", dir.join(name).display());
            return None;
        };
        for line in text.lines().take(n) {
            out.extend_from_slice(line.as_bytes());
            out.push(b'\n');
        }
    }
    Some(out)
}

/// Start the filter (`extract` JSONL on stdin to JSONL on stdout) with `extra` options,
/// its three streams piped.
fn spawn_filter(extra: &[&str]) -> std::process::Child {
    Command::new(BIN)
        .args(["extract", "--input-format", "jsonl", "-", "-o", "-", "--format", "jsonl"])
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run claimex")
}

/// Run the filter on `input`; stdout, with the exit status checked.
fn filter(input: &[u8], extra: &[&str]) -> Vec<u8> {
    let mut child = spawn_filter(extra);
    let mut stdin = child.stdin.take().expect("stdin");
    let data = input.to_vec();
    let feeder = std::thread::spawn(move || stdin.write_all(&data));
    let out = child.wait_with_output().expect("wait");
    feeder.join().unwrap().expect("feed stdin");
    assert!(out.status.success(), "exit {:?}: {}", out.status, String::from_utf8_lossy(&out.stderr));
    out.stdout
}

#[test]
fn filter_writes_only_jsonl_and_shards_concatenate_to_one_run() {
    let Some(data) = sample(120) else { return };
    let whole = filter(&data, &["--threads", "2"]);
    // Nothing but one documents.jsonl record per input line.
    let lines: Vec<&[u8]> = whole.split(|&b| b == b'\n').filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), data.split(|&b| b == b'\n').filter(|l| !l.is_empty()).count());
    for l in &lines {
        let v: serde_json::Value = serde_json::from_slice(l).expect("every stdout line is JSON");
        assert_eq!(v["schema_version"], claimex::record::SCHEMA_VERSION);
        assert_eq!(v["source"], "-");
    }
    // Three uneven shards, cut at line ends, run separately (with other settings).
    let cuts: Vec<usize> = {
        let ends: Vec<usize> = data.iter().enumerate().filter(|(_, b)| **b == b'\n').map(|(i, _)| i + 1).collect();
        vec![0, ends[17], ends[150], data.len()]
    };
    let mut sharded = Vec::new();
    for (k, w) in cuts.windows(2).enumerate() {
        let threads = if k % 2 == 0 { "1" } else { "2" };
        sharded.extend(filter(&data[w[0]..w[1]], &["--threads", threads, "--chunk-docs", "7"]));
    }
    assert!(whole == sharded, "the sharded run differs from the single run");
}

fn dataset(dir: &Path) -> Vec<(String, Vec<u8>)> {
    ["documents.jsonl", "sentences.csv", "quotes.csv", "attributions.csv", "claims.csv"]
        .iter()
        .map(|n| (n.to_string(), std::fs::read(dir.join(n)).unwrap_or_else(|e| panic!("{n}: {e}"))))
        .collect()
}

#[test]
fn dataset_is_identical_for_any_thread_count_and_chunk_size() {
    let Some(data) = sample(80) else { return };
    let root = Scratch::new("scale-threads");
    let input = root.join("sample.jsonl");
    std::fs::write(&input, &data).unwrap();
    let mut runs = Vec::new();
    for (threads, chunk) in [("1", "512"), ("2", "512"), ("2", "1"), ("3", "13")] {
        let out = root.join(format!("out-{threads}-{chunk}"));
        let st = Command::new(BIN)
            .args(["extract", "-q", "--threads", threads, "--chunk-docs", chunk, "-o"])
            .arg(&out)
            .arg(&input)
            .status()
            .unwrap();
        assert!(st.success());
        let m: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
        assert_eq!(m["finished"], true);
        assert_eq!(m["counts"]["documents"], 160);
        runs.push(((threads, chunk), dataset(&out), m["counts"].clone(), m["rule_hits"].clone()));
    }
    let (first, rest) = runs.split_first().unwrap();
    for r in rest {
        for ((name, a), (_, b)) in first.1.iter().zip(&r.1) {
            assert!(a == b, "{name} differs between threads/chunk {:?} and {:?}", first.0, r.0);
        }
        assert_eq!(first.2, r.2);
        assert_eq!(first.3, r.3);
    }
}

#[test]
fn filter_into_a_closed_pipe_stops_quietly() {
    // `claimex extract … -o - | head`: the reader went away; like `split`, not an error.
    let Some(data) = sample(100) else { return };
    let mut child = spawn_filter(&[]);
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(&data);
    });
    let mut first = [0u8; 100];
    std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut first).unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("error"), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn filter_fed_slowly_writes_each_chunk_before_the_input_ends() {
    // A live feed: with `--chunk-docs 1` each record reaches stdout while stdin is still
    // open (it used to wait in the output buffer until the input ended).
    let mut child = spawn_filter(&["-q", "--threads", "2", "--chunk-docs", "1"]);
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"{\"id\": \"first\", \"text\": \"The harbour board said the strike would end on Monday.\"}\n").unwrap();
    stdin.flush().unwrap();
    // read the first record while stdin stays open; a reader thread, so a hang fails the
    // test after a while instead of blocking it
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut line = String::new();
        std::io::BufRead::read_line(&mut stdout, &mut line).unwrap();
        tx.send(line).unwrap();
        stdout
    });
    let line = rx.recv_timeout(std::time::Duration::from_secs(60));
    drop(stdin);
    let line = line.expect("the first record arrives while the input is still open");
    assert!(line.starts_with('{') && line.contains("\"doc_id\":\"first\""), "{line}");
    reader.join().unwrap();
    assert!(child.wait().unwrap().success());
}
