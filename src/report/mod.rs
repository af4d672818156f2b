//! `claimex report`: static HTML pages over an output directory, for reading what the
//! pipeline found.
//!
//! One self-contained page per document (inline CSS and JavaScript, no network) shows the
//! text with sentences, quotations, sources, cues, contents and claims highlighted, claim
//! types, check-worthiness and certainty as badges, a panel with each record's fields and the
//! rules that produced it (id, description, file:line from the rule set), and filters by
//! claim type, check-worthiness and source. [`index`] writes the run's index page.
//!
//! The text is the one [`crate::annotations::DocText`] rebuilds from the record's slices;
//! the reasoning `claimex explain` prints (why a source was chosen, which rules nearly
//! fired) is not in `documents.jsonl`, so the panel gives the command that shows it.
//!
//! Every piece of text goes through [`escape`]; highlights that cross each other are
//! written as fragments sharing one `data-id`, so the markup nests.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::annotations::DocText;
use crate::record::DocumentRecord;
use crate::rules::RuleSet;

pub mod index;

/// The page style, inlined in every page.
pub const CSS: &str = include_str!("page.css");
/// The page script (filters, panel), inlined in every document page.
pub const JS: &str = include_str!("page.js");

/// Text for HTML: element content and quoted attribute values alike.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The file name of document `n` (1-based) of a run: its number and a slug of its id.
pub fn page_name(n: usize, doc_id: &str) -> String {
    let slug: String = doc_id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).take(40).collect();
    format!("{n:04}-{slug}.html")
}

/// Highlight kinds, outermost first when two have the same span.
const KINDS: [&str; 6] = ["sentence", "quote", "content", "claim", "source", "cue"];

/// One highlighted record part.
struct Item {
    kind: &'static str,
    id: String,
    start: usize,
    end: usize,
    /// Extra attributes, already escaped (` data-cw="0.5"`).
    attrs: String,
    title: String,
    /// Badges written after the part's end (claims).
    badges: String,
}

fn rank(kind: &str) -> usize {
    KINDS.iter().position(|k| *k == kind).unwrap_or(KINDS.len())
}

/// The name a record is filtered by: an attribution's source as resolved (or as written),
/// a claim's through its attribution, else its claimant.
fn source_names(rec: &DocumentRecord) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    for a in &rec.attributions {
        let name = a.source_resolved.clone().or_else(|| a.source.as_ref().map(|s| s.text.clone())).unwrap_or_else(|| "(no source)".into());
        names.insert(a.id.clone(), name);
    }
    names
}

fn items(rec: &DocumentRecord) -> Vec<Item> {
    let names = source_names(rec);
    let mut out = Vec::new();
    let item = |kind, id: &str, start, end, attrs: String, rules: &[String]| Item {
        kind,
        id: id.to_string(),
        start,
        end,
        attrs,
        title: format!("{kind} {id}{}{}", if rules.is_empty() { "" } else { ": " }, rules.join(", ")),
        badges: String::new(),
    };
    for s in &rec.sentences {
        out.push(item("sentence", &s.id, s.start, s.end, format!(" data-block=\"{}\"", escape(&s.block)), &s.rules));
    }
    for q in &rec.quotes {
        out.push(item("quote", &q.id, q.start, q.end, format!(" data-quote-kind=\"{}\"", escape(&q.kind)), &q.rules));
    }
    for a in &rec.attributions {
        let src = format!(" data-source=\"{}\"", escape(&names[&a.id]));
        let rules = std::slice::from_ref(&a.rule);
        if let Some(s) = &a.source {
            out.push(item("source", &a.id, s.start, s.end, src.clone(), rules));
        }
        out.push(item("cue", &a.id, a.cue.start, a.cue.end, format!("{src} data-cue-class=\"{}\"", escape(&a.cue.class)), rules));
        out.push(item("content", &a.id, a.content.start, a.content.end, src, rules));
    }
    for c in &rec.claims {
        let source = c.attribution_id.as_ref().and_then(|a| names.get(a)).cloned().unwrap_or_else(|| c.claimant.clone());
        let attrs =
            format!(" data-types=\"{}\" data-cw=\"{}\" data-source=\"{}\"", escape(&c.types.join(" ")), c.checkworthiness, escape(&source));
        let mut it = item("claim", &c.id, c.start, c.end, attrs, &c.rules);
        let mut b = format!("<span class=\"badges\" data-for=\"{}\">", escape(&c.id));
        for t in &c.types {
            let _ = write!(b, "<span class=\"badge type\">{}</span>", escape(t));
        }
        let high = if c.checkworthiness >= 0.5 { " high" } else { "" };
        let _ = write!(b, "<span class=\"badge cw{high}\" title=\"check-worthiness\">{:.2}</span>", c.checkworthiness);
        for (on, flag) in [(c.hedged, "hedged"), (c.negated, "negated")] {
            if on {
                let _ = write!(b, "<span class=\"badge flag\">{flag}</span>");
            }
        }
        b.push_str("</span>");
        it.badges = b;
        out.push(it);
    }
    out.retain(|i| i.start < i.end);
    out.sort_by(|a, b| {
        (a.start, std::cmp::Reverse(a.end), rank(a.kind), &a.id).cmp(&(b.start, std::cmp::Reverse(b.end), rank(b.kind), &b.id))
    });
    out
}

