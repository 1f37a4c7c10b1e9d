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

use super::design::{GivenDesign, draw, test_error, true_weights};
use super::{Design, LinearSetup};
use crate::error::Result;
use crate::linalg::{Factor, gram, plus_identity, symmetric_times, transpose_times};
use crate::mc::{Chain, Stream};
use crate::normal::fill_normal;
use crate::schedule::{Plan, Regime};
use nalgebra::DMatrix;

mod subsample;

/// The chain of one replicate: `generations` fits under a regime and design.
/// Observation `n - 1` is the test error `||w_n - w*||^2_Sigma` of generation `n`.
/// Built from a validated [`super::LinearModel`].
#[derive(Debug, Clone)]
pub struct LinearChain {
    setup: LinearSetup,
    regime: Regime,
    design: Design,
    generations: u64,
    eigenvalues: Vec<f64>,
    sqrt_eigenvalues: Vec<f64>,
    given: Option<GivenDesign>,
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
    pub(crate) fn batch(&mut self, rng: &mut Stream, sigma: f64, x: &DMatrix<f64>, gram: &DMatrix<f64>, source: &[f64]) -> &[f64] {
        fill_normal(rng, sigma, &mut self.noise);
        transpose_times(x, &self.noise, &mut self.projection);
        symmetric_times(gram, source, &mut self.rhs);
        self.rhs.iter_mut().zip(&self.projection).for_each(|(r, p)| *r += p);
        &self.rhs
    }
}

impl LinearChain {
    /// The simulator of a validated setting: `generations >= 1`, a schedule
    /// defined for the design and the number of generations, and, when given,
    /// the one design every replicate shares (reused design only).
    pub(crate) fn new(setup: &LinearSetup, regime: &Regime, design: Design, generations: u64, given: Option<GivenDesign>) -> Self {
        let eigenvalues = setup.spectrum().eigenvalues(setup.dim());
        let sqrt_eigenvalues = eigenvalues.iter().map(|l| l.sqrt()).collect();
        let plan = match regime {
            Regime::Replace | Regime::Accumulate => None,
            _ => regime.plan(generations),
        };
        LinearChain { setup: setup.clone(), regime: regime.clone(), design, generations, eigenvalues, sqrt_eigenvalues, given, plan }
    }

    fn test_error(&self, w: &[f64], w_star: &[f64]) -> f64 {
        test_error(&self.eigenvalues, w, w_star)
    }

    fn run_reused(&self, rng: &mut Stream, out: &mut [f64]) -> Result<()> {
        let owned;
        let given = match &self.given {
            Some(g) => g,
            None => {
                owned = GivenDesign::with_kappa(draw(rng, self.setup.samples(), &self.sqrt_eigenvalues), self.setup.kappa())?;
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
            let rhs = relabel.batch(rng, self.setup.sigma_at(i), &given.x, given.gram(), &w);
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
                    let rhs = relabel.batch(rng, sigma, &given.x, given.gram(), &models[batch.source as usize]);
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
            let x = draw(rng, self.setup.samples(), &self.sqrt_eigenvalues);
            let batch_gram = gram(&x);
            let rhs = relabel.batch(rng, self.setup.sigma_at(i), &x, &batch_gram, &w);
            // A validated model runs only replace and accumulate here.
            let factor = if self.regime == Regime::Replace {
                w.copy_from_slice(rhs);
                Factor::new(plus_identity(batch_gram, kappa))?
            } else {
                gram_total += &batch_gram;
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
