//! Parquet input and `riskrank convert`, end to end: the Parquet copy of a
//! data folder ranks byte for byte as the CSV does, quarantined rows are
//! named by row number, and unreadable or ambiguous files are refused
//! with the file's name.

use std::fs;
use std::path::Path;

mod common;

use common::{REAL_SETS, month_folder, real, riskrank, sample};

fn convert(data: &Path, out: &Path) {
    let assert = riskrank().args(["convert", "--data"]).arg(data).arg("--out").arg(out).assert();
    // Exit 1: the sample's rows the reader cannot split are not converted (a warning).
    let code = assert.get_output().status.code();
    assert!(matches!(code, Some(0 | 1)), "convert failed: {:?}", assert.get_output());
}

fn ranking(data: &Path, out: &Path) -> Vec<u8> {
    let status = riskrank().args(["rank", "--data"]).arg(data).arg("--out").arg(out).output().unwrap();
    assert!(matches!(status.status.code(), Some(0 | 1)), "rank failed: {}", String::from_utf8_lossy(&status.stderr));
    fs::read(month_folder(out).join("ranking.csv")).unwrap()
}

#[test]
fn parquet_and_csv_copies_of_the_sample_rank_byte_for_byte_the_same() {
    let tmp = tempfile::tempdir().unwrap();
    let pq = tmp.path().join("pq");
    convert(&sample(), &pq);
    for stem in ["departments", "injuries", "claims", "exposure"] {
        assert!(pq.join(format!("{stem}.parquet")).is_file(), "{stem}.parquet written");
    }
    let from_csv = ranking(&sample(), &tmp.path().join("out-csv"));
    let from_parquet = ranking(&pq, &tmp.path().join("out-pq"));
    assert!(from_csv.len() > 1000);
    assert_eq!(from_csv, from_parquet, "ranking.csv differs between the CSV and the Parquet copy");
    // Converting again without --force is refused; with it, replaced.
    let again = riskrank().args(["convert", "--data"]).arg(sample()).arg("--out").arg(&pq).output().unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"), "{again:?}");
}

#[test]
fn real_claims_rank_the_same_from_parquet() {
    let (source, file) = REAL_SETS[1];
    let Some(input) = real(file) else { return };
    let tmp = tempfile::tempdir().unwrap();
    let csv = tmp.path().join("csv");
    riskrank().args(["import", "--out"]).arg(&csv).arg(source).arg(input).assert().success();
    let pq = tmp.path().join("pq");
    convert(&csv, &pq);
    assert_eq!(ranking(&csv, &tmp.path().join("a")), ranking(&pq, &tmp.path().join("b")));
}

const DEPARTMENTS: &str = "department,name,group\nSAN,Sanitation,field\nLIB,Library,office\n";
const INJURIES: &str = "case_id,department,event_date,osha_class,days_away,days_restricted,cause_code,nature_code,body_part_code,job_class,employee_id,description\n\
C1,SAN,2024-01-03,days_away,4,0,,,,,E1,\n\
C2,LIB,2024-01-09,other_recordable,0,0,,,,,E2,\n\
C3,NOPE,2024-01-11,other_recordable,0,0,,,,,E3,\n\
C4,SAN,2024-02-01,restricted,0,3,,,,,E4,\n";

#[test]
fn quarantined_parquet_rows_are_named_by_row_number() {
    let tmp = tempfile::tempdir().unwrap();
    let csv = tmp.path().join("csv");
    fs::create_dir(&csv).unwrap();
    fs::write(csv.join("departments.csv"), DEPARTMENTS).unwrap();
    fs::write(csv.join("injuries.csv"), INJURIES).unwrap();
    let pq = tmp.path().join("pq");
    convert(&csv, &pq);
    let out = tmp.path().join("v");
    riskrank().args(["validate", "--data"]).arg(&pq).arg("--out").arg(&out).assert().code(1);
    let quarantine = fs::read_to_string(month_folder(&out).join("quarantine/injuries.csv")).unwrap();
    let row: Vec<&str> = quarantine.lines().nth(1).unwrap().split(',').collect();
    // Row 3 of the Parquet file (line 4 of the CSV).
    assert_eq!(row[..3], ["3", "department", "unknown_department"], "{quarantine}");
}

#[test]
fn broken_and_ambiguous_parquet_inputs_are_refused_naming_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    fs::create_dir(&data).unwrap();
    fs::write(data.join("departments.csv"), DEPARTMENTS).unwrap();
    fs::write(data.join("injuries.parquet"), b"PAR1 this is not a Parquet file PAR1").unwrap();
    let out = tmp.path().join("v");
    let run = riskrank().args(["validate", "--data"]).arg(&data).arg("--out").arg(&out).output().unwrap();
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("injuries.parquet: not a readable Parquet file"), "{stderr}");
    assert!(!out.exists(), "nothing written");

    fs::write(data.join("injuries.csv"), INJURIES).unwrap();
    let run = riskrank().args(["validate", "--data"]).arg(&data).arg("--out").arg(&out).output().unwrap();
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("injuries.csv and injuries.parquet are present; keep one injuries file"), "{stderr}");
}

/// A file compressed with a codec riskrank leaves out (zstd, Polars'
/// default; the fixture is data-samples/departments.csv written by Polars)
/// is refused with the fix.
#[test]
fn a_zstd_parquet_file_is_refused_with_the_fix() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    fs::create_dir(&data).unwrap();
    fs::copy(common::root().join("tests/fixtures/departments-zstd.parquet"), data.join("departments.parquet")).unwrap();
    fs::write(data.join("injuries.csv"), INJURIES).unwrap();
    let run =
        riskrank().args(["validate", "--data"]).arg(&data).arg("--out").arg(tmp.path().join("v")).output().unwrap();
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("departments.parquet: not a readable Parquet file: it is compressed with zstd")
            && stderr.contains("write it with snappy or LZ4"),
        "{stderr}"
    );
}

#[test]
fn the_privacy_case_column_is_read_from_parquet_and_a_bad_value_quarantined() {
    let tmp = tempfile::tempdir().unwrap();
    let csv = tmp.path().join("csv");
    fs::create_dir(&csv).unwrap();
    fs::write(csv.join("departments.csv"), DEPARTMENTS).unwrap();
    let mut lines = INJURIES.lines();
    let mut text = format!("{},privacy_case\n", lines.next().unwrap());
    for (line, flag) in lines.zip(["true", "false", "", "maybe"]) {
        text.push_str(&format!("{line},{flag}\n"));
    }
    fs::write(csv.join("injuries.csv"), text).unwrap();
    let pq = tmp.path().join("pq");
    convert(&csv, &pq);
    let out = tmp.path().join("v");
    riskrank().args(["validate", "--data"]).arg(&pq).arg("--out").arg(&out).assert().code(1);
    let quarantine = fs::read_to_string(month_folder(&out).join("quarantine/injuries.csv")).unwrap();
    let rows: Vec<Vec<&str>> = quarantine.lines().skip(1).map(|l| l.split(',').take(3).collect()).collect();
    assert_eq!(
        rows,
        [["3", "department", "unknown_department"], ["4", "privacy_case", "unparsable_value"]],
        "{quarantine}"
    );
}
