//! Scoring the cost predictions where the money is: each department's
//! predicted incurred over the [`COST_MONTHS`] months after an origin,
//! against the generator's true expected ultimate incurred when there is a
//! truth file, else against the incurred observed (as valued at the data's
//! end). Two figures per predictor: the money-weighted absolute error
//! Σ|predicted − true| / Σ true over departments and folds, and the city
//! total's error, Σ predicted / Σ true − 1 per fold (the mean and the
//! worst). The severity model (frequency × credible severity) is scored
//! beside the Tweedie GLM it replaced and trailing-12 incurred × 3/12.

use serde::{Deserialize, Serialize};

use super::backtest::Truth;
use super::features::FeatureRow;
use super::frequency::RiskModel;
use crate::panel::Panel;
use crate::schema::Month;

/// Months of cost summed after each origin.
pub const COST_MONTHS: u32 = 3;

/// The cost predictors compared.
pub const COST_PREDICTORS: [&str; 3] = ["severity_model", "tweedie", "trailing12"];

/// One cost predictor over all folds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CostRow {
    pub months: u32,
    pub predictor: String,
    pub folds: usize,
    /// `truth` (the generator's expected incurred) or `observed`.
    pub against: String,
    pub money_weighted_error: f64,
    /// Mean over folds of Σ predicted / Σ true − 1 (the city total's bias).
    pub total_error: f64,
    /// The largest |Σ predicted / Σ true − 1| of a fold.
    pub worst_total_error: f64,
}

/// One department's cost over the months after one origin.
#[derive(Debug, Clone)]
pub struct CostScored {
    origin: Month,
    /// Indexed like `COST_PREDICTORS`.
    predicted: [f64; COST_PREDICTORS.len()],
    actual: f64,
}

/// The departments' costs after `origin` by each predictor, from the
/// feature rows at it (horizons 1 to [`COST_MONTHS`]); departments missing
/// a month are left out, so every predictor covers the same months.
pub fn score_origin(
    panel: &Panel,
    truth: Option<&Truth>,
    model: &RiskModel,
    rows: &[&FeatureRow],
    origin: Month,
) -> Vec<CostScored> {
    let rows: Vec<&FeatureRow> =
        rows.iter().copied().filter(|r| r.origin == origin && r.horizon <= COST_MONTHS).collect();
    let factors = model.experience_factors(panel);
    let cases = model.predict_cases(&rows, model.use_experience.then_some(factors.as_slice()));
    let severity = model.predict_incurred(panel, &rows, &cases);
    let tweedie = model.predict_incurred_tweedie(&rows);
    let n = panel.departments.len();
    let mut sums = vec![([0.0; COST_PREDICTORS.len()], 0.0, 0u32, true); n];
    for (i, r) in rows.iter().enumerate() {
        let code = &panel.departments[r.department].code;
        let actual = match truth {
            Some(t) => t.incurred(code, r.target),
            None => panel.cell(r.department, r.target).map(|c| c.totals.incurred.dollars()),
        };
        let s = &mut sums[r.department];
        match actual {
            Some(a) => s.1 += a,
            None => s.3 = false,
        }
        s.0[0] += severity[i];
        s.0[1] += tweedie[i];
        s.2 += 1;
    }
    (0..n)
        .filter(|&d| sums[d].2 == COST_MONTHS && sums[d].3)
        .map(|d| {
            let t12 = panel.trailing12(d, origin).all.incurred.dollars() * f64::from(COST_MONTHS) / 12.0;
            let (mut predicted, actual, _, _) = sums[d];
            predicted[2] = t12;
            CostScored { origin, predicted, actual }
        })
        .collect()
}

/// The cost table over all folds; empty when nothing was scored.
pub fn summarise(scored: &[CostScored], has_truth: bool) -> Vec<CostRow> {
    let total_true: f64 = scored.iter().map(|s| s.actual).sum();
    if scored.is_empty() || total_true <= 0.0 {
        return Vec::new();
    }
    let mut origins: Vec<Month> = scored.iter().map(|s| s.origin).collect();
    origins.sort();
    origins.dedup();
    COST_PREDICTORS
        .iter()
        .enumerate()
        .map(|(p, name)| {
            let error: f64 = scored.iter().map(|s| (s.predicted[p] - s.actual).abs()).sum();
            let totals: Vec<f64> = origins
                .iter()
                .filter_map(|o| {
                    let fold = scored.iter().filter(|s| s.origin == *o);
                    let (pred, actual) = fold.fold((0.0, 0.0), |(a, b), s| (a + s.predicted[p], b + s.actual));
                    (actual > 0.0).then(|| pred / actual - 1.0)
                })
                .collect();
            CostRow {
                months: COST_MONTHS,
                predictor: name.to_string(),
                folds: origins.len(),
                against: if has_truth { "truth" } else { "observed" }.to_string(),
                money_weighted_error: error / total_true,
                total_error: totals.iter().sum::<f64>() / totals.len().max(1) as f64,
                worst_total_error: totals.iter().fold(0.0, |m, t| m.max(t.abs())),
            }
        })
        .collect()
}
