//! `riskrank osha`: the year's OSHA recordkeeping files from the injury
//! log, written into `<out>/osha/<year>/`, a confidential folder apart from
//! every month's reports (nothing else copies or reads it):
//!
//! - `form_300a.csv`: the Form 300A summary, one row per establishment;
//! - `ita_300a.csv`: the same, as OSHA's Injury Tracking Application takes
//!   it (28 columns);
//! - `form_300.csv`: the Form 300 log, one line per recordable case;
//! - `ita_cases.csv`: the ITA case-data file (24 columns);
//! - `ita_validation.csv`: the pre-validation's findings, with fixes;
//! - `establishments/<id>/`: each establishment's Form 300 and Form 300A
//!   as CSV and PDF, and `osha_forms.xlsx`, the forms as a workbook
//!   ([`forms`]);
//! - the quarantine files of what was read, `README.txt` and `manifest.json`.
//!
//! Data flow: `ingest::osha` reads; [`establishment`] places each case;
//! [`summary`] counts; [`checks`] judges the cells as they will be written.

pub mod checks;
pub mod establishment;
pub mod forms;
pub mod injury_type;
pub mod log;
pub mod summary;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::export::quarantine::{self, QuarantineCsv};
use crate::export::{Bytes, ExportError, StagedFolder, json_bytes, output_csv};
use crate::ingest::osha::{OshaCase, OshaLoaded};
use crate::ingest::{FileKind, IngestError, LoadOptions, Reason};
use checks::{Finding, Severity};
use establishment::{FigureSource, Placement};
use summary::{Form300aRow, Ita300aRow, Totals};

