//! The linear-regression feedback loop of Dohmatob, Feng and Kempe (2024), as
//! used by Gerstgrasser et al. (2024, Section 3).
//!
//! Truth: `y = x^T w* + eps`, `x ~ N(0, Sigma)` in dimension `d`,
//! `eps ~ N(0, sigma^2)`. Generation 1 fits ordinary least squares on `T` real
//! samples; generation `i >= 2` labels a design with the previous fit plus fresh
//! noise and fits again, on the newest batch ([`Regime::Replace`]) or on all
//! batches so far ([`Regime::Accumulate`]). The test error of a fit `w` is
//! `E[(x^T w - y)^2] - sigma^2 = ||w - w*||^2_Sigma`.
//!
//! | parameter | paper | default | range |
//! |---|---|---|---|
//! | `dim` | `d` | — | `>= 1` |
//! | `samples` | `T`, rows per generation | — | `>= d` to simulate, `>= d + 2` for the expectation |
//! | `sigma` | `sigma`, label noise standard deviation | — | finite, `>= 0` |
//! | `spectrum` | eigenvalues of `Sigma` (diagonal) | identity | positive, finite |
//! | `regime` | a data schedule ([`crate::schedule`]) | — | |
//! | `design` | one `X` per chain (reused) or a new `X` per generation (fresh) | reused | |
//!
//! The module is split like every model family: [`theory`] holds the closed
//! forms (pure functions of a validated setup; [`ridge`] and [`downstream`]
//! those of ridge fits), [`design`] the design matrices, [`sim`] one replicate
//! of the process ([`overparam`] and [`downstream`] for their own chains),
//! [`model`] the validated settings as [`crate::model::Model`]s, and
//! `theorems/` one file per theorem (registry entry, checks, figure).

pub mod design;
pub mod downstream;
pub mod model;
pub mod overparam;
pub mod ridge;
pub mod sim;
mod theorems;
pub mod theory;

pub use crate::schedule::Regime;
pub use crate::spectrum::Spectrum;
pub use model::{DownstreamModel, LinearModel};
pub use theorems::THEOREMS;

use crate::budget::{MAX_SAMPLES, require_entries};
use crate::error::{Error, Result};

/// The largest dimension `d` of the linear family (a `d x d` Gram matrix per fit).
pub const MAX_DIM: usize = 10_000;

/// The largest label noise `sigma`: its square, and sums of many of them, stay finite.
pub const MAX_SIGMA: f64 = 1e100;
use serde::Serialize;

/// Whether the design matrix is shared by the generations of a chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Design {
    /// One `X` per chain, relabelled every generation (the papers' setting).
    Reused,
    /// A new independent `X` every generation.
    Fresh,
}

crate::named!(Design, "design", [Design::Reused => "reused", Design::Fresh => "fresh"]);

/// A validated linear-regression feedback loop: every simulator and closed
/// form of this family starts from one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinearSetup {
    dim: usize,
    samples: usize,
    /// `sigma_g` of generation `g` is `noise_levels[min(g, len) - 1]`: the last level repeats.
    noise_levels: Vec<f64>,
    spectrum: Spectrum,
    /// Ridge penalty `lambda` on the mean squared error (0: least squares).
    ridge: f64,
}

impl LinearSetup {
    /// Validates `d >= 1`, `T >= d` (so that a Gaussian design has full column
    /// rank almost surely), `sigma` finite and `>= 0`, and the spectrum.
    /// Least squares, one noise level; see [`LinearSetup::with_noise_levels`]
    /// and [`LinearSetup::with_ridge`].
    pub fn new(dim: usize, samples: usize, sigma: f64, spectrum: Spectrum) -> Result<Self> {
        if !(1..=MAX_DIM).contains(&dim) {
            return Err(Error::invalid("dim", dim, format!("the dimension d must be between 1 and {MAX_DIM}")));
        }
        if samples > MAX_SAMPLES {
            return Err(Error::invalid("samples", samples, format!("must be at most {MAX_SAMPLES}")));
        }
        if samples < dim {
            return Err(Error::invalid("samples", samples, format!("least squares needs T >= d = {dim} rows per generation")));
        }
        require_entries("samples", samples, samples, dim, "a design")?;
        spectrum.validate(dim)?;
        LinearSetup { dim, samples, noise_levels: vec![], spectrum, ridge: 0.0 }.with_noise_levels(vec![sigma])
    }

