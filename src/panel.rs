//! The department × month panel: per department and month the cases by
//! OSHA class, days, claims and money (at valuation), exposure, and the
//! WCIO cause / nature / body-part mix of the cases; the standard metrics
//! monthly and over trailing windows.
//!
//! [`PanelBuilder`] is the ingest sink: it aggregates records as they
//! stream past, so memory grows with departments × months, not rows.
//! [`Panel`] is the finished, rectangular result: every department has one
//! entry for every month from the first month in the data to the end month.
//!
//! Conventions (where the contract is silent): a claim counts in the month
//! of its injury (accident-month basis, so it lines up with the hours of
//! that month); `open_claims` are claims of that injury month still open or
//! reopened at valuation; the code mix counts recordable cases of the
//! injury log.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::codes::{CodeKind, CodeTable};
use crate::ingest::{Loaded, RecordSink};
use crate::metrics::{self, Rates, Totals};
use crate::schema::{self, Cents, ClaimRecord, Department, ExposureRecord, InjuryRecord, Month, OshaClass};

/// Counts of WCIO codes among a period's recordable cases.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CodeMix {
    pub cause: BTreeMap<u16, u32>,
    pub nature: BTreeMap<u16, u32>,
    pub body_part: BTreeMap<u16, u32>,
}

impl CodeMix {
    pub fn of(&self, kind: CodeKind) -> &BTreeMap<u16, u32> {
        match kind {
            CodeKind::Cause => &self.cause,
            CodeKind::Nature => &self.nature,
            CodeKind::BodyPart => &self.body_part,
        }
    }

    fn add(&mut self, o: &CodeMix) {
        for kind in CodeKind::ALL {
            let mine = self.of_mut(kind);
            for (code, n) in o.of(kind) {
                *mine.entry(*code).or_default() += n;
            }
        }
    }

    fn of_mut(&mut self, kind: CodeKind) -> &mut BTreeMap<u16, u32> {
        match kind {
            CodeKind::Cause => &mut self.cause,
            CodeKind::Nature => &mut self.nature,
            CodeKind::BodyPart => &mut self.body_part,
        }
    }
}

/// One department in one month.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DepartmentMonth {
    pub totals: Totals,
    /// Days from injury to report, summed over this month's claims that
    /// have a reported date, and how many claims that is.
    pub report_lag_days: u64,
    pub reported_claims: u64,
    pub mix: CodeMix,
}

impl DepartmentMonth {
    fn add(&mut self, o: &DepartmentMonth) {
        self.totals.add(&o.totals);
        self.report_lag_days += o.report_lag_days;
        self.reported_claims += o.reported_claims;
        self.mix.add(&o.mix);
    }

    pub fn has_hours(&self) -> bool {
        self.totals.hours.is_some()
    }

    fn has_activity(&self) -> bool {
        self.totals.recordable() + self.totals.first_aid_cases + self.totals.near_miss_cases + self.totals.claims > 0
    }
}

/// Aggregates accepted records into department-months while they stream.
#[derive(Debug, Clone)]
pub struct PanelBuilder {
    claim_cap: Cents,
    index: FxHashMap<String, usize>,
    cells: Vec<FxHashMap<Month, DepartmentMonth>>,
}

impl PanelBuilder {
    pub fn new(claim_cap: Cents) -> Self {
        PanelBuilder { claim_cap, index: FxHashMap::default(), cells: Vec::new() }
    }

    fn cell(&mut self, department: &str, month: Month) -> &mut DepartmentMonth {
        let i = match self.index.get(department) {
            Some(&i) => i,
            None => {
                self.index.insert(department.to_string(), self.cells.len());
                self.cells.push(FxHashMap::default());
                self.cells.len() - 1
            }
        };
        self.cells[i].entry(month).or_default()
    }
}

impl Default for PanelBuilder {
    fn default() -> Self {
        PanelBuilder::new(metrics::DEFAULT_CLAIM_CAP)
    }
}

