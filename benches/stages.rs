//! Per-stage benchmarks (divan) on a fixed sample: the first 300 documents of
//! `../shared/corpus/bbc_news_2225.jsonl` (BBC News 2004–05, research use, read in place).
//! Run with `cargo bench --bench stages`; not run in CI. Results go to docs/benchmarks.md.

use claimex::ingest::{self, Document};
use claimex::rules::RuleSet;
use divan::{Bencher, black_box};

const SAMPLE: &str = "../shared/corpus/bbc_news_2225.jsonl";
const DOCS: usize = 300;

fn main() {
    divan::main();
}

fn sample() -> Vec<Document> {
    let input = ingest::Input { path: SAMPLE.into(), root: "../shared/corpus".into() };
    ingest::read(&input, &ingest::Options::default()).take(DOCS).map(|d| d.expect("sample document reads")).collect()
}

fn bytes(docs: &[Document]) -> usize {
    docs.iter().map(|d| d.text.len()).sum()
}

/// The sample normalised and segmented, for the benches that start after segmentation.
fn segmented(docs: &[Document], rules: &RuleSet) -> Vec<(claimex::normalize::Normalized, claimex::segment::Segmented)> {
    docs.iter()
        .map(|d| {
            let n = claimex::normalize::normalize(&d.text);
            let s = claimex::segment::segment(&n, rules);
            (n, s)
        })
        .collect()
}

#[divan::bench]
fn ingest_jsonl(b: Bencher) {
    let input = ingest::Input { path: SAMPLE.into(), root: "../shared/corpus".into() };
    let n = bytes(&sample());
    b.counter(divan::counter::BytesCount::new(n)).bench(|| ingest::read(&input, &ingest::Options::default()).take(DOCS).count());
}

#[divan::bench]
fn normalize(b: Bencher) {
    let docs = sample();
    b.counter(divan::counter::BytesCount::new(bytes(&docs))).bench(|| {
        for d in &docs {
            black_box(claimex::normalize::normalize(&d.text));
        }
    });
}

#[divan::bench]
fn segment(b: Bencher) {
    let docs = sample();
    let rules = RuleSet::builtin();
    let norms: Vec<_> = docs.iter().map(|d| claimex::normalize::normalize(&d.text)).collect();
    b.counter(divan::counter::BytesCount::new(bytes(&docs))).bench(|| {
        for n in &norms {
            black_box(claimex::segment::segment(n, &rules));
        }
    });
}

#[divan::bench]
fn tag(b: Bencher) {
    let docs = sample();
    let rules = RuleSet::builtin();
    let prepared = segmented(&docs, &rules);
    b.counter(divan::counter::BytesCount::new(bytes(&docs))).bench(|| {
        for (n, s) in &prepared {
            let ctx = claimex::tag::Context { text: &n.clean, norm: n, seg: s, rules: &rules };
            black_box(claimex::tag::tag(&ctx));
        }
    });
}

#[divan::bench]
fn extract_and_render(b: Bencher) {
    let docs = sample();
    let rules = RuleSet::builtin();
    b.counter(divan::counter::BytesCount::new(bytes(&docs))).bench(|| {
        for d in &docs {
            let rec = claimex::extract(d, &rules);
            black_box(claimex::write::render(rec, claimex::write::Tables::ALL));
        }
    });
}

/// Rendering alone, the records made beforehand: the part of the cost that grows with the
/// output rather than with the matching. `all`: the JSONL line and every CSV table (what
/// `extract` writes); `jsonl`: the JSONL line only.
#[divan::bench(args = ["all", "jsonl"])]
fn render(b: Bencher, tables: &str) {
    let docs = sample();
    let rules = RuleSet::builtin();
    let records: Vec<_> = docs.iter().map(|d| claimex::extract(d, &rules)).collect();
    let tables = if tables == "all" { claimex::write::Tables::ALL } else { claimex::write::Tables::NONE };
    b.counter(divan::counter::BytesCount::new(bytes(&docs))).with_inputs(|| records.clone()).bench_values(|records| {
        for r in records {
            black_box(claimex::write::render(r, tables));
        }
    });
}

/// The floor of the token-level design (issue 13, decision 1): each sentence tokenized
/// once and each word looked up once, lower-cased, in one table built from every lexicon
/// (word -> bitset of the lexicons whose entries hold it). No rule is tested: this is what
/// one pass over the tokens costs before any condition is read from the bits.
#[divan::bench]
fn token_pass(b: Bencher) {
    use claimex::rules::word_hash::WordMap;
    use claimex::tag::entities::lower_into;
    let docs = sample();
    let rules = RuleSet::builtin();
    let mut table: WordMap<String, u64> = WordMap::default();
    for (bit, lx) in rules.lexicons.values().enumerate() {
        for e in &lx.entries {
            for w in e.text.split_whitespace() {
                *table.entry(w.to_lowercase()).or_default() |= 1 << (bit % 64);
            }
        }
    }
    let prepared = segmented(&docs, &rules);
    b.counter(divan::counter::BytesCount::new(bytes(&docs))).bench(|| {
        let mut toks = Vec::new();
        let mut lower = String::new();
        let mut seen = 0u64;
        for (n, s) in &prepared {
            for sent in &s.sentences {
                claimex::tag::sources::tokenize_into(&n.clean, sent.range.clone(), &mut toks);
                for t in toks.iter().filter(|t| t.word) {
                    let w = lower_into(&mut lower, &n.clean[t.range.clone()], false);
                    seen |= table.get(w).copied().unwrap_or(0);
                }
            }
        }
        black_box(seen)
    });
}
