//! Tests of `--valuations`: claim_valuations.csv against claims.csv,
//! the shape of every claim's development path, truth_ultimates.csv
//! against a replay of the draws, and the output without the flag.

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use super::cases::CaseWriter;
use super::departments::build_departments;
use super::development::{MIN_RESERVE_CENTS, Reserves, cents};
use super::exposure::build_cells;
use super::params::Window;
use super::random::{CASE_STREAM, OSHA_STREAM, stream};
use super::wcio::Tables;
use super::*;
use crate::schema::Month;

type Row = HashMap<String, String>;

/// 6 departments, 3 years to 2025-12, with valuations.
fn params() -> GenerateParams {
    GenerateParams { departments: 6, years: 3, valuations: true, ..GenerateParams::default() }
}

fn records(path: &Path) -> Vec<Row> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    reader.records().map(|r| header.iter().cloned().zip(r.unwrap().iter().map(String::from)).collect()).collect()
}

/// Cents of a money cell (always two decimals).
fn money(cell: &str) -> i64 {
    cell.replace('.', "").parse().unwrap()
}

fn incurred(row: &Row) -> i64 {
    ["paid_medical", "paid_indemnity", "paid_expense", "reserve"].iter().map(|c| money(&row[*c])).sum()
}

fn date(cell: &str) -> jiff::civil::Date {
    cell.parse().unwrap()
}

/// claims.csv and every claim's valuation rows in date order, by claim id.
fn generated(dir: &Path) -> (Vec<Row>, HashMap<String, Vec<Row>>) {
    write(&params(), dir).unwrap();
    let claims = records(&dir.join(CLAIMS_FILE));
    let mut paths: HashMap<String, Vec<Row>> = HashMap::new();
    for row in records(&dir.join(VALUATIONS_FILE)) {
        paths.entry(row["claim_id"].clone()).or_default().push(row);
    }
    (claims, paths)
}

const VALUED: [&str; 5] = ["paid_medical", "paid_indemnity", "paid_expense", "reserve", "status"];

#[test]
fn the_last_valuation_of_every_claim_is_its_claims_csv_row() {
    let dir = tempfile::tempdir().unwrap();
    let (claims, paths) = generated(dir.path());
    assert!(claims.len() > 500, "{}", claims.len());
    assert_eq!(paths.len(), claims.len(), "every claim and only the claims of claims.csv are valued");
    let mut open = 0;
    for claim in &claims {
        let last = paths[&claim["claim_id"]].last().unwrap();
        for column in VALUED {
            assert_eq!(last[column], claim[column], "{} {column}", claim["claim_id"]);
        }
        if claim["status"] != "closed" {
            open += 1;
            assert_eq!(last["valuation_date"], claim["valuation_date"], "{}", claim["claim_id"]);
        }
    }
    assert!(open > 50, "{open} open or reopened claims");
}

