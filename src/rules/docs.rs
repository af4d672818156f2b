//! Rule documentation generated from the rules themselves (as ruff does): `claimex rules
//! list`, `claimex rules explain ID`, and `docs/rules.md` (`claimex rules docs`). A test
//! fails when `docs/rules.md` is stale.
//!
//! A rule's kind-specific parameters (`block`, `position`, `field`, …) are read back from
//! its TOML table, so a new kind is documented without touching this file.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::{Files, RuleMeta, RuleSet};

/// Keys every rule has; the others are its kind's parameters.
const COMMON_KEYS: &[&str] = &["name", "kind", "description", "status", "pattern", "examples", "counterexamples", "todo"];

/// The kind-specific parameters of a rule, as written in its file.
pub fn params(files: &Files, meta: &RuleMeta) -> Vec<(String, String)> {
    let Some(src) = files.iter().find(|(rel, _)| meta.file == **rel || meta.file.ends_with(&format!("/{rel}"))).map(|(_, s)| s) else {
        return Vec::new();
    };
    let name = meta.id.rsplit('/').next().unwrap_or("");
    let Ok(value) = src.parse::<toml::Table>() else { return Vec::new() };
    let table = value
        .get("rule")
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(toml::Value::as_table)
        .find(|t| t.get("name").and_then(toml::Value::as_str) == Some(name));
    table
        .into_iter()
        .flat_map(|t| t.iter())
        .filter(|(k, _)| !COMMON_KEYS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.as_str().map_or_else(|| v.to_string(), str::to_owned)))
        .collect()
}

/// Lexicons a pattern refers to with `{{name}}`.
pub fn lexicons_of(meta: &RuleMeta) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = meta.pattern.as_deref().unwrap_or("");
    while let Some(i) = rest.find("{{") {
        let after = &rest[i + 2..];
        let Some(j) = after.find("}}") else { break };
        let name = after[..j].trim().to_string();
        if !out.contains(&name) {
            out.push(name);
        }
        rest = &after[j + 2..];
    }
    out
}

fn status(meta: &RuleMeta) -> &'static str {
    match meta.status {
        super::Status::Stable => "stable",
        super::Status::Preview => "preview",
        super::Status::Off => "off",
    }
}

fn example_line(text: &str, span: Option<&str>, fields: &BTreeMap<String, String>) -> String {
    let mut s = format!("{text:?}");
    if let Some(span) = span {
        let _ = write!(s, " → span {span:?}");
    }
    for (k, v) in fields {
        let _ = write!(s, " {k}={v:?}");
    }
    s
}

/// One line per rule: id, kind, status, example counts, location, description.
pub fn list(rules: &RuleSet) -> String {
    let w = rules.rules.iter().map(|r| r.id.len()).max().unwrap_or(2).max(2);
    let mut s = format!("{:<w$}  {:<12} {:<8} {:<10} {}\n", "ID", "KIND", "STATUS", "EX/CX/TODO", "FILE:LINE  DESCRIPTION");
    for r in &rules.rules {
        let counts = format!("{}/{}/{}", r.examples.len(), r.counterexamples.len(), r.todo.len());
        let desc = r.description.lines().next().unwrap_or("");
        let _ = writeln!(s, "{:<w$}  {:<12} {:<8} {:<10} {}:{}  {desc}", r.id, r.kind, status(r), counts, r.file, r.line);
    }
    let _ = writeln!(s, "{} rules", rules.rules.len());
    s
}

/// Everything about one rule, as text.
pub fn describe(rules: &RuleSet, files: &Files, meta: &RuleMeta) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{}", meta.id);
    let _ = writeln!(s, "  kind:         {}", meta.kind);
    let _ = writeln!(s, "  status:       {}", status(meta));
    let _ = writeln!(s, "  defined at:   {}:{}", meta.file, meta.line);
    let _ = writeln!(s, "  description:  {}", meta.description.replace('\n', "\n                "));
    for (k, v) in params(files, meta) {
        let _ = writeln!(s, "  {:<13} {v}", format!("{k}:"));
    }
    if let Some(p) = &meta.pattern {
        let _ = writeln!(s, "  pattern:      {p}");
    }
    for name in lexicons_of(meta) {
        let lx = rules.lexicon(&name);
        let _ = writeln!(s, "  lexicon:      {name} ({} entries, {})", lx.entries.len(), lx.path);
    }
    let _ = writeln!(s, "  examples (must fire):");
    for e in &meta.examples {
        let _ = writeln!(s, "    {}:{}  {}", meta.file, e.line, example_line(&e.text, e.span.as_deref(), &e.fields));
    }
    let _ = writeln!(s, "  counterexamples (must not fire):");
    for (t, line) in &meta.counterexamples {
        let _ = writeln!(s, "    {}:{line}  {t:?}", meta.file);
    }
    if !meta.todo.is_empty() {
        let _ = writeln!(s, "  todo (known gaps):");
        for (t, line) in &meta.todo {
            let _ = writeln!(s, "    {}:{line}  {t:?}", meta.file);
        }
    }
    s
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn code(s: &str) -> String {
    let ticks = if s.contains('`') { "``" } else { "`" };
    let pad = if s.starts_with('`') || s.ends_with('`') { " " } else { "" };
    format!("{ticks}{pad}{s}{pad}{ticks}")
}

