//! Rolling-origin backtest: for each origin month the models are trained
//! on what was known then and asked for 1, 3 and 12 months ahead; their
//! predictions are scored against what happened, beside the baselines a
//! risk manager uses today (trailing-12 rate × hours, the city-wide rate,
//! the same month last year) and, on generated data, the oracle's true
//! expected counts. Folds are independent and run in parallel.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::cost_score::{self, CostRow, CostScored};
use super::frequency::{self, RiskModel, TrainParams};
use super::glm::GlmError;
use super::plain::PlainGlm;
use crate::metrics::mean_poisson_deviance;
use crate::model::features::FeatureRow;
use crate::panel::Panel;
use crate::schema::Month;

/// How the backtest is run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BacktestParams {
    /// Number of origin months per horizon (the last ones that fit).
    pub origins: u32,
    pub horizons: Vec<u32>,
    pub train: TrainParams,
}

impl Default for BacktestParams {
    fn default() -> Self {
        BacktestParams { origins: 24, horizons: vec![1, 3, 12], train: TrainParams::default() }
    }
}

/// The generator's truth (`truth.csv`, read by `export::truth`): expected recordable cases per department-month.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Truth {
    expected: BTreeMap<(String, Month), f64>,
    /// Expected ultimate incurred dollars, where the truth gives them.
    incurred: BTreeMap<(String, Month), f64>,
}

impl Truth {
    /// From (department, month) → expected recordable cases.
    pub fn new(expected: BTreeMap<(String, Month), f64>) -> Self {
        Truth { expected, incurred: BTreeMap::new() }
    }

    /// With (department, month) → expected ultimate incurred dollars.
    pub fn with_incurred(self, incurred: BTreeMap<(String, Month), f64>) -> Self {
        Truth { incurred, ..self }
    }

    pub fn incurred(&self, department: &str, month: Month) -> Option<f64> {
        self.incurred.get(&(department.to_string(), month)).copied()
    }

    pub fn get(&self, department: &str, month: Month) -> Option<f64> {
        self.expected.get(&(department.to_string(), month)).copied()
    }
}

/// The predictors compared.
pub const PREDICTORS: [&str; 7] =
    ["model", "model_credibility", "trailing12", "city", "last_year", "plain_glm", "oracle"];

/// Positions in `PREDICTORS` (and in every array indexed like it).
pub const MODEL: usize = 0;
pub const MODEL_CREDIBILITY: usize = 1;
pub const TRAILING12: usize = 2;
pub const CITY: usize = 3;
pub const LAST_YEAR: usize = 4;
pub const PLAIN_GLM: usize = 5;
pub const ORACLE: usize = 6;

/// One predictor at one horizon, over all folds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricRow {
    pub horizon: u32,
    pub predictor: String,
    pub rows: usize,
    pub mean_deviance: f64,
    pub skill_vs_trailing12: f64,
    pub skill_vs_city: f64,
    pub skill_vs_last_year: f64,
    pub mae: f64,
    /// Mean over folds of the Spearman correlation between predicted and
    /// observed department rates.
    pub spearman_observed: f64,
    /// The same against the true rates (generated data only).
    pub spearman_truth: Option<f64>,
    pub top5_hit_rate: f64,
    pub gini: f64,
    /// Share of observed counts inside the 90% interval (models only).
    pub coverage_90: Option<f64>,
    /// The models' estimated negative binomial dispersion 1/θ, the mean
    /// over folds (models only; 0 = no more variance than Poisson). The
    /// intervals are negative binomial with it.
    #[serde(default)]
    pub dispersion: Option<f64>,
}

/// The whole backtest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BacktestReport {
    pub params: BacktestParams,
    pub folds: usize,
    pub metrics: Vec<MetricRow>,
    /// Whether experience credibility lowered the mean deviance over all
    /// horizons (so ranking uses it).
    pub credibility_helps: bool,
    /// The cost predictors over the three months after each origin.
    #[serde(default)]
    pub cost: Vec<CostRow>,
}

