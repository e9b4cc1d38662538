//! The frequency model (recordable cases per department-month) and the
//! cost model (incurred per department-month): pooled GLMs with log link on
//! the features of [`crate::model::features`], hours as a true offset, fitted by
//! the IRLS of [`super::glm`]. The frequency model adds an experience
//! credibility step (each department's actual-to-expected ratio, blended
//! by Bühlmann-Straub) and a negative-binomial dispersion for intervals.

use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};

use super::credibility::{self, Unit};
use super::glm::{Family, Glm, GlmError, GlmParams};
use super::severity::Severity;
use super::structural::StructuralParams;
use crate::model::features::{self, FeatureRow, Features, TargetHours};
use crate::panel::Panel;
use crate::schema::Month;

/// Hyperparameters of training.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainParams {
    /// How many origin months (each with horizons 1..=12) form the training set.
    pub origins: u32,
    /// Horizons trained on.
    pub max_horizon: u32,
    /// L2 penalty on the slopes.
    pub ridge: f64,
    /// Tweedie power of the cost model.
    pub cost_power: f64,
    /// The structural fit's (chosen by `train`'s search when it runs;
    /// model files without it were trained with the defaults).
    #[serde(default)]
    pub structural: StructuralParams,
}

impl Default for TrainParams {
    fn default() -> Self {
        TrainParams {
            origins: 36,
            max_horizon: 12,
            ridge: 100_000.0,
            cost_power: 1.5,
            structural: StructuralParams::default(),
        }
    }
}

/// Dollars are modelled in thousands, which keeps the Tweedie IRLS well scaled.
const COST_UNIT: f64 = 1_000.0;

/// A department's experience credibility: its actual-to-expected ratio
/// over the training months, and how far to believe it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Experience {
    pub actual_to_expected: f64,
    pub z: f64,
    /// The factor applied: Z × A/E + (1 − Z) × 1.
    pub factor: f64,
}

/// The fitted frequency and cost models.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskModel {
    pub rated: bool,
    pub frequency: Glm,
    /// The Tweedie cost GLM: the baseline the backtest scores the
    /// severity model against (and the cost when there is no severity).
    pub cost: Option<Glm>,
    /// Frequency × credible severity: the expected incurred of ranking.
    #[serde(default)]
    pub severity: Option<Severity>,
    /// Negative-binomial 1/θ of the frequency model (0 = Poisson).
    pub overdispersion: f64,
    /// Per department code, in panel order at training.
    pub departments: Vec<String>,
    pub experience: Vec<Experience>,
    /// Whether predictions apply the experience factors (decided by backtest).
    pub use_experience: bool,
    pub training_rows: usize,
    pub cutoff: Month,
}

/// Features for every origin whose targets fall in the panel, computed
/// once and shared by every fold of a backtest.
pub fn feature_bank(
    panel: &Panel,
    first_origin: Month,
    last_origin: Month,
    max_horizon: u32,
    structural: &StructuralParams,
) -> Result<Vec<Features>, GlmError> {
    use rayon::prelude::*;
    let horizons: Vec<u32> = (1..=max_horizon).collect();
    let origins: Vec<Month> = Month::range(first_origin, last_origin).collect();
    origins.par_iter().map(|&o| features::at(panel, o, &horizons, TargetHours::Actual, structural)).collect()
}

/// Training rows for a model whose data ends at `cutoff`: origins in the
/// `origins` months before it, every horizon whose target is ≤ cutoff.
pub fn training_rows<'a>(bank: &'a [Features], cutoff: Month, params: &TrainParams) -> Vec<&'a FeatureRow> {
    let first = cutoff.plus(-(params.origins as i32));
    bank.iter()
        .flat_map(|f| f.rows.iter())
        .filter(|r| r.origin >= first && r.origin < cutoff && r.target <= cutoff && r.horizon <= params.max_horizon)
        .filter(|r| r.observed.is_some())
        .collect()
}

fn design(rows: &[&FeatureRow]) -> (Array2<f64>, Array1<f64>) {
    let n = rows.len();
    let p = features::NAMES.len();
    let mut x = Array2::zeros((n, p));
    let mut offset = Array1::zeros(n);
    for (i, r) in rows.iter().enumerate() {
        for (j, v) in r.values.iter().enumerate() {
            x[[i, j]] = *v;
        }
        // The structural rate is an offset too: the GLM learns corrections
        // to it, and ridge shrinks them toward none.
        offset[i] = r.offset + r.values[0];
    }
    (x, offset)
}

