//! Adapters from real public datasets to the data contract
//! (`../shared/spec/data-contract.md`), so that `riskrank validate` and the
//! rest of the pipeline can run on real rows, not only on synthetic ones.
//!
//! `import(source, input, out)` reads one real file and writes, into `out`:
//! `departments.csv`, `injuries.csv`, `claims.csv` (only where the source
//! can honestly fill the contract's required `status`), and two audit files:
//! `import_skipped.csv` (`line,reason`: rows not written at all) and
//! `import_adjusted.csv` (`line,adjustment`: rows written with a value left
//! empty or defaulted). Every data row read ends in exactly one place:
//! `rows_read = written + skipped`. No `exposure.csv` is written: none of
//! the sources has hours or headcount, and the contract forbids inventing
//! them.
//!
//! Rules common to all sources (the full reasoning, one section per source,
//! is in `docs/real-data.md`):
//! - Free text is never written: no narrative, claim description, employer
//!   name, address or claimant attribute reaches any output file, and
//!   neither `description` nor `employee_id` is ever filled (Privacy). A
//!   skip reason quotes an input value only when it is short and has no
//!   spaces (a date, an id), so a shifted column cannot leak a narrative.
//! - Dates: `M/D/YYYY`, `YYYY-MM-DD` or an ISO timestamp (whose calendar
//!   date is taken as written, offset ignored). A required date that is
//!   blank, unparsable, before 1900 or after 2200 skips the row; an
//!   optional date with the same problem is left empty and the row is
//!   noted in `import_adjusted.csv`.
//! - A row with the wrong number of fields, a blank id or an id already
//!   written (the later row) is skipped. Line numbers are 1-based physical
//!   lines of the input (the header is line 1; a record with embedded
//!   newlines is numbered by its first line).
//! - Output order is input order; departments are sorted by code; files are
//!   written atomically. A contract file in `out` that this import would
//!   not overwrite (say an old `claims.csv`) stops the import before
//!   anything is written, so a folder never mixes two imports.
//!
//! Per source, in brief:
//! - `osha-severe` (OSHA Severe Injury Reports): department = industry,
//!   `NAICS-<code>` (per-employer counts are too sparse to rank: 3,656
//!   employers for 4,476 reports). One injuries row per report,
//!   `case_id = OSHA-<ID>`, `osha_class = days_away` (every report is an
//!   in-patient hospitalization, amputation or loss of an eye), days
//!   unknown. WCIO code columns are left empty: the file carries OIICS
//!   codes from two OIICS releases whose numbers collide, and no crosswalk
//!   from those to WCIO would be more than a guess. No claims.
//! - `cax-claims` (CAX workers' comp public-test file): department =
//!   `D<Department Code>`, blank code → `UNASSIGNED`. One injuries row per
//!   claim: Lost Time → `days_away`, Medical Only → `other_recordable`,
//!   Severity Index "Fatality" → `death`; WCIO cause from `Detail Cause
//!   Code` (the file's `Cause Code` is the WCIO group × 100, not a WCIO
//!   cause), nature and body part as given, each checked against the WCIO
//!   table. No claims.csv: the file has neither a claim status nor any
//!   amount, and the contract requires a status.
//! - `actuarial-loss` (Kaggle Actuarial Loss Prediction, synthetic claims):
//!   department = synthetic pool `SYNTH-00`..`SYNTH-09`, the FNV-1a 64-bit
//!   hash of `ClaimNumber` modulo 10 (no department in the data). One
//!   injuries row (`other_recordable`: no severity class in the data) and
//!   one claims row per claim: `status = open`, `reserve` = the ultimate
//!   incurred cost (train.csv) or, without it (test.csv), the initial case
//!   estimate valued at the report date; nothing as paid; the initial
//!   estimate kept in one extra column, `initial_incurred`.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::codes::{CodeKind, CodeTable};
use crate::ingest::{CLAIM_COLUMNS, INJURY_COLUMNS};
use crate::output::{csv_bytes, write_atomic};
use crate::schema::{Cents, ClaimRecord, ClaimStatus, Department, InjuryRecord, OshaClass, parse_code, parse_money};

/// The real public datasets this module can map onto the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// OSHA Severe Injury Reports (`osha_severe_injuries.csv`).
    OshaSevere,
    /// CAX workers' compensation claims, public-test split.
    CaxClaims,
    /// Kaggle Actuarial Loss Prediction claims (`train.csv` or `test.csv`).
    ActuarialLoss,
}

impl Source {
    /// The command-line spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::OshaSevere => "osha-severe",
            Source::CaxClaims => "cax-claims",
            Source::ActuarialLoss => "actuarial-loss",
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What one import read and wrote.
#[derive(Debug, Clone, Serialize)]
pub struct ImportSummary {
    pub source: Source,
    /// Data rows read (the header is not counted).
    pub rows_read: usize,
    /// Rows written to injuries.csv.
    pub injuries: usize,
    /// Rows written to claims.csv (0 when the file is not written).
    pub claims: usize,
    /// Rows written to departments.csv.
    pub departments: usize,
    /// Rows not written at all: (input line, reason). Also in `import_skipped.csv`.
    pub skipped: Vec<(usize, String)>,
    /// Rows written with a value left empty or defaulted: (input line, what
    /// and why). Also in `import_adjusted.csv`.
    pub adjusted: Vec<(usize, String)>,
}

/// A file-level failure: the input cannot be read as the named source, or
/// an output cannot be written. Row-level problems never end up here; they
/// skip the row (see `ImportSummary::skipped`).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{}: cannot read: {source}", path.display())]
    Read { path: PathBuf, source: io::Error },
    #[error("{}, line {line}: not UTF-8 text (wrong encoding?)", path.display())]
    Encoding { path: PathBuf, line: usize },
    #[error("{}, line {line}: not readable as CSV: {message}", path.display())]
    Csv { path: PathBuf, line: usize, message: String },
    #[error("{}: not a {format} file: no column {column:?} (found: {found})", path.display())]
    MissingColumn { path: PathBuf, column: &'static str, format: Source, found: String },
    #[error(
        "{}: already exists and this import would not replace it; import into an empty folder",
        path.display()
    )]
    StaleOutput { path: PathBuf },
    #[error("{}: cannot serialize: {message}", path.display())]
    Serialize { path: PathBuf, message: String },
    #[error("{}: cannot write: {source}", path.display())]
    Write { path: PathBuf, source: io::Error },
}

