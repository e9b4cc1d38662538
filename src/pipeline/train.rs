//! `train`: read a data folder once (the panel and the triage claims) and
//! train the models on it, with their backtest; the model file is written
//! by the caller.

use std::path::Path;

use super::{PipelineError, Read, input_digests, truth_in};
use crate::model::file::ModelFile;
use crate::model::triage::TriageCollector;
use crate::model::{self, TrainOptions, TrainingData};
use crate::panel::{Panel, PanelBuilder};
use crate::schema::Month;

/// Trains on `data` up to `as_of` (default: its last month) and returns
/// the model file and the panel it learnt from.
pub fn train(
    data: &Path,
    as_of: Option<Month>,
    options: &TrainOptions,
    progress: &(dyn Fn() + Sync),
) -> Result<(ModelFile, Panel), PipelineError> {
    let sinks = (PanelBuilder::default(), TriageCollector::new());
    let Read { loaded, panel } = super::read(data, as_of, sinks)?;
    let truth = truth_in(data)?;
    let training = TrainingData {
        panel: &panel,
        triage: loaded.sink.1.finish(loaded.departments.as_deref()),
        truth: truth.as_ref(),
        inputs: input_digests(&loaded.files),
    };
    let file = model::train(training, options, progress)?;
    Ok((file, panel))
}
