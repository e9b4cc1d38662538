//! The monthly run with the common mistakes of real data (issue 10's
//! table), end to end: each case's exit code, message, and either nothing
//! written or the warning visible in every report.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{pdf_text, riskrank, sample};
use predicates::prelude::*;
use tempfile::TempDir;

/// A copy of the sample's input files (not the generator's extras) in a
/// fresh folder.
fn sample_copy(tmp: &TempDir) -> PathBuf {
    let dir = tmp.path().join("data");
    fs::create_dir_all(&dir).unwrap();
    for name in ["departments.csv", "injuries.csv", "claims.csv", "exposure.csv"] {
        fs::copy(sample().join(name), dir.join(name)).unwrap();
    }
    dir
}

/// Rewrites one column of a CSV file, row by row.
fn rewrite(path: &Path, column: &str, f: impl Fn(usize, &str) -> String) {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_path(path).unwrap();
    let header = reader.headers().unwrap().clone();
    let at = header.iter().position(|h| h == column).unwrap();
    let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    writer.write_record(&header).unwrap();
    for (i, record) in reader.records().enumerate() {
        let Ok(record) = record else { continue };
        let row: Vec<String> =
            record.iter().enumerate().map(|(j, v)| if j == at { f(i, v) } else { v.to_string() }).collect();
        writer.write_record(&row).unwrap();
    }
    fs::write(path, writer.into_inner().unwrap()).unwrap();
}

/// `YYYY-MM-DD` → `MM/DD/YYYY`; anything else unchanged.
fn us_date(v: &str) -> String {
    let b = v.as_bytes();
    if b.len() == 10 && b[4] == b'-' { format!("{}/{}/{}", &v[5..7], &v[8..10], &v[..4]) } else { v.to_string() }
}

/// `riskrank <command> --data <data> --out <out>`, asserted on.
fn job(command: &str, data: &Path, out: &Path) -> assert_cmd::assert::Assert {
    riskrank().args([command, "--data"]).arg(data).arg("--out").arg(out).assert()
}

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn an_injuries_file_with_only_its_header_is_refused() {
    let tmp = TempDir::new().unwrap();
    let data = sample_copy(&tmp);
    let header = fs::read_to_string(data.join("injuries.csv")).unwrap().lines().next().unwrap().to_string();
    fs::write(data.join("injuries.csv"), header + "\n").unwrap();
    let out = tmp.path().join("out");
    job("run", &data, &out)
        .code(2)
        .stderr(predicate::str::contains("injuries.csv: no row accepted: the file has only its header"))
        .stderr(predicate::str::contains("--force"));
    assert!(!out.exists(), "a refused run wrote {}", out.display());
}

#[test]
fn us_dates_are_refused_with_the_fix_and_read_with_it() {
    let tmp = TempDir::new().unwrap();
    let data = sample_copy(&tmp);
    rewrite(&data.join("injuries.csv"), "event_date", |_, v| us_date(v));
    let out = tmp.path().join("out");
    job("run", &data, &out)
        .code(2)
        .stderr(predicate::str::contains("dates look like MM/DD/YYYY: set `[input] date_format = \"%m/%d/%Y\"`"));
    assert!(!out.exists());
    // validate shows the account and the gate's verdict apart.
    let validated = riskrank().args(["validate", "--data"]).arg(&data).arg("--out").arg(&out).output().unwrap();
    assert_eq!(validated.status.code(), Some(1), "{}", stderr_of(&validated));
    let table = String::from_utf8_lossy(&validated.stdout);
    let line = table.lines().find(|l| l.starts_with("injuries.csv")).unwrap();
    assert!(line.contains("balanced") && line.contains("REFUSE") && !line.contains(" ok "), "{line}");
    assert!(table.contains("data gate: REFUSE"), "{table}");
    // With the date format set, the same file is read.
    fs::write(data.join("riskrank.toml"), "[input]\ndate_format = \"%m/%d/%Y\"\n").unwrap();
    job("run", &data, &out).code(0);
    let account = fs::read_to_string(out.join("2025-12/manifest.json")).unwrap();
    assert!(account.contains("\"date_format\": \"%m/%d/%Y\""), "the manifest records the settings");
}

