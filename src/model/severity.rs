//! The cost model: expected incurred = predicted recordable cases ×
//! severity, where severity is each department's capped incurred per
//! recordable case, blended with its peer group's by Bühlmann-Straub
//! credibility, brought to the forecast month by the city's severity trend,
//! and loaded for the large claims the cap removed.
//!
//! Why this shape: the money sits in a few large claims (a heavy Pareto
//! tail in the generator, and in every real book). Fitted directly, a cost
//! GLM chases last year's large claims department by department; trailing
//! incurred does the same. Capping each claim at the large-claim limit
//! (`[limits] large_claim_limit`, the panel's cap) leaves a severity stable
//! enough for credibility to weigh; the excess above the cap is spread back
//! as a load on capped losses, itself credibility-weighted between the
//! department and the city (so a department's own large claims count only
//! as far as their volume supports). The frequency model already predicts
//! the cases; the cost follows from them.
//!
//! Months younger than [`IMMATURE_MONTHS`] are left out: their claims are
//! still being reported. (The incurred of older months is as valued at the
//! data's end; a backtest origin therefore sees them more developed than it
//! would have — claim development is not modelled here.)

use serde::{Deserialize, Serialize};

use super::credibility::{Unit, buhlmann_straub};
use crate::panel::Panel;
use crate::schema::Month;

/// Months before the cutoff whose claims are too young to count.
pub const IMMATURE_MONTHS: i32 = 3;

/// Years of accident months the severity learns from.
pub const SEVERITY_YEARS: i32 = 5;

/// The severity trend is kept within ±20% a year.
const MAX_TREND: f64 = 0.2;

/// One department's severity.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DepartmentSeverity {
    /// Capped incurred per recordable case at the cutoff, credibility-blended.
    pub capped: f64,
    /// Bühlmann-Straub credibility of the department's own capped severity.
    pub z: f64,
    /// The multiplier for the excess above the cap (at least 1).
    pub load: f64,
}

/// The fitted severity model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Severity {
    /// The per-claim cap, in dollars, the capped losses were taken at.
    pub cap_dollars: f64,
    /// Growth of severity per year (ln), from the city's yearly severity.
    pub trend: f64,
    /// The month the severities are stated at.
    pub reference: Month,
    /// City-wide excess over capped losses.
    pub city_excess_ratio: f64,
    /// Per department code, in panel order at training.
    pub departments: Vec<String>,
    pub per_department: Vec<DepartmentSeverity>,
}

/// A department's accident year: capped and total incurred, recordable cases.
#[derive(Debug, Clone, Copy, Default)]
struct Year {
    capped: f64,
    incurred: f64,
    cases: f64,
    /// Mean of its months' distance to the reference, in years.
    years_before: f64,
}

impl Severity {
    /// Fits on the panel's accident months up to `cutoff` (less the
    /// immature ones); `None` without a claim dollar in the window.
    pub fn fit(panel: &Panel, cutoff: Month) -> Option<Severity> {
        let cap_dollars = panel.claim_cap.dollars();
        let years = yearly(panel, cutoff);
        let trend = city_trend(&years);
        let groups = group_index(panel);
        let n = panel.departments.len();
        // Capped severity per case, each year brought to the cutoff by the trend.
        let units: Vec<Unit> = years
            .iter()
            .map(|ys| Unit {
                x: ys.iter().map(|y| y.capped / y.cases.max(1.0) * (trend * y.years_before).exp()).collect(),
                w: ys.iter().map(|y| y.cases).collect(),
            })
            .collect();
        let mut per_department = vec![DepartmentSeverity { capped: 0.0, z: 0.0, load: 1.0 }; n];
        let mut any = false;
        for members in &groups {
            let own: Vec<Unit> = members.iter().map(|&d| units[d].clone()).collect();
            let Some(fit) = buhlmann_straub(&own) else { continue };
            for (&d, u) in members.iter().zip(&fit.units) {
                per_department[d].capped = u.estimate;
                per_department[d].z = u.z;
                any |= u.estimate > 0.0;
            }
        }
        if !any {
            return None;
        }
        // The excess ratio (excess / capped) per department-year, weighted by capped dollars.
        let excess: Vec<Unit> = years
            .iter()
            .map(|ys| Unit {
                x: ys.iter().map(|y| if y.capped > 0.0 { (y.incurred - y.capped) / y.capped } else { 0.0 }).collect(),
                w: ys.iter().map(|y| y.capped / 1_000.0).collect(),
            })
            .collect();
        let capped_total: f64 = years.iter().flatten().map(|y| y.capped).sum();
        let incurred_total: f64 = years.iter().flatten().map(|y| y.incurred).sum();
        let city_excess_ratio = if capped_total > 0.0 { (incurred_total - capped_total) / capped_total } else { 0.0 };
        if let Some(fit) = buhlmann_straub(&excess) {
            for (d, u) in fit.units.iter().enumerate() {
                // Blend toward the city's ratio, not the credibility-weighted one.
                per_department[d].load = 1.0 + (u.z * u.mean + (1.0 - u.z) * city_excess_ratio).max(0.0);
            }
        } else {
            per_department.iter_mut().for_each(|s| s.load = 1.0 + city_excess_ratio.max(0.0));
        }
        Some(Severity {
            cap_dollars,
            trend,
            reference: cutoff,
            city_excess_ratio,
            departments: panel.departments.iter().map(|d| d.code.clone()).collect(),
            per_department,
        })
    }

