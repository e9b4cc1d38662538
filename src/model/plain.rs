//! The plain GLM baseline: what a statistician fits first. One Poisson GLM
//! on every department-month up to the origin, with a level per
//! department, a month-of-year effect, one common linear trend and hours
//! as offset, unweighted and unpenalised — the same model as statsmodels'
//! `GLM(y, X, family=Poisson(), offset=log(hours))` on those columns
//! (`tests/fixtures/plain_glm_holdout.py` computes it so). The backtest
//! scores it beside the trailing-12 baseline and the oracle, so the
//! structural model's extra parts (department trends, breaks, recency,
//! shrinkage) must earn their keep against it.

use ndarray::Array1;

use super::glm::{Family, Glm, GlmError, GlmParams};
use super::structural::cells;
use crate::panel::Panel;
use crate::schema::Month;

/// A ridge small enough to change no estimate, there only so that a
/// department without a single case keeps a finite (very low) level.
const NEGLIGIBLE_RIDGE: f64 = 1e-8;

/// The fitted plain GLM at one origin.
#[derive(Debug, Clone)]
pub struct PlainGlm {
    origin: Month,
    departments: usize,
    glm: Glm,
}

impl PlainGlm {
    /// Fits on the panel's months up to `origin`; `None` when they hold no case.
    pub fn fit(panel: &Panel, origin: Month) -> Result<Option<PlainGlm>, GlmError> {
        let n = panel.departments.len();
        let cells = cells(panel, origin);
        if cells.iter().all(|c| c.y == 0.0) {
            return Ok(None);
        }
        let rows: Vec<_> = cells.iter().map(|c| design_row(n, origin, c.department, c.month)).collect();
        let y: Array1<f64> = cells.iter().map(|c| c.y).collect();
        let offset: Array1<f64> = cells.iter().map(|c| c.offset).collect();
        let glm = GlmParams::new(Family::Poisson)
            .ridge(NEGLIGIBLE_RIDGE)
            .max_iter(200)
            .check()?
            .fit_offset_sparse(&rows, n.saturating_sub(1) + 12, y.view(), Some(offset.view()), None)?
            .ensure_converged()?;
        Ok(Some(PlainGlm { origin, departments: n, glm }))
    }

    /// Expected cases of department `d` in `month` with `hours` (ignored
    /// without exposure, where the model is of counts per month).
    pub fn predict(&self, panel: &Panel, d: usize, month: Month, hours: f64) -> f64 {
        let eta = self.glm.intercept
            + design_row(self.departments, self.origin, d, month)
                .iter()
                .map(|(j, x)| self.glm.coefficients.get(*j).map_or(0.0, |b| b * x))
                .sum::<f64>();
        let exposure = if panel.has_exposure { hours / crate::metrics::BASE_HOURS } else { 1.0 };
        eta.exp() * exposure
    }
}

/// The non-zero entries of a department-month's row: department indicators
/// (all but the first, which the intercept carries), months February to
/// December, then the trend in years from the origin.
fn design_row(n: usize, origin: Month, d: usize, m: Month) -> Vec<(usize, f64)> {
    let k = n.saturating_sub(1);
    let mut v = vec![(k + 11, f64::from(m.since(origin)) / 12.0)];
    if d > 0 {
        v.push((d - 1, 1.0));
    }
    if m.month() > 1 {
        v.push((k + m.month() as usize - 2, 1.0));
    }
    v
}
