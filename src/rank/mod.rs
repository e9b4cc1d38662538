//! Scoring and ranking departments for the months after the as-of month:
//! predicted cases with their 90% interval, predicted rate and incurred,
//! the risk tier against the city, the top driver in plain words, and the
//! change of rank since the previous run; progress against the targets
//! ([`targets`]).
//!
//! Decisions where the contract is silent: future hours are assumed to be
//! each department's average month of the last 12; a department with no
//! hours in those 12 months (while others have hours) cannot be given a
//! rate and is left out of the ranking, with a warning.

pub mod drivers;
pub mod targets;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::config::TierCutoffs;
use crate::metrics::BASE_HOURS;
use crate::model::features::{self, FeatureRow, TargetHours};
use crate::model::file::ModelFile;
use crate::model::frequency::{self, RiskModel};
use crate::model::glm::GlmError;
use crate::model::structural::StructuralParams;
use crate::panel::Panel;
use crate::schema::{Cents, Month};

/// The tier a department falls in (see [`TIER_RULE`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
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

/// The tier rule in words, as the reports print it, with its cut-offs.
pub fn tier_rule(t: &TierCutoffs) -> String {
    let elevated = if t.elevated == 1.0 { "the city's".to_string() } else { format!("{} × the city's", t.elevated) };
    format!(
        "high: the lower end of the 90% interval of the predicted rate is above {} × the city-wide predicted rate; \
         elevated: the predicted rate is above {elevated}; moderate: between {} × and {} × the city's; low: below \
         {} × the city's. Without hours worked the same rule applies to predicted cases per department against the \
         city's mean.",
        t.high, t.moderate, t.elevated, t.moderate
    )
}

/// The ranking of an earlier month's run, for rank changes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PreviousRanking {
    /// The month that run was as of.
    pub month: Option<Month>,
    /// Department code → its rank then and the 90% range of that rank
    /// (the range is the rank itself for files written before it existed).
    pub ranks: BTreeMap<String, RankRange>,
}

/// A rank and the 90% range it could fall in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RankRange {
    pub rank: u32,
    pub low: u32,
    pub high: u32,
}

impl RankRange {
    pub fn contains(&self, rank: u32) -> bool {
        (self.low..=self.high).contains(&rank)
    }
}

/// One line of `ranking.csv` (the data contract's columns, in order).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// The 90% range of the rank: the ranks the department would take at
    /// the ends of its interval, the others at their predictions.
    pub rank_low: u32,
    pub rank_high: u32,
    /// Places moved up (+) or down (−) since the previous month's run;
    /// `None` when there is none.
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
    /// City-wide recordables of the last 12 months over the model's
    /// month-ahead expectations for them: far from 1, the model does not
    /// describe this data (a wrong or altered model file).
    pub city_actual_to_expected: Option<f64>,
    /// The month of the run the rank changes compare with.
    pub compared_with: Option<Month>,
    /// The data gate's findings when the run was forced past them.
    pub data_warning: Option<String>,
    pub rows: Vec<RankingRow>,
}

/// What to rank.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RankParams {
    /// The last month of data; predictions start the month after.
    pub as_of: Month,
    /// Months predicted.
    pub horizon: u32,
    pub tiers: TierCutoffs,
}

/// A department's scored horizon, before ranking.
#[derive(Debug, Clone)]
struct Score {
    department: usize,
    cases: f64,
    cases_sq: f64,
    hours: Option<f64>,
    incurred: f64,
}

/// The ranking and the departments left out (no hours to rate them by).
#[derive(Debug, Clone)]
pub struct Ranked {
    pub ranking: Ranking,
    pub unranked: Vec<String>,
}

