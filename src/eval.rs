//! `claimex eval`: scores output against hand annotations (SPEC §5).
//!
//! Gold is our own `documents.jsonl` format holding only the annotated fields: a record may
//! give its span (`start`/`end`, for an attribution `cue.start`/`cue.end`) or only its
//! text, and any subset of fields. A gold record with `"optional": true` may be found (a
//! match counts towards precision) but need not be (it is left out of recall and of the
//! field figures). A record type a gold document leaves out is not scored for it.
//!
//! For each record type (sentences, quotes, attributions, claims) the figures are
//! precision, recall and F1 under two matchings, greedy and one-to-one in gold order:
//!
//! - **exact**: the same span; without gold offsets, the same text after folding Markdown
//!   marks, quotation marks at the edges and whitespace (for attributions: the same cue and
//!   content);
//! - **overlap**: overlapping spans; without offsets, a token F1 of at least 0.5 or one text
//!   inside the other (for attributions: the cue contained either way, or the gold cue's
//!   head word among the predicted cue's words, and content token F1 ≥ 0.5).
//!
//! Then, per field the gold annotates, how many matched pairs agree (names such as
//! `source` and `speaker` leniently, `types` as a subset, `hedge` by presence, `content` by
//! token F1); per value of the type's main category (`block`, `kind`, `content_kind`)
//! the figures restricted to that value on both sides, how many gold records of that value
//! were found at all, and the confusions; and per rule id, how many of the rule's records
//! match. These are the figures of `../shared/tools/score.py seed` (the reference) for
//! sentences, quotes and attributions; the differences are listed in `docs/eval.md`.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use serde_json::{Map, Value, json};

use crate::flat::{Flat, RecordType, flatten};

const QUOTE_CHARS: &str = "\"'“”‘’«»„‚‹›「」『』";
/// The record types scored, with their main category field.
const TYPES: [(RecordType, Option<&str>); 4] = [
    (RecordType::Sentence, Some("block")),
    (RecordType::Quote, Some("kind")),
    (RecordType::Attribution, Some("content_kind")),
    (RecordType::Claim, None),
];
/// Fields compared as names (lenient).
const NAMES: &[&str] = &["source", "speaker", "source_resolved", "speaker_resolved", "claimant"];
/// Fields compared by presence.
const PRESENCE: &[&str] = &["hedge"];

/// Fold Markdown emphasis, curly apostrophes and whitespace (as the reference scorer does).
pub fn norm(s: &str) -> String {
    let s: String = s.chars().filter(|c| !matches!(c, '*' | '#' | '_')).map(|c| if c == '’' || c == '‘' { '\'' } else { c }).collect();
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn words(s: &str) -> Vec<String> {
    let n = norm(s).to_lowercase();
    n.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|w| !w.is_empty()).map(str::to_owned).collect()
}

/// Token F1 of two texts (bag of lower-cased words).
pub fn token_f1(a: &str, b: &str) -> f64 {
    let (wa, wb) = (words(a), words(b));
    if wa.is_empty() || wb.is_empty() {
        return 0.0;
    }
    let mut pool: HashMap<&str, usize> = HashMap::new();
    for w in &wb {
        *pool.entry(w).or_default() += 1;
    }
    let mut common = 0;
    for w in &wa {
        if let Some(n) = pool.get_mut(w.as_str()).filter(|n| **n > 0) {
            *n -= 1;
            common += 1;
        }
    }
    if common == 0 {
        return 0.0;
    }
    let (p, r) = (common as f64 / wa.len() as f64, common as f64 / wb.len() as f64);
    2.0 * p * r / (p + r)
}

