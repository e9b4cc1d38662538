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
//! dollars), each with a missing indicator (the value then reads 0). The
//! outcome fields (incurred, litigated, status, days away) are never
//! features. The encoder serializes with its vocabularies, so a saved model
//! encodes new claims exactly as it encoded its training claims.

use std::collections::BTreeMap;

use ndarray::{Array2, ArrayViewMut1};
use serde::{Deserialize, Serialize};

use super::ClaimFeatures;

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
    pub(super) fn numeric_columns(&self) -> Vec<usize> {
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