/// Scores every department of `panel` at `params.as_of` with the model and
/// ranks them; `previous` is the ranking of the latest earlier month.
pub fn rank(
    panel: &Panel,
    model: &ModelFile,
    params: RankParams,
    previous: &PreviousRanking,
) -> Result<Ranked, GlmError> {
    let m = &model.model;
    let horizons: Vec<u32> = (1..=params.horizon).collect();
    let structural = &model.hyperparameters.structural;
    let feats = features::at(panel, params.as_of, &horizons, TargetHours::TrailingAverage, structural)?;
    let rows: Vec<&FeatureRow> = feats.rows.iter().collect();
    let experience = m.experience_for(panel);
    let factors: Vec<f64> = experience.iter().map(|e| e.factor).collect();
    let cases = m.predict_cases(&rows, m.use_experience.then_some(factors.as_slice()));
    let incurred = m.predict_incurred(panel, &rows, &cases);

    let scores = scores(panel, &rows, &cases, &incurred);
    let unranked = (0..panel.departments.len())
        .filter(|d| !scores.contains_key(d))
        .map(|d| panel.departments[d].code.clone())
        .collect();
    let scores: Vec<Score> = scores.into_values().collect();
    let city = city_yardstick(&scores, panel.has_exposure);
    let (a_to_e, city_a_to_e) = actual_to_expected(panel, m, structural, params.as_of, &factors)?;
    let mix = drivers::MixContext::new(panel, params.as_of);

    let mut rows_out: Vec<RankingRow> = scores
        .iter()
        .map(|s| {
            let dept = &panel.departments[s.department];
            let (low, high) = total_interval(m, s);
            let rate = s.hours.filter(|h| *h > 0.0).map(|h| s.cases * BASE_HOURS / h);
            let low_rate = s.hours.filter(|h| *h > 0.0).map(|h| low as f64 * BASE_HOURS / h);
            let t12 = panel.trailing12(s.department, params.as_of);
            let r12 = t12.rates();
            RankingRow {
                rank: 0,
                department: dept.code.clone(),
                name: dept.name.clone(),
                group: dept.group.clone(),
                risk_tier: tier(rate.unwrap_or(s.cases), low_rate.unwrap_or(low as f64), city, &params.tiers),
                predicted_cases: s.cases,
                predicted_cases_low: low,
                predicted_cases_high: high,
                predicted_rate: rate,
                predicted_incurred: s.incurred,
                trailing12_trir: r12.trir,
                trailing12_dart: r12.dart,
                trailing12_incurred: t12.all.incurred,
                actual_to_expected: a_to_e[s.department],
                rank_low: 0,
                rank_high: 0,
                rank_change: None,
                cost_rank: 0,
                credibility_z: experience[s.department].z,
                top_driver: mix.top_driver(panel, s.department),
            }
        })
        .collect();
    let ends: BTreeMap<String, (f64, f64)> =
        scores.iter().map(|s| (panel.departments[s.department].code.clone(), interval_ends(m, s))).collect();
    order(&mut rows_out, &previous.ranks);
    rank_ranges(&mut rows_out, &ends);
    Ok(Ranked {
        ranking: Ranking {
            as_of: params.as_of,
            horizon: params.horizon,
            rated: panel.has_exposure,
            city_predicted: city,
            city_actual_to_expected: city_a_to_e,
            compared_with: previous.month,
            data_warning: None,
            rows: rows_out,
        },
        unranked,
    })
}

/// Each department's predicted cases, hours and incurred summed over the
/// horizon's feature rows, by department index.
fn scores(panel: &Panel, rows: &[&FeatureRow], cases: &[f64], incurred: &[f64]) -> BTreeMap<usize, Score> {
    let mut scores: BTreeMap<usize, Score> = BTreeMap::new();
    for ((r, c), i) in rows.iter().zip(cases).zip(incurred) {
        let s = scores.entry(r.department).or_insert(Score {
            department: r.department,
            cases: 0.0,
            cases_sq: 0.0,
            hours: panel.has_exposure.then_some(0.0),
            incurred: 0.0,
        });
        s.cases += c;
        s.cases_sq += c * c;
        s.hours = s.hours.map(|h| h + r.hours.unwrap_or(0.0));
        s.incurred += i;
    }
    scores
}

