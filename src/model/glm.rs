//! Log-link generalized linear model (Poisson, Tweedie 1 < p < 2, gamma) fitted by
//! iteratively reweighted least squares (IRLS), with a true offset, sample weights and an
//! optional ridge penalty. It is the engine behind the frequency (injuries per hour worked)
//! and cost models.
//!
//! # Why not `linfa-linear`'s `TweedieRegressor`
//!
//! `linfa-linear` 0.8.1 fits Tweedie GLMs with L-BFGS and a More–Thuente line search, and
//! that doesn't work for this project (see `shared/notes/rust-stack.md`, section 1):
//!
//! * on realistic data (≥ 1,000 rows, unscaled columns such as headcount) the line search
//!   **never returns**: its objective is a *sum* of deviances, so the gradient grows with n;
//! * with `power = 1` (Poisson) the deviance is mis-scaled (`2·y·ln(y/μ) − y + μ` instead of
//!   `2·(y·ln(y/μ) − y + μ)`) while the gradient uses the correct formula, so fits are
//!   biased;
//! * it takes neither an **offset** (log hours worked, so the model is a rate) nor **sample
//!   weights**.
//!
//! # Model
//!
//! `η = β₀ + x·β + offset`, `μ = exp(η)`, variance `V(μ) = μᵖ` with `p = 1` for
//! [`Family::Poisson`], `p ∈ (1, 2)` for [`Family::Tweedie`] (compound Poisson–gamma:
//! non-negative costs with exact zeros) and `p = 2` for [`Family::Gamma`] (`y > 0`).
//! The fit minimises the penalized deviance
//!
//! ```text
//! D(β) + ridge · Σⱼ βⱼ²      D(β) = Σᵢ wᵢ · d(yᵢ, μᵢ)      (j over slopes only)
//! ```
//!
//! where `d` is the family's unit deviance (Poisson `2[y ln(y/μ) − (y − μ)]`, with
//! `y ln(y/μ) = 0` at `y = 0`; Tweedie `2[y²⁻ᵖ/((1−p)(2−p)) − yμ¹⁻ᵖ/(1−p) + μ²⁻ᵖ/(2−p)]`;
//! gamma `2[(y − μ)/μ − ln(y/μ)]`). This is the deviance statsmodels reports, and with
//! `ridge = 0` the estimates are those of `statsmodels.GLM(..., offset=, var_weights=)`
//! (checked to ~1e-11 by `tests/glm_fixture.rs`). Weights multiply the IRLS working
//! weights; integer weights are equivalent to replicated rows.
//!
//! The ridge term is on the **original column scale** and on the *sum* (not the mean) of
//! deviances, so its strength is relative to the amount of data; it never touches the
//! intercept. Standardise the columns first if they should be penalised equally.
//!
//! # Algorithm
//!
//! 1. Internally each column of `x` is centred and scaled to unit standard deviation
//!    (constant columns only centred), which keeps `XᵀWX` well conditioned when columns
//!    have very different scales (a binary flag next to a headcount or a year). The
//!    penalty becomes `ridge / sdⱼ²` on the scaled coefficient, which is exactly
//!    `ridge·βⱼ²` on the original scale, and the result is back-transformed exactly
//!    (`βⱼ = γⱼ / sdⱼ`, `β₀ = γ₀ − Σ βⱼ·meanⱼ`).
//! 2. Start with slopes 0 and `β₀ = ln(Σ wy / Σ w·exp(offset))`. If `Σ wy = 0` (every
//!    weighted target is zero) the maximum-likelihood intercept is −∞; the fit then returns
//!    at once with slopes 0 and an intercept whose weighted mean of μ is `1e-8`, flagged
//!    converged with 0 iterations (finite, no NaN).
//! 3. Each iteration, with `μ = exp(η)` (η clamped to ±700 so it can't overflow), working
//!    weights `W = w·μ²⁻ᵖ` and working response `z = (η − offset) + (y − μ)/μ` (`W·z` is
//!    formed without dividing by μ), solve `(XᵀWX + P) γ = XᵀWz` by Cholesky
//!    (`linfa-linalg`), where `X` carries the intercept column and `P` is the diagonal
//!    penalty (0 for the intercept). This is Newton's method for Poisson (canonical link)
//!    and Fisher scoring otherwise. A failed Cholesky, or at the first iteration a pivot
//!    showing a column that is (nearly, relative residual < 1e-12) a linear combination of
//!    the others, is [`GlmError::Singular`]; a small ridge fixes it.
//! 4. Step halving: if the penalized deviance at the new estimate rises by more than
//!    rounding noise (`1e-13 · (|D| + 0.1)`) or is not finite, the step is halved, up to
//!    50 times.
//!
//! # Convergence rule
//!
//! Stop, converged, as soon as either
//! * `max |Δγ| < tol` (default `1e-10`) on the internally standardised coefficients, so
//!   the tolerance doesn't depend on the units of the columns, or
//! * the penalized deviance changed by at most `1e-13 · (|D| + 0.1)` in each of the last 3
//!   iterations: it has stopped moving at floating-point resolution. That happens when
//!   rounding keeps `Δγ` just above `tol`, and when a coefficient drifts towards ±∞ while
//!   the fitted means converge (quasi-separation, e.g. a one-hot department with no
//!   claims: its coefficient ends large and negative after a few dozen iterations; a
//!   ridge keeps it finite and the fit fast).
//!
//! A step that halving shrinks below `tol` without keeping the deviance also counts as
//! converged (the current estimate is optimal to rounding). Reaching `max_iter` (default
//! 100) returns the last iterate with `converged == false`; [`Glm::ensure_converged`] turns
//! that into [`GlmError::NotConverged`]. If 50 halvings can't keep the deviance from
//! rising the fit fails with [`GlmError::NotConverged`].
//!
//! The fit is deterministic: no randomness, sequential sums in a fixed order. Cost per
//! iteration is one `n × (k+1)` weighted Gram matrix; 50,000 rows × 40 columns fits in
//! about 0.2 s (release build, 6–7 iterations).
//!
//! # linfa integration
//!
//! [`GlmParams`] implements [`ParamGuard`] (checked into [`GlmValidParams`]), so
//! `Fit` works on either, on a `DatasetBase` with `f64` records and single `f64` targets
//! (`dataset.weights()` become sample weights, no offset). [`Glm`] implements
//! `PredictInplace`, predicting the mean `exp(η)` without offset.
//!
//! ```
//! use linfa::prelude::*;
//! use ndarray::array;
//! use riskrank::model::glm::{Family, Glm, GlmParams};
//!
//! let x = array![[0.0], [1.0], [2.0], [3.0]];
//! let y = array![1.0, 2.0, 4.0, 9.0];
//! let model: Glm = GlmParams::new(Family::Poisson).fit(&Dataset::new(x.clone(), y))?;
//! assert!(model.converged);
//! let mean = model.predict(&x); // exp(β₀ + xβ)
//! assert_eq!(mean.len(), 4);
//! # Ok::<(), riskrank::model::glm::GlmError>(())
//! ```

