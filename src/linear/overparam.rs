//! The over-parameterised, noise-free chain of Dohmatob, Feng and Kempe
//! (2024): `T0 < d` samples per generation, fresh isotropic designs
//! `x ~ N(0, I_d)`, labels from the previous model without noise, and the
//! minimum-norm least-squares fit, which is the orthogonal projection of the
//! previous model onto the row space of the new design:
//!
//! ```text
//! w_n = X_n^T (X_n X_n^T)^{-1} X_n w_{n-1} = P_n w_{n-1}
//! ```
//!
//! The observed quantity is the relative distance to the truth
//! `||w_n - w_0||^2 / ||w_0||^2`, which lies in `[0, 4]` because projections
//! never lengthen a vector (`||w_n|| <= ||w_0||`): every moment is finite.

use super::design::{draw, true_weights};
use super::theory::ids;
use crate::budget::{MAX_GENERATIONS, require_range};
use crate::error::{Error, Result};
use crate::linalg::Factor;
use crate::mc::{Chain, Stream};
use crate::model::Curve;
use nalgebra::DVector;

/// A validated over-parameterised chain: `1 <= T0 < d`.
#[derive(Debug, Clone, PartialEq)]
pub struct OverparamSetup {
    dim: usize,
    samples: usize,
    generations: u64,
}

impl OverparamSetup {
    /// `d >= 2`, `1 <= T0 < d`, `generations >= 1`.
    pub fn new(dim: usize, samples: usize, generations: u64) -> Result<Self> {
        if !(2..=super::MAX_DIM).contains(&dim) {
            return Err(Error::invalid("dim", dim, format!("the over-parameterised chain needs 2 <= d <= {}", super::MAX_DIM)));
        }
        if samples == 0 || samples >= dim {
            return Err(Error::invalid(
                "samples",
                samples,
                format!("the over-parameterised chain needs 1 <= T0 < d = {dim} samples per generation"),
            ));
        }
        require_range("generations", generations, MAX_GENERATIONS)?;
        Ok(OverparamSetup { dim, samples, generations })
    }

    /// The ratio `T0 / d`.
    pub fn ratio(&self) -> f64 {
        self.samples as f64 / self.dim as f64
    }

    /// The dimension `d`.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Samples per generation `T0`.
    pub fn samples(&self) -> usize {
        self.samples
    }

    /// Generations `n`.
    pub fn generations(&self) -> u64 {
        self.generations
    }

    /// Generations `1..=generations` of [`overparameterised_error`].
    pub fn curve(&self) -> Curve {
        Curve::exact(ids::OVERPARAMETERISED, (1..=self.generations).map(|n| overparameterised_error(self.ratio(), n)).collect())
    }
}

/// **linear-overparameterised.** With `r = T0 / d < 1`, fresh isotropic
/// designs and no label noise, the minimum-norm chain forgets the truth
/// geometrically:
///
/// ```text
/// E ||w_n - w_0||^2 / ||w_0||^2 = 1 - r^n
/// ```
/// because `E[P_n] = r I` for the projection onto a uniformly random
/// `T0`-dimensional subspace, so `E ||w_n||^2 = r^n ||w_0||^2` and
/// `E <w_0, w_n> = r^n ||w_0||^2`. Source: Dohmatob, Feng and Kempe (2024),
/// over-parameterised regime. Proof: `proofs/linear-overparameterised.md`.
///
/// ```
/// use model_collapse::linear::overparam::overparameterised_error;
/// assert!((overparameterised_error(0.5, 3) - 0.875).abs() < 1e-15);
/// ```
pub fn overparameterised_error(ratio: f64, n: u64) -> f64 {
    1.0 - ratio.powi(n as i32)
}

/// One replicate: the relative distance `||w_n - w_0||^2 / ||w_0||^2` at each generation.
#[derive(Debug, Clone, PartialEq)]
pub struct OverparamChain {
    setup: OverparamSetup,
}

impl OverparamChain {
    /// The chain of a validated setup.
    pub fn new(setup: &OverparamSetup) -> Self {
        OverparamChain { setup: setup.clone() }
    }
}

impl Chain for OverparamChain {
    fn width(&self) -> usize {
        self.setup.generations as usize
    }

    fn run(&self, rng: &mut Stream, out: &mut [f64]) -> Result<()> {
        let (d, t0) = (self.setup.dim, self.setup.samples);
        let w0 = DVector::from_vec(true_weights(d));
        let mut w = w0.clone();
        let isotropic = vec![1.0; d];
        for slot in out.iter_mut() {
            let x = draw(rng, t0, &isotropic); // T0 x d, rows N(0, I_d)
            let mut alpha = (&x * &w).as_slice().to_vec(); // labels X w_{n-1}, no noise
            Factor::new(&x * x.transpose())?.solve(&mut alpha); // (X X^T)^{-1} X w_{n-1}
            w = x.tr_mul(&DVector::from_vec(alpha)); // the minimum-norm fit
            *slot = (&w - &w0).norm_squared() / w0.norm_squared();
        }
        Ok(())
    }
}
