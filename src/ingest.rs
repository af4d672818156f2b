//! Stage 1, ingest: inputs (files, directories, stdin) into a stream of [`Document`]s.
//!
//! Readers are lazy: a JSONL or CSV file is read record by record, so a corpus larger than
//! memory streams through. A record that cannot be read (invalid UTF-8, a malformed JSONL
//! line, a ragged CSV row, a missing or non-string text field) becomes a [`DocError`]
//! naming the file and line, and the stream goes on with the next record.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value};

/// A document to extract from.
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// Unique, stable id: the record id, or the file path relative to its input root without
    /// extension.
    pub id: String,
    /// Where it came from: a path, `path:line` for a record, or `-` for stdin.
    pub source: String,
    /// The original text (BOM removed). Every offset points into it.
    pub text: String,
    /// The input's own metadata: JSONL fields other than id and text, other CSV columns.
    pub metadata: Map<String, Value>,
}

/// A record of the input that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocError {
    /// The document id when it is known, else `file:line`.
    pub id: String,
    /// The input file (or `-`).
    pub file: String,
    /// 1-based line of the record in the file, when the input has lines.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for DocError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}: {}", self.file, l, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// One item of the input stream.
pub type Item = Result<Document, DocError>;

/// The formats an input can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Plain text, one document per file.
    Txt,
    /// Markdown, one document per file.
    Md,
    /// One JSON object per line.
    Jsonl,
    /// A CSV table with a header row and a text column.
    Csv,
}

impl Format {
    /// The format a path's extension names; `None` for files claimex does not read.
    pub fn from_path(p: &Path) -> Option<Format> {
        match p.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "txt" | "text" => Some(Format::Txt),
            "md" | "markdown" => Some(Format::Md),
            "jsonl" | "ndjson" => Some(Format::Jsonl),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }
}

/// How records are read.
#[derive(Debug, Clone)]
pub struct Options {
    /// JSONL field holding the id.
    pub id_field: String,
    /// JSONL field holding the text.
    pub text_field: String,
    /// CSV column holding the id (row number when absent).
    pub id_column: String,
    /// CSV column holding the text.
    pub text_column: String,
    /// Format of stdin, or of every input regardless of extension.
    pub format: Option<Format>,
}

impl Default for Options {
    fn default() -> Self {
        Options { id_field: "id".into(), text_field: "text".into(), id_column: "id".into(), text_column: "text".into(), format: None }
    }
}

/// One input file (or stdin) with the root its document ids are relative to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// The file, or `-` for stdin.
    pub path: PathBuf,
    /// The directory ids are relative to.
    pub root: PathBuf,
}

impl Input {
    /// Whether this input is standard input.
    pub fn is_stdin(&self) -> bool {
        self.path.as_os_str() == "-"
    }
}

/// Errors that stop a run before any document is read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// A named input does not exist.
    #[error("{0}: no such file or directory")]
    Missing(PathBuf),
    /// A directory could not be listed.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
}

/// Expand the command-line inputs: files as they are, directories recursively (sorted, only
/// files with a known extension), `-` for stdin.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<Input>, InputError> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(Input { path: p.clone(), root: PathBuf::new() });
        } else if p.is_dir() {
            let mut files = Vec::new();
            walk(p, &mut files)?;
            files.sort();
            out.extend(files.into_iter().map(|f| Input { path: f, root: p.clone() }));
        } else if p.is_file() {
            let root = p.parent().map(Path::to_path_buf).unwrap_or_default();
            out.push(Input { path: p.clone(), root });
        } else {
            return Err(InputError::Missing(p.clone()));
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), InputError> {
    let io_err = |source| InputError::Io { path: dir.to_path_buf(), source };
    for entry in std::fs::read_dir(dir).map_err(io_err)? {
        let path = entry.map_err(io_err)?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if Format::from_path(&path).is_some() && path.file_name().is_none_or(|n| n != "documents.jsonl") {
            // `documents.jsonl` found in a directory is claimex output (an earlier run, a
            // fixture's expected output), not input; naming the file reads it.
            out.push(path);
        }
    }
    Ok(())
}

