//! The targets of both documents: the Cabinet's "Targets and progress"
//! table (every department and the city, in rank order) and a department's
//! own progress box (its targets beside the city's). Without `[targets]`
//! each document prints one line saying none are set and how to set them.
//! The layout is `targets-cabinet` / `targets-box` in `fonts/report.typ`.

use std::collections::BTreeMap;

use super::markup::{DASH, Entries, V, dollars, month_long, pct, rate, s};
use crate::report::data::{
    DepartmentReport, Measure, Progress, RankingRow, ReportData, ScopeProgress, Status, TargetsProgress,
};

/// The one line printed when no targets are set.
const NONE_SET: &str = "No targets are set: add a [targets] section to riskrank.toml (baseline_year, target_year, \
trir_reduction; see the README) to follow each department's progress.";

/// How many refusals the Cabinet table lists under it (targets.csv has all).
const MAX_NOTES: usize = 12;

/// The Cabinet's entries: `targets` (none without `[targets]`) and the
/// line printed instead.
pub(super) fn cabinet(data: &ReportData) -> Entries {
    let value = data.targets.as_ref().map_or(V::None, |t| cabinet_value(t, &data.ranking.rows));
    vec![("targets", value), ("targets-none", s(NONE_SET))]
}

/// A department's entries: its own targets and the city's, nothing of any
/// other department.
pub(super) fn department(data: &ReportData, dept: &DepartmentReport) -> Entries {
    let value = match (&data.targets, &dept.targets) {
        (Some(all), Some(own)) => department_value(all, own, &dept.row.department),
        _ => V::None,
    };
    vec![("targets", value), ("targets-none", s(NONE_SET))]
}

fn cabinet_value(all: &TargetsProgress, ranking: &[RankingRow]) -> V {
    let measures = measures(all);
    // Rank order, as the rest of the report; the unranked after, by code.
    let ranks: BTreeMap<&str, u32> = ranking.iter().map(|r| (r.department.as_str(), r.rank)).collect();
    let rank_of = |d: &&ScopeProgress| d.department.as_deref().and_then(|c| ranks.get(c)).copied().unwrap_or(u32::MAX);
    let mut scopes: Vec<&ScopeProgress> = all.departments.iter().filter(|d| !d.targets.is_empty()).collect();
    scopes.sort_by_key(rank_of);
    let notes = grouped_notes(std::iter::once(&all.city).chain(scopes.iter().copied()));
    let mut shown: Vec<V> = notes.iter().take(MAX_NOTES).map(s).collect();
    if notes.len() > MAX_NOTES {
        shown.push(s(format!("… and {} more, in targets.csv.", notes.len() - MAX_NOTES)));
    }
    V::Dict(vec![
        ("intro", s(intro(all))),
        ("summary", s(summary(all, &measures))),
        ("measures", V::Arr(measures.iter().map(|m| s(measure_label(*m))).collect())),
        ("baseline-header", s(all.baseline_year.to_string())),
        ("target-header", s(format!("Target {}", all.target_year))),
        ("city", row_value(&all.city, &measures)),
        ("rows", V::Arr(scopes.iter().map(|d| row_value(d, &measures)).collect())),
        ("notes", V::Arr(shown)),
        ("footnote", s(footnote(all))),
    ])
}

fn department_value(all: &TargetsProgress, own: &ScopeProgress, code: &str) -> V {
    let line = |name: &str, p: &Progress| {
        let mut cells = cells(Some(p));
        cells.insert(0, s(format!("{name}, {}", measure_label(p.measure))));
        V::Arr(cells)
    };
    let mut rows: Vec<V> = own.targets.iter().map(|p| line("This department", p)).collect();
    rows.extend(all.city.targets.iter().map(|p| line("City-wide", p)));
    let notes: Vec<V> = grouped_notes([own]).into_iter().map(s).collect();
    let verdict = match &own.targets[..] {
        [] => "Targets: none set for this department".to_string(),
        targets => {
            let each: Vec<String> =
                targets.iter().map(|p| format!("{} {}", measure_label(p.measure), p.status.words())).collect();
            format!("Targets: {}", each.join(", "))
        }
    };
    let empty = format!(
        "No target is set for this department. Set one in riskrank.toml under [targets] (every department) or \
         [targets.departments.{code}]."
    );
    V::Dict(vec![
        ("verdict", s(verdict)),
        ("intro", s(intro(all))),
        ("baseline-header", s(all.baseline_year.to_string())),
        ("target-header", s(format!("Target {}", all.target_year))),
        ("rows", V::Arr(rows)),
        ("empty", if own.targets.is_empty() { s(empty) } else { V::None }),
        ("notes", V::Arr(notes)),
        ("footnote", s(footnote(all))),
    ])
}

