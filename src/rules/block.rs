//! `block` rules: give a paragraph a block kind (boilerplate, author bio, front matter…)
//! when its clean text matches a pattern, optionally only in part of the document.

use super::{Ctx, RawRule, RuleError};

/// Block kinds a rule may assign (SPEC §3).
pub const BLOCK_KINDS: &[&str] =
    &["body", "heading", "title", "byline", "dateline", "front_matter", "boilerplate", "author_bio", "list_item", "table", "caption"];

/// Where a paragraph must be for a block rule to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// Anywhere.
    Any,
    /// Before the title, or among the first paragraphs when there is none.
    Front,
    /// Among the last three paragraphs.
    End,
}

/// A compiled `block` rule.
#[derive(Debug, Clone)]
pub struct BlockRule {
    /// Index of the rule in [`super::RuleSet::rules`].
    pub rule: usize,
    /// The block kind it assigns.
    pub block: String,
    /// Where it applies.
    pub position: Position,
    /// Most words the paragraph may have.
    pub max_words: Option<usize>,
    /// Pattern over the paragraph's clean text.
    pub regex: super::LazyRegex,
}

impl BlockRule {
    /// Compile, pushing any error.
    pub fn compile(ctx: &Ctx, raw: &RawRule, rule: usize, errors: &mut Vec<RuleError>) -> Option<BlockRule> {
        let regex = ctx.regex(raw, errors);
        let block = ctx.choice(raw, &raw.block, "block", BLOCK_KINDS, errors);
        let position = match raw.position.as_ref().map(|p| (p.get_ref().as_str(), p.span())) {
            None | Some(("any", _)) => Some(Position::Any),
            Some(("front", _)) => Some(Position::Front),
            Some(("end", _)) => Some(Position::End),
            Some((other, span)) => {
                errors.push(ctx.error(span, format!("unknown position `{other}`; expected any, front or end")));
                None
            }
        };
        Some(BlockRule { rule, block: block?, position: position?, max_words: raw.max_words, regex: super::LazyRegex::built(regex?) })
    }
}
