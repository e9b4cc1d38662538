//! `osha-severe`: OSHA Severe Injury Reports. Department = industry,
//! `NAICS-<code>` (per-employer counts are too sparse to rank: 3,656
//! employers for 4,476 reports). One injuries row per report,
//! `case_id = OSHA-<ID>`, `osha_class = days_away` (every report is an
//! in-patient hospitalization, amputation or loss of an eye), days
//! unknown. WCIO code columns are left empty: the file carries OIICS codes
//! from two OIICS releases whose numbers collide, and no crosswalk from
//! those to WCIO would be more than a guess. No claims.

use super::dates::{digits, required_date};
use super::table::{Row, Table, shown};
use super::{Departments, ImportError, InjuryRow, Mapped, Source};
use crate::schema::{Department, OshaClass};

/// The six industries of the OSHA subset: (NAICS code, 2017/2022 NAICS
/// title, peer group = NAICS sector).
const NAICS: [(&str, &str, &str); 6] = [
    ("221121", "Electric Bulk Power Transmission and Control", "utilities"),
    ("221122", "Electric Power Distribution", "utilities"),
    ("236220", "Commercial and Institutional Building Construction", "construction"),
    ("238210", "Electrical Contractors and Other Wiring Installation Contractors", "construction"),
    ("517311", "Wired Telecommunications Carriers", "information"),
    ("518210", "Data Processing, Hosting, and Related Services", "information"),
];

/// Department for a 6-digit NAICS code: `NAICS-<code>`, the title from
/// [`NAICS`] (or "NAICS <code>") and the group from the sector (first two
/// digits) when it is one of the three in the table.
fn naics_department(code: &str) -> Department {
    let known = NAICS.iter().find(|(c, _, _)| *c == code);
    let group = match known {
        Some((_, _, group)) => Some(*group),
        None => match code.get(..2) {
            Some("22") => Some("utilities"),
            Some("23") => Some("construction"),
            Some("51") => Some("information"),
            _ => None,
        },
    };
    Department {
        department: format!("NAICS-{code}"),
        name: known.map_or_else(|| format!("NAICS {code}"), |(_, name, _)| (*name).to_string()),
        group: group.map(str::to_string),
    }
}

