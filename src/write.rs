//! Stage 6, writers: `documents.jsonl`, the CSV tables chosen, with `--format parquet` a
//! Parquet table beside each ([`parquet`]), and `manifest.json` (docs/spec.md §3–6).
//!
//! Each document is rendered to bytes on the worker that extracted it ([`Rendered`]), so
//! the single writer only appends bytes in input order: output is byte-identical whatever
//! the thread count. Files are written under temporary names and renamed into place when
//! the run finishes; `manifest.json` is written last.

use std::fs::File;
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use crate::record::{AttributionRecord, ClaimRecord, DocumentRecord, QuoteRecord, SentenceRecord};

mod json;
#[cfg(feature = "parquet")]
pub mod parquet;
#[cfg(not(feature = "parquet"))]
#[path = "write/parquet_off.rs"]
pub mod parquet;
mod swar;

/// Whether this build writes Parquet (the `parquet` cargo feature, on by default).
pub const PARQUET_BUILT: bool = cfg!(feature = "parquet");

/// What `--format parquet` says in a build without the `parquet` feature.
pub const PARQUET_MISSING: &str = "this claimex was built without Parquet support (the `parquet` cargo feature, \
     left out by --no-default-features); build it with default features to write Parquet: cargo build --release";

/// Column order of `sentences.csv`.
pub const SENTENCE_COLUMNS: &[&str] = &["doc_id", "sentence_id", "block", "paragraph", "start", "end", "text"];
/// Column order of `quotes.csv`.
pub const QUOTE_COLUMNS: &[&str] = &[
    "doc_id",
    "quote_id",
    "sentence_ids",
    "start",
    "end",
    "kind",
    "text",
    "speaker",
    "speaker_resolved",
    "attribution_id",
    "rules",
    "note",
];
/// Column order of `attributions.csv`.
pub const ATTRIBUTION_COLUMNS: &[&str] = &[
    "doc_id",
    "attribution_id",
    "sentence_id",
    "source",
    "source_start",
    "source_end",
    "source_resolved",
    "source_kind",
    "cue",
    "cue_start",
    "cue_end",
    "cue_lemma",
    "cue_class",
    "content",
    "content_start",
    "content_end",
    "content_kind",
    "hedge",
    "rule",
];
/// Column order of `claims.csv`.
pub const CLAIM_COLUMNS: &[&str] = &[
    "doc_id",
    "claim_id",
    "sentence_id",
    "start",
    "end",
    "text",
    "types",
    "checkworthiness",
    "checkworthiness_features",
    "hedged",
    "hedge_cues",
    "negated",
    "claimant",
    "attribution_id",
    "entities",
    "rules",
    "frame_claim_id",
];

/// A CSV table of the dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvTable {
    /// `sentences.csv`.
    Sentences,
    /// `quotes.csv`.
    Quotes,
    /// `attributions.csv`.
    Attributions,
    /// `claims.csv`.
    Claims,
}

impl CsvTable {
    /// Every table, in the order they are written and listed.
    pub const ALL: [CsvTable; 4] = [CsvTable::Sentences, CsvTable::Quotes, CsvTable::Attributions, CsvTable::Claims];

    /// Its name, as `--tables` and the manifest give it.
    pub fn name(self) -> &'static str {
        match self {
            CsvTable::Sentences => "sentences",
            CsvTable::Quotes => "quotes",
            CsvTable::Attributions => "attributions",
            CsvTable::Claims => "claims",
        }
    }

    /// Its file name.
    pub fn file(self) -> &'static str {
        match self {
            CsvTable::Sentences => "sentences.csv",
            CsvTable::Quotes => "quotes.csv",
            CsvTable::Attributions => "attributions.csv",
            CsvTable::Claims => "claims.csv",
        }
    }

    /// Its header.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            CsvTable::Sentences => SENTENCE_COLUMNS,
            CsvTable::Quotes => QUOTE_COLUMNS,
            CsvTable::Attributions => ATTRIBUTION_COLUMNS,
            CsvTable::Claims => CLAIM_COLUMNS,
        }
    }

    fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// Which CSV tables a run writes (`--tables`). `documents.jsonl` and the manifest are
/// always written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tables(u8);

impl Tables {
    /// All four tables (the default).
    pub const ALL: Tables = Tables(0b1111);
    /// No table.
    pub const NONE: Tables = Tables(0);

    /// Whether `t` is written.
    pub fn contains(self, t: CsvTable) -> bool {
        self.0 & t.bit() != 0
    }

    /// The tables written, in their fixed order.
    pub fn iter(self) -> impl Iterator<Item = CsvTable> {
        CsvTable::ALL.into_iter().filter(move |&t| self.contains(t))
    }

    /// Their names, in their fixed order (for the manifest).
    pub fn names(self) -> Vec<&'static str> {
        self.iter().map(CsvTable::name).collect()
    }
}

impl std::str::FromStr for Tables {
    type Err = String;

    /// A comma-separated list of table names (in any order), `all` or `none`.
    fn from_str(list: &str) -> Result<Tables, String> {
        let known = || CsvTable::ALL.map(CsvTable::name).join(", ");
        let names: Vec<&str> = list.split(',').map(str::trim).collect();
        let mut tables = Tables::NONE;
        for name in &names {
            match *name {
                "all" => tables = Tables::ALL,
                "none" if names.len() == 1 => {}
                "none" => return Err("`none` cannot be listed with other tables".into()),
                "" => return Err(format!("an empty table name in `{list}`; the tables are {}, or all or none", known())),
                _ => match CsvTable::ALL.into_iter().find(|t| t.name() == *name) {
                    Some(t) => tables.0 |= t.bit(),
                    None => return Err(format!("unknown table `{name}`; the tables are {}, or all or none", known())),
                },
            }
        }
        Ok(tables)
    }
}

