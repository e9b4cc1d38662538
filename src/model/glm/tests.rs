//! Unit tests of the IRLS GLM on simulated Poisson and Tweedie data: recovery of the true
//! coefficients, the offset, the ridge, degenerate inputs, typed errors, serde and the linfa traits.

use super::*;
use linfa::prelude::{Dataset, Fit, Predict};
use ndarray::{Array2, array, s};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Gamma, Normal, Poisson};

const TRUE_POISSON: [f64; 5] = [-8.6, 0.3, -0.4, 0.5, 0.002];
const TRUE_TWEEDIE: [f64; 5] = [-3.0, 0.25, -0.5, 0.4, 0.0015];

/// Mixed-scale features (normal, uniform, binary, headcount) and ln(hours).
fn features(rng: &mut ChaCha8Rng, n: usize) -> (Array2<f64>, Array1<f64>) {
    let normal = Normal::new(0.0, 1.0).unwrap();
    let log_hours = Normal::new(5000f64.ln(), 0.7).unwrap();
    let mut x = Array2::zeros((n, 4));
    let mut offset = Array1::zeros(n);
    for i in 0..n {
        x[[i, 0]] = normal.sample(rng);
        x[[i, 1]] = rng.gen_range(0.0..1.0);
        x[[i, 2]] = if rng.gen_bool(0.3) { 1.0 } else { 0.0 };
        x[[i, 3]] = f64::from(rng.gen_range(10u32..=500));
        offset[i] = log_hours.sample(rng);
    }
    (x, offset)
}

fn true_mean(x: &Array2<f64>, offset: &Array1<f64>, beta: &[f64; 5]) -> Array1<f64> {
    let slopes = ArrayView1::from(&beta[1..]);
    (x.dot(&slopes) + beta[0] + offset).mapv(f64::exp)
}

fn simulate_poisson(n: usize, seed: u64) -> (Array2<f64>, Array1<f64>, Array1<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (x, offset) = features(&mut rng, n);
    let y = true_mean(&x, &offset, &TRUE_POISSON).mapv(|m| Poisson::new(m).unwrap().sample(&mut rng));
    (x, y, offset)
}

/// Compound Poisson–gamma costs with Tweedie power `p` and dispersion `phi`.
fn simulate_tweedie(n: usize, seed: u64, p: f64, phi: f64) -> (Array2<f64>, Array1<f64>, Array1<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (x, offset) = features(&mut rng, n);
    let mu = true_mean(&x, &offset, &TRUE_TWEEDIE);
    let shape = (2.0 - p) / (p - 1.0);
    let y = mu.mapv(|m| {
        let lambda = m.powf(2.0 - p) / (phi * (2.0 - p));
        let count = Poisson::new(lambda).unwrap().sample(&mut rng);
        if count == 0.0 {
            0.0
        } else {
            Gamma::new(shape * count, phi * (p - 1.0) * m.powf(p - 1.0)).unwrap().sample(&mut rng)
        }
    });
    (x, y, offset)
}

fn params(family: Family) -> GlmValidParams {
    GlmParams::new(family).check().unwrap()
}

/// Score `Xᵀ w (y − μ) μ^(1−p)` (intercept first) at the fitted model.
fn score(m: &Glm, x: &Array2<f64>, y: &Array1<f64>, offset: &Array1<f64>, w: Option<&Array1<f64>>) -> Array1<f64> {
    let p = m.family.power();
    let mu = m.predict_mean(x.view(), Some(offset.view()));
    let r = Array1::from_iter((0..y.len()).map(|i| w.map_or(1.0, |w| w[i]) * (y[i] - mu[i]) * mu[i].powf(1.0 - p)));
    let mut g = Array1::zeros(x.ncols() + 1);
    g[0] = r.sum();
    g.slice_mut(s![1..]).assign(&x.t().dot(&r));
    g
}

