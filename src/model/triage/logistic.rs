//! The logistic regression: linfa-logistic's fit on the encoder's columns, less the
//! reference levels, with the numeric columns standardized.
//!
//! Logistic regression (linfa-logistic, L-BFGS) with L2 penalty `alpha`
//! (default 1.0; linfa's loss is a *sum* over claims, so this is
//! scikit-learn's default `C = 1`: a light penalty that mostly tames the
//! rare levels). It uses the design matrix less, per categorical block,
//! the most frequent column (the reference level) and less any column
//! constant in training: a full one-hot block sums to one like the
//! intercept, and with five such blocks only the penalty pinned the
//! solution, which made L-BFGS crawl (7 s instead of 0.5 s on 3,700
//! claims in a debug build, same AUC). The two numeric columns are
//! standardized (training mean and standard deviation, stored with the
//! model). L-BFGS stops at a gradient norm of `logistic_tolerance` (1e-4)
//! per claim, or after `logistic_max_iterations` (200).
//!
//! **Label order:** linfa-logistic's "positive" class is the *majority*
//! class of the training labels (its `label_classes` swaps them), so
//! `predict_probabilities` returns P(not severe) whenever severe claims
//! are the minority. [`LogisticModel`] reads `labels().pos.class` and
//! converts, in one place; a unit test covers both orders.

use linfa::DatasetBase;
use linfa::traits::Fit;
use linfa_logistic::{FittedLogisticRegression, LogisticRegression};
use ndarray::{Array1, Array2, Axis};
use serde::{Deserialize, Serialize};

use super::TriageError;

/// Standardizes some columns with the training mean and standard deviation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Standardizer {
    pub columns: Vec<usize>,
    pub mean: Vec<f64>,
    /// Standard deviation, or 1 for a constant column.
    pub scale: Vec<f64>,
}

impl Standardizer {
    pub fn fit(x: &Array2<f64>, columns: Vec<usize>) -> Standardizer {
        let n = x.nrows().max(1) as f64;
        let mut mean = Vec::with_capacity(columns.len());
        let mut scale = Vec::with_capacity(columns.len());
        for &c in &columns {
            let col = x.column(c);
            let m = col.sum() / n;
            let var = col.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / n;
            mean.push(m);
            scale.push(if var.sqrt() > 1e-12 { var.sqrt() } else { 1.0 });
        }
        Standardizer { columns, mean, scale }
    }

    pub fn apply(&self, x: &mut Array2<f64>) {
        for ((&c, &m), &s) in self.columns.iter().zip(&self.mean).zip(&self.scale) {
            if c < x.ncols() {
                x.column_mut(c).mapv_inplace(|v| (v - m) / s);
            }
        }
    }
}

/// linfa-logistic's fit, the columns it uses and their standardization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogisticModel {
    /// Columns of the encoder's matrix the regression uses, in order.
    pub columns: Vec<usize>,
    /// Indices into `columns`.
    pub scaler: Standardizer,
    /// `labels().pos.class` is the majority class of the training labels,
    /// not necessarily `true`: read through [`LogisticModel::predict`].
    pub fitted: FittedLogisticRegression<f64, bool>,
}

impl LogisticModel {
    /// Fits on the `columns` of `x`, standardizing those of them listed in
    /// `standardize` (both as indices into `x`).
    pub fn fit(
        x: &Array2<f64>,
        y: &Array1<bool>,
        columns: Vec<usize>,
        standardize: &[usize],
        alpha: f64,
        max_iterations: u64,
        tolerance: f64,
    ) -> Result<LogisticModel, TriageError> {
        let mut xs = x.select(Axis(1), &columns);
        let scaled = standardize.iter().filter_map(|c| columns.iter().position(|k| k == c)).collect();
        let scaler = Standardizer::fit(&xs, scaled);
        scaler.apply(&mut xs);
        let params = LogisticRegression::default()
            .alpha(alpha)
            .max_iterations(max_iterations)
            .gradient_tolerance((tolerance * x.nrows() as f64).max(f64::MIN_POSITIVE));
        let fitted = params.fit(&DatasetBase::new(xs.view(), y.view()))?;
        Ok(LogisticModel { columns, scaler, fitted })
    }

    /// P(severe) per row. linfa's `predict_probabilities` gives the
    /// probability of `labels().pos.class`, the training majority: it is
    /// turned around when that class is `false`.
    pub fn predict(&self, x: &Array2<f64>) -> Vec<f64> {
        let columns: Vec<usize> = self.columns.iter().copied().filter(|&c| c < x.ncols()).collect();
        let mut xs = x.select(Axis(1), &columns);
        if xs.ncols() != self.fitted.params().len() {
            // A matrix from another encoder: nothing sensible to say.
            return vec![f64::NAN; x.nrows()];
        }
        self.scaler.apply(&mut xs);
        let p = self.fitted.predict_probabilities(&xs);
        let positive_is_severe = self.fitted.labels().pos.class;
        p.iter().map(|&p| if positive_is_severe { p } else { 1.0 - p }).collect()
    }

    /// Intercept and coefficients on the log-odds of severe (standardized
    /// columns), with the label order already accounted for.
    pub fn severe_log_odds(&self) -> (f64, Vec<f64>) {
        let sign = if self.fitted.labels().pos.class { 1.0 } else { -1.0 };
        (sign * self.fitted.intercept(), self.fitted.params().iter().map(|b| sign * b).collect())
    }
}
