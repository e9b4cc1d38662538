//! `riskrank import` on the three real public datasets in
//! `../shared/data/real/` (next to the repository in the project's shared
//! workspace). A clone without that folder skips these tests with a
//! notice. `riskrank validate` is not used here; these tests check the
//! import's own promises: row accounting, contract headers, privacy and
//! determinism.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use riskrank::import::{ImportSummary, Source, import};

mod common;

use common::real;

const INJURY_COLUMNS: [&str; 10] = [
    "case_id",
    "department",
    "event_date",
    "osha_class",
    "days_away",
    "days_restricted",
    "cause_code",
    "nature_code",
    "body_part_code",
    "job_class",
];

const CLAIM_COLUMNS: [&str; 17] = [
    "claim_id",
    "case_id",
    "department",
    "injury_date",
    "reported_date",
    "valuation_date",
    "status",
    "closed_date",
    "paid_medical",
    "paid_indemnity",
    "paid_expense",
    "reserve",
    "litigated",
    "cause_code",
    "nature_code",
    "body_part_code",
    "job_class",
];

/// The optional first-report columns, after `initial_incurred`.
const FIRST_REPORT_COLUMNS: [&str; 6] =
    ["weekly_wage", "age_at_injury", "hours_per_week", "part_time", "dependents", "accident_hour"];

struct Csv {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Csv {
    fn read(path: &Path) -> Csv {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_path(path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let headers = reader.headers().unwrap().iter().map(str::to_string).collect();
        let rows = reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect();
        Csv { headers, rows }
    }

    fn column(&self, name: &str) -> usize {
        self.headers.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name} in {:?}", self.headers))
    }

    fn values(&self, name: &str) -> Vec<&str> {
        let c = self.column(name);
        self.rows.iter().map(|r| r[c].as_str()).collect()
    }

    fn counts(&self, name: &str) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for v in self.values(name) {
            *counts.entry(v.to_string()).or_default() += 1;
        }
        counts
    }
}

/// Every file the import wrote, by name.
fn outputs(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (e.file_name().to_string_lossy().into_owned(), fs::read(e.path()).unwrap())
        })
        .collect()
}

fn run(source: Source, input: &Path) -> (tempfile::TempDir, ImportSummary) {
    let dir = tempfile::tempdir().unwrap();
    let summary = import(source, input, dir.path()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(summary.rows_read, summary.injuries + summary.skipped.len(), "read = written + skipped");
    (dir, summary)
}

/// Imports twice into fresh folders and compares every byte.
fn assert_deterministic(source: Source, input: &Path, first: &Path) {
    let (again, _) = run(source, input);
    let a = outputs(first);
    let b = outputs(again.path());
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        assert!(bytes == &b[name], "{name} differs between two imports of the same file");
    }
}

/// No output byte contains any of `texts` (free text from the input).
fn assert_absent(dir: &Path, texts: &[String]) {
    assert!(texts.len() >= 5, "too few texts to check: {}", texts.len());
    for (name, bytes) in outputs(dir) {
        let haystack = String::from_utf8_lossy(&bytes);
        for text in texts {
            assert!(!haystack.contains(text.as_str()), "{name} contains input free text {text:?}");
        }
    }
}

/// Distinctive pieces of free text: the first 30 characters and the whole
/// trimmed value of every `step`-th non-trivial entry.
fn samples(values: &[&str], step: usize, min_len: usize) -> Vec<String> {
    let mut out = Vec::new();
    for v in values.iter().map(|v| v.trim()).filter(|v| v.chars().count() >= min_len).step_by(step) {
        out.push(v.chars().take(30).collect());
        out.push(v.to_string());
    }
    out
}