/// One document's output, serialized.
#[derive(Debug, Default, Clone)]
pub struct Rendered {
    /// The `documents.jsonl` line, with its newline.
    pub jsonl: Vec<u8>,
    /// `sentences.csv` rows.
    pub sentences: Vec<u8>,
    /// `quotes.csv` rows.
    pub quotes: Vec<u8>,
    /// `attributions.csv` rows.
    pub attributions: Vec<u8>,
    /// `claims.csv` rows.
    pub claims: Vec<u8>,
    /// The same rows as Arrow batches, for the Parquet tables (`--format parquet`).
    pub parquet: Option<parquet::Batches>,
}

impl Rendered {
    /// Buffers with room for about the output of these items (a little less, so that the
    /// estimate wastes little memory and misses by one reallocation at most): growing them
    /// from empty cost a dozen reallocations and copies per document and table.
    fn sized(
        doc_id: usize,
        s: &[SentenceRecord],
        q: &[QuoteRecord],
        a: &[AttributionRecord],
        c: &[ClaimRecord],
        tables: Tables,
    ) -> Rendered {
        let s_text: usize = s.iter().map(|s| s.text.len() + s.raw.as_ref().map_or(0, String::len)).sum();
        let q_text: usize = q.iter().map(|q| q.text.len()).sum();
        let a_text: usize = a.iter().map(|a| a.source.as_ref().map_or(0, |s| s.text.len()) + a.cue.text.len() + a.content.text.len()).sum();
        let c_text: usize =
            c.iter().map(|c| c.text.len() + c.claimant.len() + c.entities.iter().map(|e| e.text.len()).sum::<usize>()).sum();
        let (ns, nq, na, nc) = (s.len(), q.len(), a.len(), c.len());
        let jsonl = 256 + doc_id + s_text + 64 * ns + q_text + 192 * nq + a_text + 320 * na + c_text + 448 * nc;
        let rows = |t: CsvTable, text: usize, n: usize, per_row: usize| {
            if tables.contains(t) { Vec::with_capacity(text + n * (doc_id + per_row)) } else { Vec::new() }
        };
        Rendered {
            jsonl: Vec::with_capacity(jsonl),
            sentences: rows(CsvTable::Sentences, s_text, ns, 32),
            quotes: rows(CsvTable::Quotes, q_text, nq, 112),
            attributions: rows(CsvTable::Attributions, a_text, na, 112),
            claims: rows(CsvTable::Claims, c_text, nc, 320),
            parquet: None,
        }
    }
}

/// One CSV row appended to a table's bytes, quoted as the `csv` crate quotes by default
/// (`QuoteStyle::Necessary`): a field holding a comma, a quote, CR or LF is put in quotes,
/// with its quotes doubled. Rows end with `\n` (`--excel` turns them into CRLF later).
/// Written by hand because a `csv::Writer` per document and table cost an 8 KiB buffer and
/// a string per number.
struct Row<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

/// Whether a CSV field holds a comma, a quote, CR or LF. Most fields are short (ids, kinds,
/// numbers): those are read as one or two words instead of through `memchr`'s calls.
fn needs_quotes(b: &[u8]) -> bool {
    use swar::{HIGH, eq, short, word};
    let any = |w: u64| (eq(w, b',') | eq(w, b'"') | eq(w, b'\n') | eq(w, b'\r')) & HIGH != 0;
    let n = b.len();
    match n {
        0 => false,
        // The bytes not read are filled with `a`, which needs no quotes.
        1..=7 => any(short(b, b'a')),
        8..=16 => any(word(b, 0)) || any(word(b, n - 8)),
        _ => memchr::memchr3(b',', b'"', b'\n', b).is_some() || memchr::memchr(b'\r', b).is_some(),
    }
}

impl<'a> Row<'a> {
    fn new(out: &'a mut Vec<u8>) -> Row<'a> {
        Row { out, first: true }
    }

    fn sep(&mut self) {
        if !std::mem::take(&mut self.first) {
            self.out.push(b',');
        }
    }

    fn field(&mut self, v: &str) -> &mut Self {
        self.sep();
        let b = v.as_bytes();
        if needs_quotes(b) {
            self.out.push(b'"');
            let mut from = 0;
            for i in memchr::memchr_iter(b'"', b) {
                self.out.extend_from_slice(&b[from..=i]);
                self.out.push(b'"');
                from = i + 1;
            }
            self.out.extend_from_slice(&b[from..]);
            self.out.push(b'"');
        } else {
            self.out.extend_from_slice(b);
        }
        self
    }

    /// An integer field (never quoted).
    fn int(&mut self, v: usize) -> &mut Self {
        self.sep();
        self.out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
        self
    }

    /// A boolean field, `true` or `false`.
    fn flag(&mut self, v: bool) -> &mut Self {
        self.sep();
        self.out.extend_from_slice(if v { b"true" } else { b"false" });
        self
    }

    /// A float field, as `Display` writes it (never quoted).
    fn float(&mut self, v: f64) -> &mut Self {
        self.sep();
        write!(self.out, "{v}").expect("in memory");
        self
    }

    /// A field holding the JSON that `write` puts in `scratch`.
    fn json(&mut self, write: impl FnOnce(&mut Vec<u8>), scratch: &mut Vec<u8>) -> &mut Self {
        scratch.clear();
        write(scratch);
        self.field(std::str::from_utf8(scratch).expect("JSON is UTF-8"))
    }

    /// A field holding a list of strings as a JSON array: the same bytes as [`Row::json`],
    /// written without the round trip through a buffer. Such a field holds quotes, so it is
    /// quoted whole unless empty; a string that needs a JSON escape goes through `serde_json`.
    fn strings(&mut self, items: &[String], scratch: &mut Vec<u8>) -> &mut Self {
        if items.is_empty() {
            self.sep();
            self.out.extend_from_slice(b"[]");
            return self;
        }
        if items.iter().any(|s| json::needs_escape(s)) {
            return self.json(|out| json::strings(out, items), scratch);
        }
        self.sep();
        self.out.extend_from_slice(b"\"[");
        for (i, s) in items.iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            self.out.extend_from_slice(b"\"\"");
            self.out.extend_from_slice(s.as_bytes());
            self.out.extend_from_slice(b"\"\"");
        }
        self.out.extend_from_slice(b"]\"");
        self
    }

