//! Collecting claims: the [`TriageCollector`] sink and the [`TriageData`] it builds, and the
//! [`ClaimFeatures`] a claim had at first report (with its [`FirstReport`] columns).
//!
//! [`TriageCollector`] keeps a bounded sample of the accepted claims, one
//! compact [`TriageClaim`] each, and, from the injury log, the days away of
//! every case with any (keyed by a 64-bit hash of the case id: 12 bytes a
//! case, not a copy of its id). [`TriageCollector::finish`] joins days away
//! to the claims through `case_id` and attaches each department's peer
//! group from `departments.csv` when the caller has it.
//!
//! # The sample
//!
//! Training cost must follow the department-month panel, not the number of
//! claims: a city with ten million claims trains no slower than one with a
//! hundred thousand. So the collector keeps at most [`TRIAGE_SAMPLE`]
//! claims: those whose claim-id hash (xxh3) is smallest, a *bottom-k*
//! sample. It is uniform (every claim equally likely, so each accident year
//! and each outcome keeps its share in expectation), it does not depend on
//! the file's order, on how the reader split it over threads or on a seed,
//! and a fork holds at most twice the bound before it drops the claims that
//! can no longer make the sample. Below the bound every claim is kept, in
//! file order, so small cities train on all their claims exactly as before.
//! `benches/triage.rs` measures the bound: at 50,000 claims, the AUC on
//! held-out claims is within 0.001 of training on all of them (logistic;
//! the tree is never worse by more than that).

use jiff::civil::Date;
use rustc_hash::FxHashMap;

use xxhash_rust::xxh3::xxh3_64;

use crate::ingest::RecordSink;
use crate::schema::{Cents, ClaimRecord, ClaimStatus, Department, InjuryRecord, day_number};

/// What is kept of one accepted claim: the features known at first report
/// and the outcome fields of the target.
#[derive(Debug, Clone, PartialEq)]
pub struct TriageClaim {
    pub case_id: Option<Box<str>>,
    pub injury_date: Date,
    /// Reported − injury, in days; `None` without a reported date.
    pub report_lag: Option<u32>,
    pub initial_incurred: Option<Cents>,
    /// Paid + reserve at valuation.
    pub incurred: Cents,
    /// Days away of the linked case (filled by [`TriageCollector::finish`];
    /// `None` without a case or without days away).
    pub days_away: Option<u32>,
    /// Index into [`TriageData::departments`].
    pub department: u32,
    /// Index into [`TriageData::job_classes`].
    pub job_class: Option<u32>,
    pub cause_code: Option<u16>,
    pub nature_code: Option<u16>,
    pub body_part_code: Option<u16>,
    /// Missing counts as not litigated.
    pub litigated: bool,
    pub status: ClaimStatus,
    /// The optional first-report columns.
    pub first_report: FirstReport,
}

/// What the claim form says of the worker and the accident (the optional
/// first-report columns of claims.csv): model inputs only, never printed.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct FirstReport {
    pub weekly_wage: Option<Cents>,
    pub age_at_injury: Option<u8>,
    pub hours_per_week: Option<f64>,
    pub part_time: Option<bool>,
    pub dependents: Option<u8>,
    /// Hour of the day, 0–23.
    pub accident_hour: Option<u8>,
}

impl FirstReport {
    pub fn of(r: &ClaimRecord<'_>) -> FirstReport {
        FirstReport {
            weekly_wage: r.weekly_wage,
            age_at_injury: r.age_at_injury,
            hours_per_week: r.hours_per_week,
            part_time: r.part_time,
            dependents: r.dependents,
            accident_hour: r.accident_hour,
        }
    }
}

/// Strings seen often (departments, job classes), stored once per collector.
#[derive(Debug, Default)]
struct Interner {
    names: Vec<Box<str>>,
    index: FxHashMap<Box<str>, u32>,
}

impl Interner {
    fn id(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        let i = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.push(name.into());
        self.index.insert(name.into(), i);
        i
    }
}

/// The most claims triage trains on (see the module doc).
pub const TRIAGE_SAMPLE: usize = 50_000;

/// A [`RecordSink`] that keeps what triage needs of a bounded sample of the
/// accepted claims, and the days away of every injury case that has any.
#[derive(Debug)]
pub struct TriageCollector {
    departments: Interner,
    job_classes: Interner,
    claims: Vec<TriageClaim>,
    /// The sample key (claim-id hash) of each claim in `claims`.
    keys: Vec<u64>,
    /// The sample's bound.
    capacity: usize,
    /// Claims offered, kept or not.
    seen: u64,
    /// Days away by case-id hash.
    days_away: FxHashMap<u64, u32>,
}

impl Default for TriageCollector {
    fn default() -> Self {
        Self::with_capacity(TRIAGE_SAMPLE)
    }
}

impl TriageCollector {
    /// A collector keeping at most [`TRIAGE_SAMPLE`] claims.
    pub fn new() -> Self {
        Self::default()
    }

    /// A collector keeping at most `capacity` claims (at least one);
    /// `usize::MAX` keeps every claim.
    pub fn with_capacity(capacity: usize) -> Self {
        TriageCollector {
            departments: Interner::default(),
            job_classes: Interner::default(),
            claims: Vec::new(),
            keys: Vec::new(),
            capacity: capacity.max(1),
            seen: 0,
            days_away: FxHashMap::default(),
        }
    }

    /// Claims held now: at most twice the bound until [`finish`](Self::finish).
    pub fn len(&self) -> usize {
        self.claims.len()
    }

