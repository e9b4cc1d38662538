//! Recommended controls: a shipped, sourced table from WCIO cause groups
//! to the prevention measure public guidance gives for them (lifting →
//! lift aids and ergonomic job review; slips and falls → housekeeping and
//! footwear program; assault by a person → workplace-violence prevention
//! plan), so a report can say what a department might do about its
//! leading causes and where that advice comes from.
//!
//! The table is data in `src/controls.csv`, compiled in, for the same
//! reason the code tables are: a change of advice or of a source is a
//! reviewable data diff. Each row names a cause group, the WCIO cause
//! codes it covers (`15-19` is a range of the table's codes, since WCIO
//! numbers have gaps), a short measure, a sentence or two of detail, and
//! the publisher, title and address of the guidance (OSHA, NIOSH,
//! Cal/OSHA). Every cause code of the builtin WCIO table falls in exactly
//! one group; the parser refuses a code in two groups or one the WCIO
//! table does not know, and the tests check that none is left out.
//!
//! The measures are starting points for a safety review, not a
//! prescription: the cause code says how people were hurt, not why.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::codes::{CodeKind, CodeTable};

/// The shipped table, compiled in so the binary needs no data folder.
const BUILTIN_CSV: &str = include_str!("controls.csv");

/// One recommended control: the prevention measure for a cause group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Control {
    /// The cause group, e.g. "Lifting and manual handling".
    pub group: String,
    /// The WCIO cause codes of the group, ascending.
    pub cause_codes: Vec<u16>,
    /// The measure in a few words, e.g. "Lift aids and ergonomic job review".
    pub measure: String,
    /// One or two sentences on what the measure involves.
    pub detail: String,
    /// The publisher and title of the guidance.
    pub source: String,
    /// Where the guidance is published (https).
    pub url: String,
}

/// The control table, with an index from cause code to its row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ControlTable {
    controls: Vec<Control>,
    by_cause: BTreeMap<u16, usize>,
}

/// Why a control table could not be loaded. Lines are 1-based lines of
/// the CSV text (the header is line 1).
#[derive(Debug, thiserror::Error)]
pub enum ControlTableError {
    #[error("control table line {line}: {message}")]
    Csv { line: u64, message: String },
    #[error("control table line {line}: {field} is empty")]
    EmptyField { line: u64, field: &'static str },
    #[error("control table line {line}: {text:?} is not a cause code or a range of codes")]
    BadCode { line: u64, text: String },
    #[error("control table line {line}: cause {code} is not in the WCIO table")]
    UnknownCause { line: u64, code: u16 },
    #[error("control table line {line}: range {first}-{last} holds no WCIO cause code")]
    EmptyRange { line: u64, first: u16, last: u16 },
    #[error("control table line {line}: cause {code} is already in group {first_group:?}")]
    DuplicateCause { line: u64, code: u16, first_group: String },
    #[error("control table line {line}: url {url:?} does not start with https://")]
    NotHttps { line: u64, url: String },
}

/// A row as it stands in the CSV.
#[derive(Debug, Deserialize)]
struct Row {
    cause_group: String,
    wcio_cause_codes: String,
    measure: String,
    detail: String,
    source: String,
    url: String,
}

impl ControlTable {
    /// Parses the `cause_group,wcio_cause_codes,measure,detail,source,url`
    /// CSV against `codes` (the WCIO table its codes must come from).
    /// Strict, like the code table: a bad row would put wrong advice in
    /// front of a department, so any fault fails the whole load.
    pub fn from_csv(text: &str, codes: &CodeTable) -> Result<ControlTable, ControlTableError> {
        let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(text.as_bytes());
        let headers = reader.headers().map_err(|e| csv_error(&e, 1))?.clone();
        let mut table = ControlTable::default();
        for record in reader.records() {
            let record = record.map_err(|e| csv_error(&e, 0))?;
            let line = record.position().map_or(0, |p| p.line());
            let row: Row = record.deserialize(Some(&headers)).map_err(|e| csv_error(&e, line))?;
            table.push(row, line, codes)?;
        }
        Ok(table)
    }

