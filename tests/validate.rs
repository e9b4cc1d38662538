//! End-to-end tests of `riskrank generate` + `riskrank validate`: the
//! per-file account, quarantine against the generator's injected bad rows,
//! determinism, privacy and failure without partial output.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use predicates::str::contains;

mod common;

use common::{REAL_SETS, files_under, real, riskrank};

fn generate(out: &Path, extra: &[&str]) {
    riskrank()
        .args(["generate", "--seed", "3", "--departments", "8", "--years", "2", "--out"])
        .arg(out)
        .args(extra)
        .assert()
        .success();
}

fn validate(data: &Path, out: &Path) -> assert_cmd::assert::Assert {
    riskrank().args(["validate", "--as-of", "2025-12", "--data"]).arg(data).arg("--out").arg(out).assert()
}

fn read_csv(path: &Path) -> Vec<csv::StringRecord> {
    let mut r = csv::ReaderBuilder::new().flexible(true).from_path(path).expect("open csv");
    r.records().map(|x| x.expect("record")).collect()
}

/// (file, line, kind) of every injected bad row.
fn injected(data: &Path) -> BTreeSet<(String, u64, String)> {
    read_csv(&data.join("bad_rows.csv"))
        .iter()
        .map(|r| (r[0].to_string(), r[1].parse().expect("line"), r[2].to_string()))
        .collect()
}

/// (file, line, reason) of every quarantined row.
fn quarantined(month_dir: &Path) -> BTreeSet<(String, u64, String)> {
    let mut out = BTreeSet::new();
    for file in ["injuries.csv", "claims.csv", "exposure.csv", "departments.csv"] {
        let path = month_dir.join("quarantine").join(file);
        if path.exists() {
            for r in read_csv(&path) {
                out.insert((file.to_string(), r[0].parse().expect("line"), r[2].to_string()));
            }
        }
    }
    out
}

#[test]
fn every_injected_bad_row_and_no_good_row_is_quarantined() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    generate(&data, &["--bad-rows", "66"]);
    let out = dir.path().join("out");
    // So many planted bad rows in a small folder that the data gate would
    // refuse them: validate still writes everything, and exits 1.
    validate(&data, &out)
        .code(1)
        .stdout(contains("read = accepted + quarantined"))
        .stdout(contains("data gate: REFUSE"));
    let expected = injected(&data);
    assert_eq!(expected.len(), 66);
    assert_eq!(quarantined(&out.join("2025-12")), expected);
}

#[test]
fn the_bundled_sample_validates_with_its_bad_rows_quarantined() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data-samples");
    let dir = tempfile::tempdir().unwrap();
    let assert = validate(&data, dir.path()).success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    for file in ["departments.csv", "injuries.csv", "claims.csv", "exposure.csv"] {
        assert!(stdout.contains(file), "table lacks {file}:\n{stdout}");
    }
    assert!(!stdout.contains("FAIL"));
    assert_eq!(quarantined(&dir.path().join("2025-12")), injected(&data));
}

#[test]
fn same_seed_gives_identical_data_and_panel() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    generate(&a, &["--bad-rows", "12"]);
    generate(&b, &["--bad-rows", "12"]);
    assert_eq!(files_under(&a), files_under(&b));
    let (oa, oa2, ob) = (dir.path().join("oa"), dir.path().join("oa2"), dir.path().join("ob"));
    validate(&a, &oa).success();
    validate(&a, &oa2).success();
    validate(&b, &ob).success();
    let fa = files_under(&oa);
    assert!(fa.iter().any(|(p, _)| p.ends_with("panel.csv")));
    assert_eq!(fa, files_under(&oa2), "same folder twice: every byte alike");
    // From the other (identical) folder only validation.json differs: it names the input paths.
    let without_account = |mut files: BTreeMap<PathBuf, Vec<u8>>| {
        files.retain(|p, _| !p.ends_with("validation.json"));
        files
    };
    assert_eq!(without_account(fa), without_account(files_under(&ob)));
}

#[test]
fn personal_data_never_reaches_an_output() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    generate(&data, &["--bad-rows", "20"]);
    let out = dir.path().join("out");
    validate(&data, &out).success();
    let injuries = read_csv(&data.join("injuries.csv"));
    let mut reader = csv::Reader::from_path(data.join("injuries.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).expect("column");
    let (emp, desc) = (col("employee_id"), col("description"));
    // Every output, quarantine files included (their personal fields are redacted).
    let mut haystack = Vec::new();
    for (_, bytes) in files_under(&out) {
        haystack.extend_from_slice(&bytes);
    }
    assert!(haystack.len() > 10_000, "the panel should be there");
    for row in injuries.iter().filter(|r| r.len() == header.len()) {
        for value in [&row[emp], &row[desc]].into_iter().filter(|v| v.len() >= 4) {
            assert!(memchr::memmem::find(&haystack, value.as_bytes()).is_none(), "{value:?} appears in an output");
        }
    }
}

/// `import` then `validate` on each real dataset beside the project; a
/// clone without `../shared` prints a notice and skips.
#[test]
fn validate_runs_on_every_imported_real_dataset() {
    for (source, file) in REAL_SETS {
        let Some(input) = real(file) else { continue };
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        riskrank().args(["import", source]).arg(&input).arg("--out").arg(&data).assert().success();
        let out = dir.path().join("out");
        let assert = riskrank().args(["validate", "--data"]).arg(&data).arg("--out").arg(&out).assert();
        let assert = assert.code(1).stderr(contains("warning: no exposure.csv"));
        let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
        assert!(stdout.contains("injuries.csv") && !stdout.contains("FAIL"), "{source}:\n{stdout}");
        let month = common::month_folder(&out);
        assert!(month.join("panel.csv").exists(), "{source}: no panel");
    }
}

#[test]
fn an_unreadable_file_stops_the_run_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    generate(&data, &[]);
    fs::write(data.join("exposure.csv"), "dept,when\nX,2024-01\n").unwrap();
    let out = dir.path().join("out");
    validate(&data, &out)
        .code(2)
        .stderr(contains("exposure.csv"))
        .stderr(contains("missing required column(s) department, month, hours_worked"));
    assert!(!out.exists(), "nothing may be written when a file cannot be read");
}

#[test]
fn without_exposure_rates_are_empty_not_invented() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    generate(&data, &["--no-exposure"]);
    let out = dir.path().join("out");
    validate(&data, &out).code(1).stderr(contains("warning: no exposure.csv"));
    let mut reader = csv::Reader::from_path(out.join("2025-12").join("panel.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    let trir = header.iter().position(|h| h == "trir").unwrap();
    let t12 = header.iter().position(|h| h == "t12_trir").unwrap();
    let recordable = header.iter().position(|h| h == "recordable_cases").unwrap();
    let rows: Vec<_> = reader.records().map(Result::unwrap).collect();
    assert!(rows.iter().any(|r| r[recordable] != *"0"));
    assert!(rows.iter().all(|r| r[trir].is_empty() && r[t12].is_empty()));
}
