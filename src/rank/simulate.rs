//! What the predictive distribution allows: each department's coming
//! counts drawn many times from its negative binomial (the model's mean
//! and dispersion), giving the 90% range of its rank and of its
//! addressable excess, the cases and dollars a year it would avoid at its
//! peer group's median rate.
//!
//! The draws come from a fixed seed, so the same inputs and model give
//! the same ranges. A department's excess is measured against the median
//! predicted rate of its peer group (departments without a group form one
//! group; a group of one is measured against the median of all
//! departments): a department at or below it has none to address.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Gamma, Poisson};
use serde::{Deserialize, Serialize};

/// Draws per department: the 5% and 95% ranks are then within a rank
/// or so of their limits.
const DRAWS: usize = 2000;

const SEED: u64 = 0x7269_736b_7261_6e6b;

/// One scored department, as the simulation needs it.
#[derive(Debug, Clone)]
pub(crate) struct Scored<'a> {
    /// Predicted cases over the horizon.
    pub cases: f64,
    /// Negative binomial 1/θ of the horizon total (0: Poisson).
    pub alpha: f64,
    /// What the ranking value divides the cases by: hours / 200,000 over
    /// the horizon, or 1 in count mode.
    pub exposure: f64,
    pub group: Option<&'a str>,
    /// Predicted incurred per predicted case.
    pub severity: f64,
}

impl Scored<'_> {
    fn value(&self) -> f64 {
        self.cases / self.exposure
    }
}

/// The cases and dollars a year a department (or the city) would avoid
/// at its peer group's median rate, with the 90% range of a year's draws.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Addressable {
    pub cases: f64,
    pub cases_low: f64,
    pub cases_high: f64,
    pub incurred: f64,
    pub incurred_low: f64,
    pub incurred_high: f64,
}

/// The simulation's results, in the order of the departments given.
#[derive(Debug, Clone)]
pub(crate) struct Simulated {
    /// (best, worst) rank of the 90% range.
    pub rank_ranges: Vec<(u32, u32)>,
    /// The peer median rate each department is measured against.
    pub peer_median: Vec<f64>,
    pub addressable: Vec<Addressable>,
    pub city: Addressable,
}

