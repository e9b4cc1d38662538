//! The cases of each department-month (recordables, first aid cases, near
//! misses) and the claims that arise from them, drawn and written one
//! department-month at a time, with their rows in injuries.csv.

use std::fmt::Write as _;

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::GenerateError;
use super::bad_rows::{BadRows, FileKind};
use super::claims::{
    CLAIM_CLASSES, ClaimDraft, ClaimIds, ClaimOrigin, Drawn, UNLINKED, UNLINKED_CLAIM_RATE, draw_claim,
    initial_estimate, write_claim_id,
};
use super::departments::Dept;
use super::development::{Course, Reserves};
use super::establishments::{CaseFacts, CaseSites};
use super::files::DataFile;
use super::groups::{Group, RECORDABLE};
use super::params::Window;
use super::random::{lognormal, poisson};
use super::sites::job_title;
use super::valuations::CellUltimates;
use super::values::{Day, MonthDays};
use super::wcio::{CAUSES, FOLLOW_UPS, REMARKS, Tables, body_word, cause_code, nature_word};
use crate::schema::{InjuryType, OshaClass};

const DAYS_CAP: f64 = 180.0;
const QUOTE_SHARE: f64 = 0.02;
const NEWLINE_SHARE: f64 = 0.01;

#[derive(Clone, Copy)]
struct InjuryDraft {
    day: i32,
    class: OshaClass,
    days_away: u32,
    days_restricted: u32,
    cause: u8,
    nature: Option<u16>,
    body: Option<u16>,
    phrase: u8,
    job: u8,
    employee: u32,
    /// 1-based index into REMARKS, 0 for none.
    remark: u8,
    /// 1-based index into FOLLOW_UPS, 0 for none.
    follow_up: u8,
    /// Case sequence number within the department-year.
    seq: u32,
}

#[derive(Serialize)]
struct GeneratedInjury<'a> {
    case_id: &'a str,
    department: &'a str,
    event_date: Day,
    osha_class: OshaClass,
    days_away: u32,
    days_restricted: u32,
    cause_code: Option<u16>,
    nature_code: Option<u16>,
    body_part_code: Option<u16>,
    job_class: &'a str,
    employee_id: &'a str,
    description: &'a str,
    establishment: &'a str,
    injury_type: Option<InjuryType>,
    job_title: &'a str,
    incident_location: &'a str,
}

/// A case's OSHA columns, drawn apart from its other values.
struct OshaColumns<'a> {
    establishment: &'a str,
    injury_type: Option<InjuryType>,
    incident_location: &'a str,
}

impl InjuryDraft {
    /// Its row in injuries.csv.
    fn row<'a>(
        &self,
        case_id: &'a str,
        dept: &'a Dept,
        employee_id: &'a str,
        description: &'a str,
        osha: OshaColumns<'a>,
    ) -> GeneratedInjury<'a> {
        let job_class = dept.family.jobs()[usize::from(self.job)];
        GeneratedInjury {
            case_id,
            department: &dept.code,
            event_date: Day(self.day),
            osha_class: self.class,
            days_away: self.days_away,
            days_restricted: self.days_restricted,
            cause_code: Some(cause_code(self.cause)),
            nature_code: self.nature,
            body_part_code: self.body,
            job_class,
            employee_id,
            description,
            establishment: osha.establishment,
            injury_type: osha.injury_type,
            job_title: job_title(job_class),
            incident_location: osha.incident_location,
        }
    }
}

/// Generates the cases and claims of each department-month in turn and
/// writes them, reusing its buffers (no allocation per row).
pub struct CaseWriter<'w> {
    window: &'w Window,
    tables: &'w Tables,
    injuries: Vec<InjuryDraft>,
    claims: Vec<ClaimDraft>,
    /// How open claims are reserved (developing case estimates with `--valuations`).
    reserves: Reserves,
    /// Every department-month's claims and their ultimates so far, reported
    /// or not, in cell order.
    ultimates: Vec<CellUltimates>,
    /// With developing case estimates, the course of every good claim
    /// written, in file order (for claim_valuations.csv).
    courses: Vec<Course>,
    /// The last case number of the department-year.
    seq: u32,
    next_claim: u64,
    /// Row buffers: the linked case id of a claim, the employee id, the
    /// description, the incident location.
    case_id: String,
    employee: String,
    description: String,
    location: String,
    /// The current department's establishments, to draw a case's from.
    sites: Option<CaseSites>,
}