/// Whether two names denote the same: equal or one inside the other, case-folded, without a
/// leading article or a possessive.
pub fn name_match(pred: &str, gold: &str) -> bool {
    fn clean(s: &str) -> String {
        let s = norm(s).to_lowercase();
        let s = ["the ", "a ", "an "].iter().find_map(|a| s.strip_prefix(a)).map_or(s.clone(), str::to_owned);
        // `'s?\b` removed, as a regex would: `'s` before a non-word character, else `'`
        // before a word character.
        let word = |c: Option<&char>| c.is_some_and(|c| c.is_alphanumeric() || *c == '_');
        let chars: Vec<char> = s.chars().collect();
        let mut out = String::with_capacity(s.len());
        let mut i = 0;
        while i < chars.len() {
            if chars[i] == '\'' {
                if chars.get(i + 1) == Some(&'s') && !word(chars.get(i + 2)) {
                    i += 2;
                    continue;
                }
                if word(chars.get(i + 1)) {
                    i += 1;
                    continue;
                }
            }
            out.push(chars[i]);
            i += 1;
        }
        out.trim_matches(|c| matches!(c, ' ' | ',' | '.')).to_string()
    }
    let (p, g) = (clean(pred), clean(gold));
    !p.is_empty() && !g.is_empty() && (p == g || p.contains(&g) || g.contains(&p))
}

fn quote_key(s: &str) -> String {
    norm(s).trim_matches(|c: char| QUOTE_CHARS.contains(c) || " .,;:".contains(c)).to_string()
}

fn text_of<'a>(f: &'a Flat, key: &str) -> &'a str {
    f.fields.get(key).and_then(Value::as_str).unwrap_or("")
}

fn optional(f: &Flat) -> bool {
    f.fields.get("optional").and_then(Value::as_bool).unwrap_or(false)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Exact,
    Overlap,
}

const MODES: [(Mode, &str); 2] = [(Mode::Exact, "exact"), (Mode::Overlap, "overlap")];

/// How well a predicted record matches a gold one (0 = not at all), under a mode.
fn score(ty: RecordType, g: &Flat, p: &Flat, mode: Mode) -> usize {
    if let (Some(gs), Some(ps)) = (g.span, p.span) {
        let content = |f: &Flat| Some((f.fields.get("content_start")?.as_u64()?, f.fields.get("content_end")?.as_u64()?));
        return match mode {
            Mode::Exact => usize::from(gs == ps && (content(g).is_none() || content(g) == content(p))),
            Mode::Overlap => gs.1.min(ps.1).saturating_sub(gs.0.max(ps.0)),
        };
    }
    let hit = match (ty, mode) {
        (RecordType::Attribution, Mode::Exact) => {
            norm(text_of(p, "cue")).to_lowercase() == norm(text_of(g, "cue")).to_lowercase()
                && quote_key(text_of(p, "content")) == quote_key(text_of(g, "content"))
        }
        (RecordType::Attribution, Mode::Overlap) => {
            let (cue, gcue) = (norm(text_of(p, "cue")).to_lowercase(), norm(text_of(g, "cue")).to_lowercase());
            let head = gcue.split_whitespace().next_back().is_some_and(|h| cue.split_whitespace().any(|w| w == h));
            let cue_ok = !cue.is_empty() && (cue == gcue || gcue.contains(&cue) || cue.contains(&gcue) || head);
            cue_ok && token_f1(text_of(p, "content"), text_of(g, "content")) >= 0.5
        }
        (RecordType::Sentence, Mode::Exact) => norm(g.text()) == norm(p.text()),
        (_, Mode::Exact) => quote_key(g.text()) == quote_key(p.text()),
        (_, Mode::Overlap) => {
            // Graded, so that a gold record takes the prediction with its own text before
            // one that merely overlaps it.
            let (a, b) = (norm(g.text()).to_lowercase(), norm(p.text()).to_lowercase());
            if a.is_empty() || b.is_empty() {
                return 0;
            }
            let f1 = token_f1(&b, &a);
            return if quote_key(&a) == quote_key(&b) {
                1000
            } else if f1 >= 0.5 || a.contains(&b) || b.contains(&a) {
                1 + (f1 * 100.0) as usize
            } else {
                0
            };
        }
    };
    usize::from(hit)
}

