//! Synthetic data with documented ground truth: `riskrank generate`.
//!
//! [`write()`] fills a data folder that follows the data contract
//! (`docs/data-contract.md`) with a city-like set of departments, their
//! hours, an OSHA 300-style injury log and a workers' compensation claims
//! file, together with the true parameters that produced them, so that models
//! can be scored against the truth and the reader can be tested against
//! known defects. Everything below is the data-generating process (DGP); the
//! constants it names are defined in the submodule that draws them.
//!
//! The submodules follow the sections below: `params` (the window),
//! `departments`, `exposure` (hours and the recordable rate), `cases`,
//! `claims` (with `development`, a claim's value on any day),
//! `establishments` (with the vocabulary of `sites`), `truth`,
//! `valuations` (the two files of `--valuations`), `bad_rows`, and `files`
//! (streaming the files); `groups`, `wcio`, `random` and `values` hold what
//! several of them share.
//!
//! # Files
//!
//! | file | rows |
//! | --- | --- |
//! | `injuries.csv` | one per case (recordable, first aid, near miss), plus injected bad rows |
//! | `claims.csv` | one per claim reported by the valuation date, plus injected bad rows |
//! | `exposure.csv` | one per department and month, plus injected bad rows (not with `--no-exposure`) |
//! | `departments.csv` | one per department (not with `--no-departments`) |
//! | `establishments.csv` | per establishment, its standing row, and a row per calendar year with its figures when its department has several (every establishment with `--no-exposure`) |
//! | `truth.csv` | `department,month,hours,expected_recordable,expected_incurred` for every department-month |
//! | `truth_departments.csv` | the true coefficients of every department (see below) |
//! | `claim_valuations.csv` | with `--valuations`: `claim_id,valuation_date,paid_medical,paid_indemnity,paid_expense,reserve,status` per claim and month-end from its report month on (see Claims) |
//! | `truth_ultimates.csv` | with `--valuations`: `department,month,claims,ultimate_incurred,ultimate_incurred_capped` for every department and accident month (see Truth) |
//! | `bad_rows.csv` | `file,line,kind` for every injected bad row, sorted by file then line |
//! | `params.json` | the [`GenerateParams`] |
//!
//! Good rows are written with the csv crate, columns in the order of the
//! contract tables; claims.csv then has one extension column,
//! `initial_incurred` (the case estimate at first report, see Claims), as
//! its last column, and injuries.csv ends with the four OSHA columns
//! (`establishment`, `injury_type`, `job_title`, `incident_location`, see
//! OSHA columns). Dates are `YYYY-MM-DD`, months `YYYY-MM`, money plain
//! decimals with two places, hours and headcount one decimal. The injury and
//! claim files are streamed, the small files written in one go, all
//! into a staged folder that replaces the output folder at the end (other
//! files in it are kept). A file of an earlier run that this run
//! does not write (`exposure.csv` with `--no-exposure`, `departments.csv`
//! with `--no-departments`, `claim_valuations.csv` and
//! `truth_ultimates.csv` without `--valuations`) is removed, and so is a `.csv.gz` sibling of any
//! input file, so the folder always describes this run alone.
//!
//! # Randomness and determinism
//!
//! Every draw comes from `ChaCha8Rng::seed_from_u64(seed)` with a fixed
//! stream per purpose (`set_stream`): stream 1 the department parameters,
//! stream 2 exposure, stream 3 the bad rows, stream `1000 + d` the cases and
//! claims of department `d`, stream `2^32 + d` the initial case estimates of
//! department `d` (a stream of their own, so that adding the column moved no
//! other value), stream 4 the establishments and stream `3 × 2^32 + d` the
//! OSHA columns of department `d`'s cases (likewise). The same parameters therefore give byte-identical files,
//! and the good rows do not change with `--bad-rows`. `--valuations` draws
//! nothing of its own: it values the claims already drawn differently, so
//! with it only the open claims' money in claims.csv changes (and the two
//! files are added). Hours, exposure and
//! truth do not depend on `--injuries-scale` except that the expected counts
//! are multiplied by it.
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
//! With `--overdispersion k` every department-month's μ_dt is first
//! multiplied by a Gamma(k, 1/k) draw (mean 1, its own random stream) that
//! all of the cell's draws share — recordables, first aid cases, near
//! misses and unlinked claims — so recordable counts are negative binomial
//! with variance μ + μ²/k. `truth.csv` keeps μ_dt, the mean before the draw:
//! the best any model can predict.
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
//! # OSHA columns
//!
//! The establishments and their figures are described in `establishments`.
//! Every case (first aid cases and near misses too) names one of its
//! department's establishments, drawn in proportion to their shares. Its
//! `job_title` is its `job_class` without the pay grade (`Firefighter III`
//! → `Firefighter`); its `incident_location` follows from its cause and
//! description phrase: a place at the establishment (`Station 27
//! apparatus bay`) or a block of a street (`arrest, 7600 block of Florence
//! Ave`). `injury_type` is filled only on a recordable case whose nature
//! code `riskrank osha` cannot map to an OSHA type (of the generated codes,
//! 78 carpal tunnel): `other_illness` with probability 0.75, else
//! `injury`, as a recordkeeper fills the gap; every other case is left to
//! the inference from the nature code. The description (above) is the
//! case's text on the Form 300 log; none of these columns names a person.
//! Bad rows carry their department's first establishment, its short name
//! as the location and the job title of their job class, with no draw.
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
//! With `--valuations` open claims are valued instead along a development
//! path that starts from the initial estimate `I`: on a day t after the
//! report, with h = min(1, (t − reported) / S), incurred = I + (U − I) h²
//! (reserves strengthened late; falling toward U when I > U), paid = incurred × (0.1 + 0.8 h) and
//! reserve = incurred − paid, at least $50. Closed and reopened claims are
//! valued as above (from the closing day paid = U; from the reopening day
//! the reopened paid and reserve, the paid amount dropping from U to r U),
//! and paid splits with the claim's shares. Young claims' incurred to date
//! thus falls short of their ultimate, as chain-ladder development expects
//! (on the sample's parameters, the last 12 accident months' incurred in
//! claims.csv is about 0.81 of their ultimates, 0.95 without the flag).
//! `claim_valuations.csv` has the claim's value at every month-end from the
//! end of its report month to the valuation date, the last equal to its
//! claims.csv row; a claim closed at the valuation date stops at the first
//! month-end on or after its closing day (a reader carries the last value
//! forward). Rows are sorted by valuation date, then in claims.csv order,
//! as monthly loss runs concatenated; money, dates and status are written
//! as in claims.csv, and no bad rows are injected.
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
//! `truth_ultimates.csv` (with `--valuations`) has, per department and
//! accident month (the month of the injury date), the number of claims
//! drawn and the sum of their realised ultimates U, each rounded to cents
//! as a closed claim's paid amount is, including the claims not reported
//! by the valuation date; `ultimate_incurred_capped` caps each claim at
//! $100,000 (`metrics::DEFAULT_CLAIM_CAP`) first. Every department-month of
//! the window has a row, zeros included.
//!
//! # Bad rows
//!
//! `--bad-rows R` injects R rows in total. Bad row i takes the i-th pair of
//! the list of (kind, file) pairs that apply, in [`Reason`](crate::ingest::Reason) order and file
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

