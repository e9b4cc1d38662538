//! Scoring and ranking departments for the months after the as-of month:
//! predicted cases with their 90% interval, predicted rate and incurred,
//! the risk tier against the city (a function of the predicted rate alone,
//! so it never contradicts the order) and whether the department is
//! distinguishable from the city, the model's drivers ([`explain`]), the
//! 90% range of the rank and the addressable excess ([`simulate`]), and
//! the change of rank since the previous run; progress against the
//! targets ([`targets`]).
//!
//! Decisions where the contract is silent: future hours are assumed to be
//! each department's average month of the last 12; a department with no
//! hours in those 12 months (while others have hours) cannot be given a
//! rate and is left out of the ranking, with a warning.

pub mod drivers;
pub mod explain;
pub mod simulate;
pub mod targets;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::config::TierCutoffs;
use crate::metrics::BASE_HOURS;
use crate::model::development::monthly::{self, MonthlyDevelopment};
use crate::model::features::{self, FeatureRow, TargetHours};
use crate::model::file::ModelFile;
use crate::model::frequency::{self, Experience, RiskModel};
use crate::model::glm::GlmError;
use crate::model::structural::StructuralParams;
use crate::panel::Panel;
use crate::schema::{Cents, Month};
pub use explain::{COMPONENTS, Component, Contributions, Explanation};
pub use simulate::Addressable;

/// The tier a department falls in (see [`TIER_RULE`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskTier {
    High,
    Elevated,
    Moderate,
    #[default]
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
    let x = |v: f64| if v == 1.0 { "the city's".to_string() } else { format!("{v} × the city's") };
    format!(
        "Tiers follow the predicted rate against the city-wide predicted rate: high at {} or more; elevated above \
         {}; moderate from {}; low below. A tier never breaks the ranking's order. Whether a department is \
         clearly above or below the city is a separate statement, from its 90% interval. Without hours worked \
         the same rule applies to predicted cases against the city's mean department.",
        x(t.high),
        x(t.elevated),
        x(t.moderate)
    )
}

/// Whether a department's 90% interval lies clear of the city's rate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum VersusCity {
    #[serde(rename = "clearly above city")]
    ClearlyAbove,
    #[default]
    #[serde(rename = "not distinguishable from city")]
    NotDistinguishable,
    #[serde(rename = "clearly below city")]
    ClearlyBelow,
}

impl VersusCity {
    pub fn as_str(self) -> &'static str {
        match self {
            VersusCity::ClearlyAbove => "clearly above city",
            VersusCity::NotDistinguishable => "not distinguishable from city",
            VersusCity::ClearlyBelow => "clearly below city",
        }
    }

    /// `low` and `high`: the ends of the 90% interval of the value.
    pub fn of(low: f64, high: f64, city: f64) -> Self {
        if low > city {
            VersusCity::ClearlyAbove
        } else if high < city {
            VersusCity::ClearlyBelow
        } else {
            VersusCity::NotDistinguishable
        }
    }
}

