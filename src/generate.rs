//! Synthetic data with documented ground truth: `riskrank generate`.
//!
//! [`write()`] fills a data folder that follows the data contract
//! (`shared/spec/data-contract.md`) with a city-like set of departments, their
//! hours, an OSHA 300-style injury log and a workers' compensation claims
//! file, together with the true parameters that produced them, so that models
//! can be scored against the truth and the reader can be tested against
//! known defects. Everything below is the data-generating process (DGP); the
//! constants it names are defined in this module.
//!
//! # Files
//!
//! | file | rows |
//! | --- | --- |
//! | `injuries.csv` | one per case (recordable, first aid, near miss), plus injected bad rows |
//! | `claims.csv` | one per claim reported by the valuation date, plus injected bad rows |
//! | `exposure.csv` | one per department and month, plus injected bad rows (not with `--no-exposure`) |
//! | `departments.csv` | one per department (not with `--no-departments`) |
//! | `truth.csv` | `department,month,hours,expected_recordable,expected_incurred` for every department-month |
//! | `truth_departments.csv` | the true coefficients of every department (see below) |
//! | `bad_rows.csv` | `file,line,kind` for every injected bad row, sorted by file then line |
//! | `params.json` | the [`GenerateParams`] |
//!
//! Good rows are written with the csv crate, columns in the order of the
//! contract tables; claims.csv then has one extension column,
//! `initial_incurred` (the case estimate at first report, see Claims), as
//! its last column. Dates are `YYYY-MM-DD`, months `YYYY-MM`, money plain
//! decimals with two places, hours and headcount one decimal. The injury and
//! claim files are streamed through a buffered writer to a temporary sibling
//! and renamed into place, the small files go through
//! [`crate::output::write_atomic`]. A file of an earlier run that this run
//! does not write (`exposure.csv` with `--no-exposure`, `departments.csv`
//! with `--no-departments`) is removed, and so is a `.csv.gz` sibling of any
//! input file, so the folder always describes this run alone.
//!
//! # Randomness and determinism
//!
//! Every draw comes from `ChaCha8Rng::seed_from_u64(seed)` with a fixed
//! stream per purpose (`set_stream`): stream 1 the department parameters,
//! stream 2 exposure, stream 3 the bad rows, stream `1000 + d` the cases and
//! claims of department `d`, stream `2^32 + d` the initial case estimates of
//! department `d` (a stream of their own, so that adding the column moved no
//! other value). The same parameters therefore give byte-identical files,
//! and the good rows do not change with `--bad-rows`. Hours, exposure and truth do not depend on `--injuries-scale`
//! except that the expected counts are multiplied by it.
//!
//! # Window
//!
//! `years × 12` months ending with `end` (inclusive). Every date of a good row
//! lies inside the window and on or before the valuation date, the last day
//! of `end`. Event and injury dates are uniform within their month.
//!
//! # Departments
//!
//! The first `D` entries of a fixed list of city departments (Police `LAPD`,
//! Fire `LAFD`, Sanitation `SAN`, …, see `DEPARTMENT_TABLE`), each with a
//! peer group `public_safety`, `field_operations` or `office`. Beyond the
//! list, numbered districts of the large operational departments are added
//! (`Sanitation District 2`, code `SAN2`). Headcount = size hint ×
//! exp(N(0, 0.1)) for listed departments, size hint × log-uniform(0.1, 0.5)
//! for districts, at least 10, so from tens to about 12,000 (Police largest).
//!
//! # Exposure
//!
//! Per department, headcount follows a small random walk, `hc_t = hc_{t-1} ×
//! exp(N(0.0005, 0.008))`. Hours `H_dt = hc_t × 173.33 × (days in month /
//! 30.44) × overtime_g × exp(N(0, 0.025))`, rounded to 0.1 h (overtime 1.15
//! public safety, 1.05 field operations, 1.00 office). Payroll = `H_dt ×
//! wage_g × 1.03^(years since window start) × exp(N(0, 0.01))` with wages
//! $68, $42 and $46 an hour. Hours are generated (and written to truth.csv)
//! also when exposure.csv is not written.
//!
//! # Recordable rate
//!
//! The true rate of recordable cases per 200,000 hours of department `d` in
//! month `t` (t = 0 … T−1) is log-linear:
//!
//! ```text
//! log λ_dt = base + group_effect_g + department_effect_d
//!          + A_g · cos(2π (month_of_year − 7) / 12)          (summer peak)
//!          + trend_d · (t − (T − 1) / 2) / 12                  (per year, centred)
//!          + break_size_d · 1[t ≥ break_d]                     (structural break)
//! ```
//!
//! * `base = ln 6` (`BASE_RATE`); `group_effect = ln(rate_g / 6)` with
//!   `rate_g` = 13 public safety, 9 field operations, 1.8 office;
//! * `department_effect ~ N(0, 0.35)`;
//! * `A_g` = 0.12, 0.15, 0.06;
//! * `trend_d ~ N(−0.03, 0.05)` per year;
//! * `round(0.1 D)` departments, chosen at random, get a level shift of size
//!   ±U(0.25, 0.5) (random sign) from a month drawn uniformly away from the
//!   window's edges (`min(6, T/4)` months), the others none.
//!
//! Expected recordable cases `μ_dt = λ_dt × H_dt / 200,000 × scale`;
//! recordables ~ Poisson(μ_dt), first aid cases ~ Poisson(μ_dt × f_g × m_d),
//! near misses ~ Poisson(μ_dt × n_g × m'_d), with `f_g` = 0.45, 0.55, 0.7,
//! `n_g` = 0.25, 0.3, 0.35 and department reporting-culture multipliers
//! `m_d, m'_d ~ exp(N(0, 0.3))`. All of them are independent given μ.
//!
//! # Cases
//!
//! The OSHA class of a recordable case is drawn from the group's mix
//! (death, days away, restricted, other recordable): public safety
//! 0.0004/0.36/0.30/rest, field operations 0.0003/0.30/0.28/rest, office
//! 0.0001/0.22/0.18/rest. Days away (days away cases) =
//! round(LogNormal(median m_g, σ 1.1)) with m_g = 14, 12, 10, clamped to
//! 1…180, and with probability 0.4 also restricted days after the return,
//! round(LogNormal(median 10, σ 0.9)); days restricted of restricted cases =
//! round(LogNormal(median 14, σ 1.0)); all clamped to 1…180. Other classes
//! have 0 and 0.
//!
//! WCIO cause codes are drawn from group-specific weights over 56 Lifting,
//! 29 Fall on Same Level, 31 Fall/Slip/Trip NOC, 81 Struck By NOC, 97
//! Repetitive Motion, 60 Jumping, 45 Collision of Motor Vehicles, 74 Fellow
//! Worker, Patient or Other Person (assaults, mostly public safety) and 19
//! Cut/Puncture/Scrape; nature (52 Strain, 49 Sprain, 10 Contusion, 40
//! Laceration, 37 Inflammation, 78 Carpal Tunnel, 16 Dislocation, 28 Fracture)
//! and body part (42 Lower Back, 53 Knee, 38 Shoulder, 35 Hand, 36 Finger,
//! 34 Wrist, 20 Neck, 90 Multiple, 55 Ankle) given the cause (`CAUSES`).
//! Near misses have a cause but no nature or body part. The class is drawn
//! independently of the codes. `job_class` comes from the department's job
//! family, `employee_id` (`E` + 7 digits) from the department's own range of
//! ids (so repeat injuries happen). `description` is built from the codes
//! ("lifted trash bin, strained lower back"); 2% add a quoted remark (`said
//! "felt a pop"`) and 1% a second line (`\nfollow-up: …`), so the reader
//! must handle commas, doubled quotes and embedded newlines.
//!
//! Case ids are `<department>-<year>-<sequence>`; rows are in date order
//! within a department-month, departments in list order.
//!
//! # Claims
//!
//! A recordable case becomes a claim with probability `q_c` (death 1.0, days
//! away 0.95, restricted 0.85, other recordable 0.65); first aid cases and
//! near misses never do. In addition each department-month has
//! Poisson(0.08 μ_dt) claims without a case (empty `case_id`, e.g. cumulative
//! trauma filed directly). Per claim, for class c (`CLAIM_CLASSES`):
//!
//! * litigated with probability `l_c` (0.5, 0.15, 0.05, 0.02; unlinked 0.25);
//! * ultimate cost `U = B × k_g × 1.045^(t/12) × (1.8 if litigated)`, with
//!   `k_g` = 1.3, 1.0, 0.9 and `B` = min(Pareto(75,000, α 1.7), 5,000,000)
//!   with probability `p_c` (0, 0.05, 0.015, 0.003; 0.04) else
//!   LogNormal(median `M_c`, σ_c) with `M_c` = 350,000, 14,000, 4,500,
//!   1,200; 9,000 and σ_c = 0.5, 1.1, 1.0, 0.9; 1.2;
//! * reported = injury + lag days, lag = LogNormal(median 5 days (45 for
//!   unlinked), σ 1.0), with probability 0.05 instead Pareto(30, 1.1) capped
//!   at 1,095 days. A claim reported after the valuation date is not in
//!   claims.csv (incurred but not reported);
//! * closing time `S` = LogNormal(median 540, 270, 120, 45; 300 days, σ 0.8)
//!   × 2.5 if litigated, at least one day. If `reported + S` ≤ valuation date
//!   the claim is closed on that day with paid = U and reserve 0, except that
//!   with probability 0.0, 0.06, 0.03, 0.02; 0.04 it is reopened 30…540 days
//!   later (if that is before valuation): status `reopened`, the old
//!   closed_date kept, paid = r U with r ~ U(0.75, 0.95) and reserve = (1 − r)
//!   U × e. Otherwise it is open, paid = (0.1 + 0.8 min(1, age / S)) U with
//!   age = valuation − reported, reserve = (U − paid) × e. `e =
//!   exp(N(−0.35²/2, 0.35))` (mean one: case reserves are unbiased), reserve
//!   at least $50;
//! * paid splits into expense U(0.04, 0.12) (+0.10 if litigated), indemnity
//!   U(0.30, 0.55) for lost-time claims (death, days away; half of unlinked
//!   claims), 0 otherwise, and medical the rest;
//! * claim ids `WC` + 7 digits in file order; codes, job class and employee
//!   copied from the case;
//! * `initial_incurred`, the insurer's case estimate set at first report:
//!   round(LogNormal(median s × U, σ 0.9)) whole dollars, at least $250, with
//!   s = 0.55 for lost-time claims (the worker is off work when the claim is
//!   reported) and 0.35 otherwise. It is biased low (before the floor its
//!   mean is exp(0.9²/2) s U ≈ 0.52 U and 0.82 U; real first estimates fall
//!   short of the ultimate too), noisy, and uses nothing learnt after the
//!   report except through U itself (litigated claims get larger estimates
//!   because U carries the litigation multiplier). Drawn once the claims of
//!   a department-month are complete, in file order, from the department's
//!   estimate stream.
//!
//! # Truth
//!
//! `truth.csv` has, per department-month, the hours, `expected_recordable =
//! μ_dt` and the expected ultimate incurred of the claims arising from that
//! month's injuries (reported by the valuation date or not):
//!
//! ```text
//! expected_incurred = μ_dt × ( Σ_c π_gc q_c E[U_c] + 0.08 E[U_unlinked] )
//! E[U_c] = k_g × 1.045^(t/12) × (1 + 0.8 l_c)
//!          × ( (1 − p_c) M_c exp(σ_c²/2) + p_c E[min(Pareto, cap)] )
//! E[min(Pareto(x, α), C)] = x α/(α−1) − x^α C^(1−α)/(α−1)
//! ```
//!
//! where π_gc is the group's class mix. `truth_departments.csv` has
//! `department,group,base,group_effect,department_effect,seasonal_amplitude,
//! trend,break_month,break_size` (break_month empty and break_size 0 when a
//! department has no break), enough to rebuild every λ_dt.
//!
//! # Bad rows
//!
//! `--bad-rows R` injects R rows in total. Bad row i takes the i-th pair of
//! the list of (kind, file) pairs that apply, in [`Reason`] order and file
//! order injuries, claims, exposure, cycling: unknown_enum does not apply to
//! exposure (no enum column), reported_before_injury and closed_without_date
//! only to claims, unknown_department not with `--no-departments`, nothing
//! to exposure with `--no-exposure`. R ≥ 30 covers every applicable pair.
//! Each bad row is a hand-built single physical line with exactly one
//! defect, at a random position among the good rows: injury and claim rows
//! go into a department-month drawn with probability proportional to its
//! expected cases μ_dt, at a uniform position within it, dated in it. A bad
//! claim row's `initial_incurred` is half its paid amount in whole dollars,
//! computed from amounts already drawn (no draw of its own). Bad
//! rows have fresh ids (`BAD-I-00001`, `BAD-C-00002`), bad exposure rows
//! fresh (department, month) keys (before the window, or 40 years after
//! `end`), except duplicate_id rows, which repeat the id (injuries: the last
//! good case before them; claims: the last good claim) or key (a random
//! earlier good exposure row) of an earlier good row. The defects, cycling
//! through columns by occurrence: missing_value (a required cell empty),
//! unparsable_value (`2024-13-45`, `abc`, `12..5`, `maybe`, `2024-02-30`,
//! `2019-13`), out_of_range (negative days or money, hours 0 or negative),
//! unknown_enum (`serious`, `pending`), unknown_department (`ZZZ`),
//! future_date (40 years after `end`), reported_before_injury,
//! closed_without_date, wrong_field_count (one field short or one extra,
//! against the header with `initial_incurred`),
//! malformed_quoting (`at Main "Street" yard` inside an unquoted field, or
//! text after a closing quote `"lifted trash bin" near the truck`; always an
//! even number of quote characters on the line). `bad_rows.csv` gives the
//! 1-based physical line where the row starts (the header is line 1;
//! embedded newlines of good rows are counted). In the degenerate case of a
//! file without any good row, a planned duplicate_id row is written as a
//! missing_value row instead.