#[test]
fn poisson_recovers_true_coefficients() {
    let (x, y, offset) = simulate_poisson(20_000, 7);
    let m = params(Family::Poisson).fit_offset(x.view(), y.view(), Some(offset.view()), None).unwrap();
    assert!(m.converged && m.iterations < 20, "{m:?}");
    assert!((m.intercept - TRUE_POISSON[0]).abs() < 0.05, "{m:?}");
    for j in 0..3 {
        assert!((m.coefficients[j] - TRUE_POISSON[j + 1]).abs() < 0.05, "{m:?}");
    }
    // headcount slope: SE ≈ 3.5e-5 here
    assert!((m.coefficients[3] - TRUE_POISSON[4]).abs() < 2e-4, "{m:?}");
    // MLE: the score vanishes (relative to the size of its terms)
    let g = score(&m, &x, &y, &offset, None);
    assert!(g[0].abs() < 1e-8 * y.sum(), "{g}");
    // with an intercept, Σ μ = Σ y exactly at the Poisson MLE
    let mu = m.predict_mean(x.view(), Some(offset.view()));
    assert!((mu.sum() - y.sum()).abs() < 1e-8 * y.sum());
}

/// Negative binomial counts: Poisson(μ × Gamma(k, 1/k)), so 1/θ = 1/k.
fn simulate_negative_binomial(n: usize, seed: u64, k: f64) -> (Array2<f64>, Array1<f64>, Array1<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (x, offset) = features(&mut rng, n);
    let mix = Gamma::new(k, 1.0 / k).unwrap();
    let y = true_mean(&x, &offset, &TRUE_POISSON).mapv(|m| {
        let lambda = m * mix.sample(&mut rng);
        if lambda > 0.0 { Poisson::new(lambda).unwrap().sample(&mut rng) } else { 0.0 }
    });
    (x, y, offset)
}

#[test]
fn negative_binomial_recovers_true_coefficients_and_solves_its_own_score() {
    let (x, y, offset) = simulate_negative_binomial(20_000, 11, 2.0);
    let alpha = 0.5;
    let m =
        params(Family::NegativeBinomial { alpha }).fit_offset(x.view(), y.view(), Some(offset.view()), None).unwrap();
    assert!(m.converged, "{m:?}");
    assert!((m.intercept - TRUE_POISSON[0]).abs() < 0.1, "{m:?}");
    for j in 0..3 {
        assert!((m.coefficients[j] - TRUE_POISSON[j + 1]).abs() < 0.08, "{m:?}");
    }
    // The NB score Σ x (y − μ)/(1 + αμ) vanishes at its MLE.
    let mu = m.predict_mean(x.view(), Some(offset.view()));
    let r: Array1<f64> = (0..y.len()).map(|i| (y[i] - mu[i]) / (1.0 + alpha * mu[i])).collect();
    assert!(r.sum().abs() < 1e-6 * y.sum(), "{}", r.sum());
    for j in 0..x.ncols() {
        let g = x.column(j).dot(&r);
        let size: f64 = x.column(j).iter().zip(&y).map(|(a, b)| (a * b).abs()).sum();
        assert!(g.abs() < 1e-6 * size, "column {j}: {g}");
    }
}

#[test]
fn negative_binomial_deviance_tends_to_poisson_and_alpha_is_checked() {
    for (y, eta) in [(0.0, 0.3), (3.0, 1.2), (12.0, 2.0)] {
        let poisson = Family::Poisson.unit_deviance(y, eta);
        let nb = Family::NegativeBinomial { alpha: 1e-9 }.unit_deviance(y, eta);
        assert!((poisson - nb).abs() < 1e-6, "{y} {eta}: {poisson} {nb}");
        // More variance: the same residual costs less deviance.
        let wide = Family::NegativeBinomial { alpha: 0.5 }.unit_deviance(y, eta);
        assert!(wide <= poisson + 1e-12, "{y} {eta}: {wide} {poisson}");
        assert_eq!(Family::NegativeBinomial { alpha: 0.0 }.unit_deviance(y, eta), poisson);
    }
    for alpha in [-0.1, f64::NAN, f64::INFINITY] {
        assert!(GlmParams::new(Family::NegativeBinomial { alpha }).check().is_err(), "{alpha}");
    }
}

