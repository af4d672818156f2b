//! `claimex export` and `claimex import`: `documents.jsonl` to and from the annotation tools
//! Label Studio, brat and doccano, so that annotators correct the output and the corrections
//! come back as the gold records `claimex eval` and `claimex check` read.
//!
//! Each document becomes the [`Annotated`] regions (source, cue, content, quotation, claim)
//! and relations (source → cue → content) of [`crate::annotations`], written in the tool's
//! own format and offset convention:
//!
//! | tool | files | offsets | relations | claim types |
//! |---|---|---|---|---|
//! | Label Studio | `tasks.json`, `label_config.xml` | UTF-16 code units | yes | per-region choices |
//! | brat | `<doc>.txt` + `<doc>.ann`, `annotation.conf`, `visual.conf` | code points | `R` lines | `A` attributes |
//! | doccano | `doccano.jsonl` | code points | `relations` | not kept |
//!
//! Import reads what the tool exports back and turns it into one gold line per document.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::annotations::Annotated;
use crate::record::DocumentRecord;

pub mod brat;
pub mod doccano;
pub mod label_studio;

/// An annotation tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// Label Studio (JSON tasks, XML labelling config).
    LabelStudio,
    /// brat standoff (`.txt` + `.ann`).
    Brat,
    /// doccano sequence labelling with relations (JSONL).
    Doccano,
}

/// What went wrong reading or writing a tool's files.
#[derive(Debug, thiserror::Error)]
pub enum ExchangeError {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A file does not hold what the tool writes.
    #[error("{}{}: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Format {
        /// The file.
        path: PathBuf,
        /// 1-based line, when known.
        line: Option<usize>,
        /// What is wrong.
        message: String,
    },
}

impl ExchangeError {
    pub(crate) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ExchangeError + '_ {
        move |source| ExchangeError::Io { path: path.to_path_buf(), source }
    }

    pub(crate) fn format(path: &Path, line: Option<usize>, message: impl Into<String>) -> ExchangeError {
        ExchangeError::Format { path: path.to_path_buf(), line, message: message.into() }
    }
}

/// What an import made: gold lines, and notes on what it read around (printed by the CLI).
#[derive(Debug, Default)]
pub struct Imported {
    /// One gold record per document, in the order read.
    pub gold: Vec<Value>,
    /// Things the user should know (a task without annotations, an unknown label).
    pub notes: Vec<String>,
}

/// Write `records` for `tool` into `dir` (created); returns the files written.
pub fn export(records: &[DocumentRecord], tool: Tool, dir: &Path) -> Result<Vec<PathBuf>, ExchangeError> {
    std::fs::create_dir_all(dir).map_err(ExchangeError::io(dir))?;
    let docs: Vec<Annotated> = records.iter().filter(|r| r.errors.is_empty()).map(Annotated::from_record).collect();
    match tool {
        Tool::LabelStudio => label_studio::export(&docs, dir),
        Tool::Brat => brat::export(&docs, dir),
        Tool::Doccano => doccano::export(&docs, dir),
    }
}

/// Read what `tool` exported (a file, or for brat a directory) back into gold records.
pub fn import(tool: Tool, path: &Path) -> Result<Imported, ExchangeError> {
    match tool {
        Tool::LabelStudio => label_studio::import(path),
        Tool::Brat => brat::import(path),
        Tool::Doccano => doccano::import(path),
    }
}

pub(crate) fn write(path: PathBuf, text: &str, written: &mut Vec<PathBuf>) -> Result<(), ExchangeError> {
    std::fs::write(&path, text).map_err(ExchangeError::io(&path))?;
    written.push(path);
    Ok(())
}

pub(crate) fn read(path: &Path) -> Result<String, ExchangeError> {
    std::fs::read_to_string(path).map_err(ExchangeError::io(path))
}