use std::cell::{Cell, RefCell};
use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Poisson, StandardNormal};
use serde::{Serialize, Serializer};

use crate::ingest::Reason;
use crate::output::{csv_bytes, write_atomic};
use crate::schema::{ClaimStatus, Department, Month, OshaClass};

/// What to generate. Serialized to `params.json`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct GenerateParams {
    pub seed: u64,
    pub departments: usize,
    pub years: u32,
    pub bad_rows: usize,
    pub end: Month,
    pub with_exposure: bool,
    pub with_departments: bool,
    /// Multiplies expected case counts (and so claims); lets benches make 1M+ rows.
    pub scale: f64,
}

impl Default for GenerateParams {
    /// The bundled sample: seed 7, 40 departments, 6 years to 2025-12, no bad rows.
    fn default() -> Self {
        GenerateParams {
            seed: 7,
            departments: 40,
            years: 6,
            bad_rows: 0,
            end: Month::from_index(2025 * 12 + 11),
            with_exposure: true,
            with_departments: true,
            scale: 1.0,
        }
    }
}

/// Data rows written per file (excluding the header, including injected bad
/// rows); `exposure` is 0 when exposure.csv is not written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct GeneratedSummary {
    pub injuries: usize,
    pub claims: usize,
    pub exposure: usize,
    pub bad_rows: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("cannot write {}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("cannot write CSV file {}", .0.display())]
    Csv(PathBuf, #[source] csv::Error),
    #[error("invalid generator parameters: {0}")]
    InvalidParams(String),
}

pub const INJURIES_FILE: &str = "injuries.csv";
pub const CLAIMS_FILE: &str = "claims.csv";
pub const EXPOSURE_FILE: &str = "exposure.csv";
pub const DEPARTMENTS_FILE: &str = "departments.csv";
pub const TRUTH_FILE: &str = "truth.csv";
pub const TRUTH_DEPARTMENTS_FILE: &str = "truth_departments.csv";
pub const BAD_ROWS_FILE: &str = "bad_rows.csv";
pub const PARAMS_FILE: &str = "params.json";

/// Contract column order of injuries.csv.
pub const INJURY_COLUMNS: [&str; 12] = [
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
    "employee_id",
    "description",
];

/// Contract column order of claims.csv, then the optional extension column
/// `initial_incurred` (the case estimate at first report).
pub const CLAIM_COLUMNS: [&str; 19] = [
    "claim_id",
    "case_id",
    "department",
    "injury_date",
    "reported_date",
    "valuation_date",
    "status",
    "closed_date",
    "paid_medical",
    "paid_indemnity",
    "paid_expense",
    "reserve",
    "litigated",
    "cause_code",
    "nature_code",
    "body_part_code",
    "job_class",
    "employee_id",
    "initial_incurred",
];

/// Contract column order of exposure.csv.
pub const EXPOSURE_COLUMNS: [&str; 5] = ["department", "month", "hours_worked", "headcount", "payroll"];

/// Writes a synthetic data folder into `out` (created if needed).
pub fn write(params: &GenerateParams, out: &Path) -> Result<GeneratedSummary, GenerateError> {
    let window = Window::new(params)?;
    fs::create_dir_all(out).map_err(io_err(out))?;
    let depts = build_departments(params, &window);
    let cells = build_cells(params, &window, &depts);
    let tables = Tables::new();
    let mut bad = BadRows::plan(params, &window, &cells)?;

    let mut injuries = DataFile::create(out, INJURIES_FILE, &INJURY_COLUMNS)?;
    let mut claims = DataFile::create(out, CLAIMS_FILE, &CLAIM_COLUMNS)?;
    let mut exposure =
        if params.with_exposure { Some(DataFile::create(out, EXPOSURE_FILE, &EXPOSURE_COLUMNS)?) } else { None };

    let mut cases = CaseWriter::new(&window, &tables);
    for (d, dept) in depts.iter().enumerate() {
        let mut rng = stream(params.seed, CASE_STREAM + d as u64);
        let mut estimates = stream(params.seed, ESTIMATE_STREAM + d as u64);
        cases.start_department();
        for t in 0..window.months {
            let c = d * window.months + t;
            if let Some(file) = exposure.as_mut() {
                bad.exposure_before(c, file, &depts, &cells, &window)?;
                file.good(&exposure_row(dept, window.month(t), &cells[c]))?;
            }
            cases.generate_cell(&mut rng, dept, t, &cells[c]);
            cases.estimate_claims(&mut estimates);
            cases.write_injuries(c, dept, t, &mut injuries, &mut bad)?;
            cases.write_claims(c, dept, t, &mut claims, &mut bad)?;
        }
    }
    if let Some(file) = exposure.as_mut() {
        bad.exposure_before(cells.len(), file, &depts, &cells, &window)?;
    }
    bad.finish_pending(&mut injuries, &mut claims, &depts, &window)?;

    let mut entries = Vec::with_capacity(params.bad_rows);
    let n_injuries = injuries.commit(&mut entries)?;
    let n_claims = claims.commit(&mut entries)?;
    let n_exposure = match exposure {
        Some(file) => file.commit(&mut entries)?,
        None => 0,
    };
    entries.sort_by(|a, b| (a.file, a.line).cmp(&(b.file, b.line)));

    if params.with_departments {
        let rows = depts.iter().map(|d| Department {
            department: d.code.clone(),
            name: d.name.clone(),
            group: Some(d.group.as_str().to_string()),
        });
        write_csv(out, DEPARTMENTS_FILE, rows)?;
    }
    write_csv(out, TRUTH_FILE, truth_rows(&depts, &cells, &window))?;
    write_csv(out, TRUTH_DEPARTMENTS_FILE, depts.iter().map(|d| truth_department_row(d, &window)))?;
    write_bad_rows(out, &entries)?;
    let mut json = serde_json::to_vec_pretty(params)
        .map_err(|e| GenerateError::Io { path: out.join(PARAMS_FILE), source: io::Error::other(e) })?;
    json.push(b'\n');
    let path = out.join(PARAMS_FILE);
    write_atomic(&path, &json).map_err(io_err(&path))?;
    remove_stale(params, out)?;

    Ok(GeneratedSummary { injuries: n_injuries, claims: n_claims, exposure: n_exposure, bad_rows: entries.len() })
}

// ---------------------------------------------------------------------------
// Constants of the data-generating process (documented in the module doc).

const RATE_BASE_HOURS: f64 = 200_000.0;
/// exp(base): recordables per 200,000 h of the reference level.
const BASE_RATE: f64 = 6.0;
const HOURS_PER_FTE_MONTH: f64 = 173.33;
const DEPARTMENT_EFFECT_SD: f64 = 0.35;
const TREND_MEAN: f64 = -0.03;
const TREND_SD: f64 = 0.05;
const BREAK_SHARE: f64 = 0.10;
const BREAK_SIZE: (f64, f64) = (0.25, 0.5);
const REPORTING_CULTURE_SD: f64 = 0.3;
const UNLINKED_CLAIM_RATE: f64 = 0.08;
const SEVERITY_TREND: f64 = 1.045;
const WAGE_TREND: f64 = 1.03;
const LITIGATION_MULTIPLIER: f64 = 1.8;
const TAIL_SCALE: f64 = 75_000.0;
const TAIL_SHAPE: f64 = 1.7;
const TAIL_CAP: f64 = 5_000_000.0;
const LAG_SIGMA: f64 = 1.0;
const LAG_TAIL_PROB: f64 = 0.05;
const LAG_TAIL_SCALE: f64 = 30.0;
const LAG_TAIL_SHAPE: f64 = 1.1;
const LAG_CAP_DAYS: f64 = 1095.0;
const CLOSE_SIGMA: f64 = 0.8;
const LITIGATED_CLOSE_FACTOR: f64 = 2.5;
const RESERVE_SIGMA: f64 = 0.35;
const MIN_RESERVE_CENTS: i64 = 5_000;
/// Initial case estimate: share of the ultimate for medical-only and lost-time claims.
const ESTIMATE_SHARE: f64 = 0.35;
const ESTIMATE_SHARE_LOST_TIME: f64 = 0.55;
const ESTIMATE_SIGMA: f64 = 0.9;
const ESTIMATE_FLOOR_DOLLARS: f64 = 250.0;
const DAYS_CAP: f64 = 180.0;
const QUOTE_SHARE: f64 = 0.02;
const NEWLINE_SHARE: f64 = 0.01;
/// Bad future dates lie this many months after `end`.
const FUTURE_MONTHS: i32 = 480;

const DEPT_STREAM: u64 = 1;
const EXPOSURE_STREAM: u64 = 2;
const BAD_STREAM: u64 = 3;
const CASE_STREAM: u64 = 1000;
/// `ESTIMATE_STREAM + d`: the initial case estimates of department `d`. Far
/// above `CASE_STREAM + d` for any allowed number of departments.
const ESTIMATE_STREAM: u64 = 1 << 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    PublicSafety,
    FieldOperations,
    Office,
}

impl Group {
    fn idx(self) -> usize {
        self as usize
    }

    fn as_str(self) -> &'static str {
        match self {
            Group::PublicSafety => "public_safety",
            Group::FieldOperations => "field_operations",
            Group::Office => "office",
        }
    }

    fn params(self) -> &'static GroupParams {
        &GROUPS[self.idx()]
    }
}

struct GroupParams {
    /// Recordables per 200,000 h of an average department: exp(base + group effect).
    rate: f64,
    seasonal_amplitude: f64,
    /// death, days_away, restricted (other_recordable is the rest).
    class_mix: [f64; 3],
    first_aid_ratio: f64,
    near_miss_ratio: f64,
    days_away_median: f64,
    overtime: f64,
    wage: f64,
    cost_multiplier: f64,
}

static GROUPS: [GroupParams; 3] = [
    GroupParams {
        rate: 13.0,
        seasonal_amplitude: 0.12,
        class_mix: [0.0004, 0.36, 0.30],
        first_aid_ratio: 0.45,
        near_miss_ratio: 0.25,
        days_away_median: 14.0,
        overtime: 1.15,
        wage: 68.0,
        cost_multiplier: 1.3,
    },
    GroupParams {
        rate: 9.0,
        seasonal_amplitude: 0.15,
        class_mix: [0.0003, 0.30, 0.28],
        first_aid_ratio: 0.55,
        near_miss_ratio: 0.30,
        days_away_median: 12.0,
        overtime: 1.05,
        wage: 42.0,
        cost_multiplier: 1.0,
    },
    GroupParams {
        rate: 1.8,
        seasonal_amplitude: 0.06,
        class_mix: [0.0001, 0.22, 0.18],
        first_aid_ratio: 0.70,
        near_miss_ratio: 0.35,
        days_away_median: 10.0,
        overtime: 1.0,
        wage: 46.0,
        cost_multiplier: 0.9,
    },
];

const RECORDABLE: [OshaClass; 4] =
    [OshaClass::Death, OshaClass::DaysAway, OshaClass::Restricted, OshaClass::OtherRecordable];

impl GroupParams {
    /// Probabilities of death, days away, restricted, other recordable.
    fn class_probs(&self) -> [f64; 4] {
        let [a, b, c] = self.class_mix;
        [a, b, c, 1.0 - a - b - c]
    }
}

