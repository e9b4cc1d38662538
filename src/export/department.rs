//! `departments/<code>.csv`: a department's own case list for the last 12
//! months (no personal data: [`CaseLine`] has no employee id, name or free
//! text), and the file names of a department's outputs. A privacy concern
//! case's row has its date, cause and part of body empty and `privacy
//! case` in the last column.

use super::{CsvRow, Exporter, FormatError, output_csv};
use crate::report::data::CaseLine;

impl CsvRow for CaseLine {
    const COLUMNS: &'static [&'static str] = &[
        "case_id",
        "event_date",
        "osha_class",
        "days_away",
        "days_restricted",
        "cause",
        "body_part",
        "incurred",
        "claim_open",
        "privacy",
    ];
}

/// A department's case list as CSV.
pub struct CaseListCsv<'a>(pub &'a [CaseLine]);

impl Exporter for CaseListCsv<'_> {
    fn serialize(&self) -> Result<Vec<u8>, FormatError> {
        Ok(output_csv(self.0)?)
    }
}

pub use crate::stem::file_stem;

/// The department's PDF and CSV paths inside the month's folder.
pub fn paths(code: &str) -> (String, String) {
    let stem = file_stem(code);
    (format!("departments/{stem}.pdf"), format!("departments/{stem}.csv"))
}
