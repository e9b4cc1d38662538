//! The distribution families (Poisson, negative binomial, Tweedie, gamma) and the log link
//! they share: each family's variance function, IRLS weights, target domain and unit
//! deviance, and the clamp on the linear predictor that keeps `exp(η)` finite.

use serde::{Deserialize, Serialize};

use super::GlmError;

/// Linear predictors are clamped to `[-ETA_CLAMP, ETA_CLAMP]` before `exp`.
const ETA_CLAMP: f64 = 700.0;

/// Distribution family (all with the log link). Serialized internally tagged:
/// `{"family":"poisson"}`, `{"family":"negative_binomial","alpha":0.2}`,
/// `{"family":"tweedie","power":1.5}`, `{"family":"gamma"}`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "family", rename_all = "snake_case")]
pub enum Family {
    /// Counts, `V(μ) = μ`; `y ≥ 0`.
    Poisson,
    /// Overdispersed counts with a known dispersion, `V(μ) = μ + αμ²` (α = 1/θ; 0 is
    /// Poisson); `y ≥ 0`. The likelihood-ratio statistic of nested fits is its deviance drop.
    NegativeBinomial {
        /// 1/θ, at least 0.
        alpha: f64,
    },
    /// Compound Poisson–gamma, `V(μ) = μᵖ` with `1 < p < 2`; `y ≥ 0` with exact zeros.
    Tweedie {
        /// Variance power, strictly between 1 and 2.
        power: f64,
    },
    /// Positive continuous amounts, `V(μ) = μ²`; `y > 0`.
    Gamma,
}

impl Family {
    /// The variance power `p` (`V(μ) = μᵖ`; the negative binomial's leading one, 1).
    pub fn power(&self) -> f64 {
        match *self {
            Family::Poisson | Family::NegativeBinomial { .. } => 1.0,
            Family::Tweedie { power } => power,
            Family::Gamma => 2.0,
        }
    }

    /// IRLS's working weight and score factor at `eta` (already clamped) under the log
    /// link: `(μ²/V(μ), μ/V(μ))`, so that `W = w·μ²/V` and `W·z = W·η + w·(y − μ)·μ/V`.
    pub(super) fn irls_factors(&self, eta: f64) -> (f64, f64) {
        match *self {
            Family::NegativeBinomial { alpha } => {
                let mu = eta.exp();
                let inv = 1.0 / (1.0 + alpha * mu);
                (mu * inv, inv)
            }
            // μ^(2−p) and μ^(1−p), as exponentials of η (exact for p = 1 and 2).
            _ => {
                let p = self.power();
                (((2.0 - p) * eta).exp(), ((1.0 - p) * eta).exp())
            }
        }
    }

    pub(super) fn validate(&self) -> Result<(), GlmError> {
        if let Family::NegativeBinomial { alpha } = *self
            && !(alpha.is_finite() && alpha >= 0.0)
        {
            return Err(GlmError::InvalidParams { name: "alpha", value: alpha, expected: "finite and at least 0" });
        }
        if let Family::Tweedie { power } = *self
            && !(power > 1.0 && power < 2.0)
        {
            return Err(GlmError::InvalidParams { name: "power", value: power, expected: "strictly between 1 and 2" });
        }
        Ok(())
    }

    /// Whether `y` is a valid target for this family.
    pub(super) fn in_domain(&self, y: f64) -> bool {
        match self {
            Family::Poisson | Family::NegativeBinomial { .. } | Family::Tweedie { .. } => y >= 0.0,
            Family::Gamma => y > 0.0,
        }
    }

    /// Unit deviance `d(y, μ)` with `μ = exp(eta)`; `eta` must already be clamped.
    pub(super) fn unit_deviance(&self, y: f64, eta: f64) -> f64 {
        match *self {
            Family::Poisson => {
                let mu = eta.exp();
                if y > 0.0 { 2.0 * (y * (y.ln() - eta) - (y - mu)) } else { 2.0 * mu }
            }
            Family::NegativeBinomial { alpha } if alpha > 0.0 => {
                // 2·[y·ln(y/μ) − (y + 1/α)·ln((1 + αy)/(1 + αμ))]
                let mu = eta.exp();
                let r = 1.0 / alpha;
                let own = if y > 0.0 { y * (y.ln() - eta) } else { 0.0 };
                2.0 * (own - (y + r) * ((1.0 + alpha * y) / (1.0 + alpha * mu)).ln())
            }
            Family::NegativeBinomial { .. } => Family::Poisson.unit_deviance(y, eta),
            Family::Tweedie { power } => {
                let (a, b) = (1.0 - power, 2.0 - power);
                let ty = if y > 0.0 { y.powf(b) / (a * b) } else { 0.0 };
                2.0 * (ty - y * (a * eta).exp() / a + (b * eta).exp() / b)
            }
            Family::Gamma => 2.0 * (y * (-eta).exp() - 1.0 - (y.ln() - eta)),
        }
    }
}

/// The linear predictor as it enters `exp`, in fitting and in prediction alike.
pub(super) fn clamp_eta(eta: f64) -> f64 {
    eta.clamp(-ETA_CLAMP, ETA_CLAMP)
}
