//! `claimex explain`: why the pipeline read a text the way it did (SPEC §5).
//!
//! For a text (or one sentence of a document) it shows the segmentation with the lexicon
//! decision behind every period that did or did not end a sentence, the metadata and the
//! rule that filled each field, every record with the rules that produced it (and for
//! attributions the reasoning behind the source), and the rules that *nearly* fired: rules
//! whose pattern matches but whose other conditions (position, length, context) kept them
//! off, and rules a literal word or lexicon entry of whose pattern occurs in the text while
//! the pattern itself does not match. The probe reads only [`RuleMeta::pattern`], so it
//! works for every rule kind.

use std::collections::BTreeSet;
use std::fmt::Write;

use crate::flat::{Flat, RecordType, flatten_record};
use crate::ingest::Document;
use crate::record::Spans;
use crate::rules::segment::AbbrevClass;
use crate::rules::{RuleMeta, RuleSet};

/// What the lexicons say about a period after `token` (with its period) followed by
/// `next`: the key of the lexicon that decides it and a sentence on why. `gained`: the
/// boundary is new (else it disappeared).
pub fn boundary_note(rules: Option<&RuleSet>, last: &str, next: &str, gained: bool) -> (String, String) {
    const ABBR: &str = "lexicons/abbreviations.txt";
    const STARTERS: &str = "lexicons/sentence_starters.txt";
    let token = last.trim_end_matches(['"', '\'', ')', ']', '”', '’', '»']).trim_start_matches(['"', '\'', '(', '[', '“', '‘', '«']);
    let next = next.trim_start_matches(['"', '\'', '(', '[', '“', '‘', '«']);
    let next = next.trim_end_matches(|c: char| !c.is_alphanumeric());
    if !token.ends_with('.') || token.ends_with("..") {
        return ("segmentation/sentences".into(), "not a period after a word: the splitter's punctuation rules decide".into());
    }
    let Some(rules) = rules else { return (ABBR.into(), format!("a period after `{token}`: see {ABBR}")) };
    match token_note(rules, token, next) {
        TokenNote::Listed { line, class, starter } => {
            let key = if matches!(class, AbbrevClass::Title | AbbrevClass::Inner | AbbrevClass::Time) { ABBR } else { STARTERS };
            let starter = match (class, starter) {
                (AbbrevClass::Title | AbbrevClass::Inner | AbbrevClass::Time, _) => String::new(),
                (_, Some(l)) => format!("; `{next}` opens sentences ({STARTERS}:{l})"),
                (_, None) => format!("; `{next}` is not in {STARTERS}"),
            };
            (key.into(), format!("`{token}` is listed in {ABBR}:{line} as {}{starter}", class_name(class)))
        }
        TokenNote::Shape { starter } => {
            let s =
                starter.map_or_else(|| format!("`{next}` is not in {STARTERS}"), |l| format!("`{next}` opens sentences ({STARTERS}:{l})"));
            (STARTERS.into(), format!("`{token}` is an initial or dotted abbreviation (by its shape); {s}"))
        }
        TokenNote::Unlisted => {
            let what = if gained { "so the period ends the sentence" } else { "yet no boundary: another rule joined them" };
            (ABBR.into(), format!("`{token}` is not in {ABBR}, {what}"))
        }
    }
}

/// What the lexicons know about a word with a final period.
enum TokenNote {
    Listed { line: usize, class: AbbrevClass, starter: Option<usize> },
    Shape { starter: Option<usize> },
    Unlisted,
}

fn class_name(c: AbbrevClass) -> &'static str {
    match c {
        AbbrevClass::Title => "title (never ends a sentence)",
        AbbrevClass::Inner => "inner (never ends a sentence)",
        AbbrevClass::Number => "number (no end before a number)",
        AbbrevClass::Month => "month (no end before a number)",
        AbbrevClass::Ambiguous => "ambiguous (ends one only before a sentence opener)",
        AbbrevClass::Time => {
            "time (ends one before a capitalised word other than a day, month or time zone, unless the time opens the sentence)"
        }
    }
}

fn token_note(rules: &RuleSet, token: &str, next: &str) -> TokenNote {
    let starter = rules.lexicon("sentence_starters").entries.iter().find(|e| e.text.eq_ignore_ascii_case(next)).map(|e| e.line);
    if let Some(class) = rules.segment.abbreviation(token) {
        let lx = rules.lexicon("abbreviations");
        let line = lx
            .entries
            .iter()
            .find(|e| e.text == token)
            .or_else(|| lx.entries.iter().find(|e| e.text.to_lowercase() == token.to_lowercase()));
        return TokenNote::Listed { line: line.map_or(0, |e| e.line), class, starter };
    }
    let word = &token[..token.len() - 1];
    let mut chars = word.chars();
    let initial = matches!((chars.next(), chars.next()), (Some(c), None) if c.is_uppercase());
    let dotted =
        word.contains('.') && word.split('.').all(|p| !p.is_empty() && p.chars().count() <= 2 && p.chars().all(char::is_alphabetic));
    if initial || dotted { TokenNote::Shape { starter } } else { TokenNote::Unlisted }
}