impl BacktestReport {
    pub fn get(&self, horizon: u32, predictor: &str) -> Option<&MetricRow> {
        self.metrics.iter().find(|m| m.horizon == horizon && m.predictor == predictor)
    }
}

/// One scored row: observed count and every predictor's mean.
#[derive(Debug, Clone)]
struct Scored {
    department: usize,
    origin: Month,
    horizon: u32,
    hours: f64,
    observed: f64,
    truth: Option<f64>,
    /// Indexed like `PREDICTORS`; `NaN` where unavailable (oracle without truth).
    mu: [f64; PREDICTORS.len()],
    intervals: [(u64, u64); 2],
    /// The fold model's dispersion 1/θ.
    dispersion: f64,
}

/// Runs the backtest. `progress` is told after each fold.
pub fn run(
    panel: &Panel,
    truth: Option<&Truth>,
    params: &BacktestParams,
    progress: &(dyn Fn() + Sync),
) -> Result<BacktestReport, GlmError> {
    let max_h = params.horizons.iter().copied().max().unwrap_or(1);
    let folds = folds(panel, params);
    let (Some(first), Some(last)) = (folds.iter().map(|f| f.0).min(), folds.iter().map(|f| f.0).max()) else {
        return Ok(BacktestReport {
            params: params.clone(),
            folds: 0,
            metrics: Vec::new(),
            credibility_helps: false,
            cost: Vec::new(),
        });
    };
    let bank_start = first.plus(-(params.train.origins as i32)).max(panel.start.plus(11));
    let bank = frequency::feature_bank(
        panel,
        bank_start,
        last,
        max_h.max(params.train.max_horizon),
        &params.train.structural,
    )?;
    let origins: Vec<Month> = Month::range(first, last).collect();
    let scored: Vec<(Vec<Scored>, Vec<CostScored>)> = origins
        .par_iter()
        .map(|&origin| {
            let out = score_origin(panel, truth, params, &bank, origin);
            progress();
            out
        })
        .collect::<Result<_, _>>()?;
    let (scored, cost): (Vec<Vec<Scored>>, Vec<Vec<CostScored>>) = scored.into_iter().unzip();
    let scored: Vec<Scored> = scored.into_iter().flatten().collect();
    let cost: Vec<CostScored> = cost.into_iter().flatten().collect();
    let mut report = summarise(params, folds.len(), &scored, truth.is_some());
    report.cost = cost_score::summarise(&cost, truth.is_some());
    Ok(report)
}

/// The last `months` months held out: the models are trained on the data
/// before them and predict each of them from that one origin.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Holdout {
    pub origin: Month,
    pub rows: usize,
    /// Mean Poisson deviance per predictor, indexed like `PREDICTORS`
    /// (`NaN` for the oracle without truth).
    pub deviance: [f64; PREDICTORS.len()],
    /// The same on each department's total over the held-out months.
    pub deviance_totals: [f64; PREDICTORS.len()],
    /// Spearman of department rates over the held-out months: predicted
    /// (model with credibility as the backtest chose) against the truth.
    pub spearman_truth: Option<f64>,
    pub spearman_observed: f64,
    pub coverage_90: f64,
    /// The cost predictors over the held-out months (the first three).
    pub cost: Vec<CostRow>,
}

