//! The rule-file loader on arbitrary TOML and lexicon text, added to the built-in rules:
//! a bad file is a list of errors with path:line:col, never a panic or a hang; a good one
//! compiles into rules that extraction can run.
#![no_main]

use std::sync::LazyLock;

use claimex::ingest::Document;
use claimex::rules::{self, RuleSet};
use libfuzzer_sys::fuzz_target;

static BUILTIN: LazyLock<rules::Files> = LazyLock::new(rules::builtin_files);

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // The first line chooses where the rest goes: a rule file, a lexicon, or both.
    let (head, body) = text.split_once('\n').unwrap_or(("", text));
    let mut files = BUILTIN.clone();
    match head.len() % 3 {
        0 => {
            files.insert("fuzz/rules.toml".into(), body.to_string());
        }
        1 => {
            files.insert("lexicons/fuzz.txt".into(), body.to_string());
            files.insert("fuzz/rules.toml".into(), format!("[[rule]]\nname = \"x\"\nkind = \"block\"\ndescription = \"d\"\nblock = \"boilerplate\"\npattern = '^{{{{fuzz}}}}$'\nexamples = [{{ text = \"x\" }}]\n"));
        }
        _ => {
            files.insert("lexicons/abbreviations.txt".into(), body.to_string());
        }
    }
    match RuleSet::load(&files, "fuzz") {
        Ok(set) => {
            let doc = Document { id: "f".into(), text: format!("{body}\n\nDr. Lee said prices rose. “Yes,” she said."), ..Default::default() };
            let rec = claimex::extract(&doc, &set);
            claimex::invariants::check_record(&doc.text, &rec).unwrap();
        }
        Err(errors) => {
            for e in &errors.0 {
                assert!(e.line >= 1 && e.col >= 1, "{e}");
                assert!(!e.message.is_empty());
                let _ = e.to_string();
            }
        }
    }
});
