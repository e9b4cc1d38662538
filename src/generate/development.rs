//! A claim's course after its report and its value at any date of it: the
//! [`Course`] holds what `claims::draw_claim` drew for the claim (report,
//! settlement and reopening days, ultimate, split of the paid amount,
//! reserve noise) and, once set, its initial case estimate;
//! [`Course::value_at`] turns it into status, paid amounts and reserve on a
//! given day, without any draw of its own, so that claims.csv and every
//! month-end of claim_valuations.csv come from the same arithmetic.

use crate::schema::ClaimStatus;

/// The smallest reserve an open (or reopened) claim carries, in cents.
pub const MIN_RESERVE_CENTS: i64 = 5_000;

/// How an open claim's paid amount and reserve are set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reserves {
    /// Without `--valuations`: a share `0.1 + 0.8 h` of the ultimate paid,
    /// the rest reserved with mean-one noise (unbiased case reserves, valued
    /// only at the valuation date).
    Unbiased,
    /// With `--valuations`: the case estimate starts at the initial estimate
    /// and moves linearly to the ultimate by the settlement day, so young
    /// claims are under-reserved, as chain-ladder development expects.
    CaseEstimate,
}

/// What was drawn for a claim that decides its value on every day after
/// its report.
#[derive(Debug, Clone, Copy)]
pub struct Course {
    pub reported: i32,
    /// Days from report to settlement, at least 1.
    pub close_days: i32,
    /// The day it reopens, for a claim that reopens (it may lie after the
    /// valuation date).
    pub reopen_day: Option<i32>,
    /// Ultimate cost in dollars (before rounding to cents).
    pub ultimate: f64,
    pub indemnity_share: f64,
    pub expense_share: f64,
    /// Share of the ultimate paid once reopened (r).
    pub reopened_paid: f64,
    /// Mean-one noise on the reserve (e).
    pub noise: f64,
    /// Initial case estimate in cents (whole dollars); 0 until set.
    pub initial: i64,
}

/// A claim as valued on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimValue {
    pub status: ClaimStatus,
    pub closed: Option<i32>,
    pub medical: i64,
    pub indemnity: i64,
    pub expense: i64,
    pub reserve: i64,
}

/// Dollars to cents, rounded as every amount of the claim files is.
pub fn cents(dollars: f64) -> i64 {
    (dollars * 100.0).round() as i64
}

// Totals only the tests need: the files carry the parts.
#[cfg(test)]
impl ClaimValue {
    pub fn paid(&self) -> i64 {
        self.medical + self.indemnity + self.expense
    }

    pub fn incurred(&self) -> i64 {
        self.paid() + self.reserve
    }
}

impl Course {
    /// The settlement day.
    pub fn closed_day(&self) -> i32 {
        self.reported + self.close_days
    }

    /// Whether the claim is still closed on day `t` (settled by then and
    /// not reopened by then).
    pub fn closed_on(&self, t: i32) -> bool {
        self.closed_day() <= t && self.reopen_day.is_none_or(|day| day > t)
    }

    /// The claim's value on day `t` (on or after its report). Closed from
    /// the settlement day with paid = ultimate; reopened from the reopening
    /// day with paid r U and reserve (1 − r) U e; open before settlement
    /// as `reserves` says.
    pub fn value_at(&self, t: i32, reserves: Reserves) -> ClaimValue {
        let closed = self.closed_day();
        // The expressions for closed and reopened claims, and for open
        // ones with unbiased reserves, are those the generator has always
        // used, so that output without --valuations does not move a cent.
        let (status, closed_date, paid, reserve) = if closed <= t {
            match self.reopen_day {
                Some(day) if day <= t => (
                    ClaimStatus::Reopened,
                    Some(closed),
                    self.reopened_paid * self.ultimate,
                    (1.0 - self.reopened_paid) * self.ultimate * self.noise,
                ),
                _ => (ClaimStatus::Closed, Some(closed), self.ultimate, 0.0),
            }
        } else {
            let (paid, reserve) = self.open_amounts(t, reserves);
            (ClaimStatus::Open, None, paid, reserve)
        };
        let paid_cents = cents(paid);
        let indemnity = (paid_cents as f64 * self.indemnity_share).round() as i64;
        let expense = (paid_cents as f64 * self.expense_share).round() as i64;
        ClaimValue {
            status,
            closed: closed_date,
            medical: paid_cents - indemnity - expense,
            indemnity,
            expense,
            reserve: if status.is_open() { cents(reserve).max(MIN_RESERVE_CENTS) } else { 0 },
        }
    }

