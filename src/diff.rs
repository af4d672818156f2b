//! Record-by-record comparison of two outputs of the same inputs: the engine of
//! `claimex check` (expected fixture output against a fresh run) and `claimex diff` (two
//! dataset directories, say before and after a rules edit).
//!
//! Documents are paired by `doc_id`, records by type and span ([`crate::flat`]): first
//! records with the same main span, then the rest by the largest overlap. A pair whose
//! fields differ is *changed*; an unpaired record is *gained* or *lost*. Every change is
//! filed under the rules its records name, so an edit to one rule shows up under that
//! rule's id. Sentence changes no rule names are explained from the segmentation lexicons
//! (a boundary gained after `Dr.` names `lexicons/abbreviations.txt`), see
//! [`crate::explain::boundary_note`].

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write;

use serde_json::Value;

use crate::explain::boundary_note;
use crate::flat::{Flat, RecordType, flatten};
use crate::rules::RuleSet;

/// What happened to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    /// Only in the new output.
    Gained,
    /// Only in the old output.
    Lost,
    /// In both, with different fields.
    Changed,
}

impl ChangeKind {
    /// `+`, `-` or `~`.
    pub fn sign(self) -> char {
        match self {
            ChangeKind::Gained => '+',
            ChangeKind::Lost => '-',
            ChangeKind::Changed => '~',
        }
    }
}

/// One field that differs between a pair of records.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    /// The flattened field name (`rules` for the rule ids).
    pub name: String,
    /// Old value (`None`: absent).
    pub old: Option<Value>,
    /// New value.
    pub new: Option<Value>,
}

/// One record gained, lost or changed.
#[derive(Debug, Clone)]
pub struct Change {
    /// The document.
    pub doc_id: String,
    /// What happened.
    pub kind: ChangeKind,
    /// The record type.
    pub ty: RecordType,
    /// The old record.
    pub old: Option<Flat>,
    /// The new record.
    pub new: Option<Flat>,
    /// Fields that differ (changed records only).
    pub fields: Vec<FieldChange>,
    /// The keys it is filed under: rule ids, or a lexicon, or `(no rule)`.
    pub keys: Vec<String>,
    /// Why, when the change is explained by something other than a rule id.
    pub notes: Vec<String>,
}

/// Compare two lists of `documents.jsonl` values. `rules` (the rules of the new run) lets
/// sentence changes be explained from the segmentation lexicons.
pub fn diff(old: &[Value], new: &[Value], rules: Option<&RuleSet>) -> Vec<Change> {
    let id = |v: &Value| v.get("doc_id").map(|d| d.as_str().map_or_else(|| d.to_string(), str::to_owned)).unwrap_or_default();
    let new_by_id: HashMap<String, &Value> = new.iter().map(|v| (id(v), v)).collect();
    let old_ids: BTreeSet<String> = old.iter().map(id).collect();
    let mut out = Vec::new();
    for o in old {
        let flat_new = new_by_id.get(&id(o)).map(|n| flatten(n)).unwrap_or_default();
        out.extend(diff_flat(&id(o), flatten(o), flat_new, rules));
    }
    for n in new.iter().filter(|n| !old_ids.contains(&id(n))) {
        out.extend(diff_flat(&id(n), Vec::new(), flatten(n), rules));
    }
    out
}

/// Compare the flat records of one document.
pub fn diff_flat(doc_id: &str, old: Vec<Flat>, new: Vec<Flat>, rules: Option<&RuleSet>) -> Vec<Change> {
    let mut out = Vec::new();
    for ty in RecordType::ALL {
        let o: Vec<&Flat> = old.iter().filter(|f| f.ty == ty).collect();
        let n: Vec<&Flat> = new.iter().filter(|f| f.ty == ty).collect();
        let (pairs, lost, gained) = pair(&o, &n);
        for (i, j) in pairs {
            let fields = field_changes(o[i], n[j]);
            if !fields.is_empty() {
                out.push(change(doc_id, ChangeKind::Changed, ty, Some(o[i]), Some(n[j]), fields));
            }
        }
        out.extend(lost.into_iter().map(|i| change(doc_id, ChangeKind::Lost, ty, Some(o[i]), None, Vec::new())));
        out.extend(gained.into_iter().map(|j| change(doc_id, ChangeKind::Gained, ty, None, Some(n[j]), Vec::new())));
    }
    explain_sentences(&old, &new, &mut out, rules);
    for c in &mut out {
        if c.keys.is_empty() {
            c.keys.push(format!("(no rule) {}", c.ty.as_str()));
        }
    }
    out.sort_by_key(|c| (c.ty, position(c), c.kind));
    out
}

