//! The model file: a versioned JSON document (serde) holding everything a
//! monthly run needs to score departments and everything an analyst needs
//! to trust it: format version, feature list, training window,
//! hyperparameters, coefficients, backtest metrics and the SHA-256 of the
//! training inputs. The JSON itself (writing, and loading with its version
//! and feature-schema checks) is `export::model_file`.

use serde::{Deserialize, Serialize};

use super::backtest::BacktestReport;
use super::frequency::{RiskModel, TrainParams};
use super::search::SearchReport;
use super::triage::TriageModel;
use crate::schema::Month;

/// What the `format` field must say.
pub const FORMAT: &str = "riskrank-model";
/// Bumped whenever the layout or the meaning of a field changes. Version 2:
/// the `log_structural_rate` feature comes from the structural fit with a
/// common trend and level shifts, so version-1 coefficients no longer apply.
/// Version 3: the structural fit is negative binomial at its estimated
/// dispersion, with group levels and hyperparameters chosen per city, and
/// the expected incurred is frequency × credible severity.
pub const FORMAT_VERSION: u32 = 3;

/// One training input, as hashed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputDigest {
    pub file: String,
    pub sha256: String,
    pub rows_accepted: u64,
}

/// The triage models' test figures (time split), without timings so the
/// file stays byte-stable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TriageSummary {
    pub rule: super::triage::SevereRule,
    pub train_claims: usize,
    pub test_claims: usize,
    pub base_rate_test: f64,
    /// The claims the training and test claims were sampled from, when
    /// there were more than the sample's bound (absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sampled_from: Option<u64>,
    /// Per model (`logistic`, `tree`, `baseline`): AUC, Brier score, Brier
    /// skill against the base rate, calibration error by decile.
    pub models: Vec<TriageFigures>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TriageFigures {
    pub name: String,
    pub auc: Option<f64>,
    pub brier: f64,
    pub brier_skill: f64,
    pub calibration_error: f64,
}

impl From<&super::triage::TriageReport> for TriageSummary {
    fn from(r: &super::triage::TriageReport) -> Self {
        TriageSummary {
            rule: r.rule,
            train_claims: r.train_claims,
            test_claims: r.test_claims,
            base_rate_test: r.base_rate_test,
            sampled_from: r.sampled_from,
            models: r
                .models
                .iter()
                .map(|m| TriageFigures {
                    name: m.name.clone(),
                    auc: m.auc,
                    brier: m.brier,
                    brier_skill: m.brier_skill,
                    calibration_error: m.calibration_error,
                })
                .collect(),
        }
    }
}

/// The months the model learnt from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainingWindow {
    pub panel_start: Month,
    pub first_origin: Month,
    /// The last month of data used (the as-of month of training).
    pub cutoff: Month,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelFile {
    pub format: String,
    pub format_version: u32,
    pub riskrank_version: String,
    pub feature_names: Vec<String>,
    pub training_window: TrainingWindow,
    pub hyperparameters: TrainParams,
    /// How the structural hyperparameters were chosen (absent when they
    /// were given, or the history was too short to search).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hyperparameter_search: Option<SearchReport>,
    pub model: RiskModel,
    pub triage: Option<TriageModel>,
    pub triage_evaluation: Option<TriageSummary>,
    pub backtest: Option<BacktestReport>,
    pub inputs: Vec<InputDigest>,
}
