//! Development inside the monthly run: each department's incurred (and
//! capped incurred) by accident month brought to its estimated ultimate,
//! from the triangles `claim_valuations.csv` gives (`panel::Triangles`).
//!
//! - **Factors.** The city's monthly age-to-age factors (volume-weighted,
//!   all diagonals, no tail: the oldest accident month counts as
//!   developed) and each department's own, blended step by step,
//!   f = Z·f_dept + (1 − Z)·f_city, with the square-root rule of limited
//!   fluctuation credibility Z = min(1, √(n / 1082)), n the department's
//!   claims with a valuation history (1,082 claims: full credibility at
//!   90% probability of being within 5%). A step the department has no
//!   base for takes the city's factor.
//! - **Ultimates.** The latest diagonal is the claims' value in
//!   claims.csv (incurred to date), developed by the blended CDF. The
//!   method is chosen per accident month by the rule of `select`: chain
//!   ladder once at least half is reported (1/CDF ≥ 0.5), else Cape Cod
//!   with the hours worked as exposure (the department's own loss per hour
//!   over every accident month's "used-up" hours); chain ladder when the
//!   department has no hours.
//! - **Claim counts** need no valuation history: claims.csv's reported
//!   dates give each department's reported-count triangle (age 1 = reported
//!   by the end of the accident month), developed the same way (city
//!   factors, credibility by claim count, chain ladder) to the ultimate
//!   number of claims per accident month: the difference is the claims
//!   incurred but not yet reported.
//! - **Interval.** Mack's standard error of the chain-ladder ultimate of
//!   the trailing 12 accident months, with the city's σ² (under Mack's
//!   model Var(C(k+1) | C(k)) = σ²(k)·C(k), and a sum of independent
//!   departments has the same σ², so the city's estimate applies to each)
//!   and the city's parameter error; the report prints ±1.645 of it.

use super::expected::{self, reported};
use super::factors::{self, Average, FactorOptions, Factors};
use super::mack;
use super::select::{DEFAULT_THRESHOLD, Method};
use super::{Grain, Triangle};
use crate::panel::{DepartmentTriangles, Panel};
use crate::schema::Cents;

/// Claims for full credibility of a department's own factors.
pub const FULL_CREDIBILITY_CLAIMS: f64 = 1082.0;
/// The accident months of the "trailing 12".
const TRAILING: usize = 12;

/// One department's development.
#[derive(Debug, Clone, PartialEq)]
pub struct DepartmentDevelopment {
    /// The weight of its own factors.
    pub credibility: f64,
    /// Per month of the panel: the estimated ultimate incurred and capped
    /// incurred, in dollars, and the method that gave it.
    pub ultimate: Vec<f64>,
    pub ultimate_capped: Vec<f64>,
    pub method: Vec<Method>,
    /// Mack's standard error of the trailing-12 ultimate at the panel's end.
    pub trailing12_std_err: Option<f64>,
}

/// The panel's development.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthlyDevelopment {
    /// The city's incurred factors: `cdf[0]` develops an accident month
    /// valued at its own end to ultimate.
    pub city: Factors,
    /// In the panel's department order.
    pub departments: Vec<DepartmentDevelopment>,
}

impl MonthlyDevelopment {
    /// The ratio of developed to to-date incurred over the trailing 12
    /// accident months of the panel's end, city-wide.
    pub fn city_trailing12_factor(&self, panel: &Panel) -> Option<f64> {
        let from = panel.end.plus(-(TRAILING as i32 - 1));
        let w = panel.city_window(from, panel.end);
        (w.all.incurred_to_date.0 > 0).then(|| w.all.incurred.dollars() / w.all.incurred_to_date.dollars())
    }
}

/// Develops the panel's departments; `None` without triangles.
pub fn develop(panel: &Panel) -> Option<MonthlyDevelopment> {
    let triangles = panel.triangles.as_ref()?;
    let city = triangles.city();
    let city_incurred = factors_of(&city.incurred)?;
    let city_capped = factors_of(&city.incurred_capped)?;
    let departments = triangles
        .departments
        .iter()
        .enumerate()
        .map(|(d, t)| department(panel, d, t, &city_incurred, &city_capped))
        .collect();
    Some(MonthlyDevelopment { city: city_incurred, departments })
}

