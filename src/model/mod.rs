//! Risk models: the IRLS GLM behind the frequency and cost models,
//! Bühlmann-Straub credibility, the severe-claim triage classifier, the
//! rolling-origin backtest and the versioned model file.
//!
//! [`train_folder`] is the one entry for analysts: data folder in, model
//! file out (with its backtest), used by `riskrank train` and by the
//! monthly run when no fitting model is given.

pub mod backtest;
pub mod credibility;
pub mod file;
pub mod frequency;
pub mod glm;
pub mod plain;
pub mod structural;
pub mod triage;

use std::path::Path;

use crate::ingest::{self, IngestError, LoadOptions};
use crate::panel::{Panel, PanelBuilder};
use crate::schema::Month;
use backtest::{BacktestParams, Truth};
use file::{InputDigest, ModelFile, TrainingWindow};
use frequency::TrainParams;

/// Why a model could not be trained.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error(transparent)]
    Ingest(#[from] IngestError),
    #[error("fitting failed: {0}")]
    Glm(#[from] glm::GlmError),
    #[error("{}: cannot read truth.csv: {source}", dir.display())]
    Truth { dir: std::path::PathBuf, source: csv::Error },
    #[error("{}: cannot hash the input: {source}", path.display())]
    Hash { path: std::path::PathBuf, source: std::io::Error },
    #[error("the panel has {months} months ({start} to {end}); training needs at least {needed}")]
    TooShort { months: i32, start: Month, end: Month, needed: i32 },
}

/// What `train_folder` does.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainOptions {
    pub as_of: Option<Month>,
    pub params: TrainParams,
    /// Run the backtest (its metrics go into the model file, and it decides
    /// whether ranking uses experience credibility).
    pub backtest: Option<BacktestParams>,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions { as_of: None, params: TrainParams::default(), backtest: Some(BacktestParams::default()) }
    }
}

/// The fewest months of data a model is trained on: a year of history
/// behind the first origin and a year of horizons after it.
pub const MIN_MONTHS: i32 = 25;

/// Trains the models on a data folder and returns the model file (not yet
/// saved) and the panel it was trained on. `progress` is called after each
/// backtest fold.
pub fn train_folder(
    dir: &Path,
    options: &TrainOptions,
    progress: &(dyn Fn() + Sync),
) -> Result<(ModelFile, Panel), ModelError> {
    let sinks = (PanelBuilder::default(), triage::TriageCollector::new());
    let loaded = ingest::load(dir, &LoadOptions::new(options.as_of), sinks)?;
    let has_exposure = loaded.report(ingest::FileKind::Exposure).is_some();
    let departments = loaded.departments.as_deref();
    let panel = Panel::from_builder(&loaded.sink.0, departments, has_exposure, options.as_of);
    let months = panel.end.since(panel.start) + 1;
    if months < MIN_MONTHS {
        return Err(ModelError::TooShort { months, start: panel.start, end: panel.end, needed: MIN_MONTHS });
    }
    let params = &options.params;
    let cutoff = panel.end;
    let first_origin = cutoff.plus(-(params.origins as i32)).max(panel.start.plus(11));
    let bank = frequency::feature_bank(&panel, first_origin, cutoff.plus(-1), params.max_horizon)?;
    let rows = frequency::training_rows(&bank, cutoff, params);
    let mut model = frequency::train(&panel, &rows, cutoff, params)?;

    let truth = Truth::load(dir).map_err(|source| ModelError::Truth { dir: dir.to_path_buf(), source })?;
    let backtest = match &options.backtest {
        Some(bt) => Some(backtest::run(&panel, truth.as_ref(), bt, progress)?),
        None => None,
    };
    model.use_experience = backtest.as_ref().is_some_and(|b| b.credibility_helps);
    let (triage, triage_evaluation) = train_triage(loaded.sink.1, departments);

    let inputs = loaded
        .files
        .iter()
        .map(|f| {
            let sha256 = crate::digest::sha256_file(&f.path)
                .map_err(|source| ModelError::Hash { path: f.path.clone(), source })?;
            Ok(InputDigest { file: f.file_name(), sha256, rows_accepted: f.accepted })
        })
        .collect::<Result<Vec<_>, ModelError>>()?;
    let file = ModelFile {
        format: file::FORMAT.to_string(),
        format_version: file::FORMAT_VERSION,
        riskrank_version: env!("CARGO_PKG_VERSION").to_string(),
        feature_names: crate::features::NAMES.iter().map(|s| s.to_string()).collect(),
        training_window: TrainingWindow { panel_start: panel.start, first_origin, cutoff },
        hyperparameters: params.clone(),
        model,
        triage,
        triage_evaluation,
        backtest,
        inputs,
    };
    Ok((file, panel))
}

/// The severe-claim triage models and their time-split evaluation; `None`
/// when the claims cannot support them (too few, or one outcome only) —
/// the frequency and cost models do not depend on them.
fn train_triage(
    collector: triage::TriageCollector,
    departments: Option<&[crate::schema::Department]>,
) -> (Option<triage::TriageModel>, Option<file::TriageSummary>) {
    let data = collector.finish(departments);
    let (rule, params) = (triage::SevereRule::default(), triage::TriageParams::default());
    let evaluation = triage::evaluate(&data, &rule, &params).ok().map(|r| file::TriageSummary::from(&r));
    (triage::train(&data, &rule, &params).ok(), evaluation)
}
