//! What `riskrank osha` reads, and nothing else does: the injury log with
//! its OSHA columns (`establishment`, `injury_type`, `job_title`,
//! `incident_location` and the free-text `description`), the optional
//! `establishments.csv`, and the exposure and department files, through
//! the same scanner, row checks, quarantine and account as every other
//! file (`read_file`). The monthly jobs never use these specs: their
//! injuries reader skips `description` and knows the OSHA columns only so
//! as not to warn about them.
//!
//! `description` is kept only for cases that are not privacy concern
//! cases (29 CFR 1904.29(b)(7)): for a privacy case it is dropped as the
//! row is parsed, so no later stage can print it.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use super::rows::{self, ColumnMap, Context, DepartmentCodes, Rejection, Row, RowSpec};
use super::{FileKind, FileReport, IngestError, LoadOptions, QuarantinedRow, Reason, RecordSink};
use crate::privacy;
use crate::schema::{self, Department, ExposureRecord, InjuryType, Month, OshaClass};

/// `establishments.csv` has no `[input.columns]` section: its header is the contract's.
pub(super) static NO_MAPPING: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();

/// One case of the injury log as the OSHA forms need it.
#[derive(Debug, Clone, PartialEq)]
pub struct OshaCase {
    pub case_id: String,
    pub department: String,
    pub event_date: Date,
    pub osha_class: OshaClass,
    /// Capped at 180, as on read.
    pub days_away: Option<u32>,
    pub days_restricted: Option<u32>,
    pub nature_code: Option<u16>,
    pub privacy: bool,
    pub establishment: Option<String>,
    /// The `injury_type` column's value; `None` when absent or empty.
    pub injury_type: Option<InjuryType>,
    pub job_title: Option<String>,
    pub incident_location: Option<String>,
    /// Always `None` for a privacy case.
    pub description: Option<String>,
}

/// The OSHA columns of `injuries.csv`, after the monthly reader's own.
pub const OSHA_INJURY_COLUMNS: &[&str] = &["establishment", "injury_type", "job_title", "incident_location"];

/// `injuries.csv` read for the OSHA forms: the monthly spec's columns and
/// checks, then the OSHA columns.
pub struct OshaInjuries;

mod col {
    pub const ESTABLISHMENT: usize = 11;
    pub const INJURY_TYPE: usize = 12;
    pub const JOB_TITLE: usize = 13;
    pub const LOCATION: usize = 14;
    pub const DESCRIPTION: usize = 15;
}

const INJURY_TYPES: &str = "injury, skin_disorder, respiratory_condition, poisoning, hearing_loss, \
                            all_other_illnesses (or 1-6)";

impl RowSpec for OshaInjuries {
    type Record<'a> = OshaCase;
    const FILE: FileKind = FileKind::Injuries;
    const COLUMNS: &'static [&'static str] = &[
        "case_id",
        "department",
        "event_date",
        "osha_class",
        "days_away",
        "days_restricted",
        "cause_code",
        "nature_code",
        "body_part_code",
        "job_class",
        "privacy_case",
        "establishment",
        "injury_type",
        "job_title",
        "incident_location",
        "description",
    ];
    const REQUIRED: &'static [usize] = <rows::Injuries as RowSpec>::REQUIRED;
    /// `description` is read here, but still redacted in the quarantine.
    const PERSONAL: &'static [&'static str] = <rows::Injuries as RowSpec>::PERSONAL;
    const KEY: &'static str = "case_id";

    fn parse<'a>(row: &Row<'_, 'a>, ctx: &Context) -> Result<OshaCase, Rejection> {
        // The first eleven columns are the monthly spec's, in its order.
        let base = <rows::Injuries as RowSpec>::parse(row, ctx)?;
        let establishment = row.label(col::ESTABLISHMENT)?.map(Cow::into_owned);
        let injury_type = match row.value(col::INJURY_TYPE) {
            None => None,
            Some(v) => Some(v.parse::<InjuryType>().map_err(|_| {
                Rejection::new(Reason::UnknownEnum, "injury_type", format!("{v:?} is not one of {INJURY_TYPES}"))
            })?),
        };
        let privacy = privacy::is_privacy_case(&base);
        Ok(OshaCase {
            case_id: base.case_id.into_owned(),
            department: base.department.into_owned(),
            event_date: base.event_date,
            osha_class: base.osha_class,
            days_away: base.days_away,
            days_restricted: base.days_restricted,
            nature_code: base.nature_code,
            privacy,
            establishment,
            injury_type,
            job_title: row.label(col::JOB_TITLE)?.map(Cow::into_owned),
            incident_location: row.label(col::LOCATION)?.map(Cow::into_owned),
            description: if privacy { None } else { row.value(col::DESCRIPTION).map(Cow::into_owned) },
        })
    }

    fn key(r: &OshaCase) -> u64 {
        rows::hash_key(&[r.case_id.as_bytes()])
    }

    fn month(r: &OshaCase) -> Option<Month> {
        Some(Month::of(r.event_date))
    }

    fn withhold(map: &ColumnMap, raw: &[u8], q: &mut QuarantinedRow) {
        super::withhold::withhold_privacy(&rows::INJURY_PRIVACY, Self::COLUMNS, map, raw, q);
    }
}

