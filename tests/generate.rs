//! Tests of `riskrank generate`: determinism, the contract headers, the
//! injected bad rows (each line named in bad_rows.csv holds a row with
//! exactly that one defect, every other row is clean) and the truth.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::path::Path;

use assert_cmd::Command;
use riskrank::generate::{GenerateParams, write};
use riskrank::schema::{
    ClaimStatus, Month, OshaClass, ScalarError, parse_bool, parse_code, parse_count, parse_date, parse_money,
    parse_month, parse_number,
};

const INJURY_HEADER: &str = "case_id,department,event_date,osha_class,days_away,days_restricted,cause_code,\
nature_code,body_part_code,job_class,employee_id,description,establishment,injury_type,job_title,incident_location";
const CLAIM_HEADER: &str = "claim_id,case_id,department,injury_date,reported_date,valuation_date,status,\
closed_date,paid_medical,paid_indemnity,paid_expense,reserve,litigated,cause_code,nature_code,body_part_code,\
job_class,employee_id,initial_incurred";
const EXPOSURE_HEADER: &str = "department,month,hours_worked,headcount,payroll";

fn small(seed: u64, bad_rows: usize) -> GenerateParams {
    GenerateParams { seed, departments: 6, years: 2, bad_rows, scale: 0.3, ..GenerateParams::default() }
}

fn generate(params: &GenerateParams) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(params, dir.path()).unwrap();
    dir
}

fn cli(dir: &Path, args: &[&str]) -> String {
    let out = Command::cargo_bin("riskrank")
        .unwrap()
        .arg("generate")
        .args(args)
        .arg("--out")
        .arg(dir)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).unwrap()
}

fn all_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (e.file_name().to_string_lossy().into_owned(), fs::read(e.path()).unwrap())
        })
        .collect()
}

/// One record of a data file: its fields (as the csv crate reads them), the
/// physical line where it starts and its raw text.
struct RawRecord {
    fields: Vec<String>,
    line: u64,
    raw: String,
}

fn records(path: &Path) -> (Vec<String>, Vec<RawRecord>) {
    let bytes = fs::read(path).unwrap();
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
    let mut starts = Vec::new();
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let start = reader.position().byte() as usize;
        if !reader.read_record(&mut record).unwrap() {
            break;
        }
        starts.push(start);
        rows.push(record.iter().map(str::to_string).collect::<Vec<_>>());
    }
    starts.push(bytes.len());
    // Physical lines, counted independently of the csv crate.
    let mut line = 1 + bytes[..starts[0]].iter().filter(|&&c| c == b'\n').count() as u64;
    let records = rows
        .into_iter()
        .enumerate()
        .map(|(i, fields)| {
            let raw = &bytes[starts[i]..starts[i + 1]];
            let record = RawRecord {
                fields,
                line,
                raw: String::from_utf8(raw.to_vec()).unwrap().trim_end_matches('\n').to_string(),
            };
            line += raw.iter().filter(|&&c| c == b'\n').count() as u64;
            record
        })
        .collect();
    (header, records)
}

/// RFC 4180 quoting: a quoted field runs to a closing quote followed by a
/// comma or the end; an unquoted field contains no quote.
fn quoting_ok(raw: &str) -> bool {
    let b = raw.as_bytes();
    let mut i = 0;
    loop {
        if b.get(i) == Some(&b'"') {
            i += 1;
            loop {
                match b.get(i) {
                    None => return false,
                    Some(b'"') if b.get(i + 1) == Some(&b'"') => i += 2,
                    Some(b'"') => {
                        i += 1;
                        break;
                    }
                    Some(_) => i += 1,
                }
            }
            match b.get(i) {
                None => return true,
                Some(b',') => i += 1,
                Some(_) => return false,
            }
        } else {
            let end = b[i..].iter().position(|&c| c == b',').map_or(b.len(), |p| i + p);
            if b[i..end].contains(&b'"') || b[i..end].contains(&b'\n') {
                return false;
            }
            if end == b.len() {
                return true;
            }
            i = end + 1;
        }
    }
}

/// What the validator knows.
struct Ctx {
    departments: Option<HashSet<String>>,
    start: Month,
    end: Month,
}

impl Ctx {
    fn load(dir: &Path, params: &GenerateParams) -> Ctx {
        let departments = params.with_departments.then(|| {
            let (_, rows) = records(&dir.join("departments.csv"));
            rows.into_iter().map(|r| r.fields[0].clone()).collect()
        });
        Ctx { departments, start: params.end.plus(1 - 12 * params.years as i32), end: params.end }
    }

