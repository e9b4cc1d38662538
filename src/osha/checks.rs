//! The pre-validation of the ITA upload: every rule judges the cells as
//! they will be written, and each finding says what is wrong and how to
//! fix it. Errors mean the file must not be uploaded (exit 2); warnings
//! are to be read (exit 1).
//!
//! The characters: a control character (U+0000–U+001F, U+007F–U+009F) is
//! an error; anything outside printable ASCII, and `<` or `>`, is a
//! warning. ITA's own limits are not published character by character;
//! printable ASCII without angle brackets is the set riskrank calls safe.

use serde::Serialize;

use super::summary::{ITA_300A_COLUMNS, Ita300aRow, size_code};
use crate::export::CsvRow;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

/// One row of `ita_validation.csv`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub establishment: String,
    pub field: String,
    pub severity: Severity,
    pub problem: String,
    pub fix: String,
}

impl CsvRow for Finding {
    const COLUMNS: &'static [&'static str] = &["establishment", "field", "severity", "problem", "fix"];
}

impl Finding {
    pub fn new(establishment: &str, field: &str, severity: Severity, problem: String, fix: &str) -> Self {
        Finding {
            establishment: establishment.to_string(),
            field: field.to_string(),
            severity,
            problem,
            fix: fix.to_string(),
        }
    }
}

/// Columns ITA requires a value in.
pub const REQUIRED: &[&str] = &[
    "establishment_name",
    "ein",
    "company_name",
    "street_address",
    "city",
    "state",
    "zip",
    "naics_code",
    "size",
    "establishment_type",
    "year_filing_for",
    "annual_average_employees",
    "total_hours_worked",
    "no_injuries_illnesses",
];

/// The count and hours columns: whole numbers, digits only.
pub const NUMERIC: &[&str] = &[
    "annual_average_employees",
    "total_hours_worked",
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
];

/// USPS codes of the states, DC and the territories ITA accepts.
pub const STATES: &[&str] = &[
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA",
    "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR",
    "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "AS", "GU", "MP", "PR", "VI",
];

/// The NAICS check against the shipped 2022 list: six digits, and a code
/// of that list.
fn naics_check(code: &str) -> Result<u32, String> {
    crate::naics::NaicsTable::builtin().check(code).map_err(|e| e.to_string())
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Every rule on one row of `ita_300a.csv`.
pub fn check_row(row: &Ita300aRow) -> Vec<Finding> {
    let mut out = Vec::new();
    let id = row.establishment.as_str();
    let mut add = |field: &str, severity, problem: String, fix: &str| {
        out.push(Finding::new(id, field, severity, problem, fix));
    };
    for field in REQUIRED {
        if row.get(field).is_empty() {
            add(field, Severity::Error, "missing".into(), fix_for_missing(field));
        }
    }
    formats(row, &mut add);
    for field in NUMERIC {
        let v = row.get(field);
        if !v.is_empty() && !digits(v) {
            add(
                field,
                Severity::Error,
                format!("{v:?} is not a whole number"),
                "write digits only: no decimals, commas or spaces",
            );
        }
    }
    characters(row, &mut add);
    lengths(row, &mut add);
    arithmetic(row, &mut add);
    out
}

/// The longest value ITA takes in each text column of the 300A upload, in
/// characters, as its CSV data dictionary gives them.
pub const MAX_LENGTHS: &[(&str, usize)] = &[
    ("establishment_name", 100),
    ("company_name", 100),
    ("street_address", 100),
    ("city", 100),
    ("industry_description", 300),
];

fn lengths(row: &Ita300aRow, add: &mut Add<'_>) {
    for &(field, max) in MAX_LENGTHS {
        let n = row.get(field).chars().count();
        if n > max {
            add(
                field,
                Severity::Error,
                format!("{n} characters, over ITA's {max}"),
                "shorten it in establishments.csv",
            );
        }
    }
}

/// The rules across the rows of the upload: ITA keys an establishment by
/// its name, so two rows with one name would overwrite each other.
pub fn check_rows(rows: &[Ita300aRow]) -> Vec<Finding> {
    let mut seen: std::collections::BTreeMap<&str, &str> = std::collections::BTreeMap::new();
    let mut out = Vec::new();
    for row in rows {
        let name = row.get("establishment_name");
        if name.is_empty() {
            continue;
        }
        if let Some(first) = seen.insert(name, &row.establishment) {
            out.push(Finding::new(
                &row.establishment,
                "establishment_name",
                Severity::Error,
                format!("{name:?} is also the name of establishment {first}: ITA takes each name once"),
                "give each establishment its own name in establishments.csv",
            ));
        }
    }
    out
}

pub type Add<'a> = dyn FnMut(&str, Severity, String, &str) + 'a;

fn fix_for_missing(field: &str) -> &'static str {
    match field {
        "annual_average_employees" | "total_hours_worked" => {
            "give it in establishments.csv (or exposure.csv hours and headcount, when the department is one establishment)"
        }
        "size" => "follows from annual_average_employees: give that",
        _ => "fill the column in establishments.csv",
    }
}

