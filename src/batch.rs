//! Stage 7, batch: the streaming, ordered, parallel driver.
//!
//! A reader thread reads the inputs one after the other and sends their documents in
//! bounded chunks (at most `chunk_docs` documents or about `chunk_bytes` of text) over a
//! channel that holds at most one chunk, so reading overlaps with extraction and memory is
//! bounded by a few chunks, not by the corpus. Each chunk is extracted and rendered in
//! parallel (rayon, in a pool of `--threads` workers; with one thread a plain serial loop on
//! the calling thread). With a pool, two chunks are in flight: the calling thread writes
//! one, in input order, while the workers extract the next. Output is byte-identical
//! whatever the thread count and the chunk size. The core
//! [`crate::extract`] never sees a thread.
//!
//! After a chunk is written the driver may checkpoint ([`crate::write::Output::checkpoint`]):
//! the number of documents written and the counts so far. A run resumed from a checkpoint
//! ([`Resume`]) reads the same inputs again, skips the documents already written, and goes
//! on from there. A document whose extraction panics (a bug) becomes an error record; the
//! run goes on.

use std::collections::VecDeque;
use std::io::{self, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TryRecvError, sync_channel};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::ingest::{self, DocError, Input, Item};
use crate::rules::RuleSet;
use crate::write::{Output, Rendered, Tables, render_with};

/// How a batch runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Worker threads (1 = serial).
    pub threads: usize,
    /// Most documents per chunk.
    pub chunk_docs: usize,
    /// Most text bytes per chunk (a chunk is sent once it reaches this).
    pub chunk_bytes: usize,
    /// How inputs are read.
    pub ingest: ingest::Options,
    /// Least time between two checkpoints (zero: after every chunk). A checkpoint that
    /// takes long to write (a run over very many files) spaces the next ones out further,
    /// so checkpoints never cost more than about 5% of the run; progress made before the
    /// input stalls is checkpointed once the gap has passed.
    pub checkpoint_every: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            threads: 1,
            chunk_docs: 512,
            chunk_bytes: 8 << 20,
            ingest: ingest::Options::default(),
            checkpoint_every: Duration::from_millis(250),
        }
    }
}

/// Counts for one input.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
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
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
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
    /// Wall-clock seconds (over all the sessions of a resumed run).
    pub seconds: f64,
    /// Per-input counts, one entry per input in order.
    pub inputs: Vec<InputSummary>,
    /// The first errors, `file:line: message`, for the manifest and the terminal.
    pub error_messages: Vec<String>,
    /// Hits per rule id.
    pub rule_hits: std::collections::BTreeMap<String, usize>,
}

/// Where an interrupted run stopped: restored from a checkpoint.
#[derive(Debug, Clone, Default)]
pub struct Resume {
    /// Documents already written (they are skipped).
    pub documents: usize,
    /// The counts at that point.
    pub summary: Summary,
}

/// How far a run is, for a progress display.
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    /// Input bytes read so far in this session.
    pub read_bytes: u64,
    /// Total input bytes, when every input is a file.
    pub total_bytes: Option<u64>,
    /// Seconds since this session started.
    pub elapsed: f64,
}

impl Progress {
    /// One line for a terminal: documents, MB read, MB/s, and with a known total a bar and
    /// the time left.
    pub fn line(&self, s: &Summary) -> String {
        let mb = self.read_bytes as f64 / 1e6;
        let rate = mb / self.elapsed.max(1e-3);
        let mut line = String::new();
        if let Some(total) = self.total_bytes.filter(|&t| t > 0) {
            let frac = (self.read_bytes as f64 / total as f64).clamp(0.0, 1.0);
            let filled = (frac * 20.0).round() as usize;
            line.push_str(&format!("[{}{}] {:>3.0}% ", "#".repeat(filled), ".".repeat(20 - filled), frac * 100.0));
            line.push_str(&format!("{} docs  {mb:.1}/{:.1} MB  {rate:.1} MB/s", s.documents, total as f64 / 1e6));
            if rate > 0.0 && self.read_bytes > 0 {
                let left = (total.saturating_sub(self.read_bytes)) as f64 / 1e6 / rate;
                line.push_str(&format!("  ETA {}", clock(left)));
            }
        } else {
            line.push_str(&format!("{} docs  {mb:.1} MB  {rate:.1} MB/s", s.documents));
        }
        if s.errors > 0 {
            line.push_str(&format!("  {} errors", s.errors));
        }
        line
    }
}

