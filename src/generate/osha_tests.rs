//! Tests of the generator's OSHA side: the establishments it writes pass
//! `riskrank osha`'s pre-validation with no error in every year, their
//! figures add up to the department's exposure, every case names one of
//! its own department's establishments and a type where its nature code
//! gives none, and the free text it writes names nobody.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use super::establishments::needs_type;
use super::sites::{LOCATIONS, PLACES, PROFILES, STREETS, all_job_classes};
use super::wcio::{CAUSES, FOLLOW_UPS, REMARKS, body_word, nature_word};
use super::*;
use crate::ingest::LoadOptions;
use crate::osha::checks::Severity;
use crate::osha::log::NOT_CARRIED;
use crate::schema::OshaClass;

/// 60 departments (the table's 49 and 11 districts), 2 years to June 2025:
/// 2023 and 2025 are partial, 2024 whole.
fn params() -> GenerateParams {
    GenerateParams {
        departments: 60,
        years: 2,
        scale: 0.3,
        end: crate::schema::Month::new(2025, 6).unwrap(),
        ..GenerateParams::default()
    }
}

fn records(path: &Path) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    reader.records().map(|r| header.iter().cloned().zip(r.unwrap().iter().map(String::from)).collect()).collect()
}

/// Establishment id → department, from the standing rows.
fn departments_of(dir: &Path) -> BTreeMap<String, String> {
    let rows = records(&dir.join(ESTABLISHMENTS_FILE));
    rows.iter()
        .filter(|r| r["year"].is_empty())
        .map(|r| (r["establishment"].clone(), r["department"].clone()))
        .collect()
}

fn check_year(dir: &Path, year: i32, partial: bool) -> crate::osha::OshaRun {
    let out = tempfile::tempdir().unwrap();
    let run = crate::osha::run(dir, &LoadOptions::new(None), year, out.path()).unwrap();
    let errors: Vec<_> = run.findings.iter().filter(|f| f.severity == Severity::Error).collect();
    assert!(errors.is_empty(), "{year}: {errors:#?}");
    for f in run.findings.iter().filter(|f| f.severity == Severity::Warning) {
        let months = partial && f.field == "total_hours_worked" && f.problem.contains("months of exposure.csv");
        assert!(NOT_CARRIED.contains(&f.field.as_str()) || months, "{year}: {f:?}");
    }
    run
}

#[test]
fn generated_establishments_pass_the_pre_validation_every_year() {
    for (with_exposure, with_departments) in [(true, true), (false, false)] {
        let dir = tempfile::tempdir().unwrap();
        let params = GenerateParams { with_exposure, with_departments, ..params() };
        let summary = write(&params, dir.path()).unwrap();
        assert!(summary.establishments > params.departments);
        for (year, partial) in [(2023, true), (2024, false), (2025, true)] {
            let run = check_year(dir.path(), year, partial);
            assert!(run.rows.len() > params.departments, "{year}: {} establishments", run.rows.len());
            assert!(run.rows.iter().all(|r| r.get("ein") == run.rows[0].get("ein")), "one employer");
            assert!(run.rows.iter().all(|r| r.get("establishment_type") == "3" && r.get("state") == "CA"));
        }
    }
}

#[test]
fn establishments_are_one_to_three_per_department_and_their_figures_add_up() {
    let dir = tempfile::tempdir().unwrap();
    write(&params(), dir.path()).unwrap();
    let of = departments_of(dir.path());
    let mut per_department: BTreeMap<&str, usize> = BTreeMap::new();
    for d in of.values() {
        *per_department.entry(d).or_default() += 1;
    }
    assert_eq!(per_department.len(), 60);
    let window = Window::new(&params()).unwrap();
    let depts = build_departments(&GenerateParams { departments: 130, ..params() }, &window);
    assert!(depts.iter().all(|d| super::sites::profile(d.base_code).is_some()), "every department has a profile");
    assert!(per_department.values().all(|n| (1..=3).contains(n)), "{per_department:?}");
    assert!(per_department.values().any(|&n| n == 3) && per_department.values().any(|&n| n == 1));
    let run = check_year(dir.path(), 2024, false);
    // The department's figures as `riskrank osha` takes a sole establishment's from exposure.
    let mut hours: BTreeMap<&str, f64> = BTreeMap::new();
    let mut heads: BTreeMap<&str, (f64, usize)> = BTreeMap::new();
    for m in &run.loaded.exposure {
        *hours.entry(&m.department).or_default() += m.hours_worked;
        let h = heads.entry(&m.department).or_default();
        h.0 += m.headcount.unwrap();
        h.1 += 1;
    }
    let mut sums: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for row in &run.rows {
        let employees: u64 = row.get("annual_average_employees").parse().unwrap();
        let worked: u64 = row.get("total_hours_worked").parse().unwrap();
        let per = worked as f64 / employees as f64;
        assert!((1500.0..3000.0).contains(&per), "{}: {per} hours per employee", row.establishment);
        let s = sums.entry(&of[&row.establishment]).or_default();
        s.0 += employees;
        s.1 += worked;
    }
    for (d, (employees, worked)) in sums {
        let (total, months) = heads[d];
        assert_eq!(months, 12);
        assert_eq!(worked, hours[d].floor() as u64, "{d}");
        assert_eq!(employees, (total / 12.0).ceil() as u64, "{d}");
    }
}

