//! `riskrank run`, `riskrank rank` and `riskrank report`: the monthly job,
//! or its ranking alone, or its reports from an existing ranking.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context as _;

use riskrank::run::{self, Mode, RunOptions};
use riskrank::schema::Month;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The data folder.
    #[arg(long, default_value = "data-samples")]
    pub data: PathBuf,
    /// The model file. Default: models/default.json when it fits the data,
    /// else a model trained on the data (saved beside the reports in the manifest).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// The last month of data (YYYY-MM); default: the latest month in the data.
    #[arg(long, value_name = "YYYY-MM")]
    pub as_of: Option<Month>,
    /// Months predicted after the as-of month.
    #[arg(long, default_value_t = 12)]
    pub horizon: u32,
    /// Where the month's folder is written.
    #[arg(long, default_value = "reports")]
    pub out: PathBuf,
}

pub fn run(args: Args, mode: Mode) -> anyhow::Result<()> {
    let opts = RunOptions {
        data: args.data.clone(),
        model: args.model,
        default_model: PathBuf::from("models/default.json"),
        as_of: args.as_of,
        horizon: args.horizon,
        out: args.out,
        mode,
    };
    let start = Instant::now();
    let bar = super::progress::spinner();
    let outcome = run::run(&opts, &|stage| bar.set_message(stage.to_string()));
    bar.finish_and_clear();
    let outcome = outcome.with_context(|| format!("the run on {} failed; nothing was written", args.data.display()))?;
    super::validate::print_table(&outcome.files);
    for w in &outcome.warnings {
        eprintln!("warning: {w}");
    }
    println!("{}", outcome.model_note);
    let r = &outcome.ranking;
    let basis = if r.rated {
        "predicted recordable rate per 200,000 h"
    } else {
        "predicted cases (no hours: rates unavailable)"
    };
    println!("\nranking for the {} months after {} by {basis}:", r.horizon, r.as_of);
    for row in r.rows.iter().take(10) {
        let value = row.predicted_rate.map_or(format!("{:.1} cases", row.predicted_cases), |v| format!("{v:.2}"));
        println!("{:>3}. {:<28} {:>10}  {:<9} {}", row.rank, row.name, value, row.risk_tier.as_str(), row.top_driver);
    }
    if r.rows.len() > 10 {
        println!("     … {} more in ranking.csv", r.rows.len() - 10);
    }
    println!(
        "\nwrote {} files to {} in {:.1} s",
        outcome.outputs.len(),
        outcome.dir.display(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
