//! `quarantine/<file>.csv`: every rejected row of an input file, with its
//! line, column, reason and detail, then the row's own fields as they were
//! (a ragged row stays ragged), personal data already redacted by ingest.

use super::{Exporter, FormatError};
use crate::ingest::{FileKind, FileReport, QuarantinedRow};

/// One input file's quarantine.
pub struct QuarantineCsv<'a> {
    /// The input file's header as it was.
    pub header: &'a [String],
    pub rows: Vec<&'a QuarantinedRow>,
}

impl<'a> QuarantineCsv<'a> {
    /// The quarantine of the file `report` describes, out of all rejected rows.
    pub fn of(report: &'a FileReport, all: &'a [QuarantinedRow]) -> Self {
        QuarantineCsv { header: &report.header, rows: all.iter().filter(|q| q.file == report.kind).collect() }
    }
}

impl Exporter for QuarantineCsv<'_> {
    fn serialize(&self) -> Result<Vec<u8>, FormatError> {
        let mut w = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
        let mut head = vec!["line", "column", "reason", "detail"];
        head.extend(self.header.iter().map(String::as_str));
        w.write_record(&head)?;
        for q in &self.rows {
            let line = q.line.to_string();
            let mut rec = vec![line.as_str(), q.column.as_str(), q.reason.as_str(), q.detail.as_str()];
            rec.extend(q.fields.iter().map(String::as_str));
            w.write_record(&rec)?;
        }
        // The rows are the input's own text: neutralise formulas in them.
        Ok(super::finish_csv(w.into_inner().map_err(|e| csv::Error::from(e.into_error()))?)?)
    }
}

/// The path of an input file's quarantine inside an output folder.
pub fn path(kind: FileKind) -> String {
    format!("quarantine/{}.csv", kind.stem())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Reason;

    #[test]
    fn rows_follow_the_account_columns_and_stay_ragged() {
        let header: Vec<String> = ["case_id", "department"].iter().map(|s| s.to_string()).collect();
        let row = QuarantinedRow {
            file: FileKind::Injuries,
            line: 2,
            column: String::new(),
            reason: Reason::WrongFieldCount,
            detail: "3 fields, the header has 2".into(),
            fields: vec!["C7".into(), "FIRE".into(), "[redacted]".into()],
        };
        let bytes = QuarantineCsv { header: &header, rows: vec![&row] }.serialize().unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "\u{feff}line,column,reason,detail,case_id,department\n2,,wrong_field_count,\"3 fields, the header has 2\",C7,FIRE,[redacted]\n"
        );
    }
}
