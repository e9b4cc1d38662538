//! The time-split evaluation and its report.
//!
//! [`evaluate`] splits by time: claims injured before the cutoff train,
//! claims injured on or after it test (the cutoff is the injury date at the
//! `1 − test_share` quantile unless given), so no later information leaks
//! into training. Both models, plus a baseline — the initial estimate alone,
//! as a logistic on ln(1 + initial) and its missing indicator, which ranks
//! claims as the raw estimate does when no estimate is missing (the raw
//! ranking's AUC is reported too) — are trained on the training claims and
//! scored on the test claims: ROC AUC (Mann-Whitney,
//! ties at average rank), Brier score and its skill against the test base
//! rate, the ROC curve at a few false-positive rates, and calibration in
//! 10 bins of predicted probability by rank (deciles; tied predictions
//! share a bin). Everything is deterministic:
//! the same data and parameters give the same report, timings aside.

use std::time::Instant;

use jiff::civil::Date;
use serde::Serialize;

use super::features::{INITIAL_COLUMN, INITIAL_MISSING_COLUMN};
use super::metrics::{ROC_FPRS, RocPoint, brier_score, calibration_by_decile, calibration_error, roc_at, roc_auc};
use super::training::{fit_models, subsample};
use super::{
    CalibrationBin, ClaimFeatures, LogisticModel, SevereRule, TriageClaim, TriageData, TriageError, TriageParams,
};

/// How one model did on the test claims.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelReport {
    pub name: String,
    pub auc: Option<f64>,
    pub brier: f64,
    /// 1 − brier / brier of the test base rate (above 0: better than the rate).
    pub brier_skill: f64,
    pub calibration: Vec<CalibrationBin>,
    pub calibration_error: f64,
    /// The ROC curve at [`ROC_FPRS`].
    pub roc: Vec<RocPoint>,
    pub train_seconds: f64,
}

/// What [`evaluate`] found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TriageReport {
    pub rule: SevereRule,
    pub params: TriageParams,
    /// Training claims were injured before this date, test claims on or after.
    pub cutoff: Date,
    pub train_claims: usize,
    pub train_severe: usize,
    pub test_claims: usize,
    pub test_severe: usize,
    pub base_rate_train: f64,
    pub base_rate_test: f64,
    /// Brier score of predicting the test base rate for every claim.
    pub brier_base_rate: f64,
    /// Columns of the design matrix.
    pub features: Vec<String>,
    /// `logistic`, `tree` and, when any training claim has an initial
    /// estimate, `baseline` (the initial estimate alone).
    pub models: Vec<ModelReport>,
    /// AUC of the raw initial estimate as the score (missing lowest).
    pub baseline_raw_auc: Option<f64>,
    /// The accepted claims the data's sample was drawn from, when the
    /// collector's bound dropped some (see `collect`).
    pub sampled_from: Option<u64>,
}

impl TriageReport {
    pub fn model(&self, name: &str) -> Option<&ModelReport> {
        self.models.iter().find(|m| m.name == name)
    }

    /// A plain-text summary: one line per model, then the calibration tables.
    pub fn summary(&self) -> String {
        use std::fmt::Write as _;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "cutoff {}: train {} claims ({:.1}% severe), test {} claims ({:.1}% severe); base-rate Brier {:.4}",
            self.cutoff,
            self.train_claims,
            100.0 * self.base_rate_train,
            self.test_claims,
            100.0 * self.base_rate_test,
            self.brier_base_rate
        );
        for m in &self.models {
            let auc = m.auc.map_or("-".to_string(), |a| format!("{a:.4}"));
            let _ = writeln!(
                s,
                "  {:<9} AUC {auc}  Brier {:.4} (skill {:+.3})  calibration error {:.4}  fit {:.2}s",
                m.name, m.brier, m.brier_skill, m.calibration_error, m.train_seconds
            );
        }
        if let Some(auc) = self.baseline_raw_auc {
            let _ = writeln!(s, "  raw initial estimate as the score: AUC {auc:.4}");
        }
        let fprs: Vec<String> = ROC_FPRS.iter().map(|f| format!("{:>5.0}%", 100.0 * f)).collect();
        let _ = writeln!(s, "  ROC: share of severe claims flagged when flagging at most this share of the others:");
        let _ = writeln!(s, "    {:<9} {}", "", fprs.join(" "));
        for m in &self.models {
            let tprs: Vec<String> = m.roc.iter().map(|p| format!("{:>5.1}%", 100.0 * p.tpr)).collect();
            let _ = writeln!(s, "    {:<9} {}", m.name, tprs.join(" "));
        }
        for m in &self.models {
            let _ = writeln!(s, "  {} calibration (bin: count, mean predicted, observed):", m.name);
            for b in &m.calibration {
                let _ = writeln!(
                    s,
                    "    {:>2}: {:>6}  {:>7}  {:>7}",
                    b.bin,
                    b.count,
                    b.mean_predicted.map_or("-".into(), |v| format!("{v:.4}")),
                    b.observed_rate.map_or("-".into(), |v| format!("{v:.4}")),
                );
            }
        }
        s
    }
}

