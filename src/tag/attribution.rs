//! Attribution (source, cue, content). Not built yet: see the quotations-and-attributions
//! issue.

use super::{AttributionTag, Context, QuoteTag};

/// Find the attributions of a document and link quotations to them.
pub fn tag(_ctx: &Context, _quotes: &mut [QuoteTag]) -> Vec<AttributionTag> {
    Vec::new()
}
