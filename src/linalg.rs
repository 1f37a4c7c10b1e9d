//! The linear-algebra kernels that the simulators spend their time in, in one
//! storage convention: `nalgebra`'s column-major [`DMatrix`] (a `T x d` design
//! is stored column by column, so a column is a contiguous slice). Every
//! factorisation is the one Cholesky of [`cholesky`]; its fast solves are
//! [`Factor`]'s.
//!
//! Benchmarked by `benches/w1.rs` (least-squares chains) and
//! `benches/gaussian.rs` (Gaussian refits).

use crate::error::{Error, Result};
use nalgebra::{Cholesky, DMatrix};

/// Partial sums in [`dot`]: enough independent chains to hide the latency of
/// floating-point addition.
const LANES: usize = 8;

/// `sum_i a_i b_i`, accumulated in eight (`LANES`) independent partial sums that
/// are added up in a fixed order at the end.
///
/// A single running sum would forbid the compiler to reorder the additions,
/// leaving the loop bound by the latency of one addition per element; with
/// independent partial sums it vectorises. The order of operations is fixed by
/// this code (no FMA contraction in Rust), so the bits do not depend on the
/// machine's vector width. (A copy compiled for AVX measured no faster on W1.)
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    debug_assert_eq!(a.len(), b.len());
    let (a8, b8) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let tail: f64 = a8.remainder().iter().zip(b8.remainder()).map(|(x, y)| x * y).sum();
    let mut acc = [0.0; LANES];
    for (x, y) in a8.zip(b8) {
        for k in 0..LANES {
            acc[k] += x[k] * y[k];
        }
    }
    let pairs = [acc[0] + acc[4], acc[1] + acc[5], acc[2] + acc[6], acc[3] + acc[7]];
    (pairs[0] + pairs[2]) + (pairs[1] + pairs[3]) + tail
}

/// Column `j` of a column-major matrix, as a slice.
pub fn column(x: &DMatrix<f64>, j: usize) -> &[f64] {
    let rows = x.nrows();
    &x.as_slice()[j * rows..(j + 1) * rows]
}

/// The Gram matrix `X^T X`, one [`dot`] per entry of its lower triangle.
pub fn gram(x: &DMatrix<f64>) -> DMatrix<f64> {
    let d = x.ncols();
    let mut g = DMatrix::zeros(d, d);
    for j in 0..d {
        for k in 0..=j {
            g[(j, k)] = dot(column(x, j), column(x, k));
            g[(k, j)] = g[(j, k)];
        }
    }
    g
}

/// `X^T e`, written into `out`.
pub fn transpose_times(x: &DMatrix<f64>, e: &[f64], out: &mut [f64]) {
    for (j, o) in out.iter_mut().enumerate() {
        *o = dot(column(x, j), e);
    }
}

/// `out = a x` for a symmetric `a`, as a sum of scaled columns (independent
/// updates, vectorised).
pub fn symmetric_times(a: &DMatrix<f64>, x: &[f64], out: &mut [f64]) {
    out.fill(0.0);
    for (column, &xj) in a.as_slice().chunks_exact(x.len()).zip(x) {
        out.iter_mut().zip(column).for_each(|(o, a)| *o += a * xj);
    }
}

/// `a + kappa I`.
pub fn plus_identity(mut a: DMatrix<f64>, kappa: f64) -> DMatrix<f64> {
    for i in 0..a.nrows() {
        a[(i, i)] += kappa;
    }
    a
}

/// `s += w (p - m)(p - m)^T` for a symmetric `d x d` matrix `s`.
pub fn add_outer(s: &mut DMatrix<f64>, p: &[f64], m: &[f64], w: f64) {
    let d = p.len();
    for i in 0..d {
        let di = w * (p[i] - m[i]);
        for j in 0..d {
            s[(i, j)] += di * (p[j] - m[j]);
        }
    }
}

/// The product of two lower-triangular `d x d` matrices (lower triangular).
pub fn lower_times_lower(a: &DMatrix<f64>, b: &DMatrix<f64>) -> DMatrix<f64> {
    let d = a.nrows();
    let mut c = DMatrix::zeros(d, d);
    for i in 0..d {
        for j in 0..=i {
            c[(i, j)] = (j..=i).map(|k| a[(i, k)] * b[(k, j)]).sum();
        }
    }
    c
}

/// The lower Cholesky factor `L` of a symmetric matrix `a = L L^T`, read from
/// `a`'s lower triangle (`nalgebra`'s factorisation), or `None` when `a` is not
/// positive definite in floating point (a pivot that is not a finite positive
/// number).
pub fn cholesky(a: DMatrix<f64>) -> Option<DMatrix<f64>> {
    let d = a.nrows();
    Cholesky::new(a).map(Cholesky::unpack).filter(|l| (0..d).all(|i| l[(i, i)].is_finite() && l[(i, i)] > 0.0))
}

/// The Cholesky factor `L` of a symmetric positive definite matrix `A = L L^T`
/// (by [`cholesky`]), laid out for fast solves.
///
/// Both substitutions run column by column: forwards `y_j = b_j / L_jj`, then
/// `b[j+1..] -= L[j+1.., j] y_j`; backwards `x_j = y_j / L_jj`, then
/// `y[..j] -= L[j, ..j] x_j` (a column of `L^T`). The updates within a step
/// are independent, so a step costs one multiplication and one update instead
/// of a chain of dependent additions.
#[derive(Debug, Clone, PartialEq)]
pub struct Factor {
    dim: usize,
    /// `L` row by row: the columns of `L^T`, used backwards.
    rows: Vec<f64>,
    /// `L` column by column, used forwards.
    columns: Vec<f64>,
    /// `1 / L_jj`.
    inverse_diagonal: Vec<f64>,
}