/// The id of a whole-file document: its path relative to the input root, without extension,
/// with `/` separators.
pub fn file_doc_id(input: &Input) -> String {
    let rel = input.path.strip_prefix(&input.root).unwrap_or(&input.path);
    let rel = rel.with_extension("");
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// Open an input and stream its documents.
pub fn read(input: &Input, opts: &Options) -> Box<dyn Iterator<Item = Item> + Send> {
    match open(input) {
        Ok(reader) => read_from(input, opts, reader),
        Err(e) => Box::new(std::iter::once(Err(e))),
    }
}

/// Open an input's bytes: the file, or stdin. A file that cannot be opened is an error
/// record of its own.
pub fn open(input: &Input) -> Result<Box<dyn Read + Send>, DocError> {
    if input.is_stdin() {
        return Ok(Box::new(io::stdin()));
    }
    File::open(&input.path).map(|f| Box::new(f) as Box<dyn Read + Send>).map_err(|e| DocError {
        id: file_doc_id(input),
        file: input.path.display().to_string(),
        line: None,
        message: e.to_string(),
    })
}

/// Stream the documents of an input whose bytes come from `reader` (see [`open`]).
pub fn read_from(input: &Input, opts: &Options, reader: Box<dyn Read + Send>) -> Box<dyn Iterator<Item = Item> + Send> {
    let name = input.path.display().to_string();
    let format = opts.format.or_else(|| Format::from_path(&input.path)).unwrap_or(Format::Txt);
    let reader = BufReader::with_capacity(1 << 16, reader);
    // A record's `source` is `file:line`; from stdin it is `-`, since the line a record has
    // in the stream one process sees depends on how the stream was sharded (SPEC §6).
    let lines = !input.is_stdin();
    match format {
        Format::Txt | Format::Md => {
            let id = if input.is_stdin() { "-".to_string() } else { file_doc_id(input) };
            Box::new(std::iter::once(read_whole(reader, id, name)))
        }
        Format::Jsonl => Box::new(JsonlReader { reader, file: name, line: 0, lines, seen: false, opts: opts.clone(), buf: Vec::new() }),
        Format::Csv => Box::new(csv_reader(reader, name, lines, opts.clone())),
    }
}

/// Why bytes are not a text document: what is wrong and on which 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// What is wrong.
    pub message: String,
    /// The line holding the first bad byte.
    pub line: usize,
}

/// Decode bytes as UTF-8 with a leading BOM removed, or say where they are not UTF-8.
pub fn decode(bytes: Vec<u8>) -> Result<String, DecodeError> {
    let bytes = if bytes.starts_with(b"\xEF\xBB\xBF") { bytes[3..].to_vec() } else { bytes };
    let line_of = |b: &[u8], at: usize| b[..at].iter().filter(|&&c| c == b'\n').count() + 1;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        DecodeError { message: format!("invalid UTF-8 at byte {at}"), line: line_of(e.as_bytes(), at) }
    })
}

/// Decode a whole text file: [`decode`], and NUL bytes are refused as binary data (a PDF,
/// an image, UTF-16 text), as ripgrep does.
pub fn decode_text_file(bytes: Vec<u8>) -> Result<String, DecodeError> {
    if bytes.contains(&0) {
        let at = bytes.iter().position(|&b| b == 0).unwrap_or(0);
        let line = bytes[..at].iter().filter(|&&c| c == b'\n').count() + 1;
        let hint = if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") || bytes.get(1) == Some(&0) {
            "; UTF-16 text must be converted to UTF-8"
        } else {
            ""
        };
        return Err(DecodeError { message: format!("binary data: NUL byte at byte {at}{hint}"), line });
    }
    decode(bytes)
}

fn read_whole(mut reader: impl Read, id: String, file: String) -> Item {
    let mut bytes = Vec::new();
    if let Err(e) = reader.read_to_end(&mut bytes) {
        return Err(DocError { id, file, line: None, message: e.to_string() });
    }
    match decode_text_file(bytes) {
        Ok(text) if text.trim().is_empty() => Err(DocError {
            id,
            file,
            line: None,
            message: if text.is_empty() { "empty file".into() } else { "file holds only whitespace".into() },
        }),
        Ok(text) => Ok(Document { id, source: file, text, metadata: Map::new() }),
        Err(e) => Err(DocError { id, file, line: Some(e.line), message: e.message }),
    }
}

struct JsonlReader<R> {
    reader: R,
    file: String,
    line: usize,
    /// Whether the input is a file: `source` names the line, and an empty file is an error.
    lines: bool,
    /// Whether a record (a non-blank line) was seen, or the empty-file error given.
    seen: bool,
    opts: Options,
    buf: Vec<u8>,
}