mod bad_rows;
mod cases;
mod claims;
mod departments;
mod development;
mod establishments;
mod exposure;
mod files;
mod groups;
mod params;
mod random;
mod sites;
mod valuations;
mod values;
mod wcio;

use std::io;
use std::path::{Path, PathBuf};

pub use crate::export::truth::{FILE as TRUTH_FILE, TRUTH_DEPARTMENTS_FILE};
use bad_rows::BadRows;
use cases::CaseWriter;
use departments::{Dept, build_departments};
use development::Reserves;
pub use establishments::ESTABLISHMENTS_FILE;
use exposure::{CellTruth, build_cells, exposure_row, truth_rows};
use files::{BadRowEntry, DataFile, drop_stale, write_bad_rows, write_csv};
use params::Window;
pub use params::{GenerateParams, GeneratedSummary};
use random::{CASE_STREAM, ESTIMATE_STREAM, MIXING_STREAM, OSHA_STREAM, gamma_unit_mean, stream};
pub use valuations::{ULTIMATES_FILE, VALUATIONS_FILE};
use wcio::Tables;

use crate::export::{ExportError, Keep, StagedFolder};
use crate::ingest;

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
    #[error(transparent)]
    Export(#[from] ExportError),
}

pub const INJURIES_FILE: &str = "injuries.csv";
pub const CLAIMS_FILE: &str = "claims.csv";
pub const EXPOSURE_FILE: &str = "exposure.csv";
pub const DEPARTMENTS_FILE: &str = "departments.csv";
pub const BAD_ROWS_FILE: &str = "bad_rows.csv";
pub const PARAMS_FILE: &str = "params.json";

