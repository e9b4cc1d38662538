//! One test per quarantine reason and per file-level failure, plus a
//! property test that random corruption never panics nor breaks the account.

use std::fs;
use std::io::Write;

use proptest::prelude::*;

use super::*;
use crate::schema::{ClaimRecord, InjuryRecord};

const DEPTS: &str = "department,name,group\nFIRE,Fire,public_safety\nLIB,Library,office\n";
const INJ_HEAD: &str = "case_id,department,event_date,osha_class,days_away,days_restricted,cause_code,nature_code,body_part_code,job_class,employee_id,description";
const CLM_HEAD: &str = "claim_id,case_id,department,injury_date,reported_date,valuation_date,status,closed_date,paid_medical,paid_indemnity,paid_expense,reserve,litigated";
const EXP_HEAD: &str = "department,month,hours_worked,headcount,payroll";

fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn opts() -> LoadOptions {
    LoadOptions {
        as_of: Some(Month::new(2024, 6).unwrap()),
        today: Date::new(2026, 1, 1).unwrap(),
        input: crate::config::InputFormat::default(),
        limits: crate::config::Limits::default(),
    }
}

fn load_dir(dir: &Path) -> Loaded<Discard> {
    load(dir, &opts(), Discard).unwrap()
}

/// The (line, reason, column) of every quarantined row of one file.
fn rejected(loaded: &Loaded<Discard>, kind: FileKind) -> Vec<(u64, Reason, String)> {
    loaded.quarantined(kind).map(|q| (q.line, q.reason, q.column.clone())).collect()
}

fn injuries(rows: &[&str]) -> String {
    format!("{INJ_HEAD}\n{}\n", rows.join("\n"))
}

fn claims(rows: &[&str]) -> String {
    format!("{CLM_HEAD}\n{}\n", rows.join("\n"))
}

const GOOD_INJ: &str = "C1,FIRE,2024-01-05,days_away,3,0,56,52,42,Firefighter,E1,lifted hose";

#[test]
fn every_injury_reason_is_caught_on_its_line() {
    let text = injuries(&[
        GOOD_INJ,
        ",FIRE,2024-01-05,days_away,3,0,56,52,42,FF,E1,x", // 3 missing case_id
        "C2,FIRE,2024-13-05,days_away,3,0,56,52,42,FF,E1,x", // 4 unparsable date
        "C3,FIRE,2024-01-05,days_away,-3,0,56,52,42,FF,E1,x", // 5 negative days
        "C4,FIRE,2024-01-05,serious,3,0,56,52,42,FF,E1,x", // 6 unknown class
        "C5,ZZZ,2024-01-05,days_away,3,0,56,52,42,FF,E1,x", // 7 unknown department
        "C1,FIRE,2024-01-06,restricted,0,4,56,52,42,FF,E1,x", // 8 duplicate id
        "C6,FIRE,2065-01-05,days_away,3,0,56,52,42,FF,E1,x", // 9 future
        "C7,FIRE,2024-01-05,days_away,3,0,56,52,42,FF,E1", // 10 ragged
        "C8,FIRE,2024-01-05,days_away,3,0,56,52,42,Stre\"et,E1,x", // 11 stray quote
        "C9,LIB,2024-02-05,other_recordable,,,97,78,34,Librarian,E2,\"typed, \"\"a lot\"\"\"", // 12 good
        "C10,LIB,2024-02-05,first_aid,x,,97,78,34,Librarian,E2,y", // 13 unparsable days
    ]);
    let dir = folder(&[("departments.csv", DEPTS), ("injuries.csv", &text)]);
    let loaded = load_dir(dir.path());
    let report = loaded.report(FileKind::Injuries).unwrap();
    assert_eq!((report.read, report.accepted, report.quarantined), (12, 2, 10));
    assert_eq!(
        rejected(&loaded, FileKind::Injuries),
        vec![
            (3, Reason::MissingValue, "case_id".into()),
            (4, Reason::UnparsableValue, "event_date".into()),
            (5, Reason::OutOfRange, "days_away".into()),
            (6, Reason::UnknownEnum, "osha_class".into()),
            (7, Reason::UnknownDepartment, "department".into()),
            (8, Reason::DuplicateId, "case_id".into()),
            (9, Reason::FutureDate, "event_date".into()),
            (10, Reason::WrongFieldCount, "".into()),
            (11, Reason::MalformedQuoting, "".into()),
            (13, Reason::UnparsableValue, "days_away".into()),
        ]
    );
    // Quarantined rows are kept unchanged.
    let q = loaded.quarantined(FileKind::Injuries).find(|q| q.line == 10).unwrap();
    assert_eq!(q.fields.len(), 11);
    assert_eq!(q.fields[0], "C7");
    // ...but for personal data: a well-formed row loses exactly its personal fields.
    let q = loaded.quarantined(FileKind::Injuries).find(|q| q.line == 13).unwrap();
    assert_eq!(&q.fields[9..], ["Librarian", "[redacted]", "[redacted]"]);
}

