//! `riskrank osha --year 2025` end to end on a small city built here: the
//! 300A totals against a recount of injuries.csv made in the test, the ITA
//! file's 28 columns, each pre-validation rule catching its defect, and
//! each establishment's forms (CSV, PDF) and the workbook read back.

mod common;
#[path = "common/xlsx.rs"]
mod xlsx;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::riskrank;

const DEPARTMENTS: &str = "department,name,group\nFIRE,Fire,public_safety\nPARKS,Parks,field_operations\n";

const ESTABLISHMENTS: &str = "establishment,department,year,name,street_address,city,state,zip,naics_code,\
industry_description,ein,company_name,establishment_type,annual_average_employees,total_hours_worked\n\
ST1,FIRE,,Station 1,1 Main St,Springfield,IL,62701,922160,Fire Protection,123456789,City of Springfield,3,40,80000\n\
ST2,FIRE,,Station 2,2 Oak St,Springfield,IL,627011234,922160,Fire Protection,123456789,City of Springfield,3,150,300000\n\
PK,PARKS,,Parks Yard,9 Elm St,Springfield,IL,62702,712190,Parks,123456789,City of Springfield,3,,\n";

const INJURIES_HEADER: &str = "case_id,department,event_date,osha_class,days_away,days_restricted,nature_code,\
establishment,injury_type,job_title,incident_location,description,employee_id\n";

/// Cases of 2025 at all three establishments (PK by its department), one
/// of 2024 and a first-aid case, which count nowhere.
const INJURIES: &str = "\
F1,FIRE,2025-01-10,days_away,12,3,52,ST1,,Firefighter,Station 1 bay,strained back lifting hose,E1\n\
F2,FIRE,2025-02-11,restricted,,20,40,ST1,,Firefighter,Engine 1,cut forearm on glass,E2\n\
F3,FIRE,2025-03-12,other_recordable,,,68,ST1,,Firefighter,Station 1,rash from foam,E3\n\
F4,FIRE,2025-04-13,death,,,54,ST2,,Firefighter,Warehouse fire,smoke,E4\n\
F5,FIRE,2025-05-14,days_away,200,10,28,ST2,,Captain,Roof,fell through roof,E5\n\
F6,FIRE,2025-06-15,other_recordable,,,77,ST2,,Dispatcher,Dispatch,secret stress story,E6\n\
F7,FIRE,2025-07-16,other_recordable,,,78,ST2,hearing_loss,Mechanic,Shop,noise,E7\n\
F8,FIRE,2025-08-17,first_aid,,,10,ST2,,Clerk,Office,bumped knee,E8\n\
P1,PARKS,2025-09-18,days_away,5,,49,,,Groundskeeper,Field 3,twisted ankle,E9\n\
P2,PARKS,2024-09-18,days_away,5,,49,,,Groundskeeper,Field 3,old case,E10\n";

fn exposure() -> String {
    let mut s = String::from("department,month,hours_worked,headcount\n");
    for m in 1..=12 {
        s.push_str(&format!("PARKS,2025-{m:02},1700.5,10.2\nFIRE,2025-{m:02},32000,190\n"));
    }
    s
}

fn city(dir: &Path, establishments: &str, injuries: &str) -> PathBuf {
    let data = dir.join("data");
    fs::create_dir_all(&data).unwrap();
    fs::write(data.join("departments.csv"), DEPARTMENTS).unwrap();
    fs::write(data.join("establishments.csv"), establishments).unwrap();
    fs::write(data.join("injuries.csv"), format!("{INJURIES_HEADER}{injuries}")).unwrap();
    fs::write(data.join("exposure.csv"), exposure()).unwrap();
    data
}

fn run(data: &Path, out: &Path) -> (i32, String) {
    let done = riskrank().args(["osha", "--year", "2025", "--data"]).arg(data).arg("--out").arg(out).output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&done.stdout), String::from_utf8_lossy(&done.stderr));
    (done.status.code().unwrap_or(-1), text)
}

fn table(path: &Path) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let rows =
        reader.records().map(|r| header.iter().cloned().zip(r.unwrap().iter().map(String::from)).collect()).collect();
    (header, rows)
}

