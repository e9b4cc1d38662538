//! `riskrank report`: rebuild the reports of a month's run from its
//! ranking and manifest, with the data, model and settings that run used.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context as _;

use riskrank::config::Config;
use riskrank::pipeline::report::{self, ReportOptions};
use riskrank::schema::Month;

use super::{DEFAULT_OUT, Status};

pub const EXAMPLES: &str = "Examples:
  riskrank report                       the latest month under reports/
  riskrank report --month 2025-11 --out reports
Flags that contradict the recorded run (another --data, --horizon, --model or --config) are refused:
use `riskrank run` to rank with other settings.";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder holding the month folders.
    #[arg(long, default_value = DEFAULT_OUT)]
    pub out: PathBuf,
    /// The month whose reports to rebuild. Default: the latest with a run.
    #[arg(long, value_name = "YYYY-MM", alias = "as-of")]
    pub month: Option<Month>,
    /// Must be the data folder the run read.
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Must be the run's horizon.
    #[arg(long)]
    pub horizon: Option<u32>,
    /// Must be the run's model file.
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Must hold the run's settings.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<Status> {
    let config = args.config.as_deref().map(Config::load).transpose()?;
    let opts = ReportOptions {
        out: args.out,
        month: args.month,
        data: args.data,
        horizon: args.horizon,
        model: args.model,
        config,
    };
    let start = Instant::now();
    let bar = super::progress::spinner();
    let outcome = report::report(&opts, &|stage| bar.set_message(stage.to_string()));
    bar.finish_and_clear();
    let outcome = outcome
        .with_context(|| format!("cannot rebuild the reports in {}; nothing was written", opts.out.display()))?;
    Ok(super::run::print_outcome(&outcome, start))
}
