//! Claims: the parameters of each claim class, the draws that turn a case
//! (or nothing, for a claim without a case) into a claim's course (cost,
//! report lag, settlement, split of the paid amount; valued by
//! `development`), the initial case estimate, the expected cost truth.csv
//! builds on, and the claim's row in claims.csv.

use std::fmt::Write as _;

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::development::{ClaimValue, Course, Reserves};
use super::groups::Group;
use super::random::{lognormal, pareto};
use super::values::{Day, Money};
use crate::schema::ClaimStatus;

/// Claims without a case per expected recordable case.
pub const UNLINKED_CLAIM_RATE: f64 = 0.08;
const SEVERITY_TREND: f64 = 1.045;
const LITIGATION_MULTIPLIER: f64 = 1.8;
const TAIL_SCALE: f64 = 75_000.0;
const TAIL_SHAPE: f64 = 1.7;
const TAIL_CAP: f64 = 5_000_000.0;
const LAG_SIGMA: f64 = 1.0;
const LAG_TAIL_PROB: f64 = 0.05;
const LAG_TAIL_SCALE: f64 = 30.0;
const LAG_TAIL_SHAPE: f64 = 1.1;
const LAG_CAP_DAYS: f64 = 1095.0;
const CLOSE_SIGMA: f64 = 0.8;
const LITIGATED_CLOSE_FACTOR: f64 = 2.5;
const RESERVE_SIGMA: f64 = 0.35;
/// Initial case estimate: share of the ultimate for medical-only and lost-time claims.
const ESTIMATE_SHARE: f64 = 0.35;
const ESTIMATE_SHARE_LOST_TIME: f64 = 0.55;
const ESTIMATE_SIGMA: f64 = 0.9;
const ESTIMATE_FLOOR_DOLLARS: f64 = 250.0;

/// Claim parameters per class: death, days away, restricted, other
/// recordable, and claims without a case (index 4).
pub struct ClaimClass {
    /// Probability that a case of the class becomes a claim (for index 4:
    /// unlinked claims per expected recordable case).
    pub claim_share: f64,
    median_cost: f64,
    sigma: f64,
    tail_prob: f64,
    litigation_prob: f64,
    close_median_days: f64,
    reopen_prob: f64,
    lost_time_prob: f64,
    report_median_days: f64,
}

pub const UNLINKED: usize = 4;

pub static CLAIM_CLASSES: [ClaimClass; 5] = [
    ClaimClass {
        claim_share: 1.0,
        median_cost: 350_000.0,
        sigma: 0.5,
        tail_prob: 0.0,
        litigation_prob: 0.5,
        close_median_days: 540.0,
        reopen_prob: 0.0,
        lost_time_prob: 1.0,
        report_median_days: 5.0,
    },
    ClaimClass {
        claim_share: 0.95,
        median_cost: 14_000.0,
        sigma: 1.1,
        tail_prob: 0.05,
        litigation_prob: 0.15,
        close_median_days: 270.0,
        reopen_prob: 0.06,
        lost_time_prob: 1.0,
        report_median_days: 5.0,
    },
    ClaimClass {
        claim_share: 0.85,
        median_cost: 4_500.0,
        sigma: 1.0,
        tail_prob: 0.015,
        litigation_prob: 0.05,
        close_median_days: 120.0,
        reopen_prob: 0.03,
        lost_time_prob: 0.0,
        report_median_days: 5.0,
    },
    ClaimClass {
        claim_share: 0.65,
        median_cost: 1_200.0,
        sigma: 0.9,
        tail_prob: 0.003,
        litigation_prob: 0.02,
        close_median_days: 45.0,
        reopen_prob: 0.02,
        lost_time_prob: 0.0,
        report_median_days: 5.0,
    },
    ClaimClass {
        claim_share: UNLINKED_CLAIM_RATE,
        median_cost: 9_000.0,
        sigma: 1.2,
        tail_prob: 0.04,
        litigation_prob: 0.25,
        close_median_days: 300.0,
        reopen_prob: 0.04,
        lost_time_prob: 0.5,
        report_median_days: 45.0,
    },
];