#[test]
fn every_claim_reason_is_caught() {
    let text = claims(&[
        "K1,C1,FIRE,2024-01-05,2024-01-07,2024-06-30,open,,100.00,0,0,5000,no", // 2 good
        "K2,C2,FIRE,2024-01-05,2024-01-03,2024-06-30,open,,100.00,0,0,5000,no", // 3 reported before
        "K3,C3,FIRE,2024-01-05,2024-01-07,2024-06-30,closed,,100.00,0,0,0,no",  // 4 closed, no date
        "K4,C4,FIRE,2024-01-05,2024-01-07,2024-06-30,pending,,100.00,0,0,0,no", // 5 unknown status
        "K5,C5,FIRE,2024-01-05,2024-01-07,2024-06-30,open,,-100.00,0,0,0,no",   // 6 negative money
        "K6,C6,FIRE,2024-01-05,2024-01-07,2024-06-30,open,,12..5,0,0,0,no",     // 7 bad money
        "K7,C7,FIRE,2024-01-05,2024-01-07,2024-06-30,open,,1,0,0,0,maybe",      // 8 bad bool
        "K8,,FIRE,2024-01-05,2024-01-07,2024-06-30,closed,2024-03-01,\"$1,234.50\",0,0,0,y", // 9 good
        "K9,,FIRE,2024-01-05,2030-01-07,2024-06-30,open,,1,0,0,0,n",            // 10 future report
        "K1,,FIRE,2024-01-05,,,open,,1,0,0,0,n",                                // 11 duplicate
        ",,FIRE,2024-01-05,,,open,,1,0,0,0,n",                                  // 12 missing id
    ]);
    let dir = folder(&[("departments.csv", DEPTS), ("claims.csv", &text)]);
    let loaded = load_dir(dir.path());
    let got: Vec<(u64, Reason)> = rejected(&loaded, FileKind::Claims).into_iter().map(|(l, r, _)| (l, r)).collect();
    assert_eq!(
        got,
        vec![
            (3, Reason::ReportedBeforeInjury),
            (4, Reason::ClosedWithoutDate),
            (5, Reason::UnknownEnum),
            (6, Reason::OutOfRange),
            (7, Reason::UnparsableValue),
            (8, Reason::UnparsableValue),
            (10, Reason::FutureDate),
            (11, Reason::DuplicateId),
            (12, Reason::MissingValue),
        ]
    );
    assert_eq!(loaded.report(FileKind::Claims).unwrap().accepted, 2);
}

#[test]
fn exposure_rules() {
    let exp = format!(
        "{EXP_HEAD}\nFIRE,2024-01,1000,10,50000\nFIRE,2024-01,900,10,50000\nLIB,2024-01,0,3,100\nLIB,2024-13,5,1,1\nLIB,2031-01,5,1,1\nLIB,2024-02,5,-1,1\n"
    );
    let dir = folder(&[("departments.csv", DEPTS), ("injuries.csv", &injuries(&[GOOD_INJ])), ("exposure.csv", &exp)]);
    let loaded = load_dir(dir.path());
    let got: Vec<(u64, Reason)> = rejected(&loaded, FileKind::Exposure).into_iter().map(|(l, r, _)| (l, r)).collect();
    assert_eq!(
        got,
        vec![
            (3, Reason::DuplicateId),
            (4, Reason::OutOfRange),
            (5, Reason::UnparsableValue),
            (6, Reason::FutureDate),
            (7, Reason::OutOfRange)
        ]
    );
}

