//! `riskrank osha` on the bundled `data-samples/`, for its last full
//! calendar year: the 300A totals of every establishment against a recount
//! of injuries.csv made here with the csv crate (and the data contract's
//! nature table, not the code's), the figures against exposure.csv, the
//! ITA files' exact columns, and the pre-validation. The sample holds the
//! generator's planted bad rows (bad_rows.csv); those of the year are
//! quarantined, which the pre-validation rightly reports as its one error.
//! Without them, the data are clean: no error, and warnings only for the
//! ITA case fields the data contract cannot carry.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use common::{riskrank, sample};

/// The ITA 300A upload's columns, in order (data contract §11).
const ITA_300A: [&str; 28] = [
    "establishment_name",
    "ein",
    "company_name",
    "street_address",
    "city",
    "state",
    "zip",
    "naics_code",
    "industry_description",
    "size",
    "establishment_type",
    "year_filing_for",
    "annual_average_employees",
    "total_hours_worked",
    "no_injuries_illnesses",
    "total_deaths",
    "total_dafw_cases",
    "total_djtr_cases",
    "total_other_cases",
    "total_dafw_days",
    "total_djtr_days",
    "total_injuries",
    "total_skin_disorders",
    "total_respiratory_conditions",
    "total_poisonings",
    "total_hearing_loss",
    "total_other_illnesses",
    "change_reason",
];

/// The ITA case file's columns, in order; from `date_of_birth` on, the data
/// contract carries none of them.
const ITA_CASES: [&str; 24] = [
    "establishment_name",
    "year_of_filing",
    "case_number",
    "job_title",
    "date_of_incident",
    "incident_location",
    "incident_description",
    "incident_outcome",
    "dafw_num_away",
    "djtr_num_tr",
    "type_of_incident",
    "date_of_birth",
    "date_of_hire",
    "sex",
    "treatment_facility_type",
    "treatment_in_patient",
    "time_started_work",
    "time_of_incident",
    "time_unknown",
    "nar_before_incident",
    "nar_what_happened",
    "nar_injury_illness",
    "nar_object_substance",
    "date_of_death",
];

/// WCIO nature code → Form 300 column M (1–6), as the data contract's §11
/// table gives it; the codes it calls unmappable are absent.
const NATURE_TYPES: [(u16, usize); 47] = [
    (2, 1),
    (4, 1),
    (7, 1),
    (10, 1),
    (13, 1),
    (16, 1),
    (19, 1),
    (22, 1),
    (25, 1),
    (28, 1),
    (31, 1),
    (34, 1),
    (36, 1),
    (37, 1),
    (40, 1),
    (43, 1),
    (46, 1),
    (47, 1),
    (49, 1),
    (52, 1),
    (53, 1),
    (54, 1),
    (55, 1),
    (58, 1),
    (59, 1),
    (90, 1),
    (68, 2),
    (60, 3),
    (61, 3),
    (62, 3),
    (63, 3),
    (64, 3),
    (65, 3),
    (83, 3),
    (42, 4),
    (66, 4),
    (67, 4),
    (72, 5),
    (30, 6),
    (32, 6),
    (69, 6),
    (70, 6),
    (71, 6),
    (74, 6),
    (75, 6),
    (77, 6),
    (79, 6),
];

/// A CSV row by column name.
type Row = BTreeMap<String, String>;

/// The last calendar year the sample covers in full, from the generator's params.json.
fn last_full_year() -> i32 {
    let params: serde_json::Value = serde_json::from_slice(&fs::read(sample().join("params.json")).unwrap()).unwrap();
    let end = params["end"].as_str().unwrap();
    let (year, month) = end.split_once('-').unwrap();
    let year: i32 = year.parse().unwrap();
    if month == "12" { year } else { year - 1 }
}

/// The lines bad_rows.csv lists, per file.
fn planted() -> BTreeMap<String, BTreeSet<u64>> {
    let mut out: BTreeMap<String, BTreeSet<u64>> = BTreeMap::new();
    for r in csv::Reader::from_path(sample().join("bad_rows.csv")).unwrap().records() {
        let r = r.unwrap();
        out.entry(r[0].to_string()).or_default().insert(r[1].parse().unwrap());
    }
    out
}

