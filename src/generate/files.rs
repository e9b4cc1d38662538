//! Writing the files of a generated folder, all through one staged folder
//! (`export::StagedFolder`) published at the end: the data files streamed
//! through a line-counting writer (so that each bad row's physical line is
//! known), the small files in one go, and the files an earlier run left
//! behind dropped.

use std::cell::{Cell, RefCell};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::params::GenerateParams;
use super::valuations::{ULTIMATES_FILE, VALUATIONS_FILE};
use super::{BAD_ROWS_FILE, DEPARTMENTS_FILE, EXPOSURE_FILE, GenerateError};
use crate::export::{CsvRow, StagedFolder, StagedWriter, csv_bytes};
use crate::ingest::Reason;

/// Counts the newlines that pass through; raw lines can be written between
/// csv records through a shared reference.
struct LineCounter<W: Write> {
    inner: RefCell<W>,
    newlines: Cell<u64>,
}

fn count_newlines(buf: &[u8]) -> u64 {
    buf.iter().filter(|&&b| b == b'\n').count() as u64
}

impl<W: Write> Write for LineCounter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.get_mut().write(buf)?;
        self.newlines.set(self.newlines.get() + count_newlines(&buf[..n]));
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.get_mut().flush()
    }
}

impl<W: Write> LineCounter<W> {
    fn write_raw(&self, bytes: &[u8]) -> io::Result<()> {
        let mut inner = self.inner.try_borrow_mut().map_err(io::Error::other)?;
        inner.write_all(bytes)?;
        self.newlines.set(self.newlines.get() + count_newlines(bytes));
        Ok(())
    }
}

/// One row of bad_rows.csv: where an injected bad row starts.
#[derive(Debug, Clone, Serialize)]
pub struct BadRowEntry {
    pub file: &'static str,
    pub line: u64,
    pub kind: Reason,
}

/// A data file streamed into the staged folder; `commit` lists it there.
pub struct DataFile {
    name: &'static str,
    path: PathBuf,
    csv: csv::Writer<LineCounter<StagedWriter>>,
    rows: usize,
    bad: Vec<BadRowEntry>,
}

impl DataFile {
    pub fn create(folder: &StagedFolder, name: &'static str, header: &[&str]) -> Result<DataFile, GenerateError> {
        let path = folder.target().join(name);
        let counter = LineCounter { inner: RefCell::new(folder.create(name)?), newlines: Cell::new(0) };
        let mut csv = csv::WriterBuilder::new().has_headers(false).from_writer(counter);
        csv.write_record(header).map_err(|e| GenerateError::Csv(path.clone(), e))?;
        Ok(DataFile { name, path, csv, rows: 0, bad: Vec::new() })
    }

    /// Writes one good row with the csv crate.
    pub fn good<T: Serialize>(&mut self, row: &T) -> Result<(), GenerateError> {
        self.csv.serialize(row).map_err(|e| GenerateError::Csv(self.path.clone(), e))?;
        self.rows += 1;
        Ok(())
    }

    /// Writes one raw bad line (without its terminator) and records where it starts.
    pub fn bad(&mut self, line: &str, kind: Reason) -> Result<(), GenerateError> {
        self.csv.flush().map_err(io_err(&self.path))?;
        let counter = self.csv.get_ref();
        let start = counter.newlines.get() + 1;
        counter.write_raw(line.as_bytes()).map_err(io_err(&self.path))?;
        counter.write_raw(b"\n").map_err(io_err(&self.path))?;
        self.bad.push(BadRowEntry { file: self.name, line: start, kind });
        self.rows += 1;
        Ok(())
    }

    /// Flushes the file into the folder; returns the number of data rows.
    pub fn commit(mut self, folder: &mut StagedFolder, entries: &mut Vec<BadRowEntry>) -> Result<usize, GenerateError> {
        let counter =
            self.csv.into_inner().map_err(|e| GenerateError::Io { path: self.path, source: e.into_error() })?;
        folder.finish(counter.inner.into_inner())?;
        entries.append(&mut self.bad);
        Ok(self.rows)
    }
}

/// Writes a small CSV file in one go.
pub fn write_csv<T: CsvRow>(
    folder: &mut StagedFolder,
    name: &str,
    rows: impl IntoIterator<Item = T>,
) -> Result<(), GenerateError> {
    let bytes = csv_bytes(rows).map_err(|e| GenerateError::Csv(folder.target().join(name), e))?;
    folder.add_bytes(name, &bytes)?;
    Ok(())
}

/// bad_rows.csv, with its header also when there are no bad rows.
pub fn write_bad_rows(folder: &mut StagedFolder, entries: &[BadRowEntry]) -> Result<(), GenerateError> {
    let path = folder.target().join(BAD_ROWS_FILE);
    let csv_err = |e| GenerateError::Csv(path.clone(), e);
    let mut writer = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
    writer.write_record(["file", "line", "kind"]).map_err(csv_err)?;
    for entry in entries {
        writer.serialize(entry).map_err(csv_err)?;
    }
    let bytes = writer.into_inner().map_err(|e| GenerateError::Io { path: path.clone(), source: e.into_error() })?;
    folder.add_bytes(BAD_ROWS_FILE, &bytes)?;
    Ok(())
}

/// Drops files of an earlier run that this run does not write.
pub fn drop_stale(params: &GenerateParams, folder: &mut StagedFolder) {
    // claim_valuations.csv is an input too (claim development reads it), so
    // a compressed copy of an earlier one would stand beside this run's.
    let mut stale = vec![
        "injuries.csv.gz",
        "claims.csv.gz",
        "exposure.csv.gz",
        "departments.csv.gz",
        "establishments.csv.gz",
        "claim_valuations.csv.gz",
    ];
    if !params.with_exposure {
        stale.push(EXPOSURE_FILE);
    }
    if !params.with_departments {
        stale.push(DEPARTMENTS_FILE);
    }
    if !params.valuations {
        stale.extend([VALUATIONS_FILE, ULTIMATES_FILE]);
    }
    for name in stale {
        folder.drop_existing(name);
    }
}

pub fn io_err(path: &Path) -> impl Fn(io::Error) -> GenerateError + '_ {
    move |source| GenerateError::Io { path: path.to_path_buf(), source }
}
