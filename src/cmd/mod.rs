//! The command-line interface: one file per subcommand, each with an
//! `Args` struct and a `run` function that calls one `pipeline` job and
//! prints its outcome. Library errors get file-level context here
//! (`anyhow`), nowhere else. The arguments every data command shares are
//! [`DataArgs`]; they resolve, with the config file, to [`Settings`]. The
//! default paths are the constants below; the tables printed are in
//! `tables`. A command returns its [`Status`], which is the exit code.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::{Parser, Subcommand};

use riskrank::config::{self, Config};
use riskrank::ingest::LoadOptions;
use riskrank::pipeline::Source;
use riskrank::schema::Month;

pub mod backtest;
pub mod convert;
pub mod develop;
pub mod generate;
pub mod import;
pub mod init;
pub mod models;
pub mod osha;
mod progress;
pub mod report;
pub mod run;
mod tables;
pub mod train;
pub mod validate;

/// The data folder commands read when neither a flag nor the config names one: the bundled sample.
pub const DEFAULT_DATA: &str = "data-samples";
/// The model file the monthly run tries first (relative to the working folder, then to the project).
pub const DEFAULT_MODEL: &str = "models/default.json";
/// Where month folders are written.
pub const DEFAULT_OUT: &str = "reports";

/// The exit codes, as `--help` and the README describe them.
const EXIT_CODES: &str = "Exit codes: 0 success; 1 success, but with warnings to read (printed as `warning:`: a run \
forced past the data gate, a model trained because the default did not fit, departments left unranked, rates \
unavailable, ignored columns; or `validate` finding data the gate would refuse); 2 refused or failed, nothing \
written.";

/// Workplace-safety risk analytics: load injury, claims and exposure
/// records, validate them, and rank departments by predicted risk.
#[derive(Debug, Parser)]
#[command(name = "riskrank", version, about, long_about = None, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The data folder, the month it is read as of and the config file,
/// shared by every command that reads a data folder.
#[derive(Debug, Clone, clap::Args)]
pub struct DataArgs {
    /// The data folder (injuries.csv, claims.csv, exposure.csv, departments.csv; each may be .csv.gz or .parquet).
    /// Default: the config's `[defaults] data`, else data-samples.
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// The month the data is as of (YYYY-MM): later dates are quarantined and the panel ends there.
    /// Default: dates may not be after today, and the panel ends at the latest month in the data.
    #[arg(long, value_name = "YYYY-MM")]
    pub as_of: Option<Month>,
    /// The config file. Default: riskrank.toml in the data folder, if there is one.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// What a command runs with: the data folder and the config's settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub data: PathBuf,
    pub as_of: Option<Month>,
    pub config: Config,
    /// The config file read, if any.
    pub config_path: Option<PathBuf>,
}

impl DataArgs {
    /// The data folder and the config: `--config`, else the data folder's
    /// riskrank.toml. A config given with `--config` may name the folder.
    pub fn settings(&self) -> anyhow::Result<Settings> {
        let explicit = match &self.config {
            Some(path) => Some(Config::load(path)?),
            None => None,
        };
        let data = self
            .data
            .clone()
            .or_else(|| explicit.as_ref().and_then(|c| c.defaults.data.clone()))
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA));
        let (config, config_path) = match explicit {
            Some(c) => (c, self.config.clone()),
            None => {
                let found = config::find(None, &data)?;
                (found.config, found.path)
            }
        };
        Ok(Settings { data, as_of: self.as_of, config, config_path })
    }
}

impl Settings {
    /// The data folder as a pipeline reads it.
    pub fn source(&self, force: bool) -> Source {
        Source {
            data: self.data.clone(),
            load: LoadOptions::new(self.as_of).with_config(&self.config),
            rules: self.config.gate,
            force,
        }
    }

    /// `--out`, else the config's, else `reports`.
    pub fn out(&self, flag: Option<PathBuf>) -> PathBuf {
        flag.or_else(|| self.config.defaults.out.clone()).unwrap_or_else(|| PathBuf::from(DEFAULT_OUT))
    }

    /// Where the default model is looked for: the config's, else
    /// `models/default.json` in the working folder, then in the project
    /// riskrank was built from (so a run from another folder finds it).
    pub fn default_models(&self) -> Vec<PathBuf> {
        match &self.config.defaults.model {
            Some(p) => vec![p.clone()],
            None => {
                let project = Path::new(env!("CARGO_MANIFEST_DIR")).join(DEFAULT_MODEL);
                let mut out = vec![PathBuf::from(DEFAULT_MODEL)];
                if project.canonicalize().ok() != Path::new(DEFAULT_MODEL).canonicalize().ok() {
                    out.push(project);
                }
                out
            }
        }
    }

