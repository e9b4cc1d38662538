//! `train`: read a data folder once (the panel and the triage claims),
//! through the data gate, and train the models on it, with their
//! backtest; the model file is written by the caller.

use std::path::Path;

use super::{PipelineError, Read, Source, input_digests, truth_from};
use crate::model::file::ModelFile;
use crate::model::triage::TriageCollector;
use crate::model::{self, TrainOptions, TrainingData};
use crate::panel::{Panel, PanelBuilder};

/// Trains on `source` up to its as-of month (default: the data's last
/// month) and returns the model file, the panel it learnt from and the
/// warnings to read (an inferred as-of month, a forced gate). `truth` is a
/// generator's `truth.csv` to score the backtest against.
pub fn train(
    source: &Source,
    truth: Option<&Path>,
    options: &TrainOptions,
    progress: &(dyn Fn() + Sync),
) -> Result<(ModelFile, Panel, Vec<String>), PipelineError> {
    let sinks = (PanelBuilder::new(source.load.limits.claim_cap()), TriageCollector::new());
    let (Read { loaded, panel, as_of_note, .. }, verdict) = source.read(sinks)?;
    let warnings = as_of_note.into_iter().chain(verdict.forced_warnings()).collect();
    let truth = truth_from(truth)?;
    let training = TrainingData {
        panel: &panel,
        triage: loaded.sink.1.finish(loaded.departments.as_deref()),
        truth: truth.as_ref(),
        inputs: input_digests(&loaded.files),
    };
    let file = model::train(training, options, progress)?;
    Ok((file, panel, warnings))
}
