//! Risk models: the features, the IRLS GLM behind the frequency and cost
//! models, Bühlmann-Straub credibility, the severe-claim triage classifier,
//! the rolling-origin backtest and the versioned model file.
//!
//! [`train`] is the one entry: a panel (and the claims the triage models
//! learn from) in, a model file out, with its backtest. The models never
//! read files: the pipeline reads the data once and hands them the panel.

pub mod backtest;
pub mod cost_score;
pub mod credibility;
pub mod development;
pub mod features;
pub mod file;
pub mod frequency;
pub mod glm;
pub mod plain;
pub mod search;
pub mod severity;
pub mod structural;
pub mod triage;

use crate::panel::Panel;
use crate::schema::Month;
use backtest::{BacktestParams, Truth};
use file::{InputDigest, ModelFile, TrainingWindow};
use frequency::TrainParams;

/// Why a model could not be trained.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("fitting failed")]
    Glm(#[from] glm::GlmError),
    #[error("the panel has {months} months ({start} to {end}); training needs at least {needed}")]
    TooShort { months: i32, start: Month, end: Month, needed: i32 },
}

/// How [`train`] trains.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainOptions {
    pub params: TrainParams,
    /// Run the backtest (its metrics go into the model file, and it decides
    /// whether ranking uses experience credibility).
    pub backtest: Option<BacktestParams>,
    /// Choose the structural hyperparameters by [`search`] (else
    /// `params.structural` is used as given).
    pub search: bool,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions { params: TrainParams::default(), backtest: Some(BacktestParams::default()), search: true }
    }
}

/// What the models learn from, all read in the pipeline's one pass.
pub struct TrainingData<'a> {
    pub panel: &'a Panel,
    /// The claims for the triage models, with their departments' groups.
    pub triage: triage::TriageData,
    /// The generator's expected counts, scored as the oracle when given.
    pub truth: Option<&'a Truth>,
    /// The input files as hashed while they were read.
    pub inputs: Vec<InputDigest>,
}

/// The fewest months of data a model is trained on: a year of history
/// behind the first origin and a year of horizons after it.
pub const MIN_MONTHS: i32 = 25;

/// Trains the models on the panel up to its last month and returns the
/// model file (not yet saved). `progress` is called after each backtest fold.
pub fn train(
    data: TrainingData<'_>,
    options: &TrainOptions,
    progress: &(dyn Fn() + Sync),
) -> Result<ModelFile, ModelError> {
    let panel = data.panel;
    let months = panel.end.since(panel.start) + 1;
    if months < MIN_MONTHS {
        return Err(ModelError::TooShort { months, start: panel.start, end: panel.end, needed: MIN_MONTHS });
    }
    let cutoff = panel.end;
    let (params, search) =
        if options.search { search::choose(panel, cutoff, &options.params)? } else { (options.params.clone(), None) };
    let params = &params;
    let first_origin = cutoff.plus(-(params.origins as i32)).max(panel.start.plus(11));
    let bank = frequency::feature_bank(panel, first_origin, cutoff.plus(-1), params.max_horizon, &params.structural)?;
    let rows = frequency::training_rows(&bank, cutoff, params);
    let mut model = frequency::train(panel, &rows, cutoff, params)?;

    // The backtest's folds use the chosen structural hyperparameters (the
    // search saw the months they score, so their figures lean optimistic
    // by the search's small gain; searching again per fold would multiply
    // its cost by the folds).
    let backtest = match &options.backtest {
        Some(bt) => {
            let bt = BacktestParams {
                train: TrainParams { structural: params.structural, ..bt.train.clone() },
                ..bt.clone()
            };
            Some(backtest::run(panel, data.truth, &bt, progress)?)
        }
        None => None,
    };
    model.use_experience = backtest.as_ref().is_some_and(|b| b.credibility_helps);
    let (triage, triage_evaluation) = train_triage(&data.triage);
    Ok(ModelFile {
        format: file::FORMAT.to_string(),
        format_version: file::FORMAT_VERSION,
        riskrank_version: env!("CARGO_PKG_VERSION").to_string(),
        feature_names: features::NAMES.iter().map(|s| s.to_string()).collect(),
        training_window: TrainingWindow { panel_start: panel.start, first_origin, cutoff },
        hyperparameters: params.clone(),
        hyperparameter_search: search,
        model,
        triage,
        triage_evaluation,
        backtest,
        inputs: data.inputs,
    })
}

/// The severe-claim triage models and their time-split evaluation; `None`
/// when the claims cannot support them (too few, or one outcome only) —
/// the frequency and cost models do not depend on them.
fn train_triage(data: &triage::TriageData) -> (Option<triage::TriageModel>, Option<file::TriageSummary>) {
    let (rule, params) = (triage::SevereRule::default(), triage::TriageParams::default());
    let evaluation = triage::evaluate(data, &rule, &params).ok().map(|r| file::TriageSummary::from(&r));
    (triage::train(data, &rule, &params).ok(), evaluation)
}