    fn unknown(&self, dept: &str) -> bool {
        !dept.is_empty() && self.departments.as_ref().is_some_and(|d| !d.contains(dept))
    }
}

/// Collects the defects of one value.
#[derive(Default)]
struct Defects(Vec<&'static str>);

impl Defects {
    fn add(&mut self, kind: &'static str) {
        if !self.0.contains(&kind) {
            self.0.push(kind);
        }
    }

    fn scalar<T>(&mut self, value: &str, parse: impl Fn(&str) -> Result<T, ScalarError>) -> Option<T> {
        if value.is_empty() {
            return None;
        }
        match parse(value) {
            Ok(v) => Some(v),
            Err(ScalarError::Unparsable(..)) => {
                self.add("unparsable_value");
                None
            }
            Err(ScalarError::OutOfRange(..)) => {
                self.add("out_of_range");
                None
            }
        }
    }

    fn required(&mut self, fields: &[String], idx: &[usize]) {
        if idx.iter().any(|&i| fields[i].is_empty()) {
            self.add("missing_value");
        }
    }

    fn date(&mut self, value: &str, ctx: &Ctx, good_window: &mut bool) -> Option<jiff::civil::Date> {
        let date = self.scalar(value, parse_date)?;
        if Month::of(date) > ctx.end {
            self.add("future_date");
        }
        if Month::of(date) < ctx.start {
            *good_window = false;
        }
        Some(date)
    }
}

/// Checks every record of a data file: a record named in bad_rows.csv must
/// have exactly that one defect, every other record none (and stay inside
/// the window). Returns the kinds seen.
fn check_file(dir: &Path, name: &str, ctx: &Ctx, bad: &HashMap<(String, u64), String>) -> Vec<String> {
    let (header, rows) = records(&dir.join(name));
    let expected_header = match name {
        "injuries.csv" => INJURY_HEADER,
        "claims.csv" => CLAIM_HEADER,
        _ => EXPOSURE_HEADER,
    };
    assert_eq!(header.join(","), expected_header, "{name}");
    let mut seen = HashSet::new();
    let mut kinds = Vec::new();
    for row in &rows {
        let (d, in_window) = record_defects(name, row, header.len(), ctx, &mut seen);
        match bad.get(&(name.to_string(), row.line)) {
            Some(kind) => {
                assert_eq!(d.0, [kind.as_str()], "{name} line {}: {}", row.line, row.raw);
                assert!(!row.raw.contains('\n'), "a bad row stays on one line");
                kinds.push(kind.clone());
            }
            None => {
                assert!(d.0.is_empty(), "{name} line {} should be clean, has {:?}: {}", row.line, d.0, row.raw);
                assert!(in_window, "{name} line {} is outside the window", row.line);
            }
        }
    }
    kinds
}

/// The defects of one record of `name` (`width` columns), and whether its
/// dates lie inside the window. `seen` holds the ids (exposure: keys) of
/// the earlier records, for duplicates.
fn record_defects(name: &str, row: &RawRecord, width: usize, ctx: &Ctx, seen: &mut HashSet<String>) -> (Defects, bool) {
    let f = &row.fields;
    let mut d = Defects::default();
    let mut in_window = true;
    if !quoting_ok(&row.raw) {
        d.add("malformed_quoting");
    }
    if f.len() != width {
        d.add("wrong_field_count");
        return (d, in_window);
    }
    let key = match name {
        "injuries.csv" => injury_defects(f, ctx, &mut d, &mut in_window),
        "claims.csv" => claim_defects(f, row.line, ctx, &mut d, &mut in_window),
        _ => exposure_defects(f, ctx, &mut d, &mut in_window),
    };
    if !key.is_empty() && !key.starts_with('|') && !key.ends_with('|') && !seen.insert(key.clone()) {
        d.add("duplicate_id");
    }
    (d, in_window)
}

/// The defects of a full-width injuries.csv record; returns its id.
fn injury_defects(f: &[String], ctx: &Ctx, d: &mut Defects, in_window: &mut bool) -> String {
    d.required(f, &[0, 1, 2, 3]);
    if ctx.unknown(&f[1]) {
        d.add("unknown_department");
    }
    d.date(&f[2], ctx, in_window);
    if !f[3].is_empty() && f[3].parse::<OshaClass>().is_err() {
        d.add("unknown_enum");
    }
    for days in [&f[4], &f[5]] {
        if d.scalar(days, parse_count).is_some_and(|n| n > 180) {
            d.add("out_of_range");
        }
    }
    for code in &f[6..9] {
        d.scalar(code, parse_code);
    }
    f[0].clone()
}

/// The defects of a full-width claims.csv record starting on `line`; a
/// claim without any must also be internally consistent. Returns its id.
fn claim_defects(f: &[String], line: u64, ctx: &Ctx, d: &mut Defects, in_window: &mut bool) -> String {
    d.required(f, &[0, 2, 3, 6]);
    if ctx.unknown(&f[2]) {
        d.add("unknown_department");
    }
    let injury = d.date(&f[3], ctx, in_window);
    let reported = d.date(&f[4], ctx, in_window);
    d.date(&f[5], ctx, in_window);
    let closed = d.date(&f[7], ctx, in_window);
    let status = (!f[6].is_empty()).then(|| f[6].parse::<ClaimStatus>().ok()).flatten();
    if !f[6].is_empty() && status.is_none() {
        d.add("unknown_enum");
    }
    let money: Vec<_> = f[8..12].iter().map(|m| d.scalar(m, parse_money)).collect();
    let initial = d.scalar(&f[18], parse_money);
    d.scalar(&f[12], parse_bool);
    for code in &f[13..16] {
        d.scalar(code, parse_code);
    }
    if let (Some(i), Some(r)) = (injury, reported)
        && r < i
    {
        d.add("reported_before_injury");
    }
    if status == Some(ClaimStatus::Closed) && f[7].is_empty() {
        d.add("closed_without_date");
    }
    if d.0.is_empty() {
        // Good claims are also internally consistent.
        let s = status.unwrap();
        let reserve = money[3].unwrap();
        assert_eq!(s.is_open(), reserve.0 > 0, "line {line}: {f:?}");
        if let (Some(c), Some(r)) = (closed, reported) {
            assert!(c > r, "line {line}");
        }
        assert_eq!(s == ClaimStatus::Open, closed.is_none(), "line {line}");
        // The case estimate at report: whole dollars, at least $250.
        let initial = initial.unwrap();
        assert!(initial.0 >= 25_000 && initial.0 % 100 == 0, "line {line}: {f:?}");
    }
    f[0].clone()
}

/// The defects of a full-width exposure.csv record; returns its
/// (department, month) key.
fn exposure_defects(f: &[String], ctx: &Ctx, d: &mut Defects, in_window: &mut bool) -> String {
    d.required(f, &[0, 1, 2]);
    if ctx.unknown(&f[0]) {
        d.add("unknown_department");
    }
    if let Some(m) = d.scalar(&f[1], parse_month) {
        if m > ctx.end {
            d.add("future_date");
        }
        if m < ctx.start {
            *in_window = false;
        }
    }
    if d.scalar(&f[2], parse_number).is_some_and(|h| h <= 0.0) {
        d.add("out_of_range");
    }
    if d.scalar(&f[3], parse_number).is_some_and(|h| h < 0.0) {
        d.add("out_of_range");
    }
    d.scalar(&f[4], parse_money);
    format!("{}|{}", f[0], f[1])
}

fn bad_rows(dir: &Path) -> Vec<(String, u64, String)> {
    let (header, rows) = records(&dir.join("bad_rows.csv"));
    assert_eq!(header, ["file", "line", "kind"]);
    rows.into_iter().map(|r| (r.fields[0].clone(), r.fields[1].parse().unwrap(), r.fields[2].clone())).collect()
}

/// Validates a whole folder; returns the (file, kind) pairs of its bad rows.
fn check_folder(dir: &Path, params: &GenerateParams) -> HashSet<(String, String)> {
    let listed = bad_rows(dir);
    assert_eq!(listed.len(), params.bad_rows);
    let mut sorted = listed.clone();
    sorted.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    assert_eq!(listed, sorted, "bad_rows.csv is sorted by file then line");
    let map: HashMap<(String, u64), String> = listed.iter().map(|(f, l, k)| ((f.clone(), *l), k.clone())).collect();
    assert_eq!(map.len(), listed.len());
    let ctx = Ctx::load(dir, params);
    let mut files = vec!["injuries.csv", "claims.csv"];
    if params.with_exposure {
        files.push("exposure.csv");
    }
    let mut found = 0;
    for name in files {
        found += check_file(dir, name, &ctx, &map).len();
    }
    assert_eq!(found, listed.len(), "every listed line holds a record");
    listed.into_iter().map(|(f, _, k)| (f, k)).collect()
}

const ALL_KINDS: [&str; 11] = [
    "missing_value",
    "unparsable_value",
    "out_of_range",
    "unknown_enum",
    "unknown_department",
    "duplicate_id",
    "future_date",
    "reported_before_injury",
    "closed_without_date",
    "wrong_field_count",
    "malformed_quoting",
];

fn applicable(params: &GenerateParams) -> HashSet<(String, String)> {
    let mut pairs = HashSet::new();
    for kind in ALL_KINDS {
        for file in ["injuries.csv", "claims.csv", "exposure.csv"] {
            let applies = match kind {
                "unknown_enum" => file != "exposure.csv",
                "unknown_department" => params.with_departments,
                "reported_before_injury" | "closed_without_date" => file == "claims.csv",
                _ => true,
            } && (file != "exposure.csv" || params.with_exposure);
            if applies {
                pairs.insert((file.to_string(), kind.to_string()));
            }
        }
    }
    pairs
}

#[test]
fn same_seed_gives_byte_identical_files_and_another_seed_differs() {
    let (a, b, c) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let args = ["--seed", "3", "--departments", "5", "--years", "2", "--bad-rows", "35", "--injuries-scale", "0.3"];
    let summary = cli(a.path(), &args);
    assert!(summary.contains("injuries.csv") && summary.contains("35 bad rows"), "{summary}");
    cli(b.path(), &args);
    let (fa, fb) = (all_files(a.path()), all_files(b.path()));
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    assert_eq!(fa.len(), 9, "{:?}", fa.keys());
    for (name, bytes) in &fa {
        assert!(bytes == &fb[name], "{name} differs between two runs with the same seed");
    }
    let mut other = args;
    other[1] = "4";
    cli(c.path(), &other);
    let fc = all_files(c.path());
    for name in ["injuries.csv", "claims.csv", "exposure.csv", "truth.csv", "bad_rows.csv"] {
        assert!(fa[name] != fc[name], "{name} is the same for seeds 3 and 4");
    }
}

#[test]
fn every_file_parses_with_the_contract_header() {
    let params = small(1, 0);
    let dir = generate(&params);
    for (name, header) in [
        ("injuries.csv", INJURY_HEADER),
        ("claims.csv", CLAIM_HEADER),
        ("exposure.csv", EXPOSURE_HEADER),
        ("departments.csv", "department,name,group"),
        (
            "establishments.csv",
            "establishment,department,year,name,street_address,city,state,zip,naics_code,industry_description,ein,\
             company_name,establishment_type,annual_average_employees,total_hours_worked",
        ),
        ("truth.csv", "department,month,hours,expected_recordable,expected_incurred"),
        (
            "truth_departments.csv",
            "department,group,base,group_effect,department_effect,seasonal_amplitude,trend,break_month,break_size",
        ),
        ("bad_rows.csv", "file,line,kind"),
    ] {
        // Without bad rows every file is rectangular: the strict reader accepts it.
        let mut reader = csv::Reader::from_path(dir.path().join(name)).unwrap();
        assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>().join(","), header, "{name}");
        let mut n = 0;
        for record in reader.records() {
            record.unwrap();
            n += 1;
        }
        assert!(n > 0 || name == "bad_rows.csv", "{name} is empty");
    }
    assert_eq!(fs::read_to_string(dir.path().join("bad_rows.csv")).unwrap(), "file,line,kind\n");
    let json: serde_json::Value = serde_json::from_slice(&fs::read(dir.path().join("params.json")).unwrap()).unwrap();
    assert_eq!(json["seed"], 1);
    assert_eq!(json["end"], "2025-12");
    check_folder(dir.path(), &params);
}

