//! `--format parquet` (issue 15 §3): the Parquet tables are read back with the parquet
//! crate's Arrow reader and compared, row by row and column by column, with the CSV tables
//! of the same run; their column names are the CSV headers; their types are the ones
//! docs/spec.md lists; their bytes do not depend on the thread count or the chunk size.
//! Built without the `parquet` feature, `--format parquet` is refused with a clear message.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Scratch, fixture_inputs};

const BIN: &str = env!("CARGO_BIN_EXE_claimex");

fn extract(out: &Path, inputs: &[PathBuf], extra: &[&str]) -> std::process::Output {
    Command::new(BIN).args(["extract", "-q", "-o"]).arg(out).args(extra).args(inputs).output().unwrap()
}

#[cfg(not(feature = "parquet"))]
#[test]
fn without_the_feature_parquet_is_refused_with_a_clear_message() {
    let dir = Scratch::new("parquet-off");
    let run = extract(&dir.join("out"), &fixture_inputs()[..1], &["--format", "parquet"]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("built without Parquet support") && stderr.contains("`parquet` cargo feature"), "{stderr}");
    assert!(!dir.join("out").exists(), "nothing is written");
}

#[cfg(feature = "parquet")]
mod with_parquet {
    use std::collections::BTreeMap;
    use std::fs::File;

    use arrow_array::cast::AsArray;
    use arrow_array::types::{Float64Type, Int64Type};
    use arrow_array::{Array, RecordBatch, RecordBatchReader};
    use arrow_schema::{DataType, Field, Schema};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    use serde_json::Value;

    use super::*;

    const TABLES: [&str; 4] = ["sentences", "quotes", "attributions", "claims"];

    /// A Parquet table read whole: its schema and batches.
    fn read(path: &Path) -> (Schema, Vec<RecordBatch>) {
        let f = File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let reader = ParquetRecordBatchReaderBuilder::try_new(f).unwrap().with_batch_size(1000).build().unwrap();
        let schema = reader.schema().as_ref().clone();
        (schema, reader.map(Result::unwrap).collect())
    }

