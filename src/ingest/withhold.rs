//! What a quarantined row must not show: its personal data (for every
//! file, [`ColumnMap::redact`]) and, for an OSHA privacy concern case of
//! injuries.csv, its event date, cause, nature and body-part codes, which
//! the department case lists withhold too (`crate::privacy`); a claim of
//! claims.csv whose nature code marks such a case loses its dates and
//! codes the same way (claims.csv has no `privacy_case` flag: a case
//! flagged only in injuries.csv cannot be told from its claim's raw row). The row is
//! judged from its raw text, since a rejected row has no record to ask.
//!
//! A row whose fields cannot be located (a wrong field count, a stray
//! quote) is judged conservatively: it is taken for a privacy case when
//! any of its values could mark one, and then loses every field that could
//! be a withheld one (see [`withhold_privacy`]).

use super::rows::{ColumnMap, REDACTED, Rejection, RowSpec};
use super::{QuarantinedRow, Reason, scan};
use crate::privacy;
use crate::schema;

/// What stands in for a withheld value of a privacy case.
pub const PRIVACY_MARK: &str = "privacy case";

/// The detail of a rejection whose column is a withheld one: the usual
/// detail quotes the bad value.
pub const WITHHELD_DETAIL: &str = "withheld (privacy case)";

/// A rejected row as the quarantine file keeps it: personal data
/// redacted, then whatever else the file's spec withholds.
pub fn quarantined<S: RowSpec>(map: &ColumnMap, raw: &[u8], line: u64, rejection: &Rejection) -> QuarantinedRow {
    let mut q = QuarantinedRow {
        file: S::FILE,
        line,
        column: rejection.column.to_string(),
        reason: rejection.reason,
        detail: rejection.detail.clone(),
        fields: map.redact(scan::split_lenient(raw, map.delimiter)),
    };
    S::withhold(map, raw, &mut q);
    q
}

/// Where a file's privacy-case columns are, as indexes into its spec's
/// columns.
pub struct PrivacyColumns {
    /// The `privacy_case` flag, when the file has one.
    pub flag: Option<usize>,
    /// The nature code the flag is inferred from when it is empty.
    pub nature: usize,
    /// What a privacy case's copy withholds.
    pub withheld: &'static [usize],
}

/// Withholds the privacy-case values of the rejected row `q` (raw text
/// `raw`), when it is one.
///
/// A located row (the header's field count, no quoting problem) is one
/// when its `privacy_case` value parses as true, or does not parse at all
/// (it may be a misspelt yes, and the line still leads to the original),
/// or, when that value is empty or the column absent, when its nature code
/// is on the privacy list. Its withheld fields become [`PRIVACY_MARK`] and
/// a rejection in one of them says [`WITHHELD_DETAIL`].
///
/// Any other row is one when any value of its raw text, cut at every
/// delimiter (quotes ignored), is a true flag or a listed nature code. A
/// row of the wrong field count then loses every field from the first
/// withheld column onward (less the shortfall, when the row is short: its
/// fields may have shifted left); a row with a stray quote, whose fields
/// may have merged anywhere, loses them all. Its detail (a field count, a
/// quoting problem) quotes no value.
pub fn withhold_privacy(cols: &PrivacyColumns, names: &[&str], map: &ColumnMap, raw: &[u8], q: &mut QuarantinedRow) {
    let located = q.reason != Reason::MalformedQuoting && q.fields.len() == map.width;
    if located {
        if !located_is_privacy(cols, map, &q.fields) {
            return;
        }
        for p in cols.withheld.iter().filter_map(|&c| map.positions[c]) {
            if let Some(field) = q.fields.get_mut(p) {
                mark(field);
            }
        }
        if cols.withheld.iter().any(|&c| names[c] == q.column) {
            q.detail = WITHHELD_DETAIL.to_string();
        }
        return;
    }
    if !may_be_privacy(cols, map, raw) {
        return;
    }
    let start = if q.reason == Reason::MalformedQuoting {
        0
    } else {
        let first = cols.withheld.iter().filter_map(|&c| map.positions[c]).min().unwrap_or(0);
        first.saturating_sub(map.width.saturating_sub(q.fields.len()))
    };
    q.fields.iter_mut().skip(start).for_each(mark);
}

/// A non-empty field that is not already redacted becomes the mark, so an
/// empty cell stays empty (as redaction leaves it).
fn mark(field: &mut String) {
    if !field.is_empty() && field != REDACTED {
        *field = PRIVACY_MARK.to_string();
    }
}

