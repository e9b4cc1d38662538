//! The case lists of the department reports: a sink that keeps the cases
//! of the last 13 months of the data (relative to the latest date it has
//! seen, so memory stays bounded however long the log) with what a
//! department may see of them, and the incurred of their linked claims.
//! It never reads `employee_id` or `description`: the records it sees have
//! no such fields. Claims are keyed by a 64-bit hash of the case id, not a
//! copy of it (a false match needs a collision among the window's cases:
//! odds of about 3 in 10^8 for a million of them).
//! Each case carries whether it is an OSHA privacy concern case
//! (`crate::privacy`), decided here where the whole record is at hand.

use jiff::civil::Date;
use rustc_hash::FxHashMap;
use xxhash_rust::xxh3::xxh3_64;

use crate::ingest::RecordSink;
use crate::schema::{self, Cents, ClaimRecord, ClaimStatus, InjuryRecord, OshaClass};

/// How far behind the latest date a case is still kept (13 months, so
/// the 12 full months to the as-of month survive).
const KEEP_DAYS: i32 = 400;

/// One case as kept.
#[derive(Debug, Clone, PartialEq)]
pub struct KeptCase {
    pub department: String,
    pub case_id: String,
    pub event_date: Date,
    pub osha_class: OshaClass,
    pub days_away: Option<u32>,
    pub days_restricted: Option<u32>,
    pub cause_code: Option<u16>,
    pub body_part_code: Option<u16>,
    /// An OSHA privacy concern case: listed without cause, part of body or date.
    pub privacy_case: bool,
}

/// What the claims linked to one case add up to.
#[derive(Debug, Clone, Copy, Default)]
struct LinkedClaims {
    date: Date,
    incurred: Cents,
    open: bool,
}

/// Collects recent cases and claim incurred per case id.
#[derive(Debug, Clone, Default)]
pub struct CaseCollector {
    latest: Option<Date>,
    pub cases: Vec<KeptCase>,
    /// Per case id (its xxh3 hash): the injury date of its claims, their
    /// incurred, and whether any of them is open (or reopened).
    incurred_by_case: FxHashMap<u64, LinkedClaims>,
    pruned_at: usize,
}

impl CaseCollector {
    pub fn new() -> Self {
        Self::default()
    }

    fn keep(&self, d: Date) -> bool {
        self.latest.is_none_or(|l| schema::day_number(l) - schema::day_number(d) <= KEEP_DAYS)
    }

    fn see(&mut self, d: Date) {
        if self.latest.is_none_or(|l| d > l) {
            self.latest = Some(d);
        }
    }

    /// Drops what fell out of the window, when the list has grown by a
    /// quarter (doubling let a 10M-injury run hold twice its window).
    fn prune(&mut self) {
        if self.cases.len() < self.pruned_at.max(1024) / 4 * 5 {
            return;
        }
        let Some(latest) = self.latest else { return };
        let cutoff = schema::day_number(latest) - KEEP_DAYS;
        self.cases.retain(|c| schema::day_number(c.event_date) >= cutoff);
        self.incurred_by_case.retain(|_, c| schema::day_number(c.date) >= cutoff);
        self.pruned_at = self.cases.len();
    }

    /// The cases with event dates in `from..=to`, and their claims.
    pub fn within(mut self, from: Date, to: Date) -> CaseCollector {
        self.cases.retain(|c| c.event_date >= from && c.event_date <= to);
        self.incurred_by_case.retain(|_, c| c.date >= from && c.date <= to);
        self
    }

    /// Incurred of the claims linked to a case.
    pub fn incurred(&self, case_id: &str) -> Option<Cents> {
        self.incurred_by_case.get(&xxh3_64(case_id.as_bytes())).map(|c| c.incurred)
    }

    /// Whether a claim linked to the case is open (or reopened).
    pub fn claim_open(&self, case_id: &str) -> bool {
        self.incurred_by_case.get(&xxh3_64(case_id.as_bytes())).is_some_and(|c| c.open)
    }
}

impl RecordSink for CaseCollector {
    fn fork(&self) -> Self {
        CaseCollector::new()
    }

    fn merge(&mut self, other: Self) {
        if let Some(d) = other.latest {
            self.see(d);
        }
        self.cases.extend(other.cases);
        self.incurred_by_case.reserve(other.incurred_by_case.len());
        for (k, c) in other.incurred_by_case {
            let e = self.incurred_by_case.entry(k).or_insert(LinkedClaims { date: c.date, ..LinkedClaims::default() });
            e.incurred += c.incurred;
            e.open |= c.open;
        }
        self.prune();
    }

    fn injury(&mut self, r: &InjuryRecord<'_>) {
        self.see(r.event_date);
        if self.keep(r.event_date) {
            self.cases.push(KeptCase {
                department: r.department.to_string(),
                case_id: r.case_id.to_string(),
                event_date: r.event_date,
                osha_class: r.osha_class,
                days_away: r.days_away,
                days_restricted: r.days_restricted,
                cause_code: r.cause_code,
                body_part_code: r.body_part_code,
                privacy_case: crate::privacy::is_privacy_case(r),
            });
            self.prune();
        }
    }

    fn claim(&mut self, r: &ClaimRecord<'_>) {
        self.see(r.injury_date);
        if let Some(case) = &r.case_id
            && self.keep(r.injury_date)
        {
            let e = self
                .incurred_by_case
                .entry(xxh3_64(case.as_bytes()))
                .or_insert(LinkedClaims { date: r.injury_date, ..LinkedClaims::default() });
            e.incurred += r.incurred();
            e.open |= r.status != ClaimStatus::Closed;
        }
    }
}