#[test]
fn departments_file_has_its_own_quarantine() {
    let depts = "department,name,group\nFIRE,Fire,public_safety\nFIRE,Fire again,\nLIB,,office\n";
    let dir = folder(&[("departments.csv", depts), ("injuries.csv", &injuries(&[GOOD_INJ]))]);
    let loaded = load_dir(dir.path());
    let got: Vec<(u64, Reason)> =
        rejected(&loaded, FileKind::Departments).into_iter().map(|(l, r, _)| (l, r)).collect();
    assert_eq!(got, vec![(3, Reason::DuplicateId), (4, Reason::MissingValue)]);
    assert_eq!(loaded.departments.as_ref().unwrap().len(), 1);
}

#[test]
fn a_stray_opening_quote_takes_only_its_own_line() {
    let text = injuries(&[
        "C1,FIRE,2024-01-05,days_away,3,0,56,52,42,\"FF,E1,x",
        "C2,FIRE,2024-01-05,days_away,3,0,56,52,42,FF,E1,\"ok\"",
        "C3,FIRE,2024-01-05,days_away,3,0,56,52,42,FF,E1,\"two",
        "lines\"",
        "C4,FIRE,2024-01-05,days_away,3,0,56,52,42,FF,E1,x",
    ]);
    let dir = folder(&[("injuries.csv", &text)]);
    let loaded = load_dir(dir.path());
    // Line 2's quote would pair with line 4's, but lines 2-4 do not split
    // into the header's fields, so line 2 is cut back to itself and the
    // scan starts afresh at line 3: line 3 survives, and lines 4-5 are
    // found as the real two-line record they are.
    let got = rejected(&loaded, FileKind::Injuries);
    assert_eq!(got.iter().map(|g| (g.0, g.1)).collect::<Vec<_>>(), vec![(2, Reason::MalformedQuoting)]);
    let report = loaded.report(FileKind::Injuries).unwrap();
    assert_eq!((report.read, report.accepted), (4, 3));
}

/// Weekly wage in cents, age, hours a week, part time, dependents, accident hour.
type FirstReport = (Option<i64>, Option<u8>, Option<f64>, Option<bool>, Option<u8>, Option<u8>);

/// The first-report values of every accepted claim, in file order.
#[derive(Default)]
struct FirstReports(Vec<FirstReport>);

impl RecordSink for FirstReports {
    fn fork(&self) -> Self {
        FirstReports::default()
    }
    fn merge(&mut self, other: Self) {
        self.0.extend(other.0);
    }
    fn claim(&mut self, r: &ClaimRecord<'_>) {
        let wage = r.weekly_wage.map(|c| c.0);
        self.0.push((wage, r.age_at_injury, r.hours_per_week, r.part_time, r.dependents, r.accident_hour));
    }
}

#[test]
fn first_report_columns_are_read_by_name_and_bad_values_quarantined() {
    let head = format!("{CLM_HEAD},accident_hour,part_time,weekly_wage,age_at_injury,hours_per_week,dependents");
    let rows = [
        "14:35,P,612.50,37,20,2",     // 2 good
        ",,,,,",                      // 3 good: all blank
        "7,full time,612.5,140,38,0", // 4 age out of range
        "7,casual,612.5,40,38,0",     // 5 part time unparsable
        "7,F,612.5,40,200,0",         // 6 hours out of range
        "24,F,612.5,40,38,0",         // 7 hour out of range
        "7,F,612.5,40,38,99",         // 8 dependents out of range
        "7,F,abc,40,38,0",            // 9 wage unparsable
    ];
    let body: Vec<String> =
        rows.iter().enumerate().map(|(i, tail)| format!("K{i},,FIRE,2024-01-05,,,open,,1,0,0,0,n,{tail}")).collect();
    let text = format!("{head}\n{}\n", body.join("\n"));
    let dir = folder(&[("departments.csv", DEPTS), ("claims.csv", &text)]);
    let loaded = load(dir.path(), &opts(), FirstReports::default()).unwrap();
    let report = loaded.report(FileKind::Claims).unwrap();
    assert!(report.unknown_columns.is_empty(), "{:?}", report.unknown_columns);
    assert_eq!(
        loaded.quarantined(FileKind::Claims).map(|q| (q.line, q.reason, q.column.as_str())).collect::<Vec<_>>(),
        [
            (4, Reason::OutOfRange, "age_at_injury"),
            (5, Reason::UnparsableValue, "part_time"),
            (6, Reason::OutOfRange, "hours_per_week"),
            (7, Reason::OutOfRange, "accident_hour"),
            (8, Reason::OutOfRange, "dependents"),
            (9, Reason::UnparsableValue, "weekly_wage"),
        ]
    );
    let first = &loaded.sink.0;
    assert_eq!(first[0], (Some(61_250), Some(37), Some(20.0), Some(true), Some(2), Some(14)));
    assert_eq!(first[1], (None, None, None, None, None, None));
    assert_eq!(first.len(), 2);
}

