//! `riskrank.toml`: every setting changes what it should, and the
//! template `init` writes changes nothing.

mod common;

use std::fs;

use common::{pdf_text, riskrank, sample};
use tempfile::TempDir;

/// The sample written the way another system exports it: `;`-separated,
/// dates `DD.MM.YYYY`, injuries with a header of its own.
fn foreign_export(dir: &std::path::Path) {
    fs::create_dir_all(dir).unwrap();
    for name in ["departments.csv", "injuries.csv", "claims.csv", "exposure.csv"] {
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_path(sample().join(name)).unwrap();
        let header: Vec<String> = reader
            .headers()
            .unwrap()
            .iter()
            .map(|h| match (name, h) {
                ("injuries.csv", "event_date") => "Event Date".to_string(),
                ("injuries.csv", "case_id") => "Case Number".to_string(),
                (_, h) => h.to_string(),
            })
            .collect();
        let mut writer = csv::WriterBuilder::new().delimiter(b';').flexible(true).from_writer(Vec::new());
        writer.write_record(&header).unwrap();
        for record in reader.records().filter_map(Result::ok) {
            let row: Vec<String> = record
                .iter()
                .map(|v| {
                    let b = v.as_bytes();
                    if v.len() == 10 && b[4] == b'-' && b[7] == b'-' {
                        format!("{}.{}.{}", &v[8..10], &v[5..7], &v[..4])
                    } else {
                        v.to_string()
                    }
                })
                .collect();
            writer.write_record(&row).unwrap();
        }
        fs::write(dir.join(name), writer.into_inner().unwrap()).unwrap();
    }
}

const EVERY_KEY: &str = r#"
[report]
organisation = "City of Testville"
title = "Safety Cabinet test title"
[report.group_names]
public_safety = "Public Safety Services"

[tiers]
high = 2.0
elevated = 1.5
moderate = 1.0

[gate]
max_quarantined_share = 0.02
max_months_behind = 1
min_actual_to_expected = 0.6
max_actual_to_expected = 1.8

[limits]
earliest_year = 2000
max_hours_per_month = 50000000
max_hours_per_head = 500.0
max_headcount = 200000.0

[input]
delimiter = ";"
date_format = "%d.%m.%Y"
max_record_lines = 50
[input.columns.injuries]
event_date = "Event Date"
case_id = "Case Number"
[input.columns.claims]
[input.columns.exposure]
[input.columns.departments]

[defaults]
data = "export"
model = "../models-here/none.json"
out = "reports-here"
horizon = 6
"#;

