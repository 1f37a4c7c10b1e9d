//! The linear family's theorems, one file each: the registry entry (what
//! `collapse list` prints), the Monte Carlo checks with their negative
//! controls (what `collapse verify` runs) and the figure (what `collapse plot`
//! draws). The closed forms are in [`super::theory`], [`super::ridge`],
//! [`super::downstream`] and [`super::overparam`].
//!
//! Every unconditional setting of a check has `T >= d + 4`, so the test error
//! has a finite variance over designs and its standard error means what it
//! says; the conditional checks need no such condition (the error is a
//! Gaussian quadratic form given the design). Asymptotic closed forms (the
//! large-`T` reference of accumulate-subsample) are drawn, never checked.

use super::design::FixedDesign;
use super::model::LinearMetric;
use super::{Design, LinearModel, LinearSetup};
use crate::error::Result;
use crate::figure::Series;
use crate::mc::MonteCarlo;
use crate::model::Run;
use crate::schedule::Regime;
use crate::spectrum::Spectrum;
use crate::verify::Case;

crate::theorems!(
    replace,
    accumulate,
    accumulate_fresh,
    conditional,
    schedule,
    mix,
    window,
    replace_growing,
    fresh_real,
    overparameterised,
    accumulate_subsample,
    ridge,
    downstream,
);

/// The horizontal axis of the figures over generations.
const ITERATION: &str = "model-fitting iteration n";
/// The vertical axis of the figures of the test error.
const TEST_ERROR: &str = "test error E ||w_n - w*||^2_Sigma";

/// A setting of the checks: `d`, `T`, the noise levels, the spectrum, the
/// penalty, the schedule, the design and, when conditioned, the one design.
#[derive(Debug, Clone)]
struct Setting {
    dim: usize,
    samples: usize,
    sigma: Vec<f64>,
    ridge: f64,
    spectrum: Spectrum,
    regime: Regime,
    design: Design,
    generations: u64,
    fixed: Option<FixedDesign>,
}

impl Setting {
    /// Least squares, one noise level, identity spectrum, a random design per replicate.
    fn new(dim: usize, samples: usize, sigma: f64, regime: Regime, design: Design, generations: u64) -> Self {
        let (spectrum, sigma) = (Spectrum::Identity, vec![sigma]);
        Setting { dim, samples, sigma, ridge: 0.0, spectrum, regime, design, generations, fixed: None }
    }

    fn spectrum(mut self, spectrum: Spectrum) -> Self {
        self.spectrum = spectrum;
        self
    }

    /// Noise level per generation, the last repeating.
    fn noise(mut self, levels: &[f64]) -> Self {
        self.sigma = levels.to_vec();
        self
    }

    fn ridge(mut self, lambda: f64) -> Self {
        self.ridge = lambda;
        self
    }

    /// One design drawn from `seed`, shared by every replicate.
    fn given(self, seed: u64) -> Self {
        self.fixed(FixedDesign::Seed(seed))
    }

    fn fixed(mut self, fixed: FixedDesign) -> Self {
        self.fixed = Some(fixed);
        self
    }

    /// The same setting under another schedule (a control's formula).
    fn regime(mut self, regime: Regime) -> Self {
        self.regime = regime;
        self
    }

    fn model(&self) -> Result<LinearModel> {
        let setup = LinearSetup::new(self.dim, self.samples, self.sigma[0], self.spectrum.clone())?
            .with_noise_levels(self.sigma.clone())?
            .with_ridge(self.ridge)?;
        let model = LinearModel::new(setup, self.regime.clone(), self.design, self.generations)?;
        match self.fixed {
            Some(fixed) => model.conditioned(fixed),
            None => Ok(model),
        }
    }

    /// A check of the test error at these generations.
    fn case(&self, at: &[u64]) -> Result<Case<LinearModel>> {
        Ok(Case::new(self.model()?).at(LinearMetric::TestError, at))
    }
}

/// A least-squares setup with one noise level.
fn setup(dim: usize, samples: usize, sigma: f64, spectrum: Spectrum) -> Result<LinearSetup> {
    LinearSetup::new(dim, samples, sigma, spectrum)
}

/// `n` generations of `regime` on a random design per replicate, simulated.
fn over_designs(setup: &LinearSetup, regime: Regime, design: Design, n: u64, mc: &MonteCarlo) -> Result<Run<LinearModel>> {
    Run::new(LinearModel::new(setup.clone(), regime, design, n)?, mc)
}

/// `n` generations of `regime` on one design shared by every replicate, simulated.
fn given(setup: &LinearSetup, regime: Regime, n: u64, fixed: FixedDesign, mc: &MonteCarlo) -> Result<Run<LinearModel>> {
    Run::new(LinearModel::new(setup.clone(), regime, Design::Reused, n)?.conditioned(fixed)?, mc)
}

/// A horizontal dotted line at `y` over `1..=n`.
fn level(label: impl Into<String>, key: usize, n: u64, y: f64) -> Series {
    Series::bound(label, key, [1.0, n as f64], [y, y])
}
