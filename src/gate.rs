//! The data gate: whether a data folder, as read, can support a report.
//!
//! A confident ranking of zeros is worse than none, so before anything is
//! ranked the gate looks at the account of every file and refuses when a
//! present file has no accepted row, when a file's quarantined share is
//! above the limit, when the as-of month lies after the data's last
//! month, when a data file ends too long before the as-of month, or when
//! an input is present only in a form riskrank cannot read (an Excel
//! workbook, a misspelt name); once the model has scored the data, it
//! also refuses a model whose city-wide actual-to-expected is far from 1
//! ([`model_fit`]). Each finding names the file, the figures and the
//! likely cause with its fix. `--force` runs anyway; the findings then
//! travel with every report.
//!
//! Without `--as-of`, [`infer_as_of`] picks the as-of month so that a few
//! mistyped dates far after the rest cannot move the report.

use serde::Serialize;

use crate::config::GateRules;
use crate::ingest::{FileKind, FileReport, QuarantinedRow, Reason, UnreadFile};
use crate::schema::Month;

/// Which rule a finding broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    NoAcceptedRows,
    QuarantinedShare,
    AsOfAfterData,
    DataBehind,
    UnreadableInput,
    ModelFit,
}

/// One reason the gate refuses.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub rule: Rule,
    /// The file at fault; `None` for the folder as a whole.
    pub file: Option<String>,
    /// The figures, the likely cause and the fix.
    pub message: String,
}

/// The gate's verdict on a folder.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Verdict {
    pub findings: Vec<Finding>,
}

impl Verdict {
    pub fn passed(&self) -> bool {
        self.findings.is_empty()
    }

    /// The findings of one file.
    pub fn of_file<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Finding> + 'a {
        self.findings.iter().filter(move |f| f.file.as_deref() == Some(name))
    }

    /// The warnings of a job forced past the gate, one per finding.
    pub fn forced_warnings(&self) -> Vec<String> {
        self.findings.iter().map(|f| format!("forced past the data gate: {}", f.message)).collect()
    }

    /// One line for reports that carry the warning (ranking.csv, covers).
    pub fn summary(&self) -> Option<String> {
        (!self.passed()).then(|| {
            let messages: Vec<&str> = self.findings.iter().map(|f| f.message.as_str()).collect();
            format!("data-quality warning (run with --force): {}", messages.join(" | "))
        })
    }
}

/// What the gate looks at.
pub struct GateInput<'a> {
    pub files: &'a [FileReport],
    pub quarantine: &'a [QuarantinedRow],
    pub unread: &'a [UnreadFile],
    /// The as-of month given on the command line, or inferred (then the
    /// rows after it are out of the window, like a past month's re-run).
    pub as_of: Option<Month>,
    pub rules: &'a GateRules,
}

/// Applies every rule.
pub fn check(input: &GateInput<'_>) -> Verdict {
    let mut findings = Vec::new();
    for f in input.files {
        if let Some(finding) = no_rows(f, input.quarantine).or_else(|| share(f, input)) {
            findings.push(finding);
        }
    }
    findings.extend(months(input));
    for u in input.unread {
        if let Some(kind) = u.stands_for
            && !input.files.iter().any(|f| f.kind == kind)
        {
            findings.push(Finding {
                rule: Rule::UnreadableInput,
                file: Some(u.name.clone()),
                message: format!("{}: not read ({}); there is no {}.csv, so its data are missing", u.name, u.reason, {
                    kind.stem()
                }),
            });
        }
    }
    Verdict { findings }
}

/// The model's fit to the data, once scored: the city-wide
/// actual-to-expected of the last 12 months within the rules' bounds.
pub fn model_fit(city_actual_to_expected: Option<f64>, model: &str, rules: &GateRules) -> Option<Finding> {
    let ae = city_actual_to_expected?;
    let (low, high) = (rules.min_actual_to_expected, rules.max_actual_to_expected);
    if (low..=high).contains(&ae) {
        return None;
    }
    Some(Finding {
        rule: Rule::ModelFit,
        file: None,
        message: format!(
            "the model {model} does not describe this data: city-wide, the last 12 months had {ae:.2} × the \
             recordables it expected (the limits are {low} to {high}); it is wrong, altered or stale: retrain with \
             `riskrank train`"
        ),
    })
}

/// A month holding fewer records than this share of the median month is
/// not taken as the data's last month.
const THIN_MONTH: f64 = 0.2;

