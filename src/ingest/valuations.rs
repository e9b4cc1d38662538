//! `claim_valuations.csv`: a claim's paid amounts, reserve and status as
//! a loss run valued them on one date, one row per claim and valuation
//! (what monthly loss runs from a TPA hold, concatenated). It is read
//! after `claims.csv`, because its rows are checked against the claims:
//! every row must name a claim of `claims.csv`, be valued no earlier than
//! the injury and no later than the claim's own `valuation_date` there
//! (claims.csv is the latest valuation). [`ClaimIndex`] is what the claims
//! pass leaves for that check: per claim id, its department, injury date
//! and valuation date, and nothing else; it is built only when the folder
//! has a valuations file.

use std::borrow::Cow;
use std::sync::Arc;

use jiff::civil::Date;
use rustc_hash::FxHashMap;

use super::rows::{self, Context, Rejection, Row, RowSpec};
use super::{FileKind, Reason, RecordSink};
use crate::schema::{self, Cents, ClaimRecord, ClaimStatus, Month};

/// One validated row of `claim_valuations.csv`, with what claims.csv says
/// of its claim (the department and injury date are not repeated in the
/// file: a loss run keys a claim by its id).
#[derive(Debug, Clone, PartialEq)]
pub struct ValuationRecord<'a> {
    pub claim_id: Cow<'a, str>,
    pub valuation_date: Date,
    pub paid_medical: Option<Cents>,
    pub paid_indemnity: Option<Cents>,
    pub paid_expense: Option<Cents>,
    pub reserve: Option<Cents>,
    pub status: ClaimStatus,
    /// From claims.csv.
    pub department: Arc<str>,
    pub injury_date: Date,
}

impl ValuationRecord<'_> {
    /// paid = medical + indemnity + expense (missing counts as zero).
    pub fn paid(&self) -> Cents {
        schema::paid(self.paid_medical, self.paid_indemnity, self.paid_expense)
    }

    /// incurred = paid + outstanding reserve.
    pub fn incurred(&self) -> Cents {
        self.paid() + self.reserve.unwrap_or_default()
    }
}

/// What the valuations check needs of one claim of claims.csv.
#[derive(Debug, Clone)]
struct IndexedClaim {
    department: Arc<str>,
    injury_date: Date,
    valuation_date: Option<Date>,
}

/// The claims of claims.csv by the hash of their id (the same 64-bit key
/// the duplicate check uses), built as the claims stream past.
#[derive(Debug, Clone, Default)]
pub struct ClaimIndex {
    claims: FxHashMap<u64, IndexedClaim>,
    /// One shared string per department code, so a claim costs a pointer.
    departments: FxHashMap<String, Arc<str>>,
}

impl ClaimIndex {
    fn get(&self, claim_id: &str) -> Option<&IndexedClaim> {
        self.claims.get(&rows::hash_key(&[claim_id.as_bytes()]))
    }

    fn department(&mut self, code: &str) -> Arc<str> {
        if let Some(d) = self.departments.get(code) {
            return d.clone();
        }
        let d: Arc<str> = Arc::from(code);
        self.departments.insert(code.to_string(), d.clone());
        d
    }

    pub fn len(&self) -> usize {
        self.claims.len()
    }

    pub fn is_empty(&self) -> bool {
        self.claims.is_empty()
    }
}

impl RecordSink for ClaimIndex {
    fn fork(&self) -> Self {
        ClaimIndex::default()
    }

    fn merge(&mut self, other: Self) {
        // Duplicate ids never reach a sink, so no claim is overwritten.
        self.claims.extend(other.claims);
        for (code, d) in other.departments {
            self.departments.entry(code).or_insert(d);
        }
    }

    fn claim(&mut self, r: &ClaimRecord<'_>) {
        let department = self.department(&r.department);
        let entry = IndexedClaim { department, injury_date: r.injury_date, valuation_date: r.valuation_date };
        self.claims.insert(rows::hash_key(&[r.claim_id.as_bytes()]), entry);
    }
}

pub struct Valuations;

mod col {
    pub const CLAIM_ID: usize = 0;
    pub const VALUATION_DATE: usize = 1;
    pub const PAID_MEDICAL: usize = 2;
    pub const PAID_INDEMNITY: usize = 3;
    pub const PAID_EXPENSE: usize = 4;
    pub const RESERVE: usize = 5;
    pub const STATUS: usize = 6;
}

/// The columns of `claim_valuations.csv`, in contract order.
pub const VALUATION_COLUMNS: &[&str] =
    &["claim_id", "valuation_date", "paid_medical", "paid_indemnity", "paid_expense", "reserve", "status"];