/// Trains on all but the last `months` months and scores those.
pub fn holdout(panel: &Panel, truth: Option<&Truth>, months: u32, params: &TrainParams) -> Result<Holdout, GlmError> {
    let origin = panel.end.plus(-(months as i32));
    // As `train` does, on what was known at the origin.
    let (params, _) = super::search::choose(panel, origin, params)?;
    let params = &params;
    let bank_start = origin.plus(-(params.origins as i32)).max(panel.start.plus(11));
    let bank = frequency::feature_bank(panel, bank_start, origin, params.max_horizon.max(months), &params.structural)?;
    let rows = frequency::training_rows(&bank, origin, params);
    let model = frequency::train(panel, &rows, origin, params)?;
    let horizons: Vec<u32> = (1..=months).collect();
    let targets: Vec<&FeatureRow> = bank
        .iter()
        .flat_map(|f| f.rows.iter())
        .filter(|r| r.origin == origin && horizons.contains(&r.horizon) && r.observed.is_some())
        .collect();
    let plain = plain_baseline(panel, origin);
    let scored = score(panel, truth, &model, plain.as_ref(), &targets);
    let cost =
        cost_score::summarise(&cost_score::score_origin(panel, truth, &model, &targets, origin), truth.is_some());
    let y: Vec<f64> = scored.iter().map(|s| s.observed).collect();
    let deviance = std::array::from_fn(|p| {
        let mu: Vec<f64> = scored.iter().map(|s| s.mu[p].max(1e-12)).collect();
        if mu.iter().any(|m| !m.is_finite()) { f64::NAN } else { mean_poisson_deviance(&y, &mu, None) }
    });
    let n = panel.departments.len();
    let deviance_totals = std::array::from_fn(|p| {
        let (mut yt, mut mt) = (vec![0.0; n], vec![0.0; n]);
        for s in &scored {
            yt[s.department] += s.observed;
            mt[s.department] += s.mu[p];
        }
        let keep: Vec<usize> = (0..n).filter(|&d| mt[d] != 0.0).collect();
        let y: Vec<f64> = keep.iter().map(|&d| yt[d]).collect();
        let mu: Vec<f64> = keep.iter().map(|&d| mt[d].max(1e-12)).collect();
        if mu.iter().any(|m| !m.is_finite()) { f64::NAN } else { mean_poisson_deviance(&y, &mu, None) }
    });
    // Department rates over the whole held-out span.
    let (mut pred, mut obs, mut tru, mut hours) = (vec![0.0; n], vec![0.0; n], vec![0.0; n], vec![0.0; n]);
    for s in &scored {
        pred[s.department] += s.mu[MODEL];
        obs[s.department] += s.observed;
        tru[s.department] += s.truth.unwrap_or(0.0);
        hours[s.department] += s.hours;
    }
    let rate =
        |v: &[f64]| -> Vec<f64> { v.iter().zip(&hours).filter(|(_, h)| **h > 0.0).map(|(x, h)| x / h).collect() };
    Ok(Holdout {
        origin,
        rows: scored.len(),
        deviance,
        deviance_totals,
        spearman_truth: truth.map(|_| spearman(&rate(&pred), &rate(&tru))),
        spearman_observed: spearman(&rate(&pred), &rate(&obs)),
        coverage_90: coverage(&scored.iter().collect::<Vec<_>>(), MODEL),
        cost,
    })
}

/// How many distinct origins (so trained models) the backtest runs.
pub fn origin_count(panel: &Panel, params: &BacktestParams) -> usize {
    let origins = folds(panel, params).into_iter().map(|f| f.0);
    match (origins.clone().min(), origins.max()) {
        (Some(a), Some(b)) => (b.since(a) + 1) as usize,
        _ => 0,
    }
}

/// (origin, horizon) pairs: for each horizon the last `origins` origins
/// whose target is still in the panel, leaving 12 months of history.
fn folds(panel: &Panel, params: &BacktestParams) -> Vec<(Month, u32)> {
    let mut out = Vec::new();
    for &h in &params.horizons {
        let last = panel.end.plus(-(h as i32));
        let first = last.plus(1 - params.origins as i32).max(panel.start.plus(24));
        for o in Month::range(first, last) {
            out.push((o, h));
        }
    }
    out
}

