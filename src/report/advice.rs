//! The reports' answers in plain words, built from the ranking and the
//! panel: why a department is ranked where it is (its leading model
//! driver, in one sentence), whether its change of rank is real, how far
//! its prediction leans on its peer group, what to do (the recommended
//! controls of its leading causes, from [`crate::controls`]), and the
//! Cabinet's opening summary. Only words and the figures they quote; the
//! figures themselves come from the ranking.

use serde::Serialize;

use crate::controls;
use crate::panel::Panel;
use crate::rank::{Component, Ranking, RankingRow, RiskTier};
use crate::report::data::{CityMonth, Mover};
use crate::report::pdf::markup::money;
use crate::schema::{Cents, Month};

/// A recommended control for one of a department's leading causes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Action {
    /// The cause group ("Lifting and manual handling").
    pub group: String,
    /// The department's cases of that group over the last 12 months, and
    /// their share of its cases with a cause against the city's share.
    pub cases: u32,
    pub share: f64,
    pub city_share: f64,
    pub measure: String,
    pub detail: String,
    pub source: String,
    pub url: String,
}

/// Recommended controls for at most this many cause groups.
const MAX_ACTIONS: usize = 3;

/// A cause group needs this many of the department's cases to be named.
const MIN_ACTION_CASES: u32 = 2;

/// Why the department is ranked where it is, in one sentence: its place,
/// its predicted rate against the city's, the leading driver and its trend.
pub fn why(row: &RankingRow, total: usize, rated: bool, group: &str) -> String {
    let c = row.contributions();
    let ratio = c.total().exp();
    let (lead, _) = c.leading()[0];
    let what = if rated { "rate" } else { "cases" };
    let reason = driver_words(lead, c.get(lead), group);
    let trend = match row.trend_per_year {
        Some(t) if t.abs() >= 0.005 => {
            format!("; its trend is {} {:.0}% a year", if t > 0.0 { "up" } else { "down" }, 100.0 * t.abs())
        }
        Some(_) => "; its trend is flat".to_string(),
        None => String::new(),
    };
    format!(
        "Ranked {} of {total}, with a predicted {what} {} the city's, mainly because {reason}{trend}.",
        row.rank,
        times(ratio)
    )
}

/// `1.91×` or `0.35×`, or "about" when it is within half a percent of 1.
fn times(f: f64) -> String {
    if (f - 1.0).abs() < 0.005 { "about the same as".to_string() } else { format!("{f:.2}×") }
}

/// A component's contribution as the reason it is.
fn driver_words(c: Component, log: f64, group: &str) -> String {
    let f = log.exp();
    let by = format!("{} it by {:.0}%", if log > 0.0 { "raises" } else { "lowers" }, 100.0 * (f - 1.0).abs());
    match c {
        Component::OwnLevel => format!("its own injury level runs at {} the city's", times(f)),
        Component::PeerGroup => format!("its peer group ({group}) runs at {} the city's rate", times(f)),
        Component::Trend => format!("its trend against the city's {by}"),
        Component::Season => format!("the season of the coming months {by}"),
        Component::CaseMix => format!("its case mix (strains, falls, lower backs) {by}"),
        Component::LostTime => format!("its share of lost-time cases and open claims {by}"),
        Component::ReportLag => format!("its delay in reporting injuries {by}"),
        Component::Size => format!("its size {by}"),
    }
}

