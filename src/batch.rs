//! Stage 7, batch: the streaming, ordered, parallel driver.
//!
//! A reader thread reads the inputs one after the other and sends their documents in
//! bounded chunks (at most `chunk_docs` documents or about `chunk_bytes` of text) over a
//! channel that holds at most one chunk, so reading overlaps with extraction. With one
//! thread a plain serial loop on the calling thread extracts and writes each document in
//! turn. With `--threads N`, N workers pull jobs, a few consecutive documents each
//! (`JOB_DOCS`, `JOB_TEXT`), extract and render them, and send each job's rendered
//! results back together. The calling thread runs no extraction and renders nothing: it
//! hands jobs out and copies the results out in input order, holding early ones in a
//! small reorder buffer. At most `JOBS_PER_WORKER` jobs per worker are out at once:
//! enough that the workers do not run dry while the calling thread waits for a core, few
//! enough that memory is bounded by a few dozen documents' output, not by a chunk's.
//! Output is byte-identical whatever the thread count and the chunk size. The core
//! [`crate::extract`] never sees a thread.
//!
//! After a chunk is written the driver may checkpoint ([`crate::write::Output::checkpoint`]):
//! the number of documents written and the counts so far. A run resumed from a checkpoint
//! ([`Resume`]) reads the same inputs again, skips the documents already written, and goes
//! on from there. A document whose extraction panics (a bug) becomes an error record; the
//! run goes on.

use std::collections::{BTreeMap, VecDeque};
use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, SyncSender, TryRecvError, channel, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

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
            chunk_bytes: 512 << 10,
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
    pub rule_hits: BTreeMap<String, usize>,
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
    if cfg.threads > 1 {
        run_parallel(&mut st, &rx, rules, wanted, cfg.threads)?;
    } else {
        // Serial: each document is written as soon as it is extracted.
        while let Some(chunk) = st.next_chunk(&rx)? {
            for (input, item) in chunk.items {
                st.write(input, process(item, rules, wanted))?;
            }
            st.end_chunk(chunk.finished)?;
        }
    }
    let mut summary = st.summary;
    // The channel closes when the reader is done, or when it died: tell them apart.
    if reader.join().is_err() {
        return Err(io::Error::other("internal error: the input reader panicked"));
    }
    summary.seconds = previous_seconds + started.elapsed().as_secs_f64();
    Ok(summary)
}

/// Most documents in one job: a worker takes this many consecutive documents at a time
/// and sends their results back together, so that the calling thread wakes once per job,
/// not once per document.
const JOB_DOCS: usize = 8;
/// Most text (bytes) in one job; a job holds one document whatever its size.
const JOB_TEXT: usize = 64 << 10;
/// Most jobs per worker handed out and not yet written: with 8 documents a job, a worker
/// has about 15 ms of work queued (a news article takes ~0.45 ms), more than the calling
/// thread waits for a core on a busy machine, so the workers do not run dry while it is
/// descheduled; and the results out (about 14 bytes of output per byte of text) stay near
/// 4 MB per worker at most.
const JOBS_PER_WORKER: usize = 4;

/// The inputs that ended with a chunk, each with its sha256.
type Finished = Vec<(usize, Option<String>)>;

/// Consecutive documents handed to one worker: the place of the first in the run, and
/// each document with its input.
struct Job {
    first: usize,
    items: Vec<(usize, Item)>,
}

/// What a worker sends back: a job's results, with the place of the first and each with
/// its input, or news that the worker died (a panic outside [`process`]'s own guard).
enum Outcome {
    Done(usize, Vec<(usize, Done)>),
    Died,
}

