//! Inline lists inside one block: `1.) … 2.) …`, `1) … 2) …`, `a. … b. …`, `• 9. … • 10. …`.
//!
//! A list item starts with a marker: an optional bullet, a label (a number of one or two
//! digits, a single letter, or a Roman numeral) and a closing `.)`, `)` or `.` (or a label in
//! parentheses, `(2)`), then a space. A list is a run of such markers of one style whose
//! labels count up by one, the first at the start of a sentence, each item holding at least
//! one word. Each item is a sentence of its own, whether or not it ends with a stop, and the
//! stop inside a marker never ends a sentence. A lone marker is left to the boundary rules:
//! `She came 2. The rest…` is no list.
//!
//! Only the orthography of list labels lives here; no word of any language does.

use std::ops::Range;

/// Characters that set off a list item before its label.
const BULLETS: &[char] = &['•', '◦', '‣', '⁃', '▪', '■', '□', '○', '●', '►', '➢', '·', '-', '–', '—', '*', '+'];

/// Most markers of other styles or values passed over between two items of a list; keeps
/// a block made of markers linear.
const MAX_GAP: usize = 32;

/// Longest Roman numeral label taken (`viii`).
const MAX_ROMAN: usize = 4;

/// How a label is written; items of one list share it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    Digits,
    Lower,
    Upper,
    RomanLower,
    RomanUpper,
}

/// How a marker is written around its label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Style {
    label: Label,
    /// `(`, `)`, `.)` or `.` around the label, as the bytes that close it.
    close: &'static str,
    open_paren: bool,
    bullet: bool,
}

/// One marker found in the block: its span (bullet included) and its possible readings
/// (`i.` is a letter and a Roman numeral).
#[derive(Debug, Clone)]
struct Marker {
    span: Range<usize>,
    readings: Vec<(Style, u32)>,
}

/// The inline lists of a block.
#[derive(Debug, Clone, Default)]
pub struct Lists {
    /// Byte offsets where an item other than the first of its list starts: each is a
    /// sentence start.
    pub breaks: Vec<usize>,
    /// Byte spans of the markers of every item: a stop inside one ends no sentence.
    pub markers: Vec<Range<usize>>,
}

impl Lists {
    /// Whether byte `i` lies inside a list marker.
    pub fn in_marker(&self, i: usize) -> bool {
        let at = self.markers.partition_point(|m| m.end <= i);
        self.markers.get(at).is_some_and(|m| m.start <= i)
    }
}

/// Find the inline lists of `text` (one block).
pub fn find(text: &str) -> Lists {
    let mut lists = Lists::default();
    // A quick exit for the usual block, which has no label closed by `)` or `.` after a
    // digit or a lone letter at all.
    if !text.bytes().any(|b| b == b')' || b == b'.') {
        return lists;
    }
    let markers = markers(text);
    if markers.len() < 2 {
        return lists;
    }
    let mut taken = vec![false; markers.len()];
    for first in 0..markers.len() {
        if taken[first] || !at_sentence_start(text, markers[first].span.start) {
            continue;
        }
        for &(style, value) in &markers[first].readings {
            let chain = chain(text, &markers, first, style, value);
            if chain.len() >= 2 {
                for (n, &m) in chain.iter().enumerate() {
                    taken[m] = true;
                    if n > 0 {
                        lists.breaks.push(markers[m].span.start);
                    }
                    lists.markers.push(markers[m].span.clone());
                }
                break;
            }
        }
    }
    lists.breaks.sort_unstable();
    lists.markers.sort_by_key(|m| m.start);
    lists
}

/// The markers that continue the list opened by `markers[first]` read as `style`/`value`:
/// the nearest later marker of the same style with the next value, each after some words.
fn chain(text: &str, markers: &[Marker], first: usize, style: Style, value: u32) -> Vec<usize> {
    let mut out = vec![first];
    let (mut last, mut want) = (first, value + 1);
    for m in first + 1..markers.len() {
        if !markers[m].readings.contains(&(style, want)) {
            if m - last > MAX_GAP {
                break;
            }
            continue;
        }
        let between = &text[markers[last].span.end..markers[m].span.start];
        if !between.chars().any(char::is_alphanumeric) {
            // `A. B. Smith`: initials, not two items.
            break;
        }
        out.push(m);
        last = m;
        want += 1;
    }
    out
}