/// The `privacy_case` value of every accepted injury, in file order.
#[derive(Default)]
struct PrivacyFlags(Vec<(String, Option<bool>)>);

impl RecordSink for PrivacyFlags {
    fn fork(&self) -> Self {
        PrivacyFlags::default()
    }
    fn merge(&mut self, other: Self) {
        self.0.extend(other.0);
    }
    fn injury(&mut self, r: &InjuryRecord<'_>) {
        self.0.push((r.case_id.to_string(), r.privacy_case));
    }
}

#[test]
fn privacy_case_is_read_as_a_boolean_and_bad_values_quarantined() {
    let head = format!("{INJ_HEAD},privacy_case");
    let rows = ["Yes", "", "0", "perhaps", "n", "2"];
    let body: Vec<String> = rows
        .iter()
        .enumerate()
        .map(|(i, flag)| format!("P{i},FIRE,2024-01-05,days_away,3,0,56,77,42,FF,E1,x,{flag}"))
        .collect();
    let text = format!("{head}\n{}\n", body.join("\n"));
    let dir = folder(&[("departments.csv", DEPTS), ("injuries.csv", &text)]);
    let loaded = load(dir.path(), &opts(), PrivacyFlags::default()).unwrap();
    assert!(loaded.report(FileKind::Injuries).unwrap().unknown_columns.is_empty());
    let bad: Vec<_> = loaded.quarantined(FileKind::Injuries).map(|q| (q.line, q.reason, q.column.as_str())).collect();
    assert_eq!(bad, [(5, Reason::UnparsableValue, "privacy_case"), (7, Reason::UnparsableValue, "privacy_case")]);
    let flags: Vec<(&str, Option<bool>)> = loaded.sink.0.iter().map(|(id, f)| (id.as_str(), *f)).collect();
    assert_eq!(flags, [("P0", Some(true)), ("P1", None), ("P2", Some(false)), ("P4", Some(false))]);
    // Without the column every case reads as unflagged (and is then inferred from its codes).
    let dir = folder(&[("departments.csv", DEPTS), ("injuries.csv", &injuries(&[GOOD_INJ]))]);
    let loaded = load(dir.path(), &opts(), PrivacyFlags::default()).unwrap();
    assert_eq!(loaded.sink.0, [("C1".to_string(), None)]);
}

#[test]
fn headers_are_matched_loosely_and_unknown_columns_reported() {
    let text = "\u{feff} Department ,CASE_ID,Event_Date,osha_class,shoe_size\r\nFIRE,C1,2024-01-05,Days_Away,9\r\n";
    let dir = folder(&[("injuries.csv", text)]);
    let loaded = load_dir(dir.path());
    let report = loaded.report(FileKind::Injuries).unwrap();
    assert_eq!((report.read, report.accepted), (1, 1));
    assert_eq!(report.unknown_columns, vec!["shoe_size".to_string()]);
}

#[test]
fn gzip_files_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let file = fs::File::create(dir.path().join("injuries.csv.gz")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
    gz.write_all(injuries(&[GOOD_INJ]).as_bytes()).unwrap();
    gz.finish().unwrap();
    let loaded = load_dir(dir.path());
    assert_eq!(loaded.report(FileKind::Injuries).unwrap().accepted, 1);
}

