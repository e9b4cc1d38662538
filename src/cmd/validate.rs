//! `riskrank validate`: read a data folder, print the per-file account and
//! the data gate's verdict, and write the quarantine files, `panel.csv`,
//! `mix.csv` and `validation.json`.

use std::path::PathBuf;

use riskrank::pipeline::validate;

use super::{DataArgs, Status};

pub const EXAMPLES: &str = "Examples:
  riskrank validate --data exports/2025-12         what the run would accept, and what the gate would say
  riskrank validate --data exports --config exports/riskrank.toml --out /tmp/check
Exits 1 when the data gate would refuse the data (the files are still written).";

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub data: DataArgs,
    /// Where to write; the files go to <out>/<month>/. Default: the config's, else reports.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<Status> {
    let settings = args.data.settings()?;
    let out = settings.out(args.out);
    let v = super::context(validate::validate(&settings.source(false), &out), "validating", &settings)?;
    super::tables::print_validation(&v.files, Some(&v.verdict));
    super::tables::print_unread(&v.unread);
    super::print_warnings(&v.warnings);
    println!(
        "\npanel: {} departments × {} months ({} to {})",
        v.panel.departments.len(),
        v.panel.months().count(),
        v.panel.start,
        v.panel.end
    );
    println!("wrote {} files to {}", v.written.len(), v.dir.display());
    if v.files.iter().any(|f| !f.balanced()) {
        anyhow::bail!("internal error: read ≠ accepted + quarantined for a file (see the table)");
    }
    let mut attention = v.warnings.clone();
    attention.extend(v.verdict.findings.iter().map(|f| f.message.clone()));
    Ok(Status::from_warnings(&attention))
}