impl<'w> CaseWriter<'w> {
    pub fn new(window: &'w Window, tables: &'w Tables, reserves: Reserves) -> Self {
        CaseWriter {
            window,
            tables,
            injuries: Vec::new(),
            claims: Vec::new(),
            reserves,
            ultimates: Vec::new(),
            courses: Vec::new(),
            seq: 0,
            next_claim: 1,
            case_id: String::new(),
            employee: String::new(),
            description: String::new(),
            location: String::new(),
            sites: None,
        }
    }

    /// Starts `dept`, whose cases' OSHA columns are drawn from `osha`.
    pub fn start_department(&mut self, dept: &Dept, osha: ChaCha8Rng) {
        self.seq = 0;
        self.sites = Some(CaseSites::new(dept, osha));
    }

    /// Draws the cases and claims of `dept` in month `t` with mean `mu`
    /// recordables (the cell's truth, or its gamma-mixed draw), each list
    /// in date order.
    pub fn generate_cell(&mut self, rng: &mut ChaCha8Rng, dept: &Dept, t: usize, mu: f64) {
        let month = self.window.month(t);
        if month.month() == 1 {
            self.seq = 0;
        }
        let days = MonthDays::of(month);
        self.draw_cases(rng, dept, days, mu);
        let years = t as f64 / 12.0;
        self.claims.clear();
        self.ultimates.push(CellUltimates::default());
        self.draw_linked_claims(rng, dept, years);
        self.draw_unlinked_claims(rng, dept, days, mu, years);
        self.claims.sort_by_key(|c| c.origin.injury_day);
    }

    /// Recordables ~ Poisson(μ), first aid cases and near misses with their
    /// ratios, sorted by day and numbered on from the department-year's last case.
    fn draw_cases(&mut self, rng: &mut ChaCha8Rng, dept: &Dept, days: MonthDays, mu: f64) {
        let g = dept.group.params();
        let n_rec = poisson(rng, mu);
        let n_fa = poisson(rng, mu * g.first_aid_ratio * dept.first_aid_mult);
        let n_nm = poisson(rng, mu * g.near_miss_ratio * dept.near_miss_mult);
        self.injuries.clear();
        for i in 0..n_rec + n_fa + n_nm {
            let class = if i < n_rec {
                RECORDABLE[self.tables.class_by_group[dept.group.idx()].sample(rng)]
            } else if i < n_rec + n_fa {
                OshaClass::FirstAid
            } else {
                OshaClass::NearMiss
            };
            let draft = draft_case(rng, self.tables, dept, class, days);
            self.injuries.push(draft);
        }
        self.injuries.sort_by_key(|d| d.day);
        for draft in &mut self.injuries {
            self.seq += 1;
            draft.seq = self.seq;
        }
    }

    /// A recordable case becomes a claim with its class's probability.
    fn draw_linked_claims(&mut self, rng: &mut ChaCha8Rng, dept: &Dept, years: f64) {
        let jobs = dept.family.jobs();
        for draft in &self.injuries {
            let Some(class) = RECORDABLE.iter().position(|&c| c == draft.class) else { continue };
            if !rng.gen_bool(CLAIM_CLASSES[class].claim_share) {
                continue;
            }
            let origin = ClaimOrigin {
                case_seq: Some(draft.seq),
                injury_day: draft.day,
                cause: Some(cause_code(draft.cause)),
                nature: draft.nature,
                body: draft.body,
                job: jobs[usize::from(draft.job)],
                employee: draft.employee,
            };
            let drawn = draw_claim(rng, origin, class, dept.group, years, self.window.valuation);
            keep(&mut self.ultimates, &mut self.claims, drawn);
        }
    }