    fn opt(&mut self, v: &Option<String>) -> &mut Self {
        self.field(v.as_deref().unwrap_or(""))
    }

    fn end(&mut self) {
        self.out.push(b'\n');
    }
}

/// Serialize a record, consuming it; rows only for the CSV tables in `tables`.
///
/// The JSONL line has the bytes `serde_json` gives the whole record, but it is written
/// item by item: each sentence, quotation, attribution and claim goes to the line and to
/// its CSV row, then is freed, so a large document's record shrinks as its output grows
/// instead of being held whole beside it.
pub fn render(r: DocumentRecord, tables: Tables) -> Rendered {
    render_with(r, tables, false)
}

/// [`render`], with the rows of the Parquet tables too when `parquet` (and this build has
/// the `parquet` feature).
pub fn render_with(r: DocumentRecord, tables: Tables, parquet: bool) -> Rendered {
    let DocumentRecord { schema_version, doc_id, source, metadata, metadata_rules, sentences, quotes, attributions, claims, errors } = r;
    let mut out = Rendered::sized(doc_id.len(), &sentences, &quotes, &attributions, &claims, tables);
    let j = &mut out.jsonl;
    j.extend_from_slice(b"{\"schema_version\":");
    j.extend_from_slice(itoa::Buffer::new().format(schema_version).as_bytes());
    member(j, "doc_id", &doc_id);
    member(j, "source", &source);
    member(j, "metadata", &metadata);
    if !metadata_rules.is_empty() {
        member(j, "metadata_rules", &metadata_rules);
    }
    let d = doc_id.as_str();
    let mut scratch = Vec::new();
    let (rows_s, rows_q, rows_a, rows_c) = (&mut out.sentences, &mut out.quotes, &mut out.attributions, &mut out.claims);
    let want = |t| tables.contains(t);
    let (csv_s, csv_q, csv_a, csv_c) =
        (want(CsvTable::Sentences), want(CsvTable::Quotes), want(CsvTable::Attributions), want(CsvTable::Claims));
    let rows = [sentences.len(), quotes.len(), attributions.len(), claims.len()];
    let mut pq = if parquet { parquet::builders(tables, rows) } else { None };
    items(j, "sentences", sentences, json::sentence, |s| {
        if let Some(p) = &mut pq {
            p.sentence(d, s);
        }
        if csv_s {
            let mut w = Row::new(rows_s);
            w.field(d).field(&s.id).field(&s.block).int(s.paragraph).int(s.start).int(s.end).field(&s.text).end();
        }
    });
    items(j, "quotes", quotes, json::quote, |q| {
        if let Some(p) = &mut pq {
            p.quote(d, q);
        }
        if csv_q {
            let mut w = Row::new(rows_q);
            w.field(d).field(&q.id).strings(&q.sentence_ids, &mut scratch).int(q.start).int(q.end).field(&q.kind).field(&q.text);
            w.opt(&q.speaker).opt(&q.speaker_resolved).opt(&q.attribution_id).strings(&q.rules, &mut scratch).opt(&q.note).end();
        }
    });
    items(j, "attributions", attributions, json::attribution, |a| {
        if let Some(p) = &mut pq {
            p.attribution(d, a);
        }
        if csv_a {
            let mut w = Row::new(rows_a);
            w.field(d).field(&a.id).field(&a.sentence_id);
            match &a.source {
                Some(s) => w.field(&s.text).int(s.start).int(s.end),
                None => w.field("").field("").field(""),
            };
            w.opt(&a.source_resolved).field(&a.source_kind);
            w.field(&a.cue.text).int(a.cue.start).int(a.cue.end).field(&a.cue.lemma).field(&a.cue.class);
            w.field(&a.content.text).int(a.content.start).int(a.content.end).field(&a.content_kind);
            w.opt(&a.hedge).field(&a.rule).end();
        }
    });
    items(j, "claims", claims, json::claim, |c| {
        if let Some(p) = &mut pq {
            p.claim(d, c);
        }
        if csv_c {
            let mut w = Row::new(rows_c);
            w.field(d).field(&c.id).field(&c.sentence_id).int(c.start).int(c.end).field(&c.text);
            w.strings(&c.types, &mut scratch).float(c.checkworthiness).strings(&c.checkworthiness_features, &mut scratch);
            w.flag(c.hedged).strings(&c.hedge_cues, &mut scratch).flag(c.negated).field(&c.claimant).opt(&c.attribution_id);
            w.json(|out| json::entities(out, &c.entities), &mut scratch).strings(&c.rules, &mut scratch).opt(&c.frame_claim_id).end();
        }
    });
    member(j, "errors", &errors);
    j.extend_from_slice(b"}\n");
    out.parquet = pq.map(parquet::Builders::finish);
    // A chunk's output is held until it is written: no room left over (shrinking is done in place).
    for buf in [&mut out.jsonl, &mut out.sentences, &mut out.quotes, &mut out.attributions, &mut out.claims] {
        buf.shrink_to_fit();
    }
    out
}

