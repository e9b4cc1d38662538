//! `backtest`: read a data folder once and run the rolling-origin backtest
//! of the models against the baselines (and the generator's truth, when
//! the folder has one); the table is written to `<out>/<month>/backtest.csv`.

use std::path::{Path, PathBuf};

use super::{PipelineError, Read, truth_in};
use crate::export::{Keep, StagedFolder, backtest as backtest_csv};
use crate::model::backtest::{self, BacktestParams, BacktestReport};
use crate::panel::{Panel, PanelBuilder};
use crate::schema::Month;

/// A data folder read for a backtest, before it runs (so the caller can
/// size a progress bar from the panel).
pub struct Prepared {
    pub panel: Panel,
    truth: Option<backtest::Truth>,
}

/// Reads `data` up to `as_of`.
pub fn prepare(data: &Path, as_of: Option<Month>) -> Result<Prepared, PipelineError> {
    let Read { panel, .. } = super::read(data, as_of, PanelBuilder::default())?;
    Ok(Prepared { panel, truth: truth_in(data)? })
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
    let mut folder = StagedFolder::new(&dir, Keep::Others)?;
    folder.add(backtest_csv::FILE, &report)?;
    folder.publish()?;
    Ok((report, dir.join(backtest_csv::FILE)))
}
