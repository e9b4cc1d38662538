//! `riskrank backtest`: rolling-origin backtest of the models against the
//! baselines; prints the metrics table and writes it as CSV.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context as _;

use riskrank::model::backtest::{self, BacktestParams};
use riskrank::pipeline::backtest as job;

use super::{DEFAULT_OUT, DataArgs};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The data folder (a `truth.csv` there adds the oracle) and its as-of month.
    #[command(flatten)]
    pub data: DataArgs,
    /// Origin months per horizon.
    #[arg(long, default_value_t = 24)]
    pub origins: u32,
    /// L2 penalty on the pooled GLM's corrections to the structural rate.
    #[arg(long, default_value_t = riskrank::model::frequency::TrainParams::default().ridge)]
    pub ridge: f64,
    /// Where to write; the table goes to <out>/<month>/backtest.csv.
    #[arg(long, default_value = DEFAULT_OUT)]
    pub out: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let DataArgs { data, as_of } = &args.data;
    let prepared =
        job::prepare(data, *as_of).with_context(|| format!("cannot read the data folder {}", data.display()))?;
    let mut params = BacktestParams { origins: args.origins, ..BacktestParams::default() };
    params.train.ridge = args.ridge;
    let bar = super::progress::bar(backtest::origin_count(&prepared.panel, &params), "backtest");
    let start = Instant::now();
    let (report, path) = job::run(&prepared, &params, &args.out, &|| bar.inc(1))?;
    bar.finish_and_clear();
    println!("{} folds in {:.2} s", report.folds, start.elapsed().as_secs_f64());
    super::tables::print_backtest(&report);
    println!("wrote {}", path.display());
    Ok(())
}
