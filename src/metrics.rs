//! The standard safety and cost metrics of the data contract and
//! `formulas.md`, computed from period totals. Over several months or
//! departments the numerators and hours are added first and divided once:
//! rates are never averaged. Without hours (or payroll) a rate is `None`,
//! never a guess.

use serde::Serialize;

use crate::schema::Cents;

/// OSHA's base: 100 full-time workers × 40 h × 50 weeks.
pub const BASE_HOURS: f64 = 200_000.0;

/// Default per-claim cap for the capped loss rate.
pub const DEFAULT_CLAIM_CAP: Cents = Cents(100_000 * 100);

/// Totals for one department (or the city) over one period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Totals {
    pub deaths: u64,
    pub days_away_cases: u64,
    pub restricted_cases: u64,
    pub other_recordable_cases: u64,
    pub first_aid_cases: u64,
    pub near_miss_cases: u64,
    pub days_away: u64,
    pub days_restricted: u64,
    pub claims: u64,
    pub open_claims: u64,
    pub litigated_claims: u64,
    pub paid: Cents,
    /// Incurred (paid + reserve) as the loss rates, the cost model and the
    /// rankings use it: the estimated ultimate where the claims were
    /// developed (`model::development::monthly`), else as valued.
    pub incurred: Cents,
    /// The same with each claim capped at the large-claim limit.
    pub incurred_capped: Cents,
    /// Incurred as valued at the claims' valuation date, never developed.
    pub incurred_to_date: Cents,
    /// Hours worked; `None` when no month of the period has hours.
    pub hours: Option<f64>,
    pub headcount_months: Option<f64>,
    pub payroll: Option<Cents>,
}

fn add_opt<T: std::ops::Add<Output = T>>(a: Option<T>, b: Option<T>) -> Option<T> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a + b),
        (a, None) => a,
        (None, b) => b,
    }
}

impl Totals {
    /// Deaths, days-away, restricted and other recordable cases.
    pub fn recordable(&self) -> u64 {
        self.deaths + self.days_away_cases + self.restricted_cases + self.other_recordable_cases
    }

    /// Days-away plus restricted (transfer) cases, the DART numerator.
    pub fn dart_cases(&self) -> u64 {
        self.days_away_cases + self.restricted_cases
    }

    /// Deaths plus days-away cases, the lost-time numerator used here.
    pub fn lost_time_cases(&self) -> u64 {
        self.deaths + self.days_away_cases
    }

    pub fn add(&mut self, o: &Totals) {
        self.deaths += o.deaths;
        self.days_away_cases += o.days_away_cases;
        self.restricted_cases += o.restricted_cases;
        self.other_recordable_cases += o.other_recordable_cases;
        self.first_aid_cases += o.first_aid_cases;
        self.near_miss_cases += o.near_miss_cases;
        self.days_away += o.days_away;
        self.days_restricted += o.days_restricted;
        self.claims += o.claims;
        self.open_claims += o.open_claims;
        self.litigated_claims += o.litigated_claims;
        self.paid += o.paid;
        self.incurred += o.incurred;
        self.incurred_capped += o.incurred_capped;
        self.incurred_to_date += o.incurred_to_date;
        self.hours = add_opt(self.hours, o.hours);
        self.headcount_months = add_opt(self.headcount_months, o.headcount_months);
        self.payroll = add_opt(self.payroll, o.payroll);
    }

    pub fn rates(&self) -> Rates {
        let per_hours = |n: f64| per_base_hours(n, self.hours);
        Rates {
            trir: per_hours(self.recordable() as f64),
            dart: per_hours(self.dart_cases() as f64),
            ltir: per_hours(self.lost_time_cases() as f64),
            severity_rate: per_hours((self.days_away + self.days_restricted) as f64),
            claim_frequency: per_hours(self.claims as f64),
            incurred_per_base: per_hours(self.incurred.dollars()),
            loss_rate: loss_rate(self.incurred, self.payroll),
            loss_rate_capped: loss_rate(self.incurred_capped, self.payroll),
        }
    }
}

/// The rates of one period; `None` where the denominator is missing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Rates {
    pub trir: Option<f64>,
    pub dart: Option<f64>,
    pub ltir: Option<f64>,
    pub severity_rate: Option<f64>,
    /// Claims per 200,000 h (per 100 FTE).
    pub claim_frequency: Option<f64>,
    /// Incurred dollars per 200,000 h (per 100 FTE).
    pub incurred_per_base: Option<f64>,
    /// Incurred per $100 of payroll.
    pub loss_rate: Option<f64>,
    /// The same with each claim capped.
    pub loss_rate_capped: Option<f64>,
}

/// `count × 200,000 / hours`; `None` without positive hours.
pub fn per_base_hours(count: f64, hours: Option<f64>) -> Option<f64> {
    hours.filter(|h| *h > 0.0).map(|h| count * BASE_HOURS / h)
}

/// Incurred per $100 of payroll; `None` without positive payroll.
pub fn loss_rate(incurred: Cents, payroll: Option<Cents>) -> Option<f64> {
    payroll.filter(|p| p.0 > 0).map(|p| incurred.dollars() / (p.dollars() / 100.0))
}

/// Without hours: cases per 100 employees of average headcount.
pub fn per_100_employees(cases: f64, average_headcount: f64) -> Option<f64> {
    (average_headcount > 0.0).then(|| cases / average_headcount * 100.0)
}

