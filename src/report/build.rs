//! Assembling [`ReportData`] from the run's panel, ranking, model file,
//! input account and case lists: every figure the reports print is
//! computed here, once.

use crate::codes::{CodeKind, CodeTable};
use crate::config::{ReportSettings, Targets, TierCutoffs};
use crate::ingest::FileReport;
use crate::model::file::ModelFile;
use crate::panel::{CodeMix, Panel};
use crate::rank::{self, PreviousRanking};
use crate::report::advice;
use crate::report::cases::{CaseCollector, KeptCase};
use crate::report::data::*;
use crate::schema::Month;

/// The inputs of a report.
pub struct Inputs<'a> {
    pub panel: &'a Panel,
    pub ranking: &'a Ranking,
    pub model: &'a ModelFile,
    pub model_name: String,
    pub files: &'a [FileReport],
    pub cases: &'a CaseCollector,
    pub previous: &'a PreviousRanking,
    pub settings: &'a ReportSettings,
    pub tiers: &'a TierCutoffs,
    /// The config's `[targets]`, when set.
    pub targets: Option<&'a Targets>,
}

/// Builds everything the reports show.
pub fn report_data(i: &Inputs<'_>) -> ReportData {
    let as_of = i.ranking.as_of;
    let from12 = as_of.plus(-11);
    let city_mix = i.panel.mix(None, from12, as_of);
    let targets = i.targets.map(|t| rank::targets::progress(t, i.panel, as_of));
    let mut ranking = i.ranking.clone();
    for row in &mut ranking.rows {
        row.group = row.group.as_deref().map(|g| i.settings.group_name(g).to_string());
    }
    let movers = movers(i.ranking, i.previous);
    let city_history = city_history(i.panel, as_of);
    ReportData {
        summary: advice::cabinet_summary(&ranking, &movers, &city_history),
        credibility_note: (!i.ranking.experience_applied).then(|| {
            "Experience credibility is not applied: the model's backtest found that blending each department's \
             actual-to-expected ratio into its forecast did not make the forecasts better, so no credibility Z is \
             shown."
                .to_string()
        }),
        organisation: i.settings.organisation.clone(),
        title: format!("{}, {as_of}", i.settings.title),
        data_warning: i.ranking.data_warning.clone(),
        ranking: ranking.clone(),
        coverage: coverage(i.panel, i.files),
        city_history,
        cause_pareto: pareto(&city_mix),
        trust: trust(i.model, &i.model_name),
        tier_rule: rank::tier_rule(i.tiers),
        definitions: definitions(),
        departments: ranking
            .rows
            .iter()
            .filter_map(|row| {
                let d = i.panel.position(&row.department)?;
                // Progress is in panel order, the order `position` counts in.
                let own = targets.as_ref().and_then(|t| t.departments.get(d)).cloned();
                Some(DepartmentReport { targets: own, ..department(i, d, row, &city_mix, &movers) })
            })
            .collect(),
        targets,
        movers,
    }
}

fn coverage(panel: &Panel, files: &[FileReport]) -> Coverage {
    Coverage {
        panel_start: panel.start,
        panel_end: panel.end,
        departments: panel.departments.len(),
        files: files
            .iter()
            .map(|f| FileCount { file: f.file_name(), read: f.read, accepted: f.accepted, quarantined: f.quarantined })
            .collect(),
        rows_quarantined: files.iter().map(|f| f.quarantined).sum(),
    }
}

fn city_history(panel: &Panel, as_of: Month) -> Vec<CityMonth> {
    Month::range(as_of.plus(-35).max(panel.start), as_of)
        .map(|m| {
            let w = panel.city_window(m, m);
            let r = w.rates();
            CityMonth { month: m, recordable: w.all.recordable(), trir: r.trir, dart: r.dart, incurred: w.all.incurred }
        })
        .collect()
}

/// The departments whose rank changed since the previous month's run. A
/// change is news only when the previous rank lies outside this run's
/// simulated 90% rank range, or the previous predicted rate lies outside
/// this run's 90% interval of it; the others are kept, marked, so the
/// reports can say how many there were.
fn movers(ranking: &Ranking, previous: &PreviousRanking) -> Vec<Mover> {
    let mut out: Vec<Mover> = ranking
        .rows
        .iter()
        .filter_map(|r| {
            let (prev, change) = (*previous.ranks.get(&r.department)?, r.rank_change?);
            let now = rank::RankRange { rank: r.rank, low: r.rank_low, high: r.rank_high };
            let (low, high) = value_interval(r);
            let rate_moved = previous.predicted.get(&r.department).is_some_and(|p| *p < low || *p > high);
            (change != 0 || rate_moved).then(|| Mover {
                department: r.department.clone(),
                name: r.name.clone(),
                rank: r.rank,
                previous_rank: prev.rank,
                change,
                significant: !now.contains(prev.rank) || rate_moved,
            })
        })
        .collect();
    out.sort_by(|a, b| b.change.abs().cmp(&a.change.abs()).then_with(|| a.rank.cmp(&b.rank)));
    out
}