/// `m:ss` or `h:mm:ss`.
fn clock(secs: f64) -> String {
    let s = secs.round() as u64;
    if s >= 3600 { format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60) } else { format!("{}:{:02}", s / 60, s % 60) }
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
    /// Rule ids with how often each fired in the document.
    rules: Vec<(String, usize)>,
}

/// Which tables a worker renders rows for: the CSV tables, and whether their Parquet
/// tables are written too.
#[derive(Clone, Copy)]
struct Wanted {
    tables: Tables,
    parquet: bool,
}

fn failed(e: &DocError, w: Wanted) -> Done {
    Done {
        rendered: render_with(crate::record::error_record(e), w.tables, w.parquet),
        sentences: 0,
        quotes: 0,
        attributions: 0,
        claims: 0,
        bytes: 0,
        error: Some(e.to_string()),
        rules: Vec::new(),
    }
}

fn process(item: Item, rules: &RuleSet, w: Wanted) -> Done {
    let doc = match item {
        Ok(doc) => doc,
        Err(e) => return failed(&e, w),
    };
    // A panic is a bug in claimex; it costs the one document, not the run.
    let done = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let rec = crate::extract(&doc, rules);
        // Counted before rendering, which consumes the record.
        let (sentences, quotes, attributions, claims) = (rec.sentences.len(), rec.quotes.len(), rec.attributions.len(), rec.claims.len());
        let hits = rule_hits(&rec);
        let rendered = render_with(rec, w.tables, w.parquet);
        Done { rendered, sentences, quotes, attributions, claims, bytes: doc.text.len(), error: None, rules: hits }
    }));
    done.unwrap_or_else(|panic| {
        let what = panic.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| panic.downcast_ref::<String>().cloned());
        let e = DocError {
            id: doc.id.clone(),
            file: doc.source.clone(),
            line: None,
            message: format!("internal error (please report): {}", what.unwrap_or_else(|| "panic".into())),
        };
        failed(&e, w)
    })
}

/// How often each rule fired in a record, counted on the worker so that the writing thread
/// adds one count per rule.
fn rule_hits(rec: &crate::record::DocumentRecord) -> Vec<(String, usize)> {
    let mut hits: Vec<&str> = Vec::new();
    hits.extend(rec.sentences.iter().flat_map(|s| s.rules.iter().map(String::as_str)));
    hits.extend(rec.quotes.iter().flat_map(|q| q.rules.iter().map(String::as_str)));
    hits.extend(rec.attributions.iter().map(|a| a.rule.as_str()));
    hits.extend(rec.claims.iter().flat_map(|c| c.rules.iter().map(String::as_str)));
    hits.extend(rec.metadata_rules.values().map(String::as_str));
    hits.sort_unstable();
    hits.chunk_by(|a, b| a == b).map(|g| (g[0].to_string(), g.len())).collect()
}

/// Run the batch over `inputs`, writing to `out`. `progress` is called after each chunk.
pub fn run(inputs: &[Input], rules: &RuleSet, cfg: &Config, out: &mut Output, progress: &mut dyn FnMut(&Summary)) -> io::Result<Summary> {
    run_resumable(inputs, rules, cfg, out, None, &mut |s, _| progress(s))
}