/// Claim parameters per class: death, days away, restricted, other
/// recordable, and claims without a case (index 4).
struct ClaimClass {
    claim_share: f64,
    median_cost: f64,
    sigma: f64,
    tail_prob: f64,
    litigation_prob: f64,
    close_median_days: f64,
    reopen_prob: f64,
    lost_time_prob: f64,
    report_median_days: f64,
}

const UNLINKED: usize = 4;

static CLAIM_CLASSES: [ClaimClass; 5] = [
    ClaimClass {
        claim_share: 1.0,
        median_cost: 350_000.0,
        sigma: 0.5,
        tail_prob: 0.0,
        litigation_prob: 0.5,
        close_median_days: 540.0,
        reopen_prob: 0.0,
        lost_time_prob: 1.0,
        report_median_days: 5.0,
    },
    ClaimClass {
        claim_share: 0.95,
        median_cost: 14_000.0,
        sigma: 1.1,
        tail_prob: 0.05,
        litigation_prob: 0.15,
        close_median_days: 270.0,
        reopen_prob: 0.06,
        lost_time_prob: 1.0,
        report_median_days: 5.0,
    },
    ClaimClass {
        claim_share: 0.85,
        median_cost: 4_500.0,
        sigma: 1.0,
        tail_prob: 0.015,
        litigation_prob: 0.05,
        close_median_days: 120.0,
        reopen_prob: 0.03,
        lost_time_prob: 0.0,
        report_median_days: 5.0,
    },
    ClaimClass {
        claim_share: 0.65,
        median_cost: 1_200.0,
        sigma: 0.9,
        tail_prob: 0.003,
        litigation_prob: 0.02,
        close_median_days: 45.0,
        reopen_prob: 0.02,
        lost_time_prob: 0.0,
        report_median_days: 5.0,
    },
    ClaimClass {
        claim_share: UNLINKED_CLAIM_RATE,
        median_cost: 9_000.0,
        sigma: 1.2,
        tail_prob: 0.04,
        litigation_prob: 0.25,
        close_median_days: 300.0,
        reopen_prob: 0.04,
        lost_time_prob: 0.5,
        report_median_days: 45.0,
    },
];

/// E[min(X, cap)] for X ~ Pareto(scale, shape), shape > 1.
fn capped_pareto_mean(scale: f64, shape: f64, cap: f64) -> f64 {
    scale * shape / (shape - 1.0) - scale.powf(shape) * cap.powf(1.0 - shape) / (shape - 1.0)
}

/// Expected ultimate cost of one claim of class `class` (index into
/// `CLAIM_CLASSES`) in group `group`, `years` after the window start.
fn expected_claim_cost(class: usize, group: Group, years: f64) -> f64 {
    let cc = &CLAIM_CLASSES[class];
    let body = cc.median_cost * (cc.sigma * cc.sigma / 2.0).exp();
    let tail = capped_pareto_mean(TAIL_SCALE, TAIL_SHAPE, TAIL_CAP);
    let base = (1.0 - cc.tail_prob) * body + cc.tail_prob * tail;
    base * group.params().cost_multiplier
        * SEVERITY_TREND.powf(years)
        * (1.0 + cc.litigation_prob * (LITIGATION_MULTIPLIER - 1.0))
}

/// Expected ultimate incurred per expected recordable case.
fn expected_incurred_per_case(group: Group, years: f64) -> f64 {
    let probs = group.params().class_probs();
    let linked: f64 =
        (0..4).map(|c| probs[c] * CLAIM_CLASSES[c].claim_share * expected_claim_cost(c, group, years)).sum();
    linked + UNLINKED_CLAIM_RATE * expected_claim_cost(UNLINKED, group, years)
}

// ---------------------------------------------------------------------------
// Departments.

#[derive(Debug, Clone, Copy)]
enum JobFamily {
    Police,
    Fire,
    Safety,
    Field,
    Office,
}

impl JobFamily {
    fn jobs(self) -> &'static [&'static str] {
        match self {
            JobFamily::Police => &[
                "Police Officer II",
                "Police Officer III",
                "Police Sergeant I",
                "Detention Officer",
                "Police Service Representative",
            ],
            JobFamily::Fire => &[
                "Firefighter III",
                "Fire Captain I",
                "Engineer of Fire Department",
                "Firefighter Paramedic",
                "Fire Inspector I",
            ],
            JobFamily::Safety => {
                &["Animal Control Officer", "Security Officer", "Park Ranger", "Traffic Officer II", "Lifeguard"]
            }
            JobFamily::Field => &[
                "Refuse Collection Truck Operator",
                "Maintenance Laborer",
                "Equipment Operator",
                "Tree Surgeon",
                "Electrician",
                "Motor Sweeper Operator",
                "Gardener Caretaker",
                "Heavy Duty Equipment Mechanic",
                "Street Services Worker",
                "Construction and Maintenance Supervisor",
            ],
            JobFamily::Office => &[
                "Clerk Typist",
                "Senior Administrative Clerk",
                "Management Analyst",
                "Accountant",
                "Systems Analyst",
                "Librarian",
                "Building Inspector",
                "Civil Engineer",
                "Custodian",
            ],
        }
    }
}

struct DeptDef {
    code: &'static str,
    name: &'static str,
    group: Group,
    size: f64,
    family: JobFamily,
    /// Large operational departments also get numbered districts.
    divisible: bool,
}

const fn dd(code: &'static str, name: &'static str, group: Group, size: f64, family: JobFamily) -> DeptDef {
    DeptDef { code, name, group, size, family, divisible: size >= 500.0 && !matches!(group, Group::Office) }
}

use Group::{FieldOperations as FO, Office as OF, PublicSafety as PS};
use JobFamily::{Field as JF, Fire as JR, Office as JO, Police as JP, Safety as JS};

/// The city's departments in the order they are taken.
static DEPARTMENT_TABLE: [DeptDef; 49] = [
    dd("LAPD", "Police", PS, 12000.0, JP),
    dd("LAFD", "Fire", PS, 3600.0, JR),
    dd("SAN", "Sanitation", FO, 3300.0, JF),
    dd("STS", "Street Services", FO, 1150.0, JF),
    dd("RAP", "Recreation and Parks", FO, 2900.0, JF),
    dd("DOT", "Transportation", FO, 1900.0, JF),
    dd("LAWA", "Airports", FO, 3900.0, JF),
    dd("HAR", "Harbor", FO, 950.0, JF),
    dd("LPL", "Library", OF, 1150.0, JO),
    dd("GSD", "General Services", FO, 1400.0, JF),
    dd("LADBS", "Building and Safety", OF, 1050.0, JO),
    dd("DWP", "Water and Power", FO, 9800.0, JF),
    dd("ANS", "Animal Services", PS, 330.0, JS),
    dd("PLN", "City Planning", OF, 420.0, JO),
    dd("DCA", "Cultural Affairs", OF, 75.0, JO),
    dd("PER", "Personnel", OF, 520.0, JO),
    dd("CTR", "Controller", OF, 160.0, JO),
    dd("ATY", "City Attorney", OF, 950.0, JO),
    dd("ITA", "Information Technology", OF, 430.0, JO),
    dd("ENG", "Public Works Engineering", OF, 800.0, JO),
    dd("BSL", "Street Lighting", FO, 260.0, JF),
    dd("ZOO", "Zoo", FO, 240.0, JF),
    dd("ELP", "El Pueblo", OF, 25.0, JO),
    dd("AGE", "Aging", OF, 45.0, JO),
    dd("EWD", "Economic Development", OF, 110.0, JO),
    dd("CNV", "Convention Center", FO, 60.0, JF),
    dd("EMD", "Emergency Management", PS, 40.0, JS),
    dd("HCI", "Housing", OF, 620.0, JO),
    dd("DNE", "Neighborhood Empowerment", OF, 30.0, JO),
    dd("DOD", "Disability", OF, 20.0, JO),
    dd("YDD", "Youth Development", OF, 22.0, JO),
    dd("FIN", "Finance", OF, 330.0, JO),
    dd("CLK", "City Clerk", OF, 120.0, JO),
    dd("DCR", "Cannabis Regulation", OF, 55.0, JO),
    dd("CRT", "Civil Rights", OF, 28.0, JO),
    dd("SEW", "Sewer Maintenance", FO, 750.0, JF),
    dd("FLT", "Fleet Services", FO, 480.0, JF),
    dd("FAC", "Facilities Maintenance", FO, 540.0, JF),
    dd("TRO", "Traffic Operations", FO, 380.0, JF),
    dd("UFD", "Urban Forestry", FO, 190.0, JF),
    dd("APD", "Airport Police", PS, 1100.0, JP),
    dd("PPD", "Port Police", PS, 210.0, JP),
    dd("TRF", "Traffic Officers", PS, 650.0, JS),
    dd("PRK", "Park Rangers", PS, 90.0, JS),
    dd("SSV", "Security Services", PS, 350.0, JS),
    dd("CNT", "Contract Administration", OF, 220.0, JO),
    dd("BPW", "Board of Public Works", OF, 90.0, JO),
    dd("ETH", "Ethics Commission", OF, 35.0, JO),
    dd("CIF", "Community Investment for Families", OF, 150.0, JO),
];

struct Dept {
    code: String,
    name: String,
    group: Group,
    family: JobFamily,
    headcount: f64,
    effect: f64,
    trend: f64,
    /// (month index t, size)
    brk: Option<(usize, f64)>,
    first_aid_mult: f64,
    near_miss_mult: f64,
    employee_base: u32,
    employee_count: u32,
}

fn build_departments(params: &GenerateParams, window: &Window) -> Vec<Dept> {
    let mut rng = stream(params.seed, DEPT_STREAM);
    let divisible: Vec<&DeptDef> = DEPARTMENT_TABLE.iter().filter(|d| d.divisible).collect();
    let mut depts = Vec::with_capacity(params.departments);
    let mut employee_base: u32 = 10_000;
    for i in 0..params.departments {
        let (code, name, def, headcount) = if let Some(def) = DEPARTMENT_TABLE.get(i) {
            let hc = def.size * normal(&mut rng, 0.0, 0.1).exp();
            (def.code.to_string(), def.name.to_string(), def, hc)
        } else {
            let e = i - DEPARTMENT_TABLE.len();
            let def = divisible[e % divisible.len()];
            let n = 2 + e / divisible.len();
            let hc = def.size * rng.gen_range(0.1f64.ln()..0.5f64.ln()).exp();
            (format!("{}{n}", def.code), format!("{} District {n}", def.name), def, hc)
        };
        let headcount = headcount.round().max(10.0);
        let employee_count = (headcount * 1.2).ceil() as u32;
        let dept = Dept {
            code,
            name,
            group: def.group,
            family: def.family,
            headcount,
            effect: normal(&mut rng, 0.0, DEPARTMENT_EFFECT_SD),
            trend: normal(&mut rng, TREND_MEAN, TREND_SD),
            brk: None,
            first_aid_mult: normal(&mut rng, 0.0, REPORTING_CULTURE_SD).exp(),
            near_miss_mult: normal(&mut rng, 0.0, REPORTING_CULTURE_SD).exp(),
            employee_base,
            employee_count,
        };
        employee_base = employee_base.saturating_add(employee_count.div_ceil(1000) * 1000 + 1000);
        depts.push(dept);
    }
    let n_breaks = ((params.departments as f64) * BREAK_SHARE).round() as usize;
    let margin = 6.min(window.months / 4);
    let chosen = rand::seq::index::sample(&mut rng, params.departments, n_breaks.min(params.departments));
    let mut chosen: Vec<usize> = chosen.into_iter().collect();
    chosen.sort_unstable();
    for d in chosen {
        let lo = margin.max(1);
        let hi = (window.months - margin).max(lo + 1);
        let t = rng.gen_range(lo..hi).min(window.months - 1);
        let size = rng.gen_range(BREAK_SIZE.0..BREAK_SIZE.1) * if rng.gen_bool(0.5) { 1.0 } else { -1.0 };
        depts[d].brk = Some((t, size));
    }
    depts
}

// ---------------------------------------------------------------------------
// Exposure and truth per department-month.

struct CellTruth {
    hours: f64,
    headcount: f64,
    payroll_cents: i64,
    /// Expected recordable cases (× scale).
    mu: f64,
    expected_incurred: f64,
}

fn log_rate(dept: &Dept, window: &Window, t: usize) -> f64 {
    let g = dept.group.params();
    let month = window.month(t);
    let season = g.seasonal_amplitude * (2.0 * std::f64::consts::PI * (f64::from(month.month()) - 7.0) / 12.0).cos();
    let centred = (t as f64 - (window.months as f64 - 1.0) / 2.0) / 12.0;
    let shift = match dept.brk {
        Some((b, size)) if t >= b => size,
        _ => 0.0,
    };
    BASE_RATE.ln() + group_effect(dept.group) + dept.effect + season + dept.trend * centred + shift
}

