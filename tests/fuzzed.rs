//! Regression tests for what fuzzing found (fuzz/, docs/reliability.md): one test per
//! finding, named after it, with the input the fuzzer produced (and a minimal one). Each
//! input must keep every promise of `claimex::invariants`.

use claimex::ingest::Document;
use claimex::invariants::{check_analysis, check_record};
use claimex::rules::RuleSet;

fn keeps_promises(text: &str) -> claimex::record::DocumentRecord {
    let rules = RuleSet::builtin();
    let doc = Document { id: "f".into(), source: "f".into(), text: text.into(), ..Default::default() };
    let a = claimex::analyse(&doc, &rules);
    check_analysis(text, &a).unwrap_or_else(|e| panic!("{e} in {text:?}"));
    let rec = claimex::record::build(&doc, a);
    check_record(text, &rec).unwrap_or_else(|e| panic!("{e} in {text:?}"));
    claimex::write::render(rec.clone(), claimex::write::Tables::ALL);
    rec
}

/// extract: joining `wil-` ⏎ `res` left the hyphen in the first line's range, so two
/// front-matter sentences (one per line) overlapped.
#[test]
fn fuzz_hyphenated_front_matter_lines_overlapped() {
    keeps_promises("**Coastal Poli\0\0\0\0\0\0\0\0 The\u{1e}work wil- \nres**\n# Hostile \n");
    let rec = keeps_promises("Masthead wil-\nres\n# Hostile\n");
    let texts: Vec<&str> = rec.sentences.iter().map(|s| s.raw()).collect();
    assert_eq!(texts, ["Masthead wil", "res", "Hostile"]);
}

/// extract: the same join after a line that came out empty (emphasis marks only) made that
/// line's range run backwards, and slicing it panicked (metadata rules read front lines).
#[test]
fn fuzz_hyphen_join_after_an_empty_line_reversed_its_range() {
    let norm = claimex::normalize::normalize("aboie-\n***___***\nws\n\n# Title\n");
    for l in &norm.paragraphs[0].lines {
        assert!(l.start <= l.end && l.end <= norm.paragraphs[0].range.end, "{l:?}");
    }
    keeps_promises("aboie-\n***___***\nws\n\n# Title\n");
    keeps_promises(
        "Windodows line ends\0\0.\r\nA *\n\n\n**\n***___[***\narajan\nw.s lei.\r\n\n*\n*___***\narajan.\n\nAboie- \n*___***\nws leiinndow",
    );
}

/// normalize: a word hyphenated across lone-CR line ends, its second line a hyphen and
/// emphasis marks: the dropped hyphen's anchor stayed in the offset map, and the next
/// character (`o`) mapped back to the hyphen.
#[test]
fn fuzz_character_after_a_dropped_hyphen_mapped_to_the_hyphen() {
    for text in ["*\nn*_\t**n-\rn-_\t**_\t*_\t\ro\n", "a-\nb-**\nc d.\n", "word-\r\nnext-  \r\nline.\n"] {
        let n = claimex::normalize::normalize(text);
        for (i, c) in n.clean.char_indices() {
            if c != ' ' && c != '\n' {
                let o = n.map.orig(i);
                assert_eq!(text.get(o..).and_then(|s| s.chars().next()), Some(c), "clean {i} -> orig {o} in {text:?}");
            }
        }
        keeps_promises(text);
    }
}

/// normalize: a line of emphasis marks after a next-line character (U+0085, two bytes,
/// cleaned to a space) at the start of a line: the end of its range mapped into the middle
/// of that character, and slicing the original there panicked.
#[test]
fn fuzz_line_after_a_next_line_character_mapped_inside_it() {
    for text in ["`\n\u{85}_*\n# .", "a\n\u{85}**\nb.", "x \u{85}\u{a0}_\n\n# Title\n"] {
        let n = claimex::normalize::normalize(text);
        for p in &n.paragraphs {
            for r in std::iter::once(&p.range).chain(&p.lines) {
                let o = n.map.orig_range(&n.clean, text, r.clone());
                assert!(o.start <= o.end && text.is_char_boundary(o.start) && text.is_char_boundary(o.end), "{r:?} -> {o:?} in {text:?}");
            }
        }
        keeps_promises(text);
    }
    let crash = std::fs::read("tests/data/fuzzed/normalize-next-line-char.txt").unwrap();
    keeps_promises(std::str::from_utf8(&crash).unwrap());
}

/// normalize: an empty line range (a line of emphasis marks only) right after a synthetic
/// space standing for a no-break space mapped into the middle of that two-byte character.
#[test]
fn fuzz_empty_range_after_a_no_break_space_mapped_inside_it() {
    for text in ["a\u{a0}\n**\nb", "a \u{3000}\n***\n\nb.", "**\n\n\u{a0}\0\u{11}e cut%%%%****%%\u{4}%%%)%%%*%%**\0\0**\n**"] {
        let n = claimex::normalize::normalize(text);
        for p in &n.paragraphs {
            for r in std::iter::once(&p.range).chain(&p.lines) {
                let o = n.map.orig_range(&n.clean, text, r.clone());
                assert!(text.is_char_boundary(o.start) && text.is_char_boundary(o.end), "{r:?} -> {o:?} in {text:?}");
            }
        }
        keeps_promises(text);
    }
    let crash = " \t\n\r\n*\n\n**\n\n***_\0\0\0\0__***\n\n#######\n\n#\n\n# \n\n## ##\n\n*******************************  \0\0\0\0\0\0\0********\u{7}\u{2}\0\0\0\0\0\0***\n**_***\n\n\u{a0}\0\u{11}e cut%%%%************************%%\u{4}%%%)%%%*%%********%******\0\0**\n**";
    let n = claimex::normalize::normalize(crash);
    for p in &n.paragraphs {
        for r in std::iter::once(&p.range).chain(&p.lines) {
            let o = n.map.orig_range(&n.clean, crash, r.clone());
            assert!(crash.is_char_boundary(o.start) && crash.is_char_boundary(o.end), "{r:?} -> {o:?}");
        }
    }
}

/// properties (proptest, `hostile_pieces_keep_every_promise`): a single quotation carried
/// into the next paragraph and closed there was not counted as an open single mark in that
/// paragraph, and closing it took the count below zero (a subtraction overflow).
#[test]
fn proptest_single_quotation_carried_into_a_paragraph_and_closed_there() {
    keeps_promises("‘.\n\n‘’");
    let rec = keeps_promises("‘It went on,\n\n‘and on,’ she said.\n");
    assert!(!rec.quotes.is_empty(), "the carried quotation is found");
}
