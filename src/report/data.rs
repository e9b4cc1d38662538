//! What the reports show, as plain data: built once by the run from the
//! panel, the ranking and the model file, then handed to every writer
//! (CSV, PDF, manifest). No writer computes anything of its own, so the CSV
//! and the PDF can never disagree.
//!
//! Privacy by construction: a case line has no employee id, name or free
//! text; the injury log's `employee_id` and `description` never reach
//! these types.

use serde::Serialize;

pub use crate::rank::targets::{Measure, Progress, Refusal, ScopeProgress, Status, TargetsProgress};
pub use crate::rank::{Ranking, RankingRow, RiskTier};

pub use crate::report::advice::Action;
use crate::schema::{Cents, Month, OshaClass};

/// Data coverage for the cover page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coverage {
    pub panel_start: Month,
    pub panel_end: Month,
    pub departments: usize,
    pub files: Vec<FileCount>,
    pub rows_quarantined: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileCount {
    pub file: String,
    pub read: u64,
    pub accepted: u64,
    pub quarantined: u64,
}

/// A month of city-wide metrics (36 of them for the trend chart).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CityMonth {
    pub month: Month,
    pub recordable: u64,
    pub trir: Option<f64>,
    pub dart: Option<f64>,
    pub incurred: Cents,
}

/// A department whose rank moved since the previous run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mover {
    pub department: String,
    pub name: String,
    pub rank: u32,
    pub previous_rank: u32,
    /// Places moved up (+) or down (−).
    pub change: i64,
    /// Whether the change is beyond what chance allows: the previous rank
    /// lies outside this run's simulated 90% rank range, or the previous
    /// predicted rate outside this run's 90% interval of it.
    pub significant: bool,
}

/// One bar of the cause Pareto (trailing 12 months, city-wide).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParetoItem {
    pub label: String,
    pub cases: u32,
    pub share: f64,
    pub cumulative_share: f64,
}

/// "How far to trust this": the model's backtest in two numbers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trust {
    pub model_file: String,
    pub trained_to: Month,
    /// Deviance skill against the trailing-12 baseline at horizon 1, 3 and 12.
    pub skill_vs_trailing12: Vec<(u32, f64)>,
    /// 90% interval coverage in the backtest, per horizon.
    pub coverage_90: Vec<(u32, f64)>,
    pub spearman_observed: Option<f64>,
    /// The frequency model's negative binomial dispersion 1/θ (0: counts
    /// vary no more than Poisson).
    pub dispersion: f64,
}

/// A department's monthly TRIR and DART beside its peer group and the city
/// (trailing-12 rates, so the lines are readable).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendPoint {
    pub month: Month,
    pub trir: Option<f64>,
    pub peer_trir: Option<f64>,
    pub city_trir: Option<f64>,
    pub dart: Option<f64>,
    pub peer_dart: Option<f64>,
    pub city_dart: Option<f64>,
}

/// A code's share of a department's cases against the city's (12 months).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MixShare {
    /// `cause` or `body_part`.
    pub kind: String,
    pub label: String,
    pub cases: u32,
    pub share: f64,
    pub city_share: f64,
}

/// One case of the department's own log, without personal data. A
/// privacy concern case (29 CFR 1904.29(b)(7)) keeps its id, class, days
/// and incurred, but its date, cause and part of body are `None`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseLine {
    pub case_id: String,
    /// `None` only for a privacy case: the date is withheld.
    pub event_date: Option<jiff::civil::Date>,
    pub osha_class: OshaClass,
    pub days_away: Option<u32>,
    pub days_restricted: Option<u32>,
    pub cause: Option<String>,
    pub body_part: Option<String>,
    /// Incurred of the linked claim(s), at valuation.
    pub incurred: Option<Cents>,
    /// Whether a linked claim is open (or reopened).
    pub claim_open: bool,
    /// Written as [`PRIVACY_LABEL`] or empty, the way OSHA's own log
    /// marks such a case.
    #[serde(rename = "privacy", serialize_with = "privacy_label")]
    pub privacy_case: bool,
}

/// What the case lists show for a privacy concern case.
pub const PRIVACY_LABEL: &str = "privacy case";

fn privacy_label<S: serde::Serializer>(privacy_case: &bool, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(if *privacy_case { PRIVACY_LABEL } else { "" })
}

/// Everything a department's own report shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DepartmentReport {
    pub row: RankingRow,
    pub history: Vec<TrendPoint>,
    pub mix: Vec<MixShare>,
    /// The case-mix context: causes and parts of body above the city's
    /// share, strongest first, in plain words.
    pub drivers: Vec<String>,
    pub open_claims: u64,
    pub incurred_t12: Cents,
    /// Why it is ranked where it is, in one sentence ([`crate::report::advice::why`]).
    pub why: String,
    /// Whether its change of rank is real ([`crate::report::advice::change`]).
    pub change: String,
    /// How far its prediction leans on its peer group, for a department
    /// with a thin record.
    pub lean: Option<String>,
    /// Recommended controls for its leading causes.
    pub actions: Vec<Action>,
    /// Its recordable cases of the last three years (for the lean).
    pub recordable_3y: u64,
    /// The department's cases of the last 12 months, newest first (the
    /// CSV lists them all; the PDF lists the two lists below).
    pub cases: Vec<CaseLine>,
    /// Its progress against its targets; `None`: no `[targets]` are set
    /// (an empty list: none for this department).
    pub targets: Option<ScopeProgress>,
}

impl DepartmentReport {
    /// Its cases with an open claim, largest incurred first.
    pub fn open_claim_cases(&self) -> Vec<&CaseLine> {
        let mut out: Vec<&CaseLine> = self.cases.iter().filter(|c| c.claim_open).collect();
        out.sort_by(|a, b| b.incurred.cmp(&a.incurred).then_with(|| a.case_id.cmp(&b.case_id)));
        out
    }

    /// Its lost-time cases (deaths and days away), newest first.
    pub fn lost_time_cases(&self) -> Vec<&CaseLine> {
        self.cases.iter().filter(|c| c.osha_class.is_lost_time()).collect()
    }
}

/// Everything the reports of one run show.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportData {
    /// Who the reports are for (the config's `[report] organisation`).
    pub organisation: String,
    pub title: String,
    /// The data gate's findings, when the run was forced past them.
    pub data_warning: Option<String>,
    pub ranking: Ranking,
    pub coverage: Coverage,
    pub city_history: Vec<CityMonth>,
    pub movers: Vec<Mover>,
    pub cause_pareto: Vec<ParetoItem>,
    pub trust: Option<Trust>,
    pub tier_rule: String,
    /// The Cabinet cover's opening summary ([`crate::report::advice::cabinet_summary`]).
    pub summary: Vec<String>,
    /// Why the credibility Z is not shown, when experience credibility is
    /// not applied.
    pub credibility_note: Option<String>,
    /// (term, definition) pairs for the metric definitions box.
    pub definitions: Vec<(String, String)>,
    /// Every department's and the city's progress against the targets;
    /// `None`: no `[targets]` are set.
    pub targets: Option<TargetsProgress>,
    pub departments: Vec<DepartmentReport>,
}
