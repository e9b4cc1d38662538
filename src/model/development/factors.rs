//! Age-to-age factors and CDFs: the volume-weighted, simple or geometric
//! average of the link ratios over all or the latest *n* diagonals, Mack's
//! sigma and the factor's standard error per age (with the extrapolation
//! for ages whose sigma cannot be estimated), and the tail: none, a
//! constant, or chainladder-python's exponential `TailCurve`.
//!
//! A link ratio whose base (the earlier age's value) is zero is undefined:
//! it is left out of every average and counted in [`Factors::zero_bases`];
//! an age with no defined ratio gets the factor 1 (nothing develops that
//! can be seen) and is listed in [`Factors::no_base`]. A zero after a
//! non-zero base is a defined ratio of 0 (the geometric average leaves it
//! out, as its logarithm is not finite).

use super::{DevelopmentError, Triangle};

/// How the link ratios of one age are averaged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Average {
    /// Σ C(k+1) / Σ C(k): Mack's estimator, the only one with standard errors.
    #[default]
    Volume,
    /// The mean of the ratios.
    Simple,
    /// exp(mean ln C(k+1) − mean ln C(k)).
    Geometric,
}

impl Average {
    /// chainladder-python's regression exponent: the weight of a pair is
    /// 1 / C(k)^alpha in the sigma estimate.
    fn alpha(self) -> i32 {
        match self {
            Average::Volume | Average::Geometric => 1,
            Average::Simple => 2,
        }
    }
}

/// How the sigma of an age with one link ratio (the last) is filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SigmaRule {
    /// Mack (1993): σ²(k) = min(σ⁴(k−1) / σ²(k−2), σ²(k−2), σ²(k−1)).
    #[default]
    Mack,
    /// A least-squares line through ln σ against age, as chainladder's default.
    LogLinear,
}

/// The development beyond the last age.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Tail {
    #[default]
    None,
    Constant(f64),
    /// ln(f − 1) linear in age, fitted to the factors above 1.00001 and
    /// extrapolated 100 periods (chainladder's `TailCurve('exponential')`).
    Exponential,
}

/// How factors are estimated.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FactorOptions {
    pub average: Average,
    /// Use only the latest *n* diagonals (None: all).
    pub diagonals: Option<usize>,
    pub tail: Tail,
    pub sigma: SigmaRule,
}

/// The factors of one triangle. Index `k` is the step from age `k+1` to
/// age `k+2`; `cdf[k]` develops age `k+1` to ultimate (the last is the tail).
#[derive(Debug, Clone, PartialEq)]
pub struct Factors {
    pub average: Average,
    pub ata: Vec<f64>,
    pub cdf: Vec<f64>,
    pub tail: f64,
    /// Mack's sigma per step, None where it cannot be estimated or filled.
    pub sigma: Vec<Option<f64>>,
    /// The factor's standard error per step.
    pub std_err: Vec<Option<f64>>,
    /// Per step, how many link ratios were left out for a zero base.
    pub zero_bases: Vec<usize>,
    /// The steps with no defined link ratio (factor set to 1).
    pub no_base: Vec<usize>,
}

/// The link ratios of step `k` used for its factor: (base, next) pairs of
/// the latest `diagonals` origins that have both ages, zero bases left out.
fn pairs(t: &Triangle, k: usize, diagonals: Option<usize>) -> (Vec<(f64, f64)>, usize) {
    let all: Vec<(f64, f64)> = t.rows.iter().filter(|r| r.len() > k + 1).map(|r| (r[k], r[k + 1])).collect();
    let skip = diagonals.map_or(0, |n| all.len().saturating_sub(n));
    let recent = &all[skip..];
    let used: Vec<(f64, f64)> = recent.iter().copied().filter(|&(x, _)| x != 0.0).collect();
    let zeros = recent.len() - used.len();
    (used, zeros)
}

/// The factor of one step and its Mack sigma (None with fewer than two ratios).
fn step(average: Average, used: &[(f64, f64)]) -> Option<(f64, Option<f64>, f64)> {
    if used.is_empty() {
        return None;
    }
    let n = used.len() as f64;
    let f = match average {
        Average::Volume => used.iter().map(|p| p.1).sum::<f64>() / used.iter().map(|p| p.0).sum::<f64>(),
        Average::Simple => used.iter().map(|p| p.1 / p.0).sum::<f64>() / n,
        Average::Geometric => {
            let logs: Vec<f64> = used.iter().filter(|p| p.1 > 0.0).map(|p| (p.1 / p.0).ln()).collect();
            if logs.is_empty() {
                return None;
            }
            (logs.iter().sum::<f64>() / logs.len() as f64).exp()
        }
    };
    let alpha = average.alpha();
    // Σ C(k)^(2−alpha): the denominator of the factor's variance.
    let base: f64 = used.iter().map(|p| p.0.powi(2 - alpha)).sum();
    let sigma = (used.len() > 1).then(|| {
        let wss: f64 = used.iter().map(|&(x, y)| (y - f * x).powi(2) / x.powi(alpha)).sum();
        (wss / (n - 1.0)).sqrt()
    });
    Some((f, sigma, base))
}