fn score_origin(
    panel: &Panel,
    truth: Option<&Truth>,
    params: &BacktestParams,
    bank: &[crate::model::features::Features],
    origin: Month,
) -> Result<(Vec<Scored>, Vec<CostScored>), GlmError> {
    let rows = frequency::training_rows(bank, origin, &params.train);
    if rows.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let model = frequency::train(panel, &rows, origin, &params.train)?;
    let targets: Vec<&FeatureRow> = bank
        .iter()
        .flat_map(|f| f.rows.iter())
        .filter(|r| r.origin == origin && params.horizons.contains(&r.horizon) && r.target <= panel.end)
        .filter(|r| r.observed.is_some())
        .collect();
    let plain = plain_baseline(panel, origin);
    let at_origin: Vec<&FeatureRow> = bank.iter().flat_map(|f| f.rows.iter()).filter(|r| r.origin == origin).collect();
    let cost = cost_score::score_origin(panel, truth, &model, &at_origin, origin);
    Ok((score(panel, truth, &model, plain.as_ref(), &targets), cost))
}

/// The plain GLM at an origin, or none when it cannot be fitted (no case
/// yet, or IRLS failing on odd data): a baseline that fails is left out of
/// the table, it never stops training.
fn plain_baseline(panel: &Panel, origin: Month) -> Option<PlainGlm> {
    PlainGlm::fit(panel, origin).ok().flatten()
}

fn score(
    panel: &Panel,
    truth: Option<&Truth>,
    model: &RiskModel,
    plain_glm: Option<&PlainGlm>,
    rows: &[&FeatureRow],
) -> Vec<Scored> {
    let plain = model.predict_cases(rows, None);
    let cred = model.predict_cases(rows, Some(&model.experience_factors(panel)));
    rows.iter()
        .enumerate()
        .map(|(i, r)| {
            let hours = r.hours.unwrap_or(1.0);
            let code = &panel.departments[r.department].code;
            let t = truth.and_then(|t| t.get(code, r.target));
            Scored {
                department: r.department,
                origin: r.origin,
                horizon: r.horizon,
                hours,
                observed: r.observed.unwrap_or(0.0),
                truth: t,
                mu: [
                    plain[i],
                    cred[i],
                    trailing12(panel, r, hours),
                    city(panel, r, hours),
                    last_year(panel, r, hours),
                    plain_glm.map_or(f64::NAN, |p| p.predict(panel, r.department, r.target, hours)),
                    t.unwrap_or(f64::NAN),
                ],
                intervals: [model.interval(plain[i]), model.interval(cred[i])],
                dispersion: model.overdispersion,
            }
        })
        .collect()
}

/// Cases per hour (or per month without exposure) over a window, with half
/// a case added when none occurred, so a quiet year never predicts zero.
fn rate_with_floor(cases: f64, hours: f64) -> f64 {
    cases.max(0.5) / hours
}

fn denominator(panel: &Panel, w: &crate::panel::Window) -> f64 {
    if panel.has_exposure { w.exposed.hours.unwrap_or(0.0) } else { f64::from(w.months) }
}

fn numerator(panel: &Panel, w: &crate::panel::Window) -> f64 {
    if panel.has_exposure { w.exposed.recordable() as f64 } else { w.all.recordable() as f64 }
}

fn scale(panel: &Panel, hours: f64) -> f64 {
    if panel.has_exposure { hours } else { 1.0 }
}

fn trailing12(panel: &Panel, r: &FeatureRow, hours: f64) -> f64 {
    let w = panel.trailing12(r.department, r.origin);
    let den = denominator(panel, &w);
    if den <= 0.0 {
        return f64::NAN;
    }
    rate_with_floor(numerator(panel, &w), den) * scale(panel, hours)
}

fn city(panel: &Panel, r: &FeatureRow, hours: f64) -> f64 {
    let w = panel.city_window(r.origin.plus(-11), r.origin);
    if panel.has_exposure {
        let den = w.exposed.hours.unwrap_or(0.0);
        if den <= 0.0 { f64::NAN } else { rate_with_floor(w.exposed.recordable() as f64, den) * hours }
    } else {
        // Counts: the city's mean department-month.
        let n = (panel.departments.len() as f64 * f64::from(w.months)).max(1.0);
        rate_with_floor(w.all.recordable() as f64, n)
    }
}