/// One row of `establishments.csv`. The details are kept as written: the
/// OSHA pre-validation judges their format (EIN, ZIP, state, NAICS,
/// counts) and says how to fix them, rather than the row being lost.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EstablishmentRow {
    pub establishment: String,
    pub department: String,
    /// `None`: the establishment's standing details; `Some(y)`: its details
    /// and figures for year `y`, which take precedence in that year.
    pub year: Option<i16>,
    /// The detail columns, in [`ESTABLISHMENT_DETAILS`] order.
    pub details: Vec<Option<String>>,
}

/// The columns of `establishments.csv`: its key (establishment,
/// department, year), then the details.
pub const ESTABLISHMENT_COLUMNS: &[&str] = &[
    "establishment",
    "department",
    "year",
    "name",
    "street_address",
    "city",
    "state",
    "zip",
    "naics_code",
    "industry_description",
    "ein",
    "company_name",
    "establishment_type",
    "annual_average_employees",
    "total_hours_worked",
];

/// The detail columns of `establishments.csv`, as written, in order.
pub const ESTABLISHMENT_DETAILS: &[&str] = ESTABLISHMENT_COLUMNS.split_at(3).1;

pub struct Establishments;

impl RowSpec for Establishments {
    type Record<'a> = EstablishmentRow;
    const FILE: FileKind = FileKind::Establishments;
    const COLUMNS: &'static [&'static str] = ESTABLISHMENT_COLUMNS;
    const REQUIRED: &'static [usize] = &[0, 1];
    const KEY: &'static str = "establishment and year";

    fn parse<'a>(row: &Row<'_, 'a>, ctx: &Context) -> Result<EstablishmentRow, Rejection> {
        let establishment = row.code(0)?.into_owned();
        let department = row.department(1, ctx)?.into_owned();
        let year =
            match row.parse(2, schema::parse_count)? {
                None => None,
                Some(y) => Some(i16::try_from(y).ok().filter(|y| (1900..=2200).contains(y)).ok_or_else(|| {
                    Rejection::new(Reason::OutOfRange, "year", format!("{y} is not a year 1900-2200"))
                })?),
            };
        let details = (3..Self::COLUMNS.len())
            .map(|c| row.label(c).map(|v| v.map(Cow::into_owned)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(EstablishmentRow { establishment, department, year, details })
    }

    fn key(r: &EstablishmentRow) -> u64 {
        rows::hash_key(&[r.establishment.as_bytes(), &r.year.unwrap_or(0).to_le_bytes()])
    }
}

/// One department-month of exposure.
#[derive(Debug, Clone, PartialEq)]
pub struct ExposureMonth {
    pub department: String,
    pub month: Month,
    pub hours_worked: f64,
    pub headcount: Option<f64>,
}

/// What `riskrank osha` read for one year.
#[derive(Debug)]
pub struct OshaLoaded {
    pub dir: PathBuf,
    /// From `departments.csv`, when given.
    pub departments: Option<Vec<Department>>,
    /// One report per file present: departments, establishments, injuries, exposure.
    pub files: Vec<FileReport>,
    pub quarantine: Vec<QuarantinedRow>,
    /// The accepted cases of the year, every class, in file order.
    pub cases: Vec<OshaCase>,
    /// `None` when there is no `establishments.csv`.
    pub establishments: Option<Vec<EstablishmentRow>>,
    /// The year's exposure months.
    pub exposure: Vec<ExposureMonth>,
}

/// Keeps the records of one year.
struct YearSink<T> {
    year: i16,
    kept: Vec<T>,
}

impl<T: Send + Sync> RecordSink for YearSink<T> {
    fn fork(&self) -> Self {
        YearSink { year: self.year, kept: Vec::new() }
    }
    fn merge(&mut self, other: Self) {
        self.kept.extend(other.kept);
    }
}

fn keep_case(k: &mut YearSink<OshaCase>, r: &OshaCase) {
    if r.event_date.year() == k.year {
        k.kept.push(r.clone());
    }
}

fn keep_exposure(k: &mut YearSink<ExposureMonth>, r: &ExposureRecord<'_>) {
    if i32::from(k.year) == r.month.year() {
        k.kept.push(ExposureMonth {
            department: r.department.to_string(),
            month: r.month,
            hours_worked: r.hours_worked,
            headcount: r.headcount,
        });
    }
}

fn keep_all<T: Clone + Send + Sync>(k: &mut YearSink<T>, r: &T) {
    k.kept.push(r.clone());
}