/// Fits the models on the training rows (and the cost targets from the panel).
pub fn train(panel: &Panel, rows: &[&FeatureRow], cutoff: Month, params: &TrainParams) -> Result<RiskModel, GlmError> {
    let (x, offset) = design(rows);
    let y: Array1<f64> = rows.iter().map(|r| r.observed.unwrap_or(0.0)).collect();
    let glm = GlmParams::new(Family::Poisson).ridge(params.ridge).check()?;
    let frequency = glm.fit_offset(x.view(), y.view(), Some(offset.view()), None)?.ensure_converged()?;
    let mu = frequency.predict_mean(x.view(), Some(offset.view()));
    let overdispersion = moment_overdispersion(&y, &mu);
    let experience = experience(panel, rows, &y, &mu, overdispersion);

    let cost_y: Array1<f64> = rows
        .iter()
        .map(|r| panel.cell(r.department, r.target).map_or(0.0, |c| c.totals.incurred.dollars()) / COST_UNIT)
        .collect();
    let cost = if cost_y.iter().any(|v| *v > 0.0) {
        let tw = GlmParams::new(Family::Tweedie { power: params.cost_power }).ridge(params.ridge).check()?;
        Some(tw.fit_offset(x.view(), cost_y.view(), Some(offset.view()), None)?.ensure_converged()?)
    } else {
        None
    };
    Ok(RiskModel {
        rated: panel.has_exposure,
        frequency,
        cost,
        severity: Severity::fit(panel, cutoff),
        overdispersion,
        departments: panel.departments.iter().map(|d| d.code.clone()).collect(),
        experience,
        use_experience: false,
        training_rows: rows.len(),
        cutoff,
    })
}

/// 1/θ of a negative binomial by moments: E[(y − μ)² − y] = μ²/θ.
fn moment_overdispersion(y: &Array1<f64>, mu: &Array1<f64>) -> f64 {
    let num: f64 = y.iter().zip(mu).map(|(y, m)| (y - m).powi(2) - y).sum();
    let den: f64 = mu.iter().map(|m| m * m).sum();
    if den > 0.0 { (num / den).max(0.0) } else { 0.0 }
}

/// Each department's A/E on the one-month-ahead training rows, blended by
/// Bühlmann-Straub. A month's ratio y/μ has variance (1 + αμ)/μ under the
/// negative binomial with 1/θ = `alpha`, so it weighs μ/(1 + αμ) (expected
/// cases when Poisson): with overdispersion a big department's months are
/// noisier than their expected cases say, and its credibility is less.
fn experience(panel: &Panel, rows: &[&FeatureRow], y: &Array1<f64>, mu: &Array1<f64>, alpha: f64) -> Vec<Experience> {
    let mut units = vec![Unit::default(); panel.departments.len()];
    for (i, r) in rows.iter().enumerate().filter(|(_, r)| r.horizon == 1) {
        if mu[i] > 0.0 {
            units[r.department].x.push(y[i] / mu[i]);
            units[r.department].w.push(mu[i] / (1.0 + alpha * mu[i]));
        }
    }
    let fitted = credibility::buhlmann_straub(&units);
    (0..units.len())
        .map(|d| match &fitted {
            Some(c) => {
                let u = c.units[d];
                // Blend toward 1 (the model), not toward the collective A/E.
                let factor = u.z * u.mean + (1.0 - u.z);
                Experience { actual_to_expected: u.mean, z: u.z, factor }
            }
            None => Experience { actual_to_expected: 1.0, z: 0.0, factor: 1.0 },
        })
        .collect()
}

/// Predicted cases and incurred for feature rows.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Prediction {
    pub cases: f64,
    pub incurred: f64,
}

impl RiskModel {
    /// Expected cases per row, with or without the experience factors.
    /// `factors`: the experience factor of each department of the panel
    /// the rows come from (see [`RiskModel::experience_factors`]), or
    /// `None` for the plain model.
    pub fn predict_cases(&self, rows: &[&FeatureRow], factors: Option<&[f64]>) -> Vec<f64> {
        if rows.is_empty() {
            return Vec::new();
        }
        let (x, offset) = design(rows);
        let mu = self.frequency.predict_mean(x.view(), Some(offset.view()));
        rows.iter()
            .zip(mu.iter())
            .map(|(r, m)| m * factors.and_then(|f| f.get(r.department)).copied().unwrap_or(1.0))
            .collect()
    }

    /// The experience of each department of `panel`, matched by code (a
    /// department the model has not seen gets none: Z = 0, factor 1).
    pub fn experience_for(&self, panel: &Panel) -> Vec<Experience> {
        let none = Experience { actual_to_expected: 1.0, z: 0.0, factor: 1.0 };
        panel
            .departments
            .iter()
            .map(|d| self.departments.iter().position(|c| *c == d.code).map_or(none, |i| self.experience[i]))
            .collect()
    }

    /// The factors `predict_cases` applies for `panel`.
    pub fn experience_factors(&self, panel: &Panel) -> Vec<f64> {
        self.experience_for(panel).iter().map(|e| e.factor).collect()
    }

    /// Expected incurred dollars per row: the predicted cases (`cases`,
    /// as [`RiskModel::predict_cases`] gave them) times the department's
    /// severity in the target month; the Tweedie GLM's when the model has
    /// no severity (0 without either).
    pub fn predict_incurred(&self, panel: &Panel, rows: &[&FeatureRow], cases: &[f64]) -> Vec<f64> {
        match &self.severity {
            Some(s) => rows
                .iter()
                .zip(cases)
                .map(|(r, c)| c * s.per_case(&panel.departments[r.department].code, r.target))
                .collect(),
            None => self.predict_incurred_tweedie(rows),
        }
    }