#[test]
fn tweedie_and_gamma_recover_true_coefficients() {
    let (x, y, offset) = simulate_tweedie(20_000, 11, 1.5, 30.0);
    let zeros = y.iter().filter(|v| **v == 0.0).count();
    assert!(zeros > 2_000 && zeros < 15_000, "{zeros} zeros");
    let m = params(Family::Tweedie { power: 1.5 }).fit_offset(x.view(), y.view(), Some(offset.view()), None).unwrap();
    assert!(m.converged, "{m:?}");
    assert!((m.intercept - TRUE_TWEEDIE[0]).abs() < 0.1, "{m:?}");
    for j in 0..3 {
        assert!((m.coefficients[j] - TRUE_TWEEDIE[j + 1]).abs() < 0.05, "{m:?}");
    }
    assert!((m.coefficients[3] - TRUE_TWEEDIE[4]).abs() < 4e-4, "{m:?}");
    let g = score(&m, &x, &y, &offset, None);
    let scale: f64 = y.iter().map(|v| v.sqrt()).sum();
    assert!(g[0].abs() < 1e-8 * scale, "{g}");

    // gamma on the positive part: the mean model is the same
    let pos: Vec<usize> = (0..y.len()).filter(|&i| y[i] > 0.0).collect();
    let xp = x.select(ndarray::Axis(0), &pos);
    let yp = y.select(ndarray::Axis(0), &pos);
    let op = offset.select(ndarray::Axis(0), &pos);
    let g = params(Family::Gamma).fit_offset(xp.view(), yp.view(), Some(op.view()), None).unwrap();
    assert!(g.converged && g.deviance.is_finite(), "{g:?}");
    let sc = score(&g, &xp, &yp, &op, None);
    assert!(sc[0].abs() < 1e-8 * yp.len() as f64, "{sc}");
}

#[test]
fn offset_is_a_true_offset() {
    let (x, y, offset) = simulate_poisson(3_000, 3);
    let p = params(Family::Poisson);
    let m1 = p.fit_offset(x.view(), y.view(), Some(offset.view()), None).unwrap();
    let doubled = offset.mapv(|o| o + 2f64.ln()); // hours × 2
    let m2 = p.fit_offset(x.view(), y.view(), Some(doubled.view()), None).unwrap();
    for (a, b) in m1.coefficients.iter().zip(&m2.coefficients) {
        assert!((a - b).abs() < 1e-9, "{m1:?} vs {m2:?}");
    }
    assert!((m1.intercept - 2f64.ln() - m2.intercept).abs() < 1e-9);
    assert!((m1.deviance - m2.deviance).abs() < 1e-8 * m1.deviance);
    // the fitted model, with twice the hours, predicts twice the mean
    let mu1 = m1.predict_mean(x.view(), Some(offset.view()));
    let mu2 = m1.predict_mean(x.view(), Some(doubled.view()));
    for (a, b) in mu1.iter().zip(&mu2) {
        assert!((2.0 * a - b).abs() <= 1e-12 * b);
    }
    // and the offset is not just another free coefficient: without it the fit differs
    let m0 = p.fit_offset(x.view(), y.view(), None, None).unwrap();
    assert!((m0.intercept - m1.intercept).abs() > 1.0);
}

#[test]
fn intercept_only_and_badly_scaled_columns() {
    let (x, y, offset) = simulate_poisson(2_000, 37);
    let p = params(Family::Poisson);
    let none = Array2::<f64>::zeros((2_000, 0));
    let m = p.fit_offset(none.view(), y.view(), Some(offset.view()), None).unwrap();
    let expected = (y.sum() / offset.mapv(f64::exp).sum()).ln();
    assert!(m.coefficients.is_empty() && (m.intercept - expected).abs() < 1e-12, "{m:?}");

    // shifting a column only moves the intercept; rescaling only rescales its slope
    let base = p.fit_offset(x.view(), y.view(), Some(offset.view()), None).unwrap();
    let mut xs = x.clone();
    xs.column_mut(3).mapv_inplace(|v| v * 1e3 + 2.0e9); // headcount → huge, far from 0
    xs.column_mut(0).mapv_inplace(|v| v * 1e-4); // and a tiny-scale column
    let moved = p.fit_offset(xs.view(), y.view(), Some(offset.view()), None).unwrap();
    assert!(moved.converged, "{moved:?}");
    assert!((moved.coefficients[3] * 1e3 - base.coefficients[3]).abs() < 1e-9, "{moved:?}\n{base:?}");
    assert!((moved.coefficients[0] * 1e-4 - base.coefficients[0]).abs() < 1e-9, "{moved:?}\n{base:?}");
    assert!((moved.coefficients[1] - base.coefficients[1]).abs() < 1e-9);
    let (mu_base, mu_moved) =
        (base.predict_mean(x.view(), Some(offset.view())), moved.predict_mean(xs.view(), Some(offset.view())));
    for (a, b) in mu_base.iter().zip(&mu_moved) {
        assert!((a - b).abs() < 1e-6 * a, "{a} vs {b}");
    }

    // Tweedie powers near both ends still converge
    let (xt, yt, ot) = simulate_tweedie(2_000, 43, 1.5, 30.0);
    for power in [1.01, 1.99] {
        let m = params(Family::Tweedie { power }).fit_offset(xt.view(), yt.view(), Some(ot.view()), None).unwrap();
        assert!(m.converged && m.deviance.is_finite(), "{m:?}");
    }
}

