//! The segmenter on arbitrary text: blocks and sentences on character boundaries, in
//! order, covering every non-space character of the clean text.
#![no_main]

use std::sync::LazyLock;

use claimex::rules::RuleSet;
use libfuzzer_sys::fuzz_target;

static RULES: LazyLock<RuleSet> = LazyLock::new(RuleSet::builtin);

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let norm = claimex::normalize::normalize(text);
    let seg = claimex::segment::segment(&norm, &RULES);
    let clean = &norm.clean;
    let mut at = 0;
    for s in &seg.sentences {
        let r = &s.range;
        assert!(r.start >= at && r.start < r.end && r.end <= clean.len(), "{r:?} after {at} in {text:?}");
        assert!(clean.is_char_boundary(r.start) && clean.is_char_boundary(r.end), "{r:?} in {text:?}");
        assert!(clean[at..r.start].chars().all(char::is_whitespace), "text lost before {r:?} in {text:?}");
        let b = &seg.blocks[s.block];
        assert!(b.range.start <= r.start && r.end <= b.range.end, "sentence {r:?} outside its block {:?}", b.range);
        at = r.end;
    }
    assert!(clean[at..].chars().all(char::is_whitespace), "text lost at the end of {text:?}");
    // The sentence splitter alone, on the raw text as one block.
    let mut out = Vec::new();
    claimex::segment::sentences::split(text, 0, &RULES.segment, &mut out);
    let mut at = 0;
    for r in &out {
        assert!(r.start >= at && r.start < r.end && text.is_char_boundary(r.start) && text.is_char_boundary(r.end), "{r:?} in {text:?}");
        at = r.end;
    }
});
