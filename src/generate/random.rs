//! The random streams of the generator and the distributions drawn from
//! them. Each purpose has a stream of its own so that a change to one kind
//! of draw moves no other value.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Gamma, Poisson, StandardNormal};

pub const DEPT_STREAM: u64 = 1;
pub const EXPOSURE_STREAM: u64 = 2;
pub const BAD_STREAM: u64 = 3;
/// `CASE_STREAM + d`: the cases and claims of department `d`.
pub const CASE_STREAM: u64 = 1000;
/// `ESTIMATE_STREAM + d`: the initial case estimates of department `d`. Far
/// above `CASE_STREAM + d` for any allowed number of departments.
pub const ESTIMATE_STREAM: u64 = 1 << 32;
/// `MIXING_STREAM + d`: the gamma mixing draws of department `d` (only
/// with `--overdispersion`, so a Poisson city's values do not move).
pub const MIXING_STREAM: u64 = 2 << 32;
/// The city's EIN and every department's establishments (establishments.csv).
pub const ESTABLISHMENT_STREAM: u64 = 4;
/// `OSHA_STREAM + d`: the OSHA columns of department `d`'s cases
/// (establishment, location, a type the nature code cannot give), so that
/// adding them moved no other value.
pub const OSHA_STREAM: u64 = 3 << 32;

pub fn stream(seed: u64, id: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(id);
    rng
}

pub fn normal(rng: &mut ChaCha8Rng, mean: f64, sd: f64) -> f64 {
    mean + sd * rng.sample::<f64, _>(StandardNormal)
}

pub fn lognormal(rng: &mut ChaCha8Rng, median: f64, sigma: f64) -> f64 {
    median * (sigma * rng.sample::<f64, _>(StandardNormal)).exp()
}

pub fn pareto(rng: &mut ChaCha8Rng, scale: f64, shape: f64) -> f64 {
    let u = 1.0 - rng.r#gen::<f64>();
    scale * u.powf(-1.0 / shape)
}

pub fn poisson(rng: &mut ChaCha8Rng, mu: f64) -> usize {
    if mu > 0.0 && mu.is_finite() { Poisson::new(mu).map(|p| p.sample(rng) as usize).unwrap_or(0) } else { 0 }
}

/// A Gamma(k, 1/k) draw: mean 1, variance 1/k.
pub fn gamma_unit_mean(rng: &mut ChaCha8Rng, shape: f64) -> f64 {
    Gamma::new(shape, 1.0 / shape).map_or(1.0, |g| g.sample(rng))
}

/// Cumulative weights for sampling an index.
pub struct Cdf(Vec<f64>);

impl Cdf {
    pub fn new(weights: impl IntoIterator<Item = f64>) -> Cdf {
        let mut acc = 0.0;
        Cdf(weights
            .into_iter()
            .map(|w| {
                acc += w;
                acc
            })
            .collect())
    }

    pub fn sample(&self, rng: &mut ChaCha8Rng) -> usize {
        let total = self.0.last().copied().unwrap_or(0.0);
        let x = rng.r#gen::<f64>() * total;
        self.0.partition_point(|&c| c <= x).min(self.0.len().saturating_sub(1))
    }
}
