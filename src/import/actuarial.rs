//! `actuarial-loss`: Kaggle Actuarial Loss Prediction (synthetic claims).
//! Department = synthetic pool `SYNTH-00`..`SYNTH-09`, the FNV-1a 64-bit
//! hash of `ClaimNumber` modulo 10 (no department in the data). One
//! injuries row (`other_recordable`: no severity class in the data) and one
//! claims row per claim: `status = open`, `reserve` = the ultimate incurred
//! cost (train.csv) or, without it (test.csv), the initial case estimate
//! valued at the report date; nothing as paid; the initial estimate kept
//! in one extra column, `initial_incurred`. The first-report columns come
//! from the claimant's work and the accident's time: `weekly_wage`
//! (WeeklyWages), `age_at_injury` (Age), `hours_per_week`
//! (HoursWorkedPerWeek), `part_time` (PartTimeFullTime), `dependents`
//! (DependentChildren + DependentsOther) and `accident_hour` (the hour of
//! DateTimeOfAccident, as written). A value the contract would reject is
//! left empty and noted; a blank one is left empty. Gender, marital status
//! and ClaimDescription are never written.

use jiff::civil::Date;

use super::dates::{date_reason, parse_source_date, required_date, source_hour};
use super::table::{Row, Table, shown};
use super::{ClaimRow, Departments, FirstReport, ImportError, InjuryRow, Mapped, Source};
use crate::schema::{self, Cents, ClaimStatus, Department, OshaClass, ScalarError, parse_money};

/// Number of synthetic pools the actuarial-loss claims are hashed into.
pub const SYNTHETIC_POOLS: u64 = 10;

/// FNV-1a, 64-bit: a hash anyone can recompute from the published
/// constants, unlike `std`'s hasher, which may change between releases.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// The synthetic pool of a claim: `SYNTH-NN`, NN = FNV-1a 64 of the
/// trimmed ClaimNumber's bytes modulo [`SYNTHETIC_POOLS`].
pub fn synthetic_pool(claim_number: &str) -> u64 {
    fnv1a64(claim_number.trim().as_bytes()) % SYNTHETIC_POOLS
}

/// The columns of the actuarial file that the mapping reads.
struct Columns {
    id: usize,
    accident: usize,
    reported: usize,
    initial: usize,
    /// train.csv has the ultimate cost; test.csv does not.
    ultimate: Option<usize>,
    wage: Option<usize>,
    age: Option<usize>,
    hours: Option<usize>,
    part_time: Option<usize>,
    children: Option<usize>,
    other_dependents: Option<usize>,
}

impl Columns {
    fn locate(table: &Table) -> Result<Columns, ImportError> {
        let src = Source::ActuarialLoss;
        Ok(Columns {
            id: table.require(src, &["ClaimNumber"])?,
            accident: table.require(src, &["DateTimeOfAccident"])?,
            reported: table.require(src, &["DateReported"])?,
            initial: table.require(src, &["InitialIncurredCalimsCost", "InitialIncurredClaimsCost"])?,
            ultimate: table.column("UltimateIncurredClaimCost"),
            wage: table.column("WeeklyWages"),
            age: table.column("Age"),
            hours: table.column("HoursWorkedPerWeek"),
            part_time: table.column("PartTimeFullTime"),
            children: table.column("DependentChildren"),
            other_dependents: table.column("DependentsOther"),
        })
    }
}

pub(super) fn map(table: &Table) -> Result<Mapped, ImportError> {
    let columns = Columns::locate(table)?;
    let mut departments = Departments::default();
    let (claims, audit) = table.map_rows(columns.id, "ClaimNumber", |row, id, notes| {
        let injury_date = required_date("DateTimeOfAccident", row.field(columns.accident))?;
        let reported_date = reported_date(row.field(columns.reported), injury_date, notes);
        let initial =
            amount("InitialIncurredCalimsCost", row.field(columns.initial), "initial_incurred left empty", notes);
        let (reserve, valuation_date) = match columns.ultimate {
            Some(col) => {
                let consequence = "reserve left empty (the claim's incurred reads as 0)";
                (amount("UltimateIncurredClaimCost", row.field(col), consequence, notes), None)
            }
            None => (initial, reported_date),
        };
        Ok(ClaimRow {
            claim_id: id.to_string(),
            department: pool_department(id, &mut departments),
            injury_date,
            reported_date,
            valuation_date,
            status: ClaimStatus::Open,
            reserve,
            initial_incurred: initial,
            first_report: first_report(&columns, row, notes),
        })
    });
    // Each claim is its own injury case, under the same id.
    let injuries = claims
        .iter()
        .map(|c| InjuryRow::new(c.claim_id.clone(), c.department.clone(), c.injury_date, OshaClass::OtherRecordable))
        .collect();
    Ok(Mapped { injuries, claims: Some(claims), departments: departments.into_vec(), audit })
}