/// The ranking of an earlier month's run, for rank changes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PreviousRanking {
    /// The month that run was as of.
    pub month: Option<Month>,
    /// Department code → its rank then and the 90% range of that rank
    /// (the range is the rank itself for files written before it existed).
    pub ranks: BTreeMap<String, RankRange>,
    /// Department code → its predicted rate (or cases) then.
    pub predicted: BTreeMap<String, f64>,
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
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RankingRow {
    pub rank: u32,
    pub department: String,
    pub name: String,
    pub group: Option<String>,
    pub risk_tier: RiskTier,
    /// Whether the 90% interval of the predicted rate lies clear of the city's.
    pub versus_city: VersusCity,
    /// Totals over the horizon (the N months after the as-of month).
    pub predicted_cases: f64,
    pub predicted_cases_low: u64,
    pub predicted_cases_high: u64,
    /// Recordables per 200,000 h over the horizon; `None` without hours.
    pub predicted_rate: Option<f64>,
    pub predicted_incurred: f64,
    pub trailing12_trir: Option<f64>,
    pub trailing12_dart: Option<f64>,
    /// The trailing 12 accident months' incurred: the estimated ultimate
    /// where the claims were developed, else as valued.
    pub trailing12_incurred: Cents,
    /// The same as valued at the claims' valuation date (never developed).
    #[serde(default)]
    pub trailing12_incurred_to_date: Cents,
    /// The 90% interval of the developed figure, ±1.645 Mack standard
    /// errors (not below zero); `None` when nothing was developed.
    #[serde(default)]
    pub trailing12_incurred_low: Option<Cents>,
    #[serde(default)]
    pub trailing12_incurred_high: Option<Cents>,
    /// Claims of the trailing 12 accident months reported by the as-of
    /// month, and the number expected when all are in (the reported-count
    /// triangle developed, `model::development::monthly::ultimate_claims`).
    #[serde(default)]
    pub trailing12_claims: u64,
    #[serde(default)]
    pub trailing12_claims_ultimate: Option<f64>,
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
    /// The experience credibility Z; `None` when the model does not apply
    /// experience credibility (its backtest found it no better).
    pub credibility_z: Option<f64>,
    /// The weight the department's own 3-year rate puts on its peer
    /// group's (1 − its Bühlmann-Straub Z): near 1, its prediction is
    /// mostly its group's.
    pub peer_weight: Option<f64>,
    /// The leading driver (see [`explain::top_driver`]).
    pub top_driver: String,
    /// ln(predicted rate / city rate) by component ([`explain`]); they sum
    /// to the log ratio.
    pub contribution_peer_group: f64,
    pub contribution_own_level: f64,
    pub contribution_trend: f64,
    pub contribution_season: f64,
    pub contribution_case_mix: f64,
    pub contribution_lost_time: f64,
    pub contribution_report_lag: f64,
    pub contribution_size: f64,
    /// The department's trend: change of its predicted rate per year, as a
    /// fraction (−0.04: down 4% a year).
    pub trend_per_year: Option<f64>,
    /// Its peer group's median predicted rate (or cases), the yardstick of
    /// the addressable excess.
    pub peer_median: f64,
    /// Recordable cases and dollars a year above its peer median, with the
    /// 90% range of a year's draws.
    pub addressable_cases: f64,
    pub addressable_cases_low: f64,
    pub addressable_cases_high: f64,
    pub addressable_incurred: f64,
    pub addressable_incurred_low: f64,
    pub addressable_incurred_high: f64,
}

impl RankingRow {
    /// The drivers as one value.
    pub fn contributions(&self) -> Contributions {
        Contributions([
            self.contribution_peer_group,
            self.contribution_own_level,
            self.contribution_trend,
            self.contribution_season,
            self.contribution_case_mix,
            self.contribution_lost_time,
            self.contribution_report_lag,
            self.contribution_size,
        ])
    }

    fn set_contributions(&mut self, c: &Contributions) {
        [
            self.contribution_peer_group,
            self.contribution_own_level,
            self.contribution_trend,
            self.contribution_season,
            self.contribution_case_mix,
            self.contribution_lost_time,
            self.contribution_report_lag,
            self.contribution_size,
        ] = c.0;
    }

    /// Sets one component's contribution (tests build rows with it).
    pub fn set_contribution(&mut self, component: Component, log: f64) {
        let mut c = self.contributions();
        c.0[COMPONENTS.iter().position(|x| *x == component).unwrap_or(0)] = log;
        self.set_contributions(&c);
    }

    fn set_addressable(&mut self, a: &Addressable) {
        self.addressable_cases = a.cases;
        self.addressable_cases_low = a.cases_low;
        self.addressable_cases_high = a.cases_high;
        self.addressable_incurred = a.incurred;
        self.addressable_incurred_low = a.incurred_low;
        self.addressable_incurred_high = a.incurred_high;
    }

    /// The value the ranking orders by: the predicted rate, or cases.
    pub fn value(&self) -> f64 {
        self.predicted_rate.unwrap_or(self.predicted_cases)
    }
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
    /// The city's addressable excess: the departments' summed, with the
    /// 90% range of the summed draws.
    pub city_addressable: Addressable,
    /// Whether the model applies experience credibility.
    pub experience_applied: bool,
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
    let applied = m.use_experience.then_some(factors.as_slice());
    let cases = m.predict_cases(&rows, applied);
    let incurred = m.predict_incurred(panel, &rows, &cases);
    let explained = explain::explain(&m.frequency, &rows, &cases, applied, panel.has_exposure);
    let peer_weights = features::peer_weights(panel, params.as_of, 36);
    let ultimate_claims = monthly::ultimate_claims(panel);