/// The generated injuries.csv's columns: the contract's, then the personal
/// columns a real log carries (so the reader's redaction is exercised),
/// then the OSHA columns `riskrank osha` reads.
pub fn injury_columns() -> Vec<&'static str> {
    [ingest::INJURY_COLUMNS, &["employee_id", "description"], ingest::osha::OSHA_INJURY_COLUMNS].concat()
}

/// The generated claims.csv's columns: the contract's, with the personal
/// `employee_id` before the last, the optional `initial_incurred` (the case
/// estimate at first report).
pub fn claim_columns() -> Vec<&'static str> {
    let columns = ingest::CLAIM_COLUMNS;
    let last = columns.len().saturating_sub(1);
    [&columns[..last], &["employee_id"], &columns[last..]].concat()
}

/// Contract column order of exposure.csv.
pub const EXPOSURE_COLUMNS: [&str; 5] = ["department", "month", "hours_worked", "headcount", "payroll"];

/// Writes a synthetic data folder into `out` (created if needed).
pub fn write(params: &GenerateParams, out: &Path) -> Result<GeneratedSummary, GenerateError> {
    let window = Window::new(params)?;
    let mut folder = StagedFolder::new(out, Keep::Others)?;
    let mut depts = build_departments(params, &window);
    let ein = establishments::assign(params.seed, &mut depts);
    let cells = build_cells(params, &window, &depts);
    let (mut summary, entries) = write_data_files(params, &mut folder, &window, &depts, &cells)?;
    let records = establishments::records(&depts, &cells, &window, &ein, params.with_exposure);
    summary.establishments = records.len();
    write_csv(&mut folder, ESTABLISHMENTS_FILE, records)?;
    write_reference_files(params, &mut folder, &window, &depts, &cells, &entries)?;
    drop_stale(params, &mut folder);
    folder.publish()?;
    Ok(summary)
}

