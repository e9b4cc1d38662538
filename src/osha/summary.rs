//! Form 300A, the year's summary of one establishment, and its row of the
//! ITA upload (`ita_300a.csv`). Only recordable cases count, each once,
//! in its most serious outcome (the log's `osha_class`): G deaths, H days
//! away, I job transfer or restriction, J other recordable. K sums the
//! days away of the days-away cases, L the days of restriction of the
//! days-away and restriction cases: days on a case of another outcome are
//! not counted (the pre-validation reports them). Days stop at 180 per
//! case, away and restricted together (29 CFR 1904.7(b)(3)(vii)).

use serde::Serialize;

use super::establishment::Establishment;
use super::injury_type::{self, TypeSource};
use crate::export::CsvRow;
use crate::ingest::DAYS_CAP;
use crate::ingest::osha::OshaCase;
use crate::schema::{InjuryType, OshaClass};

/// Days away and restricted of one case, capped at 180 together: days
/// away first, then restriction up to what is left.
pub fn capped_days(case: &OshaCase) -> (u32, u32) {
    let away = case.days_away.unwrap_or(0).min(DAYS_CAP);
    let restricted = case.days_restricted.unwrap_or(0).min(DAYS_CAP - away);
    (away, restricted)
}

/// The 300A totals of one establishment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    pub deaths: u32,
    pub dafw_cases: u32,
    pub djtr_cases: u32,
    pub other_cases: u32,
    pub dafw_days: u32,
    pub djtr_days: u32,
    /// M(1)–M(6).
    pub types: [u32; 6],
    /// Recordable cases whose type is unknown (counted in no M column).
    pub untyped: u32,
}

impl Totals {
    pub fn of<'a>(cases: impl IntoIterator<Item = &'a OshaCase>) -> Totals {
        let mut t = Totals::default();
        for case in cases.into_iter().filter(|c| c.osha_class.is_recordable()) {
            let (away, restricted) = capped_days(case);
            match case.osha_class {
                OshaClass::Death => t.deaths += 1,
                OshaClass::DaysAway => {
                    t.dafw_cases += 1;
                    t.dafw_days += away;
                    t.djtr_days += restricted;
                }
                OshaClass::Restricted => {
                    t.djtr_cases += 1;
                    t.djtr_days += restricted;
                }
                _ => t.other_cases += 1,
            }
            match injury_type::of_case(case).injury_type() {
                Some(kind) => t.types[usize::from(kind.number() - 1)] += 1,
                None => t.untyped += 1,
            }
        }
        t
    }

    pub fn cases(&self) -> u32 {
        self.deaths + self.dafw_cases + self.djtr_cases + self.other_cases
    }

    pub fn count(&self, kind: InjuryType) -> u32 {
        self.types[usize::from(kind.number() - 1)]
    }
}

/// Whether a case's type came from the column or the code, for the log.
pub fn type_of(case: &OshaCase) -> TypeSource {
    injury_type::of_case(case)
}

/// A row of `form_300a.csv`: the establishment, its figures and totals.
#[derive(Debug, Clone, Serialize)]
pub struct Form300aRow {
    pub establishment: String,
    pub establishment_name: String,
    pub department: String,
    pub year: i16,
    pub street_address: String,
    pub city: String,
    pub state: String,
    pub zip: String,
    pub naics_code: String,
    pub industry_description: String,
    pub annual_average_employees: String,
    pub total_hours_worked: String,
    pub g_deaths: u32,
    pub h_days_away_cases: u32,
    pub i_transfer_restriction_cases: u32,
    pub j_other_recordable_cases: u32,
    pub k_days_away: u32,
    pub l_days_transfer_restriction: u32,
    pub m1_injuries: u32,
    pub m2_skin_disorders: u32,
    pub m3_respiratory_conditions: u32,
    pub m4_poisonings: u32,
    pub m5_hearing_loss: u32,
    pub m6_other_illnesses: u32,
}

impl CsvRow for Form300aRow {
    const COLUMNS: &'static [&'static str] = &[
        "establishment",
        "establishment_name",
        "department",
        "year",
        "street_address",
        "city",
        "state",
        "zip",
        "naics_code",
        "industry_description",
        "annual_average_employees",
        "total_hours_worked",
        "g_deaths",
        "h_days_away_cases",
        "i_transfer_restriction_cases",
        "j_other_recordable_cases",
        "k_days_away",
        "l_days_transfer_restriction",
        "m1_injuries",
        "m2_skin_disorders",
        "m3_respiratory_conditions",
        "m4_poisonings",
        "m5_hearing_loss",
        "m6_other_illnesses",
    ];
}

fn text(e: &Establishment, column: &str) -> String {
    e.detail(column).unwrap_or_default().to_string()
}

impl Form300aRow {
    pub fn new(e: &Establishment, year: i16, t: &Totals) -> Self {
        Form300aRow {
            establishment: e.id.clone(),
            establishment_name: text(e, "name"),
            department: e.department.clone(),
            year,
            street_address: text(e, "street_address"),
            city: text(e, "city"),
            state: text(e, "state"),
            zip: text(e, "zip"),
            naics_code: text(e, "naics_code"),
            industry_description: text(e, "industry_description"),
            annual_average_employees: text(e, "annual_average_employees"),
            total_hours_worked: text(e, "total_hours_worked"),
            g_deaths: t.deaths,
            h_days_away_cases: t.dafw_cases,
            i_transfer_restriction_cases: t.djtr_cases,
            j_other_recordable_cases: t.other_cases,
            k_days_away: t.dafw_days,
            l_days_transfer_restriction: t.djtr_days,
            m1_injuries: t.types[0],
            m2_skin_disorders: t.types[1],
            m3_respiratory_conditions: t.types[2],
            m4_poisonings: t.types[3],
            m5_hearing_loss: t.types[4],
            m6_other_illnesses: t.types[5],
        }
    }
}

