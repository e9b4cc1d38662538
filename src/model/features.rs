//! The design matrix of the frequency and cost models: one row per
//! department, origin month and horizon, built only from what the panel
//! knew at the origin (no leakage). Training, backtesting and scoring all
//! call [`at`], so a feature can never mean one thing in training and
//! another in production.
//!
//! Rates are credibility-weighted before they are logged: each trailing
//! window's department rate is blended with its peer group's by
//! Bühlmann-Straub, so a ten-person department with one case does not get
//! a rate fifty times the city's, and the log of a zero never occurs.

use serde::{Deserialize, Serialize};

use crate::codes::{CodeKind, CodeTable};
use crate::model::credibility::{self, Unit};
use crate::model::glm::GlmError;
use crate::model::structural::{Structural, StructuralParams, StructuralParts};
use crate::panel::Panel;
use crate::schema::Month;

/// The trailing windows, in months, whose credibility-weighted rates are features.
pub const WINDOWS: [u32; 4] = [3, 6, 12, 36];

/// Feature names, in column order.
pub const NAMES: [&str; 23] = [
    "log_structural_rate",
    "log_rate_3m",
    "log_rate_6m",
    "log_rate_12m",
    "log_rate_36m",
    "trend_to_target",
    "target_month_sin",
    "target_month_cos",
    "target_sin_field_operations",
    "target_cos_field_operations",
    "target_sin_office",
    "target_cos_office",
    "origin_month_sin",
    "origin_month_cos",
    "group_field_operations",
    "group_office",
    "share_lost_time_12m",
    "share_strain_12m",
    "share_fall_12m",
    "share_lower_back_12m",
    "share_open_claims_12m",
    "log_report_lag_12m",
    "log_hours_12m",
];

/// How the hours of a target month are known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetHours {
    /// The panel's own hours for that month (training and backtests, where
    /// the month has happened).
    Actual,
    /// The average monthly hours of the 12 months to the origin (scoring
    /// months that have not happened yet).
    TrailingAverage,
}

/// One department × origin × horizon.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeatureRow {
    pub department: usize,
    pub origin: Month,
    pub horizon: u32,
    pub target: Month,
    pub values: Vec<f64>,
    /// Hours of the target month (actual or assumed); `None` in count mode
    /// or when the month has no hours.
    pub hours: Option<f64>,
    /// The offset: ln(hours / 200,000), or 0 in count mode.
    pub offset: f64,
    /// Recordable cases in the target month, when it is in the panel.
    pub observed: Option<f64>,
    /// `log_structural_rate` (the first value) by its parts, for drivers.
    pub structural: StructuralParts,
}

/// Rows for one or more origins.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Features {
    /// Whether rates exist (exposure given); otherwise counts per month.
    pub rated: bool,
    pub rows: Vec<FeatureRow>,
}

/// What a department looked like at an origin month.
#[derive(Debug, Clone)]
struct OriginState {
    log_rates: [f64; 4],
    momentum: f64,
    group: Option<String>,
    shares: [f64; 6],
    avg_hours: Option<f64>,
}

/// Features of every department at `origin`, for each horizon (months
/// after the origin). Departments without hours in the target month are
/// left out when the panel has exposure and `hours` is `Actual`.
pub fn at(
    panel: &Panel,
    origin: Month,
    horizons: &[u32],
    hours: TargetHours,
    structural: &StructuralParams,
) -> Result<Features, GlmError> {
    let structural = Structural::fit(panel, origin, structural)?;
    let states = origin_states(panel, origin);
    let n = panel.departments.len();
    let mut rows = Vec::with_capacity(states.len() * horizons.len());
    for (d, state) in states.iter().enumerate() {
        for &h in horizons {
            let target = origin.plus(h as i32);
            let cell = panel.cell(d, target);
            let target_hours = match hours {
                TargetHours::Actual => cell.and_then(|c| c.totals.hours),
                TargetHours::TrailingAverage => state.avg_hours,
            };
            if panel.has_exposure && target_hours.is_none() {
                continue;
            }
            let offset = target_hours.map_or(0.0, |h| (h / crate::metrics::BASE_HOURS).ln());
            rows.push(FeatureRow {
                department: d,
                origin,
                horizon: h,
                target,
                values: row_values(state, structural.log_rate(n, d, target), origin, target, h),
                hours: target_hours,
                offset,
                observed: cell.map(|c| c.totals.recordable() as f64),
                structural: structural.log_rate_parts(n, d, target),
            });
        }
    }
    Ok(Features { rated: panel.has_exposure, rows })
}

