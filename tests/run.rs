//! End-to-end tests of `riskrank run` (and `rank`, `report`): every report
//! is written, the PDFs read right, no personal data leaks, two runs give
//! the same bytes, and a failed run leaves the previous folder untouched.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command as Process;

use predicates::str::contains;

mod common;

use common::{REAL_SETS, files_under, pdf_text, real, riskrank, sample};

fn run_into(out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    riskrank().arg("run").arg("--data").arg(sample()).arg("--out").arg(out).args(extra).assert()
}

fn departments() -> Vec<(String, String)> {
    let mut r = csv::Reader::from_path(sample().join("departments.csv")).unwrap();
    r.records().map(|x| x.unwrap()).map(|x| (x[0].to_string(), x[1].to_string())).collect()
}

fn pdf_pages(path: &Path) -> Option<u32> {
    let out = Process::new("pdfinfo").arg(path).output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.lines().find_map(|l| l.strip_prefix("Pages:").and_then(|n| n.trim().parse().ok()))
}

#[test]
fn the_run_writes_every_report_and_they_read_right() {
    let dir = tempfile::tempdir().unwrap();
    run_into(dir.path(), &[]).success().stdout(contains("ranking for the 12 months after 2025-12"));
    let month = dir.path().join("2025-12");
    let files = files_under(&month);
    let depts = departments();
    for name in ["ranking.csv", "targets.csv", "cabinet.pdf", "manifest.json"] {
        assert!(files.contains_key(Path::new(name)), "{name} missing");
    }
    // No [targets] in the config: targets.csv is its header alone.
    let targets = String::from_utf8_lossy(&files[Path::new("targets.csv")]).into_owned();
    // Every CSV output starts with the UTF-8 byte-order mark, for Excel.
    let targets = targets.strip_prefix('\u{feff}').expect("a BOM");
    assert!(targets.starts_with("scope,department,name,measure,") && targets.lines().count() == 1, "{targets}");
    for q in ["departments", "injuries", "claims", "exposure"] {
        assert!(files.contains_key(&PathBuf::from(format!("quarantine/{q}.csv"))), "quarantine/{q}.csv missing");
    }
    for (code, _) in &depts {
        for ext in ["pdf", "csv"] {
            assert!(files.contains_key(&PathBuf::from(format!("departments/{code}.{ext}"))), "{code}.{ext} missing");
        }
    }
    // ranking.csv: the contract's columns, one row per department.
    let mut r = csv::Reader::from_path(month.join("ranking.csv")).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        "rank,department,name,group,risk_tier,versus_city,predicted_cases,predicted_cases_low,predicted_cases_high,\
predicted_rate,predicted_incurred,trailing12_trir,trailing12_dart,trailing12_incurred,trailing12_incurred_to_date,\
trailing12_incurred_low,trailing12_incurred_high,trailing12_claims,trailing12_claims_ultimate,actual_to_expected,rank_low,\
rank_high,rank_change,rank_change_vs,cost_rank,credibility_z,peer_weight,top_driver,driver_1,driver_1_share,driver_2,\
driver_2_share,driver_3,driver_3_share,contribution_peer_group,contribution_own_level,contribution_trend,\
contribution_season,contribution_case_mix,contribution_lost_time,contribution_report_lag,contribution_size,\
trend_per_year,peer_median,addressable_cases,addressable_cases_low,addressable_cases_high,addressable_incurred,\
addressable_incurred_low,addressable_incurred_high,city_addressable_cases_low,city_addressable_cases_high,\
city_addressable_incurred_low,city_addressable_incurred_high,file_stem,data_warning"
            .split(',')
            .collect::<Vec<_>>()
    );
    assert_eq!(r.records().count(), depts.len());
    // The manifest names every other output with its hash.
    let manifest: serde_json::Value = serde_json::from_slice(&files[Path::new("manifest.json")]).unwrap();
    let listed = manifest["outputs"].as_array().unwrap();
    assert_eq!(listed.len(), files.len() - 1);
    // The four contract files and the sample's claim valuations.
    assert_eq!(manifest["inputs"].as_array().unwrap().len(), 5);
    // The PDFs, when poppler is here to read them.
    let Some(cabinet) = pdf_text(&month.join("cabinet.pdf")) else {
        eprintln!("notice: pdftotext not found (apt-get install poppler-utils); PDF text checks skipped");
        return;
    };
    assert!(pdf_pages(&month.join("cabinet.pdf")).unwrap() >= 3);
    assert!(cabinet.contains("2025-12") && cabinet.contains("elevated"));
    assert!(cabinet.contains("No targets are set: add a [targets] section to riskrank.toml"), "says how to set them");
    for (code, name) in &depts {
        assert!(cabinet.contains(code.as_str()), "cabinet lacks {code}");
        let text = pdf_text(&month.join(format!("departments/{code}.pdf"))).unwrap();
        assert!(text.contains(name.as_str()), "{code}.pdf does not name {name}");
        // Only city-wide aggregates of the others: no other department is named.
        for (other, other_name) in &depts {
            if other != code && other_name.len() > 12 && !name.contains(other_name.as_str()) {
                assert!(!text.contains(other_name.as_str()), "{code}.pdf names {other_name}");
            }
        }
    }
}