/// The measures any target is set on, TRIR first.
fn measures(all: &TargetsProgress) -> Vec<Measure> {
    let mut m: Vec<Measure> =
        std::iter::once(&all.city).chain(&all.departments).flat_map(|d| d.targets.iter().map(|p| p.measure)).collect();
    m.sort();
    m.dedup();
    m
}

fn measure_label(m: Measure) -> &'static str {
    match m {
        Measure::Trir => "TRIR",
        Measure::Incurred => "Incurred",
    }
}

fn intro(all: &TargetsProgress) -> String {
    let (b, t) = (all.baseline_year, all.target_year);
    format!(
        "Each target is a reduction below the {b} value (TRIR per 200,000 hours, or incurred in dollars), due by the \
         end of {t}. The on-track path runs in a straight line from the {b} value at the end of {b} to the target at \
         the end of {t}; \"now\" is the 12 months to {}. On track: at or below the path; behind: above it; target \
         met: at or below the target already. Incurred in dollars: k thousands, M millions.",
        month_long(all.as_of)
    )
}

fn footnote(all: &TargetsProgress) -> String {
    format!(
        "Progress: the share of the planned reduction achieved so far (100% = target reached, below 0% = above the \
         {} value). Incurred is at valuation: recent months' claims are still developing, so \"now\" tends to rise \
         as they mature. Every figure is in targets.csv.",
        all.baseline_year
    )
}

/// Per measure: how many departments are in each status.
fn summary(all: &TargetsProgress, measures: &[Measure]) -> String {
    let order = ["behind", "on track", "target met", "not measurable"];
    let per_measure: Vec<String> = measures
        .iter()
        .map(|m| {
            let statuses: Vec<&str> = all
                .departments
                .iter()
                .flat_map(|d| d.targets.iter().filter(|p| p.measure == *m).map(|p| p.status.words()))
                .collect();
            let counts: Vec<String> = order
                .iter()
                .filter_map(|w| {
                    let n = statuses.iter().filter(|x| *x == w).count();
                    (n > 0).then(|| format!("{n} {w}"))
                })
                .collect();
            format!("{}: {}", measure_label(*m), counts.join(" · "))
        })
        .collect();
    format!("Departments with a target. {}.", per_measure.join(". "))
}

/// A table row: the name, then six cells per measure (dashes where the
/// scope has no target on it).
fn row_value(scope: &ScopeProgress, measures: &[Measure]) -> V {
    let cells: Vec<V> = measures.iter().flat_map(|m| cells(scope.targets.iter().find(|p| p.measure == *m))).collect();
    V::Dict(vec![
        ("name", s(&scope.name)),
        ("code", s(scope.department.clone().unwrap_or_default())),
        ("cells", V::Arr(cells)),
    ])
}

/// Baseline, target, now, on-track path, progress and status (a dict of
/// its word and colour key).
fn cells(p: Option<&Progress>) -> Vec<V> {
    let Some(p) = p else {
        return [DASH; 5].into_iter().map(s).chain([status_value(None)]).collect();
    };
    let figure = |v: Option<f64>| match (p.measure, v) {
        (_, None) => DASH.to_string(),
        (Measure::Trir, v) => rate(v),
        (Measure::Incurred, Some(v)) => short_dollars(v),
    };
    let target = match p.target {
        Some(_) => format!("{} (−{})", figure(p.target), pct(p.reduction)),
        None => format!("−{}", pct(p.reduction)),
    };
    let now = match (p.current, p.baseline) {
        (Some(c), Some(b)) if b > 0.0 => format!("{} ({})", figure(p.current), change_text(c / b - 1.0)),
        _ => figure(p.current),
    };
    vec![
        s(figure(p.baseline)),
        s(target),
        s(now),
        s(figure(p.on_track)),
        s(p.progress.map_or(DASH.to_string(), progress_text)),
        status_value(Some(&p.status)),
    ]
}

/// A share of the planned reduction: "83%", "−20%". Beyond ±200% the
/// figure says little more than "far ahead" or "far behind" (a small
/// planned reduction magnifies it), so it is shown as a bound; targets.csv
/// has the value.
fn progress_text(v: f64) -> String {
    if !v.is_finite() {
        DASH.to_string()
    } else if v > 2.0 {
        ">200%".to_string()
    } else if v < -2.0 {
        "<−200%".to_string()
    } else if v < 0.0 {
        format!("−{:.0}%", -v * 100.0)
    } else {
        format!("{:.0}%", v * 100.0)
    }
}

