//! The downstream model of Dohmatob, Feng and Kempe (2024): a chain of `n`
//! synthetic generations, then one ridge model trained on its data.
//!
//! Generations are counted as in every family: generation 1 is the first
//! model fitted, on data labelled by the truth. The downstream model of
//! generation `g` trains on data labelled by the chain's model `g - 1`, after
//! `n = g - 1` chain generations (`g = 1`: the truth's labels).
//!
//! | parameter | paper | meaning | range |
//! |---|---|---|---|
//! | `dim` | `d` | dimension | `>= 1` |
//! | `chain_samples` | `T0` | rows per chain generation (fresh design each) | `>= d + 2` |
//! | `chain_sigma` | `sigma0` | label noise of the chain | finite, `>= 0` |
//! | `samples` | `T` | rows of the downstream training set | `>= d` (`>= d + 2` over designs) |
//! | `sigma` | `sigma` | label noise of the downstream data | finite, `>= 0` |
//! | `ridge` | `lambda` | downstream penalty on the mean squared error | finite, `>= 0` |
//! | `generations` | `n + 1` | generations reported, `g = 1..=generations`, chain lengths `n = g - 1` | `>= 1` |
//!
//! The chain starts at `w_0 = w*` and fits least squares on `T0` fresh rows
//! labelled by the previous fit; the downstream model fits ridge on `T` rows
//! labelled by `w_n` and is scored against the truth `w*`.

use super::design::{GivenDesign, draw, test_error, true_weights};
use super::ridge::RidgeTheory;
use super::sim::Relabel;
use super::{LinearSetup, Spectrum};
use crate::budget::{MAX_GENERATIONS, require_range};
use crate::error::{Error, Result, param_value};
use crate::linalg::{Factor, gram};
use crate::mc::{Chain, Stream};
use crate::schedule::Plan;
use nalgebra::DMatrix;

/// A validated downstream setting: the chain's and the downstream model's setups.
#[derive(Debug, Clone, PartialEq)]
pub struct DownstreamSetup {
    chain: LinearSetup,
    downstream: LinearSetup,
    generations: u64,
}

/// Renames the parameter of a setup error (the chain's `samples` is `chain_samples`).
fn renamed(e: Error, from: &str, to: &'static str) -> Error {
    match e {
        Error::InvalidParameter { parameter, value, rule } if parameter == from => Error::InvalidParameter { parameter: to, value, rule },
        other => other,
    }
}

impl DownstreamSetup {
    /// Validates both setups; the chain needs `T0 >= d + 2` for its second moment.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        dim: usize,
        chain_samples: usize,
        chain_sigma: f64,
        samples: usize,
        sigma: f64,
        ridge: f64,
        spectrum: Spectrum,
        generations: u64,
    ) -> Result<Self> {
        let chain = LinearSetup::new(dim, chain_samples, chain_sigma, spectrum.clone())
            .map_err(|e| renamed(renamed(e, "samples", "chain_samples"), "sigma", "chain_sigma"))?;
        if chain_samples < dim + 2 {
            return Err(Error::invalid(
                "chain_samples",
                chain_samples,
                format!("the chain's expected error needs T0 >= d + 2 = {}", dim + 2),
            ));
        }
        let downstream = LinearSetup::new(dim, samples, sigma, spectrum)?.with_ridge(ridge)?;
        let generations = require_range("generations", generations, MAX_GENERATIONS)?;
        Ok(DownstreamSetup { chain, downstream, generations })
    }

    /// The downstream model's setup (its `T`, `sigma`, penalty and spectrum).
    pub fn downstream(&self) -> &LinearSetup {
        &self.downstream
    }

    /// The chain's setup (its `T0`, `sigma0` and spectrum).
    pub fn chain(&self) -> &LinearSetup {
        &self.chain
    }

    /// The generations reported: `g = 1..=generations`, after `n = g - 1` chain generations.
    pub fn generations(&self) -> u64 {
        self.generations
    }

    /// A one-line description, for tables.
    pub fn describe(&self) -> String {
        format!(
            "T0={} sigma0={} downstream: {} generations={}",
            self.chain.samples(),
            self.chain.sigma(),
            self.downstream.describe(),
            self.generations
        )
    }

    /// `sigma0^2 / (T0 - d - 1)`: the chain's error covariance per generation, in units of `Sigma^{-1}`.
    fn chain_unit(&self) -> f64 {
        let (d, t0) = (self.chain.dim() as f64, self.chain.samples() as f64);
        self.chain.sigma().powi(2) / (t0 - d - 1.0)
    }
}

