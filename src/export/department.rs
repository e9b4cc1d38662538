//! `departments/<code>.csv`: a department's own case list for the last 12
//! months (no personal data: [`CaseLine`] has no employee id, name or free
//! text), and the file names of a department's outputs.

use super::{CsvRow, Exporter, FormatError, csv_bytes};
use crate::report::data::CaseLine;

impl CsvRow for CaseLine {
    const COLUMNS: &'static [&'static str] =
        &["case_id", "event_date", "osha_class", "days_away", "days_restricted", "cause", "body_part", "incurred"];
}

/// A department's case list as CSV.
pub struct CaseListCsv<'a>(pub &'a [CaseLine]);

impl Exporter for CaseListCsv<'_> {
    fn serialize(&self) -> Result<Vec<u8>, FormatError> {
        Ok(csv_bytes(self.0)?)
    }
}

/// A file name for a department code (codes are free text).
pub fn file_stem(code: &str) -> String {
    code.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' }).collect()
}

/// The department's PDF and CSV paths inside the month's folder.
pub fn paths(code: &str) -> (String, String) {
    let stem = file_stem(code);
    (format!("departments/{stem}.pdf"), format!("departments/{stem}.csv"))
}
