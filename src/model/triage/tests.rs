//! Unit tests of the triage pieces: the metrics, both models (label order, leaf rates,
//! bagging), the encoder's vocabularies and columns, the severe rule, the collector and the
//! time split.

use approx::assert_abs_diff_eq;
use jiff::civil::Date;
use ndarray::{Array1, Array2};

use super::features::vocabulary;
use super::tree::untieable_weight;
use super::*;
use crate::ingest::RecordSink;
use crate::schema::{Cents, ClaimRecord, ClaimStatus, Department, InjuryRecord};

fn date(y: i16, m: i8, d: i8) -> Date {
    Date::new(y, m, d).unwrap()
}

fn claim(day: i8, initial: Option<i64>, incurred: i64) -> TriageClaim {
    TriageClaim {
        case_id: None,
        injury_date: date(2024, 1, day),
        report_lag: Some(3),
        initial_incurred: initial.map(Cents),
        incurred: Cents(incurred),
        days_away: None,
        department: 0,
        job_class: None,
        cause_code: Some(56),
        nature_code: None,
        body_part_code: None,
        litigated: false,
        status: ClaimStatus::Open,
        first_report: FirstReport::default(),
    }
}

#[test]
fn auc_counts_pairs_and_ties_half() {
    // Severe 0.35 and 0.8 against 0.1 and 0.4: 3 of 4 pairs ordered.
    assert_abs_diff_eq!(roc_auc(&[0.1, 0.4, 0.35, 0.8], &[false, false, true, true]).unwrap(), 0.75);
    // 0.5 vs 0.5 is a tie (½), the other three pairs are ordered: 3.5 / 4.
    assert_abs_diff_eq!(roc_auc(&[0.5, 0.5, 0.2, 0.9], &[true, false, false, true]).unwrap(), 0.875);
    // All tied: ½.
    assert_abs_diff_eq!(roc_auc(&[1.0; 4], &[true, false, false, true]).unwrap(), 0.5);
    assert_abs_diff_eq!(roc_auc(&[0.9, 0.1], &[false, true]).unwrap(), 0.0);
    assert_eq!(roc_auc(&[0.1, 0.2], &[true, true]), None);
}

#[test]
fn roc_points_step_down_to_the_allowed_false_positives() {
    // Scores 0.9 (severe), 0.8 (other), 0.7 (severe), 0.6 (other), 0.5 ×2 (one each).
    let p = [0.9, 0.8, 0.7, 0.6, 0.5, 0.5];
    let y = [true, false, true, false, true, false];
    let at = |f: f64| roc_at(&p, &y, &[f])[0].tpr;
    assert_abs_diff_eq!(at(0.0), 1.0 / 3.0);
    assert_abs_diff_eq!(at(0.34), 2.0 / 3.0);
    assert_abs_diff_eq!(at(0.5), 2.0 / 3.0);
    // The tie at 0.5 is flagged whole: it takes the false-positive rate to 1.
    assert_abs_diff_eq!(at(0.99), 2.0 / 3.0);
    assert_abs_diff_eq!(at(1.0), 1.0);
    assert!(roc_at(&p, &[true; 6], &ROC_FPRS).is_empty());
    assert_eq!(roc_at(&p, &y, &ROC_FPRS).len(), ROC_FPRS.len());
}

#[test]
fn brier_is_the_mean_squared_error() {
    // (0.1² + 0.2² + 0.5²) / 3 = 0.3 / 3.
    assert_abs_diff_eq!(brier_score(&[0.9, 0.2, 0.5], &[true, false, true]).unwrap(), 0.1, epsilon = 1e-12);
    assert_eq!(brier_score(&[], &[]), None);
}