#[test]
fn ridge_shrinks_slopes_but_not_the_intercept() {
    let (x, y, offset) = simulate_poisson(3_000, 5);
    let fit = |ridge: f64| {
        GlmParams::new(Family::Poisson)
            .ridge(ridge)
            .check()
            .unwrap()
            .fit_offset(x.view(), y.view(), Some(offset.view()), None)
            .unwrap()
    };
    let norm = |m: &Glm| m.coefficients[..3].iter().map(|b| b * b).sum::<f64>().sqrt();
    let (m0, m1, m2) = (fit(0.0), fit(100.0), fit(10_000.0));
    assert!(norm(&m0) > norm(&m1) && norm(&m1) > norm(&m2), "{m0:?}\n{m1:?}\n{m2:?}");
    // penalized stationarity: score = ridge·β for slopes, 0 for the intercept
    let g = score(&m1, &x, &y, &offset, None);
    assert!(g[0].abs() < 1e-8 * y.sum(), "{g}");
    for j in 0..4 {
        assert!((g[j + 1] - 100.0 * m1.coefficients[j]).abs() < 1e-6 * (1.0 + g[j + 1].abs()), "{g}");
    }
    // a huge ridge: slopes → 0 and the intercept → the intercept-only MLE, not 0
    let huge = fit(1e14);
    assert!(huge.coefficients.iter().all(|b| b.abs() < 1e-6), "{huge:?}");
    let intercept_only = (y.sum() / offset.mapv(f64::exp).sum()).ln();
    assert!((huge.intercept - intercept_only).abs() < 1e-4, "{huge:?} vs {intercept_only}");
}

#[test]
fn all_zero_target_gives_a_tiny_finite_mean() {
    let (x, _, offset) = simulate_poisson(500, 9);
    let y = Array1::zeros(500);
    for family in [Family::Poisson, Family::Tweedie { power: 1.5 }] {
        for ridge in [0.0f64, 1.0] {
            let m = GlmParams::new(family)
                .ridge(ridge)
                .check()
                .unwrap()
                .fit_offset(x.view(), y.view(), Some(offset.view()), None)
                .unwrap();
            assert!(m.converged, "{m:?}");
            assert!(m.intercept.is_finite() && m.deviance.is_finite() && m.deviance >= 0.0, "{m:?}");
            let mu = m.predict_mean(x.view(), Some(offset.view()));
            assert!(mu.iter().all(|v| v.is_finite() && *v > 0.0 && *v < 1e-6), "{m:?}");
        }
    }
    // all non-zero targets carry zero weight: same thing
    let mut y = Array1::zeros(500);
    y[0] = 3.0;
    let mut w = Array1::ones(500);
    w[0] = 0.0;
    let m = params(Family::Poisson).fit_offset(x.view(), y.view(), None, Some(w.view())).unwrap();
    assert!(m.converged && m.intercept.is_finite() && m.intercept < -15.0, "{m:?}");
}