/// The as-of month when none is given: the last month whose record count
/// (injuries and claims) is at least a fifth of the median month's, so a
/// stray row dated months after the rest (a typo) cannot move the report
/// to an empty month. `None` when that is the data's last month anyway;
/// else the month and why, for the user to read.
pub fn infer_as_of(files: &[FileReport]) -> Option<(Month, String)> {
    let mut counts: std::collections::BTreeMap<Month, u64> = std::collections::BTreeMap::new();
    let cases = files.iter().filter(|f| matches!(f.kind, FileKind::Injuries | FileKind::Claims));
    for (m, n) in cases.flat_map(|f| f.months.iter()) {
        *counts.entry(*m).or_default() += n;
    }
    let (first, last) = (*counts.keys().next()?, *counts.keys().next_back()?);
    let mut all: Vec<u64> = Month::range(first, last).map(|m| counts.get(&m).copied().unwrap_or(0)).collect();
    all.sort_unstable();
    let median = all[all.len() / 2] as f64;
    let full = |m: &&Month| counts[m] as f64 >= THIN_MONTH * median;
    let as_of = *counts.keys().rev().find(full)?;
    if as_of == last || median == 0.0 {
        return None;
    }
    let after: Vec<String> = counts.range(as_of.plus(1)..).map(|(m, n)| format!("{m}: {n}")).collect();
    let stray: u64 = counts.range(as_of.plus(1)..).map(|(_, n)| n).sum();
    Some((
        as_of,
        format!(
            "as-of month {as_of}, inferred: the months after it hold only {} record(s) ({}) against a median of {} a \
             month, so they are taken for mistyped dates and quarantined as future_date; pass --as-of to choose",
            count(stray),
            after.join(", "),
            count(median as u64)
        ),
    ))
}

fn no_rows(f: &FileReport, quarantine: &[QuarantinedRow]) -> Option<Finding> {
    (f.accepted == 0).then(|| {
        let why = if f.read == 0 {
            "the file has only its header".to_string()
        } else {
            format!("all {} rows were quarantined{}", count(f.read), likely_cause(f, quarantine))
        };
        finding(Rule::NoAcceptedRows, f, format!("{}: no row accepted: {why}", f.file_name()))
    })
}

/// Rows after an explicit as-of month are out of the window, not bad
/// data (a past month is being re-run), so they do not count here.
fn share(f: &FileReport, input: &GateInput<'_>) -> Option<Finding> {
    let excused = if input.as_of.is_some() { f.reasons.get(&Reason::FutureDate).copied().unwrap_or(0) } else { 0 };
    let considered = f.read.saturating_sub(excused);
    let bad = f.quarantined.saturating_sub(excused);
    let limit = input.rules.max_quarantined_share;
    if considered == 0 || (bad as f64) <= limit * considered as f64 {
        return None;
    }
    let message = format!(
        "{}: {} of {} rows ({}) quarantined, above the {} limit{}",
        f.file_name(),
        count(bad),
        count(considered),
        percent(bad as f64 / considered as f64),
        percent(limit),
        likely_cause(f, input.quarantine)
    );
    Some(finding(Rule::QuarantinedShare, f, message))
}

fn months(input: &GateInput<'_>) -> Vec<Finding> {
    let data: Vec<&FileReport> =
        input.files.iter().filter(|f| f.kind != FileKind::Departments && f.last_month.is_some()).collect();
    let Some(last) = data.iter().filter_map(|f| f.last_month).max() else { return Vec::new() };
    let mut out = Vec::new();
    if let Some(as_of) = input.as_of
        && as_of > last
    {
        out.push(Finding {
            rule: Rule::AsOfAfterData,
            file: None,
            message: format!(
                "the as-of month {as_of} is after the data's last month {last} ({} later): its months would show \
                 no injuries; use --as-of {last} or add the missing months",
                months_word(as_of.index() - last.index())
            ),
        });
        return out;
    }
    let as_of = input.as_of.unwrap_or(last);
    let limit = input.rules.max_months_behind as i32;
    for f in data {
        let Some(end) = f.last_month else { continue };
        let behind = as_of.index() - end.index();
        if behind > limit {
            let message = format!(
                "{}: ends in {end}, {} before the as-of month {as_of} (the limit is {}): the months after would \
                 count as empty; add the missing months or use --as-of {end}",
                f.file_name(),
                months_word(behind),
                months_word(limit)
            );
            out.push(finding(Rule::DataBehind, f, message));
        }
    }
    out
}

fn finding(rule: Rule, f: &FileReport, message: String) -> Finding {
    Finding { rule, file: Some(f.file_name()), message }
}