/// Why the OSHA files could not be made; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum OshaError {
    #[error(transparent)]
    Ingest(#[from] IngestError),
    #[error(transparent)]
    Export(#[from] ExportError),
    #[error("cannot make {file}")]
    Csv {
        file: &'static str,
        #[source]
        source: csv::Error,
    },
    #[error("cannot make manifest.json")]
    Json(#[source] serde_json::Error),
    #[error("{}: no injuries.csv (nor .csv.gz or .parquet): the OSHA forms are made from the injury log", .0.display())]
    NoInjuries(PathBuf),
    #[error("the year must be 1980-2200, not {0}")]
    Year(i32),
}

/// What the job made.
#[derive(Debug)]
pub struct OshaRun {
    pub dir: PathBuf,
    pub loaded: OshaLoaded,
    pub findings: Vec<Finding>,
    pub rows: Vec<Ita300aRow>,
    pub written: Vec<PathBuf>,
}

impl OshaRun {
    pub fn errors(&self) -> usize {
        self.findings.iter().filter(|f| f.severity == Severity::Error).count()
    }
    pub fn warnings(&self) -> usize {
        self.findings.iter().filter(|f| f.severity == Severity::Warning).count()
    }
}

pub const FORM_300A: &str = "form_300a.csv";
pub const ITA_300A: &str = "ita_300a.csv";
pub const FORM_300: &str = "form_300.csv";
pub const ITA_CASES: &str = "ita_cases.csv";
pub const ITA_VALIDATION: &str = "ita_validation.csv";

const README: &str = "CONFIDENTIAL: OSHA injury and illness records of the year (29 CFR 1904). \
Keep this folder with the recordkeeper; do not copy it into any department distribution.\n\
form_300.csv: the Form 300 log. form_300a.csv: the Form 300A summary per establishment. \
establishments/<id>/: each establishment's log and summary as CSV and PDF (the 300A to sign and post \
February 1 to April 30). osha_forms.xlsx: the forms as a workbook. \
ita_300a.csv and ita_cases.csv: the ITA uploads. \
ita_validation.csv: what to fix before uploading (errors: do not upload).\n";

/// The folder of a year's OSHA files under `out`.
pub fn folder(out: &Path, year: i16) -> PathBuf {
    out.join("osha").join(year.to_string())
}

/// Reads `data`, makes the year's files and writes them into `<out>/osha/<year>/`.
pub fn run(data: &Path, load: &LoadOptions, year: i32, out: &Path) -> Result<OshaRun, OshaError> {
    let year = i16::try_from(year).ok().filter(|y| (1980..=2200).contains(y)).ok_or(OshaError::Year(year))?;
    if data.is_dir() && crate::ingest::locate(data, FileKind::Injuries)?.is_none() {
        return Err(OshaError::NoInjuries(data.to_path_buf()));
    }
    let loaded = crate::ingest::osha::load(data, load, year)?;
    let placement = establishment::place(&loaded, year);
    let made = YearForms::make(&loaded, &placement, year);
    let dir = folder(out, year);
    let _lock = crate::export::lock(out)?;
    let mut staged = StagedFolder::new(&dir, crate::export::Keep::Nothing)?;
    made.stage(&mut staged, &loaded, year)?;
    let written = staged.files().iter().map(|f| dir.join(&f.path)).collect();
    staged.publish()?;
    Ok(OshaRun { dir, loaded, findings: made.findings, rows: made.rows, written })
}

/// Everything the year's files say, before any is written.
struct YearForms {
    forms: Vec<forms::EstablishmentForms>,
    rows: Vec<Ita300aRow>,
    ita_cases: Vec<log::ItaCaseRow>,
    findings: Vec<Finding>,
}

impl YearForms {
    fn make(loaded: &OshaLoaded, placement: &Placement, year: i16) -> YearForms {
        let mut findings = case_findings(loaded, placement, year);
        let (mut forms, mut rows, mut ita_cases) = (Vec::new(), Vec::new(), Vec::new());
        for (e, cases) in &placement.establishments {
            let mut recordable: Vec<&OshaCase> =
                cases.iter().map(|&i| &loaded.cases[i]).filter(|c| c.osha_class.is_recordable()).collect();
            recordable.sort_by(|a, b| a.case_id.cmp(&b.case_id));
            let totals = Totals::of(recordable.iter().copied());
            let these: Vec<log::ItaCaseRow> = recordable.iter().map(|c| log::ItaCaseRow::new(e, year, c)).collect();
            let recount = log::case_file_totals(&these.iter().collect::<Vec<_>>());
            findings.extend(log::totals_agree(&e.id, &totals, &recount));
            let log: Vec<log::Form300Row> = recordable.iter().map(|c| log::Form300Row::new(e, c)).collect();
            forms.push(forms::EstablishmentForms::new(e, Form300aRow::new(e, year, &totals), log));
            ita_cases.extend(these);
            let row = Ita300aRow::new(e, year, &totals);
            findings.extend(checks::check_row(&row));
            findings.extend(short_exposure(e));
            rows.push(row);
        }
        findings.extend(checks::check_rows(&rows));
        findings.extend(log::missing_fields(&ita_cases));
        findings
            .sort_by(|a, b| (a.severity, &a.establishment, &a.field).cmp(&(b.severity, &b.establishment, &b.field)));
        YearForms { forms, rows, ita_cases, findings }
    }

    /// The year's files into the staged folder. The forms (for people)
    /// carry the byte-order mark of every CSV report; the two ITA uploads
    /// do not, since they go to OSHA's parser, not to Excel.
    fn stage(&self, staged: &mut StagedFolder, loaded: &OshaLoaded, year: i16) -> Result<(), OshaError> {
        let csv = |file: &'static str| move |source| OshaError::Csv { file, source };
        staged.add_bytes("README.txt", README.as_bytes())?;
        let form_300a = output_csv(self.forms.iter().map(|f| &f.summary)).map_err(csv(FORM_300A))?;
        let form_300 = output_csv(self.forms.iter().flat_map(|f| &f.log)).map_err(csv(FORM_300))?;
        let validation = output_csv(&self.findings).map_err(csv(ITA_VALIDATION))?;
        staged.add(FORM_300A, &Bytes(&form_300a))?;
        staged.add(ITA_300A, &Bytes(&summary::ita_300a_bytes(&self.rows).map_err(csv(ITA_300A))?))?;
        staged.add(FORM_300, &Bytes(&form_300))?;
        staged.add(ITA_CASES, &Bytes(&log::ita_cases_bytes(&self.ita_cases).map_err(csv(ITA_CASES))?))?;
        staged.add(ITA_VALIDATION, &Bytes(&validation))?;
        forms::stage_workbook(staged, year, [&form_300a, &form_300, &validation])?;
        forms::stage(staged, year, &self.forms)?;
        for report in &loaded.files {
            staged.add(&quarantine::path(report.kind), &QuarantineCsv::of(report, &loaded.quarantine))?;
        }
        let manifest = json_bytes(&Manifest::new(loaded, year, staged, &self.findings)).map_err(OshaError::Json)?;
        staged.add_bytes("manifest.json", &manifest)?;
        Ok(())
    }
}

/// The warning that an establishment's figures come from less than a
/// year of exposure (the 300A asks for the whole year's).
fn short_exposure(e: &establishment::Establishment) -> Option<Finding> {
    (e.figures_from == FigureSource::Exposure && e.exposure_months < 12).then(|| {
        Finding::new(
            &e.id,
            "total_hours_worked",
            Severity::Warning,
            format!("the figures come from {} months of exposure.csv, not 12", e.exposure_months),
            "complete exposure.csv for the year, or give the figures in establishments.csv",
        )
    })
}

/// What the cases say before any form is made: cases no establishment
/// takes, cases without a type, days on a case of another outcome, and
/// rows of the year the reader had to quarantine.
fn case_findings(loaded: &OshaLoaded, placement: &Placement, year: i16) -> Vec<Finding> {
    let mut out = Vec::new();
    for u in &placement.unplaced {
        out.push(Finding::new(
            "",
            "establishment",
            Severity::Error,
            format!("case {}: {}", u.case_id, u.reason),
            "fill the case's establishment, or list it in establishments.csv",
        ));
    }
    if !placement.from_file && loaded.cases.iter().any(|c| c.establishment.as_ref().is_some_and(|e| *e != c.department))
    {
        out.push(Finding::new(
            "",
            "establishment",
            Severity::Warning,
            "injuries.csv names establishments but there is no establishments.csv: cases are counted by department"
                .into(),
            "add establishments.csv",
        ));
    }
    for (e, cases) in &placement.establishments {
        for c in cases.iter().map(|&i| &loaded.cases[i]).filter(|c| c.osha_class.is_recordable()) {
            let mut add = |field: &str, severity, problem: String, fix: &str| {
                out.push(Finding::new(&e.id, field, severity, format!("case {}: {problem}", c.case_id), fix));
            };
            if injury_type::of_case(c).injury_type().is_none() {
                add("injury_type", Severity::Error, injury_type::why_unknown(c), "fill injury_type for the case");
            }
            days_findings(c, &mut add);
        }
    }
    // A duplicate id's later row is not a missing case: its first row is on
    // the forms (and the quarantine file lists the duplicate to check).
    let quarantined =
        loaded.quarantine.iter().filter(|q| q.file == FileKind::Injuries && q.reason != Reason::DuplicateId);
    let quarantined = quarantined.filter(|q| {
        let header = loaded.files.iter().find(|f| f.kind == FileKind::Injuries).map(|f| &f.header);
        let at = header.and_then(|h| h.iter().position(|c| c.trim().eq_ignore_ascii_case("event_date")));
        let date = at.and_then(|i| q.fields.get(i)).map(|d| d.trim());
        date.is_none_or(|d| {
            d.get(..4) == Some(year.to_string().as_str()) || d.get(..4).is_none_or(|y| y.parse::<i16>().is_err())
        })
    });
    let n = quarantined.count();
    if n > 0 {
        let problem = format!(
            "{n} rows of injuries.csv of this year (or of an unknown date) were quarantined: the forms miss those cases"
        );
        out.push(Finding::new(
            "",
            "injuries.csv",
            Severity::Error,
            problem,
            "fix the rows listed in quarantine/injuries.csv",
        ));
    }
    out
}

fn days_findings(c: &crate::ingest::osha::OshaCase, add: &mut checks::Add<'_>) {
    use crate::schema::OshaClass;
    let (away, restricted) = (c.days_away.unwrap_or(0), c.days_restricted.unwrap_or(0));
    if away > 0 && c.osha_class != OshaClass::DaysAway {
        add(
            "days_away",
            Severity::Error,
            format!("{away} days away on a {} case", c.osha_class.as_str()),
            "correct osha_class (days away make it days_away) or the days",
        );
    }
    if restricted > 0 && !matches!(c.osha_class, OshaClass::DaysAway | OshaClass::Restricted) {
        add(
            "days_restricted",
            Severity::Error,
            format!("{restricted} restricted days on a {} case", c.osha_class.as_str()),
            "correct osha_class or the days",
        );
    }
    if c.osha_class == OshaClass::DaysAway && away == 0 {
        add(
            "days_away",
            Severity::Warning,
            "a days-away case with no days away".into(),
            "give the days (an estimate while the worker is still away)",
        );
    }
}

/// `manifest.json` of the OSHA folder.
#[derive(Debug, Serialize)]
struct Manifest<'a> {
    confidential: bool,
    riskrank_version: &'a str,
    year: i16,
    data: String,
    inputs: Vec<Input>,
    outputs: Vec<Output<'a>>,
    errors: usize,
    warnings: usize,
}

#[derive(Debug, Serialize)]
struct Input {
    path: String,
    sha256: String,
    read: u64,
    accepted: u64,
    quarantined: u64,
}

#[derive(Debug, Serialize)]
struct Output<'a> {
    path: &'a str,
    sha256: &'a str,
    bytes: usize,
}

impl<'a> Manifest<'a> {
    fn new(loaded: &OshaLoaded, year: i16, staged: &'a StagedFolder, findings: &[Finding]) -> Self {
        let count = |s| findings.iter().filter(|f| f.severity == s).count();
        Manifest {
            confidential: true,
            riskrank_version: env!("CARGO_PKG_VERSION"),
            year,
            data: loaded.dir.display().to_string(),
            inputs: loaded
                .files
                .iter()
                .map(|f| Input {
                    path: f.file_name(),
                    sha256: f.sha256.clone(),
                    read: f.read,
                    accepted: f.accepted,
                    quarantined: f.quarantined,
                })
                .collect(),
            outputs: staged
                .files()
                .iter()
                .map(|f| Output { path: &f.path, sha256: &f.sha256, bytes: f.bytes })
                .collect(),
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
        }
    }
}