/// `,"name":value` of the JSONL line.
fn member<T: serde::Serialize + ?Sized>(j: &mut Vec<u8>, name: &str, v: &T) {
    j.extend_from_slice(b",\"");
    j.extend_from_slice(name.as_bytes());
    j.extend_from_slice(b"\":");
    serde_json::to_writer(&mut *j, v).expect("serializable");
}

/// `,"name":[…]` of the JSONL line, each item written by `json` (the bytes of its
/// `Serialize` derive) and handed to `row` before it is dropped.
fn items<T>(j: &mut Vec<u8>, name: &str, list: Vec<T>, json: fn(&mut Vec<u8>, &T), mut row: impl FnMut(&T)) {
    j.extend_from_slice(b",\"");
    j.extend_from_slice(name.as_bytes());
    j.extend_from_slice(b"\":[");
    for (i, item) in list.into_iter().enumerate() {
        if i > 0 {
            j.push(b',');
        }
        json(j, &item);
        row(&item);
    }
    j.push(b']');
}

/// What to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `documents.jsonl` and the chosen CSV tables into a directory (`--format jsonl`
    /// chooses none); the manifest follows.
    Dataset(Tables),
    /// As `Dataset`, with a Parquet file beside each chosen CSV table (`--format parquet`).
    Parquet(Tables),
    /// `documents.jsonl` lines only, to stdout (the scale-out filter).
    JsonlStdout,
}

impl Layout {
    /// The CSV tables written: none on stdout.
    pub fn tables(self) -> Tables {
        match self {
            Layout::Dataset(t) | Layout::Parquet(t) => t,
            Layout::JsonlStdout => Tables::NONE,
        }
    }

    /// Whether a Parquet table is written beside each CSV table.
    pub fn parquet(self) -> bool {
        matches!(self, Layout::Parquet(_))
    }
}

/// The checkpoint of an unfinished run, beside its partial files (see [`Checkpoint`]).
pub const CHECKPOINT: &str = ".claimex-checkpoint.json";

/// Bytes a file grows by between two background syncs ([`Writeback`]).
const WRITEBACK_EVERY: u64 = 16 << 20;

/// A thread that syncs the output files to disk while the run goes on, each time one has
/// grown by [`WRITEBACK_EVERY`] bytes. Without it every byte of a run waits for the one
/// `sync_all` per file at the end, which, after the last document, is time no worker can
/// overlap (about 0.2 s of a 3 s run over the 25 MB news corpus on two threads).
struct Writeback {
    send: mpsc::Sender<(PathBuf, File)>,
    thread: std::thread::JoinHandle<io::Result<usize>>,
}

impl Writeback {
    fn start() -> io::Result<Writeback> {
        let (send, recv) = mpsc::channel::<(PathBuf, File)>();
        let thread = std::thread::Builder::new().name("claimex-sync".into()).spawn(move || {
            // Every file sent is synced, even after a failure; the first error is kept.
            let (mut synced, mut first_error) = (0, None);
            for (path, f) in recv {
                match f.sync_data() {
                    Ok(()) => synced += 1,
                    Err(e) => {
                        first_error.get_or_insert_with(|| at(&path)(e));
                    }
                }
            }
            first_error.map_or(Ok(synced), Err)
        })?;
        Ok(Writeback { send, thread })
    }

    /// Wait for the syncs asked for so far; the number done, or the first error. Every
    /// file's sender ([`OutFile::sync_to`]) must be dropped first.
    fn finish(self) -> io::Result<usize> {
        drop(self.send);
        self.thread.join().map_err(|_| io::Error::other("the output's sync thread panicked"))?
    }
}

/// A file being written, under its temporary name.
struct OutFile {
    name: &'static str,
    tmp: PathBuf,
    dest: PathBuf,
    w: BufWriter<File>,
    /// Bytes handed to `w` so far (the file's length once flushed).
    len: u64,
    /// Where to send the file for a background sync, and the length at which to next.
    sync_to: Option<(mpsc::Sender<(PathBuf, File)>, u64)>,
}

impl OutFile {
    fn create(dir: &Path, name: &'static str, header: Option<&[&str]>, excel: bool) -> io::Result<OutFile> {
        let dest = dir.join(name);
        let tmp = dir.join(format!(".{name}.partial"));
        let f = File::create(&tmp).map_err(at(&tmp))?;
        let mut t = OutFile { name, w: BufWriter::with_capacity(1 << 17, f), tmp, dest, len: 0, sync_to: None };
        if let Some(cols) = header {
            if excel {
                t.put(b"\xEF\xBB\xBF")?;
            }
            let mut line = cols.join(",");
            line.push_str(if excel { "\r\n" } else { "\n" });
            t.put(line.as_bytes())?;
        }
        Ok(t)
    }

    /// Reopen a partial file for appending, cut back to `len` bytes: what a checkpoint
    /// recorded. Whatever was written after it is dropped and written again.
    fn reopen(dir: &Path, name: &'static str, len: u64) -> Result<OutFile, ResumeError> {
        let dest = dir.join(name);
        let tmp = dir.join(format!(".{name}.partial"));
        let f = std::fs::OpenOptions::new().write(true).open(&tmp).map_err(|e| ResumeError::Damaged(format!("{}: {e}", tmp.display())))?;
        let have = f.metadata().map_err(at(&tmp))?.len();
        if have < len {
            return Err(ResumeError::Damaged(format!("{} holds {have} bytes, the checkpoint recorded {len}", tmp.display())));
        }
        f.set_len(len).map_err(at(&tmp))?;
        let mut w = BufWriter::with_capacity(1 << 17, f);
        w.seek(SeekFrom::End(0)).map_err(at(&tmp))?;
        Ok(OutFile { name, tmp, dest, w, len, sync_to: None })
    }

    fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.len += bytes.len() as u64;
        self.w.write_all(bytes).map_err(at(&self.tmp))?;
        if let Some((send, next)) = &mut self.sync_to {
            if self.len >= *next {
                *next = self.len + WRITEBACK_EVERY;
                self.w.flush().map_err(at(&self.tmp))?;
                let f = self.w.get_ref().try_clone().map_err(at(&self.tmp))?;
                // A closed channel means the sync thread is gone; its error is reported
                // by `Writeback::finish`, and the final sync still runs.
                let _ = send.send((self.tmp.clone(), f));
            }
        }
        Ok(())
    }

    /// Sync this file in the background as it grows.
    fn sync_in(&mut self, wb: &Writeback) {
        self.sync_to = Some((wb.send.clone(), self.len + WRITEBACK_EVERY));
    }

    fn flush(&mut self) -> io::Result<()> {
        self.w.flush().map_err(at(&self.tmp))
    }

    fn sync(&mut self) -> io::Result<()> {
        self.flush()?;
        self.w.get_ref().sync_all().map_err(at(&self.tmp))
    }
}

/// A checkpoint: how far an unfinished run got. Written (atomically) after whole documents
/// only, with the partial files flushed first, so every byte it counts is on disk.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Checkpoint {
    /// Format version of this file.
    pub claimex_checkpoint: u32,
    /// What the run was over (inputs, rules, settings); a resumed run must match it.
    pub fingerprint: serde_json::Value,
    /// Documents written.
    pub documents: usize,
    /// Length in bytes of each partial file at that point.
    pub files: std::collections::BTreeMap<String, u64>,
    /// The run's counts at that point.
    pub summary: serde_json::Value,
}

/// Why a run cannot be resumed.
#[derive(Debug, thiserror::Error)]
pub enum ResumeError {
    /// The inputs, rules or settings differ from those of the interrupted run.
    #[error("the interrupted run was over other inputs, rules or settings ({0}); run without --resume to start again")]
    Mismatch(String),
    /// The partial files do not match the checkpoint.
    #[error("the partial output is damaged ({0}); run without --resume to start again")]
    Damaged(String),
    /// Reading the checkpoint or the files failed.
    #[error("{0}")]
    Io(#[from] io::Error),
}

/// The open output of a run.
pub struct Output {
    layout: Layout,
    excel: bool,
    dir: Option<PathBuf>,
    stdout: Option<BufWriter<io::Stdout>>,
    jsonl: Option<OutFile>,
    /// The chosen CSV tables, in their fixed order.
    csv: Vec<(CsvTable, OutFile)>,
    /// Their Parquet tables, with `--format parquet`.
    parquet: Vec<parquet::TableWriter>,
    fingerprint: serde_json::Value,
    /// The background syncs of the files (none for stdout).
    writeback: Option<Writeback>,
}

impl Output {
    /// Open the output files (under temporary names) in `dir`, or stdout. Files of an
    /// earlier run in `dir`, and its manifest, stay as they are until [`Output::finish`].
    pub fn create(dir: Option<&Path>, layout: Layout, excel: bool) -> io::Result<Output> {
        if layout == Layout::JsonlStdout {
            return Ok(Output {
                layout,
                excel,
                dir: None,
                stdout: Some(BufWriter::with_capacity(1 << 17, io::stdout())),
                jsonl: None,
                csv: Vec::new(),
                parquet: Vec::new(),
                fingerprint: serde_json::Value::Null,
                writeback: None,
            });
        }
        let dir = dir.expect("a directory for file output");
        std::fs::create_dir_all(dir).map_err(at(dir))?;
        // A checkpoint of an earlier unfinished run no longer describes the partial files.
        remove_if_present(&dir.join(CHECKPOINT))?;
        let jsonl = Some(OutFile::create(dir, "documents.jsonl", None, false)?);
        let mut csv = Vec::new();
        for t in layout.tables().iter() {
            csv.push((t, OutFile::create(dir, t.file(), Some(t.columns()), excel)?));
        }
        let parquet = open_parquet(dir, layout)?;
        let fingerprint = serde_json::Value::Null;
        let out = Output { layout, excel, dir: Some(dir.to_path_buf()), stdout: None, jsonl, csv, parquet, fingerprint, writeback: None };
        out.with_writeback()
    }

    /// Continue the unfinished run in `dir`: its checkpoint must carry `fingerprint`. The
    /// partial files are cut back to the checkpoint and reopened for appending. `Ok(None)`
    /// when there is no checkpoint (nothing to resume).
    pub fn resume(
        dir: &Path,
        layout: Layout,
        excel: bool,
        fingerprint: &serde_json::Value,
    ) -> Result<Option<(Output, Checkpoint)>, ResumeError> {
        let raw = match std::fs::read(dir.join(CHECKPOINT)) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let cp: Checkpoint =
            serde_json::from_slice(&raw).map_err(|e| ResumeError::Damaged(format!("{}: {e}", dir.join(CHECKPOINT).display())))?;
        if cp.fingerprint != *fingerprint {
            return Err(ResumeError::Mismatch(first_difference(&cp.fingerprint, fingerprint)));
        }
        let reopen = |name: &'static str| -> Result<OutFile, ResumeError> {
            let len = *cp.files.get(name).ok_or_else(|| ResumeError::Damaged(format!("the checkpoint has no length for {name}")))?;
            OutFile::reopen(dir, name, len)
        };
        let jsonl = reopen("documents.jsonl")?;
        let csv = layout.tables().iter().map(|t| Ok((t, reopen(t.file())?))).collect::<Result<_, ResumeError>>()?;
        // A Parquet file cannot be cut back and appended to: it is written again from the
        // records the checkpoint counts.
        let mut parquet = open_parquet(dir, layout)?;
        if !parquet.is_empty() {
            replay(&jsonl.tmp, jsonl.len, layout.tables(), &mut parquet)?;
        }
        let (dir, fingerprint) = (Some(dir.to_path_buf()), fingerprint.clone());
        let out = Output { layout, excel, dir, stdout: None, jsonl: Some(jsonl), csv, parquet, fingerprint, writeback: None };
        Ok(Some((out.with_writeback()?, cp)))
    }

