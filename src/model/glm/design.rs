//! The internal design an IRLS fit works on: the intercept column followed by
//! each column of `x` centred and scaled (see the module docs), held either
//! dense ([`DenseDesign`]) or as the sparse rows it was given
//! ([`SparseDesign`]). A sparse design is never densified: centring would
//! fill every entry, so it stays implicit, and `XᵀWX` is built from the
//! sparse rows' products plus the centring terms. For the structural fit
//! (7,200 department-months × 150 columns, 6 non-zeros a row) that is
//! `n·6²` work an iteration instead of `n·150²`.

use ndarray::{Array1, Array2, ArrayView2, Zip};

/// Column centring and scaling of the internal design.
pub(super) struct Transform {
    pub center: Vec<f64>,
    pub scale: Vec<f64>,
}

/// What IRLS needs of a design.
pub(super) trait Design {
    /// The centring and scaling, to undo on the coefficients.
    fn transform(&self) -> &Transform;
    /// Columns, the intercept included.
    fn width(&self) -> usize;
    /// The linear predictor `Dγ` (no offset).
    fn dot(&self, gamma: &Array1<f64>) -> Array1<f64>;
    /// `DᵀWD` and `Dᵀ(Wz)` for IRLS weights `big_w` and `wz = W·z`.
    fn normal(&self, big_w: &Array1<f64>, wz: &Array1<f64>) -> (Array2<f64>, Array1<f64>);
}

/// The intercept and the standardised columns, stored dense.
pub(super) struct DenseDesign {
    x: Array2<f64>,
    t: Transform,
}

impl Design for DenseDesign {
    fn transform(&self) -> &Transform {
        &self.t
    }

    fn width(&self) -> usize {
        self.x.ncols()
    }

    fn dot(&self, gamma: &Array1<f64>) -> Array1<f64> {
        self.x.dot(gamma)
    }

    fn normal(&self, big_w: &Array1<f64>, wz: &Array1<f64>) -> (Array2<f64>, Array1<f64>) {
        let mut scaled = self.x.clone();
        Zip::from(scaled.rows_mut()).and(big_w).for_each(|mut s, &w| {
            let sw = w.sqrt();
            s.mapv_inplace(|d| d * sw);
        });
        (scaled.t().dot(&scaled), self.x.t().dot(wz))
    }
}

/// The standardised dense design of `x` and each column's ridge weight
/// (`ridge / sdⱼ²`, 0 for the intercept).
pub(super) fn dense(x: ArrayView2<f64>, ridge: f64) -> (DenseDesign, Array1<f64>) {
    let (n, k) = x.dim();
    let mut design = Array2::<f64>::ones((n, k + 1));
    let mut center = vec![0.0; k];
    let mut scale = vec![1.0; k];
    for j in 0..k {
        let col = x.column(j);
        let mean = col.sum() / n as f64;
        let sd = (col.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n as f64).sqrt();
        center[j] = mean;
        if sd > 0.0 && sd.is_finite() {
            scale[j] = sd;
        }
        let (m, sc) = (center[j], scale[j]);
        design.column_mut(j + 1).zip_mut_with(&col, |d, &v| *d = (v - m) / sc);
    }
    let t = Transform { center, scale };
    let penalty = penalty(&t, ridge);
    (DenseDesign { x: design, t }, penalty)
}

fn penalty(t: &Transform, ridge: f64) -> Array1<f64> {
    std::iter::once(0.0).chain(t.scale.iter().map(|s| ridge / (s * s))).collect()
}

/// Sparse rows of `x` (each row's `(column, value)` entries) with the
/// centring and scaling applied implicitly.
pub(super) struct SparseDesign<'a> {
    rows: &'a [Vec<(usize, f64)>],
    t: Transform,
}

