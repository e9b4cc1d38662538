//! The IRLS fit behind [`GlmValidParams::fit_offset`]: input checks, the internally
//! standardised design, the starting intercept, and the iterations with step halving that
//! follow the algorithm and convergence rule of the `glm` module docs; plus linfa's `Fit`.

use linfa::dataset::{AsSingleTargets, DatasetBase};
use linfa::traits::Fit;
use linfa_linalg::cholesky::CholeskyInplace;
use linfa_linalg::triangular::{SolveTriangularInplace, UPLO};
use ndarray::{Array1, ArrayBase, ArrayView1, ArrayView2, Data, Ix2};

use super::design::{self, Design, Transform};
use super::family::clamp_eta;
use super::{Family, Glm, GlmError, GlmValidParams};

/// Maximum number of step halvings in one iteration.
const MAX_HALVINGS: usize = 50;
/// Relative change of the penalized deviance below which an iteration counts as stalled.
const STALL_RTOL: f64 = 1e-13;
/// Consecutive stalled iterations that stop the fit.
const STALL_ITERS: usize = 3;
/// Weighted mean of μ returned when every weighted target is zero.
const ZERO_TARGET_MEAN: f64 = 1e-8;
/// A Cholesky pivot² below this fraction of its diagonal entry means collinear columns.
const COLLINEAR_RTOL: f64 = 1e-12;

fn max_abs(a: &Array1<f64>) -> f64 {
    a.iter().fold(0.0, |m, v| m.max(v.abs()))
}

fn check_finite(name: &str, v: ArrayView1<f64>) -> Result<(), GlmError> {
    match v.iter().position(|x| !x.is_finite()) {
        Some(i) => Err(GlmError::NonFinite(format!("{name}[{i}] = {}", v[i]))),
        None => Ok(()),
    }
}

/// Data for one fit. `design` is the intercept column followed by the centred and scaled
/// columns of `x`; `penalty[j]` is the ridge weight on internal coefficient `j` (0 for the
/// intercept, `ridge / scale_j²` for slope `j`, which is `ridge·βⱼ²` on the original scale).
struct Problem<'a, D: Design> {
    family: Family,
    penalty: Array1<f64>,
    design: D,
    y: ArrayView1<'a, f64>,
    offset: Array1<f64>,
    weights: Array1<f64>,
}

impl<D: Design> Problem<'_, D> {
    /// Weighted deviance for linear predictors without offset `lin = Xβ`.
    fn deviance(&self, lin: &Array1<f64>) -> f64 {
        let mut dev = 0.0;
        for i in 0..lin.len() {
            let w = self.weights[i];
            if w > 0.0 {
                dev += w * self.family.unit_deviance(self.y[i], clamp_eta(lin[i] + self.offset[i]));
            }
        }
        dev
    }

    /// Penalized objective `D + ridge·Σ slopes²` and the plain deviance `D`.
    fn objective(&self, gamma: &Array1<f64>, lin: &Array1<f64>) -> (f64, f64) {
        let dev = self.deviance(lin);
        let pen: f64 = gamma.iter().zip(&self.penalty).map(|(g, p)| p * g * g).sum();
        (dev + pen, dev)
    }

    /// Solves the IRLS normal equations at `lin = Xβ`. With `check_collinear`, also rejects
    /// pivots showing a column that is (nearly) a linear combination of the preceding ones.
    fn irls_solve(&self, lin: &Array1<f64>, check_collinear: bool) -> Result<Array1<f64>, GlmError> {
        let n = lin.len();
        let mut big_w = Array1::<f64>::zeros(n);
        let mut wz = Array1::<f64>::zeros(n);
        for i in 0..n {
            let w = self.weights[i];
            if w > 0.0 {
                let eta = clamp_eta(lin[i] + self.offset[i]);
                let mu = eta.exp();
                let (weight, score) = self.family.irls_factors(eta);
                big_w[i] = w * weight; // w·μ²/V(μ)
                // W·z = W·(η − offset) + w·(y − μ)·μ/V(μ), without dividing by μ
                wz[i] = big_w[i] * lin[i] + w * (self.y[i] - mu) * score;
            }
        }
        let (mut xtwx, rhs) = self.design.normal(&big_w, &wz);
        let q = xtwx.nrows();
        for j in 0..q {
            xtwx[[j, j]] += self.penalty[j];
        }
        let diag: Vec<f64> = (0..q).map(|j| xtwx[[j, j]]).collect();
        let mut rhs = rhs.insert_axis(ndarray::Axis(1));

        xtwx.cholesky_inplace().map_err(|e| {
            GlmError::Singular(format!("Cholesky of XᵀWX failed ({e}); constant, empty or collinear columns?"))
        })?;
        for (j, &d) in diag.iter().enumerate() {
            let pivot = xtwx[[j, j]];
            let independent = pivot * pivot > COLLINEAR_RTOL * d; // false for NaN too
            if check_collinear && !independent {
                let what = if j == 0 { "the intercept".to_string() } else { format!("column {}", j - 1) };
                return Err(GlmError::Singular(format!(
                    "{what} is (nearly) a linear combination of the preceding columns"
                )));
            }
        }
        xtwx.solve_triangular_inplace(&mut rhs, UPLO::Lower)
            .and_then(|r| xtwx.t().solve_triangular_inplace(r, UPLO::Upper))
            .map_err(|e| GlmError::Singular(format!("triangular solve failed: {e}")))?;
        let solution = rhs.column(0).to_owned();
        if solution.iter().any(|v| !v.is_finite()) {
            return Err(GlmError::Singular("the IRLS solve overflowed (non-finite coefficients)".into()));
        }
        Ok(solution)
    }
}

