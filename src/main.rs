//! The `claimex` command line: argument parsing, rule loading, exit codes (SPEC §7). The
//! work itself is in the library.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use claimex::batch::{self, Summary};
use claimex::ingest::{self, Format};
use claimex::rules::RuleSet;
use claimex::write::{Layout, Output, Tables};

/// The binary's allocator. Extraction makes about one allocation per input byte (records,
/// their strings, scratch vectors), and with the system allocator a sixth of the
/// instructions went into `malloc` and `free`; mimalloc cuts the run's instructions by 12%
/// and its wall time by about a fifth (docs/benchmarks.md). Its version 2 (`v2`), without
/// transparent huge pages (`no_thp`): version 3 peaked 14 MB higher on two threads at the
/// same speed, and huge pages added 20 MB on one. The library leaves the choice to whoever
/// links it (the Python bindings keep Python's).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod tooling_cli;

/// Exit codes (SPEC §7).
mod exit {
    pub const DATA: u8 = 65;
    pub const NO_INPUT: u8 = 66;
    pub const IO: u8 = 74;
    pub const CONFIG: u8 = 78;
}

#[derive(Parser)]
#[command(
    name = "claimex",
    version,
    about = "Rule-driven claim extraction: sentences, quotations, attributions and claims as a dataset",
    after_help = "Examples:\n  claimex extract fixtures/ -o output/\n  claimex split article.md --blocks\n  cat docs.jsonl | claimex extract --input-format jsonl - -o - --format jsonl\n\n\
The output files, every field and column, offsets, rule kinds, exit codes and the schema-version\npolicy: docs/spec.md in the claimex repository."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Extract the dataset (documents.jsonl, CSV tables, manifest.json) from inputs.
    #[command(
        after_help = "Examples:\n  claimex extract corpus/ notes.md -o output/ --threads 2\n  claimex extract corpus/ -o output/ --tables claims,attributions\n  claimex extract corpus/ -o output/ --format parquet\n\n\
Exit codes: 0 success, 2 usage, 65 some documents failed (the rest were written),\n66 input missing, 74 I/O error, 78 bad rules.\n\nEvery output field and column: docs/spec.md."
    )]
    Extract(ExtractArgs),
    /// Print one sentence per line, for pipes and inspection.
    #[command(after_help = "Example:\n  claimex split article.txt --blocks | grep '^body'")]
    Split(SplitArgs),
    /// Rule tooling: run the rules' own examples, list them, explain one, write their docs.
    #[command(subcommand)]
    Rules(tooling_cli::RulesCommand),
    /// Re-run regression fixtures and show what changed, record by record, per rule.
    #[command(
        after_help = "Examples:\n  claimex check fixtures/\n  claimex check fixtures/ --rules my-rules/\n  claimex check fixtures/ --bless   # accept the new output, then review `git diff fixtures/`\n\n\
Exit codes: 0 no difference (or blessed), 1 a case differs, 66 no such directory, 78 bad rules."
    )]
    Check(tooling_cli::CheckArgs),
    /// Score output against hand annotations: P/R/F1 per record type, field and rule.
    #[command(
        after_help = "Examples:\n  claimex eval --gold gold.jsonl --pred output/\n  claimex eval --gold gold.jsonl corpus/ --min thresholds.toml\n\n\
Exit codes: 0 success, 1 a figure is below its --min threshold."
    )]
    Eval(tooling_cli::EvalArgs),
    /// Compare two outputs of the same inputs, record by record, summarised per rule.
    #[command(after_help = "Example:\n  claimex diff output-before/ output-after/\n\nExit codes: 0 no difference, 1 differences.")]
    Diff(tooling_cli::DiffArgs),
    /// Show how a text is read: segmentation, rules that fired and nearly fired, reasoning.
    #[command(
        after_help = "Examples:\n  claimex explain \"Dr. Lee said the plan would fail.\"\n  claimex explain --doc article.md --sentence s4"
    )]
    Explain(tooling_cli::ExplainArgs),
    /// Write static HTML pages (one per document, and an index) over an output directory.
    #[command(
        after_help = "Examples:\n  claimex report output/                # writes output/report/index.html\n  claimex report output/ -o site/ --rules my-rules/\n\n\
Exit codes: 0 success, 65 documents.jsonl unreadable, 66 no such output, 74 I/O error."
    )]
    Report(tooling_cli::ReportArgs),
    /// Write an output's quotations, attributions and claims for an annotation tool.
    #[command(
        after_help = "Examples:\n  claimex export output/ --to label-studio -o review/\n  claimex export output/ --to brat -o brat-data/claimex/\n  claimex export output/ --to doccano -o review/\n\n\
Exit codes: 0 success, 65 documents.jsonl unreadable, 66 no such output, 74 I/O error."
    )]
    Export(tooling_cli::ExportArgs),
    /// Read annotations corrected in a tool back as gold for `claimex eval`.
    #[command(
        after_help = "Examples:\n  claimex import --from label-studio project-export.json -o gold.jsonl\n  claimex import --from brat brat-data/claimex/ -o gold.jsonl\n  claimex eval --gold gold.jsonl --pred output/\n\n\
Exit codes: 0 success, 65 the tool's file is malformed, 66 no such file, 74 I/O error."
    )]
    Import(tooling_cli::ImportArgs),
}