/// Estimates the factors of a triangle.
pub fn estimate(t: &Triangle, options: &FactorOptions) -> Result<Factors, DevelopmentError> {
    let steps = t.ages().saturating_sub(1);
    let (mut ata, mut sigma, mut bases) = (Vec::new(), Vec::new(), Vec::new());
    let (mut zero_bases, mut no_base) = (Vec::new(), Vec::new());
    for k in 0..steps {
        let (used, zeros) = pairs(t, k, options.diagonals);
        zero_bases.push(zeros);
        match step(options.average, &used) {
            Some((f, s, base)) => {
                ata.push(f);
                sigma.push(s);
                bases.push(Some(base));
            }
            None => {
                no_base.push(k);
                ata.push(1.0);
                sigma.push(None);
                bases.push(None);
            }
        }
    }
    let estimated = sigma.clone();
    let sigma = match options.sigma {
        SigmaRule::Mack => mack_fill(&estimated),
        SigmaRule::LogLinear => log_linear_fill(&estimated),
    };
    let std_err = sigma.iter().zip(&bases).map(|(s, b)| Some(s.as_ref()? / b.as_ref()?.sqrt())).collect();
    let tail = tail_factor(t, &ata, options.tail)?;
    let cdf = cdfs(&ata, tail);
    Ok(Factors { average: options.average, ata, cdf, tail, sigma, std_err, zero_bases, no_base })
}

/// The CDF from every age to ultimate: the product of the factors from it
/// on, and the tail (the last entry is the tail alone).
pub fn cdfs(ata: &[f64], tail: f64) -> Vec<f64> {
    let mut cdf = vec![tail; ata.len() + 1];
    for k in (0..ata.len()).rev() {
        cdf[k] = cdf[k + 1] * ata[k];
    }
    cdf
}

/// Mack's rule for the steps without a sigma, from the two before each
/// (as estimated, not as filled, as chainladder-python does).
fn mack_fill(sigma: &[Option<f64>]) -> Vec<Option<f64>> {
    (0..sigma.len())
        .map(|k| {
            sigma[k].or_else(|| {
                let (a, b) = (sigma.get(k.checked_sub(2)?)?.as_ref()?, sigma[k - 1].as_ref()?);
                let (a2, b2) = (a * a, b * b);
                // A zero sigma two steps back makes the first term 0/0: the minimum is then 0.
                let ratio = if a2 > 0.0 { b2 * b2 / a2 } else { 0.0 };
                Some(ratio.min(a2).min(b2).sqrt())
            })
        })
        .collect()
}

/// ln σ against the step's 1-based number, least squares over the
/// estimated sigmas (a zero sigma enters as ln 1e-320, as in chainladder),
/// extrapolated to the others.
fn log_linear_fill(sigma: &[Option<f64>]) -> Vec<Option<f64>> {
    let points: Vec<(f64, f64)> =
        sigma.iter().enumerate().filter_map(|(k, s)| Some(((k + 1) as f64, s.as_ref()?.max(1e-320).ln()))).collect();
    let Some((slope, intercept)) = least_squares(&points) else { return sigma.to_vec() };
    sigma
        .iter()
        .enumerate()
        .map(|(k, s)| Some(s.unwrap_or_else(|| (intercept + slope * (k + 1) as f64).exp())))
        .collect()
}

/// The ordinary least-squares line through points, None with fewer than two
/// distinct x.
pub(crate) fn least_squares(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    let n = points.len() as f64;
    let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    (points.len() >= 2 && sxx > 0.0).then(|| {
        let slope = sxy / sxx;
        (slope, my - slope * mx)
    })
}

/// The tail factor: 1, a given constant, or the exponential curve's product.
fn tail_factor(t: &Triangle, ata: &[f64], tail: Tail) -> Result<f64, DevelopmentError> {
    match tail {
        Tail::None => Ok(1.0),
        Tail::Constant(c) => Ok(c),
        Tail::Exponential => {
            // chainladder's reg_threshold: factors at or below 1.00001 are left out of the fit.
            let points: Vec<(f64, f64)> = ata
                .iter()
                .enumerate()
                .filter(|(_, f)| **f > 1.00001)
                .map(|(k, f)| ((k + 1) as f64, (f - 1.0).ln()))
                .collect();
            let (group, measure) = (t.group.clone(), t.measure.clone());
            let (slope, intercept) =
                least_squares(&points).ok_or(DevelopmentError::TailFit { group, measure, usable: points.len() })?;
            if slope >= 0.0 {
                return Err(DevelopmentError::TailDiverges {
                    group: t.group.clone(),
                    measure: t.measure.clone(),
                    slope,
                });
            }
            let n = ata.len();
            Ok((n + 1..=n + 100).map(|x| 1.0 + (intercept + slope * x as f64).exp()).product())
        }
    }
}