/// The report date, or `None` with a note when it is not a date or comes
/// before the accident.
fn reported_date(text: &str, injury_date: Date, notes: &mut Vec<String>) -> Option<Date> {
    match parse_source_date(text) {
        Ok(d) if d < injury_date => {
            notes.push(format!("DateReported {} is before the accident date; reported_date left empty", shown(text)));
            None
        }
        Ok(d) => Some(d),
        Err(p) => {
            let reason = date_reason("DateReported", text, p);
            notes.push(format!("{reason}; reported_date left empty"));
            None
        }
    }
}

/// An amount cell, or `None` with a note saying what is left empty
/// (`consequence`) when it is blank or not an amount.
fn amount(column: &str, text: &str, consequence: &str, notes: &mut Vec<String>) -> Option<Cents> {
    if text.is_empty() {
        notes.push(format!("{column} is blank; {consequence}"));
        return None;
    }
    match parse_money(text) {
        Ok(c) => Some(c),
        Err(_) => {
            notes.push(format!("{column} {} is not an amount ≥ 0; {consequence}", shown(text)));
            None
        }
    }
}

/// The first-report columns of one row (see the module doc).
fn first_report(columns: &Columns, row: &Row<'_>, notes: &mut Vec<String>) -> FirstReport {
    let text = |column: Option<usize>| row.get(column);
    FirstReport {
        weekly_wage: optional("WeeklyWages", text(columns.wage), "weekly_wage", parse_money, notes),
        age_at_injury: optional("Age", text(columns.age), "age_at_injury", schema::parse_age, notes),
        hours_per_week: optional(
            "HoursWorkedPerWeek",
            text(columns.hours),
            "hours_per_week",
            schema::parse_weekly_hours,
            notes,
        ),
        part_time: optional("PartTimeFullTime", text(columns.part_time), "part_time", schema::parse_part_time, notes),
        dependents: dependents(text(columns.children), text(columns.other_dependents), notes),
        accident_hour: source_hour(row.field(columns.accident)),
    }
}

/// An optional cell read as the contract reads its column: `None` when
/// blank, or with a note when the contract would reject it.
fn optional<T>(
    source: &str,
    text: &str,
    target: &str,
    parse: fn(&str) -> Result<T, ScalarError>,
    notes: &mut Vec<String>,
) -> Option<T> {
    if text.is_empty() {
        return None;
    }
    match parse(text) {
        Ok(v) => Some(v),
        Err(e) => {
            let why = match e {
                ScalarError::Unparsable(_, what) => format!("is not {what}"),
                ScalarError::OutOfRange(_, rule) => format!("is out of range ({rule})"),
            };
            notes.push(format!("{source} {} {why}; {target} left empty", shown(text)));
            None
        }
    }
}

/// Dependants of every kind: children plus others, when both are known.
fn dependents(children: &str, other: &str, notes: &mut Vec<String>) -> Option<u8> {
    if children.is_empty() && other.is_empty() {
        return None;
    }
    if children.is_empty() || other.is_empty() {
        notes.push("one of DependentChildren and DependentsOther is blank; dependents left empty".to_string());
        return None;
    }
    let children = optional("DependentChildren", children, "dependents", schema::parse_count, notes)?;
    let other = optional("DependentsOther", other, "dependents", schema::parse_count, notes)?;
    let total = children.saturating_add(other).to_string();
    optional("DependentChildren + DependentsOther", &total, "dependents", schema::parse_dependents, notes)
}

