//! The structural rate of each department at an origin month: a Poisson
//! GLM on the department-months up to the origin (recent months weigh
//! more) with a level and a trend per department, a common trend, a yearly
//! season per peer group and, where the data show one, a level shift
//! (structural break) per department; hours as offset.
//! Ridge shrinks every department's level toward its peer group's (a
//! department with little exposure borrows from the rest, as credibility
//! would) and its trend toward the common trend.
//!
//! Breaks are found per department by a scan (level and trend, against
//! level, trend and a step at each candidate month, the season held at the
//! pooled fit's): score statistics rank the months, the best few are
//! refitted, and the largest likelihood-ratio drop is kept if it clears a
//! threshold. Without them, a reorganisation that
//! cut a department's rate two years ago reads as a steep downward trend,
//! and extrapolating it under-predicts every month ahead.
//!
//! It is the backbone feature of the pooled frequency model
//! (`log_structural_rate` in [`crate::model::features`]): the pooled model then
//! only learns corrections from the trailing windows, mix and claims.

use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};

use super::glm::{Family, Glm, GlmError, GlmParams};
use crate::panel::Panel;
use crate::schema::Month;

/// L2 penalty of the structural fit.
const RIDGE: f64 = 1.0;

/// Group levels enter in units of 3, so their penalty (1/9) barely shrinks
/// them: it only keeps them apart from the intercept they sum to.
const GROUP_LEVEL_SCALE: f64 = 3.0;

/// The structural fit's hyperparameters. The defaults were tuned on
/// generated Poisson cities; `train` chooses them by a rolling-origin
/// search on the data at hand (see [`super::search`]) and the model file
/// records the choice, so ranking with a saved model fits as it trained.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StructuralParams {
    /// Months after which a month's weight halves: data from before a
    /// level shift the scan cannot see (too small, or too recent) fade.
    /// With breaks modelled, 72 months beat 36 by about 1% on the 3-month
    /// holdout of Poisson cities.
    pub half_life_months: f64,
    /// Department trends enter in units of `trend_scale` per year, which
    /// multiplies their penalty by 1/trend_scale² (100 at 0.1): a
    /// department's own trend is noisy, a 12-month forecast extrapolates
    /// it, and it is shrunk toward the common trend.
    pub trend_scale: f64,
    /// Department levels enter in units of `level_scale` around their
    /// peer group's level, so the ridge shrinks a department toward its
    /// group with the weight of 1/level_scale² cases: a department with
    /// little exposure borrows its group's rate, as credibility would.
    pub level_scale: f64,
    /// Likelihood-ratio drop (negative binomial deviance at the estimated
    /// dispersion) a level shift must reach to be kept: 12 is about the 1%
    /// critical value of a sup-likelihood-ratio test for one break over ~60
    /// candidate months (Andrews 1993), so a department without a break
    /// rarely gets one.
    pub break_threshold: f64,
}

impl Default for StructuralParams {
    fn default() -> Self {
        StructuralParams { half_life_months: 144.0, trend_scale: 0.03, level_scale: 1.0, break_threshold: 12.0 }
    }
}

/// Candidate months (highest score statistics) refitted with the step to
/// get their exact deviance drop. The score locates a break well but
/// understates a large one, so the threshold applies to the refit.
const BREAK_REFITS: usize = 3;

/// A department needs this many cases in the window before a break is sought.
const BREAK_MIN_CASES: f64 = 30.0;

/// Months a break must leave before it (to fix the old level) and after it.
const BREAK_MIN_BEFORE: u32 = 6;
const BREAK_MIN_AFTER: u32 = 3;

/// One department-month a count model fits on: its recordable cases and
/// its offset (ln hours/200,000, or 0 in count mode).
pub(super) struct Cell {
    pub department: usize,
    pub month: Month,
    pub y: f64,
    pub offset: f64,
}

/// A structural fit at one origin.
#[derive(Debug, Clone)]
pub struct Structural {
    origin: Month,
    groups: Vec<Option<String>>,
    dept_group: Vec<usize>,
    /// The month of each department's level shift, if it has one.
    breaks: Vec<Option<Month>>,
    glm: Option<Glm>,
    fallback: f64,
    params: StructuralParams,
    /// The negative binomial 1/θ of the cells, by moments from the pooled
    /// Poisson fit (0: no more variance than Poisson).
    dispersion: f64,
}