fn row_values(s: &OriginState, log_structural: f64, origin: Month, target: Month, horizon: u32) -> Vec<f64> {
    let (ts, tc) = target.season();
    let (os, oc) = origin.season();
    let is = |g: &str| f64::from(u8::from(s.group.as_deref() == Some(g)));
    let (field, office) = (is("field_operations"), is("office"));
    // The 12-month window's centre lies 5.5 months before the origin.
    let years_ahead = (f64::from(horizon) + 5.5) / 12.0;
    let mut v = Vec::with_capacity(NAMES.len());
    v.push(log_structural);
    v.extend_from_slice(&s.log_rates);
    v.push(s.momentum * years_ahead);
    v.extend_from_slice(&[ts, tc, ts * field, tc * field, ts * office, tc * office, os, oc, field, office]);
    v.extend_from_slice(&s.shares);
    // Department size: ln of average monthly hours (0 in count mode).
    v.push(s.avg_hours.map_or(0.0, |h| h.max(1.0).ln()));
    v
}

fn origin_states(panel: &Panel, origin: Month) -> Vec<OriginState> {
    let cred: Vec<Vec<f64>> = WINDOWS.iter().map(|&w| credible_rates(panel, origin, w)).collect();
    let year_ago = credible_rates(panel, origin.plus(-12), 12);
    let has_year_ago = origin.plus(-12).since(panel.start) >= 11;
    let mix = MixShares::new(panel, origin);
    (0..panel.departments.len())
        .map(|d| {
            let log_rates = [cred[0][d].ln(), cred[1][d].ln(), cred[2][d].ln(), cred[3][d].ln()];
            let momentum = if has_year_ago { (cred[2][d] / year_ago[d]).ln() } else { 0.0 };
            let w = panel.trailing12(d, origin);
            let avg_hours = w.exposed.hours.filter(|_| w.exposed_months > 0).map(|h| h / f64::from(w.exposed_months));
            OriginState {
                log_rates,
                momentum,
                group: panel.departments[d].group.clone(),
                shares: mix.shares(panel, d, origin),
                avg_hours,
            }
        })
        .collect()
}

/// Credibility-weighted rate (per 200,000 h, or cases per month without
/// exposure) of every department over the `months` months to `origin`,
/// blended within peer groups; floored above zero so its log exists.
pub fn credible_rates(panel: &Panel, origin: Month, months: u32) -> Vec<f64> {
    credible(panel, origin, months).into_iter().map(|(rate, _)| rate).collect()
}

/// The weight each department's rate over the `months` to `origin` puts
/// on its peer group's (1 − its Bühlmann-Straub Z): near 1, the
/// department has too little experience of its own and its rate is its
/// group's.
pub fn peer_weights(panel: &Panel, origin: Month, months: u32) -> Vec<f64> {
    credible(panel, origin, months).into_iter().map(|(_, z)| 1.0 - z).collect()
}

/// Each department's credibility-weighted rate and its Z.
fn credible(panel: &Panel, origin: Month, months: u32) -> Vec<(f64, f64)> {
    let from = origin.plus(1 - months as i32);
    let units: Vec<Unit> = (0..panel.departments.len()).map(|d| unit(panel, d, from, origin)).collect();
    let city = pooled(&units);
    let floor = (city * 0.05).max(1e-6);
    let mut out = vec![(city.max(floor), 0.0); units.len()];
    let mut groups: Vec<Option<&str>> = panel.departments.iter().map(|d| d.group.as_deref()).collect();
    groups.sort();
    groups.dedup();
    for g in groups {
        let members: Vec<usize> = (0..units.len()).filter(|&d| panel.departments[d].group.as_deref() == g).collect();
        let fit_on: Vec<usize> = if members.len() >= 2 { members.clone() } else { (0..units.len()).collect() };
        let group_units: Vec<Unit> = fit_on.iter().map(|&d| units[d].clone()).collect();
        let Some(c) = credibility::buhlmann_straub(&group_units) else { continue };
        for &d in &members {
            if let Some(pos) = fit_on.iter().position(|&x| x == d) {
                out[d] = (c.units[pos].estimate.max(floor), c.units[pos].z);
            }
        }
    }
    out
}