/// E[min(X, cap)] for X ~ Pareto(scale, shape), shape > 1.
fn capped_pareto_mean(scale: f64, shape: f64, cap: f64) -> f64 {
    scale * shape / (shape - 1.0) - scale.powf(shape) * cap.powf(1.0 - shape) / (shape - 1.0)
}

/// Expected ultimate cost of one claim of class `class` (index into
/// `CLAIM_CLASSES`) in group `group`, `years` after the window start.
fn expected_claim_cost(class: usize, group: Group, years: f64) -> f64 {
    let cc = &CLAIM_CLASSES[class];
    let body = cc.median_cost * (cc.sigma * cc.sigma / 2.0).exp();
    let tail = capped_pareto_mean(TAIL_SCALE, TAIL_SHAPE, TAIL_CAP);
    let base = (1.0 - cc.tail_prob) * body + cc.tail_prob * tail;
    base * group.params().cost_multiplier
        * SEVERITY_TREND.powf(years)
        * (1.0 + cc.litigation_prob * (LITIGATION_MULTIPLIER - 1.0))
}

/// Expected ultimate incurred per expected recordable case.
pub fn expected_incurred_per_case(group: Group, years: f64) -> f64 {
    let probs = group.params().class_probs();
    let linked: f64 =
        (0..4).map(|c| probs[c] * CLAIM_CLASSES[c].claim_share * expected_claim_cost(c, group, years)).sum();
    linked + UNLINKED_CLAIM_RATE * expected_claim_cost(UNLINKED, group, years)
}

/// What a claim takes from its case (or, without a case, draws itself).
#[derive(Clone, Copy)]
pub struct ClaimOrigin {
    /// Sequence number of the linked case (same department and year as the injury).
    pub case_seq: Option<u32>,
    pub injury_day: i32,
    pub cause: Option<u16>,
    pub nature: Option<u16>,
    pub body: Option<u16>,
    pub job: &'static str,
    pub employee: u32,
}

/// A claim reported by the valuation date: its origin, course and value
/// there (its row in claims.csv).
#[derive(Clone, Copy)]
pub struct ClaimDraft {
    pub origin: ClaimOrigin,
    pub litigated: bool,
    pub lost_time: bool,
    pub course: Course,
    pub value: ClaimValue,
}

/// A drawn claim: reported by the valuation date, or not yet (incurred but
/// not reported, known only to the truth by its ultimate).
pub enum Drawn {
    Reported(ClaimDraft),
    Unreported { ultimate: f64 },
}

impl Drawn {
    /// Ultimate cost in dollars.
    pub fn ultimate(&self) -> f64 {
        match self {
            Drawn::Reported(claim) => claim.course.ultimate,
            Drawn::Unreported { ultimate } => *ultimate,
        }
    }
}

/// `WC` + 7 digits: the id of the `n`-th good claim of claims.csv (from 1).
pub fn write_claim_id(buf: &mut String, n: u64) {
    buf.clear();
    let _ = write!(buf, "WC{n:07}");
}

/// The ids of one claims.csv row, formatted by the writer.
pub struct ClaimIds<'a> {
    pub claim_id: &'a str,
    pub case_id: &'a str,
    pub department: &'a str,
    pub employee_id: &'a str,
}

#[derive(Serialize)]
pub struct GeneratedClaim<'a> {
    claim_id: &'a str,
    case_id: &'a str,
    department: &'a str,
    injury_date: Day,
    reported_date: Day,
    valuation_date: Day,
    status: ClaimStatus,
    closed_date: Option<Day>,
    paid_medical: Money,
    paid_indemnity: Money,
    paid_expense: Money,
    reserve: Money,
    litigated: bool,
    cause_code: Option<u16>,
    nature_code: Option<u16>,
    body_part_code: Option<u16>,
    job_class: &'a str,
    employee_id: &'a str,
    initial_incurred: Money,
}

