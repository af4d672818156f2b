//! Block classification and front-matter metadata.
//!
//! The document's shape decides the structural kinds: the title is the most substantial
//! heading before the first prose paragraph (or a short first line with no stop when there
//! are no headings); what precedes it is front matter; short name-like lines between it and
//! the prose are bylines. Content kinds (boilerplate, author bio, front-matter lines, date
//! lines) come from the `block` rules in `rules/segment/`; list items and headings from
//! their marks. Metadata (`date`, `number`, `series`…) comes from the `metadata` rules.

use serde_json::{Map, Value};

use super::{Block, BlockKind};
use crate::normalize::{Normalized, Paragraph};
use crate::rules::RuleSet;
use crate::rules::block::Position;
use crate::rules::segment::SegmentLexicons;

/// Facts about one paragraph that classification looks at.
struct Facts<'a> {
    text: &'a str,
    words: usize,
    /// Ends with sentence punctuation (optionally followed by closing marks).
    stops: bool,
    heading: bool,
    emphasized: bool,
    list: bool,
    /// Most of its words hold digits (`Revs 16.1 mln vs 3,971,000`).
    numeric: bool,
}

impl<'a> Facts<'a> {
    fn new(clean: &'a str, p: &Paragraph) -> Self {
        let text = &clean[p.range.clone()];
        let trimmed = text.trim_end_matches(['"', '\'', '”', '’', ')', ']', '*', '_']);
        let (words, with_digits) = count_words(text);
        Facts {
            text,
            words,
            numeric: words > 0 && with_digits * 5 >= words * 2,
            stops: trimmed.ends_with(['.', '?', '!', '…', ':', ';']),
            heading: p.heading.is_some(),
            emphasized: p.emphasized,
            list: is_list_marker(text),
        }
    }

    /// Prose: a full sentence or more.
    fn is_prose(&self) -> bool {
        !self.heading && !self.list && self.stops && self.words >= 8
    }
}

/// Words (runs of non-space; the clean text has single ASCII spaces) and how many hold a digit.
fn count_words(text: &str) -> (usize, usize) {
    let (mut words, mut digits, mut in_word, mut has_digit) = (0, 0, false, false);
    for &b in text.as_bytes() {
        if b == b' ' || b == b'\n' {
            if in_word {
                words += 1;
                digits += has_digit as usize;
            }
            in_word = false;
            has_digit = false;
        } else {
            in_word = true;
            has_digit |= b.is_ascii_digit();
        }
    }
    if in_word {
        words += 1;
        digits += has_digit as usize;
    }
    (words, digits)
}

fn is_list_marker(text: &str) -> bool {
    let b = text.as_bytes();
    if b.len() < 3 {
        return false;
    }
    if matches!(b[0], b'-' | b'*' | b'+') && b[1] == b' ' || text.starts_with("• ") {
        return true;
    }
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    (1..=3).contains(&digits) && matches!(b.get(digits), Some(b'.' | b')')) && b.get(digits + 1) == Some(&b' ')
}

