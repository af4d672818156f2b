//! `docs/spec.md` against what the writers emit. The spec's field tables are parsed (a
//! heading naming a file, and paths in it, over a table whose first column is `Field` or
//! `Column`); the real binary is run on every fixture input and on an unreadable file; then
//! every key path of `documents.jsonl` and `manifest.json` must be documented, every
//! documented field must be emitted somewhere unless its Presence says `optional`, every CSV
//! header must be the documented columns in their order.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use common::{Scratch, fixture_inputs};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_claimex");

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// One documented field: its full path in its file (`attributions[].cue.lemma`), or a CSV
/// column's name.
#[derive(Debug, Clone)]
struct Field {
    path: String,
    optional: bool,
    /// A map: its keys are data, not fields.
    map: bool,
}

/// The documented fields of each file, in the order the spec lists them.
type Spec = BTreeMap<String, Vec<Field>>;

/// The text of every `code span` in a line.
fn code_spans(line: &str) -> Vec<&str> {
    line.split('`').skip(1).step_by(2).collect()
}

fn cells(line: &str) -> Vec<&str> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    inner.split('|').map(str::trim).collect()
}

/// Parse the field tables of the spec. Panics on a field table whose heading names no
/// output file, so that a table cannot be skipped unnoticed.
fn parse_spec(md: &str) -> Result<Spec, String> {
    let mut spec = Spec::new();
    let mut heading = "";
    let lines: Vec<&str> = md.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if line.starts_with('#') {
            heading = line;
        }
        if !line.starts_with('|') {
            i += 1;
            continue;
        }
        let header = cells(line);
        let start = i;
        while i < lines.len() && lines[i].starts_with('|') {
            i += 1;
        }
        if !matches!(header[0], "Field" | "Column") {
            continue;
        }
        let spans = code_spans(heading);
        let Some((file, prefixes)) =
            spans.split_first().filter(|(f, _)| f.ends_with(".jsonl") || f.ends_with(".csv") || f.ends_with(".json"))
        else {
            return Err(format!("the field table at line {} is under a heading naming no output file: {heading:?}", start + 1));
        };
        let col = |name: &str| header.iter().position(|h| *h == name);
        let (presence, ty) = (col("Presence"), col("Type"));
        let prefixes: Vec<&str> = if prefixes.is_empty() { vec![""] } else { prefixes.to_vec() };
        for (n, row) in lines[start + 2..i].iter().enumerate() {
            let c = cells(row);
            let Some(name) = code_spans(c[0]).first().copied() else {
                return Err(format!("line {}: the first cell names no field in backticks: {row:?}", start + 3 + n));
            };
            let optional = presence.and_then(|p| c.get(p)).is_some_and(|p| p.starts_with("optional"));
            let map = ty.and_then(|t| c.get(t)).is_some_and(|t| t.starts_with("map"));
            for prefix in &prefixes {
                let path = if prefix.is_empty() { name.to_string() } else { format!("{prefix}.{name}") };
                let fields = spec.entry(file.to_string()).or_default();
                if fields.iter().any(|f| f.path == path) {
                    return Err(format!("{file}: `{path}` is documented twice"));
                }
                fields.push(Field { path, optional, map });
            }
        }
    }
    Ok(spec)
}

/// What a run wrote: per file, the JSON values (JSONL lines, the manifest) or the CSV header.
struct Emitted {
    json: BTreeMap<String, Vec<Value>>,
    csv: BTreeMap<String, Vec<String>>,
}

/// Run `claimex extract` on every fixture input plus an unreadable file, and read what it
/// wrote.
fn emitted() -> &'static Emitted {
    static E: OnceLock<Emitted> = OnceLock::new();
    E.get_or_init(|| {
        let dir = Scratch::new("spec");
        let mut inputs = fixture_inputs();
        // An error record, with a line.
        let broken = dir.join("broken.txt");
        std::fs::write(&broken, b"A first line.\nThen a bad byte: \xff here.\n").unwrap();
        inputs.push(broken);
        // Hard-wrapped lines: a sentence whose `raw` differs from its `text`.
        let wrapped = dir.join("wrapped.txt");
        std::fs::write(&wrapped, "The port authority said the new terminal\nwould open in March.\n").unwrap();
        inputs.push(wrapped);
        let out = dir.join("out");
        let run = Command::new(BIN).args(["extract", "-q", "--threads", "2", "-o"]).arg(&out).args(&inputs).output().unwrap();
        assert_eq!(run.status.code(), Some(65), "one input is unreadable: {}", String::from_utf8_lossy(&run.stderr));

        let mut json = BTreeMap::new();
        let docs = std::fs::read_to_string(out.join("documents.jsonl")).unwrap();
        json.insert("documents.jsonl".to_string(), docs.lines().map(|l| serde_json::from_str(l).unwrap()).collect());
        json.insert("manifest.json".to_string(), vec![serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap()]);
        let mut csv = BTreeMap::new();
        for entry in std::fs::read_dir(&out).unwrap() {
            let p = entry.unwrap().path();
            if p.extension().is_some_and(|e| e == "csv") {
                let text = std::fs::read_to_string(&p).unwrap();
                let header = text.lines().next().unwrap_or("").split(',').map(str::to_owned).collect();
                csv.insert(p.file_name().unwrap().to_string_lossy().into_owned(), header);
            }
        }
        assert_eq!(csv.len(), 4, "CSV tables written: {:?}", csv.keys());
        Emitted { json, csv }
    })
}