    /// Expected incurred dollars per recordable case of department `code`
    /// in `target` (the city's mean severity for a department it has not seen).
    pub fn per_case(&self, code: &str, target: Month) -> f64 {
        let growth = (self.trend * f64::from(target.since(self.reference)) / 12.0).exp();
        let own = self.departments.iter().position(|c| c == code).map(|i| self.per_department[i]);
        let s = own.unwrap_or_else(|| self.city_mean());
        s.capped * s.load * growth
    }

    /// The unweighted mean over departments, for one the model has not seen.
    fn city_mean(&self) -> DepartmentSeverity {
        let n = self.per_department.len().max(1) as f64;
        DepartmentSeverity {
            capped: self.per_department.iter().map(|s| s.capped).sum::<f64>() / n,
            z: 0.0,
            load: 1.0 + self.city_excess_ratio.max(0.0),
        }
    }
}

/// Each department's accident years: 12-month blocks counted back from the
/// last mature month, at most [`SEVERITY_YEARS`] of them.
fn yearly(panel: &Panel, cutoff: Month) -> Vec<Vec<Year>> {
    let last = cutoff.plus(-IMMATURE_MONTHS);
    panel
        .departments
        .iter()
        .enumerate()
        .map(|(d, _)| {
            let mut years = Vec::new();
            for y in 0..SEVERITY_YEARS {
                let mut year = Year::default();
                let mut months = 0.0;
                for m in 0..12 {
                    let month = last.plus(-(12 * y + m));
                    let Some(cell) = panel.cell(d, month) else { continue };
                    let t = &cell.totals;
                    year.capped += t.incurred_capped.dollars();
                    year.incurred += t.incurred.dollars();
                    year.cases += t.recordable() as f64;
                    year.years_before += f64::from(cutoff.since(month)) / 12.0;
                    months += 1.0;
                }
                if months > 0.0 && year.cases > 0.0 {
                    year.years_before /= months;
                    years.push(year);
                }
            }
            years
        })
        .collect()
}

/// The city's severity trend: the weighted least-squares slope of ln(capped
/// severity) on the years' distance to the cutoff, over the city's years;
/// 0 with fewer than two years.
fn city_trend(years: &[Vec<Year>]) -> f64 {
    let mut by_year: Vec<Year> = vec![Year::default(); SEVERITY_YEARS as usize];
    let mut present = vec![false; SEVERITY_YEARS as usize];
    for ys in years {
        for y in ys {
            let slot = (y.years_before.floor() as usize).min(by_year.len() - 1);
            by_year[slot].capped += y.capped;
            by_year[slot].cases += y.cases;
            by_year[slot].years_before += y.years_before * y.cases;
            present[slot] = true;
        }
    }
    let points: Vec<(f64, f64, f64)> = by_year
        .iter()
        .zip(&present)
        .filter(|(y, p)| **p && y.capped > 0.0 && y.cases > 0.0)
        .map(|(y, _)| (y.years_before / y.cases, (y.capped / y.cases).ln(), y.cases))
        .collect();
    if points.len() < 2 {
        return 0.0;
    }
    let w: f64 = points.iter().map(|p| p.2).sum();
    let xm = points.iter().map(|p| p.0 * p.2).sum::<f64>() / w;
    let ym = points.iter().map(|p| p.1 * p.2).sum::<f64>() / w;
    let sxx: f64 = points.iter().map(|p| p.2 * (p.0 - xm).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| p.2 * (p.0 - xm) * (p.1 - ym)).sum();
    // x counts years *before* the cutoff, so growth is minus the slope.
    if sxx > 0.0 { (-sxy / sxx).clamp(-MAX_TREND, MAX_TREND) } else { 0.0 }
}

/// Department indices by peer group (departments without one form a group).
fn group_index(panel: &Panel) -> Vec<Vec<usize>> {
    let mut groups: Vec<(Option<&str>, Vec<usize>)> = Vec::new();
    for (d, dept) in panel.departments.iter().enumerate() {
        let g = dept.group.as_deref();
        match groups.iter_mut().find(|(k, _)| *k == g) {
            Some((_, members)) => members.push(d),
            None => groups.push((g, vec![d])),
        }
    }
    groups.into_iter().map(|(_, m)| m).collect()
}
