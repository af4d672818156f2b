//! Quotation detection. Not built yet: see the quotations-and-attributions issue.

use super::{Context, QuoteTag};

/// Find the quotations of a document.
pub fn tag(_ctx: &Context) -> Vec<QuoteTag> {
    Vec::new()
}
