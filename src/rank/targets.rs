//! Progress against the `[targets]` of the config: per department and
//! city-wide, the baseline year's TRIR and incurred, the target (baseline ×
//! (1 − reduction)), the trailing-12 value at the as-of month, where the
//! on-track path stands then, the share of the planned reduction achieved,
//! and a status. Where the data cannot support a verdict the status is
//! [`Status::NotMeasurable`] with the reason and the fix: never a
//! confident zero.
//!
//! Decisions: the on-track path runs in a straight line from the baseline
//! value at the end of the baseline year to the target at the end of the
//! target year, evaluated at the as-of month (so the trailing-12 window
//! and the path point end in the same month). TRIR comes from the months
//! with hours (as every rate); a baseline year with hours in only some of
//! its months is refused, since the rate would describe part of a year.
//! Incurred is dollars at valuation of claims by injury month, uncapped,
//! as `ranking.csv`'s `trailing12_incurred`.

use serde::Serialize;

use crate::config::Targets;
use crate::panel::{Panel, Window};
use crate::schema::Month;

/// What a target is set on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    Trir,
    Incurred,
}

impl Measure {
    pub fn as_str(self) -> &'static str {
        match self {
            Measure::Trir => "trir",
            Measure::Incurred => "incurred",
        }
    }
}

/// Why a target's progress cannot be measured.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Refusal {
    /// The panel does not hold every month of the baseline year.
    BaselineNotInData { baseline_year: i16, first: Month, last: Month },
    /// The as-of month is not after the baseline year: nothing to compare.
    NoMonthsSinceBaseline { baseline_year: i16, as_of: Month },
    /// No exposure file: no TRIR at all.
    NoExposure,
    /// Hours in fewer than 12 months of the baseline year (0: none).
    BaselineHours { baseline_year: i16, months: u32 },
    /// No hours in the 12 months to the as-of month.
    NoCurrentHours { as_of: Month },
    /// Zero recordables (or zero incurred) in the baseline year: a
    /// reduction from zero cannot be measured.
    ZeroBaseline { baseline_year: i16, measure: Measure },
}

impl Refusal {
    /// Why, in words.
    pub fn reason(&self) -> String {
        match self {
            Refusal::BaselineNotInData { baseline_year: y, first, last } => {
                format!("the data cover {first} to {last}, not the whole of {y}")
            }
            Refusal::NoMonthsSinceBaseline { baseline_year: y, as_of } => {
                format!("the as-of month {as_of} is not after the baseline year {y}")
            }
            Refusal::NoExposure => "no hours worked were supplied (no exposure.csv), so there is no TRIR".to_string(),
            Refusal::BaselineHours { baseline_year: y, months: 0 } => format!("no hours worked in {y}"),
            Refusal::BaselineHours { baseline_year: y, months } => {
                format!("hours worked in only {months} of the 12 months of {y}")
            }
            Refusal::NoCurrentHours { as_of } => format!("no hours worked in the 12 months to {as_of}"),
            Refusal::ZeroBaseline { baseline_year: y, measure: Measure::Trir } => {
                format!("no recordable cases in {y}: a reduction from zero cannot be measured")
            }
            Refusal::ZeroBaseline { baseline_year: y, measure: Measure::Incurred } => {
                format!("no incurred in {y}: a reduction from zero cannot be measured")
            }
        }
    }

    /// What to do about it.
    pub fn fix(&self) -> String {
        match self {
            Refusal::BaselineNotInData { first, .. } => format!(
                "set [targets] baseline_year to a year the data cover from January to December (from {}), or \
                 supply the missing months",
                first.year() + i32::from(first.month() != 1)
            ),
            Refusal::NoMonthsSinceBaseline { .. } => "set an earlier [targets] baseline_year".to_string(),
            Refusal::NoExposure => "supply exposure.csv, or set an incurred_reduction instead".to_string(),
            Refusal::BaselineHours { .. } => {
                "supply the missing months in exposure.csv, or choose a later [targets] baseline_year".to_string()
            }
            Refusal::NoCurrentHours { .. } => "supply the recent months in exposure.csv".to_string(),
            Refusal::ZeroBaseline { .. } => {
                "choose another baseline year or measure for this department in [targets.departments]".to_string()
            }
        }
    }
}