fn load_err(files: &[(&str, &[u8])]) -> String {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        fs::write(dir.path().join(name), bytes).unwrap();
    }
    load(dir.path(), &opts(), Discard).unwrap_err().to_string()
}

#[test]
fn unreadable_files_stop_with_a_clear_message() {
    let e = load_err(&[("injuries.csv", b"case_id,department\nC1,FIRE\n")]);
    assert!(e.contains("injuries.csv") && e.contains("missing required column(s) event_date, osha_class"), "{e}");
    let e = load_err(&[("injuries.csv", b"")]);
    assert!(e.contains("empty"), "{e}");
    let mut latin1 = injuries(&[GOOD_INJ]).into_bytes();
    latin1.extend_from_slice(b"C2,FIRE,2024-01-05,days_away,3,0,56,52,42,FF,E1,caf\xe9\n");
    let e = load_err(&[("injuries.csv", &latin1)]);
    assert!(e.contains("line 3") && e.contains("UTF-8"), "{e}");
    let e = load_err(&[("injuries.csv.gz", b"not gzip at all")]);
    assert!(e.contains("injuries.csv.gz") && e.contains("cannot read"), "{e}");
    let e = load_err(&[("claims.csv.txt", b"x")]);
    assert!(e.contains("no injuries.csv or claims.csv"), "{e}");
    let e = load_err(&[("injuries.csv", b"a"), ("injuries.csv.gz", b"b")]);
    assert!(e.contains("injuries.csv and injuries.csv.gz are present; keep one injuries file"), "{e}");
    let e = load_err(&[("injuries.csv", b"case_id,case_id,department,event_date,osha_class\n")]);
    assert!(e.contains("appears twice"), "{e}");
}

#[test]
fn quarantined_rows_keep_their_fields_but_not_personal_data() {
    let text = injuries(&["C7,FIRE,2024-01-05,days_away,3,0,56,52,42,FF,E1", GOOD_INJ]);
    let dir = folder(&[("injuries.csv", &text)]);
    let loaded = load_dir(dir.path());
    let q: Vec<&QuarantinedRow> = loaded.quarantined(FileKind::Injuries).collect();
    assert_eq!(q.len(), 1);
    assert_eq!(
        (q[0].line, q[0].reason, q[0].detail.as_str()),
        (2, Reason::WrongFieldCount, "11 fields, the header has 12")
    );
    assert_eq!(q[0].fields.join(","), "C7,FIRE,2024-01-05,days_away,3,0,56,52,42,[redacted],[redacted]");
}