/// Reads `input` as `source` and writes the contract files into `out`.
pub fn import(source: Source, input: &Path, out: &Path) -> Result<ImportSummary, ImportError> {
    let table = Table::read(input)?;
    let mapped = match source {
        Source::OshaSevere => map_osha(&table)?,
        Source::CaxClaims => map_cax(&table)?,
        Source::ActuarialLoss => map_actuarial(&table)?,
    };
    let files = render(out, &mapped)?;
    refuse_stale_outputs(out, &files)?;
    for (path, bytes) in &files {
        write_atomic(path, bytes).map_err(|source| ImportError::Write { path: path.clone(), source })?;
    }
    Ok(ImportSummary {
        source,
        rows_read: table.rows.len(),
        injuries: mapped.injuries.len(),
        claims: mapped.claims.as_ref().map_or(0, Vec::len),
        departments: mapped.departments.len(),
        skipped: mapped.skipped,
        adjusted: mapped.adjusted,
    })
}

// ---------------------------------------------------------------------------
// Output

pub const INJURIES_FILE: &str = "injuries.csv";
pub const CLAIMS_FILE: &str = "claims.csv";
pub const DEPARTMENTS_FILE: &str = "departments.csv";
pub const SKIPPED_FILE: &str = "import_skipped.csv";
pub const ADJUSTED_FILE: &str = "import_adjusted.csv";

/// Every file name under which the contract's reader may find data.
const CONTRACT_FILES: [&str; 8] = [
    "injuries.csv",
    "injuries.csv.gz",
    "claims.csv",
    "claims.csv.gz",
    "exposure.csv",
    "exposure.csv.gz",
    "departments.csv",
    "departments.csv.gz",
];

/// A mapped source, owning its strings; records borrow from it to serialize.
#[derive(Debug, Default)]
struct Mapped {
    injuries: Vec<InjuryRow>,
    claims: Option<Vec<ClaimRow>>,
    departments: Vec<Department>,
    skipped: Vec<(usize, String)>,
    adjusted: Vec<(usize, String)>,
}

#[derive(Debug, Clone, PartialEq)]
struct InjuryRow {
    case_id: String,
    department: String,
    event_date: Date,
    osha_class: OshaClass,
    cause_code: Option<u16>,
    nature_code: Option<u16>,
    body_part_code: Option<u16>,
}

impl InjuryRow {
    fn record(&self) -> InjuryRecord<'_> {
        InjuryRecord {
            case_id: Cow::Borrowed(&self.case_id),
            department: Cow::Borrowed(&self.department),
            event_date: self.event_date,
            osha_class: self.osha_class,
            days_away: None,
            days_restricted: None,
            cause_code: self.cause_code,
            nature_code: self.nature_code,
            body_part_code: self.body_part_code,
            job_class: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
struct ClaimRow {
    claim_id: String,
    department: String,
    injury_date: Date,
    reported_date: Option<Date>,
    valuation_date: Option<Date>,
    status: ClaimStatus,
    reserve: Option<Cents>,
    initial_incurred: Option<Cents>,
}

impl ClaimRow {
    fn record(&self) -> ClaimRecord<'_> {
        ClaimRecord {
            claim_id: Cow::Borrowed(&self.claim_id),
            // Each claim is its own injury case, under the same id.
            case_id: Some(Cow::Borrowed(&self.claim_id)),
            department: Cow::Borrowed(&self.department),
            injury_date: self.injury_date,
            reported_date: self.reported_date,
            valuation_date: self.valuation_date,
            status: self.status,
            closed_date: None,
            paid_medical: None,
            paid_indemnity: None,
            paid_expense: None,
            reserve: self.reserve,
            litigated: None,
            cause_code: None,
            nature_code: None,
            body_part_code: None,
            job_class: None,
            initial_incurred: self.initial_incurred,
        }
    }
}

#[derive(Serialize)]
struct SkippedRow<'a> {
    line: usize,
    reason: &'a str,
}

#[derive(Serialize)]
struct AdjustedRow<'a> {
    line: usize,
    adjustment: &'a str,
}

/// Serializes every output file in memory, so that nothing is written
/// unless everything could be rendered.
fn render(out: &Path, mapped: &Mapped) -> Result<Vec<(PathBuf, Vec<u8>)>, ImportError> {
    let ser = |name: &str, result: Result<Vec<u8>, csv::Error>| {
        let path = out.join(name);
        match result {
            Ok(bytes) => Ok((path, bytes)),
            Err(e) => Err(ImportError::Serialize { path, message: e.to_string() }),
        }
    };
    let mut files = vec![
        ser(
            DEPARTMENTS_FILE,
            with_header_when_empty(csv_bytes(&mapped.departments), &["department", "name", "group"]),
        )?,
        ser(
            INJURIES_FILE,
            with_header_when_empty(csv_bytes(mapped.injuries.iter().map(InjuryRow::record)), INJURY_COLUMNS),
        )?,
    ];
    if let Some(claims) = &mapped.claims {
        files.push(ser(CLAIMS_FILE, claims_bytes(claims))?);
    }
    files.push(ser(
        SKIPPED_FILE,
        with_header_when_empty(
            csv_bytes(mapped.skipped.iter().map(|(line, reason)| SkippedRow { line: *line, reason })),
            &["line", "reason"],
        ),
    )?);
    files.push(ser(
        ADJUSTED_FILE,
        with_header_when_empty(
            csv_bytes(mapped.adjusted.iter().map(|(line, adjustment)| AdjustedRow { line: *line, adjustment })),
            &["line", "adjustment"],
        ),
    )?);
    Ok(files)
}

/// `csv_bytes` writes the header with the first row; an empty table still
/// gets its header so the file is a valid, empty CSV.
fn with_header_when_empty(result: Result<Vec<u8>, csv::Error>, header: &[&str]) -> Result<Vec<u8>, csv::Error> {
    let bytes = result?;
    if !bytes.is_empty() {
        return Ok(bytes);
    }
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header)?;
    writer.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

fn claims_bytes(rows: &[ClaimRow]) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
    writer.write_record(CLAIM_COLUMNS)?;
    for row in rows {
        writer.serialize(row.record())?;
    }
    writer.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// Stops when `out` holds a contract file that this import does not write:
/// the folder would otherwise mix two imports (or a `.csv` and a `.csv.gz`
/// of the same table).
fn refuse_stale_outputs(out: &Path, files: &[(PathBuf, Vec<u8>)]) -> Result<(), ImportError> {
    for name in CONTRACT_FILES {
        let path = out.join(name);
        if !files.iter().any(|(p, _)| *p == path) && path.exists() {
            return Err(ImportError::StaleOutput { path });
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Input

/// The whole input file as CSV records, with their physical line numbers.
struct Table {
    path: PathBuf,
    headers: Vec<String>,
    rows: Vec<(usize, csv::StringRecord)>,
}

impl Table {
    fn read(path: &Path) -> Result<Table, ImportError> {
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

    /// Index of a column, matched case-insensitively after trimming.
    fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h.eq_ignore_ascii_case(name))
    }

    /// The first of `names` that is a column; an error naming `names[0]` if none is.
    fn require(&self, format: Source, names: &[&'static str]) -> Result<usize, ImportError> {
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

/// One data row being mapped: field access by column index and the
/// row-level bookkeeping.
struct Row<'r> {
    line: usize,
    record: &'r csv::StringRecord,
}

impl Row<'_> {
    /// Trimmed field; empty when the column is absent.
    fn get(&self, column: Option<usize>) -> &str {
        column.and_then(|c| self.record.get(c)).map_or("", str::trim)
    }

    fn field(&self, column: usize) -> &str {
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
    fn check<'r>(&self, row: &Row<'r>) -> Result<&'r str, String> {
        if row.record.len() != self.expected_fields {
            return Err(format!("wrong number of fields: {}, expected {}", row.record.len(), self.expected_fields));
        }
        let id = row.record.get(self.id_column).map_or("", str::trim);
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
fn shown(value: &str) -> String {
    if value.chars().count() <= 24 && value.chars().all(|c| c.is_ascii_graphic()) {
        format!("{value:?}")
    } else {
        format!("(a {}-character value, not shown)", value.chars().count())
    }
}

// ---------------------------------------------------------------------------
// Dates

/// Why a date cell was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateProblem {
    Blank,
    Unparsable,
    Before1900,
    After2200,
}

/// Parses the date formats of the real files: `M/D/YYYY` (one or two
/// digits for month and day), ISO `YYYY-MM-DD`, and ISO timestamps
/// `YYYY-MM-DDTHH:MM[:SS[.fff]][Z|±HH:MM]`. A timestamp's date is taken as
/// written: the calendar day on which the accident happened where it
/// happened, not that day converted to another time zone. Years must be
/// 1900..=2200, as in `schema::parse_date`.
pub fn parse_source_date(s: &str) -> Result<Date, DateProblem> {
    let s = s.trim();
    if s.is_empty() {
        return Err(DateProblem::Blank);
    }
    let (y, m, d) = if s.contains('/') { parse_mdy(s)? } else { parse_iso(s)? };
    if y < 1900 {
        return Err(DateProblem::Before1900);
    }
    if y > 2200 {
        return Err(DateProblem::After2200);
    }
    let (m, d) = (i8::try_from(m), i8::try_from(d));
    match (i16::try_from(y), m, d) {
        (Ok(y), Ok(m), Ok(d)) => Date::new(y, m, d).map_err(|_| DateProblem::Unparsable),
        _ => Err(DateProblem::Unparsable),
    }
}

fn digits(s: &str, min: usize, max: usize) -> Option<u32> {
    if (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) { s.parse().ok() } else { None }
}

fn parse_mdy(s: &str) -> Result<(u32, u32, u32), DateProblem> {
    let mut parts = s.split('/');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(m), Some(d), Some(y), None) => match (digits(m, 1, 2), digits(d, 1, 2), digits(y, 4, 4)) {
            (Some(m), Some(d), Some(y)) => Ok((y, m, d)),
            _ => Err(DateProblem::Unparsable),
        },
        _ => Err(DateProblem::Unparsable),
    }
}

fn parse_iso(s: &str) -> Result<(u32, u32, u32), DateProblem> {
    let (date, time) = match s.get(..10) {
        Some(date) => (date, &s[10..]),
        None => return Err(DateProblem::Unparsable),
    };
    let b = date.as_bytes();
    if b[4] != b'-' || b[7] != b'-' || !(time.is_empty() || is_iso_time(time)) {
        return Err(DateProblem::Unparsable);
    }
    match (digits(&date[0..4], 4, 4), digits(&date[5..7], 2, 2), digits(&date[8..10], 2, 2)) {
        (Some(y), Some(m), Some(d)) => Ok((y, m, d)),
        _ => Err(DateProblem::Unparsable),
    }
}

/// `THH:MM[:SS[.fff]]` followed by nothing, `Z`, or `±HH:MM` / `±HHMM`.
fn is_iso_time(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('T').or_else(|| s.strip_prefix(' ')) else {
        return false;
    };
    let (clock, zone) = match rest.find(['Z', 'z', '+', '-']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let (hms, frac) = match clock.split_once('.') {
        Some((hms, frac)) => (hms, Some(frac)),
        None => (clock, None),
    };
    let mut parts = hms.split(':');
    let clock_ok = match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(h), Some(m), s, None) => {
            digits(h, 2, 2).is_some_and(|h| h <= 23)
                && digits(m, 2, 2).is_some_and(|m| m <= 59)
                && s.is_none_or(|s| digits(s, 2, 2).is_some_and(|s| s <= 60))
                && frac.is_none_or(|f| s.is_some() && digits(f, 1, 9).is_some())
        }
        _ => false,
    };
    let zone_ok = match zone {
        "" | "Z" | "z" => true,
        z => {
            let offset = z[1..].replace(':', "");
            digits(&offset, 4, 4).is_some()
        }
    };
    clock_ok && zone_ok
}

/// The reason for a problem with the date in `column`.
fn date_reason(column: &str, value: &str, problem: DateProblem) -> String {
    match problem {
        DateProblem::Blank => format!("{column} is blank"),
        DateProblem::Unparsable => format!("{column} {} is not a date", shown(value)),
        DateProblem::Before1900 => format!("{column} {} is before 1900", shown(value)),
        DateProblem::After2200 => format!("{column} {} is after 2200", shown(value)),
    }
}