/// The columns of the OSHA file that the mapping reads.
struct Columns {
    id: usize,
    date: usize,
    naics: usize,
    /// The three severity counts, by column name; any may be missing.
    severity: [(&'static str, Option<usize>); 3],
}

impl Columns {
    fn locate(table: &Table) -> Result<Columns, ImportError> {
        let src = Source::OshaSevere;
        Ok(Columns {
            id: table.require(src, &["ID"])?,
            date: table.require(src, &["EventDate"])?,
            naics: table.require(src, &["Primary NAICS"])?,
            severity: ["Hospitalized", "Amputation", "Loss of Eye"].map(|name| (name, table.column(name))),
        })
    }
}

pub(super) fn map(table: &Table) -> Result<Mapped, ImportError> {
    let columns = Columns::locate(table)?;
    let mut departments = Departments::default();
    let (injuries, audit) = table.map_rows(columns.id, "ID", |row, id, notes| {
        let event_date = required_date("EventDate", row.field(columns.date))?;
        let naics = row.field(columns.naics);
        let naics_number = naics_number(naics)?;
        note_severity_counts(row, &columns.severity, notes);
        let department = naics_department(naics);
        let code = department.department.clone();
        departments.add((0, u64::from(naics_number), String::new()), || department);
        Ok(InjuryRow::new(format!("OSHA-{id}"), code, event_date, OshaClass::DaysAway))
    });
    Ok(Mapped { injuries, claims: None, departments: departments.into_vec(), audit })
}

/// The 6-digit NAICS code as a number, or why the row is skipped.
fn naics_number(text: &str) -> Result<u32, String> {
    digits(text, 6, 6).ok_or_else(|| {
        if text.is_empty() {
            "Primary NAICS is blank".to_string()
        } else {
            format!("Primary NAICS {} is not a 6-digit code", shown(text))
        }
    })
}

/// Notes each severity count that is not a number (read as 0), and a
/// report that counts none of the three injuries: it is still classed
/// `days_away`, because the file holds severe injury reports only.
fn note_severity_counts(row: &Row<'_>, columns: &[(&'static str, Option<usize>)], notes: &mut Vec<String>) {
    let mut severe_count = 0u32;
    for &(name, col) in columns {
        let text = row.get(col);
        match text.parse::<u32>() {
            Ok(n) => severe_count = severe_count.saturating_add(n),
            Err(_) if text.is_empty() => {}
            Err(_) => notes.push(format!("{name} {} is not a count; read as 0", shown(text))),
        }
    }
    if severe_count == 0 {
        notes.push(
            "no hospitalization, amputation or loss of eye counted; classed days_away like every severe injury \
             report"
                .to_string(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{read, run};
    use super::super::{ADJUSTED_FILE, CLAIMS_FILE, DEPARTMENTS_FILE, INJURIES_FILE, SKIPPED_FILE};
    use super::*;

    #[test]
    fn naics_departments() {
        let d = naics_department("238210");
        assert_eq!(d.department, "NAICS-238210");
        assert_eq!(d.name, "Electrical Contractors and Other Wiring Installation Contractors");
        assert_eq!(d.group.as_deref(), Some("construction"));
        assert_eq!(naics_department("517311").group.as_deref(), Some("information"));
        let other = naics_department("221310");
        assert_eq!((other.name.as_str(), other.group.as_deref()), ("NAICS 221310", Some("utilities")));
        assert_eq!(naics_department("311111").group, None);
    }

    const OSHA_HEADER: &str = "\u{feff}ID,UPA,EventDate,Employer,Primary NAICS,Hospitalized,Amputation,Loss of Eye,\
                               Final Narrative,Nature,NatureTitle\r\n";

    #[test]
    fn osha_rows_map_to_industry_departments() {
        let input = format!(
            "{OSHA_HEADER}\
             2015010081,1,1/5/2015,Perry Plant,221122,1,0,0,\"Worker slipped,\r\ntore a tendon.\",1231,Tears\r\n\
             2015010109,2,1/5/2015,\"Rocky, LLC\",238210,0,1,0,Finger caught,1311,Amputations\r\n\
             2015010110,3,2/30/2015,X,238210,1,0,0,bad date,111,Fractures\r\n\
             2015010109,4,1/6/2015,Y,238210,1,0,0,duplicate,111,Fractures\r\n\
             2015010111,5,1/7/1890,Z,238210,1,0,0,old,111,Fractures\r\n\
             2015010112,6,1/8/2015,Z,23821,1,0,0,bad naics,111,Fractures\r\n\
             2015010113,7,1/9/2015,Z,236220,,,,no counts,111,Fractures\r\n\
             2015010114,8,1/9/2015,Z,236220,1,0\r\n"
        );
        let (dir, s) = run(Source::OshaSevere, &input);
        assert_eq!((s.rows_read, s.injuries, s.claims, s.departments), (8, 3, 0, 3));
        let lines: Vec<usize> = s.skipped.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, vec![5, 6, 7, 8, 10]);
        assert!(s.skipped[1].1.contains("duplicate ID \"2015010109\" (first written from line 4)"));
        assert!(s.skipped[2].1.contains("before 1900"));
        assert!(s.skipped[4].1.contains("wrong number of fields"));
        assert_eq!(s.adjusted.len(), 1);
        assert_eq!(s.adjusted[0].0, 9);
        assert_eq!(
            read(&dir, INJURIES_FILE),
            "case_id,department,event_date,osha_class,days_away,days_restricted,cause_code,nature_code,\
             body_part_code,job_class\n\
             OSHA-2015010081,NAICS-221122,2015-01-05,days_away,,,,,,\n\
             OSHA-2015010109,NAICS-238210,2015-01-05,days_away,,,,,,\n\
             OSHA-2015010113,NAICS-236220,2015-01-09,days_away,,,,,,\n"
        );
        assert_eq!(
            read(&dir, DEPARTMENTS_FILE),
            "department,name,group\n\
             NAICS-221122,Electric Power Distribution,utilities\n\
             NAICS-236220,Commercial and Institutional Building Construction,construction\n\
             NAICS-238210,Electrical Contractors and Other Wiring Installation Contractors,construction\n"
        );
        let skipped = read(&dir, SKIPPED_FILE);
        assert!(skipped.starts_with("line,reason\n5,\"EventDate \"\"2/30/2015\"\" is not a date\"\n"), "{skipped}");
        assert!(!dir.path().join("out").join(CLAIMS_FILE).exists());
        for name in [INJURIES_FILE, DEPARTMENTS_FILE, SKIPPED_FILE, ADJUSTED_FILE] {
            let text = read(&dir, name);
            for secret in ["slipped", "Finger", "Perry", "Rocky", "Tears"] {
                assert!(!text.contains(secret), "{name} contains {secret}");
            }
        }
    }
}
