//! The normalizer and its offset map on arbitrary text: every verbatim clean character
//! maps back to the same character of the original, and every paragraph and line range
//! maps to an original range on character boundaries.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let n = claimex::normalize::normalize(text);
    for (i, c) in n.clean.char_indices() {
        if c != ' ' && c != '\n' {
            let o = n.map.orig(i);
            assert_eq!(text.get(o..).and_then(|s| s.chars().next()), Some(c), "clean {i} -> orig {o} in {text:?}");
        }
    }
    let ci = claimex::normalize::CharIndex::new(text);
    let mut prev = 0;
    for p in &n.paragraphs {
        assert!(p.range.start >= prev && p.range.end <= n.clean.len(), "paragraph {:?} in {text:?}", p.range);
        prev = p.range.end;
        for r in std::iter::once(&p.range).chain(&p.lines) {
            let o = n.map.orig_range(&n.clean, text, r.clone());
            assert!(o.start <= o.end && o.end <= text.len(), "{r:?} -> {o:?} in {text:?}");
            assert!(text.is_char_boundary(o.start) && text.is_char_boundary(o.end), "{r:?} -> {o:?} in {text:?}");
            assert!(ci.char_at(text, o.start) <= ci.char_at(text, o.end));
        }
    }
});
