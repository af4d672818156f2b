//! `metadata` rules: fill a document metadata field (`date`, `number`, `series`, `author`)
//! from the `value` capture group of a pattern matched against front-matter paragraphs.

use super::block::Position;
use super::{Ctx, RawRule, RuleError};

/// Metadata fields a rule may fill.
pub const FIELDS: &[&str] = &["title", "author", "date", "series", "number"];

/// A compiled `metadata` rule.
#[derive(Debug, Clone)]
pub struct MetadataRule {
    /// Index of the rule in [`super::RuleSet::rules`].
    pub rule: usize,
    /// The field it fills.
    pub field: String,
    /// Where it applies.
    pub position: Position,
    /// Pattern over a paragraph's clean text; the `value` group (or the whole match) is
    /// the field's value.
    pub regex: super::LazyRegex,
}

impl MetadataRule {
    /// Compile, pushing any error.
    pub fn compile(ctx: &Ctx, raw: &RawRule, rule: usize, errors: &mut Vec<RuleError>) -> Option<MetadataRule> {
        let regex = ctx.regex(raw, errors);
        let field = ctx.choice(raw, &raw.field, "field", FIELDS, errors);
        let position = match raw.position.as_ref().map(|p| p.get_ref().as_str()) {
            Some("any") => Position::Any,
            Some("end") => Position::End,
            _ => Position::Front,
        };
        Some(MetadataRule { rule, field: field?, position, regex: super::LazyRegex::built(regex?) })
    }

    /// The value this rule reads from `text`, if it matches.
    pub fn value<'t>(&self, text: &'t str) -> Option<&'t str> {
        let caps = self.regex.captures(text)?;
        caps.name("value").or_else(|| caps.get(0)).map(|m| m.as_str().trim())
    }
}
