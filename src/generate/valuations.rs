//! The two files `--valuations` adds: `claim_valuations.csv`, every
//! reported claim valued at each month-end from its report month to the
//! valuation date (a concatenation of monthly loss runs), and
//! `truth_ultimates.csv`, the claims and realised ultimates of every
//! department and accident month, reported by the valuation date or not
//! (the known ultimates that claim development is scored against).

use serde::Serialize;

use super::GenerateError;
use super::departments::Dept;
use super::development::{Course, Reserves, cents};
use super::files::{DataFile, write_csv};
use super::params::Window;
use super::values::{Day, Money, days_from_month};
use crate::export::{CsvRow, StagedFolder};
use crate::metrics::DEFAULT_CLAIM_CAP;
use crate::schema::{ClaimStatus, Month};

pub const VALUATIONS_FILE: &str = "claim_valuations.csv";
pub const ULTIMATES_FILE: &str = "truth_ultimates.csv";

pub const VALUATION_COLUMNS: [&str; 7] =
    ["claim_id", "valuation_date", "paid_medical", "paid_indemnity", "paid_expense", "reserve", "status"];

/// The claims of one department-month of injuries and the sum of their
/// ultimates in cents, uncapped and each capped at [`DEFAULT_CLAIM_CAP`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CellUltimates {
    pub claims: u32,
    pub ultimate: i64,
    pub capped: i64,
}

impl CellUltimates {
    /// Adds a claim of `ultimate` dollars, in cents rounded as a closed
    /// claim's paid amount is (so the sum can be rebuilt from claims.csv).
    pub fn add(&mut self, ultimate: f64) {
        let ultimate = cents(ultimate);
        self.claims += 1;
        self.ultimate += ultimate;
        self.capped += ultimate.min(DEFAULT_CLAIM_CAP.0);
    }
}

/// One row of truth_ultimates.csv.
#[derive(Serialize)]
struct UltimateRow<'a> {
    department: &'a str,
    month: Month,
    claims: u32,
    ultimate_incurred: Money,
    ultimate_incurred_capped: Money,
}

impl CsvRow for UltimateRow<'_> {
    const COLUMNS: &'static [&'static str] =
        &["department", "month", "claims", "ultimate_incurred", "ultimate_incurred_capped"];
}

/// One row of claim_valuations.csv.
#[derive(Serialize)]
struct ValuationRow<'a> {
    claim_id: &'a str,
    valuation_date: Day,
    paid_medical: Money,
    paid_indemnity: Money,
    paid_expense: Money,
    reserve: Money,
    status: ClaimStatus,
}

/// Writes truth_ultimates.csv: every department-month of the window, in
/// department then month order, from `cells` (department `d`'s month `t`
/// at `d × months + t`).
pub fn write_truth_ultimates(
    folder: &mut StagedFolder,
    window: &Window,
    depts: &[Dept],
    cells: &[CellUltimates],
) -> Result<(), GenerateError> {
    let rows = depts.iter().enumerate().flat_map(|(d, dept)| {
        (0..window.months).map(move |t| {
            let cell = cells.get(d * window.months + t).copied().unwrap_or_default();
            UltimateRow {
                department: &dept.code,
                month: window.month(t),
                claims: cell.claims,
                ultimate_incurred: Money(cell.ultimate),
                ultimate_incurred_capped: Money(cell.capped),
            }
        })
    });
    write_csv(folder, ULTIMATES_FILE, rows)
}

/// The window's month (0 is its start) of day `day`, clamped to the window.
fn month_of(window: &Window, day: i32) -> usize {
    let (y, m, _) = Day(day).ymd();
    let index = i64::from(y) * 12 + i64::from(m) - 1 - i64::from(window.start.index());
    index.clamp(0, window.months as i64 - 1) as usize
}

/// Writes claim_valuations.csv from the courses of the good claims of
/// claims.csv (claim `i` is `WC` + `i + 1`): month-end by month-end, each
/// in claim order, the claims reported by then and not closed before the
/// previous month-end. Returns the number of rows.
pub fn write_claim_valuations(
    folder: &mut StagedFolder,
    window: &Window,
    courses: &[Course],
) -> Result<usize, GenerateError> {
    // Claims enter in the month they are reported and leave after the
    // month they close in, unless they are open (or reopened) at the
    // valuation date: the reader carries a claim's last value forward.
    let mut entering: Vec<Vec<u32>> = vec![Vec::new(); window.months];
    let mut last_month = Vec::with_capacity(courses.len());
    for (i, course) in courses.iter().enumerate() {
        entering[month_of(window, course.reported)].push(i as u32);
        let closed = course.closed_on(window.valuation);
        last_month.push(if closed { month_of(window, course.closed_day()) } else { window.months - 1 });
    }
    let mut file = DataFile::create(folder, VALUATIONS_FILE, &VALUATION_COLUMNS)?;
    let (mut active, mut next) = (Vec::<u32>::new(), Vec::<u32>::new());
    let mut claim_id = String::new();
    for (t, entrants) in entering.into_iter().enumerate() {
        merge_in_order(&active, &entrants, |i| last_month[i as usize] >= t, &mut next);
        std::mem::swap(&mut active, &mut next);
        let end = days_from_month(window.month(t + 1)) - 1;
        for &i in &active {
            let value = courses[i as usize].value_at(end, Reserves::CaseEstimate);
            super::claims::write_claim_id(&mut claim_id, u64::from(i) + 1);
            file.good(&ValuationRow {
                claim_id: &claim_id,
                valuation_date: Day(end),
                paid_medical: Money(value.medical),
                paid_indemnity: Money(value.indemnity),
                paid_expense: Money(value.expense),
                reserve: Money(value.reserve),
                status: value.status,
            })?;
        }
    }
    file.commit(folder, &mut Vec::new())
}

/// `out` = the elements of `active` that `keep`, merged with `entrants`;
/// both inputs ascending and disjoint, so `out` is too.
fn merge_in_order(active: &[u32], entrants: &[u32], keep: impl Fn(u32) -> bool, out: &mut Vec<u32>) {
    out.clear();
    let mut incoming = entrants.iter().copied().peekable();
    for i in active.iter().copied().filter(|&i| keep(i)) {
        while let Some(j) = incoming.next_if(|&j| j < i) {
            out.push(j);
        }
        out.push(i);
    }
    out.extend(incoming);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merging_keeps_claim_order() {
        let mut out = Vec::new();
        merge_in_order(&[1, 4, 6, 9], &[0, 2, 5, 10, 11], |i| i != 6, &mut out);
        assert_eq!(out, [0, 1, 2, 4, 5, 9, 10, 11]);
        merge_in_order(&[], &[3], |_| true, &mut out);
        assert_eq!(out, [3]);
    }

    #[test]
    fn ultimates_are_capped_per_claim() {
        let mut cell = CellUltimates::default();
        cell.add(250_000.004);
        cell.add(99.996);
        assert_eq!(cell, CellUltimates { claims: 2, ultimate: 25_000_000 + 10_000, capped: 10_000_000 + 10_000 });
    }
}