/// Whether byte `at` starts the block or follows a sentence-final stop (with its closing
/// quotes and brackets). The stop of an initial (`A. B. Smith`) is none.
fn at_sentence_start(text: &str, at: usize) -> bool {
    let before = text[..at].trim_end();
    let before = before.trim_end_matches(['"', '\'', ')', ']', '”', '’', '»']);
    if before.is_empty() || before.ends_with(['!', '?', '…']) {
        return true;
    }
    let Some(word) = before.strip_suffix('.') else { return false };
    let word = &word[word.rfind(char::is_whitespace).map_or(0, |p| p + 1)..];
    let mut letters = word.chars();
    !matches!((letters.next(), letters.next()), (Some(c), None) if c.is_alphabetic())
}

/// Every marker of `text`: at the start or after whitespace, and followed by whitespace and
/// something more.
fn markers(text: &str) -> Vec<Marker> {
    let mut out = Vec::new();
    // Markers start words. A marker is a word ending in its closing `.` or `)`, or one
    // starting with its bullet (`- 1.`): only such words are read further.
    let mut word = |at: usize, w: &str| {
        // (No bullet is a letter or digit, which most words start with.)
        let bullet = || !w.as_bytes()[0].is_ascii_alphanumeric() && w.starts_with(BULLETS);
        if (w.ends_with(['.', ')']) || bullet())
            && let Some(m) = marker_at(text, at)
        {
            out.push(m);
        }
    };
    if text.is_ascii() {
        // The usual text, split without decoding (the white space of `char::is_whitespace`).
        let mut at = 0;
        for w in text.as_bytes().split(|b| matches!(b, b' ' | b'\t'..=b'\r')) {
            if !w.is_empty() {
                word(at, &text[at..at + w.len()]);
            }
            at += w.len() + 1;
        }
    } else {
        let mut rest = text;
        loop {
            let w = rest.trim_start();
            if w.is_empty() {
                break;
            }
            let len = w.find(char::is_whitespace).unwrap_or(w.len());
            word(text.len() - w.len(), &w[..len]);
            rest = &w[len..];
        }
    }
    out
}

fn marker_at(text: &str, at: usize) -> Option<Marker> {
    let mut i = at;
    let rest = &text[i..];
    let mut bullet = false;
    if let Some(c) = rest.chars().next().filter(|c| BULLETS.contains(c)) {
        bullet = true;
        i += c.len_utf8();
        while text[i..].starts_with(' ') {
            i += 1;
        }
    }
    let open_paren = text[i..].starts_with('(');
    if open_paren {
        i += 1;
    }
    let label_len = text[i..].find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(text.len() - i);
    let label = &text[i..i + label_len];
    i += label_len;
    let close: &'static str = if open_paren {
        if !text[i..].starts_with(')') {
            return None;
        }
        ")"
    } else if text[i..].starts_with(".)") {
        ".)"
    } else if text[i..].starts_with(')') {
        ")"
    } else if text[i..].starts_with('.') {
        "."
    } else {
        return None;
    };
    i += close.len();
    // A space, then the item's first character.
    let after = &text[i..];
    let mut chars = after.chars();
    if !chars.next().is_some_and(char::is_whitespace) || chars.next().is_none_or(char::is_whitespace) {
        return None;
    }
    // A hyphen before a number is a minus sign unless a space follows it.
    if bullet && text[at..].starts_with('-') && !text[at + 1..].starts_with(' ') {
        return None;
    }
    let readings: Vec<(Style, u32)> =
        readings(label).into_iter().map(|(kind, value)| (Style { label: kind, close, open_paren, bullet }, value)).collect();
    (!readings.is_empty()).then_some(Marker { span: at..i, readings })
}