/// A sample data file's header and records, each with the physical line
/// it starts on (counted here from the bytes, as bad_rows.csv counts).
fn numbered_records(name: &str) -> (Vec<String>, Vec<(u64, csv::StringRecord)>) {
    let bytes = fs::read(sample().join(name)).unwrap();
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let (mut out, mut record) = (Vec::new(), csv::StringRecord::new());
    let (mut counted, mut line) = (0, 1);
    loop {
        let start = reader.position().byte() as usize;
        if !reader.read_record(&mut record).unwrap() {
            break;
        }
        line += bytes[counted..start].iter().filter(|&&b| b == b'\n').count() as u64;
        counted = start;
        out.push((line, record.clone()));
    }
    (header, out)
}

/// The records of a data file that are not planted bad rows, as (header
/// → value) maps.
fn good_records(name: &str) -> Vec<Row> {
    let skip = planted().remove(name).unwrap_or_default();
    let (header, records) = numbered_records(name);
    let mut out = Vec::new();
    for (line, record) in records.into_iter().filter(|(line, _)| !skip.contains(line)) {
        assert_eq!(record.len(), header.len(), "{name} line {line} is not a planted row but is ragged");
        out.push(header.iter().cloned().zip(record.iter().map(String::from)).collect());
    }
    out
}

/// Reads an output CSV (its byte-order mark dropped) into its header and rows.
fn output(path: &Path) -> (Vec<String>, Vec<Row>) {
    let text = fs::read_to_string(path).unwrap();
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader.records().map(|r| header.iter().cloned().zip(r.unwrap().iter().map(String::from)).collect());
    (header.clone(), rows.collect())
}

/// `riskrank osha --year` on `data` into `out`: the exit code and the year's folder.
fn osha(data: &Path, out: &Path, year: i32) -> (i32, PathBuf) {
    let done = riskrank()
        .args(["osha", "--year", &year.to_string(), "--data"])
        .arg(data)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    let code = done.status.code().unwrap_or(-1);
    assert!(matches!(code, 1 | 2), "{}", String::from_utf8_lossy(&done.stderr));
    (code, out.join("osha").join(year.to_string()))
}

/// The sample without its planted bad rows.
fn clean_copy(dir: &Path) -> PathBuf {
    let data = dir.join("clean");
    fs::create_dir_all(&data).unwrap();
    let planted = planted();
    for entry in fs::read_dir(sample()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = fs::read(&path).unwrap();
        let Some(lines) = planted.get(&name) else {
            fs::write(data.join(&name), bytes).unwrap();
            continue;
        };
        // Bad rows are single lines; good records may span several.
        let text = String::from_utf8(bytes).unwrap();
        let kept: Vec<&str> = text
            .split_inclusive('\n')
            .enumerate()
            .filter(|(i, _)| !lines.contains(&(*i as u64 + 1)))
            .map(|(_, l)| l)
            .collect();
        fs::write(data.join(&name), kept.concat()).unwrap();
    }
    data
}

/// Findings of `ita_validation.csv`, split into errors and warnings.
fn findings(dir: &Path) -> (Vec<Row>, Vec<Row>) {
    let (_, rows) = output(&dir.join("ita_validation.csv"));
    rows.into_iter().partition(|r| r["severity"] == "error")
}

fn assert_only_uncarried_warnings(warnings: &[Row]) {
    let not_carried: BTreeSet<&str> = ITA_CASES[11..].iter().copied().collect();
    for w in warnings {
        assert!(not_carried.contains(w["field"].as_str()), "a warning the data could have avoided: {w:?}");
        assert!(w["problem"].contains("carries no such column"), "{w:?}");
    }
    let fields: BTreeSet<&str> = warnings.iter().map(|w| w["field"].as_str()).collect();
    assert_eq!(fields, not_carried, "each never-carried field is named once");
}