use linfa::ParamGuard;
use linfa::dataset::{AsSingleTargets, DatasetBase};
use linfa::traits::{Fit, PredictInplace};
use linfa_linalg::cholesky::CholeskyInplace;
use linfa_linalg::triangular::{SolveTriangularInplace, UPLO};
use ndarray::{Array1, Array2, ArrayBase, ArrayView1, ArrayView2, Data, Ix2, Zip};
use serde::{Deserialize, Serialize};

/// Linear predictors are clamped to `[-ETA_CLAMP, ETA_CLAMP]` before `exp`.
const ETA_CLAMP: f64 = 700.0;
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

/// Default iteration cap.
pub const DEFAULT_MAX_ITER: usize = 100;
/// Default tolerance on `max |Δγ|` (coefficients of the internally standardised columns).
pub const DEFAULT_TOL: f64 = 1e-10;

/// Distribution family (all with the log link). Serialized internally tagged:
/// `{"family":"poisson"}`, `{"family":"tweedie","power":1.5}`, `{"family":"gamma"}`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "family", rename_all = "snake_case")]
pub enum Family {
    /// Counts, `V(μ) = μ`; `y ≥ 0`.
    Poisson,
    /// Compound Poisson–gamma, `V(μ) = μᵖ` with `1 < p < 2`; `y ≥ 0` with exact zeros.
    Tweedie {
        /// Variance power, strictly between 1 and 2.
        power: f64,
    },
    /// Positive continuous amounts, `V(μ) = μ²`; `y > 0`.
    Gamma,
}

