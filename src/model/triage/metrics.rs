//! The metrics of a probability against the outcome: ROC AUC (Mann-Whitney, ties at average
//! rank), points of the ROC curve, Brier score, and calibration in 10 bins of predicted
//! probability by rank (deciles; tied predictions share a bin).

use serde::Serialize;

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

/// One point of a ROC curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RocPoint {
    /// Share of the other claims flagged.
    pub fpr: f64,
    /// Share of the severe claims flagged.
    pub tpr: f64,
}

/// The false-positive rates at which reports read the ROC curve.
pub const ROC_FPRS: [f64; 7] = [0.01, 0.02, 0.05, 0.10, 0.20, 0.30, 0.50];

/// The ROC curve read at each of `fprs`: the largest true-positive rate of
/// a threshold that flags at most that share of the other claims (claims
/// with equal scores are flagged together). Empty without both classes.
pub fn roc_at(scores: &[f64], labels: &[bool], fprs: &[f64]) -> Vec<RocPoint> {
    let n = scores.len().min(labels.len());
    let positives = labels[..n].iter().filter(|&&l| l).count();
    let negatives = n - positives;
    if positives == 0 || negatives == 0 {
        return Vec::new();
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    // The curve's corners, highest threshold first.
    let mut curve = vec![RocPoint { fpr: 0.0, tpr: 0.0 }];
    let (mut tp, mut fp, mut i) = (0usize, 0usize, 0usize);
    while i < n {
        let mut j = i;
        while j < n && scores[order[j]].total_cmp(&scores[order[i]]).is_eq() {
            if labels[order[j]] {
                tp += 1
            } else {
                fp += 1
            }
            j += 1;
        }
        curve.push(RocPoint { fpr: fp as f64 / negatives as f64, tpr: tp as f64 / positives as f64 });
        i = j;
    }
    fprs.iter()
        .map(|&fpr| {
            let tpr = curve.iter().filter(|p| p.fpr <= fpr).map(|p| p.tpr).fold(0.0, f64::max);
            RocPoint { fpr, tpr }
        })
        .collect()
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
