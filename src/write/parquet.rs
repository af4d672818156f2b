//! Stage 6, writers: the Parquet tables written beside the CSV tables with `--format
//! parquet` (docs/spec.md §5, "Parquet tables"). Built with the `parquet` cargo feature.
//!
//! Each table has the columns of its CSV table, in the same order, but typed: offsets and
//! indexes are `Int64`, the score `Float64`, flags `Boolean`, lists `List<Utf8>` and a
//! claim's entities a list of structs, instead of text and JSON. A CSV cell left empty
//! because the value is absent is a null.
//!
//! As for the CSV tables, a document's rows are built on the worker that extracted it
//! ([`Builders`] → [`Batches`], one Arrow record batch per table), and the single writer
//! only appends them in input order ([`TableWriter`]). The writer gathers them and hands the
//! Parquet encoder batches of exactly [`BATCH_ROWS`] rows, in row groups of
//! [`ROW_GROUP_ROWS`]: how documents fall into chunks and threads never shows in the bytes,
//! and memory holds one row group per table, not the corpus.

use std::fs::File;
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use arrow_array::builder::{ArrayBuilder, BooleanBuilder, Float64Builder, Int64Builder, ListBuilder, StringBuilder, StructBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Fields, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;

use super::{CsvTable, Tables};
use crate::record::{AttributionRecord, ClaimRecord, EntityRecord, QuoteRecord, SentenceRecord};

/// Rows handed to the Parquet encoder at a time (the last batch of a file may be shorter).
pub const BATCH_ROWS: usize = 8192;
/// Rows per row group (the last one of a file may be shorter).
pub const ROW_GROUP_ROWS: usize = 8 * BATCH_ROWS;

/// The type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `Utf8`, never null.
    Text,
    /// `Utf8`, null where the CSV cell is empty because the value is absent.
    OptText,
    /// `Int64`, never null.
    Int,
    /// `Int64`, null where absent.
    OptInt,
    /// `Float64`.
    Float,
    /// `Boolean`.
    Bool,
    /// `List<Utf8>`: the CSV's JSON array of strings.
    Texts,
    /// `List<Struct<start: Int64, end: Int64, text: Utf8, kind: Utf8>>`: a claim's entities.
    Entities,
}

use Kind::*;

/// The columns of each table, in CSV order; names equal the CSV header (a test checks).
const SENTENCES: &[(&str, Kind)] =
    &[("doc_id", Text), ("sentence_id", Text), ("block", Text), ("paragraph", Int), ("start", Int), ("end", Int), ("text", Text)];
const QUOTES: &[(&str, Kind)] = &[
    ("doc_id", Text),
    ("quote_id", Text),
    ("sentence_ids", Texts),
    ("start", Int),
    ("end", Int),
    ("kind", Text),
    ("text", Text),
    ("speaker", OptText),
    ("speaker_resolved", OptText),
    ("attribution_id", OptText),
    ("rules", Texts),
    ("note", OptText),
];
const ATTRIBUTIONS: &[(&str, Kind)] = &[
    ("doc_id", Text),
    ("attribution_id", Text),
    ("sentence_id", Text),
    ("source", OptText),
    ("source_start", OptInt),
    ("source_end", OptInt),
    ("source_resolved", OptText),
    ("source_kind", Text),
    ("cue", Text),
    ("cue_start", Int),
    ("cue_end", Int),
    ("cue_lemma", Text),
    ("cue_class", Text),
    ("content", Text),
    ("content_start", Int),
    ("content_end", Int),
    ("content_kind", Text),
    ("hedge", OptText),
    ("rule", Text),
];
const CLAIMS: &[(&str, Kind)] = &[
    ("doc_id", Text),
    ("claim_id", Text),
    ("sentence_id", Text),
    ("start", Int),
    ("end", Int),
    ("text", Text),
    ("types", Texts),
    ("checkworthiness", Float),
    ("checkworthiness_features", Texts),
    ("hedged", Bool),
    ("hedge_cues", Texts),
    ("negated", Bool),
    ("claimant", Text),
    ("attribution_id", OptText),
    ("entities", Entities),
    ("rules", Texts),
    ("frame_claim_id", OptText),
];