/// One claim's incurred, capped.
pub fn capped(incurred: Cents, cap: Cents) -> Cents {
    incurred.min(cap)
}

/// Mean Poisson unit deviance `2 [y ln(y/μ) − (y − μ)]`, weighted when
/// weights are given; `y ln(y/μ)` is 0 when `y` is 0.
pub fn mean_poisson_deviance(y: &[f64], mu: &[f64], weights: Option<&[f64]>) -> f64 {
    let unit = |y: f64, m: f64| 2.0 * (if y > 0.0 { y * (y / m).ln() } else { 0.0 } - (y - m));
    let w = |i: usize| weights.map_or(1.0, |w| w[i]);
    let (num, den) =
        y.iter().zip(mu).enumerate().fold((0.0, 0.0), |(n, d), (i, (&y, &m))| (n + w(i) * unit(y, m), d + w(i)));
    if den > 0.0 { num / den } else { f64::NAN }
}

/// Tweedie unit deviance for 1 < p < 2.
pub fn tweedie_deviance(y: f64, mu: f64, p: f64) -> f64 {
    2.0 * (y.powf(2.0 - p) / ((1.0 - p) * (2.0 - p)) - y * mu.powf(1.0 - p) / (1.0 - p) + mu.powf(2.0 - p) / (2.0 - p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: Option<f64>, b: f64) {
        let a = a.expect("rate should exist");
        assert!((a - b).abs() < 1e-9, "{a} != {b}");
    }

    /// formulas.md: G=0, H=3, I=2, J=5, K=45, L=30, EH=400,000.
    #[test]
    fn osha_worked_example() {
        let t = Totals {
            deaths: 0,
            days_away_cases: 3,
            restricted_cases: 2,
            other_recordable_cases: 5,
            days_away: 45,
            days_restricted: 30,
            hours: Some(400_000.0),
            ..Totals::default()
        };
        let r = t.rates();
        close(r.trir, 5.0);
        close(r.dart, 2.5);
        close(r.ltir, 1.5);
        close(r.severity_rate, 37.5);
    }

    #[test]
    fn rates_need_hours_and_payroll() {
        let t = Totals { days_away_cases: 3, incurred: Cents(500_000), ..Totals::default() };
        assert_eq!(t.rates(), Rates::default());
        let t = Totals { hours: Some(0.0), ..t };
        assert_eq!(t.rates().trir, None);
    }

    #[test]
    fn cost_rates() {
        // $50,000 incurred on $2,000,000 payroll → $2.50 per $100.
        let t = Totals {
            claims: 4,
            incurred: Cents(5_000_000),
            incurred_capped: Cents(4_000_000),
            payroll: Some(Cents(200_000_000)),
            hours: Some(100_000.0),
            ..Totals::default()
        };
        let r = t.rates();
        close(r.loss_rate, 2.5);
        close(r.loss_rate_capped, 2.0);
        close(r.claim_frequency, 8.0);
        close(r.incurred_per_base, 100_000.0);
        assert_eq!(capped(Cents(25_000_000), DEFAULT_CLAIM_CAP), Cents(10_000_000));
        close(per_100_employees(3.0, 150.0), 2.0);
    }

    #[test]
    fn totals_add_numerators_before_dividing() {
        let a = Totals { other_recordable_cases: 1, hours: Some(100_000.0), ..Totals::default() };
        let b = Totals { other_recordable_cases: 9, hours: Some(300_000.0), ..Totals::default() };
        let mut sum = a;
        sum.add(&b);
        // (1 + 9) × 200,000 / 400,000 = 5, not the mean of 2 and 6.
        close(sum.rates().trir, 5.0);
    }

    /// formulas.md: y = [2, 0, 1, 4], μ = [0.5, 0.5, 2, 2] → 1.4260.
    #[test]
    fn poisson_deviance_example() {
        let d = mean_poisson_deviance(&[2.0, 0.0, 1.0, 4.0], &[0.5, 0.5, 2.0, 2.0], None);
        assert!((d - 1.4260).abs() < 5e-5, "{d}");
    }

    /// formulas.md: p = 1.5, y = 2, μ = 1.5 → 0.117244.
    #[test]
    fn tweedie_deviance_example() {
        assert!((tweedie_deviance(2.0, 1.5, 1.5) - 0.117244).abs() < 5e-7);
    }

    proptest! {
        #[test]
        fn rates_scale_with_counts_and_never_go_negative(
            cases in 0u64..10_000, hours in 1.0f64..1e9, k in 1u64..50
        ) {
            let t = Totals { other_recordable_cases: cases, hours: Some(hours), ..Totals::default() };
            let trir = t.rates().trir.unwrap();
            prop_assert!(trir >= 0.0);
            let t2 = Totals { other_recordable_cases: cases * k, hours: Some(hours * k as f64), ..Totals::default() };
            prop_assert!((t2.rates().trir.unwrap() - trir).abs() <= 1e-9 * trir.max(1.0));
        }

        #[test]
        fn poisson_deviance_is_zero_only_at_the_truth(y in 0u32..50, mu in 0.01f64..50.0) {
            let d = mean_poisson_deviance(&[f64::from(y)], &[mu], None);
            prop_assert!(d >= -1e-12);
            prop_assert!(mean_poisson_deviance(&[f64::from(y)], &[f64::from(y).max(1e-300)], None).abs() < 1e-9 || y == 0);
        }
    }
}
