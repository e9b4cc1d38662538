//! The development module's rules checked on small hand-made triangles:
//! shape errors, zeros, factors by hand, the tail, the methods and the
//! selection rule. The chainladder-python fixtures are in tests/development.rs.

use super::factors::{Average, FactorOptions, Tail, estimate};
use super::select::{Method, Options, develop};
use super::*;
use crate::ingest::triangles::LongRow;

fn row(line: u64, group: &str, origin: i64, age: usize, value: f64, exposure: Option<f64>) -> LongRow {
    LongRow { line, group: group.into(), origin, age, values: vec![value], exposure }
}

fn table(cells: &[(i64, usize, f64)], exposure: bool) -> LongTable {
    let rows = cells
        .iter()
        .enumerate()
        .map(|(n, &(o, a, v))| row(n as u64 + 2, "G", o, a, v, exposure.then_some(100.0 + o as f64)))
        .collect();
    LongTable {
        path: "t.csv".into(),
        grain: Grain::Year,
        measures: vec!["paid".into()],
        exposure: exposure.then(|| "premium".into()),
        rows,
    }
}

/// A 3×3 triangle: origins 2000-2002.
fn three(values: [f64; 6]) -> Triangle {
    let [a, b, c, d, e, f] = values;
    let cells = [(2000, 1, a), (2000, 2, b), (2000, 3, c), (2001, 1, d), (2001, 2, e), (2002, 1, f)];
    triangles(&table(&cells, true)).unwrap().remove(0)
}

#[test]
fn shape_errors_are_typed() {
    let gap = [(2000, 1, 1.0), (2000, 3, 2.0), (2001, 1, 1.0)];
    assert!(matches!(triangles(&table(&gap, false)), Err(DevelopmentError::Gap { age: 2, next: 3, .. })));
    let ragged = [(2000, 1, 1.0), (2000, 2, 2.0), (2000, 3, 2.0), (2001, 1, 1.0), (2002, 1, 1.0)];
    let err = triangles(&table(&ragged, false)).unwrap_err();
    assert!(
        matches!(&err, DevelopmentError::Ragged { origin, found: 1, expected: 2, .. } if origin == "2001"),
        "{err}"
    );
    let missing = [(2000, 1, 1.0), (2000, 2, 2.0), (2000, 3, 2.0), (2002, 1, 1.0)];
    assert!(matches!(triangles(&table(&missing, false)), Err(DevelopmentError::MissingOrigin { .. })));
    let mut t = table(&[(2000, 1, 1.0), (2000, 2, 2.0), (2001, 1, 1.0)], true);
    t.rows[1].exposure = Some(7.0);
    let err = triangles(&t).unwrap_err();
    assert!(matches!(err, DevelopmentError::ExposureNotConstant { first_line: 2, line: 3, .. }), "{err}");
    assert_eq!(triangles(&table(&[], false)), Err(DevelopmentError::Empty));
}

#[test]
fn older_origins_may_stop_at_the_last_age() {
    // Four origins, three ages: 2000 has ages 1-3 although the valuation is 2003.
    let cells = [
        (2000, 1, 1.0),
        (2000, 2, 2.0),
        (2000, 3, 3.0),
        (2001, 1, 1.0),
        (2001, 2, 2.0),
        (2001, 3, 3.0),
        (2002, 1, 1.0),
        (2002, 2, 2.0),
        (2003, 1, 1.0),
    ];
    let t = triangles(&table(&cells, false)).unwrap().remove(0);
    assert_eq!((t.ages(), t.valuation()), (3, 2003));
    let cut = t.cut(1);
    assert_eq!(cut.rows, vec![vec![1.0, 2.0, 3.0], vec![1.0, 2.0], vec![1.0]]);
}

#[test]
fn volume_simple_and_geometric_factors_by_hand() {
    let t = three([100.0, 150.0, 165.0, 200.0, 260.0, 50.0]);
    let f = estimate(&t, &FactorOptions::default()).unwrap();
    assert_eq!(f.ata, vec![410.0 / 300.0, 1.1]);
    assert!((f.cdf[0] - 410.0 / 300.0 * 1.1).abs() < 1e-12 && f.cdf[2] == 1.0);
    let simple = estimate(&t, &FactorOptions { average: Average::Simple, ..Default::default() }).unwrap();
    assert!((simple.ata[0] - (1.5 + 1.3) / 2.0).abs() < 1e-12);
    let geo = estimate(&t, &FactorOptions { average: Average::Geometric, ..Default::default() }).unwrap();
    assert!((geo.ata[0] - (1.5f64 * 1.3).sqrt()).abs() < 1e-12);
    let latest = estimate(&t, &FactorOptions { diagonals: Some(1), ..Default::default() }).unwrap();
    assert_eq!(latest.ata[0], 1.3);
    // Mack's sigma: Σ C (F − f)² / (n − 1), and se = σ / √ΣC.
    let f0: f64 = 410.0 / 300.0;
    let s2 = 100.0 * (1.5 - f0) * (1.5 - f0) + 200.0 * (1.3 - f0) * (1.3 - f0);
    assert!((f.sigma[0].unwrap() - s2.sqrt()).abs() < 1e-9);
    assert!((f.std_err[0].unwrap() - (s2 / 300.0).sqrt()).abs() < 1e-9);
    // One ratio at the last step and only one step before it: Mack's rule has too little to fill from.
    assert_eq!(f.sigma[1], None);
}