/// The 300A totals recounted from the CSV text alone: recordable cases of
/// 2025 by establishment (the department's one for PARKS), days capped at
/// 180 away plus restricted.
fn recount(injuries: &str) -> BTreeMap<String, [u32; 6]> {
    let mut out: BTreeMap<String, [u32; 6]> = BTreeMap::new();
    let text = format!("{INJURIES_HEADER}{injuries}");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    for r in reader.records() {
        let r = r.unwrap();
        if !r[2].starts_with("2025") {
            continue;
        }
        let est = if r[7].is_empty() { "PK".to_string() } else { r[7].to_string() };
        let t = out.entry(est).or_default();
        let away: u32 = r[4].parse::<u32>().unwrap_or(0).min(180);
        let restricted: u32 = r[5].parse::<u32>().unwrap_or(0).min(180 - away);
        match &r[3] {
            "death" => t[0] += 1,
            "days_away" => {
                t[1] += 1;
                t[4] += away;
                t[5] += restricted;
            }
            "restricted" => {
                t[2] += 1;
                t[5] += restricted;
            }
            "other_recordable" => t[3] += 1,
            _ => {}
        }
    }
    out
}

#[test]
fn the_300a_totals_equal_a_recount_and_the_ita_file_has_its_28_columns() {
    let dir = tempfile::tempdir().unwrap();
    let data = city(dir.path(), ESTABLISHMENTS, INJURIES);
    let out = dir.path().join("out");
    let (code, text) = run(&data, &out);
    let folder = out.join("osha").join("2025");
    let (_, findings) = table(&folder.join("ita_validation.csv"));
    let errors: Vec<_> = findings.iter().filter(|f| f["severity"] == "error").collect();
    assert!(errors.is_empty(), "clean data: {errors:?}\n{text}");
    let expected = |f: &str| f == "incident_description" || riskrank::osha::log::NOT_CARRIED.contains(&f);
    assert!(findings.iter().all(|f| expected(&f["field"])), "only the fields the data do not carry: {findings:?}");
    assert_eq!(code, 1, "the fields not carried are warnings");
    let (_, form) = table(&folder.join("form_300a.csv"));
    let want = recount(INJURIES);
    for row in &form {
        let got = [
            "g_deaths",
            "h_days_away_cases",
            "i_transfer_restriction_cases",
            "j_other_recordable_cases",
            "k_days_away",
            "l_days_transfer_restriction",
        ]
        .map(|c| row[c].parse::<u32>().unwrap());
        assert_eq!(got, want[&row["establishment"]], "{}", row["establishment"]);
    }
    assert_eq!(form.len(), 3);
    let (header, ita) = table(&folder.join("ita_300a.csv"));
    assert_eq!(
        header.join(","),
        "establishment_name,ein,company_name,street_address,city,state,zip,naics_code,industry_description,size,\
         establishment_type,year_filing_for,annual_average_employees,total_hours_worked,no_injuries_illnesses,\
         total_deaths,total_dafw_cases,total_djtr_cases,total_other_cases,total_dafw_days,total_djtr_days,\
         total_injuries,total_skin_disorders,total_respiratory_conditions,total_poisonings,total_hearing_loss,\
         total_other_illnesses,change_reason"
    );
    let parks = ita.iter().find(|r| r["establishment_name"] == "Parks Yard").unwrap();
    assert_eq!(parks["total_hours_worked"], "20406", "12 × 1700.5, rounded down");
    assert_eq!(parks["annual_average_employees"], "11", "10.2 rounded up");
    assert_eq!(parks["size"], "1");
    let st2 = ita.iter().find(|r| r["establishment_name"] == "Station 2").unwrap();
    assert_eq!(st2["total_hearing_loss"], "1", "the column wins over carpal tunnel's code");
    assert_eq!(st2["total_other_illnesses"], "1", "mental stress");
    assert_eq!(st2["size"], "22");
    let (header, cases) = table(&folder.join("ita_cases.csv"));
    assert_eq!(header.len(), 24);
    assert_eq!(cases.len(), 8, "the recordable cases of 2025 (F8 is first aid, P2 of 2024)");
    let f5 = cases.iter().find(|r| r["case_number"] == "F5").unwrap();
    assert_eq!((f5["incident_outcome"].as_str(), f5["dafw_num_away"].as_str()), ("2", "180"));
    let (_, log) = table(&folder.join("form_300.csv"));
    let f6 = log.iter().find(|r| r["a_case_number"] == "F6").unwrap();
    assert_eq!((f6["b_employee_name"].as_str(), f6["f_description"].as_str()), ("privacy case", ""));
    assert!(log.iter().all(|r| r["b_employee_name"].is_empty() || r["b_employee_name"] == "privacy case"));
    let readme = fs::read_to_string(folder.join("README.txt")).unwrap();
    assert!(readme.starts_with("CONFIDENTIAL"));
    let manifest = fs::read_to_string(folder.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"confidential\": true"));
    for (path, bytes) in common::files_under(&out) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("secret stress story"), "{} shows a privacy case's description", path.display());
    }
}