fn unit(panel: &Panel, d: usize, from: Month, to: Month) -> Unit {
    let mut u = Unit::default();
    for m in Month::range(from.max(panel.start), to.min(panel.end)) {
        let Some(cell) = panel.cell(d, m) else { continue };
        let cases = cell.totals.recordable() as f64;
        match (panel.has_exposure, cell.totals.hours) {
            (true, Some(h)) if h > 0.0 => {
                let w = h / crate::metrics::BASE_HOURS;
                u.x.push(cases / w);
                u.w.push(w);
            }
            (true, _) => {}
            (false, _) => {
                u.x.push(cases);
                u.w.push(1.0);
            }
        }
    }
    u
}

fn pooled(units: &[Unit]) -> f64 {
    let (mut num, mut den) = (0.0, 0.0);
    for u in units {
        for (x, w) in u.x.iter().zip(&u.w) {
            num += x * w;
            den += w;
        }
    }
    if den > 0.0 { num / den } else { 0.0 }
}

/// Code-mix and claim shares over the 12 months to the origin, shrunk
/// toward the city's share with a prior of `PRIOR` cases.
struct MixShares {
    strain_codes: Vec<u16>,
    fall_codes: Vec<u16>,
    city: [f64; 6],
}

const PRIOR: f64 = 10.0;

/// WCIO part of body 42, Lower Back Area: the commonest strain site.
const LOWER_BACK: u16 = 42;

impl MixShares {
    fn new(panel: &Panel, origin: Month) -> MixShares {
        let table = CodeTable::builtin();
        let codes_in = |category: &str| -> Vec<u16> {
            table.entries(CodeKind::Cause).filter(|e| e.category == category).map(|e| e.code).collect()
        };
        let mut m = MixShares {
            strain_codes: codes_in("Strain or Injury By"),
            fall_codes: codes_in("Fall, Slip or Trip"),
            city: [0.0; 6],
        };
        m.city = m.raw(panel, None, origin).map(|(n, d)| if d > 0.0 { n / d } else { 0.0 });
        m
    }

    /// (numerator, denominator) of each share for a department or the city.
    fn raw(&self, panel: &Panel, d: Option<usize>, origin: Month) -> [(f64, f64); 6] {
        let from = origin.plus(-11);
        let mut totals = crate::metrics::Totals::default();
        let mut lag = (0.0, 0.0);
        let depts: Vec<usize> = d.map_or_else(|| (0..panel.departments.len()).collect(), |d| vec![d]);
        for &dd in &depts {
            let w = panel.window(dd, from, origin);
            totals.add(&w.all);
            for m in Month::range(from.max(panel.start), origin.min(panel.end)) {
                if let Some(c) = panel.cell(dd, m) {
                    lag.0 += c.report_lag_days as f64;
                    lag.1 += c.reported_claims as f64;
                }
            }
        }
        let mix = panel.mix(d, from, origin);
        let coded: u32 = mix.cause.values().sum();
        let count = |codes: &[u16]| codes.iter().filter_map(|c| mix.cause.get(c)).sum::<u32>() as f64;
        [
            (totals.lost_time_cases() as f64, totals.recordable() as f64),
            (count(&self.strain_codes), f64::from(coded)),
            (count(&self.fall_codes), f64::from(coded)),
            (
                f64::from(mix.body_part.get(&LOWER_BACK).copied().unwrap_or(0)),
                f64::from(mix.body_part.values().sum::<u32>()),
            ),
            (totals.open_claims as f64, totals.claims as f64),
            (lag.0, lag.1),
        ]
    }

    fn shares(&self, panel: &Panel, d: usize, origin: Month) -> [f64; 6] {
        let raw = self.raw(panel, Some(d), origin);
        let mut out = [0.0; 6];
        for i in 0..5 {
            let (n, den) = raw[i];
            out[i] = (n + PRIOR * self.city[i]) / (den + PRIOR);
        }
        // Mean report lag in days, shrunk the same way, then logged.
        let (n, den) = raw[5];
        out[5] = ((n + PRIOR * self.city[5]) / (den + PRIOR)).ln_1p();
        out
    }
}