fn located_is_privacy(cols: &PrivacyColumns, map: &ColumnMap, fields: &[String]) -> bool {
    let value = |c: usize| map.positions[c].and_then(|p| fields.get(p)).map(|f| f.trim()).filter(|f| !f.is_empty());
    match cols.flag.and_then(value) {
        Some(flag) => schema::parse_bool(flag).unwrap_or(true),
        None => listed_nature(value(cols.nature)),
    }
}

fn may_be_privacy(cols: &PrivacyColumns, map: &ColumnMap, raw: &[u8]) -> bool {
    let has_flag = cols.flag.is_some_and(|f| map.positions[f].is_some());
    let has_nature = map.positions[cols.nature].is_some();
    raw.split(|b| *b == map.delimiter).any(|token| {
        let token = String::from_utf8_lossy(token);
        let token = token.trim().trim_matches('"').trim();
        (has_flag && schema::parse_bool(token) == Ok(true)) || (has_nature && listed_nature(Some(token)))
    })
}

fn listed_nature(value: Option<&str>) -> bool {
    value.and_then(|v| schema::parse_code(v).ok()).and_then(privacy::nature_category).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::FileKind;

    const NAMES: &[&str] = &["case_id", "event_date", "cause_code", "nature_code", "privacy_case"];
    const COLS: PrivacyColumns = PrivacyColumns { flag: Some(4), nature: 3, withheld: &[1, 2, 3] };

    fn map(width: usize, flag: bool) -> ColumnMap {
        let positions = vec![Some(0), Some(1), Some(2), Some(3), flag.then_some(4)];
        ColumnMap { positions, width, personal: vec![], delimiter: b',' }
    }

    fn judged(raw: &str, width: usize, reason: Reason, column: &str) -> (Vec<String>, String) {
        let m = map(width, width == 5);
        let mut q = QuarantinedRow {
            file: FileKind::Injuries,
            line: 2,
            column: column.to_string(),
            reason,
            detail: "cannot parse \"2024-13-01\" as a date".to_string(),
            fields: scan::split_lenient(raw.as_bytes(), b','),
        };
        withhold_privacy(&COLS, NAMES, &m, raw.as_bytes(), &mut q);
        (q.fields, q.detail)
    }

    #[test]
    fn a_located_privacy_case_loses_its_date_codes_and_the_echo_of_its_bad_value() {
        let bad_date = Reason::UnparsableValue;
        for raw in ["C1,2024-13-01,89,52,yes", "C1,2024-13-01,89,52,maybe", "C1,2024-13-01,89,77,"] {
            let (fields, detail) = judged(raw, 5, bad_date, "event_date");
            assert_eq!(fields[..4].join(","), "C1,privacy case,privacy case,privacy case", "{raw}");
            assert_eq!(detail, WITHHELD_DETAIL, "{raw}");
        }
        // No flag column: the nature code decides; an empty cell stays empty.
        let (fields, detail) = judged("C1,,89,77", 4, Reason::MissingValue, "event_date");
        assert_eq!((fields.join(","), detail.as_str()), ("C1,,privacy case,privacy case".into(), WITHHELD_DETAIL));
        // A rejection in a column that is not withheld keeps its own detail.
        let (_, detail) = judged("C1,2024-01-01,89,77,", 5, Reason::DuplicateId, "case_id");
        assert_ne!(detail, WITHHELD_DETAIL);
    }

    #[test]
    fn a_row_that_is_not_a_privacy_case_is_kept_as_it_was() {
        for raw in ["C1,2024-13-01,89,77,false", "C1,2024-13-01,89,52,", "C1,2024-13-01,89,x77,"] {
            let (fields, detail) = judged(raw, 5, Reason::UnparsableValue, "event_date");
            assert_eq!((fields.join(","), detail.contains("2024-13-01")), (raw.to_string(), true), "{raw}");
        }
    }

    #[test]
    fn a_row_whose_fields_cannot_be_located_is_judged_from_every_value() {
        // Short by one: the withheld values may have shifted left by one.
        let (fields, _) = judged("C1,2024-01-01,77,true", 5, Reason::WrongFieldCount, "");
        assert_eq!(fields.join(","), "privacy case,privacy case,privacy case,privacy case");
        let (fields, _) = judged("C1,2024-01-01,89,77,,x", 5, Reason::WrongFieldCount, "");
        assert_eq!(fields.join(","), "C1,privacy case,privacy case,privacy case,,privacy case");
        let (fields, _) = judged("C\"1,2024-01-01,89,\"77\",", 5, Reason::MalformedQuoting, "");
        assert!(fields.iter().all(|f| f.is_empty() || f == PRIVACY_MARK), "{fields:?}");
        let kept = "C1,2024-01-01,89,52,,x";
        assert_eq!(judged(kept, 5, Reason::WrongFieldCount, "").0.join(","), kept);
    }
}