/// PDFs are searched as their extracted text and as the UTF-16 hex that
/// PDF metadata uses: their raw bytes are compressed or hex-encoded, where
/// an id like `E0020201` also turns up by chance (`n`, space, em dash is
/// `006E00202014`).
#[test]
fn no_personal_data_reaches_any_output() {
    let dir = tempfile::tempdir().unwrap();
    run_into(dir.path(), &[]).success();
    let (mut plain, mut pdf_hex, mut pdf_text_all) = (Vec::new(), Vec::new(), String::new());
    let mut pdfs_read = true;
    for (path, bytes) in files_under(dir.path()) {
        if path.extension().is_some_and(|e| e == "pdf") {
            pdf_hex.extend(bytes);
            match pdf_text(&dir.path().join(&path)) {
                Some(t) => pdf_text_all.push_str(&t),
                None => pdfs_read = false,
            }
        } else {
            plain.extend(bytes);
        }
    }
    if !pdfs_read {
        eprintln!("notice: pdftotext not found (apt-get install poppler-utils); PDF text not checked");
    }
    let utf16_hex = |v: &str| v.encode_utf16().map(|u| format!("{u:04X}")).collect::<String>();
    let mut r = csv::ReaderBuilder::new().flexible(true).from_path(sample().join("injuries.csv")).unwrap();
    let header = r.headers().unwrap().clone();
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let (emp, desc) = (col("employee_id"), col("description"));
    let mut values: Vec<String> = Vec::new();
    for row in r.records().map(Result::unwrap).filter(|r| r.len() == header.len()) {
        values.extend([&row[emp], &row[desc]].into_iter().filter(|v| v.len() >= 4).map(String::from));
    }
    values.sort();
    values.dedup();
    // One pass over each haystack for all values at once.
    let find = |patterns: &[String], haystack: &[u8]| {
        let ac = aho_corasick::AhoCorasick::new(patterns).unwrap();
        ac.find(haystack).map(|m| patterns[m.pattern().as_usize()].clone())
    };
    assert_eq!(find(&values, &plain), None, "a personal value appears in a CSV or JSON output");
    assert_eq!(find(&values, pdf_text_all.as_bytes()), None, "a personal value appears in a PDF's text");
    let hex: Vec<String> = values.iter().map(|v| utf16_hex(v)).collect();
    assert_eq!(find(&hex, &pdf_hex), None, "a personal value appears in PDF metadata");
    let checked = values.len();
    assert!(checked > 1000);
}

