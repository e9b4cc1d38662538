//! Claim valuation histories (`claim_valuations.csv`) turned into each
//! department's cumulative development triangles of incurred, capped
//! incurred and paid: origin = the accident month (the month of the
//! injury, as everywhere in the panel), age = months of development, 1
//! being the value at the end of the accident month.
//!
//! A claim's value at a month's end is its latest valuation dated on or
//! before that day, carried forward until the next one (loss runs often
//! repeat a claim only when it changes); before its first valuation the
//! claim is not yet known and counts nothing. Rows are held as compact
//! points until the panel is built, because the carry-forward needs each
//! claim's valuations in date order and the file may come in any order.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::ingest::ValuationRecord;
use crate::schema::{self, Cents, Month};

/// One claim valued on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct ValuationPoint {
    /// The 64-bit hash of the claim id (claims are told apart, not named).
    claim: u64,
    day: i32,
    valued: Month,
    origin: Month,
    incurred: Cents,
    paid: Cents,
}

/// The valuation rows of a read, by department.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ValuationHistory {
    by_department: FxHashMap<Arc<str>, Vec<ValuationPoint>>,
}

impl ValuationHistory {
    pub fn add(&mut self, r: &ValuationRecord<'_>) {
        let point = ValuationPoint {
            claim: xxhash_rust::xxh3::xxh3_64(r.claim_id.as_bytes()),
            day: schema::day_number(r.valuation_date),
            valued: Month::of(r.valuation_date),
            origin: Month::of(r.injury_date),
            incurred: r.incurred(),
            paid: r.paid(),
        };
        self.by_department.entry(r.department.clone()).or_default().push(point);
    }

    pub fn merge(&mut self, other: ValuationHistory) {
        for (d, points) in other.by_department {
            self.by_department.entry(d).or_default().extend(points);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.by_department.is_empty()
    }
}

/// One department's cumulative triangles, in dollars. Row `i` is the
/// accident month `start + i` and has its ages 1 to `end − origin + 1`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DepartmentTriangles {
    pub incurred: Vec<Vec<f64>>,
    /// Each claim's incurred capped at the large-claim limit, then summed.
    pub incurred_capped: Vec<Vec<f64>>,
    pub paid: Vec<Vec<f64>>,
    /// Claims with at least one valuation in the panel's window.
    pub claims: u64,
}

/// Every department's triangles, in the panel's department order.
#[derive(Debug, Clone, PartialEq)]
pub struct Triangles {
    pub start: Month,
    pub end: Month,
    pub departments: Vec<DepartmentTriangles>,
}

impl Triangles {
    /// Builds the triangles of `codes` (the panel's departments, in order)
    /// over the accident months `start..=end`.
    pub fn build(history: &ValuationHistory, codes: &[&str], start: Month, end: Month, cap: Cents) -> Triangles {
        let departments = codes
            .iter()
            .map(|code| match history.by_department.get(*code) {
                Some(points) => department(points, start, end, cap),
                None => DepartmentTriangles {
                    incurred: empty(start, end),
                    incurred_capped: empty(start, end),
                    paid: empty(start, end),
                    claims: 0,
                },
            })
            .collect();
        Triangles { start, end, departments }
    }

    /// The city's triangles: every department's added cell by cell.
    pub fn city(&self) -> DepartmentTriangles {
        let mut city = DepartmentTriangles {
            incurred: empty(self.start, self.end),
            incurred_capped: empty(self.start, self.end),
            paid: empty(self.start, self.end),
            claims: 0,
        };
        for d in &self.departments {
            add_cells(&mut city.incurred, &d.incurred);
            add_cells(&mut city.incurred_capped, &d.incurred_capped);
            add_cells(&mut city.paid, &d.paid);
            city.claims += d.claims;
        }
        city
    }
}

fn add_cells(to: &mut [Vec<f64>], from: &[Vec<f64>]) {
    for (a, b) in to.iter_mut().zip(from) {
        for (x, y) in a.iter_mut().zip(b) {
            *x += y;
        }
    }
}

/// Zeros of the right shape: origin `start + i` has `end − origin + 1` ages.
fn empty(start: Month, end: Month) -> Vec<Vec<f64>> {
    Month::range(start, end).map(|o| vec![0.0; (end.since(o) + 1) as usize]).collect()
}