/// Literal words (4 letters or more) and `{{lexicon}}` names of a pattern as written: what
/// a prefilter would look for before running the regex.
pub fn pattern_words(pattern: &str) -> (Vec<String>, Vec<String>) {
    let chars: Vec<char> = pattern.chars().collect();
    let (mut words, mut lexicons, mut cur) = (Vec::new(), Vec::new(), String::new());
    let flush = |cur: &mut String, words: &mut Vec<String>| {
        if cur.chars().count() >= 4 {
            words.push(cur.to_lowercase());
        }
        cur.clear();
    };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '{' && chars.get(i + 1) == Some(&'{') {
            flush(&mut cur, &mut words);
            let end = (i + 2..chars.len()).find(|&j| chars[j] == '}').unwrap_or(chars.len());
            lexicons.push(chars[i + 2..end].iter().collect::<String>().trim().to_string());
            i = end + 2;
            continue;
        }
        match c {
            '\\' => {
                flush(&mut cur, &mut words);
                i += 2;
                if matches!(chars.get(i - 1), Some('p' | 'P' | 'x')) && chars.get(i) == Some(&'{') {
                    i = (i..chars.len()).find(|&j| chars[j] == '}').map_or(chars.len(), |j| j + 1);
                }
                continue;
            }
            '[' => {
                flush(&mut cur, &mut words);
                let mut j = i + 1;
                while j < chars.len() && !(chars[j] == ']' && j > i + 1 && chars[j - 1] != '\\') {
                    j += 1;
                }
                i = j + 1;
                continue;
            }
            '(' if chars.get(i + 1) == Some(&'?') => {
                flush(&mut cur, &mut words);
                i = (i + 2..chars.len()).find(|&j| matches!(chars[j], ':' | ')' | '>')).map_or(chars.len(), |j| j + 1);
                continue;
            }
            '{' => {
                flush(&mut cur, &mut words);
                i = (i..chars.len()).find(|&j| chars[j] == '}').map_or(chars.len(), |j| j + 1);
                continue;
            }
            c if c.is_alphabetic() => cur.push(c),
            _ => flush(&mut cur, &mut words),
        }
        i += 1;
    }
    flush(&mut cur, &mut words);
    words.sort();
    words.dedup();
    (words, lexicons)
}

/// Whether `word` occurs in `text` as a whole word, ignoring case.
fn has_word(text_lower: &str, word: &str) -> bool {
    let w = word.to_lowercase();
    text_lower.match_indices(&w).any(|(i, _)| {
        let before = text_lower[..i].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
        let after = text_lower[i + w.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric());
        before && after
    })
}

/// Why each rule that did not fire nearly did, probed over `texts` (label, clean text).
pub fn near_misses(rules: &RuleSet, texts: &[(String, String)], fired: &BTreeSet<String>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let lowered: Vec<String> = texts.iter().map(|(_, t)| t.to_lowercase()).collect();
    for meta in rules.rules.iter().filter(|m| !fired.contains(&m.id)) {
        let Some(pattern) = &meta.pattern else { continue };
        if let Some(re) = compile(rules, pattern) {
            if let Some(((label, _), m)) = texts.iter().find_map(|t| re.find(&t.1).map(|m| (t, m))) {
                out.push((
                    meta.id.clone(),
                    format!("pattern matches {:?} in {label}, yet the rule did not fire: it looks at another unit (paragraph, line, sentence) or a condition besides the pattern (position, length, context) failed", m.as_str()),
                ));
                continue;
            }
        }
        let (words, lexicons) = pattern_words(pattern);
        let mut found: Vec<String> = Vec::new();
        for w in &words {
            if let Some(i) = lowered.iter().position(|t| has_word(t, w)) {
                found.push(format!("`{w}` (in {})", texts[i].0));
            }
        }
        for name in &lexicons {
            for e in &rules.lexicon(name).entries {
                if let Some(i) = lowered.iter().position(|t| has_word(t, &e.text)) {
                    found.push(format!("`{}` (lexicons/{name}.txt:{}, in {})", e.text, e.line, texts[i].0));
                    break;
                }
            }
        }
        if !found.is_empty() {
            found.truncate(4);
            out.push((meta.id.clone(), format!("{} occurs, but the pattern does not match", found.join(", "))));
        }
    }
    out
}