    /// Expected incurred dollars per row by the Tweedie GLM (0 without it).
    pub fn predict_incurred_tweedie(&self, rows: &[&FeatureRow]) -> Vec<f64> {
        match (&self.cost, rows.is_empty()) {
            (Some(cost), false) => {
                let (x, offset) = design(rows);
                cost.predict_mean(x.view(), Some(offset.view())).iter().map(|v| v * COST_UNIT).collect()
            }
            _ => vec![0.0; rows.len()],
        }
    }

    /// The 90% predictive interval of a count with mean `mu`.
    pub fn interval(&self, mu: f64) -> (u64, u64) {
        count_interval(mu, self.overdispersion, 0.90)
    }
}

/// Walks the pmf of Y (negative binomial with mean `mu` and 1/θ = `alpha`,
/// Poisson when alpha is 0) in log space, so large means do not
/// underflow, calling `stop(k, P(Y ≤ k))` until it says so.
fn walk_cdf(mu: f64, alpha: f64, mut stop: impl FnMut(u64, f64) -> bool) -> u64 {
    if mu.is_nan() || mu <= 0.0 {
        return 0;
    }
    let r = if alpha > 1e-12 { Some(1.0 / alpha) } else { None };
    let mut log_p = r.map_or(-mu, |r| r * (r / (r + mu)).ln());
    let limit = (mu + 50.0 * (mu * (1.0 + alpha * mu)).sqrt() + 50.0) as u64;
    let mut cdf = 0.0;
    for k in 0..limit {
        cdf += log_p.exp();
        if stop(k, cdf) {
            return k;
        }
        let kf = k as f64;
        log_p += match r {
            Some(r) => ((kf + r) / (kf + 1.0)).ln() + (mu / (r + mu)).ln(),
            None => mu.ln() - (kf + 1.0).ln(),
        };
    }
    limit
}

/// Smallest k with P(Y ≤ k) ≥ p.
pub fn count_quantile(mu: f64, alpha: f64, p: f64) -> u64 {
    walk_cdf(mu, alpha, |_, cdf| cdf >= p)
}

/// A `level` predictive interval [lo, hi] of a count: lo is the
/// (1 − level)/2 quantile and hi the smallest count with
/// P(lo ≤ Y ≤ hi) ≥ level. Equal tails would over-cover small counts badly
/// (Poisson(0.1) would give [0, 1], 99.5%); this keeps the coverage at or
/// just above the level.
pub fn count_interval(mu: f64, alpha: f64, level: f64) -> (u64, u64) {
    let lo = count_quantile(mu, alpha, (1.0 - level) / 2.0);
    let below_lo = if lo == 0 { 0.0 } else { cdf_at(mu, alpha, lo - 1) };
    let hi = walk_cdf(mu, alpha, |k, cdf| k >= lo && cdf - below_lo >= level);
    (lo, hi)
}

fn cdf_at(mu: f64, alpha: f64, k: u64) -> f64 {
    let mut out = 0.0;
    walk_cdf(mu, alpha, |j, cdf| {
        out = cdf;
        j >= k
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poisson_quantiles() {
        // Poisson(2): P(≤0)=0.135, P(≤4)=0.947, P(≤5)=0.983.
        assert_eq!(count_quantile(2.0, 0.0, 0.05), 0);
        assert_eq!(count_quantile(2.0, 0.0, 0.95), 5);
        assert_eq!(count_quantile(0.0, 0.0, 0.95), 0);
        // Large means do not underflow: Poisson(2000) 95% ≈ 2000 + 1.645·√2000 ≈ 2074.
        let q = count_quantile(2000.0, 0.0, 0.95);
        assert!((2070..=2078).contains(&q), "{q}");
    }

    #[test]
    fn intervals_hold_at_least_the_level() {
        // Poisson(0.1): P(0) = 0.905, so [0, 0] is a 90% interval.
        assert_eq!(count_interval(0.1, 0.0, 0.9), (0, 0));
        // Poisson(2): lo = 0; P(Y ≤ 3) = 0.857, P(Y ≤ 4) = 0.947.
        assert_eq!(count_interval(2.0, 0.0, 0.9), (0, 4));
        // Poisson(100): about 100 ± 1.645·10.
        let (lo, hi) = count_interval(100.0, 0.0, 0.9);
        assert!((82..=85).contains(&lo) && (115..=118).contains(&hi), "{lo} {hi}");
    }

    #[test]
    fn overdispersion_widens_intervals() {
        let narrow = count_quantile(50.0, 0.0, 0.95);
        let wide = count_quantile(50.0, 0.2, 0.95);
        assert!(wide > narrow + 10, "{narrow} {wide}");
    }
}
