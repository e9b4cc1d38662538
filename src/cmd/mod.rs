//! The command-line interface: one file per subcommand, each with an
//! `Args` struct and a `run` function. Library errors get file-level
//! context here (`anyhow`), nowhere else.

use clap::{Parser, Subcommand};

pub mod backtest;
pub mod generate;
pub mod import;
pub mod models;
mod progress;
pub mod run;
pub mod train;
pub mod validate;

/// Workplace-safety risk analytics: load injury, claims and exposure
/// records, validate them, and build the department-month panel.
#[derive(Debug, Parser)]
#[command(name = "riskrank", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
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
    match cli.command {
        Command::Run(args) => run::run(args, riskrank::run::Mode::Full),
        Command::Rank(args) => run::run(args, riskrank::run::Mode::RankingOnly),
        Command::Report(args) => run::run(args, riskrank::run::Mode::ReportsOnly),
        Command::Validate(args) => validate::run(args),
        Command::Generate(args) => generate::run(args),
        Command::Import(args) => import::run(args),
        Command::Train(args) => train::run(args),
        Command::Backtest(args) => backtest::run(args),
        Command::Models(args) => models::run(args),
    }
}
