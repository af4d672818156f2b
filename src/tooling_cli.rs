//! The binary's rule-tooling subcommands (`rules test|list|explain|docs`, `check`, `eval`,
//! `diff`, `explain`) and review subcommands (`report`, `export`, `import`): argument types
//! and thin handlers over the library's [`claimex::rules::examples`], [`claimex::check`],
//! [`claimex::eval`], [`claimex::diff`], [`claimex::explain`], [`claimex::report`] and
//! [`claimex::exchange`]. Output is plain text, coloured by line on a terminal.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use rayon::prelude::*;
use serde_json::Value;

use claimex::ingest;
use claimex::rules::{self, RuleSet};

use crate::exit;

/// When to colour output.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Color {
    /// On a terminal, unless NO_COLOR is set.
    #[default]
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

#[derive(Args)]
pub struct Common {
    /// Use the rule set in DIR instead of the built-in one.
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// Colour the output.
    #[arg(long, value_enum, default_value = "auto")]
    color: Color,
}

impl Common {
    fn load(&self) -> Result<RuleSet, ExitCode> {
        crate::load_rules(self.rules.as_deref())
    }

    fn files(&self) -> rules::Files {
        match &self.rules {
            None => rules::builtin_files(),
            Some(d) => rules::read_dir(d).unwrap_or_default(),
        }
    }

    fn print(&self, text: &str) {
        let on = match self.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        };
        print!("{}", if on { paint(text) } else { text.to_string() });
    }
}

/// Colour a report by its line shapes: failures red, passes green, gained/lost/changed
/// records green/red/yellow, section heads bold.
fn paint(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        let code = if t.starts_with("FAIL") || t.starts_with("- ") || t.starts_with("error") {
            "31"
        } else if t.starts_with("ok ") || t.starts_with("+ ") || t.starts_with("BLESSED") {
            "32"
        } else if t.starts_with("~ ") || t.starts_with("todo") || t.starts_with("why:") || t.starts_with("nearly") {
            "33"
        } else if !line.starts_with(' ') {
            "1"
        } else {
            ""
        };
        if code.is_empty() {
            out.push_str(line);
        } else {
            let body = line.trim_end_matches('\n');
            out.push_str(&format!("\x1b[{code}m{body}\x1b[0m"));
            if line.ends_with('\n') {
                out.push('\n');
            }
        }
    }
    out
}

/// `claimex rules …`
#[derive(Subcommand)]
pub enum RulesCommand {
    /// Run every rule's own examples (also shifted by one character and inside a longer text).
    #[command(
        after_help = "Examples:\n  claimex rules test\n  claimex rules test --rules my-rules/ --id 'attribution/*'\n\nExit codes: 0 all passed, 1 a rule failed, 78 bad rules."
    )]
    Test(RulesTestArgs),
    /// List every rule with its kind, status, example counts, file:line and description.
    List(RulesListArgs),
    /// Show one rule: kind, status, parameters, pattern, examples, and whether they pass.
    #[command(after_help = "Example:\n  claimex rules explain segment/blocks/author-bio")]
    Explain(RulesExplainArgs),
    /// Write the rule reference (docs/rules.md) generated from the rules.
    #[command(after_help = "Example:\n  claimex rules docs -o docs/rules.md")]
    Docs(RulesDocsArgs),
}

#[derive(Args)]
pub struct RulesTestArgs {
    #[command(flatten)]
    common: Common,
    /// Only rules whose id contains PATTERN (`*` matches any run of characters).
    #[arg(long, value_name = "PATTERN")]
    id: Option<String>,
    /// List passing rules too.
    #[arg(long, short)]
    verbose: bool,
}

#[derive(Args)]
pub struct RulesListArgs {
    #[command(flatten)]
    common: Common,
}

#[derive(Args)]
pub struct RulesExplainArgs {
    #[command(flatten)]
    common: Common,
    /// The rule id (`segment/blocks/author-bio`).
    id: String,
}

