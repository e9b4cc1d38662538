//! What to generate ([`GenerateParams`], checked into the [`Window`] of
//! months it covers) and what was written ([`GeneratedSummary`]).

use super::GenerateError;
use super::values::days_from_month;
use crate::schema::Month;

/// What to generate. Serialized to `params.json`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct GenerateParams {
    pub seed: u64,
    pub departments: usize,
    pub years: u32,
    pub bad_rows: usize,
    pub end: Month,
    pub with_exposure: bool,
    pub with_departments: bool,
    /// Multiplies expected case counts (and so claims); lets benches make 1M+ rows.
    pub scale: f64,
    /// Shape k of a gamma mixing draw per department-month: the cell's
    /// mean becomes μ × Gamma(k, 1/k) before the Poisson draws (negative
    /// binomial counts, variance μ + μ²/k). `None`: pure Poisson. The
    /// truth keeps μ, the mean before the draw.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overdispersion: Option<f64>,
    /// Write claim_valuations.csv and truth_ultimates.csv, with open
    /// claims' case estimates developing from the initial estimate. Left
    /// out of params.json when off, so earlier folders' parameters read
    /// the same.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub valuations: bool,
}

impl Default for GenerateParams {
    /// The bundled sample: seed 7, 40 departments, 6 years to 2025-12, no bad rows.
    fn default() -> Self {
        GenerateParams {
            seed: 7,
            departments: 40,
            years: 6,
            bad_rows: 0,
            end: Month::from_index(2025 * 12 + 11),
            with_exposure: true,
            with_departments: true,
            scale: 1.0,
            overdispersion: None,
            valuations: false,
        }
    }
}

/// Data rows written per file (excluding the header, including injected bad
/// rows); `exposure` is 0 when exposure.csv is not written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct GeneratedSummary {
    pub injuries: usize,
    pub claims: usize,
    pub exposure: usize,
    /// Rows of establishments.csv (standing rows and year rows).
    pub establishments: usize,
    pub bad_rows: usize,
    /// Rows of claim_valuations.csv; 0 without `--valuations`.
    pub valuations: usize,
}

/// The months of the run and the valuation date.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub start: Month,
    pub end: Month,
    pub months: usize,
    /// Last day of `end`, as days since 1970-01-01.
    pub valuation: i32,
}

impl Window {
    /// Checks the parameters and derives the window from them.
    pub fn new(params: &GenerateParams) -> Result<Window, GenerateError> {
        let invalid = |m: String| Err(GenerateError::InvalidParams(m));
        if params.departments == 0 || params.departments > 100_000 {
            return invalid(format!("departments must be 1 to 100000, not {}", params.departments));
        }
        if params.years == 0 || params.years > 100 {
            return invalid(format!("years must be 1 to 100, not {}", params.years));
        }
        if !(params.scale.is_finite() && params.scale > 0.0 && params.scale <= 10_000.0) {
            return invalid(format!("the injuries scale must be above 0 and at most 10000, not {}", params.scale));
        }
        if let Some(k) = params.overdispersion
            && !(k.is_finite() && k > 0.0 && k <= 1e6)
        {
            return invalid(format!("the overdispersion shape must be above 0 and at most 1000000, not {k}"));
        }
        let months = params.years as usize * 12;
        let start = params.end.plus(1 - months as i32);
        if start.year() < 1901 || params.end.year() > 2150 {
            return invalid(format!(
                "the window {start}..{} must lie within 1901-2150 (bad future dates are 40 years later)",
                params.end
            ));
        }
        let valuation = days_from_month(params.end.plus(1)) - 1;
        Ok(Window { start, end: params.end, months, valuation })
    }

    /// Month `t` of the window (0 is `start`).
    pub fn month(&self, t: usize) -> Month {
        self.start.plus(t as i32)
    }
}
