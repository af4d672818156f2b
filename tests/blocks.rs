//! Block classification and metadata on documents of our own writing, in the shapes the
//! pipeline meets: a Markdown commentary with a masthead, a plain-text news story, a press
//! release with a list, and a PDF extraction with a page break inside a sentence.

use claimex::{extract, ingest::Document, record::DocumentRecord, rules::RuleSet};

fn run(text: &str) -> DocumentRecord {
    let doc = Document { id: "t".into(), text: text.into(), ..Default::default() };
    extract(&doc, &RuleSet::builtin())
}

fn blocks(rec: &DocumentRecord) -> Vec<(String, String)> {
    rec.sentences.iter().map(|s| (s.block.clone(), s.text.clone())).collect()
}

fn kind_of<'a>(rec: &'a DocumentRecord, text: &str) -> &'a str {
    rec.sentences
        .iter()
        .find(|s| s.text == text)
        .map(|s| s.block.as_str())
        .unwrap_or_else(|| panic!("no sentence {text:?} in {:?}", blocks(rec)))
}

#[test]
fn markdown_commentary_with_masthead_byline_disclaimer_and_bio() {
    let text = "# *Harbour Policy Notes*\n\n**Coastal Studies Forum**\n\nEditorial Board:\n\nAnna Berg (Chair)  \nLeo Marsh\n\nNo. 17\n\n3 March 2021\n\n## **THE NEW PORT STRATEGY AND ITS CRITICS**\n\n*Marta Ilves*\n\nThe port authority unveiled a strategy in February that doubles the dredging budget. Critics argued that the plan ignores flood risk.\n\n*The views expressed in this piece are the author's own.*\n\nThe plan will be reviewed in 2023.\n\n*Dr. Marta Ilves is a Senior Research Fellow at the Forum. She writes on ports.*\n";
    let rec = run(text);
    assert_eq!(kind_of(&rec, "Harbour Policy Notes"), "front_matter");
    assert_eq!(kind_of(&rec, "Editorial Board:"), "front_matter");
    assert_eq!(kind_of(&rec, "Anna Berg (Chair)"), "front_matter");
    assert_eq!(kind_of(&rec, "No. 17"), "front_matter");
    assert_eq!(kind_of(&rec, "3 March 2021"), "dateline");
    assert_eq!(kind_of(&rec, "THE NEW PORT STRATEGY AND ITS CRITICS"), "title");
    assert_eq!(kind_of(&rec, "Marta Ilves"), "byline");
    assert_eq!(kind_of(&rec, "Critics argued that the plan ignores flood risk."), "body");
    assert_eq!(kind_of(&rec, "The views expressed in this piece are the author's own."), "boilerplate");
    assert_eq!(kind_of(&rec, "The plan will be reviewed in 2023."), "body");
    assert_eq!(kind_of(&rec, "She writes on ports."), "author_bio");
    let m = &rec.metadata;
    assert_eq!(m["title"], "THE NEW PORT STRATEGY AND ITS CRITICS");
    assert_eq!(m["author"], "Marta Ilves");
    assert_eq!(m["date"], "2021-03-03");
    assert_eq!(m["number"], "17");
    assert_eq!(m["series"], "Harbour Policy Notes");
    // Every sentence's raw slice is the original text at its offsets.
    for s in &rec.sentences {
        let slice: String = text.chars().skip(s.start).take(s.end - s.start).collect();
        assert_eq!(slice, s.raw());
    }
}

#[test]
fn plain_news_story_has_no_invented_title() {
    let text = "Shares in the lender fell 4% on Monday after it warned on profits.\n\nThe bank said bad loans had risen. Analysts expect further cuts.\n";
    let rec = run(text);
    assert!(rec.sentences.iter().all(|s| s.block == "body"), "{:?}", blocks(&rec));
    assert_eq!(rec.sentences.len(), 3);
    assert!(!rec.metadata.contains_key("title"));
}

#[test]
fn plain_text_title_byline_headings_and_list() {
    let text = "Council approves new cycling lanes\n\nBy Priya Natarajan\n\nThe city council approved three new cycling lanes on Tuesday after a two-hour debate.\n\nWhat changes\n\nThe lanes will run along the river. Work starts in June.\n\n- Lane one opens in June.\n- Lane two opens in August.\n";
    let rec = run(text);
    assert_eq!(kind_of(&rec, "Council approves new cycling lanes"), "title");
    assert_eq!(kind_of(&rec, "By Priya Natarajan"), "byline");
    assert_eq!(rec.metadata["author"], "Priya Natarajan");
    assert_eq!(kind_of(&rec, "What changes"), "heading");
    assert_eq!(kind_of(&rec, "- Lane one opens in June."), "list_item");
    assert_eq!(kind_of(&rec, "Work starts in June."), "body");
}

#[test]
fn page_break_inside_a_sentence_is_repaired() {
    let text =
        "The committee met twice and recommended that the\n\n \n\nbudget be cut by a third. It also asked for a re-\nview of the fund.\n";
    let rec = run(text);
    let got: Vec<&str> = rec.sentences.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(
        got,
        ["The committee met twice and recommended that the budget be cut by a third.", "It also asked for a review of the fund."]
    );
    let first = &rec.sentences[0];
    assert_eq!((first.start, first.end), (0, text.find("third.").unwrap() + 6));
}

#[test]
fn known_title_from_input_metadata() {
    let mut doc = Document {
        id: "t".into(),
        text: "Rates held steady\n\nThe central bank kept rates at 2% on Thursday.".into(),
        ..Default::default()
    };
    doc.metadata.insert("title".into(), "Rates held steady".into());
    let rec = extract(&doc, &RuleSet::builtin());
    assert_eq!(rec.sentences[0].block, "title");
    // Without a matching title in the metadata, a headline-like first line of a JSONL record
    // is not taken as its title.
    doc.metadata.insert("title".into(), "Something else".into());
    let rec = extract(&doc, &RuleSet::builtin());
    assert_ne!(rec.sentences[0].block, "title");
}
