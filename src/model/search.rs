//! Choosing the structural fit's hyperparameters on the data at hand.
//!
//! The defaults ([`StructuralParams::default`]) were tuned on generated
//! Poisson cities with six years of history; a city with noisier counts or
//! a shorter history may want a shorter memory, stiffer trends or a higher
//! bar for level shifts. `train` therefore scores candidates by a
//! rolling-origin backtest of the structural forecast alone (the pooled
//! model's corrections to it are small by design: see
//! [`super::frequency`]), on the months before its cutoff only, and keeps
//! the candidate with the lowest mean Poisson deviance. A candidate must
//! beat the one it would replace by [`MIN_GAIN`], so noise in the search
//! does not move a model that was fine. The model file records every
//! candidate tried, its score and the choice.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::frequency::TrainParams;
use super::glm::GlmError;
use super::structural::{Structural, StructuralParams};
use crate::metrics::{BASE_HOURS, mean_poisson_deviance};
use crate::panel::Panel;
use crate::schema::Month;

/// The values tried on each axis (the defaults among them).
pub const HALF_LIVES: [f64; 5] = [36.0, 72.0, 144.0, 288.0, 10_000.0];
pub const TREND_SCALES: [f64; 4] = [0.01, 0.03, 0.1, 0.3];
pub const LEVEL_SCALES: [f64; 3] = [0.35, 1.0, 3.0];
pub const BREAK_THRESHOLDS: [f64; 3] = [12.0, 24.0, 1e6];

/// Passes of the coordinate search over the axes.
const PASSES: usize = 2;

/// Origins scored per candidate (the last that leave every horizon inside
/// the data), months between them, and the horizons scored from each.
const ORIGINS: i32 = 8;
const SPACING: i32 = 2;
const HORIZONS: i32 = 3;

/// Relative drop in mean deviance a candidate needs to replace the best so far.
pub const MIN_GAIN: f64 = 0.005;

/// One candidate and its score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub params: StructuralParams,
    /// Mean Poisson deviance of its forecasts 1 to 3 months ahead.
    pub mean_deviance: f64,
}

/// What the search tried and what it chose.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchReport {
    pub origins: Vec<Month>,
    pub horizons: u32,
    pub rows: usize,
    pub candidates: Vec<Candidate>,
    pub chosen: StructuralParams,
    /// The chosen candidate's mean deviance over the defaults' (1 when the
    /// defaults were kept).
    pub relative_to_default: f64,
}

/// Searches on the months up to `cutoff` and returns the report; `None`
/// when the history is too short to score any origin (the defaults are
/// then used). The search is by coordinates: starting at the defaults, each
/// axis in turn is set to its best value with the others held, twice over;
/// a move needs a gain of [`MIN_GAIN`].
pub fn search(panel: &Panel, cutoff: Month) -> Result<Option<SearchReport>, GlmError> {
    let last = cutoff.plus(-HORIZONS);
    // A year of history behind the earliest origin.
    let origins: Vec<Month> =
        (0..ORIGINS).map(|i| last.plus(-i * SPACING)).filter(|o| o.since(panel.start) >= 12).rev().collect();
    if origins.is_empty() {
        return Ok(None);
    }
    let mut scorer = Scorer { panel, origins: &origins, tried: Vec::new(), rows: 0 };
    let default = StructuralParams::default();
    let baseline = scorer.score(&[default])?[0];
    if scorer.rows == 0 || !baseline.is_finite() {
        return Ok(None);
    }
    let (mut best, mut best_score) = (default, baseline);
    for _ in 0..PASSES {
        let before = best;
        for axis in 0..4 {
            let candidates = axis_values(&best, axis);
            let scores = scorer.score(&candidates)?;
            for (c, score) in candidates.iter().zip(scores) {
                if score < best_score * (1.0 - MIN_GAIN) {
                    (best, best_score) = (*c, score);
                }
            }
        }
        if best == before {
            break;
        }
    }
    let Scorer { tried, rows, .. } = scorer;
    Ok(Some(SearchReport {
        origins,
        horizons: HORIZONS as u32,
        rows,
        candidates: tried,
        chosen: best,
        relative_to_default: best_score / baseline,
    }))
}