/// Classify every paragraph; return the blocks, the metadata found and the rules that found it.
///
/// `known_title` is the title the input's own metadata gives (a JSONL `title` field): when
/// present, only a paragraph with that text can be the title block.
pub fn classify(norm: &Normalized, rules: &RuleSet, known_title: Option<&str>) -> (Vec<Block>, Map<String, Value>, Vec<usize>) {
    let facts: Vec<Facts> = norm.paragraphs.iter().map(|p| Facts::new(&norm.clean, p)).collect();
    let n = facts.len();
    let mut kinds: Vec<Option<(BlockKind, Option<usize>)>> = vec![None; n];

    // Content rules first: boilerplate, bios, date lines and front-matter lines say what a
    // paragraph is whatever its place (within the rule's position).
    let first_prose = facts.iter().position(|f| f.is_prose() && rule_kind(rules, f, 0, n, usize::MAX).is_none()).unwrap_or(n);
    // A short first line that a content rule claims (a date, an issue number) is not a title.
    let title = match known_title {
        Some(t) => facts.iter().take(3).position(|f| f.text.trim().eq_ignore_ascii_case(t.trim())),
        None => find_title(&facts, first_prose).filter(|&t| facts[t].heading || rule_kind(rules, &facts[t], t, n, usize::MAX).is_none()),
    };
    let front_end = title.unwrap_or(0);
    for (i, f) in facts.iter().enumerate() {
        if let Some(hit) = rule_kind(rules, f, i, n, front_end.max(first_prose.min(3))) {
            kinds[i] = Some(hit);
        }
    }
    if let Some(t) = title {
        kinds[t] = Some((BlockKind::Title, None));
        for k in kinds.iter_mut().take(t) {
            match k {
                Some((BlockKind::Dateline | BlockKind::Boilerplate, _)) => {}
                _ => *k = Some((BlockKind::FrontMatter, None)),
            }
        }
        for i in t + 1..first_prose.min(n) {
            if kinds[i].is_none() && looks_like_byline(&facts[i]) {
                kinds[i] = Some((BlockKind::Byline, None));
            }
        }
    }
    let blocks = facts
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let (kind, rule) = kinds[i].unwrap_or_else(|| (structural_kind(f, i, n, &facts), None));
            Block { kind, range: norm.paragraphs[i].range.clone(), paragraph: i, rule }
        })
        .collect::<Vec<_>>();
    let (metadata, used) = metadata(norm, &blocks, rules);
    (blocks, metadata, used)
}

/// The first `block` rule that claims paragraph `i` of `n`; `front` is the number of
/// leading paragraphs that count as the front of the document.
fn rule_kind(rules: &RuleSet, f: &Facts, i: usize, n: usize, front: usize) -> Option<(BlockKind, Option<usize>)> {
    rules.blocks.iter().filter(|r| rules.rules[r.rule].status != crate::rules::Status::Off).find_map(|r| {
        let placed = match r.position {
            Position::Any => true,
            Position::Front => i < front,
            Position::End => i + 3 >= n,
        };
        let short = r.max_words.is_none_or(|m| f.words <= m);
        (placed && short && r.regex.is_match(f.text)).then(|| (BlockKind::parse(&r.block).unwrap_or(BlockKind::Body), Some(r.rule)))
    })
}

/// The title: among the headings before the first prose paragraph, the one with the most
/// words (a masthead or series name is shorter than the title it precedes); with no
/// heading, a short first paragraph without a stop.
fn find_title(facts: &[Facts], first_prose: usize) -> Option<usize> {
    let best = facts[..first_prose.min(facts.len())]
        .iter()
        .enumerate()
        .filter(|(_, f)| f.heading && f.words <= 30)
        .max_by(|(ia, a), (ib, b)| a.words.cmp(&b.words).then(ib.cmp(ia)))
        .map(|(i, _)| i);
    if best.is_some() {
        return best;
    }
    let f = facts.first()?;
    (facts.len() > 1 && first_prose < facts.len() && !f.stops && !f.list && f.words <= 20 && first_prose <= 2).then_some(0)
}

/// A short line of capitalised words (a name), optionally `By …`.
fn looks_like_byline(f: &Facts) -> bool {
    if f.words > 8 || f.stops {
        return false;
    }
    let text = f.text.strip_prefix("By ").or_else(|| f.text.strip_prefix("by ")).unwrap_or(f.text);
    let names = text
        .split_whitespace()
        .filter(|w| !matches!(*w, "and" | "&" | "," | "de" | "van" | "von"))
        .all(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).chars().next().is_some_and(char::is_uppercase));
    names && (f.emphasized || text.len() != f.text.len() || f.words <= 4)
}

/// The kind of a paragraph no rule and no structural position claimed.
fn structural_kind(f: &Facts, i: usize, n: usize, facts: &[Facts]) -> BlockKind {
    if f.list {
        BlockKind::ListItem
    } else if f.numeric && !f.stops && f.words <= 20 && !f.heading {
        BlockKind::Table
    } else if f.heading || (!f.stops && f.words <= 12 && i + 1 < n && facts[i + 1].is_prose() && !f.text.ends_with(',')) {
        BlockKind::Heading
    } else {
        BlockKind::Body
    }
}