    fn push(&mut self, row: Row, line: u64, codes: &CodeTable) -> Result<(), ControlTableError> {
        let fields = [
            ("cause_group", &row.cause_group),
            ("wcio_cause_codes", &row.wcio_cause_codes),
            ("measure", &row.measure),
            ("detail", &row.detail),
            ("source", &row.source),
            ("url", &row.url),
        ];
        if let Some((field, _)) = fields.iter().find(|(_, v)| v.trim().is_empty()) {
            return Err(ControlTableError::EmptyField { line, field });
        }
        if !row.url.starts_with("https://") {
            return Err(ControlTableError::NotHttps { line, url: row.url });
        }
        let cause_codes = parse_codes(&row.wcio_cause_codes, line, codes)?;
        let index = self.controls.len();
        for &code in &cause_codes {
            if let Some(&first) = self.by_cause.get(&code) {
                let first_group = self.controls[first].group.clone();
                return Err(ControlTableError::DuplicateCause { line, code, first_group });
            }
            self.by_cause.insert(code, index);
        }
        self.controls.push(Control {
            group: row.cause_group.trim().to_string(),
            cause_codes,
            measure: row.measure.trim().to_string(),
            detail: row.detail.trim().to_string(),
            source: row.source.trim().to_string(),
            url: row.url.trim().to_string(),
        });
        Ok(())
    }

    /// The table shipped in `src/controls.csv`, parsed on first use.
    pub fn builtin() -> &'static ControlTable {
        static TABLE: OnceLock<ControlTable> = OnceLock::new();
        TABLE.get_or_init(|| {
            // Fixed at compile time and parsed by the tests below, so a
            // failure here is a build defect, not input.
            ControlTable::from_csv(BUILTIN_CSV, CodeTable::builtin())
                .expect("src/controls.csv (compiled in) must parse; see controls tests")
        })
    }

    /// Every control, in the file's order.
    pub fn controls(&self) -> &[Control] {
        &self.controls
    }

    /// The control for a WCIO cause code, or `None` for a code the table
    /// does not cover (one outside the WCIO table).
    pub fn for_cause(&self, code: u16) -> Option<&Control> {
        self.by_cause.get(&code).map(|&i| &self.controls[i])
    }
}

/// The shipped controls, in the file's order.
pub fn table() -> &'static [Control] {
    ControlTable::builtin().controls()
}

/// The shipped control for a WCIO cause code.
pub fn for_cause(code: u16) -> Option<&'static Control> {
    ControlTable::builtin().for_cause(code)
}

/// `fallback_line` is used when csv's error carries no position (a
/// deserialize error of a record whose line the caller knows).
fn csv_error(err: &csv::Error, fallback_line: u64) -> ControlTableError {
    let line = err.position().map_or(fallback_line, |p| p.line());
    // csv's Display repeats the position; keep only the cause.
    let message = match err.kind() {
        csv::ErrorKind::Deserialize { err, .. } => err.to_string(),
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("expected {expected_len} fields, found {len}")
        }
        _ => err.to_string(),
    };
    ControlTableError::Csv { line, message }
}