/// Collects departments (code → name, group) and sorts them by a key.
#[derive(Default)]
struct Departments {
    by_key: BTreeMap<(u8, u64, String), Department>,
}

impl Departments {
    fn add(&mut self, key: (u8, u64, String), department: impl FnOnce() -> Department) {
        self.by_key.entry(key).or_insert_with(department);
    }

    fn into_vec(self) -> Vec<Department> {
        self.by_key.into_values().collect()
    }
}

// ---------------------------------------------------------------------------
// osha-severe

/// The six industries of the OSHA subset: (NAICS code, 2017/2022 NAICS
/// title, peer group = NAICS sector).
const NAICS: [(&str, &str, &str); 6] = [
    ("221121", "Electric Bulk Power Transmission and Control", "utilities"),
    ("221122", "Electric Power Distribution", "utilities"),
    ("236220", "Commercial and Institutional Building Construction", "construction"),
    ("238210", "Electrical Contractors and Other Wiring Installation Contractors", "construction"),
    ("517311", "Wired Telecommunications Carriers", "information"),
    ("518210", "Data Processing, Hosting, and Related Services", "information"),
];

/// Department for a 6-digit NAICS code: `NAICS-<code>`, the title from
/// [`NAICS`] (or "NAICS <code>") and the group from the sector (first two
/// digits) when it is one of the three in the table.
fn naics_department(code: &str) -> Department {
    let known = NAICS.iter().find(|(c, _, _)| *c == code);
    let group = match known {
        Some((_, _, group)) => Some(*group),
        None => match code.get(..2) {
            Some("22") => Some("utilities"),
            Some("23") => Some("construction"),
            Some("51") => Some("information"),
            _ => None,
        },
    };
    Department {
        department: format!("NAICS-{code}"),
        name: known.map_or_else(|| format!("NAICS {code}"), |(_, name, _)| (*name).to_string()),
        group: group.map(str::to_string),
    }
}

fn map_osha(table: &Table) -> Result<Mapped, ImportError> {
    let src = Source::OshaSevere;
    let id_col = table.require(src, &["ID"])?;
    let date_col = table.require(src, &["EventDate"])?;
    let naics_col = table.require(src, &["Primary NAICS"])?;
    let severity_cols = [
        ("Hospitalized", table.column("Hospitalized")),
        ("Amputation", table.column("Amputation")),
        ("Loss of Eye", table.column("Loss of Eye")),
    ];

    let mut checker = RowChecker::new(table, id_col, "ID");
    let mut mapped = Mapped::default();
    let mut departments = Departments::default();
    for (line, record) in &table.rows {
        let row = Row { line: *line, record };
        let id = match checker.check(&row) {
            Ok(id) => id,
            Err(reason) => {
                mapped.skipped.push((row.line, reason));
                continue;
            }
        };
        let date_text = row.field(date_col);
        let event_date = match parse_source_date(date_text) {
            Ok(d) => d,
            Err(p) => {
                mapped.skipped.push((row.line, date_reason("EventDate", date_text, p)));
                continue;
            }
        };
        let naics = row.field(naics_col);
        if digits(naics, 6, 6).is_none() {
            let reason = if naics.is_empty() {
                "Primary NAICS is blank".to_string()
            } else {
                format!("Primary NAICS {} is not a 6-digit code", shown(naics))
            };
            mapped.skipped.push((row.line, reason));
            continue;
        }

        let mut severe_count = 0u32;
        for (name, col) in severity_cols {
            let text = row.get(col);
            match text.parse::<u32>() {
                Ok(n) => severe_count = severe_count.saturating_add(n),
                Err(_) if text.is_empty() => {}
                Err(_) => mapped.adjusted.push((row.line, format!("{name} {} is not a count; read as 0", shown(text)))),
            }
        }
        if severe_count == 0 {
            mapped.adjusted.push((
                row.line,
                "no hospitalization, amputation or loss of eye counted; classed days_away like every severe \
                 injury report"
                    .to_string(),
            ));
        }

        let department = naics_department(naics);
        let code = department.department.clone();
        departments.add((0, u64::from(digits(naics, 6, 6).unwrap_or(0)), String::new()), || department);
        checker.accept(id, row.line);
        mapped.injuries.push(InjuryRow {
            case_id: format!("OSHA-{id}"),
            department: code,
            event_date,
            osha_class: OshaClass::DaysAway,
            cause_code: None,
            nature_code: None,
            body_part_code: None,
        });
    }
    mapped.departments = departments.into_vec();
    Ok(mapped)
}

// ---------------------------------------------------------------------------
// cax-claims

/// Department code for rows whose `Department Code` is blank.
pub const UNASSIGNED: &str = "UNASSIGNED";

/// The OSHA class of a CAX claim from `Lost Time or Medical Only?` (code
/// `LT`/`MO` or text) and `Severity Index Code`; the second value says why
/// a default was used, for `import_adjusted.csv`.
fn cax_osha_class(lost_time: &str, severity: &str) -> (OshaClass, Option<String>) {
    if severity.eq_ignore_ascii_case("Fatality") {
        return (OshaClass::Death, None);
    }
    if lost_time.eq_ignore_ascii_case("LT") || lost_time.eq_ignore_ascii_case("Lost Time") {
        (OshaClass::DaysAway, None)
    } else if lost_time.eq_ignore_ascii_case("MO") || lost_time.eq_ignore_ascii_case("Medical Only") {
        (OshaClass::OtherRecordable, None)
    } else {
        let what = if lost_time.is_empty() {
            "is blank".to_string()
        } else {
            format!("{} is neither LT nor MO", shown(lost_time))
        };
        let note = format!("Lost Time or Medical Only? {what}; classed other_recordable, the medical-only floor");
        (OshaClass::OtherRecordable, Some(note))
    }
}

/// A WCIO code cell: empty → `None`; a number that is a code of `kind`
/// in the WCIO table → `Some`; anything else → `None` plus a note.
fn wcio_code(text: &str, kind: CodeKind, column: &str) -> (Option<u16>, Option<String>) {
    if text.is_empty() {
        return (None, None);
    }
    match parse_code(text) {
        Ok(code) if CodeTable::builtin().get(kind, code).is_some() => (Some(code), None),
        Ok(_) => (None, Some(format!("{column} {} is not a WCIO {kind} code; left empty", shown(text)))),
        Err(_) => (None, Some(format!("{column} {} is not a number; left empty", shown(text)))),
    }
}

