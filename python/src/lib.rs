//! `claimex._claimex`, the native half of the Python package: documents in, `documents.jsonl`
//! lines out.
//!
//! The Python module `claimex` (python/claimex/__init__.py) is the public face; it turns
//! these lines into dicts with `json.loads`, so a record in Python is exactly a line of
//! `documents.jsonl`, with the same bytes before parsing. Batches are extracted with the
//! GIL released, on a rayon pool of the caller's size, and come back in input order.
//! Rule sets are compiled once per directory and kept for the life of the process.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock, Mutex};

use claimex::ingest::Document;
use claimex::rules::RuleSet;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;

/// The built-in rules, compiled at first use.
static BUILTIN: LazyLock<Arc<RuleSet>> = LazyLock::new(|| Arc::new(RuleSet::builtin()));

/// Rule sets loaded from directories, by the path the caller gave.
static LOADED: LazyLock<Mutex<HashMap<PathBuf, Arc<RuleSet>>>> = LazyLock::new(Default::default);

/// Thread pools by size, made at first use of each size (a pool per call would spawn its
/// threads again for every batch).
static POOLS: LazyLock<Mutex<HashMap<usize, Arc<rayon::ThreadPool>>>> = LazyLock::new(Default::default);

/// The pool of `threads` threads.
fn pool(threads: usize) -> PyResult<Arc<rayon::ThreadPool>> {
    let mut pools = POOLS.lock().map_err(|_| PyRuntimeError::new_err("claimex: thread pool cache poisoned"))?;
    if let Some(p) = pools.get(&threads) {
        return Ok(p.clone());
    }
    let p = Arc::new(rayon::ThreadPoolBuilder::new().num_threads(threads).build().map_err(|e| PyRuntimeError::new_err(e.to_string()))?);
    pools.insert(threads, p.clone());
    Ok(p)
}

/// The built-in rules, or those of `dir` (compiled once per process and path).
fn rule_set(dir: Option<PathBuf>) -> PyResult<Arc<RuleSet>> {
    let Some(dir) = dir else { return Ok(BUILTIN.clone()) };
    let mut loaded = LOADED.lock().map_err(|_| PyRuntimeError::new_err("claimex: rule cache poisoned"))?;
    if let Some(rules) = loaded.get(&dir) {
        return Ok(rules.clone());
    }
    if !dir.is_dir() {
        return Err(PyValueError::new_err(format!("{}: no such rules directory", dir.display())));
    }
    let rules = Arc::new(RuleSet::from_dir(&dir).map_err(|e| PyValueError::new_err(format!("bad rules:\n{e}")))?);
    loaded.insert(dir, rules.clone());
    Ok(rules)
}

/// A document from its parts; `metadata` is a JSON object's text, or empty.
fn document(id: String, text: String, metadata: &str) -> PyResult<Document> {
    let metadata = if metadata.is_empty() {
        Default::default()
    } else {
        match serde_json::from_str::<serde_json::Value>(metadata) {
            Ok(serde_json::Value::Object(m)) => m,
            _ => return Err(PyValueError::new_err(format!("document {id}: metadata is not a JSON object"))),
        }
    };
    Ok(Document { source: id.clone(), id, text, metadata })
}

/// The `documents.jsonl` line of one document, without its newline.
fn line(doc: &Document, rules: &RuleSet) -> String {
    let rendered = claimex::write::render(claimex::extract(doc, rules), claimex::write::Tables::NONE);
    let mut s = String::from_utf8(rendered.jsonl).expect("records are UTF-8");
    s.truncate(s.trim_end_matches('\n').len());
    s
}

/// Extract one document: its `documents.jsonl` line.
#[pyfunction]
#[pyo3(signature = (text, id, metadata = String::new(), rules = None))]
fn extract_line(py: Python<'_>, text: String, id: String, metadata: String, rules: Option<PathBuf>) -> PyResult<String> {
    let rules = rule_set(rules)?;
    let doc = document(id, text, &metadata)?;
    Ok(py.detach(|| line(&doc, &rules)))
}

/// Extract a batch of `(id, text, metadata)` documents on `threads` threads (all cores when
/// 0); their lines in input order.
#[pyfunction]
#[pyo3(signature = (docs, threads = 0, rules = None))]
fn extract_lines(py: Python<'_>, docs: Vec<(String, String, String)>, threads: usize, rules: Option<PathBuf>) -> PyResult<Vec<String>> {
    let rules = rule_set(rules)?;
    let docs = docs.into_iter().map(|(id, text, meta)| document(id, text, &meta)).collect::<PyResult<Vec<_>>>()?;
    if threads == 1 || docs.len() < 2 {
        return Ok(py.detach(|| docs.iter().map(|d| line(d, &rules)).collect()));
    }
    use rayon::prelude::*;
    let pool = if threads == 0 { None } else { Some(pool(threads)?) };
    let run = || docs.par_iter().map(|d| line(d, &rules)).collect();
    Ok(py.detach(|| match &pool {
        Some(p) => p.install(run),
        None => run(),
    }))
}

/// The column names of each CSV table, as `claimex extract` writes them.
#[pyfunction]
fn table_columns() -> Vec<(&'static str, Vec<&'static str>)> {
    use claimex::write::{ATTRIBUTION_COLUMNS, CLAIM_COLUMNS, QUOTE_COLUMNS, SENTENCE_COLUMNS};
    vec![
        ("sentences", SENTENCE_COLUMNS.to_vec()),
        ("quotes", QUOTE_COLUMNS.to_vec()),
        ("attributions", ATTRIBUTION_COLUMNS.to_vec()),
        ("claims", CLAIM_COLUMNS.to_vec()),
    ]
}

/// The native module.
#[pymodule]
fn _claimex(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(extract_line, m)?)?;
    m.add_function(wrap_pyfunction!(extract_lines, m)?)?;
    m.add_function(wrap_pyfunction!(table_columns, m)?)?;
    Ok(())
}