/// Greedy one-to-one matching in gold order: each gold record takes the best-scoring unused
/// prediction (the first one on a tie). Returns `pairs[g] = Some(p)`.
fn match_records(ty: RecordType, gold: &[&Flat], pred: &[&Flat], mode: Mode) -> Vec<Option<usize>> {
    let mut used = vec![false; pred.len()];
    gold.iter()
        .map(|g| {
            let mut best: Option<(usize, usize)> = None;
            for (j, p) in pred.iter().enumerate().filter(|(j, _)| !used[*j]) {
                let s = score(ty, g, p, mode);
                if s > 0 && best.is_none_or(|(bs, _)| s > bs) {
                    best = Some((s, j));
                }
            }
            best.map(|(_, j)| {
                used[j] = true;
                j
            })
        })
        .collect()
}

/// Whether a predicted field value agrees with the gold one.
fn field_agrees(name: &str, g: &Value, p: &Flat) -> bool {
    let pv = p.fields.get(name).unwrap_or(&Value::Null);
    let truthy = |v: &Value| match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => true,
    };
    if PRESENCE.contains(&name) || matches!(g, Value::Bool(_)) {
        return truthy(g) == truthy(pv);
    }
    if g.is_null() {
        return !truthy(pv);
    }
    match (name, g) {
        ("content", Value::String(gs)) => token_f1(pv.as_str().unwrap_or(""), gs) >= 0.5,
        ("speaker", Value::String(gs)) => {
            let resolved = text_of(p, "speaker_resolved");
            let spoken = text_of(p, "speaker");
            name_match(if resolved.is_empty() { spoken } else { resolved }, gs) || name_match(spoken, gs)
        }
        (n, Value::String(gs)) if NAMES.contains(&n) => name_match(pv.as_str().unwrap_or(""), gs),
        (_, Value::String(gs)) => pv.as_str().is_some_and(|ps| norm(ps).to_lowercase() == norm(gs).to_lowercase()),
        (_, Value::Array(items)) => items.iter().all(|i| pv.as_array().is_some_and(|a| a.contains(i))),
        (_, other) => pv == other,
    }
}

/// Fields of gold records that are compared (not offsets, ids or markers).
fn compared_fields(g: &Flat) -> impl Iterator<Item = (&String, &Value)> {
    g.fields.iter().filter(|(k, _)| {
        !matches!(
            k.as_str(),
            "start"
                | "end"
                | "text"
                | "raw"
                | "optional"
                | "sentence_id"
                | "sentence_ids"
                | "attribution_id"
                | "frame_claim_id"
                | "paragraph"
        ) && !k.ends_with("_start")
            && !k.ends_with("_end")
    })
}

fn prf(tp_all: usize, tp_req: usize, pred: usize, gold: usize) -> Value {
    let p = if pred > 0 { tp_all as f64 / pred as f64 } else { 0.0 };
    let r = if gold > 0 { tp_req as f64 / gold as f64 } else { 0.0 };
    let f = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
    let round = |x: f64| (x * 10000.0).round() / 10000.0;
    json!({"p": round(p), "r": round(r), "f1": round(f), "tp": tp_all, "tp_required": tp_req, "pred": pred, "gold": gold})
}

/// Accumulated counts for one record type (or a restriction of it).
#[derive(Default)]
struct Tally {
    gold: usize,
    optional: usize,
    pred: usize,
    tp_all: [usize; 2],
    tp_req: [usize; 2],
    /// field → [correct, compared] per mode.
    fields: BTreeMap<String, [[usize; 2]; 2]>,
    /// Per value of the main category.
    by: BTreeMap<String, ByValue>,
    confusions: BTreeMap<String, usize>,
    /// rule → [pred, tp per mode].
    rules: BTreeMap<String, [usize; 3]>,
}

/// Counts for the records of one category value.
#[derive(Default)]
struct ByValue {
    /// [gold (required), pred] with this value.
    counts: [usize; 2],
    /// [tp_all, tp_required] per mode, both sides restricted to this value.
    tps: [[usize; 2]; 2],
    /// Gold records with this value matched by any prediction, per mode.
    found: [usize; 2],
}

