//! `cax-claims`: the CAX workers' compensation public-test file.
//! Department = `D<Department Code>`, blank code → `UNASSIGNED`. One
//! injuries row per claim: Lost Time → `days_away`, Medical Only →
//! `other_recordable`, Severity Index "Fatality" → `death`; WCIO cause from
//! `Detail Cause Code` (the file's `Cause Code` is the WCIO group × 100,
//! not a WCIO cause), nature and body part as given, each checked against
//! the WCIO table. No claims.csv: the file has neither a claim status nor
//! any amount, and the contract requires a status.

use super::dates::{digits, required_date};
use super::table::{Row, Table, shown};
use super::{Departments, ImportError, InjuryRow, Mapped, Source};
use crate::codes::{CodeKind, CodeTable};
use crate::schema::{Department, OshaClass, parse_code};

/// Department code for rows whose `Department Code` is blank.
pub const UNASSIGNED: &str = "UNASSIGNED";

/// The OSHA class of a CAX claim from `Lost Time or Medical Only?` (code
/// `LT`/`MO` or text) and `Severity Index Code`; the second value says why
/// a default was used, for `import_adjusted.csv`.
fn cax_osha_class(lost_time: &str, severity: &str) -> (OshaClass, Option<String>) {
    if severity.eq_ignore_ascii_case("Fatality") {
        return (OshaClass::Death, None);
    }
    if lost_time.eq_ignore_ascii_case("LT") || lost_time.eq_ignore_ascii_case("Lost Time") {
        (OshaClass::DaysAway, None)
    } else if lost_time.eq_ignore_ascii_case("MO") || lost_time.eq_ignore_ascii_case("Medical Only") {
        (OshaClass::OtherRecordable, None)
    } else {
        let what = if lost_time.is_empty() {
            "is blank".to_string()
        } else {
            format!("{} is neither LT nor MO", shown(lost_time))
        };
        let note = format!("Lost Time or Medical Only? {what}; classed other_recordable, the medical-only floor");
        (OshaClass::OtherRecordable, Some(note))
    }
}

/// A WCIO code cell: empty → `None`; a number that is a code of `kind`
/// in the WCIO table → `Some`; anything else → `None` plus a note.
fn wcio_code(text: &str, kind: CodeKind, column: &str) -> (Option<u16>, Option<String>) {
    if text.is_empty() {
        return (None, None);
    }
    match parse_code(text) {
        Ok(code) if CodeTable::builtin().get(kind, code).is_some() => (Some(code), None),
        Ok(_) => (None, Some(format!("{column} {} is not a WCIO {kind} code; left empty", shown(text)))),
        Err(_) => (None, Some(format!("{column} {} is not a number; left empty", shown(text)))),
    }
}