#[derive(Args)]
pub struct RulesDocsArgs {
    #[command(flatten)]
    common: Common,
    /// Write to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

pub fn rules_command(cmd: RulesCommand) -> ExitCode {
    match cmd {
        RulesCommand::Test(a) => {
            let Ok(rules) = a.common.load() else { return ExitCode::from(exit::CONFIG) };
            // Rules are independent: run them on all cores, results in rule order.
            let started = std::time::Instant::now();
            let indexes = rules::examples::matching(&rules, a.id.as_deref());
            let results = indexes.par_iter().map(|&i| rules::examples::run_one(&rules, i)).collect();
            let report = rules::examples::Report { rules: results, seconds: started.elapsed().as_secs_f64() };
            if report.rules.is_empty() {
                eprintln!("error: no rule id matches {:?}", a.id.unwrap_or_default());
                return ExitCode::from(2);
            }
            a.common.print(&report.render(a.verbose));
            if report.passed() { ExitCode::SUCCESS } else { ExitCode::from(1) }
        }
        RulesCommand::List(a) => {
            let Ok(rules) = a.common.load() else { return ExitCode::from(exit::CONFIG) };
            a.common.print(&rules::docs::list(&rules));
            ExitCode::SUCCESS
        }
        RulesCommand::Explain(a) => {
            let Ok(rules) = a.common.load() else { return ExitCode::from(exit::CONFIG) };
            let Some(meta) = rules.rule(&a.id) else {
                let near: Vec<&str> = rules
                    .rules
                    .iter()
                    .map(|r| r.id.as_str())
                    .filter(|id| id.contains(&a.id) || a.id.contains(id.rsplit('/').next().unwrap_or("")))
                    .take(5)
                    .collect();
                eprintln!(
                    "error: no rule `{}`{}",
                    a.id,
                    if near.is_empty() { String::new() } else { format!("; did you mean {}?", near.join(", ")) }
                );
                return ExitCode::from(2);
            };
            let mut text = rules::docs::describe(&rules, &a.common.files(), meta);
            let report = rules::examples::run(&rules, Some(&format!("{}*", meta.id)));
            let result = report.rules.iter().find(|r| r.id == meta.id);
            match result {
                Some(r) if r.failures.is_empty() => text.push_str(&format!("ok   its {} checks pass\n", r.checks)),
                Some(_) => text.push_str(&report.render(false)),
                None => {}
            }
            a.common.print(&text);
            ExitCode::SUCCESS
        }
        RulesCommand::Docs(a) => {
            let Ok(rules) = a.common.load() else { return ExitCode::from(exit::CONFIG) };
            let md = rules::docs::markdown(&rules, &a.common.files());
            match a.output {
                Some(p) => match std::fs::write(&p, md) {
                    Ok(()) => {
                        eprintln!("wrote {}", p.display());
                        ExitCode::SUCCESS
                    }
                    Err(e) => {
                        eprintln!("error: {}: {e}", p.display());
                        ExitCode::from(exit::IO)
                    }
                },
                None => {
                    print!("{md}");
                    ExitCode::SUCCESS
                }
            }
        }
    }
}

#[derive(Args)]
pub struct CheckArgs {
    #[command(flatten)]
    common: Common,
    /// The fixture directory: `DIR/<case>/input.<ext>` and `DIR/<case>/documents.jsonl`.
    dir: PathBuf,
    /// Accept the new output: rewrite the expected files of the cases that differ.
    #[arg(long)]
    bless: bool,
    /// Most records listed per rule and case.
    #[arg(long, default_value = "20")]
    limit: usize,
}

pub fn check(a: CheckArgs) -> ExitCode {
    let Ok(rules) = a.common.load() else { return ExitCode::from(exit::CONFIG) };
    match claimex::check::check(&a.dir, &rules, a.bless) {
        Ok(report) => {
            a.common.print(&report.render(a.limit));
            if report.passed() { ExitCode::SUCCESS } else { ExitCode::from(1) }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(if e.kind() == std::io::ErrorKind::NotFound { exit::NO_INPUT } else { exit::IO })
        }
    }
}

#[derive(Args)]
pub struct EvalArgs {
    #[command(flatten)]
    common: Common,
    /// Gold annotations: documents.jsonl format with only the annotated fields.
    #[arg(long, value_name = "FILE")]
    gold: PathBuf,
    /// Predictions: a documents.jsonl file or an output directory holding one.
    #[arg(long, value_name = "PATH", conflicts_with = "inputs")]
    pred: Option<PathBuf>,
    /// Or: input documents to run the pipeline on first.
    inputs: Vec<PathBuf>,
    /// Thresholds (TOML, `"sentences.exact.f1" = 0.95`): exit 1 when a figure falls below.
    #[arg(long, value_name = "FILE")]
    min: Option<PathBuf>,
    /// Print the figures as one JSON object.
    #[arg(long)]
    json: bool,
}

fn jsonl_path(p: &Path) -> PathBuf {
    if p.is_dir() { p.join("documents.jsonl") } else { p.to_path_buf() }
}

fn read_values(p: &Path) -> Result<Vec<Value>, ExitCode> {
    claimex::flat::read_jsonl(&jsonl_path(p)).map_err(|e| {
        eprintln!("error: {}: {e}", jsonl_path(p).display());
        ExitCode::from(if e.kind() == std::io::ErrorKind::NotFound { exit::NO_INPUT } else { exit::DATA })
    })
}

pub fn eval(a: EvalArgs) -> ExitCode {
    let gold = match read_values(&a.gold) {
        Ok(g) => g,
        Err(c) => return c,
    };
    let pred = if let Some(p) = &a.pred {
        match read_values(p) {
            Ok(v) => v,
            Err(c) => return c,
        }
    } else if a.inputs.is_empty() {
        eprintln!("error: give --pred FILE, or input documents to run the pipeline on");
        return ExitCode::from(2);
    } else {
        let Ok(rules) = a.common.load() else { return ExitCode::from(exit::CONFIG) };
        let inputs = match crate::expand(&a.inputs) {
            Ok(i) => i,
            Err(c) => return c,
        };
        let mut out = Vec::new();
        for input in &inputs {
            for item in ingest::read(input, &ingest::Options::default()) {
                let rec = match item {
                    Ok(doc) => claimex::extract(&doc, &rules),
                    Err(e) => claimex::record::error_record(&e),
                };
                out.push(serde_json::to_value(&rec).expect("records serialise"));
            }
        }
        out
    };
    let result = claimex::eval::evaluate(&gold, &pred);
    if a.json {
        println!("{result}");
    } else {
        a.common.print(&claimex::eval::render(&result));
    }
    if let Some(min) = &a.min {
        let table: toml::Table = match std::fs::read_to_string(min)
            .map_err(|e| e.to_string())
            .and_then(|s| s.parse().map_err(|e: toml::de::Error| e.to_string()))
        {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: {}: {e}", min.display());
                return ExitCode::from(exit::CONFIG);
            }
        };
        let fails = claimex::eval::check_thresholds(&result, &table);
        for f in &fails {
            eprintln!("below threshold: {f}");
        }
        if !fails.is_empty() {
            return ExitCode::from(1);
        }
    }
    ExitCode::SUCCESS
}

