//! Stage 2, normalize: turn the original text into the clean text the rules see, with an
//! offset map back to the original.
//!
//! What is repaired: Markdown heading marks and emphasis runs (`*`, `**`, `_`), two-space
//! Markdown line breaks, hard-wrapped lines (folded to one space), line-end hyphenation
//! (`inter-` ⏎ `national` → `international`), runs of whitespace, and PDF page-break
//! artefacts: a paragraph that stops mid-sentence and continues, in lower case, after blank
//! or whitespace-only lines is joined back into one paragraph.
//!
//! The clean text is built from verbatim runs of the original plus single-byte synthetic
//! spaces, so [`OffsetMap`] can take any clean byte offset back to the original byte offset,
//! and [`CharIndex`] turns original byte offsets into the code-point offsets of SPEC §2.

use std::ops::Range;

/// One paragraph of the clean text: lines of the original separated by no blank line.
#[derive(Debug, Clone)]
pub struct Paragraph {
    /// Byte range in the clean text.
    pub range: Range<usize>,
    /// Clean byte range of each original line of the paragraph (after joining).
    pub lines: Vec<Range<usize>>,
    /// Markdown heading level (`#` = 1), if the paragraph was a heading line.
    pub heading: Option<u8>,
    /// The whole paragraph was wrapped in emphasis (`*…*`, `**…**`, `_…_`).
    pub emphasized: bool,
    /// The whole paragraph was strong (`**…**` or `***…***`).
    pub strong: bool,
    /// 1-based line number in the original of the paragraph's first line.
    pub line: usize,
}

/// The clean text, its offset map and its paragraphs.
#[derive(Debug, Clone)]
pub struct Normalized {
    /// Clean text: paragraphs separated by `"\n\n"`, whitespace folded, markup removed.
    pub clean: String,
    /// Map from clean byte offsets to original byte offsets.
    pub map: OffsetMap,
    /// Paragraphs in document order.
    pub paragraphs: Vec<Paragraph>,
}

/// Maps clean byte offsets to original byte offsets.
///
/// Stored as anchors `(clean, orig)`: from an anchor on, clean bytes are a verbatim copy of
/// the original until the next anchor. A synthetic space gets an anchor of its own that
/// points at the original character it stands for (a newline, a tab, a hyphen).
#[derive(Debug, Clone, Default)]
pub struct OffsetMap {
    anchors: Vec<(usize, usize)>,
}

impl OffsetMap {
    /// Original byte offset of the clean byte offset `b`.
    pub fn orig(&self, b: usize) -> usize {
        let i = self.anchors.partition_point(|a| a.0 <= b);
        if i == 0 {
            return b;
        }
        let (c, o) = self.anchors[i - 1];
        o + (b - c)
    }

    /// Original byte range of the clean byte range `r`, which must lie on character
    /// boundaries of the clean text: the start maps directly and the end is the end of the
    /// original character behind the last clean character.
    pub fn orig_range(&self, clean: &str, orig: &str, r: Range<usize>) -> Range<usize> {
        if r.start >= r.end {
            let mut s = self.orig(r.start).min(orig.len());
            // Just after a synthetic space that stands for a wider character (a no-break
            // space, U+3000), the map points inside that character (found by fuzzing).
            while !orig.is_char_boundary(s) {
                s += 1;
            }
            return s..s;
        }
        // A synthetic space standing for a wider character (a no-break space, U+0085) maps
        // into that character: both ends are taken back to its start (found by fuzzing).
        let back = |mut i: usize| {
            i = i.min(orig.len());
            while !orig.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        let start = back(self.orig(r.start));
        let last = clean[..r.end].char_indices().next_back().map_or(r.start, |(i, _)| i);
        let last_orig = back(self.orig(last));
        let end = last_orig + orig[last_orig..].chars().next().map_or(0, char::len_utf8);
        start..end.max(start)
    }
}

/// Converts byte offsets of one text into code-point offsets in O(1) amortised time.
#[derive(Debug, Clone)]
pub struct CharIndex {
    ascii: bool,
    /// Code points before each 64-byte block.
    blocks: Vec<u32>,
}

const BLOCK: usize = 64;

impl CharIndex {
    /// Index `text`.
    pub fn new(text: &str) -> Self {
        if text.is_ascii() {
            return CharIndex { ascii: true, blocks: Vec::new() };
        }
        let bytes = text.as_bytes();
        let mut blocks = Vec::with_capacity(bytes.len() / BLOCK + 1);
        let mut count = 0u32;
        for chunk in bytes.chunks(BLOCK) {
            blocks.push(count);
            count += chunk.iter().filter(|&&b| (b & 0xC0) != 0x80).count() as u32;
        }
        blocks.push(count);
        CharIndex { ascii: false, blocks }
    }

