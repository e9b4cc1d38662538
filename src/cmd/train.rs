//! `riskrank train`: fit the frequency, cost and triage models on a data
//! folder, backtest them, and write the model file (a new one: an
//! existing file is only replaced with `--force`).

use std::path::{Path, PathBuf};
use std::time::Instant;

use riskrank::export::model_file;
use riskrank::model::TrainOptions;
use riskrank::model::backtest::BacktestParams;
use riskrank::model::frequency::TrainParams;
use riskrank::pipeline::{self, train};

use super::{DataArgs, Status};

pub const EXAMPLES: &str = "Examples:
  riskrank train --data exports/city                    writes models/city-<last month>.json (a new file)
  riskrank train --data exports --out models/city.json --force     replaces models/city.json
  riskrank train --data /tmp/synthetic --truth /tmp/synthetic/truth.csv --no-backtest";

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub data: DataArgs,
    /// Where to write the model file. Default: models/<data folder>-<last month>.json.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace an existing model file, and train even when the data gate refuses the data.
    #[arg(long)]
    pub force: bool,
    /// A generator's truth.csv, to score the backtest against the true rates.
    #[arg(long, value_name = "FILE")]
    pub truth: Option<PathBuf>,
    /// Origin months in the training set.
    #[arg(long, default_value_t = TrainParams::default().origins)]
    pub origins: u32,
    /// L2 penalty on the GLM slopes.
    #[arg(long, default_value_t = TrainParams::default().ridge)]
    pub ridge: f64,
    /// Skip the backtest (faster; the model file then has no metrics).
    #[arg(long)]
    pub no_backtest: bool,
    /// Keep the default structural hyperparameters instead of choosing them
    /// by the rolling-origin search on this data (recorded in the model file).
    #[arg(long)]
    pub no_search: bool,
}

pub fn run(args: Args) -> anyhow::Result<Status> {
    let settings = args.data.settings()?;
    if let Some(out) = &args.out {
        refuse_overwrite(out, args.force)?;
    }
    pipeline::check_writable(args.out.as_deref().and_then(Path::parent).unwrap_or(Path::new("models")))?;
    let params = TrainParams { origins: args.origins, ridge: args.ridge, ..TrainParams::default() };
    let options =
        TrainOptions { params, backtest: (!args.no_backtest).then(BacktestParams::default), search: !args.no_search };
    let start = Instant::now();
    let bar = super::progress::bar(0, "backtest");
    let trained = train::train(&settings.source(args.force), args.truth.as_deref(), &options, &|| bar.inc(1));
    let (file, panel, warnings) = super::context(trained, "training", &settings)?;
    bar.finish_and_clear();
    let out = args.out.unwrap_or_else(|| default_out(&settings.data, &file.training_window.cutoff.to_string()));
    refuse_overwrite(&out, args.force)?;
    model_file::save(&file, &out)?;
    println!(
        "trained on {} departments, {} to {} ({} training rows) in {:.2} s",
        panel.departments.len(),
        file.training_window.first_origin,
        file.training_window.cutoff,
        file.model.training_rows,
        start.elapsed().as_secs_f64()
    );
    if let Some(report) = &file.backtest {
        super::tables::print_backtest(report);
    }
    println!("wrote {}", out.display());
    super::print_warnings(&warnings);
    Ok(Status::from_warnings(&warnings))
}

/// `models/<data folder's name>-<month>.json`.
fn default_out(data: &Path, month: &str) -> PathBuf {
    let name = data.canonicalize().ok().and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()));
    let stem = riskrank::export::department::file_stem(&name.unwrap_or_else(|| "model".to_string()));
    PathBuf::from("models").join(format!("{stem}-{month}.json"))
}

fn refuse_overwrite(path: &Path, force: bool) -> anyhow::Result<()> {
    if path.exists() && !force {
        return Err(pipeline::PipelineError::Exists(path.to_path_buf()).into());
    }
    Ok(())
}