#[test]
fn an_excel_workbook_instead_of_a_csv_is_named_and_refused() {
    let tmp = TempDir::new().unwrap();
    let data = sample_copy(&tmp);
    fs::rename(data.join("injuries.csv"), data.join("injuries.xlsx")).unwrap();
    let out = tmp.path().join("out");
    job("run", &data, &out)
        .code(2)
        .stderr(predicate::str::contains("injuries.xlsx: not read (a spreadsheet workbook: save it as CSV"));
    assert!(!out.exists());
    job("validate", &data, &out).code(1);
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("2025-12/validation.json")).unwrap()).unwrap();
    assert_eq!(json["not_read"][0]["name"], "injuries.xlsx");
    assert_eq!(json["data_gate"]["findings"][0]["rule"], "unreadable_input");
    // A workbook saved under the CSV's name says what it is.
    fs::copy(data.join("injuries.xlsx"), data.join("injuries.csv")).unwrap();
    let zip = [b"PK\x03\x04".as_slice(), &[0u8; 64]].concat();
    fs::write(data.join("injuries.csv"), zip).unwrap();
    job("run", &data, &out).code(2).stderr(predicate::str::contains(
        "injuries.csv: this file is an Excel workbook, not CSV: save it as CSV UTF-8",
    ));
}

#[test]
fn an_as_of_month_after_the_data_is_refused_and_forced_runs_say_so() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("out");
    riskrank()
        .args(["rank", "--as-of", "2099-12", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("the as-of month 2099-12 is after the data's last month 2025-12"));
    assert!(!out.exists());
    let forced = riskrank().args(["rank", "--as-of", "2099-12", "--force", "--out"]).arg(&out).output().unwrap();
    assert_eq!(forced.status.code(), Some(1), "{}", stderr_of(&forced));
    assert!(stderr_of(&forced).contains("warning: forced past the data gate"));
    // No department has hours in 2099: none is ranked, but the file keeps its header.
    let ranking = fs::read_to_string(out.join("2099-12/ranking.csv")).unwrap();
    assert!(
        ranking.starts_with("\u{feff}rank,department,") && ranking.trim_end().ends_with(",data_warning"),
        "{ranking}"
    );
    assert!(stderr_of(&forced).contains("warning: not ranked (no hours in the last 12 months)"));
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("2099-12/manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["parameters"]["forced"], true);
    assert_eq!(manifest["data_gate"]["findings"][0]["rule"], "as_of_after_data");
}

#[test]
fn forced_reports_carry_the_warning_on_their_covers() {
    let tmp = TempDir::new().unwrap();
    let data = sample_copy(&tmp);
    rewrite(&data.join("exposure.csv"), "hours_worked", |i, v| if i % 10 == 0 { "lots".into() } else { v.into() });
    let out = tmp.path().join("out");
    job("run", &data, &out)
        .code(2)
        .stderr(predicate::str::contains("exposure.csv: "))
        .stderr(predicate::str::contains("quarantined, above the 5% limit; most: unparsable_value in hours_worked"));
    riskrank().args(["run", "--force", "--data"]).arg(&data).arg("--out").arg(&out).assert().code(1);
    let ranking = fs::read_to_string(out.join("2025-12/ranking.csv")).unwrap();
    let rows: Vec<&str> = ranking.lines().skip(1).collect();
    assert!(!rows.is_empty() && rows.iter().all(|r| r.contains("data-quality warning (run with --force)")));
    let Some(cover) = pdf_text(&out.join("2025-12/cabinet.pdf")) else {
        return common::skip("forced_reports_carry_the_warning_on_their_covers", "pdftotext is not installed");
    };
    assert!(cover.contains("Data-quality warning"), "the cabinet cover shows the warning");
    let dept = pdf_text(&out.join("2025-12/departments/LAFD.pdf")).unwrap();
    assert!(dept.contains("Data-quality warning"), "a department's cover shows it too");
}

#[test]
fn lower_case_codes_and_spelled_out_classes_are_matched() {
    let tmp = TempDir::new().unwrap();
    let data = sample_copy(&tmp);
    let path = data.join("injuries.csv");
    rewrite(&path, "department", |i, v| if i % 2 == 0 { format!(" {} ", v.to_lowercase()) } else { v.into() });
    rewrite(&path, "osha_class", |_, v| match v {
        "days_away" => "Days Away".into(),
        "other_recordable" => "OTHER-RECORDABLE".into(),
        _ => v.into(),
    });
    let out = tmp.path().join("out");
    let run = riskrank().args(["rank", "--data"]).arg(&data).arg("--out").arg(&out).output().unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", stderr_of(&run));
    let table = String::from_utf8_lossy(&run.stdout);
    let line = table.lines().find(|l| l.starts_with("injuries.csv")).unwrap();
    let quarantined: u64 = line.split_whitespace().nth(3).unwrap().parse().unwrap();
    assert!(quarantined <= 14, "only the sample's planted bad rows: {line}");
}

#[test]
fn report_refuses_flags_that_contradict_the_run_and_keeps_every_file() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("out");
    riskrank().args(["run", "--out"]).arg(&out).assert().code(0);
    let before = common::files_under(&out);
    let other = sample_copy(&tmp);
    riskrank()
        .args(["report", "--horizon", "3", "--data"])
        .arg(&other)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("these flags contradict it: --data"))
        .stderr(predicate::str::contains("--horizon 3 (the run predicted 12 months)"));
    assert!(common::files_under(&out) == before, "a refused report changed the folder");
    // Without flags it rebuilds the same reports, byte for byte.
    riskrank().args(["report", "--out"]).arg(&out).assert().code(0);
    let after = common::files_under(&out);
    let changed: Vec<_> = after.keys().filter(|k| before.get(*k) != after.get(*k)).collect();
    assert!(changed.is_empty() && after.len() == before.len(), "report changed {changed:?}");
}

