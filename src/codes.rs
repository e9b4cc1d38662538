//! The WCIO injury description code tables (Cause of Injury, Nature of
//! Injury, Part of Body), shipped as data in `data/wcio_codes.csv` and
//! parsed once per process, so reports can print "Lifting" instead of
//! "cause 56" without every caller carrying its own copy of the tables.
//!
//! The tables live in a CSV file rather than in Rust literals so that a
//! WCIO revision (codes are added every few years: Mold, Terrorism,
//! Pandemic, COVID-19, Gunshot) is a reviewable data diff. The same number
//! means different things in each table (10 is Machine or Machinery,
//! Contusion, or Multiple Head Injury), so every lookup is keyed by
//! `(kind, code)`.
//!
//! `category` is the WCIO group heading, shortened where WCIO's heading
//! only repeats the group's grammar (WCIO prints "Burn or Scald – Heat or
//! Cold Exposures – Contact With", "Cut, Puncture, Scrape Injured By" and
//! "Fall, Slip or Trip Injury"); Part of Body 64–66, 90, 91 and 99 sit
//! under "Multiple Body Parts".
//!
//! `label` is the name a reader sees in a report (`display_label`): WCIO's
//! names are title-cased, abbreviated ("NOC") and, read alone, ambiguous
//! (three causes are "Object Being Lifted or Handled", two body parts are
//! "Soft Tissue"), so each row carries a hand-written sentence-case label
//! that says the mechanism ("Struck by object being lifted or handled"),
//! reads "Other …" for "…, NOC", and is unique within its table. The WCIO
//! `name` stays for exports that promise the official wording.
//!
//! Provenance. The official reference is the WCIO Injury Description
//! Table (<https://wcio.org/injury-description-tables>). Codes, names and
//! groups were taken from, and cross-checked between, these public copies:
//! - Montana DLI EDI definitions for Cause of Injury and Part of Body
//!   (`erd.dli.mt.gov/work-comp-claims/data-management/edi/definitions-for-*`);
//! - the Alabama DOL Part/Nature/Cause table and the Infor SyteLine
//!   workers' compensation code list (group headings, Nature codes 01–36);
//! - the New York WCB "Assembled Workers' Compensation Claims" open data,
//!   whose WCIO description → code pairs (all three tables, including the
//!   recent additions Pandemic 83, COVID-19 83 and Gunshot 93) and WCIO
//!   group headings appear in public GitHub analyses of that dataset
//!   (e.g. `jorgemiguelcordeiro/ML_Interface`);
//! - a Guidewire ClaimCenter `AccidentType` typelist and an NCCI
//!   part-of-body list in public GitHub code, for the codes whose names
//!   repeat within a table (Cause 17/66/79, 94/97; Part of Body 18/25,
//!   22/43, 23/47);
//! - the Pennsylvania Bureau notice of March 2020 (via Post & Schell) for
//!   Cause 83 Pandemic and Nature 83 COVID-19.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// The shipped table, compiled in so the binary needs no data folder to
/// label codes.
const BUILTIN_CSV: &str = include_str!("../data/wcio_codes.csv");

/// Which WCIO table a code belongs to. The `snake_case` names are the
/// `kind` column of the CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeKind {
    Cause,
    Nature,
    BodyPart,
}

impl CodeKind {
    pub const ALL: [CodeKind; 3] = [CodeKind::Cause, CodeKind::Nature, CodeKind::BodyPart];

    /// The CSV spelling, also used in error messages so they can be
    /// matched against the offending row.
    pub fn as_str(self) -> &'static str {
        match self {
            CodeKind::Cause => "cause",
            CodeKind::Nature => "nature",
            CodeKind::BodyPart => "body_part",
        }
    }

    /// The table's name in words, capitalised to open a label.
    pub fn noun(self) -> &'static str {
        match self {
            CodeKind::Cause => "Cause",
            CodeKind::Nature => "Nature",
            CodeKind::BodyPart => "Body part",
        }
    }
}

impl fmt::Display for CodeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row of the code table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeEntry {
    pub kind: CodeKind,
    pub code: u16,
    pub name: String,
    pub category: String,
    /// The clean display label (see the module doc).
    pub label: String,
}

/// The WCIO code tables, ordered by kind then code so `entries` lists a
/// table in WCIO's numeric order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodeTable {
    entries: BTreeMap<(CodeKind, u16), CodeEntry>,
}

