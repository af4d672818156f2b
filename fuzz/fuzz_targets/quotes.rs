//! The quotation scanner on arbitrary text, over its real blocks and over the whole text
//! as one block: every quotation lies on character boundaries inside its text, quotations
//! come in order without overlapping, and each one's marks sit just outside it; then the
//! quotation tagger (kinds, sentences) on the segmented document.
#![no_main]

use std::sync::LazyLock;

use claimex::rules::RuleSet;
use claimex::tag::Context;
use libfuzzer_sys::fuzz_target;

static RULES: LazyLock<RuleSet> = LazyLock::new(RuleSet::builtin);

fn check(text: &str, blocks: &[std::ops::Range<usize>]) {
    let marks = &RULES.quote_marks;
    let found = claimex::tag::quotes::scan(text, blocks, marks);
    let mut at = 0;
    for (r, _) in &found {
        assert!(r.start <= r.end && r.end <= text.len(), "{r:?} in {text:?}");
        assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end), "{r:?} in {text:?}");
        assert!(r.start >= at, "{r:?} overlaps the quotation before it (ends at {at}) in {text:?}");
        assert!(marks.mark_before(&text[..r.start]).is_some(), "no opening mark before {r:?} in {text:?}");
        at = r.end;
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    check(text, &[0..text.len()]);
    let norm = claimex::normalize::normalize(text);
    let seg = claimex::segment::segment(&norm, &RULES);
    let blocks: Vec<_> = seg.blocks.iter().map(|b| b.range.clone()).collect();
    check(&norm.clean, &blocks);
    let ctx = Context { text: &norm.clean, norm: &norm, seg: &seg, rules: &RULES };
    for q in claimex::tag::quotes::tag(&ctx) {
        assert!(norm.clean.is_char_boundary(q.range.start) && norm.clean.is_char_boundary(q.range.end), "{:?}", q.range);
        assert!(q.sentences.iter().all(|&s| s < seg.sentences.len()), "{:?}", q.sentences);
    }
});
