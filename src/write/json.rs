//! The items of a `documents.jsonl` line (sentences, quotations, attributions, claims),
//! written by hand: the bytes `serde_json` gives their `Serialize` derives, made faster.
//!
//! Rendering spends most of its time here. `serde_json` escapes a string one byte at a
//! time and goes through a call per field; these writers put each field's name down as a
//! literal, and [`string`] looks for the bytes a JSON string must escape (`"`, `\` and the
//! controls below 0x20) eight at a time and copies the runs between them whole. Each writer
//! takes its record apart field by field, so a field added to a record does not compile
//! until it is written here; the tests compare every writer with `serde_json`, byte for
//! byte. Floats are handed to `serde_json` itself, so they are formatted as it formats them.

use super::swar::{HIGH, LOW7, ONES, eq, short, word};
use crate::record::{AttributionRecord, ClaimRecord, Cue, EntityRecord, QuoteRecord, SentenceRecord, Span};

/// Append `s` to `out` as a JSON string, quotes included, escaped as `serde_json` escapes.
pub fn string(out: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    out.reserve(b.len() + 2);
    out.push(b'"');
    let mut from = 0;
    while let Some(i) = next_escape(b, from) {
        out.extend_from_slice(&b[from..i]);
        escape(out, b[i]);
        from = i + 1;
    }
    out.extend_from_slice(&b[from..]);
    out.push(b'"');
}

/// Whether `s` holds a byte that JSON escapes in a string.
pub fn needs_escape(s: &str) -> bool {
    next_escape(s.as_bytes(), 0).is_some()
}

/// The escape of `c`, one of the bytes [`next_escape`] stops at.
#[cold]
fn escape(out: &mut Vec<u8>, c: u8) {
    let short = match c {
        b'"' => b'"',
        b'\\' => b'\\',
        0x08 => b'b',
        0x09 => b't',
        0x0A => b'n',
        0x0C => b'f',
        0x0D => b'r',
        _ => {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[usize::from(c >> 4)], HEX[usize::from(c & 0xF)]]);
            return;
        }
    };
    out.extend_from_slice(&[b'\\', short]);
}

/// The high bit of each byte of `w` that JSON escapes, exactly (see [`swar::eq`]).
#[inline]
fn escapes(w: u64) -> u64 {
    // A byte below 0x20: its low seven bits plus 0x60 stay below 0x80, and its top bit is clear.
    let control = !(((w & LOW7) + ONES * 0x60) | w);
    (control | eq(w, b'"') | eq(w, b'\\')) & HIGH
}

#[inline]
fn is_escaped(c: u8) -> bool {
    c < 0x20 || c == b'"' || c == b'\\'
}