/// Run the batch, continuing from `resume` when given (the same inputs, in the same order,
/// as the interrupted run). `progress` is called after each chunk.
pub fn run_resumable(
    inputs: &[Input],
    rules: &RuleSet,
    cfg: &Config,
    out: &mut Output,
    resume: Option<Resume>,
    progress: &mut dyn FnMut(&Summary, &Progress),
) -> io::Result<Summary> {
    let started = Instant::now();
    let pool = if cfg.threads > 1 {
        Some(rayon::ThreadPoolBuilder::new().num_threads(cfg.threads).build().map_err(io::Error::other)?)
    } else {
        None
    };
    let wanted = Wanted { tables: out.tables(), parquet: out.parquet() };
    let (skip, mut summary) = match resume {
        Some(r) => (r.documents, r.summary),
        None => (0, Summary::default()),
    };
    let previous_seconds = summary.seconds;
    if summary.inputs.len() != inputs.len() {
        summary.inputs = inputs.iter().map(|i| InputSummary { path: i.path.display().to_string(), ..Default::default() }).collect();
    }
    let total_bytes = inputs.iter().map(|i| if i.is_stdin() { None } else { std::fs::metadata(&i.path).ok().map(|m| m.len()) }).sum();
    let read_bytes = Arc::new(AtomicU64::new(0));
    let (rx, reader) = spawn_reader(inputs.to_vec(), cfg, skip, read_bytes.clone());
    let mut st = Writing {
        out,
        summary,
        written: skip,
        started,
        previous_seconds,
        last_checkpoint: Instant::now(),
        checkpoint_gap: cfg.checkpoint_every,
        every: cfg.checkpoint_every,
        dirty: false,
        read_bytes,
        total_bytes,
        progress,
    };
    match &pool {
        None => {
            while let Some(chunk) = st.next_chunk(&rx)? {
                let done = chunk.items.into_iter().map(|(i, it)| (i, process(it, rules, wanted))).collect();
                st.write(done, chunk.finished)?;
            }
        }
        // Two chunks in flight: while the calling thread writes one, the workers already
        // extract the next, so neither waits on the other's tail.
        Some(pool) => pool.in_place_scope(|scope| -> io::Result<()> {
            let mut pending: VecDeque<Pending> = VecDeque::new();
            loop {
                let chunk = if pending.len() >= 2 {
                    None
                } else if pending.is_empty() {
                    match st.next_chunk(&rx)? {
                        Some(c) => Some(c),
                        None => break,
                    }
                } else {
                    match rx.try_recv() {
                        Ok(c) => Some(c),
                        Err(TryRecvError::Empty) => None,
                        Err(TryRecvError::Disconnected) => break,
                    }
                };
                match chunk {
                    Some(chunk) => {
                        let (tx, done) = sync_channel(1);
                        let items = chunk.items;
                        scope.spawn(move |_| {
                            let out: Vec<(usize, Done)> = items.into_par_iter().map(|(i, it)| (i, process(it, rules, wanted))).collect();
                            let _ = tx.send(out);
                        });
                        pending.push_back(Pending { done, finished: chunk.finished });
                    }
                    None => {
                        let p = pending.pop_front().expect("a chunk in flight");
                        st.write(p.done.recv().map_err(|_| io::Error::other("internal error: a worker died"))?, p.finished)?;
                    }
                }
            }
            for p in pending {
                st.write(p.done.recv().map_err(|_| io::Error::other("internal error: a worker died"))?, p.finished)?;
            }
            Ok(())
        })?,
    }
    let mut summary = st.summary;
    // The channel closes when the reader is done, or when it died: tell them apart.
    if reader.join().is_err() {
        return Err(io::Error::other("internal error: the input reader panicked"));
    }
    summary.seconds = previous_seconds + started.elapsed().as_secs_f64();
    Ok(summary)
}

/// A chunk handed to the workers: its documents' results, once done, and the inputs that
/// ended after it.
struct Pending {
    done: Receiver<Vec<(usize, Done)>>,
    finished: Vec<(usize, Option<String>)>,
}