impl Structural {
    /// Fits on every month from the panel's start to `origin`: a Poisson
    /// fit first, whose residuals give the dispersion; the break scan and
    /// the final fit then weigh each month as a negative binomial with it,
    /// so a big department's noisy months neither pass for level shifts
    /// nor pull its level and trend more than they should.
    pub fn fit(panel: &Panel, origin: Month, params: &StructuralParams) -> Result<Structural, GlmError> {
        let mut groups: Vec<Option<String>> = panel.departments.iter().map(|d| d.group.clone()).collect();
        groups.sort();
        groups.dedup();
        let dept_group: Vec<usize> =
            panel.departments.iter().map(|d| groups.iter().position(|g| *g == d.group).unwrap_or(0)).collect();
        let n = panel.departments.len();
        let mut s = Structural {
            origin,
            groups,
            dept_group,
            breaks: vec![None; n],
            glm: None,
            fallback: 0.0,
            params: *params,
            dispersion: 0.0,
        };
        let cells = cells(panel, origin);
        let total_y: f64 = cells.iter().map(|c| c.y).sum();
        let total_exposure: f64 = cells.iter().map(|c| c.offset.exp()).sum();
        s.fallback = (total_y.max(0.5) / total_exposure.max(1e-9)).ln();
        if total_y == 0.0 {
            return Ok(s);
        }
        let poisson = s.fit_cells(n, &cells)?;
        s.dispersion = s.moment_dispersion(n, &cells, &poisson);
        s.glm = Some(poisson);
        s.breaks = s.find_breaks(n, &cells)?;
        if s.breaks.iter().any(Option::is_some) || s.dispersion > 0.0 {
            s.glm = Some(s.fit_cells(n, &cells)?);
        }
        Ok(s)
    }

    /// The family the cells are fitted with: Poisson until the dispersion
    /// is known, then the negative binomial at it.
    fn family(&self) -> Family {
        if self.dispersion > 0.0 { Family::NegativeBinomial { alpha: self.dispersion } } else { Family::Poisson }
    }

    fn weights(&self, cells: &[Cell]) -> Array1<f64> {
        let half_life = self.params.half_life_months;
        cells.iter().map(|c| 0.5f64.powf(f64::from(self.origin.since(c.month)) / half_life)).collect()
    }

    fn fit_cells(&self, n: usize, cells: &[Cell]) -> Result<Glm, GlmError> {
        let rows: Vec<_> = cells.iter().map(|c| self.row(n, c.department, c.month)).collect();
        let y: Array1<f64> = cells.iter().map(|c| c.y).collect();
        let offset: Array1<f64> = cells.iter().map(|c| c.offset).collect();
        let weight = self.weights(cells);
        GlmParams::new(self.family())
            .ridge(RIDGE)
            .check()?
            .fit_offset_sparse(&rows, self.width(n), y.view(), Some(offset.view()), Some(weight.view()))?
            .ensure_converged()
    }

    /// 1/θ by moments, E[(y − μ)² − y] = α·E[μ²], over the cells the fit
    /// weighs (weighted as it weighs them); 0 when the cells vary no more
    /// than Poisson.
    fn moment_dispersion(&self, n: usize, cells: &[Cell], glm: &Glm) -> f64 {
        let weight = self.weights(cells);
        let (mut num, mut den) = (0.0, 0.0);
        for (c, w) in cells.iter().zip(&weight) {
            let row = self.row(n, c.department, c.month);
            let eta = glm.intercept + c.offset + row.iter().map(|(j, x)| glm.coefficients[*j] * x).sum::<f64>();
            let mu = eta.min(700.0).exp();
            num += w * ((c.y - mu).powi(2) - c.y);
            den += w * mu * mu;
        }
        if den > 0.0 && num > 0.0 { num / den } else { 0.0 }
    }

    /// The estimated negative binomial 1/θ of the department-months.
    pub fn dispersion(&self) -> f64 {
        self.dispersion
    }

    /// Columns: level per department, trend per department, (sin, cos)
    /// per group, the common trend, a level per group, then one step per
    /// department with a break.
    fn width(&self, n: usize) -> usize {
        2 * n + 3 * self.groups.len() + 1 + self.breaks.iter().flatten().count()
    }