fn assert_contract_files(dir: &Path, with_claims: bool) -> (Csv, Option<Csv>, Csv) {
    let injuries = Csv::read(&dir.join("injuries.csv"));
    assert_eq!(injuries.headers, INJURY_COLUMNS);
    let departments = Csv::read(&dir.join("departments.csv"));
    assert_eq!(departments.headers, ["department", "name", "group"]);
    let claims = if with_claims {
        let claims = Csv::read(&dir.join("claims.csv"));
        let mut expected: Vec<&str> = CLAIM_COLUMNS.to_vec();
        expected.extend(["initial_incurred"].iter().chain(&FIRST_REPORT_COLUMNS));
        assert_eq!(claims.headers, expected);
        Some(claims)
    } else {
        assert!(!dir.join("claims.csv").exists());
        None
    };
    assert!(!dir.join("exposure.csv").exists(), "no source has hours: exposure is never invented");
    for name in ["import_skipped.csv", "import_adjusted.csv"] {
        assert!(dir.join(name).is_file(), "{name} is always written");
    }
    // Every department used is listed, and nothing else.
    let listed: BTreeSet<&str> = departments.values("department").into_iter().collect();
    let used: BTreeSet<&str> = injuries.values("department").into_iter().collect();
    assert_eq!(listed, used);
    // No personal-data columns at all.
    for csv in [Some(&injuries), claims.as_ref()].into_iter().flatten() {
        assert!(!csv.headers.iter().any(|h| h == "description" || h == "employee_id"));
    }
    (injuries, claims, departments)
}

#[test]
fn osha_severe_injury_reports() {
    let Some(input) = real("osha_severe_injury_construction_utilities/osha_severe_injuries.csv") else {
        return;
    };
    let (dir, s) = run(Source::OshaSevere, &input);
    assert_eq!(s.rows_read, 4_476);
    assert!(s.skipped.is_empty(), "{:?}", &s.skipped[..s.skipped.len().min(5)]);
    assert_eq!((s.injuries, s.claims, s.departments), (4_476, 0, 6));
    assert!(s.adjusted.is_empty(), "{:?}", &s.adjusted[..s.adjusted.len().min(5)]);

    let (injuries, _, departments) = assert_contract_files(dir.path(), false);
    assert_eq!(injuries.rows.len(), 4_476);
    assert_eq!(
        departments.values("department"),
        ["NAICS-221121", "NAICS-221122", "NAICS-236220", "NAICS-238210", "NAICS-517311", "NAICS-518210"]
    );
    let by_department = injuries.counts("department");
    assert_eq!(by_department["NAICS-238210"], 1_908);
    assert_eq!(by_department["NAICS-236220"], 1_896);
    assert_eq!(by_department["NAICS-221122"], 488);
    assert_eq!(injuries.counts("osha_class").into_iter().collect::<Vec<_>>(), [("days_away".to_string(), 4_476)]);
    let ids = injuries.values("case_id");
    assert_eq!(ids.first(), Some(&"OSHA-2015010081"));
    assert!(ids.iter().all(|id| id.starts_with("OSHA-")));
    assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), ids.len());
    let mut per_year: BTreeMap<&str, usize> = BTreeMap::new();
    for d in injuries.values("event_date") {
        *per_year.entry(&d[..4]).or_default() += 1;
    }
    assert_eq!((per_year["2015"], per_year["2024"], per_year["2025"]), (399, 434, 271));
    // OIICS codes are not WCIO codes: the code columns stay empty.
    for column in ["cause_code", "nature_code", "body_part_code", "days_away", "job_class"] {
        assert!(injuries.values(column).iter().all(|v| v.is_empty()), "{column}");
    }

    let source = Csv::read(&input);
    let mut private = samples(&source.values("Final Narrative"), 150, 40);
    private.extend(samples(&source.values("Employer"), 300, 14));
    private.extend(samples(&source.values("Address1"), 300, 14));
    assert_absent(dir.path(), &private);
    assert_deterministic(Source::OshaSevere, &input, dir.path());
}

