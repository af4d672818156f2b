//! A `documents.jsonl` record as labelled spans over its text: what `claimex report`,
//! `claimex export` and `claimex import` share.
//!
//! `documents.jsonl` does not hold a document's whole text, only the slices its records
//! cover (each sentence's `raw`, or its `text` where `raw` is left out, each span's `text`). [`DocText::rebuild`] puts those slices
//! back at their code-point offsets. What no record covers (the blank lines between
//! paragraphs, Markdown marks, a line the segmenter dropped) is unknown: it is filled with
//! spaces, or with newlines where a paragraph ends, so that every offset of the record stays
//! valid in the rebuilt text.
//!
//! [`Annotated`] is the record as the annotation tools see it: regions labelled `Source`,
//! `Cue`, `Content`, `Quote` or `Claim` (claims with their types), the same span and label
//! given once, and the relations source → cue → content of each attribution. The gold
//! records that `claimex eval` reads are made back from it by [`Annotated::gold`].

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::record::DocumentRecord;

/// A document's text as far as its record knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocText {
    /// The text, one `char` per code point of the original up to the last record's end.
    pub chars: Vec<char>,
    /// Whether each code point came from the record (false: a filled gap).
    pub known: Vec<bool>,
    /// Code points where the record's slices disagreed with each other.
    pub conflicts: usize,
}

impl DocText {
    /// Put a record's slices back at their offsets; fill the gaps.
    pub fn rebuild(rec: &DocumentRecord) -> DocText {
        let mut slices: Vec<(usize, &str)> = Vec::new();
        for s in &rec.sentences {
            slices.push((s.start, s.raw.as_deref().unwrap_or(&s.text)));
        }
        for q in &rec.quotes {
            slices.push((q.start, &q.text));
        }
        for a in &rec.attributions {
            if let Some(s) = &a.source {
                slices.push((s.start, &s.text));
            }
            slices.push((a.cue.start, &a.cue.text));
            slices.push((a.content.start, &a.content.text));
        }
        for c in &rec.claims {
            slices.push((c.start, &c.text));
        }
        let len = slices.iter().map(|(start, text)| start + text.chars().count()).max().unwrap_or(0);
        let (mut chars, mut known, mut conflicts) = (vec![' '; len], vec![false; len], 0);
        for (start, text) in slices {
            for (i, c) in text.chars().enumerate() {
                let at = start + i;
                if known[at] && chars[at] != c {
                    conflicts += 1;
                }
                chars[at] = c;
                known[at] = true;
            }
        }
        // A gap between two paragraphs becomes newlines, so the tools show the paragraphs.
        for pair in rec.sentences.windows(2) {
            if pair[0].paragraph != pair[1].paragraph {
                for at in pair[0].end..pair[1].start.min(len) {
                    if !known[at] {
                        chars[at] = '\n';
                    }
                }
            }
        }
        DocText { chars, known, conflicts }
    }

    /// The text as a string.
    pub fn text(&self) -> String {
        self.chars.iter().collect()
    }

    /// Code points `start..end` as a string (clamped to the text).
    pub fn slice(&self, start: usize, end: usize) -> String {
        let end = end.min(self.chars.len());
        self.chars[start.min(end)..end].iter().collect()
    }
}

/// For each code-point offset `0..=n` of `text`, its offset in UTF-16 code units (what
/// JavaScript's string indices, and so Label Studio, count).
pub fn utf16_offsets(text: &str) -> Vec<usize> {
    let mut out = Vec::with_capacity(text.len() + 1);
    let mut at = 0;
    out.push(0);
    for c in text.chars() {
        at += c.len_utf16();
        out.push(at);
    }
    out
}

/// The code-point offset of UTF-16 offset `u16` in a table from [`utf16_offsets`]; `None`
/// when it falls inside a surrogate pair or past the end.
pub fn code_point_of_utf16(table: &[usize], u16: usize) -> Option<usize> {
    table.binary_search(&u16).ok()
}

/// What a region is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Label {
    /// An attribution's source.
    Source,
    /// An attribution's cue.
    Cue,
    /// An attribution's content.
    Content,
    /// A quotation (its content, without the marks).
    Quote,
    /// A claim.
    Claim,
}

impl Label {
    /// Every label, in the order the tools list them.
    pub const ALL: [Label; 5] = [Label::Source, Label::Cue, Label::Content, Label::Quote, Label::Claim];

    /// The name the tools show.
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Source => "Source",
            Label::Cue => "Cue",
            Label::Content => "Content",
            Label::Quote => "Quote",
            Label::Claim => "Claim",
        }
    }

    /// The label of a name, ignoring case.
    pub fn parse(name: &str) -> Option<Label> {
        Label::ALL.into_iter().find(|l| l.as_str().eq_ignore_ascii_case(name))
    }

    /// A colour for the label (the report's and the tools' highlight).
    pub fn colour(self) -> &'static str {
        match self {
            Label::Source => "#9ecbff",
            Label::Cue => "#ff9e9e",
            Label::Content => "#b5e8a8",
            Label::Quote => "#ffe38a",
            Label::Claim => "#f3c1ff",
        }
    }
}

/// The name of the relation from a region of label `from` to one of label `to`, if the two
/// are linked: a source `says` through a cue, and a cue introduces its `content`.
pub fn relation_name(from: Label, to: Label) -> Option<&'static str> {
    match (from, to) {
        (Label::Source, Label::Cue) => Some("says"),
        (Label::Cue, Label::Content) => Some("content"),
        _ => None,
    }
}