    /// Code-point offset of byte offset `b` (a character boundary) in the indexed text.
    pub fn char_at(&self, text: &str, b: usize) -> usize {
        if self.ascii {
            return b;
        }
        let blk = b / BLOCK;
        let base = self.blocks[blk] as usize;
        let from = blk * BLOCK;
        base + text.as_bytes()[from..b].iter().filter(|&&x| (x & 0xC0) != 0x80).count()
    }
}

/// Builder of the clean text and its map.
struct Builder {
    clean: String,
    anchors: Vec<(usize, usize)>,
    /// Original offset the next verbatim byte would have without a new anchor.
    next_orig: usize,
}

impl Builder {
    fn copy(&mut self, orig_start: usize, s: &str) {
        if s.is_empty() {
            return;
        }
        if self.anchors.is_empty() || self.next_orig != orig_start {
            self.anchors.push((self.clean.len(), orig_start));
        }
        self.clean.push_str(s);
        self.next_orig = orig_start + s.len();
    }

    fn synth(&mut self, c: u8, orig_at: usize) {
        self.anchors.push((self.clean.len(), orig_at));
        self.clean.push(c as char);
        // The next verbatim byte always needs a fresh anchor.
        self.next_orig = usize::MAX;
    }

    /// Drop the last clean character, and any anchor at or past it: a later anchor at the
    /// same clean offset must not share it with a stale one (found by fuzzing: a character
    /// after a dropped hyphen mapped back to the hyphen).
    fn pop(&mut self) {
        self.clean.pop();
        let len = self.clean.len();
        while self.anchors.last().is_some_and(|&(c, _)| c >= len) {
            self.anchors.pop();
        }
        self.next_orig = usize::MAX;
    }