/// The ways a label can be read, with its value.
fn readings(label: &str) -> Vec<(Label, u32)> {
    let mut out = Vec::new();
    let b = label.as_bytes();
    if (1..=2).contains(&b.len()) && b.iter().all(u8::is_ascii_digit) {
        out.push((Label::Digits, label.parse().expect("digits")));
    }
    if b.len() == 1 && b[0].is_ascii_lowercase() {
        out.push((Label::Lower, u32::from(b[0] - b'a') + 1));
    }
    if b.len() == 1 && b[0].is_ascii_uppercase() {
        out.push((Label::Upper, u32::from(b[0] - b'A') + 1));
    }
    if b.len() <= MAX_ROMAN {
        if let Some(v) = roman(label) {
            let kind = if b[0].is_ascii_lowercase() { Label::RomanLower } else { Label::RomanUpper };
            if label.bytes().all(|c| c.is_ascii_lowercase()) || label.bytes().all(|c| c.is_ascii_uppercase()) {
                out.push((kind, v));
            }
        }
    }
    out
}

/// The value of a Roman numeral from 1 to 39, written the usual way.
fn roman(label: &str) -> Option<u32> {
    const TENS: [&str; 4] = ["", "x", "xx", "xxx"];
    const UNITS: [&str; 10] = ["", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix"];
    let l = label.to_ascii_lowercase();
    for (t, tens) in TENS.iter().enumerate().rev() {
        if let Some(rest) = l.strip_prefix(tens) {
            if let Some(u) = UNITS.iter().position(|u| *u == rest) {
                let v = (t * 10 + u) as u32;
                return (v > 0).then_some(v);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(text: &str) -> Vec<&str> {
        let l = find(text);
        let mut cuts = vec![0];
        cuts.extend(&l.breaks);
        cuts.push(text.len());
        cuts.windows(2).map(|w| text[w[0]..w[1]].trim()).collect()
    }

    #[test]
    fn numbered_lettered_and_bulleted() {
        assert_eq!(items("1.) Buy milk 2.) Pay rent"), ["1.) Buy milk", "2.) Pay rent"]);
        assert_eq!(items("1) one 2) two 3) three"), ["1) one", "2) two", "3) three"]);
        assert_eq!(items("a. red b. green"), ["a. red", "b. green"]);
        assert_eq!(items("• 9. nine • 10. ten"), ["• 9. nine", "• 10. ten"]);
        assert_eq!(items("i. one ii. two iii. three"), ["i. one", "ii. two", "iii. three"]);
        assert_eq!(items("(1) one (2) two"), ["(1) one", "(2) two"]);
    }

    #[test]
    fn no_list() {
        assert_eq!(items("She scored 1. Then 2. More"), ["She scored 1. Then 2. More"]);
        assert_eq!(items("A. B. Smith and C. Jones"), ["A. B. Smith and C. Jones"]);
        assert_eq!(items("Plan: 1) cut 2) save"), ["Plan: 1) cut 2) save"]);
        assert_eq!(items("It fell -3. -4. was worse"), ["It fell -3. -4. was worse"]);
        assert!(find("1. alone").markers.is_empty());
    }

    #[test]
    fn markers_after_any_white_space() {
        // Words are split at every character `char::is_whitespace` names, ASCII or not.
        assert_eq!(items("1.\u{b}one 2.\u{b}two"), ["1.\u{b}one", "2.\u{b}two"]);
        assert_eq!(items("1) één\u{a0}2) twee"), ["1) één", "2) twee"]);
        assert_eq!(items("•1. un •2. deux"), ["•1. un", "•2. deux"]);
        assert_eq!(items("- 1. one - 2. two"), ["- 1. one", "- 2. two"]);
    }

    #[test]
    fn roman_values() {
        assert_eq!(roman("iv"), Some(4));
        assert_eq!(roman("XIV"), Some(14));
        assert_eq!(roman("iiii"), None);
        assert_eq!(roman("vx"), None);
    }
}