/// The 90% interval of a row's ranking value (rate, or cases).
fn value_interval(r: &RankingRow) -> (f64, f64) {
    let (low, high) = (r.predicted_cases_low as f64, r.predicted_cases_high as f64);
    match r.predicted_rate {
        Some(rate) if r.predicted_cases > 0.0 => (rate * low / r.predicted_cases, rate * high / r.predicted_cases),
        _ => (low, high),
    }
}

/// The city's causes over 12 months, most cases first, the tail folded
/// into "Other causes" after 80% or ten bars.
fn pareto(mix: &CodeMix) -> Vec<ParetoItem> {
    let table = CodeTable::builtin();
    let total: u32 = mix.cause.values().sum();
    if total == 0 {
        return Vec::new();
    }
    let mut causes: Vec<(u16, u32)> = mix.cause.iter().map(|(c, n)| (*c, *n)).collect();
    causes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut out = Vec::new();
    let mut cumulative = 0;
    for (i, (code, n)) in causes.iter().enumerate() {
        if i == 10 || (f64::from(cumulative) / f64::from(total) >= 0.8 && i >= 3) {
            let rest = total - cumulative;
            out.push(item("Other causes".into(), rest, total, total));
            break;
        }
        cumulative += n;
        out.push(item(table.display_label(CodeKind::Cause, *code), *n, cumulative, total));
    }
    out
}

fn item(label: String, cases: u32, cumulative: u32, total: u32) -> ParetoItem {
    ParetoItem {
        label,
        cases,
        share: f64::from(cases) / f64::from(total),
        cumulative_share: f64::from(cumulative) / f64::from(total),
    }
}

fn trust(model: &ModelFile, name: &str) -> Option<Trust> {
    let bt = model.backtest.as_ref()?;
    let metric = |h: u32| bt.get(h, "model");
    Some(Trust {
        model_file: name.to_string(),
        trained_to: model.training_window.cutoff,
        skill_vs_trailing12: bt
            .params
            .horizons
            .iter()
            .filter_map(|&h| Some((h, metric(h)?.skill_vs_trailing12)))
            .collect(),
        coverage_90: bt.params.horizons.iter().filter_map(|&h| Some((h, metric(h)?.coverage_90?))).collect(),
        spearman_observed: metric(1).map(|m| m.spearman_observed),
        dispersion: model.model.overdispersion,
    })
}