/// Where a target stands.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// At or below the target already.
    TargetMet,
    /// Above the target, but at or below the on-track path.
    OnTrack,
    /// Above the on-track path.
    Behind,
    NotMeasurable(Refusal),
}

impl Status {
    /// The status as `targets.csv` writes it.
    pub fn as_str(&self) -> &'static str {
        match self {
            Status::TargetMet => "target_met",
            Status::OnTrack => "on_track",
            Status::Behind => "behind",
            Status::NotMeasurable(_) => "not_measurable",
        }
    }

    /// The status in words, as the reports print it.
    pub fn words(&self) -> &'static str {
        match self {
            Status::TargetMet => "target met",
            Status::OnTrack => "on track",
            Status::Behind => "behind",
            Status::NotMeasurable(_) => "not measurable",
        }
    }
}

/// One target's progress. The figures are `None` where the refusal left
/// them unknown (a baseline of zero is kept: it is the reason).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Progress {
    pub measure: Measure,
    /// The planned reduction, a fraction of the baseline.
    pub reduction: f64,
    /// TRIR per 200,000 h, or incurred dollars, of the baseline year.
    pub baseline: Option<f64>,
    /// `baseline × (1 − reduction)`, due by the end of the target year.
    pub target: Option<f64>,
    /// The same measure over the 12 months to the as-of month.
    pub current: Option<f64>,
    /// Where the straight path from baseline to target stands at the as-of month.
    pub on_track: Option<f64>,
    /// The share of the planned reduction achieved: (baseline − current) /
    /// (baseline − target); 1 = target reached, below 0 = worse than the baseline.
    pub progress: Option<f64>,
    pub status: Status,
}

/// A department's (or the city's) targets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScopeProgress {
    /// The department code; `None` for the city.
    pub department: Option<String>,
    pub name: String,
    /// One per measure with a target, TRIR first; empty: none set.
    pub targets: Vec<Progress>,
}

/// Every target's progress at the as-of month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetsProgress {
    pub baseline_year: i16,
    pub target_year: i16,
    pub as_of: Month,
    pub city: ScopeProgress,
    /// Every department of the panel, by code.
    pub departments: Vec<ScopeProgress>,
}

impl TargetsProgress {
    pub fn department(&self, code: &str) -> Option<&ScopeProgress> {
        self.departments.iter().find(|d| d.department.as_deref() == Some(code))
    }
}

/// The department codes `[targets.departments]` names that are not in the
/// data, as one warning (an override for a misspelt code would otherwise
/// do nothing without a word).
pub fn unknown_departments(targets: &Targets, panel: &Panel) -> Option<String> {
    let unknown: Vec<&str> =
        targets.departments.keys().filter(|c| panel.position(c).is_none()).map(String::as_str).collect();
    (!unknown.is_empty()).then(|| {
        format!(
            "[targets.departments] names department(s) not in the data, whose targets are ignored: {}",
            unknown.join(", ")
        )
    })
}

/// The months a target's figures come from.
#[derive(Debug, Clone, Copy)]
struct Years {
    baseline_year: i16,
    baseline_end: Month,
    target_end: Month,
    as_of: Month,
}

/// Progress of every target at `as_of`.
pub fn progress(targets: &Targets, panel: &Panel, as_of: Month) -> TargetsProgress {
    let december = |y: i16| Month::new(i32::from(y), 12).unwrap_or(as_of);
    let years = Years {
        baseline_year: targets.baseline_year,
        baseline_end: december(targets.baseline_year),
        target_end: december(targets.target_year),
        as_of,
    };
    let baseline_from = years.baseline_end.plus(-11);
    let scope = |department: Option<usize>, name: String, (trir, incurred): (Option<f64>, Option<f64>)| {
        let window = |from: Month, to: Month| match department {
            Some(d) => panel.window(d, from, to),
            None => panel.city_window(from, to),
        };
        let (base, now) = (window(baseline_from, years.baseline_end), window(as_of.plus(-11), as_of));
        let targets = [(Measure::Trir, trir), (Measure::Incurred, incurred)]
            .into_iter()
            .filter_map(|(m, r)| Some(measure(panel, &years, m, r?, &base, &now)))
            .collect();
        ScopeProgress { department: department.map(|d| panel.departments[d].code.clone()), name, targets }
    };
    let city = scope(None, "City-wide".to_string(), (targets.trir_reduction, targets.incurred_reduction));
    let departments = panel
        .departments
        .iter()
        .enumerate()
        .map(|(d, s)| scope(Some(d), s.name.clone(), targets.reductions(&s.code)))
        .collect();
    TargetsProgress { baseline_year: targets.baseline_year, target_year: targets.target_year, as_of, city, departments }
}

