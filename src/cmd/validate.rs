//! `riskrank validate`: read a data folder, print the per-file account,
//! and write the quarantine files, `panel.csv` and `mix.csv`.

use std::path::PathBuf;

use anyhow::Context as _;

use riskrank::codes::CodeTable;
use riskrank::ingest::{self, FileReport, LoadOptions};
use riskrank::panel::{Panel, PanelBuilder};
use riskrank::schema::Month;
use riskrank::validation;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The data folder (injuries.csv, claims.csv, exposure.csv, departments.csv; each may be .csv.gz).
    #[arg(long, default_value = "data-samples")]
    pub data: PathBuf,
    /// The month the data is as of (YYYY-MM): later dates are quarantined and the panel ends there.
    /// Default: dates may not be after today, and the panel ends at the latest month in the data.
    #[arg(long, value_name = "YYYY-MM")]
    pub as_of: Option<Month>,
    /// Where to write; the files go to <out>/<month>/.
    #[arg(long, default_value = "reports")]
    pub out: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let options = LoadOptions::new(args.as_of);
    let loaded = ingest::load(&args.data, &options, PanelBuilder::default())
        .with_context(|| format!("cannot validate the data folder {}", args.data.display()))?;
    let panel = Panel::build(&loaded, args.as_of);
    print_table(&loaded.files);
    for warning in validation::warnings(&loaded, &panel) {
        eprintln!("warning: {warning}");
    }
    let dir = args.out.join(panel.end.to_string());
    let written = validation::write(&dir, &loaded, &panel, CodeTable::builtin())
        .with_context(|| format!("cannot write the validation output to {}", dir.display()))?;
    println!(
        "\npanel: {} departments × {} months ({} to {})",
        panel.departments.len(),
        panel.months().count(),
        panel.start,
        panel.end
    );
    println!("wrote {} files to {}", written.len(), dir.display());
    if loaded.files.iter().any(|f| !f.balanced()) {
        anyhow::bail!("internal error: read ≠ accepted + quarantined for a file (see the table)");
    }
    Ok(())
}

pub fn print_table(files: &[FileReport]) {
    println!("{:<22} {:>10} {:>10} {:>12}  {:<5} top reasons", "file", "read", "accepted", "quarantined", "check");
    for f in files {
        let mut reasons: Vec<_> = f.reasons.iter().collect();
        reasons.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let top: Vec<String> = reasons.iter().take(3).map(|(r, n)| format!("{r} {n}")).collect();
        let check = if f.balanced() { "ok" } else { "FAIL" };
        println!(
            "{:<22} {:>10} {:>10} {:>12}  {:<5} {}",
            f.file_name(),
            f.read,
            f.accepted,
            f.quarantined,
            check,
            top.join(", ")
        );
    }
    println!("check: read = accepted + quarantined for every file");
}