/// The terms the reports define, (term, definition), as the Cabinet
/// report and `ranking.xlsx` print them.
pub fn definitions() -> Vec<(String, String)> {
    [
        ("Recordable case", "death, days away from work, job transfer or restriction, or other recordable (OSHA 300)"),
        ("TRIR", "recordable cases × 200,000 / hours worked (200,000 h = 100 full-time workers for a year)"),
        ("DART", "days-away and restricted/transfer cases × 200,000 / hours worked"),
        ("LTIR", "lost-time cases (deaths and days-away cases) × 200,000 / hours worked"),
        ("Incurred", "paid (medical, indemnity, expense) plus outstanding reserve, at valuation"),
        ("Predicted cases", "expected recordable cases over the horizon, with a 90% predictive interval"),
        (
            "Actual to expected",
            "recordable cases of the last 12 months over the model's month-ahead expectations for them",
        ),
        ("Credibility Z", "how far the department's own experience moves the model (0: not at all, 1: fully)"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect()
}

fn department(i: &Inputs<'_>, d: usize, row: &RankingRow, city_mix: &CodeMix, movers: &[Mover]) -> DepartmentReport {
    let panel = i.panel;
    let as_of = i.ranking.as_of;
    let from12 = as_of.plus(-11);
    let t12 = panel.window(d, from12, as_of);
    let recordable_3y = panel.window(d, as_of.plus(-35), as_of).all.recordable();
    let group = row.group.as_deref().unwrap_or("no peer group");
    let mover = movers.iter().find(|m| m.department == row.department);
    DepartmentReport {
        row: row.clone(),
        history: history(panel, d, as_of),
        mix: mix(panel, d, from12, as_of, city_mix),
        drivers: rank::drivers::drivers(panel, d, as_of, 5),
        open_claims: t12.all.open_claims,
        incurred_t12: t12.all.incurred,
        why: advice::why(row, i.ranking.rows.len(), i.ranking.rated, group),
        change: advice::change(row, mover, i.ranking.compared_with),
        lean: advice::lean(row, recordable_3y, group),
        actions: advice::actions(panel, d, as_of),
        recordable_3y,
        cases: cases(i, &panel.departments[d].code),
        targets: None,
    }
}

/// Trailing-12 TRIR and DART of the department, its peer group and the
/// city, for each of the last 36 months.
fn history(panel: &Panel, d: usize, as_of: Month) -> Vec<TrendPoint> {
    let group = panel.departments[d].group.as_deref();
    let peers: Vec<usize> =
        (0..panel.departments.len()).filter(|&p| panel.departments[p].group.as_deref() == group).collect();
    Month::range(as_of.plus(-35).max(panel.start.plus(11)).min(as_of), as_of)
        .map(|m| {
            let own = panel.trailing12(d, m).rates();
            let mut peer = crate::panel::Window::default();
            for &p in &peers {
                let w = panel.trailing12(p, m);
                peer.exposed.add(&w.exposed);
            }
            let peer = peer.exposed.rates();
            let city = panel.city_window(m.plus(-11), m).rates();
            TrendPoint {
                month: m,
                trir: own.trir,
                peer_trir: peer.trir,
                city_trir: city.trir,
                dart: own.dart,
                peer_dart: peer.dart,
                city_dart: city.dart,
            }
        })
        .collect()
}

fn mix(panel: &Panel, d: usize, from: Month, to: Month, city: &CodeMix) -> Vec<MixShare> {
    let own = panel.mix(Some(d), from, to);
    let table = CodeTable::builtin();
    let mut out = Vec::new();
    for kind in [CodeKind::Cause, CodeKind::BodyPart] {
        let total: u32 = own.of(kind).values().sum();
        let city_total: u32 = city.of(kind).values().sum();
        if total == 0 || city_total == 0 {
            continue;
        }
        let mut codes: Vec<(&u16, &u32)> = own.of(kind).iter().collect();
        codes.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (code, n) in codes.into_iter().take(8) {
            out.push(MixShare {
                kind: kind.as_str().to_string(),
                label: table.display_label(kind, *code),
                cases: *n,
                share: f64::from(*n) / f64::from(total),
                city_share: f64::from(city.of(kind).get(code).copied().unwrap_or(0)) / f64::from(city_total),
            });
        }
    }
    out
}

/// The department's own cases of the window, newest first, then the
/// privacy concern cases by id: placed among the others by date, a
/// privacy case's neighbours would give its date away.
fn cases(i: &Inputs<'_>, code: &str) -> Vec<CaseLine> {
    let table = CodeTable::builtin();
    let shown = |c: &KeptCase, v: Option<String>| if c.privacy_case { None } else { v };
    let mut out: Vec<CaseLine> = i
        .cases
        .cases
        .iter()
        .filter(|c| c.department == code)
        .map(|c| CaseLine {
            case_id: c.case_id.clone(),
            event_date: (!c.privacy_case).then_some(c.event_date),
            osha_class: c.osha_class,
            days_away: c.days_away,
            days_restricted: c.days_restricted,
            cause: shown(c, c.cause_code.map(|k| table.column_label(CodeKind::Cause, k))),
            body_part: shown(c, c.body_part_code.map(|k| table.column_label(CodeKind::BodyPart, k))),
            incurred: i.cases.incurred(&c.case_id),
            claim_open: i.cases.claim_open(&c.case_id),
            privacy_case: c.privacy_case,
        })
        .collect();
    out.sort_by(|a, b| {
        a.privacy_case
            .cmp(&b.privacy_case)
            .then_with(|| b.event_date.cmp(&a.event_date))
            .then_with(|| a.case_id.cmp(&b.case_id))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rank::RankRange;

    #[test]
    fn only_moves_beyond_the_ranks_uncertainty_are_news() {
        let row = |code: &str, rank: u32, low: u32, high: u32, change: i64| RankingRow {
            rank,
            department: code.into(),
            name: code.into(),
            predicted_cases: 10.0,
            predicted_cases_low: 5,
            predicted_cases_high: 16,
            predicted_rate: Some(4.0),
            rank_low: low,
            rank_high: high,
            rank_change: Some(change),
            ..RankingRow::default()
        };
        let ranking = Ranking {
            as_of: "2025-12".parse().unwrap(),
            horizon: 12,
            rated: true,
            city_predicted: 1.0,
            city_actual_to_expected: None,
            compared_with: Some("2025-11".parse().unwrap()),
            data_warning: None,
            city_addressable: Default::default(),
            experience_applied: false,
            rows: vec![row("A", 1, 1, 2, 6), row("B", 2, 1, 3, -1), row("C", 3, 2, 4, 0), row("D", 4, 3, 5, 0)],
        };
        let previous = PreviousRanking {
            month: ranking.compared_with,
            ranks: [("A", 7, 5, 9), ("B", 1, 1, 3), ("C", 3, 2, 4), ("D", 4, 3, 5)]
                .into_iter()
                .map(|(c, rank, low, high)| (c.to_string(), RankRange { rank, low, high }))
                .collect(),
            // D's rate was 9 (this run's interval of it: 2.0 to 6.4).
            predicted: [("A", 4.0), ("B", 4.0), ("C", 4.0), ("D", 9.0)].map(|(c, v)| (c.to_string(), v)).into(),
        };
        let movers = movers(&ranking, &previous);
        let news: Vec<(&str, bool)> = movers.iter().map(|m| (m.department.as_str(), m.significant)).collect();
        assert_eq!(
            news,
            [("A", true), ("B", false), ("D", true)],
            "C did not move; B's move lies inside its range; D's rate moved beyond its interval"
        );
    }
}