/// Whether the department's change of rank is real: outside its 90%
/// rank range (or its predicted rate beyond its interval), or noise.
pub fn change(row: &RankingRow, mover: Option<&Mover>, compared_with: Option<Month>) -> String {
    let Some(since) = compared_with.filter(|_| row.rank_change.is_some()) else {
        return "There is no earlier run to compare the rank with.".to_string();
    };
    let since = month_words(since);
    let range = format!("its 90% rank range is {}–{}", row.rank_low, row.rank_high);
    match (row.rank_change, mover) {
        (Some(0), Some(m)) if m.significant => {
            format!("The rank is unchanged since {since}, but the predicted rate moved beyond its uncertainty.")
        }
        (Some(0), _) | (None, _) => format!("The rank is unchanged since {since} ({range})."),
        (Some(c), m) => {
            let way = if c > 0 { "up" } else { "down" };
            let n = c.unsigned_abs();
            let places = if n == 1 { "1 place".to_string() } else { format!("{n} places") };
            if m.is_some_and(|m| m.significant) {
                format!("It moved {way} {places} since {since}, beyond what chance allows ({range}): a real change.")
            } else {
                format!("It moved {way} {places} since {since}, within what chance allows ({range}): not news.")
            }
        }
    }
}

/// The months' names, January first.
pub const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// "November 2025".
pub fn month_words(m: Month) -> String {
    format!("{} {}", MONTH_NAMES[(m.month() as usize + 11) % 12], m.year())
}

/// For a department whose own record carries little weight: how far its
/// prediction leans on its peer group. `None` when its own record
/// carries most of the weight.
pub fn lean(row: &RankingRow, cases_3y: u64, group: &str) -> Option<String> {
    let w = row.peer_weight.filter(|w| *w >= 0.5)?;
    let cases = match cases_3y {
        0 => "no recordable cases".to_string(),
        1 => "one recordable case".to_string(),
        n => format!("{n} recordable cases"),
    };
    Some(format!(
        "With {cases} in three years, its own record is too thin to stand alone: its rate leans {:.0}% on its \
         peer group's ({group}) and {:.0}% on its own.",
        100.0 * w,
        100.0 * (1.0 - w)
    ))
}

/// The recommended controls for the department's leading cause groups of
/// the last 12 months: the groups with the most cases, those above the
/// city's share first.
pub fn actions(panel: &Panel, d: usize, as_of: Month) -> Vec<Action> {
    let from = as_of.plus(-11);
    let (own, city) =
        (groups_of(&panel.mix(Some(d), from, as_of).cause), groups_of(&panel.mix(None, from, as_of).cause));
    let own_total: u32 = own.iter().map(|g| g.1).sum();
    let city_total: u32 = city.iter().map(|g| g.1).sum();
    if own_total == 0 || city_total == 0 {
        return Vec::new();
    }
    let mut found: Vec<Action> = own
        .iter()
        .filter(|(_, n)| *n >= MIN_ACTION_CASES)
        .map(|(c, n)| {
            let city_n = city.iter().find(|g| std::ptr::eq(g.0, *c)).map_or(0, |g| g.1);
            Action {
                group: c.group.clone(),
                cases: *n,
                share: f64::from(*n) / f64::from(own_total),
                city_share: f64::from(city_n) / f64::from(city_total),
                measure: c.measure.clone(),
                detail: c.detail.clone(),
                source: c.source.clone(),
                url: c.url.clone(),
            }
        })
        .collect();
    found.sort_by(|a, b| {
        let above = |x: &Action| x.share > x.city_share;
        above(b).cmp(&above(a)).then(b.cases.cmp(&a.cases)).then(a.group.cmp(&b.group))
    });
    found.truncate(MAX_ACTIONS);
    found
}