impl RecordSink for PanelBuilder {
    fn fork(&self) -> Self {
        PanelBuilder::new(self.claim_cap)
    }

    fn merge(&mut self, other: Self) {
        let mut names: Vec<(String, usize)> = other.index.into_iter().collect();
        names.sort();
        let mut other_cells = other.cells;
        for (name, i) in names {
            for (month, cell) in std::mem::take(&mut other_cells[i]) {
                self.cell(&name, month).add(&cell);
            }
        }
    }

    fn injury(&mut self, r: &InjuryRecord<'_>) {
        let cell = self.cell(&r.department, Month::of(r.event_date));
        let t = &mut cell.totals;
        match r.osha_class {
            OshaClass::Death => t.deaths += 1,
            OshaClass::DaysAway => t.days_away_cases += 1,
            OshaClass::Restricted => t.restricted_cases += 1,
            OshaClass::OtherRecordable => t.other_recordable_cases += 1,
            OshaClass::FirstAid => t.first_aid_cases += 1,
            OshaClass::NearMiss => t.near_miss_cases += 1,
        }
        t.days_away += u64::from(r.days_away.unwrap_or(0));
        t.days_restricted += u64::from(r.days_restricted.unwrap_or(0));
        if r.osha_class.is_recordable() {
            for (kind, code) in [
                (CodeKind::Cause, r.cause_code),
                (CodeKind::Nature, r.nature_code),
                (CodeKind::BodyPart, r.body_part_code),
            ] {
                if let Some(code) = code {
                    *cell.mix.of_mut(kind).entry(code).or_default() += 1;
                }
            }
        }
    }

    fn claim(&mut self, r: &ClaimRecord<'_>) {
        let cap = self.claim_cap;
        let cell = self.cell(&r.department, Month::of(r.injury_date));
        let t = &mut cell.totals;
        let incurred = r.incurred();
        t.claims += 1;
        t.open_claims += u64::from(r.status.is_open());
        t.litigated_claims += u64::from(r.litigated == Some(true));
        t.paid += r.paid();
        t.incurred += incurred;
        t.incurred_capped += metrics::capped(incurred, cap);
        if let Some(reported) = r.reported_date {
            let lag = schema::day_number(reported) - schema::day_number(r.injury_date);
            cell.report_lag_days += u64::try_from(lag).unwrap_or(0);
            cell.reported_claims += 1;
        }
    }

    fn exposure(&mut self, r: &ExposureRecord<'_>) {
        let t = &mut self.cell(&r.department, r.month).totals;
        t.hours = Some(r.hours_worked);
        t.headcount_months = r.headcount;
        t.payroll = r.payroll;
    }
}

/// A department and its months.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DepartmentSeries {
    pub code: String,
    pub name: String,
    pub group: Option<String>,
    /// One entry per month of the panel, from `Panel::start`.
    pub months: Vec<DepartmentMonth>,
}

/// A period's totals, and the same restricted to the months that have
/// hours (rates come only from those, so numerator and hours match).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Window {
    pub all: Totals,
    pub exposed: Totals,
    pub months: u32,
    pub exposed_months: u32,
}

impl Window {
    pub fn rates(&self) -> Rates {
        self.exposed.rates()
    }

    fn add(&mut self, m: &DepartmentMonth) {
        self.all.add(&m.totals);
        self.months += 1;
        if m.has_hours() {
            self.exposed.add(&m.totals);
            self.exposed_months += 1;
        }
    }
}

/// The finished department × month panel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Panel {
    pub start: Month,
    pub end: Month,
    /// Whether an exposure file was given (rates exist only then).
    pub has_exposure: bool,
    /// Sorted by department code.
    pub departments: Vec<DepartmentSeries>,
    /// Department-months with cases or claims but no hours although
    /// exposure was given: their rates are empty.
    pub unexposed_activity: Vec<(String, Month)>,
}