    /// Start the background syncs of the files.
    fn with_writeback(mut self) -> io::Result<Output> {
        let wb = Writeback::start()?;
        for t in self.jsonl.iter_mut().chain(self.csv.iter_mut().map(|(_, t)| t)) {
            t.sync_in(&wb);
        }
        self.writeback = Some(wb);
        Ok(self)
    }

    /// Set what checkpoints say the run is over (see [`Output::resume`]).
    pub fn with_fingerprint(mut self, fingerprint: serde_json::Value) -> Self {
        self.fingerprint = fingerprint;
        self
    }

    /// The CSV tables whose rows are wanted.
    pub fn tables(&self) -> Tables {
        self.layout.tables()
    }

    /// Whether their rows are wanted as Arrow batches too, for the Parquet tables.
    pub fn parquet(&self) -> bool {
        !self.parquet.is_empty()
    }

    /// Append one document's output.
    pub fn write(&mut self, r: &Rendered) -> io::Result<()> {
        if let Some(w) = &mut self.stdout {
            return w.write_all(&r.jsonl).map_err(at(Path::new("stdout")));
        }
        if let Some(t) = &mut self.jsonl {
            t.put(&r.jsonl)?;
        }
        for (table, t) in &mut self.csv {
            let rows = match table {
                CsvTable::Sentences => &r.sentences,
                CsvTable::Quotes => &r.quotes,
                CsvTable::Attributions => &r.attributions,
                CsvTable::Claims => &r.claims,
            };
            if self.excel {
                t.put(&crlf(rows))?;
            } else {
                t.put(rows)?;
            }
        }
        if let Some(batches) = &r.parquet {
            for t in &mut self.parquet {
                t.write(batches)?;
            }
        }
        Ok(())
    }

    /// Hand the records written so far to stdout, when that is the output: a filter's
    /// reader downstream sees each chunk as soon as it is written, not when the buffer
    /// fills. Files are flushed at checkpoints and at the end.
    pub fn flush_stdout(&mut self) -> io::Result<()> {
        match &mut self.stdout {
            Some(w) => w.flush().map_err(at(Path::new("stdout"))),
            None => Ok(()),
        }
    }

    /// Record that `documents` documents are written, with the run's counts so far: flush
    /// the partial files, then replace the checkpoint atomically. Nothing for stdout.
    pub fn checkpoint(&mut self, documents: usize, summary: &impl serde::Serialize) -> io::Result<()> {
        let Some(dir) = &self.dir else { return Ok(()) };
        let mut files = std::collections::BTreeMap::new();
        for t in self.jsonl.iter_mut().chain(self.csv.iter_mut().map(|(_, t)| t)) {
            t.flush()?;
            files.insert(t.name.to_string(), t.len);
        }
        let cp = Checkpoint {
            claimex_checkpoint: 1,
            fingerprint: self.fingerprint.clone(),
            documents,
            files,
            summary: serde_json::to_value(summary)?,
        };
        // Not synced: a checkpoint guards against a killed process, not a power cut (a resumed
        // run checks the partial files against it and refuses damaged ones).
        write_atomically(dir, CHECKPOINT, &serde_json::to_vec(&cp)?, false)
    }

    /// Flush, sync and move every file into place. The manifest of an earlier run is
    /// removed first (the set is not consistent until the new one is written), and so is
    /// the checkpoint (nothing is left to resume).
    pub fn finish(self) -> io::Result<()> {
        self.finish_syncs().map(|_| ())
    }

    /// [`Output::finish`], telling how many background syncs ran.
    fn finish_syncs(self) -> io::Result<usize> {
        if let Some(mut w) = self.stdout {
            return w.flush().map(|()| 0).map_err(at(Path::new("stdout")));
        }
        let dir = self.dir.expect("file output has a directory");
        let mut files: Vec<OutFile> = self.jsonl.into_iter().chain(self.csv.into_iter().map(|(_, t)| t)).collect();
        for t in &mut files {
            t.sync_to = None;
        }
        let syncs = match self.writeback {
            Some(wb) => wb.finish()?,
            None => 0,
        };
        let mut moves = Vec::new();
        for mut t in files {
            t.sync()?;
            moves.push((t.tmp, t.dest));
        }
        for t in self.parquet {
            moves.push(t.close()?);
        }
        remove_if_present(&dir.join(CHECKPOINT))?;
        remove_if_present(&dir.join("manifest.json"))?;
        for (tmp, dest) in &moves {
            std::fs::rename(tmp, dest).map_err(at(dest))?;
        }
        // Tables of an earlier run would sit beside a manifest that does not list them.
        let chosen = self.layout.tables();
        for t in CsvTable::ALL {
            if !chosen.contains(t) {
                remove_if_present(&dir.join(t.file()))?;
            }
            if !(chosen.contains(t) && self.layout.parquet()) {
                remove_if_present(&dir.join(format!("{}.parquet", t.name())))?;
            }
        }
        Ok(syncs)
    }
}

/// The Parquet tables of `layout`, opened under temporary names in `dir` (none unless
/// `--format parquet`).
fn open_parquet(dir: &Path, layout: Layout) -> io::Result<Vec<parquet::TableWriter>> {
    if !layout.parquet() {
        return Ok(Vec::new());
    }
    layout.tables().iter().map(|t| parquet::TableWriter::create(dir, t)).collect()
}