fn group_effect(group: Group) -> f64 {
    (group.params().rate / BASE_RATE).ln()
}

fn build_cells(params: &GenerateParams, window: &Window, depts: &[Dept]) -> Vec<CellTruth> {
    let mut rng = stream(params.seed, EXPOSURE_STREAM);
    let mut cells = Vec::with_capacity(depts.len() * window.months);
    for dept in depts {
        let g = dept.group.params();
        let mut hc = dept.headcount;
        for t in 0..window.months {
            hc *= normal(&mut rng, 0.0005, 0.008).exp();
            let month = window.month(t);
            let dim = f64::from(days_in_month(month));
            let hours = hc * HOURS_PER_FTE_MONTH * (dim / 30.44) * g.overtime * normal(&mut rng, 0.0, 0.025).exp();
            let hours = round_to(hours, 1);
            let years = t as f64 / 12.0;
            let payroll = hours * g.wage * WAGE_TREND.powf(years) * normal(&mut rng, 0.0, 0.01).exp();
            let mu = log_rate(dept, window, t).exp() * hours / RATE_BASE_HOURS * params.scale;
            cells.push(CellTruth {
                hours,
                headcount: round_to(hc, 1),
                payroll_cents: (payroll * 100.0).round() as i64,
                mu,
                expected_incurred: mu * expected_incurred_per_case(dept.group, years),
            });
        }
    }
    cells
}

fn round_to(x: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (x * f).round() / f
}

#[derive(Serialize)]
struct ExposureRow<'a> {
    department: &'a str,
    month: Month,
    hours_worked: Fixed<1>,
    headcount: Fixed<1>,
    payroll: Money,
}

fn exposure_row<'a>(dept: &'a Dept, month: Month, cell: &CellTruth) -> ExposureRow<'a> {
    ExposureRow {
        department: &dept.code,
        month,
        hours_worked: Fixed(cell.hours),
        headcount: Fixed(cell.headcount),
        payroll: Money(cell.payroll_cents),
    }
}

#[derive(Serialize)]
struct TruthRow<'a> {
    department: &'a str,
    month: Month,
    hours: Fixed<1>,
    expected_recordable: Fixed<6>,
    expected_incurred: Fixed<2>,
}

fn truth_rows<'a>(depts: &'a [Dept], cells: &'a [CellTruth], window: &'a Window) -> impl Iterator<Item = TruthRow<'a>> {
    depts.iter().enumerate().flat_map(move |(d, dept)| {
        (0..window.months).map(move |t| {
            let cell = &cells[d * window.months + t];
            TruthRow {
                department: &dept.code,
                month: window.month(t),
                hours: Fixed(cell.hours),
                expected_recordable: Fixed(cell.mu),
                expected_incurred: Fixed(cell.expected_incurred),
            }
        })
    })
}

#[derive(Serialize)]
struct TruthDepartmentRow<'a> {
    department: &'a str,
    group: &'static str,
    base: Fixed<6>,
    group_effect: Fixed<6>,
    department_effect: Fixed<6>,
    seasonal_amplitude: Fixed<6>,
    trend: Fixed<6>,
    break_month: Option<Month>,
    break_size: Fixed<6>,
}

fn truth_department_row<'a>(dept: &'a Dept, window: &Window) -> TruthDepartmentRow<'a> {
    TruthDepartmentRow {
        department: &dept.code,
        group: dept.group.as_str(),
        base: Fixed(BASE_RATE.ln()),
        group_effect: Fixed(group_effect(dept.group)),
        department_effect: Fixed(dept.effect),
        seasonal_amplitude: Fixed(dept.group.params().seasonal_amplitude),
        trend: Fixed(dept.trend),
        break_month: dept.brk.map(|(t, _)| window.month(t)),
        break_size: Fixed(dept.brk.map_or(0.0, |(_, s)| s)),
    }
}

// ---------------------------------------------------------------------------
// WCIO codes and descriptions.

struct CauseDef {
    code: u16,
    /// Weight in public safety, field operations, office.
    weight: [f64; 3],
    natures: &'static [(u16, f64)],
    bodies: &'static [(u16, f64)],
    /// What happened, per group.
    phrases: [&'static [&'static str]; 3],
}

static CAUSES: [CauseDef; 9] = [
    CauseDef {
        code: 56,
        weight: [14.0, 24.0, 12.0],
        natures: &[(52, 7.0), (49, 2.0), (37, 1.0)],
        bodies: &[(42, 6.0), (38, 2.5), (20, 1.0), (34, 0.5)],
        phrases: [
            &["lifted patient onto gurney", "lifted equipment bag", "lifted hose bundle", "lifted ladder off engine"],
            &[
                "lifted trash bin",
                "lifted manhole cover",
                "lifted sandbags",
                "lifted bag of concrete",
                "lifted water meter lid",
            ],
            &["lifted box of files", "lifted case of printer paper", "lifted book cart", "lifted computer monitor"],
        ],
    },
    CauseDef {
        code: 29,
        weight: [8.0, 10.0, 20.0],
        natures: &[(10, 3.5), (49, 3.0), (28, 1.5), (52, 1.5), (16, 0.5)],
        bodies: &[(53, 3.0), (55, 2.0), (34, 1.5), (42, 1.5), (90, 2.0)],
        phrases: [
            &["slipped on wet station floor", "slipped on loose gravel at scene", "slipped on wet ramp"],
            &["slipped on wet pavement", "slipped on oily shop floor", "slipped on wet grass"],
            &["slipped on wet lobby floor", "slipped on spilled coffee", "slipped on wet restroom floor"],
        ],
    },
    CauseDef {
        code: 31,
        weight: [10.0, 12.0, 18.0],
        natures: &[(10, 3.0), (49, 3.5), (28, 1.0), (52, 2.0), (16, 0.5)],
        bodies: &[(53, 3.0), (55, 3.0), (34, 1.5), (35, 1.0), (90, 1.5)],
        phrases: [
            &["tripped over hose line", "tripped on curb during pursuit", "tripped on debris at scene"],
            &["tripped over pallet", "tripped on uneven sidewalk", "tripped over hose"],
            &["tripped over power cord", "tripped on floor mat", "tripped on stairs"],
        ],
    },
    CauseDef {
        code: 81,
        weight: [8.0, 16.0, 8.0],
        natures: &[(10, 5.0), (40, 2.5), (28, 1.5), (49, 1.0)],
        bodies: &[(35, 2.0), (36, 2.0), (90, 2.0), (53, 1.5), (38, 1.0), (20, 1.5)],
        phrases: [
            &["struck by falling debris", "struck by door of vehicle", "struck by tool"],
            &["struck by falling branch", "struck by swinging gate", "struck by tool"],
            &["struck by cabinet door", "struck by falling box", "struck by shelf"],
        ],
    },
    CauseDef {
        code: 97,
        weight: [4.0, 8.0, 30.0],
        natures: &[(78, 4.5), (37, 4.5), (52, 1.0)],
        bodies: &[(34, 5.0), (35, 2.0), (38, 2.0), (36, 1.0)],
        phrases: [
            &["repetitive report writing", "repetitive radio and keyboard use"],
            &["repetitive raking", "repetitive tool use", "repetitive operating controls"],
            &["repetitive typing", "repetitive data entry", "repetitive scanning"],
        ],
    },
    CauseDef {
        code: 60,
        weight: [8.0, 6.0, 1.0],
        natures: &[(49, 5.0), (52, 3.0), (28, 1.0), (16, 1.0)],
        bodies: &[(55, 5.0), (53, 5.0)],
        phrases: [
            &["jumped from engine tailboard", "jumped over fence in pursuit", "jumped from patrol car step"],
            &["jumped from truck step", "jumped from loading dock", "jumped down from trench"],
            &["jumped from step stool", "jumped down from stage"],
        ],
    },
    CauseDef {
        code: 45,
        weight: [12.0, 6.0, 3.0],
        natures: &[(52, 4.0), (10, 3.5), (28, 1.0), (49, 1.5)],
        bodies: &[(20, 4.0), (42, 2.5), (90, 2.5), (38, 1.0)],
        phrases: [
            &["vehicle collision while on patrol", "vehicle collision responding to call"],
            &["vehicle collision while driving route", "rear-ended in city truck"],
            &["vehicle collision driving to site visit", "rear-ended in city car"],
        ],
    },
    CauseDef {
        code: 74,
        weight: [22.0, 3.0, 5.0],
        natures: &[(10, 4.0), (49, 2.0), (52, 2.0), (40, 1.0), (28, 1.0)],
        bodies: &[(35, 2.0), (90, 2.5), (38, 2.0), (34, 1.5), (53, 1.0), (20, 1.0)],
        phrases: [
            &["assaulted by suspect during arrest", "kicked by combative patient", "assaulted by inmate"],
            &["pushed by member of the public", "assaulted by park visitor"],
            &["pushed by member of the public", "assaulted at public counter"],
        ],
    },
    CauseDef {
        code: 19,
        weight: [6.0, 15.0, 3.0],
        natures: &[(40, 9.0), (10, 1.0)],
        bodies: &[(36, 5.0), (35, 4.0), (34, 1.0)],
        phrases: [
            &["cut by broken glass", "punctured by needle", "cut by sheet metal during extrication"],
            &["cut by sheet metal", "punctured by needle in trash", "cut by broken bottle"],
            &["cut by box cutter", "cut by paper trimmer", "punctured by staple remover"],
        ],
    },
];

fn nature_word(code: u16) -> &'static str {
    match code {
        52 => "strained",
        49 => "sprained",
        10 => "bruised",
        40 => "lacerated",
        37 => "inflamed",
        78 => "numbness in",
        16 => "dislocated",
        28 => "fractured",
        _ => "injured",
    }
}

fn body_word(code: u16) -> &'static str {
    match code {
        42 => "lower back",
        53 => "knee",
        38 => "shoulder",
        35 => "hand",
        36 => "finger",
        34 => "wrist",
        20 => "neck",
        90 => "multiple body parts",
        55 => "ankle",
        _ => "body",
    }
}

const REMARKS: [&str; 3] = ["felt a pop", "it just gave out", "never saw it coming"];
const FOLLOW_UPS: [&str; 3] = ["seen at occupational clinic", "returned to modified duty", "MRI scheduled"];

/// Cumulative weights for sampling an index.
struct Cdf(Vec<f64>);

impl Cdf {
    fn new(weights: impl IntoIterator<Item = f64>) -> Cdf {
        let mut acc = 0.0;
        Cdf(weights
            .into_iter()
            .map(|w| {
                acc += w;
                acc
            })
            .collect())
    }

    fn sample(&self, rng: &mut ChaCha8Rng) -> usize {
        let total = self.0.last().copied().unwrap_or(0.0);
        let x = rng.r#gen::<f64>() * total;
        self.0.partition_point(|&c| c <= x).min(self.0.len().saturating_sub(1))
    }
}

struct Tables {
    cause_by_group: [Cdf; 3],
    nature_by_cause: Vec<Cdf>,
    body_by_cause: Vec<Cdf>,
    class_by_group: [Cdf; 3],
}

impl Tables {
    fn new() -> Tables {
        let cause = |g: usize| Cdf::new(CAUSES.iter().map(|c| c.weight[g]));
        let class = |g: usize| Cdf::new(GROUPS[g].class_probs());
        Tables {
            cause_by_group: [cause(0), cause(1), cause(2)],
            nature_by_cause: CAUSES.iter().map(|c| Cdf::new(c.natures.iter().map(|n| n.1))).collect(),
            body_by_cause: CAUSES.iter().map(|c| Cdf::new(c.bodies.iter().map(|b| b.1))).collect(),
            class_by_group: [class(0), class(1), class(2)],
        }
    }

    /// (cause index, nature code, body part code, phrase index).
    fn codes(&self, rng: &mut ChaCha8Rng, group: Group) -> (u8, u16, u16, u8) {
        let c = self.cause_by_group[group.idx()].sample(rng);
        let cause = &CAUSES[c];
        let nature = cause.natures[self.nature_by_cause[c].sample(rng)].0;
        let body = cause.bodies[self.body_by_cause[c].sample(rng)].0;
        let phrase = rng.gen_range(0..cause.phrases[group.idx()].len());
        (c as u8, nature, body, phrase as u8)
    }
}

// ---------------------------------------------------------------------------
// Cases and claims of one department-month.

