//! Stage 6, writers: `documents.jsonl`, the four CSV tables and `manifest.json` (SPEC §3).
//!
//! Each document is rendered to bytes on the worker that extracted it ([`Rendered`]), so
//! the single writer only appends bytes in input order: output is byte-identical whatever
//! the thread count. Files are written under temporary names and renamed into place when
//! the run finishes; `manifest.json` is written last.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::record::DocumentRecord;

/// Column order of `sentences.csv`.
pub const SENTENCE_COLUMNS: &[&str] = &["doc_id", "sentence_id", "block", "paragraph", "start", "end", "text"];
/// Column order of `quotes.csv`.
pub const QUOTE_COLUMNS: &[&str] = &[
    "doc_id",
    "quote_id",
    "sentence_ids",
    "start",
    "end",
    "kind",
    "text",
    "speaker",
    "speaker_resolved",
    "attribution_id",
    "rules",
    "note",
];
/// Column order of `attributions.csv`.
pub const ATTRIBUTION_COLUMNS: &[&str] = &[
    "doc_id",
    "attribution_id",
    "sentence_id",
    "source",
    "source_start",
    "source_end",
    "source_resolved",
    "source_kind",
    "cue",
    "cue_start",
    "cue_end",
    "cue_lemma",
    "cue_class",
    "content",
    "content_start",
    "content_end",
    "content_kind",
    "hedge",
    "rule",
];
/// Column order of `claims.csv`.
pub const CLAIM_COLUMNS: &[&str] = &[
    "doc_id",
    "claim_id",
    "sentence_id",
    "start",
    "end",
    "text",
    "types",
    "checkworthiness",
    "checkworthiness_features",
    "hedged",
    "hedge_cues",
    "negated",
    "claimant",
    "attribution_id",
    "entities",
    "rules",
];

/// One document's output, serialized.
#[derive(Debug, Default, Clone)]
pub struct Rendered {
    /// The `documents.jsonl` line, with its newline.
    pub jsonl: Vec<u8>,
    /// `sentences.csv` rows.
    pub sentences: Vec<u8>,
    /// `quotes.csv` rows.
    pub quotes: Vec<u8>,
    /// `attributions.csv` rows.
    pub attributions: Vec<u8>,
    /// `claims.csv` rows.
    pub claims: Vec<u8>,
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("serializable")
}

fn opt(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("")
}

/// Serialize a record; CSV tables only when `csv` is set.
pub fn render(r: &DocumentRecord, csv: bool) -> Rendered {
    let mut out = Rendered { jsonl: serde_json::to_vec(r).expect("serializable"), ..Default::default() };
    out.jsonl.push(b'\n');
    if !csv {
        return out;
    }
    let d = r.doc_id.as_str();
    let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
    for s in &r.sentences {
        w.write_record([d, &s.id, &s.block, &s.paragraph.to_string(), &s.start.to_string(), &s.end.to_string(), &s.text])
            .expect("in memory");
    }
    out.sentences = w.into_inner().expect("in memory");
    let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
    for q in &r.quotes {
        w.write_record([
            d,
            &q.id,
            &json(&q.sentence_ids),
            &q.start.to_string(),
            &q.end.to_string(),
            &q.kind,
            &q.text,
            opt(&q.speaker),
            opt(&q.speaker_resolved),
            opt(&q.attribution_id),
            &json(&q.rules),
            opt(&q.note),
        ])
        .expect("in memory");
    }
    out.quotes = w.into_inner().expect("in memory");
    let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
    for a in &r.attributions {
        let (src, ss, se) = match &a.source {
            Some(s) => (s.text.as_str(), s.start.to_string(), s.end.to_string()),
            None => ("", String::new(), String::new()),
        };
        w.write_record([
            d,
            &a.id,
            &a.sentence_id,
            src,
            &ss,
            &se,
            opt(&a.source_resolved),
            &a.source_kind,
            &a.cue.text,
            &a.cue.start.to_string(),
            &a.cue.end.to_string(),
            &a.cue.lemma,
            &a.cue.class,
            &a.content.text,
            &a.content.start.to_string(),
            &a.content.end.to_string(),
            &a.content_kind,
            opt(&a.hedge),
            &a.rule,
        ])
        .expect("in memory");
    }
    out.attributions = w.into_inner().expect("in memory");
    let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
    for c in &r.claims {
        w.write_record([
            d,
            &c.id,
            &c.sentence_id,
            &c.start.to_string(),
            &c.end.to_string(),
            &c.text,
            &json(&c.types),
            &c.checkworthiness.to_string(),
            &json(&c.checkworthiness_features),
            &c.hedged.to_string(),
            &json(&c.hedge_cues),
            &c.negated.to_string(),
            &c.claimant,
            opt(&c.attribution_id),
            &json(&c.entities),
            &json(&c.rules),
        ])
        .expect("in memory");
    }
    out.claims = w.into_inner().expect("in memory");
    out
}

