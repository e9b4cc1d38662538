//! The truth files of a generated folder: `truth.csv` (the hours and the
//! expected recordables and incurred of every department-month), read back
//! as the backtest's oracle, and `truth_departments.csv` (the true
//! coefficients of every department, enough to rebuild every expected
//! count). Their rows and how their numbers are written live here; the
//! generator fills them.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize, Serializer};

use super::{CsvRow, ExportError};
use crate::model::backtest::Truth;
use crate::schema::Month;

/// The file's name in a generated data folder.
pub const FILE: &str = "truth.csv";

/// What the reader needs of a truth.csv row.
#[derive(Debug, Deserialize)]
struct ExpectedRow {
    department: String,
    month: Month,
    expected_recordable: f64,
    /// Absent from truth files written before the cost was scored.
    #[serde(default)]
    expected_incurred: Option<f64>,
}

pub const TRUTH_DEPARTMENTS_FILE: &str = "truth_departments.csv";

/// One row of truth.csv.
#[derive(Serialize)]
pub struct TruthRow<'a> {
    pub department: &'a str,
    pub month: Month,
    #[serde(serialize_with = "decimals::<1, _>")]
    pub hours: f64,
    #[serde(serialize_with = "decimals::<6, _>")]
    pub expected_recordable: f64,
    #[serde(serialize_with = "decimals::<2, _>")]
    pub expected_incurred: f64,
}

impl CsvRow for TruthRow<'_> {
    const COLUMNS: &'static [&'static str] =
        &["department", "month", "hours", "expected_recordable", "expected_incurred"];
}

/// One row of truth_departments.csv; `break_month` is empty and
/// `break_size` 0 for a department without a level shift.
#[derive(Serialize)]
pub struct TruthDepartmentRow<'a> {
    pub department: &'a str,
    pub group: &'a str,
    #[serde(serialize_with = "decimals::<6, _>")]
    pub base: f64,
    #[serde(serialize_with = "decimals::<6, _>")]
    pub group_effect: f64,
    #[serde(serialize_with = "decimals::<6, _>")]
    pub department_effect: f64,
    #[serde(serialize_with = "decimals::<6, _>")]
    pub seasonal_amplitude: f64,
    #[serde(serialize_with = "decimals::<6, _>")]
    pub trend: f64,
    pub break_month: Option<Month>,
    #[serde(serialize_with = "decimals::<6, _>")]
    pub break_size: f64,
}

impl CsvRow for TruthDepartmentRow<'_> {
    const COLUMNS: &'static [&'static str] = &[
        "department",
        "group",
        "base",
        "group_effect",
        "department_effect",
        "seasonal_amplitude",
        "trend",
        "break_month",
        "break_size",
    ];
}

/// Writes `value` with exactly `N` decimals.
fn decimals<const N: usize, S: Serializer>(value: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&format_args!("{:.*}", N, value))
}

/// Reads a truth file.
pub fn read(path: &Path) -> Result<Truth, ExportError> {
    let error = |source| ExportError::Read { path: path.to_path_buf(), source };
    let (mut expected, mut incurred) = (BTreeMap::new(), BTreeMap::new());
    for row in csv::Reader::from_path(path).map_err(error)?.deserialize::<ExpectedRow>() {
        let row = row.map_err(error)?;
        if let Some(cost) = row.expected_incurred {
            incurred.insert((row.department.clone(), row.month), cost);
        }
        expected.insert((row.department, row.month), row.expected_recordable);
    }
    Ok(Truth::new(expected).with_incurred(incurred))
}

/// Reads `truth.csv` of a data folder; `None` when there is none.
pub fn read_in(dir: &Path) -> Result<Option<Truth>, ExportError> {
    let path = dir.join(FILE);
    if path.exists() { read(&path).map(Some) } else { Ok(None) }
}
