//! Lexicons: plain-text word lists, one entry per line, `#` comments, optional fields after
//! ` | ` (`said | say | neutral`). A lexicon's name is its path under `rules/lexicons/`
//! without the extension.

use std::collections::HashMap;

use super::error::RuleError;

/// Most entries one lexicon may hold: a guard against a runaway file.
pub const MAX_ENTRIES: usize = 1_000_000;

/// One lexicon entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The entry text (first field).
    pub text: String,
    /// Further fields.
    pub fields: Vec<String>,
    /// 1-based line in its file.
    pub line: usize,
}

/// A loaded lexicon.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    /// Its name (`abbreviations`).
    pub name: String,
    /// Its file path as shown in errors.
    pub path: String,
    /// Entries in file order.
    pub entries: Vec<Entry>,
}

impl Lexicon {
    /// Parse a lexicon file. `fields` is the number of fields each entry must have beyond
    /// the first (`None`: any).
    pub fn parse(name: &str, path: &str, src: &str) -> Result<Lexicon, Vec<RuleError>> {
        let mut entries = Vec::new();
        let mut errors = Vec::new();
        let mut offset = 0;
        for (i, raw) in src.split('\n').enumerate() {
            let line_start = offset;
            offset += raw.len() + 1;
            let line = raw.split_once(" #").map_or(raw, |(a, _)| a).trim_end_matches('\r');
            let line = if line.trim_start().starts_with('#') { "" } else { line };
            if line.trim().is_empty() {
                continue;
            }
            let mut parts = line.split('|').map(str::trim);
            let text = parts.next().unwrap_or_default().to_string();
            if text.is_empty() {
                errors.push(RuleError::at(path, src, line_start, "entry has an empty first field"));
                continue;
            }
            entries.push(Entry { text, fields: parts.map(str::to_string).collect(), line: i + 1 });
            if entries.len() > MAX_ENTRIES {
                errors.push(RuleError::at(path, src, line_start, format!("lexicon has more than {MAX_ENTRIES} entries")));
                break;
            }
        }
        if errors.is_empty() { Ok(Lexicon { name: name.to_string(), path: path.to_string(), entries }) } else { Err(errors) }
    }

    /// A map from entry text to its first field (or the empty string).
    pub fn map_first_field(&self) -> HashMap<String, String> {
        self.entries.iter().map(|e| (e.text.clone(), e.fields.first().cloned().unwrap_or_default())).collect()
    }

    /// The entry texts.
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|e| e.text.as_str())
    }

    /// Require every entry to have exactly `n` fields after the first, with the first of
    /// them from `allowed` when given; errors point at the entry's line.
    pub fn check_fields(&self, src: &str, n: usize, allowed: Option<&[&str]>) -> Vec<RuleError> {
        let mut errors = Vec::new();
        for e in &self.entries {
            let at = || line_offset(src, e.line);
            if e.fields.len() != n {
                errors.push(RuleError::at(
                    &self.path,
                    src,
                    at(),
                    format!("expected {} field(s) after the entry, found {}", n, e.fields.len()),
                ));
            } else if let (Some(allowed), Some(f)) = (allowed, e.fields.first())
                && !allowed.contains(&f.as_str())
            {
                errors.push(RuleError::at(&self.path, src, at(), format!("unknown class `{f}`; expected one of {}", allowed.join(", "))));
            }
        }
        errors
    }
}

/// Byte offset of the start of 1-based `line` in `src`.
pub fn line_offset(src: &str, line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    src.match_indices('\n').nth(line - 2).map_or(src.len(), |(i, _)| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_fields_and_comments() {
        let lx = Lexicon::parse("t", "t.txt", "# head\nsaid | say | neutral\n\nDr. | title # doctor\n").unwrap();
        assert_eq!(lx.entries.len(), 2);
        assert_eq!(lx.entries[0].fields, vec!["say", "neutral"]);
        assert_eq!((lx.entries[1].text.as_str(), lx.entries[1].line), ("Dr.", 4));
        let errs = lx.check_fields("# head\nsaid | say | neutral\n\nDr. | title # doctor\n", 1, Some(&["title"]));
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].line, 2);
    }
}
