//! Stage 5, records: the output schema of `docs/spec.md` (`documents.jsonl`, schema_version 2),
//! built from a document's analysis with stable ids, deterministic order and every offset
//! turned into code points of the original text.
//!
//! Field names here are the contract with users' code: extend, never rename.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::Analysis;
use crate::ingest::{DocError, Document};
use crate::normalize::CharIndex;
use crate::tag::{AttributionTag, ClaimTag, QuoteTag, Tags};

/// The schema version written in every record and in the manifest. 2: a sentence's `raw`
/// is written only when it differs from its `text` (docs/spec.md §9).
pub const SCHEMA_VERSION: u32 = 2;

/// One line of `documents.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentRecord {
    /// Always [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The document id.
    pub doc_id: String,
    /// Path or stream name, with `:line` for a record of a JSONL or CSV file.
    pub source: String,
    /// Input metadata plus what the front matter shows.
    pub metadata: Map<String, Value>,
    /// Which rule filled each metadata field read from the text (field → rule id).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub metadata_rules: std::collections::BTreeMap<String, String>,
    /// Sentences.
    pub sentences: Vec<SentenceRecord>,
    /// Quotations.
    pub quotes: Vec<QuoteRecord>,
    /// Attributions.
    pub attributions: Vec<AttributionRecord>,
    /// Claims.
    pub claims: Vec<ClaimRecord>,
    /// Errors: non-empty when the document could not be read.
    pub errors: Vec<ErrorRecord>,
}

/// A sentence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentenceRecord {
    /// `s0`, `s1`, …
    pub id: String,
    /// Code-point offsets into the original text.
    pub start: usize,
    /// End (exclusive).
    pub end: usize,
    /// Block kind.
    pub block: String,
    /// Paragraph index.
    pub paragraph: usize,
    /// Normalized text (markup removed, whitespace folded).
    pub text: String,
    /// The original slice `text[start:end]`, when it differs from `text`; `None` (and left
    /// out of the JSON) when it is the same. [`SentenceRecord::raw`] gives it either way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw: Option<String>,
    /// The rule that decided the block kind, when a rule did.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<String>,
}

impl SentenceRecord {
    /// The original slice `text[start:end]`: `raw` when written, else `text`.
    pub fn raw(&self) -> &str {
        self.raw.as_deref().unwrap_or(&self.text)
    }
}

/// A span of the original text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Span {
    /// Start (code points).
    pub start: usize,
    /// End (code points, exclusive).
    pub end: usize,
    /// The original slice.
    pub text: String,
}

/// A quotation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuoteRecord {
    /// `q0`, …
    pub id: String,
    /// Content start (without the marks).
    pub start: usize,
    /// Content end.
    pub end: usize,
    /// Content without the marks.
    pub text: String,
    /// direct, partial, term.
    pub kind: String,
    /// Sentences it overlaps.
    pub sentence_ids: Vec<String>,
    /// Speaker as written.
    pub speaker: Option<String>,
    /// Canonical speaker.
    pub speaker_resolved: Option<String>,
    /// Attribution id.
    pub attribution_id: Option<String>,
    /// Rules that produced it.
    pub rules: Vec<String>,
    /// How it was read, when it needs saying.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// An attribution's cue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cue {
    /// Start.
    pub start: usize,
    /// End.
    pub end: usize,
    /// Original slice.
    pub text: String,
    /// Lemma.
    pub lemma: String,
    /// Class.
    pub class: String,
}

/// An attribution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttributionRecord {
    /// `a0`, …
    pub id: String,
    /// Sentence of the cue.
    pub sentence_id: String,
    /// Source span.
    pub source: Option<Span>,
    /// Canonical source.
    pub source_resolved: Option<String>,
    /// Source kind.
    pub source_kind: String,
    /// Cue.
    pub cue: Cue,
    /// Content span.
    pub content: Span,
    /// direct, indirect, mixed.
    pub content_kind: String,
    /// Hedge on the attribution.
    pub hedge: Option<String>,
    /// The rule.
    pub rule: String,
}

/// An entity mention.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityRecord {
    /// Start.
    pub start: usize,
    /// End.
    pub end: usize,
    /// Original slice.
    pub text: String,
    /// Kind.
    pub kind: String,
}

/// A claim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimRecord {
    /// `c0`, …
    pub id: String,
    /// Its sentence.
    pub sentence_id: String,
    /// Start.
    pub start: usize,
    /// End.
    pub end: usize,
    /// Original slice.
    pub text: String,
    /// Types.
    pub types: Vec<String>,
    /// Check-worthiness.
    pub checkworthiness: f64,
    /// Features behind the score.
    pub checkworthiness_features: Vec<String>,
    /// Hedged.
    pub hedged: bool,
    /// Hedge cues.
    pub hedge_cues: Vec<String>,
    /// Boosters.
    #[serde(default)]
    pub boosters: Vec<String>,
    /// Negated.
    pub negated: bool,
    /// `author` or the source text.
    pub claimant: String,
    /// Attribution id.
    pub attribution_id: Option<String>,
    /// For an attribution's content, the id of the claim whose frame around it says more
    /// than who spoke (the writer's `Predictably, X criticized …`); absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame_claim_id: Option<String>,
    /// Entities.
    pub entities: Vec<EntityRecord>,
    /// Rules.
    pub rules: Vec<String>,
}

