//! Writing the files of a generated folder: the data files streamed through
//! a line-counting buffered writer to a temporary sibling (so that each bad
//! row's physical line is known) and renamed into place, the small files in
//! one go, and the removal of files an earlier run left behind.

use std::cell::{Cell, RefCell};
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::params::GenerateParams;
use super::{BAD_ROWS_FILE, DEPARTMENTS_FILE, EXPOSURE_FILE, GenerateError};
use crate::ingest::Reason;
use crate::output::{csv_bytes, write_atomic};

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

/// A data file streamed to a temporary sibling and renamed into place by
/// `commit`; dropped uncommitted, the temporary file is removed.
pub struct DataFile {
    name: &'static str,
    path: PathBuf,
    tmp: PathBuf,
    csv: Option<csv::Writer<LineCounter<BufWriter<File>>>>,
    rows: usize,
    bad: Vec<BadRowEntry>,
}

impl DataFile {
    pub fn create(dir: &Path, name: &'static str, header: &[&str]) -> Result<DataFile, GenerateError> {
        let path = dir.join(name);
        let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
        let file = File::create(&tmp).map_err(io_err(&tmp))?;
        let counter =
            LineCounter { inner: RefCell::new(BufWriter::with_capacity(1 << 20, file)), newlines: Cell::new(0) };
        let csv = csv::WriterBuilder::new().has_headers(false).from_writer(counter);
        let mut data = DataFile { name, path, tmp, csv: Some(csv), rows: 0, bad: Vec::new() };
        let result = data.writer()?.write_record(header);
        result.map_err(|e| GenerateError::Csv(data.path.clone(), e))?;
        Ok(data)
    }

    fn writer(&mut self) -> Result<&mut csv::Writer<LineCounter<BufWriter<File>>>, GenerateError> {
        let path = &self.path;
        self.csv.as_mut().ok_or_else(|| GenerateError::Io { path: path.clone(), source: io::Error::other("closed") })
    }

    /// Writes one good row with the csv crate.
    pub fn good<T: Serialize>(&mut self, row: &T) -> Result<(), GenerateError> {
        let result = self.writer()?.serialize(row);
        result.map_err(|e| GenerateError::Csv(self.path.clone(), e))?;
        self.rows += 1;
        Ok(())
    }

    /// Writes one raw bad line (without its terminator) and records where it starts.
    pub fn bad(&mut self, line: &str, kind: Reason) -> Result<(), GenerateError> {
        let path = self.path.clone();
        let csv = self.writer()?;
        csv.flush().map_err(io_err(&path))?;
        let counter = csv.get_ref();
        let start = counter.newlines.get() + 1;
        counter.write_raw(line.as_bytes()).map_err(io_err(&path))?;
        counter.write_raw(b"\n").map_err(io_err(&path))?;
        self.bad.push(BadRowEntry { file: self.name, line: start, kind });
        self.rows += 1;
        Ok(())
    }

    /// Flushes, syncs and renames into place; returns the number of data rows.
    pub fn commit(mut self, entries: &mut Vec<BadRowEntry>) -> Result<usize, GenerateError> {
        let csv = self.writer()?;
        csv.flush().map_err(io_err(&self.path))?;
        let Some(csv) = self.csv.take() else { return Ok(self.rows) };
        let counter =
            csv.into_inner().map_err(|e| GenerateError::Io { path: self.tmp.clone(), source: e.into_error() })?;
        let file = counter
            .inner
            .into_inner()
            .into_inner()
            .map_err(|e| GenerateError::Io { path: self.tmp.clone(), source: e.into_error() })?;
        file.sync_all().map_err(io_err(&self.tmp))?;
        drop(file);
        fs::rename(&self.tmp, &self.path).map_err(io_err(&self.path))?;
        entries.append(&mut self.bad);
        Ok(self.rows)
    }
}

impl Drop for DataFile {
    fn drop(&mut self) {
        if self.csv.is_some() {
            self.csv = None;
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// Writes a small CSV file in one go.
pub fn write_csv<T: Serialize>(dir: &Path, name: &str, rows: impl IntoIterator<Item = T>) -> Result<(), GenerateError> {
    let path = dir.join(name);
    let bytes = csv_bytes(rows).map_err(|e| GenerateError::Csv(path.clone(), e))?;
    write_atomic(&path, &bytes).map_err(io_err(&path))
}

/// bad_rows.csv, with its header also when there are no bad rows.
pub fn write_bad_rows(dir: &Path, entries: &[BadRowEntry]) -> Result<(), GenerateError> {
    let path = dir.join(BAD_ROWS_FILE);
    let csv_err = |e| GenerateError::Csv(path.clone(), e);
    let mut writer = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
    writer.write_record(["file", "line", "kind"]).map_err(csv_err)?;
    for entry in entries {
        writer.serialize(entry).map_err(csv_err)?;
    }
    let bytes = writer.into_inner().map_err(|e| GenerateError::Io { path: path.clone(), source: e.into_error() })?;
    write_atomic(&path, &bytes).map_err(io_err(&path))
}

/// Removes files of an earlier run that this run does not write.
pub fn remove_stale(params: &GenerateParams, out: &Path) -> Result<(), GenerateError> {
    let mut stale = vec!["injuries.csv.gz", "claims.csv.gz", "exposure.csv.gz", "departments.csv.gz"];
    if !params.with_exposure {
        stale.push(EXPOSURE_FILE);
    }
    if !params.with_departments {
        stale.push(DEPARTMENTS_FILE);
    }
    for name in stale {
        let path = out.join(name);
        match fs::remove_file(&path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(GenerateError::Io { path, source: e }),
            _ => {}
        }
    }
    Ok(())
}

pub fn io_err(path: &Path) -> impl Fn(io::Error) -> GenerateError + '_ {
    move |source| GenerateError::Io { path: path.to_path_buf(), source }
}
