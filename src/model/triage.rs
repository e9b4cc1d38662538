//! Severe-claim triage: from what is known when a claim is first reported,
//! the probability that it becomes severe.
//!
//! This module owns the claim-level path from ingested records to a scored
//! claim: the [`TriageCollector`] sink, the [`SevereRule`] that defines the
//! target, the [`FeatureEncoder`], the two models (linfa-logistic's
//! `LogisticRegression` and a linfa-trees `DecisionTree`), the metrics (ROC
//! AUC, Brier score, calibration by decile) and the time-split evaluation
//! [`evaluate`]. The serializable [`TriageModel`] (encoder, logistic
//! coefficients, tree) is what a model file stores; writing that file is the
//! caller's business.
//!
//! # Data
//!
//! [`TriageCollector`] keeps one compact [`TriageClaim`] per accepted claim
//! (memory grows with claims: this is a claim-level model) and, from the
//! injury log, the days away of every case with any. `merge` appends, so
//! claims stay in file order. [`TriageCollector::finish`] joins days away to
//! the claims through `case_id` and attaches each department's peer group
//! from `departments.csv` when the caller has it.
//!
//! # Target
//!
//! A claim is severe ([`SevereRule`]) when its case had more than
//! `lost_days` (30) days away, or it is litigated (switchable), or its
//! incurred (paid + reserve at valuation) exceeds `incurred_threshold`
//! ($50,000 by default). On the actuarial-loss import, the only part that can
//! fire is the incurred one, and incurred there is the ultimate cost.
//!
//! # Features (known at first report)
//!
//! Categorical: WCIO cause, nature and body-part codes, job class and
//! department group, one-hot. A level gets its own column when it occurs at
//! least `min_count` times in the training claims (at most `max_levels`
//! levels per variable, the most frequent, ties by value); everything else,
//! including levels first seen at prediction time, goes to that variable's
//! `other` column, and an absent value to its `missing` column. Levels are
//! sorted by value, so the column layout depends only on the training data.
//! Numeric: ln(1 + report lag in days) and ln(1 + initial incurred in
//! dollars), each with a missing indicator (the value then reads 0). The
//! outcome fields (incurred, litigated, status, days away) are never
//! features. The encoder serializes with its vocabularies, so a saved model
//! encodes new claims exactly as it encoded its training claims.
//!
//! # Models
//!
//! * Logistic regression (linfa-logistic, L-BFGS) with L2 penalty `alpha`
//!   (default 1.0; linfa's loss is a *sum* over claims, so this is
//!   scikit-learn's default `C = 1`: a light penalty that mostly tames the
//!   rare levels). It uses the design matrix less, per categorical block,
//!   the most frequent column (the reference level) and less any column
//!   constant in training: a full one-hot block sums to one like the
//!   intercept, and with five such blocks only the penalty pinned the
//!   solution, which made L-BFGS crawl (7 s instead of 0.5 s on 3,700
//!   claims in a debug build, same AUC). The two numeric columns are
//!   standardized (training mean and standard deviation, stored with the
//!   model). L-BFGS stops at a gradient norm of `logistic_tolerance` (1e-4)
//!   per claim, or after `logistic_max_iterations` (200).
//!
//!   **Label order:** linfa-logistic's "positive" class is the *majority*
//!   class of the training labels (its `label_classes` swaps them), so
//!   `predict_probabilities` returns P(not severe) whenever severe claims
//!   are the minority. [`LogisticModel`] reads `labels().pos.class` and
//!   converts, in one place; a unit test covers both orders.
//! * Decision tree (linfa-trees, Gini, depth 7, a minimum leaf weight of
//!   0.5% of the training weight). linfa's tree is a classifier: leaves hold
//!   a class, and it prunes sibling leaves that predict the same class. To
//!   keep leaves apart, severe claims get the balanced class weight
//!   n_not_severe / n_severe (a leaf then predicts "severe" when its rate is
//!   above the base rate). linfa breaks a tie between a node's two weighted
//!   class counts by `HashMap` order, which would make the fit
//!   irreproducible, and with integer ratios (3 other claims per severe
//!   one) ties are common; so the weight's lowest mantissa bit is set,
//!   which leaves a tie only when an f32 sum of severe weights rounds to
//!   exactly the node's count of other claims (odds of the order of 10⁻⁵
//!   per node near the boundary). The probability of a leaf is
//!   its training rate shrunk toward the base rate with `tree_prior_weight`
//!   pseudo-claims, computed by routing the training rows exactly as linfa's
//!   `predict` does (`x < split` goes left). linfa-ensemble's random forest
//!   does not serialize, so `tree_bags` > 1 grows that many trees on
//!   bootstrap samples (ChaCha8, `seed`, one stream per tree, fitted in
//!   parallel) and averages their leaf probabilities: bagging, each tree
//!   serialized by linfa-trees. The default is one tree: bagging 25 trees
//!   raised the tree's AUC by 0.01–0.03 for 25 times the fitting time and
//!   still fell short of the logistic regression.
//!
//! # Evaluation
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
//! rate, and calibration in 10 bins of predicted probability by rank
//! (deciles; tied predictions share a bin). Everything is deterministic:
//! the same data and parameters give the same report, timings aside.

use std::collections::BTreeMap;
use std::time::Instant;

