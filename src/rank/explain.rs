//! Why a department is ranked where it is, from the model itself: its
//! predicted rate against the city's, split on the log scale into
//! additive contributions (peer group, own level, trend, season of the
//! horizon, and the pooled features: case mix, lost-time share, report
//! lag, size) that sum exactly to ln(predicted rate / city rate).
//!
//! A prediction is `exp(offset + intercept + (1 + β₀)·structural + Σ βⱼ·xⱼ)`
//! (times the experience factor where credibility is applied), and the
//! structural rate is itself a sum of parts ([`StructuralParts`]), so every
//! term of a month's log rate belongs to one component. A department's
//! component is its months' terms weighed by their predicted cases; what
//! the log of a sum of months differs from that weighted mean (a few
//! thousandths: the months of a horizon differ mostly by season) goes to
//! the season. The city's reference of each component is the
//! exposure-weighted mean over departments; the city rate is a mean of
//! rates, not of log rates, so it lies above that mean by a spread term
//! G = ln Σ W·e^L − Σ W·L, which is shared among the components by their
//! part of the departments' spread (Cov(component, L) / Var(L)). The
//! contributions of every department then add up to its log ratio exactly.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::metrics::BASE_HOURS;
use crate::model::features::{FeatureRow, NAMES};
use crate::model::glm::Glm;

/// The parts a department's risk is explained by, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Component {
    PeerGroup,
    OwnLevel,
    Trend,
    Season,
    CaseMix,
    LostTime,
    ReportLag,
    Size,
}

/// Every component, in the order of [`Contributions`]' array.
pub const COMPONENTS: [Component; 8] = [
    Component::PeerGroup,
    Component::OwnLevel,
    Component::Trend,
    Component::Season,
    Component::CaseMix,
    Component::LostTime,
    Component::ReportLag,
    Component::Size,
];

impl Component {
    /// The name reports and `ranking.csv` use.
    pub fn label(self) -> &'static str {
        match self {
            Component::PeerGroup => "peer group",
            Component::OwnLevel => "own level",
            Component::Trend => "trend",
            Component::Season => "season",
            Component::CaseMix => "case mix",
            Component::LostTime => "lost-time share",
            Component::ReportLag => "report lag",
            Component::Size => "size",
        }
    }

    fn index(self) -> usize {
        COMPONENTS.iter().position(|c| *c == self).unwrap_or(0)
    }

    /// The component a pooled-model feature belongs to (the structural
    /// rate, the first feature, is split by its own parts instead).
    pub fn of_feature(name: &str) -> Option<Component> {
        Some(match name {
            "log_structural_rate" => Component::OwnLevel,
            n if n.starts_with("log_rate_") => Component::OwnLevel,
            "trend_to_target" => Component::Trend,
            n if n.starts_with("target_") || n.starts_with("origin_month") => Component::Season,
            n if n.starts_with("group_") => Component::PeerGroup,
            "share_lost_time_12m" | "share_open_claims_12m" => Component::LostTime,
            "share_strain_12m" | "share_fall_12m" | "share_lower_back_12m" => Component::CaseMix,
            "log_report_lag_12m" => Component::ReportLag,
            "log_hours_12m" => Component::Size,
            _ => return None,
        })
    }
}

/// A department's contributions to ln(predicted rate / city rate), by
/// component (the order of [`COMPONENTS`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Contributions(pub [f64; 8]);

impl Contributions {
    pub fn get(&self, c: Component) -> f64 {
        self.0[c.index()]
    }

    pub fn total(&self) -> f64 {
        self.0.iter().sum()
    }

    /// The components with their signed share of all the contributions'
    /// absolute sum: first the one that moves the department most in the
    /// direction it lies from the city (up when above it), then the others
    /// by size, whichever way they push.
    pub fn leading(&self) -> Vec<(Component, f64)> {
        let sign = if self.total() >= 0.0 { 1.0 } else { -1.0 };
        let scale: f64 = self.0.iter().map(|c| c.abs()).sum();
        let mut out: Vec<(Component, f64)> =
            COMPONENTS.iter().map(|&c| (c, if scale > 0.0 { self.get(c) / scale } else { 0.0 })).collect();
        out.sort_by(|a, b| (sign * b.1).total_cmp(&(sign * a.1)).then(a.0.cmp(&b.0)));
        out[1..].sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(&b.0)));
        out
    }
}

/// One department's explanation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Explanation {
    pub contributions: Contributions,
    /// What the log of the horizon's summed months differs from their
    /// weighted mean (folded into the season's contribution).
    pub horizon_shape: f64,
    /// The department's trend: change of its log rate per year.
    pub trend_per_year: f64,
}

/// A department's months of the horizon, summed.
#[derive(Debug, Clone, Copy, Default)]
struct Sums {
    cases: f64,
    exposure: f64,
    terms: [f64; 8],
    trend_per_year: f64,
}