/// Runs the city with one defect and returns the validation rows and the exit code.
fn with_defect(establishments: &str, injuries: &str) -> (i32, Vec<BTreeMap<String, String>>) {
    let dir = tempfile::tempdir().unwrap();
    let data = city(dir.path(), establishments, injuries);
    let out = dir.path().join("out");
    let (code, _) = run(&data, &out);
    let (_, rows) = table(&out.join("osha/2025/ita_validation.csv"));
    (code, rows)
}

fn flagged(rows: &[BTreeMap<String, String>], field: &str, severity: &str) -> bool {
    rows.iter().any(|r| r["field"] == field && r["severity"] == severity)
}

#[test]
fn each_validation_rule_catches_its_injected_defect() {
    let swap = |from: &str, to: &str| ESTABLISHMENTS.replacen(from, to, 1);
    for (establishments, field) in [
        (swap("123456789", "12-3456789"), "ein"),
        (swap("62701", "6270"), "zip"),
        (swap(",IL,", ",XX,"), "state"),
        (swap("922160", "92216"), "naics_code"),
        (swap("Station 1,1 Main St", ",1 Main St"), "establishment_name"),
        (swap(",3,40,80000", ",3,40,\"80,000\""), "total_hours_worked"),
        (swap(",3,40,80000", ",3,40,800000"), "total_hours_worked"),
        (swap(",3,40,", ",4,40,"), "establishment_type"),
    ] {
        let (code, rows) = with_defect(&establishments, INJURIES);
        assert!(flagged(&rows, field, "error"), "{field} not caught: {rows:?}");
        assert_eq!(code, 2, "{field}");
    }
    let (_, rows) = with_defect(&swap("Springfield", "Montr\u{e9}al"), INJURIES);
    assert!(flagged(&rows, "city", "warning") && !flagged(&rows, "city", "error"), "outside the safe set: {rows:?}");
    let (code, rows) = with_defect(&swap("Springfield", "Spring\u{7}field"), INJURIES);
    assert!(flagged(&rows, "establishment", "error"), "a control character quarantines the row on read: {rows:?}");
    assert_eq!(code, 2);
    let (code, rows) = with_defect(&swap(",3,40,80000", ",3,40,16000"), INJURIES);
    assert!(flagged(&rows, "total_hours_worked", "warning"), "400 h per employee: {rows:?}");
    assert_eq!(code, 1);
    let untyped = INJURIES.replace(",78,ST2,hearing_loss,", ",78,ST2,,");
    let (code, rows) = with_defect(ESTABLISHMENTS, &untyped);
    assert!(flagged(&rows, "injury_type", "error") && flagged(&rows, "total_injuries", "error"), "{rows:?}");
    assert_eq!(code, 2);
    let days = INJURIES.replace("F3,FIRE,2025-03-12,other_recordable,,", "F3,FIRE,2025-03-12,other_recordable,4,");
    assert!(flagged(&with_defect(ESTABLISHMENTS, &days).1, "days_away", "error"));
    let duplicate = format!("{INJURIES}F1,FIRE,2025-01-11,other_recordable,,,52,ST1,,Firefighter,Bay,again,E1\n");
    let rows = with_defect(ESTABLISHMENTS, &duplicate).1;
    assert!(!flagged(&rows, "injuries.csv", "error"), "a duplicate's first row is on the forms: {rows:?}");
    let bad_row = INJURIES.replace("F3,FIRE,2025-03-12,other_recordable", "F3,FIRE,2025-03-12,lost_time");
    assert!(flagged(&with_defect(ESTABLISHMENTS, &bad_row).1, "injuries.csv", "error"), "a quarantined case");
    let stray = INJURIES.replace("P1,PARKS,2025-09-18,days_away,5,,49,,", "P1,PARKS,2025-09-18,days_away,5,,49,ST9,");
    assert!(flagged(&with_defect(ESTABLISHMENTS, &stray).1, "establishment", "error"), "unknown establishment");
}

#[test]
fn without_establishments_each_department_is_one_and_what_it_lacks_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let data = city(dir.path(), ESTABLISHMENTS, INJURIES);
    fs::remove_file(data.join("establishments.csv")).unwrap();
    let out = dir.path().join("out");
    let (code, text) = run(&data, &out);
    assert_eq!(code, 2, "{text}");
    let (_, ita) = table(&out.join("osha/2025/ita_300a.csv"));
    let names: Vec<&str> = ita.iter().map(|r| r["establishment_name"].as_str()).collect();
    assert_eq!(names, ["Fire", "Parks"]);
    assert_eq!(ita[0]["ein"], "", "never invented");
    assert_eq!(ita[0]["total_hours_worked"], "384000");
    let (_, rows) = table(&out.join("osha/2025/ita_validation.csv"));
    for field in ["ein", "street_address", "naics_code", "establishment_type"] {
        assert!(flagged(&rows, field, "error"), "{field} reported missing");
    }
}