#[test]
fn calibration_cuts_deciles_and_keeps_ties_together() {
    // 20 claims with p = 0.025, 0.075, …: two per bin, the second of each pair severe.
    let p: Vec<f64> = (0..20).map(|i| (i as f64 + 0.5) / 20.0).collect();
    let y: Vec<bool> = (0..20).map(|i| i % 2 == 1).collect();
    let bins = calibration_by_decile(&p, &y);
    assert_eq!(bins.len(), 10);
    for (k, b) in bins.iter().enumerate() {
        assert_eq!((b.bin, b.count, b.severe), (k + 1, 2, 1));
        assert_abs_diff_eq!(b.mean_predicted.unwrap(), (k as f64 + 0.5) / 10.0, epsilon = 1e-12);
        assert_abs_diff_eq!(b.observed_rate.unwrap(), 0.5);
    }
    // |mean − 0.5| averaged: (0.45 + 0.35 + … ) / 10 = 0.25.
    assert_abs_diff_eq!(calibration_error(&bins), 0.25, epsilon = 1e-12);
    // Ten claims, six of them tied at 0.3: the tie stays in one bin.
    let p = [0.1, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.7, 0.8, 0.9];
    let bins = calibration_by_decile(&p, &[false; 10]);
    let counts: Vec<usize> = bins.iter().map(|b| b.count).collect();
    assert_eq!(counts, [1, 6, 0, 0, 0, 0, 0, 1, 1, 1]);
    assert_eq!(bins[2].mean_predicted, None);
    assert_eq!(calibration_by_decile(&[], &[]).iter().map(|b| b.count).sum::<usize>(), 0);
}

/// Rows: x ~ evenly spread; severe when x is large, the minority.
fn minority_data(n: usize, share: f64) -> (Array2<f64>, Array1<bool>) {
    let x = Array2::from_shape_fn((n, 1), |(i, _)| i as f64 / n as f64);
    // Deterministic noise: a fixed pseudo-random flip pattern.
    let y = (0..n).map(|i| {
        let u = ((i * 7919) % 1000) as f64 / 1000.0;
        let logit = 8.0 * (i as f64 / n as f64 - (1.0 - share));
        u < 1.0 / (1.0 + (-logit).exp())
    });
    (x, y.collect())
}

#[test]
fn logistic_label_order_is_handled_both_ways() {
    for share in [0.2, 0.8] {
        let (x, y) = minority_data(2000, share);
        let rate = y.iter().filter(|&&s| s).count() as f64 / y.len() as f64;
        let model = LogisticModel::fit(&x, &y, vec![0], &[0], 1.0, 200, 1e-4).unwrap();
        // linfa's positive class is the majority: false when severe is rare.
        assert_eq!(model.fitted.labels().pos.class, rate > 0.5, "share {share}");
        let p = model.predict(&x);
        let mean = p.iter().sum::<f64>() / p.len() as f64;
        assert!((mean - rate).abs() < 0.02, "share {share}: mean P(severe) {mean} vs rate {rate}");
        assert!(p[p.len() - 1] > p[0], "P(severe) rises with x");
        let (_, coef) = model.severe_log_odds();
        assert!(coef[0] > 0.0);
        assert!(roc_auc(&p, y.as_slice().unwrap()).unwrap() > 0.8);
    }
}

#[test]
fn tree_leaves_carry_shrunk_rates() {
    let (x, y) = minority_data(2000, 0.2);
    let params = TriageParams { tree_max_depth: 3, ..TriageParams::default() };
    let model = TreeModel::fit(&x, &y, &["x".to_string()], &params).unwrap();
    assert_eq!(model.trees.len(), 1);
    assert!(model.trees[0].leaf_probabilities.len() >= 2);
    assert_eq!(model.trees[0].leaf_counts.iter().sum::<u64>(), 2000);
    let p = model.predict(&x);
    assert!(p.iter().all(|&v| (0.0..=1.0).contains(&v)));
    assert!(p[1999] > p[0]);
    // Leaf rates are counted by routing rows: the mean prediction is
    // about the base rate (exactly, but for the shrinkage).
    let rate = y.iter().filter(|&&s| s).count() as f64 / 2000.0;
    assert!((p.iter().sum::<f64>() / 2000.0 - rate).abs() < 0.01);
    assert_eq!(untieable_weight(3.0).to_bits() & 1, 1);
    assert!((f64::from(untieable_weight(3.0)) - 3.0).abs() < 1e-6);
}