#[derive(Clone, Copy)]
struct InjuryDraft {
    day: i32,
    class: OshaClass,
    days_away: u32,
    days_restricted: u32,
    cause: u8,
    nature: Option<u16>,
    body: Option<u16>,
    phrase: u8,
    job: u8,
    employee: u32,
    /// 1-based index into REMARKS, 0 for none.
    remark: u8,
    /// 1-based index into FOLLOW_UPS, 0 for none.
    follow_up: u8,
    /// Case sequence number within the department-year.
    seq: u32,
}

#[derive(Clone, Copy)]
struct ClaimDraft {
    /// Sequence number of the linked case (same department and year as the injury).
    case_seq: Option<u32>,
    injury_day: i32,
    reported: i32,
    status: ClaimStatus,
    closed: Option<i32>,
    medical: i64,
    indemnity: i64,
    expense: i64,
    reserve: i64,
    litigated: bool,
    cause: Option<u16>,
    nature: Option<u16>,
    body: Option<u16>,
    job: &'static str,
    employee: u32,
    /// Ultimate cost in dollars (before rounding to cents).
    ultimate: f64,
    lost_time: bool,
    /// Initial case estimate in cents (whole dollars).
    initial: i64,
}

#[derive(Serialize)]
struct GeneratedInjury<'a> {
    case_id: &'a str,
    department: &'a str,
    event_date: Day,
    osha_class: OshaClass,
    days_away: u32,
    days_restricted: u32,
    cause_code: Option<u16>,
    nature_code: Option<u16>,
    body_part_code: Option<u16>,
    job_class: &'a str,
    employee_id: &'a str,
    description: &'a str,
}

#[derive(Serialize)]
struct GeneratedClaim<'a> {
    claim_id: &'a str,
    case_id: &'a str,
    department: &'a str,
    injury_date: Day,
    reported_date: Day,
    valuation_date: Day,
    status: ClaimStatus,
    closed_date: Option<Day>,
    paid_medical: Money,
    paid_indemnity: Money,
    paid_expense: Money,
    reserve: Money,
    litigated: bool,
    cause_code: Option<u16>,
    nature_code: Option<u16>,
    body_part_code: Option<u16>,
    job_class: &'a str,
    employee_id: &'a str,
    initial_incurred: Money,
}

/// Generates the cases and claims of each department-month in turn and
/// writes them, reusing its buffers (no allocation per row).
struct CaseWriter<'w> {
    window: &'w Window,
    tables: &'w Tables,
    injuries: Vec<InjuryDraft>,
    claims: Vec<ClaimDraft>,
    seq: u32,
    next_claim: u64,
    case_id: String,
    claim_id: String,
    employee: String,
    description: String,
    last_case_id: Option<String>,
    last_claim_id: Option<String>,
}

impl<'w> CaseWriter<'w> {
    fn new(window: &'w Window, tables: &'w Tables) -> Self {
        CaseWriter {
            window,
            tables,
            injuries: Vec::new(),
            claims: Vec::new(),
            seq: 0,
            next_claim: 1,
            case_id: String::new(),
            claim_id: String::new(),
            employee: String::new(),
            description: String::new(),
            last_case_id: None,
            last_claim_id: None,
        }
    }

    fn start_department(&mut self) {
        self.seq = 0;
    }

    fn generate_cell(&mut self, rng: &mut ChaCha8Rng, dept: &Dept, t: usize, cell: &CellTruth) {
        let g = dept.group.params();
        let month = self.window.month(t);
        if month.month() == 1 {
            self.seq = 0;
        }
        let first = days_from_month(month);
        let dim = days_in_month(month) as i32;
        let n_rec = poisson(rng, cell.mu);
        let n_fa = poisson(rng, cell.mu * g.first_aid_ratio * dept.first_aid_mult);
        let n_nm = poisson(rng, cell.mu * g.near_miss_ratio * dept.near_miss_mult);
        self.injuries.clear();
        let jobs = dept.family.jobs();
        for i in 0..n_rec + n_fa + n_nm {
            let class = if i < n_rec {
                RECORDABLE[self.tables.class_by_group[dept.group.idx()].sample(rng)]
            } else if i < n_rec + n_fa {
                OshaClass::FirstAid
            } else {
                OshaClass::NearMiss
            };
            let day = first + rng.gen_range(0..dim);
            let (cause, nature, body, phrase) = self.tables.codes(rng, dept.group);
            let (days_away, days_restricted) = match class {
                OshaClass::DaysAway => {
                    let away = clamp_days(lognormal(rng, g.days_away_median, 1.1));
                    let restricted = if rng.gen_bool(0.4) { clamp_days(lognormal(rng, 10.0, 0.9)) } else { 0 };
                    (away, restricted)
                }
                OshaClass::Restricted => (0, clamp_days(lognormal(rng, 14.0, 1.0))),
                _ => (0, 0),
            };
            let injured = class != OshaClass::NearMiss;
            let job = rng.gen_range(0..jobs.len()) as u8;
            let employee = dept.employee_base + rng.gen_range(0..dept.employee_count);
            let remark = if rng.gen_bool(QUOTE_SHARE) { rng.gen_range(1..=REMARKS.len()) as u8 } else { 0 };
            let follow_up = if rng.gen_bool(NEWLINE_SHARE) { rng.gen_range(1..=FOLLOW_UPS.len()) as u8 } else { 0 };
            self.injuries.push(InjuryDraft {
                day,
                class,
                days_away,
                days_restricted,
                cause,
                nature: injured.then_some(nature),
                body: injured.then_some(body),
                phrase,
                job,
                employee,
                remark,
                follow_up,
                seq: 0,
            });
        }
        self.injuries.sort_by_key(|d| d.day);
        for draft in &mut self.injuries {
            self.seq += 1;
            draft.seq = self.seq;
        }

        // Claims.
        self.claims.clear();
        let years = t as f64 / 12.0;
        let valuation = self.window.valuation;
        for i in 0..self.injuries.len() {
            let draft = self.injuries[i];
            let Some(class) = RECORDABLE.iter().position(|&c| c == draft.class) else { continue };
            if !rng.gen_bool(CLAIM_CLASSES[class].claim_share) {
                continue;
            }
            let base = ClaimDraft {
                case_seq: Some(draft.seq),
                injury_day: draft.day,
                reported: 0,
                status: ClaimStatus::Open,
                closed: None,
                medical: 0,
                indemnity: 0,
                expense: 0,
                reserve: 0,
                litigated: false,
                cause: Some(CAUSES[usize::from(draft.cause)].code),
                nature: draft.nature,
                body: draft.body,
                job: jobs[usize::from(draft.job)],
                employee: draft.employee,
                ultimate: 0.0,
                lost_time: false,
                initial: 0,
            };
            if let Some(claim) = draw_claim(rng, base, class, dept.group, years, valuation) {
                self.claims.push(claim);
            }
        }
        let n_unlinked = poisson(rng, cell.mu * UNLINKED_CLAIM_RATE);
        for _ in 0..n_unlinked {
            let (cause, nature, body, _) = self.tables.codes(rng, dept.group);
            let base = ClaimDraft {
                case_seq: None,
                injury_day: first + rng.gen_range(0..dim),
                reported: 0,
                status: ClaimStatus::Open,
                closed: None,
                medical: 0,
                indemnity: 0,
                expense: 0,
                reserve: 0,
                litigated: false,
                cause: Some(CAUSES[usize::from(cause)].code),
                nature: Some(nature),
                body: Some(body),
                job: jobs[rng.gen_range(0..jobs.len())],
                employee: dept.employee_base + rng.gen_range(0..dept.employee_count),
                ultimate: 0.0,
                lost_time: false,
                initial: 0,
            };
            if let Some(claim) = draw_claim(rng, base, UNLINKED, dept.group, years, valuation) {
                self.claims.push(claim);
            }
        }
        self.claims.sort_by_key(|c| c.injury_day);
    }

    /// Sets the initial case estimate of each claim of the current cell, in
    /// file order, from the department's own estimate stream (so no other
    /// draw moves).
    fn estimate_claims(&mut self, rng: &mut ChaCha8Rng) {
        for claim in &mut self.claims {
            claim.initial = initial_estimate(rng, claim);
        }
    }

    fn write_injuries(
        &mut self,
        cell: usize,
        dept: &Dept,
        t: usize,
        file: &mut DataFile,
        bad: &mut BadRows,
    ) -> Result<(), GenerateError> {
        let year = self.window.month(t).year();
        let due = bad.due(FileKind::Injuries, cell, self.injuries.len());
        let mut k = 0;
        for i in 0..self.injuries.len() {
            while k < due.len() && due[k].0 <= i {
                bad.emit(FileKind::Injuries, due[k].1, file, dept, self.window, self.last_case_id.as_deref())?;
                k += 1;
            }
            let draft = self.injuries[i];
            self.case_id.clear();
            let _ = write!(self.case_id, "{}-{}-{:05}", dept.code, year, draft.seq);
            self.employee.clear();
            let _ = write!(self.employee, "E{:07}", draft.employee);
            describe(&mut self.description, &draft, dept.group);
            file.good(&GeneratedInjury {
                case_id: &self.case_id,
                department: &dept.code,
                event_date: Day(draft.day),
                osha_class: draft.class,
                days_away: draft.days_away,
                days_restricted: draft.days_restricted,
                cause_code: Some(CAUSES[usize::from(draft.cause)].code),
                nature_code: draft.nature,
                body_part_code: draft.body,
                job_class: dept.family.jobs()[usize::from(draft.job)],
                employee_id: &self.employee,
                description: &self.description,
            })?;
            set_last(&mut self.last_case_id, &self.case_id);
            bad.flush_pending(FileKind::Injuries, file, dept, t, self.window, self.last_case_id.as_deref())?;
        }
        for &(_, p) in &due[k..] {
            bad.emit(FileKind::Injuries, p, file, dept, self.window, self.last_case_id.as_deref())?;
        }
        Ok(())
    }

    fn write_claims(
        &mut self,
        cell: usize,
        dept: &Dept,
        t: usize,
        file: &mut DataFile,
        bad: &mut BadRows,
    ) -> Result<(), GenerateError> {
        let year = self.window.month(t).year();
        let due = bad.due(FileKind::Claims, cell, self.claims.len());
        let mut k = 0;
        for i in 0..self.claims.len() {
            while k < due.len() && due[k].0 <= i {
                bad.emit(FileKind::Claims, due[k].1, file, dept, self.window, self.last_claim_id.as_deref())?;
                k += 1;
            }
            let c = self.claims[i];
            self.claim_id.clear();
            let _ = write!(self.claim_id, "WC{:07}", self.next_claim);
            self.next_claim += 1;
            self.case_id.clear();
            if let Some(seq) = c.case_seq {
                let _ = write!(self.case_id, "{}-{}-{:05}", dept.code, year, seq);
            }
            self.employee.clear();
            let _ = write!(self.employee, "E{:07}", c.employee);
            file.good(&GeneratedClaim {
                claim_id: &self.claim_id,
                case_id: &self.case_id,
                department: &dept.code,
                injury_date: Day(c.injury_day),
                reported_date: Day(c.reported),
                valuation_date: Day(self.window.valuation),
                status: c.status,
                closed_date: c.closed.map(Day),
                paid_medical: Money(c.medical),
                paid_indemnity: Money(c.indemnity),
                paid_expense: Money(c.expense),
                reserve: Money(c.reserve),
                litigated: c.litigated,
                cause_code: c.cause,
                nature_code: c.nature,
                body_part_code: c.body,
                job_class: c.job,
                employee_id: &self.employee,
                initial_incurred: Money(c.initial),
            })?;
            set_last(&mut self.last_claim_id, &self.claim_id);
            bad.flush_pending(FileKind::Claims, file, dept, t, self.window, self.last_claim_id.as_deref())?;
        }
        for &(_, p) in &due[k..] {
            bad.emit(FileKind::Claims, p, file, dept, self.window, self.last_claim_id.as_deref())?;
        }
        Ok(())
    }
}

fn set_last(last: &mut Option<String>, id: &str) {
    match last {
        Some(s) => {
            s.clear();
            s.push_str(id);
        }
        None => *last = Some(id.to_string()),
    }
}

fn describe(buf: &mut String, d: &InjuryDraft, group: Group) {
    buf.clear();
    let cause = &CAUSES[usize::from(d.cause)];
    let phrases = cause.phrases[group.idx()];
    let phrase = phrases[usize::from(d.phrase) % phrases.len()];
    match (d.nature, d.body) {
        (Some(nature), Some(body)) => {
            let _ = write!(buf, "{phrase}, {} {}", nature_word(nature), body_word(body));
            if d.class == OshaClass::FirstAid {
                buf.push_str("; first aid on site");
            }
        }
        _ => {
            let _ = write!(buf, "near miss: {phrase}, no injury");
        }
    }
    if d.remark > 0 {
        let _ = write!(buf, ", said \"{}\"", REMARKS[usize::from(d.remark - 1) % REMARKS.len()]);
    }
    if d.follow_up > 0 {
        let _ = write!(buf, "\nfollow-up: {}", FOLLOW_UPS[usize::from(d.follow_up - 1) % FOLLOW_UPS.len()]);
    }
}

