//! The feature design: the [`FeatureEncoder`] that turns what was known of a claim at first
//! report into a design matrix.
//!
//! Categorical: WCIO cause, nature and body-part codes, job class and
//! department group, one-hot. A level gets its own column when it occurs at
//! least `min_count` times in the training claims (at most `max_levels`
//! levels per variable, the most frequent, ties by value); everything else,
//! including levels first seen at prediction time, goes to that variable's
//! `other` column, and an absent value to its `missing` column. Levels are
//! sorted by value, so the column layout depends only on the training data.
//! Numeric: ln(1 + report lag in days) and ln(1 + initial incurred in
//! dollars), each with a missing indicator (the value then reads 0). Then,
//! for each first-report column that at least `min_count` training claims
//! have (see [`FIRST_REPORT_GROUPS`]), its numbers and a missing indicator:
//! ln(1 + weekly wage), age and ((age − 40) / 10)² (risk rises, then
//! flattens, with age), hours per week, the part-time flag, ln(1 +
//! dependents), and the accident hour as a point on the clock (sine and
//! cosine of 2π·hour/24, so 23:00 sits next to 00:00). A column no training
//! claim has adds nothing, so data without these columns (the samples, older
//! files) encode exactly as before, and a model file saved before them reads
//! and scores as it did: the numeric columns are computed by name. The
//! outcome fields (incurred, litigated, status, days away) are never
//! features. The encoder serializes with its vocabularies, so a saved model
//! encodes new claims exactly as it encoded its training claims.

use std::collections::BTreeMap;

use ndarray::{Array2, ArrayViewMut1};
use serde::{Deserialize, Serialize};

use super::{ClaimFeatures, FirstReport};

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

/// How a numeric column is computed from a claim: its value (0 when the
/// input is missing; a missing indicator reads 1 then), and whether the
/// logistic regression standardizes it (values yes, indicators and flags no).
type NumericValue = for<'a> fn(&ClaimFeatures<'a>) -> f64;

fn indicator(missing: bool) -> f64 {
    if missing { 1.0 } else { 0.0 }
}

/// Every numeric column the encoder knows, by name.
const NUMERIC: &[(&str, NumericValue, bool)] = &[
    (LAG_COLUMN, |f| f.report_lag.map_or(0.0, |d| f64::from(d).ln_1p()), true),
    (LAG_MISSING_COLUMN, |f| indicator(f.report_lag.is_none()), false),
    (INITIAL_COLUMN, |f| f.initial_incurred.map_or(0.0, |c| c.dollars().max(0.0).ln_1p()), true),
    (INITIAL_MISSING_COLUMN, |f| indicator(f.initial_incurred.is_none()), false),
    ("ln1p_weekly_wage", |f| f.first_report.weekly_wage.map_or(0.0, |c| c.dollars().max(0.0).ln_1p()), true),
    ("weekly_wage_missing", |f| indicator(f.first_report.weekly_wage.is_none()), false),
    ("age_at_injury", |f| f.first_report.age_at_injury.map_or(0.0, f64::from), true),
    (
        "age_at_injury_sq",
        |f| f.first_report.age_at_injury.map_or(0.0, |a| ((f64::from(a) - 40.0) / 10.0).powi(2)),
        true,
    ),
    ("age_at_injury_missing", |f| indicator(f.first_report.age_at_injury.is_none()), false),
    ("hours_per_week", |f| f.first_report.hours_per_week.unwrap_or(0.0), true),
    ("hours_per_week_missing", |f| indicator(f.first_report.hours_per_week.is_none()), false),
    ("part_time", |f| indicator(f.first_report.part_time == Some(true)), false),
    ("part_time_missing", |f| indicator(f.first_report.part_time.is_none()), false),
    ("ln1p_dependents", |f| f.first_report.dependents.map_or(0.0, |d| f64::from(d).ln_1p()), true),
    ("dependents_missing", |f| indicator(f.first_report.dependents.is_none()), false),
    ("accident_hour_sin", |f| f.first_report.accident_hour.map_or(0.0, |h| clock(h).0), true),
    ("accident_hour_cos", |f| f.first_report.accident_hour.map_or(0.0, |h| clock(h).1), true),
    ("accident_hour_missing", |f| indicator(f.first_report.accident_hour.is_none()), false),
];

/// The hour as a point on the 24-hour clock: (sin, cos) of 2π·hour/24.
fn clock(hour: u8) -> (f64, f64) {
    (std::f64::consts::TAU * f64::from(hour) / 24.0).sin_cos()
}

/// Whether a claim has one first-report input.
pub type HasInput = fn(&FirstReport) -> bool;

/// The first-report columns, one group per input: the group's columns go
/// into the design when at least `min_count` training claims have the input.
pub const FIRST_REPORT_GROUPS: &[(HasInput, &[&str])] = &[
    (|r| r.weekly_wage.is_some(), &["ln1p_weekly_wage", "weekly_wage_missing"]),
    (|r| r.age_at_injury.is_some(), &["age_at_injury", "age_at_injury_sq", "age_at_injury_missing"]),
    (|r| r.hours_per_week.is_some(), &["hours_per_week", "hours_per_week_missing"]),
    (|r| r.part_time.is_some(), &["part_time", "part_time_missing"]),
    (|r| r.dependents.is_some(), &["ln1p_dependents", "dependents_missing"]),
    (|r| r.accident_hour.is_some(), &["accident_hour_sin", "accident_hour_cos", "accident_hour_missing"]),
];

fn numeric(name: &str) -> Option<&'static (&'static str, NumericValue, bool)> {
    NUMERIC.iter().find(|(n, ..)| *n == name)
}

/// The levels of one categorical variable worth a column.
pub(super) fn vocabulary<T: Ord + Clone>(
    values: impl Iterator<Item = T>,
    min_count: usize,
    max_levels: usize,
) -> Vec<T> {
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
        for (has, group) in FIRST_REPORT_GROUPS {
            if rows.iter().filter(|r| has(&r.first_report)).count() >= min_count.max(1) {
                columns.extend(group.iter().map(|c| c.to_string()));
            }
        }
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
        let start = self.categorical_blocks().last().map_or(0, |b| b.end);
        let numeric: Vec<(usize, NumericValue)> = (start..self.width())
            .filter_map(|c| self.columns.get(c).and_then(|name| numeric(name)).map(|&(_, value, _)| (c, value)))
            .collect();
        let mut x = Array2::zeros((rows.len(), self.width()));
        for (features, mut row) in rows.iter().zip(x.rows_mut()) {
            self.encode_row(features, &mut row);
            for &(c, value) in &numeric {
                if let Some(cell) = row.get_mut(c) {
                    *cell = value(features);
                }
            }
        }
        x
    }

    /// The one-hot blocks of one row.
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
    }

    /// The columns standardized for the logistic regression: the numeric
    /// values, not the indicators.
    pub(super) fn numeric_columns(&self) -> Vec<usize> {
        let start = self.categorical_blocks().last().map_or(0, |b| b.end);
        (start..self.width())
            .filter(|&c| self.columns.get(c).and_then(|name| numeric(name)).is_some_and(|&(.., scaled)| scaled))
            .collect()
    }

    /// The first-report columns in the design, in order.
    pub fn first_report_columns(&self) -> Vec<&str> {
        let known: Vec<&str> = FIRST_REPORT_GROUPS.iter().flat_map(|(_, g)| g.iter().copied()).collect();
        self.columns.iter().map(String::as_str).filter(|c| known.contains(c)).collect()
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
    pub(super) fn logistic_columns(&self, x: &Array2<f64>) -> Vec<usize> {
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