fn cat(f: &Flat, field: &str) -> Option<String> {
    f.fields.get(field).map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
}

fn tally_doc(ty: RecordType, category: Option<&str>, gold: &[&Flat], pred: &[&Flat], t: &mut Tally) {
    t.gold += gold.iter().filter(|g| !optional(g)).count();
    t.optional += gold.iter().filter(|g| optional(g)).count();
    t.pred += pred.len();
    for (mi, (mode, _)) in MODES.iter().enumerate() {
        let pairs = match_records(ty, gold, pred, *mode);
        let mut rule_tp: BTreeMap<&str, usize> = BTreeMap::new();
        for (gi, pj) in pairs.iter().enumerate() {
            let Some(pj) = *pj else { continue };
            let (g, p) = (gold[gi], pred[pj]);
            t.tp_all[mi] += 1;
            for r in &p.rules {
                *rule_tp.entry(r.as_str()).or_default() += 1;
            }
            if optional(g) {
                continue;
            }
            t.tp_req[mi] += 1;
            for (name, gv) in compared_fields(g) {
                let e = t.fields.entry(name.clone()).or_default();
                e[mi][1] += 1;
                e[mi][0] += usize::from(field_agrees(name, gv, p));
            }
            if let Some(c) = category.and_then(|c| cat(g, c)) {
                t.by.entry(c.clone()).or_default().found[mi] += 1;
                let pc = cat(p, category.unwrap_or_default()).unwrap_or_else(|| "∅".into());
                if mode == &Mode::Exact && pc != c {
                    *t.confusions.entry(format!("{c}→{pc}")).or_default() += 1;
                }
            }
        }
        for p in pred {
            for r in &p.rules {
                let e = t.rules.entry(r.clone()).or_default();
                if mi == 0 {
                    e[0] += 1;
                }
            }
        }
        for (r, n) in rule_tp {
            t.rules.entry(r.to_string()).or_default()[1 + mi] += n;
        }
        // Restricted to one category value on both sides.
        if let Some(c) = category {
            let values: std::collections::BTreeSet<String> = gold.iter().chain(pred.iter()).filter_map(|f| cat(f, c)).collect();
            for v in values {
                let g: Vec<&Flat> = gold.iter().copied().filter(|f| cat(f, c).as_deref() == Some(&v)).collect();
                let p: Vec<&Flat> = pred.iter().copied().filter(|f| cat(f, c).as_deref() == Some(&v)).collect();
                let pairs = match_records(ty, &g, &p, *mode);
                let e = t.by.entry(v).or_default();
                if mi == 0 {
                    e.counts[0] += g.iter().filter(|x| !optional(x)).count();
                    e.counts[1] += p.len();
                }
                e.tps[mi][0] += pairs.iter().filter(|x| x.is_some()).count();
                e.tps[mi][1] += pairs.iter().enumerate().filter(|(i, x)| x.is_some() && !optional(g[*i])).count();
            }
        }
    }
}

fn tally_json(t: &Tally) -> Value {
    let mut o = Map::new();
    o.insert("gold".into(), json!(t.gold));
    o.insert("gold_optional".into(), json!(t.optional));
    o.insert("pred".into(), json!(t.pred));
    for (mi, (_, name)) in MODES.iter().enumerate() {
        o.insert((*name).into(), prf(t.tp_all[mi], t.tp_req[mi], t.pred, t.gold));
    }
    let mut fields = Map::new();
    for (k, v) in &t.fields {
        let mut f = Map::new();
        for (mi, (_, name)) in MODES.iter().enumerate() {
            let [correct, compared] = v[mi];
            let acc = if compared > 0 { (correct as f64 / compared as f64 * 10000.0).round() / 10000.0 } else { 0.0 };
            f.insert((*name).into(), json!({"correct": correct, "compared": compared, "accuracy": acc}));
        }
        fields.insert(k.clone(), Value::Object(f));
    }
    o.insert("fields".into(), Value::Object(fields));
    let mut by = Map::new();
    for (v, b) in &t.by {
        let mut f = Map::new();
        for (mi, (_, name)) in MODES.iter().enumerate() {
            f.insert((*name).into(), prf(b.tps[mi][0], b.tps[mi][1], b.counts[1], b.counts[0]));
            f.insert(format!("found_{name}"), json!(b.found[mi]));
        }
        by.insert(v.clone(), Value::Object(f));
    }
    o.insert("by".into(), Value::Object(by));
    o.insert("confusions".into(), json!(t.confusions));
    let mut rules = Map::new();
    for (r, [pred, te, to]) in &t.rules {
        rules.insert(r.clone(), json!({"pred": pred, "exact": prf(*te, *te, *pred, t.gold), "overlap": prf(*to, *to, *pred, t.gold)}));
    }
    o.insert("rules".into(), Value::Object(rules));
    Value::Object(o)
}