impl<R: BufRead> Iterator for JsonlReader<R> {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        loop {
            self.buf.clear();
            self.line += 1;
            match self.reader.read_until(b'\n', &mut self.buf) {
                Ok(0) if self.lines && !self.seen => {
                    // An empty file is an error (SPEC §1); an empty stream is an empty shard.
                    self.seen = true;
                    let message = if self.line == 1 { "empty file" } else { "file holds only blank lines" };
                    return Some(Err(DocError { id: self.file.clone(), file: self.file.clone(), line: None, message: message.into() }));
                }
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => return Some(Err(self.error(None, e.to_string()))),
            }
            let line = self.buf.strip_suffix(b"\n").unwrap_or(&self.buf);
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let line = if self.line == 1 { line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line) } else { line };
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            self.seen = true;
            let value: Value = match serde_json::from_slice(line) {
                Ok(v) => v,
                Err(e) => return Some(Err(self.error(None, format!("not a JSON object: {e}")))),
            };
            return Some(self.document(value));
        }
    }
}

impl<R> JsonlReader<R> {
    fn error(&self, id: Option<String>, message: String) -> DocError {
        DocError {
            id: id.unwrap_or_else(|| format!("{}:{}", self.file, self.line)),
            file: self.file.clone(),
            line: Some(self.line),
            message,
        }
    }

    fn document(&self, value: Value) -> Item {
        let Value::Object(mut map) = value else {
            return Err(self.error(None, "not a JSON object".into()));
        };
        let id = match map.remove(&self.opts.id_field) {
            Some(Value::String(s)) => Some(s),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(Value::Null) | None => None,
            Some(other) => {
                return Err(self.error(None, format!("field `{}` is not a string or number: {other}", self.opts.id_field)));
            }
        };
        let text = match map.remove(&self.opts.text_field) {
            Some(Value::String(s)) => s,
            Some(other) => {
                let kind = json_kind(&other);
                return Err(self.error(id, format!("field `{}` is {kind}, not a string", self.opts.text_field)));
            }
            None => return Err(self.error(id, format!("no `{}` field", self.opts.text_field))),
        };
        let id = id.unwrap_or_else(|| format!("{}:{}", self.file, self.line));
        let source = if self.lines { format!("{}:{}", self.file, self.line) } else { self.file.clone() };
        Ok(Document { id, source, text, metadata: map })
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn csv_reader(reader: impl Read + Send + 'static, file: String, lines: bool, opts: Options) -> impl Iterator<Item = Item> + Send {
    let ends = Arc::new(Mutex::new(LineEnds::default()));
    let tap = LineTap { inner: reader, ends: ends.clone(), after_cr: false, offset: 0 };
    let mut rdr = csv::ReaderBuilder::new().flexible(false).from_reader(tap);
    let header = rdr.byte_headers().cloned();
    let empty = header.as_ref().is_ok_and(|h| h.iter().all(<[u8]>::is_empty)) && rdr.is_done();
    let mut records = rdr.into_byte_records();
    let mut done = false;
    let mut header_error = None;
    let (text_col, id_col, names) = match header {
        Ok(_) if empty => {
            // An empty file is an error (SPEC §1); an empty stream is an empty shard.
            done = !lines;
            header_error = Some("empty file".to_string());
            (0, None, Vec::new())
        }
        Ok(h) => {
            let names: Vec<String> = h.iter().map(|c| String::from_utf8_lossy(c).into_owned()).collect();
            let text_col = names.iter().position(|n| *n == opts.text_column);
            if text_col.is_none() {
                header_error = Some(format!("no column `{}` in the header", opts.text_column));
            }
            let id_col = names.iter().position(|n| *n == opts.id_column);
            (text_col.unwrap_or(0), id_col, names)
        }
        Err(e) => {
            header_error = Some(format!("unreadable header: {e}"));
            (0, None, Vec::new())
        }
    };
    // The csv crate's own line numbers run one behind after a CRLF row end (Excel's
    // default), so lines are counted from the bytes instead.
    let line_of = move |pos: Option<&csv::Position>| pos.map(|p| ends.lock().map_or(0, |mut e| e.line_of(p.byte())));
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        if let Some(message) = header_error.take() {
            done = true;
            let line = (!empty).then_some(1);
            let id = if empty { file.clone() } else { format!("{file}:1") };
            return Some(Err(DocError { id, file: file.clone(), line, message }));
        }
        let rec = records.next()?;
        Some(match rec {
            Err(e) => {
                let line = line_of(e.position());
                let id = format!("{}:{}", file, line.unwrap_or(0));
                if !matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. } | csv::ErrorKind::Utf8 { .. }) {
                    done = true;
                }
                Err(DocError { id, file: file.clone(), line, message: csv_message(&e) })
            }
            Ok(r) => {
                let line = line_of(r.position()).unwrap_or(0);
                let cell = |i: usize| r.get(i).map(|b| std::str::from_utf8(b).map(str::to_owned));
                let id = match id_col.map(cell) {
                    Some(Some(Ok(s))) if !s.is_empty() => s,
                    _ => format!("{file}:{line}"),
                };
                match cell(text_col) {
                    Some(Ok(text)) => {
                        let mut metadata = Map::new();
                        for (i, name) in names.iter().enumerate() {
                            if i != text_col && Some(i) != id_col {
                                let v = r.get(i).map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_default();
                                metadata.insert(name.clone(), Value::String(v));
                            }
                        }
                        let source = if lines { format!("{file}:{line}") } else { file.clone() };
                        Ok(Document { id, source, text, metadata })
                    }
                    Some(Err(e)) => Err(DocError {
                        id,
                        file: file.clone(),
                        line: Some(line),
                        message: format!("invalid UTF-8 in the text column: {e}"),
                    }),
                    None => Err(DocError { id, file: file.clone(), line: Some(line), message: "row has no text column".into() }),
                }
            }
        })
    })
}

