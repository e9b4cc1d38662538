//! The IRLS GLM (`riskrank::model::glm`) against reference fits made once by statsmodels.
//!
//! Fixtures come from `tests/fixtures/make_glm_fixture.py` (data, fit call and the
//! statsmodels/numpy versions are recorded in each JSON file). Every coefficient must match
//! within 1e-6 (absolute) and the deviance within 1e-6 (relative).

use std::path::{Path, PathBuf};

use ndarray::{Array1, Array2};
use riskrank::model::glm::{Family, Glm, GlmParams};
use serde::Deserialize;

const COEF_ABS_TOL: f64 = 1e-6;
const DEVIANCE_REL_TOL: f64 = 1e-6;

#[derive(Debug, Deserialize)]
struct Reference {
    names: Vec<String>,
    params: Vec<f64>,
    deviance: f64,
    family: String,
    power: Option<f64>,
    csv: String,
    weights_column: Option<String>,
    statsmodels_version: String,
}

struct Data {
    x: Array2<f64>,
    y: Array1<f64>,
    offset: Array1<f64>,
    weights: Option<Array1<f64>>,
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("fixtures")
}

fn load_reference(name: &str) -> Reference {
    let text = std::fs::read_to_string(fixtures().join(name)).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Reads x1..x4, ln(hours) as the offset, y, and the optional weights column.
fn load_data(csv_name: &str, weights_column: Option<&str>) -> Data {
    let mut rdr = csv::Reader::from_path(fixtures().join(csv_name)).unwrap();
    let headers = rdr.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"));
    let xs = ["x1", "x2", "x3", "x4"].map(col);
    let (hours, y) = (col("hours"), col("y"));
    let w = weights_column.map(col);
    let mut rows: Vec<[f64; 4]> = Vec::new();
    let (mut ys, mut offsets, mut ws) = (Vec::new(), Vec::new(), Vec::new());
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let num = |i: usize| rec[i].parse::<f64>().unwrap();
        rows.push(xs.map(num));
        ys.push(num(y));
        offsets.push(num(hours).ln());
        if let Some(w) = w {
            ws.push(num(w));
        }
    }
    let x = Array2::from_shape_vec((rows.len(), 4), rows.into_iter().flatten().collect()).unwrap();
    Data { x, y: Array1::from(ys), offset: Array1::from(offsets), weights: w.map(|_| Array1::from(ws)) }
}

fn check(json: &str) -> Glm {
    let r = load_reference(json);
    let data = load_data(&r.csv, r.weights_column.as_deref());
    assert_eq!(data.x.nrows(), 2000);
    let family = match (r.family.as_str(), r.power) {
        ("poisson", _) => Family::Poisson,
        ("tweedie", Some(power)) => Family::Tweedie { power },
        other => panic!("unexpected family {other:?}"),
    };
    let model = GlmParams::new(family)
        .check()
        .unwrap()
        .fit_offset(data.x.view(), data.y.view(), Some(data.offset.view()), data.weights.as_ref().map(|w| w.view()))
        .unwrap();
    assert!(model.converged, "{model:?}");

    let ours: Vec<f64> = std::iter::once(model.intercept).chain(model.coefficients.iter().copied()).collect();
    assert_eq!(ours.len(), r.params.len());
    let max_diff = ours.iter().zip(&r.params).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
    let dev_rel = (model.deviance - r.deviance).abs() / r.deviance;
    eprintln!(
        "{json} (statsmodels {}): {} iterations, max |Δcoef| = {max_diff:.3e}, deviance rel diff = {dev_rel:.3e}",
        r.statsmodels_version, model.iterations
    );
    for ((name, a), b) in r.names.iter().zip(&ours).zip(&r.params) {
        assert!((a - b).abs() <= COEF_ABS_TOL, "{json}: {name}: ours {a} vs statsmodels {b}");
    }
    assert!(dev_rel <= DEVIANCE_REL_TOL, "{json}: deviance {} vs statsmodels {}", model.deviance, r.deviance);
    model
}

#[test]
fn poisson_with_offset_matches_statsmodels() {
    check("glm_poisson_statsmodels.json");
}

#[test]
fn weighted_poisson_matches_statsmodels_var_weights() {
    let weighted = check("glm_poisson_weighted_statsmodels.json");
    // the weights really change the fit
    let unweighted = load_reference("glm_poisson_statsmodels.json");
    assert!((weighted.coefficients[0] - unweighted.params[1]).abs() > 1e-3);
}

#[test]
fn tweedie_with_offset_matches_statsmodels() {
    check("glm_tweedie_statsmodels.json");
}