#[test]
fn bagged_trees_are_reproducible() {
    let (x, y) = minority_data(600, 0.3);
    let params = TriageParams { tree_bags: 3, tree_max_depth: 4, ..TriageParams::default() };
    let a = TreeModel::fit(&x, &y, &["x".to_string()], &params).unwrap();
    let b = TreeModel::fit(&x, &y, &["x".to_string()], &params).unwrap();
    assert_eq!(a.trees.len(), 3);
    assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
    let other = TreeModel::fit(&x, &y, &["x".to_string()], &TriageParams { seed: 2, ..params }).unwrap();
    assert_ne!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&other).unwrap());
    let p = a.predict(&x);
    assert!(p.iter().all(|&v| (0.0..=1.0).contains(&v)));
}

#[test]
fn logistic_drops_reference_levels_and_constant_columns() {
    let rows: Vec<ClaimFeatures<'_>> = (0..12)
        .map(|i| ClaimFeatures {
            cause_code: Some(if i < 7 { 56 } else { 29 }),
            group: Some(if i % 3 == 0 { "office" } else { "field" }),
            report_lag: Some(i),
            initial_incurred: Some(Cents(1_000 * i64::from(i))),
            ..ClaimFeatures::default()
        })
        .collect();
    let enc = FeatureEncoder::fit(&rows, 1, 50);
    let x = enc.encode(&rows);
    let kept: Vec<&str> = enc.logistic_columns(&x).iter().map(|&c| enc.columns[c].as_str()).collect();
    // cause=56 and group=field are the references; every missing and
    // other column, and the missing indicators, are constant.
    assert_eq!(kept, ["cause=29", "group=office", LAG_COLUMN, INITIAL_COLUMN]);
}

#[test]
fn encoder_puts_rare_and_unseen_levels_into_other() {
    let rows: Vec<ClaimFeatures<'_>> = (0..10)
        .map(|i| ClaimFeatures {
            cause_code: Some(if i < 6 {
                56
            } else if i < 9 {
                29
            } else {
                99
            }),
            job_class: (i % 2 == 0).then_some("Clerk"),
            group: Some("office"),
            report_lag: (i != 0).then_some(i),
            initial_incurred: Some(Cents(10_000)),
            ..ClaimFeatures::default()
        })
        .collect();
    let enc = FeatureEncoder::fit(&rows, 3, 50);
    assert_eq!(enc.causes, [29, 56]);
    assert_eq!(enc.job_classes, ["Clerk"]);
    let x = enc.encode(&rows);
    assert_eq!(x.ncols(), enc.columns.len());
    let col = |n: &str| enc.column(n).unwrap();
    assert_eq!(x[[9, col("cause=other")]], 1.0);
    assert_eq!(x[[0, col("cause=56")]], 1.0);
    assert_eq!(x[[1, col("job_class=missing")]], 1.0);
    assert_eq!(x[[0, col(LAG_MISSING_COLUMN)]], 1.0);
    assert_eq!(x[[0, col(LAG_COLUMN)]], 0.0);
    assert_abs_diff_eq!(x[[1, col(LAG_COLUMN)]], 2f64.ln());
    assert_abs_diff_eq!(x[[1, col(INITIAL_COLUMN)]], 101f64.ln());
    // One indicator per categorical block, every row.
    for row in x.rows() {
        let ones = row.iter().filter(|&&v| v == 1.0).count();
        assert!(ones >= 5);
    }
    // A new claim with an unseen group goes to group=other.
    let new = ClaimFeatures { group: Some("police"), ..ClaimFeatures::default() };
    let x = enc.encode(&[new]);
    assert_eq!(x[[0, col("group=other")]], 1.0);
    assert_eq!(x[[0, col("cause=missing")]], 1.0);
    let json = serde_json::to_string(&enc).unwrap();
    assert_eq!(serde_json::from_str::<FeatureEncoder>(&json).unwrap(), enc);
}

