//! The input side of an import: the whole file read as CSV records with
//! their physical line numbers, column lookup by header name, and the row
//! checks every source shares (field count, blank and repeated ids), run
//! by `Table::map_rows`, which also keeps the skipped/adjusted audit.

use std::fs;
use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;

use super::{Audit, ImportError, Source};

/// The whole input file as CSV records, with their physical line numbers.
pub(super) struct Table {
    path: PathBuf,
    headers: Vec<String>,
    rows: Vec<(usize, csv::StringRecord)>,
}

impl Table {
    pub(super) fn read(path: &Path) -> Result<Table, ImportError> {
        let bytes = fs::read(path).map_err(|source| ImportError::Read { path: path.to_path_buf(), source })?;
        Table::parse(path, &bytes)
    }

    /// The csv crate strips a UTF-8 byte-order mark from the header.
    fn parse(path: &Path, bytes: &[u8]) -> Result<Table, ImportError> {
        let mut reader = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::Headers).from_reader(bytes);
        let mut lines = LineCounter::new(bytes);
        let headers =
            reader.headers().map_err(|e| csv_error(path, bytes, &e))?.iter().map(|h| h.trim().to_string()).collect();
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| csv_error(path, bytes, &e))?;
            let line = record.position().map_or(0, |p| lines.line_at(p.byte()));
            rows.push((line, record));
        }
        Ok(Table { path: path.to_path_buf(), headers, rows })
    }

    /// Data rows read (the header is not counted).
    pub(super) fn data_rows(&self) -> usize {
        self.rows.len()
    }

    /// Index of a column, matched case-insensitively after trimming.
    pub(super) fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h.eq_ignore_ascii_case(name))
    }

    /// The first of `names` that is a column; an error naming `names[0]` if none is.
    pub(super) fn require(&self, format: Source, names: &[&'static str]) -> Result<usize, ImportError> {
        names.iter().find_map(|n| self.column(n)).ok_or_else(|| {
            let mut found: Vec<String> = self.headers.iter().take(8).map(|h| format!("{h:?}")).collect();
            if self.headers.len() > 8 {
                found.push(format!("… {} more", self.headers.len() - 8));
            }
            ImportError::MissingColumn {
                path: self.path.clone(),
                column: names.first().copied().unwrap_or(""),
                format,
                found: if found.is_empty() { "none".to_string() } else { found.join(", ") },
            }
        })
    }

    /// Maps every data row that passes the shared checks (the id is in
    /// column `id_column`, called `id_name` in reasons). `map_row` gets the
    /// row, its trimmed id and a list for its adjustment notes; its
    /// `Err(reason)` skips the row, and the notes of a skipped row are
    /// dropped because the row was not written.
    pub(super) fn map_rows<T>(
        &self,
        id_column: usize,
        id_name: &'static str,
        mut map_row: impl FnMut(&Row<'_>, &str, &mut Vec<String>) -> Result<T, String>,
    ) -> (Vec<T>, Audit) {
        let mut checker = RowChecker::new(self, id_column, id_name);
        let mut written = Vec::with_capacity(self.rows.len());
        let mut audit = Audit::default();
        let mut notes = Vec::new();
        for (line, record) in &self.rows {
            let row = Row { record };
            let mapped = checker.check(record).and_then(|id| map_row(&row, id, &mut notes).map(|value| (id, value)));
            match mapped {
                Ok((id, value)) => {
                    checker.accept(id, *line);
                    written.push(value);
                    audit.adjusted.extend(notes.drain(..).map(|note| (*line, note)));
                }
                Err(reason) => {
                    notes.clear();
                    audit.skipped.push((*line, reason));
                }
            }
        }
        (written, audit)
    }
}

fn csv_error(path: &Path, bytes: &[u8], e: &csv::Error) -> ImportError {
    let line = e.position().map_or(0, |p| line_of(bytes, p.byte()));
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => ImportError::Encoding { path: path.to_path_buf(), line },
        _ => ImportError::Csv { path: path.to_path_buf(), line, message: e.to_string() },
    }
}

/// 1-based physical line of the record whose position is `byte`.
///
/// The csv crate's own line count is off by one after CRLF line endings
/// (the OSHA file has them), and its record offset may point into the line
/// terminators (and blank lines) before the record rather than at its first
/// byte. A record never starts with `\r` or `\n` (blank lines are not
/// records), so skipping those and counting the `\n`s before the first
/// byte is right in every case.
fn line_of(bytes: &[u8], byte: u64) -> usize {
    let start = record_start(bytes, byte);
    1 + bytes[..start].iter().filter(|&&b| b == b'\n').count()
}