impl Panel {
    /// Builds the panel from a finished load. `end` defaults to the latest
    /// month with any accepted record.
    pub fn build(loaded: &Loaded<PanelBuilder>, end: Option<Month>) -> Panel {
        let has_exposure = loaded.report(crate::ingest::FileKind::Exposure).is_some();
        Panel::from_builder(&loaded.sink, loaded.departments.as_deref(), has_exposure, end)
    }

    pub fn from_builder(
        builder: &PanelBuilder,
        departments: Option<&[Department]>,
        has_exposure: bool,
        end: Option<Month>,
    ) -> Panel {
        let mut names: BTreeMap<String, (String, Option<String>)> = BTreeMap::new();
        for d in departments.unwrap_or_default() {
            names.insert(d.department.clone(), (d.name.clone(), d.group.clone()));
        }
        for code in builder.index.keys() {
            names.entry(code.clone()).or_insert_with(|| (code.clone(), None));
        }
        let months = builder.cells.iter().flat_map(|c| c.keys().copied());
        let (lo, hi) = months.fold((None, None), |(lo, hi): (Option<Month>, Option<Month>), m| {
            (Some(lo.map_or(m, |l| l.min(m))), Some(hi.map_or(m, |h| h.max(m))))
        });
        let end = end.or(hi).unwrap_or_else(|| Month::from_index(0));
        let start = lo.unwrap_or(end).min(end);
        let len = (end.since(start) + 1) as usize;

        let mut unexposed_activity = Vec::new();
        let departments = names
            .into_iter()
            .map(|(code, (name, group))| {
                let mut series = vec![DepartmentMonth::default(); len];
                if let Some(cells) = builder.index.get(&code).map(|&i| &builder.cells[i]) {
                    for (month, cell) in cells {
                        if (start..=end).contains(month) {
                            series[month.since(start) as usize] = cell.clone();
                        }
                    }
                }
                if has_exposure {
                    for (i, m) in series.iter().enumerate() {
                        if m.has_activity() && !m.has_hours() {
                            unexposed_activity.push((code.clone(), start.plus(i as i32)));
                        }
                    }
                }
                DepartmentSeries { code, name, group, months: series }
            })
            .collect();
        Panel { start, end, has_exposure, departments, unexposed_activity }
    }

    pub fn months(&self) -> impl Iterator<Item = Month> + use<> {
        Month::range(self.start, self.end)
    }

    /// Department `d` in month `m`, when the month is in the panel.
    pub fn cell(&self, d: usize, m: Month) -> Option<&DepartmentMonth> {
        if m < self.start || m > self.end {
            return None;
        }
        self.departments.get(d)?.months.get(m.since(self.start) as usize)
    }

    pub fn position(&self, code: &str) -> Option<usize> {
        self.departments.binary_search_by(|d| d.code.as_str().cmp(code)).ok()
    }

    /// Clamps `[from, to]` to the panel and returns it as indices.
    fn span(&self, from: Month, to: Month) -> std::ops::Range<usize> {
        let lo = from.max(self.start).since(self.start).max(0) as usize;
        let hi = (to.min(self.end).since(self.start) + 1).max(0) as usize;
        lo..hi.max(lo)
    }

    /// One department's totals over the months `from..=to`.
    pub fn window(&self, department: usize, from: Month, to: Month) -> Window {
        let mut w = Window::default();
        for m in &self.departments[department].months[self.span(from, to)] {
            w.add(m);
        }
        w
    }

    /// The trailing 12 months ending at `month`.
    pub fn trailing12(&self, department: usize, month: Month) -> Window {
        self.window(department, month.plus(-11), month)
    }

    /// City-wide (all departments) totals over `from..=to`.
    pub fn city_window(&self, from: Month, to: Month) -> Window {
        let mut w = Window::default();
        for d in 0..self.departments.len() {
            let dw = self.window(d, from, to);
            w.all.add(&dw.all);
            w.exposed.add(&dw.exposed);
            w.months = w.months.max(dw.months);
            w.exposed_months = w.exposed_months.max(dw.exposed_months);
        }
        w
    }