/// Explains every department with horizon rows in `rows` (`cases`: their
/// predictions, `factors`: the experience factors applied, if any). The
/// exposure of a row is its hours / 200,000, or one month in count mode.
pub fn explain(
    glm: &Glm,
    rows: &[&FeatureRow],
    cases: &[f64],
    factors: Option<&[f64]>,
    rated: bool,
) -> BTreeMap<usize, Explanation> {
    let mut sums: BTreeMap<usize, Sums> = BTreeMap::new();
    for (r, &mu) in rows.iter().zip(cases) {
        let factor = factors.and_then(|f| f.get(r.department)).copied().unwrap_or(1.0);
        let terms = row_terms(glm, r, factor);
        let s = sums.entry(r.department).or_default();
        s.cases += mu;
        s.exposure += if rated { r.hours.unwrap_or(0.0) / BASE_HOURS } else { 1.0 };
        for (t, v) in s.terms.iter_mut().zip(terms) {
            *t += mu * v;
        }
        s.trend_per_year += mu * trend_per_year(glm, r);
    }
    sums.retain(|_, s| s.cases > 0.0 && s.exposure > 0.0);
    let exposure: f64 = sums.values().map(|s| s.exposure).sum();
    let cases: f64 = sums.values().map(|s| s.cases).sum();
    if sums.is_empty() || exposure <= 0.0 || cases <= 0.0 {
        return BTreeMap::new();
    }
    let city = (cases / exposure).ln();
    // Each department's components (the horizon shape in the season's),
    // its log rate, and its weight.
    let parts: Vec<(usize, [f64; 8], f64, f64, f64)> = sums
        .iter()
        .map(|(&d, s)| {
            let mut comp = s.terms.map(|t| t / s.cases);
            let log_rate = (s.cases / s.exposure).ln();
            let shape = log_rate - comp.iter().sum::<f64>();
            comp[Component::Season.index()] += shape;
            (d, comp, log_rate, s.exposure / exposure, shape)
        })
        .collect();
    let mean_l: f64 = parts.iter().map(|p| p.3 * p.2).sum();
    let var_l: f64 = parts.iter().map(|p| p.3 * (p.2 - mean_l).powi(2)).sum();
    let spread = city - mean_l;
    let reference: [f64; 8] = std::array::from_fn(|c| {
        let mean_c: f64 = parts.iter().map(|p| p.3 * p.1[c]).sum();
        let cov: f64 = parts.iter().map(|p| p.3 * (p.1[c] - mean_c) * (p.2 - mean_l)).sum();
        let share = if var_l > 0.0 { cov / var_l } else { 1.0 / 8.0 };
        mean_c + spread * share
    });
    parts
        .into_iter()
        .map(|(d, comp, _, _, shape)| {
            let s = &sums[&d];
            let contributions = Contributions(std::array::from_fn(|c| comp[c] - reference[c]));
            (d, Explanation { contributions, horizon_shape: shape, trend_per_year: s.trend_per_year / s.cases })
        })
        .collect()
}

/// A row's log rate (its linear predictor less the offset) by component.
fn row_terms(glm: &Glm, r: &FeatureRow, factor: f64) -> [f64; 8] {
    let mut t = [0.0; 8];
    let beta = |j: usize| glm.coefficients.get(j).copied().unwrap_or(0.0);
    // The structural rate enters both as offset and as the first feature.
    let scale = 1.0 + beta(0);
    let s = &r.structural;
    t[Component::PeerGroup.index()] += glm.intercept + scale * (s.common + s.group_level);
    t[Component::OwnLevel.index()] += scale * s.own_level + factor.max(f64::MIN_POSITIVE).ln();
    t[Component::Trend.index()] += scale * s.trend;
    t[Component::Season.index()] += scale * s.season;
    for (j, (name, x)) in NAMES.iter().zip(&r.values).enumerate().skip(1) {
        if let Some(c) = Component::of_feature(name) {
            t[c.index()] += beta(j) * x;
        }
    }
    t
}

/// The row's change of log rate per year: the structural trend (scaled
/// as the model scales it) and the pooled model's momentum term.
fn trend_per_year(glm: &Glm, r: &FeatureRow) -> f64 {
    let beta = |j: usize| glm.coefficients.get(j).copied().unwrap_or(0.0);
    let trend = NAMES.iter().position(|n| *n == "trend_to_target").unwrap_or(0);
    let years_ahead = (f64::from(r.horizon) + 5.5) / 12.0;
    let momentum = r.values.get(trend).copied().unwrap_or(0.0) / years_ahead;
    (1.0 + beta(0)) * r.structural.trend_per_year + beta(trend) * momentum
}

/// The leading reason, for `top_driver`: the component that moves the
/// department most in the direction it lies from the city, as a factor
/// on the rate ("own level: ×2.20 against the city").
pub fn top_driver(e: &Explanation) -> String {
    let (c, _) = e.contributions.leading()[0];
    format!("{}: ×{:.2} against the city", c.label(), e.contributions.get(c).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_feature_belongs_to_a_component() {
        for name in NAMES {
            assert!(Component::of_feature(name).is_some(), "{name} has no component");
        }
    }

    #[test]
    fn leading_follows_the_direction_from_the_city() {
        let up = Contributions([0.1, 0.5, -0.2, 0.0, 0.0, 0.05, 0.0, 0.0]);
        assert_eq!(up.leading()[0].0, Component::OwnLevel);
        let down = Contributions([0.1, -0.5, -0.7, 0.0, 0.0, 0.05, 0.0, 0.0]);
        assert_eq!(down.leading()[0].0, Component::Trend);
        // Then by size, whichever way: own level (−0.5), peer group (+0.1).
        let next: Vec<Component> = down.leading()[1..3].iter().map(|x| x.0).collect();
        assert_eq!(next, [Component::OwnLevel, Component::PeerGroup]);
        let shares: f64 = up.leading().iter().map(|(_, s)| s.abs()).sum();
        assert!((shares - 1.0).abs() < 1e-12);
    }
}