impl ClaimDraft {
    /// Its row in claims.csv, valued at `valuation`.
    pub fn row<'a>(&self, ids: ClaimIds<'a>, valuation: i32) -> GeneratedClaim<'a> {
        GeneratedClaim {
            claim_id: ids.claim_id,
            case_id: ids.case_id,
            department: ids.department,
            injury_date: Day(self.origin.injury_day),
            reported_date: Day(self.course.reported),
            valuation_date: Day(valuation),
            status: self.value.status,
            closed_date: self.value.closed.map(Day),
            paid_medical: Money(self.value.medical),
            paid_indemnity: Money(self.value.indemnity),
            paid_expense: Money(self.value.expense),
            reserve: Money(self.value.reserve),
            litigated: self.litigated,
            cause_code: self.origin.cause,
            nature_code: self.origin.nature,
            body_part_code: self.origin.body,
            job_class: self.origin.job,
            employee_id: ids.employee_id,
            initial_incurred: Money(self.course.initial),
        }
    }
}

/// Draws the claim of class `class` (index into `CLAIM_CLASSES`) from its
/// origin, `years` after the window start: its course and, when it is
/// reported by `valuation`, its value there with unbiased reserves (with
/// `--valuations` the caller revalues it once the initial estimate is set).
/// The initial estimate is left 0 (see [`initial_estimate`]).
pub fn draw_claim(
    rng: &mut ChaCha8Rng,
    origin: ClaimOrigin,
    class: usize,
    group: Group,
    years: f64,
    valuation: i32,
) -> Drawn {
    let cc = &CLAIM_CLASSES[class];
    let litigated = rng.gen_bool(cc.litigation_prob);
    let base = if rng.gen_bool(cc.tail_prob) {
        pareto(rng, TAIL_SCALE, TAIL_SHAPE).min(TAIL_CAP)
    } else {
        lognormal(rng, cc.median_cost, cc.sigma)
    };
    let ultimate = base
        * group.params().cost_multiplier
        * SEVERITY_TREND.powf(years)
        * if litigated { LITIGATION_MULTIPLIER } else { 1.0 };
    let lag = if rng.gen_bool(LAG_TAIL_PROB) {
        pareto(rng, LAG_TAIL_SCALE, LAG_TAIL_SHAPE)
    } else {
        lognormal(rng, cc.report_median_days, LAG_SIGMA)
    };
    let reported = origin.injury_day + lag.min(LAG_CAP_DAYS).floor() as i32;
    let close_days = (lognormal(rng, cc.close_median_days, CLOSE_SIGMA)
        * if litigated { LITIGATED_CLOSE_FACTOR } else { 1.0 })
    .ceil()
    .max(1.0);
    let close_days = close_days.min(1e6) as i32;
    let reopen = rng.gen_bool(cc.reopen_prob);
    let reopen_day = reported + close_days + rng.gen_range(30..=540);
    let lost_time = rng.gen_bool(cc.lost_time_prob);
    let expense_share = rng.gen_range(0.04..0.12) + if litigated { 0.10 } else { 0.0 };
    let indemnity_share = if lost_time { rng.gen_range(0.30..0.55) } else { 0.0 };
    let reopened_paid = rng.gen_range(0.75..0.95);
    let noise = lognormal(rng, (-RESERVE_SIGMA * RESERVE_SIGMA / 2.0).exp(), RESERVE_SIGMA);
    if reported > valuation {
        return Drawn::Unreported { ultimate };
    }
    let course = Course {
        reported,
        close_days,
        reopen_day: reopen.then_some(reopen_day),
        ultimate,
        indemnity_share,
        expense_share,
        reopened_paid,
        noise,
        initial: 0,
    };
    let value = course.value_at(valuation, Reserves::Unbiased);
    Drawn::Reported(ClaimDraft { origin, litigated, lost_time, course, value })
}

