//! claimex: rule-driven claim extraction.
//!
//! The pipeline, one module per stage (SPEC §1):
//!
//! 1. [`ingest`] — files, directories, JSONL, CSV and stdin into [`ingest::Document`]s;
//!    unreadable records become errors naming file and line.
//! 2. [`normalize`] — the clean text the rules see (Markdown marks, hard wraps,
//!    hyphenation, page breaks repaired) with an offset map back to the original.
//! 3. [`segment`] — paragraphs into typed blocks (body, title, front matter, boilerplate,
//!    author bio…), blocks into sentences, and front-matter metadata.
//! 4. [`tag`] — quotations, attributions and claims.
//! 5. [`record`] — the output schema: stable ids, deterministic order, code-point offsets
//!    into the original text.
//! 6. [`write`] — `documents.jsonl`, CSV tables (and Parquet tables, [`write::parquet`]) and
//!    the manifest.
//! 7. [`batch`] — the streaming, ordered, parallel driver; the only place with threads.
//!
//! Everything language-specific comes from the compiled [`rules::RuleSet`].
//!
//! Regression tooling over the output (SPEC §5): [`flat`] (records flattened for
//! comparison), [`check`] (fixtures), [`diff`] (two outputs, per rule), [`eval`] (scores
//! against gold) and [`explain`] (why a text reads as it does); the rule-example runner is
//! [`rules::examples`].
//!
//! Review of the output: [`report`] (static HTML pages) and [`exchange`] (export to and
//! import from the annotation tools Label Studio, brat and doccano), over the labelled
//! spans of [`annotations`].
//!
//! ```
//! use claimex::{extract, ingest::Document, rules::RuleSet};
//!
//! let rules = RuleSet::builtin();
//! let doc = Document { id: "d1".into(), text: "Dr. Lee met the U.S. envoy. They talked.".into(), ..Default::default() };
//! let rec = extract(&doc, &rules);
//! assert_eq!(rec.sentences.len(), 2);
//! assert_eq!(rec.sentences[1].text, "They talked.");
//! assert_eq!((rec.sentences[1].start, rec.sentences[1].end), (28, 40));
//! ```

#![deny(missing_docs)]

pub mod annotations;
pub mod batch;
pub mod check;
pub mod diff;
pub mod eval;
pub mod exchange;
pub mod explain;
pub mod flat;
pub mod ingest;
pub mod invariants;
pub mod normalize;
pub mod record;
pub mod report;
pub mod rules;
pub mod segment;
pub mod tag;
pub mod write;

use ingest::Document;
use normalize::Normalized;
use record::DocumentRecord;
use rules::RuleSet;
use segment::Segmented;
use tag::Tags;

/// A document's analysis: every stage's result, in clean-text offsets.
#[derive(Clone)]
pub struct Analysis<'r> {
    /// The rules it was made with.
    pub rules: &'r RuleSet,
    /// Clean text, offset map, paragraphs.
    pub norm: Normalized,
    /// Blocks, sentences, metadata.
    pub seg: Segmented,
    /// Quotations, attributions, claims.
    pub tags: Tags,
}

/// Run stages 2–4 on one document.
pub fn analyse<'r>(doc: &Document, rules: &'r RuleSet) -> Analysis<'r> {
    let norm = normalize::normalize(&doc.text);
    let title = doc.metadata.get("title").and_then(|t| t.as_str());
    let seg = segment::segment_with_title(&norm, rules, title);
    let tags = tag::tag(&tag::Context { text: &norm.clean, norm: &norm, seg: &seg, rules });
    Analysis { rules, norm, seg, tags }
}

/// Extract one document into its output record. Serial and deterministic.
pub fn extract(doc: &Document, rules: &RuleSet) -> DocumentRecord {
    let a = analyse(doc, rules);
    record::build(doc, a)
}