/// Codes and ranges separated by spaces or semicolons: `1 6 82`,
/// `29-33`. A range stands for the WCIO cause codes inside it.
fn parse_codes(text: &str, line: u64, codes: &CodeTable) -> Result<Vec<u16>, ControlTableError> {
    let bad = |part: &str| ControlTableError::BadCode { line, text: part.to_string() };
    let mut out = Vec::new();
    for part in text.split([' ', ';']).filter(|p| !p.is_empty()) {
        match part.split_once('-') {
            Some((a, b)) => {
                let first: u16 = a.parse().map_err(|_| bad(part))?;
                let last: u16 = b.parse().map_err(|_| bad(part))?;
                if first > last {
                    return Err(bad(part));
                }
                let inside: Vec<u16> =
                    codes.entries(CodeKind::Cause).map(|e| e.code).filter(|c| (first..=last).contains(c)).collect();
                if inside.is_empty() {
                    return Err(ControlTableError::EmptyRange { line, first, last });
                }
                out.extend(inside);
            }
            None => {
                let code: u16 = part.parse().map_err(|_| bad(part))?;
                if codes.get(CodeKind::Cause, code).is_none() {
                    return Err(ControlTableError::UnknownCause { line, code });
                }
                out.push(code);
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::text_checks;

    const HEADER: &str = "cause_group,wcio_cause_codes,measure,detail,source,url\n";

    fn parse(rows: &str) -> Result<ControlTable, ControlTableError> {
        ControlTable::from_csv(&format!("{HEADER}{rows}"), CodeTable::builtin())
    }

    #[test]
    fn shipped_table_parses() {
        let table = ControlTable::from_csv(BUILTIN_CSV, CodeTable::builtin()).unwrap();
        assert_eq!(&table, ControlTable::builtin());
        assert!(table.controls().len() >= 14, "{}", table.controls().len());
    }

    #[test]
    fn every_wcio_cause_has_exactly_one_group() {
        let mut groups: BTreeMap<u16, Vec<&str>> = BTreeMap::new();
        for control in table() {
            for &code in &control.cause_codes {
                groups.entry(code).or_default().push(&control.group);
            }
        }
        for entry in CodeTable::builtin().entries(CodeKind::Cause) {
            let found = groups.get(&entry.code).map_or(0, Vec::len);
            assert_eq!(found, 1, "cause {} ({}) is in {found} groups", entry.code, entry.name);
            let control = for_cause(entry.code).unwrap_or_else(|| panic!("cause {} has no control", entry.code));
            assert!(control.cause_codes.contains(&entry.code));
        }
        assert!(groups.keys().all(|&c| CodeTable::builtin().get(CodeKind::Cause, c).is_some()));
        assert_eq!(for_cause(123), None);
    }

    #[test]
    fn every_row_is_sourced_and_clean() {
        for control in table() {
            assert!(control.url.starts_with("https://") && control.url.len() > "https://".len() + 4, "{control:?}");
            assert!(!control.url.contains(char::is_whitespace), "{}", control.url);
            assert!(["OSHA", "NIOSH", "Cal/OSHA"].iter().any(|p| control.source.starts_with(p)), "{}", control.source);
            for text in [&control.group, &control.measure, &control.detail, &control.source] {
                assert!(!text.is_empty() && text.trim() == text, "{text:?}");
                assert_eq!(text_checks::doubled_word(text), None, "{text:?}");
                assert!(!text.contains("  "), "{text:?}");
            }
            // Not the code table's acronym check: "Lift aids" is a word,
            // not a miscased AIDS. Only WCIO's "NOC" must not leak in.
            for text in [&control.group, &control.measure] {
                assert!(text.chars().next().is_some_and(char::is_uppercase), "{text:?}");
                assert!(!text_checks::words(text).iter().any(|w| w.eq_ignore_ascii_case("noc")), "{text:?}");
            }
        }
    }

    #[test]
    fn the_issue_examples_map_as_asked() {
        let measure = |code| for_cause(code).map(|c| c.measure.as_str());
        assert_eq!(measure(56), Some("Lift aids and ergonomic job review"));
        assert_eq!(measure(29), Some("Housekeeping and footwear program"));
        assert_eq!(measure(45), Some("Driver training and telematics"));
        assert_eq!(measure(74), Some("Workplace-violence prevention plan"));
        assert_eq!(measure(89), measure(74));
        assert_eq!(measure(99), Some("Injury and Illness Prevention Program review"));
        assert!(for_cause(99).is_some_and(|c| c.source.contains("§3203")));
    }

    #[test]
    fn ranges_stand_for_the_wcio_codes_inside_them() {
        let table = parse("Vehicles,40-50,Drive well,Detail.,\"OSHA, X\",https://www.osha.gov/x\n").unwrap();
        assert_eq!(table.controls()[0].cause_codes, vec![40, 41, 45, 46, 47, 48, 50]);
        assert_eq!(table.for_cause(45).map(|c| c.group.as_str()), Some("Vehicles"));
        assert_eq!(table.for_cause(56), None);
    }

    #[test]
    fn faulty_rows_are_typed_errors_naming_their_line() {
        let row = |codes: &str, url: &str| format!("A,{codes},M,D.,S,{url}\n");
        let ok = "https://www.osha.gov/x";
        let err = parse(&row("56 x", ok)).unwrap_err();
        assert!(matches!(&err, ControlTableError::BadCode { line: 2, text } if text == "x"), "{err:?}");
        let err = parse(&row("42", ok)).unwrap_err();
        assert!(matches!(err, ControlTableError::UnknownCause { line: 2, code: 42 }), "{err:?}");
        let err = parse(&row("42-44", ok)).unwrap_err();
        assert!(matches!(err, ControlTableError::EmptyRange { line: 2, first: 42, last: 44 }), "{err:?}");
        let err = parse(&row("57-55", ok)).unwrap_err();
        assert!(matches!(err, ControlTableError::BadCode { line: 2, .. }), "{err:?}");
        let err = parse(&row("56", "http://www.osha.gov/x")).unwrap_err();
        assert!(matches!(err, ControlTableError::NotHttps { line: 2, .. }), "{err:?}");
        let err = parse("A,56,M,,S,https://x.org\n").unwrap_err();
        assert!(matches!(err, ControlTableError::EmptyField { line: 2, field: "detail" }), "{err:?}");
        let twice = format!("{}{}", row("55-57", ok), row("56", ok));
        let err = parse(&twice).unwrap_err();
        assert!(
            matches!(&err, ControlTableError::DuplicateCause { line: 3, code: 56, first_group } if first_group == "A"),
            "{err:?}"
        );
        assert!(err.to_string().starts_with("control table line 3:"), "{err}");
        let err = parse("A,56,M\n").unwrap_err();
        assert!(matches!(err, ControlTableError::Csv { line: 2, .. }), "{err:?}");
    }
}