/// The city's predicted rate over the horizon (or, without hours, the mean
/// department's predicted cases).
fn city_yardstick(scores: &[Score], rated: bool) -> f64 {
    let cases: f64 = scores.iter().map(|s| s.cases).sum();
    if rated {
        let hours: f64 = scores.iter().filter_map(|s| s.hours).sum();
        if hours > 0.0 { cases * BASE_HOURS / hours } else { 0.0 }
    } else {
        cases / scores.len().max(1) as f64
    }
}

/// The 90% interval of a horizon total: a negative binomial with the
/// total's mean and the variance of the monthly counts added up.
fn total_interval(model: &RiskModel, s: &Score) -> (u64, u64) {
    let alpha = if s.cases > 0.0 { model.overdispersion * s.cases_sq / (s.cases * s.cases) } else { 0.0 };
    frequency::count_interval(s.cases, alpha, 0.90)
}

/// The ends of a department's 90% interval in the ranking's unit (rate,
/// or cases without hours).
fn interval_ends(model: &RiskModel, s: &Score) -> (f64, f64) {
    let (low, high) = total_interval(model, s);
    match s.hours.filter(|h| *h > 0.0) {
        Some(h) => (low as f64 * BASE_HOURS / h, high as f64 * BASE_HOURS / h),
        None => (low as f64, high as f64),
    }
}

/// Each row's rank range: its best rank is taken at the top of its
/// interval, its worst at the bottom, every other department at its
/// prediction. A rank change inside these ranges is not news.
fn rank_ranges(rows: &mut [RankingRow], ends: &BTreeMap<String, (f64, f64)>) {
    let values: Vec<f64> = rows.iter().map(|r| r.predicted_rate.unwrap_or(r.predicted_cases)).collect();
    for (i, r) in rows.iter_mut().enumerate() {
        let (low, high) = ends.get(&r.department).copied().unwrap_or((values[i], values[i]));
        let above = |x: f64| values.iter().enumerate().filter(|&(j, v)| j != i && *v > x).count() as u32;
        r.rank_low = (1 + above(high.max(values[i]))).min(r.rank);
        r.rank_high = (1 + above(low.min(values[i]))).max(r.rank);
    }
}

/// The tier rule (see [`tier_rule`]): `value` is the predicted rate (or
/// cases), `low` its interval's lower end.
pub fn tier(value: f64, low: f64, city: f64, t: &TierCutoffs) -> RiskTier {
    if low > t.high * city {
        RiskTier::High
    } else if value > t.elevated * city {
        RiskTier::Elevated
    } else if value >= t.moderate * city {
        RiskTier::Moderate
    } else {
        RiskTier::Low
    }
}

/// Sorts by predicted rate (or cases), assigns ranks, cost ranks and rank
/// changes.
fn order(rows: &mut [RankingRow], previous: &BTreeMap<String, RankRange>) {
    let key = |r: &RankingRow| r.predicted_rate.unwrap_or(r.predicted_cases);
    rows.sort_by(|a, b| key(b).total_cmp(&key(a)).then_with(|| a.department.cmp(&b.department)));
    for (i, r) in rows.iter_mut().enumerate() {
        r.rank = i as u32 + 1;
        r.rank_change = previous.get(&r.department).map(|p| i64::from(p.rank) - i64::from(r.rank));
    }
    let mut by_cost: Vec<usize> = (0..rows.len()).collect();
    by_cost.sort_by(|&a, &b| {
        rows[b].predicted_incurred.total_cmp(&rows[a].predicted_incurred).then_with(|| rows[a].rank.cmp(&rows[b].rank))
    });
    for (i, idx) in by_cost.into_iter().enumerate() {
        rows[idx].cost_rank = i as u32 + 1;
    }
}