#[derive(Args)]
struct InputArgs {
    /// Files or directories (searched recursively for .txt, .md, .jsonl, .csv); `-` reads stdin.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Format of stdin, or of every input whatever its extension.
    #[arg(long, value_enum)]
    input_format: Option<Format>,
    /// JSONL field holding the document id.
    #[arg(long, default_value = "id")]
    id_field: String,
    /// JSONL field holding the text.
    #[arg(long, default_value = "text")]
    text_field: String,
    /// CSV column holding the document id.
    #[arg(long, default_value = "id")]
    id_column: String,
    /// CSV column holding the text.
    #[arg(long, default_value = "text")]
    text_column: String,
    /// Use the rule set in DIR instead of the built-in one.
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// Worker threads (default: all cores; 1 runs serially).
    #[arg(long, short = 'j')]
    threads: Option<usize>,
    /// No progress or summary on stderr.
    #[arg(long, short)]
    quiet: bool,
}

impl InputArgs {
    fn ingest_options(&self) -> ingest::Options {
        ingest::Options {
            id_field: self.id_field.clone(),
            text_field: self.text_field.clone(),
            id_column: self.id_column.clone(),
            text_column: self.text_column.clone(),
            format: self.input_format,
        }
    }
}

/// What `--format` writes.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum OutFormat {
    /// documents.jsonl, the CSV tables and manifest.json.
    All,
    /// documents.jsonl only (with `-o -`: to stdout, nothing else there).
    Jsonl,
    /// As `all`, with a Parquet file (typed columns) beside each CSV table.
    Parquet,
}

impl OutFormat {
    /// Its name, as the manifest gives it.
    fn name(self) -> &'static str {
        match self {
            OutFormat::All => "all",
            OutFormat::Jsonl => "jsonl",
            OutFormat::Parquet => "parquet",
        }
    }
}

#[derive(Args)]
struct ExtractArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Output directory, or `-` for JSONL on stdout (with --format jsonl).
    #[arg(long, short, default_value = "output")]
    output: PathBuf,
    /// What to write.
    #[arg(long, value_enum, default_value = "all")]
    format: OutFormat,
    /// The CSV tables to write, comma-separated: sentences, quotes, attributions, claims, or
    /// all or none [default: all]. documents.jsonl and manifest.json are always written;
    /// with --format parquet, each table chosen also as <table>.parquet.
    #[arg(long, value_name = "LIST")]
    tables: Option<Tables>,
    /// CSV for Excel: a BOM and CRLF line ends.
    #[arg(long)]
    excel: bool,
    /// Continue an interrupted run into the same output directory, over the same inputs,
    /// rules and settings, from its last checkpoint.
    #[arg(long)]
    resume: bool,
    /// Most documents per chunk (documents are read a chunk at a time, and a checkpoint may
    /// follow each chunk written; the output does not depend on it).
    #[arg(long, value_name = "N", default_value_t = 512, value_parser = clap::value_parser!(u64).range(1..))]
    chunk_docs: u64,
    /// Least seconds between two checkpoints of an unfinished run (what --resume continues
    /// from); 0 checkpoints after every chunk.
    #[arg(long, value_name = "SECONDS", default_value_t = 0.25)]
    checkpoint_interval: f64,
}

#[derive(Args)]
struct SplitArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Prefix each sentence with its block kind and a tab.
    #[arg(long)]
    blocks: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Extract(a) => extract(a),
        Command::Split(a) => split(a),
        Command::Rules(c) => tooling_cli::rules_command(c),
        Command::Check(a) => tooling_cli::check(a),
        Command::Eval(a) => tooling_cli::eval(a),
        Command::Diff(a) => tooling_cli::diff(a),
        Command::Explain(a) => tooling_cli::explain(a),
        Command::Report(a) => tooling_cli::report(a),
        Command::Export(a) => tooling_cli::export(a),
        Command::Import(a) => tooling_cli::import(a),
    }
}

