//! Output records flattened for comparison: the common view of `check`, `diff`, `eval` and
//! the rule-example runner.
//!
//! A `documents.jsonl` line (read as JSON, so fields added by later versions are compared
//! too) becomes a list of [`Flat`] records: one per sentence, quotation, attribution, claim,
//! metadata field and error, plus one for the document itself. Nested spans are flattened
//! the way the CSV tables flatten them (`source` → `source`, `source_start`, `source_end`;
//! `cue.lemma` → `cue_lemma`), `rule`/`rules` become [`Flat::rules`], and the positional
//! ids that records use to point at each other (`sentence_id`, `sentence_ids`,
//! `attribution_id`, `frame_claim_id`) are replaced by the span they point at, so that a sentence gained early
//! in a document does not make every later record look changed.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

use crate::record::DocumentRecord;

/// What a flat record stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RecordType {
    /// The document itself (`doc_id`, `schema_version`, unknown top-level fields).
    Document,
    /// One metadata field.
    Metadata,
    /// A sentence.
    Sentence,
    /// A quotation.
    Quote,
    /// An attribution.
    Attribution,
    /// A claim.
    Claim,
    /// An input error.
    Error,
}

impl RecordType {
    /// Every type, in output order.
    pub const ALL: [RecordType; 7] = [
        RecordType::Document,
        RecordType::Metadata,
        RecordType::Sentence,
        RecordType::Quote,
        RecordType::Attribution,
        RecordType::Claim,
        RecordType::Error,
    ];

    /// Singular name, as shown.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordType::Document => "document",
            RecordType::Metadata => "metadata",
            RecordType::Sentence => "sentence",
            RecordType::Quote => "quote",
            RecordType::Attribution => "attribution",
            RecordType::Claim => "claim",
            RecordType::Error => "error",
        }
    }

    /// The `documents.jsonl` array holding records of this type.
    pub fn array(self) -> Option<&'static str> {
        Some(match self {
            RecordType::Sentence => "sentences",
            RecordType::Quote => "quotes",
            RecordType::Attribution => "attributions",
            RecordType::Claim => "claims",
            RecordType::Error => "errors",
            RecordType::Document | RecordType::Metadata => return None,
        })
    }

    /// The type of records in a `documents.jsonl` array.
    pub fn from_array(name: &str) -> Option<RecordType> {
        RecordType::ALL.into_iter().find(|t| t.array() == Some(name))
    }
}

/// One record, flattened.
#[derive(Debug, Clone, PartialEq)]
pub struct Flat {
    /// Its type.
    pub ty: RecordType,
    /// Its id as written (`s3`, `a0`), the metadata field name, or the doc id.
    pub id: String,
    /// The main span, code points into the original text: `start`/`end`, or for an
    /// attribution its cue.
    pub span: Option<(usize, usize)>,
    /// Rule ids that produced it.
    pub rules: Vec<String>,
    /// Every other field, flattened; values are JSON scalars or arrays.
    pub fields: BTreeMap<String, Value>,
}

/// Reference fields: positional ids of other records, compared by the span they point at.
const REFERENCES: &[&str] = &["sentence_id", "sentence_ids", "attribution_id", "frame_claim_id"];

impl Flat {
    /// The text shown for the record: `text`, else `value`, else the cue.
    pub fn text(&self) -> &str {
        ["text", "value", "cue", "message"].iter().find_map(|k| self.fields.get(*k).and_then(Value::as_str)).unwrap_or("")
    }

    /// Every span of the record: the main one, each `x_start`/`x_end` pair, and the
    /// envelope of them all.
    pub fn spans(&self) -> Vec<(usize, usize)> {
        let mut out: Vec<(usize, usize)> = self.span.into_iter().collect();
        for (k, v) in &self.fields {
            if let (Some(prefix), Some(s)) = (k.strip_suffix("_start"), v.as_u64()) {
                if let Some(e) = self.fields.get(&format!("{prefix}_end")).and_then(Value::as_u64) {
                    out.push((s as usize, e as usize));
                }
            }
        }
        if let (Some(lo), Some(hi)) = (out.iter().map(|s| s.0).min(), out.iter().map(|s| s.1).max()) {
            out.push((lo, hi));
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// A field as a display string: scalars as they are, `null` as `∅`, arrays as JSON.
    pub fn show(v: Option<&Value>) -> String {
        match v {
            None => "(absent)".into(),
            Some(Value::Null) => "∅".into(),
            Some(Value::String(s)) => format!("{s:?}"),
            Some(other) => other.to_string(),
        }
    }
}

/// Flatten one `documents.jsonl` line.
pub fn flatten(doc: &Value) -> Vec<Flat> {
    let Some(obj) = doc.as_object() else { return Vec::new() };
    let doc_id = obj.get("doc_id").map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)).unwrap_or_default();
    let mut out = Vec::new();