/// Trailing-12 recordables over the model's one-month-ahead expectations
/// for those same months (each predicted from the month before it), per
/// department and city-wide.
fn actual_to_expected(
    panel: &Panel,
    model: &RiskModel,
    structural: &StructuralParams,
    as_of: Month,
    factors: &[f64],
) -> Result<(Vec<Option<f64>>, Option<f64>), GlmError> {
    use rayon::prelude::*;
    let origins: Vec<Month> = Month::range(as_of.plus(-12), as_of.plus(-1)).filter(|o| *o >= panel.start).collect();
    let banks: Vec<features::Features> = origins
        .par_iter()
        .map(|&o| features::at(panel, o, &[1], TargetHours::Actual, structural))
        .collect::<Result<_, _>>()?;
    let rows: Vec<&FeatureRow> = banks.iter().flat_map(|f| f.rows.iter()).collect();
    let expected = model.predict_cases(&rows, model.use_experience.then_some(factors));
    let n = panel.departments.len();
    let (mut actual, mut exp) = (vec![0.0; n], vec![0.0; n]);
    for (r, e) in rows.iter().zip(expected) {
        actual[r.department] += r.observed.unwrap_or(0.0);
        exp[r.department] += e;
    }
    let (all_actual, all_expected): (f64, f64) = (actual.iter().sum(), exp.iter().sum());
    let city = (all_expected > 0.0).then(|| all_actual / all_expected);
    Ok(((0..n).map(|d| (exp[d] > 0.0).then(|| actual[d] / exp[d])).collect(), city))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(code: &str, rank: u32, rate: f64) -> RankingRow {
        RankingRow {
            rank,
            department: code.into(),
            name: code.into(),
            group: None,
            risk_tier: RiskTier::Low,
            predicted_cases: rate,
            predicted_cases_low: 0,
            predicted_cases_high: 0,
            predicted_rate: Some(rate),
            predicted_incurred: 0.0,
            trailing12_trir: None,
            trailing12_dart: None,
            trailing12_incurred: Cents(0),
            actual_to_expected: None,
            rank_low: 0,
            rank_high: 0,
            rank_change: None,
            cost_rank: 0,
            credibility_z: 0.0,
            top_driver: String::new(),
        }
    }

    #[test]
    fn rank_ranges_span_what_the_intervals_allow() {
        let mut rows = vec![row("A", 1, 10.0), row("B", 2, 9.0), row("C", 3, 5.0)];
        // B could be anywhere from 8 to 11: above A at its top, still above C
        // at its bottom. A at its bottom (9.5) stays above B's prediction.
        let ends = BTreeMap::from([
            ("A".to_string(), (9.5, 10.5)),
            ("B".to_string(), (8.0, 11.0)),
            ("C".to_string(), (4.9, 5.1)),
        ]);
        rank_ranges(&mut rows, &ends);
        let ranges: Vec<(u32, u32)> = rows.iter().map(|r| (r.rank_low, r.rank_high)).collect();
        assert_eq!(ranges, [(1, 1), (1, 2), (3, 3)]);
        let range = RankRange { rank: 2, low: 1, high: 2 };
        assert!(range.contains(1) && !range.contains(3));
    }

    #[test]
    fn tier_rules() {
        let t = TierCutoffs::default();
        assert_eq!(tier(20.0, 13.0, 10.0, &t), RiskTier::High);
        assert_eq!(tier(20.0, 12.0, 10.0, &t), RiskTier::Elevated);
        assert_eq!(tier(9.0, 5.0, 10.0, &t), RiskTier::Moderate);
        assert_eq!(tier(7.4, 5.0, 10.0, &t), RiskTier::Low);
        let strict = TierCutoffs { high: 2.0, elevated: 1.5, moderate: 1.0 };
        assert_eq!(tier(20.0, 13.0, 10.0, &strict), RiskTier::Elevated);
        assert_eq!(tier(9.0, 5.0, 10.0, &strict), RiskTier::Low);
        assert!(tier_rule(&strict).contains("above 2 ×"));
    }
}
