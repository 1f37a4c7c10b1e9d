//! Gaussian model collapse: Shumailov et al. (2024, Theorem 3.1), its exact
//! rates, and the accumulate cure of Gerstgrasser et al. (2024).
//!
//! Truth: `N(mu, Sigma)` in dimension `d`, `Sigma = sigma^2 diag(lambda)`. The
//! truth's mean is irrelevant to every quantity below (each fit is translation
//! equivariant), so the code takes `mu = 0`.
//!
//! **Indexing.** Generation 1 fits the real sample (`M` points of the truth);
//! generation `n >= 2` draws `M` points from the fit of generation `n - 1` and
//! fits again, on the data its [`Regime`] names. Generation `n`'s row reports
//! the fit of generation `n`.
//!
//! | parameter | paper | default (CLI) | range |
//! |---|---|---|---|
//! | `dim` | `d` | 1 | `>= 1` |
//! | `samples` | `M`, points per generation | 100 | `>= 2`; `>= d + 1` when the covariance is fitted |
//! | `sigma` | `sigma`, the truth's scale | 1 | finite, `> 0` |
//! | `spectrum` | `Sigma / sigma^2` (diagonal) | identity | positive, finite |
//! | `estimator` | divisor of the scatter | unbiased | [`Estimator`] |
//! | `regime` | which data generation `n` fits on | replace | replace, accumulate, accumulate-subsample, `mix:LAMBDA`, `fresh-real:P` |
//! | `threshold` | `eps`, "collapsed" when `(det Sigma_n / det Sigma)^(1/d) < eps` | 0.01 | `0 < eps`, finite |
//!
//! Regimes (the names and parameters of [`crate::schedule`], as [`GaussianRegime`]):
//!
//! | regime | generation `n >= 2` fits |
//! |---|---|
//! | `replace` | its own `M` samples |
//! | `accumulate` | the pool of all `n M` samples so far |
//! | `accumulate-subsample` | `M` samples drawn without replacement from that pool |
//! | `mix:LAMBDA` | the same real sample of `n_r = LAMBDA M` points (drawn once) plus `M - n_r` samples of its own |
//! | `fresh-real:P` | a new real sample of `n_r = (1 - P) M` points plus `P M` samples of its own |
//!
//! Under `mix` and `fresh-real`, generation 1 fits its `n_r` real points only.
//!
//! The module is split like every model family: [`theory`] holds the closed
//! forms, [`sim`] one replicate of the process, [`model`] the setup as a
//! [`crate::model::Model`], and `theorems/` one file per theorem (registry
//! entry, checks, figure).

pub mod model;
pub mod sim;
mod theorems;
pub mod theory;

pub use theorems::THEOREMS;

use crate::budget::{MAX_GENERATIONS, MAX_SAMPLES, require_entries, require_range};
use crate::error::{Error, Result, require_finite};

/// The largest dimension `d` of the Gaussian family (a `d x d` covariance per fit).
pub const MAX_DIM: usize = 1000;
use crate::schedule::Regime;
use crate::spectrum::Spectrum;
use serde::Serialize;

/// The data schedules the Gaussian family runs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(into = "String")]
pub enum GaussianRegime {
    /// Generation `n >= 2` fits its own `M` samples.
    Replace,
    /// The pool of all `n M` samples so far.
    Accumulate,
    /// `M` samples drawn without replacement from that pool.
    AccumulateSubsample,
    /// The same real sample of `LAMBDA M` points plus `(1 - LAMBDA) M` samples of its own.
    Mix(f64),
    /// A new real sample of `(1 - P) M` points plus `P M` samples of its own.
    FreshReal(f64),
}

impl TryFrom<Regime> for GaussianRegime {
    type Error = Error;

    fn try_from(regime: Regime) -> Result<Self> {
        match regime {
            Regime::Replace => Ok(GaussianRegime::Replace),
            Regime::Accumulate => Ok(GaussianRegime::Accumulate),
            Regime::AccumulateSubsample => Ok(GaussianRegime::AccumulateSubsample),
            Regime::Mix(lambda) => Ok(GaussianRegime::Mix(lambda)),
            Regime::FreshReal(p) => Ok(GaussianRegime::FreshReal(p)),
            other => Err(Error::invalid(
                "regime",
                other,
                "the Gaussian family runs replace, accumulate, accumulate-subsample, mix:LAMBDA and fresh-real:P",
            )),
        }
    }
}

impl From<GaussianRegime> for Regime {
    fn from(regime: GaussianRegime) -> Regime {
        match regime {
            GaussianRegime::Replace => Regime::Replace,
            GaussianRegime::Accumulate => Regime::Accumulate,
            GaussianRegime::AccumulateSubsample => Regime::AccumulateSubsample,
            GaussianRegime::Mix(lambda) => Regime::Mix(lambda),
            GaussianRegime::FreshReal(p) => Regime::FreshReal(p),
        }
    }
}

impl From<GaussianRegime> for String {
    fn from(regime: GaussianRegime) -> String {
        regime.to_string()
    }
}

