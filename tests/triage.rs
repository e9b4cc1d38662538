//! The severe-claim triage model end to end: generated data written by
//! `riskrank::generate`, and the real actuarial-loss claims in
//! `../shared/data/real/` (skipped with a notice when that folder is
//! absent). The figures are printed (`cargo test --test triage -- --nocapture`).

use std::path::Path;

use riskrank::generate::{self, GenerateParams};
use riskrank::import::{Source, import};
use riskrank::ingest::{self, LoadOptions};
use riskrank::model::triage::{
    ClaimFeatures, FirstReport, ModelReport, SevereRule, TRIAGE_SAMPLE, TriageCollector, TriageData, TriageModel,
    TriageParams, TriageReport, evaluate, roc_auc, train,
};
use riskrank::schema::{Cents, Month};

mod common;

use common::real;

fn generated() -> (tempfile::TempDir, TriageData) {
    let params =
        GenerateParams { seed: 11, departments: 20, years: 4, bad_rows: 30, scale: 0.3, ..GenerateParams::default() };
    let dir = tempfile::tempdir().unwrap();
    generate::write(&params, dir.path()).unwrap();
    let data = load(dir.path(), Some(params.end));
    (dir, data)
}

/// Every claim (no sample bound), as the tests below compare models.
fn load(dir: &Path, as_of: Option<Month>) -> TriageData {
    load_sample(dir, as_of, usize::MAX)
}

/// A collector's sample of at most `capacity` claims.
fn load_sample(dir: &Path, as_of: Option<Month>, capacity: usize) -> TriageData {
    let loaded = ingest::load(dir, &LoadOptions::new(as_of), TriageCollector::with_capacity(capacity)).unwrap();
    let departments = loaded.departments.clone();
    loaded.sink.finish(departments.as_deref())
}

fn check_report(report: &TriageReport) {
    assert!(report.train_claims > 0 && report.test_claims > 0);
    assert!(report.base_rate_test > 0.0 && report.base_rate_test < 1.0);
    for m in &report.models {
        assert_eq!(m.calibration.len(), 10, "{}", m.name);
        assert_eq!(m.calibration.iter().map(|b| b.count).sum::<usize>(), report.test_claims, "{}", m.name);
        assert_eq!(m.calibration.iter().map(|b| b.severe).sum::<usize>(), report.test_severe, "{}", m.name);
        assert!(m.brier.is_finite());
    }
}

#[test]
fn generated_claims_are_triaged_better_than_the_base_rate() {
    let (_dir, data) = generated();
    let rule = SevereRule::default();
    let report = evaluate(&data, &rule, &TriageParams::default()).unwrap();
    eprintln!("generated data, severe = more than 30 days away, litigated or incurred above $50,000:");
    eprintln!("{}", report.summary());
    check_report(&report);
    let logistic = report.model("logistic").unwrap();
    let tree = report.model("tree").unwrap();
    let baseline = report.model("baseline").unwrap();
    assert!(logistic.auc.unwrap() > 0.7, "logistic AUC {:?}", logistic.auc);
    assert!(tree.auc.unwrap() > 0.5, "tree AUC {:?}", tree.auc);
    assert!(logistic.brier < report.brier_base_rate, "logistic Brier {}", logistic.brier);
    assert!(tree.brier < report.brier_base_rate, "tree Brier {}", tree.brier);
    for m in [logistic, tree] {
        eprintln!("{}", versus(&m.name, m.auc.unwrap(), m.brier, baseline));
    }
    // The baseline scores claims by the initial estimate alone: same ranking.
    let (a, b) = (baseline.auc.unwrap(), report.baseline_raw_auc.unwrap());
    assert!((a - b).abs() < 1e-9, "{a} vs {b}");
    // The time split: every training claim precedes every test claim.
    let cutoff = report.cutoff;
    let before = data.claims.iter().filter(|c| c.injury_date < cutoff).count();
    assert_eq!(before, report.train_claims);
}

