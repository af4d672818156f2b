//! The rule-file loader on arbitrary TOML and lexicon text: a bad file is a list of errors
//! with path:line:col, never a panic or a hang; a good one compiles into rules that
//! extraction can run. Only the fuzzed files are loaded (the built-in set takes a second
//! to compile, which would leave the fuzzer a handful of runs).
#![no_main]

use claimex::ingest::Document;
use claimex::rules::{Files, RuleSet};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // The first line chooses where the rest goes: a rule file, a lexicon used by a rule,
    // or one of the lexicons the segmenter and the taggers compile.
    let (head, body) = text.split_once('\n').unwrap_or(("", text));
    let mut files = Files::new();
    match head.len() % 5 {
        0 => {
            files.insert("fuzz/rules.toml".into(), body.to_string());
        }
        1 => {
            files.insert("lexicons/fuzz.txt".into(), body.to_string());
            files.insert(
                "fuzz/rules.toml".into(),
                "[[rule]]\nname = \"x\"\nkind = \"block\"\ndescription = \"d\"\nblock = \"boilerplate\"\npattern = '^{{fuzz}}$'\nexamples = [{ text = \"x\" }]\n".into(),
            );
        }
        2 => {
            files.insert("lexicons/abbreviations.txt".into(), body.to_string());
        }
        3 => {
            files.insert("lexicons/quote_marks.txt".into(), body.to_string());
        }
        _ => {
            files.insert("lexicons/reporting_verbs.txt".into(), body.to_string());
        }
    }
    match RuleSet::load(&files, "fuzz") {
        Ok(set) => {
            let doc = Document { id: "f".into(), text: format!("{body}\n\nDr. Lee said prices rose. “Yes,” she said."), ..Default::default() };
            let rec = claimex::extract(&doc, &set);
            if let Err(e) = claimex::invariants::check_record(&doc.text, &rec) {
                panic!("{e}");
            }
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
