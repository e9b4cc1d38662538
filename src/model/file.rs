//! The model file: a versioned JSON document (serde) holding everything a
//! monthly run needs to score departments and everything an analyst needs
//! to trust it: format version, feature list, training window,
//! hyperparameters, coefficients, backtest metrics and the SHA-256 of the
//! training inputs. Loading checks the version and the feature schema, so
//! a mismatched or corrupt file is a clear error, never a wrong ranking.
//! The JSON carries no timestamps, so retraining on the same data gives the
//! same bytes.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::backtest::BacktestReport;
use super::frequency::{RiskModel, TrainParams};
use super::triage::TriageModel;
use crate::schema::Month;

/// What the `format` field must say.
pub const FORMAT: &str = "riskrank-model";
/// Bumped whenever the layout or the meaning of a field changes. Version 2:
/// the `log_structural_rate` feature comes from the structural fit with a
/// common trend and level shifts, so version-1 coefficients no longer apply.
pub const FORMAT_VERSION: u32 = 2;

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
    pub model: RiskModel,
    pub triage: Option<TriageModel>,
    pub triage_evaluation: Option<TriageSummary>,
    pub backtest: Option<BacktestReport>,
    pub inputs: Vec<InputDigest>,
}

/// Why a model file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ModelFileError {
    #[error("{}: cannot read the model file: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{}: not a valid riskrank model file (corrupt or truncated JSON): {source}", path.display())]
    Corrupt { path: PathBuf, source: serde_json::Error },
    #[error("{}: not a riskrank model file (format is {found:?})", path.display())]
    Format { path: PathBuf, found: String },
    #[error("{}: model format version {found}, this riskrank reads version {FORMAT_VERSION}; retrain with `riskrank train`", path.display())]
    Version { path: PathBuf, found: u64 },
    #[error("{}: the model's features do not match this riskrank's ({detail}); retrain with `riskrank train`", path.display())]
    FeatureSchema { path: PathBuf, detail: String },
    #[error("{}: cannot serialize the model: {source}", path.display())]
    Serialize { path: PathBuf, source: serde_json::Error },
}

impl ModelFile {
    /// The file's bytes: pretty JSON with a final newline.
    pub fn to_json(&self) -> Result<Vec<u8>, serde_json::Error> {
        let mut bytes = serde_json::to_vec_pretty(self)?;
        bytes.push(b'\n');
        Ok(bytes)
    }

    /// Writes atomically.
    pub fn save(&self, path: &Path) -> Result<(), ModelFileError> {
        let bytes = self.to_json().map_err(|source| ModelFileError::Serialize { path: path.to_path_buf(), source })?;
        crate::output::write_atomic(path, &bytes)
            .map_err(|source| ModelFileError::Io { path: path.to_path_buf(), source })
    }

    /// Reads and checks a model file.
    pub fn load(path: &Path) -> Result<ModelFile, ModelFileError> {
        let bytes = std::fs::read(path).map_err(|source| ModelFileError::Io { path: path.to_path_buf(), source })?;
        Self::from_slice(path, &bytes)
    }

    pub fn from_slice(path: &Path, bytes: &[u8]) -> Result<ModelFile, ModelFileError> {
        let corrupt = |source| ModelFileError::Corrupt { path: path.to_path_buf(), source };
        // The header first, so an old or foreign file says so instead of
        // failing on some field deep inside.
        let value: serde_json::Value = serde_json::from_slice(bytes).map_err(corrupt)?;
        let format = value.get("format").and_then(|v| v.as_str()).unwrap_or("").to_string();
        if format != FORMAT {
            return Err(ModelFileError::Format { path: path.to_path_buf(), found: format });
        }
        let version = value.get("format_version").and_then(|v| v.as_u64()).unwrap_or(0);
        if version != u64::from(FORMAT_VERSION) {
            return Err(ModelFileError::Version { path: path.to_path_buf(), found: version });
        }
        let file: ModelFile = serde_json::from_value(value).map_err(corrupt)?;
        file.check_schema(path)?;
        Ok(file)
    }

    fn check_schema(&self, path: &Path) -> Result<(), ModelFileError> {
        let expected: Vec<&str> = crate::features::NAMES.to_vec();
        let schema_err = |detail: String| ModelFileError::FeatureSchema { path: path.to_path_buf(), detail };
        if self.feature_names.iter().map(String::as_str).ne(expected.iter().copied()) {
            return Err(schema_err(format!(
                "file has {} features [{}], expected {} [{}]",
                self.feature_names.len(),
                self.feature_names.join(", "),
                expected.len(),
                expected.join(", ")
            )));
        }
        let n = expected.len();
        let models = [Some(&self.model.frequency), self.model.cost.as_ref()];
        for glm in models.into_iter().flatten() {
            if glm.coefficients.len() != n
                || !glm.intercept.is_finite()
                || glm.coefficients.iter().any(|c| !c.is_finite())
            {
                return Err(schema_err(format!(
                    "{} coefficients or a non-finite one, expected {n}",
                    glm.coefficients.len()
                )));
            }
        }
        if self.model.experience.len() != self.model.departments.len() {
            return Err(schema_err("experience factors do not match the department list".into()));
        }
        Ok(())
    }
}