use jiff::civil::Date;
use linfa::DatasetBase;
use linfa::traits::Fit;
use linfa_logistic::{FittedLogisticRegression, LogisticRegression};
use linfa_trees::{DecisionTree, SplitQuality, TreeNode};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, ArrayViewMut1, Axis};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::ingest::RecordSink;
use crate::schema::{Cents, ClaimRecord, ClaimStatus, Department, InjuryRecord, day_number};

// ---------------------------------------------------------------------------
// Collecting claims.

/// What is kept of one accepted claim: the features known at first report
/// and the outcome fields of the target.
#[derive(Debug, Clone, PartialEq)]
pub struct TriageClaim {
    pub case_id: Option<Box<str>>,
    pub injury_date: Date,
    /// Reported − injury, in days; `None` without a reported date.
    pub report_lag: Option<u32>,
    pub initial_incurred: Option<Cents>,
    /// Paid + reserve at valuation.
    pub incurred: Cents,
    /// Days away of the linked case (filled by [`TriageCollector::finish`];
    /// `None` without a case or without days away).
    pub days_away: Option<u32>,
    /// Index into [`TriageData::departments`].
    pub department: u32,
    /// Index into [`TriageData::job_classes`].
    pub job_class: Option<u32>,
    pub cause_code: Option<u16>,
    pub nature_code: Option<u16>,
    pub body_part_code: Option<u16>,
    /// Missing counts as not litigated.
    pub litigated: bool,
    pub status: ClaimStatus,
}

/// Strings seen often (departments, job classes), stored once per collector.
#[derive(Debug, Default)]
struct Interner {
    names: Vec<Box<str>>,
    index: FxHashMap<Box<str>, u32>,
}

impl Interner {
    fn id(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        let i = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.push(name.into());
        self.index.insert(name.into(), i);
        i
    }
}

/// A [`RecordSink`] that keeps what triage needs of every accepted claim,
/// and the days away of every injury case that has any.
#[derive(Debug, Default)]
pub struct TriageCollector {
    departments: Interner,
    job_classes: Interner,
    claims: Vec<TriageClaim>,
    days_away: FxHashMap<Box<str>, u32>,
}

impl TriageCollector {
    pub fn new() -> Self {
        Self::default()
    }

    /// Claims collected so far.
    pub fn len(&self) -> usize {
        self.claims.len()
    }

    pub fn is_empty(&self) -> bool {
        self.claims.is_empty()
    }

    /// Joins days away to the claims and attaches the department groups
    /// (`departments`: the rows of departments.csv, when there is one).
    pub fn finish(self, departments: Option<&[Department]>) -> TriageData {
        let TriageCollector { departments: names, job_classes, mut claims, days_away } = self;
        for claim in &mut claims {
            claim.days_away = claim.case_id.as_deref().and_then(|id| days_away.get(id).copied());
        }
        let groups: FxHashMap<&str, &str> = departments
            .unwrap_or_default()
            .iter()
            .filter_map(|d| d.group.as_deref().map(|g| (d.department.as_str(), g)))
            .collect();
        let department_groups = names.names.iter().map(|n| groups.get(n.as_ref()).map(|g| (*g).to_string())).collect();
        TriageData {
            claims,
            departments: names.names.into_iter().map(String::from).collect(),
            department_groups,
            job_classes: job_classes.names.into_iter().map(String::from).collect(),
        }
    }
}

impl RecordSink for TriageCollector {
    fn fork(&self) -> Self {
        Self::default()
    }

    fn merge(&mut self, other: Self) {
        let departments: Vec<u32> = other.departments.names.iter().map(|n| self.departments.id(n)).collect();
        let jobs: Vec<u32> = other.job_classes.names.iter().map(|n| self.job_classes.id(n)).collect();
        self.claims.reserve(other.claims.len());
        for mut claim in other.claims {
            claim.department = departments.get(claim.department as usize).copied().unwrap_or(claim.department);
            claim.job_class = claim.job_class.and_then(|j| jobs.get(j as usize).copied());
            self.claims.push(claim);
        }
        self.days_away.extend(other.days_away);
    }

    fn injury(&mut self, record: &InjuryRecord<'_>) {
        if let Some(days) = record.days_away.filter(|&d| d > 0) {
            self.days_away.insert(record.case_id.as_ref().into(), days);
        }
    }

    fn claim(&mut self, r: &ClaimRecord<'_>) {
        let report_lag = r.reported_date.and_then(|d| u32::try_from(day_number(d) - day_number(r.injury_date)).ok());
        let department = self.departments.id(&r.department);
        let job_class = r.job_class.as_deref().map(|j| self.job_classes.id(j));
        self.claims.push(TriageClaim {
            case_id: r.case_id.as_deref().map(Into::into),
            injury_date: r.injury_date,
            report_lag,
            initial_incurred: r.initial_incurred,
            incurred: r.incurred(),
            days_away: None,
            department,
            job_class,
            cause_code: r.cause_code,
            nature_code: r.nature_code,
            body_part_code: r.body_part_code,
            litigated: r.litigated.unwrap_or(false),
            status: r.status,
        });
    }
}

/// The collected claims, ready for encoding.
#[derive(Debug, Clone, PartialEq)]
pub struct TriageData {
    /// In file order.
    pub claims: Vec<TriageClaim>,
    pub departments: Vec<String>,
    /// Peer group per department (same index), from departments.csv.
    pub department_groups: Vec<Option<String>>,
    pub job_classes: Vec<String>,
}

