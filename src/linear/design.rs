//! Designs of the linear loop: drawn `T x d` matrices (column-major, as every
//! matrix in [`crate::linalg`]), the one design a conditioned run shares
//! between its replicates, the truth `w*`, and the test error.

use super::LinearSetup;
use crate::error::{Error, Result, param_value};
use crate::linalg::{Factor, gram, plus_identity};
use crate::mc::{SHARED_STREAM, Stream, replicate_rng};
use crate::normal::fill_normal;
use nalgebra::DMatrix;
use std::fmt;
use std::str::FromStr;

/// The true weights `w*`: `1/sqrt(d)` in every coordinate. No theorem depends
/// on `w*` (the error `w_n - w*` evolves independently of it); a non-zero truth
/// keeps the simulation literal.
pub fn true_weights(dim: usize) -> Vec<f64> {
    vec![1.0 / (dim as f64).sqrt(); dim]
}

/// A `T x d` design with rows `x ~ N(0, diag(lambda))`, drawn column by
/// column, coordinate `k` scaled by `sqrt(lambda_k)`.
pub fn draw(rng: &mut Stream, samples: usize, sqrt_eigenvalues: &[f64]) -> DMatrix<f64> {
    let mut x = DMatrix::zeros(samples, sqrt_eigenvalues.len());
    for (column, &scale) in x.as_mut_slice().chunks_exact_mut(samples.max(1)).zip(sqrt_eigenvalues) {
        fill_normal(rng, scale, column);
    }
    x
}

/// The test error `||w - w*||^2_Sigma` for a diagonal `Sigma` with these eigenvalues.
pub fn test_error(eigenvalues: &[f64], w: &[f64], w_star: &[f64]) -> f64 {
    let terms = w.iter().zip(w_star).zip(eigenvalues);
    terms.map(|((w, s), l)| l * (w - s) * (w - s)).sum()
}

/// Which single design a conditioned run shares between its replicates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixedDesign {
    /// A Gaussian design drawn from this seed.
    Seed(u64),
    /// Every row `x = 1` (`d = 1`, identity spectrum): the location model, in
    /// which a least-squares fit is the mean of its labels.
    Ones,
}

impl fmt::Display for FixedDesign {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FixedDesign::Seed(seed) => write!(f, "{seed}"),
            FixedDesign::Ones => f.write_str("ones"),
        }
    }
}

impl FromStr for FixedDesign {
    type Err = Error;

    /// A seed (a whole number) or `ones`.
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "ones" => Ok(FixedDesign::Ones),
            _ => s
                .parse()
                .map(FixedDesign::Seed)
                .map_err(|_| Error::invalid("fixed_design", s, "must be a seed (a whole number >= 0) or `ones` (the constant design)")),
        }
    }
}

/// One design shared by every replicate of a run: the setting of
/// `linear-conditional`, where expectations are over the noise only.
#[derive(Debug, Clone)]
pub struct GivenDesign {
    pub(crate) x: DMatrix<f64>,
    gram: DMatrix<f64>,
    /// The factor of `X^T X + kappa I`, the matrix of every fit on this design.
    pub(crate) fit: Factor,
}

impl GivenDesign {
    /// The design of `fixed` for a setup: drawn from the seed on the stream
    /// reserved for shared draws ([`SHARED_STREAM`]), so it is independent of
    /// every replicate's noise, or the constant design (needs `d = 1` and
    /// `Sigma = 1`, the second moment of `x = 1`).
    pub fn new(setup: &LinearSetup, fixed: FixedDesign) -> Result<Self> {
        let x = match fixed {
            FixedDesign::Seed(seed) => {
                let sqrt_eig: Vec<f64> = setup.spectrum().eigenvalues(setup.dim()).iter().map(|l| l.sqrt()).collect();
                draw(&mut replicate_rng(seed, SHARED_STREAM), setup.samples(), &sqrt_eig)
            }
            FixedDesign::Ones if setup.spectrum().eigenvalues(setup.dim()) != [1.0] => {
                return Err(Error::invalid(
                    "fixed_design",
                    fixed,
                    format!("the constant design x = 1 needs {} and the identity spectrum ({})", param_value("dim", 1), setup.describe()),
                ));
            }
            FixedDesign::Ones => DMatrix::from_element(setup.samples(), 1, 1.0),
        };
        Self::with_kappa(x, setup.kappa())
    }

    /// Uses a given `T x d` matrix with `T >= d >= 1` (least squares); fails if
    /// its Gram matrix is not positive definite.
    pub fn from_matrix(x: DMatrix<f64>) -> Result<Self> {
        if x.ncols() == 0 || x.nrows() < x.ncols() {
            let shape = format!("{} x {}", x.nrows(), x.ncols());
            return Err(Error::invalid("design", shape, "a design needs T >= d >= 1 (rows x columns)"));
        }
        Self::with_kappa(x, 0.0)
    }

    /// A design and the factor of its fits, `X^T X + kappa I`.
    pub(crate) fn with_kappa(x: DMatrix<f64>, kappa: f64) -> Result<Self> {
        let gram = gram(&x);
        let fit = Factor::new(plus_identity(gram.clone(), kappa))?;
        Ok(GivenDesign { x, gram, fit })
    }

    /// The design `X`.
    pub fn matrix(&self) -> &DMatrix<f64> {
        &self.x
    }

    /// The Gram matrix `X^T X`.
    pub fn gram(&self) -> &DMatrix<f64> {
        &self.gram
    }

    /// `tr(Sigma (X^T X)^{-1}) = sum_k lambda_k ||L^{-1} e_k||^2` by triangular
    /// solves on the Cholesky factor `L` of `X^T X` (no explicit inverse).
    pub fn trace_sigma_gram_inverse(&self, eigenvalues: &[f64]) -> Result<f64> {
        debug_assert_eq!(eigenvalues.len(), self.gram.nrows(), "one eigenvalue per dimension");
        let factor = Factor::new(self.gram.clone())?;
        Ok(factor.inverse_diagonal().iter().zip(eigenvalues).map(|(v, l)| v * l).sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn singular_design_is_an_error_not_a_panic() {
        let x = DMatrix::from_element(5, 2, 1.0); // two equal columns
        assert!(matches!(GivenDesign::from_matrix(x), Err(Error::Numerical(_))));
        let empty = DMatrix::<f64>::zeros(0, 0);
        assert!(matches!(GivenDesign::from_matrix(empty), Err(Error::InvalidParameter { .. })));
        let wide = DMatrix::from_element(2, 3, 1.0);
        assert!(matches!(GivenDesign::from_matrix(wide), Err(Error::InvalidParameter { .. })));
    }
}