/// Cases per control group, for the cause codes of a mix.
fn groups_of(causes: &std::collections::BTreeMap<u16, u32>) -> Vec<(&'static controls::Control, u32)> {
    let mut out: Vec<(&'static controls::Control, u32)> = Vec::new();
    for (&code, &n) in causes {
        let Some(c) = controls::for_cause(code) else { continue };
        match out.iter_mut().find(|g| std::ptr::eq(g.0, c)) {
            Some(g) => g.1 += n,
            None => out.push((c, n)),
        }
    }
    out
}

/// The Cabinet cover's opening summary: who is high, what changed since
/// last month, the city-wide forecast against the last 12 months, and
/// where the largest addressable excess lies.
pub fn cabinet_summary(ranking: &Ranking, movers: &[Mover], city: &[CityMonth]) -> Vec<String> {
    let mut out = Vec::new();
    let high: Vec<&str> =
        ranking.rows.iter().filter(|r| r.risk_tier == RiskTier::High).map(|r| r.name.as_str()).collect();
    out.push(match high.as_slice() {
        [] => "No department is in the high tier.".to_string(),
        [one] => format!("One department is in the high tier: {one}."),
        many => format!("{} departments are in the high tier: {}.", many.len(), list(many)),
    });
    let real: Vec<String> = movers
        .iter()
        .filter(|m| m.significant && m.change != 0)
        .map(|m| format!("{} ({} → {})", m.name, m.previous_rank, m.rank))
        .collect();
    out.push(match (ranking.compared_with, real.as_slice()) {
        (None, _) => "There is no earlier run to compare with.".to_string(),
        (Some(m), []) => format!(
            "Since {}, no department's rank or predicted rate changed beyond what chance allows.",
            month_words(m)
        ),
        (Some(m), r) => format!("Since {}, real changes: {}.", month_words(m), r.join(", ")),
    });
    out.extend(forecast_sentence(ranking, city));
    out.extend(excess_sentence(ranking));
    out
}

/// The city's predicted cases over the horizon against the same months
/// of the last 12 (scaled to the horizon's length).
fn forecast_sentence(ranking: &Ranking, city: &[CityMonth]) -> Option<String> {
    let last12: Vec<&CityMonth> = city.iter().rev().take(12).collect();
    if last12.len() < 12 {
        return None;
    }
    let actual: u64 = last12.iter().map(|m| m.recordable).sum();
    let predicted: f64 =
        ranking.rows.iter().map(|r| r.predicted_cases).sum::<f64>() * 12.0 / f64::from(ranking.horizon);
    if actual == 0 {
        return None;
    }
    let change = predicted / actual as f64 - 1.0;
    let way = if change.abs() < 0.005 {
        "about the same as".to_string()
    } else {
        format!("{:.0}% {} than", 100.0 * change.abs(), if change > 0.0 { "more" } else { "fewer" })
    };
    Some(format!(
        "City-wide the model forecasts {} recordable cases a year for the next {} months, {way} the {} of the last 12.",
        predicted.round(),
        ranking.horizon,
        actual
    ))
}

/// Where the largest addressable excess lies.
fn excess_sentence(ranking: &Ranking) -> Option<String> {
    let city = &ranking.city_addressable;
    let mut by_dollars: Vec<&RankingRow> = ranking.rows.iter().filter(|r| r.addressable_cases > 0.0).collect();
    by_dollars.sort_by(|a, b| b.addressable_incurred.total_cmp(&a.addressable_incurred));
    let top: Vec<&str> = by_dollars.iter().take(3).map(|r| r.name.as_str()).collect();
    if top.is_empty() {
        return Some("No department's predicted rate is above its peer group's median.".to_string());
    }
    let share = if city.incurred > 0.0 {
        by_dollars.iter().take(3).map(|r| r.addressable_incurred).sum::<f64>() / city.incurred
    } else {
        0.0
    };
    Some(format!(
        "At their peer groups' median rates, departments would avoid about {:.0} recordable cases and ${:.1}M a year \
         (90%: {:.0}–{:.0} cases); {} hold {:.0}% of those dollars.",
        city.cases,
        city.incurred / 1e6,
        city.cases_low,
        city.cases_high,
        list(&top),
        100.0 * share
    ))
}

fn list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Whether the ranking's trailing-12 incurred was developed (claim
/// valuations were given): every row then has a Mack interval.
pub fn developed(ranking: &Ranking) -> bool {
    ranking.rows.iter().any(|r| r.trailing12_incurred_low.is_some())
}

/// What "incurred" means in these reports, in one sentence.
pub fn incurred_basis(ranking: &Ranking) -> String {
    if !developed(ranking) {
        return "Incurred: claims cost (paid + reserve) as valued to date, not developed, so the youngest months \
                read low; add claim_valuations.csv to develop them to their estimated ultimate."
            .to_string();
    }
    let to_date: i64 = ranking.rows.iter().map(|r| r.trailing12_incurred_to_date.0).sum();
    let ultimate: i64 = ranking.rows.iter().map(|r| r.trailing12_incurred.0).sum();
    format!(
        "Incurred: the estimated ultimate of the claims by injury month, developed from claim_valuations.csv \
         (chain ladder on credibility-weighted monthly factors; Cape Cod on hours for months under half \
         reported); over the last 12 months {} to date becomes {} ultimate.",
        money(Cents(to_date)),
        money(Cents(ultimate))
    )
}

/// The claims of the last 12 accident months still to be reported, from
/// the reported-count triangle; `None` when under half a claim.
pub fn unreported_claims(reported: u64, ultimate: Option<f64>) -> Option<String> {
    let missing = ultimate? - reported as f64;
    (missing >= 0.5).then(|| {
        let n = missing.round() as u64;
        format!("about {n} more {} of these months expected to be reported", if n == 1 { "claim" } else { "claims" })
    })
}

/// The city's claims of the last 12 months: reported, and expected in all.
pub fn city_claims(ranking: &Ranking) -> String {
    let reported: u64 = ranking.rows.iter().map(|r| r.trailing12_claims).sum();
    let ultimate: f64 = ranking.rows.iter().filter_map(|r| r.trailing12_claims_ultimate).sum();
    match unreported_claims(reported, Some(ultimate)) {
        Some(more) => format!(
            "Claims of the last 12 months: {reported} reported, {more} (report lags in claims.csv, chain ladder)."
        ),
        None => format!("Claims of the last 12 months: {reported} reported; none more expected."),
    }
}

/// The short form of [`incurred_line`] under the figure it qualifies.
pub fn incurred_short(row: &RankingRow) -> String {
    if row.trailing12_claims == 0 && row.trailing12_incurred.0 == 0 {
        return "no claims in the last 12 months".to_string();
    }
    match (row.trailing12_incurred_low, row.trailing12_incurred_high) {
        (Some(low), Some(high)) => {
            format!("{} to date; 90% {}–{}", money(row.trailing12_incurred_to_date), money(low), money(high))
        }
        _ => "as valued, not developed".to_string(),
    }
}

/// One department's trailing-12 incurred: to date and, when developed,
/// the estimated ultimate with its 90% interval.
pub fn incurred_line(row: &RankingRow) -> String {
    if row.trailing12_claims == 0 && row.trailing12_incurred.0 == 0 {
        return "none, no claims in the last 12 months".to_string();
    }
    match (row.trailing12_incurred_low, row.trailing12_incurred_high) {
        (Some(low), Some(high)) => format!(
            "{} to date; estimated ultimate {} (90% interval {}–{})",
            money(row.trailing12_incurred_to_date),
            money(row.trailing12_incurred),
            money(low),
            money(high)
        ),
        _ => format!("{} to date (not developed)", money(row.trailing12_incurred_to_date)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rank::RankingRow;

    fn row() -> RankingRow {
        RankingRow {
            rank: 1,
            contribution_own_level: 0.6,
            contribution_peer_group: 0.1,
            contribution_trend: -0.02,
            trend_per_year: Some(-0.04),
            rank_low: 1,
            rank_high: 3,
            rank_change: Some(2),
            ..RankingRow::default()
        }
    }

    #[test]
    fn the_sentence_names_the_leading_driver_and_the_trend() {
        let text = why(&row(), 40, true, "Public Safety");
        assert_eq!(
            text,
            "Ranked 1 of 40, with a predicted rate 1.97× the city's, mainly because its own injury level runs at \
             1.82× the city's; its trend is down 4% a year."
        );
    }

    #[test]
    fn a_move_within_the_range_is_not_news() {
        let m = Mover {
            department: "A".into(),
            name: "A".into(),
            rank: 1,
            previous_rank: 3,
            change: 2,
            significant: false,
        };
        let month: Month = "2025-11".parse().unwrap();
        let text = change(&row(), Some(&m), Some(month));
        assert!(text.contains("within what chance allows (its 90% rank range is 1–3): not news"), "{text}");
        let real = change(&row(), Some(&Mover { significant: true, ..m }), Some(month));
        assert!(real.contains("a real change") && real.contains("November 2025"), "{real}");
        assert!(change(&row(), None, None).contains("no earlier run"));
    }

    #[test]
    fn every_driver_sentence_reads_cleanly() {
        use crate::codes::text_checks;
        use crate::rank::{COMPONENTS, explain};
        let acronyms = text_checks::acronyms();
        let mut bad = Vec::new();
        for &c in &COMPONENTS {
            for log in [0.4, -0.3] {
                let mut r = row();
                r.contribution_own_level = 0.0;
                r.contribution_peer_group = 0.0;
                r.contribution_trend = 0.0;
                r.set_contribution(c, log);
                let e = explain::Explanation {
                    contributions: r.contributions(),
                    horizon_shape: 0.0,
                    trend_per_year: -0.04,
                };
                assert!(explain::top_driver(&e).starts_with(c.label()), "{c:?}: {}", explain::top_driver(&e));
                for text in [why(&r, 40, true, "Public safety"), explain::top_driver(&e)] {
                    for p in text_checks::problems(&text, &acronyms) {
                        bad.push(format!("{c:?} {log}: {text:?}: {p}"));
                    }
                }
            }
        }
        assert!(bad.is_empty(), "{}", bad.join("\n"));
    }

    #[test]
    fn only_a_thin_record_leans_on_the_peer_group() {
        let thin = RankingRow { peer_weight: Some(0.8), ..row() };
        let text = lean(&thin, 1, "Office").unwrap();
        assert!(text.contains("one recordable case") && text.contains("80% on its peer group's (Office)"), "{text}");
        assert!(lean(&RankingRow { peer_weight: Some(0.2), ..row() }, 40, "Office").is_none());
    }

    #[test]
    fn incurred_reads_as_developed_or_not() {
        let dev = RankingRow {
            trailing12_claims: 12,
            trailing12_claims_ultimate: Some(14.4),
            trailing12_incurred: Cents(25_000_000),
            trailing12_incurred_to_date: Cents(20_000_000),
            trailing12_incurred_low: Some(Cents(21_000_000)),
            trailing12_incurred_high: Some(Cents(29_000_000)),
            ..row()
        };
        assert_eq!(
            incurred_line(&dev),
            "$200,000 to date; estimated ultimate $250,000 (90% interval $210,000–$290,000)"
        );
        assert_eq!(incurred_short(&dev), "$200,000 to date; 90% $210,000–$290,000");
        let raw = RankingRow { trailing12_incurred_low: None, trailing12_incurred_high: None, ..dev.clone() };
        assert_eq!(incurred_line(&raw), "$200,000 to date (not developed)");
        let ranking = Ranking {
            as_of: Month::from_index(2025 * 12 + 11),
            horizon: 12,
            rated: true,
            city_predicted: 1.0,
            city_actual_to_expected: None,
            compared_with: None,
            data_warning: None,
            city_addressable: Default::default(),
            experience_applied: false,
            rows: vec![dev.clone()],
        };
        assert!(developed(&ranking));
        assert!(incurred_basis(&ranking).contains("$200,000 to date becomes $250,000 ultimate"));
        let none = RankingRow { trailing12_claims: 0, trailing12_incurred: Cents(0), ..raw };
        assert_eq!(incurred_short(&none), "no claims in the last 12 months");
        assert_eq!(
            unreported_claims(12, Some(14.4)).as_deref(),
            Some("about 2 more claims of these months expected to be reported")
        );
        assert_eq!(unreported_claims(12, Some(12.3)), None);
    }
}
