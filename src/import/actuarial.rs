//! `actuarial-loss`: Kaggle Actuarial Loss Prediction (synthetic claims).
//! Department = synthetic pool `SYNTH-00`..`SYNTH-09`, the FNV-1a 64-bit
//! hash of `ClaimNumber` modulo 10 (no department in the data). One
//! injuries row (`other_recordable`: no severity class in the data) and one
//! claims row per claim: `status = open`, `reserve` = the ultimate incurred
//! cost (train.csv) or, without it (test.csv), the initial case estimate
//! valued at the report date; nothing as paid; the initial estimate kept
//! in one extra column, `initial_incurred`.

use jiff::civil::Date;

use super::dates::{date_reason, parse_source_date, required_date};
use super::table::{Table, shown};
use super::{ClaimRow, Departments, ImportError, InjuryRow, Mapped, Source};
use crate::schema::{Cents, ClaimStatus, Department, OshaClass, parse_money};

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
    use crate::ingest::CLAIM_COLUMNS;

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
        assert_eq!(lines.next(), Some(CLAIM_COLUMNS.join(",").as_str()));
        assert_eq!(
            lines.next(),
            Some(
                format!("WC8285054,WC8285054,SYNTH-{p1:02},2002-04-09,2002-07-05,,open,,,,,4748.20,,,,,,1500.00")
                    .as_str()
            )
        );
        assert_eq!(
            lines.next(),
            Some(format!("WC6982224,WC6982224,SYNTH-{p2:02},1999-01-07,,,open,,,,,,,,,,,5500.00").as_str())
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
                    "WC8145235,WC8145235,SYNTH-{p:02},2002-04-02,2002-05-07,2002-05-07,open,,,,,5300.00,,,,,,5300.00"
                )
                .as_str()
            )
        );
    }
}