/// Score predicted documents against gold documents; the figures as one JSON object.
pub fn evaluate(gold: &[Value], pred: &[Value]) -> Value {
    let id = |v: &Value| {
        v.get("doc_id").or_else(|| v.get("id")).map(|d| d.as_str().map_or_else(|| d.to_string(), str::to_owned)).unwrap_or_default()
    };
    let pred_by_id: HashMap<String, &Value> = pred.iter().map(|p| (id(p), p)).collect();
    let mut tallies: Vec<Tally> = TYPES.iter().map(|_| Tally::default()).collect();
    let mut meta: BTreeMap<String, [usize; 2]> = BTreeMap::new();
    let mut unpaired = Vec::new();
    let empty = json!({});
    for g in gold {
        let p = match pred_by_id.get(&id(g)) {
            Some(p) => *p,
            // One document on each side: pair them whatever their ids (as score.py seed does).
            None if gold.len() == 1 && pred.len() == 1 => &pred[0],
            None => {
                unpaired.push(id(g));
                &empty
            }
        };
        let (gf, pf) = (flatten(g), flatten(p));
        for (i, (ty, category)) in TYPES.iter().enumerate() {
            if g.get(ty.array().expect("scored types have arrays")).is_none() {
                continue;
            }
            let gs: Vec<&Flat> = gf.iter().filter(|f| f.ty == *ty).collect();
            let ps: Vec<&Flat> = pf.iter().filter(|f| f.ty == *ty).collect();
            tally_doc(*ty, *category, &gs, &ps, &mut tallies[i]);
        }
        for gm in gf.iter().filter(|f| f.ty == RecordType::Metadata) {
            let pm = pf.iter().find(|f| f.ty == RecordType::Metadata && f.id == gm.id);
            let e = meta.entry(gm.id.clone()).or_default();
            e[1] += 1;
            let agree = |v: &Value| v.as_str().map_or_else(|| v.to_string(), |s| norm(s).to_lowercase());
            e[0] += usize::from(pm.is_some_and(|pm| agree(&pm.fields["value"]) == agree(&gm.fields["value"])));
        }
    }
    let mut out = Map::new();
    out.insert("documents".into(), json!({"gold": gold.len(), "pred": pred.len(), "unpaired_gold": unpaired}));
    for (i, (ty, _)) in TYPES.iter().enumerate() {
        out.insert(ty.array().expect("array").into(), tally_json(&tallies[i]));
    }
    out.insert(
        "metadata".into(),
        json!(meta.iter().map(|(k, [c, n])| (k.clone(), json!({"correct": c, "compared": n}))).collect::<Map<_, _>>()),
    );
    Value::Object(out)
}