/// The department code of a claim's synthetic pool, added to `departments`.
fn pool_department(claim_number: &str, departments: &mut Departments) -> String {
    let pool = synthetic_pool(claim_number);
    let department = format!("SYNTH-{pool:02}");
    departments.add((0, pool, String::new()), || Department {
        department: department.clone(),
        name: format!("Synthetic pool {pool:02} (hash of ClaimNumber)"),
        group: Some("synthetic".to_string()),
    });
    department
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{read, run};
    use super::super::{CLAIMS_FILE, INJURIES_FILE};
    use super::*;
    use crate::ingest::ALL_CLAIM_COLUMNS;

    #[test]
    fn synthetic_pools_are_stable() {
        // FNV-1a 64 reference values.
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(synthetic_pool("WC8285054"), fnv1a64(b"WC8285054") % 10);
        assert_eq!(synthetic_pool(" WC8285054 "), synthetic_pool("WC8285054"));
    }

    #[test]
    fn actuarial_rows_map_to_open_claims_in_synthetic_pools() {
        let header = "ClaimNumber,DateTimeOfAccident,DateReported,Age,Gender,ClaimDescription,\
                      InitialIncurredCalimsCost,UltimateIncurredClaimCost\n";
        let input = format!(
            "{header}\
             WC8285054,2002-04-09T07:00:00Z,2002-07-05T00:00:00Z,48,M,LIFTING TYRE INJURY TO RIGHT ARM,1500,4748.203388\n\
             WC6982224,1999-01-07T11:00:00Z,1998-12-20T00:00:00Z,43,F,STEPPED AROUND CRATES,5500,-3\n\
             WC0000001,1887-01-07T11:00:00Z,1999-01-20T00:00:00Z,43,F,OLD,5500,6326.28\n"
        );
        let (dir, s) = run(Source::ActuarialLoss, &input);
        assert_eq!((s.rows_read, s.injuries, s.claims), (3, 2, 2));
        assert_eq!(s.skipped.len(), 1);
        assert_eq!(s.adjusted.len(), 2);
        let p1 = synthetic_pool("WC8285054");
        let p2 = synthetic_pool("WC6982224");
        let claims = read(&dir, CLAIMS_FILE);
        let mut lines = claims.lines();
        assert_eq!(lines.next(), Some(ALL_CLAIM_COLUMNS.join(",").as_str()));
        // Age and the accident's hour are written; gender and the description are not.
        assert_eq!(
            lines.next(),
            Some(
                format!(
                    "WC8285054,WC8285054,SYNTH-{p1:02},2002-04-09,2002-07-05,,open,,,,,4748.20,,,,,,1500.00,,48,,,,7"
                )
                .as_str()
            )
        );
        assert_eq!(
            lines.next(),
            Some(format!("WC6982224,WC6982224,SYNTH-{p2:02},1999-01-07,,,open,,,,,,,,,,,5500.00,,43,,,,11").as_str())
        );
        let injuries = read(&dir, INJURIES_FILE);
        assert!(injuries.contains(&format!("WC8285054,SYNTH-{p1:02},2002-04-09,other_recordable,,,,,,\n")));
        assert!(!claims.contains("TYRE") && !injuries.contains("TYRE"));
    }

    #[test]
    fn actuarial_test_file_values_the_initial_estimate_at_report() {
        let input = "ClaimNumber,DateTimeOfAccident,DateReported,ClaimDescription,InitialIncurredCalimsCost\n\
                     WC8145235,2002-04-02T10:00:00Z,2002-05-07T00:00:00Z,CAUGHT RIGHT HAND,5300\n";
        let (dir, s) = run(Source::ActuarialLoss, input);
        assert_eq!((s.injuries, s.claims), (1, 1));
        let p = synthetic_pool("WC8145235");
        assert_eq!(
            read(&dir, CLAIMS_FILE).lines().nth(1),
            Some(
                format!(
                    "WC8145235,WC8145235,SYNTH-{p:02},2002-04-02,2002-05-07,2002-05-07,open,,,,,5300.00,,,,,,5300.00,\
                     ,,,,,10"
                )
                .as_str()
            )
        );
    }

    #[test]
    fn first_report_columns_are_written_checked_and_noted() {
        let header = "ClaimNumber,DateTimeOfAccident,DateReported,Age,Gender,MaritalStatus,DependentChildren,\
                      DependentsOther,WeeklyWages,PartTimeFullTime,HoursWorkedPerWeek,DaysWorkedPerWeek,\
                      ClaimDescription,InitialIncurredCalimsCost,UltimateIncurredClaimCost\n";
        let input = format!(
            "{header}\
             WC1,2002-04-09T07:00:00Z,2002-07-05T00:00:00Z,48,M,M,2,1,500.0,F,38.0,5,CUT FINGER,1500,4748.20\n\
             WC2,2002-04-09T23:00:00Z,2002-07-05T00:00:00Z,12,F,S,0,0,-5,P,640,5,CUT THUMB,1500,4748.20\n\
             WC3,2002-04-09,2002-07-05T00:00:00Z,,U,U,1,,,X,,5,BRUISE,1500,4748.20\n\
             WC4,2002-04-09T00:00:00Z,2002-07-05T00:00:00Z,30,M,M,15,9,1.0,P,0,1,SPRAIN,1500,4748.20\n"
        );
        let (dir, s) = run(Source::ActuarialLoss, &input);
        assert_eq!((s.rows_read, s.claims, s.skipped.len()), (4, 4, 0));
        let claims = read(&dir, CLAIMS_FILE);
        let tail = |line: &str| line.split(',').skip(18).collect::<Vec<_>>().join(",");
        let tails: Vec<String> = claims.lines().skip(1).map(tail).collect();
        assert_eq!(tails, ["500.00,48,38.0,false,3,7", ",,,true,0,23", ",,,,,", "1.00,30,0.0,true,,0"]);
        let notes: Vec<&str> = s.adjusted.iter().map(|(_, note)| note.as_str()).collect();
        assert_eq!(
            notes,
            [
                "WeeklyWages \"-5\" is out of range (must be 0 or more); weekly_wage left empty",
                "Age \"12\" is out of range (an age must be 13-100 years); age_at_injury left empty",
                "HoursWorkedPerWeek \"640\" is out of range (hours per week must be 0-168); hours_per_week left empty",
                "PartTimeFullTime \"X\" is not part or full time (P/F, part_time/full_time, true/false); \
                 part_time left empty",
                "one of DependentChildren and DependentsOther is blank; dependents left empty",
                "DependentChildren + DependentsOther \"24\" is out of range (dependents must be 0-20); \
                 dependents left empty",
            ]
        );
        for private in ["CUT", "BRUISE", "SPRAIN", ",M,", ",U,"] {
            assert!(!claims.contains(private), "{private}");
        }
    }
}