#[test]
fn every_case_names_an_establishment_of_its_department_and_a_type_where_the_code_gives_none() {
    let dir = tempfile::tempdir().unwrap();
    write(&GenerateParams { bad_rows: 30, ..params() }, dir.path()).unwrap();
    let of = departments_of(dir.path());
    // Flexible: the planted bad rows include ragged ones; they too name
    // their department's establishment.
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_path(dir.path().join(INJURIES_FILE)).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (mut typed, mut cases) = (0, 0);
    for row in reader.records().map(Result::unwrap).filter(|r| r.len() == header.len()) {
        let (Ok(class), department) = (row[col("osha_class")].parse::<OshaClass>(), &row[col("department")]) else {
            continue;
        };
        if department.is_empty() || department == "ZZZ" {
            continue;
        }
        cases += 1;
        let establishment = &row[col("establishment")];
        assert_eq!(of.get(establishment).map(String::as_str), Some(department), "{:?}", row);
        assert!(!row[col("job_title")].is_empty() && !row[col("incident_location")].is_empty(), "{row:?}");
        let nature = row[col("nature_code")].parse::<u16>().ok();
        let given = !row[col("injury_type")].is_empty();
        assert_eq!(given, needs_type(class, nature), "{row:?}");
        typed += usize::from(given);
        let inferred = nature.and_then(crate::osha::injury_type::from_nature).is_some();
        assert!(!class.is_recordable() || given || inferred, "an untyped recordable case: {row:?}");
    }
    assert!(cases > 1000 && typed > 10, "{typed} typed of {cases}");
}

/// The words the generator builds its free text from.
fn vocabulary() -> BTreeSet<String> {
    let mut text: Vec<String> = Vec::new();
    for cause in &CAUSES {
        text.extend(cause.phrases.iter().flat_map(|p| p.iter()).map(|s| s.to_string()));
        text.extend(cause.natures.iter().map(|(n, _)| nature_word(*n).to_string()));
        text.extend(cause.bodies.iter().map(|(b, _)| body_word(*b).to_string()));
    }
    text.extend(REMARKS.iter().chain(&FOLLOW_UPS).chain(&PLACES).chain(&STREETS).map(|s| s.to_string()));
    text.extend(LOCATIONS.iter().flatten().flat_map(|l| l.iter()).map(|s| s.to_string()));
    text.extend(PROFILES.iter().flat_map(|p| p.sites.iter()).map(|s| s.short.to_string()));
    text.extend(all_job_classes().map(|c| super::sites::job_title(c).to_string()));
    // describe()'s own words and the street block.
    text.push("first aid on site near miss no injury said follow-up block of".to_string());
    text.iter().flat_map(|t| words(t)).collect()
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty() && !w.bytes().all(|b| b.is_ascii_digit()) && !w.starts_with('{'))
        .map(String::from)
        .collect()
}

#[test]
fn the_free_text_names_nobody() {
    let dir = tempfile::tempdir().unwrap();
    write(&GenerateParams { departments: 60, years: 1, ..GenerateParams::default() }, dir.path()).unwrap();
    let known = vocabulary();
    let rows = records(&dir.path().join(INJURIES_FILE));
    assert!(rows.len() > 5000);
    for row in &rows {
        let description = &row["description"];
        // A name is written with a capital; the only capitals are an acronym.
        let capitals: Vec<String> = words(description).into_iter().filter(|w| w != "MRI").collect();
        assert!(capitals.iter().all(|w| w.chars().all(|c| !c.is_uppercase())), "{description}");
        for field in ["description", "job_title", "incident_location"] {
            let unknown: Vec<String> = words(&row[field]).into_iter().filter(|w| !known.contains(w)).collect();
            assert!(unknown.is_empty(), "{field} {:?}: {unknown:?}", row[field]);
        }
    }
}