/// `at` with one axis (half-life, trend scale, level scale, break
/// threshold) set to each of its values.
fn axis_values(at: &StructuralParams, axis: usize) -> Vec<StructuralParams> {
    let with = |values: &[f64], set: fn(&mut StructuralParams, f64)| -> Vec<StructuralParams> {
        values
            .iter()
            .map(|&v| {
                let mut p = *at;
                set(&mut p, v);
                p
            })
            .collect()
    };
    match axis {
        0 => with(&HALF_LIVES, |p, v| p.half_life_months = v),
        1 => with(&TREND_SCALES, |p, v| p.trend_scale = v),
        2 => with(&LEVEL_SCALES, |p, v| p.level_scale = v),
        _ => with(&BREAK_THRESHOLDS, |p, v| p.break_threshold = v),
    }
}

/// Scores candidates once each, remembering every score.
struct Scorer<'a> {
    panel: &'a Panel,
    origins: &'a [Month],
    tried: Vec<Candidate>,
    rows: usize,
}

impl Scorer<'_> {
    /// The mean deviance of each candidate, from memory when tried before;
    /// the new ones are fitted in parallel, origin by origin.
    fn score(&mut self, candidates: &[StructuralParams]) -> Result<Vec<f64>, GlmError> {
        let new: Vec<StructuralParams> = candidates
            .iter()
            .filter(|c| !self.tried.iter().any(|t| t.params == **c))
            .copied()
            .fold(Vec::new(), |mut acc, c| {
                if !acc.contains(&c) {
                    acc.push(c);
                }
                acc
            });
        let jobs: Vec<(usize, Month)> =
            (0..new.len()).flat_map(|c| self.origins.iter().map(move |&o| (c, o))).collect();
        let scored: Vec<(usize, Vec<(f64, f64)>)> = jobs
            .par_iter()
            .map(|&(c, origin)| Ok((c, forecasts(self.panel, origin, &new[c])?)))
            .collect::<Result<_, GlmError>>()?;
        let mut pairs: Vec<(Vec<f64>, Vec<f64>)> = vec![(Vec::new(), Vec::new()); new.len()];
        for (c, rows) in scored {
            for (y, mu) in rows {
                pairs[c].0.push(y);
                pairs[c].1.push(mu.max(1e-12));
            }
        }
        for (params, (y, mu)) in new.iter().zip(&pairs) {
            self.rows = y.len();
            let mean_deviance = if y.is_empty() { f64::NAN } else { mean_poisson_deviance(y, mu, None) };
            self.tried.push(Candidate { params: *params, mean_deviance });
        }
        Ok(candidates
            .iter()
            .map(|c| self.tried.iter().find(|t| t.params == *c).map_or(f64::NAN, |t| t.mean_deviance))
            .collect())
    }
}

/// The training parameters with the structural ones chosen on the data up
/// to `cutoff`, and the search's report (`None`: too short to search, the
/// given ones kept).
pub fn choose(
    panel: &Panel,
    cutoff: Month,
    params: &TrainParams,
) -> Result<(TrainParams, Option<SearchReport>), GlmError> {
    let report = search(panel, cutoff)?;
    let structural = report.as_ref().map_or(params.structural, |r| r.chosen);
    Ok((TrainParams { structural, ..params.clone() }, report))
}

/// (observed, forecast) recordables of every department-month 1 to
/// `HORIZONS` months after `origin`, from a structural fit at it; with
/// exposure, months without hours are left out.
fn forecasts(panel: &Panel, origin: Month, params: &StructuralParams) -> Result<Vec<(f64, f64)>, GlmError> {
    let fit = Structural::fit(panel, origin, params)?;
    let n = panel.departments.len();
    let mut out = Vec::new();
    for d in 0..n {
        for h in 1..=HORIZONS {
            let target = origin.plus(h);
            let Some(cell) = panel.cell(d, target) else { continue };
            let scale = match (panel.has_exposure, cell.totals.hours) {
                (true, Some(hours)) if hours > 0.0 => hours / BASE_HOURS,
                (true, _) => continue,
                (false, _) => 1.0,
            };
            out.push((cell.totals.recordable() as f64, fit.log_rate(n, d, target).exp() * scale));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_axis_holds_the_default_value_once() {
        let default = StructuralParams::default();
        for axis in 0..4 {
            let values = axis_values(&default, axis);
            assert_eq!(values.iter().filter(|p| **p == default).count(), 1, "axis {axis}");
        }
    }
}
