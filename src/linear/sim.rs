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
//! one is given), then for each generation its fresh design (fresh design only)
//! and its `T` noise values.

use super::theory::ConditionalTheory;
use super::{Design, LinearSetup, Regime};
use crate::error::{Error, Result, require_at_least};
use crate::mc::{Chain, SHARED_STREAM, Stream, replicate_rng};
use nalgebra::{Cholesky, DMatrix, DVector, Dyn};
use rand::RngExt;
use rand_distr::StandardNormal;

/// The true weights `w*`: `1/sqrt(d)` in every coordinate. No theorem depends
/// on `w*` (the error `w_n - w*` evolves independently of it); a non-zero truth
/// keeps the simulation literal.
pub fn true_weights(dim: usize) -> DVector<f64> {
    DVector::from_element(dim, 1.0 / (dim as f64).sqrt())
}

/// Fills `out` with independent `N(0, scale^2)` draws.
pub fn fill_normal(rng: &mut Stream, scale: f64, out: &mut [f64]) {
    for x in out {
        *x = scale * rng.sample::<f64, _>(StandardNormal);
    }
}

/// A `T x d` design with rows `x ~ N(0, diag(eigenvalues))`.
pub fn draw_design(rng: &mut Stream, samples: usize, sqrt_eigenvalues: &[f64]) -> DMatrix<f64> {
    let mut x = DMatrix::zeros(samples, sqrt_eigenvalues.len());
    for (mut column, &scale) in x.column_iter_mut().zip(sqrt_eigenvalues) {
        fill_normal(rng, scale, column.as_mut_slice());
    }
    x
}

fn factor(gram: DMatrix<f64>) -> Result<Cholesky<f64, Dyn>> {
    let rows = gram.nrows();
    Cholesky::new(gram).ok_or_else(|| {
        Error::Numerical(format!(
            "the {rows} x {rows} Gram matrix of a design is not positive definite in floating \
             point (a design with T close to d is nearly singular; use more samples)"
        ))
    })
}

/// One design shared by every replicate of a run: the setting of
/// `linear-conditional`, where expectations are over the noise only.
#[derive(Debug, Clone)]
pub struct GivenDesign {
    x: DMatrix<f64>,
    gram: DMatrix<f64>,
    cholesky: Cholesky<f64, Dyn>,
}

impl GivenDesign {
    /// Draws the design from `seed` on the stream reserved for shared draws
    /// ([`SHARED_STREAM`]), so it is independent of every replicate's noise.
    pub fn draw(setup: &LinearSetup, seed: u64) -> Result<Self> {
        let sqrt_eig: Vec<f64> = setup.spectrum().eigenvalues(setup.dim()).iter().map(|l| l.sqrt()).collect();
        Self::from_matrix(draw_design(&mut replicate_rng(seed, SHARED_STREAM), setup.samples(), &sqrt_eig))
    }

    /// Uses a given `T x d` design; fails if its Gram matrix is not positive definite.
    pub fn from_matrix(x: DMatrix<f64>) -> Result<Self> {
        let gram = x.tr_mul(&x);
        let cholesky = factor(gram.clone())?;
        Ok(GivenDesign { x, gram, cholesky })
    }

    /// `tr(Sigma (X^T X)^{-1}) = sum_k lambda_k ||L^{-1} e_k||^2` by triangular
    /// solves on the Cholesky factor `L`.
    pub fn trace_sigma_gram_inverse(&self, eigenvalues: &[f64]) -> f64 {
        let l = self.cholesky.l();
        eigenvalues
            .iter()
            .enumerate()
            .map(|(k, &lambda)| {
                let mut e = DVector::zeros(eigenvalues.len());
                e[k] = 1.0;
                l.solve_lower_triangular_mut(&mut e);
                lambda * e.norm_squared()
            })
            .sum()
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
}

impl LinearChain {
    /// A chain with a random design per replicate; `generations >= 1`.
    pub fn new(setup: &LinearSetup, regime: Regime, design: Design, generations: u64) -> Result<Self> {
        require_at_least("generations", generations, 1)?;
        let eigenvalues = setup.spectrum().eigenvalues(setup.dim());
        let sqrt_eigenvalues = eigenvalues.iter().map(|l| l.sqrt()).collect();
        Ok(LinearChain { setup: setup.clone(), regime, design, generations, eigenvalues, sqrt_eigenvalues, given: None })
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

    fn test_error(&self, w: &DVector<f64>, w_star: &DVector<f64>) -> f64 {
        w.iter().zip(w_star).zip(&self.eigenvalues).map(|((w, s), l)| l * (w - s) * (w - s)).sum()
    }

    fn run_reused(&self, rng: &mut Stream, out: &mut [f64]) -> Result<()> {
        let owned;
        let (x, gram, cholesky) = match &self.given {
            Some(g) => (&g.x, &g.gram, &g.cholesky),
            None => {
                let x = draw_design(rng, self.setup.samples(), &self.sqrt_eigenvalues);
                let gram = x.tr_mul(&x);
                owned = (factor(gram.clone())?, x, gram);
                (&owned.1, &owned.2, &owned.0)
            }
        };
        let w_star = true_weights(self.setup.dim());
        let mut w = w_star.clone();
        let mut noise = DVector::zeros(self.setup.samples());
        let mut rhs = DVector::zeros(self.setup.dim());
        let mut total = DVector::zeros(self.setup.dim());
        for (i, slot) in (1..=self.generations).zip(out.iter_mut()) {
            fill_normal(rng, self.setup.sigma(), noise.as_mut_slice());
            rhs.gemv_tr(1.0, x, &noise, 0.0); // X^T E_i
            rhs.gemv(1.0, gram, &w, 1.0); // + X^T X w_{i-1} = X^T y_i
            match self.regime {
                Regime::Replace => w.copy_from(&rhs),
                Regime::Accumulate => {
                    total += &rhs;
                    w.copy_from(&total);
                    w /= i as f64; // A_i = i X^T X
                }
            }
            cholesky.solve_mut(&mut w);
            *slot = self.test_error(&w, &w_star);
        }
        Ok(())
    }

    fn run_fresh(&self, rng: &mut Stream, out: &mut [f64]) -> Result<()> {
        let d = self.setup.dim();
        let w_star = true_weights(d);
        let mut w = w_star.clone();
        let mut noise = DVector::zeros(self.setup.samples());
        let mut rhs = DVector::zeros(d);
        let mut gram_total = DMatrix::zeros(d, d);
        let mut rhs_total = DVector::zeros(d);
        for slot in out.iter_mut().take(self.generations as usize) {
            let x = draw_design(rng, self.setup.samples(), &self.sqrt_eigenvalues);
            let gram = x.tr_mul(&x);
            fill_normal(rng, self.setup.sigma(), noise.as_mut_slice());
            rhs.gemv_tr(1.0, &x, &noise, 0.0);
            rhs.gemv(1.0, &gram, &w, 1.0);
            let cholesky = match self.regime {
                Regime::Replace => {
                    w.copy_from(&rhs);
                    factor(gram)?
                }
                Regime::Accumulate => {
                    gram_total += &gram;
                    rhs_total += &rhs;
                    w.copy_from(&rhs_total);
                    factor(gram_total.clone())?
                }
            };
            cholesky.solve_mut(&mut w);
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
