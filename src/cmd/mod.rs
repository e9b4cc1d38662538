//! The command-line interface: one file per subcommand, each with an
//! `Args` struct and a `run` function that calls one `pipeline` job and
//! prints its outcome. Library errors get file-level context here
//! (`anyhow`), nowhere else. The arguments every data command shares are
//! [`DataArgs`]; the default paths are the constants below; the tables
//! printed are in `tables`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use riskrank::schema::Month;

pub mod backtest;
pub mod generate;
pub mod import;
pub mod models;
mod progress;
pub mod run;
mod tables;
pub mod train;
pub mod validate;

/// The data folder commands read when none is given: the bundled sample.
pub const DEFAULT_DATA: &str = "data-samples";
/// The model file the monthly run tries first, and `train` writes.
pub const DEFAULT_MODEL: &str = "models/default.json";
/// Where month folders are written.
pub const DEFAULT_OUT: &str = "reports";

/// Workplace-safety risk analytics: load injury, claims and exposure
/// records, validate them, and build the department-month panel.
#[derive(Debug, Parser)]
#[command(name = "riskrank", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The data folder and the month it is read as of, shared by every
/// command that reads one.
#[derive(Debug, Clone, clap::Args)]
pub struct DataArgs {
    /// The data folder (injuries.csv, claims.csv, exposure.csv, departments.csv; each may be .csv.gz).
    #[arg(long, default_value = DEFAULT_DATA)]
    pub data: PathBuf,
    /// The month the data is as of (YYYY-MM): later dates are quarantined and the panel ends there.
    /// Default: dates may not be after today, and the panel ends at the latest month in the data.
    #[arg(long, value_name = "YYYY-MM")]
    pub as_of: Option<Month>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The monthly job: validate, model, score, rank, write the reports.
    Run(run::Args),
    /// Only ranking.csv (and the manifest).
    Rank(run::Args),
    /// The reports from the ranking.csv already in the month's folder.
    Report(run::Args),
    /// Validate a data folder: per-file table, quarantine files and panel.csv.
    Validate(validate::Args),
    /// Write a synthetic data set with known ground truth.
    Generate(generate::Args),
    /// Map a real public dataset onto the data contract.
    Import(import::Args),
    /// Train the models on a data folder, backtest them, write the model file.
    Train(train::Args),
    /// Rolling-origin backtest of the models against the baselines.
    Backtest(backtest::Args),
    /// Inspect model files.
    Models(models::Args),
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    use riskrank::pipeline::run::Mode;
    match cli.command {
        Command::Run(args) => run::run(args, Mode::Full),
        Command::Rank(args) => run::run(args, Mode::RankingOnly),
        Command::Report(args) => run::run(args, Mode::ReportsOnly),
        Command::Validate(args) => validate::run(args),
        Command::Generate(args) => generate::run(args),
        Command::Import(args) => import::run(args),
        Command::Train(args) => train::run(args),
        Command::Backtest(args) => backtest::run(args),
        Command::Models(args) => models::run(args),
    }
}
