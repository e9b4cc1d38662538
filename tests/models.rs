//! Model acceptance on generated data: the structural fit recovers the
//! generator's true coefficients; on a 3-month holdout over three seeds the
//! model is measured against the oracle (the true expected counts) and the
//! trailing-12 baseline; the backtest's intervals cover; model files are
//! reproducible and checked when loaded.

use std::path::Path;

use riskrank::export::{Exporter, model_file, truth};
use riskrank::generate::{self, GenerateParams};
use riskrank::ingest::{self, LoadOptions};
use riskrank::model::TrainOptions;
use riskrank::model::backtest::{self, BacktestParams, Truth};
use riskrank::model::frequency::TrainParams;
use riskrank::model::structural::Structural;
use riskrank::panel::{Panel, PanelBuilder};
use riskrank::pipeline;

fn city(seed: u64, dir: &Path) -> (Panel, Option<Truth>) {
    let params = GenerateParams { seed, departments: 40, years: 6, ..GenerateParams::default() };
    generate::write(&params, dir).expect("generate");
    let loaded = ingest::load(dir, &LoadOptions::new(None), PanelBuilder::default()).expect("load");
    (Panel::build(&loaded, None), truth::read_in(dir).expect("truth"))
}

#[test]
fn structural_fit_recovers_the_true_season_and_levels() {
    let dir = tempfile::tempdir().unwrap();
    let (panel, truth) = city(5, dir.path());
    let truth = truth.unwrap();
    let n = panel.departments.len();
    let s = Structural::fit(&panel, panel.end, &Default::default()).unwrap();
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

/// The statsmodels figures of `tests/fixtures/plain_glm_holdout.py` for one city.
fn statsmodels_holdout(seed: u64) -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/plain_glm_holdout_statsmodels.json");
    let all: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    all["cities"][seed.to_string()].clone()
}

