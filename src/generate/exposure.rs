//! Every department-month: the hours, headcount and payroll (exposure.csv),
//! the true recordable rate λ_dt and the expectations drawn from it
//! (truth.csv).

use serde::Serialize;

use super::claims::expected_incurred_per_case;
use super::departments::Dept;
use super::groups::{BASE_RATE, group_effect};
use super::params::{GenerateParams, Window};
use super::random::{EXPOSURE_STREAM, normal, stream};
use super::values::{Fixed, Money, days_in_month};
use crate::export::truth::TruthRow;
use crate::schema::Month;

/// The hours the rate is per.
const RATE_BASE_HOURS: f64 = 200_000.0;
const HOURS_PER_FTE_MONTH: f64 = 173.33;
const WAGE_TREND: f64 = 1.03;

/// What one department-month is made of, in department then month order.
pub struct CellTruth {
    pub hours: f64,
    pub headcount: f64,
    pub payroll_cents: i64,
    /// Expected recordable cases (× scale).
    pub mu: f64,
    pub expected_incurred: f64,
}

fn log_rate(dept: &Dept, window: &Window, t: usize) -> f64 {
    let g = dept.group.params();
    let month = window.month(t);
    let season = g.seasonal_amplitude * (2.0 * std::f64::consts::PI * (f64::from(month.month()) - 7.0) / 12.0).cos();
    let centred = (t as f64 - (window.months as f64 - 1.0) / 2.0) / 12.0;
    let shift = match dept.brk {
        Some((b, size)) if t >= b => size,
        _ => 0.0,
    };
    BASE_RATE.ln() + group_effect(dept.group) + dept.effect + season + dept.trend * centred + shift
}

pub fn build_cells(params: &GenerateParams, window: &Window, depts: &[Dept]) -> Vec<CellTruth> {
    let mut rng = stream(params.seed, EXPOSURE_STREAM);
    let mut cells = Vec::with_capacity(depts.len() * window.months);
    for dept in depts {
        let g = dept.group.params();
        let mut hc = dept.headcount;
        for t in 0..window.months {
            hc *= normal(&mut rng, 0.0005, 0.008).exp();
            let month = window.month(t);
            let dim = f64::from(days_in_month(month));
            let hours = hc * HOURS_PER_FTE_MONTH * (dim / 30.44) * g.overtime * normal(&mut rng, 0.0, 0.025).exp();
            let hours = round_to(hours, 1);
            let years = t as f64 / 12.0;
            let payroll = hours * g.wage * WAGE_TREND.powf(years) * normal(&mut rng, 0.0, 0.01).exp();
            let mu = log_rate(dept, window, t).exp() * hours / RATE_BASE_HOURS * params.scale;
            cells.push(CellTruth {
                hours,
                headcount: round_to(hc, 1),
                payroll_cents: (payroll * 100.0).round() as i64,
                mu,
                expected_incurred: mu * expected_incurred_per_case(dept.group, years),
            });
        }
    }
    cells
}

fn round_to(x: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (x * f).round() / f
}

#[derive(Serialize)]
pub struct ExposureRow<'a> {
    department: &'a str,
    month: Month,
    hours_worked: Fixed<1>,
    headcount: Fixed<1>,
    payroll: Money,
}

pub fn exposure_row<'a>(dept: &'a Dept, month: Month, cell: &CellTruth) -> ExposureRow<'a> {
    ExposureRow {
        department: &dept.code,
        month,
        hours_worked: Fixed(cell.hours),
        headcount: Fixed(cell.headcount),
        payroll: Money(cell.payroll_cents),
    }
}

/// The rows of truth.csv, department by department, month by month.
pub fn truth_rows<'a>(
    depts: &'a [Dept],
    cells: &'a [CellTruth],
    window: &'a Window,
) -> impl Iterator<Item = TruthRow<'a>> {
    depts.iter().enumerate().flat_map(move |(d, dept)| {
        (0..window.months).map(move |t| {
            let cell = &cells[d * window.months + t];
            TruthRow {
                department: &dept.code,
                month: window.month(t),
                hours: cell.hours,
                expected_recordable: cell.mu,
                expected_incurred: cell.expected_incurred,
            }
        })
    })
}