/// Write the Parquet tables of an interrupted run again, from the first `len` bytes of its
/// partial `documents.jsonl` (whole records, as the checkpoint counts them).
fn replay(jsonl: &Path, len: u64, tables: Tables, parquet: &mut [parquet::TableWriter]) -> Result<(), ResumeError> {
    use std::io::{BufRead, Read};
    let f = File::open(jsonl).map_err(at(jsonl))?;
    let mut lines = io::BufReader::new(f.take(len));
    let (mut line, mut n) = (String::new(), 0);
    while lines.read_line(&mut line).map_err(at(jsonl))? > 0 {
        n += 1;
        let rec: DocumentRecord = serde_json::from_str(&line).map_err(|e| ResumeError::Damaged(format!("{}:{n}: {e}", jsonl.display())))?;
        if let Some(batches) = render_with(rec, tables, true).parquet {
            for t in parquet.iter_mut() {
                t.write(&batches)?;
            }
        }
        line.clear();
    }
    Ok(())
}

fn remove_if_present(path: &Path) -> io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(at(path)(e)),
        _ => Ok(()),
    }
}

/// An I/O error on `path`, saying so: "out/.claims.csv.partial: No space left on device".
/// The kind is kept (a closed stdout is still `BrokenPipe`).
fn at(path: &Path) -> impl Fn(io::Error) -> io::Error + '_ {
    move |e| io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

/// Write `dir/name` through a temporary file and a rename, so readers see the old file or
/// the new one, never a torn one.
fn write_atomically(dir: &Path, name: &str, bytes: &[u8], sync: bool) -> io::Result<()> {
    let tmp = dir.join(format!(".{}.partial", name.trim_start_matches('.')));
    let mut f = File::create(&tmp).map_err(at(&tmp))?;
    f.write_all(bytes).map_err(at(&tmp))?;
    if sync {
        f.sync_all().map_err(at(&tmp))?;
    }
    let dest = dir.join(name);
    std::fs::rename(&tmp, &dest).map_err(at(&dest))
}

/// The first place where two fingerprints differ, as `path: was …, now …`.
fn first_difference(was: &serde_json::Value, now: &serde_json::Value) -> String {
    use serde_json::Value;
    fn walk(path: String, was: &Value, now: &Value) -> String {
        match (was, now) {
            (Value::Object(a), Value::Object(b)) => {
                let dot = if path.is_empty() { String::new() } else { format!("{path}.") };
                for (k, v) in a {
                    match b.get(k) {
                        Some(w) if w == v => {}
                        Some(w) => return walk(format!("{dot}{k}"), v, w),
                        None => return format!("{dot}{k}: no longer given"),
                    }
                }
                b.keys().find(|k| !a.contains_key(*k)).map_or_else(|| path.clone(), |k| format!("{dot}{k}: new"))
            }
            (Value::Array(a), Value::Array(b)) if a.len() == b.len() => match a.iter().zip(b).position(|(x, y)| x != y) {
                Some(i) => walk(format!("{path}[{i}]"), &a[i], &b[i]),
                None => path,
            },
            _ => format!("{path}: was {was}, now {now}"),
        }
    }
    walk(String::new(), was, now)
}

/// Rows with `\n` record ends turned into `\r\n` (quoted newlines inside cells stay).
fn crlf(rows: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(rows.len() + rows.len() / 40);
    let mut quoted = false;
    for &b in rows {
        if b == b'"' {
            quoted = !quoted;
        }
        if b == b'\n' && !quoted {
            out.push(b'\r');
        }
        out.push(b);
    }
    out
}