/// Why a code table could not be loaded. Line numbers are 1-based lines
/// of the CSV text (the header is line 1), so they point at the row to fix.
#[derive(Debug, thiserror::Error)]
pub enum CodeTableError {
    #[error("code table {}: {message}", line_label(*line))]
    Csv { line: Option<u64>, message: String },
    #[error("code table line {line}: {field} is empty")]
    EmptyField { line: u64, field: &'static str },
    #[error("code table line {line}: duplicate {kind} code {code} (first defined on line {first_line})")]
    Duplicate { line: u64, kind: CodeKind, code: u16, first_line: u64 },
}

fn line_label(line: Option<u64>) -> String {
    match line {
        Some(line) => format!("line {line}"),
        None => "(unknown line)".to_string(),
    }
}

impl CodeTableError {
    fn from_csv(err: &csv::Error, fallback_line: Option<u64>) -> Self {
        let line = err.position().map(|p| p.line()).or(fallback_line);
        // csv's own Display repeats the position in its own words; keep
        // only the cause so the message names the line exactly once.
        let message = match err.kind() {
            csv::ErrorKind::Deserialize { err, .. } => err.to_string(),
            csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                format!("expected {expected_len} fields, found {len}")
            }
            _ => err.to_string(),
        };
        CodeTableError::Csv { line, message }
    }
}

impl CodeTable {
    /// Parses a `kind,code,name,category,label` CSV. Strict on purpose: a bad
    /// row in a reference table would silently mislabel every report, so
    /// any malformed row, empty name or repeated `(kind, code)` fails the
    /// whole load.
    pub fn from_csv(text: &str) -> Result<CodeTable, CodeTableError> {
        let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(text.as_bytes());
        let headers = reader.headers().map_err(|e| CodeTableError::from_csv(&e, Some(1)))?.clone();
        let mut entries = BTreeMap::new();
        let mut first_lines: BTreeMap<(CodeKind, u16), u64> = BTreeMap::new();
        for record in reader.records() {
            let record = record.map_err(|e| CodeTableError::from_csv(&e, None))?;
            let line = record.position().map(|p| p.line());
            let entry: CodeEntry =
                record.deserialize(Some(&headers)).map_err(|e| CodeTableError::from_csv(&e, line))?;
            let line = line.unwrap_or(0);
            for (field, value) in [("name", &entry.name), ("category", &entry.category), ("label", &entry.label)] {
                if value.trim().is_empty() {
                    return Err(CodeTableError::EmptyField { line, field });
                }
            }
            let key = (entry.kind, entry.code);
            match first_lines.entry(key) {
                Entry::Occupied(first) => {
                    return Err(CodeTableError::Duplicate {
                        line,
                        kind: entry.kind,
                        code: entry.code,
                        first_line: *first.get(),
                    });
                }
                Entry::Vacant(slot) => {
                    slot.insert(line);
                }
            }
            entries.insert(key, entry);
        }
        Ok(CodeTable { entries })
    }

    /// The table shipped in `data/wcio_codes.csv`, parsed on first use and
    /// shared afterwards.
    pub fn builtin() -> &'static CodeTable {
        static TABLE: OnceLock<CodeTable> = OnceLock::new();
        TABLE.get_or_init(|| {
            // The shipped file is fixed at compile time and parsed by the
            // tests below, so a failure here is a build defect, not input.
            CodeTable::from_csv(BUILTIN_CSV).expect("data/wcio_codes.csv (compiled in) must parse; see codes tests")
        })
    }

    pub fn get(&self, kind: CodeKind, code: u16) -> Option<&CodeEntry> {
        self.entries.get(&(kind, code))
    }

    pub fn name(&self, kind: CodeKind, code: u16) -> Option<&str> {
        self.get(kind, code).map(|e| e.name.as_str())
    }

    /// Display label: the name, or "code 123 (not in the WCIO table)" for
    /// unknown codes, so a state-specific or mistyped code still shows up
    /// in a report instead of vanishing or aborting it.
    pub fn label(&self, kind: CodeKind, code: u16) -> String {
        match self.name(kind, code) {
            Some(name) => name.to_string(),
            None => format!("code {code} (not in the WCIO table)"),
        }
    }

    /// The clean label a report shows (sentence case, no "NOC", unique
    /// within its table), or "Cause code 123 (not in the WCIO table)" for
    /// unknown codes; the kind is named because, unlike `label`'s callers,
    /// a driver or chart line has no column heading to say it.
    pub fn display_label(&self, kind: CodeKind, code: u16) -> String {
        match self.get(kind, code) {
            Some(entry) => entry.label.clone(),
            None => format!("{} code {code} (not in the WCIO table)", kind.noun()),
        }
    }

    /// The clean label under a column heading (a report's case list): as
    /// [`display_label`](Self::display_label), but an unknown code reads as
    /// [`label`](Self::label) does, the heading already naming the kind.
    pub fn column_label(&self, kind: CodeKind, code: u16) -> String {
        match self.get(kind, code) {
            Some(entry) => entry.label.clone(),
            None => self.label(kind, code),
        }
    }

    /// The entries of one table in ascending code order.
    pub fn entries(&self, kind: CodeKind) -> impl Iterator<Item = &CodeEntry> {
        self.entries.range((kind, 0)..=(kind, u16::MAX)).map(|(_, e)| e)
    }
}

