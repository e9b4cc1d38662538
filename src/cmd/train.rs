//! `riskrank train`: fit the frequency, cost and triage models on a data
//! folder, backtest them, and write the model file.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context as _;

use riskrank::model::backtest::BacktestParams;
use riskrank::model::frequency::TrainParams;
use riskrank::model::{self, TrainOptions};
use riskrank::schema::Month;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The data folder.
    #[arg(long, default_value = "data-samples")]
    pub data: PathBuf,
    /// Train on data up to this month (YYYY-MM); default: the latest month in the data.
    #[arg(long, value_name = "YYYY-MM")]
    pub as_of: Option<Month>,
    /// Where to write the model file.
    #[arg(long, default_value = "models/default.json")]
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
    let options =
        TrainOptions { as_of: args.as_of, params, backtest: (!args.no_backtest).then(BacktestParams::default) };
    let start = Instant::now();
    let bar = super::progress::bar(0, "backtest");
    let (file, panel) = model::train_folder(&args.data, &options, &|| bar.inc(1))
        .with_context(|| format!("cannot train on {}", args.data.display()))?;
    bar.finish_and_clear();
    file.save(&args.out).with_context(|| format!("cannot write {}", args.out.display()))?;
    println!(
        "trained on {} departments, {} to {} ({} training rows) in {:.2} s",
        panel.departments.len(),
        file.training_window.first_origin,
        file.training_window.cutoff,
        file.model.training_rows,
        start.elapsed().as_secs_f64()
    );
    if let Some(report) = &file.backtest {
        super::backtest::print_table(report);
    }
    println!("wrote {}", args.out.display());
    Ok(())
}