fn last_year(panel: &Panel, r: &FeatureRow, hours: f64) -> f64 {
    let m = r.target.plus(-12);
    if m < panel.start || m > r.origin {
        return f64::NAN;
    }
    let w = panel.window(r.department, m, m);
    let den = denominator(panel, &w);
    if den <= 0.0 {
        return f64::NAN;
    }
    rate_with_floor(numerator(panel, &w), den) * scale(panel, hours)
}

fn summarise(params: &BacktestParams, folds: usize, scored: &[Scored], has_truth: bool) -> BacktestReport {
    let mut metrics = Vec::new();
    for &h in &params.horizons {
        let rows: Vec<&Scored> = scored.iter().filter(|s| s.horizon == h).collect();
        if rows.is_empty() {
            continue;
        }
        // Rows where every baseline exists, so all predictors are scored on the same rows.
        let common: Vec<&Scored> =
            rows.iter().copied().filter(|s| s.mu[TRAILING12..=LAST_YEAR].iter().all(|m| m.is_finite())).collect();
        let deviance = |p: usize| {
            let y: Vec<f64> = common.iter().map(|s| s.observed).collect();
            let mu: Vec<f64> = common.iter().map(|s| s.mu[p].max(1e-12)).collect();
            mean_poisson_deviance(&y, &mu, None)
        };
        for (p, name) in PREDICTORS.iter().enumerate() {
            if (p == ORACLE && !has_truth) || (p == PLAIN_GLM && common.iter().any(|s| !s.mu[p].is_finite())) {
                continue;
            }
            let d = deviance(p);
            metrics.push(MetricRow {
                horizon: h,
                predictor: name.to_string(),
                rows: common.len(),
                mean_deviance: d,
                skill_vs_trailing12: 1.0 - d / deviance(TRAILING12),
                skill_vs_city: 1.0 - d / deviance(CITY),
                skill_vs_last_year: 1.0 - d / deviance(LAST_YEAR),
                mae: common.iter().map(|s| (s.observed - s.mu[p]).abs()).sum::<f64>() / common.len() as f64,
                spearman_observed: per_fold_mean(&common, |g| spearman_of(g, p, |s| s.observed)),
                spearman_truth: has_truth
                    .then(|| per_fold_mean(&common, |g| spearman_of(g, p, |s| s.truth.unwrap_or(0.0)))),
                top5_hit_rate: per_fold_mean(&common, |g| top5_hit(g, p)),
                gini: per_fold_mean(&common, |g| gini(g, p)),
                coverage_90: (p <= MODEL_CREDIBILITY).then(|| coverage(&common, p)),
                dispersion: (p <= MODEL_CREDIBILITY).then(|| per_fold_mean(&common, |g| g[0].dispersion)),
            });
        }
    }
    let total = |name: &str| -> f64 {
        metrics.iter().filter(|m| m.predictor == name).map(|m| m.mean_deviance * m.rows as f64).sum()
    };
    let credibility_helps = total("model_credibility") < total("model");
    BacktestReport { params: params.clone(), folds, metrics, credibility_helps, cost: Vec::new() }
}

/// The mean of `f` over the folds (rows grouped by origin and horizon).
fn per_fold_mean(rows: &[&Scored], f: impl Fn(&[&Scored]) -> f64) -> f64 {
    let mut groups: BTreeMap<(Month, u32), Vec<&Scored>> = BTreeMap::new();
    for s in rows {
        groups.entry((s.origin, s.horizon)).or_default().push(s);
    }
    let values: Vec<f64> = groups.values().map(|g| f(g)).filter(|v| v.is_finite()).collect();
    if values.is_empty() { f64::NAN } else { values.iter().sum::<f64>() / values.len() as f64 }
}

fn spearman_of(group: &[&Scored], p: usize, actual: impl Fn(&Scored) -> f64) -> f64 {
    let pred: Vec<f64> = group.iter().map(|s| s.mu[p] / s.hours).collect();
    let obs: Vec<f64> = group.iter().map(|s| actual(s) / s.hours).collect();
    spearman(&pred, &obs)
}