/// `docs/rules.md`: every rule with its kind, status, location, description, parameters,
/// pattern and examples, and the lexicons.
pub fn markdown(rules: &RuleSet, files: &Files) -> String {
    let mut s = String::new();
    s.push_str("# Rule reference\n\n");
    s.push_str(
        "<!-- Generated from rules/ by `claimex rules docs -o docs/rules.md`; do not edit by hand. The test \
         `docs_rules_md_is_current` (tests/tooling.rs) fails when this file is stale; \
         `CLAIMEX_BLESS=1 cargo test --test tooling docs_rules_md_is_current` regenerates it. -->\n\n",
    );
    let by_kind = super::examples::by_kind(rules);
    let kinds: Vec<String> = by_kind.iter().map(|(k, v)| format!("{k} {}", v.len())).collect();
    let _ = writeln!(
        s,
        "{} rules ({}) and {} lexicons. A rule's id is its file path under `rules/` without `.toml`, \
         then its name. Every rule carries examples that must fire, counterexamples that must not, and \
         known gaps (`todo`); `claimex rules test` runs them all, and `claimex rules explain ID` shows \
         one rule.\n",
        rules.rules.len(),
        kinds.join(", "),
        rules.lexicons.len()
    );
    s.push_str("| Rule | Kind | Status | Description |\n|---|---|---|---|\n");
    for r in &rules.rules {
        let _ = writeln!(s, "| `{}` | {} | {} | {} |", r.id, r.kind, status(r), cell(&r.description));
    }
    for (kind, list) in &by_kind {
        let _ = writeln!(s, "\n## Kind `{kind}`");
        for r in list {
            let _ = writeln!(s, "\n### `{}`\n", r.id);
            let _ = writeln!(s, "{} · {} · `{}:{}`\n", r.kind, status(r), r.file, r.line);
            let _ = writeln!(s, "{}\n", r.description);
            for (k, v) in params(files, r) {
                let _ = writeln!(s, "- {k}: {}", code(&v));
            }
            for name in lexicons_of(r) {
                let _ = writeln!(s, "- lexicon: `{name}` ({} entries)", rules.lexicon(&name).entries.len());
            }
            if let Some(p) = &r.pattern {
                let _ = writeln!(s, "\n```text\n{p}\n```");
            }
            s.push_str("\nExamples (must fire):\n\n");
            for e in &r.examples {
                let _ = writeln!(s, "- {}", cell(&example_line(&e.text, e.span.as_deref(), &e.fields)));
            }
            s.push_str("\nCounterexamples (must not fire):\n\n");
            for (t, _) in &r.counterexamples {
                let _ = writeln!(s, "- {}", cell(&format!("{t:?}")));
            }
            if !r.todo.is_empty() {
                s.push_str("\nKnown gaps (todo):\n\n");
                for (t, _) in &r.todo {
                    let _ = writeln!(s, "- {}", cell(&format!("{t:?}")));
                }
            }
        }
    }
    s.push_str("\n## Lexicons\n\n| Lexicon | Entries | Used in patterns of |\n|---|---|---|\n");
    for (name, lx) in &rules.lexicons {
        let users: Vec<String> = rules.rules.iter().filter(|r| lexicons_of(r).contains(name)).map(|r| format!("`{}`", r.id)).collect();
        let users = if users.is_empty() { "the Rust stage that reads it (segmentation, tagging)".to_string() } else { users.join(", ") };
        let _ = writeln!(s, "| `lexicons/{name}.txt` | {} | {users} |", lx.entries.len());
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_come_from_the_rule_table() {
        let rules = RuleSet::builtin();
        let files = super::super::builtin_files();
        let bio = rules.rule("segment/blocks/author-bio").unwrap();
        let p = params(&files, bio);
        assert!(p.contains(&("block".into(), "author_bio".into())), "{p:?}");
        assert!(p.contains(&("position".into(), "end".into())), "{p:?}");
        assert_eq!(lexicons_of(bio), ["honorifics", "bio_roles"]);
        let text = describe(&rules, &files, bio);
        assert!(text.contains("defined at:   rules/segment/blocks.toml:"), "{text}");
    }
}