    // Spans that reference fields point at.
    let mut targets: HashMap<String, String> = HashMap::new();
    for (array, key) in [("sentences", None), ("attributions", Some("cue")), ("quotes", None), ("claims", None)] {
        for r in obj.get(array).and_then(Value::as_array).into_iter().flatten() {
            let span = match key {
                Some(k) => r.get(k),
                None => Some(r),
            };
            if let (Some(id), Some(s)) = (r.get("id").and_then(Value::as_str), span.and_then(span_of)) {
                targets.insert(id.to_string(), format!("@{}..{}", s.0, s.1));
            }
        }
    }
    let resolve = |v: &Value| -> Value {
        match v {
            Value::String(s) => Value::String(targets.get(s).cloned().unwrap_or_else(|| s.clone())),
            Value::Array(a) => Value::Array(
                a.iter().map(|x| x.as_str().and_then(|s| targets.get(s)).map_or(x.clone(), |t| Value::String(t.clone()))).collect(),
            ),
            other => other.clone(),
        }
    };

    let mut document = Flat { ty: RecordType::Document, id: doc_id.clone(), span: None, rules: Vec::new(), fields: BTreeMap::new() };
    for (k, v) in obj {
        match k.as_str() {
            // `source` names the input path, which depends on where the run was started.
            "doc_id" | "source" | "metadata" | "metadata_rules" => {}
            _ if RecordType::from_array(k).is_some() => {}
            _ => {
                document.fields.insert(k.clone(), v.clone());
            }
        }
    }
    out.push(document);

    let meta_rules = obj.get("metadata_rules").and_then(Value::as_object);
    for (k, v) in obj.get("metadata").and_then(Value::as_object).into_iter().flatten() {
        let rules = meta_rules.and_then(|m| m.get(k)).and_then(Value::as_str).map(str::to_owned).into_iter().collect();
        let fields = BTreeMap::from([("value".to_string(), v.clone())]);
        out.push(Flat { ty: RecordType::Metadata, id: k.clone(), span: None, rules, fields });
    }

    for ty in RecordType::ALL {
        let Some(array) = ty.array() else { continue };
        for (i, r) in obj.get(array).and_then(Value::as_array).into_iter().flatten().enumerate() {
            let Some(r) = r.as_object() else { continue };
            let mut flat = Flat {
                ty,
                id: r.get("id").and_then(Value::as_str).map_or_else(|| format!("#{i}"), str::to_owned),
                span: None,
                rules: Vec::new(),
                fields: BTreeMap::new(),
            };
            flatten_object(r, "", &mut flat);
            // Schema version 1 wrote every sentence's `raw`; version 2 only one that differs
            // from `text`. Read either way, the same sentence flattens the same.
            if ty == RecordType::Sentence && flat.fields.get("raw").is_some_and(|raw| Some(raw) == flat.fields.get("text")) {
                flat.fields.remove("raw");
            }
            for k in REFERENCES {
                if let Some(v) = flat.fields.get_mut(*k) {
                    *v = resolve(v);
                }
            }
            flat.span = main_span(&flat.fields);
            out.push(flat);
        }
    }
    out
}

/// Flatten a typed record (serialised first).
pub fn flatten_record(rec: &DocumentRecord) -> Vec<Flat> {
    flatten(&serde_json::to_value(rec).expect("records serialise"))
}

fn span_of(v: &Value) -> Option<(usize, usize)> {
    Some((v.get("start")?.as_u64()? as usize, v.get("end")?.as_u64()? as usize))
}

