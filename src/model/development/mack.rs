//! Chain-ladder ultimates and Mack's (1993, 1999) standard errors, by the
//! recursion chainladder-python's `MackChainladder` uses: from each
//! origin's latest age on, the projected value Ĉ(k+1) = Ĉ(k)·f(k), and
//!
//! - process risk P(k+1)² = σ(k)²·Ĉ(k) + f(k)²·P(k)²,
//! - parameter risk Q(k+1)² = Ĉ(k)²·se(f(k))² + f(k)²·Q(k)²,
//! - total parameter risk T(k+1)² = (Σ Ĉ_j(k))²·se(f(k))² + f(k)²·T(k)²,
//!   the sum over the origins that still develop at age k,
//!
//! all starting at zero on the latest diagonal; the total's process risk is
//! the root of the sum of squares (origins are independent), its parameter
//! risk is T (the origins share the factors). The tail step multiplies by
//! the tail factor, which is taken as known: it adds no risk of its own
//! (chainladder-python extrapolates a sigma for a fitted tail; without a
//! tail both agree). Standard errors are defined for the volume-weighted
//! factors only, Mack's estimator, and where every sigma needed is.

use super::Triangle;
use super::factors::{Average, Factors};

/// Mack's standard error of one origin's ultimate (and so of its IBNR).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MackError {
    pub process: f64,
    pub parameter: f64,
}

impl MackError {
    pub fn total(&self) -> f64 {
        self.process.hypot(self.parameter)
    }
}

/// The chain ladder of one triangle.
#[derive(Debug, Clone, PartialEq)]
pub struct ChainLadder {
    pub ultimate: Vec<f64>,
    /// Per origin, None where not defined (see the module docs).
    pub std_err: Vec<Option<MackError>>,
    /// The standard error of the total reserve.
    pub total: Option<MackError>,
}

/// Ultimates and standard errors from the factors.
/// Origins are projected to the factors' last age, so a triangle of the
/// youngest origins alone develops as far as the factors go.
pub fn chain_ladder(t: &Triangle, f: &Factors) -> ChainLadder {
    let ages = f.ata.len() + 1;
    let projected: Vec<Vec<f64>> = t.rows.iter().map(|row| project(row, &f.ata, ages)).collect();
    let ultimate = projected.iter().map(|p| p.last().copied().unwrap_or(0.0) * f.tail).collect();
    if f.average != Average::Volume {
        return ChainLadder { ultimate, std_err: vec![None; t.rows.len()], total: None };
    }
    let std_err: Vec<Option<MackError>> =
        t.rows.iter().zip(&projected).map(|(row, p)| origin_error(row.len() - 1, p, f)).collect();
    let total = total_error(t, &projected, f, &std_err);
    ChainLadder { ultimate, std_err, total }
}

/// An origin's values at every age: observed, then projected by the factors.
fn project(row: &[f64], ata: &[f64], ages: usize) -> Vec<f64> {
    let mut out = row.to_vec();
    while out.len() < ages {
        let k = out.len() - 1;
        out.push(out[k] * ata[k]);
    }
    out
}

/// P and Q of one origin whose latest age index is `from`.
fn origin_error(from: usize, projected: &[f64], f: &Factors) -> Option<MackError> {
    let (mut process, mut parameter) = (0.0_f64, 0.0_f64);
    for (k, &c) in projected.iter().enumerate().take(f.ata.len()).skip(from) {
        let (sigma, se) = (f.sigma[k]?, f.std_err[k]?);
        // σ√Ĉ: a projected zero has no process risk (chainladder's 0/0 → 0).
        process = (sigma * sigma * c + (f.ata[k] * process).powi(2)).sqrt();
        parameter = ((c * se).powi(2) + (f.ata[k] * parameter).powi(2)).sqrt();
    }
    Some(MackError { process: process * f.tail, parameter: parameter * f.tail })
}

/// The total reserve's standard error.
fn total_error(t: &Triangle, projected: &[Vec<f64>], f: &Factors, each: &[Option<MackError>]) -> Option<MackError> {
    let mut process2 = 0.0;
    for e in each {
        process2 += e.as_ref()?.process.powi(2);
    }
    let mut total = 0.0_f64;
    for k in 0..f.ata.len() {
        let developing: f64 =
            t.rows.iter().zip(projected).filter(|(row, _)| row.len() - 1 <= k).map(|(_, p)| p[k]).sum();
        if developing == 0.0 && total == 0.0 {
            continue;
        }
        let se = f.std_err[k]?;
        total = ((developing * se).powi(2) + (f.ata[k] * total).powi(2)).sqrt();
    }
    Some(MackError { process: process2.sqrt(), parameter: total * f.tail })
}