/// Dollars in three significant figures, so the table fits a page:
/// "$104M", "$3.24M", "$383k", "$950".
fn short_dollars(v: f64) -> String {
    let a = v.abs();
    let (scaled, unit) = if a >= 1e6 {
        (v / 1e6, "M")
    } else if a >= 1e3 {
        (v / 1e3, "k")
    } else {
        return dollars(v);
    };
    let decimals = if scaled.abs() >= 100.0 {
        0
    } else if scaled.abs() >= 10.0 {
        1
    } else {
        2
    };
    let sign = if scaled < 0.0 { "-" } else { "" };
    format!("{sign}${:.decimals$}{unit}", scaled.abs())
}

/// A change against the baseline in whole percent: "+21%", "−2%", "±0%".
fn change_text(v: f64) -> String {
    let p = (v * 100.0).round();
    if p == 0.0 {
        "±0%".to_string()
    } else if p < 0.0 {
        format!("−{:.0}%", -p)
    } else {
        format!("+{p:.0}%")
    }
}

fn status_value(status: Option<&Status>) -> V {
    let key = match status {
        None => "blank",
        Some(Status::TargetMet) => "met",
        Some(Status::OnTrack) => "on-track",
        Some(Status::Behind) => "behind",
        Some(Status::NotMeasurable(_)) => "unknown",
    };
    V::Dict(vec![("word", s(status.map_or(DASH, Status::words))), ("key", s(key))])
}

/// The refusals, one line per measure and reason with the departments it
/// applies to, in the order they first occur: "TRIR: no hours worked in
/// 2023 (Parks, Zoo); supply …".
fn grouped_notes<'a>(scopes: impl IntoIterator<Item = &'a ScopeProgress>) -> Vec<String> {
    // (measure and reason, fix, names): a reason always has the same fix.
    let mut groups: Vec<(String, String, Vec<&str>)> = Vec::new();
    for scope in scopes {
        for p in &scope.targets {
            let Status::NotMeasurable(r) = &p.status else { continue };
            let key = format!("{}: {}", measure_label(p.measure), r.reason());
            match groups.iter_mut().find(|(k, _, _)| *k == key) {
                Some((_, _, names)) => names.push(&scope.name),
                None => groups.push((key, r.fix(), vec![&scope.name])),
            }
        }
    }
    groups.into_iter().map(|(key, fix, names)| format!("{key} ({}); {fix}.", names.join(", "))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::data::Refusal;

    #[test]
    fn progress_reads_as_a_share_of_the_plan() {
        assert_eq!(progress_text(0.834), "83%");
        assert_eq!(progress_text(-0.2), "−20%");
        assert_eq!(progress_text(1.67), "167%");
        assert_eq!(progress_text(72.6), ">200%");
        assert_eq!(progress_text(-2.6), "<−200%");
        assert_eq!(progress_text(f64::NAN), DASH);
        assert_eq!(change_text(-0.024), "−2%");
        assert_eq!(change_text(0.131), "+13%");
        assert_eq!(change_text(0.001), "±0%");
        assert_eq!(short_dollars(104_309_746.63), "$104M");
        assert_eq!(short_dollars(3_244_415.0), "$3.24M");
        assert_eq!(short_dollars(383_347.0), "$383k");
        assert_eq!(short_dollars(75_909.6), "$75.9k");
        assert_eq!(short_dollars(950.2), "$950");
    }

    #[test]
    fn refusals_are_grouped_by_reason() {
        let refused = |name: &str, r: Refusal| ScopeProgress {
            department: Some(name.into()),
            name: name.into(),
            targets: vec![Progress {
                measure: Measure::Trir,
                reduction: 0.1,
                baseline: None,
                target: None,
                current: None,
                on_track: None,
                progress: None,
                status: Status::NotMeasurable(r),
            }],
        };
        let zero = || Refusal::ZeroBaseline { baseline_year: 2023, measure: Measure::Trir };
        let scopes = [refused("Zoo", zero()), refused("Parks", Refusal::NoExposure), refused("Clerk", zero())];
        let notes = grouped_notes(&scopes);
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].starts_with("TRIR: no recordable cases in 2023"), "{}", notes[0]);
        assert!(notes[0].contains("(Zoo, Clerk); choose another baseline year"), "{}", notes[0]);
    }
}