/// The case estimate set at first report, in cents: LogNormal around a share
/// of the ultimate (0.35, 0.55 for lost-time claims), σ 0.9, whole dollars, at
/// least $250.
fn initial_estimate(rng: &mut ChaCha8Rng, claim: &ClaimDraft) -> i64 {
    let share = if claim.lost_time { ESTIMATE_SHARE_LOST_TIME } else { ESTIMATE_SHARE };
    let dollars = lognormal(rng, share * claim.ultimate, ESTIMATE_SIGMA).round().max(ESTIMATE_FLOOR_DOLLARS);
    dollars.min(1e12) as i64 * 100
}

fn clamp_days(x: f64) -> u32 {
    x.round().clamp(1.0, DAYS_CAP) as u32
}

/// Completes a claim draft (dates, status, money); `None` when it is not
/// reported by the valuation date.
fn draw_claim(
    rng: &mut ChaCha8Rng,
    mut claim: ClaimDraft,
    class: usize,
    group: Group,
    years: f64,
    valuation: i32,
) -> Option<ClaimDraft> {
    let cc = &CLAIM_CLASSES[class];
    let litigated = rng.gen_bool(cc.litigation_prob);
    let base = if rng.gen_bool(cc.tail_prob) {
        pareto(rng, TAIL_SCALE, TAIL_SHAPE).min(TAIL_CAP)
    } else {
        lognormal(rng, cc.median_cost, cc.sigma)
    };
    let ultimate = base
        * group.params().cost_multiplier
        * SEVERITY_TREND.powf(years)
        * if litigated { LITIGATION_MULTIPLIER } else { 1.0 };
    let lag = if rng.gen_bool(LAG_TAIL_PROB) {
        pareto(rng, LAG_TAIL_SCALE, LAG_TAIL_SHAPE)
    } else {
        lognormal(rng, cc.report_median_days, LAG_SIGMA)
    };
    let reported = claim.injury_day + lag.min(LAG_CAP_DAYS).floor() as i32;
    let close_days = (lognormal(rng, cc.close_median_days, CLOSE_SIGMA)
        * if litigated { LITIGATED_CLOSE_FACTOR } else { 1.0 })
    .ceil()
    .max(1.0);
    let close_days = close_days.min(1e6) as i32;
    let closed = reported + close_days;
    let reopen = rng.gen_bool(cc.reopen_prob);
    let reopen_day = closed + rng.gen_range(30..=540);
    let lost_time = rng.gen_bool(cc.lost_time_prob);
    let expense_share = rng.gen_range(0.04..0.12) + if litigated { 0.10 } else { 0.0 };
    let indemnity_share = if lost_time { rng.gen_range(0.30..0.55) } else { 0.0 };
    let r = rng.gen_range(0.75..0.95);
    let noise = lognormal(rng, (-RESERVE_SIGMA * RESERVE_SIGMA / 2.0).exp(), RESERVE_SIGMA);
    if reported > valuation {
        return None;
    }
    let (status, closed_date, paid, reserve) = if closed <= valuation {
        if reopen && reopen_day <= valuation {
            (ClaimStatus::Reopened, Some(closed), r * ultimate, (1.0 - r) * ultimate * noise)
        } else {
            (ClaimStatus::Closed, Some(closed), ultimate, 0.0)
        }
    } else {
        let age = f64::from(valuation - reported);
        let fraction = 0.1 + 0.8 * (age / f64::from(close_days)).min(1.0);
        (ClaimStatus::Open, None, fraction * ultimate, (1.0 - fraction) * ultimate * noise)
    };
    let paid_cents = (paid * 100.0).round() as i64;
    let indemnity = (paid_cents as f64 * indemnity_share).round() as i64;
    let expense = (paid_cents as f64 * expense_share).round() as i64;
    claim.ultimate = ultimate;
    claim.lost_time = lost_time;
    claim.reported = reported;
    claim.status = status;
    claim.closed = closed_date;
    claim.litigated = litigated;
    claim.indemnity = indemnity;
    claim.expense = expense;
    claim.medical = paid_cents - indemnity - expense;
    claim.reserve = if status.is_open() { ((reserve * 100.0).round() as i64).max(MIN_RESERVE_CENTS) } else { 0 };
    Some(claim)
}

// ---------------------------------------------------------------------------
// Bad rows.

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum FileKind {
    Injuries,
    Claims,
    Exposure,
}

impl FileKind {
    const ALL: [FileKind; 3] = [FileKind::Injuries, FileKind::Claims, FileKind::Exposure];

    fn idx(self) -> usize {
        self as usize
    }
}

/// Every quarantine reason, in declaration order.
const REASONS: [Reason; 11] = [
    Reason::MissingValue,
    Reason::UnparsableValue,
    Reason::OutOfRange,
    Reason::UnknownEnum,
    Reason::UnknownDepartment,
    Reason::DuplicateId,
    Reason::FutureDate,
    Reason::ReportedBeforeInjury,
    Reason::ClosedWithoutDate,
    Reason::WrongFieldCount,
    Reason::MalformedQuoting,
];

/// Whether a bad row of `kind` can be injected into `file`. (Exhaustive on
/// purpose: a new quarantine reason must be taught to the generator.)
fn applies(kind: Reason, file: FileKind, params: &GenerateParams) -> bool {
    if file == FileKind::Exposure && !params.with_exposure {
        return false;
    }
    match kind {
        Reason::MissingValue
        | Reason::UnparsableValue
        | Reason::OutOfRange
        | Reason::DuplicateId
        | Reason::FutureDate
        | Reason::WrongFieldCount
        | Reason::MalformedQuoting => true,
        Reason::UnknownEnum => file != FileKind::Exposure,
        Reason::UnknownDepartment => params.with_departments,
        Reason::ReportedBeforeInjury | Reason::ClosedWithoutDate => file == FileKind::Claims,
    }
}

/// One planned bad row.
#[derive(Debug, Clone, Copy)]
struct Planned {
    /// Injuries and claims: department-month cell; exposure: insert before good row `slot`.
    slot: usize,
    /// Position within the cell, as a fraction.
    u: f64,
    kind: Reason,
    /// How many earlier bad rows of this file and kind there are.
    occ: usize,
    /// Exposure duplicates: index of the repeated good row.
    dup_of: usize,
}

struct BadRows {
    rng: ChaCha8Rng,
    plans: [Vec<Planned>; 3],
    cursors: [usize; 3],
    pending: [Vec<Planned>; 3],
    /// Global bad-row counter (for ids).
    next_id: usize,
    /// Exposure keys: general and unknown-department counters.
    exposure_keys: usize,
    exposure_unknown: usize,
    departments: usize,
}