fn compile(rules: &RuleSet, pattern: &str) -> Option<regex::Regex> {
    let expanded = crate::rules::expand_lexicons(pattern, &rules.lexicons).ok()?;
    regex::RegexBuilder::new(&expanded).size_limit(crate::rules::REGEX_SIZE_LIMIT).build().ok()
}

/// Fields of a record worth showing next to it: everything but offsets and the text itself.
fn shown_fields(f: &Flat) -> String {
    f.fields
        .iter()
        .filter(|(k, _)| {
            !matches!(k.as_str(), "start" | "end" | "raw" | "text" | "paragraph" | "entities")
                && !k.ends_with("_start")
                && !k.ends_with("_end")
        })
        .filter(|(_, v)| !v.is_null() && v.as_array().is_none_or(|a| !a.is_empty()))
        .map(|(k, v)| format!("{k}={}", Flat::show(Some(v))))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Explain a document, or only sentence `sentence` (index) of it.
pub fn explain(doc: &Document, rules: &RuleSet, sentence: Option<usize>) -> Result<String, String> {
    let a = crate::analyse(doc, rules);
    let rec = crate::record::build(doc, a.clone());
    let clean = &a.norm.clean;
    if let Some(n) = sentence
        && n >= a.seg.sentences.len()
    {
        return Err(format!("the document has {} sentences (s0 to s{})", a.seg.sentences.len(), a.seg.sentences.len().saturating_sub(1)));
    }
    let wanted_sentence = |i: usize| sentence.is_none_or(|n| n == i);
    let wanted_block = |b: usize| sentence.is_none_or(|n| a.seg.sentences[n].block == b);
    let mut s = String::new();
    let _ = writeln!(s, "segmentation: {} blocks, {} sentences", a.seg.blocks.len(), a.seg.sentences.len());
    let mut probe_texts: Vec<(String, String)> = Vec::new();
    for (bi, b) in a.seg.blocks.iter().enumerate().filter(|(bi, _)| wanted_block(*bi)) {
        let rule = b.rule.map(|r| format!(" ({})", rules.rules[r].id)).unwrap_or_default();
        let _ = writeln!(s, "  ¶{} {}{rule}", b.paragraph, b.kind.as_str());
        probe_texts.push((format!("¶{}", b.paragraph), clean[b.range.clone()].to_string()));
        for line in a.norm.paragraphs[b.paragraph].lines.iter().filter(|l| l.len() < b.range.len()) {
            probe_texts.push((format!("a line of ¶{}", b.paragraph), clean[line.clone()].trim().to_string()));
        }
        let sents: Vec<(usize, &crate::segment::Sentence)> = a.seg.sentences.iter().enumerate().filter(|(_, x)| x.block == bi).collect();
        for (k, &(si, sent)) in sents.iter().enumerate() {
            if !wanted_sentence(si) {
                continue;
            }
            let r = &rec.sentences[si];
            let text = &clean[sent.range.clone()];
            let _ = writeln!(s, "    s{si} [{}..{}] {:?}", r.start, r.end, text);
            probe_texts.push((format!("s{si}"), text.to_string()));
            let words: Vec<&str> = text.split_whitespace().collect();
            for w in words.windows(2).filter(|w| w[0].ends_with('.') && !w[0].ends_with("..")) {
                if let TokenNote::Listed { .. } | TokenNote::Shape { .. } = token_note(rules, w[0], w[1]) {
                    let (_, note) = boundary_note(Some(rules), w[0], w[1], false);
                    let _ = writeln!(s, "        no break after `{}`: {note}", w[0]);
                }
            }
            if let (Some(last), Some(next)) =
                (words.last(), sents.get(k + 1).map(|(_, n)| clean[n.range.clone()].split_whitespace().next().unwrap_or("")))
            {
                let (_, note) = boundary_note(Some(rules), last, next, true);
                // Ordinary words end sentences without saying so; short capitalised ones
                // (`Gen.`, `Dr.`) may be missing abbreviations.
                let word = last.trim_end_matches('.');
                let short_cap = word.chars().count() <= 4 && word.chars().next().is_some_and(char::is_uppercase);
                let listed = !matches!(token_note(rules, last, next), TokenNote::Unlisted);
                if last.ends_with('.') && !last.ends_with("..") && (listed || short_cap) {
                    let _ = writeln!(s, "        break after `{last}`: {note}");
                }
            }
        }
    }
    if sentence.is_none() && !rec.metadata.is_empty() {
        let _ = writeln!(s, "metadata:");
        for (k, v) in &rec.metadata {
            let by = rec.metadata_rules.get(k).map_or_else(|| " (from the document's blocks or input)".to_string(), |r| format!(" ({r})"));
            let _ = writeln!(s, "  {k} = {v}{by}");
        }
    }

    // Records and the rules that made them.
    let sid = sentence.map(|n| format!("@{}..{}", rec.sentences[n].start, rec.sentences[n].end));
    let flats: Vec<Flat> = flatten_record(&rec)
        .into_iter()
        .filter(|f| !matches!(f.ty, RecordType::Document | RecordType::Metadata | RecordType::Sentence))
        .filter(|f| {
            sid.as_ref().is_none_or(|sid| {
                ["sentence_id", "sentence_ids"].iter().any(|k| {
                    f.fields
                        .get(*k)
                        .is_some_and(|v| v.as_str() == Some(sid) || v.as_array().is_some_and(|a| a.iter().any(|x| x.as_str() == Some(sid))))
                })
            })
        })
        .collect();
    let mut fired: BTreeSet<String> = flats.iter().flat_map(|f| f.rules.iter().cloned()).collect();
    fired.extend(a.seg.blocks.iter().filter_map(|b| b.rule).map(|r| rules.rules[r].id.clone()));
    fired.extend(rec.metadata_rules.values().cloned());
    let _ = writeln!(s, "records:");
    if flats.is_empty() {
        let _ = writeln!(s, "  (no quotations, attributions or claims)");
    }
    let sp = Spans::new(doc, &a);
    for f in &flats {
        let span = f.span.map(|(x, y)| format!(" [{x}..{y}]")).unwrap_or_default();
        let _ = writeln!(s, "  {} {}{span} {:?}", f.ty.as_str(), f.id, f.text());
        let _ = writeln!(s, "      rules: {}", if f.rules.is_empty() { "(none)".to_string() } else { f.rules.join(", ") });
        let fields = shown_fields(f);
        if !fields.is_empty() {
            let _ = writeln!(s, "      {fields}");
        }
        if f.ty == RecordType::Attribution {
            let tag = a.tags.attributions.iter().find(|t| {
                let c = sp.span(t.cue.clone());
                Some((c.start, c.end)) == f.span
            });
            for why in tag.map(|t| t.reasoning.as_slice()).unwrap_or_default() {
                let _ = writeln!(s, "      why: {why}");
            }
        }
    }
    let misses = near_misses(rules, &probe_texts, &fired);
    let _ = writeln!(s, "nearly fired:");
    if misses.is_empty() {
        let _ = writeln!(s, "  (none)");
    }
    for (id, why) in misses {
        let at = rules.rule(&id).map(|m: &RuleMeta| format!(" ({}:{})", m.file, m.line)).unwrap_or_default();
        let _ = writeln!(s, "  {id}{at}\n      {why}");
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pattern_words_skip_syntax() {
        let (w, l) = pattern_words(r"(?i)^(?:the )?(?:views|opinions)(?: and opinions)? expressed (?:in|here)\b{{honorifics}}\p{Lu}[a-z]+");
        assert_eq!(w, ["expressed", "here", "opinions", "views"]);
        assert_eq!(l, ["honorifics"]);
    }

    #[test]
    fn explains_abbreviations_and_near_misses() {
        let rules = RuleSet::builtin();
        let doc = Document {
            id: "d".into(),
            text: "Dr. Lee met the envoy. Later the views expressed by the minister changed.".into(),
            ..Default::default()
        };
        let out = explain(&doc, &rules, None).unwrap();
        assert!(out.contains("no break after `Dr.`: `Dr.` is listed in lexicons/abbreviations.txt:"), "{out}");
        assert!(!out.contains("break after `envoy.`"), "{out}");
        assert!(out.contains("segment/blocks/views-expressed"), "{out}");
        assert!(out.contains("`views`"), "{out}");
    }

    #[test]
    fn boundary_notes_name_the_lexicon() {
        let rules = RuleSet::builtin();
        assert_eq!(boundary_note(Some(&rules), "Dr.", "Lee", false).0, "lexicons/abbreviations.txt");
        assert_eq!(boundary_note(Some(&rules), "Xyz.", "Lee", true).0, "lexicons/abbreviations.txt");
        assert!(boundary_note(Some(&rules), "Xyz.", "Lee", true).1.contains("is not in"));
        assert_eq!(boundary_note(Some(&rules), "U.S.", "The", true).0, "lexicons/sentence_starters.txt");
        assert_eq!(boundary_note(Some(&rules), "end?", "The", true).0, "segmentation/sentences");
    }
}
