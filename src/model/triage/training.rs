//! Training: the [`TriageModel`] a model file stores, fitted on every claim by [`train`] or
//! on the training side of a time split by [`evaluate`](super::evaluate).

use std::time::Instant;

use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};

use super::{
    ClaimFeatures, FeatureEncoder, LogisticModel, SevereRule, TreeModel, TriageClaim, TriageData, TriageError,
    TriageParams,
};

/// The trained triage model: what a model file stores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TriageModel {
    pub rule: SevereRule,
    pub encoder: FeatureEncoder,
    pub logistic: LogisticModel,
    pub tree: TreeModel,
    pub training_claims: usize,
    pub training_severe: usize,
}

/// P(severe) from both models, one per claim.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TriageScores {
    pub logistic: Vec<f64>,
    pub tree: Vec<f64>,
}

impl TriageModel {
    pub fn predict(&self, claims: &[ClaimFeatures<'_>]) -> TriageScores {
        let x = self.encoder.encode(claims);
        TriageScores { logistic: self.logistic.predict(&x), tree: self.tree.predict(&x) }
    }
}

/// Seconds spent fitting each model.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Timings {
    pub(super) logistic: f64,
    pub(super) tree: f64,
}

/// Every `len / max`-th index, so the subsample spans the whole period.
pub(super) fn subsample(rows: Vec<usize>, max: Option<usize>) -> Vec<usize> {
    match max {
        Some(max) if rows.len() > max => (0..max).filter_map(|i| rows.get(i * rows.len() / max).copied()).collect(),
        _ => rows,
    }
}

pub(super) fn fit_models(
    data: &TriageData,
    rule: &SevereRule,
    params: &TriageParams,
    rows: &[usize],
) -> Result<(TriageModel, Array2<f64>, Array1<bool>, Timings), TriageError> {
    let claims: Vec<&TriageClaim> = rows.iter().filter_map(|&i| data.claims.get(i)).collect();
    if claims.is_empty() {
        return Err(TriageError::NoClaims);
    }
    let features: Vec<ClaimFeatures<'_>> = claims.iter().map(|c| data.features(c)).collect();
    let y: Array1<bool> = claims.iter().map(|c| rule.severe(c)).collect();
    let severe = y.iter().filter(|&&s| s).count();
    if severe == 0 || severe == y.len() {
        return Err(TriageError::OneClass { side: "training", severe, claims: y.len() });
    }
    let encoder = FeatureEncoder::fit(&features, params.min_count, params.max_levels);
    let x = encoder.encode(&features);
    let start = Instant::now();
    let logistic = LogisticModel::fit(
        &x,
        &y,
        encoder.logistic_columns(&x),
        &encoder.numeric_columns(),
        params.logistic_alpha,
        params.logistic_max_iterations,
        params.logistic_tolerance,
    )?;
    let logistic_time = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let tree = TreeModel::fit(&x, &y, &encoder.columns, params)?;
    let timings = Timings { logistic: logistic_time, tree: start.elapsed().as_secs_f64() };
    let model = TriageModel { rule: *rule, encoder, logistic, tree, training_claims: y.len(), training_severe: severe };
    Ok((model, x, y, timings))
}

/// Trains both models on every claim (at most `params.max_train`, evenly
/// spaced): the model to save once [`evaluate`](super::evaluate) has been looked at.
pub fn train(data: &TriageData, rule: &SevereRule, params: &TriageParams) -> Result<TriageModel, TriageError> {
    params.check()?;
    let rows = subsample((0..data.claims.len()).collect(), params.max_train);
    fit_models(data, rule, params, &rows).map(|(model, ..)| model)
}