impl Family {
    /// The variance power `p` (`V(μ) = μᵖ`).
    pub fn power(&self) -> f64 {
        match *self {
            Family::Poisson => 1.0,
            Family::Tweedie { power } => power,
            Family::Gamma => 2.0,
        }
    }

    fn validate(&self) -> Result<(), GlmError> {
        if let Family::Tweedie { power } = *self
            && !(power > 1.0 && power < 2.0)
        {
            return Err(GlmError::InvalidParams { name: "power", value: power, expected: "strictly between 1 and 2" });
        }
        Ok(())
    }

    /// Whether `y` is a valid target for this family.
    fn in_domain(&self, y: f64) -> bool {
        match self {
            Family::Poisson | Family::Tweedie { .. } => y >= 0.0,
            Family::Gamma => y > 0.0,
        }
    }

    /// Unit deviance `d(y, μ)` with `μ = exp(eta)`; `eta` must already be clamped.
    fn unit_deviance(&self, y: f64, eta: f64) -> f64 {
        match *self {
            Family::Poisson => {
                let mu = eta.exp();
                if y > 0.0 { 2.0 * (y * (y.ln() - eta) - (y - mu)) } else { 2.0 * mu }
            }
            Family::Tweedie { power } => {
                let (a, b) = (1.0 - power, 2.0 - power);
                let ty = if y > 0.0 { y.powf(b) / (a * b) } else { 0.0 };
                2.0 * (ty - y * (a * eta).exp() / a + (b * eta).exp() / b)
            }
            Family::Gamma => 2.0 * (y * (-eta).exp() - 1.0 - (y.ln() - eta)),
        }
    }
}

/// Errors from fitting a [`Glm`] or checking [`GlmParams`].
#[derive(Debug, thiserror::Error)]
pub enum GlmError {
    /// A hyperparameter is out of range.
    #[error("invalid GLM parameter `{name}` = {value}: must be {expected}")]
    InvalidParams {
        /// Parameter name (`ridge`, `power`, `max_iter`, `tol`).
        name: &'static str,
        /// The rejected value (`max_iter` converted to `f64`).
        value: f64,
        /// What would have been accepted.
        expected: &'static str,
    },
    /// Inputs have inconsistent lengths, or there are no rows.
    #[error("GLM input shape: {0}")]
    Shape(String),
    /// NaN or ±∞ in `x`, `y`, `offset` or `weights`.
    #[error("GLM input is not finite: {0}")]
    NonFinite(String),
    /// A finite value outside the family's domain: negative `y` (or `y ≤ 0` for gamma),
    /// negative weights, or weights summing to zero.
    #[error("GLM input out of domain: {0}")]
    Domain(String),
    /// The normal equations `XᵀWX + ridge·D` are not positive definite (collinear or
    /// constant columns), or their solution overflowed; a small ridge usually helps.
    #[error("GLM normal equations are singular: {0}")]
    Singular(String),
    /// IRLS stopped without meeting the convergence rule.
    #[error("GLM did not converge after {iterations} iterations")]
    NotConverged {
        /// Iterations performed.
        iterations: usize,
    },
    /// Error from linfa (only through the `Fit` trait plumbing).
    #[error(transparent)]
    Linfa(#[from] linfa::Error),
}

/// Serialized form shared by [`GlmParams`] and [`GlmValidParams`]; missing fields get the
/// defaults (`ridge = 0`, `max_iter = 100`, `tol = 1e-10`).
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct GlmParamsRepr {
    family: Family,
    #[serde(default)]
    ridge: f64,
    #[serde(default = "default_max_iter")]
    max_iter: usize,
    #[serde(default = "default_tol")]
    tol: f64,
}

fn default_max_iter() -> usize {
    DEFAULT_MAX_ITER
}

fn default_tol() -> f64 {
    DEFAULT_TOL
}

/// Checked GLM hyperparameters, obtained from [`GlmParams::check`] (or by deserializing,
/// which runs the same checks). Fitting lives here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "GlmParamsRepr", into = "GlmParamsRepr")]
pub struct GlmValidParams {
    family: Family,
    ridge: f64,
    max_iter: usize,
    tol: f64,
}

/// Unchecked GLM hyperparameters with builder methods, following linfa's
/// `ParamGuard` pattern: [`ParamGuard::check`] yields [`GlmValidParams`], and `Fit` on this
/// type checks first. Serialized as `{"family":{..},"ridge":..,"max_iter":..,"tol":..}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "GlmParamsRepr", into = "GlmParamsRepr")]
pub struct GlmParams(GlmValidParams);

impl From<GlmParamsRepr> for GlmParams {
    fn from(r: GlmParamsRepr) -> Self {
        GlmParams(GlmValidParams { family: r.family, ridge: r.ridge, max_iter: r.max_iter, tol: r.tol })
    }
}

impl From<GlmParams> for GlmParamsRepr {
    fn from(p: GlmParams) -> Self {
        p.0.into()
    }
}

impl TryFrom<GlmParamsRepr> for GlmValidParams {
    type Error = GlmError;