    fn ends_with_space(&self) -> bool {
        self.clean.is_empty() || self.clean.ends_with(' ') || self.clean.ends_with('\n')
    }
}

/// One source line, trimmed, with what its Markdown marks said.
struct Line {
    /// Byte range of the content in the original (heading marks and outer space removed).
    range: Range<usize>,
    heading: Option<u8>,
    number: usize,
}

/// Normalize `text` (the original, BOM already removed).
pub fn normalize(text: &str) -> Normalized {
    let groups = paragraph_groups(text);
    let mut b = Builder { clean: String::with_capacity(text.len()), anchors: Vec::new(), next_orig: 0 };
    let mut paragraphs: Vec<Paragraph> = Vec::new();
    for group in groups {
        let (emphasized, strong) = whole_emphasis(text, &group);
        let continues = paragraphs.last().is_some_and(|p| {
            p.heading.is_none()
                && group[0].heading.is_none()
                && (continues_sentence(&b.clean[p.range.clone()], &text[group[0].range.clone()]) || is_stray_punctuation(text, &group))
        });
        if continues && is_stray_punctuation(text, &group) {
            // Attach the stray mark to the previous paragraph directly.
        } else if continues {
            // A page break or blank line inside a sentence: join with one space.
            let gap_at = group[0].range.start.saturating_sub(1);
            b.synth(b' ', gap_at);
        } else if !b.clean.is_empty() {
            let at = group[0].range.start.saturating_sub(1);
            b.synth(b'\n', at);
            b.synth(b'\n', at);
        }
        let para_start = b.clean.len();
        let mut lines: Vec<Range<usize>> = Vec::with_capacity(group.len());
        for (i, line) in group.iter().enumerate() {
            let content = &text[line.range.clone()];
            if i > 0 {
                let prev = &b.clean[para_start..];
                let hyphen_join = prev.ends_with('-')
                    && prev[..prev.len() - 1].chars().next_back().is_some_and(char::is_lowercase)
                    && content.chars().next().is_some_and(char::is_lowercase);
                if hyphen_join {
                    b.pop();
                    // The hyphen ended the previous non-empty line's range; lines after it
                    // that came out empty (emphasis marks only) sit past it too (both found
                    // by fuzzing).
                    let len = b.clean.len();
                    for l in lines.iter_mut().rev().take_while(|l| l.end > len) {
                        *l = l.start.min(len)..len;
                    }
                } else if !prev.ends_with('-') && !b.ends_with_space() {
                    b.synth(b' ', line.range.start.saturating_sub(1));
                }
            }
            let line_start = b.clean.len();
            push_inline(&mut b, text, line.range.start, content);
            // Trailing spaces left by emphasis removal.
            while b.clean.len() > line_start && b.clean.ends_with(' ') {
                b.pop();
            }
            lines.push(line_start..b.clean.len());
        }
        let end = b.clean.len();
        if continues {
            let p = paragraphs.last_mut().expect("continued paragraph exists");
            p.range.end = end;
            p.lines.extend(lines);
            p.emphasized &= emphasized;
            p.strong &= strong;
        } else {
            paragraphs.push(Paragraph {
                range: para_start..end,
                lines,
                heading: group[0].heading,
                emphasized,
                strong,
                line: group[0].number,
            });
        }
    }
    // Drop paragraphs that became empty (a line of emphasis marks only).
    paragraphs.retain(|p| !p.range.is_empty());
    Normalized { clean: b.clean, map: OffsetMap { anchors: b.anchors }, paragraphs }
}

/// Split the original into non-blank lines grouped into paragraphs.
fn paragraph_groups(text: &str) -> Vec<Vec<Line>> {
    let mut groups: Vec<Vec<Line>> = Vec::new();
    let mut cur: Vec<Line> = Vec::new();
    let mut pos = 0;
    let mut number = 0;
    let bytes = text.as_bytes();
    while pos <= text.len() {
        number += 1;
        let end = memchr_line_end(bytes, pos);
        let raw = &text[pos..end];
        let next = if end < bytes.len() {
            if bytes[end] == b'\r' && bytes.get(end + 1) == Some(&b'\n') { end + 2 } else { end + 1 }
        } else {
            text.len() + 1
        };
        let lead = raw.len() - raw.trim_start().len();
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            if !cur.is_empty() {
                groups.push(std::mem::take(&mut cur));
            }
        } else {
            let mut start = pos + lead;
            let mut stop = start + trimmed.len();
            let mut heading = None;
            let hashes = trimmed.bytes().take_while(|&c| c == b'#').count();
            if (1..=6).contains(&hashes) && trimmed[hashes..].starts_with([' ', '\t']) {
                heading = Some(hashes as u8);
                let rest = &trimmed[hashes..];
                start += hashes + (rest.len() - rest.trim_start().len());
                let body = text[start..stop].trim_end_matches('#').trim_end();
                if !body.is_empty() {
                    stop = start + body.len();
                }
            }
            // A heading line is a paragraph of its own; a list item starts one.
            if (heading.is_some() || starts_list_item(&text[start..stop])) && !cur.is_empty() {
                groups.push(std::mem::take(&mut cur));
            }
            cur.push(Line { range: start..stop, heading, number });
            if heading.is_some() {
                groups.push(std::mem::take(&mut cur));
            }
        }
        pos = next;
    }
    if !cur.is_empty() {
        groups.push(cur);
    }
    groups
}