/// The first byte of the record at or after `byte` that is not a line terminator.
fn record_start(bytes: &[u8], byte: u64) -> usize {
    let mut i = usize::try_from(byte).map_or(bytes.len(), |b| b.min(bytes.len()));
    while bytes.get(i).is_some_and(|b| matches!(b, b'\r' | b'\n')) {
        i += 1;
    }
    i
}

/// `line_of` for increasing offsets, in one pass over the file.
struct LineCounter<'a> {
    bytes: &'a [u8],
    scanned: usize,
    newlines: usize,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineCounter { bytes, scanned: 0, newlines: 0 }
    }

    fn line_at(&mut self, byte: u64) -> usize {
        let start = record_start(self.bytes, byte);
        if start < self.scanned {
            return line_of(self.bytes, byte);
        }
        self.newlines += self.bytes[self.scanned..start].iter().filter(|&&b| b == b'\n').count();
        self.scanned = start;
        1 + self.newlines
    }
}

/// One data row being mapped: field access by column index.
pub(super) struct Row<'r> {
    record: &'r csv::StringRecord,
}

impl Row<'_> {
    /// Trimmed field; empty when the column is absent.
    pub(super) fn get(&self, column: Option<usize>) -> &str {
        column.and_then(|c| self.record.get(c)).map_or("", str::trim)
    }

    pub(super) fn field(&self, column: usize) -> &str {
        self.get(Some(column))
    }
}

/// Skips rows with the wrong number of fields, blank ids and repeated ids
/// (the later row); yields the rest with their trimmed id.
struct RowChecker {
    expected_fields: usize,
    id_column: usize,
    id_name: &'static str,
    seen: FxHashMap<String, usize>,
}

impl RowChecker {
    fn new(table: &Table, id_column: usize, id_name: &'static str) -> Self {
        RowChecker { expected_fields: table.headers.len(), id_column, id_name, seen: FxHashMap::default() }
    }

    /// `Err(reason)` when the row must be skipped.
    fn check<'r>(&self, record: &'r csv::StringRecord) -> Result<&'r str, String> {
        if record.len() != self.expected_fields {
            return Err(format!("wrong number of fields: {}, expected {}", record.len(), self.expected_fields));
        }
        let id = record.get(self.id_column).map_or("", str::trim);
        if id.is_empty() {
            return Err(format!("{} is blank", self.id_name));
        }
        if let Some(first) = self.seen.get(id) {
            return Err(format!("duplicate {} {} (first written from line {first})", self.id_name, shown(id)));
        }
        Ok(id)
    }

    /// Records an id as written, so a later row with the same id is a duplicate.
    fn accept(&mut self, id: &str, line: usize) {
        self.seen.insert(id.to_string(), line);
    }
}

/// An input value quoted in a reason, or only its length when it might be
/// free text (longer than an id or a date, or containing spaces).
pub(super) fn shown(value: &str) -> String {
    if value.chars().count() <= 24 && value.chars().all(|c| c.is_ascii_graphic()) {
        format!("{value:?}")
    } else {
        format!("(a {}-character value, not shown)", value.chars().count())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_numbers_count_physical_lines_with_crlf_and_embedded_newlines() {
        let text = "\u{feff}ID,Text\r\n1,\"a\r\nb\"\r\n2,c\r\n\r\n3,d\r\n";
        let table = Table::parse(Path::new("t.csv"), text.as_bytes()).unwrap();
        let lines: Vec<usize> = table.rows.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, vec![2, 4, 6]);
        assert_eq!(table.headers, vec!["ID", "Text"]);
        let text = "ID,Text\n1,a\n2,\"x\ny\"\n3,d";
        let table = Table::parse(Path::new("t.csv"), text.as_bytes()).unwrap();
        let lines: Vec<usize> = table.rows.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, vec![2, 3, 5]);
    }

    #[test]
    fn shown_hides_anything_that_could_be_free_text() {
        assert_eq!(shown("1/5/2015"), "\"1/5/2015\"");
        assert_eq!(shown("worker fell"), "(a 11-character value, not shown)");
        assert_eq!(shown("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), "(a 26-character value, not shown)");
    }
}
