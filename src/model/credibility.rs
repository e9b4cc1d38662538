//! Bühlmann-Straub credibility: how much of a department's own observed
//! rate to believe, against its peer group's, given how much exposure stands
//! behind it and how much departments really differ (`formulas.md`).

use serde::Serialize;

/// One unit's history: ratios `x` (e.g. cases per 200,000 h) with weights
/// `w` (e.g. hours / 200,000), one pair per period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Unit {
    pub x: Vec<f64>,
    pub w: Vec<f64>,
}

/// The fitted credibility structure and each unit's estimate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Credibility {
    /// Within-unit (process) variance s².
    pub within_variance: f64,
    /// Between-unit variance a (0 when the data show no real differences).
    pub between_variance: f64,
    /// k = s² / a (infinite when a is 0).
    pub k: f64,
    /// The credibility-weighted collective mean μ.
    pub collective_mean: f64,
    /// Per unit: total weight, own mean, Z, and the blended estimate.
    pub units: Vec<UnitEstimate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct UnitEstimate {
    pub weight: f64,
    pub mean: f64,
    pub z: f64,
    pub estimate: f64,
}

/// Fits Bühlmann-Straub. Periods with zero weight are ignored; a unit with
/// no weight gets Z = 0 and the collective mean. Returns `None` when there
/// is nothing to estimate from (no weight at all).
pub fn buhlmann_straub(units: &[Unit]) -> Option<Credibility> {
    let stats: Vec<(f64, f64, usize)> = units.iter().map(unit_stats).collect();
    let w_total: f64 = stats.iter().map(|s| s.0).sum();
    if w_total <= 0.0 {
        return None;
    }
    let x_w = stats.iter().map(|(w, m, _)| w * m).sum::<f64>() / w_total;
    let mut ss_within = 0.0;
    let mut dof = 0usize;
    for (u, (_, mean, periods)) in units.iter().zip(&stats) {
        for (x, w) in u.x.iter().zip(&u.w).filter(|(_, w)| **w > 0.0) {
            ss_within += w * (x - mean).powi(2);
        }
        dof += periods.saturating_sub(1);
    }
    let s2 = if dof > 0 { ss_within / dof as f64 } else { 0.0 };
    let active = stats.iter().filter(|s| s.0 > 0.0).count();
    let sum_w2: f64 = stats.iter().map(|s| s.0 * s.0).sum();
    let c = w_total / (w_total * w_total - sum_w2);
    let ss_between: f64 = stats.iter().map(|(w, m, _)| w * (m - x_w).powi(2)).sum();
    let a = c * (ss_between - (active.saturating_sub(1)) as f64 * s2);
    let a = if a.is_finite() && a > 0.0 { a } else { 0.0 };
    let k = if a > 0.0 { s2 / a } else { f64::INFINITY };
    let z = |w: f64| if a > 0.0 && w > 0.0 { w / (w + k) } else { 0.0 };
    let z_sum: f64 = stats.iter().map(|s| z(s.0)).sum();
    let mu = if z_sum > 0.0 { stats.iter().map(|(w, m, _)| z(*w) * m).sum::<f64>() / z_sum } else { x_w };
    let units = stats
        .iter()
        .map(|&(weight, mean, _)| {
            let zi = z(weight);
            let own = if weight > 0.0 { mean } else { mu };
            UnitEstimate { weight, mean: own, z: zi, estimate: zi * own + (1.0 - zi) * mu }
        })
        .collect();
    Some(Credibility { within_variance: s2, between_variance: a, k, collective_mean: mu, units })
}

/// (total weight, weighted mean, periods with weight) of one unit.
fn unit_stats(u: &Unit) -> (f64, f64, usize) {
    let (mut w, mut wx, mut n) = (0.0, 0.0, 0);
    for (x, wi) in u.x.iter().zip(&u.w).filter(|(_, w)| **w > 0.0) {
        w += wi;
        wx += wi * x;
        n += 1;
    }
    (w, if w > 0.0 { wx / w } else { 0.0 }, n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() <= tol, "{a} != {b}");
    }

    /// The worked example of formulas.md.
    #[test]
    fn formulas_worked_example() {
        let units = vec![
            Unit { x: vec![10.0, 12.0, 11.0], w: vec![50.0, 55.0, 60.0] },
            Unit { x: vec![20.0, 15.0, 25.0], w: vec![2.0, 2.0, 3.0] },
            Unit { x: vec![5.0, 30.0, 10.0], w: vec![1.0, 1.0, 1.0] },
        ];
        let c = buhlmann_straub(&units).unwrap();
        let w: Vec<f64> = c.units.iter().map(|u| u.weight).collect();
        assert_eq!(w, vec![165.0, 7.0, 3.0]);
        for (u, m) in c.units.iter().zip([11.0303, 20.7143, 15.0]) {
            close(u.mean, m, 5e-5);
        }
        close(c.within_variance, 96.0462, 5e-5);
        close(c.between_variance, 24.8909, 5e-5);
        close(c.k, 3.8587, 5e-5);
        for (u, z) in c.units.iter().zip([0.9771, 0.6446, 0.4374]) {
            close(u.z, z, 5e-5);
        }
        close(c.collective_mean, 14.9052, 5e-5);
        for (u, e) in c.units.iter().zip([11.1188, 18.6500, 14.9466]) {
            close(u.estimate, e, 5e-5);
        }
    }

    #[test]
    fn no_real_differences_means_no_credibility() {
        let units = vec![Unit { x: vec![1.0, 3.0], w: vec![1.0, 1.0] }, Unit { x: vec![3.0, 1.0], w: vec![1.0, 1.0] }];
        let c = buhlmann_straub(&units).unwrap();
        assert_eq!(c.between_variance, 0.0);
        assert!(c.units.iter().all(|u| u.z == 0.0 && (u.estimate - 2.0).abs() < 1e-12));
    }

    #[test]
    fn empty_units_take_the_collective_mean() {
        let units = vec![
            Unit { x: vec![10.0, 12.0], w: vec![5.0, 5.0] },
            Unit { x: vec![20.0, 22.0], w: vec![5.0, 5.0] },
            Unit { x: vec![0.0], w: vec![0.0] },
        ];
        let c = buhlmann_straub(&units).unwrap();
        assert_eq!(c.units[2].z, 0.0);
        assert_eq!(c.units[2].estimate, c.collective_mean);
        assert!(buhlmann_straub(&[Unit::default()]).is_none());
    }
}