    /// Claims without a case (e.g. cumulative trauma filed directly),
    /// Poisson(0.08 μ), with codes, job and employee of their own.
    fn draw_unlinked_claims(&mut self, rng: &mut ChaCha8Rng, dept: &Dept, days: MonthDays, mu: f64, years: f64) {
        let n_unlinked = poisson(rng, mu * UNLINKED_CLAIM_RATE);
        for _ in 0..n_unlinked {
            let (cause, nature, body, _) = self.tables.codes(rng, dept.group);
            let injury_day = days.random_day(rng);
            let job = dept.random_job(rng);
            let employee = dept.random_employee(rng);
            let origin = ClaimOrigin {
                case_seq: None,
                injury_day,
                cause: Some(cause_code(cause)),
                nature: Some(nature),
                body: Some(body),
                job,
                employee,
            };
            let drawn = draw_claim(rng, origin, UNLINKED, dept.group, years, self.window.valuation);
            keep(&mut self.ultimates, &mut self.claims, drawn);
        }
    }

    /// Sets the initial case estimate of each claim of the current cell, in
    /// file order, from the department's own estimate stream (so no other
    /// draw moves). With developing case estimates, which start from it,
    /// the claim is then valued again at the valuation date.
    pub fn estimate_claims(&mut self, rng: &mut ChaCha8Rng) {
        for claim in &mut self.claims {
            claim.course.initial = initial_estimate(rng, claim);
            if self.reserves == Reserves::CaseEstimate {
                claim.value = claim.course.value_at(self.window.valuation, self.reserves);
            }
        }
    }

    /// The claims and ultimates of every department-month drawn so far.
    pub fn ultimates(&self) -> &[CellUltimates] {
        &self.ultimates
    }

    /// The courses of the good claims written, in file order (empty
    /// without developing case estimates).
    pub fn courses(&self) -> &[Course] {
        &self.courses
    }

    /// The reported claims of the current cell, for tests that replay the draws.
    #[cfg(test)]
    pub fn claims(&self) -> &[ClaimDraft] {
        &self.claims
    }

    /// Writes the cases and then the claims of department-month `cell`
    /// (month `t` of `dept`), with the bad rows planned among them. Claim ids
    /// are numbered on through the whole file. The cases' OSHA columns are
    /// drawn from the department's own stream for them (`start_department`).
    pub fn write_cell(
        &mut self,
        cell: usize,
        dept: &Dept,
        t: usize,
        injury_file: &mut DataFile,
        claim_file: &mut DataFile,
        bad: &mut BadRows,
    ) -> Result<(), GenerateError> {
        let year = self.window.month(t).year();
        let valuation = self.window.valuation;
        let log = self.reserves == Reserves::CaseEstimate;
        let CaseWriter {
            injuries, claims, next_claim, case_id, employee, description, location, sites, courses, ..
        } = self;
        let Some(sites) = sites.as_mut() else {
            return Err(GenerateError::InvalidParams("internal: a cell written before its department".into()));
        };
        bad.interleave(FileKind::Injuries, cell, dept, injury_file, injuries.len(), |i, file, injury_id| {
            let draft = &injuries[i];
            write_case_id(injury_id, &dept.code, year, draft.seq);
            write_employee_id(employee, draft.employee);
            describe(description, draft, dept.group);
            let facts = CaseFacts {
                class: draft.class,
                cause: usize::from(draft.cause),
                phrase: usize::from(draft.phrase),
                nature: draft.nature,
            };
            let drawn = sites.draw(dept, &facts, location);
            let establishment = dept.sites.get(drawn.site).map_or("", |s| s.id.as_str());
            let columns = OshaColumns { establishment, injury_type: drawn.injury_type, incident_location: location };
            file.good(&draft.row(injury_id, dept, employee, description, columns))
        })?;
        bad.interleave(FileKind::Claims, cell, dept, claim_file, claims.len(), |i, file, claim_id| {
            let claim = &claims[i];
            write_claim_id(claim_id, *next_claim);
            *next_claim += 1;
            if log {
                courses.push(claim.course);
            }
            match claim.origin.case_seq {
                Some(seq) => write_case_id(case_id, &dept.code, year, seq),
                None => case_id.clear(),
            }
            write_employee_id(employee, claim.origin.employee);
            let ids = ClaimIds { claim_id, case_id, department: &dept.code, employee_id: employee };
            file.good(&claim.row(ids, valuation))
        })
    }
}

