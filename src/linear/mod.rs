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
//! | `regime` | a data schedule ([`schedule`]) | — | |
//! | `design` | one `X` per chain (reused) or a new `X` per generation (fresh) | reused | |
//!
//! The module is split like every model family: [`theory`] holds the closed
//! forms (pure functions of a validated setup), [`sim`] one replicate of the
//! process, [`checks`] the registry entries and Monte Carlo checks.

pub mod checks;
pub mod overparam;
pub mod schedule;
pub mod sim;
pub mod theory;

pub use schedule::Regime;

use crate::error::{Error, Result, require_finite};
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// Whether the design matrix is shared by the generations of a chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Design {
    /// One `X` per chain, relabelled every generation (the papers' setting).
    Reused,
    /// A new independent `X` every generation.
    Fresh,
}

impl fmt::Display for Design {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Design::Reused => "reused",
            Design::Fresh => "fresh",
        })
    }
}

/// The eigenvalues of the (diagonal) feature covariance `Sigma`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Spectrum {
    /// `Sigma = I`.
    Identity,
    /// `lambda_k = k^(-alpha)`, `k = 1..d`.
    PowerLaw(f64),
    /// Explicit eigenvalues, one per dimension.
    Diagonal(Vec<f64>),
}

impl Spectrum {
    /// The `d` eigenvalues `lambda_1..lambda_d`.
    pub fn eigenvalues(&self, dim: usize) -> Vec<f64> {
        match self {
            Spectrum::Identity => vec![1.0; dim],
            Spectrum::PowerLaw(alpha) => (1..=dim).map(|k| (k as f64).powf(-alpha)).collect(),
            Spectrum::Diagonal(values) => values.clone(),
        }
    }

    /// Checks the spectrum against the dimension: one eigenvalue per dimension,
    /// each positive and finite (a power law with a large exponent can
    /// underflow to 0 or overflow).
    fn validate(&self, dim: usize) -> Result<()> {
        let bad = |rule: String| Err(Error::invalid("spectrum", self, rule));
        if let Spectrum::Diagonal(v) = self
            && v.len() != dim
        {
            return bad(format!("needs one eigenvalue per dimension: {} given, dim = {dim}", v.len()));
        }
        match self.eigenvalues(dim).iter().position(|l| !(l.is_finite() && *l > 0.0)) {
            Some(k) => bad(format!(
                "every eigenvalue must be positive and finite, but lambda_{} = {}",
                k + 1,
                self.eigenvalues(dim)[k]
            )),
            None => Ok(()),
        }
    }
}

impl fmt::Display for Spectrum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Spectrum::Identity => f.write_str("identity"),
            Spectrum::PowerLaw(alpha) => write!(f, "power:{alpha}"),
            Spectrum::Diagonal(v) => {
                let parts: Vec<String> = v.iter().map(|x| x.to_string()).collect();
                write!(f, "diag:{}", parts.join(","))
            }
        }
    }
}

impl FromStr for Spectrum {
    type Err = Error;

    /// `identity`, `power:ALPHA` or `diag:L1,L2,...`.
    fn from_str(s: &str) -> Result<Self> {
        let bad = |rule: &str| Error::invalid("spectrum", s, rule);
        let number = |x: &str| {
            x.trim()
                .parse::<f64>()
                .map_err(|_| Error::invalid("spectrum", s, format!("`{x}` is not a number")))
        };
        match s.split_once(':') {
            None if s == "identity" => Ok(Spectrum::Identity),
            Some(("power", a)) => Ok(Spectrum::PowerLaw(number(a)?)),
            Some(("diag", list)) => Ok(Spectrum::Diagonal(list.split(',').map(number).collect::<Result<_>>()?)),
            _ => Err(bad("must be `identity`, `power:ALPHA` or `diag:L1,L2,...`")),
        }
    }
}

/// A validated linear-regression feedback loop: every simulator and closed
/// form of this family starts from one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinearSetup {
    dim: usize,
    samples: usize,
    sigma: f64,
    spectrum: Spectrum,
}

impl LinearSetup {
    /// Validates `d >= 1`, `T >= d` (so that a Gaussian design has full column
    /// rank almost surely), `sigma` finite and `>= 0`, and the spectrum.
    pub fn new(dim: usize, samples: usize, sigma: f64, spectrum: Spectrum) -> Result<Self> {
        if dim == 0 {
            return Err(Error::invalid("dim", dim, "the dimension d must be at least 1"));
        }
        if samples < dim {
            return Err(Error::invalid(
                "samples",
                samples,
                format!("least squares needs T >= d = {dim} rows per generation"),
            ));
        }
        if require_finite("sigma", sigma)? < 0.0 {
            return Err(Error::invalid("sigma", sigma, "the noise standard deviation must be >= 0"));
        }
        spectrum.validate(dim)?;
        Ok(LinearSetup { dim, samples, sigma, spectrum })
    }

    /// Dimension `d`.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Rows per generation `T`.
    pub fn samples(&self) -> usize {
        self.samples
    }

    /// Label noise standard deviation `sigma`.
    pub fn sigma(&self) -> f64 {
        self.sigma
    }

    /// The feature covariance's spectrum.
    pub fn spectrum(&self) -> &Spectrum {
        &self.spectrum
    }

    /// A one-line description, for tables and file headers.
    pub fn describe(&self) -> String {
        format!("d={} T={} sigma={} spectrum={}", self.dim, self.samples, self.sigma, self.spectrum)
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
        assert_eq!(e.to_string(), "--samples = 10: least squares needs T >= d = 12 rows per generation");
        let e = LinearSetup::new(0, 10, 1.0, Spectrum::Identity).unwrap_err();
        assert!(e.to_string().starts_with("--dim = 0"));
    }
}
