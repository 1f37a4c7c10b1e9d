//! Accumulate-subsample, simulated literally: the pool of every row created so
//! far, and each generation's `T` rows drawn from it without replacement.

use super::LinearChain;
use crate::error::{Error, Result, param, param_value};
use crate::linalg::{Factor, dot, gram, plus_identity, transpose_times};
use crate::linear::design::{GivenDesign, draw, true_weights};
use crate::mc::Stream;
use crate::normal::fill_normal;
use nalgebra::DMatrix;
use rand::RngExt;

/// The pool of accumulate-subsample: every row created so far, and a
/// permutation of their indices whose first `T` entries are the newest subset.
struct Pool {
    dim: usize,
    /// With a reused design of `T` rows and least squares: `T`, and the
    /// generation that last saw each design row (pool row `r` repeats design
    /// row `r mod T`), to reject a subset with fewer than `d` distinct rows.
    reused: Option<(usize, Vec<u64>)>,
    /// Row `r` is `rows[r d..(r + 1) d]`.
    rows: Vec<f64>,
    labels: Vec<f64>,
    order: Vec<usize>,
}

impl Pool {
    /// Adds a batch: the design `x` labelled by `w` plus `noise`.
    fn add(&mut self, x: &DMatrix<f64>, w: &[f64], noise: &[f64]) {
        for (r, e) in noise.iter().enumerate() {
            let start = self.rows.len();
            self.rows.extend((0..x.ncols()).map(|j| x[(r, j)]));
            self.labels.push(dot(&self.rows[start..], w) + e);
            self.order.push(self.labels.len() - 1);
        }
    }

    /// Draws `t` rows uniformly without replacement (a partial Fisher-Yates
    /// shuffle of `order`), gathers them into `subset` and returns their normal
    /// equations `(X_S^T X_S, X_S^T y_S)`.
    fn subsample(&mut self, rng: &mut Stream, subset: &mut Subset, generation: u64) -> Result<(DMatrix<f64>, Vec<f64>)> {
        let (d, size, t) = (self.dim, self.order.len(), subset.labels.len());
        let mut distinct = 0;
        for i in 0..t {
            self.order.swap(i, rng.random_range(i..size));
            let r = self.order[i];
            for (j, x) in self.rows[r * d..(r + 1) * d].iter().enumerate() {
                subset.x[(i, j)] = *x;
            }
            subset.labels[i] = self.labels[r];
            if let Some((rows, seen)) = &mut self.reused
                && seen[r % *rows] != generation
            {
                seen[r % *rows] = generation;
                distinct += 1;
            }
        }
        if self.reused.is_some() && distinct < d {
            return Err(Error::Numerical(format!(
                "the subset of generation {generation} holds only {distinct} distinct rows of the reused design, \
                 fewer than d = {d}: its least-squares fit is not unique (use {}, more samples, or {})",
                param_value("design", "fresh"),
                param("ridge")
            )));
        }
        let mut rhs = vec![0.0; d];
        transpose_times(&subset.x, &subset.labels, &mut rhs);
        Ok((gram(&subset.x), rhs))
    }
}

/// The rows of one subsample, reused across generations.
struct Subset {
    x: DMatrix<f64>,
    labels: Vec<f64>,
}

impl LinearChain {
    /// Accumulate-subsample, literally: batch `k` (the given design, or a fresh
    /// one) is labelled by model `k - 1` and joins the pool; generation `k`
    /// fits the `T` rows drawn without replacement from the pool's `k T`.
    pub(super) fn run_subsample(&self, rng: &mut Stream, given: Option<&GivenDesign>, out: &mut [f64]) -> Result<()> {
        let (d, t) = (self.setup.dim(), self.setup.samples());
        let w_star = true_weights(d);
        let mut w = w_star.clone();
        let n = self.generations as usize;
        let reused = (given.is_some() && self.setup.ridge() == 0.0).then(|| (t, vec![0; t]));
        let mut pool = Pool { dim: d, reused, rows: Vec::with_capacity(n * t * d), labels: Vec::new(), order: Vec::new() };
        let mut noise = vec![0.0; t];
        let mut subset = Subset { x: DMatrix::zeros(t, d), labels: vec![0.0; t] };
        for (k, slot) in (1..=self.generations).zip(out.iter_mut()) {
            let drawn;
            let x = match given {
                Some(g) => &g.x,
                None => {
                    drawn = draw(rng, t, &self.sqrt_eigenvalues);
                    &drawn
                }
            };
            fill_normal(rng, self.setup.sigma_at(k), &mut noise);
            pool.add(x, &w, &noise);
            let (gram, mut rhs) = pool.subsample(rng, &mut subset, k)?;
            Factor::new(plus_identity(gram, self.setup.kappa()))?.solve(&mut rhs);
            w = rhs;
            *slot = self.test_error(&w, &w_star);
        }
        Ok(())
    }
}
