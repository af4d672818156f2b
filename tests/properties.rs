//! Property tests (issue 7): over arbitrary Unicode and over generated news-like text,
//! extraction never panics and every record keeps the promises of `claimex::invariants`
//! (spans on character boundaries whose slice of the original equals their text; sentences
//! ordered, non-overlapping, covering all non-space text); the output is identical for any
//! thread count and chunk size; and every CSV row parses back to the values of the JSONL
//! record it came from.

mod common;

use proptest::prelude::*;

use claimex::batch::{self, Config};
use claimex::ingest::{Document, Input};
use claimex::invariants::{check_analysis, check_record};
use claimex::record::{AttributionRecord, ClaimRecord, Cue, DocumentRecord, EntityRecord, ErrorRecord, QuoteRecord, SentenceRecord, Span};
use claimex::rules::RuleSet;
use claimex::write::{self, Layout, Output};
use common::Scratch;

fn rules() -> &'static RuleSet {
    static RULES: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
    RULES.get_or_init(RuleSet::builtin)
}

fn check(text: &str) -> Result<DocumentRecord, TestCaseError> {
    let doc = Document { id: "p".into(), source: "p".into(), text: text.to_string(), ..Default::default() };
    let a = claimex::analyse(&doc, rules());
    check_analysis(text, &a).map_err(|e| TestCaseError::fail(format!("{e} in {text:?}")))?;
    let rec = claimex::record::build(&doc, a);
    check_record(text, &rec).map_err(|e| TestCaseError::fail(format!("{e} in {text:?}")))?;
    Ok(rec)
}

/// Pieces that sit at or make boundaries, for text that is hostile but not pure noise.
const PIECES: &[&str] = &[
    "a",
    "Word",
    "the",
    "ÉTÉ",
    "zürich",
    "中文",
    "مرحبا",
    "שלום",
    "7",
    "3.5%",
    "$1.2bn",
    " ",
    " ",
    "  ",
    "\t",
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    "\u{a0}",
    "\u{2028}",
    ".",
    ". ",
    "?",
    "!",
    "…",
    "...",
    "。",
    "“",
    "”",
    "\"",
    "'",
    "‘",
    "’",
    "«",
    "»",
    "(",
    ")",
    "[",
    "]",
    "*",
    "**",
    "_",
    "#",
    "# ",
    "## ",
    "-",
    "-\n",
    "- ",
    "1. ",
    ",",
    ":",
    ";",
    "Dr.",
    "U.S.",
    "e.g.",
    "Jan.",
    "No.",
    "J.",
    "Inc.",
    "\u{301}",
    "\u{200d}",
    "\u{200b}",
    "\u{200f}",
    "\u{feff}",
    "\u{ad}",
    "👩\u{200d}👩\u{200d}👧",
    "🇯🇵",
    "👍🏽",
    "\u{fe0f}",
    "\u{0}",
    "\u{1}",
];

fn hostile_text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..80).prop_map(|v| v.concat())
}

