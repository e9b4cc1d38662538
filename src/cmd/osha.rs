//! `riskrank osha --year YYYY`: the year's OSHA Form 300A summary and the
//! ITA upload file, pre-validated, into `<out>/osha/<year>/`; the findings
//! printed as a table. Exit 0 clean, 1 warnings only, 2 errors (the files
//! are still written, so the findings can be read: do not upload).

use std::path::PathBuf;

use super::{DataArgs, Status};

pub const EXAMPLES: &str = "Examples:
  riskrank osha --year 2025 --data exports --out reports    writes reports/osha/2025/
Exits 2 when the pre-validation found errors (read ita_validation.csv; do not upload), 1 on warnings only.";

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub data: DataArgs,
    /// The calendar year of the forms (cases dated in it).
    #[arg(long, value_name = "YYYY")]
    pub year: i32,
    /// Where to write; the files go to <out>/osha/<year>/. Default: the config's, else reports.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<Status> {
    let settings = args.data.settings()?;
    let out = settings.out(args.out);
    let load = settings.source(false).load;
    let what = format!("making the OSHA files of {}", args.year);
    let done = super::context(riskrank::osha::run(&settings.data, &load, args.year, &out), &what, &settings)?;
    super::tables::print_validation(&done.loaded.files, None);
    println!("\n{:<12} {:<24} {:<8} problem / fix", "establishment", "field", "severity");
    for f in &done.findings {
        let severity = match f.severity {
            riskrank::osha::checks::Severity::Error => "ERROR",
            riskrank::osha::checks::Severity::Warning => "warning",
        };
        println!("{:<12} {:<24} {:<8} {} / {}", f.establishment, f.field, severity, f.problem, f.fix);
    }
    println!(
        "\n{} establishments; {} errors, {} warnings; wrote {} files to {} (confidential)",
        done.rows.len(),
        done.errors(),
        done.warnings(),
        done.written.len(),
        done.dir.display()
    );
    Ok(if done.errors() > 0 {
        Status::Errors
    } else if done.warnings() > 0 {
        Status::Warnings
    } else {
        Status::Clean
    })
}