#[test]
fn quasi_separation_stops_with_finite_values() {
    // a binary column whose rows all have y = 0: its MLE slope is −∞
    let (mut x, mut y, offset) = simulate_poisson(2_000, 13);
    for i in 0..y.len() {
        if x[[i, 2]] == 1.0 {
            y[i] = 0.0;
        }
    }
    x.column_mut(3).mapv_inplace(|v| v / 100.0);
    let m = params(Family::Poisson).fit_offset(x.view(), y.view(), Some(offset.view()), None).unwrap();
    assert!(m.converged && m.iterations < 60, "{m:?}");
    assert!(m.coefficients[2] < -10.0 && m.coefficients.iter().all(|b| b.is_finite()), "{m:?}");
    // with a ridge it's a proper optimum
    let r = GlmParams::new(Family::Poisson).ridge(1.0).check().unwrap();
    let m = r.fit_offset(x.view(), y.view(), Some(offset.view()), None).unwrap();
    assert!(m.converged && m.iterations < 30 && m.coefficients[2] > -10.0, "{m:?}");
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let x = array![[0.0, 1.0], [1.0, 0.5], [2.0, 0.25], [3.0, 0.0]];
    let y = array![1.0, 0.0, 2.0, 5.0];
    let p = params(Family::Poisson);
    let fit = |x: &Array2<f64>, y: &Array1<f64>, o: Option<&Array1<f64>>, w: Option<&Array1<f64>>| {
        p.fit_offset(x.view(), y.view(), o.map(|o| o.view()), w.map(|w| w.view()))
    };
    assert!(fit(&x, &y, None, None).is_ok());
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let mut xb = x.clone();
        xb[[2, 1]] = bad;
        assert!(matches!(fit(&xb, &y, None, None), Err(GlmError::NonFinite(_))));
        let mut yb = y.clone();
        yb[3] = bad;
        assert!(matches!(fit(&x, &yb, None, None), Err(GlmError::NonFinite(_))));
        let ob = array![0.0, bad, 0.0, 0.0];
        assert!(matches!(fit(&x, &y, Some(&ob), None), Err(GlmError::NonFinite(_))));
        let wb = array![1.0, 1.0, bad, 1.0];
        assert!(matches!(fit(&x, &y, None, Some(&wb)), Err(GlmError::NonFinite(_))));
    }
    let yneg = array![1.0, -1.0, 2.0, 5.0];
    assert!(matches!(fit(&x, &yneg, None, None), Err(GlmError::Domain(_))));
    let gamma = params(Family::Gamma);
    assert!(matches!(gamma.fit_offset(x.view(), y.view(), None, None), Err(GlmError::Domain(_))));
    assert!(matches!(fit(&x, &y, None, Some(&array![1.0, -0.5, 1.0, 1.0])), Err(GlmError::Domain(_))));
    assert!(matches!(fit(&x, &y, None, Some(&Array1::zeros(4))), Err(GlmError::Domain(_))));
    assert!(matches!(fit(&x, &array![1.0, 2.0], None, None), Err(GlmError::Shape(_))));
    assert!(matches!(fit(&x, &y, Some(&array![0.0]), None), Err(GlmError::Shape(_))));
    assert!(matches!(fit(&x, &y, None, Some(&array![1.0])), Err(GlmError::Shape(_))));
    assert!(matches!(fit(&Array2::zeros((0, 2)), &Array1::zeros(0), None, None), Err(GlmError::Shape(_))));
    // collinear and constant columns
    let xc = array![[0.0, 0.0], [1.0, 2.0], [2.0, 4.0], [3.0, 6.0]];
    assert!(matches!(fit(&xc, &y, None, None), Err(GlmError::Singular(_))));
    let xz = array![[0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [3.0, 0.0]];
    assert!(matches!(fit(&xz, &y, None, None), Err(GlmError::Singular(_))));
    // ... which a ridge resolves (the intercept stays unpenalized)
    let r = GlmParams::new(Family::Poisson).ridge(1e-3).check().unwrap();
    assert!(r.fit_offset(xc.view(), y.view(), None, None).unwrap().converged);
}