impl TriageData {
    /// What `claim` looked like at first report.
    pub fn features<'a>(&'a self, claim: &TriageClaim) -> ClaimFeatures<'a> {
        let group = self.department_groups.get(claim.department as usize).and_then(|g| g.as_deref());
        ClaimFeatures {
            cause_code: claim.cause_code,
            nature_code: claim.nature_code,
            body_part_code: claim.body_part_code,
            job_class: claim.job_class.and_then(|j| self.job_classes.get(j as usize)).map(String::as_str),
            group,
            report_lag: claim.report_lag,
            initial_incurred: claim.initial_incurred,
        }
    }
}

/// What is known of a claim at first report: the model's input.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ClaimFeatures<'a> {
    pub cause_code: Option<u16>,
    pub nature_code: Option<u16>,
    pub body_part_code: Option<u16>,
    pub job_class: Option<&'a str>,
    /// The department's peer group.
    pub group: Option<&'a str>,
    pub report_lag: Option<u32>,
    pub initial_incurred: Option<Cents>,
}

// ---------------------------------------------------------------------------
// Target.

/// When a claim counts as severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SevereRule {
    /// Severe when the case had more days away than this.
    pub lost_days: u32,
    /// Severe when incurred (paid + reserve) is above this.
    pub incurred_threshold: Cents,
    /// Severe when litigated.
    pub include_litigated: bool,
}

impl Default for SevereRule {
    /// More than 30 days away, litigated, or incurred above $50,000.
    fn default() -> Self {
        SevereRule { lost_days: 30, incurred_threshold: Cents(5_000_000), include_litigated: true }
    }
}

impl SevereRule {
    pub fn severe(&self, claim: &TriageClaim) -> bool {
        claim.days_away.is_some_and(|d| d > self.lost_days)
            || (self.include_litigated && claim.litigated)
            || claim.incurred > self.incurred_threshold
    }
}

// ---------------------------------------------------------------------------
// Features.

/// The vocabularies and column layout of the design matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureEncoder {
    pub min_count: usize,
    pub max_levels: usize,
    /// Levels with a column of their own, sorted.
    pub causes: Vec<u16>,
    pub natures: Vec<u16>,
    pub body_parts: Vec<u16>,
    pub job_classes: Vec<String>,
    pub groups: Vec<String>,
    /// Column names, in matrix order.
    pub columns: Vec<String>,
}

/// Names of the numeric columns (see the module doc).
pub const LAG_COLUMN: &str = "ln1p_report_lag_days";
pub const LAG_MISSING_COLUMN: &str = "report_lag_missing";
pub const INITIAL_COLUMN: &str = "ln1p_initial_incurred";
pub const INITIAL_MISSING_COLUMN: &str = "initial_incurred_missing";

/// The levels of one categorical variable worth a column.
fn vocabulary<T: Ord + Clone>(values: impl Iterator<Item = T>, min_count: usize, max_levels: usize) -> Vec<T> {
    let mut counts: BTreeMap<T, usize> = BTreeMap::new();
    for v in values {
        *counts.entry(v).or_default() += 1;
    }
    let mut frequent: Vec<(T, usize)> = counts.into_iter().filter(|&(_, n)| n >= min_count.max(1)).collect();
    // Most frequent first; the sort is stable, so equal counts stay in value order.
    frequent.sort_by_key(|e| std::cmp::Reverse(e.1));
    frequent.truncate(max_levels);
    let mut levels: Vec<T> = frequent.into_iter().map(|(v, _)| v).collect();
    levels.sort();
    levels
}

/// One categorical variable's block: its levels, then `other`, then `missing`.
fn one_hot<T: Ord>(row: &mut ArrayViewMut1<f64>, start: usize, levels: &[T], value: Option<&T>) {
    let offset = match value {
        None => levels.len() + 1,
        Some(v) => levels.binary_search(v).unwrap_or(levels.len()),
    };
    if let Some(cell) = row.get_mut(start + offset) {
        *cell = 1.0;
    }
}

/// [`one_hot`] for string levels.
fn one_hot_str(row: &mut ArrayViewMut1<f64>, start: usize, levels: &[String], value: Option<&str>) {
    let offset = match value {
        None => levels.len() + 1,
        Some(v) => levels.binary_search_by(|l| l.as_str().cmp(v)).unwrap_or(levels.len()),
    };
    if let Some(cell) = row.get_mut(start + offset) {
        *cell = 1.0;
    }
}