impl RowSpec for Valuations {
    type Record<'a> = ValuationRecord<'a>;
    const FILE: FileKind = FileKind::ClaimValuations;
    const COLUMNS: &'static [&'static str] = VALUATION_COLUMNS;
    const REQUIRED: &'static [usize] = &[col::CLAIM_ID, col::VALUATION_DATE, col::STATUS];
    const KEY: &'static str = "claim_id and valuation_date";

    fn parse<'a>(row: &Row<'_, 'a>, ctx: &Context) -> Result<ValuationRecord<'a>, Rejection> {
        let claim_id = row.required(col::CLAIM_ID)?;
        let valuation_date = row.date_required(col::VALUATION_DATE, ctx)?;
        let paid_medical = row.parse(col::PAID_MEDICAL, schema::parse_money)?;
        let paid_indemnity = row.parse(col::PAID_INDEMNITY, schema::parse_money)?;
        let paid_expense = row.parse(col::PAID_EXPENSE, schema::parse_money)?;
        let reserve = row.parse(col::RESERVE, schema::parse_money)?;
        let status = row.enumeration::<ClaimStatus>(col::STATUS, rows::STATUSES)?;
        rows::not_future(valuation_date, "valuation_date", ctx)?;
        let claim = ctx.claims.as_deref().and_then(|index| index.get(&claim_id)).ok_or_else(|| {
            Rejection::new(Reason::UnknownClaim, "claim_id", format!("{claim_id:?} is not a claim of claims.csv"))
        })?;
        check_dates(valuation_date, claim)?;
        Ok(ValuationRecord {
            claim_id,
            valuation_date,
            paid_medical,
            paid_indemnity,
            paid_expense,
            reserve,
            status,
            department: claim.department.clone(),
            injury_date: claim.injury_date,
        })
    }

    fn key(r: &ValuationRecord<'_>) -> u64 {
        rows::hash_key(&[r.claim_id.as_bytes(), &schema::day_number(r.valuation_date).to_le_bytes()])
    }

    fn month(r: &ValuationRecord<'_>) -> Option<Month> {
        Some(Month::of(r.valuation_date))
    }
}

/// A valuation lies between the injury and the claim's latest valuation.
fn check_dates(valuation: Date, claim: &IndexedClaim) -> Result<(), Rejection> {
    if valuation < claim.injury_date {
        let detail = format!("valued {valuation}, before the injury on {}", claim.injury_date);
        return Err(Rejection::new(Reason::OutOfRange, "valuation_date", detail));
    }
    if let Some(latest) = claim.valuation_date.filter(|&latest| valuation > latest) {
        let detail = format!("valued {valuation}, after the claim's valuation in claims.csv ({latest}), its latest");
        return Err(Rejection::new(Reason::OutOfRange, "valuation_date", detail));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{Discard, LoadOptions, load};

    fn folder(valuations: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let claims = "claim_id,department,injury_date,reported_date,valuation_date,status,closed_date,paid_medical,reserve\n\
                      C1,FIRE,2024-01-10,2024-01-12,2024-06-30,open,,100.00,900.00\n\
                      C2,PARKS,2024-03-05,2024-03-06,2024-06-30,closed,2024-05-01,250.00,0\n";
        std::fs::write(dir.path().join("claims.csv"), claims).unwrap();
        std::fs::write(dir.path().join("claim_valuations.csv"), valuations).unwrap();
        dir
    }

    const HEADER: &str = "claim_id,valuation_date,paid_medical,paid_indemnity,paid_expense,reserve,status\n";

    #[test]
    fn rows_are_checked_against_the_claims() {
        let text = format!(
            "{HEADER}C1,2024-01-31,50.00,,,500.00,open\n\
             C1,2024-02-29,80.00,,,700.00,open\n\
             C9,2024-02-29,1.00,,,1.00,open\n\
             C1,2023-12-31,1.00,,,1.00,open\n\
             C2,2024-07-31,250.00,,,0,closed\n\
             C1,2024-02-29,80.00,,,700.00,open\n\
             C2,2024-03-31,10.00,,,-5,open\n"
        );
        let dir = folder(&text);
        let options = LoadOptions::new(Some(Month::of(Date::new(2024, 6, 30).unwrap())));
        let loaded = load(dir.path(), &options, Discard).unwrap();
        let report = loaded.report(FileKind::ClaimValuations).unwrap();
        assert_eq!((report.read, report.accepted, report.quarantined), (7, 2, 5));
        let bad: Vec<(u64, &str, Reason)> =
            loaded.quarantined(FileKind::ClaimValuations).map(|q| (q.line, q.column.as_str(), q.reason)).collect();
        assert_eq!(
            bad,
            [
                (4, "claim_id", Reason::UnknownClaim),
                (5, "valuation_date", Reason::OutOfRange),
                (6, "valuation_date", Reason::FutureDate),
                (7, "claim_id and valuation_date", Reason::DuplicateId),
                (8, "reserve", Reason::OutOfRange),
            ]
        );
        let detail = &loaded.quarantined(FileKind::ClaimValuations).next().unwrap().detail;
        assert!(detail.contains("\"C9\" is not a claim of claims.csv"), "{detail}");
    }

    #[test]
    fn a_valuation_after_the_claims_own_is_refused() {
        let dir = folder(&format!("{HEADER}C2,2024-06-30,250.00,,,0,closed\n"));
        std::fs::write(
            dir.path().join("claims.csv"),
            "claim_id,department,injury_date,valuation_date,status,closed_date\nC2,PARKS,2024-03-05,2024-05-31,closed,2024-05-01\n",
        )
        .unwrap();
        let options = LoadOptions::new(Some(Month::of(Date::new(2024, 6, 30).unwrap())));
        let loaded = load(dir.path(), &options, Discard).unwrap();
        let q: Vec<_> = loaded.quarantined(FileKind::ClaimValuations).collect();
        assert_eq!(q.len(), 1);
        assert!(q[0].detail.contains("after the claim's valuation in claims.csv (2024-05-31)"), "{}", q[0].detail);
    }
}
