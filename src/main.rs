//! The `riskrank` binary: parse the command line, run one subcommand,
//! print errors plainly and exit 2 on failure.

use clap::Parser;

mod cmd;

fn main() {
    let cli = cmd::Cli::parse();
    if let Err(err) = cmd::run(cli) {
        eprintln!("error: {err:#}");
        std::process::exit(2);
    }
}
