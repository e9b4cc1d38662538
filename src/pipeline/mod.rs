//! The jobs riskrank runs, each reading its data folder exactly once (one
//! `ingest::load` with every sink the job needs) and writing its outputs
//! through one [`StagedFolder`](crate::export::StagedFolder):
//!
//! - [`run`]: the monthly job (validate → model → score → rank → reports);
//! - [`validate`]: the per-file account, quarantine files and the panel;
//! - [`train`]: the models and their backtest, as a model file;
//! - [`backtest`]: the rolling-origin backtest table.

pub mod backtest;
pub mod run;
pub mod train;
pub mod validate;

use std::path::{Path, PathBuf};

use crate::export::model_file::ModelFileError;
use crate::export::{ExportError, truth};
use crate::ingest::{self, FileKind, IngestError, LoadOptions, Loaded, RecordSink};
use crate::model::ModelError;
use crate::model::backtest::Truth;
use crate::model::file::InputDigest;
use crate::model::glm::GlmError;
use crate::panel::{Panel, PanelBuilder};
use crate::schema::Month;

/// Why a job failed; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error(transparent)]
    Ingest(#[from] IngestError),
    #[error(transparent)]
    ModelFile(#[from] ModelFileError),
    #[error("cannot train the models")]
    Train(#[from] ModelError),
    #[error("scoring failed")]
    Score(#[from] GlmError),
    #[error("the backtest failed")]
    Backtest(#[source] GlmError),
    #[error(transparent)]
    Export(#[from] ExportError),
    #[error("{}: the model does not fit this data: {reason}", path.display())]
    ModelMismatch { path: PathBuf, reason: String },
    #[error("the horizon must be 1 to 36 months, not {0}")]
    Horizon(u32),
}

/// A data folder as read: the account, the panel and the job's sinks.
pub struct Read<S> {
    pub loaded: Loaded<S>,
    pub panel: Panel,
}

/// Sinks that include the panel's.
pub trait WithPanel: RecordSink {
    fn panel(&self) -> &PanelBuilder;
}

impl WithPanel for PanelBuilder {
    fn panel(&self) -> &PanelBuilder {
        self
    }
}

impl<B: RecordSink> WithPanel for (PanelBuilder, B) {
    fn panel(&self) -> &PanelBuilder {
        &self.0
    }
}

/// Reads the data folder once into `sinks` and builds the panel.
pub fn read<S: WithPanel>(data: &Path, as_of: Option<Month>, sinks: S) -> Result<Read<S>, IngestError> {
    let loaded = ingest::load(data, &LoadOptions::new(as_of), sinks)?;
    let has_exposure = loaded.report(FileKind::Exposure).is_some();
    let panel = Panel::from_builder(loaded.sink.panel(), loaded.departments.as_deref(), has_exposure, as_of);
    Ok(Read { loaded, panel })
}

/// The input files as the model file records them (hashed while read).
pub fn input_digests(files: &[ingest::FileReport]) -> Vec<InputDigest> {
    files
        .iter()
        .map(|f| InputDigest { file: f.file_name(), sha256: f.sha256.clone(), rows_accepted: f.accepted })
        .collect()
}

/// The generator's `truth.csv` in the data folder, when there is one.
pub fn truth_in(data: &Path) -> Result<Option<Truth>, ExportError> {
    truth::read_in(data)
}