#[test]
fn the_sample_passes_the_pre_validation_but_for_its_planted_rows() {
    let year = last_full_year();
    let tmp = tempfile::tempdir().unwrap();
    let (code, dir) = osha(&sample(), &tmp.path().join("raw"), year);
    assert_eq!(code, 2, "the planted rows of the year are an error");
    let (errors, warnings) = findings(&dir);
    // The planted injuries rows of the year, or of a date that cannot be
    // read; not the duplicate id, whose first row is on the forms.
    let lines: BTreeSet<u64> = csv::Reader::from_path(sample().join("bad_rows.csv"))
        .unwrap()
        .records()
        .map(|r| r.unwrap())
        .filter(|r| &r[0] == "injuries.csv" && &r[2] != "duplicate_id")
        .map(|r| r[1].parse().unwrap())
        .collect();
    let (header, records) = numbered_records("injuries.csv");
    let at = header.iter().position(|h| h == "event_date").unwrap();
    let mut of_year = 0;
    for (_, r) in records.iter().filter(|(line, _)| lines.contains(line)) {
        let date = r.get(at).unwrap_or("");
        if date.get(..4).is_none_or(|y| y == year.to_string() || y.parse::<i32>().is_err()) {
            of_year += 1;
        }
    }
    assert!(of_year > 0, "the sample plants bad rows in {year}");
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0]["field"], "injuries.csv");
    assert!(errors[0]["problem"].starts_with(&format!("{of_year} rows of injuries.csv")), "{:?}", errors[0]);
    assert_only_uncarried_warnings(&warnings);

    let (code, clean) = osha(&clean_copy(tmp.path()), &tmp.path().join("clean-out"), year);
    assert_eq!(code, 1, "warnings only");
    let (errors, warnings) = findings(&clean);
    assert!(errors.is_empty(), "{errors:#?}");
    assert_only_uncarried_warnings(&warnings);
    // The planted rows never count, so the forms are the same with or without them.
    for file in ["form_300a.csv", "ita_300a.csv", "form_300.csv", "ita_cases.csv"] {
        assert!(fs::read(dir.join(file)).unwrap() == fs::read(clean.join(file)).unwrap(), "{file} differs");
    }
}

/// One establishment's 300A totals: G H I J K L and M1–M6.
#[derive(Debug, Default, PartialEq, Eq, Clone)]
struct Totals([u64; 12]);

/// The 300A totals per establishment, recounted from injuries.csv.
fn recount(year: i32) -> BTreeMap<String, Totals> {
    let types: BTreeMap<u16, usize> = NATURE_TYPES.into_iter().collect();
    let mut out: BTreeMap<String, Totals> = BTreeMap::new();
    for r in good_records("injuries.csv") {
        if !r["event_date"].starts_with(&format!("{year}-")) {
            continue;
        }
        let class = r["osha_class"].as_str();
        let slot = match class {
            "death" => 0,
            "days_away" => 1,
            "restricted" => 2,
            "other_recordable" => 3,
            _ => continue,
        };
        let days = |c: &str| r[c].parse::<u64>().unwrap_or(0).min(180);
        // 180 days per case, away and restricted together, days away first.
        let away = days("days_away");
        let restricted = days("days_restricted").min(180 - away);
        let t = &mut out.entry(r["establishment"].clone()).or_default().0;
        t[slot] += 1;
        match class {
            "days_away" => {
                t[4] += away;
                t[5] += restricted;
            }
            "restricted" => t[5] += restricted,
            _ => {}
        }
        let kind = match r["injury_type"].as_str() {
            "" => types[&r["nature_code"].parse::<u16>().unwrap()],
            "injury" => 1,
            "other_illness" | "all_other_illnesses" => 6,
            other => panic!("an injury_type the generator does not write: {other}"),
        };
        t[5 + kind] += 1;
    }
    out
}

fn totals_of(row: &Row, columns: &[&str]) -> Totals {
    let mut t = Totals::default();
    for (slot, c) in t.0.iter_mut().zip(columns) {
        *slot = row[*c].parse().unwrap();
    }
    t
}

