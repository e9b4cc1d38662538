//! The GLM hyperparameters in linfa's `ParamGuard` pattern: the unchecked [`GlmParams`] with
//! its builder methods, the checked [`GlmValidParams`] the fit runs on, and the serialized form
//! they share.

use linfa::ParamGuard;
use serde::{Deserialize, Serialize};

use super::{Family, GlmError};

/// Default iteration cap.
pub const DEFAULT_MAX_ITER: usize = 100;
/// Default tolerance on `max |Δγ|` (coefficients of the internally standardised columns).
pub const DEFAULT_TOL: f64 = 1e-10;

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
    /// internally standardised columns (`> 0`; see the convergence rule in the `glm` module docs).
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
}