/// Checks of report wording over the code table's vocabulary, shared by
/// the tests of every module that writes labels into text (codes, drivers,
/// controls), so they all hold the same standard.
#[cfg(test)]
pub(crate) mod text_checks {
    use std::collections::BTreeSet;

    use super::{CodeKind, CodeTable};

    pub(crate) fn words(text: &str) -> Vec<&str> {
        text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect()
    }

    /// Two neighbouring words that are the same word, case-insensitively,
    /// or the same stem ("injury injuries": five or more letters shared
    /// from the start), the fault of "multiple neck injury injuries".
    pub(crate) fn doubled_word(text: &str) -> Option<String> {
        let lower: Vec<String> = words(text).iter().map(|w| w.to_lowercase()).collect();
        lower.windows(2).find(|p| p[0] == p[1] || shared_stem(&p[0], &p[1]) >= 5).map(|p| p.join(" "))
    }

    fn shared_stem(a: &str, b: &str) -> usize {
        a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
    }

    /// A pair of words said twice in one label, the fault of "Multiple
    /// Body Parts (Including Body Systems and Body Parts)".
    pub(crate) fn repeated_pair(text: &str) -> Option<String> {
        let lower: Vec<String> = words(text).iter().map(|w| w.to_lowercase()).collect();
        let pairs: Vec<String> = lower.windows(2).map(|p| p.join(" ")).collect();
        pairs.iter().enumerate().find(|(i, p)| pairs[i + 1..].contains(p)).map(|(_, p)| p.clone())
    }

    /// The words the code table writes in capitals (NOC, OD, AIDS, VDT,
    /// COVID): every upper-case word of two or more letters in its names,
    /// categories and labels.
    pub(crate) fn acronyms() -> BTreeSet<String> {
        let table = CodeTable::builtin();
        let mut out = BTreeSet::new();
        for kind in CodeKind::ALL {
            for e in table.entries(kind) {
                for text in [&e.name, &e.category, &e.label] {
                    for w in words(text) {
                        if w.chars().filter(|c| c.is_alphabetic()).count() >= 2 && !w.chars().any(char::is_lowercase) {
                            out.insert(w.to_string());
                        }
                    }
                }
            }
        }
        out
    }

    /// A table acronym written in another case ("noc", "Covid").
    pub(crate) fn miscased_acronym(text: &str, acronyms: &BTreeSet<String>) -> Option<String> {
        words(text)
            .into_iter()
            .find(|w| !acronyms.contains(*w) && acronyms.contains(&w.to_uppercase()))
            .map(str::to_string)
    }