/// `- item`, `* item`, `+ item`, `• item`, `1. item`, `2) item`.
fn starts_list_item(line: &str) -> bool {
    let b = line.as_bytes();
    if b.len() >= 2 && matches!(b[0], b'-' | b'*' | b'+') && b[1] == b' ' || line.starts_with("• ") {
        return true;
    }
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    (1..=3).contains(&digits) && matches!(b.get(digits), Some(b'.' | b')')) && b.get(digits + 1) == Some(&b' ')
}

fn memchr_line_end(bytes: &[u8], from: usize) -> usize {
    bytes[from.min(bytes.len())..].iter().position(|&c| c == b'\n' || c == b'\r').map_or(bytes.len(), |i| from + i)
}

/// Whether a paragraph was wrapped whole in emphasis marks, and whether strongly.
fn whole_emphasis(text: &str, group: &[Line]) -> (bool, bool) {
    let first = &text[group[0].range.clone()];
    let last = &text[group[group.len() - 1].range.clone()];
    let open = first.bytes().take_while(|&c| c == b'*' || c == b'_').count();
    let close = last.bytes().rev().take_while(|&c| c == b'*' || c == b'_').count();
    let whole = open > 0 && close > 0 && (group.len() > 1 || first.len() > open + close);
    (whole, whole && open.min(close) >= 2)
}

/// Whether a paragraph that ends with `prev` is continued by one that starts with `next`:
/// `prev` stops without sentence-final punctuation on a lower-case word or a comma, and
/// `next` opens in lower case.
fn continues_sentence(prev: &str, next: &str) -> bool {
    let Some(last) = prev.chars().next_back() else { return false };
    let ends_open = last.is_lowercase() || last == ',';
    let next = next.trim_start_matches(['*', '_', ' ']);
    ends_open && next.chars().next().is_some_and(char::is_lowercase)
}

/// A paragraph of punctuation only (a `.` left behind by a scraper) belongs to the one
/// before it.
fn is_stray_punctuation(text: &str, group: &[Line]) -> bool {
    group.len() == 1 && {
        let t = &text[group[0].range.clone()];
        t.len() <= 3 && t.chars().all(|c| matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | ')' | '"' | '”'))
    }
}

/// Copy one line's content, dropping emphasis runs and folding whitespace.
fn push_inline(b: &mut Builder, text: &str, base: usize, content: &str) {
    let bytes = content.as_bytes();
    let mut i = 0;
    let mut run_start = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'*' || c == b'_' {
            let mut j = i;
            while j < bytes.len() && bytes[j] == c {
                j += 1;
            }
            if is_emphasis_run(content, i, j) {
                b.copy(base + run_start, &content[run_start..i]);
                run_start = j;
            }
            i = j;
            continue;
        }
        if c == b' ' || c == b'\t' || c == b'\x0b' || c == b'\x0c' {
            let mut j = i;
            while j < bytes.len() && matches!(bytes[j], b' ' | b'\t' | b'\x0b' | b'\x0c') {
                j += 1;
            }
            if j - i > 1 || c != b' ' {
                b.copy(base + run_start, &content[run_start..i]);
                if !b.ends_with_space() {
                    b.synth(b' ', base + i);
                }
                run_start = j;
            } else if b.clean.ends_with(' ') && run_start == i {
                // A single space right after a synthetic one (emphasis removed between).
                run_start = j;
            }
            i = j;
            continue;
        }
        if c >= 0x80 {
            // Fold Unicode spaces (no-break space and the like) too.
            let ch = content[i..].chars().next().expect("char boundary");
            if ch.is_whitespace() {
                b.copy(base + run_start, &content[run_start..i]);
                if !b.ends_with_space() {
                    b.synth(b' ', base + i);
                }
                i += ch.len_utf8();
                run_start = i;
                continue;
            }
            i += ch.len_utf8();
            continue;
        }
        i += 1;
    }
    b.copy(base + run_start, &content[run_start..]);
    let _ = text;
}