/// The text with every item highlighted; crossing items are split into nested fragments.
fn highlighted(chars: &[char], items: &[Item]) -> String {
    let len = chars.len();
    let mut bounds: Vec<usize> = items.iter().flat_map(|i| [i.start.min(len), i.end.min(len)]).chain([0, len]).collect();
    bounds.sort_unstable();
    bounds.dedup();
    let mut html = String::with_capacity(len * 2);
    let (mut open, mut active): (Vec<usize>, Vec<usize>) = (Vec::new(), Vec::new());
    let mut next = 0;
    let badges_at = |html: &mut String, at: usize| {
        for it in items.iter().filter(|i| i.end.min(len) == at && !i.badges.is_empty()) {
            html.push_str(&it.badges);
        }
    };
    for w in bounds.windows(2) {
        let (a, b) = (w[0], w[1]);
        active.retain(|&i| items[i].end > a);
        while next < items.len() && items[next].start <= a {
            if items[next].end > a {
                active.push(next);
            }
            next += 1;
        }
        // Items are sorted outermost first, so the active ones in index order nest.
        active.sort_unstable();
        let keep = open.iter().zip(&active).take_while(|(x, y)| x == y).count();
        for _ in keep..open.len() {
            html.push_str("</span>");
        }
        open.truncate(keep);
        badges_at(&mut html, a);
        for &i in &active[keep..] {
            let it = &items[i];
            let _ = write!(
                html,
                "<span class=\"hl k-{}\" data-kind=\"{0}\" data-id=\"{}\"{} title=\"{}\">",
                it.kind,
                escape(&it.id),
                it.attrs,
                escape(&it.title)
            );
            open.push(i);
        }
        html.push_str(&escape(&chars[a..b].iter().collect::<String>()));
    }
    for _ in &open {
        html.push_str("</span>");
    }
    badges_at(&mut html, len);
    html
}

/// A record's fields as table rows (offsets and the text itself left out).
fn field_rows(v: &Value) -> String {
    let mut s = String::new();
    let Some(obj) = v.as_object() else { return s };
    for (k, v) in obj {
        if matches!(k.as_str(), "text" | "raw" | "id" | "rules" | "rule") {
            continue;
        }
        let shown = match v {
            Value::Null => continue,
            Value::String(x) => x.clone(),
            Value::Array(a) if a.is_empty() => continue,
            Value::Array(a) if a.iter().all(Value::is_string) => a.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", "),
            Value::Object(o) if o.contains_key("start") => {
                let text = o.get("text").and_then(Value::as_str).unwrap_or("");
                let extra: Vec<String> =
                    o.iter().filter(|(k, _)| !matches!(k.as_str(), "start" | "end" | "text")).map(|(k, v)| format!("{k}={v}")).collect();
                format!("“{text}” [{}..{}] {}", o["start"], o.get("end").unwrap_or(&Value::Null), extra.join(" "))
            }
            other => other.to_string(),
        };
        let _ = write!(s, "<tr><td>{}</td><td>{}</td></tr>", escape(k), escape(&shown));
    }
    s
}

