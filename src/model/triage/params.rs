//! The triage hyperparameters and evaluation protocol, their defaults and their checks.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::TriageError;

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
    pub(super) fn check(&self) -> Result<(), TriageError> {
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