#[test]
fn training_is_deterministic_and_the_model_round_trips() {
    let (_dir, data) = generated();
    let rule = SevereRule::default();
    let params = TriageParams::default();
    let a = serde_json::to_string(&train(&data, &rule, &params).unwrap()).unwrap();
    let b = serde_json::to_string(&train(&data, &rule, &params).unwrap()).unwrap();
    assert!(a == b, "two fits on the same data differ");
    // Loading the same folder again (parallel ingest) gives the same model too.
    let (_dir2, again) = generated();
    assert_eq!(again, data);
    let model: TriageModel = serde_json::from_str(&a).unwrap();
    assert_eq!(serde_json::to_string(&model).unwrap(), a);
    let features: Vec<ClaimFeatures<'_>> = data.claims.iter().take(50).map(|c| data.features(c)).collect();
    let fitted = train(&data, &rule, &params).unwrap();
    assert_eq!(model.predict(&features), fitted.predict(&features));
    // A claim the encoder has never seen still scores.
    let unseen = ClaimFeatures { cause_code: Some(999), job_class: Some("Astronaut"), ..ClaimFeatures::default() };
    let scores = model.predict(&[unseen]);
    assert!(scores.logistic[0] > 0.0 && scores.logistic[0] < 1.0 && scores.tree[0] > 0.0);
}

/// The real actuarial-loss claims: severe = ultimate incurred above $25,000
/// (about the 90th percentile of train.csv; a fixed amount rather than a
/// quantile so that the target does not depend on the test claims; nothing
/// else can fire there: no days away, no litigation flag). Features: report
/// lag, the initial estimate and the first-report columns (weekly wage, age,
/// hours a week, part time, dependents, accident hour; the import writes no
/// codes or job class, and the department pools are synthetic). Baseline:
/// the initial estimate alone. Costs jump from 2000 on (claims above
/// $25,000: 3–6% a year before, 11–28% after), so the test claims, injured
/// from August 2000, are far more often severe than the training claims:
/// ranking survives that, calibration does not.
///
/// Issue #13 asked the first-report columns for an AUC at least 0.01 above
/// the initial estimate alone. They do not give it: on this split the
/// initial estimate alone ranks claims with an AUC of 0.9412, the logistic
/// without the new columns 0.9414 and with them 0.9416; dropping any one of
/// them moves the AUC by 0.0002 at most. What they give is a better Brier
/// score (0.0865 against 0.0904; nearly all of it the weekly wage, which
/// picks up part of the cost jump). The test asserts what holds, prints the
/// ROC points and calibration tables and says whether the target is met.
#[test]
fn actuarial_loss_claims_are_triaged_from_what_is_known_at_first_report() {
    let Some(input) = real("kaggle_actuarial_loss_wc/train.csv") else { return };
    let dir = tempfile::tempdir().unwrap();
    import(Source::ActuarialLoss, &input, dir.path()).unwrap();
    let data = load(dir.path(), None);
    assert_eq!(data.claims.len(), 54_000);
    let known = |has: fn(&FirstReport) -> bool| data.claims.iter().filter(|c| has(&c.first_report)).count();
    assert_eq!(known(|r| r.weekly_wage.is_some() && r.age_at_injury.is_some() && r.part_time.is_some()), 54_000);
    assert_eq!(known(|r| r.hours_per_week.is_some()), 54_000 - 36);
    let rule = SevereRule { lost_days: 30, incurred_threshold: Cents(2_500_000), include_litigated: true };
    let params = TriageParams::default();
    let report = evaluate(&data, &rule, &params).unwrap();
    eprintln!("actuarial-loss train.csv, severe = ultimate incurred above $25,000, with the first-report columns:");
    eprintln!("{}", report.summary());
    check_report(&report);
    let first_report = [
        "ln1p_weekly_wage",
        "age_at_injury",
        "age_at_injury_sq",
        "hours_per_week",
        "part_time",
        "ln1p_dependents",
        "accident_hour_sin",
        "accident_hour_cos",
    ];
    for column in first_report {
        assert!(report.features.iter().any(|f| f == column), "{column} is a feature");
    }

    // The previous model: the same claims without the first-report columns.
    let mut before = data.clone();
    before.claims.iter_mut().for_each(|c| c.first_report = FirstReport::default());
    let previous = evaluate(&before, &rule, &params).unwrap();
    assert!(first_report.iter().all(|c| !previous.features.iter().any(|f| f == c)));
    assert_eq!((previous.train_claims, previous.test_claims), (report.train_claims, report.test_claims));
    let baseline = report.model("baseline").unwrap().clone();
    // The baseline does not see the new columns.
    let previous_baseline = previous.model("baseline").unwrap();
    assert_eq!((previous_baseline.auc, previous_baseline.brier), (baseline.auc, baseline.brier));
    eprintln!("model                       AUC     Brier   calibration error");
    let rows = [
        ("logistic, first report", report.model("logistic").unwrap()),
        ("tree, first report", report.model("tree").unwrap()),
        ("logistic, before", previous.model("logistic").unwrap()),
        ("tree, before", previous.model("tree").unwrap()),
        ("initial estimate alone", &baseline),
    ];
    for (name, m) in rows {
        eprintln!("{name:<26}  {:.4}  {:.4}  {:.4}", m.auc.unwrap(), m.brier, m.calibration_error);
    }
    let (logistic, tree) = (report.model("logistic").unwrap(), report.model("tree").unwrap());
    for m in [logistic, tree] {
        eprintln!("{}", versus(&m.name, m.auc.unwrap(), m.brier, &baseline));
    }
    let base_auc = baseline.auc.unwrap();
    let best = logistic.auc.unwrap().max(tree.auc.unwrap());
    if best >= base_auc + 0.01 {
        eprintln!("target met: AUC {best:.4} is at least 0.01 above the initial estimate alone ({base_auc:.4})");
    } else {
        eprintln!(
            "target NOT met: the best AUC, {best:.4}, is {:+.4} from the initial estimate alone ({base_auc:.4}); \
             0.01 above it was asked",
            best - base_auc
        );
    }
    // What holds: the first-report logistic ranks as well as the initial
    // estimate (within 0.002), no worse than the logistic without them, and
    // its probabilities are better (Brier score).
    let auc = logistic.auc.unwrap();
    assert!(auc > base_auc - 0.002, "logistic AUC {auc} against the baseline's {base_auc}");
    assert!(auc > previous.model("logistic").unwrap().auc.unwrap() - 0.001, "AUC {auc} below the previous model's");
    assert!(logistic.brier < baseline.brier, "Brier {} against the baseline's {}", logistic.brier, baseline.brier);
    assert!(tree.auc.unwrap() > 0.5);
}