#[derive(Args)]
pub struct DiffArgs {
    #[command(flatten)]
    common: Common,
    /// The earlier output: a directory holding documents.jsonl, or the file.
    old: PathBuf,
    /// The later output.
    new: PathBuf,
    /// Most records listed per rule.
    #[arg(long, default_value = "20")]
    limit: usize,
}

pub fn diff(a: DiffArgs) -> ExitCode {
    let (old, new) = match (read_values(&a.old), read_values(&a.new)) {
        (Ok(o), Ok(n)) => (o, n),
        (Err(c), _) | (_, Err(c)) => return c,
    };
    let Ok(rules) = a.common.load() else { return ExitCode::from(exit::CONFIG) };
    let changes = claimex::diff::diff(&old, &new, Some(&rules));
    let mut text = String::new();
    if changes.is_empty() {
        text.push_str(&format!("no differences ({} documents)\n", new.len()));
    } else {
        text.push_str(&format!("{} records differ in {} → {}:\n", changes.len(), a.old.display(), a.new.display()));
        for l in claimex::diff::summary_lines(&changes) {
            text.push_str(&format!("  {l}\n"));
        }
        text.push_str("changed records:\n");
        text.push_str(&claimex::diff::render(&changes, a.limit));
    }
    a.common.print(&text);
    if changes.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) }
}