/// The case estimate set at first report, in cents: LogNormal around a share
/// of the ultimate (0.35, 0.55 for lost-time claims), σ 0.9, whole dollars, at
/// least $250.
pub fn initial_estimate(rng: &mut ChaCha8Rng, claim: &ClaimDraft) -> i64 {
    let share = if claim.lost_time { ESTIMATE_SHARE_LOST_TIME } else { ESTIMATE_SHARE };
    let dollars = lognormal(rng, share * claim.course.ultimate, ESTIMATE_SIGMA).round().max(ESTIMATE_FLOOR_DOLLARS);
    dollars.min(1e12) as i64 * 100
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::development::MIN_RESERVE_CENTS;
    use crate::generate::random::stream;
    use crate::generate::values::days_from_civil;

    #[test]
    fn capped_pareto_mean_matches_integral() {
        // E[min(X, C)] = x_m + ∫_{x_m}^{C} (x_m / x)^α dx, by the midpoint rule on a log grid.
        let (xm, a, c) = (TAIL_SCALE, TAIL_SHAPE, TAIL_CAP);
        let n = 200_000;
        let (lo, hi) = (xm.ln(), c.ln());
        let h = (hi - lo) / n as f64;
        let integral: f64 = (0..n)
            .map(|i| {
                let x = (lo + (i as f64 + 0.5) * h).exp();
                (xm / x).powf(a) * x * h
            })
            .sum();
        let formula = capped_pareto_mean(xm, a, c);
        assert!((xm + integral - formula).abs() / formula < 1e-6, "{} vs {formula}", xm + integral);
    }

    fn claim_origin(injury_day: i32) -> ClaimOrigin {
        ClaimOrigin {
            case_seq: Some(1),
            injury_day,
            cause: Some(56),
            nature: Some(52),
            body: Some(42),
            job: "x",
            employee: 1,
        }
    }

    #[test]
    fn claim_costs_match_the_documented_expectation() {
        // With the valuation far away every claim is reported; paid + reserve
        // is the ultimate cost in expectation (unbiased reserves), so its
        // mean must match the formula truth.csv uses.
        let mut rng = stream(11, 99);
        let injury = days_from_civil(2020, 3, 3);
        for class in 0..CLAIM_CLASSES.len() {
            let n = 40_000;
            let mut sum = 0.0;
            for _ in 0..n {
                let Drawn::Reported(c) =
                    draw_claim(&mut rng, claim_origin(injury), class, Group::PublicSafety, 2.0, injury + 3_000_000)
                else {
                    panic!("a claim reported after 3,000,000 days")
                };
                sum += c.value.incurred() as f64 / 100.0;
            }
            let mean = sum / n as f64;
            let expected = expected_claim_cost(class, Group::PublicSafety, 2.0);
            assert!((mean / expected - 1.0).abs() < 0.07, "class {class}: {mean} vs {expected}");
        }
    }

    #[test]
    fn closed_claims_pay_the_ultimate_and_open_ones_keep_a_reserve() {
        let mut rng = stream(5, 77);
        let origin = claim_origin(days_from_civil(2020, 3, 3));
        let valuation = days_from_civil(2025, 12, 31);
        let mut seen = [0usize; 3];
        for i in 0..5000 {
            let class = i % 5;
            let Drawn::Reported(claim) = draw_claim(&mut rng, origin, class, Group::Office, 0.0, valuation) else {
                continue;
            };
            let (c, reported) = (claim.value, claim.course.reported);
            assert!(reported >= claim.origin.injury_day && reported <= valuation);
            assert!(c.medical >= 0 && c.indemnity >= 0 && c.expense >= 0);
            match c.status {
                ClaimStatus::Closed => {
                    seen[0] += 1;
                    assert_eq!(c.reserve, 0);
                    let closed = c.closed.unwrap();
                    assert!(closed > reported && closed <= valuation);
                }
                ClaimStatus::Open => {
                    seen[1] += 1;
                    assert!(c.reserve >= MIN_RESERVE_CENTS && c.closed.is_none());
                }
                ClaimStatus::Reopened => {
                    seen[2] += 1;
                    assert!(c.reserve > 0 && c.closed.unwrap() <= valuation);
                }
            }
            if !matches!(class, 0 | 1) && class != UNLINKED {
                assert_eq!(c.indemnity, 0);
            }
        }
        assert!(seen.iter().all(|&n| n > 0), "{seen:?}");
    }
}