fn load_rules(dir: Option<&Path>) -> Result<RuleSet, ExitCode> {
    match dir {
        None => Ok(RuleSet::builtin()),
        Some(d) => RuleSet::from_dir(d).map_err(|e| {
            eprintln!("{e}");
            ExitCode::from(exit::CONFIG)
        }),
    }
}

fn expand(inputs: &[PathBuf]) -> Result<Vec<ingest::Input>, ExitCode> {
    ingest::expand(inputs).map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(match e {
            ingest::InputError::Missing(_) => exit::NO_INPUT,
            ingest::InputError::Io { .. } => exit::IO,
        })
    })
}

fn threads(n: Option<usize>) -> usize {
    n.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())).max(1)
}

fn extract(a: ExtractArgs) -> ExitCode {
    let rules = match load_rules(a.input.rules.as_deref()) {
        Ok(r) => r,
        Err(c) => return c,
    };
    let inputs = match expand(&a.input.inputs) {
        Ok(i) => i,
        Err(c) => return c,
    };
    let to_stdout = a.output.as_os_str() == "-";
    if to_stdout && a.format != OutFormat::Jsonl {
        eprintln!("error: `-o -` writes JSONL to stdout; add `--format jsonl`");
        return ExitCode::from(2);
    }
    if to_stdout && a.resume {
        eprintln!("error: --resume needs an output directory; a stream on stdout cannot be resumed");
        return ExitCode::from(2);
    }
    if a.format == OutFormat::Parquet && !claimex::write::PARQUET_BUILT {
        eprintln!("error: --format parquet: {}", claimex::write::PARQUET_MISSING);
        return ExitCode::from(2);
    }
    if a.format == OutFormat::Jsonl && a.tables.is_some_and(|t| t != Tables::NONE) {
        eprintln!("error: --format jsonl writes no CSV tables; drop --tables, or use --format all");
        return ExitCode::from(2);
    }
    let layout = match (to_stdout, a.format) {
        (true, _) => Layout::JsonlStdout,
        (false, OutFormat::Jsonl) => Layout::Dataset(Tables::NONE),
        (false, OutFormat::All) => Layout::Dataset(a.tables.unwrap_or(Tables::ALL)),
        (false, OutFormat::Parquet) => Layout::Parquet(a.tables.unwrap_or(Tables::ALL)),
    };
    let cfg = batch::Config {
        threads: threads(a.input.threads),
        ingest: a.input.ingest_options(),
        chunk_docs: usize::try_from(a.chunk_docs).unwrap_or(usize::MAX),
        checkpoint_every: std::time::Duration::try_from_secs_f64(a.checkpoint_interval).unwrap_or_default(),
        ..Default::default()
    };
    let quiet = a.input.quiet;
    let (mut out, resume) = match open_output(&a, layout, &rules, &cfg, &inputs) {
        Ok(o) => o,
        Err(c) => return c,
    };
    let resumed_at = resume.as_ref().map(|r| r.documents);
    if let (Some(n), false) = (resumed_at, quiet) {
        eprintln!("claimex: resuming after {n} documents");
    }
    let tty = std::io::stderr().is_terminal() && !quiet;
    let mut shown = std::time::Instant::now();
    let mut progress = |s: &Summary, p: &batch::Progress| {
        if tty && shown.elapsed().as_millis() >= 100 {
            eprint!("\r{}\x1b[K", p.line(s));
            shown = std::time::Instant::now();
        }
    };
    let result = batch::run_resumable(&inputs, &rules, &cfg, &mut out, resume, &mut progress);
    if tty {
        eprint!("\r\x1b[K");
    }
    let summary = match result {
        Ok(s) => s,
        // A closed pipe (`| head`) is not an error, as for `split`.
        Err(e) if to_stdout && e.kind() == std::io::ErrorKind::BrokenPipe => return ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: writing output: {e}");
            resume_hint(&a, to_stdout);
            return ExitCode::from(exit::IO);
        }
    };
    if let Err(e) = out.finish() {
        if to_stdout && e.kind() == std::io::ErrorKind::BrokenPipe {
            return ExitCode::SUCCESS;
        }
        eprintln!("error: finishing output: {e}");
        resume_hint(&a, to_stdout);
        return ExitCode::from(exit::IO);
    }
    if !to_stdout {
        let mut manifest = manifest(&rules, &cfg, &a, layout.tables(), &summary);
        if let Some(n) = resumed_at {
            manifest["resumed_after_documents"] = n.into();
        }
        if let Err(e) = claimex::write::write_manifest(&a.output, &manifest) {
            eprintln!("error: writing manifest: {e}");
            return ExitCode::from(exit::IO);
        }
    }
    for m in summary.error_messages.iter().take(if quiet { 0 } else { 20 }) {
        eprintln!("error: {m}");
    }
    if !quiet {
        let mb = summary.bytes as f64 / 1e6;
        eprintln!(
            "claimex: {} documents, {} sentences, {} quotes, {} attributions, {} claims, {} errors, {:.2} s, {:.1} MB/s",
            summary.documents,
            summary.sentences,
            summary.quotes,
            summary.attributions,
            summary.claims,
            summary.errors,
            summary.seconds,
            mb / summary.seconds.max(1e-9)
        );
    }
    if summary.errors > 0 { ExitCode::from(exit::DATA) } else { ExitCode::SUCCESS }
}