#[test]
fn cax_workers_comp_claims() {
    let Some(input) = real("cax_wc_claims_public_test/CAX_Comp_Claims_Public_Test_no_Dependent.csv") else {
        return;
    };
    let (dir, s) = run(Source::CaxClaims, &input);
    assert_eq!(s.rows_read, 2_080);
    assert!(s.skipped.is_empty(), "{:?}", s.skipped);
    assert_eq!((s.injuries, s.claims, s.departments), (2_080, 0, 22));
    // The one claim with a blank "Lost Time or Medical Only?".
    assert_eq!(s.adjusted.len(), 1, "{:?}", s.adjusted);

    let (injuries, _, departments) = assert_contract_files(dir.path(), false);
    let by_department = injuries.counts("department");
    assert_eq!(by_department["UNASSIGNED"], 1_095);
    assert_eq!((by_department["D21"], by_department["D8"], by_department["D17"]), (156, 129, 128));
    assert_eq!(departments.values("department").last(), Some(&"UNASSIGNED"));
    let classes = injuries.counts("osha_class");
    assert_eq!(classes["days_away"], 497);
    assert_eq!(classes["death"], 1);
    assert_eq!(classes["other_recordable"], 1_582);
    // Codes come through as WCIO codes; cause is the detail cause (≤ 99), not the group × 100.
    let causes: Vec<u16> = injuries.values("cause_code").iter().map(|v| v.parse().unwrap()).collect();
    assert_eq!(causes.len(), 2_080);
    assert!(causes.iter().all(|&c| (1..=99).contains(&c)));
    assert!(injuries.values("body_part_code").iter().all(|v| !v.is_empty()));
    let dates = injuries.values("event_date");
    assert_eq!(dates.iter().min(), Some(&"2000-01-05"));
    assert_eq!(dates.iter().max(), Some(&"2014-12-05"));

    let source = Csv::read(&input);
    let mut private = samples(&source.values("How Injury Occurred"), 40, 25);
    private.extend(samples(&source.values("Claimant Atty Firm Name"), 5, 12));
    assert_absent(dir.path(), &private);
    assert_deterministic(Source::CaxClaims, &input, dir.path());
}