/// The index of the first byte at or after `from` that JSON escapes.
#[inline]
fn next_escape(b: &[u8], from: usize) -> Option<usize> {
    let n = b.len() - from;
    if n < 8 {
        // Short: look at the bytes in one word first (padded with spaces, which are not
        // escaped; the two halves may overlap), then find which one it was.
        let r = &b[from..];
        if n == 0 || escapes(short(r, b' ')) == 0 {
            return None;
        }
        return r.iter().position(|&c| is_escaped(c)).map(|i| from + i);
    }
    let mut at = from;
    while at + 8 <= b.len() {
        let m = escapes(word(b, at));
        if m != 0 {
            return Some(at + (m.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    if at == b.len() {
        return None;
    }
    // The last bytes, in a word that overlaps the one before: the bytes already seen are
    // dropped from the mask.
    let last = b.len() - 8;
    let seen = (at - last) * 8;
    let m = escapes(word(b, last)) >> seen << seen;
    (m != 0).then(|| last + (m.trailing_zeros() / 8) as usize)
}

fn int(out: &mut Vec<u8>, v: usize) {
    out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
}

fn opt(out: &mut Vec<u8>, v: &Option<String>) {
    match v {
        Some(s) => string(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

fn flag(out: &mut Vec<u8>, v: bool) {
    out.extend_from_slice(if v { b"true" } else { b"false" });
}

/// A list of strings as a JSON array.
pub fn strings(out: &mut Vec<u8>, items: &[String]) {
    out.push(b'[');
    for (i, s) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        string(out, s);
    }
    out.push(b']');
}

fn span(out: &mut Vec<u8>, s: &Span) {
    let Span { start, end, text } = s;
    out.extend_from_slice(b"{\"start\":");
    int(out, *start);
    out.extend_from_slice(b",\"end\":");
    int(out, *end);
    out.extend_from_slice(b",\"text\":");
    string(out, text);
    out.push(b'}');
}

/// A sentence, as its `Serialize` derive writes it.
pub fn sentence(out: &mut Vec<u8>, s: &SentenceRecord) {
    let SentenceRecord { id, start, end, block, paragraph, text, raw, rules } = s;
    out.extend_from_slice(b"{\"id\":");
    string(out, id);
    out.extend_from_slice(b",\"start\":");
    int(out, *start);
    out.extend_from_slice(b",\"end\":");
    int(out, *end);
    out.extend_from_slice(b",\"block\":");
    string(out, block);
    out.extend_from_slice(b",\"paragraph\":");
    int(out, *paragraph);
    out.extend_from_slice(b",\"text\":");
    string(out, text);
    if let Some(raw) = raw {
        out.extend_from_slice(b",\"raw\":");
        string(out, raw);
    }
    if !rules.is_empty() {
        out.extend_from_slice(b",\"rules\":");
        strings(out, rules);
    }
    out.push(b'}');
}

/// A quotation, as its `Serialize` derive writes it.
pub fn quote(out: &mut Vec<u8>, q: &QuoteRecord) {
    let QuoteRecord { id, start, end, text, kind, sentence_ids, speaker, speaker_resolved, attribution_id, rules, note } = q;
    out.extend_from_slice(b"{\"id\":");
    string(out, id);
    out.extend_from_slice(b",\"start\":");
    int(out, *start);
    out.extend_from_slice(b",\"end\":");
    int(out, *end);
    out.extend_from_slice(b",\"text\":");
    string(out, text);
    out.extend_from_slice(b",\"kind\":");
    string(out, kind);
    out.extend_from_slice(b",\"sentence_ids\":");
    strings(out, sentence_ids);
    out.extend_from_slice(b",\"speaker\":");
    opt(out, speaker);
    out.extend_from_slice(b",\"speaker_resolved\":");
    opt(out, speaker_resolved);
    out.extend_from_slice(b",\"attribution_id\":");
    opt(out, attribution_id);
    out.extend_from_slice(b",\"rules\":");
    strings(out, rules);
    if let Some(note) = note {
        out.extend_from_slice(b",\"note\":");
        string(out, note);
    }
    out.push(b'}');
}

/// An attribution, as its `Serialize` derive writes it.
pub fn attribution(out: &mut Vec<u8>, a: &AttributionRecord) {
    let AttributionRecord { id, sentence_id, source, source_resolved, source_kind, cue, content, content_kind, hedge, rule } = a;
    out.extend_from_slice(b"{\"id\":");
    string(out, id);
    out.extend_from_slice(b",\"sentence_id\":");
    string(out, sentence_id);
    out.extend_from_slice(b",\"source\":");
    match source {
        Some(s) => span(out, s),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"source_resolved\":");
    opt(out, source_resolved);
    out.extend_from_slice(b",\"source_kind\":");
    string(out, source_kind);
    let Cue { start, end, text, lemma, class } = cue;
    out.extend_from_slice(b",\"cue\":{\"start\":");
    int(out, *start);
    out.extend_from_slice(b",\"end\":");
    int(out, *end);
    out.extend_from_slice(b",\"text\":");
    string(out, text);
    out.extend_from_slice(b",\"lemma\":");
    string(out, lemma);
    out.extend_from_slice(b",\"class\":");
    string(out, class);
    out.extend_from_slice(b"},\"content\":");
    span(out, content);
    out.extend_from_slice(b",\"content_kind\":");
    string(out, content_kind);
    out.extend_from_slice(b",\"hedge\":");
    opt(out, hedge);
    out.extend_from_slice(b",\"rule\":");
    string(out, rule);
    out.push(b'}');
}

/// A claim's entities as a JSON array.
pub fn entities(out: &mut Vec<u8>, entities: &[EntityRecord]) {
    out.push(b'[');
    for (i, e) in entities.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let EntityRecord { start, end, text, kind } = e;
        out.extend_from_slice(b"{\"start\":");
        int(out, *start);
        out.extend_from_slice(b",\"end\":");
        int(out, *end);
        out.extend_from_slice(b",\"text\":");
        string(out, text);
        out.extend_from_slice(b",\"kind\":");
        string(out, kind);
        out.push(b'}');
    }
    out.push(b']');
}

/// A claim, as its `Serialize` derive writes it.
pub fn claim(out: &mut Vec<u8>, c: &ClaimRecord) {
    let ClaimRecord {
        id,
        sentence_id,
        start,
        end,
        text,
        types,
        checkworthiness,
        checkworthiness_features,
        hedged,
        hedge_cues,
        boosters,
        negated,
        claimant,
        attribution_id,
        frame_claim_id,
        entities: ents,
        rules,
    } = c;
    out.extend_from_slice(b"{\"id\":");
    string(out, id);
    out.extend_from_slice(b",\"sentence_id\":");
    string(out, sentence_id);
    out.extend_from_slice(b",\"start\":");
    int(out, *start);
    out.extend_from_slice(b",\"end\":");
    int(out, *end);
    out.extend_from_slice(b",\"text\":");
    string(out, text);
    out.extend_from_slice(b",\"types\":");
    strings(out, types);
    out.extend_from_slice(b",\"checkworthiness\":");
    serde_json::to_writer(&mut *out, checkworthiness).expect("in memory");
    out.extend_from_slice(b",\"checkworthiness_features\":");
    strings(out, checkworthiness_features);
    out.extend_from_slice(b",\"hedged\":");
    flag(out, *hedged);
    out.extend_from_slice(b",\"hedge_cues\":");
    strings(out, hedge_cues);
    out.extend_from_slice(b",\"boosters\":");
    strings(out, boosters);
    out.extend_from_slice(b",\"negated\":");
    flag(out, *negated);
    out.extend_from_slice(b",\"claimant\":");
    string(out, claimant);
    out.extend_from_slice(b",\"attribution_id\":");
    opt(out, attribution_id);
    if let Some(frame) = frame_claim_id {
        out.extend_from_slice(b",\"frame_claim_id\":");
        string(out, frame);
    }
    out.extend_from_slice(b",\"entities\":");
    entities(out, ents);
    out.extend_from_slice(b",\"rules\":");
    strings(out, rules);
    out.push(b'}');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same<T: serde::Serialize + ?Sized + std::fmt::Debug>(v: &T, write: impl Fn(&mut Vec<u8>, &T)) {
        let mut ours = Vec::new();
        write(&mut ours, v);
        let theirs = serde_json::to_vec(v).unwrap();
        assert_eq!(String::from_utf8(ours).unwrap(), String::from_utf8(theirs).unwrap(), "{v:?}");
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let all: String = (0u8..0x80).map(char::from).collect();
        let cases = [
            "",
            "plain",
            "exactly8",
            "a\"b",
            "back\\slash",
            "tab\there\nline\r\u{8}\u{c}",
            "\u{0}\u{1}\u{1f}\u{7f} \u{20}!",
            "caf\u{e9} \u{201c}x\u{201d} \u{1F600}",
            "\"\"\"\"\"\"\"\"\"\"",
            "long text without anything to escape, well past eight bytes, twice over",
            "long text ending with an escape after many bytes of plain text\"",
            "\u{e9}\u{e9}\u{e9}\u{e9}\"\u{e9}\u{e9}\u{e9}\u{e9}\\",
            "ab\u{1}cdefgh\u{2}ijk\u{1f}",
            &all,
        ];
        for s in cases {
            for cut in (0..=s.len()).filter(|&i| s.is_char_boundary(i)) {
                for tail in [&s[cut..], &s[..cut]] {
                    same(tail, string);
                    assert_eq!(needs_escape(tail), serde_json::to_string(tail).unwrap().len() != tail.len() + 2, "{tail:?}");
                }
            }
        }
        // Every byte in every place of strings up to 20 bytes long.
        for len in 1..20 {
            for at in 0..len {
                for c in (0u8..0x80).chain([0xC3]) {
                    let mut b = vec![b'a'; len];
                    b[at] = c;
                    if c == 0xC3 {
                        b.insert(at + 1, 0xA9);
                    }
                    let s = String::from_utf8(b).unwrap();
                    same(s.as_str(), string);
                }
            }
        }
    }

    fn texts() -> [&'static str; 3] {
        ["He said \"no\"", "caf\u{e9}\ttab", ""]
    }

    #[test]
    fn records_are_written_as_their_derives_write_them() {
        for (i, t) in texts().into_iter().enumerate() {
            let some = |s: &str| (i != 1).then(|| s.to_string());
            let list = |n: usize| (0..n + i).map(|k| format!("{t}{k}")).collect::<Vec<String>>();
            let span = |k: usize| Span { start: k, end: k + 10 * i, text: format!("{t}{k}") };
            same(
                &SentenceRecord {
                    id: format!("s{i}"),
                    start: i,
                    end: usize::MAX - i,
                    block: "body".into(),
                    paragraph: 3,
                    text: t.into(),
                    raw: some("raw\n"),
                    rules: list(0),
                },
                sentence,
            );
            same(
                &QuoteRecord {
                    id: "q0".into(),
                    start: 1,
                    end: 2,
                    text: t.into(),
                    kind: "direct".into(),
                    sentence_ids: list(1),
                    speaker: some("Lee"),
                    speaker_resolved: some("Dr. Lee"),
                    attribution_id: some("a0"),
                    rules: list(0),
                    note: some("a note"),
                },
                quote,
            );
            same(
                &AttributionRecord {
                    id: "a0".into(),
                    sentence_id: "s0".into(),
                    source: (i != 1).then(|| span(4)),
                    source_resolved: some("x"),
                    source_kind: "person".into(),
                    cue: Cue { start: 5, end: 9, text: t.into(), lemma: "say".into(), class: "neutral".into() },
                    content: span(7),
                    content_kind: "direct".into(),
                    hedge: some("reportedly"),
                    rule: t.into(),
                },
                attribution,
            );
            same(
                &ClaimRecord {
                    id: "c0".into(),
                    sentence_id: "s0".into(),
                    start: 0,
                    end: 12,
                    text: t.into(),
                    types: list(1),
                    checkworthiness: [0.0, 0.123, 1.0][i],
                    checkworthiness_features: list(2),
                    hedged: i == 0,
                    hedge_cues: list(0),
                    boosters: list(1),
                    negated: i == 2,
                    claimant: t.into(),
                    attribution_id: some("a1"),
                    frame_claim_id: some("c9"),
                    entities: (0..i).map(|k| EntityRecord { start: k, end: k + 1, text: t.into(), kind: "person".into() }).collect(),
                    rules: list(1),
                },
                claim,
            );
        }
    }
}
