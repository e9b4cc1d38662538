//! `riskrank validate`: read a data folder, print the per-file account,
//! and write the quarantine files, `panel.csv`, `mix.csv` and
//! `validation.json`.

use std::path::PathBuf;

use anyhow::Context as _;

use riskrank::pipeline::validate;

use super::{DEFAULT_OUT, DataArgs};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub data: DataArgs,
    /// Where to write; the files go to <out>/<month>/.
    #[arg(long, default_value = DEFAULT_OUT)]
    pub out: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let DataArgs { data, as_of } = &args.data;
    let v = validate::validate(data, *as_of, &args.out)
        .with_context(|| format!("cannot validate the data folder {}", data.display()))?;
    super::tables::print_validation(&v.files);
    for warning in &v.warnings {
        eprintln!("warning: {warning}");
    }
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
    Ok(())
}