/// An input error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorRecord {
    /// The input file.
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

/// Offset conversion for one document: clean bytes → original code points.
pub struct Spans<'a> {
    orig: &'a str,
    clean: &'a str,
    map: &'a crate::normalize::OffsetMap,
    chars: CharIndex,
}

impl<'a> Spans<'a> {
    /// Set up conversion for a document and its analysis.
    pub fn new(doc: &'a Document, a: &'a Analysis) -> Self {
        Spans { orig: &doc.text, clean: &a.norm.clean, map: &a.norm.map, chars: CharIndex::new(&doc.text) }
    }

    /// Original byte range of a clean range.
    pub fn bytes(&self, r: std::ops::Range<usize>) -> std::ops::Range<usize> {
        self.map.orig_range(self.clean, self.orig, r)
    }

    /// A span record for a clean range.
    pub fn span(&self, r: std::ops::Range<usize>) -> Span {
        let b = self.bytes(r);
        Span { start: self.chars.char_at(self.orig, b.start), end: self.chars.char_at(self.orig, b.end), text: self.orig[b].to_string() }
    }
}

/// A record id: `prefix` and a number (`s0`, `c12`).
fn id(prefix: &str, i: usize) -> String {
    let mut buf = itoa::Buffer::new();
    let digits = buf.format(i);
    let mut id = String::with_capacity(prefix.len() + digits.len());
    id.push_str(prefix);
    id.push_str(digits);
    id
}

/// The record of a document that could not be read.
pub fn error_record(e: &DocError) -> DocumentRecord {
    DocumentRecord {
        schema_version: SCHEMA_VERSION,
        doc_id: e.id.clone(),
        source: match e.line {
            Some(l) => format!("{}:{l}", e.file),
            None => e.file.clone(),
        },
        metadata: Map::new(),
        metadata_rules: Default::default(),
        sentences: Vec::new(),
        quotes: Vec::new(),
        attributions: Vec::new(),
        claims: Vec::new(),
        errors: vec![ErrorRecord { file: e.file.clone(), line: e.line, message: e.message.clone() }],
    }
}