/// A run of `*` or `_` is markup when it flanks a word: it opens a word after space or
/// punctuation, or closes one before space or punctuation (CommonMark's flanking rule,
/// simplified). `5 * 3` and `snake_case` keep their characters.
fn is_emphasis_run(s: &str, i: usize, j: usize) -> bool {
    let before = s[..i].chars().next_back();
    let after = s[j..].chars().next();
    let open_side = |c: Option<char>| c.is_none_or(|c| c.is_whitespace() || is_punct(c));
    let left_flanking = after.is_some_and(|c| !c.is_whitespace()) && open_side(before);
    let right_flanking = before.is_some_and(|c| !c.is_whitespace()) && open_side(after);
    if s.as_bytes()[i] == b'_' {
        // Intra-word underscores are never emphasis.
        return (left_flanking && !before.is_some_and(char::is_alphanumeric))
            || (right_flanking && !after.is_some_and(char::is_alphanumeric));
    }
    left_flanking || right_flanking
}

fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation() || matches!(c, '“' | '”' | '‘' | '’' | '«' | '»' | '—' | '–' | '…')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(text: &str) -> Normalized {
        let n = normalize(text);
        // Every clean character that is not synthetic maps to the same original character.
        for (i, c) in n.clean.char_indices() {
            let o = n.map.orig(i);
            if c != ' ' && c != '\n' {
                assert_eq!(text[o..].chars().next(), Some(c), "clean {i} -> orig {o} in {text:?}");
            }
        }
        n
    }

    #[test]
    fn folds_wrapped_lines_and_markup() {
        let n = roundtrip("## **A Title**\n\nSome *emphasis* here  \nand a wrapped\nline.\n");
        assert_eq!(n.clean, "A Title\n\nSome emphasis here and a wrapped line.");
        assert_eq!(n.paragraphs.len(), 2);
        assert_eq!(n.paragraphs[0].heading, Some(2));
        assert!(n.paragraphs[0].strong);
    }

    #[test]
    fn joins_page_break_inside_sentence() {
        let text = "It was preceded by appeals to\n\n \nconstruct a thing.\n\nNext one.";
        let n = roundtrip(text);
        assert_eq!(n.clean, "It was preceded by appeals to construct a thing.\n\nNext one.");
        assert_eq!(n.paragraphs.len(), 2);
    }

    #[test]
    fn list_lines_are_paragraphs_of_their_own() {
        let n = roundtrip("Steps:\n- one thing\n- another\n1. numbered\nwrapped on");
        let paras: Vec<&str> = n.paragraphs.iter().map(|p| &n.clean[p.range.clone()]).collect();
        assert_eq!(paras, ["Steps:", "- one thing", "- another", "1. numbered wrapped on"]);
    }

    #[test]
    fn dehyphenates_line_ends() {
        let n = roundtrip("an inter-\nnational post-\nCold War");
        assert_eq!(n.clean, "an international post-Cold War");
    }

    #[test]
    fn keeps_snake_case_and_arithmetic() {
        let n = roundtrip("x = 5 * 3 and snake_case_name");
        assert_eq!(n.clean, "x = 5 * 3 and snake_case_name");
    }

    #[test]
    fn maps_ranges_back() {
        let text = "***Name Here***\n\nCRLF line\r\nnext é line.";
        let n = roundtrip(text);
        let i = n.clean.find("next").unwrap();
        let r = n.map.orig_range(&n.clean, text, i..n.clean.len());
        assert_eq!(&text[r], "next é line.");
        let ci = CharIndex::new(text);
        assert_eq!(ci.char_at(text, text.len()), text.chars().count());
    }
}