/// Issue #4's acceptance on generated data. On these three cities the
/// oracle itself is only about 17% below trailing-12 month by month, so the
/// issue's "20% below trailing-12" cannot be met by any predictor there; the
/// test holds the model to the rest and prints the oracle's own margin.
#[test]
fn three_month_holdout_against_oracle_and_baselines() {
    let (mut model, mut oracle, mut t12, mut plain, mut model_tot, mut t12_tot, mut rho) =
        (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    for seed in [1, 2, 3] {
        let dir = tempfile::tempdir().unwrap();
        let (panel, truth) = city(seed, dir.path());
        let h = backtest::holdout(&panel, truth.as_ref(), 3, &TrainParams::default()).unwrap();
        let d = h.deviance;
        // The Rust plain GLM and baselines are the statsmodels ones.
        let reference = statsmodels_holdout(seed);
        for (name, p) in
            [("plain_glm", backtest::PLAIN_GLM), ("oracle", backtest::ORACLE), ("trailing12", backtest::TRAILING12)]
        {
            let want = reference[name].as_f64().unwrap();
            assert!((d[p] - want).abs() < 1e-6 * want, "seed {seed} {name}: {} vs statsmodels {want}", d[p]);
        }
        assert_eq!(reference["rows"].as_u64(), Some(h.rows as u64));
        eprintln!(
            "seed {seed}: deviance model {:.4} oracle {:.4} trailing12 {:.4} plain GLM {:.4} (model/oracle {:.3}, \
             model/t12 {:.3}, plain/oracle {:.3}); \
             3-month totals model/t12 {:.3}; Spearman vs truth {:.3}; coverage {:.3}",
            d[backtest::MODEL],
            d[backtest::ORACLE],
            d[backtest::TRAILING12],
            d[backtest::PLAIN_GLM],
            d[backtest::MODEL] / d[backtest::ORACLE],
            d[backtest::MODEL] / d[backtest::TRAILING12],
            d[backtest::PLAIN_GLM] / d[backtest::ORACLE],
            h.deviance_totals[backtest::MODEL] / h.deviance_totals[backtest::TRAILING12],
            h.spearman_truth.unwrap(),
            h.coverage_90
        );
        model += d[backtest::MODEL];
        oracle += d[backtest::ORACLE];
        t12 += d[backtest::TRAILING12];
        plain += d[backtest::PLAIN_GLM];
        model_tot += h.deviance_totals[backtest::MODEL];
        t12_tot += h.deviance_totals[backtest::TRAILING12];
        rho += h.spearman_truth.unwrap() / 3.0;
    }
    eprintln!(
        "three seeds: model/oracle {:.3}, model/t12 {:.3}, plain GLM/oracle {:.3}, oracle/t12 {:.3}, \
         totals model/t12 {:.3}, mean Spearman {rho:.3}",
        model / oracle,
        model / t12,
        plain / oracle,
        oracle / t12,
        model_tot / t12_tot
    );
    assert!(model / oracle <= 1.08, "model {model} vs oracle {oracle}");
    assert!(model < plain * 0.9, "model {model} vs the plain GLM {plain}");
    assert!(model < t12 * 0.9, "model {model} vs trailing-12 {t12}");
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
    let truth = truth::read_in(&sample()).unwrap();
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
    let source = pipeline::Source::new(&sample(), None);
    let truth = sample().join("truth.csv");
    let (file, _, _) = pipeline::train::train(&source, Some(&truth), &TrainOptions::default(), &|| {}).unwrap();
    let bytes = file.serialize().unwrap();
    assert_eq!(
        std::fs::read(&committed).unwrap(),
        bytes,
        "models/default.json differs from a retrain: run `cargo run --release -- train --truth \
         data-samples/truth.csv --out models/default.json --force` and commit it"
    );
    assert_eq!(model_file::load(&committed).unwrap().file, file);
}

#[test]
fn broken_model_files_are_clear_errors() {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/default.json");
    let text = std::fs::read_to_string(&committed).unwrap();
    let p = Path::new("m.json");
    let err = |s: &str| model_file::parse(p, s.as_bytes()).unwrap_err().to_string();
    assert!(err(&text[..text.len() / 2]).contains("corrupt or truncated"));
    assert!(err(&text.replace("\"format_version\": 3", "\"format_version\": 99")).contains("version 99"));
    assert!(err(&text.replace("\"riskrank-model\"", "\"other\"")).contains("not a riskrank model file"));
    assert!(err(&text.replace("\"log_rate_3m\"", "\"log_rate_4m\"")).contains("features do not match"));
    // Any edited number breaks the seal; so does a file without one.
    let at = text.find("\"training_rows\": ").unwrap() + "\"training_rows\": ".len();
    let end = at + text[at..].find(',').unwrap();
    let rows: u64 = text[at..end].parse().unwrap();
    let edited = format!("{}{}{}", &text[..at], rows + 1, &text[end..]);
    assert!(err(&edited).contains("does not match its content_sha256 seal"), "{}", err(&edited));
    let at = text.rfind(",\n  \"content_sha256\"").expect("the seal is the last field");
    let unsealed = format!("{}\n}}\n", &text[..at]);
    assert!(err(&unsealed).contains("has no content_sha256 seal"), "{}", err(&unsealed));
}

#[test]
fn structural_fit_finds_the_large_level_shift_and_no_false_one() {
    let dir = tempfile::tempdir().unwrap();
    let (panel, _) = city(2, dir.path());
    // truth_departments.csv: department, …, break_month (empty without one), break_size.
    let mut reader = csv::Reader::from_path(dir.path().join("truth_departments.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let at = headers.iter().position(|h| h == "break_month").unwrap();
    let true_breaks: Vec<(String, String)> = reader
        .records()
        .map(|r| r.unwrap())
        .filter(|r| !r[at].is_empty())
        .map(|r| (r[0].to_string(), r[at].to_string()))
        .collect();
    let s = Structural::fit(&panel, panel.end, &Default::default()).unwrap();
    let found: Vec<(String, String)> = (0..panel.departments.len())
        .filter_map(|d| s.break_month(d).map(|m| (panel.departments[d].code.clone(), m.to_string())))
        .collect();
    eprintln!("true breaks {true_breaks:?}, found {found:?}");
    // LAWA (about 44 cases a month) drops by a third in 2021-08; the other
    // three true breaks are in departments with a case a month or less.
    assert!(found.iter().any(|(code, m)| code == "LAWA" && m.as_str() >= "2021-06" && m.as_str() <= "2021-10"));
    for (code, _) in &found {
        assert!(true_breaks.iter().any(|(c, _)| c == code), "{code} has no break in the truth");
    }
}