/// What to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// The whole dataset into a directory.
    Dataset,
    /// `documents.jsonl` lines only, to stdout (the scale-out filter).
    JsonlStdout,
    /// `documents.jsonl` only, into a directory.
    JsonlOnly,
}

struct Table {
    tmp: PathBuf,
    dest: PathBuf,
    w: BufWriter<File>,
}

impl Table {
    fn create(dir: &Path, name: &str, header: Option<&[&str]>, excel: bool) -> io::Result<Table> {
        let dest = dir.join(name);
        let tmp = dir.join(format!(".{name}.partial"));
        let mut w = BufWriter::with_capacity(1 << 17, File::create(&tmp)?);
        if let Some(cols) = header {
            if excel {
                w.write_all(b"\xEF\xBB\xBF")?;
            }
            let mut line = cols.join(",");
            line.push_str(if excel { "\r\n" } else { "\n" });
            w.write_all(line.as_bytes())?;
        }
        Ok(Table { tmp, dest, w })
    }

    fn finish(self) -> io::Result<()> {
        let f = self.w.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        std::fs::rename(&self.tmp, &self.dest)
    }
}

/// The open output of a run.
pub struct Output {
    layout: Layout,
    excel: bool,
    stdout: Option<BufWriter<io::Stdout>>,
    jsonl: Option<Table>,
    tables: Vec<Table>,
}

impl Output {
    /// Open the output files (under temporary names) in `dir`, or stdout.
    pub fn create(dir: Option<&Path>, layout: Layout, excel: bool) -> io::Result<Output> {
        if layout == Layout::JsonlStdout {
            return Ok(Output {
                layout,
                excel,
                stdout: Some(BufWriter::with_capacity(1 << 17, io::stdout())),
                jsonl: None,
                tables: Vec::new(),
            });
        }
        let dir = dir.expect("a directory for file output");
        std::fs::create_dir_all(dir)?;
        // A stale manifest would claim a finished run over files we are about to replace.
        match std::fs::remove_file(dir.join("manifest.json")) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        let jsonl = Some(Table::create(dir, "documents.jsonl", None, false)?);
        let mut tables = Vec::new();
        if layout == Layout::Dataset {
            tables.push(Table::create(dir, "sentences.csv", Some(SENTENCE_COLUMNS), excel)?);
            tables.push(Table::create(dir, "quotes.csv", Some(QUOTE_COLUMNS), excel)?);
            tables.push(Table::create(dir, "attributions.csv", Some(ATTRIBUTION_COLUMNS), excel)?);
            tables.push(Table::create(dir, "claims.csv", Some(CLAIM_COLUMNS), excel)?);
        }
        Ok(Output { layout, excel, stdout: None, jsonl, tables })
    }

    /// Whether CSV rows are wanted.
    pub fn wants_csv(&self) -> bool {
        self.layout == Layout::Dataset
    }

    /// Append one document's output.
    pub fn write(&mut self, r: &Rendered) -> io::Result<()> {
        if let Some(w) = &mut self.stdout {
            return w.write_all(&r.jsonl);
        }
        if let Some(t) = &mut self.jsonl {
            t.w.write_all(&r.jsonl)?;
        }
        for (t, rows) in self.tables.iter_mut().zip([&r.sentences, &r.quotes, &r.attributions, &r.claims]) {
            if self.excel {
                t.w.write_all(&crlf(rows))?;
            } else {
                t.w.write_all(rows)?;
            }
        }
        Ok(())
    }

    /// Flush and move every file into place.
    pub fn finish(self) -> io::Result<()> {
        if let Some(mut w) = self.stdout {
            return w.flush();
        }
        if let Some(t) = self.jsonl {
            t.finish()?;
        }
        for t in self.tables {
            t.finish()?;
        }
        Ok(())
    }
}

/// Rows with `\n` record ends turned into `\r\n` (quoted newlines inside cells stay).
fn crlf(rows: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(rows.len() + rows.len() / 40);
    let mut quoted = false;
    for &b in rows {
        if b == b'"' {
            quoted = !quoted;
        }
        if b == b'\n' && !quoted {
            out.push(b'\r');
        }
        out.push(b);
    }
    out
}

/// Write `manifest.json` atomically (temporary name, then rename).
pub fn write_manifest(dir: &Path, manifest: &serde_json::Value) -> io::Result<()> {
    let tmp = dir.join(".manifest.json.partial");
    let mut f = File::create(&tmp)?;
    serde_json::to_writer_pretty(&mut f, manifest)?;
    f.write_all(b"\n")?;
    f.sync_all()?;
    std::fs::rename(tmp, dir.join("manifest.json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_keeps_quoted_newlines() {
        assert_eq!(crlf(b"a,\"x\ny\"\nb,c\n"), b"a,\"x\ny\"\r\nb,c\r\n");
    }
}