#[derive(Args)]
pub struct ExplainArgs {
    #[command(flatten)]
    common: Common,
    /// The text to explain (`-` reads stdin).
    #[arg(required_unless_present = "doc", conflicts_with = "doc")]
    text: Option<String>,
    /// Or: a document file.
    #[arg(long, value_name = "FILE")]
    doc: Option<PathBuf>,
    /// With --doc: the document id, for files holding several (JSONL, CSV).
    #[arg(long, value_name = "ID", requires = "doc")]
    id: Option<String>,
    /// Only this sentence: its index or id (`5` or `s5`).
    #[arg(long, value_name = "N")]
    sentence: Option<String>,
}

pub fn explain(a: ExplainArgs) -> ExitCode {
    let Ok(rules) = a.common.load() else { return ExitCode::from(exit::CONFIG) };
    let doc = if let Some(path) = &a.doc {
        let inputs = match crate::expand(std::slice::from_ref(path)) {
            Ok(i) => i,
            Err(c) => return c,
        };
        let mut found = None;
        for item in inputs.iter().flat_map(|i| ingest::read(i, &ingest::Options::default())) {
            match item {
                Ok(d) if a.id.as_ref().is_none_or(|id| *id == d.id) => {
                    found = Some(d);
                    break;
                }
                Ok(_) => {}
                Err(e) => eprintln!("error: {e}"),
            }
        }
        match found {
            Some(d) => d,
            None => {
                eprintln!("error: no document{} in {}", a.id.map(|i| format!(" `{i}`")).unwrap_or_default(), path.display());
                return ExitCode::from(exit::NO_INPUT);
            }
        }
    } else {
        let mut text = a.text.clone().unwrap_or_default();
        if text == "-" {
            text.clear();
            if let Err(e) = std::io::stdin().read_to_string(&mut text) {
                eprintln!("error: stdin: {e}");
                return ExitCode::from(exit::IO);
            }
        }
        ingest::Document { id: "text".into(), source: "argument".into(), text, ..Default::default() }
    };
    let sentence = match a.sentence.as_deref().map(|s| s.trim_start_matches('s').parse::<usize>()) {
        None => None,
        Some(Ok(n)) => Some(n),
        Some(Err(_)) => {
            eprintln!("error: --sentence takes an index or an id such as s5");
            return ExitCode::from(2);
        }
    };
    match claimex::explain::explain(&doc, &rules, sentence) {
        Ok(text) => {
            a.common.print(&text);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// Read a `documents.jsonl` (or the one in an output directory) as records.
fn read_records(p: &Path) -> Result<Vec<claimex::record::DocumentRecord>, ExitCode> {
    let path = jsonl_path(p);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        eprintln!("error: {}: {e}", path.display());
        ExitCode::from(if e.kind() == std::io::ErrorKind::NotFound { exit::NO_INPUT } else { exit::IO })
    })?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        match serde_json::from_str(line) {
            Ok(r) => out.push(r),
            Err(e) => {
                eprintln!("error: {}:{}: not a claimex record: {e}", path.display(), n + 1);
                return Err(ExitCode::from(exit::DATA));
            }
        }
    }
    Ok(out)
}

#[derive(Args)]
pub struct ReportArgs {
    #[command(flatten)]
    common: Common,
    /// An output directory holding documents.jsonl, or the file.
    output: PathBuf,
    /// Where to write the pages (default: `report/` inside the output directory).
    #[arg(long, short = 'o', value_name = "DIR")]
    out: Option<PathBuf>,
}

