//! The development module against chainladder-python: the fixtures of
//! tests/fixtures/development (made by its make_fixtures.py) read through
//! riskrank's own reader, every factor, CDF, sigma, ultimate, IBNR, Mack
//! standard error and BF / Cape Cod ultimate matched to 1e-6 relative; the
//! published anchors; and the held-back-diagonal table of the closing note.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use riskrank::ingest::triangles::{self, Grain};
use riskrank::model::development::holdout;
use riskrank::model::development::{
    Average, FactorOptions, Method, Options, SigmaRule, Tail, Triangle, develop, triangles as build,
};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/development")
}

/// (triangle file, group, measure, config, kind, key) → value.
type Expected = BTreeMap<(String, String, String, String, String, String), f64>;

fn expected() -> Expected {
    let mut reader = csv::Reader::from_path(dir().join("expected.csv")).unwrap();
    let mut out = Expected::new();
    for record in reader.records() {
        let r = record.unwrap();
        let key = (1..6).map(|i| r[i].to_string()).collect::<Vec<_>>();
        let value: f64 = r[6].parse().unwrap();
        out.insert(
            (r[0].into(), key[0].clone(), key[1].clone(), key[2].clone(), key[3].clone(), key[4].clone()),
            value,
        );
    }
    out
}

const FILES: [(&str, f64); 3] = [("raa", 0.55), ("genins", 0.9), ("clrd", 0.75)];

fn fixture(name: &str) -> Vec<Triangle> {
    let table = triangles::read(&dir().join(format!("{name}.csv")), Grain::Year, Some("premium")).unwrap();
    build(&table).unwrap()
}

fn options(config: &str, elr: f64) -> Options {
    let factors = match config {
        "volume" => FactorOptions::default(),
        "volume_loglinear" => FactorOptions { sigma: SigmaRule::LogLinear, ..Default::default() },
        "simple" => FactorOptions { average: Average::Simple, ..Default::default() },
        "geometric" => FactorOptions { average: Average::Geometric, ..Default::default() },
        "volume_n5" => FactorOptions { diagonals: Some(5), ..Default::default() },
        "volume_exp_tail" => FactorOptions { tail: Tail::Exponential, ..Default::default() },
        "volume_tail_1.05" => FactorOptions { tail: Tail::Constant(1.05), ..Default::default() },
        other => panic!("unknown config {other}"),
    };
    Options { factors, elr: Some(elr), ..Default::default() }
}

const CONFIGS: [&str; 7] =
    ["volume", "volume_loglinear", "simple", "geometric", "volume_n5", "volume_exp_tail", "volume_tail_1.05"];

/// Every value riskrank computes for one triangle and config, keyed as in expected.csv.
fn computed(t: &Triangle, config: &str, elr: f64) -> BTreeMap<(String, String), f64> {
    let d = develop(t, &options(config, elr)).unwrap();
    let mut out = BTreeMap::new();
    let mut put = |kind: &str, key: String, v: f64| {
        out.insert((kind.to_string(), key), v);
    };
    for (k, f) in d.factors.ata.iter().enumerate() {
        put("ata", (k + 1).to_string(), *f);
        if let Some(s) = d.factors.sigma[k] {
            put("sigma", (k + 1).to_string(), s);
        }
        if let Some(s) = d.factors.std_err[k] {
            put("std_err", (k + 1).to_string(), s);
        }
    }
    for (k, c) in d.factors.cdf.iter().enumerate() {
        put("cdf", (k + 1).to_string(), *c);
    }
    put("tail", String::new(), d.factors.tail);
    for o in &d.origins {
        put("ultimate", o.label.clone(), o.chain_ladder);
        put("ibnr", o.label.clone(), o.chain_ladder - o.latest);
        if let Some(m) = o.mack {
            put("mack_se", o.label.clone(), m.total());
            put("process_se", o.label.clone(), m.process);
            put("parameter_se", o.label.clone(), m.parameter);
        }
        if let Some(u) = o.bornhuetter_ferguson {
            put("bf_ultimate", o.label.clone(), u);
        }
        if let Some(u) = o.cape_cod {
            put("cc_ultimate", o.label.clone(), u);
        }
    }
    put("total_ibnr", String::new(), d.total_ibnr());
    if let Some(m) = d.total_mack {
        put("total_mack_se", String::new(), m.total());
        put("total_process_se", String::new(), m.process);
        put("total_parameter_se", String::new(), m.parameter);
    }
    if let Some(e) = d.cape_cod_elr {
        put("cc_elr", String::new(), e);
    }
    if let Some(e) = d.bornhuetter_ferguson_elr {
        put("bf_elr", String::new(), e);
    }
    out
}