#[test]
fn each_establishment_has_its_forms_and_the_workbook_shows_the_csvs() {
    let dir = tempfile::tempdir().unwrap();
    let data = city(dir.path(), ESTABLISHMENTS, INJURIES);
    let out = dir.path().join("out");
    run(&data, &out);
    let folder = out.join("osha/2025");
    let (header_300, log) = xlsx::csv_table(&folder.join("form_300.csv"));
    let (header_300a, summary) = xlsx::csv_table(&folder.join("form_300a.csv"));
    assert!(fs::read(folder.join("form_300.csv")).unwrap().starts_with(xlsx::BOM), "a form for people: BOM");
    assert!(!fs::read(folder.join("ita_300a.csv")).unwrap().starts_with(xlsx::BOM), "an upload for ITA: none");
    for id in ["ST1", "ST2", "PK"] {
        let own = folder.join("establishments").join(id);
        let (_, own_log) = xlsx::csv_table(&own.join("form_300.csv"));
        let want: Vec<_> = log.iter().filter(|r| r[0] == id).cloned().collect();
        assert_eq!(own_log, want, "{id}: its rows of form_300.csv");
        let (_, own_summary) = xlsx::csv_table(&own.join("form_300a.csv"));
        assert_eq!(own_summary, summary.iter().filter(|r| r[0] == id).cloned().collect::<Vec<_>>(), "{id}");
        for pdf in ["form_300.pdf", "form_300a.pdf"] {
            assert!(fs::read(own.join(pdf)).unwrap().starts_with(b"%PDF"), "{id}/{pdf}");
        }
    }
    let book = folder.join("osha_forms.xlsx");
    assert_eq!(xlsx::sheet_names(&book), ["Form 300A", "Form 300", "ITA validation"]);
    xlsx::assert_sheet_is_csv(&xlsx::sheet(&book, "Form 300A"), &header_300a, &summary, "Form 300A");
    xlsx::assert_sheet_is_csv(&xlsx::sheet(&book, "Form 300"), &header_300, &log, "Form 300");
    let (header_v, validation) = xlsx::csv_table(&folder.join("ita_validation.csv"));
    xlsx::assert_sheet_is_csv(&xlsx::sheet(&book, "ITA validation"), &header_v, &validation, "ITA validation");
    let sheet = xlsx::sheet(&book, "Form 300A");
    let st2 = sheet.iter().find(|r| r[0] == calamine::Data::String("ST2".into())).unwrap();
    assert_eq!(st2[7], calamine::Data::String("627011234".into()), "codes stay text");
    let Some(text) = common::pdf_text(&folder.join("establishments/ST2/form_300a.pdf")) else {
        return common::skip("each_establishment_has_its_forms", "pdftotext (poppler-utils) is not installed");
    };
    for words in ["Summary of Work-Related Injuries and Illnesses", "Station 2", "Company executive", "2026"] {
        assert!(text.contains(words), "the 300A shows {words:?}:\n{text}");
    }
    let st2 = &summary.iter().find(|r| r[0] == "ST2").unwrap();
    let figures: Vec<&str> = text.split_whitespace().collect();
    for (column, value) in header_300a.iter().zip(st2.iter()).skip_while(|(c, _)| *c != "g_deaths") {
        assert!(figures.contains(&value.as_str()), "the 300A shows {column} = {value}");
    }
    let text = common::pdf_text(&folder.join("establishments/ST2/form_300.pdf")).unwrap();
    for words in ["Log of Work-Related Injuries and Illnesses", "F4", "F5", "privacy case", "Page totals"] {
        assert!(text.contains(words), "the log shows {words:?}:\n{text}");
    }
    assert!(!text.contains("F1") && !text.contains("secret stress story"), "only its own cases, privacy kept");
}

#[test]
fn figures_from_less_than_a_year_of_exposure_are_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let data = city(dir.path(), ESTABLISHMENTS, INJURIES);
    let short: String =
        exposure().lines().filter(|l| !l.starts_with("PARKS,2025-12")).map(|l| format!("{l}\n")).collect();
    fs::write(data.join("exposure.csv"), short).unwrap();
    let out = dir.path().join("out");
    let (code, text) = run(&data, &out);
    let (_, rows) = table(&out.join("osha/2025/ita_validation.csv"));
    let warning = rows.iter().find(|r| r["establishment"] == "PK" && r["field"] == "total_hours_worked");
    assert!(warning.is_some_and(|w| w["problem"].contains("11 months")), "{rows:?}");
    assert_eq!(code, 1, "{text}");
}
