//! Severe-claim triage: from what is known when a claim is first reported,
//! the probability that it becomes severe.
//!
//! This module owns the claim-level path from ingested records to a scored
//! claim: the [`TriageCollector`] sink, the [`SevereRule`] that defines the
//! target, the [`FeatureEncoder`] (with the optional [`FirstReport`]
//! columns), the two models (linfa-logistic's `LogisticRegression` and a
//! linfa-trees `DecisionTree`), the metrics (ROC AUC and curve, Brier
//! score, calibration by decile) and the time-split evaluation [`evaluate`]. The serializable [`TriageModel`] (encoder, logistic
//! coefficients, tree) is what a model file stores; writing that file is the
//! caller's business.
//!
//! # Layout
//!
//! * `collect`: the [`TriageCollector`] sink and the [`TriageData`] it builds;
//! * `target`: the [`SevereRule`];
//! * `features`: the [`FeatureEncoder`] and its design matrix (with the
//!   optional first-report columns);
//! * `logistic` and `tree`: the two models;
//! * `params`: the [`TriageParams`];
//! * `training`: the [`TriageModel`] and [`train`];
//! * `metrics`: ROC AUC and curve points, Brier score and calibration;
//! * `evaluation`: the time-split [`evaluate`] and its [`TriageReport`].
//!
//! Each file's own docs say what it decides and why.

mod collect;
mod evaluation;
mod features;
mod logistic;
mod metrics;
mod params;
mod target;
#[cfg(test)]
mod tests;
mod training;
mod tree;

use jiff::civil::Date;

pub use collect::{ClaimFeatures, FirstReport, TRIAGE_SAMPLE, TriageClaim, TriageCollector, TriageData};
pub use evaluation::{ModelReport, TriageReport, evaluate};
pub use features::{
    FIRST_REPORT_GROUPS, FeatureEncoder, INITIAL_COLUMN, INITIAL_MISSING_COLUMN, LAG_COLUMN, LAG_MISSING_COLUMN,
};
pub use logistic::{LogisticModel, Standardizer};
pub use metrics::{
    CalibrationBin, ROC_FPRS, RocPoint, brier_score, calibration_by_decile, calibration_error, roc_at, roc_auc,
};
pub use params::TriageParams;
pub use target::SevereRule;
pub use training::{TriageModel, TriageScores, train};
pub use tree::{LeafTree, TreeModel};

/// Why a model could not be trained or evaluated.
#[derive(Debug, thiserror::Error)]
pub enum TriageError {
    #[error("no claims to train on")]
    NoClaims,
    #[error("the time split at {cutoff} leaves no {side} claims")]
    EmptySplit { cutoff: Date, side: &'static str },
    #[error("the {side} claims are all one class ({severe} severe of {claims}); a classifier needs both")]
    OneClass { side: &'static str, severe: usize, claims: usize },
    #[error("invalid triage parameters: {0}")]
    InvalidParams(String),
    #[error("logistic regression failed")]
    Logistic(#[from] linfa_logistic::error::Error),
    #[error("decision tree failed")]
    Tree(#[from] linfa::Error),
}
