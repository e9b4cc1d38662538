//! `backtest`: read a data folder once, through the data gate, and run the
//! rolling-origin backtest of the models against the baselines (and a
//! generator's truth file, when one is given); the table is written to
//! `<out>/<month>/backtest.csv`.

use std::path::{Path, PathBuf};

use super::{PipelineError, Read, Source, truth_from};
use crate::export::{Keep, StagedFolder, backtest as backtest_csv};
use crate::model::backtest::{self, BacktestParams, BacktestReport};
use crate::panel::{Panel, PanelBuilder};

/// A data folder read for a backtest, before it runs (so the caller can
/// size a progress bar from the panel).
pub struct Prepared {
    pub panel: Panel,
    /// What the user should read: an inferred as-of month, a forced gate.
    pub warnings: Vec<String>,
    truth: Option<backtest::Truth>,
}

/// Reads `source` up to its as-of month, and `truth` when given.
pub fn prepare(source: &Source, truth: Option<&Path>) -> Result<Prepared, PipelineError> {
    let (Read { panel, as_of_note, .. }, verdict) = source.read(PanelBuilder::new(source.load.limits.claim_cap()))?;
    let warnings = as_of_note.into_iter().chain(verdict.forced_warnings()).collect();
    Ok(Prepared { panel, warnings, truth: truth_from(truth)? })
}

/// Runs the backtest and writes its table under `out`; returns the report
/// and the path written.
pub fn run(
    prepared: &Prepared,
    params: &BacktestParams,
    out: &Path,
    progress: &(dyn Fn() + Sync),
) -> Result<(BacktestReport, PathBuf), PipelineError> {
    let report =
        backtest::run(&prepared.panel, prepared.truth.as_ref(), params, progress).map_err(PipelineError::Backtest)?;
    let dir = out.join(prepared.panel.end.to_string());
    let _lock = crate::export::lock(out)?;
    let mut folder = StagedFolder::new(&dir, Keep::Others)?;
    folder.add(backtest_csv::FILE, &report)?;
    folder.add(backtest_csv::COST_FILE, &backtest_csv::CostTable(&report.cost))?;
    folder.publish()?;
    Ok((report, dir.join(backtest_csv::FILE)))
}
