//! Peak memory of the binary, measured from outside (issue 7; issue 13's memory bar).
//!
//! These tests live in a test binary of their own, apart from `tests/hostile.rs`: the
//! child is started with vfork, and Linux counts the parent's high-water RSS at the child's
//! exec into the child's `ru_maxrss`. Beside a test that holds a 100 MB document in the
//! test process (`line_of_100_mb`), the child's figure read 1.2 GB for a run that peaks
//! near 50 MB, and the comparison below failed at random. Here the test process stays a
//! few megabytes, far below what is measured.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

use common::{Scratch, needs_free_space};

const BIN: &str = env!("CARGO_BIN_EXE_claimex");

/// Run the binary and measure its peak resident memory (bytes) with wait4; panics with
/// its stderr unless it exits 0.
fn peak_rss(cmd: &mut Command) -> u64 {
    let scratch = Scratch::new("stderr");
    let err = scratch.join("stderr");
    // Reaped by wait4 below, not by Child::wait, to get its resource usage.
    #[allow(clippy::zombie_processes)]
    let child = cmd.stdout(Stdio::null()).stderr(std::fs::File::create(&err).unwrap()).spawn().unwrap();
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid value for wait4 to fill in; the pid is our child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(r, pid);
    let stderr = std::fs::read_to_string(&err).unwrap_or_default();
    assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "status {status:#x}: {stderr}");
    usage.ru_maxrss as u64 * 1024
}

fn news_jsonl(path: &Path, docs: usize) {
    let mut out = String::new();
    for d in 0..docs {
        let text = format!(
            "Report {d}\n\n“Prices rose 3.{d}% in March,” the minister said on Tuesday. Dr. Lee argued that the plan would cost $1.2bn. \
             Exports fell for a third month, officials said.\n\nThe talks resume on Jan. 5 in Geneva."
        );
        out.push_str(&serde_json::json!({"id": format!("n{d}"), "text": text}).to_string());
        out.push('\n');
    }
    std::fs::write(path, out).unwrap();
}

#[test]
fn memory_is_flat_as_the_corpus_grows() {
    let dir = Scratch::new("flat");
    needs_free_space(&dir, 150);
    let (small, large) = (dir.join("small.jsonl"), dir.join("large.jsonl"));
    news_jsonl(&small, 2_000);
    news_jsonl(&large, 16_000);
    let run =
        |input: &Path, out: &str| peak_rss(Command::new(BIN).args(["extract", "-q", "--threads", "2", "-o"]).arg(dir.join(out)).arg(input));
    let rss_s = run(&small, "out-small");
    let rss_l = run(&large, "out-large");
    // 8× the documents (about 2 MB → 16 MB of text) may not cost more than a few chunks.
    assert!(rss_l < rss_s + (24 << 20), "peak RSS {} MB for 16k docs vs {} MB for 2k", rss_l >> 20, rss_s >> 20);
}

#[test]
fn memory_for_one_large_document_is_bounded() {
    let dir = Scratch::new("bigdoc");
    needs_free_space(&dir, 800);
    let input = dir.join("big.txt");
    let sentence = "The minister said that prices rose by 3.5% in Zürich. ";
    std::fs::write(&input, sentence.repeat((16 << 20) / sentence.len())).unwrap();
    let rss = peak_rss(Command::new(BIN).args(["extract", "-q", "--threads", "2", "-o"]).arg(dir.join("out")).arg(&input));
    let output: u64 = std::fs::read_dir(dir.join("out")).unwrap().map(|e| e.unwrap().metadata().unwrap().len()).sum();
    // One document is held whole: its text and clean copy, its records (one attribution per
    // sentence here) and their rendering, which is the document's output.
    let bound = 3 * output + 8 * (16 << 20) + (64 << 20);
    assert!(rss < bound, "peak RSS {} MB for a 16 MB document with {} MB of output", rss >> 20, output >> 20);
    eprintln!("peak RSS {} MB for a 16 MB document with {} MB of output", rss >> 20, output >> 20);
}
