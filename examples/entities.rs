//! Every entity claimex finds in a document, in every sentence (claims keep only those of
//! their own sentences): one JSON line per document, `{"id", "entities": [{start, end,
//! text, kind}]}`, offsets in code points of the original text.
//!
//! ```sh
//! cargo run --release --example entities -- notes.txt articles.jsonl
//! ```
//!
//! A `.jsonl` input gives one document per line (its `id` and `text` fields); any other file
//! is one document. `scripts/entities_vs_spacy.py` compares this output with spaCy's.

use std::io::Write;

use claimex::ingest::Document;
use claimex::record::Spans;
use claimex::rules::RuleSet;
use claimex::tag::entities;

fn main() -> std::io::Result<()> {
    let rules = RuleSet::builtin();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for path in std::env::args().skip(1) {
        let body = std::fs::read_to_string(&path)?;
        let docs: Vec<Document> = if path.ends_with(".jsonl") {
            body.lines()
                .filter(|l| !l.trim().is_empty())
                .enumerate()
                .map(|(i, l)| {
                    let v: serde_json::Value = serde_json::from_str(l).expect("a JSON line");
                    let id = v["id"].as_str().map_or_else(|| i.to_string(), str::to_string);
                    Document { id, text: v["text"].as_str().unwrap_or_default().to_string(), ..Default::default() }
                })
                .collect()
        } else {
            vec![Document { id: path.clone(), text: body, ..Default::default() }]
        };
        for doc in docs {
            let a = claimex::analyse(&doc, &rules);
            let sp = Spans::new(&doc, &a);
            let ents: Vec<serde_json::Value> = entities::document(&a)
                .into_iter()
                .map(|e| {
                    let s = sp.span(e.range);
                    serde_json::json!({"start": s.start, "end": s.end, "text": s.text, "kind": e.kind})
                })
                .collect();
            writeln!(out, "{}", serde_json::json!({"id": doc.id, "entities": ents}))?;
        }
    }
    out.flush()
}
