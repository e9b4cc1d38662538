//! `riskrank init`: write the commented config template.

use std::path::PathBuf;

use anyhow::Context as _;

use riskrank::config::{FILE, TEMPLATE};
use riskrank::export::write_atomic;

use super::Status;

pub const EXAMPLES: &str = "Examples:
  riskrank init                          writes data-samples/riskrank.toml
  riskrank init --data exports           writes exports/riskrank.toml, found there by every command";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The data folder the config is for; it is written there as riskrank.toml.
    #[arg(long, default_value = super::DEFAULT_DATA)]
    pub data: PathBuf,
    /// Overwrite an existing riskrank.toml.
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: Args) -> anyhow::Result<Status> {
    let path = args.data.join(FILE);
    if path.exists() && !args.force {
        anyhow::bail!("{}: already exists; pass --force to overwrite it", path.display());
    }
    if !args.data.is_dir() {
        anyhow::bail!("{}: no such data folder", args.data.display());
    }
    write_atomic(&path, TEMPLATE.as_bytes()).with_context(|| "cannot write the config template")?;
    println!("wrote {} (every setting at its default; edit what differs)", path.display());
    Ok(Status::Clean)
}
