//! The Excel workbooks of `riskrank run` read back with calamine:
//! `ranking.xlsx` has every sheet and each shows what its CSV says, cell
//! for cell; a department's workbook matches its CSVs; names that look
//! like formulas are text in the workbook and neutralised in the CSVs;
//! every CSV output starts with a UTF-8 byte-order mark.

use std::fs;
use std::path::{Path, PathBuf};

use calamine::{Data, DataType};

mod common;
#[path = "common/xlsx.rs"]
mod xlsx;

use common::{files_under, riskrank, sample};
use xlsx::{BOM, assert_cell, assert_sheet_is_csv, csv_table, has_formulas, sheet, sheet_names};

fn run(data: &Path, out: &Path) -> PathBuf {
    riskrank().arg("run").arg("--data").arg(data).arg("--out").arg(out).assert().success();
    out.join("2025-12")
}

fn column(header: &[String], name: &str) -> usize {
    header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"))
}

#[test]
fn the_month_workbook_matches_the_csvs() {
    let tmp = tempfile::tempdir().unwrap();
    let month = run(&sample(), &tmp.path().join("reports"));
    let book = month.join("ranking.xlsx");
    assert_eq!(sheet_names(&book), riskrank::export::xlsx::SHEETS);

    // Ranking: ranking.csv cell for cell, then the tier rule.
    let (header, ranking) = csv_table(&month.join("ranking.csv"));
    let rows = sheet(&book, "Ranking");
    assert_sheet_is_csv(&rows, &header, &ranking, "Ranking");
    let rule = &rows[ranking.len() + 2][0];
    assert!(matches!(rule, Data::String(s) if s.starts_with("Tiers follow")), "{rule:?}");
    let (name, rate, tier) = (column(&header, "name"), column(&header, "predicted_rate"), column(&header, "risk_tier"));
    for row in &rows[1..=ranking.len()] {
        assert!(matches!(row[name], Data::String(_)) && matches!(row[tier], Data::String(_)), "text as text");
        assert!(matches!(row[0], Data::Float(_)) && matches!(row[rate], Data::Float(_)), "numbers as numbers");
    }
    assert!(!has_formulas(&book, "Ranking"));

    // Panel: the panel.csv that validate writes of the same data.
    let validated = tmp.path().join("validated");
    riskrank()
        .args(["validate", "--as-of", "2025-12", "--data"])
        .arg(sample())
        .arg("--out")
        .arg(&validated)
        .assert()
        .code(predicates::ord::le(1));
    let (panel_header, panel) = csv_table(&validated.join("2025-12/panel.csv"));
    assert_sheet_is_csv(&sheet(&book, "Panel"), &panel_header, &panel, "Panel");

    // Trailing-12: the panel's t12 columns of the as-of month.
    let t12 = sheet(&book, "Trailing-12");
    let t12_header: Vec<String> = t12[0].iter().map(|c| c.to_string()).collect();
    assert!(t12_header.contains(&"t12_trir".to_string()) && t12_header.contains(&"t12_incurred".to_string()));
    let last: Vec<&Vec<String>> = panel.iter().filter(|r| r[column(&panel_header, "month")] == "2025-12").collect();
    assert_eq!(t12.len() - 1, last.len());
    for (row, want) in t12[1..].iter().zip(&last) {
        for (c, name) in t12_header.iter().enumerate() {
            assert_cell(&row[c], &want[column(&panel_header, name)], &format!("Trailing-12 {name}"));
        }
    }

    // Data quality: the manifest's account, and reasons that add up to it.
    let manifest: serde_json::Value = serde_json::from_slice(&fs::read(month.join("manifest.json")).unwrap()).unwrap();
    let quality = sheet(&book, "Data quality");
    let inputs = manifest["inputs"].as_array().unwrap();
    for (i, input) in inputs.iter().enumerate() {
        let row = &quality[i + 1];
        assert!(input["path"].as_str().unwrap().ends_with(&row[0].to_string()), "{row:?}");
        for (c, key) in [(1, "read"), (2, "accepted"), (3, "quarantined")] {
            assert_cell(&row[c], &input[key].to_string(), key);
        }
        let reasons: f64 =
            quality[inputs.len() + 3..].iter().filter(|r| r[0] == row[0]).map(|r| r[2].as_f64().unwrap()).sum();
        assert_eq!(reasons, input["quarantined"].as_f64().unwrap(), "{}: reasons add up", row[0]);
    }
    assert!(quality.iter().all(|r| r.len() <= 7), "counts only, no quarantined rows");
    let definitions = sheet(&book, "Definitions");
    assert!(definitions.iter().any(|r| r[0] == Data::String("TRIR".into())));

    // The manifest lists the workbooks like the other outputs.
    let listed: Vec<&str> =
        manifest["outputs"].as_array().unwrap().iter().map(|o| o["path"].as_str().unwrap()).collect();
    assert!(listed.contains(&"ranking.xlsx"));
    let code = &ranking[0][column(&header, "department")];
    let stem = &ranking[0][column(&header, "file_stem")];
    assert!(listed.contains(&format!("departments/{stem}.xlsx").as_str()));

    // A department's workbook: its ranking row, its panel rows, its cases.
    let dept = month.join(format!("departments/{stem}.xlsx"));
    assert_eq!(sheet_names(&dept), riskrank::export::xlsx::DEPARTMENT_SHEETS);
    let fields = sheet(&dept, "Ranking row");
    assert_eq!(fields.len() - 1, header.len());
    for (i, name) in header.iter().enumerate() {
        assert_eq!(fields[i + 1][0], Data::String(name.clone()));
        assert_cell(fields[i + 1].get(1).unwrap_or(&Data::Empty), &ranking[0][i], name);
    }
    let own: Vec<Vec<String>> =
        panel.iter().filter(|r| &r[column(&panel_header, "department")] == code).cloned().collect();
    assert_sheet_is_csv(&sheet(&dept, "Panel"), &panel_header, &own, "department Panel");
    let (case_header, cases) = csv_table(&month.join(format!("departments/{stem}.csv")));
    assert!(!cases.is_empty());
    let case_rows = sheet(&dept, "Cases");
    assert_eq!(case_rows.len() - 1, cases.len());
    assert_sheet_is_csv(&case_rows, &case_header, &cases, "Cases");

    // Every CSV output starts with the byte-order mark; `report` reads
    // ranking.csv back and rebuilds the department workbooks byte for byte.
    let before = files_under(&month);
    for (path, bytes) in before.iter().chain(&files_under(&validated)) {
        if path.extension().is_some_and(|e| e == "csv") {
            assert!(bytes.starts_with(BOM), "{} has no BOM", path.display());
        }
    }
    riskrank().arg("report").arg("--out").arg(tmp.path().join("reports")).assert().success();
    for (path, bytes) in files_under(&month) {
        if path.extension().is_some_and(|e| e == "xlsx" || e == "csv") {
            assert!(before[&path] == bytes, "{} changed when report rebuilt it", path.display());
        }
    }
}