#[test]
fn invalid_params_are_typed_errors() {
    let bad = |p: GlmParams, name: &str| match p.check() {
        Err(GlmError::InvalidParams { name: n, .. }) => assert_eq!(n, name),
        other => panic!("{other:?}"),
    };
    bad(GlmParams::default().ridge(-1.0), "ridge");
    bad(GlmParams::default().ridge(f64::NAN), "ridge");
    bad(GlmParams::default().max_iter(0), "max_iter");
    bad(GlmParams::default().tol(0.0), "tol");
    bad(GlmParams::default().tol(f64::NAN), "tol");
    for power in [1.0, 2.0, 0.5, 3.0, f64::NAN] {
        bad(GlmParams::new(Family::Tweedie { power }), "power");
    }
    assert!(GlmParams::new(Family::Tweedie { power: 1.2 }).ridge(0.5).max_iter(5).tol(1e-6).check().is_ok());
    // through the linfa ParamGuard/Fit path too
    let ds = Dataset::new(array![[0.0], [1.0]], array![1.0, 2.0]);
    assert!(matches!(GlmParams::default().ridge(-1.0).fit(&ds), Err(GlmError::InvalidParams { .. })));
}

#[test]
fn max_iter_exhaustion_is_reported() {
    let (x, y, offset) = simulate_poisson(1_000, 17);
    let p = GlmParams::new(Family::Poisson).max_iter(2).check().unwrap();
    let m = p.fit_offset(x.view(), y.view(), Some(offset.view()), None).unwrap();
    assert!(!m.converged && m.iterations == 2);
    assert!(matches!(m.ensure_converged(), Err(GlmError::NotConverged { iterations: 2 })));
}

#[test]
fn weights_equal_replicated_rows() {
    let (x, y, offset) = simulate_poisson(1_000, 19);
    let w = Array1::from_iter((0..1_000).map(|i| (i % 3) as f64)); // 0, 1, 2
    let idx: Vec<usize> = (0..1_000).flat_map(|i| std::iter::repeat_n(i, i % 3)).collect();
    let p = params(Family::Tweedie { power: 1.4 });
    let yc = y.mapv(|v| v * 37.5); // any non-negative target works for Tweedie
    let mw = p.fit_offset(x.view(), yc.view(), Some(offset.view()), Some(w.view())).unwrap();
    let (xr, yr, or) = (x.select(ndarray::Axis(0), &idx), yc.select(ndarray::Axis(0), &idx), {
        offset.select(ndarray::Axis(0), &idx)
    });
    let mr = p.fit_offset(xr.view(), yr.view(), Some(or.view()), None).unwrap();
    assert!((mw.intercept - mr.intercept).abs() < 1e-9, "{mw:?}\n{mr:?}");
    for (a, b) in mw.coefficients.iter().zip(&mr.coefficients) {
        assert!((a - b).abs() < 1e-9, "{mw:?}\n{mr:?}");
    }
    assert!((mw.deviance - mr.deviance).abs() < 1e-9 * mr.deviance);
}

#[test]
fn fit_is_deterministic() {
    let (x, y, offset) = simulate_tweedie(2_000, 23, 1.6, 10.0);
    let p = params(Family::Tweedie { power: 1.6 });
    let a = p.fit_offset(x.view(), y.view(), Some(offset.view()), None).unwrap();
    let b = p.fit_offset(x.view(), y.view(), Some(offset.view()), None).unwrap();
    assert_eq!(a, b);
}

