//! `riskrank generate`: write a synthetic data folder with known ground
//! truth (see [`riskrank::generate`] for the data-generating process), for
//! tests, benches and the bundled sample.

use std::path::PathBuf;

use anyhow::Context;
use riskrank::generate::{self, GenerateParams};
use riskrank::schema::Month;

pub const EXAMPLES: &str = "Examples:
  riskrank generate --out /tmp/synthetic                 40 departments, 6 years, seed 7
  riskrank generate --out /tmp/dirty --bad-rows 200      with planted bad rows (listed in bad_rows.csv)
  riskrank generate --out /tmp/counts --no-exposure      without hours worked
  riskrank generate --out /tmp/nb --overdispersion 5 --years 3   negative binomial counts, 3 years
  riskrank generate --out /tmp/dev --valuations          monthly valuations, known ultimates";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Random seed; the same seed and parameters give byte-identical files.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Number of departments (the city's list first, then numbered districts).
    #[arg(long, default_value_t = 40)]
    departments: usize,
    /// Number of years of data, ending with --end.
    #[arg(long, default_value_t = 6)]
    years: u32,
    /// Bad rows to inject across injuries, claims and exposure (listed in bad_rows.csv).
    #[arg(long, default_value_t = 0)]
    bad_rows: usize,
    /// Last month of the data (YYYY-MM); its last day is the claims valuation date.
    #[arg(long, default_value = "2025-12")]
    end: Month,
    /// Do not write exposure.csv (hours are still used to generate the cases).
    #[arg(long)]
    no_exposure: bool,
    /// Do not write departments.csv.
    #[arg(long)]
    no_departments: bool,
    /// Multiplies the expected number of cases and claims (e.g. 40 for about a million claims).
    #[arg(long, default_value_t = 1.0)]
    injuries_scale: f64,
    /// Gamma-mix each department-month's mean with shape K (negative
    /// binomial counts: variance μ + μ²/K, as crews, weather and bad weeks
    /// give real logs); truth.csv keeps the mean before the draw.
    #[arg(long, value_name = "K")]
    overdispersion: Option<f64>,
    /// Also write claim_valuations.csv (every claim valued at each month-end
    /// since its report, as monthly loss runs) and truth_ultimates.csv (the
    /// realised ultimates of each department and accident month, unreported
    /// claims included); open claims' case reserves then start at the
    /// initial estimate and strengthen as the claim matures.
    #[arg(long)]
    valuations: bool,
    /// Folder to write into (created if needed).
    #[arg(long)]
    out: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let params = GenerateParams {
        seed: args.seed,
        departments: args.departments,
        years: args.years,
        bad_rows: args.bad_rows,
        end: args.end,
        with_exposure: !args.no_exposure,
        with_departments: !args.no_departments,
        scale: args.injuries_scale,
        overdispersion: args.overdispersion,
        valuations: args.valuations,
    };
    let summary = generate::write(&params, &args.out)
        .with_context(|| format!("cannot generate synthetic data into {}", args.out.display()))?;
    let exposure = if params.with_exposure {
        format!("exposure.csv {} rows, ", summary.exposure)
    } else {
        "no exposure.csv, ".to_string()
    };
    let departments = if params.with_departments {
        format!("departments.csv {} rows, ", params.departments)
    } else {
        "no departments.csv, ".to_string()
    };
    println!(
        "wrote {}: injuries.csv {} rows, claims.csv {} rows, {exposure}{departments}establishments.csv {} rows, \
         truth.csv {} rows, {} bad rows (bad_rows.csv){}",
        args.out.display(),
        summary.injuries,
        summary.claims,
        summary.establishments,
        params.departments * params.years as usize * 12,
        summary.bad_rows,
        if params.valuations {
            format!(", claim_valuations.csv {} rows, truth_ultimates.csv", summary.valuations)
        } else {
            String::new()
        },
    );
    Ok(())
}