fn model_report(name: &str, p: &[f64], y: &[bool], brier_base_rate: f64, seconds: f64) -> ModelReport {
    let brier = brier_score(p, y).unwrap_or(f64::NAN);
    let calibration = calibration_by_decile(p, y);
    ModelReport {
        name: name.to_string(),
        auc: roc_auc(p, y),
        brier,
        brier_skill: if brier_base_rate > 0.0 { 1.0 - brier / brier_base_rate } else { 0.0 },
        calibration_error: calibration_error(&calibration),
        calibration,
        roc: roc_at(p, y, &ROC_FPRS),
        train_seconds: seconds,
    }
}

/// The cutoff and the claims on each side of it: indices of the claims
/// injured before it (training) and on or after it (test), neither empty.
fn time_split(data: &TriageData, params: &TriageParams) -> Result<(Date, Vec<usize>, Vec<usize>), TriageError> {
    if data.claims.is_empty() {
        return Err(TriageError::NoClaims);
    }
    let cutoff = match params.cutoff {
        Some(c) => c,
        None => {
            let mut dates: Vec<Date> = data.claims.iter().map(|c| c.injury_date).collect();
            dates.sort_unstable();
            let at = ((dates.len() as f64) * (1.0 - params.test_share)).floor() as usize;
            dates.get(at.min(dates.len() - 1)).copied().unwrap_or(Date::MIN)
        }
    };
    let (train_rows, test_rows): (Vec<usize>, Vec<usize>) =
        (0..data.claims.len()).partition(|&i| data.claims[i].injury_date < cutoff);
    if train_rows.is_empty() {
        return Err(TriageError::EmptySplit { cutoff, side: "training" });
    }
    if test_rows.is_empty() {
        return Err(TriageError::EmptySplit { cutoff, side: "test" });
    }
    Ok((cutoff, train_rows, test_rows))
}

/// Trains on the claims injured before the cutoff and scores the claims
/// injured on or after it (see the module doc).
pub fn evaluate(data: &TriageData, rule: &SevereRule, params: &TriageParams) -> Result<TriageReport, TriageError> {
    params.check()?;
    let (cutoff, train_rows, test_rows) = time_split(data, params)?;
    let train_rows = subsample(train_rows, params.max_train);
    let (model, x_train, y_train, timings) = fit_models(data, rule, params, &train_rows)?;

    let test: Vec<&TriageClaim> = test_rows.iter().map(|&i| &data.claims[i]).collect();
    let y_test: Vec<bool> = test.iter().map(|c| rule.severe(c)).collect();
    let test_severe = y_test.iter().filter(|&&s| s).count();
    if test_severe == 0 || test_severe == y_test.len() {
        return Err(TriageError::OneClass { side: "test", severe: test_severe, claims: y_test.len() });
    }
    let features: Vec<ClaimFeatures<'_>> = test.iter().map(|c| data.features(c)).collect();
    let x_test = model.encoder.encode(&features);
    let base_rate_test = test_severe as f64 / y_test.len() as f64;
    let brier_base_rate = base_rate_test * (1.0 - base_rate_test);

    let mut models = vec![
        model_report("logistic", &model.logistic.predict(&x_test), &y_test, brier_base_rate, timings.logistic),
        model_report("tree", &model.tree.predict(&x_test), &y_test, brier_base_rate, timings.tree),
    ];
    let has_initial = data.claims.iter().any(|c| c.initial_incurred.is_some());
    let mut baseline_raw_auc = None;
    if has_initial {
        let cols = [INITIAL_COLUMN, INITIAL_MISSING_COLUMN];
        let start = Instant::now();
        let baseline = LogisticModel::fit(
            &x_train,
            &y_train,
            cols.iter().filter_map(|c| model.encoder.column(c)).collect(),
            &model.encoder.numeric_columns(),
            params.logistic_alpha,
            params.logistic_max_iterations,
            params.logistic_tolerance,
        )?;
        let seconds = start.elapsed().as_secs_f64();
        let p = baseline.predict(&x_test);
        models.push(model_report("baseline", &p, &y_test, brier_base_rate, seconds));
        let raw: Vec<f64> = test.iter().map(|c| c.initial_incurred.map_or(-1.0, |v| v.dollars())).collect();
        baseline_raw_auc = roc_auc(&raw, &y_test);
    }

    Ok(TriageReport {
        rule: *rule,
        params: params.clone(),
        cutoff,
        train_claims: model.training_claims,
        train_severe: model.training_severe,
        test_claims: y_test.len(),
        test_severe,
        base_rate_train: model.training_severe as f64 / model.training_claims.max(1) as f64,
        base_rate_test,
        brier_base_rate,
        features: model.encoder.columns.clone(),
        models,
        baseline_raw_auc,
        sampled_from: (data.claims_seen > data.claims.len() as u64).then_some(data.claims_seen),
    })
}