fn main_span(f: &BTreeMap<String, Value>) -> Option<(usize, usize)> {
    ["", "cue_", "content_", "source_"].iter().find_map(|p| {
        let s = f.get(&format!("{p}start"))?.as_u64()?;
        let e = f.get(&format!("{p}end"))?.as_u64()?;
        Some((s as usize, e as usize))
    })
}

fn flatten_object(obj: &Map<String, Value>, prefix: &str, flat: &mut Flat) {
    for (k, v) in obj {
        let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}_{k}") };
        match (k.as_str(), v) {
            ("id", _) if prefix.is_empty() => {}
            ("rule", Value::String(s)) if prefix.is_empty() => flat.rules.push(s.clone()),
            ("rules", Value::Array(a)) if prefix.is_empty() => flat.rules.extend(a.iter().filter_map(Value::as_str).map(str::to_owned)),
            (_, Value::Object(o)) => {
                // A span object: its `text` takes the object's own name (`source`), as in
                // the CSV tables.
                if let Some(t) = o.get("text") {
                    flat.fields.insert(key.clone(), t.clone());
                }
                let rest: Map<String, Value> = o.iter().filter(|(k, _)| *k != "text").map(|(k, v)| (k.clone(), v.clone())).collect();
                flatten_object(&rest, &key, flat);
            }
            _ => {
                flat.fields.insert(key, v.clone());
            }
        }
    }
    flat.rules.sort();
    flat.rules.dedup();
}

/// Read a `documents.jsonl` file into JSON values, one per line.
pub fn read_jsonl(path: &std::path::Path) -> std::io::Result<Vec<Value>> {
    let text = std::fs::read_to_string(path)?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v = serde_json::from_str(line)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, format!("{}:{}: not JSON: {e}", path.display(), n + 1)))?;
        out.push(v);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flattens_spans_rules_and_references() {
        let doc = serde_json::json!({
            "schema_version": 1, "doc_id": "d", "source": "x.txt", "metadata": {"date": "2014-08-27"},
            "metadata_rules": {"date": "segment/metadata/date"},
            "sentences": [{"id": "s0", "start": 0, "end": 10, "block": "body", "paragraph": 0, "text": "A said B.", "raw": "A said B."}],
            "quotes": [],
            "attributions": [{"id": "a0", "sentence_id": "s0", "source": {"start": 0, "end": 1, "text": "A"},
                "cue": {"start": 2, "end": 6, "text": "said", "lemma": "say", "class": "neutral"},
                "content": {"start": 7, "end": 8, "text": "B"}, "content_kind": "indirect", "hedge": null, "rule": "attribution/x"}],
            "claims": [], "errors": []
        });
        let flat = flatten(&doc);
        let meta = flat.iter().find(|f| f.ty == RecordType::Metadata).unwrap();
        assert_eq!(meta.rules, ["segment/metadata/date"]);
        let a = flat.iter().find(|f| f.ty == RecordType::Attribution).unwrap();
        assert_eq!(a.span, Some((2, 6)));
        assert_eq!(a.rules, ["attribution/x"]);
        assert_eq!(a.fields["source"], "A");
        assert_eq!(a.fields["cue_lemma"], "say");
        assert_eq!(a.fields["sentence_id"], "@0..10");
        assert_eq!(a.spans(), [(0, 1), (0, 8), (2, 6), (7, 8)]);
        assert!(!flat[0].fields.contains_key("source"));
    }

    #[test]
    fn a_raw_equal_to_text_reads_as_no_raw() {
        let v1 = serde_json::json!({"doc_id": "d", "sentences": [{"id": "s0", "start": 0, "end": 2, "text": "Hi", "raw": "Hi"}]});
        let v2 = serde_json::json!({"doc_id": "d", "sentences": [{"id": "s0", "start": 0, "end": 2, "text": "Hi"}]});
        assert_eq!(flatten(&v1), flatten(&v2));
        let differs = serde_json::json!({"doc_id": "d", "sentences": [{"id": "s0", "start": 0, "end": 3, "text": "Hi", "raw": "*Hi"}]});
        assert_eq!(flatten(&differs)[1].fields["raw"], "*Hi");
    }
}
