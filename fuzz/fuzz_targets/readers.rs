//! The document readers on arbitrary bytes, as a text file, JSONL and CSV, from a file and
//! from stdin: never a panic, every record an error naming the file (and line, for JSONL
//! and CSV) or a document whose extraction keeps every promise.
#![no_main]

use std::io::Cursor;
use std::path::PathBuf;
use std::sync::LazyLock;

use claimex::ingest::{self, Input, Options};
use claimex::rules::RuleSet;
use libfuzzer_sys::fuzz_target;

static RULES: LazyLock<RuleSet> = LazyLock::new(RuleSet::builtin);

fuzz_target!(|data: &[u8]| {
    for name in ["doc.txt", "doc.jsonl", "doc.csv", "-"] {
        let input = Input { path: PathBuf::from(name), root: PathBuf::new() };
        let opts = Options { format: (name == "-").then_some(ingest::Format::Jsonl), ..Options::default() };
        let items = ingest::read_from(&input, &opts, Box::new(Cursor::new(data.to_vec())));
        for item in items.take(10_000) {
            match item {
                Ok(doc) => {
                    let rec = claimex::extract(&doc, &RULES);
                    if let Err(e) = claimex::invariants::check_record(&doc.text, &rec) {
                        panic!("{e} in {:?}", doc.text);
                    }
                }
                Err(e) => {
                    assert_eq!(e.file, name);
                    assert!(!e.message.is_empty());
                    if name != "doc.txt" && e.message != "empty file" && e.message != "file holds only blank lines" {
                        assert!(e.line.is_some_and(|l| l >= 1), "{e}");
                    }
                }
            }
        }
    }
});