fn columns(t: CsvTable) -> &'static [(&'static str, Kind)] {
    match t {
        CsvTable::Sentences => SENTENCES,
        CsvTable::Quotes => QUOTES,
        CsvTable::Attributions => ATTRIBUTIONS,
        CsvTable::Claims => CLAIMS,
    }
}

/// The fields of an entity struct.
fn entity_fields() -> Fields {
    Fields::from(vec![
        Field::new("start", DataType::Int64, false),
        Field::new("end", DataType::Int64, false),
        Field::new("text", DataType::Utf8, false),
        Field::new("kind", DataType::Utf8, false),
    ])
}

/// The item field of a list column: items are never null.
fn item(data_type: DataType) -> Arc<Field> {
    Arc::new(Field::new("item", data_type, false))
}

fn field(name: &str, kind: Kind) -> Field {
    let (data_type, nullable) = match kind {
        Text => (DataType::Utf8, false),
        OptText => (DataType::Utf8, true),
        Int => (DataType::Int64, false),
        OptInt => (DataType::Int64, true),
        Float => (DataType::Float64, false),
        Bool => (DataType::Boolean, false),
        Texts => (DataType::List(item(DataType::Utf8)), false),
        Entities => (DataType::List(item(DataType::Struct(entity_fields()))), false),
    };
    Field::new(name, data_type, nullable)
}

/// The Arrow schema of a table (built once).
pub fn schema(t: CsvTable) -> SchemaRef {
    static SCHEMAS: OnceLock<[SchemaRef; 4]> = OnceLock::new();
    let all = SCHEMAS.get_or_init(|| {
        CsvTable::ALL.map(|t| Arc::new(Schema::new(columns(t).iter().map(|&(name, kind)| field(name, kind)).collect::<Vec<_>>())))
    });
    all[t as usize].clone()
}

/// The builder of one column.
enum Column {
    Text(StringBuilder),
    Int(Int64Builder),
    Float(Float64Builder),
    Bool(BooleanBuilder),
    Texts(ListBuilder<StringBuilder>),
    Entities(ListBuilder<StructBuilder>),
}

impl Column {
    /// A builder for `rows` rows. Sized to them: a builder's default capacity (1024 values)
    /// is kept by the array it builds, and a document's batches would hold about 0.5 MB each.
    fn new(kind: Kind, rows: usize) -> Column {
        match kind {
            Text | OptText => Column::Text(StringBuilder::with_capacity(rows, 0)),
            Int | OptInt => Column::Int(Int64Builder::with_capacity(rows)),
            Float => Column::Float(Float64Builder::with_capacity(rows)),
            Bool => Column::Bool(BooleanBuilder::with_capacity(rows)),
            Texts => {
                let items = StringBuilder::with_capacity(rows, 0);
                Column::Texts(ListBuilder::with_capacity(items, rows).with_field(item(DataType::Utf8)))
            }
            Entities => {
                let fields = entity_fields();
                let values: Vec<Box<dyn ArrayBuilder>> = vec![
                    Box::new(Int64Builder::with_capacity(rows)),
                    Box::new(Int64Builder::with_capacity(rows)),
                    Box::new(StringBuilder::with_capacity(rows, 0)),
                    Box::new(StringBuilder::with_capacity(rows, 0)),
                ];
                let entities = StructBuilder::new(fields.clone(), values);
                Column::Entities(ListBuilder::with_capacity(entities, rows).with_field(item(DataType::Struct(fields))))
            }
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Column::Text(b) => Arc::new(b.finish()),
            Column::Int(b) => Arc::new(b.finish()),
            Column::Float(b) => Arc::new(b.finish()),
            Column::Bool(b) => Arc::new(b.finish()),
            Column::Texts(b) => Arc::new(b.finish()),
            Column::Entities(b) => Arc::new(b.finish()),
        }
    }
}