/// "; most: unparsable_value in event_date (54,369), e.g. …": the most
/// frequent reason and column, with the first such row's detail (which
/// carries the fix where ingest could see one).
fn likely_cause(f: &FileReport, quarantine: &[QuarantinedRow]) -> String {
    let rows: Vec<&QuarantinedRow> = quarantine.iter().filter(|q| q.file == f.kind).collect();
    let mut tally: std::collections::BTreeMap<(Reason, &str), u64> = std::collections::BTreeMap::new();
    for q in &rows {
        *tally.entry((q.reason, q.column.as_str())).or_default() += 1;
    }
    let Some((&(reason, column), &n)) = tally.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))) else {
        return String::new();
    };
    let place = if column.is_empty() { String::new() } else { format!(" in {column}") };
    let example = rows
        .iter()
        .find(|q| q.reason == reason && q.column == column)
        .map(|q| format!(", e.g. line {}: {}", q.line, q.detail))
        .unwrap_or_default();
    format!("; most: {reason}{place} ({}){example}", count(n))
}

fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn percent(x: f64) -> String {
    let p = 100.0 * x;
    if p >= 10.0 || p == p.round() { format!("{p:.0}%") } else { format!("{p:.1}%") }
}

fn months_word(n: i32) -> String {
    if n == 1 { "1 month".into() } else { format!("{n} months") }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    use super::*;

    fn report(kind: FileKind, read: u64, quarantined: u64, last: Option<&str>) -> FileReport {
        FileReport {
            kind,
            path: PathBuf::from(format!("{}.csv", kind.stem())),
            read,
            accepted: read - quarantined,
            quarantined,
            reasons: if quarantined > 0 {
                BTreeMap::from([(Reason::UnparsableValue, quarantined)])
            } else {
                BTreeMap::new()
            },
            unknown_columns: Vec::new(),
            first_month: None,
            last_month: last.map(|m| m.parse().unwrap()),
            months: BTreeMap::new(),
            header: Vec::new(),
            sha256: String::new(),
        }
    }

    fn verdict(files: &[FileReport], as_of: Option<&str>) -> Verdict {
        check(&GateInput {
            files,
            quarantine: &[],
            unread: &[],
            as_of: as_of.map(|m| m.parse().unwrap()),
            rules: &GateRules::default(),
        })
    }

    #[test]
    fn a_clean_folder_passes() {
        let files =
            [report(FileKind::Injuries, 100, 5, Some("2025-12")), report(FileKind::Exposure, 10, 0, Some("2025-11"))];
        assert!(verdict(&files, None).passed());
        assert!(verdict(&files, Some("2025-12")).passed());
    }

    #[test]
    fn each_rule_refuses() {
        let header_only = [report(FileKind::Injuries, 0, 0, None)];
        assert_eq!(verdict(&header_only, None).findings[0].rule, Rule::NoAcceptedRows);
        let mostly_bad = [report(FileKind::Injuries, 100, 6, Some("2025-12"))];
        let v = verdict(&mostly_bad, None);
        assert_eq!(v.findings[0].rule, Rule::QuarantinedShare);
        assert!(v.findings[0].message.contains("6 of 100 rows (6%)"), "{}", v.findings[0].message);
        let ok = [report(FileKind::Injuries, 100, 0, Some("2025-12"))];
        assert_eq!(verdict(&ok, Some("2099-12")).findings[0].rule, Rule::AsOfAfterData);
        let behind =
            [report(FileKind::Injuries, 100, 0, Some("2025-12")), report(FileKind::Exposure, 9, 0, Some("2025-06"))];
        let v = verdict(&behind, None);
        assert_eq!(v.findings.len(), 1);
        assert_eq!((v.findings[0].rule, v.findings[0].file.as_deref()), (Rule::DataBehind, Some("exposure.csv")));
    }

    #[test]
    fn rows_after_an_explicit_as_of_are_not_bad_data() {
        let mut f = report(FileKind::Injuries, 100, 30, Some("2025-06"));
        f.reasons = BTreeMap::from([(Reason::FutureDate, 30)]);
        assert!(verdict(std::slice::from_ref(&f), Some("2025-06")).passed());
        assert!(!verdict(&[f], None).passed());
    }

    #[test]
    fn a_stray_month_does_not_move_the_as_of_month() {
        let mut f = report(FileKind::Injuries, 1201, 0, Some("2026-11"));
        for m in Month::range("2024-01".parse().unwrap(), "2025-12".parse().unwrap()) {
            f.months.insert(m, 50);
        }
        f.months.insert("2026-11".parse().unwrap(), 1);
        let (as_of, why) = infer_as_of(std::slice::from_ref(&f)).expect("inferred");
        assert_eq!(as_of.to_string(), "2025-12");
        assert!(why.contains("only 1 record(s) (2026-11: 1) against a median of 50"), "{why}");
        // A thin last month that is still a fifth of the median stays.
        f.months.remove(&"2026-11".parse().unwrap());
        f.months.insert("2026-01".parse().unwrap(), 12);
        assert!(infer_as_of(&[f]).is_none());
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(count(54369), "54,369");
        assert_eq!(count(999), "999");
        assert_eq!(percent(0.05), "5%");
        assert_eq!(percent(0.056), "5.6%");
    }
}