    /// The code mix of a department (or the city, with `None`) over `from..=to`.
    pub fn mix(&self, department: Option<usize>, from: Month, to: Month) -> CodeMix {
        let span = self.span(from, to);
        let mut mix = CodeMix::default();
        let depts: Vec<&DepartmentSeries> = match department {
            Some(d) => vec![&self.departments[d]],
            None => self.departments.iter().collect(),
        };
        for d in depts {
            for m in &d.months[span.clone()] {
                mix.add(&m.mix);
            }
        }
        mix
    }

    /// The rows of `panel.csv`: one per department and month.
    pub fn rows(&self) -> Vec<PanelRow> {
        let mut rows = Vec::with_capacity(self.departments.len() * self.months().count());
        for (d, dept) in self.departments.iter().enumerate() {
            for (i, m) in dept.months.iter().enumerate() {
                let month = self.start.plus(i as i32);
                rows.push(PanelRow::new(dept, month, m, &self.trailing12(d, month)));
            }
        }
        rows
    }

    /// The rows of `mix.csv`: each department's code mix over the trailing
    /// 12 months and over the whole panel, beside the city's shares.
    pub fn mix_rows(&self, table: &CodeTable) -> Vec<MixRow> {
        let (t12_from, all_from) = (self.end.plus(-11), self.start);
        let city_t12 = self.mix(None, t12_from, self.end);
        let mut rows = Vec::new();
        for (d, dept) in self.departments.iter().enumerate() {
            let t12 = self.mix(Some(d), t12_from, self.end);
            let all = self.mix(Some(d), all_from, self.end);
            for kind in CodeKind::ALL {
                let share = |mix: &CodeMix, code: u16| {
                    let total: u32 = mix.of(kind).values().sum();
                    let n = mix.of(kind).get(&code).copied().unwrap_or(0);
                    (n, (total > 0).then(|| Fixed4(f64::from(n) / f64::from(total))))
                };
                for &code in all.of(kind).keys() {
                    let (cases_t12, share_t12) = share(&t12, code);
                    let (cases_all, share_all) = share(&all, code);
                    rows.push(MixRow {
                        department: dept.code.clone(),
                        kind,
                        code,
                        name: table.label(kind, code),
                        category: table.get(kind, code).map(|e| e.category.clone()).unwrap_or_default(),
                        cases_t12,
                        share_t12,
                        city_share_t12: share(&city_t12, code).1,
                        cases_all,
                        share_all,
                    });
                }
            }
        }
        rows
    }
}

/// A float written with four decimals, so CSVs are byte-stable.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fixed4(pub f64);

impl Serialize for Fixed4 {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{:.4}", self.0))
    }
}

/// A float written with two decimals (hours, headcount).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fixed2(pub f64);

impl Serialize for Fixed2 {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{:.2}", self.0))
    }
}

fn f4(v: Option<f64>) -> Option<Fixed4> {
    v.map(Fixed4)
}