fn formats(row: &Ita300aRow, add: &mut Add<'_>) {
    let ein = row.get("ein");
    if !(ein.is_empty() || ein.len() == 9 && digits(ein)) {
        add("ein", Severity::Error, format!("{ein:?} is not 9 digits"), "write the 9 digits without a hyphen");
    }
    let zip = row.get("zip");
    if !zip.is_empty() && !((zip.len() == 5 || zip.len() == 9) && digits(zip)) {
        add("zip", Severity::Error, format!("{zip:?} is not 5 or 9 digits"), "write 5 digits, or 9 without the hyphen");
    }
    let state = row.get("state");
    if !state.is_empty() && !STATES.contains(&state) {
        add(
            "state",
            Severity::Error,
            format!("{state:?} is not a US state or territory code"),
            "write the two capital letters (CA, NY, PR)",
        );
    }
    let naics = row.get("naics_code");
    if !naics.is_empty()
        && let Err(why) = naics_check(naics)
    {
        add("naics_code", Severity::Error, why, "write the establishment's six-digit NAICS 2022 code");
    }
    let kind = row.get("establishment_type");
    if !kind.is_empty() && !["1", "2", "3"].contains(&kind) {
        add(
            "establishment_type",
            Severity::Error,
            format!("{kind:?} is not 1, 2 or 3"),
            "1 private, 2 state government, 3 local government",
        );
    }
    let employees = row.get("annual_average_employees");
    if let Ok(n) = employees.parse::<u64>()
        && row.get("size") != size_code(n)
    {
        let problem = format!("size {:?} does not fit {n} employees (it should be {})", row.get("size"), size_code(n));
        add("size", Severity::Error, problem, "1: under 20, 21: 20-99, 22: 100-249, 3: 250 or more");
    }
}

fn characters(row: &Ita300aRow, add: &mut Add<'_>) {
    for (field, value) in ITA_300A_COLUMNS.iter().zip(&row.cells) {
        if let Some(c) = value.chars().find(|c| c.is_control()) {
            let problem = format!("contains the control character U+{:04X}", u32::from(c));
            add(field, Severity::Error, problem, "remove it from the source data");
        } else if let Some(c) = value.chars().find(|c| !(' '..='~').contains(c) || matches!(*c, '<' | '>')) {
            add(
                field,
                Severity::Warning,
                format!("contains {c:?}, outside the safe characters"),
                "use plain ASCII letters, digits and punctuation without < >",
            );
        }
    }
}

fn number(row: &Ita300aRow, field: &str) -> Option<u64> {
    row.get(field).parse().ok()
}

fn arithmetic(row: &Ita300aRow, add: &mut Add<'_>) {
    let sum = |fields: &[&str]| fields.iter().map(|f| number(row, f)).sum::<Option<u64>>();
    let cases = sum(&["total_deaths", "total_dafw_cases", "total_djtr_cases", "total_other_cases"]);
    let types = sum(&[
        "total_injuries",
        "total_skin_disorders",
        "total_respiratory_conditions",
        "total_poisonings",
        "total_hearing_loss",
        "total_other_illnesses",
    ]);
    if let (Some(c), Some(t)) = (cases, types)
        && c != t
    {
        add(
            "total_injuries",
            Severity::Error,
            format!("{c} cases by outcome but {t} by injury type"),
            "give every recordable case an injury_type (see the case findings)",
        );
    }
    let (dafw, djtr) = (number(row, "total_dafw_cases"), number(row, "total_djtr_cases"));
    if number(row, "total_dafw_days").is_some_and(|d| d > 0) && dafw == Some(0) {
        add(
            "total_dafw_days",
            Severity::Error,
            "days away with no days-away case".into(),
            "days away belong to days-away cases only",
        );
    }
    if number(row, "total_djtr_days").is_some_and(|d| d > 0) && dafw.zip(djtr).is_some_and(|(a, b)| a + b == 0) {
        add(
            "total_djtr_days",
            Severity::Error,
            "restricted days with no days-away or restriction case".into(),
            "restricted days belong to those cases only",
        );
    }
    let had = if cases.is_some_and(|c| c > 0) { "1" } else { "2" };
    if cases.is_some() && row.get("no_injuries_illnesses") != had {
        add(
            "no_injuries_illnesses",
            Severity::Error,
            format!("should be {had}"),
            "1 when any case was recorded, else 2",
        );
    }
    if let (Some(h), Some(e)) = (number(row, "total_hours_worked"), number(row, "annual_average_employees")) {
        hours_per_employee(h, e, add);
    }
}