#[test]
fn rank_changes_compare_with_the_previous_month_even_on_a_rerun() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("out");
    let mut december = Vec::new();
    for month in ["2025-11", "2025-12", "2025-12"] {
        riskrank().args(["rank", "--as-of", month, "--out"]).arg(&out).assert().code(0);
        if month == "2025-12" {
            let ranking = fs::read_to_string(out.join("2025-12/ranking.csv")).unwrap();
            let mut reader = csv::Reader::from_reader(ranking.as_bytes());
            let at = reader.headers().unwrap().iter().position(|h| h == "rank_change_vs").unwrap();
            let vs: Vec<String> = reader.records().map(|r| r.unwrap()[at].to_string()).collect();
            assert!(vs.iter().all(|v| v == "2025-11"), "every change is vs November: {vs:?}");
            december.push(ranking);
        }
    }
    assert_eq!(december[0], december[1], "the rerun compares with November again, not with itself");
}

#[test]
fn the_default_model_is_found_from_another_folder() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("out");
    let mut cmd = riskrank();
    cmd.current_dir(tmp.path()).args(["rank", "--data"]).arg(sample()).arg("--out").arg(&out);
    cmd.assert().code(0).stdout(predicate::str::contains("models/default.json"));
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("2025-12/manifest.json")).unwrap()).unwrap();
    let path = manifest["model"]["path"].as_str().expect("the manifest names the model");
    assert!(Path::new(path).ends_with("models/default.json"), "{path}");
}

/// A small generated folder, quick to train on.
fn small_data(tmp: &TempDir) -> PathBuf {
    let data = tmp.path().join("small");
    riskrank()
        .args(["generate", "--departments", "6", "--years", "3", "--seed", "3", "--out"])
        .arg(&data)
        .assert()
        .success();
    data
}

