//! Label Studio: `tasks.json` (one task per document, claimex's regions as a prediction)
//! and `label_config.xml` (the labelling interface that goes with them).
//!
//! Offsets are JavaScript string indices, UTF-16 code units: an emoji counts two. A claim's
//! types are a per-region `Choices` result sharing the claim's region id; relations are
//! `relation` results from the source to the cue and from the cue to the content.
//!
//! Import reads a Label Studio JSON export (or `tasks.json` itself): per task the most
//! recently updated annotation that was not cancelled, else the prediction when the file
//! holds it (`tasks.json` does; Label Studio's own export lists predictions by id only, so
//! a task nobody annotated is skipped, with a note).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::{ExchangeError, Imported};
use crate::annotations::{Annotated, Label, Region, code_point_of_utf16, relation_name, utf16_offsets};

/// The `from_name` of the labels.
const LABELS: &str = "label";
/// The `from_name` of the claim types.
const TYPES: &str = "claim_type";

/// Claim types offered in the interface: what the rules give, `attributed` and `other`.
fn claim_types() -> Vec<&'static str> {
    let mut t = crate::rules::claim::RULE_TYPES.to_vec();
    t.extend(["attributed", "other"]);
    t
}

/// The labelling configuration.
pub fn config() -> String {
    let mut x = String::from("<View>\n  <Labels name=\"label\" toName=\"text\">\n");
    for l in Label::ALL {
        let _ = writeln!(x, "    <Label value=\"{}\" background=\"{}\"/>", l.as_str(), l.colour());
    }
    x.push_str("  </Labels>\n  <Text name=\"text\" value=\"$text\"/>\n  <Relations>\n");
    x.push_str("    <Relation value=\"says\"/>\n    <Relation value=\"content\"/>\n  </Relations>\n");
    x.push_str("  <View visibleWhen=\"region-selected\" whenLabelValue=\"Claim\">\n    <Header value=\"Claim types\"/>\n");
    x.push_str("    <Choices name=\"claim_type\" toName=\"text\" perRegion=\"true\" choice=\"multiple\">\n");
    for t in claim_types() {
        let _ = writeln!(x, "      <Choice value=\"{t}\"/>");
    }
    x.push_str("    </Choices>\n  </View>\n</View>\n");
    x
}

/// One task's result list.
fn results(doc: &Annotated) -> Vec<Value> {
    let u16 = utf16_offsets(&doc.text);
    let chars: Vec<char> = doc.text.chars().collect();
    let mut out = Vec::new();
    let label_of: BTreeMap<&str, Label> = doc.regions.iter().map(|r| (r.id.as_str(), r.label)).collect();
    for r in &doc.regions {
        let value = json!({
            "start": u16[r.start.min(chars.len())],
            "end": u16[r.end.min(chars.len())],
            "text": chars[r.start.min(r.end).min(chars.len())..r.end.min(chars.len())].iter().collect::<String>(),
        });
        let mut labels = value.clone();
        labels["labels"] = json!([r.label.as_str()]);
        out.push(json!({"id": r.id, "from_name": LABELS, "to_name": "text", "type": "labels", "value": labels}));
        if !r.types.is_empty() {
            let mut types = value;
            types["choices"] = json!(r.types);
            out.push(json!({"id": r.id, "from_name": TYPES, "to_name": "text", "type": "choices", "value": types}));
        }
    }
    for (from, to) in &doc.relations {
        let name = match (label_of.get(from.as_str()), label_of.get(to.as_str())) {
            (Some(a), Some(b)) => relation_name(*a, *b),
            _ => None,
        };
        let labels: Vec<&str> = name.into_iter().collect();
        out.push(json!({"type": "relation", "from_id": from, "to_id": to, "direction": "right", "labels": labels}));
    }
    out
}

/// Write `tasks.json` and `label_config.xml`.
pub fn export(docs: &[Annotated], dir: &Path) -> Result<Vec<PathBuf>, ExchangeError> {
    let version = format!("claimex {}", env!("CARGO_PKG_VERSION"));
    let tasks: Vec<Value> = docs
        .iter()
        .map(|d| {
            json!({
                "data": {"text": d.text, "doc_id": d.doc_id},
                "predictions": [{"model_version": version, "result": results(d)}],
            })
        })
        .collect();
    let mut written = Vec::new();
    let json = serde_json::to_string_pretty(&tasks).expect("JSON values serialise");
    super::write(dir.join("tasks.json"), &json, &mut written)?;
    super::write(dir.join("label_config.xml"), &config(), &mut written)?;
    Ok(written)
}

