//! The ranking's explanation and tiers, on generated cities: each
//! department's model-based contributions add up to the log of its
//! predicted rate over the city's, a department the generator gave a high
//! level of its own is explained by its own level, and no department
//! ranked above another has a lower tier.

use std::path::Path;

use riskrank::generate::{self, GenerateParams};
use riskrank::ingest::{self, LoadOptions};
use riskrank::model::frequency::TrainParams;
use riskrank::model::{self, TrainOptions, TrainingData};
use riskrank::panel::{Panel, PanelBuilder};
use riskrank::rank::{self, Component, PreviousRanking, RankParams, Ranking};

fn panel_of(dir: &Path) -> Panel {
    let loaded = ingest::load(dir, &LoadOptions::new(None), PanelBuilder::default()).expect("load");
    Panel::build(&loaded, None)
}

/// Generates a city, trains on it (defaults, no search or backtest: the
/// explanation is of whatever model ranks) and ranks 3 months ahead.
fn ranked_city(params: &GenerateParams) -> (tempfile::TempDir, Ranking) {
    let dir = tempfile::tempdir().expect("tempdir");
    generate::write(params, dir.path()).expect("generate");
    let panel = panel_of(dir.path());
    let data = TrainingData { panel: &panel, triage: Default::default(), truth: None, inputs: Vec::new() };
    let options = TrainOptions { params: TrainParams::default(), backtest: None, search: false };
    let file = model::train(data, &options, &|| {}).expect("train");
    let rank_params = RankParams { as_of: panel.end, horizon: 3, tiers: Default::default() };
    let ranked = rank::rank(&panel, &file, rank_params, &PreviousRanking::default()).expect("rank");
    (dir, ranked.ranking)
}

fn assert_contributions_sum(ranking: &Ranking, what: &str) {
    for r in &ranking.rows {
        let log_ratio = (r.value() / ranking.city_predicted).ln();
        let total = r.contributions().total();
        assert!(
            (total - log_ratio).abs() < 1e-9,
            "{what} {}: contributions sum to {total}, ln(rate / city) is {log_ratio}",
            r.department
        );
    }
}

#[test]
fn contributions_sum_to_the_log_ratio_and_own_level_explains_a_high_department() {
    let params = GenerateParams { seed: 11, departments: 30, years: 5, ..GenerateParams::default() };
    let (dir, ranking) = ranked_city(&params);
    assert_contributions_sum(&ranking, "seed 11");

    // The departments the generator gave the highest own effect (its
    // department_effect, on the log scale, beside the group's).
    let mut truth = csv::Reader::from_path(dir.path().join("truth_departments.csv")).expect("truth");
    let header = truth.headers().expect("header").clone();
    let at = |name: &str| header.iter().position(|h| h == name).expect(name);
    let (code, effect) = (at("department"), at("department_effect"));
    let mut effects: Vec<(String, f64)> = truth
        .records()
        .map(|r| {
            let r = r.expect("row");
            (r[code].to_string(), r[effect].parse().expect("effect"))
        })
        .collect();
    effects.sort_by(|a, b| b.1.total_cmp(&a.1));
    // Those above the city with a high own effect are ranked there mainly
    // by their own level (a high own effect in a low group can still leave
    // a department below the city, where its group is the reason).
    let high: Vec<&(String, f64)> = effects.iter().filter(|(_, e)| *e > 0.4).collect();
    let mut checked = 0;
    for (code, effect) in high {
        let row = ranking.rows.iter().find(|r| r.department == *code).expect("ranked");
        if row.value() <= ranking.city_predicted {
            continue;
        }
        checked += 1;
        let leading = row.contributions().leading();
        assert_eq!(leading[0].0, Component::OwnLevel, "{code} (effect {effect:.2}): {leading:?}");
        assert!(row.top_driver.starts_with("own level"), "{}", row.top_driver);
    }
    assert!(checked >= 1, "no department above the city has a high own effect: pick another seed");
    // And the own-level contribution follows the generator's effect.
    let pairs: Vec<(f64, f64)> = effects
        .iter()
        .map(|(c, e)| (*e, ranking.rows.iter().find(|r| r.department == *c).expect("ranked").contribution_own_level))
        .collect();
    let r = correlation(&pairs);
    assert!(r > 0.6, "own level vs the generator's department effect: correlation {r:.2}");
}