/// News-like text: paragraphs of sentences with quotations, attributions, numbers,
/// abbreviations, headings, hard wraps, hyphenation and Markdown emphasis.
fn news_text() -> impl Strategy<Value = String> {
    let who = prop::sample::select(vec!["Dr. Ann Lee", "The minister", "Mr. J. K. Stone", "A U.N. spokesman", "She", "Officials in Kyiv"]);
    let verb = prop::sample::select(vec!["said", "argued", "warned", "told reporters", "claimed", "insisted"]);
    let what = prop::sample::select(vec![
        "prices rose 3.5% in the year to March",
        "the plan would cost $1.2bn (about €1bn)",
        "nobody expected the vote to fail",
        "talks would resume on Jan. 5 in Geneva",
        "exports fell for a third month, the worst run since 2009",
    ]);
    let sentence = (who, verb, what, 0..6u8).prop_map(|(w, v, x, form)| {
        let cap = format!("{}{}", x[..1].to_uppercase(), &x[1..]);
        match form {
            0 => format!("“{cap},” {} {v}.", w.to_lowercase()),
            1 => format!("{w} {v} that {x}."),
            2 => format!("{w} {v}: “{cap}.”"),
            3 => format!("*{cap}*, {w} {v}."),
            4 => format!("{cap}?"),
            _ => format!("{cap}."),
        }
    });
    let paragraph = (prop::collection::vec(sentence, 1..5), 0..4u8).prop_map(|(ss, shape)| {
        let body = ss.join(" ");
        match shape {
            // Hard-wrapped at a space, sometimes with CRLF.
            0 => body.replacen(' ', "\n", 2),
            1 => body.replacen(' ', "\r\n", 1),
            // Hyphenated across a line break.
            2 => body.replacen("month", "mon-\nth", 1),
            _ => body,
        }
    });
    let heading = prop::sample::select(vec!["# Prices and plans", "## What they said", "**Analysis**", "By Ann Lee", "27 August 2014"]);
    (prop::collection::vec(paragraph, 1..6), prop::option::of(heading), any::<bool>()).prop_map(|(ps, h, title)| {
        let mut parts = Vec::new();
        if title {
            parts.push("Talks Resume in Geneva".to_string());
        }
        if let Some(h) = h {
            parts.push(h.to_string());
        }
        parts.extend(ps);
        parts.join("\n\n")
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_unicode_keeps_every_promise(text in any::<String>()) {
        check(&text)?;
    }

    #[test]
    fn hostile_pieces_keep_every_promise(text in hostile_text()) {
        check(&text)?;
    }

    #[test]
    fn news_like_text_keeps_every_promise(text in news_text()) {
        let rec = check(&text)?;
        // Every paragraph holds a sentence, and every sentence has a letter.
        prop_assert!(rec.sentences.len() >= text.split("\n\n").count());
        prop_assert!(rec.sentences.iter().all(|s| s.text.chars().any(char::is_alphanumeric)));
    }
}

/// Run the batch over `texts` (as one JSONL file) and return the dataset's bytes.
fn run(dir: &std::path::Path, input: &Input, threads: usize, chunk_docs: usize, chunk_bytes: usize) -> Vec<Vec<u8>> {
    let out_dir = dir.join(format!("out-{threads}-{chunk_docs}-{chunk_bytes}"));
    let mut out = Output::create(Some(&out_dir), Layout::Dataset(claimex::write::Tables::ALL), false).unwrap();
    let cfg = Config { threads, chunk_docs, chunk_bytes, ..Default::default() };
    batch::run(std::slice::from_ref(input), rules(), &cfg, &mut out, &mut |_| {}).unwrap();
    out.finish().unwrap();
    ["documents.jsonl", "sentences.csv", "quotes.csv", "attributions.csv", "claims.csv"]
        .iter()
        .map(|n| std::fs::read(out_dir.join(n)).unwrap())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn output_is_identical_across_thread_counts_and_chunk_sizes(
        texts in prop::collection::vec(prop_oneof![news_text(), hostile_text()], 1..40),
        chunk in 1..9usize,
    ) {
        let dir = Scratch::new("prop-threads");
        let path = dir.join("in.jsonl");
        let lines: Vec<String> = texts.iter().enumerate().map(|(i, t)| serde_json::json!({"id": format!("d{i}"), "text": t}).to_string()).collect();
        std::fs::write(&path, lines.join("\n")).unwrap();
        let input = Input { path: path.clone(), root: dir.to_path_buf() };
        let serial = run(&dir, &input, 1, 512, 8 << 20);
        prop_assert_eq!(&serial, &run(&dir, &input, 2, chunk, 8 << 20));
        prop_assert_eq!(&serial, &run(&dir, &input, 3, 512, 100));
    }
}

/// Cell text with everything that needs CSV quoting.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![Just(String::new()), "[a-z ,\"\n\r;é中👍]{0,12}", any::<String>(),]
}

fn span() -> impl Strategy<Value = Span> {
    (0..1000usize, 0..50usize, cell()).prop_map(|(s, l, text)| Span { start: s, end: s + l, text })
}

fn list() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(cell(), 0..3)
}