/// The writing side of a run: output, counts, checkpoints and progress, all on the
/// calling thread.
struct Writing<'a> {
    out: &'a mut Output,
    summary: Summary,
    written: usize,
    started: Instant,
    previous_seconds: f64,
    last_checkpoint: Instant,
    checkpoint_gap: Duration,
    every: Duration,
    /// Progress not yet in a checkpoint. While the input stalls (a slow pipe) the last
    /// chunks are checkpointed when the wait outlasts the gap.
    dirty: bool,
    read_bytes: Arc<AtomicU64>,
    total_bytes: Option<u64>,
    progress: &'a mut dyn FnMut(&Summary, &Progress),
}

impl Writing<'_> {
    /// The next chunk read, or `None` when the reader is done; checkpoints while waiting.
    fn next_chunk(&mut self, rx: &Receiver<Chunk>) -> io::Result<Option<Chunk>> {
        loop {
            let wait = self.checkpoint_gap.saturating_sub(self.last_checkpoint.elapsed()).max(Duration::from_millis(1));
            match rx.recv_timeout(if self.dirty { wait } else { Duration::from_secs(3600) }) {
                Ok(chunk) => return Ok(Some(chunk)),
                Err(RecvTimeoutError::Timeout) => {
                    self.out.checkpoint(self.written, &self.summary)?;
                    (self.dirty, self.last_checkpoint) = (false, Instant::now());
                }
                Err(RecvTimeoutError::Disconnected) => return Ok(None),
            }
        }
    }

    /// Write one chunk's documents in input order, count them, and checkpoint when due.
    fn write(&mut self, done: Vec<(usize, Done)>, finished: Vec<(usize, Option<String>)>) -> io::Result<()> {
        for (input, d) in done {
            self.out.write(&d.rendered)?;
            self.written += 1;
            account(&mut self.summary, input, d);
        }
        self.out.flush_stdout()?;
        for (input, sha256) in finished {
            self.summary.inputs[input].sha256 = sha256;
        }
        self.summary.seconds = self.previous_seconds + self.started.elapsed().as_secs_f64();
        self.dirty = true;
        if self.last_checkpoint.elapsed() >= self.checkpoint_gap {
            let t = Instant::now();
            self.out.checkpoint(self.written, &self.summary)?;
            // A checkpoint that is slow to write (very many inputs) spaces out the next.
            if !self.every.is_zero() {
                self.checkpoint_gap = self.every.max(t.elapsed() * 20);
            }
            (self.dirty, self.last_checkpoint) = (false, Instant::now());
        }
        let p = Progress {
            read_bytes: self.read_bytes.load(Ordering::Relaxed),
            total_bytes: self.total_bytes,
            elapsed: self.started.elapsed().as_secs_f64(),
        };
        (self.progress)(&self.summary, &p);
        Ok(())
    }
}

fn account(summary: &mut Summary, input: usize, d: Done) {
    let per = &mut summary.inputs[input];
    per.documents += 1;
    summary.documents += 1;
    summary.sentences += d.sentences;
    summary.quotes += d.quotes;
    summary.attributions += d.attributions;
    summary.claims += d.claims;
    summary.bytes += d.bytes;
    for (r, n) in d.rules {
        match summary.rule_hits.get_mut(&r) {
            Some(c) => *c += n,
            None => {
                summary.rule_hits.insert(r, n);
            }
        }
    }
    if let Some(e) = d.error {
        per.errors += 1;
        summary.errors += 1;
        if summary.error_messages.len() < MAX_ERROR_MESSAGES {
            summary.error_messages.push(e);
        }
    }
}

/// Documents read, tagged with the index of their input, and the inputs that ended (with
/// their sha256) after them.
#[derive(Default)]
struct Chunk {
    items: Vec<(usize, Item)>,
    finished: Vec<(usize, Option<String>)>,
}

/// Start the reader thread. It is detached on purpose: when writing fails the caller
/// returns at once instead of waiting for a reader blocked on stdin.
fn spawn_reader(
    inputs: Vec<Input>,
    cfg: &Config,
    skip: usize,
    read_bytes: Arc<AtomicU64>,
) -> (Receiver<Chunk>, std::thread::JoinHandle<()>) {
    let (tx, rx) = sync_channel::<Chunk>(1);
    let opts = cfg.ingest.clone();
    let (max_docs, max_bytes) = (cfg.chunk_docs.max(1), cfg.chunk_bytes.max(1));
    let handle = std::thread::Builder::new()
        .name("claimex-reader".into())
        .spawn(move || read_inputs(&inputs, &opts, max_docs, max_bytes, skip, &read_bytes, &tx))
        .expect("spawn the reader thread");
    (rx, handle)
}

