//! Every file riskrank writes, one module per format, each owning that
//! format's writer and (where anything reads the format back) its reader:
//! the format is defined in one place. A format is an [`Exporter`]: it
//! turns its data into the file's bytes; [`StagedFolder`] writes the bytes
//! with the file's path as context and publishes a whole folder at once.
//!
//! Data flows `… → rank → report → export → pipeline`: formats may use the
//! types of every stage to their left, and nothing to their left uses them.

mod folder;

pub mod backtest;
pub mod department;
pub mod development;
pub mod html;
pub mod manifest;
pub mod mix;
pub mod model_file;
pub mod panel;
pub mod pdf;
pub mod quarantine;
pub mod ranking;
pub mod targets;
pub mod truth;
pub mod validation;
pub mod xlsx;

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

pub use folder::{Keep, LOCK_FILE, OutLock, StagedFile, StagedFolder, StagedWriter, lock};

/// Why a format could not be serialised (the file it was for is added by
/// [`ExportError::Format`]).
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error(transparent)]
    Csv(#[from] csv::Error),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    #[error(transparent)]
    Pdf(#[from] crate::report::pdf::PdfError),
    #[error(transparent)]
    Xlsx(#[from] xlsx::WorkbookError),
    #[error(transparent)]
    Html(#[from] crate::report::html::HtmlError),
}

/// An output that could not be made, written or read back; each names its
/// file, and the cause is printed once, after it.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot make {file}")]
    Format {
        file: String,
        #[source]
        source: FormatError,
    },
    #[error("cannot write {}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("cannot read {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: csv::Error,
    },
    #[error("{}: another riskrank job is writing into this folder; wait for it to finish", path.display())]
    Locked { path: PathBuf },
    #[error("cannot read {}", path.display())]
    ReadJson {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
}

/// One output format: its data, turned into the file's bytes.
pub trait Exporter {
    fn serialize(&self) -> Result<Vec<u8>, FormatError>;
}

/// Raw bytes already made elsewhere (a streamed data file, a model file).
pub struct Bytes<'a>(pub &'a [u8]);

impl Exporter for Bytes<'_> {
    fn serialize(&self) -> Result<Vec<u8>, FormatError> {
        Ok(self.0.to_vec())
    }
}

/// A float written with four decimals, so CSVs are byte-stable.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fixed4(pub f64);

impl Serialize for Fixed4 {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{:.4}", self.0))
    }
}

/// A float written with six decimals (log-scale contributions).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fixed6(pub f64);

impl Serialize for Fixed6 {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{:.6}", self.0))
    }
}

/// A float written with two decimals (hours, headcount).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fixed2(pub f64);

impl Serialize for Fixed2 {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{:.2}", self.0))
    }
}

/// A row type of a CSV output and its columns, in order: the header is
/// written from these even when a table has no rows (a table with no rows
/// is still a valid CSV with its columns). Debug builds check them
/// against the names serde gives the first row's fields.
pub trait CsvRow: Serialize {
    const COLUMNS: &'static [&'static str];
}

impl<T: CsvRow> CsvRow for &T {
    const COLUMNS: &'static [&'static str] = T::COLUMNS;
}

/// `departments.csv` as the generator and the importers write it.
impl CsvRow for crate::schema::Department {
    const COLUMNS: &'static [&'static str] = &["department", "name", "group"];
}

/// `injuries.csv` as the importers write it.
impl CsvRow for crate::schema::InjuryRecord<'_> {
    const COLUMNS: &'static [&'static str] = crate::ingest::INJURY_COLUMNS;
}

/// `claims.csv` as the importers write it.
impl CsvRow for crate::schema::ClaimRecord<'_> {
    const COLUMNS: &'static [&'static str] = crate::ingest::ALL_CLAIM_COLUMNS;
}

/// A text cell a spreadsheet would run as a formula (OWASP's CSV
/// injection rule: it starts with `=`, `+`, `-`, `@`, a tab or a carriage
/// return) gets a leading `'`, which spreadsheets show as text. Numbers
/// (`-12.50`, `+3`) are left as they are. A cell that already starts with
/// `'` gets one more, so [`unneutralise`] undoes this exactly: a cell
/// starts with `'` if and only if one was added.
pub fn neutralise(field: &str) -> std::borrow::Cow<'_, str> {
    let formula = field.starts_with(['=', '+', '-', '@', '\t', '\r']) && field.parse::<f64>().is_err();
    if formula || field.starts_with('\'') { format!("'{field}").into() } else { field.into() }
}

/// A cell as it was before [`neutralise`], for reading our CSVs back.
pub fn unneutralise(cell: &str) -> &str {
    cell.strip_prefix('\'').unwrap_or(cell)
}

/// A CSV record with every cell put back as it was before [`neutralise`].
pub fn unneutralise_record(record: &csv::StringRecord) -> csv::StringRecord {
    record.iter().map(unneutralise).collect()
}

/// Whether any cell of a CSV may need [`neutralise`]: a byte it acts on at
/// the start of the text, after a delimiter or newline, or after an opening
/// quote. A cheap scan, so the common CSV is not parsed a second time.
fn may_need_neutralising(bytes: &[u8]) -> bool {
    let trigger = |b: u8| matches!(b, b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r' | b'\'');
    let mut previous = b'\n';
    for &b in bytes {
        if trigger(b) && matches!(previous, b',' | b'\n' | b'"') {
            return true;
        }
        previous = b;
    }
    false
}