fn record() -> impl Strategy<Value = DocumentRecord> {
    let sentence = (cell(), 0..9usize, span(), cell()).prop_map(|(block, p, sp, text)| SentenceRecord {
        id: "s0".into(),
        start: sp.start,
        end: sp.end,
        block,
        paragraph: p,
        text,
        raw: Some(sp.text).filter(|r| !r.is_empty()),
        rules: vec![],
    });
    let quote = (
        span(),
        cell(),
        list(),
        prop::option::of(cell()),
        prop::option::of(cell()),
        prop::option::of(cell()),
        list(),
        prop::option::of(cell()),
    )
        .prop_map(|(sp, kind, sids, speaker, resolved, aid, rules, note)| QuoteRecord {
            id: "q0".into(),
            start: sp.start,
            end: sp.end,
            text: sp.text,
            kind,
            sentence_ids: sids,
            speaker,
            speaker_resolved: resolved,
            attribution_id: aid,
            rules,
            note,
        });
    let attribution = (
        prop::option::of(span()),
        prop::option::of(cell()),
        cell(),
        span(),
        (cell(), cell()),
        span(),
        cell(),
        prop::option::of(cell()),
        cell(),
    )
        .prop_map(|(source, resolved, kind, cue, (lemma, class), content, ckind, hedge, rule)| AttributionRecord {
            id: "a0".into(),
            sentence_id: "s0".into(),
            source,
            source_resolved: resolved,
            source_kind: kind,
            cue: Cue { start: cue.start, end: cue.end, text: cue.text, lemma, class },
            content,
            content_kind: ckind,
            hedge,
            rule,
        });
    // Rounded to 3 decimals, as record.rs writes it.
    let claim = (
        span(),
        list(),
        (0..=1000u32).prop_map(|n| f64::from(n) / 1000.0),
        list(),
        any::<(bool, bool)>(),
        list(),
        cell(),
        prop::option::of(cell()),
        prop::collection::vec((span(), cell()), 0..3),
        list(),
    )
        .prop_map(|(sp, types, cw, feats, (hedged, negated), cues, claimant, aid, ents, rules)| ClaimRecord {
            id: "c0".into(),
            sentence_id: "s0".into(),
            start: sp.start,
            end: sp.end,
            text: sp.text,
            types,
            checkworthiness: cw,
            checkworthiness_features: feats,
            hedged,
            hedge_cues: cues,
            boosters: vec![],
            negated,
            claimant,
            frame_claim_id: aid.clone(),
            attribution_id: aid,
            entities: ents.into_iter().map(|(s, kind)| EntityRecord { start: s.start, end: s.end, text: s.text, kind }).collect(),
            rules,
        });
    let error = (cell(), prop::option::of(1..99usize), cell()).prop_map(|(file, line, message)| ErrorRecord { file, line, message });
    (
        (cell(), cell(), prop::collection::btree_map(cell(), cell(), 0..3), prop::collection::btree_map(cell(), cell(), 0..2)),
        prop::collection::vec(sentence, 0..4),
        prop::collection::vec(quote, 0..3),
        prop::collection::vec(attribution, 0..3),
        prop::collection::vec(claim, 0..3),
        prop::collection::vec(error, 0..2),
    )
        .prop_map(|((doc_id, source, metadata, metadata_rules), sentences, quotes, attributions, claims, errors)| DocumentRecord {
            schema_version: claimex::record::SCHEMA_VERSION,
            doc_id,
            source,
            metadata: metadata.into_iter().map(|(k, v)| (k, serde_json::Value::String(v))).collect(),
            metadata_rules,
            sentences,
            quotes,
            attributions,
            claims,
            errors,
        })
}

