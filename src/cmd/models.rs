//! `riskrank models show FILE`: what a model file holds.

use std::path::PathBuf;

use riskrank::export::model_file;

pub const EXAMPLES: &str = "Examples:
  riskrank models show models/default.json
  riskrank models show reports/2025-12/model.json     a model a run trained";

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: ModelsCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum ModelsCommand {
    /// Print a model file's version, window, features, coefficients and backtest.
    Show { file: PathBuf },
}

pub fn run(args: Args) -> anyhow::Result<()> {
    match args.command {
        ModelsCommand::Show { file } => show(&file),
    }
}

fn show(path: &std::path::Path) -> anyhow::Result<()> {
    let m = model_file::load(path)?.file;
    println!("{}: {} v{} (riskrank {})", path.display(), m.format, m.format_version, m.riskrank_version);
    println!(
        "training window: panel from {}, origins {} to {}; {} rows; {}",
        m.training_window.panel_start,
        m.training_window.first_origin,
        m.training_window.cutoff,
        m.model.training_rows,
        if m.model.rated { "rates (hours offset)" } else { "counts (no exposure)" }
    );
    println!("hyperparameters: {}", serde_json::to_string(&m.hyperparameters)?);
    println!("inputs:");
    for i in &m.inputs {
        println!("  {:<18} {} ({} rows)", i.file, i.sha256, i.rows_accepted);
    }
    println!("frequency model (Poisson, log link), intercept {:.6}:", m.model.frequency.intercept);
    let cost = m.model.cost.as_ref();
    for (i, name) in m.feature_names.iter().enumerate() {
        let c = cost.and_then(|c| c.coefficients.get(i)).map_or("-".to_string(), |v| format!("{v:>10.6}"));
        println!("  {:<30} {:>10.6}   cost {}", name, m.model.frequency.coefficients[i], c);
    }
    println!(
        "overdispersion 1/θ: {:.5}; experience credibility used: {}",
        m.model.overdispersion, m.model.use_experience
    );
    match &m.hyperparameter_search {
        Some(s) => println!(
            "structural hyperparameters chosen by search ({} candidates, {} origins, {} rows): {:?}, deviance {:.4} \
             of the defaults'",
            s.candidates.len(),
            s.origins.len(),
            s.rows,
            s.chosen,
            s.relative_to_default
        ),
        None => println!("structural hyperparameters as given: {:?}", m.hyperparameters.structural),
    }
    match &m.model.severity {
        Some(s) => {
            let n = s.per_department.len().max(1) as f64;
            let z = s.per_department.iter().map(|d| d.z).sum::<f64>() / n;
            let load = s.per_department.iter().map(|d| d.load).sum::<f64>() / n;
            println!(
                "cost: frequency × severity, claims capped at ${:.0}; severity trend {:+.1}% a year; mean credibility \
                 Z {z:.2}; large-claim load {load:.3} on average (city excess {:.3}); the Tweedie GLM above is the \
                 backtest's baseline",
                s.cap_dollars,
                100.0 * (s.trend.exp() - 1.0),
                s.city_excess_ratio
            );
        }
        None => println!("cost: the Tweedie GLM (no claims to learn a severity from)"),
    }
    if let Some(t) = &m.triage_evaluation {
        let sample = t.sampled_from.map_or(String::new(), |n| format!("; a sample of {n} claims"));
        println!(
            "severe-claim triage (time split: {} train, {} test claims, {:.1}% severe in test{sample}):",
            t.train_claims,
            t.test_claims,
            100.0 * t.base_rate_test
        );
        for f in &t.models {
            let auc = f.auc.map_or("-".to_string(), |a| format!("{a:.4}"));
            println!(
                "  {:<9} AUC {auc}  Brier {:.4}  skill {:.3}  calibration error {:.4}",
                f.name, f.brier, f.brier_skill, f.calibration_error
            );
        }
    }
    if let Some(bt) = &m.backtest {
        super::tables::print_backtest(bt);
    }
    Ok(())
}