/// The result list to import from a task, and whether it is a prediction.
fn chosen(task: &Value) -> Option<(&Vec<Value>, bool)> {
    let annotations = task.get("annotations").and_then(Value::as_array);
    let best =
        annotations.into_iter().flatten().filter(|a| !a.get("was_cancelled").and_then(Value::as_bool).unwrap_or(false)).max_by(|a, b| {
            let key = |a: &Value| {
                (a.get("updated_at").and_then(Value::as_str).unwrap_or("").to_string(), a.get("id").and_then(Value::as_u64).unwrap_or(0))
            };
            key(a).cmp(&key(b))
        });
    if let Some(r) = best.and_then(|a| a.get("result")).and_then(Value::as_array) {
        return Some((r, false));
    }
    let prediction = task.get("predictions").and_then(Value::as_array)?.last()?;
    prediction.get("result").and_then(Value::as_array).map(|r| (r, true))
}

/// Read a Label Studio JSON export.
pub fn import(path: &Path) -> Result<Imported, ExchangeError> {
    let text = super::read(path)?;
    let value: Value = serde_json::from_str(&text).map_err(|e| ExchangeError::format(path, Some(e.line()), e.to_string()))?;
    let tasks = match value {
        Value::Array(t) => t,
        one @ Value::Object(_) => vec![one],
        _ => return Err(ExchangeError::format(path, None, "expected a list of tasks")),
    };
    let mut out = Imported::default();
    for (n, task) in tasks.iter().enumerate() {
        let data = task.get("data").unwrap_or(&Value::Null);
        let Some(text) = data.get("text").and_then(Value::as_str) else {
            return Err(ExchangeError::format(path, None, format!("task {n} has no data.text")));
        };
        let doc_id = match data.get("doc_id") {
            Some(Value::String(s)) => s.clone(),
            _ => task.get("id").map_or_else(|| n.to_string(), |i| i.to_string()),
        };
        let Some((result, predicted)) = chosen(task) else {
            // Label Studio's JSON export lists a task's predictions by id only.
            out.notes.push(format!("{doc_id}: not annotated (and no prediction result in the file); skipped"));
            continue;
        };
        if predicted {
            out.notes.push(format!("{doc_id}: not annotated; claimex's prediction taken as it is"));
        }
        let doc = read_results(text, doc_id, result).map_err(|m| ExchangeError::format(path, None, m))?;
        out.gold.push(doc.gold());
    }
    Ok(out)
}

/// A task's results as regions and relations.
fn read_results(text: &str, doc_id: String, result: &[Value]) -> Result<Annotated, String> {
    let table = utf16_offsets(text);
    let mut regions: Vec<Region> = Vec::new();
    let mut types: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut relations = Vec::new();
    for item in result {
        let str_of = |k: &str| item.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        let id = str_of("id");
        match item.get("type").and_then(Value::as_str).unwrap_or("") {
            "relation" => relations.push((str_of("from_id"), str_of("to_id"))),
            "labels" => {
                let v = &item["value"];
                let label_name = v["labels"].get(0).and_then(Value::as_str).unwrap_or("");
                let Some(label) = Label::parse(label_name) else {
                    return Err(format!("{doc_id}: region {id} has the unknown label {label_name:?}"));
                };
                let at = |k: &str| -> Result<usize, String> {
                    let u = v[k].as_u64().ok_or_else(|| format!("{doc_id}: region {id} has no {k}"))?;
                    code_point_of_utf16(&table, u as usize)
                        .ok_or_else(|| format!("{doc_id}: region {id}: {k} {u} is not a character boundary of the text (UTF-16)"))
                };
                regions.push(Region { id: id.clone(), label, start: at("start")?, end: at("end")?, types: Vec::new() });
            }
            "choices" if str_of("from_name") == TYPES => {
                let chosen = item["value"]["choices"].as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_owned);
                types.entry(id).or_default().extend(chosen);
            }
            _ => {}
        }
    }
    for r in regions.iter_mut().filter(|r| r.label == Label::Claim) {
        r.types = types.remove(&r.id).unwrap_or_default();
    }
    regions.sort_by(|a, b| (a.start, a.end, a.label, &a.id).cmp(&(b.start, b.end, b.label, &b.id)));
    Ok(Annotated { doc_id, text: text.to_string(), regions, relations })
}