/// A copy of a sample file with column `at` of each data row rewritten
/// (rows kept as bytes, ragged or not: the sample has bad rows on purpose).
fn rewrite(file: &str, dir: &Path, at: usize, mut f: impl FnMut(&str) -> String) {
    let mut r = csv::ReaderBuilder::new().flexible(true).from_path(sample().join(file)).unwrap();
    let mut w = csv::WriterBuilder::new().flexible(true).from_path(dir.join(file)).unwrap();
    w.write_byte_record(r.byte_headers().unwrap()).unwrap();
    for rec in r.byte_records() {
        let rec = rec.unwrap();
        let cells: Vec<Vec<u8>> = rec
            .iter()
            .enumerate()
            .map(|(i, c)| match std::str::from_utf8(c) {
                Ok(text) if i == at => f(text).into_bytes(),
                _ => c.to_vec(),
            })
            .collect();
        w.write_record(&cells).unwrap();
    }
    w.flush().unwrap();
}

/// The sample with department names and case ids that a spreadsheet
/// would run as formulas; returns each department's (code, name).
fn hostile_sample(dir: &Path) -> Vec<(String, String)> {
    fs::create_dir_all(dir).unwrap();
    fs::copy(sample().join("exposure.csv"), dir.join("exposure.csv")).unwrap();
    let names = ["=HYPERLINK(\"x\")", "+1", "-1", "@x"];
    let mut i = 0;
    rewrite("departments.csv", dir, 1, |name| {
        i += 1;
        names.get(i - 1).map_or(name.to_string(), |n| n.to_string())
    });
    let renamed: Vec<(String, String)> = {
        let mut r = csv::ReaderBuilder::new().flexible(true).from_path(dir.join("departments.csv")).unwrap();
        r.records().filter_map(Result::ok).map(|x| (x[0].to_string(), x[1].to_string())).collect()
    };
    // Case ids of the first department's 2025 cases, where its case list
    // shows them, in the injuries and the claims linked to them.
    let first = renamed[0].0.clone();
    let hostile = |id: &str| {
        let id = id.replace(&format!("{first}-2025-00"), "=HYPERLINK(\"c\")-");
        id.replace(&format!("{first}-2025-01"), "@c-")
    };
    rewrite("injuries.csv", dir, 0, hostile);
    rewrite("claims.csv", dir, 1, hostile);
    renamed
}

