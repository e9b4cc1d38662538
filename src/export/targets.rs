//! `targets.csv`: each target's progress at the as-of month, the city's
//! first, then the departments by code; one row per department and
//! measure with a target. Only the header when no `[targets]` are set.
//! Written with the reports by `run` and `report`.

use serde::Serialize;

use super::{CsvRow, Exporter, Fixed2, Fixed4, FormatError, output_csv};
use crate::report::data::{Measure, Progress, ScopeProgress, Status, TargetsProgress};
use crate::schema::Month;

/// The file's name in a month's folder.
pub const FILE: &str = "targets.csv";

/// Every target's progress, or none set.
pub struct TargetsCsv<'a>(pub Option<&'a TargetsProgress>);

/// A figure in its measure's decimals: TRIR with four, dollars with two.
#[derive(Serialize)]
#[serde(untagged)]
enum Figure {
    Rate(Fixed4),
    Money(Fixed2),
}

/// One line as written.
#[derive(Serialize)]
struct TargetCsvRow<'a> {
    /// `city` or `department`.
    scope: &'static str,
    department: Option<&'a str>,
    name: &'a str,
    measure: &'static str,
    baseline_year: i16,
    target_year: i16,
    reduction: Fixed4,
    baseline: Option<Figure>,
    target: Option<Figure>,
    as_of: Month,
    current: Option<Figure>,
    on_track: Option<Figure>,
    progress: Option<Fixed4>,
    status: &'static str,
    /// Why and what to do, when the status is `not_measurable`.
    reason: Option<String>,
}

impl CsvRow for TargetCsvRow<'_> {
    const COLUMNS: &'static [&'static str] = &[
        "scope",
        "department",
        "name",
        "measure",
        "baseline_year",
        "target_year",
        "reduction",
        "baseline",
        "target",
        "as_of",
        "current",
        "on_track",
        "progress",
        "status",
        "reason",
    ];
}

fn row<'a>(all: &TargetsProgress, scope: &'a ScopeProgress, p: &Progress) -> TargetCsvRow<'a> {
    let figure = |v: Option<f64>| {
        v.map(|v| match p.measure {
            Measure::Trir => Figure::Rate(Fixed4(v)),
            Measure::Incurred => Figure::Money(Fixed2(v)),
        })
    };
    TargetCsvRow {
        scope: if scope.department.is_some() { "department" } else { "city" },
        department: scope.department.as_deref(),
        name: &scope.name,
        measure: p.measure.as_str(),
        baseline_year: all.baseline_year,
        target_year: all.target_year,
        reduction: Fixed4(p.reduction),
        baseline: figure(p.baseline),
        target: figure(p.target),
        as_of: all.as_of,
        current: figure(p.current),
        on_track: figure(p.on_track),
        progress: p.progress.map(Fixed4),
        status: p.status.as_str(),
        reason: match &p.status {
            Status::NotMeasurable(r) => Some(format!("{}; {}", r.reason(), r.fix())),
            _ => None,
        },
    }
}

impl Exporter for TargetsCsv<'_> {
    fn serialize(&self) -> Result<Vec<u8>, FormatError> {
        let Some(all) = self.0 else { return Ok(output_csv(std::iter::empty::<TargetCsvRow<'_>>())?) };
        let scopes = std::iter::once(&all.city).chain(&all.departments);
        Ok(output_csv(scopes.flat_map(|s| s.targets.iter().map(move |p| row(all, s, p))))?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::data::Refusal;

    #[test]
    fn rows_carry_their_measure_s_decimals_and_the_reason() {
        let progress = |measure, status| Progress {
            measure,
            reduction: 0.1,
            baseline: Some(20.0),
            target: Some(18.0),
            current: Some(19.0),
            on_track: Some(19.5),
            progress: Some(0.5),
            status,
        };
        let month: Month = "2025-12".parse().unwrap();
        let all = TargetsProgress {
            baseline_year: 2023,
            target_year: 2026,
            as_of: month,
            city: ScopeProgress {
                department: None,
                name: "City-wide".into(),
                targets: vec![progress(Measure::Trir, Status::OnTrack)],
            },
            departments: vec![ScopeProgress {
                department: Some("A".into()),
                name: "Alpha".into(),
                targets: vec![progress(
                    Measure::Incurred,
                    Status::NotMeasurable(Refusal::NoCurrentHours { as_of: month }),
                )],
            }],
        };
        let text = String::from_utf8(TargetsCsv(Some(&all)).serialize().unwrap()).unwrap();
        let text = text.strip_prefix('\u{feff}').expect("CSV outputs start with a BOM");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], TargetCsvRow::COLUMNS.join(","));
        assert_eq!(
            lines[1],
            "city,,City-wide,trir,2023,2026,0.1000,20.0000,18.0000,2025-12,19.0000,19.5000,0.5000,on_track,"
        );
        assert!(lines[2].starts_with("department,A,Alpha,incurred,2023,2026,0.1000,20.00,18.00,"), "{}", lines[2]);
        assert!(
            lines[2].contains("not_measurable,no hours worked in the 12 months to 2025-12; supply"),
            "{}",
            lines[2]
        );
        let none = TargetsCsv(None).serialize().unwrap();
        assert_eq!(String::from_utf8(none).unwrap(), format!("\u{feff}{}\n", TargetCsvRow::COLUMNS.join(",")));
    }
}