/// After a write failed (a full disk, say): when a checkpoint survives, say that `--resume`
/// continues from it.
fn resume_hint(a: &ExtractArgs, to_stdout: bool) {
    if !to_stdout && a.output.join(claimex::write::CHECKPOINT).exists() {
        eprintln!(
            "claimex: the output up to the last checkpoint is kept in {}; once the cause is fixed, the same command with --resume finishes it",
            a.output.display()
        );
    }
}

/// Open the output: a fresh one, or with `--resume` the interrupted run's, checked against
/// this run's fingerprint.
fn open_output(
    a: &ExtractArgs,
    layout: Layout,
    rules: &RuleSet,
    cfg: &batch::Config,
    inputs: &[ingest::Input],
) -> Result<(Output, Option<batch::Resume>), ExitCode> {
    let dir = (layout != Layout::JsonlStdout).then_some(a.output.as_path());
    let fp = fingerprint(rules, cfg, a, layout.tables(), inputs);
    if let (true, Some(dir)) = (a.resume, dir) {
        match Output::resume(dir, layout, a.excel, &fp) {
            Ok(Some((out, cp))) => {
                let summary = serde_json::from_value(cp.summary).map_err(|e| {
                    eprintln!("error: cannot resume: the checkpoint is damaged ({e}); run without --resume to start again");
                    ExitCode::from(exit::IO)
                })?;
                return Ok((out, Some(batch::Resume { documents: cp.documents, summary })));
            }
            Ok(None) => {
                if !a.input.quiet {
                    eprintln!("claimex: nothing to resume in {}; starting from the beginning", dir.display());
                }
            }
            Err(e) => {
                eprintln!("error: cannot resume: {e}");
                return Err(ExitCode::from(match e {
                    claimex::write::ResumeError::Mismatch(_) => 2,
                    _ => exit::IO,
                }));
            }
        }
    }
    if let (false, false, Some(dir)) = (a.resume, a.input.quiet, dir)
        && dir.join(claimex::write::CHECKPOINT).exists()
    {
        eprintln!("claimex: note: {} held an unfinished run; starting again (--resume would have continued it)", dir.display());
    }
    match Output::create(dir, layout, a.excel) {
        Ok(o) => Ok((o.with_fingerprint(fp), None)),
        Err(e) => {
            eprintln!("error: opening the output: {e}");
            Err(ExitCode::from(exit::IO))
        }
    }
}

/// What a run is over, for `--resume` to check: the rules, the settings that change the
/// output, and each input with its size and modification time.
fn fingerprint(rules: &RuleSet, cfg: &batch::Config, a: &ExtractArgs, tables: Tables, inputs: &[ingest::Input]) -> serde_json::Value {
    let files: Vec<serde_json::Value> = inputs
        .iter()
        .map(|i| {
            let meta = std::fs::metadata(&i.path).ok().filter(|_| !i.is_stdin());
            let modified = meta.as_ref().and_then(|m| m.modified().ok()).and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
            serde_json::json!({
                "path": i.path.display().to_string(),
                "bytes": meta.map(|m| m.len()),
                "modified_ns": modified.map(|d| d.as_nanos().to_string()),
            })
        })
        .collect();
    serde_json::json!({
        "version": env!("CARGO_PKG_VERSION"),
        "rules": rules.hash,
        "format": a.format.name(),
        "excel": a.excel,
        "tables": tables.names(),
        "input_format": cfg.ingest.format.map(|f| format!("{f:?}")),
        "fields": [&cfg.ingest.id_field, &cfg.ingest.text_field, &cfg.ingest.id_column, &cfg.ingest.text_column],
        "inputs": files,
    })
}