/// Build the record of an analysed document. The analysis is consumed: its strings (rule
/// ids, types, features, cues) move into the record instead of being copied.
pub fn build(doc: &Document, mut a: Analysis) -> DocumentRecord {
    let Tags { quotes: quote_tags, attributions: attribution_tags, claims: claim_tags } = std::mem::take(&mut a.tags);
    let sp = Spans::new(doc, &a);
    let (rules, norm, seg) = (a.rules, &a.norm, &a.seg);
    // Sentence ids, written once: every quote and claim refers to one.
    let sid: Vec<String> = (0..seg.sentences.len()).map(|i| id("s", i)).collect();
    let sentences = seg
        .sentences
        .iter()
        .zip(&sid)
        .map(|(s, id)| {
            let block = &seg.blocks[s.block];
            let span = sp.span(s.range.clone());
            let text = &norm.clean[s.range.clone()];
            SentenceRecord {
                id: id.clone(),
                start: span.start,
                end: span.end,
                block: block.kind.as_str().to_string(),
                paragraph: block.paragraph,
                raw: (span.text != text).then_some(span.text),
                text: text.to_string(),
                rules: block.rule.map(|r| rules.rules[r].id.clone()).into_iter().collect(),
            }
        })
        .collect();

    // Deterministic order: by offset, then rule id; ids follow the order and cross
    // references are remapped.
    let mut a_order: Vec<usize> = (0..attribution_tags.len()).collect();
    a_order.sort_by(|&x, &y| {
        let (p, q) = (&attribution_tags[x], &attribution_tags[y]);
        (p.sentence, p.cue.start, p.content.start, &p.rule).cmp(&(q.sentence, q.cue.start, q.content.start, &q.rule))
    });
    let mut a_id = vec![String::new(); a_order.len()];
    for (new, &old) in a_order.iter().enumerate() {
        a_id[old] = id("a", new);
    }
    let text_of = |r: &std::ops::Range<usize>| sp.span(r.clone()).text;
    // A claim's claimant is its attribution's source: read before the attributions move.
    let claimant_of = |x: usize| {
        let at = &attribution_tags[x];
        at.source_resolved.clone().or_else(|| at.source.as_ref().map(text_of)).unwrap_or_else(|| "unknown".into())
    };
    let mut claimants: Vec<String> = claim_tags
        .iter()
        .map(|c| c.attribution.filter(|&x| x < attribution_tags.len()).map_or_else(|| "author".into(), claimant_of))
        .collect();

    let mut q_order: Vec<usize> = (0..quote_tags.len()).collect();
    q_order.sort_by(|&x, &y| (quote_tags[x].range.start, &quote_tags[x].rules).cmp(&(quote_tags[y].range.start, &quote_tags[y].rules)));
    let mut quote_tags: Vec<Option<QuoteTag>> = quote_tags.into_iter().map(Some).collect();
    let quotes = q_order
        .iter()
        .enumerate()
        .map(|(i, &qi)| {
            let q = quote_tags[qi].take().expect("each quote once");
            let span = sp.span(q.range.clone());
            QuoteRecord {
                id: id("q", i),
                start: span.start,
                end: span.end,
                text: span.text,
                kind: q.kind.as_str().to_string(),
                sentence_ids: q.sentences.iter().map(|&s| sid[s].clone()).collect(),
                speaker: q.speaker.as_ref().map(text_of),
                speaker_resolved: q.speaker_resolved,
                attribution_id: q.attribution.map(|x| a_id[x].clone()),
                rules: q.rules,
                note: q.note,
            }
        })
        .collect();

    let mut attribution_tags: Vec<Option<AttributionTag>> = attribution_tags.into_iter().map(Some).collect();
    let attributions = a_order
        .iter()
        .map(|&ai| {
            let t = attribution_tags[ai].take().expect("each attribution once");
            let cue = sp.span(t.cue.clone());
            AttributionRecord {
                id: a_id[ai].clone(),
                sentence_id: sid[t.sentence].clone(),
                source: t.source.map(|r| sp.span(r)),
                source_resolved: t.source_resolved,
                source_kind: t.source_kind,
                cue: Cue { start: cue.start, end: cue.end, text: cue.text, lemma: t.cue_lemma, class: t.cue_class },
                content: sp.span(t.content),
                content_kind: t.content_kind,
                hedge: t.hedge,
                rule: t.rule,
            }
        })
        .collect();

    let mut c_order: Vec<usize> = (0..claim_tags.len()).collect();
    c_order.sort_by(|&x, &y| {
        let (p, q) = (&claim_tags[x], &claim_tags[y]);
        (p.sentence, p.range.start, p.range.end, &p.rules).cmp(&(q.sentence, q.range.start, q.range.end, &q.rules))
    });
    // A claim's place in that order, for the frame claims contents point at.
    let mut c_rank = vec![0; c_order.len()];
    for (new, &old) in c_order.iter().enumerate() {
        c_rank[old] = new;
    }
    let mut claim_tags: Vec<Option<ClaimTag>> = claim_tags.into_iter().map(Some).collect();
    let claims = c_order
        .iter()
        .enumerate()
        .map(|(i, &ci)| {
            let c = claim_tags[ci].take().expect("each claim once");
            let span = sp.span(c.range.clone());
            ClaimRecord {
                id: id("c", i),
                sentence_id: sid[c.sentence].clone(),
                start: span.start,
                end: span.end,
                text: span.text,
                types: c.types,
                checkworthiness: (c.checkworthiness * 1000.0).round() / 1000.0,
                checkworthiness_features: c.checkworthiness_features,
                hedged: c.hedged,
                hedge_cues: c.hedge_cues,
                boosters: c.boosters,
                negated: c.negated,
                claimant: std::mem::take(&mut claimants[ci]),
                attribution_id: c.attribution.map(|x| a_id[x].clone()),
                frame_claim_id: c.frame.map(|x| id("c", c_rank[x])),
                entities: c
                    .entities
                    .into_iter()
                    .map(|e| {
                        let s = sp.span(e.range);
                        EntityRecord { start: s.start, end: s.end, text: s.text, kind: e.kind }
                    })
                    .collect(),
                rules: c.rules,
            }
        })
        .collect();

    let mut metadata = doc.metadata.clone();
    for (k, v) in &seg.metadata {
        metadata.entry(k.clone()).or_insert_with(|| v.clone());
    }
    let metadata_rules = seg
        .metadata_rules
        .iter()
        .filter_map(|&r| rules.metadata.iter().find(|m| m.rule == r).map(|m| (m.field.clone(), rules.rules[r].id.clone())))
        .filter(|(field, _)| !doc.metadata.contains_key(field))
        .collect();
    DocumentRecord {
        schema_version: SCHEMA_VERSION,
        doc_id: doc.id.clone(),
        source: doc.source.clone(),
        metadata,
        metadata_rules,
        sentences,
        quotes,
        attributions,
        claims,
        errors: Vec::new(),
    }
}