impl BadRows {
    fn plan(params: &GenerateParams, window: &Window, cells: &[CellTruth]) -> Result<BadRows, GenerateError> {
        let departments = cells.len() / window.months;
        let mut rng = stream(params.seed, BAD_STREAM);
        let pairs: Vec<(Reason, FileKind)> = REASONS
            .iter()
            .flat_map(|&k| FileKind::ALL.iter().map(move |&f| (k, f)))
            .filter(|&(k, f)| applies(k, f, params))
            .collect();
        let mut plans: [Vec<Planned>; 3] = Default::default();
        // Cells for injury and claim rows, in proportion to their expected cases.
        let cell_cdf = Cdf::new(cells.iter().map(|c| c.mu + 1e-12));
        let n_cells = cells.len();
        let mut occ = [[0usize; REASONS.len()]; 3];
        if params.bad_rows > 0 && pairs.is_empty() {
            return Err(GenerateError::InvalidParams("no kind of bad row applies".into()));
        }
        for i in 0..params.bad_rows {
            let (kind, file) = pairs[i % pairs.len()];
            let k = REASONS.iter().position(|&r| r == kind).unwrap_or(0);
            let o = occ[file.idx()][k];
            occ[file.idx()][k] += 1;
            let planned = match file {
                FileKind::Exposure => {
                    if kind == Reason::DuplicateId {
                        let slot = rng.gen_range(1..=n_cells);
                        Planned { slot, u: 0.0, kind, occ: o, dup_of: rng.gen_range(0..slot) }
                    } else {
                        Planned { slot: rng.gen_range(0..=n_cells), u: 0.0, kind, occ: o, dup_of: 0 }
                    }
                }
                _ => Planned { slot: cell_cdf.sample(&mut rng), u: rng.r#gen::<f64>(), kind, occ: o, dup_of: 0 },
            };
            plans[file.idx()].push(planned);
        }
        for plan in &mut plans {
            // Stable: equal positions keep their planning order.
            plan.sort_by(|a, b| a.slot.cmp(&b.slot).then(a.u.total_cmp(&b.u)));
        }
        // Fresh exposure keys must stay within the years 1900..=2200.
        let exposure = &plans[FileKind::Exposure.idx()];
        let unknown = exposure.iter().filter(|p| p.kind == Reason::UnknownDepartment).count();
        let general =
            exposure.iter().filter(|p| !matches!(p.kind, Reason::UnknownDepartment | Reason::DuplicateId)).count();
        let before = window.start.since(Month::from_index(1900 * 12));
        let last_block = general.saturating_sub(1) / departments.max(1);
        let future_last = window.end.plus(FUTURE_MONTHS + last_block as i32);
        if (general > 0 && (last_block as i32 >= before || future_last.year() > 2200)) || unknown as i32 > before {
            return Err(GenerateError::InvalidParams(format!(
                "{} bad rows are too many for the window: the fresh exposure keys would leave the years 1900-2200",
                params.bad_rows
            )));
        }
        Ok(BadRows {
            rng,
            plans,
            cursors: [0; 3],
            pending: Default::default(),
            next_id: 1,
            exposure_keys: 0,
            exposure_unknown: 0,
            departments,
        })
    }

    /// The bad rows planned for `cell` of an injuries or claims file with
    /// `n` good rows in that cell, as (insert before good row i, plan).
    fn due(&mut self, file: FileKind, cell: usize, n: usize) -> Vec<(usize, Planned)> {
        let plan = &self.plans[file.idx()];
        let cursor = &mut self.cursors[file.idx()];
        let mut due = Vec::new();
        while *cursor < plan.len() && plan[*cursor].slot == cell {
            let p = plan[*cursor];
            due.push((((p.u * (n as f64 + 1.0)) as usize).min(n), p));
            *cursor += 1;
        }
        due
    }

    /// Writes one planned injuries or claims bad row (or keeps a duplicate
    /// for later when there is no earlier good row yet).
    fn emit(
        &mut self,
        file: FileKind,
        p: Planned,
        out: &mut DataFile,
        dept: &Dept,
        window: &Window,
        last_id: Option<&str>,
    ) -> Result<(), GenerateError> {
        if p.kind == Reason::DuplicateId && last_id.is_none() {
            self.pending[file.idx()].push(p);
            return Ok(());
        }
        let template = Template::new(&mut self.rng, dept, window.month(p.slot % window.months));
        self.write_bad(file, p, out, &template, window, last_id)
    }

    /// After a good row of `dept` in month `t`: writes the duplicates that
    /// were waiting for one (dated in that month).
    fn flush_pending(
        &mut self,
        file: FileKind,
        out: &mut DataFile,
        dept: &Dept,
        t: usize,
        window: &Window,
        last_id: Option<&str>,
    ) -> Result<(), GenerateError> {
        if self.pending[file.idx()].is_empty() {
            return Ok(());
        }
        let pending = std::mem::take(&mut self.pending[file.idx()]);
        for p in pending {
            let template = Template::new(&mut self.rng, dept, window.month(t));
            self.write_bad(file, p, out, &template, window, last_id)?;
        }
        Ok(())
    }

    /// At the end: duplicates still waiting (the file has no good row at
    /// all) are written as missing_value rows instead.
    fn finish_pending(
        &mut self,
        injuries: &mut DataFile,
        claims: &mut DataFile,
        depts: &[Dept],
        window: &Window,
    ) -> Result<(), GenerateError> {
        for (file, out) in [(FileKind::Injuries, injuries), (FileKind::Claims, claims)] {
            let pending = std::mem::take(&mut self.pending[file.idx()]);
            for p in pending {
                let dept = &depts[(p.slot / window.months).min(depts.len().saturating_sub(1))];
                let template = Template::new(&mut self.rng, dept, window.month(p.slot % window.months));
                self.write_bad(file, Planned { kind: Reason::MissingValue, ..p }, out, &template, window, None)?;
            }
        }
        Ok(())
    }

    fn write_bad(
        &mut self,
        file: FileKind,
        p: Planned,
        out: &mut DataFile,
        template: &Template,
        window: &Window,
        last_id: Option<&str>,
    ) -> Result<(), GenerateError> {
        let id = self.next_id;
        self.next_id += 1;
        let line = match file {
            FileKind::Injuries => bad_injury(&mut self.rng, p, id, template, window, last_id),
            FileKind::Claims => bad_claim(&mut self.rng, p, id, template, window, last_id),
            FileKind::Exposure => return Err(GenerateError::InvalidParams("internal: exposure row as case".into())),
        };
        out.bad(&line, p.kind)
    }

    /// Writes the exposure bad rows planned before good row `position`.
    fn exposure_before(
        &mut self,
        position: usize,
        out: &mut DataFile,
        depts: &[Dept],
        cells: &[CellTruth],
        window: &Window,
    ) -> Result<(), GenerateError> {
        let f = FileKind::Exposure.idx();
        while self.cursors[f] < self.plans[f].len() && self.plans[f][self.cursors[f]].slot == position {
            let p = self.plans[f][self.cursors[f]];
            self.cursors[f] += 1;
            let (dept, month, cell) = match p.kind {
                Reason::DuplicateId => {
                    let d = p.dup_of / window.months;
                    (depts[d].code.as_str(), window.month(p.dup_of % window.months), &cells[p.dup_of])
                }
                Reason::UnknownDepartment => {
                    let month = window.start.plus(-1 - self.exposure_unknown as i32);
                    self.exposure_unknown += 1;
                    let d = position.min(cells.len() - 1);
                    ("ZZZ", month, &cells[d])
                }
                _ => {
                    let k = self.exposure_keys;
                    self.exposure_keys += 1;
                    let d = k % self.departments;
                    let block = (k / self.departments) as i32;
                    let month = if p.kind == Reason::FutureDate {
                        window.end.plus(FUTURE_MONTHS + block)
                    } else {
                        window.start.plus(-1 - block)
                    };
                    (depts[d].code.as_str(), month, &cells[d * window.months])
                }
            };
            let line = bad_exposure(&mut self.rng, p, dept, month, cell);
            out.bad(&line, p.kind)?;
        }
        Ok(())
    }
}

/// Valid values for a bad injury or claim row, before its one defect.
struct Template {
    dept: String,
    day: i32,
    cause: u16,
    nature: u16,
    body: u16,
    job: &'static str,
    employee: u32,
    description: String,
}

impl Template {
    fn new(rng: &mut ChaCha8Rng, dept: &Dept, month: Month) -> Template {
        let c = rng.gen_range(0..CAUSES.len());
        let cause = &CAUSES[c];
        let nature = cause.natures[rng.gen_range(0..cause.natures.len())].0;
        let body = cause.bodies[rng.gen_range(0..cause.bodies.len())].0;
        let phrases = cause.phrases[dept.group.idx()];
        let phrase = phrases[rng.gen_range(0..phrases.len())];
        let jobs = dept.family.jobs();
        Template {
            dept: dept.code.clone(),
            day: days_from_month(month) + rng.gen_range(0..days_in_month(month) as i32),
            cause: cause.code,
            nature,
            body,
            job: jobs[rng.gen_range(0..jobs.len())],
            employee: dept.employee_base + rng.gen_range(0..dept.employee_count),
            description: format!("{phrase} and {} {}", nature_word(nature), body_word(body)),
        }
    }
}

fn future_day(rng: &mut ChaCha8Rng, window: &Window) -> Day {
    let month = window.end.plus(FUTURE_MONTHS);
    Day(days_from_month(month) + rng.gen_range(0..days_in_month(month) as i32))
}

fn bad_injury(
    rng: &mut ChaCha8Rng,
    p: Planned,
    id: usize,
    t: &Template,
    window: &Window,
    last_id: Option<&str>,
) -> String {
    let year = Day(t.day).ymd().0;
    let mut f: Vec<String> = vec![
        format!("BAD-I-{id:05}"),
        t.dept.clone(),
        Day(t.day).to_string(),
        "other_recordable".into(),
        "0".into(),
        "0".into(),
        t.cause.to_string(),
        t.nature.to_string(),
        t.body.to_string(),
        t.job.into(),
        format!("E{:07}", t.employee),
        t.description.clone(),
    ];
    match p.kind {
        Reason::MissingValue => f[[0, 1, 2, 3][p.occ % 4]].clear(),
        Reason::UnparsableValue => match p.occ % 3 {
            0 => f[2] = format!("{year}-13-45"),
            1 => {
                f[3] = "days_away".into();
                f[4] = "abc".into();
            }
            _ => f[8] = "knee".into(),
        },
        Reason::OutOfRange => {
            if p.occ.is_multiple_of(2) {
                f[3] = "days_away".into();
                f[4] = "-3".into();
            } else {
                f[3] = "restricted".into();
                f[5] = "-7".into();
            }
        }
        Reason::UnknownEnum => f[3] = "serious".into(),
        Reason::UnknownDepartment => f[1] = "ZZZ".into(),
        Reason::DuplicateId => f[0] = last_id.unwrap_or_default().to_string(),
        Reason::FutureDate => f[2] = future_day(rng, window).to_string(),
        Reason::WrongFieldCount => wrong_count(&mut f, p.occ),
        Reason::MalformedQuoting => f[11] = malformed(&t.description, p.occ),
        Reason::ReportedBeforeInjury | Reason::ClosedWithoutDate => {}
    }
    f.join(",")
}

fn bad_claim(
    rng: &mut ChaCha8Rng,
    p: Planned,
    id: usize,
    t: &Template,
    window: &Window,
    last_id: Option<&str>,
) -> String {
    let year = Day(t.day).ymd().0;
    let reported = (t.day + rng.gen_range(0..10)).min(window.valuation);
    let paid = rng.gen_range(20_000..400_000i64);
    let mut f: Vec<String> = vec![
        format!("BAD-C-{id:05}"),
        String::new(),
        t.dept.clone(),
        Day(t.day).to_string(),
        Day(reported).to_string(),
        Day(window.valuation).to_string(),
        "open".into(),
        String::new(),
        Money(paid * 9 / 10).to_string(),
        "0.00".into(),
        Money(paid - paid * 9 / 10).to_string(),
        Money(paid * 2).to_string(),
        "false".into(),
        t.cause.to_string(),
        t.nature.to_string(),
        t.body.to_string(),
        t.job.into(),
        format!("E{:07}", t.employee),
        // initial_incurred: whole dollars, from the amounts above (no extra draw).
        Money(paid / 200 * 100).to_string(),
    ];
    match p.kind {
        Reason::MissingValue => f[[0, 2, 3, 6][p.occ % 4]].clear(),
        Reason::UnparsableValue => match p.occ % 4 {
            0 => f[8] = "12..5".into(),
            1 => f[4] = format!("{year}-02-30"),
            2 => f[12] = "maybe".into(),
            _ => f[3] = format!("{year}-13-45"),
        },
        Reason::OutOfRange => match p.occ % 3 {
            0 => f[8] = "-125.00".into(),
            1 => f[11] = "-50.00".into(),
            _ => f[9] = "-10.00".into(),
        },
        Reason::UnknownEnum => f[6] = "pending".into(),
        Reason::UnknownDepartment => f[2] = "ZZZ".into(),
        Reason::DuplicateId => f[0] = last_id.unwrap_or_default().to_string(),
        Reason::FutureDate => {
            let day = future_day(rng, window).to_string();
            f[3] = day.clone();
            f[4] = day;
            f[5].clear();
        }
        Reason::ReportedBeforeInjury => f[4] = Day(t.day - rng.gen_range(1..=30)).to_string(),
        Reason::ClosedWithoutDate => {
            f[6] = "closed".into();
            f[11] = "0.00".into();
        }
        Reason::WrongFieldCount => wrong_count(&mut f, p.occ),
        Reason::MalformedQuoting => {
            f[16] =
                if p.occ.is_multiple_of(2) { format!("{} \"acting\"", t.job) } else { format!("\"{}\" acting", t.job) }
        }
    }
    f.join(",")
}

fn bad_exposure(rng: &mut ChaCha8Rng, p: Planned, dept: &str, month: Month, cell: &CellTruth) -> String {
    let noise = rng.gen_range(0.95..1.05);
    let mut f: Vec<String> = vec![
        dept.to_string(),
        month.to_string(),
        format!("{:.1}", cell.hours * noise),
        format!("{:.1}", cell.headcount * noise),
        Money((cell.payroll_cents as f64 * noise).round() as i64).to_string(),
    ];
    match p.kind {
        Reason::MissingValue => f[p.occ % 3].clear(),
        Reason::UnparsableValue => match p.occ % 3 {
            0 => f[2] = "17x3.5".into(),
            // Months 13-24: the string stays as unique as the fresh key.
            1 => f[1] = format!("{}-{}", month.year(), 12 + month.month()),
            _ => f[4] = "12..5".into(),
        },
        Reason::OutOfRange => match p.occ % 3 {
            0 => f[2] = "0".into(),
            1 => f[2] = "-120.5".into(),
            _ => f[4] = "-1000.00".into(),
        },
        Reason::WrongFieldCount => wrong_count(&mut f, p.occ),
        Reason::MalformedQuoting => {
            let split = dept.char_indices().nth(1).map_or(dept.len(), |(i, _)| i);
            f[0] = format!("\"{}\"{}", &dept[..split], &dept[split..]);
        }
        // The key chosen by the caller is the defect.
        Reason::UnknownDepartment | Reason::DuplicateId | Reason::FutureDate => {}
        Reason::UnknownEnum | Reason::ReportedBeforeInjury | Reason::ClosedWithoutDate => {}
    }
    f.join(",")
}

fn wrong_count(fields: &mut Vec<String>, occ: usize) {
    if occ.is_multiple_of(2) {
        fields.pop();
    } else {
        fields.push("extra".into());
    }
}

/// Free text with malformed quoting that stays on one line (two quote characters).
fn malformed(text: &str, occ: usize) -> String {
    if occ.is_multiple_of(2) { format!("{text} at Main \"Street\" yard") } else { format!("\"{text}\" near the truck") }
}

// ---------------------------------------------------------------------------
// Output files.

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

#[derive(Debug, Clone, Serialize)]
struct BadRowEntry {
    file: &'static str,
    line: u64,
    kind: Reason,
}

/// A data file streamed to a temporary sibling and renamed into place by
/// `commit`; dropped uncommitted, the temporary file is removed.
struct DataFile {
    name: &'static str,
    path: PathBuf,
    tmp: PathBuf,
    csv: Option<csv::Writer<LineCounter<BufWriter<File>>>>,
    rows: usize,
    bad: Vec<BadRowEntry>,
}

impl DataFile {
    fn create(dir: &Path, name: &'static str, header: &[&str]) -> Result<DataFile, GenerateError> {
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

    fn good<T: Serialize>(&mut self, row: &T) -> Result<(), GenerateError> {
        let result = self.writer()?.serialize(row);
        result.map_err(|e| GenerateError::Csv(self.path.clone(), e))?;
        self.rows += 1;
        Ok(())
    }

    /// Writes one raw bad line (without its terminator) and records where it starts.
    fn bad(&mut self, line: &str, kind: Reason) -> Result<(), GenerateError> {
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
    fn commit(mut self, entries: &mut Vec<BadRowEntry>) -> Result<usize, GenerateError> {
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

fn write_csv<T: Serialize>(dir: &Path, name: &str, rows: impl IntoIterator<Item = T>) -> Result<(), GenerateError> {
    let path = dir.join(name);
    let bytes = csv_bytes(rows).map_err(|e| GenerateError::Csv(path.clone(), e))?;
    write_atomic(&path, &bytes).map_err(io_err(&path))
}

/// bad_rows.csv, with its header also when there are no bad rows.
fn write_bad_rows(dir: &Path, entries: &[BadRowEntry]) -> Result<(), GenerateError> {
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
fn remove_stale(params: &GenerateParams, out: &Path) -> Result<(), GenerateError> {
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

fn io_err(path: &Path) -> impl Fn(io::Error) -> GenerateError + '_ {
    move |source| GenerateError::Io { path: path.to_path_buf(), source }
}

// ---------------------------------------------------------------------------
// Small value types and helpers.

/// The months of the run and the valuation date.
struct Window {
    start: Month,
    end: Month,
    months: usize,
    /// Last day of `end`.
    valuation: i32,
}

impl Window {
    fn new(params: &GenerateParams) -> Result<Window, GenerateError> {
        let invalid = |m: String| Err(GenerateError::InvalidParams(m));
        if params.departments == 0 || params.departments > 100_000 {
            return invalid(format!("departments must be 1 to 100000, not {}", params.departments));
        }
        if params.years == 0 || params.years > 100 {
            return invalid(format!("years must be 1 to 100, not {}", params.years));
        }
        if !(params.scale.is_finite() && params.scale > 0.0 && params.scale <= 10_000.0) {
            return invalid(format!("the injuries scale must be above 0 and at most 10000, not {}", params.scale));
        }
        let months = params.years as usize * 12;
        let start = params.end.plus(1 - months as i32);
        if start.year() < 1901 || params.end.year() > 2150 {
            return invalid(format!(
                "the window {start}..{} must lie within 1901-2150 (bad future dates are 40 years later)",
                params.end
            ));
        }
        let valuation = days_from_month(params.end.plus(1)) - 1;
        Ok(Window { start, end: params.end, months, valuation })
    }

    fn month(&self, t: usize) -> Month {
        self.start.plus(t as i32)
    }
}

/// A civil date as days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Day(i32);

impl Day {
    fn ymd(self) -> (i32, u32, u32) {
        civil_from_days(self.0)
    }

    fn format(self, buf: &mut [u8; 10]) -> &str {
        let (y, m, d) = self.ymd();
        let y = y.clamp(0, 9999) as u32;
        let digits = [y / 1000, y / 100 % 10, y / 10 % 10, y % 10, 0, m / 10, m % 10, 0, d / 10, d % 10];
        for (i, v) in digits.iter().enumerate() {
            buf[i] = if i == 4 || i == 7 { b'-' } else { b'0' + *v as u8 };
        }
        std::str::from_utf8(buf).unwrap_or("0000-00-00")
    }
}

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.format(&mut [0; 10]))
    }
}

impl Serialize for Day {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.format(&mut [0; 10]))
    }
}

/// Money in cents, written as a plain decimal with two places.
#[derive(Debug, Clone, Copy)]
struct Money(i64);

impl Money {
    fn format(self, buf: &mut [u8; 24]) -> &str {
        let mut v = self.0.unsigned_abs();
        let mut i = buf.len();
        let cents = v % 100;
        v /= 100;
        for b in [b'0' + (cents % 10) as u8, b'0' + (cents / 10) as u8, b'.'] {
            i -= 1;
            buf[i] = b;
        }
        loop {
            i -= 1;
            buf[i] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        if self.0 < 0 {
            i -= 1;
            buf[i] = b'-';
        }
        std::str::from_utf8(&buf[i..]).unwrap_or("0.00")
    }
}

impl std::fmt::Display for Money {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.format(&mut [0; 24]))
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.format(&mut [0; 24]))
    }
}

