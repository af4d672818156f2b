//! doccano: one JSONL file for a sequence-labelling project with relations, the format
//! doccano imports and exports (`text`, `entities` with `start_offset`/`end_offset` in code
//! points, `relations` with `from_id`/`to_id`/`type`). The document id rides along as
//! `doc_id`, which doccano keeps as metadata. doccano has no attributes on a span, so claim
//! types are not exported. Import also reads the older `label: [[start, end, "Label"]]`
//! form (without relations).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::{ExchangeError, Imported};
use crate::annotations::{Annotated, Label, Region, relation_name};

/// The file written.
pub const FILE: &str = "doccano.jsonl";

/// One document's line.
pub fn line(doc: &Annotated) -> Value {
    let number: BTreeMap<&str, (usize, Label)> = doc.regions.iter().enumerate().map(|(i, r)| (r.id.as_str(), (i + 1, r.label))).collect();
    let entities: Vec<Value> = doc
        .regions
        .iter()
        .enumerate()
        .map(|(i, r)| json!({"id": i + 1, "label": r.label.as_str(), "start_offset": r.start, "end_offset": r.end}))
        .collect();
    let relations: Vec<Value> = doc
        .relations
        .iter()
        .filter_map(|(a, b)| Some((number.get(a.as_str())?, number.get(b.as_str())?)))
        .enumerate()
        .map(|(i, (a, b))| json!({"id": i + 1, "from_id": a.0, "to_id": b.0, "type": relation_name(a.1, b.1).unwrap_or("related")}))
        .collect();
    json!({"text": doc.text, "doc_id": doc.doc_id, "entities": entities, "relations": relations})
}

/// Write `doccano.jsonl`.
pub fn export(docs: &[Annotated], dir: &Path) -> Result<Vec<PathBuf>, ExchangeError> {
    let mut s = String::new();
    for d in docs {
        s.push_str(&line(d).to_string());
        s.push('\n');
    }
    let mut written = Vec::new();
    super::write(dir.join(FILE), &s, &mut written)?;
    Ok(written)
}

/// Read a doccano JSONL export.
pub fn import(path: &Path) -> Result<Imported, ExchangeError> {
    let text = super::read(path)?;
    let mut out = Imported::default();
    for (n, l) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let bad = |m: String| ExchangeError::format(path, Some(n + 1), m);
        let v: Value = serde_json::from_str(l).map_err(|e| bad(e.to_string()))?;
        let Some(doc_text) = v.get("text").and_then(Value::as_str) else { return Err(bad("no `text`".into())) };
        let doc_id = match (v.get("doc_id"), v.get("id")) {
            (Some(Value::String(s)), _) => s.clone(),
            (_, Some(id)) => id.to_string(),
            _ => (n + 1).to_string(),
        };
        let mut regions = Vec::new();
        let mut read_region = |id: String, label: &str, start: Option<u64>, end: Option<u64>| -> Result<(), ExchangeError> {
            let label = Label::parse(label).ok_or_else(|| bad(format!("unknown label {label:?}")))?;
            let (Some(start), Some(end)) = (start, end) else { return Err(bad(format!("entity {id} has no offsets"))) };
            regions.push(Region { id, label, start: start as usize, end: end as usize, types: Vec::new() });
            Ok(())
        };
        for e in v.get("entities").and_then(Value::as_array).into_iter().flatten() {
            let id = e.get("id").map(Value::to_string).unwrap_or_default();
            let label = e.get("label").and_then(Value::as_str).unwrap_or("");
            read_region(id, label, e.get("start_offset").and_then(Value::as_u64), e.get("end_offset").and_then(Value::as_u64))?;
        }
        for (i, e) in v.get("label").and_then(Value::as_array).into_iter().flatten().enumerate() {
            let label = e.get(2).and_then(Value::as_str).unwrap_or("");
            read_region(format!("label{i}"), label, e.get(0).and_then(Value::as_u64), e.get(1).and_then(Value::as_u64))?;
        }
        let relations = v
            .get("relations")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|r| Some((r.get("from_id")?.to_string(), r.get("to_id")?.to_string())))
            .collect();
        regions.sort_by(|a, b| (a.start, a.end, a.label, &a.id).cmp(&(b.start, b.end, b.label, &b.id)));
        out.gold.push(Annotated { doc_id, text: doc_text.to_string(), regions, relations }.gold());
    }
    Ok(out)
}