#[test]
fn a_model_trained_during_a_run_is_kept_and_named() {
    let tmp = TempDir::new().unwrap();
    let data = small_data(&tmp);
    fs::write(data.join("riskrank.toml"), "[defaults]\nmodel = \"no-such-model.json\"\n").unwrap();
    let out = tmp.path().join("out");
    let run = riskrank().args(["rank", "--data"]).arg(&data).arg("--out").arg(&out).output().unwrap();
    assert_eq!(run.status.code(), Some(1), "training in place of the default is a warning: {}", stderr_of(&run));
    assert!(stderr_of(&run).contains("no default model file (looked for"), "{}", stderr_of(&run));
    let model = out.join("2025-12/model.json");
    assert!(model.is_file(), "the trained model is written into the month's folder");
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("2025-12/manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["model"]["path"].as_str(), Some(model.to_str().unwrap()));
    riskrank().args(["models", "show"]).arg(&model).assert().success();
}

#[test]
fn train_writes_a_new_file_and_never_overwrites_silently() {
    let tmp = TempDir::new().unwrap();
    let data = small_data(&tmp);
    let train = || {
        let mut cmd = riskrank();
        cmd.current_dir(tmp.path()).args(["train", "--no-backtest", "--data"]).arg(&data);
        cmd
    };
    train().assert().success().stdout(predicate::str::contains("wrote models/small-2025-12.json"));
    let written = tmp.path().join("models/small-2025-12.json");
    let first = fs::read(&written).unwrap();
    train().assert().code(2).stderr(predicate::str::contains("already exists; pass --force to overwrite it"));
    train().arg("--force").assert().success();
    assert_eq!(fs::read(&written).unwrap(), first, "retraining the same data gives the same file");
    let committed = common::root().join("models/default.json");
    riskrank()
        .args(["train", "--no-backtest", "--data"])
        .arg(&data)
        .arg("--out")
        .arg(&committed)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists"));
}

#[test]
fn a_truth_file_of_another_tool_does_not_break_a_run() {
    let tmp = TempDir::new().unwrap();
    let data = sample_copy(&tmp);
    fs::write(data.join("truth.csv"), "department,month,expected\nLAFD,2025-01,1\n").unwrap();
    fs::write(data.join("notes.txt"), "exported by hand\n").unwrap();
    riskrank()
        .args(["rank", "--data"])
        .arg(&data)
        .arg("--out")
        .arg(tmp.path().join("out"))
        .assert()
        .code(0)
        .stdout(predicate::str::contains("truth.csv"))
        .stdout(predicate::str::contains("notes.txt"));
}

#[test]
fn an_out_that_cannot_be_written_fails_before_any_work() {
    let tmp = TempDir::new().unwrap();
    let file = tmp.path().join("a-file");
    fs::write(&file, "").unwrap();
    let failed = riskrank().args(["run", "--out"]).arg(&file).output().unwrap();
    assert_eq!(failed.status.code(), Some(2));
    let err = stderr_of(&failed);
    assert!(err.contains(&format!("{}: cannot write the reports there: it is a file", file.display())), "{err}");
    assert!(!err.contains(".staging") && !err.contains("validating"), "{err}");
    assert_eq!(err.matches("it is a file").count(), 1, "the cause is printed once: {err}");
    // Read-only even for root: /proc takes no new files.
    riskrank()
        .args(["run", "--out", "/proc/self/riskrank-reports"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/proc/self/riskrank-reports: cannot write the reports there"));
}

#[test]
fn every_command_documents_exit_codes_and_examples() {
    riskrank().arg("--help").assert().success().stdout(predicate::str::contains("Exit codes: 0 success; 1"));
    for command in ["run", "rank", "report", "validate", "init", "generate", "import", "train", "backtest", "models"] {
        riskrank().args([command, "--help"]).assert().success().stdout(predicate::str::contains("Examples:"));
    }
}