/// Streams injuries.csv, claims.csv and exposure.csv department by
/// department and month by month, with the planned bad rows among the good
/// ones; returns the row counts and where the bad rows went, sorted by file
/// then line.
fn write_data_files(
    params: &GenerateParams,
    folder: &mut StagedFolder,
    window: &Window,
    depts: &[Dept],
    cells: &[CellTruth],
) -> Result<(GeneratedSummary, Vec<BadRowEntry>), GenerateError> {
    let tables = Tables::new();
    let mut bad = BadRows::plan(params, window, cells)?;

    let mut injuries = DataFile::create(folder, INJURIES_FILE, &injury_columns())?;
    let mut claims = DataFile::create(folder, CLAIMS_FILE, &claim_columns())?;
    let mut exposure =
        if params.with_exposure { Some(DataFile::create(folder, EXPOSURE_FILE, &EXPOSURE_COLUMNS)?) } else { None };

    let reserves = if params.valuations { Reserves::CaseEstimate } else { Reserves::Unbiased };
    let mut cases = CaseWriter::new(window, &tables, reserves);
    for (d, dept) in depts.iter().enumerate() {
        let mut rng = stream(params.seed, CASE_STREAM + d as u64);
        let mut estimates = stream(params.seed, ESTIMATE_STREAM + d as u64);
        let mut mixing = stream(params.seed, MIXING_STREAM + d as u64);
        cases.start_department(dept, stream(params.seed, OSHA_STREAM + d as u64));
        for t in 0..window.months {
            let c = d * window.months + t;
            if let Some(file) = exposure.as_mut() {
                bad.exposure_before(c, file, depts, cells)?;
                file.good(&exposure_row(dept, window.month(t), &cells[c]))?;
            }
            let mu = match params.overdispersion {
                Some(shape) => cells[c].mu * gamma_unit_mean(&mut mixing, shape),
                None => cells[c].mu,
            };
            cases.generate_cell(&mut rng, dept, t, mu);
            cases.estimate_claims(&mut estimates);
            cases.write_cell(c, dept, t, &mut injuries, &mut claims, &mut bad)?;
        }
    }
    if let Some(file) = exposure.as_mut() {
        bad.exposure_before(cells.len(), file, depts, cells)?;
    }
    bad.finish_pending(&mut injuries, &mut claims, depts)?;
    let mut n_valuations = 0;
    if params.valuations {
        n_valuations = valuations::write_claim_valuations(folder, window, cases.courses())?;
        valuations::write_truth_ultimates(folder, window, depts, cases.ultimates())?;
    }

    let mut entries = Vec::with_capacity(params.bad_rows);
    let n_injuries = injuries.commit(folder, &mut entries)?;
    let n_claims = claims.commit(folder, &mut entries)?;
    let n_exposure = match exposure {
        Some(file) => file.commit(folder, &mut entries)?,
        None => 0,
    };
    entries.sort_by(|a, b| (a.file, a.line).cmp(&(b.file, b.line)));
    let summary = GeneratedSummary {
        injuries: n_injuries,
        claims: n_claims,
        exposure: n_exposure,
        establishments: 0,
        bad_rows: entries.len(),
        valuations: n_valuations,
    };
    Ok((summary, entries))
}

/// The files beside the data: departments.csv, the truth, bad_rows.csv and
/// params.json.
fn write_reference_files(
    params: &GenerateParams,
    folder: &mut StagedFolder,
    window: &Window,
    depts: &[Dept],
    cells: &[CellTruth],
    entries: &[BadRowEntry],
) -> Result<(), GenerateError> {
    if params.with_departments {
        write_csv(folder, DEPARTMENTS_FILE, depts.iter().map(Dept::record))?;
    }
    write_csv(folder, TRUTH_FILE, truth_rows(depts, cells, window))?;
    write_csv(folder, TRUTH_DEPARTMENTS_FILE, depts.iter().map(|d| d.truth_row(window)))?;
    write_bad_rows(folder, entries)?;
    let json = crate::export::json_bytes(params)
        .map_err(|e| GenerateError::Io { path: folder.target().join(PARAMS_FILE), source: io::Error::other(e) })?;
    folder.add_bytes(PARAMS_FILE, &json)?;
    Ok(())
}

#[cfg(test)]
mod osha_tests;

#[cfg(test)]
mod valuation_tests;

#[cfg(test)]
mod tests {
    use std::fs;

    use super::bad_rows::{FileKind, applicable_pairs};
    use super::*;

    #[test]
    fn invalid_params_are_rejected() {
        let dir = tempfile::tempdir().unwrap();
        for params in [
            GenerateParams { departments: 0, ..GenerateParams::default() },
            GenerateParams { years: 0, ..GenerateParams::default() },
            GenerateParams { scale: f64::NAN, ..GenerateParams::default() },
            GenerateParams { scale: -1.0, ..GenerateParams::default() },
            GenerateParams { end: crate::schema::Month::new(2190, 1).unwrap(), ..GenerateParams::default() },
        ] {
            assert!(matches!(write(&params, dir.path()), Err(GenerateError::InvalidParams(_))), "{params:?}");
        }
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
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
                "establishments.csv",
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
        let pairs = applicable_pairs(params);
        (0..params.bad_rows).filter(|i| pairs[i % pairs.len()].1 == FileKind::Exposure).count()
    }
}
