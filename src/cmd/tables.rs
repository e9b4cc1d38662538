//! The tables the commands print: the per-file validation account, the
//! ranking's top ten and the backtest metrics.

use riskrank::gate::Verdict;
use riskrank::ingest::{FileReport, UnreadFile};
use riskrank::model::backtest::BacktestReport;
use riskrank::rank::Ranking;

/// One line per input file: the account (read = accepted + quarantined)
/// and, when given, the data gate's verdict on the file, kept apart: a
/// balanced account says nothing about whether the data can be used.
pub fn print_validation(files: &[FileReport], verdict: Option<&Verdict>) {
    println!(
        "{:<22} {:>10} {:>10} {:>12} {:>6}  {:<8} {:<7} top reasons",
        "file", "read", "accepted", "quarantined", "share", "account", "gate"
    );
    for f in files {
        let mut reasons: Vec<_> = f.reasons.iter().collect();
        reasons.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let top: Vec<String> = reasons.iter().take(3).map(|(r, n)| format!("{r} {n}")).collect();
        let account = if f.balanced() { "balanced" } else { "FAIL" };
        let name = f.file_name();
        let gate = match verdict {
            Some(v) if v.of_file(&name).next().is_some() => "REFUSE",
            Some(_) => "pass",
            None => "-",
        };
        let share =
            if f.read > 0 { format!("{:.1}%", 100.0 * f.quarantined as f64 / f.read as f64) } else { "-".into() };
        println!(
            "{:<22} {:>10} {:>10} {:>12} {:>6}  {:<8} {:<7} {}",
            name,
            f.read,
            f.accepted,
            f.quarantined,
            share,
            account,
            gate,
            top.join(", ")
        );
    }
    println!("account: read = accepted + quarantined for every file");
    if let Some(v) = verdict {
        if v.passed() {
            println!("data gate: pass (a run would go ahead)");
        } else {
            println!("data gate: REFUSE (a run would stop; `--force` runs anyway):");
            for f in &v.findings {
                println!("  - {}", f.message);
            }
        }
    }
}

/// The folder's files that were not read, and why.
pub fn print_unread(unread: &[UnreadFile]) {
    if unread.is_empty() {
        return;
    }
    println!("not read:");
    for u in unread {
        println!("  {:<24} {}", u.name, u.reason);
    }
}

/// The ten highest-ranked departments.
pub fn print_ranking(r: &Ranking) {
    let basis = if r.rated {
        "predicted recordable rate per 200,000 h"
    } else {
        "predicted cases (no hours: rates unavailable)"
    };
    println!("\nranking for the {} months after {} by {basis}:", r.horizon, r.as_of);
    if let Some(m) = r.compared_with {
        println!("(rank changes vs {m}, the latest earlier run in the output folder)");
    }
    for row in r.rows.iter().take(10) {
        let value = row.predicted_rate.map_or(format!("{:.1} cases", row.predicted_cases), |v| format!("{v:.2}"));
        println!("{:>3}. {:<28} {:>10}  {:<9} {}", row.rank, row.name, value, row.risk_tier.as_str(), row.top_driver);
    }
    if r.rows.len() > 10 {
        println!("     … {} more in ranking.csv", r.rows.len() - 10);
    }
}

fn num(v: f64) -> String {
    if v.is_finite() { format!("{v:.4}") } else { "-".into() }
}

/// The metrics table, one line per horizon and predictor.
pub fn print_backtest(report: &BacktestReport) {
    println!(
        "{:>3} {:<18} {:>6} {:>9} {:>9} {:>9} {:>9} {:>8} {:>8} {:>8} {:>6} {:>6} {:>6}",
        "h",
        "predictor",
        "rows",
        "deviance",
        "skill_t12",
        "skill_cty",
        "skill_ly",
        "mae",
        "rho_obs",
        "rho_true",
        "top5",
        "gini",
        "cov90"
    );
    for m in &report.metrics {
        println!(
            "{:>3} {:<18} {:>6} {:>9} {:>9} {:>9} {:>9} {:>8} {:>8} {:>8} {:>6} {:>6} {:>6}",
            m.horizon,
            m.predictor,
            m.rows,
            num(m.mean_deviance),
            num(m.skill_vs_trailing12),
            num(m.skill_vs_city),
            num(m.skill_vs_last_year),
            num(m.mae),
            num(m.spearman_observed),
            m.spearman_truth.map_or("-".into(), num),
            format!("{:.2}", m.top5_hit_rate),
            format!("{:.3}", m.gini),
            m.coverage_90.map_or("-".into(), |c| format!("{:.3}", c)),
        );
    }
    if let Some(alpha) = report.metrics.iter().find(|m| m.predictor == "model").and_then(|m| m.dispersion) {
        println!(
            "estimated dispersion 1/θ {alpha:.3} ({}): the intervals are negative binomial with it",
            if alpha < 0.01 { "counts vary as Poisson" } else { "counts vary more than Poisson" }
        );
    }
    if !report.cost.is_empty() {
        println!(
            "cost, {} months after each origin, against the {} incurred:",
            report.cost[0].months, report.cost[0].against
        );
        println!("  {:<16} {:>22} {:>18} {:>18}", "predictor", "money-weighted error", "city total bias", "worst fold");
        for c in &report.cost {
            println!(
                "  {:<16} {:>22.3} {:>17.1}% {:>17.1}%",
                c.predictor,
                c.money_weighted_error,
                100.0 * c.total_error,
                100.0 * c.worst_total_error
            );
        }
    }
    println!(
        "experience credibility lowers deviance: {}",
        if report.credibility_helps { "yes (ranking uses it)" } else { "no" }
    );
}