/// Where IRLS starts: slopes 0 and an intercept.
enum Start {
    /// Every weighted target is zero, so the maximum-likelihood intercept is −∞; this is the
    /// intercept of a tiny mean instead, and the fit ends there.
    ZeroTargets(f64),
    /// The intercept matching the weighted total, `Σ w·exp(β₀ + offset) = Σ w·y`.
    Intercept(f64),
}

impl<D: Design> Problem<'_, D> {
    /// The starting intercept (slopes 0).
    fn start(&self) -> Result<Start, GlmError> {
        let sum_w: f64 = self.weights.sum();
        if sum_w <= 0.0 {
            return Err(GlmError::Domain("weights sum to zero".into()));
        }
        let sum_wy: f64 = self.weights.iter().zip(self.y.iter()).map(|(w, y)| w * y).sum();
        // ln Σ w·exp(offset), computed stably
        let max_off = self
            .offset
            .iter()
            .zip(self.weights.iter())
            .filter(|(_, w)| **w > 0.0)
            .fold(f64::NEG_INFINITY, |m, (o, _)| m.max(*o));
        let sum_w_exp: f64 = self.offset.iter().zip(self.weights.iter()).map(|(o, w)| w * (o - max_off).exp()).sum();
        let ln_sum_w_exp = max_off + sum_w_exp.ln();

        if !sum_wy.is_finite() || !sum_w.is_finite() {
            return Err(GlmError::NonFinite("the weighted sum of y or of the weights overflows".into()));
        }
        if sum_wy <= 0.0 {
            return Ok(Start::ZeroTargets((ZERO_TARGET_MEAN * sum_w).ln() - ln_sum_w_exp));
        }
        Ok(Start::Intercept(sum_wy.ln() - ln_sum_w_exp))
    }
}

impl GlmValidParams {
    /// Fits the GLM to `x` (n × k, without an intercept column: one is always added),
    /// targets `y`, an optional offset on the linear-predictor scale (e.g. `ln(hours)`),
    /// and optional non-negative sample weights (IRLS weights `w·μ²⁻ᵖ`, the same as
    /// statsmodels' `var_weights`; integer weights equal replicated rows).
    pub fn fit_offset(
        &self,
        x: ArrayView2<f64>,
        y: ArrayView1<f64>,
        offset: Option<ArrayView1<f64>>,
        weights: Option<ArrayView1<f64>>,
    ) -> Result<Glm, GlmError> {
        self.check_inputs(x, y, offset, weights)?;
        let (design, penalty) = design::dense(x, self.ridge());
        self.fit_design(design, penalty, y, offset, weights)
    }

