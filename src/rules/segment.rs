//! The segmentation lexicons, compiled: abbreviations with their class, the words that
//! typically open a sentence, and month names (for dates).
//!
//! `lexicons/abbreviations.txt` has one abbreviation per line with its class:
//! `title` (Dr., Mr. — never ends a sentence), `inner` (e.g., vs. — never ends one),
//! `number` (No., Art. — does not end one before a number), `month` (Jan. — does not end
//! one before a number), `ambiguous` (U.S., Inc., etc. — ends one only before a typical
//! sentence opener from `lexicons/sentence_starters.txt`), `time` (a.m., p.m. — ends one
//! before a capitalised word other than those of `lexicons/time_words.txt` and the months).

use std::collections::{BTreeMap, HashMap, HashSet};

use super::{Files, Lexicon, RuleError};

/// How an abbreviation behaves before a possible sentence boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AbbrevClass {
    /// Never ends a sentence.
    Title,
    /// Never ends a sentence.
    Inner,
    /// Does not end a sentence before a number.
    Number,
    /// Does not end a sentence before a number (a day).
    Month,
    /// Ends a sentence only before a typical sentence opener.
    Ambiguous,
    /// A clock-time suffix (a.m., p.m.): ends a sentence before a capitalised word other than
    /// a day, month or time zone, unless the time opens the sentence.
    Time,
}

/// Most capitalised words of a place name between a clock time and `time`
/// (`5 p.m. New York City time`).
const MAX_PLACE_WORDS: usize = 3;

const CLASSES: &[&str] = &["title", "inner", "number", "month", "ambiguous", "time"];

/// Compiled segmentation lexicons.
#[derive(Debug, Clone, Default)]
pub struct SegmentLexicons {
    /// Abbreviation (with its final period, as written) → class. Looked up as written and
    /// lower-cased.
    pub abbreviations: HashMap<String, AbbrevClass>,
    /// Lower-cased words that typically open a sentence.
    pub starters: HashSet<String>,
    /// Lower-cased month name or abbreviation (no period) → month number.
    pub months: HashMap<String, u32>,
    /// Lower-cased words that follow a clock time inside a sentence (days, time zones).
    pub time_words: HashSet<String>,
}

impl SegmentLexicons {
    /// Compile from loaded lexicons; entry errors go to `errors`.
    pub fn compile(
        lexicons: &BTreeMap<String, Lexicon>,
        files: &Files,
        shown: &dyn Fn(&str) -> String,
        errors: &mut Vec<RuleError>,
    ) -> Self {
        let mut out = SegmentLexicons::default();
        let src = |name: &str| files.get(&format!("lexicons/{name}.txt")).map(String::as_str).unwrap_or("");
        let _ = shown;
        if let Some(lx) = lexicons.get("abbreviations") {
            errors.extend(lx.check_fields(src("abbreviations"), 1, Some(CLASSES)));
            for e in &lx.entries {
                let class = match e.fields.first().map(String::as_str) {
                    Some("title") => AbbrevClass::Title,
                    Some("inner") => AbbrevClass::Inner,
                    Some("number") => AbbrevClass::Number,
                    Some("month") => AbbrevClass::Month,
                    Some("time") => AbbrevClass::Time,
                    _ => AbbrevClass::Ambiguous,
                };
                out.abbreviations.insert(e.text.clone(), class);
                out.abbreviations.entry(e.text.to_lowercase()).or_insert(class);
            }
        }
        if let Some(lx) = lexicons.get("sentence_starters") {
            out.starters = lx.words().map(str::to_lowercase).collect();
        }
        if let Some(lx) = lexicons.get("time_words") {
            out.time_words = lx.words().map(str::to_lowercase).collect();
        }
        if let Some(lx) = lexicons.get("months") {
            errors.extend(lx.check_fields(src("months"), 1, None));
            for e in &lx.entries {
                if let Some(n) = e.fields.first().and_then(|f| f.parse::<u32>().ok()).filter(|n| (1..=12).contains(n)) {
                    out.months.insert(e.text.to_lowercase(), n);
                } else if e.fields.len() == 1 {
                    let at = super::lexicon::line_offset(src("months"), e.line);
                    errors.push(RuleError::at(&lx.path, src("months"), at, "month number must be 1 to 12"));
                }
            }
        }
        out
    }

    /// The class of an abbreviation token (with its final period), if it is one.
    pub fn abbreviation(&self, token: &str) -> Option<AbbrevClass> {
        self.abbreviations.get(token).or_else(|| self.abbreviations.get(&token.to_lowercase())).copied()
    }

    /// Whether `word` typically opens a sentence; a contraction (`I'm`, `It’s`) by its
    /// first part.
    pub fn is_starter(&self, word: &str) -> bool {
        let head = word.split(['\'', '’']).next().unwrap_or(word);
        self.starters.contains(&word.to_lowercase()) || self.starters.contains(&head.to_lowercase())
    }

    /// Whether `rest`, the text after a clock time, goes on with the time (`9 a.m. Tuesday`,
    /// `5 p.m. EDT`, `10 a.m. March 3`, `5 p.m. New York time`): a day, a time zone or a
    /// month, or up to three capitalised words (a place) and then a time word in lower case.
    pub fn follows_time(&self, rest: &str) -> bool {
        let is_time_word = |w: &str| {
            let w = w.to_lowercase();
            self.time_words.contains(&w) || self.months.contains_key(&w)
        };
        let words = rest.split_whitespace().map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()));
        for (i, w) in words.take(MAX_PLACE_WORDS + 1).enumerate() {
            let capitalised = w.chars().next().is_some_and(char::is_uppercase);
            if (i == 0 || !capitalised) && is_time_word(w) {
                return true;
            }
            if !capitalised {
                return false;
            }
        }
        false
    }
}
