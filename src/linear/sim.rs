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
//! With a ridge penalty `lambda` every solve uses `A_n + N_n lambda I`
//! (`N_n` rows); with a reused design that is `n (X^T X + T lambda I)`.
//! Accumulate-subsample keeps the pool of rows and fits the `T` rows drawn
//! from it by a partial Fisher-Yates shuffle.
//!
//! Order of draws in a replicate's stream: the design (column by column, unless
//! one is given), then for each generation its fresh design (fresh design only),
//! its `T` noise values per relabelling, and (accumulate-subsample) the `T`
//! indices of its subset.

use super::ridge::RidgeTheory;
use super::schedule::Plan;
use super::theory::{ConditionalTheory, Curve, check_design, subsample_location_factors};
use super::{Design, LinearSetup, Regime};
use crate::error::{Error, Result, require_at_least};
use crate::mc::{Chain, SHARED_STREAM, Stream, replicate_rng};
pub use crate::normal::fill_normal;
use nalgebra::{Cholesky, DMatrix};
use rand::RngExt;
use std::fmt;
use std::str::FromStr;

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

    /// Row `r` of the design, written into `out` (`d` values).
    fn row_into(&self, r: usize, out: &mut Vec<f64>) {
        out.extend((0..self.dim()).map(|j| self.columns[j * self.samples + r]));
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
        let l = Cholesky::new(a).ok_or_else(singular)?.unpack();
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

/// `out = a x` for a symmetric `a` stored column by column, as a sum of
/// scaled columns (independent updates, vectorised).
fn symmetric_times(a: &DMatrix<f64>, x: &[f64], out: &mut [f64]) {
    out.fill(0.0);
    for (column, &xj) in a.as_slice().chunks_exact(x.len()).zip(x) {
        out.iter_mut().zip(column).for_each(|(o, a)| *o += a * xj);
    }
}

/// `a + kappa I`.
fn plus_identity(mut a: DMatrix<f64>, kappa: f64) -> DMatrix<f64> {
    for i in 0..a.nrows() {
        a[(i, i)] += kappa;
    }
    a
}

/// Which single design a conditioned run shares between its replicates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixedDesign {
    /// A Gaussian design drawn from this seed.
    Seed(u64),
    /// Every row `x = 1` (`d = 1`, identity spectrum): the location model, in
    /// which a least-squares fit is the mean of its labels.
    Ones,
}

impl fmt::Display for FixedDesign {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FixedDesign::Seed(seed) => write!(f, "{seed}"),
            FixedDesign::Ones => f.write_str("ones"),
        }
    }
}

impl FromStr for FixedDesign {
    type Err = Error;

    /// A seed (a whole number) or `ones`.
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "ones" => Ok(FixedDesign::Ones),
            _ => s
                .parse()
                .map(FixedDesign::Seed)
                .map_err(|_| Error::invalid("fixed-design", s, "must be a seed (a whole number >= 0) or `ones` (the constant design)")),
        }
    }
}

/// One design shared by every replicate of a run: the setting of
/// `linear-conditional`, where expectations are over the noise only.
#[derive(Debug, Clone)]
pub struct GivenDesign {
    pub(crate) x: DesignMatrix,
    gram: DMatrix<f64>,
    /// The factor of `X^T X + kappa I`, the matrix of every fit on this design.
    pub(crate) fit: Factor,
}

impl GivenDesign {
    /// The design of `fixed` for a setup: drawn from the seed on the stream
    /// reserved for shared draws ([`SHARED_STREAM`]), so it is independent of
    /// every replicate's noise, or the constant design (needs `d = 1` and
    /// `Sigma = 1`, the second moment of `x = 1`).
    pub fn new(setup: &LinearSetup, fixed: FixedDesign) -> Result<Self> {
        let x = match fixed {
            FixedDesign::Seed(seed) => {
                let sqrt_eig: Vec<f64> = setup.spectrum().eigenvalues(setup.dim()).iter().map(|l| l.sqrt()).collect();
                DesignMatrix::draw(&mut replicate_rng(seed, SHARED_STREAM), setup.samples(), &sqrt_eig)
            }
            FixedDesign::Ones if setup.spectrum().eigenvalues(setup.dim()) != [1.0] => {
                return Err(Error::invalid(
                    "fixed-design",
                    fixed,
                    format!("the constant design x = 1 needs --dim 1 and the identity spectrum ({})", setup.describe()),
                ));
            }
            FixedDesign::Ones => DesignMatrix { samples: setup.samples(), columns: vec![1.0; setup.samples()] },
        };
        Self::with_kappa(x, setup.kappa())
    }