#[test]
fn first_report_columns_join_the_design_only_when_training_claims_have_them() {
    let plain: Vec<ClaimFeatures<'_>> = (0..40)
        .map(|i| ClaimFeatures { report_lag: Some(i), initial_incurred: Some(Cents(100)), ..ClaimFeatures::default() })
        .collect();
    let before = FeatureEncoder::fit(&plain, 30, 50);
    assert_eq!(before.columns.last().map(String::as_str), Some(INITIAL_MISSING_COLUMN));
    assert!(before.first_report_columns().is_empty());
    // 35 claims with an age, 20 with a wage, 40 with an hour: with
    // min_count 30, age and hour join, the wage does not.
    let mut rows = plain.clone();
    for (i, r) in rows.iter_mut().enumerate() {
        r.first_report = FirstReport {
            age_at_injury: (i < 35).then_some(20 + i as u8),
            weekly_wage: (i < 20).then_some(Cents(50_000)),
            accident_hour: Some((i % 24) as u8),
            ..FirstReport::default()
        };
    }
    let enc = FeatureEncoder::fit(&rows, 30, 50);
    let added = [
        "age_at_injury",
        "age_at_injury_sq",
        "age_at_injury_missing",
        "accident_hour_sin",
        "accident_hour_cos",
        "accident_hour_missing",
    ];
    assert_eq!(enc.first_report_columns(), added);
    assert_eq!(enc.columns[..before.width()], before.columns[..]);
    let x = enc.encode(&rows);
    let col = |n: &str| enc.column(n).unwrap();
    assert_abs_diff_eq!(x[[0, col("age_at_injury")]], 20.0);
    assert_abs_diff_eq!(x[[0, col("age_at_injury_sq")]], 4.0);
    assert_eq!((x[[39, col("age_at_injury")]], x[[39, col("age_at_injury_missing")]]), (0.0, 1.0));
    // 06:00 is a quarter of the way round the clock, 18:00 three quarters.
    assert_abs_diff_eq!(x[[6, col("accident_hour_sin")]], 1.0, epsilon = 1e-12);
    assert_abs_diff_eq!(x[[18, col("accident_hour_sin")]], -1.0, epsilon = 1e-12);
    assert_abs_diff_eq!(x[[0, col("accident_hour_cos")]], 1.0, epsilon = 1e-12);
    // Values are standardized, indicators are not; the old columns encode as before.
    let scaled: Vec<&str> = enc.numeric_columns().iter().map(|&c| enc.columns[c].as_str()).collect();
    assert_eq!(
        scaled,
        [LAG_COLUMN, INITIAL_COLUMN, "age_at_injury", "age_at_injury_sq", "accident_hour_sin", "accident_hour_cos"]
    );
    let old = before.encode(&rows);
    assert_eq!(x.slice(ndarray::s![.., ..before.width()]), old);
    // An encoder saved before these columns existed reads and encodes as it did.
    let json = serde_json::to_string(&before).unwrap();
    let read: FeatureEncoder = serde_json::from_str(&json).unwrap();
    assert_eq!(read.encode(&rows), old);
}

#[test]
fn max_levels_keeps_the_most_frequent() {
    let values = [5u16, 5, 5, 7, 7, 9, 9, 9, 9, 1, 1];
    assert_eq!(vocabulary(values.iter().copied(), 2, 2), [5, 9]);
    assert_eq!(vocabulary(values.iter().copied(), 3, 10), [5, 9]);
    // Ties on count keep the smaller value.
    assert_eq!(vocabulary(values.iter().copied(), 1, 3), [1, 5, 9]);
}