    /// Everything wrong with one piece of report text, empty when clean.
    pub(crate) fn problems(text: &str, acronyms: &BTreeSet<String>) -> Vec<String> {
        let mut out = Vec::new();
        if text.trim().is_empty() {
            out.push("empty".to_string());
        }
        if text.trim() != text || text.contains("  ") {
            out.push("stray spaces".to_string());
        }
        if let Some(w) = doubled_word(text) {
            out.push(format!("doubled word \"{w}\""));
        }
        if let Some(w) = miscased_acronym(text, acronyms) {
            out.push(format!("\"{w}\" is capitalised in the code table"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> &'static CodeTable {
        CodeTable::builtin()
    }

    fn check(kind: CodeKind, code: u16, name: &str, category: &str) {
        let entry = table().get(kind, code).unwrap_or_else(|| panic!("{kind} {code} missing"));
        assert_eq!(entry.name, name, "{kind} {code}");
        assert_eq!(entry.category, category, "{kind} {code}");
    }

    #[test]
    fn builtin_parses_with_plausible_counts() {
        let table = CodeTable::from_csv(BUILTIN_CSV).unwrap();
        let counts: Vec<usize> = CodeKind::ALL.iter().map(|&k| table.entries(k).count()).collect();
        assert!(counts.iter().all(|&n| n > 40), "{counts:?}");
        assert_eq!(counts, vec![77, 56, 56]);
        assert_eq!(&table, CodeTable::builtin());
    }

    #[test]
    fn cause_spot_checks() {
        let strain = "Strain or Injury By";
        let fall = "Fall, Slip or Trip";
        check(CodeKind::Cause, 1, "Chemicals", "Burn or Scald – Heat or Cold Exposures");
        check(CodeKind::Cause, 9, "Contact With, NOC", "Burn or Scald – Heat or Cold Exposures");
        check(CodeKind::Cause, 10, "Machine or Machinery", "Caught In, Under or Between");
        check(CodeKind::Cause, 25, "From Different Level (Elevation)", fall);
        check(CodeKind::Cause, 26, "From Ladder or Scaffolding", fall);
        check(CodeKind::Cause, 29, "On Same Level", fall);
        check(CodeKind::Cause, 52, "Continual Noise", strain);
        check(CodeKind::Cause, 56, "Lifting", strain);
        check(CodeKind::Cause, 57, "Pushing or Pulling", strain);
        check(CodeKind::Cause, 97, "Repetitive Motion", strain);
        check(CodeKind::Cause, 94, "Repetitive Motion", "Rubbed or Abraded By");
        check(CodeKind::Cause, 83, "Pandemic", "Miscellaneous Causes");
        check(CodeKind::Cause, 90, "Other Than Physical Cause of Injury", "Miscellaneous Causes");
        check(CodeKind::Cause, 98, "Cumulative, NOC", "Miscellaneous Causes");
        check(CodeKind::Cause, 99, "Other - Miscellaneous, NOC", "Miscellaneous Causes");
    }

    #[test]
    fn nature_and_body_part_spot_checks() {
        check(CodeKind::Nature, 1, "No Physical Injury", "Specific Injury");
        check(CodeKind::Nature, 10, "Contusion", "Specific Injury");
        check(CodeKind::Nature, 49, "Sprain or Tear", "Specific Injury");
        check(CodeKind::Nature, 52, "Strain or Tear", "Specific Injury");
        check(CodeKind::Nature, 78, "Carpal Tunnel Syndrome", "Occupational Disease or Cumulative Injury");
        check(CodeKind::Nature, 83, "COVID-19", "Occupational Disease or Cumulative Injury");
        check(CodeKind::Nature, 90, "Multiple Physical Injuries Only", "Multiple Injuries");
        check(CodeKind::BodyPart, 10, "Multiple Head Injury", "Head");
        check(CodeKind::BodyPart, 42, "Lower Back Area", "Trunk");
        check(CodeKind::BodyPart, 53, "Knee", "Lower Extremities");
        check(CodeKind::BodyPart, 60, "Lungs", "Trunk");
        check(CodeKind::BodyPart, 38, "Shoulder(s)", "Upper Extremities");
        check(
            CodeKind::BodyPart,
            90,
            "Multiple Body Parts (Including Body Systems and Body Parts)",
            "Multiple Body Parts",
        );
        check(CodeKind::BodyPart, 91, "Body Systems and Multiple Body Systems", "Multiple Body Parts");
        check(CodeKind::BodyPart, 99, "Whole Body", "Multiple Body Parts");
    }

    #[test]
    fn categories_are_the_wcio_groups() {
        let allowed: [(CodeKind, &[&str]); 3] = [
            (
                CodeKind::Cause,
                &[
                    "Burn or Scald – Heat or Cold Exposures",
                    "Caught In, Under or Between",
                    "Cut, Puncture, Scrape",
                    "Fall, Slip or Trip",
                    "Motor Vehicle",
                    "Strain or Injury By",
                    "Striking Against or Stepping On",
                    "Struck or Injured By",
                    "Rubbed or Abraded By",
                    "Miscellaneous Causes",
                ],
            ),
            (CodeKind::Nature, &["Specific Injury", "Occupational Disease or Cumulative Injury", "Multiple Injuries"]),
            (
                CodeKind::BodyPart,
                &["Head", "Neck", "Upper Extremities", "Trunk", "Lower Extremities", "Multiple Body Parts"],
            ),
        ];
        for (kind, groups) in allowed {
            for entry in table().entries(kind) {
                assert!(groups.contains(&entry.category.as_str()), "{kind} {}: {}", entry.code, entry.category);
            }
            for group in groups {
                assert!(table().entries(kind).any(|e| e.category == *group), "{kind} group {group} is empty");
            }
        }
    }

    #[test]
    fn lookups_are_per_kind_and_ordered() {
        assert_eq!(table().name(CodeKind::Cause, 10), Some("Machine or Machinery"));
        assert_eq!(table().name(CodeKind::Nature, 10), Some("Contusion"));
        assert_eq!(table().name(CodeKind::BodyPart, 10), Some("Multiple Head Injury"));
        assert_eq!(table().name(CodeKind::BodyPart, 1), None);
        for kind in CodeKind::ALL {
            let codes: Vec<u16> = table().entries(kind).map(|e| e.code).collect();
            assert!(codes.windows(2).all(|w| w[0] < w[1]), "{kind}");
            assert!(table().entries(kind).all(|e| e.kind == kind));
        }
    }

    #[test]
    fn label_names_known_codes_and_flags_unknown_ones() {
        assert_eq!(table().label(CodeKind::Cause, 56), "Lifting");
        assert_eq!(table().label(CodeKind::Cause, 123), "code 123 (not in the WCIO table)");
        assert_eq!(table().label(CodeKind::BodyPart, 0), "code 0 (not in the WCIO table)");
    }

    #[test]
    fn column_label_is_clean_and_flags_unknown_codes_without_the_kind() {
        let t = table();
        let cut = t.column_label(CodeKind::Cause, 19);
        assert_eq!(cut, t.display_label(CodeKind::Cause, 19));
        assert!(!cut.contains("NOC"), "{cut}");
        assert_eq!(t.column_label(CodeKind::Cause, 123), "code 123 (not in the WCIO table)");
    }

    #[test]
    fn kind_names_match_serde() {
        for kind in CodeKind::ALL {
            assert_eq!(serde_json::to_string(&kind).unwrap(), format!("\"{}\"", kind.as_str()));
        }
    }

    #[test]
    fn duplicate_row_is_an_error() {
        let text = "kind,code,name,category,label\ncause,56,Lifting,Strain,L\nnature,56,Other,X,O\ncause,56,Lifting again,Strain,L\n";
        let err = CodeTable::from_csv(text).unwrap_err();
        assert!(
            matches!(err, CodeTableError::Duplicate { line: 4, kind: CodeKind::Cause, code: 56, first_line: 2 }),
            "{err:?}"
        );
        assert!(err.to_string().contains("line 4"), "{err}");
    }

    #[test]
    fn malformed_rows_name_their_line() {
        let bad_code = "kind,code,name,category,label\ncause,1,Chemicals,Burn,C\ncause,abc,Chemicals,Burn,C\n";
        let err = CodeTable::from_csv(bad_code).unwrap_err();
        assert!(matches!(err, CodeTableError::Csv { line: Some(3), .. }), "{err:?}");
        assert!(err.to_string().starts_with("code table line 3:"), "{err}");

        let short_row = "kind,code,name,category,label\ncause,1,Chemicals,Burn\n";
        let err = CodeTable::from_csv(short_row).unwrap_err();
        assert!(matches!(err, CodeTableError::Csv { line: Some(2), .. }), "{err:?}");
        assert!(err.to_string().contains("line 2"), "{err}");

        let bad_kind = "kind,code,name,category,label\nsymptom,1,Chemicals,Burn,C\n";
        let err = CodeTable::from_csv(bad_kind).unwrap_err();
        assert!(matches!(err, CodeTableError::Csv { line: Some(2), .. }), "{err:?}");

        let empty_name = "kind,code,name,category,label\ncause,1,,Burn,C\n";
        let err = CodeTable::from_csv(empty_name).unwrap_err();
        assert!(matches!(err, CodeTableError::EmptyField { line: 2, field: "name" }), "{err:?}");

        let empty_label = "kind,code,name,category,label\ncause,1,Chemicals,Burn, \n";
        let err = CodeTable::from_csv(empty_label).unwrap_err();
        assert!(matches!(err, CodeTableError::EmptyField { line: 2, field: "label" }), "{err:?}");

        let no_label_column = "kind,code,name,category\ncause,1,Chemicals,Burn\n";
        let err = CodeTable::from_csv(no_label_column).unwrap_err();
        assert!(matches!(err, CodeTableError::Csv { line: Some(2), .. }), "{err:?}");
    }

    #[test]
    fn quoted_fields_with_commas_round_trip() {
        let text =
            "kind,code,name,category,label\ncause,6,\"Dust, Gases, Fumes or Vapors\",\"Burn, etc\",\"Dust, gases\"\n";
        let table = CodeTable::from_csv(text).unwrap();
        assert_eq!(table.name(CodeKind::Cause, 6), Some("Dust, Gases, Fumes or Vapors"));
        assert_eq!(table.get(CodeKind::Cause, 6).unwrap().category, "Burn, etc");
    }

    #[test]
    fn every_label_is_clean() {
        let acronyms = text_checks::acronyms();
        assert!(acronyms.contains("NOC") && acronyms.contains("COVID"), "{acronyms:?}");
        let mut bad = Vec::new();
        for kind in CodeKind::ALL {
            for e in table().entries(kind) {
                let label = table().display_label(kind, e.code);
                let mut problems = text_checks::problems(&label, &acronyms);
                problems.extend(text_checks::repeated_pair(&label).map(|p| format!("\"{p}\" said twice")));
                if label.contains("NOC") {
                    problems.push("\"NOC\": say \"Other …\"".to_string());
                }
                problems.extend(sentence_case(&label));
                for p in problems {
                    bad.push(format!("{kind} {}: {label:?}: {p}", e.code));
                }
            }
        }
        assert!(bad.is_empty(), "{}", bad.join("\n"));
    }

    /// Sentence case: a capital first letter, and later words capitalised
    /// only when they are all capitals (AIDS, COVID-19, Hepatitis C).
    fn sentence_case(label: &str) -> Option<String> {
        let words = text_checks::words(label);
        let first_upper = label.chars().next().is_some_and(char::is_uppercase);
        let odd = words
            .iter()
            .skip(1)
            .find(|w| w.chars().next().is_some_and(char::is_uppercase) && w.chars().any(char::is_lowercase));
        match (first_upper, odd) {
            (false, _) => Some("does not open with a capital".to_string()),
            (true, Some(w)) => Some(format!("\"{w}\" is capitalised mid-label")),
            (true, None) => None,
        }
    }

    #[test]
    fn labels_are_unique_within_a_table() {
        for kind in CodeKind::ALL {
            let mut seen = std::collections::BTreeMap::new();
            for e in table().entries(kind) {
                if let Some(first) = seen.insert(e.label.to_lowercase(), e.code) {
                    panic!("{kind} {first} and {} share the label {:?}", e.code, e.label);
                }
            }
        }
    }

    #[test]
    fn display_labels_read_well() {
        assert_eq!(table().display_label(CodeKind::Cause, 74), "Struck by fellow worker, patient or other person");
        assert_eq!(table().display_label(CodeKind::Cause, 99), "Other miscellaneous cause");
        assert_eq!(table().display_label(CodeKind::BodyPart, 20), "Neck (multiple injuries)");
        assert_eq!(table().display_label(CodeKind::BodyPart, 90), "Multiple body parts");
        assert_eq!(table().display_label(CodeKind::Nature, 83), "COVID-19");
        assert_eq!(table().display_label(CodeKind::Cause, 123), "Cause code 123 (not in the WCIO table)");
        assert_eq!(table().display_label(CodeKind::BodyPart, 0), "Body part code 0 (not in the WCIO table)");
    }

    #[test]
    fn text_checks_catch_the_old_driver_faults() {
        let acronyms = text_checks::acronyms();
        for bad in [
            "multiple neck injury injuries: 12% of cases",
            "cut, puncture, scrape, noc: 15% of cases",
            "the the city share",
            " Lifting",
        ] {
            assert!(!text_checks::problems(bad, &acronyms).is_empty(), "{bad}");
        }
        let parenthetical = "multiple body parts (including body systems and body parts)";
        assert!(text_checks::repeated_pair(parenthetical).is_some());
        assert!(text_checks::problems("Neck (multiple injuries): 12% of cases", &acronyms).is_empty());
    }
}