/// How a model compares with the initial-estimate baseline, in words.
fn versus(name: &str, auc: f64, brier: f64, baseline: &ModelReport) -> String {
    let (base_auc, base_brier) = (baseline.auc.unwrap(), baseline.brier);
    let verdict = match auc - base_auc {
        d if d > 0.005 => "beats",
        d if d < -0.005 => "falls short of",
        _ => "matches (AUC within 0.005 of)",
    };
    let figures = format!("AUC {auc:.4} vs {base_auc:.4}, Brier {brier:.4} vs {base_brier:.4}");
    format!("{name} {verdict} the initial-estimate baseline: {figures}")
}

/// The bounded claim sample every run trains triage on (50,000 of the 54,000
/// real claims) against all of them: the models trained on the sample's
/// claims before the evaluation's cutoff, scored on every test claim, are
/// within 0.005 AUC of the models trained on every claim before it.
#[test]
fn the_claim_sample_keeps_the_real_claims_auc_within_0_005_of_all_claims() {
    let Some(input) = real("kaggle_actuarial_loss_wc/train.csv") else { return };
    let dir = tempfile::tempdir().unwrap();
    import(Source::ActuarialLoss, &input, dir.path()).unwrap();
    let all = load(dir.path(), None);
    let sample = load_sample(dir.path(), None, TRIAGE_SAMPLE);
    assert_eq!((all.claims.len(), sample.claims.len(), sample.claims_seen), (54_000, TRIAGE_SAMPLE, 54_000));
    let rule = SevereRule { lost_days: 30, incurred_threshold: Cents(2_500_000), include_litigated: true };
    let full = evaluate(&all, &rule, &TriageParams::default()).unwrap();
    assert_eq!(full.sampled_from, None);
    let mut before = sample.clone();
    before.claims.retain(|c| c.injury_date < full.cutoff);
    let model = train(&before, &rule, &TriageParams::default()).unwrap();
    let test: Vec<_> = all.claims.iter().filter(|c| c.injury_date >= full.cutoff).collect();
    assert_eq!(test.len(), full.test_claims);
    let features: Vec<ClaimFeatures<'_>> = test.iter().map(|c| all.features(c)).collect();
    let labels: Vec<bool> = test.iter().map(|c| rule.severe(c)).collect();
    let scores = model.predict(&features);
    for (name, p) in [("logistic", &scores.logistic), ("tree", &scores.tree)] {
        let sampled = roc_auc(p, &labels).unwrap();
        let every = full.model(name).unwrap().auc.unwrap();
        eprintln!("{name}: AUC {sampled:.4} trained on the sample, {every:.4} on every claim");
        assert!((sampled - every).abs() <= 0.005, "{name}: {sampled} against {every}");
    }
    // The model file's evaluation says it was a sample.
    let report = evaluate(&sample, &rule, &TriageParams::default()).unwrap();
    assert_eq!(report.sampled_from, Some(54_000));
}

