//! Stage 3, segment: paragraphs into typed blocks (SPEC §3 `block`), blocks into
//! sentences, and document metadata (title, author, date…) from the front matter.
//!
//! [`blocks`] decides each paragraph's kind from its place in the document and the `block`
//! and `metadata` rules; [`sentences`] finds sentence boundaries inside a block, where
//! [`lists`] finds the items of inline lists (`1) … 2) …`). Front
//! matter is split per source line (mastheads and board lists are lines, not prose);
//! titles, headings, bylines and datelines are one sentence each.

pub mod blocks;
pub mod lists;
pub mod sentences;

use std::ops::Range;

use serde_json::{Map, Value};

use crate::normalize::Normalized;
use crate::rules::RuleSet;

/// The kind of a block (SPEC §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    /// Running text.
    Body,
    /// A section heading.
    Heading,
    /// The document title.
    Title,
    /// The author line.
    Byline,
    /// A date or place-and-date line.
    Dateline,
    /// Masthead, boards, issue numbers: what precedes the title.
    FrontMatter,
    /// Disclaimers, copyright lines.
    Boilerplate,
    /// The closing paragraph about the author.
    AuthorBio,
    /// An item of a list.
    ListItem,
    /// A table row.
    Table,
    /// A figure or table caption.
    Caption,
}

impl BlockKind {
    /// The name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            BlockKind::Body => "body",
            BlockKind::Heading => "heading",
            BlockKind::Title => "title",
            BlockKind::Byline => "byline",
            BlockKind::Dateline => "dateline",
            BlockKind::FrontMatter => "front_matter",
            BlockKind::Boilerplate => "boilerplate",
            BlockKind::AuthorBio => "author_bio",
            BlockKind::ListItem => "list_item",
            BlockKind::Table => "table",
            BlockKind::Caption => "caption",
        }
    }

    /// Parse an output name.
    pub fn parse(s: &str) -> Option<BlockKind> {
        Some(match s {
            "body" => BlockKind::Body,
            "heading" => BlockKind::Heading,
            "title" => BlockKind::Title,
            "byline" => BlockKind::Byline,
            "dateline" => BlockKind::Dateline,
            "front_matter" => BlockKind::FrontMatter,
            "boilerplate" => BlockKind::Boilerplate,
            "author_bio" => BlockKind::AuthorBio,
            "list_item" => BlockKind::ListItem,
            "table" => BlockKind::Table,
            "caption" => BlockKind::Caption,
            _ => return None,
        })
    }

    /// Whether claims are tagged in blocks of this kind.
    pub fn has_claims(self) -> bool {
        matches!(self, BlockKind::Body | BlockKind::ListItem)
    }
}

/// One block: a paragraph with its kind.
#[derive(Debug, Clone)]
pub struct Block {
    /// Its kind.
    pub kind: BlockKind,
    /// Byte range in the clean text.
    pub range: Range<usize>,
    /// Index of the paragraph (0-based).
    pub paragraph: usize,
    /// The rule that decided the kind, if a rule did (index into `RuleSet::rules`).
    pub rule: Option<usize>,
}

/// One sentence.
#[derive(Debug, Clone)]
pub struct Sentence {
    /// Byte range in the clean text.
    pub range: Range<usize>,
    /// Index of its block.
    pub block: usize,
}

/// The segmentation of one document.
#[derive(Debug, Clone, Default)]
pub struct Segmented {
    /// Blocks in document order.
    pub blocks: Vec<Block>,
    /// Sentences in document order.
    pub sentences: Vec<Sentence>,
    /// Metadata read from the front matter.
    pub metadata: Map<String, Value>,
    /// Rules that filled metadata (indexes into `RuleSet::rules`).
    pub metadata_rules: Vec<usize>,
}

/// Segment a normalized document.
pub fn segment(norm: &Normalized, rules: &RuleSet) -> Segmented {
    segment_with_title(norm, rules, None)
}

/// Segment a normalized document whose input metadata names its title.
pub fn segment_with_title(norm: &Normalized, rules: &RuleSet, known_title: Option<&str>) -> Segmented {
    let (blocks, metadata, metadata_rules) = blocks::classify(norm, rules, known_title);
    let mut sentences = Vec::new();
    let mut ranges = Vec::new();
    for (bi, block) in blocks.iter().enumerate() {
        ranges.clear();
        match block.kind {
            BlockKind::FrontMatter => {
                for line in &norm.paragraphs[block.paragraph].lines {
                    if !norm.clean[line.clone()].trim().is_empty() {
                        ranges.push(line.clone());
                    }
                }
            }
            BlockKind::Title | BlockKind::Heading | BlockKind::Byline | BlockKind::Dateline | BlockKind::Table => {
                ranges.push(block.range.clone())
            }
            _ => sentences::split(&norm.clean[block.range.clone()], block.range.start, &rules.segment, &mut ranges),
        }
        sentences.extend(ranges.iter().map(|r| Sentence { range: r.clone(), block: bi }));
    }
    Segmented { blocks, sentences, metadata, metadata_rules }
}