/// **linear-downstream.** After `n` chain generations (generation `g = n + 1`) the downstream ridge model
/// `w_hat = (X^T X + kappa I)^{-1} X^T (X w_n + E)`, `kappa = T lambda`, has, with
/// `A = (X^T X + kappa I)^{-1} X^T X`,
///
/// ```text
/// E[test error | X] = ||(A - I) w*||^2_Sigma + sigma^2 tr(Sigma (G + kappa)^{-1} G (G + kappa)^{-1})
///                   + n sigma0^2 / (T0 - d - 1) * tr(A Sigma A Sigma^{-1})
/// lambda = 0, over designs:  sigma^2 d / (T - d - 1) + n sigma0^2 d / (T0 - d - 1)
/// ```
/// The chain term grows linearly in `n` for every `lambda`: the downstream
/// penalty shrinks the inherited error, it cannot remove it. Source: Dohmatob,
/// Feng and Kempe (2024), arXiv 2402.07712. Proof: `proofs/linear-downstream.md`.
///
/// ```
/// use model_collapse::linear::{Spectrum, downstream::{DownstreamSetup, DownstreamTheory}};
/// // Generations 1..=4: generation 4 comes after n = 3 chain generations.
/// let setup = DownstreamSetup::new(10, 100, 1.0, 50, 0.5, 0.0, Spectrum::Identity, 4).unwrap();
/// let curve = DownstreamTheory::new(&setup).over_designs().unwrap();
/// assert!((curve[3] - (0.25 * 10.0 / 39.0 + 3.0 * 10.0 / 89.0)).abs() < 1e-15);
/// ```
#[derive(Debug, Clone)]
pub struct DownstreamTheory {
    setup: DownstreamSetup,
}

impl DownstreamTheory {
    /// The closed forms of a setting.
    pub fn new(setup: &DownstreamSetup) -> Self {
        DownstreamTheory { setup: setup.clone() }
    }

    /// Least squares downstream (`lambda = 0`), averaged over every design:
    /// generations `1..=generations`, chain lengths `n = 0..generations`. Needs `T >= d + 2`.
    pub fn over_designs(&self) -> Result<Vec<f64>> {
        let down = &self.setup.downstream;
        if down.ridge() > 0.0 {
            return Err(Error::invalid(
                "ridge",
                down.ridge(),
                format!(
                    "with a ridge penalty the closed form is for one given downstream design ({})",
                    param_value("fixed_design", "SEED")
                ),
            ));
        }
        let (d, t) = (down.dim(), down.samples());
        if t < d + 2 {
            return Err(Error::invalid("samples", t, format!("the expected error needs T >= d + 2 = {}", d + 2)));
        }
        let clean = down.sigma().powi(2) * d as f64 / (t - d - 1) as f64;
        let per_generation = self.setup.chain_unit() * d as f64;
        Ok((0..self.setup.generations).map(|n| clean + n as f64 * per_generation).collect())
    }

    /// Conditional on the downstream design with Gram matrix `gram`, any `lambda >= 0`:
    /// chain lengths `n = 0..generations`.
    pub fn given(&self, gram: &DMatrix<f64>) -> Vec<f64> {
        let down = &self.setup.downstream;
        // Bias and noise of one ridge fit on data from the truth: generation 1 of linear-ridge.
        let ridge = RidgeTheory::new(gram, down);
        let clean = ridge.curve(&Plan::replace(1)).values[0];
        let chain = self.setup.chain_unit() * ridge.shrinkage_trace();
        (0..self.setup.generations).map(|n| clean + n as f64 * chain).collect()
    }
}

/// One replicate: the chain's models `w_0..w_{G-1}`, and for each the downstream
/// model's test error. Observation `g - 1` is the error of generation `g`,
/// after `n = g - 1` chain generations.
///
/// Order of draws: the downstream design (unless given), then for each `n`
/// the downstream noise and, before the next generation, the chain's fresh
/// design and noise.
#[derive(Debug, Clone)]
pub struct DownstreamChain {
    setup: DownstreamSetup,
    eigenvalues: Vec<f64>,
    sqrt_eigenvalues: Vec<f64>,
    given: Option<GivenDesign>,
}

impl DownstreamChain {
    /// The simulator of a validated setting: a downstream design drawn per
    /// replicate, or one `given` design shared by every replicate.
    pub(crate) fn new(setup: &DownstreamSetup, given: Option<GivenDesign>) -> Self {
        let eigenvalues = setup.chain.spectrum().eigenvalues(setup.chain.dim());
        let sqrt_eigenvalues = eigenvalues.iter().map(|l| l.sqrt()).collect();
        DownstreamChain { setup: setup.clone(), eigenvalues, sqrt_eigenvalues, given }
    }
}

impl Chain for DownstreamChain {
    fn width(&self) -> usize {
        self.setup.generations as usize
    }

    fn run(&self, rng: &mut Stream, out: &mut [f64]) -> Result<()> {
        let (down, chain) = (&self.setup.downstream, &self.setup.chain);
        let owned;
        let given = match &self.given {
            Some(g) => g,
            None => {
                let x = draw(rng, down.samples(), &self.sqrt_eigenvalues);
                owned = GivenDesign::with_kappa(x, down.kappa())?;
                &owned
            }
        };
        let w_star = true_weights(down.dim());
        let mut w = w_star.clone();
        let (mut relabel_down, mut relabel_chain) = (Relabel::new(down), Relabel::new(chain));
        for (n, slot) in out.iter_mut().enumerate() {
            let mut w_hat = relabel_down.batch(rng, down.sigma(), &given.x, given.gram(), &w).to_vec();
            given.fit.solve(&mut w_hat);
            *slot = test_error(&self.eigenvalues, &w_hat, &w_star);
            if n + 1 < self.setup.generations as usize {
                let x = draw(rng, chain.samples(), &self.sqrt_eigenvalues);
                let chain_gram = gram(&x);
                w = relabel_chain.batch(rng, chain.sigma(), &x, &chain_gram, &w).to_vec();
                Factor::new(chain_gram)?.solve(&mut w);
            }
        }
        Ok(())
    }
}