/// Byte offsets of the line ends read so far and not yet passed by a record.
#[derive(Default)]
struct LineEnds {
    ends: VecDeque<u64>,
    passed: usize,
}

impl LineEnds {
    /// The 1-based line of byte `at`; records must be asked about in order.
    fn line_of(&mut self, at: u64) -> usize {
        while self.ends.front().is_some_and(|&e| e < at) {
            self.ends.pop_front();
            self.passed += 1;
        }
        self.passed + 1
    }
}

/// A reader that notes where lines end (`\n`, `\r\n` at its `\r`, or a lone `\r`).
struct LineTap<R> {
    inner: R,
    ends: Arc<Mutex<LineEnds>>,
    after_cr: bool,
    offset: u64,
}

impl<R: Read> Read for LineTap<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut ends = self.ends.lock().map_err(|_| io::Error::other("line state poisoned"))?;
        for (i, &b) in buf[..n].iter().enumerate() {
            if b == b'\r' || (b == b'\n' && !self.after_cr) {
                ends.ends.push_back(self.offset + i as u64);
            }
            self.after_cr = b == b'\r';
        }
        self.offset += n as u64;
        Ok(n)
    }
}

fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("row has {len} fields, the header has {expected_len}")
        }
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jsonl(s: &str) -> Vec<Item> {
        let r = JsonlReader {
            reader: s.as_bytes(),
            file: "t.jsonl".into(),
            line: 0,
            lines: true,
            seen: false,
            opts: Options::default(),
            buf: Vec::new(),
        };
        r.collect()
    }

    #[test]
    fn jsonl_keeps_metadata_and_reports_bad_lines() {
        let items = jsonl("{\"id\":\"a\",\"text\":\"Hi.\",\"title\":\"T\"}\nnot json\n{\"id\":3,\"text\":4}\n{\"text\":\"x\"}");
        assert_eq!(items.len(), 4);
        let a = items[0].as_ref().unwrap();
        assert_eq!((a.id.as_str(), a.metadata["title"].as_str()), ("a", Some("T")));
        let e = items[1].as_ref().unwrap_err();
        assert_eq!((e.line, e.file.as_str()), (Some(2), "t.jsonl"));
        let e = items[2].as_ref().unwrap_err();
        assert_eq!(e.id, "3");
        assert!(e.message.contains("a number"), "{}", e.message);
        assert_eq!(items[3].as_ref().unwrap().id, "t.jsonl:4");
    }

    #[test]
    fn decode_strips_bom_and_locates_bad_bytes() {
        assert_eq!(decode(b"\xEF\xBB\xBFabc".to_vec()).unwrap(), "abc");
        let e = decode(b"ok\nbad \xFF here".to_vec()).unwrap_err();
        assert_eq!((e.line, e.message.as_str()), (2, "invalid UTF-8 at byte 7"));
        let e = decode_text_file(b"a\nb\nc\0d".to_vec()).unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.starts_with("binary data: NUL byte at byte 5"), "{}", e.message);
    }

    #[test]
    fn csv_rows_and_ragged_rows() {
        let data = "id,text,lang\n1,\"Hello, world.\nSecond line.\",en\n2,short\n3,x,en\n";
        let items: Vec<Item> = csv_reader(data.as_bytes(), "t.csv".into(), true, Options::default()).collect();
        assert_eq!(items.len(), 3);
        let d = items[0].as_ref().unwrap();
        assert_eq!((d.id.as_str(), d.text.as_str()), ("1", "Hello, world.\nSecond line."));
        assert_eq!(d.metadata["lang"], "en");
        let e = items[1].as_ref().unwrap_err();
        assert_eq!(e.line, Some(4));
        assert!(items[2].is_ok());
    }
}