fn correlation(pairs: &[(f64, f64)]) -> f64 {
    let n = pairs.len() as f64;
    let (mx, my) = (pairs.iter().map(|p| p.0).sum::<f64>() / n, pairs.iter().map(|p| p.1).sum::<f64>() / n);
    let cov: f64 = pairs.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let vx: f64 = pairs.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let vy: f64 = pairs.iter().map(|p| (p.1 - my).powi(2)).sum();
    cov / (vx * vy).sqrt()
}

#[test]
fn tiers_never_contradict_the_order() {
    let cities = [
        GenerateParams { seed: 1, departments: 12, years: 3, ..GenerateParams::default() },
        GenerateParams { seed: 2, departments: 25, years: 4, overdispersion: Some(5.0), ..GenerateParams::default() },
        GenerateParams { seed: 3, departments: 40, years: 3, ..GenerateParams::default() },
        GenerateParams { seed: 4, departments: 18, years: 3, with_exposure: false, ..GenerateParams::default() },
        GenerateParams { seed: 5, departments: 8, years: 3, scale: 0.2, ..GenerateParams::default() },
    ];
    for params in &cities {
        let (_, ranking) = ranked_city(params);
        let what = format!("seed {}", params.seed);
        assert_contributions_sum(&ranking, &what);
        for pair in ranking.rows.windows(2) {
            assert!(
                pair[0].risk_tier <= pair[1].risk_tier,
                "{what}: #{} {} is {:?} above #{} {} {:?}",
                pair[0].rank,
                pair[0].department,
                pair[0].risk_tier,
                pair[1].rank,
                pair[1].department,
                pair[1].risk_tier
            );
            assert!(pair[0].value() >= pair[1].value(), "{what}: not in order");
        }
        for r in &ranking.rows {
            assert!(r.rank_low <= r.rank && r.rank <= r.rank_high, "{what} {}: rank outside its range", r.department);
        }
    }
}

#[test]
fn the_addressable_excess_is_zero_at_or_below_the_peer_median_and_sums_to_the_city() {
    let params = GenerateParams { seed: 21, departments: 24, years: 3, ..GenerateParams::default() };
    let (_dir, ranking) = ranked_city(&params);
    let mut above = 0;
    for r in &ranking.rows {
        // The median of an odd group is one department's own rate, which
        // the row's rate may repeat one unit in the last place apart.
        if r.value() <= r.peer_median * (1.0 + 1e-12) {
            assert_eq!(r.addressable_cases, 0.0, "{}: at or below its peer median", r.department);
            assert_eq!(r.addressable_incurred, 0.0, "{}", r.department);
        } else {
            above += 1;
            assert!(
                r.addressable_cases > 0.0,
                "{}: above its peer median: {} > {}",
                r.department,
                r.value(),
                r.peer_median
            );
        }
        assert!(r.addressable_cases_low <= r.addressable_cases_high, "{}", r.department);
    }
    assert!(above > 0, "some department should be above its peer median");
    let sum: f64 = ranking.rows.iter().map(|r| r.addressable_cases).sum();
    let dollars: f64 = ranking.rows.iter().map(|r| r.addressable_incurred).sum();
    assert!((ranking.city_addressable.cases - sum).abs() < 1e-9);
    assert!((ranking.city_addressable.incurred - dollars).abs() < 1e-6);
    let c = &ranking.city_addressable;
    assert!(c.cases_low <= c.cases_high && c.incurred_low <= c.incurred_high);
}
