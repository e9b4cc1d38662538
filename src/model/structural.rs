//! The structural rate of each department at an origin month: a Poisson
//! GLM on the department-months up to the origin (recent months weigh
//! more) with a level and a trend per department and a yearly season per
//! peer group, hours as offset.
//! Ridge shrinks every department's level toward the common one (a
//! department with little exposure borrows from the rest, as credibility
//! would) and its trend toward flat.
//!
//! It is the backbone feature of the pooled frequency model
//! (`log_structural_rate` in [`crate::features`]): the pooled model then
//! only learns corrections from the trailing windows, mix and claims.

use ndarray::{Array1, Array2};

use super::glm::{Family, Glm, GlmError, GlmParams};
use crate::panel::Panel;
use crate::schema::Month;

/// L2 penalty of the structural fit.
const RIDGE: f64 = 1.0;

/// Trends enter in units of `TREND_SCALE` per year, which multiplies their
/// penalty by 1/TREND_SCALE² (about 11): a department's trend is noisy, and
/// a 12-month forecast extrapolates it.
const TREND_SCALE: f64 = 0.3;

/// Months after which a month's weight halves: a level shift two years ago
/// should not hold today's level down for good. (Chosen on backtests of
/// generated data: 36 months cost the 3-month holdout under 1% of deviance
/// and gained 2% at 12 months ahead.)
const HALF_LIFE_MONTHS: f64 = 36.0;

/// A structural fit at one origin.
#[derive(Debug, Clone)]
pub struct Structural {
    origin: Month,
    groups: Vec<Option<String>>,
    dept_group: Vec<usize>,
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
        let mut s = Structural { origin, groups, dept_group, glm: None, fallback: 0.0 };
        let (mut rows, mut y, mut offset, mut weight) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (d, dept) in panel.departments.iter().enumerate() {
            for m in Month::range(panel.start, origin.min(panel.end)) {
                let cell = &dept.months[m.since(panel.start) as usize];
                let off = match (panel.has_exposure, cell.totals.hours) {
                    (true, Some(h)) if h > 0.0 => (h / crate::metrics::BASE_HOURS).ln(),
                    (true, _) => continue,
                    (false, _) => 0.0,
                };
                rows.push(s.row(panel.departments.len(), d, m));
                y.push(cell.totals.recordable() as f64);
                offset.push(off);
                weight.push(0.5f64.powf(f64::from(origin.since(m)) / HALF_LIFE_MONTHS));
            }
        }
        let total_offset: f64 = offset.iter().map(|o: &f64| o.exp()).sum();
        s.fallback = (y.iter().sum::<f64>().max(0.5) / total_offset.max(1e-9)).ln();
        if rows.is_empty() || y.iter().all(|v| *v == 0.0) {
            return Ok(s);
        }
        let width = rows[0].len();
        let x =
            Array2::from_shape_vec((rows.len(), width), rows.concat()).map_err(|e| GlmError::Shape(e.to_string()))?;
        let params = GlmParams::new(Family::Poisson).ridge(RIDGE).check()?;
        s.glm = Some(
            params
                .fit_offset(
                    x.view(),
                    Array1::from(y).view(),
                    Some(Array1::from(offset).view()),
                    Some(Array1::from(weight).view()),
                )?
                .ensure_converged()?,
        );
        Ok(s)
    }

    fn row(&self, n: usize, d: usize, m: Month) -> Vec<f64> {
        let mut v = vec![0.0; 2 * n + 2 * self.groups.len()];
        v[d] = 1.0;
        v[n + d] = f64::from(m.since(self.origin)) / 12.0 * TREND_SCALE;
        let (sin, cos) = crate::features::season(m);
        let g = 2 * n + 2 * self.dept_group[d];
        v[g] = sin;
        v[g + 1] = cos;
        v
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

    /// ln of the department's structural rate (per 200,000 h, or cases per
    /// month without exposure) in `month`.
    pub fn log_rate(&self, n_departments: usize, d: usize, month: Month) -> f64 {
        let Some(glm) = &self.glm else { return self.fallback };
        let row = self.row(n_departments, d, month);
        glm.intercept + glm.coefficients.iter().zip(&row).map(|(b, x)| b * x).sum::<f64>()
    }
}