    fn try_from(r: GlmParamsRepr) -> Result<Self, GlmError> {
        GlmParams::from(r).check()
    }
}

impl From<GlmValidParams> for GlmParamsRepr {
    fn from(p: GlmValidParams) -> Self {
        GlmParamsRepr { family: p.family, ridge: p.ridge, max_iter: p.max_iter, tol: p.tol }
    }
}

impl Default for GlmParams {
    /// Poisson, no ridge, `max_iter = 100`, `tol = 1e-10`.
    fn default() -> Self {
        GlmParams::new(Family::Poisson)
    }
}

impl GlmParams {
    /// Defaults for `family`: no ridge, `max_iter = 100`, `tol = 1e-10`.
    pub fn new(family: Family) -> Self {
        GlmParams(GlmValidParams { family, ridge: 0.0, max_iter: DEFAULT_MAX_ITER, tol: DEFAULT_TOL })
    }

    /// Sets the distribution family.
    pub fn family(mut self, family: Family) -> Self {
        self.0.family = family;
        self
    }

    /// Sets the ridge strength (L2 on the slopes, never the intercept; `≥ 0`).
    pub fn ridge(mut self, ridge: f64) -> Self {
        self.0.ridge = ridge;
        self
    }

    /// Sets the iteration cap (`≥ 1`).
    pub fn max_iter(mut self, max_iter: usize) -> Self {
        self.0.max_iter = max_iter;
        self
    }

    /// Sets the convergence tolerance on `max |Δγ|`, the change of the coefficients of the
    /// internally standardised columns (`> 0`; see the module docs).
    pub fn tol(mut self, tol: f64) -> Self {
        self.0.tol = tol;
        self
    }

    /// Validates the hyperparameters: `ridge` finite and `≥ 0`, Tweedie `power` in (1, 2),
    /// `max_iter ≥ 1`, `tol` finite and `> 0`. Same as [`ParamGuard::check`], but callable
    /// without importing the trait.
    pub fn check(self) -> Result<GlmValidParams, GlmError> {
        self.validate()?;
        Ok(self.0)
    }

    fn validate(&self) -> Result<(), GlmError> {
        let p = &self.0;
        p.family.validate()?;
        if !(p.ridge.is_finite() && p.ridge >= 0.0) {
            return Err(GlmError::InvalidParams { name: "ridge", value: p.ridge, expected: "finite and >= 0" });
        }
        if p.max_iter == 0 {
            return Err(GlmError::InvalidParams { name: "max_iter", value: 0.0, expected: ">= 1" });
        }
        if !(p.tol.is_finite() && p.tol > 0.0) {
            return Err(GlmError::InvalidParams { name: "tol", value: p.tol, expected: "finite and > 0" });
        }
        Ok(())
    }
}

impl ParamGuard for GlmParams {
    type Checked = GlmValidParams;
    type Error = GlmError;