/// One table's columns being filled, row by row.
struct Table {
    table: CsvTable,
    columns: Vec<Column>,
    rows: usize,
}

impl Table {
    fn new(table: CsvTable, rows: usize) -> Table {
        Table { table, columns: columns(table).iter().map(|&(_, k)| Column::new(k, rows)).collect(), rows: 0 }
    }

    fn row(&mut self) -> Row<'_> {
        self.rows += 1;
        Row { table: self.table, columns: &mut self.columns, at: 0 }
    }

    fn finish(mut self) -> Option<RecordBatch> {
        if self.rows == 0 {
            return None;
        }
        let arrays = self.columns.iter_mut().map(Column::finish).collect();
        Some(RecordBatch::try_new(schema(self.table), arrays).expect("the columns are built to the schema"))
    }
}

/// One row being appended: each call fills the next column, in the order of the CSV row
/// (`write::render` writes the same values in the same order).
struct Row<'a> {
    table: CsvTable,
    columns: &'a mut [Column],
    at: usize,
}

impl Row<'_> {
    fn next(&mut self) -> &mut Column {
        self.at += 1;
        &mut self.columns[self.at - 1]
    }

    /// A bug: the values are not appended in the order of the table's columns.
    fn mismatch(&self) -> ! {
        let (name, kind) = columns(self.table)[self.at - 1];
        panic!("{}.parquet: column `{name}` is {kind:?}, given another type", self.table.name())
    }

    fn text(&mut self, v: &str) -> &mut Self {
        self.opt(Some(v))
    }

    fn opt(&mut self, v: Option<&str>) -> &mut Self {
        match self.next() {
            Column::Text(b) => b.append_option(v),
            _ => self.mismatch(),
        }
        self
    }

    fn int(&mut self, v: usize) -> &mut Self {
        self.opt_int(Some(v))
    }

    fn opt_int(&mut self, v: Option<usize>) -> &mut Self {
        // Offsets of a document held in memory are far below i64::MAX.
        let v = v.map(|v| i64::try_from(v).expect("an offset below 2^63"));
        match self.next() {
            Column::Int(b) => b.append_option(v),
            _ => self.mismatch(),
        }
        self
    }

    fn float(&mut self, v: f64) -> &mut Self {
        match self.next() {
            Column::Float(b) => b.append_value(v),
            _ => self.mismatch(),
        }
        self
    }

    fn flag(&mut self, v: bool) -> &mut Self {
        match self.next() {
            Column::Bool(b) => b.append_value(v),
            _ => self.mismatch(),
        }
        self
    }

    fn texts(&mut self, items: &[String]) -> &mut Self {
        match self.next() {
            Column::Texts(b) => {
                for s in items {
                    b.values().append_value(s);
                }
                b.append(true);
            }
            _ => self.mismatch(),
        }
        self
    }

    fn entities(&mut self, items: &[EntityRecord]) -> &mut Self {
        match self.next() {
            Column::Entities(b) => {
                let s = b.values();
                for e in items {
                    let int = |v: usize| i64::try_from(v).expect("an offset below 2^63");
                    s.field_builder::<Int64Builder>(0).expect("start").append_value(int(e.start));
                    s.field_builder::<Int64Builder>(1).expect("end").append_value(int(e.end));
                    s.field_builder::<StringBuilder>(2).expect("text").append_value(&e.text);
                    s.field_builder::<StringBuilder>(3).expect("kind").append_value(&e.kind);
                    s.append(true);
                }
                b.append(true);
            }
            _ => self.mismatch(),
        }
        self
    }

    /// Check that every column got its value.
    fn end(&mut self) {
        assert_eq!(self.at, self.columns.len(), "{}.parquet: a row with too few values", self.table.name());
    }
}