fn manifest(rules: &RuleSet, cfg: &batch::Config, a: &ExtractArgs, tables: Tables, s: &Summary) -> serde_json::Value {
    serde_json::json!({
        "tool": "claimex",
        "version": env!("CARGO_PKG_VERSION"),
        "schema_version": claimex::record::SCHEMA_VERSION,
        "finished": true,
        "rules": {"origin": rules.origin, "sha256": rules.hash, "count": rules.rules.len()},
        "config": {
            "threads": cfg.threads,
            "chunk_docs": cfg.chunk_docs,
            "format": a.format.name(),
            "excel": a.excel,
            "id_field": cfg.ingest.id_field, "text_field": cfg.ingest.text_field,
            "id_column": cfg.ingest.id_column, "text_column": cfg.ingest.text_column,
        },
        "tables": tables.names(),
        "inputs": s.inputs,
        "counts": {
            "documents": s.documents, "sentences": s.sentences, "quotes": s.quotes,
            "attributions": s.attributions, "claims": s.claims, "errors": s.errors, "bytes": s.bytes,
        },
        "errors": s.error_messages,
        // Every rule, with 0 for those that never fired.
        "rule_hits": rules.rules.iter().map(|r| (r.id.clone(), s.rule_hits.get(&r.id).copied().unwrap_or(0))).chain(s.rule_hits.clone()).collect::<std::collections::BTreeMap<_, _>>(),
        "timings": {"seconds": (s.seconds * 1000.0).round() / 1000.0},
    })
}

fn split(a: SplitArgs) -> ExitCode {
    let rules = match load_rules(a.input.rules.as_deref()) {
        Ok(r) => r,
        Err(c) => return c,
    };
    let inputs = match expand(&a.input.inputs) {
        Ok(i) => i,
        Err(c) => return c,
    };
    let opts = a.input.ingest_options();
    // Each thread is a worker that may search with regex caches of its own (`rules::set_worker`).
    let pool = match rayon::ThreadPoolBuilder::new()
        .num_threads(threads(a.input.threads))
        .start_handler(|n| claimex::rules::set_worker(Some(n)))
        .build()
    {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(exit::IO);
        }
    };
    let stdout = std::io::stdout();
    let mut w = std::io::BufWriter::with_capacity(1 << 17, stdout.lock());
    let mut errors = 0;
    let mut bytes = 0usize;
    let started = std::time::Instant::now();
    let render = |doc: &ingest::Document| -> Vec<u8> {
        let norm = claimex::normalize::normalize(&doc.text);
        let title = doc.metadata.get("title").and_then(|t| t.as_str());
        let seg = claimex::segment::segment_with_title(&norm, &rules, title);
        let mut out = Vec::with_capacity(doc.text.len() + seg.sentences.len() * 16);
        for s in &seg.sentences {
            if a.blocks {
                out.extend_from_slice(seg.blocks[s.block].kind.as_str().as_bytes());
                out.push(b'\t');
            }
            out.extend_from_slice(norm.clean[s.range.clone()].as_bytes());
            out.push(b'\n');
        }
        out
    };
    for input in &inputs {
        let mut items = ingest::read(input, &opts).peekable();
        while items.peek().is_some() {
            let chunk: Vec<ingest::Item> = items.by_ref().take(256).collect();
            let docs: Vec<ingest::Document> = chunk
                .into_iter()
                .filter_map(|item| {
                    item.map_err(|e| {
                        eprintln!("error: {e}");
                        errors += 1;
                    })
                    .ok()
                })
                .collect();
            bytes += docs.iter().map(|d| d.text.len()).sum::<usize>();
            let rendered: Vec<Vec<u8>> = pool.install(|| {
                use rayon::prelude::*;
                docs.par_iter().map(&render).collect()
            });
            for r in rendered {
                if w.write_all(&r).is_err() {
                    // A closed pipe (`| head`) is not an error.
                    return ExitCode::SUCCESS;
                }
            }
        }
    }
    if w.flush().is_err() {
        return ExitCode::SUCCESS;
    }
    if !a.input.quiet {
        let secs = started.elapsed().as_secs_f64();
        eprintln!(
            "claimex split: {:.1} MB in {secs:.2} s ({:.1} MB/s), {errors} errors",
            bytes as f64 / 1e6,
            bytes as f64 / 1e6 / secs.max(1e-9)
        );
    }
    if errors > 0 { ExitCode::from(exit::DATA) } else { ExitCode::SUCCESS }
}