/// One department: each claim's changes between its valuations, added
/// at the age they happen, then summed along the ages.
fn department(points: &[ValuationPoint], start: Month, end: Month, cap: Cents) -> DepartmentTriangles {
    let mut sorted = points.to_vec();
    sorted.sort_unstable();
    let mut out = DepartmentTriangles {
        incurred: empty(start, end),
        incurred_capped: empty(start, end),
        paid: empty(start, end),
        claims: 0,
    };
    for claim in sorted.chunk_by(|a, b| a.claim == b.claim) {
        let origin = claim[0].origin;
        if origin < start || origin > end {
            continue;
        }
        out.claims += 1;
        let row = origin.since(start) as usize;
        let mut previous = (Cents(0), Cents(0), Cents(0));
        for p in claim {
            let age = p.valued.since(origin) as usize;
            if age >= out.incurred[row].len() {
                break;
            }
            let now = (p.incurred, p.incurred.min(cap), p.paid);
            out.incurred[row][age] += Cents(now.0.0 - previous.0.0).dollars();
            out.incurred_capped[row][age] += Cents(now.1.0 - previous.1.0).dollars();
            out.paid[row][age] += Cents(now.2.0 - previous.2.0).dollars();
            previous = now;
        }
    }
    for rows in [&mut out.incurred, &mut out.incurred_capped, &mut out.paid] {
        rows.iter_mut().for_each(|row| cumulate(row));
    }
    out
}

/// Increments along the ages to cumulative values, in place.
pub(super) fn cumulate(row: &mut [f64]) {
    for a in 1..row.len() {
        row[a] += row[a - 1];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::ClaimStatus;
    use jiff::civil::Date;

    fn record<'a>(
        claim: &'a str,
        dept: &Arc<str>,
        injury: Date,
        valued: Date,
        paid: i64,
        reserve: i64,
    ) -> ValuationRecord<'a> {
        ValuationRecord {
            claim_id: claim.into(),
            valuation_date: valued,
            paid_medical: Some(Cents(paid * 100)),
            paid_indemnity: None,
            paid_expense: None,
            reserve: Some(Cents(reserve * 100)),
            status: ClaimStatus::Open,
            department: dept.clone(),
            injury_date: injury,
        }
    }

    fn d(y: i16, m: i8, day: i8) -> Date {
        Date::new(y, m, day).unwrap()
    }

    #[test]
    fn values_carry_forward_and_the_latest_of_a_month_counts() {
        let fire: Arc<str> = Arc::from("FIRE");
        let mut h = ValuationHistory::default();
        // Out of order on purpose; valued in Jan (twice), then April.
        h.add(&record("A", &fire, d(2024, 1, 5), d(2024, 4, 30), 300, 200));
        h.add(&record("A", &fire, d(2024, 1, 5), d(2024, 1, 10), 0, 100));
        h.add(&record("A", &fire, d(2024, 1, 5), d(2024, 1, 31), 50, 150));
        // Reported in March, a capped large claim.
        h.add(&record("B", &fire, d(2024, 2, 20), d(2024, 3, 31), 0, 150_000));
        let (start, end) = (Month::of(d(2024, 1, 1)), Month::of(d(2024, 5, 1)));
        let t = Triangles::build(&h, &["FIRE", "PARKS"], start, end, Cents(100_000 * 100));
        let fire = &t.departments[0];
        assert_eq!(fire.claims, 2);
        assert_eq!(fire.incurred[0], [200.0, 200.0, 200.0, 500.0, 500.0]);
        assert_eq!(fire.paid[0], [50.0, 50.0, 50.0, 300.0, 300.0]);
        assert_eq!(fire.incurred[1], [0.0, 150_000.0, 150_000.0, 150_000.0]);
        assert_eq!(fire.incurred_capped[1], [0.0, 100_000.0, 100_000.0, 100_000.0]);
        assert_eq!(t.departments[1].incurred.len(), 5);
        assert!(t.departments[1].incurred.iter().flatten().all(|&x| x == 0.0));
        assert_eq!(t.city().incurred[1][3], 150_000.0);
    }
}