    /// A context line for errors: the data folder, and the config if one was read.
    pub fn describe(&self) -> String {
        match &self.config_path {
            Some(c) => format!("{} (config {})", self.data.display(), c.display()),
            None => self.data.display().to_string(),
        }
    }
}

/// How a command ended, and so its exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Exit 0.
    Clean,
    /// Exit 1: done, with warnings the user should read.
    Warnings,
    /// Exit 2 with the files written: `osha` found errors in what would be uploaded.
    Errors,
}

impl Status {
    pub fn from_warnings(warnings: &[String]) -> Status {
        if warnings.is_empty() { Status::Clean } else { Status::Warnings }
    }

    pub fn code(self) -> i32 {
        match self {
            Status::Clean => 0,
            Status::Warnings => 1,
            Status::Errors => 2,
        }
    }
}

/// Prints each warning on its own line.
pub fn print_warnings(warnings: &[String]) {
    for w in warnings {
        eprintln!("warning: {w}");
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The monthly job: validate, check the data gate, model, score, rank, write the reports.
    #[command(after_help = run::EXAMPLES)]
    Run(run::Args),
    /// Only ranking.csv (and the manifest).
    #[command(after_help = run::RANK_EXAMPLES)]
    Rank(run::Args),
    /// Rebuild the reports of a month's run from its ranking.csv and manifest.
    #[command(after_help = report::EXAMPLES)]
    Report(report::Args),
    /// Validate a data folder: per-file table, the data gate's verdict, quarantine files and panel.csv.
    #[command(after_help = validate::EXAMPLES)]
    Validate(validate::Args),
    /// Write a data folder's CSV files as Parquet (each may be read as <file>.parquet).
    #[command(after_help = convert::EXAMPLES)]
    Convert(convert::Args),
    /// Write a commented riskrank.toml with every setting at its default.
    #[command(after_help = init::EXAMPLES)]
    Init(init::Args),
    /// Write a synthetic data set with known ground truth.
    #[command(after_help = generate::EXAMPLES)]
    Generate(generate::Args),
    /// Map a real public dataset onto the data contract.
    #[command(after_help = import::EXAMPLES)]
    Import(import::Args),
    /// Train the models on a data folder, backtest them, write the model file.
    #[command(after_help = train::EXAMPLES)]
    Train(train::Args),
    /// Rolling-origin backtest of the models against the baselines.
    #[command(after_help = backtest::EXAMPLES)]
    Backtest(backtest::Args),
    /// The year's OSHA 300A summary and ITA upload file, pre-validated (confidential).
    #[command(after_help = osha::EXAMPLES)]
    Osha(osha::Args),
    /// Claim development on a long triangle CSV: factors, chain ladder with Mack's errors, BF, Cape Cod.
    #[command(after_help = develop::EXAMPLES)]
    Develop(develop::Args),
    /// Inspect model files.
    #[command(after_help = models::EXAMPLES)]
    Models(models::Args),
}

pub fn run(cli: Cli) -> anyhow::Result<Status> {
    use riskrank::pipeline::run::Mode;
    match cli.command {
        Command::Run(args) => run::run(args, Mode::Full),
        Command::Rank(args) => run::run(args, Mode::RankingOnly),
        Command::Report(args) => report::run(args),
        Command::Validate(args) => validate::run(args),
        Command::Convert(args) => convert::run(args),
        Command::Init(args) => init::run(args),
        Command::Generate(args) => generate::run(args).map(|()| Status::Clean),
        Command::Import(args) => import::run(args).map(|()| Status::Clean),
        Command::Train(args) => train::run(args),
        Command::Backtest(args) => backtest::run(args),
        Command::Models(args) => models::run(args).map(|()| Status::Clean),
        Command::Osha(args) => osha::run(args),
        Command::Develop(args) => develop::run(args),
    }
}

/// The context for a job's error: what failed, and that nothing was written.
pub fn failed(what: &str, settings: &Settings) -> String {
    format!("{what} on {} failed; nothing was written", settings.describe())
}

/// Used by `with_context` in the commands.
pub fn context<T, E>(result: Result<T, E>, what: &str, settings: &Settings) -> anyhow::Result<T>
where
    E: std::error::Error + Send + Sync + 'static,
{
    result.with_context(|| failed(what, settings))
}