/// Document metadata from the blocks: title and author from their blocks, the rest from
/// `metadata` rules over the front of the document.
fn metadata(norm: &Normalized, blocks: &[Block], rules: &RuleSet) -> (Map<String, Value>, Vec<usize>) {
    let mut meta = Map::new();
    let mut used = Vec::new();
    let text = |b: &Block| norm.clean[b.range.clone()].trim().to_string();
    if let Some(b) = blocks.iter().find(|b| b.kind == BlockKind::Title) {
        meta.insert("title".into(), Value::String(text(b)));
    }
    if let Some(b) = blocks.iter().find(|b| b.kind == BlockKind::Byline) {
        let t = text(b);
        let t = t.strip_prefix("By ").or_else(|| t.strip_prefix("by ")).unwrap_or(&t).trim().to_string();
        meta.insert("author".into(), Value::String(t));
    }
    let n = blocks.len();
    let front = blocks.iter().position(|b| b.kind == BlockKind::Body).unwrap_or(n);
    for r in &rules.metadata {
        if meta.contains_key(&r.field) {
            continue;
        }
        let found = blocks.iter().enumerate().find_map(|(i, b)| {
            let placed = match r.position {
                Position::Any => true,
                Position::Front => i < front || matches!(b.kind, BlockKind::Dateline | BlockKind::Byline | BlockKind::FrontMatter),
                Position::End => i + 3 >= n,
            };
            if !placed {
                return None;
            }
            let para = &norm.paragraphs[b.paragraph];
            para.lines.iter().find_map(|l| r.value(norm.clean[l.clone()].trim()))
        });
        if let Some(v) = found {
            let v = if r.field == "date" { iso_date(v, &rules.segment).unwrap_or_else(|| v.to_string()) } else { v.to_string() };
            meta.insert(r.field.clone(), Value::String(v));
            used.push(r.rule);
        }
    }
    (meta, used)
}

/// A written date as ISO 8601 (`27 August 2014`, `August 27, 2014`, `Aug. 27 2014`,
/// `2014-08-27`, `August 2014`).
pub fn iso_date(s: &str, lex: &SegmentLexicons) -> Option<String> {
    let parts: Vec<&str> = s.split(|c: char| c.is_whitespace() || c == ',' || c == '-' || c == '/').filter(|p| !p.is_empty()).collect();
    let mut day = None;
    let mut month = None;
    let mut year = None;
    let mut numbers = Vec::new();
    for p in &parts {
        let p = p.trim_end_matches('.');
        if let Some(&m) = lex.months.get(&p.to_lowercase()) {
            month = Some(m);
        } else if let Ok(v) = p.trim_end_matches(|c: char| c.is_alphabetic()).parse::<u32>() {
            if p.len() == 4 {
                year = Some(v);
            } else {
                numbers.push(v);
            }
        }
    }
    if month.is_none() && numbers.len() == 2 && year.is_some() {
        // ISO order: year-month-day.
        month = Some(numbers[0]);
        day = Some(numbers[1]);
    } else if let Some(&d) = numbers.first() {
        day = Some(d);
    }
    let (y, m) = (year?, month?);
    if !(1..=12).contains(&m) {
        return None;
    }
    match day {
        Some(d) if (1..=31).contains(&d) => Some(format!("{y:04}-{m:02}-{d:02}")),
        Some(_) => None,
        None => Some(format!("{y:04}-{m:02}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        let rules = RuleSet::builtin();
        let lx = &rules.segment;
        assert_eq!(iso_date("27 August 2014", lx).as_deref(), Some("2014-08-27"));
        assert_eq!(iso_date("Aug. 3, 1999", lx).as_deref(), Some("1999-08-03"));
        assert_eq!(iso_date("2014-08-27", lx).as_deref(), Some("2014-08-27"));
        assert_eq!(iso_date("March 2011", lx).as_deref(), Some("2011-03"));
        assert_eq!(iso_date("no date here", lx), None);
    }

    #[test]
    fn list_markers() {
        assert!(is_list_marker("- item"));
        assert!(is_list_marker("12. item"));
        assert!(!is_list_marker("2014 was a year."));
    }
}
