//! What the reports show, as plain data: built once by the run from the
//! panel, the ranking and the model file, then handed to every writer
//! (CSV, PDF, manifest). No writer computes anything of its own, so the CSV
//! and the PDF can never disagree.
//!
//! Privacy by construction: a case line has no employee id, name or free
//! text; the injury log's `employee_id` and `description` never reach
//! these types.

use serde::Serialize;

use crate::schema::{Cents, Month, OshaClass};

/// The tier a department falls in (see [`TIER_RULE`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskTier {
    High,
    Elevated,
    Moderate,
    Low,
}

impl RiskTier {
    pub fn as_str(self) -> &'static str {
        match self {
            RiskTier::High => "high",
            RiskTier::Elevated => "elevated",
            RiskTier::Moderate => "moderate",
            RiskTier::Low => "low",
        }
    }
}

/// The tier rule, printed in the reports themselves.
pub const TIER_RULE: &str = "high: the lower end of the 90% interval of the predicted rate is above 1.25 × the city-wide \
predicted rate; elevated: the predicted rate is above the city's; moderate: between 0.75 × and 1 × the city's; \
low: below 0.75 × the city's. Without hours worked the same rule applies to predicted cases per department against \
the city's mean.";

/// One line of `ranking.csv` (the data contract's columns, in order).
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct RankingRow {
    pub rank: u32,
    pub department: String,
    pub name: String,
    pub group: Option<String>,
    pub risk_tier: RiskTier,
    /// Totals over the horizon (the N months after the as-of month).
    pub predicted_cases: f64,
    pub predicted_cases_low: u64,
    pub predicted_cases_high: u64,
    /// Recordables per 200,000 h over the horizon; `None` without hours.
    pub predicted_rate: Option<f64>,
    pub predicted_incurred: f64,
    pub trailing12_trir: Option<f64>,
    pub trailing12_dart: Option<f64>,
    pub trailing12_incurred: Cents,
    /// Trailing-12 recordables over what the model expected for them.
    pub actual_to_expected: Option<f64>,
    /// Places moved up (+) or down (−) since the previous run; `None` when none.
    pub rank_change: Option<i64>,
    pub cost_rank: u32,
    pub credibility_z: f64,
    pub top_driver: String,
}

/// The whole ranking.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranking {
    pub as_of: Month,
    pub horizon: u32,
    /// Whether rates exist (exposure given); otherwise ranked by predicted cases.
    pub rated: bool,
    /// City-wide predicted rate over the horizon (or mean predicted cases per
    /// department without hours): the tiers' yardstick.
    pub city_predicted: f64,
    pub rows: Vec<RankingRow>,
}

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

/// One case of the department's own log, without personal data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseLine {
    pub case_id: String,
    pub event_date: jiff::civil::Date,
    pub osha_class: OshaClass,
    pub days_away: Option<u32>,
    pub days_restricted: Option<u32>,
    pub cause: Option<String>,
    pub body_part: Option<String>,
    /// Incurred of the linked claim(s), at valuation.
    pub incurred: Option<Cents>,
}

/// Everything a department's own report shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DepartmentReport {
    pub row: RankingRow,
    pub history: Vec<TrendPoint>,
    pub mix: Vec<MixShare>,
    /// Plain-words drivers, strongest first.
    pub drivers: Vec<String>,
    pub open_claims: u64,
    pub incurred_t12: Cents,
    /// The department's cases of the last 12 months, newest first.
    pub cases: Vec<CaseLine>,
}

/// Everything the reports of one run show.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportData {
    pub title: String,
    pub ranking: Ranking,
    pub coverage: Coverage,
    pub city_history: Vec<CityMonth>,
    pub movers: Vec<Mover>,
    pub cause_pareto: Vec<ParetoItem>,
    pub trust: Option<Trust>,
    pub tier_rule: String,
    /// (term, definition) pairs for the metric definitions box.
    pub definitions: Vec<(String, String)>,
    pub departments: Vec<DepartmentReport>,
}
