//! Collecting claims: the [`TriageCollector`] sink and the [`TriageData`] it builds, and the
//! [`ClaimFeatures`] a claim had at first report.
//!
//! [`TriageCollector`] keeps one compact [`TriageClaim`] per accepted claim
//! (memory grows with claims: this is a claim-level model) and, from the
//! injury log, the days away of every case with any. `merge` appends, so
//! claims stay in file order. [`TriageCollector::finish`] joins days away to
//! the claims through `case_id` and attaches each department's peer group
//! from `departments.csv` when the caller has it.

use jiff::civil::Date;
use rustc_hash::FxHashMap;

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

/// A [`RecordSink`] that keeps what triage needs of every accepted claim,
/// and the days away of every injury case that has any.
#[derive(Debug, Default)]
pub struct TriageCollector {
    departments: Interner,
    job_classes: Interner,
    claims: Vec<TriageClaim>,
    days_away: FxHashMap<Box<str>, u32>,
}

impl TriageCollector {
    pub fn new() -> Self {
        Self::default()
    }

    /// Claims collected so far.
    pub fn len(&self) -> usize {
        self.claims.len()
    }

    pub fn is_empty(&self) -> bool {
        self.claims.is_empty()
    }

    /// Joins days away to the claims and attaches the department groups
    /// (`departments`: the rows of departments.csv, when there is one).
    pub fn finish(self, departments: Option<&[Department]>) -> TriageData {
        let TriageCollector { departments: names, job_classes, mut claims, days_away } = self;
        for claim in &mut claims {
            claim.days_away = claim.case_id.as_deref().and_then(|id| days_away.get(id).copied());
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
        }
    }
}

impl RecordSink for TriageCollector {
    fn fork(&self) -> Self {
        Self::default()
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
        self.days_away.extend(other.days_away);
    }

    fn injury(&mut self, record: &InjuryRecord<'_>) {
        if let Some(days) = record.days_away.filter(|&d| d > 0) {
            self.days_away.insert(record.case_id.as_ref().into(), days);
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
        });
    }
}

/// The collected claims, ready for encoding.
#[derive(Debug, Clone, PartialEq)]
pub struct TriageData {
    /// In file order.
    pub claims: Vec<TriageClaim>,
    pub departments: Vec<String>,
    /// Peer group per department (same index), from departments.csv.
    pub department_groups: Vec<Option<String>>,
    pub job_classes: Vec<String>,
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
}