/// The parallel driver: `threads` workers pull jobs (a few consecutive documents) and send
/// each job's results back, rendered; the calling thread only hands out jobs and copies the
/// results out in input order. At most [`JOBS_PER_WORKER`] jobs per worker are out at once,
/// so memory is bounded by a few dozen documents, not by a chunk's results. The calling
/// thread runs no extraction: the regex caches are per thread, and a third set would cost
/// memory for little work.
fn run_parallel(st: &mut Writing, rx: &Receiver<Chunk>, rules: &RuleSet, wanted: Wanted, threads: usize) -> io::Result<()> {
    let limit = JOBS_PER_WORKER * threads;
    let stop = AtomicBool::new(false);
    let (job_tx, job_rx) = sync_channel::<Job>(limit);
    let job_rx = Mutex::new(job_rx);
    let (done_tx, done_rx) = channel::<Outcome>();
    std::thread::scope(|scope| {
        for n in 0..threads {
            let (job_rx, done_tx, stop) = (&job_rx, done_tx.clone(), &stop);
            std::thread::Builder::new()
                .name(format!("claimex-worker-{n}"))
                .spawn_scoped(scope, move || {
                    crate::rules::set_worker(Some(n));
                    work(job_rx, &done_tx, stop, rules, wanted)
                })
                .map_err(io::Error::other)?;
        }
        drop(done_tx);
        let result = hand_out_and_write(st, rx, &job_tx, &done_rx, limit);
        // Whatever happened, the workers stop: no more jobs, and those queued are dropped.
        stop.store(true, Ordering::Relaxed);
        drop(job_tx);
        result
    })
}

/// A worker: extract and render the jobs it pulls until there are none, or the run stops.
fn work(jobs: &Mutex<Receiver<Job>>, done: &Sender<Outcome>, stop: &AtomicBool, rules: &RuleSet, wanted: Wanted) {
    loop {
        // The lock guards nothing that a panic could leave half-done.
        let job = jobs.lock().unwrap_or_else(PoisonError::into_inner).recv();
        let Ok(Job { first, items }) = job else { return };
        if stop.load(Ordering::Relaxed) {
            return;
        }
        // `process` turns a panic in extraction into an error record; one anywhere else
        // (rendering an error record, say) ends the worker, and the run with an error
        // rather than a writer waiting for a result that never comes.
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            items.into_iter().map(|(input, item)| (input, process(item, rules, wanted))).collect()
        }))
        .map_or(Outcome::Died, |results| Outcome::Done(first, results));
        let died = matches!(outcome, Outcome::Died);
        if done.send(outcome).is_err() || died {
            return;
        }
    }
}

/// The calling thread's side of [`run_parallel`]: take chunks from the reader, hand their
/// documents out in jobs (at most `limit` jobs out), and write the results in input order,
/// ending each chunk (checkpoint, progress) once its last document is written.
fn hand_out_and_write(
    st: &mut Writing,
    rx: &Receiver<Chunk>,
    jobs: &SyncSender<Job>,
    done: &Receiver<Outcome>,
    limit: usize,
) -> io::Result<()> {
    let died = || io::Error::other("internal error: a worker died");
    let text_of = |item: &Item| item.as_ref().map_or(0, |d| d.text.len());
    // Documents read and not handed out, with their input; the first's place in the run.
    let mut queue: VecDeque<(usize, Item)> = VecDeque::new();
    let mut queued_from = 0;
    // Where each chunk read ends (the place after its last document) and the inputs that
    // ended with it.
    let mut ends: VecDeque<(usize, Finished)> = VecDeque::new();
    // The jobs out, from the next to write on: the place of each one's first document.
    let mut out: VecDeque<usize> = VecDeque::new();
    // Jobs' results that came back before those ahead of them, by place.
    let mut early: BTreeMap<usize, Vec<(usize, Done)>> = BTreeMap::new();
    let (mut next, mut reader_done) = (0, false);
    loop {
        if queue.len() < JOB_DOCS && !reader_done {
            // Read on: wait for the reader only when nothing is queued or out
            // (checkpointing while the input stalls), else take a chunk if one is ready.
            // `None`: nothing ready yet; `Some(None)`: the reader is done.
            let got = if queue.is_empty() && out.is_empty() {
                Some(st.next_chunk(rx)?)
            } else {
                match rx.try_recv() {
                    Ok(c) => Some(Some(c)),
                    Err(TryRecvError::Empty) => None,
                    Err(TryRecvError::Disconnected) => Some(None),
                }
            };
            match got {
                Some(Some(chunk)) => {
                    queue.extend(chunk.items);
                    ends.push_back((queued_from + queue.len(), chunk.finished));
                    end_chunks(st, &mut ends, next)?;
                    continue;
                }
                Some(None) => reader_done = true,
                None => {}
            }
        }
        // Hand out jobs while the budget allows.
        while !queue.is_empty() && out.len() < limit {
            let mut items = Vec::with_capacity(JOB_DOCS.min(queue.len()));
            let mut text = 0;
            while let Some((_, item)) = queue.front() {
                if items.len() == JOB_DOCS || (!items.is_empty() && text + text_of(item) > JOB_TEXT) {
                    break;
                }
                text += text_of(item);
                items.push(queue.pop_front().expect("a document queued"));
            }
            let first = queued_from;
            queued_from += items.len();
            out.push_back(first);
            jobs.send(Job { first, items }).map_err(|_| died())?;
        }
        if out.is_empty() {
            // Nothing out, nothing queued, and the reader is done.
            return Ok(());
        }
        // Wait for a job's results, then write every result now due, in order.
        match done.recv().map_err(|_| died())? {
            Outcome::Died => return Err(died()),
            Outcome::Done(first, results) => {
                early.insert(first, results);
            }
        }
        while let Some(results) = out.front().and_then(|first| early.remove(first)) {
            out.pop_front();
            for (input, d) in results {
                st.write(input, d)?;
                next += 1;
                end_chunks(st, &mut ends, next)?;
            }
        }
    }
}