fn map_cax(table: &Table) -> Result<Mapped, ImportError> {
    let src = Source::CaxClaims;
    let id_col = table.require(src, &["Obs_ID"])?;
    let date_col = table.require(src, &["Date of Injury/Illness"])?;
    let dept_col = table.require(src, &["Department Code"])?;
    let lt_code_col = table.column("Lost Time or Medical Only? Code");
    let lt_text_col = table.column("Lost Time or Medical Only?");
    if lt_code_col.is_none() && lt_text_col.is_none() {
        table.require(src, &["Lost Time or Medical Only? Code"])?;
    }
    let severity_col = table.column("Severity Index Code");
    let code_cols = [
        ("Detail Cause Code", CodeKind::Cause, table.column("Detail Cause Code")),
        ("Nature of Injury/Illness Code", CodeKind::Nature, table.column("Nature of Injury/Illness Code")),
        ("Body Part Code", CodeKind::BodyPart, table.column("Body Part Code")),
    ];

    let mut checker = RowChecker::new(table, id_col, "Obs_ID");
    let mut mapped = Mapped::default();
    let mut departments = Departments::default();
    for (line, record) in &table.rows {
        let row = Row { line: *line, record };
        let id = match checker.check(&row) {
            Ok(id) => id,
            Err(reason) => {
                mapped.skipped.push((row.line, reason));
                continue;
            }
        };
        let date_text = row.field(date_col);
        let event_date = match parse_source_date(date_text) {
            Ok(d) => d,
            Err(p) => {
                mapped.skipped.push((row.line, date_reason("Date of Injury/Illness", date_text, p)));
                continue;
            }
        };

        let dept_text = row.field(dept_col);
        let department = if dept_text.is_empty() {
            departments.add((2, 0, String::new()), || Department {
                department: UNASSIGNED.to_string(),
                name: "Department not recorded".to_string(),
                group: Some("unassigned".to_string()),
            });
            UNASSIGNED.to_string()
        } else if let Some(n) = digits(dept_text, 1, 9) {
            let code = format!("D{n}");
            departments.add((0, u64::from(n), String::new()), || Department {
                department: code.clone(),
                name: format!("Department {n}"),
                group: None,
            });
            code
        } else if dept_text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            let code = format!("D{dept_text}");
            departments.add((1, 0, dept_text.to_string()), || Department {
                department: code.clone(),
                name: format!("Department {dept_text}"),
                group: None,
            });
            code
        } else {
            mapped.skipped.push((row.line, format!("Department Code {} is not a department code", shown(dept_text))));
            continue;
        };

        let lost_time = match lt_code_col.map(|c| row.field(c)) {
            Some(code) if !code.is_empty() => code,
            _ => row.get(lt_text_col),
        };
        let (osha_class, note) = cax_osha_class(lost_time, row.get(severity_col));
        mapped.adjusted.extend(note.map(|n| (row.line, n)));
        let mut codes = [None; 3];
        for (slot, (name, kind, col)) in codes.iter_mut().zip(code_cols) {
            let (code, note) = wcio_code(row.get(col), kind, name);
            *slot = code;
            mapped.adjusted.extend(note.map(|n| (row.line, n)));
        }

        checker.accept(id, row.line);
        mapped.injuries.push(InjuryRow {
            case_id: id.to_string(),
            department,
            event_date,
            osha_class,
            cause_code: codes[0],
            nature_code: codes[1],
            body_part_code: codes[2],
        });
    }
    mapped.departments = departments.into_vec();
    Ok(mapped)
}

// ---------------------------------------------------------------------------
// actuarial-loss

/// Number of synthetic pools the actuarial-loss claims are hashed into.
pub const SYNTHETIC_POOLS: u64 = 10;

/// FNV-1a, 64-bit: a hash anyone can recompute from the published
/// constants, unlike `std`'s hasher, which may change between releases.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// The synthetic pool of a claim: `SYNTH-NN`, NN = FNV-1a 64 of the
/// trimmed ClaimNumber's bytes modulo [`SYNTHETIC_POOLS`].
pub fn synthetic_pool(claim_number: &str) -> u64 {
    fnv1a64(claim_number.trim().as_bytes()) % SYNTHETIC_POOLS
}

