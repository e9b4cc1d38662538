//! The Form 300 log (`form_300.csv`) and the ITA case-data file
//! (`ita_cases.csv`): one row per recordable case of the year, by
//! establishment and case number. Nobody is named: column B says
//! `privacy case` for a privacy concern case and is otherwise empty (the
//! data carry no names), and a privacy case's description is withheld (it
//! was never kept: `ingest::osha`). Days are capped as on the 300A.

use serde::Serialize;

use super::checks::{Finding, Severity};
use super::establishment::Establishment;
use super::summary::{Totals, capped_days};
use crate::export::CsvRow;
use crate::ingest::osha::OshaCase;
use crate::schema::OshaClass;

/// What column B says for a privacy concern case.
pub const PRIVACY_NAME: &str = "privacy case";

/// One line of the Form 300 log.
#[derive(Debug, Clone, Serialize)]
pub struct Form300Row {
    pub establishment: String,
    pub a_case_number: String,
    pub b_employee_name: String,
    pub c_job_title: String,
    pub d_date_of_injury: String,
    pub e_where_event_occurred: String,
    pub f_description: String,
    pub g_death: &'static str,
    pub h_days_away: &'static str,
    pub i_job_transfer_or_restriction: &'static str,
    pub j_other_recordable: &'static str,
    pub k_days_away: u32,
    pub l_days_transfer_or_restriction: u32,
    pub m_injury_type: String,
}

impl CsvRow for Form300Row {
    const COLUMNS: &'static [&'static str] = &[
        "establishment",
        "a_case_number",
        "b_employee_name",
        "c_job_title",
        "d_date_of_injury",
        "e_where_event_occurred",
        "f_description",
        "g_death",
        "h_days_away",
        "i_job_transfer_or_restriction",
        "j_other_recordable",
        "k_days_away",
        "l_days_transfer_or_restriction",
        "m_injury_type",
    ];
}

fn tick(on: bool) -> &'static str {
    if on { "X" } else { "" }
}

fn type_number(case: &OshaCase) -> String {
    super::injury_type::of_case(case).injury_type().map(|t| t.number().to_string()).unwrap_or_default()
}

impl Form300Row {
    pub fn new(e: &Establishment, case: &OshaCase) -> Self {
        let (away, restricted) = counted_days(case);
        let class = case.osha_class;
        Form300Row {
            establishment: e.id.clone(),
            a_case_number: case.case_id.clone(),
            b_employee_name: if case.privacy { PRIVACY_NAME.to_string() } else { String::new() },
            c_job_title: case.job_title.clone().unwrap_or_default(),
            d_date_of_injury: case.event_date.to_string(),
            e_where_event_occurred: case.incident_location.clone().unwrap_or_default(),
            f_description: case.description.clone().unwrap_or_default(),
            g_death: tick(class == OshaClass::Death),
            h_days_away: tick(class == OshaClass::DaysAway),
            i_job_transfer_or_restriction: tick(class == OshaClass::Restricted),
            j_other_recordable: tick(class == OshaClass::OtherRecordable),
            k_days_away: away,
            l_days_transfer_or_restriction: restricted,
            m_injury_type: type_number(case),
        }
    }
}

/// The days the forms count for a case: days away only on a days-away
/// case, restriction only on a days-away or restriction case (as the 300A).
pub fn counted_days(case: &OshaCase) -> (u32, u32) {
    let (away, restricted) = capped_days(case);
    match case.osha_class {
        OshaClass::DaysAway => (away, restricted),
        OshaClass::Restricted => (0, restricted),
        _ => (0, 0),
    }
}

/// The ITA case-data columns, in order.
pub const ITA_CASE_COLUMNS: [&str; 24] = [
    "establishment_name",
    "year_of_filing",
    "case_number",
    "job_title",
    "date_of_incident",
    "incident_location",
    "incident_description",
    "incident_outcome",
    "dafw_num_away",
    "djtr_num_tr",
    "type_of_incident",
    "date_of_birth",
    "date_of_hire",
    "sex",
    "treatment_facility_type",
    "treatment_in_patient",
    "time_started_work",
    "time_of_incident",
    "time_unknown",
    "nar_before_incident",
    "nar_what_happened",
    "nar_injury_illness",
    "nar_object_substance",
    "date_of_death",
];

/// Columns the data never carry: always empty, reported once each. They
/// are the case file's last thirteen, from `date_of_birth` on.
pub const NOT_CARRIED: &[&str] = ITA_CASE_COLUMNS.split_at(11).1;

/// One row of `ita_cases.csv`, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItaCaseRow {
    pub establishment: String,
    pub cells: [String; 24],
}