/// Simulates the departments' coming `horizon` months.
pub(crate) fn simulate(scored: &[Scored<'_>], horizon: u32) -> Simulated {
    let n = scored.len();
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    let per_year = 12.0 / f64::from(horizon.max(1));
    let peer_median: Vec<f64> = (0..n).map(|i| peer_median(scored, i)).collect();
    let mut ranks: Vec<Vec<u32>> = vec![Vec::with_capacity(DRAWS); n];
    let mut excess: Vec<Vec<f64>> = vec![Vec::with_capacity(DRAWS); n];
    let mut city_cases = Vec::with_capacity(DRAWS);
    let mut city_incurred = Vec::with_capacity(DRAWS);
    for _ in 0..DRAWS {
        // The horizon's values with a random tie-break: two departments
        // with the same count and hours are equally likely above each other.
        let values: Vec<(f64, f64)> =
            scored.iter().map(|s| (draw(&mut rng, s.cases, s.alpha) / s.exposure, rng.r#gen::<f64>())).collect();
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_unstable_by(|&a, &b| values[b].0.total_cmp(&values[a].0).then(values[b].1.total_cmp(&values[a].1)));
        for (place, &i) in order.iter().enumerate() {
            ranks[i].push(place as u32 + 1);
        }
        let (mut cases, mut incurred) = (0.0, 0.0);
        for (i, s) in scored.iter().enumerate() {
            let year = draw(&mut rng, s.cases * per_year, s.alpha / per_year);
            let e = (year - peer_median[i] * s.exposure * per_year).max(0.0);
            excess[i].push(e);
            cases += e;
            incurred += e * s.severity;
        }
        city_cases.push(cases);
        city_incurred.push(incurred);
    }
    let addressable: Vec<Addressable> = scored
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let point = ((s.value() - peer_median[i]) * s.exposure * per_year).max(0.0);
            let (low, high) = quantiles(&mut excess[i]);
            Addressable {
                cases: point,
                cases_low: low,
                cases_high: high,
                incurred: point * s.severity,
                incurred_low: low * s.severity,
                incurred_high: high * s.severity,
            }
        })
        .collect();
    let (cases_low, cases_high) = quantiles(&mut city_cases);
    let (incurred_low, incurred_high) = quantiles(&mut city_incurred);
    let city = Addressable {
        cases: addressable.iter().map(|a| a.cases).sum(),
        cases_low,
        cases_high,
        incurred: addressable.iter().map(|a| a.incurred).sum(),
        incurred_low,
        incurred_high,
    };
    let rank_ranges = ranks
        .iter_mut()
        .map(|r| {
            r.sort_unstable();
            (r[DRAWS / 20], r[DRAWS - DRAWS / 20 - 1])
        })
        .collect();
    Simulated { rank_ranges, peer_median, addressable, city }
}

/// One negative binomial draw (a gamma-mixed Poisson; Poisson at α = 0).
fn draw(rng: &mut ChaCha8Rng, mean: f64, alpha: f64) -> f64 {
    // A NaN mean draws nothing, as a non-positive one does.
    if mean.is_nan() || mean <= 0.0 {
        return 0.0;
    }
    let lambda = match Gamma::new(1.0 / alpha, alpha * mean) {
        Ok(g) if alpha > 1e-12 => g.sample(rng),
        _ => mean,
    };
    Poisson::new(lambda).map_or(0.0, |p| p.sample(rng))
}

/// The 5% and 95% points of the draws.
fn quantiles(x: &mut [f64]) -> (f64, f64) {
    if x.is_empty() {
        return (0.0, 0.0);
    }
    x.sort_by(f64::total_cmp);
    let last = x.len() - 1;
    (x[x.len() / 20], x[last - x.len() / 20])
}

/// The median predicted rate of department `i`'s peer group (of all
/// departments when it is alone in its group).
fn peer_median(scored: &[Scored<'_>], i: usize) -> f64 {
    let mut peers: Vec<f64> = scored.iter().filter(|s| s.group == scored[i].group).map(Scored::value).collect();
    if peers.len() < 2 {
        peers = scored.iter().map(Scored::value).collect();
    }
    median(&mut peers)
}

fn median(x: &mut [f64]) -> f64 {
    if x.is_empty() {
        return 0.0;
    }
    x.sort_by(f64::total_cmp);
    let m = x.len() / 2;
    if x.len() % 2 == 1 { x[m] } else { (x[m - 1] + x[m]) / 2.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dept(cases: f64, exposure: f64, group: &str) -> Scored<'_> {
        Scored { cases, alpha: 0.1, exposure, group: Some(group), severity: 10_000.0 }
    }

    #[test]
    fn excess_is_zero_at_or_below_the_peer_median_and_the_city_sums_it() {
        let scored = vec![
            dept(10.0, 1.0, "a"),
            dept(5.0, 1.0, "a"),
            dept(2.0, 1.0, "a"),
            dept(4.0, 2.0, "b"),
            dept(9.0, 2.0, "b"),
            dept(3.0, 1.0, "c"),
        ];
        let s = simulate(&scored, 12);
        // Group a's median rate is 5: the 10-case department has 5 to address.
        assert_eq!(s.peer_median[0], 5.0);
        assert!((s.addressable[0].cases - 5.0).abs() < 1e-12);
        assert!((s.addressable[0].incurred - 50_000.0).abs() < 1e-6);
        assert_eq!(s.addressable[1].cases, 0.0, "at the median");
        assert_eq!(s.addressable[2].cases, 0.0, "below the median");
        // Group b: rates 2 and 4.5, median 3.25; (4.5 − 3.25) × 2 = 2.5.
        assert!((s.addressable[4].cases - 2.5).abs() < 1e-12);
        // A group of one is measured against all departments' median: of
        // 2, 2, 3, 4.5, 5 and 10, 3.75.
        assert_eq!(s.peer_median[5], 3.75);
        let total: f64 = s.addressable.iter().map(|a| a.cases).sum();
        assert_eq!(s.city.cases, total);
        assert!(s.city.cases_low <= s.city.cases && s.city.cases <= s.city.cases_high);
        let ranges = &s.rank_ranges;
        assert!(ranges.iter().all(|(lo, hi)| lo <= hi && *hi <= 6));
    }

    #[test]
    fn the_draws_are_the_same_every_time() {
        let scored = vec![dept(10.0, 1.0, "a"), dept(5.0, 1.0, "a"), dept(2.0, 1.0, "a")];
        assert_eq!(simulate(&scored, 3).rank_ranges, simulate(&scored, 3).rank_ranges);
        assert_eq!(simulate(&scored, 3).city, simulate(&scored, 3).city);
    }
}