/// A labelled span, in code points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// Unique within the document (`q0`, `a3-cue`, `c2`).
    pub id: String,
    /// What it is.
    pub label: Label,
    /// Start (code points).
    pub start: usize,
    /// End (code points, exclusive).
    pub end: usize,
    /// For a claim, its types.
    pub types: Vec<String>,
}

/// A document as labelled regions and relations over its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotated {
    /// The document id.
    pub doc_id: String,
    /// The text the offsets point into.
    pub text: String,
    /// The regions, sorted by start, end and label.
    pub regions: Vec<Region>,
    /// Relations by region id: source → cue, cue → content.
    pub relations: Vec<(String, String)>,
}

impl Annotated {
    /// A record's quotations, attributions and claims as regions over its rebuilt text.
    pub fn from_record(rec: &DocumentRecord) -> Annotated {
        let text = DocText::rebuild(rec).text();
        let mut regions: Vec<Region> = Vec::new();
        let mut by_span: BTreeMap<(Label, usize, usize), String> = BTreeMap::new();
        let mut add = |regions: &mut Vec<Region>, id: String, label: Label, start: usize, end: usize, types: Vec<String>| -> String {
            if label != Label::Claim
                && let Some(existing) = by_span.get(&(label, start, end))
            {
                return existing.clone();
            }
            by_span.insert((label, start, end), id.clone());
            regions.push(Region { id: id.clone(), label, start, end, types });
            id
        };
        for q in &rec.quotes {
            add(&mut regions, q.id.clone(), Label::Quote, q.start, q.end, Vec::new());
        }
        let mut relations = Vec::new();
        for a in &rec.attributions {
            let cue = add(&mut regions, format!("{}-cue", a.id), Label::Cue, a.cue.start, a.cue.end, Vec::new());
            if let Some(s) = &a.source {
                let source = add(&mut regions, format!("{}-source", a.id), Label::Source, s.start, s.end, Vec::new());
                relations.push((source, cue.clone()));
            }
            let content = add(&mut regions, format!("{}-content", a.id), Label::Content, a.content.start, a.content.end, Vec::new());
            relations.push((cue, content));
        }
        for c in &rec.claims {
            add(&mut regions, c.id.clone(), Label::Claim, c.start, c.end, c.types.clone());
        }
        regions.sort_by(|a, b| (a.start, a.end, a.label, &a.id).cmp(&(b.start, b.end, b.label, &b.id)));
        relations.sort();
        relations.dedup();
        Annotated { doc_id: rec.doc_id.clone(), text, regions, relations }
    }

    /// The gold record `claimex eval` reads: quotations, attributions (one per cue and
    /// content, with the source related to the cue) and claims, with their spans and texts.
    pub fn gold(&self) -> Value {
        let chars: Vec<char> = self.text.chars().collect();
        let span = |r: &Region| {
            let end = r.end.min(chars.len());
            json!({"start": r.start, "end": r.end, "text": chars[r.start.min(end)..end].iter().collect::<String>()})
        };
        let by_id: BTreeMap<&str, &Region> = self.regions.iter().map(|r| (r.id.as_str(), r)).collect();
        let linked = |from: &str, label: Label, forward: bool| -> Vec<&Region> {
            self.relations
                .iter()
                .filter_map(|(a, b)| match forward {
                    true if a == from => by_id.get(b.as_str()).copied(),
                    false if b == from => by_id.get(a.as_str()).copied(),
                    _ => None,
                })
                .filter(|r| r.label == label)
                .collect()
        };
        let (mut quotes, mut attributions, mut claims) = (Vec::new(), Vec::new(), Vec::new());
        for r in &self.regions {
            match r.label {
                Label::Quote => quotes.push(span(r)),
                Label::Claim => {
                    let mut c = span(r);
                    if !r.types.is_empty() {
                        c["types"] = json!(r.types);
                    }
                    claims.push(c);
                }
                Label::Cue => {
                    let source = linked(&r.id, Label::Source, false).first().map(|s| span(s));
                    let contents = linked(&r.id, Label::Content, true);
                    let contents: Vec<Option<&Region>> =
                        if contents.is_empty() { vec![None] } else { contents.into_iter().map(Some).collect() };
                    for content in contents {
                        let mut a = Map::new();
                        if let Some(s) = &source {
                            a.insert("source".into(), s.clone());
                        }
                        a.insert("cue".into(), span(r));
                        if let Some(c) = content {
                            a.insert("content".into(), span(c));
                        }
                        attributions.push(Value::Object(a));
                    }
                }
                Label::Source | Label::Content => {}
            }
        }
        json!({"doc_id": self.doc_id, "quotes": quotes, "attributions": attributions, "claims": claims})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_offsets_count_surrogate_pairs() {
        let t = utf16_offsets("a😀東b");
        assert_eq!(t, [0, 1, 3, 4, 5]);
        assert_eq!(code_point_of_utf16(&t, 3), Some(2));
        assert_eq!(code_point_of_utf16(&t, 2), None);
    }

    #[test]
    fn relations_only_link_source_cue_content() {
        assert_eq!(relation_name(Label::Source, Label::Cue), Some("says"));
        assert_eq!(relation_name(Label::Cue, Label::Content), Some("content"));
        assert_eq!(relation_name(Label::Claim, Label::Cue), None);
    }
}