#[test]
fn the_300a_totals_equal_a_recount_of_the_injury_log() {
    let year = last_full_year();
    let tmp = tempfile::tempdir().unwrap();
    let (_, dir) = osha(&sample(), tmp.path(), year);
    let want = recount(year);
    assert!(want.values().map(|t| t.0[..4].iter().sum::<u64>()).sum::<u64>() > 1000, "a year of cases");
    assert!(want.values().any(|t| t.0[11] > 0), "the recordkeeper's types are counted");

    let (header, form) = output(&dir.join("form_300a.csv"));
    let form_columns: Vec<&str> = header[12..].iter().map(String::as_str).collect();
    assert_eq!(form_columns.len(), 12);
    let establishments = good_records("establishments.csv");
    let standing: BTreeSet<&str> =
        establishments.iter().filter(|r| r["year"].is_empty()).map(|r| r["establishment"].as_str()).collect();
    let listed: BTreeSet<&str> = form.iter().map(|r| r["establishment"].as_str()).collect();
    assert_eq!(listed, standing, "one row per establishment");
    let mut names = BTreeMap::new();
    for row in &form {
        let id = &row["establishment"];
        assert_eq!(totals_of(row, &form_columns), want.get(id).cloned().unwrap_or_default(), "form_300a {id}");
        names.insert(row["establishment_name"].clone(), id.clone());
    }

    let (header, ita) = output(&dir.join("ita_300a.csv"));
    assert_eq!(header, ITA_300A, "ita_300a.csv has exactly the 28 columns, in order");
    assert_eq!(ita.len(), form.len());
    for row in &ita {
        let id = &names[&row["establishment_name"]];
        let got = totals_of(row, &ITA_300A[15..27]);
        assert_eq!(got, want.get(id).cloned().unwrap_or_default(), "ita_300a {id}");
        let cases: u64 = got.0[..4].iter().sum();
        assert_eq!(row["no_injuries_illnesses"], if cases > 0 { "1" } else { "2" });
        assert_eq!(row["year_filing_for"], year.to_string());
    }
    let (header, cases) = output(&dir.join("ita_cases.csv"));
    assert_eq!(header, ITA_CASES, "ita_cases.csv has exactly the 24 columns, in order");
    assert_eq!(cases.len() as u64, want.values().map(|t| t.0[..4].iter().sum::<u64>()).sum::<u64>());
    assert!(cases.iter().all(|c| !c["job_title"].is_empty() && !c["incident_location"].is_empty()));
}

#[test]
fn the_figures_add_up_to_the_departments_exposure() {
    let year = last_full_year();
    let tmp = tempfile::tempdir().unwrap();
    let (_, dir) = osha(&sample(), tmp.path(), year);
    // OSHA's worksheet: hours summed and rounded down, mean headcount rounded up.
    let mut exposure: BTreeMap<String, (f64, f64, u32)> = BTreeMap::new();
    for r in good_records("exposure.csv").iter().filter(|r| r["month"].starts_with(&format!("{year}-"))) {
        let e = exposure.entry(r["department"].clone()).or_default();
        e.0 += r["hours_worked"].parse::<f64>().unwrap();
        e.1 += r["headcount"].parse::<f64>().unwrap();
        e.2 += 1;
    }
    let (_, form) = output(&dir.join("form_300a.csv"));
    let mut sums: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for row in &form {
        let (employees, hours): (u64, u64) =
            (row["annual_average_employees"].parse().unwrap(), row["total_hours_worked"].parse().unwrap());
        let per = hours as f64 / employees as f64;
        assert!((500.0..8760.0).contains(&per), "{}: {per:.0} hours per employee", row["establishment"]);
        let s = sums.entry(row["department"].clone()).or_default();
        s.0 += employees;
        s.1 += hours;
    }
    assert_eq!(sums.keys().collect::<Vec<_>>(), exposure.keys().collect::<Vec<_>>());
    for (department, (employees, hours)) in sums {
        let (h, heads, months) = exposure[&department];
        assert_eq!(months, 12, "{department}");
        assert_eq!(hours, h.floor() as u64, "{department}: hours");
        assert_eq!(employees, (heads / 12.0).ceil() as u64, "{department}: employees");
    }
}