/// How to run `claimex explain` on a record's sentence.
fn explain_command(rec: &DocumentRecord, sentence: &str) -> String {
    let quote = |s: &str| {
        if s.chars().all(|c| c.is_ascii_alphanumeric() || "/._-".contains(c)) {
            s.to_string()
        } else {
            format!("'{}'", s.replace('\'', "'\\''"))
        }
    };
    let (path, id) = match rec.source.rsplit_once(':') {
        Some((p, line)) if !line.is_empty() && line.bytes().all(|b| b.is_ascii_digit()) => (p, Some(&rec.doc_id)),
        _ => (rec.source.as_str(), None),
    };
    let id = id.map(|i| format!(" --id {}", quote(i))).unwrap_or_default();
    format!("claimex explain --doc {}{id} --sentence {}", quote(path), quote(sentence))
}

fn rule_list(rules: &RuleSet, ids: &[String]) -> String {
    let mut s = String::from("<ul class=\"rules\">");
    for id in ids {
        match rules.rule(id) {
            Some(m) => {
                let _ = write!(
                    s,
                    "<li><code>{}</code> — {} <span class=\"note\">({}:{})</span></li>",
                    escape(id),
                    escape(&m.description),
                    escape(&m.file),
                    m.line
                );
            }
            None => {
                let _ = write!(s, "<li><code>{}</code> <span class=\"note\">(not in this rule set)</span></li>", escape(id));
            }
        }
    }
    if ids.is_empty() {
        s.push_str("<li class=\"note\">no rule: the default reading</li>");
    }
    s.push_str("</ul>");
    s
}

/// The hidden detail blocks the panel shows, one per record part.
fn details(rec: &DocumentRecord, rules: &RuleSet) -> String {
    let mut s = String::new();
    let mut block = |kind: &str, id: &str, text: &str, value: Value, rule_ids: &[String], sentence: &str| {
        let _ = write!(
            s,
            "<div class=\"detail\" id=\"detail-{kind}-{0}\"><h3>{kind} {0}</h3><blockquote>{1}</blockquote><table>{2}</table><h3>rules</h3>{3}\
<p class=\"note\">The reasoning behind it (why this source, what nearly fired) is not stored in documents.jsonl; \
<code>{4}</code> shows it.</p></div>",
            escape(id),
            escape(text),
            field_rows(&value),
            rule_list(rules, rule_ids),
            escape(&explain_command(rec, sentence))
        );
    };
    fn value<T: serde::Serialize>(v: &T) -> Value {
        serde_json::to_value(v).expect("records serialise")
    }
    for x in &rec.sentences {
        block("sentence", &x.id, x.raw.as_deref().unwrap_or(&x.text), value(x), &x.rules, &x.id);
    }
    for x in &rec.quotes {
        let sentence = x.sentence_ids.first().map_or("s0", String::as_str);
        block("quote", &x.id, &x.text, value(x), &x.rules, sentence);
    }
    for x in &rec.attributions {
        let v = value(x);
        let rule = std::slice::from_ref(&x.rule);
        if let Some(src) = &x.source {
            block("source", &x.id, &src.text, v.clone(), rule, &x.sentence_id);
        }
        block("cue", &x.id, &x.cue.text, v.clone(), rule, &x.sentence_id);
        block("content", &x.id, &x.content.text, v, rule, &x.sentence_id);
    }
    for x in &rec.claims {
        block("claim", &x.id, &x.text, value(x), &x.rules, &x.sentence_id);
    }
    s
}

fn filters(rec: &DocumentRecord) -> String {
    let mut types: BTreeMap<&str, usize> = BTreeMap::new();
    for c in &rec.claims {
        for t in &c.types {
            *types.entry(t).or_default() += 1;
        }
    }
    let mut sources: BTreeMap<String, usize> = BTreeMap::new();
    let names = source_names(rec);
    for c in &rec.claims {
        let n = c.attribution_id.as_ref().and_then(|a| names.get(a)).cloned().unwrap_or_else(|| c.claimant.clone());
        *sources.entry(n).or_default() += 1;
    }
    for n in names.values() {
        sources.entry(n.clone()).or_default();
    }
    let mut s = String::from("<nav class=\"filters\"><fieldset id=\"f-types\"><legend>claim types</legend>");
    for (t, n) in &types {
        let _ = write!(s, "<label><input type=\"checkbox\" value=\"{0}\" checked> {0} ({n})</label> ", escape(t));
    }
    s.push_str("</fieldset><label>check-worthiness ≥ <input id=\"f-min\" type=\"range\" min=\"0\" max=\"1\" step=\"0.05\" value=\"0\"> ");
    s.push_str("<output id=\"f-min-value\">0.00</output></label> <label>source <select id=\"f-source\"><option value=\"\">all</option>");
    let mut by_count: Vec<(&String, &usize)> = sources.iter().collect();
    by_count.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    for (name, n) in by_count {
        let _ = write!(s, "<option value=\"{0}\">{0} ({n} claims)</option>", escape(name));
    }
    s.push_str("</select></label> <span id=\"shown\"></span></nav>");
    s
}

