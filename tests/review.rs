//! The review loop (issue 15): `claimex report` writes escaped, self-contained pages;
//! `claimex export` writes each tool's offsets (UTF-16 for Label Studio, code points for
//! brat and doccano); `claimex import` gives back the same spans, and an edited annotation
//! changes the imported gold. The browser half of the report's tests is
//! `tests/report_browser.rs`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::Scratch;
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_claimex");

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn claimex(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(BIN).args(args).current_dir(root()).output().expect("run claimex");
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn read_jsonl(p: &Path) -> Vec<Value> {
    std::fs::read_to_string(p).unwrap().lines().filter(|l| !l.is_empty()).map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// Extract the hostile inputs and the fixtures into `dir/out`.
fn extracted(dir: &Path) -> PathBuf {
    let out = dir.join("out");
    let (_, _, err) = claimex(&["extract", "tests/data/review/hostile.jsonl", "fixtures/quotes-marks", "-q", "-o", s(&out)]);
    assert!(out.join("documents.jsonl").exists(), "{err}");
    out
}

/// `(doc_id, kind, start, end)` of every quotation, attribution part and claim.
fn spans(docs: &[Value]) -> Vec<(String, String, u64, u64)> {
    let mut out = Vec::new();
    for d in docs {
        let id = d["doc_id"].as_str().unwrap().to_string();
        let mut push = |kind: &str, v: &Value| {
            if let (Some(a), Some(b)) = (v["start"].as_u64(), v["end"].as_u64()) {
                out.push((id.clone(), kind.to_string(), a, b));
            }
        };
        for q in d["quotes"].as_array().unwrap() {
            push("quote", q);
        }
        for a in d["attributions"].as_array().unwrap() {
            // A part each, joined to its cue, so a source moved to another cue counts.
            let cue = format!("@{}", a["cue"]["start"]);
            push(&format!("source{cue}"), &a["source"]);
            push("cue", &a["cue"]);
            push(&format!("content{cue}"), &a["content"]);
        }
        for c in d["claims"].as_array().unwrap() {
            push(&format!("claim:{}", c["types"].as_array().map(|t| t.len()).unwrap_or(0)), c);
        }
    }
    out.sort();
    out
}

fn import(tool: &str, input: &Path, gold: &Path) -> Vec<Value> {
    let (ok, _, err) = claimex(&["import", "--from", tool, s(input), "-o", s(gold)]);
    assert!(ok, "import --from {tool}: {err}");
    read_jsonl(gold)
}

#[test]
fn export_then_import_gives_back_the_same_spans_in_every_tool() {
    let dir = Scratch::new("review-roundtrip");
    let out = extracted(&dir);
    let pred = read_jsonl(&out.join("documents.jsonl"));
    let want = spans(&pred);
    assert!(want.iter().any(|s| s.1.starts_with("source")) && want.iter().any(|s| s.1 == "quote"), "the inputs have every kind");
    for (tool, file) in [("label-studio", "tasks.json"), ("brat", ""), ("doccano", "doccano.jsonl")] {
        let ex = dir.join(tool);
        let (ok, _, err) = claimex(&["export", s(&out), "--to", tool, "-o", s(&ex)]);
        assert!(ok, "{err}");
        let input = if file.is_empty() { ex.clone() } else { ex.join(file) };
        let gold = import(tool, &input, &dir.join(format!("{tool}.gold.jsonl")));
        let mut got = spans(&gold);
        if tool == "doccano" {
            // doccano keeps no claim types: compare the claims without them.
            let strip = |v: &mut Vec<(String, String, u64, u64)>| {
                v.iter_mut().filter(|s| s.1.starts_with("claim")).for_each(|s| s.1 = "claim".into());
                v.sort();
            };
            let mut want = want.clone();
            strip(&mut want);
            strip(&mut got);
            assert_eq!(got, want, "{tool}");
        } else {
            assert_eq!(got, want, "{tool}");
        }
        // The imported texts are the records' own slices.
        for (g, p) in gold.iter().zip(&pred).filter(|(g, _)| tool != "brat" || g["doc_id"] == "emoji-cjk") {
            assert_eq!(g["doc_id"], p["doc_id"]);
            assert_eq!(g["claims"][0]["text"], p["claims"][0]["text"], "{tool}");
        }
        // And `claimex eval` reads the gold: everything found exactly.
        let (ok, figures, err) = claimex(&["eval", "--gold", s(&dir.join(format!("{tool}.gold.jsonl"))), "--pred", s(&out), "--json"]);
        assert!(ok, "{err}");
        let f: Value = serde_json::from_str(&figures).unwrap();
        for ty in ["quotes", "attributions", "claims"] {
            assert_eq!(f[ty]["exact"]["f1"], json!(1.0), "{tool} {ty}: {}", f[ty]["exact"]);
        }
    }
}

/// The UTF-16 code units of a string, as JavaScript indexes it.
fn js_slice(text: &str, start: u64, end: u64) -> String {
    let units: Vec<u16> = text.encode_utf16().collect();
    String::from_utf16(&units[start as usize..end as usize]).unwrap()
}

#[test]
fn each_tool_gets_its_own_offsets_with_emoji_and_cjk() {
    let dir = Scratch::new("review-offsets");
    let out = extracted(&dir);
    for tool in ["label-studio", "brat", "doccano"] {
        let (ok, _, err) = claimex(&["export", s(&out), "--to", tool, "-o", s(&dir.join(tool))]);
        assert!(ok, "{err}");
    }
    // Label Studio: UTF-16, so that JavaScript's slice gives the region's text back.
    let tasks: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(dir.join("label-studio/tasks.json")).unwrap()).unwrap();
    let (mut checked, mut shifted) = (0, 0);
    for t in &tasks {
        let text = t["data"]["text"].as_str().unwrap();
        let chars: Vec<char> = text.chars().collect();
        for r in t["predictions"][0]["result"].as_array().unwrap().iter().filter(|r| r["type"] == "labels") {
            let (a, b) = (r["value"]["start"].as_u64().unwrap(), r["value"]["end"].as_u64().unwrap());
            assert_eq!(js_slice(text, a, b), r["value"]["text"].as_str().unwrap());
            let cp_start = text.encode_utf16().take(a as usize).collect::<Vec<u16>>();
            let cp_start = String::from_utf16(&cp_start).unwrap().chars().count();
            shifted += usize::from(cp_start != a as usize);
            assert!(cp_start <= chars.len());
            checked += 1;
        }
    }
    assert!(checked > 20 && shifted > 0, "{checked} regions, {shifted} after an emoji");
    let config = std::fs::read_to_string(dir.join("label-studio/label_config.xml")).unwrap();
    for want in [
        "<Label value=\"Source\"",
        "<Label value=\"Claim\"",
        "<Relation value=\"says\"",
        "perRegion=\"true\"",
        "<Text name=\"text\" value=\"$text\"/>",
    ] {
        assert!(config.contains(want), "{want} in {config}");
    }

    // brat: code points of the .txt; a fragment never holds a line break.
    let name = "emoji-cjk";
    let txt: Vec<char> = std::fs::read_to_string(dir.join(format!("brat/{name}.txt"))).unwrap().chars().collect();
    let ann = std::fs::read_to_string(dir.join(format!("brat/{name}.ann"))).unwrap();
    let mut t_lines = 0;
    for line in ann.lines().filter(|l| l.starts_with('T')) {
        let cols: Vec<&str> = line.split('\t').collect();
        let offsets = cols[1].split_once(' ').unwrap().1;
        let frags: Vec<String> = offsets
            .split(';')
            .map(|f| {
                let (a, b) = f.split_once(' ').unwrap();
                txt[a.parse::<usize>().unwrap()..b.parse::<usize>().unwrap()].iter().collect()
            })
            .collect();
        assert!(frags.iter().all(|f| !f.contains('\n')), "{line}");
        assert_eq!(frags.join(" "), cols[2], "{line}");
        t_lines += 1;
    }
    assert!(t_lines > 5 && ann.contains("\tsays Arg1:T") && ann.contains("\tcontent Arg1:T") && ann.contains("\tquantity T"), "{ann}");
    assert!(ann.contains("港口 officials") && ann.contains("🌊 storms"), "{ann}");
    let hostile_name = "%3Cscript%3Ealert%28%22id%22%29%3C%2Fscript%3E%20%26%20co";
    assert!(dir.join(format!("brat/{hostile_name}.ann")).exists(), "the id is percent-encoded");

    // doccano: code points.
    for line in read_jsonl(&dir.join("doccano/doccano.jsonl")) {
        let text: Vec<char> = line["text"].as_str().unwrap().chars().collect();
        let pred = read_jsonl(&out.join("documents.jsonl"));
        let rec = pred.iter().find(|p| p["doc_id"] == line["doc_id"]).unwrap();
        let claim_spans: Vec<(u64, u64)> =
            rec["claims"].as_array().unwrap().iter().map(|c| (c["start"].as_u64().unwrap(), c["end"].as_u64().unwrap())).collect();
        for e in line["entities"].as_array().unwrap().iter().filter(|e| e["label"] == "Claim") {
            let (a, b) = (e["start_offset"].as_u64().unwrap(), e["end_offset"].as_u64().unwrap());
            assert!(claim_spans.contains(&(a, b)));
            assert!(b as usize <= text.len());
        }
        assert!(!line["relations"].as_array().unwrap().is_empty());
    }
}

#[test]
fn an_edited_annotation_changes_the_imported_gold() {
    let dir = Scratch::new("review-edit");
    let out = extracted(&dir);
    let pred = read_jsonl(&out.join("documents.jsonl"));
    let emoji = pred.iter().find(|p| p["doc_id"] == "emoji-cjk").unwrap();
    let (ok, _, err) = claimex(&["export", s(&out), "--to", "label-studio", "-o", s(&dir.join("ls"))]);
    assert!(ok, "{err}");

    // What an annotator does in Label Studio: the claim after `🌊` loses its last word
    // (" week" → ""), the first claim is deleted; Label Studio exports the annotation.
    let path = dir.join("ls/tasks.json");
    let mut tasks: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let task = tasks.iter_mut().find(|t| t["data"]["doc_id"] == "emoji-cjk").unwrap();
    let mut result = task["predictions"][0]["result"].as_array().unwrap().clone();
    let storm = emoji["claims"].as_array().unwrap().iter().find(|c| c["text"].as_str().unwrap().starts_with("🌊")).unwrap();
    let first = emoji["claims"][0]["id"].as_str().unwrap().to_string();
    let storm_id = storm["id"].as_str().unwrap();
    result.retain(|r| r["id"] != first.as_str() && r["from_id"] != first.as_str());
    for r in result.iter_mut().filter(|r| r["id"] == storm_id) {
        let end = r["value"]["end"].as_u64().unwrap();
        r["value"]["end"] = json!(end - " a week".len() as u64);
    }
    task["annotations"] = json!([{"id": 7, "was_cancelled": false, "updated_at": "2026-01-02T10:00:00Z", "result": result}]);
    std::fs::write(&path, serde_json::to_string(&tasks).unwrap()).unwrap();

    let gold = import("label-studio", &path, &dir.join("gold.jsonl"));
    let g = gold.iter().find(|g| g["doc_id"] == "emoji-cjk").unwrap();
    let claims = g["claims"].as_array().unwrap();
    assert_eq!(claims.len(), emoji["claims"].as_array().unwrap().len() - 1, "the deleted claim is gone");
    let edited = claims.iter().find(|c| c["text"].as_str().unwrap().starts_with("🌊")).unwrap();
    assert_eq!(edited["text"], "🌊 storms could close the harbour for");
    assert_eq!(edited["start"], storm["start"], "code points, not UTF-16 units");
    assert_eq!(edited["end"].as_u64().unwrap(), storm["end"].as_u64().unwrap() - 7);
    assert_eq!(edited["types"], storm["types"]);
    // The other document was not annotated: its prediction is taken, with a note.
    let (_, _, err) = claimex(&["import", "--from", "label-studio", s(&path)]);
    assert!(err.contains("not annotated"), "{err}");

    // The gold now disagrees with the output exactly where the annotator did.
    let (_, figures, _) = claimex(&["eval", "--gold", s(&dir.join("gold.jsonl")), "--pred", s(&out), "--json"]);
    let f: Value = serde_json::from_str(&figures).unwrap();
    assert_eq!(f["claims"]["exact"]["tp"].as_u64().unwrap() + 1, f["claims"]["exact"]["gold"].as_u64().unwrap(), "{}", f["claims"]);
    assert_eq!(f["attributions"]["exact"]["f1"], json!(1.0));

    // brat and doccano: an edited offset arrives too.
    let (ok, _, err) = claimex(&["export", s(&out), "--to", "brat", "-o", s(&dir.join("brat"))]);
    assert!(ok, "{err}");
    let ann_path = dir.join("brat/emoji-cjk.ann");
    let ann = std::fs::read_to_string(&ann_path).unwrap();
    let cue = emoji["attributions"][1]["cue"].clone();
    let line = format!("Cue {} {}\t{}", cue["start"], cue["end"], cue["text"].as_str().unwrap());
    assert!(ann.contains(&line), "{line} in {ann}");
    std::fs::write(&ann_path, ann.replace(&line, &format!("Cue {} {}\twarned that", cue["start"], cue["end"].as_u64().unwrap() + 5)))
        .unwrap();
    let gold = import("brat", &dir.join("brat"), &dir.join("brat.gold.jsonl"));
    let g = gold.iter().find(|g| g["doc_id"] == "emoji-cjk").unwrap();
    assert!(g["attributions"].as_array().unwrap().iter().any(|a| a["cue"]["text"] == "warned that"), "{g}");

    let (ok, _, err) = claimex(&["export", s(&out), "--to", "doccano", "-o", s(&dir.join("dc"))]);
    assert!(ok, "{err}");
    let dc = dir.join("dc/doccano.jsonl");
    let mut lines = read_jsonl(&dc);
    let line = lines.iter_mut().find(|l| l["doc_id"] == "emoji-cjk").unwrap();
    let quote_free = line["entities"].as_array_mut().unwrap();
    let claim = quote_free.iter_mut().find(|e| e["label"] == "Claim" && e["start_offset"] == storm["start"]).unwrap();
    claim["label"] = json!("Quote");
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(&dc, text).unwrap();
    let gold = import("doccano", &dc, &dir.join("dc.gold.jsonl"));
    let g = gold.iter().find(|g| g["doc_id"] == "emoji-cjk").unwrap();
    assert_eq!(g["quotes"][0]["text"], storm["text"], "{g}");
}

#[test]
fn malformed_tool_files_are_reported_with_their_place() {
    let dir = Scratch::new("review-bad");
    std::fs::write(
        dir.join("bad.jsonl"),
        "{\"text\": \"abc\", \"entities\": [{\"id\": 1, \"label\": \"Speaker\", \"start_offset\": 0, \"end_offset\": 1}]}\n",
    )
    .unwrap();
    let out = Command::new(BIN).args(["import", "--from", "doccano", s(&dir.join("bad.jsonl"))]).output().unwrap();
    assert_eq!(out.status.code(), Some(65));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.jsonl:1: unknown label \"Speaker\""), "{err}");
    // A UTF-16 offset inside a surrogate pair is no character boundary.
    let task = json!([{"data": {"text": "😀 ok", "doc_id": "d"}, "annotations": [{"result": [
        {"id": "x", "type": "labels", "from_name": "label", "to_name": "text", "value": {"start": 1, "end": 4, "labels": ["Claim"]}}]}]}]);
    std::fs::write(dir.join("ls.json"), task.to_string()).unwrap();
    let out = Command::new(BIN).args(["import", "--from", "label-studio", s(&dir.join("ls.json"))]).output().unwrap();
    assert_eq!(out.status.code(), Some(65));
    assert!(String::from_utf8_lossy(&out.stderr).contains("start 1 is not a character boundary"));
    let out = Command::new(BIN).args(["import", "--from", "brat", s(&dir.join("missing"))]).output().unwrap();
    assert_eq!(out.status.code(), Some(66), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn report_pages_escape_hostile_text_and_inline_everything() {
    let dir = Scratch::new("review-report");
    let out = extracted(&dir);
    let (ok, _, err) = claimex(&["report", s(&out), "-o", s(&dir.join("rep"))]);
    assert!(ok, "{err}");
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir.join("rep")).unwrap().map(|e| e.unwrap().path()).collect();
    pages.sort();
    assert_eq!(pages.len(), 4, "{pages:?}");
    for p in &pages {
        let html = std::fs::read_to_string(p).unwrap();
        let scripts = if p.ends_with("index.html") { 0 } else { 1 };
        assert_eq!(html.matches("<script").count(), scripts, "{}", p.display());
        assert!(!html.contains("<b>now") && !html.contains("<b>rise"), "{}", p.display());
        for external in ["src=\"http", "href=\"http", "@import", "url("] {
            assert!(!html.contains(external), "{external} in {}", p.display());
        }
    }
    let first = std::fs::read_to_string(&pages[0]).unwrap();
    assert!(
        first.contains("read &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; and &quot;Fares &amp; fees&quot; &lt;b&gt;now&lt;/b&gt;"),
        "{first}"
    );
    assert!(first.contains("<title>Fares &amp; &quot;fees&quot; &lt;b&gt;rise&lt;/b&gt;</title>"));
    let index = std::fs::read_to_string(dir.join("rep/index.html")).unwrap();
    assert!(index.contains("&lt;script&gt;alert(&quot;id&quot;)&lt;/script&gt; &amp; co"), "{index}");
    assert!(index.contains("<svg") && index.contains("data-label=\"Officials in 東京\""), "{index}");
}