impl FeatureEncoder {
    /// Learns the vocabularies from the training claims.
    pub fn fit<'a>(rows: &[ClaimFeatures<'a>], min_count: usize, max_levels: usize) -> FeatureEncoder {
        let causes = vocabulary(rows.iter().filter_map(|r| r.cause_code), min_count, max_levels);
        let natures = vocabulary(rows.iter().filter_map(|r| r.nature_code), min_count, max_levels);
        let body_parts = vocabulary(rows.iter().filter_map(|r| r.body_part_code), min_count, max_levels);
        let job_classes = vocabulary(rows.iter().filter_map(|r| r.job_class), min_count, max_levels);
        let groups = vocabulary(rows.iter().filter_map(|r| r.group), min_count, max_levels);
        let mut columns = Vec::new();
        let mut block = |name: &str, levels: Vec<String>| {
            columns.extend(levels.into_iter().map(|l| format!("{name}={l}")));
            columns.push(format!("{name}=other"));
            columns.push(format!("{name}=missing"));
        };
        block("cause", causes.iter().map(u16::to_string).collect());
        block("nature", natures.iter().map(u16::to_string).collect());
        block("body_part", body_parts.iter().map(u16::to_string).collect());
        block("job_class", job_classes.iter().map(|s| s.to_string()).collect());
        block("group", groups.iter().map(|s| s.to_string()).collect());
        columns.extend([LAG_COLUMN, LAG_MISSING_COLUMN, INITIAL_COLUMN, INITIAL_MISSING_COLUMN].map(String::from));
        FeatureEncoder {
            min_count,
            max_levels,
            causes,
            natures,
            body_parts,
            job_classes: job_classes.into_iter().map(String::from).collect(),
            groups: groups.into_iter().map(String::from).collect(),
            columns,
        }
    }

    pub fn width(&self) -> usize {
        self.columns.len()
    }

    /// Index of a column by name.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    /// The design matrix of `rows`, one row each.
    pub fn encode(&self, rows: &[ClaimFeatures<'_>]) -> Array2<f64> {
        let mut x = Array2::zeros((rows.len(), self.width()));
        for (features, mut row) in rows.iter().zip(x.rows_mut()) {
            self.encode_row(features, &mut row);
        }
        x
    }

    fn encode_row(&self, f: &ClaimFeatures<'_>, row: &mut ArrayViewMut1<f64>) {
        let mut start = 0;
        one_hot(row, start, &self.causes, f.cause_code.as_ref());
        start += self.causes.len() + 2;
        one_hot(row, start, &self.natures, f.nature_code.as_ref());
        start += self.natures.len() + 2;
        one_hot(row, start, &self.body_parts, f.body_part_code.as_ref());
        start += self.body_parts.len() + 2;
        one_hot_str(row, start, &self.job_classes, f.job_class);
        start += self.job_classes.len() + 2;
        one_hot_str(row, start, &self.groups, f.group);
        start += self.groups.len() + 2;
        let numeric =
            [f.report_lag.map(|d| f64::from(d).ln_1p()), f.initial_incurred.map(|c| c.dollars().max(0.0).ln_1p())];
        for (k, value) in numeric.into_iter().enumerate() {
            if let Some(cell) = row.get_mut(start + 2 * k) {
                *cell = value.unwrap_or(0.0);
            }
            if let Some(cell) = row.get_mut(start + 2 * k + 1) {
                *cell = if value.is_some() { 0.0 } else { 1.0 };
            }
        }
    }

    /// The columns standardized for the logistic regression.
    fn numeric_columns(&self) -> Vec<usize> {
        [LAG_COLUMN, INITIAL_COLUMN].iter().filter_map(|c| self.column(c)).collect()
    }

    /// Column ranges of the five categorical blocks.
    fn categorical_blocks(&self) -> Vec<std::ops::Range<usize>> {
        let lengths =
            [self.causes.len(), self.natures.len(), self.body_parts.len(), self.job_classes.len(), self.groups.len()];
        let mut start = 0;
        lengths
            .iter()
            .map(|&n| {
                let range = start..start + n + 2;
                start = range.end;
                range
            })
            .collect()
    }

    /// The columns the logistic regression uses: all but, in each
    /// categorical block, the column with the most training claims (the
    /// reference level: a full block sums to one, like the intercept) and
    /// any column constant in training. Without this the summed one-hot
    /// blocks are collinear with the intercept, only the penalty pins
    /// them, and L-BFGS crawls.
    fn logistic_columns(&self, x: &Array2<f64>) -> Vec<usize> {
        let mut keep = vec![true; x.ncols()];
        for block in self.categorical_blocks() {
            let sums: Vec<f64> = block.clone().map(|c| x.column(c).sum()).collect();
            let reference = sums.iter().enumerate().fold(0, |best, (i, &v)| if v > sums[best] { i } else { best });
            if let Some(k) = keep.get_mut(block.start + reference) {
                *k = false;
            }
        }
        for (c, k) in keep.iter_mut().enumerate() {
            let col = x.column(c);
            let first = col.first().copied().unwrap_or(0.0);
            if col.iter().all(|&v| v == first) {
                *k = false;
            }
        }
        keep.iter().enumerate().filter(|&(_, &k)| k).map(|(c, _)| c).collect()
    }
}

/// Standardizes some columns with the training mean and standard deviation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Standardizer {
    pub columns: Vec<usize>,
    pub mean: Vec<f64>,
    /// Standard deviation, or 1 for a constant column.
    pub scale: Vec<f64>,
}

impl Standardizer {
    pub fn fit(x: &Array2<f64>, columns: Vec<usize>) -> Standardizer {
        let n = x.nrows().max(1) as f64;
        let mut mean = Vec::with_capacity(columns.len());
        let mut scale = Vec::with_capacity(columns.len());
        for &c in &columns {
            let col = x.column(c);
            let m = col.sum() / n;
            let var = col.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / n;
            mean.push(m);
            scale.push(if var.sqrt() > 1e-12 { var.sqrt() } else { 1.0 });
        }
        Standardizer { columns, mean, scale }
    }

