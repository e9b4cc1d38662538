//! Model quality across kinds of generated city, shared by
//! `benches/model_quality.rs` (which prints the table) and
//! `tests/model_quality.rs` (which holds the models to it): for each kind
//! (pure Poisson or gamma-mixed counts, six years of history or fewer) and
//! seed, a city is generated and scored two ways — the 3-month holdout (one
//! origin, the last three months, as `train` would do it), and the
//! rolling-origin backtest three months ahead from each of the last 12
//! origins, with the structural hyperparameters chosen on the data before
//! the first of them (12 times the rows, so far less noise from one unlucky
//! quarter) — against the oracle (the generator's true means), the plain
//! GLM and trailing-12; and the cost predictors against the true expected
//! incurred.
#![allow(dead_code)] // the bench and the test each use their own subset

use std::path::Path;

use riskrank::export::truth;
use riskrank::generate::{self, GenerateParams};
use riskrank::ingest::{self, LoadOptions};
use riskrank::model::backtest::{self, BacktestParams, BacktestReport, Holdout};
use riskrank::model::cost_score::{COST_PREDICTORS, CostRow};
use riskrank::model::frequency::TrainParams;
use riskrank::model::search;
use riskrank::panel::{Panel, PanelBuilder};

/// A kind of city: its name, gamma shape (`None`: Poisson) and years.
pub struct Kind {
    pub name: &'static str,
    pub overdispersion: Option<f64>,
    pub years: u32,
}

pub const KINDS: [Kind; 5] = [
    Kind { name: "Poisson, 6 years", overdispersion: None, years: 6 },
    Kind { name: "gamma shape 5, 6 years", overdispersion: Some(5.0), years: 6 },
    Kind { name: "gamma shape 10, 6 years", overdispersion: Some(10.0), years: 6 },
    Kind { name: "gamma shape 5, 4 years", overdispersion: Some(5.0), years: 4 },
    Kind { name: "Poisson, 3 years", overdispersion: None, years: 3 },
];

/// Backtest origins scored per city, three months ahead.
pub const ORIGINS: u32 = 12;
pub const HORIZON: u32 = 3;

pub fn scores(kind: &Kind, seed: u64, dir: &Path) -> (Holdout, BacktestReport) {
    let params = GenerateParams {
        seed,
        departments: 40,
        years: kind.years,
        overdispersion: kind.overdispersion,
        ..GenerateParams::default()
    };
    generate::write(&params, dir).expect("generate");
    let loaded = ingest::load(dir, &LoadOptions::new(None), PanelBuilder::default()).expect("load");
    let panel = Panel::build(&loaded, None);
    let truth = truth::read_in(dir).expect("truth");
    let holdout = backtest::holdout(&panel, truth.as_ref(), 3, &TrainParams::default()).expect("holdout");
    let first_origin = panel.end.plus(-((HORIZON + ORIGINS - 1) as i32));
    let (train, found) = search::choose(&panel, first_origin, &TrainParams::default()).expect("search");
    if std::env::var_os("QUALITY_VERBOSE").is_some() {
        let d = BacktestParams { origins: ORIGINS, horizons: vec![HORIZON], train: TrainParams::default() };
        let r = backtest::run(&panel, truth.as_ref(), &d, &|| {}).expect("backtest");
        let b = |p: &str| deviance(&r, p);
        eprintln!(
            "    defaults: backtest model {:+.1}%; search chose {:?} ({:.4})",
            100.0 * (b("model") / b("oracle") - 1.0),
            train.structural,
            found.map_or(1.0, |f| f.relative_to_default)
        );
    }
    let params = BacktestParams { origins: ORIGINS, horizons: vec![HORIZON], train };
    let report = backtest::run(&panel, truth.as_ref(), &params, &|| {}).expect("backtest");
    (holdout, report)
}

/// Mean deviance of a predictor in the backtest three months ahead.
pub fn deviance(report: &BacktestReport, predictor: &str) -> f64 {
    report.get(HORIZON, predictor).map_or(f64::NAN, |m| m.mean_deviance)
}

/// One measure's figures over a kind's seeds.
#[derive(Default)]
pub struct Tally {
    pub above: Vec<f64>,
    pub plain: Vec<f64>,
    pub wins: usize,
    pub coverage: Vec<f64>,
}

impl Tally {
    pub fn add(&mut self, model: f64, plain: f64, oracle: f64, coverage: f64) {
        self.above.push(model / oracle - 1.0);
        self.plain.push(plain / oracle - 1.0);
        self.wins += usize::from(model <= plain);
        self.coverage.push(coverage);
    }

    pub fn line(&self, kind: &str, measure: &str) -> String {
        let mean = |v: &[f64]| 100.0 * v.iter().sum::<f64>() / v.len().max(1) as f64;
        let max = |v: &[f64]| v.iter().copied().fold(f64::MIN, f64::max);
        let min = |v: &[f64]| v.iter().copied().fold(f64::MAX, f64::min);
        format!(
            "{kind:<24} {measure:<9} model {:+5.1}% (worst {:+5.1}%)  plain GLM {:+5.1}%  model ≤ plain {}/{}  \
             coverage {:.3}–{:.3}",
            mean(&self.above),
            100.0 * max(&self.above),
            mean(&self.plain),
            self.wins,
            self.above.len(),
            min(&self.coverage),
            max(&self.coverage),
        )
    }
}

/// The backtest's cost figures over a kind's seeds, per cost predictor.
#[derive(Default)]
pub struct CostTally {
    pub error: [Vec<f64>; 3],
    pub total: [Vec<f64>; 3],
    pub worst: [Vec<f64>; 3],
}

impl CostTally {
    pub fn add(&mut self, rows: &[CostRow]) {
        for (p, name) in COST_PREDICTORS.iter().enumerate() {
            if let Some(r) = rows.iter().find(|r| r.predictor == *name) {
                self.error[p].push(r.money_weighted_error);
                self.total[p].push(r.total_error.abs());
                self.worst[p].push(r.worst_total_error);
            }
        }
    }

    pub fn line(&self, kind: &str) -> String {
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
        let max = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
        let parts: Vec<String> = COST_PREDICTORS
            .iter()
            .enumerate()
            .map(|(p, name)| {
                format!(
                    "{name} {:.3} (city total off {:.1}% on average, worst fold {:.1}%)",
                    mean(&self.error[p]),
                    100.0 * mean(&self.total[p]),
                    100.0 * max(&self.worst[p])
                )
            })
            .collect();
        format!("{kind:<24} cost      money-weighted error: {}", parts.join(", "))
    }
}