#[test]
fn matches_chainladder_python_to_1e6_relative() {
    let expected = expected();
    let (mut checked, mut worst, mut misses) = (0, 0.0_f64, Vec::new());
    for (name, elr) in FILES {
        for t in fixture(name) {
            for config in CONFIGS {
                let ours = computed(&t, config, elr);
                let theirs = expected.range(
                    (name.into(), t.group.clone(), t.measure.clone(), config.into(), String::new(), String::new())..,
                );
                for ((file, group, measure, c, kind, key), want) in theirs {
                    if (file.as_str(), group, measure, c.as_str()) != (name, &t.group, &t.measure, config) {
                        break;
                    }
                    // chainladder gives NaN (0/0) for a fully developed origin's standard error: ours is 0.
                    let want = if want.is_nan() { 0.0 } else { *want };
                    let Some(got) = ours.get(&(kind.clone(), key.clone())) else {
                        misses.push(format!("{name} {group} {measure} {config} {kind} {key}: not computed"));
                        continue;
                    };
                    let rel = (got - want).abs() / want.abs().max(1e-9);
                    checked += 1;
                    if (got - want).abs() > 1e-6 * want.abs() + 1e-9 {
                        misses.push(format!("{name} {group} {measure} {config} {kind} {key}: {got} vs {want}"));
                    } else {
                        worst = worst.max(rel);
                    }
                }
            }
        }
    }
    println!("{checked} values matched; worst relative difference {worst:.2e}");
    assert!(misses.is_empty(), "{} of {checked} differ:\n{}", misses.len(), misses.join("\n"));
    assert!(checked > 3000, "only {checked} values checked");
}

#[test]
fn published_anchors() {
    let genins = develop(&fixture("genins")[0], &Options::default()).unwrap();
    assert_eq!(genins.total_ibnr().round(), 18_680_856.0);
    assert_eq!(genins.total_mack.unwrap().total().round(), 2_447_095.0);
    let raa = develop(&fixture("raa")[0], &Options::default()).unwrap();
    assert_eq!(raa.total_mack.unwrap().total().round(), 26_909.0);
}

/// The held-back-diagonal table: for every fixture triangle, the last one
/// and two diagonals cut off and predicted. Prints the table (run with
/// `--nocapture`) and checks the bookkeeping: where `selected` takes the
/// chain ladder, both predictions agree.
#[test]
fn held_back_diagonals() {
    let mut lines = vec![format!(
        "{:<22} {:>2} {:>6} {:>5} {:>6} {:>12} {:>12} {:>12} {:>8}",
        "triangle", "d", "origin", "ages", "rep%", "actual", "CL", "selected", "gain"
    )];
    let (mut wins, mut cases, mut cl_abs, mut sel_abs) = (0, 0, 0.0, 0.0);
    let (mut cl_pct, mut sel_pct) = (0.0, 0.0);
    for (name, elr) in FILES {
        for t in fixture(name) {
            for d in [1, 2] {
                let options = Options { elr: Some(elr), ..Default::default() };
                for p in holdout::predict(&t, d, &options).unwrap() {
                    if p.method == Method::ChainLadder {
                        assert_eq!(p.selected, p.chain_ladder);
                        continue;
                    }
                    let (e_cl, e_sel) = ((p.chain_ladder - p.actual).abs(), (p.selected - p.actual).abs());
                    cases += 1;
                    wins += usize::from(e_sel < e_cl);
                    cl_abs += e_cl;
                    sel_abs += e_sel;
                    cl_pct += e_cl / p.actual.abs().max(1.0);
                    sel_pct += e_sel / p.actual.abs().max(1.0);
                    lines.push(format!(
                        "{:<22} {:>2} {:>6} {:>2}→{:<2} {:>5.1}% {:>12.0} {:>12.0} {:>12.0} {:>7.1}%",
                        format!("{name}/{}/{}", t.group, t.measure),
                        d,
                        p.label,
                        p.from_age,
                        p.to_age,
                        100.0 * p.reported,
                        p.actual,
                        p.chain_ladder,
                        p.selected,
                        100.0 * (e_cl - e_sel) / p.actual.abs().max(1.0),
                    ));
                }
            }
        }
    }
    lines.push(format!(
        "selected differs from CL on {cases} held-back cells; beats it on {wins}; total |error| CL {cl_abs:.0}, selected {sel_abs:.0}; \
         mean |error| / actual CL {:.1}%, selected {:.1}%",
        100.0 * cl_pct / cases as f64,
        100.0 * sel_pct / cases as f64
    ));
    println!("{}", lines.join("\n"));
    assert!(cases > 0);
}