    pub fn is_empty(&self) -> bool {
        self.claims.is_empty()
    }

    /// Claims offered so far, kept or not.
    pub fn seen(&self) -> u64 {
        self.seen
    }

    /// Keeps the `keep` claims of smallest key (and any tied with the
    /// last), in their order.
    fn shrink_to(&mut self, keep: usize) {
        if self.claims.len() <= keep {
            return;
        }
        let mut keys = self.keys.clone();
        let (_, &mut threshold, _) = keys.select_nth_unstable(keep - 1);
        let mut kept = self.keys.iter();
        self.claims.retain(|_| kept.next().is_some_and(|&k| k <= threshold));
        self.keys.retain(|&k| k <= threshold);
    }

    /// Shrinks once the claims held reach twice the bound, so dropping is
    /// paid once per `capacity` claims.
    fn bound(&mut self) {
        if self.claims.len() >= self.capacity.saturating_mul(2) {
            self.shrink_to(self.capacity);
        }
    }

    /// Joins days away to the claims and attaches the department groups
    /// (`departments`: the rows of departments.csv, when there is one).
    pub fn finish(mut self, departments: Option<&[Department]>) -> TriageData {
        self.shrink_to(self.capacity);
        let TriageCollector { departments: names, job_classes, mut claims, days_away, seen, .. } = self;
        for claim in &mut claims {
            claim.days_away = claim.case_id.as_deref().and_then(|id| days_away.get(&xxh3_64(id.as_bytes())).copied());
        }
        let groups: FxHashMap<&str, &str> = departments
            .unwrap_or_default()
            .iter()
            .filter_map(|d| d.group.as_deref().map(|g| (d.department.as_str(), g)))
            .collect();
        let department_groups = names.names.iter().map(|n| groups.get(n.as_ref()).map(|g| (*g).to_string())).collect();
        TriageData {
            claims,
            departments: names.names.into_iter().map(String::from).collect(),
            department_groups,
            job_classes: job_classes.names.into_iter().map(String::from).collect(),
            claims_seen: seen,
        }
    }
}

impl RecordSink for TriageCollector {
    fn fork(&self) -> Self {
        Self::with_capacity(self.capacity)
    }

    fn merge(&mut self, other: Self) {
        let departments: Vec<u32> = other.departments.names.iter().map(|n| self.departments.id(n)).collect();
        let jobs: Vec<u32> = other.job_classes.names.iter().map(|n| self.job_classes.id(n)).collect();
        self.claims.reserve(other.claims.len());
        for mut claim in other.claims {
            claim.department = departments.get(claim.department as usize).copied().unwrap_or(claim.department);
            claim.job_class = claim.job_class.and_then(|j| jobs.get(j as usize).copied());
            self.claims.push(claim);
        }
        self.keys.extend(other.keys);
        self.seen += other.seen;
        self.days_away.extend(other.days_away);
        self.bound();
    }

    fn injury(&mut self, record: &InjuryRecord<'_>) {
        if let Some(days) = record.days_away.filter(|&d| d > 0) {
            self.days_away.insert(xxh3_64(record.case_id.as_bytes()), days);
        }
    }

    fn claim(&mut self, r: &ClaimRecord<'_>) {
        let report_lag = r.reported_date.and_then(|d| u32::try_from(day_number(d) - day_number(r.injury_date)).ok());
        let department = self.departments.id(&r.department);
        let job_class = r.job_class.as_deref().map(|j| self.job_classes.id(j));
        self.claims.push(TriageClaim {
            case_id: r.case_id.as_deref().map(Into::into),
            injury_date: r.injury_date,
            report_lag,
            initial_incurred: r.initial_incurred,
            incurred: r.incurred(),
            days_away: None,
            department,
            job_class,
            cause_code: r.cause_code,
            nature_code: r.nature_code,
            body_part_code: r.body_part_code,
            litigated: r.litigated.unwrap_or(false),
            status: r.status,
            first_report: FirstReport::of(r),
        });
        self.keys.push(xxh3_64(r.claim_id.as_bytes()));
        self.seen += 1;
        self.bound();
    }
}

/// The collected claims, ready for encoding.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TriageData {
    /// The sample, in file order.
    pub claims: Vec<TriageClaim>,
    pub departments: Vec<String>,
    /// Peer group per department (same index), from departments.csv.
    pub department_groups: Vec<Option<String>>,
    pub job_classes: Vec<String>,
    /// Accepted claims the sample was drawn from.
    pub claims_seen: u64,
}

impl TriageData {
    /// What `claim` looked like at first report.
    pub fn features<'a>(&'a self, claim: &TriageClaim) -> ClaimFeatures<'a> {
        let group = self.department_groups.get(claim.department as usize).and_then(|g| g.as_deref());
        ClaimFeatures {
            cause_code: claim.cause_code,
            nature_code: claim.nature_code,
            body_part_code: claim.body_part_code,
            job_class: claim.job_class.and_then(|j| self.job_classes.get(j as usize)).map(String::as_str),
            group,
            report_lag: claim.report_lag,
            initial_incurred: claim.initial_incurred,
            first_report: claim.first_report,
        }
    }
}

/// What is known of a claim at first report: the model's input.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ClaimFeatures<'a> {
    pub cause_code: Option<u16>,
    pub nature_code: Option<u16>,
    pub body_part_code: Option<u16>,
    pub job_class: Option<&'a str>,
    /// The department's peer group.
    pub group: Option<&'a str>,
    pub report_lag: Option<u32>,
    pub initial_incurred: Option<Cents>,
    pub first_report: FirstReport,
}