    /// The non-zero entries of a department-month's design row.
    fn row(&self, n: usize, d: usize, m: Month) -> Vec<(usize, f64)> {
        let years = f64::from(m.since(self.origin)) / 12.0;
        let (sin, cos) = m.season();
        let g = 2 * n + 2 * self.dept_group[d];
        let common = 2 * n + 2 * self.groups.len();
        let group_level = common + 1 + self.dept_group[d];
        let p = &self.params;
        let mut v = vec![
            (d, p.level_scale),
            (n + d, years * p.trend_scale),
            (g, sin),
            (g + 1, cos),
            (common, years),
            (group_level, GROUP_LEVEL_SCALE),
        ];
        if let Some(b) = self.breaks[d] {
            let column = common + 1 + self.groups.len() + self.breaks[..d].iter().flatten().count();
            v.push((column, if m >= b { 1.0 } else { 0.0 }));
        }
        v
    }

    /// For each department with enough cases, the month where a level
    /// shift is likeliest, kept when the deviance drop of refitting with it
    /// reaches the threshold. The null model (level and trend, the pooled
    /// fit's season held fixed) is fitted once per department; every
    /// candidate month is scored from suffix sums, and only the best few
    /// are refitted.
    fn find_breaks(&self, n: usize, cells: &[Cell]) -> Result<Vec<Option<Month>>, GlmError> {
        let Some(glm) = &self.glm else { return Ok(vec![None; n]) };
        let params = GlmParams::new(self.family()).ridge(RIDGE).check()?;
        let trend_scale = self.params.trend_scale;
        let mut out = vec![None; n];
        for (d, slot) in out.iter_mut().enumerate() {
            let own: Vec<&Cell> = cells.iter().filter(|c| c.department == d).collect();
            let span = BREAK_MIN_BEFORE + BREAK_MIN_AFTER;
            if own.iter().map(|c| c.y).sum::<f64>() < BREAK_MIN_CASES || own.len() <= span as usize {
                continue;
            }
            let g = 2 * n + 2 * self.dept_group[d];
            let (bs, bc) = (glm.coefficients[g], glm.coefficients[g + 1]);
            let offset: Array1<f64> = own
                .iter()
                .map(|c| {
                    let (sin, cos) = c.month.season();
                    c.offset + bs * sin + bc * cos
                })
                .collect();
            let y: Array1<f64> = own.iter().map(|c| c.y).collect();
            let x = Array2::from_shape_fn((own.len(), 1), |(i, _)| {
                f64::from(own[i].month.since(self.origin)) / 12.0 * trend_scale
            });
            let null = params.fit_offset(x.view(), y.view(), Some(offset.view()), None)?;
            let mu = null.predict_mean(x.view(), Some(offset.view()));
            let months: Vec<Month> = own.iter().map(|c| c.month).collect();
            let first = months[0].plus(BREAK_MIN_BEFORE as i32);
            let last = months[months.len() - 1].plus(1 - BREAK_MIN_AFTER as i32);
            let scan = step_scan(
                y.as_slice().unwrap_or(&[]),
                mu.as_slice().unwrap_or(&[]),
                x.as_slice().unwrap_or(&[]),
                self.dispersion,
            );
            let mut candidates: Vec<(usize, f64)> =
                scan.into_iter().filter(|(i, _)| months[*i] >= first && months[*i] <= last).collect();
            candidates.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            let mut best: Option<(f64, usize)> = None;
            for &(i, _) in candidates.iter().take(BREAK_REFITS) {
                let x1 =
                    Array2::from_shape_fn(
                        (own.len(), 2),
                        |(r, j)| if j == 0 { x[[r, 0]] } else { f64::from(u8::from(r >= i)) },
                    );
                let drop = null.deviance - params.fit_offset(x1.view(), y.view(), Some(offset.view()), None)?.deviance;
                if best.is_none_or(|(v, _)| drop > v) {
                    best = Some((drop, i));
                }
            }
            *slot = best.filter(|(drop, _)| *drop >= self.params.break_threshold).map(|(_, i)| months[i]);
        }
        Ok(out)
    }

    /// The fitted yearly season of a peer group as (sin, cos) coefficients
    /// of the month angle 2π(month − 1)/12; `None` for an unknown group or
    /// when nothing was fitted.
    pub fn season(&self, n_departments: usize, group: Option<&str>) -> Option<(f64, f64)> {
        let g = self.groups.iter().position(|x| x.as_deref() == group)?;
        let glm = self.glm.as_ref()?;
        let at = 2 * n_departments + 2 * g;
        Some((*glm.coefficients.get(at)?, *glm.coefficients.get(at + 1)?))
    }

    /// The month of the department's level shift, if the fit found one.
    pub fn break_month(&self, d: usize) -> Option<Month> {
        self.breaks.get(d).copied().flatten()
    }