fn map_actuarial(table: &Table) -> Result<Mapped, ImportError> {
    let src = Source::ActuarialLoss;
    let id_col = table.require(src, &["ClaimNumber"])?;
    let accident_col = table.require(src, &["DateTimeOfAccident"])?;
    let reported_col = table.require(src, &["DateReported"])?;
    let initial_col = table.require(src, &["InitialIncurredCalimsCost", "InitialIncurredClaimsCost"])?;
    // train.csv has the ultimate cost; test.csv does not.
    let ultimate_col = table.column("UltimateIncurredClaimCost");

    let mut checker = RowChecker::new(table, id_col, "ClaimNumber");
    let mut mapped = Mapped::default();
    let mut claims = Vec::with_capacity(table.rows.len());
    let mut departments = Departments::default();
    for (line, record) in &table.rows {
        let row = Row { line: *line, record };
        let id = match checker.check(&row) {
            Ok(id) => id,
            Err(reason) => {
                mapped.skipped.push((row.line, reason));
                continue;
            }
        };
        let accident_text = row.field(accident_col);
        let injury_date = match parse_source_date(accident_text) {
            Ok(d) => d,
            Err(p) => {
                mapped.skipped.push((row.line, date_reason("DateTimeOfAccident", accident_text, p)));
                continue;
            }
        };

        let reported_text = row.field(reported_col);
        let reported_date = match parse_source_date(reported_text) {
            Ok(d) if d < injury_date => {
                mapped.adjusted.push((
                    row.line,
                    format!(
                        "DateReported {} is before the accident date; reported_date left empty",
                        shown(reported_text)
                    ),
                ));
                None
            }
            Ok(d) => Some(d),
            Err(p) => {
                let reason = date_reason("DateReported", reported_text, p);
                mapped.adjusted.push((row.line, format!("{reason}; reported_date left empty")));
                None
            }
        };
        let mut money = |column: &str, text: &str, consequence: &str| {
            if text.is_empty() {
                mapped.adjusted.push((row.line, format!("{column} is blank; {consequence}")));
                return None;
            }
            match parse_money(text) {
                Ok(c) => Some(c),
                Err(_) => {
                    let what = format!("{column} {} is not an amount ≥ 0; {consequence}", shown(text));
                    mapped.adjusted.push((row.line, what));
                    None
                }
            }
        };
        let initial = money("InitialIncurredCalimsCost", row.field(initial_col), "initial_incurred left empty");
        let (reserve, valuation_date) = match ultimate_col {
            Some(col) => (
                money(
                    "UltimateIncurredClaimCost",
                    row.field(col),
                    "reserve left empty (the claim's incurred reads as 0)",
                ),
                None,
            ),
            None => (initial, reported_date),
        };

        let pool = synthetic_pool(id);
        let department = format!("SYNTH-{pool:02}");
        departments.add((0, pool, String::new()), || Department {
            department: department.clone(),
            name: format!("Synthetic pool {pool:02} (hash of ClaimNumber)"),
            group: Some("synthetic".to_string()),
        });
        checker.accept(id, row.line);
        mapped.injuries.push(InjuryRow {
            case_id: id.to_string(),
            department: department.clone(),
            event_date: injury_date,
            osha_class: OshaClass::OtherRecordable,
            cause_code: None,
            nature_code: None,
            body_part_code: None,
        });
        claims.push(ClaimRow {
            claim_id: id.to_string(),
            department,
            injury_date,
            reported_date,
            valuation_date,
            status: ClaimStatus::Open,
            reserve,
            initial_incurred: initial,
        });
    }
    mapped.claims = Some(claims);
    mapped.departments = departments.into_vec();
    Ok(mapped)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i16, m: i8, d: i8) -> Date {
        Date::new(y, m, d).unwrap()
    }

    #[test]
    fn dates_in_us_order() {
        assert_eq!(parse_source_date("1/5/2015"), Ok(date(2015, 1, 5)));
        assert_eq!(parse_source_date("12/31/2014"), Ok(date(2014, 12, 31)));
        assert_eq!(parse_source_date(" 01/05/2015 "), Ok(date(2015, 1, 5)));
        assert_eq!(parse_source_date("2/29/2016"), Ok(date(2016, 2, 29)));
        assert_eq!(parse_source_date("2/29/2015"), Err(DateProblem::Unparsable));
        assert_eq!(parse_source_date("13/1/2015"), Err(DateProblem::Unparsable));
        assert_eq!(parse_source_date("1/5/15"), Err(DateProblem::Unparsable));
        assert_eq!(parse_source_date("1/5/2015/1"), Err(DateProblem::Unparsable));
        assert_eq!(parse_source_date("1//2015"), Err(DateProblem::Unparsable));
        assert_eq!(parse_source_date("1/5/1899"), Err(DateProblem::Before1900));
        assert_eq!(parse_source_date("1/5/2201"), Err(DateProblem::After2200));
        assert_eq!(parse_source_date(""), Err(DateProblem::Blank));
        assert_eq!(parse_source_date("  "), Err(DateProblem::Blank));
    }

    #[test]
    fn dates_in_iso_form_and_timestamps() {
        assert_eq!(parse_source_date("2002-04-09"), Ok(date(2002, 4, 9)));
        assert_eq!(parse_source_date("2002-04-09T07:00:00Z"), Ok(date(2002, 4, 9)));
        assert_eq!(parse_source_date("2005-12-31T23:59:59Z"), Ok(date(2005, 12, 31)));
        // The calendar date as written, not converted to UTC.
        assert_eq!(parse_source_date("2005-12-31T23:00:00-05:00"), Ok(date(2005, 12, 31)));
        assert_eq!(parse_source_date("2005-12-31T23:00:00.250+0530"), Ok(date(2005, 12, 31)));
        assert_eq!(parse_source_date("2005-12-31T23:00"), Ok(date(2005, 12, 31)));
        assert_eq!(parse_source_date("2005-12-31 08:15:00"), Ok(date(2005, 12, 31)));
        assert_eq!(parse_source_date("2005-12-31T25:00:00Z"), Err(DateProblem::Unparsable));
        assert_eq!(parse_source_date("2005-12-31Tnoon"), Err(DateProblem::Unparsable));
        assert_eq!(parse_source_date("2005-12-31x"), Err(DateProblem::Unparsable));
        assert_eq!(parse_source_date("2005-13-01T00:00:00Z"), Err(DateProblem::Unparsable));
        assert_eq!(parse_source_date("2005-1-01"), Err(DateProblem::Unparsable));
        assert_eq!(parse_source_date("1850-01-01T00:00:00Z"), Err(DateProblem::Before1900));
        assert_eq!(parse_source_date("ünïcödé-x"), Err(DateProblem::Unparsable));
        assert_eq!(parse_source_date("20050101"), Err(DateProblem::Unparsable));
    }

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

    #[test]
    fn output_column_lists_match_the_schema_types() {
        let d = date(2020, 1, 2);
        let injury = InjuryRow {
            case_id: "c".into(),
            department: "d".into(),
            event_date: d,
            osha_class: OshaClass::DaysAway,
            cause_code: None,
            nature_code: None,
            body_part_code: None,
        };
        let bytes = csv_bytes([injury.record()]).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(text.lines().next(), Some(INJURY_COLUMNS.join(",").as_str()));
        let claim = ClaimRow {
            claim_id: "x".into(),
            department: "d".into(),
            injury_date: d,
            reported_date: None,
            valuation_date: None,
            status: ClaimStatus::Open,
            reserve: Some(Cents(150)),
            initial_incurred: Some(Cents(100)),
        };
        let text = String::from_utf8(csv_bytes([claim.record()]).unwrap()).unwrap();
        assert_eq!(text.lines().next(), Some(CLAIM_COLUMNS.join(",").as_str()));
        let text = String::from_utf8(claims_bytes(&[claim]).unwrap()).unwrap();
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some(CLAIM_COLUMNS.join(",").as_str()));
        assert_eq!(lines.next(), Some("x,x,d,2020-01-02,,,open,,,,,1.50,,,,,,1.00"));
    }

    #[test]
    fn naics_departments() {
        let d = naics_department("238210");
        assert_eq!(d.department, "NAICS-238210");
        assert_eq!(d.name, "Electrical Contractors and Other Wiring Installation Contractors");
        assert_eq!(d.group.as_deref(), Some("construction"));
        assert_eq!(naics_department("517311").group.as_deref(), Some("information"));
        let other = naics_department("221310");
        assert_eq!((other.name.as_str(), other.group.as_deref()), ("NAICS 221310", Some("utilities")));
        assert_eq!(naics_department("311111").group, None);
    }

    #[test]
    fn cax_classes() {
        assert_eq!(cax_osha_class("LT", ""), (OshaClass::DaysAway, None));
        assert_eq!(cax_osha_class("Lost Time", ""), (OshaClass::DaysAway, None));
        assert_eq!(cax_osha_class("MO", "No Serious Injury Indicated"), (OshaClass::OtherRecordable, None));
        assert_eq!(cax_osha_class("LT", "Fatality"), (OshaClass::Death, None));
        let (class, note) = cax_osha_class("", "");
        assert_eq!(class, OshaClass::OtherRecordable);
        assert!(note.is_some_and(|n| n.contains("blank")));
    }

    #[test]
    fn wcio_codes_are_checked_against_the_table() {
        assert_eq!(wcio_code("97", CodeKind::Cause, "c"), (Some(97), None));
        assert_eq!(wcio_code("", CodeKind::Cause, "c"), (None, None));
        // Cause Code 1500 is the WCIO group "Strain or Injury By" × 100, not a cause.
        assert!(matches!(wcio_code("1500", CodeKind::Cause, "c"), (None, Some(_))));
        assert!(matches!(wcio_code("x7", CodeKind::Nature, "n"), (None, Some(_))));
        assert_eq!(wcio_code("53", CodeKind::BodyPart, "b"), (Some(53), None));
    }

    #[test]
    fn synthetic_pools_are_stable() {
        // FNV-1a 64 reference values.
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(synthetic_pool("WC8285054"), fnv1a64(b"WC8285054") % 10);
        assert_eq!(synthetic_pool(" WC8285054 "), synthetic_pool("WC8285054"));
    }

    fn run(source: Source, input: &str) -> (tempfile::TempDir, ImportSummary) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("input.csv");
        fs::write(&path, input).unwrap();
        let out = dir.path().join("out");
        let summary = import(source, &path, &out).unwrap();
        (dir, summary)
    }

    fn read(dir: &tempfile::TempDir, name: &str) -> String {
        fs::read_to_string(dir.path().join("out").join(name)).unwrap()
    }

    const OSHA_HEADER: &str = "\u{feff}ID,UPA,EventDate,Employer,Primary NAICS,Hospitalized,Amputation,Loss of Eye,\
                               Final Narrative,Nature,NatureTitle\r\n";

    #[test]
    fn osha_rows_map_to_industry_departments() {
        let input = format!(
            "{OSHA_HEADER}\
             2015010081,1,1/5/2015,Perry Plant,221122,1,0,0,\"Worker slipped,\r\ntore a tendon.\",1231,Tears\r\n\
             2015010109,2,1/5/2015,\"Rocky, LLC\",238210,0,1,0,Finger caught,1311,Amputations\r\n\
             2015010110,3,2/30/2015,X,238210,1,0,0,bad date,111,Fractures\r\n\
             2015010109,4,1/6/2015,Y,238210,1,0,0,duplicate,111,Fractures\r\n\
             2015010111,5,1/7/1890,Z,238210,1,0,0,old,111,Fractures\r\n\
             2015010112,6,1/8/2015,Z,23821,1,0,0,bad naics,111,Fractures\r\n\
             2015010113,7,1/9/2015,Z,236220,,,,no counts,111,Fractures\r\n\
             2015010114,8,1/9/2015,Z,236220,1,0\r\n"
        );
        let (dir, s) = run(Source::OshaSevere, &input);
        assert_eq!((s.rows_read, s.injuries, s.claims, s.departments), (8, 3, 0, 3));
        let lines: Vec<usize> = s.skipped.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, vec![5, 6, 7, 8, 10]);
        assert!(s.skipped[1].1.contains("duplicate ID \"2015010109\" (first written from line 4)"));
        assert!(s.skipped[2].1.contains("before 1900"));
        assert!(s.skipped[4].1.contains("wrong number of fields"));
        assert_eq!(s.adjusted.len(), 1);
        assert_eq!(s.adjusted[0].0, 9);
        assert_eq!(
            read(&dir, INJURIES_FILE),
            "case_id,department,event_date,osha_class,days_away,days_restricted,cause_code,nature_code,\
             body_part_code,job_class\n\
             OSHA-2015010081,NAICS-221122,2015-01-05,days_away,,,,,,\n\
             OSHA-2015010109,NAICS-238210,2015-01-05,days_away,,,,,,\n\
             OSHA-2015010113,NAICS-236220,2015-01-09,days_away,,,,,,\n"
        );
        assert_eq!(
            read(&dir, DEPARTMENTS_FILE),
            "department,name,group\n\
             NAICS-221122,Electric Power Distribution,utilities\n\
             NAICS-236220,Commercial and Institutional Building Construction,construction\n\
             NAICS-238210,Electrical Contractors and Other Wiring Installation Contractors,construction\n"
        );
        let skipped = read(&dir, SKIPPED_FILE);
        assert!(skipped.starts_with("line,reason\n5,\"EventDate \"\"2/30/2015\"\" is not a date\"\n"), "{skipped}");
        assert!(!dir.path().join("out").join(CLAIMS_FILE).exists());
        for name in [INJURIES_FILE, DEPARTMENTS_FILE, SKIPPED_FILE, ADJUSTED_FILE] {
            let text = read(&dir, name);
            for secret in ["slipped", "Finger", "Perry", "Rocky", "Tears"] {
                assert!(!text.contains(secret), "{name} contains {secret}");
            }
        }
    }

    #[test]
    fn cax_rows_map_to_department_codes() {
        let input = "Obs_ID,Department Code,Date of Injury/Illness,Lost Time or Medical Only?,\
                     Lost Time or Medical Only? Code,Severity Index Code,Cause Code,Detail Cause Code,\
                     Nature of Injury/Illness Code,Body Part Code,How Injury Occurred\n\
                     Obs_20,,4/10/2001,Lost Time,LT,No Serious Injury Indicated,1500,97,78,34,EE CLAIMS CT TO WRISTS\n\
                     Obs_30,21,4/1/2003,Medical Only,MO,,1300,29,49,53,SLIPPED ON SET\n\
                     Obs_31,3,4/2/2003,,,,1300,29,49,53,TRIPPED\n\
                     Obs_32,21,5/2/2003,Lost Time,LT,Fatality,1700,75,999,90,STRUCK\n\
                     Obs_33,8,,Lost Time,LT,,1700,75,10,90,NO DATE\n";
        let (dir, s) = run(Source::CaxClaims, input);
        assert_eq!((s.rows_read, s.injuries, s.claims, s.departments), (5, 4, 0, 3));
        assert_eq!(s.skipped, vec![(6, "Date of Injury/Illness is blank".to_string())]);
        let adjusted: Vec<usize> = s.adjusted.iter().map(|(l, _)| *l).collect();
        assert_eq!(adjusted, vec![4, 5]);
        assert_eq!(
            read(&dir, INJURIES_FILE),
            "case_id,department,event_date,osha_class,days_away,days_restricted,cause_code,nature_code,\
             body_part_code,job_class\n\
             Obs_20,UNASSIGNED,2001-04-10,days_away,,,97,78,34,\n\
             Obs_30,D21,2003-04-01,other_recordable,,,29,49,53,\n\
             Obs_31,D3,2003-04-02,other_recordable,,,29,49,53,\n\
             Obs_32,D21,2003-05-02,death,,,75,,90,\n"
        );
        assert_eq!(
            read(&dir, DEPARTMENTS_FILE),
            "department,name,group\nD3,Department 3,\nD21,Department 21,\nUNASSIGNED,Department not recorded,unassigned\n"
        );
        assert!(!dir.path().join("out").join(CLAIMS_FILE).exists());
    }

    #[test]
    fn actuarial_rows_map_to_open_claims_in_synthetic_pools() {
        let header = "ClaimNumber,DateTimeOfAccident,DateReported,Age,Gender,ClaimDescription,\
                      InitialIncurredCalimsCost,UltimateIncurredClaimCost\n";
        let input = format!(
            "{header}\
             WC8285054,2002-04-09T07:00:00Z,2002-07-05T00:00:00Z,48,M,LIFTING TYRE INJURY TO RIGHT ARM,1500,4748.203388\n\
             WC6982224,1999-01-07T11:00:00Z,1998-12-20T00:00:00Z,43,F,STEPPED AROUND CRATES,5500,-3\n\
             WC0000001,1887-01-07T11:00:00Z,1999-01-20T00:00:00Z,43,F,OLD,5500,6326.28\n"
        );
        let (dir, s) = run(Source::ActuarialLoss, &input);
        assert_eq!((s.rows_read, s.injuries, s.claims), (3, 2, 2));
        assert_eq!(s.skipped.len(), 1);
        assert_eq!(s.adjusted.len(), 2);
        let p1 = synthetic_pool("WC8285054");
        let p2 = synthetic_pool("WC6982224");
        let claims = read(&dir, CLAIMS_FILE);
        let mut lines = claims.lines();
        assert_eq!(lines.next(), Some(CLAIM_COLUMNS.join(",").as_str()));
        assert_eq!(
            lines.next(),
            Some(
                format!("WC8285054,WC8285054,SYNTH-{p1:02},2002-04-09,2002-07-05,,open,,,,,4748.20,,,,,,1500.00")
                    .as_str()
            )
        );
        assert_eq!(
            lines.next(),
            Some(format!("WC6982224,WC6982224,SYNTH-{p2:02},1999-01-07,,,open,,,,,,,,,,,5500.00").as_str())
        );
        let injuries = read(&dir, INJURIES_FILE);
        assert!(injuries.contains(&format!("WC8285054,SYNTH-{p1:02},2002-04-09,other_recordable,,,,,,\n")));
        assert!(!claims.contains("TYRE") && !injuries.contains("TYRE"));
    }

    #[test]
    fn actuarial_test_file_values_the_initial_estimate_at_report() {
        let input = "ClaimNumber,DateTimeOfAccident,DateReported,ClaimDescription,InitialIncurredCalimsCost\n\
                     WC8145235,2002-04-02T10:00:00Z,2002-05-07T00:00:00Z,CAUGHT RIGHT HAND,5300\n";
        let (dir, s) = run(Source::ActuarialLoss, input);
        assert_eq!((s.injuries, s.claims), (1, 1));
        let p = synthetic_pool("WC8145235");
        assert_eq!(
            read(&dir, CLAIMS_FILE).lines().nth(1),
            Some(
                format!(
                    "WC8145235,WC8145235,SYNTH-{p:02},2002-04-02,2002-05-07,2002-05-07,open,,,,,5300.00,,,,,,5300.00"
                )
                .as_str()
            )
        );
    }

    #[test]
    fn missing_columns_and_stale_outputs_stop_the_import() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("input.csv");
        fs::write(&path, "ClaimNumber,DateReported\nWC1,2002-05-07\n").unwrap();
        let err = import(Source::ActuarialLoss, &path, &dir.path().join("out")).unwrap_err();
        assert!(err.to_string().contains("no column \"DateTimeOfAccident\""), "{err}");
        assert!(err.to_string().contains("input.csv"), "{err}");

        fs::write(&path, "ID,EventDate,Primary NAICS\n1,1/5/2015,238210\n").unwrap();
        let out = dir.path().join("out");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("claims.csv"), "old").unwrap();
        let err = import(Source::OshaSevere, &path, &out).unwrap_err();
        assert!(matches!(err, ImportError::StaleOutput { .. }), "{err}");
        assert!(!out.join(INJURIES_FILE).exists(), "nothing is written when the import stops");
        fs::remove_file(out.join("claims.csv")).unwrap();
        let summary = import(Source::OshaSevere, &path, &out).unwrap();
        assert_eq!(summary.injuries, 1);
        assert_eq!(fs::read_to_string(out.join(SKIPPED_FILE)).unwrap(), "line,reason\n");
    }

    #[test]
    fn non_utf8_input_names_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("latin1.csv");
        fs::write(&path, b"ID,EventDate,Primary NAICS\n1,1/5/2015,238210\n2,1/5/2015,23\xe9210\n").unwrap();
        let err = import(Source::OshaSevere, &path, &dir.path().join("out")).unwrap_err();
        assert!(matches!(err, ImportError::Encoding { line: 3, .. }), "{err}");
    }
}
