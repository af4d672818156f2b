//! The report's index page: every document of the run with its counts, and the corpus's
//! most frequent sources, cue classes and claim types as inline SVG bar charts.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::{CSS, escape};
use crate::record::DocumentRecord;

/// Bars shown per chart.
const TOP: usize = 15;

/// A horizontal bar chart of `(label, count)`, largest first, as inline SVG.
pub fn bar_chart(id: &str, title: &str, counts: &BTreeMap<String, usize>) -> String {
    let mut rows: Vec<(&String, &usize)> = counts.iter().collect();
    rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    rows.truncate(TOP);
    let max = rows.first().map_or(1, |r| *r.1).max(1);
    let (label_w, bar_w, row_h) = (250, 260, 20);
    let height = row_h * rows.len().max(1) + 10;
    let mut s = format!(
        "<figure id=\"{id}\"><figcaption>{}</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{height}\" role=\"img\" aria-label=\"{0}\">",
        escape(title),
        label_w + bar_w + 60
    );
    if rows.is_empty() {
        s.push_str("<text x=\"0\" y=\"15\">none</text>");
    }
    for (i, (label, n)) in rows.iter().enumerate() {
        let y = i * row_h + 5;
        let w = (bar_w * **n).div_ceil(max);
        let shown: String = label.chars().take(30).collect();
        let shown = if shown.chars().count() < label.chars().count() { format!("{shown}…") } else { shown };
        let _ = write!(
            s,
            "<g class=\"bar\" data-label=\"{0}\" data-count=\"{n}\"><title>{0}: {n}</title><text x=\"{1}\" y=\"{2}\" text-anchor=\"end\">{3}</text>\
<rect x=\"{4}\" y=\"{y}\" width=\"{w}\" height=\"{5}\" fill=\"#8e7cc3\"/><text x=\"{6}\" y=\"{2}\">{n}</text></g>",
            escape(label),
            label_w - 6,
            y + 14,
            escape(&shown),
            label_w,
            row_h - 4,
            label_w + w + 4
        );
    }
    s.push_str("</svg></figure>");
    s
}

/// The corpus counts the charts show.
struct Totals {
    sources: BTreeMap<String, usize>,
    cue_classes: BTreeMap<String, usize>,
    claim_types: BTreeMap<String, usize>,
}

fn totals(records: &[DocumentRecord]) -> Totals {
    let mut t = Totals { sources: BTreeMap::new(), cue_classes: BTreeMap::new(), claim_types: BTreeMap::new() };
    for r in records {
        for a in &r.attributions {
            if let Some(name) = a.source_resolved.clone().or_else(|| a.source.as_ref().map(|s| s.text.clone())) {
                *t.sources.entry(name).or_default() += 1;
            }
            *t.cue_classes.entry(a.cue.class.clone()).or_default() += 1;
        }
        for c in &r.claims {
            for ty in &c.types {
                *t.claim_types.entry(ty.clone()).or_default() += 1;
            }
        }
    }
    t
}

/// The index page; `pages[i]` is the file name of `records[i]`'s page.
pub fn page(records: &[DocumentRecord], pages: &[String]) -> String {
    let mut h = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>claimex report</title><style>{CSS}</style></head><body>\
<header><h1>claimex report</h1><p class=\"note\">{} documents, {} sentences, {} quotations, {} attributions, {} claims, {} with errors</p></header><main>",
        records.len(),
        records.iter().map(|r| r.sentences.len()).sum::<usize>(),
        records.iter().map(|r| r.quotes.len()).sum::<usize>(),
        records.iter().map(|r| r.attributions.len()).sum::<usize>(),
        records.iter().map(|r| r.claims.len()).sum::<usize>(),
        records.iter().filter(|r| !r.errors.is_empty()).count(),
    );
    let t = totals(records);
    h.push_str("<section class=\"charts\">");
    h.push_str(&bar_chart("chart-sources", "top sources (attributions)", &t.sources));
    h.push_str(&bar_chart("chart-cue-classes", "cue classes (attributions)", &t.cue_classes));
    h.push_str(&bar_chart("chart-claim-types", "claim types (claims)", &t.claim_types));
    h.push_str(
        "</section><h2>documents</h2><table class=\"docs\"><thead><tr><th>document</th><th>title</th><th>sentences</th>\
<th>quotations</th><th>attributions</th><th>claims</th><th>check-worthy ≥ 0.5</th><th>errors</th></tr></thead><tbody>",
    );
    for (r, page) in records.iter().zip(pages) {
        let title = r.metadata.get("title").and_then(|t| t.as_str()).unwrap_or("");
        let _ = write!(
            h,
            "<tr class=\"doc\" data-doc-id=\"{0}\"><td><a href=\"{1}\">{0}</a></td><td>{2}</td><td>{3}</td><td>{4}</td><td>{5}</td><td>{6}</td><td>{7}</td><td>{8}</td></tr>",
            escape(&r.doc_id),
            escape(page),
            escape(title),
            r.sentences.len(),
            r.quotes.len(),
            r.attributions.len(),
            r.claims.len(),
            r.claims.iter().filter(|c| c.checkworthiness >= 0.5).count(),
            r.errors.len()
        );
    }
    let _ =
        writeln!(h, "</tbody></table></main><footer class=\"note\">claimex {} report</footer></body></html>", env!("CARGO_PKG_VERSION"));
    h
}