/// The ITA 300A upload's columns, in the order OSHA's CSV template has them.
pub const ITA_300A_COLUMNS: [&str; 28] = [
    "establishment_name",
    "ein",
    "company_name",
    "street_address",
    "city",
    "state",
    "zip",
    "naics_code",
    "industry_description",
    "size",
    "establishment_type",
    "year_filing_for",
    "annual_average_employees",
    "total_hours_worked",
    "no_injuries_illnesses",
    "total_deaths",
    "total_dafw_cases",
    "total_djtr_cases",
    "total_other_cases",
    "total_dafw_days",
    "total_djtr_days",
    "total_injuries",
    "total_skin_disorders",
    "total_respiratory_conditions",
    "total_poisonings",
    "total_hearing_loss",
    "total_other_illnesses",
    "change_reason",
];

/// One row of `ita_300a.csv`, every cell as it will be written (so the
/// pre-validation judges exactly what would be uploaded), with the
/// establishment's id beside it for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ita300aRow {
    pub establishment: String,
    pub cells: [String; 28],
}

/// ITA's size codes: 1 fewer than 20 employees, 21 20–99, 22 100–249, 3 250 or more.
pub fn size_code(employees: u64) -> &'static str {
    match employees {
        0..=19 => "1",
        20..=99 => "21",
        100..=249 => "22",
        _ => "3",
    }
}

impl Ita300aRow {
    pub fn new(e: &Establishment, year: i16, t: &Totals) -> Self {
        let employees = text(e, "annual_average_employees");
        let size = employees.parse::<u64>().map(size_code).unwrap_or_default().to_string();
        let n = |v: u32| v.to_string();
        let had = if t.cases() > 0 { "1" } else { "2" };
        let cells = [
            text(e, "name"),
            text(e, "ein"),
            text(e, "company_name"),
            text(e, "street_address"),
            text(e, "city"),
            text(e, "state"),
            text(e, "zip"),
            text(e, "naics_code"),
            text(e, "industry_description"),
            size,
            text(e, "establishment_type"),
            year.to_string(),
            employees,
            text(e, "total_hours_worked"),
            had.to_string(),
            n(t.deaths),
            n(t.dafw_cases),
            n(t.djtr_cases),
            n(t.other_cases),
            n(t.dafw_days),
            n(t.djtr_days),
            n(t.types[0]),
            n(t.types[1]),
            n(t.types[2]),
            n(t.types[3]),
            n(t.types[4]),
            n(t.types[5]),
            String::new(),
        ];
        Ita300aRow { establishment: e.id.clone(), cells }
    }

    /// A cell by its ITA column name.
    pub fn get(&self, column: &str) -> &str {
        ITA_300A_COLUMNS.iter().position(|c| *c == column).map_or("", |i| self.cells[i].as_str())
    }

    pub fn set(&mut self, column: &str, value: &str) {
        if let Some(i) = ITA_300A_COLUMNS.iter().position(|c| *c == column) {
            self.cells[i] = value.to_string();
        }
    }
}

/// `ita_300a.csv`: the 28 columns, one row per establishment.
pub fn ita_300a_bytes(rows: &[Ita300aRow]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    w.write_record(ITA_300A_COLUMNS)?;
    for r in rows {
        w.write_record(
            r.cells.iter().map(|c| crate::export::neutralise(c)).collect::<Vec<_>>().iter().map(|c| c.as_ref()),
        )?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::Date;

    pub fn case(id: &str, class: OshaClass, away: Option<u32>, restricted: Option<u32>, nature: u16) -> OshaCase {
        OshaCase {
            case_id: id.into(),
            department: "FIRE".into(),
            event_date: Date::constant(2025, 3, 1),
            osha_class: class,
            days_away: away,
            days_restricted: restricted,
            nature_code: Some(nature),
            privacy: false,
            establishment: None,
            injury_type: None,
            job_title: None,
            incident_location: None,
            description: None,
        }
    }

    #[test]
    fn totals_count_each_recordable_case_once_and_cap_days_together() {
        let cases = [
            case("1", OshaClass::DaysAway, Some(150), Some(100), 52),
            case("2", OshaClass::Restricted, None, Some(20), 68),
            case("3", OshaClass::OtherRecordable, None, None, 72),
            case("4", OshaClass::Death, None, None, 54),
            case("5", OshaClass::FirstAid, None, None, 40),
            case("6", OshaClass::OtherRecordable, None, None, 78),
        ];
        let t = Totals::of(&cases);
        assert_eq!((t.deaths, t.dafw_cases, t.djtr_cases, t.other_cases), (1, 1, 1, 2));
        assert_eq!((t.dafw_days, t.djtr_days), (150, 30 + 20), "150 away leaves 30 of the 100 restricted");
        assert_eq!(t.types, [2, 1, 0, 0, 1, 0]);
        assert_eq!(t.untyped, 1, "carpal tunnel names no single type");
    }

    #[test]
    fn size_codes() {
        assert_eq!([0, 19, 20, 99, 100, 249, 250].map(size_code), ["1", "1", "21", "21", "22", "22", "3"]);
    }
}