    fn check_ref(&self) -> Result<&GlmValidParams, GlmError> {
        self.validate()?;
        Ok(&self.0)
    }

    fn check(self) -> Result<GlmValidParams, GlmError> {
        GlmParams::check(self)
    }
}

/// A fitted log-link GLM.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Glm {
    /// Family it was fitted with.
    pub family: Family,
    /// Intercept β₀ (on the log scale).
    pub intercept: f64,
    /// Slopes, one per column of `x`, on the original column scale.
    pub coefficients: Vec<f64>,
    /// IRLS iterations performed (normal-equation solves).
    pub iterations: usize,
    /// Whether the convergence rule was met (false only when `max_iter` ran out).
    pub converged: bool,
    /// Weighted deviance `Σ w·d(y, μ)` at the estimate (without the ridge term).
    pub deviance: f64,
}

impl Glm {
    /// `η = intercept + x·coefficients (+ offset)`.
    ///
    /// # Panics
    /// If `x` doesn't have one column per coefficient, or `offset` has the wrong length.
    pub fn linear_predictor(&self, x: ArrayView2<f64>, offset: Option<ArrayView1<f64>>) -> Array1<f64> {
        let k = self.coefficients.len();
        assert_eq!(x.ncols(), k, "GLM: x has {} columns, model has {k}", x.ncols());
        let beta = ArrayView1::from(self.coefficients.as_slice());
        let mut eta = x.dot(&beta);
        eta += self.intercept;
        if let Some(off) = offset {
            assert_eq!(off.len(), x.nrows(), "GLM: offset has {} rows, x has {}", off.len(), x.nrows());
            eta += &off;
        }
        eta
    }

    /// Mean `μ = exp(η)` (η clamped to ±700 like in fitting).
    ///
    /// # Panics
    /// As [`Glm::linear_predictor`].
    pub fn predict_mean(&self, x: ArrayView2<f64>, offset: Option<ArrayView1<f64>>) -> Array1<f64> {
        self.linear_predictor(x, offset).mapv_into(|e| clamp_eta(e).exp())
    }

    /// `Ok(self)` if the fit converged, [`GlmError::NotConverged`] otherwise.
    pub fn ensure_converged(self) -> Result<Self, GlmError> {
        if self.converged { Ok(self) } else { Err(GlmError::NotConverged { iterations: self.iterations }) }
    }
}

fn clamp_eta(eta: f64) -> f64 {
    eta.clamp(-ETA_CLAMP, ETA_CLAMP)
}

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
struct Problem<'a> {
    family: Family,
    penalty: Array1<f64>,
    design: Array2<f64>,
    y: ArrayView1<'a, f64>,
    offset: Array1<f64>,
    weights: Array1<f64>,
}

/// Column centring and scaling of the internal design.
struct Transform {
    center: Vec<f64>,
    scale: Vec<f64>,
}

