//! `riskrank develop` end to end: the outputs and their columns, the same
//! bytes twice, bad input named by file, line and column with nothing
//! written, and the other files of the output folder kept.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use calamine::Reader;
use common::riskrank;

fn fixture(name: &str) -> PathBuf {
    common::root().join("tests/fixtures/development").join(name)
}

fn develop(triangles: &Path, out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    let mut cmd = riskrank();
    cmd.arg("develop").arg("--triangles").arg(triangles).arg("--out").arg(out).args(extra);
    cmd.assert()
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_path(path).unwrap();
    reader
        .records()
        .map(|r| r.unwrap().iter().map(|c| c.trim_start_matches('\u{feff}').to_string()).collect())
        .collect()
}

#[test]
fn writes_factors_ultimates_and_workbook_deterministically() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("clrd");
    develop(&fixture("clrd.csv"), &out, &["--exposure", "premium", "--elr", "0.75"]).success();
    let factors = csv_rows(&out.join("factors.csv"));
    assert_eq!(factors[0], ["group", "measure", "age", "ata", "cdf"]);
    // 3 lines × 2 measures × 10 ages.
    assert_eq!(factors.len(), 1 + 60);
    let ultimates = csv_rows(&out.join("ultimates.csv"));
    assert_eq!(ultimates[0], ["group", "measure", "origin", "latest", "method", "ultimate", "ibnr", "std_err"]);
    for method in ["chain_ladder", "bornhuetter_ferguson", "cape_cod", "selected"] {
        assert!(ultimates.iter().any(|r| r[4] == method), "no {method} rows");
    }
    let total =
        ultimates.iter().find(|r| r[0] == "ppauto" && r[1] == "incurred" && r[2] == "total" && r[4] == "chain_ladder");
    assert_eq!(total.map(|r| r[7].parse::<f64>().unwrap().round()), Some(3332.0), "Mack SE of the total");
    assert!(ultimates.iter().filter(|r| r[4] == "cape_cod").all(|r| r[7].is_empty()), "std_err only for chain ladder");
    let book: calamine::Xlsx<_> = calamine::open_workbook(out.join("development.xlsx")).unwrap();
    assert_eq!(book.sheet_names(), ["Triangles", "Factors", "Ultimates"]);
    let before: Vec<Vec<u8>> =
        ["factors.csv", "ultimates.csv", "development.xlsx"].iter().map(|f| fs::read(out.join(f)).unwrap()).collect();
    develop(&fixture("clrd.csv"), &out, &["--exposure", "premium", "--elr", "0.75"]).success();
    for (f, bytes) in ["factors.csv", "ultimates.csv", "development.xlsx"].iter().zip(before) {
        assert_eq!(fs::read(out.join(f)).unwrap(), bytes, "{f} changed between runs");
    }
}

#[test]
fn without_exposure_only_chain_ladder_and_selected() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("raa");
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join("notes.txt"), "mine").unwrap();
    develop(&fixture("raa.csv"), &out, &["--tail", "1.02"]).success();
    let ultimates = csv_rows(&out.join("ultimates.csv"));
    assert!(ultimates[1..].iter().all(|r| r[4] == "chain_ladder" || r[4] == "selected"));
    // The premium column, not named as the exposure, is developed as a measure too.
    assert!(ultimates.iter().any(|r| r[1] == "premium"));
    assert_eq!(fs::read_to_string(out.join("notes.txt")).unwrap(), "mine", "other files are kept");
}

#[test]
fn bad_input_names_file_line_and_column_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("t.csv");
    let out = dir.path().join("out");
    fs::write(&input, "group,origin,age,paid\nA,2020Q1,1,10\nA,2020Q1,2,x\n").unwrap();
    develop(&input, &out, &["--grain", "quarter"])
        .code(2)
        .stderr(predicates::str::contains("line 3, column `paid`: `x` is not a finite number"));
    assert!(!out.exists(), "nothing written");
    fs::write(&input, "group,origin,age,paid\nA,2020Q1,1,10\n").unwrap();
    develop(&input, &out, &[]).code(2).stderr(predicates::str::contains("not a year of origin"));
    fs::write(&input, "group,origin,age,paid\nA,2020,1,10\nA,2020,2,12\nA,2020,3,13\nA,2021,1,3\nA,2022,1,4\n")
        .unwrap();
    develop(&input, &out, &[]).code(2).stderr(predicates::str::contains("origin 2021 has ages 1 to 1 but"));
    develop(&input, &out, &["--tail", "big"]).code(2).stderr(predicates::str::contains("--tail big"));
}