#[test]
fn valuations_are_consecutive_month_ends_and_reach_the_ultimate_at_close() {
    let dir = tempfile::tempdir().unwrap();
    let (claims, paths) = generated(dir.path());
    let ultimates: Vec<i64> = replay(&params()).iter().flatten().filter(|c| c.reported).map(|c| c.ultimate).collect();
    assert_eq!(ultimates.len(), claims.len());
    let (mut closed_seen, mut developing) = (0, 0);
    for (claim, &ultimate) in claims.iter().zip(&ultimates) {
        let rows = &paths[&claim["claim_id"]];
        let months: Vec<Month> = rows.iter().map(|r| Month::of(date(&r["valuation_date"]))).collect();
        for (row, month) in rows.iter().zip(&months) {
            assert_eq!(date(&row["valuation_date"]), month.last_day(), "{row:?}");
        }
        assert!(months.windows(2).all(|w| w[1] == w[0].plus(1)), "{months:?}");
        assert_eq!(months[0], Month::of(date(&claim["reported_date"])));
        assert!(date(&rows[rows.len() - 1]["valuation_date"]) <= date(&claim["valuation_date"]));
        let initial = money(&claim["initial_incurred"]);
        let open: Vec<&Row> = rows.iter().take_while(|r| r["status"] == "open").collect();
        for pair in open.windows(2) {
            // The case estimate moves monotonically from the initial estimate
            // toward the ultimate, unless the reserve floor holds it up.
            if pair.iter().all(|r| money(&r["reserve"]) > MIN_RESERVE_CENTS) {
                let (a, b) = ((incurred(pair[0]) - ultimate).abs(), (incurred(pair[1]) - ultimate).abs());
                assert!(b <= a + 2, "{} moves away from {ultimate}: {pair:?}", claim["claim_id"]);
                developing += 1;
            }
        }
        if let Some(first) = open.first().filter(|r| money(&r["reserve"]) > MIN_RESERVE_CENTS) {
            assert!((incurred(first) - initial).abs() <= (ultimate - initial).abs() + 2, "{first:?}");
        }
        if let Some(settled) = rows.get(open.len()).filter(|r| r["status"] == "closed") {
            closed_seen += 1;
            assert_eq!(Month::of(date(&settled["valuation_date"])), Month::of(date(&claim["closed_date"])));
            assert_eq!((incurred(settled), money(&settled["reserve"])), (ultimate, 0), "{settled:?}");
        }
        if let Some(i) = rows.iter().position(|r| r["status"] == "reopened") {
            assert!(rows[i..].iter().all(|r| r["status"] == "reopened"), "{rows:?}");
        }
    }
    assert!(closed_seen > 500 && developing > 500, "{closed_seen} closed, {developing} developing steps");
}

/// A claim drawn in a replay of the generator's draws.
struct Replayed {
    reported: bool,
    /// Cents.
    ultimate: i64,
}

/// Every claim the generator draws for `params`, per department-month in
/// file order, reported by the valuation date or not: the cases' draws
/// replayed with the valuation date moved 30 years on, so that every claim
/// is reported (its draws do not depend on the valuation date).
fn replay(params: &GenerateParams) -> Vec<Vec<Replayed>> {
    assert!(params.overdispersion.is_none(), "the replay draws no mixing");
    let window = Window::new(params).unwrap();
    let later = Window { valuation: window.valuation + 30 * 366, ..window };
    let mut depts = build_departments(params, &window);
    establishments::assign(params.seed, &mut depts);
    let cells = build_cells(params, &window, &depts);
    let tables = Tables::new();
    let mut cases = CaseWriter::new(&later, &tables, Reserves::CaseEstimate);
    let mut out = Vec::new();
    for (d, dept) in depts.iter().enumerate() {
        let mut rng = stream(params.seed, CASE_STREAM + d as u64);
        cases.start_department(dept, stream(params.seed, OSHA_STREAM + d as u64));
        for t in 0..window.months {
            cases.generate_cell(&mut rng, dept, t, cells[d * window.months + t].mu);
            let claims = cases.claims().iter().map(|c| Replayed {
                reported: c.course.reported <= window.valuation,
                ultimate: cents(c.course.ultimate),
            });
            out.push(claims.collect());
        }
    }
    out
}

