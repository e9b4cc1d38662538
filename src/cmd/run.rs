//! `riskrank run` and `riskrank rank`: the monthly job, or its ranking
//! alone.

use std::path::PathBuf;
use std::time::Instant;

use riskrank::pipeline::run::{self, Mode, RunOptions, RunOutcome};

use super::{DataArgs, Status};

pub const EXAMPLES: &str = "Examples:
  riskrank run                                   the bundled sample, as of its last month
  riskrank run --data exports/2025-12 --as-of 2025-12 --out reports
  riskrank run --data exports/2025-12 --force    run although the data gate refuses (reports carry the warning)";

pub const RANK_EXAMPLES: &str = "Examples:
  riskrank rank --data exports/2025-12           ranking.csv and manifest.json only
  riskrank rank --horizon 6 --out /tmp/ranks";

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub data: DataArgs,
    /// The model file. Default: the config's, else models/default.json (here, then in the project) when it
    /// fits the data, else a model trained on the data and saved as <out>/<month>/model.json.
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Months predicted after the as-of month. Default: the config's, else 12.
    #[arg(long)]
    pub horizon: Option<u32>,
    /// Where the month's folder is written. Default: the config's, else reports.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Run even when the data gate refuses the data; every report then carries the warning.
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: Args, mode: Mode) -> anyhow::Result<Status> {
    let settings = args.data.settings()?;
    let opts = RunOptions {
        data: settings.data.clone(),
        model: args.model,
        default_models: settings.default_models(),
        as_of: settings.as_of,
        horizon: args.horizon.unwrap_or(settings.config.defaults.horizon),
        out: settings.out(args.out),
        mode,
        config: settings.config.clone(),
        force: args.force,
    };
    let start = Instant::now();
    let bar = super::progress::spinner();
    let outcome = run::run(&opts, &|stage| bar.set_message(stage.to_string()));
    bar.finish_and_clear();
    let outcome = super::context(outcome, "the run", &settings)?;
    Ok(print_outcome(&outcome, start))
}

/// The account, the warnings, the model and the top of the ranking.
pub fn print_outcome(outcome: &RunOutcome, start: Instant) -> Status {
    super::tables::print_validation(&outcome.files, Some(&outcome.verdict));
    super::tables::print_unread(&outcome.unread);
    super::print_warnings(&outcome.warnings);
    println!("{}", outcome.model_note);
    super::tables::print_ranking(&outcome.ranking);
    println!(
        "\nwrote {} files to {} in {:.1} s",
        outcome.outputs.len(),
        outcome.dir.display(),
        start.elapsed().as_secs_f64()
    );
    Status::from_warnings(&outcome.warnings)
}
