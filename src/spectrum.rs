//! The eigenvalues of a diagonal covariance matrix, shared by the model
//! families: the feature covariance `Sigma` of the linear loop and the true
//! covariance of the Gaussian family.

use crate::error::{Error, Result};
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

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
    pub(crate) fn validate(&self, dim: usize) -> Result<()> {
        let bad = |rule: String| Err(Error::invalid("spectrum", self, rule));
        if let Spectrum::Diagonal(v) = self
            && v.len() != dim
        {
            return bad(format!("needs one eigenvalue per dimension: {} given, dim = {dim}", v.len()));
        }
        match self.eigenvalues(dim).iter().position(|l| !(l.is_finite() && *l > 0.0)) {
            Some(k) => bad(format!("every eigenvalue must be positive and finite, but lambda_{} = {}", k + 1, self.eigenvalues(dim)[k])),
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
        let number = |x: &str| x.trim().parse::<f64>().map_err(|_| Error::invalid("spectrum", s, format!("`{x}` is not a number")));
        match s.split_once(':') {
            None if s == "identity" => Ok(Spectrum::Identity),
            Some(("power", a)) => Ok(Spectrum::PowerLaw(number(a)?)),
            Some(("diag", list)) => Ok(Spectrum::Diagonal(list.split(',').map(number).collect::<Result<_>>()?)),
            _ => Err(bad("must be `identity`, `power:ALPHA` or `diag:L1,L2,...`")),
        }
    }
}
