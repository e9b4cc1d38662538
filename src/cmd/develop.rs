//! `riskrank develop`: claim development on a long triangle CSV, for
//! analysts: factors, chain ladder with Mack's standard errors,
//! Bornhuetter-Ferguson, Cape Cod and the method selected per origin.

use std::path::PathBuf;

use anyhow::Context as _;

use riskrank::ingest::triangles::Grain;
use riskrank::model::development::select::DEFAULT_THRESHOLD;
use riskrank::model::development::{Average, FactorOptions, Options, SigmaRule, Tail};
use riskrank::pipeline::develop::{DevelopParams, develop};

use super::Status;

pub const EXAMPLES: &str =
    "Input: a long CSV `group,origin,age,<measures…>`, one row per observed cell, cumulative values;
`age` is 1-based in the grain's units; origins are YYYY, YYYYQn or YYYY-MM by --grain.

Examples:
  riskrank develop --triangles tests/fixtures/development/raa.csv --out /tmp/raa
  riskrank develop --triangles clrd.csv --exposure premium --elr 0.75 --out /tmp/clrd
  riskrank develop --triangles q.csv --grain quarter --tail exponential --diagonals 8 --out /tmp/q";

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum GrainArg {
    Year,
    Quarter,
    Month,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum AverageArg {
    Volume,
    Simple,
    Geometric,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum SigmaArg {
    Mack,
    LogLinear,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The long triangle CSV.
    #[arg(long, value_name = "FILE")]
    pub triangles: PathBuf,
    /// The period of origin and of age (origins YYYY, YYYYQn or YYYY-MM).
    #[arg(long, value_enum, default_value = "year")]
    pub grain: GrainArg,
    /// The exposure column (premium, payroll, hours): constant per origin, not developed; enables
    /// Bornhuetter-Ferguson and Cape Cod.
    #[arg(long, value_name = "COLUMN")]
    pub exposure: Option<String>,
    /// The folder to write factors.csv, ultimates.csv and development.xlsx into (its other files stay).
    #[arg(long, value_name = "DIR", default_value = "reports/development")]
    pub out: PathBuf,
    /// Bornhuetter-Ferguson's expected loss ratio. Default: the mature origins' chain-ladder loss ratio.
    #[arg(long, value_name = "RATIO")]
    pub elr: Option<f64>,
    /// How link ratios are averaged (Mack's standard errors need `volume`).
    #[arg(long, value_enum, default_value = "volume")]
    pub average: AverageArg,
    /// Average over the latest N diagonals only. Default: all.
    #[arg(long, value_name = "N")]
    pub diagonals: Option<usize>,
    /// The tail beyond the last age: `none`, `exponential`, or a factor such as 1.05.
    #[arg(long, default_value = "none")]
    pub tail: String,
    /// How the last age's sigma is extrapolated.
    #[arg(long, value_enum, default_value = "mack")]
    pub sigma: SigmaArg,
    /// The reported share (1/CDF) from which `selected` takes the chain ladder; younger origins take Cape Cod.
    #[arg(long, value_name = "SHARE", default_value_t = DEFAULT_THRESHOLD)]
    pub threshold: f64,
}

fn tail(text: &str) -> anyhow::Result<Tail> {
    match text {
        "none" => Ok(Tail::None),
        "exponential" => Ok(Tail::Exponential),
        other => other
            .parse::<f64>()
            .map(Tail::Constant)
            .with_context(|| format!("--tail {other}: expected `none`, `exponential` or a factor such as 1.05")),
    }
}

pub fn run(args: Args) -> anyhow::Result<Status> {
    let factors = FactorOptions {
        average: match args.average {
            AverageArg::Volume => Average::Volume,
            AverageArg::Simple => Average::Simple,
            AverageArg::Geometric => Average::Geometric,
        },
        diagonals: args.diagonals,
        tail: tail(&args.tail)?,
        sigma: match args.sigma {
            SigmaArg::Mack => SigmaRule::Mack,
            SigmaArg::LogLinear => SigmaRule::LogLinear,
        },
    };
    let grain = match args.grain {
        GrainArg::Year => Grain::Year,
        GrainArg::Quarter => Grain::Quarter,
        GrainArg::Month => Grain::Month,
    };
    let params = DevelopParams {
        triangles: args.triangles.clone(),
        grain,
        exposure: args.exposure.clone(),
        out: args.out.clone(),
        options: Options { factors, elr: args.elr, threshold: args.threshold },
    };
    let done = develop(&params)
        .with_context(|| format!("develop on {} failed; nothing was written", args.triangles.display()))?;
    println!(
        "{:<24} {:<12} {:>16} {:>16} {:>16} {:>14} {:>16}",
        "group", "measure", "latest", "CL ultimate", "CL IBNR", "Mack SE", "selected"
    );
    for d in &done.developments {
        let latest: f64 = d.origins.iter().map(|o| o.latest).sum();
        let cl: f64 = d.origins.iter().map(|o| o.chain_ladder).sum();
        let selected: f64 = d.origins.iter().map(|o| o.selected_ultimate()).sum();
        let se = d.total_mack.map_or_else(String::new, |m| format!("{:.0}", m.total()));
        println!(
            "{:<24} {:<12} {latest:>16.0} {cl:>16.0} {:>16.0} {se:>14} {selected:>16.0}",
            d.group,
            d.measure,
            cl - latest
        );
        if !d.decreases.is_empty() {
            let first = &d.decreases[0];
            eprintln!(
                "note: {} / {}: {} decrease(s) of a cumulative value (first: origin {} at age {}, {} → {}); kept as given",
                d.group,
                d.measure,
                d.decreases.len(),
                params.grain.label(first.origin),
                first.age,
                first.from,
                first.to
            );
        }
        for &k in &d.factors.no_base {
            eprintln!(
                "note: {} / {}: no non-zero base from age {} to {}: factor set to 1",
                d.group,
                d.measure,
                k + 1,
                k + 2
            );
        }
    }
    for f in &done.files {
        println!("wrote {}", args.out.join(&f.path).display());
    }
    Ok(Status::Clean)
}
