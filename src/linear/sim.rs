//! One replicate of the linear feedback loop, simulated literally: draw the
//! design and the noise, relabel with the previous fit, refit by least squares.
//!
//! Every generation's fit solves the normal equations of its whole training
//! set, `A_n w_n = b_n`, by a Cholesky factorisation (never an explicit
//! inverse). `A_n` and `b_n` are running sufficient statistics of the stacked
//! data, so accumulate costs what replace costs per generation and a chain of
//! `n` generations costs `O(n)`:
//!
//! - the new batch `(X_i, y_i)` with `y_i = X_i w_{i-1} + E_i` contributes
//!   `X_i^T X_i` to `A` and `X_i^T y_i = (X_i^T X_i) w_{i-1} + X_i^T E_i` to `b`
//!   (the same vector, with `y_i` never stored);
//! - replace keeps only the newest contribution, accumulate adds them up;
//! - with a reused design `A_n = n X^T X`, so one factorisation of `X^T X` per
//!   chain serves every generation.
//!
//! Order of draws in a replicate's stream: the design (column by column, unless
//! one is given), then for each generation its fresh design (fresh design only) and
//! its `T` noise values.

use super::schedule::Plan;
use super::theory::{ConditionalTheory, check_design};
use super::{Design, LinearSetup, Regime};
use crate::error::{Error, Result, require_at_least};
use crate::mc::{Chain, SHARED_STREAM, Stream, replicate_rng};
use nalgebra::{Cholesky, DMatrix};
pub use crate::normal::fill_normal;

/// The true weights `w*`: `1/sqrt(d)` in every coordinate. No theorem depends
/// on `w*` (the error `w_n - w*` evolves independently of it); a non-zero truth
/// keeps the simulation literal.
pub fn true_weights(dim: usize) -> Vec<f64> {
    vec![1.0 / (dim as f64).sqrt(); dim]
}

/// Partial sums in [`dot`]: enough independent chains to hide the latency of
/// floating-point addition.
const LANES: usize = 8;

/// `sum_i a_i b_i`, accumulated in [`LANES`] independent partial sums that
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

/// A `T x d` design stored column by column, rows `x ~ N(0, diag(eigenvalues))`.
#[derive(Debug, Clone, PartialEq)]
pub struct DesignMatrix {
    samples: usize,
    columns: Vec<f64>,
}

impl DesignMatrix {
    /// Draws the design column by column, coordinate `k` scaled by `sqrt(lambda_k)`.
    pub fn draw(rng: &mut Stream, samples: usize, sqrt_eigenvalues: &[f64]) -> Self {
        let mut columns = vec![0.0; samples * sqrt_eigenvalues.len()];
        for (column, &scale) in columns.chunks_exact_mut(samples).zip(sqrt_eigenvalues) {
            fill_normal(rng, scale, column);
        }
        DesignMatrix { samples, columns }
    }

    /// A given `T x d` matrix.
    pub fn from_matrix(x: &DMatrix<f64>) -> Self {
        DesignMatrix { samples: x.nrows(), columns: x.as_slice().to_vec() }
    }

    /// The design as an `nalgebra` matrix (a copy).
    pub fn to_matrix(&self) -> DMatrix<f64> {
        DMatrix::from_column_slice(self.samples, self.columns.len() / self.samples, &self.columns)
    }

    fn column(&self, j: usize) -> &[f64] {
        &self.columns[j * self.samples..(j + 1) * self.samples]
    }

    fn dim(&self) -> usize {
        self.columns.len() / self.samples
    }

    /// The Gram matrix `X^T X`, one dot product per entry of its lower triangle.
    pub fn gram(&self) -> DMatrix<f64> {
        let d = self.dim();
        let mut g = DMatrix::zeros(d, d);
        for j in 0..d {
            for k in 0..=j {
                g[(j, k)] = dot(self.column(j), self.column(k));
                g[(k, j)] = g[(j, k)];
            }
        }
        g
    }

    /// `X^T e`, written into `out`.
    pub fn transpose_times(&self, e: &[f64], out: &mut [f64]) {
        for (j, o) in out.iter_mut().enumerate() {
            *o = dot(self.column(j), e);
        }
    }
}

/// A `T x d` design with rows `x ~ N(0, diag(eigenvalues))`, as a matrix.
pub fn draw_design(rng: &mut Stream, samples: usize, sqrt_eigenvalues: &[f64]) -> DMatrix<f64> {
    DesignMatrix::draw(rng, samples, sqrt_eigenvalues).to_matrix()
}

