//! `truth.csv`: the generator's expected counts per department-month
//! (`department,month,hours,expected_recordable,expected_incurred`), read
//! back as the backtest's oracle.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::ExportError;
use crate::model::backtest::Truth;
use crate::schema::Month;

/// The file's name in a generated data folder.
pub const FILE: &str = "truth.csv";

#[derive(Debug, Deserialize)]
struct TruthRow {
    department: String,
    month: Month,
    expected_recordable: f64,
}

/// Reads a truth file.
pub fn read(path: &Path) -> Result<Truth, ExportError> {
    let error = |source| ExportError::Read { path: path.to_path_buf(), source };
    let mut expected = BTreeMap::new();
    for row in csv::Reader::from_path(path).map_err(error)?.deserialize::<TruthRow>() {
        let row = row.map_err(error)?;
        expected.insert((row.department, row.month), row.expected_recordable);
    }
    Ok(Truth::new(expected))
}

/// Reads `truth.csv` of a data folder; `None` when there is none.
pub fn read_in(dir: &Path) -> Result<Option<Truth>, ExportError> {
    let path = dir.join(FILE);
    if path.exists() { read(&path).map(Some) } else { Ok(None) }
}