    /// ln of the department's structural rate (per 200,000 h, or cases per
    /// month without exposure) in `month`.
    pub fn log_rate(&self, n_departments: usize, d: usize, month: Month) -> f64 {
        let Some(glm) = &self.glm else { return self.fallback };
        let row = self.row(n_departments, d, month);
        glm.intercept + row.iter().map(|(j, x)| glm.coefficients.get(*j).map_or(0.0, |b| b * x)).sum::<f64>()
    }

    /// [`Structural::log_rate`] split into what it is made of, for the
    /// rank's drivers. The parts sum to the log rate up to rounding (the
    /// same products, added in another order).
    pub fn log_rate_parts(&self, n_departments: usize, d: usize, month: Month) -> StructuralParts {
        let Some(glm) = &self.glm else {
            return StructuralParts { common: self.fallback, ..StructuralParts::default() };
        };
        let n = n_departments;
        let common_col = 2 * n + 2 * self.groups.len();
        let b = |j: usize| glm.coefficients.get(j).copied().unwrap_or(0.0);
        let mut parts = StructuralParts { common: glm.intercept, ..StructuralParts::default() };
        for (j, x) in self.row(n, d, month) {
            let term = b(j) * x;
            match j {
                j if j < n => parts.own_level += term,
                j if j < 2 * n => parts.trend += term,
                j if j < common_col => parts.season += term,
                j if j == common_col => parts.trend += term,
                j if j <= common_col + self.groups.len() => parts.group_level += term,
                _ => parts.own_level += term,
            }
        }
        let p = &self.params;
        parts.trend_per_year = b(n + d) * p.trend_scale + b(common_col);
        parts
    }
}

/// A structural log rate by what it is made of (see
/// [`Structural::log_rate_parts`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct StructuralParts {
    /// The intercept: the same for every department.
    pub common: f64,
    /// The peer group's level.
    pub group_level: f64,
    /// The department's level around its group's, and its level shift.
    pub own_level: f64,
    /// The department's and the common trend, at the month.
    pub trend: f64,
    /// The peer group's season, at the month.
    pub season: f64,
    /// The department's trend: change of the log rate per year (not a
    /// part of the sum).
    pub trend_per_year: f64,
}

impl StructuralParts {
    /// The parts that add up to the log rate.
    pub fn total(&self) -> f64 {
        self.common + self.group_level + self.own_level + self.trend + self.season
    }
}

/// The department-months from the panel's start to `origin` the fit uses:
/// with exposure, those with hours.
pub(super) fn cells(panel: &Panel, origin: Month) -> Vec<Cell> {
    let mut out = Vec::new();
    for (d, dept) in panel.departments.iter().enumerate() {
        for m in Month::range(panel.start, origin.min(panel.end)) {
            let cell = &dept.months[m.since(panel.start) as usize];
            let offset = match (panel.has_exposure, cell.totals.hours) {
                (true, Some(h)) if h > 0.0 => (h / crate::metrics::BASE_HOURS).ln(),
                (true, _) => continue,
                (false, _) => 0.0,
            };
            out.push(Cell { department: d, month: m, y: cell.totals.recordable() as f64, offset });
        }
    }
    out
}

