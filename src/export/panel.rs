//! `panel.csv`: the department-month panel, one line per department and
//! month with its counts, money, hours and the standard rates, monthly and
//! over the trailing 12 months.

use serde::Serialize;

use super::{CsvRow, Exporter, Fixed2, Fixed4, FormatError, output_csv};
use crate::panel::{DepartmentMonth, DepartmentSeries, Panel, Window};
use crate::schema::{Cents, Month};

/// The file's name.
pub const FILE: &str = "panel.csv";

/// The panel as `panel.csv`.
pub struct PanelCsv<'a>(pub &'a Panel);

impl Exporter for PanelCsv<'_> {
    fn serialize(&self) -> Result<Vec<u8>, FormatError> {
        Ok(output_csv(rows(self.0))?)
    }
}

/// The rows of `panel.csv`: one per department and month.
pub fn rows(panel: &Panel) -> Vec<PanelRow> {
    let mut rows = Vec::with_capacity(panel.departments.len() * panel.months().count());
    for (d, dept) in panel.departments.iter().enumerate() {
        for (i, m) in dept.months.iter().enumerate() {
            let month = panel.start.plus(i as i32);
            rows.push(PanelRow::new(dept, month, m, &panel.trailing12(d, month)));
        }
    }
    rows
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

impl CsvRow for PanelRow {
    const COLUMNS: &'static [&'static str] = &[
        "department",
        "name",
        "group",
        "month",
        "deaths",
        "days_away_cases",
        "restricted_cases",
        "other_recordable_cases",
        "first_aid_cases",
        "near_miss_cases",
        "recordable_cases",
        "days_away",
        "days_restricted",
        "claims",
        "open_claims",
        "litigated_claims",
        "paid",
        "incurred",
        "incurred_capped",
        "mean_report_lag_days",
        "hours",
        "headcount",
        "payroll",
        "trir",
        "dart",
        "ltir",
        "severity_rate",
        "claim_frequency",
        "incurred_per_200k_hours",
        "loss_rate_per_100_payroll",
        "loss_rate_capped_per_100_payroll",
        "t12_months_with_hours",
        "t12_recordable_cases",
        "t12_incurred",
        "t12_hours",
        "t12_trir",
        "t12_dart",
        "t12_ltir",
        "t12_severity_rate",
        "t12_claim_frequency",
        "t12_incurred_per_200k_hours",
        "t12_loss_rate_per_100_payroll",
        "t12_loss_rate_capped_per_100_payroll",
    ];
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