/// The standardised sparse design of `rows` (`k` columns of `x`), with
/// the penalty as for [`dense`]. The standard deviation is
/// `E[x²] − E[x]²`, which is exact enough for columns of indicators, sines
/// and years (the dense path's two-pass form agrees to about 1e-14).
pub(super) fn sparse(rows: &[Vec<(usize, f64)>], k: usize, ridge: f64) -> (SparseDesign<'_>, Array1<f64>) {
    let n = rows.len() as f64;
    let (mut sum, mut sum_sq) = (vec![0.0; k], vec![0.0; k]);
    for &(j, v) in rows.iter().flatten() {
        sum[j] += v;
        sum_sq[j] += v * v;
    }
    let center: Vec<f64> = sum.iter().map(|s| s / n).collect();
    let scale: Vec<f64> = (0..k)
        .map(|j| {
            let sd = (sum_sq[j] / n - center[j] * center[j]).max(0.0).sqrt();
            // Below rounding noise of the mean, the column is constant.
            if sd > 1e-12 * center[j].abs().max(1.0) && sd.is_finite() { sd } else { 1.0 }
        })
        .collect();
    let t = Transform { center, scale };
    let penalty = penalty(&t, ridge);
    (SparseDesign { rows, t }, penalty)
}

impl Design for SparseDesign<'_> {
    fn transform(&self) -> &Transform {
        &self.t
    }

    fn width(&self) -> usize {
        self.t.center.len() + 1
    }

    fn dot(&self, gamma: &Array1<f64>) -> Array1<f64> {
        let (c, s) = (&self.t.center, &self.t.scale);
        // γⱼ(xⱼ − cⱼ)/sⱼ summed: the centring is one constant for every row.
        let slope: Vec<f64> = (0..c.len()).map(|j| gamma[j + 1] / s[j]).collect();
        let shift = gamma[0] - slope.iter().zip(c).map(|(b, c)| b * c).sum::<f64>();
        self.rows.iter().map(|row| shift + row.iter().map(|&(j, v)| slope[j] * v).sum::<f64>()).collect()
    }

    fn normal(&self, big_w: &Array1<f64>, wz: &Array1<f64>) -> (Array2<f64>, Array1<f64>) {
        let k = self.t.center.len();
        // Raw sums: Σw, Σw·xⱼ, Σw·xᵢxⱼ, Σwz, Σwz·xⱼ.
        let (mut sw, mut swz) = (0.0, 0.0);
        let (mut a, mut b) = (vec![0.0; k], vec![0.0; k]);
        let mut g = Array2::<f64>::zeros((k, k));
        for ((row, &w), &z) in self.rows.iter().zip(big_w).zip(wz) {
            sw += w;
            swz += z;
            for &(i, vi) in row {
                a[i] += w * vi;
                b[i] += z * vi;
                for &(j, vj) in row {
                    g[[i, j]] += w * vi * vj;
                }
            }
        }
        let (c, s) = (&self.t.center, &self.t.scale);
        let mut xtwx = Array2::<f64>::zeros((k + 1, k + 1));
        let mut rhs = Array1::<f64>::zeros(k + 1);
        xtwx[[0, 0]] = sw;
        rhs[0] = swz;
        for i in 0..k {
            let cross = (a[i] - c[i] * sw) / s[i];
            xtwx[[0, i + 1]] = cross;
            xtwx[[i + 1, 0]] = cross;
            rhs[i + 1] = (b[i] - c[i] * swz) / s[i];
            for j in 0..k {
                xtwx[[i + 1, j + 1]] = (g[[i, j]] - c[i] * a[j] - c[j] * a[i] + c[i] * c[j] * sw) / (s[i] * s[j]);
            }
        }
        (xtwx, rhs)
    }
}

/// The dense form of a sparse design (for tests comparing the two paths).
#[cfg(test)]
pub(super) fn densify(rows: &[Vec<(usize, f64)>], k: usize) -> Array2<f64> {
    let mut x = Array2::zeros((rows.len(), k));
    for (i, row) in rows.iter().enumerate() {
        for &(j, v) in row {
            x[[i, j]] += v;
        }
    }
    x
}