/// Every number of a result, by dotted path (`sentences.by.body.exact.f1`).
pub fn figures(result: &Value) -> BTreeMap<String, f64> {
    fn walk(v: &Value, path: &str, out: &mut BTreeMap<String, f64>) {
        match v {
            Value::Object(o) => {
                for (k, x) in o {
                    walk(x, &if path.is_empty() { k.clone() } else { format!("{path}.{k}") }, out);
                }
            }
            Value::Number(n) => {
                out.insert(path.to_string(), n.as_f64().unwrap_or(0.0));
            }
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    walk(result, "", &mut out);
    out
}

/// Check thresholds (`path = minimum`, a TOML table); the failures as readable lines.
pub fn check_thresholds(result: &Value, thresholds: &toml::Table) -> Vec<String> {
    let figs = figures(result);
    let mut out = Vec::new();
    for (k, v) in thresholds {
        let Some(min) = v.as_float().or_else(|| v.as_integer().map(|i| i as f64)) else {
            out.push(format!("{k}: the threshold must be a number"));
            continue;
        };
        match figs.get(k) {
            None => out.push(format!("{k}: no such figure (see `claimex eval --json` for the names)")),
            Some(&x) if x + 1e-9 < min => out.push(format!("{k} = {x:.4} is below {min:.4}")),
            Some(_) => {}
        }
    }
    out
}

/// The result as a readable table.
pub fn render(result: &Value) -> String {
    let mut s = String::new();
    let d = &result["documents"];
    let _ = writeln!(s, "eval: {} gold documents, {} predicted", d["gold"], d["pred"]);
    if let Some(u) = d["unpaired_gold"].as_array().filter(|u| !u.is_empty()) {
        let _ = writeln!(
            s,
            "  no prediction for {} gold documents: {}",
            u.len(),
            u.iter().take(5).map(Value::to_string).collect::<Vec<_>>().join(", ")
        );
    }
    let line = |m: &Value| {
        format!(
            "P {:.3}  R {:.3}  F1 {:.3}  (tp {}, pred {}, gold {})",
            m["p"].as_f64().unwrap_or(0.0),
            m["r"].as_f64().unwrap_or(0.0),
            m["f1"].as_f64().unwrap_or(0.0),
            m["tp"],
            m["pred"],
            m["gold"]
        )
    };
    for (ty, _) in TYPES {
        let name = ty.array().expect("array");
        let t = &result[name];
        if t["gold"].as_u64().unwrap_or(0) == 0 && t["gold_optional"].as_u64().unwrap_or(0) == 0 {
            let _ = writeln!(s, "{name:<14} not annotated in the gold ({} predicted)", t["pred"]);
            continue;
        }
        for (_, mode) in MODES {
            let _ = writeln!(s, "{:<14} {mode:<8} {}", if mode == "exact" { name } else { "" }, line(&t[mode]));
        }
        for (v, m) in t["by"].as_object().into_iter().flatten() {
            let found = format!("found {}/{}", m["found_exact"], m["exact"]["gold"]);
            let _ = writeln!(s, "  = {v:<20} exact    {}  {found}", line(&m["exact"]));
        }
        for (f, m) in t["fields"].as_object().into_iter().flatten() {
            let (e, o) = (&m["exact"], &m["overlap"]);
            let _ = writeln!(s, "  field {f:<16} exact {}/{}  overlap {}/{}", e["correct"], e["compared"], o["correct"], o["compared"]);
        }
        if let Some(c) = t["confusions"].as_object().filter(|c| !c.is_empty()) {
            let list: Vec<String> = c.iter().map(|(k, v)| format!("{k} {v}")).collect();
            let _ = writeln!(s, "  confusions (gold→pred): {}", list.join(", "));
        }
        for (r, m) in t["rules"].as_object().into_iter().flatten() {
            let o = &m["overlap"];
            let _ = writeln!(
                s,
                "  rule {r:<40} pred {:<5} overlap P {:.3}  recall share {:.3}",
                m["pred"],
                o["p"].as_f64().unwrap_or(0.0),
                o["r"].as_f64().unwrap_or(0.0)
            );
        }
    }
    if let Some(m) = result["metadata"].as_object().filter(|m| !m.is_empty()) {
        let list: Vec<String> = m.iter().map(|(k, v)| format!("{k} {}/{}", v["correct"], v["compared"])).collect();
        let _ = writeln!(s, "metadata       {}", list.join(", "));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_tokens_as_the_reference_scorer() {
        assert!(name_match("Xi’s speech", "Xi’s speech"));
        assert!(name_match("President Obama", "Obama"));
        assert!(name_match("the US", "The US"));
        assert!(!name_match("", "Obama"));
        assert!(name_match("O’Neil", "oneil"));
        assert!(name_match("Xi's", "Xi"));
        assert!((token_f1("the plan would fail", "the plan will fail") - 0.75).abs() < 1e-9);
        assert_eq!(quote_key("“not conducive.”"), "not conducive");
    }

    #[test]
    fn span_gold_matches_by_offsets() {
        let att = |cs: usize, ce: usize, src: &str| {
            json!({"source": {"start": 0, "end": 5, "text": src}, "cue": {"start": cs, "end": ce, "text": "said"},
                   "content": {"start": 11, "end": 30, "text": "the plan would fail"}, "content_kind": "indirect"})
        };
        let gold = vec![json!({"doc_id": "d", "attributions": [att(6, 10, "Smith"), att(40, 44, "Jones")]})];
        let pred = vec![json!({"doc_id": "d", "attributions": [att(6, 10, "Smith"), att(41, 48, "Brown"), att(60, 64, "Nobody")]})];
        let r = evaluate(&gold, &pred);
        let a = &r["attributions"];
        assert_eq!((a["exact"]["tp"].as_u64(), a["overlap"]["tp"].as_u64()), (Some(1), Some(2)));
        assert_eq!(a["overlap"]["p"], 0.6667);
        assert_eq!(a["fields"]["source"]["overlap"]["correct"], 1);
        assert_eq!(a["fields"]["source"]["overlap"]["compared"], 2);
    }

    #[test]
    fn text_gold_scores_exact_overlap_fields_and_categories() {
        let gold = vec![json!({"doc_id": "d",
            "sentences": [{"text": "One two three.", "block": "body"}, {"text": "Four five.", "block": "author_bio"}, {"text": "Masthead", "optional": true}],
            "quotes": [{"text": "a plan", "kind": "term"}]})];
        let pred = vec![json!({"doc_id": "d", "metadata": {},
            "sentences": [{"id": "s0", "start": 0, "end": 8, "text": "Masthead", "block": "title", "paragraph": 0},
                          {"id": "s1", "start": 9, "end": 23, "text": "One two three.", "block": "body", "paragraph": 1},
                          {"id": "s2", "start": 24, "end": 34, "text": "Four five.", "block": "body", "paragraph": 2}],
            "quotes": [{"id": "q0", "start": 1, "end": 7, "text": "a plan.", "kind": "partial", "rules": ["quote/x"]}],
            "attributions": [], "claims": []})];
        let r = evaluate(&gold, &pred);
        assert_eq!(r["sentences"]["exact"]["tp"], 3);
        assert_eq!(r["sentences"]["exact"]["p"], 1.0);
        assert_eq!(r["sentences"]["exact"]["r"], 1.0);
        assert_eq!(r["sentences"]["by"]["body"]["exact"]["p"], 0.5);
        assert_eq!(r["sentences"]["by"]["author_bio"]["found_exact"], 1);
        assert_eq!(r["sentences"]["confusions"]["author_bio→body"], 1);
        assert_eq!(r["sentences"]["fields"]["block"]["exact"]["correct"], 1);
        assert_eq!(r["quotes"]["exact"]["tp"], 1);
        assert_eq!(r["quotes"]["fields"]["kind"]["exact"]["correct"], 0);
        assert_eq!(r["quotes"]["rules"]["quote/x"]["pred"], 1);
        // Claims are not annotated in this gold: not scored.
        assert_eq!(r["claims"]["gold"], 0);
        assert_eq!(r["claims"]["pred"], 0);
        let min: toml::Table = "\"sentences.exact.f1\" = 0.9\n\"quotes.fields.kind.exact.accuracy\" = 0.5\n\"nope\" = 1".parse().unwrap();
        let fails = check_thresholds(&r, &min);
        assert_eq!(fails.len(), 2, "{fails:?}");
        assert!(render(&r).contains("confusions (gold→pred): author_bio→body 1"));
    }
}
