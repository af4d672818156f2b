//! `claimex check DIR [--bless]`: regression fixtures (SPEC §5, STYLE 11).
//!
//! A fixture case is a directory `DIR/<case>/` holding one input document `input.<ext>`
//! (`.txt`, `.md`, `.jsonl` or `.csv`, read as `extract` reads it) and the expected output
//! `documents.jsonl`, byte for byte what `claimex extract` writes for it (with `source` set
//! to the input's file name, so the expectation does not depend on where the run starts).
//! `check` re-runs the pipeline and compares record by record ([`crate::diff`]); any
//! difference fails the check. `--bless` writes the fresh output as the new expectation —
//! review the diff first.

use std::io;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::diff::{self, Change};
use crate::ingest::{self, Input};
use crate::rules::RuleSet;

/// The expected-output file of a case.
pub const EXPECTED: &str = "documents.jsonl";

/// One fixture case.
#[derive(Debug, Clone)]
pub struct Case {
    /// Its name: the directory, relative to the checked directory.
    pub name: String,
    /// Its directory.
    pub dir: PathBuf,
    /// Its input document.
    pub input: PathBuf,
}

/// The cases under `dir`: `dir` itself when it holds an input, else every directory below
/// it that does, sorted by path.
pub fn cases(dir: &Path) -> io::Result<Vec<Case>> {
    fn input_of(dir: &Path) -> io::Result<Option<PathBuf>> {
        let mut found: Vec<PathBuf> = std::fs::read_dir(dir)?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.file_stem().is_some_and(|s| s == "input") && ingest::Format::from_path(p).is_some())
            .collect();
        found.sort();
        Ok(found.into_iter().next())
    }
    fn walk(root: &Path, dir: &Path, out: &mut Vec<Case>) -> io::Result<()> {
        if let Some(input) = input_of(dir)? {
            let name = dir.strip_prefix(root).ok().filter(|r| !r.as_os_str().is_empty()).unwrap_or(dir);
            out.push(Case { name: name.display().to_string().replace('\\', "/"), dir: dir.to_path_buf(), input });
            return Ok(());
        }
        let mut subdirs: Vec<PathBuf> = std::fs::read_dir(dir)?.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_dir()).collect();
        subdirs.sort();
        for d in subdirs {
            walk(root, &d, out)?;
        }
        Ok(())
    }
    if !dir.is_dir() {
        return Err(io::Error::new(io::ErrorKind::NotFound, format!("{}: not a directory", dir.display())));
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out)?;
    Ok(out)
}

/// The fresh output of a case: its `documents.jsonl` text.
pub fn render(case: &Case, rules: &RuleSet) -> String {
    let input = Input { path: case.input.clone(), root: case.dir.clone() };
    let file = case.input.display().to_string();
    let name = case.input.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut out = String::new();
    for item in ingest::read(&input, &ingest::Options::default()) {
        let mut rec = match item {
            Ok(mut doc) => {
                // `input.md` or `input.jsonl:3`: independent of where the run started.
                doc.source = doc.source.replacen(&file, &name, 1);
                crate::extract(&doc, rules)
            }
            Err(mut e) => {
                e.file = name.clone();
                crate::record::error_record(&e)
            }
        };
        rec.source = rec.source.replacen(&file, &name, 1);
        out.push_str(&serde_json::to_string(&rec).expect("records serialise"));
        out.push('\n');
    }
    out
}

/// What a case gave.
#[derive(Debug, Clone)]
pub struct CaseResult {
    /// The case.
    pub case: Case,
    /// Record differences, expected → got.
    pub changes: Vec<Change>,
    /// Set when the case could not be compared (no expected file, unreadable file) or when
    /// the bytes differ although no record does.
    pub problem: Option<String>,
    /// The expected file was (re)written.
    pub blessed: bool,
}

impl CaseResult {
    /// Whether the case matched its expectation.
    pub fn passed(&self) -> bool {
        self.changes.is_empty() && self.problem.is_none()
    }
}

/// The result of a check.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Per case.
    pub cases: Vec<CaseResult>,
}

impl Report {
    /// Whether every case matched (after blessing, when blessing).
    pub fn passed(&self) -> bool {
        self.cases.iter().all(|c| c.passed() || c.blessed)
    }

    /// A readable report: each differing case with its changes grouped by rule, then a
    /// summary. At most `limit` records are listed per rule and case.
    pub fn render(&self, limit: usize) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let mut all: Vec<&Change> = Vec::new();
        for c in &self.cases {
            if c.passed() {
                let _ = writeln!(s, "ok   {}", c.case.name);
                continue;
            }
            let what = if c.blessed { "BLESSED" } else { "FAIL" };
            let n = c.changes.len();
            match &c.problem {
                Some(p) if n == 0 => {
                    let _ = writeln!(s, "{what} {}: {p}", c.case.name);
                }
                _ => {
                    let _ = writeln!(
                        s,
                        "{what} {}: {n} record{} differ{}",
                        c.case.name,
                        if n == 1 { "" } else { "s" },
                        if n == 1 { "s" } else { "" }
                    );
                }
            }
            s.push_str(&diff::render(&c.changes, limit));
            all.extend(c.changes.iter());
        }
        let failed = self.cases.iter().filter(|c| !c.passed()).count();
        let blessed = self.cases.iter().filter(|c| c.blessed).count();
        let _ = write!(s, "{} cases: {} passed, {} differ", self.cases.len(), self.cases.len() - failed, failed);
        if blessed > 0 {
            let _ = write!(s, ", {blessed} blessed");
        }
        s.push('\n');
        if !all.is_empty() {
            let owned: Vec<Change> = all.into_iter().cloned().collect();
            let _ = writeln!(s, "by rule:");
            for line in diff::summary_lines(&owned) {
                let _ = writeln!(s, "  {line}");
            }
            if blessed == 0 {
                let _ = writeln!(s, "if every change is intended, accept them with --bless and review the diff of the expected files");
            }
        }
        s
    }
}

/// Check (and with `bless`, rewrite) every case under `dir`.
pub fn check(dir: &Path, rules: &RuleSet, bless: bool) -> io::Result<Report> {
    let mut report = Report::default();
    for case in cases(dir)? {
        let got = render(&case, rules);
        let path = case.dir.join(EXPECTED);
        let (changes, problem) = match std::fs::read_to_string(&path) {
            Ok(expected) if expected == got => (Vec::new(), None),
            Ok(expected) => match parse(&expected, &path) {
                Ok(old) => {
                    let new = parse(&got, &path).expect("fresh output parses");
                    let changes = diff::diff(&old, &new, Some(rules));
                    let problem =
                        changes.is_empty().then(|| "the output bytes differ from the expected file although no record does".to_string());
                    (changes, problem)
                }
                Err(e) => (Vec::new(), Some(e)),
            },
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                (Vec::new(), Some(format!("no {EXPECTED} yet: run with --bless to create it")))
            }
            Err(e) => return Err(io::Error::new(e.kind(), format!("{}: {e}", path.display()))),
        };
        let mut result = CaseResult { case, changes, problem, blessed: false };
        if bless && !result.passed() {
            std::fs::write(&path, &got).map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
            result.blessed = true;
        }
        report.cases.push(result);
    }
    Ok(report)
}

fn parse(text: &str, path: &Path) -> Result<Vec<Value>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| serde_json::from_str(l).map_err(|e| format!("{}:{}: not JSON: {e}", path.display(), n + 1)))
        .collect()
}