fn position(c: &Change) -> (usize, String) {
    let f = c.new.as_ref().or(c.old.as_ref()).expect("a change has a record");
    (f.span.map_or(0, |s| s.0), f.id.clone())
}

fn change(doc_id: &str, kind: ChangeKind, ty: RecordType, old: Option<&Flat>, new: Option<&Flat>, fields: Vec<FieldChange>) -> Change {
    let mut keys: Vec<String> = old.iter().chain(new.iter()).flat_map(|f| f.rules.iter().cloned()).collect();
    keys.sort();
    keys.dedup();
    Change { doc_id: doc_id.to_string(), kind, ty, old: old.cloned(), new: new.cloned(), fields, keys, notes: Vec::new() }
}

/// Pair records: same main span (or same id for records without one), then overlap.
fn pair(old: &[&Flat], new: &[&Flat]) -> (Vec<(usize, usize)>, Vec<usize>, Vec<usize>) {
    let mut used_o = vec![false; old.len()];
    let mut used_n = vec![false; new.len()];
    let mut pairs = Vec::new();
    let mut by_key: HashMap<Key, Vec<usize>> = HashMap::new();
    for (j, n) in new.iter().enumerate() {
        by_key.entry(key(n)).or_default().push(j);
    }
    for (i, o) in old.iter().enumerate() {
        if let Some(js) = by_key.get_mut(&key(o)) {
            // Among records with the same span, prefer the one naming the same rules.
            let pick = js.iter().position(|&j| new[j].rules == o.rules).unwrap_or(0);
            if !js.is_empty() {
                let j = js.remove(pick);
                used_o[i] = true;
                used_n[j] = true;
                pairs.push((i, j));
            }
        }
    }
    // Overlap pairing, largest overlap first; spans are sorted, so candidates are near.
    let mut cands = Vec::new();
    for (i, o) in old.iter().enumerate().filter(|(i, _)| !used_o[*i]) {
        let Some((os, oe)) = o.span else { continue };
        for (j, n) in new.iter().enumerate().filter(|(j, _)| !used_n[*j]) {
            let Some((ns, ne)) = n.span else { continue };
            let ov = oe.min(ne).saturating_sub(os.max(ns));
            if ov > 0 {
                cands.push((ov, i, j));
            }
        }
    }
    cands.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    for (_, i, j) in cands {
        if !used_o[i] && !used_n[j] {
            used_o[i] = true;
            used_n[j] = true;
            pairs.push((i, j));
        }
    }
    pairs.sort_unstable();
    let lost = (0..old.len()).filter(|&i| !used_o[i]).collect();
    let gained = (0..new.len()).filter(|&j| !used_n[j]).collect();
    (pairs, lost, gained)
}

/// What pairs records first: the main span, or the id of a record without one.
type Key<'a> = (Option<(usize, usize)>, Option<&'a str>);

fn key(f: &Flat) -> Key<'_> {
    match f.span {
        Some(s) => (Some(s), None),
        None => (None, Some(f.id.as_str())),
    }
}

fn field_changes(o: &Flat, n: &Flat) -> Vec<FieldChange> {
    let mut out = Vec::new();
    if o.rules != n.rules {
        let list = |r: &[String]| Some(Value::Array(r.iter().cloned().map(Value::String).collect()));
        out.push(FieldChange { name: "rules".into(), old: list(&o.rules), new: list(&n.rules) });
    }
    let names: BTreeSet<&String> = o.fields.keys().chain(n.fields.keys()).collect();
    for k in names {
        let (a, b) = (o.fields.get(k), n.fields.get(k));
        if a != b {
            out.push(FieldChange { name: k.clone(), old: a.cloned(), new: b.cloned() });
        }
    }
    out
}

