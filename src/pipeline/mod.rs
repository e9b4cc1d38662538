//! The jobs riskrank runs, each reading its data folder exactly once (one
//! `ingest::load` with every sink the job needs) and writing its outputs
//! through one [`StagedFolder`](crate::export::StagedFolder):
//!
//! - [`run`]: the monthly job (validate → model → score → rank → reports);
//! - [`validate`]: the per-file account, quarantine files and the panel;
//! - [`train`]: the models and their backtest, as a model file;
//! - [`backtest`]: the rolling-origin backtest table;
//! - [`convert`]: a data folder's CSV files as Parquet.

pub mod backtest;
pub mod convert;
pub mod develop;
pub mod report;
pub mod run;
pub mod train;
pub mod validate;

use std::path::{Path, PathBuf};

use crate::config::GateRules;
use crate::export::model_file::ModelFileError;
use crate::export::{ExportError, truth};
use crate::gate::{self, GateInput, Verdict};
use crate::ingest::{self, FileKind, IngestError, LoadOptions, Loaded, RecordSink};
use crate::model::ModelError;
use crate::model::backtest::Truth;
use crate::model::development::monthly::{self, MonthlyDevelopment};
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
    #[error("the data gate refused the data:{}\nfix the data or riskrank.toml, or pass --force to run anyway (every report then carries the warning)", bullets(&.0.findings.iter().map(|f| f.message.clone()).collect::<Vec<_>>()))]
    Refused(Verdict),
    #[error("{}: {reason}", path.display())]
    Unwritable { path: PathBuf, reason: String },
    #[error("{}: already exists; pass --force to overwrite it, or choose another --out", .0.display())]
    Exists(PathBuf),
    #[error("{what}")]
    Contradiction { what: String },
    #[error("department codes {first:?} and {second:?} would share a report file name")]
    FileNameClash { first: String, second: String },
}

/// Lines of a list in an error message.
fn bullets(lines: &[String]) -> String {
    lines.iter().map(|l| format!("\n  - {l}")).collect()
}

/// A data folder to read and how: the load options (as-of month, input
/// format) and the data gate's rules.
#[derive(Debug, Clone)]
pub struct Source {
    pub data: PathBuf,
    pub load: LoadOptions,
    pub rules: GateRules,
    /// Go on when the gate refuses.
    pub force: bool,
}

impl Source {
    /// `data` as of `as_of`, every setting at its default.
    pub fn new(data: &Path, as_of: Option<Month>) -> Source {
        Source { data: data.to_path_buf(), load: LoadOptions::new(as_of), rules: GateRules::default(), force: false }
    }

    /// Reads the folder once and puts it through the gate.
    pub fn read<S: WithPanel>(&self, sinks: S) -> Result<(Read<S>, Verdict), PipelineError> {
        let read = read(&self.data, &self.load, sinks)?;
        let verdict = gate(&read.loaded, &self.rules, self.force)?;
        Ok((read, verdict))
    }
}

/// A data folder as read: the account, the panel and the job's sinks.
pub struct Read<S> {
    pub loaded: Loaded<S>,
    pub panel: Panel,
    /// The claims' development, when claim_valuations.csv was given: the
    /// panel's incurred is then its estimated ultimate.
    pub development: Option<MonthlyDevelopment>,
    /// When the as-of month was inferred before the data's last month: why.
    pub as_of_note: Option<String>,
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

/// Reads the data folder once into `sinks` and builds the panel. Without
/// an as-of month, one is inferred; only when stray rows lie after it
/// (see [`gate::infer_as_of`]) is the folder read a second time, as of
/// that month, so those rows are quarantined with their lines.
pub fn read<S: WithPanel>(data: &Path, options: &LoadOptions, sinks: S) -> Result<Read<S>, IngestError> {
    let spare = options.as_of.is_none().then(|| sinks.fork());
    let mut loaded = ingest::load(data, options, sinks)?;
    let (mut end, mut as_of_note) = (options.as_of, None);
    if let (Some(spare), Some((as_of, why))) = (spare, gate::infer_as_of(&loaded.files)) {
        let options = LoadOptions { as_of: Some(as_of), ..options.clone() };
        loaded = ingest::load(data, &options, spare)?;
        (end, as_of_note) = (Some(as_of), Some(why));
    }
    let has_exposure = loaded.report(FileKind::Exposure).is_some();
    let mut panel = Panel::from_builder(loaded.sink.panel(), loaded.departments.as_deref(), has_exposure, end);
    let development = monthly::develop(&panel);
    if let Some(development) = &development {
        monthly::apply(&mut panel, development);
    }
    Ok(Read { loaded, panel, development, as_of_note })
}

/// The data gate's verdict on what was read.
pub fn verdict<S>(loaded: &Loaded<S>, rules: &GateRules) -> Verdict {
    gate::check(&GateInput {
        files: &loaded.files,
        quarantine: &loaded.quarantine,
        unread: &loaded.unread,
        as_of: loaded.options.as_of,
        rules,
    })
}

/// The gate's verdict, or the refusal when it failed and `force` is off.
pub fn gate<S>(loaded: &Loaded<S>, rules: &GateRules, force: bool) -> Result<Verdict, PipelineError> {
    let verdict = verdict(loaded, rules);
    if verdict.passed() || force { Ok(verdict) } else { Err(PipelineError::Refused(verdict)) }
}

/// Fails, before any work, when `out` cannot be written: it is a file, or
/// its nearest existing folder does not let us create files.
pub fn check_writable(out: &Path) -> Result<(), PipelineError> {
    let unwritable = |reason: String| PipelineError::Unwritable { path: out.to_path_buf(), reason };
    let mut dir = out;
    while !dir.exists() {
        match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => dir = p,
            _ => return Ok(()),
        }
    }
    if !dir.is_dir() {
        let what =
            if dir == out { "it is a file, not a folder".to_string() } else { format!("{} is a file", dir.display()) };
        return Err(unwritable(format!("cannot write the reports there: {what}")));
    }
    let probe = dir.join(format!(".riskrank-probe-{}", std::process::id()));
    match std::fs::File::create(&probe) {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(e) => Err(unwritable(format!("cannot write the reports there ({e})"))),
    }
}

/// The input files as the model file records them (hashed while read).
pub fn input_digests(files: &[ingest::FileReport]) -> Vec<InputDigest> {
    files
        .iter()
        .map(|f| InputDigest { file: f.file_name(), sha256: f.sha256.clone(), rows_accepted: f.accepted })
        .collect()
}

/// A truth file (the generator's `truth.csv`), read only when one is given.
pub fn truth_from(path: Option<&Path>) -> Result<Option<Truth>, ExportError> {
    path.map(truth::read).transpose()
}