    /// A CSV table: header and rows.
    fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
        let mut r = csv::Reader::from_path(path).unwrap();
        let header = r.headers().unwrap().iter().map(str::to_owned).collect();
        let rows = r.records().map(|row| row.unwrap().iter().map(str::to_owned).collect()).collect();
        (header, rows)
    }

    /// A Parquet value as JSON.
    fn value(a: &dyn Array, i: usize) -> Value {
        if a.is_null(i) {
            return Value::Null;
        }
        match a.data_type() {
            DataType::Utf8 => a.as_string::<i32>().value(i).into(),
            DataType::Int64 => a.as_primitive::<Int64Type>().value(i).into(),
            DataType::Float64 => a.as_primitive::<Float64Type>().value(i).into(),
            DataType::Boolean => a.as_boolean().value(i).into(),
            DataType::List(_) => {
                let items = a.as_list::<i32>().value(i);
                (0..items.len()).map(|j| value(items.as_ref(), j)).collect()
            }
            DataType::Struct(fields) => {
                let s = a.as_struct();
                fields.iter().zip(s.columns()).map(|(f, c)| (f.name().clone(), value(c.as_ref(), i))).collect()
            }
            t => panic!("a column of an undocumented type {t}"),
        }
    }

    /// A CSV cell read as the Parquet column's type: an empty cell of a nullable column is
    /// null, a list is its JSON.
    fn cell(field: &Field, text: &str) -> Value {
        if text.is_empty() && field.is_nullable() {
            return Value::Null;
        }
        let parse = |what: &str| -> Value { panic!("`{}`: {text:?} is not {what}", field.name()) };
        match field.data_type() {
            DataType::Utf8 => text.into(),
            DataType::Int64 => text.parse::<i64>().map_or_else(|_| parse("an integer"), Value::from),
            DataType::Float64 => text.parse::<f64>().map_or_else(|_| parse("a number"), Value::from),
            DataType::Boolean => match text {
                "true" => true.into(),
                "false" => false.into(),
                _ => parse("a boolean"),
            },
            DataType::List(_) => serde_json::from_str(text).unwrap_or_else(|_| parse("a JSON array")),
            t => panic!("a column of an undocumented type {t}"),
        }
    }

    /// The type as docs/spec.md writes it.
    fn type_name(t: &DataType) -> String {
        match t {
            DataType::Utf8 => "Utf8".into(),
            DataType::Int64 => "Int64".into(),
            DataType::Float64 => "Float64".into(),
            DataType::Boolean => "Boolean".into(),
            DataType::List(item) => {
                assert!(!item.is_nullable(), "list items are never null");
                format!("List<{}>", type_name(item.data_type()))
            }
            DataType::Struct(fields) => {
                let inner: Vec<String> = fields
                    .iter()
                    .map(|f| {
                        assert!(!f.is_nullable(), "struct fields are never null");
                        format!("{}: {}", f.name(), type_name(f.data_type()))
                    })
                    .collect();
                format!("Struct<{}>", inner.join(", "))
            }
            t => panic!("an undocumented type {t}"),
        }
    }

    /// The spec's table of Parquet types: `table.column` → (type, nullable). Columns not
    /// listed are `Utf8`, never null.
    fn documented_types() -> BTreeMap<String, (String, bool)> {
        let md = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/spec.md")).unwrap();
        let mut lines = md.lines().skip_while(|l| !l.starts_with("| Parquet column |")).skip(2);
        let mut types = BTreeMap::new();
        for line in lines.by_ref().take_while(|l| l.starts_with('|')) {
            let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
            let ty = cells[1].trim_matches('`').to_string();
            let nullable = cells[2].starts_with("when");
            for column in cells[0].split('`').skip(1).step_by(2) {
                assert!(types.insert(column.to_string(), (ty.clone(), nullable)).is_none(), "{column} documented twice");
            }
        }
        assert!(types.len() >= 20, "the spec's Parquet column table: {types:?}");
        types
    }

    /// One run over every fixture input with --format parquet, threads 2.
    fn fixture_run(dir: &Path) -> PathBuf {
        let out = dir.join("out");
        let run = extract(&out, &fixture_inputs(), &["--format", "parquet", "--threads", "2"]);
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        out
    }

    #[test]
    fn parquet_tables_hold_the_csv_rows_typed() {
        let dir = Scratch::new("parquet-rows");
        let out = fixture_run(&dir);
        let mut nulls = BTreeMap::new();
        let mut entities = 0;
        for t in TABLES {
            let (header, rows) = read_csv(&out.join(format!("{t}.csv")));
            let (schema, batches) = read(&out.join(format!("{t}.parquet")));
            let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
            assert_eq!(names, header, "{t}.parquet: the columns of {t}.csv, in order");
            assert_eq!(batches.iter().map(RecordBatch::num_rows).sum::<usize>(), rows.len(), "{t}: rows");
            assert!(!rows.is_empty(), "{t}: the fixtures give rows");
            let mut at = 0;
            for b in &batches {
                for i in 0..b.num_rows() {
                    for (c, field) in schema.fields().iter().enumerate() {
                        let (got, want) = (value(b.column(c).as_ref(), i), cell(field, &rows[at][c]));
                        assert_eq!(got, want, "{t} row {at} (doc {}), column {}", rows[at][0], field.name());
                        // A float reads back as the CSV writes it.
                        if let DataType::Float64 = field.data_type() {
                            let v = b.column(c).as_primitive::<Float64Type>().value(i);
                            assert_eq!(format!("{v}"), rows[at][c]);
                        }
                        if got.is_null() {
                            *nulls.entry(format!("{t}.{}", field.name())).or_insert(0) += 1;
                        }
                        if field.name() == "entities" {
                            entities += got.as_array().unwrap().len();
                        }
                    }
                    at += 1;
                }
            }
        }
        // The fixtures reach the nulls and the nested lists, so the comparison covers them.
        for column in ["attributions.source_start", "quotes.attribution_id", "claims.attribution_id", "claims.frame_claim_id"] {
            assert!(nulls.get(column).is_some_and(|&n| n > 0), "no null in {column}: {nulls:?}");
        }
        assert!(entities > 0, "no entity in claims.parquet");
        let names: Vec<String> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        assert!(names.iter().all(|n| !n.starts_with('.')), "no temporary file is left: {names:?}");
        let m: Value = serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
        assert_eq!(m["config"]["format"], "parquet");
        let f = File::open(out.join("claims.parquet")).unwrap();
        let meta = ParquetRecordBatchReaderBuilder::try_new(f).unwrap().metadata().clone();
        let kv: BTreeMap<&str, Option<&str>> =
            meta.file_metadata().key_value_metadata().unwrap().iter().map(|k| (k.key.as_str(), k.value.as_deref())).collect();
        assert_eq!(kv.get("claimex.schema_version"), Some(&Some(m["schema_version"].to_string().as_str())));
        assert_eq!(kv.get("claimex.version"), Some(&m["version"].as_str()));
    }

    #[test]
    fn parquet_types_are_the_documented_ones() {
        let dir = Scratch::new("parquet-types");
        let out = fixture_run(&dir);
        let documented = documented_types();
        let mut seen = Vec::new();
        for t in TABLES {
            let (schema, _) = read(&out.join(format!("{t}.parquet")));
            for f in schema.fields() {
                let key = format!("{t}.{}", f.name());
                let (ty, nullable) = documented.get(&key).cloned().unwrap_or(("Utf8".into(), false));
                assert_eq!((type_name(f.data_type()), f.is_nullable()), (ty, nullable), "{key}");
                seen.push(key);
            }
        }
        for key in documented.keys() {
            assert!(seen.contains(key), "docs/spec.md lists {key}, which no Parquet table has");
        }
        // The typed columns the issue names, spelled out.
        let (claims, _) = read(&out.join("claims.parquet"));
        let ty = |name: &str| claims.field_with_name(name).unwrap().data_type().clone();
        assert!(matches!(ty("types"), DataType::List(_)), "a list is a List column, not JSON text");
        assert_eq!(ty("hedged"), DataType::Boolean);
        assert_eq!(ty("checkworthiness"), DataType::Float64);
        assert_eq!(ty("start"), DataType::Int64);
    }

    /// JSONL documents made of the fixture inputs' texts, `copies` times over: more rows than
    /// one batch of the Parquet writer (8192).
    fn big_input(path: &Path, copies: usize) {
        let texts: Vec<String> = fixture_inputs()
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "txt" || e == "md"))
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect();
        let mut out = String::new();
        for k in 0..copies {
            for (i, text) in texts.iter().enumerate() {
                out.push_str(&serde_json::json!({"id": format!("d{k}-{i}"), "text": text}).to_string());
                out.push('\n');
            }
        }
        std::fs::write(path, out).unwrap();
    }

    #[test]
    fn parquet_bytes_do_not_depend_on_threads_or_chunks() {
        let dir = Scratch::new("parquet-threads");
        let input = dir.join("big.jsonl");
        big_input(&input, 60);
        let runs = [&["--threads", "1"][..], &["--threads", "2"], &["--threads", "2", "--chunk-docs", "7"]];
        let mut first: Option<Vec<Vec<u8>>> = None;
        for (k, args) in runs.into_iter().enumerate() {
            let out = dir.join(format!("out{k}"));
            let run = extract(&out, std::slice::from_ref(&input), &[&["--format", "parquet"][..], args].concat());
            assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
            let bytes: Vec<Vec<u8>> = TABLES.iter().map(|t| std::fs::read(out.join(format!("{t}.parquet"))).unwrap()).collect();
            match &first {
                None => {
                    let (_, rows) = read_csv(&out.join("sentences.csv"));
                    assert!(rows.len() > 8192, "more sentences than a Parquet batch: {}", rows.len());
                    let (_, batches) = read(&out.join("sentences.parquet"));
                    assert_eq!(batches.iter().map(RecordBatch::num_rows).sum::<usize>(), rows.len());
                    first = Some(bytes);
                }
                Some(want) => {
                    for (t, (a, b)) in TABLES.iter().zip(want.iter().zip(&bytes)) {
                        assert!(a == b, "{t}.parquet differs with {args:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn parquet_follows_tables_and_stale_parquet_files_go() {
        let dir = Scratch::new("parquet-tables");
        let out = dir.join("out");
        let inputs = &fixture_inputs()[..3];
        let run = extract(&out, inputs, &["--format", "parquet"]);
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        let run = extract(&out, inputs, &["--format", "parquet", "--tables", "claims"]);
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        let mut names: Vec<String> =
            std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        assert_eq!(names, ["claims.csv", "claims.parquet", "documents.jsonl", "manifest.json"]);
        // A run without Parquet removes the earlier run's Parquet tables.
        let run = extract(&out, inputs, &[]);
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        assert!(!out.join("claims.parquet").exists());
        // Parquet goes to a directory, never to stdout.
        let run = Command::new(BIN).args(["extract", "-q", "-o", "-", "--format", "parquet"]).args(inputs).output().unwrap();
        assert_eq!(run.status.code(), Some(2));
    }
}