crate::family_schedule!(GaussianRegime);

/// How a generation estimates the covariance from its `N` points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Estimator {
    /// Scatter divided by `N - 1` (Shumailov et al., Theorem 3.1).
    Unbiased,
    /// Scatter divided by `N`, the maximum-likelihood fit (the code of Kazdan
    /// et al., Bertrand et al., Alemohammad et al.).
    Mle,
    /// The covariance is known and never re-estimated: every model keeps the
    /// truth's `Sigma` and only the mean is fitted (the setting of `gaussian-mix`
    /// and `gaussian-accumulate-subsample`).
    KnownVariance,
}

impl Estimator {
    /// The divisor of the scatter of `points` points, `None` when the
    /// covariance is not fitted.
    pub fn divisor(self, points: usize) -> Option<f64> {
        match self {
            Estimator::Unbiased => Some(points as f64 - 1.0),
            Estimator::Mle => Some(points as f64),
            Estimator::KnownVariance => None,
        }
    }
}

crate::named!(Estimator, "estimator", [
    Estimator::Unbiased => "unbiased",
    Estimator::Mle => "mle",
    Estimator::KnownVariance => "known-variance",
]);

/// A validated Gaussian feedback loop: every simulator and closed form of this
/// family starts from one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GaussianSetup {
    dim: usize,
    samples: usize,
    sigma: f64,
    spectrum: Spectrum,
    estimator: Estimator,
    regime: GaussianRegime,
    /// `n_r`: real points per generation under `mix` and `fresh-real`; `M` otherwise.
    real_samples: usize,
    threshold: f64,
    generations: u64,
}

/// The default collapse threshold `eps`.
pub const DEFAULT_THRESHOLD: f64 = 0.01;

impl GaussianSetup {
    /// Validates `d >= 1`, `M >= 2`, `M >= d + 1` (and `n_r >= d + 1`) when the
    /// covariance is fitted, `sigma > 0`, the spectrum, the regime and `n >= 1`.
    /// The threshold is [`DEFAULT_THRESHOLD`]; see [`GaussianSetup::with_threshold`].
    pub fn new(
        dim: usize,
        samples: usize,
        sigma: f64,
        spectrum: Spectrum,
        estimator: Estimator,
        regime: GaussianRegime,
        generations: u64,
    ) -> Result<Self> {
        if !(1..=MAX_DIM).contains(&dim) {
            return Err(Error::invalid("dim", dim, format!("the dimension d must be between 1 and {MAX_DIM}")));
        }
        if !(2..=MAX_SAMPLES).contains(&samples) {
            return Err(Error::invalid("samples", samples, format!("a generation needs 2 <= M <= {MAX_SAMPLES} samples")));
        }
        require_entries("samples", samples, samples, dim, "a batch")?;
        if estimator != Estimator::KnownVariance && samples <= dim {
            return Err(Error::invalid(
                "samples",
                samples,
                format!("dimension d = {dim} needs M >= d + 1 = {} samples for a non-singular fitted covariance", dim + 1),
            ));
        }
        if require_finite("sigma", sigma)? <= 0.0 {
            return Err(Error::invalid("sigma", sigma, "the truth's standard deviation sigma must be > 0"));
        }
        spectrum.validate(dim)?;
        let variances = spectrum.eigenvalues(dim).into_iter().map(|l| sigma * sigma * l);
        if let Some((i, v)) = variances.enumerate().find(|(_, v)| !(v.is_finite() && *v >= f64::MIN_POSITIVE)) {
            return Err(Error::invalid(
                "sigma",
                sigma,
                format!(
                    "the truth's variance sigma^2 lambda_{} = {v:e} must be a finite normal number (between {:e} and {:e})",
                    i + 1,
                    f64::MIN_POSITIVE,
                    f64::MAX
                ),
            ));
        }
        require_range("generations", generations, MAX_GENERATIONS)?;
        let real_samples = real_samples(regime, samples, dim, estimator)?;
        Ok(GaussianSetup { dim, samples, sigma, spectrum, estimator, regime, real_samples, threshold: DEFAULT_THRESHOLD, generations })
    }

    /// Sets the collapse threshold `eps > 0` (finite).
    pub fn with_threshold(mut self, threshold: f64) -> Result<Self> {
        if require_finite("threshold", threshold)? <= 0.0 {
            return Err(Error::invalid("threshold", threshold, "the collapse threshold eps must be > 0"));
        }
        self.threshold = threshold;
        Ok(self)
    }

    /// Dimension `d`.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Points per generation `M`.
    pub fn samples(&self) -> usize {
        self.samples
    }

    /// The truth's scale `sigma`.
    pub fn sigma(&self) -> f64 {
        self.sigma
    }

    /// The eigenvalues `lambda` of `Sigma / sigma^2`.
    pub fn spectrum(&self) -> &Spectrum {
        &self.spectrum
    }

    /// The diagonal of the true covariance, `sigma^2 lambda_i`.
    pub fn variances(&self) -> Vec<f64> {
        self.spectrum.eigenvalues(self.dim).iter().map(|l| self.sigma * self.sigma * l).collect()
    }