/// One document's page. `index` is the href of the run's index page.
pub fn document_page(rec: &DocumentRecord, rules: &RuleSet, index: &str) -> String {
    let text = DocText::rebuild(rec);
    let items = items(rec);
    let mut h = String::with_capacity(text.chars.len() * 4 + 16_384);
    let title = rec.metadata.get("title").and_then(Value::as_str).unwrap_or(&rec.doc_id);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
<title>{}</title><style>{CSS}</style></head><body>",
        escape(title)
    );
    let _ = write!(
        h,
        "<header><p><a href=\"{}\">← all documents</a></p><h1>{}</h1><p class=\"note\">document <code>{}</code> from <code>{}</code>: \
{} sentences, {} quotations, {} attributions, {} claims</p>",
        escape(index),
        escape(title),
        escape(&rec.doc_id),
        escape(&rec.source),
        rec.sentences.len(),
        rec.quotes.len(),
        rec.attributions.len(),
        rec.claims.len()
    );
    h.push_str("<p class=\"legend\">");
    for (kind, style) in [
        ("quotation", "font-style:italic;background:#ffe38a"),
        ("source", "background:#9ecbff"),
        ("cue", "background:#ff9e9e;font-weight:600"),
        ("content", "border-bottom:3px solid #5cb85c"),
        ("claim", "background:#f3c1ff;border-bottom:2px solid #b14fc5"),
    ] {
        let _ = write!(h, "<span style=\"{style};padding:0 .3em;margin-right:.5em\">{kind}</span>");
    }
    h.push_str("</p>");
    for e in &rec.errors {
        let _ = write!(h, "<p class=\"error\">error: {}: {}</p>", escape(&e.file), escape(&e.message));
    }
    if text.known.iter().any(|k| !k) {
        h.push_str(
            "<p class=\"note\">documents.jsonl holds only the text its records cover: what lies between them (blank lines, \
Markdown marks, dropped lines) is shown as blank space.</p>",
        );
    }
    h.push_str("</header>");
    h.push_str(&filters(rec));
    let _ = write!(
        h,
        "<main class=\"layout\"><div class=\"text\" id=\"text\">{}</div><aside id=\"panel\"><div id=\"panel-body\">\
<p class=\"note\">Point at or click a highlight to see its record and rules.</p></div></aside></main>",
        highlighted(&text.chars, &items)
    );
    let _ = write!(h, "<div hidden id=\"details\">{}</div>", details(rec, rules));
    let _ = writeln!(h, "<footer class=\"note\">claimex {} report</footer><script>{JS}</script></body></html>", env!("CARGO_PKG_VERSION"));
    h
}

/// Write the index page and one page per document into `dir`; returns the files written.
pub fn write(records: &[DocumentRecord], rules: &RuleSet, dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    let mut names = Vec::with_capacity(records.len());
    for (n, rec) in records.iter().enumerate() {
        let name = page_name(n + 1, &rec.doc_id);
        let path = dir.join(&name);
        std::fs::write(&path, document_page(rec, rules, "index.html"))?;
        written.push(path);
        names.push(name);
    }
    let path = dir.join("index.html");
    std::fs::write(&path, index::page(records, &names))?;
    written.push(path);
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_markup_and_quotes() {
        assert_eq!(escape(r#"<script>a&b"c'd</script>"#), "&lt;script&gt;a&amp;b&quot;c&#39;d&lt;/script&gt;");
    }

    #[test]
    fn crossing_highlights_nest_as_fragments() {
        let chars: Vec<char> = "abcdef".chars().collect();
        let it = |kind, id: &str, start, end| Item {
            kind,
            id: id.into(),
            start,
            end,
            attrs: String::new(),
            title: String::new(),
            badges: String::new(),
        };
        let items = [it("claim", "c0", 0, 4), it("cue", "a0", 2, 6)];
        let html = highlighted(&chars, &items);
        assert_eq!(html.matches("<span").count(), html.matches("</span>").count(), "{html}");
        assert!(html.contains("data-id=\"a0\" title=\"\">cd</span></span><span class=\"hl k-cue\""), "{html}");
    }
}
