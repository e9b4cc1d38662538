//! The triage sample's bound: how the held-out AUC and the training time
//! move with the number of claims triage trains on.
//!
//! For each data set, the claims are split in time as the model file's
//! evaluation splits them (the latest 30% by injury date are the test
//! claims). The collector then samples the claims at each bound
//! ([`TriageCollector::with_capacity`], the mechanism every run uses), the
//! models are trained on the sample's claims before the cutoff, and both
//! are scored on *every* test claim, so each row is compared with the fit on
//! all claims on the same test set.
//!
//! Data sets: a generated city of about a million claims
//! (`RISKRANK_BENCH_CLAIMS` changes the size; generated once into
//! `target/bench-data/`), and the real actuarial-loss claims when
//! `../shared/data/real/` is beside the project (skipped with a notice
//! otherwise).
//!
//! `cargo bench --bench triage` prints one table per data set.

use std::path::Path;
use std::time::Instant;

use jiff::civil::Date;
use riskrank::generate::{self, GenerateParams};
use riskrank::import::{self, Source};
use riskrank::ingest::{self, LoadOptions};
use riskrank::model::triage::{
    ClaimFeatures, SevereRule, TRIAGE_SAMPLE, TriageCollector, TriageData, TriageParams, roc_auc, train,
};
use riskrank::schema::Month;

fn main() {
    let bench_data = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    let claims: f64 = std::env::var("RISKRANK_BENCH_CLAIMS").ok().and_then(|v| v.parse().ok()).unwrap_or(1e6);
    let generated = bench_data.join(format!("triage-{claims}"));
    if !generated.join("claims.csv").exists() {
        let params = GenerateParams {
            seed: 11,
            departments: 60,
            years: 10,
            bad_rows: 0,
            end: Month::new(2025, 12).expect("a month"),
            with_exposure: true,
            with_departments: true,
            // 40 departments × 6 years make about 25k claims at scale 1.
            scale: claims / (25_300.0 * 60.0 / 40.0 * 10.0 / 6.0),
            overdispersion: None,
            valuations: false,
        };
        generate::write(&params, &generated).expect("generate the bench data");
    }
    curve("generated city", &generated, Some(Month::new(2025, 12).expect("a month")));

    let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/real/kaggle_actuarial_loss_wc/train.csv");
    if real.is_file() {
        let dir = bench_data.join("triage-actuarial-loss");
        if !dir.join("claims.csv").exists() {
            import::import(Source::ActuarialLoss, &real, &dir).expect("import the actuarial-loss claims");
        }
        curve("real actuarial-loss claims", &dir, None);
    } else {
        eprintln!("notice: {} not found, the real-data curve is skipped", real.display());
    }
}

fn load(dir: &Path, as_of: Option<Month>, capacity: usize) -> TriageData {
    let loaded = ingest::load(dir, &LoadOptions::new(as_of), TriageCollector::with_capacity(capacity))
        .expect("read the data folder");
    let departments = loaded.departments.clone();
    loaded.sink.finish(departments.as_deref())
}

/// The evaluation's cutoff: the injury date 70% of the way through.
fn cutoff(data: &TriageData, test_share: f64) -> Date {
    let mut dates: Vec<Date> = data.claims.iter().map(|c| c.injury_date).collect();
    dates.sort_unstable();
    let at = ((dates.len() as f64) * (1.0 - test_share)).floor() as usize;
    dates[at.min(dates.len() - 1)]
}

fn curve(name: &str, dir: &Path, as_of: Option<Month>) {
    let (rule, params) = (SevereRule::default(), TriageParams::default());
    let all = load(dir, as_of, usize::MAX);
    let cut = cutoff(&all, params.test_share);
    let test: Vec<_> = all.claims.iter().filter(|c| c.injury_date >= cut).collect();
    let features: Vec<ClaimFeatures<'_>> = test.iter().map(|c| all.features(c)).collect();
    let labels: Vec<bool> = test.iter().map(|c| rule.severe(c)).collect();
    println!("\n{name}: {} claims, {} test claims injured from {cut}", all.claims.len(), test.len());
    println!("{:>10} {:>9} {:>8} {:>9} {:>8} {:>9} {:>8}", "bound", "trained", "seconds", "logistic", "Δ", "tree", "Δ");
    let mut full: Option<(f64, f64)> = None;
    let mut bounds: Vec<usize> = [10_000, 25_000, 50_000, TRIAGE_SAMPLE, 200_000, 400_000]
        .into_iter()
        .filter(|&b| b < all.claims.len())
        .collect();
    bounds.push(usize::MAX);
    // The full fit first, so every row can show its difference from it.
    for &bound in bounds.iter().rev() {
        let mut sample = if bound == usize::MAX { all.clone() } else { load(dir, as_of, bound) };
        sample.claims.retain(|c| c.injury_date < cut);
        let start = Instant::now();
        let Ok(model) = train(&sample, &rule, &params) else {
            println!("{bound:>10}: the sample cannot be trained on");
            continue;
        };
        let seconds = start.elapsed().as_secs_f64();
        let scores = model.predict(&features);
        let auc = |s: &[f64]| roc_auc(s, &labels).unwrap_or(f64::NAN);
        let (logistic, tree) = (auc(&scores.logistic), auc(&scores.tree));
        let (full_logistic, full_tree) = *full.get_or_insert((logistic, tree));
        let label = if bound == usize::MAX { "all".to_string() } else { bound.to_string() };
        println!(
            "{label:>10} {:>9} {seconds:>8.2} {logistic:>9.4} {:>+8.4} {tree:>9.4} {:>+8.4}",
            sample.claims.len(),
            logistic - full_logistic,
            tree - full_tree
        );
    }
}