    let scores = scores(panel, &rows, &cases, &incurred);
    let unranked = (0..panel.departments.len())
        .filter(|d| !scores.contains_key(d))
        .map(|d| panel.departments[d].code.clone())
        .collect();
    let scores: Vec<Score> = scores.into_values().collect();
    let city = city_yardstick(&scores, panel.has_exposure);
    let (a_to_e, city_a_to_e) = actual_to_expected(panel, m, structural, params.as_of, &factors)?;
    let simulated = simulate::simulate(&scored(panel, m, &scores), params.horizon);

    let shared = RowInputs {
        panel,
        model: m,
        params: &params,
        city,
        actual_to_expected: &a_to_e,
        experience: &experience,
        peer_weights: &peer_weights,
        explained: &explained,
        simulated: &simulated,
        ultimate_claims: ultimate_claims.as_deref(),
    };
    let mut rows_out: Vec<RankingRow> = scores.iter().enumerate().map(|(i, s)| shared.row(i, s)).collect();
    let ranges: BTreeMap<String, (u32, u32)> = scores
        .iter()
        .zip(&simulated.rank_ranges)
        .map(|(s, r)| (panel.departments[s.department].code.clone(), *r))
        .collect();
    order(&mut rows_out, &previous.ranks);
    for r in &mut rows_out {
        let (low, high) = ranges.get(&r.department).copied().unwrap_or((r.rank, r.rank));
        r.rank_low = low.min(r.rank);
        r.rank_high = high.max(r.rank);
    }
    Ok(Ranked {
        ranking: Ranking {
            as_of: params.as_of,
            horizon: params.horizon,
            rated: panel.has_exposure,
            city_predicted: city,
            city_actual_to_expected: city_a_to_e,
            compared_with: previous.month,
            data_warning: None,
            city_addressable: simulated.city,
            experience_applied: m.use_experience,
            rows: rows_out,
        },
        unranked,
    })
}

/// Sets each row's 90% interval of its developed trailing-12 incurred
/// from Mack's standard error (`development` is of the same panel).
pub fn set_development_intervals(ranking: &mut Ranking, panel: &Panel, development: &MonthlyDevelopment) {
    for row in &mut ranking.rows {
        let Some(d) = panel.position(&row.department) else { continue };
        let Some(se) = development.departments.get(d).and_then(|d| d.trailing12_std_err) else { continue };
        let centre = row.trailing12_incurred.dollars();
        let cents = |dollars: f64| Cents((dollars.max(0.0) * 100.0).round() as i64);
        row.trailing12_incurred_low = Some(cents(centre - Z90 * se));
        row.trailing12_incurred_high = Some(cents(centre + Z90 * se));
    }
}

/// The standard normal quantile of 95%: ±it spans a 90% interval.
const Z90: f64 = 1.644_853_626_951_472_2;

/// What every row of one ranking is built from.
struct RowInputs<'a> {
    panel: &'a Panel,
    model: &'a RiskModel,
    params: &'a RankParams,
    city: f64,
    actual_to_expected: &'a [Option<f64>],
    experience: &'a [Experience],
    peer_weights: &'a [f64],
    explained: &'a BTreeMap<usize, Explanation>,
    simulated: &'a simulate::Simulated,
    ultimate_claims: Option<&'a [Vec<f64>]>,
}

