//! Stage 6, writers: what stands in for the Parquet writer (`parquet.rs`) in a build
//! without the `parquet` cargo feature. Nothing here can be made: opening a Parquet table
//! fails with [`super::PARQUET_MISSING`], so the types below are empty.

use std::io;
use std::path::{Path, PathBuf};

use super::{CsvTable, Tables};
use crate::record::{AttributionRecord, ClaimRecord, QuoteRecord, SentenceRecord};

/// One document's rows: never built in this build.
pub enum Builders {}

/// Builders for the chosen tables: `None`, this build has no Parquet writer.
pub fn builders(_: Tables, _: [usize; 4]) -> Option<Builders> {
    None
}

impl Builders {
    /// A sentence's row.
    pub fn sentence(&mut self, _: &str, _: &SentenceRecord) {
        match *self {}
    }

    /// A quotation's row.
    pub fn quote(&mut self, _: &str, _: &QuoteRecord) {
        match *self {}
    }

    /// An attribution's row.
    pub fn attribution(&mut self, _: &str, _: &AttributionRecord) {
        match *self {}
    }

    /// A claim's row.
    pub fn claim(&mut self, _: &str, _: &ClaimRecord) {
        match *self {}
    }

    /// The document's batches.
    pub fn finish(self) -> Batches {
        match self {}
    }
}

/// One document's rows: never built in this build.
#[derive(Debug, Clone)]
pub enum Batches {}

/// A Parquet table being written: never opened in this build.
pub enum TableWriter {}

impl TableWriter {
    /// Fails: this build has no Parquet writer.
    pub fn create(_: &Path, _: CsvTable) -> io::Result<TableWriter> {
        Err(io::Error::new(io::ErrorKind::Unsupported, super::PARQUET_MISSING))
    }

    /// Append one document's rows.
    pub fn write(&mut self, _: &Batches) -> io::Result<()> {
        match *self {}
    }

    /// Finish the file.
    pub fn close(self) -> io::Result<(PathBuf, PathBuf)> {
        match self {}
    }
}
