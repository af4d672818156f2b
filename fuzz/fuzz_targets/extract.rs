//! The whole extraction on arbitrary text: normalizer, segmenter, quotation scanner,
//! attribution and claim taggers, record building and rendering. Every record must keep
//! the promises of `claimex::invariants`.
#![no_main]

use std::sync::LazyLock;

use claimex::ingest::Document;
use claimex::invariants::{check_analysis, check_record};
use claimex::rules::RuleSet;
use libfuzzer_sys::fuzz_target;

static RULES: LazyLock<RuleSet> = LazyLock::new(RuleSet::builtin);

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let doc = Document { id: "f".into(), source: "f".into(), text: text.to_string(), ..Default::default() };
    let a = claimex::analyse(&doc, &RULES);
    if let Err(e) = check_analysis(text, &a) {
        panic!("{e} in {text:?}");
    }
    let rec = claimex::record::build(&doc, a);
    if let Err(e) = check_record(text, &rec) {
        panic!("{e} in {text:?}");
    }
    claimex::write::render(rec, claimex::write::Tables::ALL);
});