#[test]
fn bad_rows_have_exactly_their_defect_and_cover_every_kind() {
    let params = small(2, 40);
    let dir = generate(&params);
    let kinds = check_folder(dir.path(), &params);
    assert_eq!(kinds, applicable(&params));
    assert_eq!(kinds.len(), 28);
}

#[test]
fn bad_rows_without_departments_or_exposure() {
    let params = GenerateParams { with_departments: false, with_exposure: false, ..small(5, 30) };
    let dir = generate(&params);
    assert!(!dir.path().join("departments.csv").exists() && !dir.path().join("exposure.csv").exists());
    let kinds = check_folder(dir.path(), &params);
    assert_eq!(kinds, applicable(&params));
    assert_eq!(kinds.len(), 18);
    assert!(!kinds.iter().any(|(_, k)| k == "unknown_department"));

    let params = GenerateParams { with_departments: false, ..small(6, 30) };
    let dir = generate(&params);
    let kinds = check_folder(dir.path(), &params);
    assert_eq!(kinds, applicable(&params));
    assert_eq!(kinds.len(), 25);
}

#[test]
fn another_end_month_moves_the_window() {
    let params = GenerateParams { end: Month::new(2012, 6).unwrap(), years: 1, ..small(12, 30) };
    let dir = generate(&params);
    check_folder(dir.path(), &params);
    let (_, truth) = records(&dir.path().join("truth.csv"));
    assert_eq!(truth.first().unwrap().fields[1], "2011-07");
    assert_eq!(truth.last().unwrap().fields[1], "2012-06");
    let (_, claims) = records(&dir.path().join("claims.csv"));
    assert!(claims.iter().filter(|r| !r.fields[0].starts_with("BAD")).all(|r| r.fields[5] == "2012-06-30"));
}

