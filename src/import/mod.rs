//! Adapters from real public datasets to the data contract
//! (`docs/data-contract.md`), so that `riskrank validate` and the rest of
//! the pipeline can run on real rows, not only on synthetic ones.
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
//!   name, address or claimant attribute reaches any output file, but for
//!   the contract's first-report columns of a claim (wage, age, hours, part
//!   time, dependents, accident hour: no identity, no gender, no marital
//!   status), and neither `description` nor `employee_id` is ever filled (Privacy). A
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
//! This module owns what the sources share: the `Source` enum, the summary
//! and errors, the mapped rows and the writing of the output folder. Input
//! reading and row checks are in `table.rs`, the date formats in
//! `dates.rs`, and each source's mapping in its own file: `osha.rs`
//! (`osha-severe`), `cax.rs` (`cax-claims`) and `actuarial.rs`
//! (`actuarial-loss`).

mod actuarial;
mod cax;
mod dates;
mod osha;
mod table;
#[cfg(test)]
mod test_support;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde::Serialize;

use crate::export::{CsvRow, ExportError, Keep, StagedFolder, csv_bytes};
use crate::schema::{Cents, ClaimRecord, ClaimStatus, Department, InjuryRecord, OshaClass};

pub use actuarial::{SYNTHETIC_POOLS, fnv1a64, synthetic_pool};
pub use cax::UNASSIGNED;
pub use dates::{DateProblem, parse_source_date};

use table::Table;

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
    #[error("{}: cannot read", path.display())]
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
    #[error(transparent)]
    Write(#[from] ExportError),
}

/// Reads `input` as `source` and writes the contract files into `out`.
pub fn import(source: Source, input: &Path, out: &Path) -> Result<ImportSummary, ImportError> {
    let table = Table::read(input)?;
    let mapped = match source {
        Source::OshaSevere => osha::map(&table)?,
        Source::CaxClaims => cax::map(&table)?,
        Source::ActuarialLoss => actuarial::map(&table)?,
    };
    let files = render(out, &mapped)?;
    refuse_stale_outputs(out, &files)?;
    // One staged folder, published whole: a failed import leaves the
    // folder as it was; files of the folder this import does not write stay.
    let mut folder = StagedFolder::new(out, Keep::Others)?;
    for (path, bytes) in &files {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        folder.add_bytes(&name, bytes)?;
    }
    folder.publish()?;
    Ok(ImportSummary {
        source,
        rows_read: table.data_rows(),
        injuries: mapped.injuries.len(),
        claims: mapped.claims.as_ref().map_or(0, Vec::len),
        departments: mapped.departments.len(),
        skipped: mapped.audit.skipped,
        adjusted: mapped.audit.adjusted,
    })
}

// ---------------------------------------------------------------------------
// Mapped rows

/// A mapped source, owning its strings; records borrow from it to serialize.
#[derive(Debug, Default)]
struct Mapped {
    injuries: Vec<InjuryRow>,
    claims: Option<Vec<ClaimRow>>,
    departments: Vec<Department>,
    audit: Audit,
}

/// The rows that did not go through unchanged, each with its input line.
#[derive(Debug, Default)]
struct Audit {
    /// Not written at all, and why.
    skipped: Vec<(usize, String)>,
    /// Written with a value left empty or defaulted, and why.
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
    /// A row without WCIO codes, which only `cax-claims` can fill.
    fn new(case_id: String, department: String, event_date: Date, osha_class: OshaClass) -> InjuryRow {
        InjuryRow {
            case_id,
            department,
            event_date,
            osha_class,
            cause_code: None,
            nature_code: None,
            body_part_code: None,
        }
    }

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
            privacy_case: None,
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
    first_report: FirstReport,
}

/// The optional first-report columns of a claim (contract §2), where the
/// source has them.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct FirstReport {
    weekly_wage: Option<Cents>,
    age_at_injury: Option<u8>,
    hours_per_week: Option<f64>,
    part_time: Option<bool>,
    dependents: Option<u8>,
    accident_hour: Option<u8>,
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
            weekly_wage: self.first_report.weekly_wage,
            age_at_injury: self.first_report.age_at_injury,
            hours_per_week: self.first_report.hours_per_week,
            part_time: self.first_report.part_time,
            dependents: self.first_report.dependents,
            accident_hour: self.first_report.accident_hour,
        }
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

#[derive(Serialize)]
struct SkippedRow<'a> {
    line: usize,
    reason: &'a str,
}

impl CsvRow for SkippedRow<'_> {
    const COLUMNS: &'static [&'static str] = &["line", "reason"];
}

#[derive(Serialize)]
struct AdjustedRow<'a> {
    line: usize,
    adjustment: &'a str,
}

impl CsvRow for AdjustedRow<'_> {
    const COLUMNS: &'static [&'static str] = &["line", "adjustment"];
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
    let audit = &mapped.audit;
    let mut files = vec![
        ser(DEPARTMENTS_FILE, csv_bytes(&mapped.departments))?,
        ser(INJURIES_FILE, csv_bytes(mapped.injuries.iter().map(InjuryRow::record)))?,
    ];
    if let Some(claims) = &mapped.claims {
        files.push(ser(CLAIMS_FILE, claims_bytes(claims))?);
    }
    files.push(ser(
        SKIPPED_FILE,
        csv_bytes(audit.skipped.iter().map(|(line, reason)| SkippedRow { line: *line, reason })),
    )?);
    files.push(ser(
        ADJUSTED_FILE,
        csv_bytes(audit.adjusted.iter().map(|(line, adjustment)| AdjustedRow { line: *line, adjustment })),
    )?);
    Ok(files)
}

fn claims_bytes(rows: &[ClaimRow]) -> Result<Vec<u8>, csv::Error> {
    csv_bytes(rows.iter().map(ClaimRow::record))
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

#[cfg(test)]
mod tests {
    use std::fs;

    use super::test_support::date;
    use super::*;
    use crate::ingest::{ALL_CLAIM_COLUMNS, INJURY_COLUMNS};

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
            first_report: FirstReport { age_at_injury: Some(40), part_time: Some(true), ..FirstReport::default() },
        };
        let text = String::from_utf8(csv_bytes([claim.record()]).unwrap()).unwrap();
        assert_eq!(text.lines().next(), Some(ALL_CLAIM_COLUMNS.join(",").as_str()));
        let text = String::from_utf8(claims_bytes(&[claim]).unwrap()).unwrap();
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some(ALL_CLAIM_COLUMNS.join(",").as_str()));
        assert_eq!(lines.next(), Some("x,x,d,2020-01-02,,,open,,,,,1.50,,,,,,1.00,,40,,true,,"));
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