/// Write `manifest.json` atomically (temporary name, then rename).
pub fn write_manifest(dir: &Path, manifest: &serde_json::Value) -> io::Result<()> {
    let mut bytes = serde_json::to_vec_pretty(manifest)?;
    bytes.push(b'\n');
    write_atomically(dir, "manifest.json", &bytes, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(i: usize) -> Rendered {
        Rendered { jsonl: format!("{{\"doc\":{i}}}\n").into_bytes(), sentences: format!("d{i},s0\n").into_bytes(), ..Default::default() }
    }

    #[test]
    fn resume_cuts_back_what_was_written_after_the_checkpoint() {
        let dir = std::env::temp_dir().join(format!("claimex-write-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let fp = serde_json::json!({"inputs": ["a"]});
        let mut out = Output::create(Some(&dir), Layout::Dataset(Tables::ALL), false).unwrap().with_fingerprint(fp.clone());
        out.write(&rendered(0)).unwrap();
        out.checkpoint(1, &serde_json::json!({"documents": 1})).unwrap();
        out.write(&rendered(1)).unwrap();
        drop(out); // flushed to disk, as a kill after a buffer spill leaves it
        assert!(!dir.join("documents.jsonl").exists());
        assert_eq!(std::fs::read_to_string(dir.join(".documents.jsonl.partial")).unwrap(), "{\"doc\":0}\n{\"doc\":1}\n");

        let other = serde_json::json!({"inputs": ["b"]});
        let e = Output::resume(&dir, Layout::Dataset(Tables::ALL), false, &other).err().unwrap();
        assert_eq!(e.to_string().split(" (").nth(1).unwrap().split(')').next().unwrap(), "inputs[0]: was \"a\", now \"b\"");

        let (mut out, cp) = Output::resume(&dir, Layout::Dataset(Tables::ALL), false, &fp).unwrap().unwrap();
        assert_eq!((cp.documents, cp.summary["documents"].as_u64()), (1, Some(1)));
        out.write(&rendered(1)).unwrap();
        out.write(&rendered(2)).unwrap();
        out.finish().unwrap();
        assert_eq!(std::fs::read_to_string(dir.join("documents.jsonl")).unwrap(), "{\"doc\":0}\n{\"doc\":1}\n{\"doc\":2}\n");
        let header = SENTENCE_COLUMNS.join(",");
        assert_eq!(std::fs::read_to_string(dir.join("sentences.csv")).unwrap(), format!("{header}\nd0,s0\nd1,s0\nd2,s0\n"));
        assert!(!dir.join(CHECKPOINT).exists());
        assert!(Output::resume(&dir, Layout::Dataset(Tables::ALL), false, &fp).unwrap().is_none());

        // A partial file shorter than its checkpoint (a power cut) is refused.
        let mut out = Output::create(Some(&dir), Layout::Dataset(Tables::NONE), false).unwrap().with_fingerprint(fp.clone());
        out.write(&rendered(0)).unwrap();
        out.checkpoint(1, &serde_json::json!({})).unwrap();
        drop(out);
        std::fs::write(dir.join(".documents.jsonl.partial"), "{").unwrap();
        assert!(matches!(Output::resume(&dir, Layout::Dataset(Tables::NONE), false, &fp), Err(ResumeError::Damaged(_))));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn files_are_synced_in_the_background_as_they_grow() {
        let dir = std::env::temp_dir().join(format!("claimex-writeback-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut out = Output::create(Some(&dir), Layout::Dataset(Tables::NONE), false).unwrap();
        // 40 MiB of documents.jsonl in 1 MiB records: a sync at 16 and at 32 MiB.
        let line = |i: u8| {
            let mut l = vec![b'a' + i % 26; 1 << 20];
            *l.last_mut().unwrap() = b'\n';
            l
        };
        for i in 0..40 {
            out.write(&Rendered { jsonl: line(i), ..Default::default() }).unwrap();
        }
        assert_eq!(out.finish_syncs().unwrap(), 2);
        let written = std::fs::read(dir.join("documents.jsonl")).unwrap();
        assert_eq!(written.len(), 40 << 20);
        assert!(written.chunks(1 << 20).enumerate().all(|(i, c)| c == line(i as u8).as_slice()));
        let _ = std::fs::remove_dir_all(&dir);

        // Standard output has no sync thread.
        assert_eq!(Output::create(None, Layout::JsonlStdout, false).unwrap().finish_syncs().unwrap(), 0);
    }

    #[test]
    fn rows_are_quoted_as_the_csv_crate_quotes_them() {
        let fields = [
            "plain",
            "",
            "a,b",
            "he said \"no\"",
            "\"",
            "line\nbreak",
            "cr\rhere",
            "caf\u{e9} \u{201c}x\u{201d}",
            " spaced ",
            "#hash",
            "'",
        ];
        let mut ours = Vec::new();
        let mut w = Row::new(&mut ours);
        for f in fields {
            w.field(f);
        }
        w.float(0.25).flag(false).int(12).end();
        let mut theirs = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
        let mut all: Vec<String> = fields.iter().map(|f| f.to_string()).collect();
        all.extend(["0.25".to_string(), "false".to_string(), "12".to_string()]);
        theirs.write_record(&all).unwrap();
        assert_eq!(String::from_utf8(ours).unwrap(), String::from_utf8(theirs.into_inner().unwrap()).unwrap());
    }

    #[test]
    fn string_lists_are_written_as_their_json_is() {
        let lists: [&[&str]; 8] = [
            &[],
            &[""],
            &["quantity"],
            &["claims/clauses/declarative", "claims/quantity/number"],
            &["one of the biggest", "caf\u{e9} \u{201c}x\u{201d}", "a,b"],
            &["he said \"no\""],
            &["back\\slash", "tab\there", "line\nbreak", "\u{1}"],
            &["plain", "\"", ""],
        ];
        for list in lists {
            let list: Vec<String> = list.iter().map(|s| s.to_string()).collect();
            let (mut direct, mut through_json, mut scratch) = (Vec::new(), Vec::new(), Vec::new());
            Row::new(&mut direct).field("x").strings(&list, &mut scratch).field("y").end();
            Row::new(&mut through_json).field("x").json(|out| serde_json::to_writer(out, &list).unwrap(), &mut scratch).field("y").end();
            assert_eq!(String::from_utf8(direct).unwrap(), String::from_utf8(through_json).unwrap(), "{list:?}");
        }
    }

    #[test]
    fn table_lists_parse() {
        let t: Tables = "claims, attributions".parse().unwrap();
        assert_eq!(t.names(), ["attributions", "claims"]);
        assert_eq!("all".parse::<Tables>(), Ok(Tables::ALL));
        assert_eq!("sentences,quotes,attributions,claims".parse::<Tables>(), Ok(Tables::ALL));
        assert_eq!("none".parse::<Tables>(), Ok(Tables::NONE));
        assert!("claim".parse::<Tables>().unwrap_err().contains("unknown table `claim`"));
        assert!("none,claims".parse::<Tables>().is_err());
        assert!("claims,".parse::<Tables>().is_err());
    }

    #[test]
    fn short_fields_are_quoted_when_they_need_it() {
        for len in 0..40 {
            for at in 0..len {
                for c in 0u8..0x80 {
                    let mut b = vec![b'x'; len];
                    b[at] = c;
                    assert_eq!(needs_quotes(&b), [b',', b'"', b'\n', b'\r'].contains(&c), "{b:?}");
                }
            }
        }
    }

    #[test]
    fn crlf_keeps_quoted_newlines() {
        assert_eq!(crlf(b"a,\"x\ny\"\nb,c\n"), b"a,\"x\ny\"\r\nb,c\r\n");
    }
}
