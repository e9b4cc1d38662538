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

mod valuation;

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::codes::CodeKind;
use crate::ingest::{FileReport, Loaded, RecordSink, ValuationRecord};
use crate::metrics::{self, Rates, Totals};
use crate::schema::{self, Cents, ClaimRecord, Department, ExposureRecord, InjuryRecord, Month, OshaClass};
pub use valuation::{DepartmentTriangles, Triangles, ValuationHistory};

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
    /// This month's claims by the month they were reported in, as months
    /// after the accident month (0: the same month; a claim without a
    /// reported date counts as reported then): the reported-count
    /// triangle's row, which claims.csv alone gives.
    #[serde(skip)]
    pub reported_after: BTreeMap<u16, u32>,
    pub mix: CodeMix,
}

impl DepartmentMonth {
    fn add(&mut self, o: &DepartmentMonth) {
        self.totals.add(&o.totals);
        self.report_lag_days += o.report_lag_days;
        self.reported_claims += o.reported_claims;
        for (lag, n) in &o.reported_after {
            *self.reported_after.entry(*lag).or_default() += n;
        }
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
    valuations: ValuationHistory,
}

impl PanelBuilder {
    pub fn new(claim_cap: Cents) -> Self {
        PanelBuilder {
            claim_cap,
            index: FxHashMap::default(),
            cells: Vec::new(),
            valuations: ValuationHistory::default(),
        }
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
        self.valuations.merge(other.valuations);
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
        t.incurred_to_date += incurred;
        t.incurred_capped += metrics::capped(incurred, cap);
        let reported_month = r.reported_date.map_or(0, |d| Month::of(d).since(Month::of(r.injury_date)).max(0));
        *cell.reported_after.entry(u16::try_from(reported_month).unwrap_or(u16::MAX)).or_default() += 1;
        if let Some(reported) = r.reported_date {
            let lag = schema::day_number(reported) - schema::day_number(r.injury_date);
            cell.report_lag_days += u64::try_from(lag).unwrap_or(0);
            cell.reported_claims += 1;
        }
    }

    fn valuation(&mut self, r: &ValuationRecord<'_>) {
        self.valuations.add(r);
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
    /// The per-claim cap of the capped losses (`[limits] large_claim_limit`).
    #[serde(skip)]
    pub claim_cap: Cents,
    /// The development triangles, when claim_valuations.csv gave any row.
    #[serde(skip)]
    pub triangles: Option<Triangles>,
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
            .collect::<Vec<_>>();
        let triangles = (!builder.valuations.is_empty()).then(|| {
            let codes: Vec<&str> = departments.iter().map(|d| d.code.as_str()).collect();
            Triangles::build(&builder.valuations, &codes, start, end, builder.claim_cap)
        });
        Panel { start, end, has_exposure, departments, unexposed_activity, claim_cap: builder.claim_cap, triangles }
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

    /// Department `d`'s cumulative reported-claim counts by accident month
    /// (rows from `start`) and development month (1 = reported by the end
    /// of the accident month), to the panel's end.
    pub fn reported_counts(&self, d: usize) -> Vec<Vec<f64>> {
        let months = &self.departments[d].months;
        months
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let ages = months.len() - i;
                let mut row = vec![0.0; ages];
                for (&lag, &n) in &m.reported_after {
                    if let Some(cell) = row.get_mut(usize::from(lag)) {
                        *cell += f64::from(n);
                    }
                }
                valuation::cumulate(&mut row);
                row
            })
            .collect()
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
}

/// Warnings worth a risk manager's attention: ignored columns, missing
/// exposure, department-months with activity but no hours.
pub fn warnings(files: &[FileReport], panel: &Panel) -> Vec<String> {
    let mut out = Vec::new();
    for f in files {
        if !f.unknown_columns.is_empty() {
            out.push(format!("{}: ignored unknown column(s): {}", f.file_name(), f.unknown_columns.join(", ")));
        }
    }
    if !panel.has_exposure {
        out.push("no exposure.csv: rates (TRIR, DART, ...) are not computed; counts only".to_string());
    }
    if !panel.unexposed_activity.is_empty() {
        let examples: Vec<String> = panel.unexposed_activity.iter().take(5).map(|(d, m)| format!("{d} {m}")).collect();
        out.push(format!(
            "{} department-month(s) have injuries or claims but no hours in exposure.csv; their rates are empty (e.g. {})",
            panel.unexposed_activity.len(),
            examples.join(", ")
        ));
    }
    out
}