/// Counts a drawn claim towards its injury month's ultimates (the last
/// cell of `ultimates`) and keeps it for claims.csv if it is reported.
fn keep(ultimates: &mut [CellUltimates], claims: &mut Vec<ClaimDraft>, drawn: Drawn) {
    if let Some(cell) = ultimates.last_mut() {
        cell.add(drawn.ultimate());
    }
    if let Drawn::Reported(claim) = drawn {
        claims.push(claim);
    }
}

/// One case of `class` on a day of the month: codes, days lost, job,
/// employee and the extras of its description.
fn draft_case(rng: &mut ChaCha8Rng, tables: &Tables, dept: &Dept, class: OshaClass, days: MonthDays) -> InjuryDraft {
    let day = days.random_day(rng);
    let (cause, nature, body, phrase) = tables.codes(rng, dept.group);
    let (days_away, days_restricted) = draw_days_lost(rng, class, dept.group.params().days_away_median);
    let injured = class != OshaClass::NearMiss;
    let job = rng.gen_range(0..dept.family.jobs().len()) as u8;
    let employee = dept.random_employee(rng);
    let remark = if rng.gen_bool(QUOTE_SHARE) { rng.gen_range(1..=REMARKS.len()) as u8 } else { 0 };
    let follow_up = if rng.gen_bool(NEWLINE_SHARE) { rng.gen_range(1..=FOLLOW_UPS.len()) as u8 } else { 0 };
    InjuryDraft {
        day,
        class,
        days_away,
        days_restricted,
        cause,
        nature: injured.then_some(nature),
        body: injured.then_some(body),
        phrase,
        job,
        employee,
        remark,
        follow_up,
        seq: 0,
    }
}

/// (days away, days restricted) of a case: days away cases are away and
/// sometimes restricted after the return, restricted cases only restricted.
fn draw_days_lost(rng: &mut ChaCha8Rng, class: OshaClass, days_away_median: f64) -> (u32, u32) {
    match class {
        OshaClass::DaysAway => {
            let away = clamp_days(lognormal(rng, days_away_median, 1.1));
            let restricted = if rng.gen_bool(0.4) { clamp_days(lognormal(rng, 10.0, 0.9)) } else { 0 };
            (away, restricted)
        }
        OshaClass::Restricted => (0, clamp_days(lognormal(rng, 14.0, 1.0))),
        _ => (0, 0),
    }
}

fn clamp_days(x: f64) -> u32 {
    x.round().clamp(1.0, DAYS_CAP) as u32
}

/// `<department>-<year>-<sequence>`.
fn write_case_id(buf: &mut String, department: &str, year: i32, seq: u32) {
    buf.clear();
    let _ = write!(buf, "{department}-{year}-{seq:05}");
}

fn write_employee_id(buf: &mut String, employee: u32) {
    buf.clear();
    let _ = write!(buf, "E{employee:07}");
}

fn describe(buf: &mut String, d: &InjuryDraft, group: Group) {
    buf.clear();
    let cause = &CAUSES[usize::from(d.cause)];
    let phrases = cause.phrases[group.idx()];
    let phrase = phrases[usize::from(d.phrase) % phrases.len()];
    match (d.nature, d.body) {
        (Some(nature), Some(body)) => {
            let _ = write!(buf, "{phrase}, {} {}", nature_word(nature), body_word(body));
            if d.class == OshaClass::FirstAid {
                buf.push_str("; first aid on site");
            }
        }
        _ => {
            let _ = write!(buf, "near miss: {phrase}, no injury");
        }
    }
    if d.remark > 0 {
        let _ = write!(buf, ", said \"{}\"", REMARKS[usize::from(d.remark - 1) % REMARKS.len()]);
    }
    if d.follow_up > 0 {
        let _ = write!(buf, "\nfollow-up: {}", FOLLOW_UPS[usize::from(d.follow_up - 1) % FOLLOW_UPS.len()]);
    }
}