    /// [`Self::fit_offset`] with `x` given as sparse rows: row `i`'s `(column, value)`
    /// entries, `k` columns in all (no column twice in a row). The fit is the dense one's
    /// to rounding, at the cost of the non-zeros: for designs of indicators (a level per
    /// department) it is what keeps a fit on thousands of rows and hundreds of columns fast.
    pub fn fit_offset_sparse(
        &self,
        rows: &[Vec<(usize, f64)>],
        k: usize,
        y: ArrayView1<f64>,
        offset: Option<ArrayView1<f64>>,
        weights: Option<ArrayView1<f64>>,
    ) -> Result<Glm, GlmError> {
        check_sparse(rows, k)?;
        self.check_vectors(rows.len(), y, offset, weights)?;
        let (design, penalty) = design::sparse(rows, k, self.ridge());
        self.fit_design(design, penalty, y, offset, weights)
    }

    /// The fit of checked inputs on either design, from the starting intercept.
    fn fit_design<D: Design>(
        &self,
        design: D,
        penalty: Array1<f64>,
        y: ArrayView1<f64>,
        offset: Option<ArrayView1<f64>>,
        weights: Option<ArrayView1<f64>>,
    ) -> Result<Glm, GlmError> {
        let n = y.len();
        let problem = Problem {
            family: self.family(),
            penalty,
            design,
            y,
            offset: offset.map_or_else(|| Array1::zeros(n), |o| o.to_owned()),
            weights: weights.map_or_else(|| Array1::ones(n), |w| w.to_owned()),
        };
        let problem = &problem;
        let transform = problem.design.transform();
        let mut beta = Array1::<f64>::zeros(problem.design.width());
        match problem.start()? {
            Start::ZeroTargets(intercept) => {
                beta[0] = intercept;
                let lin = problem.design.dot(&beta);
                Ok(self.model(transform, &beta, 0, true, problem.deviance(&lin)))
            }
            Start::Intercept(intercept) => {
                beta[0] = intercept;
                self.iterate(problem, transform, beta)
            }
        }
    }

    /// Rejects inputs of inconsistent lengths, with no rows, not finite, or outside the
    /// family's domain, before any arithmetic.
    fn check_inputs(
        &self,
        x: ArrayView2<f64>,
        y: ArrayView1<f64>,
        offset: Option<ArrayView1<f64>>,
        weights: Option<ArrayView1<f64>>,
    ) -> Result<(), GlmError> {
        if let Some(((i, j), v)) = x.indexed_iter().find(|(_, v)| !v.is_finite()) {
            return Err(GlmError::NonFinite(format!("x[{i}, {j}] = {v}")));
        }
        self.check_vectors(x.nrows(), y, offset, weights)
    }

    /// Rejects `y`, offset and weights of the wrong length, not finite, or outside the
    /// family's domain, and designs without rows.
    fn check_vectors(
        &self,
        n: usize,
        y: ArrayView1<f64>,
        offset: Option<ArrayView1<f64>>,
        weights: Option<ArrayView1<f64>>,
    ) -> Result<(), GlmError> {
        if n == 0 {
            return Err(GlmError::Shape("no rows".into()));
        }
        if y.len() != n {
            return Err(GlmError::Shape(format!("y has {} rows, x has {n}", y.len())));
        }
        for (name, len) in [("offset", offset.map(|v| v.len())), ("weights", weights.map(|v| v.len()))] {
            if let Some(len) = len
                && len != n
            {
                return Err(GlmError::Shape(format!("{name} has {len} rows, x has {n}")));
            }
        }
        check_finite("y", y)?;
        if let Some(o) = offset {
            check_finite("offset", o)?;
        }
        if let Some(w) = weights {
            check_finite("weights", w)?;
            if let Some(i) = w.iter().position(|&v| v < 0.0) {
                return Err(GlmError::Domain(format!("weights[{i}] = {} is negative", w[i])));
            }
        }
        let family = self.family();
        if let Some(i) = y.iter().position(|&v| !family.in_domain(v)) {
            let need = if family == Family::Gamma { "> 0" } else { ">= 0" };
            return Err(GlmError::Domain(format!("y[{i}] = {} but the {family:?} family needs y {need}", y[i])));
        }
        Ok(())
    }