#[test]
fn formula_like_text_is_text_in_the_workbooks_and_neutralised_in_the_csvs() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let renamed = hostile_sample(&data);
    let month = run(&data, &tmp.path().join("reports"));
    let book = month.join("ranking.xlsx");
    let raw = fs::read_to_string(month.join("ranking.csv")).unwrap();
    let (header, ranking) = csv_table(&month.join("ranking.csv"));
    let rows = sheet(&book, "Ranking");
    let (code_at, name_at) = (column(&header, "department"), column(&header, "name"));
    for (code, name) in &renamed[..4] {
        let i = ranking.iter().position(|r| &r[code_at] == code).unwrap();
        assert_eq!(rows[i + 1][name_at], Data::String(name.clone()), "{name} is literal text");
        // In the CSV, formulas get a leading quote; numbers (+1, -1) stay.
        let cell = if name.parse::<f64>().is_ok() { name.clone() } else { format!("'{name}") };
        assert!(raw.contains(&csv_field(&cell)), "{cell} in ranking.csv");
    }
    for sheet_name in riskrank::export::xlsx::SHEETS {
        assert!(!has_formulas(&book, sheet_name), "{sheet_name} has a formula");
    }
    // The case list: the hostile ids, quoted in the CSV, literal in the workbook.
    let dept = month.join(format!("departments/{}.xlsx", renamed[0].0));
    let csv_path = month.join(format!("departments/{}.csv", renamed[0].0));
    let text = fs::read_to_string(&csv_path).unwrap();
    assert!(text.contains("\"'=HYPERLINK(\"\"c\"\")-") && text.contains("\n'@c-"), "{}", &text[..400.min(text.len())]);
    let (case_header, cases) = csv_table(&csv_path);
    assert_sheet_is_csv(&sheet(&dept, "Cases"), &case_header, &cases, "hostile Cases");
    let ids: Vec<Data> = sheet(&dept, "Cases")[1..].iter().map(|r| r[0].clone()).collect();
    assert!(ids.iter().any(|c| matches!(c, Data::String(s) if s.starts_with("=HYPERLINK(\"c\")"))), "{ids:?}");
    assert!(ids.iter().any(|c| matches!(c, Data::String(s) if s.starts_with("@c"))));
    for sheet_name in riskrank::export::xlsx::DEPARTMENT_SHEETS {
        assert!(!has_formulas(&dept, sheet_name), "{sheet_name} has a formula");
    }
}

/// A cell as the csv crate writes it (quoted when it holds a quote or comma).
fn csv_field(cell: &str) -> String {
    if cell.contains(['"', ',']) { format!("\"{}\"", cell.replace('"', "\"\"")) } else { cell.to_string() }
}
