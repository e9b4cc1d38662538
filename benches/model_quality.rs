//! Model quality across kinds of generated city (see
//! `tests/common/quality.rs` for what is measured): one line per city and
//! a summary per kind, the figures behind issue #13's table.
//!
//! `cargo bench --bench model_quality` (five seeds per kind), or
//! `cargo bench --bench model_quality -- 10` for ten; with
//! `QUALITY_VERBOSE=1` each city also shows the backtest with the default
//! hyperparameters and what the search chose.

#[path = "../tests/common/quality.rs"]
mod quality;

use quality::{CostTally, HORIZON, KINDS, ORIGINS, Tally, deviance, scores};
use riskrank::model::backtest::{MODEL, ORACLE, PLAIN_GLM, TRAILING12};

fn main() {
    let seeds: u64 = std::env::args().filter_map(|a| a.parse().ok()).next().unwrap_or(5);
    println!(
        "40 departments; mean Poisson deviance above the oracle's (model, plain GLM), model against trailing-12; \
         holdout = last 3 months from one origin, backtest = 3 months ahead from each of the last {ORIGINS} origins"
    );
    let mut summary = Vec::new();
    for kind in &KINDS {
        let (mut holdouts, mut backtests, mut costs) = (Tally::default(), Tally::default(), CostTally::default());
        for seed in 1..=seeds {
            let dir = tempfile::tempdir().expect("temp dir");
            let (h, report) = scores(kind, seed, dir.path());
            let d = h.deviance;
            holdouts.add(d[MODEL], d[PLAIN_GLM], d[ORACLE], h.coverage_90);
            let b = |p: &str| deviance(&report, p);
            let coverage = report.get(HORIZON, "model").and_then(|m| m.coverage_90).unwrap_or(f64::NAN);
            backtests.add(b("model"), b("plain_glm"), b("oracle"), coverage);
            costs.add(&report.cost);
            println!(
                "  {:<24} seed {seed:>2}: holdout model {:+6.1}% plain {:+6.1}% vs t12 {:+6.1}% cov {:.3} | \
                 backtest model {:+6.1}% plain {:+6.1}% vs t12 {:+6.1}% cov {coverage:.3}",
                kind.name,
                100.0 * (d[MODEL] / d[ORACLE] - 1.0),
                100.0 * (d[PLAIN_GLM] / d[ORACLE] - 1.0),
                100.0 * (d[MODEL] / d[TRAILING12] - 1.0),
                h.coverage_90,
                100.0 * (b("model") / b("oracle") - 1.0),
                100.0 * (b("plain_glm") / b("oracle") - 1.0),
                100.0 * (b("model") / b("trailing12") - 1.0),
            );
        }
        summary.push(holdouts.line(kind.name, "holdout"));
        summary.push(backtests.line(kind.name, "backtest"));
        summary.push(costs.line(kind.name));
    }
    println!();
    for line in summary {
        println!("{line}");
    }
}