/// A float written with exactly `N` decimals.
#[derive(Debug, Clone, Copy)]
struct Fixed<const N: usize>(f64);

impl<const N: usize> Serialize for Fixed<N> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{:.*}", N, self.0))
    }
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian; H. Hinnant's algorithm).
fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = (y - era * 400) as u32;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe as i32 - 719_468
}

fn civil_from_days(z: i32) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = (z - era * 146_097) as u32;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe as i32 + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_from_month(month: Month) -> i32 {
    days_from_civil(month.year(), month.month(), 1)
}

fn days_in_month(month: Month) -> u32 {
    (days_from_month(month.plus(1)) - days_from_month(month)) as u32
}

fn stream(seed: u64, id: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(id);
    rng
}

fn normal(rng: &mut ChaCha8Rng, mean: f64, sd: f64) -> f64 {
    mean + sd * rng.sample::<f64, _>(StandardNormal)
}

fn lognormal(rng: &mut ChaCha8Rng, median: f64, sigma: f64) -> f64 {
    median * (sigma * rng.sample::<f64, _>(StandardNormal)).exp()
}

fn pareto(rng: &mut ChaCha8Rng, scale: f64, shape: f64) -> f64 {
    let u = 1.0 - rng.r#gen::<f64>();
    scale * u.powf(-1.0 / shape)
}

fn poisson(rng: &mut ChaCha8Rng, mu: f64) -> usize {
    if mu > 0.0 && mu.is_finite() { Poisson::new(mu).map(|p| p.sample(rng) as usize).unwrap_or(0) } else { 0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_days_match_jiff() {
        for (y, m, d) in [(1970, 1, 1), (2000, 2, 29), (2024, 12, 31), (1900, 3, 1), (2065, 7, 15)] {
            let z = days_from_civil(y, m, d);
            assert_eq!(civil_from_days(z), (y, m, d));
            let jd = jiff::civil::Date::new(y as i16, m as i8, d as i8).unwrap();
            assert_eq!(Day(z).to_string(), jd.to_string());
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        let feb = Month::new(2024, 2).unwrap();
        assert_eq!(days_in_month(feb), 29);
        assert_eq!(days_in_month(Month::new(2023, 2).unwrap()), 28);
        assert_eq!(Day(days_from_month(feb.plus(1)) - 1).to_string(), feb.last_day().to_string());
    }

    #[test]
    fn money_and_fixed_format() {
        assert_eq!(Money(123_456).to_string(), "1234.56");
        assert_eq!(Money(5).to_string(), "0.05");
        assert_eq!(Money(0).to_string(), "0.00");
        assert_eq!(Money(-1000).to_string(), "-10.00");
        let bytes = csv_bytes([(Fixed::<2>(1.005), Fixed::<1>(3.0), Money(-7))]).unwrap();
        assert_eq!(String::from_utf8(bytes).unwrap(), "1.00,3.0,-0.07\n");
    }

    #[test]
    fn department_codes_are_unique_upper_case() {
        let params = GenerateParams { departments: 130, ..GenerateParams::default() };
        let window = Window::new(&params).unwrap();
        let depts = build_departments(&params, &window);
        let mut codes: Vec<&str> = depts.iter().map(|d| d.code.as_str()).collect();
        assert!(codes.iter().all(|c| c.len() >= 3 && c.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())));
        assert!(!codes.contains(&"ZZZ"));
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 130);
        assert_eq!(depts[0].code, "LAPD");
        assert!(depts.iter().any(|d| d.name == "Sanitation District 2"));
        assert_eq!(depts.iter().filter(|d| d.brk.is_some()).count(), 13);
        let max = depts.iter().map(|d| d.headcount).fold(0.0, f64::max);
        assert_eq!(depts.iter().find(|d| d.headcount == max).map(|d| d.group), Some(Group::PublicSafety));
        assert!(depts.iter().all(|d| d.headcount >= 10.0 && d.headcount < 16_000.0));
    }

    #[test]
    fn capped_pareto_mean_matches_integral() {
        // E[min(X, C)] = x_m + ∫_{x_m}^{C} (x_m / x)^α dx, by the midpoint rule on a log grid.
        let (xm, a, c) = (TAIL_SCALE, TAIL_SHAPE, TAIL_CAP);
        let n = 200_000;
        let (lo, hi) = (xm.ln(), c.ln());
        let h = (hi - lo) / n as f64;
        let integral: f64 = (0..n)
            .map(|i| {
                let x = (lo + (i as f64 + 0.5) * h).exp();
                (xm / x).powf(a) * x * h
            })
            .sum();
        let formula = capped_pareto_mean(xm, a, c);
        assert!((xm + integral - formula).abs() / formula < 1e-6, "{} vs {formula}", xm + integral);
    }

    fn claim_base(injury_day: i32) -> ClaimDraft {
        ClaimDraft {
            case_seq: Some(1),
            injury_day,
            reported: 0,
            status: ClaimStatus::Open,
            closed: None,
            medical: 0,
            indemnity: 0,
            expense: 0,
            reserve: 0,
            litigated: false,
            cause: Some(56),
            nature: Some(52),
            body: Some(42),
            job: "x",
            employee: 1,
            ultimate: 0.0,
            lost_time: false,
            initial: 0,
        }
    }

    #[test]
    fn claim_costs_match_the_documented_expectation() {
        // With the valuation far away every claim is reported; paid + reserve
        // is the ultimate cost in expectation (unbiased reserves), so its
        // mean must match the formula truth.csv uses.
        let mut rng = stream(11, 99);
        let injury = days_from_civil(2020, 3, 3);
        for class in 0..CLAIM_CLASSES.len() {
            let n = 40_000;
            let mut sum = 0.0;
            for _ in 0..n {
                let c = draw_claim(&mut rng, claim_base(injury), class, Group::PublicSafety, 2.0, injury + 3_000_000)
                    .unwrap();
                sum += (c.medical + c.indemnity + c.expense + c.reserve) as f64 / 100.0;
            }
            let mean = sum / n as f64;
            let expected = expected_claim_cost(class, Group::PublicSafety, 2.0);
            assert!((mean / expected - 1.0).abs() < 0.07, "class {class}: {mean} vs {expected}");
        }
    }

    #[test]
    fn closed_claims_pay_the_ultimate_and_open_ones_keep_a_reserve() {
        let mut rng = stream(5, 77);
        let base = claim_base(days_from_civil(2020, 3, 3));
        let valuation = days_from_civil(2025, 12, 31);
        let mut seen = [0usize; 3];
        for i in 0..5000 {
            let class = i % 5;
            let Some(c) = draw_claim(&mut rng, base, class, Group::Office, 0.0, valuation) else { continue };
            assert!(c.reported >= c.injury_day && c.reported <= valuation);
            assert!(c.medical >= 0 && c.indemnity >= 0 && c.expense >= 0);
            match c.status {
                ClaimStatus::Closed => {
                    seen[0] += 1;
                    assert_eq!(c.reserve, 0);
                    let closed = c.closed.unwrap();
                    assert!(closed > c.reported && closed <= valuation);
                }
                ClaimStatus::Open => {
                    seen[1] += 1;
                    assert!(c.reserve >= MIN_RESERVE_CENTS && c.closed.is_none());
                }
                ClaimStatus::Reopened => {
                    seen[2] += 1;
                    assert!(c.reserve > 0 && c.closed.unwrap() <= valuation);
                }
            }
            if !matches!(class, 0 | 1) && class != UNLINKED {
                assert_eq!(c.indemnity, 0);
            }
        }
        assert!(seen.iter().all(|&n| n > 0), "{seen:?}");
    }

    #[test]
    fn invalid_params_are_rejected() {
        let dir = tempfile::tempdir().unwrap();
        for params in [
            GenerateParams { departments: 0, ..GenerateParams::default() },
            GenerateParams { years: 0, ..GenerateParams::default() },
            GenerateParams { scale: f64::NAN, ..GenerateParams::default() },
            GenerateParams { scale: -1.0, ..GenerateParams::default() },
            GenerateParams { end: Month::new(2190, 1).unwrap(), ..GenerateParams::default() },
        ] {
            assert!(matches!(write(&params, dir.path()), Err(GenerateError::InvalidParams(_))), "{params:?}");
        }
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn every_reason_applies_somewhere() {
        let params = GenerateParams::default();
        for kind in REASONS {
            assert!(FileKind::ALL.iter().any(|&f| applies(kind, f, &params)), "{kind:?}");
        }
        let n: usize = FileKind::ALL.iter().map(|&f| REASONS.iter().filter(|&&k| applies(k, f, &params)).count()).sum();
        assert_eq!(n, 28);
    }

    #[test]
    fn small_run_is_deterministic_and_tidy() {
        let params = GenerateParams { departments: 4, years: 1, bad_rows: 30, scale: 0.3, ..Default::default() };
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let sa = write(&params, a.path()).unwrap();
        let sb = write(&params, b.path()).unwrap();
        assert_eq!(sa, sb);
        assert_eq!(sa.bad_rows, 30);
        assert_eq!(sa.exposure, 4 * 12 + count_exposure_bad(&params));
        let mut names: Vec<String> =
            fs::read_dir(a.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        assert_eq!(
            names,
            [
                "bad_rows.csv",
                "claims.csv",
                "departments.csv",
                "exposure.csv",
                "injuries.csv",
                "params.json",
                "truth.csv",
                "truth_departments.csv"
            ]
        );
        for name in names {
            assert_eq!(fs::read(a.path().join(&name)).unwrap(), fs::read(b.path().join(&name)).unwrap(), "{name}");
        }
    }

    fn count_exposure_bad(params: &GenerateParams) -> usize {
        let pairs: Vec<_> = REASONS
            .iter()
            .flat_map(|&k| FileKind::ALL.iter().map(move |&f| (k, f)))
            .filter(|&(k, f)| applies(k, f, params))
            .collect();
        (0..params.bad_rows).filter(|i| pairs[i % pairs.len()].1 == FileKind::Exposure).count()
    }
}