/// Sentence boundaries of one output: (end of a sentence, last word, next word) for each
/// sentence followed by another in the same paragraph.
fn boundaries(flat: &[Flat]) -> BTreeMap<usize, (String, String)> {
    let sents: Vec<&Flat> = flat.iter().filter(|f| f.ty == RecordType::Sentence).collect();
    let mut out = BTreeMap::new();
    for w in sents.windows(2) {
        if w[0].fields.get("paragraph") != w[1].fields.get("paragraph") {
            continue;
        }
        if let Some((_, end)) = w[0].span {
            let last = w[0].text().split_whitespace().next_back().unwrap_or("").to_string();
            let next = w[1].text().split_whitespace().next().unwrap_or("").to_string();
            out.insert(end, (last, next));
        }
    }
    out
}

/// File sentence changes that no rule names under the lexicon that explains the boundary
/// gained or lost next to them.
fn explain_sentences(old: &[Flat], new: &[Flat], changes: &mut [Change], rules: Option<&RuleSet>) {
    let (bo, bn) = (boundaries(old), boundaries(new));
    let mut notes: Vec<(usize, String, String)> = Vec::new();
    for (&at, (last, next)) in bn.iter().filter(|(k, _)| !bo.contains_key(k)) {
        let (key, note) = boundary_note(rules, last, next, true);
        notes.push((at, key, format!("boundary gained after `{last}` at {at}: {note}")));
    }
    for (&at, (last, next)) in bo.iter().filter(|(k, _)| !bn.contains_key(k)) {
        let (key, note) = boundary_note(rules, last, next, false);
        notes.push((at, key, format!("boundary lost after `{last}` at {at}: {note}")));
    }
    for c in changes.iter_mut().filter(|c| c.ty == RecordType::Sentence && c.keys.is_empty()) {
        let spans: Vec<(usize, usize)> = c.old.iter().chain(c.new.iter()).filter_map(|f| f.span).collect();
        let (lo, hi) = (spans.iter().map(|s| s.0).min().unwrap_or(0), spans.iter().map(|s| s.1).max().unwrap_or(0));
        for (at, key, note) in notes.iter().filter(|(at, _, _)| (lo..=hi).contains(at)) {
            let _ = at;
            if !c.keys.contains(key) {
                c.keys.push(key.clone());
            }
            c.notes.push(note.clone());
        }
    }
}

/// Changes grouped by key, with (gained, lost, changed) counts.
pub fn by_key(changes: &[Change]) -> BTreeMap<&str, (usize, usize, usize, Vec<&Change>)> {
    let mut out: BTreeMap<&str, (usize, usize, usize, Vec<&Change>)> = BTreeMap::new();
    for c in changes {
        for k in &c.keys {
            let e = out.entry(k.as_str()).or_default();
            match c.kind {
                ChangeKind::Gained => e.0 += 1,
                ChangeKind::Lost => e.1 += 1,
                ChangeKind::Changed => e.2 += 1,
            }
            e.3.push(c);
        }
    }
    out
}

/// One line per key: `attribution/verbs/said: +12 −3 ~5`.
pub fn summary_lines(changes: &[Change]) -> Vec<String> {
    by_key(changes)
        .into_iter()
        .map(|(k, (g, l, c, _))| {
            let mut parts = Vec::new();
            if g > 0 {
                parts.push(format!("+{g}"));
            }
            if l > 0 {
                parts.push(format!("−{l}"));
            }
            if c > 0 {
                parts.push(format!("~{c}"));
            }
            format!("{k}: {}", parts.join(" "))
        })
        .collect()
}

fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return format!("{s:?}");
    }
    let head: String = s.chars().take(max).collect();
    format!("{:?}…", head)
}

fn show_record(f: &Flat) -> String {
    let span = f.span.map(|(s, e)| format!(" [{s}..{e}]")).unwrap_or_default();
    format!("{} {}{span} {}", f.ty.as_str(), f.id, short(f.text(), 90))
}