/// A whole CSV with every cell put through [`neutralise`]; the bytes are
/// returned unchanged when no cell needed it.
pub fn neutralise_csv(bytes: Vec<u8>) -> Result<Vec<u8>, csv::Error> {
    if !may_need_neutralising(&bytes) {
        return Ok(bytes);
    }
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(&bytes[..]);
    let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    let mut changed = false;
    for record in reader.records() {
        let record = record?;
        let cells: Vec<std::borrow::Cow<'_, str>> = record.iter().map(neutralise).collect();
        changed |= cells.iter().any(|c| matches!(c, std::borrow::Cow::Owned(_)));
        writer.write_record(cells.iter().map(|c| c.as_ref()))?;
    }
    if !changed {
        return Ok(bytes);
    }
    writer.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// The UTF-8 byte-order mark every CSV riskrank writes starts with: Excel
/// reads a CSV without one in the system's code page (`×` shows as `Ã—`).
/// Readers of our CSVs need do nothing: the csv crate and ingest's scanner
/// skip it.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A whole CSV output made by hand (ragged rows): formula-like cells
/// neutralised, then the [`BOM`] put in front, as [`output_csv`] does.
pub fn finish_csv(bytes: Vec<u8>) -> Result<Vec<u8>, csv::Error> {
    let mut bytes = neutralise_csv(bytes)?;
    bytes.splice(0..0, BOM.iter().copied());
    Ok(bytes)
}

/// A CSV output (a file of a month's or a validation's folder): the rows
/// as [`csv_bytes`] writes them, with the [`BOM`] in front. Every
/// exporter's CSV is made here (or, for ragged rows, by [`finish_csv`]).
pub fn output_csv<T: CsvRow>(rows: impl IntoIterator<Item = T>) -> Result<Vec<u8>, csv::Error> {
    let mut bytes = csv_bytes(rows)?;
    bytes.splice(0..0, BOM.iter().copied());
    Ok(bytes)
}

/// Serialises rows with the csv crate into memory, under their header,
/// with formula-like text cells neutralised. Without the [`BOM`]: the data
/// files `generate` and `import` write with it are inputs, not reports
/// (ingest reads them with or without one).
pub fn csv_bytes<T: CsvRow>(rows: impl IntoIterator<Item = T>) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
    writer.write_record(T::COLUMNS)?;
    #[cfg_attr(not(debug_assertions), allow(unused_mut))]
    let mut rows = rows.into_iter().peekable();
    #[cfg(debug_assertions)]
    if let Some(first) = rows.peek() {
        let mut probe = csv::Writer::from_writer(Vec::new());
        probe.serialize(first)?;
        let bytes = probe.into_inner().map_err(|e| csv::Error::from(e.into_error()))?;
        let derived = String::from_utf8_lossy(&bytes).lines().next().unwrap_or_default().to_string();
        debug_assert_eq!(derived, T::COLUMNS.join(","), "a CSV header differs from its rows' fields");
    }
    for row in rows {
        writer.serialize(row)?;
    }
    neutralise_csv(writer.into_inner().map_err(|e| csv::Error::from(e.into_error()))?)
}

/// Runs `work` (documents rendered in parallel) on threads with room for
/// typst: its layout recurses deeply and runs its own parallel work on the
/// current pool, so a thread waiting for it may start another document on
/// the same stack, and rayon's default 2 MiB does not hold two. The pool
/// has as many threads as the global one; if it cannot be made, `work`
/// runs on the global pool.
pub fn with_render_threads<R: Send>(work: impl FnOnce() -> R + Send) -> R {
    static POOL: std::sync::LazyLock<Option<rayon::ThreadPool>> = std::sync::LazyLock::new(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(rayon::current_num_threads())
            .stack_size(64 << 20)
            .thread_name(|i| format!("riskrank-render-{i}"))
            .build()
            .ok()
    });
    match POOL.as_ref() {
        Some(pool) => pool.install(work),
        None => work(),
    }
}

/// Pretty JSON with a final newline, the layout of every JSON output.
pub fn json_bytes<T: serde::Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, serde_json::Error> {
    let mut bytes = serde_json::to_vec_pretty(value)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Writes one file atomically (temporary sibling, flushed, renamed), for
/// outputs that are a single file rather than a folder (a model file).
/// Parent folders are created.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    let error = |source| ExportError::Write { path: path.to_path_buf(), source };
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(error)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("a.csv");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let names: Vec<_> =
            std::fs::read_dir(path.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn formulas_are_neutralised_and_numbers_are_not() {
        for (cell, want) in [
            ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("@SUM(1+1)*cmd", "'@SUM(1+1)*cmd"),
            ("-rf", "'-rf"),
            ("\tx", "'\tx"),
            ("-12.50", "-12.50"),
            ("+3", "+3"),
            ("Fire", "Fire"),
            ("'quoted", "''quoted"),
        ] {
            assert_eq!(neutralise(cell), want);
            assert_eq!(unneutralise(&neutralise(cell)), cell, "reversible");
        }
        let csv = b"a,b\n=1+1,-2\n".to_vec();
        assert_eq!(neutralise_csv(csv).unwrap(), b"a,b\n'=1+1,-2\n");
        let clean = b"a,b\nx,-2\n".to_vec();
        assert_eq!(neutralise_csv(clean.clone()).unwrap(), clean);
    }

    #[test]
    fn an_empty_table_keeps_its_header() {
        let empty: [&crate::schema::Department; 0] = [];
        assert_eq!(csv_bytes(empty).unwrap(), b"department,name,group\n");
        assert_eq!(output_csv(empty).unwrap(), b"\xEF\xBB\xBFdepartment,name,group\n");
        let none = department::CaseListCsv(&[]).serialize().unwrap();
        assert!(String::from_utf8(none).unwrap().starts_with("\u{feff}case_id,event_date,osha_class,"));
    }
}