    /// `tr Sigma`.
    pub fn trace(&self) -> f64 {
        self.variances().iter().sum()
    }

    /// The covariance estimator.
    pub fn estimator(&self) -> Estimator {
        self.estimator
    }

    /// The regime.
    pub fn regime(&self) -> GaussianRegime {
        self.regime
    }

    /// `n_r`: the real points of every generation under `mix` and `fresh-real`, `M` otherwise.
    pub fn real_samples(&self) -> usize {
        self.real_samples
    }

    /// `n_s = M - n_r`: the synthetic points of generation `n >= 2` under `mix`
    /// and `fresh-real` (0 otherwise).
    pub fn synthetic_samples(&self) -> usize {
        self.samples - self.real_samples
    }

    /// The collapse threshold `eps`.
    pub fn threshold(&self) -> f64 {
        self.threshold
    }

    /// Number of generations `n`.
    pub fn generations(&self) -> u64 {
        self.generations
    }

    /// A one-line description, for tables and file headers.
    pub fn describe(&self) -> String {
        format!(
            "d={} M={} sigma={} spectrum={} estimator={} regime={} eps={}",
            self.dim, self.samples, self.sigma, self.spectrum, self.estimator, self.regime, self.threshold
        )
    }
}

/// `n_r` of a regime, validated: `mix:LAMBDA` takes `n_r = LAMBDA M` real
/// points, `fresh-real:P` takes `n_r = (1 - P) M`; each must be a whole number
/// of points, at least one (at least `d + 1` when the covariance is fitted,
/// since generation 1 fits the real points alone).
fn real_samples(regime: GaussianRegime, samples: usize, dim: usize, estimator: Estimator) -> Result<usize> {
    let share = match regime {
        GaussianRegime::Replace | GaussianRegime::Accumulate | GaussianRegime::AccumulateSubsample => return Ok(samples),
        GaussianRegime::Mix(lambda) => lambda,
        GaussianRegime::FreshReal(p) => 1.0 - p,
    };
    let exact = share * samples as f64;
    let real = exact.round();
    let needed = if estimator == Estimator::KnownVariance { 1 } else { dim + 1 };
    if (exact - real).abs() > 1e-9 * samples as f64 || real < needed as f64 {
        return Err(Error::invalid(
            "regime",
            regime,
            format!("the real share times M = {samples} must be a whole number of real points n_r >= {needed}, got {exact}"),
        ));
    }
    Ok(real as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup(dim: usize, samples: usize, estimator: Estimator, regime: &str) -> Result<GaussianSetup> {
        GaussianSetup::new(dim, samples, 1.0, Spectrum::Identity, estimator, regime.parse()?, 10)
    }

    #[test]
    fn errors_name_parameter_value_and_rule() {
        let e = setup(1, 1, Estimator::Unbiased, "replace").unwrap_err();
        assert_eq!(e.to_string(), "samples = 1: a generation needs 2 <= M <= 1000000000 samples");
        let e = setup(3, 3, Estimator::Mle, "replace").unwrap_err();
        assert_eq!(e.to_string(), "samples = 3: dimension d = 3 needs M >= d + 1 = 4 samples for a non-singular fitted covariance");
        assert!(setup(3, 3, Estimator::KnownVariance, "replace").is_ok());
        let e = GaussianSetup::new(1, 10, 0.0, Spectrum::Identity, Estimator::Mle, GaussianRegime::Replace, 5).unwrap_err();
        assert_eq!(e.to_string(), "sigma = 0: the truth's standard deviation sigma must be > 0");
        let e = GaussianSetup::new(1, 10, -1.0, Spectrum::Identity, Estimator::Mle, GaussianRegime::Replace, 5).unwrap_err();
        assert!(e.to_string().starts_with("sigma = -1"), "{e}");
        let e = "window:3".parse::<GaussianRegime>().unwrap_err();
        assert!(e.to_string().starts_with("regime = window:3: the Gaussian family runs"), "{e}");
        let e = setup(1, 10, Estimator::Mle, "mix:0.25").unwrap_err();
        assert!(e.to_string().contains("whole number of real points n_r >= 2, got 2.5"), "{e}");
        let e = setup(1, 10, Estimator::Mle, "replace").unwrap().with_threshold(0.0).unwrap_err();
        assert!(e.to_string().starts_with("threshold = 0"), "{e}");
    }

    #[test]
    fn real_and_synthetic_points() {
        let s = setup(1, 12, Estimator::KnownVariance, "mix:0.25").unwrap();
        assert_eq!((s.real_samples(), s.synthetic_samples()), (3, 9));
        let s = setup(1, 12, Estimator::KnownVariance, "fresh-real:0.75").unwrap();
        assert_eq!((s.real_samples(), s.synthetic_samples()), (3, 9));
        let s = setup(2, 12, Estimator::Unbiased, "accumulate").unwrap();
        assert_eq!((s.real_samples(), s.synthetic_samples()), (12, 0));
    }
}