/// Each department's ultimate number of claims per accident month of the
/// panel (see the module docs); `None` when no claim has a base to
/// develop from.
pub fn ultimate_claims(panel: &Panel) -> Option<Vec<Vec<f64>>> {
    let counts: Vec<Vec<Vec<f64>>> = (0..panel.departments.len()).map(|d| panel.reported_counts(d)).collect();
    let mut city = counts.first()?.clone();
    for rows in &counts[1..] {
        for (a, b) in city.iter_mut().zip(rows) {
            a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        }
    }
    let city_factors = factors_of(&city)?;
    let ultimates = counts
        .iter()
        .map(|rows| {
            let claims: f64 = rows.iter().filter_map(|r| r.last()).sum();
            let z = (claims / FULL_CREDIBILITY_CLAIMS).sqrt().min(1.0);
            let f = blend(factors_of(rows).as_ref(), &city_factors, z);
            rows.iter().map(|r| r.last().copied().unwrap_or(0.0) * f.cdf[r.len() - 1]).collect()
        })
        .collect();
    Some(ultimates)
}

/// Writes the estimated ultimates into the panel's `incurred` and
/// `incurred_capped`, so every rate, model and rank uses them; the value
/// to date stays in `incurred_to_date`.
pub fn apply(panel: &mut Panel, development: &MonthlyDevelopment) {
    for (series, dev) in panel.departments.iter_mut().zip(&development.departments) {
        for (m, (u, c)) in series.months.iter_mut().zip(dev.ultimate.iter().zip(&dev.ultimate_capped)) {
            m.totals.incurred = Cents((u * 100.0).round() as i64);
            m.totals.incurred_capped = Cents((c * 100.0).round() as i64);
        }
    }
}

fn triangle(rows: &[Vec<f64>]) -> Triangle {
    Triangle {
        group: String::new(),
        measure: String::new(),
        grain: Grain::Month,
        first_origin: 0,
        rows: rows.to_vec(),
        exposure: None,
    }
}

/// Volume-weighted factors of a triangle without a tail.
fn factors_of(rows: &[Vec<f64>]) -> Option<Factors> {
    factors::estimate(&triangle(rows), &FactorOptions::default()).ok()
}

/// The department's factors blended toward the city's, with the city's
/// sigmas and standard errors (see the module docs).
fn blend(own: Option<&Factors>, city: &Factors, z: f64) -> Factors {
    let ata: Vec<f64> = (0..city.ata.len())
        .map(|k| match own.filter(|o| !o.no_base.contains(&k)) {
            Some(o) => z * o.ata[k] + (1.0 - z) * city.ata[k],
            None => city.ata[k],
        })
        .collect();
    let cdf = factors::cdfs(&ata, city.tail);
    Factors { average: Average::Volume, ata, cdf, ..city.clone() }
}

fn department(
    panel: &Panel,
    d: usize,
    t: &DepartmentTriangles,
    city_incurred: &Factors,
    city_capped: &Factors,
) -> DepartmentDevelopment {
    let z = (t.claims as f64 / FULL_CREDIBILITY_CLAIMS).sqrt().min(1.0);
    let months = &panel.departments[d].months;
    let latest: Vec<f64> = months.iter().map(|m| m.totals.incurred_to_date.dollars()).collect();
    let latest_capped: Vec<f64> = months.iter().map(|m| m.totals.incurred_capped.dollars()).collect();
    let hours: Vec<f64> = months.iter().map(|m| m.totals.hours.unwrap_or(0.0)).collect();
    let incurred = blend(factors_of(&t.incurred).as_ref(), city_incurred, z);
    let capped = blend(factors_of(&t.incurred_capped).as_ref(), city_capped, z);
    let (ultimate, method) = ultimates(&t.incurred, &latest, &hours, &incurred);
    let (ultimate_capped, _) = ultimates(&t.incurred_capped, &latest_capped, &hours, &capped);
    let trailing12_std_err = trailing_error(&t.incurred, &latest, &incurred);
    DepartmentDevelopment { credibility: z, ultimate, ultimate_capped, method, trailing12_std_err }
}

/// The rows with each accident month's latest cell set to its value to date.
fn with_latest(rows: &[Vec<f64>], latest: &[f64]) -> Vec<Vec<f64>> {
    rows.iter()
        .zip(latest)
        .map(|(row, &l)| {
            let mut row = row.clone();
            if let Some(last) = row.last_mut() {
                *last = l;
            }
            row
        })
        .collect()
}

