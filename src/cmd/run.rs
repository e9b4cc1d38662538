//! `riskrank run`, `riskrank rank` and `riskrank report`: the monthly job,
//! or its ranking alone, or its reports from an existing ranking.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context as _;

use riskrank::pipeline::run::{self, Mode, RunOptions};

use super::{DEFAULT_MODEL, DEFAULT_OUT, DataArgs};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub data: DataArgs,
    /// The model file. Default: models/default.json when it fits the data,
    /// else a model trained on the data (saved beside the reports in the manifest).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Months predicted after the as-of month.
    #[arg(long, default_value_t = 12)]
    pub horizon: u32,
    /// Where the month's folder is written.
    #[arg(long, default_value = DEFAULT_OUT)]
    pub out: PathBuf,
}

pub fn run(args: Args, mode: Mode) -> anyhow::Result<()> {
    let opts = RunOptions {
        data: args.data.data.clone(),
        model: args.model,
        default_model: PathBuf::from(DEFAULT_MODEL),
        as_of: args.data.as_of,
        horizon: args.horizon,
        out: args.out,
        mode,
    };
    let start = Instant::now();
    let bar = super::progress::spinner();
    let outcome = run::run(&opts, &|stage| bar.set_message(stage.to_string()));
    bar.finish_and_clear();
    let outcome = outcome.with_context(|| format!("the run on {} failed; nothing was written", opts.data.display()))?;
    super::tables::print_validation(&outcome.files);
    for w in &outcome.warnings {
        eprintln!("warning: {w}");
    }
    println!("{}", outcome.model_note);
    super::tables::print_ranking(&outcome.ranking);
    println!(
        "\nwrote {} files to {} in {:.1} s",
        outcome.outputs.len(),
        outcome.dir.display(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