/// End the chunks whose documents are all written.
fn end_chunks(st: &mut Writing, ends: &mut VecDeque<(usize, Finished)>, written: usize) -> io::Result<()> {
    while ends.front().is_some_and(|(end, _)| *end <= written) {
        let (_, finished) = ends.pop_front().expect("a chunk");
        st.end_chunk(finished)?;
    }
    Ok(())
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

    /// Write one document, the next in input order, and count it.
    fn write(&mut self, input: usize, d: Done) -> io::Result<()> {
        self.out.write(&d.rendered)?;
        self.written += 1;
        account(&mut self.summary, input, d);
        Ok(())
    }

    /// End a chunk whose documents are all written: note the inputs that ended with it,
    /// checkpoint when due, and report progress.
    fn end_chunk(&mut self, finished: Finished) -> io::Result<()> {
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
    finished: Finished,
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

    /// A dataset output in a fresh directory, and a [`Writing`] over it with a no-op
    /// progress; `f` runs with both.
    fn with_writing<T>(name: &str, f: impl FnOnce(&mut Writing) -> T) -> T {
        let dir = std::env::temp_dir().join(format!("claimex-batch-{name}-{}", std::process::id()));
        let mut out = Output::create(Some(&dir), crate::write::Layout::Dataset(Tables::NONE), false).unwrap();
        let mut progress = |_: &Summary, _: &Progress| {};
        let mut st = Writing {
            out: &mut out,
            summary: Summary { inputs: vec![InputSummary::default()], ..Default::default() },
            written: 0,
            started: Instant::now(),
            previous_seconds: 0.0,
            last_checkpoint: Instant::now(),
            checkpoint_gap: Duration::from_secs(3600),
            every: Duration::from_secs(3600),
            dirty: false,
            read_bytes: Arc::default(),
            total_bytes: None,
            progress: &mut progress,
        };
        let r = f(&mut st);
        let _ = std::fs::remove_dir_all(&dir);
        r
    }

    /// A chunk of `n` unreadable records (their results need no rules), then the reader
    /// closes.
    fn one_chunk(n: usize) -> Receiver<Chunk> {
        let (tx, rx) = sync_channel(1);
        let items = (0..n).map(|i| (0, Err(DocError { id: format!("d{i}"), file: "x".into(), line: Some(i + 1), message: "bad".into() })));
        tx.send(Chunk { items: items.collect(), finished: vec![(0, None)] }).unwrap();
        rx
    }

    #[test]
    fn results_are_written_in_input_order_whatever_order_they_come_back_in() {
        let w = Wanted { tables: Tables::NONE, parquet: false };
        let order = with_writing("order", |st| {
            let (job_tx, job_rx) = sync_channel::<Job>(64);
            let (done_tx, done_rx) = channel();
            // A worker that takes every job (20 documents in 3 jobs) before answering, then
            // answers the last first.
            let worker = std::thread::spawn(move || {
                let jobs: Vec<Job> = job_rx.iter().take(20usize.div_ceil(JOB_DOCS)).collect();
                for Job { first, items } in jobs.into_iter().rev() {
                    let results = items.into_iter().map(|(input, item)| (input, failed(item.as_ref().unwrap_err(), w))).collect();
                    done_tx.send(Outcome::Done(first, results)).unwrap();
                }
            });
            hand_out_and_write(st, &one_chunk(20), &job_tx, &done_rx, 64).unwrap();
            worker.join().unwrap();
            st.summary.error_messages.clone()
        });
        let expected: Vec<String> = (0..20).map(|i| format!("x:{}: bad", i + 1)).collect();
        assert_eq!(order, expected);
    }

    #[test]
    fn jobs_are_runs_of_a_few_documents_and_no_more_are_out_than_the_budget() {
        let w = Wanted { tables: Tables::NONE, parquet: false };
        // 30 documents of 10 KB, but the sixth is 3 jobs' worth of text.
        let sizes = (0..30).map(|i| if i == 5 { 3 * JOB_TEXT } else { 10 << 10 });
        let docs = sizes.enumerate().map(|(i, n)| {
            (0, Ok(crate::ingest::Document { id: format!("d{i}"), source: "x".into(), text: "a".repeat(n), metadata: Default::default() }))
        });
        let (tx, rx) = sync_channel(1);
        tx.send(Chunk { items: docs.collect(), finished: vec![(0, None)] }).unwrap();
        drop(tx);
        let jobs = with_writing("jobs", |st| {
            let (job_tx, job_rx) = sync_channel::<Job>(2);
            let (done_tx, done_rx) = channel();
            // A worker that takes every job it can get before answering: it never holds
            // more than the budget of 2.
            let worker = std::thread::spawn(move || {
                let (mut held, mut seen) = (Vec::new(), Vec::new());
                loop {
                    match job_rx.recv_timeout(Duration::from_millis(20)) {
                        Ok(job) => {
                            held.push(job);
                            assert!(held.len() <= 2, "{} jobs out", held.len());
                            continue;
                        }
                        Err(RecvTimeoutError::Timeout) => {}
                        Err(RecvTimeoutError::Disconnected) => return seen,
                    }
                    for Job { first, items } in held.drain(..) {
                        let e = DocError { id: "x".into(), file: "x".into(), line: None, message: "x".into() };
                        seen.push((first, items.iter().map(|(_, d)| d.as_ref().unwrap().text.len() >> 10).collect::<Vec<_>>()));
                        done_tx.send(Outcome::Done(first, items.iter().map(|(input, _)| (*input, failed(&e, w))).collect())).unwrap();
                    }
                }
            });
            hand_out_and_write(st, &rx, &job_tx, &done_rx, 2).unwrap();
            drop(job_tx);
            assert_eq!(st.written, 30);
            worker.join().unwrap()
        });
        // Consecutive documents, at most 64 KB of text a job unless one document is more.
        let six = vec![10; 6];
        assert_eq!(jobs, [(0, vec![10; 5]), (5, vec![192]), (6, six.clone()), (12, six.clone()), (18, six.clone()), (24, six)]);
    }

    #[test]
    fn a_worker_that_dies_fails_the_run_instead_of_hanging_it() {
        let err = with_writing("died", |st| {
            let (job_tx, job_rx) = sync_channel::<Job>(8);
            let (done_tx, done_rx) = channel();
            let worker = std::thread::spawn(move || {
                let _job = job_rx.recv().unwrap();
                done_tx.send(Outcome::Died).unwrap();
            });
            let r = hand_out_and_write(st, &one_chunk(3), &job_tx, &done_rx, 8);
            worker.join().unwrap();
            r.unwrap_err()
        });
        assert!(err.to_string().contains("a worker died"), "{err}");
    }
}
