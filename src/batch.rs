//! Stage 7, batch: the streaming, ordered, parallel driver.
//!
//! Documents are read in chunks; a chunk is extracted and rendered in parallel (rayon, in
//! a pool of `--threads` workers) and written in input order before the next chunk is
//! read, so memory is bounded by the chunk, not the corpus. With one thread the chunk is
//! processed by a plain serial loop. The core [`crate::extract`] never sees a thread.

use std::io;
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::ingest::{self, Input, Item};
use crate::rules::RuleSet;
use crate::write::{Output, Rendered, render};

/// How a batch runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Worker threads (1 = serial).
    pub threads: usize,
    /// Most documents per chunk.
    pub chunk_docs: usize,
    /// Most text bytes per chunk.
    pub chunk_bytes: usize,
    /// How inputs are read.
    pub ingest: ingest::Options,
}

impl Default for Config {
    fn default() -> Self {
        Config { threads: 1, chunk_docs: 512, chunk_bytes: 8 << 20, ingest: ingest::Options::default() }
    }
}

/// Counts for one input.
#[derive(Debug, Clone, Default, Serialize)]
pub struct InputSummary {
    /// The path, or `-`.
    pub path: String,
    /// sha256 of the file's bytes (absent for stdin).
    pub sha256: Option<String>,
    /// Documents read (including ones that failed).
    pub documents: usize,
    /// Documents that failed.
    pub errors: usize,
}

/// What a run did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Documents accounted for (extracted or failed).
    pub documents: usize,
    /// Sentences written.
    pub sentences: usize,
    /// Quotations written.
    pub quotes: usize,
    /// Attributions written.
    pub attributions: usize,
    /// Claims written.
    pub claims: usize,
    /// Documents that failed.
    pub errors: usize,
    /// Text bytes processed.
    pub bytes: usize,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Per-input counts.
    pub inputs: Vec<InputSummary>,
    /// The first errors, `file:line: message`, for the manifest and the terminal.
    pub error_messages: Vec<String>,
    /// Hits per rule id.
    pub rule_hits: std::collections::BTreeMap<String, usize>,
}

/// At most this many error messages are kept in the summary.
const MAX_ERROR_MESSAGES: usize = 100;

struct Done {
    rendered: Rendered,
    sentences: usize,
    quotes: usize,
    attributions: usize,
    claims: usize,
    bytes: usize,
    error: Option<String>,
    rules: Vec<String>,
}

fn process(item: Item, rules: &RuleSet, csv: bool) -> Done {
    match item {
        Ok(doc) => {
            let rec = crate::extract(&doc, rules);
            let mut hits = Vec::new();
            hits.extend(rec.sentences.iter().flat_map(|s| s.rules.iter().cloned()));
            hits.extend(rec.quotes.iter().flat_map(|q| q.rules.iter().cloned()));
            hits.extend(rec.attributions.iter().map(|a| a.rule.clone()));
            hits.extend(rec.claims.iter().flat_map(|c| c.rules.iter().cloned()));
            hits.extend(rec.metadata_rules.values().cloned());
            Done {
                rendered: render(&rec, csv),
                sentences: rec.sentences.len(),
                quotes: rec.quotes.len(),
                attributions: rec.attributions.len(),
                claims: rec.claims.len(),
                bytes: doc.text.len(),
                error: None,
                rules: hits,
            }
        }
        Err(e) => Done {
            rendered: render(&crate::record::error_record(&e), csv),
            sentences: 0,
            quotes: 0,
            attributions: 0,
            claims: 0,
            bytes: 0,
            error: Some(e.to_string()),
            rules: Vec::new(),
        },
    }
}

/// Run the batch over `inputs`, writing to `out`. `progress` is called after each chunk.
pub fn run(inputs: &[Input], rules: &RuleSet, cfg: &Config, out: &mut Output, progress: &mut dyn FnMut(&Summary)) -> io::Result<Summary> {
    let started = Instant::now();
    let pool = if cfg.threads > 1 {
        Some(rayon::ThreadPoolBuilder::new().num_threads(cfg.threads).build().map_err(io::Error::other)?)
    } else {
        None
    };
    let csv = out.wants_csv();
    let mut summary = Summary::default();
    let mut chunk: Vec<Item> = Vec::with_capacity(cfg.chunk_docs);
    for input in inputs {
        let mut per = InputSummary { path: input.path.display().to_string(), sha256: file_sha256(input), ..Default::default() };
        let mut chunk_bytes = 0;
        let mut items = ingest::read(input, &cfg.ingest);
        loop {
            let next = items.next();
            let end = next.is_none();
            if let Some(item) = next {
                chunk_bytes += item.as_ref().map_or(0, |d| d.text.len());
                chunk.push(item);
            }
            if chunk.len() >= cfg.chunk_docs || chunk_bytes >= cfg.chunk_bytes || (end && !chunk.is_empty()) {
                let batch = std::mem::take(&mut chunk);
                let done: Vec<Done> = match &pool {
                    Some(p) => p.install(|| batch.into_par_iter().map(|it| process(it, rules, csv)).collect()),
                    None => batch.into_iter().map(|it| process(it, rules, csv)).collect(),
                };
                for d in done {
                    out.write(&d.rendered)?;
                    summary.documents += 1;
                    per.documents += 1;
                    summary.sentences += d.sentences;
                    summary.quotes += d.quotes;
                    summary.attributions += d.attributions;
                    summary.claims += d.claims;
                    summary.bytes += d.bytes;
                    for r in d.rules {
                        *summary.rule_hits.entry(r).or_default() += 1;
                    }
                    if let Some(e) = d.error {
                        summary.errors += 1;
                        per.errors += 1;
                        if summary.error_messages.len() < MAX_ERROR_MESSAGES {
                            summary.error_messages.push(e);
                        }
                    }
                }
                chunk_bytes = 0;
                summary.seconds = started.elapsed().as_secs_f64();
                progress(&summary);
            }
            if end {
                break;
            }
        }
        summary.inputs.push(per);
    }
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

fn file_sha256(input: &Input) -> Option<String> {
    if input.is_stdin() {
        return None;
    }
    let mut f = std::fs::File::open(&input.path).ok()?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = io::Read::read(&mut f, &mut buf).ok()?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Some(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}
