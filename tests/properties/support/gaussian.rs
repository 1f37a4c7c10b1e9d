//! Strategies and helpers shared by the Gaussian family's theorem files.

use model_collapse::gaussian::theory::{GaussianTheory, Metric};
use model_collapse::gaussian::{Estimator, GaussianRegime, GaussianSetup};
use model_collapse::spectrum::Spectrum;
use proptest::prelude::*;

/// `exp` of a sum of a few `ln Gamma` values at arguments in about `[1, 3]`, where
/// statrs' `ln_gamma` is good to about `1e-15`: ten times that. Between
/// [`crate::common::EXACT`] (`c_4 = sd_factor(4)` is off by `2e-15`) and
/// [`crate::common::ACCURATE`].
pub const LN_GAMMA: f64 = 1e-14;

/// `sigma` log-uniform on `[1e-3, 1e3]`.
pub fn sigma() -> impl Strategy<Value = f64> {
    (-3.0f64..3.0).prop_map(|e| 10f64.powf(e))
}

/// The two estimators that fit a covariance.
pub fn fitted() -> impl Strategy<Value = Estimator> {
    prop_oneof![Just(Estimator::Unbiased), Just(Estimator::Mle)]
}

/// A spectrum for dimension `d`: identity, a power law or explicit eigenvalues.
fn spectrum(d: usize) -> impl Strategy<Value = Spectrum> {
    prop_oneof![
        Just(Spectrum::Identity),
        (0.0f64..2.0).prop_map(Spectrum::PowerLaw),
        proptest::collection::vec(0.01f64..100.0, d).prop_map(Spectrum::Diagonal),
    ]
}

/// `(d, spectrum)` with `d` in `1..=6`.
pub fn shape() -> impl Strategy<Value = (usize, Spectrum)> {
    (1usize..=6).prop_flat_map(|d| (Just(d), spectrum(d)))
}

/// A setup that is valid by construction.
pub fn setup(d: usize, m: usize, sigma: f64, sp: Spectrum, e: Estimator, regime: GaussianRegime, n: u64) -> GaussianSetup {
    GaussianSetup::new(d, m, sigma, sp, e, regime, n).expect("valid by construction")
}

/// The 1-D theory of `M` points per generation.
pub fn theory_1d(m: usize, sigma: f64, e: Estimator, regime: GaussianRegime, n: u64) -> GaussianTheory {
    GaussianTheory::new(&setup(1, m, sigma, Spectrum::Identity, e, regime, n))
}

/// The values of `metric`'s closed form, which must exist.
pub fn values(t: &GaussianTheory, metric: Metric) -> Vec<f64> {
    t.curve(metric).unwrap_or_else(|| panic!("a closed form of {metric}")).values
}

/// `r = (M - 1)/M`.
pub fn r(m: usize) -> f64 {
    (m as f64 - 1.0) / m as f64
}

/// `ln r = ln(1 - 1/M)`, to an ulp.
pub fn ln_r(m: usize) -> f64 {
    (-1.0 / m as f64).ln_1p()
}