    /// Gives generation `g` the noise level `levels[g - 1]`, the last level
    /// repeating for later generations; each level finite and `>= 0`.
    pub fn with_noise_levels(mut self, levels: Vec<f64>) -> Result<Self> {
        let text = || levels.iter().map(|&s| crate::error::number(s)).collect::<Vec<_>>().join(",");
        if levels.is_empty() {
            return Err(Error::invalid("sigma", "", "give at least one noise level"));
        }
        if let Some(g) = levels.iter().position(|s| !(s.is_finite() && *s >= 0.0 && *s <= MAX_SIGMA)) {
            return Err(Error::invalid(
                "sigma",
                text(),
                format!(
                    "the noise standard deviation of generation {} is {}; it must be finite, >= 0 and <= {MAX_SIGMA:e}",
                    g + 1,
                    crate::error::number(levels[g])
                ),
            ));
        }
        self.noise_levels = levels;
        Ok(self)
    }

    /// Fits by ridge regression with penalty `lambda >= 0` on the mean squared
    /// error: `argmin (1/N) ||y - X w||^2 + lambda ||w||^2` over the `N` training rows.
    pub fn with_ridge(mut self, lambda: f64) -> Result<Self> {
        if !(lambda.is_finite() && (0.0..=MAX_SIGMA).contains(&lambda)) {
            return Err(Error::invalid("ridge", lambda, format!("the ridge penalty lambda must be finite, >= 0 and <= {MAX_SIGMA:e}")));
        }
        self.ridge = lambda;
        Ok(self)
    }

    /// Dimension `d`.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Rows per generation `T`.
    pub fn samples(&self) -> usize {
        self.samples
    }

    /// The label noise standard deviation of generation 1 (the real data).
    pub fn sigma(&self) -> f64 {
        self.noise_levels[0]
    }

    /// The label noise standard deviation `sigma_g` of the batch created at generation `g >= 1`.
    pub fn sigma_at(&self, generation: u64) -> f64 {
        let last = self.noise_levels.len() - 1;
        self.noise_levels[(generation.max(1) as usize - 1).min(last)]
    }

    /// The noise levels of generations `1, 2, ...`, the last repeating.
    pub fn noise_levels(&self) -> &[f64] {
        &self.noise_levels
    }

    /// The noise level, when every generation has the same one.
    pub fn constant_sigma(&self) -> Option<f64> {
        let first = self.noise_levels[0];
        self.noise_levels.iter().all(|&s| s == first).then_some(first)
    }

    /// The ridge penalty `lambda` (0: least squares).
    pub fn ridge(&self) -> f64 {
        self.ridge
    }

    /// `kappa = T lambda`: the ridge term added to the Gram matrix of one batch.
    pub fn kappa(&self) -> f64 {
        self.samples as f64 * self.ridge
    }

    /// The feature covariance's spectrum.
    pub fn spectrum(&self) -> &Spectrum {
        &self.spectrum
    }

    /// A one-line description, for tables and file headers.
    pub fn describe(&self) -> String {
        let sigma = self.noise_levels.iter().map(f64::to_string).collect::<Vec<_>>().join(",");
        let ridge = if self.ridge > 0.0 { format!(" ridge={}", self.ridge) } else { String::new() };
        format!("d={} T={} sigma={sigma} spectrum={}{ridge}", self.dim, self.samples, self.spectrum)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spectrum_round_trips_through_text() {
        for text in ["identity", "power:1.5", "diag:1,0.5,0.25"] {
            let s: Spectrum = text.parse().unwrap();
            assert_eq!(s.to_string(), text);
        }
        assert_eq!(Spectrum::PowerLaw(1.0).eigenvalues(3), vec![1.0, 0.5, 1.0 / 3.0]);
        assert!("power".parse::<Spectrum>().is_err());
        let underflow = LinearSetup::new(10, 20, 1.0, Spectrum::PowerLaw(400.0)).unwrap_err();
        // 6^-400 is about 1e-311 (subnormal but positive); 7^-400 underflows to 0.
        assert!(underflow.to_string().contains("lambda_7 = 0"), "{underflow}");
    }

    #[test]
    fn setup_errors_name_parameter_value_and_rule() {
        let e = LinearSetup::new(12, 10, 1.0, Spectrum::Identity).unwrap_err();
        assert_eq!(e.to_string(), "samples = 10: least squares needs T >= d = 12 rows per generation");
        let e = LinearSetup::new(0, 10, 1.0, Spectrum::Identity).unwrap_err();
        assert!(e.to_string().starts_with("dim = 0"));
    }
}