#[test]
fn without_any_good_row_a_duplicate_becomes_a_missing_value() {
    // So few expected cases that injuries.csv and claims.csv get no good row.
    let params = GenerateParams { departments: 1, years: 1, scale: 1e-9, ..small(13, 30) };
    let dir = generate(&params);
    let kinds = check_folder(dir.path(), &params);
    assert!(kinds.contains(&("exposure.csv".to_string(), "duplicate_id".to_string())));
    assert!(!kinds.contains(&("injuries.csv".to_string(), "duplicate_id".to_string())));
    assert!(!kinds.contains(&("claims.csv".to_string(), "duplicate_id".to_string())));
}

#[test]
fn bad_rows_leave_the_good_rows_alone() {
    let clean = generate(&small(8, 0));
    let dirty = generate(&small(8, 45));
    let listed: HashSet<(String, u64)> = bad_rows(dirty.path()).into_iter().map(|(f, l, _)| (f, l)).collect();
    for name in ["injuries.csv", "claims.csv", "exposure.csv"] {
        let (_, a) = records(&clean.path().join(name));
        let (_, b) = records(&dirty.path().join(name));
        let b: Vec<_> = b.into_iter().filter(|r| !listed.contains(&(name.to_string(), r.line))).collect();
        assert_eq!(a.len(), b.len(), "{name}");
        assert!(a.iter().zip(&b).all(|(x, y)| x.fields == y.fields), "{name}: good rows changed");
    }
    for name in ["truth.csv", "truth_departments.csv", "departments.csv"] {
        assert_eq!(fs::read(clean.path().join(name)).unwrap(), fs::read(dirty.path().join(name)).unwrap(), "{name}");
    }
}