#[test]
fn severe_rule_has_three_ways_in() {
    let rule = SevereRule::default();
    let mut c = claim(1, None, 10_000);
    assert!(!rule.severe(&c));
    c.days_away = Some(30);
    assert!(!rule.severe(&c));
    c.days_away = Some(31);
    assert!(rule.severe(&c));
    c.days_away = None;
    c.litigated = true;
    assert!(rule.severe(&c));
    assert!(!SevereRule { include_litigated: false, ..rule }.severe(&c));
    c.litigated = false;
    c.incurred = Cents(5_000_001);
    assert!(rule.severe(&c));
    c.incurred = Cents(5_000_000);
    assert!(!rule.severe(&c));
}

fn record<'a>(id: &'a str, case: Option<&'a str>, dept: &'a str, job: Option<&'a str>) -> ClaimRecord<'a> {
    ClaimRecord {
        claim_id: id.into(),
        case_id: case.map(Into::into),
        department: dept.into(),
        injury_date: date(2024, 3, 1),
        reported_date: Some(date(2024, 3, 11)),
        valuation_date: None,
        status: ClaimStatus::Open,
        closed_date: None,
        paid_medical: Some(Cents(1_000)),
        paid_indemnity: None,
        paid_expense: None,
        reserve: Some(Cents(500)),
        litigated: None,
        cause_code: None,
        nature_code: None,
        body_part_code: None,
        job_class: job.map(Into::into),
        initial_incurred: Some(Cents(700)),
        weekly_wage: Some(Cents(80_000)),
        age_at_injury: Some(37),
        hours_per_week: Some(38.5),
        part_time: Some(false),
        dependents: Some(2),
        accident_hour: Some(14),
    }
}

#[test]
fn collector_merges_in_file_order_and_joins_days_away() {
    let mut a = TriageCollector::new();
    a.claim(&record("C1", Some("K1"), "SAN", Some("Driver")));
    let mut b = a.fork();
    b.claim(&record("C2", None, "LPL", Some("Clerk")));
    b.claim(&record("C3", Some("K3"), "SAN", Some("Driver")));
    let mut inj = a.fork();
    inj.injury(&InjuryRecord {
        case_id: "K3".into(),
        department: "SAN".into(),
        event_date: date(2024, 3, 1),
        osha_class: crate::schema::OshaClass::DaysAway,
        days_away: Some(45),
        days_restricted: None,
        cause_code: None,
        nature_code: None,
        body_part_code: None,
        job_class: None,
        privacy_case: None,
    });
    a.merge(b);
    a.merge(inj);
    assert_eq!(a.len(), 3);
    let depts = [Department { department: "SAN".into(), name: "Sanitation".into(), group: Some("field".into()) }];
    let data = a.finish(Some(&depts));
    let names: Vec<&str> = data.claims.iter().map(|c| data.departments[c.department as usize].as_str()).collect();
    assert_eq!(names, ["SAN", "LPL", "SAN"]);
    let jobs: Vec<&str> =
        data.claims.iter().map(|c| data.job_classes[c.job_class.unwrap() as usize].as_str()).collect();
    assert_eq!(jobs, ["Driver", "Clerk", "Driver"]);
    assert_eq!(data.claims.iter().map(|c| c.days_away).collect::<Vec<_>>(), [None, None, Some(45)]);
    let c = &data.claims[0];
    assert_eq!((c.report_lag, c.incurred, c.initial_incurred), (Some(10), Cents(1_500), Some(Cents(700))));
    assert_eq!(data.features(&data.claims[0]).group, Some("field"));
    let first = data.features(&data.claims[1]).first_report;
    assert_eq!(
        (first.weekly_wage, first.age_at_injury, first.hours_per_week),
        (Some(Cents(80_000)), Some(37), Some(38.5))
    );
    assert_eq!((first.part_time, first.dependents, first.accident_hour), (Some(false), Some(2), Some(14)));
    assert_eq!(data.features(&data.claims[1]).group, None);
    assert!(SevereRule::default().severe(&data.claims[2]));
}