    /// The IRLS iterations from the starting coefficients `beta`, each step halved until the
    /// penalized deviance does not rise, until the convergence rule is met or `max_iter`
    /// runs out.
    fn iterate<D: Design>(
        &self,
        problem: &Problem<'_, D>,
        transform: &Transform,
        mut beta: Array1<f64>,
    ) -> Result<Glm, GlmError> {
        let (tol, max_iter) = (self.tol(), self.max_iter());
        let mut lin = problem.design.dot(&beta);
        let (mut obj, mut dev) = problem.objective(&beta, &lin);
        let mut stalled_iters = 0;
        for iter in 1..=max_iter {
            let target = problem.irls_solve(&lin, iter == 1)?;
            let mut step = &target - &beta;
            let mut halvings = 0;
            loop {
                let max_step = max_abs(&step);
                let cand = &beta + &step;
                let cand_lin = problem.design.dot(&cand);
                let (cand_obj, cand_dev) = problem.objective(&cand, &cand_lin);
                // Accept unless the objective rises by more than rounding noise.
                let noise = STALL_RTOL * (obj.abs() + 0.1);
                if cand_obj <= obj + noise {
                    if (obj - cand_obj).abs() <= noise {
                        stalled_iters += 1;
                    } else {
                        stalled_iters = 0;
                    }
                    (beta, lin, obj, dev) = (cand, cand_lin, cand_obj, cand_dev);
                    if max_step < tol || stalled_iters >= STALL_ITERS {
                        return Ok(self.model(transform, &beta, iter, true, dev));
                    }
                    break;
                }
                if max_step < tol {
                    // Not even a step below tol keeps the deviance: optimal to rounding.
                    return Ok(self.model(transform, &beta, iter, true, dev));
                }
                halvings += 1;
                if halvings > MAX_HALVINGS {
                    return Err(GlmError::NotConverged { iterations: iter });
                }
                step *= 0.5;
            }
        }
        Ok(self.model(transform, &beta, max_iter, false, dev))
    }

    /// Back-transforms internal coefficients `gamma` to the original column scale:
    /// `βⱼ = γⱼ / scaleⱼ`, `β₀ = γ₀ − Σ βⱼ·centerⱼ`.
    fn model(&self, t: &Transform, gamma: &Array1<f64>, iterations: usize, converged: bool, deviance: f64) -> Glm {
        let coefficients: Vec<f64> = gamma.iter().skip(1).zip(&t.scale).map(|(g, s)| g / s).collect();
        let shift: f64 = coefficients.iter().zip(&t.center).map(|(b, c)| b * c).sum();
        Glm { family: self.family(), intercept: gamma[0] - shift, coefficients, iterations, converged, deviance }
    }
}

impl<D: Data<Elem = f64>, T: AsSingleTargets<Elem = f64>> Fit<ArrayBase<D, Ix2>, T, GlmError> for GlmValidParams {
    type Object = Glm;

    /// Fits without offset; the dataset's weights (if any) are the sample weights.
    fn fit(&self, dataset: &DatasetBase<ArrayBase<D, Ix2>, T>) -> Result<Glm, GlmError> {
        let y = dataset.targets.as_single_targets();
        let weights: Option<Array1<f64>> = dataset.weights().map(|w| w.iter().map(|&v| f64::from(v)).collect());
        self.fit_offset(dataset.records.view(), y, None, weights.as_ref().map(|w| w.view()))
    }
}

/// Rejects sparse rows with a column out of range, twice in a row, or a value not finite.
fn check_sparse(rows: &[Vec<(usize, f64)>], k: usize) -> Result<(), GlmError> {
    for (i, row) in rows.iter().enumerate() {
        for (at, &(j, v)) in row.iter().enumerate() {
            if j >= k {
                return Err(GlmError::Shape(format!("row {i} has column {j}, the design has {k}")));
            }
            if row[..at].iter().any(|&(other, _)| other == j) {
                return Err(GlmError::Shape(format!("row {i} has column {j} twice")));
            }
            if !v.is_finite() {
                return Err(GlmError::NonFinite(format!("x[{i}, {j}] = {v}")));
            }
        }
    }
    Ok(())
}
