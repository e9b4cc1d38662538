//! `riskrank backtest`: rolling-origin backtest of the models against the
//! baselines; prints the metrics table and writes it as CSV.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context as _;

use riskrank::ingest::{self, LoadOptions};
use riskrank::model::backtest::{self, BacktestParams, BacktestReport, Truth};
use riskrank::panel::{Panel, PanelBuilder};
use riskrank::schema::Month;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The data folder (a `truth.csv` there adds the oracle).
    #[arg(long, default_value = "data-samples")]
    pub data: PathBuf,
    /// Backtest on data up to this month (YYYY-MM).
    #[arg(long, value_name = "YYYY-MM")]
    pub as_of: Option<Month>,
    /// Origin months per horizon.
    #[arg(long, default_value_t = 24)]
    pub origins: u32,
    /// L2 penalty on the pooled GLM's corrections to the structural rate.
    #[arg(long, default_value_t = riskrank::model::frequency::TrainParams::default().ridge)]
    pub ridge: f64,
    /// Where to write; the table goes to <out>/<month>/backtest.csv.
    #[arg(long, default_value = "reports")]
    pub out: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let loaded = ingest::load(&args.data, &LoadOptions::new(args.as_of), PanelBuilder::default())
        .with_context(|| format!("cannot read the data folder {}", args.data.display()))?;
    let panel = Panel::build(&loaded, args.as_of);
    let truth = Truth::load(&args.data).with_context(|| format!("cannot read {}/truth.csv", args.data.display()))?;
    let mut params = BacktestParams { origins: args.origins, ..BacktestParams::default() };
    params.train.ridge = args.ridge;
    let bar = super::progress::bar(backtest::origin_count(&panel, &params), "backtest");
    let start = Instant::now();
    let report = backtest::run(&panel, truth.as_ref(), &params, &|| bar.inc(1)).context("backtest failed")?;
    bar.finish_and_clear();
    println!("{} folds in {:.2} s", report.folds, start.elapsed().as_secs_f64());
    print_table(&report);
    let path = args.out.join(panel.end.to_string()).join("backtest.csv");
    let bytes = riskrank::output::csv_bytes(&report.metrics).context("cannot format backtest.csv")?;
    riskrank::output::write_atomic(&path, &bytes).with_context(|| format!("cannot write {}", path.display()))?;
    println!("wrote {}", path.display());
    Ok(())
}

fn num(v: f64) -> String {
    if v.is_finite() { format!("{v:.4}") } else { "-".into() }
}

/// The metrics table, one line per horizon and predictor.
pub fn print_table(report: &BacktestReport) {
    println!(
        "{:>3} {:<18} {:>6} {:>9} {:>9} {:>9} {:>9} {:>8} {:>8} {:>8} {:>6} {:>6} {:>6}",
        "h",
        "predictor",
        "rows",
        "deviance",
        "skill_t12",
        "skill_cty",
        "skill_ly",
        "mae",
        "rho_obs",
        "rho_true",
        "top5",
        "gini",
        "cov90"
    );
    for m in &report.metrics {
        println!(
            "{:>3} {:<18} {:>6} {:>9} {:>9} {:>9} {:>9} {:>8} {:>8} {:>8} {:>6} {:>6} {:>6}",
            m.horizon,
            m.predictor,
            m.rows,
            num(m.mean_deviance),
            num(m.skill_vs_trailing12),
            num(m.skill_vs_city),
            num(m.skill_vs_last_year),
            num(m.mae),
            num(m.spearman_observed),
            m.spearman_truth.map_or("-".into(), num),
            format!("{:.2}", m.top5_hit_rate),
            format!("{:.3}", m.gini),
            m.coverage_90.map_or("-".into(), |c| format!("{:.3}", c)),
        );
    }
    println!(
        "experience credibility lowers deviance: {}",
        if report.credibility_helps { "yes (ranking uses it)" } else { "no" }
    );
}