impl RowInputs<'_> {
    /// The ultimate claims of the department's trailing 12 accident months.
    fn trailing12_ultimate_claims(&self, d: usize) -> Option<f64> {
        let months = self.ultimate_claims?.get(d)?;
        let end = (self.params.as_of.since(self.panel.start) + 1).clamp(0, months.len() as i32) as usize;
        Some(months[end.saturating_sub(12)..end].iter().sum())
    }

    /// The row of the `i`-th scored department, before ordering.
    fn row(&self, i: usize, s: &Score) -> RankingRow {
        let (low, high) = total_interval(self.model, s);
        let (value_low, value_high) = interval_ends(self.model, s);
        let rate = s.hours.filter(|h| *h > 0.0).map(|h| s.cases * BASE_HOURS / h);
        let t12 = self.panel.trailing12(s.department, self.params.as_of);
        let r12 = t12.rates();
        let explanation = self.explained.get(&s.department);
        let mut row = RankingRow {
            rank: 0,
            department: self.panel.departments[s.department].code.clone(),
            name: self.panel.departments[s.department].name.clone(),
            group: self.panel.departments[s.department].group.clone(),
            risk_tier: tier(rate.unwrap_or(s.cases), self.city, &self.params.tiers),
            versus_city: VersusCity::of(value_low, value_high, self.city),
            predicted_cases: s.cases,
            predicted_cases_low: low,
            predicted_cases_high: high,
            predicted_rate: rate,
            predicted_incurred: s.incurred,
            trailing12_trir: r12.trir,
            trailing12_dart: r12.dart,
            trailing12_incurred: t12.all.incurred,
            trailing12_incurred_to_date: t12.all.incurred_to_date,
            trailing12_claims: t12.all.claims,
            trailing12_claims_ultimate: self.trailing12_ultimate_claims(s.department),
            actual_to_expected: self.actual_to_expected[s.department],
            rank_low: 0,
            rank_high: 0,
            rank_change: None,
            cost_rank: 0,
            credibility_z: self.model.use_experience.then_some(self.experience[s.department].z),
            peer_weight: self.peer_weights.get(s.department).copied(),
            top_driver: explanation.map_or_else(|| "no prediction to explain".to_string(), explain::top_driver),
            trend_per_year: explanation.map(|e| e.trend_per_year.exp_m1()),
            peer_median: self.simulated.peer_median[i],
            ..RankingRow::default()
        };
        row.set_contributions(&explanation.map(|e| e.contributions).unwrap_or_default());
        row.set_addressable(&self.simulated.addressable[i]);
        row
    }
}

/// The scored departments as the simulation sees them.
fn scored<'a>(panel: &'a Panel, model: &RiskModel, scores: &[Score]) -> Vec<simulate::Scored<'a>> {
    scores
        .iter()
        .map(|s| simulate::Scored {
            cases: s.cases,
            alpha: total_alpha(model, s),
            exposure: s.hours.filter(|h| *h > 0.0).map_or(1.0, |h| h / BASE_HOURS),
            group: panel.departments[s.department].group.as_deref(),
            severity: if s.cases > 0.0 { s.incurred / s.cases } else { 0.0 },
        })
        .collect()
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
    frequency::count_interval(s.cases, total_alpha(model, s), 0.90)
}

/// The negative binomial 1/θ of a horizon total: the monthly counts'
/// variances αμ² added up, over the total's mean squared.
fn total_alpha(model: &RiskModel, s: &Score) -> f64 {
    if s.cases > 0.0 { model.overdispersion * s.cases_sq / (s.cases * s.cases) } else { 0.0 }
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

/// The tier rule (see [`tier_rule`]): `value` is the predicted rate (or
/// cases), `city` the city's. A function of the value alone, so a
/// department ranked above another never has a lower tier.
pub fn tier(value: f64, city: f64, t: &TierCutoffs) -> RiskTier {
    if value >= t.high * city {
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
    let key = RankingRow::value;
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

    #[test]
    fn tier_rules() {
        let t = TierCutoffs::default();
        assert_eq!(tier(15.0, 10.0, &t), RiskTier::High);
        assert_eq!(tier(14.9, 10.0, &t), RiskTier::Elevated);
        assert_eq!(tier(9.0, 10.0, &t), RiskTier::Moderate);
        assert_eq!(tier(7.4, 10.0, &t), RiskTier::Low);
        let strict = TierCutoffs { high: 2.0, elevated: 1.5, moderate: 1.0 };
        assert_eq!(tier(19.0, 10.0, &strict), RiskTier::Elevated);
        assert_eq!(tier(9.0, 10.0, &strict), RiskTier::Low);
        assert!(tier_rule(&strict).contains("high at 2 × the city's or more"));
    }

    #[test]
    fn versus_city_needs_the_interval_clear_of_the_city() {
        assert_eq!(VersusCity::of(11.0, 20.0, 10.0), VersusCity::ClearlyAbove);
        assert_eq!(VersusCity::of(5.0, 20.0, 10.0), VersusCity::NotDistinguishable);
        assert_eq!(VersusCity::of(5.0, 9.0, 10.0), VersusCity::ClearlyBelow);
    }
}