/// Reads the data folder for the OSHA forms of `year`. Needs injuries.csv
/// (without it, `NoData`: callers say so first, as `osha::run` does).
pub fn load(dir: &Path, options: &LoadOptions, year: i16) -> Result<OshaLoaded, IngestError> {
    if !dir.is_dir() {
        let source = std::io::Error::new(std::io::ErrorKind::NotFound, "no such data folder");
        return Err(IngestError::Io { path: dir.to_path_buf(), source });
    }
    let Some(inj_path) = super::locate(dir, FileKind::Injuries)? else {
        return Err(IngestError::NoData { dir: dir.to_path_buf() });
    };
    super::check_mapping(&options.input)?;
    let mut ctx = Context {
        latest_date: options.latest_date(),
        departments: None,
        dates: options.input.date_format.clone(),
        limits: options.limits,
        claims: None,
    };
    let input = &options.input;
    let (mut files, mut quarantine) = (Vec::new(), Vec::new());
    let mut collect = |o: super::FileOutcome| {
        files.push(o.report);
        quarantine.extend(o.quarantine);
    };
    let mut departments = None;
    if let Some(path) = super::locate(dir, FileKind::Departments)? {
        let mut list: YearSink<Department> = YearSink { year, kept: Vec::new() };
        collect(super::read_file::<rows::Departments, _>(&path, &ctx, input, &mut list, keep_all)?);
        ctx.departments = Some(DepartmentCodes::new(list.kept.iter().map(|d| d.department.as_str())));
        departments = Some(list.kept);
    }
    let mut establishments = None;
    if let Some(path) = super::locate(dir, FileKind::Establishments)? {
        let mut list: YearSink<EstablishmentRow> = YearSink { year, kept: Vec::new() };
        collect(super::read_file::<Establishments, _>(&path, &ctx, input, &mut list, keep_all)?);
        establishments = Some(list.kept);
    }
    let mut cases = YearSink { year, kept: Vec::new() };
    collect(super::read_file::<OshaInjuries, _>(&inj_path, &ctx, input, &mut cases, keep_case)?);
    let mut exposure = YearSink { year, kept: Vec::new() };
    if let Some(path) = super::locate(dir, FileKind::Exposure)? {
        collect(super::read_file::<rows::Exposure, _>(&path, &ctx, input, &mut exposure, keep_exposure)?);
    }
    Ok(OshaLoaded {
        dir: dir.to_path_buf(),
        departments,
        files,
        quarantine,
        cases: cases.kept,
        establishments,
        exposure: exposure.kept,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        std::fs::write(dir.join(name), text).unwrap();
    }

    #[test]
    fn osha_columns_are_read_and_bad_rows_quarantined() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "injuries.csv",
            "case_id,department,event_date,osha_class,nature_code,establishment,injury_type,job_title,\
             incident_location,description,employee_id\n\
             A,FIRE,2025-03-01,days_away,10,ST1,injury,Firefighter,Station 1,cut hand on glass,E1\n\
             B,FIRE,2025-04-01,other_recordable,77,ST1,,Clerk,Office,stress at work,E2\n\
             C,FIRE,2025-05-01,other_recordable,10,ST1,sprain,Clerk,Office,x,E3\n\
             D,FIRE,2024-05-01,other_recordable,10,ST1,6,Clerk,Office,y,E4\n",
        );
        write(
            dir.path(),
            "establishments.csv",
            "establishment,department,name,ein,year\nST1,FIRE,Station 1,12-3456789,\nST1,FIRE,Station 1,,2025\n\
             ST1,FIRE,dup,,2025\n,FIRE,no id,,\n",
        );
        let loaded = load(dir.path(), &LoadOptions::new(None), 2025).unwrap();
        let ids: Vec<&str> = loaded.cases.iter().map(|c| c.case_id.as_str()).collect();
        assert_eq!(ids, ["A", "B"], "C has a bad injury_type, D is of 2024");
        assert_eq!(loaded.cases[0].description.as_deref(), Some("cut hand on glass"));
        assert_eq!(loaded.cases[0].injury_type, Some(InjuryType::Injury));
        assert!(loaded.cases[1].privacy, "nature 77 is a privacy case");
        assert_eq!(loaded.cases[1].description, None, "never kept for a privacy case");
        let bad: Vec<(FileKind, u64, &str, Reason)> =
            loaded.quarantine.iter().map(|q| (q.file, q.line, q.column.as_str(), q.reason)).collect();
        assert!(bad.contains(&(FileKind::Injuries, 4, "injury_type", Reason::UnknownEnum)), "{bad:?}");
        assert!(bad.contains(&(FileKind::Establishments, 4, "establishment and year", Reason::DuplicateId)));
        assert!(bad.contains(&(FileKind::Establishments, 5, "establishment", Reason::MissingValue)));
        let q = loaded.quarantine.iter().find(|q| q.file == FileKind::Injuries).unwrap();
        assert!(q.fields.iter().any(|f| f == rows::REDACTED), "description redacted: {:?}", q.fields);
        let est = loaded.establishments.unwrap();
        assert_eq!(est.len(), 2);
        assert_eq!(est[1].year, Some(2025));
        assert_eq!(est[0].details[7].as_deref(), Some("12-3456789"), "kept as written");
    }
}
