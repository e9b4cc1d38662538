//! `riskrank train`: fit the frequency, cost and triage models on a data
//! folder, backtest them, and write the model file.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context as _;

use riskrank::export::model_file;
use riskrank::model::TrainOptions;
use riskrank::model::backtest::BacktestParams;
use riskrank::model::frequency::TrainParams;
use riskrank::pipeline::train;

use super::{DEFAULT_MODEL, DataArgs};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub data: DataArgs,
    /// Where to write the model file.
    #[arg(long, default_value = DEFAULT_MODEL)]
    pub out: PathBuf,
    /// Origin months in the training set.
    #[arg(long, default_value_t = TrainParams::default().origins)]
    pub origins: u32,
    /// L2 penalty on the GLM slopes.
    #[arg(long, default_value_t = TrainParams::default().ridge)]
    pub ridge: f64,
    /// Skip the backtest (faster; the model file then has no metrics).
    #[arg(long)]
    pub no_backtest: bool,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let params = TrainParams { origins: args.origins, ridge: args.ridge, ..TrainParams::default() };
    let options = TrainOptions { params, backtest: (!args.no_backtest).then(BacktestParams::default) };
    let start = Instant::now();
    let bar = super::progress::bar(0, "backtest");
    let DataArgs { data, as_of } = &args.data;
    let (file, panel) = train::train(data, *as_of, &options, &|| bar.inc(1))
        .with_context(|| format!("cannot train on {}", data.display()))?;
    bar.finish_and_clear();
    model_file::save(&file, &args.out)?;
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
    println!("wrote {}", args.out.display());
    Ok(())
}
