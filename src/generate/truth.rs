//! The truth files of a generated folder, `truth.csv` (the hours and the
//! expected recordables and incurred of every department-month) and
//! `truth_departments.csv` (the true coefficients of every department,
//! enough to rebuild every λ_dt): their rows and how their numbers are
//! written. Plain values in, CSV rows out; nothing here knows how the values
//! were drawn.

use serde::{Serialize, Serializer};

use crate::schema::Month;

pub const TRUTH_FILE: &str = "truth.csv";
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

/// Writes `value` with exactly `N` decimals.
fn decimals<const N: usize, S: Serializer>(value: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&format_args!("{:.*}", N, value))
}