pub fn report(a: ReportArgs) -> ExitCode {
    let records = match read_records(&a.output) {
        Ok(r) => r,
        Err(c) => return c,
    };
    let Ok(rules) = a.common.load() else { return ExitCode::from(exit::CONFIG) };
    let dir = a.out.clone().unwrap_or_else(|| {
        let base = if a.output.is_dir() { a.output.clone() } else { a.output.parent().map(Path::to_path_buf).unwrap_or_default() };
        base.join("report")
    });
    match claimex::report::write(&records, &rules, &dir) {
        Ok(files) => {
            eprintln!("wrote {} pages to {} (open {})", files.len(), dir.display(), dir.join("index.html").display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {}: {e}", dir.display());
            ExitCode::from(exit::IO)
        }
    }
}

/// An annotation tool, as named on the command line.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ToolName {
    /// Label Studio: tasks.json (UTF-16 offsets) and label_config.xml.
    LabelStudio,
    /// brat standoff: <doc>.txt + <doc>.ann, annotation.conf, visual.conf.
    Brat,
    /// doccano: doccano.jsonl (sequence labelling with relations).
    Doccano,
}

impl ToolName {
    fn tool(self) -> claimex::exchange::Tool {
        match self {
            ToolName::LabelStudio => claimex::exchange::Tool::LabelStudio,
            ToolName::Brat => claimex::exchange::Tool::Brat,
            ToolName::Doccano => claimex::exchange::Tool::Doccano,
        }
    }
}

fn exchange_exit(e: &claimex::exchange::ExchangeError) -> ExitCode {
    use claimex::exchange::ExchangeError;
    ExitCode::from(match e {
        ExchangeError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => exit::NO_INPUT,
        ExchangeError::Io { .. } => exit::IO,
        ExchangeError::Format { .. } => exit::DATA,
    })
}

#[derive(Args)]
pub struct ExportArgs {
    /// An output directory holding documents.jsonl, or the file.
    output: PathBuf,
    /// The annotation tool.
    #[arg(long, value_enum)]
    to: ToolName,
    /// Directory to write the tool's files into.
    #[arg(long, short = 'o', value_name = "DIR")]
    out: PathBuf,
}

pub fn export(a: ExportArgs) -> ExitCode {
    let records = match read_records(&a.output) {
        Ok(r) => r,
        Err(c) => return c,
    };
    let skipped = records.iter().filter(|r| !r.errors.is_empty()).count();
    match claimex::exchange::export(&records, a.to.tool(), &a.out) {
        Ok(files) => {
            eprintln!(
                "wrote {} files to {} ({} documents; {skipped} with errors left out)",
                files.len(),
                a.out.display(),
                records.len() - skipped
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            exchange_exit(&e)
        }
    }
}

#[derive(Args)]
pub struct ImportArgs {
    /// What the tool exported: Label Studio's JSON export, a brat directory (or .ann file),
    /// a doccano JSONL export.
    input: PathBuf,
    /// The annotation tool.
    #[arg(long, value_enum)]
    from: ToolName,
    /// Write the gold JSONL to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    out: Option<PathBuf>,
}

pub fn import(a: ImportArgs) -> ExitCode {
    let imported = match claimex::exchange::import(a.from.tool(), &a.input) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("error: {e}");
            return exchange_exit(&e);
        }
    };
    for n in &imported.notes {
        eprintln!("note: {n}");
    }
    let mut text = String::new();
    for g in &imported.gold {
        text.push_str(&g.to_string());
        text.push('\n');
    }
    match &a.out {
        Some(p) => match std::fs::write(p, text) {
            Ok(()) => {
                eprintln!("wrote {} gold documents to {}", imported.gold.len(), p.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {}: {e}", p.display());
                ExitCode::from(exit::IO)
            }
        },
        None => {
            print!("{text}");
            ExitCode::SUCCESS
        }
    }
}
