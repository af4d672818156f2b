//! Rule-file errors with `path:line:col`, the offending line and a caret under the fault.

use std::fmt;
use std::ops::Range;

/// One error in one rule or lexicon file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    /// The file, as the user would type it.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
    /// The text of the line.
    pub line_text: String,
    /// What is wrong.
    pub message: String,
}

impl RuleError {
    /// An error at byte offset `at` of `src`.
    pub fn at(path: &str, src: &str, at: usize, message: impl Into<String>) -> Self {
        let at = at.min(src.len());
        let at = (0..=at).rev().find(|&i| src.is_char_boundary(i)).unwrap_or(0);
        let line_start = src[..at].rfind('\n').map_or(0, |i| i + 1);
        let line_end = src[at..].find('\n').map_or(src.len(), |i| at + i);
        RuleError {
            path: path.to_string(),
            line: src[..at].matches('\n').count() + 1,
            col: src[line_start..at].chars().count() + 1,
            line_text: src[line_start..line_end].trim_end_matches('\r').to_string(),
            message: message.into(),
        }
    }

    /// An error at the start of a byte span of `src`.
    pub fn span(path: &str, src: &str, span: Range<usize>, message: impl Into<String>) -> Self {
        Self::at(path, src, span.start, message)
    }
}

/// Most characters of the offending line an error shows.
const SHOWN: usize = 120;

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let num = self.line.to_string();
        let pad = " ".repeat(num.len());
        writeln!(f, "error: {}:{}:{}: {}", self.path, self.line, self.col, self.message)?;
        writeln!(f, "{pad} |")?;
        // A long line (a minified file, a runaway array) is shown around the column only.
        let chars: Vec<char> = self.line_text.chars().collect();
        let col = self.col.saturating_sub(1).min(chars.len());
        let from = col.saturating_sub(SHOWN / 2);
        let to = (from + SHOWN).min(chars.len());
        let (lead, tail) = (if from > 0 { "…" } else { "" }, if to < chars.len() { "…" } else { "" });
        let shown: String = chars[from..to].iter().collect();
        writeln!(f, "{num} | {lead}{shown}{tail}")?;
        let caret_pad: String = lead
            .chars()
            .chain(chars[from..col].iter().map(|&c| if c == '\t' { '\t' } else { ' ' }))
            .map(|c| if c == '\t' { c } else { ' ' })
            .collect();
        write!(f, "{pad} | {caret_pad}^")
    }
}

/// Every error found while loading a rule set, reported together.
#[derive(Debug, Clone, thiserror::Error)]
pub struct RuleErrors(pub Vec<RuleError>);

impl fmt::Display for RuleErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            writeln!(f, "{e}")?;
        }
        write!(f, "{} error(s) in the rules; nothing was processed", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_under_column() {
        let src = "a = 1\npattern = '(?x'\n";
        let e = RuleError::at("r.toml", src, 16, "bad");
        assert_eq!((e.line, e.col), (2, 11));
        let shown = e.to_string();
        assert!(shown.contains("r.toml:2:11: bad"));
        assert!(shown.ends_with("  |           ^"), "{shown}");
    }
}