/// Score statistics of a level shift starting at each row `i` (rows in time
/// order) against a negative binomial null (1/θ = `alpha`; Poisson at 0)
/// with a level and a slope on `x`, whose fitted means are `mu`: the
/// efficient score `u − cᵀJ⁻¹U` squared over its information `i − cᵀJ⁻¹c`,
/// where `U` and `J` are the null's score and information for (level,
/// slope) and `u`, `i`, `c` the step's, all sums over the rows from `i` on.
/// Under the log link a row's score is (y − μ)/(1 + αμ) and its
/// information μ/(1 + αμ). Asymptotically the likelihood ratio of the
/// refitted model, at the cost of one backward pass.
fn step_scan(y: &[f64], mu: &[f64], x: &[f64], alpha: f64) -> Vec<(usize, f64)> {
    // Per row: the score (y − μ)·v and the information μ·v, v = 1/(1 + αμ).
    let r: Vec<f64> = y.iter().zip(mu).map(|(y, m)| (y - m) / (1.0 + alpha * m)).collect();
    let mu: Vec<f64> = mu.iter().map(|m| m / (1.0 + alpha * m)).collect();
    let (mut s_r, mut s_m, mut s_mx, mut s_rx, mut s_mxx) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for ((r, m), x) in r.iter().zip(&mu).zip(x) {
        s_r += r;
        s_rx += r * x;
        s_m += m;
        s_mx += m * x;
        s_mxx += m * x * x;
    }
    let det = s_m * s_mxx - s_mx * s_mx;
    if det.is_nan() || det <= 0.0 {
        return Vec::new();
    }
    // J⁻¹ applied to a vector (a, b).
    let solve = |a: f64, b: f64| ((s_mxx * a - s_mx * b) / det, (s_m * b - s_mx * a) / det);
    let (ju0, ju1) = solve(s_r, s_rx);
    let mut out = Vec::with_capacity(y.len());
    let (mut u, mut c0, mut c1) = (0.0, 0.0, 0.0);
    for i in (1..y.len()).rev() {
        u += r[i];
        c0 += mu[i];
        c1 += mu[i] * x[i];
        let (jc0, jc1) = solve(c0, c1);
        let score = u - (c0 * ju0 + c1 * ju1);
        let info = c0 - (c0 * jc0 + c1 * jc1);
        if info > 1e-9 {
            out.push((i, score * score / info));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected counts of a level-and-trend series with an optional step.
    fn series(len: usize, level: f64, slope: f64, step: Option<(usize, f64)>) -> (Vec<f64>, Vec<f64>) {
        let x: Vec<f64> = (0..len).map(|i| (i as f64 - len as f64) / 12.0).collect();
        let mean = (0..len)
            .map(|i| {
                let shift = step.filter(|(at, _)| i >= *at).map_or(0.0, |(_, s)| s);
                (level + slope * x[i] + shift).exp()
            })
            .collect();
        (x, mean)
    }

    /// The null's fitted means by Newton on (level, slope): the scan's input.
    fn fit_null(y: &[f64], x: &[f64]) -> Vec<f64> {
        let glm = GlmParams::new(Family::Poisson).check().unwrap();
        let xa = Array2::from_shape_vec((x.len(), 1), x.to_vec()).unwrap();
        let fit = glm.fit_offset(xa.view(), Array1::from(y.to_vec()).view(), None, None).unwrap();
        fit.predict_mean(xa.view(), None).to_vec()
    }

    #[test]
    fn a_step_is_found_where_it_is_and_a_trend_is_not_a_step() {
        // Noise-free counts (the means themselves), 60 cases a month.
        let (x, y) = series(72, 60f64.ln(), -0.03, Some((40, -0.4)));
        let scan = step_scan(&y, &fit_null(&y, &x), &x, 0.0);
        let (at, score) = scan.iter().copied().max_by(|a, b| a.1.total_cmp(&b.1)).unwrap();
        assert_eq!(at, 40);
        assert!(score > 3.0 * StructuralParams::default().break_threshold, "{score}");

        let (x, y) = series(72, 60f64.ln(), -0.08, None);
        let scan = step_scan(&y, &fit_null(&y, &x), &x, 0.0);
        let top = scan.iter().map(|s| s.1).fold(0.0, f64::max);
        assert!(top < 1e-6, "a pure trend scored {top}");
    }

    #[test]
    fn the_scan_matches_the_refitted_likelihood_ratio_near_the_threshold() {
        // A modest step (score near the threshold): refit with the step and
        // compare the deviance drop with the score statistic.
        let (x, y) = series(72, 8f64.ln(), 0.0, Some((48, 0.25)));
        let mu = fit_null(&y, &x);
        let scan = step_scan(&y, &mu, &x, 0.0);
        let score = scan.iter().find(|s| s.0 == 48).unwrap().1;
        let glm = GlmParams::new(Family::Poisson).check().unwrap();
        let yv = Array1::from(y.clone());
        let x0 = Array2::from_shape_vec((72, 1), x.clone()).unwrap();
        let x1 = Array2::from_shape_fn((72, 2), |(i, j)| if j == 0 { x[i] } else { f64::from(u8::from(i >= 48)) });
        let drop = glm.fit_offset(x0.view(), yv.view(), None, None).unwrap().deviance
            - glm.fit_offset(x1.view(), yv.view(), None, None).unwrap().deviance;
        assert!((score - drop).abs() < 0.05 * drop, "score {score}, likelihood ratio {drop}");
    }

    #[test]
    fn a_flat_or_empty_series_has_nothing_to_scan() {
        assert!(step_scan(&[], &[], &[], 0.0).is_empty());
        assert!(step_scan(&[0.0; 5], &[0.0; 5], &[1.0; 5], 0.3).is_empty());
    }
}