#[test]
fn truth_matches_the_observed_counts() {
    let params = GenerateParams { seed: 9, departments: 12, years: 2, scale: 0.5, ..GenerateParams::default() };
    let dir = generate(&params);
    let (_, truth) = records(&dir.path().join("truth.csv"));
    assert_eq!(truth.len(), 12 * 24);
    let expected: f64 = truth.iter().map(|r| r.fields[3].parse::<f64>().unwrap()).sum();
    let expected_incurred: f64 = truth.iter().map(|r| r.fields[4].parse::<f64>().unwrap()).sum();
    let (_, injuries) = records(&dir.path().join("injuries.csv"));
    let mut days_away = 0;
    let recordable = injuries
        .iter()
        .filter(|r| {
            let class: OshaClass = r.fields[3].parse().unwrap();
            let away = parse_count(&r.fields[4]).unwrap();
            let restricted = parse_count(&r.fields[5]).unwrap();
            assert!(away <= 180 && restricted <= 180);
            assert_eq!(away > 0, class == OshaClass::DaysAway, "{:?}", r.fields);
            if class == OshaClass::Restricted {
                assert!(restricted > 0);
            }
            days_away += away;
            class.is_recordable()
        })
        .count() as f64;
    assert!(days_away > 0);
    let se = expected.sqrt();
    assert!((recordable - expected).abs() < 4.0 * se, "recordable {recordable} vs expected {expected} ± {se}");
    // Incurred is heavy-tailed and a few claims are not reported yet: a loose check.
    let (_, claims) = records(&dir.path().join("claims.csv"));
    let incurred: f64 =
        claims.iter().map(|r| r.fields[8..12].iter().map(|m| parse_money(m).unwrap().dollars()).sum::<f64>()).sum();
    assert!((incurred / expected_incurred - 1.0).abs() < 0.3, "incurred {incurred} vs {expected_incurred}");

    let (header, depts) = records(&dir.path().join("truth_departments.csv"));
    assert_eq!(header[7], "break_month");
    assert_eq!(depts.iter().filter(|r| !r.fields[7].is_empty()).count(), 1, "10% of 12 departments");
}