    /// Uses a given `T x d` matrix with `T >= d >= 1` (least squares); fails if
    /// its Gram matrix is not positive definite.
    pub fn from_matrix(x: DMatrix<f64>) -> Result<Self> {
        if x.ncols() == 0 || x.nrows() < x.ncols() {
            let shape = format!("{} x {}", x.nrows(), x.ncols());
            return Err(Error::invalid("design", shape, "a design needs T >= d >= 1 (rows x columns)"));
        }
        Self::with_kappa(DesignMatrix::from_matrix(&x), 0.0)
    }

    /// A design and the factor of its fits, `X^T X + kappa I`.
    pub(crate) fn with_kappa(x: DesignMatrix, kappa: f64) -> Result<Self> {
        let gram = x.gram();
        let fit = Factor::new(plus_identity(gram.clone(), kappa))?;
        Ok(GivenDesign { x, gram, fit })
    }

    /// The Gram matrix `X^T X`.
    pub fn gram(&self) -> &DMatrix<f64> {
        &self.gram
    }

    /// `tr(Sigma (X^T X)^{-1}) = sum_k lambda_k ||L^{-1} e_k||^2` by triangular
    /// solves on the Cholesky factor `L` of `X^T X` (no explicit inverse).
    pub fn trace_sigma_gram_inverse(&self, eigenvalues: &[f64]) -> Result<f64> {
        debug_assert_eq!(eigenvalues.len(), self.gram.nrows(), "one eigenvalue per dimension");
        let factor = Factor::new(self.gram.clone())?;
        Ok(factor.inverse_diagonal().iter().zip(eigenvalues).map(|(v, l)| v * l).sum())
    }
}

/// The test error `||w - w*||^2_Sigma` for a diagonal `Sigma` with these eigenvalues.
pub fn test_error(eigenvalues: &[f64], w: &[f64], w_star: &[f64]) -> f64 {
    let terms = w.iter().zip(w_star).zip(eigenvalues);
    terms.map(|((w, s), l)| l * (w - s) * (w - s)).sum()
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
    fixed: Option<FixedDesign>,
    /// The unrolled schedule, for schedules with fixed weights but without
    /// running sufficient statistics (all but replace, accumulate and
    /// accumulate-subsample).
    plan: Option<Plan>,
}

/// Buffers for relabelling one batch, allocated once per replicate.
pub(crate) struct Relabel {
    noise: Vec<f64>,
    projection: Vec<f64>,
    rhs: Vec<f64>,
}

impl Relabel {
    pub(crate) fn new(setup: &LinearSetup) -> Self {
        let (d, t) = (setup.dim(), setup.samples());
        Relabel { noise: vec![0.0; t], projection: vec![0.0; d], rhs: vec![0.0; d] }
    }

    /// Draws a batch's noise `E` and returns `X^T y = X^T X source + X^T E`:
    /// the batch's contribution to the normal equations, with `y` never stored.
    pub(crate) fn batch(&mut self, rng: &mut Stream, sigma: f64, x: &DesignMatrix, gram: &DMatrix<f64>, source: &[f64]) -> &[f64] {
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
        let plan = match regime {
            Regime::Replace | Regime::Accumulate => None,
            _ => regime.plan(generations),
        };
        Ok(LinearChain { setup: setup.clone(), regime, design, generations, eigenvalues, sqrt_eigenvalues, given: None, fixed: None, plan })
    }