#[test]
fn a_config_with_every_key_set_changes_what_it_should() {
    let tmp = TempDir::new().unwrap();
    let data = tmp.path().join("export");
    foreign_export(&data);
    // Without the config the export is refused, with the fixes named.
    riskrank()
        .args(["validate", "--data"])
        .arg(&data)
        .arg("--out")
        .arg(tmp.path().join("v"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("the header is separated by `;`: set `[input] delimiter = \";\"`"));
    let config = tmp.path().join("riskrank.toml");
    fs::write(&config, EVERY_KEY).unwrap();
    // The default model is replaced by one that does not exist, so the run
    // trains; point it at the committed one instead to keep the test quick.
    let text = EVERY_KEY
        .replace("../models-here/none.json", &common::root().join("models/default.json").display().to_string());
    fs::write(&config, text).unwrap();
    let run = riskrank().current_dir(tmp.path()).arg("run").arg("--config").arg(&config).output().unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    let month = tmp.path().join("reports-here/2025-12");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(stdout.contains("ranking for the 6 months after 2025-12"), "[defaults] horizon: {stdout}");
    let injuries = stdout.lines().find(|l| l.starts_with("injuries.csv")).unwrap();
    let accepted: u64 = injuries.split_whitespace().nth(2).unwrap().parse().unwrap();
    assert!(accepted > 54_000, "dates, delimiter and column names were read: {injuries}");

    // The tier cut-offs: recompute each tier from ranking.csv.
    let mut reader = csv::Reader::from_path(month.join("ranking.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let h = reader.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|x| x == name).unwrap();
    let (rate, tier, group) = (col("predicted_rate"), col("risk_tier"), col("group"));
    let cases = col("predicted_cases");
    let rates: Vec<f64> = rows.iter().map(|r| r[rate].parse().unwrap()).collect();
    let hours: Vec<f64> =
        rows.iter().map(|r| r[cases].parse::<f64>().unwrap() * 200_000.0 / r[rate].parse::<f64>().unwrap()).collect();
    let city = rates.iter().zip(&hours).map(|(r, h)| r * h).sum::<f64>() / hours.iter().sum::<f64>();
    let mut seen = std::collections::BTreeSet::new();
    for (i, r) in rows.iter().enumerate() {
        // The tier follows the predicted rate alone (never the interval), so
        // it cannot contradict the ranking's order.
        let expected = if rates[i] >= 2.0 * city {
            "high"
        } else if rates[i] > 1.5 * city {
            "elevated"
        } else if rates[i] >= city {
            "moderate"
        } else {
            "low"
        };
        // Rates are rounded to four decimals in the file: skip the knife edges.
        let edge = [1.0, 1.5, 2.0].iter().any(|k| (rates[i] - k * city).abs() < 1e-3);
        if !edge {
            assert_eq!(&r[tier], expected, "row {i}: rate {} city {city}", rates[i]);
        }
        seen.insert(r[tier].to_string());
        assert_ne!(&r[group], "Public Safety Services", "ranking.csv keeps the group codes");
    }
    assert!(seen.contains("low") && seen.len() >= 2, "{seen:?}");

    let Some(cover) = pdf_text(&month.join("cabinet.pdf")) else {
        return common::skip("a_config_with_every_key_set_changes_what_it_should (PDF part)", "pdftotext is missing");
    };
    assert!(cover.contains("Safety Cabinet test title, 2025-12"), "the title is on the cover");
    assert!(cover.contains("CITY OF TESTVILLE"), "the organisation is on the cover");
    assert!(cover.contains("high at 2 × the city's or more"), "the tier rule is printed with its cut-offs");
    let dept = pdf_text(&month.join("departments/LAFD.pdf")).unwrap();
    assert!(dept.contains("Public Safety Services"), "peer groups carry their display names");
}

#[test]
fn the_init_template_changes_nothing() {
    let tmp = TempDir::new().unwrap();
    let data = tmp.path().join("data");
    fs::create_dir_all(&data).unwrap();
    for name in ["departments.csv", "injuries.csv", "claims.csv", "exposure.csv"] {
        fs::copy(sample().join(name), data.join(name)).unwrap();
    }
    riskrank().args(["init", "--data"]).arg(&data).assert().success();
    riskrank().args(["init", "--data"]).arg(&data).assert().code(2);
    let with = tmp.path().join("with");
    let without = tmp.path().join("without");
    riskrank().args(["rank", "--data"]).arg(&data).arg("--out").arg(&with).assert().code(0);
    fs::remove_file(data.join("riskrank.toml")).unwrap();
    riskrank().args(["rank", "--data"]).arg(&data).arg("--out").arg(&without).assert().code(0);
    assert_eq!(
        fs::read(with.join("2025-12/ranking.csv")).unwrap(),
        fs::read(without.join("2025-12/ranking.csv")).unwrap()
    );
}

#[test]
fn unknown_keys_and_mapped_columns_are_named() {
    let tmp = TempDir::new().unwrap();
    let config = tmp.path().join("riskrank.toml");
    fs::write(&config, "[gate]\nmax_quarantine_share = 0.1\n").unwrap();
    riskrank()
        .args(["validate", "--config"])
        .arg(&config)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown field `max_quarantine_share`"));
    fs::write(&config, "[input.columns.injuries]\nevent_day = \"Date\"\n").unwrap();
    riskrank()
        .args(["validate", "--config"])
        .arg(&config)
        .arg("--out")
        .arg(tmp.path().join("v"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "[input.columns.injuries] names `event_day`, which is not a column of injuries.csv",
        ));
}

const TARGETS: &str = r#"
[targets]
baseline_year = 2023
target_year = 2026
trir_reduction = 0.10
incurred_reduction = 0.05

[targets.departments.LAFD]
trir_reduction = 0.20

[targets.departments.NOPE]
trir_reduction = 0.20
"#;

#[test]
fn targets_are_followed_in_targets_csv_and_the_reports() {
    let tmp = TempDir::new().unwrap();
    let config = tmp.path().join("riskrank.toml");
    fs::write(&config, TARGETS).unwrap();
    let out = tmp.path().join("out");
    let mut run = riskrank();
    run.args(["run", "--data"]).arg(sample()).arg("--config").arg(&config).arg("--out").arg(&out);
    // Exit 1: the override for a code not in the data is a warning.
    let run = run.output().unwrap();
    assert_eq!(run.status.code(), Some(1), "{}", String::from_utf8_lossy(&run.stderr));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("names department(s) not in the data, whose targets are ignored: NOPE"), "{stderr}");

    let month = out.join("2025-12");
    let mut reader = csv::Reader::from_path(month.join("targets.csv")).unwrap();
    let h = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let col = |name: &str| h.iter().position(|x| x == name).unwrap();
    let find = |code: &str, measure: &str| {
        rows.iter().find(|r| &r[col("department")] == code && &r[col("measure")] == measure).unwrap()
    };
    // The city first, then every department of the sample with both measures.
    assert_eq!((&rows[0][col("scope")], &rows[0][col("measure")]), ("city", "trir"));
    assert_eq!(rows.len(), 2 + 40 * 2);
    assert_eq!(find("LAFD", "trir")[col("reduction")].to_string(), "0.2000", "the override replaces the default");
    assert_eq!(find("LAPD", "trir")[col("reduction")].to_string(), "0.1000");
    // The sample's statuses, as recorded when the feature was written.
    for (code, measure, status) in [
        ("LAFD", "trir", "on_track"),
        ("LAFD", "incurred", "behind"),
        ("HAR", "incurred", "target_met"),
        ("DCA", "trir", "not_measurable"),
    ] {
        assert_eq!(&find(code, measure)[col("status")], status, "{code} {measure}");
    }
    assert!(find("DCA", "trir")[col("reason")].starts_with("no recordable cases in 2023"));
    assert_eq!(&find("DCA", "trir")[col("target")], "", "no target from a zero baseline");
    // Every measured row agrees with its own figures: the target, the path
    // two thirds of the way (24 of 36 months), the progress and the status.
    let num = |r: &csv::StringRecord, name: &str| r[col(name)].parse::<f64>().unwrap();
    let mut statuses = std::collections::BTreeSet::new();
    for r in rows.iter().filter(|r| &r[col("status")] != "not_measurable") {
        let (base, target, now, path) = (num(r, "baseline"), num(r, "target"), num(r, "current"), num(r, "on_track"));
        let tol = 1e-3 * base.max(1.0);
        assert!((target - base * (1.0 - num(r, "reduction"))).abs() < tol, "{r:?}");
        assert!((path - (base - 2.0 / 3.0 * (base - target))).abs() < tol, "{r:?}");
        // The figures' last decimal, magnified by the planned reduction.
        let progress = (base - now) / (base - target);
        let unit = if &r[col("measure")] == "incurred" { 0.005 } else { 0.000_05 };
        let rounding = 1e-3 + 3.0 * unit * (1.0 + progress.abs()) / (base - target);
        assert!((num(r, "progress") - progress).abs() < rounding, "{r:?}");
        let expected = if now <= target {
            "target_met"
        } else if now <= path {
            "on_track"
        } else {
            "behind"
        };
        assert_eq!(&r[col("status")], expected, "{r:?}");
        statuses.insert(expected);
    }
    assert_eq!(statuses.len(), 3, "the sample has every status: {statuses:?}");

    let Some(cabinet) = pdf_text(&month.join("cabinet.pdf")) else {
        return common::skip("targets_are_followed_in_targets_csv_and_the_reports (PDF part)", "pdftotext is missing");
    };
    assert!(cabinet.contains("Targets and progress") && cabinet.contains("Target 2026"), "the Cabinet's table");
    let fire = pdf_text(&month.join("departments/LAFD.pdf")).unwrap();
    assert!(fire.contains("Targets: TRIR on track, Incurred behind"), "the department's own box");
}

#[test]
fn bad_targets_are_refused_naming_the_key() {
    let tmp = TempDir::new().unwrap();
    let config = tmp.path().join("riskrank.toml");
    for (text, message) in [
        (TARGETS.replace("0.10", "1.5"), "[targets] trir_reduction must be a fraction between 0 and 1"),
        (TARGETS.replace("2026", "2022"), "[targets] target_year (2022) must be after baseline_year (2023)"),
        (TARGETS.replacen("trir_reduction = 0.20", "trir_reduction = 0.0", 1), {
            "[targets.departments.LAFD] trir_reduction must be a fraction between 0 and 1"
        }),
        (TARGETS.replace("baseline_year = 2023\n", ""), "missing field `baseline_year`"),
    ] {
        fs::write(&config, text).unwrap();
        riskrank()
            .args(["validate", "--config"])
            .arg(&config)
            .assert()
            .code(2)
            .stderr(predicates::str::contains(message));
    }
}