#[test]
fn truth_ultimates_hold_every_claim_drawn_and_young_months_are_under_reported() {
    let dir = tempfile::tempdir().unwrap();
    let params = params();
    write(&params, dir.path()).unwrap();
    let truth = records(&dir.path().join(ULTIMATES_FILE));
    let replayed = replay(&params);
    let months = params.years as usize * 12;
    assert_eq!(truth.len(), params.departments * months, "every department-month, zeros included");
    let cap = crate::metrics::DEFAULT_CLAIM_CAP.0;
    for (row, cell) in truth.iter().zip(&replayed) {
        assert_eq!(row["claims"].parse::<usize>().unwrap(), cell.len(), "{row:?}");
        assert_eq!(money(&row["ultimate_incurred"]), cell.iter().map(|c| c.ultimate).sum::<i64>(), "{row:?}");
        let capped: i64 = cell.iter().map(|c| c.ultimate.min(cap)).sum();
        assert_eq!(money(&row["ultimate_incurred_capped"]), capped, "{row:?}");
    }
    let all: Vec<&Replayed> = replayed.iter().flatten().collect();
    let reported: Vec<&&Replayed> = all.iter().filter(|c| c.reported).collect();
    let unreported = all.len() - reported.len();
    assert!(unreported > 10, "{unreported} claims not yet reported");
    let claims = records(&dir.path().join(CLAIMS_FILE));
    assert_eq!(claims.len(), reported.len());
    for (claim, drawn) in claims.iter().zip(&reported) {
        if claim["status"] == "closed" {
            assert_eq!(incurred(claim), drawn.ultimate, "closed claims are valued at their ultimate: {claim:?}");
        }
    }
    let total: i64 = truth.iter().map(|r| money(&r["ultimate_incurred"])).sum();
    let unreported_total: i64 = all.iter().filter(|c| !c.reported).map(|c| c.ultimate).sum();
    assert_eq!(total, reported.iter().map(|c| c.ultimate).sum::<i64>() + unreported_total);

    // The last 12 accident months: the incurred to date falls clearly short
    // of the ultimates (claims not yet reported, case estimates still low).
    let first_recent = params.end.plus(-11);
    let recent = |m: &str| m.parse::<Month>().unwrap() >= first_recent;
    let true_recent: i64 = truth.iter().filter(|r| recent(&r["month"])).map(|r| money(&r["ultimate_incurred"])).sum();
    let reported_recent: i64 = claims.iter().filter(|c| recent(&c["injury_date"][..7])).map(incurred).sum();
    let ratio = reported_recent as f64 / true_recent as f64;
    assert!(ratio < 0.9, "incurred to date / ultimate of the last 12 months: {ratio:.3}");
}

#[test]
fn without_valuations_nothing_changes() {
    let (with, without) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let on = params();
    let off = GenerateParams { valuations: false, ..on.clone() };
    let summary = write(&on, with.path()).unwrap();
    assert!(summary.valuations > summary.claims);
    write(&on, without.path()).unwrap();
    let summary = write(&off, without.path()).unwrap();
    assert_eq!(summary.valuations, 0);
    let json = fs::read_to_string(without.path().join(PARAMS_FILE)).unwrap();
    assert!(!json.contains("valuations"), "{json}");
    assert!(fs::read_to_string(with.path().join(PARAMS_FILE)).unwrap().contains("\"valuations\": true"));
    for name in [VALUATIONS_FILE, ULTIMATES_FILE] {
        assert!(with.path().join(name).is_file());
        assert!(!without.path().join(name).exists(), "{name} of the earlier run is removed");
    }
    for name in [INJURIES_FILE, EXPOSURE_FILE, DEPARTMENTS_FILE, TRUTH_FILE, TRUTH_DEPARTMENTS_FILE, BAD_ROWS_FILE] {
        assert_eq!(fs::read(with.path().join(name)).unwrap(), fs::read(without.path().join(name)).unwrap(), "{name}");
    }
    // Only open claims are valued differently: their case estimates develop.
    let (a, b) = (records(&with.path().join(CLAIMS_FILE)), records(&without.path().join(CLAIMS_FILE)));
    assert_eq!(a.len(), b.len());
    let mut changed = 0;
    for (x, y) in a.iter().zip(&b) {
        let same = x.iter().all(|(k, v)| VALUED[..4].contains(&k.as_str()) || y[k] == *v);
        assert!(same, "{x:?} vs {y:?}");
        if x["status"] == "open" {
            changed += usize::from(x != y);
        } else {
            assert_eq!(x, y);
        }
    }
    assert!(changed > 50, "{changed}");
}