    /// The same chain conditioned on one design (reused design only: a fresh
    /// design has no single `X` to condition on).
    pub fn conditioned(mut self, fixed: FixedDesign) -> Result<Self> {
        if self.design == Design::Fresh {
            return Err(Error::invalid("fixed-design", fixed, "conditioning on one design needs --design reused"));
        }
        self.given = Some(GivenDesign::new(&self.setup, fixed)?);
        self.fixed = Some(fixed);
        Ok(self)
    }

    /// The closed form of this chain's expected test error, or the reason
    /// there is none:
    ///
    /// - a ridge penalty: `linear-ridge`, for a given design only;
    /// - accumulate-subsample: exact for the constant design, otherwise the
    ///   asymptotic reference (flagged [`Curve::asymptotic`]);
    /// - a given design: `linear-conditional` or the schedule's own id;
    /// - otherwise the expectation over designs ([`crate::linear::theory::LinearTheory`]).
    pub fn theory(&self) -> Result<Curve> {
        let Some(given) = &self.given else {
            return super::theory::LinearTheory::new(&self.setup)?.curve(&self.regime, self.design, self.generations);
        };
        if self.setup.ridge() > 0.0 {
            return RidgeTheory::new(given.gram(), &self.setup).curve(&self.regime, self.generations);
        }
        if self.regime == Regime::AccumulateSubsample
            && self.fixed == Some(FixedDesign::Ones)
            && let Some(sigma) = self.setup.constant_sigma()
        {
            let base = sigma * sigma / self.setup.samples() as f64;
            let values = subsample_location_factors(self.setup.samples(), self.generations);
            let values = values.into_iter().map(|f| base * f).collect();
            return Ok(Curve { theorem: self.regime.theorem_id(), values, asymptotic: false });
        }
        let trace = given.trace_sigma_gram_inverse(&self.eigenvalues)?;
        ConditionalTheory::new(trace, &self.setup).curve(&self.regime, self.generations)
    }

    fn test_error(&self, w: &[f64], w_star: &[f64]) -> f64 {
        test_error(&self.eigenvalues, w, w_star)
    }

    fn run_reused(&self, rng: &mut Stream, out: &mut [f64]) -> Result<()> {
        let owned;
        let given = match &self.given {
            Some(g) => g,
            None => {
                owned = GivenDesign::with_kappa(DesignMatrix::draw(rng, self.setup.samples(), &self.sqrt_eigenvalues), self.setup.kappa())?;
                &owned
            }
        };
        if let Some(plan) = &self.plan {
            return self.run_scheduled(rng, given, plan, out);
        }
        if self.regime == Regime::AccumulateSubsample {
            return self.run_subsample(rng, Some(given), out);
        }
        let w_star = true_weights(self.setup.dim());
        let (mut w, mut total) = (w_star.clone(), vec![0.0; w_star.len()]);
        let mut relabel = Relabel::new(&self.setup);
        for (i, slot) in (1..=self.generations).zip(out.iter_mut()) {
            let rhs = relabel.batch(rng, self.setup.sigma_at(i), &given.x, &given.gram, &w);
            if self.regime == Regime::Replace {
                w.copy_from_slice(rhs);
            } else {
                // A_i = i (X^T X + kappa I) and b_i = b_{i-1} + X^T y_i, so
                // w_i = (X^T X + kappa I)^{-1} b_i / i.
                total.iter_mut().zip(rhs).for_each(|(t, r)| *t += r);
                w.iter_mut().zip(&total).for_each(|(w, t)| *w = t / i as f64);
            }
            given.fit.solve(&mut w);
            *slot = self.test_error(&w, &w_star);
        }
        Ok(())
    }

