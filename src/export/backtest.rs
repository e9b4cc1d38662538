//! `backtest.csv`: the rolling-origin backtest's metrics, one line per
//! horizon and predictor.

use super::{CsvRow, Exporter, FormatError, csv_bytes};
use crate::model::backtest::{BacktestReport, MetricRow};

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
    ];
}

/// The file's name.
pub const FILE: &str = "backtest.csv";

impl Exporter for BacktestReport {
    fn serialize(&self) -> Result<Vec<u8>, FormatError> {
        Ok(csv_bytes(&self.metrics)?)
    }
}