/// One document's rows of the chosen tables, being built on a worker.
pub struct Builders {
    tables: [Option<Table>; 4],
}

/// Builders for the chosen tables, given how many rows each table gets (in the order of
/// [`CsvTable::ALL`]). (`None` only in a build without the `parquet` feature.)
pub fn builders(tables: Tables, rows: [usize; 4]) -> Option<Builders> {
    Some(Builders { tables: CsvTable::ALL.map(|t| tables.contains(t).then(|| Table::new(t, rows[t as usize]))) })
}

impl Builders {
    fn row(&mut self, t: CsvTable) -> Option<Row<'_>> {
        self.tables[t as usize].as_mut().map(Table::row)
    }

    /// A sentence's row.
    pub fn sentence(&mut self, d: &str, s: &SentenceRecord) {
        if let Some(mut w) = self.row(CsvTable::Sentences) {
            w.text(d).text(&s.id).text(&s.block).int(s.paragraph).int(s.start).int(s.end).text(&s.text).end();
        }
    }

    /// A quotation's row.
    pub fn quote(&mut self, d: &str, q: &QuoteRecord) {
        if let Some(mut w) = self.row(CsvTable::Quotes) {
            w.text(d).text(&q.id).texts(&q.sentence_ids).int(q.start).int(q.end).text(&q.kind).text(&q.text);
            w.opt(q.speaker.as_deref()).opt(q.speaker_resolved.as_deref()).opt(q.attribution_id.as_deref());
            w.texts(&q.rules).opt(q.note.as_deref()).end();
        }
    }

    /// An attribution's row.
    pub fn attribution(&mut self, d: &str, a: &AttributionRecord) {
        if let Some(mut w) = self.row(CsvTable::Attributions) {
            w.text(d).text(&a.id).text(&a.sentence_id);
            let source = a.source.as_ref();
            w.opt(source.map(|s| s.text.as_str())).opt_int(source.map(|s| s.start)).opt_int(source.map(|s| s.end));
            w.opt(a.source_resolved.as_deref()).text(&a.source_kind);
            w.text(&a.cue.text).int(a.cue.start).int(a.cue.end).text(&a.cue.lemma).text(&a.cue.class);
            w.text(&a.content.text).int(a.content.start).int(a.content.end).text(&a.content_kind);
            w.opt(a.hedge.as_deref()).text(&a.rule).end();
        }
    }

    /// A claim's row.
    pub fn claim(&mut self, d: &str, c: &ClaimRecord) {
        if let Some(mut w) = self.row(CsvTable::Claims) {
            w.text(d).text(&c.id).text(&c.sentence_id).int(c.start).int(c.end).text(&c.text);
            w.texts(&c.types).float(c.checkworthiness).texts(&c.checkworthiness_features);
            w.flag(c.hedged).texts(&c.hedge_cues).flag(c.negated).text(&c.claimant).opt(c.attribution_id.as_deref());
            w.entities(&c.entities).texts(&c.rules).opt(c.frame_claim_id.as_deref()).end();
        }
    }

    /// The document's record batches (none for a table without rows).
    pub fn finish(self) -> Batches {
        Batches(self.tables.map(|t| t.and_then(Table::finish)))
    }
}

/// One document's rows as Arrow record batches, one per table (absent: no rows, or a table
/// not chosen).
#[derive(Debug, Clone)]
pub struct Batches([Option<RecordBatch>; 4]);

impl Batches {
    /// The batch of one table.
    pub fn get(&self, t: CsvTable) -> Option<&RecordBatch> {
        self.0[t as usize].as_ref()
    }
}

/// A Parquet table being written, under its temporary name.
pub struct TableWriter {
    table: CsvTable,
    /// The temporary name.
    pub tmp: PathBuf,
    /// The final name.
    pub dest: PathBuf,
    w: ArrowWriter<BufWriter<File>>,
    /// Documents' batches not yet handed to the encoder, and their rows.
    pending: Vec<RecordBatch>,
    pending_rows: usize,
}