    /// (paid, reserve) in dollars of a claim open on day `t`, with h = min(1,
    /// (t − reported) / close_days) its maturity.
    fn open_amounts(&self, t: i32, reserves: Reserves) -> (f64, f64) {
        let age = f64::from(t - self.reported);
        match reserves {
            Reserves::Unbiased => {
                let fraction = 0.1 + 0.8 * (age / f64::from(self.close_days)).min(1.0);
                (fraction * self.ultimate, (1.0 - fraction) * self.ultimate * self.noise)
            }
            Reserves::CaseEstimate => {
                let h = (age / f64::from(self.close_days)).min(1.0);
                let initial = self.initial as f64 / 100.0;
                // Case reserves are strengthened late (h², not h): most of a
                // claim's development comes in the second half of its life,
                // as adverse development does in workers' compensation.
                let incurred = initial + (self.ultimate - initial) * h * h;
                let paid = incurred * (0.1 + 0.8 * h);
                (paid, incurred - paid)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn course() -> Course {
        Course {
            reported: 1_000,
            close_days: 100,
            reopen_day: Some(1_300),
            ultimate: 10_000.0,
            indemnity_share: 0.4,
            expense_share: 0.1,
            reopened_paid: 0.8,
            noise: 1.0,
            initial: 300_000,
        }
    }

    #[test]
    fn the_case_estimate_moves_from_the_initial_estimate_to_the_ultimate() {
        let c = course();
        let at_report = c.value_at(1_000, Reserves::CaseEstimate);
        assert_eq!((at_report.status, at_report.incurred()), (ClaimStatus::Open, 300_000));
        assert_eq!(at_report.paid(), 30_000);
        let half = c.value_at(1_050, Reserves::CaseEstimate);
        // incurred 3,000 + 7,000 / 4 = 4,750 dollars, paid half of it.
        assert_eq!((half.incurred(), half.paid()), (475_000, 237_500));
        assert_eq!(half.indemnity, 95_000);
        assert_eq!(half.expense, 23_750);
        let closed = c.value_at(1_100, Reserves::CaseEstimate);
        assert_eq!(
            (closed.status, closed.closed, closed.incurred(), closed.reserve),
            (ClaimStatus::Closed, Some(1_100), 1_000_000, 0)
        );
        let reopened = c.value_at(1_300, Reserves::CaseEstimate);
        assert_eq!((reopened.status, reopened.paid(), reopened.reserve), (ClaimStatus::Reopened, 800_000, 200_000));
    }

    #[test]
    fn an_estimate_above_the_ultimate_falls_toward_it_and_reserves_keep_their_floor() {
        let c = Course { initial: 5_000_000, reopen_day: None, ..course() };
        let incurred: Vec<i64> =
            (0..100).step_by(10).map(|d| c.value_at(1_000 + d, Reserves::CaseEstimate).incurred()).collect();
        assert!(incurred.windows(2).all(|w| w[1] < w[0]), "{incurred:?}");
        let tiny = Course { ultimate: 1.0, initial: 100, ..c };
        assert_eq!(tiny.value_at(1_099, Reserves::CaseEstimate).reserve, MIN_RESERVE_CENTS);
        assert!(tiny.closed_on(5_000) && !course().closed_on(1_300) && course().closed_on(1_299));
    }
}