/// The first-report columns are model inputs only: a run on the sample
/// with them added to every claim writes the same ranking, panel, mix and
/// department files, byte for byte, as a run without them. (The model file
/// a run may train, the manifest, which hashes the inputs, and the
/// quarantine file, which keeps rejected rows whole, are not reports.)
#[test]
fn first_report_columns_reach_no_report() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    for entry in std::fs::read_dir(common::sample()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, data.join(path.file_name().unwrap())).unwrap();
    }
    let claims = std::fs::read_to_string(data.join("claims.csv")).unwrap();
    let mut with = String::new();
    for (i, line) in claims.lines().enumerate() {
        with.push_str(line);
        with.push_str(if i == 0 {
            ",weekly_wage,age_at_injury,hours_per_week,part_time,dependents,accident_hour\n"
        } else if i % 2 == 0 {
            ",4321.09,37,38.5,F,2,14\n"
        } else {
            ",1234.87,58,20,P,0,03:40\n"
        });
    }
    std::fs::write(data.join("claims.csv"), with).unwrap();
    let run = |data: &Path, out: &Path| {
        let assert = common::riskrank().arg("run").arg("--data").arg(data).arg("--out").arg(out).assert();
        let code = assert.get_output().status.code();
        assert!(matches!(code, Some(0 | 1)), "{}", String::from_utf8_lossy(&assert.get_output().stderr));
        common::month_folder(out)
    };
    let plain = common::files_under(&run(&common::sample(), &dir.path().join("plain")));
    let extended = common::files_under(&run(&data, &dir.path().join("extended")));
    let reports = |files: &std::collections::BTreeMap<std::path::PathBuf, Vec<u8>>| {
        let skip = ["manifest.json", "model.json", "validation.json"];
        files
            .iter()
            .filter(|(p, _)| !p.starts_with("quarantine") && !skip.iter().any(|s| p.ends_with(s)))
            .map(|(p, b)| (p.clone(), b.clone()))
            .collect::<Vec<_>>()
    };
    let (a, b) = (reports(&plain), reports(&extended));
    assert!(a.iter().any(|(p, _)| p.starts_with("departments")), "department files");
    assert_eq!(a.iter().map(|(p, _)| p).collect::<Vec<_>>(), b.iter().map(|(p, _)| p).collect::<Vec<_>>());
    for ((path, x), (_, y)) in a.iter().zip(&b) {
        assert!(x == y, "{} differs when claims have first-report columns", path.display());
    }
    // The values are nowhere in those files.
    for (path, bytes) in &b {
        for value in ["4321.09", "1234.87", "03:40"] {
            assert!(memchr::memmem::find(bytes, value.as_bytes()).is_none(), "{value} in {}", path.display());
        }
    }
}
