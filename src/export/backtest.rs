//! `backtest.csv`: the rolling-origin backtest's metrics, one line per
//! horizon and predictor; `backtest_cost.csv`: its cost predictors, one
//! line each.

use super::{CsvRow, Exporter, FormatError, output_csv};
use crate::model::backtest::{BacktestReport, MetricRow};
use crate::model::cost_score::CostRow;

impl CsvRow for MetricRow {
    const COLUMNS: &'static [&'static str] = &[
        "horizon",
        "predictor",
        "rows",
        "mean_deviance",
        "skill_vs_trailing12",
        "skill_vs_city",
        "skill_vs_last_year",
        "mae",
        "spearman_observed",
        "spearman_truth",
        "top5_hit_rate",
        "gini",
        "coverage_90",
        "dispersion",
    ];
}

impl CsvRow for CostRow {
    const COLUMNS: &'static [&'static str] =
        &["months", "predictor", "folds", "against", "money_weighted_error", "total_error", "worst_total_error"];
}

/// The file's name.
pub const FILE: &str = "backtest.csv";
/// The cost table's.
pub const COST_FILE: &str = "backtest_cost.csv";

/// The cost predictors' table of a backtest.
pub struct CostTable<'a>(pub &'a [CostRow]);

impl Exporter for CostTable<'_> {
    fn serialize(&self) -> Result<Vec<u8>, FormatError> {
        Ok(output_csv(self.0)?)
    }
}

impl Exporter for BacktestReport {
    fn serialize(&self) -> Result<Vec<u8>, FormatError> {
        Ok(output_csv(&self.metrics)?)
    }
}