#[test]
fn two_runs_write_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    run_into(&a, &[]).success();
    run_into(&b, &[]).success();
    let (fa, fb) = (files_under(&a), files_under(&b));
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (path, bytes) in &fa {
        if path.ends_with("manifest.json") {
            let strip = |b: &[u8]| {
                let mut v: serde_json::Value = serde_json::from_slice(b).unwrap();
                v["timings_seconds"] = serde_json::Value::Null;
                v["parameters"]["out"] = serde_json::Value::Null;
                v
            };
            assert_eq!(strip(bytes), strip(&fb[path]), "manifest differs beyond timings");
        } else {
            assert!(*bytes == fb[path], "{} differs between identical runs", path.display());
        }
    }
}

#[test]
fn a_failed_run_leaves_the_previous_reports_intact() {
    let dir = tempfile::tempdir().unwrap();
    run_into(dir.path(), &[]).success();
    let before = files_under(dir.path());
    // An altered model file stops the run before anything is written.
    let bad = dir.path().join("bad.json");
    let text = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("models/default.json")).unwrap();
    fs::write(&bad, text.replace("\"rated\": true", "\"rated\": false")).unwrap();
    run_into(dir.path(), &["--model", bad.to_str().unwrap()]).code(2).stderr(contains("changed after training"));
    fs::remove_file(&bad).unwrap();
    let after = files_under(dir.path());
    assert!(before == after, "the previous run's folder changed");
    let hidden = |e: fs::DirEntry| {
        let name = e.file_name().to_string_lossy().into_owned();
        name.starts_with('.') && name != riskrank::export::LOCK_FILE
    };
    assert!(!fs::read_dir(dir.path()).unwrap().any(|e| hidden(e.unwrap())), "a staging folder was left");
}

#[test]
fn rank_then_report_and_rank_changes() {
    let dir = tempfile::tempdir().unwrap();
    riskrank().arg("rank").arg("--data").arg(sample()).arg("--out").arg(dir.path()).assert().success();
    let month = dir.path().join("2025-12");
    assert!(month.join("ranking.csv").exists() && !month.join("cabinet.pdf").exists());
    let ranking = fs::read(month.join("ranking.csv")).unwrap();
    riskrank().arg("report").arg("--data").arg(sample()).arg("--out").arg(dir.path()).assert().success();
    assert!(month.join("cabinet.pdf").exists() && month.join("departments").is_dir());
    assert_eq!(fs::read(month.join("ranking.csv")).unwrap(), ranking, "report keeps the ranking");
    // A second ranking of the same month does not compare with the first
    // (only an earlier month's run counts): no change is shown.
    riskrank().arg("rank").arg("--data").arg(sample()).arg("--out").arg(dir.path()).assert().success();
    let mut r = csv::Reader::from_path(month.join("ranking.csv")).unwrap();
    let col = r.headers().unwrap().iter().position(|h| h == "rank_change").unwrap();
    assert!(r.records().all(|x| x.unwrap()[col].is_empty()));
}

/// A run on each real dataset beside the project (imported first); all are
/// counts only (no hours), so the default model does not fit and one is
/// trained on the data. A clone without `../shared` prints a notice and skips.
#[test]
fn the_run_works_on_every_imported_real_dataset() {
    for (source, file) in REAL_SETS {
        let Some(input) = real(file) else { continue };
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        riskrank().args(["import", source]).arg(&input).arg("--out").arg(&data).assert().success();
        let out = dir.path().join("out");
        riskrank()
            .arg("run")
            .arg("--data")
            .arg(&data)
            .arg("--out")
            .arg(&out)
            .assert()
            .code(1)
            .stderr(contains("warning: model: trained on this data and saved as"))
            .stdout(contains("predicted cases (no hours: rates unavailable)"))
            .stdout(contains("trained on this data"));
        let month = common::month_folder(&out);
        assert!(month.join("cabinet.pdf").exists() && month.join("ranking.csv").exists(), "{source}");
        if let Some(text) = pdf_text(&month.join("cabinet.pdf")) {
            assert!(text.to_lowercase().contains("rates are unavailable"), "{source}: the cabinet report must say so");
        }
    }
}