/// The Cholesky factor `L` of a symmetric positive definite matrix `A = L L^T`
/// (computed by `nalgebra`), laid out for fast solves.
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
    /// Factors `a`; fails when it is not positive definite in floating point.
    pub fn new(a: DMatrix<f64>) -> Result<Self> {
        let dim = a.nrows();
        let l = Cholesky::new(a)
            .ok_or_else(|| {
                Error::Numerical(format!(
                    "the {dim} x {dim} Gram matrix of a design is not positive definite in floating \
                     point (a design with T close to d is nearly singular; use more samples)"
                ))
            })?
            .unpack();
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

/// `out = a x` for a symmetric `a` stored column by column, as a sum of
/// scaled columns (independent updates, vectorised).
fn symmetric_times(a: &DMatrix<f64>, x: &[f64], out: &mut [f64]) {
    out.fill(0.0);
    for (column, &xj) in a.as_slice().chunks_exact(x.len()).zip(x) {
        out.iter_mut().zip(column).for_each(|(o, a)| *o += a * xj);
    }
}

/// One design shared by every replicate of a run: the setting of
/// `linear-conditional`, where expectations are over the noise only.
#[derive(Debug, Clone)]
pub struct GivenDesign {
    x: DesignMatrix,
    gram: DMatrix<f64>,
    factor: Factor,
}

impl GivenDesign {
    /// Draws the design from `seed` on the stream reserved for shared draws
    /// ([`SHARED_STREAM`]), so it is independent of every replicate's noise.
    pub fn draw(setup: &LinearSetup, seed: u64) -> Result<Self> {
        let sqrt_eig: Vec<f64> = setup.spectrum().eigenvalues(setup.dim()).iter().map(|l| l.sqrt()).collect();
        Self::new(DesignMatrix::draw(&mut replicate_rng(seed, SHARED_STREAM), setup.samples(), &sqrt_eig))
    }

    /// Uses a given `T x d` design with `T >= d >= 1`; fails if its Gram matrix
    /// is not positive definite.
    pub fn from_matrix(x: DMatrix<f64>) -> Result<Self> {
        if x.ncols() == 0 || x.nrows() < x.ncols() {
            let shape = format!("{} x {}", x.nrows(), x.ncols());
            return Err(Error::invalid("design", shape, "a design needs T >= d >= 1 (rows x columns)"));
        }
        Self::new(DesignMatrix::from_matrix(&x))
    }

    fn new(x: DesignMatrix) -> Result<Self> {
        let gram = x.gram();
        let factor = Factor::new(gram.clone())?;
        Ok(GivenDesign { x, gram, factor })
    }

    /// `tr(Sigma (X^T X)^{-1}) = sum_k lambda_k ||L^{-1} e_k||^2` by triangular
    /// solves on the Cholesky factor `L` (no explicit inverse).
    pub fn trace_sigma_gram_inverse(&self, eigenvalues: &[f64]) -> f64 {
        debug_assert_eq!(eigenvalues.len(), self.factor.dim, "one eigenvalue per dimension");
        self.factor.inverse_diagonal().iter().zip(eigenvalues).map(|(v, l)| v * l).sum()
    }
}

/// The chain of one replicate: `generations` fits under a regime and design.
/// Observation `n - 1` is the test error `||w_n - w*||^2_Sigma` of generation `n`.
#[derive(Debug, Clone)]
pub struct LinearChain {
    setup: LinearSetup,
    regime: Regime,
    design: Design,
    generations: u64,
    eigenvalues: Vec<f64>,
    sqrt_eigenvalues: Vec<f64>,
    given: Option<GivenDesign>,
    /// The unrolled schedule, for schedules without running sufficient
    /// statistics (all but replace and accumulate).
    plan: Option<Plan>,
}

/// Buffers for relabelling one batch, allocated once per replicate.
struct Relabel {
    noise: Vec<f64>,
    projection: Vec<f64>,
    rhs: Vec<f64>,
}

impl Relabel {
    fn new(setup: &LinearSetup) -> Self {
        let (d, t) = (setup.dim(), setup.samples());
        Relabel { noise: vec![0.0; t], projection: vec![0.0; d], rhs: vec![0.0; d] }
    }

    /// Draws a batch's noise `E` and returns `X^T y = X^T X source + X^T E`:
    /// the batch's contribution to the normal equations, with `y` never stored.
    fn batch(&mut self, rng: &mut Stream, sigma: f64, x: &DesignMatrix, gram: &DMatrix<f64>, source: &[f64]) -> &[f64] {
        fill_normal(rng, sigma, &mut self.noise);
        x.transpose_times(&self.noise, &mut self.projection);
        symmetric_times(gram, source, &mut self.rhs);
        self.rhs.iter_mut().zip(&self.projection).for_each(|(r, p)| *r += p);
        &self.rhs
    }
}

impl LinearChain {
    /// A chain with a random design per replicate; `generations >= 1`, and a
    /// schedule defined for the design and the number of generations.
    pub fn new(setup: &LinearSetup, regime: Regime, design: Design, generations: u64) -> Result<Self> {
        require_at_least("generations", generations, 1)?;
        check_design(&regime, design)?;
        regime.check_generations(generations)?;
        let eigenvalues = setup.spectrum().eigenvalues(setup.dim());
        let sqrt_eigenvalues = eigenvalues.iter().map(|l| l.sqrt()).collect();
        let plan = (!matches!(regime, Regime::Replace | Regime::Accumulate)).then(|| regime.plan(generations));
        Ok(LinearChain { setup: setup.clone(), regime, design, generations, eigenvalues, sqrt_eigenvalues, given: None, plan })
    }

    /// The same chain conditioned on one design drawn from `design_seed`
    /// (reused design only: a fresh design has no single `X` to condition on).
    pub fn conditioned(mut self, design_seed: u64) -> Result<Self> {
        if self.design == Design::Fresh {
            return Err(Error::invalid(
                "fixed-design",
                design_seed,
                "conditioning on one design needs --design reused",
            ));
        }
        self.given = Some(GivenDesign::draw(&self.setup, design_seed)?);
        Ok(self)
    }

    /// The closed form of `linear-conditional` for the given design, if any.
    pub fn conditional_theory(&self) -> Option<ConditionalTheory> {
        let given = self.given.as_ref()?;
        Some(ConditionalTheory::new(given.trace_sigma_gram_inverse(&self.eigenvalues), self.setup.sigma()))
    }

    fn test_error(&self, w: &[f64], w_star: &[f64]) -> f64 {
        let terms = w.iter().zip(w_star).zip(&self.eigenvalues);
        terms.map(|((w, s), l)| l * (w - s) * (w - s)).sum()
    }

    fn run_reused(&self, rng: &mut Stream, out: &mut [f64]) -> Result<()> {
        let owned;
        let given = match &self.given {
            Some(g) => g,
            None => {
                owned = GivenDesign::new(DesignMatrix::draw(rng, self.setup.samples(), &self.sqrt_eigenvalues))?;
                &owned
            }
        };
        if let Some(plan) = &self.plan {
            return self.run_scheduled(rng, given, plan, out);
        }
        let w_star = true_weights(self.setup.dim());
        let (mut w, mut total) = (w_star.clone(), vec![0.0; w_star.len()]);
        let mut relabel = Relabel::new(&self.setup);
        for (i, slot) in (1..=self.generations).zip(out.iter_mut()) {
            let rhs = relabel.batch(rng, self.setup.sigma(), &given.x, &given.gram, &w);
            if self.regime == Regime::Replace {
                w.copy_from_slice(rhs);
            } else {
                // A_i = i X^T X and b_i = b_{i-1} + X^T y_i, so w_i = (X^T X)^{-1} b_i / i.
                total.iter_mut().zip(rhs).for_each(|(t, r)| *t += r);
                w.iter_mut().zip(&total).for_each(|(w, t)| *w = t / i as f64);
            }
            given.factor.solve(&mut w);
            *slot = self.test_error(&w, &w_star);
        }
        Ok(())
    }

    /// Any schedule on the reused design, literally: every batch's copies are
    /// relabellings of `X` by the batch's source model, and generation `n`
    /// solves the weighted normal equations `X^T X w_n = sum_b a_{n,b} X^T ybar_b`,
    /// with `ybar_b` the mean label vector of batch `b`'s copies. Costs
    /// `O(batches x d)` per generation beyond the draws.
    fn run_scheduled(&self, rng: &mut Stream, given: &GivenDesign, plan: &Plan, out: &mut [f64]) -> Result<()> {
        let (d, sigma) = (self.setup.dim(), self.setup.sigma());
        let w_star = true_weights(d);
        let mut relabel = Relabel::new(&self.setup);
        let mut models: Vec<Vec<f64>> = vec![w_star.clone()];
        let mut batch_rhs: Vec<Vec<f64>> = Vec::with_capacity(plan.batches.len());
        for ((range, weights), slot) in plan.created.iter().zip(&plan.weights).zip(out.iter_mut()) {
            for batch in &plan.batches[range.clone()] {
                let mut mean = vec![0.0; d];
                for _ in 0..batch.copies {
                    let rhs = relabel.batch(rng, sigma, &given.x, &given.gram, &models[batch.source as usize]);
                    mean.iter_mut().zip(rhs).for_each(|(m, r)| *m += r / batch.copies as f64);
                }
                batch_rhs.push(mean);
            }
            let mut w = vec![0.0; d];
            for &(b, a) in weights {
                w.iter_mut().zip(&batch_rhs[b]).for_each(|(w, r)| *w += a * r);
            }
            given.factor.solve(&mut w);
            *slot = self.test_error(&w, &w_star);
            models.push(w);
        }
        Ok(())
    }

    fn run_fresh(&self, rng: &mut Stream, out: &mut [f64]) -> Result<()> {
        let d = self.setup.dim();
        let w_star = true_weights(d);
        let (mut w, mut total) = (w_star.clone(), vec![0.0; d]);
        let mut relabel = Relabel::new(&self.setup);
        let mut gram_total = DMatrix::zeros(d, d);
        for slot in out.iter_mut().take(self.generations as usize) {
            let x = DesignMatrix::draw(rng, self.setup.samples(), &self.sqrt_eigenvalues);
            let gram = x.gram();
            let rhs = relabel.batch(rng, self.setup.sigma(), &x, &gram, &w);
            // check_design admits only replace and accumulate here.
            let factor = if self.regime == Regime::Replace {
                w.copy_from_slice(rhs);
                Factor::new(gram)?
            } else {
                gram_total += &gram;
                total.iter_mut().zip(rhs).for_each(|(t, r)| *t += r);
                w.copy_from_slice(&total);
                Factor::new(gram_total.clone())?
            };
            factor.solve(&mut w);
            *slot = self.test_error(&w, &w_star);
        }
        Ok(())
    }
}

impl Chain for LinearChain {
    fn width(&self) -> usize {
        self.generations as usize
    }

    fn run(&self, rng: &mut Stream, out: &mut [f64]) -> Result<()> {
        match self.design {
            Design::Reused => self.run_reused(rng, out),
            Design::Fresh => self.run_fresh(rng, out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vector(rng: &mut Stream, n: usize) -> Vec<f64> {
        let mut v = vec![0.0; n];
        fill_normal(rng, 1.0, &mut v);
        v
    }

    #[test]
    fn dot_agrees_with_the_naive_sum() {
        let mut rng = replicate_rng(3, 0);
        for n in [0, 1, 7, 8, 15, 16, 17, 100, 257] {
            let (a, b) = (vector(&mut rng, n), vector(&mut rng, n));
            let naive: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
            assert!((dot(&a, &b) - naive).abs() <= 1e-12 * (1.0 + naive.abs()), "n = {n}");
        }
    }

    #[test]
    fn factor_solves_like_nalgebra() {
        let mut rng = replicate_rng(5, 0);
        for (t, d) in [(3, 1), (12, 4), (40, 10)] {
            let x = DesignMatrix::draw(&mut rng, t, &vec![1.0; d]);
            let gram = x.gram();
            let dense = x.to_matrix();
            assert!((&gram - dense.tr_mul(&dense)).amax() < 1e-12 * gram.amax());
            let b = vector(&mut rng, d);
            let mut ours = b.clone();
            Factor::new(gram.clone()).unwrap().solve(&mut ours);
            let reference = Cholesky::new(gram.clone()).unwrap().solve(&nalgebra::DVector::from_vec(b));
            for (o, r) in ours.iter().zip(reference.iter()) {
                assert!((o - r).abs() <= 1e-10 * (1.0 + r.abs()), "T={t} d={d}: {o} vs {r}");
            }
            let inverse = gram.clone().try_inverse().unwrap();
            for (k, v) in Factor::new(gram.clone()).unwrap().inverse_diagonal().iter().enumerate() {
                assert!((v - inverse[(k, k)]).abs() <= 1e-10 * inverse[(k, k)], "T={t} d={d} k={k}");
            }
        }
    }

    #[test]
    fn singular_design_is_an_error_not_a_panic() {
        let x = DMatrix::from_element(5, 2, 1.0); // two equal columns
        assert!(matches!(GivenDesign::from_matrix(x), Err(Error::Numerical(_))));
        let empty = DMatrix::<f64>::zeros(0, 0);
        assert!(matches!(GivenDesign::from_matrix(empty), Err(Error::InvalidParameter { .. })));
        let wide = DMatrix::from_element(2, 3, 1.0);
        assert!(matches!(GivenDesign::from_matrix(wide), Err(Error::InvalidParameter { .. })));
    }
}