/// Spearman rank correlation (average ranks for ties).
pub fn spearman(a: &[f64], b: &[f64]) -> f64 {
    let (ra, rb) = (ranks(a), ranks(b));
    pearson(&ra, &rb)
}

fn ranks(v: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..v.len()).collect();
    idx.sort_by(|&i, &j| v[i].total_cmp(&v[j]));
    let mut r = vec![0.0; v.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && v[idx[j + 1]] == v[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for k in i..=j {
            r[idx[k]] = avg;
        }
        i = j + 1;
    }
    r
}

fn pearson(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    if n < 2.0 {
        return f64::NAN;
    }
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
    if va <= 0.0 || vb <= 0.0 { f64::NAN } else { cov / (va * vb).sqrt() }
}

fn top5_hit(group: &[&Scored], p: usize) -> f64 {
    let top = |key: &dyn Fn(&Scored) -> f64| -> Vec<usize> {
        let mut v: Vec<&&Scored> = group.iter().collect();
        v.sort_by(|a, b| key(b).total_cmp(&key(a)).then(a.department.cmp(&b.department)));
        v.iter().take(5).map(|s| s.department).collect()
    };
    let predicted = top(&|s| s.mu[p] / s.hours);
    let observed = top(&|s| s.observed / s.hours);
    predicted.iter().filter(|d| observed.contains(d)).count() as f64 / predicted.len().max(1) as f64
}

/// Gini of the ordered Lorenz curve: departments sorted by predicted rate
/// (lowest first), cumulative hours share against cumulative observed
/// cases share; 1 − 2 × area.
pub fn gini_index(predicted_rate: &[f64], exposure: &[f64], observed: &[f64]) -> f64 {
    let mut idx: Vec<usize> = (0..predicted_rate.len()).collect();
    idx.sort_by(|&i, &j| predicted_rate[i].total_cmp(&predicted_rate[j]).then(i.cmp(&j)));
    let (te, to): (f64, f64) = (exposure.iter().sum(), observed.iter().sum());
    if te <= 0.0 || to <= 0.0 {
        return f64::NAN;
    }
    let (mut x, mut y, mut area) = (0.0, 0.0, 0.0);
    for i in idx {
        let (nx, ny) = (x + exposure[i] / te, y + observed[i] / to);
        area += (nx - x) * (y + ny) / 2.0;
        (x, y) = (nx, ny);
    }
    1.0 - 2.0 * area
}

fn gini(group: &[&Scored], p: usize) -> f64 {
    let rate: Vec<f64> = group.iter().map(|s| s.mu[p] / s.hours).collect();
    let hours: Vec<f64> = group.iter().map(|s| s.hours).collect();
    let obs: Vec<f64> = group.iter().map(|s| s.observed).collect();
    gini_index(&rate, &hours, &obs)
}

fn coverage(rows: &[&Scored], p: usize) -> f64 {
    let inside = rows
        .iter()
        .filter(|s| {
            let (lo, hi) = s.intervals[p];
            s.observed >= lo as f64 && s.observed <= hi as f64
        })
        .count();
    inside as f64 / rows.len().max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spearman_handles_ties() {
        assert!((spearman(&[1.0, 2.0, 3.0], &[10.0, 20.0, 30.0]) - 1.0).abs() < 1e-12);
        assert!((spearman(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]) + 1.0).abs() < 1e-12);
        assert_eq!(ranks(&[5.0, 1.0, 5.0, 2.0]), vec![3.5, 1.0, 3.5, 2.0]);
    }

    #[test]
    fn gini_of_a_perfect_and_a_useless_ranking() {
        // Equal exposure; all losses in the unit ranked riskiest.
        let g = gini_index(&[1.0, 2.0, 3.0, 4.0], &[1.0; 4], &[0.0, 0.0, 0.0, 1.0]);
        assert!((g - 0.75).abs() < 1e-12, "{g}");
        // Losses proportional to exposure: no lift.
        let g = gini_index(&[1.0, 2.0], &[1.0, 3.0], &[1.0, 3.0]);
        assert!(g.abs() < 1e-12, "{g}");
    }
}