impl ItaCaseRow {
    pub fn new(e: &Establishment, year: i16, case: &OshaCase) -> Self {
        let (away, restricted) = counted_days(case);
        let outcome = match case.osha_class {
            OshaClass::Death => "1",
            OshaClass::DaysAway => "2",
            OshaClass::Restricted => "3",
            _ => "4",
        };
        let d = case.event_date;
        let mut cells: [String; 24] = Default::default();
        let fill = [
            e.detail("name").unwrap_or_default().to_string(),
            year.to_string(),
            case.case_id.clone(),
            case.job_title.clone().unwrap_or_default(),
            format!("{:02}/{:02}/{:04}", d.month(), d.day(), d.year()),
            case.incident_location.clone().unwrap_or_default(),
            case.description.clone().unwrap_or_default(),
            outcome.to_string(),
            away.to_string(),
            restricted.to_string(),
            type_number(case),
        ];
        for (cell, value) in cells.iter_mut().zip(fill) {
            *cell = value;
        }
        ItaCaseRow { establishment: e.id.clone(), cells }
    }

    pub fn get(&self, column: &str) -> &str {
        ITA_CASE_COLUMNS.iter().position(|c| *c == column).map_or("", |i| self.cells[i].as_str())
    }
}

/// `ita_cases.csv`, every cell neutralised.
pub fn ita_cases_bytes(rows: &[ItaCaseRow]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    w.write_record(ITA_CASE_COLUMNS)?;
    for r in rows {
        let cells: Vec<_> = r.cells.iter().map(|c| crate::export::neutralise(c)).collect();
        w.write_record(cells.iter().map(|c| c.as_ref()))?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// The fields ITA asks of a case that the data leave empty, once per
/// field (not per case), as warnings; the descriptions of non-privacy
/// cases, job titles and locations when any is missing.
pub fn missing_fields(rows: &[ItaCaseRow]) -> Vec<Finding> {
    let mut out = Vec::new();
    if rows.is_empty() {
        return out;
    }
    for field in ["job_title", "incident_location", "incident_description"] {
        let n = rows.iter().filter(|r| r.get(field).is_empty()).count();
        if n > 0 {
            // Only the description is withheld on purpose (privacy cases).
            let why = if field == "incident_description" { " (privacy cases' descriptions are withheld)" } else { "" };
            let problem = format!("empty on {n} of {} cases{why}", rows.len());
            out.push(Finding::new("", field, Severity::Warning, problem, "fill the column in injuries.csv"));
        }
    }
    for field in NOT_CARRIED {
        let problem = "the data contract carries no such column: left empty on every case".to_string();
        out.push(Finding::new("", field, Severity::Warning, problem, "enter it in ITA by hand if OSHA asks for it"));
    }
    out
}

/// The case file's totals of one establishment, recounted from its rows.
pub fn case_file_totals(rows: &[&ItaCaseRow]) -> Totals {
    let mut t = Totals::default();
    for r in rows {
        let n = |c: &str| r.get(c).parse::<u32>().unwrap_or(0);
        match r.get("incident_outcome") {
            "1" => t.deaths += 1,
            "2" => t.dafw_cases += 1,
            "3" => t.djtr_cases += 1,
            _ => t.other_cases += 1,
        }
        t.dafw_days += n("dafw_num_away");
        t.djtr_days += n("djtr_num_tr");
        match n("type_of_incident") {
            k @ 1..=6 => t.types[k as usize - 1] += 1,
            _ => t.untyped += 1,
        }
    }
    t
}

/// The rule that the case file's totals equal the 300A's.
pub fn totals_agree(establishment: &str, summary: &Totals, cases: &Totals) -> Option<Finding> {
    (summary != cases).then(|| {
        let problem = format!("ita_cases.csv totals {cases:?} differ from the 300A's {summary:?}");
        Finding::new(
            establishment,
            "ita_cases.csv",
            Severity::Error,
            problem,
            "report this: the two files are made from the same cases",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_file_that_disagrees_with_the_300a_is_an_error() {
        let summary = Totals { dafw_cases: 2, dafw_days: 10, types: [2, 0, 0, 0, 0, 0], ..Totals::default() };
        assert_eq!(totals_agree("ST1", &summary, &summary.clone()), None);
        let mut cases = summary.clone();
        cases.dafw_days = 9;
        let found = totals_agree("ST1", &summary, &cases).expect("a mismatch");
        assert_eq!((found.establishment.as_str(), found.field.as_str()), ("ST1", "ita_cases.csv"));
        assert_eq!(found.severity, Severity::Error);
        let row = |outcome: &str, away: &str, kind: &str| {
            let mut cells: [String; 24] = Default::default();
            for (column, value) in [("incident_outcome", outcome), ("dafw_num_away", away), ("type_of_incident", kind)]
            {
                let at = ITA_CASE_COLUMNS.iter().position(|c| *c == column).unwrap();
                cells[at] = value.to_string();
            }
            ItaCaseRow { establishment: "ST1".into(), cells }
        };
        let rows = [row("2", "6", "1"), row("2", "4", "1")];
        assert_eq!(case_file_totals(&rows.iter().collect::<Vec<_>>()), summary, "recounted from the cells");
        let dropped = [row("2", "6", "1"), row("4", "0", "")];
        let recount = case_file_totals(&dropped.iter().collect::<Vec<_>>());
        assert!(totals_agree("ST1", &summary, &recount).is_some(), "a case whose cells were changed");
    }
}
