//! `backtest.csv`: the rolling-origin backtest's metrics, one line per
//! horizon and predictor.

use super::{Exporter, FormatError, csv_bytes};
use crate::model::backtest::BacktestReport;

/// The file's name.
pub const FILE: &str = "backtest.csv";

impl Exporter for BacktestReport {
    fn serialize(&self) -> Result<Vec<u8>, FormatError> {
        Ok(csv_bytes(&self.metrics)?)
    }
}
