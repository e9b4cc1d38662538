//! `riskrank backtest`: rolling-origin backtest of the models against the
//! baselines; prints the metrics table and writes it as CSV.

use std::path::PathBuf;
use std::time::Instant;

use riskrank::model::backtest::{self, BacktestParams};
use riskrank::pipeline::backtest as job;

use super::{DataArgs, Status};

pub const EXAMPLES: &str = "Examples:
  riskrank backtest --data exports/2025-12
  riskrank backtest --data /tmp/synthetic --truth /tmp/synthetic/truth.csv   adds the oracle (generated data)";

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub data: DataArgs,
    /// A generator's truth.csv: adds the oracle and the rank correlation with the true rates.
    #[arg(long, value_name = "FILE")]
    pub truth: Option<PathBuf>,
    /// Origin months per horizon.
    #[arg(long, default_value_t = 24)]
    pub origins: u32,
    /// L2 penalty on the pooled GLM's corrections to the structural rate.
    #[arg(long, default_value_t = riskrank::model::frequency::TrainParams::default().ridge)]
    pub ridge: f64,
    /// Where to write; the table goes to <out>/<month>/backtest.csv. Default: the config's, else reports.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Run even when the data gate refuses the data.
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: Args) -> anyhow::Result<Status> {
    let settings = args.data.settings()?;
    let out = settings.out(args.out.clone());
    riskrank::pipeline::check_writable(&out)?;
    let prepared =
        super::context(job::prepare(&settings.source(args.force), args.truth.as_deref()), "the backtest", &settings)?;
    let mut params = BacktestParams { origins: args.origins, ..BacktestParams::default() };
    params.train.ridge = args.ridge;
    let bar = super::progress::bar(backtest::origin_count(&prepared.panel, &params), "backtest");
    let start = Instant::now();
    let (report, path) = job::run(&prepared, &params, &out, &|| bar.inc(1))?;
    bar.finish_and_clear();
    println!("{} folds in {:.2} s", report.folds, start.elapsed().as_secs_f64());
    super::tables::print_backtest(&report);
    println!("wrote {}", path.display());
    let warnings = &prepared.warnings;
    super::print_warnings(warnings);
    Ok(Status::from_warnings(warnings))
}