/// Walk a JSON value: every key path it holds, not below a documented map.
fn walk(v: &Value, prefix: &str, fields: &[Field], seen: &mut BTreeSet<String>) {
    match v {
        Value::Object(o) => {
            for (k, child) in o {
                let path = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                seen.insert(path.clone());
                if !fields.iter().any(|f| f.path == path && f.map) {
                    walk(child, &path, fields, seen);
                }
            }
        }
        Value::Array(a) => {
            for item in a {
                walk(item, &format!("{prefix}[]"), fields, seen);
            }
        }
        _ => {}
    }
}

/// Every disagreement between the spec and what was emitted.
fn problems(spec: &Spec, out: &Emitted) -> BTreeSet<String> {
    let mut problems = BTreeSet::new();
    let none = Vec::new();
    for (file, values) in &out.json {
        let fields = spec.get(file).unwrap_or(&none);
        let mut seen = BTreeSet::new();
        for v in values {
            walk(v, "", fields, &mut seen);
        }
        for path in &seen {
            if !fields.iter().any(|f| f.path == *path) {
                problems.insert(format!("{file}: `{path}` is written but not in docs/spec.md"));
            }
        }
        for f in fields {
            if !f.optional && !seen.contains(&f.path) {
                problems
                    .insert(format!("{file}: `{}` is in docs/spec.md but never written (mark it optional if it may be left out)", f.path));
            }
        }
    }
    for (file, header) in &out.csv {
        let documented: Vec<&str> = spec.get(file).unwrap_or(&none).iter().map(|f| f.path.as_str()).collect();
        if documented != *header {
            problems.insert(format!("{file}: the header is {header:?}, docs/spec.md documents {documented:?}"));
        }
    }
    for file in spec.keys() {
        if !out.json.contains_key(file) && !out.csv.contains_key(file) {
            problems.insert(format!("docs/spec.md documents {file}, which claimex did not write"));
        }
    }
    problems
}

fn spec_text() -> String {
    std::fs::read_to_string(root().join("docs/spec.md")).expect("docs/spec.md")
}

#[test]
fn every_field_written_is_in_the_spec_and_every_field_in_the_spec_is_written() {
    let spec = parse_spec(&spec_text()).unwrap_or_else(|e| panic!("docs/spec.md: {e}"));
    for file in ["documents.jsonl", "manifest.json", "sentences.csv", "quotes.csv", "attributions.csv", "claims.csv"] {
        assert!(spec.contains_key(file), "docs/spec.md has no field table for {file}");
    }
    let problems = problems(&spec, emitted());
    assert!(problems.is_empty(), "docs/spec.md and the output disagree:\n{}", problems.into_iter().collect::<Vec<_>>().join("\n"));
}

/// The check above can fail: removing any documented row of a field the run wrote makes it
/// report that field.
#[test]
fn removing_a_documented_row_is_caught() {
    let text = spec_text();
    let out = emitted();
    let mut checked = 0;
    for (n, line) in text.lines().enumerate() {
        if !line.starts_with("| `") {
            continue;
        }
        let without: String = text.lines().enumerate().filter(|(i, _)| *i != n).map(|(_, l)| format!("{l}\n")).collect();
        let Ok(spec) = parse_spec(&without) else { continue };
        let full = parse_spec(&text).unwrap();
        // Only rows of field tables count (not the exit-code or rule-kind tables).
        let before: usize = full.values().map(Vec::len).sum();
        let after: usize = spec.values().map(Vec::len).sum();
        if before == after {
            continue;
        }
        let name = code_spans(line)[0];
        let found = problems(&spec, out);
        let is_optional_and_absent =
            full.values().flatten().any(|f| f.optional && f.path.rsplit('.').next() == Some(name)) && found.is_empty();
        if is_optional_and_absent {
            continue;
        }
        assert!(
            found
                .iter()
                .any(|p| p.contains(&format!("`{name}`")) || p.contains(&format!(".{name}`")) || p.contains(&format!("\"{name}\""))),
            "removing line {} ({line}) of docs/spec.md went unnoticed: {found:?}",
            n + 1
        );
        checked += 1;
    }
    assert!(checked > 80, "only {checked} rows checked");
}

#[test]
fn readme_and_help_point_at_the_spec() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(readme.contains("docs/spec.md"), "README.md does not link docs/spec.md");
    assert!(!readme.contains("../shared/SPEC.md"), "README.md still sends users to ../shared/SPEC.md");
    let help = Command::new(BIN).arg("--help").output().unwrap();
    assert!(String::from_utf8_lossy(&help.stdout).contains("docs/spec.md"), "claimex --help does not name docs/spec.md");
}
