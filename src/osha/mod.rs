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
//! - the quarantine files of what was read, `README.txt` and `manifest.json`.
//!
//! Data flow: `ingest::osha` reads; [`establishment`] places each case;
//! [`summary`] counts; [`checks`] judges the cells as they will be written.

pub mod checks;
pub mod establishment;
pub mod injury_type;
pub mod log;
pub mod summary;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::export::quarantine::{self, QuarantineCsv};
use crate::export::{Bytes, ExportError, StagedFolder, csv_bytes, json_bytes};
use crate::ingest::osha::{OshaCase, OshaLoaded};
use crate::ingest::{FileKind, IngestError, LoadOptions};
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
    let mut findings = case_findings(&loaded, &placement, year);
    let (mut form, mut rows, mut log, mut ita_cases) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (e, cases) in &placement.establishments {
        let mut recordable: Vec<&OshaCase> =
            cases.iter().map(|&i| &loaded.cases[i]).filter(|c| c.osha_class.is_recordable()).collect();
        recordable.sort_by(|a, b| a.case_id.cmp(&b.case_id));
        let totals = Totals::of(recordable.iter().copied());
        let these: Vec<log::ItaCaseRow> = recordable.iter().map(|c| log::ItaCaseRow::new(e, year, c)).collect();
        findings.extend(log::totals_agree(&e.id, &totals, &log::case_file_totals(&these.iter().collect::<Vec<_>>())));
        log.extend(recordable.iter().map(|c| log::Form300Row::new(e, c)));
        ita_cases.extend(these);
        form.push(Form300aRow::new(e, year, &totals));
        let row = Ita300aRow::new(e, year, &totals);
        findings.extend(checks::check_row(&row));
        if e.figures_from == FigureSource::Exposure && e.exposure_months < 12 {
            let problem = format!("the figures come from {} months of exposure.csv, not 12", e.exposure_months);
            findings.push(Finding::new(
                &e.id,
                "total_hours_worked",
                Severity::Warning,
                problem,
                "complete exposure.csv for the year, or give the figures in establishments.csv",
            ));
        }
        rows.push(row);
    }
    findings.extend(log::missing_fields(&ita_cases));
    findings.sort_by(|a, b| (a.severity, &a.establishment, &a.field).cmp(&(b.severity, &b.establishment, &b.field)));
    let dir = folder(out, year);
    let _lock = crate::export::lock(out)?;
    let mut staged = StagedFolder::new(&dir, crate::export::Keep::Nothing)?;
    let csv = |file: &'static str| move |source| OshaError::Csv { file, source };
    staged.add_bytes("README.txt", README.as_bytes())?;
    staged.add(FORM_300A, &Bytes(&csv_bytes(&form).map_err(csv(FORM_300A))?))?;
    staged.add(ITA_300A, &Bytes(&summary::ita_300a_bytes(&rows).map_err(csv(ITA_300A))?))?;
    staged.add(FORM_300, &Bytes(&csv_bytes(&log).map_err(csv(FORM_300))?))?;
    staged.add(ITA_CASES, &Bytes(&log::ita_cases_bytes(&ita_cases).map_err(csv(ITA_CASES))?))?;
    staged.add(ITA_VALIDATION, &Bytes(&csv_bytes(&findings).map_err(csv(ITA_VALIDATION))?))?;
    for report in &loaded.files {
        staged.add(&quarantine::path(report.kind), &QuarantineCsv::of(report, &loaded.quarantine))?;
    }
    let manifest = json_bytes(&Manifest::new(&loaded, year, &staged, &findings)).map_err(OshaError::Json)?;
    staged.add_bytes("manifest.json", &manifest)?;
    let written = staged.files().iter().map(|f| dir.join(&f.path)).collect();
    staged.publish()?;
    Ok(OshaRun { dir, loaded, findings, rows, written })
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
    let quarantined = loaded.quarantine.iter().filter(|q| q.file == FileKind::Injuries).filter(|q| {
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
