//! The structural rate of each department at an origin month: a Poisson
//! GLM on the department-months up to the origin (recent months weigh
//! more) with a level and a trend per department, a common trend, a yearly
//! season per peer group and, where the data show one, a level shift
//! (structural break) per department; hours as offset.
//! Ridge shrinks every department's level toward the common one (a
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

use super::glm::{Family, Glm, GlmError, GlmParams};
use crate::panel::Panel;
use crate::schema::Month;

/// L2 penalty of the structural fit.
const RIDGE: f64 = 1.0;

/// Department trends enter in units of `TREND_SCALE` per year, which
/// multiplies their penalty by 1/TREND_SCALE² (100): a department's own
/// trend is noisy, a 12-month forecast extrapolates it, and it is shrunk
/// toward the common trend. (0.3 lost 2–4% of 12-month backtest deviance
/// on generated and on the CAX data against 0.1.)
const TREND_SCALE: f64 = 0.1;

/// Months after which a month's weight halves: data from before a level
/// shift the scan cannot see (too small, or too recent) fade. With breaks
/// modelled, 72 months beat 36 by about 1% on the 3-month holdout.
const HALF_LIFE_MONTHS: f64 = 72.0;

/// Deviance drop a level shift must reach to be kept: about the 1% critical
/// value of a sup-likelihood-ratio test for one break over ~60 candidate
/// months (Andrews 1993), so a department without a break rarely gets one.
const BREAK_THRESHOLD: f64 = 12.0;

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
}

impl Structural {
    /// Fits on every month from the panel's start to `origin`.
    pub fn fit(panel: &Panel, origin: Month) -> Result<Structural, GlmError> {
        let mut groups: Vec<Option<String>> = panel.departments.iter().map(|d| d.group.clone()).collect();
        groups.sort();
        groups.dedup();
        let dept_group: Vec<usize> =
            panel.departments.iter().map(|d| groups.iter().position(|g| *g == d.group).unwrap_or(0)).collect();
        let n = panel.departments.len();
        let mut s = Structural { origin, groups, dept_group, breaks: vec![None; n], glm: None, fallback: 0.0 };
        let cells = cells(panel, origin);
        let total_y: f64 = cells.iter().map(|c| c.y).sum();
        let total_exposure: f64 = cells.iter().map(|c| c.offset.exp()).sum();
        s.fallback = (total_y.max(0.5) / total_exposure.max(1e-9)).ln();
        if total_y == 0.0 {
            return Ok(s);
        }
        s.glm = Some(s.fit_cells(n, &cells)?);
        s.breaks = s.find_breaks(n, &cells)?;
        if s.breaks.iter().any(Option::is_some) {
            s.glm = Some(s.fit_cells(n, &cells)?);
        }
        Ok(s)
    }

    fn fit_cells(&self, n: usize, cells: &[Cell]) -> Result<Glm, GlmError> {
        let rows: Vec<_> = cells.iter().map(|c| self.row(n, c.department, c.month)).collect();
        let y: Array1<f64> = cells.iter().map(|c| c.y).collect();
        let offset: Array1<f64> = cells.iter().map(|c| c.offset).collect();
        let weight: Array1<f64> =
            cells.iter().map(|c| 0.5f64.powf(f64::from(self.origin.since(c.month)) / HALF_LIFE_MONTHS)).collect();
        GlmParams::new(Family::Poisson)
            .ridge(RIDGE)
            .check()?
            .fit_offset_sparse(&rows, self.width(n), y.view(), Some(offset.view()), Some(weight.view()))?
            .ensure_converged()
    }

    /// Columns: level per department, trend per department, (sin, cos)
    /// per group, the common trend, then one step per department with a break.
    fn width(&self, n: usize) -> usize {
        2 * n + 2 * self.groups.len() + 1 + self.breaks.iter().flatten().count()
    }

    /// The non-zero entries of a department-month's design row.
    fn row(&self, n: usize, d: usize, m: Month) -> Vec<(usize, f64)> {
        let years = f64::from(m.since(self.origin)) / 12.0;
        let (sin, cos) = m.season();
        let g = 2 * n + 2 * self.dept_group[d];
        let common = 2 * n + 2 * self.groups.len();
        let mut v = vec![(d, 1.0), (n + d, years * TREND_SCALE), (g, sin), (g + 1, cos), (common, years)];
        if let Some(b) = self.breaks[d] {
            let column = common + 1 + self.breaks[..d].iter().flatten().count();
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
        let params = GlmParams::new(Family::Poisson).ridge(RIDGE).check()?;
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
                f64::from(own[i].month.since(self.origin)) / 12.0 * TREND_SCALE
            });
            let null = params.fit_offset(x.view(), y.view(), Some(offset.view()), None)?;
            let mu = null.predict_mean(x.view(), Some(offset.view()));
            let months: Vec<Month> = own.iter().map(|c| c.month).collect();
            let first = months[0].plus(BREAK_MIN_BEFORE as i32);
            let last = months[months.len() - 1].plus(1 - BREAK_MIN_AFTER as i32);
            let mut candidates: Vec<(usize, f64)> =
                step_scan(y.as_slice().unwrap_or(&[]), mu.as_slice().unwrap_or(&[]), x.as_slice().unwrap_or(&[]))
                    .into_iter()
                    .filter(|(i, _)| months[*i] >= first && months[*i] <= last)
                    .collect();
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
            *slot = best.filter(|(drop, _)| *drop >= BREAK_THRESHOLD).map(|(_, i)| months[i]);
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
/// order) against a Poisson null with a level and a slope on `x`, whose
/// fitted means are `mu`: the efficient score `u − cᵀJ⁻¹U` squared over
/// its information `i − cᵀJ⁻¹c`, where `U` and `J` are the null's score and
/// information for (level, slope) and `u`, `i`, `c` the step's, all sums
/// over the rows from `i` on. Asymptotically the likelihood ratio of the
/// refitted model, at the cost of one backward pass.
fn step_scan(y: &[f64], mu: &[f64], x: &[f64]) -> Vec<(usize, f64)> {
    let (mut s_r, mut s_m, mut s_mx, mut s_rx, mut s_mxx) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for ((y, m), x) in y.iter().zip(mu).zip(x) {
        s_r += y - m;
        s_rx += (y - m) * x;
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
        u += y[i] - mu[i];
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
        let scan = step_scan(&y, &fit_null(&y, &x), &x);
        let (at, score) = scan.iter().copied().max_by(|a, b| a.1.total_cmp(&b.1)).unwrap();
        assert_eq!(at, 40);
        assert!(score > 3.0 * BREAK_THRESHOLD, "{score}");

        let (x, y) = series(72, 60f64.ln(), -0.08, None);
        let scan = step_scan(&y, &fit_null(&y, &x), &x);
        let top = scan.iter().map(|s| s.1).fold(0.0, f64::max);
        assert!(top < 1e-6, "a pure trend scored {top}");
    }

    #[test]
    fn the_scan_matches_the_refitted_likelihood_ratio_near_the_threshold() {
        // A modest step (score near the threshold): refit with the step and
        // compare the deviance drop with the score statistic.
        let (x, y) = series(72, 8f64.ln(), 0.0, Some((48, 0.25)));
        let mu = fit_null(&y, &x);
        let scan = step_scan(&y, &mu, &x);
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
        assert!(step_scan(&[], &[], &[]).is_empty());
        assert!(step_scan(&[0.0; 5], &[0.0; 5], &[1.0; 5]).is_empty());
    }
}