    /// Any schedule on the reused design, literally: every batch's copies are
    /// relabellings of `X` by the batch's source model, and generation `n`
    /// solves the weighted normal equations `X^T X w_n = sum_b a_{n,b} X^T ybar_b`,
    /// with `ybar_b` the mean label vector of batch `b`'s copies (`X^T X +
    /// kappa I` on the left with a ridge penalty). Costs
    /// `O(batches x d)` per generation beyond the draws.
    fn run_scheduled(&self, rng: &mut Stream, given: &GivenDesign, plan: &Plan, out: &mut [f64]) -> Result<()> {
        let d = self.setup.dim();
        let w_star = true_weights(d);
        let mut relabel = Relabel::new(&self.setup);
        let mut models: Vec<Vec<f64>> = vec![w_star.clone()];
        let mut batch_rhs: Vec<Vec<f64>> = Vec::with_capacity(plan.batches.len());
        let steps = plan.created.iter().zip(&plan.weights).zip(out.iter_mut());
        for (((range, weights), slot), generation) in steps.zip(1..) {
            let sigma = self.setup.sigma_at(generation);
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
            given.fit.solve(&mut w);
            *slot = self.test_error(&w, &w_star);
            models.push(w);
        }
        Ok(())
    }

    fn run_fresh(&self, rng: &mut Stream, out: &mut [f64]) -> Result<()> {
        if self.regime == Regime::AccumulateSubsample {
            return self.run_subsample(rng, None, out);
        }
        let d = self.setup.dim();
        let w_star = true_weights(d);
        let (mut w, mut total) = (w_star.clone(), vec![0.0; d]);
        let mut relabel = Relabel::new(&self.setup);
        let mut gram_total = DMatrix::zeros(d, d);
        let kappa = self.setup.kappa();
        for (i, slot) in (1..=self.generations).zip(out.iter_mut()) {
            let x = DesignMatrix::draw(rng, self.setup.samples(), &self.sqrt_eigenvalues);
            let gram = x.gram();
            let rhs = relabel.batch(rng, self.setup.sigma_at(i), &x, &gram, &w);
            // check_design admits only replace and accumulate here.
            let factor = if self.regime == Regime::Replace {
                w.copy_from_slice(rhs);
                Factor::new(plus_identity(gram, kappa))?
            } else {
                gram_total += &gram;
                total.iter_mut().zip(rhs).for_each(|(t, r)| *t += r);
                w.copy_from_slice(&total);
                Factor::new(plus_identity(gram_total.clone(), i as f64 * kappa))?
            };
            factor.solve(&mut w);
            *slot = self.test_error(&w, &w_star);
        }
        Ok(())
    }
}

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
    fn add(&mut self, x: &DesignMatrix, w: &[f64], noise: &[f64]) {
        for (r, e) in noise.iter().enumerate() {
            let start = self.rows.len();
            x.row_into(r, &mut self.rows);
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
                subset.x.columns[j * t + i] = *x;
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
                 fewer than d = {d}: its least-squares fit is not unique (use --design fresh, more samples, or --ridge)"
            )));
        }
        let mut rhs = vec![0.0; d];
        subset.x.transpose_times(&subset.labels, &mut rhs);
        Ok((subset.x.gram(), rhs))
    }
}

/// The rows of one subsample, column by column, reused across generations.
struct Subset {
    x: DesignMatrix,
    labels: Vec<f64>,
}

impl LinearChain {
    /// Accumulate-subsample, literally: batch `k` (the given design, or a fresh
    /// one) is labelled by model `k - 1` and joins the pool; generation `k`
    /// fits the `T` rows drawn without replacement from the pool's `k T`.
    fn run_subsample(&self, rng: &mut Stream, given: Option<&GivenDesign>, out: &mut [f64]) -> Result<()> {
        let (d, t) = (self.setup.dim(), self.setup.samples());
        let w_star = true_weights(d);
        let mut w = w_star.clone();
        let n = self.generations as usize;
        let reused = (given.is_some() && self.setup.ridge() == 0.0).then(|| (t, vec![0; t]));
        let mut pool = Pool { dim: d, reused, rows: Vec::with_capacity(n * t * d), labels: Vec::new(), order: Vec::new() };
        let mut noise = vec![0.0; t];
        let mut subset = Subset { x: DesignMatrix { samples: t, columns: vec![0.0; t * d] }, labels: vec![0.0; t] };
        for (k, slot) in (1..=self.generations).zip(out.iter_mut()) {
            let drawn;
            let x = match given {
                Some(g) => &g.x,
                None => {
                    drawn = DesignMatrix::draw(rng, t, &self.sqrt_eigenvalues);
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