#[test]
fn serde_round_trip_is_bit_exact() {
    for family in [Family::Poisson, Family::Tweedie { power: 1.0 + 1.0 / 3.0 }, Family::Gamma] {
        let s = serde_json::to_string(&family).unwrap();
        let back: Family = serde_json::from_str(&s).unwrap();
        assert_eq!(back, family);
        assert_eq!(back.power().to_bits(), family.power().to_bits());
    }
    assert_eq!(serde_json::to_string(&Family::Tweedie { power: 1.5 }).unwrap(), r#"{"family":"tweedie","power":1.5}"#);
    assert_eq!(serde_json::to_string(&Family::Poisson).unwrap(), r#"{"family":"poisson"}"#);

    let p = GlmParams::new(Family::Tweedie { power: 1.7 }).ridge(0.1 + 0.2).max_iter(37).tol(1e-11 / 3.0);
    let s = serde_json::to_string(&p).unwrap();
    let back: GlmParams = serde_json::from_str(&s).unwrap();
    assert_eq!(back, p);
    let v = back.clone().check().unwrap();
    assert_eq!(v.ridge().to_bits(), (0.1f64 + 0.2).to_bits());
    assert_eq!(v.tol().to_bits(), (1e-11f64 / 3.0).to_bits());
    let vs: GlmValidParams = serde_json::from_str(&serde_json::to_string(&v).unwrap()).unwrap();
    assert_eq!(vs, v);
    // defaults for missing fields; unchecked params load even when invalid, checked ones don't
    let d: GlmParams = serde_json::from_str(r#"{"family":{"family":"poisson"}}"#).unwrap();
    assert_eq!(d, GlmParams::default());
    let invalid = r#"{"family":{"family":"tweedie","power":2.5}}"#;
    assert!(serde_json::from_str::<GlmParams>(invalid).is_ok());
    assert!(serde_json::from_str::<GlmValidParams>(invalid).is_err());
    assert!(serde_json::from_str::<GlmParams>(r#"{"family":{"family":"poisson"},"rigde":1}"#).is_err());

    let (x, y, offset) = simulate_poisson(500, 29);
    let m = params(Family::Poisson).fit_offset(x.view(), y.view(), Some(offset.view()), None).unwrap();
    let mut odd = m.clone();
    odd.coefficients.extend([5e-324, -0.0, 1.0 / 3.0, f64::MAX, -f64::MIN_POSITIVE]);
    for model in [m, odd] {
        let s = serde_json::to_string(&model).unwrap();
        let back: Glm = serde_json::from_str(&s).unwrap();
        assert_eq!(back.intercept.to_bits(), model.intercept.to_bits());
        assert_eq!(back.deviance.to_bits(), model.deviance.to_bits());
        let bits = |v: &[f64]| v.iter().map(|b| b.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&back.coefficients), bits(&model.coefficients));
        assert_eq!((back.family, back.iterations, back.converged), (model.family, model.iterations, model.converged));
    }
}

#[test]
fn linfa_fit_and_predict_match_fit_offset() {
    let (x, y, _) = simulate_poisson(2_000, 31);
    let p = params(Family::Poisson);
    let direct = p.fit_offset(x.view(), y.view(), None, None).unwrap();

    let ds = Dataset::new(x.clone(), y.clone());
    let via_valid: Glm = p.fit(&ds).unwrap();
    let via_params: Glm = GlmParams::new(Family::Poisson).fit(&ds).unwrap();
    assert_eq!(via_valid, direct);
    assert_eq!(via_params, direct);
    let pred: Array1<f64> = via_valid.predict(&x);
    assert_eq!(pred, direct.predict_mean(x.view(), None));
    let pred_ds = via_valid.predict(&ds);
    assert_eq!(pred_ds, pred);

    // dataset weights (f32 in linfa) are the sample weights
    let w32 = Array1::from_iter((0..2_000).map(|i| 0.5 + (i % 4) as f32 * 0.25));
    let wds = Dataset::new(x.clone(), y.clone()).with_weights(w32.clone());
    let weighted: Glm = p.fit(&wds).unwrap();
    let w64 = w32.mapv(f64::from);
    let direct_w = p.fit_offset(x.view(), y.view(), None, Some(w64.view())).unwrap();
    assert_eq!(weighted, direct_w);
    assert_ne!(weighted, direct);
}

/// `cargo test --release --lib model::glm::tests::timing_50k_by_40 -- --ignored --nocapture`
#[test]
#[ignore = "timing; run in release"]
fn timing_50k_by_40() {
    let (n, k) = (50_000, 40);
    let mut rng = ChaCha8Rng::seed_from_u64(41);
    let normal = Normal::new(0.0, 1.0).unwrap();
    let mut x = Array2::zeros((n, k));
    for v in x.iter_mut() {
        *v = normal.sample(&mut rng);
    }
    for i in 0..n {
        x[[i, k - 1]] = f64::from(rng.gen_range(10u32..=500)); // one headcount-scale column
        x[[i, k - 2]] = if rng.gen_bool(0.2) { 1.0 } else { 0.0 };
    }
    let beta = Array1::from_iter((0..k).map(|j| if j == k - 1 { 0.001 } else { 0.05 * ((j % 7) as f64 - 3.0) }));
    let offset = Array1::from_iter((0..n).map(|_| rng.gen_range(6.0..9.0)));
    let eta = x.dot(&beta) + &offset - 8.0;
    let y = eta.mapv(|e| Poisson::new(e.exp()).unwrap().sample(&mut rng));
    for family in [Family::Poisson, Family::Tweedie { power: 1.5 }] {
        let p = params(family);
        let t = std::time::Instant::now();
        let m = p.fit_offset(x.view(), y.view(), Some(offset.view()), None).unwrap();
        let dt = t.elapsed();
        println!("{family:?}: {n}×{k} fit in {dt:?}, {} iterations, converged {}", m.iterations, m.converged);
        assert!(m.converged);
    }
}

/// Sparse rows of a department-style design: a level per group (indicator),
/// a trend, and a sine, with a constant column and a column that is often absent.
fn sparse_rows(n: usize, groups: usize, rng: &mut ChaCha8Rng) -> Vec<Vec<(usize, f64)>> {
    (0..n)
        .map(|i| {
            let g = i % groups;
            let t = (i / groups) as f64 / 12.0 - 5.0;
            let mut row = vec![(g, 1.0), (groups, t), (groups + 1, (t * 6.3).sin()), (groups + 2, 1.0)];
            if rng.gen_bool(0.2) {
                row.push((groups + 3, rng.gen_range(0.5..2.0)));
            }
            row
        })
        .collect()
}

#[test]
fn sparse_rows_fit_the_dense_design_to_rounding() {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let (n, groups) = (2400, 20);
    let rows = sparse_rows(n, groups, &mut rng);
    let k = groups + 4;
    let x = super::design::densify(&rows, k);
    let level: Vec<f64> = (0..groups).map(|_| rng.gen_range(-0.5..0.5)).collect();
    let offset: Array1<f64> = (0..n).map(|_| rng.gen_range(1.0..3.0)).collect();
    let weight: Array1<f64> = (0..n).map(|i| 0.5f64.powf((n - i) as f64 / 1000.0)).collect();
    let y: Array1<f64> = (0..n)
        .map(|i| {
            let mu = (-1.0 + level[i % groups] + 0.05 * x[[i, groups]] + 0.2 * x[[i, groups + 1]] + offset[i]).exp();
            Poisson::new(mu).unwrap().sample(&mut rng)
        })
        .collect();
    for ridge in [0.0f64, 1.0] {
        // The ones column duplicates the intercept: only a ridge makes it estimable.
        let p = GlmParams::new(Family::Poisson).ridge(ridge.max(1e-6)).check().unwrap();
        let dense = p.fit_offset(x.view(), y.view(), Some(offset.view()), Some(weight.view())).unwrap();
        let sparse = p.fit_offset_sparse(&rows, k, y.view(), Some(offset.view()), Some(weight.view())).unwrap();
        assert!(dense.converged && sparse.converged);
        let mu_d = dense.predict_mean(x.view(), Some(offset.view()));
        let mu_s = sparse.predict_mean(x.view(), Some(offset.view()));
        let worst = mu_d.iter().zip(&mu_s).map(|(a, b)| ((a - b) / a).abs()).fold(0.0, f64::max);
        assert!(worst < 1e-8, "ridge {ridge}: fitted means differ by {worst:e}");
        assert!((dense.deviance - sparse.deviance).abs() < 1e-7 * dense.deviance);
    }
}

#[test]
fn bad_sparse_rows_are_errors() {
    let p = params(Family::Poisson);
    let y = array![1.0, 2.0];
    let fit = |rows: &[Vec<(usize, f64)>]| p.fit_offset_sparse(rows, 2, y.view(), None, None).unwrap_err().to_string();
    assert!(fit(&[vec![(0, 1.0)], vec![(2, 1.0)]]).contains("column 2, the design has 2"));
    assert!(fit(&[vec![(0, 1.0), (0, 2.0)], vec![]]).contains("column 0 twice"));
    assert!(fit(&[vec![(1, f64::NAN)], vec![]]).contains("NaN"));
    assert!(p.fit_offset_sparse(&[vec![(0, 1.0)]], 2, y.view(), None, None).is_err(), "y of the wrong length");
}