/// The changes as text, grouped by key; at most `limit` records listed per key.
pub fn render(changes: &[Change], limit: usize) -> String {
    let mut s = String::new();
    for (key, (g, l, c, list)) in by_key(changes) {
        let _ = writeln!(s, "  {key}: {}", counts(g, l, c));
        let mut notes: Vec<&String> = list.iter().flat_map(|c| c.notes.iter()).collect();
        notes.sort();
        notes.dedup();
        for n in notes.iter().take(limit) {
            let _ = writeln!(s, "      why: {n}");
        }
        for c in list.iter().take(limit) {
            let doc = if c.doc_id.is_empty() { String::new() } else { format!("{}: ", c.doc_id) };
            match c.kind {
                ChangeKind::Gained | ChangeKind::Lost => {
                    let f = c.new.as_ref().or(c.old.as_ref()).expect("record");
                    let _ = writeln!(s, "    {} {doc}{}", c.kind.sign(), show_record(f));
                    let rules = if f.rules.is_empty() { String::new() } else { format!(" rules={}", f.rules.join(",")) };
                    let detail = detail_fields(f);
                    if !detail.is_empty() || !rules.is_empty() {
                        let _ = writeln!(s, "        {detail}{rules}");
                    }
                }
                ChangeKind::Changed => {
                    let f = c.new.as_ref().expect("record");
                    let _ = writeln!(s, "    ~ {doc}{}", show_record(f));
                    for fc in &c.fields {
                        let _ = writeln!(s, "        {}: {} → {}", fc.name, Flat::show(fc.old.as_ref()), Flat::show(fc.new.as_ref()));
                    }
                }
            }
        }
        if list.len() > limit {
            let _ = writeln!(s, "    … and {} more", list.len() - limit);
        }
    }
    s
}

fn counts(g: usize, l: usize, c: usize) -> String {
    let mut parts = Vec::new();
    if g > 0 {
        parts.push(format!("+{g}"));
    }
    if l > 0 {
        parts.push(format!("−{l}"));
    }
    if c > 0 {
        parts.push(format!("~{c}"));
    }
    parts.join(" ")
}

/// The fields worth a glance for a gained or lost record.
fn detail_fields(f: &Flat) -> String {
    ["block", "kind", "source", "cue", "content_kind", "types", "hedged", "value"]
        .iter()
        .filter_map(|k| f.fields.get(*k).map(|v| format!("{k}={}", Flat::show(Some(v)))))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(sentences: &[(usize, usize, &str, &[&str])]) -> Value {
        let s: Vec<Value> = sentences
            .iter()
            .enumerate()
            .map(|(i, (a, b, t, r))| serde_json::json!({"id": format!("s{i}"), "start": a, "end": b, "block": "body", "paragraph": 0, "text": t, "raw": t, "rules": r}))
            .collect();
        serde_json::json!({"schema_version": 1, "doc_id": "d", "source": "x", "metadata": {}, "sentences": s, "quotes": [], "attributions": [], "claims": [], "errors": []})
    }

    #[test]
    fn pairs_by_span_then_overlap_and_files_by_rule() {
        let old = doc(&[(0, 10, "Aaaa bbbb.", &[]), (11, 20, "Cccc ddd.", &["segment/blocks/x"])]);
        let new = doc(&[(0, 10, "Aaaa bbbb.", &[]), (11, 18, "Cccc dd.", &["segment/blocks/x"]), (19, 25, "Eeee.", &[])]);
        let changes = diff(&[old], &[new], None);
        let kinds: Vec<(ChangeKind, &str)> = changes.iter().map(|c| (c.kind, c.keys[0].as_str())).collect();
        assert_eq!(kinds, [(ChangeKind::Changed, "segment/blocks/x"), (ChangeKind::Gained, "(no rule) sentence")]);
        assert_eq!(summary_lines(&changes), ["(no rule) sentence: +1", "segment/blocks/x: ~1"]);
        let text = render(&changes, 10);
        assert!(text.contains("end: 20 → 18"), "{text}");
    }

    #[test]
    fn a_new_boundary_after_an_abbreviation_names_the_lexicon() {
        let rules = RuleSet::builtin();
        let old = doc(&[(0, 22, "Dr. Lee met the envoy.", &[])]);
        let new = doc(&[(0, 3, "Dr.", &[]), (4, 22, "Lee met the envoy.", &[])]);
        let changes = diff(&[old], &[new], Some(&rules));
        assert!(changes.iter().all(|c| c.keys == ["lexicons/abbreviations.txt"]), "{changes:#?}");
        assert!(changes[0].notes[0].contains("`Dr.`"), "{:?}", changes[0].notes);
    }
}