fn hours_per_employee(hours: u64, employees: u64, add: &mut Add<'_>) {
    let fix = "check total_hours_worked and annual_average_employees";
    if employees == 0 {
        if hours > 0 {
            add("annual_average_employees", Severity::Error, format!("0 employees but {hours} hours"), fix);
        }
        return;
    }
    let per = hours as f64 / employees as f64;
    if per >= 8760.0 {
        add("total_hours_worked", Severity::Error, format!("{per:.0} hours per employee: a year has 8,760"), fix);
    } else if per < 500.0 {
        add("total_hours_worked", Severity::Warning, format!("only {per:.0} hours per employee in the year"), fix);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean() -> Ita300aRow {
        let cells = [
            "Station 1",
            "123456789",
            "City of X",
            "1 Main St",
            "Springfield",
            "IL",
            "62701",
            "922160",
            "Fire Protection",
            "21",
            "3",
            "2025",
            "50",
            "100000",
            "1",
            "0",
            "1",
            "1",
            "0",
            "10",
            "5",
            "2",
            "0",
            "0",
            "0",
            "0",
            "0",
            "",
        ]
        .map(String::from);
        Ita300aRow { establishment: "ST1".into(), cells }
    }

    fn caught(field: &str, value: &str) -> Vec<Finding> {
        let mut row = clean();
        row.set(field, value);
        check_row(&row)
    }

    fn has(findings: &[Finding], field: &str, severity: Severity) -> bool {
        findings.iter().any(|f| f.field == field && f.severity == severity)
    }

    #[test]
    fn a_clean_row_passes() {
        assert_eq!(check_row(&clean()), Vec::<Finding>::new());
    }

    #[test]
    fn each_rule_catches_its_defect() {
        assert!(has(&caught("ein", ""), "ein", Severity::Error), "required");
        assert!(has(&caught("ein", "12-3456789"), "ein", Severity::Error));
        assert!(has(&caught("zip", "6270"), "zip", Severity::Error));
        assert!(!has(&caught("zip", "627011234"), "zip", Severity::Error));
        assert!(has(&caught("state", "XX"), "state", Severity::Error));
        assert!(has(&caught("state", "il"), "state", Severity::Error));
        assert!(has(&caught("naics_code", "92216"), "naics_code", Severity::Error));
        assert!(has(&caught("size", "3"), "size", Severity::Error));
        assert!(has(&caught("total_hours_worked", "100,000"), "total_hours_worked", Severity::Error));
        assert!(has(&caught("total_hours_worked", "100000.5"), "total_hours_worked", Severity::Error));
        assert!(has(&caught("city", "Spring\u{1}field"), "city", Severity::Error));
        assert!(has(&caught("city", "Montréal"), "city", Severity::Warning));
        assert!(has(&caught("total_injuries", "3"), "total_injuries", Severity::Error), "cases = types");
        assert!(has(&caught("total_dafw_cases", "0"), "total_dafw_days", Severity::Error));
        assert!(has(&caught("total_hours_worked", "500000"), "total_hours_worked", Severity::Error), "10,000 h each");
        assert!(has(&caught("total_hours_worked", "20000"), "total_hours_worked", Severity::Warning), "400 h each");
        assert!(has(&caught("no_injuries_illnesses", "2"), "no_injuries_illnesses", Severity::Error));
        assert!(has(&caught("establishment_type", "4"), "establishment_type", Severity::Error));
        assert!(has(&caught("city", &"x".repeat(101)), "city", Severity::Error), "over 100 characters");
        assert!(!has(&caught("city", &"é".repeat(100)), "city", Severity::Error), "characters, not bytes");
        assert!(has(&caught("industry_description", &"x".repeat(301)), "industry_description", Severity::Error));
    }

    #[test]
    fn two_establishments_may_not_share_a_name() {
        let mut other = clean();
        other.establishment = "ST2".into();
        assert_eq!(check_rows(&[clean()]), vec![]);
        let found = check_rows(&[clean(), other.clone()]);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].establishment.as_str(), found[0].field.as_str()), ("ST2", "establishment_name"));
        other.set("establishment_name", "Station 2");
        assert_eq!(check_rows(&[clean(), other]), vec![]);
    }

    #[test]
    fn naics_codes_come_from_the_2022_list() {
        assert_eq!(naics_check("922160"), Ok(922160));
        assert!(naics_check("9221a0").is_err());
        // Six digits, but a 2017 code that NAICS 2022 replaced (519210).
        let why = naics_check("519120").unwrap_err();
        assert!(why.contains("not a 2022 NAICS"), "{why}");
    }
}