#[test]
fn zero_bases_are_left_out_and_zeros_stay_zeros() {
    // 2001 reported nothing at age 1: its ratio is undefined, not a NaN.
    let t = three([100.0, 150.0, 165.0, 0.0, 40.0, 0.0]);
    let f = estimate(&t, &FactorOptions::default()).unwrap();
    assert_eq!((f.ata[0], f.zero_bases[0]), (1.5, 1));
    // Its reported share is 1/1.65 = 0.61: Cape Cod from a threshold of 0.7.
    let d = develop(&t, &Options { threshold: 0.7, ..Default::default() }).unwrap();
    let young = &d.origins[2];
    assert_eq!(young.chain_ladder, 0.0, "a zero developed by the chain ladder stays zero");
    assert!(young.cape_cod.is_some_and(|u| u > 0.0 && u.is_finite()), "Cape Cod expects losses");
    assert_eq!(young.selected, Method::CapeCod);
    // Every base zero: the factor is 1 and the step is listed.
    let t = three([0.0, 10.0, 20.0, 0.0, 5.0, 0.0]);
    let f = estimate(&t, &FactorOptions::default()).unwrap();
    assert_eq!((f.ata[0], f.no_base.clone()), (1.0, vec![0]));
    assert!(develop(&t, &Options::default()).unwrap().origins.iter().all(|o| o.chain_ladder.is_finite()));
}

#[test]
fn decreases_are_reported_not_refused() {
    let t = three([100.0, 90.0, 95.0, 200.0, 260.0, 50.0]);
    let d = develop(&t, &Options::default()).unwrap();
    assert_eq!(d.decreases, vec![Decrease { origin: 2000, age: 2, from: 100.0, to: 90.0 }]);
}

#[test]
fn tails_constant_and_exponential() {
    let t = three([100.0, 150.0, 165.0, 200.0, 260.0, 50.0]);
    let f = estimate(&t, &FactorOptions { tail: Tail::Constant(1.05), ..Default::default() }).unwrap();
    assert_eq!(f.cdf[2], 1.05);
    let f = estimate(&t, &FactorOptions { tail: Tail::Exponential, ..Default::default() }).unwrap();
    // ln(f−1) through (1, ln 0.3667) and (2, ln 0.1): the tail is Π (1 + e^(a+bx)) for x = 3…102.
    let (b, a) = ((0.1f64).ln() - (410.0f64 / 300.0 - 1.0).ln(), 0.0);
    let a = a + (410.0f64 / 300.0 - 1.0).ln() - b;
    let want: f64 = (3..=102).map(|x| 1.0 + (a + b * x as f64).exp()).product();
    assert!((f.tail - want).abs() < 1e-12, "{} vs {want}", f.tail);
    let flat = three([100.0, 100.0, 100.0, 200.0, 200.0, 50.0]);
    let err = estimate(&flat, &FactorOptions { tail: Tail::Exponential, ..Default::default() }).unwrap_err();
    assert!(matches!(err, DevelopmentError::TailFit { usable: 0, .. }));
}

#[test]
fn bornhuetter_ferguson_and_cape_cod_by_hand() {
    let t = three([100.0, 150.0, 165.0, 200.0, 260.0, 50.0]);
    let d = develop(&t, &Options { elr: Some(0.8), ..Default::default() }).unwrap();
    let o = &d.origins[2];
    let expected = 50.0 + (1.0 - 1.0 / o.cdf) * 0.8 * 2102.0;
    assert!((o.bornhuetter_ferguson.unwrap() - expected).abs() < 1e-9);
    let used: f64 = d.origins.iter().zip([2100.0, 2101.0, 2102.0]).map(|(o, e)| e / o.cdf).sum();
    let elr = (165.0 + 260.0 + 50.0) / used;
    assert!((d.cape_cod_elr.unwrap() - elr).abs() < 1e-12);
    assert_eq!(d.origins[0].cape_cod, Some(165.0), "a fully developed origin keeps its losses");
}

#[test]
fn the_selection_rule_follows_the_reported_share() {
    let t = three([100.0, 150.0, 165.0, 200.0, 260.0, 50.0]);
    // Reported shares: 1, 1/1.1 = 0.91, 1/1.503 = 0.665.
    let at = |threshold| {
        let d = develop(&t, &Options { threshold, ..Default::default() }).unwrap();
        d.origins.iter().map(|o| o.selected).collect::<Vec<_>>()
    };
    assert_eq!(at(0.5), [Method::ChainLadder; 3]);
    assert_eq!(at(0.7), [Method::ChainLadder, Method::ChainLadder, Method::CapeCod]);
    assert_eq!(at(0.95), [Method::ChainLadder, Method::CapeCod, Method::CapeCod]);
    // Without an exposure, the chain ladder throughout.
    let mut bare = t.clone();
    bare.exposure = None;
    let d = develop(&bare, &Options { threshold: 0.95, ..Default::default() }).unwrap();
    assert!(d.origins.iter().all(|o| o.selected == Method::ChainLadder && o.cape_cod.is_none()));
    assert!(matches!(develop(&t, &Options { threshold: 0.0, ..Default::default() }), Err(DevelopmentError::Option(_))));
}