/// One line of `panel.csv`.
#[derive(Debug, Clone, Serialize)]
pub struct PanelRow {
    pub department: String,
    pub name: String,
    pub group: Option<String>,
    pub month: Month,
    pub deaths: u64,
    pub days_away_cases: u64,
    pub restricted_cases: u64,
    pub other_recordable_cases: u64,
    pub first_aid_cases: u64,
    pub near_miss_cases: u64,
    pub recordable_cases: u64,
    pub days_away: u64,
    pub days_restricted: u64,
    pub claims: u64,
    pub open_claims: u64,
    pub litigated_claims: u64,
    pub paid: Cents,
    pub incurred: Cents,
    pub incurred_capped: Cents,
    pub mean_report_lag_days: Option<Fixed2>,
    pub hours: Option<Fixed2>,
    pub headcount: Option<Fixed2>,
    pub payroll: Option<Cents>,
    pub trir: Option<Fixed4>,
    pub dart: Option<Fixed4>,
    pub ltir: Option<Fixed4>,
    pub severity_rate: Option<Fixed4>,
    pub claim_frequency: Option<Fixed4>,
    pub incurred_per_200k_hours: Option<Fixed4>,
    pub loss_rate_per_100_payroll: Option<Fixed4>,
    pub loss_rate_capped_per_100_payroll: Option<Fixed4>,
    pub t12_months_with_hours: u32,
    pub t12_recordable_cases: u64,
    pub t12_incurred: Cents,
    pub t12_hours: Option<Fixed2>,
    pub t12_trir: Option<Fixed4>,
    pub t12_dart: Option<Fixed4>,
    pub t12_ltir: Option<Fixed4>,
    pub t12_severity_rate: Option<Fixed4>,
    pub t12_claim_frequency: Option<Fixed4>,
    pub t12_incurred_per_200k_hours: Option<Fixed4>,
    pub t12_loss_rate_per_100_payroll: Option<Fixed4>,
    pub t12_loss_rate_capped_per_100_payroll: Option<Fixed4>,
}

impl PanelRow {
    fn new(dept: &DepartmentSeries, month: Month, m: &DepartmentMonth, t12: &Window) -> PanelRow {
        let t = &m.totals;
        let r = t.rates();
        let r12 = t12.rates();
        PanelRow {
            department: dept.code.clone(),
            name: dept.name.clone(),
            group: dept.group.clone(),
            month,
            deaths: t.deaths,
            days_away_cases: t.days_away_cases,
            restricted_cases: t.restricted_cases,
            other_recordable_cases: t.other_recordable_cases,
            first_aid_cases: t.first_aid_cases,
            near_miss_cases: t.near_miss_cases,
            recordable_cases: t.recordable(),
            days_away: t.days_away,
            days_restricted: t.days_restricted,
            claims: t.claims,
            open_claims: t.open_claims,
            litigated_claims: t.litigated_claims,
            paid: t.paid,
            incurred: t.incurred,
            incurred_capped: t.incurred_capped,
            mean_report_lag_days: (m.reported_claims > 0)
                .then(|| Fixed2(m.report_lag_days as f64 / m.reported_claims as f64)),
            hours: t.hours.map(Fixed2),
            headcount: t.headcount_months.map(Fixed2),
            payroll: t.payroll,
            trir: f4(r.trir),
            dart: f4(r.dart),
            ltir: f4(r.ltir),
            severity_rate: f4(r.severity_rate),
            claim_frequency: f4(r.claim_frequency),
            incurred_per_200k_hours: f4(r.incurred_per_base),
            loss_rate_per_100_payroll: f4(r.loss_rate),
            loss_rate_capped_per_100_payroll: f4(r.loss_rate_capped),
            t12_months_with_hours: t12.exposed_months,
            t12_recordable_cases: t12.all.recordable(),
            t12_incurred: t12.all.incurred,
            t12_hours: t12.exposed.hours.map(Fixed2),
            t12_trir: f4(r12.trir),
            t12_dart: f4(r12.dart),
            t12_ltir: f4(r12.ltir),
            t12_severity_rate: f4(r12.severity_rate),
            t12_claim_frequency: f4(r12.claim_frequency),
            t12_incurred_per_200k_hours: f4(r12.incurred_per_base),
            t12_loss_rate_per_100_payroll: f4(r12.loss_rate),
            t12_loss_rate_capped_per_100_payroll: f4(r12.loss_rate_capped),
        }
    }
}

/// One line of `mix.csv`.
#[derive(Debug, Clone, Serialize)]
pub struct MixRow {
    pub department: String,
    pub kind: CodeKind,
    pub code: u16,
    pub name: String,
    pub category: String,
    pub cases_t12: u32,
    pub share_t12: Option<Fixed4>,
    pub city_share_t12: Option<Fixed4>,
    pub cases_all: u32,
    pub share_all: Option<Fixed4>,
}