/// Which of claims `0..n` a collector of `capacity` kept, read in `parts`
/// forks merged in order (as the reader's threads do), and the most claims
/// any collector held on the way. Claim `i` is reported `i` days after injury,
/// so its report lag says which it was.
fn sampled(n: u32, capacity: usize, parts: usize) -> (Vec<u32>, usize) {
    let ids: Vec<String> = (0..n).map(|i| format!("WC{i:07}")).collect();
    let mut whole = TriageCollector::with_capacity(capacity);
    let mut most_held = 0;
    for (p, part) in ids.chunks(ids.len().div_ceil(parts)).enumerate() {
        let mut fork = whole.fork();
        for (j, id) in part.iter().enumerate() {
            let mut r = record(id, None, "SAN", None);
            r.injury_date = date(2000, 1, 1);
            let i = (p * ids.len().div_ceil(parts) + j) as i32;
            r.reported_date = r.injury_date.checked_add(jiff::Span::new().days(i)).ok();
            fork.claim(&r);
            most_held = most_held.max(fork.len());
        }
        whole.merge(fork);
        most_held = most_held.max(whole.len());
    }
    assert_eq!(whole.seen(), u64::from(n));
    let data = whole.finish(None);
    assert_eq!(data.claims_seen, u64::from(n));
    (data.claims.iter().filter_map(|c| c.report_lag).collect(), most_held)
}

#[test]
fn the_claim_sample_is_bounded_uniform_and_independent_of_the_split() {
    let (one, held) = sampled(5_000, 400, 1);
    assert_eq!(one.len(), 400);
    assert!(held <= 800, "a collector held {held} claims, over twice its bound");
    assert!(one.is_sorted(), "the sample keeps file order");
    for parts in [2, 3, 7] {
        assert_eq!(sampled(5_000, 400, parts).0, one, "split in {parts}");
    }
    // Uniform: each fifth of the file keeps about a fifth of the sample
    // (80 expected, standard deviation 8).
    for fifth in 0..5 {
        let n = one.iter().filter(|&&i| i / 1_000 == fifth).count();
        assert!((50..=110).contains(&n), "fifth {fifth} kept {n} of 400");
    }
    // Below the bound, every claim in file order.
    assert_eq!(sampled(300, 400, 3).0, (0..300).collect::<Vec<_>>());
}

#[test]
fn evaluate_splits_by_time_and_rejects_one_class() {
    // Severe iff the initial estimate is high: perfectly ranked.
    let claims: Vec<TriageClaim> = (1..=28)
        .map(|d| {
            let high = d % 3 == 0;
            claim(d as i8, Some(if high { 900_000 } else { 10_000 }), if high { 9_000_000 } else { 20_000 })
        })
        .collect();
    let data = TriageData {
        claims,
        departments: vec!["D".into()],
        department_groups: vec![None],
        job_classes: vec![],
        claims_seen: 20,
    };
    let params = TriageParams { min_count: 1, tree_min_leaf_share: 0.0, ..TriageParams::default() };
    let report = evaluate(&data, &SevereRule::default(), &params).unwrap();
    assert_eq!(report.cutoff, date(2024, 1, 20));
    assert_eq!((report.train_claims, report.test_claims), (19, 9));
    for m in &report.models {
        assert_abs_diff_eq!(m.auc.unwrap(), 1.0);
        assert_eq!(m.calibration.iter().map(|b| b.count).sum::<usize>(), 9);
    }
    assert_eq!(report.baseline_raw_auc, Some(1.0));
    assert!(report.model("baseline").is_some());

    let none = TriageData { claims: data.claims.iter().map(|c| claim(1, None, c.incurred.0)).collect(), ..data };
    let early = TriageParams { cutoff: Some(date(2023, 1, 1)), ..params.clone() };
    assert!(matches!(
        evaluate(&none, &SevereRule::default(), &early),
        Err(TriageError::EmptySplit { side: "training", .. })
    ));
    let all_small = TriageData { claims: (1..=20).map(|d| claim(d, Some(100), 100)).collect(), ..none };
    assert!(matches!(
        evaluate(&all_small, &SevereRule::default(), &params),
        Err(TriageError::OneClass { side: "training", .. })
    ));
}
