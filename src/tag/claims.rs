//! Claim detection. Not built yet: see the claims issue.

use super::{AttributionTag, ClaimTag, Context, QuoteTag};

/// Find the claims of a document.
pub fn tag(_ctx: &Context, _quotes: &[QuoteTag], _attributions: &[AttributionTag]) -> Vec<ClaimTag> {
    Vec::new()
}
