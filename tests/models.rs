//! Model acceptance on generated data: the structural fit recovers the
//! generator's true coefficients; on a 3-month holdout over three seeds the
//! model is measured against the oracle (the true expected counts) and the
//! trailing-12 baseline; the backtest's intervals cover; model files are
//! reproducible and checked when loaded.

use std::path::Path;

use riskrank::generate::{self, GenerateParams};
use riskrank::ingest::{self, LoadOptions};
use riskrank::model::backtest::{self, BacktestParams, Truth};
use riskrank::model::file::ModelFile;
use riskrank::model::frequency::TrainParams;
use riskrank::model::structural::Structural;
use riskrank::model::{self, TrainOptions};
use riskrank::panel::{Panel, PanelBuilder};

fn city(seed: u64, dir: &Path) -> (Panel, Option<Truth>) {
    let params = GenerateParams { seed, departments: 40, years: 6, ..GenerateParams::default() };
    generate::write(&params, dir).expect("generate");
    let loaded = ingest::load(dir, &LoadOptions::new(None), PanelBuilder::default()).expect("load");
    (Panel::build(&loaded, None), Truth::load(dir).expect("truth"))
}

#[test]
fn structural_fit_recovers_the_true_season_and_levels() {
    let dir = tempfile::tempdir().unwrap();
    let (panel, truth) = city(5, dir.path());
    let truth = truth.unwrap();
    let n = panel.departments.len();
    let s = Structural::fit(&panel, panel.end).unwrap();
    // The generator's season is A·cos(2π(m − 7)/12) = −A·cos(2π(m − 1)/12).
    // Tolerance: three standard errors (√(2/cases) for a harmonic), at least 0.04.
    for (group, amplitude) in [("public_safety", 0.12), ("field_operations", 0.15), ("office", 0.06)] {
        let cases: u64 = panel
            .departments
            .iter()
            .filter(|d| d.group.as_deref() == Some(group))
            .flat_map(|d| d.months.iter().map(|m| m.totals.recordable()))
            .sum();
        let tol = (3.0 * (2.0 / cases as f64).sqrt()).max(0.04);
        let (sin, cos) = s.season(n, Some(group)).unwrap();
        eprintln!("{group}: sin {sin:.4} cos {cos:.4} (true 0, {:.2}), {cases} cases, tolerance {tol:.3}", -amplitude);
        assert!(sin.abs() < tol && (cos + amplitude).abs() < tol, "{group}: {sin} {cos}");
    }
    // Levels of the departments with enough cases to tell.
    let mut checked = 0;
    for (d, dept) in panel.departments.iter().enumerate() {
        let m = panel.end;
        let hours = dept.months[m.since(panel.start) as usize].totals.hours.unwrap();
        let expected = truth.get(&dept.code, m).unwrap();
        if expected < 10.0 {
            continue;
        }
        let true_log_rate = (expected / hours * 200_000.0).ln();
        let fitted = s.log_rate(n, d, m);
        assert!((fitted - true_log_rate).abs() < 0.15, "{}: fitted {fitted:.3}, true {true_log_rate:.3}", dept.code);
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} large departments");
}

#[test]
fn three_month_holdout_against_oracle_and_baselines() {
    let (mut model, mut oracle, mut t12, mut model_tot, mut t12_tot, mut rho) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    for seed in [1, 2, 3] {
        let dir = tempfile::tempdir().unwrap();
        let (panel, truth) = city(seed, dir.path());
        let h = backtest::holdout(&panel, truth.as_ref(), 3, &TrainParams::default()).unwrap();
        let d = h.deviance;
        eprintln!(
            "seed {seed}: deviance model {:.4} oracle {:.4} trailing12 {:.4} (model/oracle {:.3}, model/t12 {:.3}); \
             3-month totals model/t12 {:.3}; Spearman vs truth {:.3}; coverage {:.3}",
            d[0],
            d[5],
            d[2],
            d[0] / d[5],
            d[0] / d[2],
            h.deviance_totals[0] / h.deviance_totals[2],
            h.spearman_truth.unwrap(),
            h.coverage_90
        );
        model += d[0];
        oracle += d[5];
        t12 += d[2];
        model_tot += h.deviance_totals[0];
        t12_tot += h.deviance_totals[2];
        rho += h.spearman_truth.unwrap() / 3.0;
    }
    eprintln!(
        "three seeds: model/oracle {:.3}, model/t12 {:.3}, totals model/t12 {:.3}, mean Spearman {rho:.3}",
        model / oracle,
        model / t12,
        model_tot / t12_tot
    );
    assert!(model / oracle < 1.10, "model {model} vs oracle {oracle}");
    assert!(model < t12 * 0.95, "model {model} vs trailing-12 {t12}");
    assert!(model_tot < t12_tot * 0.8, "3-month totals: model {model_tot} vs trailing-12 {t12_tot}");
    assert!(rho >= 0.9, "Spearman {rho}");
}

fn sample() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data-samples")
}

#[test]
fn backtest_intervals_cover_and_the_model_beats_the_baselines() {
    let loaded = ingest::load(&sample(), &LoadOptions::new(None), PanelBuilder::default()).unwrap();
    let panel = Panel::build(&loaded, None);
    let truth = Truth::load(&sample()).unwrap();
    let params = BacktestParams { origins: 12, ..BacktestParams::default() };
    let report = backtest::run(&panel, truth.as_ref(), &params, &|| {}).unwrap();
    for h in [1, 3] {
        let m = report.get(h, "model").unwrap();
        let cov = m.coverage_90.unwrap();
        eprintln!(
            "h={h}: skill vs t12 {:.3}, vs city {:.3}, coverage {cov:.3}",
            m.skill_vs_trailing12, m.skill_vs_city
        );
        assert!((0.85..=0.95).contains(&cov), "coverage {cov}");
        assert!(m.skill_vs_trailing12 > 0.0 && m.skill_vs_city > 0.5 && m.skill_vs_last_year > 0.2);
        assert!(m.spearman_truth.unwrap() > 0.85);
    }
}

#[test]
fn the_committed_default_model_is_reproduced_byte_for_byte() {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/default.json");
    let (file, _) = model::train_folder(&sample(), &TrainOptions::default(), &|| {}).unwrap();
    let bytes = file.to_json().unwrap();
    assert_eq!(
        std::fs::read(&committed).unwrap(),
        bytes,
        "models/default.json differs from a retrain: run `cargo run --release -- train` and commit it"
    );
    assert_eq!(ModelFile::load(&committed).unwrap(), file);
}

#[test]
fn broken_model_files_are_clear_errors() {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/default.json");
    let text = std::fs::read_to_string(&committed).unwrap();
    let p = Path::new("m.json");
    let err = |s: &str| ModelFile::from_slice(p, s.as_bytes()).unwrap_err().to_string();
    assert!(err(&text[..text.len() / 2]).contains("corrupt or truncated"));
    assert!(err(&text.replace("\"format_version\": 1", "\"format_version\": 99")).contains("version 99"));
    assert!(err(&text.replace("\"riskrank-model\"", "\"other\"")).contains("not a riskrank model file"));
    assert!(err(&text.replace("\"log_rate_3m\"", "\"log_rate_4m\"")).contains("features do not match"));
}
