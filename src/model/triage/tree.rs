//! The decision tree: linfa-trees' classifier with a probability per leaf, alone or bagged.
//!
//! Decision tree (linfa-trees, Gini, depth 7, a minimum leaf weight of
//! 0.5% of the training weight). linfa's tree is a classifier: leaves hold
//! a class, and it prunes sibling leaves that predict the same class. To
//! keep leaves apart, severe claims get the balanced class weight
//! n_not_severe / n_severe (a leaf then predicts "severe" when its rate is
//! above the base rate). linfa breaks a tie between a node's two weighted
//! class counts by `HashMap` order, which would make the fit
//! irreproducible, and with integer ratios (3 other claims per severe
//! one) ties are common; so the weight's lowest mantissa bit is set,
//! which leaves a tie only when an f32 sum of severe weights rounds to
//! exactly the node's count of other claims (odds of the order of 10⁻⁵
//! per node near the boundary). The probability of a leaf is
//! its training rate shrunk toward the base rate with `tree_prior_weight`
//! pseudo-claims, computed by routing the training rows exactly as linfa's
//! `predict` does (`x < split` goes left). linfa-ensemble's random forest
//! does not serialize, so `tree_bags` > 1 grows that many trees on
//! bootstrap samples (ChaCha8, `seed`, one stream per tree, fitted in
//! parallel) and averages their leaf probabilities: bagging, each tree
//! serialized by linfa-trees. The default is one tree: bagging 25 trees
//! raised the tree's AUC by 0.01–0.03 for 25 times the fitting time and
//! still fell short of the logistic regression.

use linfa::DatasetBase;
use linfa::traits::Fit;
use linfa_trees::{DecisionTree, SplitQuality, TreeNode};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{TriageError, TriageParams};

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
pub(super) fn untieable_weight(w: f64) -> f32 {
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