fn read_inputs(
    inputs: &[Input],
    opts: &ingest::Options,
    max_docs: usize,
    max_bytes: usize,
    mut skip: usize,
    read_bytes: &Arc<AtomicU64>,
    tx: &SyncSender<Chunk>,
) {
    let mut chunk = Chunk::default();
    let mut bytes = 0;
    for (index, input) in inputs.iter().enumerate() {
        let tap = Arc::new(TapState::default());
        let items = match ingest::open(input) {
            Ok(r) => {
                let tap = Tap { inner: r, state: tap.clone(), read: read_bytes.clone(), hash: !input.is_stdin() };
                ingest::read_from(input, opts, Box::new(tap))
            }
            Err(e) => Box::new(std::iter::once(Err(e))),
        };
        for item in items {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            bytes += item.as_ref().map_or(0, |d| d.text.len());
            chunk.items.push((index, item));
            if chunk.items.len() >= max_docs || bytes >= max_bytes {
                if tx.send(std::mem::take(&mut chunk)).is_err() {
                    return;
                }
                bytes = 0;
            }
        }
        chunk.finished.push((index, tap.sha256(input)));
    }
    let _ = tx.send(chunk);
}

/// What a [`Tap`] saw.
#[derive(Default)]
struct TapState {
    hash: std::sync::Mutex<(Sha256, bool)>,
}

impl TapState {
    /// The sha256 of the input: from the bytes read when the reader reached the end, else
    /// (a reader that stopped early) from reading the file again. `None` for stdin.
    fn sha256(&self, input: &Input) -> Option<String> {
        if input.is_stdin() {
            return None;
        }
        let state = self.hash.lock().ok()?;
        if state.1 {
            return Some(hex(state.0.clone().finalize().as_slice()));
        }
        file_sha256(input)
    }
}

/// A reader that hashes what it reads and counts it for progress.
struct Tap<R> {
    inner: R,
    state: Arc<TapState>,
    read: Arc<AtomicU64>,
    hash: bool,
}

impl<R: Read> Read for Tap<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        if self.hash {
            let mut state = self.state.hash.lock().map_err(|_| io::Error::other("hash state poisoned"))?;
            state.0.update(&buf[..n]);
            if n == 0 && !buf.is_empty() {
                state.1 = true;
            }
        }
        Ok(n)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn file_sha256(input: &Input) -> Option<String> {
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
    Some(hex(h.finalize().as_slice()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_line_with_and_without_total() {
        let s = Summary { documents: 12, errors: 1, ..Default::default() };
        let p = Progress { read_bytes: 5_000_000, total_bytes: Some(20_000_000), elapsed: 2.0 };
        assert_eq!(p.line(&s), "[#####...............]  25% 12 docs  5.0/20.0 MB  2.5 MB/s  ETA 0:06  1 errors");
        let p = Progress { total_bytes: None, ..p };
        assert_eq!(p.line(&s), "12 docs  5.0 MB  2.5 MB/s  1 errors");
        assert_eq!(clock(3725.0), "1:02:05");
    }

    #[test]
    fn tap_hashes_what_passes() {
        let state = Arc::new(TapState::default());
        let read = Arc::new(AtomicU64::new(0));
        let mut t = Tap { inner: &b"abc"[..], state: state.clone(), read: read.clone(), hash: true };
        let mut out = Vec::new();
        t.read_to_end(&mut out).unwrap();
        assert_eq!(read.load(Ordering::Relaxed), 3);
        let input = Input { path: "x".into(), root: "".into() };
        assert_eq!(state.sha256(&input).unwrap(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