fn parquet_error(path: &Path) -> impl Fn(parquet::errors::ParquetError) -> io::Error + '_ {
    move |e| match e {
        parquet::errors::ParquetError::External(inner) => match inner.downcast::<io::Error>() {
            Ok(io) => io::Error::new(io.kind(), format!("{}: {io}", path.display())),
            Err(other) => io::Error::other(format!("{}: {other}", path.display())),
        },
        e => io::Error::other(format!("{}: {e}", path.display())),
    }
}

impl TableWriter {
    /// Create `dir/<table>.parquet` under a temporary name.
    pub fn create(dir: &Path, table: CsvTable) -> io::Result<TableWriter> {
        let name = format!("{}.parquet", table.name());
        let dest = dir.join(&name);
        let tmp = dir.join(format!(".{name}.partial"));
        let f = File::create(&tmp).map_err(super::at(&tmp))?;
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            .set_key_value_metadata(Some(vec![
                KeyValue::new("claimex.version".into(), env!("CARGO_PKG_VERSION").to_string()),
                KeyValue::new("claimex.schema_version".into(), crate::record::SCHEMA_VERSION.to_string()),
            ]))
            .build();
        let w = ArrowWriter::try_new(BufWriter::with_capacity(1 << 17, f), schema(table), Some(props)).map_err(parquet_error(&tmp))?;
        Ok(TableWriter { table, tmp, dest, w, pending: Vec::new(), pending_rows: 0 })
    }

    /// Append one document's rows of this table.
    pub fn write(&mut self, batches: &Batches) -> io::Result<()> {
        let Some(b) = batches.get(self.table) else { return Ok(()) };
        self.pending_rows += b.num_rows();
        self.pending.push(b.clone());
        if self.pending_rows >= BATCH_ROWS { self.encode(false) } else { Ok(()) }
    }

    /// Hand the pending rows to the encoder in batches of [`BATCH_ROWS`]; the rest waits for
    /// more rows, unless `all`.
    fn encode(&mut self, all: bool) -> io::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let rows = arrow_select::concat::concat_batches(&schema(self.table), &self.pending).map_err(io::Error::other)?;
        self.pending.clear();
        let mut at = 0;
        while rows.num_rows() - at >= BATCH_ROWS || (all && at < rows.num_rows()) {
            let n = BATCH_ROWS.min(rows.num_rows() - at);
            self.w.write(&rows.slice(at, n)).map_err(parquet_error(&self.tmp))?;
            at += n;
        }
        self.pending_rows = rows.num_rows() - at;
        if self.pending_rows > 0 {
            self.pending.push(rows.slice(at, self.pending_rows));
        }
        Ok(())
    }

    /// Write the last rows and the footer, and sync the file (still under its temporary name).
    pub fn close(mut self) -> io::Result<(PathBuf, PathBuf)> {
        self.encode(true)?;
        let f = self.w.into_inner().map_err(parquet_error(&self.tmp))?;
        let f = f.into_inner().map_err(|e| super::at(&self.tmp)(e.into_error()))?;
        // `into_inner` wrote the footer; the file's bytes are all handed over.
        f.sync_all().map_err(super::at(&self.tmp))?;
        Ok((self.tmp, self.dest))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_names_are_the_csv_header() {
        for t in CsvTable::ALL {
            let names: Vec<&str> = columns(t).iter().map(|&(n, _)| n).collect();
            assert_eq!(names, t.columns(), "{}", t.name());
        }
    }

    #[test]
    fn a_value_of_the_wrong_type_is_caught() {
        let mut t = Table::new(CsvTable::Sentences, 1);
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            t.row().text("d").text("s0").int(3);
        }));
        let panic = caught.unwrap_err();
        assert!(panic.downcast_ref::<String>().unwrap().contains("column `block` is Text"), "{panic:?}");
    }
}