    pub fn apply(&self, x: &mut Array2<f64>) {
        for ((&c, &m), &s) in self.columns.iter().zip(&self.mean).zip(&self.scale) {
            if c < x.ncols() {
                x.column_mut(c).mapv_inplace(|v| (v - m) / s);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Models.

/// Why a model could not be trained or evaluated.
#[derive(Debug, thiserror::Error)]
pub enum TriageError {
    #[error("no claims to train on")]
    NoClaims,
    #[error("the time split at {cutoff} leaves no {side} claims")]
    EmptySplit { cutoff: Date, side: &'static str },
    #[error("the {side} claims are all one class ({severe} severe of {claims}); a classifier needs both")]
    OneClass { side: &'static str, severe: usize, claims: usize },
    #[error("invalid triage parameters: {0}")]
    InvalidParams(String),
    #[error("logistic regression: {0}")]
    Logistic(#[from] linfa_logistic::error::Error),
    #[error("decision tree: {0}")]
    Tree(#[from] linfa::Error),
}

/// linfa-logistic's fit, the columns it uses and their standardization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogisticModel {
    /// Columns of the encoder's matrix the regression uses, in order.
    pub columns: Vec<usize>,
    /// Indices into `columns`.
    pub scaler: Standardizer,
    /// `labels().pos.class` is the majority class of the training labels,
    /// not necessarily `true`: read through [`LogisticModel::predict`].
    pub fitted: FittedLogisticRegression<f64, bool>,
}

impl LogisticModel {
    /// Fits on the `columns` of `x`, standardizing those of them listed in
    /// `standardize` (both as indices into `x`).
    pub fn fit(
        x: &Array2<f64>,
        y: &Array1<bool>,
        columns: Vec<usize>,
        standardize: &[usize],
        alpha: f64,
        max_iterations: u64,
        tolerance: f64,
    ) -> Result<LogisticModel, TriageError> {
        let mut xs = x.select(Axis(1), &columns);
        let scaled = standardize.iter().filter_map(|c| columns.iter().position(|k| k == c)).collect();
        let scaler = Standardizer::fit(&xs, scaled);
        scaler.apply(&mut xs);
        let params = LogisticRegression::default()
            .alpha(alpha)
            .max_iterations(max_iterations)
            .gradient_tolerance((tolerance * x.nrows() as f64).max(f64::MIN_POSITIVE));
        let fitted = params.fit(&DatasetBase::new(xs.view(), y.view()))?;
        Ok(LogisticModel { columns, scaler, fitted })
    }

    /// P(severe) per row. linfa's `predict_probabilities` gives the
    /// probability of `labels().pos.class`, the training majority: it is
    /// turned around when that class is `false`.
    pub fn predict(&self, x: &Array2<f64>) -> Vec<f64> {
        let columns: Vec<usize> = self.columns.iter().copied().filter(|&c| c < x.ncols()).collect();
        let mut xs = x.select(Axis(1), &columns);
        if xs.ncols() != self.fitted.params().len() {
            // A matrix from another encoder: nothing sensible to say.
            return vec![f64::NAN; x.nrows()];
        }
        self.scaler.apply(&mut xs);
        let p = self.fitted.predict_probabilities(&xs);
        let positive_is_severe = self.fitted.labels().pos.class;
        p.iter().map(|&p| if positive_is_severe { p } else { 1.0 - p }).collect()
    }

    /// Intercept and coefficients on the log-odds of severe (standardized
    /// columns), with the label order already accounted for.
    pub fn severe_log_odds(&self) -> (f64, Vec<f64>) {
        let sign = if self.fitted.labels().pos.class { 1.0 } else { -1.0 };
        (sign * self.fitted.intercept(), self.fitted.params().iter().map(|b| sign * b).collect())
    }
}

/// One linfa-trees decision tree with a probability per leaf.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeafTree {
    pub tree: DecisionTree<f64, bool>,
    /// P(severe) of each leaf, leaves numbered in depth-first order, left first.
    pub leaf_probabilities: Vec<f64>,
    /// Training claims per leaf.
    pub leaf_counts: Vec<u64>,
}

/// The tree model: one decision tree on all training claims, or (with
/// `tree_bags` > 1) the average of trees grown on bootstrap samples.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TreeModel {
    pub trees: Vec<LeafTree>,
    /// The weight of a severe training claim (a claim that is not weighs 1).
    pub severe_weight: f32,
}

/// A node of the flattened tree: a split or a leaf number.
#[derive(Debug, Clone, Copy)]
enum Flat {
    Split { feature: usize, value: f64, left: usize, right: usize },
    Leaf(usize),
}

/// Flattens the tree into an arena, leaves numbered depth-first.
fn flatten(root: &TreeNode<f64, bool>) -> Vec<Flat> {
    fn walk(node: &TreeNode<f64, bool>, out: &mut Vec<Flat>, leaves: &mut usize) -> usize {
        let at = out.len();
        let children = node.children();
        match (node.is_leaf(), children.first().and_then(|c| c.as_deref()), children.get(1).and_then(|c| c.as_deref()))
        {
            (false, Some(left), Some(right)) => {
                let (feature, value, _) = node.split();
                out.push(Flat::Split { feature, value, left: 0, right: 0 });
                let l = walk(left, out, leaves);
                let r = walk(right, out, leaves);
                out[at] = Flat::Split { feature, value, left: l, right: r };
            }
            _ => {
                out.push(Flat::Leaf(*leaves));
                *leaves += 1;
            }
        }
        at
    }
    let mut out = Vec::new();
    let mut leaves = 0;
    walk(root, &mut out, &mut leaves);
    out
}

/// The leaf a row falls into, routed as linfa's `predict` routes it.
fn leaf_of(flat: &[Flat], row: ArrayView1<f64>) -> usize {
    let mut at = 0;
    loop {
        match flat.get(at) {
            Some(Flat::Split { feature, value, left, right }) => {
                at = if row.get(*feature).is_some_and(|v| v < value) { *left } else { *right };
            }
            Some(Flat::Leaf(leaf)) => return *leaf,
            None => return 0,
        }
    }
}

/// `w` in f32 with its lowest mantissa bit set: a weighted count of severe
/// claims then (almost) never equals a whole count of other claims, so
/// linfa's order-dependent tie-break never decides (see the module doc).
fn untieable_weight(w: f64) -> f32 {
    f32::from_bits((w as f32).to_bits() | 1)
}

impl LeafTree {
    fn fit(
        x: ArrayView2<f64>,
        y: ArrayView1<bool>,
        weights: Array1<f32>,
        names: &[String],
        min_leaf: f32,
        max_depth: usize,
    ) -> Result<DecisionTree<f64, bool>, TriageError> {
        let dataset = DatasetBase::new(x, y).with_weights(weights).with_feature_names(names.to_vec());
        let tree = DecisionTree::params()
            .split_quality(SplitQuality::Gini)
            .max_depth(Some(max_depth))
            .min_weight_leaf(min_leaf)
            .min_weight_split(2.0 * min_leaf)
            .fit(&dataset)?;
        Ok(tree)
    }

    /// Leaf rates of `tree` over the training claims, shrunk toward `base`
    /// with `m` pseudo-claims.
    fn with_rates(tree: DecisionTree<f64, bool>, x: &Array2<f64>, y: &Array1<bool>, base: f64, m: f64) -> LeafTree {
        let flat = flatten(tree.root_node());
        let n_leaves = flat.iter().filter(|f| matches!(f, Flat::Leaf(_))).count();
        let mut counts = vec![0u64; n_leaves];
        let mut positives = vec![0u64; n_leaves];
        for (row, &s) in x.rows().into_iter().zip(y) {
            let leaf = leaf_of(&flat, row);
            if let (Some(c), Some(p)) = (counts.get_mut(leaf), positives.get_mut(leaf)) {
                *c += 1;
                *p += u64::from(s);
            }
        }
        let leaf_probabilities =
            counts.iter().zip(&positives).map(|(&c, &p)| (p as f64 + m * base) / (c as f64 + m)).collect();
        LeafTree { tree, leaf_probabilities, leaf_counts: counts }
    }

    fn predict_into(&self, x: &Array2<f64>, out: &mut [f64]) {
        let flat = flatten(self.tree.root_node());
        for (row, o) in x.rows().into_iter().zip(out) {
            *o += self.leaf_probabilities.get(leaf_of(&flat, row)).copied().unwrap_or(0.0);
        }
    }
}

impl TreeModel {
    pub fn fit(
        x: &Array2<f64>,
        y: &Array1<bool>,
        names: &[String],
        params: &TriageParams,
    ) -> Result<TreeModel, TriageError> {
        let severe = y.iter().filter(|&&s| s).count();
        let others = y.len() - severe;
        let severe_weight = untieable_weight(others as f64 / severe.max(1) as f64);
        let weight = |s: &bool| if *s { severe_weight } else { 1.0 };
        let total = f64::from(severe_weight) * severe as f64 + others as f64;
        let min_leaf = (params.tree_min_leaf_share * total).max(1.0) as f32;
        let base = severe as f64 / y.len().max(1) as f64;
        let (depth, m) = (params.tree_max_depth, params.tree_prior_weight);
        let trees = if params.tree_bags <= 1 {
            let tree = LeafTree::fit(x.view(), y.view(), y.iter().map(weight).collect(), names, min_leaf, depth)?;
            vec![LeafTree::with_rates(tree, x, y, base, m)]
        } else {
            (0..params.tree_bags)
                .into_par_iter()
                .map(|b| {
                    let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
                    rng.set_stream(b as u64);
                    let rows: Vec<usize> = (0..y.len()).map(|_| rng.gen_range(0..y.len())).collect();
                    let (xb, yb) = (x.select(Axis(0), &rows), y.select(Axis(0), &rows));
                    let wb = yb.iter().map(weight).collect();
                    let tree = LeafTree::fit(xb.view(), yb.view(), wb, names, min_leaf, depth)?;
                    Ok(LeafTree::with_rates(tree, x, y, base, m))
                })
                .collect::<Result<Vec<_>, TriageError>>()?
        };
        Ok(TreeModel { trees, severe_weight })
    }

    /// P(severe) per row: the mean of the trees' leaf probabilities.
    pub fn predict(&self, x: &Array2<f64>) -> Vec<f64> {
        let mut out = vec![0.0; x.nrows()];
        for tree in &self.trees {
            tree.predict_into(x, &mut out);
        }
        let k = self.trees.len().max(1) as f64;
        out.iter_mut().for_each(|p| *p /= k);
        out
    }
}

/// Hyperparameters and the evaluation protocol.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TriageParams {
    /// Share of claims (the latest by injury date) held out for testing.
    pub test_share: f64,
    /// Test on claims injured on or after this date instead.
    pub cutoff: Option<Date>,
    /// Fewer training claims than this put a level into `other`.
    pub min_count: usize,
    /// At most this many levels per categorical variable.
    pub max_levels: usize,
    /// L2 penalty of the logistic regression (on a summed loss).
    pub logistic_alpha: f64,
    pub logistic_max_iterations: u64,
    /// L-BFGS stops when the gradient norm per claim falls below this
    /// (linfa's tolerance is on the summed loss, so it is scaled by n).
    pub logistic_tolerance: f64,
    pub tree_max_depth: usize,
    /// Minimum leaf weight as a share of the training weight.
    pub tree_min_leaf_share: f64,
    /// Pseudo-claims at the base rate added to every leaf.
    pub tree_prior_weight: f64,
    /// 1: one decision tree on all training claims; more: that many trees
    /// on bootstrap samples (bagging), averaged.
    pub tree_bags: usize,
    /// Seed of the bootstrap samples.
    pub seed: u64,
    /// Train on at most this many claims (evenly spaced in file order).
    pub max_train: Option<usize>,
}

impl Default for TriageParams {
    fn default() -> Self {
        TriageParams {
            test_share: 0.3,
            cutoff: None,
            min_count: 30,
            max_levels: 50,
            logistic_alpha: 1.0,
            logistic_max_iterations: 200,
            logistic_tolerance: 1e-4,
            tree_max_depth: 7,
            tree_min_leaf_share: 0.005,
            tree_prior_weight: 10.0,
            tree_bags: 1,
            seed: 1,
            max_train: None,
        }
    }
}

impl TriageParams {
    fn check(&self) -> Result<(), TriageError> {
        let bad = |m: &str| Err(TriageError::InvalidParams(m.to_string()));
        if !(self.test_share > 0.0 && self.test_share < 1.0) {
            return bad("test_share must be between 0 and 1");
        }
        if !(self.logistic_alpha.is_finite() && self.logistic_alpha >= 0.0) {
            return bad("logistic_alpha must be 0 or more");
        }
        if !(self.logistic_tolerance.is_finite() && self.logistic_tolerance > 0.0) {
            return bad("logistic_tolerance must be above 0");
        }
        if self.tree_max_depth == 0 || !(self.tree_min_leaf_share >= 0.0 && self.tree_min_leaf_share < 0.5) {
            return bad("tree_max_depth must be at least 1 and tree_min_leaf_share in [0, 0.5)");
        }
        if !(self.tree_prior_weight.is_finite() && self.tree_prior_weight >= 0.0) {
            return bad("tree_prior_weight must be 0 or more");
        }
        if self.max_train == Some(0) {
            return bad("max_train must be at least 1");
        }
        Ok(())
    }
}

/// The trained triage model: what a model file stores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TriageModel {
    pub rule: SevereRule,
    pub encoder: FeatureEncoder,
    pub logistic: LogisticModel,
    pub tree: TreeModel,
    pub training_claims: usize,
    pub training_severe: usize,
}

/// P(severe) from both models, one per claim.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TriageScores {
    pub logistic: Vec<f64>,
    pub tree: Vec<f64>,
}

impl TriageModel {
    pub fn predict(&self, claims: &[ClaimFeatures<'_>]) -> TriageScores {
        let x = self.encoder.encode(claims);
        TriageScores { logistic: self.logistic.predict(&x), tree: self.tree.predict(&x) }
    }
}

/// Seconds spent fitting each model.
#[derive(Debug, Clone, Copy, Default)]
struct Timings {
    logistic: f64,
    tree: f64,
}

/// Every `len / max`-th index, so the subsample spans the whole period.
fn subsample(rows: Vec<usize>, max: Option<usize>) -> Vec<usize> {
    match max {
        Some(max) if rows.len() > max => (0..max).filter_map(|i| rows.get(i * rows.len() / max).copied()).collect(),
        _ => rows,
    }
}

fn fit_models(
    data: &TriageData,
    rule: &SevereRule,
    params: &TriageParams,
    rows: &[usize],
) -> Result<(TriageModel, Array2<f64>, Array1<bool>, Timings), TriageError> {
    let claims: Vec<&TriageClaim> = rows.iter().filter_map(|&i| data.claims.get(i)).collect();
    if claims.is_empty() {
        return Err(TriageError::NoClaims);
    }
    let features: Vec<ClaimFeatures<'_>> = claims.iter().map(|c| data.features(c)).collect();
    let y: Array1<bool> = claims.iter().map(|c| rule.severe(c)).collect();
    let severe = y.iter().filter(|&&s| s).count();
    if severe == 0 || severe == y.len() {
        return Err(TriageError::OneClass { side: "training", severe, claims: y.len() });
    }
    let encoder = FeatureEncoder::fit(&features, params.min_count, params.max_levels);
    let x = encoder.encode(&features);
    let start = Instant::now();
    let logistic = LogisticModel::fit(
        &x,
        &y,
        encoder.logistic_columns(&x),
        &encoder.numeric_columns(),
        params.logistic_alpha,
        params.logistic_max_iterations,
        params.logistic_tolerance,
    )?;
    let logistic_time = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let tree = TreeModel::fit(&x, &y, &encoder.columns, params)?;
    let timings = Timings { logistic: logistic_time, tree: start.elapsed().as_secs_f64() };
    let model = TriageModel { rule: *rule, encoder, logistic, tree, training_claims: y.len(), training_severe: severe };
    Ok((model, x, y, timings))
}

/// Trains both models on every claim (at most `params.max_train`, evenly
/// spaced): the model to save once [`evaluate`] has been looked at.
pub fn train(data: &TriageData, rule: &SevereRule, params: &TriageParams) -> Result<TriageModel, TriageError> {
    params.check()?;
    let rows = subsample((0..data.claims.len()).collect(), params.max_train);
    fit_models(data, rule, params, &rows).map(|(model, ..)| model)
}

// ---------------------------------------------------------------------------
// Metrics.

/// ROC AUC: the probability that a random severe claim scores above a
/// random other one, ties counting one half (Mann-Whitney U with average
/// ranks). `None` without both classes.
pub fn roc_auc(scores: &[f64], labels: &[bool]) -> Option<f64> {
    let n = scores.len().min(labels.len());
    let positives = labels[..n].iter().filter(|&&l| l).count();
    let negatives = n - positives;
    if positives == 0 || negatives == 0 {
        return None;
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < n {
        let mut j = i + 1;
        while j < n && scores[order[j]].total_cmp(&scores[order[i]]).is_eq() {
            j += 1;
        }
        // Ranks i+1 ..= j share their average.
        let average = (i + 1 + j) as f64 / 2.0;
        rank_sum += average * order[i..j].iter().filter(|&&k| labels[k]).count() as f64;
        i = j;
    }
    let p = positives as f64;
    Some((rank_sum - p * (p + 1.0) / 2.0) / (p * negatives as f64))
}

/// Mean squared difference between the predicted probability and the
/// outcome (0 or 1). `None` when empty.
pub fn brier_score(probabilities: &[f64], labels: &[bool]) -> Option<f64> {
    let n = probabilities.len().min(labels.len());
    if n == 0 {
        return None;
    }
    let sum: f64 = probabilities.iter().zip(labels).map(|(&p, &l)| (p - f64::from(u8::from(l))).powi(2)).sum();
    Some(sum / n as f64)
}

/// One bin of a calibration table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalibrationBin {
    /// 1 … 10, lowest predictions first.
    pub bin: usize,
    pub count: usize,
    pub severe: usize,
    pub mean_predicted: Option<f64>,
    pub observed_rate: Option<f64>,
    pub min_predicted: Option<f64>,
    pub max_predicted: Option<f64>,
}

/// Calibration by decile: claims sorted by predicted probability and cut
/// into 10 bins of (about) equal count; tied predictions stay in the bin of
/// the first of them, so a bin can be empty when many claims share one
/// prediction. Always 10 bins; their counts sum to the number of claims.
pub fn calibration_by_decile(probabilities: &[f64], labels: &[bool]) -> Vec<CalibrationBin> {
    const BINS: usize = 10;
    let n = probabilities.len().min(labels.len());
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| probabilities[a].total_cmp(&probabilities[b]).then(a.cmp(&b)));
    let mut sums = [(0usize, 0usize, 0.0f64, f64::INFINITY, f64::NEG_INFINITY); BINS];
    let mut group_start = 0;
    for (pos, &k) in order.iter().enumerate() {
        if pos > 0 && !probabilities[k].total_cmp(&probabilities[order[pos - 1]]).is_eq() {
            group_start = pos;
        }
        let b = (group_start * BINS / n.max(1)).min(BINS - 1);
        let s = &mut sums[b];
        s.0 += 1;
        s.1 += usize::from(labels[k]);
        s.2 += probabilities[k];
        s.3 = s.3.min(probabilities[k]);
        s.4 = s.4.max(probabilities[k]);
    }
    sums.iter()
        .enumerate()
        .map(|(b, &(count, severe, sum, min, max))| {
            let some = |v: f64| (count > 0).then_some(v);
            CalibrationBin {
                bin: b + 1,
                count,
                severe,
                mean_predicted: some(sum / count.max(1) as f64),
                observed_rate: some(severe as f64 / count.max(1) as f64),
                min_predicted: some(min),
                max_predicted: some(max),
            }
        })
        .collect()
}

/// Count-weighted mean |mean predicted − observed rate| over the bins.
pub fn calibration_error(bins: &[CalibrationBin]) -> f64 {
    let total: usize = bins.iter().map(|b| b.count).sum();
    let sum: f64 =
        bins.iter().filter_map(|b| Some(b.count as f64 * (b.mean_predicted? - b.observed_rate?).abs())).sum::<f64>();
    sum / total.max(1) as f64
}

// ---------------------------------------------------------------------------
// Evaluation.

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
        train_seconds: seconds,
    }
}

/// Trains on the claims injured before the cutoff and scores the claims
/// injured on or after it (see the module doc).
pub fn evaluate(data: &TriageData, rule: &SevereRule, params: &TriageParams) -> Result<TriageReport, TriageError> {
    params.check()?;
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
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;

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
        assert_eq!(data.features(&data.claims[1]).group, None);
        assert!(SevereRule::default().severe(&data.claims[2]));
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
        let data =
            TriageData { claims, departments: vec!["D".into()], department_groups: vec![None], job_classes: vec![] };
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
}