/// Parse rendered CSV rows under their header.
fn rows(header: &[&str], body: &[u8]) -> Vec<Vec<String>> {
    let mut data = header.join(",").into_bytes();
    data.push(b'\n');
    data.extend_from_slice(body);
    let mut r = csv::ReaderBuilder::new().from_reader(data.as_slice());
    assert_eq!(r.headers().unwrap().iter().collect::<Vec<_>>(), header);
    r.records().map(|rec| rec.unwrap().iter().map(str::to_owned).collect()).collect()
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap()
}

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn csv_rows_parse_back_to_the_jsonl_record(rec in record()) {
        let r = write::render(rec.clone(), claimex::write::Tables::ALL);
        // Written item by item, the line has the bytes serde_json gives the whole record.
        let mut whole = serde_json::to_vec(&rec).unwrap();
        whole.push(b'\n');
        prop_assert_eq!(&r.jsonl, &whole);
        let back: DocumentRecord = serde_json::from_slice(&r.jsonl).unwrap();
        prop_assert_eq!(&back, &rec);
        let d = &rec.doc_id;
        let want: Vec<Vec<String>> = rec.sentences.iter().map(|s| vec![
            d.clone(), s.id.clone(), s.block.clone(), s.paragraph.to_string(), s.start.to_string(), s.end.to_string(), s.text.clone(),
        ]).collect();
        prop_assert_eq!(rows(write::SENTENCE_COLUMNS, &r.sentences), want);
        let want: Vec<Vec<String>> = rec.quotes.iter().map(|q| vec![
            d.clone(), q.id.clone(), json(&q.sentence_ids), q.start.to_string(), q.end.to_string(), q.kind.clone(), q.text.clone(),
            opt(&q.speaker), opt(&q.speaker_resolved), opt(&q.attribution_id), json(&q.rules), opt(&q.note),
        ]).collect();
        prop_assert_eq!(rows(write::QUOTE_COLUMNS, &r.quotes), want);
        let want: Vec<Vec<String>> = rec.attributions.iter().map(|a| {
            let (src, ss, se) = a.source.as_ref().map_or((String::new(), String::new(), String::new()), |s| (s.text.clone(), s.start.to_string(), s.end.to_string()));
            vec![
                d.clone(), a.id.clone(), a.sentence_id.clone(), src, ss, se, opt(&a.source_resolved), a.source_kind.clone(),
                a.cue.text.clone(), a.cue.start.to_string(), a.cue.end.to_string(), a.cue.lemma.clone(), a.cue.class.clone(),
                a.content.text.clone(), a.content.start.to_string(), a.content.end.to_string(), a.content_kind.clone(), opt(&a.hedge), a.rule.clone(),
            ]
        }).collect();
        prop_assert_eq!(rows(write::ATTRIBUTION_COLUMNS, &r.attributions), want);
        let got = rows(write::CLAIM_COLUMNS, &r.claims);
        prop_assert_eq!(got.len(), rec.claims.len());
        for (row, c) in got.iter().zip(&rec.claims) {
            prop_assert_eq!(row[7].parse::<f64>().unwrap(), c.checkworthiness);
            let want = vec![
                d.clone(), c.id.clone(), c.sentence_id.clone(), c.start.to_string(), c.end.to_string(), c.text.clone(), json(&c.types),
                row[7].clone(), json(&c.checkworthiness_features), c.hedged.to_string(), json(&c.hedge_cues), c.negated.to_string(),
                c.claimant.clone(), opt(&c.attribution_id), json(&c.entities), json(&c.rules), opt(&c.frame_claim_id),
            ];
            prop_assert_eq!(row, &want);
            let ents: Vec<EntityRecord> = serde_json::from_str(&row[14]).unwrap();
            prop_assert_eq!(&ents, &c.entities);
        }
    }

    #[test]
    fn real_records_parse_back_too(text in news_text()) {
        let rec = check(&text)?;
        let r = write::render(rec.clone(), claimex::write::Tables::ALL);
        let back: DocumentRecord = serde_json::from_slice(&r.jsonl).unwrap();
        prop_assert_eq!(&back, &rec);
        let got = rows(write::SENTENCE_COLUMNS, &r.sentences);
        prop_assert_eq!(got.len(), rec.sentences.len());
        for (row, s) in got.iter().zip(&rec.sentences) {
            prop_assert_eq!(&row[6], &s.text);
            prop_assert_eq!((row[4].parse::<usize>().unwrap(), row[5].parse::<usize>().unwrap()), (s.start, s.end));
        }
    }
}