impl Problem<'_> {
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

    /// Solves the IRLS normal equations at `lin = Xβ`; `scaled` is an `n × q` work buffer.
    /// With `check_collinear`, also rejects pivots showing a column that is (nearly) a
    /// linear combination of the preceding ones.
    fn irls_solve(
        &self,
        lin: &Array1<f64>,
        scaled: &mut Array2<f64>,
        check_collinear: bool,
    ) -> Result<Array1<f64>, GlmError> {
        let (a, b) = (1.0 - self.family.power(), 2.0 - self.family.power());
        let n = lin.len();
        let mut sqrt_w = Array1::<f64>::zeros(n);
        let mut wz = Array1::<f64>::zeros(n);
        for i in 0..n {
            let w = self.weights[i];
            if w > 0.0 {
                let eta = clamp_eta(lin[i] + self.offset[i]);
                let mu = eta.exp();
                let big_w = w * (b * eta).exp(); // w·μ^(2−p)
                sqrt_w[i] = big_w.sqrt();
                // W·z = W·(η − offset) + w·(y − μ)·μ^(1−p), without dividing by μ
                wz[i] = big_w * lin[i] + w * (self.y[i] - mu) * (a * eta).exp();
            }
        }
        Zip::from(scaled.rows_mut()).and(self.design.rows()).and(&sqrt_w).for_each(|mut s, d, &sw| {
            Zip::from(&mut s).and(&d).for_each(|s, &d| *s = d * sw);
        });
        let mut xtwx = scaled.t().dot(&*scaled);
        let q = xtwx.nrows();
        for j in 0..q {
            xtwx[[j, j]] += self.penalty[j];
        }
        let diag: Vec<f64> = (0..q).map(|j| xtwx[[j, j]]).collect();
        let mut rhs = self.design.t().dot(&wz).insert_axis(ndarray::Axis(1));

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

impl GlmValidParams {
    /// The family.
    pub fn family(&self) -> Family {
        self.family
    }

    /// Ridge strength (L2 on the slopes).
    pub fn ridge(&self) -> f64 {
        self.ridge
    }

    /// Iteration cap.
    pub fn max_iter(&self) -> usize {
        self.max_iter
    }

    /// Convergence tolerance on `max |Δγ|` (standardised coefficients).
    pub fn tol(&self) -> f64 {
        self.tol
    }

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
        let (n, k) = x.dim();
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
        if let Some(((i, j), v)) = x.indexed_iter().find(|(_, v)| !v.is_finite()) {
            return Err(GlmError::NonFinite(format!("x[{i}, {j}] = {v}")));
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
        if let Some(i) = y.iter().position(|&v| !self.family.in_domain(v)) {
            let need = if self.family == Family::Gamma { "> 0" } else { ">= 0" };
            let family = self.family;
            return Err(GlmError::Domain(format!("y[{i}] = {} but the {family:?} family needs y {need}", y[i])));
        }

        // Internal design: intercept, then each column centred and scaled to unit standard
        // deviation (constant columns are only centred). Exact back-transform in `model`.
        let mut design = Array2::<f64>::ones((n, k + 1));
        let mut center = vec![0.0; k];
        let mut scale = vec![1.0; k];
        let mut penalty = Array1::<f64>::zeros(k + 1);
        for j in 0..k {
            let col = x.column(j);
            let mean = col.sum() / n as f64;
            let sd = (col.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n as f64).sqrt();
            center[j] = mean;
            if sd > 0.0 && sd.is_finite() {
                scale[j] = sd;
            }
            let (m, sc) = (center[j], scale[j]);
            design.column_mut(j + 1).zip_mut_with(&col, |d, &v| *d = (v - m) / sc);
            penalty[j + 1] = self.ridge / (sc * sc);
        }
        let transform = Transform { center, scale };
        let problem = Problem {
            family: self.family,
            penalty,
            design,
            y,
            offset: offset.map_or_else(|| Array1::zeros(n), |o| o.to_owned()),
            weights: weights.map_or_else(|| Array1::ones(n), |w| w.to_owned()),
        };

        // Start: slopes 0, intercept matching the weighted total: Σ w·exp(β₀ + offset) = Σ w·y.
        let sum_w: f64 = problem.weights.sum();
        if sum_w <= 0.0 {
            return Err(GlmError::Domain("weights sum to zero".into()));
        }
        let sum_wy: f64 = problem.weights.iter().zip(y.iter()).map(|(w, y)| w * y).sum();
        // ln Σ w·exp(offset), computed stably
        let max_off = problem
            .offset
            .iter()
            .zip(problem.weights.iter())
            .filter(|(_, w)| **w > 0.0)
            .fold(f64::NEG_INFINITY, |m, (o, _)| m.max(*o));
        let sum_w_exp: f64 =
            problem.offset.iter().zip(problem.weights.iter()).map(|(o, w)| w * (o - max_off).exp()).sum();
        let ln_sum_w_exp = max_off + sum_w_exp.ln();

        let mut beta = Array1::<f64>::zeros(k + 1);
        if !sum_wy.is_finite() || !sum_w.is_finite() {
            return Err(GlmError::NonFinite("the weighted sum of y or of the weights overflows".into()));
        }
        if sum_wy <= 0.0 {
            // All weighted targets are zero: the MLE intercept is −∞. Return a tiny mean.
            beta[0] = (ZERO_TARGET_MEAN * sum_w).ln() - ln_sum_w_exp;
            let lin = problem.design.dot(&beta);
            return Ok(self.model(&transform, &beta, 0, true, problem.deviance(&lin)));
        }
        beta[0] = sum_wy.ln() - ln_sum_w_exp;

        let mut lin = problem.design.dot(&beta);
        let (mut obj, mut dev) = problem.objective(&beta, &lin);
        let mut scaled = Array2::<f64>::zeros((n, k + 1));
        let mut stalled_iters = 0;
        for iter in 1..=self.max_iter {
            let target = problem.irls_solve(&lin, &mut scaled, iter == 1)?;
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
                    if max_step < self.tol || stalled_iters >= STALL_ITERS {
                        return Ok(self.model(&transform, &beta, iter, true, dev));
                    }
                    break;
                }
                if max_step < self.tol {
                    // Not even a step below tol keeps the deviance: optimal to rounding.
                    return Ok(self.model(&transform, &beta, iter, true, dev));
                }
                halvings += 1;
                if halvings > MAX_HALVINGS {
                    return Err(GlmError::NotConverged { iterations: iter });
                }
                step *= 0.5;
            }
        }
        Ok(self.model(&transform, &beta, self.max_iter, false, dev))
    }

    /// Back-transforms internal coefficients `gamma` to the original column scale:
    /// `βⱼ = γⱼ / scaleⱼ`, `β₀ = γ₀ − Σ βⱼ·centerⱼ`.
    fn model(&self, t: &Transform, gamma: &Array1<f64>, iterations: usize, converged: bool, deviance: f64) -> Glm {
        let coefficients: Vec<f64> = gamma.iter().skip(1).zip(&t.scale).map(|(g, s)| g / s).collect();
        let shift: f64 = coefficients.iter().zip(&t.center).map(|(b, c)| b * c).sum();
        Glm { family: self.family, intercept: gamma[0] - shift, coefficients, iterations, converged, deviance }
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

impl<D: Data<Elem = f64>> PredictInplace<ArrayBase<D, Ix2>, Array1<f64>> for Glm {
    /// Predicts the mean `exp(β₀ + xβ)` (no offset).
    ///
    /// # Panics
    /// If `x` has the wrong number of columns or `y` the wrong length.
    fn predict_inplace(&self, x: &ArrayBase<D, Ix2>, y: &mut Array1<f64>) {
        assert_eq!(x.nrows(), y.len(), "GLM: {} rows to predict into {} targets", x.nrows(), y.len());
        *y = self.predict_mean(x.view(), None);
    }

    fn default_target(&self, x: &ArrayBase<D, Ix2>) -> Array1<f64> {
        Array1::zeros(x.nrows())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use linfa::prelude::{Dataset, Predict};
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

    #[test]
    fn tweedie_and_gamma_recover_true_coefficients() {
        let (x, y, offset) = simulate_tweedie(20_000, 11, 1.5, 30.0);
        let zeros = y.iter().filter(|v| **v == 0.0).count();
        assert!(zeros > 2_000 && zeros < 15_000, "{zeros} zeros");
        let m =
            params(Family::Tweedie { power: 1.5 }).fit_offset(x.view(), y.view(), Some(offset.view()), None).unwrap();
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
            for ridge in [0.0, 1.0] {
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
        assert_eq!(
            serde_json::to_string(&Family::Tweedie { power: 1.5 }).unwrap(),
            r#"{"family":"tweedie","power":1.5}"#
        );
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
            assert_eq!(
                (back.family, back.iterations, back.converged),
                (model.family, model.iterations, model.converged)
            );
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
}