impl Factor {
    /// Factors `a`; fails when it is not positive definite in floating point,
    /// or so nearly singular (a pivot `L_jj^2` below `64 d eps max_k A_kk`,
    /// a condition number beyond about `1e13 / d`) that a solve would return
    /// rounding noise instead of a fit.
    pub fn new(a: DMatrix<f64>) -> Result<Self> {
        let dim = a.nrows();
        let scale = (0..dim).map(|k| a[(k, k)]).fold(0.0, f64::max);
        let singular = || {
            Error::Numerical(format!(
                "the {dim} x {dim} Gram matrix of a design is singular or nearly so in floating \
                 point (a design with T close to d is nearly singular; use more samples)"
            ))
        };
        let l = cholesky(a).ok_or_else(singular)?;
        if (0..dim).any(|j| l[(j, j)] * l[(j, j)] < 64.0 * dim as f64 * f64::EPSILON * scale) {
            return Err(singular());
        }
        let inverse_diagonal = (0..dim).map(|j| 1.0 / l[(j, j)]).collect();
        Ok(Factor { dim, rows: l.transpose().as_slice().to_vec(), columns: l.as_slice().to_vec(), inverse_diagonal })
    }

    /// Solves `L y = b` in place, from row `from` on (rows above are zero).
    fn forward(&self, b: &mut [f64], from: usize) {
        let d = self.dim;
        for j in from..d {
            b[j] *= self.inverse_diagonal[j];
            let (done, rest) = b.split_at_mut(j + 1);
            let column = &self.columns[j * d + j + 1..(j + 1) * d];
            rest.iter_mut().zip(column).for_each(|(r, l)| *r -= l * done[j]);
        }
    }

    /// Solves `A x = b` in place: `L y = b`, then `L^T x = y`.
    pub fn solve(&self, b: &mut [f64]) {
        let d = self.dim;
        self.forward(b, 0);
        for j in (0..d).rev() {
            b[j] *= self.inverse_diagonal[j];
            let (rest, done) = b.split_at_mut(j);
            let column = &self.rows[j * d..j * d + j];
            rest.iter_mut().zip(column).for_each(|(r, l)| *r -= l * done[0]);
        }
    }

    /// `||L^{-1} e_k||^2 = (A^{-1})_{kk}` for every `k`, by forward substitution.
    pub fn inverse_diagonal(&self) -> Vec<f64> {
        (0..self.dim)
            .map(|k| {
                let mut y = vec![0.0; self.dim];
                y[k] = 1.0;
                self.forward(&mut y, k);
                y.iter().map(|v| v * v).sum()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mc::replicate_rng;
    use crate::normal::fill_normal;

    fn random(n: usize, seed: u64) -> Vec<f64> {
        let mut v = vec![0.0; n];
        fill_normal(&mut replicate_rng(seed, 0), 1.0, &mut v);
        v
    }

    #[test]
    fn dot_agrees_with_the_naive_sum() {
        for n in [0, 1, 7, 8, 15, 16, 17, 100, 257] {
            let (a, b) = (random(n, 3), random(n, 4));
            let naive: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
            assert!((dot(&a, &b) - naive).abs() <= 1e-12 * (1.0 + naive.abs()), "n = {n}");
        }
    }

    #[test]
    fn factor_solves_like_nalgebra() {
        for (t, d) in [(3, 1), (12, 4), (40, 10)] {
            let x = DMatrix::from_vec(t, d, random(t * d, 5));
            let g = gram(&x);
            assert!((&g - x.tr_mul(&x)).amax() < 1e-12 * g.amax());
            let b = random(d, 6);
            let mut ours = b.clone();
            Factor::new(g.clone()).unwrap().solve(&mut ours);
            let reference = Cholesky::new(g.clone()).unwrap().solve(&nalgebra::DVector::from_vec(b));
            for (o, r) in ours.iter().zip(reference.iter()) {
                assert!((o - r).abs() <= 1e-10 * (1.0 + r.abs()), "T={t} d={d}: {o} vs {r}");
            }
            let inverse = g.clone().try_inverse().unwrap();
            for (k, v) in Factor::new(g.clone()).unwrap().inverse_diagonal().iter().enumerate() {
                assert!((v - inverse[(k, k)]).abs() <= 1e-10 * inverse[(k, k)], "T={t} d={d} k={k}");
            }
        }
    }

    #[test]
    fn cholesky_reproduces_the_matrix_and_rejects_a_singular_one() {
        let a = DMatrix::from_row_slice(3, 3, &[4.0, 2.0, 0.4, 2.0, 5.0, 1.0, 0.4, 1.0, 3.0]);
        let l = cholesky(a.clone()).unwrap();
        assert!((&l * l.transpose() - &a).amax() < 1e-14);
        assert!(cholesky(DMatrix::from_element(2, 2, 1.0)).is_none());
        assert!(matches!(Factor::new(DMatrix::from_element(2, 2, 1.0)), Err(Error::Numerical(_))));
    }
}