/// One measure's progress from the baseline-year window `base` and the
/// trailing-12 window `now`.
fn measure(panel: &Panel, y: &Years, m: Measure, reduction: f64, base: &Window, now: &Window) -> Progress {
    let refused = |refusal: Refusal, baseline: Option<f64>| Progress {
        measure: m,
        reduction,
        baseline,
        target: None,
        current: None,
        on_track: None,
        progress: None,
        status: Status::NotMeasurable(refusal),
    };
    let baseline_year = y.baseline_year;
    if panel.start > y.baseline_end.plus(-11) || panel.end < y.baseline_end {
        return refused(Refusal::BaselineNotInData { baseline_year, first: panel.start, last: panel.end }, None);
    }
    if y.as_of <= y.baseline_end {
        return refused(Refusal::NoMonthsSinceBaseline { baseline_year, as_of: y.as_of }, None);
    }
    let (baseline, current) = match m {
        Measure::Trir if !panel.has_exposure => return refused(Refusal::NoExposure, None),
        Measure::Trir if base.exposed_months < 12 => {
            return refused(Refusal::BaselineHours { baseline_year, months: base.exposed_months }, None);
        }
        Measure::Trir => {
            let Some(current) = now.rates().trir else {
                return refused(Refusal::NoCurrentHours { as_of: y.as_of }, base.rates().trir);
            };
            (base.rates().trir, current)
        }
        Measure::Incurred => (Some(base.all.incurred.dollars()), now.all.incurred.dollars()),
    };
    // Hours summing to zero leave the rate empty: the same as no hours.
    let Some(baseline) = baseline else {
        return refused(Refusal::BaselineHours { baseline_year, months: 0 }, None);
    };
    if baseline <= 0.0 {
        return refused(Refusal::ZeroBaseline { baseline_year, measure: m }, Some(baseline));
    }
    let target = baseline * (1.0 - reduction);
    // The share of the path's months behind us, at most all of them.
    let elapsed = f64::from(y.as_of.since(y.baseline_end)) / f64::from(y.target_end.since(y.baseline_end));
    let on_track = baseline - elapsed.min(1.0) * (baseline - target);
    let status = if current <= target {
        Status::TargetMet
    } else if current <= on_track {
        Status::OnTrack
    } else {
        Status::Behind
    };
    Progress {
        measure: m,
        reduction,
        baseline: Some(baseline),
        target: Some(target),
        current: Some(current),
        on_track: Some(on_track),
        progress: Some((baseline - current) / (baseline - target)),
        status,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::TargetOverride;
    use crate::metrics::Totals;
    use crate::panel::{DepartmentMonth, DepartmentSeries};
    use crate::schema::Cents;

    fn month(s: &str) -> Month {
        s.parse().expect("a month")
    }

    /// A department-month with `cases` recordables, `hours` and `incurred` dollars.
    fn cell(cases: u64, hours: Option<f64>, incurred: i64) -> DepartmentMonth {
        let totals =
            Totals { other_recordable_cases: cases, hours, incurred: Cents(incurred * 100), ..Totals::default() };
        DepartmentMonth { totals, ..DepartmentMonth::default() }
    }

    /// A panel from `start` with one series per department.
    fn panel(start: &str, departments: Vec<(&str, Vec<DepartmentMonth>)>) -> Panel {
        let len = departments[0].1.len() as i32;
        let start = month(start);
        Panel {
            start,
            end: start.plus(len - 1),
            has_exposure: true,
            departments: departments
                .into_iter()
                .map(|(code, months)| DepartmentSeries { code: code.into(), name: code.into(), group: None, months })
                .collect(),
            unexposed_activity: Vec::new(),
            claim_cap: crate::metrics::DEFAULT_CLAIM_CAP,
            triangles: None,
        }
    }

    fn targets(trir: Option<f64>, incurred: Option<f64>) -> Targets {
        Targets {
            baseline_year: 2023,
            target_year: 2026,
            trir_reduction: trir,
            incurred_reduction: incurred,
            departments: Default::default(),
        }
    }

    /// 2023 to 2025 of a department at 10,000 h a month and $1,000 a case:
    /// `base` recordables a month in 2023 and 2024, then `cases_2025` in
    /// 2025, one a month from January.
    fn years(base: u64, cases_2025: usize) -> Vec<DepartmentMonth> {
        let mut months = vec![cell(base, Some(10_000.0), 1_000 * base as i64); 24];
        months.extend((0..12).map(|i| {
            let n = u64::from(i < cases_2025);
            cell(n, Some(10_000.0), 1_000 * n as i64)
        }));
        months
    }

    #[test]
    fn on_track_behind_and_met_against_the_straight_path() {
        // Baseline 2023: 12 cases on 120,000 h → TRIR 20. Target for 2026 at
        // 30% less: 14. At 2025-12, 24 of the path's 36 months are behind
        // us: it stands at 20 − 24/36 × 6 = 16.
        let p = panel(
            "2023-01",
            vec![("BEHIND", years(1, 10)), ("MET", years(1, 6)), ("ON", years(1, 9)), ("SAME", years(1, 12))],
        );
        let r = progress(&targets(Some(0.3), None), &p, month("2025-12"));
        let get = |code: &str| r.department(code).unwrap().targets[0].clone();
        let close = |a: Option<f64>, b: f64| assert!((a.unwrap() - b).abs() < 1e-9, "{a:?} != {b}");

        // 9 cases on 120,000 h → 15: above 14, below 16.
        let on = get("ON");
        assert_eq!(on.status, Status::OnTrack);
        close(on.baseline, 20.0);
        close(on.target, 14.0);
        close(on.on_track, 16.0);
        close(on.current, 15.0);
        close(on.progress, 5.0 / 6.0);
        // 6 cases → 10 ≤ 14: more than the whole reduction.
        let met = get("MET");
        assert_eq!(met.status, Status::TargetMet);
        close(met.progress, 10.0 / 6.0);
        // 10 cases → 16.67 > 16.
        let behind = get("BEHIND");
        assert_eq!(behind.status, Status::Behind);
        close(behind.current, 10.0 * 200_000.0 / 120_000.0);
        let same = get("SAME");
        assert_eq!(same.status, Status::Behind);
        close(same.progress, 0.0);

        // City: 48 cases on 480,000 h in 2023 = 20; 2025: 10 + 6 + 9 + 12 =
        // 37 cases → 15.42 ≤ 16.
        let city = &r.city.targets[0];
        close(city.current, 37.0 * 200_000.0 / 480_000.0);
        assert_eq!(city.status, Status::OnTrack);
    }

    #[test]
    fn the_path_ends_at_the_target_and_incurred_needs_no_hours() {
        // As of 2027-06, after the target year: the path is the target itself.
        let mut months = years(2, 12);
        months.extend(vec![cell(1, Some(10_000.0), 1_000); 18]);
        let mut p = panel("2023-01", vec![("A", months)]);
        p.has_exposure = false;
        for m in &mut p.departments[0].months {
            m.totals.hours = None;
        }
        let r = progress(&targets(Some(0.1), Some(0.4)), &p, month("2027-06"));
        let [trir, incurred] = &r.department("A").unwrap().targets[..] else { panic!("two targets") };
        assert_eq!(trir.status, Status::NotMeasurable(Refusal::NoExposure));
        assert_eq!(trir.baseline, None, "no confident zero");
        // Incurred 2023: 24 × $1,000 = $24,000; target $14,400; the 12
        // months to 2027-06: $12,000 ≤ $14,400.
        assert_eq!(incurred.baseline, Some(24_000.0));
        assert!((incurred.on_track.unwrap() - 14_400.0).abs() < 1e-6);
        assert_eq!(incurred.current, Some(12_000.0));
        assert_eq!(incurred.status, Status::TargetMet);
    }

    #[test]
    fn what_the_data_cannot_support_is_refused_with_the_reason() {
        let as_of = month("2025-12");
        let refusal =
            |p: &Panel, t: &Targets, code: &str| match &progress(t, p, as_of).department(code).unwrap().targets[0]
                .status
            {
                Status::NotMeasurable(r) => r.clone(),
                other => panic!("{code}: {other:?}"),
            };
        // The data start in March 2023: 2023 is not whole.
        let late = panel("2023-03", vec![("A", years(1, 12)[2..].to_vec())]);
        let r = refusal(&late, &targets(Some(0.1), None), "A");
        assert_eq!(
            r,
            Refusal::BaselineNotInData { baseline_year: 2023, first: month("2023-03"), last: month("2025-12") }
        );
        assert!(r.fix().contains("(from 2024)"), "{}", r.fix());

        // No hours in 2023 at all, or in only 11 months; no cases; no incurred.
        let mut none = years(1, 12);
        let mut eleven = years(1, 12);
        for m in &mut none[..12] {
            m.totals.hours = None;
        }
        eleven[5].totals.hours = None;
        let p = panel("2023-01", vec![("NONE", none), ("ELEVEN", eleven), ("ZERO", years(0, 12))]);
        let t = targets(Some(0.1), Some(0.1));
        assert_eq!(refusal(&p, &t, "NONE"), Refusal::BaselineHours { baseline_year: 2023, months: 0 });
        assert_eq!(refusal(&p, &t, "NONE").reason(), "no hours worked in 2023");
        assert_eq!(refusal(&p, &t, "ELEVEN"), Refusal::BaselineHours { baseline_year: 2023, months: 11 });
        let zero = refusal(&p, &t, "ZERO");
        assert_eq!(zero, Refusal::ZeroBaseline { baseline_year: 2023, measure: Measure::Trir });
        assert!(zero.reason().contains("no recordable cases in 2023"), "{}", zero.reason());
        let all = progress(&t, &p, as_of);
        let zero_incurred = &all.department("ZERO").unwrap().targets[1];
        assert_eq!(zero_incurred.baseline, Some(0.0), "the zero is the reason, kept");
        assert_eq!(zero_incurred.target, None);

        // Nothing since the baseline year: as of 2023-12.
        let r = progress(&t, &p, month("2023-12"));
        assert!(matches!(r.city.targets[0].status, Status::NotMeasurable(Refusal::NoMonthsSinceBaseline { .. })));

        // No hours in the last 12 months.
        let mut gone = years(1, 12);
        for m in &mut gone[24..] {
            m.totals.hours = None;
        }
        let p = panel("2023-01", vec![("GONE", gone)]);
        assert_eq!(refusal(&p, &t, "GONE"), Refusal::NoCurrentHours { as_of });
    }

    #[test]
    fn overrides_replace_the_defaults_and_unknown_codes_are_named() {
        let p = panel("2023-01", vec![("A", years(1, 12)), ("B", years(1, 12))]);
        let mut t = targets(None, None);
        t.departments.insert("A".into(), TargetOverride { trir_reduction: Some(0.2), incurred_reduction: None });
        t.departments.insert("ZZ".into(), TargetOverride { trir_reduction: Some(0.2), incurred_reduction: None });
        let r = progress(&t, &p, month("2025-12"));
        assert_eq!(r.department("A").unwrap().targets.len(), 1);
        assert!(r.department("B").unwrap().targets.is_empty(), "no default, no target");
        assert!(r.city.targets.is_empty());
        let warning = unknown_departments(&t, &p).unwrap();
        assert!(warning.ends_with("ignored: ZZ"), "{warning}");
    }
}