#[test]
fn actuarial_loss_train() {
    let Some(input) = real("kaggle_actuarial_loss_wc/train.csv") else {
        return;
    };
    let (dir, s) = run(Source::ActuarialLoss, &input);
    assert_eq!(s.rows_read, 54_000);
    assert!(s.skipped.is_empty(), "{:?}", &s.skipped[..s.skipped.len().min(5)]);
    // The only adjustments: 36 claims with more hours a week than a week has.
    assert_eq!(s.adjusted.len(), 36, "{:?}", &s.adjusted[..s.adjusted.len().min(5)]);
    assert!(s.adjusted.iter().all(|(_, note)| note.starts_with("HoursWorkedPerWeek ")
        && note.ends_with(" is out of range (hours per week must be 0-168); hours_per_week left empty")));
    assert_eq!((s.injuries, s.claims, s.departments), (54_000, 54_000, 10));

    let (injuries, claims, departments) = assert_contract_files(dir.path(), true);
    let claims = claims.expect("claims.csv is written");
    assert_eq!((injuries.rows.len(), claims.rows.len()), (54_000, 54_000));
    assert!(departments.values("group").iter().all(|g| *g == "synthetic"));
    // Pools are roughly even: a hash, not a signal.
    for (pool, n) in injuries.counts("department") {
        assert!((5_000..=5_800).contains(&n), "{pool}: {n}");
    }
    assert!(claims.values("status").iter().all(|s| *s == "open"));
    assert!(claims.values("valuation_date").iter().all(|v| v.is_empty()));
    assert_eq!(claims.values("claim_id"), claims.values("case_id"));
    assert_eq!(claims.values("claim_id"), injuries.values("case_id"));
    assert!(claims.values("reported_date").iter().zip(claims.values("injury_date")).all(|(r, i)| r >= &i));

    // reserve carries the ultimate incurred cost, rounded to cents; initial_incurred the first estimate.
    let source = Csv::read(&input);
    assert_eq!(source.values("ClaimNumber"), claims.values("claim_id"));
    let cents = |v: &str| riskrank::schema::parse_money(v).unwrap().0;
    let ultimate: i64 = source.values("UltimateIncurredClaimCost").into_iter().map(cents).sum();
    let reserve: i64 = claims.values("reserve").into_iter().map(cents).sum();
    assert_eq!(ultimate, reserve);
    let initial: i64 = source.values("InitialIncurredCalimsCost").into_iter().map(cents).sum();
    let written: i64 = claims.values("initial_incurred").into_iter().map(cents).sum();
    assert_eq!(initial, written);
    assert_eq!(claims.rows[0][claims.column("reserve")], "4748.20");

    // The first-report columns, checked against the source row by row.
    let first: Vec<&str> = FIRST_REPORT_COLUMNS.iter().map(|c| claims.rows[0][claims.column(c)].as_str()).collect();
    assert_eq!(first, ["500.00", "48", "38.0", "false", "0", "7"]);
    assert_eq!(claims.values("age_at_injury"), source.values("Age"));
    let part_time: Vec<&str> =
        source.values("PartTimeFullTime").into_iter().map(|p| if p == "P" { "true" } else { "false" }).collect();
    assert_eq!(claims.values("part_time"), part_time);
    let sum = |a: &str, b: &str| (a.parse::<u32>().unwrap() + b.parse::<u32>().unwrap()).to_string();
    let dependents: Vec<String> = source
        .values("DependentChildren")
        .into_iter()
        .zip(source.values("DependentsOther"))
        .map(|(a, b)| sum(a, b))
        .collect();
    assert_eq!(claims.values("dependents"), dependents);
    let hours: Vec<String> =
        source.values("DateTimeOfAccident").iter().map(|t| t[11..13].trim_start_matches('0').to_string()).collect();
    let hours: Vec<&str> = hours.iter().map(|h| if h.is_empty() { "0" } else { h.as_str() }).collect();
    assert_eq!(claims.values("accident_hour"), hours);
    let wages: i64 = source.values("WeeklyWages").into_iter().map(cents).sum();
    assert_eq!(wages, claims.values("weekly_wage").into_iter().map(cents).sum::<i64>());
    let blank_hours = claims.values("hours_per_week").iter().filter(|h| h.is_empty()).count();
    assert_eq!(blank_hours, 36);
    // Gender, marital status and days worked are not written.
    for absent in ["Gender", "MaritalStatus", "DaysWorkedPerWeek", "gender", "marital_status"] {
        assert!(!claims.headers.iter().any(|h| h == absent), "{absent}");
    }

    assert_absent(dir.path(), &samples(&source.values("ClaimDescription"), 2_000, 25));
    assert_deterministic(Source::ActuarialLoss, &input, dir.path());
}

#[test]
fn actuarial_loss_test_values_initial_estimate_at_report() {
    let Some(input) = real("kaggle_actuarial_loss_wc/test.csv") else {
        return;
    };
    let (dir, s) = run(Source::ActuarialLoss, &input);
    assert_eq!((s.rows_read, s.injuries, s.claims, s.skipped.len()), (36_000, 36_000, 36_000, 0));
    let (_, claims, _) = assert_contract_files(dir.path(), true);
    let claims = claims.expect("claims.csv is written");
    assert_eq!(claims.values("valuation_date"), claims.values("reported_date"));
    assert_eq!(claims.values("reserve"), claims.values("initial_incurred"));
}

#[test]
fn cli_prints_the_summary() {
    let Some(input) = real("osha_severe_injury_construction_utilities/osha_severe_injuries.csv") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("osha");
    let output = assert_cmd::Command::new(env!("CARGO_BIN_EXE_riskrank"))
        .arg("import")
        .arg("osha-severe")
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("rows read"), "{stdout}");
    assert!(stdout.contains("4476"), "{stdout}");
    assert!(out.join("injuries.csv").is_file());

    // A folder holding an old claims.csv is refused, naming the input and the file.
    fs::write(out.join("claims.csv"), "claim_id\n").unwrap();
    let output = assert_cmd::Command::new(env!("CARGO_BIN_EXE_riskrank"))
        .args(["import", "osha-severe"])
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("osha_severe_injuries.csv") && stderr.contains("claims.csv"), "{stderr}");
}