fn corrupt(base: &[u8], edits: &[(usize, u8)]) -> Vec<u8> {
    let mut bytes = base.to_vec();
    for &(pos, byte) in edits {
        if !bytes.is_empty() {
            let i = pos % bytes.len();
            bytes[i] = byte;
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Random corruption of a valid file never panics, and the account
    /// always balances; if the header survives, every data row is seen.
    #[test]
    fn corruption_never_panics_and_keeps_the_invariant(
        edits in prop::collection::vec((any::<usize>(), prop::sample::select(b",\"\n\r x-9\xff".to_vec())), 1..8)
    ) {
        let rows: Vec<String> = (0..30).map(|i| format!(
            "C{i},FIRE,2024-0{}-1{},{},{},0,56,52,42,\"Fire, fighter\",E{i},\"said \"\"ouch\"\"\"",
            1 + i % 6, i % 10, ["days_away", "restricted", "first_aid"][i % 3], i % 200)).collect();
        let header_len = INJ_HEAD.len() + 1;
        let base = injuries(&rows.iter().map(String::as_str).collect::<Vec<_>>());
        let edits: Vec<(usize, u8)> = edits.into_iter()
            .map(|(p, b)| (header_len + p % (base.len() - header_len), b)).collect();
        let bytes = corrupt(base.as_bytes(), &edits);
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("injuries.csv"), &bytes).unwrap();
        match load(dir.path(), &opts(), Discard) {
            Ok(loaded) => {
                let r = loaded.report(FileKind::Injuries).unwrap();
                prop_assert!(r.balanced());
                prop_assert_eq!(r.quarantined as usize, loaded.quarantine.len());
                prop_assert!(r.read >= 25 && r.read <= 40, "read {}", r.read);
            }
            Err(IngestError::Encoding { .. }) => prop_assert!(bytes.contains(&0xff)),
            Err(e) => prop_assert!(false, "unexpected error {e}"),
        }
    }
}

#[test]
fn a_quarantined_privacy_case_keeps_its_line_and_column_but_not_its_date_or_codes() {
    let head = format!("{INJ_HEAD},privacy_case");
    let text = [
        head.as_str(),
        "C1,FIRE,2024-13-05,days_away,3,0,56,52,42,FF,E1,x,true", // 2 flagged, bad date
        "C2,FIRE,2024-01-05,days_away,x,0,56,77,42,FF,E1,x,",     // 3 inferred, bad days
        "C3,FIRE,2024-13-05,days_away,3,0,56,77,42,FF,E1,x,false", // 4 explicit false
        "C4,FIRE,2024-01-05,days_away,3,0,56,69,42,FF,E1,x",      // 5 ragged, listed code
        "",
    ]
    .join("\n");
    let dir = folder(&[("injuries.csv", &text)]);
    let loaded = load_dir(dir.path());
    let q: Vec<&QuarantinedRow> = loaded.quarantined(FileKind::Injuries).collect();
    let seen: Vec<_> = q.iter().map(|q| (q.line, q.column.as_str(), q.detail.as_str(), q.fields.join(","))).collect();
    let p = withhold::PRIVACY_MARK;
    assert_eq!(
        seen[0],
        (
            2,
            "event_date",
            withhold::WITHHELD_DETAIL,
            format!("C1,FIRE,{p},days_away,3,0,{p},{p},{p},FF,[redacted],[redacted],true")
        )
    );
    assert_eq!(seen[1].3, format!("C2,FIRE,{p},days_away,x,0,{p},{p},{p},FF,[redacted],[redacted],"));
    assert_eq!((seen[1].0, seen[1].1), (3, "days_away"));
    assert!(seen[1].2.contains("\"x\""), "a value that is not withheld is still quoted: {}", seen[1].2);
    assert_eq!(seen[2].3, "C3,FIRE,2024-13-05,days_away,3,0,56,77,42,FF,[redacted],[redacted],false");
    assert!(seen[2].2.contains("2024-13-05"), "{}", seen[2].2);
    assert_eq!((seen[3].0, seen[3].2), (5, "12 fields, the header has 13"));
    assert_eq!(seen[3].3, format!("C4,{p},{p},{p},{p},{p},{p},{p},{p},[redacted],[redacted],[redacted]"));
}

#[test]
fn a_quarantined_claim_of_a_privacy_case_keeps_no_date_nor_code() {
    let head = format!("{CLM_HEAD},cause_code,nature_code,body_part_code");
    let text = [
        head.as_str(),
        "K1,C1,FIRE,2024-01-05,2024-01-07,2024-06-30,open,,10.00,0,0,-5,false,56,77,42", // 2 listed nature, bad reserve
        "K2,C2,FIRE,2024-01-05,2024-01-07,2024-06-30,open,,10.00,0,0,-5,false,56,52,42", // 3 not a privacy code
        "K3,C3,FIRE,2024-13-05,2024-01-07,2024-06-30,open,,10.00,0,0,5,false,56,79,42",  // 4 bad date, listed
        "",
    ]
    .join("\n");
    let dir = folder(&[("claims.csv", &text)]);
    let loaded = load_dir(dir.path());
    let q: Vec<&QuarantinedRow> = loaded.quarantined(FileKind::Claims).collect();
    let p = withhold::PRIVACY_MARK;
    assert_eq!(q[0].fields.join(","), format!("K1,C1,FIRE,{p},{p},2024-06-30,open,,10.00,0,0,-5,false,{p},{p},{p}"));
    assert_eq!(q[1].fields.join(","), "K2,C2,FIRE,2024-01-05,2024-01-07,2024-06-30,open,,10.00,0,0,-5,false,56,52,42");
    assert_eq!((q[2].line, q[2].column.as_str(), q[2].detail.as_str()), (4, "injury_date", withhold::WITHHELD_DETAIL));
    assert!(!q[2].fields.join(",").contains("2024-13-05"));
}