#[test]
fn initial_estimates_are_noisy_low_and_ranked_with_the_cost() {
    let dir = generate(&GenerateParams { seed: 10, departments: 12, years: 2, ..GenerateParams::default() });
    let (header, claims) = records(&dir.path().join("claims.csv"));
    assert_eq!(header.last().map(String::as_str), Some("initial_incurred"));
    let pairs: Vec<(f64, f64)> = claims
        .iter()
        .map(|r| {
            let incurred: f64 = r.fields[8..12].iter().map(|m| parse_money(m).unwrap().dollars()).sum();
            (parse_money(&r.fields[18]).unwrap().dollars(), incurred)
        })
        .collect();
    assert!(pairs.len() > 1000);
    // Biased low: most first estimates fall short of the cost as valued.
    let short = pairs.iter().filter(|(i, c)| i < c).count() as f64 / pairs.len() as f64;
    assert!(short > 0.6 && short < 0.95, "{short}");
    // Informative but noisy: the estimate orders random pairs of claims
    // like their cost most of the time, far from always.
    let (mut agree, mut total) = (0usize, 0usize);
    for (k, a) in pairs.iter().enumerate() {
        let b = pairs[(k * 7919 + 13) % pairs.len()];
        if a.0 != b.0 && a.1 != b.1 {
            total += 1;
            agree += usize::from((a.0 < b.0) == (a.1 < b.1));
        }
    }
    let concordance = agree as f64 / total as f64;
    assert!(concordance > 0.7 && concordance < 0.95, "{concordance}");
}

#[test]
fn descriptions_exercise_the_reader() {
    let dir = generate(&small(4, 0));
    let (_, rows) = records(&dir.path().join("injuries.csv"));
    let descriptions: Vec<&str> = rows.iter().map(|r| r.fields[11].as_str()).collect();
    assert!(descriptions.iter().any(|d| d.contains('\n')), "an embedded newline");
    assert!(descriptions.iter().any(|d| d.contains('"') && d.contains(',')), "a quote and a comma");
    assert!(rows.iter().all(|r| r.fields[10].starts_with('E') && r.fields[10].len() == 8));
    let multi_line = rows.iter().filter(|r| r.raw.contains('\n')).count();
    assert!(multi_line > 0 && multi_line < rows.len() / 20);
}

#[test]
fn flags_drop_files_and_remove_stale_ones() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["--departments", "3", "--years", "1", "--injuries-scale", "0.2"];
    cli(dir.path(), &args);
    assert!(dir.path().join("exposure.csv").exists() && dir.path().join("departments.csv").exists());
    let out = cli(dir.path(), &[&args[..], &["--no-exposure", "--no-departments"]].concat());
    assert!(out.contains("no exposure.csv"), "{out}");
    assert!(!dir.path().join("exposure.csv").exists() && !dir.path().join("departments.csv").exists());
    // The truth still has the hidden hours.
    let (_, truth) = records(&dir.path().join("truth.csv"));
    assert_eq!(truth.len(), 36);
    assert!(truth.iter().all(|r| r.fields[2].parse::<f64>().unwrap() > 0.0));
    let names: Vec<String> = all_files(dir.path()).into_keys().collect();
    assert!(names.iter().all(|n| !n.starts_with('.')), "no temporary files left: {names:?}");
}

#[test]
fn bad_arguments_fail_plainly() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("riskrank")
        .unwrap()
        .args(["generate", "--years", "0", "--out"])
        .arg(dir.path())
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(out).unwrap();
    assert!(err.contains("years") && err.contains(&dir.path().display().to_string()), "{err}");
    Command::cargo_bin("riskrank")
        .unwrap()
        .args(["generate", "--end", "2025-13", "--out"])
        .arg(dir.path())
        .assert()
        .failure();
}