/// The columns of the CAX file that the mapping reads.
struct Columns {
    id: usize,
    date: usize,
    department: usize,
    /// `Lost Time or Medical Only? Code` (`LT`/`MO`); at least one of it
    /// and the text column is present.
    lost_time_code: Option<usize>,
    /// `Lost Time or Medical Only?` (`Lost Time`/`Medical Only`).
    lost_time_text: Option<usize>,
    severity: Option<usize>,
    /// The WCIO code columns, by column name: cause, nature, body part.
    codes: [(&'static str, CodeKind, Option<usize>); 3],
}

impl Columns {
    fn locate(table: &Table) -> Result<Columns, ImportError> {
        let src = Source::CaxClaims;
        let id = table.require(src, &["Obs_ID"])?;
        let date = table.require(src, &["Date of Injury/Illness"])?;
        let department = table.require(src, &["Department Code"])?;
        let lost_time_code = table.column("Lost Time or Medical Only? Code");
        let lost_time_text = table.column("Lost Time or Medical Only?");
        if lost_time_code.is_none() && lost_time_text.is_none() {
            table.require(src, &["Lost Time or Medical Only? Code"])?;
        }
        let codes = [
            ("Detail Cause Code", CodeKind::Cause),
            ("Nature of Injury/Illness Code", CodeKind::Nature),
            ("Body Part Code", CodeKind::BodyPart),
        ]
        .map(|(name, kind)| (name, kind, table.column(name)));
        let severity = table.column("Severity Index Code");
        Ok(Columns { id, date, department, lost_time_code, lost_time_text, severity, codes })
    }

    /// The lost-time value of a row: the code where it is filled, else the text.
    fn lost_time<'r>(&self, row: &'r Row<'_>) -> &'r str {
        match self.lost_time_code.map(|c| row.field(c)) {
            Some(code) if !code.is_empty() => code,
            _ => row.get(self.lost_time_text),
        }
    }
}

pub(super) fn map(table: &Table) -> Result<Mapped, ImportError> {
    let columns = Columns::locate(table)?;
    let mut departments = Departments::default();
    let (injuries, audit) = table.map_rows(columns.id, "Obs_ID", |row, id, notes| {
        let event_date = required_date("Date of Injury/Illness", row.field(columns.date))?;
        let (key, department) = cax_department(row.field(columns.department))?;
        let code = department.department.clone();
        departments.add(key, || department);
        let (osha_class, note) = cax_osha_class(columns.lost_time(row), row.get(columns.severity));
        notes.extend(note);
        let [cause_code, nature_code, body_part_code] = columns.codes.map(|(name, kind, col)| {
            let (code, note) = wcio_code(row.get(col), kind, name);
            notes.extend(note);
            code
        });
        Ok(InjuryRow {
            cause_code,
            nature_code,
            body_part_code,
            ..InjuryRow::new(id.to_string(), code, event_date, osha_class)
        })
    });
    Ok(Mapped { injuries, claims: None, departments: departments.into_vec(), audit })
}

/// The department of a `Department Code` cell with its sort key (numeric
/// codes first, by number, then other codes, then `UNASSIGNED`), or why
/// the row is skipped.
fn cax_department(text: &str) -> Result<((u8, u64, String), Department), String> {
    let (key, code, name, group) = if text.is_empty() {
        ((2, 0, String::new()), UNASSIGNED.to_string(), "Department not recorded".to_string(), Some("unassigned"))
    } else if let Some(n) = digits(text, 1, 9) {
        ((0, u64::from(n), String::new()), format!("D{n}"), format!("Department {n}"), None)
    } else if text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        ((1, 0, text.to_string()), format!("D{text}"), format!("Department {text}"), None)
    } else {
        return Err(format!("Department Code {} is not a department code", shown(text)));
    };
    Ok((key, Department { department: code, name, group: group.map(str::to_string) }))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{read, run};
    use super::super::{CLAIMS_FILE, DEPARTMENTS_FILE, INJURIES_FILE};
    use super::*;

    #[test]
    fn cax_classes() {
        assert_eq!(cax_osha_class("LT", ""), (OshaClass::DaysAway, None));
        assert_eq!(cax_osha_class("Lost Time", ""), (OshaClass::DaysAway, None));
        assert_eq!(cax_osha_class("MO", "No Serious Injury Indicated"), (OshaClass::OtherRecordable, None));
        assert_eq!(cax_osha_class("LT", "Fatality"), (OshaClass::Death, None));
        let (class, note) = cax_osha_class("", "");
        assert_eq!(class, OshaClass::OtherRecordable);
        assert!(note.is_some_and(|n| n.contains("blank")));
    }

    #[test]
    fn wcio_codes_are_checked_against_the_table() {
        assert_eq!(wcio_code("97", CodeKind::Cause, "c"), (Some(97), None));
        assert_eq!(wcio_code("", CodeKind::Cause, "c"), (None, None));
        // Cause Code 1500 is the WCIO group "Strain or Injury By" × 100, not a cause.
        assert!(matches!(wcio_code("1500", CodeKind::Cause, "c"), (None, Some(_))));
        assert!(matches!(wcio_code("x7", CodeKind::Nature, "n"), (None, Some(_))));
        assert_eq!(wcio_code("53", CodeKind::BodyPart, "b"), (Some(53), None));
    }

    #[test]
    fn cax_rows_map_to_department_codes() {
        let input = "Obs_ID,Department Code,Date of Injury/Illness,Lost Time or Medical Only?,\
                     Lost Time or Medical Only? Code,Severity Index Code,Cause Code,Detail Cause Code,\
                     Nature of Injury/Illness Code,Body Part Code,How Injury Occurred\n\
                     Obs_20,,4/10/2001,Lost Time,LT,No Serious Injury Indicated,1500,97,78,34,EE CLAIMS CT TO WRISTS\n\
                     Obs_30,21,4/1/2003,Medical Only,MO,,1300,29,49,53,SLIPPED ON SET\n\
                     Obs_31,3,4/2/2003,,,,1300,29,49,53,TRIPPED\n\
                     Obs_32,21,5/2/2003,Lost Time,LT,Fatality,1700,75,999,90,STRUCK\n\
                     Obs_33,8,,Lost Time,LT,,1700,75,10,90,NO DATE\n";
        let (dir, s) = run(Source::CaxClaims, input);
        assert_eq!((s.rows_read, s.injuries, s.claims, s.departments), (5, 4, 0, 3));
        assert_eq!(s.skipped, vec![(6, "Date of Injury/Illness is blank".to_string())]);
        let adjusted: Vec<usize> = s.adjusted.iter().map(|(l, _)| *l).collect();
        assert_eq!(adjusted, vec![4, 5]);
        assert_eq!(
            read(&dir, INJURIES_FILE),
            "case_id,department,event_date,osha_class,days_away,days_restricted,cause_code,nature_code,\
             body_part_code,job_class\n\
             Obs_20,UNASSIGNED,2001-04-10,days_away,,,97,78,34,\n\
             Obs_30,D21,2003-04-01,other_recordable,,,29,49,53,\n\
             Obs_31,D3,2003-04-02,other_recordable,,,29,49,53,\n\
             Obs_32,D21,2003-05-02,death,,,75,,90,\n"
        );
        assert_eq!(
            read(&dir, DEPARTMENTS_FILE),
            "department,name,group\nD3,Department 3,\nD21,Department 21,\nUNASSIGNED,Department not recorded,unassigned\n"
        );
        assert!(!dir.path().join("out").join(CLAIMS_FILE).exists());
    }
}