/// Each accident month's ultimate by the selection rule, and its method.
fn ultimates(rows: &[Vec<f64>], latest: &[f64], hours: &[f64], f: &Factors) -> (Vec<f64>, Vec<Method>) {
    let cl = mack::chain_ladder(&triangle(&with_latest(rows, latest)), f);
    let cdf: Vec<f64> = rows.iter().map(|r| f.cdf[r.len() - 1]).collect();
    let cape_cod = expected::cape_cod(latest, &cdf, hours);
    (0..rows.len())
        .map(|i| match &cape_cod {
            Some(cc) if reported(cdf[i]) < DEFAULT_THRESHOLD => (cc.ultimate[i], Method::CapeCod),
            _ => (cl.ultimate[i], Method::ChainLadder),
        })
        .unzip()
}

/// Mack's standard error of the trailing 12 accident months' total.
fn trailing_error(rows: &[Vec<f64>], latest: &[f64], f: &Factors) -> Option<f64> {
    let from = rows.len().saturating_sub(TRAILING);
    let recent = with_latest(&rows[from..], &latest[from..]);
    mack::chain_ladder(&triangle(&recent), f).total.map(|e| e.total())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn factors(ata: &[f64]) -> Factors {
        Factors {
            average: Average::Volume,
            ata: ata.to_vec(),
            cdf: factors::cdfs(ata, 1.0),
            tail: 1.0,
            sigma: vec![Some(1.0); ata.len()],
            std_err: vec![Some(0.01); ata.len()],
            zero_bases: vec![0; ata.len()],
            no_base: Vec::new(),
        }
    }

    #[test]
    fn blending_weighs_own_factors_by_credibility_and_falls_back_to_the_city() {
        let city = factors(&[2.0, 1.5]);
        let mut own = factors(&[3.0, 1.0]);
        own.no_base = vec![1];
        let b = blend(Some(&own), &city, 0.25);
        assert_eq!(b.ata, [2.25, 1.5]);
        assert!((b.cdf[0] - 3.375).abs() < 1e-12 && (b.cdf[1] - 1.5).abs() < 1e-12);
        assert_eq!(blend(None, &city, 1.0).ata, city.ata);
        assert_eq!(b.sigma, city.sigma);
    }

    #[test]
    fn late_reported_claims_are_counted_in_the_ultimate() {
        use crate::panel::{DepartmentMonth, DepartmentSeries};
        use crate::schema::Month;
        // Every accident month has 10 claims: 6 reported in the month, 4 the next.
        let month = |lags: &[(u16, u32)]| DepartmentMonth {
            reported_after: lags.iter().copied().collect(),
            ..DepartmentMonth::default()
        };
        let start = Month::from_index(2024 * 12);
        let mut months = vec![month(&[(0, 6), (1, 4)]); 5];
        months.push(month(&[(0, 6)]));
        let series = DepartmentSeries { code: "A".into(), name: "A".into(), group: None, months };
        let panel = Panel {
            start,
            end: start.plus(5),
            has_exposure: false,
            departments: vec![series],
            unexposed_activity: Vec::new(),
            claim_cap: Cents(0),
            triangles: None,
        };
        let u = ultimate_claims(&panel).unwrap();
        assert_eq!(u[0][..5], [10.0; 5]);
        assert!((u[0][5] - 10.0).abs() < 1e-9, "{}", u[0][5]);
    }

    #[test]
    fn young_months_take_cape_cod_and_mature_ones_the_chain_ladder() {
        let f = factors(&[3.0, 1.0]);
        // Accident months of age 3, 2, 1; the youngest is 1/3 reported.
        let rows = vec![vec![10.0, 30.0, 30.0], vec![10.0, 30.0], vec![10.0]];
        let latest = [30.0, 30.0, 12.0];
        let hours = [100.0, 100.0, 100.0];
        let (u, m) = ultimates(&rows, &latest, &hours, &f);
        assert_eq!(m, [Method::ChainLadder, Method::ChainLadder, Method::CapeCod]);
        assert_eq!(&u[..2], &[30.0, 30.0]);
        // Cape Cod: ELR = 72 / (100 + 100 + 100/3) = 0.3086; 12 + (2/3)·ELR·100.
        let elr = 72.0 / (200.0 + 100.0 / 3.0);
        assert!((u[2] - (12.0 + 2.0 / 3.0 * elr * 100.0)).abs() < 1e-9, "{}", u[2]);
        let (u, m) = ultimates(&rows, &latest, &[0.0; 3], &f);
        assert_eq!((u[2], m[2]), (36.0, Method::ChainLadder));
    }
}
